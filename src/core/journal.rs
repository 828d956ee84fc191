//! Side files that make saving safe: the **journal** written before an in-place save (the
//! original bytes of every range about to be overwritten, so an interrupted save can be rolled
//! back), and the **recovery file** written when maphex dies with unsaved edits (the new
//! bytes, so the next open can restore them, as vim's swap file does).
//!
//! Both are one format: a magic, the file length to restore, and runs of (offset, bytes),
//! closed by a checksum. A side file whose checksum does not match was itself torn by a crash;
//! for a journal that means the target was never touched (the journal is fsynced before the
//! first write to the target), so it is safe to ignore and delete.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::core::layout::{Layout, Source};

const JOURNAL_MAGIC: &[u8; 8] = b"MAPHEXJ1";
const RECOVERY_MAGIC: &[u8; 8] = b"MAPHEXR1";

/// Which side file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Original bytes, written before an in-place save.
    Journal,
    /// Unsaved new bytes, written when maphex dies with edits.
    Recovery,
}

impl Kind {
    fn magic(self) -> &'static [u8; 8] {
        match self {
            Kind::Journal => JOURNAL_MAGIC,
            Kind::Recovery => RECOVERY_MAGIC,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Kind::Journal => "maphex-journal",
            Kind::Recovery => "maphex-recover",
        }
    }
}

/// The side file of `kind` for `target`: `.NAME.maphex-journal` in the same folder.
pub fn side_path(target: &Path, kind: Kind) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.join(format!(".{name}.{}", kind.suffix()))
}

/// A side file's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The length the target should have.
    pub len: u64,
    /// Runs of bytes to write, in order.
    pub runs: Vec<(u64, Vec<u8>)>,
}

/// A side file that could not be read.
#[derive(Debug, Error)]
pub enum JournalError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Not a maphex side file of the expected kind, or torn by a crash.
    #[error("{path} is damaged or not a maphex {what}; it can be deleted")]
    Damaged {
        /// The side file.
        path: PathBuf,
        /// Journal or recovery file.
        what: &'static str,
    },
}

/// FNV-1a, 64-bit: enough to notice a torn side file (this is not about adversaries).
fn fnv(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Writes a side file and fsyncs it and its folder, so it is on disk before anything else.
pub fn write(path: &Path, kind: Kind, record: &Record, mode: u32) -> io::Result<()> {
    write_checksummed(path, mode, |put| {
        put(kind.magic())?;
        put(&record.len.to_le_bytes())?;
        put(&(record.runs.len() as u64).to_le_bytes())?;
        for (off, bytes) in &record.runs {
            put(&off.to_le_bytes())?;
            put(&(bytes.len() as u64).to_le_bytes())?;
            put(bytes)?;
        }
        Ok(())
    })
}

/// Creates (or replaces) `path` with no more permission than `mode` (a side file holds the
/// target's bytes), writes what `body` puts, then the checksum of it all, and fsyncs the
/// file and its folder.
fn write_checksummed(
    path: &Path,
    mode: u32,
    body: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    let mut out = io::BufWriter::new(&mut f);
    let mut h = FNV_START;
    body(&mut |b: &[u8]| {
        h = fnv(h, b);
        out.write_all(b)
    })?;
    out.write_all(&h.to_le_bytes())?;
    out.flush()?;
    drop(out);
    f.sync_all()?;
    sync_dir(path)
}

/// Fsyncs the folder holding `path`, so a create, rename or remove in it is durable.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(dir)?.sync_all()
}

