//! A chart of one numeric output column against ROWTIME, drawn with
//! plotters on a canvas in a `requestAnimationFrame` callback (at most once
//! a frame), one line per group (the ticker of a GROUP BY / PARTITION BY),
//! as the Stream Lab's charts are drawn.

use super::run::{number, Snap, StreamView, EPOCH_MS};
use super::Sq;
use crate::browser;
use crate::i18n::{self, Lang, T};
use crate::shell::use_ctx;
use kinesis_lab_core::analytics::types::Value;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::collections::BTreeMap;

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
const COLOURS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x33, 0x33, 0x33),
];
const MAX_SERIES: usize = 7;

/// The stream and column charted: the chosen ones, else the last numeric column.
fn chosen(sq: &Sq, s: &Snap) -> Option<(usize, usize)> {
    let stream = sq.out_stream.get().or(s.outputs.last().map(|o| o.id))?;
    let out = s.outputs.iter().find(|o| o.id == stream)?;
    let col = sq
        .chart_col
        .get()
        .filter(|&c| out.numeric.get(c).copied().unwrap_or(false))
        .or_else(|| out.numeric.iter().rposition(|&n| n))?;
    Some((stream, col))
}

/// (series name, points (seconds since the page's start, value)): one
/// series per group (the ticker), when the query groups by a text key.
fn series(out: &StreamView, col: usize) -> Vec<(String, Vec<(f64, f64)>)> {
    let group = out.group.filter(|&g| g != col);
    let mut by: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for r in &out.rows {
        let Some(y) = r.values.get(col).and_then(number) else {
            continue;
        };
        let key = group.and_then(|g| match r.values.get(g) {
            Some(Value::Str(s)) => Some(s.to_string()),
            _ => None,
        });
        let x = (r.rowtime - EPOCH_MS as i64) as f64 / 1000.0;
        by.entry(key.unwrap_or_else(|| out.columns[col].clone()))
            .or_default()
            .push((x, y));
    }
    by.into_iter().take(MAX_SERIES).collect()
}

#[component]
pub fn SqlChart(sq: Sq) -> impl IntoView {
    let ctx = use_ctx();
    let canvas = NodeRef::<Canvas>::new();
    let frame_pending = StoredValue::new(false);
    let data = Memo::new(move |_| {
        sq.snap.with(|s| {
            let s = s.as_ref()?;
            let (stream, col) = chosen(&sq, s)?;
            let out = s.outputs.iter().find(|o| o.id == stream)?;
            Some((out.columns[col].clone(), series(out, col)))
        })
    });
    let schedule = move || {
        if frame_pending.get_value() {
            return;
        }
        frame_pending.set_value(true);
        request_animation_frame(move || {
            let _ = frame_pending.try_set_value(false);
            if let (Some(el), Some(Some(d))) = (canvas.get_untracked(), data.try_get_untracked()) {
                let lang = ctx.lang.get_untracked();
                let _ = draw(&el, &d.0, &d.1, lang);
            }
        });
    };
    Effect::new(move |_| {
        data.track();
        ctx.lang.track();
        canvas.track();
        schedule();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());

    view! {
        <Show when=move || sq.snap.with(Option::is_some)>
        <section class="panel sql-chart" aria-labelledby="sql-chart-title">
            <div class="panel-head">
                <h2 id="sql-chart-title">{move || ctx.t(T::SqlChart)}</h2>
                {move || sq.snap.with(|s| s.as_ref().and_then(|s| {
                    let (stream, col) = chosen(&sq, s)?;
                    let out = s.outputs.iter().find(|o| o.id == stream)?;
                    let options = out.columns.iter().enumerate().filter(|(i, _)| out.numeric[*i]).map(|(i, c)| {
                        view! { <option value=i selected=i == col>{c.clone()}</option> }
                    }).collect_view();
                    Some(view! {
                        <label class="inline">
                            <span>{ctx.t(T::SqlChartColumn)}</span>
                            <select id="sql-chart-col" on:change=move |ev| sq.chart_col.set(event_target_value(&ev).parse().ok())>{options}</select>
                        </label>
                    })
                }))}
            </div>
            <canvas id="sql-chart-canvas" node_ref=canvas role="img"
                aria-label=move || ctx.t(T::SqlChartLabel)
                class:empty=move || data.with(Option::is_none) />
            {move || data.with(Option::is_none).then(|| view! { <p class="help">{ctx.t(T::SqlChartEmpty)}</p> })}
        </section>
        </Show>
    }
}

fn draw(
    el: &web_sys::HtmlCanvasElement,
    column: &str,
    series: &[(String, Vec<(f64, f64)>)],
    lang: Lang,
) -> Option<()> {
    let dpr = browser::device_pixel_ratio();
    let (w, h) = (
        el.client_width().max(200) as f64,
        el.client_height().max(160) as f64,
    );
    el.set_width((w * dpr) as u32);
    el.set_height((h * dpr) as u32);
    let px = |v: f64| (v * dpr) as i32;
    let em = browser::font_px(el) / 16.0;
    let font = |size: f64| ("sans-serif", size * em * dpr).into_font();
    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    let points = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return root.present().ok();
    }
    if x1 - x0 < 1.0 {
        x1 = x0 + 1.0;
    }
    // A flat line still gets a readable axis around its value.
    let pad = if y1 - y0 < 1e-9 {
        (y0.abs() * 0.1).max(1.0)
    } else {
        (y1 - y0) * 0.1
    };
    let (y0, y1) = (y0 - pad, y1 + pad);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(px(30.0 * em))
        .y_label_area_size(px(60.0 * em))
        .caption(column, font(14.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .ok()?;
    chart
        .configure_mesh()
        .x_labels(8)
        .x_label_formatter(&|x| format!("{} s", i18n::int(lang, x.max(0.0).round() as u64)))
        .y_label_formatter(&|y| i18n::decimal(lang, *y, if (y1 - y0) < 10.0 { 2 } else { 0 }))
        .y_labels(6)
        .label_style(font(12.0))
        .bold_line_style(RGBColor(0xE4, 0xE7, 0xEB))
        .light_line_style(TRANSPARENT)
        .draw()
        .ok()?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let c = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(
                pts.iter().copied(),
                c.stroke_width(px(2.0) as u32),
            ))
            .ok()?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(3)));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, px(2.5), c.filled())))
            .ok()?;
    }
    if series.len() > 1 {
        chart
            .configure_series_labels()
            .label_font(font(12.0))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xCC, 0xCC, 0xCC))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .ok()?;
    }
    root.present().ok()
}
