//! The page's one link to the engine: builds a `DeliveryConfig` from the
//! form, runs a producer (Direct PUT, or into a Kinesis data stream that the
//! delivery stream polls) and the delivery stream up to the page's clock,
//! and reads what the page shows. Every number shown comes from core.

use super::form::Form;
use crate::i18n::{self, Lang, T};
use kinesis_lab_core::error::{parse_count, Field};
use kinesis_lab_core::firehose::compress::{decompress_limited, Compression};
use kinesis_lab_core::firehose::config::{
    DeliveryConfig, Destination, FormatConversion, ProcessingConfig, S3BackupMode, Simulated,
    SourceConfig, StreamStart,
};
use kinesis_lab_core::firehose::convert::Schema;
use kinesis_lab_core::firehose::destination::{AttemptOutcome, ObjectBody, ObjectKind};
use kinesis_lab_core::firehose::transform::{BuiltinTransform, ExternalTransform, InvokeError, Transform};
use kinesis_lab_core::firehose::{Counts, DeliveryStream, FirehoseError, FirehoseEvent, FlushReason};
use kinesis_lab_core::producer::template::{Filler, Template};
use kinesis_lab_core::stream::engine::{Engine, PutEntry};
use std::collections::BTreeMap;

/// Simulated time 0 of the page is 2026-01-01T00:00:00Z (S3 keys show it).
pub const EPOCH_MS: u64 = crate::pages::streams::EPOCH_MS;
const NAME: &str = "lab-delivery";
const SOURCE_STREAM: &str = "clickstream";
/// The lab's bound on the producer.
pub const MAX_RATE: u32 = 5_000;
/// Deliveries listed (newest kept).
const MAX_ROWS: usize = 500;
/// Preview: decompress at most this much, show at most `PREVIEW_SHOWN`.
const PREVIEW_LIMIT: usize = 16 * 1_048_576;
const PREVIEW_SHOWN: usize = 64 * 1024;

pub type Reason = FlushReason;

pub fn reason_code(r: Reason) -> &'static str {
    match r {
        FlushReason::Size => "size",
        FlushReason::Time => "time",
        FlushReason::Flush => "flush",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub batch: u64,
    pub at_ms: u64,
    pub reason: Reason,
    pub records: u64,
    pub bytes: u64,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: Option<u64>,
    pub records: u64,
    /// `data`, `error` or `backup` (a CSS class and a data attribute).
    pub class: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AttemptRow {
    pub batch: u64,
    pub at_ms: u64,
    pub attempt: u32,
    pub ok: bool,
    pub latency_ms: u64,
    pub records: u64,
    pub detail: String,
}

/// What the page draws, read from the engine after each step.
#[derive(Clone, Debug, PartialEq)]
pub struct Snap {
    pub now_ms: u64,
    pub buffer_bytes: u64,
    pub buffer_records: u64,
    pub size_limit: u64,
    pub interval_ms: u64,
    /// Time left before the interval delivers (None: the buffer is empty).
    pub time_left_ms: Option<u64>,
    pub counts: Counts,
    pub sent: u64,
    pub deliveries: Vec<Delivery>,
    pub objects: Vec<ObjectInfo>,
    pub bucket: String,
    pub redshift_columns: Option<Vec<String>>,
    pub redshift_rows: u64,
    pub opensearch_docs: Option<u64>,
    pub endpoint: bool,
    pub attempts: Vec<AttemptRow>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// None: binary (Parquet).
    pub text: Option<String>,
    pub cut: bool,
    pub error: Option<String>,
}

pub struct Run {
    fh: DeliveryStream,
    stream: Option<Engine>,
    template: Template,
    filler: Filler,
    rate: u64,
    /// Records the producer has sent.
    sent: u64,
    producing: bool,
    transform: Option<&'static str>,
    deliveries: Vec<Delivery>,
    lang: Lang,
}

fn rel(t: u64) -> u64 {
    t.saturating_sub(EPOCH_MS)
}

/// Which form field shows an engine error about `path`.
fn field_for(path: &str) -> &'static str {
    match path {
        p if p.starts_with("buffering.size") => "fh-size",
        p if p.starts_with("buffering.interval") => "fh-interval",
        p if p.starts_with("processing") => "fh-retries",
        p if p.contains("retry_duration") => "fh-retry",
        p if p.contains("latency") => "fh-latency",
        p if p.starts_with("format_conversion.schema") || p.starts_with("schema") => "fh-schema",
        p if p.starts_with("format_conversion") => "fh-conversion",
        "prefix" => "fh-prefix",
        p if p.starts_with("s3_backup") => "fh-backup",
        p if p.starts_with("compression") => "fh-compression",
        p if p.starts_with("destination") => "fh-destination",
        p if p.starts_with("filter_by_field.equals") || p.starts_with("add_field.value") => "fh-tf-value",
        p if p.starts_with("filter_by_field") || p.starts_with("add_field") => "fh-tf-field",
        p if p.starts_with("csv_to_json") => "fh-tf-columns",
        _ => "fh-form",
    }
}

