//! Offsets follow edits that move bytes, driven headless through `Session` (the real search
//! and line workers): the search's matches after inserts and deletes equal a fresh search of
//! the bytes, marks and the selection follow their bytes, and each new key and command
//! (`x`, `d`, `P`, `:insert`, `:delete`, `:truncate`, INS typing) is one undo step that
//! restores the bytes.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{cmd, key, message, typ};

use std::time::Duration;

use maphex::core::document::Mode;
use maphex::core::source::ByteSource;
use maphex::tui::app::InputMode;
use maphex::tui::input::KeyCode;
use maphex::tui::runtime::Session;

const WAIT: Duration = Duration::from_secs(20);

fn session() -> (tempfile::TempDir, Session) {
    support::lorem_session(Mode::CopyOnWrite)
}

fn bytes(s: &Session) -> Vec<u8> {
    s.app.doc().read(0..s.app.doc().len()).into_owned()
}

/// Every non-overlapping match of `needle`, as a fresh search finds them.
fn naive(hay: &[u8], needle: &[u8]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if &hay[i..i + needle.len()] == needle {
            out.push((i as u64, needle.len() as u64));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

fn stored(s: &Session) -> Vec<(u64, u64)> {
    s.app
        .view()
        .search
        .index
        .iter()
        .map(|m| (m.start, m.len))
        .collect()
}

fn search(s: &mut Session, pattern: &str) {
    typ(s, "/");
    typ(s, pattern);
    key(s, KeyCode::Enter);
    assert!(s.wait_search(WAIT), "search did not finish");
}

fn goto(s: &mut Session, off: u64) {
    cmd(s, &format!("{off:#x}"));
    assert_eq!(s.app.cursor(), off);
}

#[test]
fn matches_after_inserts_and_deletes_equal_a_fresh_search() {
    let (_d, mut s) = session();
    search(&mut s, "or");
    let before = stored(&s);
    assert!(before.len() > 5, "{before:?}");
    // Insert bytes that make a new match in the middle, delete some that held one.
    goto(&mut s, 100);
    cmd(&mut s, "insert 6f 72 6f 72");
    assert!(s.wait_search(WAIT));
    assert_eq!(stored(&s), naive(&bytes(&s), b"or"), "after :insert");
    goto(&mut s, 0);
    cmd(&mut s, "delete 40");
    assert!(s.wait_search(WAIT));
    assert_eq!(stored(&s), naive(&bytes(&s), b"or"), "after :delete");
    // Undo both: the matches are the first search's again.
    typ(&mut s, "u");
    assert!(s.wait_search(WAIT));
    typ(&mut s, "u");
    assert!(s.wait_search(WAIT));
    assert_eq!(stored(&s), before, "after undoing both");
}

#[test]
fn insert_mode_typing_shifts_matches_and_researches_on_esc() {
    let (_d, mut s) = session();
    search(&mut s, "or");
    goto(&mut s, 50);
    key(&mut s, KeyCode::Insert);
    assert!(matches!(s.app.mode, InputMode::Edit { insert: true, .. }));
    typ(&mut s, "6f72");
    // While typing, the stored matches after the cursor already moved with their bytes.
    let after_cursor: Vec<(u64, u64)> = stored(&s).into_iter().filter(|m| m.0 > 60).collect();
    let fresh: Vec<(u64, u64)> = naive(&bytes(&s), b"or")
        .into_iter()
        .filter(|m| m.0 > 60)
        .collect();
    assert_eq!(after_cursor, fresh);
    key(&mut s, KeyCode::Esc);
    assert!(s.wait_search(WAIT));
    assert_eq!(stored(&s), naive(&bytes(&s), b"or"));
}

#[test]
fn marks_and_the_selection_follow_their_bytes() {
    let (_d, mut s) = session();
    goto(&mut s, 200);
    typ(&mut s, "ma");
    let marked = bytes(&s)[200];
    goto(&mut s, 10);
    cmd(&mut s, "insert 00 * 1000");
    assert_eq!(s.app.view().marks[&'a'], 1200);
    assert_eq!(bytes(&s)[1200], marked);
    // A jump back goes to where the cursor was before the `:0xa` jump, moved too.
    goto(&mut s, 5);
    cmd(&mut s, "delete 10");
    assert_eq!(s.app.view().marks[&'a'], 1190);
    typ(&mut s, "'a");
    assert_eq!(s.app.cursor(), 1190);
    // A selection's anchor follows its byte when bytes go in before it.
    goto(&mut s, 1300);
    typ(&mut s, "v");
    typ(&mut s, "llll");
    assert_eq!(s.app.selection(), Some(1300..1305));
    s.app.doc_mut().insert(0, b"xyz").unwrap();
    s.app.follow_edits();
    assert_eq!(s.app.selection(), Some(1303..1308));
}

#[test]
fn x_d_and_p_are_one_undo_step_each() {
    let (_d, mut s) = session();
    let orig = bytes(&s);
    goto(&mut s, 6);
    typ(&mut s, "x");
    assert_eq!(message(&s), "deleted 1 byte at 0x6; u undoes");
    assert_eq!(bytes(&s).len(), orig.len() - 1);
    assert_eq!(bytes(&s)[6], orig[7]);
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
    // v, then 11 to the right: 12 bytes.
    goto(&mut s, 0);
    typ(&mut s, "vlllllllllll");
    typ(&mut s, "y");
    goto(&mut s, 0);
    typ(&mut s, "vlllllllllll");
    typ(&mut s, "d");
    assert_eq!(message(&s), "deleted 12 bytes at 0x0; u undoes");
    assert_eq!(bytes(&s), orig[12..]);
    typ(&mut s, "P");
    assert_eq!(message(&s), "inserted 12 bytes before 0x0; u undoes");
    assert_eq!(bytes(&s), orig);
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig[12..]);
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
    // Delete does what x does.
    key(&mut s, KeyCode::Delete);
    assert_eq!(bytes(&s), orig[1..]);
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
}

#[test]
fn insert_delete_truncate_commands_say_what_they_did_and_undo() {
    let (_d, mut s) = session();
    let orig = bytes(&s);
    let len = orig.len() as u64;
    goto(&mut s, 16);
    cmd(&mut s, "insert 00 * 1000");
    assert_eq!(message(&s), "inserted 1000 bytes before 0x10; u undoes");
    assert_eq!(s.app.doc().len(), len + 1000);
    assert!(bytes(&s)[16..1016].iter().all(|&b| b == 0));
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
    cmd(&mut s, "insert de ad");
    assert_eq!(&bytes(&s)[16..18], &[0xde, 0xad]);
    typ(&mut s, "u");
    cmd(&mut s, "delete 5");
    assert_eq!(message(&s), "deleted 5 bytes at 0x10; u undoes");
    assert_eq!(bytes(&s)[16..], orig[21..]);
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
    cmd(&mut s, "truncate");
    assert_eq!(
        message(&s),
        format!("truncated at 0x10: {} bytes cut; u undoes", len - 16)
    );
    assert_eq!(bytes(&s), orig[..16]);
    assert_eq!(s.app.cursor(), 15, "the cursor on the new last byte");
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
    // :delete with no count deletes the selection; with neither it says what to give.
    cmd(&mut s, "delete");
    assert!(message(&s).starts_with("give a count"), "{}", message(&s));
    typ(&mut s, "vll");
    cmd(&mut s, "delete");
    assert_eq!(s.app.doc().len(), len - 3);
    // A sized count: far past the end deletes to the end.
    cmd(&mut s, "delete 1G");
    assert_eq!(s.app.doc().len(), 16);
    assert_eq!(
        message(&s),
        format!("deleted {} bytes at 0x10; u undoes", len - 19)
    );
    cmd(&mut s, "insert zz");
    assert!(message(&s).contains("bad hex bytes"), "{}", message(&s));
}

#[test]
fn fill_of_any_size_is_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    // 64 MiB, sparse: more than the 16 MiB the fill used to be capped at.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let mut s = Session::new(support::open(&path, Mode::CopyOnWrite), (80, 24));
    typ(&mut s, "v");
    typ(&mut s, "G");
    cmd(&mut s, "fill ab cd");
    assert_eq!(message(&s), format!("filled {} bytes; u undoes", 64 << 20));
    assert_eq!(s.app.doc().read(0..4).as_ref(), &[0xab, 0xcd, 0xab, 0xcd]);
    typ(&mut s, "u");
    assert_eq!(s.app.doc().read(0..4).as_ref(), &[0, 0, 0, 0]);
}

