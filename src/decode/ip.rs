//! IPv4 and IPv6 (with extension headers), and the dispatch to transport protocols.
//! Fragments are noted and shown as tshark shows a fragment it has not reassembled;
//! wirelab does not reassemble IP fragments.

use std::net::IpAddr;

use etherparse::{Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::field::{Field, Value};
use super::link::data_layer;
use super::packet::{Address, Packet, Proto, Severity};
use super::{icmp, tcp, truncated, udp, Ctx};

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
pub const PROTO_ICMPV6: u8 = 58;

/// The network-layer facts transport decoders need.
#[derive(Debug, Clone, Copy)]
pub struct NetInfo {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// TTL or hop limit.
    pub ttl: u8,
    /// Inside an ICMP error: fields only, no columns, no conversation analysis.
    pub inner: bool,
    /// Payload length the IP header announces (may exceed the bytes captured).
    pub payload_len: usize,
}

/// Protocol names as Wireshark's ipproto table spells them.
pub fn proto_name(proto: u8) -> &'static str {
    match proto {
        0 => "IPv6 Hop-by-Hop Option",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        43 => "IPv6 Routing",
        44 => "IPv6 Fragment",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        59 => "IPv6 No Next Header",
        60 => "IPv6 Destination Option",
        89 => "OSPF IGP",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => "Unknown",
    }
}

pub(crate) fn ipv4(ctx: &mut Ctx, data: &[u8], offset: usize, p: &mut Packet) {
    ipv4_at(ctx, data, offset, p, false);
}

pub(crate) fn ipv4_at(ctx: &mut Ctx, data: &[u8], offset: usize, p: &mut Packet, inner: bool) {
    let hdr = match Ipv4HeaderSlice::from_slice(data) {
        Ok(hdr) => hdr,
        Err(e) => {
            if !inner {
                p.protocol = "IPv4";
                p.info = "Bogus IPv4 header".into();
            }
            let need = data.first().map_or(20, |b| usize::from(b & 0x0f) * 4).max(20);
            if data.len() < need {
                truncated(p, Proto::Ip, "IPv4 header", need, data.len());
            } else {
                p.note(Severity::Error, Proto::Ip, format!("malformed IPv4 header: {e}"));
            }
            return;
        }
    };
    p.push_layer(Proto::Ip, offset);
    let header_len = usize::from(hdr.ihl()) * 4;
    let total_len = usize::from(hdr.total_len());
    let frag_offset = usize::from(hdr.fragments_offset().value()) * 8;
    let (src, dst) = (hdr.source_addr(), hdr.destination_addr());
    let protocol = hdr.protocol().0;
    let flags = (u8::from(hdr.dont_fragment()) << 1) | u8::from(hdr.more_fragments());
    // Only when fields are stored: a plain packet list skips them.
    if p.ip_fields_wanted {
        p.add_u(Field::IpVersion, 4u8);
        p.add_u(Field::IpHdrLen, header_len as u64);
        p.add_u(Field::IpDsfield, (hdr.dcp().value() << 2) | hdr.ecn().value());
        p.add_u(Field::IpLen, total_len as u64);
        p.add_u(Field::IpId, hdr.identification());
        p.add_u(Field::IpFlags, flags);
        p.add(Field::IpFlagsDf, Value::Bool(hdr.dont_fragment()));
        p.add(Field::IpFlagsMf, Value::Bool(hdr.more_fragments()));
        // The header's 13-bit value (8-byte units), as tshark's field holds it.
        p.add_u(Field::IpFragOffset, (frag_offset / 8) as u64);
        p.add_u(Field::IpTtl, hdr.ttl());
        p.add_u(Field::IpProto, protocol);
        p.add_u(Field::IpChecksum, hdr.header_checksum());
        p.add(Field::IpSrc, Value::Ipv4(src));
        p.add(Field::IpAddr, Value::Ipv4(src));
        p.add(Field::IpDst, Value::Ipv4(dst));
        p.add(Field::IpAddr, Value::Ipv4(dst));
    }
    if !inner {
        p.src = Address::Ipv4(src);
        p.dst = Address::Ipv4(dst);
    }

    // Segmentation offload writes 0 in the total length; take what the frame holds.
    let end = if total_len == 0 {
        data.len()
    } else if total_len < header_len {
        p.note(
            Severity::Error,
            Proto::Ip,
            format!("IPv4 total length {total_len} is shorter than its header ({header_len})"),
        );
        data.len()
    } else if total_len > data.len() {
        if !inner {
            truncated(p, Proto::Ip, "IPv4 packet", total_len, data.len());
        }
        data.len()
    } else {
        total_len
    };
    let payload = &data[header_len.min(end)..end];

    if hdr.more_fragments() || frag_offset != 0 {
        if !inner {
            p.protocol = "IPv4";
            p.info = format!(
                "Fragmented IP protocol (proto={} {protocol}, off={frag_offset}, ID={:04x})",
                proto_name(protocol),
                hdr.identification()
            );
            p.note(
                Severity::Note,
                Proto::Ip,
                "IP fragment: wirelab does not reassemble IP fragments",
            );
        }
        data_layer(p, payload, offset + header_len);
        return;
    }
    let payload_len = if total_len >= header_len {
        total_len - header_len
    } else {
        payload.len()
    };
    let net = NetInfo {
        src: IpAddr::V4(src),
        dst: IpAddr::V4(dst),
        ttl: hdr.ttl(),
        inner,
        payload_len,
    };
    transport(ctx, protocol, payload, offset + header_len, net, p, "IPv4");
}

