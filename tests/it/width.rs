//! Output that fits the terminal (SPEC §2): `list`, `chart`, `evaluate`, `protocols` and every
//! `--help` at 80 and 120 columns (`COLUMNS`), with snapshots of all but `--help`; no line wider
//! than the width, no word broken, examples never wrapped; renderers linear in their input (a
//! 1 MB note or id).
//!
//! `UPDATE_SNAPSHOTS=1 cargo test --test it width::` rewrites the snapshots; review the diff.

use crate::common;

use common::{Env, stderr_of};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

const WIDTHS: [usize; 2] = [80, 120];

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/diaries")
        .join(name)
}

/// `paindiary ARGS…` with `COLUMNS` set (or unset), stdout as text; must succeed.
fn run(env: &Env, columns: Option<usize>, args: &[&str]) -> String {
    let mut cmd = env.bare();
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = cmd.args(args).assert().success().get_output().clone();
    String::from_utf8(out.stdout).expect("utf-8")
}

fn assert_fits(what: &str, text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.width() <= width,
            "{what}: a line of {} columns is wider than {width}:\n{line}\n\n{text}",
            line.width()
        );
    }
}

/// The words of `text` (split at white space and table rules).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "│┆".contains(c))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| "─┬┐┌╞═╪╡└┴┘".contains(c)))
        .collect()
}

/// No word of `narrow` is a piece of a word of `wide`: every word is whole.
fn assert_no_word_broken(what: &str, narrow: &str, wide: &str) {
    let whole: HashSet<&str> = words(wide).into_iter().collect();
    // The short form of a time (`11-20 09:30`) has a month-day word of its own.
    let short_date = |w: &str| {
        w.len() == 5 && w.as_bytes()[2] == b'-' && w.bytes().filter(u8::is_ascii_digit).count() == 4
    };
    for w in words(narrow) {
        assert!(
            whole.contains(w) || short_date(w),
            "{what}: `{w}` is not a whole word of the unwrapped output:\n{narrow}"
        );
    }
}

/// Compare with tests/snapshots/width/`file`; with `UPDATE_SNAPSHOTS=1`, write it instead.
fn snapshot(file: &str, actual: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/width");
    let path = dir.join(file);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).expect("create the snapshot folder");
        std::fs::write(&path, actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{file}: cannot read the snapshot ({e}); run with UPDATE_SNAPSHOTS=1")
    });
    assert_eq!(actual, expected, "{file} differs from its snapshot");
}

/// The subcommands, as `paindiary --help` lists them.
fn subcommands(env: &Env) -> Vec<String> {
    let help = run(env, Some(200), &["--help"]);
    let list: Vec<String> = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect();
    assert!(list.len() >= 14, "{help}");
    list
}

#[test]
fn list_fits_80_and_120_columns_with_whole_words() {
    let env = Env::at("2026-11-21T12:00:00-07:00");
    let diary = example("dual-confirmed.json");
    let file = diary.to_str().expect("path");
    let wide = run(&env, None, &["--file", file, "list"]);
    assert!(wide.contains("2026-10-06 10:15 -04:00"), "{wide}");
    for width in WIDTHS {
        let text = run(&env, Some(width), &["--file", file, "list"]);
        assert_fits("list", &text, width);
        assert_no_word_broken("list", &text, &wide);
        // The medication column is empty in this diary: left out.
        assert!(!text.contains("medication"), "{text}");
        assert!(text.contains("activity") && text.contains("note"), "{text}");
        // Every entry is there, each id once.
        for i in 1..=32 {
            assert_eq!(
                words(&text)
                    .iter()
                    .filter(|w| **w == format!("e{i}"))
                    .count(),
                1,
                "e{i}:\n{text}"
            );
        }
        snapshot(&format!("list-{width}.txt"), &text);
    }
    // 80 columns: times short; 120: the full form fits.
    let narrow = run(&env, Some(80), &["--file", file, "list"]);
    assert!(
        narrow.contains("10-06 10:15") && !narrow.contains("-04:00"),
        "{narrow}"
    );
    let wider = run(&env, Some(120), &["--file", file, "list"]);
    assert!(wider.contains("2026-10-06 10:15 -04:00"), "{wider}");
}

