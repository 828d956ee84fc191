//! What an in-place save will do, in a form the journal can hold: the segments of the new
//! file from the first change on, each an old range, bytes or a fill, and how each is
//! classified (left alone, moved, or written from memory). The same classification runs
//! when a save is planned, when it starts, and when an interrupted one is finished from its
//! journal, so all three agree on every step.

use std::fs::File;
use std::io::{self, Write};

use crate::core::layout::{Layout, Source};

/// The journal's first bytes.
pub const MAGIC: &[u8; 8] = b"MAPHEXL1";

/// A checksum to notice torn side-file records: FNV-1a over 8-byte words (not about
/// adversaries; the word-wise step keeps it near memory speed for journals of many MiB).
#[derive(Clone)]
pub struct Sum {
    h: u64,
    tail: [u8; 8],
    n: usize,
}

const PRIME: u64 = 0x0100_0000_01b3;

impl Sum {
    /// A sum started from `seed` (the header's sum seeds each record's).
    pub fn new(seed: u64) -> Self {
        Sum {
            h: seed ^ 0xcbf2_9ce4_8422_2325,
            tail: [0; 8],
            n: 0,
        }
    }

    fn word(&mut self, w: u64) {
        self.h = (self.h ^ w).wrapping_mul(PRIME);
    }

    /// Adds bytes.
    pub fn update(&mut self, mut b: &[u8]) {
        if self.n > 0 {
            let take = (8 - self.n).min(b.len());
            self.tail[self.n..self.n + take].copy_from_slice(&b[..take]);
            self.n += take;
            b = &b[take..];
            if self.n < 8 {
                return;
            }
            let w = u64::from_le_bytes(self.tail);
            self.word(w);
            self.n = 0;
        }
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.n = rest.len();
    }

    /// The sum of everything added.
    pub fn finish(&self) -> u64 {
        let mut s = self.clone();
        let mut last = [0u8; 8];
        last[..s.n].copy_from_slice(&s.tail[..s.n]);
        s.word(u64::from_le_bytes(last) ^ ((s.n as u64) << 56));
        // A final mix so that a short tail still moves every bit.
        let mut h = s.h;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// Where a segment's bytes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src<'a> {
    /// The old file at this offset.
    Old(u64),
    /// Bytes held here.
    Bytes(&'a [u8]),
    /// Bytes read from the old file before the save began, at `start` in [`Spec::extra`].
    Extra(usize),
    /// A pattern repeated from a phase.
    Fill(&'a [u8], usize),
}

/// One segment of the new file at or after the first change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg<'a> {
    /// Offset in the new file.
    pub dst: u64,
    /// Length.
    pub len: u64,
    /// Where its bytes come from.
    pub src: Src<'a>,
}

/// How the in-place way treats a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// An old range already at its place: nothing to write.
    Noop,
    /// An old range wholly before the first change, which is never written: read it when
    /// its turn comes.
    Stable,
    /// An old range that moves, one of a chain whose sources rise: ordered by the scheduler.
    Move,
    /// An old range out of the chain's order (a pasted copy): read before anything is
    /// written and kept in the journal as bytes.
    Convert,
    /// Bytes or a fill.
    Memory,
}

/// Classifies the segments `(dst, len, old offset)` of a new file whose first change is
/// `first`: the chain of moves is taken greedily in file order, each source starting at or
/// after the end of the previous one, so that sources rise and never overlap.
pub fn classify(first: u64, segs: impl Iterator<Item = (u64, u64, Option<u64>)>) -> Vec<Class> {
    let mut chain_end = 0u64;
    segs.map(|(dst, len, old)| match old {
        None => Class::Memory,
        Some(o) if o == dst => Class::Noop,
        Some(o) if o + len <= first => Class::Stable,
        Some(o) if o >= chain_end => {
            chain_end = o + len;
            Class::Move
        }
        Some(_) => Class::Convert,
    })
    .collect()
}

/// The new file from the first change on, as the in-place way and its journal see it.
#[derive(Debug)]
pub struct Spec<'a> {
    /// Length of the old file.
    pub old_len: u64,
    /// Length of the new file.
    pub new_len: u64,
    /// The first offset that changes.
    pub first: u64,
    /// Bytes moved per step.
    pub block: u64,
    /// Segments at or after `first`, in file order.
    pub segs: Vec<Seg<'a>>,
    /// Classes of `segs`.
    pub classes: Vec<Class>,
    /// Bytes of [`Src::Extra`] segments.
    pub extra: Vec<u8>,
}

impl<'a> Spec<'a> {
    /// The bytes of a segment that is not an old range.
    pub fn memory(&self, seg: &Seg<'a>) -> Option<&[u8]> {
        let n = usize::try_from(seg.len).ok()?;
        match seg.src {
            Src::Bytes(b) => Some(b),
            Src::Extra(s) => self.extra.get(s..s.checked_add(n)?),
            Src::Old(_) | Src::Fill(..) => None,
        }
    }

