//! The field registry: every value wirelab decodes has a Wireshark display-filter name,
//! a kind that fixes how it prints (as `tshark -T fields` prints it) and a description.
//! One list serves display filters, field output, lesson answers and tshark comparisons.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use super::text::escape_bytes;

/// How a field's values print and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Unsigned integer in decimal.
    Dec,
    /// Unsigned integer in hexadecimal with a fixed number of digits (0x%02x, 0x%04x...).
    Hex(u8),
    Bool,
    Ipv4,
    Ipv6,
    Ether,
    Str,
    Bytes,
    /// Seconds relative to the first frame, nanosecond precision.
    RelTime,
    /// Seconds since the Unix epoch, nanosecond precision.
    AbsTime,
    /// Present or absent, no value (Wireshark's FT_NONE): prints as "1".
    Flag,
}

macro_rules! fields {
    ($( $variant:ident = $name:literal, $kind:expr, $desc:literal; )*) => {
        /// A named field. Names match `tshark -G fields`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Field::$variant => $kind),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Field::$variant => $desc),* }
            }
        }
    };
}

use Kind::*;

fields! {
    FrameNumber = "frame.number", Dec, "Frame number, from 1";
    FrameTimeRelative = "frame.time_relative", RelTime, "Seconds since the first frame";
    FrameTimeEpoch = "frame.time_epoch", AbsTime, "Arrival time, seconds since 1970-01-01 UTC";
    FrameLen = "frame.len", Dec, "Frame length on the wire, in bytes";
    FrameCapLen = "frame.cap_len", Dec, "Bytes captured (less than frame.len when cut by the snaplen)";
    FrameInterfaceId = "frame.interface_id", Dec, "pcapng interface the frame was captured on";
    FrameProtocols = "frame.protocols", Str, "Protocols in the frame, outermost first";

    EthDst = "eth.dst", Ether, "Ethernet destination address";
    EthSrc = "eth.src", Ether, "Ethernet source address";
    EthAddr = "eth.addr", Ether, "Either Ethernet address";
    EthType = "eth.type", Hex(4), "EtherType of the payload";
    VlanId = "vlan.id", Dec, "802.1Q VLAN identifier";
    VlanPriority = "vlan.priority", Dec, "802.1Q priority code point";
    VlanEtype = "vlan.etype", Hex(4), "EtherType after the VLAN tag";
    Ieee8021adId = "ieee8021ad.id", Dec, "802.1ad (QinQ) service VLAN identifier";
    SllPkttype = "sll.pkttype", Dec, "Linux cooked capture packet type (0 to us, 4 outgoing...)";
    SllSrcEth = "sll.src.eth", Ether, "Linux cooked capture link-layer source";
    SllEtype = "sll.etype", Hex(4), "Linux cooked capture protocol";
    SllIfindex = "sll.ifindex", Dec, "Linux cooked capture v2 interface index";
    NullFamily = "null.family", Dec, "BSD loopback address family";

    IpVersion = "ip.version", Dec, "IP version";
    IpHdrLen = "ip.hdr_len", Dec, "IPv4 header length, in bytes";
    IpDsfield = "ip.dsfield", Hex(2), "IPv4 differentiated services field";
    IpLen = "ip.len", Dec, "IPv4 total length";
    IpId = "ip.id", Hex(4), "IPv4 identification";
    IpFlags = "ip.flags", Hex(2), "IPv4 flags (0x02 don't fragment, 0x01 more fragments)";
    IpFlagsDf = "ip.flags.df", Bool, "IPv4 don't fragment";
    IpFlagsMf = "ip.flags.mf", Bool, "IPv4 more fragments";
    IpFragOffset = "ip.frag_offset", Dec, "IPv4 fragment offset, in bytes";
    IpTtl = "ip.ttl", Dec, "IPv4 time to live";
    IpProto = "ip.proto", Dec, "IPv4 payload protocol number (6 TCP, 17 UDP, 1 ICMP)";
    IpChecksum = "ip.checksum", Hex(4), "IPv4 header checksum";
    IpSrc = "ip.src", Ipv4, "IPv4 source address";
    IpDst = "ip.dst", Ipv4, "IPv4 destination address";
    IpAddr = "ip.addr", Ipv4, "Either IPv4 address";

    Ipv6Plen = "ipv6.plen", Dec, "IPv6 payload length";
    Ipv6Nxt = "ipv6.nxt", Dec, "IPv6 next header";
    Ipv6Hlim = "ipv6.hlim", Dec, "IPv6 hop limit";
    Ipv6Src = "ipv6.src", Ipv6, "IPv6 source address";
    Ipv6Dst = "ipv6.dst", Ipv6, "IPv6 destination address";
    Ipv6Addr = "ipv6.addr", Ipv6, "Either IPv6 address";

    TcpSrcport = "tcp.srcport", Dec, "TCP source port";
    TcpDstport = "tcp.dstport", Dec, "TCP destination port";
    TcpPort = "tcp.port", Dec, "Either TCP port";
    TcpStream = "tcp.stream", Dec, "TCP conversation index, from 0 in order of appearance";
    TcpLen = "tcp.len", Dec, "TCP payload length";
    TcpSeq = "tcp.seq", Dec, "TCP sequence number, relative to the first of its direction";
    TcpSeqRaw = "tcp.seq_raw", Dec, "TCP sequence number as sent";
    TcpNxtseq = "tcp.nxtseq", Dec, "Relative sequence number of the next segment";
    TcpAck = "tcp.ack", Dec, "TCP acknowledgement number, relative";
    TcpAckRaw = "tcp.ack_raw", Dec, "TCP acknowledgement number as sent";
    TcpHdrLen = "tcp.hdr_len", Dec, "TCP header length, in bytes";
    TcpFlags = "tcp.flags", Hex(4), "TCP flags";
    TcpFlagsNs = "tcp.flags.ns", Bool, "TCP NS/AE flag";
    TcpFlagsCwr = "tcp.flags.cwr", Bool, "TCP congestion window reduced";
    TcpFlagsEce = "tcp.flags.ece", Bool, "TCP ECN echo";
    TcpFlagsUrg = "tcp.flags.urg", Bool, "TCP urgent";
    TcpFlagsAck = "tcp.flags.ack", Bool, "TCP acknowledgment";
    TcpFlagsPush = "tcp.flags.push", Bool, "TCP push";
    TcpFlagsReset = "tcp.flags.reset", Bool, "TCP reset";
    TcpFlagsSyn = "tcp.flags.syn", Bool, "TCP synchronize (connection set-up)";
    TcpFlagsFin = "tcp.flags.fin", Bool, "TCP finish (orderly close)";
    TcpFlagsStr = "tcp.flags.str", Str, "TCP flags as letters";
    TcpWindowSizeValue = "tcp.window_size_value", Dec, "TCP window as sent";
    TcpWindowSize = "tcp.window_size", Dec, "TCP window after scaling";
    TcpChecksum = "tcp.checksum", Hex(4), "TCP checksum (not verified)";
    TcpUrgentPointer = "tcp.urgent_pointer", Dec, "TCP urgent pointer";
    TcpOptionsMss = "tcp.options.mss_val", Dec, "TCP maximum segment size option";
    TcpOptionsWscaleShift = "tcp.options.wscale.shift", Dec, "TCP window scale shift";
    TcpOptionsWscaleMultiplier = "tcp.options.wscale.multiplier", Dec, "TCP window scale multiplier";
    TcpOptionsSackPerm = "tcp.options.sack_perm", Flag, "TCP SACK permitted option";
    TcpOptionsSackLe = "tcp.options.sack_le", Dec, "TCP SACK left edge (relative)";
    TcpOptionsSackRe = "tcp.options.sack_re", Dec, "TCP SACK right edge (relative)";
    TcpOptionsTsval = "tcp.options.timestamp.tsval", Dec, "TCP timestamp value";
    TcpOptionsTsecr = "tcp.options.timestamp.tsecr", Dec, "TCP timestamp echo reply";
    TcpAnalysisFlags = "tcp.analysis.flags", Flag, "Any TCP analysis finding";
    TcpAnalysisRetransmission = "tcp.analysis.retransmission", Flag, "Retransmitted segment";
    TcpAnalysisFastRetransmission = "tcp.analysis.fast_retransmission", Flag, "Fast retransmission after duplicate ACKs";
    TcpAnalysisSpuriousRetransmission = "tcp.analysis.spurious_retransmission", Flag, "Retransmission of data already acknowledged";
    TcpAnalysisOutOfOrder = "tcp.analysis.out_of_order", Flag, "Segment arrived out of order";
    TcpAnalysisLostSegment = "tcp.analysis.lost_segment", Flag, "Previous segment not captured";
    TcpAnalysisAckLostSegment = "tcp.analysis.ack_lost_segment", Flag, "ACKs a segment that was not captured";
    TcpAnalysisDuplicateAck = "tcp.analysis.duplicate_ack", Flag, "Duplicate acknowledgement";
    TcpAnalysisDuplicateAckNum = "tcp.analysis.duplicate_ack_num", Dec, "Which duplicate ACK this is";
    TcpAnalysisDuplicateAckFrame = "tcp.analysis.duplicate_ack_frame", Dec, "Frame of the original ACK";
    TcpAnalysisZeroWindow = "tcp.analysis.zero_window", Flag, "Receiver's window is zero";
    TcpAnalysisZeroWindowProbe = "tcp.analysis.zero_window_probe", Flag, "Probe of a zero window";
    TcpAnalysisZeroWindowProbeAck = "tcp.analysis.zero_window_probe_ack", Flag, "ACK of a zero-window probe";
    TcpAnalysisKeepAlive = "tcp.analysis.keep_alive", Flag, "TCP keep-alive";
    TcpAnalysisKeepAliveAck = "tcp.analysis.keep_alive_ack", Flag, "ACK of a TCP keep-alive";
    TcpAnalysisWindowUpdate = "tcp.analysis.window_update", Flag, "Window grew, nothing else changed";
    TcpAnalysisWindowFull = "tcp.analysis.window_full", Flag, "Segment fills the receiver's window";
    TcpAnalysisReusedPorts = "tcp.analysis.reused_ports", Flag, "SYN reuses the ports of an earlier connection";
    TcpPayload = "tcp.payload", Bytes, "TCP payload bytes";

    UdpSrcport = "udp.srcport", Dec, "UDP source port";
    UdpDstport = "udp.dstport", Dec, "UDP destination port";
    UdpPort = "udp.port", Dec, "Either UDP port";
    UdpLength = "udp.length", Dec, "UDP length (header and payload)";
    UdpChecksum = "udp.checksum", Hex(4), "UDP checksum (not verified)";
    UdpStream = "udp.stream", Dec, "UDP conversation index, from 0 in order of appearance";
    UdpPayload = "udp.payload", Bytes, "UDP payload bytes";

    IcmpType = "icmp.type", Dec, "ICMP type (8 echo request, 0 echo reply, 3 unreachable...)";
    IcmpCode = "icmp.code", Dec, "ICMP code";
    IcmpChecksum = "icmp.checksum", Hex(4), "ICMP checksum";
    IcmpIdent = "icmp.ident", Dec, "ICMP echo identifier";
    IcmpSeq = "icmp.seq", Dec, "ICMP echo sequence number (big-endian)";
    IcmpSeqLe = "icmp.seq_le", Dec, "ICMP echo sequence number read little-endian";
    IcmpRespIn = "icmp.resp_in", Dec, "Frame of the echo reply";
    IcmpRespTo = "icmp.resp_to", Dec, "Frame of the echo request";
    Icmpv6Type = "icmpv6.type", Dec, "ICMPv6 type (128 echo request, 135 neighbor solicitation...)";
    Icmpv6Code = "icmpv6.code", Dec, "ICMPv6 code";
    Icmpv6EchoIdentifier = "icmpv6.echo.identifier", Hex(4), "ICMPv6 echo identifier";
    Icmpv6EchoSequenceNumber = "icmpv6.echo.sequence_number", Dec, "ICMPv6 echo sequence number";
    Icmpv6NdNsTargetAddress = "icmpv6.nd.ns.target_address", Ipv6, "Neighbor solicitation target";
    Icmpv6NdNaTargetAddress = "icmpv6.nd.na.target_address", Ipv6, "Neighbor advertisement target";

    ArpHwType = "arp.hw.type", Dec, "ARP hardware type (1 Ethernet)";
    ArpProtoType = "arp.proto.type", Hex(4), "ARP protocol type";
    ArpOpcode = "arp.opcode", Dec, "ARP opcode (1 request, 2 reply)";
    ArpSrcHwMac = "arp.src.hw_mac", Ether, "ARP sender MAC address";
    ArpSrcProtoIpv4 = "arp.src.proto_ipv4", Ipv4, "ARP sender IPv4 address";
    ArpDstHwMac = "arp.dst.hw_mac", Ether, "ARP target MAC address";
    ArpDstProtoIpv4 = "arp.dst.proto_ipv4", Ipv4, "ARP target IPv4 address";
    ArpIsGratuitous = "arp.isgratuitous", Bool, "ARP sender and target addresses are equal";

    DataData = "data.data", Bytes, "Payload no decoder claimed";
    DataLen = "data.len", Dec, "Length of that payload";
}

