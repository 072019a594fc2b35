//! Relief after a block (SPEC §3): peak relief, runs of readings at or above the threshold,
//! the block's run, its extension past the window, its duration and whether it is ongoing.

use super::timeline::Timeline;
use super::{TOLERANCE, baseline::relief_pct};
use std::ops::Range;

/// What the post-block readings show, for a block with a computable baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Relief {
    /// Highest relief among post readings and the earliest position having it.
    pub peak: Option<(f64, usize)>,
    /// The block's run: positions of its readings (all post readings).
    pub run: Option<Range<usize>>,
    /// The last position of the run after extension past the window.
    pub extended_last: Option<usize>,
    /// The run reaches the last entry before the next block (or the end of the diary).
    pub ongoing: bool,
}

impl Relief {
    pub fn sustained_readings(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.len())
    }
}

/// `relief ≥ T` with the tolerance of SPEC §3.
pub fn meets(relief: f64, threshold: f64) -> bool {
    relief >= threshold - TOLERANCE
}

/// Follow the post readings `post` of a block with `baseline`.
/// `horizon` is the position of the first live entry at or after the next block (or the end).
pub fn follow(
    timeline: &Timeline,
    baseline: f64,
    post: Range<usize>,
    horizon: usize,
    threshold: f64,
    min_sustained: usize,
) -> Relief {
    let relief_at = |j: usize| relief_pct(Some(baseline), timeline.entry(j).score);
    let mut peak: Option<(f64, usize)> = None;
    let mut first_run: Option<Range<usize>> = None;
    let mut chosen: Option<Range<usize>> = None;
    let mut current: Option<usize> = None; // start of the run being read
    for j in post.clone() {
        let Some(r) = relief_at(j) else { continue };
        if peak.is_none_or(|(p, _)| r > p) {
            peak = Some((r, j));
        }
        if meets(r, threshold) {
            current.get_or_insert(j);
        } else if let Some(start) = current.take() {
            close_run(start..j, min_sustained, &mut first_run, &mut chosen);
        }
    }
    if let Some(start) = current {
        close_run(start..post.end, min_sustained, &mut first_run, &mut chosen);
    }
    let run = chosen.or(first_run);
    let mut extended_last = run.as_ref().map(|r| r.end - 1);
    if let (Some(run), Some(last)) = (&run, extended_last.as_mut())
        && run.end == post.end
    {
        let mut j = post.end;
        while j < horizon && relief_at(j).is_some_and(|r| meets(r, threshold)) {
            *last = j;
            j += 1;
        }
    }
    let ongoing = extended_last.is_some_and(|last| last + 1 == horizon);
    Relief {
        peak,
        run,
        extended_last,
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
