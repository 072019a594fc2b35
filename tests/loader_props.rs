//! Property tests of the diary loader at library level (SPEC §1, §4):
//! - random valid diaries (random ids, times with random offsets, decimal scores, optional
//!   fields, unknown fields holding nested JSON) load, and load → save → load is unchanged;
//! - arbitrary bytes, JSON-like token soup and mutated valid diaries never panic, and whatever
//!   is accepted also survives a save → load round trip.
mod common;

use paindiary::diary::{Diary, LoadError, parse_diary, to_bytes};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

// ---------------------------------------------------------------------------------------
// Generators.

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Unknown fields for an object whose known keys are `known`.
fn unknown_fields(known: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, Value)>> {
    btree_map(
        any::<String>().prop_filter("not a known key", move |k| !known.contains(&k.as_str())),
        json_value(),
        0..3,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// An RFC 3339 time with an offset (`Z` or ±hh:mm), optional fractional seconds.
fn rfc3339() -> impl Strategy<Value = String> {
    (
        1u32..=9999,
        1u32..=12,
        1u32..=28,
        0u32..=23,
        0u32..=59,
        0u32..=59,
        prop_oneof![
            3 => Just(String::new()),
            1 => (1usize..=9, any::<u64>()).prop_map(|(digits, n)| {
                let s = format!("{:09}", n % 1_000_000_000);
                format!(".{}", &s[..digits])
            }),
        ],
        prop_oneof![
            1 => Just("Z".to_string()),
            4 => (any::<bool>(), 0u32..=23, 0u32..=59).prop_map(|(neg, h, m)| {
                format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })
            }),
        ],
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, off)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}")
        })
}

/// An optional text field: absent, null or any string.
#[derive(Debug, Clone)]
enum Opt<T> {
    Absent,
    Null,
    Some(T),
}

fn opt<T: std::fmt::Debug + Clone>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Opt<T>> {
    prop_oneof![
        1 => Just(Opt::Absent),
        1 => Just(Opt::Null),
        2 => s.prop_map(Opt::Some),
    ]
}

fn put<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Opt<T>) {
    match value {
        Opt::Absent => {}
        Opt::Null => {
            map.insert(key.into(), Value::Null);
        }
        Opt::Some(v) => {
            map.insert(key.into(), v.into());
        }
    }
}

fn number(f: f64) -> Value {
    Value::Number(Number::from_f64(f).expect("finite"))
}

/// How a record's id is written.
#[derive(Debug, Clone)]
enum IdStyle {
    /// `e7`/`b7`: what the program writes.
    Program,
    /// Any text, made unique with a `~index` suffix.
    Random(String),
    Absent,
    Null,
    Empty,
}

fn id_style() -> impl Strategy<Value = IdStyle> {
    prop_oneof![
        3 => Just(IdStyle::Program),
        3 => any::<String>().prop_map(IdStyle::Random),
        1 => Just(IdStyle::Absent),
        1 => Just(IdStyle::Null),
        1 => Just(IdStyle::Empty),
    ]
}

/// The id written for record `i` (None when the loader assigns one).
fn put_id(map: &mut Map<String, Value>, prefix: char, i: usize, style: &IdStyle) -> Option<String> {
    let id = match style {
        IdStyle::Program => Some(format!("{prefix}{}", 3 * i + 1)),
        IdStyle::Random(s) => Some(format!("{s}~{prefix}{i}")),
        IdStyle::Absent => return None,
        IdStyle::Null => {
            map.insert("id".into(), Value::Null);
            return None;
        }
        IdStyle::Empty => {
            map.insert("id".into(), "".into());
            return None;
        }
    };
    map.insert("id".into(), id.clone().into());
    id
}

const TOP: &[&str] = &["format", "version", "patient", "procedures", "entries"];
const PATIENT: &[&str] = &["id"];
const PROCEDURE: &[&str] = &[
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
];
const ENTRY: &[&str] = &[
    "id",
    "at",
    "score",
    "activity",
    "relief",
    "medication",
    "note",
    "retracted",
    "history",
];
const RETRACTION: &[&str] = &["at", "reason"];

