//! `#/compare`: the same workload through SQS, Kafka and Kinesis in three
//! synchronised columns, the seed's comparison tables and the decision tree.
//!
//! - `controls.rs`: the workload form and the toggles (each one a
//!   `CompareAction`), shared with the lesson widget (`widgets/compare.rs`);
//! - `columns.rs`: the live counters and the three columns, drawn from the
//!   engine's `ColumnView`s, shared with the widget too;
//! - `text.rs`: the words of both, in English and Vietnamese;
//! - `tables.rs` and `decide.rs`: the comparison tables and the decision tree
//!   (the guide's).
//!
//! This file is the only one on the page that calls core's `CompareSim`. The
//! page clock (`use_sim_clock`) moves it with `advance_to`; a toggle first
//! brings the engine to the next whole simulated second, so what was done is
//! exactly `Start`, `Run { seconds }` and the toggles, in order: the address
//! (`?run=<share link>`) replays it, and `?scenario=<id>` plays one of the
//! engine's presets in time.

pub mod columns;
pub mod controls;
pub mod decide;
pub mod tables;
pub mod text;

use crate::browser;
use crate::clock::{use_sim_clock, SimClock};
use crate::i18n::{Lang, T};
use crate::route::{Location, Page};
use crate::share;
use crate::shell::use_ctx;
use crate::widgets::copy_link::CopyLink;
use columns::{time_text, Columns, CounterTable, EosPanel, Snapshot};
use controls::{FormState, Toggles, WorkloadForm};
use kinesis_lab_core::api::scenario::DEFAULT_START_MS;
use kinesis_lab_core::compare::sim::{
    presets, CompareAction, CompareError, CompareSim, Preset, Workload, MAX_RUN_SECONDS,
};
use leptos::prelude::*;
use std::collections::VecDeque;
use text as tx;

/// Where every run starts (the same start the lessons and the CLI use).
pub const START_MS: u64 = DEFAULT_START_MS;
/// The most simulated time one clock tick covers, so a tick's work stays small.
const MAX_STEP_MS: u64 = 2_000;
const SPEEDS: [(u32, &str); 7] = [
    (250, "0.25×"),
    (500, "0.5×"),
    (1000, "1×"),
    (2000, "2×"),
    (5000, "5×"),
    (10_000, "10×"),
    (30_000, "30×"),
];
const STEPS: [(u32, tx::Tx); 3] = [(1, tx::STEP1), (10, tx::STEP10), (60, tx::STEP60)];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    /// No preset is playing.
    Off,
    Playing,
    /// A preset played to its end.
    Done,
}

/// The page's simulation and what it has done.
#[derive(Clone, Copy)]
struct Lab {
    sim: StoredValue<Option<CompareSim>>,
    snap: RwSignal<Option<Snapshot>>,
    /// Everything applied, as actions: `Start`, then `Run`s and toggles.
    log: StoredValue<Vec<CompareAction>>,
    /// Simulated ms since the start that the log's `Run`s cover.
    logged_ms: StoredValue<u64>,
    /// A preset's actions still to play, and the end of the `Run` under way.
    script: StoredValue<VecDeque<CompareAction>>,
    run_target: StoredValue<Option<u64>>,
    script_state: RwSignal<Script>,
    script_left: RwSignal<usize>,
    clock: SimClock,
    error: RwSignal<Option<String>>,
    /// Bumped when the log changes (the address follows it).
    version: RwSignal<u64>,
}

/// `Run` actions covering `seconds` (the engine takes at most
/// `MAX_RUN_SECONDS` in one).
fn runs(seconds: u64) -> impl Iterator<Item = u32> {
    let max = MAX_RUN_SECONDS as u64;
    let full = seconds / max;
    let rest = seconds % max;
    (0..full)
        .map(move |_| max as u32)
        .chain((rest > 0).then_some(rest as u32))
}

fn rel(sim: &CompareSim) -> u64 {
    sim.now_ms.saturating_sub(START_MS)
}

fn err_text(e: &CompareError) -> String {
    format!("{}: {}", e.field, e.message)
}

