//! Templates written here that use, one by one, the constructs the Kaitai gallery's
//! everyday templates (png, gif, bmp, wav, zip, elf) need, so that those run unmodified:
//! parameters, imports, computed endianness, `io:` instances, `valid` forms, `process`,
//! string and byte-array literals, `.to_s`, `.as<>`, `.to_i` on enums, `_parent._parent`,
//! boolean and string switch cases, `-x % 4`, duplicate documentation keys.

mod support;
use support::{ksy_tree as run, ksy_value as val};

use maphex::core::ksy::{Library, Tree, Value};

const PARAMS_AND_ENDIAN: &str = r#"
meta:
  id: demo
  title: constructs
  ks-version: 0.9
doc-ref: first
doc-ref: second
-webide-representation: "{x}"
seq:
  - id: magic
    size: 4
    contents: [0x7f, "ELF"]
  - id: order
    type: u1
    enum: order
  - id: body
    type: body
  - id: flags
    type: flags(body.raw)
  - id: padded
    size: -body.odd % 4
  - id: tag
    type: str
    size: 2
    encoding: ASCII
  - id: by_tag
    size: 1
    type:
      switch-on: tag
      cases:
        '"ab"': one_byte(true)
        _: one_byte(false)
instances:
  is_le:
    value: order == order::le
  order_num:
    value: order::be.to_i
  as_float:
    value: body.raw.as<f4> / (1 << 2)
  text:
    value: magic.to_s("ASCII")
  magic_ok:
    value: magic == [0x7f, 0x45, 0x4c, 0x46] and magic[1] == 69 and magic.last == 70 and magic.size == 4
  joined:
    value: '(body.raw <= 9 ? "0" : "") + body.raw.to_s'
  elsewhere:
    io: body._io
    pos: 1
    type: u1
types:
  body:
    meta:
      endian:
        switch-on: _root.order
        cases:
          order::le: le
          order::be: be
    seq:
      - id: raw
        type: u2
      - id: odd
        type: u1
  flags:
    params:
      - id: value
        type: u2
    instances:
      low_bit:
        value: value & 1 != 0
      twice:
        value: value * 2
  one_byte:
    params:
      - id: signed
        type: bool
    seq:
      - id: v
        type:
          switch-on: signed
          cases:
            true: s1
            false: u1
      - id: up
        size: 0
        if: _parent._parent.order == order::le
enums:
  order:
    1:
      id: le
      doc: little
    2: be
"#;

#[test]
fn params_endian_switch_and_literals() {
    let mut bytes = b"\x7fELF\x01".to_vec();
    bytes.extend_from_slice(&[0x05, 0x00, 0x03]); // raw = 5 (le), odd = 3
    bytes.push(0); // padded: -3 % 4 == 1
    bytes.extend_from_slice(b"ab\xff");
    let mut t = run(PARAMS_AND_ENDIAN, bytes.clone());
    assert_eq!(val(&mut t, "body.raw"), Value::Int(5));
    assert_eq!(val(&mut t, "is_le"), Value::Bool(true));
    assert_eq!(val(&mut t, "order_num"), Value::Int(2));
    assert_eq!(val(&mut t, "flags.low_bit"), Value::Bool(true));
    assert_eq!(val(&mut t, "flags.twice"), Value::Int(10));
    assert_eq!(val(&mut t, "padded"), Value::Bytes(vec![0]));
    assert_eq!(val(&mut t, "by_tag.v"), Value::Int(-1), "signed case");
    assert_eq!(val(&mut t, "as_float"), Value::Float(1.25));
    assert_eq!(val(&mut t, "text"), Value::Str("\u{7f}ELF".into()));
    assert_eq!(val(&mut t, "magic_ok"), Value::Bool(true));
    assert_eq!(val(&mut t, "joined"), Value::Str("05".into()));
    // `body` is read in place, so its stream is the file's: byte 1 is 'E'.
    assert_eq!(val(&mut t, "elsewhere"), Value::Int(0x45));
    // Big-endian: the same bytes read the other way.
    bytes[4] = 2;
    let mut t = run(PARAMS_AND_ENDIAN, bytes);
    assert_eq!(val(&mut t, "body.raw"), Value::Int(0x500));
}

