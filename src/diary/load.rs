//! Reading a diary: one pass of typed parsing that validates every field as it goes, then the
//! checks across values; errors carry the JSON path and, for parse-time errors, line:column.

use super::model::{
    Anesthetic, Diary, Entry, Extra, FORMAT_NAME, FORMAT_VERSION, Patient, Procedure,
    ProcedureKind, Retraction, Sedation, Side, Timestamp,
};
use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
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

fn parse_wire(bytes: &[u8]) -> Result<DiaryWire, LoadError> {
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
    match result {
        Err((path, err)) => parse_error(bytes, path, &err),
        // Cannot happen (the fast path failed on the same bytes); still answer sensibly.
        Ok(()) => LoadError::Invalid {
            path: String::new(),
            message: "the diary could not be read".into(),
        },
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
        column,
        message,
    }
}

/// serde_json places a data error (a value of the wrong type or out of range) at the end of
/// the value, or just before it; point at the value's first character instead, as people and
/// editors expect (`"score": 11` → the column of the `1`). Columns count bytes from 1.
fn value_start(bytes: &[u8], line: usize, column: usize) -> (usize, usize) {
    let line_start = if line <= 1 {
        Some(0)
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)
    };
    let Some(at) = line_start
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

/// The parsed document before the checks across values.
struct DiaryWire {
    format: bool,
    version: bool,
    uid: Option<String>,
    patient: Option<Patient>,
    procedures: Vec<Procedure>,
    entries: Vec<Entry>,
    extra: Extra,
}

