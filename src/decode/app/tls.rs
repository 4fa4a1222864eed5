//! TLS: records (reassembled across segments, several per segment), handshake message
//! names, Change Cipher Spec, Alerts and Application Data, worded as tshark words them.
//! Client and Server Hello contents (versions, cipher suites, SNI, ALPN,
//! supported_versions) are parsed by tls-parser. Each message is also tagged with the
//! step of the handshake it belongs to (`wirelab.tls.step`), for the lessons.

use tls_parser::{TlsCipherSuite, TlsExtension, TlsMessage, TlsMessageHandshake};

use super::{Dir, Out, Pending};
use crate::decode::field::{Field, Value};
use crate::decode::hints::Hints;
use crate::decode::packet::{Deferred, Proto, Severity};

/// The largest record TLS allows (2^14 plus expansion); longer means this is not TLS.
const MAX_RECORD: usize = 16384 + 2048;

const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;
const HEARTBEAT: u8 = 24;

/// RFC 8446 4.1.3: a Server Hello with this random is a Hello Retry Request.
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
    0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The steps of a handshake, as the course teaches them.
pub const STEP_HELLO: &str = "hello exchange";
pub const STEP_KEY_EXCHANGE: &str = "key exchange";
pub const STEP_CERTIFICATES: &str = "certificates/authentication";
pub const STEP_FINISHED: &str = "finished/verification";
pub const STEP_APPLICATION: &str = "application data";

/// Does this start like a TLS record (tshark's heuristic)?
pub fn looks_like_tls(bytes: &[u8]) -> bool {
    bytes.len() >= 5
        && (CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&bytes[0])
        && bytes[1] == 3
        && bytes[2] <= 4
        && usize::from(u16::from_be_bytes([bytes[3], bytes[4]])) <= MAX_RECORD
}

/// The length of an SSLv2 record with a two-byte header (high bit set) whose message
/// type is one SSLv2 defines; `None` when the bytes are not that.
fn sslv2_record_len(buf: &[u8]) -> Option<usize> {
    (buf.len() >= 3 && buf[0] & 0x80 != 0 && buf[2] <= 8)
        .then(|| ((usize::from(buf[0] & 0x7f) << 8) | usize::from(buf[1])) + 2)
}

fn sslv2_message_name(msg_type: u8) -> &'static str {
    match msg_type {
        0 => "Error",
        1 => "Client Hello",
        2 => "Client Master Key",
        3 => "Client Finished",
        4 => "Server Hello",
        5 => "Server Verify",
        6 => "Server Finished",
        7 => "Request Certificate",
        _ => "Client Certificate",
    }
}

/// TLS 1.3, final or a draft.
fn is_tls13(version: Option<u16>) -> bool {
    version.is_some_and(|v| version_column(v) == "TLSv1.3")
}

/// The Protocol column for a version.
pub fn version_column(version: u16) -> &'static str {
    match version {
        // TLS 1.3 drafts (0x7f00 + n) and Facebook's experiment (0xfb1a).
        0x7f00..=0x7fff | 0xfb00..=0xfbff => "TLSv1.3",
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => "SSL",
    }
}

#[derive(Debug, Default)]
pub struct Conversation {
    pending: [Pending; 2],
    /// Each side has sent Change Cipher Spec: its later handshake records are encrypted.
    ccs_seen: [bool; 2],
    /// The version the session uses, once known (Server Hello, or a later record).
    version: Option<u16>,
    /// The version a first pass over the capture found (tshark's two-pass view).
    pub hinted_version: Option<u16>,
    /// The TCP stream, and the frame where the analysis started.
    stream: u64,
    since: u64,
    /// Labels wait for the Server Hello (a single pass that holds packets back).
    deferring: bool,
    /// Records of type 23 each side sent since a TLS 1.3 Server Hello (to tag steps).
    tls13_records: [u32; 2],
    server_hello_seen: bool,
    /// Bytes are not TLS (a record header made no sense): shown as continuation.
    lost: [bool; 2],
    /// Handshake bytes of a message that continues in the next record.
    partial_handshake: [Vec<u8>; 2],
}

