//! `chart`: the pain trajectory around each block, drawn with ASCII and box-drawing characters
//! for an 80-column terminal. Built only from the evaluation and the diary: the baseline,
//! relief, run and window come from the engine, never recomputed here.
//!
//! Per block: x = time since the block, from the earliest baseline reading to the last reading
//! shown (the engine's post readings and run extension); y = pain score 0–10, one row per point.
//! A horizontal line marks the baseline and another the threshold score (relief = T), a
//! vertical line the block.

use super::{round1, sanitize::one_line};
use crate::diary::Diary;
use crate::evaluation::{BlockEvaluation, Classification, Evaluation};
use crate::time_input::format_minutes;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// No chart line is wider than this many display columns.
const WIDTH: usize = 80;
/// Columns of the y axis: `" 10 ┤"`.
const Y_AXIS: usize = 5;
/// The longest label right of the plot: `" baseline/threshold"`.
const RIGHT: usize = 19;
/// Columns of the plot area.
const PLOT: usize = WIDTH - Y_AXIS - RIGHT;
/// Scores 0 to 10, one row each.
const ROWS: usize = 11;

/// What a character cell shows (for colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ink {
    Blank,
    Threshold,
    Baseline,
    Block,
    BaselineReading,
    Reading,
    RunReading,
}

impl Ink {
    fn sgr(self) -> Option<&'static str> {
        match self {
            Ink::Blank => None,
            Ink::Threshold => Some("33"),
            Ink::Baseline => Some("36"),
            Ink::Block => Some("35"),
            Ink::BaselineReading => Some("1;34"),
            Ink::Reading => Some("1"),
            Ink::RunReading => Some("1;32"),
        }
    }

    fn mark(self) -> char {
        match self {
            Ink::BaselineReading => 'o',
            Ink::RunReading => '#',
            _ => '*',
        }
    }
}

#[derive(Clone, Copy)]
struct Cell {
    ch: char,
    ink: Ink,
}

fn paint(text: &str, sgr: Option<&str>, color: bool) -> String {
    match (color, sgr) {
        (true, Some(code)) => format!("\x1b[{code}m{text}\x1b[0m"),
        _ => text.to_string(),
    }
}

fn classification_sgr(c: Classification) -> &'static str {
    match c {
        Classification::Positive => "1;32",
        Classification::Negative => "1;31",
        Classification::Inconclusive => "1;33",
    }
}

/// `text` cut to at most `max` display columns, ending in `...` when cut.
pub fn fit(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let budget = max.saturating_sub(3);
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push_str(&"..."[..3.min(max)]);
    out
}

