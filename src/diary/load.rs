//! Reading a diary: one pass of typed parsing that validates every field as it goes, then the
//! checks across values; errors carry the JSON path and, for parse-time errors, line:column.

use super::model::{
    Anesthetic, Bounded, Details, Diary, Entry, EntryDetails, Extra, FORMAT_NAME, FORMAT_VERSION,
    Patient, Procedure, ProcedureKind, Relief, Retraction, Score, Sedation, ShortText, Side,
    Timestamp,
};
use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// Why a diary could not be read. The caller prefixes the file name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// Found while parsing: syntax, types, ranges, enum values.
    #[error("{}", located(path, *line, *column, message))]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Found by a check across values (duplicate ids, missing top-level fields).
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// The file is a later format version than this program reads.
    #[error(
        "version {version} of the diary format is newer than this paindiary supports (version {FORMAT_VERSION}); use a newer paindiary — the file was not read or changed"
    )]
    NewerVersion { version: String },
}

fn located(path: &str, line: usize, column: usize, message: &str) -> String {
    if path.is_empty() {
        format!("line {line}, column {column}: {message}")
    } else {
        format!("{path} (line {line}, column {column}): {message}")
    }
}

/// Parse and validate a diary from its bytes (UTF-8 JSON, an optional BOM is skipped).
///
/// Procedures and entries come back sorted by instant (stable), with ids assigned to
/// records that had none.
pub fn parse_diary(bytes: &[u8]) -> Result<Diary, LoadError> {
    let wire = parse_wire(bytes)?;
    finish(wire)
}

/// [`parse_diary`] for bytes the caller no longer needs: they are freed as soon as the
/// document is parsed, before the checks across values, which keeps peak memory low.
pub fn parse_diary_owned(bytes: Vec<u8>) -> Result<Diary, LoadError> {
    let wire = parse_wire(&bytes)?;
    drop(bytes);
    finish(wire)
}

pub(super) fn parse_wire(bytes: &[u8]) -> Result<DiaryWire, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = DiaryWire::deserialize(&mut de).and_then(|d| de.end().map(|()| d));
    parsed.map_err(|_| explain_failure(bytes))
}

/// The slow path, taken only on failure: prefer a version/format verdict from the header,
/// else re-parse with path tracking to name where the error is.
fn explain_failure(bytes: &[u8]) -> LoadError {
    if let Some(err) = header_verdict(bytes) {
        return err;
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = serde_path_to_error::deserialize::<_, DiaryWire>(&mut de)
        .map_err(|e| (json_path(e.path()), e.into_inner()))
        .and_then(|_| de.end().map_err(|e| (String::new(), e)));
    let (path, err) = match result {
        Err(found) => found,
        // Cannot happen (the fast path failed on the same bytes); still answer sensibly.
        Ok(()) => {
            return LoadError::Invalid {
                path: String::new(),
                message: "the diary could not be read".into(),
            };
        }
    };
    // The derived parse refuses a duplicate unknown field only at the end of its object, and
    // checks a procedure's agent and time after reading it: name the place where the
    // hand-written reading stopped (the duplicate's value; the procedure's closing brace).
    let record_check = path.starts_with("procedures[")
        && path.ends_with(']')
        && !path.contains('.')
        && (err.to_string().starts_with("missing field")
            || err.to_string().starts_with(NEEDS_ANESTHETIC));
    let position = |e: &serde_json::Error| (e.line(), e.column());
    match walk(bytes, record_check.then_some(path.as_str())) {
        Some((found, false, dup)) if position(&dup) <= position(&err) => {
            parse_error(bytes, found, &dup)
        }
        Some((_, true, end)) => {
            let mut located = parse_error(bytes, path, &err);
            if let LoadError::Parse { line, column, .. } = &mut located {
                (*line, *column) = value_start(bytes, end.line(), end.column());
            }
            located
        }
        _ => parse_error(bytes, path, &err),
    }
}

/// The path in jq notation (`entries[3].score`, empty for the top level). A syntax error where a
/// key was expected leaves serde_path_to_error's `?` placeholder at the end; it is dropped, so
/// the path names the object the error is in.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut segments: Vec<&Segment> = path.iter().collect();
    while matches!(segments.last(), Some(Segment::Unknown)) {
        segments.pop();
    }
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

fn parse_error(bytes: &[u8], path: String, err: &serde_json::Error) -> LoadError {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let (line, column) = match err.classify() {
        serde_json::error::Category::Data => value_start(bytes, err.line(), err.column()),
        _ => (err.line(), err.column()),
    };
    LoadError::Parse {
        path,
        line,
        // serde_json says column 0 for an error before the first character (a top-level
        // array); columns count from 1.
        column: column.max(1),
        message,
    }
}

/// Where line `line` (1-based, as serde_json counts) of `bytes` starts; `None` past the end.
pub(super) fn line_start(bytes: &[u8], line: usize) -> Option<usize> {
    if line <= 1 {
        return Some(0);
    }
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(line - 2)
        .map(|(i, _)| i + 1)
}

/// serde_json places a data error (a value of the wrong type or out of range) at the end of
/// the value, or just before it; point at the value's first character instead, as people and
/// editors expect (`"score": 11` → the column of the `1`). Columns count bytes from 1.
fn value_start(bytes: &[u8], line: usize, column: usize) -> (usize, usize) {
    let Some(at) = line_start(bytes, line)
        .and_then(|start| (start + column).checked_sub(1))
        .filter(|&i| column > 0 && i < bytes.len())
    else {
        return (line, column);
    };
    let is_token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-');
    let start = match bytes[at] {
        b' ' | b'\t' | b'\r' | b':' | b',' | b'[' => {
            // Just before the value: skip to it (it may be on a later line).
            let mut i = at + 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            i
        }
        b'"' => {
            // The closing quote of a string: back to its opening quote.
            let mut i = at;
            loop {
                match bytes[..i].iter().rposition(|&b| b == b'"') {
                    Some(q) => {
                        let slashes = bytes[..q].iter().rev().take_while(|&&b| b == b'\\').count();
                        if slashes % 2 == 0 {
                            break q;
                        }
                        i = q;
                    }
                    None => break at,
                }
            }
        }
        b if is_token(b) => {
            let mut i = at;
            while i > 0 && is_token(bytes[i - 1]) {
                i -= 1;
            }
            i
        }
        _ => at,
    };
    if start >= bytes.len() {
        return (line, column);
    }
    let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
    let column = start
        - bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1)
        + 1;
    (line, column)
}

