//! After radiofrequency ablation (SPEC §3.6): the RFA's baseline, follow-up readings, relief
//! period, outcome and the next step when the RFA is the latest procedure. Pure: no I/O, no clock.

use super::next_step::NextStep;
use super::protocol::Protocol;
use super::target::same_target;
use crate::diary::{Entry, Procedure, Side, Timestamp};

/// One 24-hour day in nanoseconds.
pub const DAY_NS: i128 = 86_400 * 1_000_000_000;
/// Baseline window before an RFA, in days.
pub const RFA_BASELINE_DAYS: i64 = 30;
/// Nerve healing: follow-up readings start this many days after the RFA.
pub const RFA_HEALING_DAYS: i64 = 21;
/// Under `cms`, new diagnostic blocks once the RFA is more than this many days old.
pub const RFA_LONG_AGO_DAYS: i64 = 730;
/// Under `cms`, at most two RFA sessions in this many days.
pub const RFA_FREQUENCY_DAYS: i64 = 365;
/// The RFA limits (LCD L38801): relief ≥ 50 % for ≥ 182 days.
pub const RFA_THRESHOLD_PCT: f64 = 50.0;
pub const RFA_MIN_DAYS: i64 = 182;
/// The cervical limits outside `cms` (ASRA cervical, Hurley et al. 2022): > 30 % for ≥ 91 days.
pub const CERVICAL_THRESHOLD_PCT: f64 = 30.0;
pub const CERVICAL_MIN_DAYS: i64 = 91;
/// Points above the baseline that count as worse pain (two readings in a row).
pub const WORSE_POINTS: f64 = 2.0;

const TOLERANCE: f64 = super::TOLERANCE;

fn days_ns(days: i64) -> i128 {
    i128::from(days) * DAY_NS
}

/// Whole 24-hour days from `from` to `to`, rounded down (negative spans round toward −∞).
pub fn whole_days(from: i128, to: i128) -> i64 {
    let days = to.saturating_sub(from).div_euclid(DAY_NS);
    i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
}

/// The outcome of one RFA (SPEC §3.6), in the order the rules are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RfaOutcome {
    Healing,
    Unknown,
    TooEarly,
    ReliefOngoing,
    Durable,
    Uncertain,
    Worse,
    Failed,
}

impl RfaOutcome {
    pub const ALL: [RfaOutcome; 8] = [
        RfaOutcome::Healing,
        RfaOutcome::Unknown,
        RfaOutcome::TooEarly,
        RfaOutcome::ReliefOngoing,
        RfaOutcome::Durable,
        RfaOutcome::Uncertain,
        RfaOutcome::Worse,
        RfaOutcome::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RfaOutcome::Healing => "healing",
            RfaOutcome::Unknown => "unknown",
            RfaOutcome::TooEarly => "too-early",
            RfaOutcome::ReliefOngoing => "relief-ongoing",
            RfaOutcome::Durable => "durable",
            RfaOutcome::Uncertain => "uncertain",
            RfaOutcome::Worse => "worse",
            RfaOutcome::Failed => "failed",
        }
    }

    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            RfaOutcome::Healing => "still healing (less than 21 days since the RFA)",
            RfaOutcome::Unknown => "cannot be judged: no usable baseline before the RFA",
            RfaOutcome::TooEarly => "too early: fewer than 2 follow-up readings",
            RfaOutcome::ReliefOngoing => "relief ongoing",
            RfaOutcome::Durable => "durable relief",
            RfaOutcome::Uncertain => "relief of uncertain duration",
            RfaOutcome::Worse => "pain worse than before the RFA",
            RfaOutcome::Failed => "no lasting relief",
        }
    }
}

/// Why an RFA's outcome is `unknown` (SPEC §3.2 rule 1, applied to the RFA's baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RfaBaselineReason {
    NoBaseline,
    LowBaseline,
}

impl RfaBaselineReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RfaBaselineReason::NoBaseline => "no-baseline",
            RfaBaselineReason::LowBaseline => "low-baseline",
        }
    }
}

