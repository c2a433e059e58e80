//! Kinesis Video Streams model (core `video`) and the lesson lab on it:
//! fragment numbering and timestamps, GetMedia selectors checked against a
//! naive filter, retention trimming, the 0-hour buffer, refused requests
//! naming their field, determinism, and no panics on any input.

use kinesis_lab_core::lesson::video::{evaluate, VideoAction, VideoGoal, VideoLab, VideoWhy};
use kinesis_lab_core::video::*;
use proptest::prelude::*;

const T0: u64 = 1_767_225_600_000;

fn config(retention_hours: u32, fragment_ms: u32) -> StreamConfig {
    StreamConfig {
        retention_hours,
        fragment_ms,
        kbps: 2_000,
        fps: 30,
    }
}

fn numbers(f: &[Fragment]) -> Vec<u64> {
    f.iter().map(|f| f.number).collect()
}

/// Records `bursts` (seconds recording, seconds idle after) on a new stream.
fn stream(seed: u64, retention: u32, fragment_ms: u32, bursts: &[(u32, u32)]) -> VideoStream {
    let mut s = VideoStream::new(seed, T0, config(retention, fragment_ms)).unwrap();
    for &(rec, idle) in bursts {
        s.record(rec).unwrap();
        let now = s.now_ms;
        s.advance_to(now + idle as u64 * 1000);
    }
    s
}

#[test]
fn fragments_are_numbered_in_order_with_server_after_producer() {
    let s = stream(3, 1, 2000, &[(21, 5), (9, 0)]);
    let all = s.all();
    // 21 s of 2 s fragments: ten full ones and a 1 s one; then 4 and a 1 s one.
    assert_eq!(all.len(), 11 + 5);
    for w in all.windows(2) {
        assert!(w[1].number > w[0].number);
        assert!(w[1].server_ms > w[0].server_ms);
        assert!(w[1].producer_ms >= w[0].producer_ms + w[0].length_ms as u64);
    }
    for f in all {
        assert!(f.server_ms >= f.producer_ms, "{f:?}");
        assert!(f.server_ms - f.producer_ms <= UPLOAD_DELAY_MS.1);
        assert!(f.length_ms <= MAX_FRAGMENT_MS);
        assert_eq!(f.frames as u64, f.length_ms as u64 * 30 / 1000);
        assert_eq!(f.bytes, 2_000 * 1000 / 8 * f.length_ms as u64 / 1000);
        assert!(f.archived);
    }
    assert_eq!(all[10].length_ms, 1000);
    assert_eq!(all[0].number, 1);
}

#[test]
fn get_media_by_timestamp_matches_a_naive_filter() {
    let s = stream(11, 1, 2000, &[(30, 20), (30, 0)]);
    let first = s.all()[0].producer_ms;
    let last_end = s.all().last().unwrap().end(Clock::Server);
    let mut t = first.saturating_sub(3000);
    while t <= last_end + 3000 {
        for (sel, clock) in [
            (StartSelector::ServerTimestamp(t), Clock::Server),
            (StartSelector::ProducerTimestamp(t), Clock::Producer),
        ] {
            let got = numbers(s.get_media(sel).unwrap());
            // The fragment containing t, then every later one: the kept
            // fragments whose span ends after t, in number order.
            let mut want: Vec<&Fragment> = s.kept().iter().filter(|f| f.end(clock) > t).collect();
            want.sort_by_key(|f| f.number);
            assert_eq!(
                got,
                want.iter().map(|f| f.number).collect::<Vec<_>>(),
                "t={t}"
            );
            if let Some(f) = want.first() {
                // It contains t, or t is before it (a gap or before the start).
                assert!(f.ts(clock) <= t && t < f.end(clock) || t < f.ts(clock));
            }
        }
        t += 137;
    }
}

#[test]
fn other_selectors() {
    let s = stream(5, 1, 2000, &[(20, 0)]);
    let kept = numbers(s.kept());
    assert_eq!(numbers(s.get_media(StartSelector::Earliest).unwrap()), kept);
    assert_eq!(
        numbers(s.get_media(StartSelector::Now).unwrap()),
        vec![*kept.last().unwrap()]
    );
    assert_eq!(
        numbers(s.get_media(StartSelector::FragmentNumber(4)).unwrap()),
        kept[3..].to_vec()
    );
    let e = s.get_media(StartSelector::FragmentNumber(99)).unwrap_err();
    assert_eq!(e.field, "AfterFragmentNumber");
    assert_eq!(e.problem, VideoProblem::NoSuchFragment { number: 99 });
}