/// Greedy word wrap to `width` display columns; words longer than a line are split.
/// `text` must be one line (already passed through `one_line`).
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(indent.width() + 10);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.width();
        let prefix = if lines.is_empty() { 0 } else { indent.width() };
        if used > 0 && used + 1 + w <= width - prefix {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        // A word too long for a line is split by characters.
        for c in word.chars() {
            let prefix = if lines.is_empty() { 0 } else { indent.width() };
            let cw = c.width().unwrap_or(0);
            if used + cw > width - prefix {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { format!("{indent}{l}") })
        .collect()
}

/// One point of the trajectory.
struct Point {
    minutes: f64,
    score: f64,
    ink: Ink,
}

/// The baseline readings (from the diary, by the engine's indices) and the engine's readings.
fn points(block: &BlockEvaluation, diary: &Diary) -> Vec<Point> {
    let at = block.at.instant();
    let mut points: Vec<Point> = block
        .baseline_entries
        .iter()
        .filter_map(|&i| diary.entries.get(i))
        .map(|e| Point {
            // Whole minutes, rounded down like the engine's durations.
            minutes: (e.at.instant() - at).div_euclid(60_000_000_000) as f64,
            score: e.score,
            ink: Ink::BaselineReading,
        })
        .collect();
    points.extend(block.readings.iter().map(|r| Point {
        minutes: r.minutes_after_block as f64,
        score: r.score,
        ink: if r.in_run {
            Ink::RunReading
        } else {
            Ink::Reading
        },
    }));
    points
}

/// The row (0 = top) of a score.
fn row_of(score: f64) -> usize {
    let s = (score.clamp(0.0, 10.0) + 0.5).floor() as usize;
    ROWS - 1 - s.min(ROWS - 1)
}

/// A step between x-axis ticks giving at most six intervals (the terminal chart and the
/// report's SVG charts).
pub(crate) fn tick_step(span: f64) -> f64 {
    const STEPS: [f64; 16] = [
        5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 240.0, 360.0, 720.0, 1440.0, 2880.0, 4320.0,
        10080.0, 20160.0, 43200.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 6.0)
        .unwrap_or_else(|| (span / 6.0 / 1440.0).ceil() * 1440.0)
}

/// The plot of one block: rows, x axis, tick labels.
fn plot(
    block: &BlockEvaluation,
    diary: &Diary,
    evaluation: &Evaluation,
    color: bool,
) -> Vec<String> {
    let points = points(block, diary);
    let first = points.iter().map(|p| p.minutes).fold(0.0_f64, f64::min);
    let mut last = points.iter().map(|p| p.minutes).fold(0.0_f64, f64::max);
    if last - first <= 0.0 {
        last = first + evaluation.protocol.window_minutes.max(1) as f64;
    }
    let span = last - first;
    let col = |minutes: f64| -> usize {
        let c = ((minutes - first) / span * (PLOT - 1) as f64).round();
        (c.max(0.0) as usize).min(PLOT - 1)
    };

    let mut grid = vec![
        vec![
            Cell {
                ch: ' ',
                ink: Ink::Blank
            };
            PLOT
        ];
        ROWS
    ];
    let mut labels: Vec<Vec<&str>> = vec![Vec::new(); ROWS];

    // Lines: threshold, then baseline over it, then the block over both.
    let baseline = block.baseline;
    let threshold = baseline
        .filter(|&b| b > 0.0)
        .map(|b| b * (1.0 - evaluation.protocol.threshold_pct / 100.0));
    if let Some(t) = threshold {
        // Rounded down: a whole score on or below the line has at least T relief.
        let r = ROWS - 1 - ((t + 1e-9).floor().clamp(0.0, 10.0) as usize);
        for cell in &mut grid[r] {
            *cell = Cell {
                ch: '┈',
                ink: Ink::Threshold,
            };
        }
        labels[r].push("threshold");
    }
    if let Some(b) = baseline {
        let r = row_of(b);
        for cell in &mut grid[r] {
            *cell = Cell {
                ch: '─',
                ink: Ink::Baseline,
            };
        }
        labels[r].insert(0, "baseline");
    }
    let c0 = col(0.0);
    for row in &mut grid {
        let crossing = row[c0].ink != Ink::Blank;
        row[c0] = Cell {
            ch: if crossing { '┼' } else { '│' },
            ink: Ink::Block,
        };
    }
    // Points, the more telling mark winning a shared cell.
    for p in &points {
        let cell = &mut grid[row_of(p.score)][col(p.minutes)];
        if cell.ink < p.ink {
            *cell = Cell {
                ch: p.ink.mark(),
                ink: p.ink,
            };
        }
    }

    let mut lines = Vec::with_capacity(ROWS + 2);
    for (r, row) in grid.iter().enumerate() {
        let mut line = format!("{:>3} ┤", ROWS - 1 - r);
        let mut run: Option<(Ink, String)> = None;
        for cell in row {
            match &mut run {
                Some((ink, text)) if *ink == cell.ink => text.push(cell.ch),
                _ => {
                    if let Some((ink, text)) = run.take() {
                        line.push_str(&paint(&text, ink.sgr(), color));
                    }
                    run = Some((cell.ink, cell.ch.to_string()));
                }
            }
        }
        if let Some((ink, text)) = run {
            line.push_str(&paint(&text, ink.sgr(), color));
        }
        if !labels[r].is_empty() {
            line.push(' ');
            line.push_str(&labels[r].join("/"));
        }
        lines.push(line.trim_end().to_string());
    }

    // The x axis: ticks at multiples of a round step, and at both ends. Labels are placed
    // by priority (the block, the ends, then the round ticks) where they do not collide.
    let step = tick_step(span);
    let mut ticks = vec![0.0, first, last];
    let mut k = (first / step).ceil() as i64;
    while (k as f64) * step <= last + 1e-9 {
        ticks.push(k as f64 * step);
        k += 1;
    }
    let mut axis: Vec<char> = vec!['─'; PLOT];
    for &t in &ticks {
        axis[col(t)] = '┴';
    }
    lines.push(format!("    └{}", axis.into_iter().collect::<String>()));
    let mut under: Vec<char> = vec![' '; WIDTH];
    let mut taken = [false; WIDTH + 1];
    let mut placed: Vec<usize> = Vec::new();
    for &t in &ticks {
        let centre = Y_AXIS + col(t);
        if placed.contains(&centre) {
            continue;
        }
        let label = if t == 0.0 {
            "0".to_string()
        } else {
            format_minutes(t as i64)
        };
        let n = label.chars().count();
        let start = centre.saturating_sub(n / 2).min(WIDTH.saturating_sub(n));
        let lo = start.saturating_sub(1);
        if taken[lo..(start + n + 1).min(WIDTH + 1)].iter().any(|&x| x) {
            continue;
        }
        for (i, c) in label.chars().enumerate() {
            under[start + i] = c;
            taken[start + i] = true;
        }
        placed.push(centre);
    }
    lines.push(under.into_iter().collect::<String>().trim_end().to_string());
    lines
}

/// The header of one block: id, agent, time, classification, peak relief, baseline, threshold.
fn legend(block: &BlockEvaluation, evaluation: &Evaluation, color: bool) -> Vec<String> {
    let at = super::display_time(&block.at);
    let class = block.classification.as_str();
    // "Block " + id + " (" + agent + ", " + time + "): " + classification.
    let fixed = 6 + 2 + block.anesthetic.as_str().len() + 2 + at.len() + 3 + class.len();
    let id = fit(&one_line(&block.id), WIDTH.saturating_sub(fixed).max(8));
    let mut lines = vec![format!(
        "Block {id} ({}, {at}): {}",
        block.anesthetic.as_str(),
        paint(class, Some(classification_sgr(block.classification)), color)
    )];
    let peak = block
        .peak_relief_pct
        .map_or("none".to_string(), |p| format!("{:.1} %", round1(p)));
    let t = round1(evaluation.protocol.threshold_pct);
    let second = match block.baseline {
        None => format!("peak relief {peak} | no baseline: relief cannot be computed"),
        Some(0.0) => {
            format!("peak relief {peak} | baseline 0.0: relief cannot be computed")
        }
        Some(b) => format!(
            "peak relief {peak} | baseline {:.1} ({} reading{}) | threshold {:.1} ({t} % relief)",
            round1(b),
            block.baseline_readings,
            if block.baseline_readings == 1 {
                ""
            } else {
                "s"
            },
            round1(b * (1.0 - evaluation.protocol.threshold_pct / 100.0)),
        ),
    };
    lines.extend(wrap(&second, WIDTH, "  "));
    let mut third = format!(
        "{} post reading{}",
        block.post_readings,
        if block.post_readings == 1 { "" } else { "s" }
    );
    if let Some(n) = block.sustained_readings {
        third.push_str(&format!(", {n} in the relief run"));
    }
    match (block.relief_duration_minutes, block.relief_ongoing) {
        (Some(m), Some(true)) => third.push_str(&format!(
            ", relief lasted {} and is ongoing",
            format_minutes(m)
        )),
        (Some(m), _) => third.push_str(&format!(", relief lasted {}", format_minutes(m))),
        _ => {}
    }
    lines.extend(wrap(&third, WIDTH, "  "));
    let codes = |v: Vec<&str>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let fourth = format!(
        "reasons: {} | flags: {}",
        codes(block.reasons.iter().map(|r| r.as_str()).collect()),
        codes(block.flags.iter().map(|f| f.as_str()).collect()),
    );
    lines.extend(wrap(&fourth, WIDTH, "  "));
    lines
}

/// The chart of every block of `evaluation` (of `diary`, read from `file`), for a terminal of
/// at least 80 columns. With `color`, ANSI colours; without, plain text.
pub fn chart(evaluation: &Evaluation, diary: &Diary, file: &str, color: bool) -> String {
    let mut lines: Vec<String> = Vec::new();
    let patient = evaluation
        .patient
        .as_deref()
        .map_or("no patient id".to_string(), |p| {
            format!("patient {}", one_line(p))
        });
    let p = &evaluation.protocol;
    lines.extend(wrap(
        &format!(
            "{}: {patient}; protocol {} (T = {} % relief, window {})",
            one_line(file),
            p.name,
            round1(p.threshold_pct),
            format_minutes(p.window_minutes)
        ),
        WIDTH,
        "  ",
    ));
    for block in &evaluation.blocks {
        lines.push(String::new());
        lines.extend(legend(block, evaluation, color));
        lines.push(String::new());
        lines.extend(plot(block, diary, evaluation, color));
    }
    for ablation in &evaluation.ablations {
        lines.push(String::new());
        lines.extend(super::rfa_chart::rfa_chart(ablation, color, WIDTH));
    }
    lines.push(String::new());
    lines.push(
        "o baseline reading   * reading after the block   # reading in the relief run".into(),
    );
    lines.push("│ the block   ─ baseline (mean before)   ┈ threshold: the score giving T".into());
    lines.push("  relief, rounded down: a whole score on or below it has at least T relief".into());
    lines.push("x: time since the block; y: pain score 0-10 (to the nearest whole point)".into());
    lines.push(String::new());
    lines.extend(wrap(
        &format!(
            "Next step: {} ({}) [{}]",
            evaluation.decision.step.as_str(),
            evaluation.decision.step.describe(),
            evaluation.decision.reason.as_str()
        ),
        WIDTH,
        "  ",
    ));
    lines.extend(wrap(
        &one_line(&super::rationale::rationale(evaluation)),
        WIDTH,
        "  ",
    ));
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Anesthetic, Extra, Procedure};
    use crate::evaluation::{Protocol, evaluate};

    use crate::evaluation::tests::{diary, positive_scores};

    fn block(id: &str, minutes: i64) -> Procedure {
        crate::evaluation::tests::block(id, minutes, Anesthetic::Lidocaine)
    }

    fn render(d: &Diary, color: bool) -> String {
        let e = evaluate(d, &Protocol::default_protocol()).unwrap();
        chart(&e, d, "diary.json", color)
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn assert_fits(text: &str) {
        for line in text.lines() {
            let w = strip_ansi(line).width();
            assert!(w <= WIDTH, "{w} columns: {line:?}");
        }
    }

    #[test]
    fn positive_block_has_lines_points_and_legend() {
        let d = diary(vec![block("b1", 0)], &positive_scores(0));
        let text = render(&d, false);
        assert_fits(&text);
        assert!(!text.contains('\x1b'));
        assert!(text.contains("Block b1 (lidocaine, 2026-11-20 09:30 -07:00): positive"));
        assert!(text.contains("peak relief 75.0 %"));
        assert!(text.contains("baseline 8.0 (1 reading) | threshold 4.0 (50 % relief)"));
        let row = |score: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("{score:>3} ┤")))
                .unwrap()
                .to_string()
        };
        // Baseline at 8 (with the baseline reading on it), threshold at 4 (T 50 %).
        assert!(
            row("8").contains('─') && row("8").ends_with("baseline"),
            "{text}"
        );
        assert!(row("8").contains('o'));
        assert!(row("4").contains('┈') && row("4").ends_with("threshold"));
        // The relief run (scores of 2) and the returning pain (6, and 8 on the baseline row).
        assert_eq!(row("2").matches('#').count(), 5, "{text}");
        assert!(row("6").contains('*'));
        // The block is a vertical line crossing both horizontal lines.
        assert!(row("8").contains('┼') && row("4").contains('┼') && row("0").contains('│'));
        assert!(text.contains("-30m") && text.contains("5h"));
        assert!(text.contains("Next step: rfa"));
    }

    #[test]
    fn threshold_line_is_rounded_down() {
        // Baseline 7, T 50 %: threshold 3.5, so a 3 has relief (57 %) and a 4 has not (43 %).
        let d = diary(
            vec![block("b1", 0)],
            &[(-30, 7.0), (15, 3.0), (30, 3.0), (60, 4.0)],
        );
        let text = render(&d, false);
        let line = text.lines().find(|l| l.ends_with(" threshold")).unwrap();
        assert!(line.starts_with("  3 ┤"), "{text}");
        assert!(line.contains('#'));
        assert!(text.contains("threshold 3.5 (50 % relief)"));
    }

    #[test]
    fn block_without_baseline_draws_points_and_says_so() {
        let d = diary(vec![block("b1", 0)], &[(15, 3.0), (60, 4.0), (120, 5.0)]);
        let text = render(&d, false);
        assert_fits(&text);
        assert!(text.contains("no baseline"), "{text}");
        let rows: Vec<&str> = text.lines().filter(|l| l.contains(" ┤")).collect();
        assert_eq!(rows.len(), 11);
        assert!(
            rows.iter().all(|r| !r.contains('┈') && !r.contains('─')),
            "{text}"
        );
        assert_eq!(text.matches('*').count(), 4, "{text}"); // three points + the key
        assert!(!text.lines().any(|l| l.ends_with(" baseline")));
    }

    #[test]
    fn block_without_any_reading_still_renders() {
        let d = diary(vec![block("b1", 0)], &[]);
        let text = render(&d, false);
        assert_fits(&text);
        assert!(text.contains("no baseline"));
        assert!(text.contains("8h"), "{text}");
    }

    #[test]
    fn hostile_and_long_ids_are_escaped_and_fit() {
        let long = "b\u{1b}[31m".to_string() + &"界".repeat(60);
        let mut d = diary(vec![block(&long, 0)], &positive_scores(0));
        d.patient = Some(crate::diary::Patient {
            id: Some("P\u{1b}]0;x\u{7}".into()),
            extra: Extra::default(),
        });
        for color in [false, true] {
            let text = render(&d, color);
            assert_fits(&text);
            assert!(!strip_ansi(&text).contains('\x1b'), "{text}");
            assert!(!text.contains('\u{7}'));
            assert!(text.contains("b\\u{1b}[31m"));
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let d = diary(vec![block("b1", 0)], &positive_scores(0));
        assert!(!render(&d, false).contains('\x1b'));
        let coloured = render(&d, true);
        assert!(coloured.contains("\x1b[1;32mpositive\x1b[0m"));
        assert_eq!(strip_ansi(&coloured), render(&d, false));
    }

    #[test]
    fn two_blocks_and_a_long_extension_fit() {
        let mut scores: Vec<(i64, f64)> = positive_scores(0);
        // A second block 3 days later whose relief lasts two days (extension).
        let b2 = 3 * 1440;
        scores.extend([
            (b2 - 60, 9.0),
            (b2 + 30, 1.0),
            (b2 + 60, 1.0),
            (b2 + 120, 1.0),
        ]);
        scores.extend([(b2 + 1440, 2.0), (b2 + 2880, 2.0)]);
        let d = diary(vec![block("b1", 0), block("b2", b2)], &scores);
        let text = render(&d, false);
        assert_fits(&text);
        assert!(text.contains("Block b2"));
        assert!(
            text.contains("relief lasted 2d") && text.contains("ongoing"),
            "{text}"
        );
        assert!(text.contains("prolonged-relief"));
    }

    #[test]
    fn wrap_and_fit_respect_width() {
        let lines = wrap(&"word ".repeat(40), 20, "  ");
        assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
        assert!(lines[1].starts_with("  word"));
        let lines = wrap(&"x".repeat(50), 20, "  ");
        assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', "").len(), 50);
        assert_eq!(fit("abcdef", 5), "ab...");
        assert_eq!(fit("界界界", 5), "界...");
        assert_eq!(fit("abc", 5), "abc");
    }
}
