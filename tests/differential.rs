//! Differential test of SPEC §3: `paindiary evaluate --format json` on 1,000 random diaries
//! (every protocol, threshold and window overrides, boundary times, mixed offsets, retracted
//! entries, shuffled files) against `tests/oracle/spec3_reference.py`, an independent Python
//! reading of §3 written from the spec alone. Every key of every block must agree.
use std::process::Command;

#[test]
// The reference in tests/oracle/ reads SPEC v1 §3; evaluation v2 changed the rules and the
// schema. The oracle helper replaces this test with one against a v2 reading.
#[ignore = "the oracle still reads SPEC v1 §3; replaced by the v2 differential test"]
fn evaluate_agrees_with_the_independent_reference_of_spec_section_3() {
    let work = tempfile::tempdir().expect("temp dir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/differential.py");
    let out = Command::new("python3")
        .args([
            script,
            env!("CARGO_BIN_EXE_paindiary"),
            &work.path().display().to_string(),
            "0",
            "1000",
        ])
        .env("TZ", "UTC")
        .env_remove("PAINDIARY_FILE")
        .output()
        .expect("python3 runs (CI machines have it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the engine and the reference disagree:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1000 diaries compared, 0 differing"),
        "{stdout}\n{stderr}"
    );
}