impl Field {
    /// Looks a field up by its display-filter name.
    pub fn from_name(name: &str) -> Option<Field> {
        static INDEX: OnceLock<std::collections::HashMap<&'static str, Field>> = OnceLock::new();
        INDEX
            .get_or_init(|| Field::ALL.iter().map(|f| (f.name(), *f)).collect())
            .get(name)
            .copied()
    }
}

/// A decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    U(u64),
    Bool(bool),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Ether([u8; 6]),
    Str(String),
    Bytes(Vec<u8>),
    /// Nanoseconds (relative or since the epoch, by the field's kind).
    Time(i64),
    /// Presence only.
    Flag,
}

impl Value {
    /// Appends the value as `tshark -T fields` prints it (control bytes escaped).
    pub fn write_field(&self, kind: Kind, out: &mut String) {
        match (self, kind) {
            (Value::U(v), Kind::Hex(digits)) => {
                let _ = write!(out, "0x{:0width$x}", v, width = digits as usize);
            }
            (Value::U(v), _) => {
                let _ = write!(out, "{v}");
            }
            (Value::Bool(b), _) => out.push(if *b { '1' } else { '0' }),
            (Value::Ipv4(a), _) => {
                let _ = write!(out, "{a}");
            }
            (Value::Ipv6(a), _) => {
                let _ = write!(out, "{a}");
            }
            (Value::Ether(m), _) => out.push_str(&format_mac(m)),
            (Value::Str(s), _) => escape_bytes(s.as_bytes(), out),
            (Value::Bytes(b), _) => {
                for (i, byte) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(':');
                    }
                    let _ = write!(out, "{byte:02x}");
                }
            }
            (Value::Time(ns), _) => write_seconds(*ns, out),
            (Value::Flag, _) => out.push('1'),
        }
    }

    pub fn to_field_string(&self, kind: Kind) -> String {
        let mut s = String::new();
        self.write_field(kind, &mut s);
        s
    }
}

/// `aa:bb:cc:dd:ee:ff`
pub fn format_mac(m: &[u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

/// Seconds with nine decimals, as tshark prints time fields.
pub fn write_seconds(ns: i64, out: &mut String) {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        let mut names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate field names");
        assert_eq!(Field::from_name("tcp.stream"), Some(Field::TcpStream));
        assert_eq!(Field::from_name("tcp.strem"), None);
    }

    #[test]
    fn values_print_like_tshark_fields() {
        assert_eq!(Value::U(0x1f7a).to_field_string(Kind::Hex(4)), "0x1f7a");
        assert_eq!(Value::U(2).to_field_string(Kind::Hex(2)), "0x02");
        assert_eq!(Value::Bool(true).to_field_string(Kind::Bool), "1");
        assert_eq!(Value::Time(627_984_000).to_field_string(Kind::RelTime), "0.627984000");
        assert_eq!(
            Value::Ether([0xff; 6]).to_field_string(Kind::Ether),
            "ff:ff:ff:ff:ff:ff"
        );
        assert_eq!(Value::Str("a\u{1b}[2J".into()).to_field_string(Kind::Str), "a\\033[2J");
        assert_eq!(Value::Flag.to_field_string(Kind::Flag), "1");
    }
}
