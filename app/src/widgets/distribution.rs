//! The key-distribution choice, shared by the visualiser page and the
//! lesson histogram widget.

use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::workload::KeyDistribution;
use leptos::prelude::*;

#[component]
pub fn DistributionPicker(
    /// The radio group's name (unique on the page).
    name: &'static str,
    #[prop(into)] selected: Signal<KeyDistribution>,
    on_pick: Callback<KeyDistribution>,
) -> impl IntoView {
    let ctx = use_ctx();
    let option = move |d: KeyDistribution| {
        view! {
            <label class="choice">
                <input type="radio" name=name value=d.slug()
                    prop:checked=move || selected.get() == d
                    on:change=move |_| on_pick.run(d) />
                <span class="stack">
                    <strong>{move || i18n::distribution(ctx.lang.get(), d)}</strong>
                    <small>{move || i18n::distribution_detail(ctx.lang.get(), d)}</small>
                </span>
            </label>
        }
    };
    view! {
        <fieldset>
            <legend>{move || ctx.t(T::Distribution)}</legend>
            {KeyDistribution::ALL.into_iter().map(option).collect_view()}
        </fieldset>
    }
}
