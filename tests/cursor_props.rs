//! `maphex::core::cursor::Cursor` against `std::io::Cursor`: the same seeks (from the start,
//! the end and the current position, before the start and past the end, overflowing) and
//! reads (through `std::io::Read` and through `Cursor::read(n)`) give the same results and
//! positions. Plus `PyMOTW`'s mmap reading example on a document.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use maphex::core::cursor::Cursor;
use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::core::source::ByteSource;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

#[derive(Clone, Debug)]
enum Op {
    Seek(SeekFrom),
    /// `std::io::Read::read` into a buffer of this size.
    ReadBuf(usize),
    /// `Cursor::read(n)`.
    ReadN(u64),
}

fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => -80i64..80,
        1 => any::<i64>(),
        1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(-1i64)],
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => prop_oneof![
            4 => 0u64..80,
            1 => any::<u64>(),
            1 => Just(u64::MAX),
        ].prop_map(|n| Op::Seek(SeekFrom::Start(n))),
        2 => offset().prop_map(|d| Op::Seek(SeekFrom::End(d))),
        2 => offset().prop_map(|d| Op::Seek(SeekFrom::Current(d))),
        3 => (0usize..24).prop_map(Op::ReadBuf),
        3 => prop_oneof![
            6 => 0u64..24,
            1 => any::<u64>(),
            1 => Just(u64::MAX),
        ].prop_map(Op::ReadN),
    ]
}

fn seek_result(r: &io::Result<u64>) -> Result<u64, io::ErrorKind> {
    r.as_ref().map(|n| *n).map_err(io::Error::kind)
}

/// Runs `ops` on a maphex cursor over `src` and a std cursor over `model` (the same bytes).
fn agree<S: ByteSource>(src: S, model: &[u8], ops: &[Op]) -> Result<(), TestCaseError> {
    prop_assert_eq!(src.len(), model.len() as u64);
    let mut ours = Cursor::new(src);
    let mut theirs = io::Cursor::new(model.to_vec());
    for (n, op) in ops.iter().enumerate() {
        match *op {
            Op::Seek(to) => {
                let a = ours.seek(to);
                let b = theirs.seek(to);
                prop_assert_eq!(seek_result(&a), seek_result(&b), "op {} {:?}", n, op);
                // Through the trait too: same answer again from the new position.
                let a = Seek::stream_position(&mut ours).unwrap();
                prop_assert_eq!(a, theirs.position(), "op {} {:?}", n, op);
            }
            Op::ReadBuf(size) => {
                let mut a = vec![0xAA; size];
                let mut b = vec![0xAA; size];
                let na = Read::read(&mut ours, &mut a).unwrap();
                let nb = Read::read(&mut theirs, &mut b).unwrap();
                prop_assert_eq!(na, nb, "op {} {:?}", n, op);
                prop_assert_eq!(a, b, "op {} {:?}", n, op);
            }
            Op::ReadN(k) => {
                let got = ours.read(k).into_owned();
                let want = if k > 1 << 20 {
                    let mut all = Vec::new();
                    theirs.read_to_end(&mut all).unwrap();
                    all
                } else {
                    let mut buf = vec![0; usize::try_from(k).unwrap()];
                    let got = Read::read(&mut theirs, &mut buf).unwrap();
                    buf.truncate(got);
                    buf
                };
                prop_assert_eq!(got, want, "op {} {:?}", n, op);
            }
        }
        prop_assert_eq!(
            ours.tell(),
            theirs.position(),
            "position after op {} {:?}",
            n,
            op
        );
    }
    // Whatever is left reads the same through `read_to_end`.
    let mut a = Vec::new();
    let mut b = Vec::new();
    ours.read_to_end(&mut a).unwrap();
    theirs.read_to_end(&mut b).unwrap();
    prop_assert_eq!(a, b);
    prop_assert_eq!(ours.tell(), theirs.position());
    Ok(())
}

fn config() -> ProptestConfig {
    // No regression files: this suite must not write next to the sources.
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cursor_over_bytes_agrees_with_std(
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        ops in prop::collection::vec(op(), 0..40),
    ) {
        agree(&bytes, &bytes, &ops)?;
    }

    /// The same over an edited copy-on-write document: an overwrite in the mapped part and an
    /// appended tail, so reads cross from the mapping into the tail.
    #[test]
    fn cursor_over_edited_document_agrees_with_std(
        base in prop::collection::vec(any::<u8>(), 0..64),
        patch in prop::collection::vec(any::<u8>(), 0..8),
        at in any::<Index>(),
        tail in prop::collection::vec(any::<u8>(), 0..16),
        ops in prop::collection::vec(op(), 0..40),
    ) {
        let file = tempfile::NamedTempFile::new().unwrap();
        fs::write(file.path(), &base).unwrap();
        let mut doc = Document::open(file.path(), OpenConfig::default()).unwrap();
        let mut model = base.clone();
        let at = at.index(model.len() + 1);
        doc.write(at as u64, &patch).unwrap();
        let end = at + patch.len();
        if model.len() < end {
            model.resize(end, 0);
        }
        model[at..end].copy_from_slice(&patch);
        doc.write(model.len() as u64, &tail).unwrap();
        model.extend_from_slice(&tail);
        prop_assert_eq!(&*doc.read(0..doc.len()), &model[..]);
        agree(&doc, &model, &ops)?;
    }
}

#[test]
fn pymotw_mmap_read_on_a_document() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lorem.txt");
    let doc = Document::open(
        &path,
        OpenConfig {
            mode: Mode::ReadOnly,
            ..OpenConfig::default()
        },
    )
    .unwrap();
    let mut c = Cursor::new(&doc);
    assert_eq!(&*c.read(10), b"Lorem ipsu");
    assert_eq!(
        &*c.get_ref().read(0..10),
        b"Lorem ipsu",
        "slicing does not move the cursor"
    );
    assert_eq!(c.tell(), 10);
    assert_eq!(&*c.read(10), b"m dolor si");
    assert_eq!(c.tell(), 20);
}

#[test]
fn seek_errors_leave_the_position() {
    let bytes = b"0123456789".to_vec();
    let mut c = Cursor::new(&bytes);
    c.seek(SeekFrom::Start(4)).unwrap();
    for bad in [
        SeekFrom::Current(-5),
        SeekFrom::End(-11),
        SeekFrom::Current(i64::MIN),
    ] {
        let err = c.seek(bad).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(c.tell(), 4);
    }
    c.seek(SeekFrom::Start(u64::MAX)).unwrap();
    assert!(c.seek(SeekFrom::Current(1)).is_err());
    assert_eq!(c.tell(), u64::MAX);
    assert_eq!(&*c.read(u64::MAX), b"");
    assert_eq!(c.tell(), u64::MAX);
}
