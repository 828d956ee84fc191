//! `maphex replace` (a sed for binary files) and `maphex patch --insert/--delete` from the
//! outside: outputs against `regex::bytes::Regex::replace_all`, exit codes, the dry-run
//! listings, standard input, and the refusals that leave the file untouched.
//!
//! The in-place saves that change the file's length go through `core::relayout`, which is
//! merged from another branch; until then those tests are ignored ("needs relayout").

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use predicates::prelude::*;

fn maphex() -> Command {
    Command::cargo_bin("maphex").unwrap()
}

fn file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.bin");
    std::fs::write(&f, bytes).unwrap();
    (dir, f)
}

fn reference(p: &str, hay: &[u8], rep: &str) -> Vec<u8> {
    regex::bytes::RegexBuilder::new(p)
        .unicode(false)
        .build()
        .unwrap()
        .replace_all(hay, rep.as_bytes())
        .into_owned()
}

/// Deterministic pseudo-random bytes from a small alphabet (so patterns match often).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b"ab x\n\x00\xffc"[(x % 8) as usize]
        })
        .collect()
}

#[test]
fn output_equals_replace_all() {
    let hay = noise(50_000, 7);
    let (dir, f) = file(&hay);
    let out = dir.path().join("out.bin");
    for (p, rep) in [
        ("a+", "X"),
        ("ab", ""),
        ("x*", "-"),
        ("(a)(b)?", "$2$1"),
        ("(?<w>a+)c", "[${w}]"),
        (r"\bab\b", "$$"),
        (r"[\x00-\x10]b?", "<$0>"),
    ] {
        maphex()
            .args(["replace", "-q", p, rep])
            .arg(&f)
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .stderr("");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            reference(p, &hay, rep),
            "{p} {rep}"
        );
    }
    // FILE is only read.
    assert_eq!(std::fs::read(&f).unwrap(), hay);
}

