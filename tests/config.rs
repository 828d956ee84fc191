//! The config file: a full valid file, syntax errors, bad settings skipped one by one with
//! their line, the default path against `--config`, keys reaching the keymap, the generated
//! example, and no panic on any input. No test touches the process environment (tests run in
//! parallel): the environment lookup is passed in.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use maphex::core::classify::ByteClass;
use maphex::core::document::Mode;
use maphex::core::inspector::Endian;
use maphex::core::search::QueryKind;
use maphex::core::text::Encoding;
use maphex::tui::action::{ACTIONS, Action, KeyMode};
use maphex::tui::config::{self, Config, ConfigWarning, Problem};
use maphex::tui::input::{Key, KeyCode};
use maphex::tui::keymap::Keymap;
use maphex::tui::layout::Cols;
use maphex::tui::settings::Value;
use proptest::prelude::*;
use ratatui::style::Color;

fn parse(text: &str) -> (Config, Vec<ConfigWarning>) {
    config::parse(text, Path::new("/home/u/.config/maphex/config.toml"))
}

/// The lines the warnings name, in order.
fn lines(w: &[ConfigWarning]) -> Vec<Option<usize>> {
    w.iter().map(|w| w.line).collect()
}

const FULL: &str = r##"
# a comment
[view]
cols = 16
group = 4
offsets = "decimal"
hex = true
text = false
inspector = true
endian = "big"
encoding = "latin1"
# a comment where squeeze was (removed; it did nothing)
mode = "readonly"

[search]
kind = "hex"
ignore_case = true
max_matches = 500

[colors]
null = "darkgray"
printable = "#ff8800"
whitespace = 42
control = "light-magenta"
non_ascii = "Yellow"
offset = "reset"
changed = "lightred"
match = "#5a4600"
current_match = "208"
selection = "blue"

[keys]
quit = ["q", "C-q"]
save = "C-w"
search_next = "j"
"##;

#[test]
fn a_full_valid_file_sets_everything() {
    let (c, w) = parse(FULL);
    assert!(w.is_empty(), "{w:?}");
    let get = |name: &str| c.get(name).unwrap_or_else(|| panic!("{name} not set"));
    assert_eq!(get("cols"), Value::Cols(Cols::Fixed(16)));
    assert_eq!(get("group"), Value::Num(4));
    assert_eq!(get("offsets"), Value::Bool(true));
    assert_eq!(
        (get("hex"), get("text"), get("inspector")),
        (Value::Bool(true), Value::Bool(false), Value::Bool(true))
    );
    assert_eq!(get("endian"), Value::Endian(Endian::Big));
    assert_eq!(get("encoding"), Value::Encoding(Encoding::Latin1));
    assert_eq!(get("mode"), Value::Mode(Mode::ReadOnly));
    assert_eq!(get("kind"), Value::Kind(QueryKind::Hex));
    assert_eq!(get("ignore_case"), Value::Bool(true));
    assert_eq!(get("max_matches"), Value::Num(500));
    let color = |name: &str| match get(name) {
        Value::Color(c) => c,
        v => panic!("{name} = {v:?}"),
    };
    assert_eq!(color("null"), Some(Color::DarkGray));
    assert_eq!(color("printable"), Some(Color::Rgb(0xff, 0x88, 0)));
    assert_eq!(color("whitespace"), Some(Color::Indexed(42)));
    assert_eq!(color("control"), Some(Color::LightMagenta));
    assert_eq!(color("non_ascii"), Some(Color::Yellow));
    assert_eq!(color("offset"), Some(Color::Reset));
    assert_eq!(color("changed"), Some(Color::LightRed));
    assert_eq!(color("match"), Some(Color::Rgb(0x5a, 0x46, 0)));
    assert_eq!(color("current_match"), Some(Color::Indexed(208)));
    assert_eq!(color("selection"), Some(Color::Blue));
    // And they reach the app's colours, which the theme reads.
    let mut app = maphex::tui::app::App::new(
        maphex::core::document::Document::from_bytes("t", b"x".to_vec()),
        (80, 24),
    );
    assert!(c.apply(&mut app).is_empty());
    assert_eq!(
        app.colors.class(ByteClass::Whitespace),
        Some(Color::Indexed(42))
    );
    assert_eq!(app.settings.group, 4);
    assert_eq!(app.view().search.store_cap, 500);
    let keys: Vec<(Action, String, usize)> = c
        .keys
        .iter()
        .map(|b| (b.action, b.key.display(), b.line))
        .collect();
    assert_eq!(
        keys,
        [
            (Action::Quit, "q".to_string(), 33),
            (Action::Quit, "C-q".to_string(), 33),
            (Action::Save, "C-w".to_string(), 34),
            (Action::SearchNext, "j".to_string(), 35),
        ]
    );
}

