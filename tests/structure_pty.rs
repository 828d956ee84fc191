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
