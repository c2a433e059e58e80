//! The seed's comparison tables (4.5, 4.6), each row linked to a scenario
//! (CONTRACT stub: owned by the guide helper).

use leptos::prelude::*;

#[component]
pub fn CompareTables() -> impl IntoView {
    view! { <div class="compare-tables"></div> }
}
