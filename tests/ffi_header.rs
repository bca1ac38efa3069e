//! The committed C header is exactly what cbindgen generates from `src/ffi/`, and its
//! version macros are Cargo.toml's version.
//!
//! The header is generated here, not in build.rs, so that users of the crate never
//! compile cbindgen (a dev-dependency): changing an exported function or its doc comment
//! without committing the regenerated header fails this test. `OFFBLOCKS_WRITE_HEADER=1
//! cargo test --test ffi_header` writes the generated header to `include/offblocks.h`.

use std::ffi::CStr;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include/offblocks.h");

/// The version macros the header opens with, from the crate's version.
fn version_defines() -> String {
    let part = |p: &str| -> u32 { p.parse().expect("a numeric version part") };
    let (major, minor, patch) = (
        part(env!("CARGO_PKG_VERSION_MAJOR")),
        part(env!("CARGO_PKG_VERSION_MINOR")),
        part(env!("CARGO_PKG_VERSION_PATCH")),
    );
    assert!(major < 256 && minor < 256 && patch < 256, "one byte each");
    let num = (major << 16) | (minor << 8) | patch;
    format!(
        "\n/** The version of the SDK this header belongs to (from Cargo.toml). */\n\
         #define OFFBLOCKS_VERSION_MAJOR {major}\n\
         #define OFFBLOCKS_VERSION_MINOR {minor}\n\
         #define OFFBLOCKS_VERSION_PATCH {patch}\n\
         /**\n \
         * The same version as one number, 0xMMmmpp (a byte each), for comparisons in\n \
         * `#if`: `#if OFFBLOCKS_VERSION_NUM >= 0x000200`. offblocks_version_num() gives\n \
         * the library's.\n \
         */\n\
         #define OFFBLOCKS_VERSION_NUM 0x{num:06x}\n"
    )
}

/// The header cbindgen makes of `src/ffi/` with `cbindgen.toml`.
fn generate() -> String {
    let root = PathBuf::from(ROOT);
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("cannot read cbindgen.toml: {e}"));
    config.after_includes = Some(config.after_includes.unwrap_or_default() + &version_defines());
    // Parsing src/ffi/ alone (not the whole crate) keeps cbindgen from running
    // `cargo metadata` and from meeting syntax it cannot parse.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed on src/ffi: {e}"));
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

#[test]
fn committed_header_is_the_generated_one() {
    let generated = generate();
    if std::env::var("OFFBLOCKS_WRITE_HEADER").is_ok_and(|v| v == "1") {
        std::fs::write(COMMITTED, &generated).expect("write include/offblocks.h");
    }
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
        let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("offblocks.h");
        std::fs::write(&kept, &generated).expect("write the generated header");
        panic!(
            "include/offblocks.h differs from the header generated from src/ffi/ (first at \
             line {line}).\nRegenerate it with `OFFBLOCKS_WRITE_HEADER=1 cargo test --test \
             ffi_header` and commit it. Generated: {}",
            kept.display()
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
    let num = |p: &String| p.parse::<u32>().expect("numeric");
    let expected = (num(&major) << 16) | (num(&minor) << 8) | num(&patch);
    let line = format!("#define OFFBLOCKS_VERSION_NUM 0x{expected:06x}\n");
    assert!(header.contains(&line), "header lacks {line:?}");
    // SAFETY: offblocks_version returns a static NUL-terminated string.
    let from_library = unsafe { CStr::from_ptr(offblocks::ffi::offblocks_version()) };
    assert_eq!(
        from_library.to_str().unwrap(),
        format!("{major}.{minor}.{patch}")
    );
    assert_eq!(offblocks::ffi::offblocks_version_num(), expected);
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

#[test]
fn result_names_are_the_headers() {
    let header = std::fs::read_to_string(COMMITTED).expect("include/offblocks.h");
    // The last `typedef enum {` before `} offblocks_result;` (other enums come first).
    let body = header
        .split_once("} offblocks_result;")
        .and_then(|(before, _)| before.rsplit_once("typedef enum {"))
        .map(|(_, body)| body)
        .expect("the offblocks_result enum");
    let codes: Vec<(String, i32)> = body
        .lines()
        .filter_map(|l| {
            let (name, value) = l.trim().trim_end_matches(',').split_once(" = ")?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect();
    assert!(codes.len() >= 20, "found {} codes", codes.len());
    let name_of = |code: i32| {
        // SAFETY: offblocks_result_name returns a static NUL-terminated string.
        let name = unsafe { CStr::from_ptr(offblocks::ffi::offblocks_result_name(code)) };
        name.to_str().unwrap().to_owned()
    };
    for (name, value) in &codes {
        assert_eq!(&name_of(*value), name);
    }
    let unknown = codes.iter().map(|(_, v)| v).max().unwrap() + 1;
    for code in [unknown, -1, i32::MIN, i32::MAX] {
        assert_eq!(name_of(code), "OFFBLOCKS_UNKNOWN");
    }
}
