//! One row of the pane as text (name, offset, size, type, value), values as the pane shows
//! them ([`show`]) and as a new value is typed from ([`editable`]).
//!
//! Everything here that came from the file or the template goes through [`escape`]: the
//! pane draws only characters that are safe in any terminal, each as wide as
//! `unicode-width` says, so the widget can lay out columns by those widths.

use std::fmt::Write as _;

use crate::core::document::Snapshot;
use crate::core::ksy::tree::{Encoding, PREVIEW_BYTES};
use crate::core::ksy::value::{canonical_encoding, escape_str, hex_preview};
use crate::core::ksy::{ChildCount, Info, NodeId, NodeKind, ParseError, Tree, Value};
use crate::core::source::ByteSource;

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
    /// The size is only what is parsed so far (an array not parsed to its end).
    pub partial: bool,
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

/// How much of a long string or byte run is shown: a row's value is cut short, the detail
/// of the selected field (the pane's footer) shows as much as it can hold.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cut {
    /// Characters of a string (an invalid byte counts one).
    chars: usize,
    /// Bytes of a byte run, in hex.
    bytes: usize,
}

/// A row's value.
pub(super) const ROW: Cut = Cut {
    chars: 64,
    bytes: 8,
};
/// The selected field's value in the footer.
pub(super) const DETAIL: Cut = Cut {
    chars: 1024,
    bytes: 256,
};

/// The row of node `id`; `open` when it is unfolded; its value cut as `cut` says.
pub(super) fn row(
    tree: &mut Tree<Snapshot>,
    id: NodeId,
    open: bool,
    selected: bool,
    cut: Cut,
) -> Row {
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
    let count = (info.kind == NodeKind::Array).then(|| tree.child_count(id));
    let value = match (&error, info.kind) {
        (Some(e), NodeKind::Error | NodeKind::Scalar) => escape(e),
        (_, NodeKind::Array) => match count {
            Some(ChildCount::Known(n)) => format!("[{n}]"),
            Some(ChildCount::AtLeast(0)) | None => "[…]".to_string(),
            Some(ChildCount::AtLeast(n)) => format!("[{n}+]"),
        },
        (Some(e), NodeKind::Struct) => format!("stopped: {}", escape(e)),
        _ => match (&info.value, raw_string(tree, id, &info)) {
            (Some(Value::Str(_)), Some((raw, ascii))) => {
                let (text, more) = escape_raw(&raw, ascii, cut.chars);
                quoted(&text, more || info.truncated)
            }
            (Some(v), _) => show_cut(v, &info, cut),
            (None, _) => String::new(),
        },
    };
    Row {
        depth,
        name: escape(&info.name),
        offset: info.in_file.then_some(info.offset),
        size: info.size,
        partial: matches!(count, Some(ChildCount::AtLeast(_))),
        type_name: escape(&info.type_name),
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
        partial: false,
        type_name: String::new(),
        value: escape(&e.to_string()),
        fold: Fold::Leaf,
        selected: false,
        error: true,
    }
}

/// The bytes of a UTF-8 or ASCII string in the file, when decoding it replaced some (so
/// each invalid byte can be shown as itself, `\xc0`, not as one `U+FFFD` for several), and
/// whether it is ASCII.
fn raw_string(tree: &Tree<Snapshot>, id: NodeId, info: &Info) -> Option<(Vec<u8>, bool)> {
    let Some(Value::Str(s)) = &info.value else {
        return None;
    };
    if !s.contains('\u{fffd}') {
        return None;
    }
    let Some(Encoding::Str { encoding, len }) = tree.encoding(id) else {
        return None;
    };
    let ascii = match canonical_encoding(encoding) {
        Some("ASCII") => true,
        Some("UTF-8") | None => false,
        Some(_) => return None,
    };
    let start = tree.file_range(id)?.start;
    let end = start.saturating_add((*len).min(PREVIEW_BYTES));
    Some((tree.source().read(start..end).into_owned(), ascii))
}

/// A string's bytes as drawn, at most `max` characters: valid characters as [`escape`]
/// writes them, each byte that is not part of one (a byte above 0x7f in ASCII) as `\xNN`.
/// True when there was more.
fn escape_raw(bytes: &[u8], ascii: bool, max: usize) -> (String, bool) {
    let mut out = String::new();
    let mut n = 0;
    let byte = |out: &mut String, b: u8| {
        let _ = write!(out, "\\x{b:02x}");
    };
    if ascii {
        for &b in bytes {
            if n == max {
                return (out, true);
            }
            if b.is_ascii() {
                out.push_str(&escape(&char::from(b).to_string()));
            } else {
                byte(&mut out, b);
            }
            n += 1;
        }
        return (out, false);
    }
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if n == max {
                return (out, true);
            }
            out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
            n += 1;
        }
        for &b in chunk.invalid() {
            if n == max {
                return (out, true);
            }
            byte(&mut out, b);
            n += 1;
        }
    }
    (out, false)
}

