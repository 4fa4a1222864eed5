//! TCP conversations: `tcp.stream` numbering, relative sequence numbers, window scaling
//! and the sequence analysis tshark 4.0 performs (retransmissions, out-of-order, lost
//! segments, duplicate ACKs, zero windows, keep-alives, window updates and full windows).
//!
//! The rules follow Wireshark's `tcp_analyze_sequence_number` closely, on raw sequence
//! numbers, because students compare wirelab's flags with Wireshark's.

use crate::decode::FastMap;
use std::collections::VecDeque;

use std::net::IpAddr;

use super::reassembly::{Pushed, Reassembler};

/// Analysis findings, a bit each.
pub mod flags {
    pub const RETRANSMISSION: u32 = 0x0001;
    pub const LOST_PACKET: u32 = 0x0002;
    pub const ACK_LOST_PACKET: u32 = 0x0004;
    pub const KEEP_ALIVE: u32 = 0x0008;
    pub const DUPLICATE_ACK: u32 = 0x0010;
    pub const ZERO_WINDOW: u32 = 0x0020;
    pub const ZERO_WINDOW_PROBE: u32 = 0x0040;
    pub const ZERO_WINDOW_PROBE_ACK: u32 = 0x0080;
    pub const KEEP_ALIVE_ACK: u32 = 0x0100;
    pub const OUT_OF_ORDER: u32 = 0x0200;
    pub const FAST_RETRANSMISSION: u32 = 0x0400;
    pub const WINDOW_UPDATE: u32 = 0x0800;
    pub const WINDOW_FULL: u32 = 0x1000;
    pub const REUSED_PORTS: u32 = 0x2000;
    pub const SPURIOUS_RETRANSMISSION: u32 = 0x4000;
}

/// TCP header flag bits.
pub const FIN: u16 = 0x001;
pub const SYN: u16 = 0x002;
pub const RST: u16 = 0x004;
pub const PSH: u16 = 0x008;
pub const ACK: u16 = 0x010;

/// Unacknowledged segments remembered per direction (Wireshark's TCP_MAX_UNACKED_SEGMENTS).
const MAX_UNACKED: usize = 10_000;
/// Window-scale shifts above 14 are invalid (RFC 7323); Wireshark then uses 14.
const MAX_WINDOW_SHIFT: u8 = 14;

/// One segment, as the tracker needs it.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub frame: u64,
    pub ts_ns: i64,
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub seq: u32,
    pub ack: u32,
    pub flags: u16,
    pub window: u16,
    /// The window-scale option's shift, on SYN segments that carry it.
    pub window_shift: Option<u8>,
    /// Segment length from the IP header, which may exceed the captured payload.
    pub seglen: u32,
    /// The captured payload bytes.
    pub payload: &'a [u8],
    /// Decoded only for the state it feeds (`Packet::quiet`): its conversation is never
    /// shown in this decoder, so it is tracked and reassembled without the analysis.
    pub quiet: bool,
}

/// What the tracker learnt about a segment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub stream: u64,
    pub rel_seq: u32,
    /// Relative when the ACK flag is set, else the raw field.
    pub rel_ack: u32,
    pub rel_nxtseq: u32,
    /// The window after scaling (raw on SYN segments and when scaling is unknown).
    pub window: u32,
    /// The receiver's sequence base, to make SACK edges relative.
    pub ack_base: u32,
    pub flags: u32,
    pub dupack_num: u32,
    pub dupack_frame: u64,
    /// Bytes this segment added to its direction's ordered stream (when reassembling).
    pub delivered: Vec<u8>,
    pub reassembly: Pushed,
    /// This segment closed the conversation (the second FIN, or a RST): analyzers can
    /// let go of its state.
    pub closed: bool,
    /// The capture's snaplen cut this segment, and its direction's stream stepped over
    /// the missing bytes: the message they belonged to ends here, cut short.
    pub cut: bool,
}

#[derive(Debug)]
struct Unacked {
    seq: u32,
    nextseq: u32,
}

