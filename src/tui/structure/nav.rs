//! The tree as the pane draws it: which nodes are unfolded, the selected row and the top
//! row, and the moves between rows (next and previous in drawing order, pages, first and
//! last, folding, scrolling the selection into view).
//!
//! Rows are never listed as a whole: the selection and the top row are nodes, and the rows
//! on screen are found by walking from the top node ([`Outline::next`], [`Outline::prev`]
//! over the lazy [`Tree`]), so an unfolded array of a million records parses only the
//! elements on screen.

use std::collections::HashSet;

use crate::core::document::Snapshot;
use crate::core::ksy::{ChildCount, NodeId, NodeKind, Tree};

/// A tree with what is unfolded, the selection and the first row on screen.
pub(super) struct Outline {
    pub(super) tree: Tree<Snapshot>,
    expanded: HashSet<NodeId>,
    pub(super) sel: Option<NodeId>,
    pub(super) top: Option<NodeId>,
}

impl Outline {
    /// `tree` folded but for the root level, nothing selected.
    pub(super) fn new(tree: Tree<Snapshot>) -> Self {
        Self {
            tree,
            expanded: HashSet::new(),
            sel: None,
            top: None,
        }
    }

    /// Swaps in `tree` (built over a newer snapshot), finding the selection, the top row
    /// and the unfolded nodes again by their paths ([`Tree::path`], [`Tree::lookup`]).
    pub(super) fn rebuild(&mut self, tree: Tree<Snapshot>) {
        let path_of = |t: &Tree<Snapshot>, id: Option<NodeId>| id.map(|i| t.path(i));
        let sel = path_of(&self.tree, self.sel);
        let top = path_of(&self.tree, self.top);
        let open: Vec<String> = self.expanded.iter().map(|&i| self.tree.path(i)).collect();
        self.tree = tree;
        let root = self.tree.root();
        let mut find = |p: Option<String>| {
            p.and_then(|p| self.tree.lookup(&p).ok())
                .filter(|&i| i != root)
        };
        self.sel = find(sel);
        self.top = find(top);
        self.expanded = open.into_iter().filter_map(|p| find(Some(p))).collect();
    }

    /// The root is always open; other nodes when unfolded.
    pub(super) fn is_open(&self, id: NodeId) -> bool {
        id == self.tree.root() || self.expanded.contains(&id)
    }

    fn foldable(&mut self, id: NodeId) -> bool {
        matches!(self.tree.info(id).kind, NodeKind::Struct | NodeKind::Array)
    }

    /// The index of `id` among its parent's children.
    fn index(&mut self, id: NodeId) -> Option<u64> {
        let p = self.tree.parent(id)?;
        if let Some(i) = self
            .tree
            .info(id)
            .name
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .and_then(|s| s.parse().ok())
        {
            return Some(i);
        }
        let n = match self.tree.child_count(p) {
            ChildCount::Known(n) | ChildCount::AtLeast(n) => n,
        };
        let kids = self.tree.children(p, 0..n);
        kids.iter().position(|&k| k == id).map(|i| i as u64)
    }

    fn sibling(&mut self, id: NodeId, forward: bool) -> Option<NodeId> {
        let p = self.tree.parent(id)?;
        let i = self.index(id)?;
        let j = if forward {
            i.checked_add(1)?
        } else {
            i.checked_sub(1)?
        };
        self.tree.child(p, j)
    }

    fn last_child(&mut self, id: NodeId) -> Option<NodeId> {
        let n = match self.tree.child_count(id) {
            ChildCount::Known(n) => n,
            ChildCount::AtLeast(_) => self.tree.len(id),
        };
        self.tree.child(id, n.checked_sub(1)?)
    }

    /// The row after `id` in drawing order.
    pub(super) fn next(&mut self, id: NodeId) -> Option<NodeId> {
        if self.is_open(id)
            && let Some(c) = self.tree.child(id, 0)
        {
            return Some(c);
        }
        let root = self.tree.root();
        let mut cur = id;
        while cur != root {
            if let Some(s) = self.sibling(cur, true) {
                return Some(s);
            }
            cur = self.tree.parent(cur)?;
        }
        None
    }

    /// The row before `id` in drawing order.
    fn prev(&mut self, id: NodeId) -> Option<NodeId> {
        let root = self.tree.root();
        if id == root {
            return None;
        }
        if let Some(mut s) = self.sibling(id, false) {
            while self.is_open(s) {
                match self.last_child(s) {
                    Some(l) => s = l,
                    None => break,
                }
            }
            return Some(s);
        }
        self.tree.parent(id).filter(|&p| p != root)
    }

