//! The malformed-input corpus (tests/data/malformed, written by its make.py): for each
//! file, the exact error (exit 2, file and byte offset) or, when it decodes, the note
//! wirelab gives for the damaged packet. Every run is also held to a deadline, a memory
//! bound, no panic and no raw control bytes. Captures cut at every block boundary are
//! made here from the real captures rather than stored.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::common::{bundled, data, wirelab};

/// Generous for a debug build on a busy two-core machine; a hang never finishes.
const DEADLINE: Duration = Duration::from_secs(20);
/// Peak resident memory allowed (the largest file is 1 MiB).
const MAX_PEAK_KB: i64 = 256 * 1024;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn corpus(name: &str) -> PathBuf {
    data("malformed").join(name)
}

/// Runs wirelab with a deadline and checks what holds for every input: it exits (no
/// signal, no hang), stays under the memory bound, never panics and writes no ESC byte.
fn run(args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    // Output goes to files, not pipes: a full pipe would stall the child while we poll.
    let (out_path, err_path) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut child = wirelab()
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .expect("wirelab starts");
    let (status, peak_kb) = wait_with_deadline(&mut child, args);
    let stdout = std::fs::read(&out_path).unwrap();
    let stderr = String::from_utf8(std::fs::read(&err_path).unwrap()).unwrap();
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(!stdout.contains(&0x1b), "{args:?}: a raw ESC byte reached stdout");
    assert!(
        peak_kb < MAX_PEAK_KB,
        "{args:?}: peak memory {peak_kb} kB is over {MAX_PEAK_KB} kB"
    );
    assert!(
        libc::WIFEXITED(status),
        "{args:?}: killed by signal {} (stderr: {stderr})",
        libc::WTERMSIG(status)
    );
    Outcome {
        code: libc::WEXITSTATUS(status),
        stdout: String::from_utf8(stdout).expect("UTF-8 output"),
        stderr,
    }
}

