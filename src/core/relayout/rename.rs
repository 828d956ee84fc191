//! The rename way: write the new content into `.NAME.maphex-relayout-new` beside the file,
//! give it the file's owner, mode and extended attributes, sync it, rename it over the file
//! and sync the folder. Atomic by construction: until the rename the file is wholly old;
//! after it, wholly new. A temporary file left by a crash is removed by
//! [`super::finish_pending`].
//!
//! Long old ranges are copied inside the kernel (`copy_file_range`); short ones and bytes
//! from memory are gathered into one buffer and written a MiB at a time, so a layout of
//! millions of small segments costs a few thousand system calls, not millions.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::read::{Reader, fill_into, read_full};
use super::{Fault, RelayoutError, sys};
use crate::core::journal;
use crate::core::layout::{Layout, Source};

/// Old ranges at least this long are copied by the kernel.
const KERNEL_COPY_MIN: u64 = 256 << 10;
/// The gathering buffer is written out at this size.
const FLUSH_AT: usize = 1 << 20;

/// The temporary file of a rename save of `target`.
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.join(format!(".{name}.maphex-relayout-new"))
}

struct Out<'f> {
    f: &'f File,
    /// Where `buf` goes.
    at: u64,
    buf: Vec<u8>,
    kernel_copy: bool,
}

impl Out<'_> {
    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.f.write_all_at(&self.buf, self.at)?;
            self.at += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn copy_old(&mut self, old: &File, mut off: u64, len: u64) -> io::Result<()> {
        self.flush()?;
        let end = off + len;
        while self.kernel_copy && off < end {
            let want = end - off;
            match sys::copy_range(old, &mut off, self.f, &mut self.at, want) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the old file is shorter than the new layout says",
                    ));
                }
                Ok(_) => {}
                Err(e) if sys::copy_unsupported(&e) => self.kernel_copy = false,
                Err(e) => return Err(e),
            }
        }
        let mut chunk = vec![0u8; FLUSH_AT];
        while off < end {
            let n = (end - off).min(FLUSH_AT as u64) as usize;
            read_full(old, &mut chunk[..n], off)?;
            self.f.write_all_at(&chunk[..n], self.at)?;
            self.at += n as u64;
            off += n as u64;
        }
        Ok(())
    }
}

fn write_content(old: &File, tmp: &File, layout: &Layout) -> io::Result<()> {
    let mut out = Out {
        f: tmp,
        at: 0,
        buf: Vec::with_capacity(FLUSH_AT + (64 << 10)),
        kernel_copy: true,
    };
    let mut reader = Reader::new(old, FLUSH_AT);
    let mut scratch = Vec::new();
    for seg in layout.segments() {
        match &seg.src {
            Source::Old { offset } if seg.len >= KERNEL_COPY_MIN => {
                out.copy_old(old, *offset, seg.len)?;
            }
            Source::Old { offset } => reader.read_into(*offset, seg.len, &mut out.buf)?,
            Source::Fill { pattern, phase } => {
                let mut done = 0;
                while done < seg.len {
                    let n = (seg.len - done).min(FLUSH_AT as u64);
                    fill_into(pattern, *phase, done, n, &mut out.buf);
                    done += n;
                    out.maybe_flush()?;
                }
            }
            Source::Data { .. } | Source::Shared { .. } => {
                let n = usize::try_from(seg.len).unwrap_or(usize::MAX);
                let bytes = layout.memory_bytes(seg, 0, n, &mut scratch);
                if bytes.len() as u64 != seg.len {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "a layout segment points past the end of its buffer",
                    ));
                }
                if bytes.len() >= FLUSH_AT {
                    out.flush()?;
                    tmp.write_all_at(bytes, out.at)?;
                    out.at += bytes.len() as u64;
                } else {
                    out.buf.extend_from_slice(bytes);
                }
            }
        }
        out.maybe_flush()?;
    }
    out.flush()
}

/// Gives `tmp` the owner, mode and extended attributes of `old`, then syncs it.
fn copy_identity(old: &File, tmp: &File) -> io::Result<()> {
    let meta = old.metadata()?;
    // Owner first: changing it clears set-user-id bits that the mode then puts back.
    sys::chown(tmp, meta.uid(), meta.gid())?;
    tmp.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))?;
    sys::copy_xattrs(old, tmp)?;
    tmp.sync_all()
}

fn hit(want: Option<Fault>, f: Fault) -> Result<(), RelayoutError> {
    if want == Some(f) {
        Err(RelayoutError::Fault(f))
    } else {
        Ok(())
    }
}

/// Saves `layout` as a new file renamed over `target`; returns the bytes written.
pub fn save(
    target: &Path,
    old: &File,
    layout: &Layout,
    fault: Option<Fault>,
) -> Result<u64, RelayoutError> {
    let tmp_path = temp_path(target);
    let open = || {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp_path)
    };
    let tmp = match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // Left by a save that died: nothing else writes this name.
            fs::remove_file(&tmp_path)?;
            open()?
        }
        r => r?,
    };
    let result = (|| -> Result<(), RelayoutError> {
        write_content(old, &tmp, layout)?;
        hit(fault, Fault::TempWritten)?;
        copy_identity(old, &tmp)?;
        hit(fault, Fault::TempSynced)?;
        fs::rename(&tmp_path, target)?;
        Ok(())
    })();
    if let Err(e) = result {
        if !matches!(e, RelayoutError::Fault(_)) {
            let _ = fs::remove_file(&tmp_path);
        }
        return Err(e);
    }
    hit(fault, Fault::Renamed)?;
    journal::sync_dir(target)?;
    Ok(layout.len())
}
