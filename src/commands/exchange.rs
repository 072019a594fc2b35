//! Data exchange commands: `export` (CSV, JSON, FHIR) and `import` (CSV).

use super::context::{Context, load, print, println};
use super::record::modify;
use crate::cli::ExportFormat;
use anyhow::{Result, anyhow};
use paindiary::diary::to_bytes;
use paindiary::exchange::{csv, fhir};
use paindiary::render::sanitize::terminal_text;
use paindiary::storage;
use std::path::Path;

/// `export`: the diary on standard output as CSV, JSON (the diary itself) or a FHIR Bundle.
pub fn export(ctx: &Context, format: ExportFormat) -> Result<()> {
    let diary = load(&ctx.diary)?;
    match format {
        ExportFormat::Json => print(&String::from_utf8_lossy(&to_bytes(&diary))),
        ExportFormat::Csv => print(&csv::to_csv(&diary)),
        ExportFormat::Fhir => print(&fhir::to_fhir(&diary)),
    }
}

/// `import FILE.csv`: every row checked first; one bad cell and nothing is imported. Then, under
/// the diary's lock, the records are added (ids kept into an empty diary, fresh ids otherwise).
pub fn import(ctx: &Context, file: &Path) -> Result<()> {
    let bytes = storage::read_diary(file)?;
    let records = csv::parse_csv(&bytes).map_err(|e| {
        anyhow!(
            "{}: {e}; nothing was imported into {}",
            file.display(),
            ctx.name()
        )
    })?;
    drop(bytes);
    let imported = modify(ctx, true, |diary| Ok(csv::merge(diary, records)))?;
    println(&terminal_text(&format!("{imported} into {}", ctx.name())))
}
