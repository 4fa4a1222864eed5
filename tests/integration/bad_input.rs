//! Damaged and hostile capture files: a one-line error naming the file and byte offset
//! when nothing can be read (exit 2), otherwise the frames before the damage and a note.

use std::path::Path;

use super::common::{course_folder, data, pcap_bytes, read_pcap_frames, wirelab};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn replay_bytes(bytes: &[u8], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.pcap");
    std::fs::write(&path, bytes).unwrap();
    replay_path(&path, extra)
}

fn replay_path(path: &Path, extra: &[&str]) -> Run {
    let output = wirelab()
        .args(["replay", "-T", "tsv"])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    let run = Run {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal (no panic abort)"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    assert!(
        run.stderr.lines().count() <= 1,
        "more than one line on stderr: {}",
        run.stderr
    );
    run
}

fn unusable(bytes: &[u8], expected: &str) {
    let run = replay_bytes(bytes, &[]);
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("input.pcap: byte offset"),
        "names file and offset: {}",
        run.stderr
    );
    assert!(run.stderr.contains(expected), "{:?} not in {}", expected, run.stderr);
}

fn epb(interface: u32, data: &[u8]) -> Vec<u8> {
    let padded = data.len().div_ceil(4) * 4;
    let total = (32 + padded) as u32;
    let mut b = Vec::new();
    for v in [
        6u32,
        total,
        interface,
        0,
        1_000_000,
        data.len() as u32,
        data.len() as u32,
    ] {
        b.extend(v.to_le_bytes());
    }
    b.extend(data);
    b.resize(b.len() + padded - data.len(), 0);
    b.extend(total.to_le_bytes());
    b
}

fn pcapng(blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut b = Vec::new();
    for v in [0x0A0D0D0Au32, 28, 0x1A2B3C4D] {
        b.extend(v.to_le_bytes());
    }
    b.extend(1u16.to_le_bytes());
    b.extend(0u16.to_le_bytes());
    b.extend((-1i64).to_le_bytes());
    b.extend(28u32.to_le_bytes());
    let idb: Vec<u8> = [1u32, 20, 1, 65535, 20].iter().flat_map(|v| v.to_le_bytes()).collect();
    b.extend(idb);
    for block in blocks {
        b.extend(block);
    }
    b
}

#[test]
fn files_that_are_not_captures_are_refused_with_the_offset() {
    unusable(b"", "the file is empty");
    unusable(b"GET / HTTP/1.1\r\n", "not a pcap or pcapng capture");
    unusable(b"\xd4\xc3", "too short for a capture header");
    unusable(b"\xd4\xc3\xb2\xa1\x02\x00", "truncated pcap file header");
    unusable(&pcap_bytes(1, &[])[..20], "truncated pcap file header");
    let mut huge = pcap_bytes(1, &[]);
    huge.extend([0u8; 8]);
    huge.extend(0xffff_fff0u32.to_le_bytes());
    huge.extend(0xffff_fff0u32.to_le_bytes());
    unusable(&huge, "larger than the maximum of 262144 bytes");
    let mut beyond = pcap_bytes(1, &[]);
    beyond.extend([0u8; 8]);
    beyond.extend(1000u32.to_le_bytes());
    beyond.extend(1000u32.to_le_bytes());
    beyond.extend([0u8; 10]);
    unusable(
        &beyond,
        "truncated record: 1000 bytes announced, the file ends after 10",
    );
}

#[test]
fn a_missing_path_or_a_directory_is_a_one_line_error() {
    let run = replay_path(Path::new("/nonexistent/capture.pcap"), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/capture.pcap") && run.stderr.contains("cannot open"),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let run = replay_path(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
}

#[test]
fn frames_before_damage_are_listed_and_the_damage_noted() {
    let full = std::fs::read(data("recorded/l4-basic.pcap")).unwrap();
    let frames = read_pcap_frames(&full).len();
    let run = replay_bytes(&full[..full.len() - 5], &[]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), frames - 1);
    assert!(run.stderr.starts_with("wirelab: note: "), "{}", run.stderr);
    assert!(run.stderr.contains("truncated record"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("the {} frames before it are listed", frames - 1)),
        "{}",
        run.stderr
    );
}

