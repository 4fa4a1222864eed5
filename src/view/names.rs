//! MAC address names as Wireshark shows them in the Source and Destination columns:
//! well-known addresses ("Broadcast", "IPv6mcast_16") and vendor prefixes
//! ("VMware_c0:00:01"), read from Wireshark's own `manuf` and `wka` files when they are
//! installed, so wirelab names addresses exactly as the tshark on the same machine does.
//! Without those files addresses stay numeric.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::decode::field::format_mac;
use crate::decode::FastMap;

/// Where Debian's wireshark-common puts the files.
pub const DEFAULT_DIR: &str = "/usr/share/wireshark";

/// The names, read from `dir` the first time one is needed: most packet lists show IP
/// addresses only. Clones share the tables (the threads of a capture decoded in shards
/// read them once).
#[derive(Debug, Default, Clone)]
pub struct MacNames {
    dir: Option<PathBuf>,
    tables: Arc<OnceLock<Tables>>,
}

#[derive(Debug, Default)]
struct Tables {
    /// `manuf`: vendor prefixes, about 50,000 lines.
    manuf: Manuf,
    /// `wka`: well-known addresses, a few hundred lines, read whole.
    wka: Names,
}

/// `manuf`, read as little as it can be.
#[derive(Debug)]
enum Manuf {
    /// In address order, as Wireshark ships it: only the lines of a vendor prefix are
    /// read, the first time an address with that prefix is named. Parsing all of
    /// `manuf` (2 MB) would cost more than decoding a capture of tens of thousands of
    /// frames, which name a handful of vendors.
    Sorted {
        text: String,
        /// Each line's 24-bit prefix (high bits) and where the line starts.
        lines: Vec<u64>,
        read: Mutex<FastMap<[u8; 3], Arc<Names>>>,
    },
    /// Read whole: a file not in order, or with prefixes shorter than 24 bits.
    Whole(Names),
}

impl Default for Manuf {
    fn default() -> Self {
        Manuf::Whole(Names::default())
    }
}

/// One file's names (or part of one).
#[derive(Debug, Default)]
struct Names {
    /// Every name, one after the other: the maps hold spans into it, so loading a
    /// file makes no allocation per name.
    names: String,
    /// Exact 48-bit addresses.
    exact: FastMap<[u8; 6], Span>,
    /// Masked prefixes, grouped by mask length (longest first): one lookup per length
    /// instead of a scan of thousands of prefixes.
    masked: Vec<(u8, FastMap<[u8; 6], Span>)>,
    /// 24-bit vendor prefixes.
    vendors: FastMap<[u8; 3], Span>,
}

