//! `maphex replace`: substitution, "a sed for binary files". Every match of a pattern (the
//! engine and flags of `maphex find`) becomes the expansion of a template (ripgrep's
//! `--replace` syntax plus byte escapes, [`crate::core::replace::Template`]); the file is
//! rewritten crash-safely in place, or the result is streamed to `-o OUT`, or `--dry-run`
//! lists what would change.
//!
//! Standard output carries data only (`-o -`, the `--dry-run` listing); the summary goes to
//! standard error. Exit status: 0 something was (or would be) replaced, 1 nothing matched
//! (the file is untouched), 2 an error.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;

use super::Input;
use super::find::display_name;
use crate::core::document::{Document, Mode, OpenConfig};
use crate::core::replace::{
    LayoutBuilder, ReplaceConfig, Replacement, Replacer, Splice, Template, Totals,
};
use crate::core::search::{Pattern, Query, QueryKind, parse_hex};
use crate::core::source::ByteSource;

/// Arguments of `maphex replace`.
#[derive(Debug, Args)]
#[command(after_help = REPLACE_HELP)]
pub struct ReplaceArgs {
    /// Read PATTERN as literal text.
    #[arg(long, conflicts_with = "hex")]
    pub text: bool,
    /// Read PATTERN and REPLACEMENT as hex bytes: `de ad ?? ef` (`??` is any byte, in the
    /// pattern only).
    #[arg(long)]
    pub hex: bool,
    /// Ignore case (ASCII in byte mode, Unicode with --unicode or for --text).
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Unicode semantics for the regex (as `(?u)` at the start of the pattern); the
    /// replacement's `\xNN` is still a byte.
    #[arg(long)]
    pub unicode: bool,
    /// Print each replacement (offset, old bytes, new bytes) and change nothing.
    #[arg(long, conflicts_with = "output")]
    pub dry_run: bool,
    /// With --dry-run: one JSON object per line, {"offset":N,"len":N,"old":"HEX","new":"HEX"}.
    #[arg(long, requires = "dry_run")]
    pub json: bool,
    /// Write the result to OUT (`-` for standard output) and leave FILE as it is.
    #[arg(short = 'o', long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// No summary on standard error.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Rewrite FILE even when another maphex holds its advisory lock.
    #[arg(long)]
    pub force_write: bool,
    /// The pattern (a regex with byte semantics unless --unicode, --text or --hex).
    #[arg(allow_hyphen_values = true)]
    pub pattern: String,
    /// What each match becomes: $1 ${name} $$ and \xNN \n \t \r \0 \\ \$ (hex with --hex).
    #[arg(allow_hyphen_values = true)]
    pub replacement: String,
    /// The file; `-` is standard input (with -o or --dry-run).
    pub file: PathBuf,
}

/// What `replace --help` says after the options.
const REPLACE_HELP: &str = "\
The replacement refers to groups as `rg --replace` does: $1 or ${1} (group 1), $name or
${name}, $0 the whole match, $$ a `$`. A name runs on through letters, digits and `_`, so $1a
is the group named `1a`: write ${1}a for group 1 then `a`. Escapes write bytes: \\xNN \\n \\t
\\r \\0 \\\\ and \\$. A group the pattern does not have is an error, not an empty string.
Patterns are those of `maphex find` (byte semantics by default; see its --help).
Without -o, FILE is rewritten crash-safely in place; -o OUT streams the result (FILE is left
alone; OUT is written even when nothing matched, as sed would).
Exit status: 0 replaced (or would be, with --dry-run), 1 no match (FILE untouched), 2 an error.";

/// Bytes of hex shown per side in the `--dry-run` listing before it is shortened.
const PREVIEW: usize = 32;

/// One buffer of `-o` output handed to the writing thread: large writes, few system calls.
const OUT_BUFFER: usize = 1 << 20;

/// Buffers in flight between the replacing thread and the writing one.
const OUT_BUFFERS: usize = 4;