#[test]
fn list_of_every_example_fits_80_columns() {
    let env = Env::at("2026-11-21T12:00:00-07:00");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/diaries");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file = path.to_str().expect("path");
        let wide = run(&env, None, &["--file", file, "list"]);
        let text = run(&env, Some(80), &["--file", file, "list"]);
        assert_fits(file, &text, 80);
        assert_no_word_broken(file, &text, &wide);
        seen += 1;
    }
    assert!(seen >= 10);
}

#[test]
fn chart_fits_80_and_120_columns() {
    let env = Env::at("2026-11-21T12:00:00-07:00");
    // A relative name: the chart shows it, and it must not depend on the machine.
    std::fs::copy(example("dual-confirmed.json"), env.path("dual.json")).expect("copy");
    for width in WIDTHS {
        let text = run(
            &env,
            Some(width),
            &["--file", "dual.json", "chart", "--protocol", "dual"],
        );
        assert_fits("chart", &text, width);
        snapshot(&format!("chart-{width}.txt"), &text);
    }
}

#[test]
fn every_help_fits_80_and_120_columns_with_examples_unwrapped() {
    let env = Env::new();
    let mut commands: Vec<Vec<String>> = vec![vec![]];
    commands.extend(
        subcommands(&env)
            .into_iter()
            .filter(|c| c != "help")
            .map(|c| vec![c]),
    );
    for command in &commands {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        args.push("--help");
        let what = format!("paindiary {}", args.join(" "));
        let wide = run(&env, Some(1000), &args);
        let examples: Vec<&str> = wide
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{what}: no examples:\n{wide}"))
            .lines()
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert!(
            examples
                .iter()
                .any(|l| l.trim_start().starts_with("paindiary")),
            "{what}: {examples:?}"
        );
        for width in WIDTHS {
            let text = run(&env, Some(width), &args);
            assert_fits(&what, &text, width);
            assert_no_word_broken(&what, &text, &wide);
            let name = match command.first() {
                Some(c) => format!("help-{c}-{width}.txt"),
                None => format!("help-{width}.txt"),
            };
            snapshot(&name, &text);
            for line in &examples {
                assert!(
                    text.lines().any(|l| l == *line),
                    "{what} at {width}: the example line `{line}` is wrapped:\n{text}"
                );
            }
        }
        // Even in a very narrow terminal an example is one line (copy and paste works).
        let narrow = run(&env, Some(30), &args);
        for line in &examples {
            assert!(narrow.lines().any(|l| l == *line), "{what}: {line}");
        }
    }
}

#[test]
fn a_continued_example_line_is_a_shell_continuation() {
    let env = Env::new();
    let help = run(&env, Some(80), &["block", "--help"]);
    assert!(
        help.contains(
            "  paindiary block --anesthetic bupivacaine --at '2026-11-20 09:30' \\\n      --levels L4-L5,L5-S1 --side bilateral\n"
        ),
        "{help}"
    );
}

#[test]
fn man_lists_only_pages_that_exist() {
    let env = Env::new();
    let root = run(&env, None, &["man"]);
    assert!(root.contains(".TH paindiary 1"), "{root}");
    assert!(root.contains("paindiary man\\fR \\fICOMMAND"), "{root}");
    let listed: Vec<String> = root
        .lines()
        .filter_map(|l| l.strip_prefix("paindiary\\-"))
        .filter_map(|l| l.strip_suffix("(1)"))
        .map(String::from)
        .collect();
    let commands = subcommands(&env);
    assert_eq!(listed, commands, "the page lists every command's page");
    for name in &listed {
        let page = run(&env, None, &["man", name]);
        assert!(
            page.contains(&format!(".TH paindiary-{name} 1")),
            "man {name}:\n{page}"
        );
        assert!(
            page.contains(&format!("\\fBpaindiary {name}\\fR")),
            "man {name}: synopsis:\n{page}"
        );
    }
    let log = run(&env, None, &["man", "log"]);
    assert!(log.contains("\\-\\-after"), "{log}");
}

