//! Times wirelab's decoding on its own, on one core, no output: the first pass of two
//! (what a second needs to know), the second (columns and Info), and the single pass
//! `replay` uses (columns and Info, in one read, holding back packets that wait for
//! later frames). `cargo run --release --example stages -- FILE [1|2|single]`
use std::path::Path;
use std::time::Instant;

use wirelab::capture::CaptureReader;
use wirelab::decode::single_pass::{Options, SinglePass};
use wirelab::decode::{first_pass, Decoder, Hints, Packet};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: stages FILE [1|2|single]");
        std::process::exit(2);
    };
    let only = args.next();
    let open = || CaptureReader::open(Path::new(&file)).unwrap_or_else(|e| panic!("{e}"));
    if only.as_deref() == Some("single") {
        let start = Instant::now();
        let mut pass = SinglePass::new(open(), Decoder::new().deferring().columns_only(), Options::default());
        let mut info_bytes = 0;
        while let Some(packet) = pass.next() {
            info_bytes += packet.info.len();
        }
        eprintln!(
            "single pass: {:>8.3} s ({} frames, {info_bytes} bytes of Info)",
            start.elapsed().as_secs_f64(),
            pass.frames_read()
        );
        return;
    }
    let mut hints = Hints::default();
    if only.as_deref() != Some("2") {
        let start = Instant::now();
        hints = first_pass(&mut open(), u64::MAX);
        eprintln!("first pass:  {:>8.3} s", start.elapsed().as_secs_f64());
    }
    if only.as_deref() != Some("1") {
        let start = Instant::now();
        let mut reader = open();
        let mut decoder = Decoder::with_hints(hints).columns_only();
        let mut packet = Packet::blank();
        let mut info_bytes = 0;
        while let Ok(Some(frame)) = reader.next_frame() {
            decoder.decode_into(&frame, &mut packet, |_, _| {});
            info_bytes += packet.info.len();
        }
        eprintln!(
            "second pass: {:>8.3} s ({} frames, {info_bytes} bytes of Info)",
            start.elapsed().as_secs_f64(),
            reader.frames_read()
        );
    }
}
