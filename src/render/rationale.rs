//! The rationale of an evaluation in words (SPEC §3.4), and what each reason and flag means,
//! built from the engine's decision data and the protocol's own parameters.

use crate::diary::ProcedureKind;
use crate::evaluation::{
    BlockEvaluation, Comparison, Evaluation, Facts, Flag, NextStepReason, Protocol, Reason, fmt_pct,
};
use crate::time_input::format_minutes;

/// What a reason code means, with this protocol's numbers.
pub fn describe_reason(r: Reason, p: &Protocol) -> String {
    match r {
        Reason::WindowOpen => format!(
            "the {} window after the block has not closed yet: this is the result so far",
            format_minutes(p.window_minutes)
        ),
        Reason::NoBaseline => format!(
            "no usable pain score before the block (in the {} before it, after the previous block's window and relief)",
            format_minutes(p.baseline_window_minutes)
        ),
        Reason::LowBaseline => format!(
            "baseline pain below {}/10 (not at least moderate)",
            fmt_pct(p.min_baseline)
        ),
        Reason::TooFewReadings => format!(
            "fewer than {} scores in the {} window after the block",
            p.min_post_readings,
            format_minutes(p.window_minutes)
        ),
        Reason::Sedation => "moderate or deep sedation can mimic relief".into(),
        Reason::Analgesic => format!(
            "pain medicine (not a regular one) taken from {} before the block to the end of the relief",
            format_minutes(p.analgesic_lookback_minutes)
        ),
        Reason::LateOnset => format!(
            "relief was looked for in the first {} and not found (below {} %), then seen later: a local anaesthetic acts within minutes, so this points to a placebo response, a steroid or the pain's own fluctuation",
            format_minutes(p.max_onset_minutes),
            fmt_pct(p.partial_pct)
        ),
        Reason::NoProvocation => {
            "no score of the relief was rated during a provocative activity".into()
        }
        Reason::NotSustained => format!(
            "relief reached {} %, but never in {} consecutive scores",
            fmt_pct(p.threshold_pct),
            p.min_sustained
        ),
        Reason::PartialRelief => format!(
            "peak relief of at least {} % but below {} %",
            fmt_pct(p.partial_pct),
            fmt_pct(p.threshold_pct)
        ),
    }
}

/// What a flag means, with this protocol's numbers.
pub fn describe_flag(f: Flag, p: &Protocol) -> String {
    match f {
        Flag::ProlongedRelief => "relief lasted more than 24 h (longer than a local anaesthetic acts)".into(),
        Flag::Steroid => "the block included a steroid".into(),
        Flag::MinimalSedation => "minimal sedation was given".into(),
        Flag::NoProvocation => "no post-block score was rated during an activity".into(),
        Flag::OnsetUnobserved => format!(
            "relief was first seen after {}, but nobody scored the pain in the first {}",
            format_minutes(p.max_onset_minutes),
            format_minutes(p.max_onset_minutes)
        ),
        Flag::WorsePain => "two consecutive scores after the block at least 2 points above the baseline: a possible complication or flare".into(),
        Flag::PprDiscordant => {
            "patient-reported relief differs from the computed relief by 30 points or more".into()
        }
        Flag::ShortInterval => match p.min_interval_days {
            Some(d) => format!("less than {d} days after the previous block on the same target"),
            None => "less than the protocol's minimum interval after the previous block".into(),
        },
        Flag::DiscordantDuration => {
            "on the same target, the longer-acting agent did not give longer relief than lidocaine".into()
        }
        Flag::RegularAnalgesic => "a regular medicine (also taken at least 24 h before the block, so the baseline was rated on it too) was taken during the relief; it does not make the block inconclusive".into(),
    }
}

/// `kind_name` with its article: "a medial branch block", "an intra-articular facet injection".
fn a_kind(k: ProcedureKind) -> String {
    let name = kind_name(k);
    let article = match name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    };
    format!("{article} {name}")
}

