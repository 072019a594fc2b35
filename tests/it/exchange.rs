//! `export` (json, csv, fhir) and `import` through the real binary (SPEC §5).

use crate::common::{Env, sha256};
use crate::exchange_support::DIARY;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

const HEADER: &str = "record,id,at,score_nrs_0_10,activity,relief_pct,medication,note,kind,region,levels,side,anesthetic,steroid,sedation,retracted_at,retracted_reason";

/// `export --format csv` of [`DIARY`], derived by hand from SPEC §5.
const CSV: &str = "\
record,id,at,score_nrs_0_10,activity,relief_pct,medication,note,kind,region,levels,side,anesthetic,steroid,sedation,retracted_at,retracted_reason
entry,e1,2026-11-20T09:00:00-07:00,7,standing,,,,,,,,,,,,
procedure,b1,2026-11-20T09:30:00-07:00,,,,,\"He said \"\"fine\"\", then left\",medial-branch-block,lumbar,L4-L5;L5-S1,bilateral,lidocaine,false,none,,
entry,e2,2026-11-20T17:00:00Z,2.5,\"walking, then sitting\",62.5,,\"line 1
line 2 — ünïcødé ☃ 痛み\",,,,,,,,,
entry,e3,2026-11-20T11:00:00-07:00,3,,,ibuprofen 400 mg,\"\"\"quoted\"\"\",,,,,,,,2026-11-21T08:00:00-07:00,\"scored the injection site, not the back\"
entry,e4,2026-11-20T12:00:00-07:00,0.30000000000000004,bending,95,,,,,,,,,,,
";

#[test]
fn export_json_is_the_diary_itself() {
    let env = Env::utc().with_diary(DIARY);
    let out = env.ok(&["export", "--format", "json"]);
    let exported: Value = serde_json::from_str(&out).unwrap();
    let original: Value = serde_json::from_str(DIARY).unwrap();
    // Same content: unknown fields, history and retraction included; entries in time order.
    assert_eq!(exported["patient"], original["patient"]);
    assert_eq!(exported["procedures"], original["procedures"]);
    let by_id = |v: &Value, id: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .cloned()
            .unwrap()
    };
    for id in ["e1", "e2", "e3", "e4"] {
        assert_eq!(by_id(&exported, id), by_id(&original, id), "{id}");
    }
    // A diary the program wrote is exported byte for byte.
    let env2 = Env::utc().with_diary(&out);
    assert_eq!(env2.ok(&["export", "--format", "json"]), out);
    assert_eq!(env2.read(), out);
}

#[test]
fn export_csv_is_exact() {
    let env = Env::utc().with_diary(DIARY);
    assert_eq!(env.ok(&["export", "--format", "csv"]), CSV);
}

