//! Values of fields and expressions, string encodings, and how values are shown.

use super::SchemaError;
use super::schema::EnumId;
use super::tree::NodeId;
use super::yaml::Y;

/// A value: a field's, an instance's, or an expression's.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Any integer (u64 and i64 both fit).
    Int(i128),
    /// A float.
    Float(f64),
    /// A boolean (also `b1` fields).
    Bool(bool),
    /// A decoded string.
    Str(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// An enum member (named or not).
    Enum {
        /// The number.
        value: i128,
        /// The enum.
        id: EnumId,
    },
    /// A parsed user type or array in the tree.
    Node(NodeId),
    /// An array computed by an expression.
    List(Vec<Value>),
    /// A stream (`_io`, `x._io`), by index.
    Io(usize),
    /// A field that is absent (its `if` was false).
    Null,
}

impl Value {
    /// The integer, for ints, enums and booleans.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(v) | Value::Enum { value: v, .. } => Some(*v),
            Value::Bool(b) => Some(i128::from(*b)),
            _ => None,
        }
    }

    /// The name of the value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::Str(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::Enum { .. } => "enum",
            Value::Node(_) => "object",
            Value::List(_) => "array",
            Value::Io(_) => "stream",
            Value::Null => "nothing",
        }
    }
}

/// The encodings strings can be in.
pub const ENCODINGS: &[&str] = &[
    "ASCII",
    "UTF-8",
    "UTF-16LE",
    "UTF-16BE",
    "ISO-8859-1",
    "WINDOWS-1252",
];

/// The canonical name of an encoding, or `None` when it is not supported.
pub fn canonical_encoding(name: &str) -> Option<&'static str> {
    let n = name.trim().to_ascii_uppercase().replace('_', "-");
    Some(match n.as_str() {
        "ASCII" | "US-ASCII" => "ASCII",
        "UTF-8" | "UTF8" => "UTF-8",
        "UTF-16LE" | "UTF16LE" => "UTF-16LE",
        "UTF-16BE" | "UTF16BE" => "UTF-16BE",
        "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "LATIN-1" => "ISO-8859-1",
        "WINDOWS-1252" | "CP1252" => "WINDOWS-1252",
        _ => return None,
    })
}

/// Checks an `encoding:` value.
pub(crate) fn check_encoding(y: &Y) -> Result<String, SchemaError> {
    let s = y.str().unwrap_or("");
    canonical_encoding(s).map(str::to_string).ok_or_else(|| {
        SchemaError::new(
            y.pos,
            format!(
                "unsupported construct: encoding `{s}` (supported: {})",
                ENCODINGS.join(", ")
            ),
        )
    })
}

/// Windows-1252's 0x80..0x9f (0 where undefined, shown as the replacement character).
const CP1252: [u16; 32] = [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
    0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/// Decodes bytes; invalid sequences become U+FFFD.
pub fn decode(bytes: &[u8], encoding: &str) -> String {
    match canonical_encoding(encoding).unwrap_or("UTF-8") {
        "UTF-16LE" | "UTF-16BE" => {
            let le = encoding.to_ascii_uppercase().ends_with("LE");
            let units = bytes.chunks(2).map(|c| {
                let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .collect()
        }
        "ISO-8859-1" => bytes.iter().map(|&b| char::from(b)).collect(),
        "WINDOWS-1252" => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => char::from_u32(u32::from(CP1252[usize::from(b - 0x80)]))
                    .filter(|_| CP1252[usize::from(b - 0x80)] != 0)
                    .unwrap_or('\u{fffd}'),
                _ => char::from(b),
            })
            .collect(),
        "ASCII" => bytes
            .iter()
            .map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' })
            .collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Encodes a string, or `None` when a character has no representation.
pub fn encode_str(s: &str, encoding: &str) -> Option<Vec<u8>> {
    match canonical_encoding(encoding).unwrap_or("UTF-8") {
        "UTF-16LE" => Some(s.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        "UTF-16BE" => Some(s.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        "ISO-8859-1" => s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
        "WINDOWS-1252" => s
            .chars()
            .map(|c| {
                let u = u32::from(c);
                if let Some(i) = CP1252.iter().position(|&x| u32::from(x) == u && x != 0) {
                    return u8::try_from(0x80 + i).ok();
                }
                u8::try_from(u).ok().filter(|b| !(0x80..=0x9f).contains(b))
            })
            .collect(),
        "ASCII" => s
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok().filter(|b| *b < 0x80))
            .collect(),
        _ => Some(s.as_bytes().to_vec()),
    }
}

/// A string safe to print on a terminal, as the structure pane and `maphex parse` show it:
/// `\\`, `\"`, `\n`, `\t` and `\r` as in Rust; every other character that may not be drawn as
/// itself ([`is_safe_to_draw`]: controls, zero-width and format characters, bidi controls,
/// combining marks, private use, unassigned or too new) written `\u{…}`.
///
/// [`is_safe_to_draw`]: crate::core::text::is_safe_to_draw
pub fn escape_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if crate::core::text::is_safe_to_draw(c) => out.push(c),
            c => out.extend(c.escape_unicode()),
        }
    }
    out
}

/// Bytes as spaced hex, the first `max` of them, with `…` when there are more.
pub fn hex_preview(bytes: &[u8], total: u64, max: usize) -> String {
    let mut s: Vec<String> = bytes.iter().take(max).map(|b| format!("{b:02x}")).collect();
    if total > s.len() as u64 {
        s.push(format!("… ({total} bytes)"));
    }
    s.join(" ")
}
