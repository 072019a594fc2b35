//! The example diaries (examples/diaries/) evaluated by the real binary, checked against the
//! results derived by hand from SPEC §3 (see examples/diaries/README.md), plus byte-for-byte
//! snapshots of the JSON and table output in tests/snapshots/.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test --test it examples::` rewrites the snapshots; review the diff.

use crate::common::{self, NOW_LATER as NOW, UTC};
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The binary, run from the repository root with a fixed, clean environment.
fn paindiary() -> Command {
    common::in_repo(NOW, UTC)
}

/// The path of an example diary, relative to the repository root (as given to the binary).
fn diary(name: &str) -> String {
    format!("examples/diaries/{name}.json")
}

/// Run `paindiary evaluate ARGS`; returns (exit code, stdout, stderr).
fn evaluate(args: &[&str]) -> (i32, String, String) {
    let output = paindiary()
        .arg("evaluate")
        .args(args)
        .output()
        .expect("run paindiary");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// `evaluate NAME --format json --protocol P`, which must succeed: the stdout text.
fn evaluate_json_text(name: &str, protocol: &str) -> String {
    let file = diary(name);
    let (code, out, err) = evaluate(&[&file, "--format", "json", "--protocol", protocol]);
    assert_eq!(code, 0, "{file}: exit {code}, stderr: {err}");
    assert!(err.is_empty(), "{file}: unexpected stderr: {err}");
    out
}

fn evaluate_json(name: &str, protocol: &str) -> Value {
    let out = evaluate_json_text(name, protocol);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {out}"))
}

/// What SPEC §3 says about one block, derived by hand.
struct BlockExpect {
    id: &'static str,
    at: &'static str,
    anesthetic: &'static str,
    baseline: f64,
    baseline_readings: u64,
    post_readings: u64,
    peak_relief_pct: f64,
    peak_at: &'static str,
    sustained_readings: u64,
    /// `None`: no run.
    relief_duration_minutes: Option<i64>,
    relief_ongoing: bool,
    classification: &'static str,
    reasons: &'static [&'static str],
    flags: &'static [&'static str],
}

/// What SPEC §3 says about one example diary under one protocol.
struct Expect {
    name: &'static str,
    protocol: &'static str,
    patient: &'static str,
    blocks: &'static [BlockExpect],
    classification: &'static str,
    next_step: &'static str,
    next_step_reason: &'static str,
}

