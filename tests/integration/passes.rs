//! `tshark -2` semantics: one read that holds back packets until later frames settle
//! them (every command), against two passes one after the other (the reference). On
//! every capture the packets must be the same, column for column and field for field,
//! also when too many wait and a first pass started beside decides for them. Client
//! Hellos labelled with the version their session settles on, echo requests with
//! their replies or "no response found!", are what later frames decide.

use wirelab::capture::{BoxedReader, CaptureReader};
use wirelab::decode::single_pass::{Options, SinglePass};
use wirelab::decode::{first_pass, Decoder, Packet};

use crate::common::{all_captures, wirelab};

/// Everything a packet shows: columns, fields, layers and notes.
fn shown(p: &Packet) -> String {
    format!(
        "{} {:?} {:?} {} {} {:?} {:?} {:?}",
        p.number, p.src, p.dst, p.protocol, p.info, p.fields, p.layers, p.notes
    )
}

/// Every packet with all its fields, the two passes one after the other.
fn two_passes(file: &std::path::Path) -> Vec<String> {
    let hints = first_pass(&mut CaptureReader::open(file).expect("opens"), u64::MAX);
    let mut decoder = Decoder::with_hints(hints);
    let mut reader = CaptureReader::open(file).expect("opens");
    let mut packets = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        packets.push(shown(&decoder.decode(&frame)));
    }
    packets
}

/// Every packet with all its fields, in one read holding at most `max_held` packets.
fn single_pass(file: &std::path::Path, max_held: usize) -> Vec<String> {
    single_pass_with(file, max_held, usize::MAX)
}

/// ... and at most about `max_held_bytes` bytes of them.
fn single_pass_with(file: &std::path::Path, max_held: usize, max_held_bytes: usize) -> Vec<String> {
    let path = file.to_path_buf();
    let options = Options {
        max_held,
        max_held_bytes,
        reopen: Some(Box::new(move || BoxedReader::open_boxed(&path))),
        ..Options::default()
    };
    let reader = CaptureReader::open(file).expect("opens");
    let mut pass = SinglePass::new(reader, Decoder::new().deferring(), options);
    let mut packets = Vec::new();
    while let Some(p) = pass.next() {
        packets.push(shown(p));
    }
    packets
}

fn assert_same(got: &[String], want: &[String], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: packet count");
    for (got, want) in got.iter().zip(want) {
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn one_read_labels_and_fields_packets_as_two_passes_do() {
    let mut settled_later = 0;
    for file in all_captures() {
        let want = two_passes(&file);
        let name = file.display().to_string();
        assert_same(&single_pass(&file, 8192), &want, &name);
        settled_later += want
            .iter()
            .filter(|p| {
                p.contains("(reply in ") || p.contains("(no response found!)") || p.contains("TlsRecordOpaqueType")
            })
            .count();
    }
    assert!(settled_later >= 20, "{settled_later} packets settled by later frames");
}

#[test]
fn held_too_long_a_first_pass_decides_and_the_packets_are_the_same() {
    // Holding no packet, or at most 1 or 3: nearly every Client Hello and echo
    // request overflows, and a first pass started then must decide them as two
    // passes do.
    for file in all_captures() {
        let want = two_passes(&file);
        for max_held in [0, 1, 3] {
            let got = single_pass(&file, max_held);
            assert_same(&got, &want, &format!("{} holding {max_held}", file.display()));
        }
        // The byte budget: past about 2 KB held, a first pass decides.
        let got = single_pass_with(&file, usize::MAX, 2048);
        assert_same(&got, &want, &format!("{} holding 2 KB", file.display()));
    }
}

#[test]
fn without_a_way_to_read_again_what_waits_too_long_stays_undecided() {
    // An echo request (frame 4) answered in frame 5: holding no packet, with no
    // first pass to ask, the request is handed out undecided.
    let file = crate::common::data("thirdparty/eth_dns_icmp.pcapng");
    let options = Options {
        max_held: 0,
        ..Options::default()
    };
    let reader = CaptureReader::open(&file).expect("opens");
    let mut pass = SinglePass::new(reader, Decoder::new().deferring(), options);
    let mut infos = Vec::new();
    while let Some(p) = pass.next() {
        infos.push(p.info.clone());
    }
    assert!(infos[3].ends_with("(no response found!)"), "{infos:?}");
    let file_ok = single_pass(&file, 0);
    assert!(file_ok[3].contains("(reply in 5)"), "{}", file_ok[3]);
}

/// Number, Protocol and Info of every frame, the two passes one after the other.
fn one_after_the_other(file: &std::path::Path) -> Vec<String> {
    let hints = first_pass(&mut CaptureReader::open(file).expect("opens"), u64::MAX);
    let mut decoder = Decoder::with_hints(hints).columns_only();
    let mut reader = CaptureReader::open(file).expect("opens");
    let mut rows = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let p = decoder.decode(&frame);
        rows.push(format!("{}\t{}\t{}", p.number, p.protocol, p.info));
    }
    rows
}

#[test]
fn replay_lists_frames_as_two_passes_one_after_the_other() {
    let mut hinted = 0;
    for file in all_captures() {
        let out = wirelab()
            .args(["replay", "-T", "tsv"])
            .arg(&file)
            .output()
            .expect("runs");
        let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| {
                let cells: Vec<&str> = line.splitn(7, '\t').collect();
                format!("{}\t{}\t{}", cells[0], cells[4], cells[6])
            })
            .collect();
        let expected = one_after_the_other(&file);
        assert_eq!(listed.len(), expected.len(), "{}", file.display());
        for (got, want) in listed.iter().zip(&expected) {
            assert_eq!(got, want, "{}", file.display());
        }
        hinted += expected
            .iter()
            .filter(|row| row.contains("(reply in ") || row.contains("(no response found!)"))
            .count();
    }
    // The captures do exercise what the first pass decides.
    assert!(hinted >= 20, "{hinted} echo requests labelled");
}

#[test]
fn a_count_limits_both_passes_alike() {
    // Frame 4 is an echo request answered in frame 5: with -c 4 neither pass sees the
    // reply, as with `tshark -2 -c 4`.
    let file = crate::common::data("thirdparty/eth_dns_icmp.pcapng");
    let out = wirelab()
        .args(["replay", "-T", "tsv", "-c", "4"])
        .arg(&file)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 4);
    assert!(text.lines().last().unwrap().ends_with("(no response found!)"), "{text}");
    let out = wirelab()
        .args(["replay", "-T", "tsv", "-c", "5"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(reply in 5)"));
}
