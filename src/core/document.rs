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
//! Copy-on-write documents are a piece table ([`crate::core::pieces`]) over the file: bytes
//! inserted, deleted, filled or replaced anywhere, in memory proportional to the edits. Bytes
//! typed just past the end append: a piece in copy-on-write (the file grows on save),
//! `ftruncate` + remap in write-through (the file grows at once, and nothing can move).
//!
//! Errors and notes say what happened, and what to do only in the core's own terms ("roll it
//! back or keep it first"): never a `:` command or a command-line flag, which mean nothing to
//! the other front end. The TUI (`crate::tui::hint`) and the CLI (`crate::cli::hint`) add
//! their own hints; `tests/hints.rs` checks that no core message names either.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::history::History;

use crate::core::mapping::{DiskMap, ViewKind, ViewMap, clear_nonblocking};
use crate::core::overlay::Overlay;
use crate::core::patch::Transaction;
use crate::core::pieces::{Piece, Tree};
use crate::core::relayout;
use crate::core::shift::Change;
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
    /// Current length (`pieces.len()`).
    len: u64,
    /// The document as pieces of the file (with its same-length edits), inserted bytes and
    /// fills.
    pieces: Tree,
    /// Same-length edits of the file's own bytes `0..base_len`, keyed by file offset.
    overlay: Arc<Overlay>,
    history: History,
    group: Option<Transaction>,
    stamp: Option<Stamp>,
    /// What opening had to say, and its text (kept for [`Document::notes`]).
    notes: Vec<Note>,
    note_texts: Vec<String>,
    /// Write-through: the saved bytes of `start..base_len` while the file is shorter than at
    /// the last save.
    cut: Option<(u64, Vec<u8>)>,
    /// Offset changes not yet taken by [`Document::take_changes`].
    changes: Vec<Change>,
    /// Where the bytes changed, by version ([`Document::changed_since`]).
    log: changes::ChangeLog,
    /// Bumped by every change of the bytes (edit, undo, redo, reload).
    version: u64,
    /// What the last save had to say (history dropped), for [`Document::take_save_note`].
    save_note: Option<String>,
    /// Bytes touched by the latest write, undo or redo (for re-searching that region).
    last_change: Option<Range<u64>>,
    /// Standard input spooled into an unlinked file that grows while input arrives
    /// ([`Document::from_spool`]).
    spool: Option<File>,
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

