//! The KPL aggregated-record format: many user records in one Kinesis
//! record.
//!
//! ```text
//! 0       4                     N        N+16
//! +-------+=====================+--------+
//! | MAGIC | protobuf message    |  MD5   |
//! +-------+=====================+--------+
//! ```
//!
//! - `MAGIC` is the four bytes `F3 89 9A C2`;
//! - the protobuf message (proto2) is an `AggregatedRecord`: a table of
//!   partition keys (field 1), a table of explicit hash keys (field 2) and
//!   the records (field 3), each record naming its keys by index into those
//!   tables (fields 1 and 2), carrying its data (field 3) and optional tags
//!   (field 4: a required key and an optional value);
//! - the MD5 digest of the protobuf bytes closes it.
//!
//! The messages are declared here by hand with prost's derive macros. The
//! proto2 `required` fields are declared as optional so that decoding can
//! tell a missing field from a zero; encoding always writes them, which
//! gives the same bytes as `required` would.
//!
//! A Kinesis record that holds several user records gets the partition key
//! `"a"` and, as its explicit hash key, the hash key of its first user
//! record, so it lands on that record's shard (the KPL only aggregates
//! records bound for one shard). One user record alone is sent as it is.

use crate::error::ValidationError;
use crate::hash::{hash_key_of, parse_explicit_hash_key, to_hex, HashKey};
use md5::{Digest, Md5};
use prost::encoding::encoded_len_varint;
use prost::Message;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The first four bytes of every aggregated record.
pub const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];
/// Length of the MD5 digest at the end.
pub const DIGEST_LEN: usize = 16;
/// Bytes an aggregated record has besides its protobuf message.
pub const FIXED_OVERHEAD: usize = MAGIC.len() + DIGEST_LEN;
/// The partition key the KPL gives an aggregated record. The user records
/// inside keep their own keys; the explicit hash key does the routing.
pub const AGGREGATED_PARTITION_KEY: &str = "a";
/// Largest Kinesis record: data plus partition key, 1 MiB.
pub const MAX_KINESIS_RECORD_BYTES: usize = 1_048_576;
/// The KPL's default `AggregationMaxSize` (bytes of aggregated data).
pub const DEFAULT_AGGREGATION_MAX_SIZE: usize = 51_200;
/// The smallest `AggregationMaxSize` the KPL accepts.
pub const MIN_AGGREGATION_MAX_SIZE: usize = 64;

// ---------------------------------------------------------------------------
// The protobuf messages.

#[derive(Clone, PartialEq, Message)]
struct AggregatedRecordMsg {
    #[prost(string, repeated, tag = "1")]
    partition_key_table: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    explicit_hash_key_table: Vec<String>,
    #[prost(message, repeated, tag = "3")]
    records: Vec<RecordMsg>,
}

#[derive(Clone, PartialEq, Message)]
struct RecordMsg {
    /// proto2 `required`.
    #[prost(uint64, optional, tag = "1")]
    partition_key_index: Option<u64>,
    #[prost(uint64, optional, tag = "2")]
    explicit_hash_key_index: Option<u64>,
    /// proto2 `required`.
    #[prost(bytes = "vec", optional, tag = "3")]
    data: Option<Vec<u8>>,
    #[prost(message, repeated, tag = "4")]
    tags: Vec<TagMsg>,
}

#[derive(Clone, PartialEq, Message)]
struct TagMsg {
    /// proto2 `required`.
    #[prost(string, optional, tag = "1")]
    key: Option<String>,
    #[prost(string, optional, tag = "2")]
    value: Option<String>,
}

// ---------------------------------------------------------------------------
// User records.

/// A tag on a user record (the format has them; the KPL's API never set them).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: Option<String>,
}

