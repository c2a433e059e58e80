//! Lesson widget: one KCL application (core `consumer::kcl`) on its own
//! stream with a steady producer. Adding, killing and restarting workers,
//! the checkpoint interval and letting time pass are engine actions
//! (`Action::Kcl*`), so they replay from a link and the goals check them.
//! The lease table shows the KCL's own attribute names.

use super::LabHandle;
use crate::i18n::{self, Lang, T};
use crate::shell::use_ctx;
use kinesis_lab_core::consumer::kcl::{
    parse_setting, Checkpoint, KclEvent, KclField, WorkerState, MAX_CHECKPOINT_INTERVAL_MILLIS,
};
use kinesis_lab_core::lesson::lab::{Action, LabError};
use kinesis_lab_core::stream::engine::parse_shard_id;
use leptos::prelude::*;

const RUNS: [(u32, &str, &str); 4] = [
    (1, "+1 s", "+1 giây"),
    (10, "+10 s", "+10 giây"),
    (30, "+30 s", "+30 giây"),
    (60, "+60 s", "+60 giây"),
];
/// Worker colours (CSS classes `owner-0` …, shared with the Consumers page).
const COLOURS: usize = 12;
/// Log entries shown, newest first.
const LOG_SHOWN: usize = 40;

fn state_slug(state: WorkerState) -> &'static str {
    match state {
        WorkerState::Stopped => "stopped",
        WorkerState::Idle => "idle",
        WorkerState::Waiting => "waiting",
        WorkerState::Processing => "processing",
    }
}

fn state_text(lang: Lang, state: WorkerState) -> &'static str {
    match state {
        WorkerState::Stopped => T::KclStateStopped.get(lang),
        WorkerState::Idle => T::KclStateIdle.get(lang),
        WorkerState::Waiting => T::KclStateWaiting.get(lang),
        WorkerState::Processing => T::KclStateProcessing.get(lang),
    }
}

fn short_shard(lease: &str) -> String {
    parse_shard_id(lease)
        .map(|i| format!("#{i}"))
        .unwrap_or_else(|| lease.to_owned())
}

/// What the log shows: not renewals, and batches only when they hold
/// records processed a second time.
fn shown(ev: &KclEvent) -> bool {
    match ev {
        KclEvent::LeaseRenewed { .. } => false,
        KclEvent::RecordsProcessed { duplicates, .. } => *duplicates > 0,
        _ => true,
    }
}

