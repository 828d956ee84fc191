//! The structure pane, headless: a PNG built byte by byte here, opened in a `Session`; the
//! pane's rows, folding, the hex cursor following the tree and the tree following the hex
//! cursor, editing a field (bytes on disk after `:w`, undo), laziness over a million records,
//! errors, and a narrow terminal.

#![allow(clippy::unwrap_used)]

mod support;
use support::{cmd, key, message, open, png_chunk as chunk, typ};

use maphex::core::document::Mode;
use maphex::tui::harness::{screen, text};
use maphex::tui::input::{Input, KeyCode, Mouse};
use maphex::tui::runtime::Session;

/// Signature, IHDR 640×480 (width at 16..20), tEXt, IDAT, IEND.
fn png() -> Vec<u8> {
    let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 640u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&480u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    f.extend(chunk(b"IHDR", &ihdr));
    f.extend(chunk(b"tEXt", b"Title\0a\x1b[31mred"));
    f.extend(chunk(b"IDAT", &[1, 2, 3]));
    f.extend(chunk(b"IEND", &[]));
    f
}

fn session(bytes: &[u8], size: (u16, u16)) -> (tempfile::TempDir, std::path::PathBuf, Session) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.png");
    std::fs::write(&path, bytes).unwrap();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), size);
    // The template is looked for after the first frame: the loop pumps, so does the test.
    s.pump();
    (dir, path, s)
}

fn shown(s: &Session) -> String {
    text(&screen(s))
}

fn sel_path(s: &Session) -> String {
    s.app.structure().unwrap().path.clone()
}

#[test]
fn a_png_is_announced_on_open_and_t_shows_its_tree() {
    let (_d, _p, mut s) = session(&png(), (120, 30));
    assert_eq!(message(&s), "template png found: t shows the structure");
    assert!(s.app.structure_width().is_none(), "not opened by itself");
    typ(&mut s, "t");
    let sc = shown(&s);
    assert!(s.app.structure_focused());
    assert!(sc.contains("signature"), "{sc}");
    assert!(sc.contains("▸ chunks"), "arrays folded: {sc}");
    assert!(sc.contains("[…]"), "not parsed yet: {sc}");
    // Unfold chunks, then the first chunk: its fields show.
    typ(&mut s, "jl");
    let sc = shown(&s);
    assert!(sc.contains("▾ chunks") && sc.contains("▸ [0]"), "{sc}");
    typ(&mut s, "jl");
    let sc = shown(&s);
    assert!(sc.contains("length") && sc.contains("13 (0xd)"), "{sc}");
    assert!(sc.contains("\"IHDR\""), "{sc}");
    // h folds it again, h again goes to its parent.
    typ(&mut s, "h");
    assert!(!shown(&s).contains("length"));
    typ(&mut s, "h");
    assert_eq!(sel_path(&s), "chunks");
}

#[test]
fn moving_in_the_tree_moves_the_hex_cursor_and_back() {
    let (_d, _p, mut s) = session(&png(), (120, 30));
    typ(&mut s, "t");
    typ(&mut s, "jljl"); // chunks[0] unfolded, selected
    typ(&mut s, "jjj"); // length, type, data
    assert_eq!(sel_path(&s), "chunks[0].data");
    assert_eq!(s.app.cursor(), 16);
    typ(&mut s, "lj"); // data unfolded, width
    assert_eq!(sel_path(&s), "chunks[0].data.width");
    assert_eq!(s.app.cursor(), 16);
    assert_eq!(s.app.structure().unwrap().field, Some(16..20));
    typ(&mut s, "j");
    assert_eq!(sel_path(&s), "chunks[0].data.height");
    assert_eq!(s.app.cursor(), 20);
    // Tab gives the keys back to the hex pane; moving there selects the innermost field.
    key(&mut s, KeyCode::Tab);
    assert!(!s.app.structure_focused());
    cmd(&mut s, "0x1a");
    assert_eq!(sel_path(&s), "chunks[0].data.compression_method");
    cmd(&mut s, "0x26");
    assert_eq!(sel_path(&s), "chunks[1].type");
    assert!(shown(&s).contains("▾ [1]"), "the path to it unfolds");
}

#[test]
fn strings_are_escaped_in_the_pane() {
    let (_d, _p, mut s) = session(&png(), (160, 30));
    typ(&mut s, "t");
    cmd(&mut s, "0x36"); // in tEXt's text
    let sc = shown(&s);
    assert!(!sc.contains('\x1b'), "{sc}");
    assert!(sc.contains("\\u{1b}[31mred"), "{sc}");
}