#[test]
fn retention_trims_exactly_what_is_older_than_the_window() {
    // 1 h retention; record, idle 40 min, record, idle 30 min.
    let s = stream(8, 1, 2000, &[(20, 40 * 60), (20, 30 * 60)]);
    let point = s.now_ms - 3_600_000;
    assert_eq!(s.trim_point(), point);
    let want_trimmed: Vec<u64> = s
        .all()
        .iter()
        .filter(|f| f.server_ms < point)
        .map(|f| f.number)
        .collect();
    assert_eq!(numbers(s.trimmed()), want_trimmed);
    assert_eq!(want_trimmed.len(), 10);
    assert!(s.kept().iter().all(|f| f.server_ms >= point));
    // A read from before the trim point starts at the oldest kept fragment.
    let got = s.get_media(StartSelector::ServerTimestamp(T0)).unwrap();
    assert_eq!(got[0].number, 11);
    // The next trim is when the oldest kept fragment leaves the window.
    assert_eq!(
        s.next_deadline(),
        Some(s.kept()[0].server_ms + 3_600_000 + 1)
    );
    let mut later = s.clone();
    later.advance_to(s.next_deadline().unwrap());
    assert_eq!(later.trimmed().len(), 11);
    // UpdateDataRetention takes 1 h at least; raising it keeps what is left.
    let mut up = s.clone();
    assert_eq!(
        up.set_retention(0).unwrap_err().field,
        "DataRetentionChangeInHours"
    );
    assert_eq!(up, s);
    up.set_retention(2).unwrap();
    assert_eq!(numbers(up.kept()), numbers(s.kept()));
    // Lowering it deletes what the new period no longer covers, at once.
    let mut down = stream(8, 2, 2000, &[(20, 40 * 60), (20, 30 * 60)]);
    assert!(down.trimmed().is_empty());
    down.set_retention(1).unwrap();
    assert_eq!(numbers(down.trimmed()), want_trimmed);
}

#[test]
fn retention_zero_keeps_only_the_five_minute_buffer() {
    let mut s = stream(2, 0, 2000, &[(600, 0)]);
    let point = s.now_ms - BUFFER_MS;
    assert!(!s.kept().is_empty());
    assert!(s.kept().iter().all(|f| f.server_ms >= point));
    assert!(s.trimmed().iter().all(|f| f.server_ms < point));
    // About 5 minutes of 2 s fragments remain.
    assert!((149..=151).contains(&s.kept().len()), "{}", s.kept().len());
    assert!(s.kept().iter().all(|f| !f.archived));
    // Not archived: ListFragments sees nothing, GetMedia still reads the buffer.
    let listed = s
        .list_fragments(FragmentSelectorType::ServerTimestamp, 0, u64::MAX)
        .unwrap();
    assert!(listed.is_empty());
    assert!(!s.get_media(StartSelector::Earliest).unwrap().is_empty());
    s.advance_to(s.now_ms + BUFFER_MS + 1);
    assert!(s.kept().is_empty());

    // The 200 MB limit: at the PutMedia maximum of 12.5 MB/s it is reached
    // before 5 minutes are.
    let mut fast = VideoStream::new(
        1,
        T0,
        StreamConfig {
            kbps: MAX_KBPS,
            ..config(0, 10_000)
        },
    )
    .unwrap();
    fast.record(60).unwrap();
    let bytes: u64 = fast.kept().iter().map(|f| f.bytes).sum();
    assert!(bytes <= BUFFER_BYTES);
    assert!(bytes + fast.trimmed().last().unwrap().bytes > BUFFER_BYTES);
    let per = fast.fragment_bytes(10_000);
    assert_eq!(fast.kept().len() as u64, BUFFER_BYTES / per);
    assert_eq!(fast.all().len(), 6);
}

#[test]
fn list_fragments_returns_the_archived_range_in_some_order() {
    let mut s = stream(4, 2, 2000, &[(40, 0)]);
    let all = s.all().to_vec();
    let (a, b) = (all[3].producer_ms, all[12].producer_ms);
    let mut got = numbers(
        &s.list_fragments(FragmentSelectorType::ProducerTimestamp, a, b)
            .unwrap(),
    );
    got.sort();
    assert_eq!(got, (4..=13).collect::<Vec<u64>>());
    let e = s
        .list_fragments(FragmentSelectorType::ServerTimestamp, b, a)
        .unwrap_err();
    assert_eq!(e.field, "TimestampRange");
}

