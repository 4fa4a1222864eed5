//! Decoding one capture on several cores: each shard decodes the conversations
//! between some pairs of hosts, and the packet lists are merged back in frame order.
//!
//! A frame belongs to the shard its unordered pair of IP addresses hashes to, so every
//! frame of a TCP or UDP conversation (and of an FTP data channel, which joins its
//! control connection's hosts) is decoded by one shard, in order, with the state it
//! needs. Some state spans conversations: DNS and NetBIOS name transactions matched by
//! id whatever the addresses (queries go to broadcast addresses), echo replies, ICMP
//! errors about other conversations. Frames that feed such state are decoded by *every*
//! shard (see [`Route::everywhere`]), and printed by their owner only: the others decode
//! them quietly (`Packet::quiet`: no labels, no sequence analysis, DNS only as far as
//! its transaction). Frames wirelab cannot place (no IP header it finds, fragments,
//! tunnels) are decoded everywhere too; ARP, NetBIOS datagrams and SSDP keep no state.
//!
//! FTP's announced data channels are read by whichever connection comes, but only a
//! connection between the two hosts an announcement names can claim it, and a control
//! connection names its own two hosts, save behind NAT or for a third host. So control
//! connections are decoded by their own shard only, and each shard's decoder reports
//! the data channels it learns of ([`ChannelReport`]):
//! one announced for hosts another shard decodes, or one opened in a frame another
//! shard prints (a frame decoded everywhere), ends the sharded decoding. The list is
//! written from the shards as far as they are exact ([`Shard::exact_through`]: up to
//! the announcement, or to the frame before the channel opened, and no further than
//! the reporting shard had handed out), and decoded in one piece after that
//! (`cli::sharded`).
//!
//! So each shard's labels are exactly those of one decoder over the whole capture.
//!
//! What shards do not share: the stream numbers (`tcp.stream`, `udp.stream`) each
//! counts for its own conversations, so a packet list that shows or filters on them is
//! decoded in one piece; and the budgets for bytes buffered across all conversations
//! (`tcp_flows::MAX_BUFFERED_TOTAL`, `app::MAX_PENDING_TOTAL`), of which each shard holds
//! its share (`Decoder::share_budgets`): together they hold what one decoder would, and a
//! capture that fills them gives up a stream at another point than in one piece. Nor the
//! count of FTP announcements remembered (`ftp::MAX_CHANNELS`, 16,384): each shard
//! counts its own hosts', so past that many a shard forgets the oldest later than one
//! decoder would.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::app::ftp::ChannelReport;
use super::app::{tcp_port_shares_state, udp_port_shares_state};
use crate::capture::{Frame, LinkType};

/// Where a frame is decoded and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The shard that prints it.
    pub owner: usize,
    /// Every shard decodes it (it feeds state other conversations read).
    pub everywhere: bool,
}

/// The route of a frame among `shards` shards.
pub fn route(linktype: LinkType, data: &[u8], shards: usize) -> Route {
    // Asked for every frame of the capture by every shard: the usual frame (Ethernet,
    // IPv4 without options or fragments, TCP or UDP) is read from fixed offsets.
    if linktype == LinkType::Ethernet {
        if let Some((pair, shared)) = data.first_chunk::<38>().and_then(plain_ipv4_ports) {
            return placed(pair, shared, shards);
        }
    }
    route_any(linktype, data, shards)
}

/// [`route`] for any frame, walking VLAN tags and whatever link type.
fn route_any(linktype: LinkType, data: &[u8], shards: usize) -> Route {
    let everywhere = Route {
        owner: 0,
        everywhere: true,
    };
    let Some(ip) = ip_packet(linktype, data) else {
        // ARP keeps no state: one shard decodes it. Whatever else wirelab cannot place
        // is decoded everywhere.
        let arp = linktype == LinkType::Ethernet && data.get(12..14) == Some(&[0x08, 0x06]);
        return Route {
            owner: 0,
            everywhere: !arp,
        };
    };
    let Some((pair, shared)) = addresses_and_sharing(ip) else {
        return everywhere;
    };
    placed(pair, shared, shards)
}

/// The shard that decodes the conversations between two hosts (`None` for addresses
/// of two families, which no conversation has).
pub fn owner_of_hosts(a: std::net::IpAddr, b: std::net::IpAddr, shards: usize) -> Option<usize> {
    use std::net::IpAddr;
    let pair = match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) => ipv4_pair(a.to_bits(), b.to_bits()),
        (IpAddr::V6(a), IpAddr::V6(b)) => ipv6_pair(a.to_bits(), b.to_bits()),
        _ => return None,
    };
    Some(placed(pair, false, shards).owner)
}

