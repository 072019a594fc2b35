//! Classification of each block (SPEC §3 "Classification"), its flags, and the concordance of
//! comparative blocks (lidocaine against a longer-acting agent).

use super::relief_run::meets;
use super::timeline::{Timeline, minutes_ns};
use super::{BlockEvaluation, Protocol, TOLERANCE};
use crate::diary::{Anesthetic, Sedation, has_text};

/// A block's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classification {
    Positive,
    Negative,
    Inconclusive,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Positive => "positive",
            Classification::Negative => "negative",
            Classification::Inconclusive => "inconclusive",
        }
    }
}

/// Why a block is inconclusive, in the order SPEC §3 lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    NoBaseline,
    LowBaseline,
    TooFewReadings,
    Sedation,
    Analgesic,
    NoProvocation,
    NotSustained,
    PartialRelief,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoBaseline => "no-baseline",
            Reason::LowBaseline => "low-baseline",
            Reason::TooFewReadings => "too-few-readings",
            Reason::Sedation => "sedation",
            Reason::Analgesic => "analgesic",
            Reason::NoProvocation => "no-provocation",
            Reason::NotSustained => "not-sustained",
            Reason::PartialRelief => "partial-relief",
        }
    }

    /// What the reason means, in words for a clinician.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::NoBaseline => {
                "no usable pain score before the block (in the 24 h before it, after the previous block's window and relief)"
            }
            Reason::LowBaseline => "baseline pain below 4/10 (not at least moderate)",
            Reason::TooFewReadings => "fewer than 3 scores in the post-block window",
            Reason::Sedation => "moderate or deep sedation can mimic relief",
            Reason::Analgesic => "pain medicine taken during the relief",
            Reason::NoProvocation => "no score during a provocative activity",
            Reason::NotSustained => {
                "relief reached the threshold, but never in 2 consecutive scores"
            }
            Reason::PartialRelief => "relief above the partial floor but below the threshold",
        }
    }
}

/// Observations reported for every block; they never change its classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    ProlongedRelief,
    Steroid,
    MinimalSedation,
    NoProvocation,
    PprDiscordant,
    ShortInterval,
    DiscordantDuration,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ProlongedRelief => "prolonged-relief",
            Flag::Steroid => "steroid",
            Flag::MinimalSedation => "minimal-sedation",
            Flag::NoProvocation => "no-provocation",
            Flag::PprDiscordant => "ppr-discordant",
            Flag::ShortInterval => "short-interval",
            Flag::DiscordantDuration => "discordant-duration",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Flag::ProlongedRelief => "relief lasted more than 24 h (longer than the agent acts)",
            Flag::Steroid => "the block included a steroid",
            Flag::MinimalSedation => "minimal sedation was given",
            Flag::NoProvocation => "no post-block score was taken during an activity",
            Flag::PprDiscordant => {
                "patient-reported relief differs from the computed relief by 30 points or more"
            }
            Flag::ShortInterval => {
                "less than the protocol's minimum interval after the previous block"
            }
            Flag::DiscordantDuration => {
                "the longer-acting agent did not give longer relief than lidocaine"
            }
        }
    }
}

/// How the durations of a lidocaine block and a longer-acting block compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concordance {
    Concordant,
    Discordant,
    Undetermined,
}

/// Concordance of a pair of positive blocks (`lido` with lidocaine, `long` longer-acting).
pub fn concordance(lido: &BlockEvaluation, long: &BlockEvaluation) -> Concordance {
    let (Some(lido_minutes), Some(long_minutes)) =
        (lido.relief_duration_minutes, long.relief_duration_minutes)
    else {
        return Concordance::Undetermined;
    };
    if lido.relief_ongoing == Some(false) && long_minutes > lido_minutes {
        Concordance::Concordant
    } else if long.relief_ongoing == Some(false) && long_minutes <= lido_minutes {
        Concordance::Discordant
    } else {
        Concordance::Undetermined
    }
}

