//! `chart` after an RFA (SPEC §3.6): the follow-up on a time axis in weeks or months, with the
//! baseline, the RFA-threshold line, the 21-day healing period shaded and the RFA-days mark.
//! Built only from the engine's [`AblationEvaluation`]; nothing clinical is recomputed here.

use super::chart::{fit, wrap};
use super::{display_pct, display_time, round1, sanitize::one_line};
use crate::evaluation::{AblationEvaluation, DAY_NS, RFA_HEALING_DAYS};
use unicode_width::UnicodeWidthStr;

/// Columns of the y axis: `" 10 ┤"`.
const Y_AXIS: usize = 5;
/// Columns right of the plot for the line labels.
const RIGHT: usize = 15;
/// Scores 0 to 10, one row each.
const ROWS: usize = 11;
/// Average month length in days, for the month ticks.
const MONTH_DAYS: f64 = 30.4375;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ink {
    Blank,
    Healing,
    Threshold,
    Baseline,
    Mark,
    Rfa,
    Reading,
    Good,
    Period,
}

impl Ink {
    fn sgr(self) -> Option<&'static str> {
        match self {
            Ink::Blank => None,
            Ink::Healing => Some("2"),
            Ink::Threshold => Some("33"),
            Ink::Baseline => Some("36"),
            Ink::Mark | Ink::Rfa => Some("35"),
            Ink::Reading => Some("1"),
            Ink::Good => Some("32"),
            Ink::Period => Some("1;32"),
        }
    }
}

fn paint(text: &str, ink: Ink, color: bool) -> String {
    match (color, ink.sgr()) {
        (true, Some(code)) => format!("\x1b[{code}m{text}\x1b[0m"),
        _ => text.to_string(),
    }
}

/// The row (0 = top) of a score, to the nearest whole point.
fn row_of(score: f64) -> usize {
    let s = (score.clamp(0.0, 10.0) + 0.5).floor() as usize;
    ROWS - 1 - s.min(ROWS - 1)
}

/// The x axis: ticks every `step` days, labelled in weeks (`4w`) or months (`6m`).
fn ticks(span_days: f64) -> (f64, &'static str, f64) {
    if span_days <= 16.0 * 7.0 {
        let weeks = (span_days / 7.0 / 6.0).ceil().max(1.0);
        (weeks * 7.0, "w", weeks)
    } else {
        let months = (span_days / MONTH_DAYS / 7.0).ceil().max(1.0);
        (months * MONTH_DAYS, "m", months)
    }
}

