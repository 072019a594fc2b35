//! The shared random-diary generator of the integration tests: valid diary JSON as a user or
//! another program might write it, used by the loader properties (loader_props) and the CSV
//! round trip through the binary (exchange), and byte mutations of what it makes (loader_props,
//! loader_stream).

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// A strategy for the free-text fields (notes, activities, medications, regions, levels,
/// reasons, patient id).
pub(crate) type Text = BoxedStrategy<String>;

/// Any Unicode text.
pub(crate) fn any_text() -> Text {
    any::<String>().boxed()
}

/// Any Unicode text, or short text made of what CSV has to quote (`,`, `;`, `"`, CR, LF).
pub(crate) fn csv_text() -> Text {
    prop_oneof![any::<String>(), "[a-z ,;\"\\n\\r]{0,10}"].boxed()
}

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
pub(crate) struct EntryCheck {
    pub(crate) id: Option<String>,
    pub(crate) at: String,
    pub(crate) score: f64,
    pub(crate) extra: Vec<(String, Value)>,
}

/// A generated diary: its JSON text and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub(crate) text: String,
    pub(crate) procedures: usize,
    pub(crate) entries: Vec<EntryCheck>,
    pub(crate) top_extra: Vec<(String, Value)>,
}

fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u8..=10).prop_map(f64::from),
        (0u8..=100).prop_map(|t| f64::from(t) / 10.0),
        0.0f64..=10.0,
    ]
}

#[allow(clippy::type_complexity)]
fn procedure(text: &Text) -> impl Strategy<Value = Map<String, Value>> + use<> {
    (
        (
            opt(proptest::sample::select(KINDS)),
            rfc3339(),
            opt(text.clone()),
            opt(vec(text.clone(), 0..3)),
            opt(proptest::sample::select(SIDES)),
        ),
        (
            proptest::sample::select(ANESTHETICS),
            opt(any::<bool>()),
            opt(proptest::sample::select(SEDATIONS)),
            opt(text.clone()),
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

fn retraction(text: &Text) -> impl Strategy<Value = Opt<Value>> + use<> {
    opt(
        (rfc3339(), opt(text.clone()), unknown_fields(RETRACTION)).prop_map(
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
fn entry(
    text: &Text,
) -> impl Strategy<Value = (Map<String, Value>, String, f64, Vec<(String, Value)>)> + use<> {
    (
        (rfc3339(), score(), opt(text.clone()), opt(0.0f64..=100.0)),
        (
            opt(text.clone()),
            opt(text.clone()),
            retraction(text),
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

fn patient(text: &Text) -> impl Strategy<Value = Opt<Value>> + use<> {
    opt(
        (opt(text.clone()), unknown_fields(PATIENT)).prop_map(|(id, extra)| {
            let mut m = Map::new();
            put(&mut m, "id", id);
            m.extend(extra);
            Value::Object(m)
        }),
    )
}

prop_compose! {
    /// A diary the loader accepts (SPEC §1): random ids, times with random offsets, decimal
    /// scores, optional and null fields, unknown fields holding nested JSON, pretty or compact,
    /// sometimes a BOM. `text` generates the free-text fields.
    pub(crate) fn valid_diary(text: Text)(
        patient in patient(&text),
        procedures in vec((procedure(&text), id_style()), 0..4),
        entries in vec((entry(&text), id_style()), 0..8),
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

/// Edits to a text's bytes: bit flips, inserted bytes, deleted runs, replaced bytes.
pub(crate) type ByteMutation = (u8, proptest::sample::Index, u8, usize);

pub(crate) fn byte_mutations() -> impl Strategy<Value = Vec<ByteMutation>> {
    proptest::collection::vec(
        (
            0u8..4,
            any::<proptest::sample::Index>(),
            any::<u8>(),
            1usize..8,
        ),
        1..6,
    )
}

/// `bytes` with `mutations` applied in order.
pub(crate) fn mutated(mut bytes: Vec<u8>, mutations: &[ByteMutation]) -> Vec<u8> {
    for &(kind, ref at, byte, len) in mutations {
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
    bytes
}
