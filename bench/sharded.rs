//! A measurement, not a feature: how fast a packet list could be with decoding split
//! by conversation over two cores (the first item of "what would get there" in
//! docs/PERFORMANCE.md). The reading thread sends each frame to one of two decoders by
//! its unordered pair of IP addresses; each decodes and formats its frames as TSV, and
//! the reading thread writes the lines back in frame order.
//!
//! The list is not exactly `wirelab replay -T tsv`'s: each decoder numbers time from
//! its own first frame, nothing is held back for later frames (TLS versions, echo
//! replies), and an FTP data connection to another address than the control one's
//! goes unlabelled. The work per frame is the same, which is what this measures.
//!
//! `cargo run --release --example sharded -- FILE > /dev/null`
use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use wirelab::capture::{CaptureReader, Frame, LinkType};
use wirelab::decode::{Decoder, Packet};
use wirelab::view::tsv::Tsv;
use wirelab::view::{MacNames, PacketFormat};

/// Frames per batch sent to a decoder.
const BATCH: usize = 512;

/// Frames for one decoder: their bytes end to end, and each one's header.
#[derive(Default)]
struct Frames {
    bytes: Vec<u8>,
    frames: Vec<(u64, i64, u32, LinkType, usize, usize)>,
}

/// A decoder's output for a batch: the TSV text, and where each frame's line ends.
#[derive(Default)]
struct Lines {
    text: Vec<u8>,
    ends: Vec<usize>,
}

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: sharded FILE");
        std::process::exit(2);
    };
    let start = Instant::now();
    let mut reader = CaptureReader::open(Path::new(&file)).unwrap_or_else(|e| panic!("{e}"));
    let mut to_decoders = Vec::new();
    let mut from_decoders = Vec::new();
    let mut workers = Vec::new();
    for _ in 0..2 {
        let (frames_tx, frames_rx) = mpsc::sync_channel::<Frames>(4);
        // Unbounded: a decoder never waits for the writer (the writer bounds how
        // many frames are out, below).
        let (lines_tx, lines_rx) = mpsc::channel::<Lines>();
        to_decoders.push(frames_tx);
        from_decoders.push(lines_rx);
        workers.push(std::thread::spawn(move || decode(frames_rx, lines_tx)));
    }
    // The writer: lines back in frame order, as the reader says which decoder has each.
    let (order_tx, order_rx) = mpsc::sync_channel::<Vec<u8>>(64);
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut lines: [(Lines, usize, usize); 2] = Default::default();
        for shards in order_rx {
            for shard in shards {
                let (batch, next, start) = &mut lines[shard as usize];
                if *next == batch.ends.len() {
                    let Ok(lines) = from_decoders[shard as usize].recv() else {
                        return;
                    };
                    *batch = lines;
                    *next = 0;
                    *start = 0;
                }
                let end = batch.ends[*next];
                if out.write_all(&batch.text[*start..end]).is_err() {
                    return; // a closed pipe: stop quietly
                }
                *start = end;
                *next += 1;
            }
        }
    });
    let mut pending: [Frames; 2] = Default::default();
    let mut order = Vec::with_capacity(BATCH);
    let mut per_shard = [0u64; 2];
    while let Ok(Some(frame)) = reader.next_frame() {
        let shard = shard_of(frame.linktype, frame.data);
        per_shard[shard] += 1;
        let batch = &mut pending[shard];
        let from = batch.bytes.len();
        batch.bytes.extend_from_slice(frame.data);
        batch.frames.push((
            frame.number,
            frame.ts_ns,
            frame.orig_len,
            frame.linktype,
            from,
            batch.bytes.len(),
        ));
        order.push(shard as u8);
        if batch.frames.len() == BATCH {
            let _ = to_decoders[shard].send(std::mem::take(batch));
        }
        if order.len() == BATCH && order_tx.send(std::mem::take(&mut order)).is_err() {
            return; // the writer has stopped
        }
        // The writer may wait for a frame still in a part-filled batch: send those
        // now and then (a decoder's batch of a rare pair could wait for long).
        if frame.number % (8 * BATCH as u64) == 0 {
            for (shard, batch) in pending.iter_mut().enumerate() {
                if !batch.frames.is_empty() {
                    let _ = to_decoders[shard].send(std::mem::take(batch));
                }
            }
        }
    }
    for (shard, batch) in pending.iter_mut().enumerate() {
        let _ = to_decoders[shard].send(std::mem::take(batch));
    }
    let _ = order_tx.send(order);
    drop(to_decoders);
    drop(order_tx);
    let _ = writer.join();
    for worker in workers {
        worker.join().expect("decoder");
    }
    eprintln!(
        "sharded: {:.3} s ({} and {} frames)",
        start.elapsed().as_secs_f64(),
        per_shard[0],
        per_shard[1]
    );
}

/// One decoder: decodes and formats its frames in order.
fn decode(frames: mpsc::Receiver<Frames>, lines: mpsc::Sender<Lines>) {
    let mut decoder = Decoder::new().deferring().columns_only();
    let mut format = Tsv::new(MacNames::none());
    let mut packet = Packet::blank();
    let mut busy = std::time::Duration::ZERO;
    for batch in frames {
        let started = Instant::now();
        let mut out = Lines::default();
        for &(number, ts_ns, orig_len, linktype, from, to) in &batch.frames {
            let frame = Frame {
                number,
                ts_ns,
                orig_len,
                linktype,
                interface: None,
                data: &batch.bytes[from..to],
            };
            decoder.decode_into(&frame, &mut packet, |_, _| {});
            format.packet(&packet, &mut out.text);
            out.ends.push(out.text.len());
        }
        busy += started.elapsed();
        if lines.send(out).is_err() {
            return;
        }
    }
    eprintln!("decoder busy {:.3} s", busy.as_secs_f64());
}

/// 0 or 1, the same for both directions of a pair of IP addresses (Ethernet and
/// VLAN-tagged Ethernet; everything else goes to 0).
fn shard_of(linktype: LinkType, data: &[u8]) -> usize {
    if linktype != LinkType::Ethernet || data.len() < 14 {
        return 0;
    }
    let mut at = 12;
    let mut ethertype = u16::from_be_bytes([data[at], data[at + 1]]);
    while matches!(ethertype, 0x8100 | 0x88a8) && data.len() >= at + 6 {
        at += 4;
        ethertype = u16::from_be_bytes([data[at], data[at + 1]]);
    }
    let ip = &data[at + 2..];
    let (a, b): (&[u8], &[u8]) = match ethertype {
        0x0800 if ip.len() >= 20 => (&ip[12..16], &ip[16..20]),
        0x86dd if ip.len() >= 40 => (&ip[8..24], &ip[24..40]),
        _ => return 0,
    };
    let fold = |bytes: &[u8]| {
        bytes
            .iter()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(*b)))
    };
    // Symmetric in the two addresses, then mixed so that the top bit depends on all.
    let pair = u64::from(fold(a) ^ fold(b));
    (pair.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 63) as usize
}
