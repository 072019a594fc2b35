//! `amend` and `retract` through the real binary (SPEC §1, §2).

use crate::common::{Env, NOW_LATER};
use crate::exchange_support::DIARY;
use serde_json::{Value, json};

fn entry(env: &Env, id: &str) -> Value {
    env.diary_json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no entry {id}"))
}

fn ids(env: &Env) -> Vec<String> {
    env.diary_json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn amend_replaces_fields_and_keeps_the_old_values() {
    let env = Env::utc().with_diary(DIARY);
    let out = env.ok(&[
        "amend",
        "e1",
        "--score",
        "6.5",
        "--note",
        "after \"coffee\"",
    ]);
    assert_eq!(
        out,
        "Amended e1: score 7 → 6.5, note null → \"after \\\"coffee\\\"\"\n"
    );
    let e1 = entry(&env, "e1");
    assert_eq!(e1["score"], 6.5);
    assert_eq!(e1["note"], "after \"coffee\"");
    assert_eq!(e1["activity"], "standing");
    assert_eq!(
        e1["history"],
        json!([{"amended_at": "2026-11-26T12:00:00+00:00", "score": 7, "note": null}])
    );
    // A second amendment is appended (oldest first); an existing history is kept.
    env.ok(&["amend", "e3", "--relief", "40", "--medication", ""]);
    let e3 = entry(&env, "e3");
    assert_eq!(e3["medication"], Value::Null);
    assert_eq!(e3["relief"], 40);
    assert_eq!(
        e3["history"],
        json!([
            {"amended_at": "2026-11-21T07:00:00-07:00", "score": 4},
            {"amended_at": "2026-11-26T12:00:00+00:00", "relief": null, "medication": "ibuprofen 400 mg"}
        ])
    );
    // Unknown fields elsewhere survive.
    assert_eq!(env.diary_json()["patient"]["mrn"], "X1");
    assert_eq!(entry(&env, "e4")["mood"], json!([1, 2]));
    // The previous version is kept.
    assert!(env.path("diary.json.bak").exists());
}

#[test]
fn amend_empty_text_clears_activity_and_note() {
    let env = Env::utc().with_diary(DIARY);
    env.ok(&["amend", "e2", "--activity", "", "--note", ""]);
    let e2 = entry(&env, "e2");
    assert_eq!(e2["activity"], Value::Null);
    assert_eq!(e2["note"], Value::Null);
    assert_eq!(e2["history"][0]["activity"], "walking, then sitting");
    assert_eq!(e2["history"][0]["note"], "line 1\nline 2 — ünïcødé ☃ 痛み");
}

#[test]
fn amend_at_moves_the_entry_and_parses_like_log() {
    let env = Env::utc().with_diary(DIARY);
    assert_eq!(ids(&env), ["e1", "e2", "e3", "e4"]);
    env.ok(&["amend", "e1", "--at", "2026-11-20 20:00"]);
    assert_eq!(ids(&env), ["e2", "e3", "e4", "e1"]);
    let e1 = entry(&env, "e1");
    assert_eq!(e1["at"], "2026-11-20T20:00:00+00:00");
    assert_eq!(e1["history"][0]["at"], "2026-11-20T09:00:00-07:00");
    // Relative input, against PAINDIARY_NOW.
    env.ok(&["amend", "e1", "--at", "2h ago"]);
    assert_eq!(entry(&env, "e1")["at"], "2026-11-26T10:00:00+00:00");
    env.ok(&["amend", "e1", "--at", "-6d3h"]);
    assert_eq!(ids(&env)[0], "e1");
    // The moved entry now counts as a baseline again for evaluate.
    let out = env.ok(&["evaluate", "--format", "json"]);
    assert!(out.contains("\"baseline_readings\":1"), "{out}");
}

#[test]
fn amend_errors_change_nothing() {
    let env = Env::utc().with_diary(DIARY);
    let name = env.diary().display().to_string();
    env.fails(
        &["amend", "e9", "--score", "3"],
        2,
        &[&name, "no entry, block or RFA has the id \"e9\""],
    );
    env.fails(
        &["amend", "b1", "--score", "3"],
        2,
        &[&name, "--score does not fit block \"b1\""],
    );
    env.fails(
        &["amend", "e1"],
        2,
        &[&name, "amend e1 needs at least one of --score, --at"],
    );
    env.fails(
        &["amend", "e1", "--at", "2026-11-26T12:06:00Z"],
        2,
        &[&name, "--at", "future"],
    );
    env.fails(&["amend", "e1", "--at", "someday"], 2, &[&name, "--at"]);
    env.fails(&["amend", "e1", "--score", "11"], 2, &["--score", "11"]);
    env.fails(&["amend", "e1", "--relief", "-5"], 2, &["--relief"]);
    env.fails(&["amend", "--score", "3"], 2, &["<ID>"]);
    assert!(!env.path("diary.json.bak").exists());
}

#[test]
fn amend_and_retract_need_a_valid_existing_diary() {
    let env = Env::utc();
    for args in [
        &["amend", "e1", "--score", "3"][..],
        &["retract", "e1", "--reason", "x"][..],
    ] {
        env.fails(
            args,
            1,
            &[&format!("{}: no such file", env.diary().display())],
        );
        assert!(!env.diary().exists());
    }
    let env = Env::utc().with_diary(&DIARY.replace("\"score\": 7", "\"score\": 11"));
    for args in [
        &["amend", "e1", "--score", "3"][..],
        &["retract", "e1", "--reason", "x"][..],
    ] {
        env.fails(
            args,
            1,
            &["diary.json: entries[0].score (line ", "11 is outside 0–10"],
        );
    }
}

#[test]
fn retract_marks_the_entry_and_evaluation_ignores_it() {
    let env = Env::utc().with_diary(DIARY);
    let before = env.ok(&["evaluate", "--format", "json"]);
    assert!(before.contains("\"post_readings\":2"), "{before}");
    assert_eq!(
        env.ok(&["retract", "e2", "--reason", "scored the injection site"]),
        "Retracted e2\n"
    );
    let e2 = entry(&env, "e2");
    assert_eq!(
        e2["retracted"],
        json!({"at": "2026-11-26T12:00:00+00:00", "reason": "scored the injection site"})
    );
    // Everything else of the entry stays.
    assert_eq!(e2["score"], 2.5);
    assert_eq!(ids(&env), ["e1", "e2", "e3", "e4"]);
    let after = env.ok(&["evaluate", "--format", "json"]);
    assert!(after.contains("\"post_readings\":1"), "{after}");
    // `list` marks it.
    let table = env.ok(&["list"]);
    let line = table.lines().find(|l| l.contains("e2")).unwrap();
    assert!(line.contains('✗') && line.contains("RETRACTED"), "{table}");
    let list: Value = serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(list[1]["retracted"]["reason"], "scored the injection site");
}

#[test]
fn retract_errors_change_nothing() {
    let env = Env::utc().with_diary(DIARY);
    let name = env.diary().display().to_string();
    env.fails(
        &["retract", "e3", "--reason", "again"],
        2,
        &[
            &name,
            "entry \"e3\" is already retracted (at 2026-11-21T08:00:00-07:00: \"scored the injection site, not the back\")",
        ],
    );
    env.fails(
        &["retract", "e9", "--reason", "x"],
        2,
        &[&name, "no entry, block or RFA has the id \"e9\""],
    );
    env.fails(
        &["retract", "e1", "--reason", "  "],
        2,
        &[&name, "needs a reason"],
    );
    env.fails(&["retract", "e1"], 2, &["--reason"]);
    // Retracting twice: the second time is refused and the first retraction kept.
    env.ok(&["retract", "e1", "--reason", "first"]);
    let once = env.read();
    env.fails(
        &["retract", "e1", "--reason", "second"],
        2,
        &["already retracted"],
    );
    assert_eq!(env.read(), once);
    assert!(once.contains("\"reason\":\"first\""));
    assert!(NOW_LATER.starts_with("2026-11-26"));
}

/// An entry written by hand without an id gets a fresh one on load; next to an id at the end
/// of `u64` it must still be new, or the corrected diary is written with a duplicate id and no
/// longer loads.
#[test]
fn correcting_a_diary_with_the_largest_id_keeps_it_loadable() {
    let max = format!("e{}", u64::MAX);
    let env = Env::utc().with_diary(&format!(
        r#"{{"format":"paindiary","version":1,"entries":[
          {{"id":"{max}","at":"2026-11-20T08:00:00-07:00","score":5}},
          {{"at":"2026-11-20T09:00:00-07:00","score":4}}]}}"#
    ));
    env.ok(&["retract", &max, "--reason", "wrong knee"]);
    env.ok(&["amend", "e18446744073709551616", "--score", "3"]);
    assert_eq!(ids(&env), [max.as_str(), "e18446744073709551616"]);
    env.ok(&["list", "--format", "json"]);
}

#[test]
fn amend_and_retract_on_a_missing_diary_leave_nothing_behind() {
    let env = Env::utc();
    env.fails(
        &["amend", "e1", "--score", "3"],
        1,
        &["no such file", "paindiary init"],
    );
    env.fails(&["retract", "e1", "--reason", "x"], 1, &["no such file"]);
    // Nothing but the `HOME` folder the harness made.
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name != "home")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
