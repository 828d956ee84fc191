//! A document: one open file, its mode, its unsaved edits and their history.
//!
//! The three modes (see the README):
//! - **copy-on-write** (default): edits go to a private mapping (the fast view) and to the
//!   [`Overlay`] (the record); the file is untouched until [`Document::save`], which writes
//!   only the changed runs with positioned writes and fsyncs.
//! - **write-through**: edits land in a shared writable mapping at once; saving flushes
//!   (msync) the changed ranges.
//! - **read-only**: every edit is refused.
//!
//! Bytes typed just past the end append: a heap tail in copy-on-write (the file grows on
//! save), `ftruncate` + remap in write-through (the file grows at once).

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::os::unix::fs::{FileExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::core::history::History;
use crate::core::journal;
use crate::core::mapping::{DiskMap, ViewKind, ViewMap, clear_nonblocking};
use crate::core::overlay::Overlay;
use crate::core::patch::{Patch, Transaction};
use crate::core::source::ByteSource;

/// How a document was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// No edit is accepted.
    ReadOnly,
    /// Edits stay in memory until saved (the default).
    #[default]
    CopyOnWrite,
    /// Edits land in the file at once.
    WriteThrough,
}

impl Mode {
    /// The short label the status bar shows.
    pub fn label(self) -> &'static str {
        match self {
            Mode::ReadOnly => "RO",
            Mode::CopyOnWrite => "COW",
            Mode::WriteThrough => "WRITE",
        }
    }
}

/// What kind of thing the path named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A regular file, mapped.
    File,
    /// A block device, mapped at its real size.
    BlockDevice,
    /// Bytes read into memory: a FIFO, socket, character device or a file the kernel reports
    /// as empty but that has content (`/proc`).
    Stream,
}

/// Options for [`Document::open`].
#[derive(Clone, Copy, Debug)]
pub struct OpenConfig {
    /// The mode asked for; a file without write permission falls back to read-only.
    pub mode: Mode,
    /// The most bytes read into memory from a source that cannot be mapped.
    pub stream_cap: u64,
    /// Open for writing even when another maphex holds the file's advisory lock.
    pub ignore_lock: bool,
}

impl Default for OpenConfig {
    fn default() -> Self {
        Self {
            mode: Mode::CopyOnWrite,
            stream_cap: 64 << 20,
            ignore_lock: false,
        }
    }
}

/// A path that could not be opened.
#[derive(Debug, Error)]
pub enum OpenError {
    /// Nothing at the path.
    #[error("cannot open {path}: no such file or directory")]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A directory.
    #[error("cannot open {path}: it is a directory; give a file")]
    IsDirectory {
        /// The path as given.
        path: PathBuf,
    },
    /// Not allowed to read.
    #[error("cannot open {path}: permission denied; check its permissions or run as its owner")]
    PermissionDenied {
        /// The path as given.
        path: PathBuf,
    },
    /// Any other failure.
    #[error("cannot open {path}: {source}")]
    Io {
        /// The path as given.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl OpenError {
    fn from_io(path: &Path, e: io::Error) -> Self {
        let path = path.to_path_buf();
        match e.kind() {
            io::ErrorKind::NotFound => Self::NotFound { path },
            io::ErrorKind::PermissionDenied => Self::PermissionDenied { path },
            io::ErrorKind::IsADirectory => Self::IsDirectory { path },
            _ => Self::Io { path, source: e },
        }
    }
}

/// An edit that was refused; nothing changed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EditError {
    /// The document is read-only.
    #[error("read-only: reopen without -r, or use :w PATH to save a copy")]
    ReadOnly,
    /// The edit starts past the end (only the position just past the last byte appends).
    #[error("offset {offset:#x} is past the end ({len:#x}); edits may only append at the end")]
    PastEnd {
        /// Where the edit would start.
        offset: u64,
        /// The document's length.
        len: u64,
    },
    /// The edit would grow the document past what the machine can address.
    #[error("offset {offset:#x} is too large")]
    TooLarge {
        /// Where the edit would start.
        offset: u64,
    },
    /// The file could not be resized (write-through appends).
    #[error("cannot resize the file: {0}")]
    Resize(String),
}

/// A save that did not happen; the edits are still in memory, unsaved.
#[derive(Debug, Error)]
pub enum SaveError {
    /// The document is read-only.
    #[error("cannot save: opened read-only; use :w PATH to save a copy")]
    ReadOnly,
    /// The file shrank under the mapping; the view past the new end is zeros, not the file.
    #[error("cannot save in place: {0}; :w PATH saves a copy with your edits, :e! reloads")]
    Truncated(DiskChange),
    /// Someone else changed the file since it was opened.
    #[error("cannot save: {0}; :w! overwrites anyway, :w PATH saves a copy")]
    ChangedOnDisk(DiskChange),
    /// Writing failed; the edits are kept.
    #[error("cannot save {path}: {source}; your edits are kept")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

/// How the file on disk differs from when it was opened or last saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskChange {
    /// The file is gone.
    Removed,
    /// The path now names another file (replaced by a rename).
    Replaced,
    /// The size changed.
    Resized {
        /// Size when opened or last saved.
        from: u64,
        /// Size now.
        to: u64,
    },
    /// Same size, newer modification time.
    Modified,
}

