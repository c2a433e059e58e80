//! Lesson widget: Kinesis Video Streams (core `video`, lab
//! `lesson::video`). A camera records fragments onto a media timeline; a
//! consumer reads with GetMedia or ListFragments; retention trims old
//! fragments as simulated time passes. Every control is a `VideoAction`,
//! so the lab replays from a link and the goals check it.
//!
//! The timeline is drawn on the server clock. Long pauses are drawn as a
//! fixed-width break labelled with their length, so a lab that waits an
//! hour between recordings still shows its fragments as blocks.

use super::LabHandle;
use crate::i18n::{self, Lang};
use crate::shell::{use_ctx, Ctx};
use kinesis_lab_core::lesson::lab::{Action, LabError};
use kinesis_lab_core::lesson::video::{
    ReadApi, ReadRecord, VideoAction, VideoError, VideoGoal, VideoLab, VideoWhy, DEFAULT_FPS,
    DEFAULT_KBPS,
};
use kinesis_lab_core::video::{
    Fragment, FragmentSelectorType, StartSelectorType, VideoProblem, VideoStream, BUFFER_BYTES,
    BUFFER_MS, MAX_FRAGMENT_MS, MAX_GET_MEDIA_CONNECTIONS, MAX_PUT_MEDIA_BYTES_PER_SECOND,
    MAX_RETENTION_HOURS,
};
use leptos::prelude::*;

fn tr(lang: Lang, en: &'static str, vi: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Vi => vi,
    }
}

pub fn goal_text(lang: Lang, g: &VideoGoal) -> String {
    match (g, lang) {
        (VideoGoal::Recorded { fragments }, Lang::En) => format!("Record at least {fragments} fragments."),
        (VideoGoal::Recorded { fragments }, Lang::Vi) => format!("Ghi ít nhất {fragments} fragment."),
        (VideoGoal::ReadFromTime { fragments }, Lang::En) => format!(
            "Read with GetMedia from a timestamp in the middle of the recording (PRODUCER_TIMESTAMP or SERVER_TIMESTAMP) and get at least {fragments} fragments."
        ),
        (VideoGoal::ReadFromTime { fragments }, Lang::Vi) => format!(
            "Đọc bằng GetMedia từ một mốc thời gian nằm giữa đoạn đã ghi (PRODUCER_TIMESTAMP hoặc SERVER_TIMESTAMP) và nhận được ít nhất {fragments} fragment."
        ),
        (VideoGoal::Trimmed { fragments }, Lang::En) => {
            format!("Let retention remove at least {fragments} fragments.")
        }
        (VideoGoal::Trimmed { fragments }, Lang::Vi) => {
            format!("Để retention xoá ít nhất {fragments} fragment.")
        }
        (VideoGoal::ReadAfterTrim, Lang::En) => "After the trim, read with GetMedia from a time the stream no longer keeps, and see where the read starts.".into(),
        (VideoGoal::ReadAfterTrim, Lang::Vi) => "Sau khi đã xoá bớt, đọc bằng GetMedia từ một thời điểm mà stream không còn giữ, và xem lần đọc bắt đầu từ đâu.".into(),
    }
}

pub fn why_text(lang: Lang, w: &VideoWhy) -> String {
    match (w, lang) {
        (VideoWhy::TooFewFragments { have, need }, Lang::En) => format!("{have} fragments so far; the goal needs {need}."),
        (VideoWhy::TooFewFragments { have, need }, Lang::Vi) => format!("Mới có {have} fragment; mục tiêu cần {need}."),
        (VideoWhy::NoTimestampRead, Lang::En) => "No GetMedia read with PRODUCER_TIMESTAMP or SERVER_TIMESTAMP yet.".into(),
        (VideoWhy::NoTimestampRead, Lang::Vi) => "Chưa có lần đọc GetMedia nào dùng PRODUCER_TIMESTAMP hoặc SERVER_TIMESTAMP.".into(),
        (VideoWhy::StartedAtOldest, Lang::En) => "Your timestamp reads started at the oldest fragment kept (or got nothing): pick a time in the middle of the recording.".into(),
        (VideoWhy::StartedAtOldest, Lang::Vi) => "Các lần đọc theo mốc thời gian đều bắt đầu từ fragment cũ nhất còn giữ (hoặc không nhận được gì): hãy chọn một thời điểm ở giữa đoạn đã ghi.".into(),
        (VideoWhy::TooFewReturned { have, need }, Lang::En) => format!("The best such read got {have} fragments; the goal needs {need}."),
        (VideoWhy::TooFewReturned { have, need }, Lang::Vi) => format!("Lần đọc như vậy tốt nhất mới nhận {have} fragment; mục tiêu cần {need}."),
        (VideoWhy::TooFewTrimmed { have, need }, Lang::En) => format!("Retention has removed {have} fragments; the goal needs {need}."),
        (VideoWhy::TooFewTrimmed { have, need }, Lang::Vi) => format!("Retention mới xoá {have} fragment; mục tiêu cần {need}."),
        (VideoWhy::NoReadAfterTrim, Lang::En) => "No GetMedia read with a timestamp since retention removed a fragment.".into(),
        (VideoWhy::NoReadAfterTrim, Lang::Vi) => "Chưa có lần đọc GetMedia theo mốc thời gian nào kể từ khi retention xoá fragment.".into(),
        (VideoWhy::NotBeforeTrimPoint, Lang::En) => "The reads after the trim asked for times the stream still keeps: ask for an earlier one, such as 0.".into(),
        (VideoWhy::NotBeforeTrimPoint, Lang::Vi) => "Các lần đọc sau khi xoá đều hỏi những thời điểm stream vẫn còn giữ: hãy hỏi một thời điểm sớm hơn, chẳng hạn 0.".into(),
    }
}

