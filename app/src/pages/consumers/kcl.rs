//! The KCL section of the Consumers page: a stream with a producer, one or
//! two KCL applications (core `consumer::kcl`), workers to add, kill and
//! restart, the checkpoint interval, a shard split, each application's live
//! lease table under the KCL's attribute names, and an event log. Every
//! number comes from the engine; this file only lays it out.

use crate::clock::use_sim_clock;
use crate::i18n::{self, Lang, T};
use crate::pages::streams::{sim_time_text, EPOCH_MS};
use crate::shell::use_ctx;
use kinesis_lab_core::consumer::kcl::{
    self, Checkpoint, CheckpointPolicy, KclApplication, KclConfig, KclError, KclEvent, KclStats,
    Lease, TakeReason, WorkerState,
};
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::producer::{Producer, ProducerConfig};
use kinesis_lab_core::stream::engine::{parse_shard_id, Engine};
use kinesis_lab_core::traffic::Traffic;
use kinesis_lab_core::workload::KeyDistribution;
use leptos::prelude::*;
use std::collections::VecDeque;
use std::sync::Arc;

const STREAM: &str = "orders";
const APP_NAMES: [&str; 2] = ["order-service", "analytics"];
/// Workers each application starts with.
const START_WORKERS: [usize; 2] = [2, 1];
const MAX_SHARDS: u32 = 8;
const MAX_RATE: u32 = 1_000;
const SEED: u64 = 1;
const SPEEDS: [(u32, &str); 6] = [
    (1000, "1×"),
    (2000, "2×"),
    (5000, "5×"),
    (10_000, "10×"),
    (30_000, "30×"),
    (60_000, "60×"),
];
/// Log entries kept (lease renewals are not logged on the page); batches of
/// records go first when the log is full.
const LOG_KEEP: usize = 600;
/// Worker colours (CSS classes `owner-0` …).
const COLOURS: usize = 12;

/// The simulation: engine, producer and applications, stepped together.
struct Sim {
    engine: Engine,
    traffic: Traffic,
    apps: Vec<KclApplication>,
}

impl Sim {
    fn new(shards: u32, rate: u32, apps: usize) -> Result<Sim, String> {
        let mut engine = Engine::new();
        engine
            .create_stream(EPOCH_MS, STREAM, shards)
            .map_err(|e| e.to_string())?;
        let mut traffic = Traffic::new(EPOCH_MS);
        let producer = ProducerConfig {
            stream: STREAM.into(),
            records_per_second: rate,
            distribution: KeyDistribution::UserIds,
            record_bytes: 100,
        };
        traffic
            .producers
            .push(Producer::new(0, producer, SEED, EPOCH_MS).map_err(|e| e.to_string())?);
        let config = KclConfig {
            checkpoint: CheckpointPolicy::Millis(10_000),
            ..KclConfig::default()
        };
        let mut list = Vec::new();
        for (name, workers) in APP_NAMES.iter().zip(START_WORKERS).take(apps) {
            let mut app = KclApplication::new(name, STREAM, config, SEED, &engine, EPOCH_MS)
                .map_err(|e| e.to_string())?;
            for _ in 0..workers {
                app.add_worker(EPOCH_MS).map_err(|e| e.to_string())?;
            }
            list.push(app);
        }
        Ok(Sim {
            engine,
            traffic,
            apps: list,
        })
    }

    fn run_until(&mut self, t: u64) {
        kcl::run_until(&mut self.engine, &mut self.traffic, &mut self.apps, t);
        // Nothing on this page reads the engine's own log: keep memory flat.
        self.engine.take_events();
    }

