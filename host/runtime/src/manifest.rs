//! Spin manifest version 2 (`spin.toml`): parsing and validation.
//!
//! Parsing happens in two passes so that every problem is reported at once:
//! first the raw TOML tree is walked against the set of keys Spin accepts (unknown
//! keys are reported with a suggestion), then each section is deserialized on its
//! own so that a mistake in one component does not hide a mistake in another.
//! [`Manifest::load`] returns either a fully validated manifest or a
//! [`ConfigErrors`] listing everything that is wrong.

use crate::error::ConfigErrors;
use crate::outbound::AllowedHostsConfig;
use crate::routes::Route;
use crate::variables::{Template, validate_variable_name};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// A validated Spin application manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Directory holding `spin.toml`: relative paths in the manifest start here.
    pub dir: PathBuf,
    /// `[application]`.
    pub application: Application,
    /// `[variables]`, by name.
    pub variables: BTreeMap<String, VariableDecl>,
    /// `[[trigger.http]]`, in declaration order.
    pub triggers: Vec<HttpTrigger>,
    /// `[component.<id>]`, by id (inline trigger components included).
    pub components: BTreeMap<String, ComponentDecl>,
}

/// `[application]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    /// Application name.
    pub name: String,
    /// Application version.
    #[serde(default)]
    pub version: Option<String>,
    /// Human description.
    #[serde(default)]
    pub description: Option<String>,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// `[application.trigger.http]`.
    #[serde(default)]
    pub trigger: ApplicationTrigger,
}

/// `[application.trigger]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApplicationTrigger {
    /// `[application.trigger.http]`.
    #[serde(default)]
    pub http: ApplicationHttp,
}

/// `[application.trigger.http]`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationHttp {
    /// Base path every route is mounted under (default `/`).
    #[serde(default = "default_base")]
    pub base: String,
}

impl Default for ApplicationHttp {
    fn default() -> Self {
        Self {
            base: default_base(),
        }
    }
}

fn default_base() -> String {
    "/".to_string()
}

/// One `[variables]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VariableDecl {
    /// Value used when no provider has one.
    #[serde(default)]
    pub default: Option<String>,
    /// Startup fails when no provider has a value.
    #[serde(default)]
    pub required: bool,
    /// The value is never logged.
    #[serde(default)]
    pub secret: bool,
    /// Human description.
    #[serde(default)]
    pub description: Option<String>,
}

/// One `[[trigger.http]]` entry.
#[derive(Debug, Clone)]
pub struct HttpTrigger {
    /// Trigger id (given or generated).
    pub id: String,
    /// The route, or `None` for `route = { private = true }`.
    pub route: Option<Route>,
    /// The id of the component handling the route.
    pub component: String,
}

/// `[component.<id>]`.
#[derive(Debug, Clone)]
pub struct ComponentDecl {
    /// Component id.
    pub id: String,
    /// Absolute path of the `.wasm` file.
    pub source: PathBuf,
    /// Files made visible (read-only) in the guest's filesystem.
    pub files: Vec<FileMount>,
    /// Globs excluded from `files`.
    pub exclude_files: Vec<String>,
    /// Environment variables of the guest.
    pub environment: BTreeMap<String, String>,
    /// `allowed_outbound_hosts`, parsed.
    pub allowed_outbound_hosts: Vec<String>,
    /// Component variables: name to template over application variables.
    pub variables: BTreeMap<String, Template>,
    /// `sqlite_databases` labels the component may open.
    pub sqlite_databases: Vec<String>,
    /// `key_value_stores` labels the component may open.
    pub key_value_stores: Vec<String>,
    /// `[component.<id>.build]`.
    pub build: Option<BuildConfig>,
    /// `priority` in `[component.<id>.tool.edgecart]`: where its code runs.
    pub priority: Priority,
}

/// Where a component's code runs (`[component.<id>.tool.edgecart]`, a table Spin
/// leaves to tools and ignores).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Priority {
    /// On the worker threads, with every other component.
    #[default]
    Normal,
    /// In the background lane: threads the OS schedules at a lower priority, for
    /// components whose requests compute for long (see [`crate::lanes`]).
    Background,
}

/// One `files` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileMount {
    /// A glob relative to the manifest directory; matches keep their relative path.
    Pattern(String),
    /// A file or directory mounted at a guest path.
    Placement {
        /// Host path relative to the manifest directory.
        source: PathBuf,
        /// Absolute guest path.
        destination: String,
    },
}

