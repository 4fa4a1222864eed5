//! Annotated replay (`wirelab replay --annotate`): short teaching notes interleaved
//! with the packet list where a moment worth explaining passes. Recognising the moment
//! is [`Annotator`]'s job; what is said is in one table, [`TEXTS`], so that the words can
//! be edited or translated in one place.

use std::collections::{HashMap, HashSet};

use crate::decode::{Field, Packet, Proto, Value};

/// A moment a note explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Moment {
    TcpSyn,
    TcpSynAck,
    TcpHandshakeDone,
    TcpFin,
    TcpReset,
    TlsClientHello,
    TlsServerHello12,
    TlsServerHello13,
    TlsCertificate,
    TlsCertificateNames,
    TlsServerKeyExchange,
    TlsServerHelloDone,
    TlsClientKeyExchange,
    TlsChangeCipherSpec12,
    TlsChangeCipherSpec13,
    TlsFinished12,
    TlsEncryptedHandshake13,
    TlsServerFlight13,
    TlsApplicationData,
    TlsAlert,
    HttpRequest,
    HttpResponse,
    FtpControl,
    FtpLoginOk,
    FtpLoginFailed,
    FtpPort,
    FtpEprt,
    FtpPasv,
    FtpEpsv,
    FtpDataActive,
    FtpDataPassive,
    SmbNegotiate,
    NtlmNegotiate,
    NtlmChallenge,
    NtlmAuth,
    SmbLogonFailed,
    SmbLogonOk,
    SmbFailureCluster,
    SmbFailureMore,
    DnsQuery,
    DnsAnswer,
    NbnsQuery,
    ArpRequest,
    ArpReply,
}

