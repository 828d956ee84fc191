//! The checked model of a template: types, their fields and instances, enums, endianness.
//!
//! Loading resolves every type name (an unknown one is an error at its line and column),
//! parses every expression, and rejects any key outside the supported subset by name.
//! Documentation keys (`doc`, `doc-ref`, `title`, `license`, `xref`, `ks-version`, `tags`,
//! `application`, and any key starting with `-`) are accepted and ignored.

mod attr;
mod fold;

use std::collections::{BTreeMap, HashMap};

use super::expr::Expr;
use super::yaml::{Y, YKind};
use super::{Pos, SchemaError};

pub use attr::{Attr, AttrType, Prim, Process, Repeat, Valid};
pub use fold::Named;

/// Index of a type in [`Schema::types`].
pub type TypeId = usize;
/// Index of an enum in [`Schema::enums`].
pub type EnumId = usize;

/// A loaded template.
#[derive(Debug, Clone)]
pub struct Schema {
    /// `meta/id` of the template.
    pub id: String,
    /// `meta/file-extension`, lower case.
    pub extensions: Vec<String>,
    /// The `contents` of the root type's first field, when it has one (the file's magic).
    pub magic: Option<Vec<u8>>,
    /// Every type; the root is [`Schema::root`].
    pub types: Vec<TypeDef>,
    /// Every enum.
    pub enums: Vec<EnumDef>,
    /// The root type.
    pub root: TypeId,
    /// Imported templates' root types by their `meta/id`, visible from every type.
    pub globals: HashMap<String, TypeId>,
}

/// Endianness of a type's integers.
#[derive(Debug, Clone)]
pub enum Endian {
    /// Inherited from the type that uses this one.
    Inherit,
    /// `le` (true) or `be`.
    Fixed(bool),
    /// `switch-on` with cases giving `le` (true) or `be`.
    Switch(Expr, Vec<(Expr, bool)>),
}

/// A type: `seq`, `instances`, nested `types` and `enums`, `params`.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The type's name (the template's id for a root).
    pub name: String,
    /// Where it is defined.
    pub pos: Pos,
    /// The enclosing type, for name lookup.
    pub scope: Option<TypeId>,
    /// Parameter names.
    pub params: Vec<String>,
    /// Fields in order.
    pub seq: Vec<Attr>,
    /// Instances (computed or positioned fields).
    pub instances: Vec<Attr>,
    /// Nested types by name.
    pub types: HashMap<String, TypeId>,
    /// Enums declared here by name.
    pub enums: HashMap<String, EnumId>,
    /// Integer endianness.
    pub endian: Endian,
    /// Bit-field order: `Some(true)` for `bit-endian: le`, `None` to inherit.
    pub bit_le: Option<bool>,
    /// Default string encoding.
    pub encoding: Option<String>,
    /// Size in bytes when every field has a fixed size (computed after loading).
    pub static_size: Option<u64>,
}

impl TypeDef {
    /// Instance `i` when `instance`, else `seq` field `i` (an array's field).
    pub fn attr(&self, instance: bool, i: usize) -> &Attr {
        if instance {
            &self.instances[i]
        } else {
            &self.seq[i]
        }
    }
}

/// An enum: values by number and numbers by name.
#[derive(Debug, Clone, Default)]
pub struct EnumDef {
    /// The enum's name.
    pub name: String,
    /// Names by value.
    pub by_value: BTreeMap<i128, String>,
    /// Values by name.
    pub by_name: HashMap<String, i128>,
}

/// Keys that only document and are ignored wherever they appear.
pub(crate) fn is_doc_key(k: &str) -> bool {
    k.starts_with('-')
        || matches!(
            k,
            "doc"
                | "doc-ref"
                | "title"
                | "license"
                | "xref"
                | "ks-version"
                | "tags"
                | "application"
        )
}

/// Something that finds an imported template's text by its import name.
pub trait Resolver {
    /// The text and a display name of the template imported as `name` (`/common/x`, `x`).
    fn resolve(&self, name: &str) -> Option<(String, String)>;
}

/// A resolver that finds nothing (templates without `imports`).
pub struct NoImports;

impl Resolver for NoImports {
    fn resolve(&self, _: &str) -> Option<(String, String)> {
        None
    }
}

