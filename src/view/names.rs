//! MAC address names as Wireshark shows them in the Source and Destination columns:
//! well-known addresses ("Broadcast", "IPv6mcast_16") and vendor prefixes
//! ("VMware_c0:00:01"), read from Wireshark's own `manuf` and `wka` files when they are
//! installed, so wirelab names addresses exactly as the tshark on the same machine does.
//! Without those files addresses stay numeric.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::decode::field::format_mac;

/// Where Debian's wireshark-common puts the files.
pub const DEFAULT_DIR: &str = "/usr/share/wireshark";

/// The names, read from `dir` the first time one is needed: parsing Wireshark's tables
/// costs more than decoding a small capture, and most packet lists show IP addresses.
#[derive(Debug, Default)]
pub struct MacNames {
    dir: Option<PathBuf>,
    tables: OnceLock<Tables>,
}

#[derive(Debug, Default)]
struct Tables {
    /// Exact 48-bit addresses.
    exact: HashMap<[u8; 6], String>,
    /// Masked prefixes, grouped by mask length (longest first): one lookup per length
    /// instead of a scan of thousands of prefixes.
    masked: Vec<(u8, HashMap<[u8; 6], String>)>,
    /// 24-bit vendor prefixes.
    vendors: HashMap<[u8; 3], String>,
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
            tables: OnceLock::new(),
        }
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
    pub fn add_lines(&mut self, text: &str) {
        self.tables();
        let tables = self.tables.get_mut().expect("initialised above");
        tables.add_lines(text);
        tables.masked.sort_by_key(|(bits, _)| std::cmp::Reverse(*bits));
    }

    /// The column text for an address.
    pub fn name(&self, mac: &[u8; 6]) -> String {
        self.tables().name(mac)
    }
}

impl Tables {
    /// Parses lines of `ADDR[/BITS] <tab> NAME [...]`.
    fn add_lines(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut parts = line.split_whitespace();
            let (Some(addr), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            let (addr, bits) = match addr.split_once('/') {
                Some((a, b)) => (a, b.parse::<u8>().ok()),
                None => (addr, None),
            };
            let bytes: Vec<u8> = addr
                .split([':', '-', '.'])
                .filter_map(|h| u8::from_str_radix(h, 16).ok())
                .collect();
            match (bytes.len(), bits) {
                (3, None) => {
                    self.vendors.insert([bytes[0], bytes[1], bytes[2]], name.to_string());
                }
                (6, None) | (6, Some(48)) => {
                    let mac: [u8; 6] = bytes[..6].try_into().expect("six bytes");
                    self.exact.insert(mac, name.to_string());
                }
                (n, Some(bits)) if (1..48).contains(&bits) && (1..=6).contains(&n) => {
                    let mut mac = [0u8; 6];
                    mac[..n].copy_from_slice(&bytes[..n]);
                    let group = match self.masked.iter().position(|(b, _)| *b == bits) {
                        Some(i) => &mut self.masked[i].1,
                        None => {
                            self.masked.push((bits, HashMap::new()));
                            &mut self.masked.last_mut().expect("just pushed").1
                        }
                    };
                    group.entry(mask(&mac, bits)).or_insert_with(|| name.to_string());
                }
                _ => {}
            }
        }
    }

    fn name(&self, mac: &[u8; 6]) -> String {
        if let Some(name) = self.exact.get(mac) {
            return name.clone();
        }
        for (bits, group) in &self.masked {
            if let Some(name) = group.get(&mask(mac, *bits)) {
                // The bytes after the mask, leading zero bytes dropped (as Wireshark).
                let tail: Vec<String> = mac[usize::from(*bits) / 8..]
                    .iter()
                    .skip_while(|b| **b == 0)
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let tail = if tail.is_empty() {
                    "00".to_string()
                } else {
                    tail.join(":")
                };
                return format!("{name}_{tail}");
            }
        }
        if let Some(vendor) = self.vendors.get(&[mac[0], mac[1], mac[2]]) {
            return format!("{vendor}_{:02x}:{:02x}:{:02x}", mac[3], mac[4], mac[5]);
        }
        format_mac(mac)
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
}
