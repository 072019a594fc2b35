//! Classification (SPEC §3.2), flags (§3.3) and concordance.

use super::*;

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
        at_min(&mut d, minutes).details.medication = Some(med.into());
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
    at_min(&mut d, 600).details.medication = Some("ibuprofen".into());
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.relief_duration_minutes, Some(600));
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn analgesic_at_the_same_instant_as_the_runs_last_reading_counts() {
    // "At or before" compares instants: the second reading at 60 (after the run's last
    // reading in file order, 0 % relief) is at the run's last reading.
    let mut d = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (60, 8.0), (90, 8.0)]);
    d.entries[3].details.medication = Some("ibuprofen".into());
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
    at_min(&mut d, 60).details.medication = Some("tramadol".into());
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
        at_min(&mut d, minutes).details.relief = Some(reported);
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
    at_min(&mut d, 30).details.relief = Some(100.0);
    assert_eq!(eval(&d, "asra").blocks[0].flags, no_ppr);
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
    at_min(&mut d, b2_at + 60).details.relief = Some(50.0);
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

// ---------------------------------------------------------------- window open (v2)

#[test]
fn window_open_only_for_the_latest_block_with_nothing_after_it_before_the_window_closes() {
    // The case: three scores of 7 by 09:45 evaluated at 09:50 (baseline 7).
    let d = one(&[(-30, 7.0), (5, 7.0), (10, 7.0), (15, 7.0)]);
    let e = eval_at(&d, "asra", 20);
    let b = &e.blocks[0];
    assert_eq!(b.classification, Classification::Inconclusive);
    assert_eq!(b.reasons, vec![Reason::WindowOpen]);
    // The values so far are still reported.
    assert_eq!((b.post_readings, b.peak_relief_pct), (3, Some(0.0)));
    assert_eq!(b.window_closes_at, Some(at(480)));
    // At the window's end it is closed: negative.
    let e = eval_at(&d, "asra", 480);
    assert_eq!(e.blocks[0].classification, Classification::Negative);
    let e = eval_at(&d, "asra", 479);
    assert_eq!(e.blocks[0].reasons, vec![Reason::WindowOpen]);
    // A procedure after it (here a second block) closes the first block's question.
    let d2 = diary(
        vec![lido("b1", 0), lido("b2", 60)],
        &[(-30, 7.0), (5, 7.0), (10, 7.0), (15, 7.0)],
    );
    let e = eval_at(&d2, "asra", 70);
    assert_eq!(e.blocks[0].classification, Classification::Negative);
    assert_eq!(e.blocks[1].reasons, vec![Reason::WindowOpen]);
    // No as_of (list, log, chart): never open.
    assert_eq!(
        eval(&d, "asra").blocks[0].classification,
        Classification::Negative
    );
}

#[test]
fn window_closes_at_keeps_the_blocks_offset_and_follows_the_window() {
    let mut d = one(&[(-30, 8.0)]);
    d.procedures[0].at = ts("2026-11-20T16:30:00Z");
    let b = &eval_p(&d, &with_window("asra", 90)).blocks[0];
    assert_eq!(
        b.window_closes_at.as_ref().map(|t| t.text()),
        Some("2026-11-20T18:00:00+00:00".to_string())
    );
}

// ---------------------------------------------------------------- analgesic (v2)

/// A positive block (run 30..90) with `med` on a new entry at `minutes`.
fn with_medication_at(minutes: i64, med: &str) -> BlockEvaluation {
    let mut d = one(&[
        (-30, 8.0),
        (30, 2.0),
        (60, 2.0),
        (90, 2.0),
        (150, 8.0),
        (200, 8.0),
    ]);
    let mut e = entry("m", minutes, 8.0);
    e.details.medication = Some(med.into());
    d.entries.push(e);
    eval(&d, "asra").blocks[0].clone()
}

