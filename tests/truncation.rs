//! The file changes under the map: another program truncates and regrows it, hundreds of
//! times, while maphex scrolls and searches across it. maphex must survive every time (the
//! SIGBUS guard in `src/core/mapping/`), say the view is stale, refuse to save in place
//! from it, keep the unsaved edits (`:w PATH` still has them), reload on `:e!`, and give the
//! terminal back at exit.
//!
//! Headless through `Session` (the real search worker), and the real binary in a PTY.

#![allow(clippy::unwrap_used)]

mod support;
use support::{Rng, key, message, typ};

mod common;

use std::fs::{self, File, OpenOptions};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use maphex::core::document::{Document, Mode, OpenConfig, SaveError};
use maphex::core::source::ByteSource;
use maphex::tui::input::KeyCode;
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{Options, Tui, keys};

const WAIT: Duration = Duration::from_secs(20);

/// `len` bytes of printable filler with `needle` every 64 KiB.
fn contents(len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| b"abcdefghijklmnop"[i % 16]).collect();
    for at in (1000..len).step_by(64 << 10) {
        v[at..at + 6].copy_from_slice(b"needle");
    }
    v
}

fn draw(s: &Session) {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| ui::draw(f, &s.app)).unwrap();
}

#[test]
fn headless_truncate_and_regrow_300_times_while_scrolling_and_searching() {
    const LEN: u64 = 4 << 20;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    fs::write(&path, contents(4 << 20)).unwrap();
    let doc = Document::open(
        &path,
        OpenConfig {
            mode: Mode::CopyOnWrite,
            ..OpenConfig::default()
        },
    )
    .unwrap();
    let mut s = Session::new(doc, (80, 24));
    // An unsaved edit near the start.
    s.app.doc_mut().write(16, b"EDIT").unwrap();
    assert!(s.app.doc().is_dirty());
    let other = OpenOptions::new().write(true).open(&path).unwrap();
    let mut rng = Rng(0x7e57_ab1e_d00d_f00d);
    let mut noticed = 0;
    for round in 0..300 {
        let new_len = match round % 4 {
            0 => rng.below(64),
            1 => rng.below(LEN),
            2 => LEN - 1 - rng.below(8192),
            _ => rng.below(1 << 20),
        };
        other.set_len(new_len).unwrap();
        // Read across the whole file: the end, the start, a few pages, a search.
        typ(&mut s, "G");
        assert_eq!(s.app.cursor(), LEN - 1);
        draw(&s);
        typ(&mut s, "g");
        draw(&s);
        key(&mut s, KeyCode::PageDown);
        key(&mut s, KeyCode::PageDown);
        draw(&s);
        // A search over all 4 MiB every third round (every round costs ~10 s in debug).
        if round % 3 == 0 {
            typ(&mut s, "/needle");
            key(&mut s, KeyCode::Enter);
            assert!(s.wait_search(WAIT), "search did not finish (round {round})");
            let m = message(&s);
            assert!(m.contains("match"), "round {round}: {m}");
        }
        let doc = s.app.doc();
        assert_eq!(doc.len(), LEN, "the document keeps its length until :e!");
        if doc.faulted() || doc.disk_change().is_some() {
            noticed += 1;
        } else {
            panic!("round {round}: the truncation to {new_len} went unnoticed");
        }
        if round % 25 == 0 {
            // Saving in place from a stale view is refused, and writes nothing.
            let err = s.app.doc_mut().save(false).unwrap_err();
            assert!(
                matches!(err, SaveError::Truncated(_) | SaveError::ChangedOnDisk(_)),
                "{err}"
            );
            assert_eq!(fs::metadata(&path).unwrap().len(), new_len);
            assert!(s.app.doc().is_dirty(), "the edit is still unsaved");
        }
        other.set_len(LEN).unwrap();
    }
    assert_eq!(noticed, 300);
    assert!(s.app.doc().faulted(), "pages past a truncation were read");

    // The stale view: :w is refused with the reason; :w PATH keeps the edit.
    let on_disk = fs::read(&path).unwrap();
    typ(&mut s, ":w");
    key(&mut s, KeyCode::Enter);
    let m = message(&s);
    assert!(m.starts_with("cannot save"), "{m}");
    assert!(m.contains(":e!") && m.contains(":w PATH"), "{m}");
    assert_eq!(fs::read(&path).unwrap(), on_disk, "a refused save wrote");
    let copy = dir.path().join("copy.bin");
    s.app.doc().save_as(&copy).unwrap();
    let saved = fs::read(&copy).unwrap();
    assert_eq!(saved.len() as u64, LEN);
    assert_eq!(
        &saved[16..20],
        b"EDIT",
        "the overlay keeps the unsaved edit"
    );
    assert_eq!(s.app.doc().read(16..20).as_ref(), b"EDIT");

    // :e! reloads at the length the file has now, and the fault is gone.
    let now = 123_457;
    other.set_len(now).unwrap();
    typ(&mut s, ":e!");
    key(&mut s, KeyCode::Enter);
    assert!(message(&s).contains("discarded"), "{}", message(&s));
    let doc = s.app.doc();
    assert_eq!(doc.len(), now);
    assert!(!doc.faulted(), "the reload clears the fault");
    assert!(!doc.is_dirty());
    assert_eq!(doc.disk_change(), None);
    assert!(s.app.cursor() < now);
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), now - 1);
    assert_eq!(
        s.app.doc().read(0..now).as_ref(),
        &fs::read(&path).unwrap()[..],
        "the view is the file again"
    );
    // And saving in place works again.
    s.app.doc_mut().write(0, b"Z").unwrap();
    s.app.doc_mut().save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap()[0], b'Z');
    s.shutdown();
}