/// The hash of an unordered pair of IPv4 addresses.
fn ipv4_pair(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

/// The hash of an unordered pair of IPv6 addresses.
fn ipv6_pair(a: u128, b: u128) -> u64 {
    let fold = |x: u128| (x as u64) ^ ((x >> 64) as u64).rotate_left(29);
    let (a, b) = (fold(a), fold(b));
    a.min(b) ^ a.max(b).rotate_left(32).wrapping_mul(0xff51_afd7_ed55_8ccd)
}

/// The route of a frame placed by the hash of its address pair.
fn placed(pair: u64, shared: bool, shards: usize) -> Route {
    // Multiply-shift over the shard count: even shares of a well-mixed 64-bit hash.
    let mixed = pair.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let owner = ((u128::from(mixed) * shards as u128) >> 64) as usize;
    Route {
        owner,
        everywhere: shared,
    }
}

/// [`addresses_and_sharing`] for an untagged Ethernet frame of IPv4 with a 20-byte
/// header, not a fragment, carrying TCP or UDP; `None` for any other frame.
fn plain_ipv4_ports(head: &[u8; 38]) -> Option<(u64, bool)> {
    let protocol = head[23];
    let fragment = u16::from_be_bytes([head[20], head[21]]) & 0x3fff != 0;
    if head[12..15] != [0x08, 0x00, 0x45] || fragment || !matches!(protocol, 6 | 17) {
        return None;
    }
    let a = u32::from_be_bytes([head[26], head[27], head[28], head[29]]);
    let b = u32::from_be_bytes([head[30], head[31], head[32], head[33]]);
    let pair = ipv4_pair(a, b);
    let (src, dst) = (
        u16::from_be_bytes([head[34], head[35]]),
        u16::from_be_bytes([head[36], head[37]]),
    );
    let shared = if protocol == 6 {
        tcp_port_shares_state(src) || tcp_port_shares_state(dst)
    } else {
        udp_port_shares_state(src) || udp_port_shares_state(dst)
    };
    Some((pair, shared))
}

/// The IP packet in a frame, for the link types whose layout is fixed.
fn ip_packet(linktype: LinkType, data: &[u8]) -> Option<&[u8]> {
    match linktype {
        LinkType::Ethernet => {
            let mut at = 12;
            loop {
                let ethertype = u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]);
                match ethertype {
                    0x8100 | 0x88a8 | 0x9100 => at += 4,
                    0x0800 | 0x86dd => return data.get(at + 2..),
                    _ => return None,
                }
            }
        }
        LinkType::LinuxSll => match u16::from_be_bytes([*data.get(14)?, *data.get(15)?]) {
            0x0800 | 0x86dd => data.get(16..),
            _ => None,
        },
        LinkType::LinuxSll2 => match u16::from_be_bytes([*data.first()?, *data.get(1)?]) {
            0x0800 | 0x86dd => data.get(20..),
            _ => None,
        },
        LinkType::Null | LinkType::Loop => data.get(4..),
        LinkType::Raw | LinkType::Ipv4 | LinkType::Ipv6 => Some(data),
        LinkType::Unknown(_) => None,
    }
}

/// A hash of the unordered address pair, and whether the frame feeds shared state;
/// `None` when the frame cannot be placed by its addresses.
fn addresses_and_sharing(ip: &[u8]) -> Option<(u64, bool)> {
    let (pair, protocol, transport) = match ip.first()? >> 4 {
        4 => {
            let header: &[u8; 20] = ip.get(..20)?.try_into().ok()?;
            let header_len = usize::from(header[0] & 0x0f) * 4;
            let fragment = u16::from_be_bytes([header[6], header[7]]) & 0x3fff != 0;
            if header_len < 20 || fragment {
                return None;
            }
            let a = u32::from_be_bytes([header[12], header[13], header[14], header[15]]);
            let b = u32::from_be_bytes([header[16], header[17], header[18], header[19]]);
            (ipv4_pair(a, b), header[9], ip.get(header_len..)?)
        }
        6 => {
            let header: &[u8; 40] = ip.get(..40)?.try_into().ok()?;
            let address = |at: usize| {
                let bytes: [u8; 16] = header[at..at + 16].try_into().expect("16 bytes");
                u128::from_be_bytes(bytes)
            };
            // Extension headers are not walked: such frames go everywhere.
            (ipv6_pair(address(8), address(24)), header[6], &ip[40..])
        }
        _ => return None,
    };
    let ports: &[u8; 4] = transport.get(..4)?.try_into().ok()?;
    let (src, dst) = (
        u16::from_be_bytes([ports[0], ports[1]]),
        u16::from_be_bytes([ports[2], ports[3]]),
    );
    let shared = match protocol {
        6 => tcp_port_shares_state(src) || tcp_port_shares_state(dst),
        17 => udp_port_shares_state(src) || udp_port_shares_state(dst),
        // ICMP, ICMPv6 (echo pairs, errors about other conversations), tunnels and
        // anything else.
        _ => return None,
    };
    Some((pair, shared))
}

