//! The decision tree (seed 4.7) as a lesson widget (CONTRACT stub; owned by
//! the guide helper, who also builds the page's decision tree).

use super::LabHandle;
use leptos::prelude::*;

#[component]
pub fn DecideWidget(handle: LabHandle) -> impl IntoView {
    let _ = handle;
    view! { <div class="decide-widget"></div> }
}