fn kind_name(k: ProcedureKind) -> &'static str {
    match k {
        ProcedureKind::MedialBranchBlock => "medial branch block",
        ProcedureKind::LateralBranchBlock => "lateral branch block",
        ProcedureKind::GenicularNerveBlock => "genicular nerve block",
        ProcedureKind::IntraArticularFacet => "intra-articular facet injection",
        ProcedureKind::Sacroiliac => "sacroiliac block",
        ProcedureKind::Other => "other block",
        ProcedureKind::RadiofrequencyAblation => "radiofrequency ablation",
    }
}

/// Other pain sources that fit the block's kind (SPEC §3.4 rule 4).
fn other_sources(k: ProcedureKind) -> &'static str {
    match k {
        ProcedureKind::MedialBranchBlock | ProcedureKind::IntraArticularFacet => {
            "the disc, the sacroiliac joint, the hip, or muscle"
        }
        ProcedureKind::LateralBranchBlock | ProcedureKind::Sacroiliac => {
            "a facet joint, the disc, or the hip"
        }
        ProcedureKind::GenicularNerveBlock => {
            "the knee joint itself, pain referred from the hip, or nerve pain"
        }
        ProcedureKind::Other | ProcedureKind::RadiofrequencyAblation => {
            "other structures that could cause this pain"
        }
    }
}

/// How to repeat a block so that it can be judged (SPEC §3.4 rule 3).
fn how_to_repeat(p: &Protocol, comparison: Comparison) -> String {
    let mut s = format!(
        "Repeat it with a complete diary (a score every 15 minutes in the first hour, then hourly to {}), during the activity that usually hurts, without sedation, without extra pain medicine from {} before the block (regular medicines continue), when pain is at least moderate ({}/10 or more), after the previous relief has worn off, and with a local anaesthetic alone.",
        format_minutes(p.window_minutes),
        format_minutes(p.analgesic_lookback_minutes),
        fmt_pct(p.min_baseline)
    );
    if comparison == Comparison::Provoked {
        s.push_str(" Only scores rated during an activity are counted (the baseline was rated during one), so rate the pain while doing it.");
    }
    s
}

fn block_id(e: &Evaluation, i: usize) -> &str {
    e.blocks.get(i).map_or("?", |b| b.id.as_str())
}

