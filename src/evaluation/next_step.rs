//! The next step after the latest block (SPEC §3 "Next step"), with its reason and rationale.

use super::classify::{Concordance, comparative_pairs, concordance};
use super::{BlockEvaluation, Classification, Flag, Protocol, Reason};

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

/// Why that step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStepReason {
    /// The latest block was inconclusive for this reason.
    Invalid(Reason),
    PartialRelief,
    Negative,
    DiscordantBlocks,
    Confirm,
    ShortInterval,
    DiscordantDuration,
    CriteriaMet,
}

impl NextStepReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NextStepReason::Invalid(r) => r.as_str(),
            NextStepReason::PartialRelief => "partial-relief",
            NextStepReason::Negative => "negative",
            NextStepReason::DiscordantBlocks => "discordant-blocks",
            NextStepReason::Confirm => "confirm",
            NextStepReason::ShortInterval => "short-interval",
            NextStepReason::DiscordantDuration => "discordant-duration",
            NextStepReason::CriteriaMet => "criteria-met",
        }
    }
}

pub struct Decision {
    pub step: NextStep,
    pub reason: NextStepReason,
    pub rationale: String,
}

/// A valid test: positive, negative, or inconclusive for partial relief.
fn is_valid_test(b: &BlockEvaluation) -> bool {
    match b.classification {
        Classification::Positive | Classification::Negative => true,
        Classification::Inconclusive => b.reasons == [Reason::PartialRelief],
    }
}

const HOW_TO_REPEAT: &str = "Repeat it with a complete diary (a score every 15 min for the first hour, then hourly to 8 h, during activities that usually hurt), without sedation, without pain medicine in that window, when pain is at least moderate (4/10 or more), and after the previous relief has worn off.";

/// Decide from the latest block (the last of `blocks`, which are in time order).
pub fn decide(blocks: &[BlockEvaluation], protocol: &Protocol) -> Decision {
    use NextStep::*;
    use NextStepReason as R;
    let Some((latest, earlier)) = blocks.split_last() else {
        return Decision {
            step: FurtherWorkup,
            reason: R::Negative,
            rationale: "No block was recorded.".into(),
        };
    };
    let id = &latest.id;
    let decision = |step, reason, rationale: String| Decision {
        step,
        reason,
        rationale,
    };
    match latest.classification {
        Classification::Inconclusive => {
            let first = latest
                .reasons
                .first()
                .copied()
                .unwrap_or(Reason::NoBaseline);
            if first == Reason::PartialRelief {
                return decision(
                    FurtherWorkup,
                    R::PartialRelief,
                    format!(
                        "Block {id} gave partial relief ({} % or more but below {} %): the pain is probably not, or not only, from the blocked joints. Look for other pain sources (disc, sacroiliac joint, muscle) and consider imaging.",
                        fmt_pct(protocol.partial_pct),
                        fmt_pct(protocol.threshold_pct)
                    ),
                );
            }
            let why: Vec<_> = latest.reasons.iter().map(|r| r.describe()).collect();
            decision(
                RepeatBlock,
                R::Invalid(first),
                format!(
                    "Block {id} cannot be judged: {}. {HOW_TO_REPEAT}",
                    why.join("; ")
                ),
            )
        }
        Classification::Negative => decision(
            FurtherWorkup,
            R::Negative,
            format!(
                "Block {id} gave less than {} % relief: the blocked joints are unlikely to be the pain source. Look for other pain sources (disc, sacroiliac joint, muscle) and consider imaging.",
                fmt_pct(protocol.partial_pct)
            ),
        ),
        Classification::Positive => {
            let valid: Vec<_> = earlier.iter().filter(|b| is_valid_test(b)).collect();
            if let Some(b) = valid
                .iter()
                .find(|b| b.classification != Classification::Positive)
            {
                return decision(
                    FurtherWorkup,
                    R::DiscordantBlocks,
                    format!(
                        "Block {id} is positive but the earlier block {} was not ({}): the blocks disagree, so the diagnosis is not established. Consider other pain sources before ablation.",
                        b.id,
                        if b.classification == Classification::Negative {
                            "negative"
                        } else {
                            "partial relief"
                        }
                    ),
                );
            }
            let k = 1 + valid.len();
            if k < protocol.blocks_required {
                return decision(
                    RepeatBlock,
                    R::Confirm,
                    format!(
                        "Block {id} is positive; the {} protocol asks for {} positive blocks and this is {} of them: confirm with another block{}.",
                        protocol.name,
                        protocol.blocks_required,
                        k,
                        if protocol.requires_concordance {
                            " using the other agent (lidocaine against bupivacaine or ropivacaine)"
                        } else {
                            ""
                        }
                    ),
                );
            }
            if let Some(days) = protocol.min_interval_days
                && latest.flags.contains(&Flag::ShortInterval)
            {
                return decision(
                    RepeatBlock,
                    R::ShortInterval,
                    format!(
                        "Block {id} is positive but came less than {days} days after the previous block; the {} protocol asks for that interval. Repeat the block once it has passed.",
                        protocol.name
                    ),
                );
            }
            if protocol.requires_concordance {
                let pairs = comparative_pairs(blocks);
                let verdicts: Vec<_> = pairs
                    .iter()
                    .map(|&(a, b)| concordance(&blocks[a], &blocks[b]))
                    .collect();
                if verdicts.contains(&Concordance::Discordant) {
                    return decision(
                        FurtherWorkup,
                        R::DiscordantDuration,
                        "The longer-acting agent did not give longer relief than lidocaine: the comparative blocks are discordant, which suggests a placebo response. Consider other pain sources before ablation.".into(),
                    );
                }
                if !verdicts.contains(&Concordance::Concordant) {
                    return decision(
                        RepeatBlock,
                        R::Confirm,
                        "No concordant pair of comparative blocks yet (positive lidocaine block whose relief ended, and a positive bupivacaine or ropivacaine block with longer relief): repeat the block with the other agent.".into(),
                    );
                }
            }
            decision(
                Rfa,
                R::CriteriaMet,
                format!(
                    "Block {id} is positive and the {} protocol's criteria are met ({}): radiofrequency ablation of the blocked nerves can be considered.",
                    protocol.name, protocol.summary
                ),
            )
        }
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