impl std::fmt::Display for DiskChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Removed => write!(f, "the file was removed from disk"),
            Self::Replaced => write!(f, "the file was replaced on disk"),
            Self::Resized { from, to } if to < from => {
                write!(f, "file shrank on disk from {from} to {to} bytes")
            }
            Self::Resized { from, to } => write!(f, "file grew on disk from {from} to {to} bytes"),
            Self::Modified => write!(f, "the file was changed on disk by another program"),
        }
    }
}

/// What a save wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Bytes written (or flushed, in write-through mode).
    pub bytes_written: u64,
    /// Separate ranges written.
    pub ranges: usize,
}

/// Identity and version of the file on disk, to notice other writers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime: (i64, i64),
    ino: (u64, u64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        Self {
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ino: (meta.dev(), meta.ino()),
        }
    }
}

/// One open file with its edits.
pub struct Document {
    path: PathBuf,
    file: Option<File>,
    mode: Mode,
    kind: SourceKind,
    /// The bytes on disk as of open/last save, shared read-only (for snapshots and diffing).
    disk: DiskMap,
    /// The writable view: private in copy-on-write, shared in write-through.
    view: Option<ViewMap>,
    /// Length on disk at open or last save.
    base_len: u64,
    /// Current length.
    len: u64,
    /// Copy-on-write bytes appended past `base_len`.
    tail: Arc<Vec<u8>>,
    /// Changed bytes in `0..base_len`.
    overlay: Arc<Overlay>,
    history: History,
    group: Option<Transaction>,
    stamp: Option<Stamp>,
    notes: Vec<String>,
    /// Saved bytes of `start..base_len` while the document is shorter than the file on disk.
    cut: Option<(u64, Vec<u8>)>,
    /// Bytes touched by the latest write, undo or redo (for re-searching that region).
    last_change: Option<Range<u64>>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("path", &self.path)
            .field("mode", &self.mode)
            .field("kind", &self.kind)
            .field("len", &self.len)
            .field("base_len", &self.base_len)
            .finish_non_exhaustive()
    }
}

fn to_usize(n: u64) -> Result<usize, EditError> {
    usize::try_from(n).map_err(|_| EditError::TooLarge { offset: n })
}

/// Clamps a u64 that is known to index memory we hold.
fn idx(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn read_capped(mut r: impl Read, cap: u64) -> io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    r.by_ref().take(cap).read_to_end(&mut buf)?;
    let mut probe = [0u8; 1];
    let more = buf.len() as u64 == cap && matches!(r.read(&mut probe), Ok(1));
    Ok((buf, more))
}

