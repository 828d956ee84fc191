//! Every command the user can give, in one table: action, name, description, default keys,
//! and the mode whose keymap it is in.
//!
//! The keymap, the help overlay, the README's key table and config names all come from
//! [`ACTIONS`] (helix's `static_commands!`), so documentation cannot drift from bindings.
//! Each mode of the keyboard (moving around, edit mode, a prompt, the search pane, help, the
//! second key of a mark, the quit question) has its own rows; a name is unique within its
//! mode, and the config file binds it in that mode's section (`[keys]` for normal mode,
//! `[keys.prompt]` and so on, see [`KeyMode::section`]). Typed characters (hex digits in edit
//! mode, text in a prompt, the mark letter) are not bindings: what no binding takes is typed.

/// A keyboard mode: which rows of the table a key is looked up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyMode {
    /// Moving around the document.
    Normal,
    /// Edit mode (its own rows first, then the normal rows marked for edit mode).
    Edit,
    /// Typing into the `:` or `/` prompt.
    Prompt,
    /// The search pane has focus (keys it does not take go to normal mode).
    SearchPane,
    /// The structure pane has focus (keys it does not take go to normal mode).
    Structure,
    /// The help overlay is shown (any key it does not take closes it).
    Help,
    /// After `m` or `'`: the next letter names the mark (any other key cancels).
    Mark,
    /// Asked what to do with unsaved edits on quit (any other key cancels).
    ConfirmQuit,
}

impl KeyMode {
    /// Every mode, in the order the help, the README and the config example list them.
    pub const ALL: [KeyMode; 8] = [
        KeyMode::Normal,
        KeyMode::Edit,
        KeyMode::Prompt,
        KeyMode::SearchPane,
        KeyMode::Structure,
        KeyMode::Help,
        KeyMode::Mark,
        KeyMode::ConfirmQuit,
    ];

    /// The mode's name in the config file: `[keys.NAME]` (normal mode is `[keys]` itself, or
    /// `[keys.normal]`). No name equals a normal action's name, since both are keys of the
    /// `[keys]` table (a test checks).
    pub fn section(self) -> &'static str {
        match self {
            KeyMode::Normal => "normal",
            KeyMode::Edit => "edit_mode",
            KeyMode::Prompt => "prompt",
            KeyMode::SearchPane => "match_list",
            KeyMode::Structure => "structure_pane",
            KeyMode::Help => "help_overlay",
            KeyMode::Mark => "mark",
            KeyMode::ConfirmQuit => "confirm_quit",
        }
    }

    /// The mode for a config section name.
    pub fn by_section(name: &str) -> Option<KeyMode> {
        Self::ALL.into_iter().find(|m| m.section() == name)
    }

    /// What the mode is, for the help overlay and the README.
    pub fn title(self) -> &'static str {
        match self {
            KeyMode::Normal => "moving around",
            KeyMode::Edit => {
                "edit mode: hex digits in the hex pane, any character in the text pane, written \
                 over the bytes (OVR) or inserted before the cursor (INS); these and the normal \
                 keys marked (edit)"
            }
            KeyMode::Prompt => {
                "the : and / prompts: what is typed goes in at the cursor; Up and Down recall \
                 earlier lines of the same prompt"
            }
            KeyMode::SearchPane => "the search pane, while it has focus (other keys work as usual)",
            KeyMode::Structure => {
                "the structure pane, while it has focus (other keys work as usual; moving selects \
                 the field's bytes in the hex pane)"
            }
            KeyMode::Help => "this help (any other key closes it)",
            KeyMode::Mark => "after m or ': a letter names the mark",
            KeyMode::ConfirmQuit => {
                "the question on quit, or on :bd, with unsaved edits (any other key cancels)"
            }
        }
    }
}

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
    InsertMode,
    DeleteByte,
    DeleteSelection,
    PasteBefore,
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
    ToggleStructure,
    DiffNext,
    DiffPrev,
    // Edit mode.
    EditBack,
    EditDelete,
    EditToggleInsert,
    EditNewline,
    // Prompts.
    PromptCancel,
    PromptAccept,
    PromptComplete,
    PromptLeft,
    PromptRight,
    PromptHome,
    PromptEnd,
    PromptDeleteBack,
    PromptDelete,
    PromptDeleteWord,
    PromptDeleteToStart,
    PromptDeleteToEnd,
    PromptHistoryPrev,
    PromptHistoryNext,
    PromptToggleCase,
    PromptToggleUnicode,
    // Search pane.
    PaneDown,
    PaneUp,
    PanePageDown,
    PanePageUp,
    PaneFirst,
    PaneLast,
    PaneJump,
    PaneLeave,
    // Structure pane.
    TreeDown,
    TreeUp,
    TreePageDown,
    TreePageUp,
    TreeFirst,
    TreeLast,
    TreeUnfold,
    TreeFold,
    TreeToggle,
    TreeEdit,
    TreeLeave,
    // Help overlay.
    HelpDown,
    HelpUp,
    HelpPageDown,
    HelpPageUp,
    HelpTop,
    HelpBottom,
    HelpClose,
    // Mark.
    MarkCancel,
    // Quit question.
    ConfirmSave,
    ConfirmKeep,
    ConfirmDiscard,
    ConfirmCancel,
}

