//! "A new version is ready" banner. `static/sw-register.js` fires the window
//! event `kinesis-lab:update` when the service worker has downloaded a newer
//! deploy (and sets `window.kinesisLabUpdateReady`, for an app mounted after
//! the event); Reload fires `kinesis-lab:apply-update`, which lets that
//! version take over and reloads the page. Hidden while presenting, so a new
//! deploy never interrupts a projected slide (the notes window still shows it).

use crate::i18n::T;
use crate::route::Page;
use crate::shell::use_ctx;
use leptos::prelude::*;

/// The events shared with `static/sw-register.js`.
pub const UPDATE_EVENT: &str = "kinesis-lab:update";
pub const APPLY_EVENT: &str = "kinesis-lab:apply-update";

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let ctx = use_ctx();
    let ready = RwSignal::new(announced_already());
    let listener = window_event_listener_untyped(UPDATE_EVENT, move |_| ready.set(true));
    on_cleanup(move || listener.remove());
    let presenting = move || {
        ctx.location
            .with(|l| matches!(l.page, Page::Present { .. }))
    };
    let apply = move |_| {
        if let Ok(ev) = web_sys::Event::new(APPLY_EVENT) {
            let _ = window().dispatch_event(&ev);
        }
    };
    // The live region is always in the page, so screen readers announce the
    // text when it appears.
    view! {
        <div class="update-region" role="status">
            <Show when=move || ready.get() && !presenting()>
                <div class="update-banner">
                    <span class="update-text">{move || ctx.t(T::UpdateReady)}</span>
                    <span class="update-actions">
                        <button class="button small update-reload" on:click=apply>
                            {move || ctx.t(T::UpdateReload)}
                        </button>
                        <button class="button small update-dismiss" on:click=move |_| ready.set(false)>
                            {move || ctx.t(T::UpdateLater)}
                        </button>
                    </span>
                </div>
            </Show>
        </div>
    }
}

/// Whether sw-register.js announced an update before this app was mounted
/// (the home page's small build was running then).
fn announced_already() -> bool {
    js_sys::Reflect::get(&window(), &"kinesisLabUpdateReady".into())
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}
