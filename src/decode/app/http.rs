//! HTTP/1.x: request and status lines, headers, and the body framing of RFC 9112
//! (Content-Length, chunked, or until the server closes). A message is shown in the
//! frame that completes it, with tshark's Info (`GET / HTTP/1.1 `, `HTTP/1.1 200 OK
//! (text/html)`). Heads are parsed by httparse; bodies are kept (bounded) for export.

use std::borrow::Cow;
use std::collections::VecDeque;

use super::{Dir, Out, Pending, MAX_PENDING};
use crate::decode::field::{Field, Value};
use crate::decode::packet::{Proto, Severity};
use crate::decode::text::{escape_bytes, lossy};

/// Headers read per message; a head with more is malformed.
const MAX_HEADERS: usize = 128;

/// Headers parsed at first: a head with more is parsed again with room for [`MAX_HEADERS`].
const FEW_HEADERS: usize = 24;

/// Body bytes kept per message for export (the rest is counted, not kept).
pub const MAX_BODY_KEPT: usize = 1 << 20;
/// Requests remembered while their responses are outstanding (pipelining).
const MAX_OUTSTANDING: usize = 64;

/// The eight methods RFC 9110 defines; any other token is still a method.
pub const STANDARD_METHODS: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE"];

/// Does this look like the start of an HTTP message (tshark's heuristic)?
pub fn looks_like_http(bytes: &[u8]) -> bool {
    let line_end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
    let line = &bytes[..line_end];
    if line.starts_with(b"HTTP/1.") {
        return true;
    }
    let Some(space) = line.iter().position(|&b| b == b' ') else {
        return false;
    };
    let method = &line[..space];
    let token = !method.is_empty()
        && method
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'-' || *b == b'_');
    token && (line.ends_with(b" HTTP/1.1\r") || line.ends_with(b" HTTP/1.0\r") || line.ends_with(b" HTTP/1.1"))
}

#[derive(Debug)]
struct Request {
    method: String,
    /// The target as tshark reports it for the response: the full URI when known.
    uri: String,
    frame: u64,
    rel_ns: i64,
}

/// What a direction is in the middle of.
#[derive(Debug, Default)]
enum Body {
    /// Waiting for a message head.
    #[default]
    Head,
    /// A head was read; `remaining` body bytes follow.
    Length { head: Head, remaining: u64 },
    /// A chunked body is being read.
    Chunked { head: Head },
    /// The body runs until the server closes the connection.
    UntilClose { head: Head },
    /// Bytes that do not parse as HTTP: everything after is shown as continuation.
    Lost,
}

/// A parsed head waiting for its body.
#[derive(Debug)]
struct Head {
    info: String,
    fields: Vec<(Field, Value)>,
    media: Option<String>,
    body: Vec<u8>,
    body_len: u64,
    /// How much of the body is kept: all of it (up to [`MAX_BODY_KEPT`]) when the
    /// packets keep `http.file_data`, else the first bytes, which name some formats.
    body_cap: usize,
    /// A CONNECT answered with 2xx: the connection becomes a tunnel afterwards.
    tunnel_port: Option<u16>,
    /// For a request: its method and full target, remembered when it completes.
    request: Option<(String, String)>,
    /// For a response: where `http.time` is among the fields, and the time of its
    /// request: the time since is taken in the frame the response is shown in.
    time_since: Option<(usize, i64)>,
}

#[derive(Debug, Default)]
pub struct Conversation {
    pending: [Pending; 2],
    state: [Body; 2],
    outstanding: VecDeque<Request>,
    /// Set when the 2xx answer to a CONNECT completes: the tunnel's target port.
    connect_port: Option<u16>,
    /// Messages are SSDP's (HTTP over UDP 1900).
    ssdp: bool,
    /// The target of a request whose head arrived but whose body has not (a 100
    /// Continue answers it: tshark names its target, though not its frame).
    incomplete_request_uri: Option<String>,
}

impl Conversation {
    /// Reads newly delivered bytes of one direction. Returns the target port when a
    /// CONNECT tunnel opens (what follows is not HTTP any more).
    pub fn feed(&mut self, dir: Dir, bytes: &[u8], out: &mut Out) -> Option<u16> {
        let d = dir as usize;
        if !self.pending[d].push(bytes) {
            super::buffers_full(out, Proto::Http);
            self.pending[d].clear();
            self.state[d] = Body::Lost;
            return None;
        }
        loop {
            let state = std::mem::take(&mut self.state[d]);
            let (next, progressed) = self.step(dir, state, out);
            self.state[d] = next;
            if let Some(port) = self.connect_port.take() {
                // The 2xx answer to CONNECT is complete: what follows is the tunnel's.
                return Some(port);
            }
            if !progressed {
                break;
            }
        }
        if self.pending[d].len() > MAX_PENDING {
            out.note(
                Severity::Warning,
                Proto::Http,
                format!("HTTP head or chunk header longer than {MAX_PENDING} bytes: given up"),
            );
            self.pending[d].clear();
            self.state[d] = Body::Lost;
        }
        None
    }

