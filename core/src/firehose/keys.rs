//! S3 object keys as Firehose names them.
//!
//! A delivered object is `{prefix}{stream}-{version}-{YYYY-MM-dd-HH-mm-ss}-{uuid}`:
//! the prefix is `YYYY/MM/dd/HH/` (UTC) unless a custom one is set; a custom
//! prefix without a `!{timestamp:…}` expression gets that time prefix added
//! after it. Error output goes under the error output prefix, in a folder
//! named after the error type (`processing-failed/`, …). Times come from
//! `now` (ms since the Unix epoch); the random part from the engine's seeded
//! generator.

use rand::Rng;

/// UTC calendar time of a Unix time in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Utc {
    pub fn from_ms(ms: u64) -> Utc {
        let secs = (ms / 1000) as i64;
        let (year, month, day) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
        let rem = secs.rem_euclid(86_400);
        Utc {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// `YYYY/MM/dd/HH/`, Firehose's default prefix.
    pub fn hour_prefix(&self) -> String {
        format!(
            "{:04}/{:02}/{:02}/{:02}/",
            self.year, self.month, self.day, self.hour
        )
    }

    /// `YYYY-MM-dd-HH-mm-ss`, the time inside an object name.
    pub fn stamp(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}-{:02}-{:02}-{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Day of the year, 1-based.
    pub fn ordinal(&self) -> u32 {
        const BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0;
        BEFORE[(self.month.clamp(1, 12) - 1) as usize]
            + self.day
            + u32::from(leap && self.month > 2)
    }

    /// Formats a `!{timestamp:…}` pattern: `yyyy`, `MM`, `dd`, `HH`, `mm`,
    /// `ss` are replaced, anything else is kept.
    pub fn format(&self, pattern: &str) -> String {
        let mut out = String::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            let (token, value) = [
                ("yyyy", format!("{:04}", self.year)),
                ("MM", format!("{:02}", self.month)),
                ("dd", format!("{:02}", self.day)),
                ("HH", format!("{:02}", self.hour)),
                ("mm", format!("{:02}", self.minute)),
                ("ss", format!("{:02}", self.second)),
            ]
            .into_iter()
            .find(|(t, _)| rest.starts_with(t))
            .unwrap_or(("", String::new()));
            if token.is_empty() {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
            } else {
                out.push_str(&value);
                rest = &rest[token.len()..];
            }
        }
        out
    }
}

/// A random UUID (version 4) from the seeded generator.
pub fn uuid(rng: &mut impl Rng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Eleven random characters, as `!{firehose:random-string}` gives.
pub fn random_string(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..11)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Checks the expressions in a custom prefix; the message says what is wrong.
pub fn check_prefix(prefix: &str) -> Result<(), String> {
    let mut rest = prefix;
    while let Some(start) = rest.find("!{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "`!{{` at character {} is not closed with `}}`",
                prefix.len() - rest.len() + start
            ));
        };
        let expr = &after[..end];
        let ok = expr
            .strip_prefix("timestamp:")
            .is_some_and(|p| !p.is_empty())
            || expr == "firehose:random-string"
            || expr == "firehose:error-output-type";
        if !ok {
            return Err(format!(
                "unknown expression `!{{{expr}}}`: use !{{timestamp:yyyy/MM/dd}}, !{{firehose:random-string}} or !{{firehose:error-output-type}}"
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// Expands a (checked) prefix. `error_type` fills `!{firehose:error-output-type}`.
fn expand(prefix: &str, t: &Utc, error_type: &str, rng: &mut impl Rng) -> String {
    let mut out = String::new();
    let mut rest = prefix;
    while let Some(start) = rest.find("!{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let expr = &after[..end];
        if let Some(p) = expr.strip_prefix("timestamp:") {
            out.push_str(&t.format(p));
        } else if expr == "firehose:random-string" {
            out.push_str(&random_string(rng));
        } else if expr == "firehose:error-output-type" {
            out.push_str(error_type);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The prefix of a delivered object at time `ms`.
pub fn delivery_prefix(custom: Option<&str>, ms: u64, rng: &mut impl Rng) -> String {
    let t = Utc::from_ms(ms);
    match custom {
        None => t.hour_prefix(),
        Some(p) if p.contains("!{timestamp:") => expand(p, &t, "", rng),
        Some(p) => expand(p, &t, "", rng) + &t.hour_prefix(),
    }
}

/// The prefix of error output of `error_type` (`processing-failed`, …).
pub fn error_prefix(custom: Option<&str>, error_type: &str, ms: u64, rng: &mut impl Rng) -> String {
    let t = Utc::from_ms(ms);
    let p = custom.unwrap_or("");
    let mut out = expand(p, &t, error_type, rng);
    if !p.contains("!{firehose:error-output-type}") {
        out.push_str(error_type);
        out.push('/');
    }
    if !p.contains("!{timestamp:") {
        out.push_str(&t.hour_prefix());
    }
    out
}

/// `{stream}-{version}-{YYYY-MM-dd-HH-mm-ss}-{uuid}{extension}`.
pub fn object_name(
    stream: &str,
    version: u32,
    ms: u64,
    extension: &str,
    rng: &mut impl Rng,
) -> String {
    format!(
        "{stream}-{version}-{}-{}{extension}",
        Utc::from_ms(ms).stamp(),
        uuid(rng)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::component_rng;

    #[test]
    fn civil_dates_match_known_days() {
        // 2016-02-25T13:00:00Z (the docs' index rotation example).
        let t = Utc::from_ms(1_456_405_200_000);
        assert_eq!((t.year, t.month, t.day, t.hour), (2016, 2, 25, 13));
        assert_eq!(t.hour_prefix(), "2016/02/25/13/");
        // Leap day and the turn of a century year.
        assert_eq!(Utc::from_ms(951_782_400_000).stamp(), "2000-02-29-00-00-00");
        assert_eq!(Utc::from_ms(0).stamp(), "1970-01-01-00-00-00");
        assert_eq!(
            Utc::from_ms(1_700_000_000_999).stamp(),
            "2023-11-14-22-13-20"
        );
        assert_eq!(Utc::from_ms(951_782_400_000).ordinal(), 60);
    }

    #[test]
    fn every_day_follows_the_last() {
        // Walk 1970..2100 day by day and check the calendar advances by one.
        let mut prev = Utc::from_ms(0);
        for day in 1..(130 * 366) {
            let t = Utc::from_ms(day * 86_400_000);
            let next_month = t.day == 1 && (t.month == prev.month % 12 + 1);
            let same_month = t.month == prev.month && t.day == prev.day + 1;
            assert!(same_month || next_month, "{prev:?} → {t:?}");
            if t.month == 1 && t.day == 1 {
                assert_eq!(t.year, prev.year + 1);
            }
            prev = t;
        }
    }

    #[test]
    fn prefixes_follow_the_rules() {
        let mut rng = component_rng(1, "keys");
        let ms = 1_456_405_200_000;
        assert_eq!(delivery_prefix(None, ms, &mut rng), "2016/02/25/13/");
        assert_eq!(
            delivery_prefix(Some("app/"), ms, &mut rng),
            "app/2016/02/25/13/"
        );
        assert_eq!(
            delivery_prefix(Some("y=!{timestamp:yyyy}/m=!{timestamp:MM}/"), ms, &mut rng),
            "y=2016/m=02/"
        );
        assert_eq!(
            error_prefix(None, "processing-failed", ms, &mut rng),
            "processing-failed/2016/02/25/13/"
        );
        assert_eq!(
            error_prefix(
                Some("err/!{firehose:error-output-type}/"),
                "processing-failed",
                ms,
                &mut rng
            ),
            "err/processing-failed/2016/02/25/13/"
        );
        assert!(check_prefix("a/!{nope}/").is_err());
        assert!(check_prefix("a/!{timestamp:yyyy").is_err());
        let name = object_name("s", 1, ms, ".gz", &mut rng);
        assert!(name.starts_with("s-1-2016-02-25-13-00-00-"), "{name}");
        assert!(name.ends_with(".gz"));
        assert_eq!(name.len(), "s-1-2016-02-25-13-00-00-".len() + 36 + 3);
    }
}
