//! Fuzz targets for what the app reads from outside: share links (a lesson's
//! `?run=`, the Compare page's `?run=`, `?answers=` and `?scenario=`, the
//! Stream lab's session, the Partitions page's query, the hash itself) and
//! saved progress. Natively, as proptests; the core's targets are in
//! core/tests/fuzz.rs, with the same mutation helpers.
//!
//! Each target takes arbitrary text AND real links / records with their
//! bytes or their JSON mutated, then follows the link as the page does
//! (replaying a lesson's actions on its lab, a comparison on the engines).
//! Properties: nothing panics, errors name their field, round trips hold.
//!
//! `cargo test` runs a smoke run; `FUZZ_CASES=100000 cargo test -p
//! kinesis-lab-app --release --test fuzz` (or `cargo xtask fuzz`) runs long.

#[path = "../../core/tests/support/mutate.rs"]
mod mutate;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use kinesis_lab_app::catalog::catalog;
use kinesis_lab_app::pages::partitions::ViewState;
use kinesis_lab_app::pages::streams::session::{self, Act, Step};
use kinesis_lab_app::progress::{LoadNotice, Progress};
use kinesis_lab_app::route::Location;
use kinesis_lab_app::share;
use kinesis_lab_core::compare::guide::{parse_answers, walk};
use kinesis_lab_core::compare::sim::{presets, CompareAction, CompareSim};
use kinesis_lab_core::lesson::lab::{Action, Lab};
use mutate::{apply, apply_text, config, edits, guard};
use proptest::prelude::*;
use std::sync::OnceLock;

const START_MS: u64 = 1_700_000_000_000;

const JSON_WORDS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\\",
    "null",
    "true",
    "-1",
    "0",
    "1e400",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "\"k\":",
    "\"seconds\":",
    "\"shards\":",
    "\"records_per_second\":",
    "\"line\":\"aws kinesis list-streams\"",
    "\"t\":",
    "{\"Run\":{\"seconds\":4294967295}}",
    "\"SecondGroup\"",
    "{\"Wait\":{\"seconds\":4294967295}}",
    "\"RunWorkload\"",
    "\"KclAddWorker\"",
    "é",
    "😀",
];

/// Links to mutate: each lesson's solution, each Compare preset, a Stream
/// lab session; as (payload JSON, which decoder).
#[derive(Clone, Copy, Debug)]
enum Kind {
    Lesson(usize),
    Compare,
    Session,
}

fn link_seeds() -> &'static Vec<(Kind, String)> {
    static SEEDS: OnceLock<Vec<(Kind, String)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut v = Vec::new();
        for (i, l) in catalog().lessons.iter().enumerate() {
            v.push((Kind::Lesson(i), serde_json::to_string(&l.solution).unwrap()));
        }
        for p in presets() {
            let mut actions = vec![CompareAction::Start {
                workload: p.workload.clone(),
            }];
            actions.extend(p.actions.iter().cloned());
            v.push((Kind::Compare, serde_json::to_string(&actions).unwrap()));
        }
        let steps = vec![
            Step {
                t: 0,
                act: Act::Console {
                    line: "aws kinesis create-stream --stream-name s --shard-count 2".into(),
                },
            },
            Step {
                t: 1_000,
                act: Act::Console {
                    line: "aws kinesis put-record --stream-name s --partition-key k --data aGk="
                        .into(),
                },
            },
            Step {
                t: 2_000,
                act: Act::Skip { ms: 60_000 },
            },
            Step {
                t: 3_000,
                act: Act::RemoveConsumer { label: "c1".into() },
            },
        ];
        v.push((Kind::Session, serde_json::to_string(&steps).unwrap()));
        assert!(v.len() > 10);
        v
    })
}

/// Most actions of a link the fuzzer replays (a link may hold 500; a few
/// dozen reach every state, and keep a case cheap).
const REPLAY_MAX: usize = 40;

