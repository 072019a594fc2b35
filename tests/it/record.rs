//! `init`, `block` and `log` through the real binary (SPEC §1, §2).
use crate::common;

use common::{Env, NOW, SMALL_DIARY, mode, sha256};
use predicates::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// init

#[test]
fn init_creates_an_empty_private_diary() {
    let env = Env::new();
    let out = env.pd(&["init"]).assert().success().stderr("");
    // The full path, as `log` gives it when it creates a diary.
    let full = std::fs::canonicalize(env.diary()).unwrap();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stdout, format!("Created {}\n", full.display()));
    assert_eq!(mode(&env.diary()), 0o600);
    let diary = env.diary_json();
    assert_eq!(diary["format"], "paindiary");
    assert_eq!(diary["version"], 1);
    assert_eq!(diary["procedures"], json!([]));
    assert_eq!(diary["entries"], json!([]));
    assert!(diary.get("patient").is_none_or(Value::is_null), "{diary}");
}

#[test]
fn init_with_patient_stores_the_id() {
    let env = Env::new();
    env.pd(&["init", "--patient", "PT-0042"]).assert().success();
    assert_eq!(env.diary_json()["patient"]["id"], "PT-0042");
    assert_eq!(mode(&env.diary()), 0o600);
}

#[test]
fn init_names_a_relative_file_by_its_full_path() {
    let env = Env::new();
    let out = env
        .bare()
        .args(["--file", "sub/rel.json", "init"])
        .assert()
        .success();
    let full = std::fs::canonicalize(env.path("sub/rel.json")).unwrap();
    assert!(full.is_absolute());
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stdout, format!("Created {}\n", full.display()));
}

#[test]
fn init_creates_missing_folders() {
    let env = Env::new();
    let path = env.path("a/b/diary.json");
    env.bare()
        .arg("--file")
        .arg(&path)
        .arg("init")
        .assert()
        .success();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(common::read_json(&path)["format"], "paindiary");
}

#[test]
fn init_refuses_an_existing_file_and_leaves_it_unchanged() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    let out = env
        .pd(&["init", "--patient", "OTHER"])
        .assert()
        .code(1)
        .stdout("")
        .get_output()
        .clone();
    let err = common::stderr_of(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("diary.json"), "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(sha256(&env.diary()), before);
}

#[test]
fn init_refuses_an_existing_non_diary_file() {
    let env = Env::new();
    env.write_diary("not a diary at all");
    let before = sha256(&env.diary());
    env.pd(&["init"]).assert().code(1).stdout("");
    assert_eq!(sha256(&env.diary()), before);
}

// ---------------------------------------------------------------------------------------
// block

#[test]
fn block_prints_its_id_and_stores_every_option() {
    let env = Env::new();
    env.pd(&["init"]).assert().success();
    env.pd(&[
        "block",
        "--anesthetic",
        "bupivacaine",
        "--at",
        "2026-11-20 09:30",
        "--kind",
        "genicular-nerve-block",
        "--region",
        "knee",
        "--levels",
        "L4-L5,L5-S1",
        "--side",
        "bilateral",
        "--steroid",
        "--sedation",
        "minimal",
        "--note",
        "first block",
    ])
    .assert()
    .success()
    .stdout("b1\n")
    .stderr(
        "paindiary: stored b1 2026-11-20 09:30 -07:00 (local time), genicular-nerve-block, region knee, levels L4-L5,L5-S1, side bilateral, agent bupivacaine, with steroid, sedation minimal, note \"first block\"\n",
    );
    let p = &env.diary_json()["procedures"][0];
    assert_eq!(
        *p,
        json!({
            "id": "b1", "kind": "genicular-nerve-block", "at": "2026-11-20T09:30:00-07:00",
            "region": "knee", "levels": ["L4-L5", "L5-S1"], "side": "bilateral",
            "anesthetic": "bupivacaine", "steroid": true, "sedation": "minimal",
            "note": "first block"
        })
    );
}

#[test]
fn block_defaults_and_sequential_ids() {
    let env = Env::new();
    env.pd(&["init"]).assert().success();
    env.pd(&["block", "--anesthetic", "lidocaine", "--at", "2h ago"])
        .assert()
        .success()
        .stdout("b1\n");
    env.pd(&["block", "--anesthetic", "lidocaine"])
        .assert()
        .success()
        .stdout("b2\n");
    let procs = env.diary_json()["procedures"].clone();
    assert_eq!(procs[0]["at"], "2026-11-20T10:00:00-07:00");
    assert_eq!(procs[1]["id"], "b2");
    assert_eq!(procs[1]["at"], NOW);
    assert_eq!(procs[1]["kind"], "medial-branch-block");
    assert_eq!(procs[1]["sedation"], "none");
    assert_eq!(procs[1]["steroid"], false);
    assert_eq!(procs[1]["levels"], json!([]));
}