const KINDS: &[&str] = &[
    "medial-branch-block",
    "lateral-branch-block",
    "genicular-nerve-block",
    "intra-articular-facet",
    "sacroiliac",
    "other",
];
const ANESTHETICS: &[&str] = &["lidocaine", "bupivacaine", "ropivacaine", "other"];
const SIDES: &[&str] = &["left", "right", "bilateral"];
const SEDATIONS: &[&str] = &["none", "minimal", "moderate", "deep"];

/// What the generator wrote for one entry, to check the loaded diary against.
#[derive(Debug, Clone)]
struct EntryCheck {
    id: Option<String>,
    at: String,
    score: f64,
    extra: Vec<(String, Value)>,
}

#[derive(Debug, Clone)]
struct Generated {
    text: String,
    procedures: usize,
    entries: Vec<EntryCheck>,
    top_extra: Vec<(String, Value)>,
}

fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u8..=10).prop_map(f64::from),
        (0u8..=100).prop_map(|t| f64::from(t) / 10.0),
        0.0f64..=10.0,
    ]
}

#[allow(clippy::type_complexity)]
fn procedure() -> impl Strategy<Value = Map<String, Value>> {
    (
        (
            opt(proptest::sample::select(KINDS)),
            rfc3339(),
            opt(any::<String>()),
            opt(vec(any::<String>(), 0..3)),
            opt(proptest::sample::select(SIDES)),
        ),
        (
            proptest::sample::select(ANESTHETICS),
            opt(any::<bool>()),
            opt(proptest::sample::select(SEDATIONS)),
            opt(any::<String>()),
            unknown_fields(PROCEDURE),
        ),
    )
        .prop_map(
            |((kind, at, region, levels, side), (anesthetic, steroid, sedation, note, extra))| {
                let mut m = Map::new();
                // `kind`, `levels`, `steroid` and `sedation` may be absent but not null.
                if let Opt::Some(k) = kind {
                    m.insert("kind".into(), k.into());
                }
                m.insert("at".into(), at.into());
                put(&mut m, "region", region);
                if let Opt::Some(l) = levels {
                    m.insert("levels".into(), l.into());
                }
                put(&mut m, "side", side);
                m.insert("anesthetic".into(), anesthetic.into());
                if let Opt::Some(s) = steroid {
                    m.insert("steroid".into(), s.into());
                }
                if let Opt::Some(s) = sedation {
                    m.insert("sedation".into(), s.into());
                }
                put(&mut m, "note", note);
                m.extend(extra);
                m
            },
        )
}

fn retraction() -> impl Strategy<Value = Opt<Value>> {
    opt(
        (rfc3339(), opt(any::<String>()), unknown_fields(RETRACTION)).prop_map(
            |(at, reason, extra)| {
                let mut m = Map::new();
                m.insert("at".into(), at.into());
                match reason {
                    Opt::Some(r) => m.insert("reason".into(), r.into()),
                    _ => m.insert("reason".into(), Value::Null),
                };
                m.extend(extra);
                Value::Object(m)
            },
        ),
    )
}

fn history() -> impl Strategy<Value = Opt<Value>> {
    opt(
        vec(btree_map(any::<String>(), json_value(), 0..3), 0..3).prop_map(|items| {
            Value::Array(
                items
                    .into_iter()
                    .map(|m| Value::Object(m.into_iter().collect()))
                    .collect(),
            )
        }),
    )
}

#[allow(clippy::type_complexity)]
fn entry() -> impl Strategy<Value = (Map<String, Value>, String, f64, Vec<(String, Value)>)> {
    (
        (
            rfc3339(),
            score(),
            opt(any::<String>()),
            opt(0.0f64..=100.0),
        ),
        (
            opt(any::<String>()),
            opt(any::<String>()),
            retraction(),
            history(),
            unknown_fields(ENTRY),
        ),
    )
        .prop_map(
            |((at, score, activity, relief), (medication, note, retracted, history, extra))| {
                let mut m = Map::new();
                m.insert("at".into(), at.clone().into());
                m.insert("score".into(), number(score));
                put(&mut m, "activity", activity);
                match relief {
                    Opt::Absent => {}
                    Opt::Null => {
                        m.insert("relief".into(), Value::Null);
                    }
                    Opt::Some(r) => {
                        m.insert("relief".into(), number(r));
                    }
                }
                put(&mut m, "medication", medication);
                put(&mut m, "note", note);
                put(&mut m, "retracted", retracted);
                put(&mut m, "history", history);
                m.extend(extra.clone());
                (m, at, score, extra)
            },
        )
}

