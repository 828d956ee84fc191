//! `Tree::reparse`: the tree made after an edit, which starts with the old tree's array
//! offsets that the edit cannot have changed, is the tree a fresh parse of the new bytes
//! makes, whatever the old tree was asked before (its account of what it read decides what
//! it may carry over), and it does carry over what it may.

use std::sync::Arc;

use maphex::core::ksy::schema::NoImports;
use maphex::core::ksy::{ChildCount, NodeId, Schema, Tree};
use proptest::prelude::*;

/// Records of variable size, the array to the end of the file.
const RECORDS: &str = r"
meta:
  id: records
  endian: le
seq:
  - id: head
    type: u1
  - id: recs
    type: rec
    repeat: eos
types:
  rec:
    seq:
      - id: len
        type: u1
      - id: body
        size: len % 7
      - id: tail
        type: u2
        if: len > 200
";

/// Record sizes depend on the file's last byte, read through a cached instance, and the
/// array ends at a zero length or the end of the file.
const BY_LAST_BYTE: &str = r"
meta:
  id: by_last_byte
  endian: le
seq:
  - id: recs
    type: rec
    repeat: until
    repeat-until: _.len == 0 or _io.eof
types:
  rec:
    seq:
      - id: len
        type: u1
      - id: body
        size: len % (_root.m + 1)
instances:
  m:
    pos: _io.size - 1
    type: u1
";

/// Arrays inside array elements, sized substreams, a counted array and a terminator.
const NESTED: &str = r"
meta:
  id: nested
  endian: be
seq:
  - id: groups
    type: group
    repeat: eos
types:
  group:
    seq:
      - id: n
        type: u1
      - id: items
        type: item
        size: 3
        repeat: expr
        repeat-expr: n % 5
      - id: name
        type: str
        encoding: ASCII
        terminator: 0
        size: 4
  item:
    seq:
      - id: a
        type: u1
      - id: b
        type: u2
";

/// Elements of 10 bits: most begin inside a byte the one before began.
const BITS: &str = r"
meta:
  id: bits
  endian: be
seq:
  - id: recs
    type: rec
    repeat: until
    repeat-until: _.a == 7 and _.b == 0
types:
  rec:
    seq:
      - id: a
        type: b3
      - id: b
        type: b7
";

fn schema(text: &str) -> Arc<Schema> {
    Arc::new(Schema::load(text, &NoImports).unwrap_or_else(|e| panic!("{e}")))
}

/// Every node, depth first, up to `limit` nodes: its path, summary and error.
fn dump(t: &mut Tree<Vec<u8>>, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![t.root()];
    while let Some(id) = todo.pop() {
        if out.len() >= limit {
            break;
        }
        // The length first: an array's size grows as it is parsed.
        let count = t.len(id);
        let info = t.info(id);
        out.push(format!(
            "{} {info:?} n={count} count={:?} err={:?}",
            t.path(id),
            t.child_count(id),
            t.error(id)
        ));
        let kids: Vec<NodeId> = t.children(id, 0..count.min(400));
        todo.extend(kids.into_iter().rev());
    }
    out
}

/// Asserts two dumps are the same, showing the first line that differs.
fn same(a: &[String], b: &[String], what: &str) {
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        panic!(
            "{what}: line {i} of {}/{} differs:\n reparsed: {:?}\n fresh:    {:?}",
            a.len(),
            b.len(),
            a.get(i),
            b.get(i)
        );
    }
}

/// The paths `find` gives for some offsets.
fn finds(t: &mut Tree<Vec<u8>>, len: usize) -> Vec<String> {
    (0..len as u64)
        .step_by(len / 17 + 1)
        .map(|at| {
            let path = t.find(at);
            format!("{at}: {}", t.path(*path.last().unwrap_or(&t.root())))
        })
        .collect()
}

/// What a test does to the old tree before the edit, so that its account differs from run
/// to run.
#[derive(Debug, Clone)]
enum Ask {
    Element(u64),
    Find(u64),
    Len,
    Instance,
}

