//! SPEC §3 rule-by-rule tests. Every expected value is derived by hand from the SPEC text.
//! Times are minutes after `t0()` (2026-11-20 09:30 -07:00) unless written out.

use super::tests::*;
use super::*;
use crate::diary::{Entry, Extra, Procedure, Retraction, Sedation};
use chrono::Duration;
use proptest::prelude::*;

const DAY: i64 = 24 * 60;

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// A time `secs` seconds after `t0()`.
fn at_secs(secs: i64) -> Timestamp {
    Timestamp::new(t0() + Duration::seconds(secs))
}

fn lido(id: &str, minutes: i64) -> Procedure {
    block(id, minutes, Anesthetic::Lidocaine)
}

fn bupi(id: &str, minutes: i64) -> Procedure {
    block(id, minutes, Anesthetic::Bupivacaine)
}

/// One lidocaine block at 0 with the given readings.
fn one(scores: &[(i64, f64)]) -> Diary {
    diary(vec![lido("b1", 0)], scores)
}

fn with_window(name: &str, minutes: i64) -> Protocol {
    Protocol::named(name).unwrap().with_window(minutes).unwrap()
}

fn eval_p(d: &Diary, p: &Protocol) -> Evaluation {
    evaluate(d, p).unwrap()
}

/// The (first) entry at `minutes` after `t0()`.
fn at_min(d: &mut Diary, minutes: i64) -> &mut Entry {
    let t = at(minutes).instant();
    d.entries
        .iter_mut()
        .find(|e| e.at.instant() == t)
        .expect("no entry at that minute")
}

fn retraction() -> Option<Box<Retraction>> {
    Some(Box::new(Retraction {
        at: at(5000),
        reason: Some("wrong time".into()),
        extra: Extra::default(),
    }))
}

fn close(actual: Option<f64>, expected: f64) {
    let a = actual.expect("a value");
    assert!((a - expected).abs() < 1e-9, "{a} != {expected}");
}

/// Relief-derived values of a block: (peak, peak_at, sustained, duration, ongoing).
type Derived = (
    Option<f64>,
    Option<Timestamp>,
    Option<usize>,
    Option<i64>,
    Option<bool>,
);

fn derived(b: &BlockEvaluation) -> Derived {
    (
        b.peak_relief_pct,
        b.peak_at.clone(),
        b.sustained_readings,
        b.relief_duration_minutes,
        b.relief_ongoing,
    )
}

const NULLS: Derived = (None, None, None, None, None);

fn step(e: &Evaluation) -> (NextStep, NextStepReason) {
    (e.decision.step, e.decision.reason)
}

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
    at_min(&mut d, 30).relief = Some(100.0); // no computable relief: no ppr-discordant
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

// ---------------------------------------------------------------- classification

#[test]
fn validity_lists_every_reason_in_order() {
    let e = eval(&one(&[(30, 2.0)]), "asra");
    assert_eq!(
        e.blocks[0].reasons,
        vec![Reason::NoBaseline, Reason::TooFewReadings]
    );
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NoBaseline)
        )
    );
    let e = eval(&one(&[(-30, 3.0), (30, 1.0)]), "asra");
    assert_eq!(
        e.blocks[0].reasons,
        vec![Reason::LowBaseline, Reason::TooFewReadings]
    );
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::LowBaseline)
        )
    );
}

#[test]
fn validity_is_decided_before_sustained_relief() {
    let mut d = one(&[(-30, 3.0), (30, 0.0), (60, 0.0), (90, 0.0)]);
    d.procedures[0].sedation = Sedation::Deep;
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.sustained_readings, Some(3));
    assert_eq!(b.classification, Classification::Inconclusive);
    assert_eq!(b.reasons, vec![Reason::LowBaseline]);
}

#[test]
fn moderate_or_deep_sedation_is_inconclusive_minimal_is_a_flag() {
    let base = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    for sedation in [Sedation::Moderate, Sedation::Deep] {
        let mut d = base.clone();
        d.procedures[0].sedation = sedation;
        let e = eval(&d, "asra");
        assert_eq!(e.blocks[0].classification, Classification::Inconclusive);
        assert_eq!(e.blocks[0].reasons, vec![Reason::Sedation]);
        assert_eq!(e.blocks[0].flags, vec![Flag::NoProvocation]);
        assert_eq!(
            step(&e),
            (
                NextStep::RepeatBlock,
                NextStepReason::Invalid(Reason::Sedation)
            )
        );
    }
    let mut d = base.clone();
    d.procedures[0].sedation = Sedation::Minimal;
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].classification, Classification::Positive);
    assert_eq!(
        e.blocks[0].flags,
        vec![Flag::MinimalSedation, Flag::NoProvocation]
    );
    assert_eq!(step(&e), (NextStep::Rfa, NextStepReason::CriteriaMet));
}

