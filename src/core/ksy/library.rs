//! Where templates come from: the bundled ones (written for maphex from the format
//! specifications, compiled into the binary) and the template folders
//! (`$XDG_CONFIG_HOME/maphex/templates`, else `~/.config/maphex/templates`). A template in
//! a folder wins over a bundled one of the same name.
//!
//! A file's template is found by its `contents` magic (the first field of the root type),
//! then by `meta/file-extension`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::SchemaError;
use super::schema::{Resolver, Schema};

/// The bundled templates: name and text.
pub const BUNDLED: &[(&str, &str)] = &[
    ("png", include_str!("../../../templates/png.ksy")),
    ("zip", include_str!("../../../templates/zip.ksy")),
    ("elf", include_str!("../../../templates/elf.ksy")),
    ("bmp", include_str!("../../../templates/bmp.ksy")),
    ("wav", include_str!("../../../templates/wav.ksy")),
    ("gif", include_str!("../../../templates/gif.ksy")),
];

/// A loaded template and where it came from.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its name (file stem, or bundled name).
    pub name: String,
    /// `bundled` or the file's path.
    pub origin: String,
    /// The compiled template.
    pub schema: Arc<Schema>,
}

/// Why a template could not be had.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// No template of that name anywhere.
    #[error("no template named `{name}` (bundled: {}; or put {name}.ksy in {dirs})", BUNDLED.iter().map(|b| b.0).collect::<Vec<_>>().join(", "))]
    NotFound {
        /// The name asked for.
        name: String,
        /// The folders searched, for the message.
        dirs: String,
    },
    /// The file could not be read.
    #[error("cannot read template {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The template is not valid.
    #[error("{0}")]
    Schema(#[from] SchemaError),
}

/// The bundled templates plus the template folders.
#[derive(Debug, Clone, Default)]
pub struct Library {
    dirs: Vec<PathBuf>,
}

impl Library {
    /// A library searching `dirs` (first wins) before the bundled templates.
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Library { dirs }
    }

    /// The template folders for these environment values: `$XDG_CONFIG_HOME/maphex/templates`
    /// when set, and `$HOME/.config/maphex/templates`.
    pub fn default_dirs(xdg_config_home: Option<PathBuf>, home: Option<PathBuf>) -> Vec<PathBuf> {
        let mut v = Vec::new();
        if let Some(x) = xdg_config_home.filter(|p| p.is_absolute()) {
            v.push(x.join("maphex").join("templates"));
        }
        if let Some(h) = home {
            let p = h.join(".config").join("maphex").join("templates");
            if !v.contains(&p) {
                v.push(p);
            }
        }
        v
    }

    /// The folders searched.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn compile(&self, text: &str, name: &str, origin: &str) -> Result<Template, SchemaError> {
        let schema = Schema::load(text, self).map_err(|e| e.in_file(origin))?;
        Ok(Template {
            name: name.to_string(),
            origin: origin.to_string(),
            schema: Arc::new(schema),
        })
    }

    /// Loads a template file.
    pub fn load_path(&self, path: &Path) -> Result<Template, LibraryError> {
        let text = std::fs::read_to_string(path).map_err(|source| LibraryError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lib = Library {
            dirs: path
                .parent()
                .map(Path::to_path_buf)
                .into_iter()
                .chain(self.dirs.iter().cloned())
                .collect(),
        };
        Ok(lib.compile(&text, &name, &path.display().to_string())?)
    }

    /// A template by name: `NAME.ksy` in a folder, else the bundled one.
    pub fn by_name(&self, name: &str) -> Result<Template, LibraryError> {
        for d in &self.dirs {
            let p = d.join(format!("{name}.ksy"));
            if p.is_file() {
                return self.load_path(&p);
            }
        }
        match BUNDLED.iter().find(|b| b.0 == name) {
            Some((n, text)) => Ok(self.compile(text, n, "bundled")?),
            None => Err(LibraryError::NotFound {
                name: name.to_string(),
                dirs: self
                    .dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            }),
        }
    }

    /// Every template: the folders' (`.ksy` files, first folder wins) then the bundled ones
    /// not overridden. Templates that fail to load are returned as errors.
    pub fn all(&self) -> Vec<Result<Template, LibraryError>> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for d in &self.dirs {
            let Ok(rd) = std::fs::read_dir(d) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "ksy"))
                .collect();
            paths.sort();
            for p in paths {
                let stem = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if seen.insert(stem) {
                    out.push(self.load_path(&p));
                }
            }
        }
        for (n, text) in BUNDLED {
            if seen.insert((*n).to_string()) {
                out.push(self.compile(text, n, "bundled").map_err(LibraryError::from));
            }
        }
        out
    }

    /// The template for a file: the first whose magic starts `head`, else the first whose
    /// `file-extension` is the file name's extension.
    pub fn detect(&self, file_name: Option<&str>, head: &[u8]) -> Option<Template> {
        let all: Vec<Template> = self.all().into_iter().filter_map(Result::ok).collect();
        if let Some(t) = all.iter().find(|t| {
            t.schema
                .magic
                .as_ref()
                .is_some_and(|m| !m.is_empty() && head.starts_with(m))
        }) {
            return Some(t.clone());
        }
        let ext = file_name
            .and_then(|f| Path::new(f).extension())
            .map(|e| e.to_string_lossy().to_lowercase())?;
        all.into_iter().find(|t| t.schema.extensions.contains(&ext))
    }
}

impl Resolver for Library {
    fn resolve(&self, name: &str) -> Option<(String, String)> {
        let rel = name.trim_start_matches('/');
        let base = rel.rsplit('/').next().unwrap_or(rel);
        for d in &self.dirs {
            for p in [d.join(format!("{rel}.ksy")), d.join(format!("{base}.ksy"))] {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    return Some((t, p.display().to_string()));
                }
            }
        }
        BUNDLED
            .iter()
            .find(|b| b.0 == base)
            .map(|b| (b.1.to_string(), format!("bundled {}", b.0)))
    }
}