fn finish(wire: DiaryWire) -> Result<Diary, LoadError> {
    if !wire.format {
        return Err(LoadError::Invalid {
            path: "format".into(),
            message: format!("missing; a diary starts with \"format\": \"{FORMAT_NAME}\""),
        });
    }
    if !wire.version {
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
        let number = [('b', 0), ('e', 1)]
            .into_iter()
            .find_map(|(prefix, set)| assigned_number(id, prefix).map(|n| (n, set)))
            .filter(|&(n, _)| n < limit);
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

/// The number of an id written as the program writes it: prefix, then digits without a
/// leading zero.
fn assigned_number(id: &str, prefix: char) -> Option<usize> {
    let digits = id.strip_prefix(prefix)?;
    let first = *digits.as_bytes().first()?;
    if first == b'0' || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Plain typed parsing of a diary, with the per-field validation but without the checks
/// across values, the sorting or the error explanations of [`parse_diary`]. For benchmarks.
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
                diary.entries[i].id = diary.next_entry_id();
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
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_ref() {
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
// Field helpers.

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Tracks which known fields an object had, to refuse a field given twice.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn mark<E: de::Error>(&mut self, bit: u32, name: &'static str) -> Result<(), E> {
        if self.0 & (1 << bit) != 0 {
            return Err(E::duplicate_field(name));
        }
        self.0 |= 1 << bit;
        Ok(())
    }
}

fn keep_unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Extra,
    key: Cow<'de, str>,
) -> Result<(), A::Error> {
    let value: Value = map.next_value()?;
    let key = key.into_owned();
    if extra.insert(key.clone(), value) {
        Ok(())
    } else {
        Err(A::Error::custom(format_args!("duplicate field `{key}`")))
    }
}

/// A string or null.
struct OptText;

impl<'de> DeserializeSeed<'de> for OptText {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptText {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_string(Text("a string or null")).map(Some)
    }
}

/// A string.
struct Text(&'static str);

impl<'de> Visitor<'de> for Text {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// An RFC 3339 time with an offset.
struct Time;

impl<'de> DeserializeSeed<'de> for Time {
    type Value = Timestamp;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Timestamp, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Time {
    type Value = Timestamp;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 time with an offset, e.g. \"2026-11-20T09:30:00-07:00\"")
    }
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
}

/// A number within `0..=max`.
#[derive(Clone, Copy)]
struct Bounded {
    max: f64,
    what: &'static str,
}

const SCORE: Bounded = Bounded {
    max: 10.0,
    what: "a number from 0 to 10",
};
const RELIEF: Bounded = Bounded {
    max: 100.0,
    what: "a number from 0 to 100 or null",
};

impl Bounded {
    fn check<E: de::Error>(self, v: f64, shown: &dyn fmt::Display) -> Result<f64, E> {
        if v.is_finite() && (0.0..=self.max).contains(&v) {
            Ok(v)
        } else {
            Err(E::custom(format_args!(
                "{shown} is outside 0–{}",
                self.max as u32
            )))
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded {
    type Value = f64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
        d.deserialize_f64(self)
    }
}

impl<'de> Visitor<'de> for Bounded {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.what)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        self.check(v as f64, &v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        self.check(v as f64, &v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        self.check(v, &v)
    }
}

/// A bounded number or null.
struct OptBounded(Bounded);

impl<'de> DeserializeSeed<'de> for OptBounded {
    type Value = Option<f64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptBounded {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0.what)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// One of a fixed set of spellings (kind, anesthetic, side, sedation).
struct Choice<T>(std::marker::PhantomData<T>);

fn choice<T>() -> Choice<T> {
    Choice(std::marker::PhantomData)
}

impl<'de, T: FromStr<Err = String>> DeserializeSeed<'de> for Choice<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: FromStr<Err = String>> Visitor<'de> for Choice<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string from the list in the diary format")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// A choice or null.
struct OptChoice<T>(std::marker::PhantomData<T>);

impl<'de, T: FromStr<Err = String>> DeserializeSeed<'de> for OptChoice<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: FromStr<Err = String>> Visitor<'de> for OptChoice<T> {
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
        choice::<T>().deserialize(d).map(Some)
    }
}

/// A boolean.
struct Bool;

impl<'de> Visitor<'de> for Bool {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
}

/// An array of strings.
struct Strings;

impl<'de> DeserializeSeed<'de> for Strings {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Strings {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element_seed(TextSeed("a string"))? {
            out.push(s);
        }
        Ok(out)
    }
}

struct TextSeed(&'static str);

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_string(Text(self.0))
    }
}

/// An array of records (procedures or entries).
struct Records<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Records<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Records<T> {
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

fn records<T>() -> Records<T> {
    Records(std::marker::PhantomData)
}

/// An array of objects (entry history), or null.
struct History;

impl<'de> DeserializeSeed<'de> for History {
    type Value = Option<Vec<Map<String, Value>>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Option::<Vec<Map<String, Value>>>::deserialize(d)
    }
}

// ---------------------------------------------------------------------------------------
// Records.

struct DiaryVisitor;

impl<'de> Deserialize<'de> for DiaryWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(DiaryVisitor)
    }
}

impl<'de> Visitor<'de> for DiaryVisitor {
    type Value = DiaryWire;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a paindiary diary (a JSON object with \"format\": \"paindiary\")")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DiaryWire, A::Error> {
        let mut seen = Seen::default();
        let mut wire = DiaryWire {
            format: false,
            version: false,
            uid: None,
            patient: None,
            procedures: Vec::new(),
            entries: Vec::new(),
            extra: Extra::default(),
        };
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_ref() {
                "format" => {
                    seen.mark(0, "format")?;
                    map.next_value_seed(FormatName)?;
                    wire.format = true;
                }
                "version" => {
                    seen.mark(1, "version")?;
                    map.next_value_seed(Version)?;
                    wire.version = true;
                }
                "uid" => {
                    seen.mark(5, "uid")?;
                    wire.uid = map.next_value_seed(OptText)?;
                }
                "patient" => {
                    seen.mark(2, "patient")?;
                    wire.patient = map.next_value::<Option<Patient>>()?;
                }
                "procedures" => {
                    seen.mark(3, "procedures")?;
                    wire.procedures = map.next_value_seed(records())?;
                }
                "entries" => {
                    seen.mark(4, "entries")?;
                    wire.entries = map.next_value_seed(records())?;
                }
                _ => keep_unknown(&mut map, &mut wire.extra, key.0)?,
            }
        }
        Ok(wire)
    }
}