    fn view(&self) -> View {
        let stream = self.engine.stream(STREAM).ok();
        View {
            written: stream
                .map(|s| s.shards.iter().map(|sh| sh.next_seq).sum())
                .unwrap_or(0),
            open_shards: stream
                .map(|s| s.open_shards().map(|sh| sh.id().to_string()).collect())
                .unwrap_or_default(),
            apps: self
                .apps
                .iter()
                .map(|a| AppView {
                    name: a.name.clone(),
                    stats: a.stats.clone(),
                    policy: a.config.checkpoint,
                    leases: a.leases().cloned().collect(),
                    workers: a
                        .workers()
                        .iter()
                        .enumerate()
                        .map(|(i, w)| WorkerView {
                            id: w.id.clone(),
                            colour: i % COLOURS,
                            state: w.state(),
                            leases: w.leases().map(str::to_owned).collect(),
                            processed: w.processed,
                        })
                        .collect(),
                    idle: a.idle_workers(),
                    redelivered_records: a.redelivered().len(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, PartialEq)]
struct WorkerView {
    id: String,
    colour: usize,
    state: WorkerState,
    leases: Vec<String>,
    processed: u64,
}

#[derive(Clone, PartialEq)]
struct AppView {
    name: String,
    stats: KclStats,
    policy: CheckpointPolicy,
    leases: Vec<Lease>,
    workers: Vec<WorkerView>,
    idle: usize,
    redelivered_records: usize,
}

#[derive(Clone, PartialEq, Default)]
struct View {
    apps: Vec<AppView>,
    written: u64,
    open_shards: Vec<String>,
}

/// Everything the section's parts share.
#[derive(Clone, Copy)]
struct Lab {
    sim: StoredValue<Option<Sim>>,
    view: RwSignal<View>,
    /// Latest events, oldest first, each with a running number.
    log: RwSignal<VecDeque<(u64, Arc<KclEvent>)>>,
    logged: StoredValue<u64>,
    now: Memo<u64>,
}

impl Lab {
    /// Shows the simulation's state and moves its new events into the log.
    fn refresh(&self) {
        let Some(Some((view, events))) = self.sim.try_update_value(|s| {
            s.as_mut().map(|s| {
                let events: Vec<KclEvent> =
                    s.apps.iter_mut().flat_map(|a| a.take_events()).collect();
                (s.view(), events)
            })
        }) else {
            return;
        };
        if self.view.with_untracked(|v| *v != view) {
            self.view.set(view);
        }
        let mut events: Vec<KclEvent> = events
            .into_iter()
            .filter(|e| !matches!(e, KclEvent::LeaseRenewed { .. }))
            .collect();
        if events.is_empty() {
            return;
        }
        // Applications are stepped one after the other: put their events
        // back in time order (stable, so each keeps its own order).
        events.sort_by_key(KclEvent::at);
        self.log.update(|log| {
            for ev in events {
                let n = self.logged.get_value();
                self.logged.set_value(n + 1);
                log.push_back((n, Arc::new(ev)));
            }
            while log.len() > LOG_KEEP {
                let oldest_batch = log
                    .iter()
                    .position(|(_, e)| matches!(**e, KclEvent::RecordsProcessed { .. }))
                    .filter(|i| *i < log.len() - LOG_KEEP / 2);
                log.remove(oldest_batch.unwrap_or(0));
            }
        });
    }

    /// Runs a change on one application at the current time, then shows it.
    fn with_app<R>(&self, app: usize, f: impl FnOnce(&mut KclApplication, u64) -> R) -> Option<R> {
        let now = self.now.get_untracked();
        let out = self
            .sim
            .try_update_value(|s| {
                s.as_mut()
                    .and_then(|s| s.apps.get_mut(app))
                    .map(|a| f(a, now))
            })
            .flatten();
        self.refresh();
        out
    }
}

#[component]
pub fn KclSection() -> impl IntoView {
    let ctx = use_ctx();
    let clock = use_sim_clock(5000);
    let now = Memo::new(move |_| EPOCH_MS + clock.now_ms.get());
    let lab = Lab {
        sim: StoredValue::new(None),
        view: RwSignal::new(View::default()),
        log: RwSignal::new(VecDeque::new()),
        logged: StoredValue::new(0),
        now,
    };
    let shards = RwSignal::new("4".to_owned());
    let rate = RwSignal::new("40".to_owned());
    let apps = RwSignal::new(2usize);
    let errors = RwSignal::new(Vec::<ValidationError>::new());
    let build_error = RwSignal::new(None::<String>);

    let build = move || {
        let parsed = [
            parse_count(Field::ShardCount, &shards.get_untracked(), MAX_SHARDS),
            parse_count(Field::RecordRate, &rate.get_untracked(), MAX_RATE),
        ];
        let errs: Vec<ValidationError> = parsed.iter().filter_map(|r| r.clone().err()).collect();
        if !errs.is_empty() {
            errors.set(errs);
            return;
        }
        errors.set(Vec::new());
        let [s, r] = parsed.map(|p| p.unwrap_or(1));
        clock.reset();
        match Sim::new(s, r, apps.get_untracked()) {
            Ok(sim) => {
                lab.sim.set_value(Some(sim));
                lab.log.set(VecDeque::new());
                build_error.set(None);
                lab.refresh();
            }
            Err(e) => build_error.set(Some(e)),
        }
    };
    build();
    // The clock drives the simulation.
    Effect::new(move |_| {
        let t = now.get();
        lab.sim.update_value(|s| {
            if let Some(s) = s {
                s.run_until(t);
            }
        });
        lab.refresh();
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
    let number = move |id: &'static str, label: T, f: Field, sig: RwSignal<String>| {
        let err = error_for(f);
        let invalid = error_for(f);
        let err_id = format!("{id}-error");
        view! {
            <label class="field">
                <span>{move || ctx.t(label)}</span>
                <input id=id class="num" type="text" inputmode="numeric"
                    aria-invalid=move || invalid().is_some().to_string()
                    aria-describedby=err_id.clone()
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { build(); } />
                <span class="error" id=err_id role="alert">{err}</span>
            </label>
        }
    };

    let step = move |ms: u64| {
        clock.running.set(false);
        clock.now_ms.update(|t| *t += ms);
    };

    view! {
        <section class="panel kcl" id="kcl" aria-labelledby="kcl-title">
            <h2 id="kcl-title">{move || ctx.t(T::KclTitle)}</h2>
            <p class="help kcl-intro">{move || ctx.t(T::KclHelp)}</p>
            <fieldset class="kcl-setup">
                <legend>{move || ctx.t(T::KclSetup)}</legend>
                <div class="producer-form">
                    {number("kcl-shards", T::KclShards, Field::ShardCount, shards)}
                    {number("kcl-rate", T::KclRate, Field::RecordRate, rate)}
                    <label class="field">
                        <span>{move || ctx.t(T::KclApps)}</span>
                        <select id="kcl-apps" on:change=move |ev| apps.set(if event_target_value(&ev) == "1" { 1 } else { 2 })>
                            <option value="1" selected=move || apps.get() == 1>{move || ctx.t(T::KclOneApp)}</option>
                            <option value="2" selected=move || apps.get() == 2>{move || ctx.t(T::KclTwoApps)}</option>
                        </select>
                    </label>
                    <button id="kcl-apply" class="button primary" on:click=move |_| build()>{move || ctx.t(T::KclApply)}</button>
                </div>
                <p class="error" role="alert">{move || build_error.get()}</p>
            </fieldset>
            <div class="time-bar kcl-time-bar" role="group" aria-label=move || ctx.t(T::SimTime)>
                <span class="sim-time">
                    <span class="label">{move || ctx.t(T::SimTime)} ": "</span>
                    <strong id="kcl-time" class="mono" data-ms=move || clock.now_ms.get().to_string()>{move || sim_time_text(ctx.lang.get(), now.get())}</strong>
                </span>
                <button id="kcl-play" class="button primary" on:click=move |_| clock.running.update(|r| *r = !*r)>
                    {move || if clock.running.get() { ctx.t(T::Pause) } else { ctx.t(T::Play) }}
                </button>
                <label class="inline">
                    <span>{move || ctx.t(T::Speed)}</span>
                    <select id="kcl-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                        {SPEEDS.map(|(v, label)| view! { <option value=v selected=v == 5000>{label}</option> }).to_vec()}
                    </select>
                </label>
                <button id="kcl-step" class="button" on:click=move |_| step(1_000)>{move || ctx.t(T::KclStep1)}</button>
                <button id="kcl-step10" class="button" on:click=move |_| step(10_000)>{move || ctx.t(T::KclStep10)}</button>
            </div>
            <div class="kcl-split-row">
                <SplitControl lab=lab />
            </div>
            <Show when=move || lab.view.with(|v| v.apps.len() > 1)>
                <p class="help">{move || ctx.t(T::KclTwoAppsHelp)}</p>
            </Show>
            <For each=move || lab.view.with(|v| (0..v.apps.len()).map(|i| (i, v.apps[i].name.clone())).collect::<Vec<_>>())
                key=|(_, name)| name.clone()
                children=move |(i, _)| view! { <AppCard lab=lab app=i /> } />
            <details class="kcl-columns">
                <summary>{move || ctx.t(T::KclColumns)}</summary>
                <dl>
                    <dt class="mono">"leaseKey"</dt><dd>{move || ctx.t(T::KclColLeaseKey)}</dd>
                    <dt class="mono">"checkpoint"</dt><dd>{move || ctx.t(T::KclColCheckpoint)}</dd>
                    <dt class="mono">"checkpointSubSequenceNumber"</dt><dd>{move || ctx.t(T::KclColSub)}</dd>
                    <dt class="mono">"leaseCounter"</dt><dd>{move || ctx.t(T::KclColCounter)}</dd>
                    <dt class="mono">"leaseOwner"</dt><dd>{move || ctx.t(T::KclColOwner)}</dd>
                    <dt class="mono">"ownerSwitchesSinceCheckpoint"</dt><dd>{move || ctx.t(T::KclColSwitches)}</dd>
                    <dt class="mono">"parentShardId"</dt><dd>{move || ctx.t(T::KclColParent)}</dd>
                </dl>
            </details>
            <EventLog lab=lab />
            <Settings />
        </section>
    }
}

/// Splits an open shard at the middle of its hash-key range.
#[component]
fn SplitControl(lab: Lab) -> impl IntoView {
    let ctx = use_ctx();
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let open = Memo::new(move |_| lab.view.with(|v| v.open_shards.clone()));
    let split = move |_| {
        let list = open.get_untracked();
        let Some(id) = Some(chosen.get_untracked())
            .filter(|c| list.contains(c))
            .or_else(|| list.first().cloned())
        else {
            return;
        };
        let now = lab.now.get_untracked();
        let result = lab.sim.try_update_value(|s| {
            let s = s.as_mut()?;
            let range = s.engine.stream(STREAM).ok()?.shard(&id).ok()?.range;
            let mid = range.start.0 + (range.end.0 - range.start.0) / 2 + 1;
            Some(
                s.engine
                    .split_shard(now, STREAM, &id, &mid.to_string())
                    .map(|_| ()),
            )
        });
        match result.flatten() {
            Some(Err(e)) => error.set(Some(e.to_string())),
            _ => error.set(None),
        }
        lab.refresh();
    };
    view! {
        <span class="kcl-split">
            <label class="inline">
                <span>{move || ctx.t(T::KclSplitShard)}</span>
                <select id="kcl-split-shard" class="narrow mono" aria-describedby="kcl-split-help"
                    on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {move || open.get().into_iter().map(|id| {
                        let selected = chosen.get_untracked() == id;
                        view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button id="kcl-split" class="button" on:click=split>{move || ctx.t(T::KclSplit)}</button>
        </span>
        <p class="help kcl-split-help" id="kcl-split-help">{move || ctx.t(T::KclSplitHelp)}</p>
        <p class="error" id="kcl-split-error" role="alert">
            {move || error.get().map(|e| format!("{} {e}", ctx.t(T::KclSplitRefused)))}
        </p>
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

fn state_slug(state: WorkerState) -> &'static str {
    match state {
        WorkerState::Stopped => "stopped",
        WorkerState::Idle => "idle",
        WorkerState::Waiting => "waiting",
        WorkerState::Processing => "processing",
    }
}

/// One application: its numbers, workers, checkpoint policy and lease table.
#[component]
fn AppCard(lab: Lab, app: usize) -> impl IntoView {
    let ctx = use_ctx();
    let data = Memo::new(move |_| lab.view.with(|v| v.apps.get(app).cloned()));
    let name = move || data.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<KclError>);
    let cp_kind = RwSignal::new("millis".to_owned());
    let cp_text = RwSignal::new("10000".to_owned());
    let cp_error = RwSignal::new(None::<KclError>);
    let lang = move || ctx.lang.get();
    let stat = move |f: fn(&AppView) -> u64| {
        move || {
            data.with(|d| {
                d.as_ref()
                    .map(|d| i18n::int(lang(), f(d)))
                    .unwrap_or_default()
            })
        }
    };
    let add = move |_| match lab.with_app(app, |a, now| a.add_worker(now)) {
        Some(Err(e)) => error.set(Some(e)),
        _ => error.set(None),
    };
    let apply_policy =
        move || match kcl::parse_policy(&cp_kind.get_untracked(), &cp_text.get_untracked()) {
            Ok(p) => {
                let r = lab.with_app(app, |a, _| a.set_checkpoint_policy(p));
                cp_error.set(r.and_then(Result::err));
            }
            Err(e) => cp_error.set(Some(e)),
        };
    let title_id = format!("kcl-app-{app}");
    let title_ref = title_id.clone();
    let cp_id = format!("kcl-cp-{app}");
    let cp_err_id = format!("kcl-cp-error-{app}");
    let worker_ids = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref()
                .map(|d| d.workers.iter().map(|w| w.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let lease_keys = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.leases
                        .iter()
                        .map(|l| l.lease_key.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <article class="kcl-app" data-app=name aria-labelledby=title_ref>
            <h3 id=title_id>{name}</h3>
            <dl class="stats kcl-stats">
                <div class="kcl-stat" data-stat="written"><dt>{move || ctx.t(T::KclWritten)}</dt>
                    <dd><span class="n">{move || i18n::int(lang(), lab.view.with(|v| v.written))}</span></dd></div>
                <div class="kcl-stat" data-stat="processed"><dt>{move || ctx.t(T::KclProcessed)}</dt><dd><span class="n">{stat(|d| d.stats.processed)}</span></dd></div>
                <div class="kcl-stat" data-stat="unique"><dt>{move || ctx.t(T::KclUnique)}</dt><dd><span class="n">{stat(|d| d.stats.unique())}</span></dd></div>
                <div class="kcl-stat dup" class:some=move || data.with(|d| d.as_ref().is_some_and(|d| d.stats.duplicates > 0)) data-stat="duplicates"><dt>{move || ctx.t(T::KclDuplicates)}</dt>
                    <dd><span class="n">{stat(|d| d.stats.duplicates)}</span>
                        <small>{move || ctx.t(T::KclInRecords).replace("{n}", &stat(|d| d.redelivered_records as u64)())}</small></dd></div>
                <div class="kcl-stat" data-stat="checkpoints"><dt>{move || ctx.t(T::KclCheckpoints)}</dt><dd><span class="n">{stat(|d| d.stats.checkpoints)}</span></dd></div>
                <div class="kcl-stat" data-stat="idle"><dt>{move || ctx.t(T::KclIdle)}</dt><dd><span class="n">{stat(|d| d.idle as u64)}</span></dd></div>
            </dl>
            <div class="kcl-app-body">
                <div class="kcl-workers">
                    <h4>{move || ctx.t(T::KclWorkers)}</h4>
                    <ul class="plain kcl-worker-list">
                        <For each=move || worker_ids.get() key=|id| id.clone()
                            children=move |id| view! { <WorkerChip lab=lab app=app data=data id=id error=error /> } />
                    </ul>
                    <div class="kcl-worker-tools">
                    <button class="button kcl-add-worker" on:click=add>{move || ctx.t(T::KclAddWorker)}</button>
                    <div class="kcl-checkpoint" role="group" aria-labelledby=cp_id.clone()>
                        <span class="label" id=cp_id.clone()>{move || ctx.t(T::KclCheckpointEvery)}</span>
                        <input class="num kcl-cp-value" type="text" inputmode="numeric"
                            aria-labelledby=cp_id.clone() aria-describedby=cp_err_id.clone()
                            aria-invalid=move || cp_error.with(Option::is_some).to_string()
                            prop:value=move || cp_text.get() on:input=move |ev| cp_text.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { apply_policy(); } />
                        <select class="kcl-cp-kind" aria-label=move || ctx.t(T::KclCheckpointKind)
                            on:change=move |ev| cp_kind.set(event_target_value(&ev))>
                            <option value="millis">{move || ctx.t(T::KclUnitMillis)}</option>
                            <option value="records">{move || ctx.t(T::KclUnitRecords)}</option>
                        </select>
                        <button class="button small kcl-cp-apply" on:click=move |_| apply_policy()>{move || ctx.t(T::KclCheckpointApply)}</button>
                    </div>
                    <p class="help kcl-cp-now">{move || data.with(|d| d.as_ref().map(|d| ctx.t(T::KclCheckpointNow).replace("{policy}", &i18n::kcl_policy(lang(), d.policy)))).unwrap_or_default()}</p>
                    </div>
                    <p class="error kcl-app-error" role="alert">{move || error.get().map(|e| i18n::kcl_error(lang(), &e))}</p>
                    <p class="error kcl-cp-error" id=cp_err_id role="alert">{move || cp_error.get().map(|e| i18n::kcl_error(lang(), &e))}</p>
                </div>
                <div class="table-wrap kcl-table-wrap" tabindex="0" role="region" aria-label=move || ctx.t(T::KclLeaseTable).replace("{app}", &name())>
                    <table class="kcl-leases">
                        <caption>{move || ctx.t(T::KclLeaseTable).replace("{app}", &name())}</caption>
                        <thead><tr>
                            <th scope="col">"leaseKey"</th>
                            <th scope="col">"checkpoint"</th>
                            <th scope="col">"checkpoint"<wbr />"SubSequence"<wbr />"Number"</th>
                            <th scope="col">"lease"<wbr />"Counter"</th>
                            <th scope="col">"leaseOwner"</th>
                            <th scope="col">"ownerSwitches"<wbr />"Since"<wbr />"Checkpoint"</th>
                            <th scope="col">"parent"<wbr />"ShardId"</th>
                        </tr></thead>
                        <tbody>
                            <For each=move || lease_keys.get() key=|k| k.clone()
                                children=move |key| view! { <LeaseRow data=data key=key /> } />
                        </tbody>
                    </table>
                </div>
            </div>
        </article>
    }
}

/// A worker with its state, leases and buttons. Kept across updates, so a
/// button keeps keyboard focus while the numbers change.
#[component]
fn WorkerChip(
    lab: Lab,
    app: usize,
    data: Memo<Option<AppView>>,
    id: String,
    error: RwSignal<Option<KclError>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let me = id.clone();
    let w = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.workers.iter().find(|w| w.id == me).cloned())
        })
    });
    let state = move || w.with(|w| w.as_ref().map(|w| w.state).unwrap_or(WorkerState::Stopped));
    let alive = move || state() != WorkerState::Stopped;
    // One button that kills a running worker and restarts a stopped one, so
    // keyboard focus stays on it.
    let act_id = id.clone();
    let act = move |_| {
        let id = act_id.clone();
        let running = alive();
        let r = lab.with_app(app, move |a, now| {
            if running {
                a.kill_worker(&id, now)
            } else {
                a.restart_worker(&id, now)
            }
        });
        match r {
            Some(Err(e)) => error.set(Some(e)),
            _ => error.set(None),
        }
    };
    let colour = move || w.with(|w| w.as_ref().map(|w| w.colour).unwrap_or(0));
    let label_id = id.clone();
    let label = move || {
        let t = if alive() {
            T::KclKillLabel
        } else {
            T::KclRestartLabel
        };
        ctx.t(t).replace("{w}", &label_id)
    };
    view! {
        <li class=move || format!("kcl-worker owner-{} {}", colour(), state_slug(state()))
            data-worker=id.clone() data-state=move || state_slug(state())>
            <span class="swatch-dot" aria-hidden="true"></span>
            <span class="kcl-worker-id mono">{id.clone()}</span>
            <span class="kcl-worker-state">{move || state_text(lang(), state())}</span>
            <span class="kcl-worker-leases mono">{move || w.with(|w| w.as_ref().map(|w| w.leases.iter().map(|l| short_shard(l)).collect::<Vec<_>>().join(" ")).unwrap_or_default())}</span>
            <span class="kcl-worker-count">{move || ctx.t(T::KclProcessedBy).replace("{n}", &i18n::int(lang(), w.with(|w| w.as_ref().map(|w| w.processed).unwrap_or(0))))}</span>
            <button class=move || if alive() { "button small danger kcl-act kcl-kill" } else { "button small kcl-act kcl-restart" }
                aria-label=label on:click=act>
                {move || if alive() { ctx.t(T::KclKill) } else { ctx.t(T::KclRestart) }}
            </button>
        </li>
    }
}

/// `shardId-000000000003` → `#3`, for the compact worker list.
fn short_shard(lease: &str) -> String {
    parse_shard_id(lease)
        .map(|i| format!("#{i}"))
        .unwrap_or_else(|| lease.to_owned())
}

#[component]
fn LeaseRow(data: Memo<Option<AppView>>, key: String) -> impl IntoView {
    let ctx = use_ctx();
    let k = key.clone();
    let lease = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.leases.iter().find(|l| l.lease_key == k).cloned())
        })
    });
    let get = move |f: fn(&Lease) -> String| {
        move || lease.with(|l| l.as_ref().map(f).unwrap_or_default())
    };
    let owner = move || lease.with(|l| l.as_ref().and_then(|l| l.lease_owner.clone()));
    let finished = move || lease.with(|l| l.as_ref().is_some_and(Lease::finished));
    let checkpoint = move || lease.with(|l| l.as_ref().map(|l| l.checkpoint));
    let colour = move || {
        let o = owner()?;
        data.with(|d| {
            d.as_ref()?
                .workers
                .iter()
                .find(|w| w.id == o)
                .map(|w| w.colour)
        })
    };
    let class = move || {
        let mut c = colour()
            .map(|c| format!("owned owner-{c}"))
            .unwrap_or_default();
        if finished() {
            c.push_str(" finished");
        }
        c
    };
    view! {
        <tr data-lease=key.clone() class=class>
            <th scope="row" class="mono">{key.clone()}</th>
            <td class="c-checkpoint mono" data-seq-index=move || checkpoint().and_then(|c| c.seq_index()).map(|i| i.to_string())
                data-checkpoint=move || checkpoint().map(|c| match c { Checkpoint::At(_) => "SEQUENCE".to_owned(), other => other.to_string() })>
                {move || checkpoint().map(|c| match c {
                    Checkpoint::At(seq) => view! {
                        <span class="cp-pos">{format!("#{}", seq.seq_index)}</span>
                        <span class="seq-full">{seq.to_string()}</span>
                    }.into_any(),
                    other => view! { <span class="cp-sentinel">{other.to_string()}</span> }.into_any(),
                })}
            </td>
            <td class="c-sub mono">{get(|l| l.checkpoint_sub_sequence_number.to_string())}</td>
            <td class="c-counter mono">{get(|l| l.lease_counter.to_string())}</td>
            <td class="c-owner mono" data-owner=owner>
                {move || match owner() {
                    Some(o) => view! { <span class="swatch-dot" aria-hidden="true"></span>{o} }.into_any(),
                    None => view! { <span class="muted">{ctx.t(T::KclNoOwner)}</span> }.into_any(),
                }}
            </td>
            <td class="c-switches mono">{get(|l| l.owner_switches_since_checkpoint.to_string())}</td>
            <td class="c-parent mono">{move || {
                let p = lease.with(|l| l.as_ref().map(|l| l.parent_shard_ids.join(", ")).unwrap_or_default());
                if p.is_empty() { ctx.t(T::KclNoParent).to_owned() } else { p }
            }}</td>
        </tr>
    }
}

