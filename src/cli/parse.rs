//! `maphex parse`: a file's structure under a `.ksy` template, as indented text, as JSON,
//! or one field's value. The template is `--template PATH|NAME`, else the one whose magic or
//! file extension matches (bundled, or from the template folders).
//!
//! Exit status: 0 parsed, 2 a bad template (with its line:column), no template, or a file
//! that does not match (the offset of the failure; in text mode what was parsed before it is
//! printed first).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::core::ksy::tree::Encoding;
use crate::core::ksy::value::{escape_str, hex_preview};
use crate::core::ksy::{ChildCount, Info, Library, NodeId, NodeKind, Template, Tree, Value};
use crate::core::source::ByteSource;

/// Arguments of `maphex parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// A `.ksy` file, or the name of a template (bundled: png, zip, elf, bmp, wav, gif; or
    /// NAME.ksy in the template folders). Without it the template is chosen by the file's
    /// magic, then its extension.
    #[arg(short = 't', long, value_name = "PATH|NAME")]
    pub template: Option<String>,
    /// Print JSON: an object per node with offset, size and type; fields of a type under
    /// "fields", elements of an array under "items", a value under "value".
    #[arg(long)]
    pub json: bool,
    /// Print only this field's value: a path such as `header.sections[3].name`.
    #[arg(long, value_name = "PATH")]
    pub field: Option<String>,
    /// The file to parse; `-` is standard input.
    pub file: PathBuf,
}

/// Most bytes printed in full in JSON (longer ones are cut and marked "truncated").
const JSON_BYTES: usize = 4096;

/// The template folders from the environment.
pub fn library() -> Library {
    Library::new(Library::default_dirs(
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    ))
}

fn choose(lib: &Library, arg: Option<&str>, name: &str, src: &dyn ByteSource) -> Result<Template> {
    match arg {
        Some(t)
            if Path::new(t)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ksy"))
                || t.contains('/')
                || Path::new(t).is_file() =>
        {
            Ok(lib.load_path(Path::new(t))?)
        }
        Some(t) => Ok(lib.by_name(t)?),
        None => {
            let head = src.read(0..64);
            lib.detect(Some(name), &head).with_context(|| {
                format!(
                    "no template matches {name}: name one with --template PATH|NAME (bundled: png, zip, elf, bmp, wav, gif)"
                )
            })
        }
    }
}

