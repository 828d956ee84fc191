//! Property test of the expression evaluator: random integer expression trees are printed
//! to text, parsed by the template loader, evaluated over a tree, and compared with a direct
//! Rust evaluation (Python-style floor division and modulo, exact integers; an overflow or a
//! division by zero must be an error, never a panic).

#![allow(clippy::many_single_char_names)]

use std::sync::Arc;

use maphex::core::ksy::schema::NoImports;
use maphex::core::ksy::{Schema, Tree, Value};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum E {
    Lit(i64),
    X,
    Y,
    Neg(Box<E>),
    Not(Box<E>),
    Bin(&'static str, Box<E>, Box<E>),
    Shift(&'static str, Box<E>, u8),
    Cmp(&'static str, Box<E>, Box<E>, Box<E>, Box<E>),
}

const X: i128 = 0x1234_5678;
const Y: i128 = -1234;

fn floor_div(a: i128, b: i128) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    Some(if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

fn floor_mod(a: i128, b: i128) -> Option<i128> {
    a.checked_sub(floor_div(a, b)?.checked_mul(b)?)
}

fn eval(e: &E) -> Option<i128> {
    Some(match e {
        E::Lit(v) => i128::from(*v),
        E::X => X,
        E::Y => Y,
        E::Neg(a) => eval(a)?.checked_neg()?,
        E::Not(a) => !eval(a)?,
        E::Bin(op, a, b) => {
            let (a, b) = (eval(a)?, eval(b)?);
            match *op {
                "+" => a.checked_add(b)?,
                "-" => a.checked_sub(b)?,
                "*" => a.checked_mul(b)?,
                "/" => floor_div(a, b)?,
                "%" => floor_mod(a, b)?,
                "&" => a & b,
                "|" => a | b,
                _ => a ^ b,
            }
        }
        E::Shift(op, a, n) => {
            let a = eval(a)?;
            if *op == "<<" {
                let r = a.checked_shl(u32::from(*n))?;
                if r >> n != a {
                    return None;
                }
                r
            } else {
                a >> n
            }
        }
        E::Cmp(op, a, b, t, f) => {
            let (a, b) = (eval(a)?, eval(b)?);
            let c = match *op {
                "==" => a == b,
                "!=" => a != b,
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                _ => a >= b,
            };
            if c { eval(t)? } else { eval(f)? }
        }
    })
}

fn print(e: &E) -> String {
    match e {
        E::Lit(v) if *v < 0 => format!("({v})"),
        E::Lit(v) => {
            if v % 3 == 0 {
                format!("{v:#x}")
            } else {
                v.to_string()
            }
        }
        E::X => "x".into(),
        E::Y => "y".into(),
        E::Neg(a) => format!("(-{})", print(a)),
        E::Not(a) => format!("(~{})", print(a)),
        E::Bin(op, a, b) => format!("({} {op} {})", print(a), print(b)),
        E::Shift(op, a, n) => format!("({} {op} {n})", print(a)),
        E::Cmp(op, a, b, t, f) => {
            format!(
                "({} {op} {} ? {} : {})",
                print(a),
                print(b),
                print(t),
                print(f)
            )
        }
    }
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        (-1000i64..1000).prop_map(E::Lit),
        any::<i64>().prop_map(E::Lit),
        Just(E::X),
        Just(E::Y),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            inner.clone().prop_map(|a| E::Not(Box::new(a))),
            (
                prop::sample::select(vec!["+", "-", "*", "/", "%", "&", "|", "^"]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| E::Bin(op, Box::new(a), Box::new(b))),
            (
                prop::sample::select(vec!["<<", ">>"]),
                inner.clone(),
                0u8..70
            )
                .prop_map(|(op, a, n)| E::Shift(op, Box::new(a), n)),
            (
                prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]),
                inner.clone(),
                inner.clone(),
                inner.clone(),
                inner
            )
                .prop_map(|(op, a, b, t, f)| E::Cmp(
                    op,
                    Box::new(a),
                    Box::new(b),
                    Box::new(t),
                    Box::new(f)
                )),
        ]
    })
}

fn run(text: &str) -> Result<Value, String> {
    let ksy = format!(
        "meta:\n  id: t\n  endian: le\nseq:\n  - id: x\n    type: u4\n  - id: y\n    type: s2\ninstances:\n  v:\n    value: '{text}'\n"
    );
    let schema = Schema::load(&ksy, &NoImports).map_err(|e| format!("load: {e}"))?;
    let mut bytes = (X as u32).to_le_bytes().to_vec();
    bytes.extend_from_slice(&(Y as i16).to_le_bytes());
    let mut tree = Tree::new(Arc::new(schema), bytes);
    let v = tree.lookup("v")?;
    match tree.error(v) {
        Some(e) => Err(e.to_string()),
        None => tree.value(v).map_err(|e| e.to_string()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn evaluator_matches_rust(e in expr()) {
        let text = print(&e);
        let got = run(&text);
        match eval(&e) {
            Some(want) => prop_assert_eq!(got, Ok(Value::Int(want)), "{}", text),
            None => prop_assert!(got.is_err(), "{} should fail, gave {:?}", text, got),
        }
    }
}

#[test]
fn precedence_without_parentheses() {
    for (text, want) in [
        ("1 + 2 * 3", 7),
        ("10 - 4 - 3", 3),
        ("1 << 2 + 1", 8),
        ("7 & 3 == 3 ? 1 : 0", 1),
        ("6 | 1 ^ 3 & 2", 6 | (1 ^ (3 & 2))),
        ("-7 / 2", -4),
        ("-7 % 4", 1),
        ("not false and true ? 5 : 6", 5),
        ("x > 0 and y < 0 ? x % 16 : 0", X % 16),
    ] {
        assert_eq!(run(text), Ok(Value::Int(want)), "{text}");
    }
}
