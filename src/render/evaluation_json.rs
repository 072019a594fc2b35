//! `evaluate --format json`: one compact object per diary (schema `paindiary.evaluation.v2`,
//! SPEC §3.7), keys in the order of the SPEC's example.

use super::rationale::rationale;
use super::round1;
use crate::diary::Num;
use crate::evaluation::{BlockEvaluation, Evaluation, FORMULA, Protocol};
use chrono::SecondsFormat;
use serde_json::{Value, json};

/// The schema name written in every evaluation.
pub const SCHEMA: &str = "paindiary.evaluation.v2";

fn rounded(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |v| json!(round1(v)))
}

fn num(v: f64) -> Value {
    serde_json::to_value(Num(v)).unwrap_or(Value::Null)
}

/// The protocol object (`protocols --format json` uses it too, with `source`).
pub fn protocol_json(p: &Protocol) -> Value {
    json!({
        "name": p.name,
        "threshold_pct": num(p.threshold_pct),
        "partial_pct": num(p.partial_pct),
        "blocks_required": p.blocks_required,
        "min_sustained": p.min_sustained,
        "min_baseline": num(p.min_baseline),
        "min_post_readings": p.min_post_readings,
        "window_minutes": p.window_minutes,
        "baseline_window_minutes": p.baseline_window_minutes,
        "max_onset_minutes": p.max_onset_minutes,
        "analgesic_lookback_minutes": p.analgesic_lookback_minutes,
        "requires_provocation": p.requires_provocation,
        "requires_concordance": p.requires_concordance,
        "min_interval_days": p.min_interval_days,
        "kinds": p.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "source": p.source,
    })
}

fn block_json(b: &BlockEvaluation) -> Value {
    json!({
        "id": b.id,
        "at": b.at.text(),
        "kind": b.kind.as_str(),
        "region": b.region,
        "levels": b.levels,
        "side": b.side.map(|s| s.as_str()),
        "anesthetic": b.anesthetic.as_str(),
        "steroid": b.steroid,
        "sedation": b.sedation.as_str(),
        "comparison": b.comparison.as_str(),
        "baseline": rounded(b.baseline),
        "baseline_readings": b.baseline_readings,
        "post_readings": b.post_readings,
        "peak_relief_pct": rounded(b.peak_relief_pct),
        "peak_at": b.peak_at.as_ref().map(|t| t.text()),
        "onset_minutes": b.onset_minutes,
        "sustained_readings": b.sustained_readings,
        "relief_duration_minutes": b.relief_duration_minutes,
        "relief_ongoing": b.relief_ongoing,
        "window_closes_at": b.window_closes_at.as_ref().map(|t| t.text()),
        "same_target_as": b.same_target_as,
        "classification": b.classification.as_str(),
        "reasons": b.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "flags": b.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
    })
}

/// The evaluation of the diary read from `file` (the path as given, `-` for stdin).
pub fn evaluation_json(evaluation: &Evaluation, file: &str) -> Value {
    let mut by_protocol = serde_json::Map::new();
    for v in &evaluation.by_protocol {
        by_protocol.insert(
            v.name.to_string(),
            json!({
                "classification": v.classification.map(|c| c.as_str()),
                "next_step": v.next_step.as_str(),
                "next_step_reason": v.next_step_reason.as_str(),
            }),
        );
    }
    json!({
        "schema": SCHEMA,
        "file": file,
        "patient": evaluation.patient,
        "as_of": evaluation
            .as_of
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, false)),
        "protocol": protocol_json(&evaluation.protocol),
        "formula": FORMULA,
        "blocks": evaluation.blocks.iter().map(block_json).collect::<Vec<_>>(),
        "ablations": [],
        "classification": evaluation.classification.map(|c| c.as_str()),
        "rfa_outcome": Value::Null,
        "next_step": evaluation.decision.step.as_str(),
        "next_step_reason": evaluation.decision.reason.as_str(),
        "rationale": rationale(evaluation),
        "by_protocol": by_protocol,
    })
}

/// One line of compact JSON (no trailing newline).
pub fn evaluation_line(evaluation: &Evaluation, file: &str) -> String {
    evaluation_json(evaluation, file).to_string()
}
