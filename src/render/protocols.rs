//! `protocols`: the built-in protocols as a table or JSON, with their sources.

use super::evaluation_json::protocol_json;
use crate::evaluation::{
    ANALGESIC_LOOKBACK_MINUTES, BASELINE_WINDOW_MINUTES, DEFAULT_WINDOW_MINUTES, EVERY_BLOCK_KIND,
    MAX_ONSET_MINUTES, MIN_BASELINE, MIN_POST_READINGS, MIN_SUSTAINED, PARTIAL_PCT, PROTOCOLS,
    Protocol, fmt_pct as fmt,
};
use crate::time_input::format_minutes;
use serde_json::Value;

/// A JSON array with one object per protocol.
pub fn protocols_json() -> String {
    Value::Array(PROTOCOLS.iter().map(protocol_json).collect()).to_string()
}

fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// A table for people, then the sources.
pub fn protocols_table() -> String {
    let mut table = super::new_table();
    table.set_header([
        "protocol",
        "T %",
        "P %",
        "blocks",
        "provocation",
        "concordance",
        "min days apart",
        "kinds",
        "checks",
    ]);
    for p in &PROTOCOLS {
        table.add_row([
            p.name.to_string(),
            fmt(p.threshold_pct),
            fmt(p.partial_pct),
            p.blocks_required.to_string(),
            yes_no(p.requires_provocation).into(),
            yes_no(p.requires_concordance).into(),
            p.min_interval_days.map_or("–".into(), |d| d.to_string()),
            kinds(p),
            p.summary.into(),
        ]);
    }
    let mut out = table.to_string();
    out.push_str("\n\n");
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
    for line in super::rationale::wrap(&every, 80, "") {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("T = relief threshold, P = partial floor. Sources:\n");
    for p in &PROTOCOLS {
        let lines = super::rationale::wrap(p.source, 80 - 9, "");
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                out.push_str(&format!("  {:<6} ", p.name));
            } else {
                out.push_str("         ");
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    let practice = "IMMPACT: 30 % relief is moderately important, 50 % substantial. Diary \
        practice (e.g. UW Health, \"Pain diary after a nerve block\"): a score every 15 min for \
        the first hour, then hourly to 8 h, during activities that usually hurt; no pain medicine \
        in that window; rate the treated pain, not the injection site.";
    for line in super::rationale::wrap(practice, 80, "  ") {
        out.push_str(&line);
        out.push('\n');
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
        "protocol {}: T {} %, P {} %, window {}, {} block(s){}{}{}",
        p.name,
        fmt(p.threshold_pct),
        fmt(p.partial_pct),
        crate::time_input::format_minutes(p.window_minutes),
        p.blocks_required,
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
        // Sources are wrapped to 80 columns: compare with the white space collapsed.
        let text = protocols_table()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for source in [
            "Cohen et al., Reg Anesth Pain Med 2020;45:424",
            "L38801",
            "ASIPP",
            "Barnsley 1993; Lord 1995",
            "IMMPACT",
            "UW Health",
        ] {
            assert!(text.contains(source), "{source} is not cited:\n{text}");
        }
        let table = protocols_table();
        let after = table.split('┘').nth(1).expect("a table");
        assert!(after.lines().all(|l| l.chars().count() <= 80), "{after}");
    }
}