#[test]
fn a_capture_cut_anywhere_never_panics() {
    // In-process (spawning the binary for each cut would be slow): every cut either reads
    // cleanly to its end or ends with an error that names a byte offset inside the file.
    for file in [
        "recorded/l4-two-interfaces.pcapng",
        "recorded/l4-basic.pcap",
        "thirdparty/be_2if_nsres_dhcp.pcapng",
    ] {
        let full = std::fs::read(data(file)).unwrap();
        for cut in (0..full.len()).step_by(7) {
            let bytes = &full[..cut];
            let mut decoder = wirelab::decode::Decoder::new();
            match wirelab::capture::CaptureReader::new(bytes, "cut") {
                Err(e) => assert!(e.offset <= cut as u64, "{file} cut at {cut}: {e}"),
                Ok(mut reader) => loop {
                    match reader.next_frame() {
                        Ok(Some(frame)) => {
                            decoder.decode(&frame);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            assert!(e.offset <= cut as u64, "{file} cut at {cut}: {e}");
                            break;
                        }
                    }
                },
            }
        }
        // And once through the binary, to see the exit code and message.
        let run = replay_bytes(&full[..full.len() / 2], &[]);
        assert_eq!(run.code, 0);
        assert!(run.stderr.contains("byte offset"), "{}", run.stderr);
    }
}

#[test]
fn a_packet_block_naming_a_missing_interface_ends_the_file_with_a_note() {
    let frame = [0xffu8; 60];
    let run = replay_bytes(&pcapng(&[epb(0, &frame), epb(3, &frame)]), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(
        run.stderr
            .contains("names interface 3, but the section describes 1 interface(s)"),
        "{}",
        run.stderr
    );
}

#[test]
fn zero_length_short_and_cut_frames_are_listed_with_notes() {
    let tcp_frame = read_pcap_frames(&std::fs::read(data("recorded/l4-basic.pcap")).unwrap())
        .into_iter()
        .find(|(_, _, d)| d.len() == 74)
        .expect("a SYN frame")
        .2;
    let cut = &tcp_frame[..40];
    let mut bytes = pcap_bytes(1, &[(1, 0, &[]), (1, 1, &[0x01, 0x02, 0x03]), (1, 2, cut)]);
    // The third record: say it was 74 bytes on the wire (cut by the snaplen).
    let third = bytes.len() - cut.len() - 4;
    bytes[third..third + 4].copy_from_slice(&74u32.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.pcap");
    std::fs::write(&path, &bytes).unwrap();
    let output = wirelab().args(["replay", "-T", "json"]).arg(&path).output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for line in &lines[..2] {
        assert!(
            line["notes"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Ethernet header"),
            "{line}"
        );
    }
    let notes = lines[2]["notes"].to_string();
    assert!(notes.contains("cut by the snaplen: 40 of 74 bytes captured"), "{notes}");
    assert_eq!(lines[2]["length"], 74);
}

#[test]
fn a_tcp_data_offset_beyond_the_segment_is_a_note_not_a_crash() {
    let mut frame = read_pcap_frames(&std::fs::read(data("recorded/l4-basic.pcap")).unwrap())
        .into_iter()
        .find(|(_, _, d)| d.len() == 74)
        .unwrap()
        .2;
    frame[14 + 20 + 12] = 0xf0; // data offset 60 bytes in a 40-byte segment
    let bad_offset = frame.clone();
    frame[14 + 20 + 12] = 0x20; // data offset 8: below the minimum of 20
    let run = replay_bytes(&pcap_bytes(1, &[(1, 0, &bad_offset), (1, 1, &frame)]), &[]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].ends_with("TCP header cut short"), "{}", lines[0]);
    assert!(
        lines[1].contains("[Bogus TCP header length (8, must be at least 20)]"),
        "{}",
        lines[1]
    );
}

#[test]
fn control_bytes_never_reach_the_terminal() {
    // A hostile frame on an unknown link type is listed as data: no raw bytes printed.
    let run = replay_bytes(&pcap_bytes(147, &[(1, 0, b"\x1b[2J\x07evil")]), &[]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains('\x1b') && !run.stdout.contains('\x07'));
    assert!(run.stdout.contains("Link type 147"), "{}", run.stdout);
}

/// xorshift64: reproducible noise without a dependency.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Openings that make analyzers wait or allocate: huge lengths, endless heads.
const HOSTILE_PREFIXES: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
    b"POST /x HTTP/1.1\r\nHost: h\r\nX: ",
    b"\x16\x03\x01\x47\xff\x01\x00\x47\xfb\x03\x03",
    b"\x00\xff\xff\xff\xfeSMB@\x00",
    b"\x00\x00\x00\x44\xfeSMB@\x00\x00\x00\x00\x00\x00\x00\x01\x00",
    b"227 Entering Passive Mode (999,1,1,1,1,1)\r\n",
    b"PORT 1,2,3,4,300,5\r\n",
    b"\xff\xff",
];

#[test]
fn hostile_application_payloads_never_panic_or_hang() {
    let mut noise = Noise(0x5eed_1234_abcd_0001);
    let mut frames: Vec<(u32, u32, Vec<u8>)> = Vec::new();
    let (client, server) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    for (conn, port) in [80u16, 443, 8080, 21, 20, 445, 139, 53, 9999].iter().enumerate() {
        let client_port = 40000 + conn as u16;
        let (mut cseq, mut sseq) = (1000u32, 5000u32);
        let mut push = |from_client: bool, flags: &str, payload: &[u8], cseq: &mut u32, sseq: &mut u32| {
            let (src, dst, sp, dp) = if from_client {
                (client, server, client_port, *port)
            } else {
                (server, client, *port, client_port)
            };
            let (seq, ack) = if from_client { (*cseq, *sseq) } else { (*sseq, *cseq) };
            let mut builder = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4(src, dst, 64)
                .tcp(sp, dp, seq, 64240);
            if flags.contains('S') {
                builder = builder.syn();
            }
            if flags.contains('A') {
                builder = builder.ack(ack);
            }
            let mut frame = Vec::new();
            builder.write(&mut frame, payload).unwrap();
            let advance = payload.len() as u32 + u32::from(flags.contains('S'));
            if from_client {
                *cseq += advance;
            } else {
                *sseq += advance;
            }
            frames.push((1, frames.len() as u32, frame));
        };
        push(true, "S", &[], &mut cseq, &mut sseq);
        push(false, "SA", &[], &mut cseq, &mut sseq);
        for (i, prefix) in HOSTILE_PREFIXES.iter().enumerate() {
            let mut payload = prefix.to_vec();
            let extra = (noise.next() % 300) as usize;
            payload.extend(noise.bytes(extra));
            push(i % 2 == 0, "A", &payload, &mut cseq, &mut sseq);
        }
        for _ in 0..20 {
            let len = (noise.next() % 1400) as usize;
            let payload = noise.bytes(len);
            let from_client = noise.next() % 2 == 0;
            push(from_client, "A", &payload, &mut cseq, &mut sseq);
        }
    }
    for port in [53u16, 67, 137, 138, 546, 1900, 5353, 5355] {
        for _ in 0..30 {
            let len = (noise.next() % 600) as usize;
            let mut frame = Vec::new();
            etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4(client, server, 64)
                .udp(40999, port)
                .write(&mut frame, &noise.bytes(len))
                .unwrap();
            frames.push((2, frames.len() as u32, frame));
        }
    }
    let refs: Vec<(u32, u32, &[u8])> = frames.iter().map(|(s, u, d)| (*s, *u, d.as_slice())).collect();
    let bytes = pcap_bytes(1, &refs);
    let run = replay_bytes(&bytes, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), frames.len());
    assert!(!run.stdout.contains('\u{1b}'), "raw escape bytes reached the output");
    // Every field of every frame, as JSON: the same bytes through every formatter.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.pcap");
    std::fs::write(&path, &bytes).unwrap();
    let output = wirelab().args(["replay", "-T", "json"]).arg(&path).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), frames.len());
}