/// Follows a lesson link as the lesson page does: decode, then apply each
/// action on the lesson's lab until one is refused.
fn follow_lesson_link(lesson: usize, encoded: &str) {
    let lessons = &catalog().lessons;
    let lesson = &lessons[lesson % lessons.len()];
    match share::decode::<Action>(encoded) {
        Ok(actions) => {
            let Ok(mut lab) = Lab::from_scenario(&lesson.scenario) else {
                panic!("{}: its own scenario is refused", lesson.id)
            };
            for a in actions.iter().take(REPLAY_MAX) {
                if let Err(e) = lab.apply(a) {
                    assert!(!e.to_string().is_empty(), "{e:?}");
                    break;
                }
            }
            for g in &lesson.goals {
                let _ = g.evaluate(&lab);
            }
        }
        Err(e) => check_share_error(&e),
    }
}

/// Follows a Compare `?run=` link as the page does.
fn follow_compare_link(encoded: &str) {
    match share::decode::<CompareAction>(encoded) {
        Ok(actions) => {
            let Some((CompareAction::Start { workload }, rest)) = actions.split_first() else {
                return;
            };
            let mut sim = match CompareSim::new(workload.clone(), START_MS) {
                Ok(s) => s,
                Err(e) => {
                    assert!(!e.field.is_empty(), "{e:?}");
                    return;
                }
            };
            for a in rest.iter().take(REPLAY_MAX) {
                let r = match a {
                    CompareAction::Start { workload } => {
                        CompareSim::new(workload.clone(), START_MS).map(|s| sim = s)
                    }
                    other => sim.apply(other),
                };
                if let Err(e) = r {
                    assert!(!e.field.is_empty(), "{e:?}");
                    break;
                }
            }
        }
        Err(e) => check_share_error(&e),
    }
}

fn follow_session_link(encoded: &str) {
    match session::decode(encoded) {
        Ok(steps) => {
            let back = session::decode(&share::encode(&steps));
            assert_eq!(back.as_ref(), Ok(&steps), "a decoded session re-encodes");
        }
        Err(e) => check_share_error(&e),
    }
}

fn check_share_error(e: &share::ShareError) {
    if let share::ShareError::UnknownVersion(v) = e {
        assert!(v.chars().count() <= 8, "{e:?}");
    }
}

fn follow(kind: Kind, encoded: &str) {
    guard("share link", &(kind, encoded), || match kind {
        Kind::Lesson(i) => follow_lesson_link(i, encoded),
        Kind::Compare => follow_compare_link(encoded),
        Kind::Session => follow_session_link(encoded),
    });
}

/// The whole address: the route, then each page's decoders on its query.
fn follow_hash(hash: &str) {
    guard("hash", hash, || {
        let loc = Location::parse(hash);
        let (state, bad) = ViewState::from_query(&loc);
        assert!(bad.iter().all(|b| loc.query.contains_key(*b)), "{bad:?}");
        // A state read from any link is a state the page can link to.
        let again = Location::parse(&state.to_location().to_hash());
        assert_eq!(ViewState::from_query(&again), (state, Vec::new()));
        if let Some(a) = loc.query.get("answers") {
            if let Ok(answers) = parse_answers(a) {
                let _ = walk(&answers);
            }
        }
        if let Some(id) = loc.query.get("scenario") {
            let _ = presets().iter().find(|p| p.id == id);
        }
        if let Some(run) = loc.query.get("run") {
            follow_compare_link(run);
            follow_lesson_link(0, run);
            follow_session_link(run);
        }
    });
}

fn odd_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        proptest::sample::select(vec![
            json!(0),
            json!(1),
            json!(-1),
            json!(u32::MAX),
            json!(u32::MAX as u64 + 1),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1e300),
            json!(0.5),
            json!(""),
            json!("x"),
            json!(null),
            json!(true),
            json!([]),
            json!({}),
        ]),
        any::<u32>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        "\\PC{0,16}".prop_map(|s| json!(s)),
    ]
}