/// Takes the file's advisory lock, trying again for a moment (about 50 ms) while it is held.
/// A process that forks (to run another program) holds copies of its open files, and so of
/// their locks, until the child execs: a lock can look taken for a few milliseconds after its
/// owner let it go. Another maphex really editing the file holds it for longer.
fn try_lock_a_moment(file: &File) -> Result<(), std::fs::TryLockError> {
    let mut tries = 0;
    loop {
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if tries < 10 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// A size for people: `737 B`, `12.3 MiB`.
pub fn human_size(n: u64) -> String {
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
                    notes.push(Note::NoWritePermission(path.to_path_buf()));
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
        let lock = if writable {
            try_lock_a_moment(&file)
        } else {
            Ok(())
        };
        let (mut file, writable) = match lock {
            Err(std::fs::TryLockError::WouldBlock) if !config.ignore_lock => {
                notes.push(Note::Locked(path.to_path_buf()));
                (
                    File::open(path).map_err(|e| OpenError::from_io(path, e))?,
                    false,
                )
            }
            // Locked by us, or locking is not supported here (some network filesystems).
            _ => (file, writable),
        };
        // A save that moved bytes and was interrupted (a crash, kill -9) is finished now,
        // before anything maps the file: the file becomes wholly the new content.
        let mut writable = writable;
        let mut meta = meta;
        if writable && relayout::pending(path).is_some() {
            match relayout::finish_pending(path) {
                Ok(done) => {
                    if done.is_some() {
                        notes.push(Note::Other(
                            "an interrupted save was finished: the file holds the saved content"
                                .into(),
                        ));
                    }
                    meta = file.metadata().map_err(|e| OpenError::from_io(path, e))?;
                }
                Err(e) => {
                    notes.push(Note::Other(format!(
                        "an interrupted save could not be finished ({e}); opened read-only so nothing more is written"
                    )));
                    writable = false;
                }
            }
        }
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
            pieces: identity(len),
            overlay: Arc::default(),
            history: History::new(),
            group: None,
            stamp,
            note_texts: notes.iter().map(ToString::to_string).collect(),
            notes,
            cut: None,
            changes: Vec::new(),
            log: changes::ChangeLog::default(),
            version: 0,
            save_note: None,
            last_change: None,
            spool: None,
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
        let notes = vec![Note::InMemory {
            what: what.to_string(),
            size: n,
            capped: more,
            asked_read_only: config.mode == Mode::ReadOnly,
        }];
        Self {
            path: path.to_path_buf(),
            file: None,
            mode: Mode::ReadOnly,
            kind: SourceKind::Stream,
            disk: DiskMap::from_bytes(bytes),
            view: None,
            base_len: n,
            len: n,
            pieces: identity(n),
            overlay: Arc::default(),
            history: History::new(),
            group: None,
            stamp: None,
            note_texts: notes.iter().map(ToString::to_string).collect(),
            notes,
            cut: None,
            changes: Vec::new(),
            log: changes::ChangeLog::default(),
            version: 0,
            save_note: None,
            last_change: None,
            spool: None,
        }
    }

    /// Standard input as the viewer shows it: read-only, mapped from `file` (an unlinked
    /// temporary file that another thread fills while the input arrives, see
    /// [`crate::core::spool`]), `len` bytes of it so far. [`Document::spool_grew`] maps more.
    pub fn from_spool(name: &str, file: File, len: u64) -> io::Result<Self> {
        let disk = DiskMap::map(&file, len)?;
        let mut d = Self::from_stream(
            Path::new(name),
            Vec::new(),
            false,
            "standard input",
            OpenConfig::default(),
        );
        d.set_note(Note::Spooling);
        d.disk = disk;
        d.base_len = len;
        d.len = len;
        d.pieces = identity(len);
        d.spool = Some(file);
        Ok(d)
    }

    /// Replaces the notes from opening with one (the caller knows more, e.g. that all of a
    /// spooled input has arrived).
    pub fn set_note(&mut self, note: Note) {
        self.note_texts = vec![note.to_string()];
        self.notes = vec![note];
    }

    /// True for standard input spooled by [`Document::from_spool`].
    pub fn is_spooled(&self) -> bool {
        self.spool.is_some()
    }

    /// The spooled input has `len` bytes now: maps them (the file only grows). Returns the
    /// length before, when it grew.
    pub fn spool_grew(&mut self, len: u64) -> io::Result<Option<u64>> {
        let Some(file) = &self.spool else {
            return Ok(None);
        };
        if len <= self.len {
            return Ok(None);
        }
        self.disk = DiskMap::map(file, len)?;
        let before = self.len;
        self.base_len = len;
        self.len = len;
        self.pieces = identity(len);
        self.version += 1;
        self.log.add(self.version, before, true);
        Ok(Some(before))
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
        d.note_texts.clear();
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

    /// Messages from opening (fallbacks taken): the text of [`Document::open_notes`], in the
    /// core's words (the TUI and the CLI add what to do in theirs).
    pub fn notes(&self) -> &[String] {
        &self.note_texts
    }

    /// What opening had to say, as values (to add a hint by kind).
    pub fn open_notes(&self) -> &[Note] {
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

    /// True when another process truncated the file under the mapping and pages past the new
    /// end were replaced by zeros (see the SIGBUS guard in `core/mapping`): the view is stale and
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
            pieces: self.pieces.clone(),
            len: self.len,
        }
    }

    fn view_bytes(&self) -> &[u8] {
        match &self.view {
            Some(v) => v.as_slice(),
            None => self.disk.as_slice(),
        }
    }
}

mod changes;
mod edit;
mod error;
mod many;
mod note;
mod recovery;
mod resave;
mod save;
mod snapshot;

pub use changes::Since;
pub use error::{DiskChange, EditError, OpenError, SaveError};
pub use note::Note;
pub use save::{DiscardError, FaultPoint, RecoverError, SaveTo};
pub use snapshot::Snapshot;

impl ByteSource for Document {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        // The view holds the same-length edits already; after a truncation fault it lost
        // pages (zeros now), and the overlay, which still holds every edit, is laid over it.
        let overlay = self.faulted().then_some(&*self.overlay);
        snapshot::read_pieces(&self.pieces, range, self.view_bytes(), overlay)
    }
}

/// The pieces of an unedited file of `len` bytes.
fn identity(len: u64) -> Tree {
    Tree::of(Piece::Base { start: 0, len })
}
