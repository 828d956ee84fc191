//! `maphex find`: every match of a pattern, one line each, on the search engine the UI uses.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::core::document::Mode;
use crate::core::search::{Query, QueryKind, ScanConfig, Scanner};
use crate::core::source::ByteSource;

/// Arguments of `maphex find`.
#[derive(Debug, Args)]
pub struct FindArgs {
    /// Read PATTERN as literal text.
    #[arg(long, conflicts_with = "hex")]
    pub text: bool,
    /// Read PATTERN as hex bytes: `de ad ?? ef` (`??` is any byte).
    #[arg(long)]
    pub hex: bool,
    /// Ignore case.
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Print only the number of matches.
    #[arg(short = 'c', long, conflicts_with = "json")]
    pub count: bool,
    /// Print one JSON object per line: {"offset": N, "length": N}.
    #[arg(long)]
    pub json: bool,
    /// The pattern (a regex with byte semantics unless --text or --hex).
    #[arg(allow_hyphen_values = true)]
    pub pattern: String,
    /// The file to search.
    pub file: PathBuf,
}

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

/// Longest preview printed per match.
const PREVIEW: u64 = 64;

/// Runs the search.
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
    };
    let pattern = match query.compile() {
        Ok(p) => p,
        Err(e) => bail!("invalid pattern: {e}"),
    };
    let doc = super::open(&args.file, Mode::ReadOnly)?;
    let mut scanner = Scanner::new(&pattern, 0..u64::MAX, ScanConfig::default());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut count = 0u64;
    let mut err = None;
    scanner.run(&doc, |m| {
        count += 1;
        if args.count {
            return true;
        }
        let r = if args.json {
            writeln!(out, "{{\"offset\":{},\"length\":{}}}", m.start, m.len)
        } else {
            let shown = m.len.min(PREVIEW);
            let bytes = doc.read(m.start..m.start + shown);
            let more = if m.len > shown { "…" } else { "" };
            writeln!(out, "{:08x}  {}  {}{more}", m.start, m.len, escape(&bytes))
        };
        match r {
            Ok(()) => true,
            Err(e) => {
                err = Some(e);
                false
            }
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    if args.count {
        writeln!(out, "{count}")?;
    }
    out.flush()?;
    Ok(if count > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_never_lets_controls_through() {
        let all: Vec<u8> = (0..=255).collect();
        let e = escape(&all);
        assert!(e.chars().all(|c| !c.is_control()));
        assert_eq!(escape(b"a\n\x1b\\"), "a\\n\\x1b\\\\");
    }
}