impl Lab {
    fn refresh(&self) {
        let snap = self.sim.with_value(|s| s.as_ref().map(Snapshot::of));
        if self.snap.with_untracked(|old| *old != snap) {
            self.snap.set(snap);
        }
    }

    fn sim_rel(&self) -> u64 {
        self.sim.with_value(|s| s.as_ref().map_or(0, rel))
    }

    fn push_log(&self, a: CompareAction) {
        self.log.update_value(|l| l.push(a));
        self.version.update(|v| *v += 1);
    }

    /// A fresh simulation of this workload at time zero (paused).
    fn start(&self, w: Workload) -> Result<(), CompareError> {
        let sim = CompareSim::new(w.clone(), START_MS)?;
        self.sim.set_value(Some(sim));
        self.log.set_value(Vec::new());
        self.logged_ms.set_value(0);
        self.push_log(CompareAction::Start { workload: w });
        self.clock.reset();
        self.error.set(None);
        self.refresh();
        Ok(())
    }

    /// Brings the engine to the next whole second and logs the time that
    /// passed as `Run`, so the log replays to this exact moment.
    fn catch_up(&self) {
        let now = self.sim_rel();
        let whole = now.div_ceil(1000) * 1000;
        if whole > now {
            self.sim.update_value(|s| {
                if let Some(s) = s {
                    s.advance_to(START_MS + whole);
                }
            });
        }
        let logged = self.logged_ms.get_value();
        for seconds in runs(whole.saturating_sub(logged) / 1000) {
            self.push_log(CompareAction::Run { seconds });
        }
        self.logged_ms.set_value(whole.max(logged));
    }

    /// Applies one action now (the engine's `apply`) and logs it.
    fn apply_now(&self, a: &CompareAction) -> Result<(), CompareError> {
        let result = self
            .sim
            .try_update_value(|s| match s {
                Some(s) => s.apply(a),
                None => Err(CompareError {
                    field: "op".into(),
                    message: "start a comparison first".into(),
                }),
            })
            .unwrap_or(Ok(()));
        if result.is_ok() {
            if let CompareAction::Run { .. } = a {
                self.logged_ms.set_value(self.sim_rel());
            }
            self.push_log(a.clone());
        }
        result
    }

    /// A toggle or a step pressed by the student: it ends a playing preset.
    fn act(&self, a: CompareAction) {
        if let CompareAction::Start { workload } = a {
            if let Err(e) = self.start(workload) {
                self.error.set(Some(err_text(&e)));
            }
            return;
        }
        self.stop_script(Script::Off);
        self.catch_up();
        match self.apply_now(&a) {
            Ok(()) => self.error.set(None),
            Err(e) => self.error.set(Some(err_text(&e))),
        }
        self.clock.now_ms.set(self.sim_rel());
        self.refresh();
    }

    fn stop_script(&self, state: Script) {
        self.script.set_value(VecDeque::new());
        self.run_target.set_value(None);
        self.script_left.set(0);
        if self.script_state.get_untracked() != state {
            self.script_state.set(state);
        }
    }

    /// Plays a preset: its workload now, its actions as time reaches them.
    fn play(&self, preset: &Preset) -> Result<(), CompareError> {
        self.start(preset.workload.clone())?;
        self.script
            .set_value(preset.actions.iter().cloned().collect());
        self.script_left.set(preset.actions.len());
        self.script_state.set(Script::Playing);
        self.pump(0);
        if self.script_state.get_untracked() == Script::Playing {
            self.clock.running.set(true);
        }
        Ok(())
    }

