//! `kinesis-lab guide`: the compare page's decision tree from a terminal.
//! With `--answers yny` it prints where those answers lead; without, every
//! path from the first question to a recommendation. One JSON object per
//! line: {"answers", "asked": [{"question", "answer"}], "next", "result",
//! "scenario"}. The browser test checks the page's tree against this.

use clap::Args;
use kinesis_lab_core::compare::guide::{format_answers, leaves, parse_answers, walk};
use serde_json::json;
use std::io::{self, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct GuideArgs {
    /// Answers as y/n letters in the order asked, e.g. `yny`.
    #[arg(long)]
    answers: Option<String>,
}

fn line(answers: &[bool], out: &mut dyn Write) -> io::Result<Result<(), String>> {
    let w = match walk(answers) {
        Ok(w) => w,
        Err(e) => return Ok(Err(e)),
    };
    let asked: Vec<_> = w
        .asked
        .iter()
        .map(|(q, a)| json!({ "question": q.id(), "answer": a }))
        .collect();
    writeln!(
        out,
        "{}",
        json!({
            "answers": format_answers(answers),
            "asked": asked,
            "next": w.next.map(|q| q.id()),
            "result": w.result.map(|r| r.id()),
            "scenario": w.result.map(|r| r.scenario()),
            "modelled": w.result.map(|r| r.modelled()),
        })
    )?;
    Ok(Ok(()))
}

pub fn run(args: &GuideArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let paths: Vec<Vec<bool>> = match &args.answers {
        Some(s) => match parse_answers(s) {
            Ok(a) => vec![a],
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(ExitCode::from(2));
            }
        },
        None => leaves().into_iter().map(|(p, _)| p).collect(),
    };
    for p in paths {
        if let Err(e) = line(&p, out)? {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}
