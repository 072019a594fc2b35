//! `evaluate` for people: one row per block, then the next step in words with the rationale,
//! the protocol and its source.

use super::protocols::protocol_line;
use super::{round1, sanitize::one_line};
use crate::evaluation::{Classification, Evaluation, FORMULA};
use crate::time_input::format_minutes;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1} %", round1(v)))
}

fn classification_cell(c: Classification, color: bool) -> Cell {
    let cell = Cell::new(c.as_str());
    if !color {
        return cell;
    }
    cell.fg(match c {
        Classification::Positive => Color::Green,
        Classification::Negative => Color::Red,
        Classification::Inconclusive => Color::Yellow,
    })
}

/// The evaluation of the diary read from `file`, for a terminal or a text file.
pub fn evaluation_table(evaluation: &Evaluation, file: &str, color: bool) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header([
        "block",
        "time",
        "agent",
        "baseline",
        "post",
        "peak relief",
        "sustained",
        "relief lasted",
        "result",
        "reasons",
        "flags",
    ]);
    for b in &evaluation.blocks {
        let baseline = match b.baseline {
            Some(v) => format!("{:.1} (n={})", round1(v), b.baseline_readings),
            None => "none".into(),
        };
        let duration = match (b.relief_duration_minutes, b.relief_ongoing) {
            (Some(m), Some(true)) => format!("{} +", format_minutes(m)),
            (Some(m), _) => format_minutes(m),
            (None, _) => "–".into(),
        };
        let at = b.at.time().format("%Y-%m-%d %H:%M %:z").to_string();
        table.add_row(vec![
            Cell::new(one_line(&b.id)),
            Cell::new(at),
            Cell::new(b.anesthetic.as_str()),
            Cell::new(baseline),
            Cell::new(b.post_readings),
            Cell::new(pct(b.peak_relief_pct)),
            Cell::new(b.sustained_readings.map_or("–".into(), |n| n.to_string())),
            Cell::new(duration),
            classification_cell(b.classification, color),
            Cell::new(
                b.reasons
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Cell::new(
                b.flags
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ]);
    }
    let patient = evaluation
        .patient
        .as_deref()
        .map_or("no patient id".into(), one_line);
    let mut out = format!("{} — {}\n", one_line(file), patient);
    out.push_str(&table.to_string());
    out.push('\n');
    out.push_str(&format!(
        "Next step: {} ({}) — {} [{}]\n",
        evaluation.next_step.as_str(),
        evaluation.next_step.describe(),
        latest_summary(evaluation),
        evaluation.next_step_reason.as_str(),
    ));
    out.push_str(&format!("  {}\n", one_line(&evaluation.rationale)));
    let mut notes: Vec<String> = Vec::new();
    for b in &evaluation.blocks {
        for r in &b.reasons {
            notes.push(format!(
                "{} {}: {}",
                one_line(&b.id),
                r.as_str(),
                r.describe()
            ));
        }
        for f in &b.flags {
            notes.push(format!(
                "{} {}: {}",
                one_line(&b.id),
                f.as_str(),
                f.describe()
            ));
        }
    }
    if !notes.is_empty() {
        out.push_str("Reasons and flags:\n");
        for n in notes {
            out.push_str(&format!("  {n}\n"));
        }
    }
    out.push_str(&format!(
        "{}\n  source: {}\nFormula: {FORMULA}; relief counts when ≥ T.\n",
        protocol_line(&evaluation.protocol),
        evaluation.protocol.source
    ));
    out
}

fn latest_summary(evaluation: &Evaluation) -> String {
    let b = evaluation.latest();
    format!(
        "latest block {} is {}",
        one_line(&b.id),
        b.classification.as_str()
    )
}
