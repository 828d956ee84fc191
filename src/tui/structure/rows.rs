//! One row of the pane as text (name, offset, size, type, value), values as the pane shows
//! them ([`show`]) and as a new value is typed from ([`editable`]).

use crate::core::document::Snapshot;
use crate::core::ksy::value::{escape_str, hex_preview};
use crate::core::ksy::{ChildCount, Info, NodeId, NodeKind, ParseError, Tree, Value};

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

/// The row of node `id`; `open` when it is unfolded.
pub(super) fn row(tree: &mut Tree<Snapshot>, id: NodeId, open: bool, selected: bool) -> Row {
    let info = tree.info(id);
    let mut depth = 0;
    let mut up = tree.parent(id);
    let root = tree.root();
    while let Some(p) = up.filter(|&p| p != root) {
        depth += 1;
        up = tree.parent(p);
    }
    let fold = match info.kind {
        NodeKind::Struct | NodeKind::Array if open => Fold::Open,
        NodeKind::Struct | NodeKind::Array => Fold::Folded,
        _ => Fold::Leaf,
    };
    let error = tree.error(id).map(ToString::to_string);
    let value = match (&error, info.kind) {
        (Some(e), NodeKind::Error | NodeKind::Scalar) => escape_str(e),
        (_, NodeKind::Array) => match tree.child_count(id) {
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
        selected,
        error: error.is_some(),
    }
}

/// The one row shown when the root itself failed (nothing parsed).
pub(super) fn root_error(e: &ParseError) -> Row {
    Row {
        depth: 0,
        name: "(root)".into(),
        offset: Some(e.offset),
        size: 0,
        type_name: String::new(),
        value: escape_str(&e.to_string()),
        fold: Fold::Leaf,
        selected: false,
        error: true,
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
