//! The diary as CSV (SPEC §5): RFC 4180 quoting, `\n` line ends, one row per procedure and per
//! entry in time order, with the header [`HEADER`].
//!
//! Cells: an empty cell is an absent value. Numbers are written as in the diary (`7`, `6.5`),
//! times exactly as stored (with their own offset), `levels` joined with `;`, `steroid` as
//! `true`/`false`. A procedure row leaves the entry-only columns empty and an entry row the
//! procedure-only ones; `note` is shared.
//!
//! Formula neutralisation (OWASP "CSV injection", SPEC §5): the *text cells* are `id`,
//! `activity`, `medication`, `note`, `region`, `levels` (the joined cell) and
//! `retracted_reason`, whatever a user or an imported file can write. On export a text cell
//! matching `^'*[=+\-@\t\r]` gets one `'` in front ([`neutralise`]); on import one leading `'`
//! is removed from a text cell matching `^'+[=+\-@\t\r]` ([`restore`]), so the round trip is
//! exact. The other cells (record, times, numbers, kinds and other enum values, `true`/`false`)
//! are written by the program in forms that never start with those characters (a score or
//! relief is never negative) and are left alone.
//!
//! Import ([`parse_csv`], then [`merge`]) checks every cell with the loader's rules (scores
//! 0–10, relief 0–100, RFC 3339 times with an offset, the enum spellings, ids unique per list)
//! and stops at the first bad cell with its row and column, so nothing is imported from a bad
//! file. What CSV cannot carry: unknown fields, `history`, the patient. The lossless form is
//! `export --format json`.

use super::{RecordRef, records_in_time_order};
use crate::diary::{
    Anesthetic, Details, Diary, Entry, EntryDetails, Extra, Num, Procedure, ProcedureKind,
    Retraction, Sedation, ShortText, Side, Timestamp, decimal_successor, id_number,
};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// The header row, exactly (SPEC §5).
pub const HEADER: [&str; 17] = [
    "record",
    "id",
    "at",
    "score_nrs_0_10",
    "activity",
    "relief_pct",
    "medication",
    "note",
    "kind",
    "region",
    "levels",
    "side",
    "anesthetic",
    "steroid",
    "sedation",
    "retracted_at",
    "retracted_reason",
];

// Column positions (0-based) in `HEADER`.
const RECORD: usize = 0;
const ID: usize = 1;
const AT: usize = 2;
const SCORE: usize = 3;
const ACTIVITY: usize = 4;
const RELIEF: usize = 5;
const MEDICATION: usize = 6;
const NOTE: usize = 7;
const KIND: usize = 8;
const REGION: usize = 9;
const LEVELS: usize = 10;
const SIDE: usize = 11;
const ANESTHETIC: usize = 12;
const STEROID: usize = 13;
const SEDATION: usize = 14;
const RETRACTED_AT: usize = 15;
const RETRACTED_REASON: usize = 16;

/// The text cells, neutralised against formulas (see the module documentation).
pub const TEXT_COLUMNS: [usize; 7] = [
    ID,
    ACTIVITY,
    MEDICATION,
    NOTE,
    REGION,
    LEVELS,
    RETRACTED_REASON,
];

/// A character a spreadsheet takes as the start of a formula (or that hides one).
fn formula_start(c: u8) -> bool {
    matches!(c, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// Export: one `'` in front of a cell matching `^'*[=+\-@\t\r]`.
pub fn neutralise(cell: String) -> String {
    let rest = cell.trim_start_matches('\'');
    if rest.bytes().next().is_some_and(formula_start) {
        let mut out = String::with_capacity(cell.len() + 1);
        out.push('\'');
        out.push_str(&cell);
        out
    } else {
        cell
    }
}

/// Import: one leading `'` removed from a cell matching `^'+[=+\-@\t\r]`.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .bytes()
                .next()
                .is_some_and(formula_start) =>
        {
            rest
        }
        _ => cell,
    }
}

/// Columns that only entries use, and only procedures use.
const ENTRY_ONLY: [usize; 4] = [SCORE, ACTIVITY, RELIEF, MEDICATION];
const PROCEDURE_ONLY: [usize; 7] = [KIND, REGION, LEVELS, SIDE, ANESTHETIC, STEROID, SEDATION];