/// The longest handshake message reassembled across records (a certificate chain fits).
const MAX_HANDSHAKE_MESSAGE: usize = 1 << 20;

impl Conversation {
    pub fn with_hint(version: Option<u16>) -> Self {
        Conversation {
            hinted_version: version,
            ..Conversation::default()
        }
    }

    /// The analysis of TCP stream `stream` from frame `since`: labelled as the first
    /// pass on `hints` decided, if there is one; otherwise with its labels marked
    /// pending until the session settles when `deferring`.
    pub(crate) fn new(stream: u64, since: u64, hints: &Hints, deferring: bool) -> Self {
        let second_pass = hints.is_second_pass();
        Conversation {
            hinted_version: if second_pass { hints.tls_version(stream) } else { None },
            stream,
            since,
            deferring: deferring && !second_pass,
            ..Conversation::default()
        }
    }

    /// The frame where the analysis of this session started.
    pub fn since(&self) -> u64 {
        self.since
    }

    /// Has a Server Hello named the version (what later records do not change)?
    pub fn settled(&self) -> bool {
        self.server_hello_seen
    }

    /// Is a record of this direction waiting for more bytes?
    pub fn is_mid_record(&self, dir: Dir) -> bool {
        !self.pending[dir as usize].is_empty()
    }

    /// The session version learnt so far.
    pub fn version(&self) -> Option<u16> {
        self.version
    }

    pub fn feed(&mut self, dir: Dir, bytes: &[u8], out: &mut Out) {
        let d = dir as usize;
        if self.lost[d] {
            if !bytes.is_empty() {
                self.label(out, 0);
                out.info_sep("Continuation Data");
            }
            return;
        }
        if !self.pending[d].push(bytes) {
            self.pending[d].clear();
            self.lost[d] = true;
            self.label(out, 0);
            out.info_sep("Continuation Data");
            super::buffers_full(out, Proto::Tls);
            return;
        }
        loop {
            let buf = self.pending[d].bytes();
            if buf.len() < 5 {
                break;
            }
            if !looks_like_tls(buf) {
                if let Some(len) = sslv2_record_len(buf) {
                    // An SSLv2-framed record (old clients' hellos): wait for all of it.
                    if buf.len() < len {
                        break;
                    }
                    let msg_type = buf[2];
                    self.pending[d].consume(len);
                    out.message(Proto::Tls, "SSLv2");
                    out.info_sep(sslv2_message_name(msg_type));
                    continue;
                }
                // A record header that is right but for its length says why it is refused.
                let oversized = (CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&buf[0]) && buf[1] == 3 && buf[2] <= 4;
                let why = if oversized {
                    format!(
                        "a TLS record of {} bytes: TLSCiphertext length must not exceed 2^14 + 2048 \
                         ({MAX_RECORD}); what follows is shown as continuation data",
                        u16::from_be_bytes([buf[3], buf[4]])
                    )
                } else {
                    "bytes that are not a TLS record: shown as continuation data".to_string()
                };
                let n = buf.len();
                self.pending[d].consume(n);
                self.lost[d] = true;
                self.label(out, 0);
                out.info_sep("Continuation Data");
                out.note(Severity::Warning, Proto::Tls, why);
                break;
            }
            let len = usize::from(u16::from_be_bytes([buf[3], buf[4]]));
            if buf.len() < 5 + len {
                break;
            }
            // The record is read in place: the buffer is lent out while it is decoded.
            let pending = std::mem::take(&mut self.pending[d]);
            self.record(dir, &pending.bytes()[..5 + len], out);
            self.pending[d] = pending;
            self.pending[d].consume(5 + len);
        }
    }

    /// Sets the Protocol column for a record; while the version is unsettled in a
    /// single pass that holds packets back, the column waits for it.
    fn label(&self, out: &mut Out, record_version: u16) {
        out.message(Proto::Tls, self.column(record_version));
        if self.deferring && !self.settled() {
            out.defer(Deferred::TlsColumn { stream: self.stream });
        }
    }

