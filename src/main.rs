//! The `maphex` binary: parse the command line, run, turn errors into one line and exit 2.

use std::process::ExitCode;

fn main() -> ExitCode {
    match maphex::cli::run() {
        Ok(code) => code,
        Err(e) if maphex::cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maphex: {e:#}");
            ExitCode::from(2)
        }
    }
}
