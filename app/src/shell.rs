//! The application shell: header, navigation, language switch, and the page
//! for the current route.

use crate::browser;
use crate::i18n::{Lang, T};
use crate::pages;
use crate::progress::{LoadNotice, Progress, STORAGE_KEY};
use crate::route::{Location, Page};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Shared by every page.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub location: RwSignal<Location>,
    /// Saved progress; every change is written to localStorage.
    pub progress: RwSignal<Progress>,
}

impl Ctx {
    pub fn t(&self, t: T) -> &'static str {
        t.get(self.lang.get())
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// What the shell shows in `<main>`. The full app shows every page; the
/// landing build (bin `kinesis-lab-landing`) shows only the home page, so the
/// linker leaves the engines and the other pages out of the first load.
#[derive(Clone, Copy)]
pub struct Pages {
    /// The view for a page (called again only when the view changes).
    pub render: fn(Page) -> AnyView,
    /// A lesson's title in a language, for the document title.
    pub lesson_title: fn(&str, Lang) -> Option<String>,
}

/// The full lab: every route.
pub const ALL_PAGES: Pages = Pages {
    render: render_page,
    lesson_title: lesson_title,
};

fn render_page(page: Page) -> AnyView {
    match page {
        Page::Home => pages::home::HomePage().into_any(),
        Page::Partitions => view! { <pages::partitions::PartitionsPage /> }.into_any(),
        Page::Streams => view! { <pages::streams::StreamLabPage /> }.into_any(),
        Page::Producers => view! { <pages::producers::ProducersPage /> }.into_any(),
        Page::Consumers => view! { <pages::consumers::ConsumersPage /> }.into_any(),
        Page::Firehose => view! { <pages::firehose::FirehosePage /> }.into_any(),
        Page::Sql => view! { <pages::sql::SqlPage /> }.into_any(),
        Page::Compare => view! { <pages::compare::ComparePage /> }.into_any(),
        Page::Lessons => view! { <pages::lessons::LessonsPage /> }.into_any(),
        Page::Lesson { id, .. } => view! { <pages::lesson::LessonPage id=id /> }.into_any(),
        Page::Present { id, .. } => view! { <pages::present::PresentPage id=id /> }.into_any(),
        Page::Notes { id } => view! { <pages::present::NotesPage id=id /> }.into_any(),
        Page::Quiz => view! { <pages::quiz::QuizPage /> }.into_any(),
        Page::Progress => view! { <pages::progress::ProgressPage /> }.into_any(),
        Page::Bench => view! { <pages::bench::BenchPage /> }.into_any(),
        Page::NotFound => pages::not_found::NotFoundPage().into_any(),
    }
}

fn lesson_title(id: &str, lang: Lang) -> Option<String> {
    crate::catalog::catalog().lesson(id).map(|l| {
        if lang == Lang::Vi {
            l.title.vi.clone()
        } else {
            l.title.en.clone()
        }
    })
}

/// The full lab.
#[component]
pub fn App() -> impl IntoView {
    view! { <Shell pages=ALL_PAGES /> }
}

/// Header, navigation, language, saved progress and the page for the route.
#[component]
pub fn Shell(pages: Pages) -> impl IntoView {
    let (progress, notice) = match browser::load(STORAGE_KEY) {
        Some(raw) => Progress::from_json(&raw),
        None => (Progress::default(), None),
    };
    if notice.is_some() {
        // Keep the damaged original beside the fresh record.
        if let Some(raw) = browser::load(STORAGE_KEY) {
            browser::save(&format!("{STORAGE_KEY}.damaged"), &raw);
        }
    }
    let lang = progress
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(Lang::En);
    let ctx = Ctx {
        lang: RwSignal::new(lang),
        location: RwSignal::new(Location::parse(&browser::current_hash())),
        progress: RwSignal::new(progress),
    };
    provide_context(ctx);
    let notice = RwSignal::new(notice);
    Effect::new(move |_| {
        let json = ctx.progress.with(Progress::to_json);
        browser::save(STORAGE_KEY, &json);
    });

    // Browser effects at the edge: follow the address bar, remember the
    // language, keep <html lang> and the title true.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        ctx.location.set(Location::parse(&browser::current_hash()));
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |_| {
        let lang = ctx.lang.get();
        ctx.progress
            .update(|p| p.lang = Some(lang.code().to_owned()));
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
    });
    Effect::new(move |_| {
        let page = ctx.location.with(|l| l.page.clone());
        let name = match &page {
            Page::Home => None,
            Page::Partitions => Some(ctx.t(T::PartitionsTitle).to_owned()),
            Page::Streams => Some(ctx.t(T::StreamsTitle).to_owned()),
            Page::Producers => Some(ctx.t(T::ProducersTitle).to_owned()),
            Page::Consumers => Some(ctx.t(T::ConsumersTitle).to_owned()),
            Page::Firehose => Some(ctx.t(T::NavFirehose).to_owned()),
            Page::Sql => Some(ctx.t(T::SqlTitle).to_owned()),
            Page::Compare => Some(ctx.t(T::CompareTitle).to_owned()),
            Page::Lessons => Some(ctx.t(T::LessonsTitle).to_owned()),
            Page::Lesson { id, .. } | Page::Present { id, .. } | Page::Notes { id } => Some(
                (pages.lesson_title)(id, ctx.lang.get())
                    .unwrap_or_else(|| ctx.t(T::NotFoundTitle).to_owned()),
            ),
            Page::Quiz => Some(ctx.t(T::QuizTitle).to_owned()),
            Page::Progress => Some(ctx.t(T::ProgressTitle).to_owned()),
            Page::Bench => Some(ctx.t(T::BenchTitle).to_owned()),
            Page::NotFound => Some(ctx.t(T::NotFoundTitle).to_owned()),
        };
        let title = match name {
            Some(n) => format!("{n} · {}", ctx.t(T::AppName)),
            None => ctx.t(T::AppName).to_owned(),
        };
        document().set_title(&title);
    });

