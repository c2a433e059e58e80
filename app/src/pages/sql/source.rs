//! The source picker: the producer's record template and rate, the input
//! schema (a table of columns, editable as JSON, rediscovered on request)
//! and the reference table, each with its error beside it.

use super::Sq;
use crate::i18n::T;
use crate::shell::use_ctx;
use kinesis_lab_core::analytics::source::type_text;
use leptos::prelude::*;

#[component]
fn FieldError(sq: Sq, id: &'static str) -> impl IntoView {
    view! {
        {move || sq.field_error(id).map(|m| view! { <p class="error field-error" id=format!("{id}-error") role="alert">{m}</p> })}
    }
}

#[component]
pub fn SourcePanel(sq: Sq) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="panel sql-source" aria-labelledby="sql-source-title">
            <h2 id="sql-source-title">{move || ctx.t(T::SqlSource)}</h2>
            <p class="help">{move || ctx.t(T::SqlSourceHelp)}</p>
            <label for="sql-template" class="label">{move || ctx.t(T::SqlTemplate)}</label>
            <textarea id="sql-template" class="mono" rows="3" spellcheck="false"
                prop:value=move || sq.template.get()
                on:input=move |ev| sq.template.set(event_target_value(&ev))></textarea>
            <FieldError sq=sq id="sql-template" />
            <div class="inline-fields">
                <label class="inline" for="sql-rate">
                    <span>{move || ctx.t(T::SqlRate)}</span>
                </label>
                <input id="sql-rate" class="narrow" type="text" inputmode="numeric"
                    prop:value=move || sq.rate.get()
                    on:input=move |ev| sq.rate.set(event_target_value(&ev)) />
                <button type="button" id="sql-discover" class="button small" on:click=move |_| sq.discover.run(())>
                    {move || ctx.t(T::SqlDiscover)}
                </button>
            </div>
            <FieldError sq=sq id="sql-rate" />
            <h3 id="sql-schema-title">{move || ctx.t(T::SqlSchema)}" · SOURCE_SQL_STREAM_001"</h3>
            <p class="help">{move || ctx.t(T::SqlSchemaHelp)}</p>
            {move || {
                let lang = ctx.lang.get();
                sq.schema.with(|s| match s {
                    Ok(s) => view! {
                        <div class="table-wrap short" tabindex="0" role="region" aria-labelledby="sql-schema-title">
                            <table id="sql-schema-table" class="compact">
                                <thead><tr>
                                    <th scope="col">{T::SqlColName.get(lang)}</th>
                                    <th scope="col">{T::SqlColType.get(lang)}</th>
                                    <th scope="col">{T::SqlColMapping.get(lang)}</th>
                                </tr></thead>
                                <tbody>
                                    {s.columns.iter().map(|c| view! {
                                        <tr><td class="mono">{c.name.clone()}</td><td class="mono">{type_text(c.ty)}</td><td class="mono">{c.mapping.to_string()}</td></tr>
                                    }).collect_view()}
                                    <tr class="implicit"><td class="mono">"APPROXIMATE_ARRIVAL_TIME"</td><td class="mono">"TIMESTAMP"</td><td></td></tr>
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="error" id="sql-schema-invalid" role="alert">{e.clone()}</p> }.into_any(),
                })
            }}
            <details>
                <summary>{move || ctx.t(T::SqlEditSchema)}</summary>
                <textarea id="sql-schema" class="mono" rows="8" spellcheck="false" aria-labelledby="sql-schema-title"
                    prop:value=move || sq.schema_text.get()
                    on:input=move |ev| sq.schema_text.set(event_target_value(&ev))></textarea>
            </details>
            <FieldError sq=sq id="sql-schema" />
            <h3 id="sql-ref-title">{move || ctx.t(T::SqlReference)}</h3>
            <p class="help">{move || ctx.t(T::SqlReferenceHelp)}</p>
            <div class="inline-fields">
                <label class="inline" for="sql-ref-name"><span>{move || ctx.t(T::SqlTableName)}</span></label>
                <input id="sql-ref-name" class="mono" type="text" spellcheck="false"
                    prop:value=move || sq.ref_name.get()
                    on:input=move |ev| sq.ref_name.set(event_target_value(&ev)) />
            </div>
            <label for="sql-ref-csv" class="label">{move || ctx.t(T::SqlTableCsv)}</label>
            <textarea id="sql-ref-csv" class="mono" rows="4" spellcheck="false"
                prop:value=move || sq.ref_csv.get()
                on:input=move |ev| sq.ref_csv.set(event_target_value(&ev))></textarea>
            {move || sq.table.with(|t| t.as_ref().err().map(|e| view! { <p class="error" id="sql-ref-invalid" role="alert">{e.clone()}</p> }))}
            <FieldError sq=sq id="sql-ref" />
        </section>
    }
}
