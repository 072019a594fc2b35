//! Unit tests of the CSV export and import, with a property test of the round trip.

use super::*;
use crate::diary::{parse_diary, to_bytes};
use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone};
use proptest::prelude::*;

const DIARY: &str = r#"{"format":"paindiary","version":1,
  "patient":{"id":"PT-1"},
  "procedures":[
    {"id":"b1","kind":"medial-branch-block","at":"2026-11-20T09:30:00-07:00","region":"lumbar",
     "levels":["L4-L5","L5-S1"],"side":"bilateral","anesthetic":"lidocaine","steroid":false,
     "sedation":"none","note":"He said \"fine\", then left"}],
  "entries":[
    {"id":"e1","at":"2026-11-20T09:00:00-07:00","score":7,"activity":"standing"},
    {"id":"e2","at":"2026-11-20T16:30:00Z","score":6.5,"relief":12.5,"note":"line 1\nline 2, ünïcødé ☃"},
    {"id":"e3","at":"2026-11-20T10:00:00-07:00","score":2,"medication":"ibuprofen",
     "retracted":{"at":"2026-11-21T08:00:00-07:00","reason":"wrong knee"},
     "history":[{"amended_at":"2026-11-21T07:00:00-07:00","score":3}],"mood":"x"}]}"#;

const EXPECTED: &str = "\
record,id,at,score_nrs_0_10,activity,relief_pct,medication,note,kind,region,levels,side,anesthetic,steroid,sedation,retracted_at,retracted_reason
entry,e1,2026-11-20T09:00:00-07:00,7,standing,,,,,,,,,,,,
procedure,b1,2026-11-20T09:30:00-07:00,,,,,\"He said \"\"fine\"\", then left\",medial-branch-block,lumbar,L4-L5;L5-S1,bilateral,lidocaine,false,none,,
entry,e2,2026-11-20T16:30:00Z,6.5,,12.5,,\"line 1\nline 2, ünïcødé ☃\",,,,,,,,,
entry,e3,2026-11-20T10:00:00-07:00,2,,,ibuprofen,,,,,,,,,2026-11-21T08:00:00-07:00,wrong knee
";

fn diary() -> Diary {
    parse_diary(DIARY.as_bytes()).unwrap()
}

fn reimport(csv: &str) -> Diary {
    let mut d = Diary::default();
    merge(&mut d, parse_csv(csv.as_bytes()).unwrap());
    d
}

fn err(csv: &str) -> CsvError {
    match parse_csv(csv.as_bytes()) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e,
    }
}

fn with_header(rows: &str) -> String {
    format!("{}\n{rows}", HEADER.join(","))
}

/// SPEC §5: export prefixes one `'` to a text cell matching `^'*[=+\-@\t\r]`; import removes
/// one leading `'` from a cell matching `^'+[=+\-@\t\r]`.
#[test]
fn formula_cells_are_neutralised_exactly() {
    for (cell, exported) in [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),
        ("'''-", "''''-"),
        ("'", "'"),
        ("''", "''"),
        ("'a", "'a"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
        ("\n=1", "\n=1"),
        ("ok", "ok"),
    ] {
        assert_eq!(neutralise(cell.to_string()), exported, "{cell:?}");
        assert_eq!(restore(exported), cell, "{exported:?}");
    }
    // A hand-made file: one `'` is removed only where a formula character follows the `'`s.
    assert_eq!(restore("'=x"), "=x");
    assert_eq!(restore("'''@x"), "''@x");
    assert_eq!(restore("'x"), "'x");
    assert_eq!(restore("'"), "'");
}

