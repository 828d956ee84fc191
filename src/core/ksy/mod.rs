//! Structure templates: an interpreter of a documented subset of Kaitai Struct's `.ksy`,
//! read at run time (no code generation), parsing lazily over any [`ByteSource`].
//!
//! The pieces, in the order data flows through them:
//!
//! - [`yaml`]: the template's YAML as a tree with line and column on every node;
//! - [`expr`]: Kaitai expressions, lexed and parsed;
//! - [`schema`]: the checked model of a template ([`Schema`]); anything outside the
//!   supported subset is rejected here with its line, column and name;
//! - [`tree`], `parse`, `array`, `read` and `instance`: the lazy parse ([`Tree`]): a node's children are parsed when first
//!   asked for, arrays of fixed-size records are indexed without reading them, and every
//!   parse is bounded in depth, repeat count and total work;
//! - [`eval`]: expressions evaluated against the tree; [`value`]: the values they give;
//! - [`encode`]: a new value typed by the user turned back into the field's bytes;
//! - [`library`]: the bundled templates and the template folders, and choosing a template
//!   for a file.
//!
//! [`ByteSource`]: crate::core::source::ByteSource

mod array;
pub mod encode;
pub mod eval;
pub mod expr;
mod instance;
pub mod library;
mod parse;
mod read;
mod reuse;
pub mod schema;
pub mod tree;
pub mod value;
pub mod yaml;

pub use library::{Library, Template};
pub use schema::Schema;
pub use tree::{ChildCount, Info, NodeId, NodeKind, ParseError, Tree};
pub use value::Value;

/// A line (1-based) and column (1-based) in a template's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
}

/// A template that cannot be used: bad YAML, an unknown type, an unsupported construct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}:{}: {msg}", file.as_deref().map(|f| format!("{f}:")).unwrap_or_default(), pos.line, pos.col)]
pub struct SchemaError {
    /// The template's name or path, when known.
    pub file: Option<String>,
    /// Where in the template.
    pub pos: Pos,
    /// What is wrong, naming the construct.
    pub msg: String,
}

impl SchemaError {
    /// An error at `pos`.
    pub fn new(pos: Pos, msg: impl Into<String>) -> Self {
        SchemaError {
            file: None,
            pos,
            msg: msg.into(),
        }
    }

    /// The same error, naming the template it is in (unless it names one already).
    #[must_use]
    pub fn in_file(mut self, file: &str) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_string());
        }
        self
    }
}

/// Bounds on what one template may make the parser do; nothing a template says can make it
/// run longer, recurse deeper or allocate more than these.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of types (user types inside user types).
    pub max_depth: usize,
    /// Most elements of one array.
    pub max_repeat: u64,
    /// Work units (fields parsed, expression nodes evaluated) per call into the tree.
    pub max_work: u64,
    /// Largest output of a `process: zlib`.
    pub max_inflate: usize,
    /// Largest byte string materialised for an expression.
    pub max_bytes_value: u64,
    /// Most nodes one tree may make (300 to 800 bytes each): what bounds its memory, since
    /// `max_work` bounds each call and not their sum.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 96,
            max_repeat: 1 << 32,
            max_work: 20_000_000,
            max_inflate: 64 << 20,
            max_bytes_value: 16 << 20,
            max_nodes: 2_000_000,
        }
    }
}
