//! Helpers shared by the headless test files: typing into a `Session`, reading its message,
//! opening documents, and reading rows of a drawn buffer. Each test file uses what it needs.

#![allow(dead_code, clippy::unwrap_used)] // not every test file uses every helper

use std::path::Path;

use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::tui::app::Severity;
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::runtime::Session;
use ratatui::buffer::Buffer;

/// Types each character of `text` as a key.
pub fn typ(s: &mut Session, text: &str) {
    for c in text.chars() {
        s.input(Input::Key(Key::ch(c)));
    }
}

/// Presses one key without modifiers.
pub fn key(s: &mut Session, code: KeyCode) {
    s.input(Input::Key(Key::plain(code)));
}

/// Runs a `:` command line.
pub fn cmd(s: &mut Session, line: &str) {
    typ(s, ":");
    typ(s, line);
    key(s, KeyCode::Enter);
}

/// The message line's text (empty when there is none).
pub fn message(s: &Session) -> String {
    s.app
        .message
        .as_ref()
        .map(|(m, _)| m.clone())
        .unwrap_or_default()
}

/// The message's severity.
pub fn severity(s: &Session) -> Option<Severity> {
    s.app.message.as_ref().map(|(_, sev)| *sev)
}

/// Opens a document in `mode`.
pub fn open(path: &Path, mode: Mode) -> Document {
    Document::open(
        path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )
    .unwrap()
}

/// A sparse file of `len` bytes (zeros, no disk used) in a fresh folder.
pub fn sparse(name: &str, len: u64) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    (dir, path)
}

/// One row of a buffer as text.
pub fn row(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

/// The whole buffer as text, one line per row.
pub fn screen_text(buf: &Buffer) -> String {
    (0..buf.area.height).map(|y| row(buf, y) + "\n").collect()
}

/// A small deterministic generator (xorshift64), so failures replay.
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A value below `n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The user id tests drop to when they need permission bits to count (root ignores them).
const NOBODY: u32 = 65534;

/// For a test about permissions: when this process runs as root (CI does), where permission
/// bits block nothing, runs the test named `test` again in a child process as the user
/// `nobody` and asserts that it ran there and passed; returns true, and the caller returns.
/// Returns false when the caller should run its body here: not root, or this is the child.
/// The test binary is copied to a fresh folder first, so the child can run it wherever the
/// checkout lives. Nothing is skipped: a child that cannot start fails the test.
pub fn rerun_unprivileged(test: &str) -> bool {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    const CHILD: &str = "MAPHEX_TEST_UNPRIVILEGED";
    // Copying and starting happen under one lock: a test thread that forks while another
    // holds the copy open for writing would make the other's exec fail with "text file
    // busy" (ETXTBSY), until that fork's child execs.
    static SPAWN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let euid = std::fs::metadata("/proc/self").unwrap().uid();
    if euid != 0 || std::env::var_os(CHILD).is_some() {
        return false;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let exe = dir.path().join("test-binary");
    let child = {
        let _one = SPAWN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::process::Command::new(&exe)
            .args([test, "--exact", "--test-threads=1", "--nocapture"])
            .env(CHILD, "1")
            .current_dir(dir.path())
            .uid(NOBODY)
            .gid(NOBODY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test} as the user nobody: {:?}\n{stdout}\n{stderr}",
        out.status
    );
    true
}

/// Every `.rs` file under `dir` (tests that read the source: hints, layers).
pub fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A session on a private copy of the sample (`assets/lorem.txt`) opened in `mode`, at 80×24.
pub fn lorem_session(mode: Mode) -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lorem.txt");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lorem.txt"),
        &path,
    )
    .unwrap();
    (dir, Session::new(open(&path, mode), (80, 24)))
}

/// The CRC-32 of PNG chunks (and zlib, gzip): the reflected polynomial 0xedb88320.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// One PNG chunk: length, type, data and CRC, for PNGs built byte by byte.
pub fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(data);
    let mut c = kind.to_vec();
    c.extend_from_slice(data);
    v.extend_from_slice(&crc32(&c).to_be_bytes());
    v
}

/// A tree of the template `text` (no imports) over `bytes`; a template that does not load
/// fails the test with its message.
pub fn ksy_tree(text: &str, bytes: Vec<u8>) -> maphex::core::ksy::Tree<Vec<u8>> {
    let schema = maphex::core::ksy::Schema::load(text, &maphex::core::ksy::schema::NoImports)
        .unwrap_or_else(|e| panic!("{e}"));
    maphex::core::ksy::Tree::new(std::sync::Arc::new(schema), bytes)
}

/// The value at `path`, failing the test (with the path) where the parse stopped.
pub fn ksy_value(t: &mut maphex::core::ksy::Tree<Vec<u8>>, path: &str) -> maphex::core::ksy::Value {
    let id = t.lookup(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    if let Some(e) = t.error(id) {
        panic!("{path}: {e}");
    }
    t.value(id).unwrap_or_else(|e| panic!("{path}: {e}"))
}
