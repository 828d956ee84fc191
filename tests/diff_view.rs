//! The compare view, driven headless through `Session` (the real comparison worker and
//! effects): `]c` / `[c`, the status line, `do` / `dp` and undo, re-comparing after an edit,
//! `:set diff-align off`, `:diff N`, closing a buffer, and a snapshot of the side-by-side
//! screen.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{cmd, key, message, open, typ};

use std::path::PathBuf;
use std::time::Duration;

use maphex::core::document::Mode;
use maphex::core::source::ByteSource as _;
use maphex::tui::harness;
use maphex::tui::input::KeyCode;
use maphex::tui::runtime::Session;

const WAIT: Duration = Duration::from_secs(20);

/// A 256-byte base.
fn base() -> Vec<u8> {
    (0..=255u8).collect()
}

/// `base` with bytes 0x10..0x12 overwritten and 4 bytes inserted at 0x80.
fn changed() -> Vec<u8> {
    let mut b = base();
    b[0x10] = 0xee;
    b[0x11] = 0xef;
    b.splice(0x80..0x80, [0xaa; 4]);
    b
}

fn files(contents: &[&[u8]]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = contents
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = dir.path().join(format!("{}.bin", ["a", "b", "c"][i]));
            std::fs::write(&p, c).unwrap();
            p
        })
        .collect();
    (dir, paths)
}

/// A session on the files, in the compare view of the first two (`:diff 2`), compared.
fn compared(paths: &[PathBuf], size: (u16, u16)) -> Session {
    let docs = paths.iter().map(|p| open(p, Mode::CopyOnWrite)).collect();
    let mut s = Session::with_docs(docs, size);
    cmd(&mut s, "diff 2");
    assert!(s.wait_compare(WAIT));
    s
}

fn status(s: &Session) -> String {
    s.app.diff_status().unwrap_or_default()
}

fn total(s: &Session) -> u64 {
    s.app.diff.view.as_ref().unwrap().index.total()
}

#[test]
fn next_and_previous_difference_visit_each_one_and_come_back() {
    let (_d, p) = files(&[&base(), &changed()]);
    let mut s = compared(&p, (80, 24));
    assert_eq!(total(&s), 2);
    assert!(status(&s).contains("2 differences"), "{}", status(&s));
    typ(&mut s, "]c");
    assert_eq!(s.app.cursor(), 0x10);
    assert!(status(&s).contains("difference 1 of 2"), "{}", status(&s));
    assert!(status(&s).contains("A 0x10"), "{}", status(&s));
    assert!(status(&s).contains("B 0x10"), "{}", status(&s));
    typ(&mut s, "]c");
    assert_eq!(s.app.cursor(), 0x80);
    assert!(status(&s).contains("difference 2 of 2"), "{}", status(&s));
    typ(&mut s, "]c");
    assert_eq!(s.app.cursor(), 0x80);
    assert!(
        message(&s).contains("no difference after"),
        "{}",
        message(&s)
    );
    typ(&mut s, "[c");
    assert_eq!(s.app.cursor(), 0x10);
    typ(&mut s, "[c");
    assert_eq!(s.app.cursor(), 0x10);
    // Past the insertion on A, B is 4 ahead; Tab goes there.
    cmd(&mut s, "0x90");
    assert!(status(&s).contains("A 0x90  ·  B 0x94"), "{}", status(&s));
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.app.cursor(), 0x94);
    assert_eq!(s.app.view().id(), s.app.diff.view.as_ref().unwrap().b);
    typ(&mut s, "[c");
    assert_eq!(s.app.cursor(), 0x80);
    assert!(status(&s).contains("difference 2 of 2"), "{}", status(&s));
}

#[test]
fn obtain_and_put_make_both_sides_equal_and_undo_restores() {
    let (_d, p) = files(&[&base(), &changed()]);
    let mut s = compared(&p, (80, 24));
    // dp at the insertion (cursor on A, the gap): A gets B's 4 bytes.
    typ(&mut s, "]c]c");
    typ(&mut s, "do");
    let doc_a = s.app.views()[0].doc();
    assert_eq!(doc_a.len(), 260);
    assert_eq!(&*doc_a.read(0x80..0x84), &[0xaa; 4]);
    assert_eq!(total(&s), 1, "re-compared at once: {}", status(&s));
    // dp at the overwrite: B gets A's bytes.
    typ(&mut s, "[c");
    typ(&mut s, "dp");
    let doc_b = s.app.views()[1].doc();
    assert_eq!(&*doc_b.read(0x10..0x12), &[0x10, 0x11]);
    assert_eq!(total(&s), 0);
    assert!(status(&s).contains("no differences"), "{}", status(&s));
    let bytes = |s: &Session, i: usize| {
        let d = s.app.views()[i].doc();
        d.read(0..d.len()).into_owned()
    };
    assert_eq!(bytes(&s, 0), bytes(&s, 1));
    // Undo on B (one step) brings its difference back.
    key(&mut s, KeyCode::Tab);
    typ(&mut s, "u");
    assert_eq!(bytes(&s, 1), changed());
    assert_eq!(total(&s), 1);
    key(&mut s, KeyCode::Tab);
    typ(&mut s, "u");
    assert_eq!(bytes(&s, 0), base());
    assert_eq!(total(&s), 2);
}