    /// The server closed its side: a body that runs until close is complete.
    pub fn end_of_stream(&mut self, dir: Dir, out: &mut Out) {
        let d = dir as usize;
        if let Body::UntilClose { head } = std::mem::take(&mut self.state[d]) {
            emit(head, self.ssdp, out);
        }
    }

    /// The snaplen cut the direction's bytes: a message whose head was read is shown as
    /// far as it came, marked as tshark marks it; what waits is dropped, and the next
    /// bytes start a new message.
    pub fn cut_short(&mut self, dir: Dir, out: &mut Out) {
        let d = dir as usize;
        match std::mem::take(&mut self.state[d]) {
            Body::Length { head, .. } | Body::Chunked { head } | Body::UntilClose { head } => {
                emit(head, self.ssdp, out);
                out.info_with(|info| info.push_str("[Packet size limited during capture]"));
            }
            Body::Head => {
                // A head cut short: its first line, if it came whole and reads as HTTP.
                let buf = self.pending[d].bytes();
                if let Some(end) = memchr::memchr(b'\n', buf).filter(|_| looks_like_http(buf)) {
                    let line = buf[..end].strip_suffix(b"\r").unwrap_or(&buf[..end]);
                    match self.ssdp {
                        true => out.message(Proto::Ssdp, "SSDP"),
                        false => out.message(Proto::Http, "HTTP"),
                    }
                    out.info_part_with(|info| {
                        escape_bytes(line, info);
                        info.push_str(" [Packet size limited during capture]");
                    });
                }
            }
            Body::Lost => {}
        }
        self.pending[d].clear();
    }

    /// One step of the state machine; returns the next state and whether it consumed input.
    fn step(&mut self, dir: Dir, state: Body, out: &mut Out) -> (Body, bool) {
        let d = dir as usize;
        match state {
            Body::Head => {
                if self.pending[d].is_empty() {
                    return (Body::Head, false);
                }
                self.head(dir, out)
            }
            Body::Length { mut head, remaining } => {
                let buf = self.pending[d].bytes();
                let take = (buf.len() as u64).min(remaining) as usize;
                keep_body(&mut head, &buf[..take]);
                self.pending[d].consume(take);
                if remaining - take as u64 == 0 {
                    self.complete(dir, head, out)
                } else {
                    (
                        Body::Length {
                            head,
                            remaining: remaining - take as u64,
                        },
                        false,
                    )
                }
            }
            Body::Chunked { mut head } => match chunk(self.pending[d].bytes()) {
                Chunk::NeedMore => (Body::Chunked { head }, false),
                Chunk::Data { header_len, size } => {
                    let buf = self.pending[d].bytes();
                    let data = &buf[header_len..header_len + size];
                    keep_body(&mut head, data);
                    self.pending[d].consume(header_len + size + 2);
                    (Body::Chunked { head }, true)
                }
                Chunk::Last { len } => {
                    self.pending[d].consume(len);
                    self.complete(dir, head, out)
                }
                bad @ (Chunk::Bad | Chunk::TooBig(_)) => {
                    let note = match bad {
                        Chunk::TooBig(size) => format!(
                            "a chunk of {size} bytes is larger than the {MAX_PENDING} bytes wirelab keeps: \
                             the rest of the body is not decoded"
                        ),
                        _ => "malformed chunk size in a chunked body".to_string(),
                    };
                    out.note(Severity::Error, Proto::Http, note);
                    self.pending[d].clear();
                    // The head was whole: show the message with the body it got so far.
                    let _ = self.complete(dir, head, out);
                    (Body::Lost, false)
                }
            },
            Body::UntilClose { mut head } => {
                let buf = self.pending[d].bytes();
                keep_body(&mut head, buf);
                let n = buf.len();
                self.pending[d].consume(n);
                (Body::UntilClose { head }, false)
            }
            Body::Lost => {
                let n = self.pending[d].len();
                if n > 0 {
                    self.pending[d].consume(n);
                    continuation(out);
                }
                (Body::Lost, false)
            }
        }
    }

    fn complete(&mut self, dir: Dir, head: Head, out: &mut Out) -> (Body, bool) {
        let tunnel = head.tunnel_port;
        if let Some((method, uri)) = &head.request {
            self.incomplete_request_uri = None;
            // A response answers a request once the request is complete (as tshark pairs them).
            if self.outstanding.len() >= MAX_OUTSTANDING {
                self.outstanding.pop_front();
            }
            self.outstanding.push_back(Request {
                method: method.clone(),
                uri: uri.clone(),
                frame: out.frame(),
                rel_ns: out.rel_ns(),
            });
        }
        emit(head, self.ssdp, out);
        if let (Dir::ToClient, Some(port)) = (dir, tunnel) {
            self.connect_port = Some(port);
        }
        (Body::Head, true)
    }

    /// Parses a head at the start of the pending bytes.
    fn head(&mut self, dir: Dir, out: &mut Out) -> (Body, bool) {
        // The head is read in place: its bytes are taken out of the conversation, so
        // that the parsed head can borrow them while the conversation is updated.
        let d = dir as usize;
        let mut pending = std::mem::take(&mut self.pending[d]);
        let result = self.head_in(dir, &mut pending, out);
        self.pending[d] = pending;
        result
    }

