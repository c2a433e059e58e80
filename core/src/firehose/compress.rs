//! S3 compression of a delivered object: the five `CompressionFormat` values
//! of the Firehose API, each written in its real format so that standard
//! tools open the files (`gzip -d`, `unzip`, a Snappy framed reader, Hadoop's
//! `SnappyCodec`).
//!
//! - `GZIP`: one gzip member (RFC 1952), no file name, modification time 0 so
//!   the same bytes always give the same object.
//! - `Snappy`: the Snappy *framing format* (stream identifier chunk, then
//!   compressed or uncompressed data chunks with masked CRC-32C).
//! - `ZIP`: a zip archive holding one deflated entry named after the object.
//! - `HADOOP_SNAPPY`: the block format of Hadoop's `BlockCompressorStream`:
//!   each block is the big-endian 4-byte length of its uncompressed bytes,
//!   then one or more sub-blocks, each a big-endian 4-byte compressed length
//!   and a raw Snappy block. There is no header and no checksum.
//!
//! [`decompress`] reverses each one for previews, with a size limit so that a
//! hostile file cannot blow up the page.

use std::fmt;
use std::io::{Cursor, Read, Write};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The `CompressionFormat` of an S3 destination (default `UNCOMPRESSED`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Compression {
    #[default]
    #[serde(rename = "UNCOMPRESSED")]
    Uncompressed,
    #[serde(rename = "GZIP")]
    Gzip,
    #[serde(rename = "Snappy")]
    Snappy,
    #[serde(rename = "ZIP")]
    Zip,
    #[serde(rename = "HADOOP_SNAPPY")]
    HadoopSnappy,
}

impl Compression {
    /// Every value, in the order the console lists them.
    pub const ALL: [Compression; 5] = [
        Compression::Uncompressed,
        Compression::Gzip,
        Compression::Snappy,
        Compression::Zip,
        Compression::HadoopSnappy,
    ];

    /// The name the Firehose API uses (`UNCOMPRESSED`, `GZIP`, `Snappy`, `ZIP`, `HADOOP_SNAPPY`).
    pub fn aws_name(self) -> &'static str {
        match self {
            Compression::Uncompressed => "UNCOMPRESSED",
            Compression::Gzip => "GZIP",
            Compression::Snappy => "Snappy",
            Compression::Zip => "ZIP",
            Compression::HadoopSnappy => "HADOOP_SNAPPY",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.aws_name())
    }
}

/// A name that is not one of the five `CompressionFormat` values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCompression(pub String);

impl fmt::Display for UnknownCompression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "compression: unknown format {:?}; use one of UNCOMPRESSED, GZIP, Snappy, ZIP, HADOOP_SNAPPY",
            self.0
        )
    }
}

impl std::error::Error for UnknownCompression {}

impl FromStr for Compression {
    type Err = UnknownCompression;

    /// The API's exact names; a different letter case is accepted too
    /// (`gzip`, `SNAPPY`), since the five names never clash.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Compression::ALL
            .into_iter()
            .find(|c| c.aws_name() == t)
            .or_else(|| {
                Compression::ALL
                    .into_iter()
                    .find(|c| c.aws_name().eq_ignore_ascii_case(t))
            })
            .ok_or_else(|| UnknownCompression(s.to_string()))
    }
}

/// The suffix Firehose adds to the S3 key (`""` when uncompressed). Hadoop
/// Snappy takes `.snappy`, the default extension of Hadoop's `SnappyCodec`.
pub fn extension(c: Compression) -> &'static str {
    match c {
        Compression::Uncompressed => "",
        Compression::Gzip => ".gz",
        Compression::Snappy | Compression::HadoopSnappy => ".snappy",
        Compression::Zip => ".zip",
    }
}

/// Why compressing or decompressing failed. `field` names the input at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompressError {
    pub format: Compression,
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for CompressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.format, self.field, self.message)
    }
}

impl std::error::Error for CompressError {}

fn err(format: Compression, field: &'static str, message: impl Into<String>) -> CompressError {
    CompressError {
        format,
        field,
        message: message.into(),
    }
}

