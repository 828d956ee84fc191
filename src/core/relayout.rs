//! Saving a layout whose length changed (insertions, deletions, length-changing
//! replacements), crash-safely and with the least I/O: rewriting the tail in place under a
//! journal, or writing a new file beside the old one and renaming it over.
//!
//! [`plan`] chooses by the bytes each way writes (a change near the start favours the new
//! file, one near the end the journaled rewrite), within what the file allows: a file with
//! several hard links, in a folder this process may not write, or owned by someone else is
//! rewritten in place, because a new file would break the links or could not be made or
//! could not keep the owner. Free space is checked before anything is touched.
//!
//! The old bytes are read through the file descriptor, never a mapping: in place, the save
//! overwrites what the caller's mappings show. After a crash, [`finish_pending`] (run on the
//! next open) finishes an in-place save from its journal, or drops one that never touched
//! the file, and removes the temporary file a rename save left; the file is then wholly old
//! or wholly new. How the in-place way orders its writes is in `relayout/schedule.rs`; its
//! journal format in `relayout/inplace.rs`.

mod inplace;
mod read;
mod rename;
mod schedule;
mod spec;
use crate::core::mapping::sys;

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::core::layout::{Layout, Source};

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
    /// Bytes the in-place way writes (file and journal). When the new file wins on bytes
    /// anyway, this is a lower bound (the exact figure is not worked out).
    pub in_place_bytes: u64,
    /// Bytes the rename way writes.
    pub rename_bytes: u64,
    /// Why this way (for messages and tests): "fewer bytes", "hard links", "folder not writable", ...
    pub why: &'static str,
    /// Free bytes the way chosen needs.
    pub needed: u64,
    /// Free bytes there are.
    pub available: u64,
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

/// Where a test may make a save stop as if maphex had crashed, and what it leaves once
/// [`finish_pending`] has run.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Rename: the new content written, not synced. Leaves the old file.
    TempWritten,
    /// Rename: the temporary file synced with owner, mode and attributes. Leaves the old file.
    TempSynced,
    /// Rename: renamed, folder not synced. Leaves the new file.
    Renamed,
    /// In place: half of the journal's header written. Leaves the old file.
    HeaderTorn,
    /// In place: the journal's header synced. Leaves the new file.
    JournalWritten,
    /// In place: the file grown to its new length. Leaves the new file.
    Extended,
    /// In place: half of this step's record written. Leaves the new file.
    RecordTorn(usize),
    /// In place: this step's record synced, nothing of it written. Leaves the new file.
    StepJournaled(usize),
    /// In place: this step's bytes torn (garbage written where they go). Leaves the new file.
    StepTorn(usize),
    /// In place: this step written and synced. Leaves the new file.
    StepWritten(usize),
    /// In place: the completion record synced. Leaves the new file.
    Completed,
    /// In place: the file cut to its new length, journal not removed. Leaves the new file.
    Truncated,
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
    /// Of `bytes_written`, those that went into the journal.
    pub journal_bytes: u64,
}

/// A save that could not happen; the file is as it was (except [`RelayoutError::Interrupted`]).
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
    /// An earlier save of the file was interrupted and is not finished yet.
    #[error("an interrupted save of this file is pending in {}; it must be finished first", journal.display())]
    Pending {
        /// Its journal.
        journal: PathBuf,
    },
    /// Writing failed after the file had begun to change; the journal stays, and the save is
    /// finished from it when the file is next opened.
    #[error("the save stopped part way ({source}); it is finished from {} when the file is next opened", journal.display())]
    Interrupted {
        /// The journal that finishes it.
        journal: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// A journal that does not fit the file it is named after; nothing was changed.
    #[error("{} does not fit the file beside it ({why}); it was left alone", journal.display())]
    Damaged {
        /// The journal.
        journal: PathBuf,
        /// What does not fit.
        why: &'static str,
    },
    /// A simulated crash (tests only).
    #[doc(hidden)]
    #[error("stopped at test point {0:?}")]
    Fault(Fault),
}

