//! The Stream Lab: a simulated Kinesis Data Streams account driven by an
//! `aws kinesis` console and by producers, in simulated time.

mod charts;
mod console;
pub mod session;
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
use kinesis_lab_core::traffic::Traffic;
use kinesis_lab_core::stream::engine::{Engine, Event};
use kinesis_lab_core::stream::metrics::Metrics;
use kinesis_lab_core::stream::seq::SequenceNumber;
use kinesis_lab_core::workload::KeyDistribution;
use leptos::prelude::*;
use std::collections::VecDeque;

/// Simulated time starts at 2026-01-01T00:00:00Z.
pub const EPOCH_MS: u64 = 1_767_225_600_000;
/// Events kept for the activity list and the per-shard rates.
const RECENT: usize = 400;
const SPEEDS: [(u32, &str); 11] = [
    (250, "0.25×"),
    (500, "0.5×"),
    (1000, "1×"),
    (2000, "2×"),
    (5000, "5×"),
    (10_000, "10×"),
    (30_000, "30×"),
    (100_000, "100×"),
    (300_000, "300×"),
    (1_000_000, "1000×"),
    // An hour of simulated time per second (the soak measurement uses it).
    (3_600_000, "3600×"),
];
/// Records the producers may send in one tick or one fast-forward frame;
/// above it the clock slows down rather than the page freezing.
const RECORDS_PER_TICK: u64 = 20_000;
/// Real milliseconds between redraws while the clock runs.
const REDRAW_MS: f64 = 200.0;
/// Records the page keeps in memory across all streams; above it the lab
/// pauses and says why.
pub const STORED_RECORDS_CAP: usize = 2_000_000;

/// Everything the page's parts share.
#[derive(Clone, Copy)]
pub struct Lab {
    pub engine: RwSignal<Engine>,
    /// Latest events, newest last.
    pub recent: RwSignal<VecDeque<Event>>,
    /// Every put and throttle of the last simulated second, for the rates.
    pub window: RwSignal<VecDeque<Event>>,
    pub now: Memo<u64>,
    /// Per-shard metrics and running cost, for the charts.
    pub metrics: RwSignal<Metrics>,
    /// Producer settings, for display; the producers themselves live in `traffic`.
    pub producer_list: RwSignal<Vec<(u32, ProducerConfig)>>,
    /// The producers and consumers, stepped with the engine.
    traffic: StoredValue<Traffic>,
    /// Each consumer's settings and latest numbers, for display.
    pub consumer_list: RwSignal<Vec<ConsumerRow>>,
    /// Bumped when the lanes, tables and charts should redraw: at once
    /// when the clock stands still, at most five times a second while it
    /// runs (the engine still steps every tick; only the drawing waits).
    pub shown: RwSignal<u64>,
    /// What the student did, for the share link.
    pub session: RwSignal<Vec<session::Step>>,
    next_producer: StoredValue<u32>,
    next_consumer: StoredValue<u32>,
    /// The consumer form's stream, start position and sequence number (a
    /// record in a lane can fill them in to replay from itself).
    pub consumer_form: (RwSignal<String>, RwSignal<String>, RwSignal<String>),
}

/// A consumer as the table shows it.
#[derive(Clone, PartialEq)]
pub struct ConsumerRow {
    pub label: String,
    pub stream: String,
    pub start: StartAt,
    pub parents_first: bool,
    pub stats: ConsumerStats,
    pub error: Option<String>,
}

impl Lab {
    /// Notes a step of the session at the current simulated time.
    pub fn record(&self, act: session::Act) {
        let t = self.now.get_untracked().saturating_sub(EPOCH_MS);
        self.session.update(|s| s.push(session::Step { t, act }));
    }

    /// Starts a producer; its id (and so its keys) follow from the order
    /// producers were added, so a replayed session gets the same ones.
    pub fn add_producer(&self, config: ProducerConfig) -> Result<u32, ValidationError> {
        let id = self.next_producer.get_value();
        let p = Producer::new(id, config.clone(), id as u64 + 1, self.now.get_untracked())?;
        self.next_producer.set_value(id + 1);
        self.traffic.update_value(|tr| tr.producers.push(p));
        self.producer_list.update(|l| l.push((id, config.clone())));
        self.record(session::Act::AddProducer { config });
        Ok(id)
    }