/// Every note's text. `{name}` is replaced with the value the annotator found.
pub const TEXTS: &[(Moment, &str)] = &[
    (Moment::TcpSyn, "TCP handshake 1/3: {client} asks {server} to open a connection (SYN) and picks its starting sequence number."),
    (Moment::TcpSynAck, "TCP handshake 2/3: {server} agrees (SYN, ACK), acknowledging the client's SYN and choosing its own sequence number."),
    (Moment::TcpHandshakeDone, "TCP handshake 3/3: the client acknowledges; the connection is open and data can flow both ways."),
    (Moment::TcpFin, "Teardown: {from} has nothing more to send (FIN); each side closes its own direction."),
    (Moment::TcpReset, "Reset (RST): {from} aborts the connection at once, without the FIN exchange."),
    (Moment::TlsClientHello, "TLS step 1, hello: the client offers TLS versions and cipher suites and names the site it wants (SNI: {sni}). All of this is readable on the wire."),
    (Moment::TlsServerHello12, "TLS step 1, hello: the server picks TLS 1.2 and the cipher suite {cipher}. In 1.2 the rest of the handshake still travels in clear."),
    (Moment::TlsServerHello13, "TLS step 1, hello: the server picks TLS 1.3 (supported_versions = 0x0304) and {cipher}; its key share is in this message. From here on TLS 1.3 encrypts everything, even the certificate: the 'Application Data' records right after it are the rest of the handshake."),
    (Moment::TlsCertificate, "TLS step 3, authentication: the server sends its certificate chain, in clear in TLS 1.2. The client checks it against the trusted authorities and the name it asked for."),
    (Moment::TlsCertificateNames, "Its first certificate is the server's: it covers {names}, was signed by {issuer} and is valid until {until}. A client refuses it if the name it asked for is not among these, if it does not trust the signer, or after that date."),
    (Moment::TlsServerKeyExchange, "TLS step 2, key exchange: the server sends its ephemeral (EC)DHE public value, signed with its certificate's key."),
    (Moment::TlsServerHelloDone, "The server's hello flight is complete (Server Hello Done); the client answers."),
    (Moment::TlsClientKeyExchange, "TLS step 2, key exchange: the client sends its public value. Both sides now compute the same premaster secret, and from it and the two hello randoms the master secret (step 4)."),
    (Moment::TlsChangeCipherSpec12, "TLS step 5: Change Cipher Spec, this side switches to the keys just agreed. What it sends next is encrypted."),
    (Moment::TlsChangeCipherSpec13, "A Change Cipher Spec in TLS 1.3 does nothing: it is sent only so that old middleboxes let the connection through."),
    (Moment::TlsFinished12, "TLS step 6, verification: the encrypted Finished message carries a hash of the whole handshake; if either side computed different keys or anything was tampered with, it fails here."),
    (Moment::TlsServerFlight13, "TLS 1.3, encrypted: these Application Data records carry the server's Encrypted Extensions, its certificate (step 3), the signature proving it holds the key, and its Finished (step 6)."),
    (Moment::TlsEncryptedHandshake13, "TLS 1.3: the client's Finished, encrypted, shown as Application Data. The handshake is complete."),
    (Moment::TlsApplicationData, "Application Data: the HTTP request and response, encrypted. Only sizes and timing stay visible."),
    (Moment::TlsAlert, "An Alert ends the handshake: {alert}. Compare what the client offered with what the server accepts."),
    (Moment::HttpRequest, "HTTP request: method {method}, target {uri}. Plain HTTP: anyone on the path reads it, headers and body."),
    (Moment::HttpResponse, "HTTP response: status {code}. 2xx success, 3xx redirect, 4xx the client's error (405: method not allowed here), 5xx the server's."),
    (Moment::FtpControl, "FTP control connection to port {port}: commands and replies travel here, in clear text, passwords included."),
    (Moment::FtpLoginOk, "230: the login succeeded."),
    (Moment::FtpLoginFailed, "530: the login failed. Several of these in a row from one host deserve a look."),
    (Moment::FtpPort, "Active mode: with PORT the client tells the server where to connect ({ip} port {port}); the server will open the data connection, from its port 20."),
    (Moment::FtpEprt, "Active mode, extended (EPRT): the client names address and port for the server to connect to; it works with IPv6 too."),
    (Moment::FtpPasv, "Passive mode: the server answers PASV with an address and port ({ip} port {port}) and the client opens the data connection. This is what works from behind NAT and firewalls."),
    (Moment::FtpEpsv, "Passive mode, extended (EPSV): the server names only a port ({port}); the client connects to the same address as the control connection."),
    (Moment::FtpDataActive, "FTP data connection, active mode: the server connected to the client. It carries {command}."),
    (Moment::FtpDataPassive, "FTP data connection, passive mode: the client connected to the port the server announced. It carries {command}."),
    (Moment::SmbNegotiate, "SMB2 Negotiate: client and server agree on a dialect and capabilities before anyone logs on."),
    (Moment::NtlmNegotiate, "NTLM 1/3 (NTLMSSP_NEGOTIATE): the client asks to authenticate with NTLM."),
    (Moment::NtlmChallenge, "NTLM 2/3 (NTLMSSP_CHALLENGE): the server sends a random challenge; STATUS_MORE_PROCESSING_REQUIRED only means 'continue'."),
    (Moment::NtlmAuth, "NTLM 3/3 (NTLMSSP_AUTH): the client answers with a response computed from the password, and names user {user} from host {host}. The password itself never crosses the wire."),
    (Moment::SmbLogonFailed, "STATUS_LOGON_FAILURE: wrong user name or password for {user}."),
    (Moment::SmbLogonOk, "Session Setup succeeded: {host_ip} is logged on; a tree connect to a share usually follows."),
    (Moment::SmbFailureCluster, "Suspicious: {count} failed SMB logons so far from {host_ip} for {user}, within {span} s. One or two typos are common; a burst like this suggests someone guessing passwords."),
    (Moment::SmbFailureMore, "Failed SMB logon number {count} from {host_ip} for {user} ({span} s since the first of the burst)."),
    (Moment::DnsQuery, "DNS query: {client} asks its resolver for the {type} record of {name}."),
    (Moment::DnsAnswer, "DNS answer: {answer}."),
    (Moment::NbnsQuery, "NBNS name query for {name}, broadcast to the whole subnet: any host may answer, which is why rogue answers (e.g. for WPAD) are a known attack."),
    (Moment::ArpRequest, "ARP request: {from} broadcasts to learn the MAC address of {ip} before it can send to it."),
    (Moment::ArpReply, "ARP reply: the owner of the address answers directly with its MAC address."),
];

