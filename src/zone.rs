//! The local time zone: `TZ` (a zone name, a TZif file path or a POSIX rule) or
//! `/etc/localtime`, read bounded and without blocking, as a chrono [`TimeZone`].

use chrono::{FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Largest zone file read (real TZif files are a few KiB).
const MAX_ZONE_FILE_BYTES: u64 = 256 * 1024;

/// A time zone with its rules (from the tz database or a POSIX rule).
#[derive(Clone)]
pub struct Zone {
    tz: jiff::tz::TimeZone,
    name: String,
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

/// The zone in use and, when `TZ` (or `/etc/localtime`) could not be used, why (one sentence
/// that ends by naming the zone used instead).
pub struct LocalZone {
    pub zone: Zone,
    pub warning: Option<String>,
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone {
            tz: jiff::tz::TimeZone::UTC,
            name: "UTC".to_owned(),
        }
    }

    /// The zone's name as given (`America/Denver`, a file path, a POSIX rule, `UTC`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone from a TZif file's bytes.
    fn from_tzif(name: &str, bytes: &[u8]) -> Result<Zone, String> {
        jiff::tz::TimeZone::tzif(name, bytes)
            .map(|tz| Zone {
                tz,
                name: name.to_owned(),
            })
            .map_err(|_| "it is not valid time zone data".to_owned())
    }

    /// The zone of the process: `TZ` as the C library reads it, else `/etc/localtime`, else
    /// UTC. An unset or empty `TZ` without `/etc/localtime` is UTC without a warning.
    pub fn from_env() -> LocalZone {
        let tz = std::env::var_os("TZ");
        let zoneinfo = std::env::var_os("TZDIR")
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from("/usr/share/zoneinfo"), PathBuf::from);
        match tz {
            None => match read_zone_file(Path::new("/etc/localtime")) {
                Ok(bytes) => {
                    named_or_warn(Zone::from_tzif("/etc/localtime", &bytes), "/etc/localtime")
                }
                Err(ZoneFileError::Missing) => LocalZone {
                    zone: Zone::utc(),
                    warning: None,
                },
                Err(e) => named_or_warn(Err(e.to_string()), "/etc/localtime"),
            },
            Some(value) => match value.to_str() {
                Some("") => LocalZone {
                    zone: Zone::utc(),
                    warning: None,
                },
                Some(text) => named_or_warn(zone_from_tz(text, &zoneinfo), text),
                None => named_or_warn(Err("it is not valid UTF-8".to_owned()), "…"),
            },
        }
    }

    fn offset_at_seconds(&self, seconds: i64) -> FixedOffset {
        let ts = jiff::Timestamp::from_second(seconds.clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        ))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        fixed(self.tz.to_offset(ts))
    }

    fn offset_of(&self, offset: FixedOffset) -> ZoneOffset {
        ZoneOffset {
            fixed: offset,
            zone: self.clone(),
        }
    }
}

/// The zone's UTC offset at some instant (chrono's `Offset` for [`Zone`]).
#[derive(Clone, Debug)]
pub struct ZoneOffset {
    fixed: FixedOffset,
    zone: Zone,
}

impl Offset for ZoneOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fixed, f)
    }
}

impl TimeZone for Zone {
    type Offset = ZoneOffset;