#[test]
fn refused_requests_name_the_field_and_change_nothing() {
    let mut lab = VideoLab::new(9, T0);
    let before = lab.clone();
    let e = lab.apply(&VideoAction::Record { seconds: 10 }).unwrap_err();
    assert_eq!(e.field, "StreamName");
    assert_eq!(lab, before);
    let start = VideoAction::Start {
        retention_hours: 1,
        fragment_ms: 2000,
        kbps: 2000,
        fps: 30,
    };
    lab.apply(&start).unwrap();
    lab.apply(&VideoAction::Record { seconds: 10 }).unwrap();
    let cases: Vec<(VideoAction, &str)> = vec![
        (
            VideoAction::Start {
                retention_hours: 87_601,
                fragment_ms: 2000,
                kbps: 2000,
                fps: 30,
            },
            "DataRetentionInHours",
        ),
        (
            VideoAction::Start {
                retention_hours: 1,
                fragment_ms: 10_001,
                kbps: 2000,
                fps: 30,
            },
            "fragment_duration",
        ),
        (
            VideoAction::Start {
                retention_hours: 1,
                fragment_ms: 2000,
                kbps: MAX_KBPS + 1,
                fps: 30,
            },
            "bitrate_kbps",
        ),
        (
            VideoAction::SetRetention { hours: 87_601 },
            "DataRetentionChangeInHours",
        ),
        (
            VideoAction::SetRetention { hours: 0 },
            "DataRetentionChangeInHours",
        ),
        (VideoAction::Record { seconds: 0 }, "seconds"),
        (VideoAction::Wait { seconds: 0 }, "seconds"),
        (
            VideoAction::Read {
                selector: StartSelectorType::ServerTimestamp,
                timestamp_ms: None,
                fragment: None,
            },
            "StartTimestamp",
        ),
        (
            VideoAction::Read {
                selector: StartSelectorType::ProducerTimestamp,
                timestamp_ms: None,
                fragment: Some(2),
            },
            "StartTimestamp",
        ),
        (
            VideoAction::Read {
                selector: StartSelectorType::FragmentNumber,
                timestamp_ms: Some(0),
                fragment: None,
            },
            "AfterFragmentNumber",
        ),
        (
            VideoAction::Read {
                selector: StartSelectorType::FragmentNumber,
                timestamp_ms: None,
                fragment: Some(77),
            },
            "AfterFragmentNumber",
        ),
        (
            VideoAction::List {
                selector: FragmentSelectorType::ServerTimestamp,
                start_ms: 5,
                end_ms: 4,
            },
            "TimestampRange",
        ),
    ];
    for (a, field) in cases {
        let before = lab.clone();
        let e = lab.apply(&a).unwrap_err();
        assert_eq!(e.field, field, "{a:?}");
        assert!(e.message.contains(field), "{}", e.message);
        assert_eq!(lab, before, "{a:?}");
    }
    // The largest retention is accepted.
    lab.apply(&VideoAction::SetRetention {
        hours: MAX_RETENTION_HOURS,
    })
    .unwrap();
}

#[test]
fn the_same_seed_gives_the_same_fragments() {
    let a = stream(42, 1, 1500, &[(30, 10), (7, 0)]);
    let b = stream(42, 1, 1500, &[(30, 10), (7, 0)]);
    assert_eq!(a.all(), b.all());
    let c = stream(43, 1, 1500, &[(30, 10), (7, 0)]);
    assert_ne!(
        a.all().iter().map(|f| f.server_ms).collect::<Vec<_>>(),
        c.all().iter().map(|f| f.server_ms).collect::<Vec<_>>()
    );
}

