//! `write_xxd` against xxd itself: golden files made once with xxd (so this passes on
//! machines without it), and, where `xxd` is on PATH, a differential test over random ranges
//! and column counts plus a round trip through `xxd -r`.
//!
//! `tests/golden/README.md` lists the commands that made each golden file.

mod support;
use support::Rng;

use std::borrow::Cow;
use std::cell::Cell;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

use maphex::core::dump::{DumpError, write_xxd};
use maphex::core::source::ByteSource;

const FIVE_GIB: u64 = 5 << 30;

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn golden(name: &str) -> String {
    let path = manifest_path("tests/golden").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn lorem() -> Vec<u8> {
    fs::read(manifest_path("assets/lorem.txt")).expect("assets/lorem.txt")
}

fn all_bytes() -> Vec<u8> {
    (0..=255).collect()
}

fn dump<S: ByteSource + ?Sized>(src: &S, range: Range<u64>, cols: usize) -> String {
    let mut out = Vec::new();
    write_xxd(src, range, cols, &mut out).expect("dump");
    String::from_utf8(out).expect("a dump is ASCII")
}

/// A file read through seek + read, one range at a time, like the mapped document will be;
/// it records the largest read so the 5 GiB case proves nothing reads the whole file.
struct FileSource {
    file: File,
    len: u64,
    largest_read: Cell<u64>,
}

impl FileSource {
    fn open(path: &Path) -> Self {
        let file = File::open(path).expect("open");
        let len = file.metadata().expect("metadata").len();
        Self {
            file,
            len,
            largest_read: Cell::new(0),
        }
    }
}

impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        let start = range.start.min(self.len);
        let end = range.end.clamp(start, self.len);
        self.largest_read
            .set(self.largest_read.get().max(end - start));
        let mut buf = vec![0; usize::try_from(end - start).expect("range fits in memory")];
        let mut file = &self.file;
        file.seek(SeekFrom::Start(start)).expect("seek");
        file.read_exact(&mut buf).expect("read");
        Cow::Owned(buf)
    }
}

fn sparse_5gib(dir: &Path) -> PathBuf {
    let path = dir.join("sparse5g");
    File::create(&path)
        .expect("create")
        .set_len(FIVE_GIB)
        .expect("a sparse 5 GiB file");
    path
}

// ---------------------------------------------------------------------------------------
// Golden files: no xxd needed.
// ---------------------------------------------------------------------------------------

/// (golden file, start, length or `None` for "to the end", cols)
const LOREM_GOLDEN: &[(&str, u64, Option<u64>, usize)] = &[
    ("lorem.xxd", 0, None, 16),
    ("lorem.xxd", 0, None, 0),
    ("lorem_s0x10_l100.xxd", 0x10, Some(100), 16),
    ("lorem_c8.xxd", 0, None, 8),
    ("lorem_c3.xxd", 0, None, 3),
    ("lorem_c1_l40.xxd", 0, Some(40), 1),
    ("lorem_c256.xxd", 0, None, 256),
    ("lorem_s0x2d0_c32.xxd", 0x2d0, None, 32),
    ("lorem_l0.xxd", 0, Some(0), 16),
    ("lorem_s800.xxd", 800, None, 16),
    ("lorem_s800.xxd", 737, Some(10), 16),
];

fn range_of(start: u64, len: Option<u64>) -> Range<u64> {
    start..len.map_or(u64::MAX, |n| start + n)
}

#[test]
fn lorem_matches_golden_files() {
    let bytes = lorem();
    assert_eq!(
        bytes.len(),
        737,
        "assets/lorem.txt changed; regenerate tests/golden"
    );
    for &(name, start, len, cols) in LOREM_GOLDEN {
        assert_eq!(
            dump(&bytes, range_of(start, len), cols),
            golden(name),
            "{name} (cols {cols})"
        );
    }
}

#[test]
fn all_byte_values_match_golden_files() {
    let bytes = all_bytes();
    assert_eq!(dump(&bytes, 0..256, 16), golden("all256.xxd"));
    assert_eq!(dump(&bytes, 3..u64::MAX, 7), golden("all256_s3_c7.xxd"));
}

