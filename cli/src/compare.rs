//! `kinesis-lab compare`: one workload through SQS, Kafka and Kinesis in
//! simulated time (core's `compare::sim`), with a preset's toggles or your
//! own, then per system the counters, the lanes and the groups. With
//! `--json`, JSON lines: first the run, then one line per system, so a test
//! can compare the page's numbers with these.

use clap::Args;
use kinesis_lab_core::api::scenario::DEFAULT_START_MS;
use kinesis_lab_core::compare::sim::{presets, CompareAction, CompareSim, Workload};
use kinesis_lab_core::compare::System;
use serde_json::json;
use std::io::{self, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct CompareArgs {
    /// A preset id (delete-vs-keep, second-group, replay, kill-consumer,
    /// add-capacity, same-key, exactly-once); `--list` shows them.
    #[arg(long)]
    preset: Option<String>,
    /// A workload as JSON (the fields of `Workload`), instead of a preset's.
    #[arg(long)]
    workload: Option<String>,
    /// A toggle as JSON, e.g. '{"op":"kill_consumer","consumer":1}'; may be
    /// repeated; played after the preset's own toggles.
    #[arg(long = "action")]
    actions: Vec<String>,
    /// Simulated seconds to run after the toggles.
    #[arg(long, default_value_t = 0)]
    seconds: u32,
    /// JSON lines instead of text.
    #[arg(long)]
    json: bool,
    /// Also print the event log (JSON lines with --json).
    #[arg(long)]
    events: bool,
    /// List the presets and exit.
    #[arg(long)]
    list: bool,
}

fn slug(s: System) -> &'static str {
    match s {
        System::Sqs => "sqs",
        System::Kafka => "kafka",
        System::Kinesis => "kinesis",
    }
}

pub fn run(args: &CompareArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let all = presets();
    if args.list {
        for p in &all {
            if args.json {
                serde_json::to_writer(
                    &mut *out,
                    &json!({"id": p.id, "title": p.title, "summary": p.summary, "workload": p.workload, "actions": p.actions}),
                )?;
                writeln!(out)?;
            } else {
                writeln!(out, "{:<16} {}", p.id, p.title.en)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut workload = Workload::default();
    let mut actions: Vec<CompareAction> = Vec::new();
    if let Some(id) = &args.preset {
        let Some(p) = all.iter().find(|p| p.id == id) else {
            let ids: Vec<&str> = all.iter().map(|p| p.id).collect();
            writeln!(
                err,
                "error: --preset: no preset {id:?}; use one of {}",
                ids.join(", ")
            )?;
            return Ok(ExitCode::from(2));
        };
        workload = p.workload.clone();
        actions = p.actions.clone();
    }
    if let Some(text) = &args.workload {
        match serde_json::from_str::<Workload>(text) {
            Ok(w) => workload = w,
            Err(e) => {
                writeln!(err, "error: --workload: {e}")?;
                return Ok(ExitCode::from(2));
            }
        }
    }
    for (i, text) in args.actions.iter().enumerate() {
        match serde_json::from_str::<CompareAction>(text) {
            Ok(a) => actions.push(a),
            Err(e) => {
                writeln!(err, "error: --action {}: {e}", i + 1)?;
                return Ok(ExitCode::from(2));
            }
        }
    }
    if args.seconds > 0 {
        actions.push(CompareAction::Run {
            seconds: args.seconds,
        });
    }
    let mut sim = match CompareSim::new(workload.clone(), DEFAULT_START_MS) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: workload.{}: {}", e.field, e.message)?;
            return Ok(ExitCode::from(2));
        }
    };
    for (i, a) in actions.iter().enumerate() {
        if let Err(e) = sim.apply(a) {
            writeln!(
                err,
                "error: action {} ({a:?}): {}: {}",
                i + 1,
                e.field,
                e.message
            )?;
            return Ok(ExitCode::from(2));
        }
    }
    let elapsed_ms = sim.now_ms - DEFAULT_START_MS;
    if args.json {
        serde_json::to_writer(
            &mut *out,
            &json!({"preset": args.preset, "workload": workload, "actions": actions, "start_ms": DEFAULT_START_MS, "end_ms": sim.now_ms, "elapsed_ms": elapsed_ms}),
        )?;
        writeln!(out)?;
        for s in System::ALL {
            let col = sim.column(s);
            let lanes: Vec<_> = col
                .lanes
                .iter()
                .map(|l| json!({"label": l.label, "stored": l.stored.len(), "readers": l.readers}))
                .collect();
            serde_json::to_writer(
                &mut *out,
                &json!({
                    "system": slug(s),
                    "counters": col.counters,
                    "lanes": lanes,
                    "groups": sim.groups(s),
                    "rebalances": sim.rebalances(s),
                    "redeliveries": sim.redeliveries(s),
                    "idle_consumers": sim.idle_consumers(s),
                    "refused": sim.refused(s),
                    "status": col.status,
                }),
            )?;
            writeln!(out)?;
        }
        if args.events {
            for e in sim.events() {
                serde_json::to_writer(&mut *out, &json!({"event": e}))?;
                writeln!(out)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} messages, {} keys, {}/s, {} consumers, {} partitions/shards, {} queue; {:.1} simulated seconds",
        sim.messages(),
        workload.keys,
        workload.records_per_second,
        workload.consumers,
        workload.partitions,
        if workload.fifo { "FIFO" } else { "standard" },
        elapsed_ms as f64 / 1000.0
    )?;
    for s in System::ALL {
        let col = sim.column(s);
        let c = &col.counters;
        let ms = |v: Option<u64>| v.map_or("-".to_owned(), |v| format!("{v} ms"));
        writeln!(out, "\n{}", s.name())?;
        writeln!(
            out,
            "  sent {}  delivered {}  duplicates {}  out of order {}  readable {}  latency p50 {}  p95 {}",
            c.sent,
            c.delivered,
            c.duplicates,
            c.out_of_order,
            c.readable,
            ms(c.latency_p50_ms),
            ms(c.latency_p95_ms)
        )?;
        for l in &col.lanes {
            writeln!(
                out,
                "  lane {:<28} {:>6} stored  read by {}",
                l.label,
                l.stored.len(),
                if l.readers.is_empty() {
                    "-".to_owned()
                } else {
                    l.readers.join(", ")
                }
            )?;
        }
        for g in sim.groups(s) {
            let alive = g.members.iter().filter(|m| m.alive).count();
            writeln!(
                out,
                "  group {:<12} delivered {}  unique {}  duplicates {}  out of order {}  members {}/{} alive",
                g.name,
                g.delivered,
                g.unique,
                g.duplicates,
                g.out_of_order,
                alive,
                g.members.len()
            )?;
        }
        for line in &col.status {
            writeln!(out, "  · {line}")?;
        }
    }
    if args.events {
        writeln!(out)?;
        for e in sim.events() {
            writeln!(
                out,
                "{:>8.3} s  {:<8} {:?}",
                (e.at - DEFAULT_START_MS) as f64 / 1000.0,
                slug(e.system),
                e.kind
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