    /// Moves a playing preset on to `now` (simulated ms since the start):
    /// a `Run` lasts its seconds on the clock, other actions apply at once.
    fn pump(&self, mut now: u64) {
        loop {
            if let Some(target) = self.run_target.get_value() {
                let reach = now.min(target);
                self.sim.update_value(|s| {
                    if let Some(s) = s {
                        s.advance_to(START_MS + reach);
                    }
                });
                if now < target {
                    break;
                }
                self.run_target.set_value(None);
                let logged = self.logged_ms.get_value();
                for seconds in runs(target.saturating_sub(logged) / 1000) {
                    self.push_log(CompareAction::Run { seconds });
                }
                self.logged_ms.set_value(target.max(logged));
                continue;
            }
            let next = self.script.try_update_value(|q| q.pop_front()).flatten();
            self.script_left.set(self.script.with_value(VecDeque::len));
            match next {
                None => {
                    if self.script_state.get_untracked() == Script::Playing {
                        self.script_state.set(Script::Done);
                        self.clock.running.set(false);
                        self.clock.now_ms.set(self.sim_rel());
                    }
                    break;
                }
                Some(CompareAction::Run { seconds }) => {
                    self.run_target
                        .set_value(Some(self.sim_rel() + seconds as u64 * 1000));
                }
                Some(CompareAction::Start { workload }) => {
                    let rest = self.script.with_value(Clone::clone);
                    if let Err(e) = self.start(workload) {
                        self.error.set(Some(err_text(&e)));
                        self.stop_script(Script::Done);
                        break;
                    }
                    self.script.set_value(rest);
                    self.clock.running.set(true);
                    now = 0;
                }
                Some(a) => {
                    if let Err(e) = self.apply_now(&a) {
                        self.error.set(Some(err_text(&e)));
                    }
                }
            }
        }
        self.refresh();
    }

    /// Plays the rest of a preset at once: each `Run` to its end, each
    /// other action as it comes.
    fn skip(&self) {
        if self.script_state.get_untracked() != Script::Playing {
            return;
        }
        self.clock.running.set(false);
        // Each pass ends one `Run` (or starts the first), and pump plays the
        // actions after it up to the next `Run`; the queue's end sets Done.
        let mut guard = 0usize;
        while self.script_state.get_untracked() == Script::Playing && guard <= share::MAX_ACTIONS * 2 {
            guard += 1;
            let to = self.run_target.get_value().unwrap_or_else(|| self.sim_rel());
            self.pump(to);
        }
        self.stop_script(Script::Done);
        self.clock.running.set(false);
        self.clock.now_ms.set(self.sim_rel());
        self.refresh();
    }

    /// Play, or pause at the next whole second (logged as a `Run`, so the
    /// address then holds exactly what is on the screen).
    fn play_pause(&self) {
        if !self.clock.running.get_untracked() {
            self.clock.running.set(true);
            return;
        }
        self.clock.running.set(false);
        if self.script_state.get_untracked() != Script::Playing {
            self.catch_up();
            self.clock.now_ms.set(self.sim_rel());
            self.refresh();
        }
    }

    /// Replays a shared log at once; false if some action was refused.
    fn replay(&self, actions: &[CompareAction]) -> bool {
        let Some((CompareAction::Start { workload }, rest)) = actions.split_first() else {
            return false;
        };
        if self.start(workload.clone()).is_err() {
            return false;
        }
        let mut ok = true;
        for a in rest {
            let r = match a {
                CompareAction::Start { workload } => self.start(workload.clone()),
                other => self.apply_now(other),
            };
            if r.is_err() {
                ok = false;
                break;
            }
        }
        self.clock.now_ms.set(self.sim_rel());
        self.refresh();
        ok
    }

