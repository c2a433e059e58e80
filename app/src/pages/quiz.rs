//! The quiz: a reproducible set of items (seed, level and size in the
//! address), graded by the engine, scored by topic, with a review of what
//! was missed and links back to the lesson steps that teach it.

use super::lessons::tr;
use crate::browser;
use crate::catalog::catalog;
use crate::i18n::{self, Lang, T};
use crate::progress::QuizRecord;
use crate::route::{Location, Page};
use crate::shell::use_ctx;
use crate::widgets::copy_link::CopyLink;
use kinesis_lab_core::quiz::{build_quiz, score, Item, ItemKind, Quiz, Response, Score};
use leptos::prelude::*;

const COUNTS: [usize; 4] = [5, 10, 15, 20];

/// Escapes generated text and shows `code` spans; bank text is already HTML.
fn item_html(item: &Item, text: &str) -> String {
    if !item.id.starts_with("gen-") {
        return text.to_owned();
    }
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    format!("<p>{out}</p>")
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The right answer, in words.
fn right_answer(lang: Lang, item: &Item) -> String {
    match &item.kind {
        ItemKind::Single { options, answer } => options
            .get(*answer)
            .map(|o| tr(lang, o))
            .unwrap_or_default(),
        ItemKind::Multiple { options, answers } => answers
            .iter()
            .filter_map(|a| options.get(*a))
            .map(|o| tr(lang, o))
            .collect::<Vec<_>>()
            .join(" · "),
        ItemKind::Numeric { answer, unit, .. } => {
            let v = answer.value().map(number_text).unwrap_or_default();
            match unit {
                Some(u) => format!("{v} {}", tr(lang, u)),
                None => v,
            }
        }
        ItemKind::Ordering { items } => items
            .iter()
            .map(|o| tr(lang, o))
            .collect::<Vec<_>>()
            .join(" → "),
    }
}

fn params(l: &Location) -> (Option<u64>, u8, usize) {
    let seed = l.query.get("seed").and_then(|s| s.parse::<u64>().ok());
    let level = l
        .query
        .get("level")
        .and_then(|s| s.parse::<u8>().ok())
        .filter(|l| (1..=3).contains(l))
        .unwrap_or(1);
    let n = l
        .query
        .get("n")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| COUNTS.contains(n))
        .unwrap_or(10);
    (seed, level, n)
}

