//! The `:` command line, as data: one table ([`COMMAND_TABLE`]) of names, arguments, docs,
//! what Tab completes in the argument, and the handler. [`App::command`] looks the name up
//! there (anything else is an offset such as `:0x100`, `:end`); the help overlay, the
//! README's commands table ([`markdown_table`], checked by a test), Tab completion and the
//! hint checker (`tests/hints.rs`, through [`names`]) read it too.

use std::fmt::Write as _;

use crate::core::expr;
use crate::tui::app::{App, CopyFormat, Effect};
use crate::tui::msg::{Recover, Then};

/// What Tab completes in a command's argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completes {
    /// Nothing.
    Nothing,
    /// A file path.
    Path,
    /// A setting name, then one of its values (`:set`).
    Setting,
    /// One of these words.
    Words(&'static [&'static str]),
}

/// One `:` command.
pub struct Command {
    /// Its names: the first is the one shown, the others are aliases.
    pub names: &'static [&'static str],
    /// Its arguments as the help shows them (`""`: none; `[X]`: optional).
    pub args: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// What Tab completes in its argument.
    pub completes: Completes,
    /// Runs it with the argument (trimmed; empty when none was given).
    run: fn(&mut App, &str) -> Option<Effect>,
}

impl Command {
    /// True when it takes no argument at all.
    pub fn takes_none(&self) -> bool {
        self.args.is_empty()
    }
}

const YANK_FORMATS: &[&str] = &["hex", "text", "c"];
const RECOVER_WHATS: &[&str] = &["rollback", "keep", "apply", "discard"];

