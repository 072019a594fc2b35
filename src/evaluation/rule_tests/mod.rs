//! SPEC §3 rule-by-rule tests, one module per engine file. Every expected value is derived by
//! hand from the SPEC text. Times are minutes after `t0()` (2026-11-20 09:30 -07:00) unless
//! written out.

mod baseline;
mod classify;
mod entry_relief;
mod next_step;
mod props;
mod relief_run;
mod timeline;

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

/// `evaluate_at` with `as_of` at `minutes` after `t0()` and `by_protocol`.
fn eval_at(d: &Diary, protocol: &str, minutes: i64) -> Evaluation {
    let as_of = *at(minutes).time();
    evaluate_at(d, &Protocol::named(protocol).unwrap(), Some(as_of), true).unwrap()
}

/// A diary entry with an activity.
fn act(d: &mut Diary, minutes: i64, activity: &str) {
    at_min(d, minutes).activity = Some(activity.into());
}

/// A procedure of `kind` at `minutes` (lidocaine, lumbar L4-L5 as the other test blocks).
fn of_kind(id: &str, minutes: i64, kind: crate::diary::ProcedureKind) -> Procedure {
    let mut p = lido(id, minutes);
    p.kind = kind;
    if kind == crate::diary::ProcedureKind::RadiofrequencyAblation {
        p.anesthetic = None;
    }
    p
}

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
