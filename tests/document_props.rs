//! Property tests of the edit model: random operations on a real (small) file, in
//! copy-on-write and write-through modes, against a plain `Vec<u8>` model of the document, of
//! the bytes on disk and of the undo stack.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::ops::Range;
use std::path::Path;

use maphex::core::document::{DiscardError, Document, Mode, OpenConfig, Snapshot};
use maphex::core::source::ByteSource;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

#[derive(Clone, Debug)]
enum Op {
    /// Overwrite at an offset within `0..=len` (so sometimes appending).
    Write(Index, Vec<u8>),
    /// Write at `len`.
    Append(Vec<u8>),
    Begin,
    End,
    Undo,
    Redo,
    Save,
    Discard,
}

/// Bytes that often repeat (and often equal what is on disk, and zero, the fill of an
/// append), so "written back to the original value" happens as often as a real change.
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0u8), b'a'..=b'c', any::<u8>()]
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(byte(), 0..max)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (any::<Index>(), bytes(8)).prop_map(|(i, b)| Op::Write(i, b)),
        2 => bytes(6).prop_map(Op::Append),
        1 => Just(Op::Begin),
        1 => Just(Op::End),
        3 => Just(Op::Undo),
        2 => Just(Op::Redo),
        1 => Just(Op::Save),
        1 => Just(Op::Discard),
    ]
}

/// An operation with a range to probe reads with afterwards.
fn step() -> impl Strategy<Value = (Op, Index, Index)> {
    (op(), any::<Index>(), any::<Index>())
}

/// One undo step as the model sees it: the whole bytes before and after.
#[derive(Clone, Debug)]
struct Step {
    before: Vec<u8>,
    after: Vec<u8>,
    /// Lowest offset written: where undo and redo put the cursor.
    first: u64,
    /// Bytes written by the step's writes.
    written: usize,
}

#[derive(Clone, Debug)]
struct Group {
    before: Vec<u8>,
    first: Option<u64>,
    written: usize,
}

#[derive(Debug)]
struct Model {
    cur: Vec<u8>,
    /// The bytes as of open or the last save.
    saved: Vec<u8>,
    done: Vec<Step>,
    undone: Vec<Step>,
    group: Option<Group>,
}

impl Model {
    fn new(bytes: &[u8]) -> Self {
        Self {
            cur: bytes.to_vec(),
            saved: bytes.to_vec(),
            done: vec![],
            undone: vec![],
            group: None,
        }
    }

    fn write(&mut self, offset: usize, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let before = self.cur.clone();
        let end = offset + bytes.len();
        if self.cur.len() < end {
            self.cur.resize(end, 0);
        }
        self.cur[offset..end].copy_from_slice(bytes);
        if let Some(g) = &mut self.group {
            g.first = Some(g.first.map_or(offset as u64, |f| f.min(offset as u64)));
            g.written += bytes.len();
        } else {
            self.undone.clear();
            self.done.push(Step {
                before,
                after: self.cur.clone(),
                first: offset as u64,
                written: bytes.len(),
            });
        }
    }

    fn begin(&mut self) {
        if self.group.is_none() {
            self.group = Some(Group {
                before: self.cur.clone(),
                first: None,
                written: 0,
            });
        }
    }

    fn end(&mut self) {
        if let Some(g) = self.group.take()
            && let Some(first) = g.first
        {
            self.undone.clear();
            self.done.push(Step {
                before: g.before,
                after: self.cur.clone(),
                first,
                written: g.written,
            });
        }
    }

    fn undo(&mut self) -> Option<u64> {
        self.end();
        let s = self.done.pop()?;
        self.cur.clone_from(&s.before);
        let at = s.first.min(self.cur.len() as u64);
        self.undone.push(s);
        Some(at)
    }

    fn redo(&mut self) -> Option<u64> {
        self.end();
        let s = self.undone.pop()?;
        self.cur.clone_from(&s.after);
        let at = s.first.min(self.cur.len() as u64);
        self.done.push(s);
        Some(at)
    }

    fn history_written(&self) -> usize {
        self.done
            .iter()
            .chain(&self.undone)
            .map(|s| s.written)
            .sum::<usize>()
            + self.group.as_ref().map_or(0, |g| g.written)
    }

    /// Positions that differ from the saved bytes (appended ones included).
    fn changed(&self) -> Vec<bool> {
        (0..self.cur.len())
            .map(|i| self.saved.get(i) != Some(&self.cur[i]))
            .collect()
    }
}

fn open(path: &Path, mode: Mode) -> Document {
    Document::open(
        path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )
    .unwrap()
}

fn ranges_to_mask(len: usize, ranges: &[Range<u64>]) -> Vec<bool> {
    let mut mask = vec![false; len];
    for r in ranges {
        for i in r.start..r.end {
            mask[usize::try_from(i).unwrap()] = true;
        }
    }
    mask
}

