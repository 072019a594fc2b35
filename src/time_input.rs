//! Parsing `--at` times and `d`/`h`/`m` durations, and formatting them for diaries and people.
//! Local forms are interpreted in the zone of the `now` passed in (in the binary, `chrono::Local`).

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{
    DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SecondsFormat, TimeDelta, TimeZone, Utc,
};

/// Longest duration accepted: 100 years of 365.25 days, in minutes.
const MAX_DURATION_MINUTES: i64 = 36_525 * MINUTES_PER_DAY;
const MINUTES_PER_DAY: i64 = 1440;
/// How far after `now` a past time may be (clock skew, typing time).
const FUTURE_TOLERANCE_MINUTES: i64 = 5;
/// Inputs are quoted in messages up to this many characters.
const MAX_QUOTED_CHARS: usize = 60;

/// Why a time or duration was refused. Each message is one sentence quoting the input.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TimeError {
    #[error(
        "`{0}` is not a time I understand (try RFC 3339 like 2026-11-20T09:30:00-07:00, `2026-11-20 09:30`, `09:30`, `now`, `30m ago`, `yesterday 15:00`)"
    )]
    NotUnderstood(String),
    #[error(
        "an empty value is not a time (try RFC 3339 like 2026-11-20T09:30:00-07:00, `2026-11-20 09:30`, `09:30`, `now`, `30m ago`, `yesterday 15:00`)"
    )]
    EmptyTime,
    #[error("`{0}` is not a real date and time (check the month, day, hour, minute and second)")]
    InvalidDateTime(String),
    #[error("`{0}` does not exist in the local time zone: {1}")]
    NonExistentLocalTime(String, String),
    #[error(
        "`{0}` is a date without a clock time; add the time, e.g. `{1}` (a date alone would silently mean midnight or the current time)"
    )]
    DateWithoutTime(String, String),
    #[error(
        "`{0}` is a duration, not a time: write `{1} ago` for that long before now, or use --after {1} for that long after the latest block"
    )]
    DurationNotTime(String, String),
    #[error("`{0}` is outside the range of times this program can store")]
    OutOfRange(String),
    #[error("`{0}` is before the year 0001, which a diary cannot hold")]
    BeforeYearOne(String),
    #[error("`{0}` is in the future (more than 5 minutes after now)")]
    InFuture(String),
    #[error("`{0}` is not a duration (write it with d, h, m: 90m, 8h, 1h30m, 2d)")]
    NotADuration(String),
    #[error("an empty value is not a duration (write it with d, h, m: 90m, 8h, 1h30m, 2d)")]
    EmptyDuration,
    #[error(
        "`{0}` is zero, but a duration must be greater than 0 (for example 90m, 8h, 1h30m, 2d)"
    )]
    ZeroDuration(String),
    #[error("`{0}` is too long a duration (at most 100 years)")]
    DurationTooLong(String),
}

/// Parse a `--at` value. `now` carries the local zone (in the binary: `chrono::Local`, which
/// honours `TZ`; in tests: `FixedOffset` or any `TimeZone`). Returns the instant with the offset
/// to store: RFC 3339 input keeps its own offset; every other form is local time, stored with the
/// local zone's offset at that instant. Forms relative to now (`now`, `30m ago`, English) are
/// truncated to whole seconds.
pub fn parse_time<Tz: TimeZone>(
    input: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<FixedOffset>, TimeError> {
    use chrono::Datelike;
    // SPEC §1: years before 0001 are refused (the loader would refuse the diary afterwards).
    let t = parse_any_time(input, now)?;
    if t.year() < 1 {
        return Err(TimeError::BeforeYearOne(input.trim().to_string()));
    }
    Ok(t)
}

fn parse_any_time<Tz: TimeZone>(
    input: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<FixedOffset>, TimeError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(TimeError::EmptyTime);
    }
    if parse_duration_minutes(s).is_ok() {
        // `--at 30m`: a duration, not a time.
        return Err(TimeError::DurationNotTime(quote(s), s.to_ascii_lowercase()));
    }
    let tz = now.timezone();

    // 1. and 2.: `YYYY-MM-DD[T ]HH:MM[:SS[.f]][offset]`.
    if let Some(parts) = parse_iso_like(s) {
        let naive = parts
            .naive()
            .ok_or_else(|| TimeError::InvalidDateTime(quote(s)))?;
        return match parts.offset_seconds {
            Some(secs) => {
                let offset = FixedOffset::east_opt(secs)
                    .ok_or_else(|| TimeError::InvalidDateTime(quote(s)))?;
                offset
                    .from_local_datetime(&naive)
                    .single()
                    .ok_or_else(|| TimeError::OutOfRange(quote(s)))
            }
            None => local_to_fixed(&tz, &naive, s),
        };
    }

    // 3. `HH:MM[:SS[.f]]` today.
    if let Some(clock) = parse_clock(s.as_bytes()) {
        let time = clock
            .time()
            .ok_or_else(|| TimeError::InvalidDateTime(quote(s)))?;
        let naive = now.date_naive().and_time(time);
        return local_to_fixed(&tz, &naive, s);
    }

    let lower = s.to_ascii_lowercase();
    let now_s = whole_seconds(now);

    // 4. `now`.
    if lower == "now" {
        return Ok(now_s.fixed_offset());
    }

    // 5. `30m ago`, `-1h30m`. A part with spaces (`3 days ago`) is left to the English parser.
    let relative = if let Some(rest) = lower.strip_prefix('-') {
        Some(rest)
    } else {
        lower
            .strip_suffix("ago")
            .filter(|rest| rest.ends_with(char::is_whitespace))
            .map(str::trim_end)
    };
    if let Some(part) = relative {
        if part.is_empty() {
            return Err(TimeError::NotUnderstood(quote(s)));
        }
        if !part.contains(char::is_whitespace) {
            let minutes = parse_duration_minutes(part)?;
            let delta =
                TimeDelta::try_minutes(minutes).ok_or_else(|| TimeError::OutOfRange(quote(s)))?;
            return now_s
                .checked_sub_signed(delta)
                .map(|t| t.fixed_offset())
                .ok_or_else(|| TimeError::OutOfRange(quote(s)));
        }
    }

    // 6. Plain English.
    parse_english(s, &lower, &now_s)
}

