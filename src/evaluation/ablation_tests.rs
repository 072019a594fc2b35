//! SPEC §3.6 rule by rule, on small in-memory diaries. Times are minutes after the RFA.

use super::*;
use crate::diary::ProcedureKind;
use chrono::{DateTime, Duration};

const DAY: i64 = 24 * 60;

fn at(minutes: i64) -> Timestamp {
    let t0 = DateTime::parse_from_rfc3339("2025-03-03T10:00:00-07:00").unwrap();
    Timestamp::new(t0 + Duration::minutes(minutes))
}

fn ns(minutes: i64) -> i128 {
    at(minutes).instant()
}

fn rfa_at(id: &str, minutes: i64, region: &str) -> Procedure {
    Procedure {
        region: Some(region.into()),
        levels: vec!["L4-L5".into(), "L5-S1".into()],
        side: Some(Side::Right),
        ..Procedure::new(id, ProcedureKind::RadiofrequencyAblation, at(minutes))
    }
}

fn rfa() -> Procedure {
    rfa_at("b2", 0, "lumbar")
}

fn entries(scores: &[(i64, f64)]) -> Vec<Entry> {
    scores
        .iter()
        .enumerate()
        .map(|(i, &(m, s))| Entry::new(format!("e{}", i + 1), at(m), s))
        .collect()
}

fn protocol(name: &str) -> Protocol {
    Protocol::named(name).unwrap()
}

/// Follow up `r` with these (minutes, score) entries, as of `as_of` minutes, no neighbours.
fn fu_with(
    r: &Procedure,
    scores: &[(i64, f64)],
    baseline_after: Option<i64>,
    next: Option<i64>,
    p: &str,
    as_of: i64,
) -> AblationEvaluation {
    let es = entries(scores);
    let list: Vec<(i128, &Entry)> = es.iter().map(|e| (e.at.instant(), e)).collect();
    follow_up(
        r,
        &list,
        baseline_after.map(ns),
        next.map(ns),
        &protocol(p),
        ns(as_of),
    )
}

fn fu(scores: &[(i64, f64)], as_of: i64) -> AblationEvaluation {
    fu_with(&rfa(), scores, None, None, "asra", as_of)
}

/// Baseline 8 a week before, then weekly follow-up scores from day 21 (one per week).
fn weekly(scores: &[f64]) -> Vec<(i64, f64)> {
    let mut v = vec![(-7 * DAY, 8.0)];
    v.extend(
        scores
            .iter()
            .enumerate()
            .map(|(i, &s)| ((21 + 7 * i as i64) * DAY, s)),
    );
    v
}

fn goods(a: &AblationEvaluation) -> Vec<bool> {
    a.readings.iter().map(|r| r.good).collect()
}

// ---- Baseline --------------------------------------------------------------------------

#[test]
fn baseline_is_the_mean_of_every_entry_in_the_30_days_before() {
    let a = fu(
        &[
            (-30 * DAY - 1, 0.0), // just outside the window
            (-30 * DAY, 6.0),     // the window's first instant counts
            (-DAY, 8.0),
            (-1, 7.0),
            (0, 0.0), // at R.at: not before it
        ],
        30 * DAY,
    );
    assert_eq!(a.baseline_readings, 3);
    assert_eq!(a.baseline, Some(7.0));
}

#[test]
fn baseline_counts_every_entry_whatever_the_activity() {
    let mut es = entries(&[(-2 * DAY, 8.0), (-DAY, 6.0)]);
    es[0].activity = Some("walking".into());
    let list: Vec<(i128, &Entry)> = es.iter().map(|e| (e.at.instant(), e)).collect();
    let a = follow_up(&rfa(), &list, None, None, &protocol("asra"), ns(DAY));
    assert_eq!((a.baseline, a.baseline_readings), (Some(7.0), 2));
}

