//! FTP control connections (RFC 959, RFC 2428) and the data connections they announce.
//!
//! Like tshark, the control channel is read segment by segment (no reassembly): a
//! segment to the server's port is a request, one from it a response, and Info shows the
//! first line. PORT, 227, 229 (and EPRT, parsed only) announce a data connection; the
//! next command names it; the connection is then labelled FTP-DATA with both.

use crate::decode::FastMap;
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};

use super::Out;
use crate::decode::field::{Field, Value};
use crate::decode::packet::{Proto, Severity};
use crate::decode::text::{escape_bytes, escape_str, push_num};

type Endpoint = (IpAddr, u16);

/// The commands the control connection's state depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    /// RETR, STOR, STOU, APPE, LIST, NLST, MLSD: they move data over a data connection.
    Transfer,
    Port,
    Eprt,
    Cwd,
    Cdup,
    Other,
}

impl Command {
    /// Recognised whatever its case, from one upper-cased copy of its three or four
    /// letters: there is a request in every other segment of a control connection.
    fn of(name: &str) -> Self {
        match *name.as_bytes() {
            [a, b, c] if [a, b, c].eq_ignore_ascii_case(b"CWD") => Command::Cwd,
            [a, b, c, d] => match [a, b, c, d].map(|x| x.to_ascii_uppercase()) {
                [b'R', b'E', b'T', b'R']
                | [b'S', b'T', b'O', b'R']
                | [b'S', b'T', b'O', b'U']
                | [b'A', b'P', b'P', b'E']
                | [b'L', b'I', b'S', b'T']
                | [b'N', b'L', b'S', b'T']
                | [b'M', b'L', b'S', b'D'] => Command::Transfer,
                [b'P', b'O', b'R', b'T'] => Command::Port,
                [b'E', b'P', b'R', b'T'] => Command::Eprt,
                [b'C', b'D', b'U', b'P'] => Command::Cdup,
                _ => Command::Other,
            },
            _ => Command::Other,
        }
    }
}

/// Data channels remembered (announced or open); the oldest are forgotten. Each shard
/// of a capture decoded in shards (`decode::shards`) remembers those of its own hosts,
/// so the lists are the same as in one piece as long as no decoder forgets a channel
/// something still asks for: the bound is well above the announcements of a long FTP
/// capture (the benchmark's million frames hold 9,600), and 16,384 channels take
/// about 4 MiB.
const MAX_CHANNELS: usize = 16_384;

/// What a data channel was set up by.
#[derive(Debug, Clone)]
pub struct ChannelInfo {
    setup_frame: u64,
    method: &'static str,
    /// The endpoint that will be connected to, and the address connecting to it.
    listener: Endpoint,
    connector: IpAddr,
    /// The control connection's two hosts: the commands that name the channel's use come
    /// over it, whatever address the announcement gives (a server behind NAT names its
    /// inside one).
    control: AddressPair,
    /// The first command after the setup, and its frame (what tshark labels it with).
    command: Option<(String, u64)>,
    /// The transfer command that used the channel (RETR, STOR, LIST...): names the file.
    transfer: Option<String>,
    cwd: Option<String>,
    /// Has a connection claimed this announcement?
    claimed: bool,
}

/// Announced data channels, shared by every control connection of the capture.
#[derive(Debug, Default)]
pub struct Expectations {
    channels: VecDeque<ChannelInfo>,
    /// How many unclaimed announcements name each listening endpoint: most new
    /// connections are not data channels, and this answers them without a scan.
    listening: FastMap<Endpoint, u32>,
    /// How many announcements between two addresses still wait for their first
    /// command, and for their transfer command: most requests have none to update, and
    /// these answer them without a scan.
    awaiting_command: FastMap<AddressPair, u32>,
    awaiting_transfer: FastMap<AddressPair, u32>,
    /// What a decoder of one shard reports (see [`ChannelReport`]), when asked to.
    reports: Option<Vec<ChannelReport>>,
}

