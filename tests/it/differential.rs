//! Differential test of SPEC §3 v2: `paindiary evaluate --format json` on random diaries (blocks
//! and RFAs with months of follow-up, every protocol, boundary times) against
//! `tests/oracle/spec3_reference.py`, an independent Python reading of §3 written from the spec
//! alone. Skipped, with a message, when `python3` is missing.
//!
//! `PAINDIARY_DIFF_N` (default 300) and `PAINDIARY_DIFF_SEED` (default 0) choose the diaries;
//! 10,000 of them: `PAINDIARY_DIFF_N=10000 cargo nextest run -E 'binary(differential)'`.
use std::path::Path;
use std::process::{Command, Output};

const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle");

/// `python3 ARGS…`, or `None` (after saying so) when there is no python3 (3.9 or newer, with
/// the America/Denver zone) to run.
fn python3(args: &[&str], what: &str) -> Option<Output> {
    let probe = Command::new("python3")
        .args(["-c", "import zoneinfo; zoneinfo.ZoneInfo('America/Denver')"])
        .output();
    if !probe.as_ref().is_ok_and(|out| out.status.success()) {
        println!("SKIPPED {what}: no python3 >= 3.9 with the America/Denver time zone");
        eprintln!("SKIPPED {what}: no python3 >= 3.9 with the America/Denver time zone");
        return None;
    }
    match Command::new("python3")
        .args(args)
        .env_remove("PAINDIARY_FILE")
        .output()
    {
        Ok(out) => Some(out),
        Err(err) => {
            println!(
                "SKIPPED {what}: python3 could not be run ({err}); install Python 3.9 or newer"
            );
            eprintln!("SKIPPED {what}: python3 could not be run ({err})");
            None
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn evaluate_agrees_with_the_independent_reference_of_spec_section_3_on_random_diaries() {
    let work = tempfile::tempdir().expect("temp dir");
    let script = Path::new(ORACLE).join("differential.py");
    let n = std::env::var("PAINDIARY_DIFF_N").unwrap_or_else(|_| "300".into());
    let seed = std::env::var("PAINDIARY_DIFF_SEED").unwrap_or_else(|_| "0".into());
    let work_dir = work.path().display().to_string();
    let args = [
        script.to_str().expect("utf-8 path"),
        env!("CARGO_BIN_EXE_paindiary"),
        &work_dir,
        &seed,
        &n,
    ];
    let Some(out) = python3(&args, "the differential test of SPEC §3") else {
        return;
    };
    let report = text(&out);
    assert!(
        out.status.success(),
        "the engine and the reference reading of SPEC §3 disagree:\n{report}"
    );
    assert!(
        report.contains(&format!("{n} diaries")) && report.contains(" 0 differing"),
        "{report}"
    );
    // With the default diaries, every code of §3.2–3.4 and §3.6 (reasons, flags, next steps,
    // RFA outcomes) is reached: the comparison covers every rule, not only the common ones.
    if std::env::var_os("PAINDIARY_DIFF_N").is_none()
        && std::env::var_os("PAINDIARY_DIFF_SEED").is_none()
    {
        assert!(report.contains("never reached: []"), "{report}");
    }
}

#[test]
fn the_reference_reading_passes_its_hand_derived_rule_by_rule_checks() {
    let Some(out) = python3(
        &[
            "-m",
            "unittest",
            "discover",
            "-s",
            ORACLE,
            "-p",
            "test_*.py",
        ],
        "the oracle's unit tests",
    ) else {
        return;
    };
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("OK"), "{report}");
}
