//! Several files at once, driven headless through `Session` (the real workers and effects):
//! switching, listing, opening, closing (and its question), quitting with unsaved edits in
//! any buffer, the shared register, per-buffer state, and worker reports that land in the
//! buffer that started them.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{cmd, key, message, open, severity, typ};

use std::path::{Path, PathBuf};
use std::time::Duration;

use maphex::core::document::Mode;
use maphex::core::source::ByteSource as _;
use maphex::tui::app::{InputMode, Severity};
use maphex::tui::harness;
use maphex::tui::input::KeyCode;
use maphex::tui::runtime::Session;

const WAIT: Duration = Duration::from_secs(20);

/// Files `a.bin`, `b.bin`, `c.bin`… with the given contents in a fresh folder.
fn files(contents: &[&[u8]]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = contents
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = dir.path().join(format!(
                "{}.bin",
                char::from(b'a' + u8::try_from(i).unwrap())
            ));
            std::fs::write(&p, c).unwrap();
            p
        })
        .collect();
    (dir, paths)
}

fn session(paths: &[PathBuf]) -> Session {
    let docs = paths.iter().map(|p| open(p, Mode::CopyOnWrite)).collect();
    Session::with_docs(docs, (80, 24))
}

fn screen(s: &Session) -> String {
    harness::text(&harness::screen(s))
}

fn status(s: &Session) -> String {
    screen(s).lines().nth(22).unwrap_or_default().to_string()
}

/// Overwrites the byte at the cursor with `hex` (two digits) in edit mode.
fn overwrite(s: &mut Session, hex: &str) {
    typ(s, "i");
    typ(s, hex);
    key(s, KeyCode::Esc);
}

fn name(s: &Session) -> PathBuf {
    s.app.doc().path().to_path_buf()
}

#[test]
fn bn_bp_and_b_switch_and_wrap() {
    let (_d, p) = files(&[b"aaaa", b"bbbb", b"cccc"]);
    let mut s = session(&p);
    assert_eq!(s.app.views().len(), 3);
    assert_eq!(name(&s), p[0]);
    assert!(status(&s).contains("[1/3]"), "{}", status(&s));
    cmd(&mut s, "bn");
    assert_eq!(name(&s), p[1]);
    assert!(status(&s).contains("[2/3]"), "{}", status(&s));
    assert!(message(&s).starts_with("buffer 2/3: "), "{}", message(&s));
    cmd(&mut s, "bn");
    cmd(&mut s, "bn");
    assert_eq!(name(&s), p[0], ":bn wraps to the first");
    cmd(&mut s, "bp");
    assert_eq!(name(&s), p[2], ":bp wraps to the last");
    cmd(&mut s, "b 2");
    assert_eq!(name(&s), p[1]);
    cmd(&mut s, "b1");
    assert_eq!(name(&s), p[0], ":b1 is :b 1");
    cmd(&mut s, "b2");
    cmd(&mut s, "b c.bin");
    assert_eq!(name(&s), p[2], ":b NAME");
    cmd(&mut s, "b .bin");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(
        message(&s).contains("names several buffers"),
        "{}",
        message(&s)
    );
    s.shutdown();
}

#[test]
fn b_out_of_range_is_refused() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p);
    for arg in ["9", "0"] {
        cmd(&mut s, &format!("b {arg}"));
        assert_eq!(severity(&s), Some(Severity::Error));
        assert_eq!(
            message(&s),
            format!("no buffer {arg}: there are 2 (:ls lists them)")
        );
        assert_eq!(name(&s), p[0]);
    }
    cmd(&mut s, "b");
    assert!(message(&s).contains(":b N"), "{}", message(&s));
    s.shutdown();
}

#[test]
fn one_buffer_shows_no_count() {
    let (_d, p) = files(&[b"aaaa"]);
    let mut s = session(&p);
    assert!(!status(&s).contains("[1/1]"), "{}", status(&s));
    cmd(&mut s, "bn");
    assert!(message(&s).contains("only one buffer"), "{}", message(&s));
    s.shutdown();
}

