//! The settings and `:` command tables end to end, in a pseudo-terminal: every setting that
//! `maphex --print-config` prints is accepted by `:set` as printed, and Tab in the `:` prompt
//! completes command names, setting names and values, and paths for `:w`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::at80::{MESSAGE, open_lorem, quit};
use common::keys::{ENTER, TAB};

/// Waits until the message line starts with `want`.
fn wait_line(t: &mut common::Tui, want: &str) {
    t.wait_for_screen(&format!("message line starting with {want:?}"), |s| {
        s.rows(0, 80)
            .nth(usize::from(MESSAGE))
            .is_some_and(|r| r.starts_with(want))
    });
}

/// Waits until the message line contains `want`.
fn wait_has(t: &mut common::Tui, want: &str) {
    t.wait_for_screen(&format!("message line containing {want:?}"), |s| {
        s.rows(0, 80)
            .nth(usize::from(MESSAGE))
            .is_some_and(|r| r.contains(want))
    });
}

/// `(name, value)` of every setting line of `--print-config` outside `[keys]`, the value as
/// one would type it (TOML strings unquoted).
fn printed_settings() -> Vec<(String, String)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_maphex"))
        .arg("--print-config")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut section = String::new();
    let mut found = Vec::new();
    for line in text.lines() {
        if let Some(s) = line.strip_prefix('[') {
            section = s.trim_end_matches(']').to_string();
            continue;
        }
        let Some(rest) = line.strip_prefix('#') else {
            continue;
        };
        // `[keys]` and its mode tables (`[keys.prompt]` …) hold actions, not settings.
        let keys = section == "keys" || section.starts_with("keys.");
        if keys || !rest.starts_with(|c: char| c.is_ascii_lowercase()) {
            continue;
        }
        let Some((name, value)) = rest.split_once(" = ") else {
            continue;
        };
        let value = value.split("  # ").next().unwrap().trim();
        let parsed: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .unwrap()
            .remove("v")
            .unwrap();
        let typed = match parsed {
            toml::Value::String(s) => s,
            other => other.to_string(),
        };
        found.push((name.to_string(), typed));
    }
    found
}

#[test]
fn every_printed_setting_is_accepted_by_set() {
    let printed = printed_settings();
    let names: Vec<&str> = printed.iter().map(|(n, _)| n.as_str()).collect();
    let table: Vec<&str> = maphex::tui::settings::SETTINGS
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names, table,
        "--print-config prints every setting, in table order"
    );
    let (_dir, _path, mut t) = open_lorem(&["--config", "/dev/null"]);
    for (name, value) in &printed {
        t.send(format!(":set {name} {value}{ENTER}"));
        // The message shows the value as :set prints it: the same word, or its canonical
        // spelling (`1_000_000` is 1000000).
        wait_line(&mut t, &format!("set {name} "));
    }
    // And a value that is not the default takes effect on screen.
    t.send(format!(":set offsets decimal{ENTER}"));
    wait_line(&mut t, "set offsets decimal");
    t.wait_for("decimal offsets", |s| {
        s.lines().nth(1).is_some_and(|l| l.starts_with("00000016"))
    });
    t.send(format!(":set cols?{ENTER}"));
    wait_line(&mut t, "cols=auto");
    t.send(format!(":set{ENTER}"));
    wait_line(&mut t, "offsets=decimal | cols=auto group=8");
    quit(&mut t);
}

#[test]
fn tab_completes_commands_settings_values_and_paths() {
    let (dir, _path, mut t) = open_lorem(&["--config", "/dev/null"]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub").join("a.bin"), b"x").unwrap();

    // A command name; a unique one that takes an argument gets its space.
    t.send(format!(":se{TAB}"));
    wait_line(&mut t, ":set ");
    // Two setting names: their common prefix, and both shown beside the prompt.
    t.send(format!("e{TAB}"));
    wait_line(&mut t, ":set en ");
    wait_has(&mut t, "encoding  endian");
    // Tab again cycles them.
    t.send(TAB);
    wait_line(&mut t, ":set encoding ");
    wait_has(&mut t, "[encoding]  endian");
    t.send(TAB);
    wait_line(&mut t, ":set endian ");
    wait_has(&mut t, "encoding  [endian]");
    // Back to one name by typing, then a value.
    t.send(format!("{}enc{TAB}", common::keys::BACKSPACE.repeat(6)));
    wait_line(&mut t, ":set encoding ");
    t.send(format!("la{TAB}"));
    wait_line(&mut t, ":set encoding latin1");
    t.send(ENTER);
    wait_line(&mut t, "set encoding latin1");

    // Nothing fits: said beside the prompt.
    t.send(format!(":set zz{TAB}"));
    wait_has(&mut t, "(nothing completes this)");
    t.esc();

    // Paths for :w, from the working directory (the file's own here).
    t.send(format!(":w lo{TAB}"));
    wait_line(&mut t, ":w lorem.txt ");
    t.esc();
    t.send(format!(":w s{TAB}"));
    wait_line(&mut t, ":w sub/ ");
    t.send(TAB);
    wait_line(&mut t, ":w sub/a.bin ");
    t.esc();
    quit(&mut t);
}