/// One direction's state (Wireshark's tcp_flow_t and tcp_analyze_seq_flow_info_t).
#[derive(Debug)]
struct Direction {
    base_seq: Option<u32>,
    /// -1 unknown, -2 not used, otherwise the shift.
    win_scale: i8,
    window: u32,
    nextseq: u32,
    nextseq_time: i64,
    maxseqtobeacked: u32,
    lastack: u32,
    lastack_time: i64,
    dupacknum: u32,
    lastnondupack: u64,
    lastsegmentflags: u32,
    segments: VecDeque<Unacked>,
    stream: Option<Reassembler>,
    fin: bool,
}

impl Direction {
    fn new(reassemble: bool) -> Self {
        Direction {
            base_seq: None,
            win_scale: -1,
            // Unknown until this direction sends (tshark starts at G_MAXUINT32), so that
            // a 1-byte segment before that is no zero-window probe.
            window: u32::MAX,
            nextseq: 0,
            nextseq_time: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_time: 0,
            dupacknum: 0,
            lastnondupack: 0,
            lastsegmentflags: 0,
            segments: VecDeque::new(),
            stream: reassemble.then(Reassembler::default),
            fin: false,
        }
    }
}

#[derive(Debug)]
struct Conversation {
    key: Key,
    /// Time of its latest segment.
    last_seen: i64,
    stream: u64,
    /// The endpoint that sent the first segment seen; direction 0 is from it.
    first: (IpAddr, u16),
    dirs: [Direction; 2],
    /// Time of the latest SYN, and SYN-to-handshake-ACK time (0 = not yet known).
    syn_time: i64,
    first_rtt: i64,
    closed: bool,
}

/// Both endpoints of a conversation, in a fixed order, as plain integers: cheaper to
/// order, hash and compare than `IpAddr`s (this runs for every segment).
type Key = (Endpoint, Endpoint);

/// An address and port as numbers: the address bits, and the port with a bit that
/// tells IPv6 from IPv4.
type Endpoint = (u128, u32);

fn endpoint((ip, port): (IpAddr, u16)) -> Endpoint {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), u32::from(port)),
        IpAddr::V6(v6) => (u128::from(v6), u32::from(port) | 1 << 16),
    }
}

