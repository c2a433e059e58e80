//! Lesson widget: Firehose delivery streams (core `lesson::firehose` over
//! core `firehose`). Creating a delivery stream, sending traffic, letting
//! time pass and reading again are engine actions (`Action::Firehose*`), so
//! they replay from a link and the goals check them. It shows the newest
//! delivery stream's buffer (fill and age against its hints), its
//! deliveries with their reason and key, the other objects in its bucket
//! (error output, backups), a preview of the newest object, and every
//! delivery stream of the lesson side by side.
//!
//! Its strings are pairs `(English, Vietnamese)` in this file, used through
//! [`t`], so a missing translation does not compile; goal and failure texts
//! for the Firehose goals are here too (`i18n::goal`/`i18n::why` call them).

use super::LabHandle;
use crate::i18n::{self, Lang};
use crate::shell::use_ctx;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::firehose::buffer::FlushReason;
use kinesis_lab_core::lesson::firehose::{
    FhCompression, FhData, FhDestination, FhError, FhRun, FhSettings, FhTransform, FhView,
    MAX_FH_RATE, MAX_FH_RECORD_BYTES, MAX_FH_SEND_SECONDS, MAX_FH_WAIT_SECONDS,
};
use kinesis_lab_core::lesson::goal::{FhReason, Goal, Why};
use kinesis_lab_core::lesson::lab::{Action, LabError};
use leptos::prelude::*;

type Pair = (&'static str, &'static str);

fn t(lang: Lang, p: Pair) -> &'static str {
    match lang {
        Lang::En => p.0,
        Lang::Vi => p.1,
    }
}

const HELP: Pair = (
    "Create a delivery stream, send it records, and let simulated time pass. The newest delivery stream is shown in full; earlier ones stay in the table at the bottom. Every number comes from the simulated Firehose.",
    "Tạo một delivery stream, gửi record vào, rồi cho thời gian mô phỏng trôi qua. Delivery stream mới nhất được hiển thị đầy đủ; các stream trước vẫn nằm trong bảng ở cuối. Mọi con số đều do Firehose mô phỏng tính ra.",
);
const SETTINGS: Pair = ("New delivery stream", "Delivery stream mới");
const SETTINGS_COL: Pair = ("Settings", "Thiết lập");
const SIZE: Pair = ("Buffer size (MiB)", "Buffer size (MiB)");
const INTERVAL: Pair = ("Buffer interval (s)", "Buffer interval (giây)");
const DESTINATION: Pair = ("Destination", "Đích");
const COMPRESSION: Pair = ("Compression", "Nén");
const TRANSFORM: Pair = ("Transform (Lambda)", "Transform (Lambda)");
const PARQUET: Pair = ("Convert to Parquet", "Chuyển sang Parquet");
const BACKUP: Pair = ("Source backup", "Sao lưu nguồn");
const FAILS: Pair = ("Endpoint fails", "Endpoint lỗi");
const FROM_STREAM: Pair = ("Read from a data stream", "Đọc từ data stream");
const CREATE: Pair = ("Create delivery stream", "Tạo delivery stream");
const TRAFFIC: Pair = ("Traffic", "Dữ liệu gửi vào");
const DATA: Pair = ("Records", "Loại record");
const SEND: Pair = ("Send", "Gửi");
const WAIT_SECS: Pair = ("Seconds to pass", "Số giây cho trôi qua");
const WAIT: Pair = ("Let time pass", "Cho thời gian trôi");
const REPLAY: Pair = ("Read again", "Đọc lại");
const NONE_YET: Pair = (
    "No delivery stream yet: choose the settings and press Create delivery stream.",
    "Chưa có delivery stream nào: chọn thiết lập rồi bấm Tạo delivery stream.",
);
const STREAM: Pair = ("Delivery stream", "Delivery stream");
const CLOCK: Pair = ("since it was created", "kể từ khi được tạo");
const BUFFER: Pair = ("Buffer", "Bộ đệm");
const LAMBDA_BUFFER: Pair = ("Lambda buffer", "Bộ đệm trước Lambda");
const NOT_TAKEN: Pair = ("not taken by the destination", "đích không nhận");
const FILL: Pair = ("of the size hint", "so với size hint");
const AGE: Pair = ("oldest record waited", "record cũ nhất đã chờ");
const EMPTY: Pair = ("empty", "trống");
const RECEIVED: Pair = ("Received", "Đã nhận");
const DELIVERED: Pair = ("Delivered", "Đã chuyển");
const DROPPED: Pair = ("Dropped", "Bị bỏ (Dropped)");
const FAILED: Pair = ("To an error prefix", "Vào error prefix");
const BACKED_UP: Pair = ("Backed up", "Đã sao lưu");
const INVOCATIONS: Pair = ("Lambda invocations", "Lần gọi Lambda");
const ATTEMPTS: Pair = ("Requests to the destination", "Request tới đích");
const ROWS: Pair = ("Rows loaded by COPY", "Dòng COPY đã nạp");
const IN_STREAM: Pair = ("Records in the data stream", "Record trong data stream");
const DELIVERIES: Pair = (
    "Deliveries (newest last)",
    "Các lần chuyển (mới nhất ở cuối)",
);
const AT: Pair = ("At", "Lúc");
const REASON: Pair = ("Reason", "Lý do");
const RECORDS: Pair = ("Records", "Record");
const RAW: Pair = ("Bytes in", "Byte vào");
const STORED: Pair = ("Stored", "Đã lưu");
const WAITED: Pair = ("Waited", "Đã chờ");
const KEY: Pair = ("S3 key", "Key S3");
const NO_DELIVERY: Pair = ("Nothing delivered yet.", "Chưa có lần chuyển nào.");
const OTHER_OBJECTS: Pair = (
    "Other objects in the bucket",
    "Các object khác trong bucket",
);
const KIND: Pair = ("Kind", "Loại");
const PREVIEW: Pair = (
    "Newest object, first records",
    "Object mới nhất, các record đầu",
);
const REPLAYS: Pair = ("Read again", "Đọc lại");
const COMPARE: Pair = (
    "Delivery streams of this lesson",
    "Các delivery stream của bài này",
);
const OBJECTS: Pair = ("Objects", "Object");
const AVG_OBJECT: Pair = ("Average object", "Object trung bình");
const SHARE: Pair = ("Stored / bytes in", "Đã lưu / byte vào");

