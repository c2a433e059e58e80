//! The simulated destinations: an S3 bucket (also the staging area, error
//! output and backup of the others), a Redshift table loaded by COPY, an
//! OpenSearch index with a term search, and an HTTP / Splunk endpoint with
//! the timeline of every attempt.

use super::buffer::FlushReason;
use super::compress::Compression;
use super::convert::{Row, Schema};
use serde::Serialize;
use std::collections::BTreeMap;

/// What an object in the bucket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// Delivered records (S3), or a staging object (Redshift).
    Delivery,
    /// `processing-failed/`: records the transform failed.
    ProcessingFailed,
    /// `format-conversion-failed/`: records that did not match the schema.
    FormatConversionFailed,
    /// `http-endpoint-failed/`: a batch the HTTP endpoint never took.
    HttpEndpointFailed,
    /// `splunk-failed/`.
    SplunkFailed,
    /// `AmazonOpenSearchService_failed/`: documents OpenSearch did not index.
    OpenSearchFailed,
    /// `errors/`: a manifest of staged objects Redshift's COPY skipped.
    RedshiftManifest,
    /// A copy of source records (S3 backup).
    SourceBackup,
}

impl ObjectKind {
    /// The folder Firehose writes this error output under (None for the others).
    pub fn error_type(self) -> Option<&'static str> {
        match self {
            ObjectKind::ProcessingFailed => Some("processing-failed"),
            ObjectKind::FormatConversionFailed => Some("format-conversion-failed"),
            ObjectKind::HttpEndpointFailed => Some("http-endpoint-failed"),
            ObjectKind::SplunkFailed => Some("splunk-failed"),
            ObjectKind::OpenSearchFailed => Some("AmazonOpenSearchService_failed"),
            ObjectKind::RedshiftManifest => Some("errors"),
            ObjectKind::Delivery | ObjectKind::SourceBackup => None,
        }
    }

    pub fn is_error_output(self) -> bool {
        self.error_type().is_some()
    }
}

/// An object's content: bytes, or rows that are encoded to Parquet on demand
/// (so the browser can load the encoder lazily).
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectBody {
    Bytes(Vec<u8>),
    Parquet { schema: Schema, rows: Vec<Row> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct S3Object {
    pub key: String,
    pub kind: ObjectKind,
    pub body: ObjectBody,
    /// Compression of the bytes (Parquet objects: Snappy pages inside, shown
    /// as UNCOMPRESSED here since the object itself is not wrapped).
    pub compression: Compression,
    /// Records in the object (documents for error output, staged objects for a manifest).
    pub records: usize,
    /// The lab's ids of the source records the object holds.
    pub record_ids: Vec<u64>,
    /// Bytes of the records before compression / conversion.
    pub raw_bytes: u64,
    pub reason: Option<FlushReason>,
    pub created_ms: u64,
}

impl S3Object {
    /// Stored size in bytes, when known (Parquet objects: after encoding).
    pub fn size(&self) -> Option<u64> {
        match &self.body {
            ObjectBody::Bytes(b) => Some(b.len() as u64),
            ObjectBody::Parquet { .. } => None,
        }
    }

    pub fn is_parquet(&self) -> bool {
        matches!(self.body, ObjectBody::Parquet { .. })
    }
}

/// The bucket: objects in the order they were written.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct S3Bucket {
    pub name: String,
    objects: Vec<S3Object>,
    by_key: BTreeMap<String, usize>,
}

impl S3Bucket {
    pub fn new(name: &str) -> S3Bucket {
        S3Bucket {
            name: name.to_owned(),
            ..S3Bucket::default()
        }
    }

    pub fn objects(&self) -> &[S3Object] {
        &self.objects
    }

    pub fn get(&self, key: &str) -> Option<&S3Object> {
        self.by_key.get(key).map(|&i| &self.objects[i])
    }

    /// Keys under `prefix`, sorted (as ListObjectsV2 returns them).
    pub fn list(&self, prefix: &str) -> Vec<&str> {
        self.by_key
            .range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Puts an object; an existing key is replaced (as S3 does).
    pub(crate) fn put(&mut self, o: S3Object) {
        if let Some(&i) = self.by_key.get(&o.key) {
            self.objects[i] = o;
        } else {
            self.by_key.insert(o.key.clone(), self.objects.len());
            self.objects.push(o);
        }
    }
}

/// One COPY command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CopyAttempt {
    pub at_ms: u64,
    /// The staged object it loads.
    pub key: String,
    pub attempt: u32,
    /// Rows loaded, or the error.
    pub result: Result<usize, String>,
}

/// The Redshift table COPY loads into. Each row has one value per column,
/// `None` for NULL.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct RedshiftTable {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    pub copies: Vec<CopyAttempt>,
}