/// A course whose every text carries terminal escapes (YAML `\e`, `\a`, `\b`, C1 CSI).
const HOSTILE_COURSE: &str = r#"format_version: 1
title: "Evil \e]0;owned\a course"
lessons:
  - evil.yaml
"#;
const HOSTILE_LESSON: &str = r#"format_version: 1
id: evil
title: "Title \e[2J cleared"
summary: "Summary \e[31m red \u009b31m"
sections:
  - title: "Section \e[5m blink"
    body: "Body with \e]8;;http://x\a link \b\b backspaces"
    replay: { capture: ftp-passive.pcapng, filter: "ftp.request.command == \"USER\"" }
questions:
  - id: q1
    prompt: "Prompt \e[1A up"
    answer: { text: ["right"] }
    feedback: { "wrong": "Feedback \e[2K erased" }
    hints: ["Hint \e[?1049h alt screen"]
    solution: ["Step \ec reset"]
  - id: q2
    prompt: "Pick one"
    options: ["Option \e[8m hidden", "plain"]
    answer: { choice: "plain" }
    hints: ["h"]
    solution: ["s"]
"#;

/// Text a terminal shows as text: no C0 control but newline and tab, no DEL, no C1.
fn terminal_safe(text: &str) -> bool {
    !text
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c))
}

