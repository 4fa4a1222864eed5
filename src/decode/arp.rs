//! ARP (and RARP) over Ethernet/IPv4, with tshark's Info wording.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::field::{push_mac, Field, Value};
use super::packet::{Packet, Proto};
use super::text::push_ipv4;
use super::truncated;

pub(crate) fn decode(data: &[u8], offset: usize, p: &mut Packet) {
    p.protocol = "ARP";
    if data.len() < 8 {
        p.info = "ARP packet cut short".into();
        truncated(p, Proto::Arp, "ARP header", 8, data.len());
        return;
    }
    p.push_layer(Proto::Arp, offset);
    let hw_type = u16::from_be_bytes([data[0], data[1]]);
    let proto_type = u16::from_be_bytes([data[2], data[3]]);
    let (hlen, plen) = (usize::from(data[4]), usize::from(data[5]));
    let opcode = u16::from_be_bytes([data[6], data[7]]);
    p.add_u(Field::ArpHwType, hw_type);
    p.add_u(Field::ArpProtoType, proto_type);
    p.add_u(Field::ArpOpcode, opcode);
    if matches!(opcode, 3 | 4) {
        p.protocol = "RARP";
    }
    let need = 8 + 2 * (hlen + plen);
    if data.len() < need {
        p.info = format!("ARP opcode {opcode}, cut short");
        truncated(p, Proto::Arp, "ARP packet", need, data.len());
        return;
    }
    if hlen != 6 || plen != 4 {
        p.info = format!("ARP opcode {opcode} for hardware type {hw_type}, protocol 0x{proto_type:04x}");
        return;
    }
    let mac = |at: usize| -> [u8; 6] { data[at..at + 6].try_into().expect("six bytes") };
    let ip = |at: usize| Ipv4Addr::new(data[at], data[at + 1], data[at + 2], data[at + 3]);
    let (sha, spa, tha, tpa) = (mac(8), ip(14), mac(18), ip(24));
    p.add(Field::ArpSrcHwMac, Value::Ether(sha));
    p.add(Field::ArpSrcProtoIpv4, Value::Ipv4(spa));
    p.add(Field::ArpDstHwMac, Value::Ether(tha));
    p.add(Field::ArpDstProtoIpv4, Value::Ipv4(tpa));
    let gratuitous = spa == tpa && matches!(opcode, 1 | 2);
    let target_unknown = tha == [0; 6];
    // tshark adds the field to gratuitous ARPs only: `arp.isgratuitous` finds them.
    if gratuitous {
        p.add(Field::ArpIsGratuitous, Value::Bool(true));
    }
    // Written into the packet's own Info buffer, which is reused from frame to frame,
    // without `write!` (its formatting of addresses cost more than the rest of ARP).
    let info = &mut p.info;
    info.clear();
    let mut say = |parts: &[Part]| {
        for part in parts {
            match part {
                Part::Text(text) => info.push_str(text),
                Part::Ip(ip) => push_ipv4(info, *ip),
                Part::Mac(mac) => push_mac(info, mac),
            }
        }
    };
    use Part::{Ip, Mac, Text};
    match opcode {
        1 if gratuitous && target_unknown => say(&[Text("ARP Announcement for "), Ip(tpa)]),
        1 if gratuitous => say(&[Text("Gratuitous ARP for "), Ip(tpa), Text(" (Request)")]),
        1 if spa.is_unspecified() && target_unknown => say(&[Text("Who has "), Ip(tpa), Text("? (ARP Probe)")]),
        1 => say(&[Text("Who has "), Ip(tpa), Text("? Tell "), Ip(spa)]),
        2 if gratuitous => say(&[Text("Gratuitous ARP for "), Ip(spa), Text(" (Reply)")]),
        2 => say(&[Ip(spa), Text(" is at "), Mac(sha)]),
        3 => say(&[Text("Who is "), Mac(tha), Text("? Tell "), Mac(sha)]),
        4 => say(&[Mac(tha), Text(" is at "), Ip(tpa)]),
        other => {
            let _ = write!(info, "Unknown ARP opcode 0x{other:04x}");
        }
    }
}

/// A piece of ARP's Info text.
enum Part {
    Text(&'static str),
    Ip(Ipv4Addr),
    Mac([u8; 6]),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::LinkType;

    fn arp(opcode: u8, spa: [u8; 4], tpa: [u8; 4]) -> Packet {
        arp_to(opcode, spa, [0; 6], tpa)
    }

    fn arp_to(opcode: u8, spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Packet {
        let mut bytes = vec![0, 1, 8, 0, 6, 4, 0, opcode];
        bytes.extend([0, 0x50, 0x56, 0xc0, 0, 1]);
        bytes.extend(spa);
        bytes.extend(tha);
        bytes.extend(tpa);
        let mut p = Packet::new(1, 0, 0, 42, 42, LinkType::Ethernet);
        decode(&bytes, 14, &mut p);
        p
    }

    #[test]
    fn info_is_worded_as_tshark_words_it() {
        assert_eq!(
            arp(1, [192, 168, 199, 133], [192, 168, 199, 17]).info,
            "Who has 192.168.199.17? Tell 192.168.199.133"
        );
        assert_eq!(
            arp(2, [192, 168, 199, 1], [192, 168, 199, 133]).info,
            "192.168.199.1 is at 00:50:56:c0:00:01"
        );
        assert_eq!(
            arp(1, [10, 0, 0, 9], [10, 0, 0, 9]).info,
            "ARP Announcement for 10.0.0.9"
        );
        assert_eq!(
            arp_to(1, [10, 0, 0, 9], [0xff; 6], [10, 0, 0, 9]).info,
            "Gratuitous ARP for 10.0.0.9 (Request)"
        );
        assert_eq!(
            arp(2, [10, 0, 0, 9], [10, 0, 0, 9]).info,
            "Gratuitous ARP for 10.0.0.9 (Reply)"
        );
        assert_eq!(
            arp(1, [0, 0, 0, 0], [10, 0, 0, 9]).info,
            "Who has 10.0.0.9? (ARP Probe)"
        );
        let target = [0x00, 0x0c, 0x29, 0xab, 0x0d, 0xef];
        assert_eq!(
            arp_to(3, [10, 0, 0, 1], target, [10, 0, 0, 2]).info,
            "Who is 00:0c:29:ab:0d:ef? Tell 00:50:56:c0:00:01"
        );
        assert_eq!(
            arp_to(4, [10, 0, 0, 1], target, [10, 0, 0, 2]).info,
            "00:0c:29:ab:0d:ef is at 10.0.0.2"
        );
        assert_eq!(arp(9, [10, 0, 0, 1], [10, 0, 0, 2]).info, "Unknown ARP opcode 0x0009");
    }

    #[test]
    fn a_short_arp_packet_is_noted() {
        let mut p = Packet::new(1, 0, 0, 20, 20, LinkType::Ethernet);
        decode(&[0, 1, 8, 0, 6, 4, 0, 1, 0, 0], 14, &mut p);
        assert_eq!(p.notes.len(), 1);
    }
}
