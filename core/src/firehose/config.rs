//! A delivery stream's configuration, loadable from TOML or JSON, and its
//! validation. Every error names the field by its path in the file
//! (`buffering.size_mib`, `destination.retry_duration_seconds`, …), so the CLI
//! can point at the line and the app at the form field.
//!
//! Ranges and defaults come from the Firehose developer guide
//! (limits, data delivery, data transformation, record format conversion):
//! buffer size 1–128 MiB (OpenSearch 1–100), default 5, 128 when format
//! conversion is on and never below 64 then; buffer interval 60–900 s,
//! default 300; Splunk buffers a fixed 5 MiB / 60 s; the Lambda processor
//! buffers 0.2–3 MB (default 1 MB, Splunk 256 KB) and retries a failed
//! invocation 3 times by default; retry durations are 0–7,200 s.

use super::compress::Compression;
use super::convert::Schema;
use super::transform::BuiltinTransform;
use super::{Conflict, FirehoseError};
use serde::{Deserialize, Serialize};

pub const MIB: u64 = 1_048_576;
/// Buffer size hint for S3, Redshift (its S3 staging) and HTTP endpoints, in MiB.
pub const SIZE_MIB_RANGE: (u32, u32) = (1, 128);
/// OpenSearch's buffer size hint, in MiB.
pub const OPENSEARCH_SIZE_MIB_RANGE: (u32, u32) = (1, 100);
pub const DEFAULT_SIZE_MIB: u32 = 5;
/// With record format conversion on, the size hint is at least 64 MiB and 128 by default.
pub const CONVERSION_MIN_SIZE_MIB: u32 = 64;
pub const CONVERSION_DEFAULT_SIZE_MIB: u32 = 128;
pub const INTERVAL_RANGE: (u32, u32) = (60, 900);
pub const DEFAULT_INTERVAL_SECONDS: u32 = 300;
/// Splunk's buffering is not configurable.
pub const SPLUNK_SIZE_MIB: u32 = 5;
pub const SPLUNK_INTERVAL_SECONDS: u32 = 60;
/// Lambda processor buffer, in MB (the API's `BufferSizeInMBs`).
pub const PROCESSOR_SIZE_MB_RANGE: (f64, f64) = (0.2, 3.0);
pub const PROCESSOR_DEFAULT_SIZE_MB: f64 = 1.0;
pub const PROCESSOR_SPLUNK_DEFAULT_SIZE_MB: f64 = 0.25;
/// The processor's `BufferIntervalInSeconds`.
pub const PROCESSOR_INTERVAL_RANGE: (u32, u32) = (60, 900);
pub const PROCESSOR_DEFAULT_INTERVAL_SECONDS: u32 = 60;
/// The processor's `NumberOfRetries`.
pub const RETRIES_MAX: u32 = 300;
pub const DEFAULT_RETRIES: u32 = 3;
pub const RETRY_DURATION_MAX_SECONDS: u32 = 7_200;
/// Default retry durations (the console's defaults).
pub const DEFAULT_RETRY_DURATION_SECONDS: u32 = 300;
pub const SPLUNK_DEFAULT_RETRY_DURATION_SECONDS: u32 = 3_600;
/// Splunk's HEC acknowledgement timeout, in seconds.
pub const HEC_ACK_TIMEOUT_RANGE: (u32, u32) = (180, 600);
pub const DEFAULT_HEC_ACK_TIMEOUT_SECONDS: u32 = 180;
/// The simulated HTTP endpoint's response timeout, in seconds (the lab's range).
pub const HTTP_TIMEOUT_RANGE: (u32, u32) = (1, 600);
pub const DEFAULT_HTTP_TIMEOUT_SECONDS: u32 = 180;
/// The simulated endpoint's latency, at most 15 minutes.
pub const MAX_LATENCY_MS: u64 = 900_000;
/// Longest prefix the API accepts.
pub const MAX_PREFIX_CHARS: usize = 1_024;

