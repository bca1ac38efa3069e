//! Replays every saved fuzz input through its target's harness, on stable, as part of
//! `cargo test` (`cargo test --lib fuzzing`): the inputs that once crashed
//! (`tests/fuzz_regressions/<target>/`) and the seed corpora (`fuzz/corpus/<target>/`).
//! The harnesses are the very functions `cargo fuzz` runs, so a fixed bug stays fixed
//! without a nightly toolchain.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use super::{Harness, TARGETS};

fn root(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
}

/// Runs `harness` on every file of `dir`, in name order: returns how many there were,
/// and adds the ones that fail to `failed`.
fn replay(dir: &Path, harness: Harness, failed: &mut Vec<PathBuf>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    for file in &files {
        let data = fs::read(file).expect("a readable input");
        // Each input runs even when an earlier one fails, so a report names them all.
        if panic::catch_unwind(AssertUnwindSafe(|| harness(&data))).is_err() {
            failed.push(file.clone());
        }
    }
    files.len()
}

#[test]
fn saved_crashes_stay_fixed() {
    let dir = root("tests/fuzz_regressions");
    let mut failed = Vec::new();
    for (target, harness) in TARGETS {
        replay(&dir.join(target), harness, &mut failed);
    }
    assert!(failed.is_empty(), "saved inputs fail again: {failed:#?}");
    // Every directory of saved inputs belongs to a target.
    for entry in fs::read_dir(&dir).expect("tests/fuzz_regressions exists") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            assert!(TARGETS.iter().any(|(t, _)| *t == name), "no target {name}");
        }
    }
}

#[test]
fn seed_corpora_pass_their_harnesses() {
    let mut failed = Vec::new();
    for (target, harness) in TARGETS {
        let count = replay(&root("fuzz/corpus").join(target), harness, &mut failed);
        assert!(count > 0, "fuzz/corpus/{target} has seeds");
    }
    assert!(failed.is_empty(), "seeds fail: {failed:#?}");
}
