//! `maphex patch`: overwrite bytes in place (only the changed bytes are written) and print
//! what they replaced; or insert bytes (`--insert`) or delete some (`--delete N`), which
//! change the file's length and are saved as a new layout of it
//! ([`crate::core::document::Document::save_layout`]).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{ArgGroup, Args};

use crate::core::document::{Document, Mode};
use crate::core::expr;
use crate::core::layout::Layout;
use crate::core::search::parse_hex;
use crate::core::source::ByteSource;

/// Arguments of `maphex patch`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("bytes").required(true).args(["hex", "text", "delete"])))]
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
    /// Insert the bytes at --at instead of overwriting (the file grows; --at end appends).
    #[arg(long, conflicts_with_all = ["delete", "extend"])]
    pub insert: bool,
    /// Delete N bytes at --at (the file shrinks): 16, 0x10 …
    #[arg(long, value_name = "N", conflicts_with_all = ["hex", "text", "insert", "extend"])]
    pub delete: Option<String>,
    /// Allow writing past the end; the file grows.
    #[arg(long)]
    pub extend: bool,
    /// Write even when another maphex holds the file's advisory lock.
    #[arg(long)]
    pub force_write: bool,
}

/// Runs the patch.
pub fn run(args: &PatchArgs) -> Result<ExitCode> {
    let delete = match &args.delete {
        Some(n) => {
            let n = expr::parse_number(n).map_err(|e| anyhow::anyhow!("bad --delete: {e}"))?;
            if n == 0 {
                bail!("nothing to delete: --delete takes the number of bytes, at least 1");
            }
            Some(n)
        }
        None => None,
    };
    let new: Vec<u8> = match (&args.hex, &args.text) {
        _ if delete.is_some() => Vec::new(),
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
    if let Some(n) = delete {
        return delete_bytes(args, doc, at, n);
    }
    if args.insert {
        return insert_bytes(args, doc, at, &new);
    }
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

/// Bytes as `de ad be ef`.
fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Deleted bytes shown per line of `--delete`'s report before it is shortened.
const DELETED_PREVIEW: u64 = 64;

/// `--insert`: the file becomes its bytes before `at`, `new`, then the rest.
fn insert_bytes(args: &PatchArgs, mut doc: Document, at: u64, new: &[u8]) -> Result<ExitCode> {
    let len = doc.len();
    let mut layout = Layout::new();
    layout.push_old(0, at);
    layout.push_bytes(new);
    layout.push_old(at, len - at);
    let outcome = doc
        .save_layout(&layout, false, &crate::core::relayout::Options::default())
        .map_err(|e| anyhow::anyhow!(super::hint::save(&e)))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{at:#010x}: inserted {}", hex(new))?;
    writeln!(
        out,
        "inserted {} bytes; {} is now {} bytes",
        new.len(),
        args.file.display(),
        layout.len()
    )?;
    writeln!(out, "wrote {} bytes", outcome.bytes_written)?;
    Ok(ExitCode::SUCCESS)
}

/// `--delete N`: the file loses the `n` bytes at `at`.
fn delete_bytes(args: &PatchArgs, mut doc: Document, at: u64, n: u64) -> Result<ExitCode> {
    let len = doc.len();
    let end = at.checked_add(n).filter(|&e| e <= len);
    let Some(end) = end else {
        bail!(
            "cannot delete {n} bytes at {at:#x}: {} has {len} bytes, so at most {} can be \
             deleted there",
            args.file.display(),
            len - at
        );
    };
    let shown = doc.read(at..at + n.min(DELETED_PREVIEW)).into_owned();
    let mut layout = Layout::new();
    layout.push_old(0, at);
    layout.push_old(end, len - end);
    let outcome = doc
        .save_layout(&layout, false, &crate::core::relayout::Options::default())
        .map_err(|e| anyhow::anyhow!(super::hint::save(&e)))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let more = if n > DELETED_PREVIEW {
        format!(" … ({n} bytes)")
    } else {
        String::new()
    };
    writeln!(out, "{at:#010x}: deleted {}{more}", hex(&shown))?;
    writeln!(
        out,
        "deleted {n} bytes; {} is now {} bytes",
        args.file.display(),
        layout.len()
    )?;
    writeln!(out, "wrote {} bytes", outcome.bytes_written)?;
    Ok(ExitCode::SUCCESS)
}
