//! Recording and correcting blocks and RFAs through the real binary (SPEC §1, §2, §4):
//! `rfa`, what `block`/`rfa` print, `amend` and `retract` of procedures.

use crate::common;

use crate::common::{Env, sha256};
use crate::exchange_support::DIARY;
use serde_json::{Value, json};

fn procedure(env: &Env, id: &str) -> Value {
    env.diary_json()["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no procedure {id}"))
}

/// DIARY with an RFA (b2) on 2026-11-22 added.
fn with_rfa() -> Env {
    let env = Env::utc().with_diary(DIARY);
    let out = env.ok(&[
        "rfa",
        "--at",
        "2026-11-22T10:00:00-07:00",
        "--region",
        "lumbar",
        "--levels",
        "L4-L5",
        "--side",
        "left",
    ]);
    assert_eq!(out, "b2\n");
    env
}

#[test]
fn rfa_prints_its_id_and_what_was_stored_in_local_time() {
    let env = common::Env::new();
    env.pd(&[
        "rfa",
        "--at",
        "2026-11-20T16:00:00Z",
        "--region",
        "cervical",
        "--levels",
        "C5-C6,C6-C7",
        "--side",
        "right",
        "--note",
        "90 °C, 90 s",
    ])
    .assert()
    .success()
    .stdout("b1\n")
    .stderr(
        "paindiary: created a new diary at ".to_string()
            + &env.diary().display().to_string()
            + "\npaindiary: stored b1 2026-11-20 09:00 -07:00 (local time), radiofrequency-ablation, region cervical, levels C5-C6,C6-C7, side right, note \"90 °C, 90 s\"\n",
    );
    let p = &env.diary_json()["procedures"][0];
    assert_eq!(p["kind"], "radiofrequency-ablation");
    assert_eq!(p["at"], "2026-11-20T16:00:00+00:00");
    assert_eq!(p["anesthetic"], Value::Null);
    assert_eq!(p["levels"], json!(["C5-C6", "C6-C7"]));
    // Without details the message says what is missing; ids continue across both lists.
    env.pd(&["rfa", "--at", "1h ago"])
        .assert()
        .success()
        .stdout("b2\n")
        .stderr(
            "paindiary: stored b2 2026-11-20 11:00 -07:00 (local time), radiofrequency-ablation, levels not given, side not given\n",
        );
    // The description escapes control characters from the command line.
    let out = env
        .pd(&["rfa", "--region", "lum\u{1b}[2Jbar"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn block_refuses_the_rfa_kind_with_a_hint() {
    let env = Env::utc().with_diary(DIARY);
    let name = env.diary().display().to_string();
    env.fails(
        &[
            "block",
            "--anesthetic",
            "lidocaine",
            "--kind",
            "radiofrequency-ablation",
        ],
        2,
        &[&name, "record it with `paindiary rfa`"],
    );
    // On a missing diary: nothing is created.
    let empty = Env::utc();
    empty.fails(
        &[
            "block",
            "--anesthetic",
            "lidocaine",
            "--kind",
            "radiofrequency-ablation",
        ],
        2,
        &["paindiary rfa"],
    );
    assert!(!empty.diary().exists());
    assert!(!empty.path("diary.json.lock").exists());
}

#[test]
fn amend_a_block_keeps_the_old_values_and_unknown_fields() {
    let env = Env::utc().with_diary(DIARY);
    let out = env.ok(&[
        "amend",
        "b1",
        "--levels",
        "L3-L4, L4-L5",
        "--side",
        "left",
        "--steroid",
        "true",
        "--sedation",
        "minimal",
        "--anesthetic",
        "bupivacaine",
        "--region",
        "",
    ]);
    assert_eq!(
        out,
        "Amended b1: anesthetic \"lidocaine\" → \"bupivacaine\", region \"lumbar\" → null, levels [\"L4-L5\",\"L5-S1\"] → [\"L3-L4\",\"L4-L5\"], side \"bilateral\" → \"left\", steroid false → true, sedation \"none\" → \"minimal\"\n"
    );
    let b1 = procedure(&env, "b1");
    assert_eq!(b1["anesthetic"], "bupivacaine");
    assert_eq!(b1["region"], Value::Null);
    assert_eq!(b1["levels"], json!(["L3-L4", "L4-L5"]));
    assert_eq!(b1["side"], "left");
    assert_eq!(b1["steroid"], true);
    assert_eq!(b1["sedation"], "minimal");
    assert_eq!(b1["operator"], "Dr A", "unknown field kept");
    assert_eq!(
        b1["history"],
        json!([{"amended_at": "2026-11-26T12:00:00+00:00", "anesthetic": "lidocaine",
                "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "bilateral",
                "steroid": false, "sedation": "none"}])
    );
    // A second amendment is appended; --steroid false, --levels '' clears, --note.
    env.ok(&[
        "amend",
        "b1",
        "--steroid",
        "false",
        "--levels",
        "",
        "--note",
        "",
    ]);
    let b1 = procedure(&env, "b1");
    assert_eq!(b1["steroid"], false);
    assert_eq!(b1["levels"], json!([]));
    assert_eq!(b1["note"], Value::Null);
    assert_eq!(
        b1["history"][1],
        json!({"amended_at": "2026-11-26T12:00:00+00:00", "steroid": true,
               "levels": ["L3-L4", "L4-L5"], "note": "He said \"fine\", then left"})
    );
    assert_eq!(env.diary_json()["patient"]["mrn"], "X1");
    assert_eq!(env.diary_json()["entries"][3]["mood"], json!([1, 2]));
    // The diary still loads and evaluates.
    env.ok(&["evaluate", "--format", "json"]);
}

#[test]
fn amend_at_moves_a_block_and_evaluation_follows() {
    let env = with_rfa();
    env.ok(&["amend", "b1", "--at", "2026-11-23T09:00:00-07:00"]);
    let ids: Vec<Value> = env.diary_json()["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids, [json!("b2"), json!("b1")]);
    assert_eq!(
        procedure(&env, "b1")["history"][0]["at"],
        "2026-11-20T09:30:00-07:00"
    );
}

#[test]
fn amend_kind_between_block_and_rfa() {
    let env = with_rfa();
    let name = env.diary().display().to_string();
    // An RFA has no agent: it becomes a block only with one.
    env.fails(
        &["amend", "b2", "--kind", "medial-branch-block"],
        2,
        &[
            &name,
            "\"b2\" would become a block without a local anaesthetic",
        ],
    );
    env.ok(&[
        "amend",
        "b2",
        "--kind",
        "medial-branch-block",
        "--anesthetic",
        "bupivacaine",
    ]);
    let b2 = procedure(&env, "b2");
    assert_eq!(b2["kind"], "medial-branch-block");
    assert_eq!(
        b2["history"][0],
        json!({"amended_at": "2026-11-26T12:00:00+00:00", "kind": "radiofrequency-ablation",
               "anesthetic": null})
    );
    // A block becomes an RFA; its agent is kept (optional for an RFA).
    env.ok(&["amend", "b1", "--kind", "radiofrequency-ablation"]);
    let b1 = procedure(&env, "b1");
    assert_eq!(b1["kind"], "radiofrequency-ablation");
    assert_eq!(b1["anesthetic"], "lidocaine");
    env.ok(&["evaluate", "--format", "json"]);
}

#[test]
fn amend_refuses_flags_that_do_not_fit_and_unknown_ids() {
    let env = with_rfa();
    let name = env.diary().display().to_string();
    env.fails(
        &["amend", "b2", "--score", "3", "--relief", "40"],
        2,
        &[&name, "--score, --relief do not fit RFA \"b2\""],
    );
    env.fails(
        &["amend", "b1", "--activity", "walking"],
        2,
        &[&name, "--activity does not fit block \"b1\""],
    );
    env.fails(
        &["amend", "e1", "--kind", "sacroiliac", "--side", "left"],
        2,
        &[&name, "--kind, --side do not fit entry \"e1\""],
    );
    env.fails(
        &["amend", "b9", "--side", "left"],
        2,
        &[&name, "no entry, block or RFA has the id \"b9\""],
    );
    env.fails(&["amend", "b1", "--steroid", "maybe"], 2, &["--steroid"]);
    env.fails(&["amend", "b1", "--steroid"], 2, &["--steroid"]);
    env.fails(&["amend", "b1", "--kind", "laser"], 2, &["--kind"]);
    env.fails(&["amend", "b1", "--sedation", "heavy"], 2, &["--sedation"]);
    env.fails(
        &["amend", "b1", "--at", "2026-11-27T12:00:00Z"],
        2,
        &[&name, "future"],
    );
    env.fails(&["amend", "b1"], 2, &[&name, "needs at least one of"]);
}

#[test]
fn retract_a_block_and_an_rfa() {
    let env = with_rfa();
    let name = env.diary().display().to_string();
    assert_eq!(
        env.ok(&["retract", "b2", "--reason", "recorded on the wrong diary"]),
        "Retracted b2\n"
    );
    let b2 = procedure(&env, "b2");
    assert_eq!(
        b2["retracted"],
        json!({"at": "2026-11-26T12:00:00+00:00", "reason": "recorded on the wrong diary"})
    );
    assert_eq!(b2["levels"], json!(["L4-L5"]), "the RFA stays in the file");
    env.fails(
        &["retract", "b2", "--reason", "again"],
        2,
        &[
            &name,
            "RFA \"b2\" is already retracted (at 2026-11-26T12:00:00+00:00: \"recorded on the wrong diary\")",
        ],
    );
    env.fails(
        &["retract", "b7", "--reason", "x"],
        2,
        &[&name, "no entry, block or RFA has the id \"b7\""],
    );
    // Retracting the only block: evaluation ignores it (no block left), the file keeps it.
    env.ok(&["retract", "b1", "--reason", "duplicate"]);
    assert_eq!(
        procedure(&env, "b1")["operator"],
        "Dr A",
        "unknown field kept"
    );
    let (code, _, err) = env.run(&["evaluate"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no block recorded"), "{err}");
    env.fails(
        &["retract", "b1", "--reason", "x"],
        2,
        &["block \"b1\" is already retracted"],
    );
    // A retracted procedure can still be amended; it stays retracted.
    env.ok(&["amend", "b1", "--note", "kept for the record"]);
    assert!(procedure(&env, "b1")["retracted"].is_object());
}

#[test]
fn amend_and_retract_of_an_invalid_diary_change_nothing() {
    let env =
        Env::utc().with_diary(&DIARY.replace("\"sedation\": \"none\"", "\"sedation\": \"heavy\""));
    let before = sha256(&env.diary());
    for args in [
        &["amend", "b1", "--side", "left"][..],
        &["retract", "b1", "--reason", "x"][..],
    ] {
        let (code, _, err) = env.run(args);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("procedures[0].sedation"), "{err}");
    }
    assert_eq!(sha256(&env.diary()), before);
}

#[test]
fn concurrent_amendments_of_a_block_lose_nothing() {
    const PROCESSES: usize = 6;
    const CALLS: usize = 10;
    let env = Env::utc().with_diary(DIARY);
    std::thread::scope(|scope| {
        for p in 0..PROCESSES {
            let env = &env;
            scope.spawn(move || {
                for c in 0..CALLS {
                    let note = format!("p{p} c{c}");
                    let out = env.pd(&["amend", "b1", "--note", &note]).output().unwrap();
                    assert!(
                        out.status.success(),
                        "p{p} c{c}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    let b1 = procedure(&env, "b1");
    let history = b1["history"].as_array().unwrap();
    assert_eq!(history.len(), PROCESSES * CALLS);
    // Every note written is either an old value in the history or the current note.
    let mut notes: Vec<String> = history
        .iter()
        .skip(1)
        .map(|h| h["note"].as_str().unwrap().to_string())
        .collect();
    notes.push(b1["note"].as_str().unwrap().to_string());
    notes.sort();
    notes.dedup();
    assert_eq!(notes.len(), PROCESSES * CALLS);
    assert_eq!(history[0]["note"], "He said \"fine\", then left");
}

#[test]
fn log_after_skips_a_retracted_procedure() {
    let env = with_rfa();
    env.ok(&["retract", "b2", "--reason", "wrong day"]);
    env.ok(&["log", "5", "--after", "1h"]);
    let entries = env.diary_json()["entries"].as_array().unwrap().clone();
    let last = entries.iter().find(|e| e["id"] == "e5").expect("e5 logged");
    // One hour after b1 (09:30 -07:00), not after the retracted RFA.
    assert_eq!(last["at"], "2026-11-20T10:30:00-07:00");
}

#[test]
fn log_after_counts_from_the_latest_block_not_an_rfa() {
    // SPEC §2: `--after` is "that long after the latest block"; an RFA is not a block (§3).
    let env = with_rfa();
    env.ok(&["log", "5", "--after", "2h"]);
    let entries = env.diary_json()["entries"].as_array().unwrap().clone();
    let last = entries.iter().find(|e| e["id"] == "e5").expect("e5 logged");
    assert_eq!(last["at"], "2026-11-20T11:30:00-07:00");
}

#[test]
fn rfa_errors_change_nothing() {
    let env = Env::utc().with_diary(DIARY);
    env.fails(
        &["rfa", "--at", "2026-11-26T12:06:00Z"],
        2,
        &["--at", "future"],
    );
    env.fails(&["rfa", "--at", "someday"], 2, &["--at"]);
    env.fails(&["rfa", "--side", "up"], 2, &["--side"]);
    env.fails(&["rfa", "--anesthetic", "lidocaine"], 2, &["--anesthetic"]);
    env.fails(&["rfa", "--kind", "sacroiliac"], 2, &["--kind"]);
    let bad = Env::utc().with_diary(&DIARY.replace("\"version\": 1", "\"version\": 99"));
    let before = sha256(&bad.diary());
    let (code, out, err) = bad.run(&["rfa", "--levels", "L4-L5"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("version"), "{err}");
    assert_eq!(sha256(&bad.diary()), before);
}

#[test]
fn levels_are_trimmed_when_stored() {
    // `--levels "L4-L5, L5-S1"`: the space after the comma is not part of the level.
    let env = Env::utc().with_diary(DIARY);
    env.ok(&[
        "rfa",
        "--levels",
        "L4-L5, L5-S1",
        "--at",
        "2026-11-22T10:00:00-07:00",
    ]);
    let d = env.diary_json();
    let rfa = d["procedures"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(rfa["levels"], json!(["L4-L5", "L5-S1"]));
    env.ok(&["amend", "b1", "--levels", " C5-C6 ,, C6-C7 "]);
    assert_eq!(
        env.diary_json()["procedures"][0]["levels"],
        json!(["C5-C6", "C6-C7"])
    );
}

#[test]
fn log_after_on_a_missing_diary_leaves_nothing_behind() {
    let env = common::Env::new();
    let out = env.pd(&["log", "5", "--after", "1h"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--after needs a block in the diary"), "{err}");
    assert!(!env.diary().exists());
    let lock = env.diary().with_extension("json.lock");
    assert!(!lock.exists(), "no stray lock file");
}

#[test]
fn an_amend_that_changes_nothing_adds_no_history() {
    let env = Env::utc().with_diary(DIARY);
    let b1 = env.diary_json()["procedures"][0].clone();
    let levels: Vec<&str> = b1["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let out = env.ok(&["amend", "b1", "--levels", &levels.join(",")]);
    assert!(out.starts_with("Nothing changed: b1 already has"), "{out}");
    let after = env.diary_json()["procedures"][0].clone();
    assert_eq!(after, b1, "no history item, nothing else touched");
    // One real change among no-ops: only it goes to history.
    let out = env.ok(&[
        "amend",
        "b1",
        "--levels",
        &levels.join(","),
        "--side",
        "left",
    ]);
    assert!(out.starts_with("Amended b1: side"), "{out}");
    let history = env.diary_json()["procedures"][0]["history"].clone();
    assert_eq!(history.as_array().map(Vec::len), Some(1));
    assert!(history[0].get("levels").is_none(), "{history}");
}
