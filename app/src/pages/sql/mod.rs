//! The SQL page (`#/sql`): a Kinesis Data Analytics application on a lab stream.
//!
//! - `editor.rs`: the SQL text, highlighted and underlined from the
//!   compiler worker's answer (`crate::sql`, app/sql-worker);
//! - `source.rs`: the producer template and rate, the input schema
//!   (discovered from sample records, editable) and the reference table;
//! - `run.rs`: the only file that calls the engines (stream, source reader,
//!   `analytics::engine::SqlApp`), a bounded amount of work per clock tick;
//! - `view.rs`: clock controls, counters, input and output rows;
//! - `timeline.rs`: windows opening and firing, from the engine's events;
//! - `chart.rs`: one output column over ROWTIME (plotters);
//! - `examples.rs` + `examples/`: AWS's queries and ours, as data files.
//!
//! The compiler never runs on the page: sqlparser lives in the worker,
//! which answers with the serde `Plan` the page hands to `SqlApp`.

mod chart;
mod editor;
pub mod examples;
pub mod run;
mod source;
mod timeline;
mod view;

use crate::clock::{use_sim_clock, SimClock};
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use crate::sql::{Answer, Compiler, Reply, Request};
use examples::{Example, EXAMPLES};
use gloo_timers::callback::Timeout;
use kinesis_lab_core::analytics::engine::TableRows;
use kinesis_lab_core::analytics::plan::{Plan, StreamKind, TableDef};
use kinesis_lab_core::analytics::source::{discover, load_table, RecordSchema, TableFormat};
use kinesis_lab_core::error::{parse_count, Field};
use kinesis_lab_core::producer::template::{Filler, Template};
use leptos::prelude::*;
use run::{RunConfig, Snap, SqlRun, MAX_RATE};

/// Time-scale choices (simulated ms per real second ×1000).
pub const SPEEDS: [(u32, &str); 5] = [
    (1000, "1×"),
    (5_000, "5×"),
    (10_000, "10×"),
    (30_000, "30×"),
    (60_000, "60×"),
];

#[derive(Clone, Debug, PartialEq)]
pub enum CompilerState {
    Loading,
    Busy,
    Ready,
    Failed(String),
}

pub type TableParse = Result<Option<(TableDef, TableRows)>, String>;

/// What the page's parts share.
#[derive(Clone, Copy)]
pub struct Sq {
    pub sql: RwSignal<String>,
    pub template: RwSignal<String>,
    pub rate: RwSignal<String>,
    pub schema_text: RwSignal<String>,
    pub ref_name: RwSignal<String>,
    pub ref_csv: RwSignal<String>,
    pub schema: Memo<Result<RecordSchema, String>>,
    pub table: Memo<TableParse>,
    /// The newest compile answer and the SQL text it answers.
    pub reply: RwSignal<Option<(String, Reply)>>,
    pub compiler: RwSignal<CompilerState>,
    pub run: StoredValue<Option<SqlRun>, LocalStorage>,
    pub snap: RwSignal<Option<Snap>>,
    pub clock: SimClock,
    pub example: RwSignal<Option<&'static str>>,
    /// Errors beside the source fields: (field id, message).
    pub field_errors: RwSignal<Vec<(&'static str, String)>>,
    pub notice: RwSignal<Option<String>>,
    pub run_now: Callback<()>,
    pub stop: Callback<()>,
    pub discover: Callback<()>,
    pub out_stream: RwSignal<Option<usize>>,
    pub chart_col: RwSignal<Option<usize>>,
}

impl Sq {
    pub fn field_error(&self, id: &'static str) -> Option<String> {
        self.field_errors
            .with(|v| v.iter().find(|(f, _)| *f == id).map(|(_, m)| m.clone()))
    }
}

fn wall_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// A schema discovered from sample records of `template`, as JSON text.
fn discovered(template: &str) -> Result<String, String> {
    let t = Template::parse(template.trim()).map_err(|e| format!("{e:?}"))?;
    let mut f = Filler::new(7, "sql.discover");
    let sample: Vec<String> = (0..20)
        .map(|i| f.render(&t, i, run::EPOCH_MS + i * 250))
        .collect();
    let refs: Vec<&[u8]> = sample.iter().map(|s| s.as_bytes()).collect();
    discover(&refs).map(|s| s.to_json()).map_err(|e| e.en())
}

/// The output stream shown first: the last declared stream, else the last one.
fn default_stream(plan: &Plan) -> Option<usize> {
    let outs: Vec<usize> = plan
        .streams
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind != StreamKind::Input)
        .map(|(i, _)| i)
        .collect();
    outs.iter()
        .rev()
        .find(|&&i| {
            plan.streams[i]
                .name
                .eq_ignore_ascii_case("DESTINATION_SQL_STREAM")
        })
        .or(outs.last())
        .copied()
}

