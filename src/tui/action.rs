//! Every command the user can give, in one table: action, name, description, default keys.
//!
//! The keymap, the help overlay, the README's key table and config names all come from
//! [`ACTIONS`] (helix's `static_commands!`), so documentation cannot drift from bindings.

/// A command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    MoveLeft,
    MoveRight,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    RowStart,
    RowEnd,
    FileStart,
    FileEnd,
    SwitchPane,
    CommandLine,
    ToggleHelp,
    Quit,
    EditMode,
    Undo,
    Redo,
    Save,
    Search,
    SearchNext,
    SearchPrev,
    ToggleSearchPane,
    Cancel,
    Select,
    Yank,
    Paste,
    SetMark,
    JumpMark,
    JumpBack,
    ToggleInspector,
    ToggleLineView,
    CycleEncoding,
}

/// One row of the table.
#[derive(Debug)]
pub struct Binding {
    /// The command.
    pub action: Action,
    /// Its name, as config files use it.
    pub name: &'static str,
    /// What it does, for the help overlay and README.
    pub doc: &'static str,
    /// Default keys, in [`crate::tui::input::Key::parse`] notation.
    pub keys: &'static [&'static str],
    /// True when the binding also works in edit mode (only non-character keys are, since
    /// characters are typed there).
    pub in_edit: bool,
}

macro_rules! table {
    ($( $action:ident, $name:literal, $doc:literal, [$($key:literal),*], $edit:literal; )*) => {
        /// The one table of commands.
        pub static ACTIONS: &[Binding] = &[
            $( Binding { action: Action::$action, name: $name, doc: $doc, keys: &[$($key),*], in_edit: $edit }, )*
        ];
    };
}

table! {
    MoveLeft, "move_left", "move one byte left", ["h", "Left"], true;
    MoveRight, "move_right", "move one byte right", ["l", "Right"], true;
    MoveUp, "move_up", "move one row up", ["k", "Up"], true;
    MoveDown, "move_down", "move one row down", ["j", "Down"], true;
    PageUp, "page_up", "move one screen up", ["PageUp", "C-b"], true;
    PageDown, "page_down", "move one screen down", ["PageDown", "C-f"], true;
    RowStart, "row_start", "go to the start of the row", ["Home", "0"], true;
    RowEnd, "row_end", "go to the end of the row", ["End", "$"], true;
    FileStart, "file_start", "go to the first byte", ["g"], false;
    FileEnd, "file_end", "go to the last byte", ["G"], false;
    SwitchPane, "switch_pane", "switch between the hex and text panes", ["Tab"], true;
    CommandLine, "command_line", "command line: an offset (0x100, +16, 50%, end) or :w :q :wq :q! :e!", [":"], false;
    ToggleHelp, "help", "show or hide this help", ["?", "F1"], false;
    Quit, "quit", "quit (asks when there are unsaved edits)", ["q"], false;
    EditMode, "edit", "edit mode: overwrite bytes at the cursor (Esc leaves)", ["i", "Insert"], false;
    Undo, "undo", "undo the last change", ["u"], false;
    Redo, "redo", "redo the last undone change", ["C-r"], false;
    Save, "save", "save the edits in place", ["C-s"], true;
    Search, "search", "search: regex, text or hex (Tab in the prompt cycles the kind)", ["/"], false;
    SearchNext, "search_next", "go to the next match", ["n"], false;
    SearchPrev, "search_prev", "go to the previous match", ["N"], false;
    ToggleSearchPane, "search_pane", "show or hide the list of matches", ["s"], false;
    Cancel, "cancel", "cancel a running search, close panels, end a selection, leave edit mode", ["Esc"], true;
    Select, "select", "start or end a selection; moving extends it", ["v"], false;
    Yank, "yank", "copy the selection as hex (:y text, :y c for other forms) to the register and clipboard", ["y"], false;
    Paste, "paste", "paste the register over the bytes at the cursor", ["p"], false;
    SetMark, "set_mark", "set a mark: m then a letter", ["m"], false;
    JumpMark, "jump_mark", "jump to a mark: ' then the letter", ["'"], false;
    JumpBack, "jump_back", "go back to where the last jump (goto, search, mark) came from", ["C-o"], false;
    ToggleInspector, "inspector", "show or hide the data inspector (:set endian be|le)", ["I"], false;
    ToggleLineView, "line_view", "switch between the hex view and the text line view", ["T"], false;
    CycleEncoding, "encoding", "cycle the text pane's encoding: UTF-8, ASCII, Latin-1", ["E"], false;
}

impl Action {
    /// The table row for this action.
    pub fn binding(self) -> &'static Binding {
        ACTIONS
            .iter()
            .find(|b| b.action == self)
            .unwrap_or(&ACTIONS[0])
    }

    /// Looks an action up by its config name.
    pub fn by_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|b| b.name == name).map(|b| b.action)
    }
}

/// The key table as Markdown rows, for the README (a test keeps the README in step).
pub fn markdown_table() -> String {
    use std::fmt::Write;
    let mut s = String::from("| keys | command | what it does |\n| --- | --- | --- |\n");
    for b in ACTIONS {
        let keys: Vec<String> = b.keys.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(s, "| {} | {} | {} |", keys.join(" "), b.name, b.doc);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::input::Key;
    use std::collections::HashSet;

    #[test]
    fn every_action_has_one_row_with_a_name_doc_and_key() {
        let mut names = HashSet::new();
        let mut actions = HashSet::new();
        for b in ACTIONS {
            assert!(names.insert(b.name), "duplicate name {}", b.name);
            assert!(actions.insert(b.action), "duplicate action {:?}", b.action);
            assert!(
                !b.doc.is_empty() && !b.keys.is_empty(),
                "{} undocumented or unbound",
                b.name
            );
            assert_eq!(Action::by_name(b.name), Some(b.action));
        }
    }

    #[test]
    fn no_key_is_bound_twice_and_all_parse() {
        let mut seen = HashSet::new();
        for b in ACTIONS {
            for k in b.keys {
                let key = Key::parse(k).unwrap_or_else(|| panic!("{k} does not parse"));
                assert!(seen.insert(key), "{k} bound twice");
            }
        }
    }
}

#[cfg(test)]
mod readme {
    /// The README's key table is generated from the action table; this keeps them in step.
    /// To refresh it, paste the output of `markdown_table()` (printed on failure).
    #[test]
    fn readme_key_table_matches_the_action_table() {
        let readme = include_str!("../../README.md");
        let table = super::markdown_table();
        assert!(
            readme.contains(&table),
            "README key table is stale; it should read:\n{table}"
        );
    }
}
