//! The diary as a FHIR R4 `Bundle` of type `collection` (SPEC §5), written as a stream.
//!
//! - Always one `Patient` (with an `identifier` when the diary has a non-blank `patient.id`),
//!   referenced as `subject` by every `Procedure` and `Observation` (R4 makes
//!   `Procedure.subject` 1..1).
//! - A `Procedure` per block and per RFA: `status` `completed` (`entered-in-error` when
//!   retracted), `identifier` the diary id, `code.text` the kind (`medial-branch-block`,
//!   `radiofrequency-ablation`), `performedDateTime`, `bodySite[0].text` with region, levels
//!   and side (`lumbar; L4-L5, L5-S1; bilateral`, absent when all three are), and `note` with
//!   the agent, steroid and sedation (then the diary's note and the retraction).
//! - An `Observation` per entry: `status` `final` (`entered-in-error` when retracted),
//!   `category` `survey`, `code` LOINC `72514-3`, `effectiveDateTime`, `valueInteger` for a whole
//!   score else `valueQuantity` (UCUM `{score}`), and `note` with the activity, patient-reported
//!   relief, medication, note and retraction. A reading (not retracted) with `at` in a block's
//!   window `(B.at, B.at + 8 h]` and before the next procedure (not retracted, of any kind) has
//!   `partOf` referencing that block: by time alone, as SPEC §5 says.
//! - Every `fullUrl` is `urn:uuid:` + a UUID v5 in the namespace
//!   `uuid5(NAMESPACE_URL, "urn:paindiary:fhir")` of the compact JSON array
//!   `["uid", uid, type, record id]` (a diary with a `uid`), else
//!   `["patient", patient id, type, record id]`, else `[null, type, record id]`; `type` is
//!   `patient`, `procedure` or `entry` (the `Patient` has the record id `""`). The same diary
//!   always gives the same bytes; two diaries with their own `uid`s never share a `fullUrl`.
//!
//! Resources are listed Patient first, then the records in time order (as the CSV). The
//! Bundle is written resource by resource ([`write_fhir`]): memory stays at the diary plus one
//! resource, whatever the size of the output.
//!
//! FHIR strings match `[ \r\n\t\S]+`: control characters and Unicode white space other than
//! space, tab, CR and LF are written as `\u{..}` text, and empty or blank strings are left out.
//! Times keep their text when it is a FHIR `dateTime`, else the canonical form of the same
//! time and offset; an offset beyond ±14:00 gives the same instant in UTC; a time with no FHIR
//! form at all (its UTC year outside 0001–9999) leaves the element out and is written into a
//! `note` instead (`performed[x]` and `effective[x]` are optional in R4).

use super::{RecordRef, records_in_time_order};
use crate::diary::{Diary, Entry, Procedure, Timestamp};
use serde_json::{Map, Value, json};
use std::io::{self, Write};
use std::sync::LazyLock;
use uuid::Uuid;

/// LOINC code and display for the pain score.
const LOINC_PAIN_SEVERITY: &str = "72514-3";
const LOINC_PAIN_SEVERITY_DISPLAY: &str =
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// A reading belongs to a block when it is at most this long after it (SPEC §5: 8 h).
const PART_OF_WINDOW_NANOS: i128 = 8 * 3600 * 1_000_000_000;

