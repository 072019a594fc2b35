//! The diary's data model (SPEC §1): procedures (blocks), pain entries and the fields kept as read.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// The diary format version this program reads and writes.
pub const FORMAT_VERSION: u64 = 1;
/// The value of the top-level `format` field.
pub const FORMAT_NAME: &str = "paindiary";

/// Fields a program version did not know about, kept in the order they were read.
///
/// Boxed and optional so that the common case (no unknown fields) costs one pointer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra(Option<Box<Map<String, Value>>>);

impl Extra {
    /// Keep an unknown field; returns false when the key was already present.
    pub fn insert(&mut self, key: String, value: Value) -> bool {
        let map = self.0.get_or_insert_with(Default::default);
        if map.contains_key(&key) {
            return false;
        }
        map.insert(key, value);
        true
    }

    /// The unknown fields, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|m| m.iter())
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref().and_then(|m| m.get(key))
    }
}

/// An instant with the offset it was written with.
///
/// The original text is kept only when it differs from the canonical RFC 3339 form, so a
/// rewrite gives back exactly what was read (e.g. `Z`, or `.500` fractional seconds). The
/// seconds since the epoch are computed once, as every comparison is on the instant.
#[derive(Debug, Clone)]
pub struct Timestamp {
    time: DateTime<FixedOffset>,
    epoch_seconds: i64,
    raw: Option<Box<RawTime>>,
}

/// The text of a time written in a form other than the canonical one (rare: boxed twice so
/// that the common case costs one pointer).
#[derive(Debug, Clone)]
struct RawTime(Box<str>);

impl Timestamp {
    pub fn new(time: DateTime<FixedOffset>) -> Self {
        Timestamp {
            time,
            epoch_seconds: time.timestamp(),
            raw: None,
        }
    }

    /// Parse RFC 3339 with an offset, keeping the text when it is not canonical.
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(time) = parse_plain(text.as_bytes()) {
            return Some(Timestamp::new(time));
        }
        let time = DateTime::parse_from_rfc3339(text).ok()?;
        let mut ts = Timestamp::new(time);
        if !is_plainly_canonical(text) && ts.canonical() != text {
            ts.raw = Some(Box::new(RawTime(text.into())));
        }
        Some(ts)
    }

    /// True when the written (local) date is before the year 0001 (SPEC §1: refused).
    pub fn is_before_year_one(&self) -> bool {
        // 0001-01-01T00:00:00 local time, in seconds since the epoch as if it were UTC.
        const YEAR_ONE: i64 = -62_135_596_800;
        self.epoch_seconds + i64::from(self.time.offset().local_minus_utc()) < YEAR_ONE
    }

    pub fn time(&self) -> &DateTime<FixedOffset> {
        &self.time
    }

    /// Nanoseconds since the Unix epoch (the instant, independent of the offset).
    pub fn instant(&self) -> i128 {
        i128::from(self.epoch_seconds) * 1_000_000_000
            + i128::from(self.time.timestamp_subsec_nanos())
    }

    fn canonical(&self) -> String {
        self.time.to_rfc3339_opts(SecondsFormat::AutoSi, false)
    }

    /// The text written to the diary and in output: as read, with its own offset.
    pub fn text(&self) -> String {
        match &self.raw {
            Some(raw) => raw.0.to_string(),
            None => self.canonical(),
        }
    }
}

/// True for the common form `YYYY-MM-DDTHH:MM:SS±HH:MM` (already canonical), checked
/// without formatting; anything else is compared with the canonical text.
fn is_plainly_canonical(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 25
        && b[10] == b'T'
        && b[19] != b'Z'
        && (b[19] == b'+' || b[19] == b'-')
        && &b[17..19] != b"60"
        && &b[19..25] != b"-00:00"
}

