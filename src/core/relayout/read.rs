//! Reading the old file through its descriptor (never through a mapping: in place, the save
//! overwrites what a mapping shows) a window at a time, so that millions of short old
//! ranges cost one `pread` per window rather than one each.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// A window over the old file.
pub struct Reader<'f> {
    file: &'f File,
    win: Vec<u8>,
    off: u64,
    cap: usize,
}

fn short() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the old file is shorter than the new layout says",
    )
}

impl<'f> Reader<'f> {
    /// A reader with windows of `cap` bytes.
    pub fn new(file: &'f File, cap: usize) -> Self {
        Reader {
            file,
            win: Vec::new(),
            off: 0,
            cap: cap.max(4096),
        }
    }

    /// Forgets the window (after the file was written).
    pub fn invalidate(&mut self) {
        self.win.clear();
    }

    /// Appends the old bytes `off..off + len` to `out`.
    pub fn read_into(&mut self, off: u64, len: u64, out: &mut Vec<u8>) -> io::Result<()> {
        let n = usize::try_from(len).map_err(|_| short())?;
        let end = off.checked_add(len).ok_or_else(short)?;
        if n >= self.cap / 2 {
            let start = out.len();
            out.resize(start + n, 0);
            return read_full(self.file, &mut out[start..], off);
        }
        let have = off >= self.off && end <= self.off + self.win.len() as u64;
        if !have {
            // Reading backwards (the right pass of an in-place save): end the window here.
            let start = if off < self.off && !self.win.is_empty() {
                end.saturating_sub(self.cap as u64)
            } else {
                off
            };
            self.win.resize(self.cap, 0);
            let mut got = 0;
            while got < self.win.len() {
                match self.file.read_at(&mut self.win[got..], start + got as u64) {
                    Ok(0) => break,
                    Ok(k) => got += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.win.clear();
                        return Err(e);
                    }
                }
            }
            self.win.truncate(got);
            self.off = start;
            if end > start + got as u64 {
                self.win.clear();
                return Err(short());
            }
        }
        let at = usize::try_from(off - self.off).map_err(|_| short())?;
        out.extend_from_slice(&self.win[at..at + n]);
        Ok(())
    }
}

/// Fills `buf` from `file` at `off`, or fails with clear words at the end of the file.
pub fn read_full(file: &File, buf: &mut [u8], off: u64) -> io::Result<()> {
    file.read_exact_at(buf, off).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            short()
        } else {
            e
        }
    })
}

/// Appends `len` bytes of `pattern` repeated from `phase` to `out`.
pub fn fill_into(pattern: &[u8], phase: usize, skip: u64, len: u64, out: &mut Vec<u8>) {
    let p = pattern.len();
    if p == 0 {
        return;
    }
    let mut at = ((phase as u64 + skip % p as u64) % p as u64) as usize;
    let mut left = len;
    while left > 0 {
        let take = ((p - at) as u64).min(left) as usize;
        out.extend_from_slice(&pattern[at..at + take]);
        left -= take as u64;
        at = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn windows_forwards_and_backwards() {
        let mut f = tempfile::tempfile().unwrap();
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        f.write_all(&data).unwrap();
        let mut r = Reader::new(&f, 4096);
        let mut out = Vec::new();
        for &(o, n) in &[
            (0u64, 10u64),
            (5, 100),
            (15_000, 30),
            (14_000, 30),
            (19_990, 10),
        ] {
            out.clear();
            r.read_into(o, n, &mut out).unwrap();
            assert_eq!(out, &data[o as usize..(o + n) as usize]);
        }
        out.clear();
        r.read_into(100, 3000, &mut out).unwrap();
        assert_eq!(out, &data[100..3100]);
        assert!(r.read_into(19_995, 10, &mut out).is_err());
        let mut fill = Vec::new();
        fill_into(b"abc", 1, 4, 5, &mut fill);
        assert_eq!(fill, b"cabca");
    }
}