/// `[component.<id>.build]`.
#[derive(Debug, Clone, Deserialize)]
pub struct BuildConfig {
    /// Shell command(s) run by `edgecart up --build`.
    pub command: Commands,
    /// Directory the command runs in, relative to the manifest directory.
    #[serde(default)]
    pub workdir: Option<String>,
    /// Globs `spin watch` would watch; kept for compatibility.
    #[serde(default)]
    pub watch: Vec<String>,
    /// Extra environment variables for the build.
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
}

/// One command or several, run in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Commands {
    /// `command = "..."`.
    One(String),
    /// `command = ["...", "..."]`.
    Many(Vec<String>),
}

impl Commands {
    /// The commands in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let slice: &[String] = match self {
            Commands::One(c) => std::slice::from_ref(c),
            Commands::Many(cs) => cs,
        };
        slice.iter().map(String::as_str)
    }
}

/// The keys Spin accepts, per table. `*` stands for any key of a map.
mod keys {
    pub const ROOT: &[&str] = &[
        "spin_manifest_version",
        "application",
        "variables",
        "trigger",
        "component",
    ];
    pub const APPLICATION: &[&str] = &[
        "name",
        "version",
        "description",
        "authors",
        "targets",
        "trigger",
        "tool",
    ];
    pub const APPLICATION_TRIGGER_HTTP: &[&str] = &["base"];
    pub const VARIABLE: &[&str] = &["default", "required", "secret", "description"];
    pub const TRIGGER_HTTP: &[&str] = &["id", "route", "component", "executor", "components"];
    pub const PRIVATE_ROUTE: &[&str] = &["private"];
    pub const COMPONENT: &[&str] = &[
        "description",
        "source",
        "files",
        "exclude_files",
        "environment",
        "allowed_outbound_hosts",
        "allowed_http_hosts",
        "variables",
        "sqlite_databases",
        "key_value_stores",
        "ai_models",
        "build",
        "tool",
        "dependencies_inherit_configuration",
        "dependencies",
    ];
    pub const BUILD: &[&str] = &["command", "workdir", "watch", "environment"];
    /// `[component.<id>.tool.edgecart]`: edgecart's own settings.
    pub const EDGECART_TOOL: &[&str] = &["priority"];
    pub const FILE_PLACEMENT: &[&str] = &["source", "destination"];
}

impl Manifest {
    /// Reads, parses and validates `spin.toml` at `path`.
    pub fn load(path: &Path) -> Result<Manifest, ConfigErrors> {
        Self::load_with(path, true)
    }

    /// Like [`Manifest::load`], but a missing `.wasm` is not an error: for
    /// running build commands that produce them.
    pub fn load_for_build(path: &Path) -> Result<Manifest, ConfigErrors> {
        Self::load_with(path, false)
    }