/// The common canonical form `YYYY-MM-DDTHH:MM:SS±HH:MM` read without chrono's general
/// parser (a fast path for large diaries); `None` leaves everything else to that parser.
fn parse_plain(b: &[u8]) -> Option<DateTime<FixedOffset>> {
    use chrono::{NaiveDate, NaiveTime};
    const DIGITS: [usize; 18] = [
        0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24,
    ];
    let separators = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (22, b':'),
    ];
    if b.len() != 25
        || separators.iter().any(|&(i, c)| b[i] != c)
        || DIGITS.iter().any(|&i| !b[i].is_ascii_digit())
    {
        return None;
    }
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let two = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let year = two(0) * 100 + two(2);
    let (second, off_h, off_m) = (two(17), two(20), two(23));
    if second >= 60 || off_h > 23 || off_m > 59 || (sign < 0 && off_h == 0 && off_m == 0) {
        return None;
    }
    let local = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, two(5), two(8))?
        .and_time(NaiveTime::from_hms_opt(two(11), two(14), second)?);
    let offset = FixedOffset::east_opt(sign * i32::try_from(off_h * 3600 + off_m * 60).ok()?)?;
    let utc = local.checked_sub_offset(offset)?;
    Some(DateTime::from_naive_utc_and_offset(utc, offset))
}

impl PartialEq for Timestamp {
    /// Equal when both the instant and the written text are equal.
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.time.offset() == other.time.offset() && {
            self.text() == other.text()
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// A number from 0 to `MAX` inclusive, checked once where it enters the program (the
/// loader, CSV import, the command line): the pain score ([`Score`], NRS-11, decimals allowed)
/// or the patient-reported percent relief ([`Relief`]).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Bounded<const MAX: u32>(f64);

/// A pain score, 0 to 10 (SPEC §1).
pub type Score = Bounded<10>;
/// A patient-reported percent relief, 0 to 100 (SPEC §1).
pub type Relief = Bounded<100>;

/// Why a text or number is not a [`Bounded`] value; `text` is the value as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoundedError {
    #[error("`{text}` is not a number")]
    NotANumber { text: String },
    #[error("{text} is outside 0–{max}")]
    OutOfRange { text: String, max: u32 },
}

impl<const MAX: u32> Bounded<MAX> {
    /// `v` when it is finite and within 0..=MAX.
    pub fn new(v: f64) -> Result<Self, BoundedError> {
        Self::shown_as(v, &v)
    }

