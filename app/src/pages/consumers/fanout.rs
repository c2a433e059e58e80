//! Shared polling against enhanced fan-out: N applications read the same
//! records, once by GetRecords and once by SubscribeToShard, in the same
//! simulated time (core `consumer::fanout`). Per-application throughput,
//! throttling and latency percentiles come from the engine; the latency
//! distribution is drawn with plotters.

use crate::browser;
use crate::clock::use_sim_clock;
use crate::i18n::{self, Lang, T};
use crate::shell::use_ctx;
use kinesis_lab_core::consumer::fanout::{
    FanOut, FanOutConfig, Reader, Side, LATENCY_BOUNDS, MAX_CONSUMERS, MAX_SHARDS,
};
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::producer::{MAX_RATE, MAX_RECORD_BYTES};
use kinesis_lab_core::stream::engine::PUSH_PROPAGATION_MS;
use kinesis_lab_core::stream::limits::{
    EFO_BYTES_PER_SECOND_PER_CONSUMER, GET_RECORDS_PER_SECOND, READ_BYTES_PER_SECOND,
};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

const SPEEDS: [(u32, &str); 4] = [(1000, "1×"), (5000, "5×"), (20_000, "20×"), (60_000, "60×")];
const POLL: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const PUSH: RGBColor = RGBColor(0x00, 0x72, 0xB2);

/// A reading side's numbers for the table and the summary.
#[derive(Clone, PartialEq)]
struct SideView {
    readers: Vec<Reader>,
    written: u64,
}

fn side_view(s: &Side) -> SideView {
    SideView {
        readers: s.readers(),
        written: s.records_written(),
    }
}

fn mib_per_s(bytes: u64, elapsed_ms: u64) -> f64 {
    if elapsed_ms == 0 {
        0.0
    } else {
        bytes as f64 / 1_048_576.0 / (elapsed_ms as f64 / 1000.0)
    }
}

fn ms_text(v: Option<u64>) -> String {
    v.map(|v| format!("{v} ms")).unwrap_or_else(|| "–".into())
}

