//! Golden tests of the bundled templates over files built byte by byte here (and the test
//! binary itself for ELF), through the tree API the TUI uses.

mod support;
use support::{crc32, png_chunk};

use std::sync::Arc;

use maphex::core::ksy::encode::encode;
use maphex::core::ksy::{ChildCount, Library, NodeKind, Tree, Value};

fn tree(name: &str, bytes: Vec<u8>) -> Tree<Vec<u8>> {
    let t = Library::new(vec![])
        .by_name(name)
        .expect("bundled template loads");
    Tree::new(Arc::clone(&t.schema), bytes)
}

fn val(t: &mut Tree<Vec<u8>>, path: &str) -> Value {
    let id = t.lookup(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    t.value(id).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn int(t: &mut Tree<Vec<u8>>, path: &str) -> i128 {
    val(t, path)
        .as_int()
        .unwrap_or_else(|| panic!("{path} is not an integer"))
}

fn enum_name(t: &mut Tree<Vec<u8>>, path: &str) -> String {
    let id = t.lookup(path).expect("path");
    t.info(id).enum_name.unwrap_or_default()
}

fn png_bytes() -> Vec<u8> {
    let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 640u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&480u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 1]);
    f.extend(png_chunk(b"IHDR", &ihdr));
    f.extend(png_chunk(b"tEXt", b"Title\0hello"));
    // zlib of "hi" with a stored block: header, final stored block, adler32.
    let z = [
        0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, b'h', b'i', 0x01, 0x3b, 0x00, 0xd2,
    ];
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend_from_slice(&z);
    f.extend(png_chunk(b"zTXt", &ztxt));
    f.extend(png_chunk(b"IDAT", &[1, 2, 3]));
    f.extend(png_chunk(b"IEND", &[]));
    f
}

#[test]
fn png_chunks_and_ihdr() {
    let mut t = tree("png", png_bytes());
    assert_eq!(int(&mut t, "chunks[0].length"), 13);
    assert_eq!(val(&mut t, "chunks[0].type"), Value::Str("IHDR".into()));
    assert_eq!(int(&mut t, "chunks[0].data.width"), 640);
    assert_eq!(int(&mut t, "chunks[0].data.height"), 480);
    assert_eq!(enum_name(&mut t, "chunks[0].data.color_type"), "truecolor");
    assert_eq!(
        enum_name(&mut t, "chunks[0].data.interlace_method"),
        "adam7"
    );
    assert_eq!(
        val(&mut t, "chunks[1].data.keyword"),
        Value::Str("Title".into())
    );
    assert_eq!(
        val(&mut t, "chunks[1].data.text"),
        Value::Str("hello".into())
    );
    assert_eq!(val(&mut t, "chunks[1].is_ancillary"), Value::Bool(true));
    assert_eq!(
        val(&mut t, "chunks[2].data.text"),
        Value::Str("hi".into()),
        "process: zlib"
    );
    assert_eq!(val(&mut t, "chunks[4].type"), Value::Str("IEND".into()));
    let chunks = t.lookup("chunks").expect("chunks");
    assert_eq!(t.len(chunks), 5);
    assert!(t.error(t.root()).is_none() && t.error(chunks).is_none());
    // The innermost field at the width's second byte is the width.
    let path = t.find(17);
    let last = *path.last().expect("path");
    assert_eq!(t.path(last), "chunks[0].data.width");
    assert_eq!(t.file_range(last), Some(16..20));
}

#[test]
fn png_with_a_bad_signature_stops_at_offset_zero() {
    let mut f = png_bytes();
    f[1] = b'X';
    let mut t = tree("png", f);
    let root = t.root();
    assert_eq!(t.child_count(root), ChildCount::Known(0));
    let e = t.error(root).expect("error");
    assert_eq!(e.offset, 0);
    assert!(e.msg.contains("magic"), "{e}");
}