fn key(a: (IpAddr, u16), b: (IpAddr, u16)) -> Key {
    let (a, b) = (endpoint(a), endpoint(b));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Serial-number comparisons (RFC 1982), as Wireshark's GT_SEQ/LT_SEQ/LE_SEQ.
fn gt_seq(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}
fn lt_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
fn le_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// A closed conversation is forgotten this long (capture time) after its last segment,
/// any conversation after this long without one: when it is next seen, and in a sweep
/// every `SWEEP_EVERY` segments, which keeps memory flat however many conversations a
/// capture holds. (tshark never forgets: a segment arriving later than this for a forgotten
/// conversation gets a new tcp.stream here.)
const CLOSED_LINGER_NS: i64 = 60_000_000_000;
const IDLE_NS: i64 = 600_000_000_000;
const SWEEP_EVERY: u32 = 8192;
/// Out-of-order bytes all conversations together may hold (each holds at most
/// `reassembly::DEFAULT_CAP`); past it, the stream that would add more skips its holes.
pub const MAX_BUFFERED_TOTAL: usize = 64 << 20;

/// All TCP conversations of a capture.
#[derive(Debug)]
pub struct TcpTracker {
    by_key: FastMap<Key, u64>,
    conversations: FastMap<u64, Conversation>,
    next_stream: u64,
    reassemble: bool,
    since_sweep: u32,
    /// Streams forgotten by the last sweep, for the analyzers to forget too.
    evicted: Vec<u64>,
    /// The buffer the last analysis delivered bytes in, handed back for the next one.
    spare: Vec<u8>,
    /// Out-of-order bytes waiting in all conversations together.
    buffered: usize,
    /// What all conversations may hold out of order: [`MAX_BUFFERED_TOTAL`], or a share.
    max_buffered: usize,
    /// Streams and their bytes only, without the sequence analysis (a first pass).
    streams_only: bool,
}

impl Default for TcpTracker {
    fn default() -> Self {
        TcpTracker {
            by_key: FastMap::default(),
            conversations: FastMap::default(),
            next_stream: 0,
            reassemble: false,
            since_sweep: 0,
            evicted: Vec::new(),
            spare: Vec::new(),
            buffered: 0,
            max_buffered: MAX_BUFFERED_TOTAL,
            streams_only: false,
        }
    }
}

impl TcpTracker {
    /// Holds at most `1/shares` of [`MAX_BUFFERED_TOTAL`] out of order (a shard of a
    /// capture decoded on several threads: together they hold what one tracker would).
    pub(crate) fn share_budget(&mut self, shares: usize) {
        self.max_buffered = MAX_BUFFERED_TOTAL / shares.max(1);
    }

    /// A tracker that also rebuilds each direction's ordered byte stream.
    pub fn with_reassembly() -> Self {
        TcpTracker {
            reassemble: true,
            ..TcpTracker::default()
        }
    }

    /// A tracker for a first pass: stream numbers and ordered bytes, the same as
    /// [`TcpTracker::with_reassembly`] gives, but no sequence analysis.
    pub fn streams_only() -> Self {
        TcpTracker {
            streams_only: true,
            ..TcpTracker::with_reassembly()
        }
    }

    /// The stream number of an existing conversation, without touching its state.
    pub fn stream_of(&self, a: (IpAddr, u16), b: (IpAddr, u16)) -> Option<u64> {
        self.by_key.get(&key(a, b)).copied()
    }

    /// Conversations seen so far.
    pub fn conversations(&self) -> usize {
        self.next_stream as usize
    }

    /// Takes back an analysis's delivered-bytes buffer, to reuse its allocation.
    pub fn recycle(&mut self, delivered: Vec<u8>) {
        if delivered.capacity() <= 1 << 16 {
            self.spare = delivered;
        }
    }

    /// Stops rebuilding a conversation's byte streams: nothing will read them (a first
    /// pass that has learnt all it needs from it).
    pub fn stop_reassembly(&mut self, stream: u64) {
        if let Some(conv) = self.conversations.get_mut(&stream) {
            for dir in &mut conv.dirs {
                let held = dir.stream.take().map_or(0, |stream| stream.pending_bytes());
                self.buffered = self.buffered.saturating_sub(held);
            }
        }
    }

    /// Streams forgotten since the last call.
    pub fn take_evicted(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.evicted)
    }

    fn sweep(&mut self, now: i64) {
        let gone: Vec<u64> = self
            .conversations
            .iter()
            .filter(|(_, conv)| expired(conv, now))
            .map(|(&stream, _)| stream)
            .collect();
        for stream in gone {
            self.forget(stream);
        }
    }

    /// Drops a conversation and what it buffers; its stream is reported as evicted.
    fn forget(&mut self, stream: u64) {
        let Some(conv) = self.conversations.remove(&stream) else {
            return;
        };
        let held: usize = conv
            .dirs
            .iter()
            .filter_map(|d| d.stream.as_ref())
            .map(|s| s.pending_bytes())
            .sum();
        self.buffered = self.buffered.saturating_sub(held);
        if self.by_key.get(&conv.key) == Some(&stream) {
            self.by_key.remove(&conv.key);
        }
        self.evicted.push(stream);
    }

    pub fn track(&mut self, seg: &Segment) -> Analysis {
        let mut analysis = Analysis {
            delivered: std::mem::take(&mut self.spare),
            ..Analysis::default()
        };
        analysis.delivered.clear();
        let k = key(seg.src, seg.dst);
        let syn_only = seg.flags & (SYN | ACK) == SYN;
        self.since_sweep += 1;
        if self.since_sweep >= SWEEP_EVERY {
            self.since_sweep = 0;
            self.sweep(seg.ts_ns);
        }
        // A conversation past its time is forgotten when it is next seen, whether or not
        // a sweep has come by: the outcome depends on its own frames only (so shards of a
        // capture, which sweep at other times, decide alike).
        let found = match self.by_key.get(&k) {
            Some(&index)
                if self
                    .conversations
                    .get(&index)
                    .is_some_and(|conv| expired(conv, seg.ts_ns)) =>
            {
                self.forget(index);
                None
            }
            found => found.copied(),
        };
        let index = match found {
            Some(index) if syn_only => {
                let conv = &self.conversations[&index];
                let d = usize::from(conv.first != seg.src);
                // A new SYN with another initial sequence number: the ports were reused
                // by a new connection, which gets a new stream number.
                if conv.dirs[d].base_seq.is_some_and(|base| base != seg.seq) {
                    analysis.flags |= flags::REUSED_PORTS;
                    self.new_conversation(k, seg.src)
                } else {
                    index
                }
            }
            Some(index) => index,
            None => self.new_conversation(k, seg.src),
        };
        let conv = self
            .conversations
            .get_mut(&index)
            .expect("by_key names live conversations");
        conv.last_seen = seg.ts_ns;
        analysis.stream = conv.stream;
        let d = usize::from(conv.first != seg.src);
        let (left, right) = conv.dirs.split_at_mut(1);
        let (fwd, rev) = if d == 0 {
            (&mut left[0], &mut right[0])
        } else {
            (&mut right[0], &mut left[0])
        };

        if seg.flags & SYN != 0 {
            if let Some(shift) = seg.window_shift {
                fwd.win_scale = shift.min(MAX_WINDOW_SHIFT) as i8;
            }
            verify_window_scaling(seg.flags & ACK != 0, fwd, rev);
        }
        let window = if seg.flags & SYN == 0 && fwd.win_scale >= 0 {
            u32::from(seg.window) << fwd.win_scale
        } else {
            u32::from(seg.window)
        };
        analysis.window = window;

        if syn_only {
            conv.syn_time = seg.ts_ns;
        }
        if seg.flags & (SYN | ACK) == ACK && conv.syn_time != 0 && conv.first_rtt == 0 {
            conv.first_rtt = seg.ts_ns - conv.syn_time;
        }

        let seglen = seg.seglen;
        if self.streams_only || seg.quiet {
            set_base_seqs(seg, fwd, rev);
        } else {
            analyze_sequence(seg, seglen, window, conv.first_rtt, fwd, rev, &mut analysis);
        }

        let base = fwd.base_seq.unwrap_or(seg.seq);
        analysis.rel_seq = seg.seq.wrapping_sub(base);
        analysis.ack_base = rev.base_seq.unwrap_or(0);
        analysis.rel_ack = if seg.flags & ACK != 0 {
            seg.ack.wrapping_sub(analysis.ack_base)
        } else {
            seg.ack
        };
        let syn_fin = u32::from(seg.flags & (SYN | FIN) != 0);
        analysis.rel_nxtseq = analysis.rel_seq.wrapping_add(seglen).wrapping_add(syn_fin);

        if let Some(stream) = fwd.stream.as_mut() {
            let before = stream.pending_bytes();
            analysis.reassembly = stream.push(seg.seq, seg.flags & SYN != 0, seg.payload, &mut analysis.delivered);
            let captured = seg.payload.len() as u32;
            if captured < seglen {
                // The snaplen cut the segment: its missing bytes never come.
                let data_seq = seg.seq.wrapping_add(u32::from(seg.flags & SYN != 0));
                analysis.cut = stream.lost(
                    data_seq.wrapping_add(captured),
                    seglen - captured,
                    &mut analysis.delivered,
                ) > 0;
            }
            if seg.flags & (FIN | RST) != 0 || self.buffered + stream.pending_bytes() > before + self.max_buffered {
                // The direction ended, or all streams together hold too much out-of-order
                // data: this one gives up its holes.
                if seg.flags & (FIN | RST) == 0 {
                    analysis.reassembly.overflowed = true;
                }
                analysis.reassembly.skipped += stream.finish(&mut analysis.delivered);
            }
            self.buffered = (self.buffered + stream.pending_bytes()).saturating_sub(before);
        }
        fwd.fin |= seg.flags & FIN != 0;
        if !conv.closed && (seg.flags & RST != 0 || fwd.fin && rev.fin) {
            // Done: the reassembly buffers go (a segment retransmitted later is still
            // analysed, but delivers nothing new), so memory does not grow with the
            // number of conversations a capture holds.
            conv.closed = true;
            analysis.closed = true;
            for dir in &mut conv.dirs {
                let held = dir.stream.take().map_or(0, |stream| stream.pending_bytes());
                self.buffered = self.buffered.saturating_sub(held);
                dir.segments.shrink_to_fit();
            }
        }
        analysis
    }

    fn new_conversation(&mut self, k: Key, first: (IpAddr, u16)) -> u64 {
        let index = self.next_stream;
        self.next_stream += 1;
        self.conversations.insert(
            index,
            Conversation {
                key: k,
                last_seen: 0,
                stream: index,
                first,
                dirs: [Direction::new(self.reassemble), Direction::new(self.reassemble)],
                syn_time: 0,
                first_rtt: 0,
                closed: false,
            },
        );
        self.by_key.insert(k, index);
        index
    }
}