#[test]
fn csv_round_trip_through_a_new_diary_is_byte_identical() {
    let env = Env::utc().with_diary(DIARY);
    let csv = env.ok(&["export", "--format", "csv"]);
    let file = env.write("export.csv", &csv);
    let new = env.path("new.json");
    let (code, out, err) = env.run_on(&new, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "Imported 1 procedure and 4 entries (ids kept) into {}\n",
            new.display()
        )
    );
    assert!(err.contains("created a new diary"), "{err}");
    let mode = std::fs::metadata(&new).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let (code, again, _) = env.run_on(&new, &["export", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(again, csv);
    // The retracted entry is still retracted (and ignored by evaluation).
    let (_, list, _) = env.run_on(&new, &["list", "--format", "json"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    let e3 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "e3")
        .unwrap();
    assert_eq!(
        e3["retracted"]["reason"],
        "scored the injection site, not the back"
    );
    assert_eq!(e3["relief_pct"], Value::Null);
}

#[test]
fn import_into_an_empty_diary_keeps_ids() {
    let env = Env::utc();
    env.ok(&["init", "--patient", "PT-7"]);
    let file = env.write("in.csv", CSV);
    env.ok(&["import", "in.csv"]);
    let d = env.diary_json();
    assert_eq!(d["patient"]["id"], "PT-7");
    let ids: Vec<&str> = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["e1", "e2", "e3", "e4"]);
    assert_eq!(d["entries"][3]["score"], 0.30000000000000004);
    assert!(file.exists());
}

#[test]
fn import_into_a_diary_with_records_appends_with_fresh_ids() {
    let env = Env::utc().with_diary(DIARY);
    env.write(
        "more.csv",
        format!(
            "{HEADER}\n\
             procedure,b1,2026-11-25T09:30:00-07:00,,,,,,sacroiliac,,,left,bupivacaine,true,minimal,,\n\
             entry,e1,2026-11-25T09:00:00-07:00,6,,,,,,,,,,,,,\n\
             entry,,2026-11-25T10:00:00-07:00,1.5,,,,,,,,,,,,,\n"
        ),
    );
    let out = env.ok(&["import", "more.csv"]);
    assert!(
        out.starts_with("Imported 1 procedure and 2 entries (with new ids) into "),
        "{out}"
    );
    let d = env.diary_json();
    let ids = |list: &str| -> Vec<String> {
        d[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("procedures"), ["b1", "b2"]);
    assert_eq!(ids("entries"), ["e1", "e2", "e3", "e4", "e5", "e6"]);
    assert_eq!(d["procedures"][1]["kind"], "sacroiliac");
    assert_eq!(d["procedures"][1]["steroid"], true);
    assert_eq!(d["entries"][5]["score"], 1.5);
    // The old records are untouched, unknown fields and history included.
    assert_eq!(d["patient"]["mrn"], "X1");
    assert_eq!(d["entries"][3]["mood"], serde_json::json!([1, 2]));
    assert_eq!(d["entries"][2]["history"][0]["score"], 4);
}

#[test]
fn importing_a_diary_s_own_export_warns_that_every_record_repeats() {
    let env = Env::utc().with_diary(DIARY);
    env.ok(&["export", "--format", "csv", "--output", "own.csv"]);
    let before = env.diary_json();
    let count = before["procedures"].as_array().unwrap().len()
        + before["entries"].as_array().unwrap().len();
    let out = env.pd(&["import", "own.csv"]).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "paindiary: warning: {count} of the {count} imported records repeat one already in \
             the diary (same time and values): was own.csv imported before? A repeated score \
             counts twice in a relief run; `paindiary retract ID` withdraws one.\n"
        )
    );
    // Imported all the same, with fresh ids (SPEC §5).
    let after = env.diary_json();
    assert_eq!(
        after["entries"].as_array().unwrap().len(),
        2 * before["entries"].as_array().unwrap().len()
    );
    // A file of new readings imports without a warning.
    env.write(
        "new.csv",
        format!("{HEADER}\nentry,,2027-01-02T10:00:00-07:00,3,,,,,,,,,,,,,\n"),
    );
    env.pd(&["import", "new.csv"]).assert().success().stderr("");
}

/// An id at the very end of the numbering must not be handed out again: the diary would then
/// hold a duplicate id and no longer load.
#[test]
fn import_never_reuses_an_id_even_after_the_largest_number() {
    let env = Env::utc().with_diary(&format!(
        r#"{{"format":"paindiary","version":1,"entries":[
          {{"id":"e{}","at":"2026-11-20T08:00:00-07:00","score":5}}]}}"#,
        u64::MAX
    ));
    env.write("in.csv", CSV);
    env.ok(&["import", "in.csv"]);
    // The diary still loads, and every id is distinct.
    let list: Value = serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    let mut ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "{ids:?}");
}