    fn head_in(&mut self, dir: Dir, pending: &mut Pending, out: &mut Out) -> (Body, bool) {
        let buf = pending.bytes();
        if !looks_like_http(buf) {
            if !buf.contains(&b'\n') && buf.len() < 64 * 1024 && plausible_start(buf) {
                // The first line is still arriving.
                return (Body::Head, false);
            }
            let n = buf.len();
            pending.consume(n);
            continuation(out);
            return (Body::Head, false);
        }
        let parsed = parse_any_head(buf);
        match parsed {
            Ok(None) => (Body::Head, false),
            Ok(Some(parsed)) => {
                let len = parsed.len();
                let (head, framing) = self.read_head(parsed, buf, out);
                pending.consume(len);
                self.body_after(dir, head, framing, out)
            }
            Err(e) => match lenient_head(buf) {
                // httparse is strict where tshark is not (control bytes in a target,
                // odd header names): read such a head line by line instead.
                LenientHead::Complete(parsed) => {
                    out.note(
                        Severity::Warning,
                        Proto::Http,
                        format!("HTTP head breaks RFC 9112: {e}"),
                    );
                    let len = parsed.len();
                    let (head, framing) = self.read_head(parsed, buf, out);
                    pending.consume(len);
                    self.body_after(dir, head, framing, out)
                }
                LenientHead::Partial => (Body::Head, false),
                LenientHead::Invalid => {
                    out.note(Severity::Error, Proto::Http, format!("malformed HTTP head: {e}"));
                    let n = buf.len();
                    pending.consume(n);
                    continuation(out);
                    (Body::Lost, false)
                }
            },
        }
    }

    /// Reads a parsed head (`buf`, the bytes it was parsed from, starts with it).
    fn read_head(&mut self, parsed: Parsed, buf: &[u8], out: &mut Out) -> (Head, Framing) {
        let first_line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(0);
        self.build(parsed, trim_cr(&buf[..first_line_end]), out)
    }

    /// Moves on to the body of a head read (and consumed).
    fn body_after(&mut self, dir: Dir, head: Head, framing: Framing, out: &mut Out) -> (Body, bool) {
        match framing {
            Framing::None | Framing::Length(0) => self.complete(dir, head, out),
            Framing::Length(n) => (Body::Length { head, remaining: n }, true),
            Framing::Chunked => (Body::Chunked { head }, true),
            Framing::UntilClose => (Body::UntilClose { head }, true),
        }
    }

