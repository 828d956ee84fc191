//! Properties of the text-pane cells (`core::text`) and the line index and wrap helper
//! (`core::lines`), on arbitrary bytes biased towards the hard cases: multi-byte, wide,
//! combining, invisible and bidi characters, C1 controls, truncated and invalid sequences,
//! and newlines.
//!
//! Cells: one per byte; every row's widths add up to its byte count (nothing shifts); every
//! glyph is safe to draw; valid UTF-8 shows exactly its safe characters; decoding a window
//! with context equals decoding the whole buffer and slicing. Lines: `line_of`, `start_of`
//! and `line_range` against a naive model, for full and partial indexes, any chunking, any
//! checkpoint spacing, and after invalidation; wrapping covers the range with rows that fit.
//! Screen: the text pane drawn into a `vt100` screen keeps every row as wide as its bytes,
//! also for a terminal whose width tables stop at Unicode 10.0.
#![allow(clippy::unwrap_used)]

use std::ops::Range;

use maphex::core::document::Document;
use maphex::core::lines::{
    LineError, LineIndex, LineIndexBuilder, LineIndexConfig, VisualRow, without_newline, wrap,
};
use maphex::core::text::{Cell, CellKind, Encoding, cells, is_safe_to_draw, read_cells};
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Characters that exercise every branch: wide, combining, format, bidi, C1, private use,
/// noncharacters, emoji and modifiers, regional indicators, Latin-1, line separators.
const INTERESTING: &[char] = &[
    'a',
    ' ',
    '\t',
    '\n',
    '\r',
    '\0',
    '\x1b',
    '\x7f',
    '\u{85}',
    '\u{9b}',
    '\u{a0}',
    '\u{ad}',
    'é',
    '\u{301}',
    '\u{34f}',
    '\u{61c}',
    '\u{600}',
    '€',
    '日',
    '本',
    '\u{3000}',
    '\u{1100}',
    '\u{1160}',
    '\u{115f}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{202e}',
    '\u{2066}',
    '\u{2028}',
    '\u{feff}',
    '\u{fe0f}',
    '\u{e000}',
    '\u{fdd0}',
    '\u{fffe}',
    '\u{fffd}',
    '😀',
    '\u{1f3fb}',
    '\u{1f1e6}',
    '\u{e0041}',
    '\u{e0100}',
    '\u{10ffff}',
    '\u{ff9e}',
    // Unassigned (the finding "columns shift for unassigned code points"), assigned after
    // Unicode 10.0, or of a width terminals disagree on.
    '\u{378}',
    '\u{7fc}',
    '\u{9f292}',
    '\u{1f970}',
    '\u{2630}',
];

fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::sample::select(INTERESTING),
        1 => any::<char>(),
    ]
}

/// Bytes mixing encoded characters, raw bytes (invalid UTF-8) and cut sequences.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => interesting_char().prop_map(|c| c.to_string().into_bytes()),
        1 => any::<u8>().prop_map(|b| vec![b]),
        1 => interesting_char().prop_map(|c| {
            let s = c.to_string().into_bytes();
            let keep = s.len().saturating_sub(1).max(1);
            s[..keep].to_vec()
        }),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn valid_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(interesting_char(), 0..40).prop_map(|v| v.into_iter().collect())
}

fn encoding() -> impl Strategy<Value = Encoding> {
    proptest::sample::select(Encoding::ALL.to_vec())
}

