//! The seed's comparison tables (4.5, 4.6) from `lessons/compare/guide.toml`:
//! every row either links to the compare scenario that shows it happening
//! (`#/compare?scenario=<id>`) or names where it is documented.

use crate::catalog::catalog;
use crate::i18n::T;
use crate::pages::lessons::tr;
use crate::shell::use_ctx;
use kinesis_lab_core::compare::guide::{Row, Table};
use leptos::prelude::*;

/// A link that opens a compare scenario and brings the simulator into view.
#[component]
pub fn ScenarioLink(id: String, #[prop(optional, into)] class: String) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let name = {
        let id = id.clone();
        move || {
            catalog()
                .guide
                .scenario_name(&id)
                .map(|t| tr(lang(), t))
                .unwrap_or_else(|| id.clone())
        }
    };
    view! {
        <a class=format!("button small scenario-link {class}") data-scenario=id.clone()
            href=format!("#/compare?scenario={id}")
            on:click=move |_| {
                // The simulator is at the top of the page.
                if let Some(el) = document().get_element_by_id("compare") {
                    el.scroll_into_view();
                }
            }>
            "▶ " {name}
        </a>
    }
}

/// A source: reference file names and config names as text, web addresses
/// as links.
fn source_view(source: &str) -> impl IntoView {
    source
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let view = if part.starts_with("https://") {
                let host = part
                    .trim_start_matches("https://")
                    .split('/')
                    .next()
                    .unwrap_or(part)
                    .to_owned();
                let shown = part.trim_start_matches("https://").to_owned();
                view! {
                    <a href=part.to_owned() rel="noopener" target="_blank" title=part.to_owned()>
                        {if shown.len() > 48 { format!("{host}/…") } else { shown }}
                    </a>
                }
                .into_any()
            } else {
                view! { <span class="mono">{part.to_owned()}</span> }.into_any()
            };
            view! { <li>{view}</li> }
        })
        .collect_view()
}

fn row_view(table: &'static Table, row: &'static Row) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let cells = row
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let label = table.columns.get(i + 1);
            view! {
                <td data-label=move || label.map(|l| tr(lang(), l)).unwrap_or_default()>
                    {move || tr(lang(), c)}
                </td>
            }
        })
        .collect_view();
    view! {
        <tr id=format!("gt-{}-{}", table.id, row.id) data-row=row.id.clone()
            data-scenario=row.scenario.clone()>
            <th scope="row">
                <span class="gt-feature">{move || tr(lang(), &row.feature)}</span>
                {row.note.as_ref().map(|n| view! {
                    <span class="gt-note">
                        <span class="sr-only">{move || ctx.t(T::GuideSeedSaid)} ": "</span>
                        {move || tr(lang(), n)}
                    </span>
                })}
            </th>
            {cells}
            <td class="gt-evidence" data-label=move || ctx.t(T::GuideTryIt)>
                {row.scenario.clone().map(|id| view! { <ScenarioLink id=id /> })}
                {row.source.as_deref().map(|s| view! {
                    <details class="gt-source">
                        <summary>{move || ctx.t(T::GuideSource)}</summary>
                        <ul class="plain">{source_view(s)}</ul>
                    </details>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn CompareTables() -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let tables = &catalog().guide.tables;
    view! {
        <section class="compare-tables" id="compare-tables" aria-labelledby="gt-title">
            <h2 id="gt-title">{move || ctx.t(T::GuideTablesTitle)}</h2>
            {tables.iter().map(|t| {
                let head = t.columns.iter().map(|c| view! { <th scope="col">{move || tr(lang(), c)}</th> }).collect_view();
                view! {
                    <section class="gt-table" id=format!("gt-{}", t.id) aria-labelledby=format!("gt-{}-title", t.id)>
                        <h3 id=format!("gt-{}-title", t.id)>{move || tr(lang(), &t.title)}</h3>
                        {t.intro.as_ref().map(|i| view! { <p class="help">{move || tr(lang(), i)}</p> })}
                        <table class="guide-table">
                            <colgroup>
                                <col class="gt-col-feature" />
                                {t.columns.iter().skip(1).map(|_| view! { <col class="gt-col-system" /> }).collect_view()}
                                <col class="gt-col-evidence" />
                            </colgroup>
                            <thead>
                                <tr>
                                    {head}
                                    <th scope="col">{move || ctx.t(T::GuideTryIt)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {t.rows.iter().map(|r| row_view(t, r)).collect_view()}
                            </tbody>
                        </table>
                        {t.notes.iter().map(|n| view! { <p class="gt-table-note muted">{move || tr(lang(), n)}</p> }).collect_view()}
                    </section>
                }
            }).collect_view()}
        </section>
    }
}