/// A refused action, worded in the page's language.
pub fn error_text(lang: Lang, e: &VideoError) -> String {
    let f = &e.field;
    match (&e.problem, lang) {
        (VideoProblem::OutOfRange { min, max }, Lang::En) => format!(
            "{f} must be between {} and {}.",
            i18n::int(lang, *min),
            i18n::int(lang, *max)
        ),
        (VideoProblem::OutOfRange { min, max }, Lang::Vi) => format!(
            "{f} phải nằm trong khoảng {} đến {}.",
            i18n::int(lang, *min),
            i18n::int(lang, *max)
        ),
        (VideoProblem::Required, Lang::En) => {
            format!("{f} is required for this StartSelectorType.")
        }
        (VideoProblem::Required, Lang::Vi) => {
            format!("StartSelectorType này bắt buộc phải có {f}.")
        }
        (VideoProblem::NoSuchFragment { number }, Lang::En) => {
            format!("{f}: the stream keeps no fragment {number} (ResourceNotFoundException).")
        }
        (VideoProblem::NoSuchFragment { number }, Lang::Vi) => {
            format!("{f}: stream không còn giữ fragment {number} nào (ResourceNotFoundException).")
        }
        (VideoProblem::EndBeforeStart, Lang::En) => {
            format!("{f}: EndTimestamp is before StartTimestamp.")
        }
        (VideoProblem::EndBeforeStart, Lang::Vi) => {
            format!("{f}: EndTimestamp nằm trước StartTimestamp.")
        }
        (VideoProblem::LabFull { max }, Lang::En) => format!(
            "The lab keeps at most {} fragments per stream: create a new stream.",
            i18n::int(lang, *max)
        ),
        (VideoProblem::LabFull { max }, Lang::Vi) => format!(
            "Lab chỉ giữ tối đa {} fragment cho mỗi stream: hãy tạo stream mới.",
            i18n::int(lang, *max)
        ),
        (VideoProblem::NoStream, Lang::En) => "Create the stream first (CreateStream).".into(),
        (VideoProblem::NoStream, Lang::Vi) => "Hãy tạo stream trước (CreateStream).".into(),
    }
}

/// Seconds on the media timeline, one decimal: "7.0 s".
fn secs(lang: Lang, ms: u64) -> String {
    format!("{} s", i18n::decimal(lang, ms as f64 / 1000.0, 1))
}

/// A duration in words: "1 h 10 min 40 s".
fn span(lang: Lang, ms: u64) -> String {
    let s = (ms + 500) / 1000;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    let (uh, um, us) = match lang {
        Lang::En => ("h", "min", "s"),
        Lang::Vi => ("giờ", "phút", "giây"),
    };
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{} {uh}", i18n::int(lang, h)));
    }
    if m > 0 {
        parts.push(format!("{m} {um}"));
    }
    if sec > 0 || parts.is_empty() {
        parts.push(format!("{sec} {us}"));
    }
    parts.join(" ")
}

/// Parses a whole number typed by the student.
fn whole(text: &str) -> Option<u64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    t.parse().ok()
}

/// Parses seconds with up to three decimals into ms ("7", "7.25").
fn seconds_to_ms(text: &str) -> Option<u64> {
    let t = text.trim().replace(',', ".");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() && frac.is_empty()
        || frac.len() > 3
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_ms: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    whole.checked_mul(1000)?.checked_add(frac_ms)
}

const W: f64 = 1000.0;
const GAP_W: f64 = 60.0;
/// A pause longer than this is drawn as a break.
const BREAK_MS: u64 = 15_000;

/// One piece of the drawn axis: `t0..t1` (server clock) at `x0..x1`.
#[derive(Clone, Copy, Debug)]
struct Seg {
    t0: u64,
    t1: u64,
    x0: f64,
    x1: f64,
    gap: bool,
}

