//! The ladder (sequence) diagram: one lane per host, one arrow per packet with its
//! time and Info, fitted to a width; or the same as a Mermaid `sequenceDiagram`.
//!
//! Packets are collected first (a ladder needs to know every host before it draws the
//! first lane), so this view is for a conversation or a filtered capture, not for a
//! capture of millions of packets: `--max` bounds it.

use std::fmt::Write as _;

use super::fit;
use super::{address_text, time_text, MacNames};
use crate::decode::{Field, Packet, Value};

/// One arrow.
#[derive(Debug, Clone)]
pub struct Step {
    pub number: u64,
    pub rel_ns: i64,
    pub src: String,
    pub dst: String,
    pub label: String,
    /// A TCP SYN without ACK: its source is a client, its destination a server.
    pub opens: bool,
}

impl Step {
    /// The arrow of a packet, between its hosts (network addresses, else MACs).
    pub fn of(p: &Packet, names: &MacNames) -> Step {
        let flag = |f: Field| matches!(p.value(f), Some(Value::Bool(true)));
        Step {
            number: p.number,
            rel_ns: p.rel_ns,
            src: address_text(&p.src, names),
            dst: address_text(&p.dst, names),
            label: format!("{} {}", p.protocol, p.info),
            opens: flag(Field::TcpFlagsSyn) && !flag(Field::TcpFlagsAck),
        }
    }
}

/// Lanes in order of first appearance; a lane's role is client or server when it
/// opened or answered a connection (the first packet's source is taken as client).
fn lanes(steps: &[Step]) -> Vec<String> {
    let mut lanes: Vec<String> = Vec::new();
    for step in steps {
        for host in [&step.src, &step.dst] {
            if !lanes.contains(host) {
                lanes.push(host.clone());
            }
        }
    }
    lanes
}

/// A lane's title: the host, and its role when a connection shows it (it opened one:
/// client; it was asked to: server).
fn lane_title(host: &str, steps: &[Step]) -> String {
    let role = steps.iter().filter(|s| s.opens).find_map(|s| {
        if s.src == host {
            Some("client")
        } else if s.dst == host {
            Some("server")
        } else {
            None
        }
    });
    match role {
        Some(role) => format!("{host} ({role})"),
        None => host.to_string(),
    }
}

/// Columns between two lanes below which arrows have no room for a label.
const MIN_GAP: usize = 8;

/// More hosts than lanes fit in the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyHosts {
    pub hosts: usize,
    pub fit: usize,
    pub width: usize,
}

impl std::fmt::Display for TooManyHosts {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{} hosts do not fit in {} columns ({} do)",
            self.hosts, self.width, self.fit
        )
    }
}