/// One row of the table.
#[derive(Debug)]
pub struct Binding {
    /// The command.
    pub action: Action,
    /// Its name, as config files use it (unique within its mode).
    pub name: &'static str,
    /// What it does, for the help overlay and README.
    pub doc: &'static str,
    /// Default keys, in [`crate::tui::input::Key::parse`] notation.
    pub keys: &'static [&'static str],
    /// The mode whose keymap it is in.
    pub mode: KeyMode,
    /// True when a normal-mode binding also works in edit mode (only non-character keys are,
    /// since characters are typed there).
    pub in_edit: bool,
}

macro_rules! table {
    ($( $mode:ident { $( $action:ident, $name:literal, $doc:literal, [$($key:literal),*], $edit:literal; )* } )*) => {
        /// The one table of commands.
        pub static ACTIONS: &[Binding] = &[
            $( $( Binding {
                action: Action::$action,
                name: $name,
                doc: $doc,
                keys: &[$($key),*],
                mode: KeyMode::$mode,
                in_edit: $edit,
            }, )* )*
        ];
    };
}

table! {
Normal {
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
    Quit, "quit", "quit (asks when any buffer has unsaved edits, naming them)", ["q"], false;
    EditMode, "edit", "edit mode: overwrite bytes at the cursor (Esc leaves)", ["i"], false;
    InsertMode, "insert", "edit mode inserting: typed bytes go in before the cursor (Insert toggles INS/OVR, Esc leaves)", ["Insert"], false;
    DeleteByte, "delete", "delete the byte under the cursor (or the selection)", ["x", "Delete"], false;
    DeleteSelection, "delete_selection", "delete the selected bytes (v selects); in the compare view without a selection, d then o or p copies a difference", ["d"], false;
    PasteBefore, "paste_insert", "insert the register before the cursor (p pastes over)", ["P"], false;
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
    Paste, "paste", "paste the register over the bytes at the cursor (P inserts it)", ["p"], false;
    SetMark, "set_mark", "set a mark: m then a letter", ["m"], false;
    JumpMark, "jump_mark", "jump to a mark: ' then the letter", ["'"], false;
    JumpBack, "jump_back", "go back to where the last jump (goto, search, mark) came from", ["C-o"], false;
    ToggleInspector, "inspector", "show or hide the data inspector (:set endian be|le)", ["I"], false;
    ToggleLineView, "line_view", "switch between the hex view and the text line view", ["T"], false;
    CycleEncoding, "encoding", "cycle the text pane's encoding: UTF-8, ASCII, Latin-1", ["E"], false;
    ToggleStructure, "structure", "structure pane (a .ksy template's tree): show it and focus it, or hide it (:template NAME chooses)", ["t"], false;
    DiffNext, "diff_next", "compare view: ] then c goes to the next difference (d then o obtains it from the other side, d then p puts it there)", ["]"], false;
    DiffPrev, "diff_prev", "compare view: [ then c goes to the previous difference", ["["], false;
}
Edit {
    EditBack, "back", "INS: delete the byte before the cursor (or a half-typed one); OVR: move back without deleting", ["Backspace"], false;
    EditDelete, "delete", "delete the byte at the cursor (INS and OVR)", ["Delete"], false;
    EditToggleInsert, "toggle_insert", "switch between inserting (INS) and overwriting (OVR)", ["Insert"], false;
    EditNewline, "newline", "in the text pane, write a newline byte", ["Enter"], false;
}
Prompt {
    PromptCancel, "cancel", "leave the prompt", ["Esc", "C-c"], false;
    PromptAccept, "accept", "run the command or start the search", ["Enter"], false;
    PromptComplete, "complete", "in the search prompt, cycle regex / text / hex", ["Tab"], false;
    PromptLeft, "left", "move the cursor one character left", ["Left", "C-b"], false;
    PromptRight, "right", "move the cursor one character right", ["Right", "C-f"], false;
    PromptHome, "home", "move the cursor to the start of the line", ["Home", "C-a"], false;
    PromptEnd, "end", "move the cursor to the end of the line", ["End", "C-e"], false;
    PromptDeleteBack, "delete_back", "delete the character before the cursor (on an empty line, leave)", ["Backspace"], false;
    PromptDelete, "delete", "delete the character under the cursor", ["Delete", "C-d"], false;
    PromptDeleteWord, "delete_word", "delete the word before the cursor", ["C-w"], false;
    PromptDeleteToStart, "delete_to_start", "delete from the start of the line to the cursor", ["C-u"], false;
    PromptDeleteToEnd, "delete_to_end", "delete from the cursor to the end of the line", ["C-k"], false;
    PromptHistoryPrev, "history_prev", "recall the previous line of this prompt", ["Up", "C-p"], false;
    PromptHistoryNext, "history_next", "recall the next line (past the newest: what was typed)", ["Down", "C-n"], false;
    PromptToggleCase, "toggle_case", "in the search prompt, toggle case folding", ["C-t"], false;
    PromptToggleUnicode, "toggle_unicode", "in the search prompt, toggle Unicode semantics of a regex", ["C-x"], false;
}
SearchPane {
    PaneDown, "down", "select the next match", ["j", "Down"], false;
    PaneUp, "up", "select the previous match", ["k", "Up"], false;
    PanePageDown, "page_down", "select one screen of matches further", ["PageDown", "C-f"], false;
    PanePageUp, "page_up", "select one screen of matches back", ["PageUp", "C-b"], false;
    PaneFirst, "first", "select the first match", ["g", "Home"], false;
    PaneLast, "last", "select the last match listed", ["G", "End"], false;
    PaneJump, "jump", "go to the selected match", ["Enter"], false;
    PaneLeave, "leave", "give the focus back to the hex view", ["Tab"], false;
}
Structure {
    TreeDown, "down", "select the next row (the hex cursor goes to its field)", ["j", "Down"], false;
    TreeUp, "up", "select the previous row", ["k", "Up"], false;
    TreePageDown, "page_down", "select one screen of rows further", ["PageDown", "C-f"], false;
    TreePageUp, "page_up", "select one screen of rows back", ["PageUp", "C-b"], false;
    TreeFirst, "first", "select the first row", ["g", "Home"], false;
    TreeLast, "last", "select the last row", ["G", "End"], false;
    TreeUnfold, "unfold", "unfold a type or array (on an unfolded one, go to its first field)", ["l", "Right"], false;
    TreeFold, "fold", "fold it (on a folded one or a value, go to its parent)", ["h", "Left"], false;
    TreeToggle, "toggle", "fold or unfold; on a value, edit it", ["Enter"], false;
    TreeEdit, "edit", "edit the value: the : prompt as :field VALUE, prefilled", ["e"], false;
    TreeLeave, "leave", "give the focus back to the hex view", ["Tab", "Esc"], false;
}
Help {
    HelpDown, "down", "scroll down one line", ["j", "Down"], false;
    HelpUp, "up", "scroll up one line", ["k", "Up"], false;
    HelpPageDown, "page_down", "scroll down a page", ["PageDown", "Space"], false;
    HelpPageUp, "page_up", "scroll up a page", ["PageUp"], false;
    HelpTop, "top", "scroll to the top", ["g", "Home"], false;
    HelpBottom, "bottom", "scroll to the end", ["G", "End"], false;
    HelpClose, "close", "close the help", ["Esc", "q", "?", "F1"], false;
}
Mark {
    MarkCancel, "cancel", "set or jump to no mark", ["Esc"], false;
}
ConfirmQuit {
    ConfirmSave, "save", "save (flush) and quit, or close the buffer (:bd)", ["s", "y", "w"], false;
    ConfirmKeep, "keep", "keep the edits for :recover and quit or close (when they cannot be saved here)", ["k"], false;
    ConfirmDiscard, "discard", "quit or close without saving", ["d", "n"], false;
    ConfirmCancel, "cancel", "do not quit or close", ["c", "Esc"], false;
}
}

