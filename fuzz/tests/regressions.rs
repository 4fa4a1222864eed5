//! Replays every input in fuzz/regressions/ (named `<target>-<what>`) through its
//! target's harness: each must not panic.
//! `cargo test` in fuzz/ (no nightly needed).

use std::path::Path;

#[test]
fn regressions_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(target) = wirelab_fuzz::TARGETS
            .iter()
            .find(|t| name.starts_with(&format!("{t}-")))
        else {
            continue;
        };
        let data = std::fs::read(&path).unwrap();
        if std::panic::catch_unwind(|| wirelab_fuzz::run(target, &data)).is_err() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "inputs that still panic: {failures:#?}");
}