/// One record as the application hands it to the KPL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl UserRecord {
    pub fn new(partition_key: impl Into<String>, data: impl Into<Vec<u8>>) -> UserRecord {
        UserRecord {
            partition_key: partition_key.into(),
            explicit_hash_key: None,
            data: data.into(),
            tags: Vec::new(),
        }
    }

    /// The hash key Kinesis routes this record by: its explicit hash key if
    /// it has one, else the MD5 of its partition key. Checks both keys.
    pub fn hash_key(&self) -> Result<HashKey, ValidationError> {
        let md5 = hash_key_of(&self.partition_key)?;
        match &self.explicit_hash_key {
            Some(h) => parse_explicit_hash_key(h),
            None => Ok(md5),
        }
    }

    /// Bytes this record counts for when put on its own (data plus key).
    pub fn size(&self) -> usize {
        self.data.len() + self.partition_key.len()
    }
}

// ---------------------------------------------------------------------------
// Building aggregated records.

/// Why a user record cannot go into an aggregated record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// The record's keys are invalid.
    Invalid(ValidationError),
    /// The record alone is bigger than a Kinesis record may be.
    TooLarge { bytes: usize, max: usize },
    /// The aggregated record is full: the record would take it past the
    /// size limit (start a new one).
    Full,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Invalid(e) => e.fmt(f),
            PackError::TooLarge { bytes, max } => write!(
                f,
                "Data is too large: aggregated on its own it makes a {bytes}-byte Kinesis record (data plus partition key); the limit is {max}"
            ),
            PackError::Full => f.write_str("the aggregated record is full"),
        }
    }
}

/// An aggregated record being filled, one user record at a time, with its
/// exact encoded size known at every step.
#[derive(Clone, Debug, Default)]
pub struct Aggregator {
    msg: AggregatedRecordMsg,
    pk_index: BTreeMap<String, u64>,
    ehk_index: BTreeMap<String, u64>,
    /// Encoded length of `msg`, kept up to date.
    proto_len: usize,
    first_hash_key: Option<HashKey>,
}

/// Bytes a length-delimited field (tag < 16) of `len` bytes takes.
fn delimited_len(len: usize) -> usize {
    1 + encoded_len_varint(len as u64) + len
}

impl Aggregator {
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// User records held.
    pub fn len(&self) -> usize {
        self.msg.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.msg.records.is_empty()
    }

    /// Size of the aggregated record's data now: magic, message and MD5.
    pub fn size(&self) -> usize {
        if self.is_empty() {
            0
        } else {
            FIXED_OVERHEAD + self.proto_len
        }
    }

    /// The hash key of the first user record: the aggregated record's
    /// explicit hash key.
    pub fn hash_key(&self) -> Option<HashKey> {
        self.first_hash_key
    }

    /// What the aggregated record's data would measure with `r` added.
    pub fn size_with(&self, r: &UserRecord) -> usize {
        let mut grow = 0;
        let pk = match self.pk_index.get(&r.partition_key) {
            Some(i) => *i,
            None => {
                grow += delimited_len(r.partition_key.len());
                self.msg.partition_key_table.len() as u64
            }
        };
        let ehk = r
            .explicit_hash_key
            .as_ref()
            .map(|h| match self.ehk_index.get(h) {
                Some(i) => *i,
                None => {
                    grow += delimited_len(h.len());
                    self.msg.explicit_hash_key_table.len() as u64
                }
            });
        grow += delimited_len(record_msg(r, pk, ehk).encoded_len());
        FIXED_OVERHEAD + self.proto_len + grow
    }

    /// Adds `r` if the result stays within `max_size` bytes of data (and a
    /// Kinesis record's 1 MiB with the partition key `"a"`). A record that
    /// does not fit is handed back, unless the aggregator is empty: then
    /// it goes in if it fits a Kinesis record at all.
    #[allow(clippy::result_large_err)]
    pub fn try_add(
        &mut self,
        r: UserRecord,
        max_size: usize,
    ) -> Result<(), (UserRecord, PackError)> {
        let hash = match r.hash_key() {
            Ok(h) => h,
            Err(e) => return Err((r, PackError::Invalid(e))),
        };
        let size = self.size_with(&r);
        let limit = max_size.min(MAX_KINESIS_RECORD_BYTES - AGGREGATED_PARTITION_KEY.len());
        if size > limit {
            if !self.is_empty() {
                return Err((r, PackError::Full));
            }
            // Alone, a record over the aggregation limit still goes as long
            // as it fits a Kinesis record (the KPL lets it bypass).
            if size > MAX_KINESIS_RECORD_BYTES - AGGREGATED_PARTITION_KEY.len() {
                let err = PackError::TooLarge {
                    bytes: size + AGGREGATED_PARTITION_KEY.len(),
                    max: MAX_KINESIS_RECORD_BYTES,
                };
                return Err((r, err));
            }
        }
        self.push(r, hash);
        Ok(())
    }

