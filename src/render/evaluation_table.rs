//! `evaluate` for people: one row per block, then the next step in words with the rationale,
//! the protocol and its source.

use super::protocols::protocol_line;
use super::rationale::{describe_flag, describe_reason, rationale, wrap};
use super::{round1, sanitize::one_line};
use crate::evaluation::{BlockEvaluation, Classification, Comparison, Evaluation, FORMULA, Reason};
use crate::time_input::format_minutes;
use comfy_table::{Cell, Color};

fn classification_cell(c: Classification, provisional: bool, color: bool) -> Cell {
    let cell = Cell::new(if provisional {
        format!("{}\n(so far)", c.as_str())
    } else {
        c.as_str().to_string()
    });
    if !color {
        return cell;
    }
    cell.fg(match c {
        Classification::Positive => Color::Green,
        Classification::Negative => Color::Red,
        Classification::Inconclusive => Color::Yellow,
    })
}

/// The values shown for one block, formatted once for both layouts.
struct BlockRow {
    id: String,
    at: String,
    agent: &'static str,
    baseline: String,
    post: String,
    peak: String,
    sustained: String,
    lasted: String,
    classification: Classification,
    /// The window is still open: the classification is the result so far.
    provisional: bool,
    reasons: Vec<&'static str>,
    flags: Vec<&'static str>,
}

fn rows(evaluation: &Evaluation) -> Vec<BlockRow> {
    evaluation
        .blocks
        .iter()
        .map(|b| BlockRow {
            id: one_line(&b.id),
            at: super::display_time(&b.at),
            agent: b.anesthetic.as_str(),
            baseline: baseline_text(b),
            post: b.post_readings.to_string(),
            peak: super::display_pct(b.peak_relief_pct),
            sustained: b.sustained_readings.map_or("–".into(), |n| n.to_string()),
            lasted: match (b.relief_duration_minutes, b.relief_ongoing) {
                (Some(m), Some(true)) => format!("{} +", format_minutes(m)),
                (Some(m), _) => format_minutes(m),
                (None, _) => "–".into(),
            },
            classification: b.classification,
            provisional: b.reasons.first() == Some(&Reason::WindowOpen),
            reasons: b.reasons.iter().map(|r| r.as_str()).collect(),
            flags: b.flags.iter().map(|f| f.as_str()).collect(),
        })
        .collect()
}

/// The baseline with the readings that made it (and, in `provoked`, the resting ones left out).
fn baseline_text(b: &BlockEvaluation) -> String {
    let mut s = match b.baseline {
        Some(v) => format!("{:.1} (n={}", round1(v), b.baseline_readings),
        None => "none (n=0".into(),
    };
    if b.comparison == Comparison::Provoked {
        s.push_str(", provoked");
        if b.resting_left_out > 0 {
            s.push_str(&format!(", {} resting left out", b.resting_left_out));
        }
    }
    s.push(')');
    s
}

fn list_or_dash(items: &[&str], separator: &str) -> String {
    if items.is_empty() {
        "–".into()
    } else {
        items.join(separator)
    }
}

