//! `kinesis-lab lessons`: check the lesson data and print lessons' stored
//! solutions (the end-to-end tests replay them through the browser).

use clap::{Args, Subcommand};
use kinesis_lab_core::lesson::files::load_catalog;
use kinesis_lab_core::lesson::goal::Outcome;
use kinesis_lab_core::lesson::lab::Lab;
use serde_json::json;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct LessonsArgs {
    /// The lessons folder.
    #[arg(long, default_value = "lessons")]
    dir: PathBuf,
    #[command(subcommand)]
    command: LessonsCommand,
}

#[derive(Subcommand)]
enum LessonsCommand {
    /// Validate every lesson and quiz file and play each stored solution.
    Check,
    /// Print every lesson's id, steps, task step, goals and solution as JSON lines.
    List,
}

pub fn run(args: &LessonsArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let dir = &args.dir;
    let catalog =
        match load_catalog(|f| std::fs::read_to_string(dir.join(f)).map_err(|e| e.to_string())) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    writeln!(err, "error: {}/{e}", dir.display())?;
                }
                return Ok(ExitCode::from(2));
            }
        };
    match args.command {
        LessonsCommand::Check => {
            for lesson in &catalog.lessons {
                // load_catalog already replayed the solutions; say what was checked.
                let mut lab = Lab::from_scenario(&lesson.scenario).map_err(io::Error::other)?;
                for a in &lesson.solution {
                    lab.apply(a).map_err(io::Error::other)?;
                }
                let met = lesson
                    .goals
                    .iter()
                    .filter(|g| g.evaluate(&lab) == Outcome::Met)
                    .count();
                writeln!(
                    out,
                    "ok {}: {} steps, solution meets {met}/{} goals",
                    lesson.id,
                    lesson.steps.len(),
                    lesson.goals.len()
                )?;
            }
            writeln!(out, "ok quiz bank: {} items", catalog.quiz.len())?;
        }
        LessonsCommand::List => {
            for lesson in &catalog.lessons {
                let line = json!({
                    "id": lesson.id,
                    "steps": lesson.steps.len(),
                    "task_step": lesson.task_step,
                    "widgets": lesson.steps.iter().map(|s| s.widget).collect::<Vec<_>>(),
                    "goals": lesson.goals,
                    "solution": lesson.solution,
                });
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