    fn column(&self, record_version: u16) -> &'static str {
        version_column(self.labelling_version().unwrap_or(record_version))
    }

    /// The version a record is labelled with: after a Server Hello, the version the
    /// latest one named (a hostile stream may hold several); before, the one a first
    /// pass found, if there was one. A single pass labels alike: its records before
    /// the Server Hello wait for the version the first one names.
    fn labelling_version(&self) -> Option<u16> {
        if self.server_hello_seen {
            self.version
        } else {
            self.hinted_version.or(self.version)
        }
    }

    fn record(&mut self, dir: Dir, record: &[u8], out: &mut Out) {
        let d = dir as usize;
        let content_type = record[0];
        let record_version = u16::from_be_bytes([record[1], record[2]]);
        let body = &record[5..];
        if content_type != HANDSHAKE && self.version.is_none() && version_column(record_version) != "SSL" {
            // tshark takes the version from any record other than a handshake until a
            // Server Hello names one.
            self.version = Some(record_version);
        }
        // A handshake message may span records: join this record to what waits.
        let handshake = if content_type == HANDSHAKE && !self.ccs_seen[d] {
            let mut joined = std::mem::take(&mut self.partial_handshake[d]);
            let continues = !joined.is_empty();
            joined.extend_from_slice(body);
            // Server Hello may set the version: parse before choosing the column.
            self.learn_version(&joined);
            Some((joined, continues))
        } else {
            None
        };
        self.label(out, record_version);
        let tls13 = is_tls13(self.labelling_version());
        if tls13 && content_type == APPLICATION_DATA {
            // TLS 1.3 hides the real type inside the encryption: the outer one is opaque.
            out.uint(Field::TlsRecordOpaqueType, content_type);
        } else {
            if content_type == APPLICATION_DATA && self.deferring && !self.settled() {
                // Opaque if the session turns out TLS 1.3.
                out.defer(Deferred::TlsContentType {
                    stream: self.stream,
                    field_at: out.field_count(),
                });
            }
            out.uint(Field::TlsRecordContentType, content_type);
        }
        out.uint(Field::TlsRecordVersion, record_version);
        out.uint(Field::TlsRecordLength, body.len() as u64);
        match content_type {
            CHANGE_CIPHER_SPEC => {
                // In TLS 1.3 it is a dummy for middleboxes (RFC 8446 D.4): a Client Hello
                // after a Hello Retry Request still comes in clear.
                if !is_tls13(self.version) {
                    self.ccs_seen[d] = true;
                }
                out.info_sep("Change Cipher Spec");
                out.str(Field::WirelabTlsStep, STEP_FINISHED);
            }
            ALERT => {
                if self.ccs_seen[d] || body.len() != 2 || is_tls13(self.version) {
                    // An alert all the same (tshark marks it), its level and code hidden.
                    out.field(Field::TlsAlertMessage, Value::Flag);
                    out.info_sep("Encrypted Alert");
                } else {
                    out.field(Field::TlsAlertMessage, Value::Flag);
                    out.uint(Field::TlsAlertMessageLevel, body[0]);
                    out.uint(Field::TlsAlertMessageDesc, body[1]);
                    out.info_sep(&format!(
                        "Alert (Level: {}, Description: {})",
                        alert_level(body[0]),
                        alert_description(body[1])
                    ));
                }
            }
            HANDSHAKE => match handshake {
                Some((joined, continues)) => self.handshake(dir, &joined, continues, out),
                None => {
                    out.info_sep("Encrypted Handshake Message");
                    out.field(Field::TlsHandshake, Value::Flag);
                    out.str(Field::WirelabTlsStep, STEP_FINISHED);
                }
            },
            APPLICATION_DATA => {
                out.info_sep("Application Data");
                let step = if is_tls13(self.version) && self.server_hello_seen {
                    self.tls13_records[d] += 1;
                    match dir {
                        // The server's flight after its Hello: Encrypted Extensions,
                        // Certificate, Certificate Verify, Finished, until the client finishes.
                        Dir::ToClient if self.tls13_records[Dir::ToServer as usize] == 0 => STEP_CERTIFICATES,
                        Dir::ToServer if self.tls13_records[d] == 1 => STEP_FINISHED,
                        _ => STEP_APPLICATION,
                    }
                } else {
                    STEP_APPLICATION
                };
                out.str(Field::WirelabTlsStep, step);
            }
            HEARTBEAT => out.info_sep(if self.ccs_seen[d] {
                "Encrypted Heartbeat"
            } else {
                "Heartbeat"
            }),
            _ => out.info_sep("Ignored Unknown Record"),
        }
    }

    /// A Server Hello or Hello Retry Request in this record names the session version.
    fn learn_version(&mut self, body: &[u8]) {
        for (msg_type, msg) in handshake_messages(body) {
            if msg_type == 2 {
                if let Some(version) = server_hello_version(msg) {
                    self.version = Some(version);
                    self.server_hello_seen = true;
                }
            }
        }
    }

    /// Handshake messages in `bytes` (this record, after any part a previous record
    /// left); a message still incomplete waits for the next record.
    fn handshake(&mut self, dir: Dir, bytes: &[u8], continues: bool, out: &mut Out) {
        let d = dir as usize;
        let messages = handshake_messages(bytes);
        let consumed: usize = messages.iter().map(|(_, m)| m.len()).sum();
        if consumed < bytes.len() {
            let rest = &bytes[consumed..];
            let declared = rest
                .get(1..4)
                .map(|l| usize::from(l[0]) << 16 | usize::from(l[1]) << 8 | usize::from(l[2]));
            let plausible = handshake_name(rest[0]) != "Encrypted Handshake Message"
                && declared.is_none_or(|len| len <= MAX_HANDSHAKE_MESSAGE);
            if !plausible {
                // Not a handshake message: encrypted (tshark cannot read it either).
                out.info_sep("Encrypted Handshake Message");
                out.field(Field::TlsHandshake, Value::Flag);
                out.str(Field::WirelabTlsStep, STEP_FINISHED);
                return;
            }
            self.partial_handshake[d] = rest.to_vec();
            if messages.is_empty() {
                // As tshark: the record that starts a split message names it; the
                // records in its middle add nothing.
                if !continues {
                    out.info_sep(&format!("[{} Fragment]", handshake_name(rest[0])));
                }
                return;
            }
        }
        for (msg_type, msg) in messages {
            let retry = msg_type == 2 && msg.get(6..38) == Some(&HELLO_RETRY_RANDOM[..]);
            let name = if retry {
                "Hello Retry Request"
            } else {
                handshake_name(msg_type)
            };
            out.info_sep(name);
            out.field(Field::TlsHandshake, Value::Flag);
            out.uint(Field::TlsHandshakeType, msg_type);
            out.uint(Field::TlsHandshakeLength, (msg.len() - 4) as u64);
            out.str(Field::WirelabTlsStep, handshake_step(msg_type));
            if msg_type == 1 || msg_type == 2 {
                hello(dir, msg, out);
            }
            if msg_type == 11 && !is_tls13(self.labelling_version()) {
                certificates(&msg[4..], out);
            }
        }
    }
}