    // The page is re-created only when the view changes, not when a step
    // within it does (the lesson and presenter pages follow the step).
    let view_key = Memo::new(move |_| {
        let page = ctx.location.with(|l| l.page.clone());
        match page {
            Page::Lesson { id, .. } => Page::Lesson { id, step: 0 },
            Page::Present { id, .. } => Page::Present { id, step: 0 },
            other => other,
        }
    });
    let chrome = move || !matches!(view_key.get(), Page::Present { .. } | Page::Notes { .. });
    let notice_text = move || {
        notice.get().map(|n| match n {
            LoadNotice::Unreadable => ctx.t(T::ProgressUnreadable),
            LoadNotice::NewerVersion(_) => ctx.t(T::ProgressNewer),
            LoadNotice::PartlyRead { .. } => ctx.t(T::ProgressPartly),
        })
    };
    view! {
        <a class="skip" href="#main" on:click=move |ev| {
            ev.prevent_default();
            if let Some(m) = document().get_element_by_id("main") {
                let _ = m.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
        }>{move || ctx.t(T::SkipToContent)}</a>
        <Show when=chrome>
        <header class="top">
            <a class="brand" href="#/">
                <span class="logo" aria-hidden="true">"≋"</span>
                {move || ctx.t(T::AppName)}
            </a>
            <nav aria-label=move || ctx.t(T::NavLabel)>
                <NavLink page=Page::Home text=T::NavHome />
                <NavLink page=Page::Partitions text=T::NavPartitions />
                <NavLink page=Page::Streams text=T::NavStreams />
                <NavLink page=Page::Producers text=T::NavProducers />
                <NavLink page=Page::Consumers text=T::NavConsumers />
                <NavLink page=Page::Firehose text=T::NavFirehose />
                <NavLink page=Page::Sql text=T::NavSql />
                <NavLink page=Page::Compare text=T::NavCompare />
                <NavLink page=Page::Lessons text=T::NavLessons />
                <NavLink page=Page::Quiz text=T::NavQuiz />
                <NavLink page=Page::Progress text=T::NavProgress />
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
        </Show>
        <crate::widgets::update_banner::UpdateBanner />
        <Show when=move || notice.with(Option::is_some)>
            <div class="notice global" role="alert">
                <span>{notice_text}</span>
                <button class="button small" on:click=move |_| notice.set(None)>{move || ctx.t(T::Dismiss)}</button>
            </div>
        </Show>
        <main id="main" tabindex="-1" class:bare=move || !chrome()>
            {move || (pages.render)(view_key.get())}
        </main>
    }
}

#[component]
fn NavLink(page: Page, text: T) -> impl IntoView {
    let ctx = use_ctx();
    let href = format!("#{}", page.path());
    let current = move || {
        ctx.location.with(|l| match (&l.page, &page) {
            (Page::Lesson { .. }, Page::Lessons) => true,
            (a, b) => a == b,
        })
    };
    view! {
        <a
            href=href
            aria-current=move || current().then_some("page")
        >
            {move || ctx.t(text)}
        </a>
    }
}