    /// [`Bounded::new`], naming the value in the error as `shown` (e.g. the text as typed).
    pub fn shown_as(v: f64, shown: &dyn fmt::Display) -> Result<Self, BoundedError> {
        if v.is_finite() && (0.0..=f64::from(MAX)).contains(&v) {
            Ok(Bounded(v))
        } else {
            Err(BoundedError::OutOfRange {
                text: shown.to_string(),
                max: MAX,
            })
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// Text as typed on the command line or in a CSV cell (surrounding white space ignored).
impl<const MAX: u32> FromStr for Bounded<MAX> {
    type Err = BoundedError;
    fn from_str(s: &str) -> Result<Self, BoundedError> {
        let v: f64 = s.trim().parse().map_err(|_| BoundedError::NotANumber {
            text: s.to_string(),
        })?;
        Self::shown_as(v, &s)
    }
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What this kind of value is called in messages.
            pub const WHAT: &'static str = $what;

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted spellings, comma separated, for messages.
            fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("\"{}\" is not a known {} (expected one of {})",
                        s.escape_debug(), $what, Self::choices())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

text_enum!(
    /// What kind of diagnostic block a procedure is.
    ProcedureKind, "kind", {
        MedialBranchBlock => "medial-branch-block",
        LateralBranchBlock => "lateral-branch-block",
        GenicularNerveBlock => "genicular-nerve-block",
        IntraArticularFacet => "intra-articular-facet",
        Sacroiliac => "sacroiliac",
        Other => "other",
        RadiofrequencyAblation => "radiofrequency-ablation",
    }
);

impl ProcedureKind {
    /// Every kind but `radiofrequency-ablation` is a diagnostic block (SPEC §3).
    pub fn is_block(self) -> bool {
        self != ProcedureKind::RadiofrequencyAblation
    }

    /// The diagnostic block kinds, in the order the spec lists them.
    pub fn blocks() -> impl Iterator<Item = ProcedureKind> {
        Self::ALL.iter().copied().filter(|k| k.is_block())
    }
}

text_enum!(
    /// The local anaesthetic used for the block.
    Anesthetic, "anesthetic", {
        Lidocaine => "lidocaine",
        Bupivacaine => "bupivacaine",
        Ropivacaine => "ropivacaine",
        Other => "other",
    }
);

text_enum!(
    /// Which side was blocked.
    Side, "side", {
        Left => "left",
        Right => "right",
        Bilateral => "bilateral",
    }
);

text_enum!(
    /// Sedation given with the block.
    Sedation, "sedation", {
        None => "none",
        Minimal => "minimal",
        Moderate => "moderate",
        Deep => "deep",
    }
);

impl Anesthetic {
    /// Bupivacaine and ropivacaine act longer than lidocaine (comparative blocks).
    pub fn is_long_acting(self) -> bool {
        matches!(self, Anesthetic::Bupivacaine | Anesthetic::Ropivacaine)
    }
}

/// The patient the diary belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patient {
    pub id: Option<String>,
    pub extra: Extra,
}

/// A diagnostic block or a radiofrequency ablation, with the time it was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Procedure {
    pub id: String,
    pub kind: ProcedureKind,
    pub at: Timestamp,
    pub region: Option<String>,
    pub levels: Vec<String>,
    pub side: Option<Side>,
    /// Required for a block (the loader checks it); optional for an RFA.
    pub anesthetic: Option<Anesthetic>,
    pub steroid: bool,
    pub sedation: Sedation,
    pub note: Option<String>,
    pub retracted: Option<Box<Retraction>>,
    /// Earlier values replaced by `amend`, oldest first (objects).
    pub history: Option<Vec<Map<String, Value>>>,
    pub extra: Extra,
}

impl Procedure {
    /// A procedure of `kind` at `at` with nothing else recorded (no region, levels, side or
    /// agent; no steroid; no sedation).
    pub fn new(id: impl Into<String>, kind: ProcedureKind, at: Timestamp) -> Procedure {
        Procedure {
            id: id.into(),
            kind,
            at,
            region: None,
            levels: Vec::new(),
            side: None,
            anesthetic: None,
            steroid: false,
            sedation: Sedation::None,
            note: None,
            retracted: None,
            history: None,
            extra: Extra::default(),
        }
    }

    pub fn is_retracted(&self) -> bool {
        self.retracted.is_some()
    }

    /// A diagnostic block (anything but an RFA).
    pub fn is_block(&self) -> bool {
        self.kind.is_block()
    }
}

/// Why an entry was withdrawn; the entry stays in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Retraction {
    pub at: Timestamp,
    pub reason: Option<String>,
    pub extra: Extra,
}

/// Short text kept inline (ids, activities): up to 24 bytes without a heap allocation, so a
/// million entries cost one vector and no million small strings.
pub type ShortText = compact_str::CompactString;

/// One timestamped pain score.
///
/// Laid out for large diaries (96 bytes): what every entry has (id, time, score, activity)
/// inline; what few entries have (relief, medication, note, retraction, history, unknown
/// fields) in [`Details`], one pointer when absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: ShortText,
    pub at: Timestamp,
    /// NRS-11, 0 to 10, decimals allowed.
    pub score: f64,
    pub activity: Option<ShortText>,
    /// Relief, medication, note and record keeping: read and written as `entry.details.note`.
    pub details: Details,
}

/// The less common fields of an entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryDetails {
    /// Patient-reported percent relief, 0 to 100.
    pub relief: Option<f64>,
    pub medication: Option<String>,
    pub note: Option<String>,
    pub retracted: Option<Box<Retraction>>,
    /// Earlier values replaced by `amend`, oldest first (objects).
    pub history: Option<Vec<Map<String, Value>>>,
    pub extra: Extra,
}

impl EntryDetails {
    const NONE: EntryDetails = EntryDetails {
        relief: None,
        medication: None,
        note: None,
        retracted: None,
        history: None,
        extra: Extra(None),
    };
}

/// An entry's [`EntryDetails`], allocated only when one of them is set. Reads see empty
/// details when there are none; a write through `&mut` allocates them.
#[derive(Debug, Clone, Default)]
pub struct Details(Option<Box<EntryDetails>>);

impl Details {
    /// Boxed only when something is set.
    pub fn new(details: EntryDetails) -> Self {
        if details == EntryDetails::NONE {
            Details(None)
        } else {
            Details(Some(Box::new(details)))
        }
    }
}

