//! The baseline (SPEC §3.1): candidates, comparison, readings, mean.

use super::*;

// ---------------------------------------------------------------- baseline

#[test]
fn baseline_window_is_24h_before_up_to_the_block_exclusive_and_is_the_mean() {
    // -1441 is outside; -1440 is exactly 24 h before (counts); 0 is at B.at (neither).
    let d = one(&[
        (-1441, 0.0),
        (-1440, 6.0),
        (-600, 9.0),
        (-60, 8.0),
        (-1, 5.0),
        (0, 0.0),
        (30, 2.0),
        (60, 2.0),
        (90, 2.0),
    ]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.baseline, Some(7.0)); // (6 + 9 + 8 + 5) / 4
    assert_eq!(b.baseline_readings, 4);
    assert_eq!(b.post_readings, 3);
    close(b.peak_relief_pct, 500.0 / 7.0); // (7 - 2) / 7 * 100
    assert_eq!(b.peak_at, Some(at(30)));
    assert_eq!(b.sustained_readings, Some(3));
    assert_eq!(b.relief_duration_minutes, Some(90));
    assert_eq!(b.relief_ongoing, Some(true));
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn baseline_limit_has_tolerance() {
    // (0.2 + 8.2 + 3.6) / 3 = 3.9999999999999996 in f64: counts as 4.
    let d = one(&[
        (-30, 0.2),
        (-20, 8.2),
        (-10, 3.6),
        (30, 0.0),
        (60, 0.0),
        (90, 0.0),
    ]);
    let b = &eval(&d, "asra").blocks[0];
    assert!(b.baseline.unwrap() < 4.0);
    assert_eq!(b.classification, Classification::Positive);
    assert!(b.reasons.is_empty());
    // 3.99 is low.
    let d = one(&[(-30, 3.99), (30, 0.0), (60, 0.0), (90, 0.0)]);
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].reasons, vec![Reason::LowBaseline]);
    assert_eq!(e.blocks[0].sustained_readings, Some(3));
}

#[test]
fn baseline_excludes_readings_up_to_prev_window_end_strictly() {
    // b1's window ends at 480: the reading at 480 is b1's, 481 may be b2's baseline.
    // b1 has no run (37.5 % < 50 %), so only the window limits b2's baseline.
    let d = diary(
        vec![lido("b1", 0), lido("b2", DAY)],
        &[
            (-30, 8.0),
            (60, 8.0),
            (120, 8.0),
            (480, 5.0),
            (481, 6.0),
            (1000, 8.0),
        ],
    );
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].post_readings, 3);
    assert_eq!(e.blocks[0].reasons, vec![Reason::PartialRelief]);
    assert_eq!(e.blocks[1].baseline, Some(7.0)); // 481 and 1000
    assert_eq!(e.blocks[1].baseline_readings, 2);
}

#[test]
fn baseline_excludes_prev_extended_run() {
    // b1's run 60..480 extends through 600 and 700 (62.5 %), stops at 800 (25 %).
    let d = diary(
        vec![lido("b1", 0), lido("b2", DAY)],
        &[
            (-30, 8.0),
            (60, 2.0),
            (120, 2.0),
            (480, 2.0),
            (600, 2.0),
            (700, 3.0),
            (800, 6.0),
            (1000, 8.0),
        ],
    );
    let e = eval(&d, "asra");
    let b1 = &e.blocks[0];
    assert_eq!(
        derived(b1),
        (Some(75.0), Some(at(60)), Some(3), Some(700), Some(false))
    );
    assert_eq!(b1.classification, Classification::Positive);
    let b2 = &e.blocks[1];
    assert_eq!(b2.baseline, Some(7.0)); // 800 and 1000 only
    assert_eq!(b2.baseline_readings, 2);
    assert_eq!(b2.reasons, vec![Reason::TooFewReadings]);
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::TooFewReadings)
        )
    );
}

