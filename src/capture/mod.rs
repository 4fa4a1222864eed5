//! Reading capture files one frame at a time: pcap (micro- and nanosecond, either byte
//! order) and pcapng (several sections, interfaces of different link types and timestamp
//! resolutions). The only user of `pcap-file`.
//!
//! wirelab frames the records itself (so it can bound every allocation and name the byte
//! offset of any damage) and lets `pcap-file` parse each complete header or block. Memory
//! is one reusable buffer the size of the largest record, never the file.

mod aligned;
mod linktype;
mod pcap;
mod pcapng;
mod source;

pub use linktype::LinkType;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use source::Source;

/// Largest packet accepted, as Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD.
pub const MAX_PACKET_LEN: u32 = 262_144;

/// One captured frame, borrowed from the reader's buffer until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based position in the file, as tshark's frame.number.
    pub number: u64,
    /// Absolute time, nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// The time of the frame before this one in the file (`None` for the first), for
    /// frame.time_delta: a reader that hands out some frames still sees them all.
    pub previous_ts_ns: Option<i64>,
    /// Length on the wire; may exceed `data.len()` when the snaplen cut the frame.
    pub orig_len: u32,
    pub linktype: LinkType,
    /// pcapng interface id (`None` for pcap, which has no interfaces).
    pub interface: Option<u32>,
    pub data: &'a [u8],
}

impl Frame<'_> {
    pub fn cap_len(&self) -> u32 {
        self.data.len() as u32
    }
}

/// The file format, for `capinfos`-like summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Pcap { nanosecond: bool, big_endian: bool },
    PcapNg,
}

/// Damage or unusable input, located by byte offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: byte offset {offset}: {message}")]
pub struct CaptureError {
    /// The file name (or another label for in-memory input).
    pub name: String,
    pub offset: u64,
    pub message: String,
}

impl CaptureError {
    /// The error without the file name, for callers that name the file themselves.
    pub fn located(&self) -> String {
        format!("byte offset {}: {}", self.offset, self.message)
    }
}

enum Format {
    Pcap(pcap::PcapState),
    PcapNg(pcapng::PcapNgState),
}

/// A streaming reader over a pcap or pcapng file.
pub struct CaptureReader<R: Read> {
    source: Source<R>,
    format: Format,
    frames: u64,
    /// The time of the last frame read, handed out or not.
    last_ts_ns: Option<i64>,
    finished: bool,
    /// Which frames to hand out (numbering still counts every frame): see [`Self::select`].
    select: Option<Selector>,
}

/// Says which frames a reader hands out.
type Selector = Box<dyn FnMut(&Frame) -> bool + Send>;

/// A capture read from any source that can move between threads.
pub type BoxedReader = CaptureReader<Box<dyn Read + Send>>;

impl BoxedReader {
    /// [`CaptureReader::open`], for code that takes readers of any source.
    pub fn open_boxed(path: &Path) -> Result<Self, CaptureError> {
        let (file, name) = open_file(path)?;
        CaptureReader::new(Box::new(file), &name)
    }
}

impl CaptureReader<File> {
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        let (file, name) = open_file(path)?;
        CaptureReader::new(file, &name)
    }
}

