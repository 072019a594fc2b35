//! The evaluation engine (SPEC §3): a pure function of a diary and a protocol that classifies
//! every block, gives its reasons and flags, and the next step. No I/O, no clock.

mod ablation;
mod baseline;
mod classify;
mod entry_relief;
mod next_step;
mod protocol;
mod relief_run;
mod target;
mod timeline;

pub use ablation::*;
pub use baseline::{FORMULA, relief_pct};
pub use classify::{Classification, Flag, Reason};
pub use entry_relief::{EntryRelief, entry_reliefs};
pub use next_step::{NextStep, NextStepReason, fmt_pct};
pub use protocol::{
    BASELINE_WINDOW_MINUTES, DEFAULT_PROTOCOL, DEFAULT_WINDOW_MINUTES, MIN_BASELINE,
    MIN_POST_READINGS, MIN_SUSTAINED, PROTOCOLS, Protocol, ProtocolError,
};
pub use relief_run::meets;
pub use target::{Target, same_target};

use crate::diary::{Anesthetic, Diary, Timestamp};
use baseline::{PreviousBlock, baseline_readings, mean_score};
use timeline::{Timeline, minutes_ns, whole_minutes};

/// Every comparison of a computed value with a limit allows this much (SPEC §3).
pub const TOLERANCE: f64 = 1e-9;

/// Why a diary could not be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvaluationError {
    #[error("no block recorded (record one with `paindiary block --anesthetic …`)")]
    NoBlock,
}

/// One reading used for a block: a post reading, or one that extended its run.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Index into `diary.entries`.
    pub entry: usize,
    pub minutes_after_block: i64,
    pub score: f64,
    /// Relief against the block's baseline (`None` when it cannot be computed).
    pub relief_pct: Option<f64>,
    /// Inside the block's window (a post reading) rather than an extension.
    pub in_window: bool,
    /// Part of the block's (extended) relief run.
    pub in_run: bool,
}

/// The evaluation of one block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockEvaluation {
    /// Index into `diary.procedures`.
    pub procedure: usize,
    pub id: String,
    pub at: Timestamp,
    pub anesthetic: Anesthetic,
    pub baseline: Option<f64>,
    pub baseline_readings: usize,
    /// Indices into `diary.entries` of the baseline readings.
    pub baseline_entries: Vec<usize>,
    pub post_readings: usize,
    pub peak_relief_pct: Option<f64>,
    pub peak_at: Option<Timestamp>,
    pub sustained_readings: Option<usize>,
    pub relief_duration_minutes: Option<i64>,
    pub relief_ongoing: Option<bool>,
    pub classification: Classification,
    pub reasons: Vec<Reason>,
    pub flags: Vec<Flag>,
    /// Post readings, then the readings that extended the run.
    pub readings: Vec<Reading>,
}

/// The evaluation of one diary.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub protocol: Protocol,
    pub patient: Option<String>,
    /// In time order (equal instants keep file order).
    pub blocks: Vec<BlockEvaluation>,
    /// Those of the latest block.
    pub classification: Classification,
    pub next_step: NextStep,
    pub next_step_reason: NextStepReason,
    pub rationale: String,
}

impl Evaluation {
    /// The latest block's evaluation.
    pub fn latest(&self) -> &BlockEvaluation {
        // `evaluate` refuses a diary without blocks, so there is always one.
        &self.blocks[self.blocks.len() - 1]
    }
}

