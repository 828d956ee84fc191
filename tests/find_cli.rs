//! `maphex find` and `maphex dump` as grep and xxd users expect them (issue 10): several
//! files with name prefixes, standard input (`-` or a pipe), `--max-count`, `--unicode`,
//! byte semantics by default, and grep's exit codes when a file is missing.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use predicates::prelude::*;

fn maphex() -> Command {
    Command::cargo_bin("maphex").unwrap()
}

fn files() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.bin");
    let b = dir.path().join("b.bin");
    std::fs::write(&a, b"xx\xde\xad\xbe\xef yy \xde\xad").unwrap();
    std::fs::write(&b, b"nothing here").unwrap();
    let (a, b) = (a.display().to_string(), b.display().to_string());
    (dir, a, b)
}

#[test]
fn bytes_are_the_default_and_unicode_is_asked_for() {
    let (_d, a, _) = files();
    maphex()
        .args(["find", "--count", r"\xde\xad"])
        .arg(&a)
        .assert()
        .success()
        .stdout("2\n");
    // Under Unicode `\xde` is U+00DE (c3 9e): not in the file.
    maphex()
        .args(["find", "--unicode", "--count", r"\xde\xad"])
        .arg(&a)
        .assert()
        .code(1)
        .stdout("0\n");
    maphex()
        .args(["find", "--count", r"(?u:\xde)"])
        .arg(&a)
        .assert()
        .code(1);
    maphex()
        .args(["find", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("the byte NN"))
        .stdout(predicate::str::contains("--unicode"));
}

#[test]
fn several_files_are_prefixed_with_their_names() {
    let (_d, a, b) = files();
    maphex()
        .args(["find", r"\xde\xad"])
        .args([&a, &b])
        .assert()
        .success()
        .stdout(format!(
            "{a}:00000002  2  \\xde\\xad\n{a}:0000000a  2  \\xde\\xad\n"
        ));
    maphex()
        .args(["find", "--count", "h"])
        .args([&a, &b])
        .assert()
        .success()
        .stdout(format!("{a}:0\n{b}:2\n"));
    maphex()
        .args(["find", "--no-filename", "--count", "h"])
        .args([&a, &b])
        .assert()
        .success()
        .stdout("0\n2\n");
    maphex()
        .args(["find", "-H", "--json", "here"])
        .arg(&b)
        .assert()
        .success()
        .stdout(format!(
            "{{\"path\":{},\"offset\":8,\"length\":4}}\n",
            serde_json_string(&b)
        ));
}

fn serde_json_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn a_missing_file_is_reported_and_the_others_searched() {
    let (_d, a, b) = files();
    maphex()
        .args(["find", "here", "/no/such/file"])
        .arg(&b)
        .assert()
        .code(2)
        .stdout(format!("{b}:00000008  4  here\n"))
        .stderr(predicate::str::contains("/no/such/file"));
    // Nothing found and an error: still 2, as grep.
    maphex()
        .args(["find", "zebra", "/no/such/file"])
        .arg(&a)
        .assert()
        .code(2)
        .stdout("");
    // Nothing found, no error: 1.
    maphex()
        .args(["find", "zebra"])
        .args([&a, &b])
        .assert()
        .code(1);
}

#[test]
fn max_count_stops_each_file() {
    let (_d, a, b) = files();
    maphex()
        .args(["find", "-m", "1", r"\xde\xad"])
        .arg(&a)
        .assert()
        .success()
        .stdout("00000002  2  \\xde\\xad\n");
    maphex()
        .args(["find", "--max-count", "1", "--count", "[a-z]"])
        .args([&a, &b])
        .assert()
        .success()
        .stdout(format!("{a}:1\n{b}:1\n"));
    maphex()
        .args(["find", "-m", "0", "x"])
        .arg(&a)
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn standard_input_is_read_from_a_pipe_or_dash() {
    for args in [vec!["find", "ab"], vec!["find", "ab", "-"]] {
        maphex()
            .args(&args)
            .write_stdin("xxab\nab")
            .assert()
            .success()
            .stdout("00000002  2  ab\n00000005  2  ab\n");
    }
    let (_d, _, b) = files();
    maphex()
        .args(["find", "--count", "h", "-"])
        .arg(&b)
        .write_stdin("hhh")
        .assert()
        .success()
        .stdout(format!("(standard input):3\n{b}:2\n"));
    maphex()
        .args(["find", "zz", "-"])
        .write_stdin("")
        .assert()
        .code(1);
}

#[test]
fn dump_reads_standard_input_like_xxd() {
    for args in [vec!["dump"], vec!["dump", "-"]] {
        maphex()
            .args(&args)
            .write_stdin("hi\n")
            .assert()
            .success()
            .stdout("00000000: 6869 0a                                  hi.\n");
    }
    maphex()
        .args(["dump", "-s", "end-2", "-"])
        .write_stdin("abcd")
        .assert()
        .success()
        .stdout("00000002: 6364                                     cd\n");
}