/// The timeline's axis: fragment runs drawn to scale, long pauses (and the
/// wait after the last fragment) as fixed-width breaks.
fn axis(frags: &[Fragment], now: u64, left: f64, right: f64) -> Vec<Seg> {
    let Some(first) = frags.first() else {
        return Vec::new();
    };
    let mut pieces: Vec<(u64, u64, bool)> = Vec::new();
    let mut run_start = first.server_ms;
    let mut run_end = first.server_ms + first.length_ms as u64;
    for f in &frags[1..] {
        if f.server_ms > run_end + BREAK_MS {
            pieces.push((run_start, run_end, false));
            pieces.push((run_end, f.server_ms, true));
            run_start = f.server_ms;
        }
        run_end = run_end.max(f.server_ms + f.length_ms as u64);
    }
    if now > run_end + BREAK_MS {
        pieces.push((run_start, run_end, false));
        pieces.push((run_end, now, true));
    } else {
        pieces.push((run_start, run_end.max(now), false));
    }
    let gaps = pieces.iter().filter(|p| p.2).count() as f64;
    let linear: u64 = pieces.iter().filter(|p| !p.2).map(|p| p.1 - p.0).sum();
    let scale = (right - left - gaps * GAP_W).max(10.0) / linear.max(1) as f64;
    let mut x = left;
    pieces
        .into_iter()
        .map(|(t0, t1, gap)| {
            let w = if gap { GAP_W } else { (t1 - t0) as f64 * scale };
            let s = Seg {
                t0,
                t1,
                x0: x,
                x1: x + w,
                gap,
            };
            x += w;
            s
        })
        .collect()
}

fn x_of(segs: &[Seg], t: u64) -> f64 {
    let (Some(first), Some(last)) = (segs.first(), segs.last()) else {
        return 0.0;
    };
    if t <= first.t0 {
        return first.x0;
    }
    for s in segs {
        if t <= s.t1 {
            let span = (s.t1 - s.t0).max(1) as f64;
            return s.x0 + (s.x1 - s.x0) * (t - s.t0) as f64 / span;
        }
    }
    last.x1
}

fn last_read(lab: &VideoLab) -> Option<&ReadRecord> {
    lab.reads.last()
}

