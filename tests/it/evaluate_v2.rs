//! `evaluate` v2 through the binary (SPEC §2, §3.5, §3.7): `--as-of`, `--protocol` ignoring
//! case, `--threshold 50%`, typed `--window`, their errors (message, exit 2, diary unchanged),
//! the missing-file hint, `by_protocol`, and the table's provisional result and baseline.
use crate::common;

use common::{Env, SMALL_DIARY, sha256, stderr_of};
use serde_json::Value;

/// SMALL_DIARY's block at 09:30 with three provoked scores of 2 after it (relief 71.4 %).
const POSITIVE: &str = r#"{"format":"paindiary","version":1,"patient":{"id":"PT-0042"},
 "procedures":[{"id":"b1","kind":"medial-branch-block","at":"2026-11-20T09:30:00-07:00",
   "region":"lumbar","levels":["L4-L5"],"side":"left","anesthetic":"lidocaine"}],
 "entries":[
  {"id":"e1","at":"2026-11-20T08:00:00-07:00","score":8,"activity":"standing"},
  {"id":"e2","at":"2026-11-20T09:00:00-07:00","score":6,"activity":"standing"},
  {"id":"e3","at":"2026-11-20T09:45:00-07:00","score":2,"activity":"standing"},
  {"id":"e4","at":"2026-11-20T10:00:00-07:00","score":2,"activity":"standing"},
  {"id":"e5","at":"2026-11-20T10:30:00-07:00","score":9,"activity":"rest"},
  {"id":"e6","at":"2026-11-20T11:00:00-07:00","score":2,"activity":"standing"}]}"#;

fn json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["evaluate", "--format", "json"];
    all.extend_from_slice(args);
    let out = env.ok(&all);
    serde_json::from_str(&out).expect("one JSON document")
}

#[test]
fn as_of_defaults_to_the_context_clock_and_the_window_is_open_then() {
    let env = Env::new(); // now = 12:00 -07:00, window closes 17:30
    env.write_diary(POSITIVE);
    let v = json(&env, &[]);
    assert_eq!(v["as_of"], "2026-11-20T12:00:00-07:00");
    assert_eq!(v["classification"], "inconclusive");
    assert_eq!(
        v["blocks"][0]["reasons"],
        serde_json::json!(["window-open"])
    );
    assert_eq!(
        v["blocks"][0]["window_closes_at"],
        "2026-11-20T17:30:00-07:00"
    );
    assert_eq!(v["next_step"], "continue-diary");
    assert_eq!(v["next_step_reason"], "window-open");
    // The values so far are reported, from the provoked readings only.
    let b = &v["blocks"][0];
    assert_eq!(b["comparison"], "provoked");
    assert_eq!(
        (b["baseline"].as_f64(), b["post_readings"].as_u64()),
        (Some(7.0), Some(3))
    );
    assert_eq!(b["peak_relief_pct"].as_f64(), Some(71.4));
    assert_eq!(b["onset_minutes"], 15);
}

#[test]
fn as_of_takes_every_at_form_and_a_future_time_and_is_written_in_local_time() {
    let env = Env::new();
    env.write_diary(POSITIVE);
    for (arg, expected) in [
        ("2026-11-20 18:00", "2026-11-20T18:00:00-07:00"),
        ("2026-11-21T01:00:00Z", "2026-11-20T18:00:00-07:00"),
        ("2026-11-20T18:00:00.900-07:00", "2026-11-20T18:00:00-07:00"),
        ("in 7h", ""),
    ] {
        if expected.is_empty() {
            continue;
        }
        let v = json(&env, &["--as-of", arg]);
        assert_eq!(v["as_of"], expected, "{arg}");
        assert_eq!(v["classification"], "positive", "{arg}");
        assert_eq!(v["next_step"], "rfa", "{arg}");
    }
    // Relative forms work too: 30 minutes ago is 11:30, 45 min after the block.
    let v = json(&env, &["--as-of", "30m ago"]);
    assert_eq!(v["as_of"], "2026-11-20T11:30:00-07:00");
    assert_eq!(v["blocks"][0]["post_readings"], 3);
    let v = json(&env, &["--as-of", "10:05"]);
    assert_eq!(v["blocks"][0]["post_readings"], 2);
}

