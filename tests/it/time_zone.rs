//! Local time through the real binary: daylight-saving changes, dates without a clock time, and
//! `TZ` values that cannot be used (devices, FIFOs, huge or invalid files) — SPEC §2, §4.
use crate::common;

use common::{Env, SMALL_DIARY, sha256, stderr_of};
use std::time::{Duration, Instant};

/// The `at` of the entry that `log 5 --at AT` stores in zone `tz`.
fn stored_at(tz: &str, at: &str) -> String {
    let env = Env::new();
    env.pd(&["log", "5", "--at", at])
        .env("TZ", tz)
        .assert()
        .success();
    env.entries()[0]["at"].as_str().unwrap().to_string()
}

#[test]
fn local_times_at_daylight_saving_changes_are_stored_with_the_right_offset() {
    for (tz, at, expected) in [
        // Once only, after the autumn change: standard time (issue 13 found -06:00).
        (
            "America/Denver",
            "2026-11-01 02:00",
            "2026-11-01T02:00:00-07:00",
        ),
        // Twice: the earlier instant (daylight-saving time).
        (
            "America/Denver",
            "2026-11-01 01:30",
            "2026-11-01T01:30:00-06:00",
        ),
        (
            "America/Denver",
            "2026-11-01 01:00",
            "2026-11-01T01:00:00-06:00",
        ),
        (
            "America/Denver",
            "2026-03-08 03:00",
            "2026-03-08T03:00:00-06:00",
        ),
        (
            "America/Denver",
            "2026-03-08 01:59",
            "2026-03-08T01:59:00-07:00",
        ),
        (
            "Europe/Berlin",
            "2026-10-25 03:00",
            "2026-10-25T03:00:00+01:00",
        ),
        (
            "Europe/Berlin",
            "2026-10-25 02:30",
            "2026-10-25T02:30:00+02:00",
        ),
        (
            "Australia/Sydney",
            "2026-04-05 02:30",
            "2026-04-05T02:30:00+11:00",
        ),
        (
            "Australia/Sydney",
            "2026-04-05 03:00",
            "2026-04-05T03:00:00+10:00",
        ),
    ] {
        assert_eq!(stored_at(tz, at), expected, "{tz} {at}");
    }
}

#[test]
fn a_local_time_in_a_gap_is_refused_and_shows_the_gap() {
    for (tz, at, gap) in [
        (
            "America/Denver",
            "2026-03-08 02:00",
            "clocks moved forward from 02:00 (-07:00) to 03:00 (-06:00) on 2026-03-08, so local times from 02:00 up to 03:00 do not exist",
        ),
        (
            "Europe/Berlin",
            "2026-03-29 02:59",
            "clocks moved forward from 02:00 (+01:00) to 03:00 (+02:00) on 2026-03-29, so local times from 02:00 up to 03:00 do not exist",
        ),
    ] {
        let env = Env::new();
        env.write_diary(SMALL_DIARY);
        let before = sha256(&env.diary());
        let out = env
            .pd(&["log", "5", "--at", at])
            .env("TZ", tz)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{tz} {at}");
        let err = stderr_of(&out);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("--at"), "{err}");
        assert!(
            err.contains(&format!(
                "`{at}` does not exist in the local time zone: {gap}\n"
            )),
            "{err}"
        );
        assert_eq!(sha256(&env.diary()), before);
        assert!(!env.path("diary.json.bak").exists());
    }
}

#[test]
fn a_date_without_a_clock_time_is_refused() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    for (at, example) in [
        ("yesterday", "`yesterday 15:00`"),
        ("last tuesday", "`last tuesday 15:00`"),
        ("2026-11-20", "`2026-11-20 15:00`"),
        ("today", "`today 15:00` or `now`"),
    ] {
        for cmd in [
            vec!["log", "5", "--at", at],
            vec!["block", "--anesthetic", "lidocaine", "--at", at],
            vec!["amend", "e1", "--at", at],
        ] {
            let out = env.pd(&cmd).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{cmd:?}");
            let err = stderr_of(&out);
            assert!(err.starts_with("error: "), "{err}");
            // (`amend` puts the diary and the record first; clap names `--at <TIME>`.)
            assert!(err.contains("--at"), "{cmd:?}: {err}");
            assert!(
                err.contains(&format!(
                    "`{at}` is a date without a clock time; add the time, e.g. {example} (a date alone would silently mean midnight or the current time)\n"
                )),
                "{cmd:?}: {err}"
            );
            assert_eq!(sha256(&env.diary()), before, "{cmd:?}");
        }
    }
    // With a clock time they are fine.
    env.ok(&["log", "5", "--at", "yesterday 15:00"]);
    env.ok(&["log", "4", "--at", "last tuesday 3pm"]);
    let ats: Vec<String> = env
        .entries()
        .iter()
        .map(|e| e["at"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ats.contains(&"2026-11-19T15:00:00-07:00".to_string()),
        "{ats:?}"
    );
    assert!(
        ats.contains(&"2026-11-17T15:00:00-07:00".to_string()),
        "{ats:?}"
    );
}

