//! Benchmark baselines for bench/run.sh, compared there with `paindiary evaluate`:
//! `bench_parse plain FILE` is plain serde_json parsing into paindiary's typed structs (no
//! checks across values, no sorting); `bench_parse load FILE` is the full load (validation,
//! duplicate ids, sorting) without evaluation.
use paindiary::diary::{Diary, parse_diary_owned};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (mode, path) = match (args.next(), args.next()) {
        (Some(mode), Some(path)) => (mode, path),
        _ => return Err("usage: bench_parse plain|load FILE".into()),
    };
    let bytes = std::fs::read(&path)?;
    let diary: Diary = match mode.as_str() {
        "plain" => serde_json::from_slice(&bytes)?,
        "load" => parse_diary_owned(bytes)?,
        _ => return Err(format!("unknown mode {mode}").into()),
    };
    println!(
        "{} entries, {} procedures",
        diary.entries.len(),
        diary.procedures.len()
    );
    // As `paindiary evaluate` does for large diaries: leave freeing to the process exit.
    std::mem::forget(diary);
    Ok(())
}
