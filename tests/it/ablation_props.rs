//! SPEC §3.6 on random diaries: `follow_up` and `after_rfa` against an independent, deliberately
//! plain reading of the section (good/bad readings as a string of `G`/`B`, the return found by
//! searching for `BB`), and never a panic.

use chrono::{DateTime, FixedOffset};
use paindiary::diary::{Entry, Procedure, ProcedureKind, Side, Timestamp};
use paindiary::evaluation::{Protocol, after_rfa, follow_up};
use proptest::prelude::*;

const MIN: i128 = 60 * 1_000_000_000;
const DAY: i128 = 24 * 60 * MIN;
/// The RFA: 2025-03-03T10:00:00-07:00.
const RFA_AT_S: i64 = 1_741_021_200;

fn ts(ns: i128) -> Timestamp {
    let offset = FixedOffset::west_opt(7 * 3600).unwrap();
    let t = DateTime::from_timestamp_nanos(ns as i64).with_timezone(&offset);
    Timestamp::new(t)
}

fn rfa_at() -> i128 {
    i128::from(RFA_AT_S) * 1_000_000_000
}

fn procedure(id: &str, at: i128, region: &str, side: Side) -> Procedure {
    Procedure {
        region: Some(region.into()),
        levels: vec!["L4-L5".into()],
        side: Some(side),
        ..Procedure::new(id, ProcedureKind::RadiofrequencyAblation, ts(at))
    }
}

fn entry(i: usize, at: i128, score: f64) -> Entry {
    Entry::new(format!("e{i}"), ts(at), score)
}

/// What the reference reading gives.
#[derive(Debug, PartialEq)]
struct Reading {
    outcome: &'static str,
    reasons: Vec<&'static str>,
    baseline_readings: usize,
    follow_up_readings: usize,
    peak: Option<f64>,
    days: Option<i64>,
    ongoing: Option<bool>,
    threshold: f64,
    min_days: i64,
}

/// SPEC §3.6, read independently. `t` are offsets from the RFA in ns.
fn reference(
    entries: &[(i128, f64)],
    after: Option<i128>,
    next: Option<i128>,
    cervical: bool,
    cms: bool,
    as_of: i128,
) -> Reading {
    let base: Vec<f64> = entries
        .iter()
        .filter(|(t, _)| *t >= -30 * DAY && *t < 0 && *t <= as_of)
        .filter(|(t, _)| after.is_none_or(|a| *t > a))
        .map(|e| e.1)
        .collect();
    let baseline = if base.is_empty() {
        None
    } else {
        Some(base.iter().sum::<f64>() / base.len() as f64)
    };
    let reasons = match baseline {
        None => vec!["no-baseline"],
        Some(b) if b + 1e-9 < 4.0 => vec!["low-baseline"],
        _ => vec![],
    };
    let follow: Vec<(i128, f64)> = entries
        .iter()
        .copied()
        .filter(|(t, _)| *t >= 21 * DAY && *t <= as_of && next.is_none_or(|n| *t < n))
        .collect();
    let (threshold, min_days) = if cervical && !cms {
        (30.0, 91)
    } else {
        (50.0, 182)
    };
    let relief = |s: f64| match baseline {
        Some(b) if b != 0.0 => Some((b - s) / b * 100.0),
        _ => None,
    };
    let pattern: String = follow
        .iter()
        .map(|(_, s)| match relief(*s) {
            Some(r) if r + 1e-9 >= threshold => 'G',
            _ => 'B',
        })
        .collect();
    // (last good index, return index)
    let period: Option<(usize, Option<usize>)> = pattern.find('G').and_then(|s| {
        let ret = pattern[s + 1..].find("BB").map(|i| s + 1 + i);
        let segment = &pattern[s..ret.unwrap_or(pattern.len())];
        if segment.matches('G').count() >= 2 {
            Some((s + segment.rfind('G').unwrap(), ret))
        } else {
            None
        }
    });
    let peak = follow
        .iter()
        .filter_map(|(_, s)| relief(*s))
        .reduce(f64::max);
    let usable = baseline.is_some_and(|b| b != 0.0);
    let days = period.map(|(g, _)| (follow[g].0 / DAY) as i64);
    let ongoing = usable.then_some(matches!(period, Some((_, None))));
    let worse = baseline.is_some_and(|b| {
        follow
            .windows(2)
            .any(|w| w[0].1 - b + 1e-9 >= 2.0 && w[1].1 - b + 1e-9 >= 2.0)
    });
    let outcome = if as_of < 21 * DAY {
        "healing"
    } else if !reasons.is_empty() {
        "unknown"
    } else if follow.len() < 2 {
        "too-early"
    } else if let Some((_, None)) = period {
        "relief-ongoing"
    } else if period.is_some_and(|(g, _)| follow[g].0 >= i128::from(min_days) * DAY) {
        "durable"
    } else if period
        .is_some_and(|(_, r)| r.is_some_and(|r| follow[r].0 >= i128::from(min_days) * DAY))
    {
        "uncertain"
    } else if worse {
        "worse"
    } else {
        "failed"
    };
    Reading {
        outcome,
        // Only `unknown` says why (SPEC §3.6: every other outcome has `reasons` []).
        reasons: if outcome == "unknown" {
            reasons
        } else {
            Vec::new()
        },
        baseline_readings: base.len(),
        follow_up_readings: follow.len(),
        peak,
        days,
        ongoing,
        threshold,
        min_days,
    }
}

