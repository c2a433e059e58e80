//! Live per-shard charts of each stream, drawn with plotters on canvases
//! from the core's [`Metrics`] (CloudWatch-style bins over the last 60
//! simulated seconds) and the running cost. Drawing happens at most once per
//! animation frame; each canvas carries a text summary for screen readers.

use super::Lab;
use crate::browser;
use crate::i18n::{self, Lang, T};
use crate::shell::use_ctx;
use kinesis_lab_core::stream::metrics::{Metric, Metrics, BIN_MS};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Okabe–Ito colours, distinguishable with the common colour-vision
/// deficiencies; shards beyond eight reuse them.
const SHARD_COLOURS: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x88, 0x88, 0x88),
];
const LIMIT: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GRID: RGBColor = RGBColor(0xE4, 0xE7, 0xEB);

/// Retention periods offered for each stream (hours): the default, a few
/// common ones, and the maximum.
const RETENTION_CHOICES: [u32; 5] = [24, 48, 168, 720, 8760];

fn retention_text(lang: Lang, hours: u32) -> String {
    match (hours % 24, lang) {
        (0, Lang::En) => format!("{} d ({hours} h)", hours / 24),
        (0, Lang::Vi) => format!("{} ngày ({hours} giờ)", hours / 24),
        (_, Lang::En) => format!("{hours} h"),
        (_, Lang::Vi) => format!("{hours} giờ"),
    }
}

/// What one chart shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Shard(Metric),
    Cost,
}

impl Chart {
    pub const ALL: [Chart; 7] = [
        Chart::Shard(Metric::IncomingBytes),
        Chart::Shard(Metric::IncomingRecords),
        Chart::Shard(Metric::WriteProvisionedThroughputExceeded),
        Chart::Shard(Metric::GetRecordsCalls),
        Chart::Shard(Metric::ReadProvisionedThroughputExceeded),
        Chart::Shard(Metric::MillisBehindLatest),
        Chart::Cost,
    ];

    fn slug(self) -> &'static str {
        match self {
            Chart::Shard(Metric::IncomingBytes) => "write-bytes",
            Chart::Shard(Metric::IncomingRecords) => "write-records",
            Chart::Shard(Metric::WriteProvisionedThroughputExceeded) => "write-throttled",
            Chart::Shard(Metric::GetRecordsCalls) => "read-calls",
            Chart::Shard(Metric::ReadProvisionedThroughputExceeded) => "read-throttled",
            Chart::Shard(Metric::MillisBehindLatest) => "iterator-age",
            Chart::Cost => "cost",
        }
    }

    fn title(self) -> T {
        match self {
            Chart::Shard(Metric::IncomingBytes) => T::ChartWriteBytes,
            Chart::Shard(Metric::IncomingRecords) => T::ChartWriteRecords,
            Chart::Shard(Metric::WriteProvisionedThroughputExceeded) => T::ChartWriteThrottled,
            Chart::Shard(Metric::GetRecordsCalls) => T::ChartReadCalls,
            Chart::Shard(Metric::ReadProvisionedThroughputExceeded) => T::ChartReadThrottled,
            Chart::Shard(Metric::MillisBehindLatest) => T::ChartIteratorAge,
            Chart::Cost => T::ChartCost,
        }
    }

    /// Converts a metric's raw value to the unit the chart shows.
    fn scale(self, v: u64) -> f64 {
        match self {
            Chart::Shard(Metric::IncomingBytes) => v as f64 / 1_048_576.0,
            Chart::Shard(Metric::MillisBehindLatest) => v as f64 / 1000.0,
            _ => v as f64,
        }
    }

    fn format(self, lang: Lang, v: f64) -> String {
        match self {
            Chart::Shard(Metric::IncomingBytes) => format!("{v:.2}"),
            Chart::Shard(Metric::MillisBehindLatest) => format!("{v:.1}"),
            Chart::Cost => format!("${v:.6}"),
            _ => i18n::int(lang, v.round() as u64),
        }
    }
}

/// One line per shard (or one line of cost), x in the chart's own unit.
struct Lines {
    lines: Vec<(String, Vec<(f64, Option<f64>)>)>,
    limit: Option<f64>,
    x_range: (f64, f64),
    /// The lines are the busiest, mean and quietest shard (their names are
    /// labels), not one per shard.
    aggregated: bool,
    /// Shards with a series.
    shards: usize,
}