impl std::ops::Deref for Details {
    type Target = EntryDetails;
    fn deref(&self) -> &EntryDetails {
        self.0.as_deref().unwrap_or(&EntryDetails::NONE)
    }
}

impl std::ops::DerefMut for Details {
    fn deref_mut(&mut self) -> &mut EntryDetails {
        self.0.get_or_insert_with(Default::default)
    }
}

impl PartialEq for Details {
    /// Equal when the fields are: no details and empty ones are the same.
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

/// True when an optional text field is present and not blank (SPEC §3 "has an activity").
fn has_text(field: Option<&str>) -> bool {
    field.is_some_and(|s| !s.trim().is_empty())
}

impl Entry {
    /// A score at `at` with nothing else recorded.
    pub fn new(id: impl Into<ShortText>, at: Timestamp, score: f64) -> Entry {
        Entry {
            id: id.into(),
            at,
            score,
            activity: None,
            details: Details::default(),
        }
    }

    pub fn is_retracted(&self) -> bool {
        self.details.retracted.is_some()
    }
    pub fn has_activity(&self) -> bool {
        has_text(self.activity.as_deref())
    }
    pub fn has_medication(&self) -> bool {
        has_text(self.details.medication.as_deref())
    }
}

/// One diary: one diagnostic work-up of one index pain.
#[derive(Debug, Clone, PartialEq)]
pub struct Diary {
    /// A random UUID written when the program creates a diary; names it in FHIR (SPEC §1, §5).
    pub uid: Option<String>,
    pub patient: Option<Patient>,
    pub procedures: Vec<Procedure>,
    pub entries: Vec<Entry>,
    pub extra: Extra,
}

impl Default for Diary {
    fn default() -> Self {
        Diary::new(None)
    }
}

impl Diary {
    /// An empty diary, optionally for a patient id.
    pub fn new(patient_id: Option<String>) -> Self {
        Diary {
            uid: None,
            patient: patient_id.map(|id| Patient {
                id: Some(id),
                extra: Extra::default(),
            }),
            procedures: Vec::new(),
            entries: Vec::new(),
            extra: Extra::default(),
        }
    }

    pub fn patient_id(&self) -> Option<&str> {
        self.patient.as_ref().and_then(|p| p.id.as_deref())
    }

    /// Sort procedures and entries by instant, keeping file order for equal instants.
    pub fn sort(&mut self) {
        if !self.procedures.is_sorted_by_key(|p| p.at.instant()) {
            self.procedures.sort_by_key(|p| p.at.instant());
        }
        if !self.entries.is_sorted_by_key(|e| e.at.instant()) {
            self.entries.sort_by_key(|e| e.at.instant());
        }
    }

    /// Every id in the file, procedures then entries.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        let procedures = self.procedures.iter().map(|p| p.id.as_str());
        procedures.chain(self.entries.iter().map(|e| e.id.as_str()))
    }

    /// The next unused procedure id (`b1`, `b2`, …): unused in the whole file (SPEC §1).
    pub fn next_procedure_id(&self) -> String {
        next_id('b', self.ids())
    }

    /// The next unused entry id (`e1`, `e2`, …): unused in the whole file (SPEC §1).
    pub fn next_entry_id(&self) -> String {
        next_id('e', self.ids())
    }

    /// Insert a procedure at its place in time (after any at the same instant).
    pub fn insert_procedure(&mut self, procedure: Procedure) {
        let at = procedure.at.instant();
        let pos = self.procedures.partition_point(|p| p.at.instant() <= at);
        self.procedures.insert(pos, procedure);
    }

    /// Insert an entry at its place in time (after any at the same instant).
    pub fn insert_entry(&mut self, entry: Entry) {
        let at = entry.at.instant();
        let pos = self.entries.partition_point(|e| e.at.instant() <= at);
        self.entries.insert(pos, entry);
    }
}

