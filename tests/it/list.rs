//! `list` as a table, JSON (SPEC §2 shape) and CSV.
use crate::common;

use common::{Env, SMALL_DIARY};
use serde_json::{Value, json};

/// SMALL_DIARY (baseline 7 before b1 at 09:30) plus three readings after the block.
fn diary_with_post_readings() -> Env {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    env.ok(&["log", "2", "--after", "30m", "--activity", "standing"]);
    env.ok(&["log", "7", "--at", "2026-11-20T10:30:59-07:00"]);
    env.ok(&[
        "log",
        "8",
        "--after",
        "1h30m",
        "--note",
        "worse, \"much\" worse",
        "--relief",
        "10",
    ]);
    env
}

#[test]
fn json_has_the_diary_fields_then_block_minutes_and_relief() {
    let env = diary_with_post_readings();
    let out = env.ok(&["list", "--format", "json"]);
    assert!(out.ends_with("]\n"), "{out}");
    assert_eq!(out.lines().count(), 1, "compact: {out}");
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        rows,
        json!([
            {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 8, "activity": "standing",
             "relief": null, "medication": null, "note": null,
             "block": null, "minutes_after_block": null, "relief_pct": null},
            {"id": "e2", "at": "2026-11-20T09:00:00-07:00", "score": 6, "activity": "standing",
             "relief": null, "medication": null, "note": null,
             "block": null, "minutes_after_block": null, "relief_pct": null},
            {"id": "e3", "at": "2026-11-20T10:00:00-07:00", "score": 2, "activity": "standing",
             "relief": null, "medication": null, "note": null,
             "block": "b1", "minutes_after_block": 30, "relief_pct": 71.4},
            {"id": "e4", "at": "2026-11-20T10:30:59-07:00", "score": 7, "activity": null,
             "relief": null, "medication": null, "note": null,
             "block": "b1", "minutes_after_block": 60, "relief_pct": 0.0},
            {"id": "e5", "at": "2026-11-20T11:00:00-07:00", "score": 8, "activity": null,
             "relief": 10, "medication": null, "note": "worse, \"much\" worse",
             "block": "b1", "minutes_after_block": 90, "relief_pct": -14.3}
        ])
    );
    // Key order: the diary's fields first, then the computed ones.
    let keys: Vec<&String> = rows[2].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "at",
            "score",
            "activity",
            "relief",
            "medication",
            "note",
            "block",
            "minutes_after_block",
            "relief_pct"
        ]
    );
}

#[test]
fn json_relief_is_null_without_a_baseline_or_with_a_zero_baseline() {
    let env = Env::new();
    env.ok(&["block", "--anesthetic", "lidocaine", "--at", "09:00"]);
    env.ok(&["log", "3", "--at", "09:30"]);
    let rows: Value = serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(rows[0]["block"], "b1");
    assert_eq!(rows[0]["minutes_after_block"], 30);
    assert_eq!(rows[0]["relief_pct"], Value::Null);

    let env = Env::new();
    env.ok(&["log", "0", "--at", "08:00"]);
    env.ok(&["block", "--anesthetic", "lidocaine", "--at", "09:00"]);
    env.ok(&["log", "3", "--at", "09:30"]);
    let rows: Value = serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(rows[1]["block"], "b1");
    assert_eq!(rows[1]["relief_pct"], Value::Null);
}

#[test]
fn json_keeps_unknown_entry_fields_and_offsets() {
    let env = Env::new();
    env.write_diary(
        r#"{"format":"paindiary","version":1,"entries":[
        {"id":"e1","at":"2026-11-20T17:00:00+02:00","score":4.5,"mood":{"x":[1,2]}}]}"#,
    );
    let rows: Value = serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(rows[0]["at"], "2026-11-20T17:00:00+02:00");
    assert_eq!(rows[0]["score"], 4.5);
    assert_eq!(rows[0]["mood"], json!({"x": [1, 2]}));
}

#[test]
fn json_of_an_empty_diary_is_an_empty_array() {
    let env = Env::new();
    env.ok(&["init"]);
    assert_eq!(env.ok(&["list", "--format", "json"]), "[]\n");
}

#[test]
fn table_lists_every_entry_with_relief() {
    let env = diary_with_post_readings();
    let out = env.ok(&["list"]);
    let header = out.lines().nth(1).expect("header row");
    for column in ["id", "time", "score", "block", "after", "relief %"] {
        assert!(header.contains(column), "{header}");
    }
    let row = |id: &str| {
        out.lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("row {id} in {out}"))
            .to_string()
    };
    assert!(row("e1").contains("2026-11-20 08:00 -07:00"));
    let e3 = row("e3");
    for cell in ["b1", "30m", "71.4", "standing"] {
        assert!(e3.contains(cell), "{e3}");
    }
    assert!(row("e4").contains("1h"));
    assert!(row("e5").contains("-14.3"));
}

#[test]
fn table_of_an_empty_diary_says_so() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.ok(&["list"]);
    assert!(out.contains("No entries"), "{out}");
}

#[test]
fn csv_has_a_header_and_one_quoted_row_per_entry() {
    let env = diary_with_post_readings();
    let out = env.ok(&["list", "--format", "csv"]);
    assert!(!out.contains('\r'));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert_eq!(
        lines[0],
        "id,at,score,activity,relief,medication,note,block,minutes_after_block,relief_pct,retracted_at,retracted_reason"
    );
    assert_eq!(
        lines[3],
        "e3,2026-11-20T10:00:00-07:00,2,standing,,,,b1,30,71.4,,"
    );
    assert_eq!(
        lines[5],
        "e5,2026-11-20T11:00:00-07:00,8,,10,,\"worse, \"\"much\"\" worse\",b1,90,-14.3,,"
    );
}

#[test]
fn list_reads_without_writing() {
    let env = diary_with_post_readings();
    let before = common::sha256(&env.diary());
    let bak = common::sha256(&env.path("diary.json.bak"));
    for format in ["table", "json", "csv"] {
        env.ok(&["list", "--format", format]);
    }
    assert_eq!(common::sha256(&env.diary()), before);
    assert_eq!(common::sha256(&env.path("diary.json.bak")), bak);
}

#[test]
fn json_computed_keys_win_over_unknown_fields_of_the_same_name() {
    let env = Env::new();
    env.write_diary(
        r#"{"format":"paindiary","version":1,"procedures":[],"entries":[
        {"id":"e1","at":"2026-11-20T08:00:00-07:00","score":8,"block":"mine","mood":"ok"}]}"#,
    );
    let out = env.ok(&["list", "--format", "json"]);
    assert_eq!(out.matches("\"block\"").count(), 1, "{out}");
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["block"], Value::Null);
    assert_eq!(rows[0]["mood"], "ok");
}