/// Reaps the child with wait4, which also reports its own peak RSS (exact, unlike
/// sampling /proc, and unaffected by other tests' children); kills it at the deadline.
fn wait_with_deadline(child: &mut std::process::Child, args: &[&str]) -> (i32, i64) {
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: rusage is plain data that wait4 fills in; pid is our own child,
        // which std has not reaped (we never call child.wait()).
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if reaped == pid {
            // ru_maxrss is in kilobytes on Linux.
            return (status, usage.ru_maxrss);
        }
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            unsafe { libc::waitpid(pid, &mut status, 0) };
            panic!("{args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn replay(name: &str, extra: &[&str]) -> Outcome {
    let path = corpus(name);
    let mut args = vec!["replay", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

/// The file cannot be used at all: exit 2, nothing on stdout, exactly this one line.
fn assert_unusable(name: &str, offset: u64, message: &str) {
    // In the table format too: no lone column header before the error.
    let table = replay(name, &[]);
    assert_eq!((table.code, table.stdout.as_str()), (2, ""), "{name}");
    let outcome = replay(name, &["-T", "tsv"]);
    assert_eq!(outcome.code, 2, "{name}: {}", outcome.stderr);
    assert_eq!(outcome.stdout, "", "{name}");
    let path = corpus(name);
    assert_eq!(
        outcome.stderr,
        format!("wirelab: {}: byte offset {offset}: {message}\n", path.display())
    );
}

/// The frames before the damage are listed and the damage is one note line on stderr.
fn assert_damaged_after(name: &str, frames: usize, offset: u64, message: &str) {
    let outcome = replay(name, &["-T", "tsv"]);
    assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
    assert_eq!(outcome.stdout.lines().count(), frames, "{name}: {}", outcome.stdout);
    let path = corpus(name);
    assert_eq!(
        outcome.stderr,
        format!(
            "wirelab: note: {}: byte offset {offset}: {message} (the {frames} frames before it are listed)\n",
            path.display()
        )
    );
}

/// Every frame of a corpus file as its `-T json` object.
fn json_frames(name: &str) -> Vec<Value> {
    let outcome = replay(name, &["-T", "json"]);
    assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
    assert_eq!(outcome.stderr, "", "{name}");
    outcome
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// The frame numbered `number` (1-based) of a `-T json` listing.
fn frame(frames: &[Value], number: usize) -> &Value {
    let frame = &frames[number - 1];
    assert_eq!(frame["number"], number as u64);
    frame
}

/// "severity (protocol): message" for each note of a frame.
fn notes(frame: &Value) -> Vec<String> {
    frame["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .map(|n| {
                    format!(
                        "{} ({}): {}",
                        n["severity"].as_str().unwrap(),
                        n["protocol"].as_str().unwrap(),
                        n["message"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn info(frame: &Value) -> &str {
    frame["info"].as_str().unwrap()
}

fn field<'a>(frame: &'a Value, name: &str) -> &'a Value {
    &frame["fields"][name]
}

// ---- file formats -------------------------------------------------------------------

#[test]
fn wrong_magic_is_refused_at_offset_0() {
    assert_unusable(
        "pcap-wrong-magic.pcap",
        0,
        "not a pcap or pcapng capture (starts with d5 c3 b2 a1)",
    );
}

#[test]
fn a_bad_byte_order_magic_is_refused_at_its_offset() {
    assert_unusable(
        "pcapng-bad-byte-order-magic.pcapng",
        8,
        "section header block with an invalid byte-order magic",
    );
}

#[test]
fn a_packet_block_before_any_interface_is_refused() {
    // The only packet comes before its interface is described: nothing can be read
    // (tshark: "interface index 0 is not less than section interface count 0").
    assert_unusable(
        "pcapng-epb-before-idb.pcapng",
        28,
        "packet block names interface 0, but the section describes 0 interface(s)",
    );
}

#[test]
fn zero_and_huge_snaplens_are_ignored_like_tshark() {
    // The snaplen only says what the capturer kept; records carry their own lengths.
    for name in [
        "pcap-snaplen-zero.pcap",
        "pcap-snaplen-huge.pcap",
        "pcapng-snaplen-zero.pcapng",
    ] {
        let frames = json_frames(name);
        assert_eq!(frames.len(), 1, "{name}");
        assert_eq!(info(&frames[0]), "Standard query 0x1234 A example.com", "{name}");
        assert_eq!(frames[0]["length"], 71, "{name}");
        assert_eq!(notes(&frames[0]), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn a_record_longer_than_the_file_ends_it_with_a_note() {
    assert_damaged_after(
        "pcap-record-length-beyond-file.pcap",
        1,
        111,
        "truncated record: 1000 bytes announced, the file ends after 10",
    );
}

#[test]
fn a_record_over_the_maximum_length_is_refused_without_allocating() {
    assert_damaged_after(
        "pcap-record-length-over-262144.pcap",
        1,
        111,
        "record length 2147483647 is larger than the maximum of 262144 bytes",
    );
}

#[test]
fn a_cut_record_header_ends_the_file_with_a_note() {
    assert_damaged_after(
        "pcap-record-header-truncated.pcap",
        1,
        111,
        "truncated record header: the file ends 7 bytes into a 16-byte header",
    );
}

#[test]
fn pcapng_block_lengths_that_cannot_be_right_end_the_file_with_a_note() {
    assert_damaged_after(
        "pcapng-block-length-beyond-file.pcapng",
        1,
        152,
        "truncated block: 4096 bytes announced, the file ends after 32",
    );
    assert_damaged_after(
        "pcapng-block-length-not-multiple-of-4.pcapng",
        1,
        152,
        "invalid block length 30 (block type 0x00000006)",
    );
    assert_damaged_after(
        "pcapng-block-trailer-mismatch.pcapng",
        1,
        152,
        "block length 104 does not match its trailing copy 108",
    );
}

// ---- TCP and applications -----------------------------------------------------------

#[test]
fn a_tcp_data_offset_beyond_the_segment_is_an_error_note() {
    let frames = json_frames("tcp-data-offset-beyond-segment.pcap");
    assert_eq!(frames.len(), 3);
    let bad = frame(&frames, 3);
    assert_eq!(info(bad), "TCP header cut short");
    assert_eq!(
        notes(bad),
        ["error (tcp): malformed TCP header: 60 bytes needed, 30 present"]
    );
    // The ten bytes after the real header are not handed to HTTP as a request.
    assert_eq!(bad["protocol"], "TCP");
    assert!(field(bad, "http.request.method").is_null(), "{bad}");
    // The detail view shows the note under the layer.
    let detail = replay("tcp-data-offset-beyond-segment.pcap", &["--detail", "3"]);
    assert!(
        detail.stdout.contains(
            "Transmission Control Protocol\n[Error (tcp)]: malformed TCP header: 60 bytes needed, 30 present"
        ),
        "{}",
        detail.stdout
    );
}

#[test]
fn a_tls_record_of_exactly_the_maximum_length_is_decoded() {
    let frames = json_frames("tls-record-18432-bytes-max.pcap");
    assert_eq!(frames.len(), 15);
    let last = frame(&frames, 15);
    assert_eq!(info(last), "Application Data");
    assert_eq!(last["protocol"], "TLSv1.2");
    assert_eq!(field(last, "tls.record.length"), &serde_json::json!([18432]));
    assert!(frames.iter().all(|f| notes(f).is_empty()));
}

#[test]
fn a_tls_record_over_the_maximum_length_is_not_decoded_as_tls() {
    let frames = json_frames("tls-record-18433-bytes.pcap");
    assert_eq!(frames.len(), 15);
    assert_eq!(
        notes(frame(&frames, 3)),
        [
            "warning (tls): a TLS record of 18433 bytes: TLSCiphertext length must not exceed 2^14 + 2048 \
          (18432); what follows is shown as continuation data"
        ]
    );
    // Nothing waits for the 18433 bytes: every segment is shown as it comes.
    for f in &frames[2..] {
        assert_eq!(info(f), "Continuation Data", "{f}");
        assert!(field(f, "tls.record.length").is_null(), "{f}");
    }
}

#[test]
fn a_tls_record_over_the_maximum_length_is_named_in_the_note() {
    // tshark 4.0 decodes it as Application Data with the expert error "TLSCiphertext
    // length MUST NOT exceed 2^14 + 2048": the header is valid, only its length is not.
    let frames = json_frames("tls-record-18433-bytes.pcap");
    let notes = notes(frame(&frames, 3)).join("\n");
    assert!(notes.contains("18433") && notes.contains("18432"), "{notes}");
}

#[test]
fn an_smb2_nextcommand_pointing_back_does_not_loop() {
    let frames = json_frames("smb2-nextcommand-loop.pcap");
    assert_eq!(frames.len(), 3);
    let compound = frame(&frames, 3);
    // Each command once, as tshark shows them, then the chain ends.
    assert_eq!(info(compound), "KeepAlive Request;KeepAlive Request");
    assert_eq!(field(compound, "smb2.msg_id"), &serde_json::json!([1, 2]));
}

#[test]
fn an_smb2_nextcommand_outside_the_message_is_noted() {
    // tshark marks the 4096 case [Malformed Packet]; both chains end at a NextCommand
    // that does not point at a header inside the message, which a student should see.
    for (name, number) in [
        ("smb2-nextcommand-loop.pcap", 3),
        ("smb2-nextcommand-beyond-message.pcap", 3),
    ] {
        let frames = json_frames(name);
        let notes = notes(frame(&frames, number)).join("\n");
        assert!(notes.contains("NextCommand"), "{name}: {notes:?}");
    }
}

#[test]
fn an_smb2_nextcommand_beyond_the_message_decodes_the_command_once() {
    let frames = json_frames("smb2-nextcommand-beyond-message.pcap");
    assert_eq!(frames.len(), 3);
    assert_eq!(info(frame(&frames, 3)), "KeepAlive Request");
    assert_eq!(field(frame(&frames, 3), "smb2.msg_id"), &serde_json::json!([1]));
}

#[test]
fn an_smb2_path_offset_outside_the_message_invents_no_path() {
    let frames = json_frames("smb2-offset-outside-message.pcap");
    assert_eq!(frames.len(), 3);
    let request = frame(&frames, 3);
    // As tshark -2 shows it.
    assert_eq!(info(request), "Tree Connect Request[Malformed Packet]");
    assert!(field(request, "smb2.tree").is_null(), "{request}");
    let notes = notes(request);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("warning (smb2): "), "{notes:?}");
}

#[test]
fn an_smb2_path_offset_outside_the_message_is_named_in_the_note() {
    // The 8-byte body and the 24-byte path are all there; only the offset (0xfff0)
    // is wrong. tshark: [Malformed Packet].
    let frames = json_frames("smb2-offset-outside-message.pcap");
    let notes = notes(frame(&frames, 3)).join("\n");
    assert!(
        notes.contains("outside the message") && !notes.contains("cut short"),
        "{notes}"
    );
}

#[test]
fn an_ntlmssp_offset_outside_the_blob_reads_nothing_past_it() {
    let frames = json_frames("ntlmssp-offset-outside-blob.pcap");
    assert_eq!(frames.len(), 3);
    let auth = frame(&frames, 3);
    // The bytes after the blob spell LEAKED: they must not become the user name.
    assert_eq!(info(auth), "Session Setup Request, NTLMSSP_AUTH, User: LAB\\");
    assert_eq!(field(auth, "ntlmssp.auth.username"), &serde_json::json!([""]));
    assert_eq!(field(auth, "ntlmssp.auth.domain"), &serde_json::json!(["LAB"]));
    assert_eq!(field(auth, "ntlmssp.auth.hostname"), &serde_json::json!(["WS01"]));
    assert_eq!(
        notes(auth),
        ["warning (ntlmssp): NTLMSSP_AUTH names fall outside the message"]
    );
    assert!(!auth.to_string().contains("LEAKED"));
}

#[test]
fn dns_compression_loops_are_named_as_tshark_names_them() {
    let frames = json_frames("dns-compression-loop.pcap");
    assert_eq!(frames.len(), 2);
    assert_eq!(info(frame(&frames, 1)), "Standard query 0x1234 A example.com");
    assert!(notes(frame(&frames, 1)).is_empty());
    // tshark 4.0: the looping name is replaced and the records go on after it.
    let response = frame(&frames, 2);
    assert_eq!(
        info(response),
        "Standard query response 0x4321 A <Name contains a pointer that loops> A 10.0.0.9"
    );
    assert_eq!(field(response, "dns.a"), &serde_json::json!(["10.0.0.9"]));
    assert_eq!(
        notes(response),
        ["warning (dns): a name's compression pointers go round in a loop"]
    );
    // In the detail view the note follows the DNS layer's fields.
    let detail = replay("dns-compression-loop.pcap", &["--detail", "2"]).stdout;
    let dns = detail.find("\nDomain Name System\n").expect("a DNS layer");
    let note = detail
        .find("\n[Warning (dns)]: a name's compression pointers go round in a loop\n")
        .expect("the note in the detail");
    assert!(note > dns, "{detail}");
}

#[test]
fn ftp_tuples_with_numbers_over_255_are_noted_not_turned_into_ports() {
    let frames = json_frames("ftp-227-tuple-over-255.pcap");
    assert_eq!(frames.len(), 8);
    let expected = [
        (5, "warning (ftp): 227 reply has an invalid address: 300 is above 255"),
        (7, "warning (ftp): 227 reply has an invalid address: 256 is above 255"),
        (8, "warning (ftp): PORT argument is invalid: 999 is above 255"),
    ];
    for (number, note) in expected {
        let f = frame(&frames, number);
        assert_eq!(notes(f), [note], "frame {number}");
        for name in [
            "ftp.passive.ip",
            "ftp.passive.port",
            "ftp.active.cip",
            "ftp.active.port",
        ] {
            assert!(field(f, name).is_null(), "frame {number} has {name}: {f}");
        }
    }
    assert_eq!(
        info(frame(&frames, 5)),
        "Response: 227 Entering Passive Mode (10,0,0,300,4,1)."
    );
    assert_eq!(info(frame(&frames, 8)), "Request: PORT 10,0,0,1,999,2");
}

#[test]
fn an_http_header_line_of_1_mib_is_given_up_with_a_note() {
    let frames = json_frames("http-header-line-1mb.pcap");
    assert_eq!(frames.len(), 20);
    // Frame 19 takes the head past 1 MiB without its end: wirelab stops buffering.
    let crossing = frame(&frames, 19);
    assert_eq!(
        notes(crossing),
        ["warning (http): HTTP head or chunk header longer than 1048576 bytes: given up"]
    );
    let noted = frames.iter().filter(|f| !notes(f).is_empty()).count();
    assert_eq!(noted, 1, "one note, not one per segment");
    let end = frame(&frames, 20);
    assert_eq!(info(end), "Continuation");
    assert!(field(end, "http.request.method").is_null(), "{end}");
}

#[test]
fn an_overflowing_chunk_size_is_an_error_note() {
    let frames = json_frames("http-chunk-size-overflow.pcap");
    assert_eq!(frames.len(), 4);
    assert_eq!(info(frame(&frames, 3)), "GET / HTTP/1.1 ");
    assert_eq!(
        notes(frame(&frames, 4)),
        ["error (http): malformed chunk size in a chunked body"]
    );
}

#[test]
fn an_overflowing_chunk_size_still_shows_the_response() {
    // tshark 4.0: "HTTP/1.1 200 OK [Malformed Packet]". The head was complete and
    // valid; only the body is damaged, so the response should be listed as HTTP.
    let frames = json_frames("http-chunk-size-overflow.pcap");
    let response = frame(&frames, 4);
    assert!(response["protocol"].as_str().unwrap().starts_with("HTTP"), "{response}");
    assert!(info(response).starts_with("HTTP/1.1 200 OK"), "{response}");
    assert_eq!(field(response, "http.response.code"), &serde_json::json!([200]));
}

#[test]
fn every_corpus_file_is_covered_by_a_test_and_the_readme() {
    // A file added to make.py without a test (or a README line) fails here.
    let tests = include_str!("malformed.rs");
    let readme = std::fs::read_to_string(corpus("README.md")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(data("malformed"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 23, "{names:?}");
    for name in &names {
        assert!(tests.contains(&format!("\"{name}\"")), "no test names {name}");
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md does not describe {name}"
        );
    }
}

// ---- cut at every block boundary ----------------------------------------------------

/// A record or block of a capture: where it starts, its length, and whether it holds
/// a packet (so the frames before a cut can be counted).
struct Block {
    start: usize,
    len: usize,
    packet: bool,
}

/// The records of a pcap file, read independently of wirelab's reader.
fn pcap_blocks(bytes: &[u8]) -> Vec<Block> {
    let big = bytes[0] == 0xa1;
    let u32_at = |at: usize| {
        let b: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
        if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    let mut blocks = vec![Block {
        start: 0,
        len: 24,
        packet: false,
    }];
    let mut at = 24;
    while at < bytes.len() {
        let len = 16 + u32_at(at + 8) as usize;
        blocks.push(Block {
            start: at,
            len,
            packet: true,
        });
        at += len;
    }
    blocks
}

/// The blocks of a little-endian pcapng file.
fn pcapng_blocks(bytes: &[u8]) -> Vec<Block> {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(8), 0x1A2B_3C4D, "the bundled captures are little-endian");
    let mut blocks = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let (kind, len) = (u32_at(at), u32_at(at + 4) as usize);
        blocks.push(Block {
            start: at,
            len,
            packet: matches!(kind, 2 | 3 | 6),
        });
        at += len;
    }
    blocks
}

/// What reading a cut file gave: frames read, then the damage (offset, message).
fn read_cut(bytes: &[u8]) -> (usize, Option<(u64, String)>) {
    let mut decoder = wirelab::decode::Decoder::new();
    let mut reader = match wirelab::capture::CaptureReader::new(bytes, "cut") {
        Ok(reader) => reader,
        Err(e) => return (0, Some((e.offset, e.message))),
    };
    let mut frames = 0;
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                // Decoding is where damage would panic: run it on every frame.
                decoder.decode(&frame);
                frames += 1;
            }
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some((e.offset, e.message))),
        }
    }
}

/// The message expected when a file ends `into` bytes inside `block` (0 < into < len).
fn cut_message(pcapng: bool, block: &Block, into: usize) -> String {
    match (pcapng, block.start, into) {
        (_, 0, 1) => "the file is only 1 byte long, too short for a capture header".into(),
        (_, 0, 2..=3) => format!("the file is only {into} bytes long, too short for a capture header"),
        (false, 0, _) => "truncated pcap file header (a pcap file header is 24 bytes)".into(),
        (false, _, 1..=15) => format!("truncated record header: the file ends {into} bytes into a 16-byte header"),
        (false, _, _) => format!(
            "truncated record: {} bytes announced, the file ends after {}",
            block.len - 16,
            into - 16
        ),
        (true, _, 1..=7) => format!("truncated block header: the file ends {into} bytes into it"),
        (true, _, _) => format!("truncated block: {} bytes announced", block.len),
    }
}

/// Cuts the file at every block boundary and one byte either side, and checks the
/// frames read and the exact damage reported. Returns how many cuts were made.
fn cut_everywhere(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let pcapng = path.extension().is_some_and(|e| e == "pcapng");
    let blocks = if pcapng {
        pcapng_blocks(&bytes)
    } else {
        pcap_blocks(&bytes)
    };
    assert_eq!(blocks.last().map(|b| b.start + b.len), Some(bytes.len()));
    let mut cuts = 0;
    for (i, block) in blocks.iter().enumerate() {
        let packets_before = blocks[..i].iter().filter(|b| b.packet).count();
        let end = block.start + block.len;
        for cut in [block.start + 1, end - 1, end] {
            cuts += 1;
            let (frames, damage) = read_cut(&bytes[..cut]);
            let what = format!("{} cut at {cut}", path.display());
            if cut == end {
                // A clean end: every packet up to here, no damage (a file that holds
                // only headers is a valid, empty capture).
                let packets = packets_before + usize::from(block.packet);
                assert_eq!((frames, damage), (packets, None), "{what}");
                continue;
            }
            let into = cut - block.start;
            let (offset, message) = damage.unwrap_or_else(|| panic!("{what}: no damage reported"));
            assert_eq!(frames, packets_before, "{what}");
            let expected = cut_message(pcapng, block, into);
            assert!(
                message.starts_with(&expected),
                "{what}: {message:?} is not {expected:?}"
            );
            // A file too short for its header names the byte where it ends; any other
            // damage names the start of the damaged block.
            let expected_offset = if block.start == 0 && (into < 4 || !pcapng) {
                into
            } else {
                block.start
            };
            assert_eq!(offset, expected_offset as u64, "{what}: {message}");
        }
    }
    cuts
}

#[test]
fn captures_cut_at_every_block_boundary_report_the_exact_damage() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(bundled(""))
        .unwrap()
        .chain(std::fs::read_dir(data("recorded")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    let cuts: usize = files.iter().map(|f| cut_everywhere(f)).sum();
    assert!(cuts > 1000, "only {cuts} cuts");
}

#[test]
fn a_capture_cut_inside_a_block_lists_the_frames_before_it() {
    // Through the binary once per format: the note names the file and the block's offset.
    for source in [bundled("tls12-handshake.pcapng"), data("recorded/l4-basic.pcap")] {
        let bytes = std::fs::read(&source).unwrap();
        let pcapng = source.extension().is_some_and(|e| e == "pcapng");
        let blocks = if pcapng {
            pcapng_blocks(&bytes)
        } else {
            pcap_blocks(&bytes)
        };
        let middle = &blocks[blocks.len() / 2];
        let frames = blocks[..blocks.len() / 2].iter().filter(|b| b.packet).count();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(source.file_name().unwrap());
        std::fs::write(&path, &bytes[..middle.start + 1]).unwrap();
        let outcome = run(&["replay", "-T", "tsv", path.to_str().unwrap()]);
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        assert_eq!(outcome.stdout.lines().count(), frames);
        let header = if pcapng {
            "truncated block header: the file ends 1 bytes into it"
        } else {
            "truncated record header: the file ends 1 bytes into a 16-byte header"
        };
        assert_eq!(
            outcome.stderr,
            format!(
                "wirelab: note: {}: byte offset {}: {header} (the {frames} frames before it are listed)\n",
                path.display(),
                middle.start
            )
        );
    }
}
