//! TCP segments: header, options, conversation analysis and the Info column as tshark
//! 4.0 words it: `[tags] SRC → DST [FLAGS] Seq=N Ack=N Win=N Len=N options`.

use etherparse::TcpHeaderSlice;

use super::app::{Out, TcpSegment, PDU_SEGMENT};
use super::field::{Field, Value};
use super::ip::NetInfo;
use super::link::data_layer;
use super::packet::{Packet, Proto, Severity};
use super::tcp_flows::{flags as af, Analysis, Segment, ACK, FIN, RST, SYN};
use super::text::push_num;
use super::{truncated, Ctx};

/// Flag names in bit order, as in tshark 4.0's Info column (bit 8, once ECN's nonce sum,
/// is AccECN's AE there).
const FLAG_NAMES: [&str; 9] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];

/// The TCP options wirelab decodes, in packet order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpOption {
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    Sack(Vec<(u32, u32)>),
    Timestamps(u32, u32),
    /// Any other kind, kept by number.
    Other(u8),
}

/// Parses the options area. Stops at End of Option List or at a malformed option,
/// which it reports as the error.
pub fn parse_options(bytes: &[u8]) -> (Vec<TcpOption>, Option<String>) {
    let mut options = Vec::new();
    let error = parse_options_into(bytes, &mut options);
    (options, error)
}

/// [`parse_options`] into a list the caller reuses (one per decoder, not one per segment).
fn parse_options_into(mut bytes: &[u8], options: &mut Vec<TcpOption>) -> Option<String> {
    options.clear();
    while let Some(&kind) = bytes.first() {
        match kind {
            0 => break,
            1 => {
                bytes = &bytes[1..];
                continue;
            }
            _ => {}
        }
        let Some(&len) = bytes.get(1) else {
            return Some(format!("option {kind} has no length byte"));
        };
        let len = usize::from(len);
        if len < 2 || len > bytes.len() {
            return Some(format!("option {kind} has invalid length {len}"));
        }
        let body = &bytes[2..len];
        let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let option = match (kind, body.len()) {
            (2, 2) => TcpOption::Mss(u16::from_be_bytes([body[0], body[1]])),
            (3, 1) => TcpOption::WindowScale(body[0]),
            (4, 0) => TcpOption::SackPermitted,
            (5, n) if n % 8 == 0 => {
                TcpOption::Sack(body.chunks_exact(8).map(|c| (be32(&c[..4]), be32(&c[4..]))).collect())
            }
            (8, 8) => TcpOption::Timestamps(be32(&body[..4]), be32(&body[4..])),
            (2..=5 | 8, _) => return Some(format!("option {kind} has invalid length {len}")),
            (other, _) => TcpOption::Other(other),
        };
        options.push(option);
        bytes = &bytes[len..];
    }
    None
}