/// Test knobs that change how a save is cut into steps.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    /// Bytes per in-place step (each step costs two syncs).
    pub block: u64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning { block: 8 << 20 }
    }
}

/// The facts the choice of a way rests on, gathered by [`plan`] (and fed directly in tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Hard links of the file.
    pub links: u64,
    /// Whether a new file can be made and renamed in its folder.
    pub dir_writable: bool,
    /// Whether a new file could get the old one's owner (this process is root or the owner).
    pub owner_kept: bool,
    /// Whether it is a regular file (a device or the like cannot be replaced).
    pub regular: bool,
    /// Bytes the in-place way writes.
    pub in_place_bytes: u64,
    /// Bytes the rename way writes.
    pub rename_bytes: u64,
    /// Free bytes the in-place way needs (growth and journal).
    pub in_place_space: u64,
    /// Free bytes the rename way needs (the whole new file).
    pub rename_space: u64,
    /// Free bytes there are.
    pub available: u64,
    /// A way asked for ([`Options::strategy`]).
    pub forced: Option<Strategy>,
}

/// The way chosen from [`Facts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The way.
    pub strategy: Strategy,
    /// Why.
    pub why: &'static str,
    /// Free bytes it needs.
    pub needed: u64,
    /// Whether they are there.
    pub fits: bool,
}

/// Chooses a way: in place when a new file is not allowed, else the way asked for, else the
/// one that writes fewer bytes; when that one lacks space and the other fits (and none was
/// asked for), the other.
pub fn decide(f: &Facts) -> Decision {
    let blocked = if !f.regular {
        Some("not a regular file")
    } else if f.links > 1 {
        Some("hard links")
    } else if !f.dir_writable {
        Some("folder not writable")
    } else if !f.owner_kept {
        Some("owner cannot be kept")
    } else {
        None
    };
    let need = |s| match s {
        Strategy::InPlace => f.in_place_space,
        Strategy::Rename => f.rename_space,
    };
    let (strategy, why) = match (blocked, f.forced) {
        (Some(why), _) => (Strategy::InPlace, why),
        (None, Some(s)) => (s, "asked for"),
        (None, None) if f.in_place_bytes <= f.rename_bytes => {
            (Strategy::InPlace, "fewer bytes in place")
        }
        (None, None) => (Strategy::Rename, "fewer bytes as a new file"),
    };
    if need(strategy) > f.available && blocked.is_none() && f.forced.is_none() {
        let (other, why) = match strategy {
            Strategy::InPlace => (Strategy::Rename, "only a new file fits the free space"),
            Strategy::Rename => (Strategy::InPlace, "only in place fits the free space"),
        };
        if need(other) <= f.available {
            return Decision {
                strategy: other,
                why,
                needed: need(other),
                fits: true,
            };
        }
    }
    Decision {
        strategy,
        why,
        needed: need(strategy),
        fits: need(strategy) <= f.available,
    }
}

/// The journal of an in-place save of `target` (a resolved path): `.NAME.maphex-relayout`
/// beside it.
fn journal_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder(target).join(format!(".{name}.maphex-relayout"))
}

/// Where the journal goes when the file's folder is not writable (a file with hard links
/// or someone else's file in a read-only folder is still saved in place): the user's state
/// folder (`$XDG_STATE_HOME`, else `~/.local/state`), `maphex/relayout-DEV-INO`, which
/// survives a reboot, unlike `/tmp`.
fn state_journal_path(dev: u64, ino: u64) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("maphex").join(format!("relayout-{dev}-{ino}")))
}

/// The journals an interrupted save of `target` may have left.
fn journal_candidates(target: &Path) -> Vec<PathBuf> {
    let mut out = vec![journal_path(target)];
    if let Ok(m) = fs::metadata(target)
        && let Some(p) = state_journal_path(m.dev(), m.ino())
    {
        out.push(p);
    }
    out
}