fn timeline(lang: Lang, lab: &VideoLab, s: &VideoStream) -> AnyView {
    let all = s.all();
    let (left, right) = (8.0, W - 8.0);
    let segs = axis(all, s.now_ms, left, right);
    let read = last_read(lab);
    let got: Vec<u64> = read.map(|r| r.returned.clone()).unwrap_or_default();
    let first_got = read
        .filter(|r| r.api == ReadApi::GetMedia)
        .and_then(|r| r.returned.first().copied());
    let t = |ms: u64| ms.saturating_sub(lab.start_ms);
    let kept_from = s.kept().first().map(|f| f.number);
    let (top, bh) = (34.0, 44.0);
    let blocks = all
        .iter()
        .map(|f| {
            let x0 = x_of(&segs, f.server_ms);
            let x1 = x_of(&segs, f.server_ms + f.length_ms as u64);
            let w = (x1 - x0 - 1.0).max(1.0);
            let trimmed = kept_from.is_none_or(|k| f.number < k);
            let mut class = String::from("vfrag");
            class.push_str(if trimmed { " trimmed" } else { " kept" });
            if got.contains(&f.number) {
                class.push_str(" got");
            }
            if first_got == Some(f.number) {
                class.push_str(" first");
            }
            let title = format!(
                "{} {} · producer {} · server {} · {} ms · {} {} · {} B{}",
                tr(lang, "Fragment", "Fragment"),
                f.number,
                secs(lang, t(f.producer_ms)),
                secs(lang, t(f.server_ms)),
                i18n::int(lang, f.length_ms as u64),
                i18n::int(lang, f.frames as u64),
                tr(lang, "frames", "khung hình"),
                i18n::int(lang, f.bytes),
                if trimmed { tr(lang, " · trimmed", " · đã bị xoá") } else { "" }
            );
            let label = (w >= 16.0).then(|| f.number.to_string());
            view! {
                <g class=class data-number=f.number>
                    <rect x=format!("{x0:.1}") y=top width=format!("{w:.1}") height=bh rx="2"><title>{title}</title></rect>
                    {label.map(|l| view! { <text class="vfrag-no" x=format!("{:.1}", x0 + w / 2.0) y=top + bh / 2.0 + 4.0 text-anchor="middle">{l}</text> })}
                </g>
            }
        })
        .collect_view();
    let breaks = segs
        .iter()
        .filter(|g| g.gap)
        .map(|g| {
            let mid = (g.x0 + g.x1) / 2.0;
            view! {
                <g class="vbreak">
                    <path d=format!("M{:.1},{} l6,-8 l6,16 l6,-16 l6,16 l6,-8", mid - 15.0, top + bh / 2.0) />
                    <text class="vaxis" x=format!("{mid:.1}") y=top + bh + 16.0 text-anchor="middle">{format!("+{}", span(lang, g.t1 - g.t0))}</text>
                </g>
            }
        })
        .collect_view();
    // The window of what is kept: from the trim point (or the first fragment) to now.
    let begin = segs.first().map_or(0, |s| s.t0);
    let point = s.trim_point();
    let wx0 = x_of(&segs, point.max(begin));
    let wx1 = x_of(&segs, s.now_ms);
    let window_label = if s.config.retention_hours == 0 {
        tr(lang, "buffer: last 5 min", "bộ đệm: 5 phút gần nhất")
    } else {
        tr(lang, "retention window", "cửa sổ retention")
    };
    let trim_line = (point > begin).then(|| {
        view! {
            <g class="vtrim" id="w-video-trim-line">
                <line x1=format!("{wx0:.1}") x2=format!("{wx0:.1}") y1="14" y2=top + bh + 6.0 />
                <text class="vaxis" x=format!("{:.1}", wx0 + 3.0) y="12">{format!("{} t = {}", tr(lang, "trim point", "điểm xoá"), secs(lang, t(point)))}</text>
            </g>
        }
    });
    let marker = read.and_then(|r| {
        let ts = r.timestamp_ms?;
        let mx = x_of(&segs, ts);
        let label = if r.api == ReadApi::ListFragments {
            format!("ListFragments {} → {}", secs(lang, t(ts)), secs(lang, t(r.end_ms.unwrap_or(ts))))
        } else {
            format!("StartTimestamp {}", secs(lang, t(ts)))
        };
        Some(view! {
            <g class="vstart" id="w-video-start-marker">
                <line x1=format!("{mx:.1}") x2=format!("{mx:.1}") y1=top - 4.0 y2=top + bh + 22.0 />
                <path d=format!("M{:.1},{} l-5,8 h10 z", mx, top + bh + 22.0) />
                <text class="vaxis" x=format!("{:.1}", (mx + 4.0).min(W - 160.0)) y=top + bh + 36.0>{label}</text>
            </g>
        })
    });
    let now_x = wx1;
    let start_label = segs.first().map(|s0| {
        view! { <text class="vaxis" x=format!("{:.1}", s0.x0) y=top + bh + 16.0>{format!("t = {}", secs(lang, t(s0.t0)))}</text> }
    });
    let aria = format!(
        "{}: {} {}, {} {}, {} {}",
        tr(lang, "Media timeline", "Dòng thời gian media"),
        all.len(),
        tr(lang, "fragments recorded", "fragment đã ghi"),
        s.kept().len(),
        tr(lang, "kept", "còn giữ"),
        s.trimmed().len(),
        tr(lang, "trimmed", "đã bị xoá"),
    );
    view! {
        <svg id="w-video-timeline" class="video-timeline" viewBox=format!("0 0 {W} 130") role="img"
            aria-label=aria tabindex="0" preserveAspectRatio="xMinYMin meet">
            <rect class="vwindow" x=format!("{wx0:.1}") y=top - 8.0 width=format!("{:.1}", (wx1 - wx0).max(0.0)) height=bh + 16.0 rx="4" />
            <text class="vaxis vwindow-label" x=format!("{:.1}", (wx1 - 4.0).max(wx0 + 4.0)) y="26" text-anchor="end">{window_label}</text>
            {blocks}
            {breaks}
            {trim_line}
            {start_label}
            <line class="vnow" x1=format!("{now_x:.1}") x2=format!("{now_x:.1}") y1=top - 10.0 y2=top + bh + 6.0 />
            {marker}
        </svg>
    }
    .into_any()
}

/// A labelled text input; Enter runs `on_enter`.
fn text_field(
    ctx: Ctx,
    id: &'static str,
    label: &'static str,
    label_vi: &'static str,
    sig: RwSignal<String>,
    on_enter: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{move || tr(ctx.lang.get(), label, label_vi)}</span>
            <input id=id class="narrow" type="text" inputmode="decimal"
                prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { on_enter(); } />
        </label>
    }
}

