//! `replay` of a large capture on several cores: each thread decodes one shard of the
//! conversations (`decode::shards`) in a single pass of its own, prints its packets,
//! and this thread merges the lines back into frame order.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use super::progress::Progress;
use super::{write_all, Format, ReplayArgs};
use crate::capture::{CaptureReader, LinkType};
use crate::decode::shards::Shard;
use crate::decode::single_pass::{self, End, SinglePass};
use crate::decode::{Decoder, Field};
use crate::filter::Filter;
use crate::view::{MacNames, PacketFormat};

/// Captures smaller than this are decoded in one piece: starting threads and reading
/// the file once per shard would cost more than it saves.
const MIN_BYTES: u64 = 8 << 20;

/// Most shards used, whatever the cores.
const MAX_SHARDS: usize = 8;

/// Lines a shard sends at once.
const BATCH_LINES: usize = 1024;

/// A shard also reports how far it has come after this many packets, when its filter
/// lets few through (so the others need not wait for its batch to fill).
const REPORT_EVERY: u64 = 4096;

/// How many shards to decode a `replay` in: 1 (decode in one piece) unless the output
/// is a packet list that does not depend on stream numbers, the capture is a file
/// large enough, and there is more than one core. `WIRELAB_THREADS` sets the number of
/// shards, whatever the file's size (tests and benchmarks use it).
pub(crate) fn shard_count(args: &ReplayArgs, filter: Option<&Filter>) -> usize {
    let list = matches!(args.format, Format::Table | Format::Tsv) && args.fields.is_empty();
    let plain = args.detail.is_none() && !args.verbose && !args.hex && !args.annotate && args.pace.is_none();
    // Each shard numbers its own conversations.
    let numbered = filter.is_some_and(|f| {
        f.fields()
            .iter()
            .any(|field| matches!(field, Field::TcpStream | Field::UdpStream))
    });
    if !list || !plain || numbered {
        return 1;
    }
    let Ok(metadata) = std::fs::metadata(&args.file) else {
        return 1;
    };
    if !metadata.is_file() {
        return 1;
    }
    match std::env::var("WIRELAB_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        Some(n) => n.clamp(1, MAX_SHARDS),
        None if metadata.len() < MIN_BYTES => 1,
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_SHARDS)),
    }
}

/// How a sharded replay ended.
pub(crate) enum Sharded {
    /// Every frame read (`frames` of them) and listed; `end` says what ended the reading.
    Listed { frames: u64, end: End },
    /// The output was closed (a pipe to `head`): nothing more to say.
    Closed,
    /// The capture's first frame cannot be read: decode it in one piece, for its error.
    Unread,
    /// The list is written up to frame `through`; the rest is to be decoded in one
    /// piece (a shard learnt of an FTP data channel that another shard labels: see
    /// `decode::shards`).
    Unfinished { through: u64 },
}

/// One batch of a shard's lines: the text, where each frame's line ends, and the frame
/// up to which the shard has sent every line it will print.
#[derive(Default)]
struct Lines {
    text: Vec<u8>,
    ends: Vec<(u64, usize)>,
    through: u64,
}