/// Where a name lies in [`Names::names`].
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

    /// Names from the two files' text.
    #[cfg(test)]
    pub(crate) fn from_texts(manuf: &str, wka: &str) -> Self {
        let tables = Tables {
            manuf: Manuf::new(manuf.to_string()),
            wka: Names::from_text(wka),
        };
        MacNames {
            dir: None,
            tables: Arc::new(OnceLock::from(tables)),
        }
    }

    /// Reads the tables now if they are not read yet (a thread with time to spare does
    /// it before the threads that print need them).
    pub fn warm(&self) {
        self.tables();
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let read = |file: &str| {
                self.dir
                    .as_ref()
                    .and_then(|dir| std::fs::read_to_string(dir.join(file)).ok())
                    .unwrap_or_default()
            };
            Tables {
                manuf: Manuf::new(read("manuf")),
                wka: Names::from_text(&read("wka")),
            }
        })
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
    /// Wireshark's order: an exact address, then masked prefixes from the longest, then
    /// the 24-bit vendor. Where both files name the same address or vendor, `wka` (read
    /// last) wins; for the same masked prefix, `manuf`'s line (read first) wins.
    fn push_name(&self, out: &mut String, mac: &[u8; 6]) {
        let prefix = self.manuf.prefix([mac[0], mac[1], mac[2]]);
        let manuf: &Names = &prefix;
        let wka = &self.wka;
        if let Some(name) = wka.exact(mac).or_else(|| manuf.exact(mac)) {
            out.push_str(name);
            return;
        }
        let (mut ours, mut theirs) = (manuf.masked.iter().peekable(), wka.masked.iter().peekable());
        while let Some(bits) = match (ours.peek(), theirs.peek()) {
            (Some(a), Some(b)) => Some(a.0.max(b.0)),
            (Some(a), None) => Some(a.0),
            (None, Some(b)) => Some(b.0),
            (None, None) => None,
        } {
            let key = mask(mac, bits);
            let found_in_manuf = masked_name(&mut ours, manuf, bits, &key);
            let found_in_wka = masked_name(&mut theirs, wka, bits, &key);
            if let Some(name) = found_in_manuf.or(found_in_wka) {
                out.push_str(name);
                out.push('_');
                // The bytes after the mask, leading zero bytes dropped (as Wireshark).
                let tail: Vec<u8> = mac[usize::from(bits) / 8..]
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
        let vendor = [mac[0], mac[1], mac[2]];
        if let Some(name) = wka.vendor(&vendor).or_else(|| manuf.vendor(&vendor)) {
            out.push_str(name);
            out.push('_');
            push_hex_bytes(out, &mac[3..]);
            return;
        }
        out.push_str(&format_mac(mac));
    }
}

/// The name `key` has among a file's prefixes of `bits` bits, moving `groups` past them.
fn masked_name<'n>(groups: &mut MaskGroups<'n>, names: &'n Names, bits: u8, key: &[u8; 6]) -> Option<&'n str> {
    let (_, group) = groups.next_if(|(b, _)| *b == bits)?;
    group.get(key).map(|span| names.text(*span))
}

type MaskGroups<'n> = std::iter::Peekable<std::slice::Iter<'n, (u8, FastMap<[u8; 6], Span>)>>;

/// `manuf`'s names for one vendor prefix: borrowed when the file was read whole.
enum Prefix<'a> {
    Whole(&'a Names),
    Read(Arc<Names>),
}

impl std::ops::Deref for Prefix<'_> {
    type Target = Names;
    fn deref(&self) -> &Names {
        match self {
            Prefix::Whole(names) => names,
            Prefix::Read(names) => names,
        }
    }
}

impl Manuf {
    fn new(text: String) -> Self {
        match index_sorted(&text) {
            Some(lines) => Manuf::Sorted {
                text,
                lines,
                read: Mutex::default(),
            },
            None => Manuf::Whole(Names::from_text(&text)),
        }
    }

    /// The names of addresses starting with `prefix`.
    fn prefix(&self, prefix: [u8; 3]) -> Prefix<'_> {
        let (text, lines, read) = match self {
            Manuf::Whole(names) => return Prefix::Whole(names),
            Manuf::Sorted { text, lines, read } => (text, lines, read),
        };
        // A poisoned lock only means another thread panicked while reading a prefix:
        // what the map holds is whole either way.
        let mut read = read.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let names = read.entry(prefix).or_insert_with(|| {
            let key = u64::from(u32::from_be_bytes([0, prefix[0], prefix[1], prefix[2]])) << 32;
            let first = lines.partition_point(|&line| line < key);
            let mut names = Names::default();
            for &line in lines[first..].iter().take_while(|&&line| line >> 32 == key >> 32) {
                let start = (line & u64::from(u32::MAX)) as usize;
                let end = memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |n| start + n);
                names.add_line(&text[start..end]);
            }
            names.sort_masks();
            Arc::new(names)
        });
        Prefix::Read(Arc::clone(names))
    }
}

/// Each line's 24-bit prefix and offset, if the lines are in prefix order and all
/// prefixes are 24 bits or longer (so an address's names all lie among the lines of
/// its first three bytes); `None` otherwise, or for a file past 4 GB.
fn index_sorted(text: &str) -> Option<Vec<u64>> {
    u32::try_from(text.len()).ok()?;
    let mut lines = Vec::with_capacity(text.len() / 40);
    let mut start = 0;
    // Line ends found with SIMD: the long names that make up most of the file are
    // skipped, not read.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|newline| newline + 1);
    for end in ends.chain(std::iter::once(text.len())) {
        let (at, line) = (start, &text[start..end]);
        start = end;
        let prefix = match line_prefix(line.as_bytes()) {
            Prefix24::Of(prefix) => prefix,
            Prefix24::NoAddress => continue,
            Prefix24::Other => {
                // A line in another form: read the file whole unless it is unnamed.
                if parse_line(line).is_some() {
                    return None;
                }
                continue;
            }
        };
        let entry = u64::from(prefix) << 32 | at as u64;
        if lines.last().is_some_and(|&last| last > entry) {
            return None;
        }
        lines.push(entry);
    }
    Some(lines)
}