/// The format version: a whole number.
struct Version;

impl<'de> DeserializeSeed<'de> for Version {
    type Value = u64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_u64(self)
    }
}

impl<'de> Visitor<'de> for Version {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer format version")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        if v == FORMAT_VERSION {
            Ok(v)
        } else {
            Err(E::custom(format_args!(
                "version {v} is not supported (this paindiary reads version {FORMAT_VERSION})"
            )))
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        Err(E::custom(format_args!(
            "version {v} is not supported (this paindiary reads version {FORMAT_VERSION})"
        )))
    }
}

/// The `format` field: exactly "paindiary".
struct FormatName;

impl<'de> DeserializeSeed<'de> for FormatName {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FormatName {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the string \"paindiary\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v == FORMAT_NAME {
            Ok(())
        } else {
            Err(E::custom(format_args!(
                "\"{}\" is not a paindiary diary (expected \"format\": \"{FORMAT_NAME}\")",
                v.escape_debug()
            )))
        }
    }
}

impl<'de> Deserialize<'de> for Patient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Patient;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a patient object or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Patient, A::Error> {
                let mut seen = Seen::default();
                let mut patient = Patient::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_ref() {
                        "id" => {
                            seen.mark(0, "id")?;
                            patient.id = map.next_value_seed(OptText)?;
                        }
                        _ => keep_unknown(&mut map, &mut patient.extra, key.0)?,
                    }
                }
                Ok(patient)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Procedure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Procedure;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a procedure object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Procedure, A::Error> {
                let mut seen = Seen::default();
                let mut id = None;
                let mut kind = ProcedureKind::MedialBranchBlock;
                let mut at = None;
                let mut region = None;
                let mut levels = Vec::new();
                let mut side = None;
                let mut anesthetic = None;
                let mut steroid = false;
                let mut sedation = Sedation::None;
                let mut note = None;
                let mut retracted = None;
                let mut history = None;
                let mut extra = Extra::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_ref() {
                        "id" => {
                            seen.mark(0, "id")?;
                            id = map.next_value_seed(OptText)?;
                        }
                        "kind" => {
                            seen.mark(1, "kind")?;
                            kind = map.next_value_seed(choice())?;
                        }
                        "at" => {
                            seen.mark(2, "at")?;
                            at = Some(map.next_value_seed(Time)?);
                        }
                        "region" => {
                            seen.mark(3, "region")?;
                            region = map.next_value_seed(OptText)?;
                        }
                        "levels" => {
                            seen.mark(4, "levels")?;
                            levels = map.next_value_seed(Strings)?;
                        }
                        "side" => {
                            seen.mark(5, "side")?;
                            side = map.next_value_seed(OptChoice::<Side>(Default::default()))?;
                        }
                        "anesthetic" => {
                            seen.mark(6, "anesthetic")?;
                            anesthetic = Some(
                                map.next_value_seed(OptChoice::<Anesthetic>(Default::default()))?,
                            );
                        }
                        "steroid" => {
                            seen.mark(7, "steroid")?;
                            steroid = map.next_value_seed(BoolSeed)?;
                        }
                        "sedation" => {
                            seen.mark(8, "sedation")?;
                            sedation = map.next_value_seed(choice())?;
                        }
                        "note" => {
                            seen.mark(9, "note")?;
                            note = map.next_value_seed(OptText)?;
                        }
                        "retracted" => {
                            seen.mark(10, "retracted")?;
                            retracted = map.next_value::<Option<Retraction>>()?.map(Box::new);
                        }
                        "history" => {
                            seen.mark(11, "history")?;
                            history = map.next_value_seed(History)?;
                        }
                        _ => keep_unknown(&mut map, &mut extra, key.0)?,
                    }
                }
                // A block needs its agent; an RFA may leave it out or null.
                let anesthetic = match (anesthetic, kind.is_block()) {
                    (Some(Some(a)), _) => Some(a),
                    (Some(None), true) => {
                        return Err(A::Error::custom(
                            "a block needs its anesthetic (one of lidocaine, bupivacaine, ropivacaine, other); only a radiofrequency-ablation may leave it null",
                        ));
                    }
                    (None, true) => return Err(A::Error::missing_field("anesthetic")),
                    (_, false) => None,
                };
                Ok(Procedure {
                    id: id.unwrap_or_default(),
                    kind,
                    at: at.ok_or_else(|| A::Error::missing_field("at"))?,
                    region,
                    levels,
                    side,
                    anesthetic,
                    steroid,
                    sedation,
                    note,
                    retracted,
                    history,
                    extra,
                })
            }
        }
        d.deserialize_map(V)
    }
}

