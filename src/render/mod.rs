//! Rendering: tables, JSON, CSV, the terminal chart and the HTML report, built from the
//! evaluation's result types and the diary, never re-deriving clinical values. Returns text;
//! the caller decides where it goes.
pub mod chart;
pub mod entries;
pub mod evaluation_json;
pub mod evaluation_table;
pub mod html;
pub mod protocols;
pub mod round;
pub mod sanitize;

pub use round::round1;
pub use sanitize::terminal_text;