#[test]
fn squeeze_is_gone_and_says_so() {
    let (c, w) = parse("[view]\nsqueeze = true\ngroup = 2\n");
    assert_eq!(lines(&w), [Some(2)], "{w:?}");
    let msg = w[0].to_string();
    assert!(msg.contains("view.squeeze was removed"), "{msg}");
    assert!(msg.contains("delete the line"), "{msg}");
    assert_eq!(c.get("group"), Some(Value::Num(2)), "the rest applies");
}

#[test]
fn an_empty_file_is_all_defaults() {
    let (c, w) = parse("");
    assert!(w.is_empty());
    assert_eq!(c, Config::default());
    let (c, w) = parse("\u{feff}# only a comment, after a byte order mark\n");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(c, Config::default());
}

#[test]
fn a_syntax_error_names_the_line_and_drops_the_whole_file() {
    let (c, w) = parse("[view]\ncols = 16\ngroup = = 4\n[keys]\nquit = \"x\"\n");
    assert_eq!(c, Config::default(), "nothing applied");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].line, Some(3));
    assert!(w[0].column.is_some());
    assert!(matches!(w[0].problem, Problem::Syntax { .. }));
    let msg = w[0].to_string();
    assert!(
        msg.starts_with("config /home/u/.config/maphex/config.toml line 3, column "),
        "{msg}"
    );
    assert!(msg.contains("fix the TOML syntax"), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[test]
fn a_duplicate_key_is_a_syntax_error_with_its_line() {
    let (c, w) = parse("[view]\ngroup = 4\n\ngroup = 8\n");
    assert_eq!(c, Config::default());
    assert_eq!(lines(&w), [Some(4)], "{w:?}");
}

#[test]
fn bad_settings_are_skipped_one_by_one_with_their_line() {
    let text = "\
[view]
group = 3
cols = 16
colz = 8
[colors]
printable = \"chartreuse\"
null = \"blue\"
[keys]
qiut = \"x\"
save = [\"C-w\", \"ctrl-e\"]
help = \"F2\"
[vew]
a = 1
";
    let (c, w) = parse(text);
    assert_eq!(
        lines(&w),
        [Some(2), Some(4), Some(6), Some(9), Some(10), Some(12)],
        "{w:#?}"
    );
    // The rest applied.
    assert_eq!(c.get("cols"), Some(Value::Cols(Cols::Fixed(16))));
    assert_eq!(c.get("group"), None);
    assert_eq!(c.get("null"), Some(Value::Color(Some(Color::Blue))));
    assert_eq!(c.get("printable"), None);
    let bound: Vec<_> = c.keys.iter().map(|b| (b.action, b.key.display())).collect();
    assert_eq!(
        bound,
        [
            (Action::Save, "C-w".to_string()),
            (Action::ToggleHelp, "F2".to_string())
        ]
    );
    let msgs: Vec<String> = w.iter().map(ToString::to_string).collect();
    let path = "config /home/u/.config/maphex/config.toml";
    assert_eq!(
        msgs[0],
        format!("{path} line 2: view.group = 3 is not allowed; use 1, 2, 4 or 8")
    );
    assert!(msgs[1].contains("unknown setting 'colz' in [view]; did you mean 'cols'?"));
    assert!(msgs[2].contains("colors.printable = \"chartreuse\" is not allowed; use a colour"));
    assert_eq!(
        msgs[3],
        format!(
            "{path} line 9: unknown action 'qiut'; did you mean 'quit'? \
             maphex --print-config lists every action, by mode"
        )
    );
    assert!(
        msgs[4].contains("keys.save: 'ctrl-e' is not a key; did you mean 'C-e'?"),
        "{}",
        msgs[4]
    );
    assert!(
        msgs[5].contains("unknown section [vew]; did you mean [view]?"),
        "{}",
        msgs[5]
    );
    for m in &msgs {
        assert!(!m.contains('\n'), "{m}");
        assert!(m.starts_with("config "), "{m}");
    }
}

#[test]
fn wrong_types_and_misplaced_settings_are_warned() {
    let text = "\
cols = 16
view = 3
[search]
max_matches = 0
ignore_case = \"yes\"
[keys]
quit = 5
undo = []
redo = [\"C-r\", 7]
";
    let (c, w) = parse(text);
    assert_eq!(
        lines(&w),
        [
            Some(1),
            Some(2),
            Some(4),
            Some(5),
            Some(7),
            Some(8),
            Some(9)
        ],
        "{w:#?}"
    );
    assert!(
        w[0].to_string().contains("did you mean cols under [view]?"),
        "{}",
        w[0]
    );
    assert!(matches!(w[1].problem, Problem::NotASection { .. }));
    assert!(matches!(w[5].problem, Problem::NoKeys { .. }));
    assert_eq!(c.keys.len(), 1, "C-r still bound: {:?}", c.keys);
}

#[test]
fn both_panes_off_keeps_the_hex_pane() {
    let (c, w) = parse("[view]\nhex = false\ntext = false\n");
    assert_eq!(c.get("hex"), Some(Value::Bool(true)));
    assert_eq!(c.get("text"), Some(Value::Bool(false)));
    assert_eq!(lines(&w), [Some(3)], "{w:?}");
}

#[test]
fn a_key_given_to_two_actions_goes_to_the_later_one() {
    let (c, w) = parse("[keys]\nsave = \"x\"\nquit = \"x\"\n");
    assert_eq!(lines(&w), [Some(3)]);
    assert!(
        w[0].to_string()
            .contains("also given to save on line 2; quit gets it")
    );
    let mut km = Keymap::default();
    c.apply_keys(&mut km);
    assert_eq!(km.lookup(Key::ch('x')), Some(Action::Quit));
}

#[test]
fn keys_bound_by_name_change_the_keymap() {
    let (c, w) =
        parse("[keys]\nquit = [\"C-q\", \"F10\"]\nsearch_next = \"j\"\nsave = \"Space\"\n");
    assert!(w.is_empty(), "{w:?}");
    let mut km = Keymap::default();
    assert_eq!(km.lookup(Key::ctrl('q')), None);
    assert_eq!(km.lookup(Key::ch('j')), Some(Action::MoveDown));
    c.apply_keys(&mut km);
    assert_eq!(km.lookup(Key::ctrl('q')), Some(Action::Quit));
    assert_eq!(km.lookup(Key::plain(KeyCode::F(10))), Some(Action::Quit));
    assert_eq!(km.lookup(Key::ch('q')), Some(Action::Quit), "defaults stay");
    assert_eq!(
        km.lookup(Key::ch('j')),
        Some(Action::SearchNext),
        "taken over"
    );
    assert_eq!(km.lookup(Key::ch(' ')), Some(Action::Save));
    assert_eq!(km.lookup(Key::plain(KeyCode::Down)), Some(Action::MoveDown));
}

fn no_env(_: &str) -> Option<OsString> {
    None
}

#[test]
fn the_default_path_follows_xdg_then_home() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    };
    assert_eq!(
        config::default_path(env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
        Some(PathBuf::from("/x/maphex/config.toml"))
    );
    assert_eq!(
        config::default_path(env(&[("HOME", "/h")])),
        Some(PathBuf::from("/h/.config/maphex/config.toml"))
    );
    // Empty and relative XDG_CONFIG_HOME are ignored, as the spec says.
    assert_eq!(
        config::default_path(env(&[("XDG_CONFIG_HOME", ""), ("HOME", "/h")])),
        Some(PathBuf::from("/h/.config/maphex/config.toml"))
    );
    assert_eq!(
        config::default_path(env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")])),
        Some(PathBuf::from("/h/.config/maphex/config.toml"))
    );
    if !cfg!(windows) {
        assert_eq!(config::default_path(no_env), None);
    }
}

#[test]
fn a_missing_default_file_is_silent_but_a_missing_config_flag_file_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let xdg = dir.path().as_os_str().to_owned();
    let env = move |name: &str| (name == "XDG_CONFIG_HOME").then(|| xdg.clone());
    let (c, w) = config::load_with(None, &env);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(c, Config::default());

    let missing = dir.path().join("nope.toml");
    let (c, w) = config::load_with(Some(&missing), &env);
    assert_eq!(c, Config::default());
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].problem, Problem::NotFound);
    let msg = w[0].to_string();
    assert!(
        msg.contains("nope.toml") && msg.contains("--config"),
        "{msg}"
    );
}

