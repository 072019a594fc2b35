//! `evaluate --format json`: one compact object per diary (schema `paindiary.evaluation.v2`,
//! SPEC §3.7), keys in the order of the SPEC's example. Written straight from typed structs
//! (no intermediate `serde_json::Value`): a clinic's worth of small diaries spends most of
//! its time here.

use super::rationale::rationale;
use super::round1;
use crate::diary::Num;
use crate::evaluation::{BlockEvaluation, Evaluation, FORMULA, Protocol};
use chrono::SecondsFormat;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

/// The schema name written in every evaluation.
const SCHEMA: &str = "paindiary.evaluation.v2";

/// A protocol's parameters (`protocols --format json` uses it too).
#[derive(Serialize)]
pub struct ProtocolJson<'a> {
    name: &'a str,
    threshold_pct: Num,
    partial_pct: Num,
    blocks_required: usize,
    min_sustained: usize,
    min_baseline: Num,
    min_post_readings: usize,
    window_minutes: i64,
    baseline_window_minutes: i64,
    max_onset_minutes: i64,
    analgesic_lookback_minutes: i64,
    requires_provocation: bool,
    requires_concordance: bool,
    min_interval_days: Option<u32>,
    kinds: Vec<&'static str>,
    source: &'a str,
}

impl<'a> ProtocolJson<'a> {
    pub fn of(p: &'a Protocol) -> Self {
        ProtocolJson {
            name: p.name,
            threshold_pct: Num(p.threshold_pct),
            partial_pct: Num(p.partial_pct),
            blocks_required: p.blocks_required,
            min_sustained: p.min_sustained,
            min_baseline: Num(p.min_baseline),
            min_post_readings: p.min_post_readings,
            window_minutes: p.window_minutes,
            baseline_window_minutes: p.baseline_window_minutes,
            max_onset_minutes: p.max_onset_minutes,
            analgesic_lookback_minutes: p.analgesic_lookback_minutes,
            requires_provocation: p.requires_provocation,
            requires_concordance: p.requires_concordance,
            min_interval_days: p.min_interval_days,
            kinds: p.kinds.iter().map(|k| k.as_str()).collect(),
            source: p.source,
        }
    }
}

/// The protocol object as a JSON value.
pub fn protocol_json(p: &Protocol) -> Value {
    serde_json::to_value(ProtocolJson::of(p)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct BlockJson<'a> {
    id: &'a str,
    at: String,
    kind: &'static str,
    region: Option<&'a str>,
    levels: &'a [String],
    side: Option<&'static str>,
    anesthetic: &'static str,
    steroid: bool,
    sedation: &'static str,
    comparison: &'static str,
    baseline: Option<f64>,
    baseline_readings: usize,
    post_readings: usize,
    peak_relief_pct: Option<f64>,
    peak_at: Option<String>,
    onset_minutes: Option<i64>,
    sustained_readings: Option<usize>,
    relief_duration_minutes: Option<i64>,
    relief_ongoing: Option<bool>,
    window_closes_at: Option<String>,
    same_target_as: &'a [String],
    classification: &'static str,
    reasons: Vec<&'static str>,
    flags: Vec<&'static str>,
}

impl<'a> BlockJson<'a> {
    fn of(b: &'a BlockEvaluation) -> Self {
        BlockJson {
            id: &b.id,
            at: b.at.text(),
            kind: b.kind.as_str(),
            region: b.region.as_deref(),
            levels: &b.levels,
            side: b.side.map(|s| s.as_str()),
            anesthetic: b.anesthetic.as_str(),
            steroid: b.steroid,
            sedation: b.sedation.as_str(),
            comparison: b.comparison.as_str(),
            baseline: b.baseline.map(round1),
            baseline_readings: b.baseline_readings,
            post_readings: b.post_readings,
            peak_relief_pct: b.peak_relief_pct.map(round1),
            peak_at: b.peak_at.as_ref().map(|t| t.text()),
            onset_minutes: b.onset_minutes,
            sustained_readings: b.sustained_readings,
            relief_duration_minutes: b.relief_duration_minutes,
            relief_ongoing: b.relief_ongoing,
            window_closes_at: b.window_closes_at.as_ref().map(|t| t.text()),
            same_target_as: &b.same_target_as,
            classification: b.classification.as_str(),
            reasons: b.reasons.iter().map(|r| r.as_str()).collect(),
            flags: b.flags.iter().map(|f| f.as_str()).collect(),
        }
    }
}

#[derive(Serialize)]
struct VerdictJson {
    classification: Option<&'static str>,
    next_step: &'static str,
    next_step_reason: &'static str,
}

/// `by_protocol`: an object keyed by protocol name, in the table's order.
struct ByProtocol<'a>(&'a Evaluation);

