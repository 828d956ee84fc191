//! Kaitai expressions: the lexer and a precedence-climbing parser into [`Expr`].
//!
//! Precedence follows the Kaitai compiler's Python-like grammar, lowest first: `? :`, `or`,
//! `and`, `not`, comparisons, `|`, `^`, `&`, `<<` `>>`, `+` `-`, `*` `/` `%`, unary `-` `~`
//! `!`, then postfix `.name`, `.method(args)`, `.as<type>`, `[index]`. Nesting is bounded so
//! a hostile template cannot overflow the stack.

/// Deepest nesting of an expression.
const MAX_DEPTH: usize = 64;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `~x`
    BitNot,
    /// `not x`
    Not,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// An integer literal.
    Int(i128),
    /// A floating-point literal.
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A string literal.
    Str(String),
    /// `[a, b, ...]`: a byte array when every item is a byte or a string.
    Array(Vec<Expr>),
    /// A name: a field, instance, parameter, or `_`, `_root`, `_parent`, `_io`, `_index`.
    Name(String),
    /// `enum::value` or `type::enum::value`: the path and the value's name.
    EnumRef(Vec<String>, String),
    /// A unary operation.
    Unary(UnOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x.name`
    Attr(Box<Expr>, String),
    /// `x.name(args)`
    Method(Box<Expr>, String, Vec<Expr>),
    /// `x[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `x.as<type>`
    Cast(Box<Expr>, String),
    /// `sizeof<type>` (bytes), or `bitsizeof<type>` when the flag is set (bits).
    SizeOf(String, bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i128),
    Float(f64),
    Str(String),
    Ident(String),
    Op(&'static str),
}

/// Why an expression did not parse, and at which character of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// 0-based character index in the expression text.
    pub at: usize,
    /// What went wrong.
    pub msg: String,
}

const OPS: &[&str] = &[
    "::", "<<", ">>", "<=", ">=", "==", "!=", "(", ")", "[", "]", ",", ".", "?", ":", "+", "-",
    "*", "/", "%", "&", "|", "^", "~", "<", ">", "!",
];

#[allow(clippy::many_single_char_names)]
fn lex(s: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, msg: &str| ExprError {
        at,
        msg: msg.to_string(),
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let mut j = i;
            let radix = if c == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
                j += 2;
                16
            } else if c == '0' && matches!(chars.get(i + 1), Some('b' | 'B')) {
                j += 2;
                2
            } else if c == '0' && matches!(chars.get(i + 1), Some('o' | 'O')) {
                j += 2;
                8
            } else {
                10
            };
            let mut digits = String::new();
            while j < chars.len() && (chars[j].is_digit(radix) || chars[j] == '_') {
                if chars[j] != '_' {
                    digits.push(chars[j]);
                }
                j += 1;
            }
            let is_float = radix == 10
                && j + 1 < chars.len()
                && chars[j] == '.'
                && chars[j + 1].is_ascii_digit();
            let is_exp = radix == 10 && j < chars.len() && matches!(chars[j], 'e' | 'E');
            if is_float || is_exp {
                let mut text = digits;
                if is_float {
                    text.push('.');
                    j += 1;
                    while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '_') {
                        if chars[j] != '_' {
                            text.push(chars[j]);
                        }
                        j += 1;
                    }
                }
                if j < chars.len() && matches!(chars[j], 'e' | 'E') {
                    text.push('e');
                    j += 1;
                    if j < chars.len() && matches!(chars[j], '+' | '-') {
                        text.push(chars[j]);
                        j += 1;
                    }
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        text.push(chars[j]);
                        j += 1;
                    }
                }
                let f: f64 = text.parse().map_err(|_| err(start, "bad number"))?;
                out.push((Tok::Float(f), start));
            } else {
                let v = i128::from_str_radix(&digits, radix)
                    .map_err(|_| err(start, "bad or too large integer"))?;
                out.push((Tok::Int(v), start));
            }
            i = j;
        } else if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            out.push((Tok::Ident(chars[i..j].iter().collect()), start));
            i = j;
        } else if c == '"' || c == '\'' {
            let mut j = i + 1;
            let mut text = String::new();
            loop {
                let Some(&d) = chars.get(j) else {
                    return Err(err(start, "unterminated string"));
                };
                j += 1;
                if d == c {
                    break;
                }
                if d == '\\' && c == '"' {
                    let Some(&e) = chars.get(j) else {
                        return Err(err(start, "unterminated string"));
                    };
                    j += 1;
                    text.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        'a' => '\x07',
                        'b' => '\x08',
                        'e' => '\x1b',
                        'f' => '\x0c',
                        'v' => '\x0b',
                        'u' => {
                            let hex: String = chars.iter().skip(j).take(4).collect();
                            j += 4;
                            u32::from_str_radix(&hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or_else(|| err(j, "bad \\u escape"))?
                        }
                        other => other,
                    });
                } else {
                    text.push(d);
                }
            }
            out.push((Tok::Str(text), start));
            i = j;
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let op = OPS
                .iter()
                .find(|op| rest.starts_with(**op))
                .ok_or_else(|| err(start, &format!("unexpected character `{c}`")))?;
            out.push((Tok::Op(op), start));
            i += op.chars().count();
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<(Tok, usize)>,
    i: usize,
    len: usize,
    depth: usize,
}