fn glyph_width(cell: Cell) -> usize {
    cell.glyph().map_or(0, |g| g.width().unwrap_or(usize::MAX))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn one_cell_per_byte_and_rows_never_shift(
        buf in bytes(),
        first in 0u64..48,
        count in 0usize..80,
        row_width in 1usize..=64,
        enc in encoding(),
    ) {
        let got = cells(&buf, 0, first, count, row_width, enc);
        let len = buf.len() as u64;
        let expected = (first + count as u64).min(len).saturating_sub(first.min(len));
        prop_assert_eq!(got.len() as u64, expected);
        for row in got.chunks(row_width) {
            let declared: usize = row.iter().map(|c| c.width()).sum();
            let drawn: usize = row.iter().map(|&c| glyph_width(c)).sum();
            prop_assert_eq!(declared, row.len());
            prop_assert_eq!(drawn, row.len());
            for pair in row.windows(2) {
                prop_assert_eq!(
                    pair[1].kind() == CellKind::Covered,
                    pair[0].kind() == CellKind::WideChar
                );
            }
            prop_assert!(row.first().is_none_or(|c| c.kind() != CellKind::Covered));
            prop_assert!(row.last().is_none_or(|c| c.kind() != CellKind::WideChar));
        }
    }

    #[test]
    fn every_glyph_is_safe(buf in bytes(), row_width in 0usize..=64, enc in encoding()) {
        for cell in cells(&buf, 0, 0, buf.len(), row_width, enc) {
            if let Some(g) = cell.glyph() {
                prop_assert!(is_safe_to_draw(g) && !g.is_control(), "{:?}", cell);
            }
        }
    }

    #[test]
    fn valid_utf8_shows_exactly_its_safe_characters(s in valid_text(), row_width in 0usize..=64) {
        let got = cells(s.as_bytes(), 0, 0, s.len(), row_width, Encoding::Utf8);
        // The glyph drawn before byte `i` on its row (continuations are not drawn in the
        // line view, so they do not count), for the grapheme rule.
        let prev_glyph = |i: usize| -> Option<char> {
            let row_start = if row_width == 0 { 0 } else { i - i % row_width };
            got[row_start..i].iter().rev().find(|c| !matches!(c.kind(), CellKind::Continuation | CellKind::Covered)).and_then(|c| c.glyph())
        };
        let joins = |p: Option<char>, c: char| {
            use unicode_segmentation::UnicodeSegmentation;
            p.is_some_and(|p| format!("{p}{c}").graphemes(true).nth(1).is_none())
        };
        for (i, c) in s.char_indices() {
            let lead = got[i];
            if lead.kind() == CellKind::Hidden && is_safe_to_draw(c) {
                // A safe character is hidden only when it would join the glyph before it.
                prop_assert!(joins(prev_glyph(i), c), "{:?} at {} hidden though it joins nothing", c, i);
            } else if is_safe_to_draw(c) {
                let clipped = lead.kind() == CellKind::Clipped;
                prop_assert!(lead.glyph() == Some(c) || (clipped && c.width() == Some(2)),
                    "{:?} at {} drew {:?}", c, i, lead);
                prop_assert!(lead.is_literal() != clipped);
            } else {
                prop_assert!(!lead.is_literal(), "{:?} at {} drew {:?}", c, i, lead);
            }
            for cell in &got[i + 1..i + c.len_utf8()] {
                prop_assert!(matches!(cell.kind(), CellKind::Continuation | CellKind::Covered));
            }
        }
        // No drawn glyph joins the one before it on its row.
        for (i, cell) in got.iter().enumerate() {
            if let Some(g) = cell.glyph().filter(|g| cell.is_literal() && !g.is_ascii()) {
                prop_assert!(!joins(prev_glyph(i), g), "{:?} at {} joins the glyph before it", g, i);
            }
        }
    }

    #[test]
    fn a_window_with_context_decodes_like_the_whole_buffer(
        buf in bytes(),
        first_row in 0usize..20,
        rows in 0usize..6,
        row_width in 1usize..=16,
        enc in encoding(),
    ) {
        let whole = cells(&buf, 0, 0, buf.len(), row_width, enc);
        let first = (first_row * row_width).min(buf.len());
        let count = rows * row_width;
        let end = (first + count).min(buf.len());
        let ctx = enc.context();
        let (ws, we) = (first.saturating_sub(ctx), (end + ctx).min(buf.len()));
        let windowed = cells(&buf[ws..we], ws as u64, first as u64, count, row_width, enc);
        prop_assert_eq!(&windowed[..], &whole[first..end]);
        // The source-reading form reads the same context itself.
        prop_assert_eq!(read_cells(&buf, first as u64, count, row_width, enc), windowed);
    }

    #[test]
    fn latin1_and_ascii_never_use_utf8_only_kinds(buf in bytes(), row_width in 0usize..=64) {
        for enc in [Encoding::Ascii, Encoding::Latin1] {
            for cell in cells(&buf, 0, 0, buf.len(), row_width, enc) {
                prop_assert!(!matches!(
                    cell.kind(),
                    CellKind::Continuation | CellKind::Covered | CellKind::Invalid
                        | CellKind::WideChar | CellKind::Clipped
                ));
            }
        }
    }
}

