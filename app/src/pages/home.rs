use crate::i18n::T;
use crate::route::Page;
use crate::shell::use_ctx;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="hero">
            <h1>{move || ctx.t(T::AppName)}</h1>
            <p class="lead">{move || ctx.t(T::Tagline)}</p>
            <p>{move || ctx.t(T::HomeIntro)}</p>
        </section>
        <ul class="cards">
            <li class="card">
                <h2>{move || ctx.t(T::PartitionsTitle)}</h2>
                <p>{move || ctx.t(T::HomeCardPartitionsBody)}</p>
                <a class="button primary" href=format!("#{}", Page::Partitions.path())>
                    {move || ctx.t(T::Open)}
                    <span class="sr-only">": " {move || ctx.t(T::PartitionsTitle)}</span>
                </a>
            </li>
            <li class="card">
                <h2>{move || ctx.t(T::NavStreams)}</h2>
                <p inner_html=move || ctx.t(T::HomeCardStreamsBody).replace("`aws kinesis`", "<code>aws kinesis</code>")></p>
                <a class="button primary" href=format!("#{}", Page::Streams.path())>
                    {move || ctx.t(T::Open)}
                    <span class="sr-only">": " {move || ctx.t(T::NavStreams)}</span>
                </a>
            </li>
            <li class="card">
                <h2>{move || ctx.t(T::NavProducers)}</h2>
                <p>{move || ctx.t(T::HomeCardProducersBody)}</p>
                <a class="button primary" href=format!("#{}", Page::Producers.path())>
                    {move || ctx.t(T::Open)}
                    <span class="sr-only">": " {move || ctx.t(T::NavProducers)}</span>
                </a>
            </li>
            <li class="card">
                <h2>{move || ctx.t(T::NavConsumers)}</h2>
                <p>{move || ctx.t(T::HomeCardConsumersBody)}</p>
                <a class="button primary" href=format!("#{}", Page::Consumers.path())>
                    {move || ctx.t(T::Open)}
                    <span class="sr-only">": " {move || ctx.t(T::NavConsumers)}</span>
                </a>
            </li>
            <li class="card">
                <h2>{move || ctx.t(T::NavLessons)}</h2>
                <p>{move || ctx.t(T::HomeCardLessonsBody)}</p>
                <a class="button primary" href=format!("#{}", Page::Lessons.path())>
                    {move || ctx.t(T::Open)}
                    <span class="sr-only">": " {move || ctx.t(T::NavLessons)}</span>
                </a>
            </li>
            <li class="card">
                <h2>{move || ctx.t(T::NavQuiz)}</h2>
                <p>{move || ctx.t(T::HomeCardQuizBody)}</p>
                <a class="button primary" href=format!("#{}", Page::Quiz.path())>
                    {move || ctx.t(T::Open)}
                    <span class="sr-only">": " {move || ctx.t(T::NavQuiz)}</span>
                </a>
            </li>
        </ul>
    }
}
