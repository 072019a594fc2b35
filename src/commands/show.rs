//! Read-only commands: `list`, `protocols`, `completions`, `man`.

use super::context::{Context, load, print};
use crate::cli::{Cli, ListFormat, TableOrJson};
use anyhow::{Context as _, Result};
use clap::CommandFactory;
use paindiary::evaluation::{Protocol, entry_reliefs, evaluate};
use paindiary::render::{entries, protocols as protocols_render, table};

/// `list`: the entries with the time since the latest preceding block and relief %.
pub fn list(ctx: &Context, format: ListFormat) -> Result<()> {
    let diary = load(&ctx.diary)?;
    let evaluation = evaluate(&diary, &Protocol::default_protocol()).ok();
    let reliefs = entry_reliefs(&diary, evaluation.as_ref());
    let text = match format {
        ListFormat::Table => entries::entries_table(&diary, &reliefs, table::terminal_width()),
        ListFormat::Json => entries::entries_json(&diary, &reliefs) + "\n",
        ListFormat::Csv => entries::entries_csv(&diary, &reliefs),
    };
    print(&text)
}

/// `protocols`: the built-in protocols.
pub fn protocols(format: TableOrJson) -> Result<()> {
    match format {
        TableOrJson::Table => print(&protocols_render::protocols_table()),
        TableOrJson::Json => print(&(protocols_render::protocols_json() + "\n")),
    }
}

/// `completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "paindiary", &mut out);
    print(&String::from_utf8_lossy(&out))
}

/// `man`: the man page in roff.
pub fn man() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .context("could not render the man page")?;
    print(&String::from_utf8_lossy(&out))
}
