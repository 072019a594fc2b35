//! The evaluation engine (SPEC §3): a pure function of a diary, a protocol and an `as_of`
//! instant that classifies every block and returns the next step as data. No I/O, no clock.

mod ablation;
mod baseline;
mod classify;
mod entry_relief;
mod next_step;
mod protocol;
mod relief_run;
mod target;
mod timeline;
mod words;

pub use ablation::*;
pub use baseline::{Comparison, FORMULA, relief_pct};
pub use classify::{Classification, Flag, Reason};
pub use entry_relief::{EntryRelief, entry_reliefs};
pub use next_step::{
    Decision, Facts, MAX_TEST_AGE_DAYS, NextStep, NextStepReason, SUBSTANTIAL_PCT, fmt_pct,
};
pub use protocol::{
    ANALGESIC_LOOKBACK_MINUTES, BASELINE_WINDOW_MINUTES, DEFAULT_PROTOCOL, DEFAULT_WINDOW_MINUTES,
    EVERY_BLOCK_KIND, MAX_ONSET_MINUTES, MIN_BASELINE, MIN_POST_READINGS, MIN_SUSTAINED,
    PARTIAL_PCT, PROTOCOLS, Protocol, ProtocolError,
};
pub use relief_run::meets;
pub use target::{Target, same_target};
pub use words::{NONE_WORDS, REST_WORDS, has_activity, has_medication};

use crate::diary::{Anesthetic, Diary, ProcedureKind, Sedation, Side, Timestamp};
use baseline::PreviousBlock;
use chrono::{DateTime, FixedOffset, TimeDelta};
use timeline::{Timeline, minutes_ns, whole_minutes};

/// Every comparison of a computed value with a limit allows this much (SPEC §3).
pub const TOLERANCE: f64 = 1e-9;

/// Why a diary could not be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvaluationError {
    #[error("no block recorded (record one with `paindiary block --anesthetic …`)")]
    NoBlock,
    /// The diary has procedures, but all after the evaluation time.
    #[error(
        "no block recorded at or before the evaluation time {as_of} (the first procedure, {first}, is at {first_at}; give a later --as-of)"
    )]
    NoBlockYet {
        as_of: String,
        first: String,
        first_at: String,
    },
}

/// One reading used for a block: a post reading, or one that extended its run.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Index into `diary.entries`.
    pub entry: usize,
    pub minutes_after_block: i64,
    /// The reading's instant (ns since the epoch).
    pub instant: i128,
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
    pub kind: ProcedureKind,
    pub region: Option<String>,
    pub levels: Vec<String>,
    pub side: Option<Side>,
    pub anesthetic: Anesthetic,
    pub steroid: bool,
    pub sedation: Sedation,
    pub comparison: Comparison,
    pub baseline: Option<f64>,
    pub baseline_readings: usize,
    /// Indices into `diary.entries` of the baseline readings.
    pub baseline_entries: Vec<usize>,
    /// Baseline candidates left out because they were not rated during an activity
    /// (`provoked` comparison only).
    pub resting_left_out: usize,
    pub post_readings: usize,
    pub peak_relief_pct: Option<f64>,
    pub peak_at: Option<Timestamp>,
    pub onset_minutes: Option<i64>,
    pub sustained_readings: Option<usize>,
    pub relief_duration_minutes: Option<i64>,
    pub relief_ongoing: Option<bool>,
    /// `B.at + window`, with `B.at`'s offset (`None` only past the representable range).
    pub window_closes_at: Option<Timestamp>,
    /// Ids of the earlier blocks with the same target, in time order.
    pub same_target_as: Vec<String>,
    pub classification: Classification,
    pub reasons: Vec<Reason>,
    pub flags: Vec<Flag>,
    /// Post readings, then the readings that extended the run.
    pub readings: Vec<Reading>,
    /// `B.at + window` as an instant (ns): the next block's baseline starts after it, and so
    /// does an RFA's (SPEC §3.6).
    pub window_end: i128,
    /// The instant of the last reading of the block's run (the run itself, not its extension).
    pub run_last: Option<i128>,
    /// The instant of the last reading of the extended run (bounds the next baseline).
    pub extended_run_last: Option<i128>,
    /// No procedure of any kind follows this block (at or before `as_of`).
    pub is_last_procedure: bool,
}

/// The top-level result under one built-in protocol (SPEC §3.7 `by_protocol`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolVerdict {
    pub name: &'static str,
    pub classification: Option<Classification>,
    pub next_step: NextStep,
    pub next_step_reason: NextStepReason,
}

