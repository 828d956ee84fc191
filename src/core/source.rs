//! The read side every consumer shares: a length and the bytes of a range.
//!
//! The renderer, the search scanner, `dump` and the savers read through this trait and never
//! assume one flat slice for the whole file, so a later piece table (insert/delete) fits
//! without changing them.

use std::borrow::Cow;
use std::ops::Range;

/// Something with a length that hands out the bytes of a range.
///
/// `read` clips the range to `0..len()`; a range wholly past the end yields an empty slice.
/// The bytes are borrowed from the mapping where nothing was edited and owned where edits
/// (or an appended tail) had to be stitched in.
pub trait ByteSource {
    /// Length in bytes.
    fn len(&self) -> u64;

    /// The bytes of `range`, clipped to the source.
    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]>;

    /// True when the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ByteSource for [u8] {
    fn len(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        let len = <[u8]>::len(self) as u64;
        let start = range.start.min(len);
        let end = range.end.clamp(start, len);
        // Both ends are <= len, which came from a usize, so the conversions cannot fail.
        let (s, e) = (
            usize::try_from(start).unwrap_or(usize::MAX),
            usize::try_from(end).unwrap_or(usize::MAX),
        );
        Cow::Borrowed(&self[s..e])
    }
}

impl ByteSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        ByteSource::read(self.as_slice(), range)
    }
}

impl<T: ByteSource + ?Sized> ByteSource for &T {
    fn len(&self) -> u64 {
        (**self).len()
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        (**self).read(range)
    }
}

#[cfg(test)]
mod tests {
    use super::ByteSource;

    #[test]
    fn read_clips_to_the_end() {
        let v = b"hello".to_vec();
        assert_eq!(&*v.read(1..3), b"el");
        assert_eq!(&*v.read(3..99), b"lo");
        assert_eq!(&*v.read(9..99), b"");
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 4..2;
        assert_eq!(&*v.read(reversed), b"");
    }
}
