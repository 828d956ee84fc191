//! Where the interpreter used to differ from the Kaitai compiler and its runtimes, and now
//! does what they do: bit fields that go on across user types and array elements (and
//! re-align at the next byte-aligned field), `bit-endian`, `_io.pos` and `_io.eof` with
//! bits pending, `_sizeof` / `sizeof<>` / `bitsizeof<>`, `.as<user_type>`, a `switch-on`
//! that matches no case, and `_io.pos` in an instance computed in the middle of a `seq`.
//! Every template here is written for these tests, and every file is built byte by byte.

mod support;
use support::{ksy_tree as run, ksy_value as val};

use maphex::core::ksy::schema::NoImports;
use maphex::core::ksy::{Schema, SchemaError, Tree, Value};

fn load(text: &str) -> Result<Schema, SchemaError> {
    Schema::load(text, &NoImports)
}

fn int(t: &mut Tree<Vec<u8>>, path: &str) -> i128 {
    match val(t, path) {
        Value::Int(i) | Value::Enum { value: i, .. } => i,
        Value::Bool(b) => i128::from(b),
        v => panic!("{path}: not an integer: {v:?}"),
    }
}

/// Offset and size of a node in the file.
fn span(t: &mut Tree<Vec<u8>>, path: &str) -> (u64, u64) {
    let id = t.lookup(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let r = t.file_range(id).expect("in the file");
    (r.start, r.end - r.start)
}

const BIT_FLOW: &str = "
meta:
  id: bit_flow
seq:
  - id: hi
    type: nibble
  - id: lo
    type: nibble
  - id: three
    type: b3
  - id: after_bits
    type: nibble
  - id: tail
    type: b4
  - id: byte
    type: u1
  - id: odd
    type: six_bits
  - id: rest
    type: b2
  - id: odd2
    type: six_bits
  - id: aligned
    type: u1
types:
  nibble:
    seq:
      - id: v
        type: b4
  six_bits:
    seq:
      - id: a
        type: b5
      - id: b
        type: b1
";

#[test]
fn bits_go_on_across_user_types_and_realign_at_a_byte_field() {
    let bytes = vec![
        0xC5,        // hi.v, lo.v: one byte for two structs
        0b1011_1111, // three = 0b101, the rest dropped: a struct comes after bits
        0x9E,        // after_bits.v = 9, tail = 0xE: bits go on out of a struct
        0x42,        // byte
        0b1011_0101, // odd.a = 0b10110, odd.b = 1, rest = 0b01
        0b0001_1011, // odd2.a = 3, odd2.b = 0, two bits dropped before `aligned`
        0x99,
    ];
    let mut t = run(BIT_FLOW, bytes);
    assert_eq!(int(&mut t, "hi.v"), 0xC);
    assert_eq!(int(&mut t, "lo.v"), 0x5);
    assert_eq!(int(&mut t, "three"), 5);
    assert_eq!(int(&mut t, "after_bits.v"), 9);
    assert_eq!(int(&mut t, "tail"), 0xE);
    assert_eq!(int(&mut t, "byte"), 0x42);
    assert_eq!(int(&mut t, "odd.a"), 0b10110);
    assert_eq!(int(&mut t, "odd.b"), 1);
    assert_eq!(int(&mut t, "rest"), 1);
    assert_eq!(int(&mut t, "odd2.a"), 3);
    assert_eq!(int(&mut t, "odd2.b"), 0);
    assert_eq!(int(&mut t, "aligned"), 0x99);
    // Structs that share a byte both cover it.
    assert_eq!(span(&mut t, "lo"), (0, 1));
    assert_eq!(span(&mut t, "lo.v"), (0, 1));
    assert_eq!(span(&mut t, "tail"), (2, 1));
    assert_eq!(span(&mut t, "rest"), (4, 1));
    assert_eq!(span(&mut t, "aligned"), (6, 1));
    let root = t.root();
    assert!(t.error(root).is_none());
}

const BIT_ARRAYS: &str = "
meta:
  id: bit_arrays
seq:
  - id: flags
    type: b1
    repeat: expr
    repeat-expr: 10
  - id: after
    type: b6
  - id: nibbles
    type: nibble
    repeat: expr
    repeat-expr: 3
  - id: last_nibble
    type: b4
  - id: till_end
    type: b4
    repeat: until
    repeat-until: _io.eof
types:
  nibble:
    seq:
      - id: v
        type: b4
";

#[test]
fn array_elements_share_bytes_and_eof_waits_for_pending_bits() {
    let bytes = vec![0b1010_1010, 0b1100_0111, 0x12, 0x34, 0xAB];
    let mut t = run(BIT_ARRAYS, bytes);
    let flags: Vec<i128> = (0..10)
        .map(|i| int(&mut t, &format!("flags[{i}]")))
        .collect();
    assert_eq!(flags, [1, 0, 1, 0, 1, 0, 1, 0, 1, 1]);
    assert_eq!(int(&mut t, "after"), 0b00_0111);
    assert_eq!(int(&mut t, "nibbles[0].v"), 1);
    assert_eq!(int(&mut t, "nibbles[1].v"), 2);
    assert_eq!(int(&mut t, "nibbles[2].v"), 3);
    assert_eq!(int(&mut t, "last_nibble"), 4);
    // After the first nibble of the last byte the stream is at its end, but four bits are
    // still pending: `_io.eof` is false until they are read.
    let arr = t.lookup("till_end").expect("array");
    assert_eq!(t.len(arr), 2);
    assert_eq!(int(&mut t, "till_end[0]"), 0xA);
    assert_eq!(int(&mut t, "till_end[1]"), 0xB);
    assert_eq!(span(&mut t, "flags"), (0, 2));
    assert_eq!(span(&mut t, "nibbles"), (2, 2));
}

#[test]
fn bit_endian_le_and_be_and_no_switch_inside_a_byte() {
    let text = "
meta:
  id: order
  bit-endian: le
seq:
  - id: a
    type: b3
  - id: b
    type: b7
  - id: c
    type: b6
  - id: be_part
    type: be_bits
types:
  be_bits:
    meta:
      bit-endian: be
    seq:
      - id: x
        type: b4
      - id: y
        type: b4
";
    let mut t = run(text, vec![0b1010_1101, 0b1100_0111, 0x3C]);
    // Little-endian bit order takes the low bits first and goes on into the next byte.
    assert_eq!(int(&mut t, "a"), 0b101);
    assert_eq!(int(&mut t, "b"), 0b10101 | (0b11 << 5));
    assert_eq!(int(&mut t, "c"), 0b11_0001);
    assert_eq!(int(&mut t, "be_part.x"), 3);
    assert_eq!(int(&mut t, "be_part.y"), 0xC);

    let mixed = "
meta:
  id: mixed
seq:
  - id: a
    type: b4
  - id: b
    type: b4le
";
    let mut t = run(mixed, vec![0xFF]);
    let root = t.root();
    let _ = t.children(root, 0..10);
    let e = t.error(root).expect("an error");
    assert!(e.msg.contains("bit order changes"), "{e}");
}

#[test]
fn io_pos_counts_the_bytes_bit_fields_took() {
    let text = "
meta:
  id: pos_bits
seq:
  - id: p3
    type: b3
  - id: p5
    type: b5
    if: _io.pos == 1
  - id: p1
    type: b1
    if: _io.pos == 1
  - id: p7
    type: b7
    if: _io.pos == 2
";
    let mut t = run(text, vec![0b0110_0001, 0b1000_0011]);
    assert_eq!(int(&mut t, "p3"), 0b011);
    assert_eq!(int(&mut t, "p5"), 1);
    assert_eq!(int(&mut t, "p1"), 1);
    assert_eq!(int(&mut t, "p7"), 3);
}

const SIZES: &str = "
meta:
  id: sizes
  endian: le
seq:
  - id: hdr
    type: header
  - id: len
    type: u4
  - id: blob
    size: 3
  - id: dyn
    size: len
  - id: stamp
    type: packed_date
  - id: rest
    size: _root.hdr._sizeof
instances:
  hdr_size:
    value: hdr._sizeof
  len_size:
    value: len._sizeof
  blob_size:
    value: blob._sizeof
  stamp_size:
    value: stamp._sizeof
  type_size:
    value: sizeof<header>
  prim_size:
    value: sizeof<u8>
  bits_size:
    value: bitsizeof<b12>
  date_bits:
    value: bitsizeof<packed_date>
  inner_self:
    value: hdr.self_size
  inner_parent:
    value: hdr.parent_size
  whole:
    value: _root._sizeof + 0
types:
  header:
    seq:
      - id: magic
        contents: SZ
      - id: version
        type: u2
      - id: flags
        type: u1
      - id: pad
        size: 1
    instances:
      self_size:
        value: _sizeof
      parent_size:
        value: _parent.stamp._sizeof
  packed_date:
    seq:
      - id: d
        type: b5
      - id: m
        type: b6
      - id: y
        type: b5
";

fn sizes_file() -> Vec<u8> {
    let mut b = b"SZ".to_vec();
    b.extend([1, 0, 7, 0]); // version, flags, pad
    b.extend([2, 0, 0, 0]); // len
    b.extend([0xAA, 0xBB, 0xCC]); // blob
    b.extend([0xDD, 0xEE]); // dyn
    b.extend([0x12, 0x34]); // stamp
    b.extend([9; 6]); // rest: hdr._sizeof bytes
    b
}

#[test]
fn sizeof_of_fields_types_and_builtins() {
    let mut t = run(SIZES, sizes_file());
    assert_eq!(int(&mut t, "hdr_size"), 6);
    assert_eq!(int(&mut t, "len_size"), 4);
    assert_eq!(int(&mut t, "blob_size"), 3);
    // b5 + b6 + b5 is two whole bytes.
    assert_eq!(int(&mut t, "stamp_size"), 2);
    assert_eq!(int(&mut t, "type_size"), 6);
    assert_eq!(int(&mut t, "prim_size"), 8);
    assert_eq!(int(&mut t, "bits_size"), 12);
    assert_eq!(int(&mut t, "date_bits"), 16);
    assert_eq!(int(&mut t, "hdr.self_size"), 6);
    assert_eq!(int(&mut t, "inner_self"), 6);
    assert_eq!(int(&mut t, "inner_parent"), 2);
    assert_eq!(span(&mut t, "rest"), (17, 6));
    // The root's size is not fixed (`dyn` has `size: len`): asked at run time, an error.
    let id = t.lookup("whole").expect("instance");
    let e = t.error(id).expect("no fixed size");
    assert!(
        e.msg.contains("`_sizeof`") && e.msg.contains("no fixed size"),
        "{e}"
    );
}

#[test]
fn sizeof_that_is_not_fixed_is_rejected_with_its_line_and_column() {
    let text = "meta:\n  id: bad\nseq:\n  - id: n\n    type: u1\n  - id: data\n    size: n\ninstances:\n  s:\n    value: data._sizeof\n";
    let e = load(text).expect_err("dynamic size");
    assert_eq!((e.pos.line, e.pos.col), (9, 3), "{e}");
    assert!(
        e.msg.contains("data._sizeof") && e.msg.contains("no fixed size"),
        "{e}"
    );

    let text = "meta:\n  id: bad\nseq:\n  - id: n\n    size: sizeof<nosuch>\n";
    let e = load(text).expect_err("unknown type");
    assert_eq!(e.pos.line, 4, "{e}");
    assert!(
        e.msg.contains("sizeof<nosuch>") && e.msg.contains("unknown type"),
        "{e}"
    );

    let text = "meta:\n  id: bad\nseq:\n  - id: s\n    type: strz\n    encoding: ASCII\ninstances:\n  me:\n    value: _sizeof\n";
    let e = load(text).expect_err("strz has no fixed size");
    assert!(
        e.msg.contains("`_sizeof`") && e.msg.contains("`bad`"),
        "{e}"
    );

    // Folded to a number, a size fixes the type's size in turn.
    let text = "meta:\n  id: ok\nseq:\n  - id: a\n    size: sizeof<u4> + bitsizeof<b4>\ninstances:\n  me:\n    value: _sizeof\n";
    let mut t = run(text, vec![0; 8]);
    assert_eq!(int(&mut t, "me"), 8);
}

const CASTS: &str = "
meta:
  id: casts
seq:
  - id: kind
    type: u1
  - id: body
    type:
      switch-on: kind
      cases:
        1: text
        2: number
instances:
  as_text:
    value: body.as<text>.s
  wrong:
    value: body.as<number>.n
  not_an_object:
    value: kind.as<text>
  halved:
    value: kind.as<f8> / 2
  first_of_body:
    io: body.as<text>._io
    pos: 1
    type: u1
types:
  text:
    seq:
      - id: s
        type: strz
        encoding: ASCII
  number:
    seq:
      - id: n
        type: u1
";

#[test]
fn cast_to_a_user_type_checks_the_object() {
    let mut t = run(CASTS, vec![1, b'h', b'i', 0]);
    assert_eq!(val(&mut t, "as_text"), Value::Str("hi".into()));
    assert_eq!(val(&mut t, "halved"), Value::Float(0.5));
    assert_eq!(int(&mut t, "first_of_body"), i128::from(b'h'));
    let id = t.lookup("wrong").expect("instance");
    let e = t.error(id).expect("wrong type");
    assert!(e.msg.contains("is a `text`, not a `number`"), "{e}");
    let id = t.lookup("not_an_object").expect("instance");
    let e = t.error(id).expect("not an object");
    assert!(e.msg.contains("integer is not a `text`"), "{e}");

    let mut t = run(CASTS, vec![2, 7]);
    let id = t.lookup("as_text").expect("instance");
    assert!(t.error(id).is_some());
    let id = t.lookup("wrong").expect("instance");
    assert!(t.error(id).is_none());
    assert_eq!(val(&mut t, "wrong"), Value::Int(7));

    let text = "meta:\n  id: bad\nseq:\n  - id: a\n    type: u1\ninstances:\n  c:\n    value: a.as<nosuch>\n";
    let e = load(text).expect_err("unknown cast type");
    assert_eq!((e.pos.line, e.pos.col), (7, 3), "{e}");
    assert!(e.msg.contains(".as<nosuch>"), "{e}");
}

#[test]
fn a_switch_that_matches_nothing_reads_nothing() {
    let text = "
meta:
  id: no_case
seq:
  - id: kind
    type: u1
  - id: body
    type:
      switch-on: kind
      cases:
        1: one
  - id: sized
    size: 2
    type:
      switch-on: kind
      cases:
        1: one
  - id: next
    type: u1
instances:
  body_value:
    value: body
types:
  one:
    seq:
      - id: v
        type: u1
";
    let mut t = run(text, vec![5, 0xA1, 0xA2, 0xB0]);
    assert!(t.lookup("body").is_err(), "no case, no size: absent");
    assert_eq!(val(&mut t, "body_value"), Value::Null);
    assert_eq!(val(&mut t, "sized"), Value::Bytes(vec![0xA1, 0xA2]));
    assert_eq!(int(&mut t, "next"), 0xB0);

    let mut t = run(text, vec![1, 0x11, 0x22, 0x33, 0x44]);
    assert_eq!(int(&mut t, "body.v"), 0x11);
    assert_eq!(int(&mut t, "sized.v"), 0x22);
    assert_eq!(int(&mut t, "next"), 0x44);
}

#[test]
fn io_pos_in_an_instance_is_where_the_parse_is() {
    // The `size: 0` / `if` pair makes the instance be computed between `a` and `b`.
    let text = "
meta:
  id: where
seq:
  - id: a
    type: u2le
  - id: save_here
    size: 0
    if: here < 0
  - id: b
    type: u1
instances:
  here:
    value: _io.pos
  late:
    value: _io.pos
  at_here:
    pos: here
    type: u1
  no_pos:
    type: u1
";
    let mut t = run(text, vec![1, 2, 3, 4]);
    assert_eq!(int(&mut t, "here"), 2);
    assert_eq!(int(&mut t, "late"), 3);
    assert_eq!(int(&mut t, "at_here"), 3);
    assert_eq!(int(&mut t, "b"), 3);
    // An instance without `pos` reads where the stream is: after the fields.
    assert_eq!(int(&mut t, "no_pos"), 4);
    assert_eq!(span(&mut t, "no_pos"), (3, 1));
}