#[test]
fn block_creates_a_missing_diary_and_says_so() {
    let env = Env::new();
    env.pd(&["block", "--anesthetic", "lidocaine"])
        .assert()
        .success()
        .stdout("b1\n")
        .stderr(predicate::str::contains("created").and(predicate::str::contains("diary.json")));
    assert_eq!(mode(&env.diary()), 0o600);
    let diary = env.diary_json();
    assert_eq!(diary["format"], "paindiary");
    assert_eq!(diary["procedures"][0]["id"], "b1");
}

#[test]
fn block_rejects_unknown_choices_with_exit_2() {
    let env = Env::new();
    for args in [
        ["block", "--anesthetic", "saline"],
        ["block", "--kind", "spinal"],
        ["block", "--side", "middle"],
    ] {
        env.pd(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("error:"));
    }
    env.pd(&[
        "block",
        "--anesthetic",
        "lidocaine",
        "--sedation",
        "general",
    ])
    .assert()
    .code(2);
    assert!(!env.diary().exists());
}

// ---------------------------------------------------------------------------------------
// log

#[test]
fn log_creates_a_missing_diary_and_says_so() {
    let env = Env::new();
    env.pd(&["log", "7"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "e1  2026-11-20T12:00:00-07:00  score 7",
        ))
        .stderr(predicate::str::contains("created").and(predicate::str::contains("diary.json")));
    assert_eq!(mode(&env.diary()), 0o600);
    assert_eq!(env.entries()[0]["score"], 7);
}