#[test]
fn formulas_in_every_text_cell_are_neutralised_on_export_and_restored_on_import() {
    let text = DIARY
        .replace(
            r#"He said \"fine\", then left"#,
            r#"=HYPERLINK(\"http://evil.example/x\",\"click me\")"#,
        )
        .replace(r#""standing""#, r#""+cmd|' /C calc'!A0""#)
        .replace(r#""lumbar""#, r#""@SUM(1)""#)
        .replace(r#""wrong knee""#, r#""-2+3""#)
        .replace(r#""ibuprofen""#, r#""\t=1+1""#)
        .replace(r#""L4-L5""#, r#""=L4""#);
    let d = parse_diary(text.as_bytes()).unwrap();
    let csv = to_csv(&d);
    assert!(
        csv.contains(r#","'=HYPERLINK(""http://evil.example/x"",""click me"")","#),
        "{csv}"
    );
    assert!(csv.contains(",'+cmd|' /C calc'!A0,"), "{csv}");
    assert!(csv.contains(",'@SUM(1),'=L4;L5-S1,"), "{csv}");
    assert!(csv.contains(",'-2+3\n"), "{csv}");
    assert!(csv.contains(",'\t=1+1,"), "{csv}");
    let back = reimport(&csv);
    assert_eq!(to_csv(&back), csv);
    assert_eq!(back.procedures[0].note, d.procedures[0].note);
    assert_eq!(back.procedures[0].levels, ["=L4", "L5-S1"]);
    assert_eq!(
        back.entries[0].activity.as_deref(),
        Some("+cmd|' /C calc'!A0")
    );
    assert_eq!(
        back.entries[2].details.medication.as_deref(),
        Some("\t=1+1")
    );
}

#[test]
fn export_is_exact() {
    assert_eq!(to_csv(&diary()), EXPECTED);
}

#[test]
fn export_import_export_is_byte_identical() {
    let csv = to_csv(&diary());
    let back = reimport(&csv);
    assert_eq!(to_csv(&back), csv);
    // What CSV carries is kept as is; history, unknown fields and the patient are not carried.
    let e3 = &back.entries[2];
    assert_eq!(e3.id, "e3");
    assert_eq!(
        e3.details.retracted.as_ref().unwrap().reason.as_deref(),
        Some("wrong knee")
    );
    assert_eq!(e3.details.history, None);
    assert!(e3.details.extra.is_empty());
    assert_eq!(back.entries[1].at.text(), "2026-11-20T16:30:00Z");
    assert_eq!(back.patient, None);
}

#[test]
fn import_reads_crlf_a_bom_and_any_row_order() {
    let csv = format!("\u{feff}{}", EXPECTED.replace('\n', "\r\n"));
    // The CRLF inside the quoted note is kept as written.
    let d = reimport(&csv);
    assert_eq!(
        d.entries[1].details.note.as_deref(),
        Some("line 1\r\nline 2, ünïcødé ☃")
    );
    let shuffled = with_header(
        "entry,e3,2026-11-20T11:00:00-07:00,3,,,,,,,,,,,,,\n\
         entry,e2,2026-11-20T10:00:00-07:00,2,,,,,,,,,,,,,\n\
         entry,e1,2026-11-20T18:00:00+02:00,7,,,,,,,,,,,,,\n",
    );
    let d = reimport(&shuffled);
    let ids: Vec<&str> = d.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e1", "e2", "e3"]);
}

#[test]
fn a_record_repeats_one_in_the_diary_only_with_the_same_time_and_values() {
    let header = EXPECTED.lines().next().unwrap();
    let csv = format!(
        "{header}
procedure,b9,2026-11-20T09:31:00-07:00,,,,,,medial-branch-block,lumbar,L4-L5;L5-S1,bilateral,lidocaine,false,none,,
entry,x1,2026-11-20T09:00:00-07:00,7,standing,,,,,,,,,,,,
entry,x2,2026-11-20T16:00:00Z,7,standing,,,,,,,,,,,,
entry,x3,2026-11-20T09:00:00-07:00,7.5,standing,,,,,,,,,,,,
entry,x4,2026-11-20T09:00:00-07:00,7,walking,,,,,,,,,,,,
entry,x5,2026-11-20T10:00:00-07:00,2,,,ibuprofen,,,,,,,,,,
entry,x6,2026-11-20T10:00:00-07:00,2,,,ibuprofen,extra words,,,,,,,,,
"
    );
    let mut d = diary();
    let imported = merge(&mut d, parse_csv(csv.as_bytes()).unwrap());
    assert_eq!((imported.procedures, imported.entries), (1, 6));
    // x1 (09:00 -07:00 = 16:00Z, so x2 too) and x5 (its retraction is not a value) repeat;
    // the block a minute later, another score, activity or note do not.
    assert_eq!(imported.repeated, 3, "{csv}");
}

#[test]
fn merge_into_a_diary_with_records_gives_fresh_ids() {
    let mut d = diary();
    let records = parse_csv(EXPECTED.as_bytes()).unwrap();
    let imported = merge(&mut d, records);
    assert_eq!(
        imported,
        Imported {
            procedures: 1,
            entries: 3,
            kept_ids: false,
            // The diary's own records, imported back: every one repeats one already there.
            repeated: 4,
        }
    );
    assert_eq!(
        imported.to_string(),
        "Imported 1 procedure and 3 entries (with new ids)"
    );
    let ids: Vec<&str> = d.entries.iter().map(|e| e.id.as_str()).collect();
    // e4, e5, e6 in row order (e1, e2, e3 rows), each after the same instant's old entry.
    assert_eq!(ids, ["e1", "e4", "e2", "e5", "e3", "e6"]);
    let pids: Vec<&str> = d.procedures.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(pids, ["b1", "b2"]);
    // The result is a valid diary.
    assert_eq!(parse_diary(&to_bytes(&d).unwrap()).unwrap(), d);
}

#[test]
fn merge_keeps_ids_and_fills_empty_ones() {
    let csv = with_header(
        "entry,e7,2026-11-20T09:00:00Z,1,,,,,,,,,,,,,\n\
         entry,,2026-11-20T10:00:00Z,2,,,,,,,,,,,,,\n\
         procedure,,2026-11-20T09:30:00Z,,,,,,,,,,other,,,,\n",
    );
    let mut d = Diary::new(Some("PT-9".into()));
    let imported = merge(&mut d, parse_csv(csv.as_bytes()).unwrap());
    assert!(imported.kept_ids);
    let ids: Vec<&str> = d.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e7", "e8"]);
    assert_eq!(d.procedures[0].id, "b1");
    assert_eq!(d.procedures[0].kind, ProcedureKind::MedialBranchBlock);
    assert_eq!(d.procedures[0].sedation, Sedation::None);
    assert!(!d.procedures[0].steroid);
    assert_eq!(d.patient_id(), Some("PT-9"));
}

/// Fresh ids must never repeat one already in the file, even past the largest `u64`: a
/// saturating counter would hand out `e18446744073709551615` twice and the diary would no
/// longer load (duplicate id).
#[test]
fn fresh_ids_never_repeat_an_id_at_the_end_of_u64() {
    let max = format!("e{}", u64::MAX);
    let mut d = parse_diary(
        format!(
            r#"{{"format":"paindiary","version":1,
            "procedures":[{{"id":"b{}","at":"2026-11-20T09:30:00Z","anesthetic":"other"}}],
            "entries":[{{"id":"{max}","at":"2026-11-20T09:00:00Z","score":1}}]}}"#,
            u64::MAX
        )
        .as_bytes(),
    )
    .unwrap();
    merge(&mut d, parse_csv(EXPECTED.as_bytes()).unwrap());
    let ids: Vec<&str> = d.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            max.as_str(),
            "e18446744073709551616",
            "e18446744073709551617",
            "e18446744073709551618"
        ]
    );
    assert_eq!(d.procedures[1].id, "b18446744073709551616");
    assert_eq!(parse_diary(&to_bytes(&d).unwrap()).unwrap(), d);

    // Kept ids with an empty one to fill: the same rule.
    let csv = with_header(&format!(
        "entry,{max},2026-11-20T09:00:00Z,1,,,,,,,,,,,,,\n\
         entry,,2026-11-20T10:00:00Z,2,,,,,,,,,,,,,\n\
         entry,e0099,2026-11-20T11:00:00Z,2,,,,,,,,,,,,,\n"
    ));
    let back = reimport(&csv);
    let ids: Vec<&str> = back.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [max.as_str(), "e18446744073709551616", "e0099"]);
    assert_eq!(parse_diary(&to_bytes(&back).unwrap()).unwrap(), back);
}

#[test]
fn header_only_imports_nothing() {
    assert_eq!(
        parse_csv(format!("{}\n", HEADER.join(",")).as_bytes()).unwrap(),
        []
    );
}

#[test]
fn errors_name_row_and_column() {
    let cases: &[(&str, &str)] = &[
        (
            "entry,e1,2026-11-20T09:00:00Z,11,,,,,,,,,,,,,",
            "row 2, column 4 (score_nrs_0_10): \"11\" is outside 0–10",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,seven,,,,,,,,,,,,,",
            "row 2, column 4 (score_nrs_0_10): \"seven\" is not a number",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,NaN,,,,,,,,,,,,,",
            "row 2, column 4 (score_nrs_0_10): \"NaN\" is not a number",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,,,,,,,,,,,,,,",
            "row 2, column 4 (score_nrs_0_10): an entry row needs a value here",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,5,,101,,,,,,,,,,,",
            "row 2, column 6 (relief_pct): \"101\" is outside 0–100",
        ),
        (
            "entry,e1,2026-11-20 09:00,5,,,,,,,,,,,,,",
            "row 2, column 3 (at): \"2026-11-20 09:00\" is not an RFC 3339 time with an offset (e.g. \"2026-11-20T09:30:00-07:00\")",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,5,,,,,,,,,,,,,\nentry,e1,2026-11-20T09:00:00Z,5,,,,,,,,,,,,,",
            "row 3, column 2 (id): duplicate entry id \"e1\" (also on row 2)",
        ),
        (
            "procedure,b1,2026-11-20T09:00:00Z,,,,,,,,,,saline,false,none,,",
            "row 2, column 13 (anesthetic): \"saline\" is not a known anesthetic (expected one of lidocaine, bupivacaine, ropivacaine, other)",
        ),
        (
            "procedure,b1,2026-11-20T09:00:00Z,,,,,,lumbar-rfa,,,,lidocaine,false,none,,",
            "row 2, column 9 (kind): \"lumbar-rfa\" is not a known kind (expected one of medial-branch-block, lateral-branch-block, genicular-nerve-block, intra-articular-facet, sacroiliac, other, radiofrequency-ablation)",
        ),
        (
            "procedure,b1,2026-11-20T09:00:00Z,,,,,,,,,,,false,none,,",
            "row 2, column 13 (anesthetic): a block row needs a value here",
        ),
        (
            "procedure,b1,2026-11-20T09:00:00Z,,,,,,,,,,lidocaine,yes,none,,",
            "row 2, column 14 (steroid): \"yes\" is not true or false",
        ),
        (
            "procedure,b1,2026-11-20T09:00:00Z,5,,,,,,,,,lidocaine,false,none,,",
            "row 2, column 4 (score_nrs_0_10): score_nrs_0_10 is a column a procedure row leaves empty, but it holds \"5\"",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,5,,,,,,,,left,,,,,",
            "row 2, column 12 (side): side is a column an entry row leaves empty, but it holds \"left\"",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,5,,,,,,,,,,,,,oops",
            "row 2, column 16 (retracted_at): a retraction reason needs the time of the retraction here",
        ),
        (
            "block,b1,2026-11-20T09:00:00Z,,,,,,,,,,lidocaine,false,none,,",
            "row 2, column 1 (record): \"block\" is not a known record (expected procedure or entry)",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,5",
            "row 2, column 5 (activity): the row has 4 columns, the header has 17",
        ),
        (
            "entry,e1,2026-11-20T09:00:00Z,5,,,,,,,,,,,,,,",
            "row 2, column 18: the row has 18 columns, the header has 17",
        ),
    ];
    for (rows, want) in cases {
        assert_eq!(err(&with_header(rows)).to_string(), *want, "{rows}");
    }
}

#[test]
fn header_and_encoding_errors() {
    let bad = EXPECTED.replacen("relief_pct", "relief", 1);
    assert!(
        err(&bad)
            .to_string()
            .starts_with("row 1, column 6 (relief_pct): the header has \"relief\" where \"relief_pct\" is expected"),
        "{}",
        err(&bad)
    );
    assert_eq!(
        err("").to_string(),
        format!(
            "row 1: the file is empty; a paindiary CSV starts with the header {}",
            HEADER.join(",")
        )
    );
    let mut bytes = with_header("entry,e1,2026-11-20T09:00:00Z,5,,,,").into_bytes();
    bytes.extend_from_slice(b"\xff,,,,,,,,,\n");
    let e = parse_csv(&bytes).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 2, column 8 (note): the cell is not valid UTF-8"
    );
    // A row with a line break inside a cell says where it starts.
    let e = err(&with_header(
        "entry,e1,2026-11-20T09:00:00Z,5,,,,\"a\nb\",,,,,,,,,\nentry,e2,x,5,,,,,,,,,,,,,",
    ));
    assert_eq!(
        e.to_string(),
        "row 3 (line 4), column 3 (at): \"x\" is not an RFC 3339 time with an offset (e.g. \"2026-11-20T09:30:00-07:00\")"
    );
}