fn label_of(lang: Lang, id: &str) -> &'static str {
    let t = match id {
        "fh-size" => T::FhBufferSize,
        "fh-interval" => T::FhBufferInterval,
        "fh-retries" => T::FhRetries,
        "fh-retry" => T::FhRetryDuration,
        "fh-latency" => T::FhEndpointLatency,
        "fh-schema" => T::FhSchema,
        "fh-conversion" => T::FhConversion,
        "fh-prefix" => T::FhPrefix,
        "fh-backup" => T::FhBackup,
        "fh-compression" => T::FhCompression,
        "fh-destination" => T::FhDestination,
        "fh-tf-value" => T::FhTfValue,
        "fh-tf-field" => T::FhTfField,
        "fh-tf-columns" => T::FhTfColumns,
        _ => T::FhConfigTitle,
    };
    t.get(lang)
}

fn engine_error(lang: Lang, e: &FirehoseError) -> (&'static str, String) {
    let id = field_for(&e.field);
    (id, i18n::fh_error(lang, label_of(lang, id), e))
}

/// A whole number from a field, or the error beside it.
fn number(lang: Lang, id: &'static str, text: &str, errors: &mut Vec<(&'static str, String)>) -> u32 {
    match text.trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errors.push((id, i18n::fh_not_a_number(lang, label_of(lang, id))));
            0
        }
    }
}

/// Column names for Redshift: the JSON keys of a sample record.
fn json_keys(sample: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(sample) {
        Ok(serde_json::Value::Object(m)) if !m.is_empty() => m.keys().cloned().collect(),
        _ => vec!["data".into()],
    }
}