#[test]
fn editing_ihdr_width_writes_big_endian_bytes_and_undo_restores() {
    let (_d, path, mut s) = session(&png(), (120, 30));
    typ(&mut s, "t");
    cmd(&mut s, "0x11"); // the tree keeps the keys
    assert_eq!(sel_path(&s), "chunks[0].data.width");
    typ(&mut s, "e");
    let line = match &s.app.mode {
        maphex::tui::app::InputMode::Prompt(p) => p.text().to_string(),
        m => panic!("{m:?}"),
    };
    assert_eq!(line, "field 640");
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    typ(&mut s, "1025");
    key(&mut s, KeyCode::Enter);
    assert!(
        message(&s).contains("chunks[0].data.width set to 1025"),
        "{}",
        message(&s)
    );
    assert_eq!(sel_path(&s), "chunks[0].data.width", "the selection stays");
    assert!(shown(&s).contains("1025 (0x4"), "{}", shown(&s));
    cmd(&mut s, "w");
    let disk = std::fs::read(&path).unwrap();
    assert_eq!(&disk[16..20], &1025u32.to_be_bytes());
    typ(&mut s, "u");
    assert!(shown(&s).contains("640 (0x28"), "{}", shown(&s));
    cmd(&mut s, "w");
    assert_eq!(std::fs::read(&path).unwrap(), png());
}

#[test]
fn an_enum_is_set_by_name_and_a_bad_value_is_refused() {
    let (_d, _p, mut s) = session(&png(), (120, 30));
    typ(&mut s, "t");
    cmd(&mut s, "0x19"); // color_type
    assert_eq!(sel_path(&s), "chunks[0].data.color_type");
    cmd(&mut s, "field nonsense");
    assert!(
        message(&s).starts_with("cannot set chunks[0].data.color_type"),
        "{}",
        message(&s)
    );
    cmd(&mut s, "field greyscale");
    assert!(shown(&s).contains("greyscale"), "{}", shown(&s));
}

#[test]
fn read_only_refuses_an_edit_with_the_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.png");
    std::fs::write(&path, png()).unwrap();
    let mut s = Session::new(open(&path, Mode::ReadOnly), (120, 30));
    typ(&mut s, "t");
    cmd(&mut s, "0x11");
    cmd(&mut s, "field 1");
    assert!(message(&s).contains("read-only"), "{}", message(&s));
}

#[test]
fn template_errors_and_off() {
    let (_d, _p, mut s) = session(&png(), (120, 30));
    cmd(&mut s, "template nonexistent");
    assert!(message(&s).contains("nonexistent"), "{}", message(&s));
    assert!(s.app.structure_width().is_none());
    cmd(&mut s, "template png");
    assert!(s.app.structure_width().is_some());
    cmd(&mut s, "template off");
    assert!(s.app.structure().is_none());
}

#[test]
fn a_narrow_terminal_shows_the_pane_over_the_hex_view_while_it_has_the_keys() {
    let (_d, _p, mut s) = session(&png(), (60, 20));
    typ(&mut s, "t");
    assert_eq!(s.app.structure_width(), Some(60), "the whole width");
    assert!(s.app.structure_covers() && s.app.structure_focused());
    assert!(
        message(&s).contains("Tab or t: back to the hex view"),
        "{}",
        message(&s)
    );
    let sc = shown(&s);
    assert!(sc.contains("signature") && !sc.contains("00000000"), "{sc}");
    // The hex view's layout is its own: 8 bytes a row, as without the pane.
    assert_eq!(s.app.layout().cols, 8);
    // The tree keeps working: moving in it moves the hex cursor under it.
    typ(&mut s, "jl");
    assert!(shown(&s).contains("▾ chunks"), "{}", shown(&s));
    typ(&mut s, "j");
    assert_eq!(sel_path(&s), "chunks[0]");
    assert_eq!(s.app.cursor(), 8);
    // The mouse: a click does not reach the hex view under the pane; the wheel moves in
    // the tree.
    s.input(Input::Mouse(Mouse::Click(20, 10)));
    assert_eq!(s.app.cursor(), 8);
    s.input(Input::Mouse(Mouse::ScrollDown));
    assert_eq!(sel_path(&s), "chunks[3]");
    s.input(Input::Mouse(Mouse::ScrollUp));
    assert_eq!(sel_path(&s), "chunks[0]");
    // Tab gives the screen back to the hex view; t brings the tree back.
    key(&mut s, KeyCode::Tab);
    assert!(s.app.structure_width().is_none());
    assert!(shown(&s).contains("00000000"));
    typ(&mut s, "t");
    assert!(s.app.structure_covers());
    // Wider: beside the hex view again.
    s.input(Input::Resize(120, 20));
    assert!(!s.app.structure_covers());
    let sc = shown(&s);
    assert!(sc.contains("signature") && sc.contains("00000000"), "{sc}");
}

