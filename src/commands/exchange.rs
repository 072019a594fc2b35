//! Data exchange commands: `export` (CSV, JSON, FHIR) and `import` (CSV).

use super::context::{Context, load, println};
use super::output::Output;
use super::record::modify;
use crate::cli::ExportFormat;
use anyhow::{Result, anyhow};
use paindiary::diary::to_bytes;
use paindiary::exchange::{csv, fhir};
use paindiary::render::sanitize::terminal_text;
use paindiary::storage;
use std::path::Path;

/// `export`: the diary as CSV, JSON (the diary itself) or a FHIR Bundle, on standard output
/// or written atomically to `--output` (never the diary, its `.bak` or `.lock`). The FHIR
/// Bundle is streamed resource by resource.
pub(super) fn export(ctx: &Context, format: ExportFormat, output: Option<&Path>) -> Result<()> {
    let output = Output::from_arg(output);
    output.check(&ctx.diary, "export")?;
    let diary = load(&ctx.diary)?;
    output.write_with(|out| match format {
        ExportFormat::Json => out.write_all(&to_bytes(&diary).map_err(std::io::Error::other)?),
        ExportFormat::Csv => out.write_all(csv::to_csv(&diary).as_bytes()),
        ExportFormat::Fhir => fhir::write_fhir(&diary, out),
    })?;
    if let Output::File(path) = &output {
        eprintln!(
            "paindiary: wrote the {} export to {}",
            format_name(format),
            terminal_path(path)
        );
    }
    Ok(())
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Json => "JSON",
        ExportFormat::Csv => "CSV",
        ExportFormat::Fhir => "FHIR",
    }
}

/// A path for a message on the terminal: control and bidirectional characters escaped.
pub(super) fn terminal_path(path: &Path) -> String {
    paindiary::render::sanitize::one_line(&path.display().to_string())
}

/// `import FILE.csv`: every row checked first; one bad cell and nothing is imported. Then, under
/// the diary's lock, the records are added (ids kept into an empty diary, fresh ids otherwise).
pub(super) fn import(ctx: &Context, file: &Path) -> Result<()> {
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
    if imported.repeated > 0 {
        // Imported all the same (SPEC §5: appended with fresh ids); a repeated reading would
        // count twice in a relief run, so say so.
        let total = imported.procedures + imported.entries;
        eprintln!(
            "paindiary: warning: {} of the {total} imported records repeat one already in the \
             diary (same time and values): was {} imported before? A repeated score counts \
             twice in a relief run; `paindiary retract ID` withdraws one.",
            imported.repeated,
            terminal_path(file)
        );
    }
    println(&terminal_text(&format!("{imported} into {}", ctx.name())))
}