/// Where the records come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceConfig {
    /// Producers call PutRecord / PutRecordBatch.
    #[default]
    DirectPut,
    /// Firehose reads a Kinesis data stream of the lab's engine.
    KinesisStream {
        stream: String,
        /// `trim_horizon` (default) or `latest`.
        #[serde(default)]
        start: StreamStart,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StreamStart {
    #[default]
    TrimHorizon,
    Latest,
}

/// The destination's buffering hints. `None` means the default for the
/// destination (and for format conversion).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BufferingHints {
    pub size_mib: Option<u32>,
    pub interval_seconds: Option<u32>,
}

/// The Lambda processor's settings (used when a transform is set).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessingConfig {
    /// `BufferSizeInMBs`, 0.2–3 (None: 1, or 0.25 for Splunk).
    pub buffer_size_mb: Option<f64>,
    /// `BufferIntervalInSeconds`, 60–900.
    pub buffer_interval_seconds: u32,
    /// `NumberOfRetries` of a failed invocation, 0–300.
    pub retries: u32,
    /// A built-in transform to install when the stream is created or updated
    /// (the app can also set its own, e.g. the JavaScript worker).
    pub transform: Option<BuiltinTransform>,
}

impl Default for ProcessingConfig {
    fn default() -> Self {
        ProcessingConfig {
            buffer_size_mb: None,
            buffer_interval_seconds: PROCESSOR_DEFAULT_INTERVAL_SECONDS,
            retries: DEFAULT_RETRIES,
            transform: None,
        }
    }
}

/// JSON → Parquet record format conversion (the schema plays the Glue table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatConversion {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Only `json` is accepted (the deserializers read JSON).
    #[serde(default = "json")]
    pub input_format: String,
    /// Only `parquet` is offered (no maintained pure-Rust ORC writer).
    #[serde(default = "parquet")]
    pub output_format: String,
    pub schema: Schema,
}

fn yes() -> bool {
    true
}
fn json() -> String {
    "json".into()
}
fn parquet() -> String {
    "parquet".into()
}

/// Which source records are also written to the S3 backup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum S3BackupMode {
    Disabled,
    AllData,
    FailedDataOnly,
}

/// OpenSearch index rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum IndexRotation {
    #[default]
    NoRotation,
    OneHour,
    OneDay,
    OneWeek,
    OneMonth,
}

/// The simulated far side of a destination: whether it fails and how long it
/// takes to answer. The lab can change these while running (they are not a
/// configuration change of the delivery stream).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Simulated {
    pub fail: bool,
    pub latency_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Destination {
    S3 {
        #[serde(default = "bucket")]
        bucket: String,
    },
    Redshift {
        #[serde(default = "bucket")]
        bucket: String,
        table: String,
        /// The table's columns; COPY … FORMAT AS JSON 'auto' fills them by name.
        columns: Vec<String>,
        #[serde(default = "default_retry")]
        retry_duration_seconds: u32,
        #[serde(default)]
        cluster: Simulated,
    },
    OpenSearch {
        #[serde(default = "bucket")]
        bucket: String,
        index: String,
        #[serde(default)]
        rotation: IndexRotation,
        #[serde(default = "default_retry")]
        retry_duration_seconds: u32,
        #[serde(default)]
        cluster: Simulated,
    },
    Splunk {
        #[serde(default = "bucket")]
        bucket: String,
        #[serde(default = "splunk_url")]
        endpoint: String,
        #[serde(default = "hec_timeout")]
        hec_ack_timeout_seconds: u32,
        #[serde(default = "splunk_retry")]
        retry_duration_seconds: u32,
        #[serde(default)]
        simulated: Simulated,
    },
    HttpEndpoint {
        #[serde(default = "bucket")]
        bucket: String,
        url: String,
        #[serde(default = "http_timeout")]
        response_timeout_seconds: u32,
        #[serde(default = "default_retry")]
        retry_duration_seconds: u32,
        #[serde(default)]
        simulated: Simulated,
    },
}

fn bucket() -> String {
    "lab-bucket".into()
}
fn default_retry() -> u32 {
    DEFAULT_RETRY_DURATION_SECONDS
}
fn splunk_retry() -> u32 {
    SPLUNK_DEFAULT_RETRY_DURATION_SECONDS
}
fn hec_timeout() -> u32 {
    DEFAULT_HEC_ACK_TIMEOUT_SECONDS
}
fn http_timeout() -> u32 {
    DEFAULT_HTTP_TIMEOUT_SECONDS
}
fn splunk_url() -> String {
    "https://splunk.example.com:8088".into()
}

