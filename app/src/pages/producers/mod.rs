//! The Producers page: how data gets into a stream. Each section is its own
//! module: `kpl.rs` (aggregation, collection and retries, side by side, and
//! an aggregated record taken apart), `templates.rs` (record templates) and
//! `sources.rs` (the Kinesis Agent, a CloudWatch Logs subscription and an
//! AWS IoT rule).

mod kpl;
mod sources;
mod templates;

use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

/// Simulated time starts where the Stream Lab's does.
pub const EPOCH_MS: u64 = crate::pages::streams::EPOCH_MS;

#[component]
pub fn ProducersPage() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="page-head">
            <h1>{move || ctx.t(T::ProducersTitle)}</h1>
            <crate::widgets::copy_link::CopyLink />
        </div>
        <p class="lead">{move || ctx.t(T::ProducersLead)}</p>
        <kpl::KplSection />
        <templates::TemplatesSection />
        <sources::SourcesSection />
    }
}