#[component]
pub fn QuizPage() -> impl IntoView {
    let ctx = use_ctx();
    let (seed0, level0, n0) = ctx.location.with_untracked(params);
    let seed = RwSignal::new(seed0.unwrap_or_else(browser::random_seed));
    let level = RwSignal::new(level0);
    let count = RwSignal::new(n0);
    Effect::new(move |_| {
        let loc = Location::new(Page::Quiz)
            .with("seed", seed.get())
            .with("level", level.get())
            .with("n", count.get());
        browser::replace_hash(&loc.to_hash());
    });
    let quiz =
        Memo::new(move |_| build_quiz(&catalog().quiz, seed.get(), level.get(), count.get()));
    let responses = RwSignal::new(Vec::<Option<Response>>::new());
    let numeric_text = RwSignal::new(Vec::<String>::new());
    let orders = RwSignal::new(Vec::<Vec<usize>>::new());
    let result = RwSignal::new(None::<Score>);
    Effect::new(move |_| {
        quiz.with(|q| {
            responses.set(vec![None; q.items.len()]);
            numeric_text.set(vec![String::new(); q.items.len()]);
            orders.set(q.shown_order.clone());
        });
        result.set(None);
    });
    let lang = move || ctx.lang.get();

    let submit = move |_| {
        // Ordering items answer with their current arrangement.
        quiz.with_untracked(|q| {
            responses.update(|r| {
                for (i, item) in q.items.iter().enumerate() {
                    match &item.kind {
                        ItemKind::Ordering { .. } => {
                            r[i] = orders
                                .with_untracked(|o| o.get(i).cloned())
                                .map(Response::Ordering)
                        }
                        ItemKind::Numeric { .. } => {
                            r[i] = numeric_text
                                .with_untracked(|t| {
                                    t[i].trim().replace(',', ".").parse::<f64>().ok()
                                })
                                .map(Response::Numeric)
                        }
                        _ => {}
                    }
                }
            });
            let s = responses.with_untracked(|r| score(q, r));
            ctx.progress.update(|p| {
                p.record_quiz(QuizRecord {
                    seed: q.seed,
                    level: q.level,
                    correct: s.correct,
                    total: s.total,
                    by_topic: s.by_topic.clone(),
                })
            });
            result.set(Some(s));
        });
    };

    let items = move || {
        let q: Quiz = quiz.get();
        q.items
            .into_iter()
            .enumerate()
            .map(|(i, item)| item_view(i, item, responses, numeric_text, orders, result))
            .collect_view()
    };

    view! {
        <h1>{move || ctx.t(T::QuizTitle)}</h1>
        <p class="lead">{move || ctx.t(T::QuizLead)}</p>
        <div class="panel quiz-controls">
            <div class="field">
                <label for="quiz-level">{move || ctx.t(T::Level)}</label>
                <select id="quiz-level" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { level.set(v) } prop:value=move || level.get().to_string()>
                    <option value="1">{move || ctx.t(T::Level1)}</option>
                    <option value="2">{move || ctx.t(T::Level2)}</option>
                    <option value="3">{move || ctx.t(T::Level3)}</option>
                </select>
            </div>
            <div class="field">
                <label for="quiz-n">{move || ctx.t(T::QuestionCount)}</label>
                <select id="quiz-n" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { count.set(v) } prop:value=move || count.get().to_string()>
                    {COUNTS.map(|c| view! { <option value=c>{c}</option> }).to_vec()}
                </select>
            </div>
            <div class="field">
                <span class="label">{move || ctx.t(T::Seed)}</span>
                <span class="mono" id="quiz-seed">{move || seed.get()}</span>
            </div>
            <button id="new-quiz" class="button" on:click=move |_| seed.set(browser::random_seed())>{move || ctx.t(T::NewQuiz)}</button>
            <CopyLink />
        </div>
        <ol class="quiz-items">{items}</ol>
        <div class="buttons">
            <button id="submit-quiz" class="button primary" on:click=submit>{move || ctx.t(T::Submit)}</button>
        </div>
        {move || result.get().map(|s| summary_view(s, quiz.get(), responses.get(), lang()))}
    }
}

