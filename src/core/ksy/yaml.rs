//! A YAML tree with line and column on every node, built from `saphyr-parser` events.
//!
//! We build our own small tree instead of using a document loader so that mappings keep every
//! key in order, duplicates included (the gallery's `wav.ksy` repeats `doc-ref`; a lookup takes
//! the last, as `PyYAML` and the Kaitai compiler do), and so that every node, key or value, can
//! be named in an error by its line and column.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::{Pos, SchemaError};

/// Deepest nesting accepted in a template's YAML (a bound on the loader's recursion).
const MAX_YAML_DEPTH: usize = 64;

/// One YAML node and where it starts.
#[derive(Debug, Clone)]
pub struct Y {
    /// Line (1-based) and column (1-based) of the node's first character.
    pub pos: Pos,
    /// The node itself.
    pub kind: YKind,
}

/// The shapes of a YAML node.
#[derive(Debug, Clone)]
pub enum YKind {
    /// A scalar: its text, and whether it was written plain (unquoted).
    Scalar(String, bool),
    /// A sequence.
    Seq(Vec<Y>),
    /// A mapping in source order, duplicate keys kept.
    Map(Vec<(Y, Y)>),
}

impl Y {
    /// The scalar's text, if this is a scalar.
    pub fn str(&self) -> Option<&str> {
        match &self.kind {
            YKind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// True for a plain (unquoted) scalar.
    pub fn is_plain(&self) -> bool {
        matches!(self.kind, YKind::Scalar(_, true))
    }

    /// The entries of a mapping (empty for other nodes).
    pub fn entries(&self) -> &[(Y, Y)] {
        match &self.kind {
            YKind::Map(m) => m,
            _ => &[],
        }
    }

    /// The value of `key` in a mapping: the last one when the key repeats.
    pub fn get(&self, key: &str) -> Option<&Y> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.str() == Some(key))
            .map(|(_, v)| v)
    }

    /// True for a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, YKind::Map(_))
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
    }
}

/// Parses a YAML document into a tree; errors carry the line and column the parser gave.
pub fn load(text: &str) -> Result<Y, SchemaError> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, Y> = HashMap::new();
    loop {
        match next(&mut parser)? {
            (Event::StreamStart | Event::DocumentStart(_), _) => {}
            (Event::StreamEnd, span) => {
                return Err(SchemaError::new(pos_of(&span), "the template is empty"));
            }
            (ev, span) => return node(&mut parser, ev, span, &mut anchors, 0),
        }
    }
}

fn next<'a>(
    p: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
) -> Result<(Event<'a>, Span), SchemaError> {
    match p.next_event() {
        Some(Ok(e)) => Ok(e),
        Some(Err(e)) => Err(SchemaError::new(
            Pos {
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            format!("bad YAML: {}", e.info()),
        )),
        None => Err(SchemaError::new(Pos::default(), "bad YAML: unexpected end")),
    }
}

fn node<'a>(
    p: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
    ev: Event<'a>,
    span: Span,
    anchors: &mut HashMap<usize, Y>,
    depth: usize,
) -> Result<Y, SchemaError> {
    let pos = pos_of(&span);
    if depth > MAX_YAML_DEPTH {
        return Err(SchemaError::new(pos, "YAML nested too deeply"));
    }
    let (y, anchor) = match ev {
        Event::Scalar(text, style, anchor, _) => (
            Y {
                pos,
                kind: YKind::Scalar(text.into_owned(), style == ScalarStyle::Plain),
            },
            anchor,
        ),
        Event::SequenceStart(anchor, _) => {
            let mut items = Vec::new();
            loop {
                let (ev, span) = next(p)?;
                if matches!(ev, Event::SequenceEnd) {
                    break;
                }
                items.push(node(p, ev, span, anchors, depth + 1)?);
            }
            (
                Y {
                    pos,
                    kind: YKind::Seq(items),
                },
                anchor,
            )
        }
        Event::MappingStart(anchor, _) => {
            let mut entries = Vec::new();
            loop {
                let (ev, span) = next(p)?;
                if matches!(ev, Event::MappingEnd) {
                    break;
                }
                let k = node(p, ev, span, anchors, depth + 1)?;
                let (ev, span) = next(p)?;
                let v = node(p, ev, span, anchors, depth + 1)?;
                entries.push((k, v));
            }
            (
                Y {
                    pos,
                    kind: YKind::Map(entries),
                },
                anchor,
            )
        }
        Event::Alias(id) => {
            return anchors
                .get(&id)
                .cloned()
                .ok_or_else(|| SchemaError::new(pos, "YAML alias to an unknown anchor"));
        }
        _ => return Err(SchemaError::new(pos, "unexpected YAML event")),
    };
    if anchor != 0 {
        anchors.insert(anchor, y.clone());
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::load;

    #[test]
    fn duplicate_keys_are_kept_and_the_last_wins() {
        let y = load("a: 1\nb: [x, 'y']\na: 2\n").expect("loads");
        assert_eq!(y.entries().len(), 3);
        assert_eq!(y.get("a").and_then(|v| v.str()), Some("2"));
        let b = y.get("b").expect("b");
        assert_eq!((b.pos.line, b.pos.col), (2, 4));
    }

    #[test]
    fn bad_yaml_names_the_line() {
        let e = load("a: [1, 2\nb: c\n").expect_err("bad");
        assert!(e.pos.line >= 2, "{e}");
    }
}