// ---- the text pane on a terminal screen ---------------------------------------------------

/// The columns a terminal whose width table is Unicode 10.0 gives `c`: `unicode-width`'s for
/// ASCII and what Unicode 10.0 assigned, none for anything else (tmux gives a code point its
/// `wcwidth` does not know no column). `vt100` measures like the app, so this is what lets
/// the property below see the rows that older terminals draw short.
fn old_terminal_width(c: char) -> usize {
    if c.is_ascii() || unic_ucd_age::Age::of(c).is_some() {
        c.width().unwrap_or(0)
    } else {
        0
    }
}

/// `vt100` takes a printed U+FFFD for a decoding error and drops it (no column), unlike
/// terminals; the screen is fed this stand-in instead, a private-use character the pane never
/// draws (one column by `unicode-width`), and read back as U+FFFD.
const VT100_FFFD: char = '\u{e000}';
const VT100_STAND_IN: &str = "\u{e000}";

/// The whole screen of `bytes` in the hex view, as ratatui writes a first frame to a
/// terminal: each row's symbols one after the other, the cell after a wide symbol skipped
/// (the terminal's cursor steps over it), from the row's first column.
fn screen_stream(bytes: Vec<u8>, size: (u16, u16)) -> (Vec<u8>, Vec<String>, Session) {
    let s = Session::new(Document::from_bytes("p.bin", bytes), size);
    let mut t = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    t.draw(|f| ui::draw(f, &s.app)).unwrap();
    let buf = t.backend().buffer();
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for y in 0..size.1 {
        out.extend_from_slice(format!("\x1b[{};1H", y + 1).as_bytes());
        let mut x = 0;
        let mut row = String::new();
        while x < size.0 {
            let sym = buf[(x, y)].symbol();
            row.push_str(sym);
            x += u16::try_from(sym.width().max(1)).unwrap();
        }
        out.extend_from_slice(row.replace('\u{fffd}', VT100_STAND_IN).as_bytes());
        rows.push(row);
    }
    (out, rows, s)
}

/// Random bytes, and bytes that are mostly characters of every kind.
fn pane_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        proptest::collection::vec(bytes(), 1..10).prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random bytes rendered through the text pane into a `vt100` screen keep every row the
    /// same width: each full row's text ends at the pane's last column, nothing is drawn
    /// after it, and a terminal with Unicode 10.0 tables gives every character on it the
    /// columns `vt100` gave (so the row is as wide there too).
    #[test]
    fn text_pane_rows_keep_their_width_on_a_terminal_screen(bytes in pane_bytes()) {
        let size = (80, 24);
        let len = bytes.len();
        let (stream, rows, s) = screen_stream(bytes, size);
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(nz(size.1), nz(size.0), 0);
        parser.process(&stream);
        let screen = parser.screen();
        let l = s.app.layout();
        let text_x = u16::try_from(l.text_x.unwrap()).unwrap();
        let cols = u16::try_from(l.cols).unwrap();
        let full_rows = (len / l.cols).min(l.rows);
        for row in 0..u16::try_from(full_rows).unwrap() {
            let line = &rows[usize::from(row)];
            let mut col = text_x;
            let mut old = 0;
            while col < text_x + cols {
                let cell = screen.cell(row, col).unwrap();
                let contents = cell.contents();
                let c = contents.chars().next();
                prop_assert!(c.is_some() && !cell.is_wide_continuation(),
                    "row {} column {} empty: {:?}", row, col, line);
                let c = c.map(|c| if c == VT100_FFFD { '\u{fffd}' } else { c }).unwrap();
                let w = if cell.is_wide() { 2 } else { 1 };
                prop_assert_eq!(old_terminal_width(c), w,
                    "U+{:04X} on row {} is {} columns in vt100 but not in a Unicode 10.0 \
                     terminal: {:?}", u32::from(c), row, w, line);
                old += w;
                col += w as u16;
            }
            prop_assert_eq!(col, text_x + cols, "row {} ends at {}: {:?}", row, col, line);
            prop_assert_eq!(old, usize::from(cols));
            for x in text_x + cols..size.0 {
                prop_assert!(screen.cell(row, x).unwrap().contents().trim().is_empty(),
                    "row {} has something at column {}: {:?}", row, x, line);
            }
        }
    }
}

