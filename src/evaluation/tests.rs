//! Unit tests of the engine on small in-memory diaries (helpers shared with rule_tests).

use super::*;
use crate::diary::{Diary, Entry, Extra, Procedure, ProcedureKind, Sedation, Timestamp};
use chrono::{DateTime, Duration, FixedOffset};

/// The block time used by most tests: 2026-11-20 09:30 at -07:00.
pub(crate) fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-20T09:30:00-07:00").unwrap()
}

/// A time `minutes` after `t0()`.
pub(crate) fn at(minutes: i64) -> Timestamp {
    Timestamp::new(t0() + Duration::minutes(minutes))
}

pub(crate) fn block(id: &str, minutes: i64, anesthetic: Anesthetic) -> Procedure {
    Procedure {
        id: id.into(),
        kind: ProcedureKind::MedialBranchBlock,
        at: at(minutes),
        region: Some("lumbar".into()),
        levels: vec!["L4-L5".into()],
        side: None,
        anesthetic: Some(anesthetic),
        retracted: None,
        history: None,
        steroid: false,
        sedation: Sedation::None,
        note: None,
        extra: Extra::default(),
    }
}

pub(crate) fn entry(id: &str, minutes: i64, score: f64) -> Entry {
    Entry::new(id, at(minutes), score)
}

/// A diary from blocks and (minutes, score) entries; entry ids e1, e2, … in the order given.
pub(crate) fn diary(blocks: Vec<Procedure>, scores: &[(i64, f64)]) -> Diary {
    let mut d = Diary::new(Some("PT-T".into()));
    d.procedures = blocks;
    d.entries = scores
        .iter()
        .enumerate()
        .map(|(i, &(m, s))| entry(&format!("e{}", i + 1), m, s))
        .collect();
    d
}

pub(crate) fn eval(d: &Diary, protocol: &str) -> Evaluation {
    evaluate(d, &Protocol::named(protocol).unwrap()).unwrap()
}

/// A textbook positive lidocaine block: baseline 8, relief 75 % for 3 hours.
pub(crate) fn positive_scores(offset: i64) -> Vec<(i64, f64)> {
    [
        (-30, 8.0),
        (15, 2.0),
        (30, 2.0),
        (60, 2.0),
        (120, 2.0),
        (180, 2.0),
        (240, 6.0),
        (300, 8.0),
    ]
    .iter()
    .map(|&(m, s)| (m + offset, s))
    .collect()
}

#[test]
fn textbook_positive_single_block_goes_to_rfa_under_asra() {
    let d = diary(
        vec![block("b1", 0, Anesthetic::Lidocaine)],
        &positive_scores(0),
    );
    let e = eval(&d, "asra");
    let b = &e.blocks[0];
    assert_eq!(b.baseline, Some(8.0));
    assert_eq!(b.baseline_readings, 1);
    assert_eq!(b.post_readings, 7);
    assert_eq!(b.peak_relief_pct, Some(75.0));
    assert_eq!(b.peak_at, Some(at(15)));
    assert_eq!(b.sustained_readings, Some(5));
    assert_eq!(b.relief_duration_minutes, Some(180));
    assert_eq!(b.relief_ongoing, Some(false));
    assert_eq!(b.classification, Classification::Positive);
    assert!(b.reasons.is_empty());
    assert_eq!(b.flags, vec![Flag::NoProvocation]);
    assert_eq!(e.decision.step, NextStep::Rfa);
    assert_eq!(e.decision.reason, NextStepReason::CriteriaMet);
}

#[test]
fn no_block_is_an_error() {
    let d = diary(vec![], &[(0, 5.0)]);
    assert_eq!(
        evaluate(&d, &Protocol::default_protocol()),
        Err(EvaluationError::NoBlock)
    );
}