/// `prefix` + (1 + the largest number already used after that prefix). Numbers are compared
/// and counted in decimal, without a limit, so the result is never an id already used (a
/// `u64` counter would saturate and hand out the largest one again).
pub fn next_id<'a>(prefix: char, ids: impl Iterator<Item = &'a str>) -> String {
    let mut largest = "";
    for id in ids {
        if let Some(n) = id_number(prefix, id)
            && (n.len(), n) > (largest.len(), largest)
        {
            largest = n;
        }
    }
    format!("{prefix}{}", decimal_successor(largest))
}

/// The number of an id written `prefix` + digits, as its digits without leading zeros (`""` for
/// zero); `None` for any other id.
pub fn id_number(prefix: char, id: &str) -> Option<&str> {
    id.strip_prefix(prefix)
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|n| n.trim_start_matches('0'))
}

/// `digits` + 1, in decimal (`digits` without leading zeros, `""` for zero).
pub fn decimal_successor(digits: &str) -> String {
    // Trailing 9s become 0s; the digit before them goes up by one (or a 1 is put in front).
    let nines = digits.bytes().rev().take_while(|&d| d == b'9').count();
    let keep = digits.len() - nines;
    let mut out = digits.as_bytes()[..keep].to_vec();
    match out.last_mut() {
        Some(d) => *d += 1,
        None => out.push(b'1'),
    }
    out.resize(keep.max(1) + nines, b'0');
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million entries must fit beside the file's bytes in 2× the file (issue 10): what
    /// every entry has stays inline, everything else behind one pointer.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_entry_takes_96_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 96);
        assert_eq!(std::mem::size_of::<Details>(), 8);
        assert_eq!(std::mem::size_of::<Option<ShortText>>(), 24);
    }

    #[test]
    fn ids_and_activities_of_up_to_24_bytes_need_no_allocation() {
        let id = ShortText::from("e1000000");
        assert!(!id.is_heap_allocated());
        let activity = ShortText::from("sitting 30 min at a desk");
        assert!(!activity.is_heap_allocated());
        assert!(ShortText::from("walking the dog round the park").is_heap_allocated());
    }

    #[test]
    fn details_are_allocated_only_when_something_is_set() {
        let loaded = crate::diary::parse_diary(
            br#"{"format":"paindiary","version":1,"entries":[
              {"id":"e1","at":"2025-03-01T08:00:00+01:00","score":6,"activity":"walking",
               "relief":null,"medication":null,"note":null},
              {"id":"e2","at":"2025-03-01T09:00:00+01:00","score":6,"note":"sore"}]}"#,
        )
        .unwrap();
        assert!(loaded.entries[0].details.0.is_none());
        assert_eq!(loaded.entries[0].details.note, None);
        assert!(loaded.entries[1].details.0.is_some());
        assert_eq!(loaded.entries[1].details.note.as_deref(), Some("sore"));
        assert!(Details::new(EntryDetails::default()).0.is_none());

        // A write allocates; clearing it again compares equal to never having had details.
        let mut entry = loaded.entries[0].clone();
        entry.details.medication = Some("ibuprofen".into());
        assert!(entry.details.0.is_some());
        assert_ne!(entry, loaded.entries[0]);
        entry.details.medication = None;
        assert!(entry.details.0.is_some());
        assert_eq!(entry, loaded.entries[0]);
    }

    #[test]
    fn next_id_skips_every_used_number() {
        assert_eq!(
            next_id('e', ["e1", "e7", "x9", "e", "e3b"].into_iter()),
            "e8"
        );
        assert_eq!(next_id('b', std::iter::empty()), "b1");
    }

    #[test]
    fn next_id_is_new_past_the_largest_u64() {
        let max = format!("e{}", u64::MAX);
        assert_eq!(
            next_id('e', [max.as_str()].into_iter()),
            "e18446744073709551616"
        );
        assert_eq!(next_id('e', ["e999", "e0100"].into_iter()), "e1000");
        assert_eq!(next_id('e', ["e0", "e00"].into_iter()), "e1");
    }

    #[test]
    fn timestamp_keeps_non_canonical_text() {
        let z = Timestamp::parse("2026-11-20T16:30:00Z").unwrap();
        assert_eq!(z.text(), "2026-11-20T16:30:00Z");
        let c = Timestamp::parse("2026-11-20T09:30:00-07:00").unwrap();
        assert_eq!(c.text(), "2026-11-20T09:30:00-07:00");
        assert_eq!(z.instant(), c.instant());
        assert!(Timestamp::parse("2026-11-20 09:30").is_none());
        for odd in [
            "2026-11-20t09:30:00-07:00",
            "2026-11-20T09:30:00-00:00",
            "2026-11-20 09:30:00+01:00",
            "2026-11-20T09:30:00.500+01:00",
        ] {
            assert_eq!(Timestamp::parse(odd).unwrap().text(), odd);
        }
    }

    #[test]
    fn has_text_trims_unicode_white_space() {
        assert!(!has_text(None));
        assert!(!has_text(Some(" \u{3000}\t")));
        assert!(has_text(Some(" walking ")));
    }

    #[test]
    fn bounded_values_check_their_range() {
        assert_eq!(Score::new(10.0).map(Score::get), Ok(10.0));
        assert_eq!(Score::new(0.0).map(Score::get), Ok(0.0));
        assert_eq!(
            Score::new(10.5).unwrap_err().to_string(),
            "10.5 is outside 0–10"
        );
        assert_eq!(
            Relief::new(-1.0).unwrap_err().to_string(),
            "-1 is outside 0–100"
        );
        assert!(Score::new(f64::NAN).is_err());
        assert!(Relief::new(f64::INFINITY).is_err());
        assert_eq!(" 7.5 ".parse::<Score>().map(Score::get), Ok(7.5));
        assert_eq!(
            "11".parse::<Score>().unwrap_err().to_string(),
            "11 is outside 0–10"
        );
        assert_eq!(
            "x".parse::<Relief>().unwrap_err().to_string(),
            "`x` is not a number"
        );
        assert_eq!(
            "inf".parse::<Score>().unwrap_err().to_string(),
            "inf is outside 0–10"
        );
    }

    #[test]
    fn the_fast_path_reads_times_as_chrono_does() {
        let fields: [&[&str]; 8] = [
            &["0000", "0001", "2026", "9999", "20x6"],
            &["00", "01", "02", "12", "13"],
            &["00", "01", "28", "29", "30", "31", "32"],
            &["00", "23", "24"],
            &["00", "59", "60"],
            &["00", "59", "60", "61"],
            &["+", "-", "*"],
            &["00:00", "01:30", "23:59", "24:00", "12:60", "99:00"],
        ];
        let mut checked = 0;
        let mut cases = vec![String::new()];
        for (i, options) in fields.iter().enumerate() {
            let sep = ["", "-", "-", "T", ":", ":", "", ""][i];
            cases = cases
                .iter()
                .flat_map(|c| options.iter().map(move |o| format!("{c}{sep}{o}")))
                .collect();
        }
        let more = [
            "2024-02-29T23:59:59+14:00",
            "0001-01-01T00:30:00+01:00",
            "0000-12-31T23:00:00-01:00",
            "0000-12-31T23:59:59.999Z",
            "0001-01-01T00:00:00Z",
        ];
        for text in cases.iter().map(String::as_str).chain(more) {
            let chrono = DateTime::parse_from_rfc3339(text).ok();
            let fast = parse_plain(text.as_bytes());
            if let Some(fast) = fast {
                assert_eq!(Some(fast), chrono, "{text}");
                assert_eq!(fast.offset(), chrono.unwrap().offset(), "{text}");
                checked += 1;
            }
            let ts = Timestamp::parse(text);
            assert_eq!(ts.as_ref().map(|t| *t.time()), chrono, "{text}");
            if let Some(ts) = ts {
                use chrono::Datelike;
                assert_eq!(ts.text(), text, "{text}");
                assert_eq!(ts.is_before_year_one(), ts.time().year() < 1, "{text}");
                let nanos = chrono.unwrap().timestamp_nanos_opt().map(i128::from);
                assert!(nanos.is_none_or(|n| n == ts.instant()), "{text}");
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn enums_parse_and_reject() {
        assert_eq!(
            "bupivacaine".parse::<Anesthetic>(),
            Ok(Anesthetic::Bupivacaine)
        );
        let err = "saline".parse::<Anesthetic>().unwrap_err();
        assert!(err.contains("not a known anesthetic"), "{err}");
    }
}
