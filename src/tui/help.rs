//! The help overlay's content and geometry, generated from the action, command and settings
//! tables (never a hand-written list): what `ui::help` draws, and how far it can scroll, so that the app
//! stops scrolling at its end.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::action::{Action, KeyMode, in_mode};
use crate::tui::app::{App, Severity};
use crate::tui::commands::COMMAND_TABLE;
use crate::tui::settings::SETTINGS;

/// Lines of the help text: (keys, description): the keys of every mode, the `:` commands and
/// the settings, each from its table.
pub fn lines() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for mode in KeyMode::ALL {
        if mode != KeyMode::Normal {
            out.push((String::new(), String::new()));
            out.push((String::new(), format!("In {}:", mode.title())));
        }
        out.extend(in_mode(mode).map(|b| {
            let edit = if b.in_edit { " (edit)" } else { "" };
            (b.keys.join(" "), format!("{}{edit}", b.doc))
        }));
    }
    out.push((String::new(), String::new()));
    out.push((
        "search".into(),
        "A regex means bytes: \\xNN is a byte, . any byte \
         but \\n, \\w \\d \\s \\b and (?i) are ASCII, é its UTF-8 bytes; (?u) or C-x for \
         Unicode"
            .into(),
    ));
    out.push((String::new(), String::new()));
    out.push((
        ": commands".into(),
        "also :OFFSET (0x100, +16, 50%, end-16)".into(),
    ));
    for c in COMMAND_TABLE {
        let names: Vec<String> = c.names.iter().map(|n| format!(":{n}")).collect();
        let doc = if c.args.is_empty() {
            c.doc.to_string()
        } else {
            format!("{}: {}", c.args, c.doc)
        };
        out.push((names.join(" "), doc));
    }
    out.push((String::new(), String::new()));
    out.push((
        "settings".into(),
        ":set NAME VALUE, :set NAME? shows one, :set lists all; also in the config file".into(),
    ));
    for set in SETTINGS {
        out.push((
            set.name.to_string(),
            format!(
                "{}: {} [default {}]",
                set.doc,
                set.kind.expected(false),
                set.show(set.default)
            ),
        ));
    }
    out
}

/// Where the overlay goes on a screen of `area`, its text, and how far it scrolls.
pub struct HelpLayout {
    /// The box, border included.
    pub rect: Rect,
    /// Width of the keys column.
    pub keys_w: usize,
    /// The text, one entry per line before wrapping.
    pub text: Vec<(String, String)>,
    /// The largest useful scroll: the last line at the bottom of the box.
    pub max_scroll: u16,
}

impl HelpLayout {
    /// The keys overlay centred on `area`.
    pub fn new(area: Rect) -> Self {
        Self::with_text(area, lines())
    }

    /// An overlay of `text` (the keys, or the message log) centred on `area`.
    pub fn with_text(area: Rect, text: Vec<(String, String)>) -> Self {
        let keys_w = text
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let doc_w = text
            .iter()
            .map(|(_, d)| d.chars().count())
            .max()
            .unwrap_or(0);
        let w = u16::try_from(keys_w + doc_w + 5)
            .unwrap_or(u16::MAX)
            .min(area.width);
        let mut me = Self {
            rect: Rect::new(area.x, area.y, w, 0),
            keys_w,
            text,
            max_scroll: 0,
        };
        // As tall as the wrapped text, up to the screen; what does not fit scrolls.
        let wrapped = me
            .paragraph(Span::raw)
            .line_count(w.saturating_sub(2).max(1));
        let h = u16::try_from(wrapped + 2)
            .unwrap_or(u16::MAX)
            .min(area.height);
        me.rect = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + (area.height - h) / 2,
            w,
            h,
        );
        me.max_scroll = u16::try_from(wrapped.saturating_sub(usize::from(h.saturating_sub(2))))
            .unwrap_or(u16::MAX);
        me
    }

    /// True when the text is longer than the box (it scrolls).
    pub fn scrolls(&self) -> bool {
        self.max_scroll > 0
    }

    /// The text as a wrapping paragraph; `keys` styles the keys column.
    pub fn paragraph(&self, keys: impl Fn(String) -> Span<'static>) -> Paragraph<'static> {
        let body: Vec<Line> = self
            .text
            .iter()
            .map(|(k, d)| {
                Line::from(vec![
                    keys(format!("{k:<w$} ", w = self.keys_w)),
                    Span::raw(d.clone()),
                ])
            })
            .collect();
        Paragraph::new(body).wrap(Wrap { trim: false })
    }
}

/// The overlay's part of the app: what it shows and its keys (here, so that `app.rs` needs
/// nothing from this module).
impl App {
    /// The text the overlay shows now: the keys, or the message log.
    pub fn overlay_text(&self) -> Vec<(String, String)> {
        if self.show_buffers {
            return self.buffer_lines();
        }
        if self.show_log {
            if self.log().next().is_none() {
                return vec![(String::new(), "no messages yet".to_string())];
            }
            self.log()
                .map(|(m, sev)| {
                    let tag = if *sev == Severity::Error { "error" } else { "" };
                    (tag.to_string(), m.clone())
                })
                .collect()
        } else {
            lines()
        }
    }

    /// Help keys: scrolling stops at the end of the text.
    pub(crate) fn help_action(&mut self, action: Action) {
        let (w, h) = self.size;
        // The overlay shows the keys or the message log: scroll to the end of what it shows.
        let max =
            HelpLayout::with_text(ratatui::layout::Rect::new(0, 0, w, h), self.overlay_text())
                .max_scroll;
        let page = h.saturating_sub(4).max(1);
        let scroll = self.help_scroll;
        self.help_scroll = match action {
            Action::HelpDown => scroll.saturating_add(1).min(max),
            Action::HelpUp => scroll.saturating_sub(1),
            Action::HelpPageDown => scroll.saturating_add(page).min(max),
            Action::HelpPageUp => scroll.saturating_sub(page),
            Action::HelpTop => 0,
            Action::HelpBottom => max,
            _ => {
                self.close_help();
                0
            }
        };
    }
}
