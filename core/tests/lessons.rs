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

/// The SQL lessons' texts make claims about what their stored solutions
/// show; the engine must show them.
#[test]
fn sql_lessons_show_what_their_texts_claim() {
    use kinesis_lab_core::analytics::Value;
    use kinesis_lab_core::lesson::sql::{number, SqlRun};
    let c = catalog();
    let run_of = |id: &str| -> SqlRun {
        let lesson = c.lesson(id).unwrap_or_else(|| panic!("no lesson {id}"));
        let mut lab = Lab::from_scenario(&lesson.scenario).unwrap();
        for a in &lesson.solution {
            lab.apply(a).unwrap();
        }
        lab.sql.last().cloned().unwrap()
    };
    let minute = 60_000;

    // Overview: some sectors pass the filter, each output keeps its trade's ROWTIME.
    let r = run_of("analytics-overview");
    let out: Vec<_> = r.results().collect();
    assert!(!out.is_empty() && out.len() < r.input.len(), "{} of {}", out.len(), r.input.len());
    let in_times: std::collections::BTreeSet<i64> = r.input.iter().map(|x| x.0).collect();
    assert!(out.iter().all(|o| in_times.contains(&o.rowtime)));

    // Tumbling: rows come out at whole minutes, once per (ticker, minute).
    let r = run_of("tumbling-windows");
    let out: Vec<_> = r.results().collect();
    assert!(!out.is_empty());
    assert!(out.iter().all(|o| o.rowtime % minute == 0));
    let total: f64 = out.iter().filter_map(|o| number(o.values.get(1))).sum();
    assert_eq!(total as usize, r.input.len(), "every trade counted once");

    // Sliding: one row out per row in, and the count levels off after a minute.
    let r = run_of("sliding-windows");
    assert_eq!(r.results().count(), r.input.len());
    let counts: Vec<f64> = r.results().filter_map(|o| number(o.values.get(3))).collect();
    let first_minute_max = counts[..counts.len() / 4].iter().cloned().fold(0.0, f64::max);
    let later_max = counts.iter().cloned().fold(0.0, f64::max);
    assert!(later_max > first_minute_max);

    // Stagger: windows are not aligned to whole minutes.
    let r = run_of("stagger-windows");
    let out: Vec<_> = r.results().collect();
    assert!(!out.is_empty());
    assert!(out.iter().any(|o| o.rowtime % minute != 0));

    // Flink flavour: late rows are dropped, not counted. (The last window
    // stays open: no later event moves the watermark past its end.)
    let r = run_of("sql-vs-flink");
    assert!(r.late > 0);
    let counted: f64 = r.results().filter_map(|o| number(o.values.get(3))).sum();
    assert!(counted as u64 + r.late < r.input.len() as u64);
    assert!(counted > 0.0);
    assert!(matches!(r.results().next().map(|o| &o.values[0]), Some(Value::Ts(_))));
}

/// "Load the X example" in a SQL lesson means the widget's example file:
/// every SQL lesson's stored solution runs one of lessons/sql/*.sql.
#[test]
fn sql_solutions_run_the_widget_examples() {
    use kinesis_lab_core::lesson::lab::Action;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/sql");
    let examples: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap().trim().to_string())
        .collect();
    assert!(examples.len() >= 6);
    let mut seen = 0;
    for lesson in &catalog().lessons {
        for a in &lesson.solution {
            if let Action::SqlRun { sql, .. } = a {
                seen += 1;
                assert!(examples.contains(&sql.trim().to_string()), "{}: its SQL is not an example", lesson.id);
            }
        }
    }
    assert!(seen >= 6);
}
