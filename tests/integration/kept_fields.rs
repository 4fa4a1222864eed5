//! A decoder told to keep only some fields (a display filter, `-T fields`) must store
//! exactly those, with the values a decoder keeping every field gives. The IPv4 and
//! TCP headers' fields are skipped as a block when no `ip.*` / `tcp.*` field is kept,
//! so a field of another name written inside such a block would go missing here.

use wirelab::capture::CaptureReader;
use wirelab::decode::{Decoder, Field, Value};

use crate::common::all_captures;

/// Every frame's fields (name, value) that `keep` selects, decoded by `decoder`.
fn fields(file: &std::path::Path, mut decoder: Decoder, keep: &dyn Fn(Field) -> bool) -> Vec<Vec<(Field, Value)>> {
    let mut reader = CaptureReader::open(file).expect("opens");
    let mut frames = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let packet = decoder.decode(&frame);
        frames.push(packet.fields.into_iter().filter(|(field, _)| keep(*field)).collect());
    }
    frames
}

fn header_field(field: Field) -> bool {
    field.name().starts_with("ip.") || field.name().starts_with("tcp.")
}

#[test]
fn a_decoder_keeping_some_fields_stores_them_as_one_keeping_all_does() {
    let headers: Vec<Field> = Field::ALL.iter().copied().filter(|&f| header_field(f)).collect();
    let others: Vec<Field> = Field::ALL.iter().copied().filter(|&f| !header_field(f)).collect();
    let mut seen_headers = false;
    for file in all_captures() {
        for (kept, keep) in [
            (&headers, &header_field as &dyn Fn(Field) -> bool),
            (&others, &|f| !header_field(f)),
        ] {
            let all = fields(&file, Decoder::new(), keep);
            let some = fields(&file, Decoder::new().only_fields(kept), keep);
            assert_eq!(some, all, "{}: keeping {} fields", file.display(), kept.len());
            seen_headers |= kept == &headers && all.iter().any(|frame| !frame.is_empty());
        }
    }
    assert!(seen_headers, "no capture had an IPv4 or TCP field to compare");
}