#[test]
fn man_of_an_unknown_command_is_a_usage_error() {
    let env = Env::new();
    let out = env.bare().args(["man", "nosuch"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("invalid value 'nosuch'"), "{err}");
    assert!(err.contains("log"), "lists the pages: {err}");
    assert!(out.stdout.is_empty());
}

/// A diary with one entry whose note (or id) is `n` bytes without a space.
fn diary_with_long_text(env: &Env, n: usize, in_id: bool) {
    let long = "M".repeat(n);
    let (id, note) = if in_id {
        (long.as_str(), "short")
    } else {
        ("e1", long.as_str())
    };
    env.write_diary(&format!(
        r#"{{"format": "paindiary", "version": 1, "patient": null,
  "procedures": [{{"id": "{block}", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
     "region": null, "levels": [], "side": null, "anesthetic": "lidocaine", "steroid": false,
     "sedation": "none", "note": "{note}"}}],
  "entries": [
    {{"id": "{id}", "at": "2026-11-20T09:00:00-07:00", "score": 7, "activity": null,
      "relief": null, "medication": null, "note": "{note}"}},
    {{"id": "e2", "at": "2026-11-20T10:00:00-07:00", "score": 2, "activity": null,
      "relief": null, "medication": null, "note": null}}]}}"#,
        block = if in_id { format!("B{id}") } else { "b1".into() },
    ));
}

/// Run `paindiary ARGS` with `COLUMNS`, failing when it takes longer than `limit` (a hang).
fn finishes_within(env: &Env, columns: &str, args: &[&str], limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut child = env
        .std_cmd(args)
        .env("COLUMNS", columns)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read stdout on a thread so that a full pipe does not stop the child.
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{args:?} failed");
            break;
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!("{args:?} with COLUMNS={columns} did not finish in {limit:?} (a hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = reader.join().expect("reader").expect("utf-8 output");
    (text, started.elapsed())
}

#[test]
fn list_and_chart_are_linear_in_a_one_megabyte_note_or_id() {
    // Generous for a debug build on a loaded machine; the quadratic wrapping this guards
    // against took minutes.
    let limit = Duration::from_secs(30);
    for in_id in [false, true] {
        let env = Env::new();
        diary_with_long_text(&env, 1 << 20, in_id);
        for columns in ["80", "100000"] {
            let (text, took) = finishes_within(&env, columns, &["list"], limit);
            assert!(
                text.matches('M').count() >= 1 << 20,
                "the whole text is shown"
            );
            if columns != "100000" {
                assert_fits("list", &text, columns.parse().expect("number"));
            }
            eprintln!(
                "list, 1 MB {}, COLUMNS={columns}: {took:?}",
                if in_id { "id" } else { "note" }
            );
        }
        let (text, took) = finishes_within(&env, "80", &["chart"], limit);
        assert_fits("chart", &text, 80);
        eprintln!(
            "chart, 1 MB {}: {took:?}",
            if in_id { "id" } else { "note" }
        );
    }
}

#[test]
fn a_pipe_without_columns_gets_the_table_as_wide_as_its_content() {
    let env = Env::at("2026-11-21T12:00:00-07:00");
    let diary = example("dual-confirmed.json");
    let out = env
        .bare()
        .args(["--file", diary.to_str().expect("path"), "list"])
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    // One line per entry: nothing wrapped.
    assert_eq!(text.lines().count(), 32 + 4, "{text}");
    assert!(text.contains("parking garage to the clinic"), "{text}");
}

/// The example diaries `evaluate` is snapshotted on: a positive one, a two-block one, one
/// whose window is still open, one with reasons and flags, and two with an RFA section.
const EVALUATE_EXAMPLES: [&str; 6] = [
    "positive-single-block",
    "dual-confirmed",
    "window-open",
    "low-baseline",
    "rfa-durable",
    "rfa-uncertain",
];

/// An environment at the examples' evaluation time, with `name`.json copied in (a relative
/// name: the output shows it, and it must not depend on the machine).
fn example_env(name: &str) -> (Env, String) {
    let env = Env::at("2026-11-26T12:00:00Z");
    let file = format!("{name}.json");
    std::fs::copy(example(&file), env.path(&file)).expect("copy");
    (env, file)
}

/// The words a fitted output may use: those of the unlimited output and of the narrowest
/// layout (a few lines per row), which wraps at spaces only.
fn reference(env: &Env, args: &[&str]) -> String {
    run(env, None, args) + &run(env, Some(40), args)
}

#[test]
fn evaluate_fits_80_and_120_columns_with_whole_words() {
    for name in EVALUATE_EXAMPLES {
        let (env, file) = example_env(name);
        let args = ["evaluate", file.as_str()];
        let whole = reference(&env, &args);
        for width in WIDTHS {
            let what = format!("evaluate {name} at {width}");
            let text = run(&env, Some(width), &args);
            assert_fits(&what, &text, width);
            assert_no_word_broken(&what, &text, &whole);
            // Nothing is lost to the fitting: the per-protocol lines, the baseline readings,
            // the notes, the protocol and its source, the formula.
            for kept in [
                "Under each protocol (its own parameters):",
                "  asra ",
                "  sis ",
                "(n=",
                "Next step:",
                "source:",
                "Formula:",
            ] {
                assert!(text.contains(kept), "{what}: `{kept}` is missing:\n{text}");
            }
            snapshot(&format!("evaluate-{name}-{width}.txt"), &text);
        }
    }
}

#[test]
fn evaluate_keeps_the_provisional_marker_reasons_flags_and_rfa_section_at_every_width() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "window-open",
            &["so far", "window-open", "Reasons and flags:"],
        ),
        (
            "low-baseline",
            &["low-baseline", "steroid", "no-provocation"],
        ),
        (
            "rfa-durable",
            &[
                "After radiofrequency ablation (follow-up from day 21):",
                "durable",
                "210 d",
            ],
        ),
        (
            "rfa-uncertain",
            &[
                "After radiofrequency ablation",
                "uncertain",
                "rfa-duration-uncertain",
            ],
        ),
    ];
    for (name, needed) in cases {
        let (env, file) = example_env(name);
        let args = ["evaluate", file.as_str()];
        let whole = reference(&env, &args);
        for width in [40, 60, 72, 80, 90, 100, 110, 120, 140, 200] {
            let what = format!("evaluate {name} at {width}");
            let text = run(&env, Some(width), &args);
            assert_fits(&what, &text, width);
            assert_no_word_broken(&what, &text, &whole);
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for n in needed {
                assert!(
                    flat.to_lowercase().contains(&n.to_lowercase()),
                    "{what}: `{n}` is missing:\n{text}"
                );
            }
        }
    }
}

