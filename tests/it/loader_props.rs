//! Property tests of the diary loader at library level (SPEC §1, §4):
//! - random valid diaries (random ids, times with random offsets, decimal scores, optional
//!   fields, unknown fields holding nested JSON) load, and load → save → load is unchanged;
//! - arbitrary bytes, JSON-like token soup and mutated valid diaries never panic, and whatever
//!   is accepted also survives a save → load round trip.
use crate::common;

use crate::diary_gen::{any_text, byte_mutations, mutated, valid_diary};
use paindiary::diary::{Diary, LoadError, parse_diary, to_bytes};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Properties.

/// Whatever the loader accepts, it writes back so that it loads to the same diary, and a second
/// save gives the same bytes.
fn assert_round_trip(diary: &Diary) -> Result<(), TestCaseError> {
    let bytes = to_bytes(diary).unwrap();
    let again = parse_diary(&bytes)
        .map_err(|e| TestCaseError::fail(format!("saved diary does not load: {e}")))?;
    prop_assert_eq!(&again, diary);
    prop_assert_eq!(to_bytes(&again).unwrap(), bytes);
    // What is written is plain JSON.
    prop_assert!(serde_json::from_slice::<Value>(&to_bytes(diary).unwrap()).is_ok());
    Ok(())
}

/// An error always has a message, and parse-time errors a position.
fn assert_sensible_error(err: &LoadError) -> Result<(), TestCaseError> {
    let message = err.to_string();
    prop_assert!(!message.is_empty());
    if let LoadError::Parse { line, .. } = err {
        prop_assert!(*line >= 1, "{message}");
        prop_assert!(message.contains("line "), "{message}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn valid_diaries_load_and_round_trip(generated in valid_diary(any_text())) {
        let diary = match parse_diary(generated.text.as_bytes()) {
            Ok(d) => d,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{}", generated.text))),
        };
        prop_assert_eq!(diary.procedures.len(), generated.procedures);
        prop_assert_eq!(diary.entries.len(), generated.entries.len());
        for (key, value) in &generated.top_extra {
            prop_assert_eq!(diary.extra.get(key), Some(value));
        }
        for check in &generated.entries {
            let found = diary
                .entries
                .iter()
                .find(|e| match &check.id {
                    Some(id) => e.id == *id,
                    None => e.at.text() == check.at && e.score == check.score,
                });
            let Some(e) = found else {
                return Err(TestCaseError::fail(format!("entry {check:?} not loaded")));
            };
            prop_assert_eq!(e.at.text(), check.at.clone());
            prop_assert_eq!(e.score, check.score);
            for (key, value) in &check.extra {
                prop_assert_eq!(e.details.extra.get(key), Some(value));
            }
        }
        // Ids are unique and non-empty after loading (missing ones are assigned).
        let mut ids: Vec<&str> = diary.entries.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), diary.entries.len());
        prop_assert!(ids.iter().all(|id| !id.is_empty()));
        // Sorted by instant.
        prop_assert!(diary.entries.is_sorted_by_key(|e| e.at.instant()));
        prop_assert!(diary.procedures.is_sorted_by_key(|p| p.at.instant()));
        assert_round_trip(&diary)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        match parse_diary(&bytes) {
            Ok(diary) => assert_round_trip(&diary)?,
            Err(e) => assert_sensible_error(&e)?,
        }
    }

    #[test]
    fn json_like_token_soup_never_panics(tokens in vec(proptest::sample::select(&[
        "{", "}", "[", "]", ",", ":", "\"format\"", "\"paindiary\"", "\"version\"", "1", "2",
        "\"entries\"", "\"procedures\"", "\"patient\"", "\"id\"", "\"at\"", "\"score\"",
        "\"2026-11-20T09:00:00-07:00\"", "\"anesthetic\"", "\"lidocaine\"", "\"retracted\"",
        "\"history\"", "null", "true", "7.5", "-1", "1e999", "11", "\"e1\"", "\"x\"", " ",
        "\"\\u001b\"", "\"\\ud800\"",
    ][..]), 0..64)) {
        let text = tokens.concat();
        match parse_diary(text.as_bytes()) {
            Ok(diary) => assert_round_trip(&diary)?,
            Err(e) => assert_sensible_error(&e)?,
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_diaries_never_panic(
        generated in valid_diary(any_text()),
        mutations in byte_mutations(),
    ) {
        let bytes = mutated(generated.text.into_bytes(), &mutations);
        match parse_diary(&bytes) {
            Ok(diary) => assert_round_trip(&diary)?,
            Err(e) => assert_sensible_error(&e)?,
        }
    }
}

#[test]
fn deeply_nested_unknown_values_are_an_error_not_a_crash() {
    for depth in [200usize, 100_000] {
        let text = format!(
            "{{\"format\":\"paindiary\",\"version\":1,\"deep\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let err = parse_diary(text.as_bytes()).expect_err("too deep");
        assert!(err.to_string().contains("recursion"), "{err}");
    }
}

#[test]
fn truncations_of_a_valid_diary_never_panic() {
    let text = common::SMALL_DIARY.as_bytes();
    assert!(parse_diary(text).is_ok());
    for end in 0..text.len() {
        if let Err(e) = parse_diary(&text[..end]) {
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn edge_case_times_either_load_and_round_trip_or_are_refused() {
    for at in [
        "2026-06-30T23:59:60Z",
        "2026-06-30T23:59:60.5+02:00",
        "0000-01-01T00:00:00+01:00",
        "0000-01-01T00:00:00-23:59",
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59+23:59",
        "2026-11-20T09:30:00.000000000-07:00",
        "2026-11-20T09:30:00.1Z",
        "2026-11-20T09:30:00,5Z",
        "2026-11-20t09:30:00z",
        "2026-11-20 09:30:00Z",
        "2026-11-20T09:30:00-00:00",
        "2026-11-20T09:30:00+24:00",
        "2026-11-20T09:30Z",
        "+2026-11-20T09:30:00Z",
    ] {
        let text = format!(
            "{{\"format\":\"paindiary\",\"version\":1,\"entries\":[{{\"id\":\"e1\",\"at\":\"{at}\",\"score\":5}}],\
             \"procedures\":[{{\"id\":\"b1\",\"at\":\"{at}\",\"anesthetic\":\"other\"}}]}}"
        );
        match parse_diary(text.as_bytes()) {
            Ok(diary) => {
                assert_eq!(diary.entries[0].at.text(), at, "the text is kept");
                let again = parse_diary(&to_bytes(&diary).unwrap()).expect("saved diary loads");
                assert_eq!(again, diary, "{at}");
            }
            Err(e) => assert!(e.to_string().contains("entries[0].at"), "{at}: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Before/after corpus (issue 10): several thousand valid and invalid diaries, hand-written
// edge cases and systematic mutations, whose exact load result (the saved bytes' hash, or
// the error text) was recorded from the hand-written loader in `tests/loader_corpus.txt`.
// The derived loader must give identical results. `PAINDIARY_RECORD_CORPUS=1` rewrites the file.

/// A JSON document that can hold what `Value` cannot: duplicate keys and raw number text.
#[derive(Clone)]
enum J {
    Raw(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn j(text: &str) -> J {
    fn from(v: &Value) -> J {
        match v {
            Value::Array(a) => J::Arr(a.iter().map(from).collect()),
            Value::Object(m) => J::Obj(m.iter().map(|(k, v)| (k.clone(), from(v))).collect()),
            other => J::Raw(other.to_string()),
        }
    }
    from(&serde_json::from_str::<Value>(text).expect("corpus base is JSON"))
}

/// Printed with two-space indentation, one member a line, so line:column vary.
fn print(doc: &J, indent: usize, out: &mut String) {
    let pad = |n: usize| " ".repeat(n);
    match doc {
        J::Raw(r) => out.push_str(r),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Obj(items) if items.is_empty() => out.push_str("{}"),
        J::Arr(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 2));
                print(item, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        J::Obj(items) => {
            out.push_str("{\n");
            for (i, (k, v)) in items.iter().enumerate() {
                out.push_str(&pad(indent + 2));
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                print(v, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
    }
}

fn printed(doc: &J) -> String {
    let mut out = String::new();
    print(doc, 0, &mut out);
    out.push('\n');
    out
}

/// Every value position, as (name, index path).
fn positions(doc: &J, name: String, at: Vec<usize>, out: &mut Vec<(String, Vec<usize>)>) {
    out.push((name.clone(), at.clone()));
    match doc {
        J::Raw(_) => {}
        J::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut next = at.clone();
                next.push(i);
                positions(item, format!("{name}[{i}]"), next, out);
            }
        }
        J::Obj(items) => {
            for (i, (k, v)) in items.iter().enumerate() {
                let mut next = at.clone();
                next.push(i);
                positions(v, format!("{name}.{k}"), next, out);
            }
        }
    }
}

fn node<'a>(doc: &'a mut J, at: &[usize]) -> &'a mut J {
    match at.split_first() {
        None => doc,
        Some((&i, rest)) => match doc {
            J::Arr(items) => node(&mut items[i], rest),
            J::Obj(items) => node(&mut items[i].1, rest),
            J::Raw(_) => unreachable!("positions only lead into containers"),
        },
    }
}

const CORPUS_BASES: &[&str] = &[
    r#"{"format": "paindiary", "version": 1, "uid": "6f1c1c1e-0000-4000-8000-000000000001",
        "patient": {"id": "PT-0042", "mrn": "X1"},
        "procedures": [
          {"id": "b1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
           "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "bilateral",
           "anesthetic": "lidocaine", "steroid": false, "sedation": "none", "note": null,
           "operator": {"name": "Dr A", "n": 1.50}},
          {"id": "b2", "kind": "radiofrequency-ablation", "at": "2026-12-20T09:30:00Z",
           "anesthetic": null, "retracted": {"at": "2026-12-21T10:00:00+01:00", "reason": "wrong day"},
           "history": [{"at": "2026-12-20T09:00:00Z", "changed_at": "2026-12-21T09:00:00Z"}]}
        ],
        "entries": [
          {"id": "e2", "at": "2026-11-20T10:00:00-07:00", "score": 2.5, "activity": "walking",
           "relief": 60, "medication": null, "note": null, "mood": [1, 2.000, 123456789012345678901234567890]},
          {"id": "e1", "at": "2026-11-20T16:00:00Z", "score": 7},
          {"at": "2026-11-20T09:00:00.500-07:00", "score": 6, "retracted": null, "history": null}
        ],
        "device": "phone"}"#,
    r#"{"version": 1, "format": "paindiary",
        "entries": [
          {"score": 0, "at": "2026-01-01T00:00:00+14:00", "id": "x"},
          {"id": "e7", "at": "0001-01-01T00:00:00Z", "score": 10, "relief": 100,
           "retracted": {"reason": null, "at": "2026-01-02T00:00:00-00:00", "by": "me"},
           "history": [{"score": 3}]}
        ],
        "procedures": [
          {"kind": "sacroiliac", "at": "2025-12-31T23:59:60Z", "anesthetic": "bupivacaine",
           "steroid": true, "sedation": "deep", "side": null, "levels": []}
        ]}"#,
];

const REPLACEMENTS: &[&str] = &[
    "null",
    "true",
    "0",
    "7",
    "2.5",
    "10",
    "11",
    "-1",
    "100",
    "101",
    "1e400",
    "-0",
    "12345678901234567890123",
    "1.0000000000000000000001",
    "\"\"",
    "\"x\"",
    "\"lidocaine\"",
    "\"radiofrequency-ablation\"",
    "\"2026-11-20T09:00:00Z\"",
    "\"0000-12-31T23:00:00-01:00\"",
    "\"e1\"",
    "[]",
    "[\"a\"]",
    "[1]",
    "{}",
    "{\"at\": \"2026-11-20T09:00:00Z\", \"reason\": \"r\"}",
];

const HAND_WRITTEN: &[&str] = &[
    "",
    " ",
    "null",
    "[]",
    "\"paindiary\"",
    "{}",
    "{",
    "{\"format\":\"paindiary\",\"version\":1}",
    "\u{feff}{\"format\":\"paindiary\",\"version\":1}",
    "{\"format\":\"paindiary\",\"version\":1} x",
    "{\"format\":\"paindiary\",\"version\":1}\n\n",
    "{\"format\":\"paindiary\",\"version\":2}",
    "{\"version\":2}",
    "{\"version\":99999999999999999999999,\"format\":\"paindiary\"}",
    "{\"format\":\"paindiary\",\"version\":0}",
    "{\"format\":\"paindiary\",\"version\":-3}",
    "{\"format\":\"paindiary\",\"version\":1.0}",
    "{\"format\":\"paindiary\",\"version\":2.0}",
    "{\"format\":\"paindiary\",\"version\":\"2\"}",
    "{\"format\":\"other\",\"version\":2}",
    "{\"format\":\"paindiary\",\"version\":2,\"entries\":5}",
    "{\"format\":\"paindiary\",\"version\":1,\"format\":\"paindiary\"}",
    "{\"format\":\"paindiary\",\"version\":1,\"a\":1,\"a\":2}",
    "{\"format\":\"paindiary\",\"version\":1,\"a\":1,\"b\":{\"c\":1,\"c\":2}}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1,\"q\":1,\"q\":2,\"score\":3}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1,\"q\":1,\"q\":2}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"q\":1,\"q\":2,\"score\":11}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"b1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1}],\"procedures\":[{\"id\":\"b1\",\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1},{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1},{\"id\":\"e9\",\"at\":\"2026-11-20T08:00:00Z\",\"score\":1},{\"at\":\"2026-11-20T09:00:00Z\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e18446744073709551615\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1},{\"at\":\"2026-11-20T09:00:00Z\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e01\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1},{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"kind\":\"radiofrequency-ablation\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"anesthetic\":null,\"at\":\"2026-11-20T09:00:00Z\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"anesthetic\":\"lidocaine\",\"kind\":\"radiofrequency-ablation\",\"at\":\"2026-11-20T09:00:00Z\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":\"7\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":7,\"note\":\"a\\\"b\\u00e9\\n\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":7,\"n\\u00e9\":1e5}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1e-400}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":9.99999999999999999999}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":10.0000000000000001}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":-0.0}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00z\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"-0001-11-20T09:00:00Z\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"0001-01-01T00:30:00+01:00\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"9999-12-31T23:59:59.999999999-23:59\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00.000+00:00\",\"score\":1}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1,\"retracted\":{\"at\":\"2026-11-20T09:00:00Z\"}}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1,\"history\":[1]}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1,\"history\":{}}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1}],}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":1,}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":01}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":[{\"id\":\"e1\",\"at\":\"2026-11-20T09:00:00Z\",\"score\":NaN}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"patient\":null}",
    "{\"format\":\"paindiary\",\"version\":1,\"patient\":{}}",
    "{\"format\":\"paindiary\",\"version\":1,\"patient\":{\"id\":null,\"id\":\"x\"}}",
    "{\"format\":\"paindiary\",\"version\":1,\"patient\":[]}",
    "{\"format\":\"paindiary\",\"version\":1,\"uid\":null}",
    "{\"format\":\"paindiary\",\"version\":1,\"uid\":7}",
    "{\"format\":\"paindiary\",\"version\":1,\"entries\":null}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[[]]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[null]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"x\",\"kind\":\"y\"}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\",\"levels\":[\"a\",null]}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\",\"levels\":null}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\",\"steroid\":null}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\",\"sedation\":null}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\",\"kind\":null}]}",
    "{\"format\":\"paindiary\",\"version\":1,\"procedures\":[{\"at\":\"2026-11-20T09:00:00Z\",\"anesthetic\":\"other\",\"x\":{\"y\":[1,{\"z\":1.5e3}]}}]}",
];

pub(crate) fn corpus() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = HAND_WRITTEN
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("hand {i}"), t.to_string()))
        .collect();
    for (b, base) in CORPUS_BASES.iter().enumerate() {
        let doc = j(base);
        let text = printed(&doc);
        cases.push((format!("base{b}"), text.clone()));
        cases.push((format!("base{b} bom"), format!("\u{feff}{text}")));
        let compact: Value = serde_json::from_str(base).expect("base is JSON");
        cases.push((format!("base{b} compact"), compact.to_string()));
        for cut in (0..text.len()).step_by(37) {
            if text.is_char_boundary(cut) {
                cases.push((format!("base{b} cut {cut}"), text[..cut].to_string()));
            }
        }
        let mut at = Vec::new();
        positions(&doc, String::new(), Vec::new(), &mut at);
        for (name, path) in &at {
            for r in REPLACEMENTS {
                let mut d = doc.clone();
                *node(&mut d, path) = J::Raw(r.to_string());
                cases.push((format!("base{b} {name} := {r}"), printed(&d)));
            }
            if let J::Obj(items) = node(&mut doc.clone(), path) {
                for i in 0..items.len() {
                    let key = &items[i].0;
                    let mut d = doc.clone();
                    if let J::Obj(m) = node(&mut d, path) {
                        m.remove(i);
                    }
                    cases.push((format!("base{b} {name} -{key}"), printed(&d)));
                    let mut d = doc.clone();
                    if let J::Obj(m) = node(&mut d, path) {
                        let copy = m[i].clone();
                        m.push(copy);
                    }
                    cases.push((format!("base{b} {name} +dup {key}"), printed(&d)));
                }
                for (r, key) in [("1.000000000000000000001", "zz"), ("{\"a\":[1e2]}", "zz")] {
                    let mut d = doc.clone();
                    if let J::Obj(m) = node(&mut d, path) {
                        m.insert(0, (key.to_string(), J::Raw(r.to_string())));
                    }
                    cases.push((format!("base{b} {name} +{key}={r}"), printed(&d)));
                }
            }
        }
    }
    cases
}

fn load_result(text: &str) -> String {
    match parse_diary(text.as_bytes()) {
        Ok(d) => {
            let bytes = to_bytes(&d).unwrap();
            // The first 10 bytes of the SHA-256.
            let hex = &common::sha256_hex(&bytes)[..20];
            format!("ok {}p {}e {hex}", d.procedures.len(), d.entries.len())
        }
        Err(e) => format!("err {e}"),
    }
}

#[test]
fn loader_corpus_gives_the_recorded_results() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/loader_corpus.txt");
    let actual: Vec<String> = corpus()
        .iter()
        .map(|(name, text)| format!("{name}\t{}", load_result(text).replace('\n', "\\n")))
        .collect();
    if std::env::var_os("PAINDIARY_RECORD_CORPUS").is_some() {
        std::fs::write(&path, actual.join("\n") + "\n").expect("write the corpus");
        return;
    }
    let recorded = std::fs::read_to_string(&path).expect("tests/loader_corpus.txt");
    let recorded: Vec<&str> = recorded.lines().collect();
    assert_eq!(recorded.len(), actual.len(), "the corpus has changed size");
    let wrong: Vec<String> = recorded
        .iter()
        .zip(&actual)
        .filter(|(r, a)| r != a)
        .map(|(r, a)| format!("recorded {r}\n  actual {a}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} cases differ:\n{}",
        wrong.len(),
        actual.len(),
        wrong
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
