//! Every parser that takes user input, fed arbitrary text and near-valid text built from its
//! own grammar's pieces: offset expressions, numbers, hex queries, every query kind, the
//! config file, `:` command lines on a live session, key names and the command line (clap).
//! Each must answer with a value or an error, never a panic; and `resolve` must agree with a
//! small model on valid input.
//!
//! Tests named `bug_…` pin a defect found while writing these; they fail until it is fixed.

#![allow(clippy::unwrap_used)]

use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use clap::Parser as _;
use maphex::cli::Cli;
use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::core::expr::{ExprError, parse_number, resolve};
use maphex::core::search::{Query, QueryKind, parse_hex};
use maphex::tui::app::Effect;
use maphex::tui::config;
use maphex::tui::input::Key;
use maphex::tui::runtime::Session;
use proptest::prelude::*;

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text made of `pieces`, 0 to `max` of them: near-valid input for a grammar.
fn built_from(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..=max).prop_map(|v| v.concat())
}

/// Arbitrary text, or text built from `pieces`.
fn input(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop_oneof![".{0,24}", built_from(pieces, max)]
}

// ---------------------------------------------------------------- offset expressions

const EXPR_PIECES: &[&str] = &[
    "0x",
    "0X",
    "0o",
    "0b",
    "end",
    "END",
    "+",
    "-",
    "%",
    "_",
    " ",
    "\t",
    "0",
    "1",
    "7",
    "9",
    "ff",
    "FF",
    "k",
    "KiB",
    "m",
    "MiB",
    "g",
    "T",
    "kB",
    "mb",
    "b",
    "e",
    "e9",
    ".",
    "5",
    "nan",
    "inf",
    "100",
    "18446744073709551615",
    "18446744073709551616",
    "é",
    "€",
    "𝟙",
];

fn position() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![
        (0u64..2000).prop_flat_map(|len| (0..=len, Just(len))),
        any::<u64>().prop_flat_map(|len| (0..=len, Just(len))),
        Just((0, 0)),
        Just((u64::MAX, u64::MAX)),
    ]
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn resolve_answers_every_text_with_a_position_or_an_error(
        text in input(EXPR_PIECES, 8),
        (cursor, len) in position(),
        allow_end in any::<bool>(),
    ) {
        match resolve(&text, cursor, len, allow_end) {
            Ok(at) => {
                let last = if allow_end { len } else { len.saturating_sub(1) };
                prop_assert!(at <= last, "{text:?} -> {at} past {last}");
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(!msg.is_empty() && !msg.contains('\n'), "{msg:?}");
            }
        }
    }

    #[test]
    fn parse_number_answers_every_text(text in input(EXPR_PIECES, 8)) {
        if let Err(e) = parse_number(&text) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }
}

/// A valid expression of one form, for the model below.
#[derive(Clone, Debug)]
enum Form {
    Hex(u64, bool),
    Dec(u64, bool),
    Unit(u64, &'static str, u64),
    Plus(u64),
    Minus(u64),
    End,
    EndMinus(u64),
    EndPlus(u64),
    Percent(u8),
}

fn number() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..5000, any::<u64>(), Just(u64::MAX)]
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        (number(), any::<bool>()).prop_map(|(n, up)| Form::Hex(n, up)),
        (number(), any::<bool>()).prop_map(|(n, sep)| Form::Dec(n, sep)),
        (
            0u64..5000,
            prop::sample::select(
                &[
                    ("k", 1u64 << 10),
                    ("KiB", 1 << 10),
                    ("M", 1 << 20),
                    ("g", 1 << 30),
                    ("TiB", 1 << 40),
                    ("kB", 1000),
                    ("MB", 1_000_000),
                    ("b", 1),
                ][..]
            )
        )
            .prop_map(|(n, (u, m))| Form::Unit(n, u, m)),
        number().prop_map(Form::Plus),
        number().prop_map(Form::Minus),
        Just(Form::End),
        number().prop_map(Form::EndMinus),
        number().prop_map(Form::EndPlus),
        (0u8..=100).prop_map(Form::Percent),
    ]
}