/// The chart of one RFA's follow-up, at most `width` (≥ 60) display columns per line.
pub fn rfa_chart(a: &AblationEvaluation, color: bool, width: usize) -> Vec<String> {
    let width = width.max(60);
    let plot = width - Y_AXIS - RIGHT;
    let at = a.at.instant();
    let days = |t: i128| (t - at) as f64 / DAY_NS as f64;
    let last = a.readings.last().map_or(0.0, |r| days(r.at.instant()));
    let span = last.max(a.min_days as f64 + 14.0).max(35.0);
    let col = |d: f64| {
        ((d / span) * (plot - 1) as f64)
            .round()
            .clamp(0.0, (plot - 1) as f64) as usize
    };

    let mut grid = vec![vec![(' ', Ink::Blank); plot]; ROWS];
    let mut put = |row: usize, c: usize, ch: char, ink: Ink| {
        if ink >= grid[row][c].1 {
            grid[row][c] = (ch, ink);
        }
    };
    for c in 0..=col(RFA_HEALING_DAYS as f64) {
        for row in 0..ROWS {
            put(row, c, '░', Ink::Healing);
        }
    }
    let baseline_row = a.baseline.map(row_of);
    // The score giving the RFA threshold, rounded down: a whole score on or below it is good.
    let threshold_score = a
        .baseline
        .filter(|&b| b > 0.0)
        .map(|b| b * (1.0 - a.threshold_pct / 100.0));
    let threshold_row = threshold_score.map(|s| row_of((s + 1e-9).floor()));
    for c in 0..plot {
        if let Some(r) = threshold_row {
            put(r, c, '┈', Ink::Threshold);
        }
        if let Some(r) = baseline_row {
            put(r, c, '─', Ink::Baseline);
        }
    }
    let mark = col(a.min_days as f64);
    for row in 0..ROWS {
        put(row, 0, '│', Ink::Rfa);
        put(row, mark, '¦', Ink::Mark);
    }
    for r in &a.readings {
        let (ch, ink) = match (r.in_period, r.good) {
            (true, _) => ('#', Ink::Period),
            (false, true) => ('+', Ink::Good),
            (false, false) => ('*', Ink::Reading),
        };
        put(row_of(r.score), col(days(r.at.instant())), ch, ink);
    }

    let mut lines = Vec::new();
    let target = [
        a.region.as_deref().map(one_line),
        (!a.levels.is_empty()).then(|| one_line(&a.levels.join(","))),
        a.side.map(|s| s.as_str().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    lines.extend(wrap(
        &format!(
            "RFA {} {}{} — outcome {}",
            one_line(&a.id),
            display_time(&a.at),
            if target.is_empty() {
                String::new()
            } else {
                format!(" ({target})")
            },
            a.outcome.as_str()
        ),
        width,
        "  ",
    ));
    let baseline = match a.baseline {
        Some(b) => format!(
            "baseline {:.1} ({} reading{} in the 30 days before)",
            round1(b),
            a.baseline_readings,
            if a.baseline_readings == 1 { "" } else { "s" }
        ),
        None => "no baseline in the 30 days before: relief cannot be computed".into(),
    };
    lines.extend(wrap(
        &format!(
            "{baseline}; {} follow-up reading{}; peak relief {}; relief lasted {}",
            a.follow_up_readings,
            if a.follow_up_readings == 1 { "" } else { "s" },
            display_pct(a.peak_relief_pct),
            match (a.relief_duration_days, a.relief_ongoing) {
                (Some(d), Some(true)) => format!("{d} days so far"),
                (Some(d), _) => format!("{d} days"),
                (None, _) => "–".into(),
            }
        ),
        width,
        "  ",
    ));
    lines.push(String::new());
    for (row, cells) in grid.iter().enumerate() {
        let score = ROWS - 1 - row;
        let mut line = format!("{score:>3} ┤");
        for &(ch, ink) in cells {
            line.push_str(&paint(&ch.to_string(), ink, color));
        }
        let label = if Some(row) == baseline_row {
            Some((
                format!(" baseline {:.1}", round1(a.baseline.unwrap_or(0.0))),
                Ink::Baseline,
            ))
        } else if Some(row) == threshold_row {
            Some((
                format!(" {} % relief", round1(a.threshold_pct)),
                Ink::Threshold,
            ))
        } else {
            None
        };
        if let Some((text, ink)) = label {
            line.push_str(&paint(&fit(&text, RIGHT), ink, color));
        }
        lines.push(line.trim_end().to_string());
    }
    // The x axis with ticks in weeks or months.
    let (step, unit, per) = ticks(span);
    let mut axis: Vec<char> = "─".repeat(plot).chars().collect();
    let mut labels = vec![' '; plot + 4];
    let mut k = 0.0;
    while k * step <= span {
        let c = col(k * step);
        axis[c] = '┬';
        let text = if k == 0.0 {
            "0".to_string()
        } else {
            format!("{}{unit}", k * per)
        };
        if c + text.len() <= labels.len() && labels[c..c + text.len()].iter().all(|&ch| ch == ' ') {
            for (i, ch) in text.chars().enumerate() {
                labels[c + i] = ch;
            }
        }
        k += 1.0;
    }
    lines.push(format!("    └{}", axis.iter().collect::<String>()));
    lines.push(format!(
        "     {}",
        labels.iter().collect::<String>().trim_end()
    ));
    lines.push(String::new());
    for key in [
        "# relief period   + good reading outside it   * other reading".to_string(),
        format!(
            "│ the RFA   ░ healing, first {RFA_HEALING_DAYS} days   ¦ {} days after the RFA",
            a.min_days
        ),
        format!(
            "─ baseline   ┈ {} % relief: a whole score on or below it is good",
            round1(a.threshold_pct)
        ),
    ] {
        lines.push(fit(&key, width));
    }
    lines.extend(wrap(
        &format!(
            "x: time since the RFA ({}); y: pain score 0-10 (to the nearest whole point)",
            if unit == "w" { "weeks" } else { "months" }
        ),
        width,
        "  ",
    ));
    debug_assert!(lines.iter().all(|l| color || l.width() <= width));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Entry, Procedure, ProcedureKind, Side, Timestamp};
    use crate::evaluation::{Protocol, follow_up};
    use chrono::{DateTime, Duration};

    fn at(days: i64) -> Timestamp {
        let t0 = DateTime::parse_from_rfc3339("2025-02-03T10:00:00-07:00").unwrap();
        Timestamp::new(t0 + Duration::days(days) + Duration::hours(9))
    }

    /// Baseline 7.5; good weekly from day 21 to day 210, then the pain returns.
    fn durable() -> AblationEvaluation {
        let mut scores = vec![(-14, 8.0), (-7, 7.0)];
        let mut d = 21;
        while d <= 330 {
            scores.push((d, if d <= 210 { 2.0 } else { 7.0 }));
            d += 7;
        }
        let es: Vec<Entry> = scores
            .iter()
            .enumerate()
            .map(|(i, &(d, s))| Entry::new(format!("e{i}"), at(d), s))
            .collect();
        let r = Procedure {
            region: Some("lumbar".into()),
            levels: vec!["L4-L5".into()],
            side: Some(Side::Right),
            ..Procedure::new(
                "b2",
                ProcedureKind::RadiofrequencyAblation,
                Timestamp::parse("2025-02-03T10:00:00-07:00").unwrap(),
            )
        };
        let list: Vec<(i128, &Entry)> = es.iter().map(|e| (e.at.instant(), e)).collect();
        let as_of = at(400).instant();
        follow_up(&r, &list, None, None, &Protocol::default_protocol(), as_of)
    }

    #[test]
    fn shows_healing_threshold_baseline_and_the_182_day_mark() {
        let a = durable();
        assert_eq!(a.outcome.as_str(), "durable");
        let lines = rfa_chart(&a, false, 80);
        let text = lines.join("\n");
        assert!(lines.iter().all(|l| l.width() <= 80), "{text}");
        assert!(
            lines[0].starts_with(
                "RFA b2 2025-02-03 10:00 -07:00 (lumbar L4-L5 right) — outcome durable"
            )
        );
        // Baseline 7.5 → row of 8; 50 % → 3.75, rounded down to 3.
        let row = |score: usize| {
            lines
                .iter()
                .find(|l| l.starts_with(&format!("{score:>3} ┤")))
                .unwrap()
        };
        assert!(row(8).ends_with("baseline 7.5"), "{text}");
        assert!(row(3).ends_with("50 % relief"), "{text}");
        assert!(
            row(2).contains('#'),
            "relief period readings at score 2: {text}"
        );
        assert!(row(7).contains('*'), "readings after the return: {text}");
        // The healing period is shaded from the RFA on; the 182-day mark is drawn.
        assert!(row(10).starts_with(" 10 ┤│░"), "{text}");
        assert!(row(10).contains('¦'), "{text}");
        assert!(text.contains("months"), "{text}");
        assert!(text.contains("6m"), "{text}");
        assert!(!text.contains('\x1b'));
        let colored = rfa_chart(&a, true, 80).join("\n");
        assert!(colored.contains("\x1b[1;32m#\x1b[0m"));
    }

    #[test]
    fn no_baseline_draws_no_baseline_or_threshold_line() {
        let mut a = durable();
        a.readings.truncate(2);
        a.baseline = None;
        let text = rfa_chart(&a, false, 60).join("\n");
        assert!(text.contains("no baseline"), "{text}");
        assert!(!text.contains("baseline 7.5"));
        assert!(
            !text
                .lines()
                .any(|l| l.contains('┤') && (l.contains('─') || l.contains('┈')))
        );
        // The span still reaches the RFA days, so the axis is in months here.
        assert!(text.contains("months"), "{text}");
        assert!(text.lines().all(|l| l.width() <= 60), "{text}");
    }

    #[test]
    fn ticks_choose_weeks_or_months() {
        assert_eq!(ticks(35.0).1, "w");
        assert_eq!(ticks(200.0).1, "m");
        let (step, _, per) = ticks(400.0);
        assert!(400.0 / step <= 7.0 && per >= 1.0);
    }
}