/// One row per block.
fn block_table(rows: &[BlockRow], color: bool) -> comfy_table::Table {
    let mut table = super::new_table();
    if color {
        // Also into a pipe when `--color always` asks for it.
        table.enforce_styling();
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
    for r in rows {
        table.add_row(vec![
            Cell::new(&r.id),
            Cell::new(&r.at),
            Cell::new(r.agent),
            Cell::new(&r.baseline),
            Cell::new(&r.post),
            Cell::new(&r.peak),
            Cell::new(&r.sustained),
            Cell::new(&r.lasted),
            classification_cell(r.classification, r.provisional, color),
            Cell::new(list_or_dash(&r.reasons, "\n")),
            Cell::new(list_or_dash(&r.flags, "\n")),
        ]);
    }
    table
}

/// A few short lines per block (at most 80 columns), for a terminal narrower than the table.
fn block_cards(rows: &[BlockRow], color: bool) -> String {
    let mut out = String::new();
    for r in rows {
        let result = match (color, r.classification) {
            (false, c) => c.as_str().to_uppercase(),
            (true, Classification::Positive) => "\x1b[32mPOSITIVE\x1b[0m".into(),
            (true, Classification::Negative) => "\x1b[31mNEGATIVE\x1b[0m".into(),
            (true, Classification::Inconclusive) => "\x1b[33mINCONCLUSIVE\x1b[0m".into(),
        };
        let so_far = if r.provisional { " (so far)" } else { "" };
        out.push_str(&format!(
            "{}  {}  {}  {result}{so_far}\n",
            r.id, r.agent, r.at
        ));
        out.push_str(&format!("    baseline {}\n", r.baseline));
        out.push_str(&format!(
            "    post readings {}  peak relief {}\n",
            r.post, r.peak
        ));
        out.push_str(&format!(
            "    sustained {}  relief lasted {}\n",
            r.sustained, r.lasted
        ));
        let codes = format!(
            "reasons {}  flags {}",
            list_or_dash(&r.reasons, ", "),
            list_or_dash(&r.flags, ", ")
        );
        if unicode_width::UnicodeWidthStr::width(codes.as_str()) + 4 <= 80 {
            out.push_str(&format!("    {codes}\n"));
        } else {
            for line in wrap(&codes, 80, "    ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// The evaluation of the diary read from `file`, for a terminal or a text file: a table with
/// one row per block, or, on a terminal too narrow for that table, a few lines per block.
pub fn evaluation_table(evaluation: &Evaluation, file: &str, color: bool) -> String {
    // comfy-table knows the terminal's width when the output is a terminal.
    let terminal = super::new_table().width().map(usize::from);
    evaluation_text(evaluation, file, color, terminal)
}

/// [`evaluation_table`] for a terminal of `width` columns (`None`: not a terminal).
fn evaluation_text(
    evaluation: &Evaluation,
    file: &str,
    color: bool,
    width: Option<usize>,
) -> String {
    let rows = rows(evaluation);
    let mut natural = block_table(&rows, false);
    natural.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    let natural_width = natural
        .lines()
        .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(0);
    let blocks = match width {
        _ if rows.is_empty() && evaluation.ablations.is_empty() => {
            "No diagnostic block at or before the evaluation time.\n".into()
        }
        _ if rows.is_empty() => String::new(),
        Some(width) if natural_width > width => block_cards(&rows, color),
        _ => block_table(&rows, color).to_string() + "\n",
    };
    let patient = evaluation
        .patient
        .as_deref()
        .map_or("no patient id".into(), one_line);
    let mut out = format!("{} — {}\n", one_line(file), patient);
    if let Some(as_of) = evaluation.as_of {
        out.push_str(&format!("as of {}\n", as_of.format("%Y-%m-%d %H:%M %:z")));
    }
    out.push_str(&blocks);
    out.push_str(&super::ablation_table::ablation_text(
        &evaluation.ablations,
        color,
        width,
    ));
    let width = 80;
    let step = &evaluation.decision;
    out.push_str(
        &wrap(
            &format!(
                "Next step: {} ({}) [{}] — {}",
                step.step.as_str(),
                step.step.describe(),
                step.reason.as_str(),
                latest_summary(evaluation),
            ),
            width,
            "",
        )
        .join("\n"),
    );
    out.push('\n');
    for line in wrap(&one_line(&rationale(evaluation)), width, "  ") {
        out.push_str(&line);
        out.push('\n');
    }
    if !evaluation.by_protocol.is_empty() {
        out.push_str("Under each protocol (its own parameters):\n");
        for v in &evaluation.by_protocol {
            out.push_str(&format!(
                "  {:<6} {:<13} {} [{}]\n",
                v.name,
                v.classification.map_or("–", |c| c.as_str()),
                v.next_step.as_str(),
                v.next_step_reason.as_str()
            ));
        }
    }
    let p = &evaluation.protocol;
    let mut notes: Vec<String> = Vec::new();
    for b in &evaluation.blocks {
        for r in &b.reasons {
            notes.push(format!(
                "{} {}: {}",
                one_line(&b.id),
                r.as_str(),
                describe_reason(*r, p)
            ));
        }
        for f in &b.flags {
            notes.push(format!(
                "{} {}: {}",
                one_line(&b.id),
                f.as_str(),
                describe_flag(*f, p)
            ));
        }
    }
    if !notes.is_empty() {
        out.push_str("Reasons and flags:\n");
        for n in notes {
            for line in wrap(&n, width, "  ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    for line in wrap(&protocol_line(p), width, "") {
        out.push_str(&line);
        out.push('\n');
    }
    for line in wrap(&format!("source: {}", p.source), width, "  ") {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!("Formula: {FORMULA}, counts when ≥ T\n"));
    out
}

fn latest_summary(evaluation: &Evaluation) -> String {
    match (evaluation.latest_is_rfa, evaluation.latest()) {
        (true, _) => format!(
            "the latest procedure is radiofrequency ablation {}: {}",
            evaluation
                .ablations
                .last()
                .map_or("?".into(), |a| one_line(&a.id)),
            evaluation.rfa_outcome.map_or("–", |o| o.as_str())
        ),
        (false, Some(b)) if b.reasons.first() == Some(&Reason::WindowOpen) => format!(
            "latest block {} is provisional: {} so far (window closes {})",
            one_line(&b.id),
            so_far(b),
            b.window_closes_at
                .as_ref()
                .map_or("–".into(), super::display_time)
        ),
        (false, Some(b)) => format!(
            "latest block {} is {}",
            one_line(&b.id),
            b.classification.as_str()
        ),
        (false, None) => "no block".into(),
    }
}

/// The result so far of a block whose window is open, from the engine's values.
fn so_far(b: &BlockEvaluation) -> String {
    format!(
        "peak relief {}, {} post reading{}",
        super::display_pct(b.peak_relief_pct),
        b.post_readings,
        if b.post_readings == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::Anesthetic;
    use crate::evaluation::tests::{block, diary, eval, positive_scores};

    #[test]
    fn narrow_terminals_get_a_few_lines_per_block_and_wide_ones_a_table() {
        let d = diary(
            vec![block("b1", 0, Anesthetic::Lidocaine)],
            &positive_scores(0),
        );
        let e = eval(&d, "asra");
        let narrow = evaluation_text(&e, "d.json", false, Some(80));
        assert!(narrow.contains("b1  lidocaine  2026-11-20 09:30 -07:00  POSITIVE\n"));
        assert!(
            narrow.contains("    baseline 8.0 (n=1)\n    post readings 7  peak relief 75.0 %\n")
        );
        assert!(narrow.contains("    sustained 5  relief lasted 3h\n"));
        assert!(narrow.contains("    reasons –  flags no-provocation\n"));
        assert!(!narrow.contains('┆'));
        let wide = evaluation_text(&e, "d.json", false, Some(200));
        assert!(wide.contains("┆ positive ┆"), "{wide}");
        assert_eq!(wide, evaluation_text(&e, "d.json", false, None));
        assert!(!wide.contains('\x1b'));
        let colored = evaluation_text(&e, "d.json", true, Some(80));
        assert!(colored.contains("\x1b[32mPOSITIVE\x1b[0m"));
    }

    #[test]
    fn a_diary_whose_only_procedure_is_an_rfa_shows_its_follow_up_and_no_empty_block_table() {
        let mut rfa = block("r1", 0, Anesthetic::Lidocaine);
        rfa.kind = crate::diary::ProcedureKind::RadiofrequencyAblation;
        rfa.anesthetic = None;
        let d = diary(vec![rfa], &[(-30, 7.0)]);
        let e = crate::evaluation::evaluate(&d, &crate::evaluation::Protocol::default_protocol())
            .unwrap();
        let text = evaluation_text(&e, "d.json", false, Some(80));
        assert!(!text.contains("block ┆"), "{text}");
        assert!(
            text.contains("After radiofrequency ablation (follow-up from day 21):"),
            "{text}"
        );
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("the latest procedure is radiofrequency ablation r1: healing"),
            "{text}"
        );
    }
}
