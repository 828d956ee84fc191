//! Every error path of templates and parses: bad YAML with its line, unknown types and
//! enums, unsupported constructs by name, past-the-end, deep recursion, huge repeat counts,
//! loops; and that a million-record array is not materialised.

use std::sync::Arc;

use maphex::core::ksy::schema::NoImports;
use maphex::core::ksy::{ChildCount, Limits, Schema, SchemaError, Tree, Value};

fn load(text: &str) -> Result<Schema, SchemaError> {
    Schema::load(text, &NoImports)
}

fn tree(text: &str, bytes: Vec<u8>) -> Tree<Vec<u8>> {
    Tree::new(
        Arc::new(load(text).unwrap_or_else(|e| panic!("{e}"))),
        bytes,
    )
}

#[test]
fn bad_yaml_names_its_line() {
    let e = load("meta:\n  id: x\nseq:\n  - id: a\n    type: [u1\n").expect_err("bad yaml");
    assert!(e.pos.line >= 5, "{e}");
    assert!(e.msg.contains("YAML"), "{e}");
}

#[test]
fn unknown_type_names_line_and_column() {
    let e = load("meta:\n  id: x\nseq:\n  - id: a\n    type: nosuch\n").expect_err("unknown type");
    assert_eq!((e.pos.line, e.pos.col), (5, 11), "{e}");
    assert!(e.msg.contains("unknown type `nosuch`"), "{e}");
    let e = load("meta:\n  id: x\n  endian: le\nseq:\n  - id: a\n    type: u4\n    enum: nope\n")
        .expect_err("unknown enum");
    assert!(
        e.msg.contains("unknown enum `nope`") && e.pos.line == 7,
        "{e}"
    );
}

#[test]
fn unsupported_constructs_are_named() {
    for (text, what, line) in [
        (
            "meta:\n  id: x\nseq:\n  - id: a\n    size: 1\n    parent: _root\n",
            "field key `parent`",
            6,
        ),
        (
            "meta:\n  id: x\nseq:\n  - id: a\n    size: 1\n    process: custom_thing\n",
            "process `custom_thing`",
            6,
        ),
        (
            "meta:\n  id: x\n  ks-opaque-types: true\n",
            "meta key `ks-opaque-types`",
            3,
        ),
        ("meta:\n  id: x\nto-string: a\n", "type key `to-string`", 3),
        ("meta:\n  id: x\n  encoding: SJIS\n", "encoding `SJIS`", 3),
        (
            "meta:\n  id: x\nseq:\n  - id: a\n    type: u1\n    repeat: sometimes\n",
            "repeat `sometimes`",
            6,
        ),
        (
            "meta:\n  id: x\nseq:\n  - id: a\n    size: 1 +\n",
            "bad expression",
            5,
        ),
    ] {
        let e = load(text).expect_err(what);
        assert!(e.msg.contains(what), "{what}: {e}");
        assert_eq!(e.pos.line, line, "{what}: {e}");
    }
}

#[test]
fn documentation_keys_are_ignored_even_repeated() {
    let s = load(
        "meta:\n  id: x\n  title: T\n  license: CC0-1.0\n  ks-version: 0.9\n  xref:\n    wikidata: Q1\n  tags: [a]\n\
         doc: d\ndoc-ref: a\ndoc-ref: b\n-webide-representation: '{a}'\nseq:\n  - id: a\n    type: u1\n    doc: x\n    -orig-id: A\n",
    )
    .expect("loads");
    assert_eq!(s.types[s.root].seq.len(), 1);
}

#[test]
fn past_the_end_stops_with_the_offset_and_keeps_what_was_read() {
    let mut t = tree(
        "meta:\n  id: x\n  endian: be\nseq:\n  - id: a\n    type: u2\n  - id: b\n    type: u4\n",
        vec![1, 2, 3],
    );
    let root = t.root();
    assert_eq!(t.child_count(root), ChildCount::Known(1));
    let e = t.error(root).expect("error");
    assert_eq!(e.offset, 2);
    assert!(e.msg.contains("past the end"), "{e}");
    let a = t.lookup("a").expect("a");
    assert_eq!(t.value(a).expect("a"), Value::Int(0x102));
}

#[test]
fn recursion_is_bounded() {
    let mut t = tree(
        "meta:\n  id: x\nseq:\n  - id: me\n    type: x\n",
        vec![0; 16],
    );
    let root = t.root();
    let _ = t.child_count(root);
    let e = t.error(root).expect("error");
    assert!(e.msg.contains("nested too deeply"), "{e}");
    // An instance that needs itself.
    let mut t = tree(
        "meta:\n  id: x\ninstances:\n  a:\n    value: a + 1\n",
        vec![],
    );
    let root = t.root();
    let _ = t.child_count(root);
    let a = t.children(root, 0..1)[0];
    assert!(t.error(a).expect("error").msg.contains("depends on itself"));
}

