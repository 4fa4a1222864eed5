//! Link-layer header types (the LINKTYPE_ registry), as recorded in capture headers.

/// The link-layer type of a frame. Codes wirelab does not decode stay `Unknown(code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    Null,
    Ethernet,
    /// Raw IP, version taken from the first nibble.
    Raw,
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    Loop,
    LinuxSll,
    Ipv4,
    Ipv6,
    LinuxSll2,
    Unknown(u32),
}

impl LinkType {
    pub fn from_code(code: u32) -> LinkType {
        match code {
            0 => LinkType::Null,
            1 => LinkType::Ethernet,
            101 => LinkType::Raw,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            276 => LinkType::LinuxSll2,
            other => LinkType::Unknown(other),
        }
    }

    pub fn code(self) -> u32 {
        match self {
            LinkType::Null => 0,
            LinkType::Ethernet => 1,
            LinkType::Raw => 101,
            LinkType::Loop => 108,
            LinkType::LinuxSll => 113,
            LinkType::Ipv4 => 228,
            LinkType::Ipv6 => 229,
            LinkType::LinuxSll2 => 276,
            LinkType::Unknown(code) => code,
        }
    }

    /// The name libpcap gives the type (`tcpdump -L`, `capinfos`).
    pub fn name(self) -> String {
        match self {
            LinkType::Null => "NULL".into(),
            LinkType::Ethernet => "EN10MB".into(),
            LinkType::Raw => "RAW".into(),
            LinkType::Loop => "LOOP".into(),
            LinkType::LinuxSll => "LINUX_SLL".into(),
            LinkType::Ipv4 => "IPV4".into(),
            LinkType::Ipv6 => "IPV6".into(),
            LinkType::LinuxSll2 => "LINUX_SLL2".into(),
            LinkType::Unknown(code) => format!("LINKTYPE_{code}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in [0, 1, 101, 108, 113, 228, 229, 276, 147] {
            assert_eq!(LinkType::from_code(code).code(), code);
        }
        assert_eq!(LinkType::from_code(147), LinkType::Unknown(147));
        assert_eq!(LinkType::from_code(276).name(), "LINUX_SLL2");
    }
}