#[test]
fn bad_csv_imports_nothing_and_names_row_and_column() {
    let row =
        |cells: &str| format!("{HEADER}\nentry,e1,2026-11-20T09:00:00Z,5,,,,,,,,,,,,,\n{cells}\n");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            row("entry,e2,2026-11-20T10:00:00Z,5,,,"),
            vec!["row 3, column 8 (note): the row has 7 columns, the header has 17"],
        ),
        (
            row("entry,e2,2026-11-20T10:00:00Z,11,,,,,,,,,,,,,"),
            vec!["row 3, column 4 (score_nrs_0_10): \"11\" is outside 0–10"],
        ),
        (
            row("entry,e2,2026-11-20T10:00:00Z,-1,,,,,,,,,,,,,"),
            vec!["row 3, column 4 (score_nrs_0_10): \"-1\" is outside 0–10"],
        ),
        (
            row("entry,e2,yesterday,5,,,,,,,,,,,,,"),
            vec!["row 3, column 3 (at): \"yesterday\" is not an RFC 3339 time with an offset"],
        ),
        (
            row("entry,e2,2026-11-20T10:00:00,5,,,,,,,,,,,,,"),
            vec!["row 3, column 3 (at):"],
        ),
        (
            row("procedure,b1,2026-11-20T10:00:00Z,,,,,,,,,up,lidocaine,false,none,,"),
            vec!["row 3, column 12 (side): \"up\" is not a known side"],
        ),
        (
            row("procedure,b1,2026-11-20T10:00:00Z,,,,,,,,,,lidocaine,false,general,,"),
            vec!["row 3, column 15 (sedation): \"general\" is not a known sedation"],
        ),
        (
            row("entry,e1,2026-11-20T10:00:00Z,5,,,,,,,,,,,,,"),
            vec!["row 3, column 2 (id): duplicate entry id \"e1\" (also on row 2)"],
        ),
        (
            CSV.replacen("score_nrs_0_10", "score", 1),
            vec!["row 1, column 4 (score_nrs_0_10): the header has \"score\""],
        ),
        (String::new(), vec!["row 1: the file is empty"]),
    ];
    for (csv, needles) in cases {
        // Into an existing diary, and into one that does not exist yet.
        for existing in [true, false] {
            let env = if existing {
                Env::utc().with_diary(DIARY)
            } else {
                Env::utc()
            };
            let file = env.write("bad.csv", &csv);
            let mut all = needles.clone();
            let prefix = format!("error: {}: ", file.display());
            let tail = format!("; nothing was imported into {}", env.diary().display());
            all.push(&prefix);
            all.push(&tail);
            env.fails(&["import", file.to_str().unwrap()], 1, &all);
            assert_eq!(env.diary().exists(), existing);
        }
    }
}

#[test]
fn import_errors_about_files() {
    let env = Env::utc().with_diary(DIARY);
    env.fails(
        &["import", "missing.csv"],
        1,
        &["missing.csv: no such file"],
    );
    let env = Env::utc()
        .with_diary("{\"format\": \"paindiary\", \"version\": 1, \"entries\": [{\"at\": 5}]}");
    env.write("ok.csv", CSV);
    env.fails(
        &["import", "ok.csv"],
        1,
        &["diary.json: entries[0].at (line 1, column"],
    );
    let env = Env::utc().with_diary(DIARY);
    env.fails(&["import"], 2, &["FILE.csv"]);
}

#[test]
fn export_errors() {
    let env = Env::utc();
    env.fails(
        &["export", "--format", "csv"],
        1,
        &[&format!("{}: no such file", env.diary().display())],
    );
    let env = Env::utc().with_diary(
        "{\"format\": \"paindiary\", \"version\": 1, \"entries\": [{\"at\": \"x\", \"score\": 1}]}",
    );
    for format in ["csv", "json", "fhir"] {
        env.fails(
            &["export", "--format", format],
            1,
            &["diary.json: entries[0].at"],
        );
    }
    let env = Env::utc().with_diary(DIARY);
    env.fails(&["export", "--format", "xml"], 2, &["xml"]);
    env.fails(&["export"], 2, &["--format"]);
}

