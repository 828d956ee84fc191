//! The command line: arguments, subcommands and exit codes. `anyhow` lives here and only here.
//!
//! Exit codes: 0 success, 1 `find` or `replace` found nothing (as grep) or `cmp` found a
//! difference (as cmp), 2 any error.

pub mod cmp;
pub mod completions;
pub mod dump;
pub mod find;
pub mod hint;
pub mod parse;
pub mod patch;
pub mod replace;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::core::document::{Document, Mode, OpenConfig};
use crate::tui::settings::{self, Setting, Value};

/// maphex: a terminal hex/text viewer-editor that reads files through a memory map.
#[derive(Debug, Parser)]
#[command(
    name = "maphex",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Subcommands for scripts; without one, FILE opens in the terminal UI.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open options for the terminal UI.
    #[command(flatten)]
    pub open: OpenArgs,
}

/// Options of the terminal UI.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The files to open, one buffer each (`:ls` lists them, `:bn` goes to the next); `-`
    /// alone views standard input. A file that cannot be opened is reported and the others
    /// open (as vim does); when none can, maphex exits with the errors.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Open read-only: every edit is refused.
    #[arg(short = 'r', long, conflicts_with = "write_through")]
    pub readonly: bool,
    /// Write-through: edits land in the file at once (a shared writable mapping).
    #[arg(short = 'w', long)]
    pub write_through: bool,
    /// Bytes per row (the `cols` setting; its parser, range and doc come from the table).
    #[arg(long, value_name = "N|auto", value_parser = settings::flag("cols"), help = flag_help("cols"))]
    pub cols: Option<Value>,
    /// How the text pane decodes bytes (the `encoding` setting).
    #[arg(long, value_name = "NAME", value_parser = settings::flag("encoding"), help = flag_help("encoding"))]
    pub encoding: Option<Value>,
    /// Open for writing even when another maphex holds the file's lock.
    #[arg(long)]
    pub force_write: bool,
    /// The config file [default: `$XDG_CONFIG_HOME/maphex/config.toml`, else
    /// `~/.config/maphex/config.toml`]; `/dev/null` for none.
    #[arg(long, value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    /// Print an example config file (every setting and action, commented out) and exit.
    #[arg(long)]
    pub print_config: bool,
    /// No colours (also when `NO_COLOR` is set).
    #[arg(long)]
    pub no_color: bool,
    /// Show the first file's structure with this `.ksy` template (a path, or the name of a
    /// bundled or installed one: png, zip, elf, bmp, wav, gif); without it, a template that
    /// matches the file is announced and `t` shows it.
    #[arg(long, value_name = "PATH|NAME", value_hint = clap::ValueHint::FilePath)]
    pub template: Option<String>,
    /// Open the compare view of the first two files (`maphex diff`).
    #[arg(skip)]
    pub diff: bool,
}

/// Arguments of `maphex diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first file (left, or top).
    pub a: PathBuf,
    /// The second file.
    pub b: PathBuf,
    /// Open both read-only.
    #[arg(short = 'r', long, conflicts_with = "write_through")]
    pub readonly: bool,
    /// Open both write-through (`do` / `dp` then refuse to change a length).
    #[arg(short = 'w', long)]
    pub write_through: bool,
    /// No colours (also when `NO_COLOR` is set).
    #[arg(long)]
    pub no_color: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a hex dump in xxd's format (`xxd -r` turns it back into bytes).
    Dump(dump::DumpArgs),
    /// Print every match of a pattern, one line each (exit 0 found, 1 none, 2 error).
    Find(find::FindArgs),
    /// Overwrite bytes in place and print the bytes replaced.
    Patch(patch::PatchArgs),
    /// Replace every match of a pattern, like sed's s///g (exit 0 replaced, 1 none, 2 error).
    Replace(replace::ReplaceArgs),
    /// Print the differences of two files as ranges, insertion-aware (exit 0 same, 1 differ,
    /// 2 error).
    Cmp(cmp::CmpArgs),
    /// Open two files in the compare view: side by side, scrolling locked, differences
    /// highlighted (]c [c go through them, do dp copy one across).
    Diff(DiffArgs),
    /// Print a file's structure under a `.ksy` template, as text or JSON (exit 2 on mismatch).
    Parse(parse::ParseArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
}

/// A flag's help from the settings table: the doc, the values and the default.
fn flag_help(name: &str) -> String {
    match settings::by_name(name) {
        Some(s) => format!(
            "{}: {} [default: {}; config: {}]",
            s.doc,
            s.kind.expected(false),
            s.show(s.default),
            s.path()
        ),
        None => String::new(),
    }
}

