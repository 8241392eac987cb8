//! HTTP routes as Spin writes and matches them.
//!
//! A route is `/`-separated segments: literals, named segments `:name` that match
//! any one segment, and an optional trailing wildcard `...` that matches the rest
//! of the path (zero or more segments). When several routes match, the most
//! specific wins: comparing segment by segment, a literal beats a named segment,
//! which beats the wildcard; a route that ends where the path ends beats one that
//! continues with a wildcard; and a longer literal prefix beats a shorter one.
//! [`Router::route`] returns the winner with the values Spin puts in its
//! `spin-*` request headers.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// One parsed route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    raw: String,
    segments: Vec<Segment>,
    wildcard: bool,
}

impl Route {
    /// Parses a route as written in `spin.toml`.
    pub fn parse(raw: &str) -> Result<Route, String> {
        if !raw.starts_with('/') {
            return Err("a route must start with `/`".to_string());
        }
        let trimmed = raw.trim_end_matches('/');
        let mut parts: Vec<&str> = if trimmed.is_empty() {
            Vec::new()
        } else {
            trimmed[1..].split('/').collect()
        };
        let wildcard = parts.last() == Some(&"...");
        if wildcard {
            parts.pop();
        }
        let mut segments = Vec::new();
        let mut names = Vec::new();
        for p in parts {
            if p.is_empty() {
                return Err("a route must not contain an empty segment (`//`)".to_string());
            }
            if p == "..." {
                return Err("`...` is only allowed as the last segment".to_string());
            }
            if p.contains("...") {
                return Err(format!(
                    "segment `{p}`: write the wildcard as its own segment, `/...`"
                ));
            }
            if p.contains('*') {
                return Err(format!(
                    "segment `{p}`: `*` is not route syntax; use `/...` for a trailing wildcard"
                ));
            }
            if let Some(name) = p.strip_prefix(':') {
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(format!(
                        "`{p}` is not a valid named segment: use `:name` with letters, digits, `_` or `-`"
                    ));
                }
                if names.contains(&name) {
                    return Err(format!("the named segment `:{name}` appears twice"));
                }
                names.push(name);
                segments.push(Segment::Param(name.to_string()));
            } else if p.contains(':') {
                return Err(format!(
                    "segment `{p}`: a named segment must be the whole segment, as in `/:id`"
                ));
            } else {
                segments.push(Segment::Literal(p.to_string()));
            }
        }
        Ok(Route {
            raw: raw.to_string(),
            segments,
            wildcard,
        })
    }

    /// The route as written.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// A normalized spelling: two routes with the same canonical form match the
    /// same paths.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        for seg in &self.segments {
            s.push('/');
            match seg {
                Segment::Literal(l) => s.push_str(l),
                Segment::Param(_) => s.push_str(":_"),
            }
        }
        if self.wildcard {
            s.push_str("/...");
        }
        if s.is_empty() {
            s.push('/');
        }
        s
    }

    /// The route without its trailing wildcard (`spin-component-route`).
    pub fn component_route(&self) -> String {
        let without = self.raw.trim_end_matches('/');
        let without = without.strip_suffix("/...").unwrap_or(without);
        without.to_string()
    }

    /// Matches a request path; returns the named captures and the path info.
    fn matches(&self, path: &str) -> Option<Match> {
        let trimmed = path.trim_end_matches('/');
        let parts: Vec<&str> = if trimmed.is_empty() {
            Vec::new()
        } else {
            trimmed
                .strip_prefix('/')
                .unwrap_or(trimmed)
                .split('/')
                .collect()
        };
        if parts.len() < self.segments.len()
            || (!self.wildcard && parts.len() != self.segments.len())
        {
            return None;
        }
        let mut captures = Vec::new();
        let mut consumed = 0usize;
        for (seg, part) in self.segments.iter().zip(&parts) {
            match seg {
                Segment::Literal(l) if l == part => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => captures.push((name.clone(), (*part).to_string())),
            }
            consumed += 1 + part.len();
        }
        let path_info = if self.wildcard {
            let rest = &path[consumed.min(path.len())..];
            rest.to_string()
        } else {
            String::new()
        };
        Some(Match {
            captures,
            path_info,
        })
    }

    /// Orders two routes by specificity: `Greater` means `self` is more specific.
    fn specificity(&self, other: &Route) -> Ordering {
        for (a, b) in self.segments.iter().zip(&other.segments) {
            let rank = |s: &Segment| match s {
                Segment::Literal(_) => 2,
                Segment::Param(_) => 1,
            };
            match rank(a).cmp(&rank(b)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match self.segments.len().cmp(&other.segments.len()) {
            Ordering::Equal => other.wildcard.cmp(&self.wildcard),
            o => o,
        }
    }
}

struct Match {
    captures: Vec<(String, String)>,
    path_info: String,
}

/// The outcome of routing a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch<'a> {
    /// The component handling the request.
    pub component: &'a str,
    /// The route as written in the manifest (`spin-raw-component-route`).
    pub raw_route: &'a str,
    /// The route without its wildcard (`spin-component-route`).
    pub component_route: String,
    /// Base path plus the raw route (`spin-matched-route`).
    pub matched_route: String,
    /// The part of the path the wildcard matched (`spin-path-info`).
    pub path_info: String,
    /// Named segment values (`spin-path-match-<name>`).
    pub captures: Vec<(String, String)>,
}

