//! `edgecart up --build`: runs each component's `[component.<id>.build]` command
//! like `spin build`, streaming its output.

use crate::manifest::Manifest;
use anyhow::{Context as _, bail};
use std::process::Command;

/// Runs every component's build commands in manifest order; stops at the first
/// failure with the component and command that failed.
pub fn build_all(manifest: &Manifest) -> anyhow::Result<()> {
    let with_build: Vec<_> = manifest
        .components
        .values()
        .filter_map(|c| c.build.as_ref().map(|b| (c, b)))
        .collect();
    if with_build.is_empty() {
        eprintln!("No build command found for any component");
        return Ok(());
    }
    let total = with_build.len();
    for (i, (component, build)) in with_build.into_iter().enumerate() {
        let workdir = match &build.workdir {
            Some(w) => manifest.dir.join(w),
            None => manifest.dir.clone(),
        };
        for command in build.command.iter() {
            eprintln!(
                "[{}/{total}] Building component {} with `{command}`",
                i + 1,
                component.id
            );
            let status = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(&workdir)
                .envs(&build.environment)
                .status()
                .with_context(|| format!("starting the build of component `{}`", component.id))?;
            if !status.success() {
                bail!(
                    "build command for component `{}` failed ({status}): `{command}` in {}",
                    component.id,
                    workdir.display()
                );
            }
        }
    }
    eprintln!("Finished building all Spin components");
    Ok(())
}
