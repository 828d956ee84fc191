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
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // The side file holds the target's bytes: give it no more permission than the target.
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    let mut out = io::BufWriter::new(&mut f);
    let mut h = FNV_START;
    let mut put = |out: &mut io::BufWriter<&mut File>, b: &[u8]| -> io::Result<()> {
        h = fnv(h, b);
        out.write_all(b)
    };
    put(&mut out, kind.magic())?;
    put(&mut out, &record.len.to_le_bytes())?;
    put(&mut out, &(record.runs.len() as u64).to_le_bytes())?;
    for (off, bytes) in &record.runs {
        put(&mut out, &off.to_le_bytes())?;
        put(&mut out, &(bytes.len() as u64).to_le_bytes())?;
        put(&mut out, bytes)?;
    }
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