    /// The root's first field.
    pub(super) fn first_row(&mut self) -> Option<NodeId> {
        let root = self.tree.root();
        self.tree.child(root, 0)
    }

    /// Puts the top row where the selection is on screen among `height` rows.
    pub(super) fn scroll_to_sel(&mut self, height: usize) {
        let Some(sel) = self.sel else { return };
        let height = height.max(1);
        let Some(top) = self.top.or_else(|| self.first_row()) else {
            return;
        };
        // At or below the top, within twice the screen: scroll down just enough.
        let mut cur = Some(top);
        let mut down = Vec::with_capacity(2 * height);
        while let Some(c) = cur {
            down.push(c);
            if c == sel || down.len() >= 2 * height {
                break;
            }
            cur = self.next(c);
        }
        if down.last() == Some(&sel) {
            let pos = down.len() - 1;
            self.top = Some(if pos >= height {
                down[pos + 1 - height]
            } else {
                top
            });
            return;
        }
        // Just above the top: it becomes the top.
        let mut cur = top;
        for _ in 0..height {
            match self.prev(cur) {
                Some(p) if p == sel => {
                    self.top = Some(sel);
                    return;
                }
                Some(p) => cur = p,
                None => break,
            }
        }
        // Far away: a third of the screen above it.
        let mut t = sel;
        for _ in 0..height / 3 {
            match self.prev(t) {
                Some(p) => t = p,
                None => break,
            }
        }
        self.top = Some(t);
    }

    /// Moves the selection `n` rows (negative: up), stopping at either end.
    pub(super) fn move_by(&mut self, n: i64, height: usize) {
        let Some(mut cur) = self.sel.or_else(|| self.first_row()) else {
            return;
        };
        for _ in 0..n.unsigned_abs() {
            let step = if n > 0 {
                self.next(cur)
            } else {
                self.prev(cur)
            };
            match step {
                Some(s) => cur = s,
                None => break,
            }
        }
        self.sel = Some(cur);
        self.scroll_to_sel(height);
    }

    /// Selects the first row.
    pub(super) fn first(&mut self, height: usize) {
        self.sel = self.first_row();
        self.top = self.sel;
        self.scroll_to_sel(height);
    }

    /// Selects the last row (an unfolded array of fixed-size records is indexed, not read).
    pub(super) fn last(&mut self, height: usize) {
        let root = self.tree.root();
        let mut s = self.last_child(root);
        while let Some(c) = s.filter(|&c| self.is_open(c)) {
            match self.last_child(c) {
                Some(l) => s = Some(l),
                None => break,
            }
        }
        if s.is_some() {
            self.sel = s;
        }
        self.scroll_to_sel(height);
    }

    /// Unfolds the selected node; on an unfolded one, selects its first child. False on a
    /// scalar.
    pub(super) fn unfold(&mut self, height: usize) -> bool {
        let Some(sel) = self.sel.or_else(|| self.first_row()) else {
            return false;
        };
        self.sel = Some(sel);
        if !self.foldable(sel) {
            return false;
        }
        if self.expanded.insert(sel) {
            self.scroll_to_sel(height);
        } else {
            self.move_by(1, height);
        }
        true
    }

    /// Folds the selected node; on a folded one or a scalar, selects its parent.
    pub(super) fn fold(&mut self, height: usize) {
        let Some(sel) = self.sel else { return };
        if !self.expanded.remove(&sel) {
            let root = self.tree.root();
            if let Some(p) = self.tree.parent(sel).filter(|&p| p != root) {
                self.sel = Some(p);
            }
        }
        self.scroll_to_sel(height);
    }

    /// Selects the innermost field holding file offset `at`, unfolding the path to it.
    /// False when no field holds it.
    pub(super) fn select_at(&mut self, at: u64, height: usize) -> bool {
        let path = self.tree.find(at);
        let Some((&last, above)) = path.split_last() else {
            return false;
        };
        if last == self.tree.root() {
            return false;
        }
        self.expanded.extend(above.iter().skip(1));
        self.sel = Some(last);
        self.scroll_to_sel(height);
        true
    }

    /// Selects the node at `path` (after an edit), if it is still there.
    pub(super) fn select_path(&mut self, path: &str, height: usize) {
        if let Ok(id) = self.tree.lookup(path)
            && id != self.tree.root()
        {
            self.sel = Some(id);
            self.scroll_to_sel(height);
        }
    }
}
