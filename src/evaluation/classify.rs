//! Classification of each block (SPEC §3.2), its flags (§3.3), and the concordance of
//! comparative blocks (lidocaine against a longer-acting agent).

use super::relief_run::meets;
use super::target::Target;
use super::timeline::{Timeline, minutes_ns};
use super::words::{has_activity, medication_key};
use super::{BlockEvaluation, Protocol, TOLERANCE};
use crate::diary::{Anesthetic, Sedation};

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

/// Why a block is inconclusive, in the order SPEC §3.2 lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    WindowOpen,
    NoBaseline,
    LowBaseline,
    TooFewReadings,
    Sedation,
    Analgesic,
    LateOnset,
    NoProvocation,
    NotSustained,
    PartialRelief,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::WindowOpen => "window-open",
            Reason::NoBaseline => "no-baseline",
            Reason::LowBaseline => "low-baseline",
            Reason::TooFewReadings => "too-few-readings",
            Reason::Sedation => "sedation",
            Reason::Analgesic => "analgesic",
            Reason::LateOnset => "late-onset",
            Reason::NoProvocation => "no-provocation",
            Reason::NotSustained => "not-sustained",
            Reason::PartialRelief => "partial-relief",
        }
    }
}

/// Observations reported for every block, in SPEC §3.3's order; they never change its
/// classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    ProlongedRelief,
    Steroid,
    MinimalSedation,
    NoProvocation,
    OnsetUnobserved,
    WorsePain,
    PprDiscordant,
    ShortInterval,
    DiscordantDuration,
    RegularAnalgesic,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ProlongedRelief => "prolonged-relief",
            Flag::Steroid => "steroid",
            Flag::MinimalSedation => "minimal-sedation",
            Flag::NoProvocation => "no-provocation",
            Flag::OnsetUnobserved => "onset-unobserved",
            Flag::WorsePain => "worse-pain",
            Flag::PprDiscordant => "ppr-discordant",
            Flag::ShortInterval => "short-interval",
            Flag::DiscordantDuration => "discordant-duration",
            Flag::RegularAnalgesic => "regular-analgesic",
        }
    }
}

/// How the durations of a lidocaine block and a longer-acting block compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Concordance {
    Concordant,
    Discordant,
    Undetermined,
}