// ---------------------------------------------------------------------------------------
// Property: random valid diaries survive export → import → export byte for byte.

fn any_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        "[a-z ,;\"\\n\\r\\t]{0,12}".prop_map(Some),
        any::<String>().prop_map(Some),
        Just(Some("Schmerz: ✓ „gut“, 痛み\u{1b}[31m".to_string())),
        formula_text().prop_map(Some),
    ]
}

/// Cells a spreadsheet would run, with and without leading quotes (SPEC §5 neutralisation).
fn formula_text() -> impl Strategy<Value = String> {
    r#"'{0,3}[=+\-@\t\r'][a-z=+@("')1-9 -]{0,8}"#
}

fn any_time() -> impl Strategy<Value = Timestamp> {
    (
        1_600_000_000i64..1_900_000_000,
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
        -720i32..=840,
        any::<bool>(),
        0usize..4,
    )
        .prop_map(|(secs, nanos, offset_min, use_z, digits)| {
            let offset = FixedOffset::east_opt(offset_min * 60).unwrap();
            let t: DateTime<FixedOffset> = offset.timestamp_opt(secs, nanos).unwrap();
            let format = [
                SecondsFormat::Secs,
                SecondsFormat::Millis,
                SecondsFormat::Nanos,
                SecondsFormat::AutoSi,
            ][digits];
            Timestamp::parse(&t.to_rfc3339_opts(format, use_z)).unwrap()
        })
}