fn ask(t: &mut Tree<Vec<u8>>, array: &str, q: &Ask) {
    match q {
        Ask::Element(i) => {
            let _ = t.lookup(&format!("{array}[{i}]")).map(|id| t.info(id));
        }
        Ask::Find(at) => {
            let len = t.source().len() as u64;
            let _ = t.find(at % len.max(1));
        }
        Ask::Len => {
            if let Ok(id) = t.lookup(array) {
                let _ = t.len(id);
            }
        }
        Ask::Instance => {
            let _ = t.lookup("m").map(|id| t.value(id));
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Overwrite { at: usize, bytes: Vec<u8> },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, n: usize },
}

/// Applies `e` to `b`: the first changed offset and whether the length changed.
fn apply(b: &mut Vec<u8>, e: &Edit) -> (u64, bool) {
    let len = b.len();
    match e {
        Edit::Overwrite { at, bytes } => {
            let at = at % len.max(1);
            let n = bytes.len().min(len - at);
            b[at..at + n].copy_from_slice(&bytes[..n]);
            (at as u64, false)
        }
        Edit::Insert { at, bytes } => {
            let at = at % (len + 1);
            b.splice(at..at, bytes.iter().copied());
            (at as u64, !bytes.is_empty())
        }
        Edit::Delete { at, n } => {
            let at = at % (len + 1);
            let n = (*n).min(len - at);
            b.drain(at..at + n);
            (at as u64, n > 0)
        }
    }
}

fn asks() -> impl Strategy<Value = Vec<Ask>> {
    prop::collection::vec(
        prop_oneof![
            (0u64..600).prop_map(Ask::Element),
            any::<u64>().prop_map(Ask::Find),
            Just(Ask::Len),
            Just(Ask::Instance),
        ],
        0..6,
    )
}

fn edits() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..4))
            .prop_map(|(at, bytes)| Edit::Overwrite { at, bytes }),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 0..4))
            .prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        1 => (any::<usize>(), 0usize..4).prop_map(|(at, n)| Edit::Delete { at, n }),
    ]
}

