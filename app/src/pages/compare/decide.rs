//! The interactive decision tree (seed 4.7) and the scenario →
//! recommendation table (CONTRACT stub: owned by the guide helper).

use leptos::prelude::*;

#[component]
pub fn DecisionTree() -> impl IntoView {
    view! { <div class="decision-tree"></div> }
}
