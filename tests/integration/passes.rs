//! `tshark -2` semantics with the first pass running beside the second (the replay
//! command): the list must be exactly what the two passes give one after the other
//! (as the REPL runs them), on every capture. Client Hellos labelled with the version
//! their session settles on, echo requests with their replies or "no response found!",
//! are what the first pass decides.

use wirelab::capture::CaptureReader;
use wirelab::decode::{first_pass, Decoder};

use crate::common::{all_captures, wirelab};

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
fn the_first_pass_beside_the_second_labels_frames_as_one_after_the_other() {
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
