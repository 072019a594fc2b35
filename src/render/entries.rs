//! `list`: the entries with the time since the latest preceding block and relief %, as a
//! table, a JSON array or CSV.

use super::table::{Cell, Column, Table};
use super::{round1, sanitize::one_line};
use crate::diary::{Diary, Entry, Num, Timestamp};
use crate::evaluation::EntryRelief;
use crate::time_input::format_minutes;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

/// One JSON array: each entry's diary fields plus `block`, `minutes_after_block`, `relief_pct`.
pub fn entries_json(diary: &Diary, reliefs: &[EntryRelief]) -> String {
    let mut out = Vec::with_capacity(diary.entries.len() * 200 + 2);
    let mut ser = serde_json::Serializer::new(&mut out);
    let result = (|| {
        let mut seq = ser.serialize_seq(Some(diary.entries.len()))?;
        for (entry, relief) in diary.entries.iter().zip(reliefs) {
            SerializeSeq::serialize_element(
                &mut seq,
                &EntryRow {
                    diary,
                    entry,
                    relief,
                },
            )?;
        }
        SerializeSeq::end(seq)
    })();
    match result {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => "[]".into(),
    }
}

struct EntryRow<'a> {
    diary: &'a Diary,
    entry: &'a Entry,
    relief: &'a EntryRelief,
}

impl serde::Serialize for EntryRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        // The computed keys win over unknown diary fields of the same name.
        self.entry
            .serialize_fields(&mut map, &["block", "minutes_after_block", "relief_pct"])?;
        let block = self
            .relief
            .block
            .map(|i| self.diary.procedures[i].id.as_str());
        map.serialize_entry("block", &block)?;
        map.serialize_entry("minutes_after_block", &self.relief.minutes_after_block)?;
        map.serialize_entry("relief_pct", &self.relief.relief_pct.map(round1))?;
        map.end()
    }
}

/// The CSV header of `list --format csv`.
const LIST_CSV_HEADER: [&str; 12] = [
    "id",
    "at",
    "score",
    "activity",
    "relief",
    "medication",
    "note",
    "block",
    "minutes_after_block",
    "relief_pct",
    "retracted_at",
    "retracted_reason",
];

/// CSV with [`LIST_CSV_HEADER`], one row per entry (RFC 4180 quoting, `\n` line ends).
pub fn entries_csv(diary: &Diary, reliefs: &[EntryRelief]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let num = |v: f64| serde_json::to_string(&Num(v)).unwrap_or_default();
    let text = |v: Option<&str>| v.unwrap_or_default().to_string();
    let mut rows: Vec<Vec<String>> = vec![LIST_CSV_HEADER.iter().map(|s| s.to_string()).collect()];
    for (e, r) in diary.entries.iter().zip(reliefs) {
        rows.push(vec![
            e.id.to_string(),
            e.at.text(),
            num(e.score),
            text(e.activity.as_deref()),
            e.details.relief.map(num).unwrap_or_default(),
            text(e.details.medication.as_deref()),
            text(e.details.note.as_deref()),
            r.block
                .map(|i| diary.procedures[i].id.clone())
                .unwrap_or_default(),
            r.minutes_after_block
                .map(|m| m.to_string())
                .unwrap_or_default(),
            r.relief_pct.map(|v| num(round1(v))).unwrap_or_default(),
            e.details
                .retracted
                .as_ref()
                .map(|x| x.at.text())
                .unwrap_or_default(),
            e.details
                .retracted
                .as_ref()
                .and_then(|x| x.reason.clone())
                .unwrap_or_default(),
        ]);
    }
    for row in rows {
        if w.write_record(&row).is_err() {
            break;
        }
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// A table for people, fitted to `width` display columns (`None`: no limit; see
/// [`super::table`]); retracted entries are marked.
pub fn entries_table(diary: &Diary, reliefs: &[EntryRelief], width: Option<usize>) -> String {
    if diary.entries.is_empty() {
        return "No entries yet. Record one with `paindiary log SCORE`.\n".into();
    }
    let mut table = Table::new([
        Column::fixed("id"),
        Column::fixed("time"),
        Column::fixed("score"),
        Column::fixed("block"),
        Column::fixed("after"),
        Column::fixed("relief %"),
        Column::fixed("reported %"),
        Column::text("activity"),
        Column::text("medication"),
        Column::text("note"),
    ]);
    for (e, r) in diary.entries.iter().zip(reliefs) {
        let opt = |v: Option<&str>| v.map(one_line).unwrap_or_default();
        let mut id = one_line(&e.id);
        let mut note = opt(e.details.note.as_deref());
        if let Some(x) = &e.details.retracted {
            id.push_str(" ✗");
            let reason = x.reason.as_deref().map(one_line).unwrap_or_default();
            note = format!(
                "RETRACTED {}: {}{}",
                x.at.time().format("%Y-%m-%d %H:%M"),
                reason,
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" ({note})")
                }
            );
        }
        table.add_row([
            Cell::new(id),
            Cell::new(super::display_time(&e.at)).short(short_time(&e.at)),
            Cell::new(format!("{}", e.score)),
            Cell::new(
                r.block
                    .map(|i| one_line(&diary.procedures[i].id))
                    .unwrap_or_default(),
            ),
            Cell::new(
                r.minutes_after_block
                    .map(format_minutes)
                    .unwrap_or_default(),
            ),
            Cell::new(
                r.relief_pct
                    .map(|v| format!("{:.1}", round1(v)))
                    .unwrap_or_default(),
            ),
            Cell::new(e.details.relief.map(|v| format!("{v}")).unwrap_or_default()),
            Cell::new(opt(e.activity.as_deref())),
            Cell::new(opt(e.details.medication.as_deref())),
            Cell::new(note),
        ]);
    }
    table.render(width)
}

/// The short form of a time for narrow tables: `11-20 09:30` (month-day, local clock time).
fn short_time(t: &Timestamp) -> String {
    t.time().format("%m-%d %H:%M").to_string()
}
