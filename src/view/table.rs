//! The packet list as a person reads it: aligned columns, protocol colours on a terminal.

use colored::{Color, Colorize};

use super::{address_text, time_text, MacNames, PacketFormat};
use crate::decode::{Packet, Severity};

pub struct Table {
    names: MacNames,
    color: bool,
}

impl Table {
    pub fn new(names: MacNames, color: bool) -> Self {
        Table { names, color }
    }
}

/// The colour of a protocol, after Wireshark's default colouring rules.
fn protocol_color(protocol: &str) -> Option<Color> {
    Some(match protocol {
        "TCP" => Color::Magenta,
        "UDP" => Color::Cyan,
        "ARP" | "RARP" => Color::Yellow,
        "ICMP" | "ICMPv6" => Color::BrightMagenta,
        "IPv4" | "IPv6" => Color::BrightBlack,
        _ => return None,
    })
}

const WIDTHS: [usize; 6] = [6, 11, 17, 17, 8, 6];

impl PacketFormat for Table {
    fn header(&mut self, out: &mut Vec<u8>) {
        let line = format!(
            "{:>w0$} {:>w1$} {:<w2$} {:<w3$} {:<w4$} {:>w5$} Info\n",
            "No.",
            "Time",
            "Source",
            "Destination",
            "Protocol",
            "Length",
            w0 = WIDTHS[0],
            w1 = WIDTHS[1],
            w2 = WIDTHS[2],
            w3 = WIDTHS[3],
            w4 = WIDTHS[4],
            w5 = WIDTHS[5],
        );
        if self.color {
            out.extend_from_slice(line.bold().to_string().as_bytes());
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }

    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let protocol = format!("{:<w$}", p.protocol, w = WIDTHS[4]);
        let protocol = match protocol_color(p.protocol) {
            Some(color) if self.color => protocol.color(color).to_string(),
            _ => protocol,
        };
        let flagged = p.notes.iter().any(|n| n.severity >= Severity::Warning)
            || p.info.starts_with("[TCP ") && !p.info.starts_with("[TCP Window Update]");
        let info = if self.color && flagged {
            p.info.red().to_string()
        } else {
            p.info.clone()
        };
        let line = format!(
            "{:>w0$} {:>w1$} {:<w2$} {:<w3$} {} {:>w5$} {}\n",
            p.number,
            time_text(p.rel_ns),
            address_text(&p.src, &self.names),
            address_text(&p.dst, &self.names),
            protocol,
            p.orig_len,
            info,
            w0 = WIDTHS[0],
            w1 = WIDTHS[1],
            w2 = WIDTHS[2],
            w3 = WIDTHS[3],
            w5 = WIDTHS[5],
        );
        out.extend_from_slice(line.as_bytes());
    }
}
