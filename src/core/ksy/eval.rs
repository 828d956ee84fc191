//! Evaluating expressions against the tree: names resolve to fields (parsed on demand),
//! parameters, instances, `_`, `_root`, `_parent`, `_io`, `_index`.
//!
//! Integer arithmetic is exact (i128, overflow is an error); `/` floors and `%` takes the sign
//! of the divisor, as the Kaitai compiler's targets do for the templates in the gallery
//! (`-len % 4` pads to 4). A float on either side makes the operation a float one.

mod types;

use std::cmp::Ordering::{Equal, Greater, Less};
use std::sync::Arc;

use super::expr::{BinOp, Expr, UnOp};
use super::schema::Valid;
use super::tree::{Kind, NodeId, ParseError, Tree};
use super::value::{Value, decode};
use crate::core::source::ByteSource;

/// Where an expression is evaluated: the struct whose field it belongs to, `_`, the stream
/// position (`_io.pos`) and `_index`.
pub(crate) struct Ctx {
    pub node: NodeId,
    pub cur: Option<Value>,
    pub pos: u64,
    pub index: Option<u64>,
    /// Bits of the last byte read still pending (then `_io.eof` is false, as in Kaitai).
    pub bits: u8,
}

/// Integer floor division and modulo as the evaluator does them (for tests to compare).
pub fn int_div(a: i128, b: i128) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    Some(if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

/// Modulo with the sign of the divisor (see [`int_div`]).
pub fn int_mod(a: i128, b: i128) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let r = a.checked_rem(b)?;
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    })
}

fn as_f(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        _ => v.as_int().map(|i| i as f64),
    }
}

impl<S: ByteSource> Tree<S> {
    fn err_at(&self, ctx: &Ctx, msg: impl Into<String>) -> ParseError {
        ParseError::new(self.abs(self.node(ctx.node).io, ctx.pos), msg)
    }

    pub(crate) fn truthy(&mut self, e: &Expr, ctx: &Ctx) -> Result<bool, ParseError> {
        match self.eval(e, ctx)? {
            Value::Bool(b) => Ok(b),
            Value::Int(i) => Ok(i != 0),
            v => Err(self.err_at(ctx, format!("expected a boolean, got {}", v.kind()))),
        }
    }

