//! The AWS event stream encoding (`application/vnd.amazon.eventstream`), the
//! body in which `SubscribeToShard` answers: one binary message after
//! another, each laid out as
//!
//! | bytes | field |
//! |---|---|
//! | 4 | total length of the message, these 4 bytes and the final CRC included (big-endian) |
//! | 4 | length of the headers (big-endian) |
//! | 4 | CRC32 of the 8 bytes before it (the prelude CRC) |
//! | … | headers: name length (1 byte), name, value type (1 byte; 7 is a string), value length (2 bytes, big-endian), value |
//! | … | payload |
//! | 4 | CRC32 of every byte before it (the message CRC) |
//!
//! Encoding only, and sans-IO: this module builds bytes and the caller
//! writes them. The CRC is the common CRC-32 (IEEE, as zlib computes it).

use super::error::{ApiError, ErrorType};
use serde_json::Value;
use std::fmt;

/// The `Content-Type` of an event stream response.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";
/// Header value type 7: a UTF-8 string with a 2-byte length.
const STRING: u8 = 7;
/// Total length, headers length and prelude CRC.
const PRELUDE: usize = 12;
/// Limits a decoder may enforce: 128 KiB of headers, 16 MiB in all.
pub const MAX_HEADERS: usize = 128 * 1024;
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// Why a message could not be encoded. Nothing is written in that case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// A header name longer than 255 bytes.
    HeaderName(String),
    /// A header value longer than 65,535 bytes.
    HeaderValue(String),
    /// More than [`MAX_HEADERS`] bytes of headers.
    Headers(usize),
    /// More than [`MAX_MESSAGE`] bytes in the whole message.
    Message(usize),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::HeaderName(n) => write!(f, "header name {n:?} is longer than 255 bytes"),
            EncodeError::HeaderValue(n) => {
                write!(f, "the value of header {n:?} is longer than 65535 bytes")
            }
            EncodeError::Headers(n) => {
                write!(
                    f,
                    "{n} bytes of headers is over the {MAX_HEADERS}-byte limit"
                )
            }
            EncodeError::Message(n) => {
                write!(f, "a {n}-byte message is over the {MAX_MESSAGE}-byte limit")
            }
        }
    }
}

impl std::error::Error for EncodeError {}

/// One message with string headers, in the order given.
pub fn encode(headers: &[(&str, &str)], payload: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let mut head = Vec::new();
    for (name, value) in headers {
        let name_len =
            u8::try_from(name.len()).map_err(|_| EncodeError::HeaderName((*name).to_owned()))?;
        let value_len =
            u16::try_from(value.len()).map_err(|_| EncodeError::HeaderValue((*name).to_owned()))?;
        head.push(name_len);
        head.extend_from_slice(name.as_bytes());
        head.push(STRING);
        head.extend_from_slice(&value_len.to_be_bytes());
        head.extend_from_slice(value.as_bytes());
    }
    if head.len() > MAX_HEADERS {
        return Err(EncodeError::Headers(head.len()));
    }
    let total = PRELUDE + head.len() + payload.len() + 4;
    if total > MAX_MESSAGE {
        return Err(EncodeError::Message(total));
    }
    // Both lengths are below MAX_MESSAGE, so they fit in a u32.
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(head.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&out);
    out.extend_from_slice(&message_crc.to_be_bytes());
    Ok(out)
}

