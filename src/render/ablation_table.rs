//! The RFA section of `evaluate` for people (SPEC §3.6): one row per RFA after the blocks, or a
//! few lines per RFA on a terminal too narrow for the table.

use super::evaluation_table::{card_line, fitted, short_time, wrapped};
use super::table::{Cell, Column, Table};
use super::{display_pct, display_time, round1, sanitize::one_line};
use crate::evaluation::{AblationEvaluation, RfaOutcome};
use comfy_table::Color;
use unicode_width::UnicodeWidthStr;

/// The values shown for one RFA, formatted once for both layouts.
struct Row {
    id: String,
    at: String,
    at_short: String,
    target: String,
    baseline: String,
    follow_up: String,
    limits: String,
    peak: String,
    lasted: String,
    outcome: RfaOutcome,
    reasons: Vec<&'static str>,
}

fn target(a: &AblationEvaluation) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(r) = a.region.as_deref().filter(|r| !r.trim().is_empty()) {
        parts.push(one_line(r));
    }
    let levels: Vec<String> = a
        .levels
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| one_line(l))
        .collect();
    if !levels.is_empty() {
        parts.push(levels.join(","));
    }
    if let Some(s) = a.side {
        parts.push(s.as_str().into());
    }
    if parts.is_empty() {
        "–".into()
    } else {
        parts.join(" ")
    }
}

fn row(a: &AblationEvaluation) -> Row {
    Row {
        id: one_line(&a.id),
        at: display_time(&a.at),
        at_short: short_time(&a.at),
        target: target(a),
        baseline: match a.baseline {
            Some(v) => format!("{:.1} (n={})", round1(v), a.baseline_readings),
            None => "none".into(),
        },
        follow_up: a.follow_up_readings.to_string(),
        limits: format!("≥ {} % for {} d", round1(a.threshold_pct), a.min_days),
        peak: display_pct(a.peak_relief_pct),
        lasted: match (a.relief_duration_days, a.relief_ongoing) {
            (Some(d), Some(true)) => format!("{d} d +"),
            (Some(d), _) => format!("{d} d"),
            (None, _) => "–".into(),
        },
        outcome: a.outcome,
        reasons: a.reasons.iter().map(|r| r.as_str()).collect(),
    }
}

fn outcome_color(o: RfaOutcome) -> Color {
    match o {
        RfaOutcome::Durable | RfaOutcome::ReliefOngoing => Color::Green,
        RfaOutcome::Failed | RfaOutcome::Worse => Color::Red,
        _ => Color::Yellow,
    }
}

/// One row per RFA; the outcome cell also holds the `[reasons]`, one a line (as for blocks).
fn table(rows: &[Row]) -> Table {
    let any_reason = rows.iter().any(|r| !r.reasons.is_empty());
    let mut table = Table::new([
        Column::fixed("RFA"),
        Column::fixed("time"),
        Column::text("target"),
        Column::text("baseline"),
        Column::fixed("follow-up"),
        Column::text("limits"),
        Column::fixed("peak\nrelief"),
        Column::fixed("relief\nlasted"),
        Column::fixed(if any_reason {
            "outcome\n[reasons]"
        } else {
            "outcome"
        }),
    ]);
    for r in rows {
        let mut outcome = r.outcome.as_str().to_string();
        for reason in &r.reasons {
            outcome.push_str(&format!("\n[{reason}]"));
        }
        table.add_row([
            Cell::new(r.id.as_str()),
            Cell::new(r.at.as_str()).short(r.at_short.as_str()),
            Cell::new(r.target.as_str()),
            Cell::new(r.baseline.as_str()),
            Cell::new(r.follow_up.as_str()),
            Cell::new(r.limits.as_str()),
            Cell::new(r.peak.as_str()),
            Cell::new(r.lasted.as_str()),
            Cell::new(outcome).fg(outcome_color(r.outcome)),
        ]);
    }
    table
}

fn cards(rows: &[Row], color: bool, width: usize) -> String {
    let mut out = String::new();
    for r in rows {
        let name = r.outcome.as_str().to_uppercase();
        let outcome = if color {
            let code = match outcome_color(r.outcome) {
                Color::Green => 32,
                Color::Red => 31,
                _ => 33,
            };
            format!("\x1b[{code}m{name}\x1b[0m")
        } else {
            name.clone()
        };
        let at = if format!("{}  RFA  {}  {name}", r.id, r.at).width() <= width {
            &r.at
        } else {
            &r.at_short
        };
        let head = format!("{}  RFA  {at}  {outcome}", r.id);
        if format!("{}  RFA  {at}  {name}", r.id).width() <= width {
            out.push_str(&head);
            out.push('\n');
        } else {
            out.push_str(&wrapped(&head, width, ""));
        }
        let reasons = if r.reasons.is_empty() {
            "–".to_string()
        } else {
            r.reasons.join(", ")
        };
        for line in [
            format!("target {}", r.target),
            format!(
                "baseline {}  follow-up readings {}  limits {}",
                r.baseline, r.follow_up, r.limits
            ),
            format!(
                "peak relief {}  relief lasted {}  reasons {reasons}",
                r.peak, r.lasted
            ),
        ] {
            out.push_str(&card_line(&line, width, "    "));
        }
    }
    out
}

