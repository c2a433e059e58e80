//! The Stream Lab: a simulated Kinesis Data Streams account driven by an
//! `aws kinesis` console and by producers, in simulated time.

mod console;
mod view;

use crate::browser;
use crate::clock::use_sim_clock;
use crate::i18n::{self, T};
use crate::route::{Location, Page};
use crate::share;
use crate::shell::use_ctx;
use kinesis_lab_core::consumer::{ConsumerStats, PollingConsumer, StartAt};
use kinesis_lab_core::error::ValidationError;
use kinesis_lab_core::producer::{Producer, ProducerConfig};
use kinesis_lab_core::stream::engine::{Engine, Event};
use kinesis_lab_core::workload::KeyDistribution;
use leptos::prelude::*;
use std::collections::VecDeque;

/// Simulated time starts at 2026-01-01T00:00:00Z.
pub const EPOCH_MS: u64 = 1_767_225_600_000;
/// Events kept for the activity list and the per-shard rates.
const RECENT: usize = 400;
const SPEEDS: [(u32, &str); 6] = [
    (250, "0.25×"),
    (500, "0.5×"),
    (1000, "1×"),
    (2000, "2×"),
    (5000, "5×"),
    (10_000, "10×"),
];

/// Everything the page's parts share.
#[derive(Clone, Copy)]
pub struct Lab {
    pub engine: RwSignal<Engine>,
    /// Latest events, newest last.
    pub recent: RwSignal<VecDeque<Event>>,
    /// Every put and throttle of the last simulated second, for the rates.
    pub window: RwSignal<VecDeque<Event>>,
    pub now: Memo<u64>,
    /// Producer settings, for display; the producers themselves live in `producers`.
    pub producer_list: RwSignal<Vec<(u32, ProducerConfig)>>,
    producers: StoredValue<Vec<Producer>>,
    consumers: StoredValue<Vec<PollingConsumer>>,
    /// Each consumer's settings and latest numbers, for display.
    pub consumer_list:
        RwSignal<Vec<(String, String, StartAt, bool, ConsumerStats, Option<String>)>>,
}

impl Lab {
    /// Moves new engine events into `recent`.
    pub fn collect_events(&self) {
        let new = self
            .engine
            .try_update(|e| e.take_events())
            .unwrap_or_default();
        if new.is_empty() {
            return;
        }
        let now = self.now.get_untracked();
        self.window.update(|w| {
            w.extend(
                new.iter()
                    .filter(|e| matches!(e, Event::RecordPut { .. } | Event::PutThrottled { .. }))
                    .cloned(),
            );
            while w.front().is_some_and(|e| match e {
                Event::RecordPut { at, .. } | Event::PutThrottled { at, .. } => at + 1000 <= now,
                _ => true,
            }) {
                w.pop_front();
            }
        });
        self.recent.update(|r| {
            r.extend(new);
            let excess = r.len().saturating_sub(RECENT);
            r.drain(..excess);
        });
    }
}

