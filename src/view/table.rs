//! The packet list as a person reads it: aligned columns, protocol colours on a terminal.

use colored::{Color, Colorize};

use super::{
    fit, push_address, push_address_bytes, push_prefix, push_time, time_digits, MacNames, PacketFormat, SeenNames,
};
use crate::decode::text::{decimal_len, push_num_bytes};
use crate::decode::{Packet, Severity};

pub struct Table {
    names: MacNames,
    color: bool,
    /// Set when the rows must fit a terminal this many columns wide (the REPL).
    width: Option<usize>,
    /// The row being written and its Time, Source and Destination cells, reused row
    /// after row (a long list allocates nothing per row).
    row: String,
    cells: [String; 3],
    /// Address names already written in the plain rows.
    seen: SeenNames,
}

impl Table {
    pub fn new(names: MacNames, color: bool) -> Self {
        Table {
            names,
            color,
            width: None,
            row: String::with_capacity(160),
            cells: Default::default(),
            seen: SeenNames::default(),
        }
    }

    /// Rows of at most `width` columns (the REPL gives the terminal's width less its last
    /// column): narrower columns without Length below 109, without Time below 71 (a
    /// 110- and a 72-column terminal), and Info cut with an ellipsis.
    pub fn fitted(names: MacNames, color: bool, width: usize) -> Self {
        Table {
            width: Some(width),
            ..Table::new(names, color)
        }
    }

    /// Column widths (No., Time, Source, Destination, Protocol, Length) and whether
    /// Length is shown. A width of 0 leaves the column out.
    fn columns(&self) -> (&'static [usize; 6], bool) {
        match self.width {
            Some(width) if width < 71 => (&NARROW, false),
            Some(width) if width < 109 => (&COMPACT, false),
            _ => (&WIDTHS, true),
        }
    }

    /// Writes one row (and its newline) to `line`.
    fn line(&self, line: &mut String, cells: [&str; 6], info: &str, protocol: Option<Color>, info_red: bool) {
        let (w, length) = self.columns();
        let line = {
            line.clear();
            line
        };
        pad_left(line, cells[0], w[0]);
        line.push(' ');
        let time = w[1] > 0;
        if time {
            pad_left(line, cells[1], w[1]);
            line.push(' ');
        }
        pad_right(line, cells[2], w[2]);
        line.push(' ');
        pad_right(line, cells[3], w[3]);
        line.push(' ');
        match protocol {
            Some(color) if self.color => {
                let mut cell = String::new();
                pad_right(&mut cell, cells[4], w[4]);
                line.push_str(&cell.color(color).to_string());
            }
            _ => pad_right(line, cells[4], w[4]),
        }
        line.push(' ');
        if length {
            pad_left(line, cells[5], w[5]);
            line.push(' ');
        }
        let info = match self.width {
            Some(width) => {
                // The columns before Info, as wide as they came out.
                let mut visible = w[0]
                    + w[4]
                    + 4
                    + width_of(cells[2]).max(w[2])
                    + width_of(cells[3]).max(w[3])
                    + cells[0].len().saturating_sub(w[0])
                    + width_of(cells[4]).saturating_sub(w[4]);
                if time {
                    visible += cells[1].len().max(w[1]) + 1;
                }
                if length {
                    visible += cells[5].len().max(w[5]) + 1;
                }
                std::borrow::Cow::Owned(fit(info, width.saturating_sub(visible).max(8)))
            }
            None => std::borrow::Cow::Borrowed(info),
        };
        if self.color && info_red {
            line.push_str(&info.red().to_string());
        } else {
            line.push_str(&info);
        }
        line.push('\n');
    }
}

impl Table {
    /// A row without colour or width limit (a list written to a file or a pipe),
    /// straight into `out`: the same text as [`Table::line`] gives, without building the
    /// cells first, for lists of millions of rows.
    fn plain_row(&mut self, p: &Packet, info: &str, out: &mut Vec<u8>) {
        let [number, time, src, dst, protocol, length] = WIDTHS;
        out.reserve(112 + info.len());
        push_right_aligned(out, p.number, number);
        out.push(b' ');
        let (text, len) = time_digits(p.rel_ns);
        push_spaces(out, time.saturating_sub(len));
        push_prefix(out, &text, len);
        out.push(b' ');
        for (address, width) in [(&p.src, src), (&p.dst, dst)] {
            let start = out.len();
            push_address_bytes(out, address, &self.names, &mut self.seen);
            push_spaces(out, width.saturating_sub(columns_of(&out[start..])));
            out.push(b' ');
        }
        out.extend_from_slice(p.protocol.as_bytes());
        push_spaces(out, protocol.saturating_sub(columns_of(p.protocol.as_bytes())));
        out.push(b' ');
        push_right_aligned(out, p.orig_len.into(), length);
        out.push(b' ');
        out.extend_from_slice(info.as_bytes());
        out.push(b'\n');
    }
}

/// Appends `n` in decimal, right-aligned in `width` columns.
fn push_right_aligned(out: &mut Vec<u8>, n: u64, width: usize) {
    push_spaces(out, width.saturating_sub(decimal_len(n)));
    push_num_bytes(out, n);
}

/// Appends `n` spaces: a copy of fixed size cut short, which compiles to a few moves
/// (a column's padding, several times in every row of a long list).
fn push_spaces(out: &mut Vec<u8>, n: usize) {
    const SPACES: [u8; 32] = [b' '; 32];
    if n <= SPACES.len() {
        push_prefix(out, &SPACES, n);
    } else {
        out.resize(out.len() + n, b' ');
    }
}

