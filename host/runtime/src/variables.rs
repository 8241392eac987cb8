//! The variables capability: `spin:variables/variables@3.0.0` and
//! `fermyon:spin/variables@2.0.0`.
//!
//! Application variables (`[variables]`) get their values from providers, in order:
//! the environment (`SPIN_VARIABLE_<NAME>`, Spin's convention), the runtime-config
//! file's `[[variables_provider]]` sections, then the declared `default`. A
//! component sees only the variables its `[component.<id>.variables]` table grants,
//! each a [`Template`] over application variables. Values are resolved once at
//! startup, so a missing required variable stops startup, and a guest's `get` is a
//! map lookup. Secret values are never logged.

use crate::error::ConfigErrors;
use crate::manifest::VariableDecl;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use wasmtime::component::{Accessor, HasData, Linker};

/// Checks a variable name against Spin's rule: lowercase ASCII letters, digits and
/// underscores, starting with a letter.
pub fn validate_variable_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid variable name: use lowercase letters, digits and `_`, starting with a letter"
        ))
    }
}

/// A string with `{{ variable }}` references, as used by component variables and
/// `allowed_outbound_hosts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Variable(String),
}

impl Template {
    /// Parses `text`; an unclosed `{{` or an invalid name is an error.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("`{text}` has a `{{{{` without a closing `}}}}`"))?;
            let name = after[..end].trim();
            validate_variable_name(name)?;
            parts.push(Part::Variable(name.to_string()));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The application variables this template refers to.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable(v) => Some(v.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Expands the template; `lookup` returns a variable's value.
    pub fn render(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(l) => out.push_str(l),
                Part::Variable(v) => {
                    out.push_str(&lookup(v).ok_or_else(|| format!("variable `{v}` has no value"))?)
                }
            }
        }
        Ok(out)
    }
}

/// Where application variable values come from besides defaults.
#[derive(Debug, Clone, Default)]
pub struct Providers {
    /// Prefix of environment variables (`SPIN_VARIABLE` by default).
    pub env_prefix: Option<String>,
    /// Values from the runtime-config file's static providers.
    pub static_values: HashMap<String, String>,
    /// Snapshot of the process environment.
    pub environment: HashMap<String, String>,
}

impl Providers {
    fn lookup(&self, name: &str) -> Option<String> {
        let prefix = self.env_prefix.as_deref().unwrap_or("SPIN_VARIABLE");
        let key = format!("{prefix}_{}", name.to_ascii_uppercase());
        self.environment
            .get(&key)
            .cloned()
            .or_else(|| self.static_values.get(name).cloned())
    }
}

/// Resolved application variables.
#[derive(Debug, Clone, Default)]
pub struct AppVariables {
    values: HashMap<String, String>,
}

impl AppVariables {
    /// Resolves every declared variable; a required variable without a value is
    /// an error naming how to provide it.
    pub fn resolve(
        decls: &BTreeMap<String, VariableDecl>,
        providers: &Providers,
    ) -> Result<AppVariables, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let mut values = HashMap::new();
        for (name, decl) in decls {
            match providers.lookup(name).or_else(|| decl.default.clone()) {
                Some(v) => {
                    if decl.secret {
                        tracing::debug!(variable = %name, "resolved secret variable");
                    } else {
                        tracing::debug!(variable = %name, value = %v, "resolved variable");
                    }
                    values.insert(name.clone(), v);
                }
                None if decl.required => errors.push(format!(
                    "variable `{name}` is required and has no value: set the environment variable {}_{} or give it a value in the runtime config file",
                    providers.env_prefix.as_deref().unwrap_or("SPIN_VARIABLE"),
                    name.to_ascii_uppercase()
                )),
                None => {}
            }
        }
        errors.into_result(AppVariables { values })
    }

    /// The value of an application variable.
    pub fn get(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    /// Renders a component's variable templates into the map its guest can read.
    pub fn component_values(
        &self,
        component: &str,
        templates: &BTreeMap<String, Template>,
    ) -> Result<ComponentVariables, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let mut values = HashMap::new();
        for (name, t) in templates {
            match t.render(|v| self.get(v)) {
                Ok(v) => {
                    values.insert(name.clone(), v);
                }
                Err(e) => errors.push(format!("component `{component}`: variable `{name}`: {e}")),
            }
        }
        errors.into_result(ComponentVariables(Arc::new(values)))
    }
}

/// The variables one component may read, resolved.
#[derive(Debug, Clone, Default)]
pub struct ComponentVariables(Arc<HashMap<String, String>>);

/// Errors of both interface versions, before mapping to generated types.
enum GetError {
    InvalidName(String),
    Undefined(String),
}

impl ComponentVariables {
    fn get(&self, name: &str) -> Result<String, GetError> {
        if validate_variable_name(name).is_err() {
            return Err(GetError::InvalidName(format!(
                "invalid variable name `{name}`"
            )));
        }
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| GetError::Undefined(format!("no variable for `{name}`")))
    }
}

