//! Read-only commands: `list`, `protocols`, `completions`, `man`.

use super::context::{Context, load, print, usage};
use crate::cli::{self, ListFormat, TableOrJson};
use anyhow::{Context as _, Result};
use paindiary::evaluation::{Protocol, entry_reliefs, evaluate};
use paindiary::render::{entries, protocols as protocols_render, table};

/// `list`: the entries with the time since the latest preceding block and relief %.
pub(super) fn list(ctx: &Context, format: ListFormat) -> Result<()> {
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
pub(super) fn protocols(format: TableOrJson) -> Result<()> {
    match format {
        TableOrJson::Table => print(&protocols_render::protocols_table()),
        TableOrJson::Json => print(&(protocols_render::protocols_json() + "\n")),
    }
}

/// `completions SHELL`.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "paindiary", &mut out);
    print(&String::from_utf8_lossy(&out))
}

/// `man [COMMAND]`: the man page of paindiary, or of one command (`paindiary-COMMAND(1)`), in
/// roff. The page of paindiary lists the commands' pages and says how to get them.
pub(super) fn man(command: Option<&str>) -> Result<()> {
    let mut root = cli::command();
    root.build();
    let mut out = Vec::new();
    match command {
        Some(name) => {
            let sub = root
                .find_subcommand(name)
                .ok_or_else(|| usage(format!("no man page for `{name}`")))?;
            let version = root.get_version().unwrap_or_default().to_string();
            clap_mangen::Man::new(sub.clone().version(version))
                .render(&mut out)
                .context("could not render the man page")?;
        }
        None => {
            let man = clap_mangen::Man::new(root.clone());
            (|| -> std::io::Result<()> {
                man.render_title(&mut out)?;
                man.render_name_section(&mut out)?;
                man.render_synopsis_section(&mut out)?;
                man.render_description_section(&mut out)?;
                man.render_options_section(&mut out)?;
                man.render_subcommands_section(&mut out)?;
                out.extend_from_slice(
                    b".PP\nEach command's page is printed by \\fBpaindiary man\\fR \\fICOMMAND\\fR, e.g. \\fBpaindiary man log | man \\-l \\-\\fR.\n",
                );
                man.render_extra_section(&mut out)?;
                man.render_version_section(&mut out)
            })()
            .context("could not render the man page")?;
        }
    }
    print(&String::from_utf8_lossy(&out))
}
