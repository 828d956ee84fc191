//! Why opening, editing or saving a document did not happen, in the core's own words (the
//! TUI and the CLI add their hints: `tui::hint`, `cli::hint`).

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

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
    pub(super) fn from_io(path: &Path, e: io::Error) -> Self {
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
    #[error("read-only")]
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
    /// Write-through, and the path no longer names the file that is open (replaced by a
    /// rename, or removed): the edit would land in a file nobody sees, so it is refused.
    #[error("write-through edit refused: {0}, so it would land in the old file")]
    Detached(DiskChange),
    /// Write-through: inserting or deleting would move bytes, which a shared mapping of the
    /// file cannot do (every other program with the file open would see it shift).
    #[error(
        "write-through mode cannot insert or delete: a shared mapping of the file cannot move \
         bytes; reopen in copy-on-write mode to insert and delete, then save"
    )]
    MovesBytes,
    /// Write-through: undo would have to keep more old bytes than allowed.
    #[error(
        "write-through edit refused: it changes {bytes} bytes in the file, and undo would have \
         to keep them all in memory (at most {limit}); reopen in copy-on-write mode, where it \
         costs a few bytes"
    )]
    UndoTooLarge {
        /// Bytes the edit changes.
        bytes: u64,
        /// The most allowed.
        limit: u64,
    },
}

/// A save that did not happen; the edits are still in memory, unsaved.
#[derive(Debug, Error)]
pub enum SaveError {
    /// The document is read-only.
    #[error("cannot save: opened read-only")]
    ReadOnly,
    /// The file shrank under the mapping; the view past the new end is zeros, not the file.
    #[error("cannot save in place: {0}")]
    Truncated(DiskChange),
    /// The path names another file now (replaced or removed): saving in place would write
    /// to a file nobody sees.
    #[error("cannot save in place: {0}")]
    Detached(DiskChange),
    /// A save to another path ([`Document::save_to`]) that names the file open read-only.
    #[error("cannot write {0}: it is the file that is open read-only")]
    OntoReadOnlySelf(PathBuf),
    /// The journal of an interrupted save is still beside the file.
    #[error("cannot save: an interrupted save left {0}; roll it back or keep it first")]
    JournalPending(PathBuf),
    /// Someone else changed the file since it was opened.
    #[error("cannot save: {0}")]
    ChangedOnDisk(DiskChange),
    /// A length-changing save could not happen (no space, or writing failed and was rolled
    /// back); the file is as it was and the edits are kept.
    #[error("cannot save {path}: {source}")]
    Relayout {
        /// The file being written.
        path: PathBuf,
        /// The cause.
        source: crate::core::relayout::RelayoutError,
    },
    /// Writing failed; the edits are kept.
    #[error("cannot save {path}: {source}")]
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