    fn from_offset(offset: &ZoneOffset) -> Zone {
        offset.zone.clone()
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<ZoneOffset> {
        match local.and_hms_opt(0, 0, 0) {
            Some(midnight) => self.offset_from_local_datetime(&midnight),
            None => MappedLocalTime::None,
        }
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<ZoneOffset> {
        let Some(civil) = civil_of(local) else {
            // Beyond jiff's years (±9999): the offset at the nearest instant it knows.
            let seconds = local.and_utc().timestamp();
            return MappedLocalTime::Single(self.offset_of(self.offset_at_seconds(seconds)));
        };
        match self.tz.to_ambiguous_timestamp(civil).offset() {
            jiff::tz::AmbiguousOffset::Unambiguous { offset } => {
                MappedLocalTime::Single(self.offset_of(fixed(offset)))
            }
            jiff::tz::AmbiguousOffset::Fold { before, after } => MappedLocalTime::Ambiguous(
                self.offset_of(fixed(before)),
                self.offset_of(fixed(after)),
            ),
            jiff::tz::AmbiguousOffset::Gap { .. } => MappedLocalTime::None,
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        let seconds = utc
            .and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp());
        self.offset_of(self.offset_at_seconds(seconds))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        self.offset_of(self.offset_at_seconds(utc.and_utc().timestamp()))
    }
}

/// A jiff offset as chrono's (offsets of a day or more, which no real zone has, become UTC).
fn fixed(offset: jiff::tz::Offset) -> FixedOffset {
    FixedOffset::east_opt(offset.seconds()).unwrap_or_else(|| chrono::Utc.fix())
}

fn civil_of(local: &NaiveDateTime) -> Option<jiff::civil::DateTime> {
    use chrono::Datelike;
    let narrow = |v: u32| i8::try_from(v).ok();
    jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        narrow(local.month())?,
        narrow(local.day())?,
        narrow(local.hour())?,
        narrow(local.minute())?,
        narrow(local.second())?,
        i32::try_from(local.nanosecond().min(999_999_999)).ok()?,
    )
    .ok()
}

fn named_or_warn(result: Result<Zone, String>, shown: &str) -> LocalZone {
    match result {
        Ok(zone) => LocalZone {
            zone,
            warning: None,
        },
        Err(reason) => {
            let what = if shown == "/etc/localtime" {
                "/etc/localtime".to_owned()
            } else {
                format!("TZ=\"{}\"", quote(shown))
            };
            LocalZone {
                zone: Zone::utc(),
                warning: Some(format!(
                    "{what} cannot be used ({reason}); local times are in UTC"
                )),
            }
        }
    }
}

/// Long values are cut in messages.
fn quote(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// `TZ`'s value: `:path`, `/path`, a tz database name (looked up in `zoneinfo`), or a POSIX
/// rule (`MST7MDT,M3.2.0,M11.1.0`).
fn zone_from_tz(value: &str, zoneinfo: &Path) -> Result<Zone, String> {
    let text = value.strip_prefix(':').unwrap_or(value);
    if text.is_empty() {
        return Ok(Zone::utc());
    }
    if text.starts_with('/') {
        let bytes = read_zone_file(Path::new(text)).map_err(|e| e.to_string())?;
        return Zone::from_tzif(text, &bytes);
    }
    let is_name = !text
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
    let mut file_error = None;
    if is_name {
        match read_zone_file(&zoneinfo.join(text)) {
            Ok(bytes) => return Zone::from_tzif(text, &bytes),
            Err(e) => file_error = Some(e),
        }
    }
    if !value.starts_with(':')
        && let Ok(tz) = jiff::tz::TimeZone::posix(text)
    {
        return Ok(Zone {
            tz,
            name: text.to_owned(),
        });
    }
    Err(match file_error {
        Some(ZoneFileError::Missing) | None => {
            "no such zone in the time zone database, and not a POSIX TZ rule".to_owned()
        }
        Some(e) => e.to_string(),
    })
}

/// Why a zone file could not be read.
#[derive(Debug)]
enum ZoneFileError {
    Missing,
    NotAFile,
    TooLarge,
    Io(std::io::Error),
}

impl fmt::Display for ZoneFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneFileError::Missing => write!(f, "no such file"),
            ZoneFileError::NotAFile => write!(f, "it is not a regular file"),
            ZoneFileError::TooLarge => write!(
                f,
                "the file is larger than {} KiB",
                MAX_ZONE_FILE_BYTES / 1024
            ),
            ZoneFileError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Reads a zone file: opened without blocking (a FIFO cannot stall), only a regular file,
/// at most [`MAX_ZONE_FILE_BYTES`] (a device such as `/dev/zero` or a huge file is refused).
fn read_zone_file(path: &Path) -> Result<Vec<u8>, ZoneFileError> {
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => {
                ZoneFileError::Missing
            }
            _ => ZoneFileError::Io(e),
        })?;
    let meta = file.metadata().map_err(ZoneFileError::Io)?;
    if !meta.is_file() {
        return Err(ZoneFileError::NotAFile);
    }
    if meta.len() > MAX_ZONE_FILE_BYTES {
        return Err(ZoneFileError::TooLarge);
    }
    let mut bytes = Vec::new();
    file.take(MAX_ZONE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ZoneFileError::Io)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_ZONE_FILE_BYTES {
        return Err(ZoneFileError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