fn human(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

impl Document {
    /// Opens `path` in the mode asked for. Sources that cannot be mapped are read into memory
    /// (up to `stream_cap`) and opened read-only; a file without write permission opens
    /// read-only. Either way [`Document::notes`] says so.
    pub fn open(path: &Path, config: OpenConfig) -> Result<Self, OpenError> {
        let meta = std::fs::metadata(path).map_err(|e| OpenError::from_io(path, e))?;
        let ft = meta.file_type();
        if ft.is_dir() {
            return Err(OpenError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        if ft.is_fifo() || ft.is_socket() || ft.is_char_device() {
            let what = if ft.is_char_device() {
                "character device"
            } else {
                "pipe"
            };
            let file = OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)
                .map_err(|e| OpenError::from_io(path, e))?;
            clear_nonblocking(&file).map_err(|e| OpenError::from_io(path, e))?;
            let (bytes, more) =
                read_capped(&file, config.stream_cap).map_err(|e| OpenError::from_io(path, e))?;
            return Ok(Self::from_stream(path, bytes, more, what, config));
        }
        let want_write = config.mode != Mode::ReadOnly;
        let mut notes = Vec::new();
        let (file, writable) = if want_write {
            match OpenOptions::new().read(true).write(true).open(path) {
                Ok(f) => (f, true),
                Err(e)
                    if e.kind() == io::ErrorKind::PermissionDenied
                        || e.raw_os_error() == Some(libc::EROFS) =>
                {
                    notes.push(format!(
                        "opened read-only: no permission to write {}",
                        path.display()
                    ));
                    (
                        File::open(path).map_err(|e| OpenError::from_io(path, e))?,
                        false,
                    )
                }
                Err(e) => return Err(OpenError::from_io(path, e)),
            }
        } else {
            (
                File::open(path).map_err(|e| OpenError::from_io(path, e))?,
                false,
            )
        };
        // Two editors writing one file would undo each other's saves: take an advisory lock
        // (flock) and fall back to read-only when another maphex holds it.
        let lock = if writable { file.try_lock() } else { Ok(()) };
        let (mut file, writable) = match lock {
            Err(std::fs::TryLockError::WouldBlock) if !config.ignore_lock => {
                notes.push(format!(
                    "opened read-only: {} is being edited in another maphex (advisory lock); --force-write ignores the lock",
                    path.display()
                ));
                (
                    File::open(path).map_err(|e| OpenError::from_io(path, e))?,
                    false,
                )
            }
            // Locked by us, or locking is not supported here (some network filesystems).
            _ => (file, writable),
        };
        let mode = if writable {
            config.mode
        } else {
            Mode::ReadOnly
        };
        let (kind, len) = if ft.is_block_device() {
            let len = file
                .seek(SeekFrom::End(0))
                .map_err(|e| OpenError::from_io(path, e))?;
            (SourceKind::BlockDevice, len)
        } else {
            (SourceKind::File, meta.len())
        };
        if len == 0 && kind == SourceKind::File {
            // A size of 0 is either an empty file or a kernel file (/proc) with content.
            let (bytes, more) =
                read_capped(&file, config.stream_cap).map_err(|e| OpenError::from_io(path, e))?;
            if !bytes.is_empty() {
                return Ok(Self::from_stream(
                    path,
                    bytes,
                    more,
                    "file that reports no size",
                    config,
                ));
            }
        }
        let disk = match DiskMap::map(&file, len) {
            Ok(d) => d,
            Err(e) if e.raw_os_error() == Some(libc::ENODEV) => {
                let (bytes, more) = read_capped(&file, config.stream_cap)
                    .map_err(|e| OpenError::from_io(path, e))?;
                return Ok(Self::from_stream(
                    path,
                    bytes,
                    more,
                    "file that cannot be mapped",
                    config,
                ));
            }
            Err(e) => return Err(OpenError::from_io(path, e)),
        };
        let view = match mode {
            Mode::ReadOnly => None,
            _ if len == 0 => None,
            Mode::CopyOnWrite => Some(
                ViewMap::map(&file, len, ViewKind::Private)
                    .map_err(|e| OpenError::from_io(path, e))?,
            ),
            Mode::WriteThrough => Some(
                ViewMap::map(&file, len, ViewKind::Shared)
                    .map_err(|e| OpenError::from_io(path, e))?,
            ),
        };
        let stamp = file.metadata().ok().map(|m| Stamp {
            len,
            ..Stamp::of(&m)
        });
        Ok(Self {
            path: path.to_path_buf(),
            file: Some(file),
            mode,
            kind,
            disk,
            view,
            base_len: len,
            len,
            tail: Arc::default(),
            overlay: Arc::default(),
            history: History::new(),
            group: None,
            stamp,
            notes,
            cut: None,
            last_change: None,
        })
    }

    fn from_stream(
        path: &Path,
        bytes: Vec<u8>,
        more: bool,
        what: &str,
        config: OpenConfig,
    ) -> Self {
        let n = bytes.len() as u64;
        let mut notes = vec![if more {
            format!(
                "{what}: read the first {} into memory (the cap); read-only, :w PATH saves a copy",
                human(n)
            )
        } else {
            format!(
                "{what}: read {} into memory; read-only, :w PATH saves a copy",
                human(n)
            )
        }];
        if config.mode == Mode::ReadOnly {
            notes.clear();
            notes.push(format!("{what}: read {} into memory", human(n)));
        }
        Self {
            path: path.to_path_buf(),
            file: None,
            mode: Mode::ReadOnly,
            kind: SourceKind::Stream,
            disk: DiskMap::from_bytes(bytes),
            view: None,
            base_len: n,
            len: n,
            tail: Arc::default(),
            overlay: Arc::default(),
            history: History::new(),
            group: None,
            stamp: None,
            notes,
            cut: None,
            last_change: None,
        }
    }

    /// An in-memory, read-only document (tests, benches, data from a pipe).
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Self {
        let mut d = Self::from_stream(
            Path::new(name),
            bytes,
            false,
            "memory",
            OpenConfig::default(),
        );
        d.notes.clear();
        d
    }

    /// The path as given at open.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The effective mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// What the path named.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// Messages from opening (fallbacks taken), for the status bar.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Current length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty document.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when there are edits not yet saved (or, in write-through, not yet flushed).
    pub fn is_dirty(&self) -> bool {
        !self.overlay.is_empty() || self.len != self.base_len || self.group.is_some()
    }

    /// Bytes that differ from disk (appended bytes included).
    pub fn changed_bytes(&self) -> u64 {
        self.overlay.changed_bytes() + self.len.saturating_sub(self.base_len)
    }

    /// The changed ranges that overlap `range`, in order, for drawing them apart.
    pub fn changed_in(&self, range: Range<u64>) -> Vec<Range<u64>> {
        let mut out: Vec<_> = self
            .overlay
            .ranges_in(range.start..range.end.min(self.len))
            .collect();
        let app = self.base_len.max(range.start)..self.len.min(range.end);
        if app.start < app.end {
            out.push(app);
        }
        out
    }

    /// True when another process truncated the file under the mapping and pages past the new
    /// end were replaced by zeros (see the SIGBUS guard in `mapping.rs`): the view is stale and
    /// saving in place is refused until a reload (`discard`).
    pub fn faulted(&self) -> bool {
        self.disk.faulted() || self.view.as_ref().is_some_and(ViewMap::faulted)
    }

    /// Bytes touched by the latest write, undo or redo.
    pub fn last_change(&self) -> Option<Range<u64>> {
        self.last_change.clone()
    }

    /// Steps that can be undone / redone.
    pub fn history_len(&self) -> (usize, usize) {
        (self.history.undo_len(), self.history.redo_len())
    }

    /// Bytes held by the undo history.
    pub fn history_bytes(&self) -> usize {
        self.history.heap_bytes() + self.group.as_ref().map_or(0, Transaction::heap_bytes)
    }

    /// A thread-safe, immutable view of the current bytes for a background reader (search).
    /// Costs O(changed bytes) at most; nothing of the file is copied.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            disk: self.disk.clone(),
            overlay: Arc::clone(&self.overlay),
            tail: Arc::clone(&self.tail),
            // The disk map covers what is in the file: in copy-on-write that is `base_len`
            // (the tail is in memory), in write-through everything (appends grow the file).
            base_len: self.disk.as_slice().len() as u64,
            len: self.len,
        }
    }

    fn view_bytes(&self) -> &[u8] {
        match &self.view {
            Some(v) => v.as_slice(),
            None => self.disk.as_slice(),
        }
    }

    // ---------------------------------------------------------------- editing

    /// Opens an undo group: every write until [`Document::end_group`] is one undo step.
    pub fn begin_group(&mut self) {
        if self.group.is_none() {
            self.group = Some(Transaction::new(self.len));
        }
    }

    /// Closes the undo group, recording it if it changed anything.
    pub fn end_group(&mut self) {
        if let Some(tx) = self.group.take() {
            self.history.record(tx);
        }
    }

    /// Overwrites bytes at `offset` (which may be the end, to append). Part of the open undo
    /// group, or an undo step of its own.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), EditError> {
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        if offset > self.len {
            return Err(EditError::PastEnd {
                offset,
                len: self.len,
            });
        }
        if bytes.is_empty() {
            return Ok(());
        }
        let end = offset
            .checked_add(bytes.len() as u64)
            .ok_or(EditError::TooLarge { offset })?;
        to_usize(end)?;
        let mut old = self.read(offset..end).into_owned();
        old.resize(bytes.len(), 0);
        let patch =
            Patch::new(offset, old, bytes.to_vec()).map_err(|_| EditError::TooLarge { offset })?;
        let before = self.len;
        let new_len = self.len.max(end);
        self.set_len(new_len)?;
        self.put(offset, bytes);
        self.last_change = Some(offset..end);
        if let Some(tx) = &mut self.group {
            tx.push(patch, new_len);
        } else {
            let mut tx = Transaction::new(before);
            tx.push(patch, new_len);
            self.history.record(tx);
        }
        Ok(())
    }

    /// Undoes one step; returns where the cursor should go.
    pub fn undo(&mut self) -> Result<Option<u64>, EditError> {
        self.step_history(History::undo)
    }

    /// Redoes one step; returns where the cursor should go.
    pub fn redo(&mut self) -> Result<Option<u64>, EditError> {
        self.step_history(History::redo)
    }

    fn step_history(
        &mut self,
        step: fn(&mut History) -> Option<Transaction>,
    ) -> Result<Option<u64>, EditError> {
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        self.end_group();
        let Some(tx) = step(&mut self.history) else {
            return Ok(None);
        };
        self.apply(&tx)?;
        Ok(Some(tx.first_offset().unwrap_or(0).min(self.len)))
    }

    fn apply(&mut self, tx: &Transaction) -> Result<(), EditError> {
        self.last_change = tx.span();
        if tx.len_after() > self.len {
            self.set_len(tx.len_after())?;
        }
        for p in tx.patches() {
            let end = p.end().min(self.len);
            if p.offset() < end {
                let n = idx(end - p.offset());
                self.put(p.offset(), &p.new_bytes()[..n]);
            }
        }
        if tx.len_after() < self.len {
            self.set_len(tx.len_after())?;
        }
        Ok(())
    }

    /// Writes bytes already checked to lie within `0..len`, recording them in the overlay.
    fn put(&mut self, offset: u64, bytes: &[u8]) {
        let end = offset + bytes.len() as u64;
        let view_len = self.view.as_ref().map_or(0, |v| v.as_slice().len() as u64);
        // Part inside what was on disk: record original/current, then write the view.
        let split = end.min(self.base_len).max(offset);
        if offset < split {
            let n = idx(split - offset);
            let view = self.view.as_ref().map(ViewMap::as_slice);
            let ov = Arc::make_mut(&mut self.overlay);
            ov.record(offset, &bytes[..n], |r| {
                view.map(|v| v[idx(r.start)..idx(r.end)].to_vec())
                    .unwrap_or_default()
            });
        }
        match self.mode {
            Mode::WriteThrough => {
                if let Some(v) = &mut self.view {
                    let e = end.min(view_len);
                    if offset < e {
                        v.as_mut_slice()[idx(offset)..idx(e)]
                            .copy_from_slice(&bytes[..idx(e - offset)]);
                    }
                }
            }
            Mode::CopyOnWrite => {
                if let Some(v) = self.view.as_mut().filter(|_| offset < split) {
                    let e = split.min(view_len);
                    if offset < e {
                        v.as_mut_slice()[idx(offset)..idx(e)]
                            .copy_from_slice(&bytes[..idx(e - offset)]);
                    }
                }
                if end > self.base_len {
                    let from = offset.max(self.base_len);
                    let tail = Arc::make_mut(&mut self.tail);
                    let t = idx(from - self.base_len);
                    tail[t..t + idx(end - from)].copy_from_slice(&bytes[idx(from - offset)..]);
                }
            }
            Mode::ReadOnly => {}
        }
    }

    /// Changes the length: zero-filled growth or truncation.
    fn set_len(&mut self, new_len: u64) -> Result<(), EditError> {
        let old = self.len;
        if new_len == old {
            return Ok(());
        }
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        // Shrinking below what is on disk (undoing a saved append): keep the saved bytes of
        // the part cut off, so that regrowing it later still compares against them.
        if new_len < old && new_len < self.base_len {
            let hi = old.min(self.base_len);
            let mut orig = self
                .view_bytes()
                .get(idx(new_len)..idx(hi))
                .unwrap_or_default()
                .to_vec();
            orig.resize(idx(hi - new_len), 0);
            for (off, o) in self.overlay.originals() {
                let (s, e) = (off.max(new_len), (off + o.len() as u64).min(hi));
                if s < e {
                    orig[idx(s - new_len)..idx(e - new_len)]
                        .copy_from_slice(&o[idx(s - off)..idx(e - off)]);
                }
            }
            if let Some((_, rest)) = self.cut.take() {
                orig.extend_from_slice(&rest);
            }
            self.cut = Some((new_len, orig));
        }
        match self.mode {
            Mode::ReadOnly => return Err(EditError::ReadOnly),
            Mode::CopyOnWrite => {
                let tail_len = to_usize(new_len.saturating_sub(self.base_len))?;
                Arc::make_mut(&mut self.tail).resize(tail_len, 0);
            }
            Mode::WriteThrough => {
                let file = self.file.as_ref().ok_or(EditError::ReadOnly)?;
                // Drop the mappings before shrinking: a page past the new end would SIGBUS.
                self.view = None;
                file.set_len(new_len)
                    .map_err(|e| EditError::Resize(e.to_string()))?;
                // Our own resize is not another writer's change.
                if let Some(st) = &mut self.stamp {
                    st.len = new_len;
                }
                self.remap(new_len)
                    .map_err(|e| EditError::Resize(e.to_string()))?;
            }
        }
        if new_len < self.base_len {
            Arc::make_mut(&mut self.overlay).truncate(new_len);
        }
        self.len = new_len;
        // Regrowing inside what is on disk: the new bytes are zeros, compared with the saved
        // bytes kept in `cut`.
        if new_len > old && old < self.base_len {
            let hi = new_len.min(self.base_len);
            let zeros = vec![0u8; idx(hi - old)];
            if let Some((start, orig)) = self.cut.take() {
                let ov = Arc::make_mut(&mut self.overlay);
                ov.record(old, &zeros, |r| {
                    let (s, e) = (idx(r.start - start), idx(r.end - start).min(orig.len()));
                    orig.get(s..e).map(<[u8]>::to_vec).unwrap_or_default()
                });
                let used = idx(hi - start).min(orig.len());
                if used < orig.len() {
                    self.cut = Some((hi, orig[used..].to_vec()));
                }
            }
            if let Some(v) = self
                .view
                .as_mut()
                .filter(|_| self.mode == Mode::CopyOnWrite)
            {
                let e = idx(hi).min(v.as_slice().len());
                if idx(old) < e {
                    v.as_mut_slice()[idx(old)..e].fill(0);
                }
            }
        }
        Ok(())
    }

    /// Maps the file again at `len` (both the disk view and the writable view).
    fn remap(&mut self, len: u64) -> io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        self.view = None;
        self.disk = DiskMap::map(file, len)?;
        self.view = match self.mode {
            Mode::ReadOnly => None,
            _ if len == 0 => None,
            Mode::CopyOnWrite => Some(ViewMap::map(file, len, ViewKind::Private)?),
            Mode::WriteThrough => Some(ViewMap::map(file, len, ViewKind::Shared)?),
        };
        Ok(())
    }

    // ---------------------------------------------------------------- disk

    /// How the file on disk differs from when it was opened or last saved, if it does.
    pub fn disk_change(&self) -> Option<DiskChange> {
        let stamp = self.stamp?;
        let Ok(meta) = std::fs::metadata(&self.path) else {
            return Some(DiskChange::Removed);
        };
        let now = Stamp::of(&meta);
        if now.ino != stamp.ino {
            Some(DiskChange::Replaced)
        } else if now.len != stamp.len && self.kind == SourceKind::File {
            Some(DiskChange::Resized {
                from: stamp.len,
                to: now.len,
            })
        } else if now.mtime != stamp.mtime && self.mode != Mode::WriteThrough {
            Some(DiskChange::Modified)
        } else {
            None
        }
    }

    /// Saves the edits in place: in copy-on-write, positioned writes of the changed runs only,
    /// then fsync; in write-through, msync of the changed ranges. Refuses when the file
    /// changed on disk since it was opened, unless `force`. On failure nothing is marked saved.
    pub fn save(&mut self, force: bool) -> Result<SaveReport, SaveError> {
        self.save_with_fault(force, None)
    }

    /// [`Document::save`] with a simulated crash at `fault` (tests only: the save stops there
    /// and leaves the files exactly as a crash would).
    #[doc(hidden)]
    pub fn save_with_fault(
        &mut self,
        force: bool,
        fault: Option<FaultPoint>,
    ) -> Result<SaveReport, SaveError> {
        self.end_group();
        if self.mode == Mode::ReadOnly {
            return Err(SaveError::ReadOnly);
        }
        if self.faulted() {
            let change = self.disk_change().unwrap_or(DiskChange::Modified);
            return Err(SaveError::Truncated(change));
        }
        if let Some(change) = self.disk_change().filter(|_| !force) {
            return Err(SaveError::ChangedOnDisk(change));
        }
        let path = self.path.clone();
        let io_err = |source| SaveError::Io {
            path: path.clone(),
            source,
        };
        let file = self.file.as_ref().ok_or(SaveError::ReadOnly)?;
        let mut report = SaveReport::default();
        match self.mode {
            Mode::CopyOnWrite => {
                report = self.save_cow(file, fault).map_err(io_err)?;
            }
            Mode::WriteThrough => {
                if let Some(v) = &self.view {
                    let flush: Vec<Range<u64>> = self.changed_in(0..self.len);
                    for r in flush {
                        v.flush_range(idx(r.start), idx(r.end - r.start))
                            .map_err(io_err)?;
                        report.bytes_written += r.end - r.start;
                        report.ranges += 1;
                    }
                }
                file.sync_all().map_err(io_err)?;
            }
            Mode::ReadOnly => return Err(SaveError::ReadOnly),
        }
        let len_changed = self.base_len != self.len;
        self.base_len = self.len;
        self.tail = Arc::default();
        self.overlay = Arc::default();
        self.cut = None;
        // After a forced save over someone else's change, map again so the view shows exactly
        // what is now in the file (their bytes where we had no edit, ours where we had).
        if len_changed || force || self.mode == Mode::CopyOnWrite && !self.disk.is_mapped() {
            self.remap(self.len).map_err(io_err)?;
        }
        self.stamp = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| Stamp::of(&m));
        self.history.mark_saved();
        Ok(report)
    }

    /// The copy-on-write save: journal the original bytes of every range about to change,
    /// fsync it, write the changed runs and the appended tail with positioned writes, set the
    /// length, fsync the target, then remove the journal. A write that fails part-way is rolled
    /// back from the journal at once, so the file is never left half old, half new.
    fn save_cow(&self, file: &File, fault: Option<FaultPoint>) -> io::Result<SaveReport> {
        let crash = |at: FaultPoint| -> io::Result<()> {
            if fault == Some(at) {
                return Err(io::Error::other(format!("injected crash at {at:?}")));
            }
            Ok(())
        };
        let disk = self.disk.as_slice();
        let mut journal = journal::Record {
            len: self.base_len,
            runs: Vec::new(),
        };
        for (off, orig) in self.overlay.originals() {
            journal.runs.push((off, orig.to_vec()));
        }
        if self.len < self.base_len {
            let lost = disk
                .get(idx(self.len)..idx(self.base_len))
                .unwrap_or_default();
            journal.runs.push((self.len, lost.to_vec()));
        }
        let jpath = journal::side_path(&self.path, journal::Kind::Journal);
        let journaled = self.kind == SourceKind::File;
        if journaled {
            journal::write(&jpath, journal::Kind::Journal, &journal)?;
        }
        crash(FaultPoint::AfterJournal)?;
        let mut report = SaveReport::default();
        let writes = (|| -> io::Result<()> {
            let runs: Vec<(u64, &[u8])> = self.overlay.runs().collect();
            for (i, &(off, bytes)) in runs.iter().enumerate() {
                file.write_all_at(bytes, off)?;
                report.bytes_written += bytes.len() as u64;
                report.ranges += 1;
                if i == runs.len() / 2 {
                    crash(FaultPoint::MidWrite)?;
                }
            }
            if !self.tail.is_empty() {
                file.write_all_at(&self.tail, self.base_len)?;
                report.bytes_written += self.tail.len() as u64;
                report.ranges += 1;
            }
            if self.kind == SourceKind::File && file.metadata()?.len() != self.len {
                file.set_len(self.len)?;
            }
            file.sync_all()
        })();
        if let Err(e) = writes {
            if fault.is_none() && journaled {
                // A real failure (disk full, I/O error): put the old bytes back now.
                if journal::apply(file, &journal).is_ok() {
                    let _ = std::fs::remove_file(&jpath);
                }
            }
            return Err(e);
        }
        crash(FaultPoint::BeforeJournalRemoved)?;
        if journaled {
            std::fs::remove_file(&jpath)?;
            journal::sync_dir(&jpath)?;
        }
        Ok(report)
    }

    /// The journal of an interrupted save beside the file, if there is one.
    pub fn pending_journal(&self) -> Option<PathBuf> {
        let p = journal::side_path(&self.path, journal::Kind::Journal);
        (self.kind == SourceKind::File && p.exists()).then_some(p)
    }

    /// Rolls an interrupted save back from its journal (the file becomes wholly what it was
    /// before that save), deletes the journal and reloads. Unsaved edits are discarded.
    pub fn rollback_journal(&mut self) -> Result<(), RecoverError> {
        let p = journal::side_path(&self.path, journal::Kind::Journal);
        let rec = journal::read(&p, journal::Kind::Journal)?.ok_or(RecoverError::Nothing)?;
        let file = OpenOptions::new().read(true).write(true).open(&self.path)?;
        self.view = None;
        journal::apply(&file, &rec)?;
        std::fs::remove_file(&p)?;
        journal::sync_dir(&p)?;
        self.reload().map_err(RecoverError::Io)
    }

    /// Keeps the file as it is and deletes the journal of an interrupted save.
    pub fn keep_journal(&mut self) -> Result<(), RecoverError> {
        let p = journal::side_path(&self.path, journal::Kind::Journal);
        std::fs::remove_file(&p).map_err(RecoverError::Io)?;
        Ok(())
    }

    /// Writes the unsaved copy-on-write edits to a recovery file beside the file (when maphex
    /// dies: a panic, SIGTERM, SIGHUP). Returns its path, or `None` with nothing to save.
    pub fn write_recovery(&self) -> io::Result<Option<PathBuf>> {
        if self.mode != Mode::CopyOnWrite || !self.is_dirty() || self.kind == SourceKind::Stream {
            return Ok(None);
        }
        let mut rec = journal::Record {
            len: self.len,
            runs: Vec::new(),
        };
        for (off, cur) in self.overlay.runs() {
            rec.runs.push((off, cur.to_vec()));
        }
        if !self.tail.is_empty() {
            rec.runs.push((self.base_len, self.tail.to_vec()));
        }
        let p = journal::side_path(&self.path, journal::Kind::Recovery);
        journal::write(&p, journal::Kind::Recovery, &rec)?;
        Ok(Some(p))
    }

    /// The recovery file of an earlier session beside the file, if there is one.
    pub fn pending_recovery(&self) -> Option<PathBuf> {
        let p = journal::side_path(&self.path, journal::Kind::Recovery);
        (self.kind == SourceKind::File && p.exists()).then_some(p)
    }

    /// Loads the edits of a recovery file as one undo step (they stay unsaved) and deletes it.
    pub fn apply_recovery(&mut self) -> Result<(), RecoverError> {
        let p = journal::side_path(&self.path, journal::Kind::Recovery);
        let rec = journal::read(&p, journal::Kind::Recovery)?.ok_or(RecoverError::Nothing)?;
        self.begin_group();
        let result = (|| {
            for (off, bytes) in &rec.runs {
                if *off > self.len {
                    return Err(RecoverError::Mismatch);
                }
                self.write(*off, bytes)?;
            }
            if rec.len < self.len {
                // Only an undone, saved append shrinks a file; that step is not undoable.
                self.set_len(rec.len)?;
            }
            Ok(())
        })();
        self.end_group();
        result?;
        std::fs::remove_file(&p)?;
        Ok(())
    }

    /// Deletes the recovery file.
    pub fn discard_recovery(&mut self) -> Result<(), RecoverError> {
        let p = journal::side_path(&self.path, journal::Kind::Recovery);
        std::fs::remove_file(&p)?;
        Ok(())
    }

    /// Maps the file again as it is on disk now, forgetting every edit.
    fn reload(&mut self) -> io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let len = if self.kind == SourceKind::BlockDevice {
            self.len
        } else {
            file.metadata()?.len()
        };
        self.group = None;
        self.history.clear();
        self.tail = Arc::default();
        self.overlay = Arc::default();
        self.cut = None;
        self.base_len = len;
        self.len = len;
        self.remap(len)?;
        self.stamp = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| Stamp::of(&m));
        Ok(())
    }

    /// Writes a full copy to `target`: a temporary file in the target's folder, fsynced, then
    /// renamed over it, so a crash never leaves a half file. The document stays as it is.
    pub fn save_as(&self, target: &Path) -> Result<SaveReport, SaveError> {
        let io_err = |source| SaveError::Io {
            path: target.to_path_buf(),
            source,
        };
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target.file_name().ok_or_else(|| {
            io_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a file name",
            ))
        })?;
        let tmp = dir.join(format!(
            ".{}.maphex-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let result = (|| -> io::Result<()> {
            let mut out = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            if let Ok(meta) = std::fs::metadata(target) {
                out.set_permissions(meta.permissions())?;
            }
            let mut off = 0;
            while off < self.len {
                let end = (off + (1 << 20)).min(self.len);
                out.write_all(&self.read(off..end))?;
                off = end;
            }
            out.sync_all()?;
            drop(out);
            std::fs::rename(&tmp, target)?;
            File::open(dir)?.sync_all()
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_err(e));
        }
        Ok(SaveReport {
            bytes_written: self.len,
            ranges: 1,
        })
    }

    /// Throws away every unsaved edit and shows the file as it is on disk now.
    /// In write-through mode the edits are already in the file; use undo instead.
    pub fn discard(&mut self) -> Result<(), DiscardError> {
        match self.mode {
            Mode::WriteThrough => Err(DiscardError::WriteThrough),
            _ => self.reload().map_err(DiscardError::Io),
        }
    }
}

