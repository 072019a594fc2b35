//! Unknown fields at every level survive every rewrite unchanged (SPEC §1).
use crate::common;

use common::Env;
use serde_json::{Value, json};

fn diary_with_unknown_fields() -> Value {
    json!({
        "format": "paindiary",
        "x-top-first": {"nested": [1, 2, {"deep": [null, true, "é ✓"]}], "empty": {}},
        "version": 1,
        "patient": {"id": "PT-7", "name": "Ada", "score": "not a score here", "dob": null},
        "procedures": [
            {"id": "b1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
             "region": "lumbar", "levels": ["L4-L5"], "side": "left", "anesthetic": "lidocaine",
             "steroid": false, "sedation": "none", "note": null,
             "volume_ml": 0.5, "operator": {"name": "Dr X", "ids": [18446744073709551615u64, -42]},
             "fluoro_images": []}
        ],
        "entries": [
            {"id": "e1", "at": "2026-11-20T08:00:00Z", "score": 7.25, "activity": "standing",
             "relief": null, "medication": null, "note": null,
             "device": "watch", "hr": 72, "tiny": 1.5e-300, "huge": 1.7976931348623157e308},
            {"id": "e2", "at": "2026-11-20T09:00:00.125-07:00", "score": 6, "activity": null,
             "relief": 20, "medication": "none", "note": "n",
             "retracted": {"at": "2026-11-20T09:05:00-07:00", "reason": "typo", "by": "patient"},
             "history": [{"at": "2026-11-20T09:01:00-07:00", "score": 9, "custom": [1]}],
             "tags": ["a", "b"]}
        ],
        "x-top-last": "kept",
        "x-number": -0.0
    })
}

/// Every field of `before` is in `after` with the same value (records matched by id).
fn assert_kept(before: &Value, after: &Value, path: &str) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (k, v) in b {
                let sub = format!("{path}.{k}");
                let Some(w) = a.get(k) else {
                    panic!("{sub} was dropped");
                };
                assert_kept(v, w, &sub);
            }
        }
        (Value::Array(b), Value::Array(a))
            if path.ends_with("procedures") || path.ends_with("entries") =>
        {
            for record in b {
                let id = &record["id"];
                let other = a
                    .iter()
                    .find(|r| r["id"] == *id)
                    .unwrap_or_else(|| panic!("{path}: record {id} was dropped"));
                assert_kept(record, other, &format!("{path}[{id}]"));
            }
        }
        _ => assert_eq!(before, after, "{path} changed"),
    }
}

#[test]
fn unknown_fields_at_every_level_survive_log_and_block() {
    let env = Env::new();
    let original = diary_with_unknown_fields();
    env.write_diary(&serde_json::to_string_pretty(&original).unwrap());

    env.ok(&["log", "3", "--after", "1h"]);
    let after_log = env.diary_json();
    assert_kept(&original, &after_log, "");
    assert_eq!(after_log["entries"].as_array().unwrap().len(), 3);

    env.ok(&["block", "--anesthetic", "bupivacaine", "--at", "11:00"]);
    env.ok(&["log", "2", "--at", "11:30"]);
    let after_all = env.diary_json();
    assert_kept(&original, &after_all, "");
    assert_eq!(after_all["procedures"].as_array().unwrap().len(), 2);

    // Exactly: the untouched records are equal as JSON values, field by field.
    assert_eq!(after_all["patient"], original["patient"]);
    assert_eq!(after_all["procedures"][0], original["procedures"][0]);
    assert_eq!(after_all["entries"][0], original["entries"][0]);
    assert_eq!(after_all["entries"][1], original["entries"][1]);
    assert_eq!(after_all["x-top-first"], original["x-top-first"]);
    assert_eq!(after_all["x-top-last"], "kept");
    // Times keep the text they were written with.
    assert_eq!(after_all["entries"][0]["at"], "2026-11-20T08:00:00Z");
    assert_eq!(
        after_all["entries"][1]["at"],
        "2026-11-20T09:00:00.125-07:00"
    );
}

#[test]
fn unknown_fields_survive_when_optional_known_fields_are_absent() {
    let env = Env::new();
    env.write_diary(
        r#"{"version": 1, "format": "paindiary", "meta": {"app": "other"},
            "entries": [{"score": 5, "at": "2026-11-20T08:00:00-07:00", "id": "e1", "extra": [[]]}],
            "procedures": [{"anesthetic": "other", "at": "2026-11-20T07:00:00-07:00", "id": "b1", "x": 1}],
            "patient": {"mrn": "123"}}"#,
    );
    env.ok(&["log", "4"]);
    let d = env.diary_json();
    assert_eq!(d["meta"], json!({"app": "other"}));
    assert_eq!(d["patient"]["mrn"], "123");
    assert_eq!(d["entries"][0]["extra"], json!([[]]));
    assert_eq!(d["entries"][0]["score"], 5);
    assert_eq!(d["procedures"][0]["x"], 1);
    assert_eq!(d["procedures"][0]["anesthetic"], "other");
}

#[test]
fn the_backup_is_the_previous_version() {
    let env = Env::new();
    let text = serde_json::to_string_pretty(&diary_with_unknown_fields()).unwrap();
    env.write_diary(&text);
    env.ok(&["log", "3"]);
    assert_eq!(
        std::fs::read_to_string(env.path("diary.json.bak")).unwrap(),
        text
    );
    let first = std::fs::read(env.diary()).unwrap();
    env.ok(&["log", "4"]);
    assert_eq!(std::fs::read(env.path("diary.json.bak")).unwrap(), first);
}

#[test]
fn unknown_numbers_keep_every_digit() {
    // Numbers f64 cannot hold exactly (a 23-digit identifier, a 20-digit decimal) must not be
    // rounded by a rewrite: the program does not understand them, so it must not change them.
    let env = Env::new();
    env.write_diary(
        r#"{"format":"paindiary","version":1,
"x-lab":{"accession":12345678901234567890123,"ratio":0.12345678901234567891,"n":[-9223372036854775809]},
"procedures":[],
"entries":[{"id":"e1","at":"2026-11-20T08:00:00-07:00","score":7,"device_serial":98765432109876543210}]}"#,
    );
    env.ok(&["log", "5"]);
    let text = std::fs::read_to_string(env.diary()).unwrap();
    for digits in [
        "12345678901234567890123",
        "0.12345678901234567891",
        "-9223372036854775809",
        "98765432109876543210",
    ] {
        assert!(text.contains(digits), "{digits} was changed: {text}");
    }
}