/// Draws the ladder in `width` columns, unless the hosts do not fit.
pub fn render_text(steps: &[Step], width: usize, out: &mut Vec<u8>) -> Result<(), TooManyHosts> {
    let lanes = lanes(steps);
    let mut text = String::new();
    if lanes.is_empty() {
        out.extend_from_slice(b"(no packets)\n");
        return Ok(());
    }
    const TIME: usize = 10;
    let width = width.max(TIME + 20);
    let usable = width - TIME - 1;
    if lanes.len() > 1 && (usable - 1) / (lanes.len() - 1) < MIN_GAP {
        return Err(TooManyHosts {
            hosts: lanes.len(),
            fit: (usable - 1) / MIN_GAP + 1,
            width,
        });
    }
    // Lane positions, evenly spread; with one lane, the middle.
    let positions: Vec<usize> = if lanes.len() == 1 {
        vec![TIME + 1 + usable / 2]
    } else {
        (0..lanes.len())
            .map(|i| TIME + 1 + i * (usable - 1) / (lanes.len() - 1))
            .collect()
    };
    // Header: each lane's name centred on its position, within the columns closer to it
    // than to its neighbours, with a space between names (cut with … to fit).
    let mut header: Vec<char> = vec![' '; width];
    for (i, lane) in lanes.iter().enumerate() {
        let left = if i == 0 {
            0
        } else {
            (positions[i - 1] + positions[i]) / 2 + 1
        };
        // `right` is one past the space kept before the next name (none after the last).
        let right = match positions.get(i + 1) {
            Some(next) => (positions[i] + next) / 2,
            None => width + 1,
        };
        let name = fit(&lane_title(lane, steps), right - left - 1);
        let len = name.chars().count();
        let start = positions[i].saturating_sub(len / 2).clamp(left, right - 1 - len);
        for (j, c) in name.chars().enumerate() {
            header[start + j] = c;
        }
    }
    let _ = writeln!(text, "{}", header.iter().collect::<String>().trim_end());
    let mut rule: Vec<char> = vec![' '; width];
    for p in &positions {
        rule[*p] = '|';
    }
    let blank: String = rule.iter().collect::<String>().trim_end().to_string();
    let _ = writeln!(text, "{blank}");
    for step in steps {
        let (a, b) = (
            lanes.iter().position(|l| *l == step.src).expect("lane"),
            lanes.iter().position(|l| *l == step.dst).expect("lane"),
        );
        let mut line = rule.clone();
        let time = format!("{:>w$}", time_text(step.rel_ns), w = TIME);
        for (i, c) in fit(&time, TIME).chars().enumerate() {
            line[i] = c;
        }
        let (from, to) = (positions[a], positions[b]);
        if from == to {
            // A packet to itself (or to a host drawn in the same lane): a short loop.
            let label = fit(&step.label, width.saturating_sub(from + 4));
            for (i, c) in format!("<> {label}").chars().enumerate() {
                if from + 1 + i < width {
                    line[from + 1 + i] = c;
                }
            }
        } else {
            let (left, right) = (from.min(to), from.max(to));
            for cell in line.iter_mut().take(right).skip(left + 1) {
                *cell = '-';
            }
            if to > from {
                line[right - 1] = '>';
            } else {
                line[left + 1] = '<';
            }
            // Keep at least two dashes of shaft on each side of the label; neighbouring
            // lanes (MIN_GAP apart) have room for one character of it.
            let room = (right - left).saturating_sub(7);
            let label = fit(&step.label, room);
            let len = label.chars().count();
            if len > 0 {
                let start = left + 1 + (right - left - 1 - len) / 2;
                line[start - 1] = ' ';
                for (i, c) in label.chars().enumerate() {
                    line[start + i] = c;
                }
                line[start + len] = ' ';
            }
        }
        let _ = writeln!(text, "{}", line.iter().collect::<String>().trim_end());
    }
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// The same as a Mermaid sequence diagram, for slides and web pages.
pub fn render_mermaid(steps: &[Step], out: &mut Vec<u8>) {
    let lanes = lanes(steps);
    let mut text = String::from("sequenceDiagram\n");
    for (i, lane) in lanes.iter().enumerate() {
        let _ = writeln!(
            text,
            "    participant H{i} as {}",
            mermaid_text(&lane_title(lane, steps))
        );
    }
    for step in steps {
        let a = lanes.iter().position(|l| *l == step.src).expect("lane");
        let b = lanes.iter().position(|l| *l == step.dst).expect("lane");
        let _ = writeln!(
            text,
            "    H{a}->>H{b}: {} {}",
            time_text(step.rel_ns),
            mermaid_text(&step.label)
        );
    }
    out.extend_from_slice(text.as_bytes());
}

/// Mermaid treats `;`, `#` and line breaks specially: replace them.
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' => ',',
            '#' => '№',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(n: u64, src: &str, dst: &str, label: &str) -> Step {
        Step {
            number: n,
            rel_ns: n as i64 * 1_000_000,
            src: src.into(),
            dst: dst.into(),
            label: label.into(),
            opens: n == 1,
        }
    }

    #[test]
    fn two_lanes_at_80_columns() {
        let steps = [
            step(
                1,
                "10.0.0.1",
                "10.0.0.2",
                "TCP 5000 → 21 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=1 TSecr=0 WS=1024",
            ),
            step(2, "10.0.0.2", "10.0.0.1", "FTP Response: 220 Hi"),
        ];
        let mut out = Vec::new();
        render_text(&steps, 80, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{text}");
        assert!(lines[2].starts_with("  0.001000 |"), "{text}");
        assert!(lines[2].ends_with("->|"), "{text}");
        assert!(lines[2].contains('…'), "a long Info is cut with an ellipsis: {text}");
        assert!(lines[3].contains("|<-"), "{text}");
        assert!(lines[3].contains(" FTP Response: 220 Hi "), "{text}");
    }

    #[test]
    fn lane_names_keep_a_space_between_them_however_narrow() {
        let hosts = ["10.20.30.21", "10.20.30.10", "10.20.30.99", "fe80::250:56ff:fea1:1234"];
        let steps: Vec<Step> = (0..hosts.len())
            .map(|i| Step {
                opens: false, // no roles: each name is one word
                ..step(i as u64 + 1, hosts[i], hosts[(i + 1) % hosts.len()], "x")
            })
            .collect();
        for width in [36, 40, 60, 80, 120] {
            let mut out = Vec::new();
            render_text(&steps, width, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let header = text.lines().next().unwrap();
            assert_eq!(
                header.split_whitespace().count(),
                hosts.len(),
                "{width} columns: {header:?}"
            );
            assert!(header.chars().count() <= width, "{header:?}");
        }
        let mut out = Vec::new();
        let too_narrow = render_text(&steps, 20, &mut out).unwrap_err();
        assert_eq!(too_narrow.to_string(), "4 hosts do not fit in 30 columns (3 do)");
        assert!(out.is_empty());
    }

    #[test]
    fn mermaid_names_participants_and_messages() {
        let mut out = Vec::new();
        render_mermaid(&[step(1, "a", "b", "DNS Standard query; A x")], &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "sequenceDiagram\n    participant H0 as a (client)\n    participant H1 as b (server)\n    H0->>H1: 0.001000 DNS Standard query, A x\n"
        );
    }
}
