//! The prompts' line editor and their history: pure values, no keys and no terminal (the
//! keymap turns keys into the actions that call these).
//!
//! [`LineEdit`] is a line of text with a cursor (a byte offset, always on a character
//! boundary) and the readline edits; [`History`] keeps the lines entered at one prompt, and
//! [`LineEdit::recall`] walks it: Up on the line being typed keeps that line as a draft, and
//! Down past the newest entry brings it back.

use std::collections::VecDeque;

/// How many lines a prompt's history keeps.
pub const HISTORY_LIMIT: usize = 100;

/// A line being edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// Byte offset of the cursor in `text`, on a character boundary.
    cursor: usize,
    /// While recalling: which entry is shown (0 = the newest) and the line typed before.
    recalled: Option<(usize, String)>,
}

impl LineEdit {
    /// An empty line.
    pub fn new() -> Self {
        Self::default()
    }

    /// A line holding `text`, the cursor at its end.
    pub fn with_text(text: &str) -> Self {
        let mut me = Self::new();
        me.set_text(text);
        me
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, as a byte offset into [`LineEdit::text`].
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text and puts the cursor at its end (a completion, a recalled line).
    pub fn set_text(&mut self, text: &str) {
        text.clone_into(&mut self.text);
        self.cursor = self.text.len();
    }

    /// Inserts `c` at the cursor, which moves past it.
    pub fn insert(&mut self, c: char) {
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    /// Inserts `s` at the cursor (a paste), which moves past it. Control characters are
    /// dropped: a line has no use for them, and they would reach the terminal when drawn.
    pub fn insert_str(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        self.cursor = self.prev_boundary();
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        self.cursor = self.next_boundary();
    }

    /// Moves the cursor to the start.
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    /// Moves the cursor to the end.
    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Deletes the character before the cursor; false when there is none.
    pub fn delete_back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        let from = self.prev_boundary();
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
        true
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        let to = self.next_boundary();
        self.text.replace_range(self.cursor..to, "");
    }

    /// Deletes the word before the cursor and the spaces after it (readline's `C-w`: words
    /// are split at whitespace).
    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end_matches(char::is_whitespace);
        let from = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
    }

    /// Deletes from the start to the cursor.
    pub fn delete_to_start(&mut self) {
        self.text.replace_range(..self.cursor, "");
        self.cursor = 0;
    }

    /// Deletes from the cursor to the end.
    pub fn delete_to_end(&mut self) {
        self.text.truncate(self.cursor);
    }

    /// Shows an older (`back`) or newer entry of `history`. Leaving the line being typed keeps
    /// it, and going newer than the newest entry brings it back; at the oldest entry, or on
    /// the typed line going newer, nothing changes.
    pub fn recall(&mut self, history: &History, back: bool) {
        let next = match (&self.recalled, back) {
            (None, true) => (!history.is_empty()).then_some(Some(0)),
            (None, false) => None,
            (Some((i, _)), true) => (i + 1 < history.len()).then_some(Some(i + 1)),
            (Some((0, _)), false) => Some(None),
            (Some((i, _)), false) => Some(Some(i - 1)),
        };
        let Some(next) = next else { return };
        match next {
            Some(i) => {
                let draft = match self.recalled.take() {
                    Some((_, d)) => d,
                    None => std::mem::take(&mut self.text),
                };
                let line = history.get(i).unwrap_or_default().to_string();
                self.set_text(&line);
                self.recalled = Some((i, draft));
            }
            None => {
                if let Some((_, draft)) = self.recalled.take() {
                    self.set_text(&draft);
                }
            }
        }
    }

    /// The cursor's column and the text's width in terminal cells.
    pub fn columns(&self) -> (usize, usize) {
        use unicode_width::UnicodeWidthStr;
        (self.text[..self.cursor].width(), self.text.width())
    }
}

/// The lines entered at one prompt, newest last; bounded, and never the same line twice in a
/// row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    entries: VecDeque<String>,
    limit: usize,
}

impl Default for History {
    fn default() -> Self {
        Self::with_limit(HISTORY_LIMIT)
    }
}

