//! The in-place way: rewrite the file from its first change on, step by step, under a
//! journal that lets an interrupted save be finished exactly.
//!
//! The journal (`.NAME.maphex-relayout`) is a header, then one record per step, then a
//! completion record:
//!
//! ```text
//! header   "MAPHEXL1", header length, journal length, dev, ino, old length, new length,
//!          first change, step size, segment count, 0,
//!          segments: 'O' len offset | 'B' len bytes | 'F' len phase plen pattern,
//!          checksum
//! step     'S', index, range count, byte count, (offset, length)*, old bytes, checksum
//! complete 'C', step count, 0, 0, checksum
//! ```
//!
//! Little-endian u64s throughout; each record's checksum is seeded with the header's. The
//! header holds everything the save writes that is not already in the file (bytes, fills as
//! patterns), so finishing needs nothing from memory. The order of one save:
//!
//! 1. header written and synced (with its folder): a torn header means the file was never
//!    touched, and the journal is dropped;
//! 2. the file grown to its new length (blocks reserved with `fallocate`, so the writes
//!    that follow cannot run out of space);
//! 3. per step: its record (the old bytes its own writes destroy) written and synced, then
//!    its bytes written and synced. The last valid record says which step to redo; the
//!    ones before it are durable;
//! 4. the completion record, then the file cut to its new length, then the journal removed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

use super::read::{Reader, fill_into};
use super::schedule::{COMPLETE_LEN, Piece, Scheduler, record_len, saved_ranges};
use super::spec::{self, Class, Cursor, Ident, Spec, Src, Sum};
use super::{Fault, RelayoutError, sys};
use crate::core::journal;

/// A crash simulated at `f` when it is the fault asked for.
fn hit(want: Option<Fault>, f: Fault) -> Result<(), RelayoutError> {
    if want == Some(f) {
        Err(RelayoutError::Fault(f))
    } else {
        Ok(())
    }
}

/// The last valid record of a journal.
pub enum Last<'j> {
    /// No step began.
    Nothing,
    /// Step `index` began; these are the old bytes it saved.
    Step(usize, Vec<(u64, &'j [u8])>),
    /// Every step is durable.
    Complete,
}

/// One in-place save (or its finishing) in progress.
pub struct Run<'s, 'a, 'f> {
    spec: &'s Spec<'a>,
    file: &'f File,
    journal: &'f File,
    /// Where the next record goes.
    jpos: u64,
    hsum: u64,
    fault: Option<Fault>,
    reader: Reader<'f>,
    /// Bytes written into the file.
    pub written: u64,
    /// Bytes written into the journal.
    pub journaled: u64,
    buf: Vec<u8>,
}

impl<'s, 'a, 'f> Run<'s, 'a, 'f> {
    /// A run over `file` with its open `journal`, records starting at `jpos`.
    pub fn new(
        spec: &'s Spec<'a>,
        file: &'f File,
        journal: &'f File,
        jpos: u64,
        hsum: u64,
        fault: Option<Fault>,
    ) -> Self {
        let cap = usize::try_from(spec.block.saturating_mul(2))
            .unwrap_or(usize::MAX)
            .clamp(64 << 10, 1 << 20);
        Run {
            spec,
            file,
            journal,
            jpos,
            hsum,
            fault,
            reader: Reader::new(file, cap),
            written: 0,
            journaled: 0,
            buf: Vec::new(),
        }
    }

    /// Grows the file to the new length, reserving its blocks.
    pub fn extend(&mut self) -> Result<(), RelayoutError> {
        let (old, new) = (self.spec.old_len, self.spec.new_len);
        let now = self.file.metadata()?.len();
        if new > now {
            if !sys::allocate(self.file, now, new - now)? {
                // No preallocation here: write the zeros (beyond the old end, harmless).
                let zeros = vec![0u8; 1 << 20];
                let mut at = now.max(old);
                while at < new {
                    let n = (new - at).min(zeros.len() as u64) as usize;
                    self.file.write_all_at(&zeros[..n], at)?;
                    at += n as u64;
                }
            }
            self.file.sync_all()?;
        }
        hit(self.fault, Fault::Extended)
    }