/// The expectation table of examples/diaries/README.md.
const EXPECTED: &[Expect] = &[
    Expect {
        name: "positive-single-block",
        protocol: "asra",
        patient: "PT-1001",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-03T09:30:00-07:00",
            anesthetic: "lidocaine",
            baseline: 8.0,
            baseline_readings: 3,
            post_readings: 11,
            peak_relief_pct: 75.0,
            peak_at: "2026-11-03T10:15:00-07:00",
            sustained_readings: 5,
            relief_duration_minutes: Some(180),
            relief_ongoing: false,
            classification: "positive",
            reasons: &[],
            flags: &[],
        }],
        classification: "positive",
        next_step: "rfa",
        next_step_reason: "criteria-met",
    },
    Expect {
        name: "negative",
        protocol: "asra",
        patient: "PT-1002",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-10T13:00:00-05:00",
            anesthetic: "bupivacaine",
            baseline: 6.5,
            baseline_readings: 4,
            post_readings: 11,
            peak_relief_pct: 23.1,
            peak_at: "2026-11-10T13:45:00-05:00",
            sustained_readings: 0,
            relief_duration_minutes: None,
            relief_ongoing: false,
            classification: "negative",
            reasons: &[],
            flags: &["minimal-sedation"],
        }],
        classification: "negative",
        next_step: "further-workup",
        next_step_reason: "negative",
    },
    Expect {
        name: "partial-relief",
        protocol: "asra",
        patient: "PT-1003",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-05T10:00:00-06:00",
            anesthetic: "lidocaine",
            baseline: 7.0,
            baseline_readings: 3,
            post_readings: 11,
            peak_relief_pct: 42.9,
            peak_at: "2026-11-05T10:45:00-06:00",
            sustained_readings: 0,
            relief_duration_minutes: None,
            relief_ongoing: false,
            classification: "inconclusive",
            reasons: &["partial-relief"],
            flags: &[],
        }],
        classification: "inconclusive",
        next_step: "further-workup",
        next_step_reason: "partial-relief",
    },
    Expect {
        name: "not-sustained",
        protocol: "asra",
        patient: "PT-1004",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-12T08:30:00-08:00",
            anesthetic: "lidocaine",
            baseline: 8.0,
            baseline_readings: 4,
            post_readings: 11,
            peak_relief_pct: 62.5,
            peak_at: "2026-11-12T09:15:00-08:00",
            sustained_readings: 1,
            relief_duration_minutes: Some(45),
            relief_ongoing: false,
            classification: "inconclusive",
            reasons: &["not-sustained"],
            flags: &[],
        }],
        classification: "inconclusive",
        next_step: "repeat-block",
        next_step_reason: "not-sustained",
    },
    Expect {
        name: "sedation-confounded",
        protocol: "asra",
        patient: "PT-1005",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-17T11:00:00-07:00",
            anesthetic: "bupivacaine",
            baseline: 7.0,
            baseline_readings: 2,
            post_readings: 11,
            peak_relief_pct: 85.7,
            peak_at: "2026-11-17T11:15:00-07:00",
            sustained_readings: 6,
            relief_duration_minutes: Some(180),
            relief_ongoing: false,
            classification: "inconclusive",
            reasons: &["sedation"],
            flags: &[],
        }],
        classification: "inconclusive",
        next_step: "repeat-block",
        next_step_reason: "sedation",
    },
    Expect {
        name: "dual-confirmed",
        protocol: "dual",
        patient: "PT-1006",
        blocks: &[
            BlockExpect {
                id: "b1",
                at: "2026-10-06T10:00:00-04:00",
                anesthetic: "lidocaine",
                baseline: 7.5,
                baseline_readings: 4,
                post_readings: 11,
                peak_relief_pct: 73.3,
                peak_at: "2026-10-06T10:45:00-04:00",
                sustained_readings: 4,
                relief_duration_minutes: Some(120),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
            BlockExpect {
                id: "b2",
                at: "2026-10-27T10:00:00-04:00",
                anesthetic: "bupivacaine",
                baseline: 8.0,
                baseline_readings: 3,
                post_readings: 11,
                peak_relief_pct: 87.5,
                peak_at: "2026-10-27T11:00:00-04:00",
                sustained_readings: 10,
                // Extended past the 8-h window by the 9-h score of 4 (50 %).
                relief_duration_minutes: Some(540),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
        ],
        classification: "positive",
        next_step: "rfa",
        next_step_reason: "criteria-met",
    },
    Expect {
        name: "discordant-blocks",
        protocol: "dual",
        patient: "PT-1007",
        blocks: &[
            BlockExpect {
                id: "b1",
                at: "2026-11-02T10:00:00+01:00",
                anesthetic: "lidocaine",
                baseline: 6.5,
                baseline_readings: 4,
                post_readings: 11,
                peak_relief_pct: 23.1,
                peak_at: "2026-11-02T10:45:00+01:00",
                sustained_readings: 0,
                relief_duration_minutes: None,
                relief_ongoing: false,
                classification: "negative",
                reasons: &[],
                flags: &[],
            },
            BlockExpect {
                id: "b2",
                at: "2026-11-19T10:00:00+01:00",
                anesthetic: "bupivacaine",
                baseline: 7.0,
                baseline_readings: 4,
                post_readings: 11,
                peak_relief_pct: 71.4,
                peak_at: "2026-11-19T10:45:00+01:00",
                sustained_readings: 5,
                relief_duration_minutes: Some(180),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
        ],
        classification: "positive",
        next_step: "further-workup",
        next_step_reason: "discordant-blocks",
    },
    Expect {
        name: "comparative-concordant-sis",
        protocol: "sis",
        patient: "PT-1008",
        blocks: &[
            BlockExpect {
                id: "b1",
                at: "2026-10-13T09:00:00+11:00",
                anesthetic: "lidocaine",
                baseline: 6.0,
                baseline_readings: 4,
                post_readings: 11,
                peak_relief_pct: 100.0,
                peak_at: "2026-10-13T09:30:00+11:00",
                sustained_readings: 4,
                relief_duration_minutes: Some(120),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
            BlockExpect {
                id: "b2",
                at: "2026-10-27T09:00:00+11:00",
                anesthetic: "bupivacaine",
                baseline: 6.0,
                baseline_readings: 4,
                post_readings: 11,
                peak_relief_pct: 100.0,
                peak_at: "2026-10-27T09:30:00+11:00",
                sustained_readings: 7,
                relief_duration_minutes: Some(300),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
        ],
        classification: "positive",
        next_step: "rfa",
        next_step_reason: "criteria-met",
    },
    Expect {
        name: "cms-short-interval",
        protocol: "cms",
        patient: "PT-1009",
        blocks: &[
            BlockExpect {
                id: "b1",
                at: "2026-11-03T08:30:00-06:00",
                anesthetic: "lidocaine",
                baseline: 8.0,
                baseline_readings: 3,
                post_readings: 11,
                peak_relief_pct: 100.0,
                peak_at: "2026-11-03T09:30:00-06:00",
                sustained_readings: 4,
                relief_duration_minutes: Some(120),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
            BlockExpect {
                id: "b2",
                at: "2026-11-13T08:30:00-06:00",
                anesthetic: "bupivacaine",
                baseline: 8.0,
                baseline_readings: 4,
                post_readings: 11,
                peak_relief_pct: 100.0,
                peak_at: "2026-11-13T09:30:00-06:00",
                sustained_readings: 10,
                // The run reaches the last entry of the diary: relief still going on.
                relief_duration_minutes: Some(480),
                relief_ongoing: true,
                classification: "positive",
                reasons: &[],
                flags: &["short-interval"],
            },
        ],
        classification: "positive",
        next_step: "repeat-block",
        next_step_reason: "short-interval",
    },
    Expect {
        name: "analgesic",
        protocol: "asra",
        patient: "PT-1010",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-18T14:00:00-05:00",
            anesthetic: "lidocaine",
            baseline: 7.0,
            baseline_readings: 3,
            post_readings: 11,
            peak_relief_pct: 85.7,
            peak_at: "2026-11-18T16:00:00-05:00",
            sustained_readings: 6,
            relief_duration_minutes: Some(240),
            relief_ongoing: false,
            classification: "inconclusive",
            reasons: &["analgesic"],
            flags: &["ppr-discordant"],
        }],
        classification: "inconclusive",
        next_step: "repeat-block",
        next_step_reason: "analgesic",
    },
    Expect {
        name: "low-baseline",
        protocol: "asra",
        patient: "PT-1011",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-24T09:00:00+00:00",
            anesthetic: "bupivacaine",
            baseline: 3.3,
            baseline_readings: 3,
            post_readings: 11,
            peak_relief_pct: 100.0,
            peak_at: "2026-11-24T10:00:00+00:00",
            sustained_readings: 4,
            relief_duration_minutes: Some(120),
            relief_ongoing: false,
            classification: "inconclusive",
            reasons: &["low-baseline"],
            flags: &["steroid", "no-provocation"],
        }],
        classification: "inconclusive",
        next_step: "repeat-block",
        next_step_reason: "low-baseline",
    },
    Expect {
        name: "window-open",
        protocol: "asra",
        patient: "PT-1012",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-26T08:30:00+01:00",
            anesthetic: "lidocaine",
            baseline: 7.5,
            baseline_readings: 2,
            post_readings: 5,
            peak_relief_pct: 73.3,
            peak_at: "2026-11-26T09:30:00+01:00",
            sustained_readings: 4,
            relief_duration_minutes: Some(120),
            relief_ongoing: true,
            classification: "inconclusive",
            reasons: &["window-open"],
            flags: &[],
        }],
        classification: "inconclusive",
        next_step: "continue-diary",
        next_step_reason: "window-open",
    },
    Expect {
        name: "late-onset",
        protocol: "asra",
        patient: "PT-1013",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-17T09:00:00-07:00",
            anesthetic: "bupivacaine",
            baseline: 7.0,
            baseline_readings: 2,
            post_readings: 11,
            peak_relief_pct: 71.4,
            peak_at: "2026-11-17T15:00:00-07:00",
            sustained_readings: 5,
            relief_duration_minutes: Some(480),
            relief_ongoing: false,
            classification: "inconclusive",
            reasons: &["late-onset"],
            flags: &["steroid"],
        }],
        classification: "inconclusive",
        next_step: "repeat-block",
        next_step_reason: "late-onset",
    },
    Expect {
        name: "provoked-baseline",
        protocol: "asra",
        patient: "PT-1014",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-19T10:00:00-07:00",
            anesthetic: "lidocaine",
            baseline: 8.0,
            baseline_readings: 1,
            post_readings: 10,
            peak_relief_pct: 87.5,
            peak_at: "2026-11-19T10:30:00-07:00",
            sustained_readings: 5,
            relief_duration_minutes: Some(180),
            relief_ongoing: false,
            classification: "positive",
            reasons: &[],
            flags: &[],
        }],
        classification: "positive",
        next_step: "rfa",
        next_step_reason: "criteria-met",
    },
    Expect {
        name: "other-side",
        protocol: "dual",
        patient: "PT-1015",
        blocks: &[
            BlockExpect {
                id: "b1",
                at: "2026-11-03T09:00:00-07:00",
                anesthetic: "lidocaine",
                baseline: 8.0,
                baseline_readings: 2,
                post_readings: 5,
                peak_relief_pct: 75.0,
                peak_at: "2026-11-03T09:30:00-07:00",
                sustained_readings: 3,
                relief_duration_minutes: Some(120),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
            BlockExpect {
                id: "b2",
                at: "2026-11-17T09:00:00-07:00",
                anesthetic: "lidocaine",
                baseline: 8.0,
                baseline_readings: 2,
                post_readings: 5,
                peak_relief_pct: 75.0,
                peak_at: "2026-11-17T09:30:00-07:00",
                sustained_readings: 3,
                relief_duration_minutes: Some(120),
                relief_ongoing: false,
                classification: "positive",
                reasons: &[],
                flags: &[],
            },
        ],
        classification: "positive",
        next_step: "repeat-block",
        next_step_reason: "confirm",
    },
    Expect {
        name: "intra-articular",
        protocol: "asra",
        patient: "PT-1016",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-10T13:00:00-07:00",
            anesthetic: "bupivacaine",
            baseline: 7.0,
            baseline_readings: 2,
            post_readings: 10,
            peak_relief_pct: 85.7,
            peak_at: "2026-11-10T15:00:00-07:00",
            sustained_readings: 5,
            relief_duration_minutes: Some(240),
            relief_ongoing: false,
            classification: "positive",
            reasons: &[],
            flags: &[],
        }],
        classification: "positive",
        next_step: "repeat-block",
        next_step_reason: "prognostic-block",
    },
    Expect {
        name: "cms-outside-protocol",
        protocol: "cms",
        patient: "PT-1017",
        blocks: &[BlockExpect {
            id: "b1",
            at: "2026-11-05T10:00:00-07:00",
            anesthetic: "lidocaine",
            baseline: 7.5,
            baseline_readings: 2,
            post_readings: 10,
            peak_relief_pct: 86.7,
            peak_at: "2026-11-05T10:30:00-07:00",
            sustained_readings: 3,
            relief_duration_minutes: Some(120),
            relief_ongoing: false,
            classification: "positive",
            reasons: &[],
            flags: &[],
        }],
        classification: "positive",
        next_step: "clinician-review",
        next_step_reason: "outside-protocol",
    },
];

