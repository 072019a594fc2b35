//! Rendering: tables, JSON, CSV, the terminal chart and the HTML report, built from the
//! evaluation's result types and the diary, never re-deriving clinical values. Returns text;
//! the caller decides where it goes.
pub mod ablation_json;
pub mod ablation_table;
pub mod chart;
pub mod entries;
pub mod evaluation_json;
pub mod evaluation_table;
pub mod html;
pub mod protocols;
pub mod rationale;
pub mod rfa_chart;
pub mod round;
pub mod sanitize;
pub mod table;

pub use round::round1;

use crate::diary::Timestamp;

/// A time for people: `2026-11-20 09:30 -07:00` (its own offset, no seconds).
pub fn display_time(t: &Timestamp) -> String {
    t.time().format("%Y-%m-%d %H:%M %:z").to_string()
}

/// A rounded percentage for people (`73.3 %`), `–` when there is none.
pub fn display_pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1} %", round1(v)))
}
pub use sanitize::terminal_text;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// A table in the house style. On a terminal it wraps to the terminal's width (comfy-table
/// asks the terminal); into a pipe or a file it is as wide as its content. Colour is added by
/// the caller only when colour is wanted.
pub fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}
