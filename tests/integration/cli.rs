//! The replay command's output formats and options, as a user or script runs them.

use super::common::{data, stdout_of, wirelab};

fn basic() -> std::path::PathBuf {
    data("recorded/l4-basic.pcap")
}

#[test]
fn tsv_has_seven_columns_and_no_header() {
    let out = stdout_of(wirelab().args(["replay", "--format", "tsv", "-c", "25"]).arg(basic()));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 25);
    for line in &lines {
        assert_eq!(line.split('\t').count(), 7, "{line}");
    }
    assert_eq!(
        lines[18],
        "19\t1.232535\t10.77.0.1\t10.77.0.2\tTCP\t74\t59338 → 9000 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=2865412083 TSecr=0 WS=1024"
    );
}

#[test]
fn the_table_has_a_header_and_colours_only_when_asked() {
    let plain = stdout_of(wirelab().args(["replay", "-c", "3"]).arg(basic()));
    assert!(plain.lines().next().unwrap().trim_start().starts_with("No."));
    assert!(!plain.contains('\x1b'), "no colour when piped");
    let coloured = stdout_of(wirelab().args(["replay", "-c", "30", "--color", "always"]).arg(basic()));
    assert!(coloured.contains("\x1b["), "colour when forced");
    let never = stdout_of(wirelab().args(["replay", "-c", "30", "--color", "never"]).arg(basic()));
    assert!(!never.contains('\x1b'));
}

#[test]
fn a_color_before_the_command_counts_and_one_after_it_wins() {
    let before = stdout_of(wirelab().args(["--color", "always", "replay", "-c", "30"]).arg(basic()));
    assert!(before.contains("\x1b["), "--color before replay is used");
    let read = stdout_of(wirelab().args(["--color", "always", "read", "http-methods"]));
    assert!(read.contains("\x1b["), "--color before read is used");
    let after = stdout_of(
        wirelab()
            .args(["--color", "always", "replay", "-c", "30", "--color", "never"])
            .arg(basic()),
    );
    assert!(!after.contains('\x1b'), "the one after the command wins");
    let out = wirelab()
        .args(["--color", "never", "stats"])
        .arg(basic())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--color works with replay, read, follow"));
}

#[test]
fn json_lines_carry_every_field() {
    let out = stdout_of(wirelab().args(["replay", "-T", "json"]).arg(basic()));
    let frames: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON"))
        .collect();
    assert_eq!(frames.len(), 147);
    let syn = &frames[18];
    assert_eq!(syn["protocol"], "TCP");
    assert_eq!(syn["fields"]["tcp.stream"][0], 0);
    assert_eq!(syn["fields"]["tcp.flags.syn"][0], true);
    assert_eq!(syn["fields"]["ip.addr"], serde_json::json!(["10.77.0.1", "10.77.0.2"]));
    assert_eq!(syn["layers"], serde_json::json!(["frame", "eth", "ip", "tcp"]));
}

#[test]
fn fields_follow_tsharks_options() {
    let out = stdout_of(
        wirelab()
            .args([
                "replay",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "tcp.port",
                "-e",
                "tcp.analysis.retransmission",
            ])
            .args(["-E", "header=y", "-E", "separator=,", "-E", "aggregator=/s", "-c", "79"])
            .arg(basic()),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "frame.number,tcp.port,tcp.analysis.retransmission");
    assert_eq!(lines[19], "19,59338 9000,");
    assert_eq!(lines[79], "79,33042 9003,1");
}

/// `-e FIELD` alone means `-T fields`, as in tshark: the same values, not empty lines.
#[test]
fn e_without_t_fields_prints_the_fields() {
    let alone = stdout_of(
        wirelab()
            .args(["replay", "-e", "frame.number", "-e", "tcp.port", "-c", "20"])
            .arg(basic()),
    );
    let with_t = stdout_of(
        wirelab()
            .args([
                "replay",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "tcp.port",
                "-c",
                "20",
            ])
            .arg(basic()),
    );
    assert_eq!(alone, with_t);
    assert_eq!(alone.lines().nth(18), Some("19\t59338,9000"));
}

/// What `replay FILE -Y FILTER -T fields -e FIELD...` prints.
fn fields_where(file: &std::path::Path, filter: &str, fields: &[&str]) -> String {
    let mut replay = wirelab();
    replay.args(["replay", "-Y", filter, "-T", "fields"]);
    for field in fields {
        replay.args(["-e", field]);
    }
    stdout_of(replay.arg(file))
}

