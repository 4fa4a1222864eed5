//! MAC address names as Wireshark shows them in the Source and Destination columns:
//! well-known addresses ("Broadcast", "IPv6mcast_16") and vendor prefixes
//! ("VMware_c0:00:01"), read from Wireshark's own `manuf` and `wka` files when they are
//! installed, so wirelab names addresses exactly as the tshark on the same machine does.
//! Without those files addresses stay numeric.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::decode::field::format_mac;
use crate::decode::FastMap;

/// Where Debian's wireshark-common puts the files.
pub const DEFAULT_DIR: &str = "/usr/share/wireshark";

/// The names, read from `dir` the first time one is needed: parsing Wireshark's tables
/// costs more than decoding a small capture, and most packet lists show IP addresses.
/// Clones share the tables (the threads of a capture decoded in shards read them once).
#[derive(Debug, Default, Clone)]
pub struct MacNames {
    dir: Option<PathBuf>,
    tables: Arc<OnceLock<Tables>>,
}

#[derive(Debug, Default)]
struct Tables {
    /// Every name, one after the other: the maps hold spans into it, so loading the
    /// tables (about 50,000 lines) makes no allocation per name.
    names: String,
    /// Exact 48-bit addresses.
    exact: FastMap<[u8; 6], Span>,
    /// Masked prefixes, grouped by mask length (longest first): one lookup per length
    /// instead of a scan of thousands of prefixes.
    masked: Vec<(u8, FastMap<[u8; 6], Span>)>,
    /// 24-bit vendor prefixes.
    vendors: FastMap<[u8; 3], Span>,
}

/// Where a name lies in [`Tables::names`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}
impl MacNames {
    /// No names: every address prints as hex.
    pub fn none() -> Self {
        MacNames::default()
    }

    /// Names from `manuf` and `wka` in `dir` (read when first needed); missing or
    /// unreadable files give no names.
    pub fn load(dir: &Path) -> Self {
        MacNames {
            dir: Some(dir.to_path_buf()),
            tables: Arc::default(),
        }
    }

    /// Reads the tables now if they are not read yet (a thread with time to spare does
    /// it before the threads that print need them).
    pub fn warm(&self) {
        self.tables();
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let mut tables = Tables::default();
            for file in ["manuf", "wka"] {
                if let Some(text) = self
                    .dir
                    .as_ref()
                    .and_then(|d| std::fs::read_to_string(d.join(file)).ok())
                {
                    tables.add_lines(&text);
                }
            }
            tables.masked.sort_by_key(|(bits, _)| std::cmp::Reverse(*bits));
            tables
        })
    }

    /// Adds names in the files' format (`ADDR[/BITS] <tab> NAME`).
    #[cfg(test)]
    fn add_lines(&mut self, text: &str) {
        self.tables();
        let tables = Arc::get_mut(&mut self.tables)
            .and_then(OnceLock::get_mut)
            .expect("initialised above, not shared");
        tables.add_lines(text);
        tables.masked.sort_by_key(|(bits, _)| std::cmp::Reverse(*bits));
    }

    /// The column text for an address.
    pub fn name(&self, mac: &[u8; 6]) -> String {
        let mut text = String::new();
        self.push_name(&mut text, mac);
        text
    }

    /// Appends the column text for an address.
    pub fn push_name(&self, out: &mut String, mac: &[u8; 6]) {
        self.tables().push_name(out, mac);
    }
}

impl Tables {
    /// Parses lines of `ADDR[/BITS] <tab> NAME [...]`, byte by byte: this runs over
    /// Wireshark's 2 MB `manuf` the first time a MAC address is shown.
    fn add_lines(&mut self, text: &str) {
        // About one vendor per 64 bytes of `manuf`: no rehashing while loading it.
        self.vendors.reserve(text.len() / 64);
        self.names.reserve(text.len() / 4);
        for line in text.lines() {
            let Some((bytes, n, bits, name)) = parse_line(line) else {
                continue;
            };
            match (n, bits) {
                (3, None) => {
                    let span = self.span(name);
                    self.vendors.insert([bytes[0], bytes[1], bytes[2]], span);
                }
                (6, None) | (6, Some(48)) => {
                    let span = self.span(name);
                    self.exact.insert(bytes, span);
                }
                (n, Some(bits)) if (1..48).contains(&bits) && (1..=6).contains(&n) => {
                    let key = mask(&bytes, bits);
                    let i = match self.masked.iter().position(|(b, _)| *b == bits) {
                        Some(i) => i,
                        None => {
                            self.masked.push((bits, FastMap::default()));
                            self.masked.len() - 1
                        }
                    };
                    // The first line for a prefix wins (as in Wireshark).
                    if !self.masked[i].1.contains_key(&key) {
                        let span = self.span(name);
                        self.masked[i].1.insert(key, span);
                    }
                }
                _ => {}
            }
        }
    }

    fn span(&mut self, name: &str) -> Span {
        let start = self.names.len() as u32;
        self.names.push_str(name);
        Span {
            start,
            len: name.len() as u32,
        }
    }

    fn text(&self, span: Span) -> &str {
        let start = span.start as usize;
        &self.names[start..start + span.len as usize]
    }

