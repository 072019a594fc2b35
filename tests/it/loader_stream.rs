//! The streamed loader (`parse_diary_from`, used for diary files) against the loader that reads
//! the whole text (`parse_diary`): the same diary whenever it gives one, never a diary where the
//! loader refuses one, read however the input is cut into pieces.
use crate::diary_gen::{any_text, byte_mutations, mutated, valid_diary};
use crate::loader_props::corpus;
use paindiary::diary::{Diary, StreamError, parse_diary, parse_diary_from, to_bytes};
use proptest::prelude::*;
use std::io::Read;

/// A reader that gives at most `step` bytes a call, as a pipe or a slow disk may.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn streamed(bytes: &[u8], step: usize) -> Result<Diary, StreamError> {
    parse_diary_from(Trickle { bytes, step })
}

/// Steps that cut values everywhere (1), often (7), rarely (4096) and never.
const STEPS: [usize; 4] = [1, 7, 4096, usize::MAX];

/// What went wrong when the two loaders disagree; `None` when they agree. With `strict`, a
/// diary the loader reads must also be read by streaming (no `Unsure`).
fn disagreement(bytes: &[u8], strict: bool) -> Option<String> {
    disagreement_at(bytes, strict, &STEPS)
}

fn disagreement_at(bytes: &[u8], strict: bool, steps: &[usize]) -> Option<String> {
    let whole = parse_diary(bytes);
    for &step in steps {
        match (&whole, streamed(bytes, step)) {
            (Ok(a), Ok(b)) if a != &b || to_bytes(a).ok() != to_bytes(&b).ok() => {
                return Some(format!("step {step}: a different diary"));
            }
            (Err(e), Ok(_)) => {
                return Some(format!(
                    "step {step}: streamed a diary the loader refuses: {e}"
                ));
            }
            (Ok(_), Err(StreamError::Unsure)) if strict => {
                return Some(format!("step {step}: a valid diary was not streamed"));
            }
            (_, Err(StreamError::Io(e))) => return Some(format!("step {step}: {e}")),
            _ => {}
        }
    }
    None
}

#[test]
fn the_loader_corpus_streams_to_the_same_results() {
    let cases = corpus();
    let mut valid = 0;
    let wrong: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, (name, text))| {
            valid += usize::from(parse_diary(text.as_bytes()).is_ok());
            // Every case cut often and not at all; every tenth at every step (a byte at a
            // time is slow in a debug build).
            let steps: &[usize] = if i % 10 == 0 {
                &STEPS
            } else {
                &[7, usize::MAX]
            };
            disagreement_at(text.as_bytes(), true, steps).map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
    // The corpus holds valid and invalid diaries, so both sides were compared.
    assert!(
        valid > 100 && valid + 100 < cases.len(),
        "{valid} of {}",
        cases.len()
    );
}

#[test]
fn every_example_diary_streams_to_the_same_diary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/diaries");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(disagreement(&bytes, true), None, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen}");
}

/// The whole-text parse refuses nesting deeper than 128 counted from the top of the document;
/// an entry parsed alone starts 2 levels lower. Streaming leaves deep entries to the whole-text
/// parse, so the limit stays exactly where it was.
#[test]
fn deeply_nested_unknown_fields_are_left_to_the_whole_text_parse() {
    let mut refused = 0;
    for depth in 90..135 {
        let nested = "[".repeat(depth) + &"]".repeat(depth);
        let text = format!(
            r#"{{"format":"paindiary","version":1,"entries":[
              {{"id":"e1","at":"2026-11-20T09:00:00Z","score":7,"deep":{nested}}}]}}"#
        );
        refused += usize::from(parse_diary(text.as_bytes()).is_err());
        assert_eq!(disagreement(text.as_bytes(), false), None, "depth {depth}");
        let history = format!(
            r#"{{"format":"paindiary","version":1,"entries":[
              {{"id":"e1","at":"2026-11-20T09:00:00Z","score":7,"history":[{{"x":{nested}}}]}}]}}"#
        );
        assert_eq!(
            disagreement(history.as_bytes(), false),
            None,
            "history depth {depth}"
        );
    }
    // The range crosses the limit.
    assert!(refused > 0 && refused < 45, "{refused}");
}

