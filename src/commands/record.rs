//! Recording: `init`, `block` and `log`, and the locked read-modify-write they share.

use super::context::{Context, load, parse_bytes, println, usage};
use crate::cli::{BlockArgs, LogArgs};
use anyhow::Result;
use chrono::{DateTime, Duration, FixedOffset};
use paindiary::diary::{Diary, Entry, Extra, Procedure, Timestamp, to_bytes};
use paindiary::evaluation::{Protocol, entry_reliefs, evaluate};
use paindiary::render::{round1, sanitize::one_line};
use paindiary::storage::{self, DiaryLock};
use paindiary::time_input::{format_minutes, parse_past_time};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `init`: an empty diary; an existing file is refused and left unchanged.
pub fn init(ctx: &Context, patient: Option<String>) -> Result<()> {
    let diary = Diary::new(patient);
    storage::create_new(&ctx.diary, &to_bytes(&diary))?;
    println(&format!("Created {}", ctx.name()))
}

/// Lock the diary, read it (or start one when `create` and it is missing), apply `change`,
/// and write it back atomically. Nothing is written when `change` fails.
pub fn modify<T>(
    ctx: &Context,
    create: bool,
    change: impl FnOnce(&mut Diary) -> Result<T>,
) -> Result<T> {
    if create {
        storage::ensure_parent_dir(&ctx.diary)?;
    } else if !ctx.diary.exists() {
        // Say that the diary is missing without leaving a lock file behind.
        load(&ctx.diary)?;
    }
    let _lock = DiaryLock::acquire_with_timeout(&ctx.diary, ctx.lock_timeout)?;
    let (mut diary, created) = match storage::read_diary(&ctx.diary) {
        Ok(bytes) => (parse_bytes(&ctx.name(), bytes)?, false),
        Err(e) if create && e.is_not_found() => (Diary::new(None), true),
        Err(e) => return Err(e.into()),
    };
    let result = change(&mut diary)?;
    storage::write_atomic(&ctx.diary, &to_bytes(&diary))?;
    if created {
        announce_new_diary(&ctx.diary);
    }
    Ok(result)
}

/// On stderr: the full path of a diary just created, and a warning when its folder already
/// holds another paindiary diary (a typo in `--file` silently starting a second diary).
fn announce_new_diary(path: &Path) {
    let full = fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    eprintln!(
        "paindiary: created a new diary at {}",
        one_line(&full.display().to_string())
    );
    let others = other_diaries_beside(&full);
    if let Some(first) = others.first() {
        let names: Vec<String> = others
            .iter()
            .take(3)
            .filter_map(|p| p.file_name())
            .map(|n| one_line(&n.to_string_lossy()))
            .collect();
        let more = others.len().saturating_sub(3);
        eprintln!(
            "paindiary: warning: this folder already holds {} ({}{}): did you mean --file {}?",
            if others.len() == 1 {
                "another diary".to_string()
            } else {
                format!("{} other diaries", others.len())
            },
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            one_line(&first.display().to_string())
        );
    }
}

/// How far into a file its `"format": "paindiary"` is looked for.
const DIARY_SNIFF_BYTES: u64 = 4096;
/// At most this many folder entries are looked at (a huge folder does not slow `log` down).
const DIARY_SNIFF_ENTRIES: usize = 10_000;

/// The other `*.json` files in `diary`'s folder whose start says `"format": "paindiary"`,
/// sorted by name. Only regular files are opened (never a FIFO or a device), and only their
/// first few kilobytes are read.
fn other_diaries_beside(diary: &Path) -> Vec<PathBuf> {
    let Some(dir) = diary.parent() else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .take(DIARY_SNIFF_ENTRIES)
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.as_path() != diary)
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        })
        .filter(|p| fs::metadata(p).is_ok_and(|m| m.is_file()))
        .filter(|p| starts_like_a_diary(p))
        .collect();
    found.sort();
    found
}

fn starts_like_a_diary(path: &Path) -> bool {
    let mut head = Vec::new();
    let read = fs::File::open(path).and_then(|f| f.take(DIARY_SNIFF_BYTES).read_to_end(&mut head));
    read.is_ok() && says_paindiary_format(&head)
}

/// `"format"`, optional white space, `:`, optional white space, `"paindiary"`.
fn says_paindiary_format(head: &[u8]) -> bool {
    const KEY: &[u8] = b"\"format\"";
    const VALUE: &[u8] = b"\"paindiary\"";
    (0..head.len()).any(|i| {
        let Some(rest) = head[i..].strip_prefix(KEY) else {
            return false;
        };
        let rest = rest.trim_ascii_start();
        rest.strip_prefix(b":")
            .is_some_and(|r| r.trim_ascii_start().starts_with(VALUE))
    })
}

/// Parse `amend`'s `--at` value against the context's clock (exit 2 when wrong).
pub fn parse_at(ctx: &Context, text: Option<&str>) -> Result<DateTime<FixedOffset>> {
    match text {
        Some(text) => parse_past_time(text, &ctx.now).map_err(|e| usage(format!("--at: {e}"))),
        None => Ok(ctx.now.fixed_offset()),
    }
}

