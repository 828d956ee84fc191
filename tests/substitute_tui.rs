//! `:s` and `:%s` in the TUI, headless: the bytes after, against `regex::bytes` over the
//! whole file; one undo step; the separator, flags and errors.

#![allow(clippy::unwrap_used)]

mod support;

use maphex::core::document::Mode;
use maphex::core::source::ByteSource;
use maphex::tui::app::Severity;
use maphex::tui::input::KeyCode;
use support::{cmd, key, lorem_session, message, severity, typ};

fn bytes(s: &maphex::tui::runtime::Session) -> Vec<u8> {
    let d = s.app.doc();
    d.read(0..d.len()).into_owned()
}

#[test]
fn percent_s_with_g_replaces_every_match_as_regex_does_and_undoes_in_one_step() {
    let (_dir, mut s) = lorem_session(Mode::CopyOnWrite);
    let before = bytes(&s);
    cmd(&mut s, "end");
    cmd(&mut s, "%s/cons(ec)tetuer/<$1>/g");
    let re = regex::bytes::Regex::new("cons(ec)tetuer").unwrap();
    let want = re.replace_all(&before, &b"<$1>"[..]).into_owned();
    assert_eq!(bytes(&s), want);
    assert!(message(&s).starts_with("replaced "), "{}", message(&s));
    assert!(message(&s).contains("bytes shorter"), "{}", message(&s));
    let first = re.find(&before).unwrap().start() as u64;
    assert_eq!(
        s.app.cursor(),
        first,
        "on the first replacement, shifted once"
    );
    typ(&mut s, "u");
    assert_eq!(bytes(&s), before, "one undo step");
}

#[test]
fn s_without_g_replaces_the_first_match_after_the_cursor() {
    let (_dir, mut s) = lorem_session(Mode::CopyOnWrite);
    let before = bytes(&s);
    cmd(&mut s, "100");
    cmd(&mut s, "s#elit#ELIT#");
    let at = before[100..].windows(4).position(|w| w == b"elit").unwrap() + 100;
    let mut want = before.clone();
    want[at..at + 4].copy_from_slice(b"ELIT");
    assert_eq!(bytes(&s), want);
    assert_eq!(
        s.app.cursor(),
        at as u64,
        "the cursor goes to the replacement"
    );
}

#[test]
fn ignore_case_and_a_selection_bound_the_replacement() {
    let (_dir, mut s) = lorem_session(Mode::CopyOnWrite);
    let before = bytes(&s);
    // Select the first 40 bytes with v and motion keys, then :s with i and g.
    typ(&mut s, "v");
    for _ in 0..39 {
        key(&mut s, KeyCode::Right);
    }
    cmd(&mut s, "s/LOREM/x/gi");
    let sel_end = 40.min(before.len());
    let re = regex::bytes::Regex::new("(?i)lorem").unwrap();
    let mut want = re.replace_all(&before[..sel_end], &b"x"[..]).into_owned();
    want.extend_from_slice(&before[sel_end..]);
    assert_eq!(bytes(&s), want, "{}", message(&s));
}

#[test]
fn errors_say_what_is_wrong_and_change_nothing() {
    let (_dir, mut s) = lorem_session(Mode::CopyOnWrite);
    let before = bytes(&s);
    for (line, says) in [
        ("%s/(/x/", "invalid pattern"),
        ("%s/a/$9/", "invalid replacement"),
        ("%s/zzzzqq/x/", "no match"),
        ("%s/a/b/q", "unknown :s flag"),
        ("%s/a", "no replacement"),
    ] {
        cmd(&mut s, line);
        assert!(message(&s).contains(says), "{line}: {}", message(&s));
        assert_eq!(severity(&s), Some(Severity::Error), "{line}");
        assert_eq!(bytes(&s), before, "{line}");
    }
}

