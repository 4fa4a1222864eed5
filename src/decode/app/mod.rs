//! Application analyzers and the dispatch that feeds them.
//!
//! The analyzers are sans-io: TCP hands them each direction's bytes in order (already
//! reassembled, each byte once) and UDP hands them datagrams; they keep bounded state
//! per conversation and report messages through [`Out`]. Like tshark, a message spread
//! over several segments is shown in the frame where its last byte arrives; the frames
//! before it say `[TCP segment of a reassembled PDU]`.
//!
//! Which analyzer a TCP conversation gets is decided as tshark decides it: a data
//! channel an FTP control connection announced, then the server's port, the lower
//! port, the higher port, then content heuristics (HTTP and TLS) until one matches.

pub mod browser;
pub mod dhcp;
pub mod dhcpv6;
pub mod dns;
pub mod ftp;
pub mod http;
pub mod nbss;
pub mod ntlmssp;
pub mod ntp;
pub mod ntstatus;
pub mod smb2;
pub mod tls;
pub mod x509;

use std::net::IpAddr;

use super::field::{Field, Value};
use super::hints::{HintWriter, Hints};
use super::packet::{Deferred, Packet, Proto, Severity};

/// Which way a message travels within a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    ToServer = 0,
    ToClient = 1,
}

/// Where an analyzer's results go: the frame being decoded. The first message of a
/// frame replaces the transport's Info text (after any TCP analysis tags); later ones
/// are joined to it.
pub struct Out<'p> {
    packet: &'p mut Packet,
    /// Length of the Info prefix that stays (tshark's column fence: `[TCP ...] ` tags).
    keep: usize,
    /// Offset of the payload in the frame, for the layer list.
    offset: usize,
    messages: usize,
    /// The transport's Info text after the tags, written only when it is kept: the
    /// first application message replaces it unwritten.
    pending_line: Option<&'p dyn Fn(&mut String)>,
    /// The pending line ends with [`PDU_SEGMENT`] when written.
    pdu_segment: bool,
}

/// What follows the TCP line of a segment an analyzer took that completes no message.
pub(crate) const PDU_SEGMENT: &str = " [TCP segment of a reassembled PDU]";

impl<'p> Out<'p> {
    pub(crate) fn new(packet: &'p mut Packet, keep: usize, offset: usize) -> Self {
        Out {
            packet,
            keep,
            offset,
            messages: 0,
            pending_line: None,
            pdu_segment: false,
        }
    }

    /// Sets the transport's Info text to be written by `write` unless an application
    /// message replaces it first.
    pub(crate) fn set_pending_line(&mut self, write: &'p dyn Fn(&mut String)) {
        self.pending_line = Some(write);
    }

    /// Whether the transport's Info text is still pending (no application message
    /// replaced it): it is then left to the caller, not written. `Some(true)` when it
    /// ends with [`PDU_SEGMENT`].
    pub(crate) fn take_pending_line(&mut self) -> Option<bool> {
        self.pending_line.take().map(|_| self.pdu_segment)
    }

    /// Writes the transport's Info text if it is still pending and would be kept:
    /// before anything is added to Info, and when the analyzers are done.
    pub(crate) fn finish(&mut self) {
        if let Some(write) = self.pending_line.take() {
            write(&mut self.packet.info);
            if self.pdu_segment {
                self.packet.info.push_str(PDU_SEGMENT);
            }
        }
    }

    /// Ends the transport's Info with [`PDU_SEGMENT`]: written now, or marked on the
    /// pending line when a filtered list writes that line only for the packets it
    /// shows (a quarter of the frames of a capture of file transfers end so).
    fn segment_of_pdu(&mut self) {
        if self.pending_line.is_some() && self.packet.defer_tcp_line {
            self.pdu_segment = true;
        } else {
            self.finish();
            self.packet.info.push_str(PDU_SEGMENT);
        }
    }

    /// Starts a message of `proto`, shown as `column` in the Protocol column.
    pub fn message(&mut self, proto: Proto, column: &'static str) {
        // A column that waited for later frames is overwritten.
        if !self.packet.deferred.is_empty() {
            self.packet
                .deferred
                .retain(|d| !matches!(d, Deferred::TlsColumn { .. }));
        }
        if self.messages == 0 {
            self.pending_line = None;
            self.packet.info.truncate(self.keep);
            self.packet.drop_layers(Proto::Data);
        }
        if self.packet.last_layer() != Some(proto) {
            self.packet.push_layer(proto, self.offset);
        }
        self.packet.protocol = column;
        self.messages += 1;
    }

