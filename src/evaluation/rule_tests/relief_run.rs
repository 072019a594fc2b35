//! Post readings, relief, peak, runs and their extension (SPEC §3.1).

use super::*;

// ---------------------------------------------------------------- post readings

#[test]
fn post_window_end_is_inclusive() {
    let d = one(&[(-30, 8.0), (60, 6.0), (120, 6.0), (480, 6.0), (481, 6.0)]);
    let e = eval(&d, "asra");
    let b = &e.blocks[0];
    assert_eq!(b.post_readings, 3);
    // Peak 25 % on three equal readings: the earliest.
    assert_eq!(
        derived(b),
        (Some(25.0), Some(at(60)), Some(0), None, Some(false))
    );
    assert_eq!(b.classification, Classification::Negative);
    assert!(b.reasons.is_empty());
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::Negative)
    );

    let d = one(&[(-30, 8.0), (60, 6.0), (120, 6.0), (481, 6.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.post_readings, 2);
    assert_eq!(b.reasons, vec![Reason::TooFewReadings]);
}

#[test]
fn post_readings_stop_before_next_block() {
    let d = diary(
        vec![lido("b1", 0), lido("b2", 300)],
        &[
            (-30, 8.0),
            (60, 6.0),
            (120, 6.0),
            (299, 6.0),
            (300, 6.0),
            (400, 6.0),
        ],
    );
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].post_readings, 3);
    // b2's baseline must be later than b1.at + 8 h = 480 and before 300: none.
    assert_eq!(e.blocks[1].baseline, None);
    assert_eq!(e.blocks[1].post_readings, 1); // 400 (300 is at b2.at)
    assert_eq!(
        e.blocks[1].reasons,
        vec![Reason::NoBaseline, Reason::TooFewReadings]
    );
}

#[test]
fn window_override_moves_post_window_and_baseline_exclusion() {
    let d = diary(
        vec![lido("b1", 0), lido("b2", 600)],
        &[(-30, 8.0), (60, 5.0), (120, 5.0), (200, 9.0), (500, 7.0)],
    );
    let e = eval_p(&d, &with_window("asra", 120));
    assert_eq!(e.protocol.window_minutes, 120);
    assert_eq!(e.blocks[0].post_readings, 2); // 60, 120
    assert_eq!(e.blocks[1].baseline, Some(8.0)); // later than 0 + 120: 200, 500
    assert_eq!(e.blocks[1].baseline_readings, 2);

    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].post_readings, 3); // 60, 120, 200
    assert_eq!(e.blocks[1].baseline, Some(7.0)); // later than 0 + 480: 500
    assert_eq!(e.blocks[1].baseline_readings, 1);
}

// ---------------------------------------------------------------- relief, peak

