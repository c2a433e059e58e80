//! Record templates, in the spirit of the Kinesis Data Generator: text with
//! `{{ … }}` placeholders, filled from a seeded generator.
//!
//! # Syntax
//!
//! A template is text in which each `{{ expression }}` is replaced. Spaces
//! inside the braces are optional. An expression is a quoted string (which
//! stands for itself; `{{"{{"}}` writes two braces) or a helper with its
//! arguments, separated by spaces. Strings are in double quotes, with `\"`
//! and `\\` as escapes; numbers are whole and may be negative.
//!
//! | helper | gives |
//! |---|---|
//! | `user_id` | `user-1` … `user-1000000`, uniform |
//! | `device` | `mobile`, `web` or `tablet` (80 / 15 / 5 %) |
//! | `product` | `product-1` … `product-1000`, Zipf-skewed |
//! | `number MIN MAX` | a whole number from MIN to MAX |
//! | `decimal MIN MAX PLACES` | a number from MIN to MAX with PLACES (0–6) decimals |
//! | `pick "a" "b" …` | one of the strings |
//! | `now` | the record's time, ISO 8601 in UTC (`2026-01-01T00:00:05.250Z`) |
//! | `epoch_ms` | the record's time in milliseconds since 1970 |
//! | `seq` | the record's number: 0, 1, 2, … |
//! | `uuid` | a random version-4 UUID |
//! | `ip` | a random IPv4 address |
//!
//! Parsing uses winnow; an error names its line and column and what was
//! expected there.

use crate::rng::{component_rng, ComponentRng};
use crate::workload::{KeyDistribution, KeyGenerator};
use rand::Rng;
use serde::Serialize;
use std::fmt;
use winnow::ascii::{dec_int, space0, space1};
use winnow::combinator::{alt, cut_err, delimited, preceded, repeat, terminated};
use winnow::error::{ContextError, ModalResult, StrContext, StrContextValue};
use winnow::stream::{LocatingSlice, Location};
use winnow::token::{none_of, one_of, rest, take_until, take_while};
use winnow::Parser;

/// Longest template accepted, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 4_000;
/// Most decimals `decimal` writes.
pub const MAX_PLACES: i64 = 6;
/// The helpers, for error messages and the page's list.
pub const HELPERS: [&str; 11] = [
    "user_id", "device", "product", "number", "decimal", "pick", "now", "epoch_ms", "seq", "uuid",
    "ip",
];

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Text(String),
    Key(KeyDistribution),
    Number { min: i64, max: i64 },
    Decimal { min: i64, max: i64, places: u32 },
    Pick(Vec<String>),
    Now,
    EpochMs,
    Seq,
    Uuid,
    Ip,
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    parts: Vec<Expr>,
}

/// What is wrong, as data for the page to word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateProblem {
    Empty,
    TooLong {
        max: usize,
    },
    /// The parser wanted something else here: each item is a token in
    /// backticks or a description.
    Expected {
        what: Vec<String>,
    },
    UnknownHelper {
        name: String,
    },
    /// A helper got the wrong arguments; `usage` shows the right form.
    Arguments {
        helper: String,
        usage: String,
    },
    /// A bare word where a quoted string belongs.
    Unquoted {
        word: String,
    },
    /// `number 9 1`: the smaller bound comes first.
    Reversed {
        min: i64,
        max: i64,
    },
    Places {
        max: i64,
    },
}

/// A template error with its position (1-based line and column, in
/// characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplateError {
    pub line: usize,
    pub column: usize,
    pub problem: TemplateProblem,
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateProblem::Empty => f.write_str("the template is empty"),
            TemplateProblem::TooLong { max } => {
                write!(f, "the template is longer than {max} characters")
            }
            TemplateProblem::Expected { what } => write!(f, "expected {}", what.join(" or ")),
            TemplateProblem::UnknownHelper { name } => {
                write!(
                    f,
                    "unknown helper `{name}`; the helpers are {}",
                    HELPERS.join(", ")
                )
            }
            TemplateProblem::Arguments { helper, usage } => {
                write!(f, "`{helper}` is written `{usage}`")
            }
            TemplateProblem::Unquoted { word } => {
                write!(f, "put text arguments in double quotes: \"{word}\"")
            }
            TemplateProblem::Reversed { min, max } => {
                write!(
                    f,
                    "the smaller bound comes first: {max} {min}, not {min} {max}"
                )
            }
            TemplateProblem::Places { max } => write!(f, "decimal places must be from 0 to {max}"),
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.problem
        )
    }
}

