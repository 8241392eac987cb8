//! The runtime-config file (`--runtime-config-file`), in Spin's TOML syntax.
//!
//! Sections understood here:
//! - `[[variables_provider]]` with `type = "env"` (optional `prefix`, default
//!   `SPIN_VARIABLE`) or `type = "static"` with a `values` table (an edgecart
//!   extension for local overrides and tests).
//! - `[sqlite_database.<label>]` and `[key_value_store.<label>]` pick a libSQL
//!   backend per label (see [`DbBackend`]).
//!
//! With no file at all, variables come from `SPIN_VARIABLE_*` and defaults, and
//! every database label gets its own file under the data directory. Every problem
//! in the file is reported at once.

use crate::error::ConfigErrors;
use crate::variables::Providers;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::{Table, Value};

/// The shortest time between two syncs of an embedded replica.
const MIN_SYNC_INTERVAL: Duration = Duration::from_millis(10);

/// Where one `sqlite_database` or `key_value_store` label keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbBackend {
    /// A libSQL file: `type = "spin"` with an optional `path` (default: a file
    /// per label under the data directory).
    Local {
        /// File path; relative paths start at the runtime-config file's directory.
        path: Option<PathBuf>,
    },
    /// A libSQL server over HTTP: `type = "libsql"`, `url`, `token`.
    Remote {
        /// Server URL (`http://`, `https://` or `libsql://`).
        url: String,
        /// Auth token (may be empty for a server without auth).
        token: String,
    },
    /// An embedded replica of a libSQL server: the `libsql` keys plus
    /// `replica_path` and optionally `sync_interval` (an edgecart extension).
    /// Reads are served from the local file, writes go to the primary.
    Replica {
        /// Primary's URL.
        url: String,
        /// Auth token.
        token: String,
        /// Local replica file.
        replica_path: PathBuf,
        /// Period of background syncs from the primary.
        sync_interval: Duration,
    },
}

/// A parsed runtime-config file.
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// Variable providers, merged.
    pub providers: Providers,
    /// `[sqlite_database.<label>]` sections.
    pub sqlite_databases: BTreeMap<String, DbBackend>,
    /// `[key_value_store.<label>]` sections.
    pub key_value_stores: BTreeMap<String, DbBackend>,
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
                ..RuntimeConfig::default()
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
        let base = path.parent().unwrap_or(Path::new("."));
        let mut config = Self::parse(&text, base)?;
        config.providers.environment = environment;
        Ok(config)
    }

    /// Parses runtime-config text; relative paths start at `base`.
    pub fn parse(text: &str, base: &Path) -> Result<RuntimeConfig, ConfigErrors> {
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
        let mut sqlite_databases = BTreeMap::new();
        let mut key_value_stores = BTreeMap::new();
        for (key, value) in &table {
            match key.as_str() {
                section @ ("sqlite_database" | "key_value_store") => {
                    let Some(labels) = value.as_table() else {
                        errors.push(format!("`{section}` must be a table of labels: write `[{section}.<label>]`"));
                        continue;
                    };
                    let target = if section == "sqlite_database" { &mut sqlite_databases } else { &mut key_value_stores };
                    for (label, v) in labels {
                        if let Some(b) = parse_backend(&format!("{section}.{label}"), v, base, &mut errors) {
                            target.insert(label.clone(), b);
                        }
                    }
                }
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
                    "runtime config section `{other}` is not supported: the supported sections are `[[variables_provider]]`, `[sqlite_database.<label>]` and `[key_value_store.<label>]`"
                )),
            }
        }
        errors.into_result(RuntimeConfig {
            providers,
            sqlite_databases,
            key_value_stores,
        })
    }
}