#[test]
fn baseline_excludes_entries_up_to_baseline_after() {
    let scores = [(-10 * DAY, 2.0), (-5 * DAY, 8.0), (-5 * DAY + 1, 6.0)];
    let a = fu_with(&rfa(), &scores, Some(-5 * DAY), None, "asra", 30 * DAY);
    assert_eq!((a.baseline, a.baseline_readings), (Some(6.0), 1));
    let a = fu_with(&rfa(), &scores, Some(-5 * DAY - 1), None, "asra", 30 * DAY);
    assert_eq!((a.baseline, a.baseline_readings), (Some(7.0), 2));
}

#[test]
fn no_baseline_is_unknown_and_relief_values_are_null() {
    let a = fu(
        &[(-31 * DAY, 8.0), (22 * DAY, 2.0), (29 * DAY, 2.0)],
        60 * DAY,
    );
    assert_eq!(a.baseline, None);
    assert_eq!(a.outcome, RfaOutcome::Unknown);
    assert_eq!(a.reasons, [RfaBaselineReason::NoBaseline]);
    assert_eq!(a.relief_ongoing, None);
    assert_eq!(a.peak_relief_pct, None);
    assert_eq!(a.relief_duration_days, None);
    assert_eq!(a.follow_up_readings, 2);
}

#[test]
fn low_baseline_is_unknown_with_tolerance_at_the_limit() {
    let mut scores = weekly(&[1.0, 1.0, 1.0]);
    scores[0].1 = 3.9;
    let a = fu(&scores, 200 * DAY);
    assert_eq!(a.outcome, RfaOutcome::Unknown);
    assert_eq!(a.reasons, [RfaBaselineReason::LowBaseline]);
    // Relief is still computable against a low (non-zero) baseline.
    assert!(a.peak_relief_pct.is_some());

    // A mean of 3.9999999999999996 counts as 4.
    let mut scores = weekly(&[1.0, 1.0, 1.0]);
    scores[0] = (-3 * DAY, 0.2);
    scores.insert(1, (-2 * DAY, 8.2));
    scores.insert(2, (-DAY, 3.6));
    let a = fu(&scores, 200 * DAY);
    let b = a.baseline.unwrap();
    assert!(b < 4.0 && b > 4.0 - 1e-9, "{b}");
    assert!(a.reasons.is_empty());
    assert_ne!(a.outcome, RfaOutcome::Unknown);
}

#[test]
fn zero_baseline_is_low_and_relief_cannot_be_computed() {
    let mut scores = weekly(&[0.0, 0.0, 0.0]);
    scores[0].1 = 0.0;
    let a = fu(&scores, 200 * DAY);
    assert_eq!(a.reasons, [RfaBaselineReason::LowBaseline]);
    assert_eq!(a.relief_ongoing, None);
    assert_eq!(a.peak_relief_pct, None);
    assert!(a.readings.iter().all(|r| r.relief_pct.is_none() && !r.good));
}

// ---- Follow-up readings ----------------------------------------------------------------

#[test]
fn follow_up_readings_start_at_21_days() {
    let a = fu(
        &[
            (-DAY, 8.0),
            (DAY, 1.0),
            (21 * DAY - 1, 1.0),
            (21 * DAY, 3.0),
        ],
        30 * DAY,
    );
    assert_eq!(a.follow_up_readings, 1);
    assert_eq!(a.readings[0].id, "e4");
    assert_eq!(a.readings[0].days_after, 21);
    // Readings in the healing period do not count toward the peak either.
    assert_eq!(a.peak_relief_pct, Some(62.5));
}

#[test]
fn follow_up_readings_stop_before_the_next_procedure() {
    let scores = weekly(&[2.0, 2.0, 2.0, 2.0]);
    let next = Some(35 * DAY); // the third follow-up reading's instant
    let a = fu_with(&rfa(), &scores, None, next, "asra", 100 * DAY);
    assert_eq!(a.follow_up_readings, 2);
    let a = fu_with(&rfa(), &scores, None, Some(35 * DAY + 1), "asra", 100 * DAY);
    assert_eq!(a.follow_up_readings, 3);
}

#[test]
fn follow_up_readings_are_at_or_before_as_of() {
    let a = fu(&weekly(&[2.0, 2.0, 2.0]), 28 * DAY);
    assert_eq!(a.follow_up_readings, 2);
}