fn fhir(env: &Env) -> (String, Value) {
    let out = env.ok(&["export", "--format", "fhir"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    (out, v)
}

#[test]
fn fhir_bundle_is_deterministic_and_complete() {
    let env = Env::utc().with_diary(DIARY);
    let before = sha256(&env.diary());
    let (text, bundle) = fhir(&env);
    assert_eq!(fhir(&env).0, text, "same diary, same bytes");
    assert_eq!(sha256(&env.diary()), before, "export writes nothing");
    // Another copy of the diary, elsewhere, gives the same bytes too.
    assert_eq!(fhir(&Env::utc().with_diary(DIARY)).0, text);

    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Patient",
            "Observation",
            "Procedure",
            "Observation",
            "Observation",
            "Observation"
        ]
    );
    for e in entries {
        assert!(e["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"));
    }
    let patient_url = entries[0]["fullUrl"].clone();
    assert_eq!(entries[0]["resource"]["identifier"][0]["value"], "PT-0042");
    let block_url = entries[2]["fullUrl"].clone();
    let r = |i: usize| &entries[i]["resource"];
    for i in 1..6 {
        assert_eq!(r(i)["subject"]["reference"], patient_url, "{i}");
    }
    assert_eq!(r(2)["status"], "completed");
    assert_eq!(r(2)["code"]["text"], "medial-branch-block");
    assert_eq!(r(2)["performedDateTime"], "2026-11-20T09:30:00-07:00");
    assert_eq!(
        r(2)["bodySite"][0]["text"],
        "lumbar; L4-L5, L5-S1; bilateral"
    );
    assert_eq!(
        r(2)["note"][0]["text"],
        "anesthetic: lidocaine; steroid: no; sedation: none"
    );
    // e1: baseline, whole score, no partOf.
    assert_eq!(r(1)["valueInteger"], 7);
    assert!(r(1).get("partOf").is_none());
    assert_eq!(r(1)["code"]["coding"][0]["code"], "72514-3");
    assert_eq!(
        r(1)["category"][0]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/observation-category"
    );
    assert_eq!(r(1)["category"][0]["coding"][0]["code"], "survey");
    // e2: decimal score, in b1's window.
    assert_eq!(r(3)["effectiveDateTime"], "2026-11-20T17:00:00Z");
    assert_eq!(r(3)["valueQuantity"]["value"], 2.5);
    assert_eq!(r(3)["valueQuantity"]["system"], "http://unitsofmeasure.org");
    assert_eq!(r(3)["valueQuantity"]["code"], "{score}");
    assert_eq!(r(3)["partOf"][0]["reference"], block_url);
    // e3: retracted, so entered-in-error and not a reading.
    assert_eq!(r(4)["status"], "entered-in-error");
    assert!(r(4).get("partOf").is_none());
    // e4: in the window.
    assert_eq!(r(5)["status"], "final");
    assert_eq!(r(5)["partOf"][0]["reference"], block_url);
}

#[test]
fn fhir_without_patient_id_still_has_one_patient_as_subject() {
    let text = DIARY.replace(r#""patient": {"id": "PT-0042", "mrn": "X1"},"#, "");
    assert_ne!(text, DIARY);
    let env = Env::utc().with_diary(&text);
    let (_, bundle) = fhir(&env);
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries[0]["resource"], json!({"resourceType": "Patient"}));
    for e in &entries[1..] {
        assert_eq!(e["resource"]["subject"]["reference"], entries[0]["fullUrl"]);
    }
    // The fullUrls differ from those of the same diary with a patient id.
    let (_, with) = fhir(&Env::utc().with_diary(DIARY));
    assert_ne!(bundle["entry"][1]["fullUrl"], with["entry"][1]["fullUrl"]);
}