enum Prefix24 {
    /// `XX:XX:XX` (or with `-`), any longer address and a mask of 24 bits or more.
    Of(u32),
    /// A comment or a blank line.
    NoAddress,
    /// Anything else.
    Other,
}

/// The first three bytes of a line's address, read only as far as needed: this runs
/// over every line of `manuf` (the names are read for the prefixes shown).
fn line_prefix(line: &[u8]) -> Prefix24 {
    match line.first() {
        None | Some(b'#') => return Prefix24::NoAddress,
        Some(b) if b.is_ascii_whitespace() => {
            let rest = line.trim_ascii_start();
            return if rest.is_empty() || rest[0] == b'#' {
                Prefix24::NoAddress
            } else {
                Prefix24::Other
            };
        }
        _ => {}
    }
    let Some(head) = line.get(..8) else {
        return Prefix24::Other;
    };
    let separator = head[2];
    if !matches!(separator, b':' | b'-') || head[5] != separator {
        return Prefix24::Other;
    }
    let byte = |hi: u8, lo: u8| Some(hex_value(hi)? << 4 | hex_value(lo)?);
    let (Some(a), Some(b), Some(c)) = (byte(head[0], head[1]), byte(head[3], head[4]), byte(head[6], head[7])) else {
        return Prefix24::Other;
    };
    let address_end = line
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'#')
        .unwrap_or(line.len());
    let address = &line[8..address_end];
    if let Some(slash) = address.iter().position(|b| *b == b'/') {
        let bits = std::str::from_utf8(&address[slash + 1..])
            .ok()
            .and_then(|bits| bits.parse::<u8>().ok());
        if bits.is_none_or(|bits| bits < 24) {
            return Prefix24::Other;
        }
    }
    Prefix24::Of(u32::from_be_bytes([0, a, b, c]))
}

impl Names {
    fn from_text(text: &str) -> Self {
        let mut names = Names::default();
        // About one vendor per 64 bytes of `manuf`: no rehashing while loading it.
        names.vendors.reserve(text.len() / 64);
        names.names.reserve(text.len() / 4);
        for line in text.lines() {
            names.add_line(line);
        }
        names.sort_masks();
        names
    }

