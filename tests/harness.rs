//! The headless harness: a bug report as "these messages on these bytes", with the screens.

#![allow(clippy::unwrap_used)]

use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::core::source::ByteSource;
use maphex::tui::harness::{replay, text};
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::msg::Msg;

fn keys(s: &str) -> Vec<Msg> {
    s.chars()
        .map(|c| Msg::Input(Input::Key(Key::ch(c))))
        .collect()
}

fn key(code: KeyCode) -> Msg {
    Msg::Input(Input::Key(Key::plain(code)))
}

#[test]
fn an_edit_then_a_search_replayed_gives_the_same_screens_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.bin");
    std::fs::write(&path, b"abcabc\n").unwrap();
    let run = || {
        let doc = Document::open(
            &path,
            OpenConfig {
                mode: Mode::CopyOnWrite,
                ..OpenConfig::default()
            },
        )
        .unwrap();
        let mut msgs = keys("i41");
        msgs.push(key(KeyCode::Esc));
        msgs.extend(keys("/"));
        msgs.extend(keys("bc"));
        msgs.push(key(KeyCode::Enter));
        msgs.push(Msg::Input(Input::Resize(60, 12)));
        let (screens, s) = replay(doc, (80, 24), msgs);
        (screens.iter().map(text).collect::<Vec<_>>(), s)
    };
    let (first, s) = run();
    assert_eq!(s.app.doc().read(0..3).as_ref(), b"Abc");
    // The session holds the file's lock: let it go before the second run opens the file.
    drop(s);
    let (second, _) = run();
    assert_eq!(
        first, second,
        "the same messages on the same bytes draw the same screens"
    );
    assert_eq!(first.len(), 9);
    // After `i41 Esc`: the byte changed, unsaved.
    assert!(first[3].contains("00000000  41 62 63"), "{}", first[3]);
    assert!(first[3].contains("[+]"), "{}", first[3]);
    // After the search: two matches, the cursor on the first after it.
    assert!(first[7].contains("match 1/2"), "{}", first[7]);
    // The resize redrew at 60×12.
    assert_eq!(first[8].lines().count(), 12);
    assert_eq!(std::fs::read(&path).unwrap(), b"abcabc\n", "nothing saved");
}