#[test]
fn truncated_png_keeps_what_was_parsed() {
    let mut f = png_bytes();
    f.truncate(8 + 25 + 10);
    let mut t = tree("png", f);
    let chunks = t.lookup("chunks").expect("chunks");
    assert_eq!(t.len(chunks), 1, "the IHDR chunk is kept");
    let e = t.error(chunks).expect("error");
    assert_eq!(e.offset, 8 + 25 + 8, "{e}");
    assert_eq!(int(&mut t, "chunks[0].data.width"), 640);
}

fn zip_bytes() -> Vec<u8> {
    let mut f = Vec::new();
    let le16 = |v: u16| v.to_le_bytes();
    let le32 = |v: u32| v.to_le_bytes();
    // Local file header of "a.txt", stored, 3 bytes.
    f.extend_from_slice(b"PK\x03\x04");
    f.extend_from_slice(&le16(10));
    f.extend_from_slice(&le16(0x0800)); // bit 11: UTF-8 names
    f.extend_from_slice(&le16(0));
    f.extend_from_slice(&le16(0));
    f.extend_from_slice(&le16(0));
    f.extend_from_slice(&le32(crc32(b"abc")));
    f.extend_from_slice(&le32(3));
    f.extend_from_slice(&le32(3));
    f.extend_from_slice(&le16(5));
    f.extend_from_slice(&le16(0));
    f.extend_from_slice(b"a.txt");
    f.extend_from_slice(b"abc");
    let cd = f.len() as u32;
    f.extend_from_slice(b"PK\x01\x02");
    for v in [20u16, 10, 0x0800, 0, 0, 0] {
        f.extend_from_slice(&le16(v));
    }
    f.extend_from_slice(&le32(crc32(b"abc")));
    f.extend_from_slice(&le32(3));
    f.extend_from_slice(&le32(3));
    for v in [5u16, 0, 0, 0, 0] {
        f.extend_from_slice(&le16(v));
    }
    f.extend_from_slice(&le32(0));
    f.extend_from_slice(&le32(0));
    f.extend_from_slice(b"a.txt");
    let cd_len = f.len() as u32 - cd;
    f.extend_from_slice(b"PK\x05\x06");
    for v in [0u16, 0, 1, 1] {
        f.extend_from_slice(&le16(v));
    }
    f.extend_from_slice(&le32(cd_len));
    f.extend_from_slice(&le32(cd));
    f.extend_from_slice(&le16(2));
    f.extend_from_slice(b"hi");
    f
}

#[test]
fn zip_records() {
    let mut t = tree("zip", zip_bytes());
    assert_eq!(enum_name(&mut t, "records[0].kind"), "local_file");
    assert_eq!(
        val(&mut t, "records[0].body.file_name"),
        Value::Str("a.txt".into())
    );
    assert_eq!(
        val(&mut t, "records[0].body.data"),
        Value::Bytes(b"abc".to_vec())
    );
    assert_eq!(
        val(&mut t, "records[0].body.flags.utf8_names"),
        Value::Bool(true)
    );
    assert_eq!(
        val(&mut t, "records[0].body.flags.encrypted"),
        Value::Bool(false)
    );
    assert_eq!(enum_name(&mut t, "records[1].kind"), "central_directory");
    assert_eq!(
        val(&mut t, "records[1].body.local_header.body.file_name"),
        Value::Str("a.txt".into())
    );
    assert_eq!(
        enum_name(&mut t, "records[2].kind"),
        "end_of_central_directory"
    );
    assert_eq!(int(&mut t, "records[2].body.entries_total"), 1);
    assert_eq!(
        val(&mut t, "records[2].body.comment"),
        Value::Str("hi".into())
    );
    let records = t.lookup("records").expect("records");
    assert_eq!(t.len(records), 3);
}

fn riff_chunk(id: &[u8], data: &[u8]) -> Vec<u8> {
    let mut v = id.to_vec();
    v.extend_from_slice(&(data.len() as u32).to_le_bytes());
    v.extend_from_slice(data);
    if data.len() % 2 == 1 {
        v.push(0);
    }
    v
}