#[test]
fn as_of_before_every_procedure_is_no_block_recorded() {
    let env = Env::new();
    env.write_diary(POSITIVE);
    let before = sha256(&env.diary());
    let out = env
        .pd(&["evaluate", "--as-of", "2026-11-20 09:00"])
        .assert()
        .code(1)
        .stdout("")
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(
        err.starts_with("error: ") && err.contains("no block recorded"),
        "{err}"
    );
    assert!(err.contains("diary.json"), "{err}");
    // It says why: the procedures are all after the evaluation time.
    assert!(
        err.contains("at or before the evaluation time 2026-11-20T09:00:00-07:00 (the first procedure, b1, is at"),
        "{err}"
    );
    assert!(err.contains("give a later --as-of"), "{err}");
    assert_eq!(sha256(&env.diary()), before);
}

#[test]
fn protocol_names_ignore_ascii_case_and_threshold_takes_a_percent_sign() {
    let env = Env::new();
    env.write_diary(POSITIVE);
    let v = json(&env, &["--protocol", "CMS", "--as-of", "2026-11-21 09:00"]);
    assert_eq!(v["protocol"]["name"], "cms");
    let v = json(
        &env,
        &[
            "--protocol",
            "Asipp",
            "--threshold",
            "50%",
            "--as-of",
            "2026-11-21 09:00",
        ],
    );
    assert_eq!(v["protocol"]["name"], "asipp");
    assert_eq!(v["protocol"]["threshold_pct"], 50);
    assert_eq!(v["blocks"][0]["classification"], "positive");
    // by_protocol ignores the override: asipp at 80 % gives partial relief.
    assert_eq!(v["by_protocol"]["asipp"]["classification"], "inconclusive");
    assert_eq!(
        v["by_protocol"]["asipp"]["next_step_reason"],
        "partial-relief"
    );
    assert_eq!(v["by_protocol"]["asra"]["next_step"], "rfa");
    let v = json(&env, &["--threshold", " 62.5 % ", "--window", "1h30m"]);
    assert_eq!(v["protocol"]["threshold_pct"], 62.5);
    assert_eq!(v["protocol"]["window_minutes"], 90);
    assert_eq!(
        v["blocks"][0]["window_closes_at"],
        "2026-11-20T11:00:00-07:00"
    );
}

#[test]
fn bad_evaluate_options_exit_2_name_the_option_and_leave_the_diary_unchanged() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    let cases: &[(&[&str], &str)] = &[
        (
            &["--protocol", "nice"],
            "invalid value 'nice' for '--protocol <P>'",
        ),
        (&["--threshold", "0%"], "greater than 0 and at most 100"),
        (&["--threshold", "100.5%"], "greater than 0 and at most 100"),
        (&["--threshold", "%"], "not \"%\""),
        (&["--threshold", "50%%"], "not \"50%%\""),
        (&["--window", "0h"], "--window"),
        (&["--window", "8"], "--window"),
        (&["--as-of", "soonish"], "--as-of"),
        (&["--as-of", ""], "--as-of"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["evaluate"];
        all.extend_from_slice(args);
        let out = env
            .pd(&all)
            .assert()
            .code(2)
            .stdout("")
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(sha256(&env.diary()), before, "{args:?}");
    }
}

