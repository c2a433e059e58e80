//! Streams drawn from the engine's state: one lane per live shard with its
//! hash-key range, lineage, stored records and its write rate against the
//! limits, computed from the engine's event log over the last simulated
//! second.

use super::console::{run_command, ConsoleLog};
use super::Lab;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::hash::ShardId;
use kinesis_lab_core::stream::cost::{bill, total};
use kinesis_lab_core::stream::engine::{Event, ShardState, Stream, StreamMode};
use kinesis_lab_core::stream::limits::{WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Above this many live shards a stream's lanes are aggregated: one square
/// per shard (its write rate against the limit) and the full lane only for
/// the shard the student picks. The engine still stores and serves every
/// record; only the drawing is summarised.
pub const LANE_LIMIT: usize = 32;

/// How close a shard's writes of the last second came to its limit, 0 to 4.
fn load_level(recs: u64, bytes: u64) -> u8 {
    let share = (recs as f64 / WRITE_RECORDS_PER_SECOND as f64)
        .max(bytes as f64 / WRITE_BYTES_PER_SECOND as f64);
    match share {
        s if s <= 0.0 => 0,
        s if s < 0.25 => 1,
        s if s < 0.5 => 2,
        s if s < 0.9 => 3,
        _ => 4,
    }
}

/// Per shard over the last simulated second: (records, bytes, throttled).
fn rates(
    recent: &std::collections::VecDeque<Event>,
    stream: &str,
    now: u64,
) -> BTreeMap<u32, (u64, u64, u64)> {
    let mut m: BTreeMap<u32, (u64, u64, u64)> = BTreeMap::new();
    for ev in recent.iter().rev() {
        match ev {
            Event::RecordPut {
                at,
                stream: s,
                shard,
                bytes,
                ..
            } if s == stream && *at + 1000 > now => {
                let e = m.entry(*shard).or_default();
                e.0 += 1;
                e.1 += *bytes as u64;
            }
            Event::PutThrottled {
                at,
                stream: s,
                shard,
                ..
            } if s == stream && *at + 1000 > now => m.entry(*shard).or_default().2 += 1,
            _ => {}
        }
    }
    m
}

fn pct(v: u64, max: u64) -> String {
    format!("width: {:.1}%", (v as f64 / max as f64 * 100.0).min(100.0))
}

fn event_text(ev: &Event) -> String {
    let id = |i: &u32| ShardId(*i).to_string();
    match ev {
        Event::StreamCreated { stream, shards, .. } => {
            format!("CreateStream {stream} ({shards} shards)")
        }
        Event::StreamDeleted { stream, .. } => format!("DeleteStream {stream}"),
        Event::RecordPut {
            stream,
            shard,
            seq_index,
            key,
            ..
        } => format!("put {key} → {stream}/{} #{seq_index}", id(shard)),
        Event::PutThrottled {
            stream,
            shard,
            key,
            limit,
            ..
        } => format!("THROTTLED {key} → {stream}/{} ({limit:?})", id(shard)),
        Event::RecordsRead {
            stream,
            shard,
            records,
            millis_behind,
            ..
        } => format!(
            "GetRecords {stream}/{}: {records} records, {millis_behind} ms behind",
            id(shard)
        ),
        Event::ReadThrottled { stream, shard, .. } => {
            format!("GetRecords THROTTLED {stream}/{}", id(shard))
        }
        Event::ShardSplit {
            stream,
            parent,
            children,
            ..
        } => format!(
            "SplitShard {stream}/{} → {} + {}",
            id(parent),
            id(&children[0]),
            id(&children[1])
        ),
        Event::ShardsMerged {
            stream,
            parents,
            child,
            ..
        } => format!(
            "MergeShards {stream}/{} + {} → {}",
            id(&parents[0]),
            id(&parents[1]),
            id(child)
        ),
        Event::ShardCountUpdated {
            stream, from, to, ..
        } => format!("UpdateShardCount {stream}: {from} → {to}"),
        Event::RecordsExpired {
            stream,
            shard,
            records,
            ..
        } => format!(
            "retention expired {records} records of {stream}/{}",
            id(shard)
        ),
        Event::RetentionChanged { stream, hours, .. } => {
            format!("retention of {stream} set to {hours} h")
        }
        Event::StreamModeChanged { stream, mode, .. } => {
            format!("UpdateStreamMode {stream} → {mode:?}")
        }
    }
}

#[component]
pub fn StreamsView(lab: Lab, log: ConsoleLog) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    // The shard whose full lane a many-shard stream shows, per stream.
    let focus = RwSignal::new(BTreeMap::<String, u32>::new());
    let streams = move || {
        lab.shown.track();
        focus.track();
        let now = lab.now.get_untracked();
        lab.engine.with_untracked(|e| {
            if e.streams().next().is_none() {
                return view! { <p class="help" id="no-streams">{ctx.t(T::NoStreams)}</p> }
                    .into_any();
            }
            e.streams()
                .map(|s| stream_view(s, lab, log, focus, now, lang()))
                .collect_view()
                .into_any()
        })
    };
    view! {
        <section class="streams" id="streams">{streams}</section>
        <super::charts::AllCharts lab=lab log=log />
        <section class="panel activity" aria-labelledby="activity-title">
            <h2 id="activity-title">{move || ctx.t(T::Activity)}</h2>
            <ul class="activity-list mono" id="activity" tabindex="0">
                {move || { lab.shown.track(); lab.recent.with_untracked(|r| r.iter().rev().take(12).map(|ev| view! { <li>{event_text(ev)}</li> }).collect_view()) }}
            </ul>
        </section>
    }
}