/// Is a conversation forgotten at `now`: idle too long, or closed a while ago?
fn expired(conv: &Conversation, now: i64) -> bool {
    let idle = now.saturating_sub(conv.last_seen);
    idle > IDLE_NS || conv.closed && idle > CLOSED_LINGER_NS
}

/// Window scaling counts only when both SYN and SYN/ACK carry the option.
fn verify_window_scaling(is_synack: bool, fwd: &mut Direction, rev: &mut Direction) {
    if fwd.win_scale == -1 {
        fwd.win_scale = -2;
        rev.win_scale = -2;
    } else if is_synack && rev.win_scale == -2 {
        fwd.win_scale = -2;
    }
}

/// The first sequence number each direction is seen with (what relative numbers count
/// from, and what tells a reused port).
fn set_base_seqs(seg: &Segment, fwd: &mut Direction, rev: &mut Direction) {
    if fwd.base_seq.is_none() {
        fwd.base_seq = Some(if seg.flags & SYN != 0 {
            seg.seq
        } else {
            seg.seq.wrapping_sub(1)
        });
    }
    if rev.base_seq.is_none() && seg.flags & ACK != 0 {
        rev.base_seq = Some(seg.ack.wrapping_sub(1));
    }
}

fn analyze_sequence(
    seg: &Segment,
    seglen: u32,
    window: u32,
    first_rtt: i64,
    fwd: &mut Direction,
    rev: &mut Direction,
    out: &mut Analysis,
) {
    use flags::*;
    let (seq, ack, fl, now) = (seg.seq, seg.ack, seg.flags, seg.ts_ns);
    let mut found = out.flags;
    set_base_seqs(seg, fwd, rev);
    let not_syn_fin_rst = fl & (SYN | FIN | RST) == 0;

    'fwd: {
        if seglen == 1 && seq == fwd.nextseq && rev.window == 0 {
            found |= ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        if window == 0 && fl & (RST | FIN | SYN) == 0 {
            found |= ZERO_WINDOW;
        }
        if fwd.nextseq != 0 && gt_seq(seq, fwd.nextseq) && fl & RST == 0 {
            found |= LOST_PACKET;
        }
        if seglen <= 1 && seq == fwd.nextseq.wrapping_sub(1) && not_syn_fin_rst {
            found |= KEEP_ALIVE;
        }
        if seglen == 0
            && window != 0
            && window != fwd.window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && not_syn_fin_rst
        {
            found |= WINDOW_UPDATE;
        }
        if seglen > 0 && rev.win_scale != -1 && not_syn_fin_rst {
            // The window is kept scaled already (Wireshark keeps it raw and shifts here).
            let edge = rev.lastack.wrapping_add(rev.window);
            if seq.wrapping_add(seglen) == edge {
                found |= WINDOW_FULL;
            }
        }
        let repeats_ack = seglen == 0 && seq == fwd.nextseq && ack == fwd.lastack && not_syn_fin_rst;
        if repeats_ack && window != 0 && window == fwd.window && rev.lastsegmentflags & KEEP_ALIVE != 0 {
            found |= KEEP_ALIVE_ACK;
            break 'fwd;
        }
        if repeats_ack && window == 0 && window == fwd.window && rev.lastsegmentflags & ZERO_WINDOW_PROBE != 0 {
            found |= ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        if repeats_ack && window != 0 && window == fwd.window {
            fwd.dupacknum += 1;
            found |= DUPLICATE_ACK;
            out.dupack_num = fwd.dupacknum;
            out.dupack_frame = fwd.lastnondupack;
        }
    }
    // tshark 4.0 restarts the duplicate count only when the ACK number moves.
    if ack != fwd.lastack {
        fwd.lastnondupack = seg.frame;
        fwd.dupacknum = 0;
    }

    if rev.maxseqtobeacked != 0 && gt_seq(ack, rev.maxseqtobeacked) && fl & ACK != 0 {
        found |= ACK_LOST_PACKET;
        rev.maxseqtobeacked = rev.nextseq;
    }

    'retransmission: {
        if !(seglen > 0 || fl & (SYN | FIN) != 0) || found & KEEP_ALIVE != 0 {
            break 'retransmission;
        }
        let seq_not_advanced = fwd.nextseq != 0 && lt_seq(seq, fwd.nextseq);
        let since_dupack = now - rev.lastack_time;
        if seq_not_advanced && rev.dupacknum >= 2 && rev.lastack == seq && since_dupack < 20_000_000 {
            found |= FAST_RETRANSMISSION;
            break 'retransmission;
        }
        let since_nextseq = now - fwd.nextseq_time;
        let ooo_threshold = if first_rtt == 0 { 3_000_000 } else { first_rtt };
        let syn_fin = u32::from(fl & (SYN | FIN) != 0);
        if seq_not_advanced
            && since_nextseq < ooo_threshold
            && fwd.nextseq != seq.wrapping_add(seglen).wrapping_add(syn_fin)
        {
            found |= OUT_OF_ORDER;
            break 'retransmission;
        }
        if seglen > 0 && rev.lastack != 0 && le_seq(seq.wrapping_add(seglen), rev.lastack) {
            found |= SPURIOUS_RETRANSMISSION;
            break 'retransmission;
        }
        if seq_not_advanced {
            found |= RETRANSMISSION;
        }
    }

    let mut nextseq = seq.wrapping_add(seglen);
    if seglen > 0 || fl & (SYN | FIN) != 0 {
        if fl & (SYN | FIN) != 0 {
            nextseq = nextseq.wrapping_add(1);
        }
        if fwd.segments.len() < MAX_UNACKED {
            fwd.segments.push_front(Unacked { seq, nextseq });
        }
    }
    let probe = found & ZERO_WINDOW_PROBE != 0;
    if (gt_seq(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !probe {
        fwd.nextseq = nextseq;
        fwd.nextseq_time = now;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastack_time = now;
    fwd.lastsegmentflags = found;

    // Forget the other direction's segments this one acknowledges.
    if fl & ACK != 0 {
        rev.segments.retain_mut(|u| {
            if gt_seq(u.nextseq, ack) {
                if gt_seq(ack, u.seq) {
                    u.seq = ack;
                }
                true
            } else {
                false
            }
        });
    }
    out.flags = found;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn keys_are_the_same_both_ways_and_keep_ipv4_apart_from_ipv6() {
        let a = (IpAddr::V4(Ipv4Addr::new(0, 0, 0, 1)), 80);
        let b = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 40000);
        assert_eq!(key(a, b), key(b, a));
        let six = (IpAddr::V6(Ipv6Addr::from(1u128)), 80);
        assert_ne!(key(a, b), key(six, b));
        assert_ne!(key((a.0, 81), b), key(a, b));
    }

    fn seg(frame: u64, from_client: bool, seq: u32, ack: u32, fl: u16, payload: &'static [u8]) -> Segment<'static> {
        let c = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 40000);
        let s = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 80);
        let (src, dst) = if from_client { (c, s) } else { (s, c) };
        Segment {
            frame,
            ts_ns: frame as i64 * 1_000_000_000,
            src,
            dst,
            seq,
            ack,
            flags: fl,
            window: 100,
            window_shift: (fl & SYN != 0).then_some(2),
            seglen: payload.len() as u32,
            payload,
            quiet: false,
        }
    }

    #[test]
    fn relative_numbers_and_scaled_window() {
        let mut t = TcpTracker::default();
        let a = t.track(&seg(1, true, 1000, 0, SYN, b""));
        assert_eq!((a.rel_seq, a.window), (0, 100));
        let b = t.track(&seg(2, false, 5000, 1001, SYN | ACK, b""));
        assert_eq!((b.rel_seq, b.rel_ack), (0, 1));
        let c = t.track(&seg(3, true, 1001, 5001, ACK, b"hello"));
        assert_eq!((c.rel_seq, c.rel_ack, c.rel_nxtseq, c.window), (1, 1, 6, 400));
        assert_eq!(c.flags, 0);
    }

    #[test]
    fn retransmission_and_lost_segment() {
        let mut t = TcpTracker::default();
        t.track(&seg(1, true, 100, 0, SYN, b""));
        t.track(&seg(2, false, 900, 101, SYN | ACK, b""));
        t.track(&seg(3, true, 101, 901, ACK | PSH, b"abcd"));
        let again = t.track(&seg(4, true, 101, 901, ACK | PSH, b"abcd"));
        assert_eq!(again.flags, flags::RETRANSMISSION);
        let jump = t.track(&seg(5, true, 200, 901, ACK | PSH, b"zz"));
        assert_eq!(jump.flags, flags::LOST_PACKET);
    }

    #[test]
    fn ports_reused_by_a_new_syn_get_a_new_stream() {
        let mut t = TcpTracker::default();
        assert_eq!(t.track(&seg(1, true, 100, 0, SYN, b"")).stream, 0);
        let again = t.track(&seg(2, true, 7777, 0, SYN, b""));
        assert_eq!(again.stream, 1);
        assert_eq!(again.flags, flags::REUSED_PORTS);
    }

    #[test]
    fn a_conversation_seen_again_past_its_time_is_a_new_one_without_a_sweep() {
        let mut t = TcpTracker::default();
        t.track(&seg(1, true, 100, 0, SYN, b""));
        t.track(&seg(2, true, 101, 0, ACK | FIN, b""));
        t.track(&seg(3, false, 900, 102, ACK | FIN, b""));
        // 60 s after it closed it is still the same conversation, 61 s after a new one.
        assert_eq!(t.track(&seg(63, true, 102, 901, ACK, b"")).stream, 0);
        let late = t.track(&seg(124, true, 102, 901, ACK, b""));
        assert_eq!(late.stream, 1);
        assert_eq!(t.take_evicted(), [0]);
        // An open one is forgotten after ten minutes without a segment.
        let idle = t.track(&seg(124 + 601, true, 102, 901, ACK, b""));
        assert_eq!(idle.stream, 2);
    }

    #[test]
    fn mid_stream_start_shows_seq_1_ack_1() {
        let mut t = TcpTracker::default();
        let a = t.track(&seg(1, true, 123_456, 654_321, ACK, b"x"));
        assert_eq!((a.rel_seq, a.rel_ack), (1, 1));
    }

    /// 80 conversations each leave 1 MB behind a hole, in a tracker holding `1/shares`
    /// of the budget: how many gave up their holes at once.
    fn overflowed_with(shares: usize) -> usize {
        let mut tracker = TcpTracker::with_reassembly();
        tracker.share_budget(shares);
        let payload = vec![b'x'; 1_000_000];
        let mut overflowed = 0;
        for conv in 0..80u16 {
            let client: IpAddr = "10.0.0.1".parse().unwrap();
            let server: IpAddr = "10.0.0.2".parse().unwrap();
            let base = Segment {
                frame: u64::from(conv),
                ts_ns: 0,
                src: (client, 40000 + conv),
                dst: (server, 80),
                seq: 1000,
                ack: 0,
                flags: SYN,
                window: 64240,
                window_shift: None,
                seglen: 0,
                payload: &[],
                quiet: false,
            };
            tracker.track(&base);
            // A segment 10 bytes past the next expected one: it waits behind a hole.
            let data = Segment {
                seq: 1011,
                flags: ACK,
                seglen: payload.len() as u32,
                payload: &payload,
                ..base
            };
            let analysis = tracker.track(&data);
            overflowed += usize::from(analysis.reassembly.overflowed);
            assert!(
                tracker.buffered <= MAX_BUFFERED_TOTAL / shares,
                "{} bytes held",
                tracker.buffered
            );
        }
        overflowed
    }

    #[test]
    fn out_of_order_data_is_capped_for_all_conversations_together() {
        // 67 conversations fit in 64 MiB; the others skipped their holes at once.
        assert_eq!(overflowed_with(1), 80 - MAX_BUFFERED_TOTAL / 1_000_000);
        // A shard of two holds half.
        assert_eq!(overflowed_with(2), 80 - MAX_BUFFERED_TOTAL / 2 / 1_000_000);
    }
}