#[test]
fn analgesic_counts_post_readings_up_to_the_runs_last_reading() {
    // Run [60, 90]; 30 is before it, 120 after it.
    let base = one(&[
        (-30, 8.0),
        (30, 8.0),
        (60, 2.0),
        (90, 2.0),
        (120, 8.0),
        (150, 8.0),
    ]);
    let with_med = |minutes: i64, med: &str| {
        let mut d = base.clone();
        at_min(&mut d, minutes).medication = Some(med.into());
        eval(&d, "asra").blocks[0].clone()
    };
    for m in [30, 60, 90] {
        let b = with_med(m, "ibuprofen");
        assert_eq!(b.classification, Classification::Inconclusive, "{m}");
        assert_eq!(b.reasons, vec![Reason::Analgesic], "{m}");
    }
    for (m, med) in [(120, "ibuprofen"), (150, "oxycodone")] {
        let b = with_med(m, med);
        assert_eq!(b.classification, Classification::Positive, "{m}");
    }
    // v2: the look-back starts 6 h before the block, so a dose 30 min before it counts.
    assert_eq!(with_med(-30, "oxycodone").reasons, vec![Reason::Analgesic]);
    for blank in ["", "  \t", "\u{3000}\n"] {
        let b = with_med(60, blank);
        assert_eq!(b.classification, Classification::Positive, "{blank:?}");
    }
    // Medication on an extension reading (after the window) is not a post reading.
    let mut d = one(&[(-30, 8.0), (60, 2.0), (240, 2.0), (480, 2.0), (600, 2.0)]);
    at_min(&mut d, 600).medication = Some("ibuprofen".into());
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.relief_duration_minutes, Some(600));
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn analgesic_at_the_same_instant_as_the_runs_last_reading_counts() {
    // "At or before" compares instants: the second reading at 60 (after the run's last
    // reading in file order, 0 % relief) is at the run's last reading.
    let mut d = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (60, 8.0), (90, 8.0)]);
    d.entries[3].medication = Some("ibuprofen".into());
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.sustained_readings, Some(2));
    assert_eq!(b.relief_duration_minutes, Some(60));
    assert_eq!(b.reasons, vec![Reason::Analgesic]);
}

#[test]
fn no_provocation_reason_only_when_the_protocol_requires_it() {
    // 90 % relief at 30 and 60, then 10 %.
    let base = one(&[(-30, 10.0), (30, 1.0), (60, 1.0), (90, 9.0), (120, 9.0)]);
    let e = eval(&base, "asra");
    assert_eq!(e.blocks[0].classification, Classification::Positive);
    assert_eq!(e.blocks[0].flags, vec![Flag::NoProvocation]);

    let e = eval(&base, "asipp");
    assert_eq!(e.blocks[0].reasons, vec![Reason::NoProvocation]);
    assert_eq!(e.blocks[0].flags, vec![Flag::NoProvocation]);
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::NoProvocation)
        )
    );

    let with_activity = |minutes: i64, activity: &str| {
        let mut d = base.clone();
        at_min(&mut d, minutes).activity = Some(activity.into());
        eval(&d, "asipp")
    };
    // Activity during the run: positive; first of two required blocks.
    let e = with_activity(60, "walking");
    assert_eq!(e.blocks[0].classification, Classification::Positive);
    assert!(e.blocks[0].flags.is_empty());
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
    // Activity only after the run: reason, but no flag (a post reading has an activity).
    let e = with_activity(90, "walking");
    assert_eq!(e.blocks[0].reasons, vec![Reason::NoProvocation]);
    assert!(e.blocks[0].flags.is_empty());
    // Blank activity is no activity.
    let e = with_activity(60, " \t ");
    assert_eq!(e.blocks[0].reasons, vec![Reason::NoProvocation]);
    assert_eq!(e.blocks[0].flags, vec![Flag::NoProvocation]);
}

