//! UDP datagrams and `udp.stream` numbering.

use crate::decode::FastMap;
use std::net::IpAddr;

use etherparse::UdpHeaderSlice;

use super::app::Out;
use super::field::{Field, Value};
use super::ip::NetInfo;
use super::link::data_layer;
use super::packet::{Packet, Proto, Severity};
use super::text::push_num;
use super::{truncated, Ctx};

type Key = ((IpAddr, u16), (IpAddr, u16));

/// RFC 4380 Teredo, IPv6 over UDP.
const TEREDO_PORT: u16 = 3544;

/// Where the IPv6 packet starts in a Teredo payload, past the optional authentication
/// and origin-indication headers; `None` when no IPv6 packet is there.
fn teredo_ipv6_offset(payload: &[u8]) -> Option<usize> {
    let mut at = 0;
    if payload.get(..2) == Some(&[0, 1]) {
        let (id_len, auth_len) = (usize::from(*payload.get(2)?), usize::from(*payload.get(3)?));
        at += 4 + id_len + auth_len + 9;
    }
    if payload.get(at..at + 2) == Some(&[0, 0]) {
        at += 8;
    }
    let ipv6 = payload.get(at..)?;
    (ipv6.len() >= 40 && ipv6[0] >> 4 == 6).then_some(at)
}

/// UDP conversations, numbered from 0 in order of first appearance. One idle for
/// `IDLE_NS` of capture time is forgotten (checked every `SWEEP_EVERY` datagrams), so
/// memory stays flat; a datagram after that starts a new udp.stream (tshark's would not).
#[derive(Debug, Default)]
pub struct UdpConversations {
    /// Stream number and time of the latest datagram.
    streams: FastMap<Key, (u64, i64)>,
    next: u64,
    since_sweep: u32,
}

const IDLE_NS: i64 = 300_000_000_000;
const SWEEP_EVERY: u32 = 8192;

impl UdpConversations {
    pub fn stream(&mut self, a: (IpAddr, u16), b: (IpAddr, u16), now: i64) -> u64 {
        self.since_sweep += 1;
        if self.since_sweep >= SWEEP_EVERY {
            self.since_sweep = 0;
            self.streams.retain(|_, (_, seen)| now.saturating_sub(*seen) <= IDLE_NS);
        }
        let key = if a <= b { (a, b) } else { (b, a) };
        let next = &mut self.next;
        let entry = self.streams.entry(key).or_insert_with(|| {
            *next += 1;
            (*next - 1, now)
        });
        entry.1 = now;
        entry.0
    }
}

pub(crate) fn decode(ctx: &mut Ctx, data: &[u8], offset: usize, net: NetInfo, p: &mut Packet) {
    let Ok(hdr) = UdpHeaderSlice::from_slice(data) else {
        if !net.inner {
            p.protocol = "UDP";
            p.info = "UDP header cut short".into();
        }
        p.push_layer(Proto::Udp, offset);
        truncated(p, Proto::Udp, "UDP header", 8, data.len());
        return;
    };
    p.push_layer(Proto::Udp, offset);
    let (src, dst, length) = (hdr.source_port(), hdr.destination_port(), usize::from(hdr.length()));
    if p.fields_wanted {
        p.add_u(Field::UdpSrcport, src);
        p.add_u(Field::UdpDstport, dst);
        p.add_u(Field::UdpPort, src);
        p.add_u(Field::UdpPort, dst);
        p.add_u(Field::UdpLength, length as u64);
        p.add_u(Field::UdpChecksum, hdr.checksum());
    }
    let stream = ctx.decoder.udp.stream((net.src, src), (net.dst, dst), p.ts_ns);
    p.add_u(Field::UdpStream, stream);
    if net.inner {
        // The datagram an ICMP error quotes: its payload is data, as tshark shows it.
        let payload = &data[8..length.min(data.len()).max(8)];
        if !payload.is_empty() && super::app::udp_payload_is_data((src, dst), payload) {
            data_layer(p, payload, offset + 8);
        }
        return;
    }
    p.protocol = "UDP";
    if length < 8 {
        p.info = format!("{src} → {dst} [Bogus UDP length ({length}, must be at least 8)]");
        p.note(
            Severity::Error,
            Proto::Udp,
            format!("bogus UDP length {length}, must be at least 8"),
        );
        return;
    }
    p.info.clear();
    push_num(&mut p.info, src);
    p.info.push_str(" → ");
    push_num(&mut p.info, dst);
    p.info.push_str(" Len=");
    push_num(&mut p.info, (length - 8) as u64);
    if length > net.payload_len {
        p.note(
            Severity::Error,
            Proto::Udp,
            format!(
                "UDP length {length} exceeds the {} bytes the IP header gives it",
                net.payload_len
            ),
        );
    }
    let end = length.min(data.len());
    let payload = &data[8..end.max(8)];
    if src == TEREDO_PORT || dst == TEREDO_PORT {
        if let Some(skip) = teredo_ipv6_offset(payload) {
            // Teredo tunnels IPv6 in UDP: the columns show the inner IPv6 packet, as tshark.
            super::ip::ipv6(ctx, &payload[skip..], offset + 8 + skip, p);
            return;
        }
    }
    if !payload.is_empty() {
        if p.keeps(Field::UdpPayload) {
            p.add(Field::UdpPayload, Value::Bytes(payload.to_vec()));
        }
        let claimed =
            ctx.decoder
                .app
                .udp_datagram((net.src, src), (net.dst, dst), payload, &mut Out::new(p, 0, offset + 8));
        if !claimed {
            data_layer(p, payload, offset + 8);
        }
    }
    if length > data.len() && length <= net.payload_len {
        truncated(p, Proto::Udp, "UDP datagram", length, data.len());
    }
}
