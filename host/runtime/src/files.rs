//! The files capability: `files` mounts, visible read-only in the guest.
//!
//! A `{ source, destination }` placement of a directory is preopened in place. Glob
//! patterns (and single-file placements) are copied, keeping their relative paths,
//! into a staging directory that is preopened at `/`, as Spin does for local apps.

use crate::manifest::FileMount;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// A host directory and the guest path it appears at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preopen {
    /// Host directory.
    pub host: PathBuf,
    /// Absolute guest path.
    pub guest: String,
}

/// Resolves a component's mounts into preopens, staging copied files under
/// `staging` (emptied first).
pub fn prepare(
    manifest_dir: &Path,
    mounts: &[FileMount],
    exclude: &[String],
    staging: &Path,
) -> anyhow::Result<Vec<Preopen>> {
    let mut preopens = Vec::new();
    let mut staged = false;
    let excluded: Vec<glob::Pattern> = exclude
        .iter()
        .map(|e| glob::Pattern::new(e).with_context(|| format!("exclude_files pattern `{e}`")))
        .collect::<Result<_, _>>()?;
    let is_excluded = |rel: &Path| excluded.iter().any(|p| p.matches_path(rel));
    if staging.exists() {
        std::fs::remove_dir_all(staging)
            .with_context(|| format!("clearing {}", staging.display()))?;
    }
    for mount in mounts {
        match mount {
            FileMount::Placement {
                source,
                destination,
            } => {
                let host = manifest_dir.join(source);
                if host.is_dir() && excluded.is_empty() {
                    preopens.push(Preopen {
                        host,
                        guest: destination.clone(),
                    });
                } else if host.is_dir() {
                    for entry in walk(&host)? {
                        let rel = entry.strip_prefix(&host)?;
                        if !is_excluded(rel) {
                            copy(
                                &entry,
                                &staging.join(destination.trim_start_matches('/')).join(rel),
                            )?;
                        }
                    }
                    staged = true;
                } else {
                    copy(&host, &staging.join(destination.trim_start_matches('/')))?;
                    staged = true;
                }
            }
            FileMount::Pattern(pattern) => {
                let full = manifest_dir.join(pattern);
                let full = full.to_string_lossy();
                for entry in
                    glob::glob(&full).with_context(|| format!("files pattern `{pattern}`"))?
                {
                    let entry = entry?;
                    let rel = entry.strip_prefix(manifest_dir)?.to_path_buf();
                    if entry.is_file() && !is_excluded(&rel) {
                        copy(&entry, &staging.join(&rel))?;
                        staged = true;
                    }
                }
            }
        }
    }
    if staged {
        preopens.push(Preopen {
            host: staging.to_path_buf(),
            guest: "/".to_string(),
        });
    }
    Ok(preopens)
}

fn walk(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}