/// A Certificate message's list (TLS 1.2 and before): each certificate's length and
/// bytes, as far as they are there.
fn certificates(body: &[u8], out: &mut Out) {
    let u24 = |b: &[u8]| usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]);
    let Some(total) = body.get(..3).map(u24) else {
        return;
    };
    out.uint(Field::TlsHandshakeCertificatesLength, total as u64);
    if total == 0 {
        // A client without a certificate answers an empty list: no list to show.
        return;
    }
    out.field(Field::TlsHandshakeCertificates, Value::Flag);
    let mut list = &body[3..body.len().min(3 + total)];
    while let Some(len) = list.get(..3).map(u24) {
        let Some(certificate) = list.get(3..3 + len) else {
            // Cut short (a snaplen, a list longer than its message): shown as far as
            // it goes, as tshark shows it.
            if !out.quiet() {
                out.uint(Field::TlsHandshakeCertificateLength, len as u64);
                super::x509::certificate(&list[3.min(list.len())..], out);
            }
            break;
        };
        out.uint(Field::TlsHandshakeCertificateLength, len as u64);
        if out.wants(Field::TlsHandshakeCertificate) {
            out.field(Field::TlsHandshakeCertificate, Value::Bytes(certificate.to_vec()));
        }
        if !out.quiet() {
            super::x509::certificate(certificate, out);
        }
        list = &list[3 + len..];
    }
}

