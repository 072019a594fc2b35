//! The `paindiary` binary: parse the command line, run the command, map errors to exit codes.
mod cli;
mod commands;

use paindiary::render::sanitize::terminal_text;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Messages quote diary text (ids, field names, values): never raw to a terminal.
            eprintln!("error: {}", terminal_text(&format!("{err:#}")));
            ExitCode::from(commands::exit_code(&err))
        }
    }
}

/// Clap's help, version or error text, with the arguments it echoes escaped (SPEC §4); help
/// and version go to stdout, errors to stderr (exit 2).
fn clap_exit(err: &clap::Error) -> ExitCode {
    let text = err.render().ansi().to_string();
    let text = terminal_text(&text);
    let written = if err.use_stderr() {
        std::io::stderr().write_all(text.as_bytes())
    } else {
        std::io::stdout().write_all(text.as_bytes())
    };
    // A closed pipe (`--help | head`) is not an error.
    drop(written);
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
}
