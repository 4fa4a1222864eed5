//! DNS (UDP and TCP 53), NBNS (UDP 137), multicast DNS (UDP 5353, RFC 6762) and LLMNR
//! (UDP 5355, RFC 4795): one message format (RFC 1035, RFC 1002). Names are read with
//! compression pointers, bounded against loops.

use crate::decode::FastMap;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Dir, Out, Pending};
use crate::decode::field::{Field, Value};
use crate::decode::packet::{Proto, Severity};
use crate::decode::text::{escape_bytes, push_ipv4};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavor {
    Dns,
    Nbns,
    /// DNS messages on 5353: a question's class carries the "unicast response" bit
    /// and a record's the "cache flush" bit, which Info shows.
    Mdns,
    /// DNS messages on 5355, shown as DNS's.
    Llmnr,
}

/// Queries waiting for their response, to link a response to its query (`dns.response_to`).
#[derive(Debug, Default)]
pub struct Transactions {
    queries: FastMap<(Flavor, u16), u64>,
}

impl Transactions {
    /// A query is remembered (by id) until its response, which is given the query's
    /// frame.
    fn record(&mut self, flavor: Flavor, id: u16, response: bool, frame: u64) -> Option<u64> {
        let key = (flavor, id);
        if response {
            return self.queries.remove(&key);
        }
        if self.queries.len() >= MAX_OPEN_QUERIES {
            self.queries.clear();
        }
        self.queries.insert(key, frame);
        None
    }
}

/// Unanswered queries remembered; older ones are forgotten.
const MAX_OPEN_QUERIES: usize = 4096;

/// The two ends of a UDP conversation, in either order.
pub type Endpoints = ((IpAddr, u16), (IpAddr, u16));

/// Transactions matched as tshark matches mDNS and LLMNR ones: within one UDP
/// conversation (the same two addresses and ports, either way) by id. A query while
/// the last one of its id is unanswered, less than [`RETRANSMISSION_WINDOW_NS`]
/// after it, is a retransmission of it; a response after the answer is a
/// retransmission of the answer. A multicast query answered from another host (LLMNR
/// answers by unicast to the asker's port) is another conversation: no match, as in
/// tshark.
#[derive(Debug, Default)]
pub struct ConversationTransactions {
    last: FastMap<(Flavor, Endpoints, u16), Transaction>,
}

/// The last transaction of a conversation and id.
#[derive(Debug)]
struct Transaction {
    query: u64,
    /// When the query was sent (nanoseconds since the first frame).
    query_ns: i64,
    response: Option<u64>,
}

/// How long after a query the same query is its retransmission, not a new one
/// (Wireshark's `dns.retransmission_timer`, 5 seconds).
const RETRANSMISSION_WINDOW_NS: i64 = 5_000_000_000;

/// What a message is in its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matched {
    Nothing,
    /// A response to the query in this frame.
    ResponseTo(u64),
    /// A query sent again; the first was in this frame.
    RequestAgain(u64),
    /// A response sent again; the first was in this frame.
    ResponseAgain(u64),
}

impl ConversationTransactions {
    #[allow(clippy::too_many_arguments)]
    fn record(&mut self, flavor: Flavor, ends: Endpoints, id: u16, response: bool, frame: u64, at_ns: i64) -> Matched {
        let ends = if ends.0 <= ends.1 { ends } else { (ends.1, ends.0) };
        let key = (flavor, ends, id);
        let last = self.last.get_mut(&key);
        if response {
            return match last {
                Some(Transaction {
                    query,
                    response: answer @ None,
                    ..
                }) => {
                    *answer = Some(frame);
                    Matched::ResponseTo(*query)
                }
                Some(Transaction {
                    response: Some(answer), ..
                }) => Matched::ResponseAgain(*answer),
                None => Matched::Nothing,
            };
        }
        if let Some(Transaction {
            query,
            query_ns,
            response: None,
        }) = last
        {
            if at_ns.saturating_sub(*query_ns) < RETRANSMISSION_WINDOW_NS {
                return Matched::RequestAgain(*query);
            }
        }
        if self.last.len() >= MAX_OPEN_QUERIES {
            self.last.clear();
        }
        let transaction = Transaction {
            query: frame,
            query_ns: at_ns,
            response: None,
        };
        self.last.insert(key, transaction);
        Matched::Nothing
    }
}

