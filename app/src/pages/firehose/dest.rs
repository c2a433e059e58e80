//! The destinations: the S3 bucket (keys in their real layout, a preview of
//! each object's text and a download of its exact bytes), the Redshift table
//! (paged), the OpenSearch index (searched) and the HTTP/Splunk endpoint's
//! attempts.

use super::live::bytes;
use super::Fh;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Rows per Redshift page.
const PAGE_ROWS: usize = 10;

/// Saves `bytes` as a file named `name` through a Blob URL.
fn download(name: &str, data: &[u8], mime: &str) -> bool {
    let array = js_sys::Uint8Array::from(data);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = document()
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .map(|a| {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        })
        .is_some();
    // The click has started the download; the URL may go.
    let _ = web_sys::Url::revoke_object_url(&url);
    ok
}

fn mime_of(key: &str) -> &'static str {
    if key.ends_with(".gz") {
        "application/gzip"
    } else if key.ends_with(".zip") {
        "application/zip"
    } else if key.ends_with(".parquet") {
        "application/vnd.apache.parquet"
    } else {
        "application/octet-stream"
    }
}

#[component]
pub fn Destinations(fh: Fh) -> impl IntoView {
    view! {
        <Show when=move || fh.snap.with(Option::is_some)>
            <BucketBrowser fh=fh />
            <Show when=move || fh.snap.with(|s| s.as_ref().is_some_and(|s| s.redshift_columns.is_some()))>
                <RedshiftPager fh=fh />
            </Show>
            <Show when=move || fh.snap.with(|s| s.as_ref().is_some_and(|s| s.opensearch_docs.is_some()))>
                <OpenSearchBox fh=fh />
            </Show>
            <Show when=move || fh.snap.with(|s| s.as_ref().is_some_and(|s| s.endpoint))>
                <EndpointTimeline fh=fh />
            </Show>
        </Show>
    }
}