    /// Adds a layer inside the current message (NTLMSSP inside SMB2) without changing
    /// the Protocol column.
    pub fn layer(&mut self, proto: Proto) {
        if self.packet.last_layer() != Some(proto) {
            self.packet.push_layer(proto, self.offset);
        }
    }

    /// Adds a layer even when the last one is of the same protocol (a subtree tshark
    /// names as its parent's protocol).
    pub fn nested_layer(&mut self, proto: Proto) {
        self.packet.push_layer(proto, self.offset);
    }

    pub(crate) fn packet_mut(&mut self) -> &mut Packet {
        self.packet
    }

    /// Drops the Info text reported so far in this frame (keeping analysis tags).
    pub fn clear_info(&mut self) {
        self.pending_line = None;
        self.packet.info.truncate(self.keep);
    }

    /// Appends Info text as it is (the analyzer supplies any separator).
    pub fn info(&mut self, text: &str) {
        self.finish();
        self.packet.info.push_str(text);
    }

    /// [`Out::info`] with formatting, written straight into the column.
    pub fn info_fmt(&mut self, text: std::fmt::Arguments) {
        self.finish();
        let _ = std::fmt::Write::write_fmt(&mut self.packet.info, text);
    }

    /// [`Out::info`] written by `write` straight into the column.
    pub fn info_with(&mut self, write: impl FnOnce(&mut String)) {
        self.finish();
        write(&mut self.packet.info);
    }

    /// Appends an Info part, after ", " unless it is the first text of the frame.
    pub fn info_part(&mut self, text: &str) {
        self.finish();
        if self.packet.info.len() > self.keep {
            self.packet.info.push_str(", ");
        }
        self.packet.info.push_str(text);
    }

    /// [`Out::info_part`] written by `write` straight into the column (nothing is
    /// written when nobody reads Info, as in a first pass).
    pub fn info_part_with(&mut self, write: impl FnOnce(&mut String)) {
        if !self.packet.info_wanted {
            return;
        }
        self.finish();
        if self.packet.info.len() > self.keep {
            self.packet.info.push_str(", ");
        }
        write(&mut self.packet.info);
    }

    /// Appends an Info part after ", " whenever the column holds anything, the TCP
    /// analysis tags included (`[TCP ACKed unseen segment] , Application Data`): the
    /// way tshark's TLS dissector appends.
    pub fn info_sep(&mut self, text: &str) {
        self.finish();
        if !self.packet.info.is_empty() {
            self.packet.info.push_str(", ");
        }
        self.packet.info.push_str(text);
    }

    pub fn field(&mut self, field: Field, value: Value) {
        self.packet.add(field, value);
    }

    pub fn uint(&mut self, field: Field, value: impl Into<u64>) {
        self.packet.add_u(field, value);
    }

    /// A text field; a borrowed `value` is copied only if the field is kept.
    pub fn str(&mut self, field: Field, value: impl Into<String>) {
        if self.packet.keeps(field) {
            self.packet.add(field, Value::Str(value.into()));
        }
    }

    /// Is any `http.*` field kept? (HTTP's headers are looked up as fields only then.)
    pub fn wants_http_fields(&self) -> bool {
        self.packet.fields_wanted && self.packet.http_fields_wanted
    }

    /// Would a value of `field` be kept? (Skip building what nobody reads.)
    pub fn wants(&self, field: Field) -> bool {
        self.packet.keeps(field)
    }

    pub fn note(&mut self, severity: Severity, proto: Proto, message: impl Into<String>) {
        self.packet.note(severity, proto, message);
    }

    /// Messages reported so far in this frame.
    /// Marks part of the labels as waiting for later frames.
    pub(crate) fn defer(&mut self, deferred: Deferred) {
        self.packet.deferred.push(deferred);
    }

    /// How many fields the packet holds (where the next one goes).
    pub(crate) fn field_count(&self) -> usize {
        self.packet.fields.len()
    }