    fn load_with(path: &Path, check_sources: bool) -> Result<Manifest, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!(
                    "cannot read manifest `{}`: {e}; pass the path of a spin.toml with --from",
                    path.display()
                ));
                return Err(errors);
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        Self::parse_with(&text, &dir, check_sources)
    }

    /// Parses and validates manifest text; relative paths resolve against `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Manifest, ConfigErrors> {
        Self::parse_with(text, dir, true)
    }

    fn parse_with(text: &str, dir: &Path, check_sources: bool) -> Result<Manifest, ConfigErrors> {
        let ctx = Ctx { dir, check_sources };
        let mut errors = ConfigErrors::default();
        let root: Table = match text.parse::<Table>() {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!(
                    "spin.toml is not valid TOML: {}",
                    e.message().trim()
                ));
                if let Some(span) = e.span() {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    errors.push(format!("the TOML error is on line {line}"));
                }
                return Err(errors);
            }
        };
        check_keys(&root, &mut errors);

        match root.get("spin_manifest_version") {
            Some(Value::Integer(2)) => {}
            Some(other) => errors.push(format!(
                "`spin_manifest_version` is {other}; only version 2 is supported: set `spin_manifest_version = 2`"
            )),
            None => errors.push(
                "`spin_manifest_version` is missing: add `spin_manifest_version = 2` at the top of spin.toml",
            ),
        }

        let application = match root.get("application") {
            Some(v) => match v.clone().try_into::<Application>() {
                Ok(a) => Some(a),
                Err(e) => {
                    errors.push(format!("[application]: {}", de_message(&e)));
                    None
                }
            },
            None => {
                errors.push(
                    "the [application] table is missing: add `[application]` with `name = \"...\"`",
                );
                None
            }
        };
        if let Some(app) = &application {
            if app.name.trim().is_empty() {
                errors.push("`application.name` is empty: give the application a name");
            }
            if !app.trigger.http.base.starts_with('/') {
                errors.push(format!(
                    "`application.trigger.http.base` is `{}`: it must start with `/`",
                    app.trigger.http.base
                ));
            }
        }

        let mut variables = BTreeMap::new();
        if let Some(vars) = root.get("variables").and_then(Value::as_table) {
            for (name, v) in vars {
                if let Err(e) = validate_variable_name(name) {
                    errors.push(format!("variable `{name}`: {e}"));
                    continue;
                }
                match v.clone().try_into::<VariableDecl>() {
                    Ok(decl) => {
                        if decl.required && decl.default.is_some() {
                            errors.push(format!(
                                "variable `{name}` is `required` and has a `default`: keep one of the two"
                            ));
                        }
                        variables.insert(name.clone(), decl);
                    }
                    Err(e) => errors.push(format!("variable `{name}`: {}", de_message(&e))),
                }
            }
        }

        let mut components = BTreeMap::new();
        if let Some(table) = root.get("component").and_then(Value::as_table) {
            for (id, v) in table {
                if let Some(c) = parse_component(id, v, &ctx, &variables, &mut errors) {
                    components.insert(id.clone(), c);
                }
            }
        }

        let mut triggers = Vec::new();
        let http_triggers = root
            .get("trigger")
            .and_then(Value::as_table)
            .and_then(|t| t.get("http"));
        match http_triggers {
            Some(Value::Array(list)) => {
                for (i, t) in list.iter().enumerate() {
                    if let Some(trigger) =
                        parse_trigger(i, t, &ctx, &variables, &mut components, &mut errors)
                    {
                        triggers.push(trigger);
                    }
                }
            }
            Some(_) => errors.push("`trigger.http` must be an array of tables: write `[[trigger.http]]`"),
            None => errors.push(
                "the application has no HTTP trigger: add a `[[trigger.http]]` with a `route` and a `component`",
            ),
        }
        if let Some(triggers_table) = root.get("trigger").and_then(Value::as_table) {
            for kind in triggers_table.keys().filter(|k| *k != "http") {
                errors.push(format!(
                    "trigger type `{kind}` is not supported: edgecart runs `[[trigger.http]]` only"
                ));
            }
        }

        check_duplicate_routes(&triggers, &mut errors);
        let mut seen_ids = HashSet::new();
        for t in &triggers {
            if !seen_ids.insert(t.id.clone()) {
                errors.push(format!(
                    "two triggers have the id `{}`: trigger ids must be unique",
                    t.id
                ));
            }
        }

        match application {
            Some(application) if errors.is_empty() => Ok(Manifest {
                dir: ctx.dir.to_path_buf(),
                application,
                variables,
                triggers,
                components,
            }),
            _ => Err(errors),
        }
    }
}

fn de_message(e: &toml::de::Error) -> String {
    e.message().trim().to_string()
}

fn check_keys(root: &Table, errors: &mut ConfigErrors) {
    unknown_keys(root, keys::ROOT, "", errors);
    if let Some(app) = root.get("application").and_then(Value::as_table) {
        unknown_keys(app, keys::APPLICATION, "application.", errors);
        if let Some(http) = app
            .get("trigger")
            .and_then(Value::as_table)
            .and_then(|t| t.get("http"))
            .and_then(Value::as_table)
        {
            unknown_keys(
                http,
                keys::APPLICATION_TRIGGER_HTTP,
                "application.trigger.http.",
                errors,
            );
        }
    }
    if let Some(vars) = root.get("variables").and_then(Value::as_table) {
        for (name, v) in vars {
            match v.as_table() {
                Some(t) => unknown_keys(t, keys::VARIABLE, &format!("variables.{name}."), errors),
                None => errors.push(format!(
                    "variable `{name}` must be a table such as `{name} = {{ default = \"...\" }}` or `{name} = {{ required = true }}`"
                )),
            }
        }
    }
    if let Some(comps) = root.get("component").and_then(Value::as_table) {
        for (id, v) in comps {
            if let Some(t) = v.as_table() {
                check_component_keys(t, &format!("component.{id}."), errors);
            }
        }
    }
    if let Some(list) = root
        .get("trigger")
        .and_then(Value::as_table)
        .and_then(|t| t.get("http"))
        .and_then(Value::as_array)
    {
        for (i, t) in list.iter().enumerate() {
            let Some(t) = t.as_table() else { continue };
            let prefix = format!("trigger.http[{i}].");
            unknown_keys(t, keys::TRIGGER_HTTP, &prefix, errors);
            if let Some(route) = t.get("route").and_then(Value::as_table) {
                unknown_keys(
                    route,
                    keys::PRIVATE_ROUTE,
                    &format!("{prefix}route."),
                    errors,
                );
            }
            if let Some(inline) = t.get("component").and_then(Value::as_table) {
                check_component_keys(inline, &format!("{prefix}component."), errors);
            }
        }
    }
}

