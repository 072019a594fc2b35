use super::*;
use crate::time_input::{TimeError, format_rfc3339, parse_time};
use chrono::{DateTime, NaiveDate, TimeDelta};
use std::time::{Duration, Instant};

const ZONEINFO: &str = "/usr/share/zoneinfo";

fn zone(name: &str) -> Zone {
    zone_from_tz(name, Path::new(ZONEINFO)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A `now` in `zone` at a local wall time (unambiguous).
fn now_in(zone: &Zone, date: NaiveDate, h: u32, m: u32) -> DateTime<Zone> {
    zone.from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
        .single()
        .unwrap()
}

fn stored(zone_name: &str, input: &str, now_date: (i32, u32, u32)) -> Result<String, TimeError> {
    let z = zone(zone_name);
    let date = NaiveDate::from_ymd_opt(now_date.0, now_date.1, now_date.2).unwrap();
    parse_time(input, &now_in(&z, date, 23, 30)).map(|t| format_rfc3339(&t))
}

#[test]
fn the_reported_instants_are_right() {
    // Issue 13: 02:00 after the autumn change is MST (it exists once), not MDT.
    let ok = |zone, input, expected: &str| {
        assert_eq!(
            stored(zone, input, (2026, 12, 1)).as_deref(),
            Ok(expected),
            "{zone} {input}"
        );
    };
    ok(
        "America/Denver",
        "2026-11-01 02:00",
        "2026-11-01T02:00:00-07:00",
    );
    ok(
        "America/Denver",
        "2026-11-01 01:59",
        "2026-11-01T01:59:00-06:00",
    );
    ok(
        "America/Denver",
        "2026-11-01 01:00",
        "2026-11-01T01:00:00-06:00",
    );
    ok(
        "America/Denver",
        "2026-11-01 00:59",
        "2026-11-01T00:59:00-06:00",
    );
    ok(
        "America/Denver",
        "2026-03-08 01:59",
        "2026-03-08T01:59:00-07:00",
    );
    ok(
        "America/Denver",
        "2026-03-08 03:00",
        "2026-03-08T03:00:00-06:00",
    );
    ok(
        "Europe/Berlin",
        "2026-10-25 03:00",
        "2026-10-25T03:00:00+01:00",
    );
    ok(
        "Europe/Berlin",
        "2026-10-25 02:00",
        "2026-10-25T02:00:00+02:00",
    );
    ok(
        "Europe/Berlin",
        "2026-10-25 02:59",
        "2026-10-25T02:59:00+02:00",
    );
    ok(
        "Europe/Berlin",
        "2026-03-29 03:00",
        "2026-03-29T03:00:00+02:00",
    );
    ok(
        "Australia/Sydney",
        "2026-04-05 02:00",
        "2026-04-05T02:00:00+11:00",
    );
    ok(
        "Australia/Sydney",
        "2026-04-05 03:00",
        "2026-04-05T03:00:00+10:00",
    );
    ok(
        "Australia/Sydney",
        "2026-10-04 03:00",
        "2026-10-04T03:00:00+11:00",
    );
    for (zone_name, input, gap) in [
        (
            "America/Denver",
            "2026-03-08 02:00",
            "clocks moved forward from 02:00 (-07:00) to 03:00 (-06:00) on 2026-03-08, so local times from 02:00 up to 03:00 do not exist",
        ),
        (
            "Europe/Berlin",
            "2026-03-29 02:30",
            "clocks moved forward from 02:00 (+01:00) to 03:00 (+02:00) on 2026-03-29, so local times from 02:00 up to 03:00 do not exist",
        ),
        (
            "Australia/Sydney",
            "2026-10-04 02:59",
            "clocks moved forward from 02:00 (+10:00) to 03:00 (+11:00) on 2026-10-04, so local times from 02:00 up to 03:00 do not exist",
        ),
    ] {
        assert_eq!(
            stored(zone_name, input, (2026, 12, 1)),
            Err(TimeError::NonExistentLocalTime(input.into(), gap.into())),
            "{zone_name} {input}"
        );
    }
}

/// Every local minute from 3 h before to 3 h after each 2026 change, in three zones and in
/// three input forms, against an oracle that only maps instants to offsets: a wall time that
/// no instant shows is refused, one that two show takes the earlier instant.
#[test]
fn every_boundary_minute_in_three_zones() {
    let changes = [
        ("America/Denver", (2026, 3, 8), 2),
        ("America/Denver", (2026, 11, 1), 2),
        ("Europe/Berlin", (2026, 3, 29), 2),
        ("Europe/Berlin", (2026, 10, 25), 3),
        ("Australia/Sydney", (2026, 4, 5), 3),
        ("Australia/Sydney", (2026, 10, 4), 2),
    ];
    let mut checked = 0;
    let (mut gaps, mut folds) = (0, 0);
    for (name, (y, mo, d), hour) in changes {
        let z = zone(name);
        let day = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
        let change = day.and_hms_opt(hour, 0, 0).unwrap();
        let offset_at = |utc: NaiveDateTime| z.offset_at_seconds(utc.and_utc().timestamp());
        let offsets = [
            offset_at(change - TimeDelta::days(1)),
            offset_at(change + TimeDelta::days(1)),
        ];
        assert_ne!(offsets[0], offsets[1], "{name} {day}: no change found");
        let same_day_now = now_in(&z, day, 23, 30);
        let next_day_now = now_in(&z, day.succ_opt().unwrap(), 12, 0);
        for minute in -180..=180 {
            let wall = change + TimeDelta::minutes(minute);
            // The oracle: the instants whose offset shows this wall time.
            let mut instants: Vec<DateTime<FixedOffset>> = offsets
                .iter()
                .filter_map(|o| {
                    let utc = wall - TimeDelta::seconds(i64::from(o.local_minus_utc()));
                    (offset_at(utc) == *o).then(|| o.from_utc_datetime(&utc))
                })
                .collect();
            instants.sort();
            instants.dedup();
            let expected = instants.first().map(format_rfc3339);
            match instants.len() {
                0 => gaps += 1,
                2 => folds += 1,
                _ => {}
            }
            let mut inputs = vec![(wall.format("%Y-%m-%d %H:%M").to_string(), &same_day_now)];
            // The forms without a date name the day of the change.
            if wall.date() == day {
                inputs.push((wall.format("%H:%M").to_string(), &same_day_now));
                inputs.push((format!("yesterday {}", wall.format("%H:%M")), &next_day_now));
            }
            for (input, now) in inputs {
                let got = parse_time(&input, now);
                match &expected {
                    Some(text) => assert_eq!(
                        got.as_ref().map(format_rfc3339).ok().as_ref(),
                        Some(text),
                        "{name} {input}: {got:?}"
                    ),
                    None => assert!(
                        matches!(got, Err(TimeError::NonExistentLocalTime(..))),
                        "{name} {input}: {got:?}"
                    ),
                }
                checked += 1;
            }
        }
    }
    // Three gaps and three folds of 60 minutes each.
    assert_eq!((gaps, folds), (180, 180));
    assert!(checked > 5000, "{checked}");
}

#[test]
fn tz_values_as_the_c_library_reads_them() {
    let zi = Path::new(ZONEINFO);
    let offset_in = |z: &Zone, utc: &str| {
        let t = DateTime::parse_from_rfc3339(utc).unwrap().naive_utc();
        z.offset_from_utc_datetime(&t).fix().local_minus_utc() / 3600
    };
    let denver = zone_from_tz("America/Denver", zi).unwrap();
    assert_eq!(offset_in(&denver, "2026-07-01T00:00:00Z"), -6);
    assert_eq!(offset_in(&denver, "2026-12-01T00:00:00Z"), -7);
    let colon = zone_from_tz(":America/Denver", zi).unwrap();
    assert_eq!(offset_in(&colon, "2026-12-01T00:00:00Z"), -7);
    let path = zone_from_tz("/usr/share/zoneinfo/Europe/Berlin", zi).unwrap();
    assert_eq!(offset_in(&path, "2026-07-01T00:00:00Z"), 2);
    let posix = zone_from_tz("MST7MDT,M3.2.0,M11.1.0", zi).unwrap();
    assert_eq!(offset_in(&posix, "2026-07-01T00:00:00Z"), -6);
    assert_eq!(offset_in(&posix, "2026-12-01T00:00:00Z"), -7);
    let fixed = zone_from_tz("JST-9", zi).unwrap();
    assert_eq!(offset_in(&fixed, "2026-07-01T00:00:00Z"), 9);
    assert_eq!(zone_from_tz("", zi).unwrap().name(), "UTC");

    for bad in [
        "Nowhere/Land",
        "../../etc/passwd",
        "America/../../etc/passwd",
        "x y",
    ] {
        assert_eq!(
            zone_from_tz(bad, zi).unwrap_err(),
            "no such zone in the time zone database, and not a POSIX TZ rule",
            "{bad}"
        );
    }
}

#[test]
fn zone_files_are_read_bounded_and_never_block() {
    let dir = tempfile::tempdir().unwrap();
    let zi = dir.path();
    let err = |value: &str| zone_from_tz(value, zi).unwrap_err();

    assert_eq!(err("/dev/zero"), "it is not a regular file");
    assert_eq!(err("/dev/null"), "it is not a regular file");
    assert_eq!(err(&zi.display().to_string()), "it is not a regular file");
    assert_eq!(err("/no/such/zone"), "no such file");

    // A FIFO with no writer: opening it must not wait for one.
    let fifo = zi.join("fifo");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let fifo_text = fifo.display().to_string();
    let dir_path = zi.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(zone_from_tz(&fifo_text, &dir_path).map(|z| z.name().to_owned()));
    });
    let start = Instant::now();
    let got = rx.recv_timeout(Duration::from_secs(5));
    assert_eq!(got, Ok(Err("it is not a regular file".to_owned())));
    assert!(start.elapsed() < Duration::from_secs(2));
    // The same FIFO by zone name.
    assert_eq!(err("fifo"), "it is not a regular file");

    // A huge (sparse) file is refused by its size, without reading it.
    let huge = zi.join("Huge");
    File::create(&huge)
        .unwrap()
        .set_len(4 * 1024 * 1024 * 1024)
        .unwrap();
    let start = Instant::now();
    assert_eq!(err("Huge"), "the file is larger than 256 KiB");
    assert!(start.elapsed() < Duration::from_secs(1));

    // Junk is not zone data.
    std::fs::write(zi.join("Junk"), b"TZif2 but not really").unwrap();
    assert_eq!(err("Junk"), "it is not valid time zone data");
    std::fs::write(zi.join("Empty"), b"").unwrap();
    assert_eq!(err("Empty"), "it is not valid time zone data");
    // Real data found through TZDIR-like folders works.
    std::fs::copy("/usr/share/zoneinfo/Europe/Berlin", zi.join("Mine")).unwrap();
    assert_eq!(zone_from_tz("Mine", zi).unwrap().name(), "Mine");
}

#[test]
fn warnings_name_the_value_and_the_zone_used() {
    let w = named_or_warn(Err("it is not a regular file".into()), "/dev/zero");
    assert_eq!(w.zone.name(), "UTC");
    assert_eq!(
        w.warning.as_deref(),
        Some("TZ=\"/dev/zero\" cannot be used (it is not a regular file); local times are in UTC")
    );
    let ok = named_or_warn(Ok(Zone::utc()), "UTC");
    assert!(ok.warning.is_none());
}
