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

use crate::decode::text::push_num;
use crate::decode::{Address, Packet};
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

/// Appends the Source or Destination column text (IPv4 without `fmt`: it is in every
/// row of every packet list).
pub fn push_address(out: &mut String, address: &Address, names: &MacNames) {
    match address {
        Address::None => {}
        Address::Ether(mac) => names.push_name(out, mac),
        Address::Ipv4(ip) => {
            // Digit by digit (no formatting machinery, no copy calls): two of these
            // are in every row of every packet list.
            for (i, octet) in ip.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                if octet >= 100 {
                    out.push(char::from(b'0' + octet / 100));
                }
                if octet >= 10 {
                    out.push(char::from(b'0' + octet / 10 % 10));
                }
                out.push(char::from(b'0' + octet % 10));
            }
        }
        Address::Ipv6(ip) => {
            let _ = write!(out, "{ip}");
        }
    }
}

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
    if rel_ns < 0 {
        out.push('-');
    }
    // Round to microseconds, as tshark's default time precision.
    let micros = (rel_ns.unsigned_abs() + 500) / 1000;
    push_num(out, micros / 1_000_000);
    out.push('.');
    let fraction = micros % 1_000_000;
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(fraction);
    for _ in digits.len()..6 {
        out.push('0');
    }
    out.push_str(digits);
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