    pub fn remove_producer(&self, id: u32) {
        self.traffic
            .update_value(|tr| tr.producers.retain(|p| p.id != id));
        self.producer_list.update(|l| l.retain(|(i, _)| *i != id));
        self.record(session::Act::RemoveProducer { id });
    }

    /// Adds a consumer named `consumer-<n>`. An enhanced fan-out one is
    /// registered through the console first (when `register` is set; a
    /// replay has already replayed that command). False if registering failed.
    pub fn add_consumer(
        &self,
        log: console::ConsoleLog,
        stream: &str,
        start: StartAt,
        efo: bool,
        parents_first: bool,
        register: bool,
    ) -> bool {
        let id = self.next_consumer.get_value() + 1;
        self.next_consumer.set_value(id);
        let name = format!("consumer-{id}");
        let mut c = PollingConsumer::new(&name, stream, start);
        c.parents_first = parents_first;
        if efo {
            if register {
                let arn = self
                    .engine
                    .with_untracked(|e| e.stream(stream).map(|s| s.arn()).unwrap_or_default());
                console::run_command(*self, log, &format!("aws kinesis register-stream-consumer --stream-arn {arn} --consumer-name {name}"));
            }
            let registered = self.engine.with_untracked(|e| {
                e.stream(stream)
                    .map(|s| s.efo_consumers.contains_key(&name))
                    .unwrap_or(false)
            });
            if !registered {
                return false;
            }
            c.enhanced_fan_out = true;
        }
        self.consumer_list.update(|l| {
            l.push(ConsumerRow {
                label: consumer_label(&c),
                stream: c.stream.clone(),
                start: c.start,
                parents_first: c.parents_first,
                stats: c.stats.clone(),
                error: None,
            })
        });
        self.traffic.update_value(|tr| tr.add_consumer(c));
        self.record(session::Act::AddConsumer {
            stream: stream.to_owned(),
            start,
            efo,
            parents_first,
        });
        true
    }

    pub fn remove_consumer(&self, label: &str) {
        self.traffic.update_value(|tr| {
            let found = tr.consumers().position(|(c, _)| consumer_label(c) == label);
            if let Some(i) = found {
                tr.remove_consumer(i);
            }
        });
        self.consumer_list.update(|l| l.retain(|c| c.label != label));
        self.record(session::Act::RemoveConsumer {
            label: label.to_owned(),
        });
    }

    /// Runs traffic to `t` and shows what happened.
    pub fn advance(&self, t: u64) {
        self.engine.update(|e| {
            self.traffic.update_value(|tr| {
                tr.run_until(e, t);
            });
        });
        self.collect_events();
    }

    /// Copies the consumers' latest numbers to the table.
    fn refresh_consumers(&self) {
        let shown: Vec<ConsumerRow> = self.traffic.with_value(|tr| {
            tr.consumers()
                .map(|(c, error)| ConsumerRow {
                    label: consumer_label(c),
                    stream: c.stream.clone(),
                    start: c.start,
                    parents_first: c.parents_first,
                    stats: c.stats.clone(),
                    error: error.map(str::to_owned),
                })
                .collect()
        });
        if self.consumer_list.with_untracked(|l| *l != shown) {
            self.consumer_list.set(shown);
        }
    }

