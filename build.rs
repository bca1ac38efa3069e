//! Generates the C header `include/offblocks.h` from `src/ffi/` with cbindgen.
//!
//! The header is always written to `$OUT_DIR/offblocks.h`, whose path is passed to the
//! crate as `OFFBLOCKS_GENERATED_HEADER`; `tests/ffi_header.rs` compares it with the
//! committed `include/offblocks.h` and fails on any difference. The committed copy is
//! (re)written only when it is missing or `OFFBLOCKS_WRITE_HEADER=1` is set, so that an
//! ordinary build never edits tracked files behind the developer's back.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=include/offblocks.h");
    println!("cargo:rerun-if-env-changed=OFFBLOCKS_WRITE_HEADER");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("cannot read cbindgen.toml: {e}"));
    let version = |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).expect("version");
    let defines = format!(
        "\n/** The version of the SDK this header belongs to (from Cargo.toml). */\n\
         #define OFFBLOCKS_VERSION_MAJOR {}\n\
         #define OFFBLOCKS_VERSION_MINOR {}\n\
         #define OFFBLOCKS_VERSION_PATCH {}\n",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
    );
    config.after_includes = Some(config.after_includes.unwrap_or_default() + &defines);

    // Parsing src/ffi/ alone (not the whole crate) keeps cbindgen from running
    // `cargo metadata` inside the build and from meeting syntax it cannot parse.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/ffi/mod.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed on src/ffi: {e}"));
    let generated = out_dir.join("offblocks.h");
    bindings.write_to_file(&generated);
    println!(
        "cargo:rustc-env=OFFBLOCKS_GENERATED_HEADER={}",
        generated.display()
    );

    let committed = crate_dir.join("include/offblocks.h");
    let asked = env::var("OFFBLOCKS_WRITE_HEADER").is_ok_and(|v| v == "1");
    if asked || !committed.exists() {
        fs::create_dir_all(crate_dir.join("include")).expect("create include/");
        fs::copy(&generated, &committed).expect("write include/offblocks.h");
    }
}