/// Uncompressed bytes per Hadoop block. Hadoop's reader decompresses a
/// sub-block into a buffer of `io.compression.codec.snappy.buffersize`
/// (256 KiB by default); 64 KiB stays well inside it.
pub const HADOOP_BLOCK: usize = 64 * 1024;

/// Compresses `data` as `c`. `entry_name` is the file name inside a ZIP
/// archive (ignored by the other formats); it must be a relative path
/// without `..` parts.
pub fn compress(c: Compression, entry_name: &str, data: &[u8]) -> Result<Vec<u8>, CompressError> {
    match c {
        Compression::Uncompressed => Ok(data.to_vec()),
        Compression::Gzip => {
            // GzEncoder::new writes mtime 0, no name, OS 255: deterministic.
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data)
                .map_err(|e| err(c, "data", e.to_string()))?;
            enc.finish().map_err(|e| err(c, "data", e.to_string()))
        }
        Compression::Snappy => {
            // The stream identifier comes first even in an empty stream (the
            // encoder writes it only with the first data).
            if data.is_empty() {
                return Ok(SNAPPY_STREAM_IDENTIFIER.to_vec());
            }
            let mut enc = snap::write::FrameEncoder::new(Vec::new());
            enc.write_all(data)
                .map_err(|e| err(c, "data", e.to_string()))?;
            enc.into_inner()
                .map_err(|e| err(c, "data", e.error().to_string()))
        }
        Compression::Zip => zip_one(entry_name, data),
        Compression::HadoopSnappy => hadoop_snappy(data),
    }
}

fn check_entry_name(name: &str) -> Result<(), CompressError> {
    let bad = |m: &str| Err(err(Compression::Zip, "entry_name", m));
    if name.is_empty() {
        return bad("is empty");
    }
    if name.len() > u16::MAX as usize {
        return bad("is longer than 65,535 bytes");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return bad("must be relative (starts with a slash)");
    }
    if name.split(['/', '\\']).any(|p| p == "..") {
        return bad("must not contain a `..` part");
    }
    if name.ends_with('/') {
        return bad("names a directory (ends with a slash)");
    }
    if name.chars().any(|ch| ch.is_control()) {
        return bad("contains a control character");
    }
    Ok(())
}

fn zip_one(entry_name: &str, data: &[u8]) -> Result<Vec<u8>, CompressError> {
    check_entry_name(entry_name)?;
    let c = Compression::Zip;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Timestamps: the zip default (1980-01-01 00:00), never the clock.
        .large_file(data.len() as u64 >= u32::MAX as u64);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(entry_name, options)
        .map_err(|e| err(c, "entry_name", e.to_string()))?;
    w.write_all(data)
        .map_err(|e| err(c, "data", e.to_string()))?;
    let cursor = w.finish().map_err(|e| err(c, "data", e.to_string()))?;
    Ok(cursor.into_inner())
}

fn hadoop_snappy(data: &[u8]) -> Result<Vec<u8>, CompressError> {
    let c = Compression::HadoopSnappy;
    let mut enc = snap::raw::Encoder::new();
    let mut out = Vec::with_capacity(data.len() / 2 + 16);
    for block in data.chunks(HADOOP_BLOCK) {
        let packed = enc
            .compress_vec(block)
            .map_err(|e| err(c, "data", e.to_string()))?;
        // Block: uncompressed length, then one sub-block (compressed length, bytes).
        out.extend_from_slice(&(block.len() as u32).to_be_bytes());
        out.extend_from_slice(&(packed.len() as u32).to_be_bytes());
        out.extend_from_slice(&packed);
    }
    Ok(out)
}

/// Default output limit of [`decompress`]: 64 MiB.
pub const PREVIEW_LIMIT: usize = 64 * 1024 * 1024;

/// Decompresses an object written as `c` (for previews), refusing output
/// over [`PREVIEW_LIMIT`]. A ZIP gives its first entry.
pub fn decompress(c: Compression, data: &[u8]) -> Result<Vec<u8>, CompressError> {
    decompress_limited(c, data, PREVIEW_LIMIT)
}