/// `http.time` runs to the frame a response is shown in (its last), not to the end of
/// its head: values from `tshark -2` on the bundled capture.
#[test]
fn http_time_runs_to_the_frame_that_shows_the_response() {
    let file = super::common::bundled("http-proxy-connect.pcapng");
    let out = fields_where(&file, "http.time", &["frame.number", "http.time"]);
    assert_eq!(out, "28\t0.003295800\n38\t0.002831207\n");
}

/// An encrypted alert is a `tls.alert_message` too (as tshark marks it): the close_notify
/// after the handshake of the bundled TLS 1.2 capture.
#[test]
fn an_encrypted_alert_is_an_alert_message() {
    let file = super::common::bundled("tls12-handshake.pcapng");
    assert_eq!(fields_where(&file, "tls.alert_message", &["frame.number"]), "14\n");
}

/// NTLMSSP's empty strings are "NULL" in the fields, as tshark prints them.
#[test]
fn empty_ntlmssp_names_are_null() {
    let file = data("thirdparty/eth_smb300_ntlmssp_enc.pcap");
    let names = [
        "frame.number",
        "ntlmssp.auth.domain",
        "ntlmssp.auth.username",
        "ntlmssp.auth.hostname",
    ];
    let out = fields_where(&file, "ntlmssp.auth.username", &names);
    assert_eq!(out, "5\tNULL\tadministrator\tNULL\n");
}

/// An NBSTAT answer's name has no service after it (tshark names it in NB records only).
#[test]
fn an_nbstat_answer_name_has_no_service() {
    let file = data("thirdparty/eth_nbns_netbios.pcap");
    let out = fields_where(&file, "frame.number == 55", &["nbns.name"]);
    assert_eq!(out, format!("*{}\n", "<00>".repeat(15)));
}

/// SSDP's NOTIFY is no `http.request` (tshark calls it a notification), M-SEARCH is.
#[test]
fn a_notify_is_no_http_request() {
    let file = data("thirdparty/eth_nbns_ssdp_multicast.pcapng");
    let count = |filter: &str| {
        stdout_of(wirelab().args(["replay", "-Y", filter]).arg(&file))
            .lines()
            .count()
    };
    // tshark -2: 86 requests, all M-SEARCH; 2 NOTIFY.
    assert_eq!(count("http.request"), 1 + 86, "a header line and the requests");
    assert_eq!(count("http.request.method == \"NOTIFY\" && !http.request"), 1 + 2);
}

#[test]
fn unknown_fields_and_missing_fields_are_usage_errors() {
    let output = wirelab()
        .args(["replay", "-e", "tcp.strem"])
        .arg(basic())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim(),
        "wirelab: unknown field 'tcp.strem' (did you mean tcp.stream?)"
    );
    let output = wirelab()
        .args(["replay", "-T", "fields"])
        .arg(basic())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = wirelab()
        .args(["replay", "-E", "header=maybe", "-e", "frame.number"])
        .arg(basic())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn no_arguments_open_the_course_and_help_lists_the_commands() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout_of(
        wirelab()
            .env("WIRELAB_HOME", home.path())
            .stdin(std::process::Stdio::null()),
    );
    assert!(
        out.starts_with("Welcome to wirelab: Network traffic analysis, layers 5-7\n"),
        "{out}"
    );
    let help = stdout_of(wirelab().arg("--help"));
    for command in ["replay", "follow", "check", "grade", "--course", "--progress"] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
}

#[test]
fn names_resolve_like_tshark_unless_disabled() {
    let numeric = stdout_of(wirelab().args(["replay", "-T", "tsv", "-n", "-c", "5"]).arg(basic()));
    assert!(
        numeric.lines().nth(4).unwrap().contains("ff:ff:ff:ff:ff:ff\tARP"),
        "{numeric}"
    );
    if std::path::Path::new("/usr/share/wireshark/wka").exists() {
        let named = stdout_of(wirelab().args(["replay", "-T", "tsv", "-c", "5"]).arg(basic()));
        assert!(named.lines().nth(4).unwrap().contains("\tBroadcast\tARP"), "{named}");
    }
}