pub(crate) fn decode(ctx: &mut Ctx, data: &[u8], offset: usize, net: NetInfo, p: &mut Packet) {
    if data.len() >= 13 && data[12] >> 4 < 5 {
        let bogus = usize::from(data[12] >> 4) * 4;
        if !net.inner {
            p.protocol = "TCP";
            let (src, dst) = (
                u16::from_be_bytes([data[0], data[1]]),
                u16::from_be_bytes([data[2], data[3]]),
            );
            p.info = format!("{src} → {dst} [Bogus TCP header length ({bogus}, must be at least 20)]");
        }
        p.push_layer(Proto::Tcp, offset);
        p.note(
            Severity::Error,
            Proto::Tcp,
            format!("bogus TCP header length {bogus}, must be at least 20"),
        );
        return;
    }
    if net.inner {
        inner_segment(ctx, data, offset, net, p);
        return;
    }
    let hdr = match TcpHeaderSlice::from_slice(data) {
        Ok(hdr) => hdr,
        Err(_) => {
            let need = data.get(12).map_or(20, |b| usize::from(b >> 4) * 4).max(20);
            p.protocol = "TCP";
            // Cut by the capture's snaplen: the ports, as tshark shows them.
            p.info = if p.orig_len > p.cap_len && data.len() >= 4 {
                let port = |at: usize| u16::from_be_bytes([data[at], data[at + 1]]);
                format!("{} → {}[Packet size limited during capture]", port(0), port(2))
            } else {
                "TCP header cut short".into()
            };
            p.push_layer(Proto::Tcp, offset);
            truncated(p, Proto::Tcp, "TCP header", need, data.len());
            return;
        }
    };
    p.push_layer(Proto::Tcp, offset);
    let header_len = usize::from(hdr.data_offset()) * 4;
    let (src_port, dst_port) = (hdr.source_port(), hdr.destination_port());
    let flags = flag_bits(&hdr);
    let seglen = net.payload_len.saturating_sub(header_len) as u32;
    let payload = &data[header_len..];
    let mut options = std::mem::take(&mut ctx.decoder.tcp_options);
    options.clear();
    // A first pass reads no options (they serve the Info column and the analysis), nor
    // does a quiet decode (`Packet::quiet`).
    let parsed = if !ctx.decoder.lean && !p.quiet {
        parse_options_into(hdr.options(), &mut options)
    } else {
        None
    };
    if let Some(error) = parsed {
        p.note(Severity::Warning, Proto::Tcp, format!("malformed TCP options: {error}"));
    }
    let window_shift = options.iter().find_map(|o| match o {
        TcpOption::WindowScale(shift) => Some(*shift),
        _ => None,
    });

    let segment = Segment {
        frame: p.number,
        ts_ns: p.ts_ns,
        src: (net.src, src_port),
        dst: (net.dst, dst_port),
        seq: hdr.sequence_number(),
        ack: hdr.acknowledgment_number(),
        flags,
        window: hdr.window_size(),
        window_shift,
        seglen,
        payload,
        quiet: p.quiet,
    };
    let analysis = ctx.decoder.tcp.track(&segment);
    for stream in ctx.decoder.tcp.take_evicted() {
        ctx.decoder.app.forget(stream, ctx.decoder.scout.as_mut());
    }

    if p.tcp_fields_wanted {
        segment_fields(
            p,
            &segment,
            &analysis,
            header_len,
            hdr.checksum(),
            hdr.urgent_pointer(),
            &options,
        );
    }
    if analysis.reassembly.overflowed {
        p.note(
            Severity::Warning,
            Proto::Tcp,
            format!(
                "reassembly buffer full: skipped {} bytes that were never captured",
                analysis.reassembly.skipped
            ),
        );
    }

    p.protocol = "TCP";
    p.info.clear();
    let tags_len = if p.info_wanted { tags(&mut p.info, &analysis) } else { 0 };
    if !payload.is_empty() && p.keeps(Field::TcpPayload) {
        p.add(Field::TcpPayload, Value::Bytes(payload.to_vec()));
    }
    let app_segment = TcpSegment {
        stream: analysis.stream,
        src: segment.src,
        dst: segment.dst,
        syn: flags & SYN != 0,
        ack: flags & ACK != 0,
        fin_or_rst: flags & (FIN | RST) != 0,
        closed: analysis.closed,
        cut: analysis.cut,
        delivered: &analysis.delivered,
    };
    // The rest of the TCP line is written only if no application message replaces it
    // (a third of all frames in a typical capture would write it for nothing).
    let head = LineHead {
        src: src_port,
        dst: dst_port,
        flags,
        seglen,
        urgent: hdr.urgent_pointer(),
        rel_seq: analysis.rel_seq,
        rel_ack: analysis.rel_ack,
        window: analysis.window,
        ack_base: analysis.ack_base,
    };
    let write_line = |out: &mut String| line(out, &head, &options);
    let (info_wanted, defer_line) = (p.info_wanted, p.defer_tcp_line);
    let mut out = Out::new(p, tags_len, offset + header_len);
    if info_wanted {
        out.set_pending_line(&write_line);
    }
    let claimed = ctx
        .decoder
        .app
        .tcp_segment(&app_segment, &mut out, ctx.decoder.scout.as_mut());
    // Still wanted after the analyzers: written now, or kept as parts for a filtered
    // list to write if it shows the packet.
    let pending = if defer_line { out.take_pending_line() } else { None };
    if let Some(pdu_segment) = pending {
        let kept = p.tcp_line.get_or_insert_with(TcpLine::default);
        kept.used = true;
        kept.pdu_segment = pdu_segment;
        kept.head = head;
        kept.options.clone_from(&options);
    } else {
        out.finish();
    }
    if ctx.decoder.lean && !analysis.delivered.is_empty() && !ctx.decoder.app.scout_wants_bytes(analysis.stream) {
        ctx.decoder.tcp.stop_reassembly(analysis.stream);
    }
    // tshark hands a retransmitted or out-of-order segment's payload to no dissector,
    // not even data's.
    let resent = af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION | af::OUT_OF_ORDER;
    if !claimed && analysis.flags & resent == 0 {
        data_layer(p, payload, offset + header_len);
    }
    if (payload.len() as u32) < seglen {
        truncated(p, Proto::Tcp, "TCP segment", seglen as usize, payload.len());
    }
    (ctx.on_tcp)(p, &analysis);
    ctx.decoder.tcp.recycle(analysis.delivered);
    ctx.decoder.tcp_options = options;
}

