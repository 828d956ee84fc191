//! Key chord → action, built from the action table.

use std::collections::HashMap;

use crate::tui::action::{ACTIONS, Action};
use crate::tui::input::{Key, KeyCode};

/// The bindings in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for b in ACTIONS {
            for k in b.keys {
                if let Some(key) = Key::parse(k) {
                    map.insert(key, b.action);
                }
            }
        }
        Self { map }
    }
}

impl Keymap {
    /// The action for a key in normal mode.
    pub fn lookup(&self, key: Key) -> Option<Action> {
        self.map.get(&key).copied()
    }

    /// The action for a key in edit mode: only bindings marked for edit mode, and never a
    /// plain character (those are typed).
    pub fn lookup_edit(&self, key: Key) -> Option<Action> {
        if matches!(key.code, KeyCode::Char(_)) && !key.ctrl && !key.alt {
            return None;
        }
        self.lookup(key).filter(|a| a.binding().in_edit)
    }

    /// Binds `key` to `action`, replacing what it was bound to.
    pub fn bind(&mut self, key: Key, action: Action) {
        self.map.insert(key, action);
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
    }
}
