//! The choice of a way (a pure function fed the facts, and the plan on real files), and
//! saves that need little or nothing written.

use std::fs::{self, File};

use maphex::core::layout::Layout;
use maphex::core::relayout::{self, Facts, Fault, RelayoutError, Strategy};

use super::model::{Op, apply, layout_of, model};
use super::{bytes, save};

fn facts() -> Facts {
    Facts {
        links: 1,
        dir_writable: true,
        owner_kept: true,
        regular: true,
        in_place_bytes: 100,
        rename_bytes: 1000,
        in_place_space: 50,
        rename_space: 1000,
        available: 1 << 30,
        forced: None,
    }
}

#[test]
fn the_choice_follows_links_folder_owner_bytes_and_space() {
    let d = relayout::decide(&facts());
    assert_eq!(
        (d.strategy, d.why, d.fits),
        (Strategy::InPlace, "fewer bytes in place", true)
    );
    let d = relayout::decide(&Facts {
        in_place_bytes: 5000,
        ..facts()
    });
    assert_eq!(
        (d.strategy, d.why),
        (Strategy::Rename, "fewer bytes as a new file")
    );
    for (f, why) in [
        (
            Facts {
                links: 2,
                ..facts()
            },
            "hard links",
        ),
        (
            Facts {
                dir_writable: false,
                ..facts()
            },
            "folder not writable",
        ),
        (
            Facts {
                owner_kept: false,
                ..facts()
            },
            "owner cannot be kept",
        ),
        (
            Facts {
                regular: false,
                ..facts()
            },
            "not a regular file",
        ),
    ] {
        let f = Facts {
            in_place_bytes: 5000,
            forced: Some(Strategy::Rename),
            ..f
        };
        let d = relayout::decide(&f);
        assert_eq!((d.strategy, d.why), (Strategy::InPlace, why));
    }
    // Asked for where allowed.
    let d = relayout::decide(&Facts {
        forced: Some(Strategy::Rename),
        ..facts()
    });
    assert_eq!((d.strategy, d.why), (Strategy::Rename, "asked for"));
    // Space: the cheaper way does not fit, the other does.
    let d = relayout::decide(&Facts {
        in_place_bytes: 5000,
        available: 500,
        ..facts()
    });
    assert_eq!(
        (d.strategy, d.why, d.fits),
        (Strategy::InPlace, "only in place fits the free space", true)
    );
    // Neither fits: refused with what the chosen way needs.
    let d = relayout::decide(&Facts {
        available: 10,
        ..facts()
    });
    assert_eq!(
        (d.strategy, d.needed, d.fits),
        (Strategy::InPlace, 50, false)
    );
    // Forced and too big: refused, not switched.
    let d = relayout::decide(&Facts {
        forced: Some(Strategy::Rename),
        available: 500,
        ..facts()
    });
    assert_eq!((d.strategy, d.fits), (Strategy::Rename, false));
}

/// On a 4 MiB file: an insert at 0 is saved as a new file, one 64 KiB before the end in
/// place (a few bytes more than the tail).
#[test]
fn the_plan_weighs_bytes_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let n = 4u64 << 20;
    File::create(&path).unwrap().set_len(n).unwrap();
    let early = apply(&[Op::Insert(0, vec![1])], n);
    let plan = relayout::plan(&path, n, &layout_of(&early)).unwrap();
    assert_eq!((plan.strategy, plan.first_change), (Strategy::Rename, 0));
    let late = apply(&[Op::Insert(n - (64 << 10), vec![1])], n);
    let plan = relayout::plan(&path, n, &layout_of(&late)).unwrap();
    assert_eq!(plan.strategy, Strategy::InPlace, "{plan:?}");
    assert!(plan.in_place_bytes < 3 * (64 << 10), "{plan:?}");
    let out = save(&path, &layout_of(&late), None, 8 << 20, None).unwrap();
    assert_eq!(out.bytes_written, plan.in_place_bytes);
}

/// A same-length fill over the middle of the file: in place writes the fill only.
#[test]
fn a_same_length_fill_writes_only_the_fill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let old = bytes(1 << 20, 10);
    fs::write(&path, &old).unwrap();
    let mut l = Layout::new();
    l.push_old(0, 100_000);
    l.push_fill(std::sync::Arc::from(&b"ab"[..]), 0, 200_000);
    l.push_old(300_000, old.len() as u64 - 300_000);
    let out = save(&path, &l, None, 64 << 10, None).unwrap();
    assert_eq!(out.strategy, Strategy::InPlace);
    assert_eq!(out.bytes_written - out.journal_bytes, 200_000);
    assert!(out.journal_bytes < 4096, "fills are journaled as patterns");
    let now = fs::read(&path).unwrap();
    assert_eq!(&now[..100_000], &old[..100_000]);
    assert!(now[100_000..300_000].chunks(2).all(|c| c == b"ab"));
    assert_eq!(&now[300_000..], &old[300_000..]);
}

#[test]
fn nothing_to_do_a_bad_layout_and_a_pending_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let old = bytes(10_000, 11);
    fs::write(&path, &old).unwrap();
    let mut same = Layout::new();
    same.push_old(0, 10_000);
    let out = save(&path, &same, None, 4096, None).unwrap();
    assert_eq!(out.bytes_written, 0);
    let mut bad = Layout::new();
    bad.push_old(5000, 6000);
    let e = save(&path, &bad, None, 4096, None).unwrap_err();
    assert!(e.to_string().contains("reads 6000 bytes at 5000"), "{e}");
    assert_eq!(fs::read(&path).unwrap(), old);
    // An interrupted save blocks the next until it is finished.
    let ps = apply(&[Op::Insert(9000, vec![1; 10])], 10_000);
    let r = save(
        &path,
        &layout_of(&ps),
        Some(Strategy::InPlace),
        4096,
        Some(Fault::JournalWritten),
    );
    assert!(r.is_err());
    let e = save(&path, &same, None, 4096, None);
    let e2 = save(&path, &layout_of(&ps), None, 4096, None).unwrap_err();
    assert!(matches!(e2, RelayoutError::Pending { .. }), "{e2}");
    assert!(e.is_ok() || matches!(e, Err(RelayoutError::Pending { .. })));
    relayout::finish_pending(&path).unwrap().unwrap();
    assert_eq!(fs::read(&path).unwrap(), model(&ps, &old));
}
