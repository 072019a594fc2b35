//! Writing a diary back as JSON: known fields in the spec's order, unknown fields kept after
//! them, one record per line so the file stays readable and diffs stay small.

use super::model::{
    Diary, Entry, Extra, FORMAT_NAME, FORMAT_VERSION, Patient, Procedure, Retraction,
};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A number written as an integer when it is whole (a score of 7 stays `7`).
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 1e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

fn extra<M: SerializeMap>(map: &mut M, extra: &Extra) -> Result<(), M::Error> {
    for (k, v) in extra.iter() {
        map.serialize_entry(k, v)?;
    }
    Ok(())
}

impl Serialize for Patient {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        extra(&mut map, &self.extra)?;
        map.end()
    }
}

impl Serialize for Procedure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("kind", self.kind.as_str())?;
        map.serialize_entry("at", &self.at.text())?;
        map.serialize_entry("region", &self.region)?;
        map.serialize_entry("levels", &self.levels)?;
        map.serialize_entry("side", &self.side.map(|s| s.as_str()))?;
        map.serialize_entry("anesthetic", &self.anesthetic.map(|a| a.as_str()))?;
        map.serialize_entry("steroid", &self.steroid)?;
        map.serialize_entry("sedation", self.sedation.as_str())?;
        map.serialize_entry("note", &self.note)?;
        if let Some(r) = &self.retracted {
            map.serialize_entry("retracted", r)?;
        }
        if let Some(h) = &self.history {
            map.serialize_entry("history", h)?;
        }
        extra(&mut map, &self.extra)?;
        map.end()
    }
}

impl Serialize for Retraction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("at", &self.at.text())?;
        map.serialize_entry("reason", &self.reason)?;
        extra(&mut map, &self.extra)?;
        map.end()
    }
}

impl Entry {
    /// Write the entry's fields into an open map (shared with `list --format json`), leaving
    /// out unknown fields named in `reserved` (keys the caller adds itself).
    pub fn serialize_fields<M: SerializeMap>(
        &self,
        map: &mut M,
        reserved: &[&str],
    ) -> Result<(), M::Error> {
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("at", &self.at.text())?;
        map.serialize_entry("score", &Num(self.score))?;
        map.serialize_entry("activity", &self.activity)?;
        map.serialize_entry("relief", &self.details.relief.map(Num))?;
        map.serialize_entry("medication", &self.details.medication)?;
        map.serialize_entry("note", &self.details.note)?;
        if let Some(r) = &self.details.retracted {
            map.serialize_entry("retracted", r)?;
        }
        if let Some(h) = &self.details.history {
            map.serialize_entry("history", h)?;
        }
        for (k, v) in self.details.extra.iter() {
            if !reserved.contains(&k.as_str()) {
                map.serialize_entry(k, v)?;
            }
        }
        Ok(())
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        self.serialize_fields(&mut map, &[])?;
        map.end()
    }
}

/// Why a diary could not be turned into the bytes of its file. Serialising these types into
/// memory cannot fail (every map key is a string, every number finite); should it ever, the
/// error is returned rather than a `null` written into the diary.
#[derive(Debug, thiserror::Error)]
#[error("the diary could not be written as JSON: {0}")]
pub struct SaveError(#[from] serde_json::Error);

/// The diary as the bytes of its file.
pub fn to_bytes(diary: &Diary) -> Result<Vec<u8>, SaveError> {
    let mut out = Vec::with_capacity(128 + 160 * (diary.entries.len() + diary.procedures.len()));
    out.extend_from_slice(b"{\n");
    push_field(&mut out, "format", &FORMAT_NAME)?;
    out.extend_from_slice(b",\n");
    push_field(&mut out, "version", &FORMAT_VERSION)?;
    if let Some(uid) = &diary.uid {
        out.extend_from_slice(b",\n");
        push_field(&mut out, "uid", uid)?;
    }
    if let Some(patient) = &diary.patient {
        out.extend_from_slice(b",\n");
        push_field(&mut out, "patient", patient)?;
    }
    out.extend_from_slice(b",\n");
    push_list(&mut out, "procedures", &diary.procedures)?;
    out.extend_from_slice(b",\n");
    push_list(&mut out, "entries", &diary.entries)?;
    for (k, v) in diary.extra.iter() {
        out.extend_from_slice(b",\n");
        push_field(&mut out, k, v)?;
    }
    out.extend_from_slice(b"\n}\n");
    Ok(out)
}

pub(super) fn push_field<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    key: &str,
    value: &T,
) -> Result<(), SaveError> {
    out.extend_from_slice(b"  ");
    serde_json::to_writer(&mut *out, key)?;
    out.extend_from_slice(b": ");
    serde_json::to_writer(&mut *out, value)?;
    Ok(())
}

fn push_list<T: Serialize>(out: &mut Vec<u8>, key: &str, items: &[T]) -> Result<(), SaveError> {
    out.extend_from_slice(b"  ");
    serde_json::to_writer(&mut *out, key)?;
    if items.is_empty() {
        out.extend_from_slice(b": []");
        return Ok(());
    }
    out.extend_from_slice(b": [\n");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(b"    ");
        serde_json::to_writer(&mut *out, item)?;
    }
    out.extend_from_slice(b"\n  ]");
    Ok(())
}