/// The RFA section (empty without RFAs): a heading, then a table, or a few lines per RFA when
/// the table is wider than `width` columns (`None`: not a terminal).
pub fn ablation_text(
    ablations: &[AblationEvaluation],
    color: bool,
    width: Option<usize>,
) -> String {
    if ablations.is_empty() {
        return String::new();
    }
    let rows: Vec<Row> = ablations.iter().map(row).collect();
    let body = match fitted(&table(&rows), width, color) {
        Some(table) => table,
        None => cards(&rows, color, width.unwrap_or(80).max(1)),
    };
    let heading = "After radiofrequency ablation (follow-up from day 21):";
    format!("{}{body}", wrapped(heading, width.unwrap_or(80).max(1), ""))
}

/// [`ablation_text`] for the current terminal (`COLUMNS`, else the terminal's width).
pub fn ablation_table(ablations: &[AblationEvaluation], color: bool) -> String {
    ablation_text(ablations, color, super::table::terminal_width())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Entry, Procedure, ProcedureKind, Side, Timestamp};
    use crate::evaluation::{Protocol, follow_up};

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn sample() -> AblationEvaluation {
        let es: Vec<Entry> = [
            ("e1", "2026-01-01T09:00:00-07:00", 8.0),
            ("e2", "2026-02-01T09:00:00-07:00", 2.0),
            ("e3", "2026-03-01T09:00:00-07:00", 3.0),
        ]
        .iter()
        .map(|&(id, at, score)| Entry::new(id, ts(at), score))
        .collect();
        let r = Procedure {
            region: Some("lumbar\x1b[31m".into()),
            levels: vec!["L4-L5".into()],
            side: Some(Side::Left),
            ..Procedure::new(
                "b2",
                ProcedureKind::RadiofrequencyAblation,
                ts("2026-01-10T09:00:00-07:00"),
            )
        };
        let list: Vec<(i128, &Entry)> = es.iter().map(|e| (e.at.instant(), e)).collect();
        let as_of = ts("2026-12-01T00:00:00-07:00").instant();
        follow_up(&r, &list, None, None, &Protocol::default_protocol(), as_of)
    }

    #[test]
    fn wide_table_and_narrow_cards_show_the_same_values() {
        let a = sample();
        let wide = ablation_text(std::slice::from_ref(&a), false, Some(300));
        assert!(wide.starts_with("After radiofrequency ablation"));
        for value in [
            "b2",
            "2026-01-10 09:00 -07:00",
            "8.0 (n=1)",
            "≥ 50 % for 182 d",
            "75.0 %",
            "50 d +",
            "relief-ongoing",
        ] {
            assert!(wide.contains(value), "{value} in {wide}");
        }
        assert!(!wide.contains('\x1b'), "diary text is escaped: {wide}");
        let narrow = ablation_text(std::slice::from_ref(&a), false, Some(60));
        assert!(narrow.contains("b2  RFA  2026-01-10 09:00 -07:00  RELIEF-ONGOING\n"));
        assert!(narrow.contains("    peak relief 75.0 %  relief lasted 50 d +  reasons –\n"));
        let colored = ablation_text(std::slice::from_ref(&a), true, Some(60));
        assert!(colored.contains("\x1b[32mRELIEF-ONGOING\x1b[0m"));
        assert_eq!(ablation_text(&[], false, None), "");
    }

    #[test]
    fn every_width_fits_and_keeps_the_reasons() {
        let mut a = sample();
        a.reasons = vec![crate::evaluation::RfaBaselineReason::NoBaseline];
        let wide = ablation_text(std::slice::from_ref(&a), false, None);
        assert!(wide.contains("┆ outcome        │"), "{wide}");
        assert!(wide.contains("┆ [reasons]      │"), "{wide}");
        assert!(wide.contains("┆ [no-baseline]  │"), "{wide}");
        for width in [30, 50, 80, 120, 160] {
            let text = ablation_text(std::slice::from_ref(&a), false, Some(width));
            assert!(text.lines().all(|l| l.width() <= width), "{width}:\n{text}");
            assert!(text.contains("no-baseline"), "{width}:\n{text}");
            assert!(text.contains("L4-L5"), "{width}:\n{text}");
        }
    }
}
