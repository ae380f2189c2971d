//! The scans' read buffer, started on a cache line.
//!
//! The kernel copies a read's bytes from the page cache into the buffer (`rep movsb` on
//! x86-64), and on some processors that copy runs at half speed or less when the buffer does
//! not start on a cache line. glibc's `malloc` puts a block of 1 MiB (the scans' default
//! buffer) just past the start of a page, 16 bytes into a cache line. Measured on a 2-core
//! AMD EPYC, reading a 1 GiB log in the page cache into 1 MiB buffers on two threads: 5.3
//! GB/s at that 16-byte offset, 12.2 GB/s on a cache line; `smartnotes scan`, a new process
//! whose buffers were all placed so, ran at half the speed of a benchmark loop whose buffers,
//! reused from the heap, happened to be aligned.

/// A cache line's size on the processors that care (x86-64, most arm64).
const LINE: usize = 64;

/// A zeroed buffer whose first byte is on a [`LINE`] boundary.
#[derive(Default)]
pub(super) struct LineBuffer {
    /// `len` bytes from `start`, with up to `LINE - 1` spare bytes around them.
    bytes: Vec<u8>,
    start: usize,
    len: usize,
}

impl LineBuffer {
    /// A buffer of `len` zeroed bytes.
    pub(super) fn new(len: usize) -> Self {
        let bytes = vec![0; len + LINE - 1];
        // `align_offset` may say it cannot tell (`usize::MAX`): then start at 0, which is
        // only slower.
        let start = match bytes.as_ptr().align_offset(LINE) {
            offset if offset < LINE => offset,
            _ => 0,
        };
        Self { bytes, start, len }
    }

    /// Its length.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Its bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes[self.start..self.start + self.len]
    }

    /// Its bytes, to read into.
    pub(super) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[self.start..self.start + self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_starts_on_a_cache_line_and_has_its_length() {
        for len in [0, 1, 63, 64, 65, 4096, 1 << 20] {
            let mut buffer = LineBuffer::new(len);
            assert_eq!(buffer.len(), len);
            assert_eq!(buffer.bytes().len(), len);
            assert!(buffer.bytes().iter().all(|&b| b == 0));
            let first = buffer.bytes_mut().as_mut_ptr();
            assert_eq!(first.align_offset(LINE), 0, "{len} bytes at {first:p}");
        }
        assert_eq!(LineBuffer::default().len(), 0);
    }
}