    /// Moves new engine events into `recent`.
    pub fn collect_events(&self) {
        let new = self
            .engine
            .try_update(|e| e.take_events())
            .unwrap_or_default();
        let now = self.now.get_untracked();
        self.metrics.update(|m| {
            for ev in &new {
                m.observe(ev);
            }
            self.engine.with_untracked(|e| m.sample_cost(now, e));
        });
        if new.is_empty() {
            return;
        }
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

/// Jumps ahead with the producers sitting out the time (they resume after).
fn skip_paused(lab: Lab, skipped: RwSignal<u64>, ms: u64) {
    let t = lab.now.get_untracked() + ms;
    lab.engine
        .update(|e| lab.traffic.update_value(|tr| tr.skip_to(e, t)));
    skipped.update(|s| *s += ms);
    lab.record(session::Act::Skip { ms });
}

/// Moves the page's clock (and traffic) forward to `t`, if it is later.
fn run_to(lab: Lab, clock: crate::clock::SimClock, t: u64) {
    let now = lab.now.get_untracked();
    if t > now {
        clock.now_ms.update(|c| *c += t - now);
        lab.advance(t);
    }
}

/// Replays a shared session on the fresh lab. False if any step no longer
/// applies (for example a command the service now refuses).
fn replay(
    lab: Lab,
    log: console::ConsoleLog,
    clock: crate::clock::SimClock,
    skipped: RwSignal<u64>,
    steps: &[session::Step],
    until: u64,
) -> bool {
    use session::Act;
    let mut all_applied = true;
    for step in steps {
        run_to(lab, clock, EPOCH_MS + step.t);
        let ok = match &step.act {
            Act::Console { line } => {
                console::run_command(lab, log, line);
                log.0.with_untracked(|l| l.last().is_some_and(|e| e.ok))
            }
            Act::AddProducer { config } => lab.add_producer(config.clone()).is_ok(),
            Act::RemoveProducer { id } => {
                lab.remove_producer(*id);
                true
            }
            Act::AddConsumer {
                stream,
                start,
                efo,
                parents_first,
            } => lab.add_consumer(log, stream, *start, *efo, *parents_first, false),
            Act::RemoveConsumer { label } => {
                lab.remove_consumer(label);
                true
            }
            Act::Skip { ms } => {
                skip_paused(lab, skipped, *ms);
                true
            }
        };
        all_applied &= ok;
    }
    run_to(lab, clock, EPOCH_MS + until);
    all_applied
}

/// Advances a fast-forward by one bounded chunk per animation frame, until
/// it reaches its target or is cancelled (`ff` cleared).
fn fast_forward_frame(
    ff: RwSignal<Option<(u64, u64)>>,
    skipped: RwSignal<u64>,
    now: Memo<u64>,
    max_step: RwSignal<u64>,
) {
    request_animation_frame(move || {
        let Some(Some((target, _))) = ff.try_get_untracked() else {
            return;
        };
        let current = now.get_untracked();
        if current >= target {
            ff.set(None);
            return;
        }
        let chunk = (target - current)
            .min(max_step.get_untracked())
            .min(3_600_000);
        skipped.update(|s| *s += chunk);
        fast_forward_frame(ff, skipped, now, max_step);
    });
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
        metrics: RwSignal::new(Metrics::new()),
        producer_list: RwSignal::new(Vec::new()),
        traffic: StoredValue::new(Traffic::new(EPOCH_MS)),
        shown: RwSignal::new(0),
        session: RwSignal::new(Vec::new()),
        next_producer: StoredValue::new(0),
        next_consumer: StoredValue::new(0),
        consumer_form: (
            RwSignal::new(String::new()),
            RwSignal::new("LATEST".to_owned()),
            RwSignal::new(String::new()),
        ),
        consumer_list: RwSignal::new(Vec::new()),
    };

    let log = console::ConsoleLog(RwSignal::new(Vec::new()));

    // A shared link carries the session: replay it, letting time run
    // between the steps as it did, then up to the time the link was made.
    let link_notice = RwSignal::new(None::<String>);
    let query = ctx.location.with_untracked(|l| l.query.clone());
    if let Some(encoded) = query.get("s") {
        match session::decode(encoded) {
            Ok(steps) => {
                let until = query
                    .get("t")
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(0);
                if !replay(lab, log, clock, skipped, &steps, until) {
                    link_notice.set(Some(ctx.t(T::ShareReplayNotice).to_owned()));
                }
            }
            Err(e) => link_notice.set(Some(format!("{} {e:?}", ctx.t(T::ShareNotice)))),
        }
    }
    // The address is always a link to this session, as of the last step,
    // pause or jump (not every tick).
    Effect::new(move |_| {
        let steps = lab.session.get();
        clock.running.track();
        skipped.track();
        let mut loc = Location::new(Page::Streams);
        if !steps.is_empty() {
            let encoded = share::encode(&steps);
            if encoded.len() <= share::MAX_LEN {
                let t = now.get_untracked().saturating_sub(EPOCH_MS);
                loc = loc.with("s", encoded).with("t", t.to_string());
            }
        }
        browser::replace_hash(&loc.to_hash());
    });

    // Fast-forward with producers running: one bounded chunk per frame.
    let ff = RwSignal::new(None::<(u64, u64)>);
    let full = RwSignal::new(false);
    // The clock drives traffic (producers, engine, consumers) to `now`.
    Effect::new(move |_| {
        let t = now.get();
        lab.advance(t);
        let stored: usize = lab.engine.with_untracked(|e| {
            e.streams()
                .flat_map(|s| s.shards.iter().map(|sh| sh.records.len()))
                .sum()
        });
        if stored > STORED_RECORDS_CAP && lab.traffic.with_value(|tr| tr.producer_rate() > 0) {
            clock.running.set(false);
            ff.set(None);
            full.set(true);
        }
    });
    // Keep a tick's (and a fast-forward frame's) producer work bounded.
    Effect::new(move |_| {
        let rate: u64 = lab
            .producer_list
            .with(|l| l.iter().map(|(_, c)| c.records_per_second as u64).sum());
        clock.max_step_ms.set(if rate == 0 {
            u64::MAX
        } else {
            (RECORDS_PER_TICK * 1000 / rate).max(1)
        });
    });
    let keep_producing = RwSignal::new(false);
    // Redraw throttle (see `Lab::shown`).
    let last_drawn = StoredValue::new(0f64);
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move |_| {
        lab.engine.track();
        now.track();
        let busy = clock.running.get() || ff.with(Option::is_some);
        let bump = move || {
            last_drawn.set_value(js_sys::Date::now());
            lab.refresh_consumers();
            lab.shown.update(|v| *v += 1);
        };
        let wait = last_drawn.get_value() + REDRAW_MS - js_sys::Date::now();
        if !busy || wait <= 0.0 {
            pending.set_value(None);
            bump();
        } else if pending.with_value(Option::is_none) {
            pending.set_value(Some(gloo_timers::callback::Timeout::new(
                wait.ceil() as u32,
                move || {
                    let _ = pending.try_set_value(None);
                    if lab.shown.try_get_untracked().is_some() {
                        bump();
                    }
                },
            )));
        }
    });