fn item_view(
    i: usize,
    item: Item,
    responses: RwSignal<Vec<Option<Response>>>,
    numeric_text: RwSignal<Vec<String>>,
    orders: RwSignal<Vec<Vec<usize>>>,
    result: RwSignal<Option<Score>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let item = StoredValue::new(item);
    let text =
        move |f: fn(&Item, Lang) -> String| item.with_value(|it| item_html(it, &f(it, lang())));
    let graded = move || result.with(|r| r.as_ref().map(|s| !s.missed.contains(&i)));
    let name = format!("q{i}");
    let body = item.with_value(|it| match &it.kind {
        ItemKind::Single { options, .. } | ItemKind::Multiple { options, .. } => {
            let multi = matches!(it.kind, ItemKind::Multiple { .. });
            let opts = options.iter().enumerate().map(|(j, o)| {
                let o = o.clone();
                let html = move || item.with_value(|it| item_html(it, &tr(lang(), &o)));
                let checked = move || responses.with(|r| match r.get(i).cloned().flatten() {
                    Some(Response::Single(x)) => x == j,
                    Some(Response::Multiple(xs)) => xs.contains(&j),
                    _ => false,
                });
                view! {
                    <label class="choice">
                        <input type=if multi { "checkbox" } else { "radio" } name=name.clone() value=j
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                responses.update(|r| {
                                    r[i] = if multi {
                                        let mut xs = match r[i].take() { Some(Response::Multiple(xs)) => xs, _ => Vec::new() };
                                        xs.retain(|x| *x != j);
                                        if on { xs.push(j); }
                                        Some(Response::Multiple(xs))
                                    } else {
                                        Some(Response::Single(j))
                                    };
                                });
                            } />
                        <span inner_html=html></span>
                    </label>
                }
            }).collect_view();
            let how = if multi { T::ChooseAll } else { T::ChooseOne };
            view! {
                <fieldset class="options">
                    <legend class="help">{move || ctx.t(how)}</legend>
                    {opts}
                </fieldset>
            }.into_any()
        }
        ItemKind::Numeric { unit, .. } => {
            let unit = unit.clone();
            let bad = move || numeric_text.with(|t| t.get(i).is_some_and(|s| !s.trim().is_empty() && s.trim().replace(',', ".").parse::<f64>().is_err()));
            view! {
                <div class="field">
                    <label for=format!("q{i}-num") class="help">{move || ctx.t(T::EnterNumber)}</label>
                    <div class="inline">
                        <input id=format!("q{i}-num") class="num" type="text" inputmode="decimal"
                            prop:value=move || numeric_text.with(|t| t.get(i).cloned().unwrap_or_default())
                            on:input=move |ev| numeric_text.update(|t| if let Some(s) = t.get_mut(i) { *s = event_target_value(&ev) })
                            aria-invalid=move || bad().then_some("true") />
                        {unit.map(|u| view! { <span>{move || tr(lang(), &u)}</span> })}
                    </div>
                    <p class="error" role="alert">{move || bad().then(|| ctx.t(T::NotANumber))}</p>
                </div>
            }.into_any()
        }
        ItemKind::Ordering { items } => {
            let items = items.clone();
            let n = items.len();
            let rows = move || {
                let order = orders.with(|o| o.get(i).cloned().unwrap_or_default());
                order.into_iter().enumerate().map(|(pos, idx)| {
                    let t = items.get(idx).cloned();
                    let html = Memo::new(move |_| t.as_ref().map(|t| item.with_value(|it| item_html(it, &tr(lang(), t)))).unwrap_or_default());
                    let html = move || html.get();
                    let swap = move |a: usize, b: usize| orders.update(|o| if let Some(v) = o.get_mut(i) { v.swap(a, b) });
                    view! {
                        <li class="order-row">
                            <span class="order-text" inner_html=html.clone()></span>
                            <button class="button small" aria-label=move || format!("{}: {}", ctx.t(T::MoveUp), strip_tags(&html()))
                                disabled=pos == 0 on:click=move |_| swap(pos, pos - 1)>"↑"</button>
                            <button class="button small" aria-label=move || format!("{}: {}", ctx.t(T::MoveDown), strip_tags(&html()))
                                disabled=pos + 1 == n on:click=move |_| swap(pos, pos + 1)>"↓"</button>
                        </li>
                    }
                }).collect_view()
            };
            view! {
                <p class="help">{move || ctx.t(T::PutInOrder)}</p>
                <ol class="ordering">{rows}</ol>
            }.into_any()
        }
    });
    let tag = item.with_value(|it| {
        if it.source.is_some() {
            Some(T::ExamQuestion)
        } else if it.id.starts_with("gen-") {
            Some(T::Generated)
        } else {
            None
        }
    });
    view! {
        <li class="panel quiz-item" data-item=item.with_value(|it| it.id.clone())
            class:right=move || graded() == Some(true) class:wrong=move || graded() == Some(false)>
            <p class="tag">
                {move || ctx.t(T::Question)} " " {i + 1} " · " {move || item.with_value(|it| i18n::topic(lang(), it.topic))}
                {tag.map(|t| view! { " · " {move || ctx.t(t)} })}
                {move || graded().map(|ok| view! { " · " <strong class=if ok { "ok" } else { "bad" }>{if ok { ctx.t(T::Correct) } else { ctx.t(T::Incorrect) }}</strong> })}
            </p>
            <div class="prose" inner_html=move || text(|it, l| tr(l, &it.prompt))></div>
            {body}
        </li>
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn summary_view(
    s: Score,
    quiz: Quiz,
    responses: Vec<Option<Response>>,
    lang: Lang,
) -> impl IntoView {
    let ctx = use_ctx();
    let topics = s
        .by_topic
        .iter()
        .map(|(t, (c, n))| {
            view! {
                <tr><th scope="row">{i18n::topic(lang, *t)}</th><td>{format!("{c} / {n}")}</td></tr>
            }
        })
        .collect_view();
    let missed = s.missed.iter().map(|&i| {
        let item = &quiz.items[i];
        let yours = match responses.get(i).cloned().flatten() {
            None => ctx.t(T::NoAnswer).to_owned(),
            Some(Response::Single(x)) => match &item.kind {
                ItemKind::Single { options, .. } => options.get(x).map(|o| tr(lang, o)).unwrap_or_default(),
                _ => String::new(),
            },
            Some(Response::Multiple(xs)) => match &item.kind {
                ItemKind::Multiple { options, .. } => xs.iter().filter_map(|x| options.get(*x)).map(|o| tr(lang, o)).collect::<Vec<_>>().join(" · "),
                _ => String::new(),
            },
            Some(Response::Numeric(v)) => number_text(v),
            Some(Response::Ordering(o)) => match &item.kind {
                ItemKind::Ordering { items } => o.iter().filter_map(|x| items.get(*x)).map(|t| tr(lang, t)).collect::<Vec<_>>().join(" → "),
                _ => String::new(),
            },
        };
        let link = item.lesson.as_ref().map(|l| {
            let href = format!("#{}", Page::Lesson { id: l.lesson.clone(), step: l.step }.path());
            view! { <a class="button small" href=href>{ctx.t(T::LearnIt)}</a> }
        });
        view! {
            <li class="missed">
                <div class="prose" inner_html=item_html(item, &tr(lang, &item.prompt))></div>
                <p><strong>{ctx.t(T::YourAnswer)} ": "</strong><span inner_html=item_html(item, &yours)></span></p>
                <p><strong>{ctx.t(T::RightAnswer)} ": "</strong><span class="right-answer" inner_html=item_html(item, &right_answer(lang, item))></span></p>
                <div class="prose explanation" inner_html=item_html(item, &tr(lang, &item.explanation))></div>
                {link}
            </li>
        }
    }).collect_view();
    let none_missed = s.missed.is_empty();
    view! {
        <section class="panel quiz-summary" id="quiz-summary" aria-labelledby="score-title">
            <h2 id="score-title">{ctx.t(T::YourScore)} ": " <span id="quiz-score">{format!("{} / {}", s.correct, s.total)}</span></h2>
            <h3>{ctx.t(T::ByTopic)}</h3>
            <table class="topics"><thead><tr><th scope="col">{ctx.t(T::TopicCol)}</th><th scope="col">{ctx.t(T::ScoreCol)}</th></tr></thead>
                <tbody>{topics}</tbody></table>
            <h3>{ctx.t(T::ReviewMissed)}</h3>
            {none_missed.then(|| view! { <p>{ctx.t(T::NothingMissed)}</p> })}
            <ol class="missed-list">{missed}</ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_text_is_escaped_and_code_marked() {
        let item = build_quiz(&[], 1, 1, 1).items.remove(0);
        assert!(item.id.starts_with("gen-"));
        assert_eq!(
            item_html(&item, "a `<b>` c"),
            "<p>a <code>&lt;b&gt;</code> c</p>"
        );
    }

    #[test]
    fn link_params_fall_back_to_defaults() {
        let (seed, level, n) = params(&Location::parse("#/quiz?seed=x&level=9&n=7"));
        assert_eq!((seed, level, n), (None, 1, 10));
        let (seed, level, n) = params(&Location::parse("#/quiz?seed=12&level=3&n=5"));
        assert_eq!((seed, level, n), (Some(12), 3, 5));
    }
}