pub(super) fn finish(wire: DiaryWire) -> Result<Diary, LoadError> {
    if wire.format.is_none() {
        return Err(LoadError::Invalid {
            path: "format".into(),
            message: format!("missing; a diary starts with \"format\": \"{FORMAT_NAME}\""),
        });
    }
    if wire.version.is_none() {
        return Err(LoadError::Invalid {
            path: "version".into(),
            message: format!("missing; this program writes \"version\": {FORMAT_VERSION}"),
        });
    }
    let mut diary = Diary {
        uid: wire.uid,
        patient: wire.patient,
        procedures: wire.procedures,
        entries: wire.entries,
        extra: wire.extra,
    };
    check_unique(&diary)?;
    assign_missing_ids(&mut diary);
    diary.sort();
    Ok(diary)
}

/// Ids are unique in the whole file: across procedures and entries together (SPEC §1).
fn check_unique(diary: &Diary) -> Result<(), LoadError> {
    let ids = || {
        let procedures = diary.procedures.iter().enumerate();
        let entries = diary.entries.iter().enumerate();
        procedures
            .map(|(i, p)| ("procedures", i, p.id.as_str()))
            .chain(entries.map(|(i, e)| ("entries", i, e.id.as_str())))
    };
    // Ids the program assigns (`b1`, `e2`, …) are checked in a bit set per prefix; others in a
    // hash set.
    let count = diary.procedures.len() + diary.entries.len();
    let mut numbered = [vec![0u64; count / 16 + 1], vec![0u64; count / 16 + 1]];
    let limit = numbered[0].len() * 64;
    let mut others: HashSet<&str> = HashSet::new();
    for (list, i, id) in ids() {
        let number = assigned_number(id).filter(|&(n, _)| n < limit);
        let fresh = match number {
            Some((n, set)) => {
                let (word, bit) = (n / 64, 1u64 << (n % 64));
                let fresh = numbered[set][word] & bit == 0;
                numbered[set][word] |= bit;
                fresh
            }
            None => id.is_empty() || others.insert(id),
        };
        if fresh {
            continue;
        }
        let (first_list, first) = ids()
            .find(|&(_, _, other)| other == id)
            .map_or((list, i), |(l, j, _)| (l, j));
        return Err(LoadError::Invalid {
            path: format!("{list}[{i}].id"),
            message: format!(
                "duplicate id \"{}\" (also at {first_list}[{first}].id{})",
                id.escape_debug(),
                if first_list == list {
                    ""
                } else {
                    "; ids are unique across procedures and entries"
                }
            ),
        });
    }
    Ok(())
}