/// The diary as CSV text.
pub fn to_csv(diary: &Diary) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(Vec::with_capacity(
            256 + 120 * (diary.entries.len() + diary.procedures.len()),
        ));
    // Writing into memory cannot fail, and every cell is UTF-8 text.
    let _ = writer.write_record(HEADER);
    for record in records_in_time_order(diary) {
        let mut row = match record {
            RecordRef::Procedure(_, p) => procedure_row(p),
            RecordRef::Entry(_, e) => entry_row(e),
        };
        for c in TEXT_COLUMNS {
            row[c] = neutralise(std::mem::take(&mut row[c]));
        }
        let _ = writer.write_record(&row);
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

fn num(v: f64) -> String {
    // Serialising a finite number cannot fail; scores and relief are checked on input.
    serde_json::to_string(&Num(v)).unwrap_or_default()
}

fn text(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn procedure_row(p: &Procedure) -> [String; 17] {
    let mut row: [String; 17] = Default::default();
    row[RECORD] = "procedure".into();
    row[ID] = p.id.clone();
    row[AT] = p.at.text();
    row[NOTE] = text(p.note.as_deref());
    row[KIND] = p.kind.as_str().into();
    row[REGION] = text(p.region.as_deref());
    row[LEVELS] = p.levels.join(";");
    row[SIDE] = p.side.map(|s| s.as_str().to_string()).unwrap_or_default();
    row[ANESTHETIC] = p
        .anesthetic
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    row[STEROID] = p.steroid.to_string();
    row[SEDATION] = p.sedation.as_str().into();
    retraction_cells(&mut row, p.retracted.as_deref());
    row
}

fn retraction_cells(row: &mut [String; 17], retracted: Option<&Retraction>) {
    if let Some(r) = retracted {
        row[RETRACTED_AT] = r.at.text();
        row[RETRACTED_REASON] = text(r.reason.as_deref());
    }
}

fn entry_row(e: &Entry) -> [String; 17] {
    let mut row: [String; 17] = Default::default();
    row[RECORD] = "entry".into();
    row[ID] = e.id.to_string();
    row[AT] = e.at.text();
    row[SCORE] = num(e.score);
    row[ACTIVITY] = text(e.activity.as_deref());
    row[RELIEF] = e.details.relief.map(num).unwrap_or_default();
    row[MEDICATION] = text(e.details.medication.as_deref());
    row[NOTE] = text(e.details.note.as_deref());
    retraction_cells(&mut row, e.details.retracted.as_deref());
    row
}

/// A procedure or an entry read from CSV; its id is empty when the cell was empty.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Procedure(Procedure),
    Entry(Entry),
}

/// Where a CSV file is wrong: the row (the header is row 1), the column when one is to blame,
/// and what is wrong. Displayed as `row 3, column 4 (score_nrs_0_10): 11 is outside 0–10`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct CsvError {
    /// 1-based; the header is row 1.
    pub row: u64,
    /// The line the row starts on, when it differs from `row` (cells with line breaks).
    pub line: Option<u64>,
    /// 0-based column index.
    pub column: Option<usize>,
    pub message: String,
}

impl CsvError {
    fn describe(&self) -> String {
        let mut out = format!("row {}", self.row);
        if let Some(line) = self.line.filter(|&l| l != self.row) {
            out.push_str(&format!(" (line {line})"));
        }
        if let Some(c) = self.column {
            match HEADER.get(c) {
                Some(name) => out.push_str(&format!(", column {} ({name})", c + 1)),
                None => out.push_str(&format!(", column {}", c + 1)),
            }
        }
        out.push_str(": ");
        out.push_str(&self.message);
        out
    }
}

/// Quote a cell for a message, shortened when long.
fn shown(cell: &str) -> String {
    const MAX: usize = 60;
    match cell.char_indices().nth(MAX) {
        Some((cut, _)) => format!("\"{}…\"", cell[..cut].escape_debug()),
        None => format!("\"{}\"", cell.escape_debug()),
    }
}