    /// Builds the spec of `layout` over an old file of `old_len` bytes whose first change is
    /// `first`, reading out-of-order old ranges (copies) from `file` now. Without a file, only
    /// the sizes are right (for planning).
    pub fn from_layout(
        layout: &'a Layout,
        file: Option<&File>,
        old_len: u64,
        first: u64,
        block: u64,
    ) -> io::Result<Self> {
        let tail: Vec<(u64, &crate::core::layout::Segment)> = layout
            .with_offsets()
            .filter(|(at, s)| at + s.len > first)
            .collect();
        let classes = classify(
            first,
            tail.iter().map(|(at, s)| {
                let old = match s.src {
                    Source::Old { offset } => Some(offset),
                    _ => None,
                };
                (*at, s.len, old)
            }),
        );
        let mut segs = Vec::with_capacity(tail.len());
        let mut extra = Vec::new();
        for ((at, s), class) in tail.iter().zip(&classes) {
            let src = match &s.src {
                Source::Old { offset } if *class == Class::Convert => {
                    let start = extra.len();
                    if let Some(file) = file {
                        let n = usize::try_from(s.len).map_err(|_| too_big())?;
                        extra.resize(start + n, 0);
                        super::read::read_full(file, &mut extra[start..], *offset)?;
                    }
                    Src::Extra(start)
                }
                Source::Old { offset } => Src::Old(*offset),
                Source::Data { start } => Src::Bytes(slice(layout.arena(), *start, s.len)?),
                Source::Shared { buf, start } => Src::Bytes(slice(buf, *start, s.len)?),
                Source::Fill { pattern, phase } => Src::Fill(pattern, *phase),
            };
            segs.push(Seg {
                dst: *at,
                len: s.len,
                src,
            });
        }
        let classes = segs
            .iter()
            .zip(classes)
            .map(|(s, c)| match s.src {
                Src::Extra(_) => Class::Memory,
                _ => c,
            })
            .collect();
        Ok(Spec {
            old_len,
            new_len: layout.len(),
            first,
            block,
            segs,
            classes,
            extra,
        })
    }
}

fn too_big() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "a segment is larger than this machine can address",
    )
}

fn slice(buf: &[u8], start: usize, len: u64) -> io::Result<&[u8]> {
    let n = usize::try_from(len).map_err(|_| too_big())?;
    start
        .checked_add(n)
        .and_then(|end| buf.get(start..end))
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a layout segment points past the end of its buffer",
            )
        })
}

/// The identity of the target the journal belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ident {
    /// Device.
    pub dev: u64,
    /// Inode.
    pub ino: u64,
}

const FIXED: u64 = 8 * 11;

/// Bytes of a segment's entry in the header.
pub fn entry_len(len: u64, src: Option<&Src<'_>>, class: Class) -> u64 {
    match (class, src) {
        (Class::Convert | Class::Memory, Some(Src::Fill(p, _))) => 1 + 8 * 3 + p.len() as u64,
        (Class::Convert | Class::Memory, _) => 1 + 8 + len,
        _ => 1 + 8 * 2,
    }
}

/// Bytes of the whole header of `spec` (with its checksum).
pub fn header_len(spec: &Spec<'_>) -> u64 {
    FIXED
        + spec
            .segs
            .iter()
            .zip(&spec.classes)
            .map(|(s, c)| entry_len(s.len, Some(&s.src), *c))
            .sum::<u64>()
        + 8
}

struct Summed<W: Write> {
    w: W,
    sum: Sum,
}

impl<W: Write> Summed<W> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.sum.update(b);
        self.w.write_all(b)
    }
    fn num(&mut self, v: u64) -> io::Result<()> {
        self.put(&v.to_le_bytes())
    }
}

/// Writes the header of `spec` for the target `id` into `w`; returns its checksum (which
/// seeds every record's). `journal_len` is the whole journal's planned size.
pub fn write_header(
    w: impl Write,
    spec: &Spec<'_>,
    id: Ident,
    journal_len: u64,
) -> io::Result<u64> {
    let mut s = Summed {
        w,
        sum: Sum::new(0),
    };
    s.put(MAGIC)?;
    for v in [
        header_len(spec),
        journal_len,
        id.dev,
        id.ino,
        spec.old_len,
        spec.new_len,
        spec.first,
        spec.block,
        spec.segs.len() as u64,
    ] {
        s.num(v)?;
    }
    // Reserved for a later version.
    s.num(0)?;
    for seg in &spec.segs {
        match seg.src {
            Src::Old(o) => {
                s.put(b"O")?;
                s.num(seg.len)?;
                s.num(o)?;
            }
            Src::Fill(p, phase) => {
                s.put(b"F")?;
                s.num(seg.len)?;
                s.num(phase as u64)?;
                s.num(p.len() as u64)?;
                s.put(p)?;
            }
            Src::Bytes(_) | Src::Extra(_) => {
                s.put(b"B")?;
                s.num(seg.len)?;
                let b = spec.memory(seg).ok_or_else(too_big)?;
                s.put(b)?;
            }
        }
    }
    let sum = s.sum.finish();
    s.w.write_all(&sum.to_le_bytes())?;
    s.w.flush()?;
    Ok(sum)
}

