//! Corrections of entries, blocks and RFAs: `amend` (keeps the replaced values in the
//! record's history) and `retract`.
//! Both change the diary under its lock; nothing is written when they fail.

use super::context::{Context, println, usage};
use super::record::modify;
use crate::cli::AmendArgs;
use anyhow::Result;
use chrono::Timelike;
use paindiary::diary::Timestamp;
use paindiary::diary::correct::{self, Amendment, CorrectError};
use paindiary::render::sanitize::one_line;
use paindiary::time_input::parse_past_time;

/// The time of a correction: now, to the second.
fn now(ctx: &Context) -> Timestamp {
    let now = ctx.now.fixed_offset();
    Timestamp::new(now.with_nanosecond(0).unwrap_or(now))
}

/// Refusals about the record named on the command line are command-line errors (exit 2).
fn refused(ctx: &Context, err: CorrectError) -> anyhow::Error {
    usage(format!("{}: {err}", ctx.name()))
}

/// `amend ID …`: replace the given fields; the old values go to the record's history.
pub(super) fn amend(ctx: &Context, args: AmendArgs) -> Result<()> {
    let at = match args.at.as_deref() {
        Some(text) => Some(Timestamp::new(parse_past_time(text, &ctx.now).map_err(
            |e| {
                usage(format!(
                    "{}: amend {}: --at: {e}",
                    ctx.name(),
                    one_line(&args.id)
                ))
            },
        )?)),
        None => None,
    };
    let change = Amendment {
        score: args.score,
        at,
        activity: args.activity,
        relief: args.relief,
        medication: args.medication,
        note: args.note,
        kind: args.kind,
        anesthetic: args.anesthetic,
        region: args.region,
        levels: args
            .levels
            .map(|l| l.split(',').map(|s| s.trim().to_string()).collect()),
        side: args.side,
        steroid: args.steroid,
        sedation: args.sedation,
    };
    if change.is_empty() {
        return Err(usage(format!(
            "{}: amend {} needs at least one of --score, --at, --activity, --relief, --medication, --note (an entry) or --at, --kind, --anesthetic, --region, --levels, --side, --steroid, --sedation, --note (a block or RFA)",
            ctx.name(),
            one_line(&args.id)
        )));
    }
    let now = now(ctx);
    let replaced = modify(ctx, false, |diary| {
        correct::amend(diary, &args.id, change, &now).map_err(|e| refused(ctx, e))
    })?;
    if replaced.is_empty() {
        return println(&one_line(&format!(
            "Nothing changed: {} already has the values given (no history added)",
            args.id
        )));
    }
    let changes: Vec<String> = replaced
        .iter()
        .map(|r| format!("{} {} → {}", r.field, r.old, r.new))
        .collect();
    println(&one_line(&format!(
        "Amended {}: {}",
        args.id,
        changes.join(", ")
    )))
}

/// `retract ID --reason R`: the record stays, marked retracted, and evaluation ignores it.
pub(super) fn retract(ctx: &Context, id: &str, reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(usage(format!(
            "{}: retract {} needs a reason (--reason 'why the entry is withdrawn')",
            ctx.name(),
            one_line(id)
        )));
    }
    let now = now(ctx);
    modify(ctx, false, |diary| {
        correct::retract(diary, id, reason.to_string(), &now).map_err(|e| refused(ctx, e))
    })?;
    println(&format!("Retracted {}", one_line(id)))
}