/// What a decoder of one shard of a capture (`decode::shards`, which gives each shard
/// the conversations between some pairs of hosts) says about data channels, so that
/// every channel is labelled by a shard that knows its announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelReport {
    /// A data channel announced in `frame`, to be opened between `hosts`: the shard
    /// that decodes those hosts' conversations must be the one that read the
    /// announcement. It is not when a server behind NAT names its inside address, or
    /// a PORT names a third host.
    Announced { frame: u64, hosts: (IpAddr, IpAddr) },
    /// An announced data channel opened in `frame`, which this shard decodes without
    /// printing it (a frame decoded by every shard): the shard that prints it may not
    /// know the announcement.
    ClaimedQuietly { frame: u64 },
}

/// Two addresses in a fixed order: a control connection's client and server, whichever
/// of them listens for the data channel.
type AddressPair = (IpAddr, IpAddr);

fn address_pair(a: IpAddr, b: IpAddr) -> AddressPair {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn count_up(counts: &mut FastMap<AddressPair, u32>, key: AddressPair) {
    *counts.entry(key).or_default() += 1;
}

fn count_down(counts: &mut FastMap<AddressPair, u32>, key: AddressPair) {
    if let Some(count) = counts.get_mut(&key) {
        *count -= 1;
        if *count == 0 {
            counts.remove(&key);
        }
    }
}

impl ChannelInfo {
    fn addresses(&self) -> AddressPair {
        self.control
    }
}

impl Expectations {
    fn announce(&mut self, info: ChannelInfo) {
        self.report(ChannelReport::Announced {
            frame: info.setup_frame,
            hosts: (info.listener.0, info.connector),
        });
        if self.channels.len() >= MAX_CHANNELS {
            if let Some(old) = self.channels.pop_front() {
                if !old.claimed {
                    self.unlisten(old.listener);
                }
                if old.command.is_none() {
                    count_down(&mut self.awaiting_command, old.addresses());
                }
                if old.transfer.is_none() {
                    count_down(&mut self.awaiting_transfer, old.addresses());
                }
            }
        }
        *self.listening.entry(info.listener).or_default() += 1;
        count_up(&mut self.awaiting_command, info.addresses());
        count_up(&mut self.awaiting_transfer, info.addresses());
        self.channels.push_back(info);
    }

    fn unlisten(&mut self, listener: Endpoint) {
        if let Some(count) = self.listening.get_mut(&listener) {
            *count -= 1;
            if *count == 0 {
                self.listening.remove(&listener);
            }
        }
    }

    /// Keeps [`ChannelReport`]s from now on, for [`Self::take_reports`].
    pub fn report_channels(&mut self) {
        self.reports.get_or_insert_with(Vec::new);
    }

    /// The reports since the last call (none unless asked for).
    pub fn take_reports(&mut self) -> Vec<ChannelReport> {
        self.reports.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// A data channel was claimed in `frame`, decoded quietly.
    pub fn claimed_quietly(&mut self, frame: u64) {
        self.report(ChannelReport::ClaimedQuietly { frame });
    }

    fn report(&mut self, report: ChannelReport) {
        if let Some(reports) = &mut self.reports {
            reports.push(report);
        }
    }

    /// A new connection between `a` and `b`: the data channel it opens, if announced.
    pub fn take(&mut self, a: Endpoint, b: Endpoint) -> Option<DataChannel> {
        if !self.listening.contains_key(&a) && !self.listening.contains_key(&b) {
            return None;
        }
        let found = self.channels.iter_mut().rev().find(|c| {
            !c.claimed && ((c.listener == b && c.connector == a.0) || (c.listener == a && c.connector == b.0))
        })?;
        found.claimed = true;
        let (listener, setup_frame) = (found.listener, found.setup_frame);
        self.unlisten(listener);
        Some(DataChannel {
            setup_frame: Some(setup_frame),
            first_frame: None,
        })
    }

    fn by_setup(&self, frame: u64) -> Option<&ChannelInfo> {
        // Announcements are kept in frame order: the latest one set up in `frame`.
        let after = self.channels.partition_point(|c| c.setup_frame <= frame);
        let found = self.channels.get(after.checked_sub(1)?)?;
        (found.setup_frame == frame).then_some(found)
    }

    /// Names the transfer command of the latest announcement between a control
    /// connection's server and client that no transfer command used yet.
    fn set_transfer(&mut self, control_server: IpAddr, client: IpAddr, transfer: impl FnOnce() -> String) {
        let pair = address_pair(control_server, client);
        if !self.awaiting_transfer.contains_key(&pair) {
            return;
        }
        if let Some(channel) = self
            .channels
            .iter_mut()
            .rev()
            .find(|c| c.transfer.is_none() && c.addresses() == pair)
        {
            channel.transfer = Some(transfer());
            count_down(&mut self.awaiting_transfer, pair);
        }
    }

    /// The latest announcement between a control connection's server and client still
    /// waiting for its first command: it is given `command` (sent in `frame`) and the
    /// working directory. Returns the frame that set the channel up.
    fn set_command(
        &mut self,
        control_server: IpAddr,
        client: IpAddr,
        command: impl FnOnce() -> String,
        frame: u64,
        cwd: &Option<String>,
    ) -> Option<u64> {
        let pair = address_pair(control_server, client);
        if !self.awaiting_command.contains_key(&pair) {
            return None;
        }
        let channel = self
            .channels
            .iter_mut()
            .rev()
            .find(|c| c.command.is_none() && c.addresses() == pair)?;
        channel.command = Some((command(), frame));
        channel.cwd.clone_from(cwd);
        let setup_frame = channel.setup_frame;
        count_down(&mut self.awaiting_command, pair);
        Some(setup_frame)
    }
}

/// One control connection.
#[derive(Debug)]
pub struct Control {
    server_port: u16,
    cwd: Option<String>,
    /// A CWD/CDUP waiting for its 250, with the directory it asked for.
    pending_cwd: Option<String>,
}

impl Control {
    pub fn new(server_port: u16) -> Self {
        Control {
            server_port,
            cwd: None,
            pending_cwd: None,
        }
    }

    pub fn server_port(&self) -> u16 {
        self.server_port
    }

    /// Decodes one segment of the control connection. Returns true when the server
    /// accepted AUTH TLS/SSL (234): what follows is TLS.
    pub fn segment(
        &mut self,
        is_request: bool,
        payload: &[u8],
        (src, dst): (Endpoint, Endpoint),
        expected: &mut Expectations,
        out: &mut Out,
    ) -> bool {
        out.message(Proto::Ftp, "FTP");
        let mut starts_tls = false;
        let line_end = payload.iter().position(|&b| b == b'\n').unwrap_or(payload.len());
        let line = payload[..line_end].strip_suffix(b"\r").unwrap_or(&payload[..line_end]);
        let lossy = crate::decode::text::lossy(line);
        // tshark marks every segment both ways: request 1 and response 0, or the reverse.
        out.field(Field::FtpResponse, Value::Bool(!is_request));
        out.field(Field::FtpRequest, Value::Bool(is_request));
        if is_request {
            out.info_part_with(|info| {
                info.push_str("Request: ");
                escape_bytes(line, info);
            });
            let (command, arg) = split_once_space(&lossy);
            out.str(Field::FtpRequestCommand, command);
            if let Some(arg) = arg {
                out.str(Field::FtpRequestArg, arg);
            }
            self.request(command, arg, (src, dst), expected, out);
        } else {
            out.info_part_with(|info| {
                info.push_str("Response: ");
                escape_bytes(line, info);
            });
            let code = lossy.get(..3).filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
            match code {
                Some(code) => {
                    let code: u32 = code.parse().expect("three digits");
                    out.uint(Field::FtpResponseCode, code);
                    let arg = lossy[3..].strip_prefix([' ', '-']).unwrap_or(&lossy[3..]);
                    out.str(Field::FtpResponseArg, arg);
                    self.response(code, arg, (src, dst), expected, out);
                    starts_tls = code == 234;
                }
                None => out.str(Field::FtpResponseArg, &*lossy),
            }
        }
        if let Some(cwd) = &self.cwd {
            out.str(Field::FtpCurrentWorkingDirectory, cwd.as_str());
        }
        starts_tls
    }

    fn request(
        &mut self,
        command: &str,
        arg: Option<&str>,
        (client, server): (Endpoint, Endpoint),
        expected: &mut Expectations,
        out: &mut Out,
    ) {
        let kind = Command::of(command);
        if kind == Command::Transfer {
            expected.set_transfer(server.0, client.0, || {
                let mut transfer = command_line(command, arg);
                transfer[..command.len()].make_ascii_uppercase();
                transfer
            });
        }
        let whole = || command_line(command, arg);
        if let Some(setup_frame) = expected.set_command(server.0, client.0, whole, out.frame(), &self.cwd) {
            out.uint(Field::FtpSetupFrame, setup_frame);
        }
        if kind == Command::Port {
            if let Some(arg) = arg {
                let fields = [Field::FtpActiveCip, Field::FtpActivePort, Field::FtpActiveNat];
                if let Err(why) = announce(arg, "PORT", fields, (client.0, server.0), expected, out) {
                    let note = format!("PORT argument is invalid: {why}");
                    out.note(Severity::Warning, Proto::Ftp, note);
                }
            }
        } else if kind == Command::Eprt {
            // tshark 4.0 reads EPRT's fields but sets up no data channel from it.
            if let Some((ip, port)) = arg.and_then(parse_eprt) {
                match ip {
                    IpAddr::V4(v4) => out.field(Field::FtpEprtIp, Value::Ipv4(v4)),
                    IpAddr::V6(v6) => out.field(Field::FtpEprtIpv6, Value::Ipv6(v6)),
                }
                out.uint(Field::FtpEprtPort, port);
            } else {
                out.note(Severity::Warning, Proto::Ftp, "EPRT argument is invalid");
            }
        } else if kind == Command::Cwd {
            self.pending_cwd = arg.map(|a| join_path(self.cwd.as_deref(), a));
        } else if kind == Command::Cdup {
            self.pending_cwd = Some(join_path(self.cwd.as_deref(), ".."));
        }
    }

    fn response(
        &mut self,
        code: u32,
        arg: &str,
        (server, client): (Endpoint, Endpoint),
        expected: &mut Expectations,
        out: &mut Out,
    ) {
        match code {
            227 => {
                let fields = [Field::FtpPassiveIp, Field::FtpPassivePort, Field::FtpPassiveNat];
                if let Err(why) = announce(tuple_text(arg), "PASV", fields, (server.0, client.0), expected, out) {
                    let note = format!("227 reply has an invalid address: {why}");
                    out.note(Severity::Warning, Proto::Ftp, note);
                }
            }
            229 => match parse_epsv(arg) {
                Some(port) => {
                    out.uint(Field::FtpEpsvPort, port);
                    expected.announce(ChannelInfo {
                        setup_frame: out.frame(),
                        method: "EPASV",
                        listener: (server.0, port),
                        connector: client.0,
                        control: address_pair(server.0, client.0),
                        command: None,
                        transfer: None,
                        cwd: None,
                        claimed: false,
                    });
                }
                None => out.note(Severity::Warning, Proto::Ftp, "229 reply has no valid (|||port|)"),
            },
            257 => {
                if let Some(path) = quoted(arg) {
                    self.cwd = Some(path);
                }
            }
            250 => {
                if let Some(dir) = self.pending_cwd.take() {
                    self.cwd = Some(dir);
                }
            }
            _ if code >= 400 => self.pending_cwd = None,
            _ => {}
        }
    }
}

/// A data connection: its segments are FTP-DATA.
#[derive(Debug)]
pub struct DataChannel {
    setup_frame: Option<u64>,
    /// For a connection nobody announced: the frame that opened it.
    first_frame: Option<u64>,
}

/// UTF-8 without control characters other than tab, CR and LF.
fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes)
        .is_ok_and(|text| !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

impl DataChannel {
    /// Was the connection announced (rather than taken for one by its port)?
    pub fn announced(&self) -> bool {
        self.setup_frame.is_some()
    }

    /// A connection from port 20 that no control connection announced (an EPRT one:
    /// tshark 4.0 sets none up), first seen in `first_frame`.
    pub fn unannounced(first_frame: u64) -> Self {
        DataChannel {
            setup_frame: None,
            first_frame: Some(first_frame),
        }
    }

    pub fn segment(&mut self, payload: &[u8], expected: &Expectations, out: &mut Out) {
        out.message(Proto::FtpData, "FTP-DATA");
        // Text (a listing, a text file) is shown as lines, as tshark does; bytes not.
        if is_text(payload) {
            out.layer(Proto::DataTextLines);
        }
        let info = self.setup_frame.and_then(|f| expected.by_setup(f));
        if let Some(first) = self.first_frame {
            out.uint(Field::FtpDataSetupFrame, first);
        }
        if let Some(info) = info {
            out.uint(Field::FtpDataSetupFrame, info.setup_frame);
            out.str(Field::FtpDataSetupMethod, info.method);
            if let Some((command, frame)) = &info.command {
                out.str(Field::FtpDataCommand, command.as_str());
                out.uint(Field::FtpDataCommandFrame, *frame);
            }
            if let Some(cwd) = &info.cwd {
                out.str(Field::FtpDataCurrentWorkingDirectory, cwd.as_str());
            }
            if let Some(transfer) = &info.transfer {
                out.str(Field::WirelabFtpDataTransfer, transfer.as_str());
            }
        }
        // `FTP Data: N bytes (PASV) (RETR name)`, written straight into the column.
        out.info_part_with(|column| {
            column.push_str("FTP Data: ");
            push_num(column, payload.len() as u64);
            column.push_str(" bytes");
            if let Some(info) = info {
                column.push_str(" (");
                column.push_str(info.method);
                column.push(')');
                if let Some((command, _)) = &info.command {
                    column.push_str(" (");
                    escape_str(command, column);
                    column.push(')');
                }
            }
        });
    }
}

/// A command and its argument as one line (built by hand: `format!` costs ten times as
/// much, for a string made at most once per request).
fn command_line(command: &str, arg: Option<&str>) -> String {
    let mut line = String::with_capacity(command.len() + arg.map_or(0, |a| a.len() + 1));
    line.push_str(command);
    if let Some(arg) = arg {
        line.push(' ');
        line.push_str(arg);
    }
    line
}

fn split_once_space(line: &str) -> (&str, Option<&str>) {
    match line.split_once(' ') {
        Some((command, arg)) => (command, Some(arg)),
        None => (line, None),
    }
}

/// The `h1,h2,h3,h4,p1,p2` part of a 227 reply, with or without parentheses.
fn tuple_text(arg: &str) -> &str {
    let start = arg.find(|c: char| c.is_ascii_digit()).unwrap_or(arg.len());
    let rest = &arg[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A PORT command or a 227 reply: the address and port in `text` (h1,h2,h3,h4,p1,p2),
/// shown in `fields` (address, port, and the NAT flag set when it is not the
/// announcer's own address), and the data channel it sets up, from `connector` to it.
fn announce(
    text: &str,
    method: &'static str,
    [ip_field, port_field, nat_field]: [Field; 3],
    (announcer, connector): (IpAddr, IpAddr),
    expected: &mut Expectations,
    out: &mut Out,
) -> Result<(), String> {
    let (ip, port) = parse_six(text)?;
    out.field(ip_field, Value::Ipv4(ip));
    out.uint(port_field, port);
    if IpAddr::V4(ip) != announcer {
        out.field(nat_field, Value::Bool(true));
    }
    expected.announce(ChannelInfo {
        setup_frame: out.frame(),
        method,
        listener: (IpAddr::V4(ip), port),
        connector,
        control: address_pair(announcer, connector),
        command: None,
        transfer: None,
        cwd: None,
        claimed: false,
    });
    Ok(())
}

/// Six comma-separated numbers: an IPv4 address and a port (p1*256+p2). A number above
/// 255 makes the tuple invalid; no port is invented for it.
pub fn parse_six(text: &str) -> Result<(Ipv4Addr, u16), String> {
    match plain_six(text.as_bytes()) {
        Some(six) => Ok(six),
        None => six_numbers(text),
    }
}

/// [`parse_six`] of any text: spaces around the numbers are allowed.
fn six_numbers(text: &str) -> Result<(Ipv4Addr, u16), String> {
    // Split twice rather than collected: the count is checked before any number.
    let numbers = || text.trim().split(',').map(str::trim);
    let count = numbers().count();
    if count != 6 {
        return Err(format!("{count} numbers where six are needed"));
    }
    let mut bytes = [0u8; 6];
    for (slot, n) in bytes.iter_mut().zip(numbers()) {
        let value: u32 = n.parse().map_err(|_| format!("'{n}' is not a number"))?;
        *slot = u8::try_from(value).map_err(|_| format!("{value} is above 255"))?;
    }
    Ok((
        Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]),
        u16::from(bytes[4]) * 256 + u16::from(bytes[5]),
    ))
}

/// [`parse_six`] of the usual text, six numbers of one to three digits below 256 between
/// commas and nothing else, read byte by byte; `None` for anything else, which the
/// general reading takes (and explains when it is invalid).
fn plain_six(text: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let mut bytes = [0u8; 6];
    let mut pieces = text.split(|&b| b == b',');
    for slot in &mut bytes {
        let digits = pieces.next()?;
        if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = digits.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        *slot = u8::try_from(value).ok()?;
    }
    if pieces.next().is_some() {
        return None;
    }
    Some((
        Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]),
        u16::from(bytes[4]) * 256 + u16::from(bytes[5]),
    ))
}

