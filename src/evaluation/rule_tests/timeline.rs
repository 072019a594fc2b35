//! What the engine sees: retracted records, order, instants, `as_of`.

use super::*;

// ---------------------------------------------------------------- ordering

#[test]
fn retracted_entries_are_ignored_everywhere() {
    let mut d = one(&[
        (-30, 8.0),
        (-20, 2.0),
        (30, 2.0),
        (60, 9.0),
        (90, 2.0),
        (120, 2.0),
        (200, 9.0),
    ]);
    for m in [-20, 60, 200] {
        let e = at_min(&mut d, m);
        e.details.retracted = retraction();
        e.details.medication = Some("ibuprofen".into());
        e.details.relief = Some(0.0);
    }
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.baseline, Some(8.0));
    assert_eq!(b.baseline_readings, 1);
    assert_eq!(b.post_readings, 3);
    assert_eq!(
        derived(b),
        (Some(75.0), Some(at(30)), Some(3), Some(120), Some(true))
    );
    assert_eq!(b.classification, Classification::Positive);
    assert_eq!(b.flags, vec![Flag::NoProvocation]);
}

#[test]
fn file_order_of_entries_and_blocks_does_not_matter() {
    let gap = 15 * DAY;
    let mut d = two_positive(bupi("b2", gap), gap);
    d.procedures.push(lido("b3", 2 * gap));
    d.entries.extend(
        [
            (2 * gap - 30, 8.0),
            (2 * gap + 30, 5.0),
            (2 * gap + 60, 2.0),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(m, s))| entry(&format!("x{i}"), m, s)),
    );
    at_min(&mut d, 60).details.medication = Some("ibuprofen".into());
    let expected = eval(&d, "cms");
    assert_eq!(expected.blocks[0].reasons, vec![Reason::Analgesic]);
    assert_eq!(expected.blocks[1].classification, Classification::Positive);
    assert_eq!(expected.blocks[2].reasons, vec![Reason::TooFewReadings]);

    let mut reversed = d.clone();
    reversed.entries.reverse();
    reversed.procedures.reverse();
    assert_eq!(summary(&eval(&reversed, "cms")), summary(&expected));
    let mut rotated = d.clone();
    rotated.entries.rotate_left(5);
    rotated.procedures.rotate_left(1);
    assert_eq!(summary(&eval(&rotated, "cms")), summary(&expected));
}

#[test]
fn equal_instants_keep_file_order_for_blocks() {
    let scores = [(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)];
    let d = diary(vec![lido("b1", 0), bupi("b2", 0)], &scores);
    let e = eval(&d, "asra");
    let ids: Vec<_> = e.blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["b1", "b2"]);
    // The first has no post reading (they are not before next.at); the second has no
    // baseline (not later than b1.at + 8 h).
    assert_eq!(e.blocks[0].reasons, vec![Reason::TooFewReadings]);
    assert_eq!(e.blocks[1].reasons, vec![Reason::NoBaseline]);
    assert_eq!(e.latest().unwrap().anesthetic, Anesthetic::Bupivacaine);
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NoBaseline)
        )
    );

    let d = diary(vec![bupi("b2", 0), lido("b1", 0)], &scores);
    let e = eval(&d, "asra");
    let ids: Vec<_> = e.blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["b2", "b1"]);
    assert_eq!(e.latest().unwrap().anesthetic, Anesthetic::Lidocaine);
}

#[test]
fn mixed_utc_offsets_compare_instants() {
    let mut d = diary(vec![lido("b1", 0)], &[]);
    d.procedures[0].at = ts("2026-11-20T16:30:00Z");
    for (i, (text, score)) in [
        ("2026-11-20T20:00:00+05:00", 6.0), // 15:00Z, -90
        ("2026-11-20T09:00:00-07:00", 8.0), // 16:00Z, -30
        ("2026-11-21T01:30:00+09:00", 0.0), // 16:30Z, at the block
        ("2026-11-20T18:30:00+01:00", 2.0), // 17:30Z, +60
        ("2026-11-20T17:00:00Z", 3.0),      // 17:00Z, +30
        ("2026-11-20T11:00:00-07:00", 2.0), // 18:00Z, +90
        ("2026-11-21T06:30:00+12:00", 7.0), // 18:30Z, +120
        ("2026-11-21T05:31:00+05:00", 0.0), // 00:31Z, +481
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = entry(&format!("e{}", i + 1), 0, score);
        e.at = ts(text);
        d.entries.push(e);
    }
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.baseline, Some(7.0));
    assert_eq!(b.baseline_readings, 2);
    assert_eq!(b.post_readings, 4);
    close(b.peak_relief_pct, 500.0 / 7.0);
    assert_eq!(
        b.peak_at.as_ref().map(Timestamp::text).as_deref(),
        Some("2026-11-20T18:30:00+01:00")
    );
    assert_eq!(b.sustained_readings, Some(3)); // +30, +60, +90
    assert_eq!(b.relief_duration_minutes, Some(90));
    assert_eq!(b.relief_ongoing, Some(false));
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn window_across_a_dst_change_is_on_instants() {
    // US Mountain time falls back on 2026-11-01 at 02:00 (-06:00 -> -07:00).
    let mut d = diary(vec![lido("b1", 0)], &[]);
    d.procedures[0].at = ts("2026-11-01T00:30:00-06:00"); // 06:30Z
    for (i, (text, score)) in [
        ("2026-10-31T00:29:00-06:00", 0.0), // 24 h 1 min before: out
        ("2026-10-31T00:30:00-06:00", 6.0), // exactly 24 h before
        ("2026-11-01T00:00:00-06:00", 8.0), // -30
        ("2026-11-01T01:30:00-06:00", 2.0), // +60
        ("2026-11-01T01:30:00-07:00", 2.0), // +120 (the repeated hour)
        ("2026-11-01T07:30:00-07:00", 2.0), // +480: window end (7 h on the wall clock)
        ("2026-11-01T08:00:00-07:00", 9.0), // +510: after the window
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = entry(&format!("e{}", i + 1), 0, score);
        e.at = ts(text);
        d.entries.push(e);
    }
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.baseline, Some(7.0));
    assert_eq!(b.baseline_readings, 2);
    assert_eq!(b.post_readings, 3);
    assert_eq!(b.sustained_readings, Some(3));
    assert_eq!(b.relief_duration_minutes, Some(480));
    assert_eq!(b.relief_ongoing, Some(false));
    assert_eq!(b.classification, Classification::Positive);
}