    /// Adds a line of `ADDR[/BITS] <tab> NAME [...]`.
    fn add_line(&mut self, line: &str) {
        let Some((bytes, n, bits, name)) = parse_line(line) else {
            return;
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

    fn sort_masks(&mut self) {
        self.masked.sort_by_key(|(bits, _)| std::cmp::Reverse(*bits));
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

    fn exact(&self, mac: &[u8; 6]) -> Option<&str> {
        self.exact.get(mac).map(|span| self.text(*span))
    }

    fn vendor(&self, prefix: &[u8; 3]) -> Option<&str> {
        self.vendors.get(prefix).map(|span| self.text(*span))
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
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
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
        MacNames::from_texts(
            "00:50:56\tVMware\tVMware, Inc.\n",
            "FF-FF-FF-FF-FF-FF\tBroadcast\n33-33-00-00-00-00/16\tIPv6mcast\n01-00-5E/25\t\tIPv4mcast\n01-00-5E/25\tIPv4mcast\n",
        )
    }

    /// The names `manuf` read by prefix and read whole give, for `macs`; panics unless
    /// the file could be read by prefix.
    fn by_prefix_and_whole(manuf: &str, wka: &str, macs: &[[u8; 6]]) -> (Vec<String>, Vec<String>) {
        let by_prefix = Tables {
            manuf: Manuf::new(manuf.to_string()),
            wka: Names::from_text(wka),
        };
        assert!(matches!(by_prefix.manuf, Manuf::Sorted { .. }), "manuf is in order");
        let whole = Tables {
            manuf: Manuf::Whole(Names::from_text(manuf)),
            wka: Names::from_text(wka),
        };
        let name = |tables: &Tables, mac: &[u8; 6]| {
            let mut text = String::new();
            tables.push_name(&mut text, mac);
            text
        };
        (
            macs.iter().map(|mac| name(&by_prefix, mac)).collect(),
            macs.iter().map(|mac| name(&whole, mac)).collect(),
        )
    }

    /// Addresses around each named line's: its own, and others sharing 3, 4 and 5 bytes
    /// (each also with a bit of the last byte flipped).
    fn around(text: &str) -> Vec<[u8; 6]> {
        let mut macs = Vec::new();
        for line in text.lines() {
            if let Some((bytes, _, _, _)) = parse_line(line) {
                for (keep, fill) in [(6, 0), (3, 0xff), (4, 0x00), (5, 0x5a)] {
                    let mut mac = bytes;
                    mac[keep..].fill(fill);
                    macs.push(mac);
                    mac[5] ^= 0x10;
                    macs.push(mac);
                }
            }
        }
        macs
    }

    #[test]
    fn manuf_read_by_prefix_names_as_manuf_read_whole() {
        // Later lines win for exact addresses and vendors, the first for masked
        // prefixes; wka overrides manuf except for masked prefixes.
        let manuf = "# comment\r\n\r\n00:00:0C\tCisco\tlong name # note\r\n00:00:0C\tCiscoAgain\n\
                     00:1B:C5:00:00:00/36\tFirst\n00:1B:C5:00:00:00/36\tSecond\n00:1B:C5:00:10:00/36\tThird\n\
                     00:1B:C5\tIeee\n00:1B:C5:00:00:00/28\tWider\n00:50:56:00:00:01\tExactOne\n\
                     00:50:56\tVMware\n01:80:C2:00:00:30/44\tCcm\nAC:DE:48\tPrivate\n";
        let wka = "00:50:56:00:00:01\tWkaExact\nAC:DE:48\tWkaVendor\n00:1B:C5:00:00:00/36\tWkaMasked\n\
                   01-80-C2-00-00-30/45\tWkaLonger\n33-33-00-00-00-00/16\tIPv6mcast\nFF-FF-FF-FF-FF-FF\tBroadcast\n";
        let mut macs = around(manuf);
        macs.extend(around(wka));
        macs.push([0x00, 0x1b, 0xc5, 0x00, 0x5a, 0x5a]); // under /28, not /36
        let (by_prefix, whole) = by_prefix_and_whole(manuf, wka, &macs);
        assert_eq!(by_prefix, whole);
        for want in [
            "CiscoAgain_00:00:00",
            "First_00",
            "Third_10:00",
            "Wider_5a:5a",
            "WkaExact",
            "WkaVendor_00:00:00",
            "WkaLonger_30",
        ] {
            assert!(whole.contains(&want.to_string()), "{want} in {whole:?}");
        }
        assert!(!whole
            .iter()
            .any(|name| name.starts_with("Second") || name.starts_with("Private")));
    }

    #[test]
    fn manuf_out_of_order_or_with_short_prefixes_is_read_whole() {
        for (manuf, want) in [
            ("00:50:56\tVMware\n00:00:0C\tCisco\n", "VMware_01:02:03"),
            (
                "00:00:0C\tCisco\n33-33-00-00-00-00/16\tIPv6mcast\n",
                "00:50:56:01:02:03",
            ),
        ] {
            let names = MacNames::from_texts(manuf, "");
            assert!(matches!(names.tables().manuf, Manuf::Whole(_)), "{manuf}");
            assert_eq!(names.name(&[0, 0x50, 0x56, 1, 2, 3]), want);
            assert_eq!(names.name(&[0, 0, 0x0c, 1, 2, 3]), "Cisco_01:02:03");
        }
    }

    #[test]
    fn the_installed_manuf_read_by_prefix_names_as_read_whole() {
        let dir = Path::new(DEFAULT_DIR);
        let (Ok(manuf), Ok(wka)) = (
            std::fs::read_to_string(dir.join("manuf")),
            std::fs::read_to_string(dir.join("wka")),
        ) else {
            return; // no Wireshark here: the synthetic files above cover the rules
        };
        let mut macs = around(&manuf);
        macs.extend(around(&wka));
        let (by_prefix, whole) = by_prefix_and_whole(&manuf, &wka, &macs);
        for ((mac, got), want) in macs.iter().zip(&by_prefix).zip(&whole) {
            assert_eq!(got, want, "{mac:02x?}");
        }
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
