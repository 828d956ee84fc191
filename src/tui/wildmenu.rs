//! What Tab found in the `:` prompt, and the candidates shown beside it (plain data: the
//! app holds the last ones, `complete` makes them, the message line draws them).

/// What Tab found for the end of a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The line up to the word being completed.
    pub head: String,
    /// What the word may become, sorted (empty: nothing fits).
    pub words: Vec<String>,
    /// How each is shown (a path's last part).
    pub shown: Vec<String>,
    /// A unique completion ends its word (a space follows it).
    pub ends_word: bool,
}

impl Completion {
    /// The line after Tab: the unique completion, else the common prefix of the candidates;
    /// `None` when nothing fits.
    pub fn line(&self) -> Option<String> {
        match self.words.as_slice() {
            [] => None,
            [one] => Some(format!(
                "{}{one}{}",
                self.head,
                if self.ends_word { " " } else { "" }
            )),
            many => Some(format!("{}{}", self.head, common_prefix(many))),
        }
    }
}

/// The candidates shown beside the prompt after a Tab that found several, and which one Tab
/// cycled to. They belong to one prompt text: once the text changes they are not shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wildmenu {
    /// The prompt text these candidates are for.
    pub line: String,
    /// What Tab completed.
    pub completion: Completion,
    /// The candidate Tab cycled to, if any.
    pub index: Option<usize>,
}

impl Wildmenu {
    /// The candidates as one line, the current one in brackets, at most `width` characters.
    pub fn display(&self, width: usize) -> String {
        if self.completion.shown.is_empty() {
            return "(nothing completes this)".chars().take(width).collect();
        }
        let mut out = String::new();
        for (i, s) in self.completion.shown.iter().enumerate() {
            let item = if self.index == Some(i) {
                format!("[{s}]")
            } else {
                s.clone()
            };
            if out.chars().count() + item.chars().count() + 2 > width {
                out.push('…');
                break;
            }
            if !out.is_empty() {
                out.push_str("  ");
            }
            out.push_str(&item);
        }
        out
    }
}

/// The longest prefix (in characters) every word shares.
pub(crate) fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    first[..len].to_string()
}