#[test]
fn relief_is_negative_when_worse() {
    let d = one(&[(-30, 8.0), (30, 10.0), (60, 10.0), (90, 10.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(
        derived(b),
        (Some(-25.0), Some(at(30)), Some(0), None, Some(false))
    );
    assert_eq!(b.classification, Classification::Negative);
}

#[test]
fn peak_is_highest_and_earliest_on_ties() {
    // 50, 75, 25, 75 %.
    let d = one(&[(-30, 8.0), (30, 4.0), (60, 2.0), (90, 6.0), (120, 2.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(
        derived(b),
        (Some(75.0), Some(at(60)), Some(2), Some(60), Some(false))
    );
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn peak_is_null_without_post_readings() {
    let d = one(&[(-30, 8.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.post_readings, 0);
    assert_eq!(derived(b), (None, None, Some(0), None, Some(false)));
    assert_eq!(b.reasons, vec![Reason::TooFewReadings]);
    assert!(b.flags.is_empty()); // no post reading: no no-provocation flag
}

// ---------------------------------------------------------------- runs

#[test]
fn threshold_comparison_has_tolerance() {
    for score in [4.0, 4.000000000008] {
        // 50 % and 49.9999999999 %
        let d = one(&[(-30, 8.0), (30, score), (60, score), (90, 8.0)]);
        let b = &eval(&d, "asra").blocks[0];
        assert_eq!(b.sustained_readings, Some(2), "{score}");
        assert_eq!(b.classification, Classification::Positive, "{score}");
    }
    // 49.99 % is below 50 %: partial relief.
    let d = one(&[(-30, 8.0), (30, 4.0008), (60, 4.0008), (90, 8.0)]);
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].sustained_readings, Some(0));
    assert_eq!(e.blocks[0].reasons, vec![Reason::PartialRelief]);
    // (7 - 4.9) / 7 * 100 = 29.999999999999993 counts as P = 30.
    let d = one(&[(-30, 7.0), (30, 4.9), (60, 4.9), (90, 7.0)]);
    let e = eval(&d, "asra");
    assert!(e.blocks[0].peak_relief_pct.unwrap() < 30.0);
    assert_eq!(e.blocks[0].reasons, vec![Reason::PartialRelief]);
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::PartialRelief)
    );
}

#[test]
fn blocks_run_is_the_first_run_long_enough() {
    // Runs: [30] (1), [90, 120] (2), [180, 240, 300] (3, ends at the last post reading).
    let d = one(&[
        (-30, 8.0),
        (30, 2.0),
        (60, 8.0),
        (90, 2.0),
        (120, 2.0),
        (150, 8.0),
        (180, 2.0),
        (240, 2.0),
        (300, 2.0),
    ]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(
        derived(b),
        (Some(75.0), Some(at(30)), Some(2), Some(120), Some(false))
    );
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn without_a_long_run_the_first_run_of_any_length() {
    // Runs [30] (75 %) and [90] (87.5 %).
    let d = one(&[(-30, 8.0), (30, 2.0), (60, 8.0), (90, 1.0), (120, 8.0)]);
    let e = eval(&d, "asra");
    let b = &e.blocks[0];
    assert_eq!(
        derived(b),
        (Some(87.5), Some(at(90)), Some(1), Some(30), Some(false))
    );
    assert_eq!(b.reasons, vec![Reason::NotSustained]);
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NotSustained)
        )
    );
}

#[test]
fn run_ending_at_last_post_reading_extends_past_the_window() {
    let scores = [
        (-30, 8.0),
        (60, 2.0),
        (240, 2.0),
        (480, 2.0),
        (600, 3.0),
        (700, 2.0),
        (800, 6.0),
        (900, 2.0),
    ];
    let b = &eval(&one(&scores), "asra").blocks[0];
    assert_eq!(b.post_readings, 3);
    assert_eq!(
        derived(b),
        (Some(75.0), Some(at(60)), Some(3), Some(700), Some(false))
    );
    // Without the return of pain at 800, the run reaches the last entry: ongoing.
    let b = &eval(&one(&scores[..6]), "asra").blocks[0];
    assert_eq!(b.relief_duration_minutes, Some(700));
    assert_eq!(b.relief_ongoing, Some(true));
}

#[test]
fn run_not_ending_at_last_post_reading_is_not_extended() {
    let d = one(&[
        (-30, 8.0),
        (60, 2.0),
        (240, 2.0),
        (480, 6.0),
        (600, 2.0),
        (700, 2.0),
    ]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(
        derived(b),
        (Some(75.0), Some(at(60)), Some(2), Some(240), Some(false))
    );
}

#[test]
fn extension_stops_before_next_block_and_is_then_ongoing() {
    let d = diary(
        vec![lido("b1", 0), lido("b2", 1000)],
        &[
            (-30, 8.0),
            (60, 2.0),
            (240, 2.0),
            (480, 2.0),
            (600, 2.0),
            (1000, 2.0),
            (1100, 9.0),
        ],
    );
    let e = eval(&d, "asra");
    let b1 = &e.blocks[0];
    // 600 is the last entry before b2.at = 1000.
    assert_eq!(b1.relief_duration_minutes, Some(600));
    assert_eq!(b1.relief_ongoing, Some(true));
    assert_eq!(b1.sustained_readings, Some(3));
    // b2: baseline later than 600 and before 1000: none; 1100 is its only post reading.
    let b2 = &e.blocks[1];
    assert_eq!(b2.baseline, None);
    assert_eq!(b2.post_readings, 1);
    assert_eq!(e.classification, Some(Classification::Inconclusive));
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NoBaseline)
        )
    );
}

#[test]
fn duration_is_whole_minutes_rounded_down() {
    let mut d = one(&[(-30, 8.0), (0, 2.0), (1, 2.0), (2, 2.0), (3, 8.0)]);
    for (e, secs) in d.entries[1..].iter_mut().zip([1859, 3659, 7199, 10799]) {
        e.at = at_secs(secs); // 30:59, 60:59, 119:59, 179:59
    }
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.sustained_readings, Some(3));
    assert_eq!(b.relief_duration_minutes, Some(119));
    assert_eq!(b.relief_ongoing, Some(false));
}

// ---------------------------------------------------------------- onset, provoked runs (v2)

#[test]
fn onset_is_whole_minutes_to_the_first_reading_of_the_run() {
    let mut d = one(&[(-30, 8.0), (10, 8.0), (20, 2.0), (40, 2.0), (90, 2.0)]);
    d.entries[2].at = at_secs(20 * 60 + 59);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.onset_minutes, Some(20));
    // No run: null; no baseline: null.
    let b = &eval(&one(&[(-30, 8.0), (30, 8.0), (60, 8.0), (90, 8.0)]), "asra").blocks[0];
    assert_eq!((b.onset_minutes, b.relief_ongoing), (None, Some(false)));
    let b = &eval(&one(&[(30, 2.0), (60, 2.0), (90, 2.0)]), "asra").blocks[0];
    assert_eq!(b.onset_minutes, None);
}

#[test]
fn in_provoked_only_readings_with_an_activity_make_runs_and_extensions() {
    // Baseline provoked 8; readings with activity at 30, 60, 480, 600; resting 8/10 in between
    // and after the window do not break the run or its extension.
    let mut d = one(&[
        (-30, 8.0),
        (30, 2.0),
        (45, 8.0),
        (60, 2.0),
        (480, 2.0),
        (540, 9.0),
        (600, 2.0),
    ]);
    for m in [-30, 30, 60, 480, 600] {
        act(&mut d, m, "standing");
    }
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.post_readings, 3);
    assert_eq!(b.sustained_readings, Some(3));
    assert_eq!(b.relief_duration_minutes, Some(600));
    assert_eq!(b.relief_ongoing, Some(true));
}

#[test]
fn a_following_rfa_ends_the_post_readings_and_the_extension() {
    use crate::diary::ProcedureKind::RadiofrequencyAblation;
    let scores = [(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0), (600, 2.0)];
    let d = diary(
        vec![lido("b1", 0), of_kind("r1", 75, RadiofrequencyAblation)],
        &scores,
    );
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.post_readings, 2);
    assert_eq!(b.relief_duration_minutes, Some(60));
    assert_eq!(b.relief_ongoing, Some(true));
}
