//! Unit tests of the parent module.

use super::*;
use crate::core::text::CellKind;

fn small(interval: u64, span: u64, chunk: u64) -> LineIndexConfig {
    LineIndexConfig {
        interval,
        span,
        chunk,
    }
}

fn build_with(src: &[u8], config: LineIndexConfig) -> LineIndex {
    let mut b = LineIndexBuilder::new(config);
    while !b.step(src) {}
    b.into_index()
}

#[test]
fn empty_file_has_no_lines() {
    let src: &[u8] = b"";
    let idx = LineIndex::build(src);
    assert!(idx.is_complete());
    assert_eq!(idx.line_count(), Some(0));
    assert_eq!(
        idx.start_of(src, 0),
        Err(LineError::NoSuchLine { line: 0, count: 0 })
    );
    assert_eq!(
        idx.line_of(src, 0),
        Err(LineError::PastEnd { offset: 0, len: 0 })
    );
}

#[test]
fn only_newlines() {
    let src: &[u8] = b"\n\n\n";
    let idx = build_with(src, small(1, 1, 1));
    assert_eq!(idx.line_count(), Some(3));
    for line in 0..3 {
        assert_eq!(idx.start_of(src, line), Ok(line));
        assert_eq!(idx.line_of(src, line), Ok(line));
        assert_eq!(idx.line_range(src, line), Ok(line..line + 1));
    }
    assert_eq!(
        idx.start_of(src, 3),
        Err(LineError::NoSuchLine { line: 3, count: 3 })
    );
}

#[test]
fn last_line_without_newline() {
    let src: &[u8] = b"a\nbc";
    let idx = LineIndex::build(src);
    assert_eq!(idx.line_count(), Some(2));
    assert_eq!(idx.line_range(src, 1), Ok(2..4));
    assert_eq!(idx.line_of(src, 3), Ok(1));
    assert_eq!(idx.line_of(src, 1), Ok(0));
    let with: &[u8] = b"a\nbc\n";
    let idx = LineIndex::build(with);
    assert_eq!(idx.line_count(), Some(2));
    assert_eq!(idx.line_range(with, 1), Ok(2..5));
    assert_eq!(without_newline(with, 2..5), 2..4);
    assert_eq!(without_newline(with, 2..4), 2..4);
}

#[test]
fn error_messages_say_what_to_do() {
    assert_eq!(
        LineError::NoSuchLine { line: 9, count: 3 }.to_string(),
        "line 10 does not exist; the file has 3 lines"
    );
    assert_eq!(
        LineError::NotIndexed { indexed: 42 }.to_string(),
        "the line index has reached byte 42 so far; try again when it has finished"
    );
}

#[test]
fn a_partial_index_answers_for_what_it_scanned() {
    let src: &[u8] = b"aa\nbb\ncc\ndd\n";
    let mut b = LineIndexBuilder::new(small(2, 4, 5));
    assert!(!b.step(src)); // 0..5: "aa\nbb"
    let idx = b.index();
    assert_eq!(b.position(), 5);
    assert_eq!(idx.line_count(), None);
    assert_eq!(idx.lines_known(), 2);
    assert_eq!(idx.start_of(src, 1), Ok(3));
    assert_eq!(
        idx.start_of(src, 2),
        Err(LineError::NotIndexed { indexed: 5 })
    );
    assert_eq!(idx.line_of(src, 5), Ok(1));
    assert_eq!(
        idx.line_of(src, 6),
        Err(LineError::NotIndexed { indexed: 5 })
    );
    assert_eq!(
        idx.line_range(src, 1),
        Err(LineError::NotIndexed { indexed: 5 })
    );
    while !b.step(src) {}
    assert_eq!(b.index().line_count(), Some(4));
}

#[test]
fn a_giant_line_still_gets_checkpoints() {
    let mut src = vec![b'x'; 10_000];
    src.push(b'\n');
    src.extend_from_slice(b"tail");
    let idx = build_with(&src, small(1024, 1000, 333));
    assert_eq!(idx.checkpoint_count(), 11); // 0, 1000, ..., 10000
    assert_eq!(idx.line_of(&src, 9_999), Ok(0));
    assert_eq!(idx.line_of(&src, 10_001), Ok(1));
    assert_eq!(idx.start_of(&src, 1), Ok(10_001));
}

#[test]
fn stale_source_is_reported_not_panicked() {
    let src: &[u8] = b"a\nb\nc\nd\ne";
    let idx = build_with(src, small(100, 100, 100));
    let other: &[u8] = b"abcdefghij";
    assert_eq!(idx.start_of(other, 2), Err(LineError::Stale));
    let shorter: &[u8] = b"a\n";
    assert_eq!(idx.line_of(shorter, 5), Err(LineError::Stale));
}

