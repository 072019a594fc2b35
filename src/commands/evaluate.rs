//! `evaluate`: one diary or a clinic's worth, in parallel, printed in the order given.

use super::context::{Context, START_HINT, parse_bytes, print, read_diary_file, usage};
use crate::cli::{EvaluateArgs, ProtocolArgs, TableOrJson};
use anyhow::{Result, anyhow};
use chrono::{DateTime, FixedOffset, Local, Timelike};
use paindiary::diary::Diary;
use paindiary::evaluation::{Protocol, evaluate_at};
use paindiary::render::sanitize::terminal_text;
use paindiary::render::{evaluation_json::evaluation_line, evaluation_table::evaluation_table};
use paindiary::storage::MAX_DIARY_BYTES;
use paindiary::time_input::parse_time;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The protocol with its command-line overrides (clap has checked their values: exit 2).
pub(super) fn protocol_from(args: &ProtocolArgs) -> Result<Protocol> {
    let mut protocol = Protocol::named(args.protocol.as_str()).map_err(|e| usage(e.to_string()))?;
    if let Some(t) = args.threshold {
        protocol = protocol
            .with_threshold(t)
            .map_err(|e| usage(e.to_string()))?;
    }
    if let Some(minutes) = args.window {
        protocol = protocol
            .with_window(minutes)
            .map_err(|e| usage(e.to_string()))?;
    }
    Ok(protocol)
}

/// `--as-of` (any `--at` form, a future time allowed; default now), in the local zone's offset,
/// to the whole second.
fn as_of_from(ctx: &Context, text: Option<&str>) -> Result<DateTime<FixedOffset>> {
    let t = match text {
        Some(text) => parse_time(text, &ctx.now).map_err(|e| usage(format!("--as-of: {e}")))?,
        None => ctx.now.fixed_offset(),
    };
    let local = t.with_timezone(&Local);
    Ok(local.with_nanosecond(0).unwrap_or(local).fixed_offset())
}

/// Read the bytes of `file` (`-` is standard input, read once).
fn read_input(file: &Path) -> Result<Diary> {
    if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_DIARY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow!("-: could not read standard input: {e}"))?;
        if bytes.len() as u64 > MAX_DIARY_BYTES {
            return Err(anyhow!("-: standard input is larger than the 1 GiB limit"));
        }
        return parse_bytes("-", bytes);
    }
    match read_diary_file(file) {
        Ok(parsed) => parsed,
        Err(e) if e.is_not_found() => Err(anyhow!("{e} ({START_HINT})")),
        Err(e) => Err(e.into()),
    }
}

/// Load, evaluate and render one diary.
fn one(
    file: &Path,
    protocol: &Protocol,
    as_of: DateTime<FixedOffset>,
    format: TableOrJson,
    color: bool,
) -> Result<String> {
    let name = file.display().to_string();
    let diary = read_input(file)?;
    let evaluation =
        evaluate_at(&diary, protocol, Some(as_of), true).map_err(|e| anyhow!("{name}: {e}"))?;
    let text = match format {
        TableOrJson::Json => evaluation_line(&evaluation, &name) + "\n",
        TableOrJson::Table => evaluation_table(&evaluation, &name, color),
    };
    if diary.entries.len() > 100_000 {
        // Freeing a million small allocations one by one costs more than the evaluation;
        // the process is about to exit and the memory goes back to the system with it.
        std::mem::forget(diary);
    }
    Ok(text)
}

pub(super) fn evaluate(ctx: &Context, args: EvaluateArgs) -> Result<()> {
    let protocol = protocol_from(&args.protocol)?;
    let as_of = as_of_from(ctx, args.as_of.as_deref())?;
    let files: Vec<PathBuf> = if args.files.is_empty() {
        vec![ctx.diary.clone()]
    } else {
        args.files
    };
    if files
        .iter()
        .filter(|f| f.as_path() == Path::new("-"))
        .count()
        > 1
    {
        return Err(usage("standard input (`-`) can be given only once"));
    }
    let color = ctx.color && args.format == TableOrJson::Table;
    if files.len() == 1 {
        let text = one(&files[0], &protocol, as_of, args.format, color)?;
        return print(&text);
    }
    let results = in_parallel(&files, |f| one(f, &protocol, as_of, args.format, color));
    let mut failed = 0;
    let mut first = true;
    for result in results {
        match result {
            Ok(text) => {
                if args.format == TableOrJson::Table && !first {
                    print("\n")?;
                }
                first = false;
                print(&text)?;
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}", terminal_text(&format!("{e:#}")));
            }
        }
    }
    if failed > 0 {
        return Err(anyhow!(
            "{failed} of {} diaries could not be evaluated",
            files.len()
        ));
    }
    Ok(())
}

/// `work` on every item using every core; results in input order.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}
