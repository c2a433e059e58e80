//! "Copy link to this view": the address bar always holds the view's state,
//! so copying it is sharing it.

use crate::browser;
use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

#[component]
pub fn CopyLink() -> impl IntoView {
    let ctx = use_ctx();
    let copied = RwSignal::new(false);
    view! {
        <button class="button small copy-link" on:click=move |_| copied.set(browser::copy_to_clipboard(&browser::href()))>
            {move || ctx.t(T::CopyLink)}
        </button>
        <span class="status" role="status">{move || copied.get().then(|| ctx.t(T::Copied))}</span>
    }
}