    fn build(&mut self, parsed: Parsed, first_line: &[u8], out: &mut Out) -> (Head, Framing) {
        let mut info = String::new();
        escape_bytes(first_line, &mut info);
        info.push(' ');
        let mut fields = Vec::new();
        let mut time_since = None;
        let headers = parsed.headers();
        let framing_headers = FramingHeaders::of(headers);
        let content_length = framing_headers
            .content_length
            .and_then(|v| v.trim().parse::<u64>().ok());
        let chunked = framing_headers
            .transfer_encoding
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let media = framing_headers
            .content_type
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let mut tunnel_port = None;
        let mut request = None;
        let framing = match &parsed {
            Parsed::Request {
                method, uri, version, ..
            } => {
                // tshark counts NOTIFY (GENA, SSDP) a notification, not a request.
                if method != "NOTIFY" {
                    keep(&mut fields, out, Field::HttpRequest, || Value::Bool(true));
                }
                keep(&mut fields, out, Field::HttpRequestMethod, || {
                    Value::Str(method.to_string())
                });
                if !STANDARD_METHODS.contains(&method.as_ref()) {
                    // Any token is a valid method (WebDAV adds PROPFIND, MKCOL...): say so.
                    out.note(
                        Severity::Note,
                        Proto::Http,
                        format!("{method} is not one of the eight methods RFC 9110 defines"),
                    );
                }
                keep(&mut fields, out, Field::HttpRequestUri, || Value::Str(uri.to_string()));
                keep(&mut fields, out, Field::HttpRequestVersion, || {
                    Value::Str(format!("HTTP/1.{version}"))
                });
                let full = match framing_headers.host {
                    Some(host) if uri.starts_with('/') || uri == "*" => {
                        let mut full = String::with_capacity(7 + host.len() + uri.len());
                        full.push_str("http://");
                        full.push_str(host);
                        full.push_str(uri);
                        full
                    }
                    _ => uri.to_string(),
                };
                if framing_headers.host.is_some() {
                    keep(&mut fields, out, Field::HttpRequestFullUri, || Value::Str(full.clone()));
                }
                self.incomplete_request_uri = Some(full.clone());
                request = Some((method.to_string(), full));
                if chunked {
                    Framing::Chunked
                } else {
                    Framing::Length(content_length.unwrap_or(0))
                }
            }
            Parsed::Response {
                version, code, reason, ..
            } => {
                keep(&mut fields, out, Field::HttpResponse, || Value::Bool(true));
                keep(&mut fields, out, Field::HttpResponseVersion, || {
                    Value::Str(format!("HTTP/1.{version}"))
                });
                keep(&mut fields, out, Field::HttpResponseCode, || Value::U(u64::from(*code)));
                keep(&mut fields, out, Field::HttpResponsePhrase, || {
                    Value::Str(reason.to_string())
                });
                // 1xx answers precede the real one: they do not consume the request.
                let request = if *code >= 200 {
                    self.outstanding.pop_front()
                } else {
                    self.outstanding.front().map(|r| Request {
                        method: r.method.clone(),
                        uri: r.uri.clone(),
                        frame: r.frame,
                        rel_ns: r.rel_ns,
                    })
                };
                let method = request.as_ref().map(|r| r.method.clone()).unwrap_or_default();
                if let Some(request) = &request {
                    keep(&mut fields, out, Field::HttpRequestIn, || Value::U(request.frame));
                    if out.wants(Field::HttpTime) {
                        time_since = Some((fields.len(), request.rel_ns));
                        fields.push((Field::HttpTime, Value::Time(0)));
                    }
                    keep(&mut fields, out, Field::HttpResponseForUri, || {
                        Value::Str(request.uri.clone())
                    });
                } else if let Some(uri) = self.incomplete_request_uri.clone().filter(|_| *code < 200) {
                    keep(&mut fields, out, Field::HttpResponseForUri, || Value::Str(uri));
                }
                if method == "CONNECT" && (200..300).contains(code) {
                    let port = request
                        .as_ref()
                        .and_then(|r| r.uri.rsplit(':').next())
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(443);
                    tunnel_port = Some(port);
                }
                if method == "HEAD"
                    || (100..200).contains(code)
                    || *code == 204
                    || *code == 304
                    || tunnel_port.is_some()
                {
                    Framing::None
                } else if chunked {
                    Framing::Chunked
                } else if let Some(n) = content_length {
                    Framing::Length(n)
                } else {
                    Framing::UntilClose
                }
            }
        };
        // Header fields are looked up by name only for packets that keep HTTP's fields
        // (a packet list keeps none, a filter on other protocols none of HTTP's).
        if out.wants_http_fields() {
            for (name, value) in headers {
                if let Some(field) = header_field(name) {
                    keep(&mut fields, out, field, || Value::Str(value.to_string()));
                }
                if name.eq_ignore_ascii_case("content-length") {
                    if let Ok(n) = value.trim().parse::<u64>() {
                        keep(&mut fields, out, Field::HttpContentLength, || Value::U(n));
                    }
                }
            }
        }
        let head = Head {
            info,
            fields,
            media,
            body: Vec::new(),
            body_len: 0,
            body_cap: if out.wants(Field::HttpFileData)
                || out.wants(Field::DataData)
                || out.wants(Field::UrlencodedFormKey)
                || out.wants(Field::UrlencodedFormValue)
            {
                MAX_BODY_KEPT
            } else {
                BODY_SNIFFED
            },
            tunnel_port,
            request,
            time_since,
        };
        (head, framing)
    }
}

/// The headers a head's reading depends on (the first of each name, as tshark reads
/// them), found in one pass over the headers.
#[derive(Default)]
struct FramingHeaders<'h> {
    content_length: Option<&'h str>,
    transfer_encoding: Option<&'h str>,
    content_type: Option<&'h str>,
    host: Option<&'h str>,
}

impl<'h> FramingHeaders<'h> {
    fn of(headers: &'h [Header<'_>]) -> Self {
        let mut found = FramingHeaders::default();
        for (name, value) in headers {
            let slot = match name.len() {
                4 if name.eq_ignore_ascii_case("host") => &mut found.host,
                12 if name.eq_ignore_ascii_case("content-type") => &mut found.content_type,
                14 if name.eq_ignore_ascii_case("content-length") => &mut found.content_length,
                17 if name.eq_ignore_ascii_case("transfer-encoding") => &mut found.transfer_encoding,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        found
    }
}

/// Keeps a head's field only if the packets will (a plain packet list keeps none).
fn keep(fields: &mut Vec<(Field, Value)>, out: &Out, field: Field, value: impl FnOnce() -> Value) {
    if out.wants(field) {
        fields.push((field, value()));
    }
}

enum Framing {
    None,
    Length(u64),
    Chunked,
    UntilClose,
}

/// A head, borrowing its text from the bytes it was parsed from (or owning it, when a
/// lenient reading had to repair it).
enum Parsed<'a> {
    Request {
        len: usize,
        method: Cow<'a, str>,
        uri: Cow<'a, str>,
        version: u8,
        headers: Vec<Header<'a>>,
    },
    Response {
        len: usize,
        version: u8,
        code: u16,
        reason: Cow<'a, str>,
        headers: Vec<Header<'a>>,
    },
}

/// A header's name and value.
type Header<'a> = (Cow<'a, str>, Cow<'a, str>);

impl Parsed<'_> {
    fn len(&self) -> usize {
        match self {
            Parsed::Request { len, .. } | Parsed::Response { len, .. } => *len,
        }
    }

    fn headers(&self) -> &[Header<'_>] {
        match self {
            Parsed::Request { headers, .. } | Parsed::Response { headers, .. } => headers,
        }
    }
}