/// The evaluation of one diary.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub protocol: Protocol,
    pub patient: Option<String>,
    /// The instant the diary was evaluated at (`None`: the whole diary, no cut-off).
    pub as_of: Option<DateTime<FixedOffset>>,
    /// In time order (equal instants keep file order).
    pub blocks: Vec<BlockEvaluation>,
    /// The latest procedure is a radiofrequency ablation (SPEC §3.6 decides).
    pub latest_is_rfa: bool,
    /// The latest block's, when the latest procedure is a block; else `None`.
    pub classification: Option<Classification>,
    /// The follow-up of every RFA at or before `as_of`, in time order (SPEC §3.6).
    pub ablations: Vec<AblationEvaluation>,
    /// The latest RFA's outcome when the latest procedure is an RFA; else `None`.
    pub rfa_outcome: Option<RfaOutcome>,
    /// The next step, its reason and the facts behind it.
    pub decision: Decision,
    /// The same diary under each built-in protocol (empty unless asked for).
    pub by_protocol: Vec<ProtocolVerdict>,
}

impl Evaluation {
    /// The latest block's evaluation, if there is a block.
    pub fn latest(&self) -> Option<&BlockEvaluation> {
        self.blocks.last()
    }

    /// The block that decided the next step, if a block decided it.
    pub fn deciding_block(&self) -> Option<&BlockEvaluation> {
        self.decision.block.and_then(|k| self.blocks.get(k))
    }
}

/// Evaluate every block of the whole `diary` under `protocol` (no `as_of` cut-off, no
/// `by_protocol`): what `list`, `log`, `chart` and `report` need.
pub fn evaluate(diary: &Diary, protocol: &Protocol) -> Result<Evaluation, EvaluationError> {
    evaluate_at(diary, protocol, None, false)
}

