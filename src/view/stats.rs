//! The first look at an unknown capture (`wirelab stats`): the protocol hierarchy (as
//! `tshark -z io,phs`), TCP and UDP conversations (as `-z conv,tcp`), IP endpoints
//! (as `-z endpoints,ip`) and an I/O graph of frames over time drawn in the terminal.
//!
//! Statistics grow with the number of protocols, conversations and hosts, never with
//! the number of frames: the I/O graph keeps a fixed number of buckets and merges them
//! in pairs when the capture runs past them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{address_text, MacNames};
use crate::decode::{Field, Packet, Proto, Value};

/// Buckets the I/O graph keeps; when a capture runs longer, buckets are merged in pairs
/// and the interval doubles, so memory stays fixed.
const BUCKETS: usize = 64;

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    frames: u64,
    bytes: u64,
}

impl Counts {
    fn add(&mut self, bytes: u32) {
        self.frames += 1;
        self.bytes += u64::from(bytes);
    }
}

#[derive(Debug, Clone)]
struct Conversation {
    a: String,
    b: String,
    a_to_b: Counts,
    b_to_a: Counts,
    start_ns: i64,
    end_ns: i64,
}

#[derive(Debug, Default, Clone, Copy)]
struct Endpoint {
    tx: Counts,
    rx: Counts,
}

#[derive(Debug)]
pub struct Stats {
    frames: u64,
    /// Protocol paths (`eth:ip:tcp:http`) with their counts.
    hierarchy: BTreeMap<Vec<&'static str>, Counts>,
    conversations: BTreeMap<(&'static str, u64), Conversation>,
    endpoints: BTreeMap<String, Endpoint>,
    /// Frames per bucket of `interval_ns`, from the first frame.
    buckets: Vec<u64>,
    interval_ns: i64,
    last_ns: i64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            frames: 0,
            hierarchy: BTreeMap::new(),
            conversations: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            buckets: vec![0; BUCKETS],
            interval_ns: 1_000_000,
            last_ns: 0,
        }
    }
}

fn endpoint_text(p: &Packet, which: usize, port: Field) -> String {
    let address = address_text(if which == 0 { &p.src } else { &p.dst }, &MacNames::none());
    match p.values(port).nth(which) {
        Some(Value::U(n)) if address.contains(':') => format!("[{address}]:{n}"),
        Some(Value::U(n)) => format!("{address}:{n}"),
        _ => address,
    }
}

impl Stats {
    pub fn add(&mut self, p: &Packet) {
        self.frames += 1;
        let path: Vec<&'static str> = p
            .layers
            .iter()
            .filter(|l| l.proto != Proto::Frame && !l.proto.names_only())
            .map(|l| l.proto.filter_name())
            .collect();
        for depth in 1..=path.len() {
            self.hierarchy
                .entry(path[..depth].to_vec())
                .or_default()
                .add(p.orig_len);
        }
        for (transport, stream_field, port_field) in [
            ("TCP", Field::TcpStream, Field::TcpPort),
            ("UDP", Field::UdpStream, Field::UdpPort),
        ] {
            let Some(stream) = p.uint(stream_field) else { continue };
            let (src, dst) = (endpoint_text(p, 0, port_field), endpoint_text(p, 1, port_field));
            let conv = self
                .conversations
                .entry((transport, stream))
                .or_insert_with(|| Conversation {
                    a: src.clone(),
                    b: dst.clone(),
                    a_to_b: Counts::default(),
                    b_to_a: Counts::default(),
                    start_ns: p.rel_ns,
                    end_ns: p.rel_ns,
                });
            if src == conv.a {
                conv.a_to_b.add(p.orig_len);
            } else {
                conv.b_to_a.add(p.orig_len);
            }
            conv.end_ns = p.rel_ns;
            break;
        }
        if matches!(p.src, crate::decode::Address::Ipv4(_) | crate::decode::Address::Ipv6(_)) {
            let names = MacNames::none();
            self.endpoints
                .entry(address_text(&p.src, &names))
                .or_default()
                .tx
                .add(p.orig_len);
            self.endpoints
                .entry(address_text(&p.dst, &names))
                .or_default()
                .rx
                .add(p.orig_len);
        }
        // The I/O graph: widen the interval until this frame's time fits.
        let at = p.rel_ns.max(0);
        while at / self.interval_ns >= BUCKETS as i64 {
            let merged: Vec<u64> = self.buckets.chunks(2).map(|pair| pair.iter().sum()).collect();
            self.buckets = merged;
            self.buckets.resize(BUCKETS, 0);
            self.interval_ns = self.interval_ns.saturating_mul(2);
        }
        self.buckets[(at / self.interval_ns) as usize] += 1;
        self.last_ns = self.last_ns.max(at);
    }