/// Could these bytes become a request or status line once more arrive?
fn plausible_start(buf: &[u8]) -> bool {
    let token_end = buf.iter().position(|&b| b == b' ').unwrap_or(buf.len());
    let token = &buf[..token_end];
    !token.is_empty()
        && (b"HTTP/1.".starts_with(&token[..token.len().min(7)])
            || token.iter().all(|b| b.is_ascii_uppercase() || *b == b'-' || *b == b'_'))
}

enum LenientHead<'a> {
    Complete(Parsed<'a>),
    Partial,
    Invalid,
}

/// A head read line by line, accepting what httparse refuses but tshark shows.
fn lenient_head(buf: &[u8]) -> LenientHead<'static> {
    let Some(end) = find(buf, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(buf, b"\n\n").map(|i| i + 2))
    else {
        return if buf.len() > MAX_PENDING {
            LenientHead::Invalid
        } else {
            LenientHead::Partial
        };
    };
    let text = String::from_utf8_lossy(&buf[..end]);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let headers: Vec<Header> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string().into(), value.trim().to_string().into()))
        .collect();
    let parts: Vec<&str> = first.splitn(3, ' ').collect();
    let version = |v: &str| v.strip_prefix("HTTP/1.").and_then(|m| m.trim().parse::<u8>().ok());
    match parts.as_slice() {
        [v, code, reason] if v.starts_with("HTTP/") => match (version(v), code.parse()) {
            (Some(version), Ok(code)) => LenientHead::Complete(Parsed::Response {
                len: end,
                version,
                code,
                reason: reason.to_string().into(),
                headers,
            }),
            _ => LenientHead::Invalid,
        },
        [method, uri, v] => match version(v) {
            Some(version) => LenientHead::Complete(Parsed::Request {
                len: end,
                method: method.to_string().into(),
                uri: uri.to_string().into(),
                version,
                headers,
            }),
            None => LenientHead::Invalid,
        },
        _ => LenientHead::Invalid,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses a request or response head: `None` while it is incomplete.
fn parse_any_head(buf: &[u8]) -> Result<Option<Parsed<'_>>, httparse::Error> {
    // Most heads have a few headers: room for them is cleared first, and room for the
    // most only when they do not fit (clearing 128 takes longer than the parsing).
    match parse_head(buf, &mut [httparse::EMPTY_HEADER; FEW_HEADERS]) {
        Err(httparse::Error::TooManyHeaders) => parse_head(buf, &mut [httparse::EMPTY_HEADER; MAX_HEADERS]),
        other => other,
    }
}

/// [`parse_any_head`] with room for `headers.len()` headers.
fn parse_head<'b>(buf: &'b [u8], headers: &mut [httparse::Header<'b>]) -> Result<Option<Parsed<'b>>, httparse::Error> {
    let mut config = httparse::ParserConfig::default();
    config
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_request_line_delimiters(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .ignore_invalid_headers_in_responses(true)
        .ignore_invalid_headers_in_requests(true);
    if buf.starts_with(b"HTTP/") {
        let mut response = httparse::Response::new(headers);
        Ok(match config.parse_response(&mut response, buf)? {
            httparse::Status::Complete(len) => Some(Parsed::Response {
                len,
                version: response.version.unwrap_or(1),
                code: response.code.unwrap_or(0),
                reason: Cow::Borrowed(response.reason.unwrap_or("")),
                headers: borrowed(response.headers),
            }),
            httparse::Status::Partial => None,
        })
    } else {
        let mut request = httparse::Request::new(headers);
        Ok(match config.parse_request(&mut request, buf)? {
            httparse::Status::Complete(len) => Some(Parsed::Request {
                len,
                method: Cow::Borrowed(request.method.unwrap_or("")),
                uri: Cow::Borrowed(request.path.unwrap_or("")),
                version: request.version.unwrap_or(1),
                headers: borrowed(request.headers),
            }),
            httparse::Status::Partial => None,
        })
    }
}

fn borrowed<'a>(headers: &[httparse::Header<'a>]) -> Vec<Header<'a>> {
    headers
        .iter()
        .filter(|h| !h.name.is_empty())
        .map(|h| (Cow::Borrowed(h.name), lossy(h.value)))
        .collect()
}

/// The header fields tshark names.
fn header_field(name: &str) -> Option<Field> {
    const NAMED: [(&str, Field); 14] = [
        ("host", Field::HttpHost),
        ("user-agent", Field::HttpUserAgent),
        ("accept", Field::HttpAccept),
        ("referer", Field::HttpReferer),
        ("cookie", Field::HttpCookie),
        ("authorization", Field::HttpAuthorization),
        ("connection", Field::HttpConnection),
        ("content-type", Field::HttpContentType),
        ("content-length", Field::HttpContentLengthHeader),
        ("transfer-encoding", Field::HttpTransferEncoding),
        ("server", Field::HttpServer),
        ("location", Field::HttpLocation),
        ("date", Field::HttpDate),
        ("set-cookie", Field::HttpSetCookie),
    ];
    NAMED
        .iter()
        .find(|(named, _)| named.eq_ignore_ascii_case(name))
        .map(|&(_, field)| field)
}