#[component]
pub fn VideoWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let error = RwSignal::new(None::<String>);
    let current = handle
        .lab
        .with_untracked(|l| l.video.stream.as_ref().map(|s| s.config));
    let ret = RwSignal::new(current.map_or(1, |c| c.retention_hours).to_string());
    let frag = RwSignal::new(current.map_or(2000, |c| c.fragment_ms).to_string());
    let rec_secs = RwSignal::new("20".to_string());
    let wait_secs = RwSignal::new("60".to_string());
    let api = RwSignal::new("get_media".to_string());
    let sel = RwSignal::new("SERVER_TIMESTAMP".to_string());
    let ts = RwSignal::new("7".to_string());
    let end = RwSignal::new("20".to_string());
    let frag_no = RwSignal::new("1".to_string());

    let act = move |a: VideoAction| {
        let lang = ctx.lang.get_untracked();
        error.set(match handle.apply(Action::Video(a)) {
            Ok(()) => None,
            Err(LabError::Video(e)) => Some(error_text(lang, &e)),
            Err(e) => Some(e.to_string()),
        });
    };
    let bad_number = move |field: &str| {
        let lang = ctx.lang.get_untracked();
        error.set(Some(match lang {
            Lang::En => format!("{field}: type a whole number."),
            Lang::Vi => format!("{field}: hãy nhập một số nguyên."),
        }));
    };
    let bad_seconds = move |field: &str| {
        let lang = ctx.lang.get_untracked();
        error.set(Some(match lang {
            Lang::En => format!("{field}: type seconds on the timeline, such as 7 or 7.5."),
            Lang::Vi => format!("{field}: hãy nhập số giây trên dòng thời gian, ví dụ 7 hoặc 7.5."),
        }));
    };
    let as_u32 = |v: Option<u64>| v.map(|n| n.min(u32::MAX as u64) as u32);

    let start = move || match (
        as_u32(whole(&ret.get_untracked())),
        as_u32(whole(&frag.get_untracked())),
    ) {
        (Some(r), Some(f)) => act(VideoAction::Start {
            retention_hours: r,
            fragment_ms: f,
            kbps: DEFAULT_KBPS,
            fps: DEFAULT_FPS,
        }),
        (None, _) => bad_number("DataRetentionInHours"),
        (_, None) => bad_number("fragment_duration"),
    };
    let set_ret = move || match as_u32(whole(&ret.get_untracked())) {
        Some(h) => act(VideoAction::SetRetention { hours: h }),
        None => bad_number("DataRetentionChangeInHours"),
    };
    let record = move || match as_u32(whole(&rec_secs.get_untracked())) {
        Some(s) => act(VideoAction::Record { seconds: s }),
        None => bad_number("seconds"),
    };
    let wait = move |s: Option<u32>| match s.or_else(|| as_u32(whole(&wait_secs.get_untracked()))) {
        Some(s) => act(VideoAction::Wait { seconds: s }),
        None => bad_number("seconds"),
    };
    let read = move || {
        let opt_ms = |text: String| {
            let t = text.trim().to_owned();
            if t.is_empty() {
                Ok(None)
            } else {
                seconds_to_ms(&t).map(Some).ok_or(())
            }
        };
        if api.get_untracked() == "list" {
            let selector = if sel.get_untracked() == "PRODUCER_TIMESTAMP" {
                FragmentSelectorType::ProducerTimestamp
            } else {
                FragmentSelectorType::ServerTimestamp
            };
            match (
                seconds_to_ms(&ts.get_untracked()),
                seconds_to_ms(&end.get_untracked()),
            ) {
                (Some(a), Some(b)) => act(VideoAction::List {
                    selector,
                    start_ms: a,
                    end_ms: b,
                }),
                (None, _) => bad_seconds("StartTimestamp"),
                (_, None) => bad_seconds("EndTimestamp"),
            }
            return;
        }
        let selector = StartSelectorType::ALL
            .into_iter()
            .find(|s| s.name() == sel.get_untracked())
            .unwrap_or(StartSelectorType::Earliest);
        // Only the field the selector takes is sent, as a client would.
        let timestamp_ms = if selector.clock().is_some() {
            match opt_ms(ts.get_untracked()) {
                Ok(v) => v,
                Err(()) => return bad_seconds("StartTimestamp"),
            }
        } else {
            None
        };
        let fragment = if selector == StartSelectorType::FragmentNumber {
            let t = frag_no.get_untracked();
            if t.trim().is_empty() {
                None
            } else {
                match whole(&t) {
                    Some(n) => Some(n),
                    None => return bad_number("AfterFragmentNumber"),
                }
            }
        } else {
            None
        };
        act(VideoAction::Read {
            selector,
            timestamp_ms,
            fragment,
        });
    };

    let video = move || handle.lab.with(|l| l.video.clone());
    let status = move || {
        let lang = lang();
        handle.lab.with(|l| {
            let v = &l.video;
            let clock = v.now_ms - v.start_ms;
            let Some(s) = &v.stream else {
                return view! {
                    <p class="help" id="w-video-empty">{tr(lang, "No stream yet: choose the retention and the fragment duration, then press CreateStream.", "Chưa có stream: chọn retention và độ dài fragment, rồi bấm CreateStream.")}</p>
                }
                .into_any();
            };
            let c = s.config;
            let next = s.next_deadline().map(|d| secs(lang, d.saturating_sub(v.start_ms)));
            view! {
                <dl class="video-status">
                    <div><dt>{tr(lang, "Lab clock", "Đồng hồ lab")}</dt>
                        <dd id="w-video-clock" data-ms=clock>{format!("t = {} ({})", secs(lang, clock), span(lang, clock))}</dd></div>
                    <div><dt>"DataRetentionInHours"</dt><dd id="w-video-retention">{c.retention_hours}</dd></div>
                    <div><dt>{tr(lang, "Camera", "Camera")}</dt>
                        <dd id="w-video-camera">{format!("{} ms / fragment · {} kbit/s · {} fps · {} B / fragment",
                            i18n::int(lang, c.fragment_ms as u64), i18n::int(lang, c.kbps as u64), c.fps,
                            i18n::int(lang, s.fragment_bytes(c.fragment_ms)))}</dd></div>
                    <div><dt>{tr(lang, "Fragments recorded", "Fragment đã ghi")}</dt><dd id="w-video-recorded">{s.all().len()}</dd></div>
                    <div><dt>{tr(lang, "Kept", "Còn giữ")}</dt><dd id="w-video-kept">{s.kept().len()}
                        {s.kept().first().zip(s.kept().last()).map(|(a, b)| format!(" (#{} – #{})", a.number, b.number))}</dd></div>
                    <div><dt>{tr(lang, "Trimmed by retention", "Bị retention xoá")}</dt><dd id="w-video-trimmed">{s.trimmed().len()}</dd></div>
                    <div><dt>{tr(lang, "Kept for", "Giữ trong")}</dt><dd id="w-video-window">{if c.retention_hours == 0 {
                        format!("{} ({})", span(lang, BUFFER_MS), tr(lang, "service buffer only, no archive", "chỉ bộ đệm của dịch vụ, không lưu trữ"))
                    } else { span(lang, s.window_ms()) }}</dd></div>
                    {next.map(|n| view! { <div><dt>{tr(lang, "Next trim at", "Lần xoá tiếp theo lúc")}</dt><dd id="w-video-next-trim">{format!("t = {n}")}</dd></div> })}
                </dl>
            }
            .into_any()
        })
    };

    let drawing = move || {
        let lang = lang();
        let v = video();
        match &v.stream {
            Some(s) if !s.all().is_empty() => timeline(lang, &v, s),
            Some(_) => view! { <p class="help" id="w-video-no-fragments">{tr(lang, "The stream is empty: press Record.", "Stream đang trống: hãy bấm Ghi hình.")}</p> }.into_any(),
            None => ().into_any(),
        }
    };

    let last = move || {
        let lang = lang();
        let v = video();
        let r = v.reads.last()?.clone();
        let t = |ms: u64| ms.saturating_sub(v.start_ms);
        let what = match (r.api, r.timestamp_ms, r.fragment) {
            (ReadApi::ListFragments, Some(a), _) => format!(
                "ListFragments {} {} → {}",
                r.selector,
                secs(lang, t(a)),
                secs(lang, t(r.end_ms.unwrap_or(a)))
            ),
            (_, Some(a), _) => format!(
                "GetMedia {} StartTimestamp = {}",
                r.selector,
                secs(lang, t(a))
            ),
            (_, _, Some(n)) => format!("GetMedia {} AfterFragmentNumber = {n}", r.selector),
            _ => format!("GetMedia {}", r.selector),
        };
        let got = match (r.returned.first(), r.returned.last()) {
            (Some(a), Some(b)) if r.api == ReadApi::GetMedia => format!(
                "{} {}: #{a} – #{b}",
                r.returned.len(),
                tr(
                    lang,
                    "fragments, in fragment-number order",
                    "fragment, theo thứ tự số fragment"
                ),
            ),
            (Some(_), _) => format!(
                "{} {}: {}",
                r.returned.len(),
                tr(
                    lang,
                    "fragments, in no particular order",
                    "fragment, không theo thứ tự nào"
                ),
                r.returned
                    .iter()
                    .take(12)
                    .map(|n| format!("#{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if r.returned.len() > 12 { ", …" } else { "" }
            ),
            _ => tr(lang, "no fragments", "không có fragment nào").to_owned(),
        };
        let note = match r.api {
            ReadApi::GetMedia if r.asked_for_trimmed => Some(tr(lang,
                "That time is older than anything the stream keeps, so the read starts at the oldest fragment kept.",
                "Thời điểm đó cũ hơn mọi thứ stream còn giữ, nên lần đọc bắt đầu từ fragment cũ nhất còn giữ.")),
            ReadApi::GetMedia if r.skipped > 0 && r.timestamp_ms.is_some() => Some(tr(lang,
                "It starts with the fragment that contains StartTimestamp (or the first one after it).",
                "Lần đọc bắt đầu từ fragment chứa StartTimestamp (hoặc fragment đầu tiên sau nó).")),
            ReadApi::ListFragments if r.returned.is_empty() && v.stream.as_ref().is_some_and(|s| s.kept().iter().all(|f| !f.archived)) => Some(tr(lang,
                "ListFragments lists archived fragments only; with DataRetentionInHours = 0 nothing is archived.",
                "ListFragments chỉ liệt kê fragment đã lưu trữ; với DataRetentionInHours = 0 thì không có gì được lưu trữ.")),
            _ => None,
        };
        let rows: Vec<Fragment> = r
            .returned
            .iter()
            .take(8)
            .filter_map(|n| v.fragment(*n).cloned())
            .collect();
        let more = r.returned.len().saturating_sub(rows.len());
        Some(view! {
            <section class="video-read" id="w-video-last" data-returned=r.returned.len() data-first=r.returned.first().map(|n| n.to_string()).unwrap_or_default()>
                <h4>{tr(lang, "Last read", "Lần đọc gần nhất")}</h4>
                <p><code>{what}</code>" → "<span id="w-video-got">{got}</span></p>
                {note.map(|n| view! { <p class="help">{n}</p> })}
                {(!rows.is_empty()).then(|| view! {
                    <div class="table-wrap" tabindex="0">
                    <table class="video-frags">
                        <thead><tr>
                            <th scope="col">"FragmentNumber"</th>
                            <th scope="col">"ProducerTimestamp"</th>
                            <th scope="col">"ServerTimestamp"</th>
                            <th scope="col">"FragmentLengthInMilliseconds"</th>
                            <th scope="col">"FragmentSizeInBytes"</th>
                        </tr></thead>
                        <tbody>
                            {rows.iter().map(|f| view! {
                                <tr data-number=f.number>
                                    <td>{f.number}</td>
                                    <td>{secs(lang, t(f.producer_ms))}</td>
                                    <td>{secs(lang, t(f.server_ms))}</td>
                                    <td>{i18n::int(lang, f.length_ms as u64)}</td>
                                    <td>{i18n::int(lang, f.bytes)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                })}
                {(more > 0).then(|| view! { <p class="help">{format!("+{more} {}", tr(lang, "more", "fragment nữa"))}</p> })}
            </section>
        })
    };

    let history = move || {
        let lang = lang();
        let v = video();
        let t = |ms: u64| ms.saturating_sub(v.start_ms);
        let items = v
            .reads
            .iter()
            .enumerate()
            .rev()
            .take(6)
            .map(|(i, r)| {
                let api = match r.api {
                    ReadApi::GetMedia => "GetMedia",
                    ReadApi::ListFragments => "ListFragments",
                };
                let from = r.timestamp_ms.map(|x| format!(" {}", secs(lang, t(x)))).unwrap_or_default();
                let frag = r.fragment.map(|n| format!(" #{n}")).unwrap_or_default();
                let first = r.returned.first().map(|n| format!(" → #{n}…")).unwrap_or_default();
                view! { <li data-read=i + 1>{format!("t = {} · {api} {}{from}{frag}: {} {}{first}", secs(lang, t(r.at_ms)), r.selector, r.returned.len(), tr(lang, "fragments", "fragment"))}</li> }
            })
            .collect_view();
        view! { <ol id="w-video-reads" class="video-reads" reversed>{items}</ol> }
    };

    let is_list = move || api.get() == "list";
    let selectors = move || {
        let list = is_list();
        let names: Vec<&'static str> = if list {
            vec!["SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP"]
        } else {
            StartSelectorType::ALL.iter().map(|s| s.name()).collect()
        };
        names
            .into_iter()
            .map(|n| view! { <option value=n selected=move || sel.get() == n>{n}</option> })
            .collect_view()
    };
    let needs_ts = move || is_list() || sel.get().ends_with("_TIMESTAMP");
    let needs_no = move || !is_list() && sel.get() == "FRAGMENT_NUMBER";

    let quick = [(60u32, "+1 min", "+1 phút"), (600, "+10 min", "+10 phút"), (3600, "+1 h", "+1 giờ")]
        .map(|(s, en, vi)| {
            view! {
                <button class="button small w-video-quick" data-seconds=s on:click=move |_| wait(Some(s))>
                    {move || tr(lang(), en, vi)}
                </button>
            }
        })
        .to_vec();

    let limits = move || {
        let lang = lang();
        match lang {
            Lang::En => format!(
                "Service limits in the model: fragments up to {} s (PutMedia); DataRetentionInHours from 0 to {}; with 0, a buffer of {} and {} MB; PutMedia up to {} MB/s; {} GetMedia connections at once per stream. The lab's fragment numbers count from 1; real ones are long digit strings.",
                MAX_FRAGMENT_MS / 1000,
                i18n::int(lang, MAX_RETENTION_HOURS as u64),
                span(lang, BUFFER_MS),
                BUFFER_BYTES / 1_000_000,
                i18n::decimal(lang, MAX_PUT_MEDIA_BYTES_PER_SECOND as f64 / 1e6, 1),
                MAX_GET_MEDIA_CONNECTIONS
            ),
            Lang::Vi => format!(
                "Giới hạn dịch vụ trong mô hình: mỗi fragment dài tối đa {} giây (PutMedia); DataRetentionInHours từ 0 đến {}; khi bằng 0 chỉ còn bộ đệm {} và {} MB; PutMedia tối đa {} MB/giây; mỗi stream tối đa {} kết nối GetMedia cùng lúc. Số fragment trong lab đếm từ 1; số thật là một chuỗi chữ số dài.",
                MAX_FRAGMENT_MS / 1000,
                i18n::int(lang, MAX_RETENTION_HOURS as u64),
                span(lang, BUFFER_MS),
                BUFFER_BYTES / 1_000_000,
                i18n::decimal(lang, MAX_PUT_MEDIA_BYTES_PER_SECOND as f64 / 1e6, 1),
                MAX_GET_MEDIA_CONNECTIONS
            ),
        }
    };

    view! {
        <div class="widget video-widget" id="w-video" data-ops=move || handle.lab.with(|l| l.video.ops)>
            <p class="help">{move || tr(lang(),
                "A camera sends fragments with PutMedia; the service numbers them and stamps the time it received each one. Time here is simulated: recording and waiting move the lab clock at once.",
                "Một camera gửi fragment bằng PutMedia; dịch vụ đánh số từng fragment và ghi lại thời điểm nhận được nó. Thời gian ở đây là mô phỏng: ghi hình và chờ sẽ đẩy đồng hồ lab đi ngay lập tức.")}</p>
            {status}
            {drawing}
            <div class="video-controls">
                <fieldset>
                    <legend>{move || tr(lang(), "Stream", "Stream")}</legend>
                    {text_field(ctx, "w-video-ret", "DataRetentionInHours", "DataRetentionInHours", ret, start)}
                    {text_field(ctx, "w-video-frag", "Fragment duration (ms)", "Độ dài fragment (ms)", frag, start)}
                    <button id="w-video-start" class="button" on:click=move |_| start()>"CreateStream"</button>
                    <button id="w-video-setret" class="button" on:click=move |_| set_ret()>"UpdateDataRetention"</button>
                </fieldset>
                <fieldset>
                    <legend>{move || tr(lang(), "Camera and clock", "Camera và đồng hồ")}</legend>
                    {text_field(ctx, "w-video-rec-secs", "Record for (s)", "Ghi trong (giây)", rec_secs, record)}
                    <button id="w-video-record" class="button primary" on:click=move |_| record()>{move || tr(lang(), "Record", "Ghi hình")}</button>
                    {text_field(ctx, "w-video-wait-secs", "Wait, camera off (s)", "Chờ, tắt camera (giây)", wait_secs, move || wait(None))}
                    <button id="w-video-wait" class="button" on:click=move |_| wait(None)>{move || tr(lang(), "Wait", "Chờ")}</button>
                    {quick}
                </fieldset>
                <fieldset>
                    <legend>{move || tr(lang(), "Consumer", "Consumer")}</legend>
                    <label class="field">
                        <span>"API"</span>
                        <select id="w-video-api" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if v == "list" && !sel.get_untracked().ends_with("_TIMESTAMP") {
                                sel.set("SERVER_TIMESTAMP".into());
                            }
                            api.set(v);
                        }>
                            <option value="get_media" selected=move || !is_list()>"GetMedia"</option>
                            <option value="list" selected=is_list>"ListFragments"</option>
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || if is_list() { "FragmentSelectorType" } else { "StartSelectorType" }}</span>
                        <select id="w-video-sel" on:change=move |ev| sel.set(event_target_value(&ev))>{selectors}</select>
                    </label>
                    <Show when=needs_ts>
                        {text_field(ctx, "w-video-ts", "StartTimestamp (s on the timeline)", "StartTimestamp (giây trên dòng thời gian)", ts, read)}
                    </Show>
                    <Show when=is_list>
                        {text_field(ctx, "w-video-end", "EndTimestamp (s)", "EndTimestamp (giây)", end, read)}
                    </Show>
                    <Show when=needs_no>
                        {text_field(ctx, "w-video-frag-no", "AfterFragmentNumber", "AfterFragmentNumber", frag_no, read)}
                    </Show>
                    <button id="w-video-read" class="button primary" on:click=move |_| read()>{move || tr(lang(), "Read", "Đọc")}</button>
                </fieldset>
            </div>
            <p class="error" role="alert" id="w-video-error">{move || error.get()}</p>
            {last}
            {history}
            <p class="help" id="w-video-limits">{limits}</p>
        </div>
    }
}
