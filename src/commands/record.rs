//! Recording: `init`, `block` and `log`, and the locked read-modify-write they share.

use super::context::{Context, load, println, read_diary_file, usage};
use crate::cli::{BlockArgs, LogArgs, RfaArgs};
use anyhow::Result;
use chrono::{DateTime, Duration, FixedOffset, Local};
use paindiary::diary::{
    Details, Diary, Entry, EntryDetails, Extra, Procedure, ProcedureKind, Sedation, Timestamp,
    to_bytes,
};
use paindiary::evaluation::{Protocol, entry_reliefs, evaluate};
use paindiary::render::round1;
use paindiary::render::sanitize::{one_line, terminal_text};
use paindiary::storage::{self, DiaryLock};
use paindiary::time_input::format_minutes;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `init`: an empty diary; an existing file is refused and left unchanged. It holds the lock
/// like every writer, so a `log` racing it either sees its diary or makes it fail.
pub(super) fn init(ctx: &Context, patient: Option<String>) -> Result<()> {
    let diary = new_diary(patient);
    storage::ensure_parent_dir(&ctx.diary)?;
    let _lock = DiaryLock::acquire_with_timeout(&ctx.diary, ctx.lock_timeout)?;
    written(storage::create_new(&ctx.diary, &to_bytes(&diary)?))?;
    // The full path, as `log` and `block` give it when they create a diary.
    let full = full_path(&ctx.diary);
    println(&terminal_text(&format!("Created {}", full.display())))
}