    fn push(&mut self, r: UserRecord, hash: HashKey) {
        let pk = match self.pk_index.get(&r.partition_key) {
            Some(i) => *i,
            None => {
                let i = self.msg.partition_key_table.len() as u64;
                self.proto_len += delimited_len(r.partition_key.len());
                self.pk_index.insert(r.partition_key.clone(), i);
                self.msg.partition_key_table.push(r.partition_key.clone());
                i
            }
        };
        let ehk = r
            .explicit_hash_key
            .as_ref()
            .map(|h| match self.ehk_index.get(h) {
                Some(i) => *i,
                None => {
                    let i = self.msg.explicit_hash_key_table.len() as u64;
                    self.proto_len += delimited_len(h.len());
                    self.ehk_index.insert(h.clone(), i);
                    self.msg.explicit_hash_key_table.push(h.clone());
                    i
                }
            });
        let rec = record_msg(&r, pk, ehk);
        self.proto_len += delimited_len(rec.encoded_len());
        self.msg.records.push(rec);
        self.first_hash_key.get_or_insert(hash);
    }

    /// The aggregated record's bytes: magic, message, MD5. Empties the
    /// aggregator.
    pub fn finish(&mut self) -> Vec<u8> {
        let msg = std::mem::take(&mut self.msg);
        *self = Aggregator::default();
        let proto = msg.encode_to_vec();
        let mut out = Vec::with_capacity(FIXED_OVERHEAD + proto.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&proto);
        out.extend_from_slice(&Md5::digest(&proto));
        out
    }
}

fn record_msg(r: &UserRecord, pk: u64, ehk: Option<u64>) -> RecordMsg {
    RecordMsg {
        partition_key_index: Some(pk),
        explicit_hash_key_index: ehk,
        data: Some(r.data.clone()),
        tags: r
            .tags
            .iter()
            .map(|t| TagMsg {
                key: Some(t.key.clone()),
                value: t.value.clone(),
            })
            .collect(),
    }
}

/// One aggregated record holding all of `records`, whatever its size (for
/// tests and the format view). Keys are checked.
pub fn aggregate(records: &[UserRecord]) -> Result<Vec<u8>, ValidationError> {
    let mut agg = Aggregator::new();
    for r in records {
        let hash = r.hash_key()?;
        agg.push(r.clone(), hash);
    }
    Ok(agg.finish())
}

/// An aggregated record and the user records it holds, as the CLI prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    pub data: Vec<u8>,
    /// Explicit hash key of the Kinesis record (its first user record's hash key).
    pub explicit_hash_key: HashKey,
    pub user_records: usize,
}