/// One follow-up reading (at or after `R.at + 21 d`, before the next procedure).
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpReading {
    /// Index into the `entries` slice given to [`follow_up`].
    pub position: usize,
    pub id: String,
    pub at: Timestamp,
    /// Whole days after the RFA.
    pub days_after: i64,
    pub score: f64,
    /// Relief against the RFA's baseline; `None` when it cannot be computed.
    pub relief_pct: Option<f64>,
    /// Relief at least the RFA threshold.
    pub good: bool,
    /// A good reading of the relief period (from its start up to the return).
    pub in_period: bool,
}

/// The relief period: from the first good follow-up reading to the return (SPEC §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReliefPeriod {
    /// Indices into [`AblationEvaluation::readings`].
    pub start: usize,
    pub last_good: usize,
    /// The first of the two consecutive readings that are not good; `None` while ongoing.
    pub return_at: Option<usize>,
}

/// The follow-up of one RFA.
#[derive(Debug, Clone, PartialEq)]
pub struct AblationEvaluation {
    pub id: String,
    pub at: Timestamp,
    pub region: Option<String>,
    pub levels: Vec<String>,
    pub side: Option<Side>,
    pub baseline: Option<f64>,
    pub baseline_readings: usize,
    pub follow_up_readings: usize,
    /// The RFA threshold (50, or 30 for a cervical RFA outside `cms`).
    pub threshold_pct: f64,
    /// The RFA days (182, or 91 for a cervical RFA outside `cms`).
    pub min_days: i64,
    pub peak_relief_pct: Option<f64>,
    pub relief_duration_days: Option<i64>,
    pub relief_ongoing: Option<bool>,
    pub outcome: RfaOutcome,
    pub reasons: Vec<RfaBaselineReason>,
    /// The follow-up readings in time order, with relief and good/bad (for charts and tables).
    pub readings: Vec<FollowUpReading>,
    pub period: Option<ReliefPeriod>,
    /// The instant (ns) from which readings count as follow-up: `R.at + 21 d`.
    pub follow_up_from: i128,
}

impl AblationEvaluation {
    /// The period's last good reading, if there is a period.
    pub fn last_good(&self) -> Option<&FollowUpReading> {
        self.period.map(|p| &self.readings[p.last_good])
    }

    /// The first reading of the return, if the period has one.
    pub fn return_reading(&self) -> Option<&FollowUpReading> {
        self.period
            .and_then(|p| p.return_at)
            .map(|i| &self.readings[i])
    }
}

/// The RFA limits for `rfa` under `protocol`: (threshold %, days).
pub fn rfa_limits(rfa: &Procedure, protocol: &Protocol) -> (f64, i64) {
    let cervical = rfa
        .region
        .as_deref()
        .is_some_and(|r| r.trim().eq_ignore_ascii_case("cervical"));
    if cervical && !protocol.name.eq_ignore_ascii_case("cms") {
        (CERVICAL_THRESHOLD_PCT, CERVICAL_MIN_DAYS)
    } else {
        (RFA_THRESHOLD_PCT, RFA_MIN_DAYS)
    }
}