fn folder(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The file a path names, through symbolic links (the link stays; its target changes).
fn resolve(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn check_layout(layout: &Layout, old_len: u64) -> io::Result<()> {
    for seg in layout.segments() {
        if let Source::Old { offset } = seg.src
            && offset.checked_add(seg.len).is_none_or(|end| end > old_len)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the new layout reads {} bytes at {offset} of an old file of {old_len} bytes",
                    seg.len
                ),
            ));
        }
    }
    Ok(())
}

/// Decides how `layout` would be saved over `path` (an old file of `old_len` bytes).
pub fn plan(path: &Path, old_len: u64, layout: &Layout) -> io::Result<Plan> {
    plan_tuned(path, old_len, layout, None, Tuning::default())
}

/// [`plan`] with a way asked for and test knobs.
#[doc(hidden)]
pub fn plan_tuned(
    path: &Path,
    old_len: u64,
    layout: &Layout,
    forced: Option<Strategy>,
    tuning: Tuning,
) -> io::Result<Plan> {
    let target = resolve(path);
    let meta = fs::metadata(&target)?;
    let dir = folder(&target);
    let Some(first) = layout.first_change(old_len) else {
        return Ok(Plan {
            strategy: Strategy::InPlace,
            first_change: old_len,
            in_place_bytes: 0,
            rename_bytes: 0,
            why: "unchanged",
            needed: 0,
            available: 0,
        });
    };
    let euid = sys::euid();
    // In a sticky folder (like /tmp) only the owner of a file (or of the folder) may
    // replace it.
    let sticky = fs::metadata(dir).is_ok_and(|d| d.mode() & 0o1000 != 0 && d.uid() != euid);
    let mut facts = Facts {
        links: meta.nlink(),
        dir_writable: sys::dir_writable(dir) && !(sticky && euid != 0 && meta.uid() != euid),
        owner_kept: euid == 0 || euid == meta.uid(),
        regular: meta.is_file(),
        in_place_bytes: 0,
        rename_bytes: layout.len(),
        in_place_space: 0,
        rename_space: layout.len(),
        available: sys::free_space(dir)?,
        forced,
    };
    let growth = layout.len().saturating_sub(old_len);
    // What the in-place way writes at least: every segment from the first change on that is
    // not already in its place.
    let lower: u64 = layout
        .with_offsets()
        .filter(|(at, s)| *at >= first && s.src != Source::Old { offset: *at })
        .map(|(_, s)| s.len)
        .sum();
    let spec = spec::Spec::from_layout(layout, None, old_len, first, tuning.block)?;
    let header = spec::header_len(&spec);
    let rename_free = facts.links <= 1 && facts.dir_writable && facts.owner_kept && facts.regular;
    if rename_free && forced.is_none() && lower + header > facts.rename_bytes {
        facts.in_place_bytes = lower + header;
        facts.in_place_space = growth + header;
    } else {
        let (file, journal) = inplace::estimate(&spec);
        facts.in_place_bytes = file + journal;
        facts.in_place_space = growth + journal;
    }
    let d = decide(&facts);
    Ok(Plan {
        strategy: d.strategy,
        first_change: first,
        in_place_bytes: facts.in_place_bytes,
        rename_bytes: facts.rename_bytes,
        why: d.why,
        needed: d.needed,
        available: facts.available,
    })
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
    save_tuned(path, file, old_len, layout, opts, Tuning::default())
}