// ---- Limits ----------------------------------------------------------------------------

#[test]
fn limits_are_50_pct_and_182_days_except_cervical_outside_cms() {
    let lumbar = rfa_at("b1", 0, "lumbar");
    let cervical = rfa_at("b1", 0, " Cervical ");
    assert_eq!(rfa_limits(&lumbar, &protocol("asra")), (50.0, 182));
    assert_eq!(rfa_limits(&lumbar, &protocol("cms")), (50.0, 182));
    assert_eq!(rfa_limits(&cervical, &protocol("asra")), (30.0, 91));
    assert_eq!(rfa_limits(&cervical, &protocol("sis")), (30.0, 91));
    assert_eq!(rfa_limits(&cervical, &protocol("cms")), (50.0, 182));
    let mut none = lumbar.clone();
    none.region = None;
    assert_eq!(rfa_limits(&none, &protocol("asra")), (50.0, 182));
}

#[test]
fn a_good_reading_has_relief_at_least_the_threshold_with_tolerance() {
    // Baseline 8: 4 → 50 % (good), 4.01 → 49.875 % (not good).
    let a = fu(&weekly(&[4.0, 4.01]), 100 * DAY);
    assert_eq!(goods(&a), [true, false]);
    // Baseline (0 + 3.2 + 10) / 3 and score 2.2 gives 49.999999999999986 % in f64.
    let mut scores = vec![(-3 * DAY, 0.0), (-2 * DAY, 3.2), (-DAY, 10.0)];
    scores.push((21 * DAY, 2.2));
    let a = fu(&scores, 100 * DAY);
    let r = a.readings[0].relief_pct.unwrap();
    assert!(r < 50.0 && r > 50.0 - 1e-9, "{r}");
    assert!(a.readings[0].good);
}

#[test]
fn cervical_rfa_uses_30_pct_and_91_days_outside_cms() {
    let cervical = rfa_at("b1", 0, "cervical");
    // Baseline 8; score 5 = 37.5 % relief: good at 30 %, not at 50 %. Weekly to day 98.
    let scores = weekly(&[5.0; 12]);
    let asra = fu_with(&cervical, &scores, None, None, "asra", 200 * DAY);
    assert_eq!((asra.threshold_pct, asra.min_days), (30.0, 91));
    assert!(goods(&asra).iter().all(|&g| g));
    let cms = fu_with(&cervical, &scores, None, None, "cms", 200 * DAY);
    assert_eq!((cms.threshold_pct, cms.min_days), (50.0, 182));
    assert!(goods(&cms).iter().all(|&g| !g));
    assert_eq!(cms.outcome, RfaOutcome::Failed);
}

// ---- Relief period ---------------------------------------------------------------------

#[test]
fn the_period_starts_at_the_first_good_reading() {
    let a = fu(&weekly(&[6.0, 6.0, 2.0, 2.0, 2.0]), 100 * DAY);
    let p = a.period.unwrap();
    assert_eq!(p.start, 2);
    assert!(!a.readings[0].in_period && a.readings[2].in_period);
}

#[test]
fn a_single_bad_reading_is_a_flare_two_in_a_row_are_the_return() {
    let a = fu(&weekly(&[2.0, 2.0, 7.0, 2.0, 2.0]), 100 * DAY);
    let p = a.period.unwrap();
    assert_eq!(p.return_at, None);
    assert_eq!(p.last_good, 4);
    assert_eq!(a.relief_ongoing, Some(true));
    assert!(!a.readings[2].in_period);
    let a = fu(&weekly(&[2.0, 2.0, 7.0, 7.0, 2.0, 2.0]), 100 * DAY);
    let p = a.period.unwrap();
    assert_eq!(p.return_at, Some(2));
    assert_eq!(p.last_good, 1);
    assert_eq!(a.relief_ongoing, Some(false));
    // Good readings after the return are not part of the period.
    assert!(!a.readings[4].in_period);
}

