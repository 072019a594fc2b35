//! Presentation commands: `chart` (terminal) and `report` (self-contained HTML).

use super::context::{Context, load, print, usage};
use super::evaluate::protocol_from;
use super::exchange::terminal_path;
use super::output::{Output, stdout_is_terminal};
use crate::cli::{Paper, ProtocolArgs};
use anyhow::{Result, anyhow};
use paindiary::diary::Diary;
use paindiary::evaluation::{Evaluation, Protocol, evaluate};
use paindiary::render::{chart as chart_render, html};
use std::path::Path;

/// Load the diary and evaluate it; a diary without blocks is an error (exit 1), as in
/// `evaluate`.
fn load_and_evaluate(ctx: &Context, args: &ProtocolArgs) -> Result<(Diary, Evaluation)> {
    let protocol = protocol_from(args)?;
    let diary = load(&ctx.diary)?;
    let evaluation = evaluate(&diary, &protocol).map_err(|e| anyhow!("{}: {e}", ctx.name()))?;
    Ok((diary, evaluation))
}

/// `chart`: the pain trajectory around each block, for an 80-column terminal.
pub(super) fn chart(ctx: &Context, args: &ProtocolArgs) -> Result<()> {
    let (diary, evaluation) = load_and_evaluate(ctx, args)?;
    print(&chart_render::chart(
        &evaluation,
        &diary,
        &ctx.name(),
        ctx.color,
    ))
}

/// `report`: the HTML report on standard output (refused on a terminal), or written
/// atomically to `--output` (`-`: standard output).
pub(super) fn report(
    ctx: &Context,
    output: Option<&Path>,
    paper: Option<Paper>,
    args: &ProtocolArgs,
) -> Result<()> {
    let destination = Output::from_arg(output);
    destination.check(&ctx.diary, "report")?;
    if output.is_none() && stdout_is_terminal() {
        return Err(usage(
            "report writes HTML, which is not for a terminal: give --output FILE \
(e.g. `paindiary report --output report.html`), redirect it (`> report.html`), \
or use --output - to print it anyway",
        ));
    }
    let (diary, evaluation) = load_and_evaluate(ctx, args)?;
    let generated = ctx.now.format("%Y-%m-%d %H:%M %:z").to_string();
    // The payer section also gives the verdict under cms (LCD L38801) when the report's
    // protocol is another one.
    let payer = match evaluation.protocol.name {
        "cms" => None,
        _ => Protocol::named("cms")
            .ok()
            .and_then(|cms| evaluate(&diary, &cms).ok()),
    };
    let options = html::Options {
        paper: paper.map(|p| match p {
            Paper::A4 => html::Paper::A4,
            Paper::Letter => html::Paper::Letter,
        }),
        payer,
    };
    let text = html::report(&evaluation, &diary, &ctx.name(), &generated, &options);
    destination.write_with(|out| out.write_all(text.as_bytes()))?;
    if let Output::File(path) = &destination {
        eprintln!("paindiary: wrote the report to {}", terminal_path(path));
    }
    Ok(())
}
