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
            let msg: String = format!("{e:#}")
                .chars()
                .flat_map(|c| {
                    let esc: Vec<char> = if c.is_control() {
                        c.escape_default().collect()
                    } else {
                        vec![c]
                    };
                    esc
                })
                .collect();
            let _ = writeln!(std::io::stderr(), "maphex: {msg}");
            ExitCode::from(2)
        }
    }
}