#[test]
fn evaluate_uses_short_times_only_where_the_full_form_does_not_fit() {
    let (env, file) = example_env("dual-confirmed");
    let args = ["evaluate", file.as_str()];
    // As wide as its content: full times, one line per block.
    let wide = run(&env, None, &args);
    assert!(
        wide.contains("│ b1    ┆ 2026-10-06 10:00 -04:00 ┆"),
        "{wide}"
    );
    // 140 columns: the full form fits.
    let text = run(&env, Some(140), &args);
    assert!(text.contains("┆ 2026-10-06 10:00 -04:00 ┆"), "{text}");
    // 120 columns: the table (with its target column) fits with the short form of the times only.
    let text = run(&env, Some(120), &args);
    assert!(text.contains("┆ 10-06 10:00 ┆"), "{text}");
    assert!(!text.contains("-04:00"), "{text}");
    // 100 and 80 columns: a few lines per block, where the full time fits.
    let text = run(&env, Some(100), &args);
    assert!(!text.contains('┆'), "{text}");
    let text = run(&env, Some(80), &args);
    assert!(
        text.contains("b1  lidocaine  2026-10-06 10:00 -04:00  POSITIVE\n"),
        "{text}"
    );
    assert!(!text.contains('┆'), "{text}");
}

#[test]
fn evaluate_leaves_out_empty_reason_and_flag_lines_of_the_header() {
    // No block has reasons or flags: the result column is only "result".
    let (env, file) = example_env("dual-confirmed");
    let text = run(&env, Some(200), &["evaluate", file.as_str()]);
    assert!(text.contains("┆ result   │"), "{text}");
    assert!(
        !text.contains("[reasons]") && !text.contains("{flags}"),
        "{text}"
    );
    // Reasons and flags: both named in the header, each value on its own line.
    let (env, file) = example_env("low-baseline");
    let text = run(&env, Some(200), &["evaluate", file.as_str()]);
    for line in [
        "result",
        "[reasons]",
        "{flags}",
        "inconclusive",
        "[low-baseline]",
        "{steroid}",
        "{no-provocation}",
    ] {
        assert!(
            text.lines()
                .any(|l| l.ends_with(&format!("┆ {line:<16} │"))),
            "`{line}`:\n{text}"
        );
    }
}