/// Runs `maphex parse`.
pub fn run(args: &ParseArgs) -> Result<ExitCode> {
    let input = crate::cli::inputs(std::slice::from_ref(&args.file), "parse")?
        .pop()
        .context("no input")?;
    let src = input.open()?;
    let lib = library();
    let template = choose(&lib, args.template.as_deref(), &input.name(), &*src)?;
    let src_ref: &dyn ByteSource = &*src;
    let mut tree = Tree::new(template.schema.clone(), src_ref);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut errors = Vec::new();
    let start = match &args.field {
        Some(path) => match tree.lookup(path) {
            Ok(id) => id,
            Err(e) => {
                let root = tree.root();
                first_error(&mut tree, root, &mut errors);
                match errors.first() {
                    Some((p, pe)) => bail!("{e} (the parse stopped in `{p}`: {pe})"),
                    None => bail!("{e}"),
                }
            }
        },
        None => tree.root(),
    };
    if args.field.is_some() && !args.json && tree.info(start).kind == NodeKind::Scalar {
        let info = tree.info(start);
        writeln!(out, "{}", plain_value(&info))?;
    } else if args.json {
        json(&mut tree, start, &mut out, &mut errors)?;
        writeln!(out)?;
    } else {
        text(&mut tree, start, 0, &mut out, &mut errors)?;
    }
    out.flush()?;
    if let Some((path, e)) = errors.first() {
        let more = if errors.len() > 1 {
            format!(" (and {} more errors)", errors.len() - 1)
        } else {
            String::new()
        };
        bail!(
            "{} does not match template {} ({}): {}: {e}{more}",
            input.name(),
            template.name,
            template.origin,
            if path.is_empty() { "<root>" } else { path }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn first_error(tree: &mut Tree<&dyn ByteSource>, id: NodeId, errors: &mut Vec<(String, String)>) {
    let _ = tree.child_count(id);
    if let Some(e) = tree.error(id) {
        errors.push((tree.path(id), e.to_string()));
    }
}

/// A value for `--field`: numbers in decimal, enum names, strings as they are (escaped),
/// bytes in hex.
fn plain_value(info: &Info) -> String {
    match (&info.value, &info.enum_name) {
        (Some(Value::Enum { .. }), Some(n)) => n.clone(),
        (Some(Value::Enum { value, .. }), None) => value.to_string(),
        (Some(Value::Int(v)), _) => v.to_string(),
        (Some(Value::Str(s)), _) => escape_str(s),
        (Some(Value::Bytes(b)), _) => hex(b),
        (Some(v), _) => show(v, info),
        (None, _) => String::new(),
    }
}

/// A value as the tree shows it.
pub fn show(v: &Value, info: &Info) -> String {
    match v {
        Value::Int(i) => format!(
            "{i} ({})",
            if *i < 0 {
                format!("-{:#x}", -i)
            } else {
                format!("{i:#x}")
            }
        ),
        Value::Float(f) => format!("{f}"),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => format!(
            "\"{}\"{}",
            escape_str(s),
            if info.truncated { "…" } else { "" }
        ),
        Value::Bytes(b) => {
            let total = if info.truncated {
                info.size
            } else {
                b.len() as u64
            };
            if b.is_empty() {
                "(empty)".into()
            } else {
                hex_preview(b, total, 16)
            }
        }
        Value::Enum { value, .. } => match &info.enum_name {
            Some(n) => format!("{n} ({value})"),
            None => format!("{value} (not in the enum)"),
        },
        Value::Node(_) => info.type_name.clone(),
        Value::List(l) => format!("[{} items]", l.len()),
        Value::Io(_) => "stream".into(),
        Value::Null => "null".into(),
    }
}

fn text(
    tree: &mut Tree<&dyn ByteSource>,
    id: NodeId,
    depth: usize,
    out: &mut impl Write,
    errors: &mut Vec<(String, String)>,
) -> Result<()> {
    // The whole tree is printed: parse an array to its end first, so its size is known.
    let _ = tree.len(id);
    let info = tree.info(id);
    let pad = "  ".repeat(depth);
    let at = if info.kind == NodeKind::Error || (!info.in_file && info.size == 0) {
        String::new()
    } else {
        format!(
            " @{:#x}+{}{}",
            info.offset,
            info.size,
            if info.in_file { "" } else { " (decoded)" }
        )
    };
    let value = match &info.value {
        // A reference to another node: its path is the type column already.
        Some(Value::Node(_)) | None => String::new(),
        Some(v) => format!(" = {}", show(v, &info)),
    };
    let name = crate::cli::find::display_name(&info.name);
    writeln!(
        out,
        "{pad}{name}: {}{at}{value}",
        crate::cli::find::display_name(&info.type_name)
    )?;
    let n = match tree.child_count(id) {
        ChildCount::Known(n) | ChildCount::AtLeast(n) => n,
    };
    let mut i = 0;
    loop {
        if i >= n && !matches!(tree.child_count(id), ChildCount::AtLeast(_)) {
            break;
        }
        let Some(c) = tree.child(id, i) else { break };
        text(tree, c, depth + 1, out, errors)?;
        i += 1;
    }
    if let Some(e) = tree.error(id) {
        writeln!(out, "{pad}  ! {e}")?;
        // An instance that cannot be computed is shown where it would be; only the fields
        // of the file (its `seq`) decide whether the file matches.
        if info.kind != NodeKind::Error {
            errors.push((tree.path(id), e.to_string()));
        }
    }
    Ok(())
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        // Writing to a String cannot fail.
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' || c.is_control() => {
                use std::fmt::Write as _;
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    let _ = write!(o, "\\u{u:04x}");
                }
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json_value(v: &Value, info: &Info) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => format!("{f:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => json_str(s),
        Value::Bytes(b) => json_str(&hex(&b[..b.len().min(JSON_BYTES)])),
        Value::Enum { value, .. } => format!(
            "{{\"value\":{value},\"name\":{}}}",
            info.enum_name
                .as_deref()
                .map_or("null".to_string(), json_str)
        ),
        Value::Node(_) => json_str(&info.type_name),
        Value::List(l) => format!("{}", l.len()),
        Value::Float(_) | Value::Io(_) | Value::Null => "null".into(),
    }
}

fn json(
    tree: &mut Tree<&dyn ByteSource>,
    id: NodeId,
    out: &mut impl Write,
    errors: &mut Vec<(String, String)>,
) -> Result<()> {
    // The whole tree is printed: parse an array to its end first, so its size is known.
    let _ = tree.len(id);
    let info = tree.info(id);
    write!(
        out,
        "{{\"offset\":{},\"size\":{},\"type\":{}",
        info.offset,
        info.size,
        json_str(&info.type_name)
    )?;
    if !info.in_file {
        write!(out, ",\"in_file\":false")?;
    }
    if let Some(v) = &info.value {
        write!(out, ",\"value\":{}", json_value(v, &info))?;
        let long_bytes = matches!(v, Value::Bytes(b) if b.len() > JSON_BYTES);
        if info.truncated || long_bytes {
            write!(out, ",\"truncated\":true")?;
        }
    }
    if let Some(Encoding::Bits { .. }) = tree.encoding(id) {
        write!(out, ",\"bits\":true")?;
    }
    match info.kind {
        NodeKind::Struct | NodeKind::Array => {
            let is_array = info.kind == NodeKind::Array;
            write!(
                out,
                ",{}",
                if is_array {
                    "\"items\":["
                } else {
                    "\"fields\":{"
                }
            )?;
            let mut i = 0;
            while let Some(c) = tree.child(id, i) {
                if i > 0 {
                    write!(out, ",")?;
                }
                if !is_array {
                    let name = tree.info(c).name;
                    write!(out, "{}:", json_str(&name))?;
                }
                json(tree, c, out, errors)?;
                i += 1;
            }
            write!(out, "{}", if is_array { "]" } else { "}" })?;
        }
        _ => {}
    }
    if let Some(e) = tree.error(id) {
        write!(
            out,
            ",\"error\":{{\"offset\":{},\"message\":{}}}",
            e.offset,
            json_str(&e.msg)
        )?;
        // An instance that cannot be computed is shown where it would be; only the fields
        // of the file (its `seq`) decide whether the file matches.
        if info.kind != NodeKind::Error {
            errors.push((tree.path(id), e.to_string()));
        }
    }
    write!(out, "}}")?;
    Ok(())
}