fn any_number(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..=max as u32).prop_map(f64::from),
        0.0..=max,
        (0u32..=(max as u32 * 10)).prop_map(|n| f64::from(n) / 10.0),
    ]
}

fn any_procedure() -> impl Strategy<Value = Procedure> {
    (
        any_time(),
        0..ProcedureKind::ALL.len(),
        any_text(),
        prop::collection::vec(prop_oneof!["[A-Z0-9;-]{0,6}", formula_text()], 0..3),
        prop::option::of(0..Side::ALL.len()),
        0..Anesthetic::ALL.len(),
        any::<bool>(),
        0..Sedation::ALL.len(),
        any_text(),
    )
        .prop_map(
            |(at, kind, region, levels, side, anesthetic, steroid, sedation, note)| Procedure {
                id: String::new(),
                kind: ProcedureKind::ALL[kind],
                at,
                region,
                levels,
                side: side.map(|s| Side::ALL[s]),
                anesthetic: Some(Anesthetic::ALL[anesthetic]),
                retracted: None,
                history: None,
                steroid,
                sedation: Sedation::ALL[sedation],
                note,
                extra: Extra::default(),
            },
        )
}

fn any_entry() -> impl Strategy<Value = Entry> {
    (
        any_time(),
        any_number(10.0),
        any_text(),
        prop::option::of(any_number(100.0)),
        any_text(),
        any_text(),
        prop::option::of((any_time(), any_text())),
    )
        .prop_map(
            |(at, score, activity, relief, medication, note, retracted)| Entry {
                id: ShortText::default(),
                at,
                score,
                activity: activity.map(ShortText::from),
                details: Details::new(EntryDetails {
                    relief,
                    medication,
                    note,
                    retracted: retracted.map(|(at, reason)| {
                        Box::new(Retraction {
                            at,
                            reason,
                            extra: Extra::default(),
                        })
                    }),
                    history: None,
                    extra: Extra::default(),
                }),
            },
        )
}

