//! Reliability (SPEC §4): modes, backups, the writer lock, concurrent writers, and crash safety
//! under SIGKILL.
use crate::common;

use common::{Env, SMALL_DIARY, leftover_temps, mode, sha256};
use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn a_rewrite_keeps_the_mode_and_the_backup_has_it_too() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    std::fs::set_permissions(env.diary(), std::fs::Permissions::from_mode(0o640)).unwrap();
    env.ok(&["log", "5"]);
    assert_eq!(mode(&env.diary()), 0o640);
    assert_eq!(mode(&env.path("diary.json.bak")), 0o640);
    assert_eq!(
        std::fs::read_to_string(env.path("diary.json.bak")).unwrap(),
        SMALL_DIARY
    );
}

#[test]
fn new_diaries_and_their_backups_are_private() {
    let env = Env::new();
    env.ok(&["log", "5"]);
    env.ok(&["log", "6"]);
    assert_eq!(mode(&env.diary()), 0o600);
    assert_eq!(mode(&env.path("diary.json.bak")), 0o600);
}

#[test]
fn leftover_temporary_files_are_removed_by_the_next_write() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let ours = [".diary.json.tmp-abcDEF1234", ".diary.json.tmp-0123456789"];
    for name in ours {
        std::fs::write(env.path(name), "partial").unwrap();
    }
    // Not ours: another diary's temporary file and a user's file.
    let others = [
        ".diary.json2.tmp-abcDEF1234",
        ".diary.json.tmp-keep",
        "notes.txt",
    ];
    for name in others {
        std::fs::write(env.path(name), "x").unwrap();
    }
    env.ok(&["log", "5"]);
    for name in ours {
        assert!(!env.path(name).exists(), "{name} left behind");
    }
    for name in others {
        assert!(env.path(name).exists(), "{name} removed");
    }
}

