//! The SQL lessons' widget: the student's application over the lesson's
//! stock ticker feed (core `lesson::sql`), its result rows and its windows.

use crate::i18n::Lang;
use kinesis_lab_core::lesson::goal::{Goal, Why};
use kinesis_lab_core::lesson::sql::SqlFeature;

fn feature_name(lang: Lang, f: SqlFeature) -> &'static str {
    match (f, lang) {
        (SqlFeature::Continuous, Lang::En) => "a continuous query (no window)",
        (SqlFeature::Continuous, Lang::Vi) => "một truy vấn liên tục (không có cửa sổ)",
        (SqlFeature::Tumbling, Lang::En) => "a tumbling window",
        (SqlFeature::Tumbling, Lang::Vi) => "một cửa sổ tumbling",
        (SqlFeature::Sliding, Lang::En) => "a sliding window",
        (SqlFeature::Sliding, Lang::Vi) => "một cửa sổ trượt (sliding)",
        (SqlFeature::Stagger, Lang::En) => "a stagger window",
        (SqlFeature::Stagger, Lang::Vi) => "một cửa sổ stagger",
        (SqlFeature::EventTime, Lang::En) => "a Flink-style TUMBLE or HOP on event time",
        (SqlFeature::EventTime, Lang::Vi) => "một TUMBLE hoặc HOP kiểu Flink theo event time",
        (SqlFeature::TopK, Lang::En) => "TOP_K_ITEMS_TUMBLING",
        (SqlFeature::TopK, Lang::Vi) => "TOP_K_ITEMS_TUMBLING",
        (SqlFeature::CountDistinct, Lang::En) => "COUNT_DISTINCT_ITEMS_TUMBLING",
        (SqlFeature::CountDistinct, Lang::Vi) => "COUNT_DISTINCT_ITEMS_TUMBLING",
        (SqlFeature::RandomCutForest, Lang::En) => "RANDOM_CUT_FOREST",
        (SqlFeature::RandomCutForest, Lang::Vi) => "RANDOM_CUT_FOREST",
        (SqlFeature::Hotspots, Lang::En) => "HOTSPOTS",
        (SqlFeature::Hotspots, Lang::Vi) => "HOTSPOTS",
    }
}

/// A SQL goal in words.
pub fn goal_text(lang: Lang, g: &Goal) -> String {
    match (g, lang) {
        (Goal::SqlRan { uses: None }, Lang::En) => "Run an application that compiles.".into(),
        (Goal::SqlRan { uses: None }, Lang::Vi) => "Chạy một ứng dụng biên dịch được.".into(),
        (Goal::SqlRan { uses: Some(f) }, Lang::En) => format!("Run an application that uses {}.", feature_name(lang, *f)),
        (Goal::SqlRan { uses: Some(f) }, Lang::Vi) => format!("Chạy một ứng dụng có dùng {}.", feature_name(lang, *f)),
        (Goal::SqlOneRowPerKeyPerWindow { column, seconds }, Lang::En) => format!("Your result has exactly one row per {column} per {seconds}-second window of the input."),
        (Goal::SqlOneRowPerKeyPerWindow { column, seconds }, Lang::Vi) => format!("Kết quả có đúng một dòng cho mỗi {column} trong mỗi cửa sổ {seconds} giây của dữ liệu vào."),
        (Goal::SqlOneRowPerInput, Lang::En) => "Your result has one row for every input row.".into(),
        (Goal::SqlOneRowPerInput, Lang::Vi) => "Kết quả có đúng một dòng cho mỗi dòng dữ liệu vào.".into(),
        (Goal::SqlSpikeStandsOut { column, times }, Lang::En) => format!("Feed a price spike; its row's {column} is at least {times}× the median of the other rows."),
        (Goal::SqlSpikeStandsOut { column, times }, Lang::Vi) => format!("Đưa vào một cú tăng giá đột biến; {column} của dòng đó phải gấp ít nhất {times} lần trung vị của các dòng còn lại."),
        (Goal::SqlLateDropped { rows }, Lang::En) => format!("Run on event time and see at least {rows} late row(s) dropped."),
        (Goal::SqlLateDropped { rows }, Lang::Vi) => format!("Chạy theo event time và thấy ít nhất {rows} dòng đến muộn bị bỏ."),
        _ => String::new(),
    }
}

/// Why a SQL goal is not met, in words.
pub fn why_text(lang: Lang, w: &Why) -> String {
    let num = |x: &Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.2}"));
    match (w, lang) {
        (Why::NoSqlRun, Lang::En) => "No application has run yet: write the SQL and press Run.".into(),
        (Why::NoSqlRun, Lang::Vi) => "Chưa có ứng dụng nào chạy: hãy viết SQL rồi bấm Chạy.".into(),
        (Why::SqlMissingFeature { feature }, Lang::En) => format!("The last application does not use {}.", feature_name(lang, *feature)),
        (Why::SqlMissingFeature { feature }, Lang::Vi) => format!("Ứng dụng vừa chạy không dùng {}.", feature_name(lang, *feature)),
        (Why::SqlNoColumn { column }, Lang::En) => format!("The result stream has no column {column}."),
        (Why::SqlNoColumn { column }, Lang::Vi) => format!("Stream kết quả không có cột {column}."),
        (Why::SqlWrongGroups { expected, rows, missing, extra }, Lang::En) => format!("The input has {expected} (key, window) groups; your result has {rows} rows, {missing} group(s) without a row and {extra} row(s) too many."),
        (Why::SqlWrongGroups { expected, rows, missing, extra }, Lang::Vi) => format!("Dữ liệu vào có {expected} nhóm (key, cửa sổ); kết quả của bạn có {rows} dòng, {missing} nhóm không có dòng nào và thừa {extra} dòng."),
        (Why::SqlNotOnePerInput { inputs, outputs }, Lang::En) => format!("{inputs} rows went in and {outputs} came out."),
        (Why::SqlNotOnePerInput { inputs, outputs }, Lang::Vi) => format!("Có {inputs} dòng vào nhưng {outputs} dòng ra."),
        (Why::SqlNoSpike, Lang::En) => "The last run had no price spike: choose a second for it.".into(),
        (Why::SqlNoSpike, Lang::Vi) => "Lần chạy vừa rồi không có cú tăng giá: hãy chọn giây xảy ra nó.".into(),
        (Why::SqlSpikeNotOut { spike, median, times }, Lang::En) => format!("The spike scored {}; the median of the other rows is {} and the goal needs {times}× that.", num(spike), num(median)),
        (Why::SqlSpikeNotOut { spike, median, times }, Lang::Vi) => format!("Cú tăng giá được {} điểm; trung vị của các dòng khác là {}, mục tiêu cần gấp {times} lần.", num(spike), num(median)),
        (Why::SqlTooFewLate { have, need }, Lang::En) => format!("{have} late row(s) dropped; the goal needs {need}."),
        (Why::SqlTooFewLate { have, need }, Lang::Vi) => format!("Mới có {have} dòng đến muộn bị bỏ; mục tiêu cần {need}."),
        _ => String::new(),
    }
}

use super::LabHandle;
use leptos::prelude::*;

/// The widget (filled in below as the lesson work lands).
#[component]
pub fn SqlWidget(handle: LabHandle) -> impl IntoView {
    let runs = move || handle.lab.with(|l| l.sql.runs.len());
    view! { <div class="sqlw">{move || format!("{} run(s)", runs())}</div> }
}