#[test]
fn sustained_relief_lists_every_reason_in_order() {
    let mut d = one(&[(-30, 10.0), (30, 1.0), (60, 1.0), (90, 9.0)]);
    d.procedures[0].sedation = Sedation::Deep;
    at_min(&mut d, 60).medication = Some("tramadol".into());
    let e = eval(&d, "asipp");
    assert_eq!(
        e.blocks[0].reasons,
        vec![Reason::Sedation, Reason::Analgesic, Reason::NoProvocation]
    );
    assert_eq!(
        step(&e),
        (
            NextStep::RepeatBlock,
            NextStepReason::Invalid(Reason::Sedation)
        )
    );
}

#[test]
fn not_sustained_partial_and_negative() {
    // One reading at 75 % (>= T) between readings below P.
    let e = eval(&one(&[(-30, 8.0), (30, 8.0), (60, 2.0), (90, 8.0)]), "asra");
    assert_eq!(e.blocks[0].sustained_readings, Some(1));
    assert_eq!(e.blocks[0].reasons, vec![Reason::NotSustained]);
    // Peak 40 %: >= P = 30, < T = 50.
    let e = eval(&one(&[(-30, 8.0), (30, 4.8), (60, 5.0), (90, 6.0)]), "asra");
    assert_eq!(e.blocks[0].peak_relief_pct, Some(40.0));
    assert_eq!(e.blocks[0].classification, Classification::Inconclusive);
    assert_eq!(e.blocks[0].reasons, vec![Reason::PartialRelief]);
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::PartialRelief)
    );
    // v2: the same 40 % is partial under cms too (P = 30 for every protocol) ...
    let e = eval(&one(&[(-30, 8.0), (30, 4.8), (60, 5.0), (90, 6.0)]), "cms");
    assert_eq!(e.blocks[0].reasons, vec![Reason::PartialRelief]);
    // ... and 25 % is negative.
    let e = eval(&one(&[(-30, 8.0), (30, 6.0), (60, 6.0), (90, 6.0)]), "cms");
    assert_eq!(e.blocks[0].classification, Classification::Negative);
    assert!(e.blocks[0].reasons.is_empty());
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::Negative)
    );
}

// ---------------------------------------------------------------- flags

#[test]
fn prolonged_relief_is_strictly_more_than_1440_minutes() {
    let d = |last: i64| one(&[(-30, 8.0), (60, 2.0), (240, 2.0), (480, 2.0), (last, 2.0)]);
    let b = &eval(&d(1441), "asra").blocks[0];
    assert_eq!(b.relief_duration_minutes, Some(1441));
    assert_eq!(b.flags, vec![Flag::ProlongedRelief, Flag::NoProvocation]);
    let b = &eval(&d(1440), "asra").blocks[0];
    assert_eq!(b.relief_duration_minutes, Some(1440));
    assert_eq!(b.flags, vec![Flag::NoProvocation]);
    // 1440 min 59 s is 1440 whole minutes.
    let mut d = d(1440);
    d.entries[4].at = at_secs(1440 * 60 + 59);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.relief_duration_minutes, Some(1440));
    assert_eq!(b.flags, vec![Flag::NoProvocation]);
}

#[test]
fn steroid_flag_never_changes_classification() {
    let mut d = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    d.procedures[0].steroid = true;
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[0].classification, Classification::Positive);
    assert_eq!(e.blocks[0].flags, vec![Flag::Steroid, Flag::NoProvocation]);
}

#[test]
fn no_provocation_flag_needs_a_post_reading_without_any_activity() {
    let base = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    assert_eq!(
        eval(&base, "asra").blocks[0].flags,
        vec![Flag::NoProvocation]
    );
    // An activity on the baseline reading only makes the comparison `provoked`: the post
    // readings are then those with an activity, here none, so there is nothing to flag.
    let mut d = base.clone();
    at_min(&mut d, -30).activity = Some("standing".into());
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!((b.comparison, b.post_readings), (Comparison::Provoked, 0));
    assert!(b.flags.is_empty());
    // A rest-word is not an activity.
    let mut d = base.clone();
    at_min(&mut d, 90).activity = Some("lying down".into());
    assert_eq!(eval(&d, "asra").blocks[0].flags, vec![Flag::NoProvocation]);
    let mut d = base.clone();
    at_min(&mut d, 90).activity = Some("standing".into());
    assert!(eval(&d, "asra").blocks[0].flags.is_empty());
    // No post reading at all: no flag.
    assert!(eval(&one(&[(-30, 8.0)]), "asra").blocks[0].flags.is_empty());
}

