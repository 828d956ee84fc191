//! One field or instance of a type: its type, size, repetition, condition, checks.

use super::{Schema, TypeId, err, expr_of, is_doc_key, parse_int, str_of};
use crate::core::ksy::expr::Expr;
use crate::core::ksy::yaml::{Y, YKind};
use crate::core::ksy::{Pos, SchemaError};

/// A built-in type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    /// `u1`..`u8`, `s1`..`s8`; `le` is `None` when the type's endianness applies.
    Int {
        /// Width in bytes.
        width: u8,
        /// `s` types.
        signed: bool,
        /// Explicit `le`/`be` suffix.
        le: Option<bool>,
    },
    /// `f4`, `f8`.
    Float {
        /// Width in bytes.
        width: u8,
        /// Explicit suffix.
        le: Option<bool>,
    },
    /// `b1`..`b64` (`b1` reads as a boolean); an explicit bit order suffix.
    Bits {
        /// Width in bits.
        bits: u8,
        /// `le` suffix.
        le: Option<bool>,
    },
}

/// What a field reads.
#[derive(Debug, Clone)]
pub enum AttrType {
    /// Raw bytes (no `type`).
    Bytes,
    /// A built-in number.
    Prim(Prim),
    /// `str` (`z` false) or `strz`.
    Str {
        /// Terminated by a zero byte.
        z: bool,
    },
    /// A user type with arguments.
    User(TypeId, Vec<Expr>),
    /// `switch-on` and `cases` (`None` key is `_`).
    Switch(Expr, Vec<(Option<Expr>, AttrType)>),
}

/// How a field repeats.
#[derive(Debug, Clone)]
pub enum Repeat {
    /// Once.
    None,
    /// `repeat: expr`.
    Expr(Expr),
    /// `repeat: eos`.
    Eos,
    /// `repeat: until`.
    Until(Expr),
}

/// `process:` on bytes before they are parsed.
#[derive(Debug, Clone)]
pub enum Process {
    /// zlib inflate.
    Zlib,
    /// xor with a key (a byte or a byte string).
    Xor(Expr),
    /// Rotate each byte left.
    Rol(Expr),
    /// Rotate each byte right.
    Ror(Expr),
}

/// `valid:` checks.
#[derive(Debug, Clone, Default)]
pub struct Valid {
    /// Must equal.
    pub eq: Option<Expr>,
    /// Lower bound.
    pub min: Option<Expr>,
    /// Upper bound.
    pub max: Option<Expr>,
    /// One of.
    pub any_of: Vec<Expr>,
    /// A boolean expression of `_`.
    pub expr: Option<Expr>,
    /// The value must be a known enum member.
    pub in_enum: bool,
}

/// A field of `seq` or an instance.
#[derive(Debug, Clone)]
pub struct Attr {
    /// Its name (`_unnamed3` when it has no `id`).
    pub id: String,
    /// Where it is written.
    pub pos: Pos,
    /// What it reads.
    pub ty: AttrType,
    /// Repetition.
    pub repeat: Repeat,
    /// `if`.
    pub cond: Option<Expr>,
    /// `size`.
    pub size: Option<Expr>,
    /// `size-eos`.
    pub size_eos: bool,
    /// `terminator` (also 0 for `strz`).
    pub terminator: Option<u8>,
    /// `consume` (default true).
    pub consume: bool,
    /// `include` (default false).
    pub include: bool,
    /// `eos-error` (default true).
    pub eos_error: bool,
    /// `pad-right`.
    pub pad_right: Option<u8>,
    /// `contents`: the magic, checked.
    pub contents: Option<Vec<u8>>,
    /// `enum`: the path of the enum (looked up from the field's type).
    pub enum_path: Option<Vec<String>>,
    /// `encoding`.
    pub encoding: Option<String>,
    /// `process`.
    pub process: Option<Process>,
    /// `valid`.
    pub valid: Option<Valid>,
    /// Instances: `pos`.
    pub at: Option<Expr>,
    /// Instances: `io`.
    pub io: Option<Expr>,
    /// Instances: `value`.
    pub value: Option<Expr>,
}

const SEQ_KEYS: &[&str] = &[
    "id",
    "type",
    "size",
    "size-eos",
    "terminator",
    "consume",
    "include",
    "eos-error",
    "pad-right",
    "contents",
    "encoding",
    "enum",
    "repeat",
    "repeat-expr",
    "repeat-until",
    "if",
    "process",
    "valid",
];

fn bool_of(y: &Y, what: &str) -> Result<bool, SchemaError> {
    match str_of(y, what)? {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(err(y, format!("`{what}` must be true or false"))),
    }
}

fn byte_of(y: &Y, what: &str) -> Result<u8, SchemaError> {
    y.str()
        .and_then(parse_int)
        .and_then(|v| u8::try_from(v).ok())
        .ok_or_else(|| err(y, format!("`{what}` must be a byte value (0..255)")))
}