/// Many shards' lines folded into three: per point, the highest, the mean
/// and the lowest value among the shards that have one.
fn aggregate(lang: Lang, lines: Vec<(String, Vec<(f64, Option<f64>)>)>) -> Vec<(String, Vec<(f64, Option<f64>)>)> {
    let Some((_, first)) = lines.first() else {
        return lines;
    };
    let xs: Vec<f64> = first.iter().map(|p| p.0).collect();
    let mut max = Vec::with_capacity(xs.len());
    let mut mean = Vec::with_capacity(xs.len());
    let mut min = Vec::with_capacity(xs.len());
    for (i, x) in xs.iter().enumerate() {
        let vals = lines.iter().filter_map(|(_, pts)| pts.get(i).and_then(|p| p.1));
        let (mut hi, mut lo, mut sum, mut n) = (f64::MIN, f64::MAX, 0.0, 0usize);
        for v in vals {
            hi = hi.max(v);
            lo = lo.min(v);
            sum += v;
            n += 1;
        }
        let some = |v: f64| (n > 0).then_some(v);
        max.push((*x, some(hi)));
        mean.push((*x, some(sum / n.max(1) as f64)));
        min.push((*x, some(lo)));
    }
    vec![
        (T::ChartBusiest.get(lang).to_owned(), max),
        (T::ChartMean.get(lang).to_owned(), mean),
        (T::ChartQuietest.get(lang).to_owned(), min),
    ]
}

fn lines(m: &Metrics, stream: &str, chart: Chart, now: u64, lang: Lang) -> Lines {
    match chart {
        Chart::Shard(metric) => {
            // The bin in progress is incomplete: end at the last full one.
            let end = now.saturating_sub(BIN_MS);
            let last = end - end % BIN_MS;
            let lines: Vec<(String, Vec<(f64, Option<f64>)>)> = m
                .series(stream, metric, end)
                .into_iter()
                .map(|(shard, points)| {
                    let pts = points
                        .into_iter()
                        .map(|(t, v)| {
                            let x = (t as f64 - last as f64) / 1000.0;
                            (x, v.map(|v| chart.scale(v)))
                        })
                        .collect();
                    (format!("{shard}"), pts)
                })
                .collect();
            let shards = lines.len();
            let aggregated = shards > super::view::LANE_LIMIT;
            Lines {
                shards,
                lines: if aggregated { aggregate(lang, lines) } else { lines },
                limit: metric.shard_limit().map(|l| chart.scale(l)),
                x_range: (-59.0, 0.0),
                aggregated,
            }
        }
        Chart::Cost => {
            let cost = m.cost(stream);
            let first = cost.first().map(|c| c.0).unwrap_or(now);
            let pts: Vec<(f64, Option<f64>)> = cost
                .iter()
                .map(|(t, d)| ((t - first) as f64 / 3_600_000.0, Some(*d)))
                .collect();
            let span = pts.last().map(|p| p.0).unwrap_or(0.0).max(1.0 / 60.0);
            Lines {
                lines: vec![("$".to_owned(), pts)],
                limit: None,
                x_range: (0.0, span),
                aggregated: false,
                shards: 0,
            }
        }
    }
}

/// A one-sentence summary of the latest values, for the canvas's label.
fn summary(lang: Lang, chart: Chart, l: &Lines) -> String {
    let title = chart.title().get(lang);
    let latest: Vec<String> = l
        .lines
        .iter()
        .take(16)
        .filter_map(|(name, pts)| {
            let v = pts.iter().rev().find_map(|p| p.1)?;
            Some(match chart {
                Chart::Cost => chart.format(lang, v),
                _ if l.aggregated => format!("{name}: {}", chart.format(lang, v)),
                _ => format!("{} {name}: {}", T::ShardWord.get(lang), chart.format(lang, v)),
            })
        })
        .collect();
    if latest.is_empty() {
        format!("{title}: {}", T::ChartNoData.get(lang))
    } else {
        format!("{title}: {}", latest.join("; "))
    }
}