#[test]
fn ppr_discordant_gap_of_30_points_with_tolerance() {
    let base = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (90, 10.0), (600, 2.0)]);
    let flags = |minutes: i64, reported: f64| {
        let mut d = base.clone();
        at_min(&mut d, minutes).relief = Some(reported);
        eval(&d, "asra").blocks[0].flags.clone()
    };
    let ppr = vec![Flag::NoProvocation, Flag::PprDiscordant];
    let no_ppr = vec![Flag::NoProvocation];
    assert_eq!(flags(30, 45.0), ppr); // 75 - 45 = 30
    assert_eq!(flags(30, 45.0000000001), ppr); // 29.9999999999
    assert_eq!(flags(30, 46.0), no_ppr);
    assert_eq!(flags(30, 100.0), no_ppr); // 25
    assert_eq!(flags(90, 5.0), ppr); // -25 vs 5
    assert_eq!(flags(-30, 100.0), no_ppr); // baseline reading
    assert_eq!(flags(600, 0.0), no_ppr); // after the window
    // No baseline: relief not computable.
    let mut d = one(&[(30, 2.0), (60, 2.0), (90, 2.0)]);
    at_min(&mut d, 30).relief = Some(100.0);
    assert_eq!(eval(&d, "asra").blocks[0].flags, no_ppr);
}

/// Two textbook positive blocks (90 % relief, ended) `gap` minutes apart.
fn two_positive(second: Procedure, gap: i64) -> Diary {
    let mut scores = vec![(-30, 10.0), (30, 1.0), (60, 1.0), (120, 9.0)];
    scores.extend([(-30, 10.0), (30, 1.0), (60, 1.0), (120, 9.0)].map(|(m, s)| (m + gap, s)));
    let mut d = diary(vec![lido("b1", 0), second], &scores);
    for e in &mut d.entries {
        e.activity = Some("walking".into());
    }
    d
}

#[test]
fn short_interval_is_less_than_14_days_under_cms() {
    let gap = 14 * DAY;
    let e = eval(&two_positive(lido("b2", gap), gap), "cms");
    assert!(e.blocks.iter().all(|b| b.flags.is_empty()));
    assert_eq!(step(&e), (NextStep::Rfa, NextStepReason::CriteriaMet));

    let gap = 14 * DAY - 1; // 13 d 23 h 59 min
    let e = eval(&two_positive(lido("b2", gap), gap), "cms");
    assert!(e.blocks[0].flags.is_empty());
    assert_eq!(e.blocks[1].flags, vec![Flag::ShortInterval]);
    assert_eq!(e.classification, Some(Classification::Positive));
    assert_eq!(
        step(&e),
        (NextStep::RepeatBlock, NextStepReason::ShortInterval)
    );
    // No minimum interval under dual.
    let e = eval(&two_positive(lido("b2", 2 * DAY), 2 * DAY), "dual");
    assert!(e.blocks[1].flags.is_empty());
    assert_eq!(step(&e), (NextStep::Rfa, NextStepReason::CriteriaMet));
}

