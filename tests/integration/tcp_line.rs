//! A filtered packet list keeps TCP's summary line as parts and writes it only for the
//! packets it shows (`Decoder::defer_tcp_line`, `Packet::info_text`). Every packet's
//! Info must read exactly as when the line is written during decoding.

use wirelab::capture::CaptureReader;
use wirelab::decode::single_pass::{Options, SinglePass};
use wirelab::decode::Decoder;

use crate::common::{all_captures, wirelab};

/// Every packet's Info column, decoded by `decoder` in one read.
fn infos(file: &std::path::Path, decoder: Decoder) -> Vec<String> {
    let reader = CaptureReader::open(file).expect("opens");
    let mut pass = SinglePass::new(reader, decoder, Options::default());
    let mut infos = Vec::new();
    while let Some(p) = pass.next() {
        infos.push(p.info_text().into_owned());
    }
    infos
}

#[test]
fn info_with_the_tcp_line_kept_as_parts_reads_as_when_written_at_once() {
    let mut kept_some = false;
    for file in all_captures() {
        let written = infos(&file, Decoder::new().deferring().columns_only());
        let kept = infos(&file, Decoder::new().deferring().columns_only().defer_tcp_line());
        assert_eq!(kept, written, "{}", file.display());
        kept_some |= written
            .iter()
            .any(|info| info.contains(" → ") && info.contains(" Seq="));
    }
    assert!(kept_some, "no capture had a TCP summary line");
}

#[test]
fn a_filtered_list_shows_tcp_lines_in_full() {
    let file = crate::common::bundled("ftp-passive.pcapng");
    for format in ["tsv", "table"] {
        let out = wirelab()
            .args(["replay", "--color", "never", "-T", format, "-Y", "tcp.flags.syn == 1"])
            .arg(&file)
            .output()
            .expect("runs");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(text.contains("[SYN] Seq=0 Win="), "{format}:\n{text}");
        assert!(text.contains("[SYN, ACK] Seq=0 Ack=1 Win="), "{format}:\n{text}");
    }
}
