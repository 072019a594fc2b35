//! The next step (SPEC §3.4).

use super::*;

// ---------------------------------------------------------------- next step

fn positive_at(start: i64) -> Vec<(i64, f64)> {
    vec![
        (start - 30, 8.0),
        (start + 30, 2.0),
        (start + 60, 2.0),
        (start + 90, 2.0),
        (start + 120, 8.0),
    ]
}

fn then_positive(first: &[(i64, f64)]) -> Diary {
    let gap = 2 * DAY;
    let mut scores = first.to_vec();
    scores.extend(positive_at(gap));
    diary(vec![lido("b1", 0), lido("b2", gap)], &scores)
}

#[test]
fn earlier_negative_or_partial_test_makes_discordant_blocks() {
    // Negative (25 %) then positive, even under asra.
    let d = then_positive(&[(-30, 8.0), (30, 6.0), (60, 6.0), (90, 6.0)]);
    for p in ["asra", "dual"] {
        let e = eval(&d, p);
        assert_eq!(e.blocks[0].classification, Classification::Negative);
        assert_eq!(e.classification, Some(Classification::Positive));
        assert_eq!(
            step(&e),
            (NextStep::FurtherWorkup, NextStepReason::DiscordantBlocks),
            "{p}"
        );
    }
    // Partial relief (37.5 %) then positive.
    let d = then_positive(&[(-30, 8.0), (30, 5.0), (60, 5.0), (90, 5.0)]);
    let e = eval(&d, "dual");
    assert_eq!(e.blocks[0].reasons, vec![Reason::PartialRelief]);
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::DiscordantBlocks)
    );
}

#[test]
fn earlier_block_inconclusive_for_validity_is_not_a_valid_test() {
    // No baseline, then positive: k = 1.
    let d = then_positive(&[(30, 2.0), (60, 2.0), (90, 2.0)]);
    let e = eval(&d, "dual");
    assert_eq!(e.blocks[0].reasons, vec![Reason::NoBaseline]);
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
    // Not sustained, then positive: k = 1 under asra.
    let d = then_positive(&[(-30, 8.0), (30, 8.0), (60, 2.0), (90, 8.0)]);
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].reasons, vec![Reason::NotSustained]);
    assert_eq!(step(&e), (NextStep::Rfa, NextStepReason::CriteriaMet));
    let e = eval(&d, "dual");
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
}

#[test]
fn one_positive_block_needs_confirmation_unless_asra() {
    // 100 % relief with an activity: positive under every protocol.
    let mut d = one(&[(-30, 8.0), (30, 0.0), (60, 0.0), (90, 0.0)]);
    at_min(&mut d, 30).activity = Some("walking".into());
    for p in ["dual", "cms", "asipp", "sis"] {
        let e = eval(&d, p);
        assert_eq!(e.classification, Some(Classification::Positive), "{p}");
        assert_eq!(
            step(&e),
            (NextStep::RepeatBlock, NextStepReason::Confirm),
            "{p}"
        );
    }
    assert_eq!(
        step(&eval(&d, "asra")),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
}

#[test]
fn two_positive_blocks_meet_dual_cms_and_asipp() {
    let gap = 15 * DAY;
    let d = two_positive(bupi("b2", gap), gap);
    for p in ["asra", "dual", "cms", "asipp"] {
        let e = eval(&d, p);
        assert_eq!(
            step(&e),
            (NextStep::Rfa, NextStepReason::CriteriaMet),
            "{p}"
        );
    }
}

#[test]
fn the_latest_block_decides() {
    let gap = 2 * DAY;
    let mut scores = positive_at(0);
    scores.extend([
        (gap - 30, 8.0),
        (gap + 30, 6.0),
        (gap + 60, 6.0),
        (gap + 90, 6.0),
    ]);
    let d = diary(vec![lido("b1", 0), lido("b2", gap)], &scores);
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].classification, Classification::Positive);
    assert_eq!(e.classification, Some(Classification::Negative));
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::Negative)
    );
    // A later inconclusive block overrides criteria met earlier.
    let mut scores = positive_at(0);
    scores.extend([(gap + 30, 2.0), (gap + 60, 2.0), (gap + 90, 2.0)]);
    let d = diary(vec![lido("b1", 0), lido("b2", gap)], &scores);
    let e = eval(&d, "asra");
    assert_eq!(e.classification, Some(Classification::Inconclusive));
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NoBaseline)
        )
    );
}