#[test]
fn write_through_allows_only_same_length_replacements() {
    let (_dir, mut s) = lorem_session(Mode::WriteThrough);
    let before = bytes(&s);
    cmd(&mut s, "%s/dolor/x/g");
    assert!(
        message(&s).contains("cannot insert or delete"),
        "{}",
        message(&s)
    );
    assert_eq!(bytes(&s), before);
    cmd(&mut s, "%s/dolor/DOLOR/g");
    let want = regex::bytes::Regex::new("dolor")
        .unwrap()
        .replace_all(&before, &b"DOLOR"[..])
        .into_owned();
    assert_eq!(bytes(&s), want);
    let on_disk = std::fs::read(s.app.doc().path()).unwrap();
    assert_eq!(on_disk, want, "write-through: in the file at once");
}

#[test]
fn c_asks_about_each_match_and_applies_the_answers_in_one_step() {
    let (_dir, mut s) = lorem_session(Mode::CopyOnWrite);
    let before = bytes(&s);
    let re = regex::bytes::Regex::new("elit").unwrap();
    let all: Vec<_> = re.find_iter(&before).map(|m| m.range()).collect();
    assert!(all.len() >= 3, "lorem has several");
    cmd(&mut s, "%s/elit/E/gc");
    assert!(
        message(&s).contains(&format!("1 of {}", all.len())),
        "{}",
        message(&s)
    );
    let first = all[0].start as u64..all[0].end as u64;
    assert_eq!(s.app.selection(), Some(first), "the match is selected");
    typ(&mut s, "n");
    assert!(message(&s).contains("2 of"), "{}", message(&s));
    typ(&mut s, "y");
    typ(&mut s, "x"); // not an answer: asks again, changes nothing
    assert!(message(&s).contains("3 of"), "{}", message(&s));
    typ(&mut s, "q");
    let mut want = before.clone();
    want.splice(all[1].clone(), b"E".iter().copied());
    assert_eq!(bytes(&s), want, "only the second was replaced");
    assert!(message(&s).contains("replaced 1 match"), "{}", message(&s));
    typ(&mut s, "u");
    assert_eq!(bytes(&s), before);
    // `a` takes this one and all the rest.
    cmd(&mut s, "%s/elit/E/gc");
    typ(&mut s, "n");
    typ(&mut s, "a");
    let mut want = before.clone();
    for r in all[1..].iter().rev() {
        want.splice(r.clone(), b"E".iter().copied());
    }
    assert_eq!(bytes(&s), want);
}

/// A file past the background threshold: the search runs on a thread with progress, the
/// result is one undo step; Esc cancels a run, and an edit made meanwhile wins.
#[test]
fn big_files_are_substituted_in_the_background() {
    use maphex::tui::runtime::Session;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let f = std::fs::File::create(&path).unwrap();
    let n = maphex::tui::substitute::BACKGROUND_FROM + 4096;
    f.set_len(n).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, b"needle", 100).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, b"needle", n - 10).unwrap();
    drop(f);
    let mut s = Session::new(support::open(&path, Mode::CopyOnWrite), (80, 24));
    cmd(&mut s, "%s/needle/pin/g");
    assert!(s.app.substituting(), "runs in the background");
    assert!(s.wait_substitute(Duration::from_secs(60)), "finishes");
    assert!(
        message(&s).contains("replaced 2 matches"),
        "{}",
        message(&s)
    );
    assert_eq!(s.app.doc().len(), n - 6);
    assert_eq!(&*s.app.doc().read(100..103), b"pin");
    assert_eq!(&*s.app.doc().read(n - 13..n - 10), b"pin");
    typ(&mut s, "u");
    assert_eq!(s.app.doc().len(), n);
    // Esc cancels.
    cmd(&mut s, "%s/needle/pin/g");
    key(&mut s, KeyCode::Esc);
    assert!(!s.app.substituting());
    assert!(message(&s).contains("cancelled"), "{}", message(&s));
    assert_eq!(s.app.doc().len(), n);
}
