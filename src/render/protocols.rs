//! `protocols`: the built-in protocols as a table or JSON, with their sources.

use super::evaluation_json::protocol_json;
use super::evaluation_table::{fitted, wrapped};
use super::rationale::wrap;
use super::table::{Column, Table};
use crate::evaluation::{
    ANALGESIC_LOOKBACK_MINUTES, BASELINE_WINDOW_MINUTES, DEFAULT_WINDOW_MINUTES, EVERY_BLOCK_KIND,
    MAX_ONSET_MINUTES, MIN_BASELINE, MIN_POST_READINGS, MIN_SUSTAINED, PARTIAL_PCT, PROTOCOLS,
    Protocol, fmt_pct as fmt,
};
use crate::time_input::format_minutes;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// The notes below the table are wrapped to this many columns at most.
const PROSE_WIDTH: usize = 80;

/// A JSON array with one object per protocol.
pub fn protocols_json() -> String {
    Value::Array(PROTOCOLS.iter().map(protocol_json).collect()).to_string()
}

fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// A table for people, then the sources, fitted to `COLUMNS` or the terminal's width (see
/// [`super::table::terminal_width`]).
pub fn protocols_table() -> String {
    protocols_text(super::table::terminal_width())
}

/// [`protocols_table`] for `width` display columns (`None`: no limit): the table fits with
/// whole words (see [`super::table`]); the notes below it are wrapped to at most 80 columns.
pub fn protocols_text(width: Option<usize>) -> String {
    let mut out = protocol_tables(width);
    let prose = width.map_or(PROSE_WIDTH, |w| w.clamp(1, PROSE_WIDTH));
    out.push('\n');
    let every = format!(
        "For every protocol: baseline = mean score in the {} before the block (at least \
         {}/10; only scores rated during an activity when any baseline score was), at least {} \
         scores in the {} window after it, relief in at least {} consecutive scores, first seen \
         within {} when the first hour was scored, no extra pain medicine from {} before the \
         block (regular medicines continue), P = {} %, earlier blocks on the same target at most \
         183 days old.",
        format_minutes(BASELINE_WINDOW_MINUTES),
        fmt(MIN_BASELINE),
        MIN_POST_READINGS,
        format_minutes(DEFAULT_WINDOW_MINUTES),
        MIN_SUSTAINED,
        format_minutes(MAX_ONSET_MINUTES),
        format_minutes(ANALGESIC_LOOKBACK_MINUTES),
        fmt(PARTIAL_PCT),
    );
    for line in wrap(&every, prose, "") {
        out.push_str(&line);
        out.push('\n');
    }
    for line in wrap(
        "T = relief threshold, P = partial floor. Sources:",
        prose,
        "",
    ) {
        out.push_str(&line);
        out.push('\n');
    }
    // The source under its protocol's name (indented 9), or below the name when that is
    // too narrow for the longest word.
    let hanging = prose >= 9 + 24;
    for p in &PROTOCOLS {
        if hanging {
            for (i, line) in wrap(p.source, prose - 9, "").iter().enumerate() {
                if i == 0 {
                    out.push_str(&format!("  {:<6} ", p.name));
                } else {
                    out.push_str("         ");
                }
                out.push_str(line);
                out.push('\n');
            }
        } else {
            out.push_str(&format!("  {}\n", p.name));
            for line in wrap(p.source, prose, "    ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    let practice = "IMMPACT: 30 % relief is moderately important, 50 % substantial. Diary \
        practice (e.g. UW Health, \"Pain diary after a nerve block\"): a score every 15 min for \
        the first hour, then hourly to 8 h, during activities that usually hurt; no pain medicine \
        in that window; rate the treated pain, not the injection site.";
    for line in wrap(practice, prose, "  ") {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

const LIMIT_HEADERS: [&str; 7] = [
    "protocol",
    "T %",
    "P %",
    "blocks",
    "provocation",
    "concordance",
    "min days\napart",
];

/// The numbers and switches of `p`, in the order of [`LIMIT_HEADERS`].
fn limits(p: &Protocol) -> [String; 7] {
    [
        p.name.to_string(),
        fmt(p.threshold_pct),
        fmt(p.partial_pct),
        p.blocks_required.to_string(),
        yes_no(p.requires_provocation).into(),
        yes_no(p.requires_concordance).into(),
        p.min_interval_days.map_or("–".into(), |d| d.to_string()),
    ]
}

/// The protocols as one table when it fits `width` with whole words, else as two (limits;
/// kinds and checks), else as a few lines per protocol.
fn protocol_tables(width: Option<usize>) -> String {
    let columns = || LIMIT_HEADERS.iter().map(|h| Column::fixed(*h));
    let mut one = Table::new(columns().chain([Column::text("kinds"), Column::text("checks")]));
    let mut numbers = Table::new(columns());
    let mut words = Table::new([
        Column::fixed("protocol"),
        Column::text("kinds"),
        Column::text("checks"),
    ]);
    for p in &PROTOCOLS {
        let limits = limits(p);
        one.add_row(limits.iter().cloned().chain([kinds(p), p.summary.into()]));
        numbers.add_row(limits);
        words.add_row([p.name.to_string(), kinds(p), p.summary.into()]);
    }
    if let Some(text) = fitted(&one, width, false) {
        return text;
    }
    if let (Some(a), Some(b)) = (fitted(&numbers, width, false), fitted(&words, width, false)) {
        return a + &b;
    }
    let width = width.unwrap_or(PROSE_WIDTH).max(1);
    let mut out = String::new();
    for p in &PROTOCOLS {
        let [name, t, partial, blocks, provocation, concordance, apart] = limits(p);
        for (indent, line) in [
            (
                "",
                format!("{name}  T {t} %  P {partial} %  blocks {blocks}"),
            ),
            (
                "    ",
                format!("provocation {provocation}  concordance {concordance}"),
            ),
            ("    ", format!("min days apart {apart}")),
            ("    ", format!("kinds {}", kinds(p))),
            ("    ", format!("checks {}", p.summary)),
        ] {
            if indent.width() + line.width() <= width {
                out.push_str(&format!("{indent}{line}\n"));
            } else {
                out.push_str(&wrapped(&line, width, indent));
            }
        }
    }
    out
}

/// The kinds a protocol covers, short.
fn kinds(p: &Protocol) -> String {
    if p.kinds == EVERY_BLOCK_KIND {
        "every block kind".into()
    } else {
        p.kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One line naming a protocol and its overrides, for table output.
pub fn protocol_line(p: &Protocol) -> String {
    format!(
        "protocol {}: T {} %, P {} %, window {}, needs {}{}{}{}",
        p.name,
        fmt(p.threshold_pct),
        fmt(p.partial_pct),
        crate::time_input::format_minutes(p.window_minutes),
        match p.blocks_required {
            1 => "1 block".to_string(),
            n => format!("{n} blocks"),
        },
        if p.requires_provocation {
            ", provocation required"
        } else {
            ""
        },
        if p.requires_concordance {
            ", concordance required"
        } else {
            ""
        },
        p.min_interval_days
            .map_or(String::new(), |d| format!(", ≥ {d} days apart")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_cites_every_clinical_source_of_the_spec() {
        for width in [None, Some(120), Some(80), Some(40)] {
            let table = protocols_text(width);
            // Sources are wrapped: compare with the white space collapsed.
            let text = table.split_whitespace().collect::<Vec<_>>().join(" ");
            for source in [
                "Cohen et al., Reg Anesth Pain Med 2020;45:424",
                "L38801",
                "ASIPP",
                "Barnsley 1993; Lord 1995",
                "IMMPACT",
                "UW Health",
                "longer-acting",
                "medial-branch-block",
            ] {
                assert!(text.contains(source), "{source} is not in:\n{table}");
            }
            let limit = width.unwrap_or(80);
            let after = table.rsplit('┘').next().unwrap_or(&table);
            assert!(after.lines().all(|l| l.width() <= limit), "{after}");
            if let Some(w) = width {
                assert!(table.lines().all(|l| l.width() <= w), "{table}");
            }
        }
    }

    #[test]
    fn one_table_when_it_fits_two_at_80_columns_and_lines_below_that() {
        let tables = |t: &str| t.matches('┌').count();
        assert_eq!(tables(&protocols_text(None)), 1);
        assert_eq!(tables(&protocols_text(Some(120))), 1);
        let narrow = protocols_text(Some(80));
        assert_eq!(tables(&narrow), 2, "{narrow}");
        assert!(narrow.contains("│ sis      ┆ 100 ┆ 30  ┆ 2      ┆ no          ┆ yes"));
        let lines = protocols_text(Some(40));
        assert_eq!(tables(&lines), 0, "{lines}");
        assert!(lines.contains("cms  T 80 %  P 30 %  blocks 2\n    provocation no  concordance no\n    min days apart 14\n"), "{lines}");
    }
}
