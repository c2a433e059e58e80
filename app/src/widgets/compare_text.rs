//! The compare lessons' goals and reasons, in both languages (coordinator's).

use crate::i18n::Lang;
use kinesis_lab_core::lesson::compare::{CompareGoal, CompareWhy};

pub fn goal_text(lang: Lang, g: &CompareGoal) -> String {
    match (g, lang) {
        (CompareGoal::Started, Lang::En) => "Start a comparison.".into(),
        (CompareGoal::Started, Lang::Vi) => "Bắt đầu một phép so sánh.".into(),
    }
}

pub fn why_text(lang: Lang, w: &CompareWhy) -> String {
    match (w, lang) {
        (CompareWhy::NotStarted, Lang::En) => "Nothing has run yet: press Start.".into(),
        (CompareWhy::NotStarted, Lang::Vi) => "Chưa chạy gì: hãy bấm Bắt đầu.".into(),
    }
}