/// `|1|10.0.0.1|6275|` or `|2|::1|6275|` (RFC 2428).
pub fn parse_eprt(arg: &str) -> Option<(IpAddr, u16)> {
    let delim = arg.chars().next()?;
    let parts: Vec<&str> = arg.split(delim).collect();
    if parts.len() < 5 {
        return None;
    }
    let ip: IpAddr = parts[2].parse().ok()?;
    let port = parts[3].parse().ok()?;
    match (parts[1], ip) {
        ("1", IpAddr::V4(_)) | ("2", IpAddr::V6(_)) => Some((ip, port)),
        _ => None,
    }
}

/// The port in a 229 reply's `(|||port|)`.
pub fn parse_epsv(arg: &str) -> Option<u16> {
    let open = arg.find('(')?;
    let inner = &arg[open + 1..arg[open..].find(')')? + open];
    let delim = inner.chars().next()?;
    let parts: Vec<&str> = inner.split(delim).collect();
    (parts.len() == 5).then(|| parts[3].parse().ok()).flatten()
}

/// The quoted directory of a 257 reply (`"/pub" is the current directory`).
fn quoted(arg: &str) -> Option<String> {
    let start = arg.find('"')?;
    let end = arg[start + 1..].find('"')? + start + 1;
    Some(arg[start + 1..end].to_string())
}

