//! Reads lessons/ (index, lesson files, quiz bank), validates it with the
//! core's loader, renders its Markdown to HTML, and writes the catalog as
//! JSON for the app to embed. Bad lesson data fails the build, naming the
//! file, field and problem, so it never reaches a student's browser.

use kinesis_lab_core::lesson::files::load_catalog;
use kinesis_lab_core::lesson::Text;
use kinesis_lab_core::quiz::ItemKind;
use std::path::Path;

/// Markdown to HTML, with raw HTML and unsafe link schemes neutralised.
#[path = "build/markdown.rs"]
#[allow(dead_code)]
mod markdown;
use markdown::render;

fn md(t: &mut Text, inline: bool) {
    t.en = render(&t.en, inline);
    t.vi = render(&t.vi, inline);
}

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../lessons");
    println!("cargo::rerun-if-changed={}", dir.display());
    let read = |f: &str| {
        let path = dir.join(f);
        println!("cargo::rerun-if-changed={}", path.display());
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut catalog = match load_catalog(read) {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors {
                println!("cargo::error=lessons/{e}");
            }
            std::process::exit(1);
        }
    };
    for lesson in &mut catalog.lessons {
        md(&mut lesson.summary, false);
        for step in &mut lesson.steps {
            md(&mut step.text, false);
            if let Some(n) = &mut step.notes {
                md(n, false);
            }
            if let Some(p) = &mut step.predict {
                md(&mut p.question, true);
                p.options.iter_mut().for_each(|o| md(o, true));
            }
        }
        lesson.hints.iter_mut().for_each(|h| md(h, true));
    }
    for item in &mut catalog.quiz {
        md(&mut item.prompt, false);
        md(&mut item.explanation, false);
        match &mut item.kind {
            ItemKind::Single { options, .. } | ItemKind::Multiple { options, .. } => {
                options.iter_mut().for_each(|o| md(o, true))
            }
            ItemKind::Ordering { items } => items.iter_mut().for_each(|o| md(o, true)),
            ItemKind::Numeric { .. } => {}
        }
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("catalog.json");
    std::fs::write(out, serde_json::to_string(&catalog).unwrap()).unwrap();
}