fn check_component_keys(t: &Table, prefix: &str, errors: &mut ConfigErrors) {
    unknown_keys(t, keys::COMPONENT, prefix, errors);
    if let Some(b) = t.get("build").and_then(Value::as_table) {
        unknown_keys(b, keys::BUILD, &format!("{prefix}build."), errors);
    }
    if let Some(own) = t
        .get("tool")
        .and_then(Value::as_table)
        .and_then(|tools| tools.get("edgecart"))
        .and_then(Value::as_table)
    {
        unknown_keys(
            own,
            keys::EDGECART_TOOL,
            &format!("{prefix}tool.edgecart."),
            errors,
        );
    }
    if let Some(files) = t.get("files").and_then(Value::as_array) {
        for f in files.iter().filter_map(Value::as_table) {
            unknown_keys(
                f,
                keys::FILE_PLACEMENT,
                &format!("{prefix}files[]."),
                errors,
            );
        }
    }
}

fn unknown_keys(table: &Table, allowed: &[&str], prefix: &str, errors: &mut ConfigErrors) {
    for key in table.keys() {
        if !allowed.contains(&key.as_str()) {
            let hint = closest(key, allowed)
                .map(|k| format!("did you mean `{prefix}{k}`?"))
                .unwrap_or_else(|| format!("allowed keys here are {}", allowed.join(", ")));
            errors.push(format!("unknown key `{prefix}{key}`: {hint}"));
        }
    }
}

/// The allowed key closest to `key` by edit distance, if it is close enough to be
/// a likely typo.
fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|k| (levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Component ids: lowercase words of letters and digits joined by `-` or `_`
/// (Spin's kebab-case rule, which also admits underscores).
pub fn validate_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.split(['-', '_']).all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a valid id: use lowercase letters and digits in words separated by `-`, starting with a letter (for example `product-catalog`)"
        ))
    }
}

#[derive(Deserialize)]
struct RawComponent {
    source: Value,
    #[serde(default)]
    files: Vec<Value>,
    #[serde(default)]
    exclude_files: Vec<String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    allowed_http_hosts: Vec<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    sqlite_databases: Vec<String>,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    build: Option<BuildConfig>,
    #[serde(default)]
    tool: Table,
}

/// What parsing needs besides the text.
struct Ctx<'a> {
    dir: &'a Path,
    check_sources: bool,
}

