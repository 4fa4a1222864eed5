//! Link layers: Ethernet II (with 802.1Q/802.1ad tags), Linux cooked capture v1 and v2,
//! BSD NULL/LOOP, raw IP. etherparse parses Ethernet and VLAN headers; SLL2, NULL and
//! LOOP are stripped by hand (etherparse has no parsers for them).

use etherparse::{Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::field::{Field, Value};
use super::packet::{Address, Packet, Proto, Severity};
use super::{arp, ethertypes, ip, truncated, Ctx};
use crate::capture::LinkType;

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;
pub const ETHERTYPE_VLAN: u16 = 0x8100;
pub const ETHERTYPE_QINQ: u16 = 0x88a8;
pub const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;

/// Stacked VLAN tags accepted before the rest is treated as data.
const MAX_VLAN_TAGS: usize = 8;

pub(crate) fn decode(ctx: &mut Ctx, linktype: LinkType, data: &[u8], p: &mut Packet) {
    match linktype {
        LinkType::Ethernet => ethernet(ctx, data, p),
        LinkType::LinuxSll => linux_sll(ctx, data, p),
        LinkType::LinuxSll2 => linux_sll2(ctx, data, p),
        LinkType::Null => bsd_loopback(ctx, data, p, false),
        LinkType::Loop => bsd_loopback(ctx, data, p, true),
        LinkType::Raw => match data.first().map(|b| b >> 4) {
            Some(4) => ip::ipv4(ctx, data, 0, p),
            Some(6) => ip::ipv6(ctx, data, 0, p),
            _ => unknown_payload(p, data, 0, "Raw IP packet that is neither IPv4 nor IPv6"),
        },
        LinkType::Ipv4 => ip::ipv4(ctx, data, 0, p),
        LinkType::Ipv6 => ip::ipv6(ctx, data, 0, p),
        LinkType::Unknown(code) => {
            p.protocol = "DATA";
            p.info = format!("Link type {code} ({} bytes), not decoded", data.len());
            p.note(
                Severity::Note,
                Proto::Frame,
                format!("link-layer type {code} is not one wirelab decodes"),
            );
            data_layer(p, data, 0);
        }
    }
}

fn ethernet(ctx: &mut Ctx, data: &[u8], p: &mut Packet) {
    let eth = match Ethernet2HeaderSlice::from_slice(data) {
        Ok(eth) => eth,
        Err(_) => {
            p.protocol = "Ethernet";
            p.info = "Ethernet frame too short for its 14-byte header".into();
            truncated(p, Proto::Eth, "Ethernet header", 14, data.len());
            return;
        }
    };
    p.push_layer(Proto::Eth, 0);
    let (dst, src) = (eth.destination(), eth.source());
    if p.fields_wanted {
        p.add(Field::EthDst, Value::Ether(dst));
        p.add(Field::EthAddr, Value::Ether(dst));
        p.add(Field::EthSrc, Value::Ether(src));
        p.add(Field::EthAddr, Value::Ether(src));
    }
    p.src = Address::Ether(src);
    p.dst = Address::Ether(dst);
    let ethertype = eth.ether_type().0;
    if ethertype < 0x0600 {
        // An IEEE 802.3 length field: LLC follows (spanning tree, NetBIOS over LLC...).
        p.protocol = "LLC";
        p.info = format!("IEEE 802.3 frame, length {ethertype}");
        data_layer(p, &data[14..], 14);
        return;
    }
    p.add_u(Field::EthType, ethertype);
    ethertype_payload(ctx, ethertype, &data[14..], 14, p, 0, Carrier::Ethernet);
}

/// What carries an EtherType: it gives the Info of a frame whose payload no decoder
/// takes and whose EtherType Wireshark has no name for, as tshark shows it.
#[derive(Debug, Clone, Copy)]
enum Carrier {
    Ethernet,
    /// An 802.1Q tag: priority, drop eligible, VLAN id.
    Vlan(u8, u8, u16),
    /// An 802.1ad service tag, alike.
    ServiceTag(u8, u8, u16),
    /// A Linux cooked capture header: the packet type.
    Cooked(u16),
}

impl Carrier {
    fn info(self) -> String {
        match self {
            Carrier::Ethernet => "Ethernet II".into(),
            Carrier::Vlan(pri, dei, id) => format!("PRI: {pri}  DEI: {dei}  ID: {id}"),
            // (tshark's spacing.)
            Carrier::ServiceTag(pri, dei, id) => format!("PRI: {pri}  DROP: {dei} ID: {id}"),
            Carrier::Cooked(pkttype) => match pkttype {
                0 => "Unicast to us".into(),
                1 => "Broadcast".into(),
                2 => "Multicast".into(),
                3 => "Unicast to another host".into(),
                4 => "Sent by us".into(),
                other => format!("Unknown ({other})"),
            },
        }
    }
}

/// Dispatches on an EtherType; `tags` counts VLAN tags already unwrapped.
fn ethertype_payload(
    ctx: &mut Ctx,
    ethertype: u16,
    data: &[u8],
    offset: usize,
    p: &mut Packet,
    tags: usize,
    carrier: Carrier,
) {
    match ethertype {
        ETHERTYPE_IPV4 => ip::ipv4(ctx, data, offset, p),
        ETHERTYPE_IPV6 => ip::ipv6(ctx, data, offset, p),
        ETHERTYPE_ARP => arp::decode(data, offset, p),
        ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD if tags < MAX_VLAN_TAGS => {
            let Ok(tag) = SingleVlanHeaderSlice::from_slice(data) else {
                p.protocol = "802.1Q";
                p.info = "VLAN tag cut short".into();
                truncated(p, Proto::Vlan, "802.1Q tag", 4, data.len());
                return;
            };
            let service_tag = ethertype == ETHERTYPE_QINQ;
            p.push_layer(if service_tag { Proto::Ieee8021ad } else { Proto::Vlan }, offset);
            let inner = tag.ether_type().0;
            let (pri, dei, id) = (
                tag.priority_code_point().value(),
                u8::from(tag.drop_eligible_indicator()),
                tag.vlan_identifier().value(),
            );
            let carrier = if service_tag {
                Carrier::ServiceTag(pri, dei, id)
            } else {
                Carrier::Vlan(pri, dei, id)
            };
            if service_tag {
                // tshark names the 802.1ad service tag's fields apart from 802.1Q's.
                p.add_u(Field::Ieee8021adId, tag.vlan_identifier().value());
            } else {
                p.add_u(Field::VlanPriority, tag.priority_code_point().value());
                p.add_u(Field::VlanId, tag.vlan_identifier().value());
                p.add_u(Field::VlanEtype, inner);
            }
            ethertype_payload(ctx, inner, &data[4..], offset + 4, p, tags + 1, carrier);
        }
        // As tshark: the EtherType as the protocol, its name (or the carrier's) as Info.
        other => {
            p.protocol = ethertypes::column(other);
            p.info = ethertypes::name(other).map_or_else(|| carrier.info(), str::to_string);
            data_layer(p, data, offset);
        }
    }
}

fn unknown_payload(p: &mut Packet, data: &[u8], offset: usize, info: &str) {
    if p.protocol.is_empty() {
        p.protocol = match p.layers.last().map(|l| l.proto) {
            Some(Proto::Vlan) => "802.1Q",
            Some(Proto::Ieee8021ad) => "IEEE 802.1ad",
            Some(Proto::Sll) => "SLL",
            Some(Proto::Null) => "NULL",
            _ => "Ethernet",
        };
    }
    p.info = info.to_string();
    data_layer(p, data, offset);
}

/// Bytes no decoder claims: kept as data.data, as tshark's "data" protocol.
pub(crate) fn data_layer(p: &mut Packet, data: &[u8], offset: usize) {
    if data.is_empty() {
        return;
    }
    p.push_layer(Proto::Data, offset);
    if p.keeps(Field::DataData) {
        p.add(Field::DataData, Value::Bytes(data.to_vec()));
    }
    p.add_u(Field::DataLen, data.len() as u64);
}

/// Linux cooked capture v1: packet type, ARPHRD type, address length, 8 address bytes,
/// protocol (an EtherType for Ethernet-like devices).
fn linux_sll(ctx: &mut Ctx, data: &[u8], p: &mut Packet) {
    if data.len() < 16 {
        p.protocol = "SLL";
        p.info = "Linux cooked capture header cut short".into();
        truncated(p, Proto::Sll, "Linux cooked capture header", 16, data.len());
        return;
    }
    let pkttype = u16::from_be_bytes([data[0], data[1]]);
    let addr_len = u16::from_be_bytes([data[4], data[5]]);
    let protocol = u16::from_be_bytes([data[14], data[15]]);
    cooked(ctx, data, p, pkttype, addr_len, &data[6..14], protocol, None, 16);
}

/// Linux cooked capture v2: protocol, reserved, interface index, ARPHRD type, packet
/// type, address length, 8 address bytes.
fn linux_sll2(ctx: &mut Ctx, data: &[u8], p: &mut Packet) {
    if data.len() < 20 {
        p.protocol = "SLL";
        p.info = "Linux cooked capture v2 header cut short".into();
        truncated(p, Proto::Sll, "Linux cooked capture v2 header", 20, data.len());
        return;
    }
    let protocol = u16::from_be_bytes([data[0], data[1]]);
    let ifindex = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
    let pkttype = u16::from(data[10]);
    let addr_len = u16::from(data[11]);
    cooked(
        ctx,
        data,
        p,
        pkttype,
        addr_len,
        &data[12..20],
        protocol,
        Some(ifindex),
        20,
    );
}

#[allow(clippy::too_many_arguments)]
fn cooked(
    ctx: &mut Ctx,
    data: &[u8],
    p: &mut Packet,
    pkttype: u16,
    addr_len: u16,
    addr: &[u8],
    protocol: u16,
    ifindex: Option<u32>,
    header_len: usize,
) {
    p.push_layer(Proto::Sll, 0);
    p.add_u(Field::SllPkttype, pkttype);
    if let Some(ifindex) = ifindex {
        p.add_u(Field::SllIfindex, ifindex);
    }
    if addr_len == 6 {
        let mac: [u8; 6] = addr[..6].try_into().expect("six bytes");
        p.add(Field::SllSrcEth, Value::Ether(mac));
        p.src = Address::Ether(mac);
    }
    p.add_u(Field::SllEtype, protocol);
    ethertype_payload(
        ctx,
        protocol,
        &data[header_len..],
        header_len,
        p,
        0,
        Carrier::Cooked(pkttype),
    );
}

/// BSD loopback: a 4-byte address family, in the capturing host's byte order for NULL
/// and in network order for LOOP. IPv6's family number differs between BSDs.
fn bsd_loopback(ctx: &mut Ctx, data: &[u8], p: &mut Packet, network_order: bool) {
    if data.len() < 4 {
        p.protocol = "NULL";
        p.info = "Loopback header cut short".into();
        truncated(p, Proto::Null, "loopback header", 4, data.len());
        return;
    }
    let bytes = [data[0], data[1], data[2], data[3]];
    let family = if network_order {
        u32::from_be_bytes(bytes)
    } else {
        // The writer's byte order is unknown; a family is small, so pick the order that
        // makes it so (Wireshark does the same).
        let le = u32::from_le_bytes(bytes);
        if le <= 0xffff {
            le
        } else {
            u32::from_be_bytes(bytes)
        }
    };
    p.push_layer(Proto::Null, 0);
    p.add_u(Field::NullFamily, family);
    match family {
        2 => ip::ipv4(ctx, &data[4..], 4, p),
        10 | 24 | 28 | 30 => ip::ipv6(ctx, &data[4..], 4, p),
        other => unknown_payload(
            p,
            &data[4..],
            4,
            &format!("Loopback address family {other}, not decoded"),
        ),
    }
}