#[component]
fn BucketBrowser(fh: Fh) -> impl IntoView {
    let ctx = use_ctx();
    let selected = RwSignal::new(None::<String>);
    let preview = Memo::new(move |_| {
        let key = selected.get()?;
        fh.snap.track();
        Some(fh.run.with_value(|r| r.as_ref().map(|r| r.preview(&key))).unwrap_or_default())
    });
    let lang = move || ctx.lang.get();
    view! {
        <section class="panel fh-bucket" id="fh-bucket" aria-labelledby="fh-bucket-title">
            <h2 id="fh-bucket-title">{move || ctx.t(T::FhBucket)}" "
                <span class="mono muted">{move || fh.snap.with(|s| s.as_ref().map(|s| format!("s3://{}/", s.bucket)))}</span></h2>
            <div class="fh-bucket-layout">
                <div class="fh-keys">
                    {move || fh.snap.with(|s| s.as_ref().map(|s| {
                        let lang = lang();
                        if s.objects.is_empty() {
                            return view! { <p class="help" id="fh-no-objects">{T::FhNoObjects.get(lang)}</p> }.into_any();
                        }
                        // Group keys by their "folder", as the console lists them.
                        let mut groups: Vec<(String, Vec<&super::run::ObjectInfo>)> = Vec::new();
                        for o in &s.objects {
                            let (dir, _) = o.key.rsplit_once('/').unwrap_or(("", &o.key));
                            let dir = format!("{dir}/");
                            match groups.iter_mut().find(|(d, _)| *d == dir) {
                                Some((_, v)) => v.push(o),
                                None => groups.push((dir, vec![o])),
                            }
                        }
                        view! {
                            <ul class="fh-tree" id="fh-objects" aria-label=T::FhObjects.get(lang)>
                                {groups.into_iter().map(|(dir, objs)| view! {
                                    <li class="fh-dir">
                                        <span class="mono fh-dir-name">{dir.clone()}</span>
                                        <ul>
                                            {objs.into_iter().map(|o| {
                                                let key = o.key.clone();
                                                let key2 = o.key.clone();
                                                let name = o.key.rsplit_once('/').map(|(_, n)| n.to_owned()).unwrap_or_else(|| o.key.clone());
                                                let kind = o.class;
                                                view! {
                                                    <li class=format!("fh-obj {kind}")>
                                                        <button class="linklike mono" data-key=key.clone() data-records=o.records data-kind=kind
                                                            aria-pressed=move || (selected.get().as_deref() == Some(key2.as_str())).to_string()
                                                            on:click=move |_| selected.set(Some(key.clone()))>
                                                            {name}
                                                        </button>
                                                        <span class="help">{format!(" {} · {} {}", o.size.map(|n| bytes(lang, n)).unwrap_or_else(|| "Parquet".into()), i18n::int(lang, o.records), T::FhColRecords.get(lang).to_lowercase())}</span>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }))}
                </div>
                <div class="fh-preview" id="fh-preview">
                    <h3>{move || ctx.t(T::FhPreview)}</h3>
                    {move || match (selected.get(), preview.get()) {
                        (Some(key), Some(p)) => {
                            let name = key.rsplit_once('/').map(|(_, n)| n.to_owned()).unwrap_or_else(|| key.clone());
                            let key_dl = key.clone();
                            let note = match (&p.text, p.cut) {
                                (None, _) => Some(ctx.t(T::FhPreviewBinary)),
                                (Some(_), true) => Some(ctx.t(T::FhPreviewCut)),
                                _ => None,
                            };
                            view! {
                                <p class="mono fh-preview-key" id="fh-preview-key">{key.clone()}</p>
                                <button class="button" id="fh-download" on:click=move |_| {
                                    // Parquet: rows go to the lazily loaded encoder (a worker
                                    // fetched on the first such download).
                                    let job = fh.run.with_value(|r| r.as_ref().and_then(|r| r.parquet_job(&key_dl)));
                                    if let Some(job) = job {
                                        let (name, key) = (name.clone(), key_dl.clone());
                                        leptos::task::spawn_local(async move {
                                            match crate::parquet::encode(job).await {
                                                Ok(b) => { download(&name, &b, mime_of(&key)); }
                                                Err(e) => { let _ = fh.notice.try_set(Some(e)); }
                                            }
                                        });
                                        return;
                                    }
                                    let data = fh.run.with_value(|r| r.as_ref().map(|r| r.object_bytes(&key_dl)));
                                    match data {
                                        Some(Ok(b)) => { download(&name, &b, mime_of(&key_dl)); }
                                        Some(Err(e)) => fh.notice.set(Some(e)),
                                        None => {}
                                    }
                                }>{ctx.t(T::FhDownload)}</button>
                                {note.map(|n| view! { <p class="help">{n}</p> })}
                                {p.error.map(|e| view! { <p class="error">{e}</p> })}
                                {p.text.map(|t| view! { <pre class="mono fh-preview-text" id="fh-preview-text" tabindex="0">{t}</pre> })}
                            }.into_any()
                        }
                        _ => view! { <p class="help">{ctx.t(T::FhSelectObject)}</p> }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
}

#[component]
fn RedshiftPager(fh: Fh) -> impl IntoView {
    let ctx = use_ctx();
    let page = RwSignal::new(0usize);
    let data = Memo::new(move |_| {
        fh.snap.track();
        let p = page.get();
        fh.run
            .with_value(|r| r.as_ref().map(|r| r.redshift_page(p * PAGE_ROWS, PAGE_ROWS)))
            .unwrap_or_default()
    });
    let total = move || fh.snap.with(|s| s.as_ref().map(|s| s.redshift_rows).unwrap_or(0));
    let pages = move || total().div_ceil(PAGE_ROWS as u64).max(1) as usize;
    view! {
        <section class="panel fh-redshift" id="fh-redshift" aria-labelledby="fh-redshift-title">
            <h2 id="fh-redshift-title">{move || ctx.t(T::FhRedshift)}</h2>
            {move || {
                let lang = ctx.lang.get();
                let (cols, rows) = data.get();
                if rows.is_empty() {
                    return view! { <p class="help">{T::FhRedshiftEmpty.get(lang)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap short" tabindex="0" role="region" aria-labelledby="fh-redshift-title">
                        <table id="fh-redshift-table">
                            <thead><tr>{cols.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr></thead>
                            <tbody>{rows.into_iter().map(|r| view! {
                                <tr>{r.into_iter().map(|v| view! { <td class="mono">{v}</td> }).collect_view()}</tr>
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <div class="buttons">
                <button class="button small" id="fh-rs-prev" disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{move || ctx.t(T::FhPrev)}</button>
                <span id="fh-rs-page">{move || i18n::fh_page(ctx.lang.get(), page.get().min(pages() - 1) + 1, pages(), total())}</span>
                <button class="button small" id="fh-rs-next" disabled=move || { page.get() + 1 >= pages() }
                    on:click=move |_| page.update(|p| *p += 1)>{move || ctx.t(T::FhNext)}</button>
            </div>
        </section>
    }
}

#[component]
fn OpenSearchBox(fh: Fh) -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let hits = Memo::new(move |_| {
        fh.snap.track();
        let q = applied.get();
        fh.run
            .with_value(|r| r.as_ref().map(|r| r.search(&q, 20)))
            .unwrap_or_default()
    });
    view! {
        <section class="panel fh-opensearch" id="fh-opensearch" aria-labelledby="fh-os-title">
            <h2 id="fh-os-title">{move || ctx.t(T::FhOpenSearch)}" "
                <span class="mono muted" id="fh-os-count">{move || fh.snap.with(|s| s.as_ref().and_then(|s| s.opensearch_docs).map(|n| format!("events · {} {}", i18n::int(ctx.lang.get(), n), ctx.t(T::FhDocs))))}</span></h2>
            <form class="producer-form" on:submit=move |ev| { ev.prevent_default(); applied.set(query.get_untracked()); }>
                <label class="field">
                    <span>{move || ctx.t(T::FhSearch)}</span>
                    <input id="fh-os-query" type="text" spellcheck="false" class="mono" prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev)) />
                </label>
                <button class="button" id="fh-os-search" type="submit">{move || ctx.t(T::FhSearchButton)}</button>
            </form>
            {move || {
                let lang = ctx.lang.get();
                let (total, docs) = hits.get();
                view! {
                    <p id="fh-os-hits" data-hits=total>{i18n::fh_hits(lang, total)}</p>
                    <ol class="fh-docs">
                        {docs.into_iter().map(|(id, d)| view! { <li><span class="mono help">{id}</span>" "<code class="wrap">{d}</code></li> }).collect_view()}
                    </ol>
                }
            }}
        </section>
    }
}

#[component]
fn EndpointTimeline(fh: Fh) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="panel fh-endpoint" id="fh-endpoint" aria-labelledby="fh-ep-title">
            <h2 id="fh-ep-title">{move || ctx.t(T::FhEndpointTimeline)}</h2>
            {move || fh.snap.with(|s| s.as_ref().map(|s| {
                let lang = ctx.lang.get();
                if s.attempts.is_empty() {
                    return view! { <p class="help">{T::FhNoAttempts.get(lang)}</p> }.into_any();
                }
                let last = s.attempts.last().map(|a| a.at_ms + a.latency_ms).unwrap_or(1).max(1);
                let first = s.attempts.first().map(|a| a.at_ms).unwrap_or(0);
                let span = (last - first).max(1) as f64;
                view! {
                    <div class="fh-timeline" aria-hidden="true">
                        {s.attempts.iter().map(|a| {
                            let left = (a.at_ms - first) as f64 / span * 100.0;
                            let width = (a.latency_ms as f64 / span * 100.0).max(0.6);
                            view! { <span class=if a.ok { "ok" } else { "fail" } style:left=format!("{left:.2}%") style:width=format!("{width:.2}%")></span> }
                        }).collect_view()}
                    </div>
                    <div class="table-wrap short" tabindex="0" role="region" aria-labelledby="fh-ep-title">
                        <table id="fh-attempts">
                            <thead><tr>
                                <th scope="col">{T::FhColTime.get(lang)}</th>
                                <th scope="col">{T::FhColBatch.get(lang)}</th>
                                <th scope="col">{T::FhColAttempt.get(lang)}</th>
                                <th scope="col">{T::FhColOutcome.get(lang)}</th>
                                <th scope="col">{T::FhEndpointLatency.get(lang)}</th>
                                <th scope="col">{T::FhColRecords.get(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {s.attempts.iter().rev().take(200).map(|a| view! {
                                    <tr class=if a.ok { "ok" } else { "fail" }>
                                        <td class="mono">{format!("{} s", i18n::decimal(lang, a.at_ms as f64 / 1000.0, 1))}</td>
                                        <td>{format!("#{}", a.batch)}</td>
                                        <td>{a.attempt}</td>
                                        <td>{if a.ok { T::FhOutcomeOk.get(lang).to_owned() } else { format!("{}: {}", T::FhOutcomeFail.get(lang), a.detail) }}</td>
                                        <td>{i18n::int(lang, a.latency_ms)}</td>
                                        <td>{i18n::int(lang, a.records)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }))}
        </section>
    }
}