#[test]
fn an_edit_compares_again() {
    let (_d, p) = files(&[&base(), &base()]);
    let mut s = compared(&p, (80, 24));
    assert_eq!(total(&s), 0);
    typ(&mut s, "i");
    typ(&mut s, "ff");
    key(&mut s, KeyCode::Esc);
    assert_eq!(total(&s), 1, "{}", status(&s));
    cmd(&mut s, "0x40");
    typ(&mut s, "x");
    assert_eq!(total(&s), 2, "{}", status(&s));
}

#[test]
fn equal_offsets_make_an_insertion_many_differences() {
    let mut b = base();
    b.insert(8, 0x42);
    let (_d, p) = files(&[&base(), &b]);
    let mut s = compared(&p, (80, 24));
    assert_eq!(total(&s), 1);
    cmd(&mut s, "set diff-align off");
    assert!(s.wait_compare(WAIT));
    assert!(total(&s) > 1, "{}", status(&s));
    assert!(status(&s).contains("equal offsets"), "{}", status(&s));
    cmd(&mut s, "set diff-align on");
    assert!(s.wait_compare(WAIT));
    assert_eq!(total(&s), 1);
}

#[test]
fn diff_n_diff_path_and_closing_a_buffer_leave_the_view() {
    let (_d, p) = files(&[&base(), &changed(), &base()]);
    let docs = p.iter().map(|p| open(p, Mode::CopyOnWrite)).collect();
    let mut s = Session::with_docs(docs, (80, 24));
    cmd(&mut s, "diff 1");
    assert!(s.app.diff.view.is_none());
    cmd(&mut s, "diff 3");
    assert!(s.wait_compare(WAIT));
    assert_eq!(total(&s), 0);
    cmd(&mut s, "diff");
    assert!(s.app.diff.view.is_none(), "{}", message(&s));
    cmd(&mut s, "diff 2");
    assert!(s.wait_compare(WAIT));
    assert_eq!(total(&s), 2);
    cmd(&mut s, "bd 2");
    assert!(s.app.diff.view.is_none());
    assert!(s.app.diff_status().is_none());
    // :diff PATH opens the file as a buffer and compares with it.
    cmd(&mut s, &format!("diff {}", p[1].display()));
    assert!(s.wait_compare(WAIT));
    assert_eq!(total(&s), 2);
    cmd(&mut s, "diffoff");
    assert!(s.app.diff.view.is_none());
}

#[test]
fn write_through_refuses_a_length_change_in_the_cores_words() {
    let (_d, p) = files(&[&base(), &changed()]);
    let docs = p.iter().map(|p| open(p, Mode::WriteThrough)).collect();
    let mut s = Session::with_docs(docs, (80, 24));
    cmd(&mut s, "diff 2");
    assert!(s.wait_compare(WAIT));
    typ(&mut s, "]c]cdo");
    assert_eq!(s.app.views()[0].doc().len(), 256);
    assert!(!message(&s).is_empty());
    // The same-length one is allowed.
    typ(&mut s, "[cdo");
    assert_eq!(&*s.app.views()[0].doc().read(0x10..0x12), &[0xee, 0xef]);
}

#[test]
fn side_by_side_screen() {
    // An overwrite at 3 and "INS" inserted at 0x40, with equal runs between.
    let a: Vec<u8> = base()[..128].to_vec();
    let mut b = a.clone();
    b[3] = 0x99;
    b.splice(0x40..0x40, *b"INS");
    let docs = vec![
        maphex::core::document::Document::from_bytes("a.bin", a),
        maphex::core::document::Document::from_bytes("b.bin", b),
    ];
    let mut s = Session::with_docs(docs, (160, 12));
    cmd(&mut s, "diff 2");
    assert!(s.wait_compare(WAIT));
    assert_eq!(total(&s), 2);
    typ(&mut s, "]c");
    let buf = harness::screen(&s);
    insta::assert_snapshot!(harness::text(&buf));
    // The overwritten byte is highlighted on both sides (x of byte 3 in each hex pane); the
    // inserted bytes on B, and the gap marker on A, in another style.
    let at = |x: u16, y: u16| buf[(x, y)].style();
    let (left, right) = (at(10 + 9, 0), at(80 + 10 + 9, 0));
    assert!(
        left.bg.is_some() && left.bg == right.bg,
        "{left:?} {right:?}"
    );
    let only = at(80 + 10, 4);
    assert!(only.bg.is_some() && only.bg != left.bg, "{only:?}");
    let gap = at(10, 4);
    assert!(
        gap.add_modifier
            .contains(ratatui::style::Modifier::UNDERLINED),
        "{gap:?}"
    );
}

#[test]
fn narrow_terminals_stack_the_sides() {
    let (_d, p) = files(&[&base(), &changed()]);
    let s = compared(&p, (80, 24));
    let g = s.app.diff_geometry().unwrap();
    assert!(!g.side_by_side);
    let screen = harness::text(&harness::screen(&s));
    assert!(
        screen.contains("a.bin") && screen.contains("b.bin"),
        "{screen}"
    );
}