/// Draws one chart. `em` is the charts' font size over 16 px, read once per
/// frame by the caller (reading computed style per canvas forced a style
/// recalculation each time).
fn draw(el: &web_sys::HtmlCanvasElement, chart: Chart, l: &Lines, lang: Lang, em: f64) -> Option<()> {
    let dpr = browser::device_pixel_ratio();
    let (w, h) = (
        el.client_width().max(160) as f64,
        el.client_height().max(120) as f64,
    );
    // Resizing a canvas invalidates the page's layout (the next chart's size
    // read then lays out the page again): only when the size changed. The
    // fill below clears the old frame either way.
    let (cw, ch) = ((w * dpr) as u32, (h * dpr) as u32);
    if el.width() != cw {
        el.set_width(cw);
    }
    if el.height() != ch {
        el.set_height(ch);
    }
    let px = |v: f64| (v * dpr) as i32;
    let font = |size: f64| ("sans-serif", size * em * dpr).into_font();

    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    let max_v = l
        .lines
        .iter()
        .flat_map(|(_, p)| p.iter().filter_map(|p| p.1))
        .fold(0.0, f64::max)
        .max(l.limit.unwrap_or(0.0));
    let counts = !matches!(
        chart,
        Chart::Cost | Chart::Shard(Metric::IncomingBytes) | Chart::Shard(Metric::MillisBehindLatest)
    );
    let y_max = match (counts, max_v > 0.0) {
        // Whole numbers: leave room for at least 0..4 so ticks stay integers.
        (true, _) => (max_v * 1.15).ceil().max(4.0),
        (false, true) => max_v * 1.15,
        (false, false) => 1.0,
    };
    let (x0, x1) = l.x_range;
    let mut c = ChartBuilder::on(&root)
        .margin(px(8.0))
        .x_label_area_size(px(26.0 * em))
        .y_label_area_size(px(54.0 * em))
        .build_cartesian_2d(x0..x1, 0f64..y_max)
        .ok()?;
    // Short spans read better in minutes; costs need enough decimals to
    // tell the ticks apart.
    let minutes = x1 - x0 < 2.0;
    let x_fmt = |x: &f64| match (chart, minutes) {
        (Chart::Cost, true) => match lang {
            Lang::En => format!("{:.0} min", x * 60.0),
            Lang::Vi => format!("{:.0} phút", x * 60.0),
        },
        (Chart::Cost, false) => match lang {
            Lang::En => format!("{x:.1} h"),
            Lang::Vi => format!("{x:.1} giờ"),
        },
        _ => format!("{:.0} s", x),
    };
    let cost_decimals = (2.0 - y_max.log10().floor()).clamp(2.0, 8.0) as usize;
    let y_fmt = |y: &f64| match chart {
        Chart::Cost => format!("${y:.cost_decimals$}"),
        _ => chart.format(lang, *y),
    };
    c.configure_mesh()
        .x_labels(5)
        .y_labels(if counts { (y_max as usize).min(4) + 1 } else { 4 })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font(12.0))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()
        .ok()?;
    if let Some(limit) = l.limit {
        c.draw_series(DashedLineSeries::new(
            vec![(x0, limit), (x1, limit)],
            px(6.0) as u32,
            px(4.0) as u32,
            LIMIT.stroke_width(px(2.0) as u32),
        ))
        .ok()?;
    }
    for (i, (_, pts)) in l.lines.iter().enumerate() {
        let colour = SHARD_COLOURS[i % SHARD_COLOURS.len()];
        // A gap (no value) breaks the line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for p in pts {
            match p.1 {
                Some(v) => run.push((p.0, v)),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        runs.push(run);
        for r in runs.into_iter().filter(|r| !r.is_empty()) {
            if r.len() == 1 {
                c.draw_series(std::iter::once(Circle::new(r[0], px(2.5), colour.filled())))
                    .ok()?;
            } else {
                c.draw_series(LineSeries::new(r, colour.stroke_width(px(2.0) as u32)))
                    .ok()?;
            }
        }
    }
    root.present().ok()
}

