//! The pre-block baseline (SPEC §3.1): the candidates, the comparison (`provoked` or `all`),
//! the baseline readings and their mean, and the relief formula.

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

/// Which readings a block compares (SPEC §3.1 "Comparison": like with like).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// At least one baseline candidate was rated during an activity: only such ratings count.
    Provoked,
    /// Every entry counts.
    All,
}

impl Comparison {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Provoked => "provoked",
            Comparison::All => "all",
        }
    }
}

/// What limits the baseline of a block from below, besides its own 24 h window.
pub(super) struct PreviousBlock {
    /// The previous block's instant plus the window: candidates are later than this.
    pub window_end: i128,
    /// The last reading of the previous block's (extended) relief run, if it has one.
    pub run_last: Option<i128>,
}

/// The baseline of one block.
pub(super) struct Baseline {
    pub comparison: Comparison,
    /// Positions (in the timeline) of the baseline readings.
    pub readings: Vec<usize>,
    /// Their mean; `None` when there are none.
    pub mean: Option<f64>,
}

/// Positions of the baseline candidates of a block at `at`: `[at − baseline_window, at)`,
/// later than `prev.at + window` and than the last reading of `prev`'s extended run.
pub(super) fn candidates(
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

/// The comparison, baseline readings and baseline of a block whose candidates are `range`.
pub(super) fn baseline(timeline: &Timeline, range: Range<usize>) -> Baseline {
    let comparison = if range.clone().any(|j| timeline.has_activity(j)) {
        Comparison::Provoked
    } else {
        Comparison::All
    };
    let readings: Vec<usize> = match comparison {
        Comparison::Provoked => range.filter(|&j| timeline.has_activity(j)).collect(),
        Comparison::All => range.collect(),
    };
    let mean = (!readings.is_empty()).then(|| {
        let sum: f64 = readings.iter().map(|&j| timeline.entry(j).score).sum();
        sum / readings.len() as f64
    });
    Baseline {
        comparison,
        readings,
        mean,
    }
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