impl Run {
    /// Builds the delivery stream from the form, or every error found, each
    /// with the id of the field it belongs beside.
    pub fn from_form(form: &Form, lang: Lang) -> Result<Run, Vec<(&'static str, String)>> {
        let g = |s: &leptos::prelude::RwSignal<String>| leptos::prelude::GetUntracked::get_untracked(s);
        let mut errors = Vec::new();
        let rate = match parse_count(Field::RecordRate, &g(&form.rate), MAX_RATE) {
            Ok(r) => r,
            Err(e) => {
                errors.push(("fh-rate", i18n::validation_error(lang, &e)));
                1
            }
        };
        let template = match Template::parse(&g(&form.template)) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(("fh-template", i18n::template_error(lang, &e)));
                None
            }
        };
        let size = number(lang, "fh-size", &g(&form.size_mib), &mut errors);
        let interval = number(lang, "fh-interval", &g(&form.interval_s), &mut errors);
        let tf = g(&form.transform);
        let retries = if tf == "none" { 3 } else { number(lang, "fh-retries", &g(&form.retries), &mut errors) };
        let dest = g(&form.destination);
        let endpoint = matches!(dest.as_str(), "splunk" | "http");
        let latency = if endpoint { number(lang, "fh-latency", &g(&form.latency_ms), &mut errors) } else { 0 };
        let retry_s = if dest != "s3" { number(lang, "fh-retry", &g(&form.retry_s), &mut errors) } else { 0 };
        let conversion = g(&form.conversion) == "parquet";
        let schema = if conversion {
            match Schema::parse(&g(&form.schema)) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.push(("fh-schema", e.to_string()));
                    None
                }
            }
        } else {
            None
        };
        let builtin = match tf.as_str() {
            "filter" => Some(BuiltinTransform::FilterByField { field: g(&form.tf_field), equals: g(&form.tf_value) }),
            "add" => Some(BuiltinTransform::AddField { field: g(&form.tf_field), value: g(&form.tf_value), arrival_timestamp_field: None }),
            "csv" => Some(BuiltinTransform::CsvToJson {
                columns: g(&form.tf_columns).split(',').map(|c| c.trim().to_owned()).collect(),
            }),
            "dropjson" => Some(BuiltinTransform::DropMalformedJson),
            _ => None,
        };
        if let Some(Err(e)) = builtin.as_ref().map(BuiltinTransform::validate) {
            let id = field_for(&e.field);
            errors.push((id, format!("{}: {e}", label_of(lang, id))));
        }
        if tf == "js" && g(&form.js).trim().is_empty() {
            errors.push(("fh-js", T::FhJsEmpty.get(lang).to_owned()));
        }
        let compression: Compression = g(&form.compression).parse().unwrap_or(Compression::Uncompressed);
        let source_kind = g(&form.source);
        // A sample record names the Redshift columns.
        let mut filler = Filler::new(7, "firehose.producer");
        let sample = template.as_ref().map(|t| filler.render(t, 0, EPOCH_MS)).unwrap_or_default();
        let sim = Simulated { fail: form_bool(form), latency_ms: latency as u64 };
        let destination = match dest.as_str() {
            "redshift" => Destination::Redshift {
                bucket: "lab-bucket".into(),
                table: "events".into(),
                columns: json_keys(&sample),
                retry_duration_seconds: retry_s,
                cluster: Simulated::default(),
            },
            "opensearch" => Destination::OpenSearch {
                bucket: "lab-bucket".into(),
                index: "events".into(),
                rotation: Default::default(),
                retry_duration_seconds: retry_s,
                cluster: Simulated::default(),
            },
            "splunk" => Destination::Splunk {
                bucket: "lab-bucket".into(),
                endpoint: "https://splunk.example.com:8088".into(),
                hec_ack_timeout_seconds: 180,
                retry_duration_seconds: retry_s,
                simulated: sim,
            },
            "http" => Destination::HttpEndpoint {
                bucket: "lab-bucket".into(),
                url: "https://collector.example.com/ingest".into(),
                response_timeout_seconds: 180,
                retry_duration_seconds: retry_s,
                simulated: sim,
            },
            _ => Destination::S3 { bucket: "lab-bucket".into() },
        };
        let backup = match g(&form.backup).as_str() {
            "AllData" => Some(S3BackupMode::AllData),
            "FailedDataOnly" => Some(S3BackupMode::FailedDataOnly),
            _ => Some(S3BackupMode::Disabled),
        };
        let prefix = Some(g(&form.prefix)).filter(|p| !p.trim().is_empty());
        let config = DeliveryConfig {
            source: if source_kind == "stream" {
                SourceConfig::KinesisStream { stream: SOURCE_STREAM.into(), start: StreamStart::TrimHorizon }
            } else {
                SourceConfig::DirectPut
            },
            buffering: kinesis_lab_core::firehose::config::BufferingHints {
                size_mib: (dest != "splunk").then_some(size),
                interval_seconds: (dest != "splunk").then_some(interval),
            },
            processing: ProcessingConfig { retries, ..ProcessingConfig::default() },
            format_conversion: schema.map(|schema| FormatConversion {
                enabled: true,
                input_format: "json".into(),
                output_format: "parquet".into(),
                schema,
            }),
            compression,
            destination,
            s3_backup: backup,
            prefix,
            error_output_prefix: None,
            backup_prefix: None,
        };
        // The engine's own checks (ranges, combinations), unless a field
        // already failed to parse.
        let numbers_ok = !errors.iter().any(|(id, _)| matches!(*id, "fh-size" | "fh-interval" | "fh-retries" | "fh-retry" | "fh-latency" | "fh-schema"));
        if numbers_ok {
            if let Err(e) = config.validate() {
                errors.push(engine_error(lang, &e));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let Some(template) = template else { return Err(errors) };
        let mut fh = DeliveryStream::new(NAME, config, 1, EPOCH_MS).map_err(|e| vec![engine_error(lang, &e)])?;
        let transform: Option<(&'static str, Box<dyn Transform>)> = match (tf.as_str(), builtin) {
            ("js", _) => Some(("js", Box::new(ExternalTransform))),
            (_, Some(b)) => Some(("builtin", Box::new(b))),
            _ => None,
        };
        let kind = transform.as_ref().map(|(k, _)| *k);
        fh.set_transform(transform.map(|(_, t)| t));
        let stream = (source_kind == "stream").then(|| {
            let mut e = Engine::new();
            let _ = e.create_stream(EPOCH_MS, SOURCE_STREAM, 1);
            e
        });
        Ok(Run {
            fh,
            stream,
            template,
            filler: Filler::new(1, "firehose.producer"),
            rate: rate as u64,
            sent: 0,
            producing: true,
            transform: kind,
            deliveries: Vec::new(),
            lang,
        })
    }

    pub fn transform_kind(&self) -> Option<&'static str> {
        self.transform
    }

    fn record(&mut self, seq: u64, at: u64) -> Vec<u8> {
        let mut s = self.filler.render(&self.template, seq, at);
        s.push('\n');
        s.into_bytes()
    }

    /// Sends the producer's records up to `to` (absolute ms), in batches of
    /// at most 500 records and 100 ms.
    fn produce(&mut self, to: u64) {
        if !self.producing {
            return;
        }
        let due = rel(to) * self.rate / 1000;
        while self.sent < due {
            let first_at = EPOCH_MS + self.sent * 1000 / self.rate;
            let slot_end = (first_at / 100 + 1) * 100;
            let mut batch = Vec::new();
            let mut bytes = 0usize;
            let mut at = first_at;
            while self.sent < due && batch.len() < 500 && bytes < 3 * 1_048_576 {
                let t = EPOCH_MS + self.sent * 1000 / self.rate;
                if t >= slot_end {
                    break;
                }
                let data = self.record(self.sent, t);
                bytes += data.len();
                batch.push(data);
                at = t;
                self.sent += 1;
            }
            match &mut self.stream {
                Some(engine) => {
                    let entries: Vec<PutEntry> = batch
                        .into_iter()
                        .enumerate()
                        .map(|(i, data)| PutEntry { partition_key: format!("k{}", (self.sent as usize + i) % 64), explicit_hash_key: None, data })
                        .collect();
                    let _ = engine.put_records(at, SOURCE_STREAM, &entries);
                }
                None => {
                    let _ = self.fh.put_record_batch(at, batch);
                }
            }
            self.step_engine(at);
            if self.fh.pending_invocation().is_some() {
                return;
            }
        }
    }

    /// Moves the delivery stream (and a source stream's polls) to `at`.
    fn step_engine(&mut self, at: u64) {
        match &mut self.stream {
            Some(engine) => {
                // Poll when each poll is due, not only at `at` (a +60 s step
                // would otherwise read a minute of records at its end).
                let mut guard = 0;
                while let Some(t) = self.fh.next_deadline().filter(|&t| t < at && guard < 100_000) {
                    guard += 1;
                    engine.advance_to(t);
                    let _ = self.fh.poll_source(t, engine);
                    if self.fh.pending_invocation().is_some() {
                        self.collect();
                        return;
                    }
                }
                engine.advance_to(at);
                let _ = self.fh.poll_source(at, engine);
            }
            None => self.fh.advance_to(at),
        }
        self.collect();
    }

    /// Reads new events into the deliveries list; the engine keeps none.
    fn collect(&mut self) {
        let mut by_batch: BTreeMap<u64, usize> = BTreeMap::new();
        for (i, d) in self.deliveries.iter().enumerate().rev().take(64) {
            by_batch.insert(d.batch, i);
        }
        for ev in self.fh.take_events() {
            match ev {
                FirehoseEvent::BufferFlushed { at_ms, batch, reason, records, bytes } => {
                    by_batch.insert(batch, self.deliveries.len());
                    self.deliveries.push(Delivery { batch, at_ms: rel(at_ms), reason, records: records as u64, bytes, target: "…".into() });
                }
                FirehoseEvent::Delivered { batch, key, destination, .. } => {
                    if let Some(&i) = by_batch.get(&batch) {
                        if let Some(d) = self.deliveries.get_mut(i) {
                            d.target = key.unwrap_or_else(|| destination.label().to_owned());
                        }
                    }
                }
                FirehoseEvent::AttemptFailed { batch, code, .. } => {
                    if let Some(&i) = by_batch.get(&batch) {
                        if let Some(d) = self.deliveries.get_mut(i) {
                            d.target = format!("{} ({code})", T::FhRetrying.get(self.lang));
                        }
                    }
                }
                // A batch the destination never took goes to the error
                // output: the oldest batch still being retried.
                FirehoseEvent::ErrorOutput { kind, key, .. }
                    if matches!(kind, ObjectKind::HttpEndpointFailed | ObjectKind::SplunkFailed | ObjectKind::OpenSearchFailed) =>
                {
                    let retrying = T::FhRetrying.get(self.lang);
                    if let Some(d) = self.deliveries.iter_mut().find(|d| d.target.starts_with(retrying)) {
                        d.target = key;
                    }
                }
                _ => {}
            }
        }
        if self.deliveries.len() > MAX_ROWS {
            let cut = self.deliveries.len() - MAX_ROWS;
            self.deliveries.drain(..cut);
        }
    }

    /// Runs producer and engine up to `now` (page ms). Returns the pending
    /// JavaScript invocation (id, input), if the engine stopped at one.
    pub fn advance(&mut self, now: u64) -> Option<(u64, String)> {
        if let Some((id, input)) = self.fh.pending_invocation() {
            return Some((id, input.to_owned()));
        }
        let to = EPOCH_MS + now;
        self.produce(to);
        if self.fh.pending_invocation().is_none() {
            self.step_engine(to);
        }
        self.fh.pending_invocation().map(|(id, s)| (id, s.to_owned()))
    }

    pub fn complete(&mut self, id: u64, now: u64, result: Result<String, InvokeError>) {
        let _ = self.fh.complete_invocation(id, EPOCH_MS + now, result);
        self.collect();
    }

    /// The producer stops; what is buffered is delivered now (reason: flush).
    pub fn stop_and_flush(&mut self, now: u64) {
        let to = EPOCH_MS + now;
        self.produce(to);
        self.producing = false;
        if let Some(engine) = &mut self.stream {
            engine.advance_to(to);
            let _ = self.fh.poll_source(to, engine);
        }
        self.fh.flush(to);
        self.collect();
    }

    pub fn snap(&self) -> Snap {
        let b = self.fh.buffer();
        let dest = self.fh.config().destination.kind();
        use kinesis_lab_core::firehose::config::DestinationKind as K;
        let objects = self
            .fh
            .bucket()
            .objects()
            .iter()
            .map(|o| ObjectInfo {
                key: o.key.clone(),
                size: o.size(),
                records: o.records as u64,
                class: match o.kind {
                    ObjectKind::Delivery => "data",
                    ObjectKind::SourceBackup => "backup",
                    _ => "error",
                },
            })
            .collect();
        let endpoint = matches!(dest, K::Splunk | K::HttpEndpoint);
        let attempts = if endpoint {
            self.fh
                .endpoint()
                .timeline
                .iter()
                .map(|a| {
                    let (ok, end, detail) = match &a.outcome {
                        AttemptOutcome::InFlight => (false, self.fh.now(), "…".to_owned()),
                        AttemptOutcome::Acknowledged { at_ms } => (true, *at_ms, String::new()),
                        AttemptOutcome::Error { at_ms, code } => (false, *at_ms, code.clone()),
                        AttemptOutcome::TimedOut { at_ms } => (false, *at_ms, T::FhTimedOut.get(self.lang).to_owned()),
                    };
                    AttemptRow {
                        batch: a.batch,
                        at_ms: rel(a.sent_ms),
                        attempt: a.attempt,
                        ok,
                        latency_ms: end.saturating_sub(a.sent_ms),
                        records: a.records as u64,
                        detail,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Snap {
            now_ms: rel(self.fh.now()),
            buffer_bytes: b.bytes,
            buffer_records: b.records as u64,
            size_limit: b.size_threshold_bytes,
            interval_ms: b.interval_ms,
            time_left_ms: b.time_to_interval_ms,
            counts: self.fh.counts(),
            sent: self.sent,
            deliveries: self.deliveries.clone(),
            objects,
            bucket: self.fh.bucket().name.clone(),
            redshift_columns: (dest == K::Redshift).then(|| self.fh.redshift().columns.clone()),
            redshift_rows: self.fh.redshift().rows.len() as u64,
            opensearch_docs: (dest == K::OpenSearch).then(|| self.fh.opensearch().doc_count() as u64),
            endpoint,
            attempts,
        }
    }

    /// The object's exact bytes, for the download.
    pub fn object_bytes(&self, key: &str) -> Result<Vec<u8>, String> {
        // Parquet objects encode here only when the app enables core's
        // `parquet` feature (it does not: +172 KB gzipped, see BENCHMARKS.md);
        // the page sends `parquet_job(key)` to the lazily loaded encoder.
        let parquet = self.fh.bucket().get(key).is_some_and(|o| o.is_parquet());
        self.fh.object_bytes(key).map_err(|e| {
            if parquet {
                T::FhParquetLater.get(self.lang).to_owned()
            } else {
                i18n::fh_error(self.lang, "S3", &e)
            }
        })
    }

    /// A Parquet object's rows as the text core's `firehose::job` hands to a
    /// lazily loaded Parquet encoder (None for other objects).
    pub fn parquet_job(&self, key: &str) -> Option<String> {
        match &self.fh.bucket().get(key)?.body {
            ObjectBody::Parquet { schema, rows } => {
                Some(kinesis_lab_core::firehose::job::encode_job(schema, rows))
            }
            ObjectBody::Bytes(_) => None,
        }
    }

    pub fn preview(&self, key: &str) -> Preview {
        let Some(o) = self.fh.bucket().get(key) else {
            return Preview { error: Some(key.to_owned()), ..Preview::default() };
        };
        let bytes = match &o.body {
            // The rows the Parquet file holds, one JSON line each, typed by
            // the schema (timestamps as UTC text): what Athena would read.
            ObjectBody::Parquet { schema, rows } => {
                let mut text = String::new();
                let mut cut = false;
                for r in rows {
                    if text.len() > PREVIEW_SHOWN {
                        cut = true;
                        break;
                    }
                    text.push_str(&r.to_json_line(schema));
                    text.push('\n');
                }
                return Preview { text: Some(text), cut, error: None };
            }
            ObjectBody::Bytes(b) => b,
        };
        let plain = if o.compression == Compression::Uncompressed {
            Ok(bytes.clone())
        } else {
            decompress_limited(o.compression, bytes, PREVIEW_LIMIT)
        };
        match plain {
            Ok(p) => {
                let cut = p.len() > PREVIEW_SHOWN;
                let shown = &p[..p.len().min(PREVIEW_SHOWN)];
                Preview { text: Some(String::from_utf8_lossy(shown).into_owned()), cut, error: None }
            }
            Err(e) => Preview { text: None, cut: false, error: Some(e.to_string()) },
        }
    }

    /// One page of the Redshift table: columns and rows as text.
    pub fn redshift_page(&self, offset: usize, n: usize) -> (Vec<String>, Vec<Vec<String>>) {
        let t = self.fh.redshift();
        let rows = t
            .rows
            .iter()
            .skip(offset)
            .take(n)
            .map(|r| r.iter().map(|v| v.clone().unwrap_or_else(|| "NULL".into())).collect())
            .collect();
        (t.columns.clone(), rows)
    }

    /// Documents matching `term` (all when blank): the total and the first `n`.
    pub fn search(&self, term: &str, n: usize) -> (u64, Vec<(String, String)>) {
        let hits = self.fh.opensearch().search(term);
        let total = hits.len() as u64;
        (total, hits.into_iter().take(n).map(|d| (d.id.clone(), d.source.clone())).collect())
    }
}

fn form_bool(form: &Form) -> bool {
    leptos::prelude::GetUntracked::get_untracked(&form.endpoint_fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::Set;

    fn form() -> Form {
        Form::new(kinesis_lab_core::firehose::transform::js_template().to_owned())
    }

    #[test]
    fn a_js_transform_stops_the_engine_at_each_invocation_and_failures_reach_the_error_prefix() {
        let f = form();
        f.transform.set("js".into());
        f.retries.set("1".into());
        f.rate.set("50".into());
        let mut run = Run::from_form(&f, Lang::En).expect("valid form");
        // The first batch arrives at 80 ms (its last record's time): the
        // processor's 60 s interval has not passed at 60 s.
        assert!(run.advance(60_000).is_none());
        let (id, input) = run.advance(61_000).expect("the processor's interval has passed");
        assert!(input.contains("\"records\""));
        run.complete(id, 61_000, Err(InvokeError::function_error("threw: Error: boom")));
        let (again, _) = run.advance(61_000).expect("one retry");
        assert_eq!(again, id, "a retry is the same invocation");
        run.complete(again, 61_000, Err(InvokeError::function_error("threw: Error: boom")));
        assert!(run.advance(61_000).is_none(), "no retry left");
        run.stop_and_flush(61_000);
        for t in [120_000, 180_000, 240_000] {
            while let Some((id, _)) = run.advance(t) {
                run.complete(id, t, Err(InvokeError::function_error("threw: Error: boom")));
            }
        }
        let s = run.snap();
        assert_eq!(s.counts.received, 3_050);
        assert_eq!(s.counts.failed_to_error_prefix, 3_050, "{:?}", s.counts);
        let in_error: u64 = s.objects.iter().filter(|o| o.key.starts_with("processing-failed/")).map(|o| o.records).sum();
        assert_eq!(in_error, 3_050);
        let first = s.objects.iter().find(|o| o.key.starts_with("processing-failed/")).unwrap();
        let p = run.preview(&first.key);
        assert!(p.text.unwrap().contains("threw: Error: boom"));
    }

    #[test]
    fn a_kinesis_stream_source_is_polled_and_delivered() {
        let f = form();
        f.source.set("stream".into());
        f.rate.set("100".into());
        let mut run = Run::from_form(&f, Lang::En).expect("valid form");
        assert!(run.advance(61_000).is_none());
        run.stop_and_flush(61_000);
        // What the last second put into the stream is read by the next poll
        // and delivered when its interval passes.
        run.advance(130_000);
        let s = run.snap();
        assert_eq!(s.counts.received, 6_100, "{:?}", s.counts);
        assert_eq!(s.counts.delivered, s.counts.received, "{:?}", s.counts);
        assert_eq!(s.counts.in_flight, 0);
    }

    #[test]
    fn bad_numbers_are_named_beside_their_fields() {
        let f = form();
        f.size_mib.set("200".into());
        f.interval_s.set("soon".into());
        let errors = Run::from_form(&f, Lang::En).err().expect("refused");
        assert!(errors.iter().any(|(id, e)| *id == "fh-interval" && e.contains("whole number")), "{errors:?}");
        f.interval_s.set("60".into());
        let errors = Run::from_form(&f, Lang::Vi).err().expect("refused");
        assert_eq!(errors[0].0, "fh-size");
        assert!(errors[0].1.contains("1 đến 128 MiB"), "{errors:?}");
    }

    #[test]
    fn time_deliveries_are_listed_with_their_reason_and_key() {
        let f = form();
        let mut run = Run::from_form(&f, Lang::En).expect("valid form");
        assert!(run.advance(61_000).is_none());
        let s = run.snap();
        assert_eq!(s.deliveries.len(), 1, "{:?}", s.deliveries);
        assert_eq!(s.deliveries[0].reason, FlushReason::Time);
        assert!(s.deliveries[0].target.ends_with(".gz"), "{}", s.deliveries[0].target);
        let key = &s.objects[0].key;
        assert_eq!(&run.object_bytes(key).unwrap()[..2], &[0x1f, 0x8b]);
        assert!(run.preview(key).text.unwrap().starts_with("{\"user\":"));
    }
}