#[test]
fn evaluate_of_every_example_fits_80_and_120_columns() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/diaries");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name");
        let (env, file) = example_env(name);
        let args = ["evaluate", file.as_str()];
        let whole = reference(&env, &args);
        for width in WIDTHS {
            let text = run(&env, Some(width), &args);
            assert_fits(name, &text, width);
            assert_no_word_broken(name, &text, &whole);
        }
        seen += 1;
    }
    assert!(seen >= 20, "{seen}");
}

#[test]
fn evaluate_into_a_pipe_without_columns_is_one_line_per_block() {
    let (env, file) = example_env("dual-confirmed");
    let text = run(&env, None, &["evaluate", file.as_str()]);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("│ b1 ") || l.starts_with("│ b2 "))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[1].contains("8.0 (n=3, provoked)"), "{text}");
}

#[test]
fn protocols_fit_80_and_120_columns_with_whole_words() {
    let env = Env::new();
    let whole = reference(&env, &["protocols"]);
    for width in WIDTHS {
        let what = format!("protocols at {width}");
        let text = run(&env, Some(width), &["protocols"]);
        assert_fits(&what, &text, width);
        assert_no_word_broken(&what, &text, &whole);
        for word in [
            "longer-acting",
            "medial-branch-block",
            "L38801",
            "concordance",
        ] {
            assert!(text.contains(word), "{what}: `{word}`:\n{text}");
        }
        snapshot(&format!("protocols-{width}.txt"), &text);
    }
    // 120 columns: one table; 80: the limits, then the kinds and checks.
    assert_eq!(run(&env, Some(120), &["protocols"]).matches('┌').count(), 1);
    assert_eq!(run(&env, Some(80), &["protocols"]).matches('┌').count(), 2);
    for width in [30, 40, 50, 60, 70, 90, 100, 160] {
        let what = format!("protocols at {width}");
        let text = run(&env, Some(width), &["protocols"]);
        assert_fits(&what, &text, width);
        assert_no_word_broken(&what, &text, &whole);
    }
}

/// `text` without ANSI colour codes.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn coloured_evaluate_fits_and_matches_the_plain_layout() {
    let (env, file) = example_env("low-baseline");
    for width in WIDTHS {
        let plain = run(&env, Some(width), &["evaluate", file.as_str()]);
        let colored = run(
            &env,
            Some(width),
            &["--color", "always", "evaluate", file.as_str()],
        );
        assert!(colored.contains('\x1b'), "{width}: no colour:\n{colored}");
        let stripped = strip_ansi(&colored);
        assert_fits("coloured evaluate", &stripped, width);
        assert_eq!(stripped, plain, "{width}: colour changes the layout");
    }
}

#[test]
fn evaluate_is_linear_in_a_one_megabyte_block_id() {
    let env = Env::at("2026-11-21T12:00:00-07:00");
    diary_with_long_text(&env, 1 << 20, true);
    let (text, took) = finishes_within(&env, "80", &["evaluate"], Duration::from_secs(30));
    assert!(
        text.matches('M').count() >= 1 << 20,
        "the whole id is shown"
    );
    // The id is one word wider than the terminal: it is shown whole, on lines of its own;
    // every other line fits.
    for line in text.lines().filter(|l| !l.contains("MMMM")) {
        assert!(line.width() <= 80, "{line}");
    }
    eprintln!("evaluate, 1 MB block id, COLUMNS=80: {took:?}");
}