#[test]
fn ls_lists_number_name_mode_and_unsaved_mark() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p);
    cmd(&mut s, "bn");
    overwrite(&mut s, "ff");
    cmd(&mut s, "ls");
    let text = screen(&s);
    assert!(text.contains("buffers"), "{text}");
    let row = |n: &str| {
        text.lines()
            .find(|l| l.contains(&format!("{n}.bin")))
            .unwrap_or_default()
            .to_string()
    };
    let (a, b) = (row("a"), row("b"));
    assert!(
        a.contains("1  ") && !a.contains('%') && !a.contains("[+]"),
        "{a}"
    );
    assert!(b.contains("2 %") && b.contains("[+]"), "{b}");
    assert!(a.contains("COW") && a.contains("4 bytes"), "{a}");
    // Any key closes it.
    typ(&mut s, "x");
    assert!(!screen(&s).contains(" buffers · "), "{}", screen(&s));
    s.shutdown();
}

#[test]
fn e_opens_another_and_the_same_file_twice_switches() {
    let (d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p[..1]);
    cmd(&mut s, &format!("e {}", p[1].display()));
    assert_eq!(s.app.views().len(), 2);
    assert_eq!(name(&s), p[1]);
    assert!(status(&s).contains("[2/2]"));
    // The same file again, by its path and through a symlink: no second buffer.
    cmd(&mut s, &format!("e {}", p[0].display()));
    assert_eq!(s.app.views().len(), 2);
    assert_eq!(name(&s), p[0]);
    assert!(
        message(&s).contains("open already as buffer 1"),
        "{}",
        message(&s)
    );
    let link = d.path().join("link.bin");
    std::os::unix::fs::symlink(&p[1], &link).unwrap();
    cmd(&mut s, &format!("e {}", link.display()));
    assert_eq!(s.app.views().len(), 2);
    assert_eq!(name(&s), p[1]);
    // A path that does not open says so and changes nothing.
    cmd(&mut s, &format!("e {}", d.path().join("nope").display()));
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(message(&s).contains("no such file"), "{}", message(&s));
    assert_eq!(s.app.views().len(), 2);
    cmd(&mut s, "e");
    assert!(message(&s).contains(":e PATH"), "{}", message(&s));
    s.shutdown();
}

#[test]
fn e_opens_in_the_session_mode() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = Session::new(open(&p[0], Mode::ReadOnly), (80, 24));
    cmd(&mut s, &format!("e {}", p[1].display()));
    assert_eq!(s.app.doc().mode(), Mode::ReadOnly);
    s.shutdown();
}

#[test]
fn e_and_w_complete_paths_with_tab() {
    let (d, _p) = files(&[b"aaaa"]);
    std::fs::write(d.path().join("other.dat"), b"x").unwrap();
    let mut s = Session::new(open(&d.path().join("a.bin"), Mode::CopyOnWrite), (80, 24));
    for c in ["e", "w"] {
        typ(&mut s, &format!(":{c} {}/ot", d.path().display()));
        key(&mut s, KeyCode::Tab);
        let InputMode::Prompt(p) = &s.app.mode else {
            panic!("not in the prompt")
        };
        assert_eq!(p.text(), format!("{c} {}/other.dat", d.path().display()));
        key(&mut s, KeyCode::Esc);
    }
    s.shutdown();
}

#[test]
fn each_buffer_keeps_its_cursor_marks_selection_and_history() {
    let (_d, p) = files(&[&[0u8; 64], &[1u8; 64]]);
    let mut s = session(&p);
    cmd(&mut s, "0x10");
    typ(&mut s, "ma");
    overwrite(&mut s, "aa");
    cmd(&mut s, "bn");
    assert_eq!(s.app.cursor(), 0);
    cmd(&mut s, "0x20");
    typ(&mut s, "v");
    typ(&mut s, "l");
    overwrite(&mut s, "bb");
    cmd(&mut s, "bp");
    assert_eq!(s.app.cursor(), 0x11, "after the typed byte");
    assert_eq!(s.app.view().marks.get(&'a'), Some(&0x10));
    assert_eq!(s.app.view().anchor, None);
    // Undo here undoes this buffer's edit only.
    typ(&mut s, "u");
    assert!(!s.app.doc().is_dirty());
    cmd(&mut s, "bn");
    assert!(s.app.doc().is_dirty());
    assert_eq!(s.app.view().marks.get(&'a'), None);
    assert!(s.app.view().anchor.is_some(), "the selection stays");
    s.shutdown();
}

