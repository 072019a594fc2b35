//! Unit tests of loading, validation and writing.

use super::*;

const GOOD: &str = r#"{
  "format": "paindiary",
  "version": 1,
  "patient": {"id": "PT-0042", "mrn": "X1"},
  "procedures": [
    {"id": "b1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
     "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "bilateral",
     "anesthetic": "lidocaine", "steroid": false, "sedation": "none", "note": null,
     "operator": {"name": "Dr A"}}
  ],
  "entries": [
    {"id": "e2", "at": "2026-11-20T10:00:00-07:00", "score": 2.5, "activity": "walking",
     "relief": 60, "medication": null, "note": null, "mood": [1, 2]},
    {"id": "e1", "at": "2026-11-20T16:00:00Z", "score": 7}
  ],
  "device": "phone"
}"#;

fn err(text: &str) -> LoadError {
    match parse_diary(text.as_bytes()) {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => e,
    }
}

#[test]
fn loads_a_good_diary_sorted_by_instant() {
    let d = parse_diary(GOOD.as_bytes()).unwrap();
    assert_eq!(d.patient_id(), Some("PT-0042"));
    assert_eq!(d.procedures.len(), 1);
    assert_eq!(d.procedures[0].levels, vec!["L4-L5", "L5-S1"]);
    // 16:00Z is 09:00-07:00: before e2.
    let ids: Vec<_> = d.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e1", "e2"]);
    assert_eq!(d.entries[1].score, 2.5);
    assert_eq!(d.entries[1].details.relief, Some(60.0));
    assert!(d.entries[1].has_activity());
}

