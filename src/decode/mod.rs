//! Decoding: frames in, [`Packet`]s out. Stateful across frames (TCP and UDP
//! conversations, ICMP echo pairs), streaming, and never panicking on bad bytes: damage
//! becomes a [`Note`] on the packet.
//!
//! Layers: [`link`] (Ethernet, VLAN, Linux cooked v1/v2, BSD loopback, raw IP),
//! [`ip`] (IPv4, IPv6 and its extension headers), then [`tcp`], [`udp`], [`icmp`], [`arp`],
//! and the application analyzers in [`app`] (HTTP, TLS, FTP, SMB2, DNS, NBNS).

pub mod app;
pub mod arp;
pub mod der;
pub mod ethertypes;
pub mod field;
mod field_bits;
pub mod hints;
pub mod icmp;
pub mod ip;
pub mod link;
pub mod packet;
pub mod reassembly;
pub mod shards;
pub mod single_pass;
pub mod tcp;
pub mod tcp_flows;
pub mod text;
pub mod udp;
pub mod value_names;

pub use field::{Field, Kind, Value};
pub use hints::{HintWriter, Hints};
pub use packet::{Address, Deferred, Layer, Note, Packet, Proto, Settled, Severity};

use std::io::Read;

/// The hash map of per-packet lookups: foldhash is several times faster than std's
/// SipHash on addresses and ports, and randomly seeded, so a hostile capture cannot
/// aim at collisions.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use crate::capture::{CaptureReader, Frame};

/// tshark's first pass (`-2`): decodes up to `limit` frames only to learn what later
/// frames reveal about earlier ones, and returns it for a second pass. Damage ends the
/// pass quietly; the second pass reports it.
pub fn first_pass<R: Read>(reader: &mut CaptureReader<R>, limit: u64) -> Hints {
    let (writer, hints) = Hints::board();
    scout(reader, limit, writer.never_pausing());
    hints
}

/// [`first_pass`] on a thread of its own, beside a single pass that has held packets
/// back too long: it posts only the answers `wanted` names, and the single pass waits
/// only for what it has not decided yet.
pub(crate) fn first_pass_beside<R: Read + Send + 'static>(
    reader: CaptureReader<R>,
    limit: u64,
    wanted: hints::Wanted,
) -> Hints {
    let (writer, hints) = Hints::board_for(wanted);
    spawn_first_pass(reader, limit, writer);
    hints
}

fn spawn_first_pass<R: Read + Send + 'static>(mut reader: CaptureReader<R>, limit: u64, writer: HintWriter) {
    // Without a thread, the writer is dropped with the closure: the board is closed,
    // and the second pass labels frames as a single pass would.
    let _ = std::thread::Builder::new()
        .name("first pass".into())
        .spawn(move || scout(&mut reader, limit, writer));
}

/// The first pass's loop: posts what it learns to `writer`, closing the board at the end.
fn scout<R: Read>(reader: &mut CaptureReader<R>, limit: u64, writer: HintWriter) {
    let mut decoder = Decoder::new().columns_only();
    decoder.app.hints_only = true;
    decoder.tcp = tcp_flows::TcpTracker::streams_only();
    decoder.scout = Some(writer);
    decoder.lean = true;
    let mut packet = Packet::blank();
    while reader.frames_read() < limit {
        match reader.next_frame() {
            // (A reader that selects frames can jump past the limit.)
            Ok(Some(frame)) if frame.number <= limit => {
                decoder.decode_into(&frame, &mut packet, |_, _| {});
            }
            _ => break,
        }
        if let Some(scout) = decoder.scout.as_mut() {
            if !scout.frame_done() {
                return;
            }
        }
    }
    if let Some(mut writer) = decoder.scout.take() {
        decoder.app.end_of_capture(&mut writer);
    }
}

/// Decoder state for one capture file.
#[derive(Debug)]
pub struct Decoder {
    first_ts: Option<i64>,
    tcp: tcp_flows::TcpTracker,
    udp: udp::UdpConversations,
    icmp: icmp::EchoTracker,
    app: app::AppLayer,
    /// A first pass posts what it learns here; a single pass that holds packets back
    /// collects it here.
    scout: Option<HintWriter>,
    /// A first pass: does only what teaches it something (no TCP options, no
    /// reassembly of conversations it has learnt all it can from).
    lean: bool,
    /// The options of the segment being decoded (kept to reuse the allocation).
    tcp_options: Vec<tcp::TcpOption>,
    fields: bool,
    only: Option<std::sync::Arc<[bool]>>,
    /// Some `ip.*` / `tcp.*` / `http.*` field is kept (see [`Packet::ip_fields_wanted`]).
    ip_fields: bool,
    tcp_fields: bool,
    http_fields: bool,
    /// The next frame is decoded quietly (see [`Packet::quiet`]).
    quiet_next: bool,
    /// TCP's summary line is kept as parts (see [`Decoder::defer_tcp_line`]).
    defer_tcp_line: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder for one capture, read once from the start. TCP directions are
    /// reassembled (bounded) for the application analyzers.
    pub fn new() -> Self {
        Decoder::with_hints(Hints::default())
    }