impl std::error::Error for TemplateError {}

// ---------------------------------------------------------------------------
// The grammar.

type In<'a> = LocatingSlice<&'a str>;

#[derive(Debug)]
enum Arg {
    Int(i64),
    Str(String),
    Word(String),
}

#[derive(Debug)]
enum Raw {
    Text(String),
    Str(String),
    Call {
        name: String,
        at: usize,
        args: Vec<(Arg, usize)>,
    },
}

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

fn text(i: &mut In<'_>) -> ModalResult<Raw> {
    alt((take_until(1.., "{{"), rest.verify(|s: &str| !s.is_empty())))
        .map(|s: &str| Raw::Text(s.to_owned()))
        .parse_next(i)
}

fn string(i: &mut In<'_>) -> ModalResult<String> {
    let escape = preceded(
        '\\',
        cut_err(one_of(['"', '\\']).context(expected("`\\\"` or `\\\\` after a backslash"))),
    );
    preceded(
        '"',
        cut_err(terminated(
            repeat(0.., alt((none_of(['"', '\\', '\n']), escape))).fold(String::new, |mut s, c| {
                s.push(c);
                s
            }),
            '"'.context(expected("a closing `\"` on the same line")),
        )),
    )
    .parse_next(i)
}

fn word(i: &mut In<'_>) -> ModalResult<String> {
    take_while(1.., |c: char| {
        c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
    })
    .map(str::to_owned)
    .parse_next(i)
}

fn arg(i: &mut In<'_>) -> ModalResult<(Arg, usize)> {
    let at = i.current_token_start();
    let a = alt((
        string.map(Arg::Str),
        // A number is a number only if a word does not go on after it.
        terminated(
            dec_int,
            winnow::combinator::not(one_of(|c: char| {
                c.is_alphanumeric() || c == '_' || c == '.'
            })),
        )
        .map(Arg::Int),
        word.map(Arg::Word),
    ))
    .parse_next(i)?;
    Ok((a, at))
}

fn call(i: &mut In<'_>) -> ModalResult<Raw> {
    let at = i.current_token_start();
    let name = take_while(1.., |c: char| c.is_ascii_alphanumeric() || c == '_').parse_next(i)?;
    let args = repeat(0.., preceded(space1, arg)).parse_next(i)?;
    Ok(Raw::Call {
        name: name.to_owned(),
        at,
        args,
    })
}

fn placeholder(i: &mut In<'_>) -> ModalResult<Raw> {
    preceded(
        "{{",
        cut_err(delimited(
            space0,
            alt((string.map(Raw::Str), call)).context(expected("a helper name or a quoted string")),
            (
                space0,
                "}}".context(expected("`}}` to close the placeholder")),
            ),
        )),
    )
    .parse_next(i)
}

fn template(i: &mut In<'_>) -> ModalResult<Vec<Raw>> {
    repeat(0.., alt((placeholder, text))).parse_next(i)
}

// ---------------------------------------------------------------------------
// Checking and positions.

/// 1-based line and column (in characters) of byte `offset` in `src`.
fn position(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn err_at(src: &str, offset: usize, problem: TemplateProblem) -> TemplateError {
    let (line, column) = position(src, offset);
    TemplateError {
        line,
        column,
        problem,
    }
}

fn context_words(e: &ContextError) -> Vec<String> {
    let mut what: Vec<String> = e
        .context()
        .filter_map(|c| match c {
            StrContext::Expected(StrContextValue::Description(d)) => Some(d.to_string()),
            StrContext::Expected(StrContextValue::CharLiteral(c)) => Some(format!("`{c}`")),
            StrContext::Expected(StrContextValue::StringLiteral(s)) => Some(format!("`{s}`")),
            _ => None,
        })
        .collect();
    what.dedup();
    if what.is_empty() {
        what.push("something else".into());
    }
    what
}

fn usage(name: &str) -> &'static str {
    match name {
        "number" => "number MIN MAX",
        "decimal" => "decimal MIN MAX PLACES",
        "pick" => "pick \"a\" \"b\" …",
        "user_id" => "user_id",
        "device" => "device",
        "product" => "product",
        "now" => "now",
        "epoch_ms" => "epoch_ms",
        "seq" => "seq",
        "uuid" => "uuid",
        _ => "ip",
    }
}