    pub fn messages(&self) -> usize {
        self.messages
    }

    /// Is the frame decoded only for the state it feeds (`Packet::quiet`)? Its labels
    /// and fields are never read.
    pub(crate) fn quiet(&self) -> bool {
        self.packet.quiet
    }

    /// The capture's snaplen cut this frame short.
    pub fn snaplen_cut(&self) -> bool {
        self.packet.cap_len < self.packet.orig_len
    }

    pub fn frame(&self) -> u64 {
        self.packet.number
    }

    pub fn rel_ns(&self) -> i64 {
        self.packet.rel_ns
    }
}

/// A TCP segment as the application layer sees it.
pub(crate) struct TcpSegment<'a> {
    pub stream: u64,
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub syn: bool,
    pub ack: bool,
    pub fin_or_rst: bool,
    /// The snaplen cut this segment's bytes short (see `Analysis::cut`).
    pub cut: bool,
    /// The conversation ended with this segment.
    pub closed: bool,
    /// The bytes it added to its direction's ordered stream (empty for a retransmission).
    pub delivered: &'a [u8],
}

/// One conversation's analyzer.
#[derive(Debug)]
enum Analyzer {
    /// No payload seen yet, or none recognised (heuristics are tried again).
    Undecided,
    /// Boxed: an HTTP conversation is much larger than the others.
    Http(Box<http::Conversation>),
    Tls(tls::Conversation),
    Ftp(ftp::Control),
    /// FTP after AUTH TLS: TLS records, and clear FTP again if the client ends TLS (CCC).
    FtpTls(ftp::Control, tls::Conversation),
    FtpData(ftp::DataChannel),
    Nbss(nbss::Conversation),
    Dns(dns::TcpConversation),
}

#[derive(Debug)]
struct TcpConversation {
    /// The endpoint that answered a SYN, when the handshake was seen.
    server: Option<(IpAddr, u16)>,
    /// The conversation's first frame.
    first_frame: u64,
    analyzer: Analyzer,
    /// A first pass has posted the version this TLS session settled on.
    tls_posted: bool,
    /// The conversation is an HTTP CONNECT tunnel: what it carries is inside HTTP (as
    /// tshark layers it, so `http` keeps its frames too).
    tunnel: bool,
}

/// Application state for one capture.
#[derive(Debug, Default)]
pub struct AppLayer {
    tcp: rustc_hash::FxHashMap<u64, TcpConversation>,
    /// A single pass that holds packets back: labels that depend on later frames are
    /// marked pending on the packet (see `Packet::pending`).
    pub(crate) deferring: bool,
    /// A first pass, run only to learn the hints: analyzers that cannot teach it
    /// anything (SMB, DNS, FTP data, UDP) are skipped.
    pub(crate) hints_only: bool,
    ftp_expected: ftp::Expectations,
    dns: dns::Transactions,
    /// mDNS and LLMNR transactions, matched within their conversations.
    multicast_names: dns::ConversationTransactions,
    hints: Hints,
}

fn tls_of(conv: &TcpConversation) -> Option<&tls::Conversation> {
    match &conv.analyzer {
        Analyzer::Tls(tls) | Analyzer::FtpTls(_, tls) => Some(tls),
        _ => None,
    }
}

/// A first pass posts the version a TLS session settled on once it is sure of it: at
/// its Server Hello, or when the conversation ends (`ended`).
fn post_tls_version(stream: u64, conv: &mut TcpConversation, ended: bool, scout: Option<&mut HintWriter>) {
    let (Some(scout), Some(tls)) = (scout, tls_of(conv)) else {
        return;
    };
    if !conv.tls_posted && (ended || tls.settled()) {
        scout.tls(stream, tls.version(), tls.since());
        conv.tls_posted = true;
    }
}

/// What tshark appends to Info when a message cannot be dissected further.
pub(crate) const MALFORMED: &str = "[Malformed Packet]";

/// UDP ports of the analyzers (DNS, DHCP, NBNS, NetBIOS datagrams, DHCPv6, SSDP,
/// mDNS, LLMNR).
const DECODED_UDP_PORTS: [u16; 10] = [53, 67, 68, 137, 138, 546, 547, 1900, 5353, 5355];

