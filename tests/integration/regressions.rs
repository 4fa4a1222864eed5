//! Inputs that once crashed wirelab (found by fuzzing, kept in fuzz/regressions/): every
//! command that reads a capture must now handle each of them, and the specific bugs stay
//! fixed.

use std::path::PathBuf;

use super::common::wirelab;

fn regressions() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fuzz/regressions")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn run(args: &[&str], file: &PathBuf) -> (Option<i32>, String, String) {
    let output = wirelab().args(args).arg(file).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_reader_survives_every_regression_input() {
    let files = regressions();
    assert!(files.len() >= 3, "{files:?}");
    for file in &files {
        for args in [
            &["replay", "-T", "json"][..],
            &["replay", "-V", "-x"],
            &["ladder"],
            &["ladder", "--width", "30"],
            &["ladder", "--format", "mermaid"],
            &["stats"],
            &["follow", "--stream", "0"],
        ] {
            let (code, stdout, stderr) = run(args, file);
            assert!(
                matches!(code, Some(0) | Some(2)) && !stderr.contains("panicked"),
                "{} {}: exit {code:?}\n{stderr}",
                args.join(" "),
                file.display()
            );
            assert!(
                !stdout.contains('\u{1b}'),
                "raw escape from {} {}",
                args.join(" "),
                file.display()
            );
        }
    }
}

#[test]
fn a_ladder_with_more_hosts_than_columns_says_so() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/capture_reader-ladder-many-lanes.pcap");
    let (code, stdout, stderr) = run(&["ladder"], &file);
    assert_eq!(code, Some(2), "unusable as asked: exit 2");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "wirelab: {}: 17 hosts do not fit in 80 columns (9 do): narrow the packets with -Y, widen the terminal \
             (--width), or use --format mermaid\n",
            file.display()
        )
    );
    let (_, wide, _) = run(&["ladder", "--width", "200"], &file);
    assert_eq!(
        wide.lines().count(),
        2 + 16,
        "a header, the lane rule, and one arrow per datagram:\n{wide}"
    );
}

#[test]
fn statistics_of_a_capture_spanning_centuries_stay_positive() {
    let file =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/capture_reader-stats-time-overflow.pcapng");
    let (code, stdout, stderr) = run(&["stats"], &file);
    assert_eq!(code, Some(0), "{stderr}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with(" 9223372036.854776 s") && !last.contains('-'), "{last}");
}