#[test]
fn lab_goals_follow_the_reads() {
    let mut lab = VideoLab::new(1, T0);
    let ops = [
        VideoAction::Start {
            retention_hours: 1,
            fragment_ms: 2000,
            kbps: 2000,
            fps: 30,
        },
        VideoAction::Record { seconds: 20 },
    ];
    for a in &ops {
        lab.apply(a).unwrap();
    }
    let from_time = VideoGoal::ReadFromTime { fragments: 3 };
    assert_eq!(evaluate(&from_time, &lab), Err(VideoWhy::NoTimestampRead));
    // A timestamp before the first fragment starts at the oldest: not the goal.
    lab.apply(&VideoAction::Read {
        selector: StartSelectorType::ServerTimestamp,
        timestamp_ms: Some(0),
        fragment: None,
    })
    .unwrap();
    assert_eq!(evaluate(&from_time, &lab), Err(VideoWhy::StartedAtOldest));
    // 7 s: inside fragment 4 (6 s to 8 s on the producer clock).
    lab.apply(&VideoAction::Read {
        selector: StartSelectorType::ProducerTimestamp,
        timestamp_ms: Some(7000),
        fragment: None,
    })
    .unwrap();
    let r = lab.reads.last().unwrap();
    assert_eq!(r.returned, (4..=10).collect::<Vec<u64>>());
    assert_eq!(r.skipped, 3);
    assert_eq!(evaluate(&from_time, &lab), Ok(()));

    let trim = VideoGoal::Trimmed { fragments: 10 };
    assert_eq!(
        evaluate(&trim, &lab),
        Err(VideoWhy::TooFewTrimmed { have: 0, need: 10 })
    );
    assert_eq!(
        evaluate(&VideoGoal::ReadAfterTrim, &lab),
        Err(VideoWhy::NoReadAfterTrim)
    );
    for a in [
        VideoAction::Wait { seconds: 40 * 60 },
        VideoAction::Record { seconds: 20 },
        VideoAction::Wait { seconds: 30 * 60 },
    ] {
        lab.apply(&a).unwrap();
    }
    assert_eq!(evaluate(&trim, &lab), Ok(()));
    // A read from a time still kept is not what the goal asks for.
    let late = lab.now_ms - lab.start_ms - 30 * 60 * 1000 - 5000;
    lab.apply(&VideoAction::Read {
        selector: StartSelectorType::ServerTimestamp,
        timestamp_ms: Some(late),
        fragment: None,
    })
    .unwrap();
    assert_eq!(
        evaluate(&VideoGoal::ReadAfterTrim, &lab),
        Err(VideoWhy::NotBeforeTrimPoint)
    );
    lab.apply(&VideoAction::Read {
        selector: StartSelectorType::ServerTimestamp,
        timestamp_ms: Some(5000),
        fragment: None,
    })
    .unwrap();
    let r = lab.reads.last().unwrap();
    assert_eq!(r.returned.first(), Some(&11));
    assert_eq!(evaluate(&VideoGoal::ReadAfterTrim, &lab), Ok(()));
}

#[test]
fn actions_read_as_lesson_actions() {
    use kinesis_lab_core::lesson::lab::Action;
    let a: Action = serde_json::from_str(
        r#"{"do":"video","op":"start","retention_hours":1,"fragment_ms":2000}"#,
    )
    .unwrap();
    assert_eq!(
        a,
        Action::Video(VideoAction::Start {
            retention_hours: 1,
            fragment_ms: 2000,
            kbps: 2000,
            fps: 30
        })
    );
    let r: Action = serde_json::from_str(
        r#"{"do":"video","op":"read","selector":"SERVER_TIMESTAMP","timestamp_ms":7000}"#,
    )
    .unwrap();
    assert_eq!(
        r,
        Action::Video(VideoAction::Read {
            selector: StartSelectorType::ServerTimestamp,
            timestamp_ms: Some(7000),
            fragment: None
        })
    );
    assert!(serde_json::from_str::<Action>(
        r#"{"do":"video","op":"read","selector":"NOW","bogus":1}"#
    )
    .is_err());
}