/// UDP ports tshark gives to protocols wirelab does not decode (TFTP, NTP, SNMP, ...):
/// the DNS heuristic stays off them.
const OTHER_UDP_PORTS: [u16; 13] = [69, 123, 161, 162, 500, 514, 1812, 1813, 3544, 3702, 4500, 5060, 17500];

/// Does a TCP conversation on this port feed state that conversations between other
/// hosts read (DNS transactions, matched by id whatever the addresses)? Decoding a
/// capture in shards (`decode::shards`), every shard decodes such conversations. FTP's
/// announced data channels are read by the conversations of the announcing
/// connection's own hosts (see [`ftp::ChannelReport`]).
pub(crate) fn tcp_port_shares_state(port: u16) -> bool {
    // Asked for every frame of a sharded capture: the ports of `tcp_port_protocol`'s
    // DNS (a test keeps the two in step).
    matches!(port, 53 | 5353)
}

/// The same for UDP: DNS and NetBIOS names, whose transactions are matched by id
/// whatever the addresses (queries go to broadcast addresses). NetBIOS datagrams and
/// SSDP keep no state.
pub(crate) fn udp_port_shares_state(port: u16) -> bool {
    matches!(port, 53 | 137)
}

/// How tshark's port tables map a TCP port (its defaults in 4.0).
fn tcp_port_protocol(port: u16) -> Option<PortProtocol> {
    match port {
        80 | 631 | 1900 | 2710 | 2869 | 3128 | 3132 | 3689 | 5985 | 8080 | 8088 | 11371 => Some(PortProtocol::Http),
        261
        | 324
        | 443
        | 465
        | 563
        | 585
        | 614
        | 636
        | 802
        | 853
        | 989
        | 990
        | 992
        | 993
        | 994
        | 995
        | 1300
        | 2221
        | 2443
        | 3249..=3252
        | 3496
        | 4433
        | 5061
        | 5349
        | 5671
        | 5684
        | 5868
        | 6514
        | 8883
        | 11207
        | 19999
        | 27017 => Some(PortProtocol::Tls),
        21 => Some(PortProtocol::Ftp),
        20 => Some(PortProtocol::FtpData),
        139 | 445 => Some(PortProtocol::Nbss),
        53 | 5353 => Some(PortProtocol::Dns),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortProtocol {
    Http,
    Tls,
    Ftp,
    FtpData,
    Nbss,
    Dns,
}

impl AppLayer {
    pub fn with_hints(hints: Hints) -> Self {
        AppLayer {
            hints,
            ..AppLayer::default()
        }
    }

    /// Sessions that start from now on are labelled from `hints`.
    pub(crate) fn set_hints(&mut self, hints: Hints) {
        self.hints = hints;
    }

    /// See [`ftp::Expectations::report_channels`].
    pub(crate) fn report_channels(&mut self) {
        self.ftp_expected.report_channels();
    }

    /// See [`ftp::Expectations::take_reports`].
    pub(crate) fn take_channel_reports(&mut self) -> Vec<ftp::ChannelReport> {
        self.ftp_expected.take_reports()
    }

    /// Decodes what a TCP segment carries. Returns whether an analyzer claimed the
    /// payload (otherwise the caller shows it as data). A first pass posts what it
    /// learns to `scout`.
    pub(crate) fn tcp_segment(&mut self, seg: &TcpSegment, out: &mut Out, mut scout: Option<&mut HintWriter>) -> bool {
        // Nothing to decode and no analyzer yet: no state is created for it.
        if seg.delivered.is_empty() && !seg.syn && !self.tcp.contains_key(&seg.stream) {
            return false;
        }
        let claimed = self.analyze(seg, out);
        if seg.cut {
            self.cut_short(seg, out, scout.as_deref_mut());
        }
        if scout.is_some() {
            if let Some(conv) = self.tcp.get_mut(&seg.stream) {
                post_tls_version(seg.stream, conv, false, scout.as_deref_mut());
            }
        }
        if seg.closed {
            self.forget(seg.stream, scout);
        }
        claimed
    }

    /// Does a first pass still need the bytes of this conversation? Not once its TLS
    /// version is posted, nor for what it does not analyze (SMB, DNS, FTP data).
    pub(crate) fn scout_wants_bytes(&self, stream: u64) -> bool {
        self.tcp.get(&stream).is_none_or(|conv| match &conv.analyzer {
            Analyzer::Tls(_) => !conv.tls_posted,
            Analyzer::Nbss(_) | Analyzer::Dns(_) | Analyzer::FtpData(_) => false,
            Analyzer::Undecided | Analyzer::Http(_) | Analyzer::Ftp(_) | Analyzer::FtpTls(..) => true,
        })
    }

    /// The snaplen cut a segment: HTTP shows the message as far as it was captured, as
    /// tshark does, and waits for a new one; other analyzers start afresh with the next
    /// bytes (what they were reading can never be completed).
    fn cut_short(&mut self, seg: &TcpSegment, out: &mut Out, scout: Option<&mut HintWriter>) {
        let Some(conv) = self.tcp.get_mut(&seg.stream) else {
            return;
        };
        match &mut conv.analyzer {
            Analyzer::Http(http) => {
                let dir = direction(conv.server, seg);
                http.cut_short(dir, out);
            }
            Analyzer::Undecided => {}
            _ => self.forget(seg.stream, scout),
        }
    }

    /// Lets go of a TCP conversation's analyzer (it ended, or the tracker forgot it).
    pub(crate) fn forget(&mut self, stream: u64, scout: Option<&mut HintWriter>) {
        if let Some(mut conv) = self.tcp.remove(&stream) {
            post_tls_version(stream, &mut conv, true, scout);
        }
    }

    /// The TLS sessions whose version is not settled yet.
    pub(crate) fn unsettled_tls(&self) -> impl Iterator<Item = u64> + '_ {
        self.tcp
            .iter()
            .filter(|(_, conv)| !conv.tls_posted && tls_of(conv).is_some_and(|tls| !tls.settled()))
            .map(|(stream, _)| *stream)
    }

    /// The end of a first pass: the TLS sessions still open have settled.
    pub(crate) fn end_of_capture(&mut self, scout: &mut HintWriter) {
        for (stream, conv) in &mut self.tcp {
            post_tls_version(*stream, conv, true, Some(scout));
        }
    }

    fn analyze(&mut self, seg: &TcpSegment, out: &mut Out) -> bool {
        // Made only when new: a conversation made and dropped for every segment costs a
        // call to its destructor.
        let first_frame = out.frame();
        let conv = self.tcp.entry(seg.stream).or_insert_with(|| TcpConversation {
            server: None,
            first_frame,
            analyzer: Analyzer::Undecided,
            tls_posted: false,
            tunnel: false,
        });
        if seg.syn {
            // SYN goes to the server, SYN-ACK comes from it.
            conv.server = Some(if seg.ack { seg.src } else { seg.dst });
        }
        if seg.delivered.is_empty() {
            // No new bytes: a bare ACK, or a retransmission, which tshark hands to no
            // analyzer either (it stays "[TCP Retransmission] ..." TCP).
            if seg.fin_or_rst {
                if let Analyzer::Http(http) = &mut conv.analyzer {
                    let dir = direction(conv.server, seg);
                    http.end_of_stream(dir, out);
                }
            }
            return false;
        }
        // A TLS session is labelled with the version a first pass saw it settle on
        // (asked for once, when its analyzer starts), or, in a single pass that holds
        // packets back, marks its labels as pending until it settles.
        let (hints, deferring, frame) = (&self.hints, self.deferring, out.frame());
        let new_tls = || tls::Conversation::new(seg.stream, frame, hints, deferring);
        if matches!(conv.analyzer, Analyzer::Undecided) {
            conv.analyzer = choose(conv.server, seg, &mut self.ftp_expected, conv.first_frame, new_tls);
            if out.quiet() && matches!(&conv.analyzer, Analyzer::FtpData(channel) if channel.announced()) {
                self.ftp_expected.claimed_quietly(frame);
            }
        }
        if self.hints_only
            && matches!(
                conv.analyzer,
                Analyzer::Nbss(_) | Analyzer::Dns(_) | Analyzer::FtpData(_)
            )
        {
            return false;
        }
        let dir = direction(conv.server, seg);
        let claimed = match &mut conv.analyzer {
            Analyzer::Undecided => false,
            Analyzer::Http(http) => {
                let upgraded = http.feed(dir, seg.delivered, out);
                if let Some(tunnel_port) = upgraded {
                    // After CONNECT, the tunnel carries what the target port carries.
                    conv.analyzer = match tcp_port_protocol(tunnel_port) {
                        Some(PortProtocol::Tls) | None => Analyzer::Tls(new_tls()),
                        Some(_) => Analyzer::Undecided,
                    };
                    conv.tunnel = true;
                }
                true
            }
            Analyzer::Tls(tls) if conv.tunnel => {
                // Inside the tunnel's HTTP layer, when a message comes of it.
                let before = out.messages();
                out.layer(Proto::Http);
                tls.feed(dir, seg.delivered, out);
                if out.messages() == before {
                    out.packet_mut().drop_layers(Proto::Http);
                }
                true
            }
            Analyzer::Tls(tls) => {
                tls.feed(dir, seg.delivered, out);
                true
            }
            Analyzer::Ftp(ftp) => {
                let is_request = seg.dst.1 == ftp.server_port();
                let starts_tls = ftp.segment(
                    is_request,
                    seg.delivered,
                    (seg.src, seg.dst),
                    &mut self.ftp_expected,
                    out,
                );
                if starts_tls {
                    // AUTH TLS answered with 234: the control connection continues in TLS.
                    let Analyzer::Ftp(control) = std::mem::replace(&mut conv.analyzer, Analyzer::Undecided) else {
                        unreachable!("matched above")
                    };
                    conv.analyzer = Analyzer::FtpTls(control, new_tls());
                }
                true
            }
            Analyzer::FtpTls(ftp, tls) => {
                if tls.is_mid_record(dir) || tls::looks_like_tls(seg.delivered) {
                    tls.feed(dir, seg.delivered, out);
                } else {
                    let is_request = seg.dst.1 == ftp.server_port();
                    ftp.segment(
                        is_request,
                        seg.delivered,
                        (seg.src, seg.dst),
                        &mut self.ftp_expected,
                        out,
                    );
                }
                true
            }
            Analyzer::FtpData(data) => {
                data.segment(seg.delivered, &self.ftp_expected, out);
                true
            }
            Analyzer::Nbss(nbss) => {
                nbss.feed(dir, seg.delivered, out);
                true
            }
            Analyzer::Dns(dns) => {
                dns.feed(dir, seg.delivered, &mut self.dns, out);
                true
            }
        };
        if claimed && out.messages() == 0 && !seg.delivered.is_empty() {
            out.segment_of_pdu();
            out.packet.drop_layers(Proto::Data);
        }
        claimed
    }

    /// Decodes a UDP datagram's payload; returns whether an analyzer claimed it.
    pub(crate) fn udp_datagram(
        &mut self,
        src: (IpAddr, u16),
        dst: (IpAddr, u16),
        payload: &[u8],
        out: &mut Out,
    ) -> bool {
        if self.hints_only {
            return false;
        }
        let ports = [src.1.min(dst.1), src.1.max(dst.1)];
        let by_id = |transactions| dns::Matching::ById(transactions);
        for port in ports {
            match port {
                53 => return dns::udp(dns::Flavor::Dns, payload, by_id(&mut self.dns), out),
                67 | 68 => return dhcp::datagram(payload, out),
                137 => return dns::udp(dns::Flavor::Nbns, payload, by_id(&mut self.dns), out),
                138 => return browser::nbdgm(payload, out),
                546 | 547 => return dhcpv6::datagram(payload, out),
                // Control and private messages fall through to UDP.
                123 => return ntp::datagram(payload, out),
                1900 => return http::ssdp(payload, out),
                5353 | 5355 => {
                    let flavor = if port == 5353 {
                        dns::Flavor::Mdns
                    } else {
                        dns::Flavor::Llmnr
                    };
                    let matching = dns::Matching::InConversation(&mut self.multicast_names, (src, dst));
                    return dns::udp(flavor, payload, matching, out);
                }
                _ => {}
            }
        }
        if !ports.iter().any(|p| OTHER_UDP_PORTS.contains(p)) && dns::looks_like_dns(payload) {
            return dns::udp(dns::Flavor::Dns, payload, by_id(&mut self.dns), out);
        }
        false
    }
}

/// Would tshark show this UDP payload as plain data: no port of a protocol it decodes
/// (wirelab's analyzers or `OTHER_UDP_PORTS`), and no DNS message? For datagrams an
/// ICMP error quotes, whose analyzers are not run.
pub(crate) fn udp_payload_is_data(ports: (u16, u16), payload: &[u8]) -> bool {
    let known = |port: u16| DECODED_UDP_PORTS.contains(&port) || OTHER_UDP_PORTS.contains(&port);
    !known(ports.0) && !known(ports.1) && !dns::looks_like_dns(payload)
}

/// The direction of a segment: towards the server when the handshake named it, else
/// towards the lower (well-known) port.
fn direction(server: Option<(IpAddr, u16)>, seg: &TcpSegment) -> Dir {
    match server {
        Some(server) if seg.dst == server => Dir::ToServer,
        Some(_) => Dir::ToClient,
        None if seg.dst.1 <= seg.src.1 => Dir::ToServer,
        None => Dir::ToClient,
    }
}

fn choose(
    server: Option<(IpAddr, u16)>,
    seg: &TcpSegment,
    expected: &mut ftp::Expectations,
    first_frame: u64,
    new_tls: impl FnOnce() -> tls::Conversation,
) -> Analyzer {
    if let Some(channel) = expected.take(seg.src, seg.dst) {
        return Analyzer::FtpData(channel);
    }
    let (low, high) = (seg.src.1.min(seg.dst.1), seg.src.1.max(seg.dst.1));
    let server_port = server.map(|s| s.1);
    for port in server_port.into_iter().chain([low, high]) {
        if let Some(protocol) = tcp_port_protocol(port) {
            return match protocol {
                PortProtocol::Http => Analyzer::Http(Box::default()),
                PortProtocol::Tls => Analyzer::Tls(new_tls()),
                PortProtocol::Ftp => Analyzer::Ftp(ftp::Control::new(port)),
                PortProtocol::FtpData => Analyzer::FtpData(ftp::DataChannel::unannounced(first_frame)),
                PortProtocol::Nbss => Analyzer::Nbss(nbss::Conversation::default()),
                PortProtocol::Dns => Analyzer::Dns(dns::TcpConversation::default()),
            };
        }
    }
    if http::looks_like_http(seg.delivered) {
        return Analyzer::Http(Box::default());
    }
    if tls::looks_like_tls(seg.delivered) {
        return Analyzer::Tls(new_tls());
    }
    Analyzer::Undecided
}

/// Bytes kept while waiting for the rest of a message, per direction. A message that
/// would need more is given up on (noted) and its bytes skipped.
pub const MAX_PENDING: usize = 1 << 20;

/// What all of a thread's analyzers may hold at once in [`Pending`] buffers, whatever
/// the number of conversations open: beyond it, a stream that needs more is given up.
pub const MAX_PENDING_TOTAL: usize = 256 << 20;

/// A buffer emptied with more capacity than this gives it back.
const KEEP_CAPACITY: usize = 64 << 10;

thread_local! {
    /// Capacity of every live `Pending` of this thread (decoders are per thread).
    static BUFFERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// What this thread's analyzers may hold: [`MAX_PENDING_TOTAL`], or its share when
    /// the capture is decoded in shards on several threads.
    static BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_PENDING_TOTAL) };
}