#[test]
fn the_period_needs_two_good_readings_before_its_return() {
    // One good reading, then the return: no period.
    let a = fu(&weekly(&[2.0, 7.0, 7.0]), 100 * DAY);
    assert_eq!(a.period, None);
    assert_eq!(a.relief_ongoing, Some(false));
    assert_eq!(a.relief_duration_days, None);
    // Good, flare, good, then the return: two good readings count.
    let a = fu(&weekly(&[2.0, 7.0, 2.0, 7.0, 7.0]), 100 * DAY);
    assert_eq!(a.period.map(|p| p.last_good), Some(2));
    // A single good reading at the end, no return: still no period.
    let a = fu(&weekly(&[7.0, 2.0]), 100 * DAY);
    assert_eq!(a.period, None);
}

#[test]
fn no_later_start_is_looked_for() {
    let a = fu(&weekly(&[2.0, 7.0, 7.0, 2.0, 2.0, 2.0, 2.0]), 100 * DAY);
    assert_eq!(a.period, None);
    assert_eq!(a.relief_ongoing, Some(false));
    assert_eq!(a.outcome, RfaOutcome::Failed);
}

#[test]
fn relief_duration_is_whole_days_to_the_last_good_reading_before_the_return() {
    let mut scores = weekly(&[2.0, 2.0]);
    scores.push((100 * DAY + 23 * 60 + 59, 2.0)); // day 100, 23:59 later
    scores.push((107 * DAY, 7.0));
    scores.push((114 * DAY, 7.0));
    scores.push((121 * DAY, 2.0));
    let a = fu(&scores, 200 * DAY);
    assert_eq!(a.relief_duration_days, Some(100));
}

#[test]
fn relief_ongoing_is_null_only_without_a_usable_baseline() {
    let none = fu(&[(22 * DAY, 2.0), (29 * DAY, 2.0)], 100 * DAY);
    assert_eq!(none.relief_ongoing, None);
    let no_period = fu(&weekly(&[7.0, 7.0]), 100 * DAY);
    assert_eq!(no_period.relief_ongoing, Some(false));
    let ongoing = fu(&weekly(&[2.0, 2.0]), 100 * DAY);
    assert_eq!(ongoing.relief_ongoing, Some(true));
}

#[test]
fn peak_is_the_highest_follow_up_relief_inside_or_outside_the_period() {
    let a = fu(&weekly(&[2.0, 7.0, 7.0, 1.0, 9.0]), 100 * DAY);
    assert_eq!(a.peak_relief_pct, Some(87.5));
    let worse = fu(&weekly(&[9.0, 10.0]), 100 * DAY);
    assert_eq!(worse.peak_relief_pct, Some(-12.5));
}

// ---- Outcomes, in order ----------------------------------------------------------------

#[test]
fn healing_before_21_days_comes_first() {
    // No baseline at all: still healing.
    let a = fu(&[(DAY, 9.0)], 21 * DAY - 1);
    assert_eq!(a.outcome, RfaOutcome::Healing);
    // Only `unknown` has reasons (SPEC §3.6), even without a baseline.
    assert!(a.reasons.is_empty());
    assert_eq!(a.baseline, None);
    let a = fu(&[(-DAY, 8.0)], 21 * DAY);
    assert_eq!(a.outcome, RfaOutcome::TooEarly);
}

#[test]
fn unknown_comes_before_too_early() {
    let a = fu(&[(22 * DAY, 2.0)], 30 * DAY);
    assert_eq!(a.outcome, RfaOutcome::Unknown);
}

#[test]
fn too_early_with_fewer_than_two_follow_up_readings() {
    assert_eq!(fu(&weekly(&[2.0]), 100 * DAY).outcome, RfaOutcome::TooEarly);
    assert_ne!(
        fu(&weekly(&[2.0, 2.0]), 100 * DAY).outcome,
        RfaOutcome::TooEarly
    );
}

#[test]
fn relief_ongoing_comes_before_durable() {
    // Good weekly from day 21 to day 196 (> 182 days): still ongoing, so relief-ongoing.
    let a = fu(&weekly(&[2.0; 26]), 200 * DAY);
    assert_eq!(a.relief_duration_days, Some(196));
    assert_eq!(a.outcome, RfaOutcome::ReliefOngoing);
}

