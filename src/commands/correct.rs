//! Corrections: `amend` (keeps the replaced values in the entry's history) and `retract`.

use super::context::Context;
use crate::cli::AmendArgs;
use anyhow::{Result, bail};

pub fn amend(_ctx: &Context, _args: AmendArgs) -> Result<()> {
    bail!("amend is not implemented yet")
}

pub fn retract(_ctx: &Context, _id: &str, _reason: &str) -> Result<()> {
    bail!("retract is not implemented yet")
}