#[test]
fn copy_in_one_paste_in_another() {
    let (_d, p) = files(&[b"ABCDEFGH", b"........"]);
    let mut s = session(&p);
    typ(&mut s, "vlly");
    assert_eq!(s.app.register, b"ABC");
    cmd(&mut s, "bn");
    typ(&mut s, "l");
    typ(&mut s, "p");
    cmd(&mut s, "w");
    assert_eq!(std::fs::read(&p[1]).unwrap(), b".ABC....");
    assert_eq!(std::fs::read(&p[0]).unwrap(), b"ABCDEFGH");
    s.shutdown();
}

#[test]
fn bd_closes_and_asks_about_unsaved_edits() {
    let (_d, p) = files(&[b"aaaa", b"bbbb", b"cccc"]);
    let mut s = session(&p);
    cmd(&mut s, "bn");
    overwrite(&mut s, "ff");
    cmd(&mut s, "bd");
    assert!(matches!(s.app.mode, InputMode::ConfirmClose(_)));
    assert!(message(&s).contains("buffer 2 (") && message(&s).contains("(s)ave and close"));
    typ(&mut s, "c");
    assert_eq!(message(&s), "close cancelled");
    assert_eq!(s.app.views().len(), 3);
    // Discard: closed, nothing written; focus goes to the next buffer.
    cmd(&mut s, "bd");
    typ(&mut s, "d");
    assert_eq!(s.app.views().len(), 2);
    assert_eq!(name(&s), p[2]);
    assert!(message(&s).starts_with("closed "), "{}", message(&s));
    assert_eq!(std::fs::read(&p[1]).unwrap(), b"bbbb");
    // Save: written, then closed.
    overwrite(&mut s, "ee");
    cmd(&mut s, "bd");
    typ(&mut s, "s");
    assert_eq!(s.app.views().len(), 1);
    assert_eq!(std::fs::read(&p[2]).unwrap(), b"\xeeccc");
    // The last buffer is not closed.
    cmd(&mut s, "bd");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(message(&s).contains("only buffer"), "{}", message(&s));
    assert_eq!(s.app.views().len(), 1);
    s.shutdown();
}

#[test]
fn bd_bang_and_bd_n_close_without_asking_and_keep_writes_a_recovery_file() {
    let (_d, p) = files(&[b"aaaa", b"bbbb", b"cccc"]);
    let mut s = session(&p);
    cmd(&mut s, "b 3");
    overwrite(&mut s, "ff");
    cmd(&mut s, "b 1");
    cmd(&mut s, "bd! 3");
    assert_eq!(s.app.views().len(), 2);
    assert_eq!(name(&s), p[0], "focus stays");
    cmd(&mut s, "bd 7");
    assert!(message(&s).starts_with("no buffer 7"), "{}", message(&s));
    // Keep: the edits go to the recovery file; opening the file again offers them.
    cmd(&mut s, "bn");
    overwrite(&mut s, "99");
    cmd(&mut s, "bd");
    typ(&mut s, "k");
    assert_eq!(s.app.views().len(), 1);
    assert!(message(&s).contains("were kept in"), "{}", message(&s));
    assert_eq!(std::fs::read(&p[1]).unwrap(), b"bbbb");
    cmd(&mut s, &format!("e {}", p[1].display()));
    assert!(message(&s).contains(":recover apply"), "{}", message(&s));
    cmd(&mut s, "recover apply");
    assert_eq!(s.app.doc().read(0..1).first(), Some(&0x99));
    s.shutdown();
}

#[test]
fn qa_with_unsaved_edits_asks_and_qa_bang_quits() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p);
    cmd(&mut s, "bn");
    overwrite(&mut s, "ff");
    cmd(&mut s, "bp");
    cmd(&mut s, "qa");
    assert!(!s.quit());
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(message(&s).contains("buffer 2 ("), "{}", message(&s));
    cmd(&mut s, "q");
    assert!(!s.quit(), ":q with another buffer modified");
    assert!(message(&s).contains(":b 2 goes there"), "{}", message(&s));
    cmd(&mut s, "wq");
    assert!(!s.quit(), ":wq with another buffer modified");
    cmd(&mut s, "qa!");
    assert!(s.quit());
    assert_eq!(std::fs::read(&p[1]).unwrap(), b"bbbb");
    s.shutdown();
}

