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
    /// Text carried as it is (an HTML page, an FTP listing): Wireshark's
    /// "Line-based text data".
    DataTextLines,
    Http,
    /// An HTML form's fields in an HTTP body (application/x-www-form-urlencoded).
    UrlencodedForm,
    Tls,
    Ftp,
    FtpData,
    Nbss,
    Smb,
    Smb2,
    GssApi,
    Spnego,
    Ntlmssp,
    /// An NTLMSSP verifier in a SPNEGO mechListMIC: named "ntlmssp" among a frame's
    /// protocols, as tshark lists it, but no NTLMSSP message (the `ntlmssp` filter
    /// does not keep it, in tshark neither).
    NtlmsspVerifier,
    Dns,
    Nbns,
    Ssdp,
    Nbdgm,
    Mailslot,
    Browser,
    /// Multicast DNS (UDP 5353): DNS messages, shown as tshark shows them.
    Mdns,
    /// Link-Local Multicast Name Resolution (UDP 5355): DNS messages too.
    Llmnr,
    /// DHCP and plain BOOTP (UDP 67 and 68): Wireshark names both `dhcp`.
    Dhcp,
    /// DHCPv6 (UDP 546 and 547).
    Dhcpv6,
    /// NTP time messages (UDP 123).
    Ntp,
    /// An IEEE 802.1ad service tag (ethertype 0x88a8), which tshark names apart from
    /// 802.1Q's `vlan` though the tag's layout is the same.
    Ieee8021ad,
    /// The dissectors tshark hands a certificate's parts to, by their object identifier:
    /// named in frame.protocols, one per part, but no layer of their own (a filter on
    /// them matches nothing in tshark either, and the detail shows their fields under
    /// TLS). See [`Proto::names_only`].
    X509sat,
    X509ce,
    Pkix1implicit,
    Pkix1explicit,
    Pkcs1,
    NsCertExts,
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
        Proto::DataTextLines,
        Proto::Http,
        Proto::UrlencodedForm,
        Proto::Tls,
        Proto::Ftp,
        Proto::FtpData,
        Proto::Nbss,
        Proto::Smb,
        Proto::Smb2,
        Proto::GssApi,
        Proto::Spnego,
        Proto::Ntlmssp,
        Proto::Dns,
        Proto::Nbns,
        Proto::Ssdp,
        Proto::Nbdgm,
        Proto::Mailslot,
        Proto::Browser,
        Proto::Mdns,
        Proto::Llmnr,
        Proto::Dhcp,
        Proto::Dhcpv6,
        Proto::Ntp,
        Proto::Ieee8021ad,
        Proto::X509sat,
        Proto::X509ce,
        Proto::Pkix1implicit,
        Proto::Pkix1explicit,
        Proto::Pkcs1,
        Proto::NsCertExts,
    ];

    /// The protocol whose layer holds a field, from the field's name (`ip.src`: ip;
    /// `wirelab.tls.step`: tls); none for a protocol with no layer of its own.
    pub fn of_field(field: Field) -> Option<Proto> {
        let mut parts = field.name().split('.');
        let prefix = match parts.next().unwrap_or("") {
            "wirelab" => parts.next().unwrap_or(""),
            other => other,
        };
        Proto::ALL
            .iter()
            .copied()
            .find(|p| p.filter_name() == prefix && !p.names_only())
    }

    /// Does a layer of this protocol hold fields of `fields`? mDNS and LLMNR messages
    /// fill `dns.*`, as in tshark.
    pub fn holds_fields_of(self, fields: Proto) -> bool {
        self == fields || (fields == Proto::Dns && matches!(self, Proto::Mdns | Proto::Llmnr))
    }

    /// A name in frame.protocols only (a certificate's parts): no protocol filter
    /// finds it, and it is neither a heading in the detail nor a level in the
    /// protocol hierarchy, as in tshark.
    pub fn names_only(self) -> bool {
        matches!(
            self,
            Proto::X509sat
                | Proto::X509ce
                | Proto::Pkix1implicit
                | Proto::Pkix1explicit
                | Proto::Pkcs1
                | Proto::NsCertExts
        )
    }

    /// The protocol's bit in a set of protocols (there are fewer than 64).
    pub(crate) fn bit(self) -> u64 {
        const _: () = assert!(Proto::ALL.len() < 64);
        1 << self as u32
    }

    /// The protocol a display filter names: by its filter name, or by an older name
    /// Wireshark still takes (`bootp` for `dhcp`).
    pub fn from_filter_name(name: &str) -> Option<Proto> {
        if name == "bootp" {
            return Some(Proto::Dhcp);
        }
        Proto::ALL.iter().copied().find(|p| p.filter_name() == name)
    }

    /// Is a layer of this protocol recorded at the first byte of its own header? Link,
    /// network and transport layers are, and so are the messages a UDP datagram carries
    /// first; layers above TCP (and those nested inside others) are recorded where the
    /// segment's payload starts, which a message may not (a continuation, the NBSS
    /// header before SMB2, a second message in the segment).
    pub fn layer_starts_at_its_header(self) -> bool {
        matches!(
            self,
            Proto::Frame
                | Proto::Eth
                | Proto::Vlan
                | Proto::Ieee8021ad
                | Proto::Sll
                | Proto::Null
                | Proto::Ip
                | Proto::Ipv6
                | Proto::Arp
                | Proto::Tcp
                | Proto::Udp
                | Proto::Icmp
                | Proto::Icmpv6
                | Proto::Dns
                | Proto::Nbns
                | Proto::Ssdp
                | Proto::Nbdgm
                | Proto::Mdns
                | Proto::Llmnr
                | Proto::Dhcp
                | Proto::Dhcpv6
                | Proto::Ntp
        )
    }

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
            Proto::DataTextLines => "data-text-lines",
            Proto::Http => "http",
            Proto::UrlencodedForm => "urlencoded-form",
            Proto::Tls => "tls",
            Proto::Ftp => "ftp",
            Proto::FtpData => "ftp-data",
            Proto::Nbss => "nbss",
            Proto::Smb => "smb",
            Proto::Smb2 => "smb2",
            Proto::GssApi => "gss-api",
            Proto::Spnego => "spnego",
            Proto::Ntlmssp | Proto::NtlmsspVerifier => "ntlmssp",
            Proto::Dns => "dns",
            Proto::Nbns => "nbns",
            Proto::Ssdp => "ssdp",
            Proto::Nbdgm => "nbdgm",
            Proto::Mailslot => "mailslot",
            Proto::Browser => "browser",
            Proto::Mdns => "mdns",
            Proto::Llmnr => "llmnr",
            Proto::Dhcp => "dhcp",
            Proto::Dhcpv6 => "dhcpv6",
            Proto::Ntp => "ntp",
            Proto::Ieee8021ad => "ieee8021ad",
            Proto::X509sat => "x509sat",
            Proto::X509ce => "x509ce",
            Proto::Pkix1implicit => "pkix1implicit",
            Proto::Pkix1explicit => "pkix1explicit",
            Proto::Pkcs1 => "pkcs-1",
            Proto::NsCertExts => "ns_cert_exts",
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
            Proto::DataTextLines => "Line-based text data",
            Proto::Http => "Hypertext Transfer Protocol",
            Proto::UrlencodedForm => "HTML Form URL Encoded",
            Proto::Tls => "Transport Layer Security",
            Proto::Ftp => "File Transfer Protocol (FTP)",
            Proto::FtpData => "FTP Data",
            Proto::Nbss => "NetBIOS Session Service",
            Proto::Smb => "SMB (Server Message Block Protocol)",
            Proto::Smb2 => "SMB2 (Server Message Block Protocol version 2)",
            Proto::GssApi => "GSS-API Generic Security Service Application Program Interface",
            Proto::Spnego => "Simple Protected Negotiation",
            Proto::Ntlmssp | Proto::NtlmsspVerifier => "NTLM Secure Service Provider",
            Proto::Dns => "Domain Name System",
            Proto::Nbns => "NetBIOS Name Service",
            Proto::Ssdp => "Simple Service Discovery Protocol",
            Proto::Nbdgm => "NetBIOS Datagram Service",
            Proto::Mailslot => "SMB MailSlot Protocol",
            Proto::Browser => "Microsoft Windows Browser Protocol",
            Proto::Mdns => "Multicast Domain Name System",
            Proto::Llmnr => "Link-local Multicast Name Resolution",
            Proto::Dhcp => "Dynamic Host Configuration Protocol",
            Proto::Dhcpv6 => "DHCPv6",
            Proto::Ntp => "Network Time Protocol",
            Proto::Ieee8021ad => "IEEE 802.1ad",
            Proto::X509sat => "X.509 Selected Attribute Types",
            Proto::X509ce => "X.509 Certificate Extensions",
            Proto::Pkix1implicit => "PKIX1Implitit",
            Proto::Pkix1explicit => "PKIX1Explitit",
            Proto::Pkcs1 => "PKCS#1",
            Proto::NsCertExts => "NetScape Certificate Extensions",
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

