//! The outbound HTTP capability: the `wasi:http` client of both WASI versions,
//! gated by `allowed_outbound_hosts`, plus Spin's local service chaining.
//!
//! Grants use Spin's syntax: `scheme://host[:port]`, where the scheme may be `*`,
//! the host `*` or `*.example.com`, and the port a number, a range `8000..8080` or
//! `*` (default: the scheme's port). `{{ variable }}` templates are rendered at
//! startup. `http://<component>.spin.internal` (or `http://*.spin.internal`) grants
//! chaining to another component of the same application: such a request never
//! touches the network, it is dispatched in-process by a [`Chainer`]. `http://self`
//! grants requests to the application's own public routes.
//!
//! A denied request is an `HTTP-request-denied` error to the guest and a warning in
//! the log: it never hangs.

use crate::manifest::VariableDecl;
use crate::variables::{AppVariables, Template};
use http::uri::Scheme;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

const SPIN_INTERNAL: &str = ".spin.internal";

#[derive(Debug, Clone, PartialEq, Eq)]
enum SchemePattern {
    Any,
    Exact(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    /// `*.example.com`: stored as `.example.com`.
    Subdomains(String),
    Exact(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    Range(u16, u16),
    /// No port given: the scheme's default.
    Default,
}

/// One parsed `allowed_outbound_hosts` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    scheme: SchemePattern,
    host: HostPattern,
    port: PortPattern,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl AllowedHost {
    /// Parses one rendered entry (no templates left).
    pub fn parse(entry: &str) -> Result<AllowedHost, String> {
        let (scheme, rest) = entry.split_once("://").ok_or_else(|| {
            format!("it has no scheme: write it as `https://{entry}` (or `*://{entry}:PORT`)")
        })?;
        let scheme = match scheme {
            "*" => SchemePattern::Any,
            s if !s.is_empty()
                && s.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' || c == '.'
                }) =>
            {
                SchemePattern::Exact(s.to_string())
            }
            s => return Err(format!("`{s}` is not a valid scheme")),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            return Err("it has a path: give only scheme, host and port".to_string());
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (h, Some(p)),
            _ => (rest, None),
        };
        if host.is_empty() {
            return Err("the host is empty".to_string());
        }
        let host = if host == "*" {
            HostPattern::Any
        } else if let Some(domain) = host.strip_prefix("*.") {
            if domain.contains('*') || domain.is_empty() {
                return Err(format!("`{host}`: only a leading `*.` wildcard is allowed"));
            }
            HostPattern::Subdomains(format!(".{}", domain.to_ascii_lowercase()))
        } else if host.contains('*') {
            return Err(format!("`{host}`: only a leading `*.` wildcard is allowed"));
        } else {
            HostPattern::Exact(host.to_ascii_lowercase())
        };
        let port = match port {
            None => match &scheme {
                SchemePattern::Exact(s) if default_port(s).is_some() => PortPattern::Default,
                _ => return Err("a port is required for this scheme: add `:PORT`, a range `:8000..8080` or `:*`".to_string()),
            },
            Some("*") => PortPattern::Any,
            Some(p) => match p.split_once("..") {
                Some((lo, hi)) => {
                    let lo: u16 = lo.parse().map_err(|_| format!("`{p}` is not a port range"))?;
                    let hi: u16 = hi.parse().map_err(|_| format!("`{p}` is not a port range"))?;
                    if lo > hi {
                        return Err(format!("port range `{p}` is empty"));
                    }
                    PortPattern::Range(lo, hi)
                }
                None => {
                    let n: u16 = p.parse().map_err(|_| format!("`{p}` is not a port"))?;
                    PortPattern::Range(n, n)
                }
            },
        };
        Ok(AllowedHost { scheme, host, port })
    }

    fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        let scheme_ok = match &self.scheme {
            SchemePattern::Any => true,
            SchemePattern::Exact(s) => s == scheme,
        };
        let host_ok = match &self.host {
            HostPattern::Any => true,
            HostPattern::Subdomains(suffix) => host.ends_with(suffix.as_str()),
            HostPattern::Exact(h) => h == host,
        };
        let port_ok = match self.port {
            PortPattern::Any => true,
            PortPattern::Range(lo, hi) => (lo..=hi).contains(&port),
            PortPattern::Default => default_port(scheme) == Some(port),
        };
        scheme_ok && host_ok && port_ok
    }
}

/// A component's outbound grants, rendered and parsed.
#[derive(Debug, Clone, Default)]
pub struct AllowedHostsConfig {
    entries: Vec<AllowedHost>,
    allow_all: bool,
}

impl AllowedHostsConfig {
    /// Checks one manifest entry: its template references must be declared
    /// variables, and a template-free entry must parse.
    pub fn validate_entry(
        entry: &str,
        variables: &BTreeMap<String, VariableDecl>,
    ) -> Result<(), String> {
        let template = Template::parse(entry)?;
        let mut refs = template.references().peekable();
        if refs.peek().is_none() {
            return Self::parse_one(entry).map(|_| ());
        }
        for r in refs {
            if !variables.contains_key(r) {
                return Err(format!(
                    "it refers to `{{{{ {r} }}}}`, which is not declared under [variables]"
                ));
            }
        }
        Ok(())
    }

    fn parse_one(entry: &str) -> Result<Option<AllowedHost>, String> {
        match entry {
            "insecure:allow-all" => Ok(None),
            "self" => AllowedHost::parse("http://self").map(Some),
            e => AllowedHost::parse(e).map(Some),
        }
    }