/// A writer that hands full buffers to a thread doing the writing, so the copy into the
/// page cache (about half the time of `-o` into a file, measured) overlaps the search.
/// Buffers come back to be reused; the first error of the writing thread is returned by
/// [`Pipe::finish`] (or by the write that finds the thread gone).
struct Pipe {
    buf: Vec<u8>,
    full: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    empty: std::sync::mpsc::Receiver<Vec<u8>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Pipe {
    fn new(mut out: Box<dyn Write + Send>) -> Pipe {
        let (full, to_write) = std::sync::mpsc::sync_channel::<Vec<u8>>(OUT_BUFFERS);
        let (give_back, empty) = std::sync::mpsc::sync_channel(OUT_BUFFERS + 1);
        let thread = std::thread::spawn(move || -> io::Result<()> {
            for mut buf in to_write {
                out.write_all(&buf)?;
                buf.clear();
                // The other side may be gone (finishing); the buffer is then dropped.
                let _ = give_back.try_send(buf);
            }
            out.flush()
        });
        Pipe {
            buf: Vec::with_capacity(OUT_BUFFER),
            full: Some(full),
            empty,
            thread: Some(thread),
        }
    }

    /// Hands the current buffer to the writing thread.
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(OUT_BUFFER));
        let buf = std::mem::replace(&mut self.buf, next);
        let sent = self.full.as_ref().is_some_and(|tx| tx.send(buf).is_ok());
        if sent {
            Ok(())
        } else {
            // The thread stopped: its error says why.
            Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("the writer stopped")))
        }
    }

    fn join(&mut self) -> io::Result<()> {
        self.full = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(io::Error::other("the writing thread panicked")),
            None => Ok(()),
        }
    }

    /// Writes what is left and waits for the writing thread.
    fn finish(mut self) -> io::Result<()> {
        self.send()?;
        self.join()
    }
}