/// The number of an id written as the program writes it (`b` or `e`, then digits without a
/// leading zero), and which of the two prefixes it has.
fn assigned_number(id: &str) -> Option<(usize, usize)> {
    let (set, digits) = match id.as_bytes() {
        [b'b', digits @ ..] => (0, digits),
        [b'e', digits @ ..] => (1, digits),
        _ => return None,
    };
    if digits.first().is_none_or(|&d| d == b'0') || digits.len() > 18 {
        return None;
    }
    let number = digits.iter().try_fold(0usize, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + usize::from(d - b'0'))
    })?;
    Some((number, set))
}

/// Typed parsing of a diary with the per-field validation but without the checks across
/// values, the sorting or the error explanations of [`parse_diary`] (which callers want).
impl<'de> Deserialize<'de> for Diary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = DiaryWire::deserialize(d)?;
        Ok(Diary {
            uid: wire.uid,
            patient: wire.patient,
            procedures: wire.procedures,
            entries: wire.entries,
            extra: wire.extra,
        })
    }
}

/// Records written by hand without an id get the next free one, in file order.
fn assign_missing_ids(diary: &mut Diary) {
    if diary.procedures.iter().any(|p| p.id.is_empty()) {
        for i in 0..diary.procedures.len() {
            if diary.procedures[i].id.is_empty() {
                diary.procedures[i].id = diary.next_procedure_id();
            }
        }
    }
    if diary.entries.iter().any(|e| e.id.is_empty()) {
        for i in 0..diary.entries.len() {
            if diary.entries[i].id.is_empty() {
                diary.entries[i].id = diary.next_entry_id().into();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Header verdict: `format` and `version` decide before anything else is trusted.

#[derive(Default)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

struct HeaderSeed<'a>(&'a mut Header);

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a diary object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => self.0.format = Some(map.next_value()?),
                "version" => self.0.version = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if self.0.format.is_some() && self.0.version.is_some() {
                // Both seen: nothing further is needed.
                return Err(A::Error::custom("header read"));
            }
        }
        Ok(())
    }
}

fn header_verdict(bytes: &[u8]) -> Option<LoadError> {
    let mut header = Header::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let _ = HeaderSeed(&mut header).deserialize(&mut de);
    match &header.format {
        Some(Value::String(s)) if s == FORMAT_NAME => {}
        Some(_) => return None, // the full parse names the bad value with its position
        None => {}
    }
    // A whole number past the supported version, however large (`99999999999999999999999`
    // would otherwise be reported as a floating-point number).
    let Some(Value::Number(n)) = header.version.as_ref() else {
        return None;
    };
    let text = n.to_string();
    let digits = text.trim_start_matches('0');
    let whole = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let newer = whole
        && (digits.len() > 20
            || digits
                .parse::<u128>()
                .is_ok_and(|v| v > u128::from(FORMAT_VERSION)));
    newer.then(|| LoadError::NewerVersion {
        version: digits.to_string(),
    })
}

// ---------------------------------------------------------------------------------------
// The wire types: the file's shape, derived. Known fields are read directly into validated
// types; only the untyped unknown fields go through `flatten`, which buffers values and so
// would lose typed numbers under serde_json's `arbitrary_precision` (serde-rs/json#721).

