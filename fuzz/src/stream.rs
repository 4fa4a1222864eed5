//! The application targets' input: a conversation as turns, wrapped into a pcap.
//!
//! ```text
//! byte 0      config: bits 0-2 service (index into the target's list), bit 3 IPv6,
//!             bit 4 TCP handshake first, bit 5 FIN at the end, bits 6-7 segment size
//!             (1460, 536, 9, 16000 bytes)
//! then turns: 2-byte header, bits 15-14 channel, bits 13-0 length; then the bytes
//!             (the last turn takes what is left when the input is short)
//! ```
//!
//! Channel 0: client -> server, 1: server -> client, on the main connection; 2 and 3 the
//! same on a second connection (another client port to the same service, or, for FTP,
//! an active-mode data connection the server opens from port 20 to the client's 40000).
//! Over UDP every turn is one datagram.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::pcap::{ip_frame, PcapWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub transport: Transport,
    pub port: u16,
}

const fn tcp(port: u16) -> Service {
    Service {
        transport: Transport::Tcp,
        port,
    }
}

const fn udp(port: u16) -> Service {
    Service {
        transport: Transport::Udp,
        port,
    }
}

/// What the second connection (channels 2 and 3) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Second {
    SameService,
    FtpActiveData,
}

pub struct AppTarget {
    /// Eight services, chosen by the config byte's low bits. 41234 is a port no table
    /// names: the content heuristics decide.
    pub services: [Service; 8],
    pub second: Second,
}

pub const HTTP: AppTarget = AppTarget {
    services: [
        tcp(80),
        tcp(8080),
        tcp(3128),
        udp(1900),
        tcp(41234),
        tcp(631),
        tcp(80),
        tcp(80),
    ],
    second: Second::SameService,
};
pub const TLS: AppTarget = AppTarget {
    services: [
        tcp(443),
        tcp(990),
        tcp(465),
        tcp(8883),
        tcp(41234),
        tcp(443),
        tcp(443),
        tcp(443),
    ],
    second: Second::SameService,
};
pub const FTP: AppTarget = AppTarget {
    services: [tcp(21); 8],
    second: Second::FtpActiveData,
};
pub const SMB: AppTarget = AppTarget {
    services: [
        tcp(445),
        tcp(139),
        tcp(445),
        tcp(445),
        tcp(445),
        tcp(139),
        tcp(445),
        tcp(445),
    ],
    second: Second::SameService,
};
pub const DNS: AppTarget = AppTarget {
    services: [
        udp(53),
        udp(137),
        tcp(53),
        tcp(5353),
        udp(41234),
        // mDNS (LLMNR takes the same path) and DHCP.
        udp(5353),
        udp(138),
        udp(67),
    ],
    second: Second::SameService,
};

pub const SEGMENT_SIZES: [usize; 4] = [1460, 536, 9, 16000];
pub const MAX_TURN: usize = 0x3fff;

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn<'a> {
    pub channel: u8,
    pub bytes: &'a [u8],
}

pub fn parse(data: &[u8]) -> Option<(u8, Vec<Turn<'_>>)> {
    let (&config, mut rest) = data.split_first()?;
    let mut turns = Vec::new();
    while rest.len() >= 2 {
        let header = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(header & 0x3fff).min(rest.len() - 2);
        turns.push(Turn {
            channel: (header >> 14) as u8,
            bytes: &rest[2..2 + len],
        });
        rest = &rest[2 + len..];
    }
    Some((config, turns))
}

/// The inverse of [`parse`], for making seeds (turns longer than 16383 bytes are split).
pub fn encode(config: u8, turns: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![config];
    for (channel, bytes) in turns {
        for chunk in bytes.chunks(MAX_TURN) {
            let header = (u16::from(*channel) << 14) | chunk.len() as u16;
            out.extend_from_slice(&header.to_be_bytes());
            out.extend_from_slice(chunk);
        }
    }
    out
}

pub fn config(service: usize, ipv6: bool, handshake: bool, fin: bool, segment: usize) -> u8 {
    (service as u8 & 7)
        | (u8::from(ipv6) << 3)
        | (u8::from(handshake) << 4)
        | (u8::from(fin) << 5)
        | ((segment as u8 & 3) << 6)
}