/// Parses a built-in type name: `u4`, `s2be`, `f8le`, `b3`, `b1le`.
pub(crate) fn prim(name: &str) -> Option<Prim> {
    let (body, le) = if let Some(b) = name.strip_suffix("le") {
        (b, Some(true))
    } else if let Some(b) = name.strip_suffix("be") {
        (b, Some(false))
    } else {
        (name, None)
    };
    let kind = body.chars().next()?;
    let n: u8 = body.get(1..)?.parse().ok()?;
    match kind {
        'u' | 's' if matches!(n, 1 | 2 | 4 | 8) => Some(Prim::Int {
            width: n,
            signed: kind == 's',
            le: if n == 1 { None } else { le },
        }),
        'f' if matches!(n, 4 | 8) => Some(Prim::Float { width: n, le }),
        'b' if (1..=64).contains(&n) => Some(Prim::Bits { bits: n, le }),
        _ => None,
    }
}

/// Resolves a type reference (`u4`, `str`, `name`, `a::b(arg, ...)`) from type `scope`.
pub(crate) fn type_ref(
    schema: &Schema,
    scope: TypeId,
    y: &Y,
    text: &str,
) -> Result<AttrType, SchemaError> {
    let text = text.trim();
    if let Some(p) = prim(text) {
        return Ok(AttrType::Prim(p));
    }
    match text {
        "str" => return Ok(AttrType::Str { z: false }),
        "strz" => return Ok(AttrType::Str { z: true }),
        "bytes" => return Ok(AttrType::Bytes),
        _ => {}
    }
    let (name, args) = match text.find('(') {
        Some(i) => {
            let inner = text[i + 1..]
                .strip_suffix(')')
                .ok_or_else(|| err(y, format!("type `{text}`: missing `)`")))?;
            let list = crate::core::ksy::expr::parse(&format!("[{inner}]"))
                .map_err(|e| err(y, format!("type `{text}`: bad argument: {}", e.msg)))?;
            let Expr::Array(args) = list else {
                return Err(err(y, format!("type `{text}`: bad arguments")));
            };
            (text[..i].trim(), args)
        }
        None => (text, Vec::new()),
    };
    let path: Vec<String> = name.split("::").map(str::to_string).collect();
    let t = schema
        .find_type(scope, &path)
        .ok_or_else(|| err(y, format!("unknown type `{name}`")))?;
    Ok(AttrType::User(t, args))
}

fn contents(y: &Y) -> Result<Vec<u8>, SchemaError> {
    let mut out = Vec::new();
    let mut add = |i: &Y| -> Result<(), SchemaError> {
        match (&i.kind, i.is_plain()) {
            (YKind::Scalar(s, _), true) if parse_int(s).is_some() => {
                out.push(byte_of(i, "contents")?);
            }
            (YKind::Scalar(s, _), _) => out.extend_from_slice(s.as_bytes()),
            _ => return Err(err(i, "`contents` items must be bytes or strings")),
        }
        Ok(())
    };
    match &y.kind {
        YKind::Seq(items) => {
            for i in items {
                add(i)?;
            }
        }
        YKind::Scalar(s, _) => out.extend_from_slice(s.as_bytes()),
        YKind::Map(_) => return Err(err(y, "`contents` must be a string or a list")),
    }
    Ok(out)
}

fn valid(y: &Y) -> Result<Valid, SchemaError> {
    let mut v = Valid::default();
    match &y.kind {
        YKind::Map(entries) => {
            for (k, val) in entries {
                match k.str().unwrap_or("") {
                    "eq" => v.eq = Some(expr_of(val)?),
                    "min" => v.min = Some(expr_of(val)?),
                    "max" => v.max = Some(expr_of(val)?),
                    "expr" => v.expr = Some(expr_of(val)?),
                    "in-enum" => v.in_enum = bool_of(val, "in-enum")?,
                    "any-of" => {
                        let YKind::Seq(items) = &val.kind else {
                            return Err(err(val, "`any-of` must be a list"));
                        };
                        v.any_of = items.iter().map(expr_of).collect::<Result<_, _>>()?;
                    }
                    key if is_doc_key(key) => {}
                    other => {
                        return Err(err(
                            k,
                            format!("unsupported construct: valid key `{other}`"),
                        ));
                    }
                }
            }
        }
        YKind::Scalar(..) => v.eq = Some(expr_of(y)?),
        YKind::Seq(_) => return Err(err(y, "`valid` must be a value or a mapping")),
    }
    Ok(v)
}