#[derive(Deserialize)]
#[serde(expecting = "a paindiary diary (a JSON object with \"format\": \"paindiary\")")]
pub(super) struct DiaryWire {
    #[serde(default, deserialize_with = "present")]
    format: Option<FormatName>,
    #[serde(default, deserialize_with = "present")]
    version: Option<Version>,
    #[serde(default, deserialize_with = "opt_text")]
    uid: Option<String>,
    #[serde(default)]
    patient: Option<Patient>,
    #[serde(default, deserialize_with = "records")]
    procedures: Vec<Procedure>,
    #[serde(default, deserialize_with = "records")]
    pub(super) entries: Vec<Entry>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
#[serde(expecting = "a patient object or null")]
struct PatientWire {
    #[serde(default, deserialize_with = "opt_text")]
    id: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
#[serde(expecting = "a procedure object")]
struct ProcedureWire {
    #[serde(default, deserialize_with = "opt_text")]
    id: Option<String>,
    #[serde(default = "default_kind", deserialize_with = "choice")]
    kind: ProcedureKind,
    #[serde(default, deserialize_with = "present")]
    at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_text")]
    region: Option<String>,
    #[serde(default, deserialize_with = "strings")]
    levels: Vec<String>,
    #[serde(default, deserialize_with = "opt_choice")]
    side: Option<Side>,
    /// Absent (`None`) or given (`Some`, possibly null).
    #[serde(default, deserialize_with = "present_opt_choice")]
    anesthetic: Option<Option<Anesthetic>>,
    #[serde(default, deserialize_with = "boolean")]
    steroid: bool,
    #[serde(default = "default_sedation", deserialize_with = "choice")]
    sedation: Sedation,
    #[serde(default, deserialize_with = "opt_text")]
    note: Option<String>,
    #[serde(default)]
    retracted: Option<Box<Retraction>>,
    #[serde(default)]
    history: Option<Vec<Map<String, Value>>>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
#[serde(expecting = "an entry object")]
struct EntryWire {
    #[serde(default, deserialize_with = "opt_short_text")]
    id: Option<ShortText>,
    at: Timestamp,
    score: Score,
    #[serde(default, deserialize_with = "opt_short_text")]
    activity: Option<ShortText>,
    #[serde(default)]
    relief: Option<Relief>,
    #[serde(default, deserialize_with = "opt_text")]
    medication: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    note: Option<String>,
    #[serde(default)]
    retracted: Option<Box<Retraction>>,
    #[serde(default)]
    history: Option<Vec<Map<String, Value>>>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
#[serde(expecting = "null or an object with \"at\" and \"reason\"")]
struct RetractionWire {
    at: Timestamp,
    #[serde(deserialize_with = "opt_text")]
    reason: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

fn default_kind() -> ProcedureKind {
    ProcedureKind::MedialBranchBlock
}

fn default_sedation() -> Sedation {
    Sedation::None
}

/// Said when a block's agent is null (a missing one is "missing field `anesthetic`").
pub(super) const NEEDS_ANESTHETIC: &str = "a block needs its anesthetic (one of lidocaine, bupivacaine, ropivacaine, other); only a radiofrequency-ablation may leave it null";

impl<'de> Deserialize<'de> for Patient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let PatientWire { id, extra } = PatientWire::deserialize(d)?;
        Ok(Patient { id, extra })
    }
}

impl<'de> Deserialize<'de> for Procedure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = ProcedureWire::deserialize(d)?;
        // A block needs its agent; an RFA may leave it out or null. Checked before `at`, as
        // the hand-written loader did.
        let anesthetic = match (w.anesthetic, w.kind.is_block()) {
            (Some(Some(a)), _) => Some(a),
            (Some(None), true) => return Err(D::Error::custom(NEEDS_ANESTHETIC)),
            (None, true) => return Err(D::Error::missing_field("anesthetic")),
            (_, false) => None,
        };
        Ok(Procedure {
            id: w.id.unwrap_or_default(),
            kind: w.kind,
            at: w.at.ok_or_else(|| D::Error::missing_field("at"))?,
            region: w.region,
            levels: w.levels,
            side: w.side,
            anesthetic,
            steroid: w.steroid,
            sedation: w.sedation,
            note: w.note,
            retracted: w.retracted,
            history: w.history,
            extra: w.extra,
        })
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = EntryWire::deserialize(d)?;
        Ok(Entry {
            id: w.id.unwrap_or_default(),
            at: w.at,
            score: w.score.get(),
            activity: w.activity,
            details: Details::new(EntryDetails {
                relief: w.relief.map(Relief::get),
                medication: w.medication,
                note: w.note,
                retracted: w.retracted,
                history: w.history,
                extra: w.extra,
            }),
        })
    }
}

impl<'de> Deserialize<'de> for Retraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let RetractionWire { at, reason, extra } = RetractionWire::deserialize(d)?;
        Ok(Retraction { at, reason, extra })
    }
}

/// Unknown fields, in file order; a name given twice is refused.
impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("unknown fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut extra = Extra::default();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    if !extra.insert(key.clone(), value) {
                        return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                }
                Ok(extra)
            }
        }
        d.deserialize_map(V)
    }
}

// ---------------------------------------------------------------------------------------
// Field types and helpers: each keeps the wording of its "expected …" message.

/// A visitor for one kind of scalar, with the "expected …" text of its messages.
macro_rules! scalar_visitor {
    ($name:ident -> $out:ty, $expecting:expr, $($method:item)+) => {
        struct $name;
        impl<'de> Visitor<'de> for $name {
            type Value = $out;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str($expecting)
            }
            $($method)+
        }
    };
}

