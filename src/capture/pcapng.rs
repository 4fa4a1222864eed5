//! pcapng files: a sequence of sections, each a Section Header Block followed by
//! Interface Description Blocks and packet blocks. Each section has its own byte order;
//! each interface its own link type and timestamp resolution.

use std::io::Read;

use byteorder_slice::{BigEndian, ByteOrder, LittleEndian};
use pcap_file::pcapng::Block;
use pcap_file::Endianness;

use super::source::{Fill, Source};
use super::{CaptureError, LinkType, RawRecord, MAX_PACKET_LEN};

const SECTION_HEADER: u32 = 0x0A0D_0D0A;
const INTERFACE_DESCRIPTION: u32 = 1;
const OBSOLETE_PACKET: u32 = 2;
const SIMPLE_PACKET: u32 = 3;
const ENHANCED_PACKET: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Blocks larger than this are refused rather than buffered (Wireshark's limit is 16 MiB).
const MAX_BLOCK_LEN: u32 = 16 * 1024 * 1024;

struct Interface {
    linktype: LinkType,
    snaplen: u32,
    /// if_tsresol: bit 7 clear = 10^-n s per unit, set = 2^-n s per unit.
    tsresol: u8,
    /// if_tsoffset, seconds added to every timestamp.
    tsoffset_s: i64,
}

/// How framing a block piece by piece ended.
enum Piecewise {
    /// The block is in the buffer: its type and length.
    Block(u32, u32),
    /// A block wirelab does not use, skipped unbuffered.
    Skipped(u32),
    /// The clean end of the file.
    End,
}

pub(super) struct PcapNgState {
    endianness: Endianness,
    interfaces: Vec<Interface>,
}

impl PcapNgState {
    pub fn read_first_section<R: Read>(source: &mut Source<R>) -> Result<Self, CaptureError> {
        let mut state = PcapNgState {
            endianness: Endianness::Little,
            interfaces: Vec::new(),
        };
        match state.next_block(source)? {
            Some(SECTION_HEADER) => Ok(state),
            _ => Err(source.error_at(0, "a pcapng file must start with a section header block")),
        }
    }

    /// Reads blocks until a packet block; `None` at a clean end of file.
    pub fn next_packet<R: Read>(&mut self, source: &mut Source<R>) -> Result<Option<RawRecord>, CaptureError> {
        loop {
            let start = source.offset();
            match self.next_block(source)? {
                None => return Ok(None),
                Some(ENHANCED_PACKET | SIMPLE_PACKET | OBSOLETE_PACKET) => return self.packet(source, start).map(Some),
                Some(_) => continue,
            }
        }
    }

    /// Frames the next block into the source buffer (or skips it when it carries nothing
    /// wirelab uses) and updates section and interface state. Returns its type.
    fn next_block<R: Read>(&mut self, source: &mut Source<R>) -> Result<Option<u32>, CaptureError> {
        let start = source.offset();
        // Most blocks are packets whole in the read buffer: one copy. Anything else, or
        // a length that is wrong, goes the long way (to its error).
        let whole = source.fill_buffered(8, |head| {
            let block_type = self.read_u32(&head[0..4]);
            let total_len = self.read_u32(&head[4..8]);
            let packet = matches!(block_type, ENHANCED_PACKET | SIMPLE_PACKET);
            if packet && total_len >= 12 && total_len % 4 == 0 && total_len <= MAX_BLOCK_LEN {
                total_len as usize - 8
            } else {
                usize::MAX
            }
        });
        let (block_type, total_len) = if whole {
            (self.read_u32(&source.buf()[0..4]), self.read_u32(&source.buf()[4..8]))
        } else {
            match self.read_block_piecewise(source, start)? {
                Piecewise::Block(block_type, total_len) => (block_type, total_len),
                Piecewise::Skipped(block_type) => return Ok(Some(block_type)),
                Piecewise::End => return Ok(None),
            }
        };
        let trailer = self.read_u32(&source.buf()[total_len as usize - 4..]);
        if trailer != total_len {
            return Err(source.error_at(
                start,
                &format!("block length {total_len} does not match its trailing copy {trailer}"),
            ));
        }
        match block_type {
            SECTION_HEADER => self.interfaces.clear(),
            INTERFACE_DESCRIPTION => {
                let interface = self.parse_interface(source, start)?;
                self.interfaces.push(interface);
            }
            _ => {}
        }
        Ok(Some(block_type))
    }

    /// Frames a block piece by piece (header, then the rest), as far as the file goes.
    fn read_block_piecewise<R: Read>(&mut self, source: &mut Source<R>, start: u64) -> Result<Piecewise, CaptureError> {
        match source.fill(8)? {
            Fill::Complete => {}
            Fill::Eof => return Ok(Piecewise::End),
            Fill::Short(n) => {
                return Err(source.error_at(
                    start,
                    &format!("truncated block header: the file ends {n} bytes into it"),
                ))
            }
        }
        let head = source.buf();
        // The section header's type reads the same in both byte orders; its byte-order
        // magic, right after the length, decides the order for the whole section.
        let block_type_le = LittleEndian::read_u32(&head[0..4]);
        if block_type_le == SECTION_HEADER {
            match source.append(4)? {
                Fill::Complete => {}
                _ => return Err(source.error_at(start, "truncated section header block")),
            }
            let magic = &source.buf()[8..12];
            self.endianness = if LittleEndian::read_u32(magic) == BYTE_ORDER_MAGIC {
                Endianness::Little
            } else if BigEndian::read_u32(magic) == BYTE_ORDER_MAGIC {
                Endianness::Big
            } else {
                return Err(source.error_at(start + 8, "section header block with an invalid byte-order magic"));
            };
        }
        let block_type = self.read_u32(&source.buf()[0..4]);
        let total_len = self.read_u32(&source.buf()[4..8]);
        if total_len < 12 || total_len % 4 != 0 {
            return Err(source.error_at(
                start,
                &format!("invalid block length {total_len} (block type 0x{block_type:08x})"),
            ));
        }
        if total_len > MAX_BLOCK_LEN {
            return Err(source.error_at(
                start,
                &format!("block length {total_len} is larger than the maximum of {MAX_BLOCK_LEN} bytes"),
            ));
        }
        let have = source.buf().len();
        let wanted = matches!(
            block_type,
            SECTION_HEADER | INTERFACE_DESCRIPTION | ENHANCED_PACKET | SIMPLE_PACKET | OBSOLETE_PACKET
        );
        if !wanted {
            // Statistics, name resolution, custom blocks...: not needed, never buffered.
            let rest = u64::from(total_len) - have as u64;
            if source.skip(rest)? != rest {
                return Err(source.error_at(start, &format!("truncated block: {total_len} bytes announced")));
            }
            return Ok(Piecewise::Skipped(block_type));
        }
        match source.append(total_len as usize - have)? {
            Fill::Complete => {}
            Fill::Eof | Fill::Short(_) => {
                let got = source.buf().len();
                return Err(source.error_at(
                    start,
                    &format!("truncated block: {total_len} bytes announced, the file ends after {got}"),
                ));
            }
        }
        Ok(Piecewise::Block(block_type, total_len))
    }

    fn read_u32(&self, bytes: &[u8]) -> u32 {
        match self.endianness {
            Endianness::Big => BigEndian::read_u32(bytes),
            Endianness::Little => LittleEndian::read_u32(bytes),
        }
    }

    fn parse_block<'b, R: Read>(&self, source: &'b Source<R>, start: u64) -> Result<Block<'b>, CaptureError> {
        let parsed = match self.endianness {
            Endianness::Big => Block::from_slice::<BigEndian>(source.buf()),
            Endianness::Little => Block::from_slice::<LittleEndian>(source.buf()),
        };
        parsed
            .map(|(_, block)| block)
            .map_err(|e| source.error_at(start, &format!("invalid block: {e}")))
    }

    /// Interface descriptions are parsed here rather than by pcap-file, which rejects a
    /// whole block over one option of an unexpected size (real writers produce those,
    /// and tshark accepts them). Only the link type, snaplen and timestamp options matter.
    fn parse_interface<R: Read>(&self, source: &Source<R>, start: u64) -> Result<Interface, CaptureError> {
        let block = source.buf();
        let body = &block[8..block.len() - 4];
        if body.len() < 8 {
            return Err(source.error_at(start, "interface description block too short"));
        }
        let u16_at = |b: &[u8]| match self.endianness {
            Endianness::Big => BigEndian::read_u16(b),
            Endianness::Little => LittleEndian::read_u16(b),
        };
        let mut interface = Interface {
            linktype: LinkType::from_code(u32::from(u16_at(&body[0..2]))),
            snaplen: self.read_u32(&body[4..8]),
            tsresol: 6,
            tsoffset_s: 0,
        };
        let mut options = &body[8..];
        while options.len() >= 4 {
            let (code, len) = (u16_at(&options[0..2]), usize::from(u16_at(&options[2..4])));
            let Some(value) = options.get(4..4 + len) else {
                break;
            };
            match (code, len) {
                (0, _) => break,
                (9, 1) => interface.tsresol = value[0],
                (14, 8) => {
                    let offset = match self.endianness {
                        Endianness::Big => BigEndian::read_u64(value),
                        Endianness::Little => LittleEndian::read_u64(value),
                    };
                    interface.tsoffset_s = offset as i64;
                }
                _ => {}
            }
            options = options.get(4 + len.div_ceil(4) * 4..).unwrap_or_default();
        }
        Ok(interface)
    }

    fn packet<R: Read>(&self, source: &Source<R>, start: u64) -> Result<RawRecord, CaptureError> {
        let block = self.parse_block(source, start)?;
        // pcap-file 2.0 hands the raw timestamp back as if it were nanoseconds; it is in
        // units of the interface's if_tsresol, so rescale it here.
        let (interface_id, raw_ts, orig_len, data_start, data_len) = match block {
            Block::EnhancedPacket(epb) => (
                epb.interface_id,
                Some(epb.timestamp.as_nanos() as u64),
                epb.original_len,
                28,
                epb.data.len(),
            ),
            Block::Packet(pb) => (
                u32::from(pb.interface_id),
                Some(pb.timestamp),
                pb.original_len,
                28,
                pb.data.len(),
            ),
            Block::SimplePacket(spb) => {
                // The body holds the packet plus padding; the captured length is the
                // original length cut to the interface's snaplen.
                let snaplen = self.interfaces.first().map_or(0, |i| i.snaplen);
                let mut len = (spb.original_len as usize).min(spb.data.len());
                if snaplen != 0 {
                    len = len.min(snaplen as usize);
                }
                (0, None, spb.original_len, 12, len)
            }
            _ => return Err(source.error_at(start, "invalid packet block")),
        };
        let Some(interface) = self.interfaces.get(interface_id as usize) else {
            return Err(source.error_at(
                start,
                &format!(
                    "packet block names interface {interface_id}, but the section describes {} interface(s)",
                    self.interfaces.len()
                ),
            ));
        };
        if data_len > MAX_PACKET_LEN as usize {
            return Err(source.error_at(
                start,
                &format!("packet length {data_len} is larger than the maximum of {MAX_PACKET_LEN} bytes"),
            ));
        }
        let ts_ns = raw_ts.map_or(0, |raw| timestamp_ns(raw, interface.tsresol, interface.tsoffset_s));
        Ok(RawRecord {
            ts_ns,
            orig_len: orig_len.max(data_len as u32),
            linktype: interface.linktype,
            interface: Some(interface_id),
            data_start,
            data_len,
        })
    }
}

