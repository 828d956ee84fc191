//! `maphex cmp` as cmp users expect it (issue 13): exit 0 same, 1 differ, 2 error; one line
//! per difference, `--json`, `--count`, `-m`, `-q`, standard input for one side, and the
//! insertion-aware default against `--no-align` on a 100-byte insertion.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use predicates::prelude::*;

fn maphex() -> Command {
    Command::cargo_bin("maphex").unwrap()
}

fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// `a`: 200,000 random bytes; `b`: the same with 100 bytes of `X` inserted at 100,000;
/// `c`: `a` with two bytes changed; `same`: a copy of `a`.
fn files() -> (tempfile::TempDir, [String; 4]) {
    let dir = tempfile::tempdir().unwrap();
    let a = noise(200_000, 7);
    let mut b = a[..100_000].to_vec();
    b.extend_from_slice(&[b'X'; 100]);
    b.extend_from_slice(&a[100_000..]);
    let mut c = a.clone();
    c[16] ^= 0xff;
    c[17] ^= 0xff;
    c[1000] ^= 0x01;
    let names = ["a", "b", "c", "same"].map(|n| dir.path().join(n).display().to_string());
    for (name, bytes) in names.iter().zip([&a, &b, &c, &a]) {
        std::fs::write(name, bytes).unwrap();
    }
    (dir, names)
}

#[test]
fn exit_codes_are_cmps() {
    let (dir, [a, b, _, same]) = files();
    maphex()
        .args(["cmp", &a, &same])
        .assert()
        .code(0)
        .stdout("");
    maphex().args(["cmp", &a, &b]).assert().code(1);
    maphex()
        .args(["cmp", &a])
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing"));
    maphex()
        .args(["cmp", &a])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("directory"));
    maphex().args(["cmp", &a]).assert().code(2);
    maphex()
        .args(["cmp", "-", "-"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard input"));
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    maphex().arg("cmp").args([&empty, &empty]).assert().code(0);
    maphex()
        .arg("cmp")
        .arg(&empty)
        .arg(&a)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "00000000 0 00000000 200000  -  ",
        ));
}

#[test]
fn an_insertion_is_one_difference_unless_alignment_is_off() {
    let (_d, [a, b, _, _]) = files();
    let x32 = "58".repeat(32);
    maphex()
        .args(["cmp", &a, &b])
        .assert()
        .code(1)
        .stdout(format!("000186a0 0 000186a0 100  -  {x32}…\n"));
    maphex()
        .args(["cmp", &b, &a])
        .assert()
        .code(1)
        .stdout(format!("000186a0 100 000186a0 0  {x32}…  -\n"));
    // At equal offsets everything after the insertion differs: many runs, then the tail.
    let out = maphex()
        .args(["cmp", "--no-align", &a, &b])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 100, "{} lines", lines.len());
    assert!(lines[0].starts_with("000186a0 "), "{}", lines[0]);
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("00030d40 0 00030d40 100  -  ")
    );
}

#[test]
fn json_count_max_and_quiet() {
    let (_d, [a, _, c, _]) = files();
    maphex()
        .args(["cmp", "--json", &a, &c])
        .assert()
        .code(1)
        .stdout(predicate::function(|s: &str| {
            let lines: Vec<&str> = s.lines().collect();
            lines.len() == 2
                && lines[0].starts_with("{\"a_offset\":16,\"a_len\":2,\"b_offset\":16,\"b_len\":2,")
                && lines[1]
                    .starts_with("{\"a_offset\":1000,\"a_len\":1,\"b_offset\":1000,\"b_len\":1,")
                && lines[1].ends_with("\"a_hex_complete\":true,\"b_hex_complete\":true}")
        }));
    maphex()
        .args(["cmp", "--count", &a, &c])
        .assert()
        .code(1)
        .stdout("2\n");
    maphex()
        .args(["cmp", "-c", "--no-align", &a, &a])
        .assert()
        .code(0)
        .stdout("0\n");
    maphex()
        .args(["cmp", "-m", "1", &a, &c])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("00000010 2 00000010 2  "))
        .stdout(predicate::function(|s: &str| s.lines().count() == 1));
    maphex()
        .args(["cmp", "-m", "1", "--count", &a, &c])
        .assert()
        .code(1)
        .stdout("1\n");
    maphex()
        .args(["cmp", "-q", &a, &c])
        .assert()
        .code(1)
        .stdout("");
    maphex()
        .args(["cmp", "--quiet", &a, &a])
        .assert()
        .code(0)
        .stdout("");
    maphex()
        .args(["cmp", "--json", "--count", &a, &c])
        .assert()
        .code(2);
}

#[test]
fn standard_input_is_one_side() {
    let (_d, [a, b, _, _]) = files();
    let bytes = std::fs::read(&b).unwrap();
    maphex()
        .args(["cmp", &a, "-"])
        .write_stdin(bytes.clone())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("000186a0 0 000186a0 100  -  "));
    maphex()
        .args(["cmp", "-", &b])
        .write_stdin(bytes)
        .assert()
        .code(0);
}

#[test]
fn help_names_the_rule_and_the_exit_codes() {
    maphex()
        .args(["cmp", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--no-align"))
        .stdout(predicate::str::contains(
            "Exit status: 0 the files are the same",
        ));
}
