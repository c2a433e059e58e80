//! The Video Streams lesson widget (CONTRACT stub; owned by the video helper).

use super::LabHandle;
use crate::i18n::Lang;
use kinesis_lab_core::lesson::video::{VideoGoal, VideoWhy};
use leptos::prelude::*;

pub fn goal_text(lang: Lang, g: &VideoGoal) -> String {
    match (g, lang) {
        (VideoGoal::Recorded { fragments }, Lang::En) => format!("Record at least {fragments} fragments."),
        (VideoGoal::Recorded { fragments }, Lang::Vi) => format!("Ghi ít nhất {fragments} fragment."),
    }
}

pub fn why_text(lang: Lang, w: &VideoWhy) -> String {
    match (w, lang) {
        (VideoWhy::TooFewFragments { have, need }, Lang::En) => format!("{have} fragments so far; the goal needs {need}."),
        (VideoWhy::TooFewFragments { have, need }, Lang::Vi) => format!("Mới có {have} fragment; mục tiêu cần {need}."),
    }
}

#[component]
pub fn VideoWidget(handle: LabHandle) -> impl IntoView {
    let _ = handle;
    view! { <div class="video-widget"></div> }
}