#[test]
fn detail_shows_one_frame_layer_by_layer_and_hex_on_request() {
    let file = super::common::bundled("smb-logon-failures.pcapng");
    let out = stdout_of(wirelab().args(["replay", "--detail", "26", "-x"]).arg(&file));
    assert!(out.starts_with("Frame 26: 564 bytes on wire"), "{out}");
    assert_eq!(out.matches("\nFrame ").count(), 0, "only frame 26");
    for expected in [
        "\nNetBIOS Session Service\n",
        "\nNTLM Secure Service Provider\n    ntlmssp.messagetype: 0x00000003\n",
        "    ntlmssp.auth.username: jdoe\n",
        "\n0000  00 0c 29 5e 10 0a 00 50 56 a1 10 15 08 00 45 00   ..)^...PV.....E.\n",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // -V with a filter: the detail of each frame the filter keeps.
    let out = stdout_of(
        wirelab()
            .args(["replay", "-V", "-Y", "smb2.nt_status == 0xc000006d"])
            .arg(&file),
    );
    assert_eq!(out.matches("Frame ").count(), 4, "four failed logons");

    // A frame that is not there, or not kept, is said so (exit 2), never silence.
    let file_name = file.display().to_string();
    for (args, reason) in [
        (
            &["--detail", "9999"][..],
            "there is no frame 9999; the frames are numbered 1 to 111",
        ),
        (
            &["--detail", "0"][..],
            "there is no frame 0; the frames are numbered 1 to 111",
        ),
        (
            &["--detail", "26", "-Y", "dns"][..],
            "frame 26 does not match the filter",
        ),
        (
            &["--detail", "26", "-c", "10"][..],
            "frame 26 comes after the 10 frames read (-c 10)",
        ),
        // -c as large as the file: the frame is simply not there.
        (
            &["--detail", "112", "-c", "111"][..],
            "there is no frame 112; the frames are numbered 1 to 111",
        ),
    ] {
        let output = wirelab().arg("replay").args(args).arg(&file).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            format!("wirelab: {file_name}: {reason}\n")
        );
        assert!(output.stdout.is_empty());
    }
    // A file damaged before frame N says so, with how far it could be read.
    let damaged = super::common::data("malformed/pcap-record-length-beyond-file.pcap");
    let output = wirelab()
        .args(["replay", "--detail", "5"])
        .arg(&damaged)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.ends_with("(frame 5 is past it: 1 frame could be read)\n"),
        "{stderr}"
    );
    let output = wirelab()
        .args(["replay", "-V", "-T", "fields", "-e", "ip.src"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "wirelab: -V and --detail print each layer of a frame; they do not combine with -T or -e\n"
    );
}