/// Every `:` command.
pub static COMMAND_TABLE: &[Command] = &[
    Command {
        names: &["w"],
        args: "[PATH]",
        doc: "save the edits in place; with PATH, save them to that file",
        completes: Completes::Path,
        run: |_, path| {
            Some(if path.is_empty() {
                Effect::Save {
                    force: false,
                    quit: false,
                }
            } else {
                Effect::SaveAs {
                    path: path.to_string(),
                    force: false,
                }
            })
        },
    },
    Command {
        names: &["w!"],
        args: "[PATH]",
        doc: "save even over a file changed on disk or opened read-only",
        completes: Completes::Path,
        run: |_, path| {
            Some(if path.is_empty() {
                Effect::Save {
                    force: true,
                    quit: false,
                }
            } else {
                Effect::SaveAs {
                    path: path.to_string(),
                    force: true,
                }
            })
        },
    },
    Command {
        names: &["wq", "x"],
        args: "",
        doc: "save and quit (refused while another buffer has unsaved edits)",
        completes: Completes::Nothing,
        run: |app, _| app.write_quit(false),
    },
    Command {
        names: &["wq!", "x!"],
        args: "",
        doc: "save as :w! does, and quit",
        completes: Completes::Nothing,
        run: |app, _| app.write_quit(true),
    },
    Command {
        names: &["q", "quit"],
        args: "",
        doc: "quit (every buffer); refused while any has unsaved edits, naming them",
        completes: Completes::Nothing,
        run: |app, _| app.quit_command(),
    },
    Command {
        names: &["q!", "quit!"],
        args: "",
        doc: "quit without saving this buffer; when another has unsaved edits, close this one and go there (as vim)",
        completes: Completes::Nothing,
        run: |app, _| app.quit_bang(),
    },
    Command {
        names: &["wa", "wall"],
        args: "",
        doc: "save every buffer with unsaved edits",
        completes: Completes::Nothing,
        run: |app, _| Some(app.write_all(Then::Stay)),
    },
    Command {
        names: &["qa", "qall"],
        args: "",
        doc: "quit; refused while any buffer has unsaved edits",
        completes: Completes::Nothing,
        run: |app, _| app.quit_all(),
    },
    Command {
        names: &["qa!", "qall!"],
        args: "",
        doc: "quit, dropping the unsaved edits of every buffer",
        completes: Completes::Nothing,
        run: |_, _| Some(Effect::Quit),
    },
    Command {
        names: &["wqa", "xa"],
        args: "",
        doc: "save every buffer with unsaved edits, then quit (not when a save fails)",
        completes: Completes::Nothing,
        run: |app, _| Some(app.write_all(Then::Quit)),
    },
    Command {
        names: &["e", "edit"],
        args: "PATH",
        doc: "open a file as another buffer, or go to it when it is open already",
        completes: Completes::Path,
        run: App::edit_command,
    },
    Command {
        names: &["ls", "buffers"],
        args: "",
        doc: "list the buffers: number (% the current one), name, mode, size, [+] for unsaved edits",
        completes: Completes::Nothing,
        run: |app, _| app.list_buffers(),
    },
    Command {
        names: &["b", "buffer"],
        args: "N|NAME",
        doc: "go to buffer N, or the one whose name contains NAME",
        completes: Completes::Nothing,
        run: App::buffer_command,
    },
    Command {
        names: &["bn", "bnext"],
        args: "",
        doc: "go to the next buffer (wraps around)",
        completes: Completes::Nothing,
        run: |app, _| app.buffer_step(1),
    },
    Command {
        names: &["bp", "bprevious"],
        args: "",
        doc: "go to the previous buffer (wraps around)",
        completes: Completes::Nothing,
        run: |app, _| app.buffer_step(-1),
    },
    Command {
        names: &["bd", "bdelete"],
        args: "[N]",
        doc: "close this buffer or buffer N; asks when it has unsaved edits (not the last one: :q quits)",
        completes: Completes::Nothing,
        run: |app, n| app.delete_buffer(n, false),
    },
    Command {
        names: &["bd!", "bdelete!"],
        args: "[N]",
        doc: "close a buffer, dropping its unsaved edits",
        completes: Completes::Nothing,
        run: |app, n| app.delete_buffer(n, true),
    },
    Command {
        names: &["e!"],
        args: "",
        doc: "discard every unsaved edit of this buffer",
        completes: Completes::Nothing,
        run: |_, _| Some(Effect::Discard),
    },
    Command {
        names: &["diff"],
        args: "[PATH|N]",
        doc: "compare this buffer with the file PATH (opened as a buffer) or buffer N side by side; alone, leave the compare view (or compare the two buffers)",
        completes: Completes::Path,
        run: App::diff_command,
    },
    Command {
        names: &["diffoff"],
        args: "",
        doc: "leave the compare view",
        completes: Completes::Nothing,
        run: |app, _| {
            app.diff_off();
            None
        },
    },
    Command {
        names: &["diffupdate"],
        args: "",
        doc: "compare the two sides of the compare view again from the start",
        completes: Completes::Nothing,
        run: |app, _| app.diff_update(),
    },
    Command {
        names: &["diffget"],
        args: "",
        doc: "take the difference under the cursor from the other side (as do)",
        completes: Completes::Nothing,
        run: |app, _| app.diff_copy(false),
    },
    Command {
        names: &["diffput"],
        args: "",
        doc: "put the difference under the cursor into the other side (as dp)",
        completes: Completes::Nothing,
        run: |app, _| app.diff_copy(true),
    },
    Command {
        names: &["messages", "mes"],
        args: "",
        doc: "show every message of this session, whole (config problems, long messages)",
        completes: Completes::Nothing,
        run: |app, _| {
            app.show_messages();
            None
        },
    },
    Command {
        names: &["help", "h"],
        args: "",
        doc: "show the help",
        completes: Completes::Nothing,
        run: |app, _| {
            app.show_help = true;
            None
        },
    },
    Command {
        names: &["goto"],
        args: "OFFSET",
        doc: "go to an offset: 0x100, +16, 50%, end-16 (:OFFSET alone does the same)",
        completes: Completes::Nothing,
        run: App::jump_expr,
    },
    Command {
        names: &["line", "l"],
        args: "N",
        doc: "go to the start of text line N",
        completes: Completes::Nothing,
        run: App::goto_line,
    },
    Command {
        names: &["y", "yank"],
        args: "[hex|text|c]",
        doc: "copy the selection as hex, as raw text or as a C array",
        completes: Completes::Words(YANK_FORMATS),
        run: |app, fmt| {
            let format = match fmt {
                "" | "hex" => CopyFormat::Hex,
                "text" | "raw" => CopyFormat::Text,
                "c" | "carray" => CopyFormat::CArray,
                other => {
                    app.error(format!("unknown copy format '{other}': use hex, text or c"));
                    return None;
                }
            };
            app.yank(format)
        },
    },
    Command {
        names: &["s"],
        args: "/PAT/REPL/[gic]",
        doc: "replace matches in the selection (the whole file without one): the first after the cursor, every one with g; i ignores case, c asks about each (y n a l q)",
        completes: Completes::Nothing,
        run: App::substitute,
    },
    Command {
        names: &["%s"],
        args: "/PAT/REPL/[gic]",
        doc: "replace matches in the whole file ($1 and ${name} take groups, \\xNN a byte); big files in the background, Esc cancels",
        completes: Completes::Nothing,
        run: App::substitute_all,
    },
    Command {
        names: &["fill"],
        args: "HEX",
        doc: "fill the selection (any size) with a byte pattern such as de ad",
        completes: Completes::Nothing,
        run: App::fill,
    },
    Command {
        names: &["insert", "ins"],
        args: "HEX [* COUNT]",
        doc: "insert bytes before the cursor; * COUNT repeats them (:insert 00 * 1000, * 4k, * 1G)",
        completes: Completes::Nothing,
        run: App::insert_command,
    },
    Command {
        names: &["delete", "del"],
        args: "[N]",
        doc: "delete N bytes at the cursor (4k, 0x100 too), or the selection",
        completes: Completes::Nothing,
        run: App::delete_command,
    },
    Command {
        names: &["truncate"],
        args: "[OFFSET]",
        doc: "cut the file at the cursor (or OFFSET): that byte and all after it go",
        completes: Completes::Nothing,
        run: App::truncate_command,
    },
    Command {
        names: &["recover"],
        args: "rollback|keep|apply|discard",
        doc: "settle an interrupted save (rollback, keep) or an earlier session's edits (apply, discard)",
        completes: Completes::Words(RECOVER_WHATS),
        run: App::recover,
    },
    Command {
        names: &["template", "tpl"],
        args: "[NAME|PATH|off]",
        doc: "parse the file with a .ksy template (bundled or in ~/.config/maphex/templates) and show the structure pane; alone: find one for this file; off: close it",
        completes: Completes::Path,
        run: App::template_command,
    },
    Command {
        names: &["field"],
        args: "VALUE",
        doc: "write VALUE into the field selected in the structure pane, in its encoding (decimal, 0x hex, an enum name, a string of the same length); one undo step",
        completes: Completes::Nothing,
        run: App::field_command,
    },
    Command {
        names: &["set"],
        args: "[NAME [VALUE] | NAME?]",
        doc: "set an option (see Settings); NAME? shows it, :set alone lists them all",
        completes: Completes::Setting,
        run: |app, opt| {
            app.set_command(opt);
            None
        },
    },
];