/// "Day 1, 00:00:05.250" (or "Ngày 1, …") for a simulated epoch time.
pub fn sim_time_text(lang: crate::i18n::Lang, ms: u64) -> String {
    let t = ms.saturating_sub(EPOCH_MS);
    let day = t / 86_400_000 + 1;
    let h = t / 3_600_000 % 24;
    let m = t / 60_000 % 60;
    let s = t / 1000 % 60;
    let word = match lang {
        crate::i18n::Lang::En => "Day",
        crate::i18n::Lang::Vi => "Ngày",
    };
    format!("{word} {day}, {h:02}:{m:02}:{s:02}.{:03}", t % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn simulated_time_reads_in_both_languages() {
        let t = EPOCH_MS + 86_400_000 + 3_723_004;
        assert_eq!(sim_time_text(Lang::En, t), "Day 2, 01:02:03.004");
        assert_eq!(sim_time_text(Lang::Vi, t), "Ngày 2, 01:02:03.004");
    }
}

#[component]
pub fn StreamLabPage() -> impl IntoView {
    let ctx = use_ctx();
    let clock = use_sim_clock(1000);
    let skipped = RwSignal::new(0u64);
    let now = Memo::new(move |_| EPOCH_MS + clock.now_ms.get() + skipped.get());
    let lab = Lab {
        engine: RwSignal::new(Engine::new()),
        recent: RwSignal::new(VecDeque::new()),
        window: RwSignal::new(VecDeque::new()),
        now,
        producer_list: RwSignal::new(Vec::new()),
        producers: StoredValue::new(Vec::new()),
        consumers: StoredValue::new(Vec::new()),
        consumer_list: RwSignal::new(Vec::new()),
    };

    let log = console::ConsoleLog(RwSignal::new(Vec::new()));

    // A shared link carries the console's successful commands: replay them.
    let link_notice = RwSignal::new(None::<String>);
    if let Some(encoded) = ctx.location.with_untracked(|l| l.query.get("s").cloned()) {
        match share::decode::<String>(&encoded) {
            Ok(lines) => {
                for line in &lines {
                    console::run_command(lab, log, line);
                }
                if log.0.with_untracked(|l| l.iter().any(|e| !e.ok)) {
                    link_notice.set(Some(ctx.t(T::ShareReplayNotice).to_owned()));
                }
            }
            Err(e) => link_notice.set(Some(format!("{} {e:?}", ctx.t(T::ShareNotice)))),
        }
    }
    // The address is always a link to this session.
    Effect::new(move |_| {
        let lines: Vec<String> = log.0.with(|l| {
            l.iter()
                .filter(|e| e.ok && e.command.starts_with("aws kinesis "))
                .map(|e| e.command.clone())
                .collect()
        });
        let mut loc = Location::new(Page::Streams);
        if !lines.is_empty() {
            loc = loc.with("s", share::encode(&lines));
        }
        browser::replace_hash(&loc.to_hash());
    });

    // The clock drives producers and the engine.
    Effect::new(move |_| {
        let t = now.get();
        let mut due: Vec<(String, u64, kinesis_lab_core::stream::engine::PutEntry)> = Vec::new();
        lab.producers.update_value(|ps| {
            for p in ps.iter_mut() {
                due.extend(
                    p.due(t)
                        .into_iter()
                        .map(|(at, e)| (p.config.stream.clone(), at, e)),
                );
            }
        });
        due.sort_by_key(|(_, at, _)| *at);
        lab.engine.update(|e| {
            for (stream, at, entry) in due {
                // A producer whose stream was deleted just fails its puts.
                let _ = e.put_records(at, &stream, std::slice::from_ref(&entry));
            }
            e.advance_to(t);
        });
        // Consumers poll after the producers' writes of this tick.
        let mut shown = Vec::new();
        lab.engine.update(|e| {
            lab.consumers.update_value(|cs| {
                for c in cs.iter_mut() {
                    let error = c.poll(e, t).err().map(|err| err.to_string());
                    shown.push((
                        consumer_label(c),
                        c.stream.clone(),
                        c.start,
                        c.parents_first,
                        c.stats.clone(),
                        error,
                    ));
                }
            });
        });
        if !shown.is_empty() || lab.consumer_list.with_untracked(|l| !l.is_empty()) {
            lab.consumer_list.set(shown);
        }
        lab.collect_events();
    });

    let skip = move |ms: u64| {
        clock.running.set(false);
        // Producers sit out the skipped time and resume after it.
        let t = now.get_untracked() + ms;
        lab.producers
            .update_value(|ps| ps.iter_mut().for_each(|p| p.resume_at(t)));
        skipped.update(|s| *s += ms);
    };
    let step = move |_| {
        clock.running.set(false);
        clock.now_ms.update(|t| *t += 1000);
    };

    view! {
        <div class="page-head">
            <h1>{move || ctx.t(T::StreamsTitle)}</h1>
            <crate::widgets::copy_link::CopyLink />
        </div>
        <Show when=move || link_notice.with(Option::is_some)>
            <div class="notice" role="alert">
                <span>{move || link_notice.get()}</span>
                <button class="button small" on:click=move |_| link_notice.set(None)>{move || ctx.t(T::Dismiss)}</button>
            </div>
        </Show>
        <p class="lead" inner_html=move || ctx.t(T::StreamsLead).replace("`aws kinesis`", "<code>aws kinesis</code>")></p>
        <div class="panel time-bar" role="group" aria-label=move || ctx.t(T::SimTime)>
            <span class="sim-time">
                <span class="label">{move || ctx.t(T::SimTime)} ": "</span>
                <strong id="sim-time" class="mono">{move || sim_time_text(ctx.lang.get(), now.get())}</strong>
            </span>
            <button id="play" class="button primary" on:click=move |_| clock.running.update(|r| *r = !*r)>
                {move || if clock.running.get() { ctx.t(T::Pause) } else { ctx.t(T::Play) }}
            </button>
            <label class="inline">
                <span>{move || ctx.t(T::Speed)}</span>
                <select id="lab-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                    {SPEEDS.map(|(v, label)| view! { <option value=v selected=v == 1000>{label}</option> }).to_vec()}
                </select>
            </label>
            <button id="step-second" class="button" on:click=step>{move || ctx.t(T::StepSecond)}</button>
            <button id="skip-hour" class="button" on:click=move |_| skip(3_600_000)>{move || ctx.t(T::SkipHour)}</button>
            <button id="skip-day" class="button" on:click=move |_| skip(86_400_000)>{move || ctx.t(T::SkipDay)}</button>
            <span class="help">{move || ctx.t(T::SkipHelp)}</span>
        </div>
        <div class="lab-layout">
            <console::Console lab=lab log=log />
            <div class="lab-main">
                <ProducersPanel lab=lab />
                <ConsumersPanel lab=lab log=log />
                <view::StreamsView lab=lab log=log />
            </div>
        </div>
    }
}

#[component]
fn ProducersPanel(lab: Lab) -> impl IntoView {
    let ctx = use_ctx();
    let stream = RwSignal::new(String::new());
    let rate = RwSignal::new("500".to_owned());
    let bytes = RwSignal::new("1000".to_owned());
    let dist = RwSignal::new(KeyDistribution::UserIds);
    let error = RwSignal::new(None::<ValidationError>);
    let no_stream = RwSignal::new(false);
    let next_id = StoredValue::new(0u32);
    let streams = Memo::new(move |_| {
        lab.engine
            .with(|e| e.streams().map(|s| s.name.clone()).collect::<Vec<_>>())
    });
    let add = move |_| {
        let names = streams.get_untracked();
        let chosen = Some(stream.get_untracked())
            .filter(|s| names.contains(s))
            .or_else(|| names.first().cloned());
        let Some(chosen) = chosen else {
            no_stream.set(true);
            return;
        };
        no_stream.set(false);
        let parse = |s: &str| s.trim().parse::<u32>().unwrap_or(0);
        let config = ProducerConfig {
            stream: chosen,
            records_per_second: parse(&rate.get_untracked()),
            distribution: dist.get_untracked(),
            record_bytes: parse(&bytes.get_untracked()),
        };
        let id = next_id.get_value();
        match Producer::new(id, config.clone(), id as u64 + 1, lab.now.get_untracked()) {
            Ok(p) => {
                next_id.set_value(id + 1);
                lab.producers.update_value(|ps| ps.push(p));
                lab.producer_list.update(|l| l.push((id, config)));
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let remove = move |id: u32| {
        lab.producers.update_value(|ps| ps.retain(|p| p.id != id));
        lab.producer_list.update(|l| l.retain(|(i, _)| *i != id));
    };
    view! {
        <section class="panel producers" aria-labelledby="producers-title">
            <h2 id="producers-title">{move || ctx.t(T::Producers)}</h2>
            <div class="producer-form">
                <label class="field">
                    <span>{move || ctx.t(T::StreamCol)}</span>
                    <select id="producer-stream" on:change=move |ev| stream.set(event_target_value(&ev))>
                        {move || streams.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::RecordsPerSecond)}</span>
                    <input id="producer-rate" class="num" type="text" inputmode="numeric" prop:value=move || rate.get() on:input=move |ev| rate.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::Distribution)}</span>
                    <select id="producer-dist" on:change=move |ev| if let Some(d) = KeyDistribution::from_slug(&event_target_value(&ev)) { dist.set(d) }>
                        {KeyDistribution::ALL.map(|d| view! { <option value=d.slug()>{move || i18n::distribution(ctx.lang.get(), d)}</option> }).to_vec()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::RecordBytes)}</span>
                    <input id="producer-bytes" class="num" type="text" inputmode="numeric" prop:value=move || bytes.get() on:input=move |ev| bytes.set(event_target_value(&ev)) />
                </label>
                <button id="add-producer" class="button primary" on:click=add>{move || ctx.t(T::AddProducer)}</button>
            </div>
            <p class="error" role="alert">
                {move || error.get().map(|e| i18n::validation_error(ctx.lang.get(), &e))}
                {move || no_stream.get().then(|| ctx.t(T::NoStreamForProducer))}
            </p>
            <ul class="plain producer-list" id="producer-list">
                {move || lab.producer_list.get().into_iter().map(|(id, c)| view! {
                    <li>
                        <span class="mono">{format!("#{id} → {}", c.stream)}</span>
                        " · " {format!("{} rec/s · {} B · ", c.records_per_second, c.record_bytes)}
                        {i18n::distribution(ctx.lang.get(), c.distribution)}
                        " " <button class="button small" on:click=move |_| remove(id)>{ctx.t(T::Remove)}</button>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// How a consumer is listed: its name, marked when it reads by enhanced fan-out.
fn consumer_label(c: &PollingConsumer) -> String {
    if c.enhanced_fan_out {
        format!("{} (EFO)", c.name)
    } else {
        c.name.clone()
    }
}

#[component]
fn ConsumersPanel(lab: Lab, log: console::ConsoleLog) -> impl IntoView {
    let ctx = use_ctx();
    let efo = RwSignal::new(false);
    let stream = RwSignal::new(String::new());
    let start = RwSignal::new("LATEST".to_owned());
    let parents_first = RwSignal::new(true);
    let no_stream = RwSignal::new(false);
    let next_id = StoredValue::new(1u32);
    let streams = Memo::new(move |_| {
        lab.engine
            .with(|e| e.streams().map(|s| s.name.clone()).collect::<Vec<_>>())
    });
    let add = move |_| {
        let names = streams.get_untracked();
        let Some(chosen) = Some(stream.get_untracked())
            .filter(|s| names.contains(s))
            .or_else(|| names.first().cloned())
        else {
            no_stream.set(true);
            return;
        };
        no_stream.set(false);
        let now = lab.now.get_untracked();
        let at = match start.get_untracked().as_str() {
            "TRIM_HORIZON" => StartAt::TrimHorizon,
            "AT_TIMESTAMP" => StartAt::AtTimestamp {
                ms: now.saturating_sub(60_000),
            },
            _ => StartAt::Latest,
        };
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let name = format!("consumer-{id}");
        let mut c = PollingConsumer::new(&name, &chosen, at);
        c.parents_first = parents_first.get_untracked();
        if efo.get_untracked() {
            // Registered through the console, so the step shows in the history.
            let arn = lab
                .engine
                .with_untracked(|e| e.stream(&chosen).map(|s| s.arn()).unwrap_or_default());
            console::run_command(lab, log, &format!("aws kinesis register-stream-consumer --stream-arn {arn} --consumer-name {name}"));
            if lab.engine.with_untracked(|e| {
                e.stream(&chosen)
                    .map(|s| !s.efo_consumers.contains_key(&name))
                    .unwrap_or(true)
            }) {
                return;
            }
            c.enhanced_fan_out = true;
        }
        lab.consumer_list.update(|l| {
            l.push((
                consumer_label(&c),
                c.stream.clone(),
                c.start,
                c.parents_first,
                c.stats.clone(),
                None,
            ))
        });
        lab.consumers.update_value(|cs| cs.push(c));
    };
    let remove = move |label: String| {
        lab.consumers
            .update_value(|cs| cs.retain(|c| consumer_label(c) != label));
        lab.consumer_list.update(|l| l.retain(|c| c.0 != label));
    };
    let start_text = move |s: StartAt| match s {
        StartAt::AtTimestamp { ms } => {
            format!("AT_TIMESTAMP {}", sim_time_text(ctx.lang.get(), ms))
        }
        other => other.iterator_type().to_owned(),
    };
    view! {
        <section class="panel consumers" aria-labelledby="consumers-title">
            <h2 id="consumers-title">{move || ctx.t(T::Consumers)}</h2>
            <p class="help">{move || ctx.t(T::ConsumersHelp).replace("{ms}", &kinesis_lab_core::stream::engine::PUSH_PROPAGATION_MS.to_string())}</p>
            <div class="producer-form">
                <label class="field">
                    <span>{move || ctx.t(T::StreamCol)}</span>
                    <select id="consumer-stream" on:change=move |ev| stream.set(event_target_value(&ev))>
                        {move || streams.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::StartPosition)}</span>
                    <select id="consumer-start" on:change=move |ev| start.set(event_target_value(&ev))>
                        <option value="LATEST">"LATEST"</option>
                        <option value="TRIM_HORIZON">"TRIM_HORIZON"</option>
                        <option value="AT_TIMESTAMP">{move || ctx.t(T::OneMinuteAgo)}</option>
                    </select>
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::ReadWith)}</span>
                    <select id="consumer-kind" on:change=move |ev| efo.set(event_target_value(&ev) == "efo")>
                        <option value="polling">{move || ctx.t(T::Polling)}</option>
                        <option value="efo">{move || ctx.t(T::EnhancedFanOut)}</option>
                    </select>
                </label>
                <label class="check">
                    <input id="consumer-parents-first" type="checkbox" prop:checked=move || parents_first.get() on:change=move |ev| parents_first.set(event_target_checked(&ev)) />
                    {move || ctx.t(T::ParentsFirst)}
                </label>
                <button id="add-consumer" class="button primary" on:click=add>{move || ctx.t(T::AddConsumer)}</button>
            </div>
            <p class="error" role="alert">{move || no_stream.get().then(|| ctx.t(T::NoStreamForProducer))}</p>
            <div class="table-wrap short" tabindex="0">
                <table id="consumer-table">
                    <thead><tr>
                        <th scope="col">{move || ctx.t(T::ConsumerCol)}</th>
                        <th scope="col">{move || ctx.t(T::StartPosition)}</th>
                        <th scope="col">{move || ctx.t(T::RecordsCol)}</th>
                        <th scope="col">"MillisBehindLatest"</th>
                        <th scope="col">{move || ctx.t(T::MeanLatency)}</th>
                        <th scope="col">{move || ctx.t(T::ThrottledReads)}</th>
                        <th scope="col">{move || ctx.t(T::OrderViolations)}</th>
                        <th scope="col"><span class="sr-only">{move || ctx.t(T::Remove)}</span></th>
                    </tr></thead>
                    <tbody>
                        {move || lab.consumer_list.get().into_iter().map(|(name, stream, at, first, st, error)| {
                            let n = name.clone();
                            view! {
                                <tr data-consumer=name.clone()>
                                    <th scope="row" class="mono">{format!("{name} → {stream}")}{(!first).then(|| " ⚠")}</th>
                                    <td class="mono">{start_text(at)}</td>
                                    <td class="c-records">{i18n::int(ctx.lang.get(), st.records)}</td>
                                    <td class="c-behind">{st.millis_behind_latest}</td>
                                    <td>{st.mean_latency_ms().map(|m| format!("{m} ms")).unwrap_or_else(|| "–".into())}</td>
                                    <td>{st.throttled}</td>
                                    <td class="c-order" class:bad={st.order_violations > 0}>{st.order_violations}</td>
                                    <td><button class="button small" on:click=move |_| remove(n.clone())>{ctx.t(T::Remove)}</button>{error.map(|e| view! { <span class="error">{e}</span> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