#[test]
fn columns_over_256_are_refused_like_xxd() {
    for cols in [257, 1000, usize::MAX] {
        let err = write_xxd(&lorem(), 0..10, cols, &mut Vec::new()).expect_err("refused");
        assert!(matches!(err, DumpError::InvalidCols { cols: c } if c == cols));
    }
}

/// xxd prints `%08lx`: 8 digits up to 4 GiB, 9 past it, so lines straddling the boundary
/// have different widths. The file is sparse, so 5 GiB costs nothing on disk.
#[test]
fn offsets_past_4gib_match_golden_files_on_a_sparse_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = FileSource::open(&sparse_5gib(dir.path()));
    let cases: &[(&str, Range<u64>, usize)] = &[
        (
            "sparse5g_s0xfffffff0_l48.xxd",
            0xffff_fff0..0xffff_fff0 + 48,
            16,
        ),
        (
            "sparse5g_s0x100000000_l32.xxd",
            0x1_0000_0000..0x1_0000_0000 + 32,
            16,
        ),
        (
            "sparse5g_tail_c12.xxd",
            0x1_3fff_ffe0..0x1_3fff_ffe0 + 100,
            12,
        ),
    ];
    for (name, range, cols) in cases {
        assert_eq!(dump(&src, range.clone(), *cols), golden(name), "{name}");
    }
    assert!(src.largest_read.get() <= 64 * 1024);
}

// ---------------------------------------------------------------------------------------
// Against xxd itself, when it is installed.
// ---------------------------------------------------------------------------------------

fn have_xxd() -> bool {
    let found = Command::new("xxd").arg("-v").output().is_ok();
    if !found {
        eprintln!("note: xxd is not on PATH; skipping the comparison against xxd itself");
    }
    found
}

fn xxd(args: &[String], file: &Path) -> String {
    let out = Command::new("xxd")
        .args(args)
        .arg(file)
        .output()
        .expect("run xxd");
    assert!(out.status.success(), "xxd {args:?} failed: {out:?}");
    String::from_utf8(out.stdout).expect("xxd prints ASCII")
}

fn xxd_range(file: &Path, start: u64, len: u64, cols: usize) -> String {
    let args = [
        "-s".to_owned(),
        start.to_string(),
        "-l".to_owned(),
        len.to_string(),
        "-c".to_owned(),
        cols.to_string(),
    ];
    xxd(&args, file)
}

/// Test inputs that exercise every byte class and cross the 64 KiB block boundary.
fn generated_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let random: Vec<u8> = (0..70_000).map(|_| rng.next() as u8).collect();
    let text: Vec<u8> = lorem().iter().copied().cycle().take(150_001).collect();
    let mut mixed = vec![0u8; 40_000];
    mixed.extend((0..=255u8).cycle().take(30_000));
    mixed.extend(
        b"\t\r\n\x1b[31m caf\xc3\xa9 \x7f\x80\xff"
            .iter()
            .cycle()
            .take(9_999),
    );
    let files = [
        ("lorem.txt", lorem()),
        ("random.bin", random),
        ("text.txt", text),
        ("mixed.bin", mixed),
        ("empty", Vec::new()),
    ];
    files
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            fs::write(&path, &bytes).expect("write test file");
            (path, bytes)
        })
        .collect()
}

/// Column counts every generated file is dumped with before random ones: xxd's default (0),
/// the odd widths that leave a lone pair, the 16-byte `xxd -r` boundary and the 256 limit.
const FIXED_COLS: &[usize] = &[0, 1, 2, 3, 7, 8, 15, 16, 17, 32, 33, 64, 255, 256];

