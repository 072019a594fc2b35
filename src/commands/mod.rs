//! The commands: each one reads what it needs, calls the library, and prints.
mod context;
mod correct;
mod evaluate;
mod exchange;
mod output;
mod present;
mod record;
mod show;

use crate::cli::{Cli, Command};
use anyhow::Result;
pub(crate) use context::{Context, UsageError, clock};

/// Run the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<()> {
    // These read no diary and need no clock: they work anywhere, even without HOME.
    match &cli.command {
        Command::Protocols { format } => return show::protocols(*format),
        Command::Completions { shell } => return show::completions(*shell),
        Command::Man { command } => return show::man(command.as_deref()),
        _ => {}
    }
    // `evaluate FILE…` reads only the files given: the default diary need not be resolvable.
    let needs_diary = !matches!(&cli.command, Command::Evaluate(args) if !args.files.is_empty());
    let ctx = Context::new(&cli, needs_diary)?;
    match cli.command {
        Command::Init { patient } => record::init(&ctx, patient),
        Command::Block(args) => record::block(&ctx, args),
        Command::Rfa(args) => record::rfa(&ctx, args),
        Command::Log(args) => record::log(&ctx, args),
        Command::List { format } => show::list(&ctx, format),
        Command::Evaluate(args) => evaluate::evaluate(&ctx, args),
        // Handled above, before the context.
        Command::Protocols { .. } | Command::Completions { .. } | Command::Man { .. } => Ok(()),
        Command::Chart(args) => present::chart(&ctx, &args),
        Command::Report {
            output,
            paper,
            protocol,
        } => present::report(&ctx, output.as_deref(), paper, &protocol),
        Command::Export { format, output } => exchange::export(&ctx, format, output.as_deref()),
        Command::Import { csv } => exchange::import(&ctx, &csv),
        Command::Amend(args) => correct::amend(&ctx, args),
        Command::Retract { id, reason } => correct::retract(&ctx, &id, &reason),
    }
}

/// SPEC §2: 2 for a wrong command line, 1 for everything else.
pub(crate) fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<UsageError>()) {
        2
    } else {
        1
    }
}