/// Routes of one application, public and private.
#[derive(Debug, Clone, Default)]
pub struct Router {
    base: String,
    routes: Vec<(Route, String)>,
}

impl Router {
    /// A router mounting `routes` (route, component id) under `base`.
    pub fn new(base: &str, routes: Vec<(Route, String)>) -> Router {
        let base = base.trim_end_matches('/').to_string();
        Router { base, routes }
    }

    /// The public routes, for printing on startup.
    pub fn routes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.routes.iter().map(|(r, c)| (r.raw(), c.as_str()))
    }

    /// The most specific public route matching `path`.
    pub fn route(&self, path: &str) -> Option<RouteMatch<'_>> {
        self.best(path, |_| true)
    }

    /// The most specific route of `component` matching `path`, for service chaining.
    /// A component with no route (private) gets every path.
    pub fn route_in_component<'a>(&'a self, component: &'a str, path: &str) -> RouteMatch<'a> {
        self.best(path, |c| c == component)
            .unwrap_or_else(|| RouteMatch {
                component,
                raw_route: "/...",
                component_route: String::new(),
                matched_route: "/...".to_string(),
                path_info: path.to_string(),
                captures: Vec::new(),
            })
    }

    fn best(&self, path: &str, keep: impl Fn(&str) -> bool) -> Option<RouteMatch<'_>> {
        let rel = match path.strip_prefix(self.base.as_str()) {
            Some(r) if r.is_empty() || r.starts_with('/') => r,
            _ => return None,
        };
        let mut best: Option<(&Route, &str, Match)> = None;
        for (route, component) in &self.routes {
            if !keep(component) {
                continue;
            }
            if let Some(m) = route.matches(rel) {
                let better = match &best {
                    None => true,
                    Some((b, _, _)) => route.specificity(b) == Ordering::Greater,
                };
                if better {
                    best = Some((route, component, m));
                }
            }
        }
        best.map(|(route, component, m)| RouteMatch {
            component,
            raw_route: route.raw(),
            component_route: format!("{}{}", self.base, route.component_route()),
            matched_route: format!("{}{}", self.base, route.raw()),
            path_info: m.path_info,
            captures: m.captures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        Router::new(
            "/",
            routes
                .iter()
                .map(|(r, c)| (Route::parse(r).unwrap(), c.to_string()))
                .collect(),
        )
    }

    #[test]
    fn most_specific_route_wins() {
        let r = router(&[
            ("/...", "web"),
            ("/api/...", "api"),
            ("/api/products/...", "catalog"),
            ("/api/products/:id", "product"),
            ("/api/products/featured", "featured"),
            ("/api/exact", "exact"),
        ]);
        let cases = [
            ("/", "web"),
            ("/index.html", "web"),
            ("/api", "api"),
            ("/api/users/me", "api"),
            ("/api/products", "catalog"),
            ("/api/products/42", "product"),
            ("/api/products/featured", "featured"),
            ("/api/products/42/reviews", "catalog"),
            ("/api/exact", "exact"),
            ("/api/exact/more", "api"),
        ];
        for (path, want) in cases {
            assert_eq!(r.route(path).map(|m| m.component), Some(want), "{path}");
        }
    }

    #[test]
    fn path_info_and_captures_follow_spin() {
        let r = router(&[("/api/...", "api"), ("/products/:id", "p"), ("/exact", "e")]);
        let m = r.route("/api/x/y").unwrap();
        assert_eq!(m.path_info, "/x/y");
        assert_eq!(m.component_route, "/api");
        assert_eq!(m.matched_route, "/api/...");
        let m = r.route("/products/7").unwrap();
        assert_eq!(m.captures, [("id".to_string(), "7".to_string())]);
        assert_eq!(m.path_info, "");
        assert_eq!(r.route("/exact").unwrap().path_info, "");
        assert!(r.route("/nothing").is_none());
    }

    #[test]
    fn bad_routes_are_rejected() {
        for bad in [
            "api", "/a//b", "/a/.../b", "/a...", "/a/*", "/:", "/:a/:a", "/a:b",
        ] {
            assert!(Route::parse(bad).is_err(), "{bad}");
        }
    }
}
