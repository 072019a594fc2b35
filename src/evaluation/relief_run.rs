//! Relief after a block (SPEC §3.1): peak relief, runs of readings at or above the threshold,
//! the block's run, its extension past the window, and whether it is ongoing.

use super::TOLERANCE;
use super::baseline::relief_pct;
use super::timeline::Timeline;
use std::ops::Range;

/// What the post readings show, for a block with a computable baseline.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Relief {
    /// Highest relief among post readings and the earliest index (into the post readings)
    /// having it.
    pub peak: Option<(f64, usize)>,
    /// The block's run, as indices into the post readings.
    pub run: Option<Range<usize>>,
    /// Timeline positions of the readings after the window that extended the run.
    pub extension: Vec<usize>,
    /// The extended run reaches the block's last reading before the next procedure (or the
    /// end of the diary).
    pub ongoing: bool,
}

impl Relief {
    pub(super) fn sustained_readings(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.len())
    }
}

/// `value ≥ limit` with the tolerance of SPEC §3.
pub fn meets(value: f64, limit: f64) -> bool {
    value >= limit - TOLERANCE
}

/// Follow the post readings `post` (timeline positions) of a block with `baseline`;
/// `after` are the block's readings after the window and before the next procedure, in order.
pub(super) fn follow(
    timeline: &Timeline,
    baseline: f64,
    post: &[usize],
    after: impl Iterator<Item = usize>,
    threshold: f64,
    min_sustained: usize,
) -> Relief {
    let relief_at = |j: usize| relief_pct(Some(baseline), timeline.entry(j).score);
    let mut peak: Option<(f64, usize)> = None;
    let mut first_run: Option<Range<usize>> = None;
    let mut chosen: Option<Range<usize>> = None;
    let mut current: Option<usize> = None; // start of the run being read
    for (i, &j) in post.iter().enumerate() {
        let Some(r) = relief_at(j) else { continue };
        if peak.is_none_or(|(p, _)| r > p) {
            peak = Some((r, i));
        }
        if meets(r, threshold) {
            current.get_or_insert(i);
        } else if let Some(start) = current.take() {
            close_run(start..i, min_sustained, &mut first_run, &mut chosen);
        }
    }
    if let Some(start) = current {
        close_run(
            start..post.len(),
            min_sustained,
            &mut first_run,
            &mut chosen,
        );
    }
    let run = chosen.or(first_run);
    let mut extension = Vec::new();
    let mut ongoing = false;
    if run.as_ref().is_some_and(|r| r.end == post.len()) {
        ongoing = true;
        for j in after {
            if relief_at(j).is_some_and(|r| meets(r, threshold)) {
                extension.push(j);
            } else {
                ongoing = false;
                break;
            }
        }
    }
    Relief {
        peak,
        run,
        extension,
        ongoing,
    }
}

/// Record a finished run: the first run of any length, and the first long enough.
fn close_run(
    run: Range<usize>,
    min_sustained: usize,
    first: &mut Option<Range<usize>>,
    chosen: &mut Option<Range<usize>>,
) {
    if first.is_none() {
        *first = Some(run.clone());
    }
    if chosen.is_none() && run.len() >= min_sustained {
        *chosen = Some(run);
    }
}