/// The flags that set options, as (setting, value), to apply after the config file's.
fn flag_values(args: &OpenArgs) -> Vec<(&'static Setting, Value)> {
    [("cols", args.cols), ("encoding", args.encoding)]
        .into_iter()
        .filter_map(|(name, v)| Some((settings::by_name(name)?, v?)))
        .collect()
}

/// Opens a document, turning the error into one line that names the path and the cause.
pub fn open(path: &std::path::Path, mode: Mode) -> Result<Document> {
    Ok(Document::open(
        path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )?)
}

/// One input of `find` or `dump`: a path, or standard input (`-`, or no file with a
/// standard input that is not a terminal, as grep and xxd read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file to open read-only.
    Path(PathBuf),
    /// Standard input, spooled into an unlinked temporary file and mapped
    /// ([`crate::core::spool`]).
    Stdin,
}

impl Input {
    /// The name for messages and `find`'s prefixes: the path, or grep's `(standard input)`.
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "(standard input)".to_string(),
        }
    }

    /// Opens the input for reading; the source can be shared between scanning threads.
    pub fn open(&self) -> Result<Box<dyn crate::core::source::ByteSource + Send + Sync>> {
        match self {
            Input::Path(p) => Ok(Box::new(open(p, Mode::ReadOnly)?.snapshot())),
            Input::Stdin => {
                let dir = std::env::temp_dir();
                let (file, len) = crate::core::spool::spool(&mut std::io::stdin().lock(), &dir)
                    .with_context(|| {
                        format!("cannot spool standard input into {}", dir.display())
                    })?;
                let map = crate::core::mapping::DiskMap::map(&file, len)
                    .context("cannot map the spooled standard input")?;
                Ok(Box::new(Spooled { _file: file, map }))
            }
        }
    }
}

/// Standard input spooled to an unlinked file, and its mapping.
struct Spooled {
    _file: std::fs::File,
    map: crate::core::mapping::DiskMap,
}

impl crate::core::source::ByteSource for Spooled {
    fn len(&self) -> u64 {
        crate::core::source::ByteSource::len(self.map.as_slice())
    }

    fn read(&self, range: std::ops::Range<u64>) -> std::borrow::Cow<'_, [u8]> {
        crate::core::source::ByteSource::read(self.map.as_slice(), range)
    }
}

/// The inputs named on the command line of `command`: `-` is standard input, and no name
/// at all means standard input when it is not a terminal (else an error saying what to do).
pub fn inputs(files: &[PathBuf], command: &str) -> Result<Vec<Input>> {
    if files.is_empty() {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            anyhow::bail!(
                "no file given: maphex {command} ... FILE reads a file, `-` or a pipe reads \
                 standard input"
            );
        }
        return Ok(vec![Input::Stdin]);
    }
    Ok(files
        .iter()
        .map(|f| {
            if f.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::Path(f.clone())
            }
        })
        .collect())
}

/// The viewer from a pipe: standard input is spooled into an unlinked temporary file by a
/// thread while the viewer maps what has arrived (no cap: the file system holds it, not
/// memory). Returns once the first screenful is in, or the input ended, or a moment passed.
fn open_stdin() -> Result<(
    Document,
    std::sync::mpsc::Receiver<crate::tui::stdin_worker::StdinMsg>,
)> {
    use crate::tui::stdin_worker;
    let dir = std::env::temp_dir();
    let file = crate::core::spool::unlinked_file(&dir).with_context(|| {
        format!(
            "cannot spool standard input: no temporary file in {}",
            dir.display()
        )
    })?;
    let writer = file.try_clone().context("cannot spool standard input")?;
    let rx = stdin_worker::start(std::io::stdin(), writer);
    let first = stdin_worker::first_screenful(&rx);
    let len = first.as_ref().map_or(0, |m| m.len);
    let mut doc = Document::from_spool("(standard input)", file, len)
        .context("cannot map the spooled standard input")?;
    if let Some(m) = first.filter(|m| m.done) {
        // All of it is in already: say so at once (the worker sends nothing more).
        let note = match m.error {
            Some(e) => crate::core::document::Note::Other(format!(
                "{e}; showing the {} that arrived",
                crate::core::document::human_size(m.len)
            )),
            None => crate::core::document::Note::Spooled { size: m.len },
        };
        doc.set_note(note);
    }
    Ok((doc, rx))
}