/// One shard of a capture: picks its frames for a reader, and says which of the packets
/// decoded from them it prints.
#[derive(Debug, Clone)]
pub struct Shard {
    index: usize,
    count: usize,
    limit: u64,
    /// The frame decoded here but printed by another shard, if the last one read is.
    silent: Arc<Silent>,
}

/// The frame a shard decodes without printing it: the reader's selection marks it, and
/// the decoding loop, on the same thread, asks right after the reader has handed it
/// out, before it reads another frame. One slot is all it takes: frame numbers only
/// grow, so a mark left behind (a frame read past the limit) answers for no later
/// frame.
#[derive(Debug)]
struct Silent {
    /// The number of the last frame marked (0: none; frames count from 1).
    last: AtomicU64,
}

impl Silent {
    fn push(&self, frame: u64) {
        self.last.store(frame, Ordering::Relaxed);
    }

    /// Is `frame`, the frame just handed out, silent?
    fn take(&self, frame: u64) -> bool {
        self.last.load(Ordering::Relaxed) == frame
    }
}

impl Shard {
    /// Shard `index` of `count`, reading at most `limit` frames.
    pub fn new(index: usize, count: usize, limit: u64) -> Self {
        Shard {
            index,
            count,
            limit,
            silent: Arc::new(Silent {
                last: AtomicU64::new(0),
            }),
        }
    }