/// Status bar and message rows of a 24-row terminal.
const STATUS: usize = 22;
const MESSAGE: usize = 23;

#[test]
fn pty_truncate_and_regrow_200_times_while_the_app_scrolls_and_searches() {
    const LEN: u64 = 1 << 20;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    fs::write(&path, contents(1 << 20)).unwrap();
    let mut t = Tui::spawn_with(["big.bin"], &Options::default().cwd(dir.path()));
    t.wait_for_screen("the first frame", |s| {
        s.hide_cursor()
            && s.rows(0, 80)
                .nth(STATUS)
                .is_some_and(|r| r.contains(&format!("{LEN} bytes")))
    });

    let stop = Arc::new(AtomicBool::new(false));
    let cycles = Arc::new(AtomicUsize::new(0));
    let changer = {
        let (stop, cycles) = (Arc::clone(&stop), Arc::clone(&cycles));
        let path = path.clone();
        std::thread::spawn(move || {
            let f = OpenOptions::new().write(true).open(&path).unwrap();
            let mut rng = Rng(0xbad_5eed_0000_0001);
            for _ in 0..200 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                f.set_len(rng.below(LEN)).unwrap();
                std::thread::sleep(Duration::from_millis(12));
                f.set_len(LEN).unwrap();
                std::thread::sleep(Duration::from_millis(3));
                cycles.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let script: [&str; 6] = ["G", "g", keys::PAGE_DOWN, "/needle\r", "n", keys::PAGE_DOWN];
    let mut shrank_seen = false;
    let mut i = 0;
    while cycles.load(Ordering::Relaxed) < 200 && !changer.is_finished() {
        t.send(script[i % script.len()]);
        i += 1;
        std::thread::sleep(Duration::from_millis(15));
        t.pump();
        shrank_seen |= t.row(MESSAGE as u16).contains("shrank on disk");
        assert!(
            t.try_status().is_none(),
            "{}",
            t.report(&format!("maphex died after {i} keys"))
        );
    }
    stop.store(true, Ordering::Relaxed);
    changer.join().unwrap();
    assert_eq!(cycles.load(Ordering::Relaxed), 200);

    // Leave it shrunk: the app says so within its next disk check (once a second).
    File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1000)
        .unwrap();
    if !shrank_seen {
        t.wait_for_screen("the 'shrank on disk' message", |s| {
            s.rows(0, 80)
                .nth(MESSAGE)
                .is_some_and(|r| r.contains("shrank on disk"))
        });
    }
    // Still answers keys. A search typed in the storm may still land its first match and
    // move the cursor after this `G`, so press it again until it sticks.
    let at_last = format!(" {:#x} ", LEN - 1);
    let mut moved = false;
    for _ in 0..5 {
        t.send("G");
        moved = t.poll_screen(Duration::from_secs(2), |s| {
            s.rows(0, 80)
                .nth(STATUS)
                .is_some_and(|r| r.contains(&at_last))
        });
        if moved {
            break;
        }
    }
    assert!(
        moved,
        "{}",
        t.report("G never reached the (stale) last byte")
    );
    t.send("q");
    // Unsaved edits would make it ask; there are none, but answer if it does.
    let deadline = Instant::now() + Duration::from_secs(2);
    while t.try_status().is_none() && Instant::now() < deadline {
        t.pump();
        if t.row(MESSAGE as u16).contains("unsaved") {
            t.send("d");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let st = t.wait_exit();
    assert!(st.success(), "{}", t.report(&format!("exit {st:?}")));
    assert!(
        !t.alternate_screen(),
        "{}",
        t.report("alternate screen left on")
    );
    assert!(!t.cursor_hidden(), "{}", t.report("cursor left hidden"));
    assert_eq!(fs::metadata(Path::new(&path)).unwrap().len(), 1000);
}