    /// A decoder for a second pass over a capture, told what a first pass learnt (the
    /// TLS version each session settles on), so that early packets are labelled as
    /// `tshark -2` labels them.
    pub fn with_hints(hints: Hints) -> Self {
        Decoder {
            first_ts: None,
            tcp: tcp_flows::TcpTracker::with_reassembly(),
            udp: udp::UdpConversations::default(),
            icmp: icmp::EchoTracker::with_hints(hints.clone()),
            app: app::AppLayer::with_hints(hints),
            scout: None,
            lean: false,
            tcp_options: Vec::new(),
            fields: true,
            only: None,
            ip_fields: true,
            tcp_fields: true,
            http_fields: true,
            quiet_next: false,
            defer_tcp_line: false,
        }
    }

    /// Decodes the next frame quietly: for the state it feeds only, without Info (see
    /// [`Packet::quiet`]).
    pub(crate) fn quiet_next(&mut self) {
        self.quiet_next = true;
    }

    /// Holds `1/shares` of what a decoder may buffer across conversations (out-of-order
    /// TCP data, unfinished messages), and makes this thread's analyzers do the same: a
    /// shard of a capture decoded on several threads (`decode::shards`).
    pub fn share_budgets(mut self, shares: usize) -> Self {
        self.tcp.share_budget(shares);
        app::share_thread_budget(shares);
        self
    }

    /// Reports what a decoder of one shard of a capture (`decode::shards`) must say
    /// about FTP data channels, for [`Self::take_channel_reports`].
    pub fn reporting_channels(mut self) -> Self {
        self.app.report_channels();
        self
    }

    /// The reports since the last call (see [`Self::reporting_channels`]).
    pub fn take_channel_reports(&mut self) -> Vec<app::ftp::ChannelReport> {
        self.app.take_channel_reports()
    }

    /// Times frames from `first_ts` rather than from the first frame decoded: a
    /// decoder of part of a capture (`decode::shards`) times them as the whole does.
    pub fn timed_from(mut self, first_ts: i64) -> Self {
        self.first_ts = Some(first_ts);
        self
    }

    /// A single pass whose packets may wait for later frames: the labels `tshark -2`
    /// takes from its first pass (a TLS session's version, an echo request's reply)
    /// are marked in [`Packet::deferred`], and what settles them is collected for
    /// [`Decoder::learnt`]. See `decode::single_pass`.
    pub fn deferring(mut self) -> Self {
        self.scout = Some(HintWriter::local());
        self.app.deferring = true;
        self.icmp.deferring = true;
        self
    }

    /// What settled since the last call (a deferring decoder): TLS streams with their
    /// versions, echo requests with their replies.
    pub(crate) fn learnt(&mut self) -> hints::Learnt {
        self.scout.as_mut().map(HintWriter::learnt).unwrap_or_default()
    }

    /// The end of the frames: the TLS sessions still open settle as they are.
    pub(crate) fn finish(&mut self) {
        if let Some(scout) = self.scout.as_mut() {
            self.app.end_of_capture(scout);
        }
    }