fn check_call(
    src: &str,
    name: String,
    at: usize,
    args: Vec<(Arg, usize)>,
) -> Result<Expr, TemplateError> {
    if !HELPERS.contains(&name.as_str()) {
        return Err(err_at(src, at, TemplateProblem::UnknownHelper { name }));
    }
    let wrong = |at: usize| {
        err_at(
            src,
            at,
            TemplateProblem::Arguments {
                helper: name.clone(),
                usage: usage(&name).to_owned(),
            },
        )
    };
    // A bare word is never right: say so where it is.
    if let Some((Arg::Word(w), a)) = args.iter().find(|(a, _)| matches!(a, Arg::Word(_))) {
        if name == "pick" {
            return Err(err_at(
                src,
                *a,
                TemplateProblem::Unquoted { word: w.clone() },
            ));
        }
        return Err(wrong(*a));
    }
    let ints: Vec<i64> = args
        .iter()
        .filter_map(|(a, _)| match a {
            Arg::Int(n) => Some(*n),
            _ => None,
        })
        .collect();
    let all_ints = ints.len() == args.len();
    let first_bad = args.first().map_or(at, |(_, a)| *a);
    let simple = |e: Expr| {
        if args.is_empty() {
            Ok(e)
        } else {
            Err(wrong(first_bad))
        }
    };
    match name.as_str() {
        "user_id" => simple(Expr::Key(KeyDistribution::UserIds)),
        "device" => simple(Expr::Key(KeyDistribution::DeviceType)),
        "product" => simple(Expr::Key(KeyDistribution::Zipf)),
        "now" => simple(Expr::Now),
        "epoch_ms" => simple(Expr::EpochMs),
        "seq" => simple(Expr::Seq),
        "uuid" => simple(Expr::Uuid),
        "ip" => simple(Expr::Ip),
        "number" | "decimal" => {
            let n = if name == "number" { 2 } else { 3 };
            if args.len() != n {
                return Err(wrong(at));
            }
            if !all_ints {
                let p = args
                    .iter()
                    .find(|(a, _)| !matches!(a, Arg::Int(_)))
                    .map_or(at, |(_, p)| *p);
                return Err(wrong(p));
            }
            let (min, max) = (ints[0], ints[1]);
            if min > max {
                return Err(err_at(
                    src,
                    args[0].1,
                    TemplateProblem::Reversed { min, max },
                ));
            }
            if n == 2 {
                Ok(Expr::Number { min, max })
            } else if !(0..=MAX_PLACES).contains(&ints[2]) {
                Err(err_at(
                    src,
                    args[2].1,
                    TemplateProblem::Places { max: MAX_PLACES },
                ))
            } else {
                Ok(Expr::Decimal {
                    min,
                    max,
                    places: ints[2] as u32,
                })
            }
        }
        _ => {
            // pick
            let mut choices = Vec::new();
            for (a, p) in args {
                match a {
                    Arg::Str(s) => choices.push(s),
                    _ => return Err(wrong(p)),
                }
            }
            if choices.is_empty() {
                return Err(wrong(at));
            }
            Ok(Expr::Pick(choices))
        }
    }
}

impl Template {
    /// Parses `src`, or says where and why it cannot.
    pub fn parse(src: &str) -> Result<Template, TemplateError> {
        if src.is_empty() {
            return Err(err_at(src, 0, TemplateProblem::Empty));
        }
        let chars = src.chars().count();
        if chars > MAX_TEMPLATE_CHARS {
            let cut = src
                .char_indices()
                .nth(MAX_TEMPLATE_CHARS)
                .map_or(src.len(), |(i, _)| i);
            return Err(err_at(
                src,
                cut,
                TemplateProblem::TooLong {
                    max: MAX_TEMPLATE_CHARS,
                },
            ));
        }
        let raw = template.parse(LocatingSlice::new(src)).map_err(|e| {
            err_at(
                src,
                e.offset(),
                TemplateProblem::Expected {
                    what: context_words(e.inner()),
                },
            )
        })?;
        let mut parts = Vec::with_capacity(raw.len());
        for r in raw {
            parts.push(match r {
                Raw::Text(t) | Raw::Str(t) => Expr::Text(t),
                Raw::Call { name, at, args } => check_call(src, name, at, args)?,
            });
        }
        Ok(Template { parts })
    }

    /// Whether the template has no placeholder that changes from record to
    /// record.
    pub fn is_constant(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Expr::Text(_)))
    }
}

/// Fills templates from a seeded generator.
pub struct Filler {
    rng: ComponentRng,
    users: KeyGenerator,
    devices: KeyGenerator,
    products: KeyGenerator,
}

