//! The structure pane's state: a `.ksy` template's lazy parse tree over a view's document,
//! what is folded, the selected row and the first row on screen.
//!
//! Rows are never listed as a whole: the selection and the top row are nodes, and the rows
//! on screen are found by walking from the top node in the order the tree is drawn
//! ([`next`]/[`prev`] over the lazy [`Tree`]), so an unfolded array of a million records
//! parses only the elements on screen. The tree has no invalidation: when the document's
//! version changes (an edit, an undo, a reload) a new tree is built over a fresh snapshot
//! (cheap: nothing is parsed until asked for) and the selection, the top row and the unfolded
//! nodes are found again by their paths ([`Tree::path`], [`Tree::lookup`]).
//!
//! The App side (actions, commands, the refresh after every message) is in
//! `tui::structure_app`; the widget in `tui::ui::structure_pane`.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use crate::core::document::{Document, Snapshot};
use crate::core::ksy::value::{escape_str, hex_preview};
use crate::core::ksy::{
    ChildCount, Info, Library, NodeId, NodeKind, Schema, Template, Tree, Value,
};
use crate::core::source::ByteSource;
use crate::tui::view::ViewId;

/// Which template a view asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateSpec {
    /// Whichever template matches the file (`file-extension`, then the first field's magic).
    Detect,
    /// A bundled or installed template by name, or a `.ksy` file by path.
    Named(String),
}

/// What [`Effect::Template`](crate::tui::msg::Effect) asks the runtime to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateRequest {
    /// For which view.
    pub view: ViewId,
    /// Which template.
    pub spec: TemplateSpec,
    /// Looked for on open: say so quietly, do not open the pane, say nothing when none fits.
    pub auto: bool,
}

/// The templates folders of this user (`$XDG_CONFIG_HOME/maphex/templates`, else
/// `~/.config/maphex/templates`), read from the environment.
pub fn library() -> Library {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(Into::into)
    };
    Library::new(Library::default_dirs(var("XDG_CONFIG_HOME"), var("HOME")))
}

/// Loads the template `spec` names for `doc` (file I/O: the runtime calls this).
pub fn load(lib: &Library, doc: &Document, spec: &TemplateSpec) -> Result<Template, String> {
    match spec {
        TemplateSpec::Detect => {
            let name = doc
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            let head = doc.read(0..4096);
            lib.detect(name.as_deref(), &head).ok_or_else(|| {
                "no template matches this file; :template NAME or PATH chooses one (png, zip, elf, bmp, wav, gif are bundled)".to_string()
            })
        }
        TemplateSpec::Named(s) => {
            let path = std::path::Path::new(s);
            let looks_like_path = s.contains('/')
                || path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("ksy"));
            let r = if looks_like_path || (path.is_file() && lib.by_name(s).is_err()) {
                lib.load_path(path)
            } else {
                lib.by_name(s)
            };
            r.map_err(|e| format!("template {s}: {e}"))
        }
    }
}

/// How a row's node folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// A scalar: nothing to fold.
    Leaf,
    /// Children hidden.
    Folded,
    /// Children shown.
    Open,
}

/// One row of the pane, as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Nesting (0 for the root's fields).
    pub depth: usize,
    /// Field name (`[3]` for an element).
    pub name: String,
    /// File offset, when the node's bytes are the file's.
    pub offset: Option<u64>,
    /// Size in bytes.
    pub size: u64,
    /// Type name.
    pub type_name: String,
    /// The value as shown (escaped: no control character reaches the terminal).
    pub value: String,
    /// Folding.
    pub fold: Fold,
    /// The selected row.
    pub selected: bool,
    /// The node's parse stopped with an error (shown as its value).
    pub error: bool,
}