#[test]
fn valid_forms_and_process() {
    let text = r#"
meta:
  id: v
  endian: be
seq:
  - id: a
    type: u1
    valid: 1
  - id: b
    type: u1
    valid:
      min: 2
      max: 5
  - id: c
    type: u1
    valid:
      any-of: [7, 8]
  - id: d
    size: 2
    valid:
      expr: _[0] < _[1]
  - id: e
    type: u1
    enum: e
    valid:
      in-enum: true
  - id: x
    size: 2
    process: xor(0xff)
  - id: r
    size: 1
    process: rol(1)
  - id: rest
    type: strz
    encoding: UTF-8
    valid:
      expr: _.length != 0 and _.substring(0, 1) != "."
enums:
  e:
    4: four
"#;
    let ok = vec![1, 3, 8, 1, 2, 4, 0x0f, 0xf0, 0x81, b'h', b'i', 0];
    let mut t = run(text, ok.clone());
    assert_eq!(val(&mut t, "x"), Value::Bytes(vec![0xf0, 0x0f]));
    assert_eq!(val(&mut t, "r"), Value::Bytes(vec![0x03]));
    assert_eq!(val(&mut t, "rest"), Value::Str("hi".into()));
    for (i, bad) in [(0, 2u8), (1, 9), (2, 9), (3, 9), (5, 5)] {
        let mut b = ok.clone();
        b[i] = bad;
        let mut t = run(text, b);
        let root = t.root();
        let _ = t.child_count(root);
        let e = t
            .error(root)
            .unwrap_or_else(|| panic!("byte {i} = {bad} passes"));
        assert_eq!(e.offset, if i == 5 { 5 } else { i as u64 }, "{e}");
    }
}

#[test]
fn imports_come_from_the_template_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("common")).expect("mkdir");
    std::fs::write(
        dir.path().join("common/pair.ksy"),
        "meta:\n  id: pair\n  endian: le\nseq:\n  - id: a\n    type: u2\n  - id: b\n    type: u2\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("outer.ksy"),
        "meta:\n  id: outer\n  imports:\n    - /common/pair\nseq:\n  - id: p\n    type: pair\n",
    )
    .expect("write");
    let lib = Library::new(vec![dir.path().to_path_buf()]);
    let t = lib.by_name("outer").expect("loads with its import");
    let mut tree = Tree::new(t.schema, vec![1, 0, 2, 0]);
    assert_eq!(val(&mut tree, "p.b"), Value::Int(2));
    // A missing import is an error at its line.
    std::fs::write(
        dir.path().join("bad.ksy"),
        "meta:\n  id: bad\n  imports:\n    - nowhere\n",
    )
    .expect("write");
    let e = lib.by_name("bad").expect_err("missing import").to_string();
    assert!(e.contains("4:7") && e.contains("nowhere"), "{e}");
    // A folder's template wins over the bundled one, and is detected by its magic.
    std::fs::write(
        dir.path().join("png.ksy"),
        "meta:\n  id: mypng\nseq:\n  - id: m\n    contents: [0x89, PNG]\n",
    )
    .expect("write");
    let found = lib.detect(Some("x.bin"), b"\x89PNG\r\n").expect("detected");
    assert_eq!(found.schema.id, "mypng");
    let by_ext = Library::new(vec![])
        .detect(Some("a.WAV"), b"")
        .expect("by extension");
    assert_eq!(by_ext.name, "wav");
}

#[test]
fn repeat_until_and_eos_with_the_current_item() {
    let text = "meta:\n  id: r\nseq:\n  - id: blocks\n    type: blk\n    repeat: until\n    repeat-until: _.len == 0\n  - id: tail\n    type: u1\n    repeat: eos\ntypes:\n  blk:\n    seq:\n      - id: len\n        type: u1\n      - id: data\n        size: len\n";
    let mut t = run(text, vec![2, 9, 9, 1, 8, 0, 5, 6]);
    let blocks = t.lookup("blocks").expect("blocks");
    assert_eq!(t.len(blocks), 3);
    assert_eq!(val(&mut t, "blocks[1].data"), Value::Bytes(vec![8]));
    assert_eq!(val(&mut t, "tail[1]"), Value::Int(6));
}
