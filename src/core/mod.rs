//! The pure model: mapping, document, patches and history, cursor, search, classification.
//!
//! Nothing here imports ratatui, crossterm, clap or anyhow, prints, spawns threads or reads a
//! clock. It compiles and tests with no terminal.

pub mod classify;
pub mod cursor;
pub mod diff;
pub mod document;
pub mod dump;
pub mod expr;
pub mod history;
pub mod inspector;
pub mod journal;
pub mod ksy;
pub mod layout;
pub mod lines;
pub mod mapping;
pub mod overlay;
pub mod patch;
pub mod pieces;
pub mod relayout;
pub mod replace;
pub mod search;
pub mod shift;
pub mod source;
pub mod spool;
pub mod text;
