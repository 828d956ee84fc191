//! Repeated fields: the array node, its count and stride when they are known without
//! reading, and its elements parsed one after another or, at a fixed stride, by index.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::eval::Ctx;
use super::expr::Expr;
use super::parse::{Cursor, unreachable_struct};
use super::schema::{Attr, Repeat, TypeId};
use super::tree::{ArrayState, Kind, Node, NodeId, ParseError, Tree};
use crate::core::source::ByteSource;

fn mentions(e: &Expr, names: &[&str]) -> bool {
    match e {
        Expr::Name(n) => names.contains(&n.as_str()),
        Expr::Unary(_, a) | Expr::Attr(a, _) | Expr::Cast(a, _) => mentions(a, names),
        Expr::Binary(_, a, b) | Expr::Index(a, b) => mentions(a, names) || mentions(b, names),
        Expr::Ternary(a, b, c) => mentions(a, names) || mentions(b, names) || mentions(c, names),
        Expr::Method(a, _, args) => mentions(a, names) || args.iter().any(|x| mentions(x, names)),
        Expr::Array(items) => items.iter().any(|x| mentions(x, names)),
        _ => false,
    }
}

impl<S: ByteSource> Tree<S> {
    /// Makes the array node for a repeated field at the cursor, with its count and stride
    /// when they can be known without reading the elements.
    pub(crate) fn new_array(
        &mut self,
        owner: NodeId,
        up: NodeId,
        attr: &Attr,
        cur: &Cursor,
        instance: bool,
    ) -> Result<NodeId, ParseError> {
        let schema = Arc::clone(&self.schema);
        let ctx = Ctx {
            node: owner,
            cur: None,
            pos: cur.pos,
            index: None,
            bits: cur.bits.n,
        };
        let mut stride = schema.element_static_size(attr);
        if stride.is_none()
            && attr.terminator.is_none()
            && !attr.size_eos
            && let Some(size) = &attr.size
            && !mentions(size, &["_index", "_"])
        {
            stride = Some({
                let ev = self.eval(size, &ctx)?;
                self.to_u64(&ev, cur.io, cur.pos)
            }?);
        }
        // Elements that begin inside a byte a bit field began are not at `i * stride`.
        let stride = stride
            .filter(|&s| s > 0 && !matches!(attr.repeat, Repeat::Until(_)) && cur.bits.n == 0);
        let len = self.streams[cur.io].len;
        let left = len.saturating_sub(cur.pos);
        if stride.is_some() && matches!(attr.repeat, Repeat::Eos) {
            // The count of fixed-size elements to the end is the length's.
            self.stream_len(cur.io);
        }
        let count = match &attr.repeat {
            Repeat::Expr(e) => {
                let c = {
                    let ev = self.eval(e, &ctx)?;
                    self.to_u64(&ev, cur.io, cur.pos)
                }?;
                if c > self.limits.max_repeat {
                    return Err(ParseError::new(
                        self.abs(cur.io, cur.pos),
                        format!(
                            "`{}`: repeat count {c} is over the limit of {}",
                            attr.id, self.limits.max_repeat
                        ),
                    ));
                }
                Some(c)
            }
            Repeat::Eos => stride.map(|s| left.div_ceil(s)),
            _ => None,
        };
        let ty = self.st(owner).ty;
        let attr_idx = if instance {
            schema.types[ty]
                .instances
                .iter()
                .position(|a| a.id == attr.id)
        } else {
            schema.types[ty].seq.iter().position(|a| a.id == attr.id)
        }
        .unwrap_or(0);
        let mut error = None;
        let mut size = 0;
        let mut count = count;
        if let (Some(s), Some(c)) = (stride, count) {
            let need = s.saturating_mul(c);
            if need > left {
                self.stream_len(cur.io);
                let fit = left / s;
                error = Some(ParseError::new(
                    self.abs(cur.io, cur.pos + fit * s),
                    format!(
                        "`{}`: {c} elements of {s} bytes need {need} bytes but {left} are left (past the end)",
                        attr.id
                    ),
                ));
                count = Some(fit);
            }
            size = s.saturating_mul(count.unwrap_or(0));
            self.touch(cur.io, cur.pos.saturating_add(size));
        }
        let created = self.mark();
        let type_name = format!("{}[]", self.attr_type_name(ty, attr));
        let start = cur.pos - u64::from(cur.bits.n > 0);
        let arr = self.push(Node {
            name: attr.id.clone(),
            parent: Some(owner),
            up: Some(up),
            io: cur.io,
            start,
            size,
            computed: false,
            type_name,
            kind: Kind::Array(Box::new(ArrayState {
                owner,
                ty,
                instance,
                attr: attr_idx,
                stride,
                count,
                dense: Vec::new(),
                sparse: BTreeMap::new(),
                next: cur.pos,
                next_bits: cur.bits,
                done: stride.is_some() && count.is_some(),
                error: error.clone(),
                first: (cur.pos, cur.bits),
                created,
                marks: Vec::new(),
                done_mark: None,
                hint: None,
                base: 0,
            })),
        });
        self.arrays.push(arr);
        if let Some(e) = error {
            return Err(e);
        }
        if stride.is_none() || count.is_none() {
            self.apply_hint(arr);
        }
        Ok(arr)
    }

    /// Parses a sequential array to its end unless it may stay lazy.
    pub(crate) fn finish_array(&mut self, arr: NodeId, lazy_ok: bool) -> Result<(), ParseError> {
        if lazy_ok {
            return Ok(());
        }
        loop {
            match &self.node(arr).kind {
                Kind::Array(a) if a.done => {
                    if let Some(m) = a.done_mark {
                        self.bump(m);
                    }
                    return a.error.clone().map_or(Ok(()), Err);
                }
                _ => {}
            }
            self.next_element(arr);
        }
    }

