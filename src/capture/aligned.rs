//! A buffered reader whose buffer starts on a page boundary.
//!
//! `std::io::BufReader` takes its buffer from the allocator, which places a large block
//! 16 bytes past a page boundary. The kernel copies file data into that buffer with
//! `rep movsb`, and on AMD Zen processors that copy runs three to four times slower
//! into a destination so placed than into an aligned one: 305 MB took 0.14-0.20 s to
//! read instead of 0.04 s (docs/PERFORMANCE.md, eleventh round). Reading is the floor
//! of every decode, and a sharded replay reads the file once per shard.

use std::io::{self, BufRead, Read};

/// Where the buffer starts: a page, so that any alignment the copy prefers holds.
const ALIGN: usize = 4096;

pub(super) struct AlignedBufReader<R> {
    inner: R,
    /// The allocation; the buffer is `storage[start..start + capacity]`.
    storage: Vec<u8>,
    start: usize,
    capacity: usize,
    /// Read position and end of the valid bytes, relative to `start`.
    pos: usize,
    filled: usize,
}

impl<R: Read> AlignedBufReader<R> {
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        let storage = vec![0u8; capacity + ALIGN];
        let start = storage.as_ptr().align_offset(ALIGN).min(ALIGN);
        AlignedBufReader {
            inner,
            storage,
            start,
            capacity,
            pos: 0,
            filled: 0,
        }
    }

    /// The bytes read ahead and not consumed yet (reads nothing).
    pub fn buffer(&self) -> &[u8] {
        &self.storage[self.start + self.pos..self.start + self.filled]
    }
}

impl<R: Read> Read for AlignedBufReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // A large read with nothing buffered goes straight to the caller, as BufReader's.
        if self.pos == self.filled && out.len() >= self.capacity {
            return self.inner.read(out);
        }
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for AlignedBufReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.filled {
            let buffer = &mut self.storage[self.start..self.start + self.capacity];
            self.filled = loop {
                match self.inner.read(buffer) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    result => break result?,
                }
            };
            self.pos = 0;
        }
        Ok(self.buffer())
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.filled);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out at most `step` bytes a call, as a pipe may.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(out.len()).min(self.step);
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_buffer_starts_on_a_page() {
        for capacity in [1, 100, 4096, 65536] {
            let reader = AlignedBufReader::with_capacity(capacity, io::empty());
            let buffer = &reader.storage[reader.start..reader.start + reader.capacity];
            assert_eq!(buffer.as_ptr() as usize % ALIGN, 0);
            assert_eq!(buffer.len(), capacity);
        }
    }

    #[test]
    fn every_byte_comes_through_once_in_order_whatever_the_read_sizes() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
        for (capacity, step, chunk) in [(64, 1000, 10), (64, 7, 100), (4096, 4096, 5000), (16, 3, 1)] {
            let mut reader = AlignedBufReader::with_capacity(capacity, Trickle { data: &data, step });
            let mut got = Vec::new();
            let mut piece = vec![0u8; chunk];
            loop {
                let n = reader.read(&mut piece).expect("reads");
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&piece[..n]);
            }
            assert_eq!(got, data, "capacity {capacity}, step {step}, chunk {chunk}");
        }
    }

    #[test]
    fn buffer_and_consume_see_what_fill_buf_read() {
        let data = b"abcdefghij";
        let mut reader = AlignedBufReader::with_capacity(4, &data[..]);
        assert_eq!(reader.buffer(), b"", "nothing read yet");
        assert_eq!(reader.fill_buf().expect("fills"), b"abcd");
        reader.consume(3);
        assert_eq!(reader.buffer(), b"d");
        assert_eq!(reader.fill_buf().expect("keeps what is left"), b"d");
        reader.consume(10);
        assert_eq!(reader.fill_buf().expect("fills again"), b"efgh");
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).expect("reads the rest");
        assert_eq!(rest, b"efghij");
    }
}