fn expected(name: &str) -> &'static Expect {
    EXPECTED
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no expectation for {name}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")))
        .collect()
}

/// Evaluate the diary under its protocol and compare key by key with the hand derivation.
fn check(name: &str) {
    let e = expected(name);
    let json = evaluate_json(e.name, e.protocol);
    let ctx = |key: &str| format!("{} ({}): {key}", e.name, e.protocol);

    assert_eq!(json["file"], diary(e.name).as_str(), "{}", ctx("file"));
    assert_eq!(json["patient"], e.patient, "{}", ctx("patient"));
    assert_eq!(
        json["protocol"]["name"],
        e.protocol,
        "{}",
        ctx("protocol.name")
    );
    let blocks = json["blocks"].as_array().expect("blocks is an array");
    assert_eq!(blocks.len(), e.blocks.len(), "{}", ctx("blocks"));
    for (b, x) in blocks.iter().zip(e.blocks) {
        let key = |k: &str| ctx(&format!("{}.{k}", x.id));
        assert_eq!(b["id"], x.id, "{}", key("id"));
        assert_eq!(b["at"], x.at, "{}", key("at"));
        assert_eq!(b["anesthetic"], x.anesthetic, "{}", key("anesthetic"));
        assert_eq!(
            b["classification"],
            x.classification,
            "{}",
            key("classification")
        );
        assert_eq!(strings(&b["reasons"]), x.reasons, "{}", key("reasons"));
        assert_eq!(strings(&b["flags"]), x.flags, "{}", key("flags"));
        assert_eq!(
            b["baseline"].as_f64(),
            Some(x.baseline),
            "{}",
            key("baseline")
        );
        assert_eq!(
            b["baseline_readings"].as_u64(),
            Some(x.baseline_readings),
            "{}",
            key("baseline_readings")
        );
        assert_eq!(
            b["post_readings"].as_u64(),
            Some(x.post_readings),
            "{}",
            key("post_readings")
        );
        assert_eq!(
            b["peak_relief_pct"].as_f64(),
            Some(x.peak_relief_pct),
            "{}",
            key("peak_relief_pct")
        );
        assert_eq!(b["peak_at"], x.peak_at, "{}", key("peak_at"));
        assert_eq!(
            b["sustained_readings"].as_u64(),
            Some(x.sustained_readings),
            "{}",
            key("sustained_readings")
        );
        assert_eq!(
            b["relief_duration_minutes"].as_i64(),
            x.relief_duration_minutes,
            "{}",
            key("relief_duration_minutes")
        );
        if x.relief_duration_minutes.is_none() {
            assert!(
                b["relief_duration_minutes"].is_null(),
                "{}",
                key("relief_duration_minutes")
            );
        }
        assert_eq!(
            b["relief_ongoing"].as_bool(),
            Some(x.relief_ongoing),
            "{}",
            key("relief_ongoing")
        );
    }
    assert_eq!(
        json["classification"],
        e.classification,
        "{}",
        ctx("classification")
    );
    assert_eq!(json["next_step"], e.next_step, "{}", ctx("next_step"));
    assert_eq!(
        json["next_step_reason"],
        e.next_step_reason,
        "{}",
        ctx("next_step_reason")
    );
    let rationale = json["rationale"].as_str().expect("rationale is a string");
    assert!(!rationale.trim().is_empty(), "{}", ctx("rationale"));
}