/// Runs `log 5 --at '2026-11-01 02:00'` with `TZ=value`; it must finish quickly, warn once,
/// and use UTC.
fn unusable_tz(value: &str, reason: &str) {
    let env = Env::new();
    let start = Instant::now();
    let out = env
        .pd(&["log", "5", "--at", "2026-11-01 02:00"])
        .env("TZ", value)
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "TZ={value}: too slow"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "TZ={value}: {}",
        stderr_of(&out)
    );
    let warning = format!(
        "paindiary: warning: TZ=\"{value}\" cannot be used ({reason}); local times are in UTC\n"
    );
    let err = stderr_of(&out);
    assert!(err.starts_with(&warning), "TZ={value}: {err}");
    assert_eq!(err.matches("cannot be used").count(), 1, "{err}");
    assert_eq!(env.entries()[0]["at"], "2026-11-01T02:00:00+00:00");
}

#[test]
fn an_unusable_tz_warns_once_never_hangs_and_uses_utc() {
    let dir = tempfile::tempdir().unwrap();
    unusable_tz("/dev/zero", "it is not a regular file");
    unusable_tz("/dev/urandom", "it is not a regular file");
    unusable_tz(
        "Nowhere/Land",
        "no such zone in the time zone database, and not a POSIX TZ rule",
    );
    // A FIFO nobody writes to.
    let fifo = dir.path().join("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    unusable_tz(fifo.to_str().unwrap(), "it is not a regular file");
    // A huge (sparse) file and an invalid one.
    let huge = dir.path().join("huge");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(8 * 1024 * 1024 * 1024)
        .unwrap();
    unusable_tz(huge.to_str().unwrap(), "the file is larger than 256 KiB");
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "not zone data").unwrap();
    unusable_tz(junk.to_str().unwrap(), "it is not valid time zone data");
    // A value holding escapes is shown escaped.
    let env = Env::new();
    let out = env.pd(&["list"]).env("TZ", "\u{1b}[2J").output().unwrap();
    let err = stderr_of(&out);
    assert!(err.contains("TZ=\"\\u{1b}[2J\" cannot be used"), "{err}");
    assert!(!err.contains('\u{1b}'));
}

#[test]
fn usable_tz_forms_give_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("/usr/share/zoneinfo/Europe/Berlin", dir.path().join("Mine")).unwrap();
    for (tz, tzdir, expected) in [
        ("Europe/Berlin", None, "2026-10-25T03:00:00+01:00"),
        (":Europe/Berlin", None, "2026-10-25T03:00:00+01:00"),
        (
            "/usr/share/zoneinfo/Europe/Berlin",
            None,
            "2026-10-25T03:00:00+01:00",
        ),
        (
            "CET-1CEST,M3.5.0,M10.5.0/3",
            None,
            "2026-10-25T03:00:00+01:00",
        ),
        ("Mine", Some(dir.path()), "2026-10-25T03:00:00+01:00"),
        ("", None, "2026-10-25T03:00:00+00:00"),
    ] {
        let env = Env::new();
        let mut cmd = env.pd(&["log", "5", "--at", "2026-10-25 03:00"]);
        cmd.env("TZ", tz);
        if let Some(d) = tzdir {
            cmd.env("TZDIR", d);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{tz}");
        assert!(
            !stderr_of(&out).contains("warning"),
            "{tz}: {}",
            stderr_of(&out)
        );
        assert_eq!(env.entries()[0]["at"], expected, "TZ={tz}");
    }
}
