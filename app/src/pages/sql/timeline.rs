//! The windows on a timeline, drawn from the engine's events: one lane per
//! key, a box per window from its start to its end. An open window fills
//! up to the engine's time; a fired one is solid and shows the rows it held
//! (it flashes briefly when it fires). The top lane marks every input row;
//! a sliding window is a bracket over the rows behind the newest one.

use super::run::{clock_time, SlideFrame, Snap, WinBox};
use super::Sq;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use leptos::prelude::*;
use std::collections::BTreeSet;

const W: f64 = 1000.0;
const LABEL_W: f64 = 150.0;
const LANE_H: f64 = 24.0;
const TOP: f64 = 22.0;
const MAX_LANES: usize = 10;

/// The visible time range: three window widths before the engine's time
/// and half a width after it.
fn range(s: &Snap) -> (i64, i64, i64) {
    let width = s
        .open
        .iter()
        .chain(s.fired.iter())
        .map(|b| b.end - b.start)
        .max()
        .or(match s.slide {
            Some(SlideFrame::Range(ms)) => Some(ms),
            _ => None,
        })
        .or(s.tumbling_fn_ms)
        .unwrap_or(60_000)
        .clamp(1_000, 3_600_000);
    let now = s.engine_ms;
    (now - 3 * width, now + width / 2, width)
}

/// A label step that gives at most about 8 labels.
fn label_step(span: i64) -> i64 {
    const STEPS: [i64; 10] = [
        1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
    ];
    STEPS
        .into_iter()
        .find(|s| span / s <= 8)
        .unwrap_or(1_800_000)
}

#[component]
pub fn Timeline(sq: Sq) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Show when=move || sq.snap.with(Option::is_some)>
        <section class="panel sql-timeline" aria-labelledby="sql-timeline-title">
            <h2 id="sql-timeline-title">{move || ctx.t(T::SqlTimeline)}</h2>
            <p class="help">{move || ctx.t(T::SqlTimelineHelp)}</p>
            {move || sq.snap.with(|s| s.as_ref().map(|s| draw(s, ctx.lang.get())))}
        </section>
        </Show>
    }
}

