//! The decision tree (seed 4.7) as a lesson widget: the page's tree, and
//! when the student's answers reach a recommendation they are applied to
//! the lesson's lab as `Action::Decide { answers }`, so the lesson's goals
//! can check where the answers led.

use super::LabHandle;
use crate::i18n::T;
use crate::pages::compare::decide::{ScenarioTable, TreeView};
use crate::shell::use_ctx;
use kinesis_lab_core::lesson::lab::Action;
use leptos::prelude::*;

#[component]
pub fn DecideWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let answers = RwSignal::new(Vec::<bool>::new());
    let error = RwSignal::new(None::<String>);
    let recorded = RwSignal::new(0usize);
    let on_leaf = Callback::new(move |path: Vec<bool>| {
        match handle.apply(Action::Decide { answers: path }) {
            Ok(()) => {
                error.set(None);
                recorded.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(format!("{e:?}"))),
        }
    });
    view! {
        <div class="decide-widget" id="w-decide" data-recorded=move || recorded.get()>
            <TreeView answers=answers prefix="w-dt" on_leaf=on_leaf />
            <p class="status" role="status" id="w-dt-recorded">
                {move || (recorded.get() > 0).then(|| ctx.t(T::GuideDecided))}
            </p>
            <p class="error" id="w-dt-error">{move || error.get()}</p>
            <ScenarioTable answers=answers prefix="w-dt" on_fill=on_leaf />
        </div>
    }
}
