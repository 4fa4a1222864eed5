//! Printing packets. Each output format is one [`PacketFormat`] in its own file; a format
//! writes bytes into a buffer, so it is tested without a terminal or a file.

pub mod annotate;
pub mod detail;
pub mod fields;
pub mod follow;
pub mod hexdump;
pub mod json;
pub mod ladder;
pub mod markup;
pub mod names;
pub mod stats;
pub mod table;
pub mod tsv;

use std::fmt::Write as _;

use crate::decode::text::{short_decimal, DIGIT_PAIRS};
use crate::decode::{Address, FastMap, Packet};
pub use names::MacNames;

/// One way of printing a stream of packets.
pub trait PacketFormat {
    /// Written once before the first packet.
    fn header(&mut self, _out: &mut Vec<u8>) {}
    fn packet(&mut self, packet: &Packet, out: &mut Vec<u8>);
}

/// The Source or Destination column text.
pub fn address_text(address: &Address, names: &MacNames) -> String {
    let mut text = String::with_capacity(17);
    push_address(&mut text, address, names);
    text
}

/// Appends the Source or Destination column text.
pub fn push_address(out: &mut String, address: &Address, names: &MacNames) {
    match address {
        Address::None => {}
        Address::Ether(mac) => names.push_name(out, mac),
        Address::Ipv4(ip) => {
            let (text, len) = ipv4_digits(ip.octets());
            out.push_str(std::str::from_utf8(&text[..len]).expect("ASCII digits"));
        }
        Address::Ipv6(ip) => {
            let _ = write!(out, "{ip}");
        }
    }
}

/// [`push_address`] into bytes: the line formats build whole rows as bytes, without
/// an intermediate string. MAC addresses are named once per `seen` (a lookup in the
/// vendor tables takes a thousand instructions; a list names the same few again and
/// again).
pub fn push_address_bytes(out: &mut Vec<u8>, address: &Address, names: &MacNames, seen: &mut SeenNames) {
    match address {
        Address::Ipv4(ip) => {
            let (text, len) = ipv4_digits(ip.octets());
            push_prefix(out, &text, len);
        }
        Address::Ether(mac) => {
            if let Some(name) = seen.names.get(mac) {
                out.extend_from_slice(name.as_bytes());
                return;
            }
            if seen.names.len() >= SeenNames::MAX {
                seen.names.clear();
            }
            let name = names.name(mac);
            out.extend_from_slice(name.as_bytes());
            seen.names.insert(*mac, name.into_boxed_str());
        }
        _ => {
            seen.scratch.clear();
            push_address(&mut seen.scratch, address, names);
            out.extend_from_slice(seen.scratch.as_bytes());
        }
    }
}

/// The column text of the MAC addresses a list has shown, and room for other addresses'
/// text: kept by a line format from row to row.
#[derive(Default)]
pub struct SeenNames {
    names: FastMap<[u8; 6], Box<str>>,
    scratch: String,
}

impl SeenNames {
    /// Names kept at most: past it they are forgotten and looked up again.
    const MAX: usize = 4096;
}

/// Dotted-quad text in a fixed buffer, from a table of the 256 octets: two addresses
/// are in every row of every packet list.
fn ipv4_digits(octets: [u8; 4]) -> ([u8; 16], usize) {
    let mut text = [0u8; 16];
    let mut len = 0;
    for octet in octets {
        let (digits, n) = OCTETS[usize::from(octet)];
        // Four bytes written, `n` kept: the digits and a dot after them.
        text[len..len + 4].copy_from_slice(&digits);
        len += n;
    }
    (text, len - 1)
}

/// Each octet's decimal digits followed by a dot, and how many of those bytes count.
static OCTETS: [([u8; 4], usize); 256] = {
    let mut table = [([0u8; 4], 0usize); 256];
    let mut i = 0;
    while i < 256 {
        let n = i as u8;
        table[i] = if n >= 100 {
            ([b'0' + n / 100, b'0' + n / 10 % 10, b'0' + n % 10, b'.'], 4)
        } else if n >= 10 {
            ([b'0' + n / 10, b'0' + n % 10, b'.', 0], 3)
        } else {
            ([b'0' + n, b'.', 0, 0], 2)
        };
        i += 1;
    }
    table
};

/// Cuts text to `width` characters, ending in an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// The Time column: seconds since the first frame, six decimals.
pub fn time_text(rel_ns: i64) -> String {
    let mut s = String::with_capacity(16);
    push_time(&mut s, rel_ns);
    s
}

/// Appends [`time_text`].
pub fn push_time(out: &mut String, rel_ns: i64) {
    let (text, len) = time_digits(rel_ns);
    out.push_str(std::str::from_utf8(&text[..len]).expect("ASCII digits"));
}