#[test]
fn positive_single_block_gives_rfa() {
    check("positive-single-block");
}

#[test]
fn negative_gives_further_workup() {
    check("negative");
}

#[test]
fn partial_relief_gives_further_workup() {
    check("partial-relief");
}

#[test]
fn not_sustained_gives_repeat_block() {
    check("not-sustained");
}

#[test]
fn sedation_confounded_gives_repeat_block() {
    check("sedation-confounded");
}

#[test]
fn dual_confirmed_gives_rfa() {
    check("dual-confirmed");
}

#[test]
fn discordant_blocks_gives_further_workup() {
    check("discordant-blocks");
}

/// "under any protocol an earlier negative block makes a later positive one
/// `discordant-blocks`" (SPEC §3): also with the single-block default.
#[test]
fn discordant_blocks_under_asra_too() {
    let json = evaluate_json("discordant-blocks", "asra");
    assert_eq!(json["blocks"][0]["classification"], "negative");
    assert_eq!(json["blocks"][1]["classification"], "positive");
    assert_eq!(json["next_step"], "further-workup");
    assert_eq!(json["next_step_reason"], "discordant-blocks");
}

/// Under `asra` one positive block is enough: the second positive block of the dual work-up
/// still gives `rfa`, and the first alone would have too.
#[test]
fn dual_confirmed_under_asra() {
    let json = evaluate_json("dual-confirmed", "asra");
    assert_eq!(json["next_step"], "rfa");
    assert_eq!(json["next_step_reason"], "criteria-met");
}