/// The segment's fields (only when fields are stored: a plain packet list skips them).
fn segment_fields(
    p: &mut Packet,
    segment: &Segment,
    analysis: &Analysis,
    header_len: usize,
    checksum: u16,
    urgent: u16,
    options: &[TcpOption],
) {
    ports(p, segment.src.1, segment.dst.1);
    p.add_u(Field::TcpStream, analysis.stream);
    p.add_u(Field::TcpLen, segment.seglen);
    p.add_u(Field::TcpSeq, analysis.rel_seq);
    p.add_u(Field::TcpSeqRaw, segment.seq);
    p.add_u(Field::TcpNxtseq, analysis.rel_nxtseq);
    p.add_u(Field::TcpAck, analysis.rel_ack);
    p.add_u(Field::TcpAckRaw, segment.ack);
    p.add_u(Field::TcpHdrLen, header_len as u64);
    flag_fields(p, segment.flags);
    if p.keeps(Field::TcpFlagsStr) {
        p.add(Field::TcpFlagsStr, Value::Str(flag_letters(segment.flags)));
    }
    p.add_u(Field::TcpWindowSizeValue, segment.window);
    p.add_u(Field::TcpWindowSize, analysis.window);
    p.add_u(Field::TcpChecksum, checksum);
    p.add_u(Field::TcpUrgentPointer, urgent);
    option_fields(p, options, analysis.ack_base);
    analysis_fields(p, analysis);
}

/// The start of a segment quoted inside an ICMP error (often only 8 bytes): raw
/// numbers, no analysis, the stream of an existing conversation (as tshark shows it).
fn inner_segment(ctx: &mut Ctx, data: &[u8], offset: usize, net: NetInfo, p: &mut Packet) {
    if data.len() < 4 {
        return;
    }
    p.push_layer(Proto::Tcp, offset);
    let (src, dst) = (
        u16::from_be_bytes([data[0], data[1]]),
        u16::from_be_bytes([data[2], data[3]]),
    );
    ports(p, src, dst);
    if let Some(stream) = ctx.decoder.tcp.stream_of((net.src, src), (net.dst, dst)) {
        p.add_u(Field::TcpStream, stream);
    }
    let be32 = |at: usize| u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
    if data.len() >= 8 {
        p.add_u(Field::TcpSeq, be32(4));
    }
    if data.len() >= 16 {
        p.add_u(Field::TcpAck, be32(8));
        p.add_u(Field::TcpAckRaw, be32(8));
        p.add_u(Field::TcpHdrLen, u64::from(data[12] >> 4) * 4);
        let flags = u16::from_be_bytes([data[12], data[13]]) & 0x01ff;
        flag_fields(p, flags);
        if p.keeps(Field::TcpFlagsStr) {
            p.add(Field::TcpFlagsStr, Value::Str(flag_letters(flags)));
        }
        let window = u16::from_be_bytes([data[14], data[15]]);
        p.add_u(Field::TcpWindowSizeValue, window);
        p.add_u(Field::TcpWindowSize, window);
    }
    let be16 = |at: usize| u16::from_be_bytes([data[at], data[at + 1]]);
    if data.len() >= 18 {
        p.add_u(Field::TcpChecksum, be16(16));
    }
    if data.len() >= 20 {
        p.add_u(Field::TcpUrgentPointer, be16(18));
        // What the error quotes past the header, as tshark shows it.
        let header_len = usize::from(data[12] >> 4) * 4;
        if header_len >= 20 && data.len() > header_len && p.keeps(Field::TcpPayload) {
            p.add(Field::TcpPayload, Value::Bytes(data[header_len..].to_vec()));
        }
    }
}

