//! The structure pane's part of `App`: the `t` key and the pane's own keys, `:template` and
//! `:field`, the template the runtime loaded, and the refresh after every message that keeps
//! the pane in step with the document and the hex cursor (state in `tui::structure`).
//!
//! Decisions: a template found on open (by `file-extension`, then by the first field's
//! magic) is only announced on the message line; the pane opens when asked (`t`,
//! `:template`, `--template`). Moving in the tree moves the hex cursor to the field; moving
//! the hex cursor selects the innermost field under it, unfolding the path to it. An edit
//! (`e`, or Enter on a value) goes through the `:` prompt as `:field VALUE`, so it is in the
//! command history and can be typed too; it is one undo step, and the tree is parsed anew.

use crate::core::document::{EditError, Mode};
use crate::core::ksy::Template;
use crate::core::ksy::encode::encode;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, InputMode, Prompt, PromptKind};
use crate::tui::layout::{Layout, hex_width};
use crate::tui::prompt::LineEdit;
use crate::tui::structure::{Structure, TemplateRequest, TemplateSpec, editable, pane_rows};
use crate::tui::view::Pane;

/// Columns the hex view keeps beside the pane (8 bytes a row, offsets and text included).
const DATA_MIN: u16 = 43;
/// Columns the hex view needs for 16 bytes a row (8 offset digits and 2 spaces, 16 bytes in
/// two groups of 8 and 2 spaces, 16 characters).
const DATA_16: u16 = 76;
/// The narrowest pane worth showing, and the widest.
const PANE_MIN: u16 = 34;
const PANE_MAX: u16 = 72;

/// The pane's width on a terminal `width` columns wide; `None` when it does not fit.
pub fn pane_width(width: u16) -> Option<u16> {
    if width >= DATA_16 + 40 {
        Some((width - DATA_16).min(PANE_MAX))
    } else if width >= DATA_MIN + PANE_MIN {
        Some((width - DATA_MIN).min(PANE_MAX))
    } else {
        None
    }
}

impl App {
    /// The focused view's structure, if it has a template.
    pub fn structure(&self) -> Option<&Structure> {
        self.structures.get(self.view().id())
    }

    /// The focused view's structure, to change it.
    pub fn structure_mut(&mut self) -> Option<&mut Structure> {
        let id = self.view().id();
        self.structures.get_mut(id)
    }

    /// The columns the structure pane takes now (`None`: not shown: closed, the line view,
    /// or a terminal too narrow and the keys in the hex view). On a terminal too narrow for
    /// the hex view beside it, the pane takes the whole width while it has the keys.
    pub fn structure_width(&self) -> Option<u16> {
        let st = self.structure()?;
        if !st.open || self.settings.line_view {
            return None;
        }
        self.beside_width().or(st.focus.then_some(self.size.0))
    }

    /// The pane's width beside the hex view: [`pane_width`], and the columns the data rows
    /// would leave empty on their right (bytes a row come in powers of two, and offsets
    /// may need more digits), up to the widest pane.
    fn beside_width(&self) -> Option<u16> {
        let (w, h) = self.size;
        let pw = pane_width(w)?;
        let l = Layout::new(w - pw, h, self.doc().len(), self.cols, &self.settings);
        let used = match (l.hex_x, l.text_x) {
            (_, Some(t)) => t + l.cols,
            (Some(x), None) => x + hex_width(l.cols, l.group),
            (None, None) => 0,
        };
        let slack = usize::from(w - pw).saturating_sub(used);
        let slack = u16::try_from(slack).unwrap_or(0);
        Some(pw.max(pw.saturating_add(slack).min(PANE_MAX)))
    }

    /// True when the pane is shown over the whole screen (a narrow terminal), hiding the
    /// hex view.
    pub fn structure_covers(&self) -> bool {
        self.structure_width().is_some() && pane_width(self.size.0).is_none()
    }

    /// The columns the data rows give up to the pane (none when it covers them).
    pub(crate) fn structure_beside(&self) -> u16 {
        if self.structure_covers() {
            0
        } else {
            self.structure_width().unwrap_or(0)
        }
    }

    /// True when the pane is shown and has the keyboard.
    pub fn structure_focused(&self) -> bool {
        self.structure_width().is_some() && self.structure().is_some_and(|s| s.focus)
    }