impl Filler {
    /// A filler for the component `label` under the lab seed.
    pub fn new(seed: u64, label: &str) -> Filler {
        Filler {
            rng: component_rng(seed, &format!("{label}.values")),
            users: KeyGenerator::with_label(
                KeyDistribution::UserIds,
                seed,
                &format!("{label}.users"),
            ),
            devices: KeyGenerator::with_label(
                KeyDistribution::DeviceType,
                seed,
                &format!("{label}.devices"),
            ),
            products: KeyGenerator::with_label(
                KeyDistribution::Zipf,
                seed,
                &format!("{label}.products"),
            ),
        }
    }

    /// Record number `seq`, at `epoch_ms` (milliseconds since 1970, UTC).
    pub fn render(&mut self, t: &Template, seq: u64, epoch_ms: u64) -> String {
        let mut out = String::new();
        for p in &t.parts {
            match p {
                Expr::Text(s) => out.push_str(s),
                Expr::Key(KeyDistribution::UserIds) => out.push_str(&self.users.next_key()),
                Expr::Key(KeyDistribution::DeviceType) => out.push_str(&self.devices.next_key()),
                Expr::Key(_) => out.push_str(&self.products.next_key()),
                Expr::Number { min, max } => {
                    out.push_str(&self.rng.random_range(*min..=*max).to_string())
                }
                Expr::Decimal { min, max, places } => {
                    let scale = 10i128.pow(*places);
                    let v = self
                        .rng
                        .random_range(*min as i128 * scale..=*max as i128 * scale);
                    let (sign, v) = if v < 0 { ("-", -v) } else { ("", v) };
                    if *places == 0 {
                        out.push_str(&format!("{sign}{v}"));
                    } else {
                        let p = *places as usize;
                        out.push_str(&format!("{sign}{}.{:0p$}", v / scale, v % scale));
                    }
                }
                Expr::Pick(choices) => {
                    let i = self.rng.random_range(0..choices.len());
                    out.push_str(&choices[i]);
                }
                Expr::Now => out.push_str(&iso8601(epoch_ms)),
                Expr::EpochMs => out.push_str(&epoch_ms.to_string()),
                Expr::Seq => out.push_str(&seq.to_string()),
                Expr::Uuid => {
                    let mut b: [u8; 16] = self.rng.random();
                    b[6] = (b[6] & 0x0f) | 0x40;
                    b[8] = (b[8] & 0x3f) | 0x80;
                    let h = crate::hash::to_hex(&b);
                    out.push_str(&format!(
                        "{}-{}-{}-{}-{}",
                        &h[..8],
                        &h[8..12],
                        &h[12..16],
                        &h[16..20],
                        &h[20..]
                    ));
                }
                Expr::Ip => {
                    let b: [u8; 4] = self.rng.random();
                    out.push_str(&format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]));
                }
            }
        }
        out
    }
}

/// A few records from a partition-key template and a data template, and
/// what their size means for one shard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Preview {
    /// (partition key, data) of each record.
    pub records: Vec<(String, String)>,
    /// Mean bytes per record, data plus partition key, over the sample.
    pub mean_bytes: f64,
    /// Such records one shard takes per second: the lower of its 1,000
    /// records/s and 1 MiB/s over the mean size.
    pub per_shard_per_second: u64,
}

/// Which template an error is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Which {
    PartitionKey,
    Data,
}