// ---- line index ----------------------------------------------------------------------------

/// The naive model: every line start, as `readline()` would find them.
fn model_starts(buf: &[u8]) -> Vec<u64> {
    let mut starts = Vec::new();
    if !buf.is_empty() {
        starts.push(0);
    }
    for (i, &b) in buf.iter().enumerate() {
        if b == b'\n' && i + 1 < buf.len() {
            starts.push(i as u64 + 1);
        }
    }
    starts
}

fn text_with_newlines() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![3 => Just(b'x'), 2 => Just(b'\n'), 1 => any::<u8>()];
    prop_oneof![
        proptest::collection::vec(byte, 0..120),
        proptest::collection::vec(Just(b'\n'), 0..20),
    ]
}

fn config() -> impl Strategy<Value = LineIndexConfig> {
    (1u64..5, 1u64..24, 1u64..40).prop_map(|(interval, span, chunk)| LineIndexConfig {
        interval,
        span,
        chunk,
    })
}

fn build(buf: &[u8], config: LineIndexConfig) -> LineIndex {
    let mut b = LineIndexBuilder::new(config);
    while !b.step(buf) {}
    b.into_index()
}

/// Check every query of `idx` (complete or not) against the model.
fn check_against_model(idx: &LineIndex, buf: &[u8]) -> Result<(), TestCaseError> {
    let starts = model_starts(buf);
    let len = buf.len() as u64;
    let indexed = idx.indexed();
    let complete = idx.is_complete();
    if complete {
        prop_assert_eq!(indexed, len);
        prop_assert_eq!(idx.line_count(), Some(starts.len() as u64));
    } else {
        prop_assert_eq!(idx.line_count(), None);
    }
    // newlines_before[o] = `\n` bytes in buf[..o], the model's line_of(o).
    let newlines_before: Vec<u64> = std::iter::once(0)
        .chain(buf.iter().scan(0, |n, &b| {
            *n += u64::from(b == b'\n');
            Some(*n)
        }))
        .collect();
    for offset in 0..=len + 1 {
        let model = newlines_before[offset.min(len) as usize];
        match idx.line_of(buf, offset) {
            Ok(line) => {
                prop_assert!(offset < len && offset <= indexed);
                prop_assert_eq!(line, model, "line_of({})", offset);
            }
            Err(LineError::PastEnd { .. }) => prop_assert!(complete && offset >= len),
            Err(LineError::NotIndexed { indexed: at }) => {
                prop_assert!(!complete && (offset > indexed || indexed == 0) && at == indexed);
            }
            Err(e) => prop_assert!(false, "line_of({}): {:?}", offset, e),
        }
    }
    for line in 0..starts.len() as u64 + 2 {
        match idx.start_of(buf, line) {
            Ok(start) => {
                prop_assert_eq!(
                    Some(&start),
                    starts.get(line as usize),
                    "start_of({})",
                    line
                );
                prop_assert!(start <= indexed);
            }
            Err(LineError::NoSuchLine { count, .. }) => {
                prop_assert!(complete && line >= starts.len() as u64);
                prop_assert_eq!(count, starts.len() as u64);
            }
            Err(LineError::NotIndexed { .. }) => {
                prop_assert!(!complete);
                // Only lines whose start is past the scanned part may be unknown.
                let unknown =
                    indexed == 0 || starts.get(line as usize).is_none_or(|&s| s > indexed);
                prop_assert!(unknown, "start_of({}) unknown at {}", line, indexed);
            }
            Err(e) => prop_assert!(false, "start_of({}): {:?}", line, e),
        }
        if let Ok(range) = idx.line_range(buf, line) {
            let start = starts[line as usize];
            let end = starts.get(line as usize + 1).copied().unwrap_or(len);
            prop_assert_eq!(range, start..end);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn index_matches_the_model(buf in text_with_newlines(), config in config()) {
        let idx = build(&buf, config);
        check_against_model(&idx, &buf)?;
    }

    #[test]
    fn partial_indexes_are_right_or_say_so(buf in text_with_newlines(), config in config()) {
        let mut b = LineIndexBuilder::new(config);
        check_against_model(b.index(), &buf)?;
        while !b.step(&buf) {
            check_against_model(b.index(), &buf)?;
        }
        check_against_model(b.index(), &buf)?;
    }

    #[test]
    fn tiny_steps_equal_one_big_step(buf in text_with_newlines(), config in config()) {
        let big = LineIndexConfig { chunk: u64::MAX, ..config };
        let mut one = LineIndexBuilder::new(big);
        prop_assert!(one.step(&buf));
        prop_assert_eq!(build(&buf, config), one.into_index());
    }

    #[test]
    fn invalidate_and_resume_equals_a_fresh_build(
        buf in text_with_newlines(),
        config in config(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), prop_oneof![Just(b'\n'), Just(b'y')]), 1..4),
    ) {
        let mut buf = buf;
        let mut b = LineIndexBuilder::new(config);
        while !b.step(&buf) {}
        for (at, byte) in edits {
            if buf.is_empty() {
                break;
            }
            let at = at.index(buf.len());
            buf[at] = byte;
            b.invalidate_from(&buf, at as u64);
            check_against_model(b.index(), &buf)?;
        }
        while !b.step(&buf) {}
        prop_assert_eq!(b.into_index(), build(&buf, config));
    }
}