/// Two edits in a row, each followed by `reparse` of the tree before, against fresh parses.
fn check(
    text: &str,
    array: &str,
    bytes: Vec<u8>,
    before: &[Ask],
    e1: &Edit,
    e2: &Edit,
    after: &[Ask],
) {
    let s = schema(text);
    let mut old = Tree::new(Arc::clone(&s), bytes.clone());
    for q in before {
        ask(&mut old, array, q);
    }
    let mut b = bytes;
    let (at, resized) = apply(&mut b, e1);
    let mut new = old.reparse(b.clone(), at, resized);
    for q in after {
        ask(&mut new, array, q);
    }
    let mut fresh = Tree::new(Arc::clone(&s), b.clone());
    same(
        &finds(&mut new, b.len()),
        &finds(&mut fresh, b.len()),
        &format!("find after {e1:?}"),
    );
    for q in before {
        ask(&mut new, array, q);
    }
    let (at, resized) = apply(&mut b, e2);
    let mut newer = new.reparse(b.clone(), at, resized);
    let mut fresh = Tree::new(Arc::clone(&s), b.clone());
    for q in after {
        ask(&mut newer, array, q);
    }
    let what = format!("after {e1:?} then {e2:?}");
    same(&dump(&mut newer, 3000), &dump(&mut fresh, 3000), &what);
    same(
        &finds(&mut newer, b.len()),
        &finds(&mut fresh, b.len()),
        &what,
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn records_reparse_as_fresh(
        bytes in prop::collection::vec(any::<u8>(), 1..2500),
        before in asks(), after in asks(), e1 in edits(), e2 in edits(),
    ) {
        check(RECORDS, "recs", bytes, &before, &e1, &e2, &after);
    }

    #[test]
    fn sizes_from_the_last_byte_reparse_as_fresh(
        bytes in prop::collection::vec(1u8..=255, 1..2500),
        before in asks(), after in asks(), e1 in edits(), e2 in edits(),
    ) {
        check(BY_LAST_BYTE, "recs", bytes, &before, &e1, &e2, &after);
    }

    #[test]
    fn bit_field_elements_reparse_as_fresh(
        bytes in prop::collection::vec(any::<u8>(), 1..1500),
        before in asks(), after in asks(), e1 in edits(), e2 in edits(),
    ) {
        check(BITS, "recs", bytes, &before, &e1, &e2, &after);
    }

    #[test]
    fn nested_arrays_reparse_as_fresh(
        bytes in prop::collection::vec(any::<u8>(), 1..2500),
        before in asks(), after in asks(), e1 in edits(), e2 in edits(),
    ) {
        check(NESTED, "groups", bytes, &before, &e1, &e2, &after);
    }
}

/// 20,000 records of 1 + 3 bytes (`len` 3: a body of 3).
fn many_records() -> Vec<u8> {
    let mut b = vec![0xAA];
    for i in 0..20_000u32 {
        b.extend_from_slice(&[3, i as u8, (i >> 8) as u8, 0x55]);
    }
    b
}

#[test]
fn an_edit_late_in_a_long_array_keeps_the_elements_before_it() {
    let s = schema(RECORDS);
    let b = many_records();
    let mut old = Tree::new(Arc::clone(&s), b.clone());
    let far = old.lookup("recs[15000]").unwrap();
    let at = old.file_range(far).unwrap().start + 2;
    assert!(
        old.node_count() > 15_000 * 3,
        "the old tree parsed its way there"
    );
    let mut nb = b.clone();
    nb[at as usize] ^= 0xFF;

    let mut new = old.reparse(nb.clone(), at, false);
    let id = new.lookup("recs[15000]").unwrap();
    assert!(
        new.node_count() < 50,
        "found again from the kept offsets: {} nodes",
        new.node_count()
    );
    let body = new.lookup("recs[15000].body").unwrap();
    assert_eq!(
        new.value(body).unwrap(),
        maphex::core::ksy::Value::Bytes(nb[at as usize - 1..at as usize + 2].to_vec())
    );
    let mut fresh = Tree::new(Arc::clone(&s), nb);
    let fid = fresh.lookup("recs[15000]").unwrap();
    assert_eq!(new.info(id), fresh.info(fid));
    // Going on past the edit parses from there, not from the start.
    let before = new.node_count();
    let next = new.lookup("recs[15010]").unwrap();
    assert_eq!(new.info(next), {
        let f = fresh.lookup("recs[15010]").unwrap();
        fresh.info(f)
    });
    assert!(new.node_count() - before < 100);
    // `find` in the kept part is a binary search, not a walk.
    let before = new.node_count();
    let path = new.find(1 + 4 * 7000 + 1);
    assert_eq!(new.path(*path.last().unwrap()), "recs[7000].body");
    assert!(new.node_count() - before < 20);
}

#[test]
fn an_edit_before_the_array_keeps_nothing() {
    let s = schema(RECORDS);
    let b = many_records();
    let mut old = Tree::new(Arc::clone(&s), b.clone());
    old.lookup("recs[15000]").unwrap();
    let mut nb = b;
    nb[0] = 0;
    let mut new = old.reparse(nb, 0, false);
    new.lookup("recs[15000]").unwrap();
    assert!(
        new.node_count() > 15_000 * 3,
        "parsed again: {}",
        new.node_count()
    );
}

#[test]
fn a_length_change_keeps_offsets_before_it_unless_the_length_was_asked() {
    // `repeat: eos` only asks whether the byte where the next record would start exists:
    // an insertion keeps the records before it.
    let s = schema(RECORDS);
    let b = many_records();
    let mut old = Tree::new(Arc::clone(&s), b.clone());
    old.lookup("recs[15000]").unwrap();
    let mut nb = b.clone();
    nb.insert(1 + 4 * 15000, 0);
    let mut new = old.reparse(nb.clone(), 1 + 4 * 15000, true);
    new.lookup("recs[14000]").unwrap();
    assert!(new.node_count() < 50, "kept: {} nodes", new.node_count());
    let mut fresh = Tree::new(s, nb);
    same(&dump(&mut new, 2000), &dump(&mut fresh, 2000), "dump");

    // Record sizes that depend on `_io.size` keep nothing when the length changes.
    let s = schema(BY_LAST_BYTE);
    let mut b = [2u8, 9, 9].repeat(2000);
    b.push(255);
    let mut old = Tree::new(Arc::clone(&s), b.clone());
    old.lookup("recs[1500]").unwrap();
    b.insert(4600, 7);
    let mut new = old.reparse(b.clone(), 4600, true);
    new.lookup("recs[1400]").unwrap();
    assert!(
        new.node_count() > 1400 * 3,
        "parsed again: {}",
        new.node_count()
    );
    let mut fresh = Tree::new(s, b);
    same(&dump(&mut new, 2000), &dump(&mut fresh, 2000), "dump");
}

#[test]
fn a_cached_value_from_the_end_counts_as_read() {
    // `m` is read from the last byte by the first record: every record depends on it, so an
    // overwrite of that byte keeps nothing, and the new sizes are right.
    let s = schema(BY_LAST_BYTE);
    let mut b = [2u8, 9, 9].repeat(2000);
    b.push(255);
    let mut old = Tree::new(Arc::clone(&s), b.clone());
    let id = old.lookup("recs[1500]").unwrap();
    assert_eq!(old.file_range(id), Some(4500..4503));
    let last = b.len() - 1;
    b[last] = 0;
    let mut new = old.reparse(b.clone(), last as u64, false);
    let id = new.lookup("recs[1500]").unwrap();
    assert_eq!(
        new.file_range(id),
        Some(1500..1501),
        "records of 1 byte now"
    );
    assert!(matches!(
        new.child_count(new.parent(id).unwrap()),
        ChildCount::AtLeast(_)
    ));
}

#[test]
fn a_path_through_a_scalar_or_an_array_is_an_error() {
    // Found by the fuzzer: looking up `a.b` where `a` is a number parsed it as a type.
    let s = schema(
        "meta:\n  id: p\nseq:\n  - id: a\n    type: u1\n  - id: arr\n    type: u1\n    repeat: expr\n    repeat-expr: 2\n",
    );
    let mut t = Tree::new(s, vec![1, 2, 3]);
    for path in ["a.b", "arr.x", "arr[0].y", "a[0]", "arr[5]"] {
        assert!(t.lookup(path).is_err(), "{path}");
    }
    assert_eq!(
        t.lookup("arr[1]").map(|id| t.path(id)),
        Ok("arr[1]".to_string())
    );
}