/// Read every row of a CSV export; the first bad cell stops it.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<Record>, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = ::csv::ByteRecord::new();
    let mut records = Vec::new();
    let mut ids = IdCheck::default();
    let mut row: u64 = 0;
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(CsvError {
                    row: row + 1,
                    line: e.position().map(|p| p.line()).or(Some(line)),
                    column: None,
                    message: format!("the CSV cannot be read: {}", csv_error_kind(&e)),
                });
            }
        }
        row += 1;
        let line = record.position().map_or(line, |p| p.line());
        let at = |column: Option<usize>, message: String| CsvError {
            row,
            line: Some(line),
            column,
            message,
        };
        let mut cells = cells(&record).map_err(|(c, m)| at(Some(c), m))?;
        if cells.len() != HEADER.len() {
            let column = cells.len().min(HEADER.len());
            return Err(at(
                Some(column),
                format!(
                    "the row has {} columns, the header has {}",
                    cells.len(),
                    HEADER.len()
                ),
            ));
        }
        if row == 1 {
            check_header(&cells).map_err(|(c, m)| at(Some(c), m))?;
            continue;
        }
        for c in TEXT_COLUMNS {
            cells[c] = restore(cells[c]);
        }
        let parsed = parse_row(&cells).map_err(|(c, m)| at(Some(c), m))?;
        ids.check(&parsed, row).map_err(|m| at(Some(ID), m))?;
        records.push(parsed);
    }
    if row == 0 {
        return Err(CsvError {
            row: 1,
            line: None,
            column: None,
            message: format!(
                "the file is empty; a paindiary CSV starts with the header {}",
                HEADER.join(",")
            ),
        });
    }
    Ok(records)
}

fn csv_error_kind(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}

/// The cells of a row as UTF-8 text.
fn cells(record: &::csv::ByteRecord) -> Result<Vec<&str>, (usize, String)> {
    record
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            std::str::from_utf8(cell).map_err(|_| (i, "the cell is not valid UTF-8".to_string()))
        })
        .collect()
}

fn check_header(cells: &[&str]) -> Result<(), (usize, String)> {
    for (i, (got, want)) in cells.iter().zip(HEADER).enumerate() {
        if *got != want {
            return Err((
                i,
                format!(
                    "the header has {} where {} is expected (the header is exactly {})",
                    shown(got),
                    shown(want),
                    HEADER.join(",")
                ),
            ));
        }
    }
    Ok(())
}

type CellResult<T> = Result<T, (usize, String)>;

fn opt_text(cells: &[&str], c: usize) -> Option<String> {
    Some(cells[c]).filter(|s| !s.is_empty()).map(str::to_string)
}

fn time(cells: &[&str], c: usize) -> CellResult<Option<Timestamp>> {
    let cell = cells[c];
    if cell.is_empty() {
        return Ok(None);
    }
    let ts = Timestamp::parse(cell).ok_or_else(|| {
        (
            c,
            format!(
                "{} is not an RFC 3339 time with an offset (e.g. \"2026-11-20T09:30:00-07:00\")",
                shown(cell)
            ),
        )
    })?;
    if ts.is_before_year_one() {
        return Err((
            c,
            format!(
                "{} is before the year 0001, which a diary cannot hold",
                shown(cell)
            ),
        ));
    }
    Ok(Some(ts))
}

fn required<T>(value: Option<T>, c: usize, record: &str) -> CellResult<T> {
    value.ok_or_else(|| (c, format!("{record} row needs a value here")))
}

/// A number within `0..=max`, as the loader checks it.
fn bounded(cells: &[&str], c: usize, max: f64) -> CellResult<Option<f64>> {
    let cell = cells[c];
    if cell.is_empty() {
        return Ok(None);
    }
    let v = cell
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| (c, format!("{} is not a number", shown(cell))))?;
    if (0.0..=max).contains(&v) {
        Ok(Some(v))
    } else {
        Err((c, format!("{} is outside 0–{}", shown(cell), max as u32)))
    }
}

fn choice<T: FromStr<Err = String>>(cells: &[&str], c: usize) -> CellResult<Option<T>> {
    let cell = cells[c];
    if cell.is_empty() {
        return Ok(None);
    }
    cell.parse().map(Some).map_err(|e| (c, e))
}

fn must_be_empty(cells: &[&str], columns: &[usize], record: &str) -> CellResult<()> {
    match columns.iter().find(|&&c| !cells[c].is_empty()) {
        Some(&c) => Err((
            c,
            format!(
                "{} is a column {record} row leaves empty, but it holds {}",
                HEADER[c],
                shown(cells[c])
            ),
        )),
        None => Ok(()),
    }
}