/// `block`: record a procedure and print its id.
pub fn block(ctx: &Context, args: BlockArgs) -> Result<()> {
    let at = args.at.unwrap_or_else(|| ctx.now.fixed_offset());
    let id = modify(ctx, true, |diary| {
        let id = diary.next_procedure_id();
        diary.insert_procedure(Procedure {
            id: id.clone(),
            kind: args.kind,
            at: Timestamp::new(at),
            region: args.region,
            levels: args.levels.into_iter().filter(|l| !l.is_empty()).collect(),
            side: args.side,
            anesthetic: args.anesthetic,
            steroid: args.steroid,
            sedation: args.sedation,
            note: args.note,
            extra: Extra::default(),
        });
        Ok(id)
    })?;
    println(&id)
}

/// `log`: record a score; after a block, also print the relief from its baseline.
pub fn log(ctx: &Context, args: LogArgs) -> Result<()> {
    let text = modify(ctx, true, |diary| {
        let at = match (args.at, args.after) {
            (Some(at), _) => at,
            (None, Some(minutes)) => after_latest_block(ctx, diary, minutes)?,
            (None, None) => ctx.now.fixed_offset(),
        };
        let id = diary.next_entry_id();
        diary.insert_entry(Entry {
            id: id.clone(),
            at: Timestamp::new(at),
            score: args.score,
            activity: args.activity,
            relief: args.relief,
            medication: args.medication,
            note: args.note,
            retracted: None,
            history: None,
            extra: Extra::default(),
        });
        Ok(describe_entry(diary, &id))
    })?;
    println(&text)
}

/// `--after D`: that long after the latest block; refused when it lies in the future.
fn after_latest_block(ctx: &Context, diary: &Diary, minutes: i64) -> Result<DateTime<FixedOffset>> {
    let latest = diary
        .procedures
        .iter()
        .max_by_key(|p| p.at.instant())
        .ok_or_else(|| {
            usage("--after needs a block in the diary, and none is recorded yet (use --at)")
        })?;
    let at = latest
        .at
        .time()
        .checked_add_signed(Duration::minutes(minutes))
        .ok_or_else(|| usage("--after: the time is out of range"))?;
    if at > ctx.now.fixed_offset() + Duration::minutes(5) {
        return Err(usage(format!(
            "--after {}: {} after block {} is in the future (more than 5 minutes after now)",
            format_minutes(minutes),
            format_minutes(minutes),
            latest.id
        )));
    }
    Ok(at)
}

/// The entry `id` in one line, then where it stands against the block before it.
fn describe_entry(diary: &Diary, id: &str) -> String {
    let Some(index) = diary.entries.iter().position(|e| e.id == id) else {
        return id.to_string();
    };
    let e = &diary.entries[index];
    let mut line = format!("{}  {}  score {}", e.id, e.at, e.score);
    if let Some(a) = e.activity.as_deref().filter(|a| !a.trim().is_empty()) {
        line.push_str(&format!("  during {}", one_line(a)));
    }
    let evaluation = evaluate(diary, &Protocol::default_protocol()).ok();
    let relief = entry_reliefs(diary, evaluation.as_ref())[index];
    let (Some(block), Some(minutes)) = (relief.block, relief.minutes_after_block) else {
        return line;
    };
    let block_id = one_line(&diary.procedures[block].id);
    let baseline = evaluation
        .as_ref()
        .and_then(|ev| ev.blocks.iter().find(|b| b.procedure == block))
        .and_then(|b| b.baseline.map(|v| (v, b.baseline_readings)));
    line.push_str(&format!(
        "\n{} after block {block_id}: ",
        format_minutes(minutes)
    ));
    match (relief.relief_pct, baseline) {
        (Some(pct), Some((base, n))) => line.push_str(&format!(
            "relief {:.1} % from baseline {:.1} ({n} reading{})",
            round1(pct),
            round1(base),
            if n == 1 { "" } else { "s" }
        )),
        (_, Some(_)) => line.push_str("relief cannot be computed: the baseline is 0"),
        (_, None) => line.push_str(
            "relief cannot be computed: no baseline (no usable score in the 24 h before the block: none, or all still under the previous block)",
        ),
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_recognised_at_the_start_only_as_written() {
        assert!(says_paindiary_format(
            br#"{"format": "paindiary", "version": 1}"#
        ));
        assert!(says_paindiary_format(b"{\n  \"format\" :\n \"paindiary\""));
        assert!(!says_paindiary_format(br#"{"format": "other"}"#));
        assert!(!says_paindiary_format(br#"{"note": "paindiary"}"#));
        assert!(!says_paindiary_format(b""));
    }

    #[test]
    fn only_other_json_diaries_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("lbp.jsn");
        fs::write(dir.path().join("lbp.json"), br#"{"format": "paindiary"}"#).unwrap();
        fs::write(dir.path().join("other.json"), br#"{"format": "x"}"#).unwrap();
        fs::write(dir.path().join("notes.txt"), br#"{"format": "paindiary"}"#).unwrap();
        fs::create_dir(dir.path().join("dir.json")).unwrap();
        assert_eq!(
            other_diaries_beside(&diary),
            vec![dir.path().join("lbp.json")]
        );
        // The diary itself is not "another" one.
        assert!(other_diaries_beside(&dir.path().join("lbp.json")).is_empty());
    }
}