/// The `format` field: exactly "paindiary".
struct FormatName;

scalar_visitor!(FormatVisitor -> FormatName, "the string \"paindiary\"",
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FormatName, E> {
        if v == FORMAT_NAME {
            Ok(FormatName)
        } else {
            Err(E::custom(format_args!(
                "\"{}\" is not a paindiary diary (expected \"format\": \"{FORMAT_NAME}\")",
                v.escape_debug()
            )))
        }
    }
);

impl<'de> Deserialize<'de> for FormatName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(FormatVisitor)
    }
}

/// The format version: a whole number, the one this program reads (newer ones are caught
/// by the header verdict first).
struct Version;

fn unsupported<E: de::Error>(v: &dyn fmt::Display) -> E {
    E::custom(format_args!(
        "version {v} is not supported (this paindiary reads version {FORMAT_VERSION})"
    ))
}

scalar_visitor!(VersionVisitor -> Version, "an integer format version",
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Version, E> {
        if v == FORMAT_VERSION { Ok(Version) } else { Err(unsupported(&v)) }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Version, E> {
        Err(unsupported(&v))
    }
);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_u64(VersionVisitor)
    }
}

scalar_visitor!(TimeVisitor -> Timestamp,
    "an RFC 3339 time with an offset, e.g. \"2026-11-20T09:30:00-07:00\"",
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        let ts = Timestamp::parse(v).ok_or_else(|| {
            E::custom(format_args!(
                "\"{}\" is not an RFC 3339 time with an offset (e.g. \"2026-11-20T09:30:00-07:00\")",
                v.escape_debug()
            ))
        })?;
        if ts.is_before_year_one() {
            return Err(E::custom(format_args!(
                "\"{}\" is before the year 0001, which paindiary does not accept",
                v.escape_debug()
            )));
        }
        Ok(ts)
    }
);

/// An RFC 3339 time with an offset, from the year 0001 on.
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TimeVisitor)
    }
}

/// A score (0–10) or a relief (0–100, and `null` where it is optional).
impl<'de, const MAX: u32> Deserialize<'de> for Bounded<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const MAX: u32>;
        impl<const MAX: u32> V<MAX> {
            fn check<E: de::Error>(v: f64, shown: &dyn fmt::Display) -> Result<Bounded<MAX>, E> {
                Bounded::shown_as(v, shown).map_err(E::custom)
            }
        }
        impl<'de, const MAX: u32> Visitor<'de> for V<MAX> {
            type Value = Bounded<MAX>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                match MAX {
                    10 => f.write_str("a number from 0 to 10"),
                    _ => write!(f, "a number from 0 to {MAX} or null"),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Bounded<MAX>, E> {
                Self::check(v as f64, &v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Bounded<MAX>, E> {
                Self::check(v as f64, &v)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Bounded<MAX>, E> {
                Self::check(v, &v)
            }
        }
        d.deserialize_f64(V::<MAX>)
    }
}

/// The kind, anesthetic, side and sedation through their `FromStr`, so the message is the
/// one the SPEC and the command line use.
struct Choice<T>(PhantomData<T>);

impl<'de, T: FromStr<Err = String>> Visitor<'de> for Choice<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string from the list in the diary format")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

fn choice<'de, D: Deserializer<'de>, T: FromStr<Err = String>>(d: D) -> Result<T, D::Error> {
    d.deserialize_str(Choice(PhantomData))
}

/// A choice or null.
fn opt_choice<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = String>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: FromStr<Err = String>> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string from the list in the diary format, or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            choice(d).map(Some)
        }
    }
    d.deserialize_option(V(PhantomData))
}

fn present_opt_choice<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = String>,
{
    opt_choice(d).map(Some)
}

/// A field that, when present, must hold a value of `T` (null included in its check).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A string, with the "expected …" text given, as a `String` or a [`ShortText`].
struct Text<T = String>(&'static str, PhantomData<T>);

fn text<T>(expecting: &'static str) -> Text<T> {
    Text(expecting, PhantomData)
}

impl<'de, T: From<String> + for<'a> From<&'a str>> Visitor<'de> for Text<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }
}

impl<'de, T: From<String> + for<'a> From<&'a str>> DeserializeSeed<'de> for Text<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_string(self)
    }
}

/// A string or null.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    opt_text_as(d)
}

/// A string or null, kept inline when short (entry ids, activities).
fn opt_short_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ShortText>, D::Error> {
    opt_text_as(d)
}