fn any_diary() -> impl Strategy<Value = Diary> {
    (
        prop::collection::vec(any_procedure(), 0..4),
        prop::collection::vec(any_entry(), 0..12),
        prop::sample::select(vec!["", "=", "'=", "''+", "-", "@", "\t", "\r", "'"]),
    )
        .prop_map(|(procedures, entries, id_prefix)| {
            let mut d = Diary::default();
            for (i, mut p) in procedures.into_iter().enumerate() {
                p.id = format!("{id_prefix}b{}", i + 1);
                d.insert_procedure(p);
            }
            for (i, mut e) in entries.into_iter().enumerate() {
                e.id = format!("{id_prefix}e{}", i + 1).into();
                d.insert_entry(e);
            }
            d
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_diaries_round_trip_byte_identically(diary in any_diary()) {
        // As a real diary: through the file format first.
        let diary = parse_diary(&to_bytes(&diary).unwrap()).unwrap();
        let csv = to_csv(&diary);
        let back = reimport(&csv);
        prop_assert_eq!(&to_csv(&back), &csv);
        // The imported diary is valid for the loader and keeps every id.
        let reread = parse_diary(&to_bytes(&back).unwrap()).unwrap();
        prop_assert_eq!(&reread, &back);
        let ids = |d: &Diary| d.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        prop_assert_eq!(ids(&back), ids(&diary));
        // Every text comes back exactly, neutralised or not.
        let texts = |d: &Diary| {
            let mut all: Vec<Option<String>> = Vec::new();
            for e in &d.entries {
                all.extend([e.activity.as_deref().map(str::to_string), e.details.medication.clone(), e.details.note.clone()]);
                all.push(e.details.retracted.as_ref().and_then(|r| r.reason.clone()));
            }
            for p in &d.procedures {
                all.extend([Some(p.id.clone()), p.region.clone(), p.note.clone(), Some(p.levels.join(";"))]);
            }
            // An empty cell is an absent value (SPEC §5).
            all.into_iter().map(|t| t.filter(|t| !t.is_empty())).collect::<Vec<_>>()
        };
        prop_assert_eq!(texts(&back), texts(&diary));
        // No text cell of the export starts a formula.
        let mut reader = ::csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        for row in reader.records() {
            let row = row.unwrap();
            for c in TEXT_COLUMNS {
                let cell = row.get(c).unwrap_or("");
                prop_assert!(!cell.bytes().next().is_some_and(formula_start), "{:?}", cell);
            }
        }
    }

    #[test]
    fn any_bytes_give_records_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_csv(&bytes);
    }
}

#[test]
fn id_sequence_counts_in_decimal() {
    let mut seq = IdSequence::new('e', ["e9", "x99", "e", "e3b", "e007"].into_iter());
    assert_eq!(seq.next(), "e10");
    let mut seq = IdSequence::new('b', std::iter::empty());
    assert_eq!(seq.next(), "b1");
    assert_eq!(seq.next(), "b2");
    let mut seq = IdSequence::new('e', ["e0", "e000"].into_iter());
    assert_eq!(seq.next(), "e1");
    let mut seq = IdSequence::new('e', ["e199", "e1099", "e999"].into_iter());
    assert_eq!(seq.next(), "e1100");
    let mut seq = IdSequence::new('e', ["e999"].into_iter());
    assert_eq!(seq.next(), "e1000");
    assert_eq!(seq.next(), "e1001");
}
