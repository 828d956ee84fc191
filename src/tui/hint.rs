//! The TUI's words on top of the core's: a core error or open note says what happened (in
//! the core's terms, see `crate::core::document`), and these add what to do here, naming
//! the `:` commands and keys of this front end. The message line is 80 columns wide and cuts
//! the rest, so the core's words (what happened) come first and the hint after.

use crate::core::document::{DiscardError, EditError, Note, RecoverError, SaveError};

/// The message for a refused edit (typing, paste, fill, undo, redo, entering edit mode).
pub fn edit(e: &EditError) -> String {
    match e {
        EditError::ReadOnly => format!("{e}: reopen without -r, or use :w PATH to save a copy"),
        EditError::Detached(_) => {
            format!("{e}; :e! opens what the path holds now, :w PATH saves a copy")
        }
        EditError::MovesBytes | EditError::UndoTooLarge { .. } => {
            format!("{e} (start maphex without -w)")
        }
        EditError::PastEnd { .. } | EditError::TooLarge { .. } | EditError::Resize(_) => {
            e.to_string()
        }
    }
}

/// The message for a save that did not happen (`:w`, `:w PATH`, `:x`).
pub fn save(e: &SaveError) -> String {
    match e {
        SaveError::ReadOnly => format!("{e}; use :w PATH to save a copy"),
        SaveError::Truncated(_) => {
            format!("{e}; :w PATH saves a copy with your edits, :e! reloads")
        }
        SaveError::Detached(_) => format!(
            "{e}; :w PATH saves your edits there, :e! opens what the path holds now (your edits are lost)"
        ),
        SaveError::OntoReadOnlySelf(_) => format!("{e}; :w! PATH overwrites it anyway"),
        // The core says "roll it back or keep it first"; here that is two commands.
        SaveError::JournalPending(journal) => format!(
            "cannot save: an interrupted save left {}; :recover rollback or :recover keep first",
            journal.display()
        ),
        SaveError::ChangedOnDisk(_) => format!("{e}; :w! overwrites anyway, :w PATH saves a copy"),
        SaveError::Io { .. } | SaveError::Relayout { .. } => format!("{e}; your edits are kept"),
    }
}

/// The message for a `:recover` that failed.
pub fn recover(e: &RecoverError) -> String {
    match e {
        RecoverError::NeedsCopyOnWrite => {
            format!("{e}: reopen without -w or -r, then :recover apply")
        }
        RecoverError::Mismatch => format!("{e}; :recover discard deletes it"),
        RecoverError::Edit(inner) => edit(inner),
        RecoverError::Nothing | RecoverError::Journal(_) | RecoverError::Io(_) => e.to_string(),
    }
}

/// The message for a discard (`:e!`) that could not happen.
pub fn discard(e: &DiscardError) -> String {
    match e {
        DiscardError::WriteThrough => format!("{e}; use u to undo them"),
        DiscardError::Io(_) => e.to_string(),
    }
}