#[test]
fn durable_when_the_last_good_reading_is_at_least_182_days_after() {
    let base = vec![(-DAY, 8.0), (21 * DAY, 2.0), (100 * DAY, 2.0)];
    let with_last = |last: i64| {
        let mut s = base.clone();
        s.extend([(last, 2.0), (last + 7 * DAY, 7.0), (last + 14 * DAY, 7.0)]);
        fu(&s, 300 * DAY)
    };
    let a = with_last(182 * DAY);
    assert_eq!(a.outcome, RfaOutcome::Durable);
    assert_eq!(a.relief_duration_days, Some(182));
    // One minute short of 182 days: the return (day 188) is past 182 days: uncertain.
    let a = with_last(182 * DAY - 1);
    assert_eq!(a.relief_duration_days, Some(181));
    assert_eq!(a.outcome, RfaOutcome::Uncertain);
}

#[test]
fn uncertain_when_the_return_is_past_the_rfa_days_but_the_last_good_reading_is_not() {
    let scores = [
        (-DAY, 8.0),
        (21 * DAY, 2.0),
        (120 * DAY, 2.0),
        (182 * DAY, 7.0),
        (189 * DAY, 7.0),
    ];
    assert_eq!(fu(&scores, 300 * DAY).outcome, RfaOutcome::Uncertain);
    let mut early = scores;
    early[3].0 = 182 * DAY - 1;
    assert_eq!(fu(&early, 300 * DAY).outcome, RfaOutcome::Failed);
}

#[test]
fn worse_with_two_consecutive_readings_two_points_above_the_baseline() {
    // Baseline 8: 10 is +2 (counts), 9.9 is not.
    assert_eq!(
        fu(&weekly(&[10.0, 10.0]), 100 * DAY).outcome,
        RfaOutcome::Worse
    );
    assert_eq!(
        fu(&weekly(&[10.0, 9.9]), 100 * DAY).outcome,
        RfaOutcome::Failed
    );
    assert_eq!(
        fu(&weekly(&[10.0, 8.0, 10.0]), 100 * DAY).outcome,
        RfaOutcome::Failed
    );
    // After a short relief period that returned early.
    assert_eq!(
        fu(&weekly(&[2.0, 2.0, 10.0, 10.0]), 100 * DAY).outcome,
        RfaOutcome::Worse
    );
}

#[test]
fn failed_otherwise() {
    let a = fu(&weekly(&[6.0, 7.0, 5.0]), 100 * DAY);
    assert_eq!(a.outcome, RfaOutcome::Failed);
    assert!(a.reasons.is_empty());
}

#[test]
fn every_outcome_has_its_code() {
    let codes: Vec<&str> = RfaOutcome::ALL.iter().map(|o| o.as_str()).collect();
    assert_eq!(
        codes,
        [
            "healing",
            "unknown",
            "too-early",
            "relief-ongoing",
            "durable",
            "uncertain",
            "worse",
            "failed"
        ]
    );
}

// ---- Next step -------------------------------------------------------------------------

fn durable_scores() -> Vec<(i64, f64)> {
    let mut s = weekly(&[2.0; 24]); // good to day 182
    s.push((189 * DAY, 7.0));
    s.push((196 * DAY, 7.0));
    s
}

fn decide(
    a: &AblationEvaluation,
    r: &Procedure,
    earlier: &[&Procedure],
    p: &str,
    as_of: i64,
) -> (NextStep, RfaReason) {
    let earlier: Vec<(&Procedure, i128)> = earlier.iter().map(|e| (*e, e.at.instant())).collect();
    let d = after_rfa(a, &earlier, r, &protocol(p), ns(as_of));
    let words = crate::render::rationale::rfa_rationale(
        a,
        d.reason,
        d.earlier_rfa.as_deref(),
        d.days_since_rfa,
        &protocol(p),
    );
    assert!(!words.is_empty());
    (d.step, d.reason)
}