#[component]
pub fn FanOutSection() -> impl IntoView {
    let ctx = use_ctx();
    let consumers = RwSignal::new("5".to_owned());
    let shards = RwSignal::new("1".to_owned());
    let rate = RwSignal::new("500".to_owned());
    let bytes = RwSignal::new("1000".to_owned());
    let errors = RwSignal::new(Vec::<ValidationError>::new());
    let clock = use_sim_clock(5000);
    let sim = StoredValue::new(None::<FanOut>);
    let views = RwSignal::new(None::<(SideView, SideView, u64, FanOutConfig)>);

    let refresh = move || {
        let v = sim.with_value(|f| {
            f.as_ref().map(|f| {
                (
                    side_view(&f.polling),
                    side_view(&f.enhanced),
                    f.elapsed_ms(),
                    f.config.clone(),
                )
            })
        });
        views.set(v);
    };
    let build = move || {
        let parsed = [
            parse_count(Field::ConsumerCount, &consumers.get_untracked(), MAX_CONSUMERS),
            parse_count(Field::ShardCount, &shards.get_untracked(), MAX_SHARDS),
            parse_count(Field::RecordRate, &rate.get_untracked(), MAX_RATE),
            parse_count(Field::RecordBytes, &bytes.get_untracked(), MAX_RECORD_BYTES),
        ];
        let errs: Vec<ValidationError> = parsed.iter().filter_map(|r| r.clone().err()).collect();
        if !errs.is_empty() {
            errors.set(errs);
            return false;
        }
        let [c, s, r, b] = parsed.map(|p| p.unwrap_or(1));
        let config = FanOutConfig {
            consumers: c,
            shards: s,
            records_per_second: r,
            record_bytes: b,
            seed: 1,
        };
        clock.reset();
        match FanOut::new(config, 0) {
            Ok(f) => {
                sim.set_value(Some(f));
                errors.set(Vec::new());
                refresh();
                true
            }
            Err(e) => {
                errors.set(vec![e]);
                false
            }
        }
    };
    build();
    Effect::new(move |_| {
        let t = clock.now_ms.get();
        sim.update_value(|f| {
            if let Some(f) = f {
                f.run_until(t);
            }
        });
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
        let err2 = error_for(f);
        view! {
            <label class="field">
                <span>{move || i18n::field_label(ctx.lang.get(), f)}</span>
                <input id=id class="num" type="text" inputmode="numeric"
                    aria-invalid=move || err2().is_some().to_string()
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { build(); } />
                <span class="error" role="alert">{err}</span>
            </label>
        }
    };

    let lang = move || ctx.lang.get();

    let summary = move |efo: bool| {
        move || {
            views.with(|v| {
                v.as_ref().map(|(poll, push, elapsed, cfg)| {
                    let side = if efo { push } else { poll };
                    let total: u64 = side.readers.iter().map(|r| r.bytes).sum();
                    let per_shard = if efo {
                        EFO_BYTES_PER_SECOND_PER_CONSUMER * cfg.consumers as u64
                    } else {
                        READ_BYTES_PER_SECOND
                    };
                    let limit = per_shard * cfg.shards as u64;
                    let t = if efo { T::FanOutPushSummary } else { T::FanOutPollSummary };
                    ctx.t(t)
                        .replace("{read}", &format!("{:.2}", mib_per_s(total, *elapsed)))
                        .replace("{limit}", &format!("{:.0}", limit as f64 / 1_048_576.0))
                        .replace("{calls}", &i18n::int(lang(), cfg.consumers as u64))
                        .replace("{max_calls}", &GET_RECORDS_PER_SECOND.to_string())
                        .replace("{written}", &i18n::int(lang(), side.written))
                })
            })
        }
    };

    let rows = move |efo: bool| {
        move || {
            views.with(|v| {
                v.as_ref().map(|(poll, push, elapsed, _)| {
                    let side = if efo { push } else { poll };
                    side.readers
                        .iter()
                        .map(|r| {
                            view! {
                                <tr data-reader=r.name.clone()>
                                    <th scope="row" class="mono">{r.name.clone()}</th>
                                    <td class="c-records">{i18n::int(lang(), r.records)}</td>
                                    <td class="c-mibs">{format!("{:.2}", mib_per_s(r.bytes, *elapsed))}</td>
                                    <td class="c-throttled" class:bad={r.throttled > 0}>{i18n::int(lang(), r.throttled)}</td>
                                    <td class="c-p50">{ms_text(r.p50_ms)}</td>
                                    <td class="c-p95">{ms_text(r.p95_ms)}</td>
                                    <td class="c-p99">{ms_text(r.p99_ms)}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                })
            })
        }
    };
    let head = move || {
        view! {
            <thead><tr>
                <th scope="col">{move || ctx.t(T::FanOutApp)}</th>
                <th scope="col">{move || ctx.t(T::RecordsCol)}</th>
                <th scope="col">"MiB/s"</th>
                <th scope="col">{move || ctx.t(T::ThrottledReads)}</th>
                <th scope="col">"p50"</th>
                <th scope="col">"p95"</th>
                <th scope="col">"p99"</th>
            </tr></thead>
        }
    };

    view! {
        <section class="panel fanout" id="fanout" aria-labelledby="fanout-title">
            <h2 id="fanout-title">{move || ctx.t(T::FanOutTitle)}</h2>
            <p class="help">{move || ctx.t(T::FanOutHelp).replace("{ms}", &PUSH_PROPAGATION_MS.to_string())}</p>
            <div class="producer-form">
                {field("fanout-consumers", Field::ConsumerCount, consumers)}
                {field("fanout-shards", Field::ShardCount, shards)}
                {field("fanout-rate", Field::RecordRate, rate)}
                {field("fanout-bytes", Field::RecordBytes, bytes)}
                <button id="fanout-apply" class="button primary" on:click=move |_| { build(); }>{move || ctx.t(T::FanOutApply)}</button>
            </div>
            <div class="time-bar">
                <span class="sim-time"><span class="label">{move || ctx.t(T::SimTime)} ": "</span>
                    <strong id="fanout-time" class="mono">{move || format!("{:.1} s", clock.now_ms.get() as f64 / 1000.0)}</strong></span>
                <button id="fanout-play" class="button primary" on:click=move |_| clock.running.update(|r| *r = !*r)>
                    {move || if clock.running.get() { ctx.t(T::Pause) } else { ctx.t(T::Play) }}
                </button>
                <label class="inline">
                    <span>{move || ctx.t(T::Speed)}</span>
                    <select id="fanout-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                        {SPEEDS.map(|(v, label)| view! { <option value=v selected=v == 5000>{label}</option> }).to_vec()}
                    </select>
                </label>
                <button id="fanout-step" class="button" on:click=move |_| { clock.running.set(false); clock.now_ms.update(|t| *t += 10_000); }>{move || ctx.t(T::FanOutStep)}</button>
            </div>
            <div class="fanout-sides">
                <div class="fanout-side poll">
                    <h3>{move || ctx.t(T::FanOutPolling)}</h3>
                    <p class="help" id="fanout-poll-summary">{summary(false)}</p>
                    <div class="table-wrap" tabindex="0">
                        <table id="fanout-poll">{head()}<tbody>{rows(false)}</tbody></table>
                    </div>
                </div>
                <div class="fanout-side push">
                    <h3>{move || ctx.t(T::FanOutPush)}</h3>
                    <p class="help" id="fanout-push-summary">{summary(true)}</p>
                    <div class="table-wrap" tabindex="0">
                        <table id="fanout-push">{head()}<tbody>{rows(true)}</tbody></table>
                    </div>
                </div>
            </div>
            <LatencyChart views=views />
        </section>
    }
}

/// Share of deliveries per latency bucket, polling against push.
#[component]
fn LatencyChart(views: RwSignal<Option<(SideView, SideView, u64, FanOutConfig)>>) -> impl IntoView {
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
            let (Some(Some((poll, push, _, _))), Some(lang)) =
                (views.try_get_untracked(), ctx.lang.try_get_untracked())
            else {
                return;
            };
            let shares = |s: &SideView| -> Vec<f64> {
                let mut sum = vec![0u64; LATENCY_BOUNDS.len() + 1];
                for r in &s.readers {
                    for (i, n) in r.histogram.iter().enumerate() {
                        sum[i] += n;
                    }
                }
                let total: u64 = sum.iter().sum();
                sum.iter()
                    .map(|n| if total == 0 { 0.0 } else { *n as f64 * 100.0 / total as f64 })
                    .collect()
            };
            let (a, b) = (shares(&poll), shares(&push));
            label.set(chart_label(lang, &a, &b));
            if let Some(el) = canvas.get_untracked() {
                let _ = draw(&el, &a, &b, lang);
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
    view! {
        <figure class="chart fanout-chart">
            <figcaption>{move || ctx.t(T::FanOutLatencyChart)}</figcaption>
            <ul class="plain chart-legend" aria-hidden="true">
                <li><span class="swatch" style="background: rgb(213,94,0)"></span>{move || ctx.t(T::FanOutPolling)}</li>
                <li><span class="swatch" style="background: rgb(0,114,178)"></span>{move || ctx.t(T::FanOutPush)}</li>
            </ul>
            <canvas id="fanout-latency" node_ref=canvas role="img" aria-label=move || label.get()></canvas>
        </figure>
    }
}

fn bucket_names() -> Vec<String> {
    let mut names = Vec::new();
    let mut lo = 0;
    for b in LATENCY_BOUNDS {
        names.push(format!("{lo}–{b}"));
        lo = b;
    }
    names.push(format!("≥{lo}"));
    names
}

fn chart_label(lang: Lang, poll: &[f64], push: &[f64]) -> String {
    let names = bucket_names();
    let parts: Vec<String> = names
        .iter()
        .zip(poll.iter().zip(push))
        .filter(|(_, (a, b))| **a > 0.0 || **b > 0.0)
        .map(|(n, (a, b))| format!("{n} ms: {a:.0}% / {b:.0}%"))
        .collect();
    format!("{} ({}): {}", T::FanOutLatencyChart.get(lang), T::FanOutPollPush.get(lang), parts.join("; "))
}

fn draw(el: &web_sys::HtmlCanvasElement, poll: &[f64], push: &[f64], lang: Lang) -> Option<()> {
    let dpr = browser::device_pixel_ratio();
    let (w, h) = (el.client_width().max(200) as f64, el.client_height().max(140) as f64);
    el.set_width((w * dpr) as u32);
    el.set_height((h * dpr) as u32);
    let px = |v: f64| (v * dpr) as i32;
    let em = browser::font_px(el) / 16.0;
    let font = |size: f64| ("sans-serif", size * em * dpr).into_font();
    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    let names = bucket_names();
    let n = names.len();
    let mut c = ChartBuilder::on(&root)
        .margin(px(8.0))
        .x_label_area_size(px(28.0 * em))
        .y_label_area_size(px(48.0 * em))
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..100f64)
        .ok()?;
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                format!("{} ms", names[i as usize])
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{y:.0}%"))
        .y_labels(5)
        .label_style(font(11.0))
        .bold_line_style(RGBColor(0xE4, 0xE7, 0xEB))
        .light_line_style(TRANSPARENT)
        .draw()
        .ok()?;
    let _ = lang;
    c.draw_series(poll.iter().enumerate().map(|(i, v)| {
        Rectangle::new([(i as f64 - 0.38, 0.0), (i as f64 - 0.02, *v)], POLL.filled())
    }))
    .ok()?;
    c.draw_series(push.iter().enumerate().map(|(i, v)| {
        Rectangle::new([(i as f64 + 0.02, 0.0), (i as f64 + 0.38, *v)], PUSH.filled())
    }))
    .ok()?;
    root.present().ok()
}
