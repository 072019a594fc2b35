//! The pre-block baseline (SPEC §3 "Baseline readings") and the relief formula.

use super::timeline::{Timeline, minutes_ns};
use std::ops::Range;

/// The formula, as printed in every evaluation.
pub const FORMULA: &str = "relief_pct = (baseline - score) / baseline * 100";

/// Relief of a score against a baseline, in percent (negative when worse).
/// `None` when it cannot be computed: no baseline, or a baseline of 0.
pub fn relief_pct(baseline: Option<f64>, score: f64) -> Option<f64> {
    match baseline {
        Some(b) if b != 0.0 => Some((b - score) / b * 100.0),
        _ => None,
    }
}

/// What limits the baseline of a block from below, besides its own 24 h window.
pub struct PreviousBlock {
    /// The previous block's instant plus the window: baseline readings are later than this.
    pub window_end: i128,
    /// The last reading of the previous block's (extended) relief run, if it has one.
    pub run_last: Option<i128>,
}

/// Positions (in the timeline) of the baseline readings of a block at `at`:
/// `[at − baseline_window, at)`, later than `prev.at + window` and than `prev`'s run.
pub fn baseline_readings(
    timeline: &Timeline,
    at: i128,
    baseline_window_minutes: i64,
    prev: Option<&PreviousBlock>,
) -> Range<usize> {
    let mut start = timeline.first_at_or_after(at - minutes_ns(baseline_window_minutes));
    if let Some(prev) = prev {
        start = start.max(timeline.first_after(prev.window_end));
        if let Some(run_last) = prev.run_last {
            start = start.max(timeline.first_after(run_last));
        }
    }
    let end = timeline.first_at_or_after(at);
    start..end.max(start)
}

/// The mean score of the readings in `range`; `None` when there are none.
pub fn mean_score(timeline: &Timeline, range: Range<usize>) -> Option<f64> {
    if range.is_empty() {
        return None;
    }
    let n = range.len() as f64;
    let sum: f64 = range.map(|j| timeline.entry(j).score).sum();
    Some(sum / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relief_formula() {
        assert_eq!(relief_pct(Some(8.0), 4.0), Some(50.0));
        assert_eq!(relief_pct(Some(8.0), 10.0), Some(-25.0));
        assert_eq!(relief_pct(Some(0.0), 0.0), None);
        assert_eq!(relief_pct(None, 3.0), None);
    }
}