fn reason_text(lang: Lang, r: FlushReason) -> &'static str {
    match r {
        FlushReason::Size => "Size",
        FlushReason::Time => "Time",
        FlushReason::Flush => t(lang, ("End of run", "Kết thúc lượt chạy")),
    }
}

fn destination_text(d: FhDestination) -> &'static str {
    match d {
        FhDestination::S3 => "Amazon S3",
        FhDestination::Redshift => "Amazon Redshift",
        FhDestination::OpenSearch => "Amazon OpenSearch",
        FhDestination::HttpEndpoint => "HTTP endpoint",
        FhDestination::Splunk => "Splunk",
    }
}

const DESTINATIONS: [(FhDestination, &str); 5] = [
    (FhDestination::S3, "s3"),
    (FhDestination::Redshift, "redshift"),
    (FhDestination::OpenSearch, "open_search"),
    (FhDestination::HttpEndpoint, "http_endpoint"),
    (FhDestination::Splunk, "splunk"),
];

const COMPRESSIONS: [(FhCompression, &str, &str); 4] = [
    (FhCompression::Uncompressed, "uncompressed", "UNCOMPRESSED"),
    (FhCompression::Gzip, "gzip", "GZIP"),
    (FhCompression::Snappy, "snappy", "Snappy"),
    (FhCompression::Zip, "zip", "ZIP"),
];

const TRANSFORMS: [(FhTransform, &str, Pair); 5] = [
    (FhTransform::None, "none", ("None", "Không có")),
    (
        FhTransform::AddField,
        "add_field",
        ("Add a field", "Thêm một trường"),
    ),
    (
        FhTransform::Filter,
        "filter",
        (
            "Filter by a field (action = buy)",
            "Lọc theo một trường (action = buy)",
        ),
    ),
    (
        FhTransform::CsvToJson,
        "csv_to_json",
        ("CSV line to JSON", "Dòng CSV sang JSON"),
    ),
    (
        FhTransform::DropMalformedJson,
        "drop_malformed_json",
        ("Drop malformed JSON", "Bỏ JSON hỏng"),
    ),
];

const DATAS: [(FhData, &str, Pair); 4] = [
    (FhData::Json, "json", ("JSON", "JSON")),
    (
        FhData::JsonWithErrors,
        "json_with_errors",
        ("JSON with errors", "JSON có lỗi"),
    ),
    (FhData::Csv, "csv", ("CSV", "CSV")),
    (
        FhData::CsvWithErrors,
        "csv_with_errors",
        ("CSV with errors", "CSV có lỗi"),
    ),
];

/// Bytes as B, KiB or MiB, in the language's notation.
pub fn bytes_text(lang: Lang, n: u64) -> String {
    const KIB: f64 = 1024.0;
    let x = n as f64;
    if n < 1024 {
        format!("{} B", i18n::int(lang, n))
    } else if x < KIB * KIB {
        format!("{} KiB", i18n::decimal(lang, x / KIB, 1))
    } else {
        format!("{} MiB", i18n::decimal(lang, x / KIB / KIB, 2))
    }
}

fn seconds_text(lang: Lang, ms: u64) -> String {
    format!(
        "{} s",
        i18n::decimal(lang, ms as f64 / 1000.0, if ms % 1000 == 0 { 0 } else { 1 })
    )
}

/// A delivery stream's settings, short.
pub fn settings_text(lang: Lang, s: &FhSettings) -> String {
    let mut parts = vec![
        destination_text(s.destination).to_owned(),
        format!("{} MiB / {} s", s.buffer_size_mib, s.buffer_interval_s),
    ];
    if s.compression != FhCompression::Uncompressed {
        parts.push(
            COMPRESSIONS
                .iter()
                .find(|c| c.0 == s.compression)
                .map_or("", |c| c.2)
                .to_owned(),
        );
    }
    if s.transform != FhTransform::None {
        parts.push(
            t(
                lang,
                TRANSFORMS
                    .iter()
                    .find(|x| x.0 == s.transform)
                    .map_or(("", ""), |x| x.2),
            )
            .to_owned(),
        );
    }
    if s.parquet {
        parts.push("Parquet".into());
    }
    if s.source_backup {
        parts.push(t(lang, BACKUP).to_owned());
    }
    if s.endpoint_fails {
        parts.push(t(lang, FAILS).to_owned());
    }
    if s.from_stream {
        parts.push(t(lang, ("from a data stream", "từ data stream")).to_owned());
    }
    parts.join(", ")
}