/// Evaluate `diary` as it stood at `as_of` (`None`: everything) under `protocol`; with
/// `by_protocol`, also under each built-in protocol, sharing the work that does not depend
/// on the protocol.
pub fn evaluate_at(
    diary: &Diary,
    protocol: &Protocol,
    as_of: Option<DateTime<FixedOffset>>,
    by_protocol: bool,
) -> Result<Evaluation, EvaluationError> {
    let cut = as_of.as_ref().map(|t| Timestamp::new(*t).instant());
    let timeline = Timeline::new(diary, cut);
    if timeline.procedures.is_empty() {
        let first = diary
            .procedures
            .iter()
            .filter(|p| !p.is_retracted())
            .min_by_key(|p| p.at.instant());
        return Err(match (first, as_of) {
            (Some(p), Some(t)) => EvaluationError::NoBlockYet {
                as_of: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                first: p.id.clone(),
                first_at: p.at.text(),
            },
            _ => EvaluationError::NoBlock,
        });
    }
    let targets: Vec<Target> = (0..timeline.blocks.len())
        .map(|k| Target::of(timeline.block(k)))
        .collect();
    let mut cache = MeasureCache::default();
    // The RFA follow-up reads the live entries with their instants; built only when there is
    // an RFA to follow (a million-entry diary of blocks pays nothing for it).
    let has_rfa = timeline
        .procedures
        .iter()
        .any(|&i| !diary.procedures[i].is_block());
    let live: Vec<(i128, &crate::diary::Entry)> = match has_rfa {
        true => (0..timeline.entries.len())
            .map(|j| (timeline.instants[j], timeline.entry(j)))
            .collect(),
        false => Vec::new(),
    };
    let run = |p: &Protocol, cache: &mut MeasureCache| run(&timeline, &targets, &live, p, cache);
    let (blocks, ablations, decision, classification) = run(protocol, &mut cache);
    let by_protocol = if by_protocol {
        PROTOCOLS
            .iter()
            .map(|p| {
                // The protocol asked for, without overrides, is already done.
                let (d, c) = if p == protocol {
                    (decision.clone(), classification)
                } else {
                    let (_, _, d, c) = run(p, &mut cache);
                    (d, c)
                };
                ProtocolVerdict {
                    name: p.name,
                    classification: c,
                    next_step: d.step,
                    next_step_reason: d.reason,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Evaluation {
        protocol: protocol.clone(),
        patient: diary.patient_id().map(str::to_string),
        as_of,
        latest_is_rfa: timeline.latest_procedure().is_some_and(|p| !p.is_block()),
        blocks,
        classification,
        rfa_outcome: match timeline.latest_procedure().is_some_and(|p| !p.is_block()) {
            true => ablations.last().map(|a| a.outcome),
            false => None,
        },
        ablations,
        decision,
        by_protocol,
    })
}

/// Measurements depend on the protocol only through these; equal keys share the work.
type MeasureKey = (u64, i64, i64, usize);

#[derive(Default)]
struct MeasureCache(Vec<(MeasureKey, Vec<BlockEvaluation>)>);

/// Measure (or reuse), classify and decide under one protocol.
/// What one protocol makes of the diary: the blocks, the RFA follow-ups, the decision and the
/// top-level classification.
type Run = (
    Vec<BlockEvaluation>,
    Vec<AblationEvaluation>,
    Decision,
    Option<Classification>,
);

fn run(
    timeline: &Timeline,
    targets: &[Target],
    live: &[(i128, &crate::diary::Entry)],
    protocol: &Protocol,
    cache: &mut MeasureCache,
) -> Run {
    let key = (
        protocol.threshold_pct.to_bits(),
        protocol.window_minutes,
        protocol.baseline_window_minutes,
        protocol.min_sustained,
    );
    let mut blocks = match cache.0.iter().find(|(k, _)| *k == key) {
        Some((_, b)) => b.clone(),
        None => {
            let b = measure_all(timeline, targets, protocol);
            cache.0.push((key, b.clone()));
            b
        }
    };
    classify::classify_blocks(timeline, targets, &mut blocks, protocol);
    let as_of = as_of_instant(timeline);
    let ablations = follow_up_all(timeline, &blocks, live, protocol, as_of);
    let latest_is_rfa = timeline.latest_procedure().is_some_and(|p| !p.is_block());
    let (decision, classification) = if latest_is_rfa {
        (
            next_step::decide_after_rfa(timeline, &ablations, protocol, as_of),
            None,
        )
    } else {
        let d = next_step::decide(timeline, targets, &blocks, protocol);
        (d, blocks.last().map(|b| b.classification))
    };
    (blocks, ablations, decision, classification)
}

/// The instant the diary is evaluated at: `as_of`, or, for a whole-diary view (chart, report,
/// list), the latest record in it.
fn as_of_instant(timeline: &Timeline) -> i128 {
    timeline.as_of.unwrap_or_else(|| {
        let last_entry = timeline.instants.last().copied();
        let last_procedure = timeline.latest_procedure().map(|p| p.at.instant());
        last_entry.max(last_procedure).unwrap_or(0)
    })
}

/// SPEC §3.6 for every live RFA: its baseline starts after the previous procedure's window and,
/// when that is a block, after the last reading of its extended relief run; its follow-up ends
/// at the next procedure.
fn follow_up_all(
    timeline: &Timeline,
    blocks: &[BlockEvaluation],
    live: &[(i128, &crate::diary::Entry)],
    protocol: &Protocol,
    as_of: i128,
) -> Vec<AblationEvaluation> {
    let procedure = |k: usize| &timeline.diary.procedures[timeline.procedures[k]];
    (0..timeline.procedures.len())
        .filter(|&k| !procedure(k).is_block())
        .map(|k| {
            let baseline_after = k.checked_sub(1).map(|prev| {
                let window_end = procedure(prev).at.instant() + minutes_ns(protocol.window_minutes);
                let run_last = timeline
                    .blocks
                    .iter()
                    .position(|&b| b == prev)
                    .and_then(|b| blocks.get(b))
                    .and_then(|b| b.extended_run_last);
                run_last.map_or(window_end, |r| r.max(window_end))
            });
            let next_at =
                (k + 1 < timeline.procedures.len()).then(|| procedure(k + 1).at.instant());
            ablation::follow_up(procedure(k), live, baseline_after, next_at, protocol, as_of)
        })
        .collect()
}

/// Measure every block in time order (each block's baseline depends on the one before).
fn measure_all(
    timeline: &Timeline,
    targets: &[Target],
    protocol: &Protocol,
) -> Vec<BlockEvaluation> {
    let mut blocks: Vec<BlockEvaluation> = Vec::with_capacity(timeline.blocks.len());
    for k in 0..timeline.blocks.len() {
        let prev = blocks.last().map(|b| PreviousBlock {
            window_end: b.window_end,
            run_last: b.extended_run_last,
        });
        let mut block = measure_block(timeline, k, protocol, prev.as_ref());
        block.same_target_as = (0..k)
            .filter(|&i| targets[i] == targets[k])
            .map(|i| blocks[i].id.clone())
            .collect();
        blocks.push(block);
    }
    blocks
}

/// Baseline, readings and relief of the block at position `k` (SPEC §3.1).
fn measure_block(
    timeline: &Timeline,
    k: usize,
    protocol: &Protocol,
    prev: Option<&PreviousBlock>,
) -> BlockEvaluation {
    let proc = timeline.block(k);
    let at = proc.at.instant();
    let window_end = at + minutes_ns(protocol.window_minutes);
    let next = timeline.next_after_block(k);
    let horizon = next.map_or(timeline.entries.len(), |n| {
        timeline.first_at_or_after(n.at.instant())
    });
    let candidates = baseline::candidates(timeline, at, protocol.baseline_window_minutes, prev);
    let n_candidates = candidates.len();
    let base = baseline::baseline(timeline, candidates);
    let is_reading = |j: usize| match base.comparison {
        baseline::Comparison::Provoked => timeline.has_activity(j),
        baseline::Comparison::All => true,
    };
    let post_start = timeline.first_after(at);
    let post_end = timeline
        .first_after(window_end)
        .min(horizon)
        .max(post_start);
    let post: Vec<usize> = (post_start..post_end).filter(|&j| is_reading(j)).collect();

    let mut block = BlockEvaluation {
        procedure: timeline.procedures[timeline.blocks[k]],
        id: proc.id.clone(),
        at: proc.at.clone(),
        kind: proc.kind,
        region: proc.region.clone(),
        levels: proc.levels.clone(),
        side: proc.side,
        // A loaded block always has its agent (SPEC §1); one built in memory may not.
        anesthetic: proc.anesthetic.unwrap_or(Anesthetic::Other),
        steroid: proc.steroid,
        sedation: proc.sedation,
        comparison: base.comparison,
        baseline: base.mean,
        baseline_readings: base.readings.len(),
        baseline_entries: base.readings.iter().map(|&j| timeline.entries[j]).collect(),
        resting_left_out: n_candidates - base.readings.len(),
        post_readings: post.len(),
        peak_relief_pct: None,
        peak_at: None,
        onset_minutes: None,
        sustained_readings: None,
        relief_duration_minutes: None,
        relief_ongoing: None,
        window_closes_at: proc
            .at
            .time()
            .checked_add_signed(TimeDelta::minutes(protocol.window_minutes))
            .map(Timestamp::new),
        same_target_as: Vec::new(),
        classification: Classification::Inconclusive,
        reasons: Vec::new(),
        flags: Vec::new(),
        readings: Vec::new(),
        window_end,
        run_last: None,
        extended_run_last: None,
        is_last_procedure: next.is_none(),
    };
    let usable = base.mean.filter(|&b| b != 0.0);
    let relief = usable.map(|b| {
        let after = (post_end..horizon).filter(|&j| is_reading(j));
        relief_run::follow(
            timeline,
            b,
            &post,
            after,
            protocol.threshold_pct,
            protocol.min_sustained,
        )
    });
    let run = relief.as_ref().and_then(|r| r.run.clone());
    let empty = Vec::new();
    let extension = relief.as_ref().map_or(&empty, |r| &r.extension);
    for (i, &j) in post.iter().chain(extension.iter()).enumerate() {
        let entry = timeline.entry(j);
        let in_window = i < post.len();
        block.readings.push(Reading {
            entry: timeline.entries[j],
            minutes_after_block: whole_minutes(at, timeline.instants[j]),
            instant: timeline.instants[j],
            score: entry.score,
            relief_pct: relief_pct(base.mean, entry.score),
            in_window,
            in_run: run.as_ref().is_some_and(|r| !in_window || r.contains(&i)),
        });
    }
    if let Some(relief) = &relief {
        if let Some((pct, i)) = relief.peak {
            block.peak_relief_pct = Some(pct);
            block.peak_at = Some(timeline.entry(post[i]).at.clone());
        }
        block.sustained_readings = Some(relief.sustained_readings());
        if let Some(run) = &relief.run {
            let first = timeline.instants[post[run.start]];
            let last = timeline.instants[post[run.end - 1]];
            let extended_last = relief
                .extension
                .last()
                .map_or(last, |&j| timeline.instants[j]);
            block.onset_minutes = Some(whole_minutes(at, first));
            block.run_last = Some(last);
            block.extended_run_last = Some(extended_last);
            block.relief_duration_minutes = Some(whole_minutes(at, extended_last));
        }
        block.relief_ongoing = Some(relief.ongoing);
    }
    block
}

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
pub(crate) mod tests;