    /// For `CaptureReader::select`: the frames this shard decodes. Frames past the
    /// limit are all let through, so that the decoder sees where the limit is.
    pub fn frames(&self) -> impl FnMut(&Frame) -> bool + Send + 'static {
        let this = self.clone();
        move |frame| {
            if frame.number > this.limit {
                return true;
            }
            let route = route(frame.linktype, frame.data, this.count);
            if route.owner == this.index {
                return true;
            }
            if route.everywhere {
                this.silent.push(frame.number);
            }
            route.everywhere
        }
    }

    /// The same frames, for a first pass over them (which prints nothing).
    pub fn frames_unprinted(&self) -> impl FnMut(&Frame) -> bool + Send + 'static {
        let (index, count, limit) = (self.index, self.count, self.limit);
        move |frame| {
            let route = route(frame.linktype, frame.data, count);
            frame.number > limit || route.owner == index || route.everywhere
        }
    }

    /// Does this shard decode the conversations between `hosts`?
    pub fn owns(&self, hosts: (std::net::IpAddr, std::net::IpAddr)) -> bool {
        owner_of_hosts(hosts.0, hosts.1, self.count) == Some(self.index)
    }

    /// Given what this shard's decoder reported about FTP data channels, the last frame
    /// up to which every shard's packets are those of one decoder over the whole
    /// capture, if a channel may be labelled by a shard that does not know it: one
    /// announced for another shard's hosts (frames after the announcement may be its
    /// channel's), or one opened in a frame another shard prints (that frame on).
    pub fn exact_through(&self, reports: &[ChannelReport]) -> Option<u64> {
        reports
            .iter()
            .filter_map(|report| match *report {
                ChannelReport::Announced { frame, hosts } => (!self.owns(hosts)).then_some(frame),
                ChannelReport::ClaimedQuietly { frame } => Some(frame - 1),
            })
            .min()
    }

    /// For `single_pass::Options::quiet`: is frame `number`, one of [`Self::frames`],
    /// printed by another shard? Asked for each of them, in frame order.
    pub fn quiet(&self) -> impl FnMut(u64) -> bool + Send + 'static {
        let silent = Arc::clone(&self.silent);
        move |number| silent.take(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ethernet frame with IPv4 from `a` to `b` and a transport header of `protocol`
    /// with these ports.
    fn frame(a: [u8; 4], b: [u8; 4], protocol: u8, ports: (u16, u16)) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, protocol, 0, 0]);
        f.extend_from_slice(&a);
        f.extend_from_slice(&b);
        f.extend_from_slice(&ports.0.to_be_bytes());
        f.extend_from_slice(&ports.1.to_be_bytes());
        f.extend_from_slice(&[0; 16]);
        f
    }

    #[test]
    fn both_directions_of_a_pair_go_to_one_shard_and_pairs_spread() {
        let mut owners = [0usize; 3];
        for host in 0..=255u8 {
            let (a, b) = ([10, 0, 0, host], [10, 1, 2, 3]);
            let there = route(LinkType::Ethernet, &frame(a, b, 6, (40000, 80)), 3);
            let back = route(LinkType::Ethernet, &frame(b, a, 6, (80, 40000)), 3);
            let other_ports = route(LinkType::Ethernet, &frame(a, b, 17, (5000, 6000)), 3);
            assert_eq!(there, back);
            assert_eq!(there.owner, other_ports.owner);
            assert!(!there.everywhere);
            owners[there.owner] += 1;
        }
        assert!(owners.iter().all(|&n| n > 50), "{owners:?}");
    }

    #[test]
    fn state_shared_across_conversations_is_decoded_everywhere() {
        let (a, b) = ([10, 0, 0, 1], [10, 0, 0, 2]);
        for (protocol, ports) in [(6, (50000, 53)), (17, (137, 137)), (17, (5353, 53))] {
            assert!(
                route(LinkType::Ethernet, &frame(a, b, protocol, ports), 2).everywhere,
                "{ports:?}"
            );
        }
        // NetBIOS datagrams and SSDP keep no state; FTP control connections leave it
        // for their own hosts' conversations (see `ftp::ChannelReport`).
        for (protocol, ports) in [(17, (138, 138)), (17, (40000, 1900)), (6, (21, 50000))] {
            assert!(
                !route(LinkType::Ethernet, &frame(a, b, protocol, ports), 2).everywhere,
                "{ports:?}"
            );
        }
        for protocol in [1, 4, 47] {
            assert!(route(LinkType::Ethernet, &frame(a, b, protocol, (0, 0)), 2).everywhere);
        }
        let mut fragment = frame(a, b, 17, (1000, 2000));
        fragment[20] = 0x20; // more fragments
        assert!(route(LinkType::Ethernet, &fragment, 2).everywhere);
        assert!(route(LinkType::Ethernet, &[0u8; 10], 2).everywhere);
        let mut arp = frame(a, b, 6, (1, 2));
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        let placed = |everywhere| Route { owner: 0, everywhere };
        assert_eq!(route(LinkType::Ethernet, &arp, 2), placed(false));
        let mut lldp = arp.clone();
        lldp[12..14].copy_from_slice(&[0x88, 0xcc]);
        assert_eq!(route(LinkType::Ethernet, &lldp, 2), placed(true));
    }

    /// The fixed-offset reading of the usual frame routes as the general one, on every
    /// frame of the course's captures and on each of them with one header byte changed.
    #[test]
    fn the_usual_frame_is_routed_as_any_frame() {
        let mut checked = 0;
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/captures")).expect("captures") {
            let path = entry.expect("entry").path();
            if !path.extension().is_some_and(|e| e == "pcap" || e == "pcapng") {
                continue;
            }
            let mut reader = crate::capture::CaptureReader::open(&path).expect("bundled capture");
            while let Some(frame) = reader.next_frame().expect("bundled capture reads") {
                let mut data = frame.data.to_vec();
                for at in 0..data.len().min(38) {
                    for value in [data[at], 0x00, 0x06, 0x11, 0x20, 0x45, 0x46, 0xff] {
                        let kept = std::mem::replace(&mut data[at], value);
                        for shards in [2, 3] {
                            let fast = route(frame.linktype, &data, shards);
                            assert_eq!(fast, route_any(frame.linktype, &data, shards), "{}", path.display());
                        }
                        data[at] = kept;
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[test]
    fn hosts_are_owned_by_the_shard_their_frames_go_to() {
        use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
        for host in 0..=255u8 {
            let (a, b) = ([10, 0, 0, host], [10, 1, 2, 3]);
            for shards in [2, 3, 8] {
                let owner = route(LinkType::Ethernet, &frame(a, b, 6, (40000, 80)), shards).owner;
                let hosts = (IpAddr::V4(Ipv4Addr::from(b)), IpAddr::V4(Ipv4Addr::from(a)));
                assert_eq!(owner_of_hosts(hosts.0, hosts.1, shards), Some(owner));
                assert!(Shard::new(owner, shards, u64::MAX).owns(hosts));
                assert!(!Shard::new((owner + 1) % shards, shards, u64::MAX).owns(hosts));
            }
        }
        // IPv6, by the general reading of an IPv6 frame.
        let (a, b) = (
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 7),
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
        );
        let mut ip = vec![0x60, 0, 0, 0, 0, 8, 17, 64];
        ip.extend_from_slice(&a.octets());
        ip.extend_from_slice(&b.octets());
        ip.extend_from_slice(&[0x13, 0x88, 0x17, 0x70, 0, 8, 0, 0]);
        for shards in [2, 3, 8] {
            let owner = route(LinkType::Raw, &ip, shards).owner;
            assert_eq!(owner_of_hosts(IpAddr::V6(b), IpAddr::V6(a), shards), Some(owner));
        }
        let mixed = owner_of_hosts(IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST), 2);
        assert_eq!(mixed, None);
    }

    #[test]
    fn a_shard_is_exact_up_to_the_first_channel_another_shard_may_label() {
        use std::net::{IpAddr, Ipv4Addr};
        let hosts = |n: u8| {
            (
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, n)),
                IpAddr::V4(Ipv4Addr::new(10, 9, 9, 9)),
            )
        };
        let owner = owner_of_hosts(hosts(1).0, hosts(1).1, 2).expect("IPv4");
        let other = (2..=255u8)
            .find(|&n| owner_of_hosts(hosts(n).0, hosts(n).1, 2) != Some(owner))
            .expect("hosts of the other shard");
        let shard = Shard::new(owner, 2, u64::MAX);
        let announced = |frame, n| ChannelReport::Announced { frame, hosts: hosts(n) };
        assert_eq!(shard.exact_through(&[]), None);
        assert_eq!(shard.exact_through(&[announced(7, 1)]), None);
        assert_eq!(shard.exact_through(&[announced(7, 1), announced(9, other)]), Some(9));
        let quiet = ChannelReport::ClaimedQuietly { frame: 8 };
        assert_eq!(shard.exact_through(&[announced(9, other), quiet]), Some(7));
    }

    #[test]
    fn a_shard_prints_what_it_owns_and_decodes_silently_what_others_print() {
        let (a, b) = ([10, 0, 0, 1], [10, 0, 0, 2]);
        let owner = route(LinkType::Ethernet, &frame(a, b, 6, (1, 2)), 2).owner;
        let other = Shard::new(1 - owner, 2, 4);
        let mine = Shard::new(owner, 2, 4);
        let data = [
            frame(a, b, 6, (40000, 80)),
            frame(a, b, 6, (40000, 53)),
            frame(a, b, 17, (53, 53)),
            frame(a, b, 6, (40000, 80)),
            frame(a, b, 6, (40000, 80)),
        ];
        let frames: Vec<Frame> = data
            .iter()
            .enumerate()
            .map(|(i, bytes)| Frame {
                number: i as u64 + 1,
                ts_ns: 0,
                previous_ts_ns: None,
                orig_len: bytes.len() as u32,
                linktype: LinkType::Ethernet,
                interface: None,
                data: bytes,
            })
            .collect();
        // As a reader and its decoding loop ask: which frames to decode, and for each
        // one handed out, whether it is printed elsewhere.
        let decoded = |shard: &Shard| -> Vec<(u64, bool)> {
            let (mut select, mut quiet) = (shard.frames(), shard.quiet());
            // Lazily: each frame is asked about right after it is selected.
            frames
                .iter()
                .filter(|f| select(f))
                .map(|f| (f.number, quiet(f.number)))
                .collect()
        };
        // Frame 5 is past the limit: both see it, to stop there.
        assert_eq!(decoded(&other), [(2, true), (3, true), (5, false)]);
        assert_eq!(
            decoded(&mine),
            [(1, false), (2, false), (3, false), (4, false), (5, false)]
        );
        let mut unprinted = other.frames_unprinted();
        assert_eq!(frames.iter().filter(|f| unprinted(f)).count(), 3);
    }
}
