//! Saving a layout whose length changed (insertions, deletions, length-changing
//! replacements), crash-safely and with the least I/O: rewriting the tail in place under a
//! journal, or writing a new file beside the old one and renaming it over.
//!
//! STUB: the signatures are fixed; the bodies are being written.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::core::layout::Layout;

/// The two ways a save can go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Rewrite from the first change on inside the file, under a journal (keeps the inode).
    InPlace,
    /// Write a new file beside the old one and rename it over (atomic; a new inode).
    Rename,
}

/// What a save would do and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The way chosen.
    pub strategy: Strategy,
    /// The first offset whose bytes change (nothing before it is written).
    pub first_change: u64,
    /// Bytes the in-place way writes (file and journal).
    pub in_place_bytes: u64,
    /// Bytes the rename way writes.
    pub rename_bytes: u64,
    /// Why this way (for messages and tests): "fewer bytes", "hard links", "folder not writable", ...
    pub why: &'static str,
}

/// Knobs for tests and benchmarks.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Take this way instead of the cheaper one (where it is allowed).
    pub strategy: Option<Strategy>,
    /// Stop as if crashed at this point (tests only).
    #[doc(hidden)]
    pub fault: Option<Fault>,
}

/// Where a test may make a save stop as if maphex had crashed.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Placeholder until the engine defines its points.
    Start,
}

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The way taken.
    pub strategy: Strategy,
    /// Bytes written to the file (and its journal, or the new file).
    pub bytes_written: u64,
    /// For in place: old bytes from this offset on were overwritten. `None` after a rename
    /// (the old inode is untouched).
    pub overwritten_from: Option<u64>,
}

/// A save that could not happen; the file is as it was.
#[derive(Debug, Error)]
pub enum RelayoutError {
    /// Not enough free space for the way chosen.
    #[error("not enough free space on {}: this save needs {needed} more bytes, {available} are free", path.display())]
    NoSpace {
        /// The folder of the file.
        path: PathBuf,
        /// Bytes needed.
        needed: u64,
        /// Bytes available.
        available: u64,
    },
    /// Reading or writing failed (rolled back).
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Decides how `layout` would be saved over `path` (an old file of `old_len` bytes).
pub fn plan(path: &Path, old_len: u64, layout: &Layout) -> io::Result<Plan> {
    let _ = (path, old_len, layout);
    Err(io::Error::other("relayout: not written yet"))
}

/// Saves `layout` over `path`; `file` is the old file open for reading and writing (the
/// source of [`crate::core::layout::Source::Old`] bytes).
pub fn save(
    path: &Path,
    file: &File,
    old_len: u64,
    layout: &Layout,
    opts: &Options,
) -> Result<Outcome, RelayoutError> {
    let _ = (path, file, old_len, layout, opts);
    Err(RelayoutError::Io(io::Error::other(
        "relayout: not written yet",
    )))
}

/// The journal of an interrupted in-place save of `path`, if there is one.
pub fn pending(path: &Path) -> Option<PathBuf> {
    let _ = path;
    None
}

/// Finishes (or, where it never began to write, drops) an interrupted save of `path`.
/// Returns what it did, or `None` with nothing pending.
pub fn finish_pending(path: &Path) -> Result<Option<Outcome>, RelayoutError> {
    let _ = path;
    Ok(None)
}
