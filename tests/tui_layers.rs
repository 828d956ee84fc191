//! Dependencies inside `src/tui` point one way: no file imports another that (through any
//! chain) imports it back. A file's dependencies are the `crate::tui::…` and `super::…` paths
//! it names outside comments and test modules. Also: `src/core` never names the terminal,
//! CLI or TUI layers.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use std::path::{Path, PathBuf};
use support::rust_files;

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code(src: &str) -> String {
    let src = src.split("#[cfg(test)]").next().unwrap_or(src);
    src.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Module path under `tui` of a file: `app`, `ui::status`, `ui` for `ui/mod.rs`.
fn module_of(tui: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(tui).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Paths named after `crate::tui::` or `super::` (groups `{a, b::c}` expanded).
fn named_paths(code: &str, me: &[String]) -> Vec<Vec<String>> {
    // `super` of `a::b` (a/b.rs) is `a`, and of `a` (a/mod.rs) the crate level above it.
    let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
    let mut out = Vec::new();
    for (prefix, base) in [("crate::tui::", Vec::new()), ("super::", parent)] {
        let mut rest = code;
        while let Some(i) = rest.find(prefix) {
            let before_ok = prefix != "super::"
                || i == 0
                || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            rest = &rest[i + prefix.len()..];
            if !before_ok {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let item = item.trim().split(" as ").next().unwrap_or("").trim();
                    if !item.is_empty() {
                        let mut p = base.clone();
                        p.extend(item.split("::").map(str::to_string));
                        out.push(p);
                    }
                }
                continue;
            }
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut p = base.clone();
            p.extend(
                path.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            out.push(p);
        }
    }
    out
}

/// The module graph of `src/tui`: file module → the modules it names.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let tui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    rust_files(&tui, &mut files);
    let mods: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_of(&tui, f), f.clone()))
        .collect();
    let mut g = BTreeMap::new();
    for (m, f) in &mods {
        let src = code(&std::fs::read_to_string(f).unwrap());
        let mut deps = BTreeSet::new();
        for p in named_paths(&src, m) {
            // The longest prefix that is a module file.
            if let Some(k) = (1..=p.len()).rev().find(|&k| mods.contains_key(&p[..k])) {
                let dep = p[..k].to_vec();
                // A folder's face (`ui/mod.rs`) re-exporting its children is not a dependency
                // of a child on its siblings.
                if dep != *m && !dep.is_empty() {
                    deps.insert(dep);
                }
            }
        }
        g.insert(m.clone(), deps);
    }
    g
}

/// Tarjan's state: the next index, each module's (index, low link), the stack, what is on it.
type Tarjan = (
    usize,
    BTreeMap<Vec<String>, (usize, usize)>,
    Vec<Vec<String>>,
    BTreeSet<Vec<String>>,
);

/// Every circle, as the modules on it, each reported once.
fn circles(g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    // Strongly connected components (Tarjan, iterative enough for a few dozen files).
    fn visit(
        v: &Vec<String>,
        g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut Tarjan,
        out: &mut Vec<Vec<String>>,
    ) {
        let idx = state.0;
        state.0 += 1;
        state.1.insert(v.clone(), (idx, idx));
        state.2.push(v.clone());
        state.3.insert(v.clone());
        for w in g.get(v).into_iter().flatten() {
            if !state.1.contains_key(w) {
                visit(w, g, state, out);
                let low_w = state.1[w].1;
                let e = state.1.get_mut(v).unwrap();
                e.1 = e.1.min(low_w);
            } else if state.3.contains(w) {
                let idx_w = state.1[w].0;
                let e = state.1.get_mut(v).unwrap();
                e.1 = e.1.min(idx_w);
            }
        }
        let (i, low) = state.1[v];
        if i == low {
            let mut comp = Vec::new();
            while let Some(w) = state.2.pop() {
                state.3.remove(&w);
                comp.push(w.join("::"));
                if w == *v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                out.push(comp);
            }
        }
    }
    let mut state = (0, BTreeMap::new(), Vec::new(), BTreeSet::new());
    let mut out = Vec::new();
    for v in g.keys() {
        if !state.1.contains_key(v) {
            visit(v, g, &mut state, &mut out);
        }
    }
    out
}

#[test]
fn no_import_circles_in_the_tui() {
    let g = graph();
    assert!(g.len() > 20, "the walk found only {} modules", g.len());
    let found = circles(&g);
    assert!(found.is_empty(), "import circles in src/tui: {found:?}");
}

#[test]
fn the_circle_finder_finds_circles() {
    let m = |s: &str| s.split("::").map(str::to_string).collect::<Vec<_>>();
    let mut g = BTreeMap::new();
    g.insert(m("a"), BTreeSet::from([m("b")]));
    g.insert(m("b"), BTreeSet::from([m("c")]));
    g.insert(m("c"), BTreeSet::from([m("a")]));
    g.insert(m("d"), BTreeSet::from([m("a")]));
    assert_eq!(circles(&g), [vec!["a", "b", "c"]]);
    assert_eq!(
        named_paths(
            "use crate::tui::{app::App, view};\nuse super::put;",
            &m("ui::status"),
        ),
        [m("app::App"), m("view"), m("ui::put")]
    );
}

#[test]
fn the_core_names_no_terminal_cli_or_tui() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut files = Vec::new();
    rust_files(&core, &mut files);
    for f in files {
        let src = code(&std::fs::read_to_string(&f).unwrap());
        for bad in [
            "ratatui",
            "crossterm",
            "clap::",
            "anyhow",
            "crate::tui",
            "crate::cli",
        ] {
            assert!(!src.contains(bad), "{} names {bad}", f.display());
        }
    }
}