/// Replaces the `at`-th leaf (modulo the number of leaves) of `v`.
fn replace_leaf(v: &mut serde_json::Value, at: usize, new: serde_json::Value) {
    fn leaves(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Array(a) => a.iter().map(leaves).sum(),
            serde_json::Value::Object(m) => m.values().map(leaves).sum(),
            _ => 1,
        }
    }
    fn go(v: &mut serde_json::Value, k: &mut usize, new: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Array(a) => a.iter_mut().any(|x| go(x, k, new)),
            serde_json::Value::Object(m) => m.values_mut().any(|x| go(x, k, new)),
            leaf => {
                if *k == 0 {
                    *leaf = new.clone();
                    true
                } else {
                    *k -= 1;
                    false
                }
            }
        }
    }
    let n = leaves(v);
    if n > 0 {
        let mut k = at % n;
        go(v, &mut k, &new);
    }
}

fn pick_seed(pick: usize) -> (Kind, String) {
    let seeds = link_seeds();
    seeds[pick % seeds.len()].clone()
}

proptest! {
    #![proptest_config(config(24))]

    /// The link as it travels: its characters mutated.
    #[test]
    fn share_links_mutated_text(pick in any::<usize>(), e in edits(4)) {
        let (kind, json) = pick_seed(pick);
        let link = format!("{}.{}", share::VERSION, URL_SAFE_NO_PAD.encode(json));
        follow(kind, &apply_text(&link, &e, &["1.", ".", "-", "_", "=", "%", "+"]));
    }

    /// The actions in the link mutated (then encoded properly), so they get
    /// past base64 and into the decoders and the replay.
    #[test]
    fn share_links_mutated_actions(pick in any::<usize>(), e in edits(4)) {
        let (kind, json) = pick_seed(pick);
        let payload = apply(json.as_bytes(), &e, JSON_WORDS);
        follow(kind, &format!("{}.{}", share::VERSION, URL_SAFE_NO_PAD.encode(payload)));
    }

    /// Values inside the actions replaced by odd ones (0, maxima, wrong
    /// types), the JSON kept well formed: the replay gets them.
    #[test]
    fn share_links_odd_values(pick in any::<usize>(), swaps in proptest::collection::vec((any::<usize>(), odd_value()), 1..4)) {
        let (kind, json) = pick_seed(pick);
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        for (at, odd) in &swaps {
            replace_leaf(&mut v, *at, odd.clone());
        }
        follow(kind, &format!("{}.{}", share::VERSION, URL_SAFE_NO_PAD.encode(v.to_string())));
    }

    #[test]
    fn share_links_arbitrary(pick in any::<usize>(), s in "\\PC{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let (kind, _) = pick_seed(pick);
        follow(kind, &s);
        follow(kind, &format!("1.{}", URL_SAFE_NO_PAD.encode(&bytes)));
    }

    /// Every link round-trips through encode and decode.
    #[test]
    fn share_links_round_trip(pick in any::<usize>()) {
        let (kind, json) = pick_seed(pick);
        let link = format!("{}.{}", share::VERSION, URL_SAFE_NO_PAD.encode(&json));
        match kind {
            Kind::Lesson(_) => {
                let a: Vec<Action> = share::decode(&link).unwrap();
                prop_assert_eq!(share::decode::<Action>(&share::encode(&a)).unwrap(), a);
            }
            Kind::Compare => {
                let a: Vec<CompareAction> = share::decode(&link).unwrap();
                prop_assert_eq!(share::decode::<CompareAction>(&share::encode(&a)).unwrap(), a);
            }
            Kind::Session => {
                let s = session::decode(&link).unwrap();
                prop_assert_eq!(session::decode(&share::encode(&s)).unwrap(), s);
            }
        }
    }

    #[test]
    fn hashes_arbitrary(h in "#?/?[a-z]{0,12}\\??\\PC{0,200}") {
        follow_hash(&h);
    }

    /// Real addresses (each page's links) mutated.
    #[test]
    fn hashes_mutated(pick in 0usize..6, e in edits(5)) {
        let (_, json) = pick_seed(pick);
        let run = format!("1.{}", URL_SAFE_NO_PAD.encode(json));
        let seeds = [
            ViewState::default().to_location().to_hash(),
            format!("#/compare?run={run}"),
            "#/compare?answers=yny".to_owned(),
            "#/compare?scenario=kill-consumer".to_owned(),
            format!("#/lesson/architecture?run={run}"),
            "#/partitions?v=1&key=user-1&shards=64&dist=zipf&rate=1&secs=1&seed=18446744073709551615&ehk=0".to_owned(),
        ];
        let words = ["&", "=", "?", "#", "%", "%ZZ", "%00", "+", "v=2", "shards=0", "answers=", "run=", "seed=-1", "/"];
        follow_hash(&apply_text(&seeds[pick % seeds.len()], &e, &words));
    }

    #[test]
    fn answers_arbitrary(s in "[yn]{0,20}|\\PC{0,30}") {
        guard("answers", &s, || {
            if let Ok(a) = parse_answers(&s) {
                let _ = walk(&a);
            }
        });
    }
}

