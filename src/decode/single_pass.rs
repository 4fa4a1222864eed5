//! Decoding a capture in one read, with the labels of two.
//!
//! `tshark -2` labels a few packets with what later frames reveal: a Client Hello
//! with the version its session settles on, an echo request with its reply (or
//! "no response found!"). Rather than read the capture twice, a deferring decoder
//! marks those labels as waiting ([`Packet::deferred`]), and [`SinglePass`] holds such
//! a packet, and every packet after it, until later frames settle it: a Server Hello
//! or a reply usually comes a few frames later. If [`Options::max_held`] packets wait
//! (or they take [`Options::max_held_bytes`]), a first pass over the capture is asked
//! to decide what they wait for: it reads from
//! the start, on its own thread, and from then on answers for every session and
//! request as in two-pass decoding. Memory stays bounded, and the labels are exactly
//! those of two passes.

use std::collections::VecDeque;
use std::io::Read;

use super::hints::Wanted;
use super::tcp_flows::Analysis;
use super::{first_pass_beside, Decoder, Deferred, FastMap, FastSet, Field, Hints, Packet, Settled, Value};
use crate::capture::{BoxedReader, CaptureError, CaptureReader};

/// Opens the capture again from its start, for a first pass.
pub type Reopen = Box<dyn Fn() -> Result<BoxedReader, CaptureError> + Send>;

/// What to decode and hand out.
pub struct Options {
    /// Frames to read at most.
    pub limit: u64,
    /// Hand out each packet's frame bytes too (a hex dump shows them).
    pub with_bytes: bool,
    /// Hand out the stream bytes each TCP segment delivered in order (following a
    /// stream, exporting files).
    pub with_delivered: bool,
    /// Packets held back, waiting for later frames, before a first pass is asked.
    pub max_held: usize,
    /// ... or when the packets held take about this many bytes.
    pub max_held_bytes: usize,
    /// The capture from its start, for that first pass (without it, what is still
    /// undecided then is taken as never decided).
    pub reopen: Option<Reopen>,
    /// Says which frames are decoded only for the state they feed: they are handed out
    /// [`Packet::quiet`], without Info (a shard of a capture: `decode::shards`).
    pub quiet: Option<Box<dyn FnMut(u64) -> bool + Send>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limit: u64::MAX,
            with_bytes: false,
            with_delivered: false,
            max_held: 8192,
            max_held_bytes: 16 << 20,
            reopen: None,
            quiet: None,
        }
    }
}

/// A packet as handed out: with its frame's bytes and the stream bytes it delivered,
/// when [`Options`] asked for them (empty otherwise).
pub struct Decoded<'a> {
    pub packet: &'a Packet,
    pub frame: &'a [u8],
    pub delivered: &'a [u8],
}

/// The bytes that go with a packet.
#[derive(Default)]
struct Bytes {
    frame: Vec<u8>,
    delivered: Vec<u8>,
}

impl Bytes {
    fn of(frame: &[u8], with_frame: bool, delivered: Vec<u8>) -> Self {
        Bytes {
            frame: if with_frame { frame.to_vec() } else { Vec::new() },
            delivered,
        }
    }
}

/// Packets kept for their buffers after a hold: enough for the usual few.
const MAX_SPARE: usize = 64;

/// How the frames ran out.
#[derive(Debug)]
pub struct End {
    /// Damage that stopped the reading (the frames before it were decoded).
    pub damage: Option<CaptureError>,
    /// Reading stopped at the frame limit while the capture had more frames.
    pub more_after_limit: bool,
}

/// Decoded packets in frame order, each handed out once nothing in it waits.
pub struct SinglePass<R: Read> {
    reader: CaptureReader<R>,
    holding: Holding,
    /// Packets settled after waiting, oldest first, with their frames' bytes when
    /// asked for.
    ready: VecDeque<(Packet, Bytes)>,
    /// The packet handed out last. A frame that waits for nothing, when nothing is
    /// held, is decoded straight into it: the common case moves no packet around.
    current: (Packet, Bytes),
    /// Packets to decode into while others are held (kept for their buffers).
    spare: Vec<Packet>,
    limit: u64,
    /// Frames decoded so far.
    frames: u64,
    with_bytes: bool,
    with_delivered: bool,
    quiet: Option<Box<dyn FnMut(u64) -> bool + Send>>,
    end: Option<End>,
    /// The frames have run out (`end` may already have been taken).
    over: bool,
}

