//! The page's one link to the engines: a producer writes templated records
//! into a one-shard Kinesis stream of core's `stream::Engine`; the
//! application reads it once a second as Kinesis Data Analytics does
//! (`firehose::source::KinesisSource`, so ROWTIME is the read time and
//! APPROXIMATE_ARRIVAL_TIME the record's arrival); each record becomes a row
//! through core's `analytics::source::RecordSchema` and goes into
//! `analytics::engine::SqlApp`, which runs the plan the compiler worker made.
//!
//! Work per frame is bounded: rows wait in a queue, and `step` inserts at
//! most `ROW_BUDGET` rows or `FRAME_MS` of wall time per call, whichever
//! comes first, so a slow query falls behind the clock instead of freezing
//! the page. Every number shown comes from core.

use kinesis_lab_core::analytics::engine::{EngineError, OutRow, SqlApp, SqlEvent, TableRows};
use kinesis_lab_core::analytics::plan::{Frame, Plan, Shape, StreamKind};
use kinesis_lab_core::analytics::source::{format_time_ms, RecordSchema};
use kinesis_lab_core::analytics::types::Value;
use kinesis_lab_core::firehose::config::StreamStart;
use kinesis_lab_core::firehose::source::KinesisSource;
use kinesis_lab_core::producer::template::{Filler, Template};
use kinesis_lab_core::stream::engine::{Engine, PutEntry};
use std::collections::{BTreeMap, VecDeque};

/// Simulated time 0 of the page is 2026-01-01T00:00:00Z.
pub const EPOCH_MS: u64 = crate::pages::streams::EPOCH_MS;
/// The lab's source stream (one shard).
pub const STREAM: &str = "stock-ticks";
/// A one-shard stream takes 1,000 records a second.
pub const MAX_RATE: u32 = 1_000;
/// Rows kept per table on screen.
pub const KEEP_ROWS: usize = 200;
/// Rows inserted per frame at most.
pub const ROW_BUDGET: usize = 4_000;
/// Wall-clock milliseconds of engine work per frame at most.
const FRAME_MS: f64 = 12.0;
/// The clock stops when this many rows wait for the engine.
pub const MAX_BACKLOG: usize = 60_000;
/// Input records kept for the CLI export.
const MAX_EXPORT: usize = 50_000;
/// Windows kept for the timeline after they fire.
const KEEP_FIRED: usize = 400;
/// Input row times kept for the timeline.
const KEEP_TICKS: usize = 2_000;
/// Most deadlines run in one advance (a guard; windows fire long before).
const MAX_STEPS: usize = 100_000;

/// A record read from the stream, waiting for the engine.
struct Pending {
    rowtime: i64,
    arrival: i64,
    data: Vec<u8>,
}

/// A window as the timeline draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct WinBox {
    pub pump: usize,
    pub key: String,
    pub start: i64,
    pub end: i64,
    /// Rows in it when it fired (None: still open).
    pub rows: Option<u64>,
}

