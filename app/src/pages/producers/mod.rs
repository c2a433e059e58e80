//! The Producers page: how data gets into a stream. Each section is its own
//! module: `kpl.rs` (aggregation, collection and retries, side by side, and
//! an aggregated record taken apart).

mod kpl;

use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

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
    }
}