fn with_separators(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

fn text_of(f: &Form) -> String {
    match *f {
        Form::Hex(n, true) => format!("0X{n:X}"),
        Form::Hex(n, false) => format!("0x{n:x}"),
        Form::Dec(n, true) => with_separators(&n.to_string()),
        Form::Dec(n, false) => n.to_string(),
        Form::Unit(n, u, _) => format!("{n}{u}"),
        Form::Plus(n) => format!("+{n}"),
        Form::Minus(n) => format!("-0x{n:x}"),
        Form::End => " end ".to_string(),
        Form::EndMinus(n) => format!("end-{n}"),
        Form::EndPlus(n) => format!("END+0x{n:x}"),
        Form::Percent(p) => format!("{p}%"),
    }
}

/// What `resolve` should say, written out plainly.
fn model(f: &Form, cursor: u64, len: u64, allow_end: bool) -> Result<u64, ExprError> {
    let last = if allow_end {
        len
    } else {
        len.saturating_sub(1)
    };
    let overflow = || ExprError::Overflow(text_of(f).trim().to_string());
    let target = match *f {
        Form::Hex(n, _) | Form::Dec(n, _) => n,
        Form::Unit(n, _, m) => n.checked_mul(m).ok_or_else(overflow)?,
        Form::Plus(n) => cursor.checked_add(n).ok_or_else(overflow)?,
        Form::Minus(n) => cursor.checked_sub(n).ok_or(ExprError::BeforeStart)?,
        Form::End => return Ok(last),
        // Counted from what `end` names: `end-0` is `end`.
        Form::EndMinus(n) => last.checked_sub(n).ok_or(ExprError::BeforeStart)?,
        Form::EndPlus(n) => last.checked_add(n).ok_or_else(overflow)?,
        Form::Percent(p) => {
            let t = u128::from(len) * u128::from(p) / 100;
            return Ok(u64::try_from(t).unwrap().min(last));
        }
    };
    if target > last || (len == 0 && target > 0) {
        return Err(ExprError::PastEnd {
            offset: target,
            len,
        });
    }
    Ok(target)
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn resolve_agrees_with_the_model(
        f in form(),
        (cursor, len) in position(),
        allow_end in any::<bool>(),
    ) {
        let text = text_of(&f);
        let got = resolve(&text, cursor, len, allow_end);
        let want = model(&f, cursor, len, allow_end);
        // The overflow message quotes the text; only the kind matters there.
        let both_overflow = matches!(
            (&got, &want),
            (Err(ExprError::Overflow(_)), Err(ExprError::Overflow(_)))
        );
        if !both_overflow {
            prop_assert_eq!(got, want, "{:?} at cursor {} of {}", text, cursor, len);
        }
    }
}

/// Regression (fixed): `resolve("endé", ..)` panics ("byte index 1 is not a char boundary") instead of
/// returning `ExprError::Invalid`. Every offset the user types goes through it: `dump
/// --offset`, `patch --at` and `:` in the TUI (which dies). Cause: src/core/expr.rs
/// `resolve`, `let (sign, n) = rest.split_at(1);` on the text after `end`, which is a byte
/// index; a multi-byte first character makes it panic. Fix: split at
/// `rest.chars().next().map_or(0, char::len_utf8)` or match on `rest.strip_prefix('+')` /
/// `'-'`.
#[test]
fn bug_resolve_end_followed_by_a_non_ascii_char_panics() {
    for text in ["endé", "end €5", "END𝟙"] {
        let got = std::panic::catch_unwind(|| resolve(text, 0, 1000, false));
        assert!(
            matches!(got, Ok(Err(ExprError::Invalid(_)))),
            "{text:?} should be refused as not an offset, got {:?}",
            got.map_err(|_| "a panic")
        );
    }
}

// ---------------------------------------------------------------- search queries

const HEX_PIECES: &[&str] = &[
    "de", "AD", "be", "0", "f", "??", "?", "0x", "0X", " ", "\t", "\n", "g", "zz", "é", "ff", "x",
    "\u{3000}", "-",
];

const REGEX_PIECES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "*",
    "+",
    "?",
    "|",
    "\\",
    "^",
    "$",
    ".",
    "-",
    ",",
    "1",
    "2",
    "9",
    "a",
    "z",
    "\\x",
    "\\x{",
    "ff",
    "\\p{",
    "L}",
    "(?",
    "i",
    "s",
    "-u",
    ":",
    "\\b",
    "\\B",
    "é",
    "\\d",
    "[[:alpha:]]",
    "(?<n>",
    "\\1",
    "\\k",
    "{2,1}",
    "\\z",
    "\u{0}",
];

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn parse_hex_answers_every_text(text in input(HEX_PIECES, 10)) {
        match parse_hex(&text) {
            Ok(bytes) => {
                // Whatever parses compiles (unless there are no bytes at all).
                let q = Query::new(QueryKind::Hex, text.clone());
                prop_assert_eq!(q.compile().is_ok(), !bytes.is_empty(), "{:?}", text);
            }
            Err(e) => {
                prop_assert!(!e.to_string().contains('\n'));
                prop_assert!(Query::new(QueryKind::Hex, text).compile().is_err());
            }
        }
    }

    #[test]
    fn text_queries_always_compile(text in input(REGEX_PIECES, 10), ci in any::<bool>()) {
        let q = Query { kind: QueryKind::Text, pattern: text.clone(), case_insensitive: ci, unicode: false };
        prop_assert_eq!(q.compile().is_ok(), !text.is_empty(), "{:?}", text);
    }

    #[test]
    fn regex_queries_compile_or_say_why_in_one_line(
        text in input(REGEX_PIECES, 10),
        ci in any::<bool>(),
    ) {
        let q = Query { kind: QueryKind::Regex, pattern: text.clone(), case_insensitive: ci, unicode: false };
        if let Err(e) = q.compile() {
            let msg = e.to_string();
            prop_assert!(!msg.is_empty() && !msg.contains('\n'), "{:?}: {:?}", text, msg);
        }
    }
}

// ---------------------------------------------------------------- config, keys, argv