/// The sliding frame the timeline brackets, if the plan has one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SlideFrame {
    Range(i64),
    Rows(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct StreamView {
    pub id: usize,
    pub name: String,
    pub columns: Vec<String>,
    /// Which columns hold numbers (for the chart).
    pub numeric: Vec<bool>,
    /// The column whose values each get a line in the chart (the ticker).
    pub group: Option<usize>,
    pub rows: Vec<OutRow>,
    pub total: u64,
}

/// What the page draws, read after each step.
#[derive(Clone, Debug, PartialEq)]
pub struct Snap {
    /// Absolute ms the engine has reached.
    pub engine_ms: i64,
    pub records_read: u64,
    pub rows_in: u64,
    pub rows_out: u64,
    pub row_errors: u64,
    pub backlog: u64,
    pub last_row_error: Option<String>,
    pub stopped: Option<EngineError>,
    pub input_columns: Vec<String>,
    pub inputs: Vec<(i64, Vec<Value>)>,
    pub outputs: Vec<StreamView>,
    pub open: Vec<WinBox>,
    pub fired: Vec<WinBox>,
    pub ticks: Vec<i64>,
    pub slide: Option<SlideFrame>,
    pub has_windows: bool,
    /// The window of a tumbling table function (TOP_K_ITEMS_TUMBLING,
    /// COUNT_DISTINCT_ITEMS_TUMBLING), ms: the timeline marks its edges.
    pub tumbling_fn_ms: Option<i64>,
}

pub struct RunConfig {
    pub plan: Plan,
    pub tables: Vec<TableRows>,
    pub schema: RecordSchema,
    pub template: Template,
    pub rate: u32,
    pub seed: u64,
}

pub struct SqlRun {
    engine: Engine,
    source: KinesisSource,
    template: Template,
    filler: Filler,
    rate: u64,
    sent: u64,
    schema: RecordSchema,
    app: SqlApp,
    plan: Plan,
    pending: VecDeque<Pending>,
    inputs: VecDeque<(i64, Vec<Value>)>,
    outputs: Vec<VecDeque<OutRow>>,
    out_totals: Vec<u64>,
    open: BTreeMap<(usize, String, i64), WinBox>,
    fired: VecDeque<WinBox>,
    ticks: VecDeque<i64>,
    records_read: u64,
    rows_in: u64,
    rows_out: u64,
    row_errors: u64,
    last_row_error: Option<String>,
    stopped: Option<EngineError>,
    engine_ms: i64,
    export: Vec<String>,
}

fn is_numeric(ty: kinesis_lab_core::analytics::SqlType) -> bool {
    use kinesis_lab_core::analytics::SqlType as S;
    matches!(
        ty,
        S::TinyInt | S::SmallInt | S::Integer | S::BigInt | S::Real | S::Double | S::Decimal { .. }
    )
}

/// The sliding frame of the first sliding pump (the timeline draws one).
fn slide_of(plan: &Plan) -> Option<SlideFrame> {
    plan.pumps.iter().find_map(|p| match &p.query.shape {
        Shape::Sliding { windows, .. } => windows.first().map(|w| match w.frame {
            Frame::Range(ms) => SlideFrame::Range(ms),
            Frame::Rows(n) => SlideFrame::Rows(n),
        }),
        _ => None,
    })
}

fn is_text(ty: kinesis_lab_core::analytics::SqlType) -> bool {
    use kinesis_lab_core::analytics::SqlType as S;
    matches!(ty, S::Char(_) | S::Varchar(_))
}

/// The column of `stream` that names a group (a text GROUP BY / PARTITION BY
/// key the select list outputs as is, or a top-K item): the chart draws one
/// line per value of it.
fn group_column(plan: &Plan, stream: usize) -> Option<usize> {
    use kinesis_lab_core::analytics::plan::{Expr, From, TableFn};
    plan.pumps
        .iter()
        .filter(|p| p.target == stream)
        .find_map(|p| {
            let q = &p.query;
            let item = q.select.iter().enumerate().position(|(i, e)| {
                let text = q.types.get(i).copied().is_some_and(is_text);
                text && match (&q.shape, e) {
                    (Shape::Tumbling { time_key, .. }, Expr::Key(k)) => k != time_key,
                    (Shape::Stagger { .. } | Shape::EventTime { .. }, Expr::Key(_)) => true,
                    (Shape::Sliding { windows, .. }, Expr::Col(c)) => windows
                        .first()
                        .is_some_and(|w| w.partition.contains(&Expr::Col(*c))),
                    (Shape::Rows, Expr::Col(0)) => matches!(
                        q.from,
                        From::TableFn {
                            func: TableFn::TopK { .. },
                            ..
                        }
                    ),
                    _ => false,
                }
            })?;
            p.columns.get(item).copied()
        })
}

fn tumbling_fn_ms(plan: &Plan) -> Option<i64> {
    use kinesis_lab_core::analytics::plan::{From, TableFn};
    plan.pumps.iter().find_map(|p| match &p.query.from {
        From::TableFn {
            func: TableFn::TopK { window_s, .. } | TableFn::CountDistinct { window_s, .. },
            ..
        } => Some(*window_s as i64 * 1000),
        _ => None,
    })
}

fn has_windows(plan: &Plan) -> bool {
    plan.pumps.iter().any(|p| {
        !matches!(p.query.shape, Shape::Rows | Shape::Sliding { .. })
            || !matches!(
                p.query.from,
                kinesis_lab_core::analytics::plan::From::Stream { .. }
            )
    })
}

impl SqlRun {
    /// Starts the stream, the producer and the application at simulated 0.
    pub fn new(cfg: RunConfig) -> Result<SqlRun, EngineError> {
        let app = SqlApp::new(cfg.plan.clone(), cfg.tables, cfg.seed)?;
        let mut engine = Engine::new();
        let _ = engine.create_stream(EPOCH_MS, STREAM, 1);
        let n = cfg.plan.streams.len();
        Ok(SqlRun {
            engine,
            source: KinesisSource::new(STREAM, StreamStart::TrimHorizon, EPOCH_MS),
            template: cfg.template,
            filler: Filler::new(cfg.seed, "sql.producer"),
            rate: cfg.rate.clamp(1, MAX_RATE) as u64,
            sent: 0,
            schema: cfg.schema,
            app,
            plan: cfg.plan,
            pending: VecDeque::new(),
            inputs: VecDeque::new(),
            outputs: vec![VecDeque::new(); n],
            out_totals: vec![0; n],
            open: BTreeMap::new(),
            fired: VecDeque::new(),
            ticks: VecDeque::new(),
            records_read: 0,
            rows_in: 0,
            rows_out: 0,
            row_errors: 0,
            last_row_error: None,
            stopped: None,
            engine_ms: EPOCH_MS as i64,
            export: Vec::new(),
        })
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Why the engine stopped, if it did.
    pub fn stopped(&self) -> Option<EngineError> {
        self.stopped.clone()
    }

    pub fn backlog(&self) -> usize {
        self.pending.len()
    }

    /// Producer records up to `to` (absolute ms), in 100 ms batches.
    fn produce(&mut self, to: u64) {
        let due = to.saturating_sub(EPOCH_MS) * self.rate / 1000;
        while self.sent < due {
            let first_at = EPOCH_MS + self.sent * 1000 / self.rate;
            let slot_end = (first_at / 100 + 1) * 100;
            let mut entries = Vec::new();
            let mut at = first_at;
            while self.sent < due && entries.len() < 500 {
                let t = EPOCH_MS + self.sent * 1000 / self.rate;
                if t >= slot_end {
                    break;
                }
                let data = self
                    .filler
                    .render(&self.template, self.sent, t)
                    .into_bytes();
                entries.push(PutEntry {
                    partition_key: format!("k{}", self.sent % 16),
                    explicit_hash_key: None,
                    data,
                });
                at = t;
                self.sent += 1;
            }
            self.engine.advance_to(at);
            // A throttled batch is lost, as a producer without retries loses it.
            let _ = self.engine.put_records(at, STREAM, &entries);
        }
    }

    /// Reads the stream at every poll due by `now`, queueing the rows.
    fn read_source(&mut self, now: u64) {
        let mut guard = 0;
        while self.source.next_deadline() <= now && guard < 100_000 {
            guard += 1;
            let t = self.source.next_deadline();
            self.produce(t);
            self.engine.advance_to(t);
            match self.source.poll(&mut self.engine, t) {
                Ok(report) => {
                    for r in report.records {
                        self.records_read += 1;
                        self.pending.push_back(Pending {
                            rowtime: t as i64,
                            arrival: r.meta.approximate_arrival_ms as i64,
                            data: r.data,
                        });
                    }
                }
                Err(_) => break,
            }
        }
        self.produce(now);
    }

    /// Moves everything to the page's clock (`now`, ms since the page
    /// started). `wall` reads a wall clock in ms; work stops after
    /// `FRAME_MS` of it or `ROW_BUDGET` rows. Returns false when the backlog
    /// is over `MAX_BACKLOG` (the page then stops its clock).
    pub fn step(&mut self, now: u64, wall: &dyn Fn() -> f64) -> bool {
        let abs = EPOCH_MS + now;
        if self.stopped.is_none() {
            self.read_source(abs);
        }
        let started = wall();
        let mut done = 0usize;
        while let Some(p) = self.pending.front() {
            if self.stopped.is_some()
                || done >= ROW_BUDGET
                || (done % 64 == 0 && done > 0 && wall() - started > FRAME_MS)
            {
                break;
            }
            let (rowtime, arrival) = (p.rowtime, p.arrival);
            let Some(p) = self.pending.pop_front() else {
                break;
            };
            done += 1;
            self.advance(rowtime);
            match self.schema.row(&p.data) {
                Ok(row) => {
                    if self.export.len() < MAX_EXPORT {
                        let data = String::from_utf8_lossy(&p.data).trim_end().to_owned();
                        let data_json = serde_json::from_str::<serde_json::Value>(&data)
                            .unwrap_or(serde_json::Value::String(data));
                        self.export.push(
                            serde_json::json!({
                                "arrival": format_time_ms(arrival),
                                "rowtime": format_time_ms(rowtime),
                                "data": data_json,
                            })
                            .to_string(),
                        );
                    }
                    self.inputs.push_back((rowtime, row.clone()));
                    if self.inputs.len() > KEEP_ROWS {
                        self.inputs.pop_front();
                    }
                    match self.app.insert(rowtime, arrival, row) {
                        Ok(()) => self.rows_in += 1,
                        Err(e) => self.stopped = Some(e),
                    }
                    self.collect();
                }
                Err(e) => {
                    self.row_errors += 1;
                    self.last_row_error = Some(e.en());
                }
            }
        }
        if self.pending.is_empty() && self.stopped.is_none() {
            self.advance(abs as i64);
        }
        self.pending.len() <= MAX_BACKLOG
    }

    /// Runs every deadline up to `to`, one at a time (as the CLI's replay does).
    fn advance(&mut self, to: i64) {
        let mut steps = 0;
        while let Some(d) = self.app.next_deadline() {
            if d > to || steps >= MAX_STEPS {
                break;
            }
            self.app.advance_to(d);
            self.collect();
            steps += 1;
            if self.app.next_deadline() == Some(d) {
                break;
            }
        }
        if to >= self.engine_ms {
            self.app.advance_to(to);
            self.engine_ms = to;
        }
        self.collect();
    }

    fn collect(&mut self) {
        for row in self.app.take_output() {
            let s = row.stream;
            if s >= self.outputs.len() {
                continue;
            }
            self.out_totals[s] += 1;
            if s != 0 {
                self.rows_out += 1;
            }
            let q = &mut self.outputs[s];
            q.push_back(row);
            if q.len() > KEEP_ROWS {
                q.pop_front();
            }
        }
        for ev in self.app.take_events() {
            match ev {
                // One mark per distinct ROWTIME (a poll's rows share one).
                SqlEvent::RowIn { stream: 0, rowtime } if self.ticks.back() != Some(&rowtime) => {
                    self.ticks.push_back(rowtime);
                    if self.ticks.len() > KEEP_TICKS {
                        self.ticks.pop_front();
                    }
                }
                SqlEvent::RowIn { .. } => {}
                SqlEvent::WindowOpen {
                    pump,
                    key,
                    start,
                    end,
                } => {
                    self.open.insert(
                        (pump, key.clone(), start),
                        WinBox {
                            pump,
                            key,
                            start,
                            end,
                            rows: None,
                        },
                    );
                }
                SqlEvent::WindowFire {
                    pump,
                    key,
                    start,
                    end,
                    rows,
                } => {
                    self.open.remove(&(pump, key.clone(), start));
                    self.fired.push_back(WinBox {
                        pump,
                        key,
                        start,
                        end,
                        rows: Some(rows),
                    });
                    if self.fired.len() > KEEP_FIRED {
                        self.fired.pop_front();
                    }
                }
                SqlEvent::Late { .. } => {
                    self.row_errors += 1;
                }
                SqlEvent::RowError { message, .. } => {
                    self.row_errors += 1;
                    self.last_row_error = Some(message);
                }
            }
        }
    }

    /// The input records the application read, as the CLI's input file
    /// (`kinesis-lab sql --input`), one JSON object a line.
    pub fn export_input(&self) -> String {
        let mut s = self.export.join("\n");
        s.push('\n');
        s
    }

    pub fn export_schema(&self) -> String {
        self.schema.to_toml()
    }

    pub fn snap(&self) -> Snap {
        let outputs = self
            .plan
            .streams
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind != StreamKind::Input)
            .map(|(i, s)| StreamView {
                id: i,
                name: s.name.clone(),
                columns: s.columns.iter().map(|c| c.name.clone()).collect(),
                numeric: s.columns.iter().map(|c| is_numeric(c.ty)).collect(),
                group: group_column(&self.plan, i),
                rows: self
                    .outputs
                    .get(i)
                    .map(|q| q.iter().cloned().collect())
                    .unwrap_or_default(),
                total: self.out_totals.get(i).copied().unwrap_or(0),
            })
            .collect();
        Snap {
            engine_ms: self.engine_ms,
            records_read: self.records_read,
            rows_in: self.rows_in,
            rows_out: self.rows_out,
            row_errors: self.row_errors,
            backlog: self.pending.len() as u64,
            last_row_error: self.last_row_error.clone(),
            stopped: self.stopped.clone(),
            input_columns: self.schema.columns.iter().map(|c| c.name.clone()).collect(),
            inputs: self.inputs.iter().cloned().collect(),
            outputs,
            open: self.open.values().cloned().collect(),
            fired: self.fired.iter().cloned().collect(),
            ticks: self.ticks.iter().copied().collect(),
            slide: slide_of(&self.plan),
            has_windows: has_windows(&self.plan),
            tumbling_fn_ms: tumbling_fn_ms(&self.plan),
        }
    }
}

/// A value as a table cell shows it.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Double(d) => {
            if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e15 {
                format!("{d:.1}")
            } else if d.is_finite() {
                let s = format!("{d:.4}");
                let s = s.trim_end_matches('0');
                s.strip_suffix('.')
                    .map(|x| format!("{x}.0"))
                    .unwrap_or_else(|| s.to_owned())
            } else {
                d.to_string()
            }
        }
        Value::Str(s) => s.to_string(),
        Value::Ts(ms) => format_time_ms(*ms),
        Value::Interval(ms) => format!("{ms} ms"),
    }
}

/// A number for the chart.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Double(d) if d.is_finite() => Some(*d),
        _ => None,
    }
}

/// `HH:MM:SS.mmm` of an absolute time (the date is the same all run long).
pub fn clock_time(ms: i64) -> String {
    let iso = format_time_ms(ms);
    iso.get(11..23).map(str::to_owned).unwrap_or(iso)
}