/// A header read back from a journal.
#[derive(Debug)]
pub struct Header<'a> {
    /// The spec it holds.
    pub spec: Spec<'a>,
    /// The target it belongs to.
    pub id: Ident,
    /// Where the records start.
    pub len: u64,
    /// The journal's planned size.
    pub journal_len: u64,
    /// Its checksum.
    pub sum: u64,
}

/// A little reader over a byte slice that fails softly (`None`) at the end.
pub struct Cursor<'a> {
    /// The bytes.
    pub b: &'a [u8],
    /// Where it is.
    pub at: usize,
}

impl<'a> Cursor<'a> {
    /// Takes `n` bytes.
    pub fn take(&mut self, n: u64) -> Option<&'a [u8]> {
        let n = usize::try_from(n).ok()?;
        let out = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }
    /// Takes a little-endian u64.
    pub fn num(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Reads a header from the start of `data`; `None` when it is torn or not a header.
pub fn read_header(data: &[u8]) -> Option<Header<'_>> {
    let mut c = Cursor { b: data, at: 0 };
    if c.take(8)? != MAGIC {
        return None;
    }
    let len = c.num()?;
    let body = data.get(..usize::try_from(len.checked_sub(8)?).ok()?)?;
    let sum = u64::from_le_bytes(data.get(body.len()..body.len() + 8)?.try_into().ok()?);
    let mut check = Sum::new(0);
    check.update(body);
    if check.finish() != sum {
        return None;
    }
    let mut c = Cursor { b: body, at: 16 };
    let journal_len = c.num()?;
    let id = Ident {
        dev: c.num()?,
        ino: c.num()?,
    };
    let (old_len, new_len, first, block, n) = (c.num()?, c.num()?, c.num()?, c.num()?, c.num()?);
    c.num()?;
    let mut segs = Vec::new();
    let mut dst = first;
    for _ in 0..n {
        let tag = c.take(1)?[0];
        let seg_len = c.num()?;
        let src = match tag {
            b'O' => Src::Old(c.num()?),
            b'F' => {
                let phase = usize::try_from(c.num()?).ok()?;
                let plen = c.num()?;
                let p = c.take(plen)?;
                if p.is_empty() || phase >= p.len() {
                    return None;
                }
                Src::Fill(p, phase)
            }
            b'B' => Src::Bytes(c.take(seg_len)?),
            _ => return None,
        };
        segs.push(Seg {
            dst,
            len: seg_len,
            src,
        });
        dst = dst.checked_add(seg_len)?;
    }
    if c.at != body.len() || dst != new_len || block == 0 {
        return None;
    }
    let classes = classify(
        first,
        segs.iter().map(|s| {
            let old = match s.src {
                Src::Old(o) => Some(o),
                _ => None,
            };
            (s.dst, s.len, old)
        }),
    );
    // A header holds no copies out of order (they were turned into bytes).
    if classes.contains(&Class::Convert) {
        return None;
    }
    Some(Header {
        spec: Spec {
            old_len,
            new_len,
            first,
            block,
            segs,
            classes,
            extra: Vec::new(),
        },
        id,
        len,
        journal_len,
        sum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_does_not_depend_on_how_bytes_are_split() {
        let data: Vec<u8> = (0..100u8).collect();
        let mut a = Sum::new(7);
        a.update(&data);
        let mut b = Sum::new(7);
        for c in data.chunks(3) {
            b.update(c);
        }
        assert_eq!(a.finish(), b.finish());
        let mut c = Sum::new(7);
        c.update(&data[..99]);
        assert_ne!(a.finish(), c.finish());
    }

    #[test]
    fn classes_follow_the_chain() {
        let segs = [
            (10, 5, Some(10)), // in place
            (15, 5, Some(2)),  // before the first change: stable
            (20, 5, Some(30)), // a move
            (25, 5, Some(28)), // overlaps the chain: a copy
            (30, 5, None),
            (35, 5, Some(40)),
        ];
        assert_eq!(
            classify(10, segs.into_iter()),
            [
                Class::Noop,
                Class::Stable,
                Class::Move,
                Class::Convert,
                Class::Memory,
                Class::Move
            ]
        );
    }
}