impl Serialize for ByProtocol<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.by_protocol.len()))?;
        for v in &self.0.by_protocol {
            map.serialize_entry(
                v.name,
                &VerdictJson {
                    classification: v.classification.map(|c| c.as_str()),
                    next_step: v.next_step.as_str(),
                    next_step_reason: v.next_step_reason.as_str(),
                },
            )?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct EvaluationJson<'a> {
    schema: &'static str,
    file: &'a str,
    patient: Option<&'a str>,
    as_of: Option<String>,
    protocol: ProtocolJson<'a>,
    formula: &'static str,
    blocks: Vec<BlockJson<'a>>,
    /// The RFA follow-ups (SPEC §3.6), one object each.
    ablations: Vec<Value>,
    classification: Option<&'static str>,
    rfa_outcome: Option<&'static str>,
    next_step: &'static str,
    next_step_reason: &'static str,
    rationale: String,
    by_protocol: ByProtocol<'a>,
}

fn evaluation_struct<'a>(evaluation: &'a Evaluation, file: &'a str) -> EvaluationJson<'a> {
    EvaluationJson {
        schema: SCHEMA,
        file,
        patient: evaluation.patient.as_deref(),
        as_of: evaluation
            .as_of
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, false)),
        protocol: ProtocolJson::of(&evaluation.protocol),
        formula: FORMULA,
        blocks: evaluation.blocks.iter().map(BlockJson::of).collect(),
        ablations: evaluation
            .ablations
            .iter()
            .map(super::ablation_json::ablation_json)
            .collect(),
        classification: evaluation.classification.map(|c| c.as_str()),
        rfa_outcome: evaluation.rfa_outcome.map(|o| o.as_str()),
        next_step: evaluation.decision.step.as_str(),
        next_step_reason: evaluation.decision.reason.as_str(),
        rationale: rationale(evaluation),
        by_protocol: ByProtocol(evaluation),
    }
}

/// The evaluation of the diary read from `file` (the path as given, `-` for stdin).
pub fn evaluation_json(evaluation: &Evaluation, file: &str) -> Value {
    serde_json::to_value(evaluation_struct(evaluation, file)).unwrap_or(Value::Null)
}

/// One line of compact JSON (no trailing newline).
pub fn evaluation_line(evaluation: &Evaluation, file: &str) -> String {
    serde_json::to_string(&evaluation_struct(evaluation, file)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::Anesthetic;
    use crate::evaluation::tests::{block, diary, positive_scores};
    use crate::evaluation::{Protocol, evaluate_at};

    #[test]
    fn the_line_and_the_value_agree_and_keep_the_spec_order() {
        let d = diary(
            vec![block("b1", 0, Anesthetic::Lidocaine)],
            &positive_scores(0),
        );
        let e = evaluate_at(&d, &Protocol::default_protocol(), None, true).unwrap();
        let line = evaluation_line(&e, "d.json");
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value, evaluation_json(&e, "d.json"));
        let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "schema",
                "file",
                "patient",
                "as_of",
                "protocol",
                "formula",
                "blocks",
                "ablations",
                "classification",
                "rfa_outcome",
                "next_step",
                "next_step_reason",
                "rationale",
                "by_protocol"
            ]
        );
        assert_eq!(value["ablations"], serde_json::json!([]));
        assert_eq!(value["as_of"], Value::Null);
        assert_eq!(value["blocks"][0]["baseline"], serde_json::json!(8.0));
        assert!(line.contains("\"baseline\":8.0,"), "{line}");
    }
}