#[test]
fn log_stores_every_field() {
    let env = Env::new();
    env.pd(&["init"]).assert().success();
    env.pd(&[
        "log",
        "6.5",
        "--at",
        "11:00",
        "--activity",
        "walking",
        "--relief",
        "40",
        "--medication",
        "ibuprofen 400 mg",
        "--note",
        "after lunch",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("e1").and(predicate::str::contains("during walking")))
    .stderr("");
    assert_eq!(
        env.entries()[0],
        json!({
            "id": "e1", "at": "2026-11-20T11:00:00-07:00", "score": 6.5, "activity": "walking",
            "relief": 40, "medication": "ibuprofen 400 mg", "note": "after lunch"
        })
    );
}

#[test]
fn log_assigns_sequential_ids_and_keeps_entries_in_time_order() {
    let env = Env::new();
    env.pd(&["init"]).assert().success();
    env.pd(&["log", "5", "--at", "11:00"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("e1 "));
    env.pd(&["log", "4", "--at", "10:00"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("e2 "));
    env.pd(&["log", "3"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("e3 "));
    let ids: Vec<_> = env.entries().iter().map(|e| e["id"].clone()).collect();
    assert_eq!(ids, vec!["e2", "e1", "e3"]);
}

/// `log SCORE --at TEXT` in a fresh diary; returns the stored `at`.
fn stored_at(now: &str, at: &str) -> String {
    let env = Env::at(now);
    env.pd(&["log", "5", "--at", at]).assert().success();
    env.entries()[0]["at"].as_str().unwrap().to_string()
}

/// The same instant with the same UTC offset (the text may differ: `Z`/`+00:00`, `.5`/`.500`).
fn assert_same_time_and_offset(stored: &str, given: &str) {
    let a = chrono::DateTime::parse_from_rfc3339(stored).expect("stored RFC 3339");
    let b = chrono::DateTime::parse_from_rfc3339(given).expect("given RFC 3339");
    assert_eq!(a, b, "{stored} vs {given}");
    assert_eq!(a.offset(), b.offset(), "{stored} vs {given}");
}

#[test]
fn log_at_rfc3339_keeps_its_own_offset() {
    assert_eq!(
        stored_at(NOW, "2026-11-20T10:00:00+02:00"),
        "2026-11-20T10:00:00+02:00"
    );
    for given in ["2026-11-20T16:30:00Z", "2026-11-20T09:15:30.5-05:00"] {
        assert_same_time_and_offset(&stored_at(NOW, given), given);
    }
}

#[test]
fn log_at_local_date_and_time() {
    assert_eq!(
        stored_at(NOW, "2026-11-20 10:15"),
        "2026-11-20T10:15:00-07:00"
    );
    assert_eq!(
        stored_at(NOW, "2026-11-19 23:59:30"),
        "2026-11-19T23:59:30-07:00"
    );
}

#[test]
fn log_at_local_time_uses_the_zone_offset_at_that_instant() {
    // Now is in summer (MDT, -06:00); a January time is stored with MST (-07:00).
    let summer = "2026-07-15T12:00:00-06:00";
    assert_eq!(
        stored_at(summer, "2026-01-10 09:00"),
        "2026-01-10T09:00:00-07:00"
    );
    assert_eq!(
        stored_at(summer, "2026-07-14 09:00"),
        "2026-07-14T09:00:00-06:00"
    );
    // DST starts 2026-03-08 at 02:00 in Denver: 01:30 that day is still MST.
    let dst_day = "2026-03-08T12:00:00-06:00";
    assert_eq!(stored_at(dst_day, "01:30"), "2026-03-08T01:30:00-07:00");
    assert_eq!(stored_at(dst_day, "11:00"), "2026-03-08T11:00:00-06:00");
    assert_eq!(
        stored_at(dst_day, "yesterday 15:00"),
        "2026-03-07T15:00:00-07:00"
    );
}

#[test]
fn log_at_hh_mm_is_today() {
    assert_eq!(stored_at(NOW, "10:15"), "2026-11-20T10:15:00-07:00");
    assert_eq!(stored_at(NOW, "00:05"), "2026-11-20T00:05:00-07:00");
}

#[test]
fn log_at_now_and_relative_forms() {
    assert_eq!(stored_at(NOW, "now"), NOW);
    assert_eq!(stored_at(NOW, "30m ago"), "2026-11-20T11:30:00-07:00");
    assert_eq!(stored_at(NOW, "-30m"), "2026-11-20T11:30:00-07:00");
    assert_eq!(stored_at(NOW, "2h ago"), "2026-11-20T10:00:00-07:00");
    assert_eq!(
        stored_at(NOW, "yesterday 15:00"),
        "2026-11-19T15:00:00-07:00"
    );
}

#[test]
fn log_without_at_is_now_in_the_local_offset() {
    // The clock given in UTC is stored in local time, with the local offset.
    let env = Env::at("2026-11-20T19:00:00Z");
    env.pd(&["log", "5"]).assert().success();
    assert_eq!(env.entries()[0]["at"], "2026-11-20T12:00:00-07:00");
}

#[test]
fn log_at_up_to_five_minutes_in_the_future_is_accepted() {
    assert_eq!(stored_at(NOW, "12:05"), "2026-11-20T12:05:00-07:00");
}

#[test]
fn log_after_is_relative_to_the_latest_block() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    // b2 is recorded last but is earlier in time: "latest" means latest by `at` (b1).
    env.pd(&[
        "block",
        "--anesthetic",
        "lidocaine",
        "--at",
        "2026-11-19 09:30",
    ])
    .assert()
    .success()
    .stdout("b2\n");
    env.pd(&["log", "3", "--after", "1h30m"]).assert().success();
    let e = env
        .entries()
        .into_iter()
        .find(|e| e["id"] == "e3")
        .expect("e3");
    assert_eq!(e["at"], "2026-11-20T11:00:00-07:00");
}

#[test]
fn log_after_a_block_prints_the_relief_from_baseline() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    // Baseline (8 + 6) / 2 = 7; a score of 2 is (7 − 2) / 7 = 71.4 % relief.
    env.pd(&["log", "2", "--after", "30m", "--activity", "standing"])
        .assert()
        .success()
        .stdout(
            "e3  2026-11-20T10:00:00-07:00  score 2  during standing\n\
             30m after block b1: relief 71.4 % from baseline 7.0 (2 readings)\n",
        );
}

#[test]
fn log_after_a_block_without_baseline_says_so() {
    let env = Env::new();
    env.pd(&["block", "--anesthetic", "lidocaine", "--at", "09:00"])
        .assert()
        .success();
    env.pd(&["log", "4", "--at", "10:00"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1h after block b1")
                .and(predicate::str::contains("relief cannot be computed")),
        );
}

#[test]
fn log_before_any_block_prints_only_the_entry() {
    let env = Env::new();
    env.pd(&["log", "7", "--at", "09:00"])
        .assert()
        .success()
        .stdout("e1  2026-11-20T09:00:00-07:00  score 7\n");
}

#[test]
fn without_at_the_time_is_to_the_second_like_at_now() {
    // The real clock (no PAINDIARY_NOW): a default time must not carry nanoseconds.
    let env = Env::new();
    env.pd(&["block", "--anesthetic", "lidocaine"])
        .env_remove("PAINDIARY_NOW")
        .assert()
        .success();
    env.pd(&["log", "5"])
        .env_remove("PAINDIARY_NOW")
        .assert()
        .success();
    let diary = env.diary_json();
    for at in [&diary["procedures"][0]["at"], &diary["entries"][0]["at"]] {
        let at = at.as_str().unwrap();
        assert!(!at.contains('.'), "fractional seconds in {at}");
    }
}