    let skip = move |ms: u64| {
        clock.running.set(false);
        let t = now.get_untracked() + ms;
        let producing = lab.traffic.with_value(|tr| tr.producer_rate() > 0);
        if keep_producing.get_untracked() && producing {
            full.set(false);
            ff.set(Some((t, ms)));
            fast_forward_frame(ff, skipped, now, clock.max_step_ms);
        } else {
            skip_paused(lab, skipped, ms);
        }
    };
    let nominal = move || clock.speed_milli.get() as u64 * crate::clock::TICK_MS as u64 / 1000;
    let limited = move || clock.step_ms() < nominal();
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
            <button id="skip-hour" class="button" on:click=move |_| skip(3_600_000) disabled=move || ff.with(Option::is_some)>{move || ctx.t(T::SkipHour)}</button>
            <button id="skip-day" class="button" on:click=move |_| skip(86_400_000) disabled=move || ff.with(Option::is_some)>{move || ctx.t(T::SkipDay)}</button>
            <label class="check">
                <input id="keep-producing" type="checkbox" prop:checked=move || keep_producing.get() on:change=move |ev| keep_producing.set(event_target_checked(&ev)) />
                {move || ctx.t(T::KeepProducing)}
            </label>
            <span class="help">{move || if keep_producing.get() { ctx.t(T::SkipHelpProducing) } else { ctx.t(T::SkipHelp) }}</span>
            <Show when=limited>
                <span class="help" id="speed-limited">{move || ctx.t(T::SpeedLimited).replace("{x}", &format!("{:.0}", clock.step_ms() as f64 / crate::clock::TICK_MS as f64))}</span>
            </Show>
            <Show when=move || ff.with(Option::is_some)>
                <span class="ff-progress" role="status">
                    <label for="ff-bar">{move || ctx.t(T::FastForwarding)}</label>
                    <progress id="ff-bar" max="1000" value=move || ff.get().map(|(target, total)| {
                        let left = target.saturating_sub(now.get());
                        1000 - (left * 1000 / total.max(1)).min(1000)
                    }).unwrap_or(0)></progress>
                    <button id="ff-stop" class="button small" on:click=move |_| ff.set(None)>{move || ctx.t(T::Stop)}</button>
                </span>
            </Show>
        </div>
        <Show when=move || full.get()>
            <div class="notice" role="alert" id="memory-full">
                <span>{move || ctx.t(T::MemoryFull).replace("{n}", &i18n::int(ctx.lang.get(), STORED_RECORDS_CAP as u64))}</span>
                <button class="button small" on:click=move |_| full.set(false)>{move || ctx.t(T::Dismiss)}</button>
            </div>
        </Show>
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
        match lab.add_producer(config) {
            Ok(_) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
    };
    let remove = move |id: u32| lab.remove_producer(id);
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

/// Where a consumer starting at `text` begins: the record's shard at that
/// sequence number, the others at the record's arrival. Errors name the field.
fn replay_start(engine: &Engine, stream: &str, text: &str) -> Result<StartAt, String> {
    let seq = SequenceNumber::parse(text).ok_or_else(|| {
        format!("StartingSequenceNumber: {text:?} is not a sequence number of this stream.")
    })?;
    let s = engine.stream(stream).map_err(|e| e.to_string())?;
    let shard = s.shards.get(seq.shard_index as usize).ok_or_else(|| {
        format!("StartingSequenceNumber: {stream} has no shard {}.", seq.shard_index)
    })?;
    // A record still kept gives its exact arrival; an older one its second.
    let arrival_ms = shard
        .records
        .iter()
        .find(|r| r.seq == seq)
        .map(|r| r.arrival_ms)
        .unwrap_or(seq.arrival_secs * 1000);
    Ok(StartAt::AtSequenceNumber { seq, arrival_ms })
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
    let (stream, start, seq_text) = lab.consumer_form;
    let seq_error = RwSignal::new(None::<String>);
    let parents_first = RwSignal::new(true);
    let no_stream = RwSignal::new(false);
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
            "AT_SEQUENCE_NUMBER" => {
                let text = seq_text.get_untracked();
                match lab
                    .engine
                    .with_untracked(|e| replay_start(e, &chosen, text.trim()))
                {
                    Ok(at) => at,
                    Err(msg) => {
                        seq_error.set(Some(msg));
                        return;
                    }
                }
            }
            _ => StartAt::Latest,
        };
        seq_error.set(None);
        lab.add_consumer(
            log,
            &chosen,
            at,
            efo.get_untracked(),
            parents_first.get_untracked(),
            true,
        );
    };
    let remove = move |label: String| lab.remove_consumer(&label);
    let start_text = move |s: StartAt| match s {
        StartAt::AtTimestamp { ms } => {
            format!("AT_TIMESTAMP {}", sim_time_text(ctx.lang.get(), ms))
        }
        StartAt::AtSequenceNumber { seq, .. } => {
            format!("AT_SEQUENCE_NUMBER {}/#{}", kinesis_lab_core::hash::ShardId(seq.shard_index), seq.seq_index)
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
                    <select id="consumer-stream" prop:value=move || stream.get() on:change=move |ev| stream.set(event_target_value(&ev))>
                        {move || streams.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::StartPosition)}</span>
                    <select id="consumer-start" prop:value=move || start.get() on:change=move |ev| start.set(event_target_value(&ev))>
                        <option value="LATEST">"LATEST"</option>
                        <option value="TRIM_HORIZON">"TRIM_HORIZON"</option>
                        <option value="AT_TIMESTAMP">{move || ctx.t(T::OneMinuteAgo)}</option>
                        <option value="AT_SEQUENCE_NUMBER">"AT_SEQUENCE_NUMBER"</option>
                    </select>
                </label>
                <Show when=move || start.get() == "AT_SEQUENCE_NUMBER">
                    <label class="field wide">
                        <span>"StartingSequenceNumber"</span>
                        <input id="consumer-seq" class="mono" type="text" inputmode="numeric" aria-describedby="consumer-seq-help"
                            aria-invalid=move || seq_error.with(Option::is_some).to_string()
                            prop:value=move || seq_text.get() on:input=move |ev| seq_text.set(event_target_value(&ev)) />
                        <span class="help" id="consumer-seq-help">{move || ctx.t(T::SeqHelp)}</span>
                    </label>
                </Show>
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
            <p class="error" role="alert" id="consumer-error">
                {move || no_stream.get().then(|| ctx.t(T::NoStreamForProducer))}
                {move || seq_error.get()}
            </p>
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
                        {move || lab.consumer_list.get().into_iter().map(|ConsumerRow { label: name, stream, start: at, parents_first: first, stats: st, error }| {
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