fn draw(s: &Snap, lang: i18n::Lang) -> AnyView {
    if !s.has_windows && s.slide.is_none() {
        return view! { <p class="help" id="sql-timeline-none">{T::SqlTimelineNone.get(lang)}</p> }
            .into_any();
    }
    let (t0, t1, _width) = range(s);
    let span = (t1 - t0).max(1) as f64;
    let x = move |t: i64| LABEL_W + (t - t0).clamp(0, t1 - t0) as f64 / span * (W - LABEL_W);
    let visible: Vec<&WinBox> = s
        .fired
        .iter()
        .chain(s.open.iter())
        .filter(|b| b.end > t0 && b.start < t1)
        .collect();
    let keys: BTreeSet<&str> = visible.iter().map(|b| b.key.as_str()).collect();
    let shown: Vec<&str> = keys.iter().take(MAX_LANES).copied().collect();
    let hidden = keys.len().saturating_sub(shown.len());
    let lanes = shown.len().max(1);
    // Overlapping windows of one key (HOP) get rows of their own in its lane:
    // greedy interval partitioning, windows in start order.
    let mut sub: Vec<usize> = vec![0; visible.len()];
    let mut order: Vec<usize> = (0..visible.len()).collect();
    order.sort_by_key(|&i| (visible[i].key.as_str(), visible[i].start, visible[i].end));
    let mut rows_end: Vec<(&str, Vec<i64>)> = Vec::new();
    for &i in &order {
        let b = visible[i];
        let at = match rows_end.iter().position(|(k, _)| *k == b.key.as_str()) {
            Some(at) => at,
            None => {
                rows_end.push((b.key.as_str(), Vec::new()));
                rows_end.len() - 1
            }
        };
        let slot = &mut rows_end[at].1;
        let r = slot
            .iter()
            .position(|&e| e <= b.start)
            .unwrap_or(slot.len())
            .min(3);
        if r == slot.len() {
            slot.push(b.end);
        } else {
            slot[r] = slot[r].max(b.end);
        }
        sub[i] = r;
    }
    let per_lane = sub.iter().copied().max().unwrap_or(0) + 1;
    let lane_h = LANE_H * per_lane as f64 * if per_lane > 1 { 0.6 } else { 1.0 };
    let height = TOP + LANE_H + lane_h * lanes as f64 + 18.0;
    let lane_y = |i: usize| TOP + LANE_H + lane_h * i as f64;
    let step = label_step(t1 - t0);
    let first_label = (t0 / step + 1) * step;
    let labels: Vec<i64> = (0..12)
        .map(|i| first_label + i * step)
        .filter(|&t| t < t1)
        .collect();
    let ticks: Vec<i64> = {
        let mut v: Vec<i64> = s
            .ticks
            .iter()
            .copied()
            .filter(|&t| t >= t0 && t <= t1)
            .collect();
        v.dedup();
        v
    };
    let now_x = x(s.engine_ms);
    // A tumbling table function's windows (aligned to the epoch, as STEP is).
    let edges: Vec<f64> = match s.tumbling_fn_ms {
        Some(w) if w > 0 && visible.is_empty() => {
            let first = t0.div_euclid(w) * w + w;
            (0..64)
                .map(|i| first + i * w)
                .take_while(|&t| t < t1)
                .map(x)
                .collect()
        }
        _ => Vec::new(),
    };
    let bracket = s.slide.and_then(|f| {
        let last = *s.ticks.last()?;
        let from = match f {
            SlideFrame::Range(ms) => last - ms,
            SlideFrame::Rows(n) => {
                let n = n as usize;
                s.ticks
                    .len()
                    .checked_sub(n + 1)
                    .map(|i| s.ticks[i])
                    .unwrap_or(s.ticks[0])
            }
        };
        Some((x(from), x(last)))
    });
    let boxes = visible
        .iter()
        .zip(sub.iter())
        .filter_map(|(b, &r)| {
            let lane = shown.iter().position(|k| *k == b.key)?;
            let (bx0, bx1) = (x(b.start), x(b.end));
            let row_h = lane_h / per_lane as f64;
            let y = lane_y(lane) + 2.0 + row_h * r as f64;
            let h = row_h - 4.0;
            let fired = b.rows.is_some();
            let fresh = fired && s.engine_ms - b.end < 1_500;
            let fill_to = if fired { bx1 } else { x(s.engine_ms.min(b.end)) };
            let label = b.rows.map(|n| i18n::int(lang, n)).unwrap_or_default();
            let class = match (fired, fresh) {
                (true, true) => "win fired flash",
                (true, false) => "win fired",
                _ => "win open",
            };
            Some(view! {
                <g class=class data-key=b.key.clone() data-start=b.start data-end=b.end data-rows=b.rows.map(|n| n.to_string()).unwrap_or_default()>
                    <rect class="win-fill" x=bx0 y=y width=(fill_to - bx0).max(0.0) height=h />
                    <rect class="win-frame" x=bx0 y=y width=(bx1 - bx0).max(1.0) height=h rx="3" />
                    {(fired && bx1 - bx0 > 24.0 && h >= 10.0).then(|| view! {
                        <text class="win-count" x=(bx0 + bx1) / 2.0 y=y + h / 2.0 + 4.5 text-anchor="middle">{label}</text>
                    })}
                </g>
            })
        })
        .collect_view();
    view! {
        <svg id="sql-timeline" class="sql-timeline-svg" viewBox=format!("0 0 {W} {height}") role="img"
            aria-label=T::SqlTimelineLabel.get(lang) preserveAspectRatio="xMinYMin meet">
            {labels.iter().map(|&t| {
                let lx = x(t);
                view! {
                    <line class="grid" x1=lx x2=lx y1=TOP - 4.0 y2=height - 18.0 />
                    <text class="axis" x=lx y=height - 4.0 text-anchor="middle">{clock_time(t).get(..8).unwrap_or_default().to_owned()}</text>
                }
            }).collect_view()}
            <text class="lane-label" x="4" y=TOP + LANE_H / 2.0 + 4.0>{T::SqlTimelineInput.get(lang)}</text>
            <g class="ticks">
                {ticks.iter().map(|&t| { let tx = x(t); view! { <line class="tick" x1=tx x2=tx y1=TOP + 4.0 y2=TOP + LANE_H - 4.0 /> } }).collect_view()}
            </g>
            {bracket.map(|(b0, b1)| view! {
                <g class="slide" id="sql-slide">
                    <path d=format!("M{b0},{} v-8 H{b1} v8", TOP + LANE_H + 10.0) />
                    <text class="axis" x=b0 y=TOP + LANE_H + 22.0>{T::SqlTimelineSliding.get(lang)}</text>
                </g>
            })}
            {shown.iter().enumerate().map(|(i, k)| view! {
                <text class="lane-label mono" x="4" y=lane_y(i) + lane_h / 2.0 + 4.0><title>{k.to_string()}</title>{truncate(k)}</text>
            }).collect_view()}
            {boxes}
            {edges.iter().map(|&ex| view! {
                <line class="win-edge" x1=ex x2=ex y1=TOP + 2.0 y2=height - 18.0 />
            }).collect_view()}
            <line class="now" x1=now_x x2=now_x y1=TOP - 6.0 y2=height - 18.0 />
        </svg>
        {(hidden > 0).then(|| view! { <p class="help">{format!("+{} {}", i18n::int(lang, hidden as u64), T::SqlMoreKeys.get(lang))}</p> })}
    }
    .into_any()
}

/// A key as its lane shows it: dates dropped from timestamps (the whole run
/// is one day), then cut to 18 characters.
fn truncate(k: &str) -> String {
    let b = k.as_bytes();
    let is_date = |i: usize| {
        b.len() >= i + 11
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
            && b[i + 7] == b'-'
            && b[i + 8..i + 10].iter().all(u8::is_ascii_digit)
            && (b[i + 10] == b' ' || b[i + 10] == b'T')
    };
    let mut short = String::new();
    let mut i = 0;
    while i < b.len() {
        if is_date(i) {
            i += 11;
            continue;
        }
        // Dates are ASCII, so `i` is a char boundary whenever it is not inside one.
        let Some(c) = k.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        short.push(c);
        i += c.len_utf8();
    }
    let k = short.as_str();
    if k.chars().count() > 18 {
        let mut s: String = k.chars().take(17).collect();
        s.push('…');
        s
    } else {
        k.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn lane_labels_drop_dates_and_stay_short() {
        assert_eq!(truncate("2026-01-01 00:01:00, AMZN"), "00:01:00, AMZN");
        assert_eq!(truncate("AMZN"), "AMZN");
        assert_eq!(
            truncate("a very long key that goes on"),
            "a very long key t…"
        );
        assert_eq!(truncate("ÉÉÉ 2026-01-01T1"), "ÉÉÉ 1");
    }
}