/// Follow up the RFA `rfa` (SPEC §3.6).
///
/// `entries`: the live entries at or before `as_of`, in time order, with their instants (ns).
/// `baseline_after`: baseline entries must be later than this instant (the caller computes
/// it from the procedure before `rfa`). `next_at`: the instant of the next procedure of any
/// kind; follow-up readings are before it.
pub fn follow_up(
    rfa: &Procedure,
    entries: &[(i128, &Entry)],
    baseline_after: Option<i128>,
    next_at: Option<i128>,
    protocol: &Protocol,
    as_of: i128,
) -> AblationEvaluation {
    let at = rfa.at.instant();
    let (threshold_pct, min_days) = rfa_limits(rfa, protocol);

    // Baseline: every entry in [R.at − 30 d, R.at), later than `baseline_after`.
    let from = at - days_ns(RFA_BASELINE_DAYS);
    let mut sum = 0.0;
    let mut baseline_readings = 0usize;
    for &(t, e) in entries {
        if t >= from && t < at && baseline_after.is_none_or(|after| t > after) && t <= as_of {
            sum += e.score;
            baseline_readings += 1;
        }
    }
    let baseline = (baseline_readings > 0).then(|| sum / baseline_readings as f64);
    let reasons = match baseline {
        None => vec![RfaBaselineReason::NoBaseline],
        Some(b) if b < protocol.min_baseline - TOLERANCE => vec![RfaBaselineReason::LowBaseline],
        Some(_) => Vec::new(),
    };
    // Relief can be computed against a present, non-zero baseline.
    let usable = baseline.filter(|&b| b != 0.0);

    // Follow-up readings: at ≥ R.at + 21 d, before the next procedure (and at or before as_of).
    let follow_up_from = at + days_ns(RFA_HEALING_DAYS);
    let mut readings: Vec<FollowUpReading> = entries
        .iter()
        .enumerate()
        .filter(|(_, (t, _))| *t >= follow_up_from && next_at.is_none_or(|n| *t < n) && *t <= as_of)
        .map(|(position, &(t, e))| {
            let relief_pct = usable.map(|b| (b - e.score) / b * 100.0);
            FollowUpReading {
                position,
                id: e.id.to_string(),
                at: e.at.clone(),
                days_after: whole_days(at, t),
                score: e.score,
                relief_pct,
                good: relief_pct.is_some_and(|r| r >= threshold_pct - TOLERANCE),
                in_period: false,
            }
        })
        .collect();

    let period = relief_period(&readings);
    if let Some(p) = period {
        let end = p.return_at.unwrap_or(readings.len());
        for r in &mut readings[p.start..end] {
            r.in_period = r.good;
        }
    }
    let instant = |i: usize| readings[i].at.instant();
    let relief_duration_days = period.map(|p| whole_days(at, instant(p.last_good)));
    let relief_ongoing = usable.map(|_| period.is_some_and(|p| p.return_at.is_none()));
    let peak_relief_pct = readings
        .iter()
        .filter_map(|r| r.relief_pct)
        .fold(None, |best: Option<f64>, r| {
            Some(best.map_or(r, |b| b.max(r)))
        });

    let min_ns = days_ns(min_days);
    let outcome = if as_of < follow_up_from {
        RfaOutcome::Healing
    } else if !reasons.is_empty() {
        RfaOutcome::Unknown
    } else if readings.len() < 2 {
        RfaOutcome::TooEarly
    } else if period.is_some_and(|p| p.return_at.is_none()) {
        RfaOutcome::ReliefOngoing
    } else if period.is_some_and(|p| instant(p.last_good) - at >= min_ns) {
        RfaOutcome::Durable
    } else if period
        .and_then(|p| p.return_at)
        .is_some_and(|r| instant(r) - at >= min_ns)
    {
        RfaOutcome::Uncertain
    } else if baseline.is_some_and(|b| worse_twice(&readings, b)) {
        RfaOutcome::Worse
    } else {
        RfaOutcome::Failed
    };

    // SPEC §3.6: `unknown`'s reasons say which; every other outcome has `reasons` [].
    let reasons = match outcome {
        RfaOutcome::Unknown => reasons,
        _ => Vec::new(),
    };
    AblationEvaluation {
        id: rfa.id.clone(),
        at: rfa.at.clone(),
        region: rfa.region.clone(),
        levels: rfa.levels.clone(),
        side: rfa.side,
        baseline,
        baseline_readings,
        follow_up_readings: readings.len(),
        threshold_pct,
        min_days,
        peak_relief_pct,
        relief_duration_days,
        relief_ongoing,
        outcome,
        reasons,
        readings,
        period,
        follow_up_from,
    }
}

/// The relief period: it starts at the first good reading and ends at the return (the first
/// two consecutive readings after the start that are both not good). It counts only with at
/// least two good readings before the return; no later start is looked for.
fn relief_period(readings: &[FollowUpReading]) -> Option<ReliefPeriod> {
    let start = readings.iter().position(|r| r.good)?;
    let return_at = (start + 1..readings.len().saturating_sub(1))
        .find(|&i| !readings[i].good && !readings[i + 1].good);
    let end = return_at.unwrap_or(readings.len());
    let good: Vec<usize> = (start..end).filter(|&i| readings[i].good).collect();
    if good.len() < 2 {
        return None;
    }
    Some(ReliefPeriod {
        start,
        last_good: good[good.len() - 1],
        return_at,
    })
}