/// Every (lidocaine, longer-acting) pair of positive blocks, as positions in `blocks`.
pub fn comparative_pairs(blocks: &[BlockEvaluation]) -> Vec<(usize, usize)> {
    let positive = |b: &BlockEvaluation| b.classification == Classification::Positive;
    let mut pairs = Vec::new();
    for (i, lido) in blocks.iter().enumerate() {
        if !(positive(lido) && lido.anesthetic == Anesthetic::Lidocaine) {
            continue;
        }
        for (j, long) in blocks.iter().enumerate() {
            if positive(long) && long.anesthetic.is_long_acting() {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

/// Classify every block and set its flags (blocks are in time order).
pub fn classify_blocks(timeline: &Timeline, blocks: &mut [BlockEvaluation], protocol: &Protocol) {
    for (k, block) in blocks.iter_mut().enumerate() {
        let proc = timeline.block(k);
        let prev_at = k.checked_sub(1).map(|p| timeline.block(p).at.instant());
        let (classification, reasons) = classify(timeline, block, proc.sedation, protocol);
        block.classification = classification;
        block.reasons = reasons;

        let flags = &mut block.flags;
        if block.relief_duration_minutes.is_some_and(|m| m > 24 * 60) {
            flags.push(Flag::ProlongedRelief);
        }
        if proc.steroid {
            flags.push(Flag::Steroid);
        }
        if proc.sedation == Sedation::Minimal {
            flags.push(Flag::MinimalSedation);
        }
        let post = block.readings.iter().filter(|r| r.in_window);
        if block.post_readings > 0 && !post.clone().any(|r| has_activity(timeline, r.entry)) {
            flags.push(Flag::NoProvocation);
        }
        if post.clone().any(|r| {
            let reported = timeline.diary.entries[r.entry].relief;
            matches!((r.relief_pct, reported), (Some(c), Some(p)) if (c - p).abs() >= 30.0 - TOLERANCE)
        }) {
            flags.push(Flag::PprDiscordant);
        }
        if let (Some(days), Some(prev_at)) = (protocol.min_interval_days, prev_at) {
            let at = proc.at.instant();
            if at - prev_at < minutes_ns(i64::from(days) * 24 * 60) {
                flags.push(Flag::ShortInterval);
            }
        }
    }
    for (lido, long) in comparative_pairs(blocks) {
        if concordance(&blocks[lido], &blocks[long]) == Concordance::Discordant {
            let later = lido.max(long);
            if !blocks[later].flags.contains(&Flag::DiscordantDuration) {
                blocks[later].flags.push(Flag::DiscordantDuration);
            }
        }
    }
}

fn has_activity(timeline: &Timeline, entry: usize) -> bool {
    has_text(&timeline.diary.entries[entry].activity)
}

/// The classification rules 1–5 of SPEC §3, in order.
fn classify(
    timeline: &Timeline,
    block: &BlockEvaluation,
    sedation: Sedation,
    protocol: &Protocol,
) -> (Classification, Vec<Reason>) {
    use Classification::*;
    // 1. Validity.
    let mut reasons = Vec::new();
    match block.baseline {
        None => reasons.push(Reason::NoBaseline),
        Some(b) if b < protocol.min_baseline - TOLERANCE => reasons.push(Reason::LowBaseline),
        Some(_) => {}
    }
    if block.post_readings < protocol.min_post_readings {
        reasons.push(Reason::TooFewReadings);
    }
    if !reasons.is_empty() {
        return (Inconclusive, reasons);
    }
    // 2. Sustained relief.
    let run: Vec<_> = block
        .readings
        .iter()
        .filter(|r| r.in_run && r.in_window)
        .collect();
    if block.sustained_readings.unwrap_or(0) >= protocol.min_sustained {
        if matches!(sedation, Sedation::Moderate | Sedation::Deep) {
            reasons.push(Reason::Sedation);
        }
        // Post readings at or before the run's last reading ("at or before" compares
        // instants: a reading at the same instant but after it in order counts too).
        let run_last_at = run
            .last()
            .map(|r| timeline.diary.entries[r.entry].at.instant());
        let analgesic = block.readings.iter().filter(|r| r.in_window).any(|r| {
            let entry = &timeline.diary.entries[r.entry];
            run_last_at.is_some_and(|last| entry.at.instant() <= last) && entry.has_medication()
        });
        if analgesic {
            reasons.push(Reason::Analgesic);
        }
        if protocol.requires_provocation && !run.iter().any(|r| has_activity(timeline, r.entry)) {
            reasons.push(Reason::NoProvocation);
        }
        return if reasons.is_empty() {
            (Positive, reasons)
        } else {
            (Inconclusive, reasons)
        };
    }
    let peak = block.peak_relief_pct.unwrap_or(f64::NEG_INFINITY);
    // 3. and 4.
    if meets(peak, protocol.threshold_pct) {
        return (Inconclusive, vec![Reason::NotSustained]);
    }
    if meets(peak, protocol.partial_pct) {
        return (Inconclusive, vec![Reason::PartialRelief]);
    }
    // 5.
    (Negative, reasons)
}
