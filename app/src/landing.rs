//! The landing build (bin `kinesis-lab-landing`): the shell with the home
//! page only. It is what a first visit to `#/` downloads; `static/boot.js`
//! swaps it for the full app (bin `kinesis-lab-app`) as soon as the student
//! opens any other route. Because nothing here names the engines or the other
//! pages, the linker leaves them out of this build (see BENCHMARKS.md, "First
//! load").

use crate::i18n::{Lang, T};
use crate::route::Page;
use crate::shell::{use_ctx, Pages, Shell};
use leptos::prelude::*;

/// The pages the landing build knows: home, and a placeholder for the
/// moment between leaving home and the full app taking over.
pub const LANDING_PAGES: Pages = Pages {
    render,
    lesson_title: no_title,
};

fn render(page: Page) -> AnyView {
    match page {
        Page::Home => crate::pages::home::HomePage().into_any(),
        _ => {
            let ctx = use_ctx();
            view! { <p class="boot-wait" role="status">{move || ctx.t(T::LoadingLab)}</p> }.into_any()
        }
    }
}

fn no_title(_: &str, _: Lang) -> Option<String> {
    None
}

/// The landing view.
#[component]
pub fn Landing() -> impl IntoView {
    view! { <Shell pages=LANDING_PAGES /> }
}