impl<R: Read> SinglePass<R> {
    /// Decodes `reader` with `decoder` (made [`Decoder::deferring`], or nothing is
    /// ever held back), as `options` say.
    pub fn new(reader: CaptureReader<R>, decoder: Decoder, mut options: Options) -> Self {
        let (limit, with_bytes, with_delivered) = (options.limit, options.with_bytes, options.with_delivered);
        SinglePass {
            quiet: options.quiet.take(),
            reader,
            holding: Holding::new(decoder, options),
            ready: VecDeque::new(),
            current: (Packet::blank(), Bytes::default()),
            spare: Vec::new(),
            limit,
            frames: 0,
            with_bytes,
            with_delivered,
            end: None,
            over: false,
        }
    }

    /// The next packet, or `None` when the frames have run out (see [`Self::end`]).
    #[allow(clippy::should_implement_trait)] // it lends the packet: not an Iterator
    pub fn next(&mut self) -> Option<&Packet> {
        self.next_decoded().map(|decoded| decoded.packet)
    }

    /// The next packet, with its frame's bytes and the stream bytes it delivered
    /// (empty unless [`Options`] asked for them).
    pub fn next_decoded(&mut self) -> Option<Decoded<'_>> {
        loop {
            if let Some(settled) = self.ready.pop_front() {
                let (old, _) = std::mem::replace(&mut self.current, settled);
                if self.spare.len() < MAX_SPARE {
                    self.spare.push(old);
                }
                break;
            }
            if self.over {
                return None;
            }
            if self.decode_frame() {
                break;
            }
        }
        let (packet, bytes) = &self.current;
        Some(Decoded {
            packet,
            frame: &bytes.frame,
            delivered: &bytes.delivered,
        })
    }

    /// Reads and decodes one frame. True when it is the next packet (in `current`);
    /// otherwise it is held, or the frames have ended and everything held is ready.
    fn decode_frame(&mut self) -> bool {
        let end = if self.frames >= self.limit {
            End {
                damage: None,
                more_after_limit: matches!(self.reader.next_frame(), Ok(Some(_))),
            }
        } else {
            match self.reader.next_frame() {
                // A reader that selects frames can jump past the limit.
                Ok(Some(frame)) if frame.number > self.limit => End {
                    damage: None,
                    more_after_limit: true,
                },
                Ok(Some(frame)) => {
                    self.frames = frame.number;
                    if self.quiet.as_mut().is_some_and(|quiet| quiet(frame.number)) {
                        self.holding.decoder.quiet_next();
                    }
                    let holding = &mut self.holding;
                    let with_delivered = self.with_delivered;
                    let mut delivered = Vec::new();
                    let mut on_tcp = |_: &Packet, analysis: &Analysis| {
                        if with_delivered {
                            delivered.extend_from_slice(&analysis.delivered);
                        }
                    };
                    if holding.held.is_empty() {
                        let (packet, bytes) = &mut self.current;
                        holding.decoder.decode_into(&frame, packet, &mut on_tcp);
                        if packet.deferred.is_empty() {
                            holding.learn();
                            bytes.frame.clear();
                            if self.with_bytes {
                                bytes.frame.extend_from_slice(frame.data);
                            }
                            bytes.delivered = delivered;
                            return true;
                        }
                        let spare = self.spare.pop().unwrap_or_else(Packet::blank);
                        let waiting = std::mem::replace(packet, spare);
                        let bytes = Bytes::of(frame.data, self.with_bytes, delivered);
                        holding.push(waiting, bytes, &mut self.ready);
                    } else {
                        let mut packet = self.spare.pop().unwrap_or_else(Packet::blank);
                        holding.decoder.decode_into(&frame, &mut packet, &mut on_tcp);
                        let bytes = Bytes::of(frame.data, self.with_bytes, delivered);
                        holding.push(packet, bytes, &mut self.ready);
                    }
                    return false;
                }
                Ok(None) => End {
                    damage: None,
                    more_after_limit: false,
                },
                Err(e) => End {
                    damage: Some(e),
                    more_after_limit: false,
                },
            }
        };
        self.holding.finish(&mut self.ready);
        self.end = Some(end);
        self.over = true;
        false
    }

    /// The decoder, between packets.
    pub fn decoder_mut(&mut self) -> &mut Decoder {
        &mut self.holding.decoder
    }

    /// Frames read so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Frames of the capture read so far, those a selecting reader skipped included.
    pub fn frames_scanned(&self) -> u64 {
        self.reader.frames_read()
    }

    /// Bytes of the capture read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes_read()
    }

    /// How the frames ended, once [`Self::next`] has returned `None`.
    pub fn end(&mut self) -> Option<End> {
        self.end.take()
    }
}

