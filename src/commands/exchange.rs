//! Data exchange commands: `export` (CSV, JSON, FHIR) and `import` (CSV).

use super::context::Context;
use crate::cli::ExportFormat;
use anyhow::{Result, bail};
use std::path::Path;

pub fn export(_ctx: &Context, _format: ExportFormat) -> Result<()> {
    bail!("export is not implemented yet")
}

pub fn import(_ctx: &Context, _csv: &Path) -> Result<()> {
    bail!("import is not implemented yet")
}
