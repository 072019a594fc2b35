//! Every error path of SPEC §2 and §4: exit code, one `error:` sentence on stderr that names the
//! file (and for a bad diary the JSON path and, for parse-time errors, line and column), nothing
//! on stdout, and a diary that stays byte-for-byte unchanged after a failed write.
use crate::common;

use common::{Env, SMALL_DIARY, leftover_temps, sha256, stderr_of};
use predicates::prelude::*;

/// Run `args` on the diary and check a clean failure with `code`; returns stderr.
fn fails(env: &Env, args: &[&str], code: i32) -> String {
    let out = env
        .pd(args)
        .assert()
        .code(code)
        .stdout("")
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    err
}

// ---------------------------------------------------------------------------------------
// The command line is wrong: exit 2, nothing written.

#[test]
fn command_line_errors_exit_2_and_leave_the_diary_unchanged() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    let cases: &[(&[&str], &str)] = &[
        (&["log", "11"], "11 is outside 0–10"),
        (&["log", "10.5"], "outside 0–10"),
        (&["log", "abc"], "abc"),
        (&["log", "-1"], "-1 is outside 0–10"),
        (&["log", "NaN"], "NaN"),
        (&["log", "inf"], "inf"),
        (&["log"], "SCORE"),
        (&["log", "5", "--relief", "101"], "outside 0–100"),
        (&["log", "5", "--relief", "-3"], "outside 0–100"),
        (&["log", "5", "--at", "12:06"], "in the future"),
        (&["log", "5", "--at", "2026-11-21 09:00"], "in the future"),
        (
            &["log", "5", "--at", "2026-11-20T19:06:00Z"],
            "in the future",
        ),
        (&["log", "5", "--at", "in 2 hours"], "--at"),
        (
            &["log", "5", "--at", "not a time"],
            "not a time I understand",
        ),
        (&["log", "5", "--at", "2026-02-30 10:00"], "--at"),
        (&["log", "5", "--at", ""], "--at"),
        (&["log", "5", "--after", "1x"], "--after"),
        (&["log", "5", "--after", "0m"], "--after"),
        (&["log", "5", "--after=-30m"], "--after"),
        (&["log", "5", "--after", "-30m"], "error:"),
        (&["log", "5", "--after", ""], "--after"),
        (&["log", "5", "--after", "3h"], "in the future"),
        (
            &["log", "5", "--after", "30m", "--at", "10:00"],
            "cannot be used with",
        ),
        (&["log", "5", "--bogus"], "--bogus"),
        (&["--bogus", "list"], "--bogus"),
        (&["list", "--format", "xml"], "xml"),
        (&["frobnicate"], "frobnicate"),
        (&["block", "--at", "09:00"], "--anesthetic"),
        (
            &["block", "--anesthetic", "lidocaine", "--at", "13:00"],
            "in the future",
        ),
        (
            &["evaluate", "--protocol", "foo"],
            "invalid value 'foo' for '--protocol",
        ),
        (&["evaluate", "--threshold", "0"], "--threshold"),
        (&["evaluate", "--threshold", "101"], "--threshold"),
        (&["evaluate", "--threshold", "-5"], "--threshold"),
        (&["evaluate", "--threshold", "abc"], "--threshold"),
        (&["evaluate", "--threshold", "NaN"], "--threshold"),
        (&["evaluate", "--window", "0m"], "--window"),
        (&["evaluate", "--window", "5x"], "--window"),
        (&["evaluate", "--window", "-1h"], "--window"),
        (&["--color", "sometimes", "list"], "sometimes"),
    ];
    for (args, needle) in cases {
        let err = fails(&env, args, 2);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(sha256(&env.diary()), before, "{args:?} changed the diary");
    }
    assert!(!env.path("diary.json.bak").exists(), "nothing was written");
}

#[test]
fn after_without_a_block_is_exit_2_and_creates_nothing() {
    let env = Env::new();
    let err = fails(&env, &["log", "5", "--after", "30m"], 2);
    assert!(err.contains("--after"), "{err}");
    assert!(!env.diary().exists());

    env.pd(&["log", "7", "--at", "09:00"]).assert().success();
    let before = sha256(&env.diary());
    fails(&env, &["log", "5", "--after", "30m"], 2);
    assert_eq!(sha256(&env.diary()), before);
}