/// How a message finds its transaction: DNS and NBNS by id alone, mDNS and LLMNR by
/// id within their conversation.
pub enum Matching<'t> {
    ById(&'t mut Transactions),
    InConversation(&'t mut ConversationTransactions, Endpoints),
}

/// DNS over TCP: each message is preceded by a two-byte length (RFC 1035 4.2.2).
#[derive(Debug, Default)]
pub struct TcpConversation {
    pending: [Pending; 2],
}

impl TcpConversation {
    pub fn feed(&mut self, dir: Dir, bytes: &[u8], transactions: &mut Transactions, out: &mut Out) {
        let pending = &mut self.pending[dir as usize];
        if !pending.push(bytes) {
            pending.clear();
            super::buffers_full(out, Proto::Dns);
            return;
        }
        loop {
            let buf = pending.bytes();
            if buf.len() < 2 {
                break;
            }
            let len = usize::from(u16::from_be_bytes([buf[0], buf[1]]));
            if buf.len() < 2 + len {
                break;
            }
            message(Flavor::Dns, &buf[2..2 + len], Matching::ById(transactions), out);
            pending.consume(2 + len);
        }
    }
}

/// tshark's DNS heuristic for UDP on other ports: a standard query or its answer with
/// plausible counts (one question; few records) and room for them.
pub fn looks_like_dns(msg: &[u8]) -> bool {
    if msg.len() <= 12 {
        return false;
    }
    let be16 = |at: usize| usize::from(u16::from_be_bytes([msg[at], msg[at + 1]]));
    let (flags, questions, answers, authority, additional) = (be16(2), be16(4), be16(6), be16(8), be16(10));
    let response = flags & 0x8000 != 0;
    let plausible = if response {
        questions <= 1 && answers <= 100 && authority <= 10
    } else {
        questions == 1 && answers == 0 && authority == 0
    };
    (flags >> 11) & 0xf == 0
        && plausible
        && additional <= 10
        && questions + answers > 0
        && questions * 6 + (answers + authority + additional) * 11 <= msg.len() - 12
}

/// Decodes one UDP datagram; always claims it (a damaged message is noted).
pub fn udp(flavor: Flavor, payload: &[u8], matching: Matching, out: &mut Out) -> bool {
    message(flavor, payload, matching, out);
    true
}

const DNS_OPCODES: [&str; 7] = [
    "Standard query",
    "Inverse query",
    "Server status request",
    "Unknown operation (3)",
    "Zone change notification",
    "Dynamic update",
    "DNS Stateful operations (DSO)",
];

fn dns_rcode(rcode: u16) -> Cow<'static, str> {
    let name = match rcode {
        0 => "No error",
        1 => "Format error",
        2 => "Server failure",
        3 => "No such name",
        4 => "Not implemented",
        5 => "Refused",
        6 => "Name exists",
        7 => "RRset exists",
        8 => "RRset does not exist",
        9 => "Not authoritative",
        10 => "Name out of zone",
        _ => return format!("Unknown error ({rcode})").into(),
    };
    name.into()
}

fn nbns_opcode(opcode: u16) -> &'static str {
    match opcode {
        0 => "Name query",
        5 => "Registration",
        6 => "Release",
        7 => "Wait for acknowledgment",
        8 => "Refresh",
        9 => "Refresh (alternate opcode)",
        15 => "Multi-homed registration",
        _ => "Unknown operation",
    }
}

fn nbns_rcode(rcode: u16) -> &'static str {
    match rcode {
        0 => "No error",
        1 => "Request was invalidly formatted",
        2 => "Server failure",
        3 => "Requested name does not exist",
        4 => "Request is not implemented",
        5 => "Request was refused",
        6 => "Name is owned by another node",
        7 => "Name is in conflict",
        _ => "Unknown",
    }
}

/// DNS record type names as tshark shows them.
pub fn type_name(rrtype: u16) -> Cow<'static, str> {
    let name = match rrtype {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        24 => "SIG",
        25 => "KEY",
        28 => "AAAA",
        29 => "LOC",
        33 => "SRV",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        39 => "DNAME",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        53 => "SMIMEA",
        55 => "HIP",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        _ => return format!("Unknown ({rrtype})").into(),
    };
    name.into()
}

fn nbns_type_name(rrtype: u16) -> Cow<'static, str> {
    match rrtype {
        0x20 => "NB".into(),
        0x21 => "NBSTAT".into(),
        other => type_name(other),
    }
}