/// tcp.flags and one boolean field per flag.
fn flag_fields(p: &mut Packet, flags: u16) {
    p.add_u(Field::TcpFlags, flags);
    for (field, bit) in [
        (Field::TcpFlagsAe, 0x100),
        (Field::TcpFlagsCwr, 0x80),
        (Field::TcpFlagsEce, 0x40),
        (Field::TcpFlagsUrg, 0x20),
        (Field::TcpFlagsAck, 0x10),
        (Field::TcpFlagsPush, 0x08),
        (Field::TcpFlagsReset, 0x04),
        (Field::TcpFlagsSyn, 0x02),
        (Field::TcpFlagsFin, 0x01),
    ] {
        p.add(field, Value::Bool(flags & bit != 0));
    }
}

fn ports(p: &mut Packet, src: u16, dst: u16) {
    p.add_u(Field::TcpSrcport, src);
    p.add_u(Field::TcpDstport, dst);
    p.add_u(Field::TcpPort, src);
    p.add_u(Field::TcpPort, dst);
}

fn flag_bits(hdr: &TcpHeaderSlice) -> u16 {
    [
        hdr.fin(),
        hdr.syn(),
        hdr.rst(),
        hdr.psh(),
        hdr.ack(),
        hdr.urg(),
        hdr.ece(),
        hdr.cwr(),
        hdr.ns(),
    ]
    .iter()
    .enumerate()
    .fold(0, |bits, (i, set)| bits | (u16::from(*set) << i))
}

/// tcp.flags.str: `·······A··S·` style, most significant first (12 bits).
fn flag_letters(flags: u16) -> String {
    const LETTERS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];
    (0..12)
        .map(|i| if flags & (1 << (11 - i)) != 0 { LETTERS[i] } else { '·' })
        .collect()
}

fn option_fields(p: &mut Packet, options: &[TcpOption], ack_base: u32) {
    for option in options {
        match option {
            TcpOption::Mss(mss) => p.add_u(Field::TcpOptionsMss, *mss),
            TcpOption::WindowScale(shift) => {
                p.add_u(Field::TcpOptionsWscaleShift, *shift);
                p.add_u(Field::TcpOptionsWscaleMultiplier, 1u64 << (*shift).min(14));
            }
            // The option's kind and length bytes: what tshark's field holds and prints.
            TcpOption::SackPermitted => p.add(Field::TcpOptionsSackPerm, Value::Bytes(vec![4, 2])),
            TcpOption::Sack(blocks) => {
                for (left, right) in blocks {
                    p.add_u(Field::TcpOptionsSackLe, left.wrapping_sub(ack_base));
                    p.add_u(Field::TcpOptionsSackRe, right.wrapping_sub(ack_base));
                }
            }
            TcpOption::Timestamps(tsval, tsecr) => {
                p.add_u(Field::TcpOptionsTsval, *tsval);
                p.add_u(Field::TcpOptionsTsecr, *tsecr);
            }
            TcpOption::Other(_) => {}
        }
    }
}

/// Analysis flags, with tshark's Info tags. Tags print in the reverse of the order
/// tshark adds them, because each is prepended.
const ANALYSIS: [(u32, Field, &str); 14] = [
    (
        af::REUSED_PORTS,
        Field::TcpAnalysisReusedPorts,
        "TCP Port numbers reused",
    ),
    (
        af::RETRANSMISSION,
        Field::TcpAnalysisRetransmission,
        "TCP Retransmission",
    ),
    (
        af::FAST_RETRANSMISSION,
        Field::TcpAnalysisFastRetransmission,
        "TCP Fast Retransmission",
    ),
    (
        af::SPURIOUS_RETRANSMISSION,
        Field::TcpAnalysisSpuriousRetransmission,
        "TCP Spurious Retransmission",
    ),
    (af::OUT_OF_ORDER, Field::TcpAnalysisOutOfOrder, "TCP Out-Of-Order"),
    (
        af::LOST_PACKET,
        Field::TcpAnalysisLostSegment,
        "TCP Previous segment not captured",
    ),
    (
        af::ACK_LOST_PACKET,
        Field::TcpAnalysisAckLostSegment,
        "TCP ACKed unseen segment",
    ),
    (af::WINDOW_UPDATE, Field::TcpAnalysisWindowUpdate, "TCP Window Update"),
    (af::WINDOW_FULL, Field::TcpAnalysisWindowFull, "TCP Window Full"),
    (af::KEEP_ALIVE, Field::TcpAnalysisKeepAlive, "TCP Keep-Alive"),
    (af::KEEP_ALIVE_ACK, Field::TcpAnalysisKeepAliveAck, "TCP Keep-Alive ACK"),
    (
        af::ZERO_WINDOW_PROBE,
        Field::TcpAnalysisZeroWindowProbe,
        "TCP ZeroWindowProbe",
    ),
    (af::ZERO_WINDOW, Field::TcpAnalysisZeroWindow, "TCP ZeroWindow"),
    (
        af::ZERO_WINDOW_PROBE_ACK,
        Field::TcpAnalysisZeroWindowProbeAck,
        "TCP ZeroWindowProbeAck",
    ),
];