#[test]
fn invalidate_then_resume_equals_a_fresh_build() {
    let mut src = b"one\ntwo\nthree\nfour\nfive\nsix\n".to_vec();
    let config = small(2, 7, 3);
    let mut b = LineIndexBuilder::new(config);
    while !b.step(&src) {}
    src[9] = b'\n';
    b.invalidate_from(&src, 9);
    while !b.step(&src) {}
    assert_eq!(b.into_index(), build_with(&src, config));
}

#[test]
fn a_shrunk_source_is_followed() {
    let src = b"a\nb\nc\nd\n".to_vec();
    let config = small(1, 3, 2);
    let mut b = LineIndexBuilder::new(config);
    while !b.step(&src) {}
    let short = &src[..5];
    while !b.step(short) {}
    assert_eq!(b.into_index(), build_with(short, config));
}

fn rows(src: &[u8], width: usize, enc: Encoding) -> Vec<(Range<u64>, usize)> {
    let len = src.len() as u64;
    wrap(src, 0..len, width, enc)
        .map(|r| {
            let cols = r.columns();
            (r.bytes, cols)
        })
        .collect()
}

#[test]
fn wrap_ascii_by_width() {
    assert_eq!(
        rows(b"abcdefg", 3, Encoding::Utf8),
        [(0..3, 3), (3..6, 3), (6..7, 1)]
    );
    assert_eq!(rows(b"abc", 3, Encoding::Ascii), [(0..3, 3)]);
    assert_eq!(rows(b"", 3, Encoding::Utf8), [(0..0, 0)]);
}

#[test]
fn wrap_keeps_characters_whole_and_counts_display_width() {
    // a 日 本 b: 1 + 2 + 2 + 1 columns in 1 + 3 + 3 + 1 bytes.
    let s = "a日本b".as_bytes();
    assert_eq!(rows(s, 3, Encoding::Utf8), [(0..4, 3), (4..8, 3)]);
    // Width 4: 日 does not fit after "a日" (3 columns): the row ends short.
    assert_eq!(rows(s, 4, Encoding::Utf8), [(0..4, 3), (4..8, 3)]);
    assert_eq!(rows(s, 5, Encoding::Utf8), [(0..7, 5), (7..8, 1)]);
    // In Latin-1 every byte is one column.
    assert_eq!(rows(s, 4, Encoding::Latin1), [(0..4, 4), (4..8, 4)]);
}

#[test]
fn wrap_width_one_clips_wide_characters() {
    let s = "日x".as_bytes();
    let got: Vec<_> = wrap(s, 0..4, 1, Encoding::Utf8).collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].bytes, 0..3);
    assert_eq!(
        got[0].cells.iter().map(|c| c.kind()).collect::<Vec<_>>(),
        [
            CellKind::Clipped,
            CellKind::Continuation,
            CellKind::Continuation
        ]
    );
    assert_eq!(got[0].columns(), 1);
    // Width 0 is taken as 1.
    assert_eq!(wrap(s, 0..4, 0, Encoding::Utf8).count(), 2);
}

#[test]
fn wrap_placeholders_take_a_column_each() {
    // Invalid byte, tab, combining acute: each one column.
    let s = b"\xff\t\xcc\x81z";
    assert_eq!(rows(s, 2, Encoding::Utf8), [(0..2, 2), (2..5, 2)]);
}

/// Resuming an index after an edit, invalidated from the edit's offset, gives the same index
/// as building the edited bytes from scratch, and rescans only from the checkpoint before
/// the edit.
#[test]
fn resume_after_an_edit_equals_a_fresh_build() {
    let config = LineIndexConfig {
        interval: 64,
        span: 16,
        chunk: 100,
    };
    let mut bytes: Vec<u8> = (0..5000u32)
        .map(|i| if i % 37 == 0 { b'\n' } else { b'a' })
        .collect();
    let mut b = LineIndexBuilder::new(config);
    while !b.step(&bytes) {}
    let before = b.into_index();
    bytes.splice(3000..3010, b"\n\n\nxyz".iter().copied());
    let mut r = LineIndexBuilder::resume(before, config);
    r.invalidate_from(&bytes, 3000);
    assert!(
        r.position() <= 3000 && r.position() >= 3000 - 64,
        "{}",
        r.position()
    );
    while !r.step(&bytes) {}
    let mut fresh = LineIndexBuilder::new(config);
    while !fresh.step(&bytes) {}
    assert_eq!(r.into_index(), fresh.into_index());
}
