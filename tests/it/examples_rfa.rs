//! The RFA example diaries (examples/diaries/rfa-*.json, written by rfa_examples.py) checked
//! through the SPEC §3.6 follow-up against the values derived by hand in
//! examples/diaries/README.md ("After RFA").

use crate::common::{self, NOW, TZ};
use paindiary::diary::{Entry, parse_diary};
use paindiary::evaluation::{NextStep, Protocol, RfaReason, after_rfa, follow_up};
use paindiary::render::ablation_json::ablation_json;

/// (file, outcome, baseline readings, follow-up readings, peak %, relief days, ongoing,
/// next step, reason) under `asra`, as of the diary's last entry.
type Expect = (
    &'static str,
    &'static str,
    usize,
    usize,
    Option<f64>,
    Option<i64>,
    Option<bool>,
    NextStep,
    RfaReason,
);

const EXPECTED: [Expect; 8] = [
    (
        "healing",
        "healing",
        2,
        0,
        None,
        None,
        Some(false),
        NextStep::ContinueDiary,
        RfaReason::RfaHealing,
    ),
    (
        "unknown",
        "unknown",
        0,
        46,
        None,
        None,
        None,
        NextStep::ClinicianReview,
        RfaReason::RfaBaseline,
    ),
    (
        "too-early",
        "too-early",
        2,
        1,
        Some(73.3),
        None,
        Some(false),
        NextStep::ContinueDiary,
        RfaReason::RfaFollowUp,
    ),
    (
        "relief-ongoing",
        "relief-ongoing",
        2,
        46,
        Some(80.0),
        Some(336),
        Some(true),
        NextStep::ContinueDiary,
        RfaReason::RfaReliefOngoing,
    ),
    (
        "durable",
        "durable",
        2,
        46,
        Some(80.0),
        Some(210),
        Some(false),
        NextStep::RepeatRfa,
        RfaReason::DurableRelief,
    ),
    (
        "uncertain",
        "uncertain",
        2,
        42,
        Some(80.0),
        Some(161),
        Some(false),
        NextStep::ClinicianReview,
        RfaReason::RfaDurationUncertain,
    ),
    (
        "worse",
        "worse",
        2,
        46,
        Some(20.0),
        None,
        Some(false),
        NextStep::ClinicianReview,
        RfaReason::RfaWorse,
    ),
    (
        "failed",
        "failed",
        2,
        46,
        Some(80.0),
        Some(91),
        Some(false),
        NextStep::FurtherWorkup,
        RfaReason::RfaFailed,
    ),
];

const WINDOW_NS: i128 = 8 * 3600 * 1_000_000_000;

#[test]
fn every_rfa_example_has_its_outcome() {
    for (name, outcome, base_n, follow_n, peak, days, ongoing, step, reason) in EXPECTED {
        let path = format!(
            "{}/examples/diaries/rfa-{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let diary = parse_diary(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        let [block, rfa] = &diary.procedures[..] else {
            panic!("{path}: a block and an RFA")
        };
        assert!(block.is_block() && !rfa.is_block(), "{path}");
        // The block's relief run ends inside its 8-hour window (its 15:30 and 17:30 readings
        // are not good), so its extension adds nothing: the RFA baseline starts after the
        // window.
        let baseline_after = block.at.instant() + WINDOW_NS;
        let entries: Vec<(i128, &Entry)> =
            diary.entries.iter().map(|e| (e.at.instant(), e)).collect();
        let as_of = entries.last().map(|e| e.0).unwrap();
        let asra = Protocol::default_protocol();
        let a = follow_up(rfa, &entries, Some(baseline_after), None, &asra, as_of);
        assert_eq!(a.outcome.as_str(), outcome, "{name}");
        assert_eq!(a.baseline_readings, base_n, "{name}");
        if base_n > 0 {
            assert_eq!(a.baseline, Some(7.5), "{name}");
        }
        assert_eq!(a.follow_up_readings, follow_n, "{name}");
        let json = ablation_json(&a);
        assert_eq!(json["peak_relief_pct"].as_f64(), peak, "{name}");
        assert_eq!(a.relief_duration_days, days, "{name}");
        assert_eq!(a.relief_ongoing, ongoing, "{name}");
        assert_eq!((a.threshold_pct, a.min_days), (50.0, 182), "{name}");
        let d = after_rfa(&a, &[], rfa, &asra, as_of);
        assert_eq!((d.step, d.reason), (step, reason), "{name}");
        // Under cms the durable result is more than 730 days old two years later.
        if name == "durable" {
            let cms = Protocol::named("cms").unwrap();
            let later = rfa.at.instant() + 731 * 86_400 * 1_000_000_000;
            let d = after_rfa(&a, &[], rfa, &cms, later);
            assert_eq!(
                (d.step, d.reason),
                (NextStep::RepeatBlock, RfaReason::RfaLongAgo)
            );
        }
    }
}

#[test]
fn every_rfa_example_has_an_expectation() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/diaries");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/diaries")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| Some(n.strip_prefix("rfa-")?.strip_suffix(".json")?.to_string()))
        .collect();
    names.sort();
    let mut known: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    known.sort();
    assert_eq!(names, known);
}

/// The same through `paindiary evaluate --format json --as-of <last entry>`: the wiring of
/// SPEC §3.6 into the evaluation (baseline after the block's window and relief run, the
/// `ablations` array, `rfa_outcome`, top-level `classification` null, the next step).
#[test]
fn evaluate_gives_every_rfa_example_its_outcome_and_next_step() {
    for (name, outcome, base_n, follow_n, peak, days, ongoing, step, reason) in EXPECTED {
        let path = format!(
            "{}/examples/diaries/rfa-{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let diary = parse_diary(&bytes).unwrap();
        let last = diary.entries.last().unwrap().at.text();
        let out = common::in_repo(NOW, TZ)
            .args(["evaluate", "--format", "json", "--as-of", &last, &path])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["classification"], serde_json::Value::Null, "{name}");
        assert_eq!(v["rfa_outcome"], outcome, "{name}");
        assert_eq!(v["next_step"], step.as_str(), "{name}");
        assert_eq!(v["next_step_reason"], reason.as_str(), "{name}");
        let a = &v["ablations"][0];
        assert_eq!(v["ablations"].as_array().map(Vec::len), Some(1), "{name}");
        assert_eq!(a["id"], "b2", "{name}");
        assert_eq!(a["outcome"], outcome, "{name}");
        assert_eq!(a["baseline_readings"], base_n, "{name}");
        assert_eq!(a["follow_up_readings"], follow_n, "{name}");
        assert_eq!(a["peak_relief_pct"].as_f64(), peak, "{name}");
        assert_eq!(a["relief_duration_days"].as_i64(), days, "{name}");
        assert_eq!(a["relief_ongoing"].as_bool(), ongoing, "{name}");
        assert_eq!(
            (a["threshold_pct"].as_f64(), a["min_days"].as_i64()),
            (Some(50.0), Some(182))
        );
        for p in ["asra", "dual", "cms", "asipp", "sis"] {
            assert_eq!(
                v["by_protocol"][p]["classification"],
                serde_json::Value::Null
            );
        }
    }
}