/// Body bytes kept when nobody reads `http.file_data`: enough to tell GIF and JPEG.
const BODY_SNIFFED: usize = 16;

fn keep_body(head: &mut Head, bytes: &[u8]) {
    head.body_len += bytes.len() as u64;
    let room = head.body_cap.saturating_sub(head.body.len());
    head.body.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

enum Chunk {
    NeedMore,
    /// A chunk of `size` bytes after a `header_len`-byte size line (CRLF follows the data).
    Data {
        header_len: usize,
        size: usize,
    },
    /// The last chunk and trailers, `len` bytes in all.
    Last {
        len: usize,
    },
    /// A size line that is not a hexadecimal number (or one beyond 64 bits).
    Bad,
    /// A well-formed size larger than wirelab buffers.
    TooBig(usize),
}

fn chunk(buf: &[u8]) -> Chunk {
    let Some(nl) = buf.iter().position(|&b| b == b'\n') else {
        return if buf.len() > 1024 { Chunk::Bad } else { Chunk::NeedMore };
    };
    let line = trim_cr(&buf[..nl]);
    let digits: &[u8] = line.split(|&b| b == b';').next().unwrap_or(b"");
    let text = String::from_utf8_lossy(digits);
    let Ok(size) = usize::from_str_radix(text.trim(), 16) else {
        return Chunk::Bad;
    };
    let header_len = nl + 1;
    if size == 0 {
        // Trailers end with an empty line.
        let mut at = header_len;
        loop {
            let Some(rel) = buf[at..].iter().position(|&b| b == b'\n') else {
                return Chunk::NeedMore;
            };
            let empty = trim_cr(&buf[at..at + rel]).is_empty();
            at += rel + 1;
            if empty {
                return Chunk::Last { len: at };
            }
        }
    }
    if size > MAX_PENDING {
        return Chunk::TooBig(size);
    }
    if buf.len() < header_len + size + 2 {
        return Chunk::NeedMore;
    }
    Chunk::Data { header_len, size }
}

/// Shows a completed message in the current frame.
fn emit(mut head: Head, ssdp: bool, out: &mut Out) {
    if let Some((at, request_ns)) = head.time_since {
        head.fields[at].1 = Value::Time(out.rel_ns() - request_ns);
    }
    let (column, media_info) = media_column(head.media.as_deref(), &head.body);
    if ssdp {
        out.message(Proto::Ssdp, "SSDP");
    } else {
        out.message(Proto::Http, column);
    }
    match (head.media.as_deref(), head.body_len > 0) {
        // The OCSP dissector takes over the columns for its messages.
        (Some("application/ocsp-request"), true) => {
            out.message(Proto::Http, "OCSP");
            out.info_part("Request");
        }
        (Some("application/ocsp-response"), true) => {
            out.message(Proto::Http, "OCSP");
            out.info_part("Response");
        }
        _ => {
            if out.messages() > 1 {
                // A second message in the frame (pipelined): tshark writes it straight
                // after the first, no separator.
                out.info_with(|info| info.push_str(&head.info));
            } else {
                out.info_part(&head.info);
            }
            if head.body_len > 0 {
                if let Some(text) = media_info {
                    out.info_with(|info| {
                        info.push_str(" (");
                        info.push_str(text);
                        info.push(')');
                    });
                }
            }
        }
    }
    for (field, value) in head.fields {
        out.field(field, value);
    }
    if head.body_len > 0 && !ssdp {
        // The layer tshark hands a body to: text as lines, no media type as data.
        match head.media.as_deref() {
            Some(media) if is_text_lines_media(media) && !head.body.starts_with(b"<?xml") => {
                out.layer(Proto::DataTextLines)
            }
            None | Some("") => {
                out.layer(Proto::Data);
                if out.wants(Field::DataData) {
                    out.field(Field::DataData, Value::Bytes(head.body.clone()));
                }
                out.uint(Field::DataLen, head.body_len);
            }
            Some("application/x-www-form-urlencoded") => form_fields(&head.body, out),
            _ => {}
        }
    }
    if head.body_len > 0 {
        out.field(Field::HttpFileData, Value::Bytes(head.body));
        if head.body_len as usize > MAX_BODY_KEPT {
            out.note(
                Severity::Note,
                Proto::Http,
                format!("body of {} bytes: the first {MAX_BODY_KEPT} kept", head.body_len),
            );
        }
    }
}

/// The Protocol column and the Info suffix tshark shows for a body's media type (the
/// JSON and XML dissectors rename the column; image dissectors name the format).
/// An HTML form's fields (`user=jdoe&password=...`), decoded as tshark shows them: `+`
/// as a space, `%XX` as its byte.
fn form_fields(body: &[u8], out: &mut Out) {
    out.layer(Proto::UrlencodedForm);
    if !out.wants(Field::UrlencodedFormKey) && !out.wants(Field::UrlencodedFormValue) {
        return;
    }
    for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &b""[..]),
        };
        out.str(Field::UrlencodedFormKey, lossy(&percent_decoded(key)).into_owned());
        out.str(Field::UrlencodedFormValue, lossy(&percent_decoded(value)).into_owned());
    }
}