    pub fn render(&self, filter: Option<&str>, out: &mut Vec<u8>) {
        let mut t = String::new();
        let filter = filter.unwrap_or("<none>");
        let _ = writeln!(t, "Protocol hierarchy ({} frames, filter: {filter})", self.frames);
        for (path, counts) in &self.hierarchy {
            let indent = "  ".repeat(path.len() - 1);
            let name = format!("{indent}{}", path.last().expect("non-empty"));
            let share = 100.0 * counts.frames as f64 / self.frames.max(1) as f64;
            let _ = writeln!(
                t,
                "  {name:<32} frames:{:<8} bytes:{:<10} {share:5.1}%",
                counts.frames, counts.bytes
            );
        }
        let _ = writeln!(t, "\nConversations");
        let _ = writeln!(
            t,
            "  {:<5} {:>6}  {:<40} {:<40} {:>7} {:>9} {:>7} {:>9} {:>11} {:>10}",
            "", "stream", "A", "B", "A→B", "bytes", "B→A", "bytes", "start", "duration"
        );
        for ((transport, stream), c) in &self.conversations {
            let _ = writeln!(
                t,
                "  {transport:<5} {stream:>6}  {:<40} {:<40} {:>7} {:>9} {:>7} {:>9} {:>11} {:>10}",
                c.a,
                c.b,
                c.a_to_b.frames,
                c.a_to_b.bytes,
                c.b_to_a.frames,
                c.b_to_a.bytes,
                seconds(c.start_ns),
                seconds(c.end_ns - c.start_ns)
            );
        }
        let _ = writeln!(t, "\nIP endpoints");
        let _ = writeln!(
            t,
            "  {:<40} {:>7} {:>10} {:>7} {:>10} {:>7} {:>10}",
            "address", "frames", "bytes", "sent", "bytes", "recvd", "bytes"
        );
        for (address, e) in &self.endpoints {
            let _ = writeln!(
                t,
                "  {address:<40} {:>7} {:>10} {:>7} {:>10} {:>7} {:>10}",
                e.tx.frames + e.rx.frames,
                e.tx.bytes + e.rx.bytes,
                e.tx.frames,
                e.tx.bytes,
                e.rx.frames,
                e.rx.bytes
            );
        }
        let used = ((self.last_ns / self.interval_ns) as usize + 1).min(BUCKETS);
        let counts = &self.buckets[..used];
        let _ = writeln!(
            t,
            "\nFrames over time ({} s per column, max {} frames)",
            seconds(self.interval_ns),
            counts.iter().max().copied().unwrap_or(0)
        );
        let _ = writeln!(t, "  {}", sparkline(counts));
        let _ = writeln!(
            t,
            "  0 s{:>w$}",
            format!("{} s", seconds(self.interval_ns.saturating_mul(used as i64))),
            w = used.saturating_sub(3)
        );
        out.extend_from_slice(t.as_bytes());
    }
}

fn seconds(ns: i64) -> String {
    format!("{:.6}", ns as f64 / 1e9)
}

/// One character per value, ▁ to █ by height; an empty bucket is a space.
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|&v| {
            if v == 0 {
                ' '
            } else {
                BARS[((v * 8 - 1) / max).min(7) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 4, 8]), " ▁▄█");
        assert_eq!(sparkline(&[]), "");
    }
}
