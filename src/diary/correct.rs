//! Corrections of an entry (SPEC §1, §2): `amend` replaces some fields and keeps the old values
//! in the entry's `history`; `retract` withdraws the entry, which stays in the file.
//!
//! - A `history` item is one object per amendment, appended (oldest first):
//!   `{"amended_at": TIME, <field>: <old value>, …}` with only the replaced fields, in the
//!   order `score`, `at`, `activity`, `relief`, `medication`, `note`; an absent old value is
//!   `null`.
//! - Empty (or blank) text for `activity`, `medication` or `note` clears the field.
//! - A new `at` moves the entry to its place in time (after entries at the same instant).
//! - A retracted entry can still be amended (its history records it); it stays retracted.
//! - Retracting an entry that is already retracted is refused ([`CorrectError::AlreadyRetracted`]):
//!   the first retraction's time and reason are kept.

use super::model::{Diary, Extra, Retraction, Timestamp};
use super::save::Num;
use serde_json::{Map, Value, json};

/// The fields to replace; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amendment {
    pub score: Option<f64>,
    pub at: Option<Timestamp>,
    /// Empty or blank text clears the field.
    pub activity: Option<String>,
    pub relief: Option<f64>,
    /// Empty or blank text clears the field.
    pub medication: Option<String>,
    /// Empty or blank text clears the field.
    pub note: Option<String>,
}

impl Amendment {
    /// True when no field is given.
    pub fn is_empty(&self) -> bool {
        *self == Amendment::default()
    }
}

/// One replaced field: its name, the old and the new value (as written in the diary).
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    pub field: &'static str,
    pub old: Value,
    pub new: Value,
}

/// Why a correction was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CorrectError {
    #[error("{}", no_such_entry(id, *is_procedure))]
    NoSuchEntry { id: String, is_procedure: bool },
    #[error(
        "entry {} is already retracted (at {at}{}); it was left as it is",
        quoted(id),
        reason.as_deref().map(|r| format!(": {}", quoted(r))).unwrap_or_default()
    )]
    AlreadyRetracted {
        id: String,
        at: String,
        reason: Option<String>,
    },
    #[error("nothing to change: give at least one field")]
    NothingToChange,
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.escape_debug())
}

fn no_such_entry(id: &str, is_procedure: bool) -> String {
    if is_procedure {
        format!(
            "{} is a block, not an entry; only entries can be amended or retracted",
            quoted(id)
        )
    } else {
        format!(
            "no entry has the id {} (`paindiary list` shows the ids)",
            quoted(id)
        )
    }
}

fn find(diary: &Diary, id: &str) -> Result<usize, CorrectError> {
    diary
        .entries
        .iter()
        .position(|e| e.id == id)
        .ok_or_else(|| CorrectError::NoSuchEntry {
            id: id.to_string(),
            is_procedure: diary.procedures.iter().any(|p| p.id == id),
        })
}

fn text_value(text: &Option<String>) -> Value {
    text.as_ref().map_or(Value::Null, |t| json!(t))
}

fn num_value(v: Option<f64>) -> Value {
    v.and_then(|v| serde_json::to_value(Num(v)).ok())
        .unwrap_or(Value::Null)
}