#[test]
fn a_bad_clock_is_reported() {
    let env = Env::at("yesterday");
    let err = fails(&env, &["log", "5"], 1);
    assert!(err.contains("PAINDIARY_NOW"), "{err}");
    assert!(!env.diary().exists());
}

// ---------------------------------------------------------------------------------------
// The diary is wrong: exit 1, file named, JSON path, line and column, nothing rewritten.

/// Where `token` (the offending value) starts on `line` of `text` (1-based line and byte
/// column, as in the SPEC's example `"score": 11` → the column of the `1`).
fn position_of(text: &str, line: usize, token: &str) -> (usize, usize) {
    let l = text.lines().nth(line - 1).expect("line exists");
    let start = l
        .find(token)
        .unwrap_or_else(|| panic!("{token} on line {line}"));
    (line, start + 1)
}

/// Runs every reading and writing command on an invalid diary: each fails with exit 1 and a
/// message starting `error: <file>: <expected>`; the diary is byte-for-byte unchanged, no
/// backup or temporary file appears. Returns the message of `log`.
fn invalid(text: &str, expected: &str) -> String {
    let env = Env::new();
    env.write_diary(text);
    let before = sha256(&env.diary());
    let file = env.diary().display().to_string();
    let mut first = None;
    for args in [
        &["log", "5"][..],
        &["log", "5", "--after", "30m"],
        &["block", "--anesthetic", "lidocaine"],
        &["list"],
        &["list", "--format", "json"],
        &["evaluate"],
        &["evaluate", "--format", "json"],
    ] {
        let err = fails(&env, args, 1);
        let prefix = format!("error: {file}: {expected}");
        assert!(
            err.starts_with(&prefix),
            "{args:?}:\n got: {err}\nwant: {prefix}…"
        );
        assert_eq!(err.lines().count(), 1, "one sentence: {err}");
        assert_eq!(sha256(&env.diary()), before, "{args:?} changed the diary");
        first.get_or_insert(err);
    }
    assert!(!env.path("diary.json.bak").exists());
    assert!(leftover_temps(env.dir.path(), "diary.json").is_empty());
    first.unwrap()
}

/// `invalid` for a parse-time error: `path (line L, column C): message`.
fn invalid_at(text: &str, path: &str, line: usize, token: &str, message: &str) {
    let (l, c) = position_of(text, line, token);
    let expected = format!("{path} (line {l}, column {c}): ");
    let err = invalid(text, &expected);
    assert!(err.contains(message), "{err}");
}

fn diary_with_entries(entries: &str) -> String {
    format!(
        "{{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"procedures\": [],\n  \"entries\": [\n{entries}\n  ]\n}}\n"
    )
}

fn diary_with_procedure(procedure: &str) -> String {
    format!(
        "{{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"procedures\": [\n{procedure}\n  ],\n  \"entries\": []\n}}\n"
    )
}

const E1: &str = r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 7},"#;

