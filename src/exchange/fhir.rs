//! The diary as a FHIR R4 `Bundle` of type `collection` (SPEC §5).
//!
//! - With a `patient.id` (not blank), one `Patient` with that `identifier`, referenced as
//!   `subject` by every other resource; without one, no `Patient` and no `subject`. (FHIR R4
//!   makes `Procedure.subject` 1..1; the SPEC wins here, so the `Procedure`s of a diary without
//!   a patient id do not validate against the base R4 profile.)
//! - A `Procedure` per block: `status` `completed`, `identifier` the diary id,
//!   `code.text` the kind (`medial-branch-block`), `performedDateTime`, `bodySite[0].text`
//!   with region, levels and side (`lumbar; L4-L5, L5-S1; bilateral`, absent when all three
//!   are), and `note` with the agent, steroid and sedation (then the diary's note).
//! - An `Observation` per entry: `status` `final` (`entered-in-error` when retracted),
//!   `category` `survey`, `code` LOINC `72514-3`, `effectiveDateTime`, `valueInteger` for a whole
//!   score else `valueQuantity` (UCUM `{score}`), and `note` with the activity, patient-reported
//!   relief, medication, note and retraction. A reading in a block's evaluation window has
//!   `partOf` referencing that block: the window is the engine's ([`evaluate`] with the default
//!   protocol, `BlockEvaluation.readings` with `in_window`), never recomputed here.
//! - Every `fullUrl` is `urn:uuid:` + a UUID v5 in the namespace
//!   `uuid5(NAMESPACE_URL, "urn:paindiary:fhir")` of the compact JSON array
//!   `[patient id or null, "patient" | "procedure" | "entry", record id]`, so the same diary
//!   always gives the same bytes.
//!
//! Resources are listed Patient first, then the records in time order (as the CSV).
//! FHIR strings may not hold control characters other than tab, CR and LF; any other is written
//! as `\u{..}` text. Empty strings are left out (FHIR forbids them). Times keep their offset,
//! except one beyond ±14:00 (valid RFC 3339, not a FHIR `dateTime`): that instant is written in UTC.

use super::{RecordRef, records_in_time_order};
use crate::diary::{Diary, Entry, Procedure, Timestamp};
use crate::evaluation::{Protocol, evaluate};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::LazyLock;
use uuid::Uuid;

/// LOINC code and display for the pain score.
pub const LOINC_PAIN_SEVERITY: &str = "72514-3";
pub const LOINC_PAIN_SEVERITY_DISPLAY: &str =
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// The namespace of every `fullUrl` UUID.
static NAMESPACE: LazyLock<Uuid> =
    LazyLock::new(|| Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:paindiary:fhir"));

/// `urn:uuid:` + the name-based UUID of (patient id, record type, record id).
pub fn full_url(patient: Option<&str>, record: &str, id: &str) -> String {
    let name = json!([patient, record, id]).to_string();
    format!(
        "urn:uuid:{}",
        Uuid::new_v5(&NAMESPACE, name.as_bytes()).hyphenated()
    )
}

/// The patient id used in the bundle: present and not blank.
fn patient_id(diary: &Diary) -> Option<&str> {
    diary.patient_id().filter(|id| !id.trim().is_empty())
}

/// The diary as a FHIR R4 Bundle, pretty-printed JSON with a final newline.
pub fn to_fhir(diary: &Diary) -> String {
    let bundle = bundle(diary);
    let mut text = serde_json::to_string_pretty(&bundle).unwrap_or_default();
    text.push('\n');
    text
}

/// The diary as a FHIR R4 Bundle (a JSON value).
pub fn bundle(diary: &Diary) -> Value {
    let patient = patient_id(diary);
    let patient_url = patient.map(|id| full_url(Some(id), "patient", id));
    let part_of = blocks_of_readings(diary);
    let mut entries = Vec::new();
    if let (Some(id), Some(url)) = (patient, &patient_url) {
        entries.push(bundle_entry(
            url.clone(),
            json!({
                "resourceType": "Patient",
                "identifier": [{"value": fhir_string(id)}],
            }),
        ));
    }
    let subject = patient_url.map(|url| json!({"reference": url}));
    let procedure_urls: Vec<String> = diary
        .procedures
        .iter()
        .map(|p| full_url(patient, "procedure", &p.id))
        .collect();
    for record in records_in_time_order(diary) {
        let entry = match record {
            RecordRef::Procedure(i, p) => {
                bundle_entry(procedure_urls[i].clone(), procedure(p, subject.as_ref()))
            }
            RecordRef::Entry(i, e) => {
                let blocks: Vec<&str> = part_of
                    .get(&i)
                    .map(|procs| procs.iter().map(|&b| procedure_urls[b].as_str()).collect())
                    .unwrap_or_default();
                bundle_entry(
                    full_url(patient, "entry", &e.id),
                    observation(e, subject.as_ref(), &blocks),
                )
            }
        };
        entries.push(entry);
    }
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("Bundle"));
    out.insert("type".into(), json!("collection"));
    if !entries.is_empty() {
        out.insert("entry".into(), Value::Array(entries));
    }
    Value::Object(out)
}

/// For each entry index, the procedures (indices) whose evaluation window holds it, from the
/// engine with the default protocol. Empty when the diary has no block.
fn blocks_of_readings(diary: &Diary) -> HashMap<usize, Vec<usize>> {
    let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
    if let Ok(evaluation) = evaluate(diary, &Protocol::default_protocol()) {
        for block in &evaluation.blocks {
            for reading in block.readings.iter().filter(|r| r.in_window) {
                map.entry(reading.entry).or_default().push(block.procedure);
            }
        }
    }
    map
}

fn bundle_entry(full_url: String, resource: Value) -> Value {
    json!({"fullUrl": full_url, "resource": resource})
}