/// Two consecutive follow-up readings each at least 2 points above the baseline.
fn worse_twice(readings: &[FollowUpReading], baseline: f64) -> bool {
    let worse = |r: &FollowUpReading| r.score - baseline >= WORSE_POINTS - TOLERANCE;
    readings.windows(2).any(|w| worse(&w[0]) && worse(&w[1]))
}

/// Why the next step after an RFA (SPEC §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RfaReason {
    RfaHealing,
    RfaFollowUp,
    RfaReliefOngoing,
    RfaBaseline,
    RfaDurationUncertain,
    RfaWorse,
    DurableRelief,
    RfaLongAgo,
    RfaFrequency,
    RfaFailed,
}

impl RfaReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RfaReason::RfaHealing => "rfa-healing",
            RfaReason::RfaFollowUp => "rfa-follow-up",
            RfaReason::RfaReliefOngoing => "rfa-relief-ongoing",
            RfaReason::RfaBaseline => "rfa-baseline",
            RfaReason::RfaDurationUncertain => "rfa-duration-uncertain",
            RfaReason::RfaWorse => "rfa-worse",
            RfaReason::DurableRelief => "durable-relief",
            RfaReason::RfaLongAgo => "rfa-long-ago",
            RfaReason::RfaFrequency => "rfa-frequency",
            RfaReason::RfaFailed => "rfa-failed",
        }
    }
}

/// The next step when an RFA is the latest procedure, with the facts behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct RfaDecision {
    pub step: NextStep,
    pub reason: RfaReason,
    /// The earlier RFA with the same target that made a repeat too frequent (`rfa-frequency`).
    pub earlier_rfa: Option<String>,
    /// Whole days from the RFA to `as_of`.
    pub days_since_rfa: i64,
}

/// The next step after the latest procedure, the RFA `latest_rfa` with follow-up `latest`.
///
/// `earlier_rfas`: the live RFAs before it (at or before `as_of`) with their instants (ns).
pub fn after_rfa(
    latest: &AblationEvaluation,
    earlier_rfas: &[(&Procedure, i128)],
    latest_rfa: &Procedure,
    protocol: &Protocol,
    as_of: i128,
) -> RfaDecision {
    let at = latest_rfa.at.instant();
    let days_since_rfa = whole_days(at, as_of);
    let cms = protocol.name.eq_ignore_ascii_case("cms");
    let mut earlier_rfa = None;
    let (step, reason) = match latest.outcome {
        RfaOutcome::Healing => (NextStep::ContinueDiary, RfaReason::RfaHealing),
        RfaOutcome::TooEarly => (NextStep::ContinueDiary, RfaReason::RfaFollowUp),
        RfaOutcome::ReliefOngoing => (NextStep::ContinueDiary, RfaReason::RfaReliefOngoing),
        RfaOutcome::Unknown => (NextStep::ClinicianReview, RfaReason::RfaBaseline),
        RfaOutcome::Uncertain => (NextStep::ClinicianReview, RfaReason::RfaDurationUncertain),
        RfaOutcome::Worse => (NextStep::ClinicianReview, RfaReason::RfaWorse),
        RfaOutcome::Failed => (NextStep::FurtherWorkup, RfaReason::RfaFailed),
        RfaOutcome::Durable => {
            let frequent = earlier_rfas
                .iter()
                .filter(|(_, t)| {
                    *t <= as_of && as_of.saturating_sub(*t) < days_ns(RFA_FREQUENCY_DAYS)
                })
                .find(|(p, _)| same_target(p, latest_rfa));
            if cms && as_of.saturating_sub(at) > days_ns(RFA_LONG_AGO_DAYS) {
                (NextStep::RepeatBlock, RfaReason::RfaLongAgo)
            } else if let (true, Some((p, _))) = (cms, frequent) {
                earlier_rfa = Some(p.id.clone());
                (NextStep::ClinicianReview, RfaReason::RfaFrequency)
            } else {
                (NextStep::RepeatRfa, RfaReason::DurableRelief)
            }
        }
    };
    RfaDecision {
        step,
        reason,
        earlier_rfa,
        days_since_rfa,
    }
}

#[cfg(test)]
#[path = "ablation_tests.rs"]
mod tests;