#[test]
fn next_step_for_each_outcome() {
    let r = rfa();
    type Case = (Vec<(i64, f64)>, i64, NextStep, RfaReason);
    let cases: Vec<Case> = vec![
        (
            weekly(&[]),
            20 * DAY,
            NextStep::ContinueDiary,
            RfaReason::RfaHealing,
        ),
        (
            vec![(22 * DAY, 2.0)],
            100 * DAY,
            NextStep::ClinicianReview,
            RfaReason::RfaBaseline,
        ),
        (
            weekly(&[2.0]),
            100 * DAY,
            NextStep::ContinueDiary,
            RfaReason::RfaFollowUp,
        ),
        (
            weekly(&[2.0, 2.0]),
            100 * DAY,
            NextStep::ContinueDiary,
            RfaReason::RfaReliefOngoing,
        ),
        (
            durable_scores(),
            300 * DAY,
            NextStep::RepeatRfa,
            RfaReason::DurableRelief,
        ),
        (
            vec![
                (-DAY, 8.0),
                (21 * DAY, 2.0),
                (120 * DAY, 2.0),
                (182 * DAY, 7.0),
                (189 * DAY, 7.0),
            ],
            300 * DAY,
            NextStep::ClinicianReview,
            RfaReason::RfaDurationUncertain,
        ),
        (
            weekly(&[10.0, 10.0]),
            100 * DAY,
            NextStep::ClinicianReview,
            RfaReason::RfaWorse,
        ),
        (
            weekly(&[7.0, 7.0]),
            100 * DAY,
            NextStep::FurtherWorkup,
            RfaReason::RfaFailed,
        ),
    ];
    for (outcome, (scores, as_of, step, reason)) in RfaOutcome::ALL.iter().zip(cases) {
        let a = fu(&scores, as_of);
        assert_eq!(a.outcome, *outcome);
        assert_eq!(
            decide(&a, &r, &[], "asra", as_of),
            (step, reason),
            "{outcome:?}"
        );
    }
}

#[test]
fn cms_sends_a_durable_rfa_more_than_730_days_ago_back_to_blocks() {
    let r = rfa();
    let a = fu(&durable_scores(), 300 * DAY);
    let long_ago = 730 * DAY + 1;
    assert_eq!(
        decide(&a, &r, &[], "cms", long_ago),
        (NextStep::RepeatBlock, RfaReason::RfaLongAgo)
    );
    assert_eq!(
        decide(&a, &r, &[], "cms", 730 * DAY),
        (NextStep::RepeatRfa, RfaReason::DurableRelief)
    );
    // Other protocols have no such exception.
    assert_eq!(
        decide(&a, &r, &[], "asra", long_ago),
        (NextStep::RepeatRfa, RfaReason::DurableRelief)
    );
}

#[test]
fn cms_refuses_a_third_rfa_on_the_same_target_in_12_months() {
    let r = rfa();
    let a = fu(&durable_scores(), 300 * DAY);
    let as_of = 300 * DAY;
    let recent = rfa_at("b1", as_of - 365 * DAY + 1, "lumbar");
    let old = rfa_at("b1", as_of - 365 * DAY, "lumbar");
    let mut other_side = recent.clone();
    other_side.side = Some(Side::Left);
    assert_eq!(
        decide(&a, &r, &[&recent], "cms", as_of),
        (NextStep::ClinicianReview, RfaReason::RfaFrequency)
    );
    let earlier = [(&recent, recent.at.instant())];
    let d = after_rfa(&a, &earlier, &r, &protocol("cms"), ns(as_of));
    assert_eq!(d.earlier_rfa.as_deref(), Some("b1"));
    assert_eq!(
        decide(&a, &r, &[&old], "cms", as_of),
        (NextStep::RepeatRfa, RfaReason::DurableRelief)
    );
    assert_eq!(
        decide(&a, &r, &[&other_side], "cms", as_of),
        (NextStep::RepeatRfa, RfaReason::DurableRelief)
    );
    assert_eq!(
        decide(&a, &r, &[&recent], "asra", as_of),
        (NextStep::RepeatRfa, RfaReason::DurableRelief)
    );
}