fn any_action() -> impl Strategy<Value = VideoAction> {
    let sel = prop_oneof![
        Just(StartSelectorType::Now),
        Just(StartSelectorType::Earliest),
        Just(StartSelectorType::FragmentNumber),
        Just(StartSelectorType::ProducerTimestamp),
        Just(StartSelectorType::ServerTimestamp),
    ];
    prop_oneof![
        (0u32..100_000, 0u32..12_000, 0u32..200_000, 0u32..200).prop_map(|(r, f, k, fps)| {
            VideoAction::Start {
                retention_hours: r % 3,
                fragment_ms: f,
                kbps: k,
                fps,
            }
        }),
        any::<u32>().prop_map(|s| VideoAction::Record { seconds: s % 700 }),
        any::<u32>().prop_map(|s| VideoAction::Wait { seconds: s }),
        any::<u32>().prop_map(|h| VideoAction::SetRetention { hours: h % 100_000 }),
        (
            sel,
            proptest::option::of(any::<u64>()),
            proptest::option::of(0u64..400)
        )
            .prop_map(|(selector, timestamp_ms, fragment)| VideoAction::Read {
                selector,
                timestamp_ms,
                fragment
            }),
        (any::<u64>(), any::<u64>()).prop_map(|(a, b)| VideoAction::List {
            selector: FragmentSelectorType::ServerTimestamp,
            start_ms: a,
            end_ms: b
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn no_panics_and_invariants_hold(actions in proptest::collection::vec(any_action(), 0..30)) {
        let mut lab = VideoLab::new(7, T0);
        for a in &actions {
            let before = lab.clone();
            if lab.apply(a).is_err() {
                prop_assert_eq!(&lab, &before);
            }
            for g in [VideoGoal::Recorded { fragments: 1 }, VideoGoal::ReadFromTime { fragments: 1 }, VideoGoal::Trimmed { fragments: 1 }, VideoGoal::ReadAfterTrim] {
                let _ = evaluate(&g, &lab);
            }
        }
        if let Some(s) = &lab.stream {
            for w in s.all().windows(2) {
                prop_assert!(w[1].number > w[0].number);
                prop_assert!(w[1].server_ms > w[0].server_ms);
            }
            for f in s.all() {
                prop_assert!(f.server_ms >= f.producer_ms);
                prop_assert!(f.server_ms <= s.now_ms);
            }
            let point = s.trim_point();
            prop_assert!(s.kept().iter().all(|f| f.server_ms >= point));
        }
    }
}

/// The Video Streams lesson's claims, played on its own scenario.
#[test]
fn the_lesson_shows_what_it_claims() {
    use kinesis_lab_core::lesson::lab::{Action, Lab};
    use kinesis_lab_core::lesson::Lesson;
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/video-streams.toml");
    let lesson: Lesson = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut lab = Lab::from_scenario(&lesson.scenario).unwrap();
    let v = |a: VideoAction| Action::Video(a);
    // Step 0: 20 s in fragments of 2,000 ms, server after producer.
    let s = lab.video.stream.as_ref().unwrap();
    assert_eq!(s.config.fragment_ms, 2000);
    assert_eq!(s.all().len(), 10);
    assert!(s.all().iter().all(|f| f.server_ms > f.producer_ms));
    // Step 1's prediction (option 1): SERVER_TIMESTAMP 7 s starts with fragment 4.
    assert_eq!(lesson.steps[1].predict.as_ref().unwrap().answer, 1);
    let mut l1 = lab.clone();
    l1.apply(&v(VideoAction::Read {
        selector: StartSelectorType::ServerTimestamp,
        timestamp_ms: Some(7000),
        fragment: None,
    }))
    .unwrap();
    assert_eq!(l1.video.reads[0].returned, (4..=10).collect::<Vec<u64>>());
    // Step 2: hint 2's arithmetic, the trim and the read from 0.
    for a in &lesson.solution {
        lab.apply(a).unwrap();
    }
    assert_eq!(lab.video.now_ms - lab.video.start_ms, 4_240_000);
    let first_end = lab.video.fragment(10).unwrap().end(Clock::Server) - lab.video.start_ms;
    assert!((20_000..21_000).contains(&first_end), "{first_end}");
    assert_eq!(lab.video.trimmed(), 10);
    assert_eq!(lab.video.reads.last().unwrap().returned.first(), Some(&11));
    // Step 3's prediction (option 2): with retention 0, EARLIEST a minute on
    // gets all ten fragments from the buffer; ListFragments none; ten
    // minutes later nothing is left.
    assert_eq!(lesson.steps[3].predict.as_ref().unwrap().answer, 2);
    for a in [
        VideoAction::Start {
            retention_hours: 0,
            fragment_ms: 2000,
            kbps: 2000,
            fps: 30,
        },
        VideoAction::Record { seconds: 20 },
        VideoAction::Wait { seconds: 60 },
        VideoAction::Read {
            selector: StartSelectorType::Earliest,
            timestamp_ms: None,
            fragment: None,
        },
        VideoAction::List {
            selector: FragmentSelectorType::ServerTimestamp,
            start_ms: 0,
            end_ms: 100_000_000,
        },
        VideoAction::Wait { seconds: 600 },
        VideoAction::Read {
            selector: StartSelectorType::Earliest,
            timestamp_ms: None,
            fragment: None,
        },
    ] {
        lab.apply(&v(a)).unwrap();
    }
    let reads = &lab.video.reads;
    let n = reads.len();
    assert_eq!(reads[n - 3].returned.len(), 10);
    assert!(reads[n - 2].returned.is_empty());
    assert!(reads[n - 1].returned.is_empty());
}
