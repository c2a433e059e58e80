//! Record templates: a partition-key template and a data template, parsed
//! and filled by core (`producer::template`) as the student types; an error
//! shows its line and column with a caret under the spot.

use super::EPOCH_MS;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::producer::template::{preview, TemplateError, Which};
use leptos::prelude::*;

const DEFAULT_KEY: &str = "{{user_id}}";
const DEFAULT_DATA: &str = r#"{"user":"{{user_id}}","amount":{{number 1 500}},"ts":"{{now}}"}"#;
/// Records shown, and records the mean size is taken over.
const SHOWN: usize = 5;
const SAMPLE: usize = 200;

/// The offending line with a caret under the column.
fn caret(src: &str, e: &TemplateError) -> String {
    let line = src.lines().nth(e.line.saturating_sub(1)).unwrap_or("");
    format!("{line}\n{}^", " ".repeat(e.column.saturating_sub(1)))
}

#[component]
pub fn TemplatesSection() -> impl IntoView {
    let ctx = use_ctx();
    let key = RwSignal::new(DEFAULT_KEY.to_owned());
    let data = RwSignal::new(DEFAULT_DATA.to_owned());
    let result = Memo::new(move |_| preview(&key.get(), &data.get(), 1, SHOWN, SAMPLE, EPOCH_MS, 250));
    let error_for = move |which: Which| {
        move || {
            result.with(|r| match r {
                Err((w, e)) if *w == which => {
                    let src = if which == Which::Data { data.get() } else { key.get() };
                    Some(view! {
                        <div class="template-error" role="alert">
                            <p class="error">{ctx.t(T::TplErrorIn)}" "{i18n::template_error(ctx.lang.get(), e)}</p>
                            <pre class="caret mono" aria-hidden="true">{caret(&src, e)}</pre>
                        </div>
                    })
                }
                _ => None,
            })
        }
    };
    let invalid = move |which: Which| move || result.with(|r| matches!(r, Err((w, _)) if *w == which)).to_string();
    view! {
        <section class="panel templates" id="templates" aria-labelledby="templates-title">
            <h2 id="templates-title">{move || ctx.t(T::TplTitle)}</h2>
            <p class="help">{move || ctx.t(T::TplHelp)}</p>
            <p class="help"><strong>{move || ctx.t(T::TplHelpers)}": "</strong><span class="mono">{move || ctx.t(T::TplHelperList)}</span></p>
            <label class="field wide">
                <span>{move || ctx.t(T::TplKey)}</span>
                <input id="tpl-key" class="mono" type="text" spellcheck="false" aria-invalid=invalid(Which::PartitionKey)
                    prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
            </label>
            {error_for(Which::PartitionKey)}
            <label class="field wide">
                <span>{move || ctx.t(T::TplData)}</span>
                <textarea id="tpl-data" class="mono" rows="3" spellcheck="false" aria-invalid=invalid(Which::Data)
                    prop:value=move || data.get() on:input=move |ev| data.set(event_target_value(&ev))></textarea>
            </label>
            {error_for(Which::Data)}
            {move || result.with(|r| r.as_ref().ok().map(|p| {
                let lang = ctx.lang.get();
                let size = ctx.t(T::TplSize)
                    .replace("{bytes}", &i18n::decimal(lang, p.mean_bytes, 1))
                    .replace("{n}", &i18n::int(lang, p.per_shard_per_second));
                view! {
                    <h3>{ctx.t(T::TplPreview)}</h3>
                    <div class="table-wrap short" tabindex="0" role="region" aria-label=ctx.t(T::TplPreview)>
                        <table id="tpl-preview">
                            <thead><tr><th scope="col">"PartitionKey"</th><th scope="col">"Data"</th></tr></thead>
                            <tbody>
                                {p.records.iter().map(|(k, d)| view! {
                                    <tr><td class="mono">{k.clone()}</td><td class="mono wrap">{d.clone()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <p class="help" id="tpl-size">{size}</p>
                }
            }))}
        </section>
    }
}
