//! Ordered byte streams from TCP segments: each byte delivered once, in sequence order,
//! whatever the capture did (retransmissions, overlaps, out-of-order arrival).
//!
//! Out-of-order data waits in a buffer capped at [`DEFAULT_CAP`] bytes per direction.
//! When the cap would be exceeded, or the direction ends with a hole, the hole is
//! skipped and reported, so a lost segment never stalls a stream or grows memory.

use std::collections::BTreeMap;

/// Out-of-order bytes held per direction before a hole is given up on.
pub const DEFAULT_CAP: usize = 1024 * 1024;

/// What one segment did to the stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// Bytes of this segment already delivered or already waiting (retransmitted data).
    pub duplicate: usize,
    /// Bytes of holes given up on (never captured), in stream order.
    pub skipped: u64,
    /// The out-of-order buffer was full and a hole was skipped to make room.
    pub overflowed: bool,
}

#[derive(Debug)]
pub struct Reassembler {
    /// Next expected sequence number, once known.
    next_seq: Option<u32>,
    /// Bytes delivered so far; keys of `pending` are stream offsets on the same scale.
    delivered: u64,
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    cap: usize,
}

impl Default for Reassembler {
    fn default() -> Self {
        Reassembler::with_cap(DEFAULT_CAP)
    }
}

impl Reassembler {
    pub fn with_cap(cap: usize) -> Self {
        Reassembler {
            next_seq: None,
            delivered: 0,
            pending: BTreeMap::new(),
            pending_bytes: 0,
            cap,
        }
    }

    /// Bytes delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Bytes waiting behind a hole.
    pub fn pending_bytes(&self) -> usize {
        self.pending_bytes
    }

    /// Adds a segment; newly contiguous bytes are appended to `out`.
    pub fn push(&mut self, seq: u32, syn: bool, payload: &[u8], out: &mut Vec<u8>) -> Pushed {
        let mut result = Pushed::default();
        let data_seq = if syn { seq.wrapping_add(1) } else { seq };
        let next = *self.next_seq.get_or_insert(data_seq);
        if payload.is_empty() {
            return result;
        }
        // Position relative to the next expected byte; serial-number arithmetic (RFC 1982).
        let rel = i64::from(data_seq.wrapping_sub(next) as i32);
        let len = payload.len() as i64;
        if rel + len <= 0 {
            result.duplicate = payload.len();
            return result;
        }
        let (start, data) = if rel < 0 {
            result.duplicate = (-rel) as usize;
            (self.delivered, &payload[(-rel) as usize..])
        } else {
            (self.delivered + rel as u64, payload)
        };
        result.duplicate += self.insert(start, data, &mut result, out);
        self.drain(out);
        result
    }

    /// Bytes `[seq, seq + len)` will never come (the capture's snaplen cut them off a
    /// segment): when nothing before them is missing, the stream steps over them, so it
    /// goes on with the next segment instead of waiting for them. Returns the bytes
    /// stepped over.
    pub fn lost(&mut self, seq: u32, len: u32, out: &mut Vec<u8>) -> u64 {
        let Some(next) = self.next_seq else {
            return 0;
        };
        let rel = i64::from(seq.wrapping_sub(next) as i32);
        let end = rel + i64::from(len);
        if rel > 0 || end <= 0 {
            return 0;
        }
        self.advance(end as u64);
        self.drain(out);
        end as u64
    }