/// The rationale of the evaluation's next step, in sentences.
pub fn rationale(e: &Evaluation) -> String {
    let p = &e.protocol;
    let d = &e.decision;
    let Some(l) = e.deciding_block() else {
        return match &d.facts {
            Facts::AfterRfa {
                earlier_rfa,
                days_since_rfa,
                ..
            } => match (e.ablations.last(), d.reason) {
                (Some(a), NextStepReason::AfterRfa(reason)) => {
                    rfa_rationale(a, reason, earlier_rfa.as_deref(), *days_since_rfa, p)
                }
                _ => "No block was recorded.".into(),
            },
            _ => "No block was recorded.".into(),
        };
    };
    let id = &l.id;
    match (d.reason, &d.facts) {
        (NextStepReason::WindowOpen, Facts::WindowOpen { closes_at }) => format!(
            "Block {id}'s {} window is still open{}: the result so far is provisional. Keep logging a score every 15 minutes in the first hour, then hourly, during the activity that usually hurts, and evaluate again after the window closes.",
            format_minutes(p.window_minutes),
            closes_at.as_ref().map_or(String::new(), |t| format!(
                " until {}",
                super::display_time(t)
            ))
        ),
        (
            NextStepReason::OutsideProtocol,
            Facts::OutsideProtocol {
                kind,
                covered,
                covering,
            },
        ) => {
            let covered: Vec<_> = covered.iter().map(|k| kind_name(*k)).collect();
            format!(
                "Block {id} is {}, which the {} protocol does not cover (it covers: {}). {}",
                a_kind(*kind),
                p.name,
                covered.join(", "),
                match covering {
                    Some(name) =>
                        format!("The {name} protocol covers it; a clinician decides which applies."),
                    None => "A clinician decides how to proceed.".into(),
                }
            )
        }
        (NextStepReason::WorsePain, _) => format!(
            "After block {id} the pain rose: two consecutive scores at least 2 points above the baseline. Look for a complication (for example new nerve pain, infection or a flare) before anything else."
        ),
        (NextStepReason::Invalid(_), _) => {
            let why: Vec<_> = l.reasons.iter().map(|r| describe_reason(*r, p)).collect();
            format!(
                "Block {id} cannot be judged: {}. {}",
                why.join("; "),
                how_to_repeat(p, l.comparison)
            )
        }
        (
            NextStepReason::PartialRelief | NextStepReason::Negative,
            Facts::Workup { substantial },
        ) => workup(l, p, *substantial),
        (NextStepReason::PrognosticBlock, _) => format!(
            "Block {id} ({}) is positive, but RFA targets the nerves: confirm with {} first.",
            kind_name(l.kind),
            if l.kind == ProcedureKind::Sacroiliac {
                "lateral branch blocks for the sacroiliac joint"
            } else {
                "medial branch blocks for the facet joint"
            }
        ),
        (NextStepReason::OtherKind, _) => format!(
            "Block {id} is positive, but its kind is `other`: no RFA target is known to this program, so a clinician decides."
        ),
        (NextStepReason::DiscordantBlocks, Facts::DiscordantBlocks { earlier }) => format!(
            "Block {id} is positive but the earlier block {} on the same target was not ({}): the blocks disagree, so the diagnosis is not established. Consider {} before ablation.",
            block_id(e, *earlier),
            e.blocks.get(*earlier).map_or("", |b| {
                if b.classification == crate::evaluation::Classification::Negative {
                    "negative"
                } else {
                    "partial relief"
                }
            }),
            other_sources(l.kind)
        ),
        (
            NextStepReason::Confirm,
            Facts::Confirm {
                positive,
                required,
                other_agent,
            },
        ) => {
            if *other_agent {
                format!(
                    "Block {id} is positive, but there is no concordant pair of comparative blocks on this target yet (a positive lidocaine block whose relief ended, and a positive bupivacaine or ropivacaine block with longer relief): repeat the block with the other agent."
                )
            } else {
                format!(
                    "Block {id} is positive; the {} protocol asks for {required} positive blocks on the same target within {} days and this is {positive} of them: confirm with another block on the same target.",
                    p.name,
                    crate::evaluation::MAX_TEST_AGE_DAYS
                )
            }
        }
        (NextStepReason::ShortInterval, Facts::ShortInterval { previous, min_days }) => format!(
            "Block {id} is positive but came less than {min_days} days after block {} on the same target; the {} protocol asks for that interval. Repeat the block once it has passed.",
            block_id(e, *previous),
            p.name
        ),
        (
            NextStepReason::DiscordantDuration,
            Facts::DiscordantDuration {
                lidocaine,
                longer_acting,
            },
        ) => format!(
            "The longer-acting block {} did not give longer relief than the lidocaine block {}: the comparative blocks are discordant, which suggests a placebo response. Consider {} before ablation.",
            block_id(e, *longer_acting),
            block_id(e, *lidocaine),
            other_sources(l.kind)
        ),
        (NextStepReason::StaleBlock, Facts::StaleBlock { days }) => format!(
            "Block {id} is positive, but it was {days} days ago (more than {}): the result is too old to act on. Repeat the block before ablation.",
            crate::evaluation::MAX_TEST_AGE_DAYS
        ),
        (NextStepReason::CriteriaMet, Facts::CriteriaMet { blocks }) => {
            let ids: Vec<_> = blocks.iter().map(|&i| block_id(e, i)).collect();
            let mut text = format!(
                "The {} protocol's criteria are met ({}; positive: {}): radiofrequency ablation of the blocked nerves can be considered.",
                p.name,
                criteria(p),
                ids.join(", ")
            );
            // Flags never change a verdict (SPEC §3.3), but a clinician weighs them.
            let mut notes: Vec<String> = Vec::new();
            for &i in blocks {
                if let Some(b) = e.blocks.get(i) {
                    for f in &b.flags {
                        notes.push(format!("{} {}", b.id, describe_flag(*f, p)));
                    }
                }
            }
            if !notes.is_empty() {
                text.push_str(&format!(" Weigh before deciding: {}.", notes.join("; ")));
            }
            text
        }
        _ => format!("Block {id}: {}.", d.step.describe()),
    }
}

