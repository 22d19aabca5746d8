//! Helpers shared by the subcommands: the project root (found at run time, from the current
//! directory or `--root`) and writing generated files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context as _;

static PROJECT_ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Sets the project root for this process (from `--root` or [`find_project_root`]); the
/// first call wins.
pub(crate) fn set_project_root(root: PathBuf) {
    let _ = PROJECT_ROOT.set(root);
}

/// The project root: set at start-up by `run`, else found from the current directory. It is
/// never where the binary was built: a copied binary works in any project.
pub(crate) fn project_root() -> PathBuf {
    PROJECT_ROOT
        .get_or_init(|| {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            find_project_root(&cwd).unwrap_or(cwd)
        })
        .clone()
}

/// The nearest folder at or above `start` that is a rolewright project: one with an
/// `examples/` folder holding a config file (`*.yaml`, `*.yml`, `*.json`), or the root of a
/// Cargo workspace (a `Cargo.toml` with `[workspace]`), whichever comes first.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| has_example_configs(&dir.join("examples")) || is_workspace_root(dir))
        .map(Path::to_path_buf)
}

fn has_example_configs(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        [".yaml", ".yml", ".json"].iter().any(|x| name.ends_with(x)) && e.path().is_file()
    })
}

fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
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

/// `path` relative to the current directory, else to the project root, when possible, for
/// messages: what a user would type.
pub(crate) fn display_relative(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let root = project_root();
    cwd.iter()
        .chain(std::iter::once(&root))
        .find_map(|base| path.strip_prefix(base).ok())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}