fn check(
    doc: &Document,
    m: &Model,
    path: &Path,
    mode: Mode,
    probe: (Index, Index),
    what: &str,
) -> Result<(), TestCaseError> {
    let len = m.cur.len() as u64;
    prop_assert_eq!(doc.len(), len, "len after {}", what);
    prop_assert_eq!(&*doc.read(0..len), &m.cur[..], "bytes after {}", what);
    let snap = doc.snapshot();
    prop_assert_eq!(snap.len(), len, "snapshot len after {}", what);
    prop_assert_eq!(
        &*snap.read(0..len),
        &m.cur[..],
        "snapshot bytes after {}",
        what
    );
    // A sub-range (possibly empty, possibly reaching past the end).
    let (a, b) = (
        probe.0.index(m.cur.len() + 1),
        probe.1.index(m.cur.len() + 3),
    );
    let (a, b) = (a.min(b), a.max(b));
    let want = &m.cur[a.min(m.cur.len())..b.min(m.cur.len())];
    prop_assert_eq!(
        &*doc.read(a as u64..b as u64),
        want,
        "read {}..{} after {}",
        a,
        b,
        what
    );
    prop_assert_eq!(
        &*snap.read(a as u64..b as u64),
        want,
        "snapshot read {}..{} after {}",
        a,
        b,
        what
    );

    let on_disk = fs::read(path).unwrap();
    // Write-through: the file is the document at all times; otherwise untouched until save.
    let want_on_disk = if mode == Mode::WriteThrough {
        &m.cur
    } else {
        &m.saved
    };
    prop_assert_eq!(&on_disk, want_on_disk, "file after {}", what);
    prop_assert_eq!(
        doc.is_dirty(),
        // An open undo group counts once something was written in it (`i` alone is clean).
        m.cur != m.saved || m.group.as_ref().is_some_and(|g| g.first.is_some()),
        "is_dirty after {}",
        what
    );
    let changed = ranges_to_mask(m.cur.len(), &doc.changed_in(0..len));
    prop_assert_eq!(changed, m.changed(), "changed_in after {}", what);
    prop_assert_eq!(
        doc.history_len(),
        (m.done.len(), m.undone.len()),
        "history after {}",
        what
    );
    prop_assert!(
        doc.history_bytes() <= 2 * m.history_written(),
        "history holds {} bytes for {} written",
        doc.history_bytes(),
        m.history_written()
    );
    Ok(())
}

fn run(mode: Mode, init: &[u8], ops: &[(Op, Index, Index)]) -> Result<(), TestCaseError> {
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), init).unwrap();
    let path = file.path();
    let mut doc = open(path, mode);
    prop_assert_eq!(doc.mode(), mode);
    let mut m = Model::new(init);
    // Snapshots with the bytes they must keep showing (copy-on-write; a save starts afresh).
    let mut snaps: Vec<(Snapshot, Vec<u8>)> = Vec::new();
    for (n, (op, p0, p1)) in ops.iter().enumerate() {
        let what = format!("op {n} {op:?}");
        match op {
            Op::Write(i, b) => {
                let at = i.index(m.cur.len() + 1);
                doc.write(at as u64, b)
                    .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                m.write(at, b);
            }
            Op::Append(b) => {
                doc.write(m.cur.len() as u64, b)
                    .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                m.write(m.cur.len(), b);
            }
            Op::Begin => {
                doc.begin_group();
                m.begin();
            }
            Op::End => {
                doc.end_group();
                m.end();
            }
            Op::Undo => {
                let got = doc
                    .undo()
                    .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                prop_assert_eq!(got, m.undo(), "undo position at {}", what);
            }
            Op::Redo => {
                let got = doc
                    .redo()
                    .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                prop_assert_eq!(got, m.redo(), "redo position at {}", what);
            }
            Op::Save => {
                doc.save(false)
                    .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                m.end();
                m.saved.clone_from(&m.cur);
                prop_assert_eq!(
                    fs::read(path).unwrap(),
                    m.cur.clone(),
                    "file after {}",
                    what
                );
                snaps.clear();
            }
            Op::Discard if mode == Mode::WriteThrough => {
                // The edits are in the file already: refused, nothing changes.
                prop_assert!(matches!(doc.discard(), Err(DiscardError::WriteThrough)));
            }
            Op::Discard => {
                doc.discard()
                    .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                m = Model::new(&m.saved);
                prop_assert_eq!(doc.read(0..doc.len()).into_owned(), fs::read(path).unwrap());
            }
        }
        check(&doc, &m, path, mode, (*p0, *p1), &what)?;
        if mode == Mode::CopyOnWrite {
            for (k, (s, want)) in snaps.iter().enumerate() {
                prop_assert_eq!(
                    &*s.read(0..s.len()),
                    &want[..],
                    "snapshot {} after {}",
                    k,
                    what
                );
            }
            snaps.push((doc.snapshot(), m.cur.clone()));
        }
    }
    Ok(())
}

