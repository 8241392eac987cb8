//! The runtime-config file (`--runtime-config-file`), in Spin's TOML syntax.
//!
//! Sections understood here:
//! - `[[variables_provider]]` with `type = "env"` (optional `prefix`, default
//!   `SPIN_VARIABLE`) or `type = "static"` with a `values` table (an edgecart
//!   extension for local overrides and tests).
//!
//! With no file at all, variables come from `SPIN_VARIABLE_*` and defaults. Every
//! problem in the file is reported at once.

use crate::error::ConfigErrors;
use crate::variables::Providers;
use std::collections::HashMap;
use std::path::Path;
use toml::{Table, Value};

/// A parsed runtime-config file.
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// Variable providers, merged.
    pub providers: Providers,
}

impl RuntimeConfig {
    /// Loads the file at `path`, or the defaults for `None`.
    pub fn load(path: Option<&Path>) -> Result<RuntimeConfig, ConfigErrors> {
        let environment: HashMap<String, String> = std::env::vars().collect();
        let Some(path) = path else {
            return Ok(RuntimeConfig {
                providers: Providers {
                    environment,
                    ..Providers::default()
                },
            });
        };
        let mut errors = ConfigErrors::default();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!(
                    "cannot read runtime config `{}`: {e}",
                    path.display()
                ));
                return Err(errors);
            }
        };
        let mut config = Self::parse(&text)?;
        config.providers.environment = environment;
        Ok(config)
    }

    /// Parses runtime-config text.
    pub fn parse(text: &str) -> Result<RuntimeConfig, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let table: Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!(
                    "the runtime config is not valid TOML: {}",
                    e.message().trim()
                ));
                return Err(errors);
            }
        };
        let mut providers = Providers::default();
        for (key, value) in &table {
            match key.as_str() {
                "variables_provider" | "config_provider" => {
                    let Some(list) = value.as_array() else {
                        errors.push(format!("`{key}` must be an array of tables: write `[[{key}]]`"));
                        continue;
                    };
                    for (i, p) in list.iter().enumerate() {
                        parse_provider(&format!("{key}[{i}]"), p, &mut providers, &mut errors);
                    }
                }
                other => errors.push(format!(
                    "runtime config section `{other}` is not supported: the supported section is `[[variables_provider]]`"
                )),
            }
        }
        errors.into_result(RuntimeConfig { providers })
    }
}

fn parse_provider(at: &str, value: &Value, providers: &mut Providers, errors: &mut ConfigErrors) {
    let Some(t) = value.as_table() else {
        errors.push(format!("{at} must be a table"));
        return;
    };
    let allowed: &[&str] = match t.get("type").and_then(Value::as_str) {
        Some("env") => {
            match t.get("prefix") {
                Some(Value::String(p)) => providers.env_prefix = Some(p.clone()),
                Some(_) => errors.push(format!("{at}.prefix must be a string")),
                None => {}
            }
            &["type", "prefix", "dotenv_path"]
        }
        Some("static") => {
            match t.get("values").and_then(Value::as_table) {
                Some(values) => {
                    for (k, v) in values {
                        match v.as_str() {
                            Some(s) => {
                                providers.static_values.insert(k.clone(), s.to_string());
                            }
                            None => errors.push(format!("{at}.values.{k} must be a string")),
                        }
                    }
                }
                None => errors.push(format!("{at}: a static provider needs a `values` table")),
            }
            &["type", "values"]
        }
        Some(other) => {
            errors.push(format!(
                "{at}: provider type `{other}` is not supported here: use `env` or `static`"
            ));
            return;
        }
        None => {
            errors.push(format!(
                "{at}: `type` is missing: use `type = \"env\"` or `type = \"static\"`"
            ));
            return;
        }
    };
    for key in t.keys().filter(|k| !allowed.contains(&k.as_str())) {
        errors.push(format!(
            "{at}: unknown key `{key}`; allowed keys are {}",
            allowed.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_and_env_providers_parse() {
        let c = RuntimeConfig::parse(
            "[[variables_provider]]\ntype = \"env\"\nprefix = \"SHOP\"\n[[variables_provider]]\ntype = \"static\"\nvalues = { a = \"1\" }\n",
        )
        .unwrap();
        assert_eq!(c.providers.env_prefix.as_deref(), Some("SHOP"));
        assert_eq!(c.providers.static_values["a"], "1");
    }

    #[test]
    fn every_problem_is_reported() {
        let err = RuntimeConfig::parse(
            "[[variables_provider]]\ntype = \"vault\"\n[[variables_provider]]\ntype = \"static\"\nvalus = {}\n[bogus]\n",
        )
        .unwrap_err();
        assert_eq!(err.problems().len(), 4, "{err}");
    }
}