#[test]
fn insert_mode_hex_typing_backspace_and_delete() {
    let (_d, mut s) = session();
    let orig = bytes(&s);
    goto(&mut s, 4);
    key(&mut s, KeyCode::Insert);
    typ(&mut s, "4");
    // The first digit inserted the byte (high nibble); the cursor stays on it.
    assert_eq!(s.app.doc().len(), orig.len() as u64 + 1);
    assert_eq!(bytes(&s)[4], 0x40);
    assert_eq!(s.app.cursor(), 4);
    typ(&mut s, "1");
    assert_eq!(bytes(&s)[4], 0x41);
    assert_eq!(s.app.cursor(), 5);
    typ(&mut s, "4");
    // Backspace after a first digit takes the half-typed byte back out.
    key(&mut s, KeyCode::Backspace);
    assert_eq!(s.app.doc().len(), orig.len() as u64 + 1);
    // Backspace deletes the byte before the cursor; Delete the one at it.
    key(&mut s, KeyCode::Backspace);
    assert_eq!(bytes(&s), orig);
    key(&mut s, KeyCode::Delete);
    assert_eq!(bytes(&s)[4..], orig[5..]);
    // Insert switches to OVR: typing overwrites.
    key(&mut s, KeyCode::Insert);
    assert!(matches!(s.app.mode, InputMode::Edit { insert: false, .. }));
    typ(&mut s, "7a");
    assert_eq!(bytes(&s)[4], 0x7a);
    assert_eq!(s.app.doc().len(), orig.len() as u64 - 1);
    // OVR Backspace moves back without deleting.
    key(&mut s, KeyCode::Backspace);
    assert_eq!(s.app.cursor(), 4);
    assert_eq!(s.app.doc().len(), orig.len() as u64 - 1);
    key(&mut s, KeyCode::Esc);
    // The whole stay in edit mode is one undo step.
    typ(&mut s, "u");
    assert_eq!(bytes(&s), orig);
}