    /// Runs every step from `from` on; `saved` is the record of step `from` when it began
    /// before (finishing an interrupted save).
    pub fn steps(
        &mut self,
        from: usize,
        mut saved: Option<Vec<(u64, &[u8])>>,
    ) -> Result<usize, RelayoutError> {
        let mut sched = Scheduler::new(self.spec);
        let mut index = 0;
        while let Some(step) = sched.next_step() {
            if index >= from {
                self.step(index, &step, saved.take().as_deref())?;
            }
            index += 1;
        }
        Ok(index)
    }

    fn record(&mut self, tag: u8, index: usize, ranges: &[(u64, u64)]) -> io::Result<Vec<u8>> {
        let total: u64 = ranges.iter().map(|(a, b)| b - a).sum();
        let mut rec = Vec::with_capacity(usize::try_from(record_len(ranges)).unwrap_or(0));
        rec.push(tag);
        for v in [index as u64, ranges.len() as u64, total] {
            rec.extend_from_slice(&v.to_le_bytes());
        }
        for (a, b) in ranges {
            rec.extend_from_slice(&a.to_le_bytes());
            rec.extend_from_slice(&(b - a).to_le_bytes());
        }
        for &(a, b) in ranges {
            self.reader.read_into(a, b - a, &mut rec)?;
        }
        let mut sum = Sum::new(self.hsum);
        sum.update(&rec);
        rec.extend_from_slice(&sum.finish().to_le_bytes());
        Ok(rec)
    }

    fn step(
        &mut self,
        index: usize,
        step: &[Piece],
        saved: Option<&[(u64, &[u8])]>,
    ) -> Result<(), RelayoutError> {
        let spec = self.spec;
        let mut order: Vec<&Piece> = step.iter().collect();
        order.sort_unstable_by_key(|p| p.dst(spec));
        // The step's new bytes, in file order, and the contiguous runs they make.
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let mut runs: Vec<(u64, usize, usize)> = Vec::new();
        for p in &order {
            let seg = &spec.segs[p.seg];
            let d = p.dst(spec);
            let start = buf.len();
            match seg.src {
                Src::Old(o) => self.reader.read_into(o + p.skip, p.len, &mut buf)?,
                Src::Fill(pat, phase) => fill_into(pat, phase, p.skip, p.len, &mut buf),
                Src::Bytes(_) | Src::Extra(_) => {
                    let m = spec.memory(seg).ok_or_else(|| damaged("a segment"))?;
                    let (s, n) = (usize::try_from(p.skip), usize::try_from(p.len));
                    let (Ok(s), Ok(n)) = (s, n) else {
                        return Err(damaged("a segment").into());
                    };
                    buf.extend_from_slice(m.get(s..s + n).ok_or_else(|| damaged("a segment"))?);
                }
            }
            if let (Some(saved), Some(src)) = (saved, p.moved_from(spec)) {
                overlay(&mut buf[start..], src, saved);
            }
            match runs.last_mut() {
                Some((rd, _, rn)) if *rd + *rn as u64 == d => *rn += buf.len() - start,
                _ => runs.push((d, start, buf.len() - start)),
            }
        }
        if saved.is_none() {
            let ranges = saved_ranges(spec, step);
            let rec = self.record(b'S', index, &ranges)?;
            if self.fault == Some(Fault::RecordTorn(index)) {
                self.journal
                    .write_all_at(&rec[..rec.len() / 2], self.jpos)?;
                return Err(RelayoutError::Fault(Fault::RecordTorn(index)));
            }
            self.journal.write_all_at(&rec, self.jpos)?;
            self.journal.sync_data()?;
            self.jpos += rec.len() as u64;
            self.journaled += rec.len() as u64;
        }
        hit(self.fault, Fault::StepJournaled(index))?;
        for &(d, s, n) in &runs {
            if d < spec.first {
                return Err(io::Error::other("refusing to write before the first change").into());
            }
            if self.fault == Some(Fault::StepTorn(index)) {
                // A torn step: any of its writes may or may not have landed.
                self.file.write_all_at(&vec![0xEE; n], d)?;
            } else {
                self.file.write_all_at(&buf[s..s + n], d)?;
                self.written += n as u64;
            }
        }
        hit(self.fault, Fault::StepTorn(index))?;
        self.file.sync_data()?;
        self.reader.invalidate();
        self.buf = buf;
        hit(self.fault, Fault::StepWritten(index))
    }

