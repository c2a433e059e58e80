//! `kinesis-lab quiz`: build the quiz a seed gives (as the browser does) and
//! print each item with its right answer, one JSON object per line.

use clap::Args;
use kinesis_lab_core::lesson::files::load_catalog;
use kinesis_lab_core::quiz::{build_quiz, ItemKind};
use serde_json::json;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct QuizArgs {
    #[arg(long, default_value = "lessons")]
    dir: PathBuf,
    #[arg(long)]
    seed: u64,
    /// Difficulty 1 to 3.
    #[arg(long, default_value_t = 1)]
    level: u8,
    /// Number of items.
    #[arg(long, default_value_t = 10)]
    n: usize,
}

pub fn run(args: &QuizArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let catalog = match load_catalog(|f| {
        std::fs::read_to_string(args.dir.join(f)).map_err(|e| e.to_string())
    }) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                writeln!(err, "error: {e}")?;
            }
            return Ok(ExitCode::from(2));
        }
    };
    let quiz = build_quiz(&catalog.quiz, args.seed, args.level, args.n);
    for (item, shown) in quiz.items.iter().zip(&quiz.shown_order) {
        let answer = match &item.kind {
            ItemKind::Single { answer, .. } => json!(answer),
            ItemKind::Multiple { answers, .. } => json!(answers),
            ItemKind::Numeric { answer, .. } => json!(answer.value()),
            ItemKind::Ordering { items } => json!((0..items.len()).collect::<Vec<_>>()),
        };
        let kind = match &item.kind {
            ItemKind::Single { .. } => "single",
            ItemKind::Multiple { .. } => "multiple",
            ItemKind::Numeric { .. } => "numeric",
            ItemKind::Ordering { .. } => "ordering",
        };
        writeln!(
            out,
            "{}",
            json!({ "id": item.id, "kind": kind, "answer": answer, "shown_order": shown, "lesson": item.lesson })
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