#[test]
fn wav_fmt_fields() {
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&1u16.to_le_bytes());
    fmt.extend_from_slice(&2u16.to_le_bytes());
    fmt.extend_from_slice(&48000u32.to_le_bytes());
    fmt.extend_from_slice(&192_000u32.to_le_bytes());
    fmt.extend_from_slice(&4u16.to_le_bytes());
    fmt.extend_from_slice(&16u16.to_le_bytes());
    let mut body = b"WAVE".to_vec();
    body.extend(riff_chunk(b"fmt ", &fmt));
    body.extend(riff_chunk(b"LIST", b"INFOINAM\x03\x00\x00\x00ab\x00\x00"));
    body.extend(riff_chunk(b"data", &[1, 2, 3]));
    let mut f = b"RIFF".to_vec();
    f.extend_from_slice(&(body.len() as u32).to_le_bytes());
    f.extend(body);
    let mut t = tree("wav", f);
    assert_eq!(enum_name(&mut t, "chunks[0].data.format_tag"), "pcm");
    assert_eq!(int(&mut t, "chunks[0].data.channels"), 2);
    assert_eq!(int(&mut t, "chunks[0].data.samples_per_sec"), 48000);
    assert_eq!(int(&mut t, "chunks[0].data.bits_per_sample"), 16);
    assert_eq!(
        val(&mut t, "chunks[1].data.entries[0].value"),
        Value::Str("ab".into())
    );
    assert_eq!(val(&mut t, "chunks[2].data"), Value::Bytes(vec![1, 2, 3]));
    assert_eq!(
        val(&mut t, "chunks[2].pad"),
        Value::Bytes(vec![0]),
        "odd sizes are padded"
    );
    let chunks = t.lookup("chunks").expect("chunks");
    assert_eq!(t.len(chunks), 3);
    assert!(t.error(chunks).is_none());
}

#[test]
fn gif_screen_and_blocks() {
    let mut f = b"GIF89a".to_vec();
    f.extend_from_slice(&[3, 0, 5, 0, 0b1001_0001, 7, 0]);
    f.extend_from_slice(&[0; 12]); // 4 colours
    f.extend_from_slice(&[0x21, 0xf9, 4, 0b0000_1001, 20, 0, 2, 0]);
    f.extend_from_slice(&[0x2c, 0, 0, 0, 0, 3, 0, 5, 0, 0, 2, 2, 0x4c, 1, 0]);
    f.push(0x3b);
    let mut t = tree("gif", f);
    assert_eq!(val(&mut t, "version"), Value::Str("89a".into()));
    assert_eq!(int(&mut t, "screen.width"), 3);
    assert_eq!(int(&mut t, "screen.height"), 5);
    assert_eq!(val(&mut t, "screen.has_color_table"), Value::Bool(true));
    assert_eq!(int(&mut t, "screen.color_resolution"), 1);
    assert_eq!(int(&mut t, "screen.color_table_size"), 1);
    assert_eq!(int(&mut t, "screen.background_color"), 7);
    let gct = t.lookup("global_color_table").expect("gct");
    assert_eq!(t.child_count(gct), ChildCount::Known(4));
    assert_eq!(int(&mut t, "blocks[0].body.body.disposal"), 2);
    assert_eq!(
        val(&mut t, "blocks[0].body.body.has_transparency"),
        Value::Bool(true)
    );
    assert_eq!(int(&mut t, "blocks[0].body.body.delay_centiseconds"), 20);
    assert_eq!(int(&mut t, "blocks[1].body.width"), 3);
    assert_eq!(enum_name(&mut t, "blocks[2].introducer"), "trailer");
}