    /// The log up to now, for the address: whole seconds since the last
    /// logged action become one more `Run`.
    fn link_actions(&self) -> Vec<CompareAction> {
        let mut list = self.log.get_value();
        let extra = self.sim_rel().saturating_sub(self.logged_ms.get_value()) / 1000;
        if !list.is_empty() {
            list.extend(runs(extra).map(|seconds| CompareAction::Run { seconds }));
        }
        list
    }
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let clock = use_sim_clock(1000);
    clock.max_step_ms.set(MAX_STEP_MS);
    let lab = Lab {
        sim: StoredValue::new(None),
        snap: RwSignal::new(None),
        log: StoredValue::new(Vec::new()),
        logged_ms: StoredValue::new(0),
        script: StoredValue::new(VecDeque::new()),
        run_target: StoredValue::new(None),
        script_state: RwSignal::new(Script::Off),
        script_left: RwSignal::new(0),
        clock,
        error: RwSignal::new(None),
        version: RwSignal::new(0),
    };
    let form = FormState::new(&Workload::default());
    let notice = RwSignal::new(None::<String>);
    let emphasis = RwSignal::new(false);
    let scenario = RwSignal::new(None::<&'static str>);
    let all_presets = StoredValue::new(presets());

    // What the address asks for: a preset, a shared run, or the defaults.
    // Runs on the first load and whenever a link to this page is followed
    // (the guide's table rows link to `#/compare?scenario=<id>`).
    Effect::new(move |_| {
        let query = ctx
            .location
            .with(|l| (l.page == Page::Compare).then(|| l.query.clone()));
        let Some(query) = query else { return };
        let lang = ctx.lang.get_untracked();
        notice.set(None);
        scenario.set(None);
        lab.stop_script(Script::Off);
        if let Some(id) = query.get("scenario") {
            let found = all_presets.with_value(|ps| ps.iter().find(|p| p.id == id).cloned());
            match found {
                Some(p) => {
                    form.set(&p.workload);
                    scenario.set(Some(p.id));
                    if let Err(e) = lab.play(&p) {
                        form.show_error(lang, &e);
                    }
                    return;
                }
                None => {
                    let shown: String = id.chars().take(40).collect();
                    notice.set(Some(tx::UNKNOWN_SCENARIO.get(lang).replace("{id}", &shown)));
                }
            }
        } else if let Some(encoded) = query.get("run") {
            match share::decode::<CompareAction>(encoded) {
                Ok(actions) => {
                    if let Some(CompareAction::Start { workload }) = actions.first() {
                        form.set(workload);
                    }
                    if lab.replay(&actions) {
                        return;
                    }
                    if lab.sim.with_value(Option::is_some) {
                        notice.set(Some(tx::LINK_REPLAY_FAILED.get(lang).to_owned()));
                        return;
                    }
                    notice.set(Some(tx::LINK_BROKEN.get(lang).to_owned()));
                }
                Err(_) => notice.set(Some(tx::LINK_BROKEN.get(lang).to_owned())),
            }
        }
        let w = Workload::default();
        form.set(&w);
        if let Err(e) = lab.start(w) {
            form.show_error(lang, &e);
        }
    });

    // The clock moves the engine (or the preset that is playing).
    Effect::new(move |_| {
        let now = clock.now_ms.get();
        if lab.script_state.get_untracked() == Script::Playing {
            lab.pump(now);
        } else {
            lab.sim.update_value(|s| {
                if let Some(s) = s {
                    s.advance_to(START_MS + now);
                }
            });
            lab.refresh();
        }
    });

    // The address holds what the student did (not while a preset plays, and
    // not every tick: on each action and each pause).
    Effect::new(move |prev: Option<()>| {
        lab.version.track();
        let running = clock.running.get();
        if prev.is_none() || running || lab.script_state.get_untracked() == Script::Playing {
            return;
        }
        let actions = lab.link_actions();
        let mut loc = Location::new(Page::Compare);
        let encoded = share::encode(&actions);
        if encoded.len() <= share::MAX_LEN && actions.len() <= share::MAX_ACTIONS {
            loc = loc.with("run", encoded);
        }
        browser::replace_hash(&loc.to_hash());
    });

    let start = Callback::new(move |w: Workload| {
        lab.stop_script(Script::Off);
        scenario.set(None);
        if let Err(e) = lab.start(w) {
            form.show_error(ctx.lang.get_untracked(), &e);
        } else {
            form.clear_errors();
        }
    });
    let act = Callback::new(move |a: CompareAction| {
        scenario.set(None);
        lab.act(a)
    });
    let snap: Signal<Option<Snapshot>> = lab.snap.into();
    let consumers =
        Signal::derive(move || snap.with(|s| s.as_ref().map_or(1, |s| s.workload.consumers)));
    let has_sim = Signal::derive(move || snap.with(Option::is_some));
    let state_slug = move || match lab.script_state.get() {
        Script::Off => "free",
        Script::Playing => "playing",
        Script::Done => "done",
    };

    view! {
        <section class="page compare-page" id="compare" data-script=state_slug data-scenario=move || scenario.get()>
            <h1>{move || ctx.t(T::CompareTitle)}</h1>
            <p class="lead">{move || tx::LEAD.get(lang())}</p>
            <Show when=move || notice.with(Option::is_some)>
                <p class="notice" id="cmp-notice" role="alert">{move || notice.get()}</p>
            </Show>
            <div class="cmp-setup">
                <WorkloadForm prefix="cmp" form=form start=start />
                <nav class="cmp-presets" aria-labelledby="cmp-presets-title">
                    <h2 id="cmp-presets-title">{move || tx::PRESETS.get(lang())}</h2>
                    <p class="help">{move || tx::PRESETS_HELP.get(lang())}</p>
                    <ul class="plain cmp-preset-list">
                        {all_presets.with_value(|ps| ps.iter().map(|p| {
                            let id = p.id;
                            let title = p.title.clone();
                            view! {
                                <li class="cmp-preset-item">
                                    <a class="cmp-preset" data-preset=id href=format!("#/compare?scenario={id}")
                                        aria-current=move || (scenario.get() == Some(id)).then_some("true")>
                                        {move || if lang() == Lang::En { title.en.clone() } else { title.vi.clone() }}
                                    </a>
                                </li>
                            }
                        }).collect_view())}
                    </ul>
                    <p class="cmp-scenario-summary" id="cmp-scenario-summary" aria-live="polite">
                        {move || scenario.get().and_then(|id| all_presets.with_value(|ps| ps.iter().find(|p| p.id == id).map(|p| {
                            if lang() == Lang::En { p.summary.en.clone() } else { p.summary.vi.clone() }
                        })))}
                    </p>
                </nav>
            </div>
            <div class="time-bar cmp-time-bar" role="group" aria-label=move || tx::TIME.get(lang())>
                <span class="sim-time">
                    <span class="label">{move || tx::TIME.get(lang())} ": "</span>
                    <strong id="cmp-time" class="mono" data-ms=move || snap.with(|s| s.as_ref().map(|s| s.now_ms.saturating_sub(START_MS).to_string()))>
                        {move || time_text(lang(), &snap.get())}
                    </strong>
                </span>
                <button type="button" id="cmp-play" class="button primary" disabled=move || !has_sim.get()
                    on:click=move |_| lab.play_pause()>
                    {move || if clock.running.get() { tx::PAUSE.get(lang()) } else { tx::PLAY.get(lang()) }}
                </button>
                <label class="inline">
                    <span>{move || tx::SPEED.get(lang())}</span>
                    <select id="cmp-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                        {SPEEDS.map(|(v, label)| view! { <option value=v selected=v == 1000>{label}</option> }).into_iter().collect_view()}
                    </select>
                </label>
                {STEPS.map(|(secs, label)| view! {
                    <button type="button" class="button cmp-step" data-seconds=secs disabled=move || !has_sim.get()
                        on:click=move |_| { clock.running.set(false); act.run(CompareAction::Run { seconds: secs }) }>
                        {move || label.get(lang())}
                    </button>
                }).into_iter().collect_view()}
                <CopyLink />
            </div>
            <Show when=move || lab.script_state.get() != Script::Off>
                <p class="cmp-script" id="cmp-script" role="status">
                    {move || match lab.script_state.get() {
                        Script::Playing => tx::SCRIPT_PLAYING.get(lang()).replace("{left}", &crate::i18n::int(lang(), lab.script_left.get() as u64)),
                        _ => tx::SCRIPT_DONE.get(lang()).to_owned(),
                    }}
                    <Show when=move || lab.script_state.get() == Script::Playing>
                        " "
                        <button type="button" id="cmp-skip" class="button small" on:click=move |_| lab.skip()>{move || tx::SKIP.get(lang())}</button>
                    </Show>
                </p>
            </Show>
            <Show when=move || !has_sim.get()>
                <p class="muted">{move || tx::NOT_STARTED.get(lang())}</p>
            </Show>
            <CounterTable snap=snap />
            <div class="cmp-main">
                <Toggles prefix="cmp" act=act consumers=consumers enabled=has_sim emphasis=emphasis error=lab.error />
                <Columns snap=snap emphasis=emphasis />
                <EosPanel snap=snap />
            </div>
            <tables::CompareTables />
            <decide::DecisionTree />
        </section>
    }
}
