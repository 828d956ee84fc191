//! Tab completion in the `:` command line: the word at the end of the line is a command name,
//! a setting name (after `set `), one of that setting's values (after `set NAME `), a word a
//! command takes (`:y`, `:recover`), or a file path (after `w `, `w! ` and `e `). All of it comes
//! from the command and settings tables.
//!
//! [`complete`] is a pure function of the line and a directory lister, so it is unit-tested
//! without a file system. The app passes a lister that reads the directory (`read_dir` in
//! `update`: I/O on a key press, which is what vim does too, and a directory listing is quick
//! next to the person pressing Tab). A unique completion is inserted; several complete their
//! common prefix and are shown beside the prompt ([`Wildmenu`]), Tab again cycling them; when
//! nothing fits, that is shown there too (the message line is the prompt while typing).

use crate::tui::app::{App, Prompt};
use crate::tui::commands::{self, Completes};
use crate::tui::settings::{SETTINGS, by_name};
pub use crate::tui::wildmenu::{Completion, Wildmenu};

/// An entry of a directory: its name and whether it is a directory.
pub type Entry = (String, bool);

fn matching<'a>(prefix: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Completes the word at the end of `line` (a `:` command line without the `:`).
/// `list_dir` lists a directory (`""` is the current one) for path arguments.
pub fn complete(line: &str, list_dir: &dyn Fn(&str) -> Vec<Entry>) -> Completion {
    let Some((name, rest)) = line.split_once(char::is_whitespace) else {
        let words = matching(line, commands::names());
        let ends_word =
            words.len() == 1 && commands::by_name(&words[0]).is_some_and(|c| !c.takes_none());
        return Completion {
            head: String::new(),
            shown: words.clone(),
            words,
            ends_word,
        };
    };
    let rest = rest.trim_start();
    let head_len = line.len() - rest.len();
    let head = &line[..head_len];
    let Some(cmd) = commands::by_name(name) else {
        return Completion::default();
    };
    let simple = |head: &str, words: Vec<String>, ends_word| Completion {
        head: head.to_string(),
        shown: words.clone(),
        words,
        ends_word,
    };
    match cmd.completes {
        Completes::Nothing => Completion::default(),
        Completes::Words(ws) => simple(head, matching(rest, ws.iter().copied()), false),
        Completes::Setting => match rest.split_once(|c: char| c.is_whitespace() || c == '=') {
            None => simple(head, matching(rest, SETTINGS.iter().map(|s| s.name)), true),
            Some((set, value)) => {
                let Some(set) = by_name(set) else {
                    return Completion::default();
                };
                let value = value.trim_start();
                let head = &line[..line.len() - value.len()];
                let values = set.kind.values();
                simple(
                    head,
                    matching(value, values.iter().map(String::as_str)),
                    false,
                )
            }
        },
        Completes::Path => {
            let (dir, file) = match rest.rfind('/') {
                Some(i) => rest.split_at(i + 1),
                None => ("", rest),
            };
            let mut found: Vec<(String, String)> = list_dir(dir)
                .into_iter()
                .filter(|(n, _)| {
                    n.starts_with(file) && (file.starts_with('.') || !n.starts_with('.'))
                })
                .map(|(n, is_dir)| {
                    let shown = if is_dir { format!("{n}/") } else { n };
                    (format!("{dir}{shown}"), shown)
                })
                .collect();
            found.sort();
            let (words, shown) = found.into_iter().unzip();
            Completion {
                head: head.to_string(),
                words,
                shown,
                ends_word: false,
            }
        }
    }
}

/// Lists a directory for completion; an unreadable one lists nothing.
fn read_dir(dir: &str) -> Vec<Entry> {
    let path = if dir.is_empty() { "." } else { dir };
    std::fs::read_dir(path)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    (e.file_name().to_string_lossy().into_owned(), is_dir)
                })
                .collect()
        })
        .unwrap_or_default()
}

