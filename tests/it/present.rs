//! `chart` and `report` driven through the real binary in a temporary folder.

use crate::common::{self, BIN, NOW_NEXT_DAY as NOW, UTC, sha256};
use assert_cmd::Command;
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// The binary with a fixed clock and zone, no inherited diary or colour settings.
fn paindiary(dir: &Path) -> Command {
    common::clean(dir, common::scratch_home(), NOW, UTC)
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A diary built with `init`, `block` and `log`: a positive lidocaine block.
fn logged_diary(dir: &Path) -> PathBuf {
    let file = dir.join("diary.json");
    let run = |args: &[&str]| {
        paindiary(dir)
            .arg("--file")
            .arg(&file)
            .args(args)
            .assert()
            .success();
    };
    run(&["init", "--patient", "PT-0042"]);
    run(&[
        "block",
        "--anesthetic",
        "lidocaine",
        "--at",
        "2026-11-20 09:30",
        "--levels",
        "L4-L5,L5-S1",
    ]);
    for (score, at) in [
        ("7", "08:45"),
        ("8", "09:10"),
        ("3", "09:45"),
        ("2", "10:00"),
        ("2", "10:30"),
        ("1", "11:30"),
        ("2", "12:30"),
        ("5", "13:30"),
        ("7", "15:30"),
    ] {
        run(&[
            "log",
            score,
            "--at",
            &format!("2026-11-20 {at}"),
            "--activity",
            "standing",
        ]);
    }
    file
}

fn entry(id: &str, at: &str, score: f64) -> Value {
    json!({"id": id, "at": at, "score": score, "activity": "standing",
           "relief": null, "medication": null, "note": null})
}

/// A diary written as JSON, with hostile text: an ESC in the block id, a script in a note,
/// and a retracted entry.
fn hostile_diary(dir: &Path) -> PathBuf {
    let mut entries = vec![
        entry("e1", "2026-11-20T09:00:00+00:00", 8.0),
        entry("e2", "2026-11-20T09:45:00+00:00", 2.0),
        entry("e3", "2026-11-20T10:30:00+00:00", 2.0),
        entry("e4", "2026-11-20T11:30:00+00:00", 3.0),
        entry("e5", "2026-11-20T13:30:00+00:00", 7.0),
        entry("e6", "2026-11-20T14:00:00+00:00", 9.0),
    ];
    entries[2]["note"] = json!("<script>alert(1)</script>");
    entries[5]["retracted"] =
        json!({"at": "2026-11-20T15:00:00+00:00", "reason": "wrong \"joint\" & 'side'"});
    let diary = json!({
        "format": "paindiary",
        "version": 1,
        "patient": {"id": "PT-<b>7</b>"},
        "procedures": [{
            "id": "b\u{1b}[2J1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00+00:00",
            "region": "lumbar", "levels": ["L4-L5"], "side": "left", "anesthetic": "bupivacaine",
            "steroid": false, "sedation": "none", "note": null
        }],
        "entries": entries,
    });
    let file = dir.join("hostile.json");
    fs::write(&file, serde_json::to_vec_pretty(&diary).unwrap()).unwrap();
    file
}

fn chart(dir: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    paindiary(dir)
        .arg("--file")
        .arg(file)
        .args(extra)
        .arg("chart")
        .output()
        .unwrap()
}

#[test]
fn chart_fits_80_columns_with_baseline_and_threshold_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = logged_diary(dir.path());
    let before = sha256(&file);
    let out = chart(dir.path(), &file, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for line in text.lines() {
        assert!(line.width() <= 80, "{} columns: {line:?}", line.width());
    }
    assert!(!text.contains('\x1b'), "not a terminal: no colour");
    assert!(text.contains("Block b1 (lidocaine, 2026-11-20 09:30 +00:00): positive"));
    assert!(text.contains("peak relief 86.7 %"));
    assert!(text.contains("baseline 7.5 (2 readings) | threshold 3.8 (50 % relief)"));
    let row = |label: &str| {
        text.lines()
            .find(|l| l.contains(" ┤") && l.ends_with(label))
            .unwrap_or_else(|| panic!("no {label} line in\n{text}"))
            .to_string()
    };
    assert!(row(" baseline").contains('─'));
    assert!(row(" threshold").contains('┈'));
    assert!(text.contains('#'), "readings of the relief run");
    assert!(text.contains("Next step: rfa"));
    assert_eq!(sha256(&file), before, "chart never writes the diary");
}

#[test]
fn chart_protocol_options() {
    let dir = tempfile::tempdir().unwrap();
    let file = logged_diary(dir.path());
    let out = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .args(["chart", "--protocol", "cms"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("protocol cms (T = 80 % relief"));
    assert!(text.contains("threshold 1.5 (80 % relief)"), "{text}");
    let out = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .args(["chart", "--protocol", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid value 'nope' for '--protocol"));
}

#[test]
fn chart_escapes_an_esc_in_an_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = hostile_diary(dir.path());
    for colour in [
        &[][..],
        &["--color", "never"][..],
        &["--color", "always"][..],
    ] {
        let out = chart(dir.path(), &file, colour);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("b\\u{1b}[2J1"), "{text}");
        assert!(!text.contains("\x1b[2J"));
        // With colour, the only escape sequences are the chart's own SGR colours.
        let stripped = text
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| match i {
                0 => part,
                _ => part
                    .strip_prefix('[')
                    .and_then(|p| p.find('m').map(|m| &p[m + 1..]))
                    .expect("only SGR sequences"),
            })
            .collect::<String>();
        for line in stripped.lines() {
            assert!(line.width() <= 80, "{line:?}");
        }
    }
}

#[test]
fn chart_colour_follows_no_color_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = hostile_diary(dir.path());
    let run = |no_color: bool, args: &[&str]| {
        let mut cmd = paindiary(dir.path());
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd
            .arg("--file")
            .arg(&file)
            .args(args)
            .arg("chart")
            .output()
            .unwrap();
        assert!(out.status.success());
        stdout(&out)
    };
    assert!(!run(true, &[]).contains('\x1b'));
    assert!(!run(false, &["--color", "never"]).contains('\x1b'));
    assert!(!run(true, &["--color", "never"]).contains('\x1b'));
    assert!(run(false, &["--color", "always"]).contains("\x1b["));
    assert!(
        run(true, &["--color", "always"]).contains("\x1b["),
        "an explicit --color always wins over NO_COLOR"
    );
}