    pub(crate) fn to_u64(&self, v: &Value, io: usize, pos: u64) -> Result<u64, ParseError> {
        v.as_int()
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| {
                ParseError::new(
                    self.abs(io, pos),
                    format!("expected a non-negative integer, got {v:?}"),
                )
            })
    }

    #[allow(clippy::unused_self)]
    pub(crate) fn values_eq(&self, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Float(_), _) | (_, Value::Float(_)) => as_f(a) == as_f(b),
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::Bytes(x), Value::Bytes(y)) => x == y,
            (Value::Node(x), Value::Node(y)) => x == y,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Null, Value::Null) => true,
            _ => match (a.as_int(), b.as_int()) {
                (Some(x), Some(y)) => {
                    x == y
                        && !matches!(
                            (a, b),
                            (Value::Bool(_), Value::Int(_)) | (Value::Int(_), Value::Bool(_))
                        )
                }
                _ => false,
            },
        }
    }

    /// Evaluates `e`; each node of the expression costs one unit of work.
    #[allow(clippy::too_many_lines)]
    #[allow(clippy::many_single_char_names)]
    pub(crate) fn eval(&mut self, e: &Expr, ctx: &Ctx) -> Result<Value, ParseError> {
        let io = self.node(ctx.node).io;
        self.tick(io, ctx.pos)?;
        Ok(match e {
            Expr::Int(v) => Value::Int(*v),
            Expr::Float(v) => Value::Float(*v),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Array(items) => {
                let mut vals = Vec::with_capacity(items.len());
                for i in items {
                    vals.push(self.eval(i, ctx)?);
                }
                let bytes: Option<Vec<u8>> = vals
                    .iter()
                    .map(|v| match v {
                        Value::Int(i) => u8::try_from(*i).ok().map(|b| vec![b]),
                        Value::Str(s) => Some(s.as_bytes().to_vec()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.concat());
                match bytes {
                    Some(b) => Value::Bytes(b),
                    None => Value::List(vals),
                }
            }
            Expr::Name(n) => match n.as_str() {
                "_" => ctx.cur.clone().ok_or_else(|| {
                    self.err_at(ctx, "`_` is only defined in repeat-until and valid")
                })?,
                "_root" => Value::Node(self.root()),
                "_parent" => self.node(ctx.node).parent.map_or(Value::Null, Value::Node),
                "_io" => Value::Io(io),
                "_sizeof" => self.sizeof_node(ctx.node, ctx)?,
                "_index" => {
                    Value::Int(i128::from(ctx.index.ok_or_else(|| {
                        self.err_at(ctx, "`_index` outside a repeated field")
                    })?))
                }
                _ => self.field(ctx.node, n, ctx)?,
            },
            Expr::EnumRef(path, name) => {
                let scope = self.st(ctx.node).ty;
                let id = self.schema.find_enum(scope, path).ok_or_else(|| {
                    self.err_at(ctx, format!("unknown enum `{}`", path.join("::")))
                })?;
                let v = *self.schema.enums[id].by_name.get(name).ok_or_else(|| {
                    self.err_at(
                        ctx,
                        format!("enum `{}` has no member `{name}`", path.join("::")),
                    )
                })?;
                Value::Enum { value: v, id }
            }
            Expr::Unary(op, a) => {
                let v = self.eval(a, ctx)?;
                match (op, v) {
                    (UnOp::Neg, Value::Float(f)) => Value::Float(-f),
                    (UnOp::Neg, v) if v.as_int().is_some() => Value::Int(-v.as_int().unwrap_or(0)),
                    (UnOp::BitNot, Value::Int(i)) => Value::Int(!i),
                    (UnOp::Not, Value::Bool(b)) => Value::Bool(!b),
                    (op, v) => {
                        return Err(
                            self.err_at(ctx, format!("cannot apply {op:?} to {}", v.kind()))
                        );
                    }
                }
            }
            Expr::Binary(BinOp::And, a, b) => {
                Value::Bool(self.truthy(a, ctx)? && self.truthy(b, ctx)?)
            }
            Expr::Binary(BinOp::Or, a, b) => {
                Value::Bool(self.truthy(a, ctx)? || self.truthy(b, ctx)?)
            }
            Expr::Binary(op, a, b) => {
                let x = self.eval(a, ctx)?;
                let y = self.eval(b, ctx)?;
                self.binary(*op, &x, &y, ctx)?
            }
            Expr::Ternary(c, a, b) => {
                if self.truthy(c, ctx)? {
                    self.eval(a, ctx)?
                } else {
                    self.eval(b, ctx)?
                }
            }
            Expr::Attr(x, name) => {
                if matches!(&**x, Expr::Name(n) if n == "_io") && name == "pos" {
                    return Ok(Value::Int(i128::from(ctx.pos)));
                }
                if name == "_sizeof" {
                    return self.sizeof_of(x, ctx);
                }
                let v = self.eval(x, ctx)?;
                self.attr(v, name, ctx)?
            }
            Expr::Method(x, name, args) => {
                let v = self.eval(x, ctx)?;
                let mut a = Vec::with_capacity(args.len());
                for e in args {
                    a.push(self.eval(e, ctx)?);
                }
                self.method(v, name, &a, ctx)?
            }
            Expr::Index(x, i) => {
                let v = self.eval(x, ctx)?;
                let i = self.eval(i, ctx)?;
                let idx = i
                    .as_int()
                    .and_then(|i| u64::try_from(i).ok())
                    .ok_or_else(|| self.err_at(ctx, "index must be a non-negative integer"))?;
                match v {
                    Value::Bytes(b) => Value::Int(i128::from(
                        *b.get(usize::try_from(idx).unwrap_or(usize::MAX))
                            .ok_or_else(|| {
                                self.err_at(ctx, format!("index {idx} past {} bytes", b.len()))
                            })?,
                    )),
                    Value::List(l) => l
                        .get(usize::try_from(idx).unwrap_or(usize::MAX))
                        .cloned()
                        .ok_or_else(|| {
                            self.err_at(ctx, format!("index {idx} past {} items", l.len()))
                        })?,
                    Value::Node(id) if matches!(self.node(id).kind, Kind::Array(_)) => {
                        let el = self.element(id, idx).ok_or_else(|| {
                            self.err_at(
                                ctx,
                                format!("`{}` has no element {idx}", self.node(id).name),
                            )
                        })?;
                        self.node_value(el)?
                    }
                    v => return Err(self.err_at(ctx, format!("cannot index {}", v.kind()))),
                }
            }
            Expr::Cast(x, ty) => {
                let v = self.eval(x, ctx)?;
                self.cast(v, ty, ctx)?
            }
            Expr::SizeOf(name, bits) => self.sizeof_type(name, *bits, ctx)?,
        })
    }

    #[allow(clippy::many_single_char_names)]
    fn binary(&self, op: BinOp, x: &Value, y: &Value, ctx: &Ctx) -> Result<Value, ParseError> {
        use BinOp::{
            Add, BitAnd, BitOr, BitXor, Div, Eq, Ge, Gt, Le, Lt, Mod, Mul, Ne, Shl, Shr, Sub,
        };
        let overflow = || self.err_at(ctx, format!("integer overflow in {op:?}"));
        if matches!(op, Eq | Ne) {
            let eq = self.values_eq(x, y);
            return Ok(Value::Bool(if op == Eq { eq } else { !eq }));
        }
        if matches!(op, Lt | Le | Gt | Ge) {
            let ord = match (x, y) {
                (Value::Str(a), Value::Str(b)) => a.partial_cmp(b),
                (Value::Bytes(a), Value::Bytes(b)) => a.partial_cmp(b),
                (Value::Float(_), _) | (_, Value::Float(_)) => {
                    as_f(x).zip(as_f(y)).and_then(|(a, b)| a.partial_cmp(&b))
                }
                _ => x.as_int().zip(y.as_int()).map(|(a, b)| a.cmp(&b)),
            }
            .ok_or_else(|| {
                self.err_at(ctx, format!("cannot compare {} and {}", x.kind(), y.kind()))
            })?;
            return Ok(Value::Bool(
                match op {
                    Lt => ord == Less,
                    Le => ord != Greater,
                    Gt => ord == Greater,
                    _ => ord != Less,
                } || (ord == Equal && matches!(op, Le | Ge)),
            ));
        }
        match (op, x, y) {
            (Add, Value::Str(a), Value::Str(b)) => return Ok(Value::Str(format!("{a}{b}"))),
            (Add, Value::Bytes(a), Value::Bytes(b)) => {
                return Ok(Value::Bytes([a.as_slice(), b.as_slice()].concat()));
            }
            _ => {}
        }
        let float = matches!(x, Value::Float(_)) || matches!(y, Value::Float(_));
        if float && matches!(op, Add | Sub | Mul | Div | Mod) {
            let (a, b) = as_f(x).zip(as_f(y)).ok_or_else(|| {
                self.err_at(
                    ctx,
                    format!("cannot do {op:?} on {} and {}", x.kind(), y.kind()),
                )
            })?;
            return Ok(Value::Float(match op {
                Add => a + b,
                Sub => a - b,
                Mul => a * b,
                Div => a / b,
                _ => a.rem_euclid(b),
            }));
        }
        if let (Value::Bool(a), Value::Bool(b)) = (x, y) {
            match op {
                BitAnd => return Ok(Value::Bool(*a && *b)),
                BitOr => return Ok(Value::Bool(*a || *b)),
                BitXor => return Ok(Value::Bool(*a ^ *b)),
                _ => {}
            }
        }
        let (a, b) = x.as_int().zip(y.as_int()).ok_or_else(|| {
            self.err_at(
                ctx,
                format!("cannot do {op:?} on {} and {}", x.kind(), y.kind()),
            )
        })?;
        let r = match op {
            Add => a.checked_add(b),
            Sub => a.checked_sub(b),
            Mul => a.checked_mul(b),
            Div => Some(int_div(a, b).ok_or_else(|| self.err_at(ctx, "division by zero"))?),
            Mod => Some(int_mod(a, b).ok_or_else(|| self.err_at(ctx, "modulo by zero"))?),
            Shl => u32::try_from(b)
                .ok()
                .filter(|&s| s < 127)
                .and_then(|s| a.checked_shl(s).filter(|r| r >> s == a)),
            Shr => u32::try_from(b).ok().map(|s| {
                if s >= 127 {
                    if a < 0 { -1 } else { 0 }
                } else {
                    a >> s
                }
            }),
            BitAnd => Some(a & b),
            BitOr => Some(a | b),
            BitXor => Some(a ^ b),
            _ => None,
        };
        r.map(Value::Int).ok_or_else(overflow)
    }

    fn attr(&mut self, v: Value, name: &str, ctx: &Ctx) -> Result<Value, ParseError> {
        let bad = |s: &Self, v: &Value| s.err_at(ctx, format!("{} has no `.{name}`", v.kind()));
        Ok(match (&v, name) {
            (Value::Node(id), _) if self.is_struct(*id) => match name {
                "_parent" => self.node(*id).parent.map_or(Value::Null, Value::Node),
                "_root" => Value::Node(self.root()),
                "_io" => Value::Io(self.node(*id).io),
                _ => self.field(*id, name, ctx)?,
            },
            (Value::Node(id), "size" | "length") => Value::Int(i128::from(self.array_len(*id))),
            (Value::Node(id), "first" | "last") => {
                let n = if name == "first" {
                    0
                } else {
                    self.array_len(*id)
                        .checked_sub(1)
                        .ok_or_else(|| self.err_at(ctx, "`.last` of an empty array"))?
                };
                let el = self
                    .element(*id, n)
                    .ok_or_else(|| self.err_at(ctx, "empty array"))?;
                self.node_value(el)?
            }
            (Value::Io(i), "size") => Value::Int(i128::from(self.stream_len(*i))),
            (Value::Io(i), "pos") => Value::Int(if self.node(ctx.node).io == *i {
                i128::from(ctx.pos)
            } else {
                0
            }),
            (Value::Io(i), "eof") => {
                // Not at the end only says that the byte at the position exists.
                let here = self.node(ctx.node).io == *i;
                if !here || ctx.bits != 0 {
                    Value::Bool(!here)
                } else if ctx.pos < self.streams[*i].len {
                    self.touch(*i, ctx.pos + 1);
                    Value::Bool(false)
                } else {
                    Value::Bool(ctx.pos >= self.stream_len(*i))
                }
            }
            (Value::Bytes(b), "size" | "length") => Value::Int(b.len() as i128),
            (Value::Bytes(b), "first") => {
                Value::Int(i128::from(*b.first().ok_or_else(|| bad(self, &v))?))
            }
            (Value::Bytes(b), "last") => {
                Value::Int(i128::from(*b.last().ok_or_else(|| bad(self, &v))?))
            }
            (Value::List(l), "size" | "length") => Value::Int(l.len() as i128),
            (Value::List(l), "first") => l.first().cloned().ok_or_else(|| bad(self, &v))?,
            (Value::List(l), "last") => l.last().cloned().ok_or_else(|| bad(self, &v))?,
            (Value::Str(s), "length") => Value::Int(s.chars().count() as i128),
            (Value::Str(s), "reverse") => Value::Str(s.chars().rev().collect()),
            (Value::Str(s), "to_i") => Value::Int(
                s.trim()
                    .parse()
                    .map_err(|_| self.err_at(ctx, format!("`{s}` is not an integer")))?,
            ),
            (Value::Enum { value, .. }, "to_i") => Value::Int(*value),
            (Value::Bool(b), "to_i") => Value::Int(i128::from(*b)),
            (Value::Int(i), "to_s") => Value::Str(i.to_string()),
            (Value::Float(f), "to_i") => Value::Int(*f as i128),
            _ => return self.method(v, name, &[], ctx),
        })
    }

    fn method(
        &mut self,
        v: Value,
        name: &str,
        args: &[Value],
        ctx: &Ctx,
    ) -> Result<Value, ParseError> {
        Ok(match (&v, name, args) {
            (Value::Bytes(b), "to_s", [Value::Str(enc)]) => Value::Str(decode(b, enc)),
            (Value::Int(i), "to_s", []) => Value::Str(i.to_string()),
            (Value::Int(i), "to_s", [r]) if r.as_int() == Some(16) => Value::Str(format!("{i:x}")),
            (Value::Str(s), "to_i", []) => Value::Int(
                s.trim()
                    .parse()
                    .map_err(|_| self.err_at(ctx, format!("`{s}` is not an integer")))?,
            ),
            (Value::Str(s), "to_i", [r]) => {
                let radix = r
                    .as_int()
                    .and_then(|r| u32::try_from(r).ok())
                    .filter(|r| (2..=36).contains(r))
                    .unwrap_or(10);
                Value::Int(
                    i128::from_str_radix(s.trim(), radix)
                        .map_err(|_| self.err_at(ctx, format!("`{s}` is not an integer")))?,
                )
            }
            (Value::Str(s), "substring", [a, b]) => {
                let (a, b) = (
                    a.as_int().unwrap_or(0).max(0) as usize,
                    b.as_int().unwrap_or(0).max(0) as usize,
                );
                Value::Str(s.chars().skip(a).take(b.saturating_sub(a)).collect())
            }
            (Value::Bytes(b), "reverse", []) => Value::Bytes(b.iter().rev().copied().collect()),
            (Value::Bytes(_) | Value::List(_), "length" | "size" | "first" | "last", [])
            | (Value::Str(_), "length" | "reverse", []) => self.attr(v, name, ctx)?,
            _ => {
                return Err(self.err_at(
                    ctx,
                    format!(
                        "{} has no `.{name}` taking {} arguments",
                        v.kind(),
                        args.len()
                    ),
                ));
            }
        })
    }

    /// Checks `valid:` on a node just read; `_` is its value.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_valid(
        &mut self,
        node: NodeId,
        v: &Valid,
        attr: &super::schema::Attr,
        owner: NodeId,
        pos: u64,
        abs: u64,
        what: &str,
    ) -> Result<(), ParseError> {
        let val = self.node_value(node)?;
        let ctx = Ctx {
            node: owner,
            cur: Some(val.clone()),
            pos,
            index: None,
            bits: 0,
        };
        let fail = |m: String| ParseError::new(abs, format!("{what}: {m}"));
        if let Some(e) = &v.eq {
            let want = self.eval(e, &ctx)?;
            if !self.values_eq(&val, &want) {
                return Err(fail(format!("value {val:?} is not the expected {want:?}")));
            }
        }
        for (bound, is_min) in [(&v.min, true), (&v.max, false)] {
            if let Some(e) = bound {
                let b = self.eval(e, &ctx)?;
                let op = if is_min { BinOp::Ge } else { BinOp::Le };
                if self.binary(op, &val, &b, &ctx)? != Value::Bool(true) {
                    return Err(fail(format!(
                        "value {val:?} is {} {b:?}",
                        if is_min {
                            "below the minimum"
                        } else {
                            "above the maximum"
                        }
                    )));
                }
            }
        }
        if !v.any_of.is_empty() {
            let mut ok = false;
            for e in &v.any_of {
                let x = self.eval(e, &ctx)?;
                ok |= self.values_eq(&val, &x);
            }
            if !ok {
                return Err(fail(format!("value {val:?} is none of the allowed values")));
            }
        }
        if let Some(e) = &v.expr
            && !self.truthy(e, &ctx)?
        {
            return Err(fail(format!("value {val:?} fails its check")));
        }
        if v.in_enum
            && let Value::Enum { value, id } = &val
            && !self.schema.enums[*id].by_value.contains_key(value)
        {
            return Err(fail(format!(
                "{value} is not a member of enum `{}`",
                self.schema.enums[*id].name
            )));
        }
        let _ = (attr, Arc::clone(&self.schema));
        Ok(())
    }
}
