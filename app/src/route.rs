//! Hash routing: `#/path?query`.
//!
//! The lab is a static site that must work from any sub-path of any static
//! server, with deep links and no server-side fallback. Only the fragment
//! carries the route, so the server always serves the same `index.html`
//! (see ARCHITECTURE.md, "Routing"). Parsing is pure so it is tested natively.

use std::collections::BTreeMap;

/// The pages of the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Partitions,
    NotFound,
}

impl Page {
    pub fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Partitions => "/partitions",
            Page::NotFound => "/not-found",
        }
    }

    fn from_path(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "" => Page::Home,
            "/partitions" => Page::Partitions,
            _ => Page::NotFound,
        }
    }
}

/// A parsed location: the page and its query parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub page: Page,
    pub query: BTreeMap<String, String>,
}

impl Location {
    pub fn new(page: Page) -> Self {
        Location {
            page,
            query: BTreeMap::new(),
        }
    }

    /// Parses `window.location.hash` (with or without the leading `#`).
    pub fn parse(hash: &str) -> Location {
        let rest = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        Location {
            page: Page::from_path(&path),
            query: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        }
    }

    /// The fragment for this location, starting with `#`.
    pub fn to_hash(&self) -> String {
        let mut s = format!("#{}", self.page.path());
        if !self.query.is_empty() {
            let q: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.query.iter())
                .finish();
            s.push('?');
            s.push_str(&q);
        }
        s
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.query.insert(key.to_owned(), value.to_string());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_root_are_home() {
        for h in ["", "#", "#/", "/"] {
            assert_eq!(Location::parse(h).page, Page::Home, "{h:?}");
        }
    }

    #[test]
    fn pages_and_query_round_trip() {
        let loc = Location::new(Page::Partitions)
            .with("key", "user 1&2=ế")
            .with("shards", 4);
        let hash = loc.to_hash();
        assert!(hash.starts_with("#/partitions?"));
        assert_eq!(Location::parse(&hash), loc);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(Location::parse("#/nope").page, Page::NotFound);
        assert_eq!(Location::parse("#/partitions/extra").page, Page::NotFound);
        assert_eq!(Location::parse("#/partitions/").page, Page::Partitions);
    }

    #[test]
    fn garbled_query_does_not_panic() {
        let loc = Location::parse("#/partitions?%%%=&&==%ff&key");
        assert_eq!(loc.page, Page::Partitions);
        assert!(loc.query.contains_key("key"));
    }
}