#[test]
fn q_key_asks_about_every_buffer_and_save_writes_them_all() {
    let (_d, p) = files(&[b"aaaa", b"bbbb", b"cccc"]);
    let mut s = session(&p);
    overwrite(&mut s, "11");
    cmd(&mut s, "b 3");
    overwrite(&mut s, "33");
    typ(&mut s, "q");
    assert_eq!(s.app.mode, InputMode::ConfirmQuit);
    let m = message(&s);
    assert!(m.contains("buffer 1 (") && m.contains("buffer 3 ("), "{m}");
    assert!(!m.contains("buffer 2 ("), "{m}");
    typ(&mut s, "c");
    assert!(!s.quit());
    typ(&mut s, "q");
    typ(&mut s, "s");
    assert!(s.quit());
    assert_eq!(std::fs::read(&p[0]).unwrap(), b"\x11aaa");
    assert_eq!(std::fs::read(&p[1]).unwrap(), b"bbbb");
    assert_eq!(std::fs::read(&p[2]).unwrap(), b"\x33ccc");
    s.shutdown();
}

#[test]
fn wqa_saves_every_buffer_and_quits_and_wa_stays() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p);
    overwrite(&mut s, "11");
    cmd(&mut s, "bn");
    overwrite(&mut s, "22");
    cmd(&mut s, "wa");
    assert!(!s.quit());
    assert!(message(&s).starts_with("saved 2: "), "{}", message(&s));
    assert_eq!(std::fs::read(&p[0]).unwrap(), b"\x11aaa");
    overwrite(&mut s, "33");
    cmd(&mut s, "wqa");
    assert!(s.quit());
    assert_eq!(std::fs::read(&p[1]).unwrap(), b"\x22\x33bb");
    s.shutdown();
}

#[test]
fn q_quits_all_when_nothing_is_modified_and_q_bang_goes_to_a_modified_buffer() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p);
    cmd(&mut s, "q");
    assert!(s.quit(), "nothing modified: :q quits every buffer");
    // (Closed first: it holds the files' locks.)
    drop(s);
    let mut s = session(&p);
    cmd(&mut s, "bn");
    overwrite(&mut s, "ff");
    cmd(&mut s, "bp");
    overwrite(&mut s, "ee");
    cmd(&mut s, "q!");
    assert!(!s.quit(), "buffer 2 still has edits");
    assert_eq!(s.app.views().len(), 1);
    assert_eq!(name(&s), p[1]);
    assert!(message(&s).contains(":qa!"), "{}", message(&s));
    cmd(&mut s, "q!");
    assert!(s.quit());
    assert_eq!(std::fs::read(&p[0]).unwrap(), b"aaaa");
    assert_eq!(std::fs::read(&p[1]).unwrap(), b"bbbb");
}

/// The regression this routing is for: a search started in buffer 1 reports while buffer 2
/// has focus; its matches land in buffer 1 and buffer 2 stays as it was.
#[test]
fn a_search_in_buffer_1_lands_there_after_switching_mid_search() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(96 << 20).unwrap();
    {
        use std::os::unix::fs::FileExt as _;
        f.write_all_at(b"NEEDLE", 80 << 20).unwrap();
        f.write_all_at(b"NEEDLE", 1000).unwrap();
    }
    let small = dir.path().join("small.bin");
    std::fs::write(&small, b"NEEDLE in a small file").unwrap();
    let mut s = session(&[big, small]);
    let first = s.app.views()[0].id();
    typ(&mut s, "/NEEDLE");
    key(&mut s, KeyCode::Enter);
    // Nothing has been taken from the worker yet: the search is running for buffer 1.
    assert!(s.app.views()[0].search.running);
    cmd(&mut s, "bn");
    assert!(s.wait_search_of(first, WAIT), "search did not finish");
    s.settle();
    let (one, two) = (&s.app.views()[0], &s.app.views()[1]);
    assert_eq!(one.search.total(), 2);
    assert_eq!(one.cursor(), 1000, "buffer 1 jumped to its first match");
    assert_eq!(two.search.total(), 0, "buffer 2 has no search");
    assert!(!two.search.running);
    assert_eq!(s.app.cursor(), 0, "the focused buffer did not move");
    assert_eq!(s.app.focus_index(), 1);
    assert!(
        !message(&s).contains("match"),
        "buffer 1's messages stay quiet: {}",
        message(&s)
    );
    // Buffer 2's own search is its own.
    typ(&mut s, "/NEEDLE");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(WAIT));
    assert_eq!(s.app.view().search.total(), 1);
    assert_eq!(s.app.views()[0].search.total(), 2);
    s.shutdown();
}

