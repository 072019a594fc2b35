//! Presentation commands: `chart` (terminal) and `report` (self-contained HTML).

use super::context::Context;
use crate::cli::ProtocolArgs;
use anyhow::{Result, bail};
use std::path::Path;

pub fn chart(_ctx: &Context, _args: &ProtocolArgs) -> Result<()> {
    bail!("chart is not implemented yet")
}

pub fn report(_ctx: &Context, _output: Option<&Path>, _args: &ProtocolArgs) -> Result<()> {
    bail!("report is not implemented yet")
}