#[component]
pub fn KclWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let error = RwSignal::new(None::<String>);
    let cp_text = RwSignal::new(String::new());
    let act = move |a: Action| {
        let lang = ctx.lang.get_untracked();
        error.set(match handle.apply(a) {
            Ok(()) => None,
            Err(LabError::Kcl(e)) => Some(i18n::kcl_error(lang, &e)),
            Err(LabError::Invalid(e)) => Some(i18n::validation_error(lang, &e)),
            Err(e) => Some(e.to_string()),
        });
    };
    let has = move || handle.lab.with(|l| l.kcl.is_some());
    let elapsed = move || {
        handle.lab.with(|l| {
            l.kcl
                .as_ref()
                .map(|k| (k.now - k.history.first().map_or(k.now, |h| h.at)) / 1000)
        })
    };
    let stat = move |f: fn(&kinesis_lab_core::lesson::sims::KclLab) -> u64| {
        move || {
            handle
                .lab
                .with(|l| l.kcl.as_ref().map(|k| i18n::int(lang(), f(k))))
        }
    };
    let policy_ms = move || {
        handle.lab.with(|l| {
            l.kcl.as_ref().map(|k| match k.app.config.checkpoint {
                kinesis_lab_core::consumer::kcl::CheckpointPolicy::Millis(ms) => ms,
                kinesis_lab_core::consumer::kcl::CheckpointPolicy::Records(n) => n,
            })
        })
    };
    let apply_cp = move || match parse_setting(
        KclField::CheckpointIntervalMillis,
        &cp_text.get_untracked(),
        1,
        MAX_CHECKPOINT_INTERVAL_MILLIS,
    ) {
        Ok(ms) => act(Action::KclCheckpoint { every_ms: ms }),
        Err(e) => error.set(Some(i18n::kcl_error(ctx.lang.get_untracked(), &e))),
    };

    let run_buttons = RUNS
        .map(|(secs, en, vi)| {
            view! {
                <button class="button small kcl-run" data-seconds=secs on:click=move |_| act(Action::KclRun { seconds: secs })>
                    {move || if lang() == Lang::En { en } else { vi }}
                </button>
            }
        })
        .to_vec();

    let workers = move || {
        handle.lab.with(|l| {
            let Some(k) = &l.kcl else { return Vec::new() };
            k.app
                .workers()
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let n = i as u32 + 1;
                    let state = w.state();
                    let alive = state != WorkerState::Stopped;
                    let leases: Vec<String> = w.leases().map(short_shard).collect();
                    let id = w.id.clone();
                    let label = ctx
                        .t(if alive { T::KclKillLabel } else { T::KclRestartLabel })
                        .replace("{w}", &id);
                    let action = if alive {
                        Action::KclKill { worker: n }
                    } else {
                        Action::KclRestart { worker: n }
                    };
                    view! {
                        <li class=format!("kcl-worker owner-{} {}", i % COLOURS, state_slug(state))
                            data-worker=id.clone() data-state=state_slug(state) data-leases=leases.len()>
                            <span class="swatch-dot" aria-hidden="true"></span>
                            <span class="kcl-worker-id mono">{id.clone()}</span>
                            <span class="kcl-worker-state">{state_text(lang(), state)}</span>
                            <span class="kcl-worker-leases mono">{leases.join(" ")}</span>
                            <span class="kcl-worker-count">{ctx.t(T::KclProcessedBy).replace("{n}", &i18n::int(lang(), w.processed))}</span>
                            <button class=if alive { "button small danger kcl-act kcl-kill" } else { "button small kcl-act kcl-restart" }
                                aria-label=label on:click=move |_| act(action.clone())>
                                {if alive { ctx.t(T::KclKill) } else { ctx.t(T::KclRestart) }}
                            </button>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let lease_rows = move || {
        handle.lab.with(|l| {
            let Some(k) = &l.kcl else { return Vec::new() };
            let colour = |owner: &str| {
                k.app
                    .workers()
                    .iter()
                    .position(|w| w.id == owner)
                    .map(|i| i % COLOURS)
            };
            k.leases()
                .map(|lease| {
                    let owner = lease.lease_owner.clone();
                    let class = owner
                        .as_deref()
                        .and_then(colour)
                        .map(|c| format!("owned owner-{c}"))
                        .unwrap_or_default();
                    let cp = match lease.checkpoint {
                        Checkpoint::At(seq) => view! {
                            <span class="cp-pos">{format!("#{}", seq.seq_index)}</span>
                            <span class="seq-full">{seq.to_string()}</span>
                        }
                        .into_any(),
                        other => view! { <span class="cp-sentinel">{other.to_string()}</span> }.into_any(),
                    };
                    let parents = lease.parent_shard_ids.join(", ");
                    view! {
                        <tr data-lease=lease.lease_key.clone() class=class>
                            <th scope="row" class="mono">{lease.lease_key.clone()}</th>
                            <td class="c-checkpoint mono" data-seq-index=lease.checkpoint.seq_index().map(|i| i.to_string())>{cp}</td>
                            <td class="c-sub mono">{lease.checkpoint_sub_sequence_number.to_string()}</td>
                            <td class="c-counter mono">{lease.lease_counter.to_string()}</td>
                            <td class="c-owner mono" data-owner=owner.clone().unwrap_or_default()>
                                {match owner.clone() {
                                    Some(o) => view! { <span class="swatch-dot" aria-hidden="true"></span>{o} }.into_any(),
                                    None => view! { <span class="muted">{ctx.t(T::KclNoOwner)}</span> }.into_any(),
                                }}
                            </td>
                            <td class="c-switches mono">{lease.owner_switches_since_checkpoint.to_string()}</td>
                            <td class="c-parent mono">{if parents.is_empty() { ctx.t(T::KclNoParent).to_owned() } else { parents }}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let log = move || {
        handle.lab.with(|l| {
            let Some(k) = &l.kcl else { return Vec::new() };
            let start = k.history.first().map_or(0, |h| h.at);
            k.app
                .events()
                .iter()
                .rev()
                .filter(|e| shown(e))
                .take(LOG_SHOWN)
                .map(|e| {
                    let t = e.at().saturating_sub(start) as f64 / 1000.0;
                    view! {
                        <li><span class="mono">{format!("{t:.1} s")}</span> " " {i18n::kcl_event(lang(), e)}</li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="widget kcl kcl-widget">
            <Show when=has fallback=move || view! { <p class="help">{move || ctx.t(T::WkclNone)}</p> }>
                <p class="help">{move || ctx.t(T::WkclHelp)}</p>
                <div class="time-bar">
                    <span class="sim-time"><span class="label">{move || ctx.t(T::SimTime)} ": "</span>
                        <strong id="w-kcl-time" class="mono">{move || elapsed().map(|s| format!("{s} s"))}</strong></span>
                    <span>{move || ctx.t(T::LetTimePass)} ": "</span>
                    {run_buttons.clone()}
                </div>
                <dl class="stats kcl-stats">
                    <div><dt>{move || ctx.t(T::KclWritten)}</dt><dd id="w-kcl-written">{stat(|k| k.written())}</dd></div>
                    <div><dt>{move || ctx.t(T::KclProcessed)}</dt><dd id="w-kcl-processed">{stat(|k| k.app.stats.processed)}</dd></div>
                    <div><dt>{move || ctx.t(T::KclUnique)}</dt><dd id="w-kcl-unique">{stat(|k| k.app.stats.unique())}</dd></div>
                    <div class="kcl-stat dup"><dt>{move || ctx.t(T::KclDuplicates)}</dt><dd id="w-kcl-duplicates">{stat(|k| k.app.stats.duplicates)}</dd></div>
                    <div><dt>{move || ctx.t(T::KclCheckpoints)}</dt><dd id="w-kcl-checkpoints">{stat(|k| k.app.stats.checkpoints)}</dd></div>
                    <div><dt>{move || ctx.t(T::KclIdle)}</dt><dd id="w-kcl-idle">{stat(|k| k.app.idle_workers() as u64)}</dd></div>
                </dl>
                <div class="kcl-workers">
                    <h4>{move || ctx.t(T::KclWorkers)}</h4>
                    <ul class="plain kcl-worker-list" id="w-kcl-workers">{workers}</ul>
                    <div class="kcl-worker-tools">
                        <button id="w-kcl-add" class="button small" on:click=move |_| act(Action::KclAddWorker)>{move || ctx.t(T::KclAddWorker)}</button>
                        <div class="kcl-checkpoint">
                            <label class="label" for="w-kcl-cp">{move || ctx.t(T::WkclCheckpointMs)}</label>
                            <input id="w-kcl-cp" class="num" type="text" inputmode="numeric"
                                placeholder=move || policy_ms().map(|v| v.to_string()).unwrap_or_default()
                                prop:value=move || cp_text.get() on:input=move |ev| cp_text.set(event_target_value(&ev))
                                on:keydown=move |ev| if ev.key() == "Enter" { apply_cp(); } />
                            <button id="w-kcl-cp-apply" class="button small" on:click=move |_| apply_cp()>{move || ctx.t(T::KclCheckpointApply)}</button>
                            <span class="help" id="w-kcl-cp-now">{move || policy_ms().map(|ms| ctx.t(T::WkclCheckpointNow).replace("{ms}", &i18n::int(lang(), ms)))}</span>
                        </div>
                    </div>
                    <p class="error" role="alert" id="w-kcl-error">{move || error.get()}</p>
                </div>
                <div class="table-wrap kcl-table-wrap" tabindex="0">
                    <table class="kcl-leases" id="w-kcl-leases">
                        <caption>{move || ctx.t(T::KclLeaseTable).replace("{app}", "order-service")}</caption>
                        <thead><tr>
                            <th scope="col">"leaseKey"</th>
                            <th scope="col">"checkpoint"</th>
                            <th scope="col">"checkpointSubSequenceNumber"</th>
                            <th scope="col">"leaseCounter"</th>
                            <th scope="col">"leaseOwner"</th>
                            <th scope="col">"ownerSwitchesSinceCheckpoint"</th>
                            <th scope="col">"parentShardId"</th>
                        </tr></thead>
                        <tbody>{lease_rows}</tbody>
                    </table>
                </div>
                <details class="kcl-log">
                    <summary>{move || ctx.t(T::KclLog)}</summary>
                    <ol class="plain" id="w-kcl-log" reversed>{log}</ol>
                </details>
            </Show>
        </div>
    }
}