    /// Rows of the tree on screen (the pane's title and footer take the others).
    fn tree_rows(&self) -> usize {
        pane_rows(self.layout().rows).0.max(1)
    }

    /// `t`: finds a template (first time), shows the pane, gives it focus, or hides it.
    pub(crate) fn toggle_structure(&mut self) -> Option<Effect> {
        let id = self.view().id();
        let Some(st) = self.structures.get_mut(id) else {
            return Some(Effect::Template(TemplateRequest {
                view: id,
                spec: TemplateSpec::Detect,
                auto: false,
            }));
        };
        if st.open && st.focus {
            st.open = false;
            st.focus = false;
        } else {
            st.open = true;
            st.focus = true;
            st.narrow_said = false;
            self.view_mut().search.pane_focus = false;
        }
        self.scroll_to_cursor();
        None
    }

    /// Tab from the text pane (or the only pane) goes to the tree when it is shown.
    pub(crate) fn tab_to_structure(&mut self) -> bool {
        let last =
            !(self.settings.show_hex && self.settings.show_text) || self.view().pane == Pane::Text;
        let open = self.structure().is_some_and(|s| s.open) && !self.settings.line_view;
        if !last || !open || matches!(self.mode, InputMode::Edit { .. }) {
            return false;
        }
        if let Some(st) = self.structure_mut() {
            st.focus = true;
        }
        true
    }

    /// The structure pane's keys.
    pub(crate) fn structure_action(&mut self, action: Action) -> Option<Effect> {
        let h = self.tree_rows();
        let page = i64::try_from(h.saturating_sub(1).max(1)).unwrap_or(1);
        let id = self.view().id();
        let mut st = self.structures.remove(id)?;
        let mut edit = false;
        match action {
            Action::TreeDown => st.move_by(1, h),
            Action::TreeUp => st.move_by(-1, h),
            Action::TreePageDown => st.move_by(page, h),
            Action::TreePageUp => st.move_by(-page, h),
            Action::TreeFirst => st.first(h),
            Action::TreeLast => st.last(h),
            Action::TreeUnfold => {
                st.unfold(h);
            }
            Action::TreeFold => st.fold(h),
            Action::TreeToggle => {
                let open = st
                    .rows
                    .iter()
                    .any(|r| r.selected && r.fold == crate::tui::structure::Fold::Open);
                if open {
                    st.fold(h);
                } else if !st.unfold(h) {
                    edit = true;
                }
            }
            Action::TreeEdit => edit = true,
            _ => {
                st.focus = false;
                self.view_mut().pane = Pane::Hex;
            }
        }
        let target = st
            .selected_info()
            .and_then(|(_, info)| info.in_file.then_some(info.offset));
        let value = st.selected_info().map(|(_, info)| (editable(&info), info));
        self.structures.set(id, st);
        if let Some(off) = target.filter(|_| !edit) {
            self.goto(off);
            let at = self.cursor();
            if let Some(s) = self.structure_mut() {
                s.synced = Some(at);
            }
        }
        if edit {
            match value {
                Some((Some(text), _)) => {
                    self.mode = InputMode::Prompt(Prompt {
                        kind: PromptKind::Command,
                        line: LineEdit::with_text(&format!("field {text}")),
                    });
                }
                Some((None, info)) => self.error(format!(
                    "{} ({}) is not a value that can be typed here; select an integer, enum, string or byte field",
                    info.name, info.type_name
                )),
                None => self.error("no field selected"),
            }
        }
        None
    }

    /// `:template NAME|PATH`, `:template` (find one for this file), `:template off`.
    pub(crate) fn template_command(&mut self, arg: &str) -> Option<Effect> {
        let id = self.view().id();
        if arg == "off" {
            if self.structures.remove(id).is_some() {
                self.info("structure pane closed; :template or t finds a template again");
                self.scroll_to_cursor();
            } else {
                self.info("no template in use");
            }
            return None;
        }
        let spec = if arg.is_empty() {
            TemplateSpec::Detect
        } else {
            TemplateSpec::Named(arg.to_string())
        };
        Some(Effect::Template(TemplateRequest {
            view: id,
            spec,
            auto: false,
        }))
    }

