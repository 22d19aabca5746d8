//! Helpers shared by the subcommands.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The workspace root: the parent of the `xtask` crate directory.
pub(crate) fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// Makes sure `path` holds exactly `contents` (line endings normalized to `\n`).
///
/// Returns `Ok(true)` when the file was already up to date. When it was not:
/// * with `check == false` the file (and its parent directories) is written and
///   `Ok(false)` is returned;
/// * with `check == true` nothing is written and `Ok(false)` is returned, so that the
///   caller can report every stale file and name the command that regenerates them.
pub(crate) fn ensure_file_contents(
    path: &Path,
    contents: &str,
    check: bool,
) -> anyhow::Result<bool> {
    let wanted = normalize_newlines(contents);
    if let Ok(existing) = std::fs::read_to_string(path) {
        if normalize_newlines(&existing) == wanted {
            return Ok(true);
        }
    }
    if check {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, wanted.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("updated {}", display_relative(path));
    Ok(false)
}

/// `path` relative to the project root when possible, for messages.
pub(crate) fn display_relative(path: &Path) -> String {
    let root = project_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}