struct BoolSeed;

impl<'de> DeserializeSeed<'de> for BoolSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_bool(Bool)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an entry object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                let mut seen = Seen::default();
                let mut id = None;
                let mut at = None;
                let mut score = None;
                let mut activity = None;
                let mut relief = None;
                let mut medication = None;
                let mut note = None;
                let mut retracted = None;
                let mut history = None;
                let mut extra = Extra::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_ref() {
                        "id" => {
                            seen.mark(0, "id")?;
                            id = map.next_value_seed(OptText)?;
                        }
                        "at" => {
                            seen.mark(1, "at")?;
                            at = Some(map.next_value_seed(Time)?);
                        }
                        "score" => {
                            seen.mark(2, "score")?;
                            score = Some(map.next_value_seed(SCORE)?);
                        }
                        "activity" => {
                            seen.mark(3, "activity")?;
                            activity = map.next_value_seed(OptText)?;
                        }
                        "relief" => {
                            seen.mark(4, "relief")?;
                            relief = map.next_value_seed(OptBounded(RELIEF))?;
                        }
                        "medication" => {
                            seen.mark(5, "medication")?;
                            medication = map.next_value_seed(OptText)?;
                        }
                        "note" => {
                            seen.mark(6, "note")?;
                            note = map.next_value_seed(OptText)?;
                        }
                        "retracted" => {
                            seen.mark(7, "retracted")?;
                            retracted = map.next_value::<Option<Retraction>>()?.map(Box::new);
                        }
                        "history" => {
                            seen.mark(8, "history")?;
                            history = map.next_value_seed(History)?;
                        }
                        _ => keep_unknown(&mut map, &mut extra, key.0)?,
                    }
                }
                Ok(Entry {
                    id: id.unwrap_or_default(),
                    at: at.ok_or_else(|| A::Error::missing_field("at"))?,
                    score: score.ok_or_else(|| A::Error::missing_field("score"))?,
                    activity,
                    relief,
                    medication,
                    note,
                    retracted,
                    history,
                    extra,
                })
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Retraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Retraction;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("null or an object with \"at\" and \"reason\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Retraction, A::Error> {
                let mut seen = Seen::default();
                let mut at = None;
                let mut reason = None;
                let mut extra = Extra::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_ref() {
                        "at" => {
                            seen.mark(0, "at")?;
                            at = Some(map.next_value_seed(Time)?);
                        }
                        "reason" => {
                            seen.mark(1, "reason")?;
                            reason = Some(map.next_value_seed(OptText)?);
                        }
                        _ => keep_unknown(&mut map, &mut extra, key.0)?,
                    }
                }
                Ok(Retraction {
                    at: at.ok_or_else(|| A::Error::missing_field("at"))?,
                    reason: reason.ok_or_else(|| A::Error::missing_field("reason"))?,
                    extra,
                })
            }
        }
        d.deserialize_map(V)
    }
}