fn parse_row(cells: &[&str]) -> CellResult<Record> {
    match cells[RECORD] {
        "procedure" => parse_procedure(cells).map(Record::Procedure),
        "entry" => parse_entry(cells).map(Record::Entry),
        other => Err((
            RECORD,
            format!(
                "{} is not a known record (expected procedure or entry)",
                shown(other)
            ),
        )),
    }
}

fn parse_procedure(cells: &[&str]) -> CellResult<Procedure> {
    must_be_empty(cells, &ENTRY_ONLY, "a procedure")?;
    let steroid = match cells[STEROID] {
        "" | "false" => false,
        "true" => true,
        other => {
            return Err((STEROID, format!("{} is not true or false", shown(other))));
        }
    };
    let kind = choice(cells, KIND)?.unwrap_or(ProcedureKind::MedialBranchBlock);
    let anesthetic = choice::<Anesthetic>(cells, ANESTHETIC)?;
    Ok(Procedure {
        id: cells[ID].to_string(),
        kind,
        at: required(time(cells, AT)?, AT, "a procedure")?,
        region: opt_text(cells, REGION),
        levels: match cells[LEVELS] {
            "" => Vec::new(),
            levels => levels.split(';').map(str::to_string).collect(),
        },
        side: choice::<Side>(cells, SIDE)?,
        anesthetic: match kind.is_block() {
            true => Some(required(anesthetic, ANESTHETIC, "a block")?),
            false => anesthetic,
        },
        steroid,
        sedation: choice(cells, SEDATION)?.unwrap_or(Sedation::None),
        note: opt_text(cells, NOTE),
        retracted: retraction(cells)?,
        history: None,
        extra: Extra::default(),
    })
}

/// The `retracted_at` / `retracted_reason` cells of a row.
fn retraction(cells: &[&str]) -> CellResult<Option<Box<Retraction>>> {
    Ok(
        match (
            time(cells, RETRACTED_AT)?,
            opt_text(cells, RETRACTED_REASON),
        ) {
            (Some(at), reason) => Some(Box::new(Retraction {
                at,
                reason,
                extra: Extra::default(),
            })),
            (None, Some(_)) => {
                return Err((
                    RETRACTED_AT,
                    "a retraction reason needs the time of the retraction here".into(),
                ));
            }
            (None, None) => None,
        },
    )
}

fn parse_entry(cells: &[&str]) -> CellResult<Entry> {
    must_be_empty(cells, &PROCEDURE_ONLY, "an entry")?;
    let retracted = retraction(cells)?;
    Ok(Entry {
        id: cells[ID].into(),
        at: required(time(cells, AT)?, AT, "an entry")?,
        score: required(bounded(cells, SCORE, 10.0)?, SCORE, "an entry")?,
        activity: opt_text(cells, ACTIVITY).map(ShortText::from),
        details: Details::new(EntryDetails {
            relief: bounded(cells, RELIEF, 100.0)?,
            medication: opt_text(cells, MEDICATION),
            note: opt_text(cells, NOTE),
            retracted,
            history: None,
            extra: Extra::default(),
        }),
    })
}

/// Ids unique per list (procedures, entries), as the loader requires.
#[derive(Default)]
struct IdCheck {
    procedures: HashMap<String, u64>,
    entries: HashMap<String, u64>,
}

impl IdCheck {
    fn check(&mut self, record: &Record, row: u64) -> Result<(), String> {
        let (seen, id, what) = match record {
            Record::Procedure(p) => (&mut self.procedures, p.id.as_str(), "procedure"),
            Record::Entry(e) => (&mut self.entries, e.id.as_str(), "entry"),
        };
        if id.is_empty() {
            return Ok(());
        }
        if let Some(first) = seen.get(id) {
            return Err(format!(
                "duplicate {what} id {} (also on row {first})",
                shown(id)
            ));
        }
        seen.insert(id.to_string(), row);
        Ok(())
    }
}

/// What [`merge`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub procedures: usize,
    pub entries: usize,
    /// True when the ids from the CSV were kept (the diary had no records).
    pub kept_ids: bool,
    /// Imported records that repeat one already in the diary (same time and the same values):
    /// a file imported twice. They are imported all the same (SPEC §5); the caller warns, as a
    /// repeated reading would count twice in a relief run.
    pub repeated: usize,
}

