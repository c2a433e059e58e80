//! The compare lesson widget: SQS, Kafka and Kinesis columns fed by one
//! workload (CONTRACT stub; owned by the compare page helper, who also
//! builds the page's columns so both share them). Goal wording is in
//! `compare_text.rs` (coordinator's).

use super::LabHandle;
use leptos::prelude::*;

#[component]
pub fn CompareWidget(handle: LabHandle) -> impl IntoView {
    let _ = handle;
    view! { <div class="compare-widget"></div> }
}
