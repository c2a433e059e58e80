//! The hash-key space 0 … 2^128−1 drawn as a bar cut into shard ranges, with
//! a marker at the current key. The marker moves with a CSS transition, which
//! the stylesheet turns off under `prefers-reduced-motion`.

use crate::i18n::T;
use crate::shell::use_ctx;
use kinesis_lab_core::hash::{HashKey, HashKeyRange};
use leptos::prelude::*;

const W: f64 = 1000.0;
const BAR_Y: f64 = 34.0;
const BAR_H: f64 = 44.0;

/// How many shard labels fit under the bar without overlapping.
fn label_every(n: usize) -> usize {
    n.div_ceil(16).max(1)
}

#[component]
pub fn KeySpace(
    ranges: Memo<Vec<HashKeyRange>>,
    /// The current key's hash and shard index.
    hit: Signal<Option<(HashKey, usize)>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let segments = move || {
        let rs = ranges.get();
        let every = label_every(rs.len());
        let shard = hit.get().map(|(_, i)| i);
        rs.iter()
            .enumerate()
            .map(|(i, r)| {
                let x = r.start.fraction() * W;
                let w = (r.end.fraction() * W - x).max(0.5);
                let label = (i % every == 0).then(|| {
                    view! {
                        <text x=x + w / 2.0 y=BAR_Y + BAR_H + 20.0 class="seg-label" text-anchor="middle">
                            {i}
                        </text>
                    }
                });
                view! {
                    <rect
                        x=x
                        y=BAR_Y
                        width=w
                        height=BAR_H
                        class=if shard == Some(i) { "seg hit" } else if i % 2 == 0 { "seg even" } else { "seg odd" }
                    />
                    {label}
                }
            })
            .collect_view()
    };
    let marker_x = move || hit.get().map(|(k, _)| k.fraction() * W).unwrap_or(0.0);
    view! {
        <svg
            class="keyspace-svg"
            viewBox="0 0 1000 110"
            role="img"
            aria-label=move || ctx.t(T::PositionInSpace)
        >
            {segments}
            <g
                class="marker"
                style:transform=move || format!("translateX({:.3}px)", marker_x())
                style:visibility=move || if hit.get().is_some() { "visible" } else { "hidden" }
            >
                <line x1="0" x2="0" y1="16" y2=BAR_Y + BAR_H + 4.0 />
                <path d="M -9 4 L 9 4 L 0 18 Z" />
            </g>
            <text x="0" y=BAR_Y - 12.0 class="axis-label" text-anchor="start">"0"</text>
            <text x=W y=BAR_Y - 12.0 class="axis-label" text-anchor="end">"2^128 − 1"</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::label_every;

    #[test]
    fn at_most_16_labels() {
        for n in 1usize..=64 {
            assert!(n.div_ceil(label_every(n)) <= 16, "n={n}");
        }
    }
}
