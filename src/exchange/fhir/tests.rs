//! Unit tests of the FHIR export: structure, required elements, determinism, `partOf` by time.

use super::*;
use crate::diary::parse_diary;

/// b1 at 09:30 with a baseline, readings in its 8 h window (e2, e3, e4), one after it (e5),
/// a retracted one inside (e6).
const DIARY: &str = r#"{"format":"paindiary","version":1,
  "patient":{"id":"PT-0042"},
  "procedures":[
    {"id":"b1","kind":"medial-branch-block","at":"2026-11-20T09:30:00-07:00","region":"lumbar",
     "levels":["L4-L5","L5-S1"],"side":"bilateral","anesthetic":"lidocaine","steroid":true,
     "sedation":"minimal","note":"tolerated well"}],
  "entries":[
    {"id":"e1","at":"2026-11-20T09:00:00-07:00","score":7,"activity":"rest"},
    {"id":"e2","at":"2026-11-20T10:00:00-07:00","score":2.5,"relief":60},
    {"id":"e3","at":"2026-11-20T11:00:00-07:00","score":2,"medication":"none\u0007"},
    {"id":"e6","at":"2026-11-20T11:30:00-07:00","score":9,
     "retracted":{"at":"2026-11-21T08:00:00-07:00","reason":"wrong side"}},
    {"id":"e4","at":"2026-11-20T17:30:00-07:00","score":3},
    {"id":"e5","at":"2026-11-20T17:31:00-07:00","score":6}]}"#;

fn diary(text: &str) -> Diary {
    parse_diary(text.as_bytes()).unwrap()
}

fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect()
}