mod v3 {
    wasmtime::component::bindgen!({
        inline: "
            package spin:variables@3.0.0;
            interface variables {
                get: async func(name: string) -> result<string, error>;
                variant error {
                    invalid-name(string),
                    undefined(string),
                    provider(string),
                    other(string),
                }
            }
            world host { import variables; }
        ",
    });
}

mod v2 {
    wasmtime::component::bindgen!({
        inline: "
            package fermyon:spin@2.0.0;
            interface variables {
                get: func(name: string) -> result<string, error>;
                variant error {
                    invalid-name(string),
                    undefined(string),
                    provider(string),
                    other(string),
                }
            }
            world host { import variables; }
        ",
    });
}

/// Gives the linker access to a store's [`ComponentVariables`].
pub trait VariablesView: Send + 'static {
    /// The variables of the component this store runs.
    fn variables(&mut self) -> &mut ComponentVariables;
}

struct Variables;

impl HasData for Variables {
    type Data<'a> = &'a mut ComponentVariables;
}

impl v3::spin::variables::variables::Host for &mut ComponentVariables {}

impl<T> v3::spin::variables::variables::HostWithStore<T> for Variables {
    async fn get(
        accessor: &Accessor<T, Self>,
        name: String,
    ) -> Result<String, v3::spin::variables::variables::Error> {
        use v3::spin::variables::variables::Error;
        accessor
            .with(|mut view| view.get().get(&name))
            .map_err(|e| match e {
                GetError::InvalidName(m) => Error::InvalidName(m),
                GetError::Undefined(m) => Error::Undefined(m),
            })
    }
}

impl v2::fermyon::spin::variables::Host for &mut ComponentVariables {
    fn get(&mut self, name: String) -> Result<String, v2::fermyon::spin::variables::Error> {
        use v2::fermyon::spin::variables::Error;
        ComponentVariables::get(self, &name).map_err(|e| match e {
            GetError::InvalidName(m) => Error::InvalidName(m),
            GetError::Undefined(m) => Error::Undefined(m),
        })
    }
}

/// Adds both variables interfaces to `linker`.
pub fn add_to_linker<T: VariablesView>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    v3::spin::variables::variables::add_to_linker::<T, Variables>(linker, T::variables)?;
    v2::fermyon::spin::variables::add_to_linker::<T, Variables>(linker, T::variables)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_references() {
        let t = Template::parse("https://{{ host }}:{{port}}/x").unwrap();
        assert_eq!(t.references().collect::<Vec<_>>(), ["host", "port"]);
        let v = t
            .render(|n| {
                Some(if n == "host" {
                    "a.example".into()
                } else {
                    "8443".into()
                })
            })
            .unwrap();
        assert_eq!(v, "https://a.example:8443/x");
    }

    #[test]
    fn unclosed_templates_and_bad_names_are_rejected() {
        assert!(Template::parse("{{ host").is_err());
        assert!(Template::parse("{{ Host }}").is_err());
        assert!(validate_variable_name("api_key2").is_ok());
        assert!(validate_variable_name("2key").is_err());
        assert!(validate_variable_name("api-key").is_err());
    }

    #[test]
    fn environment_beats_static_beats_default() {
        let decls: BTreeMap<String, VariableDecl> = [
            (
                "a".to_string(),
                VariableDecl {
                    default: Some("d".into()),
                    ..Default::default()
                },
            ),
            (
                "b".to_string(),
                VariableDecl {
                    default: Some("d".into()),
                    ..Default::default()
                },
            ),
            (
                "c".to_string(),
                VariableDecl {
                    default: Some("d".into()),
                    ..Default::default()
                },
            ),
        ]
        .into();
        let providers = Providers {
            env_prefix: None,
            static_values: [
                ("a".to_string(), "s".to_string()),
                ("b".to_string(), "s".to_string()),
            ]
            .into(),
            environment: [("SPIN_VARIABLE_A".to_string(), "e".to_string())].into(),
        };
        let vars = AppVariables::resolve(&decls, &providers).unwrap();
        assert_eq!(vars.get("a").as_deref(), Some("e"));
        assert_eq!(vars.get("b").as_deref(), Some("s"));
        assert_eq!(vars.get("c").as_deref(), Some("d"));
    }

    #[test]
    fn a_required_variable_without_value_names_the_env_var() {
        let decls: BTreeMap<String, VariableDecl> = [(
            "api_key".to_string(),
            VariableDecl {
                required: true,
                ..Default::default()
            },
        )]
        .into();
        let err = AppVariables::resolve(&decls, &Providers::default()).unwrap_err();
        assert!(err.to_string().contains("SPIN_VARIABLE_API_KEY"), "{err}");
    }
}