/// What the protocol checks, from the parameters applied (overrides included): the words claim
/// only what §3 checks.
pub fn criteria(p: &Protocol) -> String {
    let n = match p.blocks_required {
        1 => "one".to_string(),
        2 => "two".to_string(),
        n => n.to_string(),
    };
    let mut text = match (p.blocks_required, p.kinds.len() == 1) {
        (1, false) => "one block".to_string(),
        (1, true) => format!("one {}", p.kinds[0].as_str().replace('-', " ")),
        (_, false) => format!("{n} blocks on the same target"),
        (_, true) => format!(
            "{n} {}s on the same target",
            p.kinds[0].as_str().replace('-', " ")
        ),
    };
    let each = if p.blocks_required > 1 { ", each" } else { "" };
    if p.threshold_pct >= 100.0 - crate::evaluation::TOLERANCE {
        text.push_str(&format!("{each} with complete (100 %) relief"));
    } else {
        text.push_str(&format!(
            "{each} with at least {} % relief",
            fmt_pct(p.threshold_pct)
        ));
    }
    if p.requires_provocation {
        text.push_str(" rated during a provocative activity");
    }
    if let Some(days) = p.min_interval_days {
        text.push_str(&format!(
            ", the second at least {days} days after the first"
        ));
    }
    if p.requires_concordance {
        text.push_str(", the longer-acting agent giving longer relief than lidocaine");
    }
    text
}

/// The rationale of `further-workup` after a negative or partial block (SPEC §3.4 rule 4).
fn workup(l: &BlockEvaluation, p: &Protocol, substantial: bool) -> String {
    let mut s = if l.classification == crate::evaluation::Classification::Negative {
        format!(
            "Block {} gave less than {} % relief (peak {}).",
            l.id,
            fmt_pct(p.partial_pct),
            super::display_pct(l.peak_relief_pct)
        )
    } else {
        format!(
            "Block {} gave partial relief (peak {}: at least {} % but below {} %).",
            l.id,
            super::display_pct(l.peak_relief_pct),
            fmt_pct(p.partial_pct),
            fmt_pct(p.threshold_pct)
        )
    };
    if substantial {
        s.push_str(&format!(
            " Relief of {} % or more is substantial, but below this protocol's threshold of {} %.",
            fmt_pct(crate::evaluation::SUBSTANTIAL_PCT),
            fmt_pct(p.threshold_pct)
        ));
    }
    s.push_str(&format!(
        " Look for other pain sources that fit {}: {}.",
        a_kind(l.kind),
        other_sources(l.kind)
    ));
    s
}

/// Wrap `text` to `width` columns at word boundaries (a longer word stands alone on its line,
/// never broken), each line starting with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut lines = Vec::new();
    let mut line = String::from(indent);
    let mut empty = true;
    for word in text.split_whitespace() {
        let needed = if empty { 0 } else { 1 } + word.width();
        if !empty && line.width() + needed > width {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        lines.push(line);
    }
    lines
}

