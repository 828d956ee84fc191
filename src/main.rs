//! The `maphex` binary: parse the command line, run, turn errors into one line and exit 2.

use std::io::Write as _;
use std::process::ExitCode;

/// The system allocator, with the pages of screen-sized blocks mapped up front (see
/// `PrefaultAlloc`: the first frame no longer waits on a hundred page faults).
#[global_allocator]
static ALLOC: maphex::core::mapping::PrefaultAlloc = maphex::core::mapping::PrefaultAlloc;

fn main() -> ExitCode {
    match maphex::cli::run() {
        Ok(code) => code,
        Err(e) if maphex::cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Not `eprintln!`, which panics when standard error is closed.
            // A file name can hold control bytes: escape them, never print them raw.
            let msg = maphex::cli::find::display_name(&format!("{e:#}"));
            let _ = writeln!(std::io::stderr(), "maphex: {msg}");
            ExitCode::from(2)
        }
    }
}