impl App {
    /// Tab in the `:` prompt: completes the word at the end, or cycles the candidates a Tab
    /// before found.
    pub fn complete_prompt(&mut self, p: &mut Prompt) {
        if let Some(w) = self.wildmenu.as_mut()
            && w.line == p.text()
            && w.completion.words.len() > 1
        {
            let next = w.index.map_or(0, |i| (i + 1) % w.completion.words.len());
            w.index = Some(next);
            let text = format!("{}{}", w.completion.head, w.completion.words[next]);
            p.line.set_text(&text);
            w.line = text;
            return;
        }
        let c = complete(p.text(), &read_dir);
        if let Some(line) = c.line() {
            p.line.set_text(&line);
        }
        // Several candidates, or none, are shown beside the prompt; a unique one just lands.
        self.wildmenu = (c.words.len() != 1).then(|| Wildmenu {
            line: p.text().to_string(),
            completion: c,
            index: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::wildmenu::common_prefix;

    fn no_dir(_: &str) -> Vec<Entry> {
        Vec::new()
    }

    fn line(l: &str) -> Option<String> {
        complete(l, &no_dir).line()
    }

    #[test]
    fn command_names() {
        assert_eq!(line("se").as_deref(), Some("set "));
        assert_eq!(line("rec").as_deref(), Some("recover "));
        assert_eq!(
            line("hel").as_deref(),
            Some("help"),
            "no argument, no space"
        );
        assert_eq!(complete("e", &no_dir).words, ["e", "e!", "edit"]);
        let c = complete("w", &no_dir);
        assert_eq!(c.words, ["w", "w!", "wa", "wall", "wq", "wq!", "wqa"]);
        assert_eq!(c.line().as_deref(), Some("w"));
        assert_eq!(line("zz"), None);
    }

    #[test]
    fn setting_names_and_values() {
        assert_eq!(line("set enc").as_deref(), Some("set encoding "));
        let c = complete("set en", &no_dir);
        assert_eq!(c.words, ["encoding", "endian"]);
        assert_eq!(c.line().as_deref(), Some("set en"));
        assert_eq!(
            line("set encoding la").as_deref(),
            Some("set encoding latin1")
        );
        assert_eq!(line("set hex o").as_deref(), Some("set hex o"), "on, off");
        assert_eq!(line("set hex of").as_deref(), Some("set hex off"));
        assert_eq!(
            line("set offsets=d").as_deref(),
            Some("set offsets=decimal")
        );
        assert_eq!(complete("set group ", &no_dir).words, ["1", "2", "4", "8"]);
        assert_eq!(line("set nosuch x"), None);
        assert_eq!(line("y c").as_deref(), Some("y c"));
        assert_eq!(line("recover r").as_deref(), Some("recover rollback"));
        assert_eq!(line("q x"), None);
    }

    #[test]
    fn paths_list_the_directory() {
        let dir = |d: &str| -> Vec<Entry> {
            match d {
                "" => vec![
                    ("lorem.txt".into(), false),
                    ("logs".into(), true),
                    (".hidden".into(), false),
                ],
                "logs/" => vec![("a.log".into(), false)],
                _ => Vec::new(),
            }
        };
        assert_eq!(
            complete("w lor", &dir).line().as_deref(),
            Some("w lorem.txt")
        );
        assert_eq!(
            complete("w! logs/", &dir).line().as_deref(),
            Some("w! logs/a.log")
        );
        let c = complete("w lo", &dir);
        assert_eq!(c.shown, ["logs/", "lorem.txt"]);
        assert_eq!(c.line().as_deref(), Some("w lo"));
        assert_eq!(complete("w ", &dir).words.len(), 2, "dot files hidden");
        assert_eq!(complete("w .", &dir).line().as_deref(), Some("w .hidden"));
        assert_eq!(complete("w log", &dir).line().as_deref(), Some("w logs/"));
        // `:e PATH` completes as `:w PATH` does.
        assert_eq!(
            complete("e lor", &dir).line().as_deref(),
            Some("e lorem.txt")
        );
        assert_eq!(
            complete("edit logs/", &dir).line().as_deref(),
            Some("edit logs/a.log")
        );
    }

    #[test]
    fn common_prefix_is_by_characters() {
        let w = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(common_prefix(&w(&["éa", "éb"])), "é");
        assert_eq!(common_prefix(&w(&["a", "b"])), "");
        assert_eq!(common_prefix(&w(&["abc"])), "abc");
    }

    #[test]
    fn the_menu_fits_its_width() {
        let w = Wildmenu {
            line: String::new(),
            completion: complete("set ", &no_dir),
            index: Some(0),
        };
        let d = w.display(30);
        assert!(d.starts_with("[changed]  cols  control"), "{d}");
        assert!(d.chars().count() <= 31 && d.ends_with('…'), "{d}");
    }
}