#[test]
fn comparative_concordant_sis_gives_rfa() {
    check("comparative-concordant-sis");
}

/// Under `asipp` (T 80, provocation required) the complete relief of both comparative blocks,
/// rated while turning the head, is positive: two positive blocks → `rfa`.
#[test]
fn comparative_blocks_under_asipp() {
    let json = evaluate_json("comparative-concordant-sis", "asipp");
    let classes: Vec<_> = json["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .map(|b| b["classification"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(classes, ["positive", "positive"]);
    assert_eq!(json["next_step"], "rfa");
}

#[test]
fn cms_short_interval_gives_repeat_block() {
    check("cms-short-interval");
}

#[test]
fn analgesic_gives_repeat_block() {
    check("analgesic");
}

#[test]
fn low_baseline_gives_repeat_block() {
    check("low-baseline");
}

#[test]
fn every_example_diary_has_an_expectation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/diaries");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/diaries")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_string)
        })
        // The RFA diaries are checked by tests/examples_rfa.rs.
        .filter(|name| !name.starts_with("rfa-"))
        .collect();
    names.sort();
    let mut known: Vec<String> = EXPECTED.iter().map(|e| e.name.to_string()).collect();
    known.sort();
    assert_eq!(names, known);
}

// ---------------------------------------------------------------------------------------------
// The shape of the JSON output.

