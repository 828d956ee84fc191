//! `maphex patch`: overwrite bytes in place (only the changed bytes are written) and print
//! what they replaced.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{ArgGroup, Args};

use crate::core::document::Mode;
use crate::core::expr;
use crate::core::search::parse_hex;
use crate::core::source::ByteSource;

/// Arguments of `maphex patch`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("bytes").required(true).args(["hex", "text"])))]
pub struct PatchArgs {
    /// The file to patch.
    pub file: PathBuf,
    /// Where to write: 0x100, 256, end-4, 50% …
    #[arg(long, allow_hyphen_values = true)]
    pub at: String,
    /// The bytes, in hex: "de ad be ef" or deadbeef.
    #[arg(long)]
    pub hex: Option<String>,
    /// The bytes, as UTF-8 text.
    #[arg(long)]
    pub text: Option<String>,
    /// Allow writing past the end; the file grows.
    #[arg(long)]
    pub extend: bool,
    /// Write even when another maphex holds the file's advisory lock.
    #[arg(long)]
    pub force_write: bool,
}

/// Runs the patch.
pub fn run(args: &PatchArgs) -> Result<ExitCode> {
    let new: Vec<u8> = match (&args.hex, &args.text) {
        (Some(h), _) => {
            let parsed = parse_hex(h).map_err(|e| anyhow::anyhow!("bad --hex: {e}"))?;
            if parsed.is_empty() {
                bail!("bad --hex: no bytes given");
            }
            parsed
                .into_iter()
                .map(|b| b.ok_or_else(|| anyhow::anyhow!("bad --hex: ?? matches any byte in a search, but a patch needs real bytes")))
                .collect::<Result<_>>()?
        }
        (None, Some(t)) if !t.is_empty() => t.as_bytes().to_vec(),
        _ => bail!("nothing to write: give --hex or --text with at least one byte"),
    };
    let mut doc = crate::core::document::Document::open(
        &args.file,
        crate::core::document::OpenConfig {
            mode: Mode::CopyOnWrite,
            ignore_lock: args.force_write,
            ..Default::default()
        },
    )?;
    if doc.mode() == Mode::ReadOnly {
        bail!(
            "cannot patch {}: {}",
            args.file.display(),
            doc.open_notes().first().map_or_else(
                || "it can only be read".to_string(),
                super::hint::patch_note
            )
        );
    }
    let len = doc.len();
    let at = expr::resolve(&args.at, 0, len, true)
        .with_context(|| format!("bad --at for {}", args.file.display()))?;
    let end = at
        .checked_add(new.len() as u64)
        .context("patch runs past the largest offset")?;
    if end > len && !args.extend {
        bail!(
            "the patch ends at {end:#x}, past the end of {} ({len} bytes); add --extend to grow the file",
            args.file.display()
        );
    }
    let old = doc.read(at..end).into_owned();
    doc.write(at, &new)?;
    let report = doc
        .save(false)
        .map_err(|e| anyhow::anyhow!(super::hint::save(&e)))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    writeln!(
        out,
        "{at:#010x}: {} -> {}",
        if old.is_empty() {
            "(none)".to_string()
        } else {
            hex(&old)
        },
        hex(&new)
    )?;
    if end > len {
        writeln!(
            out,
            "appended {} bytes; {} is now {end} bytes",
            end - len,
            args.file.display()
        )?;
    }
    writeln!(out, "wrote {} bytes", report.bytes_written)?;
    Ok(ExitCode::SUCCESS)
}