/// Parses an expression's text.
pub fn parse(s: &str) -> Result<Expr, ExprError> {
    let toks = lex(s)?;
    let mut p = P {
        toks,
        i: 0,
        len: s.chars().count(),
        depth: 0,
    };
    let e = p.ternary()?;
    if p.i < p.toks.len() {
        return Err(p.err("unexpected text after the expression"));
    }
    Ok(e)
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    fn at(&self) -> usize {
        self.toks.get(self.i).map_or(self.len, |t| t.1)
    }
    fn err(&self, msg: &str) -> ExprError {
        ExprError {
            at: self.at(),
            msg: msg.to_string(),
        }
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(o)) if o == w) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, op: &str) -> Result<(), ExprError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.err(&format!("expected `{op}`")))
        }
    }
    fn ident(&mut self) -> Result<String, ExprError> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.err("expected a name")),
        }
    }

    fn ternary(&mut self) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("expression nested too deeply"));
        }
        let c = self.or()?;
        let r = if self.eat_op("?") {
            let a = self.ternary()?;
            self.expect(":")?;
            let b = self.ternary()?;
            Expr::Ternary(Box::new(c), Box::new(a), Box::new(b))
        } else {
            c
        };
        self.depth -= 1;
        Ok(r)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.and()?;
        while self.eat_word("or") {
            let r = self.and()?;
            l = Expr::Binary(BinOp::Or, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.not()?;
        while self.eat_word("and") {
            let r = self.not()?;
            l = Expr::Binary(BinOp::And, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.eat_word("not") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.err("expression nested too deeply"));
            }
            let e = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Unary(UnOp::Not, Box::new(e)));
        }
        self.binary(0)
    }

    /// Binary levels from comparisons (0) up to multiplication (5).
    fn binary(&mut self, level: usize) -> Result<Expr, ExprError> {
        const LEVELS: &[&[(&str, BinOp)]] = &[
            &[
                ("==", BinOp::Eq),
                ("!=", BinOp::Ne),
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
            ],
            &[("|", BinOp::BitOr)],
            &[("^", BinOp::BitXor)],
            &[("&", BinOp::BitAnd)],
            &[("<<", BinOp::Shl), (">>", BinOp::Shr)],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Mod)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut l = self.binary(level + 1)?;
        'outer: loop {
            for (text, op) in LEVELS[level] {
                if self.eat_op(text) {
                    let r = self.binary(level + 1)?;
                    l = Expr::Binary(*op, Box::new(l), Box::new(r));
                    if level == 0 {
                        // Comparisons do not chain.
                        break 'outer;
                    }
                    continue 'outer;
                }
            }
            break;
        }
        Ok(l)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let op = if self.eat_op("-") {
            Some(UnOp::Neg)
        } else if self.eat_op("~") {
            Some(UnOp::BitNot)
        } else if self.eat_op("!") {
            Some(UnOp::Not)
        } else {
            None
        };
        if let Some(op) = op {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.err("expression nested too deeply"));
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(match (op, e) {
                (UnOp::Neg, Expr::Int(v)) => Expr::Int(-v),
                (UnOp::Neg, Expr::Float(v)) => Expr::Float(-v),
                (op, e) => Expr::Unary(op, Box::new(e)),
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.primary()?;
        loop {
            if self.eat_op(".") {
                let name = self.ident()?;
                if name == "as" && self.eat_op("<") {
                    let ty = self.type_arg(".as<type>")?;
                    e = Expr::Cast(Box::new(e), ty);
                } else if self.eat_op("(") {
                    let args = self.args(")")?;
                    e = Expr::Method(Box::new(e), name, args);
                } else {
                    e = Expr::Attr(Box::new(e), name);
                }
            } else if self.eat_op("[") {
                let i = self.ternary()?;
                self.expect("]")?;
                e = Expr::Index(Box::new(e), Box::new(i));
            } else {
                return Ok(e);
            }
        }
    }

    /// A type name after `<`, up to and with the closing `>`.
    fn type_arg(&mut self, what: &str) -> Result<String, ExprError> {
        let mut ty = String::new();
        while !self.eat_op(">") {
            match self.peek() {
                Some(Tok::Ident(s)) => ty.push_str(s),
                Some(Tok::Op(o)) if matches!(*o, "::" | "[" | "]") => ty.push_str(o),
                _ => return Err(self.err(&format!("expected `>` closing {what}"))),
            }
            self.i += 1;
        }
        if ty.is_empty() {
            return Err(self.err(&format!("{what} needs a type")));
        }
        Ok(ty)
    }

    fn args(&mut self, close: &str) -> Result<Vec<Expr>, ExprError> {
        let mut args = Vec::new();
        if self.eat_op(close) {
            return Ok(args);
        }
        loop {
            args.push(self.ternary()?);
            if self.eat_op(close) {
                return Ok(args);
            }
            self.expect(",")?;
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.err("expected a value"));
        };
        self.i += 1;
        Ok(match tok {
            Tok::Int(v) => Expr::Int(v),
            Tok::Float(v) => Expr::Float(v),
            Tok::Str(s) => Expr::Str(s),
            Tok::Ident(s) if s == "true" => Expr::Bool(true),
            Tok::Ident(s) if s == "false" => Expr::Bool(false),
            Tok::Ident(s)
                if (s == "sizeof" || s == "bitsizeof")
                    && matches!(self.peek(), Some(Tok::Op("<")))
                    && matches!(self.toks.get(self.i + 1), Some((Tok::Ident(_), _))) =>
            {
                self.i += 1;
                let what = format!("{s}<type>");
                Expr::SizeOf(self.type_arg(&what)?, s == "bitsizeof")
            }
            Tok::Ident(s) => {
                if matches!(self.peek(), Some(Tok::Op("::"))) {
                    let mut path = vec![s];
                    while self.eat_op("::") {
                        path.push(self.ident()?);
                    }
                    let last = path.pop().unwrap_or_default();
                    Expr::EnumRef(path, last)
                } else {
                    Expr::Name(s)
                }
            }
            Tok::Op("(") => {
                let e = self.ternary()?;
                self.expect(")")?;
                e
            }
            Tok::Op("[") => Expr::Array(self.args("]")?),
            Tok::Op(_) => {
                self.i -= 1;
                return Err(self.err("expected a value"));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{BinOp, Expr, parse};

    #[test]
    fn precedence_is_pythons() {
        // `value & 0x04 != 0` is `(value & 4) != 0` (elf.ksy relies on it).
        let e = parse("value & 0x04 != 0").expect("parses");
        assert!(matches!(e, Expr::Binary(BinOp::Ne, _, _)));
        let e = parse("a + b * c == d or not e and f").expect("parses");
        assert!(matches!(e, Expr::Binary(BinOp::Or, _, _)));
    }

    #[test]
    fn postfix_forms() {
        for s in [
            "_root.hdr.x[3].to_s('ASCII')",
            "raw.as<f4> / (1 << 30)",
            "sh_type::strtab",
            "elf::bits::b64",
            "[0x7f, 69, 76, 70] == magic",
            "x ? 1.5e3 : -2",
            "_.type == \"IEND\" or _io.eof",
        ] {
            parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        }
    }

    #[test]
    fn sizeof_forms() {
        assert_eq!(
            parse("sizeof<chunk::head> + 1").expect("parses"),
            Expr::Binary(
                BinOp::Add,
                Box::new(Expr::SizeOf("chunk::head".into(), false)),
                Box::new(Expr::Int(1))
            )
        );
        assert_eq!(
            parse("bitsizeof<b12>").expect("parses"),
            Expr::SizeOf("b12".into(), true)
        );
        // A field that happens to be called `sizeof` still compares.
        assert!(matches!(
            parse("sizeof < 3").expect("parses"),
            Expr::Binary(BinOp::Lt, _, _)
        ));
        assert!(parse("sizeof<>").is_err());
        assert!(matches!(
            parse("x.as<a::b>._io").expect("parses"),
            Expr::Attr(_, _)
        ));
    }

    #[test]
    fn errors_name_the_column() {
        let e = parse("a + ").expect_err("bad");
        assert_eq!(e.at, 4);
        assert!(parse("a $ b").is_err());
        let deep = "(".repeat(200) + "1" + &")".repeat(200);
        assert!(parse(&deep).is_err());
    }
}