fn process(y: &Y) -> Result<Process, SchemaError> {
    let text = str_of(y, "process")?.trim();
    let arg = |name: &str| -> Result<Expr, SchemaError> {
        let inner = text[name.len()..]
            .trim()
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .ok_or_else(|| err(y, format!("`process: {name}(...)` needs an argument")))?;
        crate::core::ksy::expr::parse(inner)
            .map_err(|e| err(y, format!("bad process argument: {}", e.msg)))
    };
    if text == "zlib" {
        Ok(Process::Zlib)
    } else if text.starts_with("xor") {
        Ok(Process::Xor(arg("xor")?))
    } else if text.starts_with("rol") {
        Ok(Process::Rol(arg("rol")?))
    } else if text.starts_with("ror") {
        Ok(Process::Ror(arg("ror")?))
    } else {
        Err(err(
            y,
            format!("unsupported construct: process `{text}` (zlib, xor, rol, ror are)"),
        ))
    }
}

/// Reads one field (`instance` is `None`) or an instance (its name and position).
pub(crate) fn attr(
    schema: &Schema,
    scope: TypeId,
    y: &Y,
    instance: Option<(&str, Pos)>,
) -> Result<Attr, SchemaError> {
    if !y.is_map() {
        return Err(err(y, "a field must be a mapping"));
    }
    for (k, _) in y.entries() {
        let key = str_of(k, "key")?;
        let ok = SEQ_KEYS.contains(&key)
            || is_doc_key(key)
            || (instance.is_some() && matches!(key, "pos" | "io" | "value"));
        if !ok {
            return Err(err(k, format!("unsupported construct: field key `{key}`")));
        }
    }
    let (id, pos) = match instance {
        Some((n, p)) => (n.to_string(), p),
        None => match y.get("id") {
            Some(i) => (str_of(i, "id")?.to_string(), y.pos),
            None => (format!("_unnamed{}", schema.types[scope].seq.len()), y.pos),
        },
    };
    let ty = match y.get("type") {
        None => AttrType::Bytes,
        Some(t) => match &t.kind {
            YKind::Scalar(s, _) => type_ref(schema, scope, t, s)?,
            YKind::Map(_) => {
                let on = t
                    .get("switch-on")
                    .ok_or_else(|| err(t, "a type mapping needs `switch-on`"))?;
                let cases = t
                    .get("cases")
                    .ok_or_else(|| err(t, "`switch-on` needs `cases`"))?;
                let mut cs = Vec::new();
                for (ck, cv) in cases.entries() {
                    let key = if ck.str() == Some("_") {
                        None
                    } else {
                        Some(expr_of(ck)?)
                    };
                    cs.push((key, type_ref(schema, scope, cv, str_of(cv, "case type")?)?));
                }
                AttrType::Switch(expr_of(on)?, cs)
            }
            YKind::Seq(_) => return Err(err(t, "`type` must be a name or a switch-on")),
        },
    };
    let opt = |k: &str| y.get(k).map(expr_of).transpose();
    let repeat = match y
        .get("repeat")
        .map(|r| str_of(r, "repeat").map(|s| (r, s)))
        .transpose()?
    {
        None => Repeat::None,
        Some((_, "expr")) => Repeat::Expr(
            opt("repeat-expr")?.ok_or_else(|| err(y, "`repeat: expr` needs `repeat-expr`"))?,
        ),
        Some((_, "eos")) => Repeat::Eos,
        Some((_, "until")) => Repeat::Until(
            opt("repeat-until")?.ok_or_else(|| err(y, "`repeat: until` needs `repeat-until`"))?,
        ),
        Some((r, other)) => return Err(err(r, format!("unsupported construct: repeat `{other}`"))),
    };
    let mut terminator = y
        .get("terminator")
        .map(|t| byte_of(t, "terminator"))
        .transpose()?;
    if matches!(ty, AttrType::Str { z: true }) && terminator.is_none() {
        terminator = Some(0);
    }
    let encoding = y
        .get("encoding")
        .map(crate::core::ksy::value::check_encoding)
        .transpose()?;
    let flag = |k: &str, d: bool| y.get(k).map_or(Ok(d), |v| bool_of(v, k));
    let enum_path = match y.get("enum") {
        Some(e) => {
            let path: Vec<String> = str_of(e, "enum")?.split("::").map(str::to_string).collect();
            if schema.find_enum(scope, &path).is_none() {
                return Err(err(e, format!("unknown enum `{}`", path.join("::"))));
            }
            Some(path)
        }
        None => None,
    };
    Ok(Attr {
        id,
        pos,
        ty,
        repeat,
        cond: opt("if")?,
        size: opt("size")?,
        size_eos: flag("size-eos", false)?,
        terminator,
        consume: flag("consume", true)?,
        include: flag("include", false)?,
        eos_error: flag("eos-error", true)?,
        pad_right: y
            .get("pad-right")
            .map(|t| byte_of(t, "pad-right"))
            .transpose()?,
        contents: y.get("contents").map(contents).transpose()?,
        enum_path,
        encoding,
        process: y.get("process").map(process).transpose()?,
        valid: y.get("valid").map(valid).transpose()?,
        at: opt("pos")?,
        io: opt("io")?,
        value: opt("value")?,
    })
}