    /// The direction ended (FIN or RST): deliver what waits, skipping holes.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> u64 {
        let mut skipped = 0;
        while let Some((&offset, _)) = self.pending.first_key_value() {
            skipped += self.skip_to(offset);
            self.drain(out);
        }
        skipped
    }

    /// Stores data at `start`, skipping holes if the buffer would overflow.
    /// Returns how many of its bytes were already waiting.
    fn insert(&mut self, start: u64, data: &[u8], result: &mut Pushed, out: &mut Vec<u8>) -> usize {
        if start == self.delivered && self.pending.is_empty() {
            // The common case, in order with nothing waiting: straight through.
            out.extend_from_slice(data);
            self.advance(data.len() as u64);
            return 0;
        }
        if start == self.delivered {
            // In order: no need to buffer unless something overlaps it later.
            self.pending.entry(start).or_default();
            let slot = self.pending.get_mut(&start).expect("just inserted");
            let duplicate = slot.len().min(data.len());
            if data.len() > slot.len() {
                self.pending_bytes += data.len() - slot.len();
                *slot = data.to_vec();
            }
            return duplicate;
        }
        if self.pending_bytes + data.len() > self.cap {
            result.overflowed = true;
            // Give up on the first hole: deliver from the earliest waiting segment on.
            if let Some((&first, _)) = self.pending.first_key_value() {
                if first < start {
                    result.skipped += self.skip_to(first);
                    self.drain(out);
                }
            }
            if self.pending_bytes + data.len() > self.cap {
                // Still no room: this segment itself starts the stream anew.
                result.skipped += self.skip_to(start);
                self.pending.clear();
                self.pending_bytes = 0;
            }
        }
        match self.pending.get(&start) {
            Some(existing) if existing.len() >= data.len() => data.len(),
            Some(existing) => {
                let duplicate = existing.len();
                self.pending_bytes += data.len() - existing.len();
                self.pending.insert(start, data.to_vec());
                duplicate
            }
            None => {
                self.pending_bytes += data.len();
                self.pending.insert(start, data.to_vec());
                0
            }
        }
    }

    /// Moves the delivery point forward over a hole to `offset`.
    fn skip_to(&mut self, offset: u64) -> u64 {
        if offset <= self.delivered {
            return 0;
        }
        let gap = offset - self.delivered;
        self.advance(gap);
        gap
    }

    fn advance(&mut self, bytes: u64) {
        self.delivered += bytes;
        if let Some(next) = self.next_seq.as_mut() {
            *next = next.wrapping_add(bytes as u32);
        }
    }

    /// Delivers every waiting segment that now touches the delivery point.
    fn drain(&mut self, out: &mut Vec<u8>) {
        while let Some(entry) = self.pending.first_entry() {
            let offset = *entry.key();
            if offset > self.delivered {
                break;
            }
            let data = entry.remove();
            self.pending_bytes -= data.len();
            let overlap = (self.delivered - offset) as usize;
            if overlap < data.len() {
                out.extend_from_slice(&data[overlap..]);
                self.advance((data.len() - overlap) as u64);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cut_by_the_snaplen_are_stepped_over() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.push(999, true, b"", &mut out);
        // 10 bytes on the wire, 3 captured: the stream goes on after the 10.
        r.push(1000, false, b"abc", &mut out);
        assert_eq!(r.lost(1003, 7, &mut out), 7);
        r.push(1010, false, b"xyz", &mut out);
        assert_eq!(out, b"abcxyz");
        assert_eq!(r.pending_bytes(), 0);
        // Lost bytes behind a hole are left to the hole's rules.
        assert_eq!(r.lost(2000, 5, &mut out), 0);
    }

    #[test]
    fn in_order_out_of_order_and_retransmitted_bytes_arrive_once() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.push(999, true, b"", &mut out); // SYN: data starts at 1000
        r.push(1000, false, b"abc", &mut out);
        let late = r.push(1006, false, b"ghi", &mut out);
        assert_eq!(late.duplicate, 0);
        assert_eq!(out, b"abc");
        assert_eq!(r.pending_bytes(), 3);
        r.push(1003, false, b"def", &mut out);
        assert_eq!(out, b"abcdefghi");
        let again = r.push(1003, false, b"defghij", &mut out);
        assert_eq!(again.duplicate, 6);
        assert_eq!(out, b"abcdefghij");
        assert_eq!(r.delivered(), 10);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.push(u32::MAX - 1, false, b"ab", &mut out);
        r.push(0, false, b"cd", &mut out);
        assert_eq!(out, b"abcd");
    }

    #[test]
    fn a_hole_is_skipped_when_the_buffer_is_full() {
        let mut r = Reassembler::with_cap(4);
        let mut out = Vec::new();
        r.push(0, false, b"ab", &mut out);
        r.push(4, false, b"ef", &mut out); // hole at 2..4
        let pushed = r.push(6, false, b"ghi", &mut out);
        assert!(pushed.overflowed);
        assert_eq!(pushed.skipped, 2);
        assert_eq!(out, b"abefghi");
        assert!(r.pending_bytes() <= 4);
    }

    #[test]
    fn finish_flushes_past_holes() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.push(0, false, b"ab", &mut out);
        r.push(5, false, b"xy", &mut out);
        assert_eq!(r.finish(&mut out), 3);
        assert_eq!(out, b"abxy");
    }

    #[test]
    fn a_capture_starting_mid_stream_starts_at_its_first_byte() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.push(5000, false, b"mid", &mut out);
        r.push(4990, false, b"old bytes", &mut out); // before the start: duplicate
        assert_eq!(out, b"mid");
    }
}