fn patient() -> impl Strategy<Value = Opt<Value>> {
    opt(
        (opt(any::<String>()), unknown_fields(PATIENT)).prop_map(|(id, extra)| {
            let mut m = Map::new();
            put(&mut m, "id", id);
            m.extend(extra);
            Value::Object(m)
        }),
    )
}

prop_compose! {
    fn valid_diary()(
        patient in patient(),
        procedures in vec((procedure(), id_style()), 0..4),
        entries in vec((entry(), id_style()), 0..8),
        top_extra in unknown_fields(TOP),
        extras_first in any::<bool>(),
        pretty in any::<bool>(),
        bom in proptest::bool::weighted(0.1),
    ) -> Generated {
        let mut top = Map::new();
        if extras_first {
            top.extend(top_extra.clone());
        }
        top.insert("format".into(), "paindiary".into());
        top.insert("version".into(), 1.into());
        put(&mut top, "patient", patient);
        let n_procedures = procedures.len();
        let procs: Vec<Value> = procedures
            .into_iter()
            .enumerate()
            .map(|(i, (mut p, style))| {
                let mut m = Map::new();
                put_id(&mut m, 'b', i, &style);
                m.append(&mut p);
                Value::Object(m)
            })
            .collect();
        top.insert("procedures".into(), procs.into());
        let mut checks = Vec::new();
        let items: Vec<Value> = entries
            .into_iter()
            .enumerate()
            .map(|(i, ((mut e, at, score, extra), style))| {
                let mut m = Map::new();
                let id = put_id(&mut m, 'e', i, &style);
                m.append(&mut e);
                checks.push(EntryCheck { id, at, score, extra });
                Value::Object(m)
            })
            .collect();
        top.insert("entries".into(), items.into());
        if !extras_first {
            top.extend(top_extra.clone());
        }
        let value = Value::Object(top);
        let mut text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        if bom {
            text.insert(0, '\u{feff}');
        }
        Generated { text, procedures: n_procedures, entries: checks, top_extra }
    }
}

// ---------------------------------------------------------------------------------------
// Properties.

/// Whatever the loader accepts, it writes back so that it loads to the same diary, and a second
/// save gives the same bytes.
fn assert_round_trip(diary: &Diary) -> Result<(), TestCaseError> {
    let bytes = to_bytes(diary);
    let again = parse_diary(&bytes)
        .map_err(|e| TestCaseError::fail(format!("saved diary does not load: {e}")))?;
    prop_assert_eq!(&again, diary);
    prop_assert_eq!(to_bytes(&again), bytes);
    // What is written is plain JSON.
    prop_assert!(serde_json::from_slice::<Value>(&to_bytes(diary)).is_ok());
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
    fn valid_diaries_load_and_round_trip(generated in valid_diary()) {
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
                    Some(id) => &e.id == id,
                    None => e.at.text() == check.at && e.score == check.score,
                });
            let Some(e) = found else {
                return Err(TestCaseError::fail(format!("entry {check:?} not loaded")));
            };
            prop_assert_eq!(e.at.text(), check.at.clone());
            prop_assert_eq!(e.score, check.score);
            for (key, value) in &check.extra {
                prop_assert_eq!(e.extra.get(key), Some(value));
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
        generated in valid_diary(),
        mutations in vec(
            (0u8..4, any::<proptest::sample::Index>(), any::<u8>(), 1usize..8),
            1..6,
        ),
    ) {
        let mut bytes = generated.text.into_bytes();
        for (kind, at, byte, len) in mutations {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] ^= 1 << (byte % 8),
                1 => bytes.insert(i, byte),
                2 => {
                    let end = (i + len).min(bytes.len());
                    bytes.drain(i..end);
                }
                _ => bytes[i] = byte,
            }
        }
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
                let again = parse_diary(&to_bytes(&diary)).expect("saved diary loads");
                assert_eq!(again, diary, "{at}");
            }
            Err(e) => assert!(e.to_string().contains("entries[0].at"), "{at}: {e}"),
        }
    }
}
