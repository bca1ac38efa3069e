//! Gives the shared library its SONAME on Linux: `liboffblocks.so.MAJOR.MINOR` while the
//! major version is 0 (where a minor release may break the C ABI), `liboffblocks.so.MAJOR`
//! from 1.0 on. A program linked against the library records that name, so it never
//! loads a library of an incompatible version by mistake; `scripts/install.sh` installs
//! `liboffblocks.so.X.Y.Z` with the `liboffblocks.so.<soname version>` and
//! `liboffblocks.so` links.
//!
//! The C header is not generated here: `tests/ffi_header.rs` generates it with cbindgen
//! (a dev-dependency), fails when the committed `include/offblocks.h` differs, and writes
//! it with `OFFBLOCKS_WRITE_HEADER=1`. Users of the crate never compile cbindgen.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    // Android loads the library by file name from the app; macOS names it with an
    // install name instead. Only Linux gets a SONAME.
    if os != "linux" {
        return;
    }
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("CARGO_PKG_VERSION_MAJOR");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("CARGO_PKG_VERSION_MINOR");
    let soname = if major == "0" {
        format!("liboffblocks.so.{major}.{minor}")
    } else {
        format!("liboffblocks.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
