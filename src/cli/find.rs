//! `maphex find`: every match of a pattern, one line each, on the search engine the UI uses,
//! over one file, several, or standard input; grep's conventions for names and exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::core::search::{Pattern, Query, QueryKind};
use crate::core::source::ByteSource;
use crate::tui::search_worker::{ScanSummary, scan_source};

/// Arguments of `maphex find`.
#[derive(Debug, Args)]
#[command(after_help = PATTERN_HELP)]
pub struct FindArgs {
    /// Read PATTERN as literal text.
    #[arg(long, conflicts_with = "hex")]
    pub text: bool,
    /// Read PATTERN as hex bytes: `de ad ?? ef` (`??` is any byte).
    #[arg(long)]
    pub hex: bool,
    /// Ignore case (ASCII in byte mode, Unicode with --unicode or for --text).
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Unicode semantics for the regex: `\xNN` is U+00NN, `.` one UTF-8 character, Unicode
    /// `\w` `\d` `\s` `\b` and case folding (as `(?u)` at the start of the pattern).
    #[arg(long)]
    pub unicode: bool,
    /// Stop after N matches in each file.
    #[arg(short = 'm', long, value_name = "N")]
    pub max_count: Option<u64>,
    /// Print only the number of matches (per file, `NAME:N`, when names are shown).
    #[arg(short = 'c', long, conflicts_with = "json")]
    pub count: bool,
    /// Print one JSON object per line: {"offset": N, "length": N}, with "path" first when
    /// file names are shown.
    #[arg(long)]
    pub json: bool,
    /// Prefix each line with the file name (the default with more than one file).
    #[arg(short = 'H', long, overrides_with = "no_filename")]
    pub with_filename: bool,
    /// Never prefix lines with the file name (the default with one file).
    #[arg(long, overrides_with = "with_filename")]
    pub no_filename: bool,
    /// The pattern (a regex with byte semantics unless --unicode, --text or --hex).
    #[arg(allow_hyphen_values = true)]
    pub pattern: String,
    /// The files to search; `-` is standard input, which is also read when no file is given
    /// and it is not a terminal.
    pub files: Vec<PathBuf>,
}

/// What `find --help` says about the pattern, after the options.
const PATTERN_HELP: &str = "\
Patterns have byte semantics by default, as Python's `re` on bytes and `rg --no-unicode`:
  \\xNN        the byte NN                     (Unicode: the character U+00NN, UTF-8 encoded)
  .           any byte but \\n; (?s) any byte  (Unicode: one UTF-8 character)
  \\w \\d \\s \\b ASCII classes                   (Unicode: Unicode classes)
  (?i)        folds ASCII letters             (Unicode: Unicode simple case folding)
  é           its UTF-8 bytes c3 a9           (the same)
Unicode semantics: --unicode, or (?u) inside the pattern (for example (?u:\\w+)).
Exit status: 0 some match, 1 none, 2 an error (a file that cannot be opened is reported and
the others are still searched; a match longer than 64 MiB is reported by offset).";

/// Escapes bytes for a one-line preview: printable ASCII as is, `\n` `\t` `\r` `\\`, the rest
/// as `\xNN`, so no byte of the file reaches the terminal raw.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\r' => s.push_str("\\r"),
            0x20..=0x7e => s.push(char::from(b)),
            _ => {
                let hex = crate::core::classify::HEX[usize::from(b)];
                s.push_str("\\x");
                s.push(char::from(hex[0]));
                s.push(char::from(hex[1]));
            }
        }
    }
    s
}

/// A JSON string literal for a file name (names are bytes on Unix: lossy, then escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                use std::fmt::Write as _;
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A file name or message safe to print: control characters escaped.
pub fn display_name(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let esc: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            esc
        })
        .collect()
}

/// Longest preview printed per match.
const PREVIEW: u64 = 64;