/// Evaluate every block of `diary` under `protocol`.
pub fn evaluate(diary: &Diary, protocol: &Protocol) -> Result<Evaluation, EvaluationError> {
    let timeline = Timeline::new(diary);
    if timeline.blocks.is_empty() {
        return Err(EvaluationError::NoBlock);
    }
    let mut blocks = Vec::with_capacity(timeline.blocks.len());
    let mut prev: Option<PreviousBlock> = None;
    for k in 0..timeline.blocks.len() {
        let (block, run_last) = measure_block(&timeline, k, protocol, prev.as_ref());
        let at = timeline.block(k).at.instant();
        prev = Some(PreviousBlock {
            window_end: at + minutes_ns(protocol.window_minutes),
            run_last,
        });
        blocks.push(block);
    }
    classify::classify_blocks(&timeline, &mut blocks, protocol);
    let decision = next_step::decide(&blocks, protocol);
    let latest = &blocks[blocks.len() - 1];
    Ok(Evaluation {
        protocol: protocol.clone(),
        patient: diary.patient_id().map(str::to_string),
        classification: latest.classification,
        next_step: decision.step,
        next_step_reason: decision.reason,
        rationale: decision.rationale,
        blocks,
    })
}

/// Baseline, readings and relief of the block at position `k`; also returns the instant of
/// the last reading of its extended run, which bounds the next block's baseline.
fn measure_block(
    timeline: &Timeline,
    k: usize,
    protocol: &Protocol,
    prev: Option<&PreviousBlock>,
) -> (BlockEvaluation, Option<i128>) {
    let proc = timeline.block(k);
    let at = proc.at.instant();
    let horizon = match k + 1 < timeline.blocks.len() {
        true => timeline.first_at_or_after(timeline.block(k + 1).at.instant()),
        false => timeline.entries.len(),
    };
    let base_range = baseline_readings(timeline, at, protocol.baseline_window_minutes, prev);
    let baseline = mean_score(timeline, base_range.clone());
    let post_start = timeline.first_after(at);
    let post_end = timeline
        .first_after(at + minutes_ns(protocol.window_minutes))
        .min(horizon)
        .max(post_start);
    let post = post_start..post_end;

    let mut block = BlockEvaluation {
        procedure: timeline.blocks[k],
        id: proc.id.clone(),
        at: proc.at.clone(),
        // A loaded block always has its agent (SPEC §1); one built in memory may not.
        anesthetic: proc.anesthetic.unwrap_or(Anesthetic::Other),
        baseline,
        baseline_readings: base_range.len(),
        baseline_entries: base_range.map(|j| timeline.entries[j]).collect(),
        post_readings: post.len(),
        peak_relief_pct: None,
        peak_at: None,
        sustained_readings: None,
        relief_duration_minutes: None,
        relief_ongoing: None,
        classification: Classification::Inconclusive,
        reasons: Vec::new(),
        flags: Vec::new(),
        readings: Vec::new(),
    };
    let relief = baseline.filter(|&b| b != 0.0).map(|b| {
        relief_run::follow(
            timeline,
            b,
            post.clone(),
            horizon,
            protocol.threshold_pct,
            protocol.min_sustained,
        )
    });
    let run_end = relief.as_ref().and_then(|r| r.extended_last);
    let run_start = relief
        .as_ref()
        .and_then(|r| r.run.as_ref().map(|r| r.start));
    let reading_end = run_end.map_or(post.end, |last| (last + 1).max(post.end));
    for j in post.start..reading_end {
        let entry = timeline.entry(j);
        block.readings.push(Reading {
            entry: timeline.entries[j],
            minutes_after_block: whole_minutes(at, timeline.instants[j]),
            score: entry.score,
            relief_pct: relief_pct(baseline, entry.score),
            in_window: j < post.end,
            in_run: run_start.is_some_and(|s| s <= j) && run_end.is_some_and(|e| j <= e),
        });
    }
    if let Some(relief) = &relief {
        if let Some((pct, j)) = relief.peak {
            block.peak_relief_pct = Some(pct);
            block.peak_at = Some(timeline.entry(j).at.clone());
        }
        block.sustained_readings = Some(relief.sustained_readings());
        block.relief_duration_minutes =
            run_end.map(|last| whole_minutes(at, timeline.instants[last]));
        block.relief_ongoing = Some(relief.ongoing);
    }
    (block, run_end.map(|last| timeline.instants[last]))
}

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
pub(crate) mod tests;