/// Gives this thread's analyzers `1/shares` of [`MAX_PENDING_TOTAL`] (a shard of a
/// capture decoded on several threads: together they hold what one decoder would).
pub(crate) fn share_thread_budget(shares: usize) {
    BUDGET.set(MAX_PENDING_TOTAL / shares.max(1));
}

/// A direction's bytes not yet consumed by its analyzer.
#[derive(Debug, Default)]
pub struct Pending {
    buf: Vec<u8>,
}

impl Pending {
    /// Adds newly delivered bytes after the waiting ones. False, with nothing added,
    /// when the thread's analyzers would hold more than [`MAX_PENDING_TOTAL`] (or the
    /// thread's share of it).
    #[must_use]
    pub fn push(&mut self, bytes: &[u8]) -> bool {
        self.push_within(bytes, BUDGET.get())
    }

    fn push_within(&mut self, bytes: &[u8], limit: usize) -> bool {
        let room = self.buf.capacity() - self.buf.len();
        if bytes.len() > room && BUFFERED.get() + bytes.len() > limit {
            return false;
        }
        let before = self.buf.capacity();
        self.buf.extend_from_slice(bytes);
        // Capacity only grows here; it shrinks in `trim` and `drop`.
        BUFFERED.set(BUFFERED.get() + (self.buf.capacity() - before));
        true
    }