#[test]
fn unknown_fields_survive_a_rewrite() {
    let d = parse_diary(GOOD.as_bytes()).unwrap();
    let text = String::from_utf8(to_bytes(&d).unwrap()).unwrap();
    for needle in [
        r#""mrn":"X1""#,
        r#""operator":{"name":"Dr A"}"#,
        r#""mood":[1,2]"#,
        r#""device": "phone""#,
        r#""at":"2026-11-20T16:00:00Z""#,
        r#""score":7,"#,
        r#""score":2.5"#,
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    let again = parse_diary(text.as_bytes()).unwrap();
    assert_eq!(again, d);
    assert_eq!(to_bytes(&again).unwrap(), text.as_bytes());
}

#[test]
fn score_out_of_range_names_path_line_and_column() {
    let text = "{\"format\":\"paindiary\",\"version\":1,\"entries\":[\n{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":3},\n{\"id\":\"e2\",\"at\":\"2026-11-20T10:00:00Z\",\"score\":11}]}";
    let e = err(text);
    assert_eq!(
        e.to_string(),
        "entries[1].score (line 3, column 48): 11 is outside 0–10"
    );
}

#[test]
fn data_errors_point_at_the_start_of_the_value() {
    // The SPEC's example: a jq-formatted file, `"score": 11` on line 14, column 16.
    let mut text =
        String::from("{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"entries\": [\n");
    for (i, score) in ["3", "4", "5", "11"].iter().enumerate() {
        if i == 3 {
            text.push_str(&format!("    {{\n      \"id\": \"e{i}\",\n      \"score\": {score},\n      \"at\": \"2026-11-20T09:00:00Z\"\n    }}\n"));
        } else {
            text.push_str(&format!(
                "    {{\"id\": \"e{i}\", \"at\": \"2026-11-20T09:00:00Z\", \"score\": {score}}},\n"
            ));
        }
    }
    text.push_str("  ]\n}\n");
    let e = err(&text);
    assert_eq!(
        e.to_string(),
        "entries[3].score (line 10, column 16): 11 is outside 0–10"
    );
    let cases: &[(&str, &str)] = &[
        ("\"x\"", "(line 1, column 94)"),
        ("[1]", "(line 1, column 94)"),
        ("{\"a\":1}", "(line 1, column 94)"),
        ("-1.5e3", "(line 1, column 94)"),
        ("\"a\\\"b\"", "(line 1, column 94)"),
    ];
    for (value, want) in cases {
        let text = format!(
            r#"{{"format":"paindiary","version":1,"entries":[{{"id":"e1","at":"2026-11-20T09:00:00Z","score": {value}}}]}}"#
        );
        let e = err(&text);
        assert!(e.to_string().contains(want), "{value}: {e}");
    }
}

#[test]
fn each_validation_rule_is_an_error() {
    let cases: &[(&str, &str)] = &[
        (r#"[]"#, "expected a paindiary diary"),
        (r#"{"version":1}"#, "format: missing"),
        (
            r#"{"format":"other","version":1}"#,
            "format (line 1, column 11)",
        ),
        (r#"{"format":"paindiary"}"#, "version: missing"),
        (r#"{"format":"paindiary","version":"1"}"#, "version (line 1"),
        (
            r#"{"format":"paindiary","version":1.5}"#,
            "integer format version",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","kind":"laser"}]}"#,
            "procedures[0].kind (line 1",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"saline"}]}"#,
            "\"saline\" is not a known anesthetic",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","side":"up"}]}"#,
            "procedures[0].side",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","sedation":"heavy"}]}"#,
            "procedures[0].sedation",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","steroid":"yes"}]}"#,
            "procedures[0].steroid",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","levels":"L4"}]}"#,
            "procedures[0].levels",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","levels":[4]}]}"#,
            "procedures[0].levels[0]",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","region":7}]}"#,
            "procedures[0].region",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20 09:00","score":3}]}"#,
            "not an RFC 3339 time",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00","score":3}]}"#,
            "entries[0].at",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":-1}]}"#,
            "-1 is outside 0–10",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":"7"}]}"#,
            "expected a number from 0 to 10",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":null}]}"#,
            "entries[0].score",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"relief":101}]}"#,
            "101 is outside 0–100",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"activity":true}]}"#,
            "entries[0].activity",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"medication":1}]}"#,
            "entries[0].medication",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"note":{}}]}"#,
            "entries[0].note",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":7,"at":"2026-11-20T09:00:00Z","score":5}]}"#,
            "entries[0].id",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"retracted":{"at":"2026-11-20T09:00:00Z"}}]}"#,
            "missing field `reason`",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"retracted":{"at":"2026-11-20T09:00:00Z","reason":5}}]}"#,
            "entries[0].retracted.reason",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"retracted":true}]}"#,
            "entries[0].retracted",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z"}]}"#,
            "missing field `score`",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5,"score":6}]}"#,
            "duplicate field `score`",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":5},{"id":"e1","at":"2026-11-20T10:00:00Z","score":5}]}"#,
            "entries[1].id: duplicate id \"e1\" (also at entries[0].id)",
        ),
        (
            r#"{"format":"paindiary","version":1,"entries":[{"id":"x","at":"2026-11-20T09:00:00Z","score":5},{"id":"e2","at":"2026-11-20T09:00:00Z","score":5},{"id":"x","at":"2026-11-20T10:00:00Z","score":5}]}"#,
            "entries[2].id: duplicate id \"x\" (also at entries[0].id)",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":[{"id":"b9","at":"2026-11-20T09:00:00Z","anesthetic":"other"},{"id":"b9","at":"2026-11-20T09:00:00Z","anesthetic":"other"}]}"#,
            "procedures[1].id: duplicate id \"b9\" (also at procedures[0].id)",
        ),
        (
            r#"{"format":"paindiary","version":1,"procedures":{}}"#,
            "procedures (line 1",
        ),
        (
            r#"{"format":"paindiary","version":1,"patient":"x"}"#,
            "patient (line 1",
        ),
        (
            r#"{"format":"paindiary","version":1} x"#,
            "trailing characters",
        ),
        ("", "EOF while parsing"),
        (
            "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"note\":\"\u{1}\"}]}",
            "control character",
        ),
    ];
    for (text, needle) in cases {
        let e = err(text);
        assert!(
            e.to_string().contains(needle),
            "for {text}\n  got: {e}\n  wanted: {needle}"
        );
    }
}

#[test]
fn newer_version_is_refused_whatever_follows() {
    for text in [
        r#"{"format":"paindiary","version":2,"entries":"a new shape"}"#,
        r#"{"entries":{"x":1},"version":2,"format":"paindiary","more":[}"#,
        r#"{"format":"paindiary","version":2}"#,
    ] {
        assert_eq!(
            err(text),
            LoadError::NewerVersion {
                version: "2".into()
            },
            "{text}"
        );
    }
    assert!(
        err(r#"{"format":"paindiary","version":2}"#)
            .to_string()
            .contains("newer than this paindiary supports")
    );
}

#[test]
fn missing_ids_are_assigned_after_the_largest() {
    let d = parse_diary(
        br#"{"format":"paindiary","version":1,"entries":[
        {"at":"2026-11-20T09:00:00Z","score":5},
        {"id":"e4","at":"2026-11-20T10:00:00Z","score":5},
        {"id":null,"at":"2026-11-20T11:00:00Z","score":5}]}"#,
    )
    .unwrap();
    let ids: Vec<_> = d.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e5", "e4", "e6"]);
    assert_eq!(d.next_entry_id(), "e7");
}