pub(crate) fn err(y: &Y, msg: impl Into<String>) -> SchemaError {
    SchemaError::new(y.pos, msg)
}

pub(crate) fn str_of<'a>(y: &'a Y, what: &str) -> Result<&'a str, SchemaError> {
    y.str()
        .ok_or_else(|| err(y, format!("`{what}` must be a scalar")))
}

pub(crate) fn expr_of(y: &Y) -> Result<Expr, SchemaError> {
    let text = match &y.kind {
        YKind::Scalar(s, _) => s.as_str(),
        _ => return Err(err(y, "expected an expression")),
    };
    super::expr::parse(text).map_err(|e| {
        let col = if text.contains('\n') { 0 } else { e.at };
        SchemaError::new(
            Pos {
                line: y.pos.line,
                col: y.pos.col + col,
            },
            format!("bad expression `{}`: {}", text.trim(), e.msg),
        )
    })
}

pub(crate) fn parse_int(s: &str) -> Option<i128> {
    let t = s.trim().replace('_', "");
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else if let Some(b) = t.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()?
    } else if let Some(o) = t.strip_prefix("0o") {
        i128::from_str_radix(o, 8).ok()?
    } else {
        t.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

struct Loader<'r> {
    schema: Schema,
    resolver: &'r dyn Resolver,
    loading: Vec<String>,
}

impl Schema {
    /// Loads a template from its text; `imports` are looked up through `resolver`.
    pub fn load(text: &str, resolver: &dyn Resolver) -> Result<Schema, SchemaError> {
        let mut l = Loader {
            schema: Schema {
                id: String::new(),
                extensions: Vec::new(),
                magic: None,
                types: Vec::new(),
                enums: Vec::new(),
                root: 0,
                globals: HashMap::new(),
            },
            resolver,
            loading: Vec::new(),
        };
        let root = l.load_file(text, None)?;
        let mut s = l.schema;
        s.root = root;
        s.id = s.types[root].name.clone();
        s.magic = s.types[root].seq.first().and_then(|a| a.contents.clone());
        s.compute_static_sizes();
        s.fold_sizes()?;
        Ok(s)
    }

    /// The enum `name` as seen from type `scope` (nested scopes outwards, then imports; a
    /// path `a::b` names enum `b` of type `a`).
    pub fn find_enum(&self, scope: TypeId, path: &[String]) -> Option<EnumId> {
        let (last, types) = path.split_last()?;
        let mut s = Some(scope);
        if types.is_empty() {
            while let Some(t) = s {
                if let Some(&e) = self.types[t].enums.get(last) {
                    return Some(e);
                }
                s = self.types[t].scope;
            }
            return None;
        }
        let t = self.find_type(scope, types)?;
        self.types[t].enums.get(last).copied()
    }

    /// The type named by `path` as seen from `scope`.
    pub fn find_type(&self, scope: TypeId, path: &[String]) -> Option<TypeId> {
        let (first, rest) = path.split_first()?;
        let mut s = Some(scope);
        let mut found = None;
        while let Some(t) = s {
            if let Some(&x) = self.types[t].types.get(first) {
                found = Some(x);
                break;
            }
            s = self.types[t].scope;
        }
        let mut t = found.or_else(|| self.globals.get(first).copied())?;
        for p in rest {
            t = *self.types[t].types.get(p)?;
        }
        Some(t)
    }

    #[allow(clippy::option_option)]
    fn compute_static_sizes(&mut self) {
        let n = self.types.len();
        let mut memo: Vec<Option<Option<u64>>> = vec![None; n];
        for t in 0..n {
            let v = self.static_of(t, &mut memo, 0);
            self.types[t].static_size = v;
        }
    }