    /// Everything waiting, to parse from the start.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Drops the first `n` bytes, which were consumed.
    pub fn consume(&mut self, n: usize) {
        self.buf.drain(..n.min(self.buf.len()));
        self.trim();
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.trim();
    }

    /// An empty buffer that grew large lets its memory go.
    fn trim(&mut self) {
        if self.buf.is_empty() && self.buf.capacity() > KEEP_CAPACITY {
            BUFFERED.set(BUFFERED.get().saturating_sub(self.buf.capacity()));
            self.buf = Vec::new();
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        BUFFERED.set(BUFFERED.get().saturating_sub(self.buf.capacity()));
    }
}

/// The note for a stream given up because the analyzers' buffers are full.
pub(crate) fn buffers_full(out: &mut Out, proto: Proto) {
    out.note(
        Severity::Warning,
        proto,
        format!(
            "wirelab's buffers for unfinished messages are full ({} MiB for all streams): this stream is not \
             decoded further",
            BUDGET.get() >> 20
        ),
    );
}

#[cfg(test)]
mod pending_tests {
    use super::*;

    #[test]
    fn the_ports_whose_state_is_shared_are_those_of_dns() {
        for port in 0..=u16::MAX {
            let shared = matches!(tcp_port_protocol(port), Some(PortProtocol::Dns));
            assert_eq!(tcp_port_shares_state(port), shared, "{port}");
        }
    }