/// [`save`] with test knobs.
#[doc(hidden)]
pub fn save_tuned(
    path: &Path,
    file: &File,
    old_len: u64,
    layout: &Layout,
    opts: &Options,
    tuning: Tuning,
) -> Result<Outcome, RelayoutError> {
    check_layout(layout, old_len)?;
    let target = resolve(path);
    let on_disk = fs::metadata(&target)?;
    let open = file.metadata()?;
    if (on_disk.dev(), on_disk.ino()) != (open.dev(), open.ino()) || open.len() != old_len {
        return Err(io::Error::other(format!(
            "{} on disk is not the file this layout was made for (replaced, or {} bytes long, not {old_len})",
            target.display(),
            open.len()
        ))
        .into());
    }
    if let Some(journal) = journal_candidates(&target).into_iter().find(|j| j.exists()) {
        return Err(RelayoutError::Pending { journal });
    }
    let Some(first) = layout.first_change(old_len) else {
        return Ok(Outcome {
            strategy: Strategy::InPlace,
            bytes_written: 0,
            overwritten_from: None,
            journal_bytes: 0,
        });
    };
    let plan = plan_tuned(&target, old_len, layout, opts.strategy, tuning)?;
    if plan.needed > plan.available {
        return Err(RelayoutError::NoSpace {
            path: folder(&target).to_path_buf(),
            needed: plan.needed,
            available: plan.available,
        });
    }
    match plan.strategy {
        Strategy::InPlace => {
            // Writing at or past the file size limit fails even inside the file: refuse
            // before the first write rather than stop half way. (Growing past it is refused
            // by the reservation of the new length, before anything is written.)
            if let Some(limit) = sys::file_size_limit()
                && old_len > limit
            {
                return Err(io::Error::from_raw_os_error(libc::EFBIG).into());
            }
            let jpath = if sys::dir_writable(folder(&target)) {
                journal_path(&target)
            } else {
                let p = state_journal_path(open.dev(), open.ino()).ok_or_else(|| {
                    io::Error::other(
                        "the folder is not writable and there is no home folder for the journal",
                    )
                })?;
                fs::create_dir_all(folder(&p))?;
                p
            };
            let spec = spec::Spec::from_layout(layout, Some(file), old_len, first, tuning.block)?;
            let (written, journal) = inplace::save(&spec, file, &jpath, open.mode(), opts.fault)?;
            Ok(Outcome {
                strategy: Strategy::InPlace,
                bytes_written: written + journal,
                overwritten_from: Some(first),
                journal_bytes: journal,
            })
        }
        Strategy::Rename => {
            let written = rename::save(&target, file, layout, opts.fault)?;
            Ok(Outcome {
                strategy: Strategy::Rename,
                bytes_written: written,
                overwritten_from: None,
                journal_bytes: 0,
            })
        }
    }
}

/// The journal of an interrupted in-place save of `path`, if there is one.
pub fn pending(path: &Path) -> Option<PathBuf> {
    journal_candidates(&resolve(path))
        .into_iter()
        .find(|j| j.exists())
}

/// Finishes (or, where it never began to write, drops) an interrupted save of `path`.
/// Returns what it did, or `None` with nothing pending (or only a torn journal or a
/// temporary file of a rename save, both removed: the file is as it was).
pub fn finish_pending(path: &Path) -> Result<Option<Outcome>, RelayoutError> {
    finish_pending_faulted(path, None)
}

/// [`finish_pending`] that stops as if crashed at `fault` (tests only).
#[doc(hidden)]
pub fn finish_pending_faulted(
    path: &Path,
    fault: Option<Fault>,
) -> Result<Option<Outcome>, RelayoutError> {
    let target = resolve(path);
    let tmp = rename::temp_path(&target);
    if tmp.exists() {
        fs::remove_file(&tmp)?;
        crate::core::journal::sync_dir(&tmp)?;
    }
    let Some(jpath) = journal_candidates(&target).into_iter().find(|j| j.exists()) else {
        return Ok(None);
    };
    Ok(
        inplace::finish(&target, &jpath, fault)?.map(|(first, written, journal)| Outcome {
            strategy: Strategy::InPlace,
            bytes_written: written + journal,
            overwritten_from: Some(first),
            journal_bytes: journal,
        }),
    )
}
