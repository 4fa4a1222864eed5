//! ICMP and ICMPv6: type and code in tshark's words, echo pairing ("request in N"),
//! neighbour discovery, and the quoted packet inside error messages.

use crate::decode::{FastMap, FastSet};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv6Addr};

use super::field::{format_mac, Field, Value};
use super::hints::{HintWriter, Hints};
use super::ip::{self, NetInfo};
use super::link::data_layer;
use super::packet::{Deferred, Packet, Proto};
use super::{truncated, Ctx};

/// Echo requests remembered, and request/reply pairs a first pass posts. Beyond this,
/// a second pass calls later requests unanswered.
const MAX_ECHOES: usize = 1 << 16;

/// Echo requests seen, to label replies with the frame of their request.
#[derive(Debug, Default)]
pub struct EchoTracker {
    requests: FastMap<(IpAddr, IpAddr, u16, u16), u64>,
    /// Requests a first pass has seen answered (the first reply counts).
    answered: FastSet<u64>,
    /// What a first pass learnt, for a second pass.
    hints: Hints,
    /// A single pass that holds packets back: requests wait for their replies.
    pub(crate) deferring: bool,
}

impl EchoTracker {
    pub fn with_hints(hints: Hints) -> Self {
        EchoTracker {
            hints,
            ..EchoTracker::default()
        }
    }

    /// Requests from now on are labelled from `hints`.
    pub(crate) fn set_hints(&mut self, hints: Hints) {
        self.hints = hints;
    }

    fn request(&mut self, src: IpAddr, dst: IpAddr, id: u16, seq: u16, frame: u64) {
        // A ping flood must not grow memory without end: past the cap, the oldest
        // unanswered requests are forgotten all at once (their replies go unpaired).
        if self.requests.len() >= MAX_ECHOES {
            self.requests.clear();
        }
        self.requests.insert((src, dst, id, seq), frame);
    }

    /// A reply: the frame of its request, if seen. A first pass posts the pair.
    fn reply(
        &mut self,
        (src, dst, id, seq): (IpAddr, IpAddr, u16, u16),
        frame: u64,
        scout: Option<&mut HintWriter>,
    ) -> Option<u64> {
        let request = self.requests.get(&(dst, src, id, seq)).copied()?;
        if let Some(scout) = scout {
            if self.answered.len() < MAX_ECHOES && self.answered.insert(request) {
                scout.echo(request, frame);
            }
        }
        Some(request)
    }

    /// Adds to a request's Info what it says about its reply in a second pass:
    /// `(reply in N)`, or `(no response found!)`. A single pass says nothing, unless it
    /// holds packets back: then the note waits for the reply.
    fn reply_note(&self, p: &mut Packet, info: &mut String, v6: bool) {
        let (resp_in, no_resp) = if v6 {
            (Field::Icmpv6RespIn, Field::Icmpv6NoResp)
        } else {
            (Field::IcmpRespIn, Field::IcmpNoResp)
        };
        if !self.hints.is_second_pass() {
            if self.deferring {
                p.deferred.push(Deferred::Echo {
                    info_at: info.len(),
                    field_at: p.fields.len(),
                    v6,
                });
            }
            return;
        }
        match self.hints.echo_reply(p.number) {
            Some(reply) => {
                p.add_u(resp_in, reply);
                let _ = write!(info, " (reply in {reply})");
            }
            None => {
                p.add(no_resp, Value::Flag);
                info.push_str(" (no response found!)");
            }
        }
    }
}

fn icmp_type_name(t: u8) -> &'static str {
    match t {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        _ => "Unknown ICMP (obsolete or malformed?)",
    }
}

fn icmp_code_name(t: u8, code: u8) -> Option<&'static str> {
    let name = match (t, code) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 5) => "Source route failed",
        (3, 6) => "Destination network unknown",
        (3, 7) => "Destination host unknown",
        (3, 8) => "Source host isolated",
        (3, 9) => "Network administratively prohibited",
        (3, 10) => "Host administratively prohibited",
        (3, 11) => "Network unreachable for TOS",
        (3, 12) => "Host unreachable for TOS",
        (3, 13) => "Communication administratively filtered",
        (3, 14) => "Host precedence violation",
        (3, 15) => "Precedence cutoff in effect",
        (5, 0) => "Redirect for network",
        (5, 1) => "Redirect for host",
        (5, 2) => "Redirect for TOS and network",
        (5, 3) => "Redirect for TOS and host",
        (11, 0) => "Time to live exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        (12, 0) => "Pointer indicates the error",
        (12, 1) => "Required option missing",
        (12, 2) => "Bad length",
        (3 | 5 | 11 | 12, _) => "Unknown code",
        _ => return None,
    };
    Some(name)
}