/// A FHIR string: control characters other than tab, CR and LF written as `\u{..}`.
fn fhir_string(text: &str) -> String {
    crate::render::sanitize::escape_chars(text, bad_char).into_owned()
}

fn bad_char(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\r' | '\n')
}

/// An optional text, kept only when it has some content (FHIR strings are never empty).
fn content(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(fhir_string)
}

/// The widest offset a FHIR `dateTime` can hold: ±14:00 (RFC 3339 allows up to ±23:59).
const FHIR_MAX_OFFSET_SECONDS: i32 = 14 * 3600;

/// A FHIR `dateTime`: the diary's text when it already has the FHIR shape (it keeps the
/// offset it was written with), else the canonical RFC 3339 form of the same time and offset;
/// an offset beyond ±14:00, which FHIR cannot hold, gives the same instant in UTC.
pub fn date_time(ts: &Timestamp) -> String {
    let time = ts.time();
    if time.offset().local_minus_utc().abs() > FHIR_MAX_OFFSET_SECONDS {
        let utc = time.with_timezone(&chrono::Utc).fixed_offset();
        // Years FHIR cannot write either (before 0001, after 9999): the diary's text stays.
        if (1..=9999).contains(&chrono::Datelike::year(&utc)) {
            return crate::time_input::format_rfc3339(&utc);
        }
    }
    let text = ts.text();
    if is_fhir_date_time(&text) {
        text
    } else {
        crate::time_input::format_rfc3339(ts.time())
    }
}

/// `YYYY-MM-DDThh:mm:ss(.f+)?(Z|(+|-)hh:mm)`.
fn is_fhir_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !(digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
            && b[10] == b'T'
            && digits(11..13)
            && b[13] == b':'
            && digits(14..16)
            && b[16] == b':'
            && digits(17..19))
    {
        return false;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &rest[1 + n..];
    }
    match rest {
        [b'Z'] => true,
        [sign, h1, h2, b':', m1, m2] => {
            matches!(sign, b'+' | b'-') && [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
        }
        _ => false,
    }
}

fn annotation(text: String) -> Value {
    json!({"text": text})
}

fn procedure(p: &Procedure, subject: Option<&Value>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("Procedure"));
    r.insert("identifier".into(), json!([{"value": fhir_string(&p.id)}]));
    r.insert("status".into(), json!("completed"));
    r.insert("code".into(), json!({"text": p.kind.as_str()}));
    if let Some(subject) = subject {
        r.insert("subject".into(), subject.clone());
    }
    r.insert("performedDateTime".into(), json!(date_time(&p.at)));
    let levels: Vec<String> = p
        .levels
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| fhir_string(l))
        .collect();
    let site: Vec<String> = [
        content(&p.region),
        Some(levels.join(", ")).filter(|l| !l.is_empty()),
        p.side.map(|s| s.as_str().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !site.is_empty() {
        r.insert("bodySite".into(), json!([{"text": site.join("; ")}]));
    }
    let mut notes = vec![annotation(format!(
        "anesthetic: {}; steroid: {}; sedation: {}",
        p.anesthetic.map_or("none recorded", |a| a.as_str()),
        if p.steroid { "yes" } else { "no" },
        p.sedation
    ))];
    if let Some(note) = content(&p.note) {
        notes.push(annotation(note));
    }
    r.insert("note".into(), Value::Array(notes));
    Value::Object(r)
}

fn observation(e: &Entry, subject: Option<&Value>, part_of: &[&str]) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("Observation"));
    r.insert("identifier".into(), json!([{"value": fhir_string(&e.id)}]));
    if !part_of.is_empty() {
        let refs: Vec<Value> = part_of.iter().map(|u| json!({"reference": u})).collect();
        r.insert("partOf".into(), Value::Array(refs));
    }
    r.insert(
        "status".into(),
        json!(if e.is_retracted() {
            "entered-in-error"
        } else {
            "final"
        }),
    );
    r.insert(
        "category".into(),
        json!([{"coding": [{
            "system": OBSERVATION_CATEGORY,
            "code": "survey",
            "display": "Survey",
        }]}]),
    );
    r.insert(
        "code".into(),
        json!({
            "coding": [{
                "system": "http://loinc.org",
                "code": LOINC_PAIN_SEVERITY,
                "display": LOINC_PAIN_SEVERITY_DISPLAY,
            }],
            "text": "Pain score (NRS 0-10)",
        }),
    );
    if let Some(subject) = subject {
        r.insert("subject".into(), subject.clone());
    }
    r.insert("effectiveDateTime".into(), json!(date_time(&e.at)));
    if e.score.fract() == 0.0 {
        // 0 to 10: exact as an integer.
        r.insert("valueInteger".into(), json!(e.score as i64));
    } else {
        r.insert(
            "valueQuantity".into(),
            json!({
                "value": e.score,
                "system": "http://unitsofmeasure.org",
                "code": "{score}",
            }),
        );
    }
    let mut notes = Vec::new();
    if let Some(activity) = content(&e.activity) {
        notes.push(annotation(format!("activity: {activity}")));
    }
    if let Some(relief) = e.relief {
        notes.push(annotation(format!("patient-reported relief: {relief} %")));
    }
    if let Some(medication) = content(&e.medication) {
        notes.push(annotation(format!("medication: {medication}")));
    }
    if let Some(note) = content(&e.note) {
        notes.push(annotation(note));
    }
    if let Some(x) = &e.retracted {
        let reason = content(&x.reason)
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        notes.push(annotation(format!(
            "retracted {}{reason}",
            date_time(&x.at)
        )));
    }
    if !notes.is_empty() {
        r.insert("note".into(), Value::Array(notes));
    }
    Value::Object(r)
}

#[cfg(test)]
mod tests;
