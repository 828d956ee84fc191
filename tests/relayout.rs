//! The length-changing saver against a model: random layouts saved both ways, a crash at
//! every fault point and under `kill -9`, hard links, symbolic links, mode and extended
//! attributes, a read-only folder, and a file size limit hit part way.

#![allow(clippy::unwrap_used, clippy::many_single_char_names)]

#[path = "relayout/choice.rs"]
mod choice;
#[path = "relayout/model.rs"]
mod model;

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use maphex::core::layout::Layout;
use maphex::core::relayout::{self, Fault, Options, Outcome, RelayoutError, Strategy, Tuning};
use model::{Op, P, apply, layout_of, model, ops};
use proptest::prelude::*;

fn rw(path: &Path) -> File {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap()
}

fn save(
    path: &Path,
    layout: &Layout,
    strategy: Option<Strategy>,
    block: u64,
    fault: Option<Fault>,
) -> Result<Outcome, RelayoutError> {
    let f = rw(path);
    let len = f.metadata().unwrap().len();
    relayout::save_tuned(
        path,
        &f,
        len,
        layout,
        &Options { strategy, fault },
        Tuning { block },
    )
}

fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// No journal and no temporary file are left beside `path`.
fn clean(path: &Path) -> bool {
    let dir = path.parent().unwrap();
    fs::read_dir(dir).unwrap().all(|e| {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        !n.contains("maphex-relayout")
    }) && relayout::pending(path).is_none()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Both ways give the model's bytes; in place writes nothing before the first change
    /// (the bytes it writes into the file are at most those from there on).
    #[test]
    fn both_ways_give_the_model(
        len in prop_oneof![0..2000usize, 2000..300_000usize],
        seed in any::<u64>(),
        ops in ops(300_000),
        div in 8..60u64,
    ) {
        let old = bytes(len, seed);
        let ps = apply(&ops, len as u64);
        let layout = layout_of(&ps);
        let want = model(&ps, &old);
        let first = layout.first_change(len as u64);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        for way in [Strategy::InPlace, Strategy::Rename] {
            fs::write(&path, &old).unwrap();
            let block = (len as u64 / div).max(512);
            let out = save(&path, &layout, Some(way), block, None).unwrap();
            prop_assert_eq!(fs::read(&path).unwrap(), want.clone(), "{:?}", way);
            prop_assert!(clean(&path));
            match (first, way) {
                (None, _) => prop_assert_eq!(out.bytes_written, 0),
                (Some(p), Strategy::InPlace) => {
                    prop_assert_eq!(out.strategy, Strategy::InPlace);
                    prop_assert_eq!(out.overwritten_from, Some(p));
                    let into_file = out.bytes_written - out.journal_bytes;
                    prop_assert!(into_file <= want.len() as u64 - p, "{} > {}", into_file, want.len() as u64 - p);
                }
                (Some(_), Strategy::Rename) => {
                    prop_assert_eq!(out.strategy, Strategy::Rename);
                    prop_assert_eq!(out.bytes_written, want.len() as u64);
                    prop_assert_eq!(out.overwritten_from, None);
                }
            }
        }
    }
}

/// Layouts for the fault tests: growing, shrinking, and mixed with a pasted copy.
fn fault_layouts(len: u64) -> Vec<(&'static str, Vec<P>)> {
    let grow = [
        Op::Insert(100, vec![7; 10]),
        Op::Insert(30_000, vec![8; 3000]),
    ];
    let shrink = [Op::Delete(200, 1500), Op::Delete(40_000, 7000)];
    let mixed = [
        Op::Insert(500, vec![1; 900]),
        Op::Delete(10_000, 2000),
        Op::Fill(20_000, vec![1, 2, 3], 5000),
        Op::Copy(60_000, 1000, 3000),
        Op::Delete(50_000, 100),
    ];
    vec![
        ("grow", apply(&grow, len)),
        ("shrink", apply(&shrink, len)),
        ("mixed", apply(&mixed, len)),
    ]
}

/// Saves with a fault, checks the file before and after `finish_pending`.
fn crash_at(path: &Path, old: &[u8], layout: &Layout, want: &[u8], way: Strategy, f: Fault) {
    fs::write(path, old).unwrap();
    let r = save(path, layout, Some(way), 4096, Some(f));
    assert!(
        matches!(r, Err(RelayoutError::Fault(g)) if g == f),
        "{f:?} was not reached: {r:?}"
    );
    let leaves_old = matches!(
        f,
        Fault::TempWritten | Fault::TempSynced | Fault::HeaderTorn
    );
    if leaves_old {
        assert_eq!(fs::read(path).unwrap(), old, "{f:?} touched the file");
    }
    relayout::finish_pending(path).unwrap();
    let expect = if leaves_old { old } else { want };
    assert!(
        fs::read(path).unwrap() == expect,
        "{f:?}: not wholly {}",
        if leaves_old { "old" } else { "new" }
    );
    assert!(clean(path), "{f:?} left a side file");
}