    /// Marks every step durable, cuts the file to its new length and removes the journal.
    pub fn complete(
        &mut self,
        steps: usize,
        jpath: &Path,
        done: bool,
    ) -> Result<(), RelayoutError> {
        if !done {
            let rec = self.record(b'C', steps, &[])?;
            debug_assert_eq!(rec.len() as u64, COMPLETE_LEN);
            self.journal.write_all_at(&rec, self.jpos)?;
            self.journal.sync_data()?;
            self.journaled += rec.len() as u64;
        }
        hit(self.fault, Fault::Completed)?;
        if self.file.metadata()?.len() != self.spec.new_len {
            self.file.set_len(self.spec.new_len)?;
        }
        self.file.sync_all()?;
        hit(self.fault, Fault::Truncated)?;
        fs::remove_file(jpath)?;
        journal::sync_dir(jpath)?;
        Ok(())
    }
}

/// Writes the saved old bytes that fall in `src..src + out.len()` over `out`.
fn overlay(out: &mut [u8], src: u64, saved: &[(u64, &[u8])]) {
    let end = src + out.len() as u64;
    let mut k = saved.partition_point(|(o, b)| o + b.len() as u64 <= src);
    while let Some(&(o, b)) = saved.get(k) {
        if o >= end {
            break;
        }
        let a = o.max(src);
        let z = (o + b.len() as u64).min(end);
        out[(a - src) as usize..(z - src) as usize]
            .copy_from_slice(&b[(a - o) as usize..(z - o) as usize]);
        k += 1;
    }
}

fn damaged(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the relayout journal is damaged ({what})"),
    )
}

/// Reads the records after the header: the last valid one and where the next would go.
pub fn last_record(data: &[u8], start: u64, hsum: u64) -> (Last<'_>, u64) {
    let mut at = usize::try_from(start).unwrap_or(usize::MAX);
    let mut last = Last::Nothing;
    let mut expect = 0u64;
    while let Some(rec) = parse_record(data, at, hsum) {
        let (tag, index, ranges, next) = rec;
        if index != expect {
            break;
        }
        at = next;
        if tag == b'C' {
            last = Last::Complete;
            break;
        }
        last = Last::Step(usize::try_from(index).unwrap_or(usize::MAX), ranges);
        expect += 1;
    }
    (last, at as u64)
}

type Record<'j> = (u8, u64, Vec<(u64, &'j [u8])>, usize);

fn parse_record(data: &[u8], at: usize, hsum: u64) -> Option<Record<'_>> {
    let mut c = Cursor { b: data, at };
    let tag = c.take(1)?[0];
    if tag != b'S' && tag != b'C' {
        return None;
    }
    let (index, count, total) = (c.num()?, c.num()?, c.num()?);
    let mut heads = Vec::new();
    for _ in 0..count {
        heads.push((c.num()?, c.num()?));
    }
    let bytes = c.take(total)?;
    let body_end = c.at;
    let sum = c.num()?;
    let mut check = Sum::new(hsum);
    check.update(data.get(at..body_end)?);
    if check.finish() != sum {
        return None;
    }
    let mut ranges = Vec::with_capacity(heads.len());
    let mut pos = 0usize;
    for (o, n) in heads {
        let n = usize::try_from(n).ok()?;
        ranges.push((o, bytes.get(pos..pos.checked_add(n)?)?));
        pos += n;
    }
    (pos == bytes.len()).then_some((tag, index, ranges, c.at))
}

/// What an in-place save writes: (into the file, into the journal).
pub fn estimate(spec: &Spec<'_>) -> (u64, u64) {
    let (file, records) = super::schedule::cost(spec);
    (file, spec::header_len(spec) + records)
}