fn percent_decoded(text: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let hex = text.get(at + 1..at + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (text[at], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
                continue;
            }
            (b'+', _) => decoded.push(b' '),
            (byte, _) => decoded.push(byte),
        }
        at += 1;
    }
    decoded
}

/// Media types tshark's line-based text dissector takes.
fn is_text_lines_media(media: &str) -> bool {
    matches!(
        media,
        "text/html" | "text/plain" | "text/css" | "application/javascript" | "application/x-javascript"
    )
}

fn media_column<'m>(media: Option<&'m str>, body: &[u8]) -> (&'static str, Option<&'m str>) {
    let Some(media) = media.filter(|m| !m.is_empty()) else {
        return ("HTTP", None);
    };
    match media {
        "application/json" => ("HTTP/JSON", Some(media)),
        // The XML dissector names no media type in Info.
        m if m == "text/xml" || m == "application/xml" || m.ends_with("+xml") => ("HTTP/XML", None),
        // tshark's XML heuristic claims an HTML body that is an XML document.
        "text/html" if body.starts_with(b"<?xml") => ("HTTP/XML", None),
        "image/png" => ("HTTP", Some("PNG")),
        "image/gif" if body.starts_with(b"GIF89a") => ("HTTP", Some("GIF89a")),
        "image/gif" if body.starts_with(b"GIF87a") => ("HTTP", Some("GIF87a")),
        "image/jpeg" if body.get(6..10) == Some(b"JFIF") => ("HTTP", Some("JPEG JFIF image")),
        _ => ("HTTP", Some(media)),
    }
}

/// SSDP (UDP 1900): one HTTP-formatted head per datagram, shown as SSDP.
pub fn ssdp(payload: &[u8], out: &mut Out) -> bool {
    if !looks_like_http(payload) {
        return false;
    }
    let mut conversation = Conversation {
        ssdp: true,
        ..Conversation::default()
    };
    // One datagram (at most 64 KiB), gone when this returns.
    if !conversation.pending[0].push(payload) {
        super::buffers_full(out, Proto::Ssdp);
        return true;
    }
    conversation.head(Dir::ToServer, out);
    true
}

fn continuation(out: &mut Out) {
    out.message(Proto::Http, "HTTP");
    out.info_part("Continuation");
}

#[cfg(test)]
mod tests {
    #[test]
    fn form_values_are_decoded_as_tshark_shows_them() {
        assert_eq!(percent_decoded(b"Summer2026%21+x"), b"Summer2026! x");
        // A % without two hex digits stays as it is.
        assert_eq!(percent_decoded(b"50%+%zz%4"), b"50% %zz%4");
    }

    use super::*;

    /// Heads with up to 128 headers read alike whether or not they fit the first room
    /// made for them; more are too many either way.
    #[test]
    fn heads_read_alike_with_few_or_many_headers() {
        let summary = |parsed: Result<Option<Parsed>, httparse::Error>| match parsed {
            Ok(Some(head)) => format!("{} {:?}", head.len(), head.headers()),
            Ok(None) => "partial".to_string(),
            Err(e) => e.to_string(),
        };
        for n in [
            0,
            1,
            FEW_HEADERS - 1,
            FEW_HEADERS,
            FEW_HEADERS + 1,
            60,
            MAX_HEADERS,
            MAX_HEADERS + 1,
        ] {
            for start in ["GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n"] {
                let mut head = start.to_string();
                for i in 0..n {
                    head.push_str(&format!("X-Header-{i}: {i}\r\n"));
                }
                head.push_str("\r\n");
                let once = parse_head(head.as_bytes(), &mut [httparse::EMPTY_HEADER; MAX_HEADERS]);
                let expected = summary(once);
                assert_eq!(summary(parse_any_head(head.as_bytes())), expected, "{n} headers");
                assert_eq!(expected.starts_with(char::is_numeric), n <= MAX_HEADERS, "{expected}");
                // Cut short: still incomplete (or, past the most, too many already).
                let cut = &head.as_bytes()[..head.len() - 2];
                let expected = summary(parse_head(cut, &mut [httparse::EMPTY_HEADER; MAX_HEADERS]));
                assert_eq!(summary(parse_any_head(cut)), expected, "{n} headers, cut");
                if n <= MAX_HEADERS {
                    assert_eq!(expected, "partial");
                }
            }
        }
    }