fn step_count(path: &Path, old: &[u8], layout: &Layout) -> usize {
    (0..10_000)
        .find(|&i| {
            fs::write(path, old).unwrap();
            let r = save(
                path,
                layout,
                Some(Strategy::InPlace),
                4096,
                Some(Fault::StepWritten(i)),
            );
            relayout::finish_pending(path).unwrap();
            r.is_ok()
        })
        .unwrap()
}

/// A crash at every fault point of the in-place way: wholly old where the header was torn
/// (nothing was written), else wholly new once `finish_pending` has run; and a crash while
/// finishing is finished by the next `finish_pending`.
#[test]
fn a_crash_at_every_in_place_point_leaves_old_or_new() {
    let old = bytes(64 << 10, 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    for (name, ps) in fault_layouts(old.len() as u64) {
        let layout = layout_of(&ps);
        let want = model(&ps, &old);
        let n = step_count(&path, &old, &layout);
        assert!(n >= 4, "{name}: {n} steps");
        let mut faults = vec![
            Fault::HeaderTorn,
            Fault::JournalWritten,
            Fault::Completed,
            Fault::Truncated,
        ];
        if want.len() > old.len() {
            faults.push(Fault::Extended);
        }
        for i in [0, 1, n / 2, n - 1] {
            faults.extend([
                Fault::RecordTorn(i),
                Fault::StepJournaled(i),
                Fault::StepTorn(i),
                Fault::StepWritten(i),
            ]);
        }
        for f in faults {
            crash_at(&path, &old, &layout, &want, Strategy::InPlace, f);
        }
        // A crash while finishing, then finishing again.
        for f in [
            Fault::StepTorn(n / 2),
            Fault::RecordTorn(n - 1),
            Fault::Completed,
        ] {
            fs::write(&path, &old).unwrap();
            let r = save(
                &path,
                &layout,
                Some(Strategy::InPlace),
                4096,
                Some(Fault::StepTorn(1)),
            );
            assert!(r.is_err());
            let r = relayout::finish_pending_faulted(&path, Some(f));
            assert!(
                matches!(r, Err(RelayoutError::Fault(_))),
                "{name} {f:?}: {r:?}"
            );
            relayout::finish_pending(&path).unwrap().unwrap();
            assert!(fs::read(&path).unwrap() == want, "{name}: finishing twice");
            assert!(clean(&path));
        }
    }
}

#[test]
fn a_crash_at_every_rename_point_leaves_old_or_new() {
    let old = bytes(300 << 10, 4);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    for (_, ps) in fault_layouts(old.len() as u64) {
        let layout = layout_of(&ps);
        let want = model(&ps, &old);
        for f in [Fault::TempWritten, Fault::TempSynced, Fault::Renamed] {
            crash_at(&path, &old, &layout, &want, Strategy::Rename, f);
        }
    }
}

// ------------------------------------------------------------------ child processes

fn is_child(test: &str) -> bool {
    std::env::var_os("MAPHEX_CHILD").is_some_and(|v| v == test)
}

fn child(test: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env("MAPHEX_CHILD", test);
    c
}

fn run_in_child(test: &str, env: &[(&str, &Path)]) {
    let mut c = child(test);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{test} failed in its own process:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const KILL_LEN: usize = 3 << 20;
const KILL_BLOCK: u64 = 24 << 10;

fn kill_layout() -> Vec<P> {
    apply(
        &[
            Op::Insert(1000, vec![0xAB; 333]),
            Op::Delete(1_500_000, 5000),
            Op::Insert(2_500_000, vec![0xCD; 70_000]),
        ],
        KILL_LEN as u64,
    )
}

/// The child of [`kill_nine_at_random_moments`]: a large in-place save in small steps.
#[test]
fn kill_nine_child() {
    if !is_child("kill_nine_child") {
        return;
    }
    let path = PathBuf::from(std::env::var_os("MAPHEX_FILE").unwrap());
    let marker = PathBuf::from(std::env::var_os("MAPHEX_MARKER").unwrap());
    let layout = layout_of(&kill_layout());
    fs::write(&marker, b"started").unwrap();
    save(&path, &layout, Some(Strategy::InPlace), KILL_BLOCK, None).unwrap();
}

/// `kill -9` of a process in the middle of a large in-place save, at ten moments: after
/// `finish_pending` the file is wholly old or wholly new.
#[test]
fn kill_nine_at_random_moments() {
    let old = bytes(KILL_LEN, 5);
    let ps = kill_layout();
    let want = model(&ps, &old);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let marker = dir.path().join("started");
    let (mut interrupted, mut finished) = (0, 0);
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 70, 110, 160, 250] {
        fs::write(&path, &old).unwrap();
        let _ = fs::remove_file(&marker);
        let mut c = child("kill_nine_child")
            .env("MAPHEX_FILE", &path)
            .env("MAPHEX_MARKER", &marker)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let t = Instant::now();
        while !marker.exists() && t.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        c.kill().unwrap();
        c.wait().unwrap();
        if relayout::pending(&path).is_some() {
            interrupted += 1;
        }
        if relayout::finish_pending(&path).unwrap().is_some() {
            finished += 1;
        }
        let now = fs::read(&path).unwrap();
        assert!(
            now == old || now == want,
            "after a kill at {delay_ms} ms: neither old nor new"
        );
        assert!(clean(&path));
    }
    eprintln!("kill -9: {interrupted} of 10 kills landed inside the save, {finished} finished");
    assert!(
        interrupted > 0,
        "no kill landed inside the save: make it longer"
    );
}

// ------------------------------------------------------------------ identity

#[test]
fn a_file_with_hard_links_is_saved_in_place_and_keeps_its_inode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let old = bytes(100_000, 6);
    fs::write(&path, &old).unwrap();
    fs::hard_link(&path, dir.path().join("link.bin")).unwrap();
    let ino = fs::metadata(&path).unwrap().ino();
    let ps = apply(&[Op::Insert(0, b"head".to_vec())], old.len() as u64);
    let layout = layout_of(&ps);
    let plan = relayout::plan(&path, old.len() as u64, &layout).unwrap();
    assert_eq!((plan.strategy, plan.why), (Strategy::InPlace, "hard links"));
    // Asking for the rename way is not allowed either.
    let out = save(&path, &layout, Some(Strategy::Rename), 8 << 20, None).unwrap();
    assert_eq!(out.strategy, Strategy::InPlace);
    assert_eq!(fs::metadata(&path).unwrap().ino(), ino);
    assert_eq!(
        fs::read(dir.path().join("link.bin")).unwrap(),
        model(&ps, &old)
    );
}