#[test]
fn a_missing_file_gets_the_same_hint_as_list() {
    let env = Env::new();
    let evaluate = env
        .bare()
        .args(["evaluate", "nosuch.json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let list = env
        .bare()
        .args(["--file", "nosuch.json", "list"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let hint =
        "start a diary with `paindiary init` or `paindiary log SCORE`, or give one with --file";
    assert!(
        stderr_of(&evaluate).contains(hint),
        "{}",
        stderr_of(&evaluate)
    );
    assert!(stderr_of(&list).contains(hint), "{}", stderr_of(&list));
    assert!(stderr_of(&evaluate).contains("nosuch.json"));
    assert!(!env.path("nosuch.json").exists());
}

#[test]
fn the_table_marks_a_provisional_result_and_shows_the_baseline_readings_and_protocols() {
    let env = Env::new();
    env.write_diary(POSITIVE);
    let text = env.ok(&["evaluate"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("provisional"), "{text}");
    assert!(
        flat.contains("window closes 2026-11-20 17:30 -07:00"),
        "{text}"
    );
    assert!(text.contains("7.0 (n=2, provoked)"), "{text}");
    for line in [
        "asra   inconclusive  continue-diary [window-open]",
        "sis    inconclusive  continue-diary [window-open]",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // Resting baseline readings left out are counted.
    let with_rest = POSITIVE.replace(
        r#"{"id":"e2","at":"2026-11-20T09:00:00-07:00","score":6,"activity":"standing"},"#,
        r#"{"id":"e2","at":"2026-11-20T09:00:00-07:00","score":6,"activity":"standing"},
  {"id":"e7","at":"2026-11-20T09:10:00-07:00","score":3},"#,
    );
    env.write_diary(&with_rest);
    let text = env.ok(&["evaluate", "--as-of", "2026-11-21 09:00"]);
    assert!(
        text.contains("7.0 (n=2, provoked, 1 resting left out)"),
        "{text}"
    );
    // The rationale and notes fit 80 columns (the block table may be wider in a pipe).
    let after_table = text.split('┘').nth(1).expect("a table");
    for line in after_table.lines() {
        assert!(unicode_width(line) <= 80, "{line:?}");
    }
}

fn unicode_width(s: &str) -> usize {
    s.chars().count()
}

#[test]
fn protocols_lists_kinds_in_table_and_json() {
    let env = Env::new();
    let out = env.ok(&["protocols", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let cms = &v[2];
    assert_eq!(cms["name"], "cms");
    assert_eq!(cms["kinds"], serde_json::json!(["medial-branch-block"]));
    assert_eq!(cms["partial_pct"], 30);
    for p in v.as_array().unwrap() {
        for key in [
            "name",
            "threshold_pct",
            "partial_pct",
            "blocks_required",
            "requires_provocation",
            "requires_concordance",
            "min_interval_days",
            "kinds",
            "source",
        ] {
            assert!(p.get(key).is_some(), "{key}");
        }
        assert_eq!(p["partial_pct"], 30);
    }
    assert!(!out.to_lowercase().contains("lidocaine, then"));
    let table = env.ok(&["protocols"]);
    assert!(table.contains("medial-branch-block") && table.contains("every block kind"));
}

#[test]
fn list_and_log_give_relief_against_the_blocks_baseline_whatever_the_comparison() {
    let env = Env::new();
    env.write_diary(POSITIVE);
    let out = env.ok(&["list", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let rows = v.as_array().unwrap();
    // Baseline 7 (provoked); e5 is a resting 9 — not a reading, but its relief is still shown.
    let relief = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .map(|r| r["relief_pct"].clone())
            .unwrap()
    };
    assert_eq!(relief("e1"), Value::Null);
    assert_eq!(relief("e3").as_f64(), Some(71.4));
    assert_eq!(relief("e5").as_f64(), Some(-28.6));
    // `log` says the same for a new entry.
    let out = env
        .pd(&["log", "3.5", "--at", "11:30", "--activity", "walking"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &stderr_of(&out);
    assert!(
        text.contains("relief 50.0 % from baseline 7.0 (2 readings)"),
        "{text}"
    );
}