/// Opens a capture file (not a directory), with the name its errors give.
fn open_file(path: &Path) -> Result<(File, String), CaptureError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| CaptureError {
        name: name.clone(),
        offset: 0,
        message: format!("cannot open: {}", crate::io_error_text(&e)),
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(CaptureError {
            name,
            offset: 0,
            message: "is a directory, not a capture file".into(),
        });
    }
    Ok((file, name))
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header; fails when the input is not a capture wirelab can read.
    pub fn new(input: R, name: &str) -> Result<Self, CaptureError> {
        let mut source = Source::new(input, name);
        let magic = source.peek_magic()?;
        let format = match magic {
            [0xa1, 0xb2, 0xc3, 0xd4]
            | [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x4d, 0x3c, 0xb2, 0xa1] => Format::Pcap(pcap::PcapState::read_header(&mut source)?),
            [0x0a, 0x0d, 0x0d, 0x0a] => Format::PcapNg(pcapng::PcapNgState::read_first_section(&mut source)?),
            [0xa1, 0xb2, 0xcd, 0x34] | [0x34, 0xcd, 0xb2, 0xa1] => {
                return Err(source.error_at(0, "modified (Kuznetzov) pcap is not supported; convert it with editcap"))
            }
            other => {
                return Err(source.error_at(
                    0,
                    &format!(
                        "not a pcap or pcapng capture (starts with {:02x} {:02x} {:02x} {:02x})",
                        other[0], other[1], other[2], other[3]
                    ),
                ))
            }
        };
        Ok(CaptureReader {
            source,
            format,
            frames: 0,
            last_ts_ns: None,
            finished: false,
            select: None,
        })
    }

    /// Hands out only the frames `keep` says yes to; the others are read and skipped,
    /// and keep their numbers (a decoder of part of a capture: `decode::shards`).
    pub fn select(mut self, keep: impl FnMut(&Frame) -> bool + Send + 'static) -> Self {
        self.select = Some(Box::new(keep));
        self
    }

    pub fn file_format(&self) -> FileFormat {
        match &self.format {
            Format::Pcap(state) => state.file_format(),
            Format::PcapNg(_) => FileFormat::PcapNg,
        }
    }

    /// The next frame, `Ok(None)` at a clean end of file, or the damage that ends the file.
    /// After an error the reader is finished: frames before the damage stay valid.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            if self.finished {
                return Ok(None);
            }
            let result = match &mut self.format {
                Format::Pcap(state) => state.next_record(&mut self.source),
                Format::PcapNg(state) => state.next_packet(&mut self.source),
            };
            let raw = match result {
                Ok(Some(raw)) => raw,
                Ok(None) => {
                    self.finished = true;
                    return Ok(None);
                }
                Err(e) => {
                    self.finished = true;
                    return Err(e);
                }
            };
            self.frames += 1;
            let previous = self.last_ts_ns.replace(raw.ts_ns);
            if let Some(keep) = self.select.as_mut() {
                if !keep(&raw.frame(self.frames, previous, &self.source)) {
                    continue;
                }
            }
            return Ok(Some(raw.frame(self.frames, previous, &self.source)));
        }
    }

    /// Bytes of the file consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.source.offset()
    }

    /// Frames read so far, those [`Self::select`] skipped included.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }
}

/// Where a record's fields landed in the source buffer.
struct RawRecord {
    ts_ns: i64,
    orig_len: u32,
    linktype: LinkType,
    interface: Option<u32>,
    data_start: usize,
    data_len: usize,
}

impl RawRecord {
    fn frame<'a, R: Read>(&self, number: u64, previous_ts_ns: Option<i64>, source: &'a Source<R>) -> Frame<'a> {
        Frame {
            number,
            ts_ns: self.ts_ns,
            previous_ts_ns,
            orig_len: self.orig_len,
            linktype: self.linktype,
            interface: self.interface,
            data: source.record(self.data_start, self.data_len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out a few bytes per call, so that records are rarely whole
    /// in the read buffer and are framed piece by piece.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(7);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// A frame's time, length on the wire, link type, interface and bytes.
    type Owned = (i64, u32, LinkType, Option<u32>, Vec<u8>);

    /// Every frame, then how reading ended.
    fn frames(input: impl Read) -> (Vec<Owned>, Option<String>) {
        let mut reader = match CaptureReader::new(input, "input") {
            Ok(reader) => reader,
            Err(e) => return (Vec::new(), Some(e.to_string())),
        };
        let mut frames = Vec::new();
        loop {
            match reader.next_frame() {
                Ok(Some(f)) => frames.push((f.ts_ns, f.orig_len, f.linktype, f.interface, f.data.to_vec())),
                Ok(None) => return (frames, None),
                Err(e) => return (frames, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn records_whole_in_the_buffer_read_as_records_framed_piece_by_piece() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = [
            "captures",
            "tests/data/recorded",
            "tests/data/thirdparty",
            "tests/data/malformed",
        ]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
        files.sort();
        assert!(files.len() > 40, "{}", files.len());
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            // Whole, and cut inside its last record (the slow path's errors).
            for cut in [bytes.len(), bytes.len().saturating_sub(5)] {
                let input = &bytes[..cut];
                let whole = frames(std::io::Cursor::new(input));
                let trickled = frames(Trickle(input));
                assert_eq!(whole, trickled, "{} cut at {cut}", path.display());
                if cut == bytes.len() && !path.starts_with(root.join("tests/data/malformed")) {
                    assert!(
                        whole.1.is_none() && !whole.0.is_empty(),
                        "{}: {:?}",
                        path.display(),
                        whole.1
                    );
                }
            }
        }
    }
}
