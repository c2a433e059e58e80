//! `#/compare`: the same workload through SQS, Kafka and Kinesis in three
//! synchronised columns, the seed's comparison tables and the decision tree
//! (CONTRACT stub: the columns and toggles are the compare-page helper's;
//! `tables.rs` and `decide.rs` are the guide helper's).

pub mod decide;
pub mod tables;

use crate::i18n::T;
use crate::shell::use_ctx;
use leptos::prelude::*;

#[component]
pub fn ComparePage() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="page compare-page">
            <h1>{move || ctx.t(T::CompareTitle)}</h1>
            <tables::CompareTables />
            <decide::DecisionTree />
        </section>
    }
}