#[test]
fn zero_baseline_is_low_and_nulls_every_relief_value() {
    let mut d = one(&[(-30, 0.0), (30, 0.0), (60, 0.0), (90, 0.0)]);
    at_min(&mut d, 30).details.relief = Some(100.0); // no computable relief: no ppr-discordant
    let e = eval(&d, "asra");
    let b = &e.blocks[0];
    assert_eq!(b.baseline, Some(0.0));
    assert_eq!(b.baseline_readings, 1);
    assert_eq!(b.post_readings, 3);
    assert_eq!(derived(b), NULLS);
    assert_eq!(b.classification, Classification::Inconclusive);
    assert_eq!(b.reasons, vec![Reason::LowBaseline]);
    assert_eq!(b.flags, vec![Flag::NoProvocation]);
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::LowBaseline)
        )
    );
}

#[test]
fn low_but_nonzero_baseline_still_computes_relief() {
    let d = one(&[(-30, 2.0), (30, 0.0), (60, 0.0), (90, 2.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(
        derived(b),
        (Some(100.0), Some(at(30)), Some(2), Some(60), Some(false))
    );
    assert_eq!(b.reasons, vec![Reason::LowBaseline]);
}

#[test]
fn no_baseline_reading_is_no_baseline() {
    let d = one(&[(-1441, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    let e = eval(&d, "asra");
    let b = &e.blocks[0];
    assert_eq!(b.baseline, None);
    assert_eq!(b.baseline_readings, 0);
    assert_eq!(derived(b), NULLS);
    assert_eq!(b.reasons, vec![Reason::NoBaseline]);
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NoBaseline)
        )
    );
}

// ---------------------------------------------------------------- comparison (v2)

#[test]
fn one_provoked_candidate_makes_the_comparison_provoked() {
    // The case: one provoked 8/10 and six resting 2/10 before the block.
    let mut scores = vec![(-300, 8.0)];
    scores.extend((1..=6).map(|i| (-300 + i * 30, 2.0)));
    scores.extend([(30, 1.0), (60, 1.0), (90, 1.0), (120, 9.0), (150, 1.0)]);
    let mut d = one(&scores);
    act(&mut d, -300, "standing");
    for m in [30, 60, 90] {
        act(&mut d, m, "standing");
    }
    // 120 is a resting 9/10 (no activity): not a reading in `provoked`.
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.comparison, Comparison::Provoked);
    assert_eq!((b.baseline, b.baseline_readings), (Some(8.0), 1));
    assert_eq!(b.resting_left_out, 6);
    assert_eq!(b.post_readings, 3);
    close(b.peak_relief_pct, 87.5);
    assert_eq!(b.classification, Classification::Positive);
    // Without the activity on the baseline reading it is `all`: baseline (8 + 6×2)/7.
    let mut d2 = d.clone();
    at_min(&mut d2, -300).activity = None;
    let b = &eval(&d2, "asra").blocks[0];
    assert_eq!(b.comparison, Comparison::All);
    close(b.baseline, 20.0 / 7.0);
    assert_eq!((b.baseline_readings, b.post_readings), (7, 5));
    assert_eq!(b.reasons, vec![Reason::LowBaseline]);
}

#[test]
fn rest_words_none_words_and_blanks_are_not_activities() {
    for text in [
        "rest",
        "At Rest",
        " lying down ",
        "in bed",
        "asleep",
        "sleeping",
        "resting",
        "lying",
        "none",
        "N/A",
        "-",
        "0",
        "  ",
    ] {
        let mut d = one(&[(-60, 8.0), (-30, 6.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
        act(&mut d, -60, text);
        let b = &eval(&d, "asra").blocks[0];
        assert_eq!(b.comparison, Comparison::All, "{text:?}");
        assert_eq!(b.baseline, Some(7.0), "{text:?}");
    }
}

#[test]
fn in_all_every_entry_is_a_reading_with_or_without_activity() {
    let mut d = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    act(&mut d, 60, "walking");
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!((b.comparison, b.post_readings), (Comparison::All, 3));
}
