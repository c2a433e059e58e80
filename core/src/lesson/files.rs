//! Reading the lesson data (`lessons/index.toml`, one TOML file per lesson,
//! quiz bank files) into a validated [`Catalog`]. The caller supplies the
//! file contents through `read`, so this stays free of I/O.

use super::{Catalog, DataError, Index, Lesson, QuizBank};

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| DataError {
        file: file.to_owned(),
        // toml names the key and position in its message.
        field: e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].lines().count().max(1);
                format!("line {line}")
            })
            .unwrap_or_else(|| "(file)".into()),
        // toml gives no words for a value missing at the end of the text.
        problem: match e.message().trim() {
            "" => "a value is missing here (the text breaks off where a value should be)".into(),
            m => m.to_owned(),
        },
    })
}

/// The compare guide's words (tables, decision tree), relative to `lessons/`.
pub const GUIDE_FILE: &str = "compare/guide.toml";

/// Loads and validates everything under `lessons/`, including the compare
/// guide ([`GUIDE_FILE`]). `read(path)` returns the
/// text of a file given its path relative to `lessons/`.
pub fn load_catalog(
    read: impl Fn(&str) -> Result<String, String>,
) -> Result<Catalog, Vec<DataError>> {
    let io = |file: &str| {
        read(file).map_err(|e| {
            vec![DataError {
                file: file.into(),
                field: "(file)".into(),
                problem: e,
            }]
        })
    };
    let index: Index = parse("index.toml", &io("index.toml")?).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut lessons = Vec::new();
    for entry in index.sections.iter().flat_map(|s| &s.lessons) {
        let file = format!("{}.toml", entry.id);
        let text = match io(&file) {
            Ok(t) => t,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        match parse::<Lesson>(&file, &text) {
            Ok(lesson) => {
                if lesson.id != entry.id {
                    errors.push(DataError {
                        file: file.clone(),
                        field: "id".into(),
                        problem: format!(
                            "{:?} differs from the index entry {:?}",
                            lesson.id, entry.id
                        ),
                    });
                }
                errors.extend(lesson.validate(&file));
                lessons.push(lesson);
            }
            Err(e) => errors.push(e),
        }
    }
    let mut quiz = Vec::new();
    for file in &index.quiz {
        match io(file).and_then(|t| parse::<QuizBank>(file, &t).map_err(|e| vec![e])) {
            Ok(bank) => quiz.extend(bank.items),
            Err(mut e) => errors.append(&mut e),
        }
    }
    let guide = match io(GUIDE_FILE)
        .and_then(|t| parse::<crate::compare::guide::Guide>(GUIDE_FILE, &t).map_err(|e| vec![e]))
    {
        Ok(g) => {
            errors.extend(g.validate(GUIDE_FILE));
            g
        }
        Err(mut e) => {
            errors.append(&mut e);
            Default::default()
        }
    };
    let catalog = Catalog {
        sections: index.sections,
        lessons,
        quiz,
        guide,
    };
    errors.extend(catalog.validate_links());
    if errors.is_empty() {
        Ok(catalog)
    } else {
        Err(errors)
    }
}
