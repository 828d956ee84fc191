//! A cursor with the semantics of a file object: `seek`, `tell`, and `read(n)` that returns
//! bytes and advances, while looking at a range through [`ByteSource::read`] does not move it
//! (Python's `mmap` object behaves the same way). It also implements `std::io::Read` and
//! `std::io::Seek`, so any reader-based code can walk a document.

use std::borrow::Cow;
use std::io::{self, SeekFrom};

use crate::core::source::ByteSource;

/// A position over a byte source.
#[derive(Debug, Clone)]
pub struct Cursor<S> {
    src: S,
    pos: u64,
}

impl<S: ByteSource> Cursor<S> {
    /// A cursor at offset 0.
    pub fn new(src: S) -> Self {
        Self { src, pos: 0 }
    }

    /// The current position (may be past the end after a seek, as with files).
    pub fn tell(&self) -> u64 {
        self.pos
    }

    /// Moves the position, as `std::io::Seek` does: past the end is allowed, before the start
    /// is an error and leaves the position unchanged.
    pub fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let (base, delta) = match to {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::End(d) => (self.src.len(), d),
            SeekFrom::Current(d) => (self.pos, d),
        };
        match base.checked_add_signed(delta) {
            Some(n) => {
                self.pos = n;
                Ok(n)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid seek to a negative or overflowing position",
            )),
        }
    }

    /// Returns up to `n` bytes from the position and advances past them.
    pub fn read(&mut self, n: u64) -> Cow<'_, [u8]> {
        let start = self.pos;
        let end = start.saturating_add(n);
        let got = self.src.read(start..end);
        self.pos = start.saturating_add(got.len() as u64).max(start);
        got
    }

    /// The source.
    pub fn get_ref(&self) -> &S {
        &self.src
    }

    /// The source, to change it (an editor's document); the position stays where it is.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.src
    }
}

impl<S: ByteSource> io::Read for Cursor<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let got = Cursor::read(self, buf.len() as u64);
        let n = got.len();
        buf[..n].copy_from_slice(&got);
        Ok(n)
    }
}

impl<S: ByteSource> io::Seek for Cursor<S> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        Cursor::seek(self, pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pymotw_mmap_read() {
        // PyMOTW's mmap reading example on the sample file.
        let text = include_bytes!("../../assets/lorem.txt").to_vec();
        let mut c = Cursor::new(&text);
        assert_eq!(&*c.read(10), b"Lorem ipsu");
        assert_eq!(
            &*c.get_ref().read(0..10),
            b"Lorem ipsu",
            "slicing does not move"
        );
        assert_eq!(&*c.read(10), b"m dolor si");
        assert_eq!(c.tell(), 20);
    }

    #[test]
    fn seek_before_start_fails_and_keeps_position() {
        let v = b"abc".to_vec();
        let mut c = Cursor::new(&v);
        c.seek(SeekFrom::Start(2)).unwrap();
        assert!(c.seek(SeekFrom::Current(-3)).is_err());
        assert_eq!(c.tell(), 2);
        assert_eq!(c.seek(SeekFrom::End(5)).unwrap(), 8);
        assert_eq!(&*c.read(4), b"");
        assert_eq!(c.tell(), 8);
    }
}
