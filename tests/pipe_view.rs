//! The viewer from a pipe: `some-command | maphex` and `maphex -` show standard input, spooled
//! into an unlinked temporary file and mapped (no 64 MiB cap), while keys come from the
//! terminal. The real binary in a pseudo-terminal, behind `sh -c` so that its standard input
//! is a pipe.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use common::at80::{MESSAGE, STATUS, expect_clean_exit, wait_message, wait_status};
use common::keys::ENTER;
use common::{Options, Tui, temp_file};

const BIN: &str = env!("CARGO_BIN_EXE_maphex");

/// Runs `script` (with `$M` standing for the maphex binary) in `sh` in a terminal.
fn shell(script: &str, cwd: &std::path::Path) -> Tui {
    let script = script.replace("$M", &format!("'{BIN}'"));
    Tui::spawn_with(
        ["-c", script.as_str()],
        &Options::default().program("/bin/sh").cwd(cwd),
    )
}

#[test]
fn printf_into_maphex_shows_the_bytes_and_keys_come_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = shell(r"printf 'hello\nworld\001' | $M", dir.path());
    t.wait_for("the piped bytes", |s| {
        s.contains("00000000  68 65 6c 6c 6f 0a 77 6f  72 6c 64 01")
    });
    wait_status(&mut t, " RO  (standard input)");
    wait_status(&mut t, "12 bytes");
    wait_message(
        &mut t,
        "standard input: 12 B; read-only, :w PATH saves a copy",
    );
    // Keys reach the app although standard input is the pipe.
    t.send("G");
    wait_status(&mut t, " 0xb (11)  byte 01 ");
    // Edits are refused; a copy can be saved.
    t.send("i");
    wait_message(&mut t, "read-only");
    t.send(format!(":w copy.bin{ENTER}"));
    wait_message(&mut t, "wrote 12 bytes to copy.bin");
    assert_eq!(
        std::fs::read(dir.path().join("copy.bin")).unwrap(),
        b"hello\nworld\x01"
    );
    t.send("q");
    expect_clean_exit(&mut t);
}

#[test]
fn a_slow_producer_shows_its_first_bytes_then_the_rest_as_they_arrive() {
    let dir = tempfile::tempdir().unwrap();
    // The second part only comes once the first is on screen (the producer waits for a
    // file the test creates), so the first frame cannot have waited for all of it.
    let mut t = shell(
        "(printf first; while [ ! -e go ]; do sleep 0.05; done; printf second) | $M",
        dir.path(),
    );
    t.wait_for("the first part", |s| {
        s.contains("66 69 72 73 74") && s.contains("5 bytes")
    });
    assert!(
        t.row(MESSAGE).contains("reading"),
        "{}",
        t.report("no reading note while input arrives")
    );
    std::fs::write(dir.path().join("go"), b"").unwrap();
    t.wait_for("the second part", |s| s.contains("firstsecond"));
    wait_status(&mut t, "11 bytes");
    wait_message(&mut t, "standard input: 11 B;");
    t.send("q");
    expect_clean_exit(&mut t);
}

#[test]
fn dash_reads_standard_input_past_the_old_64_mib_cap() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = shell("head -c 100000000 /dev/zero | $M -", dir.path());
    wait_message(&mut t, "standard input: 95.4 MiB; read-only");
    wait_status(&mut t, "100000000 bytes");
    t.send("G");
    wait_status(&mut t, " 0x5f5e0ff (99999999)  byte 00 ");
    t.send("q");
    expect_clean_exit(&mut t);
}

#[test]
fn dash_with_a_file_redirected_and_search_over_it() {
    let (dir, path) = temp_file("in.txt", b"one two three two one\n");
    let name = path.file_name().unwrap().to_str().unwrap();
    let mut t = shell(&format!("$M - < {name}"), dir.path());
    wait_status(&mut t, "22 bytes");
    t.send(format!("/two{ENTER}"));
    wait_status(&mut t, "match 1/2");
    t.send("n");
    wait_status(&mut t, "match 2/2");
    assert!(
        t.row(STATUS).contains(" 0xe (14) "),
        "{}",
        t.report("second match")
    );
    t.send("q");
    expect_clean_exit(&mut t);
}