// ---------------------------------------------------------------- as_of (v2)

#[test]
fn records_after_as_of_are_ignored_everywhere() {
    let d = diary(
        vec![lido("b1", 0), lido("b2", 3 * DAY)],
        &[
            (-30, 8.0),
            (30, 2.0),
            (60, 2.0),
            (90, 2.0),
            (3 * DAY - 30, 8.0),
        ],
    );
    // As of day 1: b2 and its baseline reading do not exist yet.
    let e = eval_at(&d, "asra", DAY);
    assert_eq!(e.blocks.len(), 1);
    assert_eq!(e.as_of, Some(*at(DAY).time()));
    assert_eq!(step(&e), (NextStep::Rfa, NextStepReason::CriteriaMet));
    // As of 75 minutes: only two post readings so far, and the window is open.
    let e = eval_at(&d, "asra", 75);
    assert_eq!(e.blocks[0].post_readings, 2);
    assert_eq!(e.blocks[0].reasons, vec![Reason::WindowOpen]);
    // As of a time before every procedure: no block recorded.
    let e = evaluate_at(
        &d,
        &Protocol::default_protocol(),
        Some(*at(-1).time()),
        false,
    );
    assert!(
        matches!(&e, Err(EvaluationError::NoBlockYet { first, .. }) if first == "b1"),
        "{e:?}"
    );
    assert!(e.unwrap_err().to_string().starts_with("no block recorded"));
    // A block exactly at as_of counts ("at or before").
    let e = eval_at(&d, "asra", 0);
    assert_eq!(e.blocks.len(), 1);
}

#[test]
fn an_rfa_alone_is_not_an_error_and_decides_after_rfa() {
    use crate::diary::ProcedureKind::RadiofrequencyAblation;
    let d = diary(
        vec![of_kind("r1", 0, RadiofrequencyAblation)],
        &[(-30, 8.0)],
    );
    let e = eval(&d, "asra");
    assert!(e.blocks.is_empty() && e.latest_is_rfa);
    assert_eq!(e.classification, None);
    // Evaluated as the diary stands (its latest record, the RFA itself): still healing.
    assert_eq!(
        step(&e),
        (
            NextStep::ContinueDiary,
            NextStepReason::AfterRfa(crate::evaluation::RfaReason::RfaHealing)
        )
    );
    assert_eq!(e.rfa_outcome, Some(crate::evaluation::RfaOutcome::Healing));
    assert_eq!(e.ablations.len(), 1);
    assert_eq!(e.ablations[0].baseline, Some(8.0));
}

#[test]
fn when_the_latest_procedure_is_an_rfa_blocks_are_evaluated_and_classification_is_null() {
    use crate::diary::ProcedureKind::RadiofrequencyAblation;
    let mut scores = positive_scores(0);
    scores.push((30 * DAY, 5.0));
    let d = diary(
        vec![
            lido("b1", 0),
            of_kind("r1", 10 * DAY, RadiofrequencyAblation),
        ],
        &scores,
    );
    let e = eval_at(&d, "asra", 40 * DAY);
    assert_eq!(e.blocks[0].classification, Classification::Positive);
    assert_eq!(e.classification, None);
    // The RFA's baseline comes after b1's window and relief run: none is left, so §3.6 says
    // `unknown` [no-baseline] and a clinician reviews it.
    assert_eq!(
        step(&e),
        (
            NextStep::ClinicianReview,
            NextStepReason::AfterRfa(crate::evaluation::RfaReason::RfaBaseline)
        )
    );
    assert_eq!(e.rfa_outcome, Some(crate::evaluation::RfaOutcome::Unknown));
    assert_eq!(e.ablations[0].baseline, None);
    assert!(e.by_protocol.iter().all(|v| v.classification.is_none()));
    assert!(
        e.by_protocol
            .iter()
            .all(|v| v.next_step == NextStep::ClinicianReview)
    );
    // What §3.6 needs from the block.
    let b = &e.blocks[0];
    assert_eq!(b.window_end, at(480).instant());
    assert_eq!(b.extended_run_last, Some(at(180).instant()));
}
