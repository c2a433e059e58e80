//! The compare lesson widget: SQS, Kafka and Kinesis columns fed by one
//! workload, with the compare page's form, toggles, counters and columns
//! (`pages/compare/{controls,columns}.rs`). Every control is a
//! `CompareAction` applied through the lesson's `LabHandle`
//! (`Action::Compare`), time included (`Run { seconds }`), so a lesson's
//! stored solution and a share link replay it. Goal wording is in
//! `compare_text.rs` (coordinator's).

use super::LabHandle;
use crate::pages::compare::columns::{time_text, Columns, CounterTable, EosPanel, Snapshot};
use crate::pages::compare::controls::{FormState, Toggles, WorkloadForm};
use crate::pages::compare::text as tx;
use crate::pages::compare::START_MS;
use crate::shell::use_ctx;
use kinesis_lab_core::compare::sim::{CompareAction, Workload};
use kinesis_lab_core::lesson::lab::{Action, LabError};
use leptos::prelude::*;

const RUNS: [(u32, tx::Tx); 3] = [(1, tx::STEP1), (10, tx::STEP10), (60, tx::STEP60)];

#[component]
pub fn CompareWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let snap = Memo::new(move |_| {
        handle
            .lab
            .with(|l| l.compare.sim.as_ref().map(Snapshot::of))
    });
    let actions = Memo::new(move |_| handle.lab.with(|l| l.compare.actions.len()));
    let initial = snap
        .with_untracked(|s| s.as_ref().map(|s| s.workload.clone()))
        .unwrap_or_default();
    let form = FormState::new(&initial);
    let error = RwSignal::new(None::<String>);
    let emphasis = RwSignal::new(false);

    let apply =
        move |a: CompareAction| -> Result<(), kinesis_lab_core::compare::sim::CompareError> {
            match handle.apply(Action::Compare(a)) {
                Ok(()) => Ok(()),
                Err(LabError::Compare(e)) => Err(e),
                Err(other) => Err(kinesis_lab_core::compare::sim::CompareError {
                    field: "op".into(),
                    message: other.to_string(),
                }),
            }
        };
    let start =
        Callback::new(
            move |w: Workload| match apply(CompareAction::Start { workload: w }) {
                Ok(()) => {
                    form.clear_errors();
                    error.set(None);
                }
                Err(e) => form.show_error(ctx.lang.get_untracked(), &e),
            },
        );
    let act = Callback::new(move |a: CompareAction| {
        error.set(
            apply(a)
                .err()
                .map(|e| format!("{}: {}", e.field, e.message)),
        );
    });
    let snap_signal: Signal<Option<Snapshot>> = snap.into();
    let consumers =
        Signal::derive(move || snap.with(|s| s.as_ref().map_or(1, |s| s.workload.consumers)));
    let has_sim = Signal::derive(move || snap.with(Option::is_some));

    view! {
        <div class="compare-widget" id="w-cmp" data-actions=move || actions.get().to_string()>
            <WorkloadForm prefix="w-cmp" form=form start=start />
            <div class="time-bar cmp-time-bar" role="group" aria-label=move || tx::RUN.get(lang())>
                <span class="sim-time">
                    <span class="label">{move || tx::TIME.get(lang())} ": "</span>
                    <strong id="w-cmp-time" class="mono" data-ms=move || snap.with(|s| s.as_ref().map(|s| s.now_ms.saturating_sub(START_MS).to_string()))>
                        {move || time_text(lang(), &snap.get())}
                    </strong>
                </span>
                {RUNS.map(|(secs, label)| view! {
                    <button type="button" class="button cmp-run" data-seconds=secs disabled=move || !has_sim.get()
                        on:click=move |_| act.run(CompareAction::Run { seconds: secs })>
                        {move || label.get(lang())}
                    </button>
                }).into_iter().collect_view()}
            </div>
            <Show when=move || !has_sim.get()>
                <p class="muted">{move || tx::WIDGET_START_FIRST.get(lang())}</p>
            </Show>
            <CounterTable snap=snap_signal />
            <div class="cmp-main">
                <Toggles prefix="w-cmp" act=act consumers=consumers enabled=has_sim emphasis=emphasis error=error />
                <Columns snap=snap_signal emphasis=emphasis />
                <EosPanel snap=snap_signal />
            </div>
        </div>
    }
}
