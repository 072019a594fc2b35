//! The commands: each one reads what it needs, calls the library, and prints.
mod context;
mod correct;
mod evaluate;
mod exchange;
mod present;
mod record;
mod show;

use crate::cli::{Cli, Command};
use anyhow::Result;
pub use context::{Context, UsageError};

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::new(&cli)?;
    match cli.command {
        Command::Init { patient } => record::init(&ctx, patient),
        Command::Block(args) => record::block(&ctx, args),
        Command::Log(args) => record::log(&ctx, args),
        Command::List { format } => show::list(&ctx, format),
        Command::Evaluate(args) => evaluate::evaluate(&ctx, args),
        Command::Protocols { format } => show::protocols(format),
        Command::Completions { shell } => show::completions(shell),
        Command::Man => show::man(),
        Command::Chart(args) => present::chart(&ctx, &args),
        Command::Report { output, protocol } => present::report(&ctx, output.as_deref(), &protocol),
        Command::Export { format } => exchange::export(&ctx, format),
        Command::Import { csv } => exchange::import(&ctx, &csv),
        Command::Amend(args) => correct::amend(&ctx, args),
        Command::Retract { id, reason } => correct::retract(&ctx, &id, &reason),
    }
}

/// SPEC §2: 2 for a wrong command line, 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<UsageError>()) {
        2
    } else {
        1
    }
}
