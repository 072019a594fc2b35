//! What every command needs from the environment: the diary path, the clock, colour, and
//! output that survives a closed pipe.

use crate::cli::{Cli, ColorChoice};
use anyhow::{Context as _, Result, anyhow};
use chrono::{DateTime, Timelike, Utc};
use paindiary::diary::{Diary, StreamError, parse_diary_from, parse_diary_owned};
use paindiary::render::sanitize::terminal_text;
use paindiary::storage;
use paindiary::zone::Zone;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// A mistake on the command line: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub String);

pub(super) fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// The environment of one command.
pub(crate) struct Context {
    /// The diary path as the user gave it (or the default).
    pub diary: PathBuf,
    pub color: bool,
    /// The clock in the local zone (`TZ`, read by [`Zone::from_env`]).
    pub now: DateTime<Zone>,
    /// How long a writer waits for another one (`PAINDIARY_LOCK_TIMEOUT_MS`, default 30 s).
    pub lock_timeout: Duration,
}

impl Context {
    /// `needs_diary`: the command uses the `--file` diary (else an unresolvable default path
    /// is not an error, and `diary` is empty).
    pub(crate) fn new(cli: &Cli, needs_diary: bool) -> Result<Context> {
        Ok(Context {
            diary: match cli.file.clone().or_else(diary_from_env) {
                Some(path) => path,
                None if needs_diary => default_diary_path()?,
                None => default_diary_path().unwrap_or_default(),
            },
            color: use_color(cli.color),
            now: now()?,
            lock_timeout: lock_timeout()?,
        })
    }

    /// The diary path for messages.
    pub(crate) fn name(&self) -> String {
        self.diary.display().to_string()
    }
}

/// `$PAINDIARY_FILE` when set and not empty (an empty value counts as unset, as for
/// `NO_COLOR`).
fn diary_from_env() -> Option<PathBuf> {
    std::env::var_os("PAINDIARY_FILE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `$XDG_DATA_HOME/paindiary/diary.json`, else `~/.local/share/paindiary/diary.json`.
fn default_diary_path() -> Result<PathBuf> {
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let data = match xdg {
        Some(dir) => dir,
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|home| home.join(".local/share"))
            .ok_or_else(|| {
                anyhow!("cannot find the default diary: neither XDG_DATA_HOME nor HOME is set; use --file")
            })?,
    };
    Ok(data.join("paindiary").join("diary.json"))
}

/// `--color` wins; else `NO_COLOR` (non-empty) turns colour off; else colour on a terminal.
fn use_color(choice: Option<ColorChoice>) -> bool {
    match choice {
        Some(ColorChoice::Always) => true,
        Some(ColorChoice::Never) => false,
        Some(ColorChoice::Auto) | None => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// `PAINDIARY_LOCK_TIMEOUT_MS` (whole milliseconds), else the storage default of 30 s.
fn lock_timeout() -> Result<Duration> {
    match std::env::var("PAINDIARY_LOCK_TIMEOUT_MS") {
        Ok(text) if !text.is_empty() => text
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| {
                anyhow!(
                    "PAINDIARY_LOCK_TIMEOUT_MS=\"{text}\" is not a whole number of milliseconds"
                )
            }),
        _ => Ok(storage::LOCK_TIMEOUT),
    }
}

/// The local zone, read once; when `TZ` cannot be used, one warning on stderr that names the
/// zone used.
fn local_zone() -> Zone {
    static ZONE: OnceLock<Zone> = OnceLock::new();
    ZONE.get_or_init(|| {
        let local = Zone::from_env();
        if let Some(warning) = local.warning {
            eprintln!("paindiary: warning: {}", terminal_text(&warning));
        }
        local.zone
    })
    .clone()
}

/// The clock, or `PAINDIARY_NOW` (RFC 3339) for reproducible runs and tests, to the whole
/// second: a record made without `--at` gets the same time as with `--at now`. Read once per
/// process, so the command-line parser (`--at`) and the command see the same instant.
fn now() -> Result<DateTime<Zone>> {
    static NOW: OnceLock<Result<DateTime<Zone>, String>> = OnceLock::new();
    NOW.get_or_init(|| {
        let zone = local_zone();
        read_clock(&zone)
            .map(|now| now.with_nanosecond(0).unwrap_or(now))
            .map_err(|e| e.to_string())
    })
    .clone()
    .map_err(|e| anyhow!(e))
}

/// The clock for parsing `--at` on the command line. A bad `PAINDIARY_NOW` is reported by the
/// command (exit 1); until then the system clock stands in.
pub(crate) fn clock() -> DateTime<Zone> {
    now().unwrap_or_else(|_| Utc::now().with_timezone(&local_zone()))
}

fn read_clock(zone: &Zone) -> Result<DateTime<Zone>> {
    match std::env::var("PAINDIARY_NOW") {
        Ok(text) if !text.is_empty() => DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(zone))
            .map_err(|_| {
                anyhow!("PAINDIARY_NOW=\"{text}\" is not an RFC 3339 time with an offset")
            }),
        _ => Ok(Utc::now().with_timezone(zone)),
    }
}

/// How to start a diary, for a missing file.
pub(super) const START_HINT: &str =
    "start a diary with `paindiary init` or `paindiary log SCORE`, or give one with --file";

/// Read and validate a diary; errors name the file (and the JSON path and position).
pub(super) fn load(path: &Path) -> Result<Diary> {
    match read_diary_file(path) {
        Ok(parsed) => parsed,
        Err(e) if e.is_not_found() => Err(anyhow!("{e} ({START_HINT})")),
        Err(e) => Err(e.into()),
    }
}

/// Diaries larger than this (about 8,000 entries) are parsed as they are read.
const STREAM_ABOVE_BYTES: u64 = 1 << 20;

/// Open and parse a diary file. The outer error is the file's (missing, unreadable, too
/// large); the inner one the diary's, naming the file.
///
/// The file is parsed as it is read, so its whole text is never in memory beside the diary;
/// should that not work out (an invalid diary, anything unusual), it is read whole and parsed
/// again, which names the error exactly.
pub(super) fn read_diary_file(path: &Path) -> Result<Result<Diary>, storage::StorageError> {
    let name = path.display().to_string();
    let (file, size) = storage::open_diary(path)?;
    // A small diary is read in one go: cheaper than setting up a stream, and its memory does
    // not matter.
    if size <= STREAM_ABOVE_BYTES {
        return Ok(parse_bytes(&name, storage::read_opened(path, &file, size)?));
    }
    let mut limited = (&file).take(storage::MAX_DIARY_BYTES + 1);
    match parse_diary_from(&mut limited) {
        Ok(diary) if limited.limit() > 0 => Ok(Ok(diary)),
        // Read whole from the start: the exact error (a read error with the file's name).
        Ok(_) | Err(StreamError::Unsure | StreamError::Io(_)) => {
            Ok(parse_bytes(&name, storage::read_again(path, &file, size)?))
        }
    }
}

/// Parse a diary read from `name`; the bytes are freed as soon as they are parsed.
pub(super) fn parse_bytes(name: &str, bytes: Vec<u8>) -> Result<Diary> {
    parse_diary_owned(bytes).map_err(|e| anyhow!("{name}: {e}"))
}

/// Write to stdout; a closed pipe (`| head`) ends quietly.
pub(super) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.context("could not write to standard output"),
    }
}

/// `print` with a newline.
pub(super) fn println(text: &str) -> Result<()> {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    s.push('\n');
    print(&s)
}