    fn push_name(&self, out: &mut String, mac: &[u8; 6]) {
        if let Some(span) = self.exact.get(mac) {
            out.push_str(self.text(*span));
            return;
        }
        for (bits, group) in &self.masked {
            if let Some(span) = group.get(&mask(mac, *bits)) {
                out.push_str(self.text(*span));
                out.push('_');
                // The bytes after the mask, leading zero bytes dropped (as Wireshark).
                let tail: Vec<u8> = mac[usize::from(*bits) / 8..]
                    .iter()
                    .copied()
                    .skip_while(|b| *b == 0)
                    .collect();
                if tail.is_empty() {
                    out.push_str("00");
                }
                push_hex_bytes(out, &tail);
                return;
            }
        }
        if let Some(span) = self.vendors.get(&[mac[0], mac[1], mac[2]]) {
            out.push_str(self.text(*span));
            out.push('_');
            push_hex_bytes(out, &mac[3..]);
            return;
        }
        out.push_str(&format_mac(mac));
    }
}

/// One line's address bytes (and how many there are), mask length and name; `None`
/// for comments, blank lines and lines without a name.
fn parse_line(line: &str) -> Option<([u8; 6], usize, Option<u8>, &str)> {
    // Every cut is at an ASCII byte, so each piece is still a str. Only the address and
    // the short name are read: the long name after them (most of `manuf`) is skipped.
    let bytes = line.as_bytes();
    let ends_field = |b: &u8| b.is_ascii_whitespace() || *b == b'#';
    let addr_end = bytes.iter().position(ends_field)?;
    let name_start = addr_end + bytes[addr_end..].iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[name_start] == b'#' {
        return None;
    }
    let name_end = name_start
        + bytes[name_start..]
            .iter()
            .position(ends_field)
            .unwrap_or(bytes.len() - name_start);
    let name = &line[name_start..name_end];
    let addr = &bytes[..addr_end];
    let (addr, bits) = match addr.iter().position(|b| *b == b'/') {
        Some(slash) => (&addr[..slash], line[slash + 1..addr_end].parse::<u8>().ok()),
        None => (addr, None),
    };
    let mut bytes = [0u8; 6];
    let mut n = 0;
    for hex in addr.split(|b| matches!(b, b':' | b'-' | b'.')) {
        let byte = match hex {
            [hi, lo] => hex_value(*hi).zip(hex_value(*lo)).map(|(h, l)| h << 4 | l),
            [lo] => hex_value(*lo),
            _ => None,
        };
        if let (Some(byte), Some(slot)) = (byte, bytes.get_mut(n)) {
            *slot = byte;
            n += 1;
        }
    }
    Some((bytes, n, bits, name))
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|d| d as u8)
}

/// `aa:bb:cc` for the bytes given.
fn push_hex_bytes(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
}

fn mask(mac: &[u8; 6], bits: u8) -> [u8; 6] {
    let value = u64::from_be_bytes([0, 0, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]]);
    let keep = if bits >= 48 {
        u64::MAX
    } else {
        !((1u64 << (48 - bits)) - 1)
    };
    let masked = (value & keep).to_be_bytes();
    masked[2..].try_into().expect("six bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> MacNames {
        let mut n = MacNames::default();
        n.add_lines("00:50:56\tVMware\tVMware, Inc.\nFF-FF-FF-FF-FF-FF\tBroadcast\n33-33-00-00-00-00/16\tIPv6mcast\n01-00-5E/25\t\tIPv4mcast\n");
        n.add_lines("01-00-5E/25\tIPv4mcast\n");
        n
    }

    #[test]
    fn names_follow_wireshark() {
        let n = names();
        assert_eq!(n.name(&[0xff; 6]), "Broadcast");
        assert_eq!(n.name(&[0x00, 0x50, 0x56, 0xc0, 0x00, 0x01]), "VMware_c0:00:01");
        assert_eq!(n.name(&[0x33, 0x33, 0, 0, 0, 0x16]), "IPv6mcast_16");
        assert_eq!(n.name(&[0x33, 0x33, 0xff, 0x10, 0xe8, 0x3f]), "IPv6mcast_ff:10:e8:3f");
        assert_eq!(n.name(&[0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]), "IPv4mcast_fb");
        assert_eq!(n.name(&[0xae, 0x7c, 0x88, 0x23, 0x51, 0xcf]), "ae:7c:88:23:51:cf");
        assert_eq!(MacNames::none().name(&[0xff; 6]), "ff:ff:ff:ff:ff:ff");
    }

    #[test]
    fn lines_are_read_like_wireshark_reads_them() {
        assert_eq!(parse_line("# a comment"), None);
        assert_eq!(parse_line(""), None);
        assert_eq!(parse_line("00:00:0C"), None, "no name");
        assert_eq!(
            parse_line("00:00:0C\tCisco\tCisco Systems, Inc # note"),
            Some(([0, 0, 0x0c, 0, 0, 0], 3, None, "Cisco"))
        );
        assert_eq!(
            parse_line("01-80-C2-00-00-30/44  Ieee802.1agCCM   # a range"),
            Some(([1, 0x80, 0xc2, 0, 0, 0x30], 6, Some(44), "Ieee802.1agCCM"))
        );
        // Names need not be ASCII; cuts fall on ASCII bytes only.
        assert_eq!(
            parse_line("00:50:C2\tHüttinger\tx").map(|(_, _, _, name)| name),
            Some("Hüttinger")
        );
        assert_eq!(parse_line("zz:00:0C\tOdd").map(|(_, n, _, _)| n), Some(2));
    }
}