const TOP_KEYS: &[&str] = &[
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
    "by_protocol",
];
const PROTOCOL_KEYS: &[&str] = &[
    "name",
    "threshold_pct",
    "partial_pct",
    "blocks_required",
    "min_sustained",
    "min_baseline",
    "min_post_readings",
    "window_minutes",
    "baseline_window_minutes",
    "max_onset_minutes",
    "analgesic_lookback_minutes",
    "requires_provocation",
    "requires_concordance",
    "min_interval_days",
    "kinds",
];
const BLOCK_KEYS: &[&str] = &[
    "id",
    "at",
    "kind",
    "region",
    "levels",
    "side",
    "anesthetic",
    "steroid",
    "sedation",
    "comparison",
    "baseline",
    "baseline_readings",
    "post_readings",
    "peak_relief_pct",
    "peak_at",
    "onset_minutes",
    "sustained_readings",
    "relief_duration_minutes",
    "relief_ongoing",
    "window_closes_at",
    "same_target_as",
    "classification",
    "reasons",
    "flags",
];

/// Every key of `keys` is in `value`, and they come in that order (SPEC §3.7's example);
/// keys the SPEC's example does not show may only follow them.
fn assert_keys(value: &Value, keys: &[&str], what: &str) {
    let map = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object"));
    let actual: Vec<&str> = map.keys().map(String::as_str).collect();
    assert!(
        actual.len() >= keys.len() && actual[..keys.len()] == *keys,
        "{what}: keys {actual:?}, expected {keys:?} first, in that order"
    );
}