fn url_of(bundle: &Value, kind: &str, id: &str) -> String {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["resource"]["resourceType"] == kind && e["resource"]["identifier"][0]["value"] == id
        })
        .map(|e| e["fullUrl"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn bundle_shape_and_required_elements() {
    let d = diary(DIARY);
    let b = bundle(&d);
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let rs = resources(&b);
    let kinds: Vec<&str> = rs
        .iter()
        .map(|r| r["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Patient",
            "Observation",
            "Procedure",
            "Observation",
            "Observation",
            "Observation",
            "Observation",
            "Observation"
        ]
    );
    // Every fullUrl is a urn:uuid, all different.
    let urls: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len());
    for url in &urls {
        let uuid = url.strip_prefix("urn:uuid:").unwrap();
        let parsed = Uuid::parse_str(uuid).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
        assert_eq!(parsed.hyphenated().to_string(), uuid);
    }
    let patient = rs[0];
    assert_eq!(patient["identifier"][0]["value"], "PT-0042");
    let subject = json!({"reference": urls[0]});

    let p = rs[2];
    assert_eq!(p["status"], "completed");
    assert_eq!(p["subject"], subject);
    assert_eq!(p["code"]["text"], "medial-branch-block");
    assert_eq!(p["performedDateTime"], "2026-11-20T09:30:00-07:00");
    assert_eq!(p["bodySite"][0]["text"], "lumbar; L4-L5, L5-S1; bilateral");
    assert_eq!(
        p["note"],
        json!([{"text": "anesthetic: lidocaine; steroid: yes; sedation: minimal"}, {"text": "tolerated well"}])
    );

    let o = rs[3]; // e2
    assert_eq!(o["status"], "final");
    assert_eq!(
        o["category"],
        json!([{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey", "display": "Survey"}]}])
    );
    assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(o["code"]["coding"][0]["code"], "72514-3");
    assert_eq!(
        o["code"]["coding"][0]["display"],
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
    );
    assert_eq!(o["subject"], subject);
    assert_eq!(o["effectiveDateTime"], "2026-11-20T10:00:00-07:00");
    assert_eq!(
        o["valueQuantity"],
        json!({"value": 2.5, "system": "http://unitsofmeasure.org", "code": "{score}"})
    );
    assert!(o.get("valueInteger").is_none());
    assert_eq!(rs[1]["valueInteger"], 7);
    assert!(rs[1].get("valueQuantity").is_none());
    // A control character is not allowed in a FHIR string.
    assert_eq!(rs[4]["note"][0]["text"], "medication: none\\u{7}");
    // Retracted: entered-in-error.
    assert_eq!(rs[5]["status"], "entered-in-error");
    assert_eq!(
        rs[5]["note"][0]["text"],
        "retracted 2026-11-21T08:00:00-07:00: wrong side"
    );
}

#[test]
fn part_of_follows_the_eight_hour_window() {
    let d = diary(DIARY);
    let b = bundle(&d);
    let block = json!([{"reference": url_of(&b, "Procedure", "b1")}]);
    let part_of = |id: &str| {
        resources(&b)
            .into_iter()
            .find(|r| r["identifier"][0]["value"] == id && r["resourceType"] == "Observation")
            .unwrap()
            .get("partOf")
            .cloned()
    };
    assert_eq!(part_of("e1"), None, "baseline reading");
    assert_eq!(part_of("e2"), Some(block.clone()));
    assert_eq!(part_of("e3"), Some(block.clone()));
    assert_eq!(
        part_of("e4"),
        Some(block.clone()),
        "8 h after: the window's end is inside"
    );
    assert_eq!(part_of("e5"), None, "8 h 1 m after: outside");
    assert_eq!(part_of("e6"), None, "retracted: not a reading");
}

#[test]
fn same_diary_same_bytes_and_ids_depend_on_patient() {
    let a = to_fhir(&diary(DIARY));
    assert_eq!(a, to_fhir(&diary(DIARY)));
    assert!(a.ends_with("}\n"));
    // The stream gives exactly the pretty-printed tree.
    assert_eq!(
        a,
        format!(
            "{}\n",
            serde_json::to_string_pretty(&bundle(&diary(DIARY))).unwrap()
        )
    );
    let other = DIARY.replace("PT-0042", "PT-0043");
    let b = to_fhir(&diary(&other));
    assert_ne!(
        url_of(&bundle(&diary(DIARY)), "Procedure", "b1"),
        url_of(&bundle(&diary(&other)), "Procedure", "b1")
    );
    assert_ne!(a, b);
    // Stable across versions of the program: the name is fixed.
    assert_eq!(
        full_url(Scope::Patient("PT-0042"), "procedure", "b1"),
        format!(
            "urn:uuid:{}",
            Uuid::new_v5(
                &Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:paindiary:fhir"),
                br#"["patient","PT-0042","procedure","b1"]"#
            )
        )
    );
}

/// Two diaries of one patient (left and right side) never share a fullUrl: the uid names them.
#[test]
fn the_uid_names_the_diary() {
    let with_uid =
        |uid: &str| DIARY.replacen(r#""patient":"#, &format!(r#""uid":"{uid}","patient":"#), 1);
    let left = bundle(&diary(&with_uid("3f6c1a52-0c1e-4c39-9a57-0a1d8f1e0001")));
    let right = bundle(&diary(&with_uid("3f6c1a52-0c1e-4c39-9a57-0a1d8f1e0002")));
    let urls = |b: &Value| -> Vec<String> {
        b["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap().to_string())
            .collect()
    };
    let (l, r) = (urls(&left), urls(&right));
    assert_eq!(l.len(), r.len());
    for url in &l {
        assert!(!r.contains(url), "{url} in both diaries");
    }
    // The same uid, the same urls, whatever the patient id.
    let renamed = with_uid("3f6c1a52-0c1e-4c39-9a57-0a1d8f1e0001").replace("PT-0042", "PT-9");
    assert_eq!(urls(&bundle(&diary(&renamed))), l);
    assert_eq!(
        l[0],
        full_url(
            Scope::Uid("3f6c1a52-0c1e-4c39-9a57-0a1d8f1e0001"),
            "patient",
            ""
        )
    );
    // A uid, a patient id with the same text, and no scope are three different names.
    assert_ne!(
        full_url(Scope::Uid("x"), "entry", "e1"),
        full_url(Scope::Patient("x"), "entry", "e1")
    );
    assert_ne!(
        full_url(Scope::Anonymous, "entry", "e1"),
        full_url(Scope::Patient("x"), "entry", "e1")
    );
}

#[test]
fn without_patient_id_a_patient_without_identifier_is_still_the_subject() {
    let text = DIARY.replace(r#""patient":{"id":"PT-0042"},"#, "");
    for text in [text, DIARY.replace("PT-0042", " ")] {
        let b = bundle(&diary(&text));
        let rs = resources(&b);
        assert_eq!(rs[0], &json!({"resourceType": "Patient"}));
        let subject = json!({"reference": b["entry"][0]["fullUrl"]});
        assert_eq!(
            rs.iter().filter(|r| r["resourceType"] == "Patient").count(),
            1
        );
        for r in &rs[1..] {
            assert_eq!(r["subject"], subject, "{r}");
        }
    }
}

#[test]
fn empty_diary_has_only_the_patient() {
    let b = bundle(&Diary::default());
    assert_eq!(b["entry"].as_array().unwrap().len(), 1);
    assert_eq!(
        b["entry"][0]["resource"],
        json!({"resourceType": "Patient"})
    );
}

#[test]
fn rfa_and_retracted_procedures() {
    let d = diary(
        r#"{"format":"paindiary","version":1,
        "procedures":[
          {"id":"b1","at":"2026-11-20T09:30:00-07:00","anesthetic":"lidocaine",
           "retracted":{"at":"2026-11-21T08:00:00-07:00","reason":"entered twice"}},
          {"id":"b2","at":"2026-11-20T09:31:00-07:00","anesthetic":"lidocaine"},
          {"id":"b3","kind":"radiofrequency-ablation","at":"2026-11-20T12:00:00-07:00",
           "levels":["L4-L5"],"side":"left"}],
        "entries":[
          {"id":"e1","at":"2026-11-20T10:00:00-07:00","score":3},
          {"id":"e2","at":"2026-11-20T13:00:00-07:00","score":3}]}"#,
    );
    let b = bundle(&d);
    let rs = resources(&b);
    let find = |id: &str| {
        *rs.iter()
            .find(|r| r["identifier"][0]["value"] == id)
            .unwrap()
    };
    assert_eq!(find("b1")["status"], "entered-in-error");
    assert_eq!(
        find("b1")["note"][1]["text"],
        "retracted 2026-11-21T08:00:00-07:00: entered twice"
    );
    assert_eq!(find("b2")["status"], "completed");
    let rfa = find("b3");
    assert_eq!(rfa["resourceType"], "Procedure");
    assert_eq!(rfa["code"]["text"], "radiofrequency-ablation");
    assert_eq!(rfa["bodySite"][0]["text"], "L4-L5; left");
    assert_eq!(
        rfa["note"][0]["text"],
        "anesthetic: none recorded; steroid: no; sedation: none"
    );
    // e1 belongs to b2 (b1 is retracted); e2 is after the RFA, which ends b2's window.
    assert_eq!(
        find("e1")["partOf"][0]["reference"],
        url_of(&b, "Procedure", "b2")
    );
    assert!(find("e2").get("partOf").is_none());
}

/// FHIR strings are `[ \r\n\t\S]+`: other white space and controls are written as text.
#[test]
fn strings_hold_only_what_fhir_allows() {
    assert_eq!(
        fhir_text("a\u{a0}b\u{2028}c\u{b}d\u{feff}"),
        Some("a\\u{a0}b\\u{2028}c\\u{b}d\\u{feff}".into())
    );
    assert_eq!(
        fhir_text("tab\tand\r\nlines"),
        Some("tab\tand\r\nlines".into())
    );
    assert_eq!(fhir_text(" \n "), None);
    assert_eq!(fhir_text(""), None);
    assert_eq!(fhir_text("\u{202e}PT"), Some("\u{202e}PT".into()));
}

#[test]
fn date_times_have_the_fhir_shape() {
    for ok in [
        "2026-11-20T09:30:00-07:00",
        "2026-11-20T16:30:00Z",
        "2026-11-20T16:30:00.5+00:00",
    ] {
        assert!(is_fhir_date_time(ok), "{ok}");
        assert_eq!(date_time(&Timestamp::parse(ok).unwrap()).unwrap(), ok);
    }
    // chrono accepts these; FHIR does not: the canonical form is written instead.
    for (text, want) in [
        ("2026-11-20t16:30:00z", "2026-11-20T16:30:00+00:00"),
        ("2026-11-20 16:30:00+01:00", "2026-11-20T16:30:00+01:00"),
    ] {
        if let Some(ts) = Timestamp::parse(text) {
            assert!(!is_fhir_date_time(text));
            assert_eq!(date_time(&ts).unwrap(), want);
        }
    }
    assert!(!is_fhir_date_time("2026-11-20T16:30:00."));
    assert!(!is_fhir_date_time("2026-11-20T16:30Z"));
}

/// RFC 3339 allows offsets up to ±23:59; a FHIR dateTime only −14:00 to +14:00. Outside that
/// range the same instant is written in UTC.
#[test]
fn date_times_with_offsets_fhir_cannot_hold_are_written_in_utc() {
    for ok in [
        "2026-11-20T09:30:00+14:00",
        "2026-11-20T09:30:00-14:00",
        "2026-11-20T09:30:00+13:59",
    ] {
        assert_eq!(date_time(&Timestamp::parse(ok).unwrap()).unwrap(), ok);
    }
    for (text, want) in [
        ("2026-11-20T09:30:00+14:30", "2026-11-19T19:00:00+00:00"),
        ("2026-11-20T09:30:00-23:59", "2026-11-21T09:29:00+00:00"),
        (
            "2026-11-20T09:30:00.25+20:00",
            "2026-11-19T13:30:00.250+00:00",
        ),
    ] {
        assert_eq!(
            date_time(&Timestamp::parse(text).unwrap()).unwrap(),
            want,
            "{text}"
        );
    }
    // No FHIR form exists when UTC leaves the years 0001–9999: no dateTime at all.
    for text in ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"] {
        assert_eq!(date_time(&Timestamp::parse(text).unwrap()), None, "{text}");
    }
    let d = diary(
        r#"{"format":"paindiary","version":1,
        "entries":[{"id":"e1","at":"9999-12-31T23:59:59-23:59","score":7}]}"#,
    );
    let b = bundle(&d);
    let o = &b["entry"][1]["resource"];
    assert!(o.get("effectiveDateTime").is_none());
    assert_eq!(
        o["note"][0]["text"],
        "time as written in the diary (no FHIR dateTime can hold it): 9999-12-31T23:59:59-23:59"
    );
    // A leap second: the last nanosecond of the minute.
    if let Some(ts) = Timestamp::parse("2016-12-31T23:59:60Z") {
        assert_eq!(
            date_time(&ts).unwrap(),
            "2016-12-31T23:59:59.999999999+00:00"
        );
    }
    let d = diary(
        r#"{"format":"paindiary","version":1,
        "procedures":[{"id":"b1","at":"2026-11-20T09:30:00+15:00","anesthetic":"lidocaine"}],
        "entries":[{"id":"e1","at":"2026-11-20T09:00:00-18:00","score":7}]}"#,
    );
    let b = bundle(&d);
    let r = resources(&b);
    let times: Vec<&str> = r[1..]
        .iter()
        .map(|x| {
            x.get("performedDateTime")
                .or(x.get("effectiveDateTime"))
                .and_then(Value::as_str)
                .unwrap()
        })
        .collect();
    assert_eq!(
        times,
        ["2026-11-19T18:30:00+00:00", "2026-11-21T03:00:00+00:00"]
    );
}

/// The Bundle is written resource by resource: no write holds more than one resource, so
/// memory does not grow with the output (issue 13 item 10; measured in README).
#[test]
fn the_bundle_is_streamed_one_resource_at_a_time() {
    struct Chunks {
        total: usize,
        largest: usize,
        bytes: Vec<u8>,
    }
    impl Write for Chunks {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.total += buf.len();
            self.largest = self.largest.max(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let entries: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"id":"e{}","at":"2026-11-20T{:02}:{:02}:00-07:00","score":{},"note":"n"}}"#,
                i + 1,
                10 + i / 600,
                (i / 10) % 60,
                i % 11
            )
        })
        .collect();
    let text = format!(
        r#"{{"format":"paindiary","version":1,"procedures":[{{"id":"b1","at":"2026-11-20T09:30:00-07:00","anesthetic":"lidocaine"}}],"entries":[{}]}}"#,
        entries.join(",")
    );
    let d = diary(&text);
    let mut out = Chunks {
        total: 0,
        largest: 0,
        bytes: Vec::new(),
    };
    write_fhir(&d, &mut out).unwrap();
    assert!(out.total > 2_000_000, "{}", out.total);
    assert!(out.largest < 4096, "largest single write {}", out.largest);
    assert_eq!(String::from_utf8(out.bytes).unwrap(), to_fhir(&d));
}