fn stream_view(
    s: &Stream,
    lab: Lab,
    log: ConsoleLog,
    focus: RwSignal<BTreeMap<String, u32>>,
    now: u64,
    lang: crate::i18n::Lang,
) -> impl IntoView {
    let ctx = use_ctx();
    let rate = lab.window.with_untracked(|r| rates(r, &s.name, now));
    let mut open: Vec<(u32, kinesis_lab_core::hash::HashKeyRange)> =
        s.open_shards().map(|sh| (sh.index, sh.range)).collect();
    open.sort_by_key(|(_, r)| r.start);
    let retention = s.retention_ms();
    let live = s.live_shards(now).count();
    let many = live > LANE_LIMIT;
    // With many shards, the lane drawn in full: the one picked, else the first.
    let picked = focus
        .with_untracked(|f| f.get(&s.name).copied())
        .filter(|i| s.live_shards(now).any(|sh| sh.index == *i))
        .or_else(|| s.live_shards(now).next().map(|sh| sh.index));
    let grid = many.then(|| shard_grid(s, &rate, focus, picked, now, lang));
    let lanes = s
        .live_shards(now)
        .filter(|sh| !many || Some(sh.index) == picked)
        .map(|sh| {
            let (recs, bytes, throttled) = rate.get(&sh.index).copied().unwrap_or_default();
            let state = sh.state(now, retention);
            let start = sh.range.start.fraction() * 100.0;
            let width = (sh.range.end.fraction() - sh.range.start.fraction()) * 100.0;
            let parents: Vec<String> = [sh.parent, sh.adjacent_parent].into_iter().flatten().map(|p| ShardId(p).to_string()).collect();
            let tail: Vec<(u64, String, String)> = sh.records.iter().rev().take(6).map(|r| (r.seq.seq_index, r.partition_key.to_string(), r.seq.to_string())).collect();
            let name = s.name.clone();
            let id = sh.id().to_string();
            let mid = sh.range.start.0 + (sh.range.end.0 - sh.range.start.0) / 2 + 1;
            let next = open.iter().position(|(i, _)| *i == sh.index).and_then(|p| open.get(p + 1)).map(|(i, _)| ShardId(*i).to_string());
            let is_open = state == ShardState::Open;
            let split = {
                let (name, id) = (name.clone(), id.clone());
                move |_| run_command(lab, log, &format!("aws kinesis split-shard --stream-name {name} --shard-to-split {id} --new-starting-hash-key {mid}"))
            };
            let merge = next.clone().map(|n| {
                let (name, id) = (name.clone(), id.clone());
                move |_| run_command(lab, log, &format!("aws kinesis merge-shards --stream-name {name} --shard-to-merge {id} --adjacent-shard-to-merge {n}"))
            });
            view! {
                <li class="shard-lane" class:closed=!is_open class:hot={throttled > 0} data-shard=id.clone()>
                    <div class="shard-head">
                        <span class="mono shard-name">{id.clone()}</span>
                        <span class=if is_open { "badge open" } else { "badge closed" }>{format!("{state:?}").to_uppercase()}</span>
                        {(!parents.is_empty()).then(|| view! { <span class="help">{format!("{} {}", ctx.t(T::Parents), parents.join(", "))}</span> })}
                        <span class="help">{format!("{} {}", i18n::int(lang, sh.records.len() as u64), ctx.t(T::RecordsStored))}</span>
                        {is_open.then(|| view! { <button class="button small split" on:click=split>{ctx.t(T::Split)}</button> })}
                        {(is_open && merge.is_some()).then(|| view! { <button class="button small merge" on:click=merge.clone().unwrap()>{ctx.t(T::MergeNext)}</button> })}
                    </div>
                    <div class="range-bar" aria-hidden="true"><span style=format!("left: {start:.2}%; width: {:.2}%", width.max(0.4))></span></div>
                    <div class="meters">
                        <div class="meter"><span class="meter-label">{format!("{} / {} rec/s", i18n::int(lang, recs), i18n::int(lang, WRITE_RECORDS_PER_SECOND))}</span>
                            <span class="meter-bar"><span class:over={recs >= WRITE_RECORDS_PER_SECOND} style=pct(recs, WRITE_RECORDS_PER_SECOND)></span></span></div>
                        <div class="meter"><span class="meter-label">{format!("{:.2} / 1 MiB/s", bytes as f64 / WRITE_BYTES_PER_SECOND as f64)}</span>
                            <span class="meter-bar"><span class:over={bytes >= WRITE_BYTES_PER_SECOND} style=pct(bytes, WRITE_BYTES_PER_SECOND)></span></span></div>
                        <div class="meter throttle"><span class="meter-label">{format!("{} {}", i18n::int(lang, throttled), ctx.t(T::ThrottledPerSecond))}</span></div>
                    </div>
                    <ol class="lane-records">
                        {tail.into_iter().rev().map(|(seq, key, full)| {
                            let stream = name.clone();
                            let replay = move |_| {
                                let (st, start, text) = lab.consumer_form;
                                st.set(stream.clone());
                                start.set("AT_SEQUENCE_NUMBER".to_owned());
                                text.set(full.clone());
                                // The field appears on the next render: focus it then.
                                request_animation_frame(|| {
                                    if let Some(el) = document().get_element_by_id("consumer-seq") {
                                        use wasm_bindgen::JsCast;
                                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                                            let _ = el.focus();
                                        }
                                    }
                                });
                            };
                            view! { <li><button class="rec" title=move || ctx.t(T::ReplayFromHere) on:click=replay><span class="rec-key">{key}</span><span class="rec-pos">"#"{seq}</span></button></li> }
                        }).collect_view()}
                    </ol>
                </li>
            }
        })
        .collect_view();
    let lines = bill(&s.meter);
    let total_cost = total(&lines);
    let prices = kinesis_lab_core::stream::cost::prices();
    let (mode_text, other_mode) = match s.mode {
        StreamMode::Provisioned => ("PROVISIONED", "ON_DEMAND"),
        StreamMode::OnDemand => ("ON_DEMAND", "PROVISIONED"),
    };
    let switch = {
        let name = s.name.clone();
        move |_| {
            run_command(lab, log, &format!("aws kinesis update-stream-mode --stream-name {name} --stream-mode-details StreamMode={other_mode}"))
        }
    };
    let capacity = s.on_demand_capacity().map(|(b, r)| {
        format!(
            "{}: {:.0} MiB/s · {} rec/s",
            ctx.t(T::WriteCapacity),
            b as f64 / 1_048_576.0,
            i18n::int(lang, r)
        )
    });
    view! {
        <article class="panel stream-card" data-stream=s.name.clone()>
            <h2 class="mono">{s.name.clone()} " " <span class="badge">{format!("{:?}", s.status(now)).to_uppercase()}</span>
                " " <span class="badge mode">{mode_text}</span></h2>
            <p class="help">
                {format!("{}: {} h · {}: {}", ctx.t(T::Retention), s.retention_hours, ctx.t(T::OpenShards), s.open_shards().count())}
                {capacity.map(|c| format!(" · {c}"))}
                " " <button class="button small switch-mode" on:click=switch>{format!("{} {other_mode}", ctx.t(T::SwitchTo))}</button>
            </p>
            <details class="bill">
                <summary>{ctx.t(T::BillSoFar)} ": " <strong class="bill-total">{format!("${total_cost:.4}")}</strong></summary>
                <table>
                    <tbody>
                        {lines.into_iter().filter(|l| l.quantity > 0.0).map(|l| view! {
                            <tr><th scope="row">{l.item}</th><td>{format!("{:.4} {}", l.quantity, l.unit)}</td><td>{format!("× ${}", l.price)}</td><td>{format!("${:.4}", l.cost)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="help">{format!("{} {} · {} ({})", ctx.t(T::PricesFrom), prices.region, prices.source, prices.as_of)}</p>
            </details>
            {grid}
            <ol class="shard-lanes">{lanes}</ol>
        </article>
    }
}

/// A many-shard stream drawn in aggregate: totals over all shards, then one
/// square per live shard (a button that shows that shard's lane). One click
/// listener on the grid serves every square.
fn shard_grid(
    s: &Stream,
    rate: &BTreeMap<u32, (u64, u64, u64)>,
    focus: RwSignal<BTreeMap<String, u32>>,
    picked: Option<u32>,
    now: u64,
    lang: crate::i18n::Lang,
) -> impl IntoView {
    let ctx = use_ctx();
    let retention = s.retention_ms();
    let (mut recs, mut bytes, mut throttled, mut kept, mut count) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let cells = s
        .live_shards(now)
        .map(|sh| {
            let (r, b, t) = rate.get(&sh.index).copied().unwrap_or_default();
            recs += r;
            bytes += b;
            throttled += t;
            kept += sh.records.len() as u64;
            count += 1;
            let id = sh.id().to_string();
            let open = sh.state(now, retention) == ShardState::Open;
            let text = format!(
                "{id}: {} rec/s, {:.2} MiB/s, {} {}, {} {}",
                i18n::int(lang, r),
                b as f64 / WRITE_BYTES_PER_SECOND as f64,
                i18n::int(lang, t),
                ctx.t(T::ThrottledPerSecond),
                i18n::int(lang, sh.records.len() as u64),
                ctx.t(T::RecordsStored),
            );
            view! {
                <li><button class=format!("shard-cell load-{}", load_level(r, b)) class:hot={t > 0} class:closed=!open
                    data-shard=sh.index aria-pressed=(picked == Some(sh.index)).to_string()
                    title=text.clone() aria-label=text></button></li>
            }
        })
        .collect_view();
    let name = s.name.clone();
    let pick = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let shard = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-shard]").ok().flatten())
            .and_then(|el| el.get_attribute("data-shard"))
            .and_then(|v| v.parse::<u32>().ok());
        if let Some(i) = shard {
            focus.update(|f| {
                f.insert(name.clone(), i);
            });
        }
    };
    view! {
        <div class="shard-grid-wrap">
            <p class="help">{ctx.t(T::ShardGridHelp).replace("{n}", &i18n::int(lang, count))}</p>
            <p class="shard-totals">
                <strong>{ctx.t(T::AllShards)} ": "</strong>
                {format!(
                    "{} rec/s · {:.2} MiB/s · {} {} · {} {}",
                    i18n::int(lang, recs),
                    bytes as f64 / WRITE_BYTES_PER_SECOND as f64,
                    i18n::int(lang, throttled),
                    ctx.t(T::ThrottledPerSecond),
                    i18n::int(lang, kept),
                    ctx.t(T::RecordsStored),
                )}
            </p>
            <ol class="shard-grid" aria-label=ctx.t(T::ShardGridLabel).replace("{stream}", &s.name) on:click=pick>{cells}</ol>
        </div>
    }
}
