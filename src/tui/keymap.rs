//! Key chord → action, per keyboard mode, built from the action table; the config binds on
//! top of it by action name.

use std::collections::HashMap;

use crate::tui::action::{ACTIONS, Action, KeyMode};
use crate::tui::input::{Key, KeyCode};

/// The bindings in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<(KeyMode, Key), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for b in ACTIONS {
            for k in b.keys {
                if let Some(key) = Key::parse(k) {
                    map.insert((b.mode, key), b.action);
                }
            }
        }
        Self { map }
    }
}

impl Keymap {
    /// The action for a key in normal mode.
    pub fn lookup(&self, key: Key) -> Option<Action> {
        self.lookup_in(KeyMode::Normal, key)
    }

    /// The action for a key in `mode`. Edit mode has its own bindings and, after them, the
    /// normal ones marked for edit mode, but never a plain character (those are typed).
    pub fn lookup_in(&self, mode: KeyMode, key: Key) -> Option<Action> {
        if let Some(a) = self.map.get(&(mode, key)) {
            return Some(*a);
        }
        if mode != KeyMode::Edit || (matches!(key.code, KeyCode::Char(_)) && !key.ctrl && !key.alt)
        {
            return None;
        }
        self.lookup(key).filter(|a| a.binding().in_edit)
    }

    /// The action for a key in edit mode (see [`Keymap::lookup_in`]).
    pub fn lookup_edit(&self, key: Key) -> Option<Action> {
        self.lookup_in(KeyMode::Edit, key)
    }

    /// Binds `key` to `action` in the action's mode, replacing what it was bound to there.
    pub fn bind(&mut self, key: Key, action: Action) {
        self.map.insert((action.binding().mode, key), action);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_mode_keeps_arrows_but_types_letters() {
        let km = Keymap::default();
        assert_eq!(km.lookup(Key::ch('j')), Some(Action::MoveDown));
        assert_eq!(km.lookup_edit(Key::ch('j')), None);
        assert_eq!(
            km.lookup_edit(Key::plain(KeyCode::Down)),
            Some(Action::MoveDown)
        );
        assert_eq!(km.lookup_edit(Key::ctrl('s')), Some(Action::Save));
        assert_eq!(km.lookup_edit(Key::ctrl('r')), None);
        assert_eq!(
            km.lookup_edit(Key::plain(KeyCode::Backspace)),
            Some(Action::EditBack)
        );
    }

    #[test]
    fn modes_have_their_own_keys() {
        let km = Keymap::default();
        let up = Key::plain(KeyCode::Up);
        assert_eq!(km.lookup(up), Some(Action::MoveUp));
        assert_eq!(
            km.lookup_in(KeyMode::Prompt, up),
            Some(Action::PromptHistoryPrev)
        );
        assert_eq!(km.lookup_in(KeyMode::SearchPane, up), Some(Action::PaneUp));
        assert_eq!(km.lookup_in(KeyMode::Help, up), Some(Action::HelpUp));
        assert_eq!(km.lookup_in(KeyMode::Prompt, Key::ch('q')), None, "typed");
        assert_eq!(
            km.lookup_in(KeyMode::ConfirmQuit, Key::ch('y')),
            Some(Action::ConfirmSave)
        );
        assert_eq!(
            km.lookup_in(KeyMode::SearchPane, Key::ch('G')),
            Some(Action::PaneLast)
        );
    }

    #[test]
    fn every_default_key_reaches_its_action_in_its_mode() {
        let km = Keymap::default();
        for b in ACTIONS {
            for k in b.keys {
                let key = Key::parse(k).unwrap_or_else(|| panic!("{k}"));
                assert_eq!(km.lookup_in(b.mode, key), Some(b.action), "{k}");
            }
        }
    }

    #[test]
    fn binding_stays_in_the_actions_mode() {
        let mut km = Keymap::default();
        km.bind(Key::ctrl('p'), Action::PromptHistoryNext);
        assert_eq!(
            km.lookup_in(KeyMode::Prompt, Key::ctrl('p')),
            Some(Action::PromptHistoryNext)
        );
        assert_eq!(km.lookup(Key::ctrl('p')), None);
    }
}