/// Reads a side file; `None` when there is none.
pub fn read(path: &Path, kind: Kind) -> Result<Option<Record>, JournalError> {
    let mut data = Vec::new();
    match File::open(path) {
        Ok(f) => {
            let mut f = f;
            f.read_to_end(&mut data)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let damaged = || JournalError::Damaged {
        path: path.to_path_buf(),
        what: match kind {
            Kind::Journal => "journal",
            Kind::Recovery => "recovery file",
        },
    };
    if data.len() < 32 || &data[..8] != kind.magic() {
        return Err(damaged());
    }
    let (body, sum) = data.split_at(data.len() - 8);
    if fnv(FNV_START, body).to_le_bytes() != sum {
        return Err(damaged());
    }
    let mut at = 8;
    let u64_at = |at: &mut usize| -> Option<u64> {
        let v = u64::from_le_bytes(body.get(*at..*at + 8)?.try_into().ok()?);
        *at += 8;
        Some(v)
    };
    let len = u64_at(&mut at).ok_or_else(damaged)?;
    let n = u64_at(&mut at).ok_or_else(damaged)?;
    let mut runs = Vec::new();
    for _ in 0..n {
        let off = u64_at(&mut at).ok_or_else(damaged)?;
        let k = usize::try_from(u64_at(&mut at).ok_or_else(damaged)?).map_err(|_| damaged())?;
        let bytes = body
            .get(at..at.checked_add(k).ok_or_else(damaged)?)
            .ok_or_else(damaged)?;
        runs.push((off, bytes.to_vec()));
        at += k;
    }
    if at != body.len() {
        return Err(damaged());
    }
    Ok(Some(Record { len, runs }))
}

/// Writes a record's runs into `file` and sets its length, then fsyncs: rolls a target back
/// from its journal.
pub fn apply(file: &File, record: &Record) -> io::Result<()> {
    for (off, bytes) in &record.runs {
        let end = off + bytes.len() as u64;
        let keep = end.min(record.len).saturating_sub(*off);
        let keep = usize::try_from(keep)
            .unwrap_or(bytes.len())
            .min(bytes.len());
        if keep > 0 {
            file.write_all_at(&bytes[..keep], *off)?;
        }
    }
    file.set_len(record.len)?;
    file.sync_all()
}

const LAYOUT_MAGIC: &[u8; 8] = b"MAPHEXL1";

/// Writes a recovery file that holds a whole layout (unsaved inserts and deletes): the file
/// length it applies to, then each segment as a tag and its data (old-file ranges by offset,
/// bytes in full, fills as their pattern). Closed by a checksum and fsynced like [`write`].
pub fn write_layout(path: &Path, base_len: u64, layout: &Layout, mode: u32) -> io::Result<()> {
    write_checksummed(path, mode, |put| {
        put(LAYOUT_MAGIC)?;
        put(&base_len.to_le_bytes())?;
        put(&layout.len().to_le_bytes())?;
        put(&(layout.segments().len() as u64).to_le_bytes())?;
        let mut scratch = Vec::new();
        for seg in layout.segments() {
            match &seg.src {
                Source::Old { offset } => {
                    put(&[0])?;
                    put(&offset.to_le_bytes())?;
                    put(&seg.len.to_le_bytes())?;
                }
                Source::Fill { pattern, phase } => {
                    put(&[2])?;
                    put(&(*phase as u64).to_le_bytes())?;
                    put(&seg.len.to_le_bytes())?;
                    put(&(pattern.len() as u64).to_le_bytes())?;
                    put(pattern)?;
                }
                Source::Data { .. } | Source::Shared { .. } => {
                    put(&[1])?;
                    put(&seg.len.to_le_bytes())?;
                    let n = usize::try_from(seg.len).unwrap_or(usize::MAX);
                    put(layout.memory_bytes(seg, 0, n, &mut scratch))?;
                }
            }
        }
        Ok(())
    })
}

/// Reads a layout recovery file: the file length it applies to and the layout. `None` when
/// the file is not one (an older, run-based recovery file: read it with [`read`]).
pub fn read_layout(path: &Path) -> Result<Option<(u64, Layout)>, JournalError> {
    let mut data = Vec::new();
    match File::open(path) {
        Ok(mut f) => {
            f.read_to_end(&mut data)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    if data.len() < 8 || &data[..8] != LAYOUT_MAGIC {
        return Ok(None);
    }
    let damaged = || JournalError::Damaged {
        path: path.to_path_buf(),
        what: "recovery file",
    };
    if data.len() < 40 {
        return Err(damaged());
    }
    let (body, sum) = data.split_at(data.len() - 8);
    if fnv(FNV_START, body).to_le_bytes() != sum {
        return Err(damaged());
    }
    let mut at = 8;
    let u64_at = |at: &mut usize| -> Option<u64> {
        let v = u64::from_le_bytes(body.get(*at..*at + 8)?.try_into().ok()?);
        *at += 8;
        Some(v)
    };
    let base_len = u64_at(&mut at).ok_or_else(damaged)?;
    let total = u64_at(&mut at).ok_or_else(damaged)?;
    let n = u64_at(&mut at).ok_or_else(damaged)?;
    let mut layout = Layout::new();
    for _ in 0..n {
        let tag = *body.get(at).ok_or_else(damaged)?;
        at += 1;
        match tag {
            0 => {
                let off = u64_at(&mut at).ok_or_else(damaged)?;
                let len = u64_at(&mut at).ok_or_else(damaged)?;
                layout.push_old(off, len);
            }
            1 => {
                let len =
                    usize::try_from(u64_at(&mut at).ok_or_else(damaged)?).map_err(|_| damaged())?;
                let bytes = body
                    .get(at..at.checked_add(len).ok_or_else(damaged)?)
                    .ok_or_else(damaged)?;
                layout.push_bytes(bytes);
                at += len;
            }
            2 => {
                let phase =
                    usize::try_from(u64_at(&mut at).ok_or_else(damaged)?).map_err(|_| damaged())?;
                let len = u64_at(&mut at).ok_or_else(damaged)?;
                let plen =
                    usize::try_from(u64_at(&mut at).ok_or_else(damaged)?).map_err(|_| damaged())?;
                let pattern = body
                    .get(at..at.checked_add(plen).ok_or_else(damaged)?)
                    .ok_or_else(damaged)?;
                layout.push_fill(std::sync::Arc::from(pattern), phase, len);
                at += plen;
            }
            _ => return Err(damaged()),
        }
    }
    if at != body.len() || layout.len() != total {
        return Err(damaged());
    }
    Ok(Some((base_len, layout)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f.bin");
        let p = side_path(&target, Kind::Journal);
        assert!(p.ends_with(".f.bin.maphex-journal"));
        let rec = Record {
            len: 10,
            runs: vec![(2, b"ab".to_vec()), (7, vec![])],
        };
        write(&p, Kind::Journal, &rec, 0o600).unwrap();
        assert_eq!(read(&p, Kind::Journal).unwrap(), Some(rec));
        assert!(read(&p, Kind::Recovery).is_err(), "kinds are not confused");
        let mut data = std::fs::read(&p).unwrap();
        data.truncate(data.len() - 3);
        std::fs::write(&p, &data).unwrap();
        assert!(matches!(
            read(&p, Kind::Journal),
            Err(JournalError::Damaged { .. })
        ));
        assert_eq!(read(&dir.path().join("none"), Kind::Journal).unwrap(), None);
    }

    #[test]
    fn layout_recovery_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".f.maphex-recover");
        let mut l = Layout::new();
        l.push_old(0, 10);
        l.push_bytes(b"new");
        l.push_fill(std::sync::Arc::from(&b"ab"[..]), 1, 5);
        l.push_old(20, 4);
        write_layout(&p, 24, &l, 0o600).unwrap();
        assert_eq!(read_layout(&p).unwrap(), Some((24, l)));
        assert!(read(&p, Kind::Recovery).is_err(), "not a run-based file");
        let mut data = std::fs::read(&p).unwrap();
        let n = data.len();
        data[n - 12] ^= 1;
        std::fs::write(&p, &data).unwrap();
        assert!(read_layout(&p).is_err(), "a torn file is noticed");
    }

    #[test]
    fn apply_restores_bytes_and_length() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f.bin");
        std::fs::write(&target, b"0123456789XYZ").unwrap();
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&target)
            .unwrap();
        apply(
            &f,
            &Record {
                len: 10,
                runs: vec![(0, b"ab".to_vec()), (9, b"zQQ".to_vec())],
            },
        )
        .unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"ab2345678z");
    }
}
