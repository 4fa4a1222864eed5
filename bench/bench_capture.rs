//! Writes a large benchmark capture built from real traffic: the course's captures and
//! bench/bulk.pcapng (bulk HTTP/HTTPS downloads), copied over and over with addresses
//! and timestamps shifted so every copy's flows stay distinct. Deterministic: the same
//! arguments give the same bytes.
//!
//! `cargo run --release --example bench-capture -- OUT.pcap [--frames N]`
//!
//! Copy k moves 10.20.30.x to 10.A.B.x, with A and B two-digit numbers chosen from k;
//! FTP's PORT/PASV/EPRT texts name the same addresses with as many digits, so they are
//! rewritten in place and the data connections still match. IPv4, TCP and UDP checksums
//! are recomputed. The bulk downloads go into 3 copies out of 8, which gives the file
//! about 330 bytes per frame.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use wirelab::capture::CaptureReader;
use wirelab::lesson::bundled::CAPTURES;

const BULK: &[u8] = include_bytes!("bulk.pcapng");

struct Frame {
    ts_ns: i64,
    orig_len: u32,
    data: Vec<u8>,
}

/// A capture's Ethernet frames, with times relative to its first frame.
fn frames(name: &str, bytes: &[u8]) -> Vec<Frame> {
    let mut reader = CaptureReader::new(bytes, name).expect("a readable bundled capture");
    let mut out = Vec::new();
    let mut first = None;
    while let Some(frame) = reader.next_frame().expect("a readable bundled capture") {
        let start = *first.get_or_insert(frame.ts_ns);
        out.push(Frame {
            ts_ns: frame.ts_ns - start,
            orig_len: frame.orig_len,
            data: frame.data.to_vec(),
        });
    }
    out
}

/// The two middle octets of copy k: both from 10 to 99, so texts keep their length.
fn octets(k: u64) -> (u8, u8) {
    (10 + ((k / 90) % 90) as u8, 10 + (k % 90) as u8)
}

fn checksum(chunks: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in chunks {
        for pair in chunk.chunks(2) {
            let word = if pair.len() == 2 {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from(pair[0]) << 8
            };
            sum += u32::from(word);
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn replace_all(haystack: &mut [u8], from: &[u8], to: &[u8]) {
    debug_assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= haystack.len() {
        if &haystack[i..i + from.len()] == from {
            haystack[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}

/// Moves an Ethernet/IPv4 frame to copy k's addresses; other frames (ARP) are kept.
fn shift(data: &mut [u8], k: u64) {
    let (a, b) = octets(k);
    if data.len() < 34 || data[12..14] != [0x08, 0x00] {
        if data.len() >= 42 && data[12..14] == [0x08, 0x06] {
            // ARP: sender and target protocol addresses.
            for at in [28, 38] {
                if data[at..at + 3] == [10, 20, 30] {
                    data[at + 1] = a;
                    data[at + 2] = b;
                }
            }
        }
        return;
    }
    let ip = &mut data[14..];
    let header = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]])).min(ip.len());
    if header < 20 || total < header {
        return;
    }
    for at in [12, 16] {
        if ip[at..at + 3] == [10, 20, 30] {
            ip[at + 1] = a;
            ip[at + 2] = b;
        }
    }
    ip[10..12].fill(0);
    let sum = checksum(&[&ip[..header]]);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let protocol = ip[9];
    let (addresses, rest) = ip[..total].split_at_mut(header);
    let segment = rest;
    let checksum_at = match protocol {
        6 if segment.len() >= 20 => 16,
        17 if segment.len() >= 8 => 6,
        _ => return,
    };
    if protocol == 6 {
        let ports = [
            u16::from_be_bytes([segment[0], segment[1]]),
            u16::from_be_bytes([segment[2], segment[3]]),
        ];
        if ports.contains(&21) {
            let offset = usize::from(segment[12] >> 4) * 4;
            if offset <= segment.len() {
                let payload = &mut segment[offset..];
                replace_all(payload, b"10,20,30,", format!("10,{a},{b},").as_bytes());
                replace_all(payload, b"10.20.30.", format!("10.{a}.{b}.").as_bytes());
            }
        }
    }
    if protocol == 17 && segment[6..8] == [0, 0] {
        return; // UDP without a checksum stays without one
    }
    segment[checksum_at..checksum_at + 2].fill(0);
    let length = (segment.len() as u16).to_be_bytes();
    let pseudo = [&addresses[12..20], &[0, protocol], &length[..]].concat();
    let mut sum = checksum(&[&pseudo, segment]);
    if protocol == 17 && sum == 0 {
        sum = 0xffff;
    }
    segment[checksum_at..checksum_at + 2].copy_from_slice(&sum.to_be_bytes());
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: bench-capture OUT.pcap [--frames N]");
        return ExitCode::from(2);
    };
    let target: u64 = match args.iter().position(|a| a == "--frames") {
        Some(i) => match args.get(i + 1).and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => {
                eprintln!("bench-capture: --frames needs a number");
                return ExitCode::from(2);
            }
        },
        None => 1_000_000,
    };
    let course: Vec<Vec<Frame>> = CAPTURES.iter().map(|(name, bytes)| frames(name, bytes)).collect();
    let bulk = frames("bulk.pcapng", BULK);
    let file = match File::create(out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("bench-capture: {out}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut w = BufWriter::with_capacity(1 << 20, file);
    // pcap, nanosecond timestamps, Ethernet.
    let mut header = Vec::new();
    header.extend(0xa1b2_3c4d_u32.to_le_bytes());
    header.extend(2u16.to_le_bytes());
    header.extend(4u16.to_le_bytes());
    header.extend([0u8; 8]);
    header.extend(262_144u32.to_le_bytes());
    header.extend(1u32.to_le_bytes());
    let mut written = 0u64;
    let mut bytes = header.len() as u64;
    let result = (|| -> std::io::Result<()> {
        w.write_all(&header)?;
        // 2026-01-01T00:00:00Z; every capture starts one second after the previous one ends.
        let mut clock: i64 = 1_767_225_600_000_000_000;
        let mut data = Vec::new();
        for k in 0.. {
            let with_bulk = (k * 3) % 8 < 3;
            let parts = course.iter().chain(with_bulk.then_some(&bulk));
            for capture in parts {
                for frame in capture {
                    if written == target {
                        return Ok(());
                    }
                    data.clear();
                    data.extend_from_slice(&frame.data);
                    shift(&mut data, k);
                    let ts = clock + frame.ts_ns;
                    w.write_all(&((ts / 1_000_000_000) as u32).to_le_bytes())?;
                    w.write_all(&((ts % 1_000_000_000) as u32).to_le_bytes())?;
                    w.write_all(&(data.len() as u32).to_le_bytes())?;
                    w.write_all(&frame.orig_len.to_le_bytes())?;
                    w.write_all(&data)?;
                    written += 1;
                    bytes += 16 + data.len() as u64;
                }
                clock += capture.last().map_or(0, |f| f.ts_ns) + 1_000_000_000;
            }
        }
        Ok(())
    })();
    if let Err(e) = result.and_then(|()| w.flush()) {
        eprintln!("bench-capture: {out}: {e}");
        return ExitCode::from(2);
    }
    eprintln!("{out}: {written} frames, {:.1} MB", bytes as f64 / 1e6);
    ExitCode::SUCCESS
}