struct Conn {
    /// (address, port) of the endpoint that opens the connection, and of the other.
    opener: (IpAddr, u16),
    listener: (IpAddr, u16),
    next_seq: [u32; 2],
    opened: bool,
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;
const FIN: u8 = 0x01;

impl Conn {
    fn new(opener: (IpAddr, u16), listener: (IpAddr, u16), isn: u32) -> Self {
        Conn {
            opener,
            listener,
            next_seq: [isn, isn.wrapping_mul(7).wrapping_add(0x1000_0000)],
            opened: false,
        }
    }

    fn ends(&self, side: usize) -> ((IpAddr, u16), (IpAddr, u16)) {
        if side == 0 {
            (self.opener, self.listener)
        } else {
            (self.listener, self.opener)
        }
    }

    fn segment(&mut self, pcap: &mut PcapWriter, side: usize, flags: u8, payload: &[u8]) {
        let (src, dst) = self.ends(side);
        let seq = self.next_seq[side];
        let ack = if flags & ACK != 0 { self.next_seq[1 - side] } else { 0 };
        pcap.frame(&ip_frame(src, dst, 6, (seq, ack, flags), payload));
        let used = payload.len() as u32 + u32::from(flags & (SYN | FIN) != 0);
        self.next_seq[side] = seq.wrapping_add(used);
    }

    fn open(&mut self, pcap: &mut PcapWriter, handshake: bool) {
        if !self.opened {
            self.opened = true;
            if handshake {
                self.segment(pcap, 0, SYN, &[]);
                self.segment(pcap, 1, SYN | ACK, &[]);
                self.segment(pcap, 0, ACK, &[]);
            }
        }
    }
}

/// Wraps a conversation into an Ethernet pcap, as the target's config byte says.
pub fn to_pcap(target: &AppTarget, data: &[u8]) -> Option<Vec<u8>> {
    let (config, turns) = parse(data)?;
    let service = target.services[usize::from(config & 7)];
    let ipv6 = config & 8 != 0;
    let handshake = config & 16 != 0;
    let fin = config & 32 != 0;
    let segment = SEGMENT_SIZES[usize::from(config >> 6)];
    let (client, server): (IpAddr, IpAddr) = if ipv6 {
        (
            IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1)),
            IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2)),
        )
    } else {
        (
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        )
    };
    let mut pcap = PcapWriter::new(1);
    match service.transport {
        Transport::Udp => {
            for turn in &turns {
                let client_port = if turn.channel < 2 { 51000 } else { 51001 };
                let (src, dst) = if turn.channel % 2 == 0 {
                    ((client, client_port), (server, service.port))
                } else {
                    ((server, service.port), (client, client_port))
                };
                pcap.frame(&ip_frame(src, dst, 17, (0, 0, 0), turn.bytes));
            }
        }
        Transport::Tcp => {
            let mut conns = [
                Conn::new((client, 51000), (server, service.port), 0x1111_0000),
                match target.second {
                    Second::SameService => Conn::new((client, 51001), (server, service.port), 0x2222_0000),
                    Second::FtpActiveData => Conn::new((server, 20), (client, 40000), 0x3333_0000),
                },
            ];
            for turn in &turns {
                let conn = &mut conns[usize::from(turn.channel / 2)];
                conn.open(&mut pcap, handshake);
                // Side 0 is the opener; for the FTP data connection the server opens.
                let from_client = turn.channel % 2 == 0;
                let side = match (turn.channel / 2, target.second) {
                    (1, Second::FtpActiveData) => usize::from(from_client),
                    _ => usize::from(!from_client),
                };
                for chunk in turn.bytes.chunks(segment) {
                    conn.segment(&mut pcap, side, ACK | PSH, chunk);
                }
            }
            if fin {
                for conn in conns.iter_mut().filter(|c| c.opened) {
                    conn.segment(&mut pcap, 0, FIN | ACK, &[]);
                    conn.segment(&mut pcap, 1, FIN | ACK, &[]);
                    conn.segment(&mut pcap, 0, ACK, &[]);
                }
            }
        }
    }
    Some(pcap.bytes)
}
