//! `maphex dump`: xxd's default format, byte for byte, of a file or of standard input.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::core::dump::{effective_cols, write_xxd};
use crate::core::expr;

/// Arguments of `maphex dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The file to dump; `-` (or no file, with a pipe on standard input) reads standard
    /// input, as xxd does.
    pub file: Option<PathBuf>,
    /// Where to start: 0x100, 256, 4k, 50%, end-64 (as xxd -s).
    #[arg(short = 's', long, allow_hyphen_values = true)]
    pub offset: Option<String>,
    /// How many bytes: 256, 0x100, 4k, 1MiB (as xxd -l).
    #[arg(short = 'l', long)]
    pub length: Option<String>,
    /// Bytes per line, 1 to 256 (as xxd -c).
    #[arg(short = 'c', long, default_value_t = 16)]
    pub cols: usize,
}

/// Runs the dump.
pub fn run(args: &DumpArgs) -> Result<ExitCode> {
    let cols = effective_cols(args.cols)?;
    let input = super::inputs(args.file.as_slice(), "dump")?
        .pop()
        .unwrap_or(super::Input::Stdin);
    let doc = input.open()?;
    let name = input.name();
    let len = doc.len();
    let start = match &args.offset {
        None => 0,
        Some(e) => {
            expr::resolve(e, 0, len, true).with_context(|| format!("bad --offset for {name}"))?
        }
    };
    let end = match &args.length {
        None => len,
        Some(l) => {
            let n = expr::parse_number(l).with_context(|| format!("bad --length '{l}'"))?;
            start.saturating_add(n).min(len)
        }
    };
    if start > len {
        bail!("offset {start:#x} is past the end of {name} ({len} bytes)");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_xxd(&*doc, start..end, cols, &mut out).map_err(std::io::Error::from)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