/// Opens every file of the command line: the documents that opened, and the errors of those
/// that did not (one line each). With one file, or when none opens, the (first) error is the
/// whole result, as before there were buffers: nothing to show.
fn open_all(files: &[PathBuf], config: OpenConfig) -> Result<(Vec<Document>, Vec<String>)> {
    let mut docs = Vec::new();
    let mut failed = Vec::new();
    for f in files {
        match Document::open(f, config) {
            Ok(d) => docs.push(d),
            Err(e) if files.len() == 1 => return Err(e.into()),
            Err(e) => failed.push(e.to_string()),
        }
    }
    if docs.is_empty() {
        anyhow::bail!("{}", failed.join("; "));
    }
    Ok((docs, failed))
}

/// True when an error is a closed pipe (`maphex dump f | head`): not worth a message.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Parses the command line and runs it.
pub fn run() -> Result<ExitCode> {
    if let Some(open) = plain_open(std::env::args_os()) {
        return run_tui(&open);
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Dump(a)) => dump::run(&a),
        Some(Command::Find(a)) => find::run(&a),
        Some(Command::Patch(a)) => patch::run(&a),
        Some(Command::Replace(a)) => replace::run(&a),
        Some(Command::Cmp(a)) => cmp::run(&a),
        Some(Command::Diff(a)) => run_tui(&OpenArgs {
            files: vec![a.a, a.b],
            readonly: a.readonly,
            write_through: a.write_through,
            cols: None,
            encoding: None,
            force_write: false,
            config: None,
            print_config: false,
            no_color: a.no_color,
            diff: true,
            template: None,
        }),
        Some(Command::Parse(a)) => parse::run(&a),
        Some(Command::Completions(a)) => completions::run(&a),
        None => run_tui(&cli.open),
    }
}

/// The names that make a lone argument a subcommand rather than a file: ours and clap's
/// `help`. A unit test checks this against the command tree.
const SUBCOMMAND_NAMES: &[&str] = &[
    "dump",
    "find",
    "patch",
    "replace",
    "cmp",
    "diff",
    "parse",
    "completions",
    "help",
];

/// `maphex FILE` and nothing else (the common case) parsed without clap: what
/// `Cli::parse()` would give, without building the whole command tree of every subcommand
/// first, which is about 0.15 ms of a 2 ms start to the first frame
/// (`benches/startup_vs_hexedit.sh`). Anything else (an option, `-`, a subcommand's name,
/// no file, more than one argument) returns `None` and goes through clap, so help, errors
/// and suggestions are clap's own.
fn plain_open(mut args: impl Iterator<Item = std::ffi::OsString>) -> Option<OpenArgs> {
    let _program = args.next()?;
    let file = args.next()?;
    if args.next().is_some() {
        return None;
    }
    let bytes = file.as_encoded_bytes();
    if bytes.is_empty()
        || bytes.starts_with(b"-")
        || SUBCOMMAND_NAMES.iter().any(|n| n.as_bytes() == bytes)
    {
        return None;
    }
    Some(OpenArgs {
        files: vec![PathBuf::from(file)],
        readonly: false,
        write_through: false,
        cols: None,
        encoding: None,
        force_write: false,
        config: None,
        print_config: false,
        no_color: false,
        template: None,
        diff: false,
    })
}