#[test]
fn report_is_self_contained_escaped_and_printable() {
    let dir = tempfile::tempdir().unwrap();
    let file = hostile_diary(dir.path());
    let before = sha256(&file);
    let out = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .arg("report")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"));
    assert!(html.contains("@media print"));
    assert!(
        html.contains("@page {") && !html.contains("@page { size"),
        "paper not forced"
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
    for attr in ["src=", "href="] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..(i + attr.len() + 12).min(html.len())];
            assert!(!value.contains("http"), "{attr}{value}");
        }
    }
    assert!(
        !html.contains("<script"),
        "no script, and the note's script is escaped"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("PT-&lt;b&gt;7&lt;/b&gt;"));
    assert!(html.contains("wrong &quot;joint&quot; &amp; &#39;side&#39;"));
    assert!(html.contains("b\\u{1b}[2J1") && !html.contains('\x1b'));
    assert!(
        html.contains("<tr class=\"retracted\"><td data-label=\"id\"><del><bdi>e6</bdi></del>")
    );
    assert_eq!(sha256(&file), before);
}

#[test]
fn report_output_writes_the_same_html_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = logged_diary(dir.path());
    let before = sha256(&file);
    let to_stdout = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .arg("report")
        .output()
        .unwrap();
    let out = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .args(["report", "--output", "out/../report.html"])
        .output();
    // A missing folder on the way is an error, not a partial file.
    let out = out.unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.path().join("report.html").exists());

    let out = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .args(["report", "--output", "report.html"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("report.html"));
    let written = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(written, stdout(&to_stdout));
    assert!(written.contains("<svg") && written.contains("PT-0042"));
    assert_eq!(sha256(&file), before);
    // Only the diary, its backup and lock, and the report: no temporary file left.
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "diary.json",
            "diary.json.bak",
            "diary.json.lock",
            "report.html"
        ]
    );
}

