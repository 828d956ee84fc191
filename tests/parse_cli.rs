//! `maphex parse` (issue 14): the tree as text, as JSON, one field, the template chosen by
//! magic, extension, name or path, and exit 2 with the line:column of a bad template or the
//! offset where a file stops matching (text mode still prints what was parsed).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use assert_cmd::Command;
use predicates::prelude::*;

fn maphex() -> Command {
    let mut c = Command::cargo_bin("maphex").unwrap();
    // No user templates from the machine running the tests.
    c.env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent");
    c
}

/// A GIF: header, screen descriptor with a 2-colour table, one image, the trailer.
fn gif() -> Vec<u8> {
    let mut f = b"GIF89a".to_vec();
    f.extend_from_slice(&[2, 0, 1, 0, 0x80, 0, 0]);
    f.extend_from_slice(&[0xff, 0, 0, 0, 0, 0xff]);
    f.extend_from_slice(&[0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x4c, 1, 0]);
    f.push(0x3b);
    f
}

fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let s = p.display().to_string();
    (dir, s)
}

#[test]
fn text_tree_by_magic() {
    let (_d, p) = file("image.bin", &gif());
    maphex()
        .args(["parse", &p])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "version: str(ASCII) @0x3+3 = \"89a\"",
        ))
        .stdout(predicate::str::contains("    width: u2le @0x6+2 = 2 (0x2)"))
        .stdout(predicate::str::contains(
            "introducer: u1→block_kind @0x13+1 = image (44)",
        ))
        .stdout(predicate::str::contains("trailer (59)"));
}

#[test]
fn json_has_offsets_numbers_enums_and_hex_bytes() {
    let (_d, p) = file("a.gif", &gif());
    let out = maphex()
        .args(["parse", "--json", &p])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    assert!(
        s.starts_with("{\"offset\":0,\"size\":35,\"type\":\"gif\",\"fields\":{"),
        "{s}"
    );
    assert!(
        s.contains("\"magic\":{\"offset\":0,\"size\":3,\"type\":\"bytes\",\"value\":\"474946\"}"),
        "{s}"
    );
    assert!(
        s.contains("\"width\":{\"offset\":6,\"size\":2,\"type\":\"u2le\",\"value\":2}"),
        "{s}"
    );
    assert!(
        s.contains("\"value\":{\"value\":44,\"name\":\"image\"}"),
        "{s}"
    );
    assert!(
        s.contains(
            "\"global_color_table\":{\"offset\":13,\"size\":6,\"type\":\"rgb[]\",\"items\":[{"
        ),
        "{s}"
    );
    assert!(s.trim_end().ends_with('}'));
}

#[test]
fn one_field() {
    let (_d, p) = file("a.gif", &gif());
    maphex()
        .args(["parse", &p, "--field", "screen.height"])
        .assert()
        .success()
        .stdout("1\n");
    maphex()
        .args(["parse", &p, "--field", "blocks[0].introducer"])
        .assert()
        .success()
        .stdout("image\n");
    maphex()
        .args(["parse", &p, "--field", "version"])
        .assert()
        .success()
        .stdout("89a\n");
    maphex()
        .args(["parse", &p, "--field", "magic"])
        .assert()
        .success()
        .stdout("474946\n");
    maphex()
        .args(["parse", &p, "--field", "screen.nothing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no field `nothing`"));
}

#[test]
fn template_by_name_path_and_stdin() {
    let (_d, p) = file("noext", &gif());
    maphex()
        .args(["parse", "--template", "gif", &p, "--field", "screen.width"])
        .assert()
        .success()
        .stdout("2\n");
    let (_t, tp) = file(
        "mine.ksy",
        b"meta:\n  id: mine\n  endian: le\nseq:\n  - id: first\n    type: u4\n",
    );
    maphex()
        .args(["parse", "-t", &tp, &p, "--field", "first"])
        .assert()
        .success()
        .stdout("944130375\n");
    maphex()
        .args(["parse", "-t", "gif", "-", "--field", "screen.width"])
        .write_stdin(gif())
        .assert()
        .success()
        .stdout("2\n");
}

#[test]
fn a_file_that_does_not_match_exits_2_after_printing_what_was_parsed() {
    let mut g = gif();
    g.truncate(10);
    let (_d, p) = file("cut.gif", &g);
    maphex()
        .args(["parse", &p])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "version: str(ASCII) @0x3+3 = \"89a\"",
        ))
        .stdout(predicate::str::contains("! at offset 0xa (10)"))
        .stderr(predicate::str::contains("does not match template gif"))
        .stderr(predicate::str::contains("at offset 0xa (10)"));
    let out = maphex()
        .args(["parse", "--json", &p])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("\"error\":{\"offset\":10,\"message\":"), "{s}");
}

#[test]
fn a_bad_template_exits_2_with_line_and_column() {
    let (_d, p) = file("a.gif", &gif());
    let (_t, tp) = file(
        "bad.ksy",
        b"meta:\n  id: bad\nseq:\n  - id: x\n    type: nosuch\n",
    );
    maphex()
        .args(["parse", "-t", &tp, &p])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.ksy:5:11: unknown type `nosuch`",
        ));
    maphex()
        .args(["parse", "-t", "nosuch", &p])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no template named `nosuch`"));
    let (_u, unknown) = file("data.xyz", b"\x00\x01");
    maphex().args(["parse", &unknown]).assert().code(2).stderr(
        predicate::str::contains("no template matches").and(predicate::str::contains("--template")),
    );
}

#[test]
fn strings_are_escaped() {
    let (_t, tp) = file("s.ksy", b"meta:\n  id: s\nseq:\n  - id: s\n    type: str\n    size-eos: true\n    encoding: UTF-8\n");
    let (_d, p) = file("s.bin", b"a\x1b[31m\"\n");
    maphex()
        .args(["parse", "-t", &tp, &p])
        .assert()
        .success()
        .stdout(predicate::str::contains("= \"a\\u{1b}[31m\\\"\\n\""));
    let out = maphex()
        .args(["parse", "-t", &tp, &p, "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("\"value\":\"a\\u001b[31m\\\"\\u000a\"")
    );
}
