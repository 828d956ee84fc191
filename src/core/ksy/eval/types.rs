//! Sizes and casts at run time: what loading could not fold (`_root.x._sizeof`,
//! `_parent._sizeof`, `x._sizeof` of an instance or of a value instance's object), and
//! `.as<type>`.

use super::Ctx;
use crate::core::ksy::expr::Expr;
use crate::core::ksy::schema::{Named, Prim};
use crate::core::ksy::tree::{ParseError, Tree};
use crate::core::ksy::value::Value;
use crate::core::source::ByteSource;

impl<S: ByteSource> Tree<S> {
    /// `x._sizeof`: the fixed size of field `x` (a name, or `y.name`), else of the type of
    /// the object `x` is.
    pub(super) fn sizeof_of(&mut self, x: &Expr, ctx: &Ctx) -> Result<Value, ParseError> {
        let (owner, member) = match x {
            Expr::Name(n) if !n.starts_with('_') => (ctx.node, n.as_str()),
            Expr::Attr(y, n) if !n.starts_with('_') => match self.eval(y, ctx)? {
                Value::Node(id) if self.is_struct(id) => (id, n.as_str()),
                v => {
                    return Err(self.err_at(ctx, format!("{} has no `.{n}._sizeof`", v.kind())));
                }
            },
            _ => return self.sizeof_value(x, ctx),
        };
        let schema = std::sync::Arc::clone(&self.schema);
        let ty = self.st(owner).ty;
        let Some(a) = schema.member(ty, member) else {
            return self.sizeof_value(x, ctx);
        };
        if a.value.is_some() {
            return self.sizeof_value(x, ctx);
        }
        schema
            .attr_size(a)
            .map(|n| Value::Int(i128::from(n)))
            .ok_or_else(|| {
                self.err_at(
                    ctx,
                    format!("`{member}._sizeof`: `{member}` has no fixed size"),
                )
            })
    }

    /// The fixed size of the type of the object `x` evaluates to.
    fn sizeof_value(&mut self, x: &Expr, ctx: &Ctx) -> Result<Value, ParseError> {
        match self.eval(x, ctx)? {
            Value::Node(id) if self.is_struct(id) => self.sizeof_node(id, ctx),
            v => Err(self.err_at(ctx, format!("{} has no `._sizeof`", v.kind()))),
        }
    }

    /// The fixed size of the type of struct `id` (`_sizeof` alone is the current one's).
    pub(super) fn sizeof_node(
        &self,
        id: crate::core::ksy::tree::NodeId,
        ctx: &Ctx,
    ) -> Result<Value, ParseError> {
        let td = &self.schema.types[self.st(id).ty];
        td.static_size
            .map(|n| Value::Int(i128::from(n)))
            .ok_or_else(|| {
                self.err_at(
                    ctx,
                    format!("`_sizeof`: type `{}` has no fixed size", td.name),
                )
            })
    }

    /// `sizeof<name>` / `bitsizeof<name>` (folded when the template is loaded; here for
    /// expressions built otherwise).
    pub(super) fn sizeof_type(
        &self,
        name: &str,
        bits: bool,
        ctx: &Ctx,
    ) -> Result<Value, ParseError> {
        let scope = self.st(ctx.node).ty;
        self.schema
            .sizeof_type(scope, name, bits)
            .map(|n| Value::Int(i128::from(n)))
            .map_err(|m| self.err_at(ctx, m))
    }

    /// `v.as<ty>`: an integer to a float type becomes a float; an object cast to a user type
    /// must be of that type (a switch's result, say); anything else is unchanged.
    pub(super) fn cast(&self, v: Value, ty: &str, ctx: &Ctx) -> Result<Value, ParseError> {
        let scope = self.st(ctx.node).ty;
        let named = self
            .schema
            .named_type(scope, ty)
            .ok_or_else(|| self.err_at(ctx, format!("`.as<{ty}>`: unknown type `{ty}`")))?;
        Ok(match (named, &v) {
            (Named::Prim(Prim::Float { .. }), _) if v.as_int().is_some() => {
                Value::Float(v.as_int().unwrap_or(0) as f64)
            }
            (Named::User(t), Value::Node(id)) if self.is_struct(*id) => {
                let got = self.st(*id).ty;
                if got != t {
                    return Err(self.err_at(
                        ctx,
                        format!(
                            "`.as<{ty}>`: the object is a `{}`, not a `{}`",
                            self.schema.types[got].name, self.schema.types[t].name
                        ),
                    ));
                }
                v
            }
            (Named::User(t), _) => {
                return Err(self.err_at(
                    ctx,
                    format!(
                        "`.as<{ty}>`: {} is not a `{}`",
                        v.kind(),
                        self.schema.types[t].name
                    ),
                ));
            }
            _ => v,
        })
    }
}