fn analysis_fields(p: &mut Packet, a: &Analysis) {
    if a.flags == 0 {
        return;
    }
    p.add(Field::TcpAnalysisFlags, Value::Flag);
    for (bit, field, _) in ANALYSIS {
        if a.flags & bit != 0 {
            p.add(field, Value::Flag);
            // A fast or spurious retransmission is also a retransmission.
            if bit & (af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION) != 0 {
                p.add(Field::TcpAnalysisRetransmission, Value::Flag);
            }
        }
    }
    if a.flags & af::DUPLICATE_ACK != 0 {
        // tshark lists this field twice: once as the finding, once under the ACK details.
        p.add(Field::TcpAnalysisDuplicateAck, Value::Flag);
        p.add(Field::TcpAnalysisDuplicateAck, Value::Flag);
        p.add_u(Field::TcpAnalysisDuplicateAckNum, a.dupack_num);
        p.add_u(Field::TcpAnalysisDuplicateAckFrame, a.dupack_frame);
    }
}

/// Writes the analysis tags that start the TCP Info text (they stay when an
/// application protocol replaces the rest, as tshark's column fence keeps them);
/// returns their length.
fn tags(out: &mut String, a: &Analysis) -> usize {
    if a.flags != 0 {
        let mut tags: Vec<String> = Vec::new();
        for (bit, _, tag) in ANALYSIS {
            if a.flags & bit != 0 {
                tags.push(format!("[{tag}] "));
            }
            // tshark adds the duplicate-ACK tag between the keep-alive and zero-window ones.
            if bit == af::KEEP_ALIVE_ACK && a.flags & af::DUPLICATE_ACK != 0 {
                tags.push(format!("[TCP Dup ACK {}#{}] ", a.dupack_frame, a.dupack_num));
            }
        }
        for tag in tags.iter().rev() {
            out.push_str(tag);
        }
    }
    out.len()
}

/// Writes the rest of the TCP Info text: `SRC → DST [FLAGS] Seq=N Ack=N Win=N Len=N options`.
#[allow(clippy::too_many_arguments)]
/// What TCP's summary line says: the numbers of one segment and its analysis.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LineHead {
    src: u16,
    dst: u16,
    flags: u16,
    seglen: u32,
    urgent: u16,
    rel_seq: u32,
    rel_ack: u32,
    window: u32,
    /// The receiver's sequence base, to make SACK edges relative.
    ack_base: u32,
}

/// TCP's summary line kept as its parts (`Packet::info_text` writes it). It stays in
/// the packet from frame to frame, so that its list of options is allocated once.
#[derive(Debug, Clone, Default)]
pub struct TcpLine {
    /// Whether the current frame has one (the parts are the last frame's otherwise).
    used: bool,
    head: LineHead,
    options: Vec<TcpOption>,
    /// The line ends with [`PDU_SEGMENT`].
    pdu_segment: bool,
}

impl TcpLine {
    pub(crate) fn unused(&mut self) {
        self.used = false;
    }

    pub(crate) fn is_used(&self) -> bool {
        self.used
    }

    pub(crate) fn write(&self, out: &mut String) {
        line(out, &self.head, &self.options);
        if self.pdu_segment {
            out.push_str(PDU_SEGMENT);
        }
    }
}