#[test]
fn report_refuses_to_overwrite_the_diary() {
    let dir = tempfile::tempdir().unwrap();
    let file = logged_diary(dir.path());
    fs::create_dir(dir.path().join("sub")).unwrap();
    let before = sha256(&file);
    for target in ["diary.json", "./sub/../diary.json", "diary.json.bak"] {
        let out = paindiary(dir.path())
            .arg("--file")
            .arg(&file)
            .args(["report", "--output", target])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{target}");
        let err = stderr(&out);
        assert!(
            err.starts_with("error: ") && err.contains("refusing"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(sha256(&file), before, "{target}");
    }
}

#[test]
fn missing_diary_is_an_error_for_both() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("absent.json");
    for args in [
        &["chart"][..],
        &["report"][..],
        &["report", "--output", "r.html"][..],
    ] {
        let out = paindiary(dir.path())
            .arg("--file")
            .arg(&file)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("absent.json") && err.contains("no such file"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(!file.exists());
    assert!(!dir.path().join("r.html").exists());
}

#[test]
fn diary_without_blocks_is_an_error_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("diary.json");
    paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .args(["log", "6", "--at", "2026-11-20 09:00"])
        .assert()
        .success();
    let before = sha256(&file);
    for args in [
        &["chart"][..],
        &["report"][..],
        &["report", "--output", "r.html"][..],
    ] {
        let out = paindiary(dir.path())
            .arg("--file")
            .arg(&file)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("diary.json") && err.contains("no block recorded"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(sha256(&file), before);
    }
    assert!(!dir.path().join("r.html").exists());
}

#[test]
fn invalid_diary_is_an_error_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    fs::write(
        &file,
        b"{\"format\": \"paindiary\", \"version\": 1, \"entries\": [",
    )
    .unwrap();
    let before = sha256(&file);
    for args in [&["chart"][..], &["report", "--output", "r.html"][..]] {
        let out = paindiary(dir.path())
            .arg("--file")
            .arg(&file)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("bad.json"));
        assert_eq!(sha256(&file), before);
    }
    assert!(!dir.path().join("r.html").exists());
}

/// SPEC §2: `report` without `--output` refuses a terminal (exit 2, with a hint), and leaves
/// the diary unchanged; `--output -` is standard output (no file named `-`).
#[test]
fn report_refuses_a_terminal_and_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = logged_diary(dir.path());
    let before = sha256(&file);
    // A pseudo-terminal from util-linux `script`, when it is there.
    let script = std::process::Command::new("script")
        .arg("--version")
        .output();
    if script.is_ok_and(|o| o.status.success()) {
        let run = |extra: &str| {
            common::clean_std("script", dir.path(), common::scratch_home(), NOW, UTC)
                .args(["-qefc"])
                .arg(format!("'{BIN}' --file '{}' report{extra}", file.display()))
                .arg("/dev/null")
                .output()
                .unwrap()
        };
        let out = run("");
        assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
        let shown = stdout(&out);
        assert!(
            shown.contains(
                "error: report writes HTML, which is not for a terminal: give --output FILE"
            ),
            "{shown}"
        );
        assert!(!shown.contains("<!DOCTYPE"), "{shown}");
        // Explicitly asked: printed.
        let out = run(" --output -");
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("<!DOCTYPE html>"));
    } else {
        println!("SKIPPED the terminal part: `script` (util-linux) is not installed");
    }
    let piped = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .arg("report")
        .output()
        .unwrap();
    let dash = paindiary(dir.path())
        .arg("--file")
        .arg(&file)
        .args(["report", "--output", "-"])
        .output()
        .unwrap();
    assert!(dash.status.success(), "{}", stderr(&dash));
    assert_eq!(stdout(&dash), stdout(&piped));
    assert!(stdout(&dash).starts_with("<!DOCTYPE html>"));
    assert!(!dir.path().join("-").exists());
    assert_eq!(sha256(&file), before);
}

#[test]
fn report_paper_option_sets_the_page_size() {
    let dir = tempfile::tempdir().unwrap();
    let file = logged_diary(dir.path());
    let run = |args: &[&str]| {
        paindiary(dir.path())
            .arg("--file")
            .arg(&file)
            .arg("report")
            .args(args)
            .output()
            .unwrap()
    };
    assert!(stdout(&run(&["--paper", "a4"])).contains("@page { size: A4;"));
    assert!(stdout(&run(&["--paper", "letter"])).contains("@page { size: letter;"));
    let html = stdout(&run(&[]));
    assert!(!html.contains("@page { size"));
    assert!(html.contains("counter(page)") && html.contains("Patient: PT-0042"));
    let bad = run(&["--paper", "legal"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("legal"));
}
