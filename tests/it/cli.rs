//! Global behaviour of the command line: where the diary is, colour, help texts.
use crate::common;

use common::{Env, SMALL_DIARY, mode};
use predicates::prelude::*;

// ---------------------------------------------------------------------------------------
// Diary path: --file > PAINDIARY_FILE > $XDG_DATA_HOME/paindiary > ~/.local/share/paindiary.

#[test]
fn default_path_is_under_home_local_share() {
    let env = Env::new();
    env.bare()
        .args(["init", "--patient", "H"])
        .assert()
        .success();
    let path = env.home().join(".local/share/paindiary/diary.json");
    assert_eq!(common::read_json(&path)["patient"]["id"], "H");
    assert_eq!(mode(&path), 0o600);
    env.bare().args(["log", "5"]).assert().success().stderr("");
    assert_eq!(common::read_json(&path)["entries"][0]["score"], 5);
}

#[test]
fn block_creates_the_default_diary_and_its_folders() {
    let env = Env::new();
    env.bare()
        .args(["block", "--anesthetic", "lidocaine"])
        .assert()
        .success()
        .stdout("b1\n")
        .stderr(predicate::str::contains(
            ".local/share/paindiary/diary.json",
        ));
    let folder = env.home().join(".local/share/paindiary");
    assert_eq!(mode(&folder.join("diary.json")), 0o600);
    assert_eq!(mode(&folder) & 0o077, 0, "the new folder is private");
}

#[test]
fn xdg_data_home_beats_home() {
    let env = Env::new();
    let xdg = env.path("xdg");
    env.bare()
        .env("XDG_DATA_HOME", &xdg)
        .args(["log", "4"])
        .assert()
        .success();
    assert!(xdg.join("paindiary/diary.json").is_file());
    assert!(!env.home().join(".local").exists());
}

#[test]
fn a_relative_xdg_data_home_is_ignored() {
    let env = Env::new();
    env.bare()
        .env("XDG_DATA_HOME", "relative/data")
        .args(["log", "4"])
        .assert()
        .success();
    assert!(
        env.home()
            .join(".local/share/paindiary/diary.json")
            .is_file()
    );
    assert!(!env.path("relative").exists());
}

#[test]
fn paindiary_file_beats_xdg_data_home() {
    let env = Env::new();
    let xdg = env.path("xdg");
    let file = env.path("from-env.json");
    env.bare()
        .env("XDG_DATA_HOME", &xdg)
        .env("PAINDIARY_FILE", &file)
        .args(["log", "4"])
        .assert()
        .success();
    assert!(file.is_file());
    assert!(!xdg.exists());
}

#[test]
fn file_option_beats_paindiary_file() {
    let env = Env::new();
    let file = env.path("from-env.json");
    env.bare()
        .env("XDG_DATA_HOME", env.path("xdg"))
        .env("PAINDIARY_FILE", &file)
        .args(["-f", "short.json", "log", "4"])
        .assert()
        .success();
    env.bare()
        .env("PAINDIARY_FILE", &file)
        .args(["log", "3", "--file", "long.json"])
        .assert()
        .success();
    assert!(env.path("short.json").is_file());
    assert!(env.path("long.json").is_file());
    assert!(!file.exists());
    assert!(!env.path("xdg").exists());
}

#[test]
fn an_empty_paindiary_file_counts_as_unset() {
    let env = Env::new();
    env.bare()
        .env("PAINDIARY_FILE", "")
        .args(["log", "5"])
        .assert()
        .success();
    let path = env.home().join(".local/share/paindiary/diary.json");
    assert_eq!(common::read_json(&path)["entries"][0]["score"], 5);
}

#[test]
fn reading_commands_use_the_same_resolution() {
    let env = Env::new();
    let xdg = env.path("xdg");
    std::fs::create_dir_all(xdg.join("paindiary")).unwrap();
    std::fs::write(xdg.join("paindiary/diary.json"), SMALL_DIARY).unwrap();
    env.bare()
        .env("XDG_DATA_HOME", &xdg)
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"e2\""));
    env.bare()
        .args(["list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            ".local/share/paindiary/diary.json",
        ));
}

