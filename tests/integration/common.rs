//! Shared helpers: running the binary, locating test data, writing small pcap files.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

pub fn wirelab() -> Command {
    let mut cmd = Command::cargo_bin("wirelab").expect("the wirelab binary is built");
    cmd.env_remove("NO_COLOR");
    // Never touch the user's own progress: tests that need a data directory set their own.
    cmd.env("WIRELAB_HOME", std::env::temp_dir().join("wirelab-tests-home"));
    cmd
}

pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)
}

/// A course folder `name` in `parent`, holding `files` (name, text): an instructor's
/// course for a test.
pub fn course_folder(parent: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let course = parent.join(name);
    std::fs::create_dir(&course).expect("a new course folder");
    for (file, text) in files {
        std::fs::write(course.join(file), text).expect("a course file written");
    }
    course
}

/// A file of the bundled course captures (captures/).
pub fn bundled(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures").join(name)
}

/// Every capture in captures/, tests/data/recorded and tests/data/thirdparty.
pub fn all_captures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [bundled(""), data("recorded"), data("thirdparty")] {
        for entry in std::fs::read_dir(dir).expect("capture folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".pcap") || name.ends_with(".pcapng") {
                files.push(path);
            }
        }
    }
    // The recorded bulk transfer the benchmark capture is built from: large windows,
    // scaled, filled.
    files.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/bulk.pcapng")));
    files.sort();
    files
}

/// A little-endian microsecond pcap file with the given link type and frames.
pub fn pcap_bytes(linktype: u32, frames: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(linktype.to_le_bytes());
    for (sec, usec, data) in frames {
        out.extend(sec.to_le_bytes());
        out.extend(usec.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(*data);
    }
    out
}

/// Frames of a pcap file written by [`pcap_bytes`] or tcpdump (little-endian, microseconds).
pub fn read_pcap_frames(bytes: &[u8]) -> Vec<(u32, u32, Vec<u8>)> {
    let mut frames = Vec::new();
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        let (sec, usec, len) = (u32_at(at), u32_at(at + 4), u32_at(at + 8) as usize);
        frames.push((sec, usec, bytes[at + 16..at + 16 + len].to_vec()));
        at += 16 + len;
    }
    frames
}

pub fn stdout_of(cmd: &mut Command) -> String {
    let output = cmd.output().expect("runs");
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

pub fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Skips (loudly) when tshark is missing, except under CI, where it must be installed.
pub fn require_tshark() -> bool {
    if tshark_available() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("tshark is not installed, and CI must run the differential tests (.ci/run installs it)");
    }
    eprintln!(
        "\n*** SKIPPED: tshark not found; the differential tests did not run. Install it: apt-get install tshark ***\n"
    );
    false
}

pub fn tshark(file: &Path, args: &[&str]) -> String {
    let output = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("tshark runs");
    assert!(output.status.success(), "tshark failed on {}", file.display());
    String::from_utf8_lossy(&output.stdout).into_owned()
}