/// Writes (some appending), then that many undos: back to the bytes on disk.
fn writes_then_undos(
    mode: Mode,
    init: &[u8],
    writes: &[(Index, Vec<u8>)],
) -> Result<(), TestCaseError> {
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), init).unwrap();
    let mut doc = open(file.path(), mode);
    let mut steps = 0;
    for (i, b) in writes {
        let len = doc.len();
        let at = i.index(usize::try_from(len).unwrap() + 1) as u64;
        doc.write(at, b).unwrap();
        if !b.is_empty() {
            steps += 1;
        }
    }
    prop_assert_eq!(doc.history_len(), (steps, 0));
    for _ in 0..steps {
        prop_assert!(doc.undo().unwrap().is_some());
    }
    prop_assert_eq!(doc.undo().unwrap(), None);
    prop_assert_eq!(&*doc.read(0..doc.len()), init);
    prop_assert_eq!(
        doc.snapshot().read(0..doc.len()).into_owned(),
        init.to_vec()
    );
    prop_assert!(!doc.is_dirty());
    prop_assert!(doc.changed_in(0..u64::MAX).is_empty());
    prop_assert_eq!(fs::read(file.path()).unwrap(), init.to_vec());
    Ok(())
}

/// Writes, then `k` undos and `k` redos: back to the bytes after the writes.
fn undo_redo_identity(
    mode: Mode,
    init: &[u8],
    writes: &[(Index, Vec<u8>)],
    k: Index,
) -> Result<(), TestCaseError> {
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), init).unwrap();
    let mut doc = open(file.path(), mode);
    for (i, b) in writes {
        let at = i.index(usize::try_from(doc.len()).unwrap() + 1) as u64;
        doc.write(at, b).unwrap();
    }
    let after = doc.read(0..doc.len()).into_owned();
    let dirty = doc.is_dirty();
    let changed = doc.changed_in(0..u64::MAX);
    let k = k.index(doc.history_len().0 + 1);
    let mut undo_at = Vec::new();
    for _ in 0..k {
        undo_at.push(doc.undo().unwrap());
    }
    let mut redo_at = Vec::new();
    for _ in 0..k {
        redo_at.push(doc.redo().unwrap());
    }
    undo_at.reverse();
    // Undo and redo of one step put the cursor at the same place: where the step wrote.
    prop_assert_eq!(undo_at, redo_at);
    prop_assert_eq!(&*doc.read(0..doc.len()), &after[..]);
    prop_assert_eq!(
        doc.snapshot().read(0..doc.len()).into_owned(),
        after.clone()
    );
    prop_assert_eq!(doc.is_dirty(), dirty);
    prop_assert_eq!(doc.changed_in(0..u64::MAX), changed);
    if mode == Mode::WriteThrough {
        prop_assert_eq!(fs::read(file.path()).unwrap(), after);
    }
    Ok(())
}

fn config() -> ProptestConfig {
    // No regression files: this suite must not write next to the sources.
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn copy_on_write_matches_the_model(
        init in bytes(300),
        ops in prop::collection::vec(step(), 0..40),
    ) {
        run(Mode::CopyOnWrite, &init, &ops)?;
    }

    #[test]
    fn write_through_matches_the_model(
        init in bytes(300),
        ops in prop::collection::vec(step(), 0..40),
    ) {
        run(Mode::WriteThrough, &init, &ops)?;
    }

    #[test]
    fn copy_on_write_n_writes_then_n_undos_is_the_original(
        init in bytes(300),
        writes in prop::collection::vec((any::<Index>(), bytes(8)), 0..20),
    ) {
        writes_then_undos(Mode::CopyOnWrite, &init, &writes)?;
    }

    #[test]
    fn write_through_n_writes_then_n_undos_is_the_original(
        init in bytes(300),
        writes in prop::collection::vec((any::<Index>(), bytes(8)), 0..20),
    ) {
        writes_then_undos(Mode::WriteThrough, &init, &writes)?;
    }

    #[test]
    fn copy_on_write_undo_then_redo_is_identity(
        init in bytes(300),
        writes in prop::collection::vec((any::<Index>(), bytes(8)), 0..20),
        k in any::<Index>(),
    ) {
        undo_redo_identity(Mode::CopyOnWrite, &init, &writes, k)?;
    }

    #[test]
    fn write_through_undo_then_redo_is_identity(
        init in bytes(300),
        writes in prop::collection::vec((any::<Index>(), bytes(8)), 0..20),
        k in any::<Index>(),
    ) {
        undo_redo_identity(Mode::WriteThrough, &init, &writes, k)?;
    }
}