#[test]
fn huge_repeat_counts_fail_at_once() {
    let mut t = tree(
        "meta:\n  id: x\nseq:\n  - id: n\n    type: u1\n  - id: items\n    type: u1\n    repeat: expr\n    repeat-expr: n * 1000000000000\n",
        vec![5, 1, 2],
    );
    let root = t.root();
    let _ = t.child_count(root);
    let e = t.error(root).expect("error");
    assert!(
        e.msg.contains("over the limit") || e.msg.contains("past the end"),
        "{e}"
    );
    let mut t = tree(
        "meta:\n  id: x\nseq:\n  - id: items\n    type: u4le\n    repeat: expr\n    repeat-expr: 1000000\n",
        vec![0; 40],
    );
    let root = t.root();
    let _ = t.child_count(root);
    let e = t.error(root).expect("error");
    assert!(e.msg.contains("past the end"), "{e}");
    assert_eq!(e.offset, 40);
}

#[test]
fn a_loop_that_reads_nothing_stops() {
    // Zero-size elements repeated until a condition that never holds.
    let mut t = tree(
        "meta:\n  id: x\nseq:\n  - id: items\n    size: 0\n    repeat: until\n    repeat-until: false\n  - id: after\n    type: u1\n",
        vec![7],
    );
    let root = t.root();
    let n = t.child_count(root);
    assert!(matches!(n, ChildCount::Known(_)));
    // And a counted loop of empty items past the budget ends with an error, not a hang.
    let text = "meta:\n  id: x\nseq:\n  - id: items\n    size: 0\n    repeat: expr\n    repeat-expr: 4000000000\n  - id: after\n    type: u1\n";
    let limits = Limits {
        max_work: 200_000,
        ..Limits::default()
    };
    let mut t = Tree::with_limits(Arc::new(load(text).expect("loads")), vec![7], limits);
    let root = t.root();
    let _ = t.child_count(root);
    let e = t.error(root).expect("error");
    assert!(e.msg.contains("too much work"), "{e}");
}

#[test]
fn a_million_records_are_not_materialised() {
    let text = "meta:\n  id: x\n  endian: le\nseq:\n  - id: count\n    type: u4\n  - id: records\n    type: rec\n    repeat: expr\n    repeat-expr: count\n  - id: trailer\n    type: u2\ntypes:\n  rec:\n    seq:\n      - id: a\n        type: u4\n      - id: b\n        type: u4\n";
    let n: u32 = 1_000_000;
    let mut bytes = n.to_le_bytes().to_vec();
    bytes.resize(4 + 8 * n as usize, 0xab);
    bytes.extend_from_slice(&[0x34, 0x12]);
    let mut t = tree(text, bytes);
    let root = t.root();
    assert_eq!(t.child_count(root), ChildCount::Known(3));
    let trailer = t.lookup("trailer").expect("trailer");
    assert_eq!(t.value(trailer).expect("value"), Value::Int(0x1234));
    let records = t.lookup("records").expect("records");
    assert_eq!(t.child_count(records), ChildCount::Known(u64::from(n)));
    let first: Vec<_> = t.children(records, 0..40);
    assert_eq!(first.len(), 40);
    let last = t.child(records, u64::from(n) - 1).expect("last");
    assert_eq!(t.file_range(last), Some(4 + 8 * 999_999..4 + 8 * 1_000_000));
    let path = t.find(4 + 8 * 500_000 + 5);
    assert_eq!(t.path(*path.last().expect("leaf")), "records[500000].b");
    assert!(t.node_count() < 1000, "{} nodes made", t.node_count());
}

#[test]
fn bytes_and_nested_expressions_cannot_panic() {
    for e in [
        "1 / 0",
        "1 % 0",
        "1 << 200",
        "(1 << 100) * (1 << 100)",
        "[1, 2][5]",
        "_index",
        "_",
        "nothing",
        "\"a\" < 1",
        "-\"a\"",
    ] {
        let text = format!(
            "meta:\n  id: x\ninstances:\n  v:\n    value: '{}'\n",
            e.replace('\'', "''")
        );
        let mut t = tree(&text, vec![]);
        let root = t.root();
        let v = t.children(root, 0..1);
        assert_eq!(v.len(), 1, "{e}");
        assert!(t.error(v[0]).is_some(), "{e} should fail");
    }
}

#[test]
fn a_tree_can_move_to_a_worker_thread() {
    fn is_send<T: Send>(_: &T) {}
    let t = tree("meta:\n  id: x\n", vec![]);
    is_send(&t);
}

#[test]
fn a_tree_stops_at_its_node_limit() {
    // Found by the fuzzer: 3.7 M empty elements counted one by one held 3 GB. Each call's
    // work budget did not bound the sum; the node limit does.
    let text = "meta:\n  id: x\nseq:\n  - id: items\n    type: empty\n    repeat: expr\n    repeat-expr: 4000000\n  - id: after\n    type: u1\ntypes:\n  empty:\n    seq: []\n";
    let limits = Limits {
        max_nodes: 10_000,
        ..Limits::default()
    };
    let mut t = Tree::with_limits(Arc::new(load(text).expect("loads")), vec![7], limits);
    let root = t.root();
    let _ = t.child_count(root);
    let e = t.error(root).expect("error");
    assert!(e.msg.contains("the most one tree may hold"), "{e}");
    assert!(t.node_count() <= 10_010, "{}", t.node_count());
}