fn join_path(cwd: Option<&str>, arg: &str) -> String {
    if arg.starts_with('/') {
        return arg.to_string();
    }
    let mut parts: Vec<&str> = cwd.unwrap_or("/").split('/').filter(|p| !p.is_empty()).collect();
    for part in arg.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_recognised_whatever_their_case() {
        for name in ["RETR", "stor", "Stou", "aPPE", "LIST", "nlst", "MLSD"] {
            assert_eq!(Command::of(name), Command::Transfer, "{name}");
        }
        let named = [
            ("PORT", Command::Port),
            ("eprt", Command::Eprt),
            ("cWd", Command::Cwd),
            ("CDUP", Command::Cdup),
        ];
        for (name, kind) in named {
            assert_eq!(Command::of(name), kind, "{name}");
        }
        for name in [
            "",
            "CW",
            "CWD\0",
            "XCWD",
            "RETRX",
            "PAS",
            "PASV",
            "USER",
            "R\u{e9}TR",
            "\u{130}",
        ] {
            assert_eq!(Command::of(name), Command::Other, "{name:?}");
        }
    }

    #[test]
    fn six_number_tuples_are_validated() {
        assert_eq!(
            parse_six("10,20,30,10,117,151"),
            Ok((Ipv4Addr::new(10, 20, 30, 10), 30103))
        );
        assert!(parse_six("172,16,146,2,287,99")
            .unwrap_err()
            .contains("287 is above 255"));
        assert!(parse_six("1,2,3,4,5").is_err());
        assert!(parse_six("a,2,3,4,5,6").is_err());
    }

    /// The byte-by-byte reading of the usual text agrees with the general one, and
    /// leaves to it whatever it does not read.
    #[test]
    fn plain_tuples_read_as_any_tuple() {
        let pieces = [
            "0",
            "7",
            "255",
            "256",
            "007",
            "1000",
            "",
            "+5",
            " 1",
            "1 ",
            "a",
            "\u{a0}9",
            "4294967296",
        ];
        let mut read = 0;
        for n in 0..pieces.len().pow(3) {
            let (a, b, c) = (pieces[n % 13], pieces[n / 13 % 13], pieces[n / 169]);
            for text in [
                format!("{a},{b},{c},1,2,3"),
                format!("10,{a},20,{b},30,{c}"),
                format!("{a},{b},{c}"),
                format!("1,2,3,4,5,6,{a}"),
                format!(" {a},1,2,3,{b},{c} "),
            ] {
                let general = six_numbers(&text);
                assert_eq!(parse_six(&text), general, "{text:?}");
                if let Some(plain) = plain_six(text.as_bytes()) {
                    assert_eq!(Ok(plain), general, "{text:?}");
                    read += 1;
                }
            }
        }
        assert!(read > 100, "{read}");
        assert_eq!(
            tuple_text("Entering Passive Mode (10,20,30,10,117,151)."),
            "10,20,30,10,117,151"
        );
        assert_eq!(
            tuple_text("Entering Passive Mode 10,20,30,10,117,151"),
            "10,20,30,10,117,151"
        );
    }

    #[test]
    fn extended_forms() {
        assert_eq!(parse_epsv("Entering Extended Passive Mode (|||30512|)"), Some(30512));
        assert_eq!(parse_epsv("Entering Extended Passive Mode (|||x|)"), None);
        assert_eq!(
            parse_eprt("|1|10.20.30.21|48961|"),
            Some(("10.20.30.21".parse().unwrap(), 48961))
        );
        assert_eq!(parse_eprt("|2|fd77::1|21|"), Some(("fd77::1".parse().unwrap(), 21)));
        assert_eq!(parse_eprt("|2|10.0.0.1|21|"), None);
    }

    #[test]
    fn working_directory_follows_cwd() {
        assert_eq!(join_path(Some("/"), "reports"), "/reports");
        assert_eq!(join_path(Some("/a/b"), "../c"), "/a/c");
        assert_eq!(join_path(None, "/x"), "/x");
        assert_eq!(quoted("\"/pub\" is the current directory"), Some("/pub".into()));
    }
}

