//! What opening a document has to say (a fallback taken, a lock held by another maphex), as
//! values: the core's text is their `Display`, in its own terms; the TUI and the CLI add
//! what to do in theirs (`crate::tui::hint`, `crate::cli::hint`).

use std::path::PathBuf;

use super::human_size;

/// One thing worth saying about how a document was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// Writing was asked for, but the file cannot be written by us (permissions, a
    /// read-only file system): opened read-only.
    NoWritePermission(PathBuf),
    /// Another maphex holds the file's advisory lock: opened read-only.
    Locked(PathBuf),
    /// A source that cannot be mapped (a pipe, a character device, a kernel file), read into
    /// memory and so read-only.
    InMemory {
        /// What the source is: "pipe", "character device", …
        what: String,
        /// Bytes read.
        size: u64,
        /// True when the read stopped at the cap and there was more.
        capped: bool,
        /// True when read-only was asked for anyway (nothing is lost by it: say less).
        asked_read_only: bool,
    },
    /// Standard input, spooled while it arrives; read-only.
    Spooling,
    /// Standard input, all of it in; read-only.
    Spooled {
        /// Bytes that arrived.
        size: u64,
    },
    /// Anything else the caller knows (shown as given).
    Other(String),
}

impl Note {
    /// True when the note says the document is read-only because of where it came from
    /// (not because read-only was asked for or a lock is held): a copy elsewhere can be
    /// written.
    pub fn is_unwritable_source(&self) -> bool {
        matches!(
            self,
            Self::InMemory {
                asked_read_only: false,
                ..
            } | Self::Spooling
                | Self::Spooled { .. }
        )
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoWritePermission(path) => write!(
                f,
                "opened read-only: no permission to write {}",
                path.display()
            ),
            Self::Locked(path) => write!(
                f,
                "opened read-only: {} is being edited in another maphex (advisory lock)",
                path.display()
            ),
            Self::InMemory {
                what,
                size,
                asked_read_only: true,
                ..
            } => write!(f, "{what}: read {} into memory", human_size(*size)),
            Self::InMemory {
                what,
                size,
                capped: true,
                ..
            } => write!(
                f,
                "{what}: read the first {} into memory (the cap); read-only",
                human_size(*size)
            ),
            Self::InMemory { what, size, .. } => {
                write!(
                    f,
                    "{what}: read {} into memory; read-only",
                    human_size(*size)
                )
            }
            Self::Spooling => write!(f, "standard input: reading…; read-only"),
            Self::Spooled { size } => {
                write!(f, "standard input: {}; read-only", human_size(*size))
            }
            Self::Other(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        let cases = [
            (
                Note::NoWritePermission("f".into()),
                "opened read-only: no permission to write f",
            ),
            (
                Note::Locked("f".into()),
                "opened read-only: f is being edited in another maphex (advisory lock)",
            ),
            (
                Note::InMemory {
                    what: "pipe".into(),
                    size: 2048,
                    capped: true,
                    asked_read_only: false,
                },
                "pipe: read the first 2.0 KiB into memory (the cap); read-only",
            ),
            (
                Note::InMemory {
                    what: "pipe".into(),
                    size: 5,
                    capped: false,
                    asked_read_only: false,
                },
                "pipe: read 5 B into memory; read-only",
            ),
            (
                Note::InMemory {
                    what: "pipe".into(),
                    size: 5,
                    capped: true,
                    asked_read_only: true,
                },
                "pipe: read 5 B into memory",
            ),
            (Note::Spooling, "standard input: reading…; read-only"),
            (Note::Spooled { size: 3 }, "standard input: 3 B; read-only"),
            (Note::Other("as given".into()), "as given"),
        ];
        for (note, text) in cases {
            assert_eq!(note.to_string(), text);
        }
    }
}