/// An escaped string in quotes, `…` after it when it goes on.
fn quoted(escaped: &str, more: bool) -> String {
    format!("\"{escaped}\"{}", if more { "…" } else { "" })
}

/// `s` as the pane draws it. Backslash, quote, newline, tab and carriage return are escaped
/// as in Rust; every other character that may not be drawn as itself (see
/// [`is_safe_to_draw`](crate::core::text::is_safe_to_draw): controls, zero-width and format characters, bidi controls,
/// combining marks, private use, unassigned or too new) is written `\u{…}`. What is left is
/// printable, one or two columns wide by `unicode-width`, and as wide in any terminal, so
/// nothing from the file can move the cursor, recolour the screen, join a neighbour or
/// shift the columns after it.
pub fn escape(s: &str) -> String {
    escape_str(s)
}

/// A value as the pane shows it: integers in decimal and hex, enum members by name, strings
/// escaped and quoted, byte runs shortened.
pub fn show(v: &Value, info: &Info) -> String {
    show_cut(v, info, ROW)
}

fn show_cut(v: &Value, info: &Info, cut: Cut) -> String {
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
            let shown: String = s.chars().take(cut.chars).collect();
            let more = info.truncated || shown.len() < s.len();
            quoted(&escape(&shown), more)
        }
        Value::Bytes(b) if b.is_empty() => "(empty)".into(),
        Value::Bytes(b) => {
            let total = if info.truncated {
                info.size
            } else {
                b.len() as u64
            };
            hex_preview(b, total, cut.bytes)
        }
        Value::Enum { value, .. } => match &info.enum_name {
            Some(n) => format!("{} ({value})", escape(n)),
            None => format!("{value} (not in the enum)"),
        },
        Value::Node(_) => escape(&info.type_name),
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

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    /// Every character left is safe, and the string is as wide as its characters.
    fn drawable(s: &str) -> bool {
        s.chars().all(crate::core::text::is_safe_to_draw)
            && s.width()
                == s.chars()
                    .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                    .sum::<usize>()
    }

    #[test]
    fn escape_leaves_only_safe_characters() {
        for (raw, shown) in [
            ("a\x1b[31mred", "a\\u{1b}[31mred"),
            ("cr\rlf\ntab\t", "cr\\rlf\\ntab\\t"),
            ("q\"b\\", "q\\\"b\\\\"),
            ("e\u{301}", "e\\u{301}"),
            ("\u{301}start", "\\u{301}start"),
            ("中文", "中文"),
            ("rtl\u{202e}x\u{2066}", "rtl\\u{202e}x\\u{2066}"),
            ("zw\u{200b}j\u{200d}", "zw\\u{200b}j\\u{200d}"),
            ("bom\u{feff}shy\u{ad}", "bom\\u{feff}shy\\u{ad}"),
            ("ls\u{2028}ps\u{2029}", "ls\\u{2028}ps\\u{2029}"),
            ("pua\u{e000}", "pua\\u{e000}"),
            ("c1\u{85}\u{9b}", "c1\\u{85}\\u{9b}"),
            ("nul\0del\x7f", "nul\\u{0}del\\u{7f}"),
            ("vs\u{fe0f}", "vs\\u{fe0f}"),
            ("\u{fffd}", "\u{fffd}"),
        ] {
            let e = escape(raw);
            assert_eq!(e, shown, "{raw:?}");
            assert!(drawable(&e), "{e:?}");
        }
    }

    #[test]
    fn invalid_utf8_shows_each_byte() {
        let (s, more) = escape_raw(b"ok\xc0\x80\xe4\xb8\xad\xf0\x9f\x98!\x1b", false, 100);
        assert_eq!(s, "ok\\xc0\\x80中\\xf0\\x9f\\x98!\\u{1b}");
        assert!(!more && drawable(&s));
        let (s, more) = escape_raw(b"ab\xffcd", false, 3);
        assert_eq!((s.as_str(), more), ("ab\\xff", true));
        let (s, _) = escape_raw(b"a\xe4\xb8\xad", true, 10);
        assert_eq!(s, "a\\xe4\\xb8\\xad", "ASCII: every high byte alone");
    }
}