#[test]
fn the_default_file_is_read_from_xdg_config_home() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("maphex")).unwrap();
    let file = dir.path().join("maphex/config.toml");
    std::fs::write(&file, "[view]\ngroup = 2\ngroup_ = 1\n").unwrap();
    let xdg = dir.path().as_os_str().to_owned();
    let (c, w) = config::load_with(None, move |name: &str| {
        (name == "XDG_CONFIG_HOME").then(|| xdg.clone())
    });
    assert_eq!(c.get("group"), Some(Value::Num(2)));
    assert_eq!(lines(&w), [Some(3)]);
    assert_eq!(w[0].path, file);
}

#[test]
fn unreadable_files_are_warnings_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    // A directory.
    let (c, w) = config::load_with(Some(dir.path()), no_env);
    assert_eq!(c, Config::default());
    assert!(
        matches!(
            w[..],
            [ConfigWarning {
                problem: Problem::Unreadable { .. },
                ..
            }]
        ),
        "{w:?}"
    );
    // Not UTF-8: the line of the first bad byte.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, b"[view]\ngroup = 2\n# caf\xe9\n").unwrap();
    let (c, w) = config::load_with(Some(&bad), no_env);
    assert_eq!(c, Config::default());
    assert_eq!(lines(&w), [Some(3)]);
    assert_eq!(w[0].problem, Problem::NotUtf8);
    // Too large to be a config file.
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; (1 << 20) + 1]).unwrap();
    let (_, w) = config::load_with(Some(&big), no_env);
    assert!(matches!(w[0].problem, Problem::TooLarge { .. }));
}