// ================================================================ saved progress

fn progress_seed() -> String {
    let raw = r#"{"version":1,"lang":"vi",
        "lessons":{"architecture":{"completed":true,"furthest_step":3},"kcl":{"completed":false,"furthest_step":0}},
        "quizzes":[{"seed":42,"level":2,"correct":7,"total":10,"by_topic":{"shards":[3,4],"consumers":[4,6]}}]}"#;
    let (p, notice) = Progress::from_json(raw);
    assert_eq!(notice, None, "the seed record reads cleanly");
    assert_eq!(p.quizzes.len(), 1);
    p.to_json()
}

/// Loading keeps what it can; what it keeps saves and loads back unchanged
/// (with no notice, unless the record came from a newer version).
fn check_progress(raw: &str) {
    guard("progress", raw, || {
        let (p, notice) = Progress::from_json(raw);
        assert!(p.quizzes.len() <= kinesis_lab_app::progress::MAX_QUIZZES);
        assert!(p.quizzes.iter().all(|q| q.correct <= q.total));
        let (again, n2) = Progress::from_json(&p.to_json());
        assert_eq!(again, p, "kept progress round-trips");
        assert_eq!(n2, None, "after {notice:?}");
        if let Some(LoadNotice::PartlyRead { dropped }) = notice {
            assert!(dropped > 0);
        }
    });
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn progress_arbitrary(s in "\\PC{0,300}") {
        check_progress(&s);
    }

    #[test]
    fn progress_mutated(e in edits(5)) {
        let words = ["{", "}", "[", "]", ",", ":", "\"", "null", "-1", "1e400", "18446744073709551616",
            "\"version\":", "\"lang\":\"en\"", "\"lessons\":", "\"quizzes\":", "\"completed\":", "\"by_topic\":{}",
            "\"furthest_step\":", "\"correct\":11", "\"total\":", "2", "true"];
        check_progress(&apply_text(&progress_seed(), &e, &words));
    }

    /// Progress built by the app's own operations round-trips exactly.
    #[test]
    fn progress_round_trip(ops in proptest::collection::vec((0u8..3, "[a-z-]{1,20}", 0usize..40), 0..30)) {
        let mut p = Progress::default();
        for (op, lesson, step) in &ops {
            match op {
                0 => p.reach_step(lesson, *step),
                1 => p.complete(lesson),
                _ => p.lang = Some(if step % 2 == 0 { "en" } else { "vi" }.to_owned()),
            }
        }
        prop_assert_eq!(Progress::from_json(&p.to_json()), (p, None));
    }
}

// ================================================================ Regressions
//
// Inputs the long runs found; each failed before its fix.