/// Packs user records, in order, into as few aggregated records as the size
/// limit (bytes of aggregated data, at most 1 MiB with the key) and
/// `max_records` allow, as the KPL fills one aggregated record after another.
/// A record too large for any Kinesis record, or with a bad key, is an
/// error naming its index.
pub fn pack(
    records: Vec<UserRecord>,
    max_size: usize,
    max_records: usize,
) -> Result<Vec<Packed>, (usize, PackError)> {
    let mut out = Vec::new();
    let mut agg = Aggregator::new();
    let finish = |agg: &mut Aggregator, out: &mut Vec<Packed>| {
        if !agg.is_empty() {
            let n = agg.len();
            let hk = agg.hash_key().unwrap_or(HashKey(0));
            out.push(Packed {
                data: agg.finish(),
                explicit_hash_key: hk,
                user_records: n,
            });
        }
    };
    for (i, r) in records.into_iter().enumerate() {
        if agg.len() >= max_records.max(1) {
            finish(&mut agg, &mut out);
        }
        match agg.try_add(r, max_size) {
            Ok(()) => {}
            Err((r, PackError::Full)) => {
                finish(&mut agg, &mut out);
                agg.try_add(r, max_size).map_err(|(_, e)| (i, e))?;
            }
            Err((_, e)) => return Err((i, e)),
        }
    }
    finish(&mut agg, &mut out);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Reading aggregated records.

/// What is wrong with bytes that should be an aggregated record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeaggregationError {
    /// Fewer bytes than magic plus MD5.
    TooShort { len: usize },
    /// The first four bytes are not `F3 89 9A C2`.
    BadMagic { found: Vec<u8> },
    /// The last 16 bytes are not the MD5 of the message between.
    Md5Mismatch { stored: String, computed: String },
    /// The message is not a valid `AggregatedRecord`.
    Protobuf { detail: String },
    /// A required field is missing from record `record` (or from its tag `tag`).
    MissingField {
        record: usize,
        tag: Option<usize>,
        field: &'static str,
    },
    /// A record names a key past the end of its table.
    IndexOutOfRange {
        record: usize,
        field: &'static str,
        index: u64,
        table_len: usize,
    },
}

impl fmt::Display for DeaggregationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeaggregationError::TooShort { len } => write!(
                f,
                "too short for an aggregated record: {len} bytes, but magic and MD5 alone take {FIXED_OVERHEAD}"
            ),
            DeaggregationError::BadMagic { found } => write!(
                f,
                "not an aggregated record: it starts with {} instead of the magic bytes F3 89 9A C2",
                hex_spaced(found)
            ),
            DeaggregationError::Md5Mismatch { stored, computed } => write!(
                f,
                "MD5 checksum mismatch: the record ends with {stored}, but the protobuf message hashes to {computed} (the record is corrupt or truncated)"
            ),
            DeaggregationError::Protobuf { detail } => {
                write!(f, "the protobuf message is not a valid AggregatedRecord: {detail}")
            }
            DeaggregationError::MissingField { record, tag: None, field } => {
                write!(f, "records[{record}] lacks its required field {field}")
            }
            DeaggregationError::MissingField { record, tag: Some(t), field } => {
                write!(f, "records[{record}].tags[{t}] lacks its required field {field}")
            }
            DeaggregationError::IndexOutOfRange { record, field, index, table_len } => write!(
                f,
                "records[{record}].{field} is {index}, but the table has only {table_len} entries"
            ),
        }
    }
}

impl std::error::Error for DeaggregationError {}

/// Upper-case hex bytes separated by spaces: `F3 89 9A C2`.
pub fn hex_spaced(bytes: &[u8]) -> String {
    to_hex(bytes)
        .to_uppercase()
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `data` starts with the magic bytes (what a consumer checks before
/// trying to deaggregate).
pub fn is_aggregated(data: &[u8]) -> bool {
    data.starts_with(&MAGIC)
}

/// One record inside an aggregated record, as stored: indexes into the key
/// tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredEntry {
    pub partition_key_index: u64,
    pub explicit_hash_key_index: Option<u64>,
    pub data: Vec<u8>,
    pub tags: Vec<Tag>,
}

/// An aggregated record taken apart, for showing the format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Anatomy {
    pub magic: [u8; 4],
    /// Length of the protobuf message.
    pub message_len: usize,
    pub partition_key_table: Vec<String>,
    pub explicit_hash_key_table: Vec<String>,
    pub records: Vec<StoredEntry>,
    /// The MD5 at the end (it matched the message).
    pub md5: [u8; 16],
}

