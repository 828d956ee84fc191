//! Sizes and casts checked when a template is loaded: `sizeof<type>`, `bitsizeof<type>`,
//! `_sizeof` and `field._sizeof` become numbers (Kaitai computes them at compile time, and
//! only for a size the template fixes: anything else is an error at its line and column),
//! and the type of every `.as<type>` must exist.

use super::{Attr, AttrType, Endian, Prim, Process, Repeat, Schema, TypeId};
use crate::core::ksy::expr::{BinOp, Expr};
use crate::core::ksy::{Pos, SchemaError};

/// A type named in an expression (`.as<T>`, `sizeof<T>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `u4`, `s2be`, `f8`, `b3`, …
    Prim(Prim),
    /// `str`, `strz`.
    Str,
    /// `bytes`.
    Bytes,
    /// `bool`.
    Bool,
    /// A user type.
    User(TypeId),
}

impl Schema {
    /// The type `name` names as seen from `scope` (`a::b` for nested types, `[]` for an
    /// array of them is the element type).
    pub fn named_type(&self, scope: TypeId, name: &str) -> Option<Named> {
        let name = name.trim().trim_end_matches("[]");
        if let Some(p) = super::attr::prim(name) {
            return Some(Named::Prim(p));
        }
        Some(match name {
            "str" | "strz" => Named::Str,
            "bytes" => Named::Bytes,
            "bool" => Named::Bool,
            _ => {
                let path: Vec<String> = name.split("::").map(str::to_string).collect();
                Named::User(self.find_type(scope, &path)?)
            }
        })
    }

    /// `sizeof<name>` (or `bitsizeof<name>`, in bits) from `scope`, or why it has none.
    pub fn sizeof_type(&self, scope: TypeId, name: &str, bits: bool) -> Result<u64, String> {
        let n = match self
            .named_type(scope, name)
            .ok_or_else(|| format!("unknown type `{name}`"))?
        {
            Named::Prim(Prim::Int { width, .. } | Prim::Float { width, .. }) => {
                u64::from(width) * 8
            }
            Named::Prim(Prim::Bits { bits, .. }) => u64::from(bits),
            Named::User(t) => self.types[t]
                .static_size
                .ok_or_else(|| format!("type `{name}` has no fixed size"))?
                .saturating_mul(8),
            Named::Str | Named::Bytes | Named::Bool => {
                return Err(format!("`{name}` has no fixed size"));
            }
        };
        Ok(if bits { n } else { n.div_ceil(8) })
    }

    /// The fields and instances of type `ty` named `name`.
    pub(crate) fn member(&self, ty: TypeId, name: &str) -> Option<&Attr> {
        let td = &self.types[ty];
        td.seq
            .iter()
            .chain(td.instances.iter())
            .find(|a| a.id == name)
    }

    /// Folds sizes into numbers and checks casts, in every expression of every type: first
    /// `sizeof<>` (and the arithmetic on literals around it), then, the types' fixed sizes
    /// computed again (a `size: sizeof<x>` fixes one), `_sizeof`.
    pub(super) fn fold_sizes(&mut self) -> Result<(), SchemaError> {
        self.fold_pass(false)?;
        self.compute_static_sizes();
        self.fold_pass(true)?;
        self.compute_static_sizes();
        Ok(())
    }

    fn fold_pass(&mut self, members: bool) -> Result<(), SchemaError> {
        for t in 0..self.types.len() {
            for inst in [false, true] {
                let n = if inst {
                    self.types[t].instances.len()
                } else {
                    self.types[t].seq.len()
                };
                for i in 0..n {
                    let mut a = if inst {
                        self.types[t].instances[i].clone()
                    } else {
                        self.types[t].seq[i].clone()
                    };
                    let pos = a.pos;
                    for e in attr_exprs(&mut a) {
                        self.fold(t, e, pos, members)?;
                    }
                    if inst {
                        self.types[t].instances[i] = a;
                    } else {
                        self.types[t].seq[i] = a;
                    }
                }
            }
            if let Endian::Switch(on, cases) = &self.types[t].endian {
                let (mut on, mut cases) = (on.clone(), cases.clone());
                let pos = self.types[t].pos;
                self.fold(t, &mut on, pos, members)?;
                for (k, _) in &mut cases {
                    self.fold(t, k, pos, members)?;
                }
                self.types[t].endian = Endian::Switch(on, cases);
            }
        }
        Ok(())
    }

