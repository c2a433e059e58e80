//! Records per second per shard, drawn with plotters on a canvas. Drawing
//! happens in a `requestAnimationFrame` callback, at most once per frame,
//! however often the engine's numbers change.

use crate::browser;
use crate::i18n::{Lang, T};
use crate::shell::use_ctx;
use kinesis_lab_core::workload::{RunStats, SHARD_WRITE_RECORDS_PER_SECOND};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
const BAR: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const BAR_OVER: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const LIMIT: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const EVEN: RGBColor = RGBColor(0x33, 0x33, 0x33);

#[component]
pub fn ShardChart(stats: Memo<Option<RunStats>>) -> impl IntoView {
    let ctx = use_ctx();
    let canvas = NodeRef::<Canvas>::new();
    let frame_pending = StoredValue::new(false);

    let schedule = move || {
        if frame_pending.get_value() {
            return;
        }
        frame_pending.set_value(true);
        request_animation_frame(move || {
            let _ = frame_pending.try_set_value(false);
            if let (Some(el), Some(Some(s))) = (canvas.get_untracked(), stats.try_get_untracked()) {
                let lang = ctx.lang.get_untracked();
                // A drawing error leaves the previous frame on screen; the
                // table below the chart carries the same numbers.
                let _ = draw(&el, &s, lang);
            }
        });
    };
    Effect::new(move |_| {
        stats.track();
        ctx.lang.track();
        canvas.track();
        schedule();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());

    view! {
        <canvas
            id="hist-canvas"
            node_ref=canvas
            role="img"
            aria-label=move || ctx.t(T::HistCanvasLabel)
            class:empty=move || stats.with(Option::is_none)
        />
    }
}

fn draw(el: &web_sys::HtmlCanvasElement, s: &RunStats, lang: Lang) -> Option<()> {
    let dpr = browser::device_pixel_ratio();
    let (w, h) = (
        el.client_width().max(200) as f64,
        el.client_height().max(160) as f64,
    );
    el.set_width((w * dpr) as u32);
    el.set_height((h * dpr) as u32);
    let px = |v: f64| (v * dpr) as i32;
    // Sizes below are for 16 px type and scale with the page's font size.
    let em = browser::font_px(el) / 16.0;
    let font = |size: f64| ("sans-serif", size * em * dpr).into_font();

    let root = CanvasBackend::with_canvas_object(el.clone())?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    let n = s.shards.len();
    let limit = SHARD_WRITE_RECORDS_PER_SECOND as f64;
    let max_rate = s
        .shards
        .iter()
        .map(|l| l.records_per_second)
        .fold(0.0, f64::max);
    let y_max = (max_rate.max(limit) * 1.15).ceil();
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(px(34.0 * em))
        .y_label_area_size(px(64.0 * em))
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..y_max)
        .ok()?;
    let every = n.div_ceil(16).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(16) + 1)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n && (i as usize) % every == 0 {
                format!("{}", i as usize)
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| crate::i18n::int(lang, y.round() as u64))
        .y_labels(6)
        .label_style(font(13.0))
        .bold_line_style(RGBColor(0xE4, 0xE7, 0xEB))
        .light_line_style(TRANSPARENT)
        .draw()
        .ok()?;
    chart
        .draw_series(s.shards.iter().enumerate().map(|(i, l)| {
            let color = if l.over_limit { BAR_OVER } else { BAR };
            Rectangle::new(
                [
                    (i as f64 - 0.38, 0.0),
                    (i as f64 + 0.38, l.records_per_second),
                ],
                color.filled(),
            )
        }))
        .ok()?;
    let even = s.shards.iter().map(|l| l.records_per_second).sum::<f64>() / n.max(1) as f64;
    let x0 = -0.5;
    let x1 = n as f64 - 0.5;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x0, limit), (x1, limit)],
            LIMIT.stroke_width(px(2.0) as u32),
        )))
        .ok()?;
    chart
        .draw_series(std::iter::once(Text::new(
            T::LimitLine.get(lang).to_owned(),
            (x1, limit),
            font(13.0)
                .color(&LIMIT)
                .pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Right,
                    plotters::style::text_anchor::VPos::Bottom,
                )),
        )))
        .ok()?;
    if even > 0.0 {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0, even), (x1, even)],
                px(6.0) as u32,
                px(4.0) as u32,
                EVEN.stroke_width(px(1.5) as u32),
            ))
            .ok()?;
        chart
            .draw_series(std::iter::once(Text::new(
                T::EvenLine.get(lang).to_owned(),
                (x0, even),
                font(12.0)
                    .color(&EVEN)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Bottom,
                    )),
            )))
            .ok()?;
    }
    root.present().ok()
}
