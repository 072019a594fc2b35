//! Benchmark baselines for bench/run.sh, compared there with `paindiary evaluate`:
//! `bench_parse plain FILE` is plain serde_json: a `#[derive(Deserialize)]` parse of the same
//! shape (strings, numbers, options; times left as text, unknown fields skipped, no checks);
//! `bench_parse load FILE` is paindiary's full load as the program reads a diary file (streamed
//! above 1 MiB; validation, unknown fields kept, duplicate ids, sorting) without evaluation.
use paindiary::diary::{parse_diary_from, parse_diary_owned};
use serde::Deserialize;
use std::error::Error;

/// The diary file's shape, derived and unchecked: what "plain serde_json" means in SPEC §6.
#[derive(Deserialize)]
#[allow(dead_code)] // read only by the parser
struct PlainDiary {
    format: String,
    version: u64,
    uid: Option<String>,
    patient: Option<PlainPatient>,
    #[serde(default)]
    procedures: Vec<PlainProcedure>,
    #[serde(default)]
    entries: Vec<PlainEntry>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainPatient {
    id: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainProcedure {
    id: Option<String>,
    kind: Option<String>,
    at: String,
    region: Option<String>,
    #[serde(default)]
    levels: Vec<String>,
    side: Option<String>,
    anesthetic: Option<String>,
    #[serde(default)]
    steroid: bool,
    sedation: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainEntry {
    id: Option<String>,
    at: String,
    score: f64,
    activity: Option<String>,
    relief: Option<f64>,
    medication: Option<String>,
    note: Option<String>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (mode, path) = match (args.next(), args.next()) {
        (Some(mode), Some(path)) => (mode, path),
        _ => return Err("usage: bench_parse plain|load FILE".into()),
    };
    match mode.as_str() {
        "plain" => {
            let bytes = std::fs::read(&path)?;
            let diary: PlainDiary = serde_json::from_slice(&bytes)?;
            println!(
                "{} entries, {} procedures",
                diary.entries.len(),
                diary.procedures.len()
            );
            // As `paindiary evaluate` does for large diaries: leave freeing to the process exit.
            std::mem::forget(diary);
        }
        "load" => {
            // As `paindiary` reads a diary file: streamed above 1 MiB, whole below.
            let file = std::fs::File::open(&path)?;
            let diary = if file.metadata()?.len() > 1 << 20 {
                parse_diary_from(file).map_err(|e| format!("{e:?}"))?
            } else {
                parse_diary_owned(std::fs::read(&path)?)?
            };
            println!(
                "{} entries, {} procedures",
                diary.entries.len(),
                diary.procedures.len()
            );
            std::mem::forget(diary);
        }
        _ => return Err(format!("unknown mode {mode}").into()),
    }
    Ok(())
}
