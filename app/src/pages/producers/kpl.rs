//! KPL aggregation, collection and retries, side by side: the same workload
//! through core's simulated KPL (`producer::kpl::sim`) into two identical
//! streams, once with aggregation off and once on, in the same simulated
//! time; then the newest aggregated record taken apart by core's
//! deaggregator (`producer::kpl::format`).

use crate::browser;
use crate::clock::use_sim_clock;
use crate::i18n::{self, Lang, T};
use crate::shell::use_ctx;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::hash::to_hex;
use kinesis_lab_core::producer::kpl::format::{
    hex_spaced, inspect, is_aggregated, Anatomy, DeaggregationError, MAGIC,
};
use kinesis_lab_core::producer::kpl::sim::{
    check_range, KplBin, KplConfig, KplProducer, KplStats, RetryPolicy, MAX_RATE_LIMIT_PERCENT,
    MAX_RECORD_MAX_BUFFERED_TIME_MS, MIN_RECORD_MAX_BUFFERED_TIME_MS,
};
use kinesis_lab_core::producer::{MAX_RATE, MAX_RECORD_BYTES};
use kinesis_lab_core::stream::engine::Engine;
use kinesis_lab_core::stream::limits::{WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
use kinesis_lab_core::workload::KeyDistribution;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

const SPEEDS: [(u32, &str); 5] = [
    (250, "0.25×"),
    (500, "0.5×"),
    (1000, "1×"),
    (2000, "2×"),
    (5000, "5×"),
];
const MAX_SHARDS: u32 = 4;
/// The comparison stops here, so memory stays bounded.
const RUN_LIMIT_MS: u64 = 120_000;
const STORED_BYTES_CAP: u64 = 64 * 1_048_576;
/// Seconds averaged for the per-second column.
const RATE_SECS: u64 = 5;
const STREAM: &str = "clicks";
/// Records and key-table entries listed in the decoded view.
const SHOWN: usize = 6;
const USER: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const KINESIS: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const THROTTLED: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const BACKOFF: RetryPolicy = RetryPolicy::Backoff {
    base_ms: 100,
    max_ms: 5_000,
};

struct Side {
    engine: Engine,
    kpl: KplProducer,
}

impl Side {
    fn new(config: KplConfig, shards: u32) -> Result<Side, ValidationError> {
        let mut engine = Engine::new();
        // The stream name is a constant and the count was checked.
        let _ = engine.create_stream(0, STREAM, shards);
        Ok(Side {
            engine,
            kpl: KplProducer::new(config, 1, 0)?,
        })
    }

    fn run_until(&mut self, t: u64) {
        self.kpl.run_until(&mut self.engine, t);
        self.engine.advance_to(t);
        // The page reads the producer's own numbers; the event log would
        // only grow.
        drop(self.engine.take_events());
    }

    fn view(&self) -> SideView {
        let (recent, secs) = self.kpl.recent(RATE_SECS);
        SideView {
            stats: self.kpl.stats.clone(),
            recent,
            secs,
            bins: self.kpl.bins().copied().collect(),
            outstanding: self.kpl.outstanding(),
            p99: self.kpl.latency_quantile_ms(0.99),
        }
    }
}

/// A side's numbers, as the page shows them.
#[derive(Clone, PartialEq)]
struct SideView {
    stats: KplStats,
    recent: KplBin,
    secs: u64,
    bins: Vec<KplBin>,
    outstanding: u64,
    p99: Option<u64>,
}

#[derive(Clone, PartialEq)]
struct Views {
    plain: SideView,
    agg: SideView,
    shards: u32,
    rmbt: u32,
}

/// The newest aggregated record of the aggregating side.
fn newest_aggregated(e: &Engine) -> Option<Vec<u8>> {
    let s = e.stream(STREAM).ok()?;
    s.shards
        .iter()
        .filter_map(|sh| sh.records.iter().rev().find(|r| is_aggregated(&r.data)))
        .max_by_key(|r| (r.arrival_ms, r.seq.shard_index))
        .map(|r| r.data.to_vec())
}

fn per_second(n: u64, secs: u64) -> f64 {
    if secs == 0 {
        0.0
    } else {
        n as f64 / secs as f64
    }
}

#[component]
pub fn KplSection() -> impl IntoView {
    let ctx = use_ctx();
    let rate = RwSignal::new("5000".to_owned());
    let bytes = RwSignal::new("100".to_owned());
    let shards = RwSignal::new("1".to_owned());
    let rmbt = RwSignal::new("100".to_owned());
    let rate_limit = RwSignal::new("150".to_owned());
    let dist = RwSignal::new(KeyDistribution::UserIds);
    let backoff = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<ValidationError>::new());
    let stopped = RwSignal::new(false);
    let clock = use_sim_clock(1000);
    let sim = StoredValue::new(None::<(Side, Side)>);
    let views = RwSignal::new(None::<Views>);
    let record = RwSignal::new(None::<Vec<u8>>);
    let corrupt = RwSignal::new(false);

    let refresh = move || {
        let v = sim.with_value(|s| {
            s.as_ref().map(|(plain, agg)| Views {
                plain: plain.view(),
                agg: agg.view(),
                shards: agg
                    .engine
                    .stream(STREAM)
                    .map(|s| s.open_shards().count() as u32)
                    .unwrap_or(1),
                rmbt: agg.kpl.config.record_max_buffered_time_ms,
            })
        });
        views.set(v);
        let newest = sim.with_value(|s| {
            s.as_ref()
                .and_then(|(_, agg)| newest_aggregated(&agg.engine))
        });
        if record.with_untracked(|r| *r != newest) {
            record.set(newest);
        }
    };
    let build = move || {
        let num = |text: &str| text.trim().parse::<u32>().unwrap_or(0);
        let parsed = [
            parse_count(Field::RecordRate, &rate.get_untracked(), MAX_RATE),
            parse_count(Field::RecordBytes, &bytes.get_untracked(), MAX_RECORD_BYTES),
            parse_count(Field::ShardCount, &shards.get_untracked(), MAX_SHARDS),
            check_range(
                Field::RecordMaxBufferedTime,
                num(&rmbt.get_untracked()),
                MIN_RECORD_MAX_BUFFERED_TIME_MS,
                MAX_RECORD_MAX_BUFFERED_TIME_MS,
            ),
            parse_count(
                Field::RateLimit,
                &rate_limit.get_untracked(),
                MAX_RATE_LIMIT_PERCENT,
            ),
        ];
        let errs: Vec<ValidationError> = parsed.iter().filter_map(|r| r.clone().err()).collect();
        if !errs.is_empty() {
            errors.set(errs);
            return;
        }
        let [r, b, n, t, l] = parsed.map(|p| p.unwrap_or(1));
        let mut config = KplConfig::new(STREAM, r, b);
        config.distribution = dist.get_untracked();
        config.record_max_buffered_time_ms = t;
        config.rate_limit_percent = l;
        config.retry = if backoff.get_untracked() {
            BACKOFF
        } else {
            RetryPolicy::Rebuffer
        };
        let plain = KplConfig {
            aggregation: false,
            ..config.clone()
        };
        match (Side::new(plain, n), Side::new(config, n)) {
            (Ok(a), Ok(b)) => {
                clock.reset();
                sim.set_value(Some((a, b)));
                errors.set(Vec::new());
                stopped.set(false);
                corrupt.set(false);
                refresh();
            }
            (Err(e), _) | (_, Err(e)) => errors.set(vec![e]),
        }
    };
    build();
    Effect::new(move |_| {
        let t = clock.now_ms.get().min(RUN_LIMIT_MS);
        let mut full = false;
        sim.update_value(|s| {
            if let Some((a, b)) = s {
                a.run_until(t);
                b.run_until(t);
                full = a.kpl.stats.bytes_put + b.kpl.stats.bytes_put >= STORED_BYTES_CAP;
            }
        });
        if t >= RUN_LIMIT_MS || full {
            clock.running.set(false);
            stopped.set(true);
        }
        refresh();
    });

    let error_for = move |field: Field| {
        move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| i18n::validation_error(ctx.lang.get(), e))
            })
        }
    };
    let field = move |id: &'static str, f: Field, sig: RwSignal<String>| {
        let err = error_for(f);
        let invalid = error_for(f);
        view! {
            <label class="field">
                <span>{move || i18n::field_label(ctx.lang.get(), f)}</span>
                <input id=id class="num" type="text" inputmode="numeric"
                    aria-invalid=move || invalid().is_some().to_string()
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { build(); } />
                <span class="error" role="alert">{err}</span>
            </label>
        }
    };
    let lang = move || ctx.lang.get();
    let running = move || clock.running.get();

    view! {
        <section class="panel kpl" id="kpl" aria-labelledby="kpl-title">
            <h2 id="kpl-title">{move || ctx.t(T::KplTitle)}</h2>
            <p class="help">{move || ctx.t(T::KplHelp)}</p>
            <div class="producer-form">
                {field("kpl-rate", Field::RecordRate, rate)}
                {field("kpl-bytes", Field::RecordBytes, bytes)}
                {field("kpl-shards", Field::ShardCount, shards)}
                {field("kpl-rmbt", Field::RecordMaxBufferedTime, rmbt)}
                {field("kpl-rate-limit", Field::RateLimit, rate_limit)}
                <label class="field">
                    <span>{move || ctx.t(T::Distribution)}</span>
                    <select id="kpl-dist" on:change=move |ev| if let Some(d) = KeyDistribution::from_slug(&event_target_value(&ev)) { dist.set(d) }>
                        {KeyDistribution::ALL.map(|d| view! {
                            <option value=d.slug() selected=move || dist.get() == d>{move || i18n::distribution(lang(), d)}</option>
                        }).to_vec()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ctx.t(T::KplRetry)}</span>
                    <select id="kpl-retry" on:change=move |ev| backoff.set(event_target_value(&ev) == "backoff")>
                        <option value="kpl" selected=move || !backoff.get()>{move || ctx.t(T::KplRetryRebuffer)}</option>
                        <option value="backoff" selected=move || backoff.get()>{move || ctx.t(T::KplRetryBackoff)}</option>
                    </select>
                </label>
                <button id="kpl-apply" class="button primary" on:click=move |_| build()>{move || ctx.t(T::KplApply)}</button>
            </div>
            <p class="help">{move || ctx.t(T::KplBufferHelp)}</p>
            <p class="help">{move || ctx.t(T::KplRetryNote)}</p>
            <div class="time-bar">
                <span class="sim-time"><span class="label">{move || ctx.t(T::SimTime)} ": "</span>
                    <strong id="kpl-time" class="mono">{move || format!("{:.1} s", clock.now_ms.get().min(RUN_LIMIT_MS) as f64 / 1000.0)}</strong></span>
                <button id="kpl-play" class="button primary" disabled=move || stopped.get()
                    on:click=move |_| clock.running.update(|r| *r = !*r)>
                    {move || if running() { ctx.t(T::Pause) } else { ctx.t(T::Play) }}
                </button>
                <label class="inline">
                    <span>{move || ctx.t(T::Speed)}</span>
                    <select id="kpl-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                        {SPEEDS.map(|(v, label)| view! { <option value=v selected=v == 1000>{label}</option> }).to_vec()}
                    </select>
                </label>
                <button id="kpl-step" class="button" disabled=move || stopped.get()
                    on:click=move |_| { clock.running.set(false); clock.now_ms.update(|t| *t = (*t + 10_000).min(RUN_LIMIT_MS)); }>
                    {move || ctx.t(T::FanOutStep)}
                </button>
            </div>
            <Show when=move || stopped.get()>
                <p class="notice" role="status">{move || ctx.t(T::KplRunLimit)}</p>
            </Show>
            <div class="fanout-sides kpl-sides">
                <SideCard views=views aggregated=false />
                <SideCard views=views aggregated=true />
            </div>
            <Decoded record=record corrupt=corrupt />
        </section>
    }
}