    /// Renders templates and parses every entry.
    pub fn build(
        entries: &[String],
        variables: &AppVariables,
    ) -> Result<AllowedHostsConfig, String> {
        let mut config = AllowedHostsConfig::default();
        for entry in entries {
            let rendered = Template::parse(entry)?.render(|v| variables.get(v))?;
            match Self::parse_one(&rendered).map_err(|e| format!("`{rendered}`: {e}"))? {
                Some(h) => config.entries.push(h),
                None => config.allow_all = true,
            }
        }
        Ok(config)
    }

    /// Whether a request to `scheme://host:port` is granted.
    pub fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        self.allow_all || self.entries.iter().any(|e| e.allows(scheme, host, port))
    }
}

/// Where a chained request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainTarget {
    /// `http://<component>.spin.internal/...`: that component, private routes included.
    Component(String),
    /// `http://self/...`: the application's public routes.
    App,
}

/// A boxed future returned by [`Chainer::chain`].
pub type ChainFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<WasiBody>, HttpError>> + Send>>;

/// Dispatches requests in-process, without a network hop.
pub trait Chainer: Send + Sync {
    /// Handles `request` as `target` would.
    fn chain(&self, target: ChainTarget, request: http::Request<WasiBody>) -> ChainFuture;
}

/// The `wasi:http` hooks of one component instance: grant checks, chaining, and
/// the real network client for everything else.
pub struct OutboundHooks {
    component: Arc<str>,
    allowed: Arc<AllowedHostsConfig>,
    chainer: Weak<dyn Chainer>,
}

impl OutboundHooks {
    /// Hooks for `component` with its grants; chained requests go to `chainer`.
    pub fn new(
        component: Arc<str>,
        allowed: Arc<AllowedHostsConfig>,
        chainer: Weak<dyn Chainer>,
    ) -> Self {
        Self {
            component,
            allowed,
            chainer,
        }
    }

    fn route(&self, uri: &http::Uri) -> Result<Option<ChainTarget>, HttpError> {
        let scheme = uri.scheme_str().unwrap_or("https");
        let host = uri
            .host()
            .ok_or(HttpError::HttpRequestUriInvalid)?
            .to_ascii_lowercase();
        let port = uri
            .port_u16()
            .or_else(|| default_port(scheme))
            .ok_or(HttpError::HttpRequestUriInvalid)?;
        if !self.allowed.allows(scheme, &host, port) {
            tracing::warn!(
                component = %self.component,
                url = %format!("{scheme}://{host}:{port}"),
                "outbound request denied: add the host to allowed_outbound_hosts to grant it"
            );
            return Err(HttpError::HttpRequestDenied);
        }
        if host == "self" {
            return Ok(Some(ChainTarget::App));
        }
        Ok(host
            .strip_suffix(SPIN_INTERNAL)
            .map(|id| ChainTarget::Component(id.to_string())))
    }
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), HttpError>> + Send>,
                ),
                HttpError,
            >,
        > + Send,
>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> SendFuture {
        drop(fut);
        let target = self.route(request.uri());
        let chainer = self.chainer.clone();
        Box::new(async move {
            match target? {
                Some(target) => {
                    let chainer = chainer.upgrade().ok_or(HttpError::DestinationUnavailable)?;
                    let response = chainer.chain(target, request).await?;
                    let done: Box<dyn Future<Output = Result<(), HttpError>> + Send> =
                        Box::new(std::future::ready(Ok(())));
                    Ok((response, done))
                }
                None => {
                    let (response, io) =
                        wasmtime_wasi_http::default_send_request(request, options).await?;
                    let io: Box<dyn Future<Output = Result<(), HttpError>> + Send> = Box::new(io);
                    Ok((response.map(BodyExt::boxed_unsync), io))
                }
            }
        })
    }

    fn is_supported_scheme(&mut self, scheme: &Scheme) -> bool {
        *scheme == Scheme::HTTP || *scheme == Scheme::HTTPS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(entry: &str, scheme: &str, host: &str, port: u16) -> bool {
        AllowedHost::parse(entry)
            .unwrap()
            .allows(scheme, host, port)
    }

    #[test]
    fn grants_match_scheme_host_and_port() {
        assert!(allows(
            "https://api.stripe.com",
            "https",
            "api.stripe.com",
            443
        ));
        assert!(!allows(
            "https://api.stripe.com",
            "http",
            "api.stripe.com",
            80
        ));
        assert!(!allows(
            "https://api.stripe.com",
            "https",
            "api.stripe.com",
            8443
        ));
        assert!(allows(
            "https://*.example.com",
            "https",
            "a.b.example.com",
            443
        ));
        assert!(!allows(
            "https://*.example.com",
            "https",
            "example.com",
            443
        ));
        assert!(allows(
            "http://127.0.0.1:8000..8010",
            "http",
            "127.0.0.1",
            8005
        ));
        assert!(!allows(
            "http://127.0.0.1:8000..8010",
            "http",
            "127.0.0.1",
            8011
        ));
        assert!(allows("*://localhost:*", "http", "localhost", 1234));
        assert!(allows(
            "http://*.spin.internal",
            "http",
            "users.spin.internal",
            80
        ));
    }

    #[test]
    fn malformed_grants_are_rejected() {
        for bad in [
            "example.com",
            "https://example.com/path",
            "*://example.com",
            "https://ex*.com",
            "https://h:99999",
            "https://h:9..1",
        ] {
            assert!(AllowedHost::parse(bad).is_err(), "{bad}");
        }
    }
}