fn text(moment: Moment) -> &'static str {
    TEXTS.iter().find(|(m, _)| *m == moment).map(|(_, t)| *t).unwrap_or("")
}

/// Fills `{name}` placeholders.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A key for "once per host" or "once per service" notes.
fn key_of(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

fn string(p: &Packet, field: Field) -> Option<String> {
    p.value(field).map(|v| v.to_field_string(field.kind()))
}

fn strings(p: &Packet, field: Field) -> Vec<String> {
    p.values(field).map(|v| v.to_field_string(field.kind())).collect()
}

/// What a client checks in the server's certificate (the first of the chain).
struct CertificateSummary {
    /// Its subjectAltName's host names, or the subject's common name without them.
    names: String,
    /// The issuer's common name.
    issuer: String,
    /// notAfter.
    until: String,
}

/// The first certificate's names and end of validity, from its fields in the order
/// decoded (a frame may hold a whole chain: the first certificate ends where the next
/// begins).
fn first_certificate(p: &Packet) -> Option<CertificateSummary> {
    #[derive(PartialEq)]
    enum Part {
        Issuer,
        Subject,
        Other,
    }
    let (mut part, mut common_name_next, mut until_next) = (Part::Other, false, false);
    let (mut started, mut names, mut subject) = (false, Vec::new(), None);
    let (mut issuer, mut until) = (None, None);
    for (field, value) in &p.fields {
        let text = || value.to_field_string(field.kind());
        match field {
            Field::X509afSignedCertificateElement if started => break,
            Field::X509afSignedCertificateElement => started = true,
            Field::X509afIssuer => part = Part::Issuer,
            Field::X509afSubject => part = Part::Subject,
            Field::X509afValidityElement | Field::X509afSubjectPublicKeyInfoElement => part = Part::Other,
            Field::X509ifOid => common_name_next = text() == "2.5.4.3",
            Field::X509satUtf8String
            | Field::X509satPrintableString
            | Field::X509satTeletexString
            | Field::X509satBmpString
            | Field::X509satUniversalString
                if common_name_next =>
            {
                match part {
                    Part::Issuer => issuer = Some(text()),
                    Part::Subject => subject = Some(text()),
                    Part::Other => {}
                }
                common_name_next = false;
            }
            Field::X509afNotAfter => until_next = true,
            Field::X509afUtcTime | Field::X509afGeneralizedTime if until_next => {
                until = Some(text());
                until_next = false;
            }
            Field::X509ceDnsName if started => names.push(text()),
            _ => {}
        }
    }
    // A certificate may cover dozens of names: a note shows the first few.
    const SHOWN: usize = 8;
    let names = match names.len() {
        0 => subject?,
        n if n > SHOWN => format!("{} and {} more names", names[..SHOWN].join(", "), n - SHOWN),
        _ => names.join(", "),
    };
    Some(CertificateSummary {
        names,
        issuer: issuer.unwrap_or_else(|| "an issuer without a common name".into()),
        until: until?,
    })
}

fn flag(p: &Packet, field: Field) -> bool {
    matches!(p.value(field), Some(Value::Bool(true)))
}

/// Failed logons of one host and user less than this apart belong to one burst.
const CLUSTER_WINDOW_NS: i64 = 60_000_000_000;
const CLUSTER_SIZES: [usize; 3] = [3, 5, 10];

/// Recognises moments; remembers what it already explained, per conversation.
#[derive(Debug, Default)]
pub struct Annotator {
    said: HashSet<(Moment, u64)>,
    /// TCP streams whose SYN-ACK was seen and whose third handshake packet is awaited.
    awaiting_ack: HashSet<u64>,
    /// The user of the latest NTLMSSP_AUTH per TCP stream.
    users: HashMap<u64, String>,
    /// The current burst of failed logons by (client address, user).
    failures: HashMap<(String, String), Burst>,
    lookups: usize,
}

/// Failed logons that follow each other within `CLUSTER_WINDOW_NS`.
#[derive(Debug, Clone, Copy)]
struct Burst {
    first_ns: i64,
    last_ns: i64,
    count: usize,
}

impl Burst {
    fn starting(now: i64) -> Burst {
        Burst {
            first_ns: now,
            last_ns: now,
            count: 0,
        }
    }

    /// Counts a failure at `now`; one long after the previous starts a new burst.
    fn record(&mut self, now: i64) -> usize {
        if now.saturating_sub(self.last_ns) > CLUSTER_WINDOW_NS {
            *self = Burst::starting(now);
        }
        self.count += 1;
        self.last_ns = now;
        self.count
    }
}

/// Client/user pairs whose bursts are followed (a capture could invent endless users).
const MAX_BURSTS: usize = 4096;

impl Annotator {
    /// The notes for a packet, in the order to print them.
    pub fn notes(&mut self, p: &Packet) -> Vec<String> {
        let mut notes = Vec::new();
        let stream = p.uint(Field::TcpStream).unwrap_or(u64::MAX);
        let src = super::address_text(&p.src, &super::MacNames::none());
        let dst = super::address_text(&p.dst, &super::MacNames::none());
        let mut say = |moment: Moment, key: u64, values: &[(&str, String)], notes: &mut Vec<String>| {
            if self.said.insert((moment, key)) {
                notes.push(fill(text(moment), values));
            }
        };
        if p.has_proto(Proto::Tcp) && p.uint(Field::TcpStream).is_some() {
            // Connections are explained once per service (the lower port: 21, 443, or
            // 20 for active FTP data), not for each connection.
            let ports = strings(p, Field::TcpPort);
            let service = ports.iter().filter_map(|p| p.parse::<u64>().ok()).min().unwrap_or(0);
            let (syn, ack) = (flag(p, Field::TcpFlagsSyn), flag(p, Field::TcpFlagsAck));
            if syn && !ack {
                say(
                    Moment::TcpSyn,
                    service,
                    &[("client", src.clone()), ("server", dst.clone())],
                    &mut notes,
                );
            } else if syn && ack {
                say(Moment::TcpSynAck, service, &[("server", src.clone())], &mut notes);
                self.awaiting_ack.insert(stream);
            } else if ack && self.awaiting_ack.remove(&stream) {
                say(Moment::TcpHandshakeDone, service, &[], &mut notes);
            }
            if flag(p, Field::TcpFlagsFin) {
                say(Moment::TcpFin, service, &[("from", src.clone())], &mut notes);
            }
            if flag(p, Field::TcpFlagsReset) {
                say(Moment::TcpReset, service, &[("from", src.clone())], &mut notes);
            }
        }
        self.tls(p, stream, &mut notes);
        self.http(p, stream, &mut notes);
        self.ftp(p, stream, &mut notes);
        self.smb(p, stream, &mut notes);
        self.lookups(p, &src, &mut notes);
        notes
    }

    fn once(&mut self, moment: Moment, key: u64, values: &[(&str, String)], notes: &mut Vec<String>) {
        if self.said.insert((moment, key)) {
            notes.push(fill(text(moment), values));
        }
    }

    fn tls(&mut self, p: &Packet, stream: u64, notes: &mut Vec<String>) {
        if !p.has_proto(Proto::Tls) {
            return;
        }
        let tls13 = p.protocol == "TLSv1.3";
        for kind in strings(p, Field::TlsHandshakeType) {
            let cipher = string(p, Field::WirelabTlsCiphersuiteName).unwrap_or_default();
            let moment = match kind.as_str() {
                "1" => Moment::TlsClientHello,
                "2" if tls13 => Moment::TlsServerHello13,
                "2" => Moment::TlsServerHello12,
                "11" => Moment::TlsCertificate,
                "12" => Moment::TlsServerKeyExchange,
                "14" => Moment::TlsServerHelloDone,
                "16" => Moment::TlsClientKeyExchange,
                _ => continue,
            };
            let sni = string(p, Field::TlsHandshakeExtensionsServerName).unwrap_or_else(|| "none".into());
            self.once(moment, stream, &[("sni", sni), ("cipher", cipher)], notes);
            if moment == Moment::TlsCertificate {
                if let Some(certificate) = first_certificate(p) {
                    let values = [
                        ("names", certificate.names),
                        ("issuer", certificate.issuer),
                        ("until", certificate.until),
                    ];
                    self.once(Moment::TlsCertificateNames, stream, &values, notes);
                }
            }
        }
        let types = strings(p, Field::TlsRecordContentType);
        if types.iter().any(|t| t == "20") {
            let moment = if tls13 {
                Moment::TlsChangeCipherSpec13
            } else {
                Moment::TlsChangeCipherSpec12
            };
            self.once(moment, stream, &[], notes);
        }
        if p.info.contains("Encrypted Handshake Message") && !tls13 {
            self.once(Moment::TlsFinished12, stream, &[], notes);
        }
        let steps = strings(p, Field::WirelabTlsStep);
        let count = |step: &str| steps.iter().filter(|s| *s == step).count();
        if tls13 && count(crate::decode::app::tls::STEP_CERTIFICATES) > 0 {
            self.once(Moment::TlsServerFlight13, stream, &[], notes);
        }
        // In 1.3 a Change Cipher Spec is tagged finished/verification too: the client's
        // Finished is the one left over.
        let ccs = types.iter().filter(|t| *t == "20").count();
        if tls13 && count(crate::decode::app::tls::STEP_FINISHED) > ccs {
            self.once(Moment::TlsEncryptedHandshake13, stream, &[], notes);
        }
        if steps.iter().any(|s| s == crate::decode::app::tls::STEP_APPLICATION) {
            self.once(Moment::TlsApplicationData, stream, &[], notes);
        }
        if let Some(start) = p.info.find("Alert (") {
            let alert = p.info[start..].split(')').next().unwrap_or("").to_string() + ")";
            self.once(Moment::TlsAlert, stream, &[("alert", alert)], notes);
        }
    }

    fn http(&mut self, p: &Packet, stream: u64, notes: &mut Vec<String>) {
        if let Some(method) = string(p, Field::HttpRequestMethod) {
            let uri = string(p, Field::HttpRequestUri).unwrap_or_default();
            self.once(Moment::HttpRequest, stream, &[("method", method), ("uri", uri)], notes);
        }
        if let Some(code) = string(p, Field::HttpResponseCode) {
            self.once(Moment::HttpResponse, stream, &[("code", code)], notes);
        }
    }

    fn ftp(&mut self, p: &Packet, stream: u64, notes: &mut Vec<String>) {
        if p.has_proto(Proto::Ftp) {
            let port = strings(p, Field::TcpPort)
                .into_iter()
                .min_by_key(|s| s.parse::<u32>().unwrap_or(u32::MAX));
            self.once(Moment::FtpControl, stream, &[("port", port.unwrap_or_default())], notes);
            let code = string(p, Field::FtpResponseCode);
            match (string(p, Field::FtpRequestCommand).as_deref(), code.as_deref()) {
                (Some("PORT"), _) => {
                    let values = [
                        ("ip", string(p, Field::FtpActiveCip).unwrap_or_else(|| "?".into())),
                        ("port", string(p, Field::FtpActivePort).unwrap_or_else(|| "?".into())),
                    ];
                    self.once(Moment::FtpPort, stream, &values, notes);
                }
                (Some("EPRT"), _) => self.once(Moment::FtpEprt, stream, &[], notes),
                (_, Some("227")) => {
                    let values = [
                        ("ip", string(p, Field::FtpPassiveIp).unwrap_or_else(|| "?".into())),
                        ("port", string(p, Field::FtpPassivePort).unwrap_or_else(|| "?".into())),
                    ];
                    self.once(Moment::FtpPasv, stream, &values, notes);
                }
                (_, Some("229")) => {
                    let port = string(p, Field::FtpEpsvPort).unwrap_or_default();
                    self.once(Moment::FtpEpsv, stream, &[("port", port)], notes);
                }
                (_, Some("230")) => self.once(Moment::FtpLoginOk, stream, &[], notes),
                (_, Some("530")) => self.once(Moment::FtpLoginFailed, stream, &[], notes),
                _ => {}
            }
        }
        if p.has_proto(Proto::FtpData) {
            let command = string(p, Field::WirelabFtpDataTransfer)
                .or_else(|| string(p, Field::FtpDataCommand))
                .unwrap_or_else(|| "a transfer".into());
            let active = strings(p, Field::TcpPort).iter().any(|port| port == "20")
                || matches!(string(p, Field::FtpDataSetupMethod).as_deref(), Some("PORT" | "EPRT"));
            let moment = if active {
                Moment::FtpDataActive
            } else {
                Moment::FtpDataPassive
            };
            self.once(moment, stream, &[("command", command)], notes);
        }
    }

    fn smb(&mut self, p: &Packet, stream: u64, notes: &mut Vec<String>) {
        if !p.has_proto(Proto::Smb2) {
            return;
        }
        let commands = strings(p, Field::Smb2Cmd);
        let response = flag(p, Field::Smb2FlagsResponse);
        // The logon's steps are explained once per client host; failures each time.
        let client = super::address_text(if response { &p.dst } else { &p.src }, &super::MacNames::none());
        let host = key_of(&client);
        if commands.iter().any(|c| c == "0") {
            self.once(Moment::SmbNegotiate, host, &[], notes);
        }
        match string(p, Field::NtlmsspMessagetype).as_deref() {
            Some("0x00000001") => self.once(Moment::NtlmNegotiate, host, &[], notes),
            Some("0x00000002") => self.once(Moment::NtlmChallenge, host, &[], notes),
            Some("0x00000003") => {
                let user = format!(
                    "{}\\{}",
                    string(p, Field::NtlmsspAuthDomain).unwrap_or_default(),
                    string(p, Field::NtlmsspAuthUsername).unwrap_or_default()
                );
                self.users.insert(stream, user.clone());
                let name = string(p, Field::NtlmsspAuthHostname).unwrap_or_default();
                self.once(
                    Moment::NtlmAuth,
                    key_of(&client),
                    &[("user", user), ("host", name)],
                    notes,
                );
            }
            _ => {}
        }
        if !(response && commands.iter().any(|c| c == "1")) {
            return;
        }
        let user = self.users.get(&stream).cloned().unwrap_or_else(|| "?".into());
        match string(p, Field::Smb2NtStatus).as_deref() {
            Some("0xc000006d") => {
                self.once(Moment::SmbLogonFailed, host, &[("user", user.clone())], notes);
                let key = (client.clone(), user.clone());
                if self.failures.len() >= MAX_BURSTS && !self.failures.contains_key(&key) {
                    return;
                }
                let now = p.rel_ns;
                let burst = self.failures.entry(key).or_insert(Burst::starting(now));
                // The burst is flagged at 3, 5 and 10 failures; every failure after the
                // first flag is counted, so the last note tells how many there were.
                let count = burst.record(now);
                if count >= CLUSTER_SIZES[0] {
                    let span = now.saturating_sub(burst.first_ns) as f64 / 1e9;
                    let moment = if CLUSTER_SIZES.contains(&count) {
                        Moment::SmbFailureCluster
                    } else {
                        Moment::SmbFailureMore
                    };
                    notes.push(fill(
                        text(moment),
                        &[
                            ("count", count.to_string()),
                            ("host_ip", client),
                            ("user", user),
                            ("span", format!("{span:.1}")),
                        ],
                    ));
                }
            }
            Some("0x00000000") => self.once(Moment::SmbLogonOk, stream, &[("host_ip", client)], notes),
            _ => {}
        }
    }

    fn lookups(&mut self, p: &Packet, src: &str, notes: &mut Vec<String>) {
        // A few of each kind: enough to explain, not to drown the list.
        if self.lookups >= 12 {
            return;
        }
        let before = notes.len();
        if p.has_proto(Proto::Dns) {
            if flag(p, Field::DnsFlagsResponse) {
                let answer = p.info.split_once(' ').map(|_| p.info.clone()).unwrap_or_default();
                notes.push(fill(text(Moment::DnsAnswer), &[("answer", answer)]));
            } else {
                let values = [
                    ("client", src.to_string()),
                    ("type", p.info.split_whitespace().nth(3).unwrap_or("?").to_string()),
                    ("name", string(p, Field::DnsQryName).unwrap_or_default()),
                ];
                notes.push(fill(text(Moment::DnsQuery), &values));
            }
        } else if p.has_proto(Proto::Nbns) && !flag(p, Field::NbnsFlagsResponse) {
            let name = string(p, Field::NbnsName).unwrap_or_default();
            notes.push(fill(text(Moment::NbnsQuery), &[("name", name)]));
        } else if p.has_proto(Proto::Arp) {
            match string(p, Field::ArpOpcode).as_deref() {
                Some("1") => {
                    let ip = string(p, Field::ArpDstProtoIpv4).unwrap_or_default();
                    let from = string(p, Field::ArpSrcProtoIpv4).unwrap_or_default();
                    notes.push(fill(text(Moment::ArpRequest), &[("from", from), ("ip", ip)]));
                }
                Some("2") => notes.push(text(Moment::ArpReply).to_string()),
                _ => {}
            }
        }
        self.lookups += notes.len() - before;
    }
}

/// A note as lines of at most `width` columns, each starting with the note marker or
/// its indent.
pub fn wrap(note: &str, width: usize) -> Vec<String> {
    const FIRST: &str = "        » ";
    const REST: &str = "          ";
    let room = width.saturating_sub(FIRST.chars().count()).max(20);
    super::markup::wrap(note, room)
        .into_iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", if i == 0 { FIRST } else { REST }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_wrap_to_the_width() {
        let lines = wrap("one two three four five six seven eight nine ten eleven twelve", 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert!(lines[0].starts_with("        » one"));
        assert!(lines[1].starts_with("          "));
    }

    #[test]
    fn every_moment_has_a_text_and_placeholders_fill() {
        for (moment, text) in TEXTS {
            assert!(!text.is_empty(), "{moment:?}");
        }
        assert_eq!(TEXTS.len(), 44, "one text per moment");
        assert_eq!(fill("a {x} b {y}", &[("x", "1".into()), ("y", "2".into())]), "a 1 b 2");
    }

    #[test]
    fn a_burst_counts_every_failure_until_a_long_pause() {
        const S: i64 = 1_000_000_000;
        let mut burst = Burst::starting(0);
        // One failure every 20 s: one burst, counted 1, 2, 3, ... however long it lasts.
        let counts: Vec<usize> = (0..8).map(|i| burst.record(i * 20 * S)).collect();
        assert_eq!(counts, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(burst.first_ns, 0);
        // After more than a minute of quiet, a new burst.
        assert_eq!(burst.record(140 * S + 61 * S), 1);
        assert_eq!(burst.first_ns, 201 * S);
    }
}