    /// What the runtime loaded for `:template`, `t` or on open.
    pub(crate) fn on_template(
        &mut self,
        view: crate::tui::view::ViewId,
        result: Result<Template, String>,
        auto: bool,
    ) {
        let Some(i) = self.index_of(view) else { return };
        match result {
            Ok(t) if auto => {
                if self.structures.get(view).is_none() {
                    let st = Structure::new(&t, self.views()[i].doc());
                    self.structures.set(view, st);
                    // Said only over a plain message: a warning from opening (a journal, a
                    // recovery file, read-only) stays on the line.
                    self.in_view(i, |app| {
                        let plain = app
                            .message
                            .as_ref()
                            .is_none_or(|(_, sev)| *sev == crate::tui::app::Severity::Info);
                        if plain {
                            app.info(format!("template {} found: t shows the structure", t.name));
                        }
                    });
                }
            }
            Ok(t) => self.in_view(i, |app| app.set_template(&t)),
            Err(e) if !auto => self.in_view(i, |app| app.error(e)),
            Err(_) => {}
        }
    }

    /// Uses `template` for the focused view and shows the pane with focus (`:template`,
    /// `--template`).
    pub fn set_template(&mut self, template: &Template) {
        let mut st = Structure::new(template, self.doc());
        st.open = true;
        st.focus = true;
        let id = self.view().id();
        self.structures.set(id, st);
        self.view_mut().search.pane_focus = false;
        self.info(format!(
            "template {} ({}): j/k move, l/h unfold and fold, e edits a value, Tab goes back",
            template.name, template.origin
        ));
        self.scroll_to_cursor();
    }

    /// `:field VALUE`: writes VALUE over the selected field's bytes, in its encoding.
    pub(crate) fn field_command(&mut self, text: &str) -> Option<Effect> {
        let h = self.tree_rows();
        let id = self.view().id();
        let Some(mut st) = self.structures.remove(id) else {
            self.error("no template: t or :template NAME opens the structure pane");
            return None;
        };
        let r = self.write_field(&mut st, text, h);
        self.structures.set(id, st);
        match r {
            Ok((path, range)) => {
                self.info(format!("{path} set to {text}; u undoes"));
                self.search_after_edit(Some(range))
            }
            Err(e) => {
                self.error(e);
                None
            }
        }
    }

    fn write_field(
        &mut self,
        st: &mut Structure,
        text: &str,
        height: usize,
    ) -> Result<(String, std::ops::Range<u64>), String> {
        if self.doc().mode() == Mode::ReadOnly {
            return Err(crate::tui::hint::edit(&EditError::ReadOnly));
        }
        st.rebuild_if_stale(self.doc());
        let sel = st
            .selected()
            .ok_or("no field selected in the structure pane")?;
        let tree = st.tree_mut();
        let path = tree.path(sel);
        let range = tree.file_range(sel).ok_or_else(|| {
            format!("{path} is not in the file as it is (computed, or in decoded data): it cannot be written")
        })?;
        let bytes = encode(tree, sel, text).map_err(|e| format!("cannot set {path}: {e}"))?;
        if bytes.len() as u64 != range.end - range.start {
            return Err(format!(
                "cannot set {path}: {} bytes for a field of {}",
                bytes.len(),
                range.end - range.start
            ));
        }
        self.doc_mut()
            .write(range.start, &bytes)
            .map_err(|e| crate::tui::hint::edit(&e))?;
        st.rebuild_if_stale(self.doc());
        st.select_path(&path, height);
        st.synced = Some(self.cursor());
        Ok((path, range))
    }

    /// After every message: the tree follows the document (rebuilt after an edit) and the
    /// hex cursor, and the rows on screen are made.
    pub(crate) fn structure_refresh(&mut self) {
        let id = self.view().id();
        let Some(mut st) = self.structures.remove(id) else {
            return;
        };
        st.rebuild_if_stale(self.doc());
        let visible = st.open && !self.settings.line_view;
        let covers = visible && pane_width(self.size.0).is_none();
        if covers && st.focus && !st.narrow_said {
            self.info(format!(
                "Tab or t: back to the hex view (the structure pane covers it below {} columns)",
                DATA_MIN + PANE_MIN
            ));
            st.narrow_said = true;
        } else if !covers {
            st.narrow_said = false;
        }
        if visible && (st.focus || !covers) {
            let h = self.tree_rows();
            let at = self.cursor();
            if st.synced != Some(at) {
                st.select_at(at, h);
                st.synced = Some(at);
            }
            st.refresh(h);
        }
        self.structures.set(id, st);
    }
}