/// Does an echo's payload start with the time it was sent (as `ping` puts it: seconds
/// and microseconds, big- or little-endian)? tshark's test: at most a day before the
/// frame was captured, and fewer than a million microseconds.
fn starts_with_timestamp(payload: &[u8], frame_ns: i64) -> bool {
    let Some(stamp) = payload.first_chunk::<8>().filter(|_| payload.len() > 8) else {
        return false;
    };
    let frame_secs = frame_ns.div_euclid(1_000_000_000) as u32;
    let plausible = |secs: u32, usecs: u32| frame_secs.wrapping_sub(secs) < 86_400 && usecs < 1_000_000;
    let word = |at: usize, big: bool| {
        let bytes = [stamp[at], stamp[at + 1], stamp[at + 2], stamp[at + 3]];
        if big {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        }
    };
    plausible(word(0, true), word(4, true)) || plausible(word(0, false), word(4, false))
}

pub(crate) fn decode_v4(ctx: &mut Ctx, data: &[u8], offset: usize, net: NetInfo, p: &mut Packet) {
    p.protocol = "ICMP";
    p.push_layer(Proto::Icmp, offset);
    if data.len() < 4 {
        p.info = "ICMP message cut short".into();
        truncated(p, Proto::Icmp, "ICMP header", 4, data.len());
        return;
    }
    let (t, code) = (data[0], data[1]);
    p.add_u(Field::IcmpType, t);
    p.add_u(Field::IcmpCode, code);
    p.add_u(Field::IcmpChecksum, u16::from_be_bytes([data[2], data[3]]));
    // The type is padded to 20 characters, as tshark's "%-20s".
    let mut info = format!("{:<20}", icmp_type_name(t));
    if let Some(code_name) = icmp_code_name(t, code) {
        let _ = write!(info, " ({code_name})");
    }
    match t {
        0 | 8 | 13 | 14 if data.len() >= 8 => {
            let id = u16::from_be_bytes([data[4], data[5]]);
            let seq = u16::from_be_bytes([data[6], data[7]]);
            p.add_u(Field::IcmpIdent, id);
            p.add_u(Field::IcmpSeq, seq);
            p.add_u(Field::IcmpSeqLe, u16::from_le_bytes([data[6], data[7]]));
            let _ = write!(
                info,
                " id=0x{id:04x}, seq={seq}/{}",
                u16::from_le_bytes([data[6], data[7]])
            );
            if matches!(t, 0 | 8) {
                let _ = write!(info, ", ttl={}", net.ttl);
            }
            let tracker = &mut ctx.decoder.icmp;
            if t == 8 {
                tracker.request(net.src, net.dst, id, seq, p.number);
                tracker.reply_note(p, &mut info, false);
            } else if t == 0 {
                let scout = ctx.decoder.scout.as_mut();
                if let Some(request) = tracker.reply((net.src, net.dst, id, seq), p.number, scout) {
                    p.add_u(Field::IcmpRespTo, request);
                    let _ = write!(info, " (request in {request})");
                }
            }
            // The sender's timestamp, when the payload starts with one, is not data.
            let data_at = if starts_with_timestamp(&data[8..], p.ts_ns) {
                16
            } else {
                8
            };
            data_layer(p, &data[data_at..], offset + data_at);
        }
        3 | 4 | 5 | 11 | 12 if data.len() > 8 => {
            ip::ipv4_at(ctx, &data[8..], offset + 8, p, true);
        }
        _ => data_layer(p, data.get(8..).unwrap_or_default(), offset + 8),
    }
    p.protocol = "ICMP";
    p.info = info;
}

fn icmpv6_type_name(t: u8) -> &'static str {
    match t {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => "Unknown ICMPv6 type",
    }
}

fn icmpv6_code_name(t: u8, code: u8) -> Option<&'static str> {
    let name = match (t, code) {
        (1, 0) => "No route to destination",
        (1, 1) => "Administratively prohibited",
        (1, 2) => "Beyond scope of source address",
        (1, 3) => "Address unreachable",
        (1, 4) => "Port unreachable",
        (1, 5) => "Source address failed ingress/egress policy",
        (1, 6) => "Reject route to destination",
        (3, 0) => "Hop limit exceeded in transit",
        (3, 1) => "Fragment reassembly time exceeded",
        (4, 0) => "Erroneous header field encountered",
        (4, 1) => "Unrecognized Next Header type encountered",
        (4, 2) => "Unrecognized IPv6 option encountered",
        (1 | 3 | 4, _) => "Unknown code",
        _ => return None,
    };
    Some(name)
}