/// [`decompress`] with an explicit output limit in bytes.
pub fn decompress_limited(
    c: Compression,
    data: &[u8],
    limit: usize,
) -> Result<Vec<u8>, CompressError> {
    let too_big = || {
        err(
            c,
            "data",
            format!("decompresses to more than {limit} bytes"),
        )
    };
    let read_limited = |r: &mut dyn Read| -> Result<Vec<u8>, CompressError> {
        let mut out = Vec::new();
        r.take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| err(c, "data", e.to_string()))?;
        if out.len() > limit {
            return Err(too_big());
        }
        Ok(out)
    };
    match c {
        Compression::Uncompressed => {
            if data.len() > limit {
                return Err(too_big());
            }
            Ok(data.to_vec())
        }
        Compression::Gzip => read_limited(&mut flate2::read::MultiGzDecoder::new(data)),
        Compression::Snappy => {
            if !data.is_empty() && !data.starts_with(&SNAPPY_STREAM_IDENTIFIER) {
                return Err(err(
                    c,
                    "data",
                    "does not start with the Snappy stream identifier",
                ));
            }
            read_limited(&mut snap::read::FrameDecoder::new(data))
        }
        Compression::Zip => {
            let mut archive = zip::ZipArchive::new(Cursor::new(data))
                .map_err(|e| err(c, "data", e.to_string()))?;
            if archive.is_empty() {
                return Err(err(c, "data", "the archive has no entry"));
            }
            let mut entry = archive
                .by_index(0)
                .map_err(|e| err(c, "data", e.to_string()))?;
            read_limited(&mut entry)
        }
        Compression::HadoopSnappy => hadoop_unsnappy(data, limit),
    }
}

/// The first chunk of every Snappy framed stream: type 0xff, length 6
/// (little-endian, 3 bytes), then `sNaPpY`.
pub const SNAPPY_STREAM_IDENTIFIER: [u8; 10] =
    [0xff, 0x06, 0x00, 0x00, b's', b'N', b'a', b'P', b'p', b'Y'];

fn hadoop_unsnappy(data: &[u8], limit: usize) -> Result<Vec<u8>, CompressError> {
    let c = Compression::HadoopSnappy;
    let mut dec = snap::raw::Decoder::new();
    let mut out = Vec::new();
    let mut at = 0usize;
    let be32 = |at: usize| -> Result<usize, CompressError> {
        data.get(at..at.saturating_add(4))
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| err(c, "data", format!("truncated length at byte {at}")))
    };
    while at < data.len() {
        let raw_len = be32(at)?;
        at += 4;
        if out.len().saturating_add(raw_len) > limit {
            return Err(err(
                c,
                "data",
                format!("decompresses to more than {limit} bytes"),
            ));
        }
        let mut got = 0usize;
        while got < raw_len {
            let n = be32(at)?;
            at += 4;
            let chunk = data.get(at..at.saturating_add(n)).ok_or_else(|| {
                err(
                    c,
                    "data",
                    format!("sub-block at byte {} runs past the end", at - 4),
                )
            })?;
            if n == 0 {
                return Err(err(
                    c,
                    "data",
                    format!("empty sub-block at byte {}", at - 4),
                ));
            }
            let want =
                snap::raw::decompress_len(chunk).map_err(|e| err(c, "data", e.to_string()))?;
            if got.saturating_add(want) > raw_len {
                return Err(err(
                    c,
                    "data",
                    format!(
                        "sub-block at byte {} holds more than its block's {raw_len} bytes",
                        at - 4
                    ),
                ));
            }
            let plain = dec
                .decompress_vec(chunk)
                .map_err(|e| err(c, "data", e.to_string()))?;
            got += plain.len();
            out.extend_from_slice(&plain);
            at += n;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Compression::ALL {
            assert_eq!(c.to_string().parse::<Compression>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.aws_name()));
            assert_eq!(serde_json::from_str::<Compression>(&json).unwrap(), c);
        }
        assert_eq!("gzip".parse::<Compression>(), Ok(Compression::Gzip));
        let e = "lz4".parse::<Compression>().unwrap_err().to_string();
        assert!(e.contains("lz4") && e.contains("HADOOP_SNAPPY"), "{e}");
    }
}
