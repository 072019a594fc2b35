//! Corrections of an entry, a block or an RFA (SPEC §1, §2): `amend` replaces some fields and
//! keeps the old values in the record's `history`; `retract` withdraws it; it stays in the file.
//!
//! - A `history` item is one object per amendment, appended (oldest first):
//!   `{"amended_at": TIME, <field>: <old value>, …}` with only the replaced fields, in the
//!   order `score`, `at`, `activity`, `relief`, `medication`, `note` for an entry and `at`,
//!   `kind`, `anesthetic`, `region`, `levels`, `side`, `steroid`, `sedation`, `note` for a
//!   procedure; an absent old value is `null`.
//! - Empty (or blank) text for `activity`, `medication`, `note` or `region` clears the field;
//!   `levels` with no non-blank level clears the levels.
//! - A field that does not fit the record (`score` on a block, `kind` on an entry) is refused
//!   ([`CorrectError::DoesNotFit`]); nothing is changed.
//! - A block's kind may be changed to any other kind, `radiofrequency-ablation` included (the
//!   agent is kept); an RFA may become a block only when it has an agent or one is given.
//! - A new `at` moves the record to its place in time (after records at the same instant).
//! - A retracted record can still be amended (its history records it); it stays retracted.
//! - Retracting a record that is already retracted is refused ([`CorrectError::AlreadyRetracted`]):
//!   the first retraction's time and reason are kept.

use super::model::{
    Anesthetic, Diary, Extra, Procedure, ProcedureKind, Retraction, Sedation, ShortText, Side,
    Timestamp,
};
use super::save::Num;
use serde_json::{Map, Value, json};

/// The fields to replace; `None` leaves a field as it is. `at` and `note` fit every record;
/// `score`…`medication` only an entry; `kind`…`sedation` only a block or an RFA.
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
    pub kind: Option<ProcedureKind>,
    pub anesthetic: Option<Anesthetic>,
    /// Empty or blank text clears the field.
    pub region: Option<String>,
    /// No non-blank level clears the levels.
    pub levels: Option<Vec<String>>,
    pub side: Option<Side>,
    pub steroid: Option<bool>,
    pub sedation: Option<Sedation>,
}

impl Amendment {
    /// True when no field is given.
    pub fn is_empty(&self) -> bool {
        *self == Amendment::default()
    }

    /// The flags given that only fit an entry.
    fn entry_only(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let given = [
            ("--score", self.score.is_some()),
            ("--activity", self.activity.is_some()),
            ("--relief", self.relief.is_some()),
            ("--medication", self.medication.is_some()),
        ];
        v.extend(given.iter().filter(|g| g.1).map(|g| g.0));
        v
    }

    /// The flags given that only fit a block or an RFA.
    fn procedure_only(&self) -> Vec<&'static str> {
        let given = [
            ("--kind", self.kind.is_some()),
            ("--anesthetic", self.anesthetic.is_some()),
            ("--region", self.region.is_some()),
            ("--levels", self.levels.is_some()),
            ("--side", self.side.is_some()),
            ("--steroid", self.steroid.is_some()),
            ("--sedation", self.sedation.is_some()),
        ];
        given.iter().filter(|g| g.1).map(|g| g.0).collect()
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
    #[error(
        "no entry, block or RFA has the id {} (`paindiary list` shows the entries, `paindiary evaluate` the blocks)",
        quoted(id)
    )]
    NoSuchRecord { id: String },
    #[error(
        "{what} {} is already retracted (at {at}{}); it was left as it is",
        quoted(id),
        reason.as_deref().map(|r| format!(": {}", quoted(r))).unwrap_or_default()
    )]
    AlreadyRetracted {
        what: &'static str,
        id: String,
        at: String,
        reason: Option<String>,
    },
    #[error("nothing to change: give at least one field")]
    NothingToChange,
    #[error(
        "{} {} not fit {what} {}: {}",
        flags.join(", "),
        if flags.len() == 1 { "does" } else { "do" },
        quoted(id),
        if *what == "entry" {
            "an entry takes --score, --at, --activity, --relief, --medication, --note"
        } else {
            "a block or RFA takes --at, --kind, --anesthetic, --region, --levels, --side, --steroid, --sedation, --note"
        }
    )]
    DoesNotFit {
        what: &'static str,
        id: String,
        flags: Vec<&'static str>,
    },
    #[error(
        "{} would become a block without a local anaesthetic; give --anesthetic with --kind {kind}",
        quoted(id)
    )]
    BlockNeedsAnesthetic { id: String, kind: ProcedureKind },
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.escape_debug())
}