#[test]
fn a_held_lock_makes_a_writer_wait_then_succeed() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(env.path("diary.json.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = env
        .std_cmd(&["log", "5"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "log finished while the lock was held"
    );
    assert_eq!(
        std::fs::read_to_string(env.diary()).unwrap(),
        SMALL_DIARY,
        "written without the lock"
    );
    lock.unlock().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(env.entries().len(), 3);
}

#[test]
fn a_lock_not_obtained_is_exit_1_and_changes_nothing() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let before = sha256(&env.diary());
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(env.path("diary.json.lock"))
        .unwrap();
    lock.lock().unwrap();
    for args in [&["log", "5"][..], &["block", "--anesthetic", "lidocaine"]] {
        let out = env
            .std_cmd(args)
            .env("PAINDIARY_LOCK_TIMEOUT_MS", "200")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("diary.json"), "{err}");
        assert!(err.contains("lock"), "{err}");
        assert_eq!(sha256(&env.diary()), before, "{args:?} changed the diary");
    }
    lock.unlock().unwrap();
    let out = env
        .std_cmd(&["log", "5"])
        .env("PAINDIARY_LOCK_TIMEOUT_MS", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PAINDIARY_LOCK_TIMEOUT_MS"));
}

#[test]
fn concurrent_writers_lose_nothing() {
    const PROCESSES: usize = 8;
    const CALLS: usize = 25;
    let env = Env::new();
    env.ok(&["init", "--patient", "C"]);
    std::thread::scope(|scope| {
        for p in 0..PROCESSES {
            let env = &env;
            scope.spawn(move || {
                for c in 0..CALLS {
                    let score = ((p * CALLS + c) % 11).to_string();
                    let note = format!("p{p} c{c}");
                    let out = env
                        .std_cmd(&["log", &score, "--note", &note])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "p{p} c{c}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    let bytes = std::fs::read(env.diary()).unwrap();
    let diary = paindiary::diary::parse_diary(&bytes).expect("valid diary");
    assert_eq!(diary.entries.len(), PROCESSES * CALLS);
    let ids: HashSet<&str> = diary.entries.iter().map(|e| e.id.as_str()).collect();
    let expected: HashSet<String> = (1..=PROCESSES * CALLS).map(|i| format!("e{i}")).collect();
    assert_eq!(
        ids,
        expected.iter().map(String::as_str).collect::<HashSet<_>>()
    );
    let notes: HashSet<&str> = diary
        .entries
        .iter()
        .filter_map(|e| e.details.note.as_deref())
        .collect();
    assert_eq!(
        notes.len(),
        PROCESSES * CALLS,
        "every call's entry is there"
    );
    assert_eq!(diary.patient_id(), Some("C"));
    assert!(leftover_temps(env.dir.path(), "diary.json").is_empty());
}

/// A tiny xorshift generator (no extra dependency); the seed is printed for reproduction.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn big_diary(entries: usize) -> String {
    let mut s = String::with_capacity(entries * 110 + 200);
    s.push_str("{\n  \"format\": \"paindiary\",\n  \"version\": 1,\n  \"patient\": {\"id\": \"BIG\"},\n  \"procedures\": [],\n  \"entries\": [\n");
    for i in 0..entries {
        // One entry a minute, going back from the clock.
        let minutes = entries - i;
        let t = chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap()
            - chrono::Duration::minutes(minutes as i64);
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "    {{\"id\":\"e{}\",\"at\":\"{}\",\"score\":{},\"activity\":null,\"relief\":null,\"medication\":null,\"note\":null}}",
            i + 1,
            t.to_rfc3339(),
            i % 11
        ));
    }
    s.push_str("\n  ]\n}\n");
    s
}

#[derive(serde::Deserialize)]
struct Counted {
    entries: Vec<serde::de::IgnoredAny>,
}

/// The number of entries, or a panic when the file is not valid JSON of that shape.
fn count_entries(bytes: &[u8]) -> usize {
    serde_json::from_slice::<Counted>(bytes)
        .unwrap_or_else(|e| panic!("the diary is not valid JSON after a kill: {e}"))
        .entries
        .len()
}

#[test]
fn sigkill_at_any_moment_leaves_the_old_or_the_new_diary() {
    const ENTRIES: usize = 50_000;
    const ITERATIONS: usize = 30;
    let env = Env::new();
    env.write_diary(&big_diary(ENTRIES));
    let mut current = std::fs::read(env.diary()).unwrap();
    let mut n = count_entries(&current);
    assert_eq!(n, ENTRIES);

    // One uncut run: it works, and it tells how long a whole `log` takes here.
    let started = Instant::now();
    env.ok(&["log", "5", "--at", "11:00"]);
    let full = started.elapsed();
    current = std::fs::read(env.diary()).unwrap();
    assert_eq!(count_entries(&current), n + 1);
    n += 1;

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}, an uncut log takes {full:?}");
    let mut rng = Rng(seed);
    let (mut old, mut new, mut most_temps) = (0, 0, 0);
    let budget = Instant::now();
    for i in 0..ITERATIONS {
        // Half the kills land in the first 50 ms (start-up, read, lock), half anywhere in a
        // whole run (so also while the new version is written, flushed and renamed).
        let span = if i % 2 == 0 {
            50
        } else {
            full.as_millis() as u64 + 20
        };
        let delay = Duration::from_millis(rng.below(span + 1));
        let mut child = env
            .std_cmd(&["log", "4", "--at", "11:30"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().ok(); // SIGKILL; an error means it had already finished
        child.wait().unwrap();

        let bytes = std::fs::read(env.diary()).unwrap();
        if bytes == current {
            old += 1;
        } else {
            assert_eq!(
                count_entries(&bytes),
                n + 1,
                "iteration {i} (delay {delay:?}): neither the old nor the new diary"
            );
            n += 1;
            current = bytes;
            new += 1;
        }
        let temps = leftover_temps(env.dir.path(), "diary.json");
        most_temps = most_temps.max(temps.len());
        assert!(
            temps.len() <= 2,
            "iteration {i}: {} temporary files: {temps:?}",
            temps.len()
        );
        if budget.elapsed() > Duration::from_secs(25) {
            eprintln!("stopping after {} iterations to keep the test short", i + 1);
            break;
        }
    }
    eprintln!(
        "{old} kills left the old diary, {new} the new one; at most {most_temps} temporary files"
    );

    // The next successful write works and cleans up.
    env.ok(&["log", "3", "--at", "11:45"]);
    assert!(leftover_temps(env.dir.path(), "diary.json").is_empty());
    let bytes = std::fs::read(env.diary()).unwrap();
    let diary = paindiary::diary::parse_diary(&bytes).expect("valid diary");
    assert_eq!(diary.entries.len(), n + 1);
    let ids: HashSet<&str> = diary.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), n + 1, "ids stay unique");
    assert_eq!(
        count_entries(&std::fs::read(env.path("diary.json.bak")).unwrap()),
        n
    );
}