/// Add `records` to `diary`, each at its place in time. Into a diary without procedures and
/// entries the CSV ids are kept (empty ones get the next free id); into one with records every
/// imported record gets a fresh id (`b…`, `e…` numbering continues), in row order.
pub fn merge(diary: &mut Diary, records: Vec<Record>) -> Imported {
    let kept_ids = diary.procedures.is_empty() && diary.entries.is_empty();
    let mut procedure_ids = IdSequence::new('b', diary.procedures.iter().map(|p| p.id.as_str()));
    let mut entry_ids = IdSequence::new('e', diary.entries.iter().map(|e| e.id.as_str()));
    if kept_ids {
        for record in &records {
            match record {
                Record::Procedure(p) => procedure_ids.saw(&p.id),
                Record::Entry(e) => entry_ids.saw(&e.id),
            }
        }
    }
    let repeated = records.iter().filter(|r| already_in(diary, r)).count();
    let mut imported = Imported {
        procedures: 0,
        entries: 0,
        kept_ids,
        repeated,
    };
    for record in records {
        match record {
            Record::Procedure(mut p) => {
                if !kept_ids || p.id.is_empty() {
                    p.id = procedure_ids.next();
                }
                diary.procedures.push(p);
                imported.procedures += 1;
            }
            Record::Entry(mut e) => {
                if !kept_ids || e.id.is_empty() {
                    e.id = entry_ids.next().into();
                }
                diary.entries.push(e);
                imported.entries += 1;
            }
        }
    }
    // Stable: at the same instant the old records stay first and the new ones keep row order
    // (as inserting one by one would give, without the quadratic cost on unsorted files).
    diary.sort();
    imported
}

/// True when the diary (sorted by time) already holds a record at the same instant with the same
/// values as `record`, whatever its id.
fn already_in(diary: &Diary, record: &Record) -> bool {
    match record {
        Record::Procedure(p) => {
            let at = p.at.instant();
            let from = diary.procedures.partition_point(|q| q.at.instant() < at);
            diary.procedures[from..]
                .iter()
                .take_while(|q| q.at.instant() == at)
                .any(|q| {
                    (q.kind, &q.region, &q.levels, q.side, q.anesthetic, &q.note)
                        == (p.kind, &p.region, &p.levels, p.side, p.anesthetic, &p.note)
                })
        }
        Record::Entry(e) => {
            let at = e.at.instant();
            let from = diary.entries.partition_point(|x| x.at.instant() < at);
            diary.entries[from..]
                .iter()
                .take_while(|x| x.at.instant() == at)
                .any(|x| {
                    x.score == e.score
                        && x.activity == e.activity
                        && x.details.relief == e.details.relief
                        && x.details.medication == e.details.medication
                        && x.details.note == e.details.note
                })
        }
    }
}

/// [`crate::diary::next_id`] for many records at once: `prefix` + (1 + the largest number used
/// so far), counted in decimal without a limit, so the next id is always new.
struct IdSequence {
    prefix: char,
    /// The largest number seen, in decimal without leading zeros; empty for none (0).
    last: String,
}

impl IdSequence {
    fn new<'a>(prefix: char, ids: impl Iterator<Item = &'a str>) -> Self {
        let mut seq = IdSequence {
            prefix,
            last: String::new(),
        };
        for id in ids {
            seq.saw(id);
        }
        seq
    }

    /// Count `id` as used (same rule as [`crate::diary::next_id`]: the prefix, then digits only).
    fn saw(&mut self, id: &str) {
        if let Some(n) = id_number(self.prefix, id)
            && (n.len(), n) > (self.last.len(), self.last.as_str())
        {
            self.last = n.to_string();
        }
    }

    fn next(&mut self) -> String {
        self.last = decimal_successor(&self.last);
        format!("{}{}", self.prefix, self.last)
    }
}

impl fmt::Display for Imported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "Imported {} and {}",
            plural(self.procedures, "procedure", "procedures"),
            plural(self.entries, "entry", "entries")
        )?;
        if self.procedures + self.entries > 0 {
            f.write_str(if self.kept_ids {
                " (ids kept)"
            } else {
                " (with new ids)"
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