impl Write for Pipe {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > OUT_BUFFER {
            self.send()?;
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// Runs the substitution.
pub fn run(args: &ReplaceArgs) -> Result<ExitCode> {
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
    let pattern = query
        .compile()
        .map_err(|e| anyhow!("invalid pattern: {e}"))?;
    let template = if args.hex {
        let parsed =
            parse_hex(&args.replacement).map_err(|e| anyhow!("invalid replacement: {e}"))?;
        let bytes: Option<Vec<u8>> = parsed.into_iter().collect();
        let Some(bytes) = bytes else {
            bail!(
                "invalid replacement: ?? matches any byte in the pattern, but a replacement needs real bytes"
            );
        };
        Template::literal_bytes(&bytes)
    } else {
        Template::new(&args.replacement, &pattern)?
    };
    let input = if args.file.as_os_str() == "-" {
        Input::Stdin
    } else {
        Input::Path(args.file.clone())
    };
    if args.dry_run {
        dry_run(args, &pattern, template, &input)
    } else if let Some(out) = &args.output {
        to_output(args, &pattern, template, &input, out)
    } else {
        let Input::Path(path) = &input else {
            bail!(
                "standard input cannot be rewritten in place: add -o OUT (-o - for standard \
                 output) or --dry-run"
            );
        };
        in_place(args, &pattern, template, path)
    }
}

/// `N match(es) in NAME (A byte(s) → B byte(s))`.
fn totals_text(t: &Totals, name: &str) -> String {
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    format!(
        "{} in {} ({} → {})",
        plural(t.count, "match", "matches"),
        display_name(name),
        plural(t.old_bytes, "byte", "bytes"),
        plural(t.new_bytes, "byte", "bytes"),
    )
}

fn summary(args: &ReplaceArgs, line: &str) {
    if !args.quiet {
        // Not eprintln!, which panics when standard error is closed.
        let _ = writeln!(io::stderr(), "{line}");
    }
}

/// Refuses a scan whose result may differ from a whole-file `replace_all`.
fn check_long(replacer: &Replacer, name: &str, what: &str) -> Result<()> {
    if let Some(at) = replacer.first_too_long() {
        bail!(
            "{}: a match at offset {at} ({at:#x}) is longer than {} MiB, which the scan cuts; \
             {what}",
            display_name(name),
            crate::core::search::LONG_MATCH_LIMIT >> 20
        );
    }
    Ok(())
}

/// Runs `replacer` over `src` to the end, handing every replacement to `each`; the first
/// error `each` returns stops the scan and is returned.
fn replace_all<S: ByteSource + ?Sized, E>(
    replacer: &mut Replacer,
    src: &S,
    mut each: impl FnMut(&Replacement<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let never = AtomicBool::new(false);
    let mut err = None;
    replacer.run(src, &never, &mut |_| {}, |r| match each(&r) {
        Ok(()) => true,
        Err(e) => {
            err = Some(e);
            false
        }
    });
    err.map_or(Ok(()), Err)
}

fn config() -> ReplaceConfig {
    ReplaceConfig::default()
}

/// `--dry-run`: one line per replacement on standard output, nothing changed.
fn dry_run(
    args: &ReplaceArgs,
    pattern: &Pattern,
    template: Template,
    input: &Input,
) -> Result<ExitCode> {
    let src = input.open()?;
    let src = &*src;
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let mut replacer = Replacer::new(pattern, template, &config());
    replace_all(&mut replacer, src, |r| -> io::Result<()> {
        if args.json {
            write!(
                out,
                "{{\"offset\":{},\"len\":{},\"old\":\"",
                r.start,
                r.old_len()
            )?;
            let mut at = r.start;
            while at < r.end {
                let to = r.end.min(at + (1 << 20));
                let old = src.read(at..to);
                write_hex(&mut out, &old, "")?;
                at = to.max(at + 1);
            }
            out.write_all(b"\",\"new\":\"")?;
            write_hex(&mut out, r.bytes, "")?;
            out.write_all(b"\"}\n")
        } else {
            let shown = usize::try_from(r.old_len())
                .unwrap_or(usize::MAX)
                .min(PREVIEW);
            let old = src.read(r.start..r.start + shown as u64);
            write!(out, "{:#010x}: ", r.start)?;
            preview(&mut out, &old, r.old_len())?;
            out.write_all(b" -> ")?;
            preview(
                &mut out,
                &r.bytes[..r.bytes.len().min(PREVIEW)],
                r.bytes.len() as u64,
            )?;
            out.write_all(b"\n")
        }
    })?;
    out.flush()?;
    check_long(&replacer, &input.name(), "the listing past it may be wrong")?;
    let t = replacer.totals();
    if t.count == 0 {
        summary(
            args,
            &format!("no match in {}", display_name(&input.name())),
        );
        return Ok(ExitCode::from(1));
    }
    summary(
        args,
        &format!("would replace {}", totals_text(&t, &input.name())),
    );
    Ok(ExitCode::SUCCESS)
}

/// Hex of `bytes`, each byte followed by `sep` except the last.
fn write_hex(out: &mut impl Write, bytes: &[u8], sep: &str) -> io::Result<()> {
    let mut buf = Vec::with_capacity(bytes.len() * (2 + sep.len()));
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            buf.extend_from_slice(sep.as_bytes());
        }
        buf.extend_from_slice(&crate::core::classify::HEX[usize::from(b)]);
    }
    out.write_all(&buf)
}

/// `de ad be ef`, `(none)` for no bytes, and `de ad … (300 bytes)` past [`PREVIEW`] bytes
/// (`shown` is the start of `total` bytes).
fn preview(out: &mut impl Write, shown: &[u8], total: u64) -> io::Result<()> {
    if total == 0 {
        return out.write_all(b"(none)");
    }
    write_hex(out, shown, " ")?;
    if total > shown.len() as u64 {
        write!(out, " … ({total} bytes)")?;
    }
    Ok(())
}

/// True when `a` and `b` name the same file (the same inode), so writing one destroys
/// what the other is read from.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// `-o OUT`: the result streamed into OUT (or standard output); FILE is only read.
fn to_output(
    args: &ReplaceArgs,
    pattern: &Pattern,
    template: Template,
    input: &Input,
    out: &Path,
) -> Result<ExitCode> {
    let to_stdout = out.as_os_str() == "-";
    if let Input::Path(p) = input
        && !to_stdout
        && same_file(p, out)
    {
        bail!(
            "-o {} is {} itself, which would be overwritten while it is read: drop -o to \
             rewrite it in place",
            display_name(&out.display().to_string()),
            display_name(&p.display().to_string())
        );
    }
    let src = input.open()?;
    let src = &*src;
    let dest = if to_stdout {
        "standard output".to_string()
    } else {
        display_name(&out.display().to_string())
    };
    let writer: Box<dyn Write + Send> = if to_stdout {
        Box::new(io::stdout())
    } else {
        Box::new(std::fs::File::create(out).with_context(|| format!("cannot create {dest}"))?)
    };
    let mut splice = Splice::new(src, Pipe::new(writer));
    let mut replacer = Replacer::new(pattern, template, &config());
    let written = replace_all(&mut replacer, src, |r| splice.push(r))
        .and_then(|()| splice.finish())
        .and_then(|(pipe, written)| pipe.finish().map(|()| written))
        .with_context(|| format!("cannot write {dest}"))?;
    check_long(
        &replacer,
        &input.name(),
        "the output past it may differ from sed's",
    )?;
    let t = replacer.totals();
    if t.count == 0 {
        summary(
            args,
            &format!(
                "no match in {}; wrote it unchanged to {dest} ({written} bytes)",
                display_name(&input.name())
            ),
        );
        return Ok(ExitCode::from(1));
    }
    summary(
        args,
        &format!(
            "replaced {}, wrote {dest} ({written} bytes)",
            totals_text(&t, &input.name())
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// Without -o: FILE rewritten crash-safely. Replacements as long as their matches are
/// positioned writes of the changed bytes (the document's journaled save); any other is a
/// new layout of the file ([`Document::save_layout`]).
fn in_place(
    args: &ReplaceArgs,
    pattern: &Pattern,
    template: Template,
    path: &Path,
) -> Result<ExitCode> {
    let mut doc = Document::open(
        path,
        OpenConfig {
            mode: Mode::CopyOnWrite,
            ignore_lock: args.force_write,
            ..OpenConfig::default()
        },
    )?;
    let name = path.display().to_string();
    if doc.mode() == Mode::ReadOnly {
        bail!(
            "cannot replace in {}: {}",
            display_name(&name),
            doc.open_notes().first().map_or_else(
                || "it can only be read".to_string(),
                super::hint::patch_note
            )
        );
    }
    let snapshot = doc.snapshot();
    let mut replacer = Replacer::new(pattern, template, &config());
    let mut builder = LayoutBuilder::new();
    replace_all(&mut replacer, &snapshot, |r| builder.push(r))?;
    check_long(&replacer, &name, "nothing was replaced")?;
    let t = replacer.totals();
    if t.count == 0 {
        summary(
            args,
            &format!("no match in {}; it is unchanged", display_name(&name)),
        );
        return Ok(ExitCode::from(1));
    }
    let layout = builder.finish(snapshot.len())?;
    // Same-length replacements too: the saver writes only the replaced bytes in place
    // (segments of the old file at their own offsets are not written), under its journal.
    doc.save_layout(&layout, false, &crate::core::relayout::Options::default())
        .map_err(|e| anyhow!(super::hint::save(&e)))?;
    summary(args, &format!("replaced {}", totals_text(&t, &name)));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_shortened() {
        let mut out = Vec::new();
        preview(&mut out, b"\xde\xad", 300).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "de ad … (300 bytes)");
        let mut out = Vec::new();
        preview(&mut out, b"", 0).unwrap();
        assert_eq!(out, b"(none)");
        let mut out = Vec::new();
        write_hex(&mut out, b"\x00\xff", "").unwrap();
        assert_eq!(out, b"00ff");
    }

    #[test]
    fn totals_are_worded() {
        let t = Totals {
            count: 1,
            old_bytes: 12,
            new_bytes: 1,
            same_len: false,
        };
        assert_eq!(totals_text(&t, "f"), "1 match in f (12 bytes → 1 byte)");
    }
}