    #[test]
    fn heuristic_accepts_request_and_status_lines_only() {
        assert!(looks_like_http(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assert!(looks_like_http(b"PROPFIND /dav/ HTTP/1.1\r\n"));
        assert!(looks_like_http(b"HTTP/1.0 200 OK\r\n"));
        assert!(!looks_like_http(b"\x16\x03\x01\x02\x00"));
        assert!(!looks_like_http(b"get / http/1.1\r\n"));
    }

    #[test]
    fn chunk_sizes_and_trailers() {
        assert!(matches!(
            chunk(b"5\r\nhello\r\n"),
            Chunk::Data { header_len: 3, size: 5 }
        ));
        assert!(matches!(chunk(b"5;ext=1\r\nhel"), Chunk::NeedMore));
        assert!(matches!(chunk(b"0\r\n\r\n"), Chunk::Last { len: 5 }));
        assert!(matches!(chunk(b"0\r\nX-T: 1\r\n\r\n"), Chunk::Last { len: 13 }));
        assert!(matches!(chunk(b"zz\r\n"), Chunk::Bad));
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    /// Feeds chunks (direction, bytes), one frame each; returns each frame's Info.
    fn run(chunks: &[(Dir, &[u8])]) -> Vec<(String, crate::decode::packet::Packet)> {
        let mut conv = Conversation::default();
        let mut frames = Vec::new();
        for (i, (dir, bytes)) in chunks.iter().enumerate() {
            let mut p = packet(i as u64 + 1);
            p.info = "TCP".into();
            let mut out = Out::new(&mut p, 0, 54);
            conv.feed(*dir, bytes, &mut out);
            frames.push((p.info.clone(), p));
        }
        frames
    }

    #[test]
    fn a_request_split_over_segments_shows_where_it_completes() {
        let frames = run(&[
            (Dir::ToServer, b"GET /index.html HT"),
            (Dir::ToServer, b"TP/1.1\r\nHost: lab\r\n"),
            (Dir::ToServer, b"\r\n"),
        ]);
        assert_eq!(frames[0].0, "TCP", "nothing complete yet: the transport's text stays");
        assert_eq!(frames[1].0, "TCP");
        assert_eq!(frames[2].0, "GET /index.html HTTP/1.1 ");
        assert_eq!(
            values(&frames[2].1, Field::HttpRequestFullUri),
            ["http://lab/index.html"]
        );
    }

    #[test]
    fn pipelined_requests_and_their_responses_pair_in_order() {
        let frames = run(&[
            (
                Dir::ToServer,
                b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\n\r\n",
            ),
            (
                Dir::ToClient,
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
            ),
            (Dir::ToClient, b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"),
        ]);
        // One after the other, no separator, as tshark 4.0 writes them.
        assert_eq!(frames[0].0, "GET /a HTTP/1.1 HEAD /b HTTP/1.1 ");
        assert_eq!(frames[1].0, "HTTP/1.1 200 OK  (text/plain)");
        assert_eq!(values(&frames[1].1, Field::HttpRequestIn), ["1"]);
        assert_eq!(values(&frames[1].1, Field::HttpFileData), ["hi"]);
        // The answer to HEAD has no body, whatever its Content-Length says.
        assert_eq!(frames[2].0, "HTTP/1.1 200 OK ");
        assert_eq!(values(&frames[2].1, Field::HttpResponseForUri), ["http://h/b"]);
    }

    #[test]
    fn chunked_bodies_are_reassembled() {
        let frames = run(&[
            (
                Dir::ToServer,
                b"POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n",
            ),
            (Dir::ToServer, b"4\r\nWiki\r\n5\r\npedia\r\n"),
            (Dir::ToServer, b"0\r\n\r\n"),
        ]);
        assert_eq!(frames[1].0, "TCP");
        assert_eq!(frames[2].0, "POST /up HTTP/1.1  (text/plain)");
        assert_eq!(values(&frames[2].1, Field::HttpFileData), ["Wikipedia"]);
    }

    #[test]
    fn a_body_without_length_ends_when_the_server_closes() {
        let mut conv = Conversation::default();
        let mut p = packet(1);
        conv.feed(
            Dir::ToClient,
            b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>",
            &mut Out::new(&mut p, 0, 0),
        );
        assert_eq!(p.protocol, "");
        let mut fin = packet(2);
        conv.end_of_stream(Dir::ToClient, &mut Out::new(&mut fin, 0, 0));
        assert_eq!(fin.info, "HTTP/1.0 200 OK  (text/html)");
    }

    #[test]
    fn control_bytes_in_a_request_line_are_escaped() {
        let frames = run(&[(Dir::ToServer, b"GET /\x1b[2J HTTP/1.1\r\nHost: h\r\n\r\n")]);
        assert_eq!(frames[0].0, "GET /\\033[2J HTTP/1.1 ");
    }

    #[test]
    fn garbage_is_continuation_and_bad_chunks_are_noted() {
        let frames = run(&[(Dir::ToServer, b"\x00\x01\x02 not http at all\r\n")]);
        assert_eq!(frames[0].0, "Continuation");
        let frames = run(&[
            (Dir::ToClient, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            (Dir::ToClient, b"zz\r\n"),
        ]);
        assert!(frames[1].1.notes.iter().any(|n| n.message.contains("chunk")));
    }

    #[test]
    fn a_connect_answered_with_200_opens_a_tunnel() {
        let mut conv = Conversation::default();
        let mut p = packet(1);
        let request = b"CONNECT www.example.test:8443 HTTP/1.1\r\nHost: www.example.test:8443\r\n\r\n";
        assert_eq!(conv.feed(Dir::ToServer, request, &mut Out::new(&mut p, 0, 0)), None);
        let mut p = packet(2);
        let answer = b"HTTP/1.1 200 Connection established\r\n\r\n";
        assert_eq!(
            conv.feed(Dir::ToClient, answer, &mut Out::new(&mut p, 0, 0)),
            Some(8443)
        );
    }
}