/// Where a test may make a save stop as if maphex had crashed.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPoint {
    /// The journal is on disk; nothing was written to the target.
    AfterJournal,
    /// About half of the changed runs were written.
    MidWrite,
    /// Everything was written and fsynced; the journal is still there.
    BeforeJournalRemoved,
}

/// A journal or recovery action that failed.
#[derive(Debug, Error)]
pub enum RecoverError {
    /// No side file.
    #[error("there is nothing to recover")]
    Nothing,
    /// The side file does not fit this file any more.
    #[error(
        "the recovery file does not fit this file (it was changed since); :recover discard deletes it"
    )]
    Mismatch,
    /// The side file is damaged.
    #[error(transparent)]
    Journal(#[from] journal::JournalError),
    /// Applying the edits failed.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A discard that could not happen.
#[derive(Debug, Error)]
pub enum DiscardError {
    /// Write-through edits are in the file already.
    #[error("write-through: edits are already in the file; use u to undo them")]
    WriteThrough,
    /// Re-reading the file failed.
    #[error("cannot reload the file: {0}")]
    Io(io::Error),
}

impl ByteSource for Document {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        let view = self.view_bytes();
        let view_len = view.len() as u64;
        let split = end.min(view_len).max(start).min(end);
        let in_view = view.get(idx(start)..idx(split)).unwrap_or_default();
        // After a truncation fault the private view lost pages (zeros now); the overlay still
        // holds every edit, so lay it over the view and unsaved edits are never lost.
        let mut edits = if self.faulted() {
            Some(self.overlay.current_in(start..split).peekable())
        } else {
            None
        };
        let patched = edits.as_mut().is_some_and(|e| e.peek().is_some());
        if split == end && !patched {
            return Cow::Borrowed(in_view);
        }
        let mut out = in_view.to_vec();
        for (off, bytes) in edits.into_iter().flatten() {
            let s = idx(off - start);
            out[s..s + bytes.len()].copy_from_slice(bytes);
        }
        if split == end {
            return Cow::Owned(out);
        }
        // Copy-on-write appended tail.
        let from = idx(split.max(start).saturating_sub(self.base_len));
        let to = idx(end - self.base_len).min(self.tail.len());
        if from < to {
            out.extend_from_slice(&self.tail[from..to]);
        }
        Cow::Owned(out)
    }
}

