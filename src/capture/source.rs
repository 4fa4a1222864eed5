//! A byte source that counts offsets and keeps one reusable record buffer.

use std::io::{self, BufRead, Read};

use super::aligned::AlignedBufReader;
use super::CaptureError;

pub(super) struct Source<R: Read> {
    input: AlignedBufReader<R>,
    name: String,
    /// Offset of the next unread byte.
    offset: u64,
    /// The current record (header and body), reused between records.
    buf: Vec<u8>,
    /// When not 0, the current record is instead the first `in_place` bytes of the read
    /// buffer, read where they lie and consumed when the next record is read: most
    /// records are whole in the read buffer, and copying each out would cost as much
    /// as reading it.
    in_place: usize,
    /// Bytes read ahead of the current record (the magic number at open).
    pending: Vec<u8>,
}

/// How a read of an exact length ended.
pub(super) enum Fill {
    Complete,
    /// End of input before the first byte.
    Eof,
    /// End of input after this many bytes.
    Short(usize),
}

impl<R: Read> Source<R> {
    pub fn new(input: R, name: &str) -> Self {
        Source {
            input: AlignedBufReader::with_capacity(256 * 1024, input),
            name: name.to_string(),
            offset: 0,
            buf: Vec::new(),
            in_place: 0,
            pending: Vec::new(),
        }
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn error_at(&self, offset: u64, message: &str) -> CaptureError {
        CaptureError {
            name: self.name.clone(),
            offset,
            message: message.to_string(),
        }
    }

    /// The first four bytes of the input, without consuming them.
    pub fn peek_magic(&mut self) -> Result<[u8; 4], CaptureError> {
        let mut magic = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match self.input.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.error_at(got as u64, &crate::io_error_text(&e))),
            }
        }
        match got {
            0 => Err(self.error_at(0, "the file is empty")),
            4 => {
                self.pending = magic.to_vec();
                Ok(magic)
            }
            n => Err(self.error_at(
                n as u64,
                &format!(
                    "the file is only {} long, too short for a capture header",
                    if n == 1 {
                        "1 byte".to_string()
                    } else {
                        format!("{n} bytes")
                    }
                ),
            )),
        }
    }

    /// Replaces the buffer's contents with the next `len` bytes.
    pub fn fill(&mut self, len: usize) -> Result<Fill, CaptureError> {
        self.done_with_record();
        self.buf.clear();
        self.append(len)
    }

    /// Consumes the current record if it was read in place.
    fn done_with_record(&mut self) {
        self.input.consume(std::mem::take(&mut self.in_place));
    }

    /// Makes the next record the current one, read in place, when the read buffer
    /// holds all of it: `len_of` reads the record's length from its first `header_len`
    /// bytes. Returns false, consuming nothing, when the record is not all there (the
    /// caller then reads it piece by piece, with the errors that explain a short file).
    pub fn fill_buffered(&mut self, header_len: usize, len_of: impl Fn(&[u8]) -> usize) -> bool {
        self.done_with_record();
        if !self.pending.is_empty() {
            return false;
        }
        let buffered = self.input.buffer();
        let Some(header) = buffered.get(..header_len) else {
            return false;
        };
        let Some(record) = buffered.get(..header_len.saturating_add(len_of(header))) else {
            return false;
        };
        let len = record.len();
        // An empty record cannot be told from "none in place"; it is copied (empty).
        if len == 0 {
            self.buf.clear();
        }
        self.in_place = len;
        self.offset += len as u64;
        true
    }

    /// Appends the next `len` bytes to the buffer.
    pub fn append(&mut self, len: usize) -> Result<Fill, CaptureError> {
        if self.in_place > 0 {
            // The record read in place grows: it moves to the record buffer first.
            self.buf.clear();
            self.buf.extend_from_slice(&self.input.buffer()[..self.in_place]);
            self.done_with_record();
        }
        let start = self.buf.len();
        let from_pending = self.pending.len().min(len);
        self.buf.extend(self.pending.drain(..from_pending));
        let wanted = len - from_pending;
        let buffered = self.input.buffer();
        let got = if buffered.len() >= wanted {
            // Most records are in the read buffer already: one copy, no read call.
            self.buf.extend_from_slice(&buffered[..wanted]);
            self.input.consume(wanted);
            wanted
        } else {
            (&mut self.input)
                .take(wanted as u64)
                .read_to_end(&mut self.buf)
                .map_err(|e| self.error_at(self.offset, &crate::io_error_text(&e)))?
        };
        let total = from_pending + got;
        self.offset += total as u64;
        Ok(if total == len {
            Fill::Complete
        } else if total == 0 {
            self.buf.truncate(start);
            Fill::Eof
        } else {
            Fill::Short(total)
        })
    }

    /// Skips `len` bytes without buffering them; returns how many were there.
    pub fn skip(&mut self, len: u64) -> Result<u64, CaptureError> {
        debug_assert!(self.pending.is_empty());
        self.done_with_record();
        let skipped = io::copy(&mut (&mut self.input).take(len), &mut io::sink())
            .map_err(|e| self.error_at(self.offset, &crate::io_error_text(&e)))?;
        self.offset += skipped;
        Ok(skipped)
    }

    pub fn buf(&self) -> &[u8] {
        if self.in_place > 0 {
            &self.input.buffer()[..self.in_place]
        } else {
            &self.buf
        }
    }

    pub fn record(&self, start: usize, len: usize) -> &[u8] {
        &self.buf()[start..start + len]
    }
}