fn opt_text_as<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String> + for<'a> From<&'a str>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: From<String> + for<'a> From<&'a str>> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            text("a string or null").deserialize(d).map(Some)
        }
    }
    d.deserialize_option(V(PhantomData))
}

fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    scalar_visitor!(V -> bool, "true or false",
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
    );
    d.deserialize_bool(V)
}

/// An array of strings (`levels`).
fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    scalar_visitor!(V -> Vec<String>, "an array of strings",
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element_seed(text::<String>("a string"))? {
                out.push(s);
            }
            Ok(out)
        }
    );
    d.deserialize_seq(V)
}

/// An array of records (procedures or entries).
fn records<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V(PhantomData))
}

macro_rules! deserialize_through_from_str {
    ($($t:ty),+) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                choice(d)
            }
        }
    )+};
}

deserialize_through_from_str!(ProcedureKind, Anesthetic, Side, Sedation);

// ---------------------------------------------------------------------------------------
// The slow path's walk over the raw document, for the two errors the derived parse finds
// later than where they are: a duplicate unknown field (refused where it stands) and the
// checks made after a procedure's fields are read (placed at its closing brace).

/// Which objects of the format a value is, to know their field names.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Diary,
    Patient,
    Procedure,
    Entry,
    Retraction,
    Procedures,
    Entries,
    Other,
}

impl Shape {
    fn known(self) -> &'static [&'static str] {
        match self {
            Shape::Diary => &[
                "format",
                "version",
                "uid",
                "patient",
                "procedures",
                "entries",
            ],
            Shape::Patient => &["id"],
            Shape::Procedure => &[
                "id",
                "kind",
                "at",
                "region",
                "levels",
                "side",
                "anesthetic",
                "steroid",
                "sedation",
                "note",
                "retracted",
                "history",
            ],
            Shape::Entry => &[
                "id",
                "at",
                "score",
                "activity",
                "relief",
                "medication",
                "note",
                "retracted",
                "history",
            ],
            Shape::Retraction => &["at", "reason"],
            _ => &[],
        }
    }

    fn field(self, key: &str) -> Shape {
        match (self, key) {
            (Shape::Diary, "patient") => Shape::Patient,
            (Shape::Diary, "procedures") => Shape::Procedures,
            (Shape::Diary, "entries") => Shape::Entries,
            (Shape::Procedure | Shape::Entry, "retracted") => Shape::Retraction,
            _ => Shape::Other,
        }
    }
}

/// What the walk stopped at: the object's path, and whether it was the target's end.
type Found = RefCell<Option<(String, bool)>>;

struct Walk<'a> {
    shape: Shape,
    path: String,
    target: Option<&'a str>,
    found: &'a Found,
}

impl<'a> Walk<'a> {
    fn child(&self, shape: Shape, path: String) -> Walk<'a> {
        Walk {
            shape,
            path,
            target: self.target,
            found: self.found,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.shape {
            Shape::Other => d.deserialize_ignored_any(IgnoredAny).map(|_| ()),
            _ => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let known = self.shape.known();
        let mut unknown: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = match self.path.as_str() {
                "" => key.clone(),
                p => format!("{p}.{key}"),
            };
            map.next_value_seed(self.child(self.shape.field(&key), path))?;
            if !known.contains(&key.as_str()) && !unknown.insert(key.clone()) {
                *self.found.borrow_mut() = Some((self.path, false));
                return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
            }
        }
        if self.target == Some(self.path.as_str()) {
            *self.found.borrow_mut() = Some((self.path, true));
            return Err(A::Error::custom("the end of the object"));
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let shape = match self.shape {
            Shape::Procedures => Shape::Procedure,
            Shape::Entries => Shape::Entry,
            _ => Shape::Other,
        };
        let mut i = 0;
        while seq
            .next_element_seed(self.child(shape, format!("{}[{i}]", self.path)))?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Walk the document; stop at the first duplicate unknown field, or at the end of the
/// object at `target`. Returns the object's path, whether it is the target's end, and the
/// error that carries the position.
fn walk(bytes: &[u8], target: Option<&str>) -> Option<(String, bool, serde_json::Error)> {
    let found = Found::default();
    let seed = Walk {
        shape: Shape::Diary,
        path: String::new(),
        target,
        found: &found,
    };
    let err = seed
        .deserialize(&mut serde_json::Deserializer::from_slice(bytes))
        .err()?;
    let (path, end) = found.into_inner()?;
    Some((path, end, err))
}