#[test]
fn a_symbolic_link_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.bin");
    let link = dir.path().join("link.bin");
    let old = bytes(50_000, 7);
    fs::write(&real, &old).unwrap();
    std::os::unix::fs::symlink("real.bin", &link).unwrap();
    let ps = apply(&[Op::Insert(10, b"xyz".to_vec())], old.len() as u64);
    for way in [Strategy::Rename, Strategy::InPlace] {
        fs::write(&real, &old).unwrap();
        let out = save(&link, &layout_of(&ps), Some(way), 8 << 20, None).unwrap();
        assert_eq!(out.strategy, way);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), model(&ps, &old), "{way:?}");
        assert!(clean(&real));
    }
}

fn set_xattr(path: &Path, name: &str, value: &[u8]) -> std::io::Result<()> {
    let p = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let n = std::ffi::CString::new(name).unwrap();
    // SAFETY: NUL-terminated strings and a buffer valid for its length.
    let rc = unsafe {
        libc::setxattr(
            p.as_ptr(),
            n.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

fn get_xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    let p = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let n = std::ffi::CString::new(name).unwrap();
    let mut buf = vec![0u8; 256];
    // SAFETY: NUL-terminated strings and a buffer valid for its length.
    let rc = unsafe { libc::getxattr(p.as_ptr(), n.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    let n = usize::try_from(rc).ok()?;
    buf.truncate(n);
    Some(buf)
}

#[test]
fn a_rename_keeps_mode_owner_and_extended_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let old = bytes(80_000, 8);
    fs::write(&path, &old).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let xattrs = match set_xattr(&path, "user.test", b"kept") {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "!!! the file system under {} refuses user xattrs ({e}): the xattr half of this test is NOT checked",
                dir.path().display()
            );
            false
        }
    };
    let before = fs::metadata(&path).unwrap();
    let ps = apply(&[Op::Insert(0, b"new head".to_vec())], old.len() as u64);
    let out = save(&path, &layout_of(&ps), None, 8 << 20, None).unwrap();
    assert_eq!(
        out.strategy,
        Strategy::Rename,
        "an insert at 0 favours the new file"
    );
    let after = fs::metadata(&path).unwrap();
    assert_ne!(after.ino(), before.ino());
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if xattrs {
        assert_eq!(get_xattr(&path, "user.test").as_deref(), Some(&b"kept"[..]));
    }
    assert_eq!(fs::read(&path).unwrap(), model(&ps, &old));
}

/// The child of [`a_read_only_folder_forces_in_place`], run as `nobody` when the tests run
/// as root (where folder permissions stop nothing).
#[test]
fn read_only_folder_child() {
    if !is_child("read_only_folder_child") {
        return;
    }
    let path = PathBuf::from(std::env::var_os("MAPHEX_FILE").unwrap());
    // SAFETY: plain calls in a single-purpose child process.
    unsafe {
        if libc::geteuid() == 0 {
            assert_eq!(libc::setgid(65534), 0);
            assert_eq!(libc::setuid(65534), 0);
        }
    }
    let old = fs::read(&path).unwrap();
    let ps = apply(&[Op::Insert(0, b"head".to_vec())], old.len() as u64);
    let layout = layout_of(&ps);
    let plan = relayout::plan(&path, old.len() as u64, &layout).unwrap();
    assert_eq!(
        (plan.strategy, plan.why),
        (Strategy::InPlace, "folder not writable")
    );
    let out = save(&path, &layout, None, 8 << 20, None).unwrap();
    assert_eq!(out.strategy, Strategy::InPlace);
    assert_eq!(fs::read(&path).unwrap(), model(&ps, &old));
    assert!(relayout::pending(&path).is_none());
}

#[test]
fn a_read_only_folder_forces_in_place() {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("ro");
    let state = dir.path().join("state");
    fs::create_dir(&ro).unwrap();
    fs::create_dir(&state).unwrap();
    let path = ro.join("f.bin");
    fs::write(&path, bytes(40_000, 9)).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    // SAFETY: the test's own tempdir; as root only.
    unsafe {
        if libc::geteuid() == 0 {
            let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
            assert_eq!(libc::chown(c(&path).as_ptr(), 65534, 65534), 0);
            assert_eq!(libc::chown(c(&state).as_ptr(), 65534, 65534), 0);
        }
    }
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    run_in_child(
        "read_only_folder_child",
        &[("MAPHEX_FILE", &path), ("XDG_STATE_HOME", &state)],
    );
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
}

// ------------------------------------------------------------------ a file size limit

fn set_file_size_limit(bytes: libc::rlim_t) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local rlimit; SIGXFSZ ignored in
    // this single-purpose child so that the write fails with EFBIG instead of killing it.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &raw mut lim), 0);
        lim.rlim_cur = bytes.min(lim.rlim_max);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &raw const lim), 0);
    }
}