/// A time near the boundaries that matter (−30 d, 0, 21 d, 91 d, 182 d) or anywhere in a year.
fn offset() -> impl Strategy<Value = i128> {
    prop_oneof![
        (-40i64..400).prop_map(|d| i128::from(d) * DAY + 19 * 60 * MIN),
        (-40i64 * 24 * 60..400 * 24 * 60).prop_map(|m| i128::from(m) * MIN),
        prop::sample::select(vec![-30i128, 0, 21, 91, 182])
            .prop_flat_map(|d| { (-1i128..=1).prop_map(move |m| d * DAY + m * MIN) }),
    ]
}

fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u8..=20).prop_map(|h| f64::from(h) / 2.0),
        prop::sample::select(vec![2.2, 3.2, 3.6, 8.2, 0.2, 10.0]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn follow_up_matches_an_independent_reading(
        mut raw in prop::collection::vec((offset(), score()), 0..25),
        base in prop::collection::vec((-30i128 * 24 * 60..0, 4u8..=10), 0..4),
        weekly_from in 14i128..40,
        good_weeks in 0usize..40,
        weekly in prop::collection::vec(prop_oneof![3 => Just(1.5), 1 => Just(7.5), 1 => Just(9.5)], 0..50),
        after in prop::option::of(-40i128..0),
        next in prop::option::of(0i128..400),
        as_of in prop_oneof![6 => 21i128..800, 1 => 0i128..21, 1 => Just(21), 1 => Just(1000)],
        cervical in any::<bool>(),
        cms in any::<bool>(),
        earlier_days in prop::option::of(1i128..800),
        earlier_same_target in any::<bool>(),
    ) {
        raw.extend(base.iter().map(|&(m, s)| (m * MIN, f64::from(s))));
        // Weekly scores: good for `good_weeks` weeks, then a random mix.
        raw.extend(weekly.iter().enumerate().map(|(i, &s)| {
            let score = if i < good_weeks { 1.5 } else { s };
            ((weekly_from + 7 * i as i128) * DAY + 19 * 60 * MIN, score)
        }));
        raw.sort_by_key(|e| e.0);
        let after = after.map(|d| d * DAY);
        let next = next.map(|d| d * DAY);
        let as_of = as_of * DAY + 20 * 60 * MIN;
        let expected = reference(&raw, after, next, cervical, cms, as_of);

        let region = if cervical { " CERVICAL" } else { "lumbar" };
        let r = procedure("b2", rfa_at(), region, Side::Left);
        let entries: Vec<Entry> = raw
            .iter()
            .enumerate()
            .map(|(i, &(t, s))| entry(i + 1, rfa_at() + t, s))
            .collect();
        // The caller passes the entries at or before as_of.
        let list: Vec<(i128, &Entry)> = entries
            .iter()
            .map(|e| (e.at.instant(), e))
            .filter(|(t, _)| *t <= rfa_at() + as_of)
            .collect();
        let protocol = Protocol::named(if cms { "cms" } else { "asra" }).unwrap();
        let a = follow_up(
            &r,
            &list,
            after.map(|a| rfa_at() + a),
            next.map(|n| rfa_at() + n),
            &protocol,
            rfa_at() + as_of,
        );
        let got = Reading {
            outcome: a.outcome.as_str(),
            reasons: a.reasons.iter().map(|r| r.as_str()).collect(),
            baseline_readings: a.baseline_readings,
            follow_up_readings: a.follow_up_readings,
            peak: a.peak_relief_pct,
            days: a.relief_duration_days,
            ongoing: a.relief_ongoing,
            threshold: a.threshold_pct,
            min_days: a.min_days,
        };
        prop_assert_eq!(&got, &expected);

        // Next step: the table of §3.6 with the cms exceptions in their order.
        let earlier_rfa = earlier_days.map(|d| {
            let side = if earlier_same_target { Side::Left } else { Side::Right };
            procedure("b1", rfa_at() - d * DAY, region, side)
        });
        let earlier: Vec<(&Procedure, i128)> =
            earlier_rfa.iter().map(|p| (p, p.at.instant())).collect();
        let d = after_rfa(&a, &earlier, &r, &protocol, rfa_at() + as_of);
        let frequent = earlier_days.is_some_and(|e| earlier_same_target && as_of + e * DAY < 365 * DAY);
        let step = match expected.outcome {
            "healing" => ("continue-diary", "rfa-healing"),
            "too-early" => ("continue-diary", "rfa-follow-up"),
            "relief-ongoing" => ("continue-diary", "rfa-relief-ongoing"),
            "unknown" => ("clinician-review", "rfa-baseline"),
            "uncertain" => ("clinician-review", "rfa-duration-uncertain"),
            "worse" => ("clinician-review", "rfa-worse"),
            "failed" => ("further-workup", "rfa-failed"),
            _ if cms && as_of > 730 * DAY => ("repeat-block", "rfa-long-ago"),
            _ if cms && frequent => ("clinician-review", "rfa-frequency"),
            _ => ("repeat-rfa", "durable-relief"),
        };
        prop_assert_eq!((d.step.as_str(), d.reason.as_str()), step);
    }
}
