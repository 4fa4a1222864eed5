//! Every link type wirelab reads: the same IP packets, re-encapsulated from a real
//! Ethernet capture, must decode to the same columns under each link-layer header.

use super::common::{data, pcap_bytes, read_pcap_frames, stdout_of, wirelab};

/// Frames of the Ethernet capture that carry IPv4 or IPv6, with their Ethernet rows.
fn ip_frames() -> Vec<(u32, u32, Vec<u8>)> {
    let bytes = std::fs::read(data("recorded/l4-basic.pcap")).unwrap();
    read_pcap_frames(&bytes)
        .into_iter()
        .filter(|(_, _, d)| matches!(&d[12..14], [0x08, 0x00] | [0x86, 0xdd]))
        .collect()
}

fn columns(linktype: u32, frames: &[(u32, u32, Vec<u8>)]) -> Vec<String> {
    let refs: Vec<(u32, u32, &[u8])> = frames.iter().map(|(s, u, d)| (*s, *u, d.as_slice())).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pcap");
    std::fs::write(&path, pcap_bytes(linktype, &refs)).unwrap();
    let out = stdout_of(wirelab().args(["replay", "-T", "tsv", "-n"]).arg(&path));
    // Source, Destination, Protocol, Info: the link layer must not change them.
    out.lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            format!("{}|{}|{}|{}", c[2], c[3], c[4], c[6])
        })
        .collect()
}

#[test]
fn the_same_ip_packets_decode_alike_under_every_link_type() {
    let frames = ip_frames();
    assert!(frames.len() > 100);
    let expected = columns(1, &frames);
    let strip = |header: &dyn Fn(&[u8]) -> Vec<u8>| -> Vec<(u32, u32, Vec<u8>)> {
        frames
            .iter()
            .map(|(s, u, d)| {
                let mut b = header(d);
                b.extend(&d[14..]);
                (*s, *u, b)
            })
            .collect()
    };
    let is_v6 = |d: &[u8]| d[12] == 0x86;
    assert_eq!(columns(101, &strip(&|_| vec![])), expected, "RAW");
    // BSD NULL: address family in host order; IPv6 is 30 on macOS.
    assert_eq!(
        columns(0, &strip(&|d| if is_v6(d) { 30u32 } else { 2 }.to_le_bytes().to_vec())),
        expected,
        "NULL"
    );
    assert_eq!(
        columns(
            108,
            &strip(&|d| if is_v6(d) { 24u32 } else { 2 }.to_be_bytes().to_vec())
        ),
        expected,
        "LOOP"
    );
    // Linux cooked v1: packet type, ARPHRD_ETHER, address length 6, address, protocol.
    let sll = |d: &[u8]| {
        let mut h = vec![0, 0, 0, 1, 0, 6];
        h.extend(&d[6..12]);
        h.extend([0, 0]);
        h.extend(&d[12..14]);
        h
    };
    assert_eq!(columns(113, &strip(&sll)), expected, "LINUX_SLL");
    // 802.1Q and stacked QinQ tags between Ethernet and IP.
    let tagged: Vec<(u32, u32, Vec<u8>)> = frames
        .iter()
        .map(|(s, u, d)| {
            let mut b = d[..12].to_vec();
            b.extend([0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x2a]);
            b.extend(&d[12..]);
            (*s, *u, b)
        })
        .collect();
    assert_eq!(columns(1, &tagged), expected, "VLAN");

    let v4: Vec<_> = frames.iter().filter(|(_, _, d)| !is_v6(d)).cloned().collect();
    let v6: Vec<_> = frames.iter().filter(|(_, _, d)| is_v6(d)).cloned().collect();
    let only = |set: &[(u32, u32, Vec<u8>)], linktype| {
        let stripped: Vec<_> = set.iter().map(|(s, u, d)| (*s, *u, d[14..].to_vec())).collect();
        (columns(linktype, &stripped), columns(1, set))
    };
    let (ipv4, eth4) = only(&v4, 228);
    assert_eq!(ipv4, eth4, "IPV4");
    let (ipv6, eth6) = only(&v6, 229);
    assert_eq!(ipv6, eth6, "IPV6");
}

#[test]
fn vlan_ids_are_fields() {
    let out = stdout_of(
        wirelab()
            .args(["replay", "-T", "fields", "-e", "vlan.id", "-e", "ieee8021ad.id"])
            .arg(data("thirdparty/vlan2_tls_clienthello.pcap")),
    );
    assert_eq!(out.lines().next().unwrap(), "93,258\t");
    let out = stdout_of(
        wirelab()
            .args(["replay", "-T", "fields", "-e", "ieee8021ad.id"])
            .arg(data("thirdparty/qinq_8021ad_dhcp_arp.pcap")),
    );
    assert_eq!(out.lines().next().unwrap(), "200");
}

#[test]
fn pcapng_sections_keep_their_own_byte_order_and_interfaces() {
    // Two pcapng files back to back form one file of two sections: little-endian with
    // microsecond interfaces, then big-endian with nanosecond ones.
    let (first, second) = (
        data("recorded/l4-two-interfaces.pcapng"),
        data("thirdparty/be_2if_nsres_dhcp.pcapng"),
    );
    let mut joined = std::fs::read(&first).unwrap();
    joined.extend(std::fs::read(&second).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-sections.pcapng");
    std::fs::write(&path, joined).unwrap();
    let times = |file: &std::path::Path| {
        stdout_of(
            wirelab()
                .args([
                    "replay",
                    "-T",
                    "fields",
                    "-e",
                    "frame.time_epoch",
                    "-e",
                    "frame.protocols",
                ])
                .arg(file),
        )
    };
    assert_eq!(times(&path), times(&first) + &times(&second));
}