/// Decodes `args.file` in `shards` shards and writes the packet list to `out` in frame
/// order. `decoder` makes each shard's decoder, `format` its formatter (whose MAC names
/// are `names`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn replay(
    args: &ReplayArgs,
    filter: Option<&Filter>,
    shards: usize,
    decoder: &(dyn Fn() -> anyhow::Result<Decoder> + Sync),
    format: &(dyn Fn() -> anyhow::Result<Box<dyn PacketFormat>> + Sync),
    names: &MacNames,
    out: &mut dyn Write,
    progress: &Progress,
) -> anyhow::Result<Sharded> {
    let limit = args.count.unwrap_or(u64::MAX);
    // Every shard times frames from the capture's first one.
    let (first_ts, linktype) = match CaptureReader::open(&args.file)?.next_frame() {
        Ok(Some(frame)) => (frame.ts_ns, frame.linktype),
        _ => return Ok(Sharded::Unread),
    };
    let bytes_read = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let mut streams = Vec::new();
        let mut workers = Vec::new();
        for index in 0..shards {
            let (lines, received) = mpsc::sync_channel::<Lines>(4);
            // Batches written out go back to their shard to be filled again.
            let (emptied, returned) = mpsc::channel::<Lines>();
            let shard = Shard::new(index, shards, limit);
            let progress = (index == 0).then_some(&bytes_read);
            let job = Job {
                file: &args.file,
                shard,
                shards,
                limit,
                first_ts,
                filter,
                progress,
            };
            workers.push(scope.spawn(move || job.run(decoder()?, format()?, lines, returned)));
            streams.push(Stream::new(received, emptied));
        }
        // An Ethernet capture will want its MAC addresses named (ARP, at least): this
        // thread reads the tables while the shards start, rather than the shard that
        // first prints one.
        if linktype == LinkType::Ethernet {
            names.warm();
        }
        let merged = merge(&mut streams, out, || progress.set(bytes_read.load(Ordering::Relaxed)))?;
        // Dropping the receivers stops the shards that are still decoding.
        drop(streams);
        let mut outcome = Sharded::Closed;
        for (index, worker) in workers.into_iter().enumerate() {
            let listed = worker.join().expect("a shard panicked")?;
            outcome = match (&merged, listed) {
                (Merged::Closed, _) => Sharded::Closed,
                (Merged::Stopped { through }, _) => Sharded::Unfinished { through: *through },
                // Every shard read the same frames: the first one speaks for all.
                (Merged::Whole, Some(listed)) if index == 0 => listed,
                (Merged::Whole, _) => outcome,
            };
        }
        Ok(outcome)
    })
}

/// One shard's work.
struct Job<'a> {
    file: &'a Path,
    shard: Shard,
    shards: usize,
    limit: u64,
    first_ts: i64,
    filter: Option<&'a Filter>,
    /// Where shard 0 reports the bytes it has read, for the progress bar.
    progress: Option<&'a AtomicU64>,
}

impl Job<'_> {
    fn run(
        self,
        decoder: Decoder,
        mut format: Box<dyn PacketFormat>,
        lines: mpsc::SyncSender<Lines>,
        returned: mpsc::Receiver<Lines>,
    ) -> anyhow::Result<Option<Sharded>> {
        let reader = CaptureReader::open(self.file)?.select(self.shard.frames());
        let (path, first_pass_frames) = (self.file.to_path_buf(), self.shard.clone());
        let options = single_pass::Options {
            limit: self.limit,
            // The shards share the memory one decoder would hold back.
            max_held_bytes: (single_pass::Options::default().max_held_bytes / self.shards).max(2 << 20),
            // What another shard prints is decoded without Info.
            quiet: Some(Box::new(self.shard.quiet())),
            // A first pass, if one is needed, reads the same frames.
            reopen: Some(Box::new(move || {
                Ok(CaptureReader::open_boxed(&path)?.select(first_pass_frames.frames_unprinted()))
            })),
            ..single_pass::Options::default()
        };
        let decoder = decoder
            .timed_from(self.first_ts)
            .share_budgets(self.shards)
            .reporting_channels();
        let mut packets = SinglePass::new(reader, decoder, options);
        let mut batch = Lines::default();
        let (mut handed, mut last) = (0u64, 0u64);
        loop {
            // A data channel another shard may label without knowing its announcement:
            // the sharded list stops before the first frame it may label.
            let reports = packets.decoder_mut().take_channel_reports();
            if let Some(exact) = self.shard.exact_through(&reports) {
                // Every packet handed out so far was decoded with all it depends on, and
                // lies no later than the frame whose decoding made the report.
                batch.through = last.min(exact);
                let _ = lines.send(batch);
                return Ok(None);
            }
            let Some(packet) = packets.next() else {
                break;
            };
            last = packet.number;
            if packet.quiet {
                continue;
            }
            handed += 1;
            if self.filter.is_none_or(|f| f.matches(packet)) {
                format.packet(packet, &mut batch.text);
                batch.ends.push((packet.number, batch.text.len()));
            }
            if batch.ends.len() >= BATCH_LINES || handed % REPORT_EVERY == 0 {
                batch.through = packet.number;
                let next = returned.try_recv().unwrap_or_default();
                if lines.send(std::mem::replace(&mut batch, next)).is_err() {
                    break; // the output was closed
                }
                if let Some(progress) = self.progress {
                    progress.store(packets.bytes_read(), Ordering::Relaxed);
                }
            }
        }
        batch.through = u64::MAX;
        let _ = lines.send(batch);
        Ok(Some(Sharded::Listed {
            frames: packets.frames_scanned().min(self.limit),
            end: packets.end().unwrap_or(End {
                damage: None,
                more_after_limit: false,
            }),
        }))
    }
}