/// One side: its numbers, meters against the shards' limits, and its chart.
#[component]
fn SideCard(views: RwSignal<Option<Views>>, aggregated: bool) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let side = move || {
        views.with(|v| {
            v.as_ref().map(|v| {
                (
                    if aggregated {
                        v.agg.clone()
                    } else {
                        v.plain.clone()
                    },
                    v.shards,
                )
            })
        })
    };
    let id = if aggregated { "kpl-agg" } else { "kpl-plain" };
    let rows = move || {
        side().map(|(s, _)| {
            let l = lang();
            let rate = |n: u64| i18n::int(l, per_second(n, s.secs).round() as u64);
            let kib = |n: u64| i18n::int(l, (n as f64 / 1024.0).round() as u64);
            let kib_rate = |n: u64| i18n::int(l, (per_second(n, s.secs) / 1024.0).round() as u64);
            let st = &s.stats;
            let per_kinesis = if st.kinesis_records_put == 0 {
                "–".to_owned()
            } else {
                i18n::decimal(l, st.user_records_put as f64 / st.kinesis_records_put as f64, 1)
            };
            let latency = match st.mean_latency_ms() {
                Some(m) => format!("{} ms / {} ms", i18n::int(l, m.round() as u64), s.p99.map(|p| i18n::int(l, p)).unwrap_or_default()),
                None => "–".to_owned(),
            };
            let r = &s.recent;
            let row = |key: &'static str, t: T, per_s: String, total: String, bad: bool| view! {
                <tr data-metric=key>
                    <th scope="row">{ctx.t(t)}</th>
                    <td class="c-rate" class:bad=bad>{per_s}</td>
                    <td class="c-total" class:bad=bad>{total}</td>
                </tr>
            };
            view! {
                {row("user-in", T::KplUserIn, rate(r.user_records_received), i18n::int(l, st.user_records_received), false)}
                {row("user-put", T::KplUserPut, rate(r.user_records_put), i18n::int(l, st.user_records_put), false)}
                {row("kinesis-put", T::KplKinesisPut, rate(r.kinesis_records_put), i18n::int(l, st.kinesis_records_put), false)}
                {row("throttled", T::KplThrottled, rate(r.kinesis_records_throttled), i18n::int(l, st.kinesis_records_throttled), st.kinesis_records_throttled > 0)}
                {row("bytes", T::KplBytes, kib_rate(r.bytes_put), kib(st.bytes_put), false)}
                {row("calls", T::KplCalls, rate(r.put_records_calls), i18n::int(l, st.put_records_calls), false)}
                {row("retries", T::KplRetries, rate(r.retries), i18n::int(l, st.retries), false)}
                {row("expired", T::KplExpired, rate(r.user_records_expired), i18n::int(l, st.user_records_expired), st.user_records_expired > 0)}
                {row("waiting", T::KplWaiting, String::new(), i18n::int(l, s.outstanding), false)}
                {row("per-kinesis", T::KplPerKinesis, String::new(), per_kinesis, false)}
                {row("latency", T::KplLatency, String::new(), latency, false)}
            }
        })
    };
    let meter = move |records: bool| {
        move || {
            side().map(|(s, shards)| {
                let (value, limit) = if records {
                    (per_second(s.recent.kinesis_records_put, s.secs), (WRITE_RECORDS_PER_SECOND * shards as u64) as f64)
                } else {
                    (per_second(s.recent.bytes_put, s.secs), (WRITE_BYTES_PER_SECOND * shards as u64) as f64)
                };
                let share = (value / limit).min(1.0);
                let full = share >= 0.99;
                let l = lang();
                let text = if records {
                    format!("{} / {} {}", i18n::int(l, value.round() as u64), i18n::int(l, limit as u64), ctx.t(T::KplLimit))
                } else {
                    format!("{} / {} KiB/s", i18n::int(l, (value / 1024.0).round() as u64), i18n::int(l, limit as u64 / 1024))
                };
                view! {
                    <div class="meter" class:throttle=full>
                        <span class="meter-label">{ctx.t(if records { T::KplRecordsMeter } else { T::KplBytesMeter })}": "{text}</span>
                        <div class="meter-bar" role="meter" aria-valuemin="0" aria-valuemax=limit.to_string() aria-valuenow=format!("{value:.0}")
                            aria-label=ctx.t(if records { T::KplRecordsMeter } else { T::KplBytesMeter })>
                            <span class:over=full style=format!("width: {:.1}%", share * 100.0)></span>
                        </div>
                    </div>
                }
            })
        }
    };
    view! {
        <div class="fanout-side" class:push=aggregated class:poll=!aggregated id=id>
            <h3>{move || ctx.t(if aggregated { T::KplWith } else { T::KplWithout })}</h3>
            <div class="meters">{meter(true)}{meter(false)}</div>
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || ctx.t(if aggregated { T::KplWith } else { T::KplWithout })>
                <table class="kpl-table">
                    <thead><tr>
                        <th scope="col">{move || ctx.t(T::KplMetric)}</th>
                        <th scope="col">{move || ctx.t(T::KplPerSecond)}</th>
                        <th scope="col">{move || ctx.t(T::KplTotal)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <RateChart views=views aggregated=aggregated />
        </div>
    }
}