/// Where a record with this id is.
enum Found {
    Entry(usize),
    Procedure(usize),
}

fn find(diary: &Diary, id: &str) -> Result<Found, CorrectError> {
    if let Some(i) = diary.entries.iter().position(|e| e.id == id) {
        return Ok(Found::Entry(i));
    }
    if let Some(i) = diary.procedures.iter().position(|p| p.id == id) {
        return Ok(Found::Procedure(i));
    }
    Err(CorrectError::NoSuchRecord { id: id.to_string() })
}

/// What a procedure is called in messages.
fn procedure_word(p: &Procedure) -> &'static str {
    if p.is_block() { "block" } else { "RFA" }
}

fn text_value(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |t| json!(t))
}

fn num_value(v: Option<f64>) -> Value {
    v.and_then(|v| serde_json::to_value(Num(v)).ok())
        .unwrap_or(Value::Null)
}

/// Blank text clears a field.
fn cleared(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

/// Replace the given fields of the entry, block or RFA `id`, append the old values to its
/// history (stamped `amended_at` = `now`) and keep the records sorted. Returns what was
/// replaced.
pub fn amend(
    diary: &mut Diary,
    id: &str,
    change: Amendment,
    now: &Timestamp,
) -> Result<Vec<Replaced>, CorrectError> {
    if change.is_empty() {
        return Err(CorrectError::NothingToChange);
    }
    match find(diary, id)? {
        Found::Entry(index) => {
            let flags = change.procedure_only();
            if !flags.is_empty() {
                return Err(CorrectError::DoesNotFit {
                    what: "entry",
                    id: id.to_string(),
                    flags,
                });
            }
            Ok(amend_entry(diary, index, change, now))
        }
        Found::Procedure(index) => {
            let p = &diary.procedures[index];
            let flags = change.entry_only();
            if !flags.is_empty() {
                return Err(CorrectError::DoesNotFit {
                    what: procedure_word(p),
                    id: id.to_string(),
                    flags,
                });
            }
            if let Some(kind) = change.kind
                && kind.is_block()
                && change.anesthetic.or(p.anesthetic).is_none()
            {
                return Err(CorrectError::BlockNeedsAnesthetic {
                    id: id.to_string(),
                    kind,
                });
            }
            Ok(amend_procedure(diary, index, change, now))
        }
    }
}

fn history_item(now: &Timestamp, replaced: &[Replaced]) -> Map<String, Value> {
    let mut item = Map::new();
    item.insert("amended_at".into(), json!(now.text()));
    for r in replaced {
        item.insert(r.field.into(), r.old.clone());
    }
    item
}

fn amend_entry(
    diary: &mut Diary,
    index: usize,
    change: Amendment,
    now: &Timestamp,
) -> Vec<Replaced> {
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
            old: text_value(entry.activity.as_deref()),
            new: text_value(new.as_deref()),
        });
        entry.activity = new.map(ShortText::from);
    }
    if let Some(relief) = change.relief {
        replaced.push(Replaced {
            field: "relief",
            old: num_value(entry.details.relief),
            new: num_value(Some(relief)),
        });
        entry.details.relief = Some(relief);
    }
    if let Some(medication) = change.medication {
        let new = cleared(medication);
        replaced.push(Replaced {
            field: "medication",
            old: text_value(entry.details.medication.as_deref()),
            new: text_value(new.as_deref()),
        });
        entry.details.medication = new;
    }
    if let Some(note) = change.note {
        let new = cleared(note);
        replaced.push(Replaced {
            field: "note",
            old: text_value(entry.details.note.as_deref()),
            new: text_value(new.as_deref()),
        });
        entry.details.note = new;
    }
    // A flag that gives the value the record already has changes nothing and is not history.
    replaced.retain(|r| r.old != r.new);
    if !replaced.is_empty() {
        entry
            .details
            .history
            .get_or_insert_with(Vec::new)
            .push(history_item(now, &replaced));
    }
    if moved {
        diary.insert_entry(entry);
    } else {
        diary.entries.insert(index, entry);
    }
    replaced
}

