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
    cmd(&mut s, "%s/cons(ec)tetuer/<$1>/g");
    let re = regex::bytes::Regex::new("cons(ec)tetuer").unwrap();
    let want = re.replace_all(&before, &b"<$1>"[..]).into_owned();
    assert_eq!(bytes(&s), want);
    assert!(message(&s).starts_with("replaced "), "{}", message(&s));
    assert!(message(&s).contains("bytes shorter"), "{}", message(&s));
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
