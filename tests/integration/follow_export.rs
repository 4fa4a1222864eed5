//! Following streams and exporting the files a capture carries.

use super::common::{bundled, require_tshark, stdout_of, tshark, wirelab};

#[test]
fn follow_output_equals_tshark_follow() {
    if !require_tshark() {
        return;
    }
    let cases = [
        ("ftp-passive", "tcp", 0, "ascii"),
        ("ftp-passive", "tcp", 0, "hex"),
        ("ftp-passive", "tcp", 2, "raw"),
        ("http-methods", "tcp", 8, "ascii"),
        ("http-methods", "tcp", 8, "hex"),
        ("name-services", "udp", 0, "hex"),
        ("smb-logon-failures", "tcp", 4, "raw"),
        // Tabs shown as '.'; spaces at the end of a hex line's text kept but one.
        ("smb-logon-failures", "tcp", 1, "ascii"),
        ("smb-logon-failures", "tcp", 1, "hex"),
        ("ftp-passive", "tcp", 1, "hex"),
        ("http-methods", "tcp", 10, "hex"),
    ];
    for (capture, transport, stream, mode) in cases {
        let file = bundled(&format!("{capture}.pcapng"));
        let mut cmd = wirelab();
        cmd.args([
            "follow",
            "--stream",
            &stream.to_string(),
            "--mode",
            mode,
            "--color",
            "never",
        ])
        .arg(&file);
        if transport == "udp" {
            cmd.arg("--udp");
        }
        let ours = stdout_of(&mut cmd);
        let theirs = tshark(&file, &["-q", "-z", &format!("follow,{transport},{mode},{stream}")]);
        assert_eq!(ours, theirs, "{capture} {transport} stream {stream} {mode}");
    }
}

#[test]
fn following_a_stream_that_is_not_there_is_an_error() {
    let output = wirelab()
        .args(["follow", "--stream", "99"])
        .arg(bundled("ftp-passive.pcapng"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("there is no tcp.stream 99"), "{stderr}");
}

#[test]
fn export_recovers_the_files_served_during_recording() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(
        wirelab()
            .arg("export")
            .arg(bundled("ftp-passive.pcapng"))
            .arg(dir.path()),
    );
    // The exact bytes captures/record.sh put on the FTP server.
    let secrets = std::fs::read(dir.path().join("secrets.txt")).unwrap();
    assert_eq!(secrets, b"The vault code is 4-8-15-16-23-42. Do not share.\n");
    let plans = std::fs::read_to_string(dir.path().join("Shield-prototype-plans")).unwrap();
    assert_eq!(
        plans,
        "Shield prototype: titanium frame, 76 cm, v3 paint scheme. Internal only.\n"
    );
    assert!(
        out.contains("(49 bytes): FTP-DATA tcp.stream 2, RETR secrets.txt"),
        "{out}"
    );
    // The upload in active mode and the listing, named by their commands.
    let active = tempfile::tempdir().unwrap();
    let out = stdout_of(
        wirelab()
            .arg("export")
            .arg(bundled("ftp-active.pcapng"))
            .arg(active.path()),
    );
    assert!(out.contains("notes-from-ws01.txt (71 bytes)"), "{out}");
    let listing = std::fs::read_to_string(active.path().join("ftp-listing-stream-1.txt")).unwrap();
    assert!(listing.contains("reports"), "{listing}");
}

/// A capture cut short after some frames: what its frames carry is written and listed,
/// the damage is a note, and the exit is 0, as for the other commands.
#[test]
fn export_of_a_capture_cut_short_lists_what_it_wrote_then_notes_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(bundled("ftp-passive.pcapng")).unwrap();
    let cut = dir.path().join("cut.pcapng");
    std::fs::write(&cut, &whole[..13444]).unwrap();
    let out_dir = dir.path().join("out");
    let output = wirelab().arg("export").arg(&cut).arg(&out_dir).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("secrets.txt (49 bytes): FTP-DATA tcp.stream 2"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().count(),
        std::fs::read_dir(&out_dir).unwrap().count(),
        "{stdout}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("wirelab: note: ") && stderr.contains("offset 13436") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn export_never_overwrites_and_stays_in_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    for _ in 0..2 {
        stdout_of(wirelab().arg("export").arg(bundled("http-methods.pcapng")).arg(&target));
    }
    let names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"meeting-notes.txt".to_string()), "{names:?}");
    assert!(
        names.contains(&"meeting-notes(2).txt".to_string()),
        "a second export adds, never replaces: {names:?}"
    );
    // Nothing was written next to the folder.
    let outside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(outside.len(), 1);
    // The body of the first GET / is the page nginx served.
    let index = std::fs::read_to_string(target.join("index.html")).unwrap();
    assert!(index.contains("<h1>Wirelab intranet</h1>"), "{index}");
}

#[test]
fn export_into_a_file_is_refused_and_nothing_to_export_leaves_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "keep me").unwrap();
    let output = wirelab()
        .arg("export")
        .arg(bundled("ftp-passive.pcapng"))
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!("wirelab: {}: exists and is not a folder\n", file.display())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    let target = dir.path().join("out");
    let out = stdout_of(
        wirelab()
            .arg("export")
            .arg(bundled("name-services.pcapng"))
            .arg(&target),
    );
    assert!(out.starts_with("nothing to export"), "{out}");
    assert!(!target.exists(), "no empty folder left behind");
}
