//! What a user types: `:` command lines and key chords run against a small document, and the
//! program's arguments through clap; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maphex::core::document::Document;
use maphex::tui::app::App;
use maphex::tui::input::Key;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = Document::from_bytes("fuzz", b"Lorem ipsum dolor sit amet".to_vec());
    let mut app = App::new(doc, (80, 24));
    for line in text.lines() {
        let _ = app.command(line);
        let _ = Key::parse(line);
    }
    let args = std::iter::once("maphex".to_string()).chain(text.split_whitespace().map(str::to_string));
    let _ = <maphex::cli::Cli as clap::Parser>::try_parse_from(args);
});
