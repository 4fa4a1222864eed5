//! A bound for decoding speed, between the read-only floor and a decoder: reads every
//! frame with wirelab's reader and writes the TSV row that needs no state at all, on one
//! thread. `cargo run --release --example header-lines -- FILE > /dev/null`
//!
//! For an untagged Ethernet frame of IPv4 carrying TCP, the row holds what the packet
//! list's row holds except what needs a conversation: the number, the time since the
//! first frame, both addresses, the length, and TCP's ports, flags, raw (not relative)
//! sequence and acknowledgement numbers, window, payload length and timestamps. Any
//! other frame gets its number, time and length. No conversation is looked up, nothing
//! is reassembled, no application layer is read and no MAC address is named: whatever a
//! decoder does, it does this and more, so this is as fast as one writing these rows
//! can be (bench/compare.sh prints it beside the floor).

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use wirelab::capture::{CaptureReader, Frame};
use wirelab::decode::text::push_num_bytes;
use wirelab::view::push_time_bytes;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: header-lines FILE");
        return ExitCode::from(2);
    };
    match write_rows(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("header-lines: {message}");
            ExitCode::from(2)
        }
    }
}

fn write_rows(path: &str) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut reader = CaptureReader::new(file, path).map_err(|e| e.to_string())?;
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut row = Vec::with_capacity(512);
    let mut first_ns = None;
    while let Some(frame) = reader.next_frame().map_err(|e| e.to_string())? {
        row.clear();
        let first = *first_ns.get_or_insert(frame.ts_ns);
        push_num_bytes(&mut row, frame.number);
        row.push(b'\t');
        push_time_bytes(&mut row, frame.ts_ns - first);
        row.push(b'\t');
        push_columns(&mut row, &frame);
        row.push(b'\n');
        out.write_all(&row).map_err(|e| format!("stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("stdout: {e}"))
}

/// Source, destination, protocol, length and Info, as far as the frame's own headers give
/// them.
fn push_columns(row: &mut Vec<u8>, frame: &Frame) {
    let data = frame.data;
    let ipv4_tcp = data.len() >= 34 && data[12..14] == [0x08, 0x00] && data[23] == 6;
    let header_len = data.get(14).map_or(0, |b| usize::from(b & 0x0f) * 4);
    let Some(tcp) = data.get(14 + header_len..).filter(|t| ipv4_tcp && t.len() >= 20) else {
        row.extend_from_slice(b"\t\t\t");
        push_num_bytes(row, frame.orig_len);
        row.push(b'\t');
        return;
    };
    for address in [&data[26..30], &data[30..34]] {
        push_num_bytes(row, address[0]);
        for octet in &address[1..] {
            row.push(b'.');
            push_num_bytes(row, *octet);
        }
        row.push(b'\t');
    }
    row.extend_from_slice(b"TCP\t");
    push_num_bytes(row, frame.orig_len);
    row.push(b'\t');

    let be16 = |at: usize| u16::from_be_bytes([tcp[at], tcp[at + 1]]);
    let be32 = |at: usize| u32::from_be_bytes([tcp[at], tcp[at + 1], tcp[at + 2], tcp[at + 3]]);
    push_num_bytes(row, be16(0));
    row.extend_from_slice(" → ".as_bytes());
    push_num_bytes(row, be16(2));
    row.extend_from_slice(match tcp[13] {
        0x02 => b" [SYN]".as_slice(),
        0x12 => b" [SYN, ACK]",
        0x10 => b" [ACK]",
        0x18 => b" [PSH, ACK]",
        0x11 => b" [FIN, ACK]",
        _ => b" [RST]",
    });
    row.extend_from_slice(b" Seq=");
    push_num_bytes(row, be32(4));
    row.extend_from_slice(b" Ack=");
    push_num_bytes(row, be32(8));
    row.extend_from_slice(b" Win=");
    push_num_bytes(row, be16(14));
    let tcp_header_len = usize::from(tcp[12] >> 4) * 4;
    let ip_total = usize::from(u16::from_be_bytes([data[16], data[17]]));
    row.extend_from_slice(b" Len=");
    push_num_bytes(row, ip_total.saturating_sub(header_len + tcp_header_len) as u64);
    // The usual timestamp option, after two NOPs.
    if tcp_header_len >= 32 && tcp.len() >= 32 && tcp[20..23] == [1, 1, 8] {
        row.extend_from_slice(b" TSval=");
        push_num_bytes(row, be32(24));
        row.extend_from_slice(b" TSecr=");
        push_num_bytes(row, be32(28));
    }
}