/// Data attributes of a log entry, so tests can read what the sentence says.
#[derive(Default)]
struct EventData {
    kind: &'static str,
    worker: Option<String>,
    lease: Option<String>,
    from: Option<String>,
    how: Option<&'static str>,
    first: Option<u64>,
    last: Option<u64>,
    duplicates: Option<u64>,
    seq_index: Option<u64>,
}

fn event_data(ev: &KclEvent) -> EventData {
    use KclEvent as E;
    match ev {
        E::LeaseCreated { lease, .. } => EventData {
            kind: "lease_created",
            lease: Some(lease.clone()),
            ..Default::default()
        },
        E::WorkerStarted { worker, .. } => EventData {
            kind: "worker_started",
            worker: Some(worker.clone()),
            ..Default::default()
        },
        E::WorkerKilled { worker, .. } => EventData {
            kind: "worker_killed",
            worker: Some(worker.clone()),
            ..Default::default()
        },
        E::LeaseTaken {
            lease,
            worker,
            from,
            how,
            ..
        } => EventData {
            kind: "lease_taken",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            from: from.clone(),
            how: Some(match how {
                TakeReason::Unassigned => "unassigned",
                TakeReason::Expired => "expired",
                TakeReason::Reclaimed => "reclaimed",
            }),
            ..Default::default()
        },
        E::LeaseStolen {
            lease,
            worker,
            from,
            ..
        } => EventData {
            kind: "lease_stolen",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            from: Some(from.clone()),
            ..Default::default()
        },
        E::LeaseRenewed { lease, worker, .. } => EventData {
            kind: "lease_renewed",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            ..Default::default()
        },
        E::LeaseLost { lease, worker, .. } => EventData {
            kind: "lease_lost",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            ..Default::default()
        },
        E::WaitingForParents { lease, worker, .. } => EventData {
            kind: "waiting_for_parents",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            ..Default::default()
        },
        E::ProcessorStarted {
            lease,
            worker,
            from,
            ..
        } => EventData {
            kind: "processor_started",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            seq_index: from.seq_index(),
            ..Default::default()
        },
        E::RecordsProcessed {
            lease,
            worker,
            first,
            last,
            duplicates,
            ..
        } => EventData {
            kind: "records_processed",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            first: Some(*first),
            last: Some(*last),
            duplicates: Some(*duplicates),
            ..Default::default()
        },
        E::Checkpointed {
            lease,
            worker,
            checkpoint,
            ..
        } => EventData {
            kind: "checkpointed",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            seq_index: checkpoint.seq_index(),
            ..Default::default()
        },
        E::ShardEnded { lease, worker, .. } => EventData {
            kind: "shard_ended",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            ..Default::default()
        },
        E::ReadFailed { lease, worker, .. } => EventData {
            kind: "read_failed",
            worker: Some(worker.clone()),
            lease: Some(lease.clone()),
            ..Default::default()
        },
    }
}