/// Splits a handshake record body into (type, whole message including its header).
fn handshake_messages(body: &[u8]) -> Vec<(u8, &[u8])> {
    let mut messages = Vec::new();
    let mut at = 0;
    while body.len() >= at + 4 {
        let len = usize::from(body[at + 1]) << 16 | usize::from(body[at + 2]) << 8 | usize::from(body[at + 3]);
        if body.len() < at + 4 + len {
            break;
        }
        messages.push((body[at], &body[at..at + 4 + len]));
        at += 4 + len;
    }
    messages
}

fn server_hello_version(msg: &[u8]) -> Option<u16> {
    let (version, ext) = match tls_parser::parse_tls_message_handshake(msg) {
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(hello)))) => (hello.version.0, hello.ext),
        // TLS 1.3 drafts before 22 named their version in the Server Hello itself.
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHelloV13Draft18(hello)))) => {
            (hello.version.0, hello.ext)
        }
        // Drafts tls-parser does not know: the version is still the first field.
        _ => {
            let version = u16::from_be_bytes([*msg.get(4)?, *msg.get(5)?]);
            return (version_column(version) != "SSL").then_some(version);
        }
    };
    let chosen = ext
        .and_then(|ext| tls_parser::parse_tls_extensions(ext).ok())
        .and_then(|(_, exts)| {
            exts.iter().find_map(|e| match e {
                TlsExtension::SupportedVersions(v) => v.first().map(|v| v.0),
                _ => None,
            })
        });
    Some(chosen.unwrap_or(version))
}

/// Client and Server Hello fields: versions, cipher suites, SNI, ALPN, supported_versions.
fn hello(_dir: Dir, msg: &[u8], out: &mut Out) {
    let parsed = tls_parser::parse_tls_message_handshake(msg);
    let (version, ciphers, ext) = match &parsed {
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ClientHello(h)))) => {
            (h.version.0, h.ciphers.iter().map(|c| c.0).collect::<Vec<_>>(), h.ext)
        }
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(h)))) => (h.version.0, vec![h.cipher.0], h.ext),
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHelloV13Draft18(h)))) => {
            (h.version.0, vec![h.cipher.0], h.ext)
        }
        _ => {
            out.note(Severity::Warning, Proto::Tls, "hello message could not be parsed");
            return;
        }
    };
    out.uint(Field::TlsHandshakeVersion, version);
    for suite in ciphers {
        out.uint(Field::TlsHandshakeCiphersuite, suite);
        if let Some(known) = TlsCipherSuite::from_id(suite) {
            out.str(Field::WirelabTlsCiphersuiteName, known.name);
        }
    }
    let Some(ext) = ext else { return };
    let Ok((_, extensions)) = tls_parser::parse_tls_extensions(ext) else {
        out.note(Severity::Warning, Proto::Tls, "hello extensions could not be parsed");
        return;
    };
    for extension in extensions {
        match extension {
            TlsExtension::SNI(names) => {
                for (_, name) in names {
                    out.str(Field::TlsHandshakeExtensionsServerName, String::from_utf8_lossy(name));
                }
            }
            TlsExtension::SupportedVersions(versions) => {
                for v in versions {
                    out.uint(Field::TlsHandshakeExtensionsSupportedVersion, v.0);
                }
            }
            TlsExtension::ALPN(protocols) => {
                for p in protocols {
                    out.field(
                        Field::TlsHandshakeExtensionsAlpnStr,
                        Value::Str(String::from_utf8_lossy(p).into_owned()),
                    );
                }
            }
            _ => {}
        }
    }
}

/// Handshake message names as tshark prints them.
pub fn handshake_name(msg_type: u8) -> &'static str {
    match msg_type {
        0 => "Hello Request",
        1 => "Client Hello",
        2 => "Server Hello",
        3 => "Hello Verify Request",
        4 => "New Session Ticket",
        5 => "End of Early Data",
        6 => "Hello Retry Request",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        21 => "Certificate URL",
        22 => "Certificate Status",
        23 => "Supplemental Data",
        24 => "Key Update",
        25 => "Compressed Certificate",
        67 => "Next Protocol",
        254 => "Message Hash",
        _ => "Encrypted Handshake Message",
    }
}