#[test]
fn the_example_lists_every_action_and_loads_without_warnings() {
    let example = config::example();
    for b in ACTIONS {
        assert!(example.contains(&format!("#{} = [", b.name)), "{}", b.name);
    }
    let (c, w) = parse(&example);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(c, Config::default(), "all commented out");
    // Uncommented, every setting and every default key is accepted as it is written.
    let live = example
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase()) => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (c, w) = parse(&live);
    assert!(w.is_empty(), "{w:?}\n{live}");
    let total: usize = ACTIONS.iter().map(|b| b.keys.len()).sum();
    assert_eq!(c.keys.len(), total);
    let mut km = Keymap::default();
    c.apply_keys(&mut km);
    for b in ACTIONS {
        for k in b.keys {
            let key = Key::parse(k).unwrap();
            assert_eq!(km.lookup_in(b.mode, key), Some(b.action), "{k}");
        }
    }
}

#[test]
fn keys_help_names_every_action() {
    let help = config::keys_help();
    for b in ACTIONS {
        assert!(help.contains(b.name), "{}", b.name);
    }
}

proptest! {
    #[test]
    fn any_text_loads_without_panicking(text in ".*") {
        let _ = parse(&text);
    }

    #[test]
    fn any_bytes_load_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn toml_shaped_text_loads_without_panicking(
        lines in proptest::collection::vec(
            (
                prop_oneof![
                    Just("[view]".to_string()),
                    Just("[colors]".to_string()),
                    Just("[keys]".to_string()),
                    Just("[search]".to_string()),
                    "\\[[a-z]{0,6}\\]",
                ],
                "[a-z_]{1,12}",
                prop_oneof![
                    "-?[0-9]{1,25}",
                    "\"[^\"\\\\\n]{0,12}\"",
                    Just("true".to_string()),
                    Just("[\"C-\", \"F999\", \"\"]".to_string()),
                    Just("{ a = 1 }".to_string()),
                    Just("1.5e400".to_string()),
                ],
            ),
            0..12,
        )
    ) {
        let text = lines
            .iter()
            .map(|(section, key, value)| format!("{section}\n{key} = {value}"))
            .collect::<Vec<_>>()
            .join("\n");
        let (_, w) = parse(&text);
        for w in &w {
            let msg = w.to_string();
            prop_assert!(!msg.contains('\n'), "{}", msg);
        }
    }
}