#[component]
pub fn SqlPage() -> impl IntoView {
    let ctx = use_ctx();
    let clock = use_sim_clock(5_000);
    let sql = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let schema_text = RwSignal::new(String::new());
    let ref_name = RwSignal::new(String::new());
    let ref_csv = RwSignal::new(String::new());
    let schema =
        Memo::new(move |_| RecordSchema::from_json(&schema_text.get()).map_err(|e| e.en()));
    let table = Memo::new(move |_| -> TableParse {
        let csv = ref_csv.get();
        let name = ref_name.get();
        if csv.trim().is_empty() {
            return Ok(None);
        }
        load_table(name.trim(), csv.as_bytes(), TableFormat::Csv, None)
            .map(Some)
            .map_err(|e| e.en())
    });
    let reply = RwSignal::new(None::<(String, Reply)>);
    let compiler_state = RwSignal::new(CompilerState::Loading);
    let run = StoredValue::new_local(None::<SqlRun>);
    let snap = RwSignal::new(None::<Snap>);
    let example = RwSignal::new(None::<&'static str>);
    let field_errors = RwSignal::new(Vec::<(&'static str, String)>::new());
    let notice = RwSignal::new(None::<String>);
    let out_stream = RwSignal::new(None::<usize>);
    let chart_col = RwSignal::new(None::<usize>);
    let run_pending = StoredValue::new(false);
    let latest = StoredValue::new((0u64, String::new()));
    let debounce = StoredValue::new_local(None::<Timeout>);
    let edit_pending = StoredValue::new(false);
    let compiler = StoredValue::new_local(None::<Compiler>);
    let last_draw = StoredValue::new(0f64);

    let refresh = move || {
        let s = run.with_value(|r| r.as_ref().map(SqlRun::snap));
        snap.set(s);
    };

    // Builds the run from a plan and the source fields; errors go beside their field.
    let start_run = move |plan: Plan| {
        let lang = ctx.lang.get_untracked();
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        let tpl = match Template::parse(template.get_untracked().trim()) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(("sql-template", i18n::template_error(lang, &e)));
                None
            }
        };
        let r = match parse_count(Field::RecordRate, &rate.get_untracked(), MAX_RATE) {
            Ok(r) => r,
            Err(e) => {
                errors.push(("sql-rate", i18n::validation_error(lang, &e)));
                1
            }
        };
        let sch = match schema.get_untracked() {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(("sql-schema", e));
                None
            }
        };
        let tbl = table.get_untracked();
        let mut rows = Vec::new();
        for def in &plan.tables {
            match &tbl {
                Ok(Some((d, r))) if d.name == def.name => rows.push(r.clone()),
                Err(e) => errors.push(("sql-ref", e.clone())),
                _ => errors.push((
                    "sql-ref",
                    format!("{}: {}", T::SqlReference.get(lang), def.name),
                )),
            }
        }
        field_errors.set(errors.clone());
        let (Some(tpl), Some(sch), true) = (tpl, sch, errors.is_empty()) else {
            return;
        };
        let first = default_stream(&plan);
        match SqlRun::new(RunConfig {
            plan,
            tables: rows,
            schema: sch,
            template: tpl,
            rate: r,
            seed: 1,
        }) {
            Ok(new_run) => {
                clock.reset();
                run.set_value(Some(new_run));
                notice.set(None);
                out_stream.set(first);
                chart_col.set(None);
                refresh();
                clock.running.set(true);
            }
            Err(e) => notice.set(Some(i18n::sql_engine_error(lang, &e))),
        }
    };

    let send = move || {
        edit_pending.set_value(false);
        let id = latest.with_value(|l| l.0) + 1;
        let text = sql.get_untracked();
        latest.set_value((id, text.clone()));
        let req = Request {
            id,
            sql: text,
            schema: schema
                .get_untracked()
                .map(|s| s.schema())
                .unwrap_or_default(),
            tables: table
                .get_untracked()
                .ok()
                .flatten()
                .map(|(d, _)| vec![d])
                .unwrap_or_default(),
        };
        if compiler_state.get_untracked() != CompilerState::Loading {
            compiler_state.set(CompilerState::Busy);
        }
        compiler.with_value(|c| {
            if let Some(c) = c {
                c.compile(&req);
            }
        });
    };

    let on_answer = move |answer: Answer| match answer {
        Answer::Reply(r) => {
            let (id, text) = latest.with_value(|l| l.clone());
            if r.id != id {
                return;
            }
            let _ = compiler_state.try_set(CompilerState::Ready);
            let plan = r.plan.clone();
            let _ = reply.try_set(Some((text, r)));
            if run_pending.try_get_value() == Some(true) {
                run_pending.set_value(false);
                if let Some(plan) = plan {
                    start_run(plan);
                }
            }
        }
        Answer::Failed(m) => {
            let _ = compiler_state.try_set(CompilerState::Failed(m));
            run_pending.set_value(false);
        }
    };
    compiler.set_value(Some(Compiler::new(on_answer)));
    on_cleanup(move || {
        compiler.with_value(|c| {
            if let Some(c) = c {
                c.shutdown();
            }
        })
    });

    // Every edit of the SQL, the schema or the table recompiles after a pause in typing.
    Effect::new(move |first: Option<()>| {
        sql.track();
        schema.track();
        table.track();
        if first.is_none() {
            send();
        } else {
            edit_pending.set_value(true);
            debounce.set_value(Some(Timeout::new(300, send)));
        }
    });

    let run_now = Callback::new(move |_| {
        let text = sql.get_untracked();
        let fresh = reply.with_untracked(|r| r.as_ref().is_some_and(|(t, _)| *t == text))
            && !edit_pending.get_value();
        if fresh && compiler_state.get_untracked() == CompilerState::Ready {
            if let Some(plan) =
                reply.with_untracked(|r| r.as_ref().and_then(|(_, r)| r.plan.clone()))
            {
                start_run(plan);
            }
            return;
        }
        run_pending.set_value(true);
        send();
    });
    let stop = Callback::new(move |_| {
        clock.running.set(false);
        run.set_value(None);
        snap.set(None);
    });
    let discover_cb = Callback::new(move |_| match discovered(&template.get_untracked()) {
        Ok(json) => {
            schema_text.set(json);
            field_errors.update(|v| v.retain(|(f, _)| *f != "sql-schema" && *f != "sql-template"));
        }
        Err(e) => field_errors.update(|v| {
            v.retain(|(f, _)| *f != "sql-template");
            v.push(("sql-template", e));
        }),
    });

    let sq = Sq {
        sql,
        template,
        rate,
        schema_text,
        ref_name,
        ref_csv,
        schema,
        table,
        reply,
        compiler: compiler_state,
        run,
        snap,
        clock,
        example,
        field_errors,
        notice,
        run_now,
        stop,
        discover: discover_cb,
        out_stream,
        chart_col,
    };

    let load = move |ex: &'static Example, start: bool| {
        clock.running.set(false);
        run.set_value(None);
        snap.set(None);
        example.set(Some(ex.id));
        sql.set(ex.sql.to_owned());
        template.set(ex.template.trim().to_owned());
        rate.set(ex.rate.to_string());
        match ex.schema {
            Some(s) => schema_text.set(s.to_owned()),
            None => schema_text.set(discovered(ex.template).unwrap_or_default()),
        }
        let (name, csv) = ex.reference.unwrap_or(("", ""));
        ref_name.set(if name.is_empty() {
            "CompanyName".into()
        } else {
            name.to_owned()
        });
        ref_csv.set(csv.to_owned());
        field_errors.set(Vec::new());
        if start {
            run_pending.set_value(true);
            send();
        }
    };
    load(&EXAMPLES[0], false);

    // Every tick moves the stream, the reader and the engine to the clock.
    Effect::new(move |_| {
        let now = clock.now_ms.get();
        let mut over = false;
        let mut stopped = None;
        let mut behind = false;
        run.update_value(|r| {
            if let Some(r) = r.as_mut() {
                over = !r.step(now, &wall_ms);
                stopped = r.stopped();
                behind = r.backlog() > 0;
            }
        });
        // Rows still waiting (a big step, a slow query): go on next frame,
        // even with the clock paused, a budget's worth at a time.
        if behind && !over && stopped.is_none() && !clock.running.get_untracked() {
            request_animation_frame(move || {
                let _ = clock.now_ms.try_update(|t| *t += 0);
            });
        }
        if over {
            clock.running.set(false);
            notice.set(Some(
                T::SqlBackPaused.get(ctx.lang.get_untracked()).to_owned(),
            ));
        }
        if let Some(e) = stopped {
            clock.running.set(false);
            notice.set(Some(i18n::sql_engine_error(ctx.lang.get_untracked(), &e)));
        }
        // Redraw at most about five times a second while running (the tables
        // are rebuilt on each redraw); at once when paused or stepped.
        let wall = wall_ms();
        if !clock.running.get_untracked() || wall - last_draw.get_value() >= 200.0 || wall == 0.0 {
            last_draw.set_value(wall);
            refresh();
        }
    });

    view! {
        <div class="page-head">
            <h1>{move || ctx.t(T::SqlTitle)}</h1>
            <crate::widgets::copy_link::CopyLink />
        </div>
        <p class="lead">{move || ctx.t(T::SqlLead)}</p>
        <section class="panel sql-examples" aria-labelledby="sql-examples-title">
            <h2 id="sql-examples-title">{move || ctx.t(T::SqlExamples)}</h2>
            <p class="help">{move || ctx.t(T::SqlExamplesHelp)}</p>
            <div class="button-row" role="group" aria-labelledby="sql-examples-title">
                {EXAMPLES.iter().map(|ex| view! {
                    <button type="button" class="button small" id=format!("sql-ex-{}", ex.id)
                        aria-pressed=move || if example.get() == Some(ex.id) { "true" } else { "false" }
                        on:click=move |_| load(ex, true)>
                        {move || ctx.t(ex.label)}
                    </button>
                }).collect_view()}
            </div>
            <p class="sql-about" id="sql-about">{move || example.get().and_then(|id| EXAMPLES.iter().find(|e| e.id == id)).map(|e| ctx.t(e.about))}</p>
        </section>
        <div class="sql-grid">
            <section class="panel sql-code" aria-label=move || ctx.t(T::SqlEditor)>
                <editor::Editor sq=sq />
                <div class="button-row">
                    <button type="button" id="sql-run" class="button primary" on:click=move |_| run_now.run(())>{move || ctx.t(T::SqlRun)}</button>
                    <button type="button" id="sql-stop" class="button" disabled=move || snap.with(Option::is_none) on:click=move |_| stop.run(())>{move || ctx.t(T::SqlStop)}</button>
                    <span class="help" id="sql-compiler" role="status">{move || {
                        let lang = ctx.lang.get();
                        match compiler_state.get() {
                            CompilerState::Loading => T::SqlLoadingCompiler.get(lang).to_owned(),
                            CompilerState::Busy => T::SqlCompiling.get(lang).to_owned(),
                            CompilerState::Failed(m) => format!("{}: {m}", T::SqlCompilerFailed.get(lang)),
                            CompilerState::Ready => reply.with(|r| match r.as_ref().and_then(|(_, r)| r.plan.as_ref()) {
                                Some(p) => i18n::sql_compiled(lang, p.streams.len().saturating_sub(1), p.pumps.len()),
                                None => T::SqlFixFirst.get(lang).to_owned(),
                            }),
                        }
                    }}</span>
                </div>
            </section>
            <source::SourcePanel sq=sq />
        </div>
        {move || notice.get().map(|n| view! { <p class="notice" role="alert" id="sql-notice">{n}</p> })}
        <view::RunPanel sq=sq />
        <timeline::Timeline sq=sq />
        <view::Rows sq=sq />
        <chart::SqlChart sq=sq />
    }
}