    #[test]
    fn buffers_are_capped_for_all_streams_together() {
        let base = BUFFERED.get();
        let (mut a, mut b) = (Pending::default(), Pending::default());
        let chunk = vec![7u8; 100 << 10];
        assert!(a.push_within(&chunk, base + (300 << 10)));
        assert!(b.push_within(&chunk, base + (300 << 10)));
        // A third 100 KiB would pass the 300 KiB cap: refused, nothing added.
        let held = BUFFERED.get();
        assert!(!b.push_within(&chunk, held + (50 << 10)));
        assert_eq!(b.len(), 100 << 10);
        // Consuming everything gives a big buffer's memory back; dropping the rest too.
        b.consume(b.len());
        assert!(BUFFERED.get() < held);
        drop(a);
        drop(b);
        assert_eq!(BUFFERED.get(), base);
    }

    #[test]
    fn a_shard_thread_holds_its_share_of_the_budget() {
        // On a thread of its own: the budget is the thread's.
        std::thread::spawn(|| {
            share_thread_budget(256); // 1 MiB each
            let (mut a, mut b) = (Pending::default(), Pending::default());
            let chunk = vec![7u8; 600 << 10];
            assert!(a.push(&chunk));
            assert!(!b.push(&chunk), "1.2 MiB held past a 1 MiB share");
        })
        .join()
        .expect("the budget thread");
        // Other threads keep the whole budget.
        let mut c = Pending::default();
        assert!(c.push(&vec![7u8; 2 << 20]));
    }
}

/// Helpers for the analyzers' unit tests: a blank packet to decode into.
#[cfg(test)]
pub(crate) mod testing {
    use crate::capture::LinkType;
    use crate::decode::field::{Field, Value};
    use crate::decode::packet::Packet;

    pub fn packet(number: u64) -> Packet {
        Packet::new(number, 0, 0, 0, 0, LinkType::Ethernet)
    }

    /// Every value of a field, as tshark -T fields would print each.
    pub fn values(p: &Packet, field: Field) -> Vec<String> {
        p.values(field)
            .map(|v: &Value| v.to_field_string(field.kind()))
            .collect()
    }

    /// A small deterministic generator (xorshift) of bytes for decoders' robustness
    /// tests: the same inputs every run.
    pub fn noise(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed | 1;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }
}