#[test]
fn lesson_and_answer_text_never_reaches_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let course = course_folder(
        dir.path(),
        "course",
        &[("course.yaml", HOSTILE_COURSE), ("evil.yaml", HOSTILE_LESSON)],
    );
    let answers = dir.path().join("answers.yaml");
    std::fs::write(
        &answers,
        "format_version: 1\nlesson: evil\nstudent: \"s\\e[2J1\"\nanswers:\n  q1: wrong\n  q2: \"x\\e[31m\"\n  nope: \"\\e]0;t\\a\"\n",
    )
    .unwrap();
    // A lesson whose mistakes quote escapes (capture name, filters, field, key): check
    // lists them, and a course listing it fails to load with its first problem.
    let broken = course_folder(
        dir.path(),
        "broken",
        &[
            ("course.yaml", "format_version: 1\ntitle: B\nlessons: [bad.yaml]\n"),
            (
                "bad.yaml",
                "format_version: 1\nid: bad\ntitle: B\nsections:\n  - title: S\n    body: B\n    \
                 replay: { capture: \"a\\e[2J.pcap\", filter: \"ftp\\e[31m\" }\nquestions:\n  - id: q\n    prompt: P\n    \
                 answer: { from_capture: ftp-passive.pcapng, filter: ftp, field: \"x\\e[5m\" }\n    \"k\\e[1m\": 1\n",
            ),
        ],
    );
    let broken_arg = broken.to_str().unwrap();
    let course_arg = course.to_str().unwrap();
    let mut outputs = Vec::new();
    for args in [
        vec!["check", broken_arg],
        vec!["read", "--course", broken_arg],
        vec!["read", "--course", course_arg],
        vec!["read", "evil", "--course", course_arg],
        vec!["check", course_arg],
        vec!["grade", "--course", course_arg, answers.to_str().unwrap()],
        vec![
            "grade",
            "--course",
            course_arg,
            "--format",
            "tap",
            answers.to_str().unwrap(),
        ],
    ] {
        let output = wirelab().args(&args).output().unwrap();
        outputs.push((args.join(" "), output.stdout, output.stderr));
    }
    let mut repl = wirelab()
        .env("WIRELAB_HOME", dir.path())
        .args(["--course", course_arg])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    repl.stdin
        .take()
        .unwrap()
        .write_all(b"open 1\nreplay\n1\nwrong\nhint\nsolution\nq 2\nlessons\nprogress\nanswer 1 \x1b[2J\n")
        .unwrap();
    let output = repl.wait_with_output().unwrap();
    outputs.push(("the REPL".into(), output.stdout, output.stderr));
    for (what, stdout, stderr) in outputs {
        let (stdout, stderr) = (String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap());
        assert!(
            terminal_safe(&stdout) && terminal_safe(&stderr),
            "{what}:\n{stdout}\n{stderr}"
        );
        if what.contains(broken_arg) {
            let text = format!("{stdout}{stderr}");
            assert!(text.contains("\\033["), "{what} shows the escapes as text:\n{text}");
        } else if !what.starts_with("check") {
            let shown = stdout.contains("\\033[") || stdout.contains("\\u001b[");
            assert!(shown, "{what} shows the escapes as text:\n{stdout}");
        }
    }
}

#[test]
fn export_reports_hostile_names_escaped() {
    // One HTTP exchange whose URI carries an escape sequence; export names what it wrote.
    let (client, server) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    let segment = |from_client: bool, seq: u32, ack: u32, syn: bool, payload: &[u8]| {
        let (src, dst, sp, dp) = if from_client {
            (client, server, 40000, 80)
        } else {
            (server, client, 80, 40000)
        };
        let mut builder = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4(src, dst, 64)
            .tcp(sp, dp, seq, 64240);
        if syn {
            builder = builder.syn();
        }
        if !(syn && from_client) {
            builder = builder.ack(ack);
        }
        let mut frame = Vec::new();
        builder.write(&mut frame, payload).unwrap();
        frame
    };
    let request = b"GET /\x1b[2Jreport.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    let response = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    let frames = [
        segment(true, 100, 0, true, b""),
        segment(false, 500, 101, true, b""),
        segment(true, 101, 501, false, request),
        segment(false, 501, 101 + request.len() as u32, false, response),
    ];
    let refs: Vec<(u32, u32, &[u8])> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| (1, i as u32, f.as_slice()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("hostile-uri.pcap");
    std::fs::write(&capture, pcap_bytes(1, &refs)).unwrap();
    let output = wirelab()
        .arg("export")
        .arg(&capture)
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(terminal_safe(&stdout), "{stdout}");
    assert!(
        stdout.contains("__2Jreport.txt (5 bytes): HTTP body in frame 4, http://x/\\033[2Jreport.txt"),
        "{stdout}"
    );
}
