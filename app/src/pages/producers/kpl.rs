//! KPL aggregation, collection and retries (being built).

use leptos::prelude::*;

#[component]
pub fn KplSection() -> impl IntoView {
    view! { <section class="panel" id="kpl"></section> }
}