/// The message for a note from opening (the first of `Document::open_notes`, shown at start).
pub fn open_note(n: &Note) -> String {
    match n {
        Note::Locked(_) => format!("{n}; --force-write ignores the lock"),
        _ if n.is_unwritable_source() => format!("{n}, :w PATH saves a copy"),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::PathBuf;

    use super::*;
    use crate::core::document::DiskChange;

    /// Each message is the core's text (what happened) and then the hint, so the most
    /// important words survive the 80-column cut; and today's texts stay as they were.
    fn check(core: &str, full: &str, expected: &str) {
        assert_eq!(full, expected);
        assert!(
            full.starts_with(core),
            "{full:?} does not start with {core:?}"
        );
    }

    #[test]
    fn edit_messages() {
        let e = EditError::ReadOnly;
        check(
            &e.to_string(),
            &edit(&e),
            "read-only: reopen without -r, or use :w PATH to save a copy",
        );
        let e = EditError::Detached(DiskChange::Replaced);
        check(
            &e.to_string(),
            &edit(&e),
            "write-through edit refused: the file was replaced on disk, so it would land in the old file; :e! opens what the path holds now, :w PATH saves a copy",
        );
        let e = EditError::PastEnd {
            offset: 17,
            len: 16,
        };
        check(
            &e.to_string(),
            &edit(&e),
            "offset 0x11 is past the end (0x10); edits may only append at the end",
        );
        let e = EditError::Resize("no space".into());
        check(
            &e.to_string(),
            &edit(&e),
            "cannot resize the file: no space",
        );
    }

    #[test]
    fn save_messages() {
        let cases: [(SaveError, &str); 6] = [
            (
                SaveError::ReadOnly,
                "cannot save: opened read-only; use :w PATH to save a copy",
            ),
            (
                SaveError::Truncated(DiskChange::Resized { from: 9, to: 3 }),
                "cannot save in place: file shrank on disk from 9 to 3 bytes; :w PATH saves a copy with your edits, :e! reloads",
            ),
            (
                SaveError::Detached(DiskChange::Removed),
                "cannot save in place: the file was removed from disk; :w PATH saves your edits there, :e! opens what the path holds now (your edits are lost)",
            ),
            (
                SaveError::OntoReadOnlySelf(PathBuf::from("f")),
                "cannot write f: it is the file that is open read-only; :w! PATH overwrites it anyway",
            ),
            (
                SaveError::ChangedOnDisk(DiskChange::Modified),
                "cannot save: the file was changed on disk by another program; :w! overwrites anyway, :w PATH saves a copy",
            ),
            (
                SaveError::Io {
                    path: PathBuf::from("f"),
                    source: io::Error::other("disk full"),
                },
                "cannot save f: disk full; your edits are kept",
            ),
        ];
        for (e, expected) in &cases {
            check(&e.to_string(), &save(e), expected);
        }
        // The core's advice ("roll it back or keep it first") becomes the two commands.
        let e = SaveError::JournalPending(PathBuf::from(".f.maphex-journal"));
        assert_eq!(
            e.to_string(),
            "cannot save: an interrupted save left .f.maphex-journal; roll it back or keep it first"
        );
        assert_eq!(
            save(&e),
            "cannot save: an interrupted save left .f.maphex-journal; :recover rollback or :recover keep first"
        );
    }

    #[test]
    fn recover_and_discard_messages() {
        let e = RecoverError::NeedsCopyOnWrite;
        check(
            &e.to_string(),
            &recover(&e),
            "recovered edits load in copy-on-write mode: reopen without -w or -r, then :recover apply",
        );
        let e = RecoverError::Mismatch;
        check(
            &e.to_string(),
            &recover(&e),
            "the recovery file does not fit this file (it was changed since); :recover discard deletes it",
        );
        let e = RecoverError::Edit(EditError::ReadOnly);
        assert_eq!(recover(&e), edit(&EditError::ReadOnly));
        let e = RecoverError::Nothing;
        assert_eq!(recover(&e), e.to_string());
        let e = DiscardError::WriteThrough;
        check(
            &e.to_string(),
            &discard(&e),
            "write-through: edits are already in the file; use u to undo them",
        );
        let e = DiscardError::Io(io::Error::other("gone"));
        assert_eq!(discard(&e), "cannot reload the file: gone");
    }

    #[test]
    fn open_note_messages() {
        let cases = [
            (
                Note::Locked(PathBuf::from("f")),
                "opened read-only: f is being edited in another maphex (advisory lock); --force-write ignores the lock",
            ),
            (
                Note::NoWritePermission(PathBuf::from("f")),
                "opened read-only: no permission to write f",
            ),
            (
                Note::InMemory {
                    what: "pipe".into(),
                    size: 2048,
                    capped: true,
                    asked_read_only: false,
                },
                "pipe: read the first 2.0 KiB into memory (the cap); read-only, :w PATH saves a copy",
            ),
            (
                Note::InMemory {
                    what: "character device".into(),
                    size: 5,
                    capped: false,
                    asked_read_only: false,
                },
                "character device: read 5 B into memory; read-only, :w PATH saves a copy",
            ),
            (
                Note::InMemory {
                    what: "pipe".into(),
                    size: 5,
                    capped: false,
                    asked_read_only: true,
                },
                "pipe: read 5 B into memory",
            ),
            (
                Note::Spooling,
                "standard input: reading…; read-only, :w PATH saves a copy",
            ),
            (
                Note::Spooled { size: 3 },
                "standard input: 3 B; read-only, :w PATH saves a copy",
            ),
            (Note::Other("as given".into()), "as given"),
        ];
        for (n, expected) in &cases {
            check(&n.to_string(), &open_note(n), expected);
        }
    }
}