/// A refused delivery stream setting in words: the field's path, and the
/// engine's range when it gave one.
pub fn fh_error_text(lang: Lang, e: &FhError) -> String {
    // The engine's message already names the field, in English.
    let detail = e
        .message
        .strip_prefix(&format!("{}: ", e.field))
        .unwrap_or(&e.message);
    match (&e.range, lang) {
        (_, Lang::En) => format!("{}.", e.message.trim_end_matches('.')),
        (Some((min, max)), Lang::Vi) => {
            format!("{} phải nằm trong khoảng {min} đến {max}.", e.field)
        }
        (None, Lang::Vi) => match &e.problem {
            Some(p) => format!("{} {}.", e.field, crate::i18n::fh_problem(lang, p)),
            None => format!("{} không hợp lệ ({detail}).", e.field),
        },
    }
}

/// The Firehose goals as the student reads them.
pub fn goal_text(lang: Lang, g: &Goal) -> String {
    let n = |x: u64| i18n::int(lang, x);
    match (g, lang) {
        (Goal::FirehoseDelivered { records, max_objects, destination, parquet }, Lang::En) => {
            let mut s = format!("A delivery stream delivers at least {} records", n(*records));
            if let Some(d) = destination {
                s.push_str(&format!(" to {}", destination_text(*d)));
            }
            if *parquet == Some(true) {
                s.push_str(" as Parquet");
            }
            if let Some(m) = max_objects {
                s.push_str(&format!(", in at most {} objects", n(*m)));
            }
            s.push('.');
            s
        }
        (Goal::FirehoseDelivered { records, max_objects, destination, parquet }, Lang::Vi) => {
            let mut s = format!("Một delivery stream chuyển ít nhất {} record", n(*records));
            if let Some(d) = destination {
                s.push_str(&format!(" tới {}", destination_text(*d)));
            }
            if *parquet == Some(true) {
                s.push_str(" dưới dạng Parquet");
            }
            if let Some(m) = max_objects {
                s.push_str(&format!(", trong không quá {} object", n(*m)));
            }
            s.push('.');
            s
        }
        (Goal::FirehoseDeliveryReason { reason }, Lang::En) => format!("A delivery is triggered by {}.", match reason { FhReason::Size => "Size (the buffer reached its size hint)", FhReason::Time => "Time (the oldest record waited the interval)" }),
        (Goal::FirehoseDeliveryReason { reason }, Lang::Vi) => format!("Có một lần chuyển được kích hoạt vì {}.", match reason { FhReason::Size => "Size (bộ đệm đạt size hint)", FhReason::Time => "Time (record cũ nhất đã chờ hết interval)" }),
        (Goal::FirehoseMinLatency { interval_s }, Lang::En) => format!("With a buffer interval of {interval_s} s, a delivery by Time whose oldest record waited at most {interval_s} s."),
        (Goal::FirehoseMinLatency { interval_s }, Lang::Vi) => format!("Với buffer interval {interval_s} giây, một lần chuyển vì Time mà record cũ nhất đã chờ không quá {interval_s} giây."),
        (Goal::FirehoseErrorOutput { kind }, Lang::En) => format!("Records land in the bucket under {}/.", kind.folder()),
        (Goal::FirehoseErrorOutput { kind }, Lang::Vi) => format!("Có record nằm trong bucket dưới {}/.", kind.folder()),
        (Goal::FirehoseDropped { records }, Lang::En) => format!("A transform drops at least {} records (result Dropped).", n(*records)),
        (Goal::FirehoseDropped { records }, Lang::Vi) => format!("Một transform bỏ ít nhất {} record (kết quả Dropped).", n(*records)),
        (Goal::FirehoseNoReplay { records }, Lang::En) => format!("After at least {} records are delivered, Read again gets none from Firehose and all of them from the data stream.", n(*records)),
        (Goal::FirehoseNoReplay { records }, Lang::Vi) => format!("Sau khi ít nhất {} record đã được chuyển, Đọc lại không nhận được record nào từ Firehose nhưng nhận đủ từ data stream.", n(*records)),
        (Goal::FirehoseFewerObjects { percent }, Lang::En) => format!("Two delivery streams get the same traffic; the one with the larger buffer writes at most {percent} % as many objects."),
        (Goal::FirehoseFewerObjects { percent }, Lang::Vi) => format!("Hai delivery stream nhận cùng lượng dữ liệu; stream có bộ đệm lớn hơn ghi ra không quá {percent} % số object của stream kia."),
        (Goal::FirehoseCompressed { compression, max_percent }, Lang::En) => format!("A delivery stream with {} stores at most {max_percent} % of the bytes it delivers.", COMPRESSIONS.iter().find(|c| c.0 == *compression).map_or("", |c| c.2)),
        (Goal::FirehoseCompressed { compression, max_percent }, Lang::Vi) => format!("Một delivery stream dùng {} chỉ lưu không quá {max_percent} % số byte nó chuyển đi.", COMPRESSIONS.iter().find(|c| c.0 == *compression).map_or("", |c| c.2)),
        (Goal::FirehoseBackedUp { records }, Lang::En) => format!("A source backup holds at least {} records.", n(*records)),
        (Goal::FirehoseBackedUp { records }, Lang::Vi) => format!("Bản sao lưu nguồn chứa ít nhất {} record.", n(*records)),
        _ => String::new(),
    }
}