/// Same as [`parse_time`], then refuse a time more than 5 minutes after `now` (exactly 5 minutes
/// is accepted).
pub fn parse_past_time<Tz: TimeZone>(
    input: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<FixedOffset>, TimeError> {
    let t = parse_time(input, now)?;
    if t.signed_duration_since(now) > TimeDelta::minutes(FUTURE_TOLERANCE_MINUTES) {
        return Err(TimeError::InFuture(quote(input.trim())));
    }
    Ok(t)
}

/// Parse a duration: whole minutes written with `d`, `h`, `m`, each unit at most once, in the
/// order d h m: `90m`, `8h`, `1h30m`, `2d`, `1d2h`. Returns minutes, always greater than 0 and at
/// most 100 years. Surrounding white space is ignored; units may be upper case.
pub fn parse_duration_minutes(input: &str) -> Result<i64, TimeError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(TimeError::EmptyDuration);
    }
    let not_a_duration = || TimeError::NotADuration(quote(s));
    let too_long = || TimeError::DurationTooLong(quote(s));

    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: i64 = 0;
    let mut last_unit_rank: Option<u8> = None;
    while i < bytes.len() {
        let start = i;
        let mut n: i64 = 0;
        let mut overflow = false;
        while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
            match n
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
            {
                Some(v) => n = v,
                None => overflow = true,
            }
            i += 1;
        }
        if i == start {
            return Err(not_a_duration());
        }
        let (rank, per_unit) = match bytes.get(i).map(u8::to_ascii_lowercase) {
            Some(b'd') => (0u8, MINUTES_PER_DAY),
            Some(b'h') => (1, 60),
            Some(b'm') => (2, 1),
            _ => return Err(not_a_duration()),
        };
        if last_unit_rank.is_some_and(|last| rank <= last) {
            return Err(not_a_duration());
        }
        last_unit_rank = Some(rank);
        i += 1;
        if overflow {
            return Err(too_long());
        }
        total = n
            .checked_mul(per_unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(too_long)?;
    }
    if total == 0 {
        return Err(TimeError::ZeroDuration(quote(s)));
    }
    if total > MAX_DURATION_MINUTES {
        return Err(too_long());
    }
    Ok(total)
}

/// Format minutes for people: 90 -> `1h30m`, 1440 -> `1d`, 5 -> `5m`, 0 -> `0m`, 1441 -> `1d1m`,
/// 1501 -> `1d1h1m`.
/// Negative values get a leading `-`.
pub fn format_minutes(minutes: i64) -> String {
    if minutes == 0 {
        return "0m".to_owned();
    }
    let mut out = String::new();
    if minutes < 0 {
        out.push('-');
    }
    let m = minutes.unsigned_abs();
    let per_day = MINUTES_PER_DAY.unsigned_abs();
    let (days, hours, mins) = (m / per_day, m % per_day / 60, m % 60);
    for (value, unit) in [(days, 'd'), (hours, 'h'), (mins, 'm')] {
        if value > 0 {
            let _ = write!(out, "{value}{unit}");
        }
    }
    out
}

