//! The KCL: workers, the lease table and checkpoints (being built).

use leptos::prelude::*;

#[component]
pub fn KclSection() -> impl IntoView {
    view! { <section class="panel" id="kcl"></section> }
}