/// Saves `spec` over `file` in place under the journal `jpath`. Returns (file bytes,
/// journal bytes) written. Everything before the first target write is undone on failure.
pub fn save(
    spec: &Spec<'_>,
    file: &File,
    jpath: &Path,
    mode: u32,
    fault: Option<Fault>,
) -> Result<(u64, u64), RelayoutError> {
    let meta = file.metadata()?;
    let id = Ident {
        dev: meta.dev(),
        ino: meta.ino(),
    };
    let (_, jlen) = estimate(spec);
    let journal = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(mode & 0o666)
        .open(jpath)?;
    let undo = |e: RelayoutError| -> RelayoutError {
        if matches!(e, RelayoutError::Fault(_)) {
            return e;
        }
        // Nothing in the file changed but maybe its length: put it back, drop the journal.
        let _ = file.set_len(spec.old_len);
        let _ = file.sync_all();
        let _ = fs::remove_file(jpath);
        let _ = journal::sync_dir(jpath);
        e
    };
    let hsum = (|| -> Result<u64, RelayoutError> {
        sys::allocate(&journal, 0, jlen)?;
        if fault == Some(Fault::HeaderTorn) {
            let mut whole = Vec::new();
            spec::write_header(&mut whole, spec, id, jlen)?;
            journal.write_all_at(&whole[..whole.len() / 2], 0)?;
            return Err(RelayoutError::Fault(Fault::HeaderTorn));
        }
        let sum = spec::write_header(BufWriter::with_capacity(1 << 20, &journal), spec, id, jlen)?;
        journal.sync_all()?;
        journal::sync_dir(jpath)?;
        hit(fault, Fault::JournalWritten)?;
        Ok(sum)
    })()
    .map_err(undo)?;
    let hlen = spec::header_len(spec);
    let mut run = Run::new(spec, file, &journal, hlen, hsum, fault);
    run.extend().map_err(undo)?;
    let steps = run.steps(0, None);
    let steps = match steps {
        Ok(n) => n,
        Err(e) if run.written == 0 && !matches!(e, RelayoutError::Fault(_)) => {
            return Err(undo(e));
        }
        Err(e) => return Err(interrupted(jpath, e)),
    };
    run.complete(steps, jpath, false)
        .map_err(|e| interrupted(jpath, e))?;
    Ok((run.written, run.journaled + hlen))
}

/// A failure after the file began to change: the journal stays to finish the save.
fn interrupted(jpath: &Path, e: RelayoutError) -> RelayoutError {
    match e {
        RelayoutError::Io(source) => RelayoutError::Interrupted {
            journal: jpath.to_path_buf(),
            source,
        },
        e => e,
    }
}

/// Finishes the save whose journal is `jpath` over `target`. `Ok(None)` when the journal
/// was torn before the file was touched (it is dropped; the file is old).
pub fn finish(
    target: &Path,
    jpath: &Path,
    fault: Option<Fault>,
) -> Result<Option<(u64, u64, u64)>, RelayoutError> {
    let data = fs::read(jpath)?;
    let Some(h) = spec::read_header(&data) else {
        fs::remove_file(jpath)?;
        journal::sync_dir(jpath)?;
        return Ok(None);
    };
    let file = OpenOptions::new().read(true).write(true).open(target)?;
    let meta = file.metadata()?;
    let mismatch = |why: &'static str| RelayoutError::Damaged {
        journal: jpath.to_path_buf(),
        why,
    };
    if (meta.dev(), meta.ino()) != (h.id.dev, h.id.ino) {
        return Err(mismatch("it belongs to another file of that name"));
    }
    let (lo, hi) = (
        h.spec.old_len.min(h.spec.new_len),
        h.spec.old_len.max(h.spec.new_len),
    );
    if meta.len() < lo || meta.len() > hi {
        return Err(mismatch("the file's length fits neither side of the save"));
    }
    let (last, next) = last_record(&data, h.len, h.sum);
    let journal = OpenOptions::new().read(true).write(true).open(jpath)?;
    // Whatever follows the last valid record was torn: clear it, keep the space reserved.
    journal.set_len(next)?;
    sys::allocate(&journal, 0, h.journal_len.max(next))?;
    let complete = matches!(last, Last::Complete);
    let mut run = Run::new(&h.spec, &file, &journal, next, h.sum, fault);
    let steps = match last {
        Last::Complete => 0,
        Last::Nothing => {
            run.extend()?;
            run.steps(0, None)?
        }
        Last::Step(j, saved) => {
            run.extend()?;
            run.steps(j, Some(saved))?
        }
    };
    run.complete(steps, jpath, complete)?;
    debug_assert!(h.spec.classes.iter().all(|c| *c != Class::Convert));
    Ok(Some((h.spec.first, run.written, run.journaled)))
}

/// [`overlay`] for the scheduler's tests.
#[cfg(test)]
pub fn overlay_for_tests(out: &mut [u8], src: u64, saved: &[(u64, &[u8])]) {
    overlay(out, src, saved);
}