#[cfg(test)]
mod session_tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    const CLIENT: Endpoint = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 50000);
    const SERVER: Endpoint = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 21);

    fn segment(
        control: &mut Control,
        expected: &mut Expectations,
        request: bool,
        text: &[u8],
        n: u64,
    ) -> crate::decode::packet::Packet {
        let mut p = packet(n);
        let ends = if request { (CLIENT, SERVER) } else { (SERVER, CLIENT) };
        control.segment(request, text, ends, expected, &mut Out::new(&mut p, 0, 0));
        p
    }

    #[test]
    fn a_passive_retrieval_labels_its_data_connection() {
        let (mut control, mut expected) = (Control::new(21), Expectations::default());
        let reply = segment(
            &mut control,
            &mut expected,
            false,
            b"227 Entering Passive Mode (10,0,0,2,117,49).\r\n",
            5,
        );
        assert_eq!(reply.info, "Response: 227 Entering Passive Mode (10,0,0,2,117,49).");
        assert_eq!(values(&reply, Field::FtpPassivePort), ["30001"]);
        let retr = segment(&mut control, &mut expected, true, b"RETR secrets.txt\r\n", 6);
        assert_eq!(values(&retr, Field::FtpSetupFrame), ["5"]);
        let data_client = (CLIENT.0, 50001);
        let mut channel = expected.take(data_client, (SERVER.0, 30001)).expect("announced");
        let mut p = packet(9);
        channel.segment(b"46 bytes of secrets", &expected, &mut Out::new(&mut p, 0, 0));
        assert_eq!(p.info, "FTP Data: 19 bytes (PASV) (RETR secrets.txt)");
        assert!(expected.take(data_client, (SERVER.0, 30001)).is_none(), "claimed once");
    }

    #[test]
    fn an_impossible_tuple_is_a_note_and_no_channel() {
        let (mut control, mut expected) = (Control::new(21), Expectations::default());
        let reply = segment(
            &mut control,
            &mut expected,
            false,
            b"227 Entering Passive Mode (172,16,146,2,287,99).\r\n",
            1,
        );
        assert!(values(&reply, Field::FtpPassivePort).is_empty());
        assert!(reply.notes.iter().any(|n| n.message.contains("287 is above 255")));
        assert!(expected.channels.is_empty());
    }

    #[test]
    fn announcements_are_reported_with_the_hosts_of_their_channel() {
        let (mut control, mut expected) = (Control::new(21), Expectations::default());
        segment(
            &mut control,
            &mut expected,
            false,
            b"227 Passive (10,0,0,2,117,49)\r\n",
            1,
        );
        expected.report_channels();
        // The control connection's own hosts, in the three forms; a server naming another
        // address, a client naming a third host.
        segment(
            &mut control,
            &mut expected,
            false,
            b"227 Passive (10,0,0,2,117,50)\r\n",
            2,
        );
        segment(&mut control, &mut expected, true, b"PORT 10,0,0,1,200,1\r\n", 3);
        segment(&mut control, &mut expected, false, b"229 Extended (|||30003|)\r\n", 4);
        segment(
            &mut control,
            &mut expected,
            false,
            b"227 Passive (192,168,1,9,117,51)\r\n",
            5,
        );
        segment(&mut control, &mut expected, true, b"PORT 10,0,0,7,200,2\r\n", 6);
        segment(&mut control, &mut expected, true, b"PORT 10,0,0,7,999,2\r\n", 7);
        expected.claimed_quietly(8);
        let (client, server) = (CLIENT.0, SERVER.0);
        let inside = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 9));
        let third = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7));
        let announced = |frame, hosts| ChannelReport::Announced { frame, hosts };
        assert_eq!(
            expected.take_reports(),
            [
                announced(2, (server, client)),
                announced(3, (client, server)),
                announced(4, (server, client)),
                announced(5, (inside, client)),
                announced(6, (third, server)),
                ChannelReport::ClaimedQuietly { frame: 8 },
            ]
        );
        assert_eq!(expected.take_reports(), [], "taken once");
        // Not reported unless asked for: the first one, before, was not kept.
        assert_eq!(expected.channels.len(), 6);
    }

    #[test]
    fn multi_line_replies_show_their_first_line() {
        let (mut control, mut expected) = (Control::new(21), Expectations::default());
        let p = segment(
            &mut control,
            &mut expected,
            false,
            b"220-Welcome\r\n220-Rules apply\r\n220 Ready\r\n",
            1,
        );
        assert_eq!(p.info, "Response: 220-Welcome");
        assert_eq!(values(&p, Field::FtpResponseCode), ["220"]);
        assert_eq!(values(&p, Field::FtpResponseArg), ["Welcome"]);
    }
}
