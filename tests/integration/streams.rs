//! TCP reassembly on real traffic: each direction's bytes arrive once and in order,
//! whatever the capture holds (out-of-order segments, retransmissions).

use std::collections::HashMap;

use wirelab::capture::CaptureReader;
use wirelab::decode::{Decoder, Field};

use super::common::data;

/// Bytes delivered per (tcp.stream, source port).
fn streams(file: &str) -> HashMap<(u64, u64), Vec<u8>> {
    let mut reader = CaptureReader::open(&data(file)).unwrap();
    let mut decoder = Decoder::new();
    let mut out: HashMap<(u64, u64), Vec<u8>> = HashMap::new();
    while let Some(frame) = reader.next_frame().unwrap() {
        decoder.decode_with(&frame, |packet, analysis| {
            let key = (analysis.stream, packet.uint(Field::TcpSrcport).unwrap());
            out.entry(key).or_default().extend(&analysis.delivered);
        });
    }
    out
}

#[test]
fn out_of_order_and_retransmitted_segments_are_delivered_once_in_order() {
    let streams = streams("recorded/l4-basic.pcap");
    // Stream 2: twelve 1000-byte segments 'A'..'L'; the fourth was lost once and came
    // back after the fifth (out of order).
    let client = streams
        .iter()
        .filter(|((s, _), _)| *s == 2)
        .map(|(_, b)| b)
        .max_by_key(|b| b.len())
        .unwrap();
    let expected: Vec<u8> = (0..12u8).flat_map(|i| std::iter::repeat_n(b'A' + i, 1000)).collect();
    assert_eq!(client.len(), 12_000);
    assert!(client == &expected, "stream 2 bytes are not in order");
    // Stream 3: one 500-byte segment, sent twice (a timeout retransmission).
    let total: usize = streams.iter().filter(|((s, _), _)| *s == 3).map(|(_, b)| b.len()).sum();
    assert_eq!(total, 500);
    // Stream 0: the line-echo conversation, both directions.
    let echo: Vec<&Vec<u8>> = streams.iter().filter(|((s, _), _)| *s == 0).map(|(_, b)| b).collect();
    assert!(echo
        .iter()
        .any(|b| b.as_slice() == b"hello wirelab\nsecond line\nbye\n"));
    assert!(echo
        .iter()
        .any(|b| b.as_slice() == b"HELLO WIRELAB\nSECOND LINE\nBYE\n"));
}