/// What a NetBIOS name's 16th byte says about it (Wireshark's nb_name_type_vals).
fn netbios_suffix_name(suffix: u8) -> &'static str {
    match suffix {
        0x00 | 0x02 => "Workstation/Redirector",
        0x01 => "Browser",
        0x03 => "Messenger service/Main name",
        0x05 => "Forwarded name",
        0x06 => "RAS Server service",
        0x1b => "Domain Master Browser",
        0x1c => "Domain Controllers",
        0x1d => "Local Master Browser",
        0x1e => "Browser Election Service",
        0x1f => "Net DDE Service",
        0x20 => "Server service",
        0x21 => "RAS client service",
        0x22 => "Exchange Interchange (MSMail Connector)",
        0x23 => "Exchange Store",
        0x24 => "Exchange Directory",
        0x2b => "Lotus Notes Server service",
        0x30 => "Modem sharing server service",
        0x31 => "Modem sharing client service",
        0x43 => "SMS Clients Remote Control",
        0x44 => "SMS Administrators Remote Control Tool",
        0x45 => "SMS Clients Remote Chat",
        0x46 => "SMS Clients Remote Transfer",
        0x4c | 0x52 => "DEC Pathworks TCP/IP Service on Windows NT",
        0x87 => "Microsoft Exchange MTA",
        0x6a => "Microsoft Exchange IMC",
        0xbe => "Network Monitor Agent",
        0xbf => "Network Monitor Analyzer",
        _ => "Unknown",
    }
}

