//! The compare guide: lessons/compare/guide.toml against the decision tree in
//! core/src/compare/guide.rs and the compare presets.

use kinesis_lab_core::compare::guide::{
    branch, format_answers, leaves, parse_answers, walk, Guide, Question, Recommendation, Step,
    ROOT, SCENARIO_IDS,
};
use kinesis_lab_core::compare::sim::presets;
use kinesis_lab_core::lesson::files::{load_catalog, GUIDE_FILE};
use proptest::prelude::*;
use std::path::Path;

fn lessons_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons")
}

fn guide() -> Guide {
    let text = std::fs::read_to_string(lessons_dir().join(GUIDE_FILE)).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{GUIDE_FILE}: {e}"))
}

#[test]
fn guide_parses_and_validates() {
    let g = guide();
    let errors = g.validate(GUIDE_FILE);
    assert!(errors.is_empty(), "{errors:#?}");
    // And it reaches the catalog the app embeds.
    let dir = lessons_dir();
    let c = load_catalog(|f| std::fs::read_to_string(dir.join(f)).map_err(|e| e.to_string()));
    match c {
        Ok(c) => assert_eq!(c.guide, g),
        // Other lesson files are other people's; only the guide's own
        // problems fail this test.
        Err(errors) => {
            let mine: Vec<_> = errors.iter().filter(|e| e.file == GUIDE_FILE).collect();
            assert!(mine.is_empty(), "{mine:#?}");
        }
    }
}

#[test]
fn every_question_and_recommendation_has_both_languages() {
    let g = guide();
    for q in Question::ALL {
        let t = g
            .question(q)
            .unwrap_or_else(|| panic!("no words for {q:?}"));
        for s in [&t.text, &t.yes, &t.no] {
            assert!(!s.en.trim().is_empty() && !s.vi.trim().is_empty(), "{q:?}");
            assert_ne!(s.en, s.vi, "{q:?}: the Vietnamese is a copy of the English");
        }
    }
    for r in Recommendation::ALL {
        let t = g
            .recommendation(r)
            .unwrap_or_else(|| panic!("no words for {r:?}"));
        for s in [&t.reason, &t.scenario] {
            assert!(!s.en.trim().is_empty() && !s.vi.trim().is_empty(), "{r:?}");
            assert_ne!(s.en, s.vi, "{r:?}: the Vietnamese is a copy of the English");
        }
        // The id the enum spells in TOML is the id the code reports.
        let v: String = serde_json::from_value(serde_json::to_value(r).unwrap()).unwrap();
        assert_eq!(v, r.id());
    }
}

#[test]
fn the_validation_catches_a_wrong_path_and_a_missing_question() {
    let mut g = guide();
    g.scenarios.rows[0].answers = "nnn".into();
    g.questions.retain(|q| q.id != Question::FanOut);
    g.tables[0].rows[0].scenario = Some("no-such-scenario".into());
    let errors = g.validate("x");
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.iter().any(|f| f.ends_with(".answers")), "{fields:?}");
    assert!(fields.contains(&"questions.fan-out"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f.ends_with(".scenario")),
        "{fields:?}"
    );
}

#[test]
fn scenario_links_name_compare_presets() {
    let g = guide();
    let mut links: Vec<&str> = Recommendation::ALL.iter().map(|r| r.scenario()).collect();
    for t in &g.tables {
        assert!(!t.rows.is_empty());
        for r in &t.rows {
            assert!(
                r.scenario.is_some() || r.source.is_some(),
                "{}.{}",
                t.id,
                r.id
            );
            assert_eq!(r.cells.len() + 1, t.columns.len(), "{}.{}", t.id, r.id);
            links.extend(r.scenario.as_deref());
        }
    }
    let presets = presets();
    for id in links {
        assert!(
            SCENARIO_IDS.contains(&id),
            "{id} is not a documented preset id"
        );
        // Once the simulator has its presets, they must include every link.
        if !presets.is_empty() {
            assert!(
                presets.iter().any(|p| p.id == id),
                "{id} is not in sim::presets()"
            );
        }
    }
}

#[test]
fn local_sources_exist() {
    // Sources naming a reference page (kds/…, kdf/…, kda/…) must name a file
    // that is there, when the reference folder is on this machine.
    let root = Path::new("/work/shared/reference/aws-docs");
    if !root.is_dir() {
        return;
    }
    for t in guide().tables {
        for r in t.rows {
            for part in r.source.iter().flat_map(|s| s.split(';')) {
                let word = part.split_whitespace().next().unwrap_or("");
                if word.ends_with(".md") {
                    assert!(
                        root.join(word).is_file(),
                        "{}.{}: {word} not found",
                        t.id,
                        r.id
                    );
                }
            }
        }
    }
}

#[test]
fn every_scenario_row_walks_to_its_recommendation() {
    let g = guide();
    assert_eq!(g.scenarios.rows.len(), 7, "the seed's table has seven rows");
    for row in &g.scenarios.rows {
        let answers = parse_answers(&row.answers).unwrap();
        let w = walk(&answers).unwrap();
        assert_eq!(w.result, Some(row.recommendation), "{}", row.id);
        assert_eq!(w.next, None);
        assert_eq!(w.asked.len(), answers.len());
    }
    // Every leaf of the tree is some row's answer.
    for (_, r) in leaves() {
        assert!(
            g.scenarios.rows.iter().any(|row| row.recommendation == r),
            "{r:?}"
        );
    }
}

#[test]
fn the_issues_questions_are_all_asked() {
    let asked: std::collections::BTreeSet<Question> = leaves()
        .iter()
        .flat_map(|(path, _)| walk(path).unwrap().asked.into_iter().map(|(q, _)| q))
        .collect();
    for q in Question::ALL {
        assert!(asked.contains(&q), "{q:?} is never asked");
    }
    assert_eq!(ROOT, Question::Replay);
}

proptest! {
    #[test]
    fn walk_never_panics_and_stops_at_leaves(answers in proptest::collection::vec(any::<bool>(), 0..12)) {
        match walk(&answers) {
            Ok(w) => {
                prop_assert_eq!(w.asked.len(), answers.len());
                prop_assert!(w.next.is_some() != w.result.is_some());
                // The walk follows branch() step by step.
                let mut at = Step::Ask(ROOT);
                for (q, a) in &w.asked {
                    prop_assert_eq!(at, Step::Ask(*q));
                    at = branch(*q, *a);
                }
                match at {
                    Step::Ask(q) => prop_assert_eq!(w.next, Some(q)),
                    Step::Leaf(r) => prop_assert_eq!(w.result, Some(r)),
                }
            }
            Err(e) => {
                prop_assert!(e.starts_with("answers"));
                // Refused only because a prefix already reached a leaf.
                let reached = (0..answers.len())
                    .any(|n| walk(&answers[..n]).map(|w| w.result.is_some()).unwrap_or(false));
                prop_assert!(reached);
            }
        }
    }

    #[test]
    fn answer_strings_never_panic(s in "\\PC{0,24}") {
        if let Ok(a) = parse_answers(&s) {
            prop_assert_eq!(format_answers(&a), s.to_lowercase());
            let _ = walk(&a);
        }
    }
}
