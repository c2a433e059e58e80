//! The Consumers page: how data gets out of a stream. Each section is its
//! own module: `fanout.rs` (shared polling against enhanced fan-out) and
//! `kcl.rs` (workers, leases and checkpoints).

mod fanout;
mod kcl;

use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

#[component]
pub fn ConsumersPage() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="page-head">
            <h1>{move || ctx.t(T::ConsumersTitle)}</h1>
            <crate::widgets::copy_link::CopyLink />
        </div>
        <p class="lead">{move || ctx.t(T::ConsumersLead)}</p>
        <fanout::FanOutSection />
        <kcl::KclSection />
    }
}