#[test]
fn a_million_records_unfold_without_being_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let ksy = dir.path().join("recs.ksy");
    std::fs::write(
        &ksy,
        "meta:\n  id: recs\n  endian: le\nseq:\n  - id: recs\n    type: rec\n    repeat: expr\n    repeat-expr: 1000000\ntypes:\n  rec:\n    seq:\n      - id: a\n        type: u4\n      - id: b\n        type: u4\n",
    )
    .unwrap();
    let path = dir.path().join("recs.bin");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(8_000_000)
        .unwrap();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (120, 30));
    cmd(&mut s, &format!("template {}", ksy.display()));
    typ(&mut s, "l");
    let sc = shown(&s);
    assert!(
        sc.contains("[1000000]") && sc.contains("[0]") && sc.contains("[19]"),
        "{sc}"
    );
    let made = s.app.structure().unwrap().node_count();
    assert!(made < 200, "{made} nodes made for one screen");
    // The end is indexed, not read.
    typ(&mut s, "G");
    assert!(shown(&s).contains("[999999]"));
    assert_eq!(s.app.cursor(), 7_999_992);
    assert!(s.app.structure().unwrap().node_count() < 400);
}

#[test]
fn snapshot_of_the_pane_over_a_small_png() {
    let (_d, _p, mut s) = session(&png(), (120, 20));
    typ(&mut s, "t");
    cmd(&mut s, "0x11");
    let buf = screen(&s);
    // The pane only (its columns on the right), without the temporary path in the status.
    let x0 = 120 - s.app.structure_width().unwrap();
    let pane: String = (0..18)
        .map(|y| (x0..120).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect();
    insta::assert_snapshot!("structure_pane_png_120x20", pane);
}

#[test]
fn the_pane_leaves_16_bytes_a_row_at_120_columns_and_takes_the_columns_left_empty() {
    // It used to leave 75 columns for 16 bytes a row, which need 76: the hex view fell back
    // to 8 bytes a row and left 32 columns blank beside a pane cutting its names.
    let (_d, _p, mut s) = session(&png(), (120, 20));
    typ(&mut s, "t");
    assert_eq!(s.app.layout().cols, 16);
    assert_eq!(s.app.structure_width(), Some(44));
    // At 100 columns 8 bytes a row take 43: the pane gets the other 57.
    s.input(Input::Resize(100, 20));
    assert_eq!(s.app.layout().cols, 8);
    assert_eq!(s.app.structure_width(), Some(57));
    let sc = shown(&s);
    let row = sc.lines().nth(1).unwrap();
    assert!(row.contains("IHDR│  signature"), "no blank columns: {row}");
}

/// A template nine types deep with long names, strings full of what a terminal must not
/// see raw (an escape sequence, a carriage return, a tab, invalid UTF-8, wide, combining,
/// bidi and zero-width characters), an ASCII string with high bytes, and an array.
const NASTY_KSY: &str = "meta:
  id: nasty
  endian: le
seq:
  - id: a_rather_long_field_name_that_does_not_fit_anywhere
    type: u4
  - id: text
    type: str
    size: 48
    encoding: UTF-8
  - id: ascii_text
    type: str
    size: 8
    encoding: ASCII
  - id: deep
    type: l1
  - id: items
    type: u2
    repeat: expr
    repeat-expr: 40
types:
  l1: {seq: [{id: next_level_with_a_long_name, type: l2}, {id: v, type: u1}]}
  l2: {seq: [{id: next_level_with_a_long_name, type: l3}, {id: v, type: u1}]}
  l3: {seq: [{id: next_level_with_a_long_name, type: l4}, {id: v, type: u1}]}
  l4: {seq: [{id: next_level_with_a_long_name, type: l5}, {id: v, type: u1}]}
  l5: {seq: [{id: next_level_with_a_long_name, type: l6}, {id: v, type: u1}]}
  l6: {seq: [{id: next_level_with_a_long_name, type: l7}, {id: v, type: u1}]}
  l7: {seq: [{id: next_level_with_a_long_name, type: l8}, {id: v, type: u1}]}
  l8: {seq: [{id: leaf_string_at_the_bottom, type: str, size: 24, encoding: UTF-8}]}
";

/// The bytes of the `text` field: 48 of them.
const NASTY_TEXT: &[u8] =
    b"\x1b[31mred\r\tcr\xc0\x80bad \xe4\xb8\xad\xe6\x96\x87 e\xcc\x81 \xe2\x80\xaertl\xe2\x80\x8bzw!!!!!!!!";

fn nasty() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ksy = dir.path().join("nasty.ksy");
    std::fs::write(&ksy, NASTY_KSY).unwrap();
    let mut f = 0xdead_beef_u32.to_le_bytes().to_vec();
    assert_eq!(NASTY_TEXT.len(), 48);
    f.extend_from_slice(NASTY_TEXT);
    f.extend_from_slice(b"ok\x80\xffok\x1b!");
    let leaf: &[u8] = b"\x07bell \xf0\x9f\x98\x80\xcc\x81\xef\xbf\xbe\x1b]0;t\x07xyz";
    f.extend_from_slice(&leaf[..24]);
    f.extend_from_slice(&[7; 7]);
    f.extend((0..80u8).map(|i| i.wrapping_mul(37)));
    let bin = dir.path().join("nasty.bin");
    std::fs::write(&bin, f).unwrap();
    (dir, ksy, bin)
}