    #[allow(clippy::option_option)]
    fn static_of(
        &self,
        t: TypeId,
        memo: &mut Vec<Option<Option<u64>>>,
        depth: usize,
    ) -> Option<u64> {
        if let Some(v) = memo[t] {
            return v;
        }
        if depth > 32 {
            return None;
        }
        memo[t] = Some(None); // a cycle is not static
        // In bits: a run of bit fields takes whole bytes once a byte-aligned field follows
        // it (as Kaitai re-aligns there); a type must end on a byte to have a size in bytes.
        let mut bits = 0u64;
        let mut ok = true;
        for a in &self.types[t].seq {
            let size = if let Some(n) = Self::bits_static(a) {
                Some(n)
            } else {
                bits = bits.div_ceil(8) * 8;
                self.attr_static(a, memo, depth)
                    .map(|s| s.saturating_mul(8))
            };
            let Some(s) = size else {
                ok = false;
                break;
            };
            bits = bits.saturating_add(s);
        }
        let v = (ok && bits.is_multiple_of(8)).then_some(bits / 8);
        memo[t] = Some(v);
        v
    }

    /// The fixed number of bits of a bit field (all its elements, for a literal count).
    fn bits_static(a: &Attr) -> Option<u64> {
        let AttrType::Prim(Prim::Bits { bits, .. }) = a.ty else {
            return None;
        };
        if a.cond.is_some() {
            return None;
        }
        match &a.repeat {
            Repeat::None => Some(u64::from(bits)),
            Repeat::Expr(Expr::Int(n)) => u64::try_from(*n).ok()?.checked_mul(u64::from(bits)),
            _ => None,
        }
    }

    /// Kaitai's `x._sizeof` for the field or instance `a`: the bytes it takes (all its
    /// elements for a literal count), when that is fixed by the template; a bit field takes
    /// the bytes its bits touch.
    #[allow(clippy::option_option)]
    pub fn attr_size(&self, a: &Attr) -> Option<u64> {
        let mut memo: Vec<Option<Option<u64>>> =
            self.types.iter().map(|t| Some(t.static_size)).collect();
        let one = Attr {
            cond: None,
            ..a.clone()
        };
        if let Some(bits) = Self::bits_static(&one) {
            return Some(bits.div_ceil(8));
        }
        self.attr_static(&one, &mut memo, 0)
    }

    /// The fixed size of one element of `a`, if it has one.
    #[allow(clippy::option_option)]
    fn attr_static(
        &self,
        a: &Attr,
        memo: &mut Vec<Option<Option<u64>>>,
        depth: usize,
    ) -> Option<u64> {
        if a.cond.is_some() || a.process.is_some() || a.size_eos || a.terminator.is_some() {
            return None;
        }
        let one = if let Some(c) = &a.contents {
            c.len() as u64
        } else if let Some(size) = &a.size {
            match size {
                Expr::Int(v) => u64::try_from(*v).ok()?,
                _ => return None,
            }
        } else {
            match &a.ty {
                AttrType::Prim(Prim::Int { width, .. } | Prim::Float { width, .. }) => {
                    u64::from(*width)
                }
                AttrType::User(t, _) => self.static_of(*t, memo, depth + 1)?,
                _ => return None,
            }
        };
        match &a.repeat {
            Repeat::None => Some(one),
            Repeat::Expr(Expr::Int(n)) => one.checked_mul(u64::try_from(*n).ok()?),
            _ => None,
        }
    }

    /// The fixed size of one element of the field `a` (no `if`, a literal or type-fixed size).
    #[allow(clippy::option_option)]
    pub fn element_static_size(&self, a: &Attr) -> Option<u64> {
        let mut memo: Vec<Option<Option<u64>>> =
            self.types.iter().map(|t| Some(t.static_size)).collect();
        let single = Attr {
            repeat: Repeat::None,
            cond: None,
            ..a.clone()
        };
        self.attr_static(&single, &mut memo, 0)
    }
}