// ---------------------------------------------------------------- v2 rules

#[test]
fn window_open_continues_the_diary_with_the_closing_time() {
    let e = eval_at(
        &one(&[(-30, 7.0), (5, 7.0), (10, 7.0), (15, 7.0)]),
        "asra",
        20,
    );
    assert_eq!(
        step(&e),
        (NextStep::ContinueDiary, NextStepReason::WindowOpen)
    );
    assert_eq!(
        e.decision.facts,
        Facts::WindowOpen {
            closes_at: Some(at(480))
        }
    );
    assert_eq!(e.classification, Some(Classification::Inconclusive));
}

#[test]
fn a_kind_outside_the_protocol_goes_to_clinician_review() {
    use crate::diary::ProcedureKind::*;
    let d = diary(
        vec![of_kind("b1", 0, GenicularNerveBlock)],
        &positive_scores(0),
    );
    let e = eval(&d, "cms");
    assert_eq!(
        step(&e),
        (NextStep::ClinicianReview, NextStepReason::OutsideProtocol)
    );
    assert_eq!(
        e.decision.facts,
        Facts::OutsideProtocol {
            kind: GenicularNerveBlock,
            covered: &[MedialBranchBlock],
            covering: Some("asra")
        }
    );
    // asra covers it.
    assert_eq!(
        step(&eval(&d, "asra")),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
}

#[test]
fn worse_pain_after_a_block_that_is_not_positive_goes_to_clinician_review() {
    let d = one(&[(-30, 6.0), (30, 8.0), (60, 8.0), (90, 10.0)]);
    assert_eq!(
        step(&eval(&d, "asra")),
        (NextStep::ClinicianReview, NextStepReason::WorsePain)
    );
    // Without worse pain the same negative block goes to further work-up.
    let d = one(&[(-30, 6.0), (30, 6.0), (60, 8.0), (90, 6.0)]);
    assert_eq!(
        step(&eval(&d, "asra")),
        (NextStep::FurtherWorkup, NextStepReason::Negative)
    );
}

#[test]
fn positive_intra_articular_or_sacroiliac_needs_a_prognostic_block_and_other_a_clinician() {
    use crate::diary::ProcedureKind::*;
    for (kind, expected) in [
        (
            IntraArticularFacet,
            (NextStep::RepeatBlock, NextStepReason::PrognosticBlock),
        ),
        (
            Sacroiliac,
            (NextStep::RepeatBlock, NextStepReason::PrognosticBlock),
        ),
        (
            Other,
            (NextStep::ClinicianReview, NextStepReason::OtherKind),
        ),
        (
            LateralBranchBlock,
            (NextStep::Rfa, NextStepReason::CriteriaMet),
        ),
        (
            GenicularNerveBlock,
            (NextStep::Rfa, NextStepReason::CriteriaMet),
        ),
    ] {
        let d = diary(vec![of_kind("b1", 0, kind)], &positive_scores(0));
        assert_eq!(step(&eval(&d, "asra")), expected, "{kind:?}");
    }
}

#[test]
fn another_side_or_kind_neither_confirms_nor_contradicts() {
    use crate::diary::{ProcedureKind, Side};
    let mut scores = positive_scores(0);
    scores.extend(positive_scores(20 * DAY));
    let mut d = diary(vec![lido("b1", 0), lido("b2", 20 * DAY)], &scores);
    d.procedures[0].side = Some(Side::Right);
    d.procedures[1].side = Some(Side::Left);
    assert_eq!(
        step(&eval(&d, "dual")),
        (NextStep::RepeatBlock, NextStepReason::Confirm)
    );
    d.procedures[1].side = Some(Side::Right);
    assert_eq!(
        step(&eval(&d, "dual")),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
    d.procedures[1].kind = ProcedureKind::GenicularNerveBlock;
    assert_eq!(
        step(&eval(&d, "dual")),
        (NextStep::RepeatBlock, NextStepReason::Confirm)
    );
    // A negative block on another target does not contradict.
    let mut scores = positive_scores(0);
    scores.extend([
        (20 * DAY - 30, 8.0),
        (20 * DAY + 30, 8.0),
        (20 * DAY + 60, 8.0),
        (20 * DAY + 90, 8.0),
    ]);
    scores.extend(positive_scores(40 * DAY));
    let mut d = diary(
        vec![lido("b1", 0), lido("b2", 20 * DAY), lido("b3", 40 * DAY)],
        &scores,
    );
    d.procedures[1].side = Some(Side::Left);
    assert_eq!(
        step(&eval(&d, "dual")),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
}

#[test]
fn earlier_tests_are_at_most_183_days_old() {
    let pair = |gap: i64| {
        let mut scores = positive_scores(0);
        scores.extend(positive_scores(gap));
        diary(vec![lido("b1", 0), lido("b2", gap)], &scores)
    };
    assert_eq!(
        step(&eval(&pair(183 * DAY), "dual")),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
    let e = eval(&pair(183 * DAY + 1), "dual");
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
    assert_eq!(
        e.decision.facts,
        Facts::Confirm {
            positive: 1,
            required: 2,
            other_agent: false
        }
    );
    // An old negative no longer contradicts either.
    let mut scores = vec![(-30, 8.0), (30, 8.0), (60, 8.0), (90, 8.0)];
    scores.extend(positive_scores(200 * DAY));
    let d = diary(vec![lido("b1", 0), lido("b2", 200 * DAY)], &scores);
    assert_eq!(
        step(&eval(&d, "asra")),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
}

#[test]
fn a_positive_block_older_than_183_days_at_as_of_is_stale() {
    let d = diary(vec![lido("b1", 0)], &positive_scores(0));
    assert_eq!(
        step(&eval_at(&d, "asra", 183 * DAY)),
        (NextStep::Rfa, NextStepReason::CriteriaMet)
    );
    let e = eval_at(&d, "asra", 183 * DAY + 1);
    assert_eq!(
        step(&e),
        (NextStep::RepeatBlock, NextStepReason::StaleBlock)
    );
    assert_eq!(e.decision.facts, Facts::StaleBlock { days: 183 });
}

#[test]
fn sis_discordant_pair_is_only_looked_for_within_the_series() {
    use crate::diary::Side;
    // Lidocaine 3 h of relief, then bupivacaine only 1 h 30: discordant on the same target.
    let mut scores = complete_relief(0, 180, Some(240));
    scores.extend(complete_relief(20 * DAY, 60, Some(90)));
    let d = diary(vec![lido("b1", 0), bupi("b2", 20 * DAY)], &scores);
    assert_eq!(
        step(&eval(&d, "sis")),
        (NextStep::FurtherWorkup, NextStepReason::DiscordantDuration)
    );
    // On another side the pair does not exist.
    let mut d2 = d.clone();
    d2.procedures[1].side = Some(Side::Left);
    let e = eval(&d2, "sis");
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
    assert!(!e.blocks[1].flags.contains(&Flag::DiscordantDuration));
}

#[test]
fn by_protocol_uses_each_protocols_own_parameters_and_the_same_as_of() {
    let d = diary(vec![lido("b1", 0)], &positive_scores(0));
    let p = Protocol::named("asra")
        .unwrap()
        .with_threshold(90.0)
        .unwrap();
    let e = evaluate_at(&d, &p, Some(*at(DAY).time()), true).unwrap();
    assert_eq!(e.classification, Some(Classification::Inconclusive));
    let names: Vec<_> = e.by_protocol.iter().map(|v| v.name).collect();
    assert_eq!(names, ["asra", "dual", "cms", "asipp", "sis"]);
    let asra = &e.by_protocol[0];
    assert_eq!(
        (asra.classification, asra.next_step),
        (Some(Classification::Positive), NextStep::Rfa)
    );
    assert_eq!(e.by_protocol[1].next_step_reason, NextStepReason::Confirm);
    // Same as_of: window open for every protocol at 20 minutes.
    let e = evaluate_at(&d, &p, Some(*at(20).time()), true).unwrap();
    assert!(
        e.by_protocol
            .iter()
            .all(|v| v.next_step_reason == NextStepReason::WindowOpen)
    );
}