#[test]
fn a_value_longer_than_many_reads_is_read_whole() {
    // A 3 MiB note: longer than the reading chunk (256 KiB).
    let note = "x".repeat(3 << 20);
    let text = format!(
        r#"{{"format":"paindiary","version":1,"entries":[
          {{"id":"e1","at":"2026-11-20T09:00:00Z","score":7,"note":"{note}"}},
          {{"id":"e2","at":"2026-11-20T10:00:00Z","score":6}}]}}"#
    );
    let diary = parse_diary_from(text.as_bytes()).unwrap();
    assert_eq!(
        diary.entries[0].details.note.as_deref(),
        Some(note.as_str())
    );
    assert_eq!(diary.entries.len(), 2);
    let diary = streamed(text.as_bytes(), 1000).unwrap();
    assert_eq!(
        diary.entries[0].details.note.as_deref(),
        Some(note.as_str())
    );
}

/// A reader that gives `step` bytes a call and counts the calls whose buffer is larger than the
/// one before: each is a new (or compacted) read buffer.
struct Counting<'a> {
    bytes: &'a [u8],
    step: usize,
    last_room: usize,
    regrown: usize,
    calls: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.calls += 1;
        if buf.len() > self.last_room {
            self.regrown += 1;
        }
        self.last_room = buf.len();
        let n = buf.len().min(self.step).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Short reads of a long value must not copy the buffer on every read (quadratic): it grows
/// geometrically.
#[test]
fn a_long_value_read_a_little_at_a_time_regrows_the_buffer_rarely() {
    let note = "x".repeat(4 << 20);
    let text = format!(
        r#"{{"format":"paindiary","version":1,"x":"{note}","entries":[
          {{"id":"e1","at":"2026-11-20T09:00:00Z","score":7,"note":"{note}"}}]}}"#
    );
    let mut reader = Counting {
        bytes: text.as_bytes(),
        step: 4096,
        last_room: 0,
        regrown: 0,
        calls: 0,
    };
    let diary = parse_diary_from(&mut reader).unwrap();
    assert_eq!(
        diary.entries[0].details.note.as_deref(),
        Some(note.as_str())
    );
    assert!(reader.calls > 2_000, "{} reads", reader.calls);
    assert!(
        reader.regrown < 40,
        "{} of {} reads regrew",
        reader.regrown,
        reader.calls
    );
}