/// Packets held back until later frames settle them, oldest first.
struct Holding {
    decoder: Decoder,
    held: VecDeque<(Packet, Bytes)>,
    /// What the held packets wait for, per TLS stream and per echo request: how many
    /// labels wait, and the answer once known.
    tls: FastMap<u64, (usize, Option<Option<u16>>)>,
    echoes: FastMap<u64, (usize, Option<Option<u64>>)>,
    max_held: usize,
    max_held_bytes: usize,
    /// About how many bytes the held packets take.
    held_bytes: usize,
    reopen: Option<Reopen>,
    limit: u64,
    /// The first pass asked to decide, once packets were held too long.
    board: Option<Hints>,
    first_pass_tried: bool,
    /// Versions the first pass decided for sessions this pass had not settled (their
    /// later records may still wait; the board answers each question once).
    decided_tls: FastMap<u64, Option<u16>>,
}

impl Holding {
    fn new(decoder: Decoder, options: Options) -> Self {
        Holding {
            decoder,
            held: VecDeque::new(),
            tls: FastMap::default(),
            echoes: FastMap::default(),
            max_held: options.max_held,
            max_held_bytes: options.max_held_bytes,
            held_bytes: 0,
            reopen: options.reopen,
            limit: options.limit,
            board: None,
            first_pass_tried: false,
            decided_tls: FastMap::default(),
        }
    }

    /// Takes a decoded packet: hands over what is settled, in order.
    fn push(&mut self, packet: Packet, bytes: Bytes, ready: &mut VecDeque<(Packet, Bytes)>) {
        for deferred in &packet.deferred {
            match *deferred {
                Deferred::TlsColumn { stream } | Deferred::TlsContentType { stream, .. } => {
                    let decided = self.decided_tls.get(&stream).copied();
                    self.tls.entry(stream).or_insert((0, decided)).0 += 1;
                }
                Deferred::Echo { .. } => self.echoes.entry(packet.number).or_insert((0, None)).0 += 1,
            }
        }
        self.learn();
        if self.held.is_empty() && packet.deferred.is_empty() {
            ready.push_back((packet, bytes));
            return;
        }
        self.held_bytes += footprint(&packet, &bytes);
        self.held.push_back((packet, bytes));
        self.release(ready, false);
    }

    /// Notes what the decoder has settled since the last frame.
    fn learn(&mut self) {
        let (tls, echoes) = self.decoder.learnt();
        for (stream, version) in tls {
            if let Some((_, answer @ None)) = self.tls.get_mut(&stream) {
                *answer = Some(version);
            }
        }
        for (request, reply) in echoes {
            if let Some((_, answer @ None)) = self.echoes.get_mut(&request) {
                *answer = Some(Some(reply));
            }
        }
    }

