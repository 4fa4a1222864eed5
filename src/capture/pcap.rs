//! Classic libpcap files: a 24-byte file header, then 16-byte record headers.

use std::io::Read;

use byteorder_slice::{BigEndian, ByteOrder, LittleEndian};
use pcap_file::pcap::{PcapHeader, RawPcapPacket};
use pcap_file::{Endianness, TsResolution};

use super::source::{Fill, Source};
use super::{CaptureError, FileFormat, LinkType, RawRecord, MAX_PACKET_LEN};

const FILE_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

pub(super) struct PcapState {
    header: PcapHeader,
    linktype: LinkType,
}

impl PcapState {
    pub fn read_header<R: Read>(source: &mut Source<R>) -> Result<Self, CaptureError> {
        match source.fill(FILE_HEADER_LEN)? {
            Fill::Complete => {}
            Fill::Eof | Fill::Short(_) => {
                return Err(source.error_at(
                    source.offset(),
                    "truncated pcap file header (a pcap file header is 24 bytes)",
                ))
            }
        }
        let (_, header) = PcapHeader::from_slice(source.buf())
            .map_err(|e| source.error_at(0, &format!("invalid pcap file header: {e}")))?;
        let linktype = LinkType::from_code(u32::from(header.datalink));
        Ok(PcapState { header, linktype })
    }

    pub fn file_format(&self) -> FileFormat {
        FileFormat::Pcap {
            nanosecond: self.header.ts_resolution == TsResolution::NanoSecond,
            big_endian: self.header.endianness == Endianness::Big,
        }
    }

    pub fn next_record<R: Read>(&mut self, source: &mut Source<R>) -> Result<Option<RawRecord>, CaptureError> {
        match self.header.endianness {
            Endianness::Big => self.next_record_in::<BigEndian, R>(source),
            Endianness::Little => self.next_record_in::<LittleEndian, R>(source),
        }
    }

    fn next_record_in<B: ByteOrder, R: Read>(
        &mut self,
        source: &mut Source<R>,
    ) -> Result<Option<RawRecord>, CaptureError> {
        let start = source.offset();
        // Most records are whole in the read buffer: one copy. Lengths past the maximum
        // go the long way, to their error.
        let whole = source.fill_buffered(RECORD_HEADER_LEN, |header| {
            let incl_len = B::read_u32(&header[8..12]);
            if incl_len > MAX_PACKET_LEN {
                usize::MAX
            } else {
                incl_len as usize
            }
        });
        let incl_len = if whole {
            B::read_u32(&source.buf()[8..12])
        } else {
            match read_record_piecewise::<B, R>(source, start)? {
                Some(incl_len) => incl_len,
                None => return Ok(None),
            }
        };
        let (_, raw) = RawPcapPacket::from_slice::<B>(source.buf())
            .map_err(|e| source.error_at(start, &format!("invalid record: {e}")))?;
        let frac_ns = match self.header.ts_resolution {
            TsResolution::MicroSecond => u64::from(raw.ts_frac) * 1000,
            TsResolution::NanoSecond => u64::from(raw.ts_frac),
        };
        let ts_ns = (i64::from(raw.ts_sec))
            .saturating_mul(1_000_000_000)
            .saturating_add(frac_ns as i64);
        Ok(Some(RawRecord {
            ts_ns,
            // A record whose original length is below its captured length is malformed;
            // tshark then reports the captured length, and so do we.
            orig_len: raw.orig_len.max(incl_len),
            linktype: self.linktype,
            interface: None,
            data_start: RECORD_HEADER_LEN,
            data_len: incl_len as usize,
        }))
    }
}

/// Reads a record header and then its body, each as far as the file goes: the way to
/// the errors of a short or damaged file. Returns the record's captured length, or
/// `None` at the end of the file.
fn read_record_piecewise<B: ByteOrder, R: Read>(
    source: &mut Source<R>,
    start: u64,
) -> Result<Option<u32>, CaptureError> {
    match source.fill(RECORD_HEADER_LEN)? {
        Fill::Complete => {}
        Fill::Eof => return Ok(None),
        Fill::Short(n) => {
            return Err(source.error_at(
                start,
                &format!("truncated record header: the file ends {n} bytes into a 16-byte header"),
            ))
        }
    }
    let incl_len = B::read_u32(&source.buf()[8..12]);
    if incl_len > MAX_PACKET_LEN {
        return Err(source.error_at(
            start,
            &format!("record length {incl_len} is larger than the maximum of {MAX_PACKET_LEN} bytes"),
        ));
    }
    match source.append(incl_len as usize)? {
        Fill::Complete => {}
        Fill::Eof | Fill::Short(_) => {
            let have = source.buf().len() - RECORD_HEADER_LEN;
            return Err(source.error_at(
                start,
                &format!("truncated record: {incl_len} bytes announced, the file ends after {have}"),
            ));
        }
    }
    Ok(Some(incl_len))
}
