//! The application shell: header, navigation, language switch, and the page
//! for the current route.

use crate::browser;
use crate::i18n::{Lang, T};
use crate::pages;
use crate::route::{Location, Page};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const LANG_KEY: &str = "kinesis-lab.v1.lang";

/// Shared by every page.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub location: RwSignal<Location>,
}

impl Ctx {
    pub fn t(&self, t: T) -> &'static str {
        t.get(self.lang.get())
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

#[component]
pub fn App() -> impl IntoView {
    let lang = browser::load(LANG_KEY)
        .and_then(|c| Lang::from_code(&c))
        .unwrap_or(Lang::En);
    let ctx = Ctx {
        lang: RwSignal::new(lang),
        location: RwSignal::new(Location::parse(&browser::current_hash())),
    };
    provide_context(ctx);

    // Browser effects at the edge: follow the address bar, remember the
    // language, keep <html lang> and the title true.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        ctx.location.set(Location::parse(&browser::current_hash()));
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |_| {
        let lang = ctx.lang.get();
        browser::save(LANG_KEY, lang.code());
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
    });
    Effect::new(move |_| {
        let page = ctx.location.with(|l| l.page);
        let title = match page {
            Page::Home => T::AppName.get(ctx.lang.get()).to_owned(),
            Page::Partitions => format!("{} · {}", ctx.t(T::PartitionsTitle), ctx.t(T::AppName)),
            Page::NotFound => format!("{} · {}", ctx.t(T::NotFoundTitle), ctx.t(T::AppName)),
        };
        document().set_title(&title);
    });

    let page = move || ctx.location.with(|l| l.page);
    view! {
        <a class="skip" href="#main" on:click=move |ev| {
            ev.prevent_default();
            if let Some(m) = document().get_element_by_id("main") {
                let _ = m.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
        }>{move || ctx.t(T::SkipToContent)}</a>
        <header class="top">
            <a class="brand" href="#/">
                <span class="logo" aria-hidden="true">"≋"</span>
                {move || ctx.t(T::AppName)}
            </a>
            <nav aria-label=move || ctx.t(T::NavLabel)>
                <NavLink page=Page::Home text=T::NavHome />
                <NavLink page=Page::Partitions text=T::NavPartitions />
            </nav>
            <label class="lang">
                <span class="sr-only">{move || ctx.t(T::LanguageLabel)}</span>
                <select
                    aria-label=move || ctx.t(T::LanguageLabel)
                    on:change=move |ev| {
                        if let Some(l) = Lang::from_code(&event_target_value(&ev)) {
                            ctx.lang.set(l);
                        }
                    }
                    prop:value=move || ctx.lang.get().code()
                >
                    {Lang::ALL
                        .into_iter()
                        .map(|l| view! { <option value=l.code() lang=l.code()>{l.native_name()}</option> })
                        .collect_view()}
                </select>
            </label>
        </header>
        <main id="main" tabindex="-1">
            {move || match page() {
                Page::Home => pages::home::HomePage().into_any(),
                Page::Partitions => view! { <pages::partitions::PartitionsPage /> }.into_any(),
                Page::NotFound => pages::not_found::NotFoundPage().into_any(),
            }}
        </main>
    }
}

#[component]
fn NavLink(page: Page, text: T) -> impl IntoView {
    let ctx = use_ctx();
    let current = move || ctx.location.with(|l| l.page == page);
    view! {
        <a
            href=format!("#{}", page.path())
            aria-current=move || current().then_some("page")
        >
            {move || ctx.t(text)}
        </a>
    }
}
