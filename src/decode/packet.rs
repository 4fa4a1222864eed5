//! The decoded form of one frame: columns, named fields, the protocol stack and notes.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::field::{Field, Value};
use crate::capture::LinkType;

/// A protocol layer found in the frame, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    Frame,
    Eth,
    Vlan,
    Sll,
    Null,
    Ip,
    Ipv6,
    Arp,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    Data,
    Http,
    Tls,
    Ftp,
    FtpData,
    Nbss,
    Smb,
    Smb2,
    Ntlmssp,
    Dns,
    Nbns,
    Ssdp,
    Nbdgm,
    Mailslot,
    Browser,
}

impl Proto {
    pub const ALL: &'static [Proto] = &[
        Proto::Frame,
        Proto::Eth,
        Proto::Vlan,
        Proto::Sll,
        Proto::Null,
        Proto::Ip,
        Proto::Ipv6,
        Proto::Arp,
        Proto::Tcp,
        Proto::Udp,
        Proto::Icmp,
        Proto::Icmpv6,
        Proto::Data,
        Proto::Http,
        Proto::Tls,
        Proto::Ftp,
        Proto::FtpData,
        Proto::Nbss,
        Proto::Smb,
        Proto::Smb2,
        Proto::Ntlmssp,
        Proto::Dns,
        Proto::Nbns,
        Proto::Ssdp,
        Proto::Nbdgm,
        Proto::Mailslot,
        Proto::Browser,
    ];

    /// The display-filter name (`tcp`, `ip`, ...), as in frame.protocols.
    pub fn filter_name(self) -> &'static str {
        match self {
            Proto::Frame => "frame",
            Proto::Eth => "eth",
            Proto::Vlan => "vlan",
            Proto::Sll => "sll",
            Proto::Null => "null",
            Proto::Ip => "ip",
            Proto::Ipv6 => "ipv6",
            Proto::Arp => "arp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Icmp => "icmp",
            Proto::Icmpv6 => "icmpv6",
            Proto::Data => "data",
            Proto::Http => "http",
            Proto::Tls => "tls",
            Proto::Ftp => "ftp",
            Proto::FtpData => "ftp-data",
            Proto::Nbss => "nbss",
            Proto::Smb => "smb",
            Proto::Smb2 => "smb2",
            Proto::Ntlmssp => "ntlmssp",
            Proto::Dns => "dns",
            Proto::Nbns => "nbns",
            Proto::Ssdp => "ssdp",
            Proto::Nbdgm => "nbdgm",
            Proto::Mailslot => "mailslot",
            Proto::Browser => "browser",
        }
    }

    /// The title of the layer in the detail view.
    pub fn title(self) -> &'static str {
        match self {
            Proto::Frame => "Frame",
            Proto::Eth => "Ethernet II",
            Proto::Vlan => "802.1Q Virtual LAN",
            Proto::Sll => "Linux cooked capture",
            Proto::Null => "Null/Loopback",
            Proto::Ip => "Internet Protocol Version 4",
            Proto::Ipv6 => "Internet Protocol Version 6",
            Proto::Arp => "Address Resolution Protocol",
            Proto::Tcp => "Transmission Control Protocol",
            Proto::Udp => "User Datagram Protocol",
            Proto::Icmp => "Internet Control Message Protocol",
            Proto::Icmpv6 => "Internet Control Message Protocol v6",
            Proto::Data => "Data",
            Proto::Http => "Hypertext Transfer Protocol",
            Proto::Tls => "Transport Layer Security",
            Proto::Ftp => "File Transfer Protocol (FTP)",
            Proto::FtpData => "FTP Data",
            Proto::Nbss => "NetBIOS Session Service",
            Proto::Smb => "SMB (Server Message Block Protocol)",
            Proto::Smb2 => "SMB2 (Server Message Block Protocol version 2)",
            Proto::Ntlmssp => "NTLM Secure Service Provider",
            Proto::Dns => "Domain Name System",
            Proto::Nbns => "NetBIOS Name Service",
            Proto::Ssdp => "Simple Service Discovery Protocol",
            Proto::Nbdgm => "NetBIOS Datagram Service",
            Proto::Mailslot => "SMB MailSlot Protocol",
            Proto::Browser => "Microsoft Windows Browser Protocol",
        }
    }
}

/// An address for the Source and Destination columns: the innermost network address,
/// else the link-layer one. Views turn MAC addresses into vendor names where they can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    None,
    Ether([u8; 6]),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

/// How bad a note is (Wireshark's expert info severities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

/// Something worth telling about a packet: damage, a limit reached, an analysis finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub severity: Severity,
    pub proto: Proto,
    pub message: String,
}

/// One layer of the frame and where its header starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub proto: Proto,
    /// Offset of the layer's first byte in the frame.
    pub offset: usize,
}

