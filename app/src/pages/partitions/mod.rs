//! "Where does my record go?": partition key → MD5 → hash key → shard, and a
//! generated workload that shows hot shards.

mod many_keys;
mod single_key;

pub use single_key::parse_shards;

use crate::browser;
use crate::i18n::T;
use crate::route::{Location, Page};
use crate::shell::use_ctx;
use crate::widgets::copy_link::CopyLink;
use kinesis_lab_core::workload::{KeyDistribution, MAX_DURATION_SECONDS, MAX_RECORDS_PER_SECOND};
use leptos::prelude::*;

/// Most shards the page draws (the engine itself accepts many more).
pub const UI_MAX_SHARDS: u32 = 64;

/// Everything on the page that a link can carry.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewState {
    pub key: String,
    pub explicit: Option<String>,
    pub shards: u32,
    pub distribution: KeyDistribution,
    pub rate: u32,
    pub seconds: u32,
    pub seed: u64,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            key: "user-123".into(),
            explicit: None,
            shards: 4,
            distribution: KeyDistribution::DeviceType,
            rate: 3000,
            seconds: 10,
            seed: 42,
        }
    }
}

/// Version of this page's link format (`v=`). A link without `v` is read as
/// version 1; any other version is reported and read as far as it goes.
pub const LINK_VERSION: &str = "1";

/// Longest text taken from a link into a field; anything longer is cut.
const MAX_LINK_TEXT: usize = 1024;

impl ViewState {
    /// Reads a link's query. Returns the state plus the names of parameters
    /// that were present but invalid (and replaced by defaults).
    pub fn from_query(loc: &Location) -> (ViewState, Vec<&'static str>) {
        let d = ViewState::default();
        let mut bad = Vec::new();
        let q = |k: &str| loc.query.get(k).map(String::as_str);
        if q("v").is_some_and(|v| v != LINK_VERSION) {
            bad.push("v");
        }
        let text = |s: &str| s.chars().take(MAX_LINK_TEXT).collect::<String>();
        fn num<T: std::str::FromStr + PartialOrd>(
            v: Option<&str>,
            name: &'static str,
            min: T,
            max: T,
            default: T,
            bad: &mut Vec<&'static str>,
        ) -> T {
            match v {
                None => default,
                Some(s) => match s.parse::<T>() {
                    Ok(n) if n >= min && n <= max => n,
                    _ => {
                        bad.push(name);
                        default
                    }
                },
            }
        }
        let distribution = match q("dist") {
            None => d.distribution,
            Some(s) => KeyDistribution::from_slug(s).unwrap_or_else(|| {
                bad.push("dist");
                d.distribution
            }),
        };
        let state = ViewState {
            key: q("key").map(text).unwrap_or(d.key),
            explicit: q("ehk").map(text),
            shards: num(q("shards"), "shards", 1, UI_MAX_SHARDS, d.shards, &mut bad),
            rate: num(
                q("rate"),
                "rate",
                1,
                MAX_RECORDS_PER_SECOND,
                d.rate,
                &mut bad,
            ),
            seconds: num(
                q("secs"),
                "secs",
                1,
                MAX_DURATION_SECONDS,
                d.seconds,
                &mut bad,
            ),
            seed: num(q("seed"), "seed", 0, u64::MAX, d.seed, &mut bad),
            distribution,
        };
        (state, bad)
    }

    pub fn to_location(&self) -> Location {
        let mut loc = Location::new(Page::Partitions)
            .with("v", LINK_VERSION)
            .with("key", &self.key)
            .with("shards", self.shards)
            .with("dist", self.distribution.slug())
            .with("rate", self.rate)
            .with("secs", self.seconds)
            .with("seed", self.seed);
        if let Some(e) = &self.explicit {
            loc = loc.with("ehk", e);
        }
        loc
    }
}

#[component]
pub fn PartitionsPage() -> impl IntoView {
    let ctx = use_ctx();
    let (initial, bad_params) = ctx.location.with_untracked(ViewState::from_query);
    // The last valid value of each setting; fields keep their own text.
    let state = RwSignal::new(initial);

    // Keep the address bar a link to exactly this view.
    Effect::new(move |_| {
        let hash = state.with(|s| s.to_location().to_hash());
        browser::replace_hash(&hash);
    });

    let notice = RwSignal::new(bad_params);
    view! {
        <div class="page-head">
            <h1>{move || ctx.t(T::PartitionsTitle)}</h1>
            <CopyLink />
        </div>
        <p class="lead">{move || ctx.t(T::PartitionsLead)}</p>
        <Show when=move || !notice.with(Vec::is_empty)>
            <div class="notice" role="alert">
                <span>{move || ctx.t(T::LinkNotice)} " " {move || notice.get().join(", ")}</span>
                <button class="button small" on:click=move |_| notice.set(Vec::new())>
                    {move || ctx.t(T::Dismiss)}
                </button>
            </div>
        </Show>
        <single_key::SingleKey state=state />
        <many_keys::ManyKeys state=state />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_a_link() {
        let s = ViewState {
            key: "user 7 & friends ế".into(),
            explicit: Some("12345".into()),
            shards: 9,
            distribution: KeyDistribution::Zipf,
            rate: 1234,
            seconds: 7,
            seed: 987654321,
        };
        let loc = Location::parse(&s.to_location().to_hash());
        assert_eq!(ViewState::from_query(&loc), (s, vec![]));
    }

    #[test]
    fn bad_values_fall_back_and_are_named() {
        let loc =
            Location::parse("#/partitions?shards=0&rate=abc&secs=999&seed=-1&dist=bogus&key=ok");
        let (s, bad) = ViewState::from_query(&loc);
        let d = ViewState::default();
        assert_eq!(s.key, "ok");
        assert_eq!(
            (s.shards, s.rate, s.seconds, s.seed, s.distribution),
            (d.shards, d.rate, d.seconds, d.seed, d.distribution)
        );
        assert_eq!(bad, vec!["dist", "shards", "rate", "secs", "seed"]);
    }

    #[test]
    fn unknown_link_versions_are_reported() {
        let (_, bad) = ViewState::from_query(&Location::parse("#/partitions?v=7&shards=3"));
        assert_eq!(bad, vec!["v"]);
        let (s, bad) = ViewState::from_query(&Location::parse("#/partitions?shards=3"));
        assert_eq!((s.shards, bad), (3, vec![]));
    }

    proptest::proptest! {
        #[test]
        fn any_link_reads_without_panic(s in "\\PC{0,200}") {
            let (state, _) = ViewState::from_query(&Location::parse(&format!("#/partitions?{s}")));
            proptest::prop_assert!((1..=UI_MAX_SHARDS).contains(&state.shards));
        }
    }

    #[test]
    fn huge_text_in_a_link_is_cut() {
        let loc = Location::parse(&format!("#/partitions?key={}", "x".repeat(5000)));
        assert_eq!(ViewState::from_query(&loc).0.key.len(), MAX_LINK_TEXT);
    }
}