/// Runs the search over every input; exit 0 when something matched, 1 when nothing did, 2
/// when any input failed (after searching the others).
pub fn run(args: &FindArgs) -> Result<ExitCode> {
    let kind = if args.hex {
        QueryKind::Hex
    } else if args.text {
        QueryKind::Text
    } else {
        QueryKind::Regex
    };
    let query = Query {
        kind,
        pattern: args.pattern.clone(),
        case_insensitive: args.ignore_case,
        unicode: args.unicode,
    };
    let pattern = match query.compile() {
        Ok(p) => p,
        Err(e) => bail!("invalid pattern: {e}"),
    };
    let inputs = super::inputs(&args.files, "find")?;
    let names = if args.no_filename {
        false
    } else {
        args.with_filename || inputs.len() > 1
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut any_match, mut any_error) = (false, false);
    for input in &inputs {
        let source = match input.open() {
            Ok(s) => s,
            Err(e) => {
                out.flush()?;
                let _ = writeln!(
                    std::io::stderr(),
                    "maphex: {}",
                    display_name(&format!("{e:#}"))
                );
                any_error = true;
                continue;
            }
        };
        let name = names.then(|| input.name());
        let (count, summary) = search_one(&pattern, &*source, name.as_deref(), args, &mut out)?;
        any_match |= count > 0;
        if let Some(at) = summary.too_long {
            out.flush()?;
            let _ = writeln!(
                std::io::stderr(),
                "maphex: {}: a match at offset {at} ({at:#x}) is longer than {} MiB; it is \
                 reported cut at that length and what follows it may differ from a whole-file \
                 search",
                display_name(&input.name()),
                crate::core::search::LONG_MATCH_LIMIT >> 20
            );
            any_error = true;
        }
    }
    out.flush()?;
    Ok(if any_error {
        ExitCode::from(2)
    } else if any_match {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Searches one source and prints what `args` asks; returns the match count.
fn search_one(
    pattern: &Pattern,
    src: &(dyn ByteSource + Sync),
    name: Option<&str>,
    args: &FindArgs,
    out: &mut impl Write,
) -> Result<(u64, ScanSummary)> {
    let max = args.max_count.unwrap_or(u64::MAX);
    let mut count = 0u64;
    let mut err = None;
    let prefix = name.map(|n| format!("{}:", display_name(n)));
    let json_path = name.map(|n| format!("\"path\":{},", json_string(n)));
    let summary = if max == 0 {
        ScanSummary::default()
    } else {
        scan_source(pattern, src, &mut |m| {
            count += 1;
            if !args.count {
                let r = if args.json {
                    writeln!(
                        out,
                        "{{{}\"offset\":{},\"length\":{}}}",
                        json_path.as_deref().unwrap_or(""),
                        m.start,
                        m.len
                    )
                } else {
                    let shown = m.len.min(PREVIEW);
                    let bytes = src.read(m.start..m.start + shown);
                    let more = if m.len > shown { "…" } else { "" };
                    writeln!(
                        out,
                        "{}{:08x}  {}  {}{more}",
                        prefix.as_deref().unwrap_or(""),
                        m.start,
                        m.len,
                        escape(&bytes)
                    )
                };
                if let Err(e) = r {
                    err = Some(e);
                    return false;
                }
            }
            count < max
        })
    };
    if let Some(e) = err {
        return Err(e.into());
    }
    if args.count {
        writeln!(out, "{}{count}", prefix.as_deref().unwrap_or(""))?;
    }
    Ok((count, summary))
}

#[cfg(test)]
mod tests {
    use super::{escape, json_string};

    #[test]
    fn escape_never_lets_controls_through() {
        let all: Vec<u8> = (0..=255).collect();
        let e = escape(&all);
        assert!(e.chars().all(|c| !c.is_control()));
        assert_eq!(escape(b"a\n\x1b\\"), "a\\n\\x1b\\\\");
    }

    #[test]
    fn json_names_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
