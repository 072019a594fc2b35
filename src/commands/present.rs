//! Presentation commands: `chart` (terminal) and `report` (self-contained HTML).

use super::context::{Context, load, print, usage};
use super::evaluate::protocol_from;
use crate::cli::ProtocolArgs;
use anyhow::{Result, anyhow};
use paindiary::diary::Diary;
use paindiary::evaluation::{Evaluation, evaluate};
use paindiary::render::sanitize::terminal_text;
use paindiary::render::{chart as chart_render, html};
use paindiary::storage;
use std::fs;
use std::path::{Path, PathBuf};

/// Load the diary and evaluate it; a diary without blocks is an error (exit 1), as in
/// `evaluate`.
fn load_and_evaluate(ctx: &Context, args: &ProtocolArgs) -> Result<(Diary, Evaluation)> {
    let protocol = protocol_from(args)?;
    let diary = load(&ctx.diary)?;
    let evaluation = evaluate(&diary, &protocol).map_err(|e| anyhow!("{}: {e}", ctx.name()))?;
    Ok((diary, evaluation))
}

/// `chart`: the pain trajectory around each block, for an 80-column terminal.
pub fn chart(ctx: &Context, args: &ProtocolArgs) -> Result<()> {
    let (diary, evaluation) = load_and_evaluate(ctx, args)?;
    print(&chart_render::chart(
        &evaluation,
        &diary,
        &ctx.name(),
        ctx.color,
    ))
}

/// `report`: the HTML report on standard output, or written atomically to `output`.
pub fn report(ctx: &Context, output: Option<&Path>, args: &ProtocolArgs) -> Result<()> {
    if let Some(out) = output {
        refuse_diary_paths(&ctx.diary, out)?;
    }
    let (diary, evaluation) = load_and_evaluate(ctx, args)?;
    let generated = ctx.now.format("%Y-%m-%d %H:%M %:z").to_string();
    let text = html::report(&evaluation, &diary, &ctx.name(), &generated);
    match output {
        None => print(&text),
        Some(out) => {
            write_file_atomic(out, text.as_bytes())?;
            eprintln!(
                "{}",
                terminal_text(&format!("paindiary: wrote the report to {}", out.display()))
            );
            Ok(())
        }
    }
}

/// The path made absolute and with its folder resolved (symlinks followed), so two spellings
/// of one file compare equal even when the file does not exist yet.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(dir).ok()?.join(name))
}

/// Refuse (exit 2) an `--output` that is the diary itself or its backup or lock file.
fn refuse_diary_paths(diary: &Path, output: &Path) -> Result<()> {
    let Some(out) = resolved(output) else {
        return Ok(());
    };
    let mut protected = vec![diary.to_path_buf()];
    // The backup and lock sit beside the diary, or beside its target when it is a link.
    let mut bases = vec![diary.to_path_buf()];
    if let Ok(target) = storage::resolve_target(diary)
        && target != diary
    {
        bases.push(target);
    }
    for base in &bases {
        if let Some(name) = base.file_name() {
            for suffix in [".bak", ".lock"] {
                let mut sibling = name.to_os_string();
                sibling.push(suffix);
                protected.push(base.with_file_name(sibling));
            }
        }
    }
    for path in protected {
        if resolved(&path).is_some_and(|p| p == out) {
            return Err(usage(format!(
                "--output {}: refusing to write the report over {} (the diary{})",
                output.display(),
                path.display(),
                if path == diary {
                    ""
                } else {
                    "'s backup or lock file"
                }
            )));
        }
    }
    Ok(())
}

/// Write the report atomically (temporary file, fsync, rename), without a `.bak`.
fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    super::record::written(storage::write_file_atomic(path, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::Permissions;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn atomic_write_creates_private_file_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        write_file_atomic(&path, b"one").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&path, Permissions::from_mode(0o644)).unwrap();
        write_file_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_file_atomic(dir.path(), b"x").is_err());
    }

    #[test]
    fn diary_and_its_siblings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.json");
        fs::write(&diary, b"{}").unwrap();
        let other = dir.path().join("sub").join("..").join("diary.json");
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(refuse_diary_paths(&diary, &other).is_err());
        assert!(refuse_diary_paths(&diary, &dir.path().join("diary.json.bak")).is_err());
        assert!(refuse_diary_paths(&diary, &dir.path().join("report.html")).is_ok());
    }
}