#[test]
fn random_ranges_and_columns_match_xxd() {
    if !have_xxd() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for (path, bytes) in generated_files(dir.path()) {
        let size = bytes.len() as u64;
        for case in 0..30 {
            let cols = FIXED_COLS
                .get(case)
                .copied()
                .unwrap_or_else(|| usize::try_from(rng.below(257)).expect("small"));
            let start = match rng.below(4) {
                0 => 0,
                1 => rng.below(size + 1),
                2 => size.saturating_sub(rng.below(300)),
                _ => rng.below(size + 500),
            };
            let len = match rng.below(3) {
                0 => rng.below(600),
                1 => rng.below(size + 1000),
                _ => u64::from(u32::MAX),
            };
            let src = FileSource::open(&path);
            assert_eq!(
                dump(&src, start..start.saturating_add(len), cols),
                xxd_range(&path, start, len, cols),
                "{} -s {start} -l {len} -c {cols}",
                path.display()
            );
        }
        // The whole file with xxd's defaults.
        assert_eq!(
            dump(&bytes, 0..u64::MAX, 16),
            xxd(&[], &path),
            "{}",
            path.display()
        );
    }
}

#[test]
fn xxd_refuses_the_columns_we_refuse() {
    if !have_xxd() {
        return;
    }
    let path = manifest_path("assets/lorem.txt");
    for cols in [256usize, 257] {
        let ours = write_xxd(&lorem(), 0..64, cols, &mut Vec::new()).is_ok();
        let theirs = Command::new("xxd")
            .args(["-l", "64", "-c", &cols.to_string()])
            .arg(&path)
            .output()
            .expect("run xxd")
            .status
            .success();
        assert_eq!(ours, theirs, "cols {cols}");
    }
}

#[test]
fn offsets_past_4gib_match_xxd_on_a_sparse_file() {
    if !have_xxd() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = sparse_5gib(dir.path());
    let src = FileSource::open(&path);
    for (start, len, cols) in [
        (0xffff_ff00, 0x200, 7),
        (0x1_0000_0000 - 1, 64, 16),
        (FIVE_GIB - 77, 500, 256),
        (FIVE_GIB, 10, 16),
    ] {
        assert_eq!(
            dump(&src, start..start + len, cols),
            xxd_range(&path, start, len, cols),
            "-s {start:#x} -l {len} -c {cols}"
        );
    }
}

/// Our output fed to `xxd -r` gives the bytes back. `-c` is passed because xxd -r reads only
/// 16 bytes per line otherwise; `-s -START` shifts a ranged dump back to offset 0.
#[test]
fn xxd_reverses_our_output() {
    if !have_xxd() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let dump_path = dir.path().join("dump.txt");
    let back_path = dir.path().join("back.bin");
    let mut cases = Vec::new();
    for (path, bytes) in generated_files(dir.path()) {
        for cols in [1, 3, 16, 31, 256] {
            cases.push((path.clone(), bytes.clone(), 0, bytes.len() as u64, cols));
        }
        let len = bytes.len() as u64;
        cases.push((path, bytes, len / 3, len / 2, 12));
    }
    for (path, bytes, start, len, cols) in cases {
        let end = (start + len).min(bytes.len() as u64);
        fs::write(&dump_path, dump(&bytes, start..end, cols)).expect("write dump");
        let _ = fs::remove_file(&back_path);
        let status = Command::new("xxd")
            .args(["-r", "-c", &cols.to_string(), "-s", &format!("-{start}")])
            .arg(&dump_path)
            .arg(&back_path)
            .status()
            .expect("run xxd -r");
        assert!(status.success());
        let back = fs::read(&back_path).expect("read back");
        let want =
            &bytes[usize::try_from(start).expect("small")..usize::try_from(end).expect("small")];
        assert!(
            back == want,
            "{} {start}..{end} cols {cols}",
            path.display()
        );
    }

    // Past 4 GiB too: the 9-digit offsets parse back to the right place.
    let sparse = FileSource::open(&sparse_5gib(dir.path()));
    let start = 0x1_0000_0000 - 40;
    fs::write(&dump_path, dump(&sparse, start..start + 100, 16)).expect("write dump");
    let _ = fs::remove_file(&back_path);
    let status = Command::new("xxd")
        .args(["-r", "-s", &format!("-{start}")])
        .arg(&dump_path)
        .arg(&back_path)
        .status()
        .expect("run xxd -r");
    assert!(status.success());
    assert_eq!(fs::read(&back_path).expect("read back"), vec![0u8; 100]);
}