impl Default for Destination {
    fn default() -> Self {
        Destination::S3 { bucket: bucket() }
    }
}

impl Destination {
    pub fn kind(&self) -> DestinationKind {
        match self {
            Destination::S3 { .. } => DestinationKind::S3,
            Destination::Redshift { .. } => DestinationKind::Redshift,
            Destination::OpenSearch { .. } => DestinationKind::OpenSearch,
            Destination::Splunk { .. } => DestinationKind::Splunk,
            Destination::HttpEndpoint { .. } => DestinationKind::HttpEndpoint,
        }
    }

    pub fn bucket(&self) -> &str {
        match self {
            Destination::S3 { bucket }
            | Destination::Redshift { bucket, .. }
            | Destination::OpenSearch { bucket, .. }
            | Destination::Splunk { bucket, .. }
            | Destination::HttpEndpoint { bucket, .. } => bucket,
        }
    }

    /// Seconds Firehose keeps retrying a failed delivery (0 for S3, which the
    /// lab does not fail).
    pub fn retry_duration_seconds(&self) -> u32 {
        match self {
            Destination::S3 { .. } => 0,
            Destination::Redshift {
                retry_duration_seconds,
                ..
            }
            | Destination::OpenSearch {
                retry_duration_seconds,
                ..
            }
            | Destination::Splunk {
                retry_duration_seconds,
                ..
            }
            | Destination::HttpEndpoint {
                retry_duration_seconds,
                ..
            } => *retry_duration_seconds,
        }
    }

    /// The simulated cluster or endpoint, if the destination has one.
    pub fn simulated(&self) -> Option<Simulated> {
        match self {
            Destination::S3 { .. } => None,
            Destination::Redshift { cluster, .. } | Destination::OpenSearch { cluster, .. } => {
                Some(*cluster)
            }
            Destination::Splunk { simulated, .. } | Destination::HttpEndpoint { simulated, .. } => {
                Some(*simulated)
            }
        }
    }

    pub(crate) fn simulated_mut(&mut self) -> Option<&mut Simulated> {
        match self {
            Destination::S3 { .. } => None,
            Destination::Redshift { cluster, .. } | Destination::OpenSearch { cluster, .. } => {
                Some(cluster)
            }
            Destination::Splunk { simulated, .. } | Destination::HttpEndpoint { simulated, .. } => {
                Some(simulated)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationKind {
    S3,
    Redshift,
    OpenSearch,
    Splunk,
    HttpEndpoint,
}

impl DestinationKind {
    pub fn label(self) -> &'static str {
        match self {
            DestinationKind::S3 => "Amazon S3",
            DestinationKind::Redshift => "Amazon Redshift",
            DestinationKind::OpenSearch => "Amazon OpenSearch Service",
            DestinationKind::Splunk => "Splunk",
            DestinationKind::HttpEndpoint => "HTTP endpoint",
        }
    }
}

/// A delivery stream's whole configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryConfig {
    pub source: SourceConfig,
    pub buffering: BufferingHints,
    /// Lambda processor settings; used when a transform is set.
    pub processing: ProcessingConfig,
    pub format_conversion: Option<FormatConversion>,
    /// Compression of delivered S3 objects (UNCOMPRESSED with format conversion).
    pub compression: Compression,
    pub destination: Destination,
    /// None: Disabled for S3 and Redshift, FailedDataOnly for the others.
    pub s3_backup: Option<S3BackupMode>,
    /// Custom S3 prefix (None: `YYYY/MM/dd/HH/`). May hold `!{timestamp:…}`
    /// and `!{firehose:random-string}` expressions.
    pub prefix: Option<String>,
    /// Prefix of error output; may hold `!{firehose:error-output-type}`.
    pub error_output_prefix: Option<String>,
    /// Prefix of the source-record backup objects.
    pub backup_prefix: Option<String>,
}

/// The validated numbers the engine runs with.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    pub size_bytes: u64,
    pub interval_ms: u64,
    pub processor_size_bytes: u64,
    pub processor_interval_ms: u64,
    pub retries: u32,
    pub backup: S3BackupMode,
    pub conversion: bool,
}

fn out_of_range(field: &str, min: impl ToString, max: impl ToString, unit: &str) -> FirehoseError {
    FirehoseError::out_of_range(field, min.to_string(), max.to_string(), unit)
}

impl DeliveryConfig {
    /// An S3 delivery stream with every default.
    pub fn s3() -> DeliveryConfig {
        DeliveryConfig::default()
    }