#[test]
fn analgesic_looks_back_6_hours_over_any_entry_both_ends_included() {
    for m in [-360, -100, 90] {
        assert_eq!(
            with_medication_at(m, "oxycodone").reasons,
            vec![Reason::Analgesic],
            "{m}"
        );
    }
    // Before the look-back, or after the run's last reading: not counted.
    for m in [-361, 91, 100] {
        let b = with_medication_at(m, "oxycodone");
        assert_eq!(b.classification, Classification::Positive, "{m}");
    }
    // 6 h minus one second counts; 6 h plus one second does not.
    let mut d = one(&[(-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    let mut e = entry("m", 0, 8.0);
    e.at = at_secs(-360 * 60 - 1);
    e.details.medication = Some("oxycodone".into());
    d.entries.push(e);
    assert_eq!(
        eval(&d, "asra").blocks[0].classification,
        Classification::Positive
    );
}

#[test]
fn the_analgesic_look_back_is_whatever_the_comparison() {
    // Provoked comparison; the medication is on a resting entry that is not a reading.
    let mut d = one(&[(-30, 8.0), (30, 2.0), (45, 8.0), (60, 2.0), (90, 2.0)]);
    for m in [-30, 30, 60, 90] {
        act(&mut d, m, "standing");
    }
    at_min(&mut d, 45).details.medication = Some("ibuprofen".into());
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.comparison, Comparison::Provoked);
    assert_eq!(b.reasons, vec![Reason::Analgesic]);
}

#[test]
fn none_words_are_no_medication() {
    for text in [
        "none", "No", "NIL", "nothing", "n/a", "NA", "-", "0", " none ",
    ] {
        let b = with_medication_at(60, text);
        assert_eq!(b.classification, Classification::Positive, "{text:?}");
        assert!(b.flags.iter().all(|f| *f != Flag::RegularAnalgesic));
    }
}

#[test]
fn a_regular_medicine_is_exempt_and_flagged() {
    // Gabapentin recorded exactly 24 h before the block: regular.
    let mut d = one(&[(-DAY, 8.0), (-30, 8.0), (30, 2.0), (60, 2.0), (90, 2.0)]);
    at_min(&mut d, -DAY).details.medication = Some("gabapentin".into());
    at_min(&mut d, 60).details.medication = Some(" Gabapentin ".into());
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.classification, Classification::Positive);
    assert_eq!(b.flags, vec![Flag::NoProvocation, Flag::RegularAnalgesic]);
    // Recorded 23 h 59 min before: not regular, an analgesic.
    let mut d2 = d.clone();
    d2.entries[0].at = at(-DAY + 1);
    let b = &eval(&d2, "asra").blocks[0];
    assert_eq!(b.reasons, vec![Reason::Analgesic]);
    assert!(!b.flags.contains(&Flag::RegularAnalgesic));
    // A retracted earlier record does not make it regular.
    let mut d3 = d.clone();
    d3.entries[0].details.retracted = retraction();
    assert_eq!(eval(&d3, "asra").blocks[0].reasons, vec![Reason::Analgesic]);
    // Regular plus another medicine: inconclusive and flagged.
    let mut d4 = d.clone();
    at_min(&mut d4, 30).details.medication = Some("oxycodone".into());
    let b = &eval(&d4, "asra").blocks[0];
    assert_eq!(b.reasons, vec![Reason::Analgesic]);
    assert!(b.flags.contains(&Flag::RegularAnalgesic));
    // The flag needs a run: with no run there is no interval.
    let mut d5 = one(&[(-DAY, 8.0), (-30, 8.0), (30, 8.0), (60, 8.0), (90, 8.0)]);
    at_min(&mut d5, -DAY).details.medication = Some("gabapentin".into());
    at_min(&mut d5, 60).details.medication = Some("gabapentin".into());
    assert!(
        !eval(&d5, "asra").blocks[0]
            .flags
            .contains(&Flag::RegularAnalgesic)
    );
}

// ---------------------------------------------------------------- onset (v2)

#[test]
fn late_onset_when_the_first_hour_was_observed_without_relief() {
    // Baseline 8; 30 min: 8 (0 %), relief first at 90 and 120.
    let d = one(&[(-30, 8.0), (30, 8.0), (90, 2.0), (120, 2.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.onset_minutes, Some(90));
    assert_eq!(b.reasons, vec![Reason::LateOnset]);
    assert!(!b.flags.contains(&Flag::OnsetUnobserved));
    // A first-hour reading with relief >= P (30 %, below T) means relief was seen: positive.
    let d = one(&[(-30, 8.0), (30, 5.6), (90, 2.0), (120, 2.0)]);
    assert_eq!(
        eval(&d, "asra").blocks[0].classification,
        Classification::Positive
    );
    // 29 % in the first hour is below P: late onset.
    let d = one(&[(-30, 10.0), (30, 7.1), (90, 2.0), (120, 2.0)]);
    assert_eq!(eval(&d, "asra").blocks[0].reasons, vec![Reason::LateOnset]);
    // A reading exactly at 60 min is in the first hour; at 60 min 1 s it is not.
    let d = one(&[(-30, 8.0), (60, 8.0), (90, 2.0), (120, 2.0)]);
    assert_eq!(eval(&d, "asra").blocks[0].reasons, vec![Reason::LateOnset]);
    let mut d = one(&[(-30, 8.0), (60, 8.0), (90, 2.0), (120, 2.0)]);
    d.entries[1].at = at_secs(3601);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.classification, Classification::Positive);
    assert!(b.flags.contains(&Flag::OnsetUnobserved));
}

#[test]
fn onset_of_60_minutes_or_60_minutes_59_seconds_is_not_late() {
    let d = one(&[(-30, 8.0), (30, 8.0), (60, 2.0), (90, 2.0)]);
    assert_eq!(
        eval(&d, "asra").blocks[0].classification,
        Classification::Positive
    );
    let mut d = one(&[(-30, 8.0), (30, 8.0), (61, 2.0), (90, 2.0)]);
    d.entries[2].at = at_secs(60 * 60 + 59);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.onset_minutes, Some(60));
    assert_eq!(b.classification, Classification::Positive);
}

#[test]
fn onset_unobserved_needs_a_sustained_run_and_no_first_hour_reading() {
    let d = one(&[(-30, 8.0), (120, 2.0), (180, 2.0), (240, 2.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.classification, Classification::Positive);
    assert_eq!(b.flags, vec![Flag::NoProvocation, Flag::OnsetUnobserved]);
    // A single reading of relief (not sustained): no flag.
    let d = one(&[(-30, 8.0), (120, 2.0), (180, 8.0), (240, 8.0)]);
    assert!(
        !eval(&d, "asra").blocks[0]
            .flags
            .contains(&Flag::OnsetUnobserved)
    );
}

// ---------------------------------------------------------------- worse pain (v2)

#[test]
fn worse_pain_is_two_consecutive_post_readings_2_points_above_baseline() {
    let flags = |scores: &[(i64, f64)]| eval(&one(scores), "asra").blocks[0].flags.clone();
    assert!(flags(&[(-30, 6.0), (30, 8.0), (60, 8.0), (90, 6.0)]).contains(&Flag::WorsePain));
    assert!(!flags(&[(-30, 6.0), (30, 8.0), (60, 7.9), (90, 8.0)]).contains(&Flag::WorsePain));
    // Tolerance: baseline (6.1 + 6.2) / 2 = 6.15, score 8.15 is 2 above within 1e-9.
    assert!(flags(&[(-60, 6.1), (-30, 6.2), (30, 8.15), (60, 8.15)]).contains(&Flag::WorsePain));
    // No baseline: no flag.
    assert!(!flags(&[(30, 9.0), (60, 9.0), (90, 9.0)]).contains(&Flag::WorsePain));
    // Never changes the classification.
    let b = &eval(&one(&[(-30, 6.0), (30, 8.0), (60, 8.0), (90, 8.0)]), "asra").blocks[0];
    assert_eq!(b.classification, Classification::Negative);
}

// ---------------------------------------------------------------- targets (v2)

#[test]
fn short_interval_and_discordant_duration_only_within_a_target() {
    use crate::diary::Side;
    // Two positive blocks 10 days apart, on different sides.
    let mut d = two_positive(bupi("b2", 10 * DAY), 10 * DAY);
    d.procedures[0].side = Some(Side::Left);
    d.procedures[1].side = Some(Side::Right);
    let e = eval(&d, "cms");
    assert!(e.blocks[1].same_target_as.is_empty());
    assert!(!e.blocks[1].flags.contains(&Flag::ShortInterval));
    // Same side: flagged, and same_target_as names b1.
    d.procedures[1].side = Some(Side::Left);
    let e = eval(&d, "cms");
    assert_eq!(e.blocks[1].same_target_as, vec!["b1".to_string()]);
    assert!(e.blocks[1].flags.contains(&Flag::ShortInterval));
}

#[test]
fn onset_unobserved_needs_onset_over_60_whole_minutes() {
    // First reading at 60 min 30 s: outside the first hour, but onset is 60 whole minutes.
    let mut d = one(&[(-30, 8.0), (61, 2.0), (90, 2.0), (120, 2.0)]);
    d.entries[1].at = at_secs(60 * 60 + 30);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.onset_minutes, Some(60));
    assert_eq!(b.classification, Classification::Positive);
    assert_eq!(b.flags, vec![Flag::NoProvocation]);
    // At 61 min it is flagged.
    let d = one(&[(-30, 8.0), (61, 2.0), (90, 2.0), (120, 2.0)]);
    let b = &eval(&d, "asra").blocks[0];
    assert_eq!(b.flags, vec![Flag::NoProvocation, Flag::OnsetUnobserved]);
}
