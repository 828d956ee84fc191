//! Names inside a struct: parameters, `seq` fields (parsed on first use) and instances
//! (computed on first use, cached, a cycle reported instead of recursing forever).

use std::sync::Arc;

use super::eval::Ctx;
use super::parse::Cursor;
use super::schema::Repeat;
use super::tree::{Encoding, Kind, Node, NodeId, ParseError, Tree};
use super::value::Value;
use crate::core::source::ByteSource;

impl<S: ByteSource> Tree<S> {
    /// The value of `name` inside struct `id`.
    pub(crate) fn field(&mut self, id: NodeId, name: &str, ctx: &Ctx) -> Result<Value, ParseError> {
        let schema = Arc::clone(&self.schema);
        let ty = self.st(id).ty;
        let td = &schema.types[ty];
        if let Some(i) = td.params.iter().position(|p| p == name) {
            return Ok(self.st(id).args.get(i).cloned().unwrap_or(Value::Null));
        }
        if let Some(i) = td.seq.iter().position(|a| a.id == name) {
            if !self.st(id).started {
                self.parse_seq(id);
            }
            let st = self.st(id);
            if let Some((_, n)) = st.fields.iter().find(|(a, _)| *a == i) {
                return match n {
                    Some(n) => self.node_value(*n),
                    None => Ok(Value::Null),
                };
            }
            let msg = match (&st.error, st.done) {
                (Some(e), _) => format!("`{name}` was not read: {}", e.msg),
                (None, false) => format!("`{name}` is used before it is read"),
                _ => format!("`{name}` was not read"),
            };
            return Err(ParseError::new(
                self.abs(self.node(ctx.node).io, ctx.pos),
                msg,
            ));
        }
        if let Some(i) = td.instances.iter().position(|a| a.id == name) {
            return match self.instance(id, i)? {
                Some(n) => self.node_value(n),
                None => Ok(Value::Null),
            };
        }
        Err(ParseError::new(
            self.abs(self.node(ctx.node).io, ctx.pos),
            format!(
                "type `{}` has no field, parameter or instance `{name}`",
                td.name
            ),
        ))
    }

    /// Instance `i` of struct `id`, computed once (`None` when its `if` is false). A failure
    /// is kept as an error node, so the tree shows it where the instance would be.
    pub(crate) fn instance(&mut self, id: NodeId, i: usize) -> Result<Option<NodeId>, ParseError> {
        if let Some(slot) = self.st(id).instances.get(&i) {
            return if let Some(n) = slot {
                match &self.node(*n).kind {
                    Kind::Error(e) if e.msg == "absent" => Ok(None),
                    Kind::Error(e) => Err(e.clone()),
                    _ => Ok(Some(*n)),
                }
            } else {
                let name = &self.schema.types[self.st(id).ty].instances[i].id;
                Err(ParseError::new(
                    self.abs(self.node(id).io, self.node(id).start),
                    format!("instance `{name}` depends on itself"),
                ))
            };
        }
        if self.depth >= self.limits.max_depth {
            return Err(ParseError::new(
                self.abs(self.node(id).io, self.node(id).start),
                "instances nested too deeply (recursion in the template?)",
            ));
        }
        self.st_mut(id).instances.insert(i, None);
        self.depth += 1;
        let r = self.compute_instance(id, i);
        self.depth -= 1;
        let node = match &r {
            Ok(Some(n)) => *n,
            Ok(None) => self.error_node(id, i, ParseError::new(0, "absent")),
            Err(e) => self.error_node(id, i, e.clone()),
        };
        self.st_mut(id).instances.insert(i, Some(node));
        r
    }

    fn error_node(&mut self, id: NodeId, i: usize, e: ParseError) -> NodeId {
        let name = self.schema.types[self.st(id).ty].instances[i].id.clone();
        self.push(Node {
            name,
            parent: Some(id),
            up: Some(id),
            io: self.node(id).io,
            start: 0,
            size: 0,
            computed: true,
            type_name: "error".into(),
            kind: Kind::Error(e),
        })
    }

    fn compute_instance(&mut self, id: NodeId, i: usize) -> Result<Option<NodeId>, ParseError> {
        let schema = Arc::clone(&self.schema);
        let ty = self.st(id).ty;
        let attr = &schema.types[ty].instances[i];
        let io0 = self.node(id).io;
        // Kaitai's `_io.pos` when the instance is first computed: where the parse of its
        // struct is (its end once parsed).
        let end = self.st(id).end;
        let ctx = Ctx {
            node: id,
            cur: None,
            pos: end,
            index: None,
            bits: 0,
        };
        if let Some(c) = &attr.cond
            && !self.truthy(c, &ctx)?
        {
            return Ok(None);
        }
        if let Some(v) = &attr.value {
            let mut val = self.eval(v, &ctx)?;
            if let (Some(p), Some(n)) = (&attr.enum_path, val.as_int())
                && let Some(e) = schema.find_enum(ty, p)
            {
                val = Value::Enum { value: n, id: e };
            }
            let type_name = match &val {
                Value::Node(n) => format!("→ {}", self.path(*n)),
                v => format!("value({})", v.kind()),
            };
            let enum_id = match &val {
                Value::Enum { id, .. } => Some(*id),
                _ => None,
            };
            return Ok(Some(self.push(Node {
                name: attr.id.clone(),
                parent: Some(id),
                up: Some(id),
                io: io0,
                start: 0,
                size: 0,
                computed: true,
                type_name,
                kind: Kind::Scalar {
                    value: Some(val),
                    enc: Encoding::Bytes { len: 0 },
                    enum_id,
                },
            })));
        }
        let io = match &attr.io {
            Some(e) => match self.eval(e, &ctx)? {
                Value::Io(i) => i,
                v => {
                    return Err(ParseError::new(
                        self.abs(io0, end),
                        format!("`io` of `{}` is not a stream but {}", attr.id, v.kind()),
                    ));
                }
            },
            None => io0,
        };
        let pos = match &attr.at {
            Some(p) => {
                let v = self.eval(p, &ctx)?;
                self.to_u64(&v, io, end)?
            }
            // Without `pos`, Kaitai reads where the stream is: in the struct's own stream,
            // where its parse is; another stream is taken from its start.
            None if attr.io.is_none() => end,
            None => 0,
        };
        // A `pos` seeks, and a seek re-aligns to a byte.
        let mut cur = Cursor::at(io, pos);
        if matches!(attr.repeat, Repeat::None) {
            if self.switch_absent(id, attr, &cur)? {
                return Ok(None);
            }
            return self
                .read_one(id, attr, &mut cur, &attr.id, id, None)
                .map(Some);
        }
        let arr = self.new_array(id, id, attr, &cur, true)?;
        Ok(Some(arr))
    }

    /// A struct's children for display: its present `seq` fields, then its instances.
    pub(crate) fn struct_children(&mut self, id: NodeId) -> Vec<NodeId> {
        if !self.is_struct(id) {
            return Vec::new();
        }
        self.parse_seq(id);
        let mut out: Vec<NodeId> = self.st(id).fields.iter().filter_map(|(_, n)| *n).collect();
        let n = self.schema.types[self.st(id).ty].instances.len();
        for i in 0..n {
            match self.instance(id, i) {
                Ok(Some(c)) => out.push(c),
                Ok(None) => {}
                Err(_) => {
                    if let Some(Some(c)) = self.st(id).instances.get(&i) {
                        out.push(*c);
                    }
                }
            }
        }
        out
    }
}