/// User records stored, Kinesis records accepted and throttled, per second.
#[component]
fn RateChart(views: RwSignal<Option<Views>>, aggregated: bool) -> impl IntoView {
    let ctx = use_ctx();
    let canvas = NodeRef::<Canvas>::new();
    let pending = StoredValue::new(false);
    let label = RwSignal::new(String::new());
    let schedule = move || {
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        request_animation_frame(move || {
            let _ = pending.try_set_value(false);
            let (Some(Some(v)), Some(lang)) =
                (views.try_get_untracked(), ctx.lang.try_get_untracked())
            else {
                return;
            };
            let side = if aggregated { &v.agg } else { &v.plain };
            let limit = WRITE_RECORDS_PER_SECOND * v.shards as u64;
            label.set(chart_label(lang, side, limit));
            if let Some(el) = canvas.get_untracked() {
                let _ = draw(&el, &side.bins, limit, lang);
            }
        });
    };
    Effect::new(move |_| {
        views.track();
        ctx.lang.track();
        schedule();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());
    let id = if aggregated {
        "kpl-agg-chart"
    } else {
        "kpl-plain-chart"
    };
    view! {
        <figure class="chart kpl-chart">
            <figcaption>{move || ctx.t(T::KplChart)}</figcaption>
            <ul class="plain chart-legend" aria-hidden="true">
                <li><span class="swatch" style="background: rgb(0,158,115)"></span>{move || ctx.t(T::KplChartUser)}</li>
                <li><span class="swatch" style="background: rgb(0,114,178)"></span>{move || ctx.t(T::KplChartKinesis)}</li>
                <li><span class="swatch" style="background: rgb(213,94,0)"></span>{move || ctx.t(T::KplChartThrottled)}</li>
                <li><span class="swatch limit"></span>{move || ctx.t(T::KplLimit)}</li>
            </ul>
            <canvas id=id node_ref=canvas role="img" aria-label=move || label.get()></canvas>
        </figure>
    }
}

fn chart_label(lang: Lang, side: &SideView, limit: u64) -> String {
    let last = side.bins.iter().rev().nth(1).or(side.bins.last());
    let (u, k, t) = last.map_or((0, 0, 0), |b| {
        (
            b.user_records_put,
            b.kinesis_records_put,
            b.kinesis_records_throttled,
        )
    });
    format!(
        "{}. {}: {}; {}: {}; {}: {}; {}: {}",
        T::KplChart.get(lang),
        T::KplChartUser.get(lang),
        i18n::int(lang, u),
        T::KplChartKinesis.get(lang),
        i18n::int(lang, k),
        T::KplChartThrottled.get(lang),
        i18n::int(lang, t),
        T::KplLimit.get(lang),
        i18n::int(lang, limit)
    )
}

fn draw(el: &web_sys::HtmlCanvasElement, bins: &[KplBin], limit: u64, lang: Lang) -> Option<()> {
    let dpr = browser::device_pixel_ratio();
    let (w, h) = (
        el.client_width().max(200) as f64,
        el.client_height().max(140) as f64,
    );
    el.set_width((w * dpr) as u32);
    el.set_height((h * dpr) as u32);
    let px = |v: f64| (v * dpr) as i32;
    let em = browser::font_px(el) / 16.0;
    let font = |size: f64| ("sans-serif", size * em * dpr).into_font();
    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    // Whole seconds only: the one under way would dip.
    let whole = &bins[..bins.len().saturating_sub(1)];
    let x0 = whole.first().map_or(0, |b| b.start_ms / 1000) as f64;
    let x1 = (x0 + 60.0).max(whole.last().map_or(0, |b| b.start_ms / 1000 + 1) as f64);
    let top = whole
        .iter()
        .map(|b| {
            b.user_records_put
                .max(b.kinesis_records_put)
                .max(b.kinesis_records_throttled)
        })
        .max()
        .unwrap_or(0)
        .max(limit) as f64
        * 1.15;
    let mut c = ChartBuilder::on(&root)
        .margin(px(8.0))
        .x_label_area_size(px(24.0 * em))
        .y_label_area_size(px(52.0 * em))
        .build_cartesian_2d(x0..x1, 0f64..top)
        .ok()?;
    let unit = match lang {
        Lang::En => "s",
        Lang::Vi => "giây",
    };
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(7)
        .x_label_formatter(&|x| format!("{x:.0} {unit}"))
        .y_labels(5)
        .y_label_formatter(&|y| i18n::int(lang, *y as u64))
        .label_style(font(11.0))
        .bold_line_style(RGBColor(0xE4, 0xE7, 0xEB))
        .light_line_style(TRANSPARENT)
        .draw()
        .ok()?;
    let series = |f: fn(&KplBin) -> u64| {
        whole
            .iter()
            .map(move |b| (b.start_ms as f64 / 1000.0 + 0.5, f(b) as f64))
    };
    c.draw_series(DashedLineSeries::new(
        [(x0, limit as f64), (x1, limit as f64)],
        px(6.0),
        px(4.0),
        THROTTLED.stroke_width(px(1.5) as u32),
    ))
    .ok()?;
    c.draw_series(LineSeries::new(
        series(|b| b.kinesis_records_throttled),
        THROTTLED.stroke_width(px(2.0) as u32),
    ))
    .ok()?;
    c.draw_series(LineSeries::new(
        series(|b| b.kinesis_records_put),
        KINESIS.stroke_width(px(2.5) as u32),
    ))
    .ok()?;
    c.draw_series(LineSeries::new(
        series(|b| b.user_records_put),
        USER.stroke_width(px(2.5) as u32),
    ))
    .ok()?;
    root.present().ok()
}

/// The newest aggregated record, taken apart; a button flips one bit to
/// show the MD5 check refusing it.
#[component]
fn Decoded(record: RwSignal<Option<Vec<u8>>>, corrupt: RwSignal<bool>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    // Decoded only when the record or the corruption changes.
    let decoded = Memo::new(move |_| {
        record.with(|r| {
            r.as_ref().map(|bytes| {
                let mut b = bytes.clone();
                if corrupt.get() && b.len() > 8 {
                    b[6] ^= 0x01;
                }
                let result = inspect(&b);
                (b, result)
            })
        })
    });
    let body = move || {
        let Some((bytes, result)) = decoded.get() else {
            return view! { <p class="help" id="kpl-no-record">{ctx.t(T::KplNoRecordYet)}</p> }
                .into_any();
        };
        match result {
            Ok(a) => anatomy_view(lang(), &bytes, &a).into_any(),
            Err(e) => refused_view(lang(), &e).into_any(),
        }
    };
    view! {
        <div class="kpl-decoded" id="kpl-decoded">
            <h3>{move || ctx.t(T::KplDecodedTitle)}</h3>
            <p class="help">{move || ctx.t(T::KplDecodedHelp)}</p>
            <button id="kpl-corrupt" class="button small" disabled=move || record.with(|r| r.is_none())
                aria-pressed=move || corrupt.get().to_string()
                on:click=move |_| corrupt.update(|c| *c = !*c)>
                {move || ctx.t(if corrupt.get() { T::KplRestore } else { T::KplCorrupt })}
            </button>
            {body}
        </div>
    }
}

fn refused_view(lang: Lang, e: &DeaggregationError) -> impl IntoView {
    view! {
        <p class="error kpl-refused" id="kpl-refused" role="status">
            <strong>{T::KplRefused.get(lang)}</strong>" "{i18n::deaggregation_error(lang, e)}
        </p>
    }
}

fn anatomy_view(lang: Lang, bytes: &[u8], a: &Anatomy) -> impl IntoView {
    let len = bytes.len();
    let users = a.user_records();
    let ehk = users
        .first()
        .and_then(|u| u.hash_key().ok())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let first = hex_spaced(&bytes[MAGIC.len()..(MAGIC.len() + 24).min(len)]);
    let shown = |n: usize| {
        T::KplShown
            .get(lang)
            .replace("{n}", &n.min(SHOWN).to_string())
    };
    let keys: Vec<_> = a.partition_key_table.iter().take(SHOWN).cloned().collect();
    let rows: Vec<_> = a
        .records
        .iter()
        .take(SHOWN)
        .enumerate()
        .map(|(i, r)| {
            let key = a.partition_key_table[r.partition_key_index as usize].clone();
            let preview: String = String::from_utf8_lossy(&r.data).chars().take(16).collect();
            view! {
                <tr>
                    <td>{i}</td>
                    <td class="mono">{r.partition_key_index}</td>
                    <td class="mono">{key}</td>
                    <td class="mono">{format!("{preview}… ({} B)", r.data.len())}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <div id="kpl-anatomy" data-b64=STANDARD.encode(bytes)>
            <p class="mono kpl-record-keys">
                "PartitionKey = \"a\", ExplicitHashKey = " {ehk}
            </p>
            <div class="kpl-layout" role="img" aria-label=format!("{}: {} 4 B, {} {} B, MD5 16 B", T::KplLayout.get(lang), T::KplMagic.get(lang), T::KplMessage.get(lang), a.message_len)>
                <span class="part magic">{T::KplMagic.get(lang)}<br/>"4 B"</span>
                <span class="part message">{T::KplMessage.get(lang)}<br/>{format!("{} B", i18n::int(lang, a.message_len as u64))}</span>
                <span class="part md5">"MD5"<br/>"16 B"</span>
            </div>
            <dl class="kpl-fields">
                <dt>{T::KplMagic.get(lang)}</dt>
                <dd class="mono" id="kpl-magic">{hex_spaced(&MAGIC)}</dd>
                <dt>{T::KplFirstBytes.get(lang)}</dt>
                <dd><span class="mono">{first}" …"</span><br/><small>{T::KplFirstBytesNote.get(lang)}</small></dd>
                <dt>{T::KplMd5.get(lang)}</dt>
                <dd><span class="mono" id="kpl-md5">{to_hex(&a.md5)}</span>" ✓ "{T::KplMd5Ok.get(lang)}</dd>
                <dt>{T::KplPkTable.get(lang)}</dt>
                <dd>
                    <span id="kpl-pk-count">{i18n::int(lang, a.partition_key_table.len() as u64)}</span>" "{T::KplEntries.get(lang)}
                    " ("{shown(a.partition_key_table.len())}"): "
                    <span class="mono">{keys.join(", ")}</span>
                </dd>
                <dt>{T::KplEhkTable.get(lang)}</dt>
                <dd>{i18n::int(lang, a.explicit_hash_key_table.len() as u64)}" "{T::KplEntries.get(lang)}</dd>
                <dt>{T::KplRecordsField.get(lang)}</dt>
                <dd>
                    <span id="kpl-record-count">{i18n::int(lang, a.records.len() as u64)}</span>" "{T::KplEntries.get(lang)}
                    " ("{shown(a.records.len())}", "{format!("{} B", i18n::int(lang, len as u64))}")"
                </dd>
            </dl>
            <div class="table-wrap short" tabindex="0" role="region" aria-label=T::KplRecordsField.get(lang)>
                <table id="kpl-records">
                    <thead><tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{T::KplKeyIndex.get(lang)}</th>
                        <th scope="col">{T::KplKey.get(lang)}</th>
                        <th scope="col">{T::KplData.get(lang)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
}