#[test]
fn score_out_of_range() {
    let text = diary_with_entries(&format!(
        "{E1}\n    {{\"id\": \"e2\", \"at\": \"2026-11-20T09:00:00-07:00\", \"score\": 11}}"
    ));
    invalid_at(&text, "entries[1].score", 7, "11}", "11 is outside 0–10");
    let text =
        diary_with_entries(r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": -0.5}"#);
    invalid_at(&text, "entries[0].score", 6, "-0.5", "outside 0–10");
}

#[test]
fn score_not_a_number() {
    let text =
        diary_with_entries(r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": "7"}"#);
    invalid_at(&text, "entries[0].score", 6, r#""7""#, "invalid type");
    let text =
        diary_with_entries(r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": null}"#);
    invalid_at(&text, "entries[0].score", 6, "null", "invalid type");
}

#[test]
fn relief_out_of_range() {
    let text = diary_with_entries(
        r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 7, "relief": 150}"#,
    );
    invalid_at(&text, "entries[0].relief", 6, "150", "outside 0–100");
}

#[test]
fn bad_enum_values() {
    let proc_with = |field: &str| {
        diary_with_procedure(&format!(
            r#"    {{"id": "b1", "at": "2026-11-20T09:30:00-07:00", "anesthetic": "lidocaine", {field}}}"#
        ))
    };
    let text = diary_with_procedure(
        r#"    {"id": "b1", "at": "2026-11-20T09:30:00-07:00", "anesthetic": "saline"}"#,
    );
    invalid_at(
        &text,
        "procedures[0].anesthetic",
        5,
        r#""saline""#,
        "not a known anesthetic",
    );
    invalid_at(
        &proc_with(r#""kind": "spinal-tap""#),
        "procedures[0].kind",
        5,
        r#""spinal-tap""#,
        "not a known kind",
    );
    invalid_at(
        &proc_with(r#""side": "middle""#),
        "procedures[0].side",
        5,
        r#""middle""#,
        "not a known side",
    );
    invalid_at(
        &proc_with(r#""sedation": "general""#),
        "procedures[0].sedation",
        5,
        r#""general""#,
        "not a known sedation",
    );
}

#[test]
fn bad_times() {
    for bad in [
        "2026-11-20 08:00",
        "2026-11-20T08:00:00",
        "yesterday",
        "2026-13-01T00:00:00Z",
    ] {
        let token = format!("\"{bad}\"");
        let text = diary_with_entries(&format!(
            "    {{\"id\": \"e1\", \"at\": {token}, \"score\": 7}}"
        ));
        invalid_at(&text, "entries[0].at", 6, &token, "not an RFC 3339 time");
    }
    let text =
        diary_with_procedure(r#"    {"id": "b1", "at": 1700000000, "anesthetic": "lidocaine"}"#);
    invalid_at(&text, "procedures[0].at", 5, "1700000000", "invalid type");
}

#[test]
fn fields_of_the_wrong_type() {
    let entry = |field: &str, token: &str, path: &str| {
        let text = diary_with_entries(&format!(
            r#"    {{"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 7, {field}}}"#
        ));
        invalid_at(&text, path, 6, token, "invalid type");
    };
    entry(r#""activity": 3"#, "3", "entries[0].activity");
    entry(r#""medication": true"#, "true", "entries[0].medication");
    entry(r#""note": 3.5"#, "3.5", "entries[0].note");
    entry(r#""retracted": 5"#, "5", "entries[0].retracted");
    let text =
        diary_with_entries(r#"    {"id": 5, "at": "2026-11-20T08:00:00-07:00", "score": 7}"#);
    invalid_at(&text, "entries[0].id", 6, "5", "invalid type");

    let procedure = |field: &str, token: &str, path: &str| {
        let text = diary_with_procedure(&format!(
            r#"    {{"id": "b1", "at": "2026-11-20T09:30:00-07:00", "anesthetic": "lidocaine", {field}}}"#
        ));
        invalid_at(&text, path, 5, token, "invalid type");
    };
    procedure(r#""steroid": "yes""#, r#""yes""#, "procedures[0].steroid");
    procedure(r#""levels": "L4-L5""#, r#""L4-L5""#, "procedures[0].levels");
    procedure(r#""levels": ["L4", 5]"#, "5", "procedures[0].levels[1]");
    procedure(r#""region": 12"#, "12", "procedures[0].region");
}

#[test]
fn patient_of_the_wrong_type() {
    let text = "{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"patient\": 5\n}\n";
    invalid_at(text, "patient", 4, "5", "invalid type");
    let text =
        "{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"patient\": {\"id\": 42}\n}\n";
    invalid_at(text, "patient.id", 4, "42", "invalid type");
}

#[test]
fn bad_json_syntax() {
    let text = diary_with_entries(&format!(
        "{E1}\n    {{\"id\": \"e2\", \"at\": \"2026-11-20T09:00:00-07:00\" \"score\": 7}}"
    ));
    invalid(&text, "entries[1] (line 7, column ");

    // Truncated in the middle of a record.
    let text = "{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"entries\": [\n    {\"id\": \"e1\",";
    invalid(text, "entries[0] (line 5, column 16): EOF");

    let err = invalid(
        "{\"format\": \"paindiary\", \"version\": 1} trailing",
        "line 1, column ",
    );
    assert!(err.contains("trailing"), "{err}");
    invalid("", "line 1, column 1: EOF");
}

#[test]
fn syntax_error_paths_are_json_paths() {
    // A path names where the error is, like jq: never serde_path_to_error's `?` placeholder.
    for text in [
        "{\"format\": \"paindiary\",",
        "{\"format\": \"paindiary\", \"version\": 1, \"entries\": [{\"id\": \"e1\",",
        "{\"format\": \"paindiary\", \"version\": 1, \"entries\": [{\"id\": \"e1\" \"at\"}]}",
    ] {
        let err = invalid(text, "");
        assert!(!err.contains('?'), "{err}");
        assert!(err.contains("(line 1, column ") || err.contains(": line 1, column "));
    }
}

#[test]
fn wrong_or_missing_format() {
    let text = "{\n  \"format\": \"pain-diary\",\n  \"version\": 1\n}\n";
    invalid_at(text, "format", 2, "\"pain-diary\"", "not a paindiary diary");
    let text = "{\n  \"format\": 1,\n  \"version\": 1\n}\n";
    invalid_at(text, "format", 2, "1", "invalid type");
    let err = invalid("{\"version\": 1, \"entries\": []}", "format: ");
    assert!(err.contains("missing"), "{err}");
    assert!(!err.contains("(line"), "{err}");
    let err = invalid("{\"format\": \"paindiary\"}", "version: ");
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn version_not_an_integer() {
    for bad in ["1.5", "\"1\"", "null", "-1"] {
        let text = format!("{{\n  \"format\": \"paindiary\",\n  \"version\": {bad}\n}}\n");
        let (l, c) = position_of(&text, 3, bad);
        invalid(&text, &format!("version (line {l}, column {c}): "));
    }
}

#[test]
fn newer_version_is_refused_and_never_rewritten() {
    let body = r#"{
  "format": "paindiary",
  "version": 2,
  "entries": [{"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 7, "mood": "new"}],
  "something_new": {"nested": [1, 2, 3]}
}
"#;
    let err = invalid(body, "");
    assert!(err.contains("newer"), "{err}");
    assert!(err.contains("version 2"), "{err}");
    // Even when the rest of the file would not be valid in version 1.
    let err = invalid(
        "{\"version\": 7, \"format\": \"paindiary\", \"entries\": \"a new shape\"}",
        "",
    );
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn duplicate_ids_name_the_path_without_a_position() {
    let text = diary_with_entries(&format!(
        "{E1}\n    {{\"id\": \"e1\", \"at\": \"2026-11-20T09:00:00-07:00\", \"score\": 6}}"
    ));
    let err = invalid(&text, "entries[1].id: ");
    assert!(err.contains("duplicate id \"e1\""), "{err}");
    assert!(!err.contains("line"), "{err}");
    assert!(!err.contains("column"), "{err}");

    let text = diary_with_procedure(
        "    {\"id\": \"b1\", \"at\": \"2026-11-20T09:30:00-07:00\", \"anesthetic\": \"lidocaine\"},\n    {\"id\": \"b1\", \"at\": \"2026-11-19T09:30:00-07:00\", \"anesthetic\": \"lidocaine\"}",
    );
    let err = invalid(&text, "procedures[1].id: ");
    assert!(err.contains("duplicate id \"b1\""), "{err}");
    assert!(!err.contains("line"), "{err}");
}

#[test]
fn top_level_not_an_object() {
    for text in ["[1, 2]", "\"hello\"", "42", "null", "true"] {
        let err = invalid(text, "line 1, column ");
        assert!(err.contains("invalid type"), "{text}: {err}");
        assert!(err.contains("object"), "{text}: {err}");
    }
}

#[test]
fn records_that_are_not_objects_or_lack_fields() {
    let text = diary_with_entries("    5");
    invalid_at(&text, "entries[0]", 6, "5", "invalid type");
    let text = diary_with_entries(r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00"}"#);
    let err = invalid(&text, "entries[0] (line 6, column ");
    assert!(err.contains("missing field `score`"), "{err}");
    let text = diary_with_procedure(r#"    {"id": "b1", "at": "2026-11-20T09:30:00-07:00"}"#);
    let err = invalid(&text, "procedures[0] (line 5, column ");
    assert!(err.contains("missing field `anesthetic`"), "{err}");
    let text = "{\"format\": \"paindiary\", \"version\": 1, \"entries\": {}}";
    invalid(text, "entries (line 1, column ");
}

#[test]
fn a_field_given_twice_is_refused() {
    let text = diary_with_entries(
        r#"    {"id": "e1", "at": "2026-11-20T08:00:00-07:00", "score": 7, "score": 2}"#,
    );
    let err = invalid(&text, "entries[0] (line 6, column ");
    assert!(err.contains("duplicate field `score`"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The system is wrong: exit 1.

#[test]
fn a_missing_diary_is_exit_1_for_reading_commands() {
    let env = Env::new();
    for args in [&["list"][..], &["evaluate"]] {
        let err = fails(&env, args, 1);
        assert!(err.contains("diary.json"), "{err}");
        assert!(err.contains("no such file"), "{err}");
    }
    assert!(!env.diary().exists());
}

#[test]
fn a_folder_instead_of_a_diary_is_exit_1() {
    let env = Env::new();
    std::fs::create_dir(env.diary()).unwrap();
    for args in [
        &["list"][..],
        &["evaluate"],
        &["log", "5"],
        &["block", "--anesthetic", "lidocaine"],
        &["init"],
    ] {
        let err = fails(&env, args, 1);
        assert!(err.contains("diary.json"), "{args:?}: {err}");
    }
    assert!(env.diary().is_dir());
}

#[test]
fn an_unreadable_diary_is_exit_1() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    std::fs::set_permissions(env.diary(), std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(env.diary()).is_ok() {
        // Running as root: permissions do not stop reads; the folder test above covers this.
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    for args in [&["list"][..], &["log", "5"]] {
        let err = fails(&env, args, 1);
        assert!(err.contains("diary.json"), "{err}");
    }
    std::fs::set_permissions(env.diary(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(sha256(&env.diary()), before);
}

#[test]
fn a_diary_over_1_gib_is_refused_before_reading() {
    let env = Env::new();
    let size = (1u64 << 30) + 1;
    std::fs::File::create(env.diary())
        .unwrap()
        .set_len(size)
        .unwrap();
    let mtime = std::fs::metadata(env.diary()).unwrap().modified().unwrap();
    for args in [
        &["list"][..],
        &["evaluate"],
        &["log", "5"],
        &["block", "--anesthetic", "lidocaine"],
    ] {
        let started = std::time::Instant::now();
        let err = fails(&env, args, 1);
        assert!(err.contains("diary.json"), "{err}");
        assert!(err.contains("1 GiB"), "{err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the file was read"
        );
    }
    let meta = std::fs::metadata(env.diary()).unwrap();
    assert_eq!(meta.len(), size);
    assert_eq!(meta.modified().unwrap(), mtime);
    assert!(!env.path("diary.json.bak").exists());
}

#[test]
fn evaluate_a_diary_without_a_block_is_an_error() {
    let env = Env::new();
    env.pd(&["log", "7"]).assert().success();
    let err = fails(&env, &["evaluate"], 1);
    assert!(err.contains("diary.json"), "{err}");
    assert!(err.contains("no block recorded"), "{err}");
}

#[test]
fn evaluate_several_files_reports_each_failure_and_exits_1() {
    let env = Env::new();
    std::fs::write(env.path("good.json"), SMALL_DIARY).unwrap();
    std::fs::write(env.path("bad.json"), "{").unwrap();
    let out = env
        .bare()
        .args([
            "evaluate",
            "--format",
            "json",
            "good.json",
            "bad.json",
            "missing.json",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["file"], "good.json");
    let err = stderr_of(&out);
    assert!(
        err.lines().any(|l| l.starts_with("error: bad.json: ")),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("error: missing.json: ")),
        "{err}"
    );
}

#[test]
fn failed_writes_leave_an_invalid_diary_untouched_byte_for_byte() {
    // Odd formatting and a BOM: nothing may "fix" the file on the way.
    let text = "\u{feff}{ \"format\":\"paindiary\" ,\"version\":1,\n\t\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T08:00:00-07:00\",\"score\":12}] }";
    let env = Env::new();
    env.write_diary(text);
    let before = sha256(&env.diary());
    for args in [
        &["log", "5"][..],
        &["block", "--anesthetic", "lidocaine"],
        &["init"],
    ] {
        env.pd(args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::starts_with("error: "));
        assert_eq!(sha256(&env.diary()), before);
    }
}
