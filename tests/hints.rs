//! Messages only name what exists: every flag (`--force-write`, `-r`) and every `:` command
//! (`:w PATH`, `:recover keep`) that a message in `src/` tells the user to use is checked
//! against the real argument parser and the command table. Regression for "`maphex patch`
//! suggests an option it does not have" (`--force-write`).

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;

use std::path::{Path, PathBuf};
use support::rust_files;

use clap::CommandFactory;
use maphex::cli::Cli;

/// The string literals of `src` (outside comments and `#[cfg(test)]` modules), unescaped
/// only as far as the checks need (escapes are kept as written).
fn string_literals(src: &str) -> Vec<String> {
    let code = src.split("#[cfg(test)]").next().unwrap_or(src);
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('"', '\'') or a lifetime: skip the char literal whole.
                if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                } else if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    i += 1;
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                out.push(String::from_utf8_lossy(&b[start..i.min(b.len())]).into_owned());
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Flags a message names: `--long-name` and `-x` at the start of a word.
fn named_flags(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        let starts_word = i == 0 || matches!(chars[i - 1], ' ' | '(' | ',' | '`');
        if !starts_word || chars[i] != '-' {
            continue;
        }
        // Another tool's flag, named for comparison (`rg --no-unicode`), is not ours.
        let before: String = chars[..i].iter().collect();
        let prev = before.split_whitespace().last().unwrap_or("");
        if ["rg", "`rg", "grep", "xxd", "cmp", "sed"].contains(&prev) {
            continue;
        }
        let rest: String = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '-')
            .collect();
        if let Some(long) = rest.strip_prefix("--") {
            if long.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.push(rest.clone());
            }
        } else if rest.len() == 2 && rest.as_bytes()[1].is_ascii_alphabetic() {
            out.push(rest);
        }
    }
    out
}

/// `:` commands a message names: `:name` at the start of a word, `name` in letters (and `!`).
fn named_commands(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        let starts_word = i == 0 || matches!(chars[i - 1], ' ' | '(' | ',' | '`');
        if !starts_word || chars[i] != ':' {
            continue;
        }
        let name: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic() || **c == '!')
            .collect();
        // `:OFFSET`, `:N` are placeholders, not names.
        if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            out.push(name);
        }
    }
    out
}

