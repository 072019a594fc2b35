//! Benchmark baseline: plain serde_json parsing of a diary file into paindiary's typed structs,
//! with no checks across values, no sorting and no evaluation (bench/run.sh compares it with
//! `paindiary evaluate`).
use paindiary::diary::Diary;
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench_parse FILE")?;
    let bytes = std::fs::read(&path)?;
    let diary: Diary = serde_json::from_slice(&bytes)?;
    println!("{} entries, {} procedures", diary.entries.len(), diary.procedures.len());
    Ok(())
}