    pub(crate) fn array_attr(
        &self,
        arr: NodeId,
    ) -> (Arc<super::schema::Schema>, TypeId, bool, usize, NodeId) {
        match &self.node(arr).kind {
            Kind::Array(a) => (Arc::clone(&self.schema), a.ty, a.instance, a.attr, a.owner),
            _ => unreachable_struct(),
        }
    }

    fn arr(&mut self, arr: NodeId) -> &mut ArrayState {
        match &mut self.node_mut(arr).kind {
            Kind::Array(a) => a,
            _ => unreachable_struct(),
        }
    }

    /// Parses the next element of a sequential array.
    fn next_element(&mut self, arr: NodeId) {
        let (schema, ty, inst, idx, owner) = self.array_attr(arr);
        let attr = schema.types[ty].attr(inst, idx);
        let (io, start) = (self.node(arr).io, self.node(arr).start);
        let (next, bits, i, count) = match &self.node(arr).kind {
            Kind::Array(a) => {
                if a.dense.is_empty()
                    && let Some(h) = &a.hint
                    && let Some(&m) = h.marks.last()
                {
                    // Going on from where the hint ends depends on what it did.
                    self.bump(m);
                }
                (a.next, a.next_bits, a.base + a.dense.len() as u64, a.count)
            }
            _ => return,
        };
        let finished = match &attr.repeat {
            Repeat::Expr(_) => count.is_some_and(|c| i >= c),
            // Bits still pending are not the end of the stream (Kaitai's `_io.eof`).
            Repeat::Eos if bits.n > 0 => false,
            // Not at the end yet only says that byte `next` exists.
            Repeat::Eos if next < self.streams[io].len => {
                self.touch(io, next + 1);
                false
            }
            Repeat::Eos => next >= self.stream_len(io),
            _ => false,
        };
        if finished || i >= self.limits.max_repeat {
            let m = self.mark();
            let a = self.arr(arr);
            a.done = true;
            a.done_mark = Some(m);
            return;
        }
        let mut cur = Cursor {
            io,
            pos: next,
            bits,
        };
        let before = cur.bit_pos();
        let r = self
            .read_one(owner, attr, &mut cur, &format!("[{i}]"), arr, Some(i))
            .and_then(|el| {
                if let Repeat::Until(u) = &attr.repeat {
                    let v = self.node_value(el)?;
                    let ctx = Ctx {
                        node: owner,
                        cur: Some(v),
                        pos: cur.pos,
                        index: Some(i),
                        bits: cur.bits.n,
                    };
                    Ok((el, self.truthy(u, &ctx)?))
                } else {
                    Ok((el, false))
                }
            });
        let (pos, left, after) = (cur.pos, cur.bits, cur.bit_pos());
        match r {
            Ok((el, stop)) => {
                let m = self.mark();
                let a = self.arr(arr);
                a.dense.push(el);
                a.marks.push((pos, left, m));
                a.next = pos;
                a.next_bits = left;
                a.done = stop || (after == before && !matches!(attr.repeat, Repeat::Expr(_)));
                if a.done {
                    a.done_mark = Some(m);
                }
                self.node_mut(arr).size = pos - start;
            }
            Err(e) => {
                let a = self.arr(arr);
                a.error = Some(e);
                a.done = true;
            }
        }
    }

    /// Element `i` of an array, parsed if needed; `None` past its end or its error.
    pub(crate) fn element(&mut self, arr: NodeId, i: u64) -> Option<NodeId> {
        let (stride, count) = match &self.node(arr).kind {
            Kind::Array(a) => (a.stride, a.count),
            _ => return None,
        };
        if let (Some(stride), Some(count)) = (stride, count) {
            if i >= count {
                return None;
            }
            let key = i;
            if let Kind::Array(a) = &self.node(arr).kind
                && let Some(&n) = a.sparse.get(&key)
            {
                return Some(n);
            }
            let (schema, ty, inst, idx, owner) = self.array_attr(arr);
            let attr = schema.types[ty].attr(inst, idx);
            let n = self.node(arr);
            let mut cur = Cursor::at(n.io, n.start + i * stride);
            return match self.read_one(owner, attr, &mut cur, &format!("[{i}]"), arr, Some(i)) {
                Ok(el) => {
                    self.arr(arr).sparse.insert(key, el);
                    Some(el)
                }
                Err(e) => {
                    let a = self.arr(arr);
                    a.error = Some(e);
                    None
                }
            };
        }
        if let Kind::Array(a) = &self.node(arr).kind
            && i < a.base
        {
            return self.hinted_element(arr, i);
        }
        loop {
            match &self.node(arr).kind {
                Kind::Array(a) if a.base + (a.dense.len() as u64) > i => {
                    return a.dense.get(usize::try_from(i - a.base).ok()?).copied();
                }
                Kind::Array(a) if a.done => return None,
                _ => {}
            }
            if self.budget == 0 {
                return None;
            }
            self.next_element(arr);
        }
    }

    /// The number of elements, parsing a sequential array to its end.
    pub(crate) fn array_len(&mut self, arr: NodeId) -> u64 {
        if let Kind::Array(a) = &self.node(arr).kind
            && let (Some(c), Some(_)) = (a.count, a.stride)
        {
            return c;
        }
        let _ = self.finish_array(arr, false);
        match &self.node(arr).kind {
            Kind::Array(a) => a.base + a.dense.len() as u64,
            _ => 0,
        }
    }
}