/// Blank text clears a field.
fn cleared(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

/// Replace the given fields of entry `id`, append the old values to its history (stamped
/// `amended_at` = `now`) and keep the entries sorted. Returns what was replaced.
pub fn amend(
    diary: &mut Diary,
    id: &str,
    change: Amendment,
    now: &Timestamp,
) -> Result<Vec<Replaced>, CorrectError> {
    if change.is_empty() {
        return Err(CorrectError::NothingToChange);
    }
    let index = find(diary, id)?;
    let mut entry = diary.entries.remove(index);
    let mut replaced = Vec::new();
    if let Some(score) = change.score {
        replaced.push(Replaced {
            field: "score",
            old: num_value(Some(entry.score)),
            new: num_value(Some(score)),
        });
        entry.score = score;
    }
    let moved = change.at.is_some();
    if let Some(at) = change.at {
        replaced.push(Replaced {
            field: "at",
            old: json!(entry.at.text()),
            new: json!(at.text()),
        });
        entry.at = at;
    }
    if let Some(activity) = change.activity {
        let new = cleared(activity);
        replaced.push(Replaced {
            field: "activity",
            old: text_value(&entry.activity),
            new: text_value(&new),
        });
        entry.activity = new;
    }
    if let Some(relief) = change.relief {
        replaced.push(Replaced {
            field: "relief",
            old: num_value(entry.relief),
            new: num_value(Some(relief)),
        });
        entry.relief = Some(relief);
    }
    if let Some(medication) = change.medication {
        let new = cleared(medication);
        replaced.push(Replaced {
            field: "medication",
            old: text_value(&entry.medication),
            new: text_value(&new),
        });
        entry.medication = new;
    }
    if let Some(note) = change.note {
        let new = cleared(note);
        replaced.push(Replaced {
            field: "note",
            old: text_value(&entry.note),
            new: text_value(&new),
        });
        entry.note = new;
    }
    let mut item = Map::new();
    item.insert("amended_at".into(), json!(now.text()));
    for r in &replaced {
        item.insert(r.field.into(), r.old.clone());
    }
    entry.history.get_or_insert_with(Vec::new).push(item);
    if moved {
        diary.insert_entry(entry);
    } else {
        diary.entries.insert(index, entry);
    }
    Ok(replaced)
}

/// Withdraw entry `id`: `retracted` = `{"at": now, "reason": reason}`. The entry stays.
pub fn retract(
    diary: &mut Diary,
    id: &str,
    reason: String,
    now: &Timestamp,
) -> Result<(), CorrectError> {
    let index = find(diary, id)?;
    let entry = &mut diary.entries[index];
    if let Some(x) = &entry.retracted {
        return Err(CorrectError::AlreadyRetracted {
            id: id.to_string(),
            at: x.at.text(),
            reason: x.reason.clone(),
        });
    }
    entry.retracted = Some(Box::new(Retraction {
        at: now.clone(),
        reason: Some(reason),
        extra: Extra::default(),
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{parse_diary, to_bytes};

    const DIARY: &str = r#"{"format":"paindiary","version":1,
      "procedures":[{"id":"b1","at":"2026-11-20T09:30:00-07:00","anesthetic":"lidocaine"}],
      "entries":[
        {"id":"e1","at":"2026-11-20T09:00:00-07:00","score":7,"activity":"standing"},
        {"id":"e2","at":"2026-11-20T10:00:00-07:00","score":2,"relief":60,"mood":"ok"},
        {"id":"e3","at":"2026-11-20T11:00:00-07:00","score":3}]}"#;

    fn diary() -> Diary {
        parse_diary(DIARY.as_bytes()).unwrap()
    }

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-21T08:00:00-07:00").unwrap()
    }

    fn ids(d: &Diary) -> Vec<&str> {
        d.entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn amend_keeps_old_values_in_history_oldest_first() {
        let mut d = diary();
        let change = Amendment {
            score: Some(2.5),
            activity: Some(String::new()),
            note: Some("walked".into()),
            ..Default::default()
        };
        let replaced = amend(&mut d, "e1", change, &now()).unwrap();
        assert_eq!(
            replaced.iter().map(|r| r.field).collect::<Vec<_>>(),
            ["score", "activity", "note"]
        );
        let e = &d.entries[0];
        assert_eq!(e.score, 2.5);
        assert_eq!(e.activity, None);
        assert_eq!(e.note.as_deref(), Some("walked"));
        let later = Timestamp::parse("2026-11-22T08:00:00-07:00").unwrap();
        amend(
            &mut d,
            "e1",
            Amendment {
                score: Some(6.0),
                ..Default::default()
            },
            &later,
        )
        .unwrap();
        let history = serde_json::to_string(&d.entries[0].history).unwrap();
        assert_eq!(
            history,
            r#"[{"amended_at":"2026-11-21T08:00:00-07:00","score":7,"activity":"standing","note":null},{"amended_at":"2026-11-22T08:00:00-07:00","score":2.5}]"#
        );
        // The file still loads, with the history and unknown fields.
        let again = parse_diary(&to_bytes(&d)).unwrap();
        assert_eq!(again, d);
    }

    #[test]
    fn amend_at_moves_the_entry_to_its_place() {
        let mut d = diary();
        let at = Timestamp::parse("2026-11-20T18:30:00Z").unwrap(); // 11:30 -07:00
        amend(
            &mut d,
            "e1",
            Amendment {
                at: Some(at),
                ..Default::default()
            },
            &now(),
        )
        .unwrap();
        assert_eq!(ids(&d), ["e2", "e3", "e1"]);
        assert_eq!(d.entries[2].at.text(), "2026-11-20T18:30:00Z");
        // Unknown fields of other entries are untouched.
        assert_eq!(d.entries[0].extra.get("mood"), Some(&json!("ok")));
    }

    #[test]
    fn amend_refuses_unknown_ids_and_blocks_and_empty_changes() {
        let mut d = diary();
        let before = d.clone();
        let some = || Amendment {
            score: Some(1.0),
            ..Default::default()
        };
        let err = amend(&mut d, "e9", some(), &now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no entry has the id \"e9\" (`paindiary list` shows the ids)"
        );
        let err = amend(&mut d, "b1", some(), &now()).unwrap_err();
        assert!(err.to_string().contains("is a block"), "{err}");
        let err = amend(&mut d, "e1", Amendment::default(), &now()).unwrap_err();
        assert_eq!(err, CorrectError::NothingToChange);
        assert_eq!(d, before);
    }

    #[test]
    fn retract_once() {
        let mut d = diary();
        retract(&mut d, "e2", "scored the injection site".into(), &now()).unwrap();
        let x = d.entries[1].retracted.as_ref().unwrap();
        assert_eq!(x.at.text(), "2026-11-21T08:00:00-07:00");
        assert_eq!(x.reason.as_deref(), Some("scored the injection site"));
        let before = d.clone();
        let err = retract(&mut d, "e2", "again".into(), &now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "entry \"e2\" is already retracted (at 2026-11-21T08:00:00-07:00: \"scored the injection site\"); it was left as it is"
        );
        assert_eq!(d, before);
        let err = retract(&mut d, "e7", "x".into(), &now()).unwrap_err();
        assert!(matches!(err, CorrectError::NoSuchEntry { .. }));
    }
}
