//! The terminal front end: state and `update` (app), the command table and keymap, input
//! types, layout, theme, widgets, the search worker and the effectful runtime loop.

pub mod action;
pub mod app;
pub mod commands;
pub mod complete;
pub mod config;
pub mod dispatch;
pub mod edits;
pub mod follow;
pub mod harness;
pub mod help;
pub mod hint;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod line_geom;
pub mod line_view;
pub mod line_worker;
pub mod msg;
pub mod options;
pub mod prompt;
pub mod runtime;
pub mod search;
pub mod search_worker;
pub mod selection;
pub mod settings;
pub mod stdin_worker;
pub mod subst_worker;
pub mod substitute;
pub mod theme;
pub mod typing;
pub mod ui;
pub mod update;
pub mod view;
pub mod wildmenu;
