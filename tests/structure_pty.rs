//! End to end in a pseudo-terminal: open a PNG, show its structure with `t`, move to the
//! IHDR width, edit it, save, and check the bytes on disk.

mod common;
use common::{Options, Tui, temp_file};

fn png() -> Vec<u8> {
    // Signature, then an IHDR chunk of 640×480 (the CRC is not checked by the template).
    let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
    f.extend_from_slice(&13u32.to_be_bytes());
    f.extend_from_slice(b"IHDR");
    f.extend_from_slice(&640u32.to_be_bytes());
    f.extend_from_slice(&480u32.to_be_bytes());
    f.extend_from_slice(&[8, 2, 0, 0, 0]);
    f.extend_from_slice(&[0, 0, 0, 0]);
    f.extend_from_slice(&0u32.to_be_bytes());
    f.extend_from_slice(b"IEND");
    f.extend_from_slice(&[0xae, 0x42, 0x60, 0x82]);
    f
}

#[test]
fn t_moves_edits_and_saves_a_png_field() {
    let (_dir, path) = temp_file("pic.png", &png());
    // An empty config folder: no user template or config changes what is found.
    let cfg = tempfile::tempdir().expect("temp dir");
    let opts = Options::default()
        .size(30, 130)
        .env("XDG_CONFIG_HOME", cfg.path());
    let mut t = Tui::spawn_with([path.as_os_str()], &opts);
    t.wait_for("the template announced", |s| {
        s.contains("template png found")
    });
    t.send("t");
    t.wait_for("the tree", |s| {
        s.contains("signature") && s.contains("chunks")
    });
    // chunks, unfold; [0], unfold; length, type, data, unfold; width.
    t.send("jljljjjlj");
    t.wait_for("the width selected", |s| {
        s.contains("png: chunks[0].data.width")
    });
    t.send("e");
    t.wait_for("the prompt prefilled", |s| s.contains(":field 640"));
    t.send("\x7f\x7f\x7f1025\r");
    t.wait_for("the new value", |s| s.contains("1025 (0x401)"));
    t.send(":w\r");
    t.wait_for("saved", |s| s.contains("saved"));
    let disk = std::fs::read(&path).expect("read back");
    assert_eq!(&disk[16..20], &1025u32.to_be_bytes());
    t.send(":q\r");
    assert!(t.wait_exit().success());
}

/// A PNG whose tEXt chunk holds an SGR escape (red), an OSC title, a carriage return and a
/// bell: in a real terminal they must stay text.
fn png_with_escapes() -> Vec<u8> {
    let mut f = png();
    // Before IEND (the last 12 bytes): a tEXt chunk (the CRC is not checked).
    let iend = f.split_off(f.len() - 12);
    let text = b"Title\0\x1b[31mred\x1b]0;pwned\x07\r!";
    f.extend_from_slice(
        &u32::try_from(text.len())
            .expect("a short text")
            .to_be_bytes(),
    );
    f.extend_from_slice(b"tEXt");
    f.extend_from_slice(text);
    f.extend_from_slice(&[0; 4]);
    f.extend(iend);
    f
}

#[test]
fn a_narrow_terminal_shows_the_tree_over_the_hex_view_and_escapes_in_the_file_stay_text() {
    let (_dir, path) = temp_file("esc.png", &png_with_escapes());
    let cfg = tempfile::tempdir().expect("temp dir");
    let opts = Options::default()
        .size(24, 40)
        .env("XDG_CONFIG_HOME", cfg.path());
    let mut t = Tui::spawn_with([path.as_os_str()], &opts);
    t.wait_for("the template announced", |s| {
        s.contains("template png found")
    });
    // 40 columns: the tree takes the screen while it has the keys.
    t.send("t");
    t.wait_for("the tree over the hex view", |s| {
        s.starts_with("─ png: signature") && !s.contains("00000000")
    });
    // The tEXt text (IHDR ends at 0x21; tEXt's data at 0x29, "Title\0", then the text).
    t.send(":0x2f\r");
    let s = t.wait_for("the text selected, escaped", |s| {
        s.contains("png: chunks[1].data.text") && s.contains("\"\\u{1b}[31mred\\u{1b}]0;")
    });
    assert!(s.contains("\\u{7}\\r!\""), "{s}");
    // Drawn as text: the letters after the escape are not red.
    let (row, col) = t.find("[31mred").expect("on screen");
    let red = t.cell(row, col + 4).expect("a cell");
    assert_eq!(red.contents(), "r");
    assert_ne!(
        red.fgcolor(),
        vt100::Color::Idx(1),
        "the file's SGR reached the terminal"
    );
    // Wider: beside the hex view. Tab: the hex view has the keys. Narrow again: the hex
    // view alone; t: the tree again.
    t.resize(24, 120);
    t.wait_for("the pane beside the hex view", |s| {
        s.contains("00000000") && s.contains("│─ png: chunks[1].data.text")
    });
    t.send("\t");
    t.wait_for("the keys in the hex view", |s| s.contains("t focuses"));
    t.resize(24, 40);
    t.wait_for("the hex view alone", |s| {
        s.contains("00000000") && !s.contains("png:")
    });
    t.send("t");
    t.wait_for("the tree again", |s| {
        s.starts_with("─ png: chunks[1]") && !s.contains("00000000")
    });
    t.send("\t:q\r");
    assert!(t.wait_exit().success());
}