impl RedshiftTable {
    /// Rows of page `page` (0-based) with `per_page` rows a page.
    pub fn page(&self, page: usize, per_page: usize) -> &[Vec<Option<String>>] {
        let per = per_page.max(1);
        let start = page.saturating_mul(per).min(self.rows.len());
        let end = start.saturating_add(per).min(self.rows.len());
        &self.rows[start..end]
    }

    pub fn pages(&self, per_page: usize) -> usize {
        self.rows.len().div_ceil(per_page.max(1))
    }
}

/// Rows for a COPY … FORMAT AS JSON 'auto' of `text` (one JSON object per
/// line, or objects back to back): each key fills the column of the same
/// name (case-insensitive), other keys are ignored, missing columns are NULL.
/// A value that is not a JSON object fails the whole COPY (MAXERROR 0).
pub fn copy_rows(columns: &[String], text: &[u8]) -> Result<Vec<Vec<Option<String>>>, String> {
    let text = std::str::from_utf8(text)
        .map_err(|_| "Invalid JSON: the object is not UTF-8".to_string())?;
    let mut rows = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for (i, v) in stream.enumerate() {
        let v = v.map_err(|e| format!("Invalid JSON at record {}: {e}", i + 1))?;
        let serde_json::Value::Object(map) = v else {
            return Err(format!(
                "Invalid JSONPath format: record {} is not a JSON object",
                i + 1
            ));
        };
        let lower: BTreeMap<String, &serde_json::Value> =
            map.iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
        rows.push(
            columns
                .iter()
                .map(|c| match lower.get(&c.to_lowercase()) {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                })
                .collect(),
        );
    }
    Ok(rows)
}

/// An indexed document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: String,
    pub index: String,
    pub source: String,
    pub record_id: u64,
    pub indexed_ms: u64,
}

/// One bulk request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BulkAttempt {
    pub at_ms: u64,
    pub attempt: u32,
    pub documents: usize,
    /// Documents indexed, or the request's error.
    pub result: Result<usize, String>,
}

/// The OpenSearch domain: indices of documents.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct OpenSearchIndex {
    pub indices: BTreeMap<String, Vec<Document>>,
    pub requests: Vec<BulkAttempt>,
}

impl OpenSearchIndex {
    pub fn doc_count(&self) -> usize {
        self.indices.values().map(Vec::len).sum()
    }

    /// Documents whose text holds `term` as a whole word (case-insensitive),
    /// in index then arrival order. An empty term matches every document.
    pub fn search(&self, term: &str) -> Vec<&Document> {
        let term = term.trim().to_lowercase();
        self.indices
            .values()
            .flatten()
            .filter(|d| {
                term.is_empty()
                    || d.source
                        .to_lowercase()
                        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-' && c != '.')
                        .any(|w| w == term)
            })
            .collect()
    }
}

