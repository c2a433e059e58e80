//! Compact, versioned encoding of lab state for share links: a lesson's
//! actions (replayed on the lesson's scenario) or the Stream lab's console
//! commands (replayed on a fresh account) when the link opens.
//!
//! Format: `1.` followed by the actions as JSON in URL-safe base64 (no
//! padding). Decoding accepts any string and never panics; anything that is
//! not a valid version-1 payload is an error the page reports.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const VERSION: &str = "1";
/// Longest payload accepted (characters), and most actions replayed.
pub const MAX_LEN: usize = 12_000;
pub const MAX_ACTIONS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    UnknownVersion(String),
    TooLong,
    NotBase64,
    NotActions(String),
}

pub fn encode<T: Serialize>(items: &[T]) -> String {
    let json = serde_json::to_vec(items).unwrap_or_default();
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(json))
}

pub fn decode<T: DeserializeOwned>(s: &str) -> Result<Vec<T>, ShareError> {
    if s.len() > MAX_LEN {
        return Err(ShareError::TooLong);
    }
    let (version, payload) = s.split_once('.').unwrap_or(("", s));
    if version != VERSION {
        return Err(ShareError::UnknownVersion(
            version.chars().take(8).collect(),
        ));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| ShareError::NotBase64)?;
    let actions: Vec<T> =
        serde_json::from_slice(&bytes).map_err(|e| ShareError::NotActions(e.to_string()))?;
    if actions.len() > MAX_ACTIONS {
        return Err(ShareError::TooLong);
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinesis_lab_core::lesson::lab::Action;
    use kinesis_lab_core::workload::KeyDistribution;

    fn decode(s: &str) -> Result<Vec<Action>, ShareError> {
        super::decode(s)
    }
    use proptest::prelude::*;

    fn sample() -> Vec<Action> {
        vec![
            Action::Put {
                key: "user-123 ế".into(),
            },
            Action::SetShards { shards: 8 },
            Action::SetWorkload {
                distribution: KeyDistribution::Zipf,
                records_per_second: 2000,
                seconds: 5,
            },
            Action::RunWorkload,
        ]
    }

    #[test]
    fn round_trip() {
        let s = encode(&sample());
        assert!(s.starts_with("1."));
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "URL-safe: {s}"
        );
        assert_eq!(decode(&s), Ok(sample()));
    }

    #[test]
    fn tampered_links_are_errors() {
        assert_eq!(
            decode("2.AAAA"),
            Err(ShareError::UnknownVersion("2".into()))
        );
        assert_eq!(decode("1.***"), Err(ShareError::NotBase64));
        assert!(matches!(
            decode(&format!(
                "1.{}",
                URL_SAFE_NO_PAD.encode(b"{\"do\":\"nuke\"}")
            )),
            Err(ShareError::NotActions(_))
        ));
        assert_eq!(decode(&"A".repeat(MAX_LEN + 1)), Err(ShareError::TooLong));
        let mut s = encode(&sample());
        s.truncate(s.len() - 3);
        assert!(decode(&s).is_err());
    }

    #[test]
    fn console_sessions_round_trip() {
        let lines = vec!["aws kinesis create-stream --stream-name a --shard-count 2".to_owned()];
        assert_eq!(super::decode::<String>(&encode(&lines)), Ok(lines));
        assert!(
            super::decode::<String>(&encode(&sample())).is_err(),
            "actions are not command lines"
        );
    }

    proptest! {
        #[test]
        fn decoder_never_panics(s in "\\PC{0,300}") {
            let _ = decode(&s);
        }

        #[test]
        fn decoder_never_panics_on_versioned_noise(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&format!("1.{}", URL_SAFE_NO_PAD.encode(&bytes)));
        }
    }
}