impl Anatomy {
    /// The user records, with keys looked up in the tables.
    pub fn user_records(&self) -> Vec<UserRecord> {
        self.records
            .iter()
            .map(|e| UserRecord {
                // Indexes were checked when the anatomy was made.
                partition_key: self.partition_key_table[e.partition_key_index as usize].clone(),
                explicit_hash_key: e
                    .explicit_hash_key_index
                    .map(|i| self.explicit_hash_key_table[i as usize].clone()),
                data: e.data.clone(),
                tags: e.tags.clone(),
            })
            .collect()
    }
}

/// Takes an aggregated record apart, checking magic, MD5, the message and
/// every key index. Never panics, whatever the bytes.
pub fn inspect(bytes: &[u8]) -> Result<Anatomy, DeaggregationError> {
    // A prefix of the magic bytes is a truncated record, not a foreign one.
    if !(is_aggregated(bytes) || MAGIC.starts_with(bytes)) {
        return Err(DeaggregationError::BadMagic {
            found: bytes[..bytes.len().min(4)].to_vec(),
        });
    }
    if bytes.len() < FIXED_OVERHEAD {
        return Err(DeaggregationError::TooShort { len: bytes.len() });
    }
    let (proto, stored) = bytes[MAGIC.len()..].split_at(bytes.len() - FIXED_OVERHEAD);
    let computed: [u8; 16] = Md5::digest(proto).into();
    if computed[..] != stored[..] {
        return Err(DeaggregationError::Md5Mismatch {
            stored: to_hex(stored),
            computed: to_hex(&computed),
        });
    }
    let msg = AggregatedRecordMsg::decode(proto).map_err(|e| DeaggregationError::Protobuf {
        detail: e.to_string(),
    })?;
    let mut records = Vec::with_capacity(msg.records.len());
    for (i, r) in msg.records.into_iter().enumerate() {
        let missing = |field| DeaggregationError::MissingField {
            record: i,
            tag: None,
            field,
        };
        let pk = r
            .partition_key_index
            .ok_or_else(|| missing("partition_key_index"))?;
        let data = r.data.ok_or_else(|| missing("data"))?;
        if pk >= msg.partition_key_table.len() as u64 {
            return Err(DeaggregationError::IndexOutOfRange {
                record: i,
                field: "partition_key_index",
                index: pk,
                table_len: msg.partition_key_table.len(),
            });
        }
        if let Some(e) = r.explicit_hash_key_index {
            if e >= msg.explicit_hash_key_table.len() as u64 {
                return Err(DeaggregationError::IndexOutOfRange {
                    record: i,
                    field: "explicit_hash_key_index",
                    index: e,
                    table_len: msg.explicit_hash_key_table.len(),
                });
            }
        }
        let mut tags = Vec::with_capacity(r.tags.len());
        for (t, tag) in r.tags.into_iter().enumerate() {
            tags.push(Tag {
                key: tag.key.ok_or(DeaggregationError::MissingField {
                    record: i,
                    tag: Some(t),
                    field: "key",
                })?,
                value: tag.value,
            });
        }
        records.push(StoredEntry {
            partition_key_index: pk,
            explicit_hash_key_index: r.explicit_hash_key_index,
            data,
            tags,
        });
    }
    let mut md5 = [0u8; 16];
    md5.copy_from_slice(stored);
    Ok(Anatomy {
        magic: MAGIC,
        message_len: proto.len(),
        partition_key_table: msg.partition_key_table,
        explicit_hash_key_table: msg.explicit_hash_key_table,
        records,
        md5,
    })
}

/// The user records in an aggregated record (strict: the bytes must be an
/// aggregated record with a matching MD5).
pub fn deaggregate(bytes: &[u8]) -> Result<Vec<UserRecord>, DeaggregationError> {
    inspect(bytes).map(|a| a.user_records())
}

/// What a consumer makes of a Kinesis record: an aggregated record gives its
/// user records; any other record is one user record with the Kinesis
/// record's own partition key.
pub fn user_records_of(
    partition_key: &str,
    data: &[u8],
) -> Result<Vec<UserRecord>, DeaggregationError> {
    if is_aggregated(data) {
        deaggregate(data)
    } else {
        Ok(vec![UserRecord::new(partition_key, data)])
    }
}