/// An event (`:message-type` event) with a JSON payload.
pub fn event(event_type: &str, payload: &Value) -> Result<Vec<u8>, EncodeError> {
    encode(
        &[
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.to_string().as_bytes(),
    )
}

/// The first message of a JSON-protocol event stream response: the
/// operation's non-streaming output members (none for SubscribeToShard).
pub fn initial_response() -> Vec<u8> {
    // Fixed short headers and a 2-byte payload are far below every limit.
    event("initial-response", &serde_json::json!({})).unwrap_or_default()
}

/// An error inside the stream. The errors SubscribeToShard's event stream
/// models (ResourceNotFoundException, ResourceInUseException) are
/// `:message-type` exception with `:exception-type` and a JSON body, as SDKs
/// expect; any other is `:message-type` error with `:error-code` and
/// `:error-message` headers.
pub fn exception(err: &ApiError) -> Vec<u8> {
    let name = err.kind.name();
    let modelled = matches!(
        err.kind,
        ErrorType::ResourceNotFoundException | ErrorType::ResourceInUseException
    );
    let encoded = if modelled {
        encode(
            &[
                (":exception-type", name),
                (":content-type", "application/json"),
                (":message-type", "exception"),
            ],
            serde_json::json!({ "message": err.message })
                .to_string()
                .as_bytes(),
        )
    } else {
        encode(
            &[
                (":error-code", name),
                (":error-message", truncate(&err.message, 1024)),
                (":message-type", "error"),
            ],
            &[],
        )
    };
    // Only an absurdly long message could fail; send its type alone then.
    encoded
        .or_else(|_| encode(&[(":error-code", name), (":message-type", "error")], &[]))
        .unwrap_or_default()
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The IEEE CRC-32 from another crate than the encoder's.
    const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

    #[derive(Debug, PartialEq)]
    struct Decoded {
        headers: BTreeMap<String, String>,
        payload: Vec<u8>,
    }

    fn be32(b: &[u8]) -> usize {
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
    }

    /// A decoder written from the layout alone (not from `encode`): returns
    /// the message and the bytes it used, or what is wrong with it.
    fn decode(buf: &[u8]) -> Result<(Decoded, usize), String> {
        if buf.len() < 16 {
            return Err("shorter than a prelude and a CRC".into());
        }
        let total = be32(&buf[0..4]);
        let headers_len = be32(&buf[4..8]);
        if CRC32.checksum(&buf[0..8]) as usize != be32(&buf[8..12]) {
            return Err("prelude CRC".into());
        }
        if total > buf.len() || total < 16 + headers_len {
            return Err(format!("total length {total}"));
        }
        if CRC32.checksum(&buf[..total - 4]) as usize != be32(&buf[total - 4..total]) {
            return Err("message CRC".into());
        }
        let mut headers = BTreeMap::new();
        let mut h = &buf[12..12 + headers_len];
        while !h.is_empty() {
            let n = h[0] as usize;
            let name = String::from_utf8(h[1..1 + n].to_vec()).map_err(|e| e.to_string())?;
            h = &h[1 + n..];
            if h[0] != 7 {
                return Err(format!("header {name}: type {}", h[0]));
            }
            let len = u16::from_be_bytes([h[1], h[2]]) as usize;
            let value = String::from_utf8(h[3..3 + len].to_vec()).map_err(|e| e.to_string())?;
            h = &h[3 + len..];
            headers.insert(name, value);
        }
        let payload = buf[12 + headers_len..total - 4].to_vec();
        Ok((Decoded { headers, payload }, total))
    }

    fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn crc_is_the_ieee_crc32() {
        // The check value every CRC-32/ISO-HDLC implementation gives for "123456789".
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(CRC32.checksum(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn an_event_decodes_to_its_headers_and_json() {
        let payload = serde_json::json!({ "Records": [], "MillisBehindLatest": 0 });
        let bytes = event("SubscribeToShardEvent", &payload).unwrap();
        let (m, used) = decode(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(
            m.headers,
            headers(&[
                (":event-type", "SubscribeToShardEvent"),
                (":content-type", "application/json"),
                (":message-type", "event"),
            ])
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&m.payload).unwrap(),
            payload
        );
    }

    #[test]
    fn messages_follow_each_other_in_a_body() {
        let mut body = initial_response();
        body.extend(event("SubscribeToShardEvent", &serde_json::json!({ "a": 1 })).unwrap());
        let (first, used) = decode(&body).unwrap();
        assert_eq!(first.headers[":event-type"], "initial-response");
        assert_eq!(first.payload, b"{}");
        let (second, rest) = decode(&body[used..]).unwrap();
        assert_eq!(second.payload, br#"{"a":1}"#);
        assert_eq!(used + rest, body.len());
    }

    #[test]
    fn modelled_errors_are_exceptions_others_are_errors() {
        let gone = ApiError::new(
            ErrorType::ResourceNotFoundException,
            "Consumer x not found.",
        );
        let (m, _) = decode(&exception(&gone)).unwrap();
        assert_eq!(m.headers[":message-type"], "exception");
        assert_eq!(m.headers[":exception-type"], "ResourceNotFoundException");
        let body: Value = serde_json::from_slice(&m.payload).unwrap();
        assert_eq!(body["message"], "Consumer x not found.");

        let other = ApiError::new(ErrorType::InvalidArgumentException, "é".repeat(600));
        let (m, _) = decode(&exception(&other)).unwrap();
        assert_eq!(m.headers[":message-type"], "error");
        assert_eq!(m.headers[":error-code"], "InvalidArgumentException");
        assert!(m.headers[":error-message"].len() <= 1024);
        assert!(m.payload.is_empty());
    }

    #[test]
    fn a_flipped_bit_is_caught_by_a_crc() {
        let bytes = event("SubscribeToShardEvent", &serde_json::json!({ "k": "v" })).unwrap();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            assert!(decode(&bad).is_err(), "byte {i} changed and still decoded");
        }
    }

    #[test]
    fn oversized_parts_are_refused() {
        let long = "n".repeat(256);
        assert_eq!(
            encode(&[(long.as_str(), "v")], b""),
            Err(EncodeError::HeaderName(long.clone()))
        );
        let value = "v".repeat(65_536);
        assert_eq!(
            encode(&[("k", value.as_str())], b""),
            Err(EncodeError::HeaderValue("k".into()))
        );
        let payload = vec![0u8; MAX_MESSAGE];
        assert!(matches!(
            encode(&[], &payload),
            Err(EncodeError::Message(_))
        ));
    }

    proptest! {
        #[test]
        fn any_message_round_trips(
            pairs in proptest::collection::btree_map("[:a-z-]{1,20}", "\\PC{0,40}", 0..6),
            payload in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let list: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let bytes = encode(&list, &payload).unwrap();
            let (m, used) = decode(&bytes).unwrap();
            prop_assert_eq!(used, bytes.len());
            prop_assert_eq!(m.headers, pairs);
            prop_assert_eq!(m.payload, payload);
        }
    }
}
