//! The `paindiary` binary: parse the command line, run the command, map errors to exit codes.
mod cli;
mod commands;

use paindiary::render::sanitize::terminal_text;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Messages quote diary text (ids, field names, values): never raw to a terminal.
            eprintln!("error: {}", terminal_text(&format!("{err:#}")));
            ExitCode::from(commands::exit_code(&err))
        }
    }
}