/// The diary's absolute path with links resolved (as given when that fails).
fn full_path(path: &Path) -> PathBuf {
    fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// A write's result: a new version that is in place but whose folder flush failed is a warning
/// on stderr, not a failure (exit 0), so that nobody records it a second time.
pub(super) fn written(result: Result<(), storage::StorageError>) -> Result<()> {
    match result {
        Err(e) if e.is_written() => {
            eprintln!("paindiary: warning: {}", terminal_text(&e.to_string()));
            Ok(())
        }
        other => Ok(other?),
    }
}

/// A new, empty diary with a fresh random `uid` (SPEC §1: it names the diary in FHIR).
fn new_diary(patient: Option<String>) -> Diary {
    let mut diary = Diary::new(patient);
    diary.uid = Some(uuid::Uuid::new_v4().to_string());
    diary
}

/// Lock the diary, read it (or start one when `create` and it is missing), apply `change`,
/// and write it back atomically. Nothing is written when `change` fails.
pub(super) fn modify<T>(
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
    let (mut diary, created) = match read_diary_file(&ctx.diary) {
        Ok(parsed) => (parsed?, false),
        Err(e) if create && e.is_not_found() => (new_diary(None), true),
        Err(e) => return Err(e.into()),
    };
    let result = change(&mut diary)?;
    written(storage::write_atomic(&ctx.diary, &to_bytes(&diary)?))?;
    if created {
        announce_new_diary(&ctx.diary);
    }
    Ok(result)
}

/// On stderr: the full path of a diary just created, and a warning when its folder already
/// holds another paindiary diary (a typo in `--file` silently starting a second diary).
fn announce_new_diary(path: &Path) {
    let full = full_path(path);
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

/// `block`: record a diagnostic block; prints its id, then on stderr what was stored.
pub(super) fn block(ctx: &Context, args: BlockArgs) -> Result<()> {
    if !args.kind.is_block() {
        return Err(usage(format!(
            "{}: block --kind {}: an RFA is not a diagnostic block; record it with `paindiary rfa` (e.g. paindiary rfa --levels L4-L5,L5-S1 --side right)",
            ctx.name(),
            args.kind
        )));
    }
    let at = args.at.unwrap_or_else(|| ctx.now.fixed_offset());
    record_procedure(
        ctx,
        Procedure {
            id: String::new(),
            kind: args.kind,
            at: Timestamp::new(at),
            region: args.region,
            levels: args.levels,
            side: args.side,
            anesthetic: Some(args.anesthetic),
            steroid: args.steroid,
            sedation: args.sedation,
            note: args.note,
            retracted: None,
            history: None,
            extra: Extra::default(),
        },
    )
}

/// `rfa`: record a radiofrequency ablation; prints its id, then on stderr what was stored.
pub(super) fn rfa(ctx: &Context, args: RfaArgs) -> Result<()> {
    let at = args.at.unwrap_or_else(|| ctx.now.fixed_offset());
    record_procedure(
        ctx,
        Procedure {
            id: String::new(),
            kind: ProcedureKind::RadiofrequencyAblation,
            at: Timestamp::new(at),
            region: args.region,
            levels: args.levels,
            side: args.side,
            anesthetic: None,
            steroid: false,
            sedation: Sedation::None,
            note: args.note,
            retracted: None,
            history: None,
            extra: Extra::default(),
        },
    )
}

/// Store `procedure` under the next free id (blank levels dropped); print the id on stdout and what was stored on stderr.
fn record_procedure(ctx: &Context, mut procedure: Procedure) -> Result<()> {
    // Levels as the user meant them: `--levels "L4-L5, L5-S1"` stores `L5-S1`, not ` L5-S1`.
    procedure.levels = std::mem::take(&mut procedure.levels)
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let stored = modify(ctx, true, |diary| {
        procedure.id = diary.next_procedure_id();
        let stored = procedure.clone();
        diary.insert_procedure(procedure);
        Ok(stored)
    })?;
    println(&stored.id)?;
    eprintln!(
        "paindiary: stored {} {}",
        one_line(&stored.id),
        describe_procedure(&stored)
    );
    Ok(())
}

/// What a procedure is, in one line for people: local time, kind, region, levels, side, agent.
fn describe_procedure(p: &Procedure) -> String {
    let local = p.at.time().with_timezone(&Local);
    let mut parts = vec![
        format!("{} (local time)", local.format("%Y-%m-%d %H:%M %:z")),
        p.kind.as_str().to_string(),
    ];
    if let Some(region) = &p.region {
        parts.push(format!("region {}", one_line(region)));
    }
    parts.push(if p.levels.is_empty() {
        "levels not given".into()
    } else {
        format!("levels {}", one_line(&p.levels.join(",")))
    });
    parts.push(match p.side {
        Some(side) => format!("side {side}"),
        None => "side not given".into(),
    });
    match p.anesthetic {
        Some(agent) => parts.push(format!("agent {agent}")),
        None if p.is_block() => parts.push("agent not given".into()),
        None => {}
    }
    if p.is_block() {
        if p.steroid {
            parts.push("with steroid".into());
        }
        if p.sedation != Sedation::None {
            parts.push(format!("sedation {}", p.sedation));
        }
    }
    if let Some(note) = &p.note {
        parts.push(format!("note \"{}\"", one_line(note)));
    }
    parts.join(", ")
}

/// `log`: record a score; after a block, also print the relief from its baseline.
pub(super) fn log(ctx: &Context, args: LogArgs) -> Result<()> {
    if args.at.is_none() && args.after.is_some() && !ctx.diary.exists() {
        // No diary, so no block: say so before taking the lock (no stray lock file).
        return Err(usage(NO_BLOCK_FOR_AFTER));
    }
    let text = modify(ctx, true, |diary| {
        let at = match (args.at, args.after) {
            (Some(at), _) => at,
            (None, Some(minutes)) => after_latest_block(ctx, diary, minutes)?,
            (None, None) => ctx.now.fixed_offset(),
        };
        let id = diary.next_entry_id();
        diary.insert_entry(Entry {
            id: id.as_str().into(),
            at: Timestamp::new(at),
            score: args.score,
            activity: args.activity.map(Into::into),
            details: Details::new(EntryDetails {
                relief: args.relief,
                medication: args.medication,
                note: args.note,
                ..EntryDetails::default()
            }),
        });
        Ok(describe_entry(diary, &id))
    })?;
    println(&text)
}

const NO_BLOCK_FOR_AFTER: &str =
    "--after needs a block in the diary, and none is recorded yet (use --at)";

/// `--after D`: that long after the latest block that is not retracted (SPEC §2; an RFA is not a
/// block); refused when it lies in the future.
fn after_latest_block(ctx: &Context, diary: &Diary, minutes: i64) -> Result<DateTime<FixedOffset>> {
    let latest = diary
        .procedures
        .iter()
        .filter(|p| p.is_block() && !p.is_retracted())
        .max_by_key(|p| p.at.instant())
        .ok_or_else(|| usage(NO_BLOCK_FOR_AFTER))?;
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