fn handshake_step(msg_type: u8) -> &'static str {
    match msg_type {
        // Server Hello Done closes the server's hello flight.
        0..=3 | 6 | 14 => STEP_HELLO,
        12 | 16 => STEP_KEY_EXCHANGE,
        8 | 11 | 13 | 15 | 21 | 22 | 25 => STEP_CERTIFICATES,
        4 | 5 | 20 => STEP_FINISHED,
        _ => STEP_APPLICATION,
    }
}

fn alert_level(level: u8) -> String {
    match level {
        1 => "Warning".into(),
        2 => "Fatal".into(),
        other => format!("Unknown ({other})"),
    }
}

fn alert_description(desc: u8) -> String {
    let name = match desc {
        0 => "Close Notify",
        10 => "Unexpected Message",
        20 => "Bad Record MAC",
        21 => "Decryption Failed",
        22 => "Record Overflow",
        30 => "Decompression Failure",
        40 => "Handshake Failure",
        41 => "No Certificate",
        42 => "Bad Certificate",
        43 => "Unsupported Certificate",
        44 => "Certificate Revoked",
        45 => "Certificate Expired",
        46 => "Certificate Unknown",
        47 => "Illegal Parameter",
        48 => "Unknown CA",
        49 => "Access Denied",
        50 => "Decode Error",
        51 => "Decrypt Error",
        60 => "Export Restriction",
        70 => "Protocol Version",
        71 => "Insufficient Security",
        80 => "Internal Error",
        86 => "Inappropriate Fallback",
        90 => "User Canceled",
        100 => "No Renegotiation",
        109 => "Missing Extension",
        110 => "Unsupported Extension",
        111 => "Certificate Unobtainable",
        112 => "Unrecognized Name",
        113 => "Bad Certificate Status Response",
        114 => "Bad Certificate Hash Value",
        115 => "Unknown PSK Identity",
        116 => "Certificate Required",
        120 => "No application Protocol",
        other => return format!("Unknown ({other})"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_heuristic() {
        assert!(looks_like_tls(&[22, 3, 1, 0, 200]));
        assert!(!looks_like_tls(&[22, 3, 1, 0xff, 0xff]), "longer than any record");
        assert!(!looks_like_tls(b"GET / HTTP/1.1"));
        assert!(!looks_like_tls(&[22, 3]));
    }

    #[test]
    fn handshake_messages_split_and_stop_at_a_partial_one() {
        let body = [14, 0, 0, 0, 20, 0, 0, 2, 1, 2, 11, 0, 0, 9, 1];
        let messages = handshake_messages(&body);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].0, 14);
        assert_eq!(messages[1], (20, &body[4..10]));
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![content_type, 3, 3];
        r.extend((body.len() as u16).to_be_bytes());
        r.extend(body);
        r
    }

    fn feed(conv: &mut Conversation, dir: Dir, bytes: &[u8]) -> crate::decode::packet::Packet {
        let mut p = packet(1);
        conv.feed(dir, bytes, &mut Out::new(&mut p, 0, 0));
        p
    }

    #[test]
    fn records_split_and_joined_across_segments() {
        let mut conv = Conversation::default();
        // Server Hello Done (type 14, empty) and Change Cipher Spec in one go, split oddly.
        let mut bytes = record(HANDSHAKE, &[14, 0, 0, 0]);
        bytes.extend(record(CHANGE_CIPHER_SPEC, &[1]));
        let first = feed(&mut conv, Dir::ToClient, &bytes[..3]);
        assert_eq!(first.protocol, "", "an incomplete record reports nothing");
        let second = feed(&mut conv, Dir::ToClient, &bytes[3..]);
        assert_eq!(second.info, "Server Hello Done, Change Cipher Spec");
        assert_eq!(second.protocol, "TLSv1.2");
        assert_eq!(values(&second, Field::TlsRecordContentType), ["22", "20"]);
        assert_eq!(values(&second, Field::WirelabTlsStep), [STEP_HELLO, STEP_FINISHED]);
        // After its Change Cipher Spec, the same side's handshake records are encrypted.
        let finished = feed(&mut conv, Dir::ToClient, &record(HANDSHAKE, &[0x9a; 40]));
        assert_eq!(finished.info, "Encrypted Handshake Message");
    }

    #[test]
    fn alerts_are_named() {
        let mut conv = Conversation::default();
        let p = feed(&mut conv, Dir::ToClient, &record(ALERT, &[2, 70]));
        assert_eq!(p.info, "Alert (Level: Fatal, Description: Protocol Version)");
        assert_eq!(values(&p, Field::TlsAlertMessageDesc), ["70"]);
    }

    #[test]
    fn hostile_records_do_not_panic() {
        let mut conv = Conversation::default();
        // A Client Hello whose inner lengths lie.
        let p = feed(
            &mut conv,
            Dir::ToServer,
            &record(HANDSHAKE, &[1, 0, 0, 6, 3, 3, 0xff, 0xff, 0xff, 0xff]),
        );
        assert_eq!(p.info, "Client Hello");
        assert!(p.notes.iter().any(|n| n.message.contains("could not be parsed")));
        // Not TLS at all: continuation, then everything after it too.
        let mut conv = Conversation::default();
        assert_eq!(
            feed(&mut conv, Dir::ToServer, b"SSH-2.0-OpenSSH_9.2\r\n").info,
            "Continuation Data"
        );
        assert_eq!(
            feed(&mut conv, Dir::ToServer, &record(HANDSHAKE, &[14, 0, 0, 0])).info,
            "Continuation Data"
        );
    }

    #[test]
    fn the_hinted_version_labels_the_client_hello() {
        let mut conv = Conversation::with_hint(Some(0x0304));
        let p = feed(&mut conv, Dir::ToServer, &record(HANDSHAKE, &[1, 0, 0, 0]));
        assert_eq!(p.protocol, "TLSv1.3");
    }

    /// A stream with two Server Hellos naming different versions (made by a fuzzer):
    /// after each, its records take the version it named, whether or not a first pass
    /// gave the version of the first (a single pass and two passes label alike).
    #[test]
    fn a_later_server_hello_labels_the_records_after_it_in_both_passes() {
        let server_hello = |minor: u8| {
            let mut message = vec![2, 0, 0, 38, 3, minor];
            message.extend([0u8; 32]);
            message.extend([0, 0x00, 0x2f, 0]);
            record(HANDSHAKE, &message)
        };
        for (mut conv, pass) in [
            (Conversation::with_hint(Some(0x0303)), "second pass"),
            (Conversation::default(), "single pass"),
        ] {
            assert_eq!(
                feed(&mut conv, Dir::ToServer, &record(HANDSHAKE, &[1, 0, 0, 0])).protocol,
                "TLSv1.2",
                "{pass}"
            );
            assert_eq!(
                feed(&mut conv, Dir::ToClient, &server_hello(3)).protocol,
                "TLSv1.2",
                "{pass}"
            );
            assert_eq!(
                feed(&mut conv, Dir::ToClient, &server_hello(2)).protocol,
                "TLSv1.1",
                "{pass}"
            );
            assert_eq!(
                feed(&mut conv, Dir::ToClient, &record(23, b"data")).protocol,
                "TLSv1.1",
                "{pass}"
            );
        }
    }
}

#[cfg(test)]
mod draft_tests {
    /// A TLS 1.3 draft-20 Server Hello (from Wireshark's test captures), which
    /// tls-parser does not parse.
    #[test]
    fn draft_20_server_hello_names_its_version() {
        let hex = "0200004e7f1455c823eb5524fee16cd69e1607ee2966bc8a44ced3dd3956abdb7bdde12069f81303002800280024001d00204b094e6bb575855801b0661ac7e588a1fdd8579e718b0fb795515ad6116944471703";
        let msg: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(super::server_hello_version(&msg), Some(0x7f14));
    }
}