fn run_tui(args: &OpenArgs) -> Result<ExitCode> {
    if args.print_config {
        use std::io::Write as _;
        std::io::stdout()
            .lock()
            .write_all(crate::tui::config::example().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let stdin_is_tty = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let is_dash = |p: &PathBuf| p.as_os_str() == "-";
    let from_stdin = match &args.files[..] {
        [p] => is_dash(p),
        [] if stdin_is_tty => anyhow::bail!(
            "no file given: maphex FILE opens one, `-` or a pipe shows standard input (maphex --help lists the options)"
        ),
        [] => true,
        several if several.iter().any(is_dash) => anyhow::bail!(
            "`-` (standard input) opens alone: maphex - views a pipe; name files to open several"
        ),
        _ => false,
    };
    let (config, warnings) = crate::tui::config::load(args.config.as_deref());
    let mode = if args.readonly {
        Mode::ReadOnly
    } else if args.write_through {
        Mode::WriteThrough
    } else {
        match config.get("mode") {
            Some(Value::Mode(m)) => m,
            _ => Mode::default(),
        }
    };
    let need_terminal = || -> Result<()> {
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            Ok(())
        } else {
            anyhow::bail!(
                "standard output is not a terminal: the viewer needs one (maphex dump prints a hex dump)"
            )
        }
    };
    let open_config = OpenConfig {
        mode,
        ignore_lock: args.force_write,
        ..OpenConfig::default()
    };
    let mut failed = Vec::new();
    let (docs, stdin) = if from_stdin {
        // Checked before reading: standard input is not consumed for nothing.
        need_terminal()?;
        let (doc, rx) = open_stdin()?;
        (vec![doc], Some(rx))
    } else {
        let (docs, failed_now) = open_all(&args.files, open_config)?;
        failed = failed_now;
        // Checked after opening: a path that cannot be opened is the more useful message.
        need_terminal()?;
        (docs, None)
    };
    // Warnings also go to stderr, where they are seen once the screen is restored.
    for w in &warnings {
        let _ = writeln!(std::io::stderr(), "maphex: {w}");
    }
    for f in &failed {
        let _ = writeln!(std::io::stderr(), "maphex: {f}");
    }
    let template = match (&args.template, docs.first()) {
        (Some(spec), Some(doc)) => Some(
            crate::tui::structure::load(
                &crate::tui::structure::library(),
                doc,
                &crate::tui::structure::TemplateSpec::Named(spec.clone()),
            )
            .map_err(anyhow::Error::msg)?,
        ),
        _ => None,
    };
    let opened = docs.len();
    let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let flags = flag_values(args);
    let diff = args.diff;
    crate::tui::runtime::run(docs, open_config, stdin, |app| {
        app.no_color = no_color;
        if let Some(t) = &template {
            app.set_template(t);
        }
        // The file's options, then the flags' (which win); the mode was used to open.
        let mut refused = config.apply(app);
        refused.extend(settings::apply_all(app, &flags));
        if diff && app.views().len() >= 2 {
            app.start_diff(0, 1);
        }
        let of = opened + failed.len();
        let problems: Vec<String> = (failed
            .iter()
            .map(|f| format!("{f} (opened {opened} of {of})")))
        .chain(warnings.iter().map(ToString::to_string))
        .chain(refused)
        .collect();
        // Every problem goes to the message log (`:messages` shows them all, whole); the
        // message line shows the first and how many more there are.
        if problems.len() > 1 {
            for p in &problems {
                app.error(p.clone());
            }
        }
        if let Some(first) = problems.first() {
            let more = problems.len() - 1;
            app.error(if more > 0 {
                format!("{first} (+{more} more: :messages lists them)")
            } else {
                first.clone()
            });
        }
    })
    .context("terminal error")?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;
    use std::ffi::OsString;

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("maphex")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn plain_open_parses_a_lone_file_as_clap_does() {
        for name in [
            "f.bin", "./dump", "dum", "helpme", "a b", "=x", "dump.bin", "/tmp/x",
        ] {
            let fast = plain_open(argv(&[name]).into_iter()).expect("a plain open");
            let clap = Cli::try_parse_from(argv(&[name])).expect("clap parses it");
            assert!(clap.command.is_none(), "{name}");
            assert_eq!(format!("{fast:?}"), format!("{:?}", clap.open), "{name}");
        }
    }

    #[test]
    fn plain_open_leaves_everything_else_to_clap() {
        for args in [
            &[][..],
            &[""],
            &["-"],
            &["-r"],
            &["--version"],
            &["--help"],
            &["f", "g"],
            &["-w", "f"],
            &["f", "--cols", "8"],
        ] {
            assert!(plain_open(argv(args).into_iter()).is_none(), "{args:?}");
        }
    }

    #[test]
    fn plain_open_knows_every_subcommand_name() {
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            for name in std::iter::once(sub.get_name()).chain(sub.get_all_aliases()) {
                assert!(SUBCOMMAND_NAMES.contains(&name), "{name} missing");
            }
        }
        // Every name listed is one clap takes as a subcommand (`help` is clap's own).
        for name in SUBCOMMAND_NAMES {
            assert!(plain_open(argv(&[name]).into_iter()).is_none());
            let parsed = Cli::try_parse_from(argv(&[name]));
            assert!(
                parsed.as_ref().map_or(true, |c| c.command.is_some()),
                "{name} parsed as a file"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn plain_open_keeps_a_non_utf8_name() {
        use std::os::unix::ffi::OsStringExt as _;
        let name = OsString::from_vec(b"f\xff.bin".to_vec());
        let args = vec![OsString::from("maphex"), name.clone()];
        let fast = plain_open(args.clone().into_iter()).expect("a plain open");
        let clap = Cli::try_parse_from(args).expect("clap parses it");
        assert_eq!(fast.files, clap.open.files);
        assert_eq!(fast.files, [std::path::PathBuf::from(&name)]);
    }
}