/// A view of a document's bytes for another thread (the search worker): the unsaved edits as
/// they were when it was taken, over the shared mapping of the file. Reads borrow from the
/// mapping where nothing was edited. The mapping is live like every mmap: bytes the file gets
/// later (a save, a write-through edit, another program) show through; a truncation shows as
/// zeros (the SIGBUS guard) and the document notices it, not the snapshot.
#[derive(Clone)]
pub struct Snapshot {
    disk: DiskMap,
    overlay: Arc<Overlay>,
    tail: Arc<Vec<u8>>,
    base_len: u64,
    len: u64,
}

impl Snapshot {
    /// True when the file was truncated under this snapshot's mapping (pages past the new
    /// end read as zeros): what was read from it may be stale.
    pub fn faulted(&self) -> bool {
        self.disk.faulted()
    }
}

impl ByteSource for Snapshot {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        let split = end.min(self.base_len).max(start);
        let disk = self
            .disk
            .as_slice()
            .get(idx(start)..idx(split))
            .unwrap_or_default();
        let mut edits = self.overlay.current_in(start..split).peekable();
        if split == end && edits.peek().is_none() {
            return Cow::Borrowed(disk);
        }
        let mut out = disk.to_vec();
        for (off, bytes) in edits {
            let s = idx(off - start);
            out[s..s + bytes.len()].copy_from_slice(bytes);
        }
        if split < end {
            let from = idx(split.saturating_sub(self.base_len));
            let to = idx(end - self.base_len).min(self.tail.len());
            if from < to {
                out.extend_from_slice(&self.tail[from..to]);
            }
        }
        Cow::Owned(out)
    }
}