impl Loader<'_> {
    /// Loads one file's root type (and, first, its imports); returns the root's id.
    fn load_file(&mut self, text: &str, name: Option<&str>) -> Result<TypeId, SchemaError> {
        let y = super::yaml::load(text)?;
        if !y.is_map() {
            return Err(err(&y, "a template is a mapping with `meta` and `seq`"));
        }
        let meta = y.get("meta");
        let mut id = name.unwrap_or("root").to_string();
        let mut endian = Endian::Inherit;
        let mut bit_le = None;
        let mut encoding = None;
        if let Some(m) = meta {
            if let Some(v) = m.get("id") {
                id = str_of(v, "id")?.to_string();
            }
            let (e, b, enc) = self.meta(m, name.is_none())?;
            endian = e;
            bit_le = b;
            encoding = enc;
            if let Some(imps) = m.get("imports") {
                let YKind::Seq(items) = &imps.kind else {
                    return Err(err(imps, "`imports` must be a list"));
                };
                for i in items {
                    self.import(i)?;
                }
            }
        }
        let root = self.declare(&y, &id, None, true)?;
        let t = &mut self.schema.types[root];
        t.endian = endian;
        t.bit_le = bit_le;
        t.encoding = encoding;
        // A file's root type is visible by its id (recursive templates name it), imported
        // ones from every type.
        self.schema.globals.entry(id).or_insert(root);
        self.define(&y, root)?;
        Ok(root)
    }

    fn import(&mut self, i: &Y) -> Result<(), SchemaError> {
        let name = str_of(i, "imports")?;
        let base = name.rsplit('/').next().unwrap_or(name).to_string();
        if self.schema.globals.contains_key(&base) || self.loading.contains(&base) {
            return Ok(());
        }
        let (text, label) = self.resolver.resolve(name).ok_or_else(|| {
            err(
                i,
                format!("cannot find imported template `{name}` in the template folders"),
            )
        })?;
        if self.loading.len() > 16 {
            return Err(err(i, "imports nested too deeply"));
        }
        self.loading.push(base.clone());
        let r = self
            .load_file(&text, Some(&base))
            .map_err(|e| e.in_file(&label));
        self.loading.pop();
        r.map(|_| ())
    }

    /// Reads a `meta` mapping: endianness, bit order, encoding; checks its keys.
    fn meta(
        &mut self,
        m: &Y,
        top: bool,
    ) -> Result<(Endian, Option<bool>, Option<String>), SchemaError> {
        let mut endian = Endian::Inherit;
        let mut bit_le = None;
        let mut encoding = None;
        for (k, v) in m.entries() {
            let key = str_of(k, "key")?;
            match key {
                "id" | "imports" | "file-extension" if top || key == "id" => {
                    if key == "file-extension" {
                        let exts: Vec<String> = match &v.kind {
                            YKind::Seq(items) => items
                                .iter()
                                .filter_map(|i| i.str())
                                .map(str::to_lowercase)
                                .collect(),
                            _ => v.str().map(str::to_lowercase).into_iter().collect(),
                        };
                        self.schema.extensions = exts;
                    }
                }
                "imports" | "file-extension" => {}
                "endian" => {
                    endian = match &v.kind {
                        YKind::Scalar(s, _) => Endian::Fixed(endian_word(v, s)?),
                        YKind::Map(_) => {
                            let on = v
                                .get("switch-on")
                                .ok_or_else(|| err(v, "`endian` mapping needs `switch-on`"))?;
                            let cases = v
                                .get("cases")
                                .ok_or_else(|| err(v, "`endian` mapping needs `cases`"))?;
                            let mut cs = Vec::new();
                            for (ck, cv) in cases.entries() {
                                cs.push((expr_of(ck)?, endian_word(cv, str_of(cv, "endian")?)?));
                            }
                            Endian::Switch(expr_of(on)?, cs)
                        }
                        YKind::Seq(_) => {
                            return Err(err(v, "`endian` must be le, be or a switch-on"));
                        }
                    };
                }
                "bit-endian" => bit_le = Some(endian_word(v, str_of(v, "bit-endian")?)?),
                "encoding" => encoding = Some(super::value::check_encoding(v)?),
                k if is_doc_key(k) => {}
                other => return Err(err(k, format!("unsupported construct: meta key `{other}`"))),
            }
        }
        Ok((endian, bit_le, encoding))
    }

    /// Pass 1: creates the type and, recursively, its nested types and enums.
    fn declare(
        &mut self,
        y: &Y,
        name: &str,
        scope: Option<TypeId>,
        root: bool,
    ) -> Result<TypeId, SchemaError> {
        let id = self.schema.types.len();
        self.schema.types.push(TypeDef {
            name: name.to_string(),
            pos: y.pos,
            scope,
            params: Vec::new(),
            seq: Vec::new(),
            instances: Vec::new(),
            types: HashMap::new(),
            enums: HashMap::new(),
            endian: Endian::Inherit,
            bit_le: None,
            encoding: None,
            static_size: None,
        });
        for (k, v) in y.entries() {
            let key = str_of(k, "key")?;
            match key {
                "types" => {
                    for (tk, tv) in v.entries() {
                        let tname = str_of(tk, "type name")?.to_string();
                        if !tv.is_map() && tv.str().is_none_or(|s| !s.is_empty()) {
                            return Err(err(tv, format!("type `{tname}` must be a mapping")));
                        }
                        let t = self.declare(tv, &tname, Some(id), false)?;
                        self.schema.types[id].types.insert(tname, t);
                    }
                }
                "enums" => {
                    for (ek, ev) in v.entries() {
                        let ename = str_of(ek, "enum name")?.to_string();
                        let e = self.enum_def(&ename, ev)?;
                        self.schema.types[id].enums.insert(ename, e);
                    }
                }
                "meta" if !root => {
                    let (e, b, enc) = self.meta(v, false)?;
                    let t = &mut self.schema.types[id];
                    t.endian = e;
                    t.bit_le = b;
                    t.encoding = enc;
                }
                "meta" | "seq" | "instances" | "params" => {}
                k if is_doc_key(k) => {}
                other => return Err(err(k, format!("unsupported construct: type key `{other}`"))),
            }
        }
        Ok(id)
    }

    fn enum_def(&mut self, name: &str, y: &Y) -> Result<EnumId, SchemaError> {
        let mut e = EnumDef {
            name: name.to_string(),
            ..EnumDef::default()
        };
        for (k, v) in y.entries() {
            let n = k.str().and_then(parse_int).ok_or_else(|| {
                err(
                    k,
                    format!(
                        "enum `{name}`: `{}` is not an integer",
                        k.str().unwrap_or("?")
                    ),
                )
            })?;
            let id = match &v.kind {
                YKind::Scalar(s, _) => s.clone(),
                YKind::Map(_) => str_of(
                    v.get("id").ok_or_else(|| err(v, "enum entry needs `id`"))?,
                    "id",
                )?
                .to_string(),
                YKind::Seq(_) => return Err(err(v, "enum entry must be a name")),
            };
            e.by_name.insert(id.clone(), n);
            e.by_value.insert(n, id);
        }
        self.schema.enums.push(e);
        Ok(self.schema.enums.len() - 1)
    }

    /// Pass 2: fields, instances and parameters of `id` and its nested types.
    fn define(&mut self, y: &Y, id: TypeId) -> Result<(), SchemaError> {
        if let Some(params) = y.get("params") {
            let YKind::Seq(items) = &params.kind else {
                return Err(err(params, "`params` must be a list"));
            };
            for p in items {
                let pid = p
                    .get("id")
                    .ok_or_else(|| err(p, "a parameter needs `id`"))?;
                for (k, _) in p.entries() {
                    let key = k.str().unwrap_or("");
                    if !matches!(key, "id" | "type" | "enum") && !is_doc_key(key) {
                        return Err(err(
                            k,
                            format!("unsupported construct: parameter key `{key}`"),
                        ));
                    }
                }
                self.schema.types[id]
                    .params
                    .push(str_of(pid, "id")?.to_string());
            }
        }
        if let Some(seq) = y.get("seq") {
            let YKind::Seq(items) = &seq.kind else {
                return Err(err(seq, "`seq` must be a list"));
            };
            for a in items {
                let attr = attr::attr(&self.schema, id, a, None)?;
                self.schema.types[id].seq.push(attr);
            }
        }
        if let Some(inst) = y.get("instances") {
            for (k, v) in inst.entries() {
                let name = str_of(k, "instance name")?;
                let attr = attr::attr(&self.schema, id, v, Some((name, k.pos)))?;
                self.schema.types[id].instances.push(attr);
            }
        }
        if let Some(types) = y.get("types") {
            for (tk, tv) in types.entries() {
                let tname = tk.str().unwrap_or("");
                if let Some(&t) = self.schema.types[id].types.get(tname) {
                    self.define(tv, t)?;
                }
            }
        }
        Ok(())
    }
}

fn endian_word(y: &Y, s: &str) -> Result<bool, SchemaError> {
    match s {
        "le" => Ok(true),
        "be" => Ok(false),
        other => Err(err(
            y,
            format!("endianness must be le or be, not `{other}`"),
        )),
    }
}
