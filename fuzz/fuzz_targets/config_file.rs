//! The config file: any bytes give a config and warnings, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = maphex::tui::config::parse(&text, std::path::Path::new("fuzz.toml"));
});