/// Parses both templates and fills `n` records (of `sample` used for the
/// sizes), one every `step_ms` from `epoch_ms`.
pub fn preview(
    key_src: &str,
    data_src: &str,
    seed: u64,
    n: usize,
    sample: usize,
    epoch_ms: u64,
    step_ms: u64,
) -> Result<Preview, (Which, TemplateError)> {
    use crate::stream::limits::{WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
    let key = Template::parse(key_src).map_err(|e| (Which::PartitionKey, e))?;
    let data = Template::parse(data_src).map_err(|e| (Which::Data, e))?;
    let mut keys = Filler::new(seed, "template.keys");
    let mut values = Filler::new(seed, "template.data");
    let mut records = Vec::with_capacity(n);
    let mut total = 0usize;
    let sample = sample.max(n).max(1);
    for i in 0..sample {
        let at = epoch_ms + i as u64 * step_ms;
        let k = keys.render(&key, i as u64, at);
        let d = values.render(&data, i as u64, at);
        total += k.len() + d.len();
        if i < n {
            records.push((k, d));
        }
    }
    let mean_bytes = total as f64 / sample as f64;
    let per_shard_per_second =
        WRITE_RECORDS_PER_SECOND.min((WRITE_BYTES_PER_SECOND as f64 / mean_bytes.max(1.0)) as u64);
    Ok(Preview {
        records,
        mean_bytes,
        per_shard_per_second,
    })
}

/// `2026-01-01T00:00:05.250Z` for milliseconds since 1970 (proleptic
/// Gregorian, UTC).
pub fn iso8601(epoch_ms: u64) -> String {
    let secs = epoch_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        epoch_ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, n: u64) -> Vec<String> {
        let t = Template::parse(src).unwrap();
        let mut f = Filler::new(7, "t");
        (0..n)
            .map(|i| f.render(&t, i, 1_767_225_600_000 + i * 250))
            .collect()
    }

    #[test]
    fn the_kdg_style_example_renders() {
        let out = render(
            r#"{"user":"{{user_id}}","amount":{{number 1 500}},"ts":"{{now}}"}"#,
            50,
        );
        for (i, line) in out.iter().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["user"].as_str().unwrap().starts_with("user-"));
            let amount = v["amount"].as_i64().unwrap();
            assert!((1..=500).contains(&amount));
            assert_eq!(v["ts"], iso8601(1_767_225_600_000 + i as u64 * 250));
        }
        assert_eq!(out[0].matches("2026-01-01T00:00:00.000Z").count(), 1);
        // Seeded: the same again.
        assert_eq!(
            out,
            render(
                r#"{"user":"{{user_id}}","amount":{{number 1 500}},"ts":"{{now}}"}"#,
                50
            )
        );
    }

    #[test]
    fn helpers_give_what_they_say() {
        let out = render(
            r#"{{ seq }}|{{decimal -2 2 3}}|{{pick "a" "b\"c"}}|{{uuid}}|{{ip}}|{{"{{"}}|{{device}}|{{epoch_ms}}"#,
            200,
        );
        for (i, line) in out.iter().enumerate() {
            let f: Vec<&str> = line.split('|').collect();
            assert_eq!(f[0], i.to_string());
            let d: f64 = f[1].parse().unwrap();
            assert!(
                (-2.0..=2.0).contains(&d) && f[1].split('.').nth(1).unwrap().len() == 3,
                "{}",
                f[1]
            );
            assert!(["a", "b\"c"].contains(&f[2]));
            assert_eq!(f[3].len(), 36);
            assert_eq!(&f[3][14..15], "4");
            assert_eq!(
                f[4].split('.').filter(|o| o.parse::<u8>().is_ok()).count(),
                4
            );
            assert_eq!(f[5], "{{");
            assert!(["mobile", "web", "tablet"].contains(&f[6]));
        }
    }

    #[test]
    fn dates_are_right() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_767_225_599_999), "2025-12-31T23:59:59.999Z");
        assert_eq!(iso8601(4_107_542_400_000), "2100-03-01T00:00:00.000Z");
    }

    #[test]
    fn errors_name_the_position() {
        let cases: [(&str, usize, usize, &str); 10] = [
            ("{\"a\":{{numbr 1 5}}}", 1, 8, "unknown helper `numbr`"),
            (
                "x {{number 1}}",
                1,
                5,
                "`number` is written `number MIN MAX`",
            ),
            ("x {{number 9 1}}", 1, 12, "the smaller bound comes first"),
            (
                "line one\nand {{user_id",
                2,
                14,
                "`}}` to close the placeholder",
            ),
            (
                "{{pick a b}}",
                1,
                8,
                "put text arguments in double quotes: \"a\"",
            ),
            ("{{ }}", 1, 4, "a helper name or a quoted string"),
            ("{{\"open}}", 1, 10, "a closing `\"`"),
            (
                "{{decimal 1 2 9}}",
                1,
                15,
                "decimal places must be from 0 to 6",
            ),
            ("{{now 3}}", 1, 7, "`now` is written `now`"),
            ("", 1, 1, "empty"),
        ];
        for (src, line, column, want) in cases {
            let e = Template::parse(src).unwrap_err();
            assert_eq!((e.line, e.column), (line, column), "{src:?}: {e}");
            assert!(e.to_string().contains(want), "{src:?}: {e}");
        }
    }

    proptest::proptest! {
        /// Whatever the text, parsing answers (and a template that parses
        /// renders) without panicking; braces are the interesting part.
        #[test]
        fn any_text_is_safe(src in "[{}\"\\ a-z0-9\n-]{0,40}|\\PC{0,40}") {
            if let Ok(t) = Template::parse(&src) {
                let _ = Filler::new(1, "p").render(&t, 3, 1_000);
            }
        }
    }

    #[test]
    fn columns_count_characters() {
        let e = Template::parse("Xin chào {{bogus}}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 12));
    }
}
