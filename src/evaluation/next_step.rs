//! The next step after the latest block (SPEC §3.4), as data: the step, its reason and the
//! facts behind it. The sentences are written in `render::rationale`.

use super::classify::{Concordance, comparative_pairs, concordance};
use super::target::Target;
use super::timeline::{Timeline, minutes_ns};
use super::{BlockEvaluation, Classification, Flag, PROTOCOLS, Protocol, Reason};
use crate::diary::{ProcedureKind, Timestamp};

/// Earlier tests and a positive block are at most this many 24-hour days old (SPEC §3.4).
pub const MAX_TEST_AGE_DAYS: i64 = 183;

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    RepeatBlock,
    Rfa,
    FurtherWorkup,
    /// Keep logging (the window is open, or an RFA is healing or being followed up).
    ContinueDiary,
    /// A clinician looks at the case before any procedure.
    ClinicianReview,
    /// Repeat the radiofrequency ablation (after a durable result).
    RepeatRfa,
}

impl NextStep {
    pub fn as_str(self) -> &'static str {
        match self {
            NextStep::RepeatBlock => "repeat-block",
            NextStep::Rfa => "rfa",
            NextStep::FurtherWorkup => "further-workup",
            NextStep::ContinueDiary => "continue-diary",
            NextStep::ClinicianReview => "clinician-review",
            NextStep::RepeatRfa => "repeat-rfa",
        }
    }

    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            NextStep::RepeatBlock => "repeat the block",
            NextStep::Rfa => "radiofrequency ablation",
            NextStep::FurtherWorkup => "further work-up",
            NextStep::ContinueDiary => "continue the diary",
            NextStep::ClinicianReview => "clinician review",
            NextStep::RepeatRfa => "repeat the radiofrequency ablation",
        }
    }
}

/// Why that step (`next_step_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStepReason {
    WindowOpen,
    OutsideProtocol,
    WorsePain,
    /// The latest block was inconclusive for this (first) reason.
    Invalid(Reason),
    PartialRelief,
    Negative,
    PrognosticBlock,
    OtherKind,
    DiscordantBlocks,
    Confirm,
    ShortInterval,
    DiscordantDuration,
    StaleBlock,
    CriteriaMet,
    /// The latest procedure is an RFA: SPEC §3.6 decided, for this reason.
    AfterRfa(super::ablation::RfaReason),
}

impl NextStepReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NextStepReason::WindowOpen => "window-open",
            NextStepReason::OutsideProtocol => "outside-protocol",
            NextStepReason::WorsePain => "worse-pain",
            NextStepReason::Invalid(r) => r.as_str(),
            NextStepReason::PartialRelief => "partial-relief",
            NextStepReason::Negative => "negative",
            NextStepReason::PrognosticBlock => "prognostic-block",
            NextStepReason::OtherKind => "other-kind",
            NextStepReason::DiscordantBlocks => "discordant-blocks",
            NextStepReason::Confirm => "confirm",
            NextStepReason::ShortInterval => "short-interval",
            NextStepReason::DiscordantDuration => "discordant-duration",
            NextStepReason::StaleBlock => "stale-block",
            NextStepReason::CriteriaMet => "criteria-met",
            NextStepReason::AfterRfa(r) => r.as_str(),
        }
    }
}

/// The facts behind a decision, for the rationale (positions are into the evaluation's
/// `blocks`).
#[derive(Debug, Clone, PartialEq)]
pub enum Facts {
    /// Nothing beyond the deciding block itself.
    None,
    WindowOpen {
        closes_at: Option<Timestamp>,
    },
    OutsideProtocol {
        kind: ProcedureKind,
        covered: &'static [ProcedureKind],
        /// A built-in protocol that covers the kind (the first in table order).
        covering: Option<&'static str>,
    },
    /// Partial relief or negative: whether the peak relief is substantial (≥ 50 %, IMMPACT)
    /// although below the protocol's threshold.
    Workup {
        substantial: bool,
    },
    /// An earlier test on the same target that is not positive.
    DiscordantBlocks {
        earlier: usize,
    },
    Confirm {
        /// Positive blocks of the series counted so far (`k`).
        positive: usize,
        required: usize,
        /// A concordant pair is missing (comparative blocks): repeat with the other agent.
        other_agent: bool,
    },
    ShortInterval {
        previous: usize,
        min_days: u32,
    },
    DiscordantDuration {
        lidocaine: usize,
        longer_acting: usize,
    },
    StaleBlock {
        days: i64,
    },
    CriteriaMet {
        /// The positive blocks that met the criteria (`L` and its earlier tests).
        blocks: Vec<usize>,
    },
    AfterRfa {
        rfa: String,
        /// The earlier RFA with the same target that made a repeat too frequent.
        earlier_rfa: Option<String>,
        /// Whole days from the RFA to `as_of`.
        days_since_rfa: i64,
    },
}