/// Why a Firehose goal is not met yet.
pub fn why_text(lang: Lang, w: &Why) -> String {
    let n = |x: u64| i18n::int(lang, x);
    match (w, lang) {
        (Why::NoDeliveryStream, Lang::En) => "No delivery stream with those settings has run yet.".into(),
        (Why::NoDeliveryStream, Lang::Vi) => "Chưa có delivery stream nào với thiết lập đó chạy cả.".into(),
        (Why::FirehoseTooFew { have, need, objects }, Lang::En) => format!("The best matching delivery stream delivered {} records in {} objects; the goal needs {}.", n(*have), n(*objects), n(*need)),
        (Why::FirehoseTooFew { have, need, objects }, Lang::Vi) => format!("Delivery stream phù hợp nhất mới chuyển {} record trong {} object; mục tiêu cần {}.", n(*have), n(*objects), n(*need)),
        (Why::FirehoseNoReason { reason }, Lang::En) => format!("No delivery was triggered by {} yet.", match reason { FhReason::Size => "Size", FhReason::Time => "Time" }),
        (Why::FirehoseNoReason { reason }, Lang::Vi) => format!("Chưa có lần chuyển nào được kích hoạt vì {}.", match reason { FhReason::Size => "Size", FhReason::Time => "Time" }),
        (Why::FirehoseWaitedTooLong { waited_ms: Some(ms), interval_s }, Lang::En) => format!("The shortest wait seen by Time with a {interval_s} s interval is {}.", seconds_text(lang, *ms)),
        (Why::FirehoseWaitedTooLong { waited_ms: Some(ms), interval_s }, Lang::Vi) => format!("Thời gian chờ ngắn nhất thấy được khi chuyển vì Time với interval {interval_s} giây là {}.", seconds_text(lang, *ms)),
        (Why::FirehoseWaitedTooLong { waited_ms: None, interval_s }, Lang::En) => format!("No delivery by Time yet in a delivery stream with a {interval_s} s interval: let the interval pass."),
        (Why::FirehoseWaitedTooLong { waited_ms: None, interval_s }, Lang::Vi) => format!("Chưa có lần chuyển nào vì Time trong delivery stream có interval {interval_s} giây: hãy cho interval trôi qua."),
        (Why::FirehoseNoErrorOutput { kind }, Lang::En) => format!("Nothing is under {}/ yet.", kind.folder()),
        (Why::FirehoseNoErrorOutput { kind }, Lang::Vi) => format!("Chưa có gì dưới {}/.", kind.folder()),
        (Why::FirehoseTooFewDropped { have, need }, Lang::En) => format!("Transforms dropped {} records so far; the goal needs {}.", n(*have), n(*need)),
        (Why::FirehoseTooFewDropped { have, need }, Lang::Vi) => format!("Các transform mới bỏ {} record; mục tiêu cần {}.", n(*have), n(*need)),
        (Why::FirehoseNotReplayed { delivered, need }, Lang::En) => format!("The best Read again with a data stream in front came after {} records were delivered; the goal needs {}.", n(*delivered), n(*need)),
        (Why::FirehoseNotReplayed { delivered, need }, Lang::Vi) => format!("Lần Đọc lại tốt nhất (có data stream phía trước) diễn ra khi mới {} record được chuyển; mục tiêu cần {}.", n(*delivered), n(*need)),
        (Why::FirehoseNoComparison, Lang::En) => "No two delivery streams with different buffer sizes got the same traffic and delivered all of it.".into(),
        (Why::FirehoseNoComparison, Lang::Vi) => "Chưa có hai delivery stream nào với buffer size khác nhau nhận cùng lượng dữ liệu và chuyển hết.".into(),
        (Why::FirehoseTooManyObjects { small, large, percent }, Lang::En) => format!("The smaller buffer wrote {} objects and the larger one {}: more than {percent} %.", n(*small), n(*large)),
        (Why::FirehoseTooManyObjects { small, large, percent }, Lang::Vi) => format!("Bộ đệm nhỏ ghi {} object còn bộ đệm lớn ghi {}: nhiều hơn {percent} %.", n(*small), n(*large)),
        (Why::FirehoseNotCompressed { percent: Some(p), need }, Lang::En) => format!("It stores {p} % of the bytes it delivered; the goal needs {need} % or less."),
        (Why::FirehoseNotCompressed { percent: Some(p), need }, Lang::Vi) => format!("Nó lưu {p} % số byte đã chuyển; mục tiêu cần từ {need} % trở xuống."),
        (Why::FirehoseNotCompressed { percent: None, .. }, Lang::En) => "It has not delivered anything yet.".into(),
        (Why::FirehoseNotCompressed { percent: None, .. }, Lang::Vi) => "Nó chưa chuyển gì cả.".into(),
        (Why::FirehoseTooFewBackedUp { have, need }, Lang::En) => format!("The backup holds {} records; the goal needs {}.", n(*have), n(*need)),
        (Why::FirehoseTooFewBackedUp { have, need }, Lang::Vi) => format!("Bản sao lưu mới có {} record; mục tiêu cần {}.", n(*have), n(*need)),
        _ => String::new(),
    }
}

