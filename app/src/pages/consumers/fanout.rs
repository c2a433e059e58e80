//! Shared polling against enhanced fan-out (being built).

use leptos::prelude::*;

#[component]
pub fn FanOutSection() -> impl IntoView {
    view! { <section class="panel" id="fanout"></section> }
}