/// `1 day`, `12 days`.
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Why that step after the RFA `a` (SPEC §3.6), in sentences built from the engine's facts and
/// limits.
pub fn rfa_rationale(
    a: &crate::evaluation::AblationEvaluation,
    reason: crate::evaluation::RfaReason,
    earlier_rfa: Option<&str>,
    days_since_rfa: i64,
    p: &Protocol,
) -> String {
    use crate::evaluation::{
        CERVICAL_MIN_DAYS, RFA_BASELINE_DAYS, RFA_FREQUENCY_DAYS, RFA_HEALING_DAYS,
        RFA_LONG_AGO_DAYS, RfaBaselineReason, RfaReason as R, WORSE_POINTS,
    };
    let id = &a.id;
    let source = if a.min_days == CERVICAL_MIN_DAYS {
        "ASRA cervical guideline"
    } else {
        "LCD L38801"
    };
    let limits = format!(
        "≥ {} % relief for ≥ {} days, {source}",
        fmt_pct(a.threshold_pct),
        a.min_days
    );
    let lasted = a.relief_duration_days.unwrap_or(0);
    let durable = format!("RFA {id} gave {limits} (relief lasted {lasted} days).");
    match reason {
        R::RfaHealing => format!(
            "RFA {id} was {} ago; the treated nerves take weeks to heal and relief to develop. Keep logging weekly; follow-up readings count from day {RFA_HEALING_DAYS}.",
            days(days_since_rfa)
        ),
        R::RfaFollowUp => format!(
            "RFA {id} has {} from day {RFA_HEALING_DAYS}; at least 2 are needed. Keep logging weekly and evaluate again.",
            match a.follow_up_readings {
                0 => "no follow-up reading".to_string(),
                1 => "1 follow-up reading".to_string(),
                n => format!("{n} follow-up readings"),
            }
        ),
        R::RfaReliefOngoing => format!(
            "RFA {id} has given relief for {lasted} days so far and it is still going on. Keep logging weekly; evaluate again when the pain returns."
        ),
        R::RfaBaseline => format!(
            "RFA {id} cannot be judged: {} in the {RFA_BASELINE_DAYS} days before it (at least moderate pain, {} or more, is needed to measure relief). A clinician should review the case.",
            match a.reasons.first() {
                Some(RfaBaselineReason::LowBaseline) => format!(
                    "the baseline pain was low ({})",
                    fmt_pct(super::round1(a.baseline.unwrap_or(0.0)))
                ),
                _ => "there is no usable pain score (none, or all still under the previous procedure)"
                    .to_string(),
            },
            fmt_pct(p.min_baseline)
        ),
        R::RfaDurationUncertain => format!(
            "RFA {id}: the last good reading was on day {lasted}, and the pain was back by day {}; the limits ({limits}) may or may not have been met in between. A clinician should review the case (more frequent readings make the next follow-up clear).",
            a.return_reading().map_or(0, |r| r.days_after)
        ),
        R::RfaWorse => format!(
            "After RFA {id} the pain was at least {} points above its baseline twice in a row. Look for neuritis or a complication first; a clinician should review the case.",
            fmt_pct(WORSE_POINTS)
        ),
        R::RfaFailed => format!(
            "RFA {id} did not give {limits}. Review the lesion technique and the diagnosis first; options then include new diagnostic blocks, multidisciplinary care and, in selected cases, medial branch transection where RFA fails or cannot be done."
        ),
        R::RfaLongAgo => format!(
            "{durable} But it was {} ago, more than {} years: the cms protocol (LCD L38801) asks for new diagnostic blocks before another RFA.",
            days(days_since_rfa),
            RFA_LONG_AGO_DAYS / 365
        ),
        R::RfaFrequency => format!(
            "{durable} But RFA {} on the same target was less than {RFA_FREQUENCY_DAYS} days ago: a repeat now would be the third session in 12 months, and the cms protocol (LCD L38801) allows at most two. A clinician should review the timing.",
            earlier_rfa.unwrap_or("?")
        ),
        R::DurableRelief => format!("{durable} When the pain returns, the RFA may be repeated."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Anesthetic, ProcedureKind};
    use crate::evaluation::tests::{block, diary};
    use crate::evaluation::{Protocol, evaluate};

    fn rationale_of(kind: ProcedureKind, scores: &[(i64, f64)], p: &Protocol) -> String {
        let mut b = block("b1", 0, Anesthetic::Lidocaine);
        b.kind = kind;
        rationale(&evaluate(&diary(vec![b], scores), p).unwrap())
    }

    /// Peak 62.5 % (8 → 3): partial under cms (T = 80).
    const PARTIAL: &[(i64, f64)] = &[(-30, 8.0), (30, 3.0), (60, 5.0), (90, 3.0), (120, 5.0)];

    #[test]
    fn substantial_but_below_threshold_never_says_not_the_joint() {
        let cms = Protocol::named("cms").unwrap();
        let text = rationale_of(ProcedureKind::MedialBranchBlock, PARTIAL, &cms);
        assert!(
            text.contains("substantial, but below this protocol's threshold of 80 %"),
            "{text}"
        );
        assert!(!text.contains("probably not"), "{text}");
        assert!(
            text.contains("the disc, the sacroiliac joint, the hip, or muscle"),
            "{text}"
        );
        // The threshold comes from the protocol, overrides included.
        let p = cms.clone().with_threshold(70.0).unwrap();
        let text = rationale_of(ProcedureKind::MedialBranchBlock, PARTIAL, &p);
        assert!(text.contains("threshold of 70 %"), "{text}");
        // Below 50 %: no "substantial".
        let low = &[(-30, 8.0), (30, 5.0), (60, 5.0), (90, 6.0)];
        let text = rationale_of(ProcedureKind::MedialBranchBlock, low, &cms);
        assert!(!text.contains("substantial"), "{text}");
    }

    /// 8 → 3.2, 3.2, 3.2: 60 % relief, sustained.
    const SIXTY: &[(i64, f64)] = &[(-30, 8.0), (15, 3.2), (30, 3.2), (60, 3.2), (120, 6.0)];

    #[test]
    fn criteria_met_states_the_threshold_applied_and_the_flags() {
        let asra = Protocol::named("asra").unwrap();
        let text = rationale_of(ProcedureKind::MedialBranchBlock, SIXTY, &asra);
        assert!(
            text.contains("(one block with at least 50 % relief;"),
            "{text}"
        );
        // Scores rated at rest: the flag is named beside the verdict.
        assert!(
            text.contains(
                "Weigh before deciding: b1 no post-block score was rated during an activity."
            ),
            "{text}"
        );
        // --threshold 40: the words follow the threshold that was applied.
        let p = asra.clone().with_threshold(40.0).unwrap();
        let text = rationale_of(ProcedureKind::MedialBranchBlock, SIXTY, &p);
        assert!(text.contains("with at least 40 % relief"), "{text}");
        assert!(!text.contains("50 %"), "{text}");
        // A flag of the deciding block is named beside the verdict.
        let mut b = block("b1", 0, Anesthetic::Lidocaine);
        b.steroid = true;
        let text = rationale(&evaluate(&diary(vec![b], SIXTY), &asra).unwrap());
        assert!(
            text.contains("Weigh before deciding: b1 the block included a steroid; b1 no post"),
            "{text}"
        );
        let cms = Protocol::named("cms").unwrap();
        assert_eq!(
            criteria(&cms),
            "two medial branch blocks on the same target, each with at least 80 % relief, the second at least 14 days after the first"
        );
        assert!(criteria(&Protocol::named("sis").unwrap()).contains("complete (100 %) relief"));
    }

    #[test]
    fn other_sources_fit_the_blocks_kind() {
        let cms = Protocol::named("asipp").unwrap();
        for (kind, words) in [
            (
                ProcedureKind::Sacroiliac,
                "a facet joint, the disc, or the hip",
            ),
            (
                ProcedureKind::GenicularNerveBlock,
                "the knee joint itself, pain referred from the hip, or nerve pain",
            ),
        ] {
            let text = rationale_of(kind, PARTIAL, &cms);
            assert!(text.contains(words), "{kind:?}: {text}");
        }
    }

    #[test]
    fn how_to_repeat_uses_the_protocols_numbers_and_the_comparison() {
        let p = Protocol::named("asra").unwrap().with_window(360).unwrap();
        let text = rationale_of(
            ProcedureKind::MedialBranchBlock,
            &[(-30, 2.0), (30, 1.0), (60, 1.0), (90, 1.0)],
            &p,
        );
        assert!(text.contains("baseline pain below 4/10"), "{text}");
        assert!(text.contains("hourly to 6h"), "{text}");
        assert!(text.contains("regular medicines continue"), "{text}");
        assert!(
            !text.contains("rated during an activity are counted"),
            "{text}"
        );
    }

    #[test]
    fn wrap_breaks_at_word_boundaries_only() {
        let lines = wrap("aaa bbb ccc dddddddddddd e", 8, "  ");
        assert_eq!(lines, ["  aaa", "  bbb", "  ccc", "  dddddddddddd", "  e"]);
        assert_eq!(wrap("one two", 80, ""), ["one two"]);
        assert!(wrap("", 80, "").is_empty());
    }
}
