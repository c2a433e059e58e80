//! Loads every lesson and quiz file under lessons/, validates them, and plays
//! each lesson's stored solution on the engine: every goal must hold.

use kinesis_lab_core::lesson::files::load_catalog;
use kinesis_lab_core::lesson::goal::Outcome;
use kinesis_lab_core::lesson::lab::Lab;
use kinesis_lab_core::lesson::Catalog;
use std::path::Path;

fn catalog() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    match load_catalog(|f| std::fs::read_to_string(dir.join(f)).map_err(|e| e.to_string())) {
        Ok(c) => c,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            panic!(
                "lesson data has {} problem(s):\n{}",
                errors.len(),
                list.join("\n")
            );
        }
    }
}

#[test]
fn every_lesson_solution_meets_every_goal() {
    let c = catalog();
    assert!(!c.lessons.is_empty());
    for lesson in &c.lessons {
        let mut lab = Lab::from_scenario(&lesson.scenario).unwrap();
        for a in &lesson.solution {
            lab.apply(a)
                .unwrap_or_else(|e| panic!("{}: {a:?}: {e}", lesson.id));
        }
        for g in &lesson.goals {
            assert_eq!(g.evaluate(&lab), Outcome::Met, "{}: {g:?}", lesson.id);
        }
    }
}

#[test]
fn every_index_entry_has_a_lesson_and_an_outline_section() {
    let c = catalog();
    for s in &c.sections {
        for e in &s.lessons {
            assert!(c.lesson(&e.id).is_some(), "{}", e.id);
            assert!(
                e.outline.starts_with(|ch: char| ch.is_ascii_digit()),
                "{}: outline {:?}",
                e.id,
                e.outline
            );
        }
    }
}

#[test]
fn quiz_bank_is_big_enough_and_has_the_seed_exam() {
    let c = catalog();
    assert!(c.quiz.len() >= 30, "bank has {} items", c.quiz.len());
    for q in 1..=6 {
        let tag = format!("seed Q{q}");
        assert!(
            c.quiz
                .iter()
                .any(|i| i.source.as_deref() == Some(tag.as_str())),
            "missing {tag}"
        );
    }
    for level in 1..=3u8 {
        assert!(
            c.quiz.iter().any(|i| i.difficulty == level),
            "no item of level {level}"
        );
    }
}

#[test]
fn malformed_files_name_the_file_and_field() {
    let bad_lesson = "id = \"x\"\ntitle = { en = \"T\" }\n";
    let index = "[[sections]]\nid = \"s\"\ntitle = { en = \"S\", vi = \"S\" }\n[[sections.lessons]]\nid = \"x\"\noutline = \"1.1 X\"\n";
    let errors = load_catalog(|f| match f {
        "index.toml" => Ok(index.to_owned()),
        "x.toml" => Ok(bad_lesson.to_owned()),
        other => Err(format!("no file {other}")),
    })
    .unwrap_err();
    assert_eq!(errors[0].file, "x.toml");
    assert!(
        errors[0].problem.contains("missing field `vi`"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0].field, "line 2");

    let missing = load_catalog(|_| Err("gone".into())).unwrap_err();
    assert_eq!(missing[0].file, "index.toml");
}
