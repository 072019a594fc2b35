//! The command line: clap derive types and their value parsers (SPEC §2). Times and durations
//! are parsed here by the library's `time_input`; what needs the diary happens in the commands.

use chrono::{DateTime, FixedOffset};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use paindiary::diary::{Anesthetic, ProcedureKind, Sedation, Side};
use paindiary::time_input::{TimeError, parse_duration_minutes, parse_past_time};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "paindiary",
    version,
    about = "A pain diary and diagnostic-block response evaluator",
    long_about = "Patients log timestamped 0–10 pain scores before and after a diagnostic nerve block \
(medial branch, lateral branch, genicular, sacroiliac). Clinicians run `paindiary evaluate` to classify \
each block as positive, negative or inconclusive, with the reasons and the next step \
(repeat-block, rfa, further-workup).",
    after_help = "Examples:
  paindiary init --patient PT-0042
  paindiary block --anesthetic lidocaine --levels L4-L5,L5-S1 --side bilateral
  paindiary log 7 --activity standing
  paindiary log 2 --after 30m --activity standing
  paindiary evaluate
  paindiary evaluate --protocol cms clinic/*.json --format json

The diary is --file, else $PAINDIARY_FILE, else $XDG_DATA_HOME/paindiary/diary.json \
(~/.local/share/paindiary/diary.json).
Exit codes: 0 success, 1 the diary or the system is wrong, 2 the command line is wrong."
)]
pub(crate) struct Cli {
    /// The diary file [default: $PAINDIARY_FILE, else $XDG_DATA_HOME/paindiary/diary.json]
    // PAINDIARY_FILE is read in the commands, not by clap: an empty value counts as unset.
    #[arg(short, long, global = true, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// When to use colour (NO_COLOR is honoured unless this is given explicitly)
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create an empty diary (refuses to overwrite an existing file)
    #[command(after_help = "Examples:
  paindiary init
  paindiary init --patient PT-0042
  paindiary --file left-knee.json init --patient PT-0042")]
    Init {
        /// The patient's identifier, stored as patient.id
        #[arg(long, value_name = "ID")]
        patient: Option<String>,
    },

    /// Record a diagnostic block (procedure); prints its id
    #[command(after_help = "Examples:
  paindiary block --anesthetic lidocaine
  paindiary block --anesthetic bupivacaine --at '2026-11-20 09:30' \\
      --levels L4-L5,L5-S1 --side bilateral
  paindiary block --anesthetic lidocaine --kind genicular-nerve-block \\
      --region knee --side left --sedation minimal")]
    Block(BlockArgs),

    /// Record a radiofrequency ablation (RFA); prints its id
    #[command(after_help = "Examples:
  paindiary rfa --levels L4-L5,L5-S1 --side right --region lumbar
  paindiary rfa --at '2026-11-20 09:30' --region cervical \\
      --levels C5-C6 --side left

Log a score weekly from then on: relief is judged from day 21 (nerve healing), against the
mean of the scores of the 30 days before the RFA. `paindiary evaluate` gives the outcome.")]
    Rfa(RfaArgs),

    /// Record a pain score (0–10); after a block, prints the relief from baseline
    #[command(after_help = "Examples:
  paindiary log 7 --activity standing           # before the block: baseline
  paindiary log 2 --after 30m --activity standing
  paindiary log 3 --at '14:15' --relief 60 --note 'walked the dog'
  paindiary log 6 --at '2h ago' --medication ibuprofen")]
    Log(LogArgs),

    /// The entries, with the time since the latest preceding block and relief %
    #[command(after_help = "Examples:
  paindiary list
  paindiary list --format json | jq '.[] | select(.relief_pct >= 50)'
  paindiary list --format csv > entries.csv")]
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// Classify each block and give the next step
    #[command(after_help = "Examples:
  paindiary evaluate
  paindiary evaluate examples/diaries/positive-single-block.json
  paindiary evaluate --protocol dual --format json clinic/*.json
  paindiary evaluate --threshold 80% --window 6h diary.json
  paindiary evaluate --as-of '2026-11-20 18:00' diary.json
  cat diary.json | paindiary evaluate -

Protocols: asra (default), dual, cms, asipp, sis; see `paindiary protocols`.")]
    Evaluate(EvaluateArgs),

    /// The built-in protocols, their parameters and sources
    #[command(after_help = "Examples:
  paindiary protocols
  paindiary protocols --format json | jq '.[].name'")]
    Protocols {
        #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
        format: TableOrJson,
    },

    /// The pain trajectory around each block, drawn in the terminal
    #[command(after_help = "Examples:
  paindiary chart
  paindiary -f examples/diaries/dual-confirmed.json chart --protocol dual
  COLUMNS=120 paindiary chart")]
    Chart(ProtocolArgs),

    /// A self-contained, printable HTML report
    #[command(after_help = "Examples:
  paindiary report --output report.html
  paindiary report --paper letter --output report.html
  paindiary report --protocol dual > report.html
  paindiary report --output - | gzip > report.html.gz")]
    Report {
        /// Write the report here, atomically (`-`: standard output). Without it the report
        /// goes to standard output, which must not be a terminal
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Print on this paper size (default: the printer's or browser's own setting)
        #[arg(long, value_enum, value_name = "SIZE")]
        paper: Option<Paper>,
        #[command(flatten)]
        protocol: ProtocolArgs,
    },

    /// Export the diary as CSV, JSON (lossless) or a FHIR R4 Bundle
    #[command(after_help = "Examples:
  paindiary export --format csv > diary.csv
  paindiary export --format json > backup.json
  paindiary export --format fhir > bundle.json
  paindiary export --format fhir --output bundle.json")]
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write the export here, atomically (`-` or none: standard output)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },

    /// Import records from a CSV file (the export format)
    ///
    /// Into an empty diary the ids are kept; into one with records every imported record gets a
    /// fresh id. A bad row imports nothing. Records that repeat one already in the diary (same
    /// time and values: a file imported twice) are imported all the same, with a warning.
    #[command(after_help = "Examples:
  paindiary --file new.json import diary.csv")]
    Import {
        /// The CSV file
        #[arg(value_name = "FILE.csv")]
        csv: PathBuf,
    },

    /// Correct an entry, a block or an RFA; the replaced values are kept in its history
    #[command(after_help = "Examples:
  paindiary amend e4 --score 3
  paindiary amend e4 --at '2026-11-20 10:45' --activity walking
  paindiary amend b1 --levels L4-L5,L5-S1 --side left
  paindiary amend b2 --anesthetic bupivacaine \\
      --steroid false --sedation minimal

An entry takes --score, --at, --activity, --relief, --medication, --note; a block or an RFA
takes --at, --kind, --anesthetic, --region, --levels, --side, --steroid, --sedation, --note.")]
    Amend(AmendArgs),

    /// Withdraw an entry, a block or an RFA: it stays in the file and is ignored by evaluation
    #[command(after_help = "Examples:
  paindiary retract e4 --reason 'scored the injection site'
  paindiary retract b2 --reason 'recorded twice'")]
    Retract {
        /// The id of the entry, block or RFA (e.g. e4, b2)
        id: String,
        /// Why the entry is withdrawn
        #[arg(long)]
        reason: String,
    },

    /// Print a shell completion script
    #[command(after_help = "Examples:
  paindiary completions bash \\
      > ~/.local/share/bash-completion/completions/paindiary
  paindiary completions zsh > ~/.zfunc/_paindiary")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page of paindiary or of one command (roff)
    #[command(after_help = "Examples:
  paindiary man > paindiary.1 && man ./paindiary.1
  paindiary man log | man -l -")]
    Man {
        /// The command whose page to print (its page is paindiary-COMMAND(1)) [default: the
        /// page of paindiary itself]
        // The possible values are the subcommands, filled in by `command()`.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

/// The command line as parsed and documented: help wrapped to the terminal's width (`COLUMNS`,
/// else the terminal, else 100 columns), but never narrower than the longest example line, so
/// that examples are never wrapped; `man` takes the subcommands' names.
pub(crate) fn command() -> clap::Command {
    let cmd = Cli::command();
    let longest_example = std::iter::once(&cmd)
        .chain(cmd.get_subcommands())
        .filter_map(|c| c.get_after_help().map(|h| h.to_string()))
        .flat_map(|h| {
            h.lines()
                .filter(|l| l.starts_with("  "))
                .map(unicode_width::UnicodeWidthStr::width)
                .collect::<Vec<_>>()
        })
        .max()
        .unwrap_or(0);
    let width = paindiary::render::table::terminal_width().unwrap_or(100);
    // Built, the command has its `help` subcommand too: it has a page like the others.
    let mut built = cmd.clone();
    built.build();
    let pages: Vec<String> = built
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    cmd.term_width(width.max(longest_example + 1))
        .mut_subcommand("man", |man| {
            man.mut_arg("command", |arg| {
                arg.value_parser(PossibleValuesParser::new(pages))
            })
        })
}

/// Parse the process's arguments with [`command`]. Plain styles: clap's own messages then carry
/// no escape sequences, and every one left in them came from an argument (the caller shows
/// them escaped).
pub(crate) fn parse() -> Result<Cli, clap::Error> {
    command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
}

/// `--at` of `log` and `block`: a time no more than 5 minutes after now, parsed by the library
/// against the command's clock (`PAINDIARY_NOW` or the system clock, in `$TZ`).
fn past_time(text: &str) -> Result<DateTime<FixedOffset>, TimeError> {
    parse_past_time(text, &crate::commands::clock())
}

fn score_in_range(max: f64) -> impl Fn(&str) -> Result<f64, String> + Clone {
    move |s: &str| {
        let v: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not a number"))?;
        if v.is_finite() && (0.0..=max).contains(&v) {
            Ok(v)
        } else {
            Err(format!("{s} is outside 0–{max}"))
        }
    }
}

fn choice<T: std::str::FromStr<Err = String> + Clone + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(&T) -> &'static str,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(all.iter().map(name)).try_map(|s| s.parse::<T>())
}

#[derive(Debug, Args)]
pub(crate) struct BlockArgs {
    /// The local anaesthetic
    #[arg(long, value_parser = choice(Anesthetic::ALL, |a| a.as_str()))]
    pub anesthetic: Anesthetic,
    /// When the block was done [default: now]: RFC 3339, 'YYYY-MM-DD HH:MM', 'HH:MM' (today), 'now', '30m ago', '-30m', 'yesterday 15:00'; local time is $TZ's
    #[arg(long, value_name = "TIME", allow_hyphen_values = true, value_parser = past_time)]
    pub at: Option<DateTime<FixedOffset>>,
    /// What kind of block (an RFA is recorded with `paindiary rfa`)
    #[arg(long, value_parser = choice(ProcedureKind::ALL, |k| k.as_str()), default_value = "medial-branch-block")]
    pub kind: ProcedureKind,
    /// The region, e.g. lumbar, cervical, knee
    #[arg(long)]
    pub region: Option<String>,
    /// The levels, comma separated
    #[arg(long, value_delimiter = ',', value_name = "L4-L5,L5-S1")]
    pub levels: Vec<String>,
    /// The side blocked
    #[arg(long, value_parser = choice(Side::ALL, |s| s.as_str()))]
    pub side: Option<Side>,
    /// The block included a steroid
    #[arg(long)]
    pub steroid: bool,
    /// Sedation given
    #[arg(long, value_parser = choice(Sedation::ALL, |s| s.as_str()), default_value = "none")]
    pub sedation: Sedation,
    /// A free-text note
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct RfaArgs {
    /// When the RFA was done [default: now]: RFC 3339, 'YYYY-MM-DD HH:MM', 'HH:MM' (today), 'now', '30m ago', '-30m', 'yesterday 15:00'; local time is $TZ's
    #[arg(long, value_name = "TIME", allow_hyphen_values = true, value_parser = past_time)]
    pub at: Option<DateTime<FixedOffset>>,
    /// The region, e.g. lumbar, cervical (a cervical RFA has its own limits)
    #[arg(long)]
    pub region: Option<String>,
    /// The levels, comma separated
    #[arg(long, value_delimiter = ',', value_name = "L4-L5,L5-S1")]
    pub levels: Vec<String>,
    /// The side treated
    #[arg(long, value_parser = choice(Side::ALL, |s| s.as_str()))]
    pub side: Option<Side>,
    /// A free-text note
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LogArgs {
    /// The pain score, 0 (none) to 10 (worst imaginable); decimals allowed
    #[arg(value_parser = score_in_range(10.0), allow_negative_numbers = true)]
    pub score: f64,
    /// When the score was taken [default: now]: RFC 3339, 'YYYY-MM-DD HH:MM', 'HH:MM' (today), 'now', '30m ago', '-30m', 'yesterday 15:00'; local time is $TZ's
    #[arg(
        long,
        value_name = "TIME",
        allow_hyphen_values = true,
        conflicts_with = "after",
        value_parser = past_time
    )]
    pub at: Option<DateTime<FixedOffset>>,
    /// That long after the latest block, e.g. 30m, 1h30m (in minutes once parsed)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_minutes)]
    pub after: Option<i64>,
    /// The provocative activity done while rating (a provoked rating)
    #[arg(long)]
    pub activity: Option<String>,
    /// Patient-reported percent relief, 0–100
    #[arg(long, value_name = "PCT", value_parser = score_in_range(100.0), allow_negative_numbers = true)]
    pub relief: Option<f64>,
    /// Pain medicine taken since the previous entry
    #[arg(long)]
    pub medication: Option<String>,
    /// A free-text note
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ProtocolArgs {
    /// The protocol (case is ignored; see `paindiary protocols`)
    #[arg(long, value_enum, ignore_case = true, default_value_t = ProtocolName::Asra, value_name = "P")]
    pub protocol: ProtocolName,
    /// Replace the protocol's relief threshold T: a number, 0 < PCT ≤ 100, `%` allowed (50%)
    #[arg(long, value_name = "PCT", allow_negative_numbers = true, value_parser = parse_threshold)]
    pub threshold: Option<f64>,
    /// The post-block window, e.g. 8h, 90m, 1h30m [default: 8h]
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = parse_window)]
    pub window: Option<i64>,
}

/// The built-in protocols (SPEC §3.5), in the order of its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProtocolName {
    /// ASRA: one block with at least 50 % relief (the default)
    Asra,
    /// Two blocks on the same target, each at least 50 %
    Dual,
    /// Medicare LCD L38801: two medial branch blocks at least 80 %, 14 days apart
    Cms,
    /// ASIPP: two blocks at least 80 %, rated during a provocative activity
    Asipp,
    /// SIS comparative blocks: 100 %, the longer-acting agent lasting longer
    Sis,
}

impl ProtocolName {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ProtocolName::Asra => "asra",
            ProtocolName::Dual => "dual",
            ProtocolName::Cms => "cms",
            ProtocolName::Asipp => "asipp",
            ProtocolName::Sis => "sis",
        }
    }
}

/// `--threshold`: a number, 0 < T ≤ 100, a trailing `%` allowed.
fn parse_threshold(text: &str) -> Result<f64, String> {
    let wrong = || {
        format!("must be a number greater than 0 and at most 100 (e.g. 80 or 80%), not \"{text}\"")
    };
    let number = text.trim();
    let number = number.strip_suffix('%').unwrap_or(number).trim_end();
    match number.parse::<f64>() {
        Ok(t) if t.is_finite() && t > 0.0 && t <= 100.0 => Ok(t),
        _ => Err(wrong()),
    }
}

/// `--window`: whole minutes written with d, h, m, greater than 0.
fn parse_window(text: &str) -> Result<i64, String> {
    paindiary::time_input::parse_duration_minutes(text).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub(crate) struct EvaluateArgs {
    /// Diary files (`-` reads standard input) [default: the --file diary]
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub protocol: ProtocolArgs,
    /// Evaluate the diary as it stood at this time (any --at form; a future time is allowed)
    /// [default: now]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct AmendArgs {
    /// The id of the entry, block or RFA (e.g. e4, b2)
    pub id: String,
    /// The corrected score
    #[arg(long, value_parser = score_in_range(10.0), allow_negative_numbers = true)]
    pub score: Option<f64>,
    /// The corrected time: RFC 3339, 'YYYY-MM-DD HH:MM', 'HH:MM' (today), 'now', '30m ago', '-30m', 'yesterday 15:00'; local time is $TZ's
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// The corrected activity (empty text clears it)
    #[arg(long)]
    pub activity: Option<String>,
    /// The corrected patient-reported relief, 0–100
    #[arg(long, value_name = "PCT", value_parser = score_in_range(100.0), allow_negative_numbers = true)]
    pub relief: Option<f64>,
    /// The corrected medication (empty text clears it)
    #[arg(long)]
    pub medication: Option<String>,
    /// The corrected note (empty text clears it)
    #[arg(long)]
    pub note: Option<String>,
    /// Block or RFA: the corrected kind
    #[arg(long, value_parser = choice(ProcedureKind::ALL, |k| k.as_str()))]
    pub kind: Option<ProcedureKind>,
    /// Block or RFA: the corrected local anaesthetic
    #[arg(long, value_parser = choice(Anesthetic::ALL, |a| a.as_str()))]
    pub anesthetic: Option<Anesthetic>,
    /// Block or RFA: the corrected region (empty text clears it)
    #[arg(long)]
    pub region: Option<String>,
    /// Block or RFA: the corrected levels, comma separated (empty text clears them)
    #[arg(long, value_name = "L4-L5,L5-S1")]
    pub levels: Option<String>,
    /// Block or RFA: the corrected side
    #[arg(long, value_parser = choice(Side::ALL, |s| s.as_str()))]
    pub side: Option<Side>,
    /// Block or RFA: whether a steroid was included
    #[arg(long, value_name = "true|false", value_parser = PossibleValuesParser::new(["true", "false"]).map(|s| s == "true"))]
    pub steroid: Option<bool>,
    /// Block or RFA: the corrected sedation
    #[arg(long, value_parser = choice(Sedation::ALL, |s| s.as_str()))]
    pub sedation: Option<Sedation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableOrJson {
    Table,
    Json,
}

/// Paper sizes `report --paper` can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Paper {
    A4,
    Letter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    Csv,
    Json,
    Fhir,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn man_takes_every_subcommand_and_nothing_else() {
        let mut built = Cli::command();
        built.build();
        for sub in built.get_subcommands() {
            let parsed = command().try_get_matches_from(["paindiary", "man", sub.get_name()]);
            assert!(parsed.is_ok(), "man {}", sub.get_name());
        }
        assert!(
            command()
                .try_get_matches_from(["paindiary", "man", "paindiary-log"])
                .is_err()
        );
    }

    #[test]
    fn at_and_after_are_parsed_by_the_library() {
        let cli = Cli::try_parse_from(["paindiary", "log", "5", "--after", "1h30m"]).unwrap();
        let Command::Log(args) = cli.command else {
            panic!("log")
        };
        assert_eq!(args.after, Some(90));
        assert!(Cli::try_parse_from(["paindiary", "log", "5", "--after", "90"]).is_err());
        assert!(
            Cli::try_parse_from(["paindiary", "log", "5", "--at", "2026-11-20T09:30:00-07:00"])
                .is_ok()
        );
        assert!(
            Cli::try_parse_from(["paindiary", "log", "5", "--at", "9999-01-01 00:00"]).is_err()
        );
        assert!(
            Cli::try_parse_from([
                "paindiary",
                "block",
                "--anesthetic",
                "lidocaine",
                "--at",
                "nonsense"
            ])
            .is_err()
        );
    }

    #[test]
    fn scores_are_range_checked() {
        assert!(Cli::try_parse_from(["paindiary", "log", "11"]).is_err());
        assert!(Cli::try_parse_from(["paindiary", "log", "-1"]).is_err());
        assert!(Cli::try_parse_from(["paindiary", "log", "abc"]).is_err());
        assert!(Cli::try_parse_from(["paindiary", "log", "NaN"]).is_err());
        assert!(Cli::try_parse_from(["paindiary", "log", "6.5"]).is_ok());
        assert!(Cli::try_parse_from(["paindiary", "log", "5", "--relief", "101"]).is_err());
    }
}