#[test]
fn without_home_or_xdg_the_default_is_an_error() {
    let env = Env::new();
    env.bare()
        .env_remove("HOME")
        .args(["list"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with("error:").and(predicate::str::contains("--file")));
}

#[test]
fn commands_that_need_no_default_diary_work_without_home() {
    // A script in a bare environment (cron, a container) evaluating the files it names, or
    // asking for the protocols, needs neither HOME nor XDG_DATA_HOME.
    let env = Env::new();
    let file = env.path("given.json");
    std::fs::write(&file, SMALL_DIARY).unwrap();
    env.bare()
        .env_remove("HOME")
        .args(["evaluate", "--format", "json"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"schema\":\"paindiary.evaluation.v2\"",
        ));
    for args in [
        &["protocols", "--format", "json"][..],
        &["man"],
        &["completions", "bash"],
    ] {
        env.bare()
            .env_remove("HOME")
            .env("PAINDIARY_NOW", "not a time")
            .args(args)
            .assert()
            .success();
    }
    // Without FILE, evaluate still needs the default diary.
    env.bare()
        .env_remove("HOME")
        .args(["evaluate"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("--file"));
}

// ---------------------------------------------------------------------------------------
// Colour.

fn evaluate_out(env: &Env, color: Option<&str>, no_color: bool, json: bool) -> Vec<u8> {
    let mut cmd = env.pd(&[]);
    if let Some(c) = color {
        cmd.args(["--color", c]);
    }
    cmd.arg("evaluate");
    if json {
        cmd.args(["--format", "json"]);
    }
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    cmd.assert().success().get_output().stdout.clone()
}

fn has_esc(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

#[test]
fn color_always_and_never() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    assert!(has_esc(&evaluate_out(&env, Some("always"), false, false)));
    assert!(!has_esc(&evaluate_out(&env, Some("never"), false, false)));
    // auto: stdout is not a terminal here.
    assert!(!has_esc(&evaluate_out(&env, Some("auto"), false, false)));
    assert!(!has_esc(&evaluate_out(&env, None, false, false)));
}

#[test]
fn an_explicit_color_wins_over_no_color() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    assert!(has_esc(&evaluate_out(&env, Some("always"), true, false)));
    assert!(!has_esc(&evaluate_out(&env, Some("never"), true, false)));
    assert!(!has_esc(&evaluate_out(&env, None, true, false)));
}

#[test]
fn json_is_never_coloured() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    for color in [Some("always"), Some("never"), Some("auto"), None] {
        let out = evaluate_out(&env, color, false, true);
        assert!(!has_esc(&out), "{color:?}");
        serde_json::from_slice::<serde_json::Value>(&out).expect("one JSON document");
    }
    for args in [
        &["list", "--format", "json"][..],
        &["protocols", "--format", "json"],
    ] {
        let out = env
            .pd(&["--color", "always"])
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(!has_esc(&out), "{args:?}");
        serde_json::from_slice::<serde_json::Value>(&out).expect("JSON");
    }
}

#[test]
fn color_is_accepted_after_the_command() {
    let env = Env::new();
    env.write_diary(SMALL_DIARY);
    let out = env
        .pd(&["evaluate", "--color", "always"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(has_esc(&out));
}

// ---------------------------------------------------------------------------------------
// Help.

#[test]
fn every_help_text_has_examples() {
    let env = Env::new();
    let commands = [
        "init",
        "block",
        "log",
        "list",
        "evaluate",
        "protocols",
        "chart",
        "report",
        "export",
        "import",
        "amend",
        "retract",
        "completions",
        "man",
    ];
    let top = env
        .bare()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .clone();
    let top = String::from_utf8(top.stdout).unwrap();
    assert!(top.contains("Examples"), "{top}");
    for command in commands {
        assert!(top.contains(command), "--help lists {command}");
        for help in [vec![command, "--help"], vec!["help", command]] {
            let out = env
                .bare()
                .args(&help)
                .assert()
                .success()
                .get_output()
                .clone();
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.contains("Examples"), "{help:?}:\n{text}");
            assert!(text.contains("paindiary"), "{help:?}:\n{text}");
        }
    }
}

#[test]
fn version_is_printed() {
    let env = Env::new();
    env.bare()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("paindiary "));
}