fn parse_backend(
    at: &str,
    value: &Value,
    base: &Path,
    errors: &mut ConfigErrors,
) -> Option<DbBackend> {
    let Some(t) = value.as_table() else {
        errors.push(format!("[{at}] must be a table"));
        return None;
    };
    let string = |key: &str, errors: &mut ConfigErrors| match t.get(key) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(format!("[{at}] `{key}` must be a string"));
            None
        }
    };
    let (backend, allowed): (Option<DbBackend>, &[&str]) = match t.get("type").map(Value::as_str) {
        Some(Some("spin")) => (
            Some(DbBackend::Local {
                path: string("path", errors).map(|p| base.join(p)),
            }),
            &["type", "path"],
        ),
        Some(Some("libsql")) => {
            let url = string("url", errors);
            let token = string("token", errors).unwrap_or_default();
            if url.is_none() {
                errors.push(format!("[{at}] needs `url`, the libSQL server's address"));
            }
            let interval = match t.get("sync_interval") {
                None => Some(Duration::from_secs(1)),
                Some(Value::Integer(n)) => u64::try_from(*n).ok().map(Duration::from_secs),
                Some(Value::Float(f)) => Duration::try_from_secs_f64(*f).ok(),
                Some(_) => None,
            };
            let sync_interval = match interval.filter(|i| *i >= MIN_SYNC_INTERVAL) {
                Some(i) => i,
                None => {
                    let given = t
                        .get("sync_interval")
                        .map(Value::to_string)
                        .unwrap_or_default();
                    errors.push(format!(
                        "[{at}] `sync_interval` must be a number of seconds, at least {}, not {given}",
                        MIN_SYNC_INTERVAL.as_secs_f64()
                    ));
                    Duration::from_secs(1)
                }
            };
            let replica_path = string("replica_path", errors);
            let backend = url.map(|url| match replica_path {
                Some(p) => DbBackend::Replica {
                    url,
                    token,
                    replica_path: base.join(p),
                    sync_interval,
                },
                None => DbBackend::Remote { url, token },
            });
            (
                backend,
                &["type", "url", "token", "replica_path", "sync_interval"],
            )
        }
        Some(Some(other)) => {
            errors.push(format!("[{at}] type `{other}` is not supported: use `spin` (a local file) or `libsql` (a libSQL server)"));
            return None;
        }
        Some(None) => {
            errors.push(format!(
                "[{at}] `type` must be a string: `type = \"spin\"` or `type = \"libsql\"`"
            ));
            return None;
        }
        None => {
            errors.push(format!(
                "[{at}] `type` is missing: use `type = \"spin\"` or `type = \"libsql\"`"
            ));
            return None;
        }
    };
    for key in t.keys().filter(|k| !allowed.contains(&k.as_str())) {
        errors.push(format!(
            "[{at}] unknown key `{key}`; allowed keys are {}",
            allowed.join(", ")
        ));
    }
    backend
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
            Path::new("."),
        )
        .unwrap();
        assert_eq!(c.providers.env_prefix.as_deref(), Some("SHOP"));
        assert_eq!(c.providers.static_values["a"], "1");
    }

    #[test]
    fn every_problem_is_reported() {
        let err = RuntimeConfig::parse(
            "[[variables_provider]]\ntype = \"vault\"\n[[variables_provider]]\ntype = \"static\"\nvalus = {}\n[bogus]\n[sqlite_database.a]\ntype = \"libsql\"\nsync_interval = -1\nreplica_path = 3\n[key_value_store.b]\ntype = \"redis\"\n",
            Path::new("."),
        )
        .unwrap_err();
        assert_eq!(err.problems().len(), 8, "{err}");
    }

    #[test]
    fn a_sync_interval_must_be_a_time_libsql_can_wait() {
        for given in ["inf", "nan", "1e300", "1e-12", "0", "-2", "\"1\"", "true"] {
            let err = RuntimeConfig::parse(
                &format!("[sqlite_database.a]\ntype = \"libsql\"\nurl = \"http://p\"\nreplica_path = \"a.db\"\nsync_interval = {given}\n"),
                Path::new("."),
            )
            .unwrap_err();
            assert_eq!(err.problems().len(), 1, "{given}: {err}");
            assert!(
                err.to_string()
                    .contains("`sync_interval` must be a number of seconds, at least 0.01"),
                "{given}: {err}"
            );
        }
        let c = RuntimeConfig::parse(
            "[sqlite_database.a]\ntype = \"libsql\"\nurl = \"http://p\"\nreplica_path = \"a.db\"\nsync_interval = 0.25\n",
            Path::new("."),
        )
        .unwrap();
        assert!(matches!(
            c.sqlite_databases["a"],
            DbBackend::Replica { sync_interval, .. } if sync_interval == Duration::from_millis(250)
        ));
        let err =
            RuntimeConfig::parse("[sqlite_database.a]\ntype = 5\n", Path::new(".")).unwrap_err();
        assert!(err.to_string().contains("`type` must be a string"), "{err}");
    }

    #[test]
    fn the_shipped_runtime_config_parses() {
        let c = RuntimeConfig::parse(include_str!("../../../runtime-config.toml"), Path::new("."))
            .unwrap();
        assert_eq!(c.sqlite_databases.len(), 4);
        assert!(c.key_value_stores.contains_key("default"));
    }

    #[test]
    fn database_backends_parse_with_spin_syntax() {
        let c = RuntimeConfig::parse(
            "[sqlite_database.orders]\ntype = \"libsql\"\nurl = \"http://127.0.0.1:8080\"\ntoken = \"t\"\n\
             [sqlite_database.catalog]\ntype = \"libsql\"\nurl = \"http://p:8080\"\nreplica_path = \"replicas/catalog.db\"\nsync_interval = 2\n\
             [key_value_store.default]\ntype = \"spin\"\npath = \"kv.db\"\n",
            Path::new("/etc/shop"),
        )
        .unwrap();
        assert_eq!(
            c.sqlite_databases["orders"],
            DbBackend::Remote {
                url: "http://127.0.0.1:8080".into(),
                token: "t".into()
            }
        );
        assert_eq!(
            c.sqlite_databases["catalog"],
            DbBackend::Replica {
                url: "http://p:8080".into(),
                token: String::new(),
                replica_path: PathBuf::from("/etc/shop/replicas/catalog.db"),
                sync_interval: Duration::from_secs(2),
            }
        );
        assert_eq!(
            c.key_value_stores["default"],
            DbBackend::Local {
                path: Some(PathBuf::from("/etc/shop/kv.db"))
            }
        );
    }
}