#[test]
fn json_output_is_one_line_with_every_spec_key() {
    for e in EXPECTED {
        let out = evaluate_json_text(e.name, e.protocol);
        assert!(out.ends_with('\n'), "{}: no final newline", e.name);
        assert_eq!(out.matches('\n').count(), 1, "{}: not one line", e.name);
        let json: Value = serde_json::from_str(&out)
            .unwrap_or_else(|err| panic!("{}: not valid JSON ({err})", e.name));
        assert_keys(&json, TOP_KEYS, e.name);
        assert_keys(
            &json["protocol"],
            PROTOCOL_KEYS,
            &format!("{}.protocol", e.name),
        );
        for b in json["blocks"].as_array().expect("blocks is an array") {
            assert_keys(b, BLOCK_KEYS, &format!("{}.blocks[]", e.name));
        }
        assert_eq!(json["schema"], "paindiary.evaluation.v2");
        let by: Vec<&str> = json["by_protocol"]
            .as_object()
            .expect("by_protocol is an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(by, ["asra", "dual", "cms", "asipp", "sis"], "{}", e.name);
        for v in json["by_protocol"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            assert_keys(
                v,
                &["classification", "next_step", "next_step_reason"],
                e.name,
            );
        }
        assert_eq!(json["ablations"], serde_json::json!([]));
        assert_eq!(json["rfa_outcome"], Value::Null);
        assert_eq!(
            json["formula"],
            "relief_pct = (baseline - score) / baseline * 100"
        );
        assert!(
            !out.contains('\u{1b}'),
            "{}: escape sequence in JSON",
            e.name
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Several files at once.

#[test]
fn several_files_print_one_line_each_in_the_given_order() {
    // Not in alphabetical order, so that the order of the output proves something.
    let files: Vec<String> = EXPECTED.iter().rev().map(|e| diary(e.name)).collect();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["--format", "json"]);
    let (code, out, err) = evaluate(&args);
    assert_eq!(code, 0, "stderr: {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        let json: Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(json["file"], file.as_str());
        assert_eq!(json["protocol"]["name"], "asra");
        // The same as evaluating that file alone.
        let name = file
            .trim_start_matches("examples/diaries/")
            .trim_end_matches(".json");
        assert_eq!(format!("{line}\n"), evaluate_json_text(name, "asra"));
    }
}

#[test]
fn a_bad_file_among_several_gives_exit_1_and_the_others_are_printed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bad = dir.path().join("bad.json");
    let text = std::fs::read_to_string(diary_path("negative"))
        .expect("read negative.json")
        .replacen("\"score\":6", "\"score\":11", 1);
    std::fs::write(&bad, text).expect("write bad.json");
    let bad = bad.display().to_string();
    let first = diary("positive-single-block");
    let last = diary("partial-relief");
    let (code, out, err) = evaluate(&[&first, &bad, &last, "--format", "json"]);
    assert_eq!(code, 1, "stdout: {out}\nstderr: {err}");
    let files: Vec<String> = out
        .lines()
        .map(|l| {
            let json: Value = serde_json::from_str(l).expect("each line is JSON");
            json["file"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(files, [first, last]);
    assert!(err.contains(&bad), "stderr names the bad file: {err}");
    assert!(
        err.contains("entries[0].score"),
        "stderr names the path: {err}"
    );
}

fn diary_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(diary(name))
}

// ---------------------------------------------------------------------------------------------
// Snapshots: the full output, byte for byte.

/// Compare `actual` with tests/snapshots/`file`; with `UPDATE_SNAPSHOTS=1`, write it instead.
/// Returns a description of the difference, if any.
fn snapshot(file: &str, actual: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(file);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create tests/snapshots");
        }
        std::fs::write(&path, actual).expect("write snapshot");
        return None;
    }
    let stored = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            return Some(format!(
                "{file}: cannot read the snapshot ({e}); run with UPDATE_SNAPSHOTS=1"
            ));
        }
    };
    if stored == actual {
        return None;
    }
    let line = stored
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| stored.lines().count().min(actual.lines().count()));
    Some(format!(
        "{file}: differs from the snapshot at line {}\n  stored: {:?}\n  actual: {:?}",
        line + 1,
        stored.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}

#[test]
fn snapshots_of_json_and_table_output() {
    let mut failures = Vec::new();
    for e in EXPECTED {
        let json = evaluate_json_text(e.name, e.protocol);
        failures.extend(snapshot(&format!("{}.json", e.name), &json));

        let file = diary(e.name);
        let (code, table, err) = evaluate(&[&file, "--protocol", e.protocol]);
        assert_eq!(code, 0, "{file}: stderr: {err}");
        assert!(!table.contains('\u{1b}'), "{file}: colour in piped output");
        failures.extend(snapshot(&format!("{}.txt", e.name), &table));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