fn parse_component(
    id: &str,
    value: &Value,
    ctx: &Ctx<'_>,
    app_vars: &BTreeMap<String, VariableDecl>,
    errors: &mut ConfigErrors,
) -> Option<ComponentDecl> {
    if let Err(e) = validate_id(id) {
        errors.push(format!("component id {e}"));
    }
    let raw: RawComponent = match value.clone().try_into() {
        Ok(r) => r,
        Err(e) => {
            errors.push(format!("component `{id}`: {}", de_message(&e)));
            return None;
        }
    };
    let dir = ctx.dir;
    let mut ok = true;
    let source = match &raw.source {
        Value::String(s) => {
            let path = dir.join(s);
            if ctx.check_sources && !path.is_file() {
                let hint = if raw.build.is_some() {
                    "build it first: run `edgecart up --build`"
                } else {
                    "check the path, which is relative to spin.toml"
                };
                errors.push(format!(
                    "component `{id}`: source `{s}` does not exist ({}): {hint}",
                    path.display()
                ));
                ok = false;
            }
            path
        }
        Value::Table(t) if t.contains_key("url") || t.contains_key("registry") => {
            errors.push(format!(
                "component `{id}`: remote sources (`url` or `registry`) are not supported here: download the .wasm and give its local path as `source`"
            ));
            return None;
        }
        _ => {
            errors.push(format!(
                "component `{id}`: `source` must be the path of a .wasm file, such as `source = \"target/wasm32-wasip2/release/{}.wasm\"`",
                id.replace('-', "_")
            ));
            return None;
        }
    };
    if !raw.allowed_http_hosts.is_empty() {
        errors.push(format!(
            "component `{id}`: `allowed_http_hosts` is from manifest version 1: use `allowed_outbound_hosts = [\"https://example.com\"]`"
        ));
        ok = false;
    }

    let mut files = Vec::new();
    for f in &raw.files {
        match f {
            Value::String(pattern) => files.push(FileMount::Pattern(pattern.clone())),
            Value::Table(t) => {
                let source = t.get("source").and_then(Value::as_str);
                let destination = t.get("destination").and_then(Value::as_str);
                match (source, destination) {
                    (Some(s), Some(d)) if d.starts_with('/') => {
                        if !dir.join(s).exists() {
                            errors.push(format!(
                                "component `{id}`: files source `{s}` does not exist (paths are relative to spin.toml)"
                            ));
                            ok = false;
                        }
                        files.push(FileMount::Placement {
                            source: PathBuf::from(s),
                            destination: d.to_string(),
                        });
                    }
                    (Some(_), Some(d)) => {
                        errors.push(format!(
                            "component `{id}`: files destination `{d}` must be an absolute guest path starting with `/`"
                        ));
                        ok = false;
                    }
                    _ => {
                        errors.push(format!(
                            "component `{id}`: a files entry needs both `source` and `destination`, such as {{ source = \"assets\", destination = \"/\" }}"
                        ));
                        ok = false;
                    }
                }
            }
            _ => {
                errors.push(format!(
                    "component `{id}`: `files` entries are glob strings or {{ source, destination }} tables"
                ));
                ok = false;
            }
        }
    }

    let mut variables = BTreeMap::new();
    for (name, text) in &raw.variables {
        if let Err(e) = validate_variable_name(name) {
            errors.push(format!("component `{id}`: variable `{name}`: {e}"));
            ok = false;
            continue;
        }
        match Template::parse(text) {
            Ok(t) => {
                for r in t.references() {
                    if !app_vars.contains_key(r) {
                        errors.push(format!(
                            "component `{id}`: variable `{name}` refers to `{{{{ {r} }}}}`, which is not declared: add `{r} = {{ default = \"...\" }}` under [variables]"
                        ));
                        ok = false;
                    }
                }
                variables.insert(name.clone(), t);
            }
            Err(e) => {
                errors.push(format!("component `{id}`: variable `{name}`: {e}"));
                ok = false;
            }
        }
    }

    for host in &raw.allowed_outbound_hosts {
        if let Err(e) = AllowedHostsConfig::validate_entry(host, app_vars) {
            errors.push(format!(
                "component `{id}`: allowed_outbound_hosts entry `{host}`: {e}"
            ));
            ok = false;
        }
    }
    for (what, labels) in [
        ("sqlite_databases", &raw.sqlite_databases),
        ("key_value_stores", &raw.key_value_stores),
    ] {
        for label in labels {
            if label.is_empty()
                || !label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                errors.push(format!(
                    "component `{id}`: {what} label `{label}` must be letters, digits, `-` or `_`"
                ));
                ok = false;
            }
        }
    }
    if let Some(build) = &raw.build
        && let Some(workdir) = &build.workdir
        && !dir.join(workdir).is_dir()
    {
        errors.push(format!(
            "component `{id}`: build workdir `{workdir}` is not a directory"
        ));
        ok = false;
    }

    let priority = match raw
        .tool
        .get("edgecart")
        .and_then(Value::as_table)
        .and_then(|own| own.get("priority"))
    {
        None => Priority::Normal,
        Some(Value::String(p)) if p == "normal" => Priority::Normal,
        Some(Value::String(p)) if p == "background" => Priority::Background,
        Some(other) => {
            errors.push(format!(
                "component `{id}`: `tool.edgecart.priority` must be \"normal\" or \"background\", not {other}"
            ));
            ok = false;
            Priority::Normal
        }
    };

    ok.then(|| ComponentDecl {
        id: id.to_string(),
        source,
        files,
        exclude_files: raw.exclude_files,
        environment: raw.environment,
        allowed_outbound_hosts: raw.allowed_outbound_hosts,
        variables,
        sqlite_databases: raw.sqlite_databases,
        key_value_stores: raw.key_value_stores,
        build: raw.build,
        priority,
    })
}

