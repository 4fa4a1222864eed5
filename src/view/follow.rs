//! Following a stream (`wirelab follow`): a conversation's bytes, turn by turn, in
//! tshark's `-z follow` layout (ascii, hex or raw). The first endpoint seen is node 0
//! (the client, when the capture holds the handshake); node 1's turns are indented
//! with a tab, and coloured blue on a terminal (node 0 red), as Wireshark colours them.

use std::fmt::Write as _;

use colored::Colorize;

use crate::decode::{Field, Packet, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Ascii,
    Hex,
    Raw,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Ascii => "ascii",
            Mode::Hex => "hex",
            Mode::Raw => "raw",
        }
    }
}

/// `address:port` of a packet's source (`which` 0) or destination (1), IPv6 in brackets.
pub fn endpoint(p: &Packet, port: Field, which: usize) -> String {
    let address = match which {
        0 => &p.src,
        _ => &p.dst,
    };
    let port = p.values(port).nth(which).and_then(|v| match v {
        Value::U(n) => Some(*n),
        _ => None,
    });
    let address = super::address_text(address, &super::MacNames::none());
    match (address.contains(':'), port) {
        (true, Some(port)) => format!("[{address}]:{port}"),
        (false, Some(port)) => format!("{address}:{port}"),
        (_, None) => address,
    }
}

/// Writes one stream's header, turns and footer; state is only the offsets per node.
pub struct Follow {
    mode: Mode,
    color: bool,
    offsets: [u64; 2],
    /// Node 0's `address:port`, once the first packet is seen.
    node0: Option<String>,
}

impl Follow {
    pub fn new(mode: Mode, color: bool) -> Self {
        Follow {
            mode,
            color,
            offsets: [0, 0],
            node0: None,
        }
    }

    /// A packet of the followed stream: the header before the first one, then the bytes
    /// it carried as a turn of whichever node sent them. `port` is tcp.port or udp.port.
    pub fn packet(&mut self, transport: &str, stream: u64, p: &Packet, port: Field, bytes: &[u8], out: &mut Vec<u8>) {
        let src = endpoint(p, port, 0);
        if self.node0.is_none() {
            self.header(transport, stream, [&src, &endpoint(p, port, 1)], out);
            self.node0 = Some(src.clone());
        }
        let node = usize::from(self.node0.as_deref() != Some(src.as_str()));
        self.turn(node, bytes, out);
    }

    /// Has a packet of the stream been seen?
    pub fn started(&self) -> bool {
        self.node0.is_some()
    }

    /// `transport` is "tcp" or "udp"; nodes are `address:port` texts.
    pub fn header(&self, transport: &str, stream: u64, nodes: [&str; 2], out: &mut Vec<u8>) {
        let mut text = String::new();
        let _ = writeln!(text, "\n{}", "=".repeat(67));
        let _ = writeln!(text, "Follow: {transport},{}", self.mode.name());
        let _ = writeln!(text, "Filter: {transport}.stream eq {stream}");
        let _ = writeln!(text, "Node 0: {}", nodes[0]);
        let _ = writeln!(text, "Node 1: {}", nodes[1]);
        out.extend_from_slice(text.as_bytes());
    }

    /// One turn: the bytes one node sent in one segment or datagram.
    pub fn turn(&mut self, node: usize, bytes: &[u8], out: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let indent = if node == 1 { "\t" } else { "" };
        let mut text = String::new();
        match self.mode {
            Mode::Ascii => {
                let _ = writeln!(text, "{indent}{}", bytes.len());
                text.push_str(&printable(bytes));
                text.push('\n');
            }
            Mode::Hex => {
                for (i, chunk) in bytes.chunks(16).enumerate() {
                    let _ = writeln!(
                        text,
                        "{indent}{:08X}  {}",
                        self.offsets[node] + i as u64 * 16,
                        hex_line(chunk)
                    );
                }
            }
            Mode::Raw => {
                text.push_str(indent);
                for b in bytes {
                    let _ = write!(text, "{b:02x}");
                }
                text.push('\n');
            }
        }
        self.offsets[node] += bytes.len() as u64;
        let text = match (self.color, node) {
            (false, _) => text,
            (true, 0) => text.red().to_string(),
            (true, _) => text.blue().to_string(),
        };
        out.extend_from_slice(text.as_bytes());
    }

    pub fn footer(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("{}\n", "=".repeat(67)).as_bytes());
    }
}

/// Printable ASCII and newlines as they are, a CR only before its LF; every other byte
/// (a tab too, as tshark shows it) as `.`: a terminal never receives raw control bytes.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| match b {
            b'\n' => '\n',
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => '\r',
            0x20..=0x7e => b as char,
            _ => '.',
        })
        .collect()
}

/// `32 32 30 20 57 65 6c 63  6f 6d 65 20 74 6f 20 74  220 Welc ome to t`
fn hex_line(chunk: &[u8]) -> String {
    let mut hex = String::new();
    let mut ascii = String::new();
    for i in 0..16 {
        if i == 8 {
            hex.push(' ');
            // The text column has the gap only when the line goes on past it.
            if chunk.len() > 8 {
                ascii.push(' ');
            }
        }
        match chunk.get(i) {
            Some(&b) => {
                let _ = write!(hex, "{b:02x} ");
                ascii.push(if (0x20..=0x7e).contains(&b) { b as char } else { '.' });
            }
            None => hex.push_str("   "),
        }
    }
    // tshark drops one space at the end of the text column (a byte 0x20 there), and
    // keeps the others.
    if ascii.ends_with(' ') {
        ascii.pop();
    }
    format!("{hex} {ascii}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(mode: Mode, turns: &[(usize, &[u8])]) -> String {
        let mut follow = Follow::new(mode, false);
        let mut out = Vec::new();
        follow.header("tcp", 0, ["10.0.0.1:50000", "10.0.0.2:21"], &mut out);
        for (node, bytes) in turns {
            follow.turn(*node, bytes, &mut out);
        }
        follow.footer(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ascii_turns_with_lengths_and_node_1_indented() {
        let text = render(Mode::Ascii, &[(1, b"220 Hi\r\n"), (0, b"USER x\r\n\x1b[2J")]);
        assert!(
            text.contains("Node 1: 10.0.0.2:21\n\t8\n220 Hi\r\n\n12\nUSER x\r\n.[2J\n"),
            "{text:?}"
        );
        assert!(text.ends_with(&format!("{}\n", "=".repeat(67))));
    }

    #[test]
    fn hex_offsets_count_per_node() {
        let text = render(Mode::Hex, &[(1, b"220 Welcome to t"), (0, b"USER"), (1, b"331")]);
        assert!(
            text.contains("\t00000000  32 32 30 20 57 65 6c 63  6f 6d 65 20 74 6f 20 74  220 Welc ome to t\n"),
            "{text}"
        );
        assert!(text.contains("\n00000000  55 53 45 52"), "{text}");
        assert!(text.contains("\t00000010  33 33 31 "), "{text}");
    }

    #[test]
    fn raw_is_hex_per_turn() {
        let text = render(Mode::Raw, &[(0, b"\x00\xff")]);
        assert!(text.contains("\n00ff\n"), "{text}");
    }
}