const KEY_PIECES: &[&str] = &[
    "C-", "A-", "c-", "F", "1", "12", "99", "256", "Enter", "Esc", "Space", "PageDown", "Tab",
    "BackTab", "x", "X", "-", "é", " ", "", "\u{0}", "🦀",
];

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn key_names_parse_or_are_refused_and_round_trip(text in input(KEY_PIECES, 5)) {
        if let Some(key) = Key::parse(&text) {
            let shown = key.display();
            prop_assert_eq!(Key::parse(&shown), Some(key), "{:?} shown as {:?}", text, shown);
        }
    }

    #[test]
    fn key_bindings_in_the_config_never_panic(
        entries in prop::collection::vec(
            (
                prop::sample::select(&["quit", "move_down", "search", "nope", "edit", ""][..]),
                prop::collection::vec(built_from(KEY_PIECES, 4), 0..4),
            ),
            0..6,
        ),
        colors in prop::collection::vec(
            (
                prop::sample::select(&["null", "printable", "nonascii", "cursor", "x"][..]),
                prop::sample::select(&["\"red\"", "\"#12345\"", "\"#ffffff\"", "7", "\"\""][..]),
            ),
            0..4,
        ),
    ) {
        let mut text = String::from("[keys]\n");
        for (action, keys) in &entries {
            let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
            writeln!(text, "{action} = [{}]", keys.join(", ")).unwrap();
        }
        text.push_str("[colors]\n");
        for (name, value) in &colors {
            writeln!(text, "{name} = {value}").unwrap();
        }
        let (_, warnings) = config::parse(&text, Path::new("config.toml"));
        for w in warnings {
            prop_assert!(!w.to_string().contains('\n'), "{}", w);
        }
    }
}

const ARG_PIECES: &[&str] = &[
    "dump",
    "find",
    "patch",
    "completions",
    "--offset",
    "-s",
    "--length",
    "-l",
    "-c",
    "--cols",
    "--hex",
    "--text",
    "--at",
    "--extend",
    "--json",
    "--count",
    "-i",
    "-r",
    "-w",
    "--readonly",
    "--write-through",
    "--force-write",
    "--config",
    "--print-config",
    "--no-color",
    "--encoding",
    "utf8",
    "latin1",
    "bash",
    "zsh",
    "0",
    "300",
    "4096",
    "4097",
    "auto",
    "-",
    "--",
    "x",
    "end-1",
    "é",
    "--help",
    "-h",
    "--version",
    "-V",
    "help",
    "-rw",
    "--cols=",
    "=",
    "",
];

fn arg() -> impl Strategy<Value = OsString> {
    prop_oneof![
        4 => prop::sample::select(ARG_PIECES).prop_map(OsString::from),
        1 => ".{0,8}".prop_map(OsString::from),
        1 => prop::collection::vec(any::<u8>(), 0..6).prop_map(OsString::from_vec),
    ]
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn the_command_line_parses_or_is_refused(args in prop::collection::vec(arg(), 0..7)) {
        let argv = std::iter::once(OsString::from("maphex")).chain(args);
        if let Err(e) = Cli::try_parse_from(argv) {
            // Rendering the error (help text included) must not panic either.
            let _ = e.render().to_string();
        }
    }
}

// ---------------------------------------------------------------- `:` command lines

const COMMANDS: &[&str] = &[
    "w", "w!", "wq", "x", "q", "q!", "quit", "e!", "help", "h", "goto", "line", "l", "y", "yank",
    "fill", "recover", "set", "end", "+", "-", "50%", "0x", "",
];

const COMMAND_ARGS: &[&str] = &[
    "cols",
    "group",
    "offsets",
    "hex",
    "text",
    "inspector",
    "endian",
    "encoding",
    "auto",
    "0",
    "1",
    "3",
    "4096",
    "99999999999999999999",
    "on",
    "off",
    "le",
    "be",
    "latin1",
    "dec",
    "=",
    " ",
    "c",
    "raw",
    "apply",
    "discard",
    "rollback",
    "keep",
    "de ad",
    "??",
    "0x41",
    "*",
    "10",
    "é",
    "-1",
    "end",
    "+16",
];

fn command_line() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,20}",
        (
            prop::sample::select(COMMANDS),
            " ?",
            built_from(COMMAND_ARGS, 4),
        )
            .prop_map(|(c, sp, a)| format!("{c}{sp}{a}")),
    ]
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn command_lines_never_panic(lines in prop::collection::vec(command_line(), 1..5)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lorem.txt");
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lorem.txt"), &path)
            .unwrap();
        let doc = Document::open(&path, OpenConfig { mode: Mode::CopyOnWrite, ..OpenConfig::default() })
            .unwrap();
        let mut s = Session::new(doc, (80, 24));
        for line in &lines {
            match s.app.command(line) {
                // `:w PATH` would write wherever the text points: not here.
                Some(Effect::SaveAs { .. }) | None => {}
                Some(effect) => s.effect(effect),
            }
            prop_assert!(
                s.app.cursor() <= s.app.doc().len(),
                "{:?} put the cursor at {} of {}", line, s.app.cursor(), s.app.doc().len()
            );
        }
        s.shutdown();
    }
}