/// One view's template tree and where the user is in it.
pub struct Structure {
    /// The template's name.
    pub name: String,
    schema: Arc<Schema>,
    tree: Tree<Snapshot>,
    /// The document version the tree was built over.
    version: u64,
    expanded: HashSet<NodeId>,
    sel: Option<NodeId>,
    top: Option<NodeId>,
    /// The pane is shown.
    pub open: bool,
    /// The pane has the keyboard.
    pub focus: bool,
    /// The hex cursor the selection last followed (or was moved to).
    pub(crate) synced: Option<u64>,
    /// The rows on screen, as of the last refresh.
    pub rows: Vec<Row>,
    /// The selected field's bytes in the file (highlighted in the hex pane).
    pub field: Option<Range<u64>>,
    /// The selected node's path (`chunks[0].data.width`).
    pub path: String,
    /// The terminal was too narrow, and the user was told.
    pub(crate) narrow_said: bool,
}

impl Structure {
    /// A tree of `template` over `doc`, folded but for the root level, nothing parsed yet.
    pub fn new(template: &Template, doc: &Document) -> Self {
        Self {
            name: template.name.clone(),
            schema: Arc::clone(&template.schema),
            tree: Tree::new(Arc::clone(&template.schema), doc.snapshot()),
            version: doc.version(),
            expanded: HashSet::new(),
            sel: None,
            top: None,
            open: false,
            focus: false,
            synced: None,
            rows: Vec::new(),
            field: None,
            path: String::new(),
            narrow_said: false,
        }
    }

    /// The tree, for edits and tests.
    pub fn tree_mut(&mut self) -> &mut Tree<Snapshot> {
        &mut self.tree
    }

    /// How many nodes the tree has made (a measure of how much was parsed).
    pub fn node_count(&self) -> usize {
        self.tree.node_count()
    }

    /// The selected node.
    pub fn selected(&self) -> Option<NodeId> {
        self.sel
    }

    /// Builds the tree anew when `doc` changed since it was built, keeping the selection,
    /// the top row and the unfolded nodes by path. True when it did.
    pub fn rebuild_if_stale(&mut self, doc: &Document) -> bool {
        if doc.version() == self.version {
            return false;
        }
        let path_of = |t: &Tree<Snapshot>, id: Option<NodeId>| id.map(|i| t.path(i));
        let sel = path_of(&self.tree, self.sel);
        let top = path_of(&self.tree, self.top);
        let open: Vec<String> = self.expanded.iter().map(|&i| self.tree.path(i)).collect();
        self.tree = Tree::new(Arc::clone(&self.schema), doc.snapshot());
        self.version = doc.version();
        let root = self.tree.root();
        let mut find = |p: Option<String>| {
            p.and_then(|p| self.tree.lookup(&p).ok())
                .filter(|&i| i != root)
        };
        self.sel = find(sel);
        self.top = find(top);
        self.expanded = open.into_iter().filter_map(|p| find(Some(p))).collect();
        true
    }