#[test]
fn insert_mode_text_inserts_utf8() {
    let (_d, mut s) = session();
    let orig = bytes(&s);
    goto(&mut s, 6);
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Insert);
    typ(&mut s, "é!");
    assert_eq!(&bytes(&s)[6..9], "é!".as_bytes());
    assert_eq!(bytes(&s)[9..], orig[6..]);
    assert_eq!(s.app.cursor(), 9);
}

#[test]
fn write_through_refuses_insert_mode_and_says_why() {
    let (_d, mut s) = support::lorem_session(Mode::WriteThrough);
    key(&mut s, KeyCode::Insert);
    assert!(matches!(s.app.mode, InputMode::Edit { insert: false, .. }));
    assert!(
        message(&s).contains("start maphex without -w"),
        "{}",
        message(&s)
    );
    key(&mut s, KeyCode::Insert);
    assert!(matches!(s.app.mode, InputMode::Edit { insert: false, .. }));
    assert!(
        message(&s).starts_with("cannot insert here"),
        "{}",
        message(&s)
    );
    key(&mut s, KeyCode::Esc);
    typ(&mut s, "x");
    assert!(
        message(&s).contains("start maphex without -w"),
        "{}",
        message(&s)
    );
}

#[test]
fn the_line_index_is_rebuilt_after_an_insert() {
    let (_d, mut s) = session();
    typ(&mut s, "T");
    assert!(s.wait_lines(WAIT));
    let lines = s
        .app
        .view()
        .lines
        .index
        .as_ref()
        .unwrap()
        .line_count()
        .unwrap();
    goto(&mut s, 0);
    cmd(&mut s, "insert 0a 0a 0a");
    assert!(s.wait_lines(WAIT));
    let now = s
        .app
        .view()
        .lines
        .index
        .as_ref()
        .unwrap()
        .line_count()
        .unwrap();
    assert_eq!(now, lines + 3);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// Random inserts and deletes (some making matches, some breaking them), each followed
    /// by the re-search: the stored matches always equal a fresh search of the bytes.
    #[test]
    fn matches_follow_random_edits(
        edits in proptest::collection::vec((proptest::bool::ANY, 0u64..800, 0u64..40), 1..6),
    ) {
        let (_d, mut s) = session();
        search(&mut s, "or");
        for (ins, at, n) in edits {
            let len = s.app.doc().len();
            let at = at % len;
            goto(&mut s, at);
            if ins {
                cmd(&mut s, &format!("insert 6f 72 20 * {}", n + 1));
            } else {
                cmd(&mut s, &format!("delete {}", n + 1));
            }
            proptest::prop_assert!(s.wait_search(WAIT));
            proptest::prop_assert_eq!(stored(&s), naive(&bytes(&s), b"or"));
        }
    }
}

/// After an edit the line index is cut back to the checkpoint before the edit, not thrown
/// away: right after an edit near the end of a file of many lines, the index already covers
/// almost all of it (the build carries on from there), and once done it equals an index of
/// the edited bytes built from scratch.
#[test]
fn the_line_index_carries_on_from_before_the_edit() {
    use maphex::core::lines::LineIndex;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.txt");
    let text: Vec<u8> = b"a line of text\n".repeat(200_000);
    std::fs::write(&path, &text).unwrap();
    let mut s =
        maphex::tui::runtime::Session::new(support::open(&path, Mode::CopyOnWrite), (80, 24));
    typ(&mut s, "T");
    assert!(s.wait_lines(WAIT));
    let near_end = text.len() as u64 - 100;
    goto(&mut s, near_end);
    cmd(&mut s, "insert 0a 0a");
    let kept = s
        .app
        .view()
        .lines
        .index
        .as_ref()
        .map_or(0, LineIndex::indexed);
    assert!(
        kept > near_end - 200_000,
        "the index was cut back to {kept}, not to before {near_end}"
    );
    assert!(s.wait_lines(WAIT));
    let doc = s.app.doc();
    let fresh = LineIndex::build(doc);
    let now = s.app.view().lines.index.clone().unwrap();
    assert_eq!(now.line_count(), fresh.line_count());
    assert_eq!(now.line_count(), Some(200_002));
}