#[test]
fn a_search_of_a_closed_buffer_is_dropped() {
    let (_d, p) = files(&[b"NEEDLE", b"NEEDLE NEEDLE"]);
    let mut s = session(&p);
    cmd(&mut s, "bn");
    typ(&mut s, "/NEEDLE");
    key(&mut s, KeyCode::Enter);
    cmd(&mut s, "bd");
    s.settle();
    assert_eq!(s.app.views().len(), 1);
    assert_eq!(s.app.view().search.total(), 0);
    assert!(!s.searching());
    s.shutdown();
}

#[test]
fn the_line_index_is_built_per_buffer() {
    let (_d, p) = files(&[b"one\ntwo\nthree\n", b"1\n2\n3\n4\n5\n6\n"]);
    let mut s = session(&p);
    typ(&mut s, "T");
    assert!(s.wait_lines(WAIT));
    cmd(&mut s, "bn");
    assert!(
        s.wait_lines(WAIT),
        "switching in the line view builds buffer 2's index"
    );
    cmd(&mut s, "line 5");
    assert_eq!(s.app.cursor(), 8);
    cmd(&mut s, "bp");
    cmd(&mut s, "line 3");
    assert_eq!(s.app.cursor(), 8);
    assert_eq!(s.app.doc().read(8..9).first(), Some(&b't'));
    s.shutdown();
}

#[test]
fn a_change_on_disk_of_a_background_buffer_is_said_when_switching_to_it() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = session(&p);
    std::fs::write(&p[1], b"changed by another program").unwrap();
    cmd(&mut s, "bn");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(message(&s).contains(":e! reloads"), "{}", message(&s));
    s.shutdown();
}

#[test]
fn recovery_on_terminate_keeps_every_dirty_buffer() {
    let (_d, p) = files(&[b"aaaa", b"bbbb", b"cccc"]);
    let mut s = session(&p);
    overwrite(&mut s, "11");
    cmd(&mut s, "b 3");
    overwrite(&mut s, "33");
    let note = s.save_recovery().unwrap();
    assert_eq!(note.lines().count(), 2, "{note}");
    assert!(note.contains("a.bin") && note.contains("c.bin"), "{note}");
    // (Closed first: it holds the files' locks.)
    drop(s);
    for (i, want) in [(0, Some(0x11)), (1, None), (2, Some(0x33))] {
        let mut again = Session::new(open(&p[i], Mode::CopyOnWrite), (80, 24));
        if let Some(b) = want {
            assert!(message(&again).contains(":recover apply"));
            cmd(&mut again, "recover apply");
            assert_eq!(again.app.doc().read(0..1).first(), Some(&b));
        } else {
            assert!(!message(&again).contains(":recover"), "{}", message(&again));
        }
        again.shutdown();
    }
}

#[test]
fn an_earlier_sessions_edits_in_a_background_buffer_are_said_with_its_number() {
    let (_d, p) = files(&[b"aaaa", b"bbbb"]);
    let mut s = Session::new(open(&p[1], Mode::CopyOnWrite), (80, 24));
    overwrite(&mut s, "ff");
    s.save_recovery().unwrap();
    drop(s);
    let s = session(&p);
    let m = message(&s);
    assert!(
        m.starts_with("buffer 2 (") && m.contains(":b 2 then :recover apply"),
        "{m}"
    );
}

#[test]
fn a_substitution_in_progress_keeps_the_buffer() {
    let (_d, p) = files(&[b"abab", b"cdcd"]);
    let mut s = session(&p);
    cmd(&mut s, "%s/a/x/gc");
    assert!(s.app.substituting());
    // The question takes the keys; after it, switching works again.
    typ(&mut s, "q");
    assert!(!s.app.substituting());
    cmd(&mut s, "bn");
    assert_eq!(name(&s), p[1]);
    assert!(Path::new(&name(&s)).exists());
    s.shutdown();
}