/// A shard's lines as they arrive.
struct Stream {
    received: mpsc::Receiver<Lines>,
    /// Where written batches go back, emptied, for their buffers.
    emptied: mpsc::Sender<Lines>,
    batch: Lines,
    /// The next line of `batch`, and where its text starts.
    next: usize,
    start: usize,
    /// The shard stopped before the end (`batch.through` is as far as it came).
    stopped: bool,
}

impl Stream {
    fn new(received: mpsc::Receiver<Lines>, emptied: mpsc::Sender<Lines>) -> Self {
        Stream {
            received,
            emptied,
            batch: Lines::default(),
            next: 0,
            start: 0,
            stopped: false,
        }
    }

    /// The frame of the next line waiting, if one is.
    fn head(&self) -> Option<u64> {
        self.batch.ends.get(self.next).map(|&(frame, _)| frame)
    }

    /// Has everything up to `frame` arrived?
    fn through(&self, frame: u64) -> bool {
        self.head().is_some_and(|head| head > frame) || self.batch.through >= frame
    }

    /// Has the shard sent all it will?
    fn done(&self) -> bool {
        self.batch.through == u64::MAX || self.stopped
    }

    /// Waits for the next batch (false when the shard has sent all it will).
    fn receive(&mut self) -> bool {
        if self.done() && self.head().is_none() {
            return false;
        }
        match self.received.recv() {
            Ok(batch) => {
                let mut old = std::mem::replace(&mut self.batch, batch);
                old.text.clear();
                old.ends.clear();
                // The shard may have finished: then the buffers are just dropped.
                let _ = self.emptied.send(old);
                self.next = 0;
                self.start = 0;
                true
            }
            Err(_) => {
                // No last batch: the shard stopped early (a data channel another shard
                // labels: see `Job::run`), or failed, which its thread reports.
                self.stopped = true;
                false
            }
        }
    }
}

/// How the merging ended.
enum Merged {
    /// Every line of every shard written.
    Whole,
    /// The output was closed.
    Closed,
    /// A shard stopped early: every line up to frame `through` is written.
    Stopped { through: u64 },
}

/// Writes the shards' lines in frame order.
fn merge(streams: &mut [Stream], out: &mut dyn Write, mut on_batch: impl FnMut()) -> anyhow::Result<Merged> {
    loop {
        // A shard that stopped early bounds what can be written.
        let limit = streams
            .iter()
            .filter(|s| s.stopped)
            .map(|s| s.batch.through)
            .min()
            .unwrap_or(u64::MAX);
        // The earliest line waiting, and whether every other shard is past it.
        let earliest = streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.head().map(|frame| (i, frame)))
            .min_by_key(|&(_, frame)| frame)
            .filter(|&(_, frame)| frame <= limit);
        let Some((index, frame)) = earliest else {
            // Nothing to write: wait for a shard that has more to send.
            match streams
                .iter_mut()
                .find(|s| !s.done() && s.head().is_none() && s.batch.through < limit)
            {
                Some(stream) => {
                    stream.receive();
                    on_batch();
                    continue;
                }
                None if limit == u64::MAX => return Ok(Merged::Whole),
                None => return Ok(Merged::Stopped { through: limit }),
            }
        };
        if let Some(behind) = streams.iter_mut().find(|s| !s.through(frame)) {
            behind.receive();
            on_batch();
            continue;
        }
        // This shard's lines up to the next line any other shard may have, in one write.
        let bound = streams
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != index)
            .map(|(_, s)| s.head().unwrap_or(s.batch.through.saturating_add(1)))
            .min()
            .unwrap_or(u64::MAX);
        let stream = &mut streams[index];
        let run = stream.batch.ends[stream.next..]
            .iter()
            .take_while(|&&(frame, _)| frame < bound && frame <= limit)
            .count();
        let end = stream.batch.ends[stream.next + run - 1].1;
        if write_all(out, &stream.batch.text[stream.start..end])?.is_none() {
            return Ok(Merged::Closed);
        }
        stream.start = end;
        stream.next += run;
    }
}
