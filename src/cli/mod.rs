//! The command line: arguments, subcommands and exit codes. `anyhow` lives here and only here.
//!
//! Exit codes: 0 success, 1 `find` found nothing (as grep), 2 any error.

pub mod dump;
pub mod find;
pub mod patch;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::core::document::{Document, Mode, OpenConfig};
use crate::tui::layout::Cols;

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
    /// The file to open.
    pub file: Option<PathBuf>,
    /// Open read-only: every edit is refused.
    #[arg(short = 'r', long, conflicts_with = "write_through")]
    pub readonly: bool,
    /// Write-through: edits land in the file at once (a shared writable mapping).
    #[arg(short = 'w', long)]
    pub write_through: bool,
    /// Bytes per row: a number, or `auto` to fit the terminal width.
    #[arg(long, default_value = "auto", value_parser = parse_cols)]
    pub cols: Cols,
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
}

fn parse_cols(s: &str) -> Result<Cols, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(Cols::Auto);
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=4096).contains(&n) => Ok(Cols::Fixed(n)),
        _ => Err(format!(
            "'{s}' is not a column count: give 1 to 4096, or auto"
        )),
    }
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

/// True when an error is a closed pipe (`maphex dump f | head`): not worth a message.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Parses the command line and runs it.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Dump(a)) => dump::run(&a),
        Some(Command::Find(a)) => find::run(&a),
        Some(Command::Patch(a)) => patch::run(&a),
        None => run_tui(&cli.open),
    }
}

fn run_tui(args: &OpenArgs) -> Result<ExitCode> {
    let Some(path) = &args.file else {
        anyhow::bail!("no file given: maphex FILE opens one (maphex --help lists the options)");
    };
    let mode = if args.readonly {
        Mode::ReadOnly
    } else if args.write_through {
        Mode::WriteThrough
    } else {
        Mode::CopyOnWrite
    };
    let doc = open(path, mode)?;
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!(
            "standard output is not a terminal: the viewer needs one (maphex dump prints a hex dump)"
        );
    }
    let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let cols = args.cols;
    crate::tui::runtime::run(doc, |app| {
        app.cols = cols;
        app.no_color = no_color;
    })
    .context("terminal error")?;
    Ok(ExitCode::SUCCESS)
}
