//! Data exchange (SPEC §5): the diary as CSV (export and import) and as a FHIR R4 `Bundle`.
//!
//! Everything here is pure: bytes or a [`Diary`] in, bytes or a [`Diary`] change out. The
//! commands do the reading, locking and writing. `export --format json` needs nothing from
//! this module: it is the diary itself ([`crate::diary::to_bytes`]).
//!
//! Both export formats list the records in one sequence, in time order (instants, not
//! positions), a procedure before an entry at the same instant, each list keeping its own
//! order for equal instants: [`records_in_time_order`].

pub mod csv;
pub mod fhir;

use crate::diary::{Diary, Entry, Procedure};

/// One record of a diary, borrowed, for the exports.
#[derive(Debug, Clone, Copy)]
pub enum RecordRef<'a> {
    /// `diary.procedures[index]`.
    Procedure(usize, &'a Procedure),
    /// `diary.entries[index]`.
    Entry(usize, &'a Entry),
}

impl RecordRef<'_> {
    fn instant(&self) -> i128 {
        match self {
            RecordRef::Procedure(_, p) => p.at.instant(),
            RecordRef::Entry(_, e) => e.at.instant(),
        }
    }

    /// Procedures sort before entries at the same instant.
    fn rank(&self) -> u8 {
        match self {
            RecordRef::Procedure(..) => 0,
            RecordRef::Entry(..) => 1,
        }
    }
}

/// Every procedure and entry of `diary` in time order; at the same instant procedures come
/// first, and records of one kind keep their order in the diary.
pub fn records_in_time_order(diary: &Diary) -> Vec<RecordRef<'_>> {
    let mut records: Vec<RecordRef<'_>> = diary
        .procedures
        .iter()
        .enumerate()
        .map(|(i, p)| RecordRef::Procedure(i, p))
        .chain(
            diary
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| RecordRef::Entry(i, e)),
        )
        .collect();
    // Stable: equal keys keep the order above (each list in its diary order).
    records.sort_by_key(|r| (r.instant(), r.rank()));
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::parse_diary;

    #[test]
    fn procedures_come_first_at_the_same_instant() {
        let diary = parse_diary(
            br#"{"format":"paindiary","version":1,
            "procedures":[{"id":"b1","at":"2026-11-20T10:00:00-07:00","anesthetic":"lidocaine"}],
            "entries":[
              {"id":"e2","at":"2026-11-20T17:00:00Z","score":3},
              {"id":"e1","at":"2026-11-20T09:00:00-07:00","score":7},
              {"id":"e3","at":"2026-11-20T10:00:00-07:00","score":2}]}"#,
        )
        .unwrap();
        let order: Vec<String> = records_in_time_order(&diary)
            .iter()
            .map(|r| match r {
                RecordRef::Procedure(_, p) => p.id.clone(),
                RecordRef::Entry(_, e) => e.id.to_string(),
            })
            .collect();
        assert_eq!(order, ["e1", "b1", "e2", "e3"]);
    }
}