    pub fn from_toml(text: &str) -> Result<DeliveryConfig, FirehoseError> {
        let cfg: DeliveryConfig = toml_de(text)?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn from_json(text: &str) -> Result<DeliveryConfig, FirehoseError> {
        let cfg: DeliveryConfig = serde_json::from_str(text).map_err(|e| {
            FirehoseError::malformed(
                "config",
                format!("not a delivery stream configuration: {e}"),
            )
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn conversion_on(&self) -> bool {
        self.format_conversion.as_ref().is_some_and(|f| f.enabled)
    }

    /// Checks every field; the first problem found is returned, naming its field.
    pub fn validate(&self) -> Result<Effective, FirehoseError> {
        let kind = self.destination.kind();
        let conversion = self.conversion_on();
        if let SourceConfig::KinesisStream { stream, .. } = &self.source {
            if stream.trim().is_empty() {
                return Err(FirehoseError::required("source.stream"));
            }
        }
        // Buffering hints.
        let (size_mib, interval_s) = if kind == DestinationKind::Splunk {
            if let Some(s) = self.buffering.size_mib {
                if s != SPLUNK_SIZE_MIB {
                    return Err(FirehoseError::not_allowed(
                        "buffering.size_mib",
                        Conflict::SplunkFixedSize,
                    ));
                }
            }
            if let Some(i) = self.buffering.interval_seconds {
                if i != SPLUNK_INTERVAL_SECONDS {
                    return Err(FirehoseError::not_allowed(
                        "buffering.interval_seconds",
                        Conflict::SplunkFixedInterval,
                    ));
                }
            }
            (SPLUNK_SIZE_MIB, SPLUNK_INTERVAL_SECONDS)
        } else {
            let range = if kind == DestinationKind::OpenSearch {
                OPENSEARCH_SIZE_MIB_RANGE
            } else {
                SIZE_MIB_RANGE
            };
            let default = if conversion {
                CONVERSION_DEFAULT_SIZE_MIB
            } else {
                DEFAULT_SIZE_MIB
            };
            let size = self.buffering.size_mib.unwrap_or(default);
            if !(range.0..=range.1).contains(&size) {
                return Err(out_of_range("buffering.size_mib", range.0, range.1, "MiB"));
            }
            let interval = self
                .buffering
                .interval_seconds
                .unwrap_or(DEFAULT_INTERVAL_SECONDS);
            if !(INTERVAL_RANGE.0..=INTERVAL_RANGE.1).contains(&interval) {
                return Err(out_of_range(
                    "buffering.interval_seconds",
                    INTERVAL_RANGE.0,
                    INTERVAL_RANGE.1,
                    "s",
                ));
            }
            (size, interval)
        };
        // Processor.
        let p = &self.processing;
        let default_mb = if kind == DestinationKind::Splunk {
            PROCESSOR_SPLUNK_DEFAULT_SIZE_MB
        } else {
            PROCESSOR_DEFAULT_SIZE_MB
        };
        let mb = p.buffer_size_mb.unwrap_or(default_mb);
        if !mb.is_finite() || !(PROCESSOR_SIZE_MB_RANGE.0..=PROCESSOR_SIZE_MB_RANGE.1).contains(&mb)
        {
            return Err(out_of_range("processing.buffer_size_mb", "0.2", "3", "MB"));
        }
        if !(PROCESSOR_INTERVAL_RANGE.0..=PROCESSOR_INTERVAL_RANGE.1)
            .contains(&p.buffer_interval_seconds)
        {
            return Err(out_of_range(
                "processing.buffer_interval_seconds",
                PROCESSOR_INTERVAL_RANGE.0,
                PROCESSOR_INTERVAL_RANGE.1,
                "s",
            ));
        }
        if p.retries > RETRIES_MAX {
            return Err(out_of_range("processing.retries", 0, RETRIES_MAX, ""));
        }
        if let Some(t) = &p.transform {
            t.validate().map_err(|e| {
                let path = e
                    .field
                    .split_once('.')
                    .map_or(e.field.as_str(), |(_, rest)| rest);
                let field = format!("processing.transform.{path}");
                FirehoseError::malformed(&field, e.to_string())
            })?;
        }
        // Format conversion.
        if let Some(fc) = self.format_conversion.as_ref().filter(|f| f.enabled) {
            if !fc.input_format.eq_ignore_ascii_case("json") {
                return Err(FirehoseError::not_allowed(
                    "format_conversion.input_format",
                    Conflict::ConversionReadsJson,
                ));
            }
            if !fc.output_format.eq_ignore_ascii_case("parquet") {
                return Err(FirehoseError::not_allowed(
                    "format_conversion.output_format",
                    if fc.output_format.eq_ignore_ascii_case("orc") {
                        Conflict::OrcNotOffered
                    } else {
                        Conflict::OutputFormatParquet
                    },
                ));
            }
            if kind != DestinationKind::S3 {
                return Err(FirehoseError::not_allowed(
                    "destination.type",
                    Conflict::ConversionS3Only,
                ));
            }
            if size_mib < CONVERSION_MIN_SIZE_MIB {
                return Err(out_of_range(
                    "buffering.size_mib",
                    CONVERSION_MIN_SIZE_MIB,
                    SIZE_MIB_RANGE.1,
                    "MiB (record format conversion needs at least 64)",
                ));
            }
            if self.compression != Compression::Uncompressed {
                return Err(FirehoseError::not_allowed(
                    "compression",
                    Conflict::ConversionUncompressed,
                ));
            }
            if fc.schema.columns.is_empty() {
                return Err(FirehoseError::required("format_conversion.schema"));
            }
            fc.schema
                .check()
                .map_err(|e| FirehoseError::malformed("format_conversion.schema", e.to_string()))?;
        }
        if kind == DestinationKind::Redshift
            && !matches!(
                self.compression,
                Compression::Uncompressed | Compression::Gzip
            )
        {
            return Err(FirehoseError::not_allowed(
                "compression",
                Conflict::RedshiftCompression,
            ));
        }
        // Destination fields.
        let bucket = self.destination.bucket();
        if bucket.trim().is_empty() {
            return Err(FirehoseError::required("destination.bucket"));
        }
        if !(3..=63).contains(&bucket.len())
            || !bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        {
            return Err(FirehoseError::malformed(
                "destination.bucket",
                "a bucket name has 3–63 lowercase letters, digits, dots or hyphens",
            ));
        }
        let retry = self.destination.retry_duration_seconds();
        if retry > RETRY_DURATION_MAX_SECONDS {
            return Err(out_of_range(
                "destination.retry_duration_seconds",
                0,
                RETRY_DURATION_MAX_SECONDS,
                "s",
            ));
        }
        if let Some(sim) = self.destination.simulated() {
            if sim.latency_ms > MAX_LATENCY_MS {
                let name = match kind {
                    DestinationKind::Redshift | DestinationKind::OpenSearch => {
                        "destination.cluster.latency_ms"
                    }
                    _ => "destination.simulated.latency_ms",
                };
                return Err(out_of_range(name, 0, MAX_LATENCY_MS, "ms"));
            }
        }
        match &self.destination {
            Destination::Redshift { table, columns, .. } => {
                if table.trim().is_empty() {
                    return Err(FirehoseError::required("destination.table"));
                }
                if columns.is_empty() || columns.iter().any(|c| c.trim().is_empty()) {
                    return Err(FirehoseError::required("destination.columns"));
                }
            }
            Destination::OpenSearch { index, .. } => {
                if index.trim().is_empty() {
                    return Err(FirehoseError::required("destination.index"));
                }
                if index
                    .chars()
                    .any(|c| c.is_ascii_uppercase() || " ,\"*\\<|>/?".contains(c))
                {
                    return Err(FirehoseError::malformed(
                        "destination.index",
                        "an index name is lowercase, without spaces or any of , \" * \\ < | > / ?",
                    ));
                }
            }
            Destination::Splunk {
                hec_ack_timeout_seconds,
                endpoint,
                ..
            } => {
                if endpoint.trim().is_empty() {
                    return Err(FirehoseError::required("destination.endpoint"));
                }
                if !(HEC_ACK_TIMEOUT_RANGE.0..=HEC_ACK_TIMEOUT_RANGE.1)
                    .contains(hec_ack_timeout_seconds)
                {
                    return Err(out_of_range(
                        "destination.hec_ack_timeout_seconds",
                        HEC_ACK_TIMEOUT_RANGE.0,
                        HEC_ACK_TIMEOUT_RANGE.1,
                        "s",
                    ));
                }
            }
            Destination::HttpEndpoint {
                url,
                response_timeout_seconds,
                ..
            } => {
                if !url.starts_with("https://") || url.len() <= "https://".len() {
                    return Err(FirehoseError::malformed(
                        "destination.url",
                        "the endpoint URL must be an HTTPS URL",
                    ));
                }
                if !(HTTP_TIMEOUT_RANGE.0..=HTTP_TIMEOUT_RANGE.1).contains(response_timeout_seconds)
                {
                    return Err(out_of_range(
                        "destination.response_timeout_seconds",
                        HTTP_TIMEOUT_RANGE.0,
                        HTTP_TIMEOUT_RANGE.1,
                        "s",
                    ));
                }
            }
            Destination::S3 { .. } => {}
        }
        // Backup mode.
        let backup = match (self.s3_backup, kind) {
            (None, DestinationKind::S3 | DestinationKind::Redshift) => S3BackupMode::Disabled,
            (None, _) => S3BackupMode::FailedDataOnly,
            (
                Some(S3BackupMode::FailedDataOnly),
                DestinationKind::S3 | DestinationKind::Redshift,
            ) => {
                return Err(FirehoseError::not_allowed(
                    "s3_backup",
                    Conflict::BackupDisabledOrAll,
                ))
            }
            (Some(S3BackupMode::Disabled), DestinationKind::S3 | DestinationKind::Redshift) => {
                S3BackupMode::Disabled
            }
            (Some(S3BackupMode::Disabled), _) => {
                return Err(FirehoseError::not_allowed(
                    "s3_backup",
                    Conflict::BackupFailedOrAll,
                ))
            }
            (Some(m), _) => m,
        };
        for (field, value) in [
            ("prefix", &self.prefix),
            ("error_output_prefix", &self.error_output_prefix),
            ("backup_prefix", &self.backup_prefix),
        ] {
            if let Some(v) = value {
                if v.chars().count() > MAX_PREFIX_CHARS {
                    return Err(FirehoseError::too_long(
                        field,
                        v.chars().count(),
                        MAX_PREFIX_CHARS,
                    ));
                }
                super::keys::check_prefix(v).map_err(|m| FirehoseError::malformed(field, m))?;
            }
        }
        Ok(Effective {
            size_bytes: size_mib as u64 * MIB,
            interval_ms: interval_s as u64 * 1000,
            processor_size_bytes: (mb * MIB as f64).round() as u64,
            processor_interval_ms: p.buffer_interval_seconds as u64 * 1000,
            retries: p.retries,
            backup,
            conversion,
        })
    }
}

/// TOML parsing when the `files` feature (the `toml` crate) is on; otherwise
/// an error saying JSON is needed.
#[cfg(feature = "files")]
fn toml_de(text: &str) -> Result<DeliveryConfig, FirehoseError> {
    toml::from_str(text).map_err(|e| {
        // toml's message names the unknown or missing field and shows the line.
        FirehoseError::malformed("config", e.to_string().trim_end().to_string())
    })
}

#[cfg(not(feature = "files"))]
fn toml_de(_text: &str) -> Result<DeliveryConfig, FirehoseError> {
    Err(FirehoseError::malformed(
        "config",
        "TOML needs the `files` feature of kinesis-lab-core; use JSON",
    ))
}