#[test]
fn every_flag_in_spec_order() {
    // b2 (bupivacaine, 13 days after b1): relief 1441 min, steroid, minimal sedation, no
    // activity, reported 50 % against 90 %, < 14 days, and not longer than lidocaine's 1500.
    // SPEC ambiguity: discordant-duration is set under any protocol ("reported for every
    // block"), not only under those requiring concordance.
    let b2_at = 13 * DAY;
    let mut second = bupi("b2", b2_at);
    second.steroid = true;
    second.sedation = Sedation::Minimal;
    let mut scores = vec![
        (-30, 10.0),
        (60, 1.0),
        (240, 1.0),
        (480, 1.0),
        (1500, 1.0),
        (1600, 9.0),
    ];
    scores.extend(
        [
            (-30, 10.0),
            (60, 1.0),
            (240, 1.0),
            (480, 1.0),
            (1441, 1.0),
            (1580, 9.0),
        ]
        .map(|(m, s)| (m + b2_at, s)),
    );
    let mut d = diary(vec![lido("b1", 0), second], &scores);
    at_min(&mut d, b2_at + 60).relief = Some(50.0);
    let e = eval(&d, "cms");
    let b1 = &e.blocks[0];
    assert_eq!(b1.relief_duration_minutes, Some(1500));
    assert_eq!(b1.relief_ongoing, Some(false));
    assert_eq!(b1.flags, vec![Flag::ProlongedRelief, Flag::NoProvocation]);
    let b2 = &e.blocks[1];
    assert_eq!(b2.baseline, Some(10.0));
    assert_eq!(b2.relief_duration_minutes, Some(1441));
    assert_eq!(b2.classification, Classification::Positive);
    assert_eq!(
        b2.flags,
        vec![
            Flag::ProlongedRelief,
            Flag::Steroid,
            Flag::MinimalSedation,
            Flag::NoProvocation,
            Flag::PprDiscordant,
            Flag::ShortInterval,
            Flag::DiscordantDuration,
        ]
    );
    assert_eq!(
        step(&e),
        (NextStep::RepeatBlock, NextStepReason::ShortInterval)
    );
}

// ---------------------------------------------------------------- concordance (sis)

/// Complete relief (score 0 against 8) from `start` + 30 to `start` + `run_end`; pain back
/// (8) at `start` + `back` unless `back` is None.
fn complete_relief(start: i64, run_end: i64, back: Option<i64>) -> Vec<(i64, f64)> {
    let mut v = vec![(start - 30, 8.0)];
    v.extend(
        [30, 60, 120, 240, 360]
            .into_iter()
            .filter(|&m| m <= run_end)
            .map(|m| (start + m, 0.0)),
    );
    v.extend(back.map(|m| (start + m, 8.0)));
    v
}

fn pair(first: Procedure, second: Procedure, scores: Vec<(i64, f64)>) -> Evaluation {
    eval(&diary(vec![first, second], &scores), "sis")
}

#[test]
fn concordant_pair_goes_to_rfa() {
    let gap = 2 * DAY;
    let mut scores = complete_relief(0, 120, Some(240));
    scores.extend(complete_relief(gap, 240, Some(360)));
    for long in [Anesthetic::Bupivacaine, Anesthetic::Ropivacaine] {
        let e = pair(lido("b1", 0), block("b2", gap, long), scores.clone());
        assert_eq!(e.blocks[0].relief_duration_minutes, Some(120), "{long:?}");
        assert_eq!(e.blocks[0].relief_ongoing, Some(false));
        assert_eq!(e.blocks[1].relief_duration_minutes, Some(240));
        assert!(
            e.blocks
                .iter()
                .all(|b| b.classification == Classification::Positive)
        );
        assert_eq!(e.blocks[1].flags, vec![Flag::NoProvocation]);
        assert_eq!(
            step(&e),
            (NextStep::Rfa, NextStepReason::CriteriaMet),
            "{long:?}"
        );
    }
    // "other" is not a longer-acting agent: no pair.
    let e = pair(
        lido("b1", 0),
        block("b2", gap, Anesthetic::Other),
        scores.clone(),
    );
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
    // Either order: bupivacaine 240 first, lidocaine 120 second.
    let mut scores = complete_relief(0, 240, Some(360));
    scores.extend(complete_relief(gap, 120, Some(240)));
    let e = pair(bupi("b1", 0), lido("b2", gap), scores);
    assert_eq!(step(&e), (NextStep::Rfa, NextStepReason::CriteriaMet));
}

#[test]
fn discordant_pair_goes_to_further_workup_flagged_on_the_later_block() {
    let gap = 2 * DAY;
    // Equal durations (120 and 120) are not strictly longer.
    let mut scores = complete_relief(0, 120, Some(240));
    scores.extend(complete_relief(gap, 120, Some(240)));
    let e = pair(lido("b1", 0), bupi("b2", gap), scores);
    assert_eq!(e.blocks[0].flags, vec![Flag::NoProvocation]);
    assert_eq!(
        e.blocks[1].flags,
        vec![Flag::NoProvocation, Flag::DiscordantDuration]
    );
    assert_eq!(e.classification, Some(Classification::Positive));
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::DiscordantDuration)
    );
    // Either order: bupivacaine 120 first, lidocaine 240 later (the flag goes on lidocaine).
    let mut scores = complete_relief(0, 120, Some(240));
    scores.extend(complete_relief(gap, 240, Some(360)));
    let e = pair(bupi("b1", 0), lido("b2", gap), scores);
    assert_eq!(e.blocks[0].flags, vec![Flag::NoProvocation]);
    assert_eq!(
        e.blocks[1].flags,
        vec![Flag::NoProvocation, Flag::DiscordantDuration]
    );
    assert_eq!(
        step(&e),
        (NextStep::FurtherWorkup, NextStepReason::DiscordantDuration)
    );
}

