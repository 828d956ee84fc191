//! The command line as scripts use it: exit codes, messages, and files left untouched.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use predicates::prelude::*;

fn maphex() -> Command {
    Command::cargo_bin("maphex").unwrap()
}

fn copy_of_lorem() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lorem.txt");
    std::fs::copy("assets/lorem.txt", &path).unwrap();
    (dir, path)
}

#[test]
fn help_and_version() {
    maphex()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("dump"));
    maphex()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains("maphex"));
}

#[test]
fn missing_file_exits_2_naming_the_path() {
    maphex().arg("/no/such/file").assert().code(2).stderr(
        predicate::str::contains("/no/such/file").and(predicate::str::contains("no such file")),
    );
}

#[test]
fn directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    maphex()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    maphex()
        .args(["dump"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn no_terminal_is_a_clear_error_not_a_hang() {
    maphex()
        .arg("assets/lorem.txt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a terminal"));
}

#[test]
fn bad_cols_is_refused_by_the_parser() {
    maphex()
        .args(["--cols", "0", "assets/lorem.txt"])
        .assert()
        .code(2);
    maphex()
        .args(["dump", "--cols", "300", "assets/lorem.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("256"));
}

#[test]
fn dump_matches_xxd_format() {
    let out = maphex()
        .args(["dump", "assets/lorem.txt", "--length", "32"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        text,
        "00000000: 4c6f 7265 6d20 6970 7375 6d20 646f 6c6f  Lorem ipsum dolo\n\
         00000010: 7220 7369 7420 616d 6574 2c20 636f 6e73  r sit amet, cons\n"
    );
}

#[test]
fn dump_offset_expressions_and_past_the_end() {
    maphex()
        .args(["dump", "assets/lorem.txt", "--offset", "end-1"])
        .assert()
        .success()
        .stdout("000002e0: 0a                                       .\n");
    maphex()
        .args(["dump", "assets/lorem.txt", "--offset", "0x1000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("past the end"));
    maphex()
        .args(["dump", "assets/lorem.txt", "--offset", "zz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an offset"));
}

#[test]
fn dump_of_empty_file_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty");
    std::fs::write(&p, b"").unwrap();
    maphex().arg("dump").arg(&p).assert().success().stdout("");
}

#[test]
fn dump_reads_a_pipe() {
    // /dev/stdin as a pipe cannot be mapped: it is read into memory.
    maphex()
        .args(["dump", "/dev/stdin"])
        .write_stdin("hi\n")
        .assert()
        .success()
        .stdout("00000000: 6869 0a                                  hi.\n");
}

#[test]
fn pymotw_regex_through_find() {
    let out = maphex()
        .args([
            "find",
            "--json",
            r"(?ism)(\.\W+)?([^.]?nulla[^.]*?\.)",
            "assets/lorem.txt",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lorem = std::fs::read("assets/lorem.txt").unwrap();
    let re = regex::bytes::Regex::new(r"(?ism)(\.\W+)?([^.]?nulla[^.]*?\.)").unwrap();
    let mut sentences = Vec::new();
    for line in text.lines() {
        let nums: Vec<usize> = line
            .trim_matches(|c| c == '{' || c == '}')
            .split(',')
            .map(|kv| kv.split(':').nth(1).unwrap().parse().unwrap())
            .collect();
        let span = &lorem[nums[0]..nums[0] + nums[1]];
        let caps = re.captures(span).unwrap();
        sentences.push(String::from_utf8_lossy(&caps[2]).replace('\n', " "));
    }
    assert_eq!(
        sentences,
        ["Nulla facilisi.", "Nulla feugiat augue eleifend nulla."]
    );
}

#[test]
fn find_exit_codes_and_output_forms() {
    maphex()
        .args(["find", "-i", "--count", "nulla", "assets/lorem.txt"])
        .assert()
        .success()
        .stdout("3\n");
    maphex()
        .args(["find", "--text", "Nulla f", "assets/lorem.txt"])
        .assert()
        .success()
        .stdout("0000020e  7  Nulla f\n");
    maphex()
        .args(["find", "--hex", "4e 75 6c ?? 61", "assets/lorem.txt"])
        .assert()
        .success()
        .stdout(predicate::str::contains("000000c3"));
    maphex()
        .args(["find", "zebra", "assets/lorem.txt"])
        .assert()
        .code(1)
        .stdout("");
    maphex()
        .args(["find", "(", "assets/lorem.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid pattern"));
    maphex()
        .args(["find", "--hex", "4g", "assets/lorem.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid hex"));
}

#[test]
fn find_preview_never_prints_control_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("esc");
    std::fs::write(&p, b"x\x1b[2Jy\x07").unwrap();
    let out = maphex()
        .args(["find", "--text", "\x1b[2J"])
        .arg(&p)
        .assert()
        .success();
    let text = out.get_output().stdout.clone();
    assert!(!text.contains(&0x1b), "raw ESC printed: {text:?}");
    assert_eq!(String::from_utf8(text).unwrap(), "00000001  4  \\x1b[2J\n");
}

#[test]
fn patch_writes_in_place_and_prints_old_bytes() {
    let (_dir, path) = copy_of_lorem();
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "0x1c", "--text", "reutetcesnoc"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "63 6f 6e 73 65 63 74 65 74 75 65 72 -> 72 65 75",
        ));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after.lines().next().unwrap(),
        "Lorem ipsum dolor sit amet, reutetcesnoc adipiscing elit. Donec"
    );
    assert_eq!(after.len(), 737);
}

#[test]
fn patch_refusals_leave_the_file_untouched() {
    let (_dir, path) = copy_of_lorem();
    let before = std::fs::read(&path).unwrap();
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "0", "--hex", "zz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad --hex"));
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "0", "--hex", "de ?? ef"])
        .assert()
        .code(2);
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "end-1", "--hex", "de ad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--extend"));
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "0x1000", "--hex", "de"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("past the end"));
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "0"])
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn patch_extend_grows_the_file() {
    let (_dir, path) = copy_of_lorem();
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "end-1", "--hex", "21 0a", "--extend"])
        .assert()
        .success()
        .stdout(predicate::str::contains("appended 1 bytes"));
    let after = std::fs::read(&path).unwrap();
    assert_eq!(after.len(), 738);
    assert_eq!(&after[736..], b"!\n");
}
