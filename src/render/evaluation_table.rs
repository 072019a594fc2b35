//! `evaluate` for people: one row per block, then the next step in words with the rationale,
//! the protocol and its source.

use super::protocols::protocol_line;
use super::rationale::{describe_flag, describe_reason, rationale, wrap};
use super::table::{Cell, Column, Table};
use super::{round1, sanitize::one_line};
use crate::diary::Timestamp;
use crate::evaluation::{BlockEvaluation, Classification, Comparison, Evaluation, FORMULA, Reason};
use crate::time_input::format_minutes;
use comfy_table::Color;
use unicode_width::UnicodeWidthStr;

/// Prose (next step, rationale, notes, source) is wrapped to this many columns at most.
const PROSE_WIDTH: usize = 80;

/// The short form of a time for narrow tables: `11-20 09:30` (month-day, clock time in the
/// time's own offset, as the full form shows it).
pub(super) fn short_time(t: &Timestamp) -> String {
    t.time().format("%m-%d %H:%M").to_string()
}

/// The values shown for one block, formatted once for both layouts.
struct BlockRow {
    id: String,
    at: String,
    at_short: String,
    agent: &'static str,
    /// Kind, region, levels and side, and the earlier blocks on the same target.
    target: String,
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
            at_short: short_time(&b.at),
            agent: b.anesthetic.as_str(),
            target: target_text(b),
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

/// What the block targeted, as the diary says it, and which earlier blocks share the target
/// (SPEC §3.1): `medial-branch-block lumbar L4-L5,L5-S1 right; same target as b1`.
fn target_text(b: &BlockEvaluation) -> String {
    let mut parts = vec![b.kind.as_str().to_string()];
    if let Some(r) = b.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        parts.push(one_line(r));
    }
    let levels: Vec<&str> = b
        .levels
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if !levels.is_empty() {
        parts.push(one_line(&levels.join(",")));
    }
    if let Some(side) = b.side {
        parts.push(side.as_str().to_string());
    }
    let mut text = parts.join(" ");
    if !b.same_target_as.is_empty() {
        let ids: Vec<String> = b.same_target_as.iter().map(|i| one_line(i)).collect();
        text.push_str(&format!("; same target as {}", ids.join(", ")));
    }
    text
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

/// One row per block. The result cell also holds the block's `[reasons]` and `{flags}` (the
/// notation of examples/diaries/README.md), one a line, and its header says so when any
/// block has them.
fn block_table(rows: &[BlockRow]) -> Table {
    let any_reason = rows.iter().any(|r| !r.reasons.is_empty());
    let any_flag = rows.iter().any(|r| !r.flags.is_empty());
    let mut result = String::from("result");
    if any_reason {
        result.push_str("\n[reasons]");
    }
    if any_flag {
        result.push_str("\n{flags}");
    }
    let mut table = Table::new([
        Column::fixed("block"),
        Column::fixed("time"),
        Column::fixed("agent"),
        Column::text("target"),
        Column::text("baseline"),
        Column::fixed("post"),
        Column::fixed("peak\nrelief"),
        Column::fixed("sustained"),
        Column::fixed("relief\nlasted"),
        Column::fixed(result),
    ]);
    for r in rows {
        table.add_row([
            Cell::new(r.id.as_str()),
            Cell::new(r.at.as_str()).short(r.at_short.as_str()),
            Cell::new(r.agent),
            Cell::new(r.target.as_str()),
            Cell::new(r.baseline.as_str()),
            Cell::new(r.post.as_str()),
            Cell::new(r.peak.as_str()),
            Cell::new(r.sustained.as_str()),
            Cell::new(r.lasted.as_str()),
            result_cell(r),
        ]);
    }
    table
}

/// The classification (`(so far)` while the window is open), then `[reason]` and `{flag}`
/// lines, coloured by the classification.
fn result_cell(r: &BlockRow) -> Cell {
    let mut text = r.classification.as_str().to_string();
    if r.provisional {
        text.push_str("\n(so far)");
    }
    for reason in &r.reasons {
        text.push_str(&format!("\n[{reason}]"));
    }
    for flag in &r.flags {
        text.push_str(&format!("\n{{{flag}}}"));
    }
    Cell::new(text).fg(match r.classification {
        Classification::Positive => Color::Green,
        Classification::Negative => Color::Red,
        Classification::Inconclusive => Color::Yellow,
    })
}

/// `table` rendered to fit `width` when it can be without breaking a word or dropping the
/// padding, else `None` (the caller shows a few lines per row instead).
pub(super) fn fitted(table: &Table, width: Option<usize>, color: bool) -> Option<String> {
    let text = table.render_styled(width, color);
    let Some(width) = width else {
        return Some(text);
    };
    let plain = if color {
        table.render(Some(width))
    } else {
        text.clone()
    };
    let padded = plain.lines().nth(1).is_some_and(|l| l.starts_with("│ "));
    let fits = plain.lines().all(|l| l.width() <= width);
    let whole = |t: &str| -> std::collections::HashSet<String> {
        t.split(|c: char| c.is_whitespace() || "│┆".contains(c))
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    // Every word of the fitted table is a word of the unfitted one, or of a short time.
    let wide = whole(&table.render(None));
    let rule = |w: &str| w.chars().all(|c| "─┬┐┌╞═╪╡└┴┘".contains(c));
    let month_day = |w: &str| w.len() == 5 && w.as_bytes().get(2) == Some(&b'-');
    let broken = whole(&plain)
        .iter()
        .any(|w| !(wide.contains(w) || rule(w) || month_day(w)));
    (padded && fits && !broken).then_some(text)
}

/// `text` wrapped to `width` columns (whole words) with `indent` before each line, each line
/// ending in `\n`.
pub(super) fn wrapped(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for line in wrap(text, width, indent) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// One line of a card (`label value  label value`): as it is when it fits `width` after
/// `indent`, else each `label value` on a line of its own, wrapped at spaces when still too wide.
pub(super) fn card_line(line: &str, width: usize, indent: &str) -> String {
    if indent.width() + line.width() <= width {
        return format!("{indent}{line}\n");
    }
    line.split("  ")
        .filter(|part| !part.trim().is_empty())
        .map(|part| wrapped(part, width, indent))
        .collect()
}

/// A few short lines per block (wrapped to `width`), for a terminal narrower than the table.
fn block_cards(rows: &[BlockRow], color: bool, width: usize) -> String {
    let mut out = String::new();
    for r in rows {
        let result = match (color, r.classification) {
            (false, c) => c.as_str().to_uppercase(),
            (true, Classification::Positive) => "\x1b[32mPOSITIVE\x1b[0m".into(),
            (true, Classification::Negative) => "\x1b[31mNEGATIVE\x1b[0m".into(),
            (true, Classification::Inconclusive) => "\x1b[33mINCONCLUSIVE\x1b[0m".into(),
        };
        let so_far = if r.provisional { " (so far)" } else { "" };
        // The full time when the line fits (measured without colour codes), else the short one.
        let plain_result = r.classification.as_str().to_uppercase();
        let head =
            |at: &str, result: &str| format!("{}  {}  {at}  {result}{so_far}", r.id, r.agent);
        if head(&r.at, &plain_result).width() <= width {
            out.push_str(&head(&r.at, &result));
            out.push('\n');
        } else if head(&r.at_short, &plain_result).width() <= width {
            out.push_str(&head(&r.at_short, &result));
            out.push('\n');
        } else {
            out.push_str(&wrapped(&head(&r.at_short, &result), width, ""));
        }
        for line in [
            format!("target {}", r.target),
            format!("baseline {}", r.baseline),
            format!("post readings {}  peak relief {}", r.post, r.peak),
            format!("sustained {}  relief lasted {}", r.sustained, r.lasted),
            format!(
                "reasons {}  flags {}",
                list_or_dash(&r.reasons, ", "),
                list_or_dash(&r.flags, ", ")
            ),
        ] {
            out.push_str(&card_line(&line, width, "    "));
        }
    }
    out
}

/// The evaluation of the diary read from `file`, for a terminal or a text file: a table with
/// one row per block, or, on a terminal too narrow for that table, a few lines per block.
/// The width is `COLUMNS`, else the terminal's (see [`super::table::terminal_width`]).
pub fn evaluation_table(evaluation: &Evaluation, file: &str, color: bool) -> String {
    evaluation_text(evaluation, file, color, super::table::terminal_width())
}

/// [`evaluation_table`] for a terminal of `width` columns (`None`: not a terminal, no limit).
/// Tables fit the width with whole words (short times where needed, empty columns left out)
/// or turn into a few lines per block; prose is wrapped to at most 80 columns.
pub fn evaluation_text(
    evaluation: &Evaluation,
    file: &str,
    color: bool,
    width: Option<usize>,
) -> String {
    let rows = rows(evaluation);
    let prose = width.map_or(PROSE_WIDTH, |w| w.clamp(1, PROSE_WIDTH));
    let blocks = if rows.is_empty() && evaluation.ablations.is_empty() {
        "No diagnostic block at or before the evaluation time.\n".into()
    } else if rows.is_empty() {
        String::new()
    } else {
        match fitted(&block_table(&rows), width, color) {
            Some(table) => table,
            None => block_cards(&rows, color, width.unwrap_or(PROSE_WIDTH).max(1)),
        }
    };
    let patient = evaluation
        .patient
        .as_deref()
        .map_or("no patient id".into(), one_line);
    let mut out = wrapped(&format!("{} — {}", one_line(file), patient), prose, "");
    if let Some(as_of) = evaluation.as_of {
        out.push_str(&format!("as of {}\n", as_of.format("%Y-%m-%d %H:%M %:z")));
    }
    out.push_str(&blocks);
    out.push_str(&super::ablation_table::ablation_text(
        &evaluation.ablations,
        color,
        width,
    ));
    let step = &evaluation.decision;
    out.push_str(&wrapped(
        &format!(
            "Next step: {} ({}) [{}] — {}",
            step.step.as_str(),
            step.step.describe(),
            step.reason.as_str(),
            latest_summary(evaluation),
        ),
        prose,
        "",
    ));
    out.push_str(&wrapped(&one_line(&rationale(evaluation)), prose, "  "));
    if !evaluation.by_protocol.is_empty() {
        out.push_str(&wrapped(
            "Under each protocol (its own parameters):",
            prose,
            "",
        ));
        for v in &evaluation.by_protocol {
            let line = format!(
                "  {:<6} {:<13} {} [{}]",
                v.name,
                v.classification.map_or("–", |c| c.as_str()),
                v.next_step.as_str(),
                v.next_step_reason.as_str()
            );
            if line.width() <= prose {
                out.push_str(&line);
                out.push('\n');
            } else {
                out.push_str(&wrapped(&line, prose, "  "));
            }
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
            out.push_str(&wrapped(&n, prose, "  "));
        }
    }
    out.push_str(&wrapped(&protocol_line(p), prose, ""));
    out.push_str(&wrapped(&format!("source: {}", p.source), prose, "  "));
    out.push_str(&wrapped(
        &format!("Formula: {FORMULA}, counts when ≥ T"),
        prose,
        "",
    ));
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
        assert!(wide.contains("┆ result           │"), "{wide}");
        assert!(wide.contains("┆ {flags}          │"), "{wide}");
        assert!(wide.contains("┆ positive         │"), "{wide}");
        assert!(wide.contains("┆ {no-provocation} │"), "{wide}");
        assert!(!wide.contains("[reasons]"), "no block has reasons: {wide}");
        assert_eq!(wide, evaluation_text(&e, "d.json", false, None));
        assert!(!wide.contains('\x1b'));
        let colored = evaluation_text(&e, "d.json", true, Some(80));
        assert!(colored.contains("\x1b[32mPOSITIVE\x1b[0m"));
    }

    #[test]
    fn every_width_fits_with_whole_words_and_keeps_the_provisional_marker() {
        // Window still open: evaluated 2 h after the block.
        let d = diary(
            vec![block("b1", 0, Anesthetic::Lidocaine)],
            &positive_scores(0)[..4],
        );
        let e = crate::evaluation::evaluate_at(
            &d,
            &crate::evaluation::Protocol::named("asra").unwrap(),
            chrono::DateTime::parse_from_rfc3339("2026-11-20T11:30:00-07:00").ok(),
            true,
        )
        .unwrap();
        let wide = evaluation_text(&e, "d.json", false, None);
        assert!(
            wide.contains("(so far)") && wide.contains("[window-open]"),
            "{wide}"
        );
        for width in [30, 50, 80, 100, 120, 160] {
            let text = evaluation_text(&e, "d.json", false, Some(width));
            for line in text.lines() {
                assert!(line.width() <= width, "{width}: {line}\n{text}");
            }
            assert!(text.contains("window-open"), "{width}: {text}");
            assert!(text.contains("so far"), "{width}: {text}");
            // Every word is one of the unlimited output (or a short time).
            let words = |t: &str| -> Vec<String> {
                t.split(|c: char| c.is_whitespace() || "│┆".contains(c))
                    .filter(|w| !w.is_empty() && !w.chars().all(|c| "─┬┐┌╞═╪╡└┴┘".contains(c)))
                    .map(String::from)
                    .collect()
            };
            let whole = words(&wide);
            let cards = words(&evaluation_text(&e, "d.json", false, Some(30)));
            for w in words(&text) {
                assert!(
                    whole.contains(&w) || cards.contains(&w) || w.len() == 5,
                    "{width}: `{w}` broken:\n{text}"
                );
            }
        }
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