#[test]
fn equal_instants_keep_file_order() {
    let d = parse_diary(
        br#"{"format":"paindiary","version":1,"entries":[
        {"id":"e2","at":"2026-11-20T10:00:00-07:00","score":5},
        {"id":"e1","at":"2026-11-20T17:00:00Z","score":5},
        {"id":"e0","at":"2026-11-20T08:00:00-07:00","score":5}]}"#,
    )
    .unwrap();
    let ids: Vec<_> = d.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e0", "e2", "e1"]);
}

#[test]
fn a_bom_and_nulls_are_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        br#"{"format":"paindiary","version":1,"patient":null,"entries":[{"id":"e1","at":"2026-11-20T09:00:00Z","score":0,"retracted":null,"history":null,"relief":null}]}"#,
    );
    let d = parse_diary(&bytes).unwrap();
    assert!(d.patient.is_none());
    assert!(!d.entries[0].is_retracted());
}

#[test]
fn a_version_too_large_for_any_integer_type_is_still_newer() {
    let e = err(r#"{"format":"paindiary","version":99999999999999999999999}"#);
    assert_eq!(
        e,
        LoadError::NewerVersion {
            version: "99999999999999999999999".into()
        }
    );
    assert!(
        e.to_string().contains("newer than this paindiary supports"),
        "{e}"
    );
    assert!(!e.to_string().contains("floating"), "{e}");
}

const V1: &str = r#"{"format":"paindiary","version":1,"#;

#[test]
fn an_rfa_needs_no_anesthetic_but_a_block_does() {
    let rfa = format!(
        r#"{V1}"procedures":[{{"id":"b1","kind":"radiofrequency-ablation","at":"2026-11-20T09:00:00Z"}},{{"id":"b2","kind":"radiofrequency-ablation","at":"2026-11-21T09:00:00Z","anesthetic":null}}]}}"#
    );
    let d = parse_diary(rfa.as_bytes()).unwrap();
    assert!(
        d.procedures
            .iter()
            .all(|p| p.anesthetic.is_none() && !p.is_block())
    );
    let again = parse_diary(&to_bytes(&d).unwrap()).unwrap();
    assert_eq!(again, d);

    let null = format!(
        r#"{V1}"procedures":[{{"id":"b1","kind":"sacroiliac","at":"2026-11-20T09:00:00Z","anesthetic":null}}]}}"#
    );
    let e = err(&null).to_string();
    assert!(e.starts_with("procedures[0]"), "{e}");
    assert!(e.contains("a block needs its anesthetic"), "{e}");
    let missing = format!(r#"{V1}"procedures":[{{"id":"b1","at":"2026-11-20T09:00:00Z"}}]}}"#);
    assert!(
        err(&missing)
            .to_string()
            .contains("missing field `anesthetic`")
    );
}

#[test]
fn a_retracted_procedure_and_the_uid_survive_a_rewrite() {
    let text = format!(
        r#"{V1}"uid":"5f0c6f7e-9d1a-4a57-9b0e-2c1f8f3b7a11","procedures":[{{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","retracted":{{"at":"2026-11-21T09:00:00Z","reason":"wrong day","by":"nurse"}},"history":[{{"amended_at":"2026-11-20T10:00:00Z","side":"left"}}]}}]}}"#
    );
    let d = parse_diary(text.as_bytes()).unwrap();
    assert_eq!(
        d.uid.as_deref(),
        Some("5f0c6f7e-9d1a-4a57-9b0e-2c1f8f3b7a11")
    );
    let p = &d.procedures[0];
    assert!(p.is_retracted());
    assert_eq!(
        p.retracted.as_ref().unwrap().reason.as_deref(),
        Some("wrong day")
    );
    assert_eq!(p.history.as_ref().map(Vec::len), Some(1));
    let out = String::from_utf8(to_bytes(&d).unwrap()).unwrap();
    assert!(out.contains(r#""by":"nurse""#), "{out}");
    assert!(out.contains(r#""uid": "5f0c6f7e"#), "{out}");
    assert_eq!(parse_diary(out.as_bytes()).unwrap(), d);
    let bad = format!(
        r#"{V1}"procedures":[{{"id":"b1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine","retracted":{{"at":"2026-11-21T09:00:00Z"}}}}]}}"#
    );
    assert!(err(&bad).to_string().contains("procedures[0].retracted"));
    assert!(
        err(&format!(r#"{V1}"uid":7}}"#))
            .to_string()
            .starts_with("uid (line 1")
    );
}

#[test]
fn ids_are_unique_across_procedures_and_entries() {
    let text = format!(
        r#"{V1}"procedures":[{{"id":"e1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine"}}],"entries":[{{"id":"e1","at":"2026-11-20T08:00:00Z","score":5}}]}}"#
    );
    assert_eq!(
        err(&text).to_string(),
        "entries[0].id: duplicate id \"e1\" (also at procedures[0].id; ids are unique across procedures and entries)"
    );
    let swapped = format!(
        r#"{V1}"procedures":[{{"id":"e1","at":"2026-11-20T09:00:00Z","anesthetic":"lidocaine"}}],"entries":[{{"id":"b1","at":"2026-11-20T08:00:00Z","score":5}}]}}"#
    );
    let d = parse_diary(swapped.as_bytes()).unwrap();
    assert_eq!(d.next_entry_id(), "e2");
    assert_eq!(d.next_procedure_id(), "b2");
}

#[test]
fn years_before_0001_are_refused() {
    let text = format!(r#"{V1}"entries":[{{"id":"e1","at":"0000-12-31T23:00:00Z","score":5}}]}}"#);
    let e = err(&text).to_string();
    assert!(e.starts_with("entries[0].at (line 1, column"), "{e}");
    assert!(e.contains("before the year 0001"), "{e}");
    let ok = format!(r#"{V1}"entries":[{{"id":"e1","at":"0001-01-01T00:00:00Z","score":5}}]}}"#);
    assert!(parse_diary(ok.as_bytes()).is_ok());
}

/// serde-rs/json#721 (also serde-rs/serde#2748, serde-rs/json#1157): with `arbitrary_precision`,
/// `flatten` buffers a number as serde_json's private map, and a typed number inside a
/// flattened struct is refused unless it is written as an integer. The loader therefore
/// flattens only the untyped unknown fields (`Extra`, JSON values, which read that map back
/// into an exact number); scores, reliefs and times sit beside it, read directly. If this test
/// starts failing, serde_json has fixed the issue.
#[test]
fn flatten_and_arbitrary_precision_disagree_on_typed_numbers() {
    #[derive(serde::Deserialize)]
    struct Inner {
        n: f64,
    }
    #[derive(serde::Deserialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
    }
    let whole = serde_json::from_str::<Outer>(r#"{"n": 2}"#).map(|o| o.inner.n);
    assert_eq!(whole.ok(), Some(2.0));
    for text in [r#"{"n": 1.5}"#, r#"{"n": 2.0}"#, r#"{"n": 1e2}"#] {
        let e = serde_json::from_str::<Outer>(text)
            .err()
            .map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|e| e.contains("invalid type: map")),
            "{text}: {e:?}"
        );
    }
    // The loader: decimal scores and reliefs read, unknown numbers beside them kept exactly.
    let text = format!(
        r#"{V1}"entries":[{{"id":"e1","at":"2026-11-20T09:00:00Z","score":1.5,"relief":2.0e1,"x":1.50,"y":{{"z":1e2}}}}]}}"#
    );
    let d = parse_diary(text.as_bytes()).unwrap();
    assert_eq!(
        (d.entries[0].score, d.entries[0].details.relief),
        (1.5, Some(20.0))
    );
    let out = String::from_utf8(to_bytes(&d).unwrap()).unwrap();
    assert!(out.contains(r#""x":1.50,"y":{"z":1e+2}"#), "{out}");
}

#[test]
fn a_serialisation_failure_is_returned_not_written_as_null() {
    struct Failing;
    impl serde::Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("boom"))
        }
    }
    let mut out = Vec::new();
    let e = super::save::push_field(&mut out, "k", &Failing).unwrap_err();
    assert!(e.to_string().contains("boom"), "{e}");
    assert!(!String::from_utf8_lossy(&out).contains("null"));
}

/// The derived parse refuses a repeated unknown field only at the end of its object, and checks
/// a procedure's agent after reading it; the error still names where reading stopped: the
/// repeated field's value (before any later error in that object), the procedure's brace.
#[test]
fn late_checks_are_placed_where_the_reading_stops() {
    let text = format!(
        "{V1}\"entries\":[{{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\n\"q\":1,\n\"q\": [2],\n\"score\":11}}]}}"
    );
    assert_eq!(
        err(&text).to_string(),
        "entries[0] (line 3, column 8): duplicate field `q`"
    );
    let text = format!(
        "{V1}\"procedures\":[{{\"id\":\"b1\",\n\"at\":\"2026-11-20T09:00:00Z\",\n\"x\":1\n}},\n{{\"id\":\"b2\"}}]}}"
    );
    assert_eq!(
        err(&text).to_string(),
        "procedures[0] (line 4, column 1): missing field `anesthetic`"
    );
    let text =
        format!("{V1}\"procedures\":[{{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":null}} ]}}");
    assert_eq!(
        err(&text).to_string(),
        format!(
            "procedures[0] (line 1, column 95): {}",
            super::load::NEEDS_ANESTHETIC
        )
    );
}
