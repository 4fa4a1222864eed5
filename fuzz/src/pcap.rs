//! Building capture files in memory: a classic pcap (little-endian, microseconds) and
//! the Ethernet/IPv4/IPv6/TCP/UDP headers the application targets wrap fuzz bytes in.

use std::net::IpAddr;

/// A classic pcap file being written.
pub struct PcapWriter {
    pub bytes: Vec<u8>,
    ts_us: u64,
}

impl PcapWriter {
    pub fn new(linktype: u32) -> Self {
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&0i32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&262_144u32.to_le_bytes());
        bytes.extend_from_slice(&linktype.to_le_bytes());
        PcapWriter {
            bytes,
            ts_us: 1_700_000_000_000_000,
        }
    }

    /// One record, 1 ms after the previous one.
    pub fn frame(&mut self, data: &[u8]) {
        self.ts_us += 1000;
        let len = data.len().min(262_144) as u32;
        self.bytes
            .extend_from_slice(&((self.ts_us / 1_000_000) as u32).to_le_bytes());
        self.bytes
            .extend_from_slice(&((self.ts_us % 1_000_000) as u32).to_le_bytes());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(&data[..len as usize]);
    }
}

fn checksum_add(mut sum: u32, bytes: &[u8]) -> u32 {
    let mut chunks = bytes.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

fn checksum_fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

pub const CLIENT_MAC: [u8; 6] = [0x00, 0x50, 0x56, 0x01, 0x02, 0x03];
pub const SERVER_MAC: [u8; 6] = [0x00, 0x0c, 0x29, 0x0a, 0x0b, 0x0c];

/// An Ethernet frame carrying an IP packet with a transport header and payload.
/// `transport` is 6 (TCP) or 17 (UDP); `tcp` is (seq, ack, flags) for TCP.
pub fn ip_frame(src: (IpAddr, u16), dst: (IpAddr, u16), transport: u8, tcp: (u32, u32, u8), payload: &[u8]) -> Vec<u8> {
    let mut l4 = Vec::with_capacity(payload.len() + 20);
    l4.extend_from_slice(&src.1.to_be_bytes());
    l4.extend_from_slice(&dst.1.to_be_bytes());
    if transport == 6 {
        l4.extend_from_slice(&tcp.0.to_be_bytes());
        l4.extend_from_slice(&tcp.1.to_be_bytes());
        l4.push(5 << 4);
        l4.push(tcp.2);
        l4.extend_from_slice(&65535u16.to_be_bytes());
        l4.extend_from_slice(&[0, 0, 0, 0]);
    } else {
        l4.extend_from_slice(&((payload.len() + 8).min(65535) as u16).to_be_bytes());
        l4.extend_from_slice(&[0, 0]);
    }
    l4.extend_from_slice(payload);
    let l4_len = l4.len();
    let csum_at = if transport == 6 { 16 } else { 6 };

    let mut frame = Vec::with_capacity(l4_len + 60);
    let (dst_mac, src_mac) = if src.0 < dst.0 {
        (SERVER_MAC, CLIENT_MAC)
    } else {
        (CLIENT_MAC, SERVER_MAC)
    };
    frame.extend_from_slice(&dst_mac);
    frame.extend_from_slice(&src_mac);
    // The transport checksum covers a pseudo-header of both addresses.
    let mut set_checksum = |s: &[u8], d: &[u8]| {
        let pseudo = checksum_add(checksum_add(0, s), d) + u32::from(transport) + l4_len as u32;
        let c = checksum_fold(checksum_add(pseudo, &l4));
        l4[csum_at..csum_at + 2].copy_from_slice(&c.to_be_bytes());
    };
    match (src.0, dst.0) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            set_checksum(&s.octets(), &d.octets());
            frame.extend_from_slice(&0x0800u16.to_be_bytes());
            let mut ip = vec![0x45, 0];
            ip.extend_from_slice(&((l4_len + 20).min(65535) as u16).to_be_bytes());
            ip.extend_from_slice(&[0x12, 0x34, 0x40, 0, 64, transport, 0, 0]);
            ip.extend_from_slice(&s.octets());
            ip.extend_from_slice(&d.octets());
            let c = checksum_fold(checksum_add(0, &ip));
            ip[10..12].copy_from_slice(&c.to_be_bytes());
            frame.extend_from_slice(&ip);
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            set_checksum(&s.octets(), &d.octets());
            frame.extend_from_slice(&0x86ddu16.to_be_bytes());
            frame.extend_from_slice(&[0x60, 0, 0, 0]);
            frame.extend_from_slice(&(l4_len.min(65535) as u16).to_be_bytes());
            frame.extend_from_slice(&[transport, 64]);
            frame.extend_from_slice(&s.octets());
            frame.extend_from_slice(&d.octets());
        }
        _ => unreachable!("both addresses of one family"),
    }
    frame.extend_from_slice(&l4);
    frame
}

impl PcapWriter {
    /// A record whose wire length exceeds what was captured (a snaplen cut).
    pub fn frame_cut(&mut self, data: &[u8], orig_len: u32) {
        self.frame(data);
        let at = self.bytes.len() - data.len().min(262_144) - 4;
        self.bytes[at..at + 4].copy_from_slice(&orig_len.to_le_bytes());
    }
}