/// The charts of one stream.
#[component]
pub fn StreamCharts(lab: Lab, log: super::console::ConsoleLog, stream: String) -> impl IntoView {
    let ctx = use_ctx();
    let canvases: Vec<(Chart, NodeRef<Canvas>)> =
        Chart::ALL.iter().map(|c| (*c, NodeRef::new())).collect();
    let labels: Vec<RwSignal<String>> = Chart::ALL.iter().map(|_| RwSignal::new(String::new())).collect();
    let shard_names = RwSignal::new(Vec::<String>::new());
    // Some(shards) when the charts draw aggregates rather than one line per shard.
    let aggregated_shards = RwSignal::new(None::<usize>);
    let frame_pending = StoredValue::new(false);
    let schedule = {
        let canvases = canvases.clone();
        let labels = labels.clone();
        let stream = stream.clone();
        move || {
            if frame_pending.get_value() {
                return;
            }
            frame_pending.set_value(true);
            let canvases = canvases.clone();
            let labels = labels.clone();
            let stream = stream.clone();
            request_animation_frame(move || {
                let _ = frame_pending.try_set_value(false);
                let (Some(now), Some(lang)) = (lab.now.try_get_untracked(), ctx.lang.try_get_untracked()) else {
                    return;
                };
                let em = canvases
                    .iter()
                    .find_map(|(_, n)| n.get_untracked())
                    .map(|el| browser::font_px(&el) / 16.0)
                    .unwrap_or(1.0);
                lab.metrics.with_untracked(|m| {
                    for ((chart, node), label) in canvases.iter().zip(&labels) {
                        let l = lines(m, &stream, *chart, now, lang);
                        if matches!(chart, Chart::Shard(Metric::IncomingRecords)) {
                            let names: Vec<String> = l
                                .lines
                                .iter()
                                .map(|(n, _)| if l.aggregated { n.clone() } else { format!("{} {n}", T::ShardWord.get(lang)) })
                                .collect();
                            let many = l.aggregated.then_some(l.shards);
                            if aggregated_shards.get_untracked() != many {
                                aggregated_shards.set(many);
                            }
                            if shard_names.get_untracked() != names {
                                shard_names.set(names);
                            }
                        }
                        let text = summary(lang, *chart, &l);
                        if label.with_untracked(|old| *old != text) {
                            label.set(text);
                        }
                        if let Some(el) = node.get_untracked() {
                            // A drawing error leaves the last frame; the label
                            // carries the same numbers.
                            let _ = draw(&el, *chart, &l, lang, em);
                        }
                    }
                });
            });
        }
    };
    {
        let schedule = schedule.clone();
        Effect::new(move |_| {
            lab.shown.track();
            ctx.lang.track();
            schedule();
        });
    }
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());

    let slug = stream.clone();
    let slug2 = stream.clone();
    let hours = {
        let stream = stream.clone();
        Memo::new(move |_| {
            lab.engine
                .with(|e| e.stream(&stream).map(|s| s.retention_hours).ok())
        })
    };
    let change_retention = {
        let stream = stream.clone();
        move |ev: leptos::ev::Event| {
            let (Ok(want), Some(current)) = (
                event_target_value(&ev).parse::<u32>(),
                hours.get_untracked(),
            ) else {
                return;
            };
            let op = if want > current { "increase" } else { "decrease" };
            if want != current {
                super::console::run_command(lab, log, &format!("aws kinesis {op}-stream-retention-period --stream-name {stream} --retention-period-hours {want}"));
            }
        }
    };
    view! {
        <section class="panel charts" data-stream=stream.clone() aria-label=move || format!("{} {}", ctx.t(T::ChartsTitle), slug)>
            <h2>{move || ctx.t(T::ChartsTitle)} " · " <span class="mono">{stream.clone()}</span></h2>
            <p class="help">{move || ctx.t(T::ChartsHelp)}</p>
            {move || aggregated_shards.get().map(|n| view! { <p class="help charts-aggregated">{ctx.t(T::ChartsAggregated).replace("{n}", &i18n::int(ctx.lang.get(), n as u64))}</p> })}
            <label class="inline">
                <span>{move || ctx.t(T::Retention)}</span>
                <select class="narrow retention" data-stream=slug2 on:change=change_retention prop:value=move || hours.get().unwrap_or(24).to_string()>
                    {move || {
                        let current = hours.get().unwrap_or(24);
                        let mut choices = RETENTION_CHOICES.to_vec();
                        if !choices.contains(&current) {
                            choices.push(current);
                            choices.sort_unstable();
                        }
                        choices.into_iter().map(|h| view! { <option value=h selected=h == current>{retention_text(ctx.lang.get(), h)}</option> }).collect_view()
                    }}
                </select>
            </label>
            <ul class="plain chart-legend" aria-hidden="true">
                {move || shard_names.get().into_iter().enumerate().map(|(i, n)| {
                    let RGBColor(r, g, b) = SHARD_COLOURS[i % SHARD_COLOURS.len()];
                    view! { <li><span class="swatch" style=format!("background: rgb({r},{g},{b})")></span>{n}</li> }
                }).collect_view()}
                <li><span class="swatch limit"></span>{move || ctx.t(T::ShardLimit)}</li>
            </ul>
            <div class="chart-grid">
                {canvases.into_iter().zip(labels).map(|((chart, node), label)| view! {
                    <figure class="chart">
                        <figcaption>{move || ctx.t(chart.title())}</figcaption>
                        <canvas node_ref=node data-chart=chart.slug() role="img" aria-label=move || label.get()></canvas>
                    </figure>
                }).collect_view()}
            </div>
        </section>
    }
}

/// Charts for every stream, kept mounted while the stream exists.
#[component]
pub fn AllCharts(lab: Lab, log: super::console::ConsoleLog) -> impl IntoView {
    let names = Memo::new(move |_| {
        lab.engine
            .with(|e| e.streams().map(|s| s.name.clone()).collect::<Vec<_>>())
    });
    view! {
        <For each=move || names.get() key=|n| n.clone() let:name>
            <StreamCharts lab=lab log=log stream=name />
        </For>
    }
}
