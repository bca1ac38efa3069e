//! The committed C header is exactly what the build generates, and its version macros
//! are Cargo.toml's version.
//!
//! `build.rs` always writes the header to `$OUT_DIR/offblocks.h` and passes its path as
//! `OFFBLOCKS_GENERATED_HEADER`; it writes `include/offblocks.h` only when asked
//! (`OFFBLOCKS_WRITE_HEADER=1`) or when it is missing. So changing an exported function
//! or its doc comment without committing the regenerated header fails here.

use std::ffi::CStr;
use std::path::Path;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include/offblocks.h");
const GENERATED: &str = env!("OFFBLOCKS_GENERATED_HEADER");

#[test]
fn committed_header_is_the_generated_one() {
    let generated = std::fs::read_to_string(GENERATED).expect("the build wrote a header");
    let committed = std::fs::read_to_string(COMMITTED).expect("include/offblocks.h exists");
    if generated != committed {
        let line = generated
            .lines()
            .zip(committed.lines())
            .position(|(g, c)| g != c)
            .map_or_else(
                || generated.lines().count().min(committed.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "include/offblocks.h differs from the header generated from src/ffi/ (first at \
             line {line}).\nRegenerate it with `OFFBLOCKS_WRITE_HEADER=1 cargo build` and \
             commit it. Generated: {}",
            Path::new(GENERATED).display()
        );
    }
}

/// The `version = "…"` of Cargo.toml's `[package]`, read independently of cargo.
fn cargo_toml_version() -> (String, String, String) {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    let package = toml
        .split("\n[")
        .find(|section| section.trim_start_matches('[').starts_with("package]"))
        .expect("[package]");
    let version = package
        .lines()
        .find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == "version").then(|| value.trim().trim_matches('"').to_owned())
        })
        .expect("version = ");
    let mut parts = version.split('.').map(str::to_owned);
    let mut next = || parts.next().expect("MAJOR.MINOR.PATCH");
    (next(), next(), next())
}

#[test]
fn version_macros_and_function_match_cargo_toml() {
    let (major, minor, patch) = cargo_toml_version();
    let header = std::fs::read_to_string(COMMITTED).expect("include/offblocks.h");
    for (name, value) in [("MAJOR", &major), ("MINOR", &minor), ("PATCH", &patch)] {
        let line = format!("#define OFFBLOCKS_VERSION_{name} {value}\n");
        assert!(header.contains(&line), "header lacks {line:?}");
    }
    // SAFETY: offblocks_version returns a static NUL-terminated string.
    let from_library = unsafe { CStr::from_ptr(offblocks::ffi::offblocks_version()) };
    assert_eq!(
        from_library.to_str().unwrap(),
        format!("{major}.{minor}.{patch}")
    );
}

#[test]
fn every_exported_function_is_declared_and_documented() {
    let header = std::fs::read_to_string(COMMITTED).expect("include/offblocks.h");
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/ffi"
    ))];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut exported = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(file).unwrap();
        let mut lines = source.lines().peekable();
        while let Some(line) = lines.next() {
            if line.trim() == "#[no_mangle]" {
                let sig = lines.peek().copied().unwrap_or_default();
                let name = sig.split("fn ").nth(1).and_then(|s| s.split('(').next());
                exported.push(name.expect("#[no_mangle] precedes a fn").to_owned());
            }
        }
    }
    assert!(exported.len() > 40, "found {} exports", exported.len());
    let lines: Vec<&str> = header.lines().collect();
    for name in &exported {
        // A declaration is a line outside comments holding `name(`.
        let at = lines
            .iter()
            .position(|l| {
                let t = l.trim_start();
                !t.starts_with('*') && !t.starts_with("/*") && l.contains(&format!("{name}("))
            })
            .unwrap_or_else(|| panic!("{name} is not declared in the header"));
        assert!(
            at > 0 && lines[at - 1].trim() == "*/",
            "{name} has no doc comment in the header"
        );
    }
}