/// Compares a command's output with a golden file in tests/data/golden (rewrite them
/// with WIRELAB_BLESS=1 after a deliberate change, and review the diff).
fn assert_golden(args: &[&str], golden: &str) {
    let out = stdout_of(wirelab().args(args));
    let path = data(&format!("golden/{golden}"));
    if std::env::var_os("WIRELAB_BLESS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(out, expected, "{args:?} differs from {golden}");
}

#[test]
fn ladders_match_their_golden_drawings() {
    let tls = super::common::bundled("tls12-handshake.pcapng");
    let ftp = super::common::bundled("ftp-active.pcapng");
    let smb = super::common::bundled("smb-logon-failures.pcapng");
    let (tls, ftp, smb) = (tls.to_str().unwrap(), ftp.to_str().unwrap(), smb.to_str().unwrap());
    assert_golden(&["ladder", tls, "-Y", "tls", "--width", "80"], "ladder-tls12-80.txt");
    assert_golden(
        &["ladder", ftp, "-Y", "tcp.stream <= 1", "--width", "120"],
        "ladder-ftp-active-120.txt",
    );
    assert_golden(
        &["ladder", smb, "-Y", "smb2.cmd == 1", "--format", "mermaid"],
        "ladder-smb-logons.mmd",
    );
    let out = stdout_of(wirelab().args(["ladder", ftp, "--width", "80"]));
    assert!(out.lines().all(|l| l.chars().count() <= 80), "fits 80 columns:\n{out}");

    // --max: the first N packets, and a note when there were more; none when not.
    let output = wirelab()
        .args(["ladder", ftp, "-Y", "tcp", "--max", "3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout).matches("TCP ").count(), 3);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "wirelab: note: drew the first 3 packets; narrow them with -Y, or draw more with --max\n"
    );
    let output = wirelab()
        .args(["ladder", ftp, "-Y", "tcp.stream == 0", "--max", "500"])
        .output()
        .unwrap();
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    for (option, value, says) in [("--max", "0", "1 or more"), ("--width", "5", "30 or more")] {
        let output = wirelab().args(["ladder", ftp, option, value]).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains(says));
    }
    // Other commands refuse widths and speeds they cannot honour, too.
    for args in [
        &["replay", ftp, "--annotate", "--width", "0"][..],
        &["read", "1", "--width", "19"],
        &["replay", ftp, "--pace=0"],
        &["replay", ftp, "--pace=-1"],
        &["replay", ftp, "--pace=NaN"],
    ] {
        let output = wirelab().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("20 or more") || stderr.contains("a number above 0"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn stats_count_protocols_and_conversations_as_tshark_does() {
    if !super::common::require_tshark() {
        return;
    }
    let file = super::common::bundled("investigation.pcapng");
    let out = stdout_of(wirelab().arg("stats").arg(&file));
    for protocol in ["tcp", "udp", "arp", "smb2", "dns", "ftp", "http"] {
        let tshark_count = super::common::tshark(&file, &["-Y", protocol]).lines().count();
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{protocol} ")))
            .unwrap_or_else(|| panic!("no {protocol} line in:\n{out}"));
        assert!(
            line.contains(&format!("frames:{tshark_count} ")),
            "{protocol}: tshark counts {tshark_count}: {line}"
        );
    }
    let tcp_streams = super::common::tshark(&file, &["-T", "fields", "-e", "tcp.stream", "-Y", "tcp"]);
    let distinct: std::collections::BTreeSet<&str> = tcp_streams.lines().collect();
    assert_eq!(
        out.lines().filter(|l| l.trim_start().starts_with("TCP ")).count(),
        distinct.len()
    );
    assert!(out.contains("Frames over time"), "{out}");
}

#[test]
fn annotated_replays_match_their_golden_texts() {
    let tls = super::common::bundled("tls12-handshake.pcapng");
    let ftp = super::common::bundled("ftp-passive.pcapng");
    let (tls, ftp) = (tls.to_str().unwrap(), ftp.to_str().unwrap());
    let common = ["replay", "--annotate", "--color", "never", "-n"];
    let mut args = common.to_vec();
    args.extend([tls, "--width", "80"]);
    assert_golden(&args, "annotate-tls12-80.txt");
    let mut args = common.to_vec();
    args.extend([ftp, "-Y", "tcp.stream <= 2", "--width", "120"]);
    assert_golden(&args, "annotate-ftp-passive-120.txt");
    // The burst of failed logons in the investigation capture is called out.
    let inv = super::common::bundled("investigation.pcapng");
    let out = stdout_of(
        wirelab()
            .args(["replay", "--annotate", "--color", "never", "--width", "200"])
            .arg(&inv),
    );
    assert!(
        out.contains("Suspicious: 5 failed SMB logons so far from 10.20.30.22 for LAB\\jdoe"),
        "{out}"
    );
    // After the burst is flagged, each further failure is counted, so the last note
    // says how many there were in all.
    let smb = super::common::bundled("smb-logon-failures.pcapng");
    let out = stdout_of(
        wirelab()
            .args(["replay", "--annotate", "--color", "never", "--width", "200"])
            .arg(&smb),
    );
    assert!(
        out.contains("Suspicious: 3 failed SMB logons so far from 10.20.30.21 for LAB\\jdoe"),
        "{out}"
    );
    assert!(
        out.contains("» Failed SMB logon number 4 from 10.20.30.21 for LAB\\jdoe"),
        "{out}"
    );
    assert!(!out.contains("number 5"), "{out}");
    // A chain: the note names the server's certificate (the first), not its issuer's;
    // a certificate with 53 names shows eight of them.
    for (capture, says) in [
        (
            "eth_tls12_curl.pcap",
            "covers www.ntop.org, was signed by Let's Encrypt Authority X3 and is valid until 2020-03-16 01:17:28 (UTC).",
        ),
        (
            "eth_tls_3if_nsres.pcapng",
            "covers baidu.com, baifubao.com, www.baidu.cn, www.baidu.com.cn, mct.y.nuomi.com, apollo.auto, dwz.cn, *.baidu.com and 45 more names, was signed by GlobalSign",
        ),
    ] {
        let out = stdout_of(
            wirelab()
                .args(["replay", "--annotate", "--color", "never", "--width", "2000"])
                .arg(data(&format!("thirdparty/{capture}"))),
        );
        assert_eq!(out.matches("first certificate").count(), 1, "{out}");
        assert!(out.contains(says), "{capture}: {out}");
    }
    // Notes need the table.
    let output = wirelab()
        .args(["replay", "--annotate", "-T", "tsv", tls])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn paced_replay_prints_the_same_frames() {
    let file = super::common::bundled("tls12-handshake.pcapng");
    let plain = stdout_of(wirelab().args(["replay", "-n", "--color", "never"]).arg(&file));
    let paced = stdout_of(
        wirelab()
            .args(["replay", "-n", "--color", "never", "--pace=1000"])
            .arg(&file),
    );
    assert_eq!(plain, paced);
    let output = wirelab().args(["replay", "--pace=fast"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "a speed must be a number");
}

#[test]
fn a_long_decode_into_a_pipe_draws_progress_on_a_terminal_only() {
    // A 20 MB capture: real frames repeated.
    let frames =
        crate::common::read_pcap_frames(&std::fs::read(crate::common::data("recorded/l4-basic.pcap")).unwrap());
    let mut many: Vec<(u32, u32, &[u8])> = Vec::new();
    while many.len() < 90_000 {
        many.extend(frames.iter().map(|(s, u, d)| (*s, *u, d.as_slice())));
    }
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.pcap");
    std::fs::write(&big, crate::common::pcap_bytes(1, &many)).unwrap();
    assert!(std::fs::metadata(&big).unwrap().len() > 16 << 20);

    let out = wirelab().args(["replay", "-T", "tsv"]).arg(&big).output().unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "no bar when stderr is not a terminal");

    let bin = assert_cmd::cargo::cargo_bin("wirelab");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c").arg(format!(
        "'{}' replay -T tsv '{}' > /dev/null",
        bin.display(),
        big.display()
    ));
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    p.exp_string("decoding [").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn the_lessons_commands_find_the_bundled_captures_from_any_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let run = |args: &[&str], dir: &std::path::Path| {
        let output = wirelab().args(args).current_dir(dir).output().unwrap();
        (output.status.code(), String::from_utf8(output.stdout).unwrap())
    };
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["replay", "captures/ftp-passive.pcapng", "-T", "tsv", "-Y", "ftp"];
    let (code, in_repo) = run(&args, repo);
    assert_eq!(code, Some(0));
    assert_eq!(run(&args, elsewhere.path()), (Some(0), in_repo.clone()));
    let bare = ["replay", "ftp-passive.pcapng", "-T", "tsv", "-Y", "ftp"];
    assert_eq!(run(&bare, elsewhere.path()), (Some(0), in_repo));
    let (code, followed) = run(
        &["follow", "--stream", "0", "captures/ftp-passive.pcapng"],
        elsewhere.path(),
    );
    assert_eq!(code, Some(0));
    assert!(followed.contains("227 Entering Passive Mode"), "{followed}");
    // A file of that name wins; a path elsewhere is never taken for a bundled capture.
    std::fs::write(elsewhere.path().join("ftp-passive.pcapng"), b"not a capture").unwrap();
    assert_eq!(run(&bare, elsewhere.path()).0, Some(2));
    assert_eq!(
        run(&["replay", "/nowhere/ftp-passive.pcapng"], elsewhere.path()).0,
        Some(2)
    );
}

#[test]
fn a_usage_error_is_one_line_with_clap_s_tip() {
    for (args, says) in [
        (
            &["replay", "--colr", "always", "x.pcap"][..],
            "a similar argument exists: '--color'",
        ),
        (&["grade"], "required arguments were not provided"),
        (&["replay", "--bogus", "x.pcap"], "unexpected argument '--bogus' found"),
    ] {
        let output = wirelab().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("wirelab: ") && stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("-- --bogus"), "{stderr}");
    }
    // Help still prints in full, with success.
    let output = wirelab().args(["replay", "--help"]).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .contains("Usage: wirelab replay"));
}