#[inline]
fn line(out: &mut String, head: &LineHead, options: &[TcpOption]) {
    let LineHead {
        src,
        dst,
        flags,
        seglen,
        urgent,
        rel_seq,
        rel_ack,
        window,
        ack_base,
    } = *head;
    push_num(out, src);
    out.push_str(" → ");
    push_num(out, dst);
    // The combinations nearly every segment has, as one piece of text each.
    let text = match flags {
        0x010 => " [ACK] Seq=",
        0x018 => " [PSH, ACK] Seq=",
        0x002 => " [SYN] Seq=",
        0x012 => " [SYN, ACK] Seq=",
        0x011 => " [FIN, ACK] Seq=",
        0x019 => " [FIN, PSH, ACK] Seq=",
        0x014 => " [RST, ACK] Seq=",
        0x004 => " [RST] Seq=",
        _ => {
            push_flag_names(out, flags);
            "] Seq="
        }
    };
    out.push_str(text);
    push_num(out, rel_seq);
    if flags & 0x10 != 0 {
        out.push_str(" Ack=");
        push_num(out, rel_ack);
    }
    out.push_str(" Win=");
    push_num(out, window);
    if flags & 0x20 != 0 {
        out.push_str(" Urg=");
        push_num(out, urgent);
    }
    out.push_str(" Len=");
    push_num(out, seglen);
    for option in options {
        match option {
            TcpOption::Mss(mss) => {
                out.push_str(" MSS=");
                push_num(out, *mss);
            }
            TcpOption::WindowScale(shift) => {
                out.push_str(" WS=");
                push_num(out, 1u32 << (*shift).min(14));
            }
            TcpOption::SackPermitted => out.push_str(" SACK_PERM"),
            TcpOption::Sack(blocks) => {
                for (left, right) in blocks {
                    out.push_str(" SLE=");
                    push_num(out, left.wrapping_sub(ack_base));
                    out.push_str(" SRE=");
                    push_num(out, right.wrapping_sub(ack_base));
                }
            }
            TcpOption::Timestamps(tsval, tsecr) => {
                out.push_str(" TSval=");
                push_num(out, *tsval);
                out.push_str(" TSecr=");
                push_num(out, *tsecr);
            }
            TcpOption::Other(_) => {}
        }
    }
}

/// ` [` and the names of the flags set, `<None>` when none is.
fn push_flag_names(out: &mut String, flags: u16) {
    out.push_str(" [");
    let mut first = true;
    for (i, name) in FLAG_NAMES.iter().enumerate() {
        if flags & (1 << i) != 0 {
            if !first {
                out.push_str(", ");
            }
            out.push_str(name);
            first = false;
        }
    }
    if first {
        out.push_str("<None>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_of_flags_is_named_in_order() {
        let head = |flags| LineHead {
            src: 1,
            dst: 2,
            flags,
            seglen: 0,
            urgent: 0,
            rel_seq: 0,
            rel_ack: 0,
            window: 0,
            ack_base: 0,
        };
        for flags in 0..0x200u16 {
            let mut text = String::new();
            line(&mut text, &head(flags), &[]);
            let names: Vec<&str> = (0..9)
                .filter(|i| flags & (1 << i) != 0)
                .map(|i| FLAG_NAMES[i])
                .collect();
            let expected = if names.is_empty() {
                "<None>".to_string()
            } else {
                names.join(", ")
            };
            assert!(
                text.starts_with(&format!("1 → 2 [{expected}] Seq=0 ")),
                "{flags:#05x}: {text}"
            );
        }
    }

    #[test]
    fn options_parse_in_order_and_stop_on_damage() {
        let bytes = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 10];
        let (options, error) = parse_options(&bytes);
        assert_eq!(
            options,
            vec![
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps(1, 0),
                TcpOption::WindowScale(10)
            ]
        );
        assert!(error.is_none());
        let (options, error) = parse_options(&[2, 4, 5, 0xb4, 8, 40, 0]);
        assert_eq!(options, vec![TcpOption::Mss(1460)]);
        assert!(error.unwrap().contains("invalid length 40"));
        let (_, error) = parse_options(&[3]);
        assert!(error.is_some());
    }

    #[test]
    fn flag_letters_match_tshark() {
        assert_eq!(flag_letters(0x012), "·······A··S·");
        assert_eq!(flag_letters(0x018), "·······AP···");
        // Bit 8 is AccECN's AE in tshark 4.0.
        assert_eq!(flag_letters(0x102), "···A······S·");
        let mut names = String::new();
        push_flag_names(&mut names, 0x102);
        assert_eq!(names, " [SYN, AE");
    }
}
