//! The `:` command line: saving and quitting, offsets, `:set` options, `:line`, `:y`, `:fill`.

use crate::core::expr;
use crate::core::inspector::Endian;
use crate::tui::app::{App, CopyFormat, Effect};
use crate::tui::layout::Cols;
use crate::tui::msg::Recover;

/// Every `:` command name [`App::command`] knows (besides offsets such as `:0x100`, `:end`),
/// so that a test can check each hint that names one (`tests/hints.rs`), and another that
/// each of these is really handled.
pub const COMMANDS: &[&str] = &[
    "w", "w!", "wq", "x", "wq!", "x!", "q", "quit", "q!", "quit!", "e!", "help", "h", "goto",
    "line", "l", "y", "yank", "fill", "recover", "set",
];

impl App {
    /// Runs a `:` command line.
    pub fn command(&mut self, cmd: &str) -> Option<Effect> {
        let (name, arg) = match cmd.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (cmd, ""),
        };
        match (name, arg) {
            ("", _) => None,
            ("w", "") => Some(Effect::Save {
                force: false,
                quit: false,
            }),
            ("w!", "") => Some(Effect::Save {
                force: true,
                quit: false,
            }),
            ("w" | "w!", path) => Some(Effect::SaveAs {
                path: path.to_string(),
                force: name == "w!",
            }),
            ("wq" | "x", "") => Some(Effect::Save {
                force: false,
                quit: true,
            }),
            ("wq!" | "x!", "") => Some(Effect::Save {
                force: true,
                quit: true,
            }),
            ("q" | "quit", "") => {
                if self.doc().is_dirty() {
                    self.error("unsaved edits: :w saves, :q! quits without saving, :wq does both");
                    None
                } else {
                    Some(Effect::Quit)
                }
            }
            ("q!" | "quit!", "") => Some(Effect::Quit),
            ("e!", "") => Some(Effect::Discard),
            ("help" | "h", "") => {
                self.show_help = true;
                None
            }
            ("goto", off) => self.jump_expr(off),
            ("line" | "l", n) => {
                self.goto_line(n);
                None
            }
            ("y" | "yank", fmt) => {
                let format = match fmt {
                    "" | "hex" => CopyFormat::Hex,
                    "text" | "raw" => CopyFormat::Text,
                    "c" | "carray" => CopyFormat::CArray,
                    other => {
                        self.error(format!("unknown copy format '{other}': use hex, text or c"));
                        return None;
                    }
                };
                self.yank(format)
            }
            ("fill", pattern) => self.fill(pattern),
            ("recover", what) => self.recover(what),
            ("set", opt) => {
                self.set_option(opt);
                None
            }
            _ => self.jump_expr(cmd),
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

    /// `:set NAME VALUE`.
    fn set_option(&mut self, opt: &str) {
        let (name, value) = match opt.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => (opt.trim(), ""),
        };
        let on = |v: &str| match v {
            "" | "on" | "true" | "yes" => Some(true),
            "off" | "false" | "no" => Some(false),
            _ => None,
        };
        let ok = match name {
            "cols" => match value {
                "auto" => {
                    self.cols = Cols::Auto;
                    true
                }
                n => match n.parse::<usize>() {
                    Ok(n) if (1..=4096).contains(&n) => {
                        self.cols = Cols::Fixed(n);
                        true
                    }
                    _ => false,
                },
            },
            "group" => match value.parse::<usize>() {
                Ok(g @ (1 | 2 | 4 | 8)) => {
                    self.settings.group = g;
                    true
                }
                _ => false,
            },
            "offsets" => match value {
                "hex" => {
                    self.settings.decimal_offsets = false;
                    true
                }
                "dec" | "decimal" => {
                    self.settings.decimal_offsets = true;
                    true
                }
                _ => false,
            },
            "hex" => on(value).map(|b| self.settings.show_hex = b).is_some(),
            "text" => on(value).map(|b| self.settings.show_text = b).is_some(),
            "inspector" => on(value).map(|b| self.settings.inspector = b).is_some(),
            "endian" => match value {
                "le" | "little" => {
                    self.settings.endian = Endian::Little;
                    true
                }
                "be" | "big" => {
                    self.settings.endian = Endian::Big;
                    true
                }
                _ => false,
            },
            "encoding" => match value.parse() {
                Ok(e) => {
                    self.settings.encoding = e;
                    true
                }
                Err(_) => false,
            },
            _ => {
                self.error(format!(
                    "unknown option '{name}': cols, group, offsets, hex, text, inspector, endian, encoding"
                ));
                return;
            }
        };
        if ok && !self.settings.show_hex && !self.settings.show_text {
            // One pane always stays: undo the change that would hide both.
            if name == "hex" {
                self.settings.show_hex = true;
            } else {
                self.settings.show_text = true;
            }
            self.error("one of the hex and text panes stays on; turn the other on first");
            return;
        }
        if ok {
            // Typing goes to a pane on screen: hiding the one with the cursor moves it over.
            self.view_mut().pane = self.edit_pane();
            self.scroll_to_cursor();
            self.info(format!("set {name} {value}"));
        } else {
            self.error(format!("bad value '{value}' for {name}"));
        }
    }
}