/// [`push_time`] into bytes.
pub fn push_time_bytes(out: &mut Vec<u8>, rel_ns: i64) {
    let (text, len) = time_digits(rel_ns);
    push_prefix(out, &text, len);
}

/// Appends the first `len` bytes of `text`: the whole array is copied, then the tail
/// cut off. A copy of a known size compiles to a few moves, where a copy of `len`
/// bytes calls `memcpy` (several times a row, millions of rows).
#[inline(always)]
pub fn push_prefix<const N: usize>(out: &mut Vec<u8>, text: &[u8; N], len: usize) {
    debug_assert!(len <= N);
    out.extend_from_slice(text);
    out.truncate(out.len() - (N - len));
}

/// The Time column in a fixed buffer: `-`, up to 10 digits of seconds, `.`, 6 decimals.
pub(super) fn time_digits(rel_ns: i64) -> ([u8; 24], usize) {
    let mut text = [0u8; 24];
    let mut len = 0;
    if rel_ns < 0 {
        text[0] = b'-';
        len = 1;
    }
    // Round to microseconds, as tshark's default time precision.
    let micros = (rel_ns.unsigned_abs() + 500) / 1000;
    // At most 10 digits (i64 nanoseconds), copied as 16 bytes and cut short.
    let (seconds, start) = short_decimal(micros / 1_000_000);
    text[len..len + 16].copy_from_slice(&seconds[start..start + 16]);
    len += 16 - start;
    text[len] = b'.';
    // The six decimals as three pairs of digits.
    let fraction = (micros % 1_000_000) as usize;
    for (i, pair) in [fraction / 10_000, fraction / 100 % 100, fraction % 100]
        .into_iter()
        .enumerate()
    {
        text[len + 1 + 2 * i..len + 3 + 2 * i].copy_from_slice(&DIGIT_PAIRS[2 * pair..2 * pair + 2]);
    }
    (text, len + 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_names_come_from_the_tables_whether_remembered_or_forgotten() {
        let names = MacNames::from_texts("00:50:56\tVMware\tVMware, Inc.\n", "");
        let mut seen = SeenNames::default();
        let vmware = Address::Ether([0x00, 0x50, 0x56, 1, 2, 3]);
        let mut out = Vec::new();
        push_address_bytes(&mut out, &vmware, &names, &mut seen);
        push_address_bytes(&mut out, &vmware, &names, &mut seen);
        // A full memory still answers for what it holds, without forgetting.
        let other = |i: u32| {
            let [a, b, c, d] = i.to_be_bytes();
            Address::Ether([2, 0, a, b, c, d])
        };
        for i in 1..SeenNames::MAX as u32 {
            push_address_bytes(&mut Vec::new(), &other(i), &names, &mut seen);
        }
        push_address_bytes(&mut Vec::new(), &vmware, &names, &mut seen);
        assert_eq!(seen.names.len(), SeenNames::MAX);
        // More addresses than are remembered: the first is forgotten, then named again.
        for i in 0..SeenNames::MAX as u32 + 1 {
            let [a, b, c, d] = i.to_be_bytes();
            push_address_bytes(&mut Vec::new(), &Address::Ether([2, 0, a, b, c, d]), &names, &mut seen);
        }
        assert!(seen.names.len() <= SeenNames::MAX);
        push_address_bytes(&mut out, &vmware, &names, &mut seen);
        assert_eq!(String::from_utf8(out).unwrap(), "VMware_01:02:03".repeat(3));
    }

    #[test]
    fn a_prefix_pushed_is_exactly_the_bytes_that_count() {
        let mut out = b"kept".to_vec();
        push_prefix(&mut out, b"12345678", 3);
        push_prefix(&mut out, b"ab", 2);
        push_prefix(&mut out, b"xyz", 0);
        assert_eq!(out, b"kept123ab");
    }

    #[test]
    fn ipv4_addresses_read_as_std_writes_them() {
        for octets in [
            [0, 9, 10, 99],
            [100, 199, 200, 255],
            [10, 0, 0, 1],
            [255, 255, 255, 255],
        ] {
            let ip = std::net::Ipv4Addr::from(octets);
            assert_eq!(address_text(&Address::Ipv4(ip), &MacNames::none()), ip.to_string());
        }
    }

    #[test]
    fn time_has_six_decimals() {
        assert_eq!(time_text(0), "0.000000");
        assert_eq!(time_text(1_232_535_000), "1.232535");
        assert_eq!(time_text(1_232_535_600), "1.232536");
        assert_eq!(time_text(-1_500), "-0.000002");
        assert_eq!(time_text(i64::MIN), "-9223372036.854776");
        assert_eq!(time_text(i64::MAX), "9223372036.854776");
        let mut bytes = Vec::new();
        push_time_bytes(&mut bytes, 86_400_000_000_123);
        assert_eq!(bytes, b"86400.000000");
    }
}