#[test]
fn output_across_the_default_window() {
    // More than one 16 MiB scan window, with matches at the seams.
    let mut hay = b"lorem consectetuer ipsum ".repeat((17 << 20) / 25);
    hay.extend_from_slice(b"consectetuer");
    let (_dir, f) = file(&hay);
    let out = maphex()
        .args(["replace", "consectetuer", "X"])
        .arg(&f)
        .args(["-o", "-"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(out.stdout == reference("consectetuer", &hay, "X"));
    let n = hay.len() / 25 + 1;
    let want = format!(
        "replaced {n} matches in {} ({} bytes → {n} bytes), wrote standard output ({} bytes)\n",
        f.display(),
        n * 12,
        hay.len() - n * 11
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), want);
}

#[test]
fn exit_codes() {
    let (dir, f) = file(b"one two one");
    maphex()
        .args(["replace", "--dry-run", "one", "1"])
        .arg(&f)
        .assert()
        .code(0);
    maphex()
        .args(["replace", "--dry-run", "three", "3"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("no match in {}\n", f.display()));
    maphex()
        .args(["replace", "three", "3"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unchanged"));
    // -o with no match still writes OUT, as sed would, and exits 1.
    let out = dir.path().join("o");
    maphex()
        .args(["replace", "-q", "three", "3"])
        .arg(&f)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr("");
    assert_eq!(std::fs::read(&out).unwrap(), b"one two one");
    maphex()
        .args(["replace", "x", "y"])
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open"));
    assert_eq!(std::fs::read(&f).unwrap(), b"one two one");
}

#[test]
fn bad_patterns_and_templates_name_the_column() {
    let (_dir, f) = file(b"abc");
    let fails = |args: &[&str], msg: &str| {
        maphex()
            .arg("replace")
            .args(args)
            .arg(&f)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(msg));
    };
    fails(&["a(b", "x"], "invalid regex at column 2: unclosed group");
    fails(
        &["(a)", "$1a"],
        "invalid replacement at column 1: the pattern has no group `1a` (it has groups 0 to 1); \
         for group 1 followed by `a` write ${1}a",
    );
    fails(
        &["a", "xy${1"],
        "invalid replacement at column 3: `${` has no closing `}`",
    );
    fails(&["a", r"x\xzz"], r"column 2: `\xzz` is not a byte");
    fails(&["a", r"\1"], "write $1");
    fails(
        &["(?<n>a)", "${m}"],
        "no group `m` (it has groups 0 to 1, named n)",
    );
    fails(
        &["--hex", "61", "zz"],
        "invalid replacement: invalid hex `zz` at column 1",
    );
    fails(&["--hex", "61", "??"], "a replacement needs real bytes");
    fails(&["", "x"], "empty pattern");
    assert_eq!(std::fs::read(&f).unwrap(), b"abc");
}

#[test]
fn dry_run_lists_and_changes_nothing() {
    let long = "a".repeat(40);
    let (_dir, f) = file(format!("xab{long}b").as_bytes());
    maphex()
        .args(["replace", "--dry-run", "a+", r"\x00"])
        .arg(&f)
        .assert()
        .success()
        .stdout(format!(
            "0x00000001: 61 -> 00\n0x00000003: {} … (40 bytes) -> 00\n",
            ["61"; 32].join(" ")
        ))
        .stderr(format!(
            "would replace 2 matches in {} (41 bytes → 2 bytes)\n",
            f.display()
        ));
    maphex()
        .args(["replace", "--dry-run", "x*", ""])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "0x00000000: 78 -> (none)\n0x00000002: (none) -> (none)\n",
        ));
    let out = maphex()
        .args(["replace", "--dry-run", "--json", "b", "$0$0"])
        .arg(&f)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "{\"offset\":2,\"len\":1,\"old\":\"62\",\"new\":\"6262\"}\n\
         {\"offset\":43,\"len\":1,\"old\":\"62\",\"new\":\"6262\"}\n"
    );
    // Each line is one flat object of the four keys (parsed minimally).
    for line in text.lines() {
        let body = line.strip_prefix('{').unwrap().strip_suffix('}').unwrap();
        let keys: Vec<&str> = body
            .split(',')
            .map(|kv| kv.split(':').next().unwrap())
            .collect();
        assert_eq!(keys, ["\"offset\"", "\"len\"", "\"old\"", "\"new\""]);
    }
    assert_eq!(std::fs::read(&f).unwrap(), format!("xab{long}b").as_bytes());
    // --json belongs to --dry-run; --dry-run and -o exclude each other.
    maphex()
        .args(["replace", "--json", "b", "c"])
        .arg(&f)
        .assert()
        .code(2);
    maphex()
        .args(["replace", "--dry-run", "-o", "-", "b", "c"])
        .arg(&f)
        .assert()
        .code(2);
}