    /// Hands over held packets from the oldest while they are settled; when too many
    /// wait (or at the `end` of the frames), has the oldest settled by other means.
    fn release(&mut self, ready: &mut VecDeque<(Packet, Bytes)>, end: bool) {
        while let Some((front, _)) = self.held.front() {
            if !self.is_settled(front) {
                if !end && self.held.len() <= self.max_held && self.held_bytes <= self.max_held_bytes {
                    return;
                }
                self.decide_front(end);
            }
            let (mut packet, bytes) = self.held.pop_front().expect("a front packet");
            self.held_bytes = self.held_bytes.saturating_sub(footprint(&packet, &bytes));
            if packet.deferred.is_empty() {
                ready.push_back((packet, bytes));
                continue;
            }
            let (tls, echoes) = (&mut self.tls, &mut self.echoes);
            let number = packet.number;
            packet.settle(|deferred| match *deferred {
                Deferred::TlsColumn { stream } | Deferred::TlsContentType { stream, .. } => {
                    Settled::Tls(answer_once(tls, stream).flatten())
                }
                Deferred::Echo { .. } => Settled::Echo(answer_once(echoes, number).flatten()),
            });
            ready.push_back((packet, bytes));
        }
    }

    fn is_settled(&self, packet: &Packet) -> bool {
        packet.deferred.iter().all(|deferred| match *deferred {
            Deferred::TlsColumn { stream } | Deferred::TlsContentType { stream, .. } => {
                self.tls.get(&stream).is_some_and(|(_, answer)| answer.is_some())
            }
            Deferred::Echo { .. } => self.echoes.get(&packet.number).is_some_and(|(_, a)| a.is_some()),
        })
    }

    /// Settles what the oldest held packet waits for without waiting for more frames:
    /// at the end of the frames what is undecided never will be; otherwise a first
    /// pass decides (started now if need be).
    fn decide_front(&mut self, end: bool) {
        if !end && self.board.is_none() {
            self.ask_first_pass();
        }
        let Some((front, _)) = self.held.front() else {
            return;
        };
        let number = front.number;
        for deferred in &front.deferred {
            match *deferred {
                Deferred::TlsColumn { stream } | Deferred::TlsContentType { stream, .. } => {
                    if let Some((_, answer @ None)) = self.tls.get_mut(&stream) {
                        let version = self.board.as_ref().and_then(|b| b.tls_version(stream));
                        *answer = Some(version);
                        if self.board.is_some() {
                            self.decided_tls.insert(stream, version);
                        }
                    }
                }
                Deferred::Echo { .. } => {
                    if let Some((_, answer @ None)) = self.echoes.get_mut(&number) {
                        *answer = Some(self.board.as_ref().and_then(|b| b.echo_reply(number)));
                    }
                }
            }
        }
    }

    /// Starts a first pass that decides what the held packets wait for and everything
    /// that starts from now on; the decoder asks it from now on.
    fn ask_first_pass(&mut self) {
        if std::mem::replace(&mut self.first_pass_tried, true) {
            return;
        }
        let Some(reader) = self.reopen.as_ref().and_then(|reopen| reopen().ok()) else {
            return;
        };
        // What waits now, and the sessions that have not settled (a record still in
        // pieces has not been labelled yet, but will wait).
        let mut tls = undecided(&self.tls);
        tls.extend(self.decoder.unsettled_tls());
        let wanted = Wanted {
            after: self.held.back().map_or(0, |(p, _)| p.number),
            tls,
            echoes: undecided(&self.echoes),
        };
        let board = first_pass_beside(reader, self.limit, wanted);
        self.decoder.ask(board.clone());
        self.board = Some(board);
    }

    /// The end of the frames: everything still held is handed over.
    fn finish(&mut self, ready: &mut VecDeque<(Packet, Bytes)>) {
        self.decoder.finish();
        self.learn();
        self.release(ready, true);
    }
}

/// About how many bytes a held packet takes (what grows with it: its text, fields and
/// bytes).
fn footprint(packet: &Packet, bytes: &Bytes) -> usize {
    let values: usize = packet
        .fields
        .iter()
        .map(|(_, value)| match value {
            Value::Str(text) => text.len(),
            Value::Bytes(data) => data.len(),
            _ => 0,
        })
        .sum();
    std::mem::size_of::<Packet>()
        + packet.info.len()
        + packet.fields.len() * std::mem::size_of::<(Field, Value)>()
        + values
        + packet.notes.iter().map(|note| note.message.len() + 32).sum::<usize>()
        + bytes.frame.len()
        + bytes.delivered.len()
}