/// Concordance of a pair of positive blocks (`lido` with lidocaine, `long` longer-acting).
pub(super) fn concordance(lido: &BlockEvaluation, long: &BlockEvaluation) -> Concordance {
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

/// The (lidocaine, longer-acting) pairs of positive blocks among `among` (positions in
/// `blocks`).
pub(super) fn comparative_pairs(
    blocks: &[BlockEvaluation],
    among: &[usize],
) -> Vec<(usize, usize)> {
    let positive = |i: usize| blocks[i].classification == Classification::Positive;
    let mut pairs = Vec::new();
    for &i in among {
        if !(positive(i) && blocks[i].anesthetic == Anesthetic::Lidocaine) {
            continue;
        }
        for &j in among {
            if positive(j) && blocks[j].anesthetic.is_long_acting() {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

/// Whether an entry in `[from, to]` (instants, both included) has medication, regular or not,
/// for a block at `at`: `(has non-regular, has regular)`.
fn medication_between(timeline: &Timeline, at: i128, from: i128, to: i128) -> (bool, bool) {
    let day_before = at - minutes_ns(24 * 60);
    let (mut other, mut regular) = (false, false);
    for j in timeline.first_at_or_after(from)..timeline.first_after(to) {
        if let Some(key) = medication_key(timeline.entry(j).details.medication.as_deref()) {
            if timeline
                .first_recorded(&key)
                .is_some_and(|t| t <= day_before)
            {
                regular = true;
            } else {
                other = true;
            }
        }
    }
    (other, regular)
}

/// Classify every block and set its flags (blocks are in time order).
pub(super) fn classify_blocks(
    timeline: &Timeline,
    targets: &[Target],
    blocks: &mut [BlockEvaluation],
    protocol: &Protocol,
) {
    for k in 0..blocks.len() {
        let prev_same_target = (0..k).rev().find(|&i| targets[i] == targets[k]);
        let prev_at = prev_same_target.map(|i| blocks[i].at.instant());
        let block = &mut blocks[k];
        let at = block.at.instant();
        let lookback = at - minutes_ns(protocol.analgesic_lookback_minutes);
        let (other_med, regular_med) = block.run_last.map_or((false, false), |last| {
            medication_between(timeline, at, lookback, last)
        });
        let (classification, reasons) = classify(timeline, block, protocol, other_med);
        block.classification = classification;
        block.reasons = reasons;
        block.flags = flags(timeline, block, protocol, prev_at, regular_med);
    }
    for (lido, long) in comparative_pairs(blocks, &(0..blocks.len()).collect::<Vec<_>>()) {
        if targets[lido] == targets[long]
            && concordance(&blocks[lido], &blocks[long]) == Concordance::Discordant
        {
            let later = lido.max(long);
            if !blocks[later].flags.contains(&Flag::DiscordantDuration) {
                blocks[later].flags.push(Flag::DiscordantDuration);
                blocks[later].flags.sort();
            }
        }
    }
}

fn reading_has_activity(timeline: &Timeline, entry: usize) -> bool {
    has_activity(timeline.diary.entries[entry].activity.as_deref())
}

/// The post readings in the first `max_onset_minutes` after the block: `(B.at, B.at + 60 min]`.
fn first_hour<'b>(
    block: &'b BlockEvaluation,
    protocol: &Protocol,
) -> impl Iterator<Item = &'b super::Reading> + Clone {
    let end = block.at.instant() + minutes_ns(protocol.max_onset_minutes);
    block
        .readings
        .iter()
        .filter(|r| r.in_window)
        .take_while(move |r| r.instant <= end)
}

/// The flags of SPEC §3.3 (except `discordant-duration`, set across blocks), in order.
fn flags(
    timeline: &Timeline,
    block: &BlockEvaluation,
    protocol: &Protocol,
    prev_same_target_at: Option<i128>,
    regular_medication: bool,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    let post = block.readings.iter().filter(|r| r.in_window);
    if block.relief_duration_minutes.is_some_and(|m| m > 24 * 60) {
        flags.push(Flag::ProlongedRelief);
    }
    if block.steroid {
        flags.push(Flag::Steroid);
    }
    if block.sedation == Sedation::Minimal {
        flags.push(Flag::MinimalSedation);
    }
    if block.post_readings > 0
        && !post
            .clone()
            .any(|r| reading_has_activity(timeline, r.entry))
    {
        flags.push(Flag::NoProvocation);
    }
    if block.sustained_readings.unwrap_or(0) >= protocol.min_sustained
        && block
            .onset_minutes
            .is_some_and(|m| m > protocol.max_onset_minutes)
        && first_hour(block, protocol).next().is_none()
    {
        flags.push(Flag::OnsetUnobserved);
    }
    if let Some(baseline) = block.baseline {
        let worse = |r: &&super::Reading| r.score - baseline >= 2.0 - TOLERANCE;
        let readings: Vec<bool> = post.clone().map(|r| worse(&r)).collect();
        if readings.windows(2).any(|w| w[0] && w[1]) {
            flags.push(Flag::WorsePain);
        }
    }
    if post.clone().any(|r| {
        let reported = timeline.diary.entries[r.entry].details.relief;
        matches!((r.relief_pct, reported), (Some(c), Some(p)) if (c - p).abs() >= 30.0 - TOLERANCE)
    }) {
        flags.push(Flag::PprDiscordant);
    }
    if let (Some(days), Some(prev_at)) = (protocol.min_interval_days, prev_same_target_at)
        && block.at.instant() - prev_at < minutes_ns(i64::from(days) * 24 * 60)
    {
        flags.push(Flag::ShortInterval);
    }
    if regular_medication {
        flags.push(Flag::RegularAnalgesic);
    }
    flags
}

/// The classification rules 0–5 of SPEC §3.2, in order.
fn classify(
    timeline: &Timeline,
    block: &BlockEvaluation,
    protocol: &Protocol,
    other_medication: bool,
) -> (Classification, Vec<Reason>) {
    use Classification::*;
    // 0. Window open: the latest block, nothing after it, and the window not yet closed.
    if block.is_last_procedure && timeline.as_of.is_some_and(|t| t < block.window_end) {
        return (Inconclusive, vec![Reason::WindowOpen]);
    }
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
    if block.sustained_readings.unwrap_or(0) >= protocol.min_sustained {
        if matches!(block.sedation, Sedation::Moderate | Sedation::Deep) {
            reasons.push(Reason::Sedation);
        }
        if other_medication {
            reasons.push(Reason::Analgesic);
        }
        let mut early = first_hour(block, protocol).peekable();
        if block
            .onset_minutes
            .is_some_and(|m| m > protocol.max_onset_minutes)
            && early.peek().is_some()
            && !early.any(|r| r.relief_pct.is_some_and(|p| meets(p, protocol.partial_pct)))
        {
            reasons.push(Reason::LateOnset);
        }
        let run = block.readings.iter().filter(|r| r.in_run && r.in_window);
        if protocol.requires_provocation
            && !run.clone().any(|r| reading_has_activity(timeline, r.entry))
        {
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