impl Action {
    /// The table row for this action.
    pub fn binding(self) -> &'static Binding {
        ACTIONS
            .iter()
            .find(|b| b.action == self)
            .unwrap_or(&ACTIONS[0])
    }

    /// Looks a normal-mode action up by its config name.
    pub fn by_name(name: &str) -> Option<Action> {
        Self::by_name_in(KeyMode::Normal, name)
    }

    /// Looks an action of `mode` up by its config name.
    pub fn by_name_in(mode: KeyMode, name: &str) -> Option<Action> {
        ACTIONS
            .iter()
            .find(|b| b.mode == mode && b.name == name)
            .map(|b| b.action)
    }

    /// The name with its mode, as warnings and `--help` write it: `quit`, `prompt.history_prev`.
    pub fn qualified_name(self) -> String {
        let b = self.binding();
        match b.mode {
            KeyMode::Normal => b.name.to_string(),
            m => format!("{}.{}", m.section(), b.name),
        }
    }
}

/// The rows of one mode.
pub fn in_mode(mode: KeyMode) -> impl Iterator<Item = &'static Binding> {
    ACTIONS.iter().filter(move |b| b.mode == mode)
}

/// The key table as Markdown, one table per mode, for the README (a test keeps the README in
/// step).
pub fn markdown_table() -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for mode in KeyMode::ALL {
        let section = match mode {
            KeyMode::Normal => "[keys]".to_string(),
            m => format!("[keys.{}]", m.section()),
        };
        let _ = writeln!(s, "**{}** (config `{section}`)\n", mode.title());
        s.push_str("| keys | command | what it does |\n| --- | --- | --- |\n");
        for b in in_mode(mode) {
            let keys: Vec<String> = b.keys.iter().map(|k| format!("`{k}`")).collect();
            let edit = if b.in_edit { " (edit)" } else { "" };
            let _ = writeln!(s, "| {} | {} | {}{edit} |", keys.join(" "), b.name, b.doc);
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::input::{Key, KeyCode};
    use std::collections::HashSet;

    #[test]
    fn every_action_has_one_row_with_a_name_doc_and_key() {
        let mut names = HashSet::new();
        let mut actions = HashSet::new();
        for b in ACTIONS {
            assert!(
                names.insert((b.mode, b.name)),
                "duplicate name {}",
                b.action.qualified_name()
            );
            assert!(actions.insert(b.action), "duplicate action {:?}", b.action);
            assert!(
                !b.doc.is_empty() && !b.keys.is_empty(),
                "{} undocumented or unbound",
                b.name
            );
            assert_eq!(Action::by_name_in(b.mode, b.name), Some(b.action));
            assert!(!b.in_edit || b.mode == KeyMode::Normal, "{}", b.name);
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode_and_all_parse() {
        for mode in KeyMode::ALL {
            let mut seen = HashSet::new();
            for b in ACTIONS {
                // Edit mode sees its own rows and the normal rows marked for it.
                let here = b.mode == mode || (mode == KeyMode::Edit && b.in_edit);
                if !here {
                    continue;
                }
                for k in b.keys {
                    let key = Key::parse(k).unwrap_or_else(|| panic!("{k} does not parse"));
                    assert!(seen.insert(key), "{k} bound twice in {mode:?}");
                }
            }
        }
    }

    #[test]
    fn typed_modes_bind_no_plain_character() {
        // A plain character in edit mode, a prompt or a mark is typed, so a default binding
        // there would make it impossible to type.
        for b in ACTIONS {
            // (Normal rows marked for edit mode lose their plain characters there.)
            if !matches!(b.mode, KeyMode::Edit | KeyMode::Prompt | KeyMode::Mark) {
                continue;
            }
            for k in b.keys {
                let key = Key::parse(k).unwrap_or_else(|| panic!("{k}"));
                let plain_char = matches!(key.code, KeyCode::Char(_)) && !key.ctrl && !key.alt;
                assert!(!plain_char, "{k} of {} would shadow typing", b.name);
            }
        }
    }

    #[test]
    fn mode_sections_are_not_action_names() {
        for mode in KeyMode::ALL {
            assert_eq!(KeyMode::by_section(mode.section()), Some(mode));
            assert!(
                Action::by_name(mode.section()).is_none(),
                "[keys.{}] would clash with the action of that name",
                mode.section()
            );
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