pub(crate) fn ipv6(ctx: &mut Ctx, data: &[u8], offset: usize, p: &mut Packet) {
    ipv6_at(ctx, data, offset, p, false);
}

pub(crate) fn ipv6_at(ctx: &mut Ctx, data: &[u8], offset: usize, p: &mut Packet, inner: bool) {
    let hdr = match Ipv6HeaderSlice::from_slice(data) {
        Ok(hdr) => hdr,
        Err(e) => {
            if !inner {
                p.protocol = "IPv6";
                p.info = "Bogus IPv6 header".into();
            }
            if data.len() < 40 {
                truncated(p, Proto::Ipv6, "IPv6 header", 40, data.len());
            } else {
                p.note(Severity::Error, Proto::Ipv6, format!("malformed IPv6 header: {e}"));
            }
            return;
        }
    };
    p.push_layer(Proto::Ipv6, offset);
    let (src, dst) = (hdr.source_addr(), hdr.destination_addr());
    let payload_len = usize::from(hdr.payload_length());
    if p.fields_wanted {
        p.add_u(Field::IpVersion, 6u8);
        p.add_u(Field::Ipv6Plen, payload_len as u64);
        p.add_u(Field::Ipv6Nxt, hdr.next_header().0);
        p.add_u(Field::Ipv6Hlim, hdr.hop_limit());
        p.add(Field::Ipv6Src, Value::Ipv6(src));
        p.add(Field::Ipv6Addr, Value::Ipv6(src));
        p.add(Field::Ipv6Dst, Value::Ipv6(dst));
        p.add(Field::Ipv6Addr, Value::Ipv6(dst));
    }
    if !inner {
        p.src = Address::Ipv6(src);
        p.dst = Address::Ipv6(dst);
    }
    let end = if payload_len == 0 {
        data.len() // jumbogram or offload
    } else if 40 + payload_len > data.len() {
        if !inner {
            truncated(p, Proto::Ipv6, "IPv6 packet", 40 + payload_len, data.len());
        }
        data.len()
    } else {
        40 + payload_len
    };

    // Walk the extension headers to the upper-layer protocol.
    let mut next = hdr.next_header().0;
    let mut at = 40;
    loop {
        let ext_len = match next {
            0 | 43 | 60 | 135 => data.get(at + 1).map(|l| (usize::from(*l) + 1) * 8),
            51 => data.get(at + 1).map(|l| (usize::from(*l) + 2) * 4),
            44 => Some(8),
            _ => break,
        };
        let Some(ext_len) = ext_len.filter(|len| at + len <= end) else {
            truncated(p, Proto::Ipv6, "IPv6 extension header", at + 8, end);
            return;
        };
        if next == 44 {
            let frag = u16::from_be_bytes([data[at + 2], data[at + 3]]);
            let (frag_offset, more) = (usize::from(frag >> 3) * 8, frag & 1 == 1);
            if frag_offset != 0 || more {
                if !inner {
                    let ident = u32::from_be_bytes([data[at + 4], data[at + 5], data[at + 6], data[at + 7]]);
                    p.protocol = "IPv6";
                    p.info = format!(
                        "IPv6 fragment (off={frag_offset} more={} ident=0x{ident:08x} nxt={})",
                        if more { "y" } else { "n" },
                        data[at]
                    );
                    p.note(
                        Severity::Note,
                        Proto::Ipv6,
                        "IP fragment: wirelab does not reassemble IP fragments",
                    );
                }
                data_layer(p, &data[at + 8..end], offset + at + 8);
                return;
            }
        }
        next = data[at];
        at += ext_len;
    }
    let announced = if payload_len == 0 { data.len() } else { 40 + payload_len };
    let net = NetInfo {
        src: IpAddr::V6(src),
        dst: IpAddr::V6(dst),
        ttl: hdr.hop_limit(),
        inner,
        payload_len: announced.saturating_sub(at),
    };
    transport(ctx, next, &data[at.min(end)..end], offset + at, net, p, "IPv6");
}

fn transport(
    ctx: &mut Ctx,
    protocol: u8,
    payload: &[u8],
    offset: usize,
    net: NetInfo,
    p: &mut Packet,
    ip_name: &'static str,
) {
    match protocol {
        PROTO_TCP => tcp::decode(ctx, payload, offset, net, p),
        PROTO_UDP => udp::decode(ctx, payload, offset, net, p),
        PROTO_ICMP if !net.inner => icmp::decode_v4(ctx, payload, offset, net, p),
        PROTO_ICMPV6 if !net.inner => icmp::decode_v6(ctx, payload, offset, net, p),
        _ => {
            if !net.inner {
                p.protocol = ip_name;
                p.info = if protocol == 59 {
                    "IPv6 no next header".into()
                } else {
                    format!("{} ({protocol})", proto_name(protocol))
                };
            }
            data_layer(p, payload, offset);
        }
    }
}