/// The keys still waiting for an answer.
fn undecided<T>(map: &FastMap<u64, (usize, Option<T>)>) -> FastSet<u64> {
    map.iter()
        .filter(|(_, (_, answer))| answer.is_none())
        .map(|(key, _)| *key)
        .collect()
}

/// The answer for `key`, counting one label fewer waiting for it.
fn answer_once<T: Copy>(map: &mut FastMap<u64, (usize, Option<T>)>, key: u64) -> Option<T> {
    let (waiting, answer) = map.get_mut(&key)?;
    let answer = *answer;
    *waiting -= 1;
    if *waiting == 0 {
        map.remove(&key);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A pcap file of `n` Ethernet frames, each numbered in its last two bytes; the
    /// last one cut short if `cut_last`.
    fn capture(n: u16, cut_last: bool) -> Vec<u8> {
        let mut file = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&65535u32.to_le_bytes());
        file.extend_from_slice(&1u32.to_le_bytes());
        for i in 0..n {
            file.extend_from_slice(&u32::from(i).to_le_bytes());
            file.extend_from_slice(&0u32.to_le_bytes());
            file.extend_from_slice(&16u32.to_le_bytes());
            file.extend_from_slice(&16u32.to_le_bytes());
            file.extend_from_slice(&[0xff; 12]);
            file.extend_from_slice(&[0x88, 0xb5]);
            file.extend_from_slice(&i.to_be_bytes());
        }
        if cut_last {
            file.truncate(file.len() - 5);
        }
        file
    }

    fn pass(file: Vec<u8>, options: Options) -> SinglePass<Cursor<Vec<u8>>> {
        let reader = CaptureReader::new(Cursor::new(file), "test").expect("a pcap header");
        SinglePass::new(reader, Decoder::new().deferring(), options)
    }

    fn numbers(pass: &mut SinglePass<Cursor<Vec<u8>>>) -> Vec<u64> {
        let mut numbers = Vec::new();
        while let Some(p) = pass.next() {
            numbers.push(p.number);
        }
        numbers
    }

    #[test]
    fn packets_come_in_frame_order_and_the_end_says_how() {
        let mut pass = pass(capture(300, false), Options::default());
        assert_eq!(numbers(&mut pass), (1..=300).collect::<Vec<_>>());
        let end = pass.end().expect("an end");
        assert!(end.damage.is_none() && !end.more_after_limit);
        assert_eq!(pass.frames_read(), 300);
        assert!(pass.next().is_none(), "stays at the end");
    }

    #[test]
    fn the_limit_stops_reading_and_says_whether_more_frames_follow() {
        let options = || Options {
            limit: 4,
            ..Options::default()
        };
        let mut more = pass(capture(10, false), options());
        assert_eq!(numbers(&mut more), vec![1, 2, 3, 4]);
        assert!(more.end().expect("an end").more_after_limit);
        assert_eq!(more.frames_read(), 4);
        let mut exact = pass(capture(4, false), options());
        assert_eq!(numbers(&mut exact), vec![1, 2, 3, 4]);
        assert!(!exact.end().expect("an end").more_after_limit);
    }

    #[test]
    fn damage_ends_the_packets_after_the_frames_before_it() {
        let mut pass = pass(capture(5, true), Options::default());
        assert_eq!(numbers(&mut pass), vec![1, 2, 3, 4]);
        assert!(pass.end().expect("an end").damage.is_some());
        assert_eq!(pass.frames_read(), 4);
    }

    #[test]
    fn frame_bytes_come_with_their_packets_when_asked_for() {
        let options = Options {
            with_bytes: true,
            ..Options::default()
        };
        let mut pass = pass(capture(50, false), options);
        let mut seen = 0;
        while let Some(Decoded { packet, frame, .. }) = pass.next_decoded() {
            assert_eq!(frame.len(), 16);
            assert_eq!(u64::from(u16::from_be_bytes([frame[14], frame[15]])) + 1, packet.number);
            seen += 1;
        }
        assert_eq!(seen, 50);
    }
}