#[test]
fn bmp_headers() {
    let mut f = b"BM".to_vec();
    let pixels = [0u8; 16];
    f.extend_from_slice(&(14 + 40 + 16u32).to_le_bytes());
    f.extend_from_slice(&[0; 4]);
    f.extend_from_slice(&54u32.to_le_bytes());
    f.extend_from_slice(&40u32.to_le_bytes());
    f.extend_from_slice(&2i32.to_le_bytes());
    f.extend_from_slice(&(-2i32).to_le_bytes());
    f.extend_from_slice(&1u16.to_le_bytes());
    f.extend_from_slice(&24u16.to_le_bytes());
    f.extend_from_slice(&[0; 24]);
    f.extend_from_slice(&pixels);
    let mut t = tree("bmp", f);
    assert_eq!(int(&mut t, "file_header.pixel_offset"), 54);
    assert_eq!(int(&mut t, "dib_header.header_size"), 40);
    assert_eq!(int(&mut t, "dib_header.header.height"), -2);
    assert_eq!(val(&mut t, "dib_header.header.top_down"), Value::Bool(true));
    assert_eq!(enum_name(&mut t, "dib_header.header.compression"), "rgb");
    let px = t.lookup("pixels").expect("pixels");
    assert_eq!(t.file_range(px), Some(54..70));
}

#[test]
fn elf_of_this_test_binary() {
    let bytes = std::fs::read("/proc/self/exe").expect("read /proc/self/exe");
    let mut t = tree("elf", bytes);
    assert_eq!(
        enum_name(&mut t, "class"),
        if cfg!(target_pointer_width = "64") {
            "class64"
        } else {
            "class32"
        }
    );
    let kind = enum_name(&mut t, "header.type");
    assert!(kind == "dyn" || kind == "exec", "{kind}");
    let machine = enum_name(&mut t, "header.machine");
    assert!(!machine.is_empty(), "machine enum resolves");
    let phs = t.lookup("header.program_headers").expect("program headers");
    let phnum = int(&mut t, "header.phnum");
    assert_eq!(t.child_count(phs), ChildCount::Known(phnum as u64));
    let shs = t.lookup("header.section_headers").expect("section headers");
    let n = t.len(shs);
    let mut names = Vec::new();
    for i in 0..n {
        if let Ok(id) = t.lookup(&format!("header.section_headers[{i}].name"))
            && let Ok(Value::Str(s)) = t.value(id)
        {
            names.push(s);
        }
    }
    assert!(names.iter().any(|s| s == ".text"), "{names:?}");
    assert!(t.error(t.root()).is_none());
}

#[test]
fn encode_writes_in_the_fields_encoding() {
    let mut t = tree("png", png_bytes());
    let w = t.lookup("chunks[0].data.width").expect("width");
    assert_eq!(encode(&mut t, w, "0x100").expect("hex"), vec![0, 0, 1, 0]);
    assert_eq!(encode(&mut t, w, "258").expect("dec"), vec![0, 0, 1, 2]);
    assert!(encode(&mut t, w, "-1").is_err());
    assert!(encode(&mut t, w, "4294967296").is_err());
    let ct = t.lookup("chunks[0].data.color_type").expect("ct");
    assert_eq!(encode(&mut t, ct, "indexed").expect("enum"), vec![3]);
    assert!(
        encode(&mut t, ct, "purple")
            .unwrap_err()
            .0
            .contains("not a member")
    );
    let kw = t.lookup("chunks[1].data.keyword").expect("keyword");
    assert_eq!(
        encode(&mut t, kw, "Tight").expect("same length"),
        b"Tight\0"
    );
    assert!(encode(&mut t, kw, "Longer").is_err());
    let root = t.root();
    assert!(encode(&mut t, root, "1").is_err());
    // Bits: the ZIP's UTF-8 flag is bit 11 of a little-endian u2 (bit 3 of its second byte).
    let mut z = tree("zip", zip_bytes());
    let enc = z.lookup("records[0].body.flags.encrypted").expect("flag");
    assert_eq!(encode(&mut z, enc, "1").expect("bit"), vec![0x01]);
    let utf8 = z.lookup("records[0].body.flags.utf8_names").expect("flag");
    assert_eq!(encode(&mut z, utf8, "false").expect("bit"), vec![0x00]);
    assert_eq!(z.info(utf8).kind, NodeKind::Scalar);
}