#[test]
fn cms_long_ago_is_checked_before_frequency() {
    let r = rfa();
    let a = fu(&durable_scores(), 300 * DAY);
    // An "earlier" RFA (same instant as R, earlier in file order) recent enough for the
    // frequency rule, and R itself more than 730 days ago.
    let as_of = 731 * DAY;
    let twin = rfa_at("b1", as_of - 364 * DAY, "lumbar");
    assert_eq!(
        decide(&a, &r, &[&twin], "cms", as_of),
        (NextStep::RepeatBlock, RfaReason::RfaLongAgo)
    );
}

#[test]
fn cms_exceptions_apply_only_to_a_durable_result() {
    let r = rfa();
    let a = fu(&weekly(&[7.0, 7.0]), 800 * DAY);
    let recent = rfa_at("b1", -100 * DAY, "lumbar");
    assert_eq!(
        decide(&a, &r, &[&recent], "cms", 800 * DAY),
        (NextStep::FurtherWorkup, RfaReason::RfaFailed)
    );
}

#[test]
fn whole_days_round_down() {
    assert_eq!(whole_days(0, DAY_NS - 1), 0);
    assert_eq!(whole_days(0, DAY_NS), 1);
    assert_eq!(whole_days(DAY_NS, 0), -1);
}

#[test]
fn any_input_gives_an_outcome_without_panicking() {
    // Extreme instants and an empty diary.
    let r = rfa();
    let a = follow_up(&r, &[], None, None, &protocol("asra"), i128::MAX);
    assert_eq!(a.outcome, RfaOutcome::Unknown);
    let a = follow_up(
        &r,
        &[],
        Some(i128::MIN),
        Some(i128::MIN),
        &protocol("cms"),
        i128::MIN,
    );
    assert_eq!(a.outcome, RfaOutcome::Healing);
    let d = after_rfa(&a, &[], &r, &protocol("cms"), i128::MAX);
    assert_eq!(d.step, NextStep::ContinueDiary);
}

#[test]
fn rationales_give_the_facts_behind_the_step() {
    let r = rfa();
    let text = |a: &AblationEvaluation, earlier: &[&Procedure], p: &str, as_of: i64| {
        let earlier: Vec<(&Procedure, i128)> =
            earlier.iter().map(|e| (*e, e.at.instant())).collect();
        let d = after_rfa(a, &earlier, &r, &protocol(p), ns(as_of));
        crate::render::rationale::rfa_rationale(
            a,
            d.reason,
            d.earlier_rfa.as_deref(),
            d.days_since_rfa,
            &protocol(p),
        )
    };
    let failed = fu(&weekly(&[7.0, 7.0]), 100 * DAY);
    let t = text(&failed, &[], "asra", 100 * DAY);
    assert!(
        t.contains("≥ 50 % relief for ≥ 182 days, LCD L38801"),
        "{t}"
    );
    assert!(t.contains("medial branch transection"), "{t}");
    let durable = fu(&durable_scores(), 300 * DAY);
    let t = text(&durable, &[], "cms", 731 * DAY);
    assert!(t.contains("731 days ago, more than 2 years"), "{t}");
    let recent = rfa_at("b0", 0, "lumbar");
    let t = text(&durable, &[&recent], "cms", 300 * DAY);
    assert!(t.contains("RFA b0 on the same target"), "{t}");
    let low = {
        let mut s = weekly(&[1.0, 1.0]);
        s[0].1 = 3.25;
        fu(&s, 100 * DAY)
    };
    let t = text(&low, &[], "asra", 100 * DAY);
    assert!(t.contains("the baseline pain was low (3.3)"), "{t}");
    let cervical = rfa_at("b2", 0, "cervical");
    let c = fu_with(
        &cervical,
        &weekly(&[7.0, 7.0]),
        None,
        None,
        "asra",
        100 * DAY,
    );
    let d = after_rfa(&c, &[], &cervical, &protocol("asra"), ns(100 * DAY));
    let t = crate::render::rationale::rfa_rationale(
        &c,
        d.reason,
        None,
        d.days_since_rfa,
        &protocol("asra"),
    );
    assert!(
        t.contains("≥ 30 % relief for ≥ 91 days, ASRA cervical"),
        "{t}"
    );
}
