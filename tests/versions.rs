//! One version: `version` in the `[package]` table of Cargo.toml. Every other copy of it
//! in the repository is derived from it, and this test fails when one differs:
//!
//! - `Cargo.lock`'s entry for `offblocks` (cargo rewrites it; `--locked` builds refuse a
//!   stale one);
//! - the `OFFBLOCKS_VERSION_*` macros of `include/offblocks.h` (written by build.rs from
//!   `CARGO_PKG_VERSION_*`; regenerate with `OFFBLOCKS_WRITE_HEADER=1 cargo build`);
//! - `bindings/python/offblocks/_version.py`, the copy used when running the Python
//!   package from the source tree (`setup.py` writes the crate's version into every built
//!   package and passes it to setuptools, so installs and wheels never disagree; the
//!   wheel's name and `offblocks.__version__` are checked by scripts/test-wheel.sh);
//! - `bindings/python/pyproject.toml`, which must leave the version to setup.py;
//! - `bindings/kotlin/pom.xml`, the Kotlin package's `<version>`.
//!
//! The `Version:` of the installed pkg-config file is written by scripts/install.sh from
//! Cargo.toml and checked by scripts/test-install.sh.

use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// The lines of the TOML table `[name]` (up to the next table header).
fn table<'a>(toml: &'a str, name: &str) -> Vec<&'a str> {
    let header = format!("[{name}]");
    toml.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .collect()
}

/// The string value of `key = "…"` among `lines`.
fn string_value<'a>(lines: &[&'a str], key: &str) -> Option<&'a str> {
    lines.iter().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"'))
    })
}

#[test]
fn cargo_toml_holds_the_version() {
    let manifest = read("Cargo.toml");
    assert_eq!(
        string_value(&table(&manifest, "package"), "version"),
        Some(VERSION)
    );
    let parts: Vec<&str> = VERSION.split('.').collect();
    assert_eq!(parts.len(), 3, "MAJOR.MINOR.PATCH, got {VERSION}");
}

#[test]
fn cargo_lock_has_the_version() {
    let lock = read("Cargo.lock");
    let entry = lock
        .split("[[package]]")
        .find(|p| p.lines().any(|l| l.trim() == "name = \"offblocks\""))
        .expect("Cargo.lock has an entry for offblocks");
    let lines: Vec<&str> = entry.lines().collect();
    assert_eq!(string_value(&lines, "version"), Some(VERSION));
}

#[test]
fn header_macros_have_the_version() {
    let header = read("include/offblocks.h");
    let macro_value = |part: &str| {
        let name = format!("#define OFFBLOCKS_VERSION_{part} ");
        header
            .lines()
            .find_map(|l| l.strip_prefix(name.as_str()))
            .unwrap_or_else(|| panic!("include/offblocks.h lacks OFFBLOCKS_VERSION_{part}"))
            .trim()
            .to_owned()
    };
    let from_header = ["MAJOR", "MINOR", "PATCH"].map(macro_value).join(".");
    assert_eq!(
        from_header, VERSION,
        "include/offblocks.h is stale: regenerate it with `OFFBLOCKS_WRITE_HEADER=1 cargo build`"
    );
}

#[test]
fn python_package_has_the_version() {
    let source = read("bindings/python/offblocks/_version.py");
    let committed = source
        .lines()
        .find_map(|l| l.strip_prefix("__version__ = "))
        .expect("_version.py assigns __version__")
        .trim()
        .trim_matches('"');
    assert_eq!(
        committed, VERSION,
        "bindings/python/offblocks/_version.py differs from Cargo.toml"
    );

    let pyproject = read("bindings/python/pyproject.toml");
    let project = table(&pyproject, "project");
    assert_eq!(
        string_value(&project, "version"),
        None,
        "pyproject.toml must not state a version: setup.py takes Cargo.toml's"
    );
    assert_eq!(string_value(&project, "dynamic"), Some("[\"version\"]"));
    let setup = read("bindings/python/setup.py");
    assert!(
        setup.contains("setup(version=VERSION,"),
        "setup.py passes the crate's version"
    );
}

#[test]
fn kotlin_package_has_the_version() {
    // The project's own <version>, the first after its <artifactId> (dependencies come
    // later and take theirs from properties).
    let pom = read("bindings/kotlin/pom.xml");
    let own = pom
        .split_once("<artifactId>offblocks-kotlin</artifactId>")
        .map(|(_, rest)| rest)
        .expect("the Kotlin package's artifactId");
    let version = own
        .split_once("<version>")
        .and_then(|(_, rest)| rest.split_once("</version>"))
        .map(|(v, _)| v.trim())
        .expect("a <version> after the artifactId");
    assert_eq!(version, VERSION, "bindings/kotlin/pom.xml");
}
