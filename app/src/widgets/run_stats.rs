//! The numbers of a workload run: totals, the hottest shard, and a table of
//! records per shard. Used by the visualiser page and the lesson widget.

use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::workload::RunStats;
use leptos::prelude::*;

#[component]
pub fn RunStatsView(stats: Memo<Option<RunStats>>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    view! {
        <Show when=move || stats.with(Option::is_some) fallback=move || view! { <p class="help">{move || ctx.t(T::HistEmpty)}</p> }>
            <dl class="stats" id="stats">
                <div><dt>{move || ctx.t(T::StatTotal)}</dt>
                    <dd id="stat-total">{move || stats.with(|s| s.as_ref().map(|s| i18n::int(lang(), s.total_records)))}</dd></div>
                <div><dt>{move || ctx.t(T::StatDistinct)}</dt>
                    <dd id="stat-distinct">{move || stats.with(|s| s.as_ref().map(|s| i18n::int(lang(), s.distinct_keys as u64)))}</dd></div>
                <div class="span2"><dt>{move || ctx.t(T::StatHottest)}</dt>
                    <dd id="stat-hottest">
                        <span class="mono">{move || stats.with(|s| s.as_ref().map(|s| kinesis_lab_core::hash::ShardId(s.hottest as u32).to_string()))}</span>
                        <small>{move || stats.with(|s| s.as_ref().map(|s| i18n::hottest_detail(lang(), s.hottest_share, s.hot_ratio)))}</small>
                    </dd></div>
                <div><dt>{move || ctx.t(T::StatOverLimit)}</dt>
                    <dd id="stat-over">{move || stats.with(|s| s.as_ref().map(|s| s.shards_over_limit))}</dd></div>
                <div><dt>{move || ctx.t(T::StatIdle)}</dt>
                    <dd id="stat-idle">{move || stats.with(|s| s.as_ref().map(|s| s.idle_shards))}</dd></div>
            </dl>
            <div class="table-wrap short" tabindex="0">
                <table id="load-table">
                    <thead><tr>
                        <th scope="col">{move || ctx.t(T::ShardCol)}</th>
                        <th scope="col">{move || ctx.t(T::RecordsCol)}</th>
                        <th scope="col">{move || ctx.t(T::RatePerSecondCol)}</th>
                        <th scope="col">{move || ctx.t(T::StatusCol)}</th>
                    </tr></thead>
                    <tbody>
                        {move || stats.get().map(|s| s.shards.iter().enumerate().map(|(i, l)| {
                            let status = if l.over_limit { T::StatusOver } else if l.records == 0 { T::StatusIdle } else { T::StatusOk };
                            view! {
                                <tr class:over=l.over_limit>
                                    <th scope="row" class="mono">{i}</th>
                                    <td>{i18n::int(lang(), l.records)}</td>
                                    <td>{i18n::int(lang(), l.records_per_second.round() as u64)}</td>
                                    <td>{ctx.t(status)}</td>
                                </tr>
                            }
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
        </Show>
    }
}
