use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="panel">
            <h1>{move || ctx.t(T::NotFoundTitle)}</h1>
            <p>{move || ctx.t(T::NotFoundBody)}</p>
            <a class="button primary" href="#/">{move || ctx.t(T::BackHome)}</a>
        </section>
    }
}