fn parse_trigger(
    index: usize,
    value: &Value,
    ctx: &Ctx<'_>,
    app_vars: &BTreeMap<String, VariableDecl>,
    components: &mut BTreeMap<String, ComponentDecl>,
    errors: &mut ConfigErrors,
) -> Option<HttpTrigger> {
    let at = format!("trigger.http[{index}]");
    let Some(t) = value.as_table() else {
        errors.push(format!("{at} must be a table"));
        return None;
    };
    if let Some(executor) = t.get("executor") {
        let ty = executor.get("type").and_then(Value::as_str);
        if ty != Some("spin") && ty != Some("wasip3-unstable") {
            errors.push(format!(
                "{at}: executor {executor} is not supported: remove `executor` (Spin's default) or set `executor = {{ type = \"spin\" }}`"
            ));
        }
    }
    let route = match t.get("route") {
        Some(Value::String(r)) => match Route::parse(r) {
            Ok(route) => Some(Some(route)),
            Err(e) => {
                errors.push(format!("{at}: route `{r}` is invalid: {e}"));
                None
            }
        },
        Some(Value::Table(p)) if p.get("private").and_then(Value::as_bool) == Some(true) => {
            Some(None)
        }
        Some(_) => {
            errors.push(format!(
                "{at}: `route` must be a path such as \"/api/...\" or `{{ private = true }}`"
            ));
            None
        }
        None => {
            errors.push(format!("{at}: `route` is missing: add `route = \"/...\"`"));
            None
        }
    };
    let component = match t.get("component") {
        Some(Value::String(id)) => {
            if !components.contains_key(id) {
                let known: Vec<&str> = components.keys().map(String::as_str).collect();
                let hint = closest(id, &known)
                    .map(|k| format!("did you mean `{k}`?"))
                    .unwrap_or_else(|| format!("add a [component.{id}] table"));
                errors.push(format!("{at}: component `{id}` is not defined: {hint}"));
                None
            } else {
                Some(id.clone())
            }
        }
        Some(inline @ Value::Table(_)) => {
            let id = t
                .get("id")
                .and_then(Value::as_str)
                .map(|s| format!("{s}-component"))
                .unwrap_or_else(|| format!("inline-component{index}"));
            let c = parse_component(&id, inline, ctx, app_vars, errors)?;
            components.insert(id.clone(), c);
            Some(id)
        }
        Some(_) => {
            errors.push(format!(
                "{at}: `component` must be a component id or an inline table"
            ));
            None
        }
        None => {
            errors.push(format!(
                "{at}: `component` is missing: name the component that handles this route"
            ));
            None
        }
    };
    let id = t
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("trigger{index}"));
    Some(HttpTrigger {
        id,
        route: route?,
        component: component?,
    })
}

fn check_duplicate_routes(triggers: &[HttpTrigger], errors: &mut ConfigErrors) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for t in triggers {
        let Some(route) = &t.route else { continue };
        if let Some(other) = seen.insert(route.canonical(), &t.component) {
            errors.push(format!(
                "route `{}` is declared twice (components `{other}` and `{}`): each route may appear once",
                route.raw(),
                t.component
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_keys_get_a_suggestion() {
        assert_eq!(closest("sorce", keys::COMPONENT), Some("source"));
        assert_eq!(
            closest("allowed_outbound_host", keys::COMPONENT),
            Some("allowed_outbound_hosts")
        );
        assert_eq!(closest("zzzzzz", keys::COMPONENT), None);
    }

    #[test]
    fn ids_are_kebab_case() {
        assert!(validate_id("product-catalog").is_ok());
        assert!(validate_id("cart2").is_ok());
        assert!(validate_id("Cart").is_err());
        assert!(validate_id("-cart").is_err());
        assert!(validate_id("cart--x").is_err());
        assert!(validate_id("").is_err());
    }
}