/// Two diaries of one patient (left and right side), each with its uid (as `log` and `block`
/// write them), share no fullUrl.
#[test]
fn fhir_of_two_new_diaries_of_one_patient_share_no_full_url() {
    let env = Env::utc();
    let urls = |name: &str| -> Vec<String> {
        let path = env.path(name);
        let (code, _, err) = env.run_on(
            &path,
            &[
                "block",
                "--anesthetic",
                "lidocaine",
                "--at",
                "2026-11-20T09:30:00-07:00",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = env.run_on(&path, &["log", "3", "--at", "2026-11-20T10:30:00-07:00"]);
        assert_eq!(code, 0, "{err}");
        let (code, out, err) = env.run_on(&path, &["export", "--format", "fhir"]);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap().to_string())
            .collect()
    };
    let (left, right) = (urls("left.json"), urls("right.json"));
    assert_eq!(left.len(), 3);
    assert!(
        left.iter().all(|u| !right.contains(u)),
        "{left:?} {right:?}"
    );
}

#[test]
fn export_output_writes_the_file_atomically_and_dash_is_stdout() {
    let env = Env::utc().with_diary(DIARY);
    let before = sha256(&env.diary());
    let stdout = env.ok(&["export", "--format", "fhir"]);
    for format in ["fhir", "csv", "json"] {
        let out = env.path(&format!("out.{format}"));
        let (code, printed, err) = env.run(&[
            "export",
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(printed, "", "nothing on stdout");
        assert!(
            err.contains("wrote the") && err.contains(&format!("out.{format}")),
            "{err}"
        );
        let written = std::fs::read_to_string(&out).unwrap();
        assert_eq!(written, env.ok(&["export", "--format", format]));
        assert_eq!(
            env.ok(&["export", "--format", format, "--output", "-"]),
            written
        );
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(
        std::fs::read_to_string(env.path("out.fhir")).unwrap(),
        stdout
    );
    assert!(
        !env.path("-").exists(),
        "`-` is standard output, not a file"
    );
    // No temporary file is left.
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
    assert_eq!(
        sha256(&env.diary()),
        before,
        "export writes nothing to the diary"
    );
}

#[test]
fn export_output_never_replaces_the_diary_or_its_siblings() {
    let env = Env::utc().with_diary(DIARY);
    std::fs::write(env.path("diary.json.bak"), "backup").unwrap();
    std::fs::write(env.path("diary.json.lock"), "").unwrap();
    let before: Vec<_> = ["diary.json", "diary.json.bak", "diary.json.lock"]
        .iter()
        .map(|n| sha256(&env.path(n)))
        .collect();
    for target in [
        "diary.json",
        "diary.json.bak",
        "diary.json.lock",
        "./sub/../diary.json",
    ] {
        let _ = std::fs::create_dir_all(env.path("sub"));
        let out = env.dir.path().join(target);
        let err = env.fails(
            &[
                "export",
                "--format",
                "csv",
                "--output",
                out.to_str().unwrap(),
            ],
            2,
            &["refusing to write the export over"],
        );
        assert!(err.contains("diary"), "{err}");
    }
    let after: Vec<_> = ["diary.json", "diary.json.bak", "diary.json.lock"]
        .iter()
        .map(|n| sha256(&env.path(n)))
        .collect();
    assert_eq!(before, after);
    // A folder as output: exit 1, nothing written.
    env.fails(
        &[
            "export",
            "--format",
            "csv",
            "--output",
            env.dir.path().to_str().unwrap(),
        ],
        1,
        &["folder"],
    );
}

#[test]
fn fhir_of_a_diary_without_blocks_has_no_part_of() {
    let env = Env::utc();
    env.ok(&["log", "5", "--at", "2026-11-25T10:00:00Z"]);
    let (_, bundle) = fhir(&env);
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "the Patient and the entry");
    assert_eq!(entries[1]["resource"]["valueInteger"], 5);
    assert!(entries[1]["resource"].get("partOf").is_none());
}

mod round_trip_property {
    //! Random valid diaries (the shared generator, with text CSV has to quote) through the
    //! binary: export csv → import into a new diary → export csv gives the same bytes. (The
    //! library test in src/exchange/csv/tests.rs runs many more cases without starting
    //! processes.)
    use super::*;
    use crate::diary_gen::{csv_text, valid_diary};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn random_diaries_survive_export_import_export(generated in valid_diary(csv_text())) {
            let env = Env::utc().with_diary(&generated.text);
            let (code, csv, err) = env.run(&["export", "--format", "csv"]);
            prop_assert_eq!(code, 0, "{}", err);
            let file = env.write("out.csv", &csv);
            let new = env.path("new.json");
            let (code, _, err) = env.run_on(&new, &["import", file.to_str().unwrap()]);
            prop_assert_eq!(code, 0, "{}", err);
            let (code, again, err) = env.run_on(&new, &["export", "--format", "csv"]);
            prop_assert_eq!(code, 0, "{}", err);
            prop_assert_eq!(again, csv);
        }
    }
}

/// SPEC §5: a formula in a note is neutralised in the CSV and comes back exactly on import.
#[test]
fn csv_formulas_are_neutralised_and_the_round_trip_stays_exact() {
    let text = DIARY
        .replace(
            r#""He said \"fine\", then left""#,
            r#""=HYPERLINK(\"http://evil.example/x\",\"click me\")""#,
        )
        .replace(r#""standing""#, r#""=1+1""#);
    let env = Env::utc().with_diary(&text);
    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(
        csv.contains(r#","'=HYPERLINK(""http://evil.example/x"",""click me"")","#),
        "{csv}"
    );
    assert!(csv.contains(",'=1+1,"), "{csv}");
    let file = env.write("out.csv", &csv);
    let new = env.path("new.json");
    let (code, _, err) = env.run_on(&new, &["import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (_, again, _) = env.run_on(&new, &["export", "--format", "csv"]);
    assert_eq!(again, csv);
    let (_, json, _) = env.run_on(&new, &["export", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["entries"][0]["activity"], "=1+1");
    assert_eq!(
        v["procedures"][0]["note"],
        r#"=HYPERLINK("http://evil.example/x","click me")"#
    );
}

mod formula_round_trip {
    //! Through the binary: cells starting with `=`, `+`, `-`, `@`, tab, CR and leading `'`s.
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn formula_cells_round_trip(
            cells in prop::collection::vec("'{0,3}[=+\\-@\t\r'a][a-z=+@(\"' -]{0,6}", 4..8),
        ) {
            let entries: Vec<Value> = cells.iter().enumerate().map(|(i, c)| json!({
                "id": format!("e{}", i + 1), "at": format!("2026-11-20T{:02}:00:00Z", i + 1),
                "score": 5, "activity": c, "medication": c, "note": c,
            })).collect();
            let diary = json!({"format": "paindiary", "version": 1,
                "procedures": [{"id": "b1", "at": "2026-11-20T00:30:00Z",
                                "anesthetic": "lidocaine", "region": cells[0], "levels": [cells[1]]}],
                "entries": entries});
            let env = Env::utc().with_diary(&diary.to_string());
            let csv = env.ok(&["export", "--format", "csv"]);
            let file = env.write("out.csv", &csv);
            let new = env.path("new.json");
            let (code, _, err) = env.run_on(&new, &["import", file.to_str().unwrap()]);
            prop_assert_eq!(code, 0, "{}", err);
            let (_, again, _) = env.run_on(&new, &["export", "--format", "csv"]);
            prop_assert_eq!(&again, &csv);
            let (_, json, _) = env.run_on(&new, &["export", "--format", "json"]);
            let v: Value = serde_json::from_str(&json).unwrap();
            for (i, c) in cells.iter().enumerate() {
                prop_assert_eq!(&v["entries"][i]["note"], &json!(c));
            }
            prop_assert_eq!(&v["procedures"][0]["levels"][0], &json!(cells[1]));
        }
    }
}

#[test]
fn export_output_into_a_missing_folder_is_exit_1_and_writes_nothing() {
    let env = Env::utc().with_diary(DIARY);
    let out = env.dir.path().join("missing").join("out.csv");
    env.fails(
        &["export", "--format", "csv", "--output", out.to_str().unwrap()],
        1,
        &[
            "missing/out.csv: could not create a temporary file in its folder: No such file or directory (os error 2)",
        ],
    );
    assert!(!env.dir.path().join("missing").exists());
    let (_, _, err) = env.run(&[
        "export",
        "--format",
        "csv",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(
        !err.contains("tmp-"),
        "no temporary name in the message: {err}"
    );
}

/// `--output` is written like the diary (storage's atomic write): a link is written through to
/// its target and stays a link; a read-only file is refused and left as it was.
#[test]
fn export_output_writes_through_a_link_and_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::utc().with_diary(DIARY);
    let target = env.path("real.csv");
    std::fs::write(&target, "old").unwrap();
    let link = env.path("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    env.ok(&[
        "export",
        "--format",
        "csv",
        "--output",
        link.to_str().unwrap(),
    ]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("record,id,at,"), "{written}");

    let ro = env.path("ro.csv");
    std::fs::write(&ro, "keep").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    env.fails(
        &[
            "export",
            "--format",
            "csv",
            "--output",
            ro.to_str().unwrap(),
        ],
        1,
        &["ro.csv"],
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "keep");
}