/// The canonical text stored in a diary for a time: RFC 3339 with its offset, seconds always
/// shown, fractional seconds only when non-zero, `+00:00` rather than `Z`.
pub fn format_rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Shorten very long input before quoting it in a message.
fn quote(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// `now` without its fractional second (diary times are to the second).
fn whole_seconds<Tz: TimeZone>(now: &DateTime<Tz>) -> DateTime<Tz> {
    let nanos = i64::from(now.timestamp_subsec_nanos());
    now.clone()
        .checked_sub_signed(TimeDelta::nanoseconds(nanos))
        .unwrap_or_else(|| now.clone())
}

/// A local wall-clock time in `tz`, with that zone's offset at that instant. A time that
/// exists twice (clocks moved back) is the earlier instant, i.e. the offset in force before the
/// change (daylight-saving time in autumn); a skipped one (clocks moved forward) is an error
/// that shows the gap.
fn local_to_fixed<Tz: TimeZone>(
    tz: &Tz,
    naive: &NaiveDateTime,
    input: &str,
) -> Result<DateTime<FixedOffset>, TimeError> {
    match tz.from_local_datetime(naive) {
        MappedLocalTime::Single(t) => Ok(t.fixed_offset()),
        MappedLocalTime::Ambiguous(a, b) => Ok(if a <= b { a } else { b }.fixed_offset()),
        MappedLocalTime::None => Err(TimeError::NonExistentLocalTime(
            quote(input),
            describe_gap(tz, naive),
        )),
    }
}

/// "clocks moved forward from 02:00 (-07:00) to 03:00 (-06:00) on 2026-03-08: local times
/// from 02:00 up to 03:00 are skipped", for a local time `naive` in a gap of `tz`.
fn describe_gap<Tz: TimeZone>(tz: &Tz, naive: &NaiveDateTime) -> String {
    let generic = "clocks moved forward there".to_owned();
    let offset_at = |utc: &NaiveDateTime| tz.offset_from_utc_datetime(utc).fix();
    // The transition lies within a day of the wall time read as UTC.
    let (Some(mut lo), Some(mut hi)) = (
        naive.checked_sub_signed(TimeDelta::days(1)),
        naive.checked_add_signed(TimeDelta::days(1)),
    ) else {
        return generic;
    };
    let before = offset_at(&lo);
    let after = offset_at(&hi);
    if before == after {
        return generic;
    }
    // Binary search (to the second) for the first instant with the later offset.
    while hi.signed_duration_since(lo) > TimeDelta::seconds(1) {
        let mid = lo + (hi.signed_duration_since(lo) / 2);
        if offset_at(&mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let (Some(start), Some(end)) = (
        hi.checked_add_signed(TimeDelta::seconds(i64::from(before.local_minus_utc()))),
        hi.checked_add_signed(TimeDelta::seconds(i64::from(after.local_minus_utc()))),
    ) else {
        return generic;
    };
    format!(
        "clocks moved forward from {} ({before}) to {} ({after}) on {}, so local times from {} up to {} do not exist",
        start.format("%H:%M"),
        end.format("%H:%M"),
        start.format("%Y-%m-%d"),
        start.format("%H:%M"),
        end.format("%H:%M"),
    )
}

/// Plain English via interim, relative to `now` in its zone.
fn parse_english<Tz: TimeZone>(
    original: &str,
    lower: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<FixedOffset>, TimeError> {
    let not_understood = || TimeError::NotUnderstood(quote(original));
    // interim reads a bare number as a year (`9` would be the year 9): refuse it.
    if lower.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_understood());
    }
    // interim 0.2 asserts (panics) on a word of 16 or more letters after an hour (`9aaaa…`),
    // and on upper-case letters there (`9AM`), hence the lower-cased input.
    if longest_ascii_letter_run(lower) >= 16 {
        return Err(not_understood());
    }
    // interim rolls `25:00` over into the next day; a clock time out of range is a mistake.
    if lower.split_whitespace().any(bad_clock_time) {
        return Err(not_understood());
    }
    let relative = lower.ends_with(" ago");
    // interim reads `12pm` as midnight of the next day: give it 24-hour times.
    let normalised = twenty_four_hour(lower).ok_or_else(not_understood)?;
    let lower = normalised.as_str();
    // interim works on the wall clock (the zone read as UTC, so it never meets a
    // daylight-saving change); the result is then placed in the real zone like any local time.
    let wall_now = Utc.from_utc_datetime(&now.naive_local());
    // Safety net: a panic inside the third-party parser becomes "not understood". (The panic
    // hook is left alone: swapping it is process-wide and would race with other threads; the
    // inputs known to panic interim are refused above.)
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        interim::parse_date_string(lower, wall_now, interim::Dialect::Us)
    }));
    let wall = match parsed {
        Ok(Ok(t)) => t.naive_utc(),
        _ => return Err(not_understood()),
    };
    if !relative && !has_clock_time(lower) {
        return Err(TimeError::DateWithoutTime(
            quote(original),
            with_time_example(original),
        ));
    }
    if relative {
        // `3 hours ago`: elapsed time, not wall-clock arithmetic.
        let elapsed = wall_now.signed_duration_since(Utc.from_utc_datetime(&wall));
        return now
            .clone()
            .checked_sub_signed(elapsed)
            .map(|t| t.fixed_offset())
            .ok_or_else(not_understood);
    }
    local_to_fixed(&now.timezone(), &wall, original)
}

/// `lower` with every `3pm`, `3 pm`, `12:30am` written as 24-hour `15:00`, `15:00`, `00:30`;
/// `None` when an hour before am/pm is not 1–12.
fn twenty_four_hour(lower: &str) -> Option<String> {
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let (clock, suffix, used) = if let Some(c) = token
            .strip_suffix("am")
            .or_else(|| token.strip_suffix("a.m."))
        {
            (c, Some(false), 1)
        } else if let Some(c) = token
            .strip_suffix("pm")
            .or_else(|| token.strip_suffix("p.m."))
        {
            (c, Some(true), 1)
        } else {
            match tokens.get(i + 1).copied() {
                Some("am" | "a.m.") => (token, Some(false), 2),
                Some("pm" | "p.m.") => (token, Some(true), 2),
                _ => (token, None, 1),
            }
        };
        let parts: Vec<&str> = clock.split(':').collect();
        let is_clock = !clock.is_empty()
            && parts.len() <= 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
        match suffix {
            Some(pm) if is_clock => {
                let hour: u32 = parts[0].parse().ok()?;
                if !(1..=12).contains(&hour) {
                    return None;
                }
                let hour = hour % 12 + if pm { 12 } else { 0 };
                let minute = parts.get(1).copied().unwrap_or("00");
                let mut text = format!("{hour:02}:{minute}");
                if let Some(second) = parts.get(2) {
                    text.push(':');
                    text.push_str(second);
                }
                out.push(text);
                i += used;
            }
            _ => {
                out.push(token.to_owned());
                i += 1;
            }
        }
    }
    Some(out.join(" "))
}