/// The nasty file with its template, the path to the deepest string unfolded and selected.
fn nasty_session(size: (u16, u16)) -> (tempfile::TempDir, Session) {
    let (dir, ksy, bin) = nasty();
    let mut s = Session::new(open(&bin, Mode::CopyOnWrite), size);
    s.pump();
    cmd(&mut s, &format!("template {}", ksy.display()));
    cmd(&mut s, "0x3c"); // in the deepest string
    assert!(
        sel_path(&s).ends_with("leaf_string_at_the_bottom") || s.app.structure_width().is_none(),
        "{}",
        sel_path(&s)
    );
    (dir, s)
}

/// The pane's columns of each row of the screen.
fn pane_text(s: &Session) -> String {
    let buf = screen(s);
    let (w, _) = s.app.size;
    let x0 = w - s.app.structure_width().unwrap();
    let rows = s.app.layout().rows;
    (0..rows)
        .map(|y| {
            let y = u16::try_from(y).unwrap();
            (x0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n"
        })
        .collect()
}

/// Checks one screen of the nasty file at `w`×`h`: no panic, only safe glyphs, the pane's
/// rule on its left (or, covering the screen, its title's rule at the top left).
fn check_size(s: &mut Session, w: u16, h: u16, focus: bool) {
    use maphex::core::text::is_safe_to_draw;
    s.input(Input::Resize(w, h));
    let buf = screen(s);
    let Some(pw) = s.app.structure_width() else {
        assert!(!focus, "{w}x{h}: the focused pane is shown");
        return;
    };
    let x0 = w - pw;
    // The pane's columns (the hex and text panes have their own tests).
    for y in 0..h {
        for x in x0..w {
            let sym = buf[(x, y)].symbol();
            assert!(
                sym.chars().all(is_safe_to_draw),
                "{w}x{h} at ({x}, {y}): {sym:?}\n{}",
                text(&buf)
            );
        }
    }
    let rows = u16::try_from(s.app.layout().rows).unwrap();
    for y in 0..rows {
        if x0 > 0 {
            assert_eq!(
                buf[(x0, y)].symbol(),
                "│",
                "{w}x{h} row {y}\n{}",
                text(&buf)
            );
        } else if y == 0 {
            assert_eq!(buf[(0, 0)].symbol(), "─", "{w}x{h}\n{}", text(&buf));
        }
    }
}

#[test]
fn every_size_draws_only_safe_glyphs_and_never_panics() {
    let (_d, mut s) = nasty_session((120, 30));
    // Every width at the heights where the footer and the title change, and every height
    // at the widths where the layout changes (columns dropped, indentation, the pane beside
    // the hex view or over it, 16 bytes a row), with the keys in the tree; then every width
    // with the keys in the hex view (the pane hidden below 77 columns).
    let heights = [1, 2, 3, 4, 5, 7, 8, 13, 14, 23, 24, 50];
    let widths = [
        1, 2, 3, 4, 5, 10, 20, 33, 34, 35, 47, 48, 49, 76, 77, 78, 115, 116, 117, 150, 200,
    ];
    for w in 1..=200 {
        for h in heights {
            check_size(&mut s, w, h, true);
        }
    }
    for h in 1..=50 {
        for w in widths {
            check_size(&mut s, w, h, true);
        }
    }
    key(&mut s, KeyCode::Tab);
    for w in 1..=200 {
        for h in [3, 24] {
            check_size(&mut s, w, h, false);
        }
    }
}

#[test]
fn snapshots_of_the_pane_at_five_widths() {
    // 200: the widest pane with the type column; 100 and 77: beside the hex view, columns
    // giving way; 40 and 20: over the hex view. The deepest string is selected: its path
    // and value are in the footer whole, escaped, at every width.
    for w in [200, 100, 77, 40, 20] {
        let (_d, s) = nasty_session((w, 24));
        let pane = pane_text(&s);
        assert!(!pane.contains('\x1b') && !pane.contains('\r'), "{pane}");
        insta::assert_snapshot!(format!("structure_pane_nasty_{w}x24"), pane);
    }
}

#[test]
fn strings_from_the_file_are_shown_byte_by_byte_where_they_do_not_decode() {
    let (_d, mut s) = nasty_session((120, 30));
    let detail = |s: &mut Session, at: &str| {
        cmd(s, at);
        s.app.structure().unwrap().detail.clone().unwrap().value
    };
    assert_eq!(
        detail(&mut s, "0x4"),
        "\"\\u{1b}[31mred\\r\\tcr\\xc0\\x80bad 中文 e\\u{301} \\u{202e}rtl\\u{200b}zw!!!!!!!!\""
    );
    assert_eq!(detail(&mut s, "0x34"), "\"ok\\x80\\xffok\\u{1b}!\"");
    assert_eq!(
        detail(&mut s, "0x3c"),
        "\"\\u{7}bell 😀\\u{301}\\u{fffe}\\u{1b}]0;t\\u{7}xyz\""
    );
    // What the pane draws holds none of them raw.
    let sc = shown(&s);
    for bad in [
        '\x1b', '\r', '\t', '\x07', '\u{301}', '\u{202e}', '\u{200b}', '\u{fffe}',
    ] {
        assert!(!sc.contains(bad), "{bad:?} drawn raw:\n{sc}");
    }
}

#[test]
fn an_edit_deep_in_a_long_array_does_not_parse_the_array_again() {
    let dir = tempfile::tempdir().unwrap();
    let ksy = dir.path().join("tagged.ksy");
    std::fs::write(
        &ksy,
        "meta:\n  id: tagged\n  endian: le\nseq:\n  - id: head\n    type: u1\n  - id: recs\n    type: rec\n    repeat: eos\ntypes:\n  rec:\n    seq:\n      - id: tag\n        type: u1\n      - id: len\n        type: u1\n      - id: body\n        size: len\n",
    )
    .unwrap();
    let path = dir.path().join("tagged.bin");
    let mut bytes = vec![0xAA];
    for i in 0..20_000u32 {
        bytes.extend_from_slice(&[1, 2, i as u8, (i >> 8) as u8]);
    }
    std::fs::write(&path, &bytes).unwrap();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (120, 30));
    cmd(&mut s, &format!("template {}", ksy.display()));
    let at = 1 + 4 * 15_000;
    cmd(&mut s, &format!("{at:#x}"));
    assert_eq!(sel_path(&s), "recs[15000].tag");
    let parsed = s.app.structure().unwrap().node_count();
    assert!(
        parsed > 15_000 * 4,
        "reaching it parsed the records before: {parsed}"
    );
    cmd(&mut s, "field 7");
    assert!(
        message(&s).contains("recs[15000].tag set to 7"),
        "{}",
        message(&s)
    );
    assert_eq!(sel_path(&s), "recs[15000].tag", "the selection stays");
    let after = s.app.structure().unwrap().node_count();
    assert!(
        after < 300,
        "after the edit the records before it were kept: {after} nodes"
    );
    assert!(shown(&s).contains("tag"), "{}", shown(&s));
    cmd(&mut s, "w");
    let mut want = bytes.clone();
    want[at] = 7;
    assert_eq!(std::fs::read(&path).unwrap(), want);
    typ(&mut s, "u");
    assert!(s.app.structure().unwrap().node_count() < 300);
    cmd(&mut s, "w");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}
