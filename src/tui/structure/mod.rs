//! The structure pane's state: a `.ksy` template's lazy parse tree over a view's document,
//! what is folded, the selected row and the first row on screen.
//!
//! Rows are never listed as a whole: the selection and the top row are nodes, and the rows
//! on screen are found by walking from the top node in the order the tree is drawn (`nav`,
//! over the lazy [`Tree`]), so an unfolded array of a million records parses only the
//! elements on screen. When the document's version changes (an edit, an undo, a reload) a new
//! tree is made over a fresh snapshot with [`Tree::reparse`], which keeps the array offsets
//! the changes cannot have touched ([`Document::changed_since`] says where they start), and
//! the selection, the top row and the unfolded nodes are found again by their paths
//! ([`Tree::path`], [`Tree::lookup`]).
//!
//! Here: which template (`load`), the [`Structure`] of a view and its refresh. In `nav`, the
//! tree as drawn (unfolded nodes, selection, top row) and the moves (from a file offset to
//! the innermost field is [`Tree::find`]); in `rows`, a row's text and how values are shown. The App
//! side (actions, commands, the refresh after every message) is in `tui::structure_app`; the
//! widget in `tui::ui::structure_pane`.

mod nav;
mod rows;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::core::document::{Document, Since, Snapshot};
use crate::core::ksy::{Info, Library, NodeId, Schema, Template, Tree};
use crate::core::source::ByteSource;
use crate::tui::view::ViewId;

use nav::Outline;
pub use rows::{Fold, Row, editable, escape, show};

/// How the pane's `height` rows are shared: the title, then the tree, then the footer that
/// shows the selected field in full (its type, offset and size, then its value and path
/// wrapped). Returns (tree rows, footer rows). The footer gives way first on a short pane.
pub fn pane_rows(height: usize) -> (usize, usize) {
    let footer = match height {
        0..=2 => 0,
        3..=7 => 1,
        8..=13 => 2,
        14..=23 => 3,
        _ => 4,
    };
    (height.saturating_sub(1 + footer), footer)
}

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

/// One view's template tree and where the user is in it.
pub struct Structure {
    /// The template's name.
    pub name: String,
    schema: Arc<Schema>,
    /// The tree, what is unfolded, the selection and the top row.
    nav: Outline,
    /// The document version the tree was built over.
    version: u64,
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
    /// The selected node's path (`chunks[0].data.width`), escaped.
    pub path: String,
    /// The selected node's row with its value as long as the footer can show.
    pub detail: Option<Row>,
    /// The terminal was too narrow, and the user was told.
    pub(crate) narrow_said: bool,
}

impl Structure {
    /// A tree of `template` over `doc`, folded but for the root level, nothing parsed yet.
    pub fn new(template: &Template, doc: &Document) -> Self {
        Self {
            name: escape(&template.name),
            schema: Arc::clone(&template.schema),
            nav: Outline::new(Tree::new(Arc::clone(&template.schema), doc.snapshot())),
            version: doc.version(),
            open: false,
            focus: false,
            synced: None,
            rows: Vec::new(),
            field: None,
            path: String::new(),
            detail: None,
            narrow_said: false,
        }
    }

    /// The tree, for edits and tests.
    pub fn tree_mut(&mut self) -> &mut Tree<Snapshot> {
        &mut self.nav.tree
    }

    /// How many nodes the tree has made (a measure of how much was parsed).
    pub fn node_count(&self) -> usize {
        self.nav.tree.node_count()
    }

    /// The selected node.
    pub fn selected(&self) -> Option<NodeId> {
        self.nav.sel
    }

    /// Builds the tree anew when `doc` changed since it was built, keeping the selection,
    /// the top row and the unfolded nodes by path. True when it did.
    pub fn rebuild_if_stale(&mut self, doc: &Document) -> bool {
        // What the edits cannot have changed is kept (`Tree::reparse`): a record deep in a
        // long array is found again at once instead of by parsing all before it.
        let tree = match doc.changed_since(self.version) {
            Since::Same => return false,
            Since::Changed { at, resized } => self.nav.tree.reparse(doc.snapshot(), at, resized),
            Since::Unknown => Tree::new(Arc::clone(&self.schema), doc.snapshot()),
        };
        self.nav.rebuild(tree);
        self.version = doc.version();
        true
    }

    /// Moves the selection `n` rows (negative: up), stopping at either end; `height` is the
    /// rows on screen (the selection is scrolled into them).
    pub fn move_by(&mut self, n: i64, height: usize) {
        self.nav.move_by(n, height);
    }

    /// Selects the first row.
    pub fn first(&mut self, height: usize) {
        self.nav.first(height);
    }

    /// Selects the last row (an unfolded array of fixed-size records is indexed, not read).
    pub fn last(&mut self, height: usize) {
        self.nav.last(height);
    }

    /// Unfolds the selected node; on an unfolded one, selects its first child. False on a
    /// scalar.
    pub fn unfold(&mut self, height: usize) -> bool {
        self.nav.unfold(height)
    }

    /// Folds the selected node; on a folded one or a scalar, selects its parent.
    pub fn fold(&mut self, height: usize) {
        self.nav.fold(height);
    }

    /// Selects the innermost field holding file offset `at`, unfolding the path to it.
    /// False when no field holds it.
    pub fn select_at(&mut self, at: u64, height: usize) -> bool {
        self.nav.select_at(at, height)
    }

    /// Selects the node at `path` (after an edit), if it is still there.
    pub fn select_path(&mut self, path: &str, height: usize) {
        self.nav.select_path(path, height);
    }

    /// The selected node's file offset and info.
    pub fn selected_info(&mut self) -> Option<(NodeId, Info)> {
        let id = self.nav.sel?;
        Some((id, self.nav.tree.info(id)))
    }

    /// Fills [`Structure::rows`], [`Structure::field`] and [`Structure::path`] for a pane of
    /// `height` rows: only the nodes on screen are parsed.
    pub fn refresh(&mut self, height: usize) {
        let nav = &mut self.nav;
        if nav.sel.is_none() {
            nav.sel = nav.first_row();
        }
        if nav.top.is_none() {
            nav.top = nav.first_row();
        }
        nav.scroll_to_sel(height);
        let mut rows = Vec::with_capacity(height);
        let mut cur = nav.top;
        while let Some(id) = cur {
            if rows.len() >= height {
                break;
            }
            let (open, selected) = (nav.is_open(id), Some(id) == nav.sel);
            rows.push(rows::row(&mut nav.tree, id, open, selected, rows::ROW));
            cur = nav.next(id);
        }
        if rows.is_empty()
            && let Some(e) = nav.tree.error(nav.tree.root())
        {
            rows.push(rows::root_error(e));
        }
        self.rows = rows;
        self.field = nav.sel.and_then(|s| nav.tree.file_range(s));
        self.path = nav
            .sel
            .map(|s| escape(&nav.tree.path(s)))
            .unwrap_or_default();
        self.detail = nav.sel.map(|s| {
            let open = nav.is_open(s);
            rows::row(&mut nav.tree, s, open, true, rows::DETAIL)
        });
    }
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