/// The next step, its reason, and the facts behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub step: NextStep,
    pub reason: NextStepReason,
    /// Position in `blocks` of the block that decided (`L`), if a block decided.
    pub block: Option<usize>,
    pub facts: Facts,
}

/// A valid earlier test: positive, negative, or inconclusive for partial relief only.
fn is_test(b: &BlockEvaluation) -> bool {
    match b.classification {
        Classification::Positive | Classification::Negative => true,
        Classification::Inconclusive => b.reasons == [Reason::PartialRelief],
    }
}

/// SPEC §3.6 decides when the latest procedure is an RFA: the follow-up of that RFA (the last
/// of `ablations`) and the earlier RFAs give the step.
pub(super) fn decide_after_rfa(
    timeline: &Timeline,
    ablations: &[super::AblationEvaluation],
    protocol: &Protocol,
    as_of: i128,
) -> Decision {
    let rfas: Vec<&crate::diary::Procedure> = timeline
        .procedures
        .iter()
        .map(|&i| &timeline.diary.procedures[i])
        .filter(|p| !p.is_block())
        .collect();
    let (Some((latest_rfa, earlier)), Some(latest)) = (rfas.split_last(), ablations.last()) else {
        // Only reached for a diary without any procedure, which `evaluate` refuses.
        return Decision {
            step: NextStep::ClinicianReview,
            reason: NextStepReason::AfterRfa(super::ablation::RfaReason::RfaBaseline),
            block: None,
            facts: Facts::None,
        };
    };
    let earlier: Vec<(&crate::diary::Procedure, i128)> =
        earlier.iter().map(|p| (*p, p.at.instant())).collect();
    let d = super::ablation::after_rfa(latest, &earlier, latest_rfa, protocol, as_of);
    Decision {
        step: d.step,
        reason: NextStepReason::AfterRfa(d.reason),
        block: None,
        facts: Facts::AfterRfa {
            rfa: latest.id.clone(),
            earlier_rfa: d.earlier_rfa,
            days_since_rfa: d.days_since_rfa,
        },
    }
}