#[test]
fn what_the_streamed_reading_itself_refuses() {
    let refused = [
        // Trailing comma, missing comma, text after the diary, a second `entries`.
        r#"{"format":"paindiary","version":1,"entries":[{"at":"2026-11-20T09:00:00Z","score":7},]}"#,
        r#"{"format":"paindiary","version":1,"entries":[{"at":"2026-11-20T09:00:00Z","score":7} {"at":"2026-11-20T09:00:00Z","score":7}]}"#,
        r#"{"format":"paindiary","version":1,"entries":[]} x"#,
        r#"{"format":"paindiary","version":1,"entries":[],"entries":[]}"#,
        // Cut short.
        r#"{"format":"paindiary","version":1,"entries":[{"at":"2026-11-20T09:00:00Z","score":7}"#,
        r#"{"format":"paindiary","version":1,"entries":["#,
        r#"{"format":"paindiary","version":1"#,
        "",
    ];
    for text in refused {
        assert!(parse_diary(text.as_bytes()).is_err(), "{text}");
        for step in STEPS {
            assert!(
                matches!(streamed(text.as_bytes(), step), Err(StreamError::Unsure)),
                "{text}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn valid_diaries_stream_to_the_same_diary(generated in valid_diary(any_text())) {
        let bytes = generated.text.as_bytes();
        prop_assert_eq!(disagreement(bytes, true), None);
        // And as this program writes them.
        let saved = to_bytes(&parse_diary(bytes).unwrap()).unwrap();
        prop_assert_eq!(disagreement(&saved, true), None);
    }

    #[test]
    fn mutated_diaries_stream_only_to_what_the_loader_reads(
        generated in valid_diary(any_text()),
        mutations in byte_mutations(),
    ) {
        let bytes = mutated(generated.text.into_bytes(), &mutations);
        prop_assert_eq!(disagreement(&bytes, false), None);
    }
}

// ---------------------------------------------------------------------------------------
// Through the binary: diaries above 1 MiB are streamed; an error in one is named exactly as
// the whole-text loader names it, and nothing is written.

/// A diary of `n` entries a minute apart, one a line (about 100 bytes each), with a block in
/// the middle; entry `bad` (if any) has a score out of range.
fn big_diary(n: usize, bad: Option<usize>) -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+00:00").unwrap();
    let at = |minutes: usize| {
        (start + chrono::Duration::minutes(minutes as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    let block = n / 2;
    let entries: Vec<String> = (0..n)
        .map(|i| {
            let score = match i {
                _ if Some(i) == bad => "11",
                _ if i > block && i < block + 240 => "2",
                _ => "7",
            };
            format!(
                r#"    {{"id":"e{}","at":"{}","score":{score},"activity":"walking","note":null}}"#,
                i + 1,
                at(i)
            )
        })
        .collect();
    format!(
        "{{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"procedures\": [\n    \
         {{\"id\":\"b1\",\"kind\":\"medial-branch-block\",\"at\":\"{}\",\"region\":\"lumbar\",\
         \"levels\":[\"L4-L5\"],\"side\":\"left\",\"anesthetic\":\"lidocaine\"}}\n  ],\n  \
         \"entries\": [\n{}\n  ]\n}}\n",
        at(block).replace(":00+", ":30+"),
        entries.join(",\n")
    )
}

#[test]
fn an_error_in_a_streamed_diary_is_named_as_the_whole_text_loader_names_it() {
    let n = 15_000;
    for bad in [0, 7_777, n - 1] {
        let text = big_diary(n, Some(bad));
        assert!(text.len() > 1 << 20, "{} bytes: not streamed", text.len());
        let env = crate::common::Env::utc().with_diary(&text);
        let path = env.diary().display().to_string();
        let expected = format!("{path}: {}", parse_diary(text.as_bytes()).unwrap_err());
        assert!(
            expected.contains(&format!("entries[{bad}].score")),
            "{expected}"
        );
        for args in [
            vec!["evaluate"],
            vec!["list"],
            vec!["log", "5", "--at", "2026-01-01T01:00:00Z"],
        ] {
            let err = env.fails(&args, 1, &[&expected]);
            assert_eq!(err, format!("error: {expected}\n"), "{args:?}");
        }
    }
}

#[test]
fn a_streamed_diary_evaluates_as_the_same_diary_read_whole() {
    let text = big_diary(15_000, None);
    assert!(text.len() > 1 << 20, "{} bytes: not streamed", text.len());
    let env = crate::common::Env::utc().with_diary(&text);
    let path = env.diary().display().to_string();
    let from_file = env.ok(&["evaluate", "--format", "json", &path]);
    // Standard input is always read whole.
    let out = env
        .bare()
        .args(["evaluate", "--format", "json", "-"])
        .write_stdin(text.clone())
        .assert()
        .success();
    let from_stdin = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let mut a: serde_json::Value = serde_json::from_str(&from_file).unwrap();
    let mut b: serde_json::Value = serde_json::from_str(&from_stdin).unwrap();
    a["file"] = "x".into();
    b["file"] = "x".into();
    assert_eq!(a, b);
    assert_eq!(a["classification"], "positive", "{a}");
    // A `log` on it keeps every entry and adds one.
    let whole = parse_diary(text.as_bytes()).unwrap();
    env.ok(&["log", "5", "--at", "2026-01-20T01:00:00Z"]);
    let after = parse_diary(env.read().as_bytes()).unwrap();
    assert_eq!(after.entries.len(), whole.entries.len() + 1);
    assert_eq!(after.entries[..whole.entries.len()], whole.entries[..]);
}