fn amend_procedure(
    diary: &mut Diary,
    index: usize,
    change: Amendment,
    now: &Timestamp,
) -> Vec<Replaced> {
    let mut p = diary.procedures.remove(index);
    let mut replaced = Vec::new();
    let moved = change.at.is_some();
    if let Some(at) = change.at {
        replaced.push(Replaced {
            field: "at",
            old: json!(p.at.text()),
            new: json!(at.text()),
        });
        p.at = at;
    }
    if let Some(kind) = change.kind {
        replaced.push(Replaced {
            field: "kind",
            old: json!(p.kind.as_str()),
            new: json!(kind.as_str()),
        });
        p.kind = kind;
    }
    if let Some(agent) = change.anesthetic {
        replaced.push(Replaced {
            field: "anesthetic",
            old: p.anesthetic.map_or(Value::Null, |a| json!(a.as_str())),
            new: json!(agent.as_str()),
        });
        p.anesthetic = Some(agent);
    }
    if let Some(region) = change.region {
        let new = cleared(region);
        replaced.push(Replaced {
            field: "region",
            old: text_value(p.region.as_deref()),
            new: text_value(new.as_deref()),
        });
        p.region = new;
    }
    if let Some(levels) = change.levels {
        let new: Vec<String> = levels
            .into_iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        replaced.push(Replaced {
            field: "levels",
            old: json!(p.levels),
            new: json!(new),
        });
        p.levels = new;
    }
    if let Some(side) = change.side {
        replaced.push(Replaced {
            field: "side",
            old: p.side.map_or(Value::Null, |s| json!(s.as_str())),
            new: json!(side.as_str()),
        });
        p.side = Some(side);
    }
    if let Some(steroid) = change.steroid {
        replaced.push(Replaced {
            field: "steroid",
            old: json!(p.steroid),
            new: json!(steroid),
        });
        p.steroid = steroid;
    }
    if let Some(sedation) = change.sedation {
        replaced.push(Replaced {
            field: "sedation",
            old: json!(p.sedation.as_str()),
            new: json!(sedation.as_str()),
        });
        p.sedation = sedation;
    }
    if let Some(note) = change.note {
        let new = cleared(note);
        replaced.push(Replaced {
            field: "note",
            old: text_value(p.note.as_deref()),
            new: text_value(new.as_deref()),
        });
        p.note = new;
    }
    replaced.retain(|r| r.old != r.new);
    if !replaced.is_empty() {
        p.history
            .get_or_insert_with(Vec::new)
            .push(history_item(now, &replaced));
    }
    if moved {
        diary.insert_procedure(p);
    } else {
        diary.procedures.insert(index, p);
    }
    replaced
}

/// Withdraw the entry, block or RFA `id`: `retracted` = `{"at": now, "reason": reason}`. The
/// record stays. Returns what it was (`entry`, `block` or `RFA`).
pub fn retract(
    diary: &mut Diary,
    id: &str,
    reason: String,
    now: &Timestamp,
) -> Result<&'static str, CorrectError> {
    let (what, slot) = match find(diary, id)? {
        Found::Entry(i) => ("entry", &mut diary.entries[i].details.retracted),
        Found::Procedure(i) => {
            let p = &mut diary.procedures[i];
            (procedure_word(p), &mut p.retracted)
        }
    };
    if let Some(x) = slot {
        return Err(CorrectError::AlreadyRetracted {
            what,
            id: id.to_string(),
            at: x.at.text(),
            reason: x.reason.clone(),
        });
    }
    *slot = Some(Box::new(Retraction {
        at: now.clone(),
        reason: Some(reason),
        extra: Extra::default(),
    }));
    Ok(what)
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
        assert_eq!(e.details.note.as_deref(), Some("walked"));
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
        let history = serde_json::to_string(&d.entries[0].details.history).unwrap();
        assert_eq!(
            history,
            r#"[{"amended_at":"2026-11-21T08:00:00-07:00","score":7,"activity":"standing","note":null},{"amended_at":"2026-11-22T08:00:00-07:00","score":2.5}]"#
        );
        // The file still loads, with the history and unknown fields.
        let again = parse_diary(&to_bytes(&d).unwrap()).unwrap();
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
        assert_eq!(d.entries[0].details.extra.get("mood"), Some(&json!("ok")));
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
            "no entry, block or RFA has the id \"e9\" (`paindiary list` shows the entries, `paindiary evaluate` the blocks)"
        );
        let err = amend(&mut d, "b1", some(), &now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--score does not fit block \"b1\": a block or RFA takes --at, --kind, --anesthetic, --region, --levels, --side, --steroid, --sedation, --note"
        );
        let err = amend(&mut d, "e1", Amendment::default(), &now()).unwrap_err();
        assert_eq!(err, CorrectError::NothingToChange);
        assert_eq!(d, before);
    }

    #[test]
    fn retract_once() {
        let mut d = diary();
        retract(&mut d, "e2", "scored the injection site".into(), &now()).unwrap();
        let x = d.entries[1].details.retracted.as_ref().unwrap();
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
        assert!(matches!(err, CorrectError::NoSuchRecord { .. }));
    }
}
