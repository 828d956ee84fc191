//! `maphex cmp`: the differences of two files as ranges, one line each, on the comparison
//! engine the compare view uses (`core::diff`): insertion-aware by default, at equal offsets
//! with `--no-align`; cmp's exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

use crate::core::classify::HEX;
use crate::core::diff::{Align, Config, Diff};
use crate::core::source::ByteSource;

/// Arguments of `maphex cmp`.
#[derive(Debug, Args)]
#[command(after_help = CMP_HELP)]
pub struct CmpArgs {
    /// Compare at equal offsets only (as `cmp -l`, in ranges): an insertion makes the rest
    /// of the file differ.
    #[arg(long)]
    pub no_align: bool,
    /// Print one JSON object per line: `a_offset`, `a_len`, `b_offset`, `b_len`, the first 32
    /// bytes of each side in hex (`a_hex`, `b_hex`) and whether that is all of them
    /// (`a_hex_complete`, `b_hex_complete`).
    #[arg(long)]
    pub json: bool,
    /// Print only the number of differences.
    #[arg(short = 'c', long, conflicts_with = "json")]
    pub count: bool,
    /// Stop after N differences.
    #[arg(short = 'm', long, value_name = "N")]
    pub max_count: Option<u64>,
    /// Print nothing; the exit status says whether the files differ (as `cmp -s`).
    #[arg(short = 'q', long, visible_alias = "silent", conflicts_with_all = ["json", "count"])]
    pub quiet: bool,
    /// The first file (`-` is standard input).
    pub a: PathBuf,
    /// The second file (`-` is standard input; only one side can be).
    pub b: PathBuf,
}

/// What `cmp --help` says after the options.
const CMP_HELP: &str = "\
Each difference is one line: offset (hex) and length in A, offset and length in B, then
the bytes of each side in hex (the first 32; `…` when there are more; `-` for none). An
insertion into B has length 0 in A, a deletion length 0 in B.
Insertion-aware by default: after a difference the comparison looks up to 4 MiB ahead on
both sides for where the files line up again (32 equal bytes), choosing the point that
skips the fewest bytes; a same-length change stays a same-length difference. Where no
such point is found the stretch is compared at equal offsets.
Exit status: 0 the files are the same, 1 they differ, 2 an error.";

/// Bytes of each side shown per difference.
const PREVIEW: u64 = 32;

/// Runs the comparison: exit 0 when the inputs are the same, 1 when they differ, 2 on an
/// error.
pub fn run(args: &CmpArgs) -> Result<ExitCode> {
    let inputs = super::inputs(&[args.a.clone(), args.b.clone()], "cmp")?;
    if inputs.iter().all(|i| *i == super::Input::Stdin) {
        bail!("both sides are standard input: name at least one file (maphex cmp A B)");
    }
    let a = inputs[0].open()?;
    let b = inputs[1].open()?;
    let config = Config::with_align(if args.no_align { Align::Off } else { Align::On });
    let max = if args.quiet {
        1
    } else {
        args.max_count.unwrap_or(u64::MAX).max(1)
    };
    let print = !args.quiet && !args.count && args.max_count != Some(0);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut count = 0u64;
    let mut err = None;
    crate::tui::diff_worker::compare_all(&*a, &*b, config, &mut |d| {
        count += 1;
        if print {
            let line = if args.json {
                json_line(&*a, &*b, &d)
            } else {
                text_line(&*a, &*b, &d)
            };
            if let Err(e) = writeln!(out, "{line}") {
                err = Some(e);
                return false;
            }
        }
        count < max
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    if args.count {
        let shown = if args.max_count == Some(0) { 0 } else { count };
        writeln!(out, "{shown}")?;
    }
    out.flush()?;
    Ok(if count == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The first [`PREVIEW`] bytes of `range` in hex, and whether that is all of them.
fn hex_head(src: &dyn ByteSource, range: &std::ops::Range<u64>) -> (String, bool) {
    let len = range.end - range.start;
    let shown = len.min(PREVIEW);
    let bytes = src.read(range.start..range.start + shown);
    let mut s = String::with_capacity(bytes.len() * 2);
    for &x in bytes.iter() {
        let h = HEX[usize::from(x)];
        s.push(char::from(h[0]));
        s.push(char::from(h[1]));
    }
    (s, shown == len)
}

/// `A_OFF A_LEN B_OFF B_LEN  A_HEX  B_HEX`.
fn text_line(a: &dyn ByteSource, b: &dyn ByteSource, d: &Diff) -> String {
    let side = |src: &dyn ByteSource, r: &std::ops::Range<u64>| {
        if r.is_empty() {
            return "-".to_string();
        }
        let (hex, all) = hex_head(src, r);
        if all { hex } else { hex + "…" }
    };
    format!(
        "{:08x} {} {:08x} {}  {}  {}",
        d.a.start,
        d.a_len(),
        d.b.start,
        d.b_len(),
        side(a, &d.a),
        side(b, &d.b)
    )
}

/// One JSON object: offsets, lengths, and the first bytes of each side in hex.
fn json_line(a: &dyn ByteSource, b: &dyn ByteSource, d: &Diff) -> String {
    let (ah, af) = hex_head(a, &d.a);
    let (bh, bf) = hex_head(b, &d.b);
    format!(
        "{{\"a_offset\":{},\"a_len\":{},\"b_offset\":{},\"b_len\":{},\"a_hex\":\"{ah}\",\
         \"b_hex\":\"{bh}\",\"a_hex_complete\":{af},\"b_hex_complete\":{bf}}}",
        d.a.start,
        d.a_len(),
        d.b.start,
        d.b_len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_show_offsets_lengths_and_a_hex_head() {
        let a = b"hello world".to_vec();
        let b = vec![0xab; 40];
        let d = Diff::new(6, 0, 1, 40);
        assert_eq!(
            text_line(&a, &b, &d),
            format!("00000006 0 00000001 40  -  {}…", "ab".repeat(32))
        );
        let d = Diff::new(0, 2, 0, 1);
        assert_eq!(
            json_line(&a, &b, &d),
            "{\"a_offset\":0,\"a_len\":2,\"b_offset\":0,\"b_len\":1,\"a_hex\":\"6865\",\
             \"b_hex\":\"ab\",\"a_hex_complete\":true,\"b_hex_complete\":true}"
        );
    }
}