/// Every long and short flag of maphex and its subcommands.
fn known_flags() -> BTreeSet<String> {
    fn walk(cmd: &clap::Command, out: &mut BTreeSet<String>) {
        for a in cmd.get_arguments() {
            if let Some(l) = a.get_long() {
                out.insert(format!("--{l}"));
            }
            if let Some(s) = a.get_short() {
                out.insert(format!("-{s}"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = BTreeSet::from(["--help".to_string(), "--version".to_string()]);
    let mut cmd = Cli::command();
    cmd.build();
    walk(&cmd, &mut out);
    out
}

#[test]
fn every_flag_and_command_a_message_names_exists() {
    let mut files = Vec::new();
    rust_files(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut files,
    );
    let flags = known_flags();
    // The command table: every name of every `:` command.
    let commands = maphex::tui::commands::names();
    // Offsets that the command line takes as well as commands.
    let offsets = ["end"];
    let mut bad = Vec::new();
    let mut seen_flags = 0;
    let mut seen_commands = 0;
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        for lit in string_literals(&src) {
            for flag in named_flags(&lit) {
                seen_flags += 1;
                if !flags.contains(&flag) {
                    bad.push(format!("{}: flag {flag} in \"{lit}\"", f.display()));
                }
            }
            for c in named_commands(&lit) {
                seen_commands += 1;
                if !commands.contains(&c.as_str()) && !offsets.contains(&c.as_str()) {
                    bad.push(format!("{}: command :{c} in \"{lit}\"", f.display()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "messages name what does not exist:\n{}",
        bad.join("\n")
    );
    // The walk really found hints (it would pass vacuously on a broken scanner).
    assert!(seen_flags >= 5, "only {seen_flags} flags found in messages");
    assert!(
        seen_commands >= 20,
        "only {seen_commands} commands found in messages"
    );
}

#[test]
fn the_scanners_find_what_they_should() {
    assert_eq!(
        named_flags("x; --force-write ignores the lock, reopen without -r or (-w)"),
        ["--force-write", "-r", "-w"]
    );
    assert_eq!(
        named_flags("end-16, 0x10-0x20, -0x10"),
        Vec::<String>::new()
    );
    assert_eq!(
        named_commands("use :w PATH, :e! reloads; at 0x10: no; :recover keep"),
        ["w", "e!", "recover"]
    );
    assert_eq!(named_commands(":OFFSET and :N"), Vec::<String>::new());
    assert_eq!(
        string_literals("let a = \"one\"; // \"not\"\nlet c = '\"'; f(\"two\\\"x\");"),
        ["one", "two\\\"x"]
    );
}

#[test]
fn patch_takes_the_force_write_it_suggests() {
    // The lock message names --force-write; `maphex patch` must accept it.
    let flags: Vec<String> = Cli::command()
        .find_subcommand("patch")
        .unwrap()
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    assert!(flags.iter().any(|f| f == "force-write"), "{flags:?}");
}

#[test]
fn every_listed_command_is_handled() {
    use maphex::core::document::Document;
    use maphex::tui::runtime::Session;
    for name in maphex::tui::commands::names() {
        let mut s = Session::new(Document::from_bytes("t", b"0123456789".to_vec()), (80, 24));
        support::cmd(&mut s, name);
        let m = support::message(&s);
        assert!(
            !m.starts_with("not a command or offset"),
            ":{name} is listed but not handled: {m}"
        );
    }
}

/// Every variant of every core error, and every kind of open note, with sample fields. The
/// exhaustive matches below stop compiling when a variant is added, so it is added here too.
fn core_messages() -> Vec<String> {
    use maphex::core::document::{
        DiscardError, DiskChange, EditError, Note, OpenError, RecoverError, SaveError,
    };
    use maphex::core::dump::DumpError;
    use maphex::core::expr::ExprError;
    use maphex::core::journal::JournalError;
    use maphex::core::lines::LineError;
    use maphex::core::patch::PatchError;
    use maphex::core::search::{HexProblem, SearchError};
    use maphex::core::text::UnknownEncoding;
    use std::io;

    let io = || io::Error::other("disk full");
    let changes = [
        DiskChange::Removed,
        DiskChange::Replaced,
        DiskChange::Resized { from: 9, to: 3 },
        DiskChange::Resized { from: 3, to: 9 },
        DiskChange::Modified,
    ];
    let path = || PathBuf::from("f.bin");
    let mut edit = vec![
        EditError::ReadOnly,
        EditError::PastEnd { offset: 9, len: 8 },
        EditError::TooLarge { offset: u64::MAX },
        EditError::Resize("a block device cannot grow; overwrite within it".into()),
    ];
    edit.extend(changes.iter().cloned().map(EditError::Detached));
    let mut save = vec![
        SaveError::ReadOnly,
        SaveError::OntoReadOnlySelf(path()),
        SaveError::JournalPending(PathBuf::from(".f.bin.maphex-journal")),
        SaveError::Io {
            path: path(),
            source: io(),
        },
        SaveError::Relayout {
            path: path(),
            source: maphex::core::relayout::RelayoutError::NoSpace {
                path: path(),
                needed: 10,
                available: 1,
            },
        },
    ];
    for c in &changes {
        save.push(SaveError::Truncated(c.clone()));
        save.push(SaveError::Detached(c.clone()));
        save.push(SaveError::ChangedOnDisk(c.clone()));
    }
    let damaged = || JournalError::Damaged {
        path: PathBuf::from(".f.bin.maphex-journal"),
        what: "journal",
    };
    let recover = [
        RecoverError::Nothing,
        RecoverError::NeedsCopyOnWrite,
        RecoverError::Mismatch,
        RecoverError::Journal(damaged()),
        RecoverError::Journal(JournalError::Io(io())),
        RecoverError::Edit(EditError::ReadOnly),
        RecoverError::Io(io()),
    ];
    let discard = [DiscardError::WriteThrough, DiscardError::Io(io())];
    let open = [
        OpenError::NotFound { path: path() },
        OpenError::IsDirectory { path: path() },
        OpenError::PermissionDenied { path: path() },
        OpenError::Io {
            path: path(),
            source: io(),
        },
    ];
    let mut notes = vec![
        Note::NoWritePermission(path()),
        Note::Locked(path()),
        Note::Spooling,
        Note::Spooled { size: 10 },
        Note::Other("as given".into()),
    ];
    for (capped, asked_read_only) in [(false, false), (true, false), (false, true), (true, true)] {
        notes.push(Note::InMemory {
            what: "pipe".into(),
            size: 64 << 20,
            capped,
            asked_read_only,
        });
    }
    let others: Vec<String> = [
        ExprError::Empty.to_string(),
        ExprError::Invalid("x".into()).to_string(),
        ExprError::Overflow("99999999999999999999".into()).to_string(),
        ExprError::PastEnd { offset: 9, len: 8 }.to_string(),
        ExprError::BeforeStart.to_string(),
        ExprError::Percent("101".into()).to_string(),
        LineError::PastEnd { offset: 9, len: 8 }.to_string(),
        LineError::NoSuchLine { line: 9, count: 3 }.to_string(),
        LineError::NotIndexed { indexed: 42 }.to_string(),
        LineError::Stale.to_string(),
        PatchError::LengthMismatch { old: 1, new: 2 }.to_string(),
        PatchError::Overflow { offset: 1, len: 2 }.to_string(),
        DumpError::InvalidCols { cols: 300 }.to_string(),
        DumpError::Write(io()).to_string(),
        UnknownEncoding("ebcdic".into()).to_string(),
        SearchError::EmptyPattern.to_string(),
        SearchError::TooLarge { limit: 1 }.to_string(),
        SearchError::Build {
            message: "m".into(),
        }
        .to_string(),
    ]
    .into();
    let bad_hex = |problem| SearchError::InvalidHex {
        token: "g".into(),
        offset: 0,
        column: 1,
        problem,
    };
    // Compile-time guards: a new variant breaks these matches until it is listed above.
    let _ = |e: &EditError| match e {
        EditError::ReadOnly
        | EditError::PastEnd { .. }
        | EditError::TooLarge { .. }
        | EditError::Resize(_)
        | EditError::Detached(_)
        | EditError::MovesBytes
        | EditError::UndoTooLarge { .. } => (),
    };
    let _ = |e: &SaveError| match e {
        SaveError::ReadOnly
        | SaveError::OntoReadOnlySelf(_)
        | SaveError::Truncated(_)
        | SaveError::Detached(_)
        | SaveError::JournalPending(_)
        | SaveError::ChangedOnDisk(_)
        | SaveError::Io { .. }
        | SaveError::Relayout { .. } => (),
    };
    let _ = |e: &RecoverError| match e {
        RecoverError::Nothing
        | RecoverError::NeedsCopyOnWrite
        | RecoverError::Mismatch
        | RecoverError::Journal(_)
        | RecoverError::Edit(_)
        | RecoverError::Io(_) => (),
    };
    let _ = |e: &DiscardError| match e {
        DiscardError::WriteThrough | DiscardError::Io(_) => (),
    };
    let _ = |e: &OpenError| match e {
        OpenError::NotFound { .. }
        | OpenError::IsDirectory { .. }
        | OpenError::PermissionDenied { .. }
        | OpenError::Io { .. } => (),
    };
    let _ = |n: &Note| match n {
        Note::NoWritePermission(_)
        | Note::Locked(_)
        | Note::InMemory { .. }
        | Note::Spooling
        | Note::Spooled { .. }
        | Note::Other(_) => (),
    };
    let mut out: Vec<String> = Vec::new();
    out.extend(edit.iter().map(ToString::to_string));
    out.extend(save.iter().map(ToString::to_string));
    out.extend(recover.iter().map(ToString::to_string));
    out.extend(discard.iter().map(ToString::to_string));
    out.extend(open.iter().map(ToString::to_string));
    out.extend(notes.iter().map(ToString::to_string));
    out.extend(others);
    out.push(bad_hex(HexProblem::NotHex).to_string());
    out.push(bad_hex(HexProblem::HalfByte).to_string());
    out
}

/// Words for a `:` command or a flag in a core message: `:w`, `:e!`, `:recover`, `:q` and
/// the like, `-r`, `-w`, `--force-write`.
fn front_end_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = named_flags(text);
    out.extend(named_commands(text).into_iter().map(|c| format!(":{c}")));
    // A bare `--` anywhere (a long flag the scanner above would not take as one).
    if text.contains("--") {
        out.push("--".into());
    }
    out
}

/// The core speaks for both front ends: its errors and notes say what happened in its own
/// terms, never a TUI command or a command-line flag (those are `tui::hint` and `cli::hint`).
#[test]
fn core_messages_name_no_command_and_no_flag() {
    let messages = core_messages();
    assert!(messages.len() > 50, "{}", messages.len());
    let bad: Vec<String> = messages
        .iter()
        .filter(|m| !front_end_words(m).is_empty())
        .map(|m| format!("{m:?} names {:?}", front_end_words(m)))
        .collect();
    assert!(
        bad.is_empty(),
        "core messages name the front end:\n{}",
        bad.join("\n")
    );
    // The same for every string literal in src/core (messages built with format! too).
    let mut files = Vec::new();
    rust_files(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/core")
            .as_path(),
        &mut files,
    );
    let mut bad = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        for lit in string_literals(&src) {
            let words = front_end_words(&lit);
            if !words.is_empty() {
                bad.push(format!("{}: {words:?} in \"{lit}\"", f.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "core literals name the front end:\n{}",
        bad.join("\n")
    );
    // The scanner finds what the old core messages said.
    for old in [
        "read-only: reopen without -r, or use :w PATH to save a copy",
        "cannot save: an interrupted save left j; :recover rollback or :recover keep first",
        "recovered edits load in copy-on-write mode: reopen without -w or -r, then :recover apply",
        "x; --force-write ignores the lock",
        "cannot save in place: x; :w PATH saves a copy with your edits, :e! reloads",
        "quit with :q",
    ] {
        assert!(!front_end_words(old).is_empty(), "{old}");
    }
}