#[test]
fn deep_nesting_is_a_syntax_warning_not_a_stack_overflow() {
    for text in [
        format!("[keys]\nquit = {}", "[".repeat(200_000)),
        format!("a = {}", "{a=".repeat(200_000)),
        "a.".repeat(100_000) + "b = 1",
    ] {
        let (c, w) = parse(&text);
        assert_eq!(c, Config::default());
        assert!(matches!(
            w[..],
            [ConfigWarning {
                problem: Problem::Syntax { .. },
                ..
            }]
        ));
    }
}

#[test]
fn a_megabyte_of_problems_is_read_in_linear_time_and_reported_briefly() {
    // Distinct bad keys and distinct good keys, each given twice: quadratic work here would
    // make this test take minutes rather than milliseconds.
    let mut text = String::from("[keys]\nquit = [\n");
    let chars = (0x100u32..0x30000).filter_map(char::from_u32).take(60_000);
    for (i, c) in chars.enumerate() {
        let key = if i % 2 == 0 {
            c.to_string()
        } else {
            format!("{c}{c}")
        };
        text.extend(["\"", &key, "\", \"", &key, "\",\n"]);
    }
    text.push_str("]\n");
    let (c, w) = parse(&text);
    assert_eq!(c.keys.len(), 30_000);
    assert_eq!(w.len(), 20);
    assert_eq!(w[0].line, Some(4));
    assert!(
        matches!(w[19].problem, Problem::More { count: 59_981 }),
        "{}",
        w[19]
    );
}

#[test]
fn keys_of_other_modes_bind_in_their_tables_or_dotted() {
    let (c, w) = parse(
        "[keys]\nquit = \"C-q\"\nmatch_list.last = \"e\"\n[keys.prompt]\nhistory_prev = \"C-o\"\n\
         [keys.confirm_quit]\ndiscard = \"x\"\n[keys.normal]\nsave = \"F2\"\n",
    );
    assert!(w.is_empty(), "{w:?}");
    let mut km = Keymap::default();
    c.apply_keys(&mut km);
    assert_eq!(km.lookup(Key::ctrl('q')), Some(Action::Quit));
    assert_eq!(km.lookup(Key::plain(KeyCode::F(2))), Some(Action::Save));
    assert_eq!(
        km.lookup_in(KeyMode::Prompt, Key::ctrl('o')),
        Some(Action::PromptHistoryPrev)
    );
    assert_eq!(
        km.lookup(Key::ctrl('o')),
        Some(Action::JumpBack),
        "modes apart"
    );
    assert_eq!(
        km.lookup_in(KeyMode::ConfirmQuit, Key::ch('x')),
        Some(Action::ConfirmDiscard)
    );
    assert_eq!(
        km.lookup_in(KeyMode::SearchPane, Key::ch('e')),
        Some(Action::PaneLast)
    );
    assert_eq!(km.lookup(Key::ch('e')), None);
}

#[test]
fn the_same_key_in_two_modes_is_no_conflict_but_twice_in_one_is() {
    let (c, w) = parse("[keys]\nsave = \"x\"\n[keys.prompt]\nend = \"C-x\"\nhome = \"C-x\"\n");
    assert_eq!(lines(&w), [Some(5)], "{w:?}");
    assert!(
        w[0].to_string()
            .contains("also given to prompt.end on line 4; prompt.home gets it"),
        "{}",
        w[0]
    );
    assert_eq!(c.keys.len(), 2);
}

#[test]
fn an_unknown_action_in_a_mode_is_named_with_its_mode_and_a_guess() {
    let (_, w) = parse("[keys.prompt]\nhistroy_prev = \"C-p\"\n[keys.match_list]\nquit = \"x\"\n");
    let msgs: Vec<String> = w.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].contains(
            "unknown action 'prompt.histroy_prev'; did you mean 'prompt.history_prev'? \
             maphex --print-config lists every action, by mode"
        ),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("unknown action 'match_list.quit'"),
        "{msgs:?}"
    );
}

#[test]
fn the_example_lists_keys_by_mode() {
    let example = config::example();
    for mode in KeyMode::ALL {
        if mode != KeyMode::Normal {
            assert!(
                example.contains(&format!("\n[keys.{}]\n", mode.section())),
                "{mode:?}"
            );
        }
    }
    let prompt = example.find("[keys.prompt]").unwrap();
    let history = example.find("#history_prev = [").unwrap();
    assert!(history > prompt);
}