/// The index a document goes to under a rotation (UTC arrival time).
pub fn rotated_index(
    index: &str,
    rotation: super::config::IndexRotation,
    arrival_ms: u64,
) -> String {
    use super::config::IndexRotation::*;
    let t = super::keys::Utc::from_ms(arrival_ms);
    match rotation {
        NoRotation => index.to_owned(),
        OneHour => format!(
            "{index}-{:04}-{:02}-{:02}-{:02}",
            t.year, t.month, t.day, t.hour
        ),
        OneDay => format!("{index}-{:04}-{:02}-{:02}", t.year, t.month, t.day),
        OneMonth => format!("{index}-{:04}-{:02}", t.year, t.month),
        OneWeek => {
            // The docs' table gives `myindex-2016-w08` for 2016-02-25, which is
            // the ISO week number (their note's Sunday-based rule would give
            // w09); the lab follows the table.
            let days = (arrival_ms / 86_400_000) as i64;
            let iso_weekday = (days + 3).rem_euclid(7) + 1; // 1 = Monday (1970-01-01 was a Thursday)
            let week = (t.ordinal() as i64 - iso_weekday + 10) / 7;
            let week = week.clamp(1, 53);
            format!("{index}-{:04}-w{:02}", t.year, week)
        }
    }
}

/// How an attempt to an endpoint ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// Waiting for the answer.
    InFlight,
    /// Acknowledged at `at_ms`.
    Acknowledged { at_ms: u64 },
    /// The endpoint answered with an error at `at_ms`.
    Error { at_ms: u64, code: String },
    /// No answer within the timeout; Firehose gave up waiting at `at_ms`.
    TimedOut { at_ms: u64 },
}

/// One request to the endpoint, for the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointAttempt {
    /// The delivery (batch) it belongs to.
    pub batch: u64,
    pub attempt: u32,
    pub sent_ms: u64,
    pub records: usize,
    pub bytes: u64,
    pub outcome: AttemptOutcome,
    /// When the endpoint actually took the data (also after a timeout: the
    /// reason Firehose can deliver a record twice).
    pub received_ms: Option<u64>,
}

/// A request body the endpoint received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Received {
    pub batch: u64,
    pub attempt: u32,
    pub at_ms: u64,
    pub record_ids: Vec<u64>,
    pub body: Vec<u8>,
}

/// The simulated HTTP / Splunk endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Endpoint {
    pub url: String,
    pub timeline: Vec<EndpointAttempt>,
    pub received: Vec<Received>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firehose::config::IndexRotation;

    #[test]
    fn rotation_names_match_the_docs() {
        let t = 1_456_405_200_000; // 2016-02-25T13:00:00Z
        assert_eq!(
            rotated_index("myindex", IndexRotation::NoRotation, t),
            "myindex"
        );
        assert_eq!(
            rotated_index("myindex", IndexRotation::OneHour, t),
            "myindex-2016-02-25-13"
        );
        assert_eq!(
            rotated_index("myindex", IndexRotation::OneDay, t),
            "myindex-2016-02-25"
        );
        assert_eq!(
            rotated_index("myindex", IndexRotation::OneWeek, t),
            "myindex-2016-w08"
        );
        assert_eq!(
            rotated_index("myindex", IndexRotation::OneMonth, t),
            "myindex-2016-02"
        );
    }

    #[test]
    fn copy_fills_columns_by_name() {
        let cols = vec!["id".to_string(), "Name".to_string(), "n".to_string()];
        let rows = copy_rows(
            &cols,
            b"{\"ID\":1,\"name\":\"a\"}\n{\"id\":2,\"n\":null,\"x\":5}",
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("1".into()), Some("a".into()), None],
                vec![Some("2".into()), None, None]
            ]
        );
        assert!(copy_rows(&cols, b"[1]").is_err());
        assert!(copy_rows(&cols, b"{oops").is_err());
    }

    #[test]
    fn term_search_matches_words() {
        let mut os = OpenSearchIndex::default();
        os.indices.entry("i".into()).or_default().push(Document {
            id: "1".into(),
            index: "i".into(),
            source: "{\"level\":\"ERROR\",\"msg\":\"disk full\"}".into(),
            record_id: 0,
            indexed_ms: 0,
        });
        assert_eq!(os.search("error").len(), 1);
        assert_eq!(os.search("disk").len(), 1);
        assert_eq!(os.search("err").len(), 0);
        assert_eq!(os.search("").len(), 1);
    }
}