#[test]
fn same_length_replacements_are_written_in_place() {
    let (_dir, f) = file(b"cat hat cat\n\xde\xad");
    maphex()
        .args(["replace", "c(a)t", "d${1}g"])
        .arg(&f)
        .assert()
        .success()
        .stdout("")
        .stderr(format!(
            "replaced 2 matches in {} (6 bytes → 6 bytes)\n",
            f.display()
        ));
    assert_eq!(std::fs::read(&f).unwrap(), b"dag hat dag\n\xde\xad");
    maphex()
        .args(["replace", "-q", "--hex", "de ad", "be ef"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(std::fs::read(&f).unwrap(), b"dag hat dag\n\xbe\xef");
    maphex()
        .args(["replace", "-q", "-i", "--text", "HAT", "m.t"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(std::fs::read(&f).unwrap(), b"dag m.t dag\n\xbe\xef");
}

#[test]

fn length_changing_replacements_are_written_in_place() {
    let hay = noise(20_000, 3);
    let (_dir, f) = file(&hay);
    maphex()
        .args(["replace", "-q", "a+b", "<$0>"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(std::fs::read(&f).unwrap(), reference("a+b", &hay, "<$0>"));
    maphex()
        .args(["replace", "-q", "<", ""])
        .arg(&f)
        .assert()
        .success();
}

#[test]
fn unicode_flag_changes_what_xnn_means() {
    let (_dir, f) = file("\u{e9}\u{e9} \u{e9}".as_bytes());
    // Byte mode: \xe9 is the byte e9, not in the file (it holds c3 a9).
    maphex()
        .args(["replace", "--dry-run", r"\xe9", "e"])
        .arg(&f)
        .assert()
        .code(1);
    maphex()
        .args(["replace", "--unicode", r"\xe9+", "e"])
        .arg(&f)
        .args(["-o", "-"])
        .assert()
        .success()
        .stdout("e e");
}

#[test]
fn standard_input_needs_an_output() {
    maphex()
        .args(["replace", "b", "X", "-"])
        .write_stdin("abc")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "standard input cannot be rewritten in place: add -o OUT",
        ));
    maphex()
        .args(["replace", "-q", "b", "X", "-", "-o", "-"])
        .write_stdin("abcb")
        .assert()
        .success()
        .stdout("aXcX");
    maphex()
        .args(["replace", "--dry-run", "b", "X", "-"])
        .write_stdin("abc")
        .assert()
        .success()
        .stdout("0x00000001: 62 -> 58\n")
        .stderr("would replace 1 match in (standard input) (1 byte → 1 byte)\n");
}

#[test]
fn output_onto_the_input_is_refused() {
    let (dir, f) = file(b"abc");
    let link = dir.path().join("link");
    std::fs::hard_link(&f, &link).unwrap();
    maphex()
        .args(["replace", "b", "X"])
        .arg(&f)
        .arg("-o")
        .arg(&link)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("drop -o to rewrite it in place"));
    assert_eq!(std::fs::read(&f).unwrap(), b"abc");
}

#[test]
fn a_locked_file_is_refused_unless_forced() {
    use maphex::core::document::{Document, OpenConfig};
    let (_dir, f) = file(b"abc");
    let holder = Document::open(&f, OpenConfig::default()).unwrap();
    maphex()
        .args(["replace", "b", "X"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot replace in"))
        .stderr(predicate::str::contains("--force-write"));
    assert_eq!(std::fs::read(&f).unwrap(), b"abc");
    maphex()
        .args(["replace", "-q", "--force-write", "b", "X"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(std::fs::read(&f).unwrap(), b"aXc");
    drop(holder);
}

#[test]
fn patch_insert_and_delete_check_their_arguments() {
    let (_dir, f) = file(b"0123456789");
    let fails = |args: &[&str], msg: &str| {
        maphex()
            .arg("patch")
            .arg(&f)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(msg));
    };
    fails(&["--at", "3", "--delete", "0"], "nothing to delete");
    fails(
        &["--at", "8", "--delete", "3"],
        "at most 2 can be deleted there",
    );
    fails(
        &["--at", "end", "--delete", "1"],
        "at most 0 can be deleted there",
    );
    fails(&["--at", "11", "--insert", "--text", "a"], "past the end");
    fails(&["--at", "1", "--delete", "x"], "bad --delete");
    fails(
        &["--at", "1", "--delete", "1", "--text", "a"],
        "cannot be used with",
    );
    fails(
        &["--at", "1", "--insert", "--extend", "--text", "a"],
        "cannot be used with",
    );
    fails(&["--at", "1", "--insert"], "required");
    assert_eq!(std::fs::read(&f).unwrap(), b"0123456789");
}

#[test]

fn patch_insert_and_delete_change_the_length() {
    let (_dir, f) = file(b"0123456789");
    maphex()
        .arg("patch")
        .arg(&f)
        .args(["--at", "3", "--insert", "--text", "abc"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "0x00000003: inserted 61 62 63\ninserted 3 bytes;",
        ));
    assert_eq!(std::fs::read(&f).unwrap(), b"012abc3456789");
    maphex()
        .arg("patch")
        .arg(&f)
        .args(["--at", "end", "--insert", "--hex", "ff"])
        .assert()
        .success();
    assert_eq!(std::fs::read(&f).unwrap(), b"012abc3456789\xff");
    maphex()
        .arg("patch")
        .arg(&f)
        .args(["--at", "0", "--delete", "0x3"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "0x00000000: deleted 30 31 32\ndeleted 3 bytes;",
        ));
    assert_eq!(std::fs::read(&f).unwrap(), b"abc3456789\xff");
}