/// A file size limit (standing in for a full disk, which cannot be made without root): in
/// place, growing past it is refused when the new length is reserved, before the file
/// changes; as a new file, the copy fails part way and the temporary file is removed. Both
/// leave the file wholly old and no side file.
#[test]
fn a_file_size_limit_leaves_the_file_wholly_old() {
    const NAME: &str = "a_file_size_limit_leaves_the_file_wholly_old";
    if !is_child(NAME) {
        return run_in_child(NAME, &[]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let old = bytes(2 << 20, 12);
    let grow = apply(&[Op::Insert(2_000_000, vec![5; 300_000])], old.len() as u64);
    let early = apply(&[Op::Insert(10, vec![5; 300_000])], old.len() as u64);
    for (ps, way) in [(&grow, Strategy::InPlace), (&early, Strategy::Rename)] {
        fs::write(&path, &old).unwrap();
        set_file_size_limit(old.len() as libc::rlim_t + 1000);
        let r = save(&path, &layout_of(ps), Some(way), 64 << 10, None);
        set_file_size_limit(libc::RLIM_INFINITY);
        let e = r.unwrap_err();
        assert!(e.to_string().contains("too large"), "{way:?}: {e}");
        assert!(fs::read(&path).unwrap() == old, "{way:?}: not wholly old");
        assert!(clean(&path), "{way:?}: a side file is left");
    }
    // Already past the limit: in place is refused before it starts.
    fs::write(&path, &old).unwrap();
    set_file_size_limit(1 << 20);
    let r = save(
        &path,
        &layout_of(&grow),
        Some(Strategy::InPlace),
        64 << 10,
        None,
    );
    set_file_size_limit(libc::RLIM_INFINITY);
    assert!(r.is_err());
    assert!(fs::read(&path).unwrap() == old);
    assert!(clean(&path));
}