    fn fold(
        &self,
        scope: TypeId,
        expr: &mut Expr,
        pos: Pos,
        members: bool,
    ) -> Result<(), SchemaError> {
        let bad = |msg: String| SchemaError::new(pos, msg);
        for c in children(expr) {
            self.fold(scope, c, pos, members)?;
        }
        let folded = match expr {
            // Literal arithmetic, so that `size: sizeof<a> + 2` is a fixed size.
            Expr::Binary(op, lhs, rhs) if !members => match (&**lhs, &**rhs, op) {
                (Expr::Int(l), Expr::Int(r), BinOp::Add) => l.checked_add(*r),
                (Expr::Int(l), Expr::Int(r), BinOp::Sub) => l.checked_sub(*r),
                (Expr::Int(l), Expr::Int(r), BinOp::Mul) => l.checked_mul(*r),
                _ => None,
            }
            .and_then(|v| u64::try_from(v).ok()),
            Expr::SizeOf(name, bits) if !members => {
                let what = if *bits { "bitsizeof" } else { "sizeof" };
                let n = self
                    .sizeof_type(scope, name, *bits)
                    .map_err(|m| bad(format!("`{what}<{name}>`: {m}")))?;
                Some(n)
            }
            Expr::Name(n) if members && n == "_sizeof" => {
                Some(self.types[scope].static_size.ok_or_else(|| {
                    bad(format!(
                        "`_sizeof`: type `{}` has no fixed size (Kaitai gives `_sizeof` only for \
                         sizes the template fixes)",
                        self.types[scope].name
                    ))
                })?)
            }
            Expr::Attr(base, m) if members && m == "_sizeof" => match &**base {
                Expr::Name(n) if !n.starts_with('_') => match self.member(scope, n) {
                    Some(field) if field.value.is_none() => {
                        Some(self.attr_size(field).ok_or_else(|| {
                            bad(format!(
                                "`{n}._sizeof`: `{n}` has no fixed size (Kaitai gives `_sizeof` \
                             only for sizes the template fixes)"
                            ))
                        })?)
                    }
                    _ => None,
                },
                _ => None,
            },
            Expr::Cast(_, ty) if !members => {
                if self.named_type(scope, ty).is_none() {
                    return Err(bad(format!("`.as<{ty}>`: unknown type `{ty}`")));
                }
                None
            }
            _ => None,
        };
        if let Some(n) = folded {
            *expr = Expr::Int(i128::from(n));
        }
        Ok(())
    }
}

/// The expressions directly inside `e`.
fn children(e: &mut Expr) -> Vec<&mut Expr> {
    match e {
        Expr::Unary(_, a) | Expr::Attr(a, _) | Expr::Cast(a, _) => vec![&mut **a],
        Expr::Binary(_, a, b) | Expr::Index(a, b) => vec![&mut **a, &mut **b],
        Expr::Ternary(a, b, c) => vec![&mut **a, &mut **b, &mut **c],
        Expr::Method(a, _, args) => {
            let mut v = vec![&mut **a];
            v.extend(args.iter_mut());
            v
        }
        Expr::Array(items) => items.iter_mut().collect(),
        _ => Vec::new(),
    }
}

/// Every expression of a field or instance.
fn attr_exprs(a: &mut Attr) -> Vec<&mut Expr> {
    let mut v: Vec<&mut Expr> = Vec::new();
    type_exprs(&mut a.ty, &mut v);
    match &mut a.repeat {
        Repeat::Expr(e) | Repeat::Until(e) => v.push(e),
        Repeat::None | Repeat::Eos => {}
    }
    if let Some(p) = &mut a.process {
        match p {
            Process::Xor(e) | Process::Rol(e) | Process::Ror(e) => v.push(e),
            Process::Zlib => {}
        }
    }
    if let Some(val) = &mut a.valid {
        v.extend(val.eq.iter_mut());
        v.extend(val.min.iter_mut());
        v.extend(val.max.iter_mut());
        v.extend(val.expr.iter_mut());
        v.extend(val.any_of.iter_mut());
    }
    for e in [&mut a.cond, &mut a.size, &mut a.at, &mut a.io, &mut a.value] {
        v.extend(e.iter_mut());
    }
    v
}

fn type_exprs<'a>(t: &'a mut AttrType, v: &mut Vec<&'a mut Expr>) {
    match t {
        AttrType::User(_, args) => v.extend(args.iter_mut()),
        AttrType::Switch(on, cases) => {
            v.push(on);
            for (k, ty) in cases {
                v.extend(k.iter_mut());
                type_exprs(ty, v);
            }
        }
        AttrType::Bytes | AttrType::Prim(_) | AttrType::Str { .. } => {}
    }
}
