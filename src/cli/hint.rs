//! The command line's words on top of the core's: a core error or open note says what
//! happened (in the core's terms, see `crate::core::document`), and these add what to do
//! from a shell, naming this front end's flags. The TUI has its own (`crate::tui::hint`).

use crate::core::document::{Note, SaveError};

/// Why `maphex patch` cannot write a file that opened read-only.
pub fn patch_note(n: &Note) -> String {
    match n {
        Note::Locked(_) => format!("{n}; --force-write ignores the lock"),
        Note::NoWritePermission(_) => format!("{n}; check its permissions or run as its owner"),
        _ if n.is_unwritable_source() => format!("{n}; only a file can be patched in place"),
        _ => n.to_string(),
    }
}

/// A save of `maphex patch` that did not happen.
pub fn save(e: &SaveError) -> String {
    match e {
        // Refused before anything was written.
        SaveError::Truncated(_) | SaveError::Detached(_) | SaveError::ChangedOnDisk(_) => {
            format!("{e}; nothing was written, run the patch again")
        }
        SaveError::JournalPending(_) => {
            format!("{e} (open the file in maphex: :recover rollback or :recover keep)")
        }
        SaveError::ReadOnly
        | SaveError::OntoReadOnlySelf(_)
        | SaveError::Io { .. }
        | SaveError::Relayout { .. } => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::core::document::DiskChange;

    #[test]
    fn patch_messages() {
        assert_eq!(
            patch_note(&Note::Locked(PathBuf::from("f"))),
            "opened read-only: f is being edited in another maphex (advisory lock); --force-write ignores the lock"
        );
        assert_eq!(
            patch_note(&Note::InMemory {
                what: "pipe".into(),
                size: 1,
                capped: false,
                asked_read_only: false
            }),
            "pipe: read 1 B into memory; read-only; only a file can be patched in place"
        );
        assert_eq!(
            save(&SaveError::ChangedOnDisk(DiskChange::Modified)),
            "cannot save: the file was changed on disk by another program; nothing was written, run the patch again"
        );
        assert_eq!(
            save(&SaveError::JournalPending(PathBuf::from("j"))),
            "cannot save: an interrupted save left j; roll it back or keep it first (open the file in maphex: :recover rollback or :recover keep)"
        );
    }
}