/// Columns UTF-8 text takes: one per character ([`width_of`] for bytes).
fn columns_of(text: &[u8]) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.iter().filter(|&&b| b & 0xc0 != 0x80).count()
    }
}

/// Appends `text` right-aligned in `width` columns (as `{:>width$}`).
fn pad_left(out: &mut String, text: &str, width: usize) {
    pad(out, width.saturating_sub(width_of(text)));
    out.push_str(text);
}

/// Appends `text` left-aligned in `width` columns (as `{:<width$}`).
fn pad_right(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    pad(out, width.saturating_sub(width_of(text)));
}

/// Appends `n` spaces.
fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    match SPACES.get(..n) {
        Some(spaces) => out.push_str(spaces),
        None => out.extend(std::iter::repeat_n(' ', n)),
    }
}

/// Columns a cell takes: one per character (cells are ASCII but for a few names).
fn width_of(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
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
const COMPACT: [usize; 6] = [5, 10, 15, 15, 8, 0];
/// Under 72 columns the Time column goes too, so that Info keeps some room.
const NARROW: [usize; 6] = [5, 0, 15, 15, 8, 0];

impl PacketFormat for Table {
    fn header(&mut self, out: &mut Vec<u8>) {
        let mut line = String::new();
        self.line(
            &mut line,
            ["No.", "Time", "Source", "Destination", "Protocol", "Length"],
            "Info",
            None,
            false,
        );
        if self.color {
            out.extend_from_slice(line.trim_end_matches('\n').bold().to_string().as_bytes());
            out.push(b'\n');
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }

    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let info = p.info_text();
        if !self.color && self.width.is_none() {
            return self.plain_row(p, &info, out);
        }
        self.cell_row(p, &info, out);
    }
}

impl Table {
    /// A row built from its cells by [`Table::line`]: with colours, or fitted to a width.
    fn cell_row(&mut self, p: &Packet, info: &str, out: &mut Vec<u8>) {
        let flagged = p.notes.iter().any(|n| n.severity >= Severity::Warning)
            || info.starts_with("[TCP ") && !info.starts_with("[TCP Window Update]");
        let (mut number, mut length) = (itoa::Buffer::new(), itoa::Buffer::new());
        let (number, length) = (number.format(p.number), length.format(p.orig_len));
        let [mut time, mut src, mut dst] = std::mem::take(&mut self.cells);
        let mut row = std::mem::take(&mut self.row);
        time.clear();
        push_time(&mut time, p.rel_ns);
        src.clear();
        push_address(&mut src, &p.src, &self.names);
        dst.clear();
        push_address(&mut dst, &p.dst, &self.names);
        let cells = [number, &time, &src, &dst, p.protocol, length];
        self.line(&mut row, cells, info, protocol_color(p.protocol), flagged);
        out.extend_from_slice(row.as_bytes());
        self.cells = [time, src, dst];
        self.row = row;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::CaptureReader;
    use crate::decode::Decoder;

    fn rows(table: &mut Table) -> String {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/captures/ftp-passive.pcapng")).unwrap();
        let mut reader = CaptureReader::new(std::io::Cursor::new(bytes), "ftp-passive.pcapng").unwrap();
        let mut decoder = Decoder::default();
        let mut out = Vec::new();
        table.header(&mut out);
        while let Some(frame) = reader.next_frame().unwrap() {
            table.packet(&decoder.decode(&frame), &mut out);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_rows_are_the_rows_built_from_cells() {
        let names = MacNames::from_texts("00:50:56\tVMwäre\tVMware, Inc.\n", "");
        let mut table = Table::new(names, false);
        let mut packets = Vec::new();
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/captures/investigation.pcapng")).unwrap();
        let mut reader = CaptureReader::new(std::io::Cursor::new(bytes), "investigation.pcapng").unwrap();
        let mut decoder = Decoder::default();
        while let Some(frame) = reader.next_frame().unwrap() {
            packets.push(decoder.decode(&frame));
        }
        // Cells wider than their columns, a non-ASCII name, empty addresses.
        let mut odd = Packet::blank();
        odd.number = 12_345_678;
        odd.rel_ns = 123_456_789_000_000_000;
        odd.src = crate::decode::Address::Ether([0x00, 0x50, 0x56, 1, 2, 3]);
        odd.protocol = "HTTP/JSON";
        odd.orig_len = 1_234_567;
        odd.info = "naïve → ok".into();
        packets.push(odd);
        for p in &packets {
            let (mut plain, mut from_cells) = (Vec::new(), Vec::new());
            table.plain_row(p, &p.info_text(), &mut plain);
            table.cell_row(p, &p.info_text(), &mut from_cells);
            assert_eq!(
                String::from_utf8(plain).unwrap(),
                String::from_utf8(from_cells).unwrap()
            );
        }
    }

    #[test]
    fn fitted_rows_never_pass_the_width_and_say_where_they_were_cut() {
        for width in [59, 70, 71, 79, 108, 109, 131] {
            let text = rows(&mut Table::fitted(MacNames::none(), false, width));
            assert!(text.lines().all(|l| l.chars().count() <= width), "{width}:\n{text}");
            assert!(text.lines().any(|l| l.ends_with('…')), "{width}");
            let header = text.lines().next().unwrap();
            assert_eq!(header.contains("Length"), width >= 109, "{width}: {header}");
            assert_eq!(header.contains("Time"), width >= 71, "{width}: {header}");
        }
        let full = rows(&mut Table::new(MacNames::none(), false));
        assert!(full.lines().any(|l| l.chars().count() > 132));
        assert!(full.contains("Response: 227 Entering Passive Mode (10,20,30,10,"));
    }
}