/// Whether English input names a clock time: `15:00`, `3pm`, `3 pm`, `9:30am`.
fn has_clock_time(lower: &str) -> bool {
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    tokens.iter().enumerate().any(|(i, token)| {
        let token = token.trim_end_matches([',', '.']);
        let digits_end = token
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(token.len());
        if digits_end == 0 {
            return false;
        }
        let rest = &token[digits_end..];
        // A digit then `:` anywhere (also inside a malformed RFC 3339 time).
        if token
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1] == b':')
        {
            return true;
        }
        matches!(rest, "am" | "pm" | "a.m" | "p.m")
            || (rest.is_empty()
                && tokens
                    .get(i + 1)
                    .is_some_and(|next| matches!(*next, "am" | "pm" | "a.m." | "p.m.")))
    })
}

/// The input with ` 15:00` added, for the hint (a bare `today` suggests `now` too).
fn with_time_example(original: &str) -> String {
    if original.eq_ignore_ascii_case("today") {
        "today 15:00` or `now".to_owned()
    } else {
        format!("{} 15:00", quote(original))
    }
}

/// A token written like a clock time (`25:00`, `9:75`, `10:30:99`) whose hour, minute or
/// second is out of range.
fn bad_clock_time(token: &str) -> bool {
    let token = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let parts: Vec<&str> = token.split(':').collect();
    if parts.len() < 2
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let limits = [23u32, 59, 59];
    parts.len() > 3
        || parts
            .iter()
            .zip(limits)
            .any(|(p, max)| p.parse::<u32>().map_or(true, |v| v > max))
}

fn longest_ascii_letter_run(s: &str) -> usize {
    s.as_bytes()
        .split(|b| !b.is_ascii_alphabetic())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

/// Syntactically parsed `HH:MM[:SS[.fraction]]`; values not yet validated.
#[derive(Debug, Clone, Copy)]
struct Clock {
    hour: u32,
    minute: u32,
    second: u32,
    nano: u32,
}

impl Clock {
    fn time(self) -> Option<NaiveTime> {
        // Refuse leap seconds: chrono would accept second 59 with nano >= 1e9, never 60.
        if self.second > 59 {
            return None;
        }
        NaiveTime::from_hms_nano_opt(self.hour, self.minute, self.second, self.nano)
    }
}

/// Syntactically parsed `YYYY-MM-DD(T| )HH:MM[:SS[.f]][Z|±HH:MM]`; values not yet validated.
#[derive(Debug, Clone, Copy)]
struct IsoParts {
    year: i32,
    month: u32,
    day: u32,
    clock: Clock,
    offset_seconds: Option<i32>,
}

impl IsoParts {
    fn naive(self) -> Option<NaiveDateTime> {
        let date = NaiveDate::from_ymd_opt(self.year, self.month, self.day)?;
        Some(date.and_time(self.clock.time()?))
    }
}

/// A byte cursor for the fixed-shape forms.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, wanted: u8) -> bool {
        let hit = self.peek() == Some(wanted);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Between `min` and `max` ASCII digits (`max` <= 9, so no overflow).
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut value = 0u32;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        (count >= min && !self.peek().is_some_and(|b| b.is_ascii_digit())).then_some(value)
    }

    /// `HH:MM[:SS[.fraction]]`; the fraction keeps nanoseconds and ignores further digits.
    fn clock(&mut self) -> Option<Clock> {
        let hour = self.number(1, 2)?;
        if !self.eat(b':') {
            return None;
        }
        let minute = self.number(2, 2)?;
        let mut clock = Clock {
            hour,
            minute,
            second: 0,
            nano: 0,
        };
        if self.eat(b':') {
            clock.second = self.number(2, 2)?;
            if self.eat(b'.') {
                let mut place = 100_000_000u32;
                let mut digits = 0;
                while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
                    clock.nano += u32::from(b - b'0') * place;
                    place /= 10;
                    digits += 1;
                    self.pos += 1;
                }
                if digits == 0 {
                    return None;
                }
            }
        }
        Some(clock)
    }
}

fn parse_clock(bytes: &[u8]) -> Option<Clock> {
    let mut c = Cursor { bytes, pos: 0 };
    let clock = c.clock()?;
    c.at_end().then_some(clock)
}