#[test]
fn undetermined_pair_repeats_to_confirm() {
    // Bupivacaine 240 (ended), then lidocaine 120 whose relief reaches the end of the diary.
    let gap = 2 * DAY;
    let mut scores = complete_relief(0, 240, Some(360));
    scores.extend(complete_relief(gap, 120, None));
    let e = pair(bupi("b1", 0), lido("b2", gap), scores);
    assert_eq!(e.blocks[1].relief_duration_minutes, Some(120));
    assert_eq!(e.blocks[1].relief_ongoing, Some(true));
    assert!(
        e.blocks
            .iter()
            .all(|b| b.classification == Classification::Positive)
    );
    assert!(!e.blocks[1].flags.contains(&Flag::DiscordantDuration));
    assert_eq!(step(&e), (NextStep::RepeatBlock, NextStepReason::Confirm));
}

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
        e.retracted = retraction();
        e.medication = Some("ibuprofen".into());
        e.relief = Some(0.0);
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

/// Everything the contract reports, without indices into the file.
#[allow(clippy::type_complexity)]
fn summary(
    e: &Evaluation,
) -> (
    Vec<(
        String,
        Option<f64>,
        usize,
        usize,
        Derived,
        Classification,
        Vec<Reason>,
        Vec<Flag>,
    )>,
    Classification,
    NextStep,
    NextStepReason,
    String,
) {
    let blocks = e
        .blocks
        .iter()
        .map(|b| {
            (
                b.id.clone(),
                b.baseline,
                b.baseline_readings,
                b.post_readings,
                derived(b),
                b.classification,
                b.reasons.clone(),
                b.flags.clone(),
            )
        })
        .collect();
    (
        blocks,
        e.classification.unwrap(),
        e.decision.step,
        e.decision.reason,
        crate::render::rationale::rationale(e),
    )
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
    at_min(&mut d, 60).medication = Some("ibuprofen".into());
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

// ---------------------------------------------------------------- property

#[derive(Debug, Clone)]
struct GenEntry {
    score: f64,
    activity: Option<&'static str>,
    medication: Option<&'static str>,
    relief: Option<f64>,
    retracted: bool,
}

fn gen_entry() -> impl Strategy<Value = GenEntry> {
    let score = prop_oneof![
        (0u8..=10).prop_map(f64::from),
        (0u32..=100).prop_map(|x| f64::from(x) / 10.0),
        0.0f64..=10.0,
    ];
    let text = || {
        prop::option::of(prop::sample::select(vec![
            "",
            " \t",
            "walking",
            "ibuprofen",
        ]))
    };
    (
        score,
        text(),
        text(),
        prop::option::of(0.0f64..=100.0),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(score, activity, medication, relief, retracted)| GenEntry {
                score,
                activity,
                medication,
                relief,
                retracted,
            },
        )
}

fn gen_block() -> impl Strategy<Value = (Anesthetic, Sedation, bool)> {
    (
        prop::sample::select(Anesthetic::ALL.to_vec()),
        prop::sample::select(Sedation::ALL.to_vec()),
        any::<bool>(),
    )
}

/// Random small diaries: distinct instants (equal instants legitimately keep file order).
fn gen_diary() -> impl Strategy<Value = Diary> {
    (
        prop::collection::btree_map(-DAY..2 * DAY, gen_block(), 0..=3),
        prop::collection::btree_map(-DAY..2 * DAY, gen_entry(), 0..=40),
    )
        .prop_map(|(blocks, entries)| {
            let mut d = Diary::new(None);
            for (i, (m, (anesthetic, sedation, steroid))) in blocks.into_iter().enumerate() {
                let mut p = block(&format!("b{}", i + 1), m, anesthetic);
                p.sedation = sedation;
                p.steroid = steroid;
                d.procedures.push(p);
            }
            for (i, (m, g)) in entries.into_iter().enumerate() {
                let mut e = entry(&format!("e{}", i + 1), m, g.score);
                e.activity = g.activity.map(str::to_string);
                e.medication = g.medication.map(str::to_string);
                e.relief = g.relief;
                if g.retracted {
                    e.retracted = retraction();
                }
                d.entries.push(e);
            }
            d
        })
}

fn gen_protocol() -> impl Strategy<Value = Protocol> {
    (
        prop::sample::select(PROTOCOLS.to_vec()),
        prop::option::of(1i64..=2 * DAY),
        prop::option::of(1u32..=100),
    )
        .prop_map(|(p, window, threshold)| {
            let p = match window {
                Some(w) => p.with_window(w).unwrap(),
                None => p,
            };
            match threshold {
                Some(t) => p.with_threshold(f64::from(t)).unwrap(),
                None => p,
            }
        })
}

/// Shuffle `v` with a small deterministic generator (splitmix64).
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        v.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn evaluation_is_total_finite_and_independent_of_file_order(
        d in gen_diary(),
        p in gen_protocol(),
        seed in any::<u64>(),
    ) {
        let result = evaluate(&d, &p);
        if d.procedures.is_empty() {
            prop_assert_eq!(result, Err(EvaluationError::NoBlock));
            return Ok(());
        }
        let e = result.unwrap();
        prop_assert_eq!(e.blocks.len(), d.procedures.len());
        prop_assert_eq!(e.classification, e.latest().map(|b| b.classification));
        for b in &e.blocks {
            prop_assert!(b.baseline.is_none_or(f64::is_finite));
            prop_assert!(b.peak_relief_pct.is_none_or(|x| x.is_finite() && x <= 100.0));
            for r in &b.readings {
                prop_assert!(r.score.is_finite());
                prop_assert!(r.relief_pct.is_none_or(f64::is_finite));
            }
            prop_assert!(b.sustained_readings.unwrap_or(0) <= b.post_readings);
            prop_assert!(b.relief_duration_minutes.is_none_or(|m| m >= 0));
        }
        let mut shuffled = d.clone();
        shuffle(&mut shuffled.entries, seed);
        shuffle(&mut shuffled.procedures, seed.rotate_left(17));
        let again = evaluate(&shuffled, &p).unwrap();
        prop_assert_eq!(summary(&again), summary(&e));

        // `evaluate --format json` always parses, with the spec's keys and no NaN/inf text.
        let line = crate::render::evaluation_json::evaluation_line(&e, "d.json");
        prop_assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(v["blocks"].as_array().map(Vec::len), Some(d.procedures.len()));
        for key in ["classification", "next_step", "next_step_reason", "rationale", "formula"] {
            prop_assert!(v[key].is_string(), "{} missing", key);
        }
        let table = crate::render::evaluation_table::evaluation_table(&e, "d.json", false);
        prop_assert!(
            !table
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "NaN" || w == "inf")
        );
    }
}

#[test]
fn rationale_says_what_not_sustained_and_no_baseline_mean() {
    // Relief >= T at two readings, never consecutive: not "only once".
    let e = eval(
        &one(&[(-30, 8.0), (30, 2.0), (60, 8.0), (90, 2.0), (120, 8.0)]),
        "asra",
    );
    assert_eq!(e.blocks[0].reasons, vec![Reason::NotSustained]);
    assert!(
        !crate::render::rationale::rationale(&e).contains("only once"),
        "{}",
        crate::render::rationale::rationale(&e)
    );
    assert!(
        crate::render::rationale::rationale(&e).contains("consecutive"),
        "{}",
        crate::render::rationale::rationale(&e)
    );
    // b2 has scores in its 24 h, but all within b1's window: "no score in the 24 h" is false.
    let mut scores = positive_scores(0);
    scores.extend([(200, 8.0), (250, 2.0), (260, 2.0), (270, 2.0)]);
    let d = diary(vec![lido("b1", 0), lido("b2", 240)], &scores);
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[1].reasons, vec![Reason::NoBaseline]);
    assert!(
        !crate::render::rationale::rationale(&e).contains("no pain score in the 24 h"),
        "{}",
        crate::render::rationale::rationale(&e)
    );
}