    /// The TLS sessions whose version is not settled yet.
    pub(crate) fn unsettled_tls(&self) -> impl Iterator<Item = u64> + '_ {
        self.app.unsettled_tls()
    }

    /// From now on, labels come from the first pass posting on `hints` (which
    /// answers for what starts after this frame), not from waiting: a deferring
    /// decoder that has held packets back too long.
    pub(crate) fn ask(&mut self, hints: Hints) {
        self.app.set_hints(hints.clone());
        self.icmp.set_hints(hints);
    }

    /// Packets with only these fields (and the columns, layers and notes): what a display
    /// filter or a list of `-T fields` columns reads.
    pub fn only_fields(mut self, fields: &[Field]) -> Self {
        let mut only = vec![false; Field::ALL.len()];
        for field in fields {
            only[*field as usize] = true;
        }
        self.only = Some(only.into());
        let named = |prefix: &str| fields.iter().any(|field| field.name().starts_with(prefix));
        self.ip_fields = named("ip.");
        self.tcp_fields = named("tcp.");
        self.http_fields = named("http.");
        self
    }

    /// Packets whose TCP summary line is kept as parts rather than written into `info`:
    /// [`Packet::info_text`] writes it. For a filtered list, which shows few packets; a
    /// filter never reads Info.
    pub fn defer_tcp_line(mut self) -> Self {
        self.defer_tcp_line = true;
        self
    }

    /// Packets without their fields: the columns (addresses, protocol, Info), layers and
    /// notes only. For a plain packet list, which is several times faster.
    pub fn columns_only(mut self) -> Self {
        self.fields = false;
        self
    }

    pub fn decode(&mut self, frame: &Frame) -> Packet {
        self.decode_with(frame, |_, _| {})
    }

    /// Decodes a frame and hands each TCP segment's analysis (with the stream bytes it
    /// delivered, when reassembling) to `on_tcp`.
    pub fn decode_with(&mut self, frame: &Frame, on_tcp: impl FnMut(&Packet, &tcp_flows::Analysis)) -> Packet {
        let mut p = Packet::blank();
        self.decode_into(frame, &mut p, on_tcp);
        p
    }

    /// Decodes a frame into `p`, reusing its buffers: a loop over a whole capture
    /// allocates once instead of for every frame.
    pub fn decode_into(
        &mut self,
        frame: &Frame,
        p: &mut Packet,
        mut on_tcp: impl FnMut(&Packet, &tcp_flows::Analysis),
    ) {
        let first = *self.first_ts.get_or_insert(frame.ts_ns);
        p.reset(
            frame.number,
            frame.ts_ns,
            frame.ts_ns.saturating_sub(first),
            frame.orig_len,
            frame.cap_len(),
            frame.linktype,
        );
        p.fields_wanted = self.fields;
        p.quiet = std::mem::take(&mut self.quiet_next);
        p.info_wanted = !self.app.hints_only && !p.quiet;
        // The same set every frame: sharing it again would cost two atomic operations.
        let same_only = match (&p.only, &self.only) {
            (Some(kept), Some(wanted)) => std::sync::Arc::ptr_eq(kept, wanted),
            (kept, wanted) => kept.is_none() && wanted.is_none(),
        };
        if !same_only {
            p.only.clone_from(&self.only);
        }
        p.defer_tcp_line = self.defer_tcp_line;
        p.ip_fields_wanted = self.fields && self.ip_fields;
        p.tcp_fields_wanted = self.fields && self.tcp_fields;
        p.http_fields_wanted = self.fields && self.http_fields;
        if self.fields && self.only.is_none() {
            p.fields.reserve(72);
        }
        p.push_layer(Proto::Frame, 0);
        // Each field is asked for on its own; a packet list keeps none of them.
        if p.fields_wanted {
            if let Some(interface) = frame.interface {
                p.add_u(Field::FrameInterfaceId, interface);
            }
            p.add_u(Field::FrameNumber, frame.number);
            p.add(Field::FrameTimeEpoch, Value::Time(frame.ts_ns));
            p.add(Field::FrameTimeRelative, Value::Time(p.rel_ns));
            let previous = frame.previous_ts_ns.unwrap_or(frame.ts_ns);
            p.add(Field::FrameTimeDelta, Value::Time(frame.ts_ns.saturating_sub(previous)));
            p.add_u(Field::FrameLen, frame.orig_len);
            p.add_u(Field::FrameCapLen, frame.cap_len());
            if p.keeps(Field::WirelabFrameBytes) {
                p.add(Field::WirelabFrameBytes, Value::Bytes(frame.data.to_vec()));
            }
        }
        if frame.cap_len() < frame.orig_len {
            p.note(
                Severity::Warning,
                Proto::Frame,
                format!(
                    "frame cut by the snaplen: {} of {} bytes captured",
                    frame.cap_len(),
                    frame.orig_len
                ),
            );
        }
        let mut ctx = Ctx {
            decoder: self,
            on_tcp: &mut on_tcp,
        };
        link::decode(&mut ctx, frame.linktype, frame.data, p);
        if p.keeps(Field::FrameProtocols) {
            let protocols = p.protocols();
            p.add(Field::FrameProtocols, Value::Str(protocols));
        }
    }
}

/// What the layer decoders share: the decoder's state and the TCP callback.
pub(crate) struct Ctx<'d, 'f> {
    pub decoder: &'d mut Decoder,
    pub on_tcp: &'f mut dyn FnMut(&Packet, &tcp_flows::Analysis),
}

/// Marks a packet whose decoding stopped early because its bytes ran out.
pub(crate) fn truncated(p: &mut Packet, proto: Proto, what: &str, need: usize, have: usize) {
    let cut = p.cap_len < p.orig_len;
    let message = if cut {
        format!("{what} cut by the snaplen: {have} of {need} bytes captured")
    } else {
        format!("malformed {what}: {need} bytes needed, {have} present")
    };
    p.note(if cut { Severity::Warning } else { Severity::Error }, proto, message);
}