/// The namespace of every `fullUrl` UUID.
static NAMESPACE: LazyLock<Uuid> =
    LazyLock::new(|| Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:paindiary:fhir"));

/// What names a diary in its `fullUrl`s: its `uid`, else its patient id, else nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Uid(&'a str),
    Patient(&'a str),
    Anonymous,
}

impl<'a> Scope<'a> {
    /// The diary's scope: a non-blank `uid`, else a non-blank patient id.
    pub fn of(diary: &'a Diary) -> Scope<'a> {
        let present = |s: &&str| !s.trim().is_empty();
        if let Some(uid) = diary.uid.as_deref().filter(present) {
            Scope::Uid(uid)
        } else if let Some(id) = diary.patient_id().filter(present) {
            Scope::Patient(id)
        } else {
            Scope::Anonymous
        }
    }
}

/// `urn:uuid:` + the name-based UUID of (scope, record type, record id).
pub fn full_url(scope: Scope<'_>, record: &str, id: &str) -> String {
    let name = match scope {
        Scope::Uid(uid) => json!(["uid", uid, record, id]),
        Scope::Patient(patient) => json!(["patient", patient, record, id]),
        Scope::Anonymous => json!([null, record, id]),
    }
    .to_string();
    format!(
        "urn:uuid:{}",
        Uuid::new_v5(&NAMESPACE, name.as_bytes()).hyphenated()
    )
}

/// The diary as a FHIR R4 Bundle, pretty-printed JSON with a final newline.
pub fn to_fhir(diary: &Diary) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and the output is UTF-8 JSON.
    let _ = write_fhir(diary, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The diary as a FHIR R4 Bundle (a JSON value), for tests and callers that want a tree.
pub fn bundle(diary: &Diary) -> Value {
    serde_json::from_str(&to_fhir(diary)).unwrap_or(Value::Null)
}

/// Write the Bundle to `out`, one resource at a time: the same bytes as pretty-printing the
/// whole tree, without ever holding it.
pub fn write_fhir<W: Write + ?Sized>(diary: &Diary, out: &mut W) -> io::Result<()> {
    let scope = Scope::of(diary);
    let patient_url = full_url(scope, "patient", "");
    let subject = json!({"reference": patient_url});
    out.write_all(
        b"{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"collection\",\n  \"entry\": [\n",
    )?;
    write_entry(out, &patient_url, &patient(diary))?;
    // The latest procedure (not retracted) at or before the current record, as we walk in
    // time order: a reading belongs to it when it is a block and the reading is in its window.
    let mut latest: Option<(&Procedure, String)> = None;
    for record in records_in_time_order(diary) {
        out.write_all(b",\n")?;
        match record {
            RecordRef::Procedure(_, p) => {
                let url = full_url(scope, "procedure", &p.id);
                write_entry(out, &url, &procedure(p, &subject))?;
                if !p.is_retracted() {
                    latest = Some((p, url));
                }
            }
            RecordRef::Entry(_, e) => {
                let part_of = latest.as_ref().filter(|(p, _)| {
                    let after = e.at.instant() - p.at.instant();
                    !e.is_retracted() && p.is_block() && after > 0 && after <= PART_OF_WINDOW_NANOS
                });
                let url = full_url(scope, "entry", &e.id);
                let block = part_of.map(|(_, u)| u.as_str());
                write_entry(out, &url, &observation(e, &subject, block))?;
            }
        }
    }
    out.write_all(b"\n  ]\n}\n")?;
    out.flush()
}

/// One `{"fullUrl", "resource"}` at the indentation of the Bundle's `entry` array.
fn write_entry<W: Write + ?Sized>(out: &mut W, url: &str, resource: &Value) -> io::Result<()> {
    let entry = json!({"fullUrl": url, "resource": resource});
    let text = serde_json::to_string_pretty(&entry).map_err(io::Error::other)?;
    // JSON text holds no raw newline inside strings: every line break is layout.
    out.write_all(b"    ")?;
    out.write_all(text.replace('\n', "\n    ").as_bytes())
}

fn patient(diary: &Diary) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("Patient"));
    if let Some(id) = diary.patient_id().and_then(fhir_text) {
        r.insert("identifier".into(), json!([{"value": id}]));
    }
    Value::Object(r)
}

/// A FHIR string (`[ \r\n\t\S]+`), or `None` when nothing visible is left.
fn fhir_text(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    if !text.chars().any(bad_char) {
        return Some(text.to_string());
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// A FHIR string: `[ \r\n\t\S]+` in the schema's (ECMAScript) regex, and no control characters.
fn bad_char(c: char) -> bool {
    match c {
        ' ' | '\t' | '\r' | '\n' => false,
        c if c.is_control() => true,
        // ECMAScript `\s` beyond ASCII (and Rust's white space): not `\S`, so not allowed.
        c => c.is_whitespace() || c == '\u{feff}',
    }
}

/// An optional text, kept only when it has some content (FHIR strings are never empty).
fn content(text: Option<&str>) -> Option<String> {
    text.and_then(fhir_text)
}

/// The widest offset a FHIR `dateTime` can hold: ±14:00 (RFC 3339 allows up to ±23:59).
const FHIR_MAX_OFFSET_SECONDS: i32 = 14 * 3600;

/// A FHIR `dateTime`: the diary's text when it already has the FHIR shape (it keeps the
/// offset it was written with), else the canonical RFC 3339 form of the same time and offset;
/// an offset beyond ±14:00, which FHIR cannot hold, gives the same instant in UTC. `None` when
/// FHIR cannot write the instant at all (its year outside 0001–9999).
pub fn date_time(ts: &Timestamp) -> Option<String> {
    use chrono::{Datelike, Timelike};
    let mut time = *ts.time();
    let moved = time.offset().local_minus_utc().abs() > FHIR_MAX_OFFSET_SECONDS;
    if moved {
        time = time.with_timezone(&chrono::Utc).fixed_offset();
    }
    if !(1..=9999).contains(&time.year()) {
        return None;
    }
    // A leap second (`:60`) matches the FHIR regex, but model validators (Python's datetime)
    // refuse it: it is written as the last nanosecond of the minute (`…:59.999999999`).
    if time.nanosecond() >= 1_000_000_000 {
        let fixed = time.with_nanosecond(999_999_999).unwrap_or(time);
        return Some(crate::time_input::format_rfc3339(&fixed));
    }
    let text = ts.text();
    if !moved && is_fhir_date_time(&text) {
        Some(text)
    } else {
        Some(crate::time_input::format_rfc3339(&time))
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

/// The time into `key`, or, when FHIR cannot write it, a note with the diary's text.
fn time_element(r: &mut Map<String, Value>, key: &str, at: &Timestamp, notes: &mut Vec<Value>) {
    match date_time(at) {
        Some(t) => {
            r.insert(key.into(), json!(t));
        }
        None => notes.push(annotation(format!(
            "time as written in the diary (no FHIR dateTime can hold it): {}",
            at.text()
        ))),
    }
}

/// `retracted TIME: reason` for a note.
fn retraction_note(x: &crate::diary::Retraction) -> Value {
    let reason = content(x.reason.as_deref())
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    let at = date_time(&x.at).unwrap_or_else(|| x.at.text());
    annotation(format!("retracted {at}{reason}"))
}

fn status(retracted: bool, ok: &str) -> Value {
    json!(if retracted { "entered-in-error" } else { ok })
}

fn procedure(p: &Procedure, subject: &Value) -> Value {
    let mut r = Map::new();
    let mut notes = vec![annotation(format!(
        "anesthetic: {}; steroid: {}; sedation: {}",
        p.anesthetic.map_or("none recorded", |a| a.as_str()),
        if p.steroid { "yes" } else { "no" },
        p.sedation
    ))];
    r.insert("resourceType".into(), json!("Procedure"));
    if let Some(id) = fhir_text(&p.id) {
        r.insert("identifier".into(), json!([{ "value": id }]));
    }
    r.insert("status".into(), status(p.is_retracted(), "completed"));
    r.insert("code".into(), json!({"text": p.kind.as_str()}));
    r.insert("subject".into(), subject.clone());
    time_element(&mut r, "performedDateTime", &p.at, &mut notes);
    let levels: Vec<String> = p.levels.iter().filter_map(|l| fhir_text(l)).collect();
    let site: Vec<String> = [
        content(p.region.as_deref()),
        Some(levels.join(", ")).filter(|l| !l.is_empty()),
        p.side.map(|s| s.as_str().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !site.is_empty() {
        r.insert("bodySite".into(), json!([{"text": site.join("; ")}]));
    }
    if let Some(note) = content(p.note.as_deref()) {
        notes.push(annotation(note));
    }
    if let Some(x) = p.retracted.as_deref() {
        notes.push(retraction_note(x));
    }
    r.insert("note".into(), Value::Array(notes));
    Value::Object(r)
}

fn observation(e: &Entry, subject: &Value, part_of: Option<&str>) -> Value {
    let mut r = Map::new();
    let mut notes = Vec::new();
    r.insert("resourceType".into(), json!("Observation"));
    if let Some(id) = fhir_text(&e.id) {
        r.insert("identifier".into(), json!([{ "value": id }]));
    }
    if let Some(block) = part_of {
        r.insert("partOf".into(), json!([{ "reference": block }]));
    }
    r.insert("status".into(), status(e.is_retracted(), "final"));
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
    r.insert("subject".into(), subject.clone());
    time_element(&mut r, "effectiveDateTime", &e.at, &mut notes);
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
    if let Some(activity) = content(e.activity.as_deref()) {
        notes.push(annotation(format!("activity: {activity}")));
    }
    if let Some(relief) = e.details.relief {
        notes.push(annotation(format!("patient-reported relief: {} %", relief)));
    }
    if let Some(medication) = content(e.details.medication.as_deref()) {
        notes.push(annotation(format!("medication: {medication}")));
    }
    if let Some(note) = content(e.details.note.as_deref()) {
        notes.push(annotation(note));
    }
    if let Some(x) = e.details.retracted.as_deref() {
        notes.push(retraction_note(x));
    }
    if !notes.is_empty() {
        r.insert("note".into(), Value::Array(notes));
    }
    Value::Object(r)
}

#[cfg(test)]
mod tests;