/// The command named `name` (any of its names).
pub fn by_name(name: &str) -> Option<&'static Command> {
    COMMAND_TABLE.iter().find(|c| c.names.contains(&name))
}

/// Every command name, aliases included.
pub fn names() -> Vec<&'static str> {
    COMMAND_TABLE
        .iter()
        .flat_map(|c| c.names.iter().copied())
        .collect()
}

/// How a command is written in the help: `:w [PATH]`, with its aliases.
pub fn usage(c: &Command) -> String {
    let names: Vec<String> = c.names.iter().map(|n| format!(":{n}")).collect();
    if c.args.is_empty() {
        names.join(" ")
    } else {
        format!("{} {}", names.join(" "), c.args)
    }
}

/// The README's `:` commands table.
pub fn markdown_table() -> String {
    let mut s = String::from("| command | what it does |\n| --- | --- |\n");
    for c in COMMAND_TABLE {
        let _ = writeln!(
            s,
            "| `{}` | {} |",
            usage(c).replace('|', "\\|"),
            c.doc.replace('|', "\\|")
        );
    }
    s
}

impl App {
    /// Runs a `:` command line.
    pub fn command(&mut self, cmd: &str) -> Option<Effect> {
        // `:s/a/b/` and `:%s#a#b#g`: the separator follows the name directly, and the rest
        // is taken as typed (spaces in the pattern count).
        for (name, run) in [
            ("%s", App::substitute_all as fn(&mut App, &str) -> _),
            ("s", App::substitute),
        ] {
            if let Some(rest) = cmd.strip_prefix(name)
                && rest
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace())
            {
                return run(self, rest);
            }
        }
        let (name, arg) = match cmd.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (cmd, ""),
        };
        if name.is_empty() {
            return None;
        }
        // `:b2` is `:b 2`, as in vim.
        if let Some(n) = name.strip_prefix('b')
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && arg.is_empty()
        {
            return self.buffer_command(n);
        }
        match by_name(name) {
            Some(c) if c.takes_none() && !arg.is_empty() => {
                self.error(format!(":{name} takes no argument"));
                None
            }
            Some(c) => (c.run)(self, arg),
            None => self.jump_expr(cmd),
        }
    }

    /// Jumps to an offset expression, recording the jump.
    fn jump_expr(&mut self, text: &str) -> Option<Effect> {
        match expr::resolve(text, self.cursor(), self.doc().len(), false) {
            Ok(off) => {
                self.jump_to(off);
                self.message = None;
            }
            Err(expr::ExprError::Invalid(_)) => self.error(format!(
                "not a command or offset: '{text}'; try :0x100, :+16, :50%, :end, :w, :q (? for help)"
            )),
            Err(e) => self.error(e.to_string()),
        }
        None
    }

    /// `:recover rollback|keep|apply|discard`: settles an interrupted save's journal or an
    /// earlier session's recovery file.
    fn recover(&mut self, what: &str) -> Option<Effect> {
        let action = match what {
            "rollback" => Recover::Rollback,
            "keep" => Recover::Keep,
            "apply" => Recover::Apply,
            "discard" => Recover::Discard,
            _ => {
                self.error("use :recover rollback or :recover keep (interrupted save), :recover apply or :recover discard (unsaved edits)");
                return None;
            }
        };
        // The file work is the runtime's; what it finds comes back as `Msg::Recovered`.
        Some(Effect::Recover(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for c in COMMAND_TABLE {
            assert!(!c.doc.is_empty(), "{:?}", c.names);
            for n in c.names {
                assert!(seen.insert(*n), ":{n} twice");
            }
        }
    }

    #[test]
    fn readme_commands_table_matches_the_command_table() {
        let readme = include_str!("../../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README commands table is stale; it should read:\n{table}"
        );
    }
}
