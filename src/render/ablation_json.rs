//! One RFA's follow-up as a JSON object (SPEC §3.7 `ablations`): keys in the spec's order,
//! baseline and percentages rounded to one decimal.

use super::round1;
use crate::diary::Num;
use crate::evaluation::AblationEvaluation;
use serde_json::{Value, json};

fn rounded(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |v| json!(round1(v)))
}

/// The `ablations[]` object of one RFA.
pub fn ablation_json(a: &AblationEvaluation) -> Value {
    json!({
        "id": a.id,
        "at": a.at.text(),
        "region": a.region,
        "levels": a.levels,
        "side": a.side.map(|s| s.as_str()),
        "baseline": rounded(a.baseline),
        "baseline_readings": a.baseline_readings,
        "follow_up_readings": a.follow_up_readings,
        "threshold_pct": serde_json::to_value(Num(a.threshold_pct)).unwrap_or(Value::Null),
        "min_days": a.min_days,
        "peak_relief_pct": rounded(a.peak_relief_pct),
        "relief_duration_days": a.relief_duration_days,
        "relief_ongoing": a.relief_ongoing,
        "outcome": a.outcome.as_str(),
        "reasons": a.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Entry, Procedure, ProcedureKind, Side, Timestamp};
    use crate::evaluation::{Protocol, follow_up};

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn entry(id: &str, at: &str, score: f64) -> Entry {
        Entry::new(id, ts(at), score)
    }

    fn rfa(region: Option<&str>, levels: &[&str], side: Option<Side>) -> Procedure {
        Procedure {
            region: region.map(str::to_string),
            levels: levels.iter().map(|l| l.to_string()).collect(),
            side,
            ..Procedure::new(
                "b2",
                ProcedureKind::RadiofrequencyAblation,
                ts("2026-01-10T09:00:00-07:00"),
            )
        }
    }

    fn evaluate(r: &Procedure, es: &[Entry]) -> AblationEvaluation {
        let list: Vec<(i128, &Entry)> = es.iter().map(|e| (e.at.instant(), e)).collect();
        let as_of = ts("2026-12-01T00:00:00-07:00").instant();
        follow_up(r, &list, None, None, &Protocol::default_protocol(), as_of)
    }

    #[test]
    fn keys_in_the_spec_order_with_rounding() {
        let es = [
            entry("e1", "2026-01-01T09:00:00-07:00", 8.0),
            entry("e2", "2026-01-02T09:00:00-07:00", 8.0),
            entry("e3", "2026-01-03T09:00:00-07:00", 6.9),
            // Baseline 22.9 / 3 = 7.6333…; 7.6333 → 7.6.
            entry("e4", "2026-02-01T09:00:00-07:00", 2.0),
            entry("e5", "2026-03-01T09:00:00-07:00", 3.0),
        ];
        let a = evaluate(
            &rfa(Some("lumbar"), &["L4-L5", "L5-S1"], Some(Side::Right)),
            &es,
        );
        assert_eq!(
            ablation_json(&a).to_string(),
            r#"{"id":"b2","at":"2026-01-10T09:00:00-07:00","region":"lumbar","levels":["L4-L5","L5-S1"],"side":"right","baseline":7.6,"baseline_readings":3,"follow_up_readings":2,"threshold_pct":50,"min_days":182,"peak_relief_pct":73.8,"relief_duration_days":50,"relief_ongoing":true,"outcome":"relief-ongoing","reasons":[]}"#
        );
    }

    #[test]
    fn absent_target_and_no_baseline_are_null() {
        let es = [entry("e4", "2026-02-01T09:00:00-07:00", 2.0)];
        let a = evaluate(&rfa(None, &[], None), &es);
        assert_eq!(
            ablation_json(&a).to_string(),
            r#"{"id":"b2","at":"2026-01-10T09:00:00-07:00","region":null,"levels":[],"side":null,"baseline":null,"baseline_readings":0,"follow_up_readings":1,"threshold_pct":50,"min_days":182,"peak_relief_pct":null,"relief_duration_days":null,"relief_ongoing":null,"outcome":"unknown","reasons":["no-baseline"]}"#
        );
    }
}