/// Part of a packet's labelling that waits for later frames, in a single pass that
/// holds packets back until they are settled (see `decode::single_pass`): what `tshark -2`
/// knows from its first pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferred {
    /// The Protocol column was set by TLS stream `stream` before its version settled.
    TlsColumn { stream: u64 },
    /// A record's outer content type (23), at `field_at` among the fields, is called
    /// opaque if the session turns out to be TLS 1.3.
    TlsContentType { stream: u64, field_at: usize },
    /// This echo request's reply: its note goes at `info_at` in Info, its field at
    /// `field_at` among the fields.
    Echo { info_at: usize, field_at: usize, v6: bool },
}

/// What later frames decided, for [`Packet::settle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The version a TLS stream settled on (`None`: it never named one).
    Tls(Option<u16>),
    /// The frame that answered an echo request (`None`: none did).
    Echo(Option<u64>),
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
    /// A bit for each protocol a layer has been pushed for: a superset of `layers` (an
    /// analyzer may drop the Data layer), which answers most of a filter's protocol
    /// tests without a scan.
    layers_seen: u64,
    pub fields: Vec<(Field, Value)>,
    /// For each field (parallel to `fields`), how many layers the packet had when it was
    /// added: which instance of its protocol it belongs to (`ip.src#2`, the inner
    /// header of an ICMP error). A field pushed onto `fields` directly has none and
    /// counts as in the last layer.
    field_depths: Vec<u16>,
    pub notes: Vec<Note>,
    /// False when only the columns are wanted (a plain packet list, a first pass):
    /// fields are then not stored, which saves most of the decoding time.
    pub(crate) fields_wanted: bool,
    /// When set, only the fields it marks (indexed by `Field as usize`) are stored: a
    /// display filter or `-T fields` needs a handful of the hundreds.
    pub(crate) only: Option<std::sync::Arc<[bool]>>,
    /// Whether any `ip.*` / `tcp.*` / `http.*` field is kept: the IPv4 and TCP headers'
    /// dozens of fields, and HTTP's header fields, are skipped as a block when none is
    /// (a filter naming protocols only).
    pub(crate) ip_fields_wanted: bool,
    pub(crate) tcp_fields_wanted: bool,
    pub(crate) http_fields_wanted: bool,
    /// False in a first pass, which reads no Info: the TCP line is not written.
    pub(crate) info_wanted: bool,
    /// TCP's summary line, kept as its parts instead of written into `info` (see
    /// [`Packet::info_text`]): a filtered list writes it only for the packets it shows.
    pub(crate) tcp_line: Option<super::tcp::TcpLine>,
    /// Keep TCP's summary line as parts rather than write it (`Decoder::defer_tcp_line`).
    pub(crate) defer_tcp_line: bool,
    /// Decoded only for the state it feeds, not to be shown (a shard of a capture
    /// decodes what another prints: see `decode::shards`); it has no Info.
    pub quiet: bool,
    /// Labels that wait for later frames (only in a single pass that holds back).
    pub deferred: Vec<Deferred>,
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
            layers_seen: 0,
            fields: Vec::new(),
            field_depths: Vec::new(),
            notes: Vec::new(),
            fields_wanted: true,
            only: None,
            ip_fields_wanted: true,
            tcp_fields_wanted: true,
            http_fields_wanted: true,
            info_wanted: true,
            tcp_line: None,
            defer_tcp_line: false,
            quiet: false,
            deferred: Vec::new(),
        }
    }

    /// A packet to decode frames into (`Decoder::decode_into`).
    pub fn blank() -> Self {
        Packet::new(0, 0, 0, 0, 0, LinkType::Ethernet)
    }

    /// Makes this packet the start of another frame's decode, keeping its buffers.
    #[inline]
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
        if let Some(line) = &mut self.tcp_line {
            line.unused();
        }
        self.layers.clear();
        self.layers_seen = 0;
        self.fields.clear();
        self.field_depths.clear();
        self.notes.clear();
        self.deferred.clear();
    }

    /// The Info column: `info`, and TCP's summary line if it was kept as parts.
    #[inline]
    pub fn info_text(&self) -> std::borrow::Cow<'_, str> {
        match &self.tcp_line {
            Some(line) if line.is_used() => {
                let mut text = self.info.clone();
                line.write(&mut text);
                std::borrow::Cow::Owned(text)
            }
            _ => std::borrow::Cow::Borrowed(&self.info),
        }
    }

    /// Completes the labels that waited, each with what `decided` says about it, as a
    /// second pass would have written them; the packet then waits for nothing.
    pub fn settle(&mut self, mut decided: impl FnMut(&Deferred) -> Settled) {
        let mut pending = std::mem::take(&mut self.deferred);
        // Insertions from the back, so that the positions ahead of them stay right.
        pending.sort_by_key(|p| std::cmp::Reverse(Self::position(p)));
        for item in &pending {
            match (*item, decided(item)) {
                (Deferred::TlsColumn { .. }, Settled::Tls(Some(version))) => {
                    self.protocol = super::app::tls::version_column(version);
                }
                (Deferred::TlsContentType { field_at, .. }, Settled::Tls(Some(version)))
                    if super::app::tls::version_column(version) == "TLSv1.3" =>
                {
                    let depth = self.depth_at(field_at);
                    if matches!(self.fields.get(field_at), Some((Field::TlsRecordContentType, _))) {
                        self.fields.remove(field_at);
                        if field_at < self.field_depths.len() {
                            self.field_depths.remove(field_at);
                        }
                    }
                    if self.keeps(Field::TlsRecordOpaqueType) {
                        let at = field_at.min(self.fields.len());
                        self.fields.insert(at, (Field::TlsRecordOpaqueType, Value::U(23)));
                        self.field_depths.insert(at.min(self.field_depths.len()), depth);
                    }
                }
                (Deferred::Echo { info_at, field_at, v6 }, Settled::Echo(reply)) => {
                    let (resp_in, no_resp) = if v6 {
                        (Field::Icmpv6RespIn, Field::Icmpv6NoResp)
                    } else {
                        (Field::IcmpRespIn, Field::IcmpNoResp)
                    };
                    let (note, field) = match reply {
                        Some(reply) => (format!(" (reply in {reply})"), (resp_in, Value::U(reply))),
                        None => (" (no response found!)".to_string(), (no_resp, Value::Flag)),
                    };
                    if self.keeps(field.0) {
                        let at = field_at.min(self.fields.len());
                        let depth = self.depth_at(at);
                        self.fields.insert(at, field);
                        self.field_depths.insert(at.min(self.field_depths.len()), depth);
                    }
                    let at = if self.info.is_char_boundary(info_at) {
                        info_at
                    } else {
                        self.info.len()
                    };
                    self.info.insert_str(at, &note);
                }
                _ => {}
            }
        }
        pending.clear();
        self.deferred = pending;
    }

    fn position(pending: &Deferred) -> usize {
        match pending {
            Deferred::TlsColumn { .. } => 0,
            Deferred::TlsContentType { field_at, .. } | Deferred::Echo { field_at, .. } => *field_at,
        }
    }

    #[inline(always)]
    pub(crate) fn keeps(&self, field: Field) -> bool {
        self.fields_wanted && self.only.as_ref().is_none_or(|only| only[field as usize])
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, field: Field, value: Value) {
        if self.keeps(field) {
            self.fields.push((field, value));
            self.field_depths
                .push(self.layers.len().min(usize::from(u16::MAX)) as u16);
        }
    }

    #[inline(always)]
    pub(crate) fn add_u(&mut self, field: Field, value: impl Into<u64>) {
        if self.keeps(field) {
            self.fields.push((field, Value::U(value.into())));
            self.field_depths
                .push(self.layers.len().min(usize::from(u16::MAX)) as u16);
        }
    }

    pub(crate) fn push_layer(&mut self, proto: Proto, offset: usize) {
        self.layers.push(Layer { proto, offset });
        if !proto.names_only() {
            self.layers_seen |= proto.bit();
        }
    }

    /// The innermost layer that is a protocol's own (not a name only).
    pub(crate) fn last_layer(&self) -> Option<Proto> {
        self.layers.iter().rev().map(|l| l.proto).find(|p| !p.names_only())
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

    /// Removes the layers of `proto`, if any: most frames have none, and the bit says so
    /// without a pass over the layers.
    pub(crate) fn drop_layers(&mut self, proto: Proto) {
        if self.layers_seen & proto.bit() != 0 {
            self.layers.retain(|l| l.proto != proto);
        }
    }

    /// The layer count recorded for a field inserted at `at` (that of the field it goes
    /// before, or of the last one).
    fn depth_at(&self, at: usize) -> u16 {
        let layers = self.layers.len().min(usize::from(u16::MAX)) as u16;
        self.field_depths
            .get(at)
            .or_else(|| self.field_depths.last())
            .copied()
            .unwrap_or(layers)
    }

    /// Which instance of its protocol the field at `index` belongs to (1 for the first
    /// IP header, 2 for the one an ICMP error quotes), and how many instances the packet
    /// has; fields of a protocol without a layer of its own (a certificate's) are in its
    /// one instance.
    pub fn layer_of_field(&self, index: usize) -> (usize, usize) {
        let Some(proto) = self.fields.get(index).and_then(|(field, _)| Proto::of_field(*field)) else {
            return (1, 1);
        };
        let depth = self
            .field_depths
            .get(index)
            .map_or(self.layers.len(), |d| usize::from(*d));
        let instances = |layers: &[Layer]| layers.iter().filter(|l| l.proto.holds_fields_of(proto)).count();
        (
            instances(&self.layers[..depth.min(self.layers.len())]),
            instances(&self.layers),
        )
    }

    pub fn has_proto(&self, proto: Proto) -> bool {
        self.layers_seen & proto.bit() != 0 && self.layers.iter().any(|l| l.proto == proto)
    }

    /// False when the packet has none of the layers in `protos` (bits of [`Proto::bit`])
    /// and no field: a filter that only tests for those fails at once.
    pub(crate) fn may_have_any(&self, protos: u64) -> bool {
        self.layers_seen & protos != 0 || !self.fields.is_empty()
    }

    /// `eth:ethertype:ip:tcp`-style list, as frame.protocols (without tshark's
    /// pseudo-layer "ethertype").
    pub fn protocols(&self) -> String {
        // tshark's mailslot dissector adds no layer of its own (its filter finds it all
        // the same).
        let layers: Vec<Proto> = self
            .layers
            .iter()
            .map(|l| l.proto)
            .filter(|&p| p != Proto::Frame && p != Proto::Mailslot)
            .collect();
        let mut names: Vec<&str> = Vec::with_capacity(layers.len() + 2);
        // tshark names the dissector of raw IP frames (link type 101; 228 and 229 go to
        // IP straight), and the EtherType table each
        // link header hands its payload through.
        if self.linktype == LinkType::Raw {
            names.push("raw");
        }
        // Bytes after a link header are data through the EtherType table too, unless
        // the Ethernet header held an 802.3 length, not an EtherType.
        let through_ethertype = self.protocol != "LLC";
        for (i, proto) in layers.iter().enumerate() {
            names.push(proto.filter_name());
            let typed = matches!(proto, Proto::Eth | Proto::Sll | Proto::Vlan | Proto::Ieee8021ad);
            let next = layers.get(i + 1);
            if typed
                && (matches!(
                    next,
                    Some(Proto::Ip | Proto::Ipv6 | Proto::Arp | Proto::Vlan | Proto::Ieee8021ad)
                ) || next == Some(&Proto::Data) && through_ethertype)
            {
                names.push("ethertype");
            }
        }
        names.join(":")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_protocols_name_the_ethertype_table_and_raw_ip_as_tshark() {
        let mut p = Packet::blank();
        for (proto, at) in [(Proto::Eth, 0), (Proto::Vlan, 14), (Proto::Ip, 18), (Proto::Tcp, 38)] {
            p.push_layer(proto, at);
        }
        assert_eq!(p.protocols(), "eth:ethertype:vlan:ethertype:ip:tcp");
        let mut raw = Packet::new(1, 0, 0, 40, 40, LinkType::Raw);
        raw.push_layer(Proto::Ip, 0);
        assert_eq!(raw.protocols(), "raw:ip");
        let mut ipv4 = Packet::new(1, 0, 0, 40, 40, LinkType::Ipv4);
        ipv4.push_layer(Proto::Ip, 0);
        assert_eq!(ipv4.protocols(), "ip");
    }

    #[test]
    fn protocols_are_found_among_the_layers_left() {
        let mut p = Packet::blank();
        p.push_layer(Proto::Eth, 0);
        p.push_layer(Proto::Ip, 14);
        p.push_layer(Proto::Data, 34);
        assert!(p.has_proto(Proto::Ip) && p.has_proto(Proto::Data));
        assert!(!p.has_proto(Proto::Tcp));
        // An analyzer that takes the payload drops the Data layer.
        p.drop_layers(Proto::Data);
        assert!(!p.has_proto(Proto::Data));
        p.reset(2, 0, 0, 60, 60, LinkType::Ethernet);
        assert!(!p.has_proto(Proto::Eth));
        for &proto in Proto::ALL {
            p.push_layer(proto, 0);
            // A certificate's parts are names in frame.protocols that no filter finds.
            assert_eq!(p.has_proto(proto), !proto.names_only(), "{proto:?}");
        }
        assert!(p.protocols().contains(":x509sat:x509ce:"));
    }

    #[test]
    fn a_tls_column_settles_on_the_sessions_version_or_stays() {
        let mut p = Packet::blank();
        p.protocol = "TLSv1";
        p.deferred.push(Deferred::TlsColumn { stream: 3 });
        p.settle(|_| Settled::Tls(Some(0x0304)));
        assert_eq!(p.protocol, "TLSv1.3");
        assert!(p.deferred.is_empty());
        p.protocol = "TLSv1";
        p.deferred.push(Deferred::TlsColumn { stream: 3 });
        p.settle(|_| Settled::Tls(None));
        assert_eq!(
            p.protocol, "TLSv1",
            "a session that never named a version keeps the record's"
        );
    }

    #[test]
    fn application_data_is_opaque_only_in_a_tls_1_3_session() {
        let fields = vec![
            (Field::TlsRecordContentType, Value::U(23)),
            (Field::TlsRecordVersion, Value::U(0x0303)),
        ];
        let mut p = Packet::blank();
        p.fields = fields.clone();
        p.deferred.push(Deferred::TlsContentType { stream: 1, field_at: 0 });
        p.settle(|_| Settled::Tls(Some(0x0303)));
        assert_eq!(p.fields, fields);
        p.deferred.push(Deferred::TlsContentType { stream: 1, field_at: 0 });
        p.settle(|_| Settled::Tls(Some(0x0304)));
        assert_eq!(p.fields[0], (Field::TlsRecordOpaqueType, Value::U(23)));
        assert_eq!(p.fields.len(), 2);
    }

    #[test]
    fn an_echo_note_and_field_go_where_a_second_pass_puts_them() {
        let mut p = Packet::blank();
        p.info = "Echo (ping) request  id=0x0001, seq=1/256, ttl=64".into();
        p.fields = vec![(Field::IcmpSeq, Value::U(1)), (Field::FrameLen, Value::U(98))];
        let info_at = p.info.len();
        p.deferred.push(Deferred::Echo {
            info_at,
            field_at: 1,
            v6: false,
        });
        p.info.push_str(" [later text]");
        p.settle(|_| Settled::Echo(Some(7)));
        assert_eq!(
            p.info,
            "Echo (ping) request  id=0x0001, seq=1/256, ttl=64 (reply in 7) [later text]"
        );
        assert_eq!(p.fields[1], (Field::IcmpRespIn, Value::U(7)));
        p.deferred.push(Deferred::Echo {
            info_at: 3,
            field_at: 0,
            v6: true,
        });
        p.settle(|_| Settled::Echo(None));
        assert!(p.info.starts_with("Ech (no response found!)o"));
        assert_eq!(p.fields[0], (Field::Icmpv6NoResp, Value::Flag));
    }
}