// ---- wrapping ------------------------------------------------------------------------------

fn flow_cells(buf: &[u8], range: Range<u64>, enc: Encoding) -> Vec<Cell> {
    let (s, e) = (range.start as usize, range.end as usize);
    cells(&buf[..e], 0, s as u64, e - s, 0, enc)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wrapped_rows_cover_the_line_and_fit(
        buf in bytes(),
        width in 1usize..=20,
        enc in encoding(),
    ) {
        let range = without_newline(&buf, 0..buf.len() as u64);
        let rows: Vec<VisualRow> = wrap(&buf, range.clone(), width, enc).collect();
        prop_assert!(!rows.is_empty());
        let mut at = range.start;
        for (i, row) in rows.iter().enumerate() {
            prop_assert_eq!(row.bytes.start, at);
            prop_assert_eq!(row.cells.len() as u64, row.bytes.end - row.bytes.start);
            prop_assert!(row.columns() <= width);
            prop_assert!(!row.bytes.is_empty() || range.is_empty());
            // Rows break between characters only, and only when the next one did not fit.
            if let Some(next) = rows.get(i + 1) {
                prop_assert!(next.cells[0].flow_width() > 0, "row {} starts mid-character", i + 1);
                prop_assert!(row.columns() + next.cells[0].flow_width() > width);
            }
            for cell in &row.cells {
                if let Some(g) = cell.glyph() {
                    prop_assert!(is_safe_to_draw(g));
                    prop_assert_eq!(g.width(), Some(cell.width()));
                }
            }
            at = row.bytes.end;
        }
        prop_assert_eq!(at, range.end);
        // The cells are those of the whole line (wide characters clipped only at width 1),
        // except that a character that would join the glyph before it is hidden only when
        // that glyph is on the same row: at a row's first drawn cell it may be shown.
        let joined: Vec<Cell> = rows.iter().flat_map(|r| r.cells.iter().copied()).collect();
        let row_firsts: Vec<usize> = rows
            .iter()
            .scan(0usize, |at, r| {
                let first = *at + r.cells.iter().position(|c| c.flow_width() > 0).unwrap_or(0);
                *at += r.cells.len();
                Some(first)
            })
            .collect();
        let whole = flow_cells(&buf, range, enc);
        prop_assert_eq!(joined.len(), whole.len());
        for (i, (got, want)) in joined.iter().zip(&whole).enumerate() {
            let clipped = width == 1 && matches!(want.kind(), CellKind::WideChar | CellKind::Covered | CellKind::Hidden | CellKind::Continuation);
            let unjoined = row_firsts.contains(&i) && want.kind() == CellKind::Hidden && got.is_literal();
            let unjoined_cover = i > 0 && row_firsts.contains(&(i - 1)) && want.kind() == CellKind::Continuation && got.kind() == CellKind::Covered;
            prop_assert!(got == want || clipped || unjoined || unjoined_cover, "{:?} vs {:?} at {}", got, want, i);
        }
    }
}