/// A damaged message: where reading stopped and why.
#[derive(Debug)]
struct Damage(&'static str);

/// A domain name as read off the wire, labels joined by dots: at most 255 bytes, so kept
/// in place (a message holds several, and a capture millions of messages).
#[derive(Clone, Copy)]
struct Name {
    bytes: [u8; 256],
    len: usize,
}

impl Name {
    const EMPTY: Name = Name {
        bytes: [0; 256],
        len: 0,
    };

    fn of(text: &[u8]) -> Name {
        let mut name = Name::EMPTY;
        name.bytes[..text.len()].copy_from_slice(text);
        name.len = text.len();
        name
    }
}

impl std::ops::Deref for Name {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// [`read_name`], with a note when the name's pointers loop (tshark only shows the
/// replacement text; a student should be told what it means).
fn read_name_noted(msg: &[u8], at: usize, out: &mut Out) -> Result<(Name, usize), Damage> {
    let (name, next) = read_name(msg, at)?;
    const NOTE: &str = "a name's compression pointers go round in a loop";
    if *name == *LOOPED_NAME && !out.packet.notes.iter().any(|n| n.message == NOTE) {
        out.note(Severity::Warning, Proto::Dns, NOTE);
    }
    Ok((name, next))
}

/// What tshark calls a name whose compression pointers go round in a loop.
const LOOPED_NAME: &[u8] = b"<Name contains a pointer that loops>";

/// Reads a (possibly compressed) domain name at `at`; returns the name and the offset
/// after it in the original position.
fn read_name(msg: &[u8], mut at: usize) -> Result<(Name, usize), Damage> {
    let mut name = Name::EMPTY;
    let mut end = None;
    let mut jumps = 0;
    loop {
        let len = *msg.get(at).ok_or(Damage("name runs past the end"))? as usize;
        match len & 0xc0 {
            0x00 => {
                if len == 0 {
                    return Ok((name, end.unwrap_or(at + 1)));
                }
                let label = msg.get(at + 1..at + 1 + len).ok_or(Damage("label runs past the end"))?;
                let dot = usize::from(name.len > 0);
                let grown = name.len + dot + len;
                if grown > 255 {
                    return Err(Damage("name longer than 255 bytes"));
                }
                name.bytes[name.len] = b'.';
                name.bytes[name.len + dot..grown].copy_from_slice(label);
                name.len = grown;
                at += 1 + len;
            }
            0xc0 => {
                let low = *msg.get(at + 1).ok_or(Damage("compression pointer cut short"))? as usize;
                end.get_or_insert(at + 2);
                jumps += 1;
                if jumps > 64 {
                    // As tshark: the name is replaced, the record goes on after it.
                    return Ok((Name::of(LOOPED_NAME), end.unwrap_or(at + 2)));
                }
                at = ((len & 0x3f) << 8) | low;
            }
            _ => return Err(Damage("unknown label type")),
        }
    }
}

fn name_text(name: &[u8]) -> String {
    let mut s = String::new();
    push_name_text(&mut s, name);
    s
}

/// A name as Info and the fields show it: escaped, `<Root>` when empty.
fn push_name_text(out: &mut String, name: &[u8]) {
    if name.is_empty() {
        out.push_str("<Root>");
    } else {
        escape_bytes(name, out);
    }
}

/// RFC 1002 first-level decoding: 32 letters A-P to 16 bytes; the 16th is the suffix.
/// Returns `NAME<xx>` (unprintable bytes as `<xx>`) and the suffix.
pub(super) fn netbios_name(encoded: &[u8]) -> Option<(String, u8)> {
    let (first, scope) = match encoded.iter().position(|&b| b == b'.') {
        Some(dot) => (&encoded[..dot], Some(&encoded[dot..])),
        None => (encoded, None),
    };
    if first.len() != 32 || first.iter().any(|b| !(b'A'..=b'P').contains(b)) {
        return None;
    }
    let raw: Vec<u8> = first.chunks(2).map(|p| ((p[0] - b'A') << 4) | (p[1] - b'A')).collect();
    let suffix = raw[15];
    let mut text = String::new();
    let body = &raw[..15];
    let trimmed = &body[..body.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1)];
    for &b in trimmed {
        if b.is_ascii_graphic() || b == b' ' {
            text.push(b as char);
        } else {
            let _ = write!(text, "<{b:02x}>");
        }
    }
    let _ = write!(text, "<{suffix:02x}>");
    if let Some(scope) = scope {
        escape_bytes(scope, &mut text);
    }
    Some((text, suffix))
}

const T_SRV: u16 = 33;

/// An SRV record's owner, `_service._proto.name` (RFC 2782), in the three fields
/// tshark shows in place of `dns.resp.name`.
fn srv_owner_fields(name: &[u8], out: &mut Out) {
    let text = name_text(name);
    let mut parts = text.splitn(3, '.');
    for field in [Field::DnsSrvService, Field::DnsSrvProto, Field::DnsSrvName] {
        match parts.next() {
            Some(part) => out.str(field, part),
            None => break,
        }
    }
}

/// mDNS: the top bit of a question's class (RFC 6762 5.4) and of a record's (10.2).
const UNICAST_RESPONSE: u16 = 0x8000;
const CACHE_FLUSH: u16 = 0x8000;

struct Header {
    id: u16,
    flags: u16,
    counts: [u16; 4],
}

fn message(flavor: Flavor, msg: &[u8], mut matching: Matching, out: &mut Out) {
    let (proto, column) = match flavor {
        Flavor::Dns => (Proto::Dns, "DNS"),
        Flavor::Nbns => (Proto::Nbns, "NBNS"),
        Flavor::Mdns => (Proto::Mdns, "MDNS"),
        Flavor::Llmnr => (Proto::Llmnr, "LLMNR"),
    };
    let mut find_transaction = |out: &mut Out| {
        let (id, response) = (u16::from_be_bytes([msg[0], msg[1]]), msg[2] & 0x80 != 0);
        match &mut matching {
            Matching::ById(transactions) => transactions
                .record(flavor, id, response, out.frame())
                .map_or(Matched::Nothing, Matched::ResponseTo),
            Matching::InConversation(transactions, ends) => {
                transactions.record(flavor, *ends, id, response, out.frame(), out.rel_ns())
            }
        }
    };
    if out.quiet() {
        // Only the transactions matter: another decoder shows this message.
        if msg.len() >= 12 {
            find_transaction(out);
        }
        return;
    }
    out.message(proto, column);
    if msg.len() < 12 {
        out.info(super::MALFORMED);
        out.note(
            Severity::Error,
            proto,
            format!(
                "{column} message of {} bytes is shorter than its 12-byte header",
                msg.len()
            ),
        );
        return;
    }
    let be16 = |at: usize| u16::from_be_bytes([msg[at], msg[at + 1]]);
    let h = Header {
        id: be16(0),
        flags: be16(2),
        counts: [be16(4), be16(6), be16(8), be16(10)],
    };
    let response = h.flags & 0x8000 != 0;
    let opcode = (h.flags >> 11) & 0xf;
    let rcode = h.flags & 0xf;
    let f = FieldSet::of(flavor);
    out.uint(f.id, h.id);
    out.uint(f.flags, h.flags);
    out.field(f.response, Value::Bool(response));
    out.uint(f.opcode, opcode);
    if response {
        out.uint(f.rcode, rcode);
    }
    for (field, count) in f.counts.into_iter().zip(h.counts) {
        out.uint(field, count);
    }
    match flavor {
        Flavor::Dns | Flavor::Mdns | Flavor::Llmnr => {
            let answer = if response { " response" } else { "" };
            match DNS_OPCODES.get(usize::from(opcode)) {
                Some(op) => out.info_fmt(format_args!("{op}{answer} 0x{:04x}", h.id)),
                None => out.info_fmt(format_args!("Unknown operation ({opcode}){answer} 0x{:04x}", h.id)),
            }
            if response && rcode != 0 {
                out.info_fmt(format_args!(" {}", dns_rcode(rcode)));
            }
        }
        Flavor::Nbns => {
            out.info(nbns_opcode(opcode));
            if response {
                out.info(" response");
            }
            if response && rcode != 0 {
                out.info(", ");
                out.info(nbns_rcode(rcode));
            }
        }
    }
    match (find_transaction(out), f.response_to) {
        (Matched::ResponseTo(query), Some(field)) => out.uint(field, query),
        (Matched::RequestAgain(first), _) => {
            out.field(Field::DnsRetransmission, Value::Bool(true));
            out.uint(Field::DnsRetransmitRequestIn, first);
        }
        (Matched::ResponseAgain(first), _) => {
            out.field(Field::DnsRetransmission, Value::Bool(true));
            out.uint(Field::DnsRetransmitResponseIn, first);
        }
        _ => {}
    }
    if let Err(Damage(why)) = records(flavor, msg, &h, out) {
        // tshark stops where the message does not hold what its header announced.
        out.info(super::MALFORMED);
        out.note(Severity::Error, proto, format!("malformed {column} message: {why}"));
    }
}

/// The field names of one flavour (DNS and NBNS share the layout, not the names).
struct FieldSet {
    id: Field,
    flags: Field,
    response: Field,
    opcode: Field,
    rcode: Field,
    counts: [Field; 4],
    /// NBNS has no field for this.
    response_to: Option<Field>,
}

impl FieldSet {
    fn of(flavor: Flavor) -> FieldSet {
        match flavor {
            Flavor::Dns | Flavor::Mdns | Flavor::Llmnr => FieldSet {
                id: Field::DnsId,
                flags: Field::DnsFlags,
                response: Field::DnsFlagsResponse,
                opcode: Field::DnsFlagsOpcode,
                rcode: Field::DnsFlagsRcode,
                counts: [
                    Field::DnsCountQueries,
                    Field::DnsCountAnswers,
                    Field::DnsCountAuthRr,
                    Field::DnsCountAddRr,
                ],
                response_to: Some(Field::DnsResponseTo),
            },
            Flavor::Nbns => FieldSet {
                id: Field::NbnsId,
                flags: Field::NbnsFlags,
                response: Field::NbnsFlagsResponse,
                opcode: Field::NbnsFlagsOpcode,
                rcode: Field::NbnsFlagsRcode,
                counts: [
                    Field::NbnsCountQueries,
                    Field::NbnsCountAnswers,
                    Field::NbnsCountAuthRr,
                    Field::NbnsCountAddRr,
                ],
                response_to: None,
            },
        }
    }
}

fn records(flavor: Flavor, msg: &[u8], h: &Header, out: &mut Out) -> Result<(), Damage> {
    let mut at = 12;
    for _ in 0..h.counts[0] {
        let (name, next) = read_name_noted(msg, at, out)?;
        let fixed = msg.get(next..next + 4).ok_or(Damage("question cut short"))?;
        let (qtype, qclass) = (
            u16::from_be_bytes([fixed[0], fixed[1]]),
            u16::from_be_bytes([fixed[2], fixed[3]]),
        );
        at = next + 4;
        match flavor {
            Flavor::Dns | Flavor::Mdns | Flavor::Llmnr => {
                let mdns = flavor == Flavor::Mdns;
                let unicast = mdns && qclass & UNICAST_RESPONSE != 0;
                out.info_with(|info| {
                    info.push(' ');
                    info.push_str(&type_name(qtype));
                    info.push(' ');
                    push_name_text(info, &name);
                    if mdns {
                        info.push_str(if unicast {
                            ", \"QU\" question"
                        } else {
                            ", \"QM\" question"
                        });
                    }
                });
                if out.wants(Field::DnsQryName) {
                    out.str(Field::DnsQryName, name_text(&name));
                }
                out.uint(Field::DnsQryType, qtype);
                if mdns {
                    out.uint(Field::DnsQryClass, qclass & !UNICAST_RESPONSE);
                    out.field(Field::DnsQryQu, Value::Bool(unicast));
                } else {
                    out.uint(Field::DnsQryClass, qclass);
                }
            }
            Flavor::Nbns => {
                let text = netbios_name(&name).map_or_else(|| name_text(&name), |(t, _)| t);
                out.info_fmt(format_args!(" {} {text}", nbns_type_name(qtype)));
                out.str(Field::NbnsName, text);
                out.uint(Field::NbnsType, qtype);
                out.uint(Field::NbnsClass, qclass);
            }
        }
    }
    for section in 1..4 {
        for _ in 0..h.counts[section] {
            at = resource(flavor, msg, at, section == 1, out)?;
        }
    }
    Ok(())
}

/// One resource record; returns the offset after it. Answers (and, for DNS, every
/// section) add ` TYPE data` to Info, as tshark does.
fn resource(flavor: Flavor, msg: &[u8], at: usize, answer: bool, out: &mut Out) -> Result<usize, Damage> {
    let (name, next) = read_name_noted(msg, at, out)?;
    let fixed = msg.get(next..next + 10).ok_or(Damage("resource record cut short"))?;
    let rrtype = u16::from_be_bytes([fixed[0], fixed[1]]);
    let class = u16::from_be_bytes([fixed[2], fixed[3]]);
    let ttl = u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
    let rdlen = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
    let rdata_at = next + 10;
    let rdata = msg
        .get(rdata_at..rdata_at + rdlen)
        .ok_or(Damage("record data runs past the end"))?;
    match flavor {
        Flavor::Dns | Flavor::Llmnr => dns_resource(msg, &name, rrtype, class, false, ttl, rdata_at, rdata, out)?,
        Flavor::Mdns => dns_resource(msg, &name, rrtype, class, true, ttl, rdata_at, rdata, out)?,
        Flavor::Nbns => {
            if out.wants(Field::NbnsName) {
                // tshark names the suffix's service in NB records only (not NBSTAT's).
                let text = match netbios_name(&name) {
                    Some((t, suffix)) if rrtype == 0x20 => format!("{t} ({})", netbios_suffix_name(suffix)),
                    Some((t, _)) => t,
                    None => name_text(&name),
                };
                out.str(Field::NbnsName, text);
            }
            out.uint(Field::NbnsType, rrtype);
            out.uint(Field::NbnsClass, class);
            out.uint(Field::NbnsTtl, ttl);
            let mut info = format!(" {}", nbns_type_name(rrtype));
            if rrtype == 0x20 {
                for entry in rdata.chunks_exact(6) {
                    let addr = Ipv4Addr::new(entry[2], entry[3], entry[4], entry[5]);
                    out.uint(Field::NbnsNbFlags, u16::from_be_bytes([entry[0], entry[1]]));
                    out.field(Field::NbnsAddr, Value::Ipv4(addr));
                    info.push(' ');
                    push_ipv4(&mut info, addr);
                }
            }
            if answer {
                out.info(&info);
            }
        }
    }
    Ok(rdata_at + rdlen)
}

#[allow(clippy::too_many_arguments)]
fn dns_resource(
    msg: &[u8],
    name: &[u8],
    rrtype: u16,
    class: u16,
    mdns: bool,
    ttl: u32,
    rdata_at: usize,
    rdata: &[u8],
    out: &mut Out,
) -> Result<(), Damage> {
    if rrtype == T_SRV && !name.is_empty() {
        srv_owner_fields(name, out);
    } else if out.wants(Field::DnsRespName) {
        out.str(Field::DnsRespName, name_text(name));
    }
    out.uint(Field::DnsRespType, rrtype);
    // mDNS: the class's top bit asks caches to drop other records of the name.
    let flush = mdns && class & CACHE_FLUSH != 0;
    if rrtype == 41 {
        // OPT: the class and TTL fields carry the EDNS payload size and flags.
        // (tshark prints mDNS's in hex, without the top bit; the value is the same.)
        out.uint(
            Field::DnsRrUdpPayloadSize,
            if mdns { class & !CACHE_FLUSH } else { class },
        );
        if mdns {
            out.field(Field::DnsRespCacheFlush, Value::Bool(flush));
        }
    } else if mdns {
        out.uint(Field::DnsRespClass, class & !CACHE_FLUSH);
        out.field(Field::DnsRespCacheFlush, Value::Bool(flush));
        out.uint(Field::DnsRespTtl, ttl);
    } else {
        out.uint(Field::DnsRespClass, class);
        out.uint(Field::DnsRespTtl, ttl);
    }
    out.uint(Field::DnsRespLen, rdata.len() as u64);
    let mut info = String::with_capacity(64);
    info.push(' ');
    info.push_str(&type_name(rrtype));
    if flush {
        info.push_str(", cache flush");
    }
    let target = |out: &mut Out, field: Field, info: &mut String| -> Result<(), Damage> {
        let (target, _) = read_name_noted(msg, rdata_at, out)?;
        info.push(' ');
        push_name_text(info, &target);
        if out.wants(field) {
            out.str(field, name_text(&target));
        }
        Ok(())
    };
    match rrtype {
        1 if rdata.len() == 4 => {
            let addr = Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]);
            info.push(' ');
            push_ipv4(&mut info, addr);
            out.field(Field::DnsA, Value::Ipv4(addr));
        }
        28 if rdata.len() == 16 => {
            let addr = Ipv6Addr::from(<[u8; 16]>::try_from(rdata).expect("16 bytes"));
            let _ = write!(info, " {addr}");
            out.field(Field::DnsAaaa, Value::Ipv6(addr));
        }
        5 => target(out, Field::DnsCname, &mut info)?,
        12 => target(out, Field::DnsPtrDomainName, &mut info)?,
        2 => target(out, Field::DnsNs, &mut info)?,
        6 => target(out, Field::DnsSoaMname, &mut info)?,
        15 if rdata.len() >= 3 => {
            let preference = u16::from_be_bytes([rdata[0], rdata[1]]);
            let (exchange, _) = read_name_noted(msg, rdata_at + 2, out)?;
            let text = name_text(&exchange);
            let _ = write!(info, " {preference} {text}");
            out.uint(Field::DnsMxPreference, preference);
            out.str(Field::DnsMxMailExchange, text);
        }
        // tshark names the owner again for a NULL record.
        10 => {
            info.push(' ');
            push_name_text(&mut info, name);
        }
        T_SRV if rdata.len() >= 7 => {
            let be16 = |i: usize| u16::from_be_bytes([rdata[i], rdata[i + 1]]);
            let (target, _) = read_name_noted(msg, rdata_at + 6, out)?;
            let target = name_text(&target);
            let _ = write!(info, " {} {} {} {target}", be16(0), be16(2), be16(4));
            out.uint(Field::DnsSrvPriority, be16(0));
            out.uint(Field::DnsSrvWeight, be16(2));
            out.uint(Field::DnsSrvPort, be16(4));
            out.str(Field::DnsSrvTarget, target);
        }
        // Each character-string of the record, as tshark lists them (not in Info).
        16 => {
            let mut rest = rdata;
            while let Some((&len, tail)) = rest.split_first() {
                let text = tail.get(..usize::from(len)).unwrap_or(tail);
                if out.wants(Field::DnsTxt) {
                    // A text field ends at a NUL byte in tshark.
                    let shown = text.split(|&b| b == 0).next().unwrap_or_default();
                    out.str(Field::DnsTxt, crate::decode::text::escaped(shown));
                }
                rest = &tail[text.len()..];
            }
        }
        _ => {}
    }
    out.info(&info);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_names_and_loops() {
        // www.example.com at 12, then a pointer to "example.com" at 16.
        let mut msg = vec![0u8; 12];
        msg.extend_from_slice(b"\x03www\x07example\x03com\x00");
        msg.extend_from_slice(&[0xc0, 16]);
        let read = |at| read_name(&msg, at).map(|(name, next)| (name.to_vec(), next)).unwrap();
        assert_eq!(read(12), (b"www.example.com".to_vec(), 29));
        assert_eq!(read(29), (b"example.com".to_vec(), 31));
        // A pointer to itself is a loop, not a hang.
        let looped = [0xc0u8, 0];
        assert_eq!(*read_name(&looped, 0).unwrap().0, *LOOPED_NAME);
        // 255 bytes is the longest name: 128 one-byte labels and their dots.
        let mut long = b"\x01a".repeat(129);
        long.push(0);
        assert!(read_name(&long, 2).is_ok_and(|(name, _)| name.len() == 255));
        assert!(read_name(&long, 0).is_err());
        let mut longer = b"\x01a".repeat(127);
        longer.extend(b"\x02ab\x00");
        assert!(read_name(&longer, 0).is_err());
        assert!(read_name(&[5, b'a'], 0).is_err());
    }

    #[test]
    fn netbios_first_level_names() {
        // "WPAD" padded with spaces, suffix 0x00.
        let encoded = b"FHFAEBEECACACACACACACACACACACAAA";
        assert_eq!(netbios_name(encoded), Some(("WPAD<00>".to_string(), 0)));
        let browse = b"ABACFPFPENFDECFCEPFHFDEFFPFPACAB";
        assert_eq!(netbios_name(browse).unwrap().0, "<01><02>__MSBROWSE__<02><01>");
        assert_eq!(netbios_name(b"SHORT"), None);
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    fn decode(flavor: Flavor, msg: &[u8], transactions: &mut Transactions) -> crate::decode::packet::Packet {
        let mut p = packet(7);
        udp(flavor, msg, Matching::ById(transactions), &mut Out::new(&mut p, 0, 42));
        p
    }

    #[test]
    fn query_and_compressed_answer() {
        let mut t = Transactions::default();
        let mut query = vec![0x14, 0x2e, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        query.extend(b"\x03www\x07example\x04test\x00\x00\x01\x00\x01");
        let q = decode(Flavor::Dns, &query, &mut t);
        assert_eq!(q.info, "Standard query 0x142e A www.example.test");
        let mut answer = query.clone();
        answer[2] = 0x81;
        answer[3] = 0x80;
        answer[7] = 1;
        answer.extend([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 9]);
        let a = decode(Flavor::Dns, &answer, &mut t);
        assert_eq!(a.info, "Standard query response 0x142e A www.example.test A 10.0.0.9");
        assert_eq!(values(&a, Field::DnsA), ["10.0.0.9"]);
        assert_eq!(values(&a, Field::DnsResponseTo), ["7"]);
    }

    #[test]
    fn truncated_and_looping_messages_are_noted() {
        let mut t = Transactions::default();
        let short = decode(Flavor::Dns, &[0, 1, 2], &mut t);
        assert_eq!(short.info, "[Malformed Packet]");
        // One question whose name points at itself.
        let looping = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12];
        let p = decode(Flavor::Dns, &looping, &mut t);
        assert!(p.notes.iter().any(|n| n.message.contains("loop")), "{:?}", p.notes);
        // Two questions announced, one there: marked as tshark marks it.
        let mut missing = vec![0x0f, 0x15, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0];
        missing.extend(b"\x03www\x00\x00\x01\x00\x01");
        let p = decode(Flavor::Dns, &missing, &mut t);
        assert_eq!(p.info, "Standard query 0x0f15 A www[Malformed Packet]");
    }

    #[test]
    fn nbns_wpad_query() {
        let mut t = Transactions::default();
        let mut query = vec![0x24, 0xd2, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0, 32];
        query.extend(b"FHFAEBEECACACACACACACACACACACAAA\x00\x00\x20\x00\x01");
        let p = decode(Flavor::Nbns, &query, &mut t);
        assert_eq!(p.info, "Name query NB WPAD<00>");
        assert_eq!(values(&p, Field::NbnsName), ["WPAD<00>"]);
    }
}

#[cfg(test)]
mod tcp_tests {
    use super::*;
    use crate::decode::app::testing::packet;

    #[test]
    fn dns_over_tcp_is_length_prefixed_and_reassembled() {
        let mut msg = vec![0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        msg.extend(b"\x04mail\x04test\x00\x00\x0f\x00\x01");
        let mut framed = (msg.len() as u16).to_be_bytes().to_vec();
        framed.extend(&msg);
        let (mut conv, mut t) = (TcpConversation::default(), Transactions::default());
        let mut first = packet(1);
        conv.feed(Dir::ToServer, &framed[..5], &mut t, &mut Out::new(&mut first, 0, 0));
        assert_eq!(first.protocol, "");
        let mut second = packet(2);
        conv.feed(Dir::ToServer, &framed[5..], &mut t, &mut Out::new(&mut second, 0, 0));
        assert_eq!(second.info, "Standard query 0xabcd MX mail.test");
    }
}