impl History {
    /// An empty history keeping at most `limit` lines (at least one).
    pub fn with_limit(limit: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            limit: limit.max(1),
        }
    }

    /// Adds a line entered: not an empty one, nor the newest again; the oldest goes when full.
    pub fn push(&mut self, line: &str) {
        if line.trim().is_empty() || self.entries.back().is_some_and(|l| l == line) {
            return;
        }
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(line.to_string());
    }

    /// How many lines are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was entered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The line `back` entries before the newest (0 is the newest).
    pub fn get(&self, back: usize) -> Option<&str> {
        let i = self.entries.len().checked_sub(back + 1)?;
        self.entries.get(i).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_at_the_cursor() {
        let mut l = LineEdit::with_text("0x20");
        l.home();
        l.insert('+');
        assert_eq!((l.text(), l.cursor()), ("+0x20", 1));
        l.end();
        l.left();
        l.delete_back();
        assert_eq!((l.text(), l.cursor()), ("+0x0", 3));
        l.delete();
        assert_eq!(l.text(), "+0x");
        l.delete();
        assert_eq!(l.text(), "+0x", "nothing under the cursor at the end");
        l.insert_str("1\n2");
        assert_eq!((l.text(), l.cursor()), ("+0x12", 5));
        l.home();
        assert!(!l.delete_back());
        l.right();
        l.delete_to_start();
        assert_eq!((l.text(), l.cursor()), ("0x12", 0));
        l.right();
        l.delete_to_end();
        assert_eq!(l.text(), "0");
    }

    #[test]
    fn moves_by_characters_not_bytes() {
        let mut l = LineEdit::with_text("é中x");
        l.left();
        l.left();
        assert_eq!(l.cursor(), 2);
        assert_eq!(l.columns(), (1, 4));
        l.delete_back();
        assert_eq!((l.text(), l.cursor()), ("中x", 0));
        l.right();
        assert_eq!(l.cursor(), 3);
        l.delete();
        assert_eq!(l.text(), "中");
    }

    #[test]
    fn delete_word_takes_the_word_and_its_trailing_spaces() {
        let mut l = LineEdit::with_text("set cols  16  ");
        l.delete_word();
        assert_eq!(l.text(), "set cols  ");
        l.delete_word();
        assert_eq!(l.text(), "set ");
        l.delete_word();
        l.delete_word();
        assert_eq!((l.text(), l.cursor()), ("", 0));
        let mut l = LineEdit::with_text("ab cd");
        l.left();
        l.delete_word();
        assert_eq!((l.text(), l.cursor()), ("ab d", 3));
    }

    #[test]
    fn history_skips_repeats_and_blank_lines_and_is_bounded() {
        let mut h = History::with_limit(3);
        for line in ["a", "a", "", "  ", "b", "a", "c"] {
            h.push(line);
        }
        assert_eq!(h.len(), 3);
        assert_eq!(
            (h.get(0), h.get(1), h.get(2), h.get(3)),
            (Some("c"), Some("a"), Some("b"), None)
        );
    }

    #[test]
    fn recall_keeps_the_typed_line() {
        let mut h = History::default();
        h.push("one");
        h.push("two");
        let mut l = LineEdit::with_text("dra");
        l.recall(&h, false);
        assert_eq!(l.text(), "dra", "down on the typed line does nothing");
        l.recall(&h, true);
        assert_eq!((l.text(), l.cursor()), ("two", 3));
        l.recall(&h, true);
        l.recall(&h, true);
        assert_eq!(l.text(), "one", "stops at the oldest");
        l.recall(&h, false);
        assert_eq!(l.text(), "two");
        l.recall(&h, false);
        assert_eq!(l.text(), "dra");
        l.recall(&h, false);
        assert_eq!(l.text(), "dra");
        let mut l = LineEdit::new();
        l.recall(&History::default(), true);
        assert_eq!(l.text(), "", "no history: nothing happens");
    }

    mod model {
        use super::super::LineEdit;
        use proptest::prelude::*;

        /// An edit, applied both to the editor and to a model: a `Vec<char>` and an index.
        #[derive(Clone, Debug)]
        enum Op {
            Insert(char),
            Paste(String),
            Left,
            Right,
            Home,
            End,
            Back,
            Delete,
            Word,
            ToStart,
            ToEnd,
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                any::<char>()
                    .prop_filter("not control", |c| !c.is_control())
                    .prop_map(Op::Insert),
                "[a-c é中 ]{0,4}".prop_map(Op::Paste),
                Just(Op::Left),
                Just(Op::Right),
                Just(Op::Home),
                Just(Op::End),
                Just(Op::Back),
                Just(Op::Delete),
                Just(Op::Word),
                Just(Op::ToStart),
                Just(Op::ToEnd),
            ]
        }

        fn apply(m: &mut Vec<char>, at: &mut usize, op: &Op) {
            match op {
                Op::Insert(c) => {
                    m.insert(*at, *c);
                    *at += 1;
                }
                Op::Paste(s) => {
                    for c in s.chars() {
                        m.insert(*at, c);
                        *at += 1;
                    }
                }
                Op::Left => *at = at.saturating_sub(1),
                Op::Right => *at = (*at + 1).min(m.len()),
                Op::Home => *at = 0,
                Op::End => *at = m.len(),
                Op::Back => {
                    if *at > 0 {
                        *at -= 1;
                        m.remove(*at);
                    }
                }
                Op::Delete => {
                    if *at < m.len() {
                        m.remove(*at);
                    }
                }
                Op::Word => {
                    let mut from = *at;
                    while from > 0 && m[from - 1].is_whitespace() {
                        from -= 1;
                    }
                    while from > 0 && !m[from - 1].is_whitespace() {
                        from -= 1;
                    }
                    m.drain(from..*at);
                    *at = from;
                }
                Op::ToStart => {
                    m.drain(..*at);
                    *at = 0;
                }
                Op::ToEnd => m.truncate(*at),
            }
        }

        proptest! {
            #[test]
            fn editor_matches_a_char_vector(ops in proptest::collection::vec(op(), 0..40)) {
                let mut l = LineEdit::new();
                let (mut m, mut at) = (Vec::new(), 0usize);
                for op in &ops {
                    match op {
                        Op::Insert(c) => l.insert(*c),
                        Op::Paste(s) => l.insert_str(s),
                        Op::Left => l.left(),
                        Op::Right => l.right(),
                        Op::Home => l.home(),
                        Op::End => l.end(),
                        Op::Back => { l.delete_back(); }
                        Op::Delete => l.delete(),
                        Op::Word => l.delete_word(),
                        Op::ToStart => l.delete_to_start(),
                        Op::ToEnd => l.delete_to_end(),
                    }
                    apply(&mut m, &mut at, op);
                    prop_assert_eq!(l.text(), m.iter().collect::<String>());
                    prop_assert_eq!(l.text()[..l.cursor()].chars().count(), at);
                }
            }
        }
    }
}