#[component]
pub fn FirehoseWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    // The forms start from the newest delivery stream and its last send.
    let (last_settings, last_send) = handle.lab.with_untracked(|l| {
        let run = l.firehose.runs.last();
        (
            run.map(|r| r.settings.clone()),
            run.and_then(|r| r.sends.last().cloned()),
        )
    });
    let s0 = last_settings.unwrap_or(FhSettings {
        buffer_size_mib: 5,
        buffer_interval_s: 300,
        compression: FhCompression::Uncompressed,
        transform: FhTransform::None,
        parquet: false,
        source_backup: false,
        destination: FhDestination::S3,
        endpoint_fails: false,
        from_stream: false,
    });
    let size = RwSignal::new(s0.buffer_size_mib.to_string());
    let interval = RwSignal::new(s0.buffer_interval_s.to_string());
    let destination = RwSignal::new(s0.destination);
    let compression = RwSignal::new(s0.compression);
    let transform = RwSignal::new(s0.transform);
    let parquet = RwSignal::new(s0.parquet);
    let backup = RwSignal::new(s0.source_backup);
    let fails = RwSignal::new(s0.endpoint_fails);
    let from_stream = RwSignal::new(s0.from_stream);
    let rate = RwSignal::new(
        last_send
            .as_ref()
            .map_or(20, |s| s.records_per_second)
            .to_string(),
    );
    let bytes = RwSignal::new(
        last_send
            .as_ref()
            .map_or(200, |s| s.record_bytes)
            .to_string(),
    );
    let secs = RwSignal::new(last_send.as_ref().map_or(10, |s| s.seconds).to_string());
    let data = RwSignal::new(last_send.as_ref().map_or(FhData::Json, |s| s.data));
    let wait_secs = RwSignal::new("60".to_string());
    // A refused action: the message, and the form field it is about.
    let error = RwSignal::new(None::<(String, &'static str)>);

    let show = move |e: LabError| -> (String, &'static str) {
        let lang = ctx.lang.get_untracked();
        match e {
            LabError::Invalid(v) => {
                let at = match v.field {
                    Field::RecordRate => "rate",
                    Field::RecordBytes => "bytes",
                    Field::Duration => "secs",
                    _ => "",
                };
                (i18n::validation_error(lang, &v), at)
            }
            LabError::Firehose(f) => {
                let at = if f.field.contains("size") {
                    "size"
                } else if f.field.contains("interval") {
                    "interval"
                } else {
                    ""
                };
                (fh_error_text(lang, &f), at)
            }
            other => (other.to_string(), ""),
        }
    };
    let act = move |a: Action| error.set(handle.apply(a).err().map(show));
    let number = |f: Field, text: &str, max: u32| -> Result<u32, ValidationError> {
        parse_count(f, text, max)
    };

    let create = move || {
        // Sizes and intervals are checked by the engine, which names the field.
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
        act(Action::FirehoseCreate(FhSettings {
            buffer_size_mib: n(size),
            buffer_interval_s: n(interval),
            compression: compression.get_untracked(),
            transform: transform.get_untracked(),
            parquet: parquet.get_untracked(),
            source_backup: backup.get_untracked(),
            destination: destination.get_untracked(),
            endpoint_fails: fails.get_untracked(),
            from_stream: from_stream.get_untracked(),
        }));
    };
    let send = move || {
        let parsed = (|| -> Result<Action, ValidationError> {
            Ok(Action::FirehoseSend {
                records_per_second: number(Field::RecordRate, &rate.get_untracked(), MAX_FH_RATE)?,
                // The engine checks the lower bound and names the field.
                record_bytes: number(
                    Field::RecordBytes,
                    &bytes.get_untracked(),
                    MAX_FH_RECORD_BYTES,
                )?,
                seconds: number(Field::Duration, &secs.get_untracked(), MAX_FH_SEND_SECONDS)?,
                data: data.get_untracked(),
            })
        })();
        match parsed {
            Ok(a) => act(a),
            Err(e) => error.set(Some(show(LabError::Invalid(e)))),
        }
    };
    let wait = move || match number(
        Field::Duration,
        &wait_secs.get_untracked(),
        MAX_FH_WAIT_SECONDS,
    ) {
        Ok(s) => act(Action::FirehoseWait { seconds: s }),
        Err(e) => error.set(Some(show(LabError::Invalid(e)))),
    };

    let bad = move |at: &'static str| {
        move || {
            error
                .with(|e| e.as_ref().is_some_and(|e| e.1 == at))
                .to_string()
        }
    };
    let num_field = move |id: &'static str,
                          label: Pair,
                          at: &'static str,
                          sig: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || t(lang(), label)}</span>
                <input id=id class="narrow" type="text" inputmode="numeric" aria-invalid=bad(at)
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    let check = move |id: &'static str, label: Pair, sig: RwSignal<bool>| {
        view! {
            <label class="field check">
                <input id=id type="checkbox" prop:checked=move || sig.get() on:change=move |ev| sig.set(event_target_checked(&ev)) />
                <span>{move || t(lang(), label)}</span>
            </label>
        }
    };

    let dest_select = move || {
        let opts = DESTINATIONS
            .iter()
            .map(|(d, v)| view! { <option value=*v selected=move || destination.get() == *d>{destination_text(*d)}</option> })
            .collect_view();
        view! {
            <label class="field">
                <span>{move || t(lang(), DESTINATION)}</span>
                <select id="w-fh-dest" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((d, _)) = DESTINATIONS.iter().find(|(_, s)| *s == v) { destination.set(*d); }
                }>{opts}</select>
            </label>
        }
    };
    let comp_select = move || {
        let opts = COMPRESSIONS
            .iter()
            .map(|(c, v, name)| view! { <option value=*v selected=move || compression.get() == *c>{*name}</option> })
            .collect_view();
        view! {
            <label class="field">
                <span>{move || t(lang(), COMPRESSION)}</span>
                <select id="w-fh-comp" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((c, _, _)) = COMPRESSIONS.iter().find(|(_, s, _)| *s == v) { compression.set(*c); }
                }>{opts}</select>
            </label>
        }
    };
    let transform_select = move || {
        let opts = TRANSFORMS
            .iter()
            .map(|(x, v, name)| view! { <option value=*v selected=move || transform.get() == *x>{move || t(lang(), *name)}</option> })
            .collect_view();
        view! {
            <label class="field">
                <span>{move || t(lang(), TRANSFORM)}</span>
                <select id="w-fh-transform" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((x, _, _)) = TRANSFORMS.iter().find(|(_, s, _)| *s == v) { transform.set(*x); }
                }>{opts}</select>
            </label>
        }
    };
    let data_select = move || {
        let opts = DATAS
            .iter()
            .map(|(x, v, name)| view! { <option value=*v selected=move || data.get() == *x>{move || t(lang(), *name)}</option> })
            .collect_view();
        view! {
            <label class="field">
                <span>{move || t(lang(), DATA)}</span>
                <select id="w-fh-data" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((x, _, _)) = DATAS.iter().find(|(_, s, _)| *s == v) { data.set(*x); }
                }>{opts}</select>
            </label>
        }
    };

    let current = move || {
        handle.lab.with(|l| {
            l.firehose
                .runs
                .last()
                .cloned()
                .map(|r| (r, l.firehose.now_ms, l.firehose.replays.clone()))
        })
    };

    let panel = move || {
        let lang = lang();
        current().map(|(run, now, replays)| {
            let v = &run.view;
            let n = |x: u64| i18n::int(lang, x);
            let bar_of = move |label: Pair, id: &'static str, b: kinesis_lab_core::firehose::buffer::BufferView| {
                let fill = if b.size_threshold_bytes == 0 { 0.0 } else { b.bytes as f64 / b.size_threshold_bytes as f64 };
                let age = if b.interval_ms == 0 { 0.0 } else { b.age_ms as f64 / b.interval_ms as f64 };
                view! {
                    <div class="fhw-buffer" id=id data-records=b.records data-bytes=b.bytes data-age-ms=b.age_ms>
                        <div class="fhw-meter">
                            <span class="fhw-label">{format!("{}: {} {}, {} / {}", t(lang, label), n(b.records as u64), t(lang, RECORDS).to_lowercase(), bytes_text(lang, b.bytes), bytes_text(lang, b.size_threshold_bytes))}</span>
                            <meter min="0" max="1" value=fill.min(1.0) aria-label=format!("{} {}", i18n::percent(lang, fill), t(lang, FILL))></meter>
                        </div>
                        <div class="fhw-meter">
                            <span class="fhw-label">{if b.records == 0 { t(lang, EMPTY).to_owned() } else { format!("{}: {} / {}", t(lang, AGE), seconds_text(lang, b.age_ms), seconds_text(lang, b.interval_ms)) }}</span>
                            <meter min="0" max="1" value=age.min(1.0) aria-label=t(lang, AGE)></meter>
                        </div>
                    </div>
                }
            };
            let lambda_bar = v.processor_buffer.clone().map(|b| bar_of(LAMBDA_BUFFER, "w-fh-lambda-buffer", b));
            let bar = v.buffer.clone().map(|b| bar_of(BUFFER, "w-fh-buffer", b));
            let mut counts: Vec<(&'static str, Pair, u64)> = vec![
                ("received", RECEIVED, v.received),
                ("delivered", DELIVERED, v.delivered),
            ];
            if run.settings.transform != FhTransform::None {
                counts.push(("invocations", INVOCATIONS, v.invocations));
                counts.push(("dropped", DROPPED, v.dropped));
            }
            counts.push(("failed", FAILED, v.failed));
            if run.settings.source_backup {
                counts.push(("backed-up", BACKED_UP, v.backed_up));
            }
            if run.settings.destination != FhDestination::S3 {
                counts.push(("attempts", ATTEMPTS, v.attempts));
            }
            if run.settings.destination == FhDestination::Redshift {
                counts.push(("rows", ROWS, v.redshift_rows));
            }
            if let Some(s) = v.stream_records {
                counts.push(("stream", IN_STREAM, s));
            }
            let counts = counts
                .into_iter()
                .map(|(key, label, x)| view! { <div class="fhw-count" data-count=key><dt>{t(lang, label)}</dt><dd>{n(x)}</dd></div> })
                .collect_view();
            let created = run.created_ms;
            let deliveries = if v.deliveries.is_empty() {
                view! { <p class="help" id="w-fh-no-delivery">{t(lang, NO_DELIVERY)}</p> }.into_any()
            } else {
                let rows = v
                    .deliveries
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let reason = match d.reason { FlushReason::Size => "size", FlushReason::Time => "time", FlushReason::Flush => "flush" };
                        view! {
                            <tr data-reason=reason data-records=d.records data-waited-ms=d.waited_ms.map(|w| w.to_string()).unwrap_or_default()>
                                <td>{i + 1}</td>
                                <td>{seconds_text(lang, d.at_ms.saturating_sub(created))}</td>
                                <td class="fhw-reason">{reason_text(lang, d.reason)}</td>
                                <td>{n(d.records)}</td>
                                <td>{bytes_text(lang, d.raw_bytes)}</td>
                                <td>{match (d.stored_bytes, d.key.ends_with(".parquet")) {
                                    (Some(b), _) => bytes_text(lang, b),
                                    (None, true) => "Parquet".into(),
                                    (None, false) => "–".into(),
                                }}</td>
                                <td class="fhw-waited">{d.waited_ms.map(|w| seconds_text(lang, w)).unwrap_or_else(|| "–".into())}</td>
                                <td class="fhw-key">{if d.key.is_empty() {
                                    view! { <span>{t(lang, NOT_TAKEN)}</span> }.into_any()
                                } else {
                                    view! { <code>{d.key.clone()}</code> }.into_any()
                                }}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap short" tabindex="0">
                        <table id="w-fh-deliveries" class="fhw-table">
                            <caption>{t(lang, DELIVERIES)}</caption>
                            <thead><tr><th scope="col">"#"</th><th scope="col">{t(lang, AT)}</th><th scope="col">{t(lang, REASON)}</th><th scope="col">{t(lang, RECORDS)}</th><th scope="col">{t(lang, RAW)}</th><th scope="col">{t(lang, STORED)}</th><th scope="col">{t(lang, WAITED)}</th><th scope="col">{t(lang, KEY)}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            };
            let others: Vec<_> = v.objects.iter().filter(|o| o.kind != "delivery").cloned().collect();
            let others = (!others.is_empty()).then(|| {
                let rows = others
                    .into_iter()
                    .map(|o| view! {
                        <tr data-kind=o.kind.clone()>
                            <td>{o.kind.clone()}</td>
                            <td>{n(o.records)}</td>
                            <td>{seconds_text(lang, o.at_ms.saturating_sub(created))}</td>
                            <td class="fhw-key"><code>{o.key.clone()}</code></td>
                        </tr>
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap short" tabindex="0">
                        <table id="w-fh-objects" class="fhw-table">
                            <caption>{t(lang, OTHER_OBJECTS)}</caption>
                            <thead><tr><th scope="col">{t(lang, KIND)}</th><th scope="col">{t(lang, RECORDS)}</th><th scope="col">{t(lang, AT)}</th><th scope="col">{t(lang, KEY)}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            });
            let preview = (!v.preview.is_empty()).then(|| view! {
                <details class="fhw-preview" open>
                    <summary>{t(lang, PREVIEW)}</summary>
                    <pre id="w-fh-preview" tabindex="0">{v.preview.join("\n")}</pre>
                </details>
            });
            let replays: Vec<_> = replays.into_iter().filter(|p| p.run == run.number).collect();
            let replays = (!replays.is_empty()).then(|| {
                let items = replays
                    .iter()
                    .map(|p| {
                        let text = match lang {
                            Lang::En => format!(
                                "At {}: Firehose had delivered {} and holds {} in its buffer; it has no call to read them, so it gives back 0. The data stream gives back {} from TRIM_HORIZON.",
                                seconds_text(lang, p.at_ms.saturating_sub(created)), n(p.delivered), n(p.buffered), p.stream_returned.map_or("–".into(), n)
                            ),
                            Lang::Vi => format!(
                                "Lúc {}: Firehose đã chuyển {} record và đang giữ {} trong bộ đệm; nó không có lệnh nào để đọc chúng, nên trả lại 0. Data stream trả lại {} từ TRIM_HORIZON.",
                                seconds_text(lang, p.at_ms.saturating_sub(created)), n(p.delivered), n(p.buffered), p.stream_returned.map_or("–".into(), n)
                            ),
                        };
                        view! { <li data-delivered=p.delivered data-stream=p.stream_returned.unwrap_or(0)>{text}</li> }
                    })
                    .collect_view();
                view! { <div class="fhw-replays"><h4>{t(lang, REPLAYS)}</h4><ol id="w-fh-replays">{items}</ol></div> }
            });
            view! {
                <section class="fhw-current" id="w-fh-current" data-run=run.number>
                    <h4>
                        {format!("{} #{}: {}", t(lang, STREAM), run.number, settings_text(lang, &run.settings))}
                        " · " <span id="w-fh-clock" data-ms=now.saturating_sub(created)>{format!("{} {}", seconds_text(lang, now.saturating_sub(created)), t(lang, CLOCK))}</span>
                    </h4>
                    {lambda_bar}
                    {bar}
                    <dl class="fhw-counts" id="w-fh-counts">{counts}</dl>
                    {deliveries}
                    {others}
                    {preview}
                    {replays}
                </section>
            }
        })
    };

    let compare = move || {
        let lang = lang();
        handle.lab.with(|l| {
            let runs: &[FhRun] = &l.firehose.runs;
            (runs.len() > 1).then(|| {
                let n = |x: u64| i18n::int(lang, x);
                let rows = runs
                    .iter()
                    .map(|r| {
                        let v: &FhView = &r.view;
                        let objects = v.delivery_objects();
                        let avg = (objects > 0).then(|| v.delivered_raw_bytes() / objects);
                        let share = v.stored_bytes().filter(|_| v.delivered_raw_bytes() > 0).map(|s| i18n::percent(lang, s as f64 / v.delivered_raw_bytes() as f64));
                        view! {
                            <tr data-run=r.number data-objects=objects>
                                <th scope="row">{format!("#{}", r.number)}</th>
                                <td class="fhw-settings">{settings_text(lang, &r.settings)}</td>
                                <td>{n(v.received)}</td>
                                <td>{n(v.delivered)}</td>
                                <td class="fhw-objects">{n(objects)}</td>
                                <td>{avg.map(|b| bytes_text(lang, b)).unwrap_or_else(|| "–".into())}</td>
                                <td>{bytes_text(lang, v.delivered_raw_bytes())}</td>
                                <td>{v.stored_bytes().map(|b| bytes_text(lang, b)).unwrap_or_else(|| "–".into())}</td>
                                <td>{share.unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap short" tabindex="0">
                        <table id="w-fh-runs" class="fhw-table">
                            <caption>{t(lang, COMPARE)}</caption>
                            <thead><tr>
                                <th scope="col">"#"</th><th scope="col">{t(lang, SETTINGS_COL)}</th><th scope="col">{t(lang, RECEIVED)}</th>
                                <th scope="col">{t(lang, DELIVERED)}</th><th scope="col">{t(lang, OBJECTS)}</th><th scope="col">{t(lang, AVG_OBJECT)}</th>
                                <th scope="col">{t(lang, RAW)}</th><th scope="col">{t(lang, STORED)}</th><th scope="col">{t(lang, SHARE)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
        })
    };

    let has_stream = move || handle.lab.with(|l| !l.firehose.runs.is_empty());
    let from_stream_now = move || {
        handle.lab.with(|l| {
            l.firehose
                .runs
                .last()
                .is_some_and(|r| r.settings.from_stream)
        })
    };

    view! {
        <div class="widget firehose-widget">
            <p class="help">{move || t(lang(), HELP)}</p>
            <fieldset class="fhw-form">
                <legend>{move || t(lang(), SETTINGS)}</legend>
                <div class="producer-form">
                    {num_field("w-fh-size", SIZE, "size", size)}
                    {num_field("w-fh-interval", INTERVAL, "interval", interval)}
                    {dest_select}
                    {comp_select}
                    {transform_select}
                </div>
                <div class="producer-form">
                    {check("w-fh-parquet", PARQUET, parquet)}
                    {check("w-fh-backup", BACKUP, backup)}
                    {check("w-fh-fails", FAILS, fails)}
                    {check("w-fh-stream", FROM_STREAM, from_stream)}
                    <button id="w-fh-create" class="button primary" on:click=move |_| create()>{move || t(lang(), CREATE)}</button>
                </div>
            </fieldset>
            <fieldset class="fhw-form" disabled=move || !has_stream()>
                <legend>{move || t(lang(), TRAFFIC)}</legend>
                <div class="producer-form">
                    {num_field("w-fh-rate", ("Records per second", "Số record mỗi giây"), "rate", rate)}
                    {num_field("w-fh-bytes", ("Record size (bytes)", "Kích thước record (byte)"), "bytes", bytes)}
                    {num_field("w-fh-secs", ("Seconds", "Số giây"), "secs", secs)}
                    {data_select}
                    <button id="w-fh-send" class="button primary" on:click=move |_| send()>{move || t(lang(), SEND)}</button>
                </div>
                <div class="producer-form">
                    {num_field("w-fh-wait-secs", WAIT_SECS, "wait", wait_secs)}
                    <button id="w-fh-wait" class="button" on:click=move |_| wait()>{move || t(lang(), WAIT)}</button>
                    <Show when=from_stream_now>
                        <button id="w-fh-replay" class="button" on:click=move |_| act(Action::FirehoseReplay)>{move || t(lang(), REPLAY)}</button>
                    </Show>
                </div>
            </fieldset>
            <p class="error" role="alert" id="w-fh-error">{move || error.get().map(|e| e.0)}</p>
            <Show when=has_stream fallback=move || view! { <p class="help" id="w-fh-empty">{move || t(lang(), NONE_YET)}</p> }>
                {panel}
            </Show>
            {compare}
        </div>
    }
}