fn parse_iso_like(s: &str) -> Option<IsoParts> {
    let mut c = Cursor {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let year = i32::try_from(c.number(4, 4)?).ok()?;
    let month = c.eat(b'-').then(|| c.number(2, 2))??;
    let day = c.eat(b'-').then(|| c.number(2, 2))??;
    if !(c.eat(b'T') || c.eat(b't')) {
        if !c.peek().is_some_and(|b| b == b' ' || b == b'\t') {
            return None;
        }
        while c.eat(b' ') || c.eat(b'\t') {}
    }
    let clock = c.clock()?;
    let offset_seconds = match c.peek() {
        None => None,
        Some(b'Z' | b'z') => {
            c.pos += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.number(2, 2)?;
            let minutes = c.eat(b':').then(|| c.number(2, 2))??;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let secs = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            Some(if sign == b'-' { -secs } else { secs })
        }
        Some(_) => return None,
    };
    c.at_end().then_some(IsoParts {
        year,
        month,
        day,
        clock,
        offset_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Offset, Utc};

    fn mst() -> FixedOffset {
        FixedOffset::west_opt(7 * 3600).unwrap()
    }

    /// Fixed `now`: Friday 2026-11-20 12:00:00.123 at -07:00.
    #[test]
    fn a_bare_duration_is_not_a_time() {
        for d in ["30m", "2h", "1h30m"] {
            let e = parse_time(d, &now()).unwrap_err();
            assert_eq!(
                e,
                TimeError::DurationNotTime(d.to_string(), d.to_string()),
                "{d}"
            );
            assert!(e.to_string().contains(&format!("`{d} ago`")), "{e}");
            assert!(e.to_string().contains(&format!("--after {d}")), "{e}");
        }
    }

    fn now() -> DateTime<FixedOffset> {
        mst()
            .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
            .unwrap()
            .checked_add_signed(TimeDelta::milliseconds(123))
            .unwrap()
    }

    fn at(
        offset_secs: i32,
        y: i32,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
    ) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(offset_secs)
            .unwrap()
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
    }

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<FixedOffset> {
        at(-7 * 3600, y, mo, d, h, mi, s)
    }

    /// Asserts the instant and the stored offset, via the canonical text.
    fn assert_time(input: &str, expected: &str) {
        let got = parse_time(input, &now()).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(format_rfc3339(&got), expected, "input {input:?}");
    }

    #[test]
    fn rfc3339_keeps_its_own_offset() {
        let t = parse_time("2026-11-20T09:30:00+02:00", &now()).unwrap();
        assert_eq!(t, at(2 * 3600, 2026, 11, 20, 9, 30, 0));
        assert_eq!(t.offset().local_minus_utc(), 7200);
        assert_time("2026-11-20T09:30:00-07:00", "2026-11-20T09:30:00-07:00");
        assert_time("2026-11-20T16:30:00Z", "2026-11-20T16:30:00+00:00");
        assert_time("2026-11-20t16:30:00z", "2026-11-20T16:30:00+00:00");
        assert_time("2026-11-20 09:30:00+05:30", "2026-11-20T09:30:00+05:30");
        assert_time(
            "  2026-11-20T09:30:00.25-03:00 ",
            "2026-11-20T09:30:00.250-03:00",
        );
        assert_time("2026-11-20T09:30-03:00", "2026-11-20T09:30:00-03:00");
        assert_time("2026-11-20T09:30:00-00:00", "2026-11-20T09:30:00+00:00");
        let t = parse_time("2026-11-20T09:30:00.123456789123Z", &now()).unwrap();
        assert_eq!(t.timestamp_subsec_nanos(), 123_456_789);
    }

    #[test]
    fn local_date_time_takes_the_zone_offset() {
        assert_eq!(
            parse_time("2026-11-19 08:15", &now()).unwrap(),
            local(2026, 11, 19, 8, 15, 0)
        );
        assert_time("2026-11-19 08:15", "2026-11-19T08:15:00-07:00");
        assert_time("2026-11-19T08:15:42", "2026-11-19T08:15:42-07:00");
        assert_time("2026-11-19   08:15:42", "2026-11-19T08:15:42-07:00");
        assert_time("2025-01-31 23:59", "2025-01-31T23:59:00-07:00");
        // Same wall clock in UTC lands on a different instant.
        let utc_now = Utc.with_ymd_and_hms(2026, 11, 20, 19, 0, 0).unwrap();
        let t = parse_time("2026-11-19 08:15", &utc_now).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-11-19T08:15:00+00:00");
    }

    #[test]
    fn clock_time_is_today_local() {
        assert_time("09:30", "2026-11-20T09:30:00-07:00");
        assert_time("9:05:07", "2026-11-20T09:05:07-07:00");
        assert_time("00:00", "2026-11-20T00:00:00-07:00");
        // "Today" is the local date, not the UTC date (UTC is already 2026-11-21 here).
        let late = mst().with_ymd_and_hms(2026, 11, 20, 23, 0, 0).unwrap();
        assert_eq!(
            parse_time("22:10", &late).unwrap(),
            local(2026, 11, 20, 22, 10, 0)
        );
    }

    #[test]
    fn now_is_now_to_the_second() {
        assert_eq!(
            parse_time("now", &now()).unwrap(),
            local(2026, 11, 20, 12, 0, 0)
        );
        assert_eq!(
            parse_time(" NOW ", &now()).unwrap(),
            local(2026, 11, 20, 12, 0, 0)
        );
    }

    #[test]
    fn relative_forms() {
        assert_time("30m ago", "2026-11-20T11:30:00-07:00");
        assert_time("2h ago", "2026-11-20T10:00:00-07:00");
        assert_time("1h30m ago", "2026-11-20T10:30:00-07:00");
        assert_time("2d ago", "2026-11-18T12:00:00-07:00");
        assert_time("-30m", "2026-11-20T11:30:00-07:00");
        assert_time("-1h30m", "2026-11-20T10:30:00-07:00");
        assert_time("90M  AGO", "2026-11-20T10:30:00-07:00");
        assert_time("1d2h3m ago", "2026-11-19T09:57:00-07:00");
        // Phrases with spaces go to the English parser.
        assert_time("3 days ago", "2026-11-17T12:00:00-07:00");
    }

    #[test]
    fn relative_errors_are_duration_errors() {
        let n = now();
        assert_eq!(
            parse_time("-1h30", &n),
            Err(TimeError::NotADuration("1h30".into()))
        );
        assert_eq!(
            parse_time("1h30 ago", &n),
            Err(TimeError::NotADuration("1h30".into()))
        );
        assert_eq!(
            parse_time("0m ago", &n),
            Err(TimeError::ZeroDuration("0m".into()))
        );
        assert_eq!(
            parse_time("-99999999999999d", &n),
            Err(TimeError::DurationTooLong("99999999999999d".into()))
        );
        assert_eq!(
            parse_time("-", &n),
            Err(TimeError::NotUnderstood("-".into()))
        );
        assert_eq!(
            parse_time("ago", &n),
            Err(TimeError::NotUnderstood("ago".into()))
        );
        assert_eq!(
            parse_time(" ago", &n),
            Err(TimeError::NotUnderstood("ago".into()))
        );
    }

    #[test]
    fn english_forms() {
        assert_eq!(
            parse_time("yesterday 15:00", &now()).unwrap(),
            local(2026, 11, 19, 15, 0, 0)
        );
        assert_time("Yesterday 3PM", "2026-11-19T15:00:00-07:00");
        assert_time("today 9am", "2026-11-20T09:00:00-07:00");
        assert_time("last monday 10:00", "2026-11-16T10:00:00-07:00");
        // A date without a clock time is refused (it would silently be midnight or now).
        for date_only in ["yesterday", "today", "last tuesday", "2026-11-20", "friday"] {
            assert!(
                matches!(
                    parse_time(date_only, &now()),
                    Err(TimeError::DateWithoutTime(..))
                ),
                "{date_only:?}"
            );
        }
        assert_time("yesterday 12pm", "2026-11-19T12:00:00-07:00");
        assert_time("yesterday 3 pm", "2026-11-19T15:00:00-07:00");
        assert_time("last tuesday 9:15am", "2026-11-17T09:15:00-07:00");
        assert_time("yesterday 12am", "2026-11-19T00:00:00-07:00");
        assert_time("yesterday 12:30 am", "2026-11-19T00:30:00-07:00");
        assert_time("yesterday 12:30pm", "2026-11-19T12:30:00-07:00");
        assert_time("yesterday 11:59:30 p.m.", "2026-11-19T23:59:30-07:00");
        assert!(matches!(
            parse_time("yesterday 13pm", &now()),
            Err(TimeError::NotUnderstood(_))
        ));
        assert_time("2 hours ago", "2026-11-20T10:00:00-07:00");
        assert_eq!(
            parse_time("tomorow 9:00", &now()),
            Err(TimeError::NotUnderstood("tomorow 9:00".into()))
        );
        // A bare number is not read as a year.
        assert_eq!(
            parse_time("2026", &now()),
            Err(TimeError::NotUnderstood("2026".into()))
        );
    }

    #[test]
    fn invalid_values_are_refused() {
        let n = now();
        for bad in [
            "2026-02-30 10:00",
            "2026-11-20 24:00",
            "2026-11-20 10:60",
            "99:99",
            "12:00:60",
        ] {
            assert_eq!(
                parse_time(bad, &n),
                Err(TimeError::InvalidDateTime(bad.into())),
                "{bad:?}"
            );
        }
        assert_eq!(parse_time("", &n), Err(TimeError::EmptyTime));
        assert_eq!(parse_time("  \t ", &n), Err(TimeError::EmptyTime));
        assert!(matches!(
            parse_time("2026-11-20T09:30:00+24:00", &n),
            Err(TimeError::NotUnderstood(_))
        ));
    }

    #[test]
    fn future_refusal() {
        let n = mst().with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
        assert_eq!(
            parse_past_time("12:05", &n).unwrap(),
            local(2026, 11, 20, 12, 5, 0)
        );
        assert_eq!(
            parse_past_time("12:06", &n),
            Err(TimeError::InFuture("12:06".into()))
        );
        assert_eq!(
            parse_past_time("12:05:01", &n),
            Err(TimeError::InFuture("12:05:01".into()))
        );
        // Other offsets compare as instants: 19:05Z is 12:05 at -07:00.
        assert!(parse_past_time("2026-11-20T19:05:00Z", &n).is_ok());
        assert!(parse_past_time("2026-11-20T19:06:00Z", &n).is_err());
        assert!(parse_past_time("tomorrow 9:00", &n).is_err());
        assert!(parse_past_time("now", &n).is_ok());
        assert!(parse_past_time("3h ago", &n).is_ok());
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            TimeError::NotUnderstood("tomorow 9:00".into()).to_string(),
            "`tomorow 9:00` is not a time I understand (try RFC 3339 like 2026-11-20T09:30:00-07:00, `2026-11-20 09:30`, `09:30`, `now`, `30m ago`, `yesterday 15:00`)"
        );
        assert_eq!(
            parse_past_time("2026-11-27 10:00", &now())
                .unwrap_err()
                .to_string(),
            "`2026-11-27 10:00` is in the future (more than 5 minutes after now)"
        );
        assert_eq!(
            parse_duration_minutes("1h30").unwrap_err().to_string(),
            "`1h30` is not a duration (write it with d, h, m: 90m, 8h, 1h30m, 2d)"
        );
        assert_eq!(
            TimeError::NonExistentLocalTime("2026-03-08 02:30".into(), "why".into()).to_string(),
            "`2026-03-08 02:30` does not exist in the local time zone: why"
        );
        assert_eq!(
            parse_time("yesterday", &now()).unwrap_err().to_string(),
            "`yesterday` is a date without a clock time; add the time, e.g. `yesterday 15:00` (a date alone would silently mean midnight or the current time)"
        );
        let long = "x".repeat(500);
        let msg = parse_time(&long, &now()).unwrap_err().to_string();
        assert!(msg.starts_with(&format!("`{}…`", "x".repeat(60))), "{msg}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_minutes("90m"), Ok(90));
        assert_eq!(parse_duration_minutes("8h"), Ok(480));
        assert_eq!(parse_duration_minutes("1h30m"), Ok(90));
        assert_eq!(parse_duration_minutes("2d"), Ok(2880));
        assert_eq!(parse_duration_minutes("1d2h"), Ok(1560));
        assert_eq!(parse_duration_minutes("1d2h3m"), Ok(1563));
        assert_eq!(parse_duration_minutes("1d0h5m"), Ok(1445));
        assert_eq!(parse_duration_minutes("1H30M"), Ok(90));
        assert_eq!(parse_duration_minutes(" 45m "), Ok(45));
        assert_eq!(parse_duration_minutes("36525d"), Ok(MAX_DURATION_MINUTES));
        for bad in [
            "1h30", "30", "m", "h30m", "-30m", "+30m", "1 h", "1h 30m", "30m1h", "1h1h", "1d1d",
            "1w", "1.5h", "30s", "1h30mm", "١٢m", "30m ago",
        ] {
            assert_eq!(
                parse_duration_minutes(bad),
                Err(TimeError::NotADuration(bad.into())),
                "{bad:?}"
            );
        }
        assert_eq!(parse_duration_minutes(""), Err(TimeError::EmptyDuration));
        assert_eq!(
            parse_duration_minutes("0m"),
            Err(TimeError::ZeroDuration("0m".into()))
        );
        assert_eq!(
            parse_duration_minutes("0d0h0m"),
            Err(TimeError::ZeroDuration("0d0h0m".into()))
        );
        for long in [
            "36526d",
            "99999999999999999999999m",
            "9223372036854775807d",
            "1d9223372036854775807m",
        ] {
            assert_eq!(
                parse_duration_minutes(long),
                Err(TimeError::DurationTooLong(long.into())),
                "{long:?}"
            );
        }
    }

    #[test]
    fn minutes_for_people() {
        assert_eq!(format_minutes(90), "1h30m");
        assert_eq!(format_minutes(1440), "1d");
        assert_eq!(format_minutes(5), "5m");
        assert_eq!(format_minutes(0), "0m");
        // 1501 = 1440 + 60 + 1 (the brief's "1501 -> 1d1m" is an arithmetic slip).
        assert_eq!(format_minutes(1501), "1d1h1m");
        assert_eq!(format_minutes(1441), "1d1m");
        assert_eq!(format_minutes(60), "1h");
        assert_eq!(format_minutes(1563), "1d2h3m");
        assert_eq!(format_minutes(-90), "-1h30m");
        assert!(format_minutes(i64::MIN).starts_with('-'));
        for m in [1, 59, 61, 1439, 1441, 2880, 99_999] {
            assert_eq!(parse_duration_minutes(&format_minutes(m)), Ok(m));
        }
    }

    #[test]
    fn canonical_text() {
        let t = local(2026, 11, 20, 9, 30, 0);
        assert_eq!(format_rfc3339(&t), "2026-11-20T09:30:00-07:00");
        let utc = at(0, 2026, 11, 20, 16, 30, 5);
        assert_eq!(format_rfc3339(&utc), "2026-11-20T16:30:05+00:00");
        let frac = t.checked_add_signed(TimeDelta::milliseconds(250)).unwrap();
        assert_eq!(format_rfc3339(&frac), "2026-11-20T09:30:00.250-07:00");
        let micro = t.checked_add_signed(TimeDelta::microseconds(5)).unwrap();
        assert_eq!(format_rfc3339(&micro), "2026-11-20T09:30:00.000005-07:00");
        // Round trip through the parser.
        assert_eq!(parse_time(&format_rfc3339(&micro), &now()).unwrap(), micro);
    }

    #[test]
    fn english_clock_times_out_of_range_are_refused() {
        for input in [
            "yesterday 25:00",
            "today 9:75",
            "yesterday 10:30:99",
            "yesterday 24:00",
        ] {
            assert!(
                matches!(parse_time(input, &now()), Err(TimeError::NotUnderstood(_))),
                "{input}"
            );
        }
        assert!(parse_time("yesterday 23:59", &now()).is_ok());
        assert!(parse_time("yesterday 9:05pm", &now()).is_ok());
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long_digits = "9".repeat(10_000);
        let long_letters = "a".repeat(100_000);
        let long_am = format!("today 9{}", "a".repeat(20));
        let odd = [
            "",
            " ",
            "-",
            "--",
            "ago",
            " ago",
            "- ago",
            "99:99",
            "-99999999999999d",
            "99999999999999d ago",
            "😀",
            "é:é",
            "１２:３０",
            "\u{0}",
            "\u{200b}now",
            "today 9AM",
            "today 9Am",
            "today 9Z",
            "today 9T",
            "9999-99-99 99:99",
            "0000-01-01 00:00",
            "9999-12-31T23:59:59+23:59",
            "0000-01-01T00:00:00-23:59",
            "today 9999:59",
            "9999 years ago",
            "-9999 months",
            "next 9999",
            "last jan 99",
            "12/31/9999 23:59",
            "99/99",
            "2026-11-20T",
            "2026-11-20 ",
            "12:",
            ":30",
            "12:30:",
            "12:30:00.",
            "yesterday 15:00+99:99",
            "today 12:00:00.99999999999999999999",
            "friday 25pm",
            &long_digits,
            &long_letters,
            &long_am,
            "1h30m ago ago",
            "-1h30m ago",
        ];
        let nows = [
            now(),
            mst().with_ymd_and_hms(9999, 12, 31, 23, 59, 0).unwrap(),
        ];
        for n in &nows {
            for s in odd {
                let _ = parse_time(s, n);
                let _ = parse_past_time(s, n);
                let _ = parse_duration_minutes(s);
            }
        }
    }

    #[test]
    fn token_soup_never_panics() {
        const TOKENS: [&str; 26] = [
            "yesterday",
            "today",
            "now",
            "9",
            "AM",
            "pm",
            ":",
            "-",
            "/",
            ".",
            "15",
            ",",
            "+",
            "Z",
            "T",
            " ",
            "ago",
            "days",
            "last",
            "FRI",
            "2026",
            "jan",
            "99999",
            "h",
            "30m",
            "é",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let n = now();
        for _ in 0..20_000 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = state % 7 + 1;
            for k in 0..len {
                let idx = usize::try_from((state >> (k * 5)) % 26).unwrap();
                s.push_str(TOKENS[idx]);
            }
            let _ = parse_past_time(&s, &n);
            let _ = parse_duration_minutes(&s);
        }
    }

    /// A test-only zone shaped like America/Denver in 2026: MDT (-06:00) from 2026-03-08 09:00Z
    /// to 2026-11-01 08:00Z, MST (-07:00) otherwise.
    #[derive(Debug, Clone, Copy)]
    struct Denver2026;

    impl Denver2026 {
        fn offset_at_utc(utc: &NaiveDateTime) -> FixedOffset {
            let start = NaiveDate::from_ymd_opt(2026, 3, 8)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap();
            let end = NaiveDate::from_ymd_opt(2026, 11, 1)
                .unwrap()
                .and_hms_opt(8, 0, 0)
                .unwrap();
            let hours = if *utc >= start && *utc < end { 6 } else { 7 };
            FixedOffset::west_opt(hours * 3600).unwrap()
        }
    }

    impl TimeZone for Denver2026 {
        type Offset = FixedOffset;

        fn from_offset(_: &FixedOffset) -> Self {
            Denver2026
        }

        fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
            self.offset_from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap())
        }

        fn offset_from_local_datetime(
            &self,
            local: &NaiveDateTime,
        ) -> MappedLocalTime<FixedOffset> {
            let fits: Vec<FixedOffset> = [6, 7]
                .into_iter()
                .map(|h| FixedOffset::west_opt(h * 3600).unwrap())
                .filter(|off| {
                    let utc = *local - TimeDelta::seconds(i64::from(off.local_minus_utc()));
                    Self::offset_at_utc(&utc) == *off
                })
                .collect();
            match fits.as_slice() {
                [] => MappedLocalTime::None,
                [one] => MappedLocalTime::Single(*one),
                // Deliberately the later instant (-07:00) first, so the code must pick the
                // earlier one itself.
                [a, b] => MappedLocalTime::Ambiguous(*b, *a),
                _ => unreachable!(),
            }
        }

        fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
            Self::offset_at_utc(&utc.and_hms_opt(0, 0, 0).unwrap())
        }

        fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
            Self::offset_at_utc(utc)
        }
    }

    fn denver_now(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Denver2026> {
        Denver2026
            .with_ymd_and_hms(y, mo, d, h, 0, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn dst_gap_is_refused() {
        let n = denver_now(2026, 3, 9, 12);
        assert_eq!(
            parse_time("2026-03-08 02:30", &n),
            Err(TimeError::NonExistentLocalTime(
                "2026-03-08 02:30".into(),
                "clocks moved forward from 02:00 (-07:00) to 03:00 (-06:00) on 2026-03-08, so local times from 02:00 up to 03:00 do not exist".into()
            ))
        );
        // English forms too.
        assert!(matches!(
            parse_time("yesterday 02:30", &n),
            Err(TimeError::NonExistentLocalTime(..))
        ));
        let t = parse_time("2026-03-08 03:30", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-03-08T03:30:00-06:00");
        let t = parse_time("2026-03-08 01:59", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-03-08T01:59:00-07:00");
    }

    #[test]
    fn dst_overlap_takes_the_earlier_instant() {
        let n = denver_now(2026, 11, 2, 12);
        let t = parse_time("2026-11-01 01:30", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-11-01T01:30:00-06:00");
        assert_eq!(t, at(0, 2026, 11, 1, 7, 30, 0));
    }

    #[test]
    fn offset_is_the_zones_offset_at_that_instant() {
        // now is in MDT; a winter time is stored with MST.
        let n = denver_now(2026, 3, 10, 12);
        assert_eq!(n.offset().fix().local_minus_utc(), -6 * 3600);
        let t = parse_time("2026-03-07 10:00", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-03-07T10:00:00-07:00");
        // Relative across the change: 2026-03-08 12:00 MDT is 18:00Z; 12h earlier is 06:00Z.
        let n = denver_now(2026, 3, 8, 12);
        let t = parse_time("12h ago", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-03-07T23:00:00-07:00");
        let t = parse_time("yesterday 15:00", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-03-07T15:00:00-07:00");
        let t = parse_time("10:00", &n).unwrap();
        assert_eq!(format_rfc3339(&t), "2026-03-08T10:00:00-06:00");
    }
}