/// Converts a pcapng timestamp in if_tsresol units to nanoseconds since the epoch.
fn timestamp_ns(raw: u64, tsresol: u8, tsoffset_s: i64) -> i64 {
    let exponent = u32::from(tsresol & 0x7f);
    let ns: u128 = if tsresol & 0x80 == 0 {
        if exponent <= 9 {
            u128::from(raw) * 10u128.pow(9 - exponent)
        } else {
            10u128.checked_pow(exponent - 9).map_or(0, |div| u128::from(raw) / div)
        }
    } else {
        1u128
            .checked_shl(exponent)
            .map_or(0, |div| u128::from(raw) * 1_000_000_000 / div)
    };
    let ns = i64::try_from(ns).unwrap_or(i64::MAX);
    ns.saturating_add(tsoffset_s.saturating_mul(1_000_000_000))
}

#[cfg(test)]
mod tests {
    use super::timestamp_ns;

    #[test]
    fn timestamps_follow_if_tsresol() {
        assert_eq!(timestamp_ns(1_500_000, 6, 0), 1_500_000_000); // microseconds (default)
        assert_eq!(timestamp_ns(1_500_000_000, 9, 0), 1_500_000_000); // nanoseconds
        assert_eq!(timestamp_ns(15, 1, 0), 1_500_000_000); // tenths
        assert_eq!(timestamp_ns(3, 0x81, 0), 1_500_000_000); // halves (2^-1)
        assert_eq!(timestamp_ns(1, 6, 10), 10_000_001_000); // if_tsoffset
        assert_eq!(timestamp_ns(123_456_789_012, 12, 0), 123_456_789); // picoseconds
        assert_eq!(timestamp_ns(u64::MAX, 0x7f, 0), 0);
    }
}