fn event_app(ev: &KclEvent) -> &str {
    use KclEvent as E;
    match ev {
        E::LeaseCreated { app, .. }
        | E::WorkerStarted { app, .. }
        | E::WorkerKilled { app, .. }
        | E::LeaseTaken { app, .. }
        | E::LeaseStolen { app, .. }
        | E::LeaseRenewed { app, .. }
        | E::LeaseLost { app, .. }
        | E::WaitingForParents { app, .. }
        | E::ProcessorStarted { app, .. }
        | E::RecordsProcessed { app, .. }
        | E::Checkpointed { app, .. }
        | E::ShardEnded { app, .. }
        | E::ReadFailed { app, .. } => app,
    }
}

#[component]
fn EventLog(lab: Lab) -> impl IntoView {
    let ctx = use_ctx();
    let batches = RwSignal::new(false);
    let shown = move || {
        let all = batches.get();
        lab.log.with(|log| {
            log.iter()
                .rev()
                .filter(|(_, e)| all || !matches!(**e, KclEvent::RecordsProcessed { .. }))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="kcl-log-wrap">
            <div class="kcl-log-head">
                <h3 id="kcl-log-title">{move || ctx.t(T::KclLog)}</h3>
                <label class="check">
                    <input id="kcl-show-batches" type="checkbox" prop:checked=move || batches.get() on:change=move |ev| batches.set(event_target_checked(&ev)) />
                    {move || ctx.t(T::KclShowBatches)}
                </label>
            </div>
            <Show when=move || lab.log.with(VecDeque::is_empty)>
                <p class="help">{move || ctx.t(T::KclLogEmpty)}</p>
            </Show>
            <ol id="kcl-log" class="kcl-log" tabindex="0" aria-labelledby="kcl-log-title" reversed=true>
                <For each=shown key=|(n, _)| *n children=move |(_, ev)| {
                    let d = event_data(&ev);
                    let at = ev.at().saturating_sub(EPOCH_MS);
                    let app = event_app(&ev).to_owned();
                    let app_attr = app.clone();
                    let e2 = ev.clone();
                    view! {
                        <li class=format!("kcl-ev {}", d.kind) data-kind=d.kind data-app=app_attr data-at=at.to_string()
                            data-worker=d.worker data-lease=d.lease data-from=d.from data-how=d.how
                            data-first=d.first.map(|v| v.to_string()) data-last=d.last.map(|v| v.to_string())
                            data-duplicates=d.duplicates.map(|v| v.to_string()) data-seq-index=d.seq_index.map(|v| v.to_string())>
                            <span class="kcl-ev-time mono">{move || format!("{} s", i18n::decimal(ctx.lang.get(), at as f64 / 1000.0, 1))}</span>
                            <span class="kcl-ev-app">{app}</span>
                            <span class="kcl-ev-text">{move || i18n::kcl_event(ctx.lang.get(), &e2)}</span>
                        </li>
                    }
                } />
            </ol>
        </div>
    }
}

/// The KCL settings the simulation uses, with what each one does.
#[component]
fn Settings() -> impl IntoView {
    let ctx = use_ctx();
    let c = KclConfig::default();
    let row = move |name: Option<&'static str>, value: String, help: T| {
        view! {
            <div>
                <dt>{name.map(|n| view! { <span class="mono">{n}</span> " " })}<strong>{value}</strong></dt>
                <dd>{move || ctx.t(help)}</dd>
            </div>
        }
    };
    let ms = |v: u64| format!("{} ms", i18n::int(Lang::En, v));
    view! {
        <details class="kcl-settings">
            <summary>{move || ctx.t(T::KclSettings)}</summary>
            <dl>
                {row(Some("failoverTimeMillis"), ms(c.failover_time_millis), T::KclSetFailover)}
                {row(None, ms(c.renewer_interval_millis()), T::KclSetRenew)}
                {row(None, ms(c.taker_interval_millis()), T::KclSetTake)}
                {row(Some("maxLeasesToStealAtOneTime"), c.max_leases_to_steal_at_one_time.to_string(), T::KclSetSteal)}
                {row(Some("idleTimeBetweenReadsInMillis"), ms(c.idle_time_between_reads_millis), T::KclSetIdleRead)}
                {row(Some("parentShardPollIntervalMillis"), ms(c.parent_shard_poll_interval_millis), T::KclSetParent)}
                {row(Some("shardSyncIntervalMillis"), ms(c.shard_sync_interval_millis), T::KclSetSync)}
            </dl>
        </details>
    }
}