/// The link-layer address in a neighbour-discovery option of type `want`
/// (1 source, 2 target).
fn nd_link_address(mut options: &[u8], want: u8) -> Option<[u8; 6]> {
    while options.len() >= 2 {
        let (kind, len) = (options[0], usize::from(options[1]) * 8);
        if len == 0 || len > options.len() {
            return None;
        }
        if kind == want && len >= 8 {
            return options[2..8].try_into().ok();
        }
        options = &options[len..];
    }
    None
}

fn ipv6_at(data: &[u8], at: usize) -> Option<Ipv6Addr> {
    let bytes: [u8; 16] = data.get(at..at + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(bytes))
}

pub(crate) fn decode_v6(ctx: &mut Ctx, data: &[u8], offset: usize, net: NetInfo, p: &mut Packet) {
    p.protocol = "ICMPv6";
    p.push_layer(Proto::Icmpv6, offset);
    if data.len() < 4 {
        p.info = "ICMPv6 message cut short".into();
        truncated(p, Proto::Icmpv6, "ICMPv6 header", 4, data.len());
        return;
    }
    let (t, code) = (data[0], data[1]);
    p.add_u(Field::Icmpv6Type, t);
    p.add_u(Field::Icmpv6Code, code);
    let mut info = icmpv6_type_name(t).to_string();
    if let Some(code_name) = icmpv6_code_name(t, code) {
        let _ = write!(info, " ({code_name})");
    }
    match t {
        128 | 129 if data.len() >= 8 => {
            let id = u16::from_be_bytes([data[4], data[5]]);
            let seq = u16::from_be_bytes([data[6], data[7]]);
            p.add_u(Field::Icmpv6EchoIdentifier, id);
            p.add_u(Field::Icmpv6EchoSequenceNumber, seq);
            let _ = write!(info, " id=0x{id:04x}, seq={seq}, hop limit={}", net.ttl);
            let tracker = &mut ctx.decoder.icmp;
            if t == 128 {
                tracker.request(net.src, net.dst, id, seq, p.number);
                tracker.reply_note(p, &mut info, true);
            } else if let Some(request) =
                tracker.reply((net.src, net.dst, id, seq), p.number, ctx.decoder.scout.as_mut())
            {
                let _ = write!(info, " (request in {request})");
            }
            data_layer(p, &data[8..], offset + 8);
        }
        133 => {
            if let Some(mac) = nd_link_address(data.get(8..).unwrap_or_default(), 1) {
                let _ = write!(info, " from {}", format_mac(&mac));
            }
        }
        134 => {
            if let Some(mac) = nd_link_address(data.get(16..).unwrap_or_default(), 1) {
                let _ = write!(info, " from {}", format_mac(&mac));
            }
        }
        135 => {
            if let Some(target) = ipv6_at(data, 8) {
                p.add(Field::Icmpv6NdNsTargetAddress, Value::Ipv6(target));
                let _ = write!(info, " for {target}");
                if let Some(mac) = nd_link_address(data.get(24..).unwrap_or_default(), 1) {
                    let _ = write!(info, " from {}", format_mac(&mac));
                }
            }
        }
        136 => {
            if let Some(target) = ipv6_at(data, 8) {
                p.add(Field::Icmpv6NdNaTargetAddress, Value::Ipv6(target));
                let _ = write!(info, " {target}");
                let flags = data[4];
                let names: Vec<&str> = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")]
                    .iter()
                    .filter(|(bit, _)| flags & bit != 0)
                    .map(|(_, name)| *name)
                    .collect();
                if !names.is_empty() {
                    let _ = write!(info, " ({})", names.join(", "));
                }
                if let Some(mac) = nd_link_address(data.get(24..).unwrap_or_default(), 2) {
                    let _ = write!(info, " is at {}", format_mac(&mac));
                }
            }
        }
        1..=4 if data.len() > 8 => ip::ipv6_at(ctx, &data[8..], offset + 8, p, true),
        _ => {}
    }
    p.protocol = "ICMPv6";
    p.info = info;
}