/// A decoded frame.
#[derive(Debug, Clone)]
pub struct Packet {
    pub number: u64,
    /// Absolute time, nanoseconds since the epoch.
    pub ts_ns: i64,
    /// Time since the first frame of the file, nanoseconds.
    pub rel_ns: i64,
    pub orig_len: u32,
    pub cap_len: u32,
    pub linktype: LinkType,
    /// The Source and Destination columns.
    pub src: Address,
    pub dst: Address,
    /// The Protocol column: the innermost protocol decoded.
    pub protocol: &'static str,
    /// The Info column, already escaped for printing.
    pub info: String,
    pub layers: Vec<Layer>,
    pub fields: Vec<(Field, Value)>,
    pub notes: Vec<Note>,
    /// False when only the columns are wanted (a plain packet list, a first pass):
    /// fields are then not stored, which saves most of the decoding time.
    pub(crate) fields_wanted: bool,
    /// When set, only the fields it marks (indexed by `Field as usize`) are stored: a
    /// display filter or `-T fields` needs a handful of the hundreds.
    pub(crate) only: Option<std::sync::Arc<[bool]>>,
    /// False in a first pass, which reads no Info: the TCP line is not written.
    pub(crate) info_wanted: bool,
}

impl Packet {
    pub(crate) fn new(number: u64, ts_ns: i64, rel_ns: i64, orig_len: u32, cap_len: u32, linktype: LinkType) -> Self {
        Packet {
            number,
            ts_ns,
            rel_ns,
            orig_len,
            cap_len,
            linktype,
            src: Address::None,
            dst: Address::None,
            protocol: "",
            // Sized for a typical TCP segment's decode, so the vectors are allocated once
            // (the fields when they are wanted: see `Decoder::decode_into`).
            info: String::with_capacity(96),
            layers: Vec::with_capacity(8),
            fields: Vec::new(),
            notes: Vec::new(),
            fields_wanted: true,
            only: None,
            info_wanted: true,
        }
    }

    /// A packet to decode frames into (`Decoder::decode_into`).
    pub fn blank() -> Self {
        Packet::new(0, 0, 0, 0, 0, LinkType::Ethernet)
    }

    /// Makes this packet the start of another frame's decode, keeping its buffers.
    pub(crate) fn reset(
        &mut self,
        number: u64,
        ts_ns: i64,
        rel_ns: i64,
        orig_len: u32,
        cap_len: u32,
        linktype: LinkType,
    ) {
        self.number = number;
        self.ts_ns = ts_ns;
        self.rel_ns = rel_ns;
        self.orig_len = orig_len;
        self.cap_len = cap_len;
        self.linktype = linktype;
        self.src = Address::None;
        self.dst = Address::None;
        self.protocol = "";
        self.info.clear();
        self.layers.clear();
        self.fields.clear();
        self.notes.clear();
    }

    #[inline(always)]
    pub(crate) fn keeps(&self, field: Field) -> bool {
        self.fields_wanted && self.only.as_ref().is_none_or(|only| only[field as usize])
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, field: Field, value: Value) {
        if self.keeps(field) {
            self.fields.push((field, value));
        }
    }

    #[inline(always)]
    pub(crate) fn add_u(&mut self, field: Field, value: impl Into<u64>) {
        if self.keeps(field) {
            self.fields.push((field, Value::U(value.into())));
        }
    }

    pub(crate) fn push_layer(&mut self, proto: Proto, offset: usize) {
        self.layers.push(Layer { proto, offset });
    }

    pub(crate) fn note(&mut self, severity: Severity, proto: Proto, message: impl Into<String>) {
        self.notes.push(Note {
            severity,
            proto,
            message: message.into(),
        });
    }

    /// Every value of a field, in the order decoded.
    pub fn values(&self, field: Field) -> impl Iterator<Item = &Value> {
        self.fields.iter().filter(move |(f, _)| *f == field).map(|(_, v)| v)
    }

    /// The first value of a field.
    pub fn value(&self, field: Field) -> Option<&Value> {
        self.values(field).next()
    }

    /// The first value of an integer field.
    pub fn uint(&self, field: Field) -> Option<u64> {
        match self.value(field) {
            Some(Value::U(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn has_proto(&self, proto: Proto) -> bool {
        self.layers.iter().any(|l| l.proto == proto)
    }

    /// `eth:ethertype:ip:tcp`-style list, as frame.protocols (without tshark's
    /// pseudo-layer "ethertype").
    pub fn protocols(&self) -> String {
        let names: Vec<&str> = self
            .layers
            .iter()
            .filter(|l| l.proto != Proto::Frame)
            .map(|l| l.proto.filter_name())
            .collect();
        names.join(":")
    }
}