    fn is_open(&self, id: NodeId) -> bool {
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
    fn next(&mut self, id: NodeId) -> Option<NodeId> {
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

    fn first_row(&mut self) -> Option<NodeId> {
        let root = self.tree.root();
        self.tree.child(root, 0)
    }

    /// Puts the top row where the selection is on screen among `height` rows.
    fn scroll_to_sel(&mut self, height: usize) {
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
    pub fn move_by(&mut self, n: i64, height: usize) {
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
    pub fn first(&mut self, height: usize) {
        self.sel = self.first_row();
        self.top = self.sel;
        self.scroll_to_sel(height);
    }

    /// Selects the last row (an unfolded array of fixed-size records is indexed, not read).
    pub fn last(&mut self, height: usize) {
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
    pub fn unfold(&mut self, height: usize) -> bool {
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
    pub fn fold(&mut self, height: usize) {
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
    pub fn select_at(&mut self, at: u64, height: usize) -> bool {
        let path = self.find(at);
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

    /// The path from the root to the innermost node holding file offset `at`. Unlike
    /// [`Tree::find`], an array not yet parsed to its end (its size unknown) is looked into
    /// element by element; an array of a known count is entered at the element the first
    /// one's size points to, and scanned only when that guess misses.
    fn find(&mut self, at: u64) -> Vec<NodeId> {
        let root = self.tree.root();
        let mut path = vec![root];
        let mut cur = root;
        for _ in 0..256 {
            let kind = self.tree.info(cur).kind;
            let next = match kind {
                NodeKind::Struct => {
                    let n = match self.tree.child_count(cur) {
                        ChildCount::Known(n) | ChildCount::AtLeast(n) => n,
                    };
                    let kids = self.tree.children(cur, 0..n);
                    let mut hit = None;
                    for c in kids {
                        let r = self.tree.file_range(c);
                        let array = self.tree.info(c).kind == NodeKind::Array;
                        if r.as_ref().is_some_and(|r| r.contains(&at))
                            || (array
                                && r.is_some_and(|r| r.start <= at)
                                && self.element_at(c, at).is_some())
                        {
                            hit = Some(c);
                            break;
                        }
                    }
                    hit
                }
                NodeKind::Array => self.element_at(cur, at),
                _ => None,
            };
            match next {
                Some(n) => {
                    path.push(n);
                    cur = n;
                }
                None => break,
            }
        }
        path
    }

    /// The element of array `id` whose bytes hold `at`.
    fn element_at(&mut self, id: NodeId, at: u64) -> Option<NodeId> {
        let first = self.tree.child(id, 0)?;
        let r0 = self.tree.file_range(first)?;
        if at < r0.start {
            return None;
        }
        let holds =
            |t: &Tree<Snapshot>, c: NodeId| t.file_range(c).is_some_and(|r| r.contains(&at));
        if let ChildCount::Known(n) = self.tree.child_count(id) {
            let size = (r0.end - r0.start).max(1);
            let i = (at - r0.start) / size;
            if i < n
                && let Some(c) = self.tree.child(id, i)
                && holds(&self.tree, c)
            {
                return Some(c);
            }
        }
        let mut i = 0;
        while let Some(c) = self.tree.child(id, i) {
            match self.tree.file_range(c) {
                Some(r) if r.contains(&at) => return Some(c),
                Some(r) if r.start > at => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// Selects the node at `path` (after an edit), if it is still there.
    pub fn select_path(&mut self, path: &str, height: usize) {
        if let Ok(id) = self.tree.lookup(path)
            && id != self.tree.root()
        {
            self.sel = Some(id);
            self.scroll_to_sel(height);
        }
    }

    /// The selected node's file offset and info.
    pub fn selected_info(&mut self) -> Option<(NodeId, Info)> {
        let id = self.sel?;
        Some((id, self.tree.info(id)))
    }

    /// Fills [`Structure::rows`], [`Structure::field`] and [`Structure::path`] for a pane of
    /// `height` rows: only the nodes on screen are parsed.
    pub fn refresh(&mut self, height: usize) {
        if self.sel.is_none() {
            self.sel = self.first_row();
        }
        if self.top.is_none() {
            self.top = self.first_row();
        }
        self.scroll_to_sel(height);
        let mut rows = Vec::with_capacity(height);
        let mut cur = self.top;
        while let Some(id) = cur {
            if rows.len() >= height {
                break;
            }
            rows.push(self.row(id));
            cur = self.next(id);
        }
        if rows.is_empty()
            && let Some(e) = self.tree.error(self.tree.root())
        {
            rows.push(Row {
                depth: 0,
                name: "(root)".into(),
                offset: Some(e.offset),
                size: 0,
                type_name: String::new(),
                value: escape_str(&e.to_string()),
                fold: Fold::Leaf,
                selected: false,
                error: true,
            });
        }
        self.rows = rows;
        self.field = self.sel.and_then(|s| self.tree.file_range(s));
        self.path = self.sel.map(|s| self.tree.path(s)).unwrap_or_default();
    }

    fn row(&mut self, id: NodeId) -> Row {
        let info = self.tree.info(id);
        let mut depth = 0;
        let mut up = self.tree.parent(id);
        let root = self.tree.root();
        while let Some(p) = up.filter(|&p| p != root) {
            depth += 1;
            up = self.tree.parent(p);
        }
        let fold = match info.kind {
            NodeKind::Struct | NodeKind::Array if self.is_open(id) => Fold::Open,
            NodeKind::Struct | NodeKind::Array => Fold::Folded,
            _ => Fold::Leaf,
        };
        let error = self.tree.error(id).map(ToString::to_string);
        let value = match (&error, info.kind) {
            (Some(e), NodeKind::Error | NodeKind::Scalar) => escape_str(e),
            (_, NodeKind::Array) => match self.tree.child_count(id) {
                ChildCount::Known(n) => format!("[{n}]"),
                ChildCount::AtLeast(0) => "[…]".to_string(),
                ChildCount::AtLeast(n) => format!("[{n}+]"),
            },
            (Some(e), NodeKind::Struct) => format!("stopped: {}", escape_str(e)),
            _ => info
                .value
                .as_ref()
                .map(|v| show(v, &info))
                .unwrap_or_default(),
        };
        Row {
            depth,
            name: escape_str(&info.name),
            offset: info.in_file.then_some(info.offset),
            size: info.size,
            type_name: escape_str(&info.type_name),
            value,
            fold,
            selected: Some(id) == self.sel,
            error: error.is_some(),
        }
    }
}

/// A value as the pane shows it: integers in decimal and hex, enum members by name, strings
/// escaped and quoted, byte runs shortened.
pub fn show(v: &Value, info: &Info) -> String {
    match v {
        Value::Int(i) => {
            let hex = if *i < 0 {
                format!("-{:#x}", i.unsigned_abs())
            } else {
                format!("{i:#x}")
            };
            format!("{i} ({hex})")
        }
        Value::Float(f) => format!("{f}"),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => {
            let cut: String = s.chars().take(64).collect();
            let more = info.truncated || cut.len() < s.len();
            format!("\"{}\"{}", escape_str(&cut), if more { "…" } else { "" })
        }
        Value::Bytes(b) if b.is_empty() => "(empty)".into(),
        Value::Bytes(b) => {
            let total = if info.truncated {
                info.size
            } else {
                b.len() as u64
            };
            hex_preview(b, total, 8)
        }
        Value::Enum { value, .. } => match &info.enum_name {
            Some(n) => format!("{} ({value})", escape_str(n)),
            None => format!("{value} (not in the enum)"),
        },
        Value::Node(_) => escape_str(&info.type_name),
        Value::List(l) => format!("[{} items]", l.len()),
        Value::Io(_) => "stream".into(),
        Value::Null => "null".into(),
    }
}

/// The text a new value is typed from: the value as `encode` reads it back.
pub fn editable(info: &Info) -> Option<String> {
    Some(match (&info.value, &info.enum_name) {
        (Some(Value::Enum { .. }), Some(n)) => n.clone(),
        (Some(Value::Enum { value, .. } | Value::Int(value)), _) => value.to_string(),
        (Some(Value::Float(f)), _) => f.to_string(),
        (Some(Value::Bool(b)), _) => u8::from(*b).to_string(),
        (Some(Value::Str(s)), _) if !info.truncated && escape_str(s) == *s => s.clone(),
        (Some(Value::Bytes(b)), _) if !info.truncated => b
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => return None,
    })
}

/// Every view's structure (a view without a template has none).
#[derive(Default)]
pub struct Structures {
    by_view: HashMap<ViewId, Structure>,
}

impl Structures {
    /// The structure of `view`.
    pub fn get(&self, view: ViewId) -> Option<&Structure> {
        self.by_view.get(&view)
    }

    /// The structure of `view`, to change it.
    pub fn get_mut(&mut self, view: ViewId) -> Option<&mut Structure> {
        self.by_view.get_mut(&view)
    }

    /// Sets (or replaces) the structure of `view`.
    pub fn set(&mut self, view: ViewId, s: Structure) {
        self.by_view.insert(view, s);
    }

    /// Drops the structure of `view`.
    pub fn remove(&mut self, view: ViewId) -> Option<Structure> {
        self.by_view.remove(&view)
    }
}