/// Decide from the latest block `L` (the last of `blocks`, which are in time order).
pub(super) fn decide(
    timeline: &Timeline,
    targets: &[Target],
    blocks: &[BlockEvaluation],
    protocol: &Protocol,
) -> Decision {
    use NextStep::*;
    use NextStepReason as R;
    let Some(l) = blocks.len().checked_sub(1) else {
        // `evaluate` refuses a diary without procedures, and an RFA-only diary goes to §3.6.
        return Decision {
            step: NextStep::ClinicianReview,
            reason: NextStepReason::Invalid(Reason::NoBaseline),
            block: None,
            facts: Facts::None,
        };
    };
    let latest = &blocks[l];
    let decision = |step, reason, facts| Decision {
        step,
        reason,
        block: Some(l),
        facts,
    };
    let day = minutes_ns(24 * 60);
    let at = latest.at.instant();
    // Earlier tests: the series before L, at most 183 days before it, valid tests only.
    let earlier: Vec<usize> = (0..l)
        .filter(|&i| targets[i] == targets[l])
        .filter(|&i| at - blocks[i].at.instant() <= MAX_TEST_AGE_DAYS as i128 * day)
        .filter(|&i| is_test(&blocks[i]))
        .collect();

    // 1. Window open.
    if latest.reasons.first() == Some(&Reason::WindowOpen) {
        return decision(
            ContinueDiary,
            R::WindowOpen,
            Facts::WindowOpen {
                closes_at: latest.window_closes_at.clone(),
            },
        );
    }
    // 2. Outside the protocol.
    if !protocol.covers(latest.kind) {
        return decision(
            ClinicianReview,
            R::OutsideProtocol,
            Facts::OutsideProtocol {
                kind: latest.kind,
                covered: protocol.kinds,
                covering: PROTOCOLS
                    .iter()
                    .find(|p| p.covers(latest.kind))
                    .map(|p| p.name),
            },
        );
    }
    // 2a. Worse pain after a block that is not positive.
    if latest.classification != Classification::Positive && latest.flags.contains(&Flag::WorsePain)
    {
        return decision(ClinicianReview, R::WorsePain, Facts::None);
    }
    match latest.classification {
        Classification::Inconclusive => {
            let first = latest
                .reasons
                .first()
                .copied()
                .unwrap_or(Reason::NoBaseline);
            // 4. Partial relief; 3. every other reason makes the block invalid.
            if first == Reason::PartialRelief {
                decision(FurtherWorkup, R::PartialRelief, workup(latest))
            } else {
                decision(RepeatBlock, R::Invalid(first), Facts::None)
            }
        }
        Classification::Negative => decision(FurtherWorkup, R::Negative, workup(latest)),
        Classification::Positive => {
            // 5.1
            match latest.kind {
                ProcedureKind::IntraArticularFacet | ProcedureKind::Sacroiliac => {
                    return decision(RepeatBlock, R::PrognosticBlock, Facts::None);
                }
                ProcedureKind::Other => {
                    return decision(ClinicianReview, R::OtherKind, Facts::None);
                }
                _ => {}
            }
            // 5.2
            if let Some(&i) = earlier
                .iter()
                .find(|&&i| blocks[i].classification != Classification::Positive)
            {
                return decision(
                    FurtherWorkup,
                    R::DiscordantBlocks,
                    Facts::DiscordantBlocks { earlier: i },
                );
            }
            // 5.3
            let k = 1 + earlier.len();
            if k < protocol.blocks_required {
                return decision(
                    RepeatBlock,
                    R::Confirm,
                    Facts::Confirm {
                        positive: k,
                        required: protocol.blocks_required,
                        other_agent: false,
                    },
                );
            }
            // 5.4
            if let Some(min_days) = protocol.min_interval_days
                && latest.flags.contains(&Flag::ShortInterval)
            {
                let previous = (0..l)
                    .rev()
                    .find(|&i| targets[i] == targets[l])
                    .unwrap_or(l);
                return decision(
                    RepeatBlock,
                    R::ShortInterval,
                    Facts::ShortInterval { previous, min_days },
                );
            }
            // 5.5
            let mut series = earlier.clone();
            series.push(l);
            if protocol.requires_concordance {
                let pairs = comparative_pairs(blocks, &series);
                if let Some(&(lidocaine, longer_acting)) = pairs
                    .iter()
                    .find(|&&(a, b)| concordance(&blocks[a], &blocks[b]) == Concordance::Discordant)
                {
                    return decision(
                        FurtherWorkup,
                        R::DiscordantDuration,
                        Facts::DiscordantDuration {
                            lidocaine,
                            longer_acting,
                        },
                    );
                }
                if !pairs
                    .iter()
                    .any(|&(a, b)| concordance(&blocks[a], &blocks[b]) == Concordance::Concordant)
                {
                    return decision(
                        RepeatBlock,
                        R::Confirm,
                        Facts::Confirm {
                            positive: k,
                            required: protocol.blocks_required,
                            other_agent: true,
                        },
                    );
                }
            }
            // 5.6
            if let Some(as_of) = timeline.as_of
                && as_of - at > MAX_TEST_AGE_DAYS as i128 * day
            {
                let days = ((as_of - at) / day) as i64;
                return decision(RepeatBlock, R::StaleBlock, Facts::StaleBlock { days });
            }
            // 5.7
            decision(Rfa, R::CriteriaMet, Facts::CriteriaMet { blocks: series })
        }
    }
}

/// Relief from this much is substantial (IMMPACT), whatever the protocol's threshold.
pub const SUBSTANTIAL_PCT: f64 = 50.0;

fn workup(b: &BlockEvaluation) -> Facts {
    Facts::Workup {
        substantial: b
            .peak_relief_pct
            .is_some_and(|p| super::meets(p, SUBSTANTIAL_PCT)),
    }
}

/// A percentage for prose: `50`, `62.5`.
pub fn fmt_pct(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
