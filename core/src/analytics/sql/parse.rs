//! Rewrite + sqlparser, one statement at a time, with errors located in the
//! student's text.

use sqlparser::ast::Statement;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::dialect::KdaDialect;
use super::rewrite::{rewrite, tokenizer_error, Edit};
use super::text::LineIndex;
use crate::analytics::error::{SqlError, SqlErrorKind};

/// sqlparser's own depth guard (it counts nested expressions and queries).
pub const RECURSION_LIMIT: usize = 32;

/// One parsed statement; `start..end` are the bytes from its first to its
/// last token (without the `;`).
#[derive(Clone, Debug)]
pub struct ParsedStmt {
    pub ast: Statement,
    pub index: usize,
    pub start: usize,
    pub end: usize,
}

/// A parsed application.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The student's text.
    pub src: String,
    /// The rewritten text (same length, same lines and columns).
    pub text: String,
    pub lines: LineIndex,
    pub stmts: Vec<ParsedStmt>,
    pub edits: Vec<Edit>,
    /// The significant tokens of the rewritten text: (token, start byte, end byte).
    pub tokens: Vec<(Token, usize, usize)>,
}

/// Parses a whole application. Every statement is parsed even when an
/// earlier one fails, so all syntax errors are reported at once.
pub fn parse(src: &str) -> Result<Parsed, Vec<SqlError>> {
    let rw = rewrite(src).map_err(|e| vec![e])?;
    let text = rw.text;
    let lines = LineIndex::new(&text);
    let toks = Tokenizer::new(&KdaDialect, &text)
        .tokenize_with_location()
        .map_err(|e| vec![tokenizer_error(&text, &lines, &e)])?;
    let mut segments: Vec<Vec<TokenWithSpan>> = vec![Vec::new()];
    for t in toks {
        match t.token {
            Token::SemiColon => segments.push(Vec::new()),
            Token::EOF => {}
            _ => segments.last_mut().map(|s| s.push(t)).unwrap_or(()),
        }
    }
    let mut stmts = Vec::new();
    let mut errors = Vec::new();
    let mut tokens = Vec::new();
    for seg in segments {
        let sig: Vec<(Token, usize, usize)> = seg
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .map(|t| {
                let a = lines.offset(&text, t.span.start.line, t.span.start.column);
                let b = lines
                    .offset(&text, t.span.end.line, t.span.end.column)
                    .max(a);
                (t.token.clone(), a, b)
            })
            .collect();
        let (Some(first), Some(last)) = (sig.first(), sig.last()) else {
            continue;
        };
        let (start, end) = (first.1, last.2);
        if longest_chain(&sig) > MAX_CHAIN || too_deep(&sig) {
            errors.push(SqlError {
                span: lines.span(&text, start, end),
                kind: SqlErrorKind::TooDeep,
            });
            tokens.extend(sig);
            continue;
        }
        // The statement's index as the rewrite numbered it (a blanked pump
        // header can make a statement start later than the rewrite saw it).
        let index = rw
            .stmt_starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let result = Parser::new(&KdaDialect)
            .with_recursion_limit(RECURSION_LIMIT)
            .with_tokens_with_locations(seg)
            .parse_statements();
        match result {
            Ok(parsed) => {
                for ast in parsed {
                    stmts.push(ParsedStmt {
                        ast,
                        index,
                        start,
                        end,
                    });
                }
            }
            Err(e) => errors.push(parser_error(&text, &lines, &sig, start, end, &e)),
        }
        tokens.extend(sig);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Parsed {
        src: src.to_string(),
        text,
        lines,
        stmts,
        edits: rw.edits,
        tokens,
    })
}

/// The longest run of operators at one parenthesis level allowed. sqlparser
/// builds `a + a + a + …` as a left-deep tree without counting it against
/// its recursion limit, and walking (or dropping) a very deep tree overflows
/// the stack, so such statements are refused before parsing.
pub const MAX_CHAIN: usize = 100;

/// How deeply a statement may nest, in units: a parenthesis or CASE … END
/// is one unit, a subquery (`(SELECT …`, `CURSOR(SELECT …`) four.
/// sqlparser's recursion guard does not count every level (nested calls
/// such as `ABS(ABS(…))` pass through it) and its frames are large (about
/// 100 KB of stack per call level and 200 KB per subquery in a debug
/// build), so deeper statements are refused before parsing. Sixteen units
/// leave room for every AWS example (the deepest uses six).
pub const MAX_NESTING: usize = 16;

fn too_deep(sig: &[(Token, usize, usize)]) -> bool {
    use sqlparser::keywords::Keyword;
    let mut stack: Vec<usize> = Vec::new();
    let mut units = 0usize;
    for (i, (t, _, _)) in sig.iter().enumerate() {
        let open = match t {
            Token::LParen | Token::LBracket | Token::LBrace => {
                let query = matches!(sig.get(i + 1), Some((Token::Word(w), _, _))
                    if w.keyword == Keyword::SELECT || w.keyword == Keyword::WITH);
                Some(if query { 4 } else { 1 })
            }
            Token::Word(w) if w.keyword == Keyword::CASE => Some(1),
            _ => None,
        };
        let close = matches!(t, Token::RParen | Token::RBracket | Token::RBrace)
            || matches!(t, Token::Word(w) if w.keyword == Keyword::END);
        if let Some(u) = open {
            stack.push(u);
            units += u;
        } else if close {
            units -= stack.pop().unwrap_or(0);
        }
        if units > MAX_NESTING {
            return true;
        }
    }
    false
}

fn longest_chain(sig: &[(Token, usize, usize)]) -> usize {
    use sqlparser::keywords::Keyword;
    let mut stack = vec![0usize];
    let mut longest = 0;
    for (t, _, _) in sig {
        match t {
            Token::LParen | Token::LBracket => stack.push(0),
            Token::RParen | Token::RBracket => {
                if stack.len() > 1 {
                    stack.pop();
                }
            }
            Token::Comma => {
                if let Some(n) = stack.last_mut() {
                    *n = 0;
                }
            }
            Token::Word(w) => {
                if matches!(
                    w.keyword,
                    Keyword::AND
                        | Keyword::OR
                        | Keyword::IS
                        | Keyword::NOT
                        | Keyword::LIKE
                        | Keyword::IN
                        | Keyword::BETWEEN
                        | Keyword::COLLATE
                        | Keyword::AT
                ) {
                    if let Some(n) = stack.last_mut() {
                        *n += 1;
                        longest = longest.max(*n);
                    }
                }
            }
            Token::Number(..) | Token::SingleQuotedString(_) | Token::SemiColon | Token::Period => {
            }
            _ => {
                if let Some(n) = stack.last_mut() {
                    *n += 1;
                    longest = longest.max(*n);
                }
            }
        }
    }
    longest
}

/// The parser's message as a located, student-friendly error.
fn parser_error(
    text: &str,
    lines: &LineIndex,
    sig: &[(Token, usize, usize)],
    start: usize,
    end: usize,
    e: &ParserError,
) -> SqlError {
    let msg = match e {
        ParserError::RecursionLimitExceeded => {
            return SqlError {
                span: lines.span(text, start, end),
                kind: SqlErrorKind::TooDeep,
            };
        }
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.as_str(),
    };
    let (body, at) = split_location(msg);
    let at = at.map(|(l, c)| lines.offset(text, l, c));
    let (expected, found) = match body
        .strip_prefix("Expected: ")
        .and_then(|r| r.split_once(", found: "))
    {
        Some((x, y)) => (Some(x.trim()), Some(y.trim())),
        None => (None, None),
    };
    match (at, found) {
        (None, _) | (_, Some("EOF")) => {
            let kind = SqlErrorKind::UnexpectedEnd {
                expected: friendly(expected.unwrap_or("more")),
            };
            SqlError {
                span: lines.span(text, end, end),
                kind,
            }
        }
        (Some(a), found) => {
            let tok_end = sig.iter().find(|t| t.1 == a).map_or(a, |t| t.2);
            let found = found
                .map(str::to_string)
                .or_else(|| sig.iter().find(|t| t.1 == a).map(|t| t.0.to_string()));
            let kind = match (expected, found) {
                (Some(x), Some(y)) => SqlErrorKind::Syntax {
                    expected: friendly(x),
                    found: y,
                },
                (None, Some(y)) => SqlErrorKind::Syntax {
                    expected: "valid SQL".into(),
                    found: y,
                },
                _ => SqlErrorKind::Other(body.to_string()),
            };
            SqlError {
                span: lines.span(text, a, tok_end),
                kind,
            }
        }
    }
}

/// Splits sqlparser's `" at Line: L, Column: C"` suffix off a message.
fn split_location(msg: &str) -> (&str, Option<(u64, u64)>) {
    let Some(i) = msg.rfind(" at Line: ") else {
        return (msg, None);
    };
    let tail = &msg[i + " at Line: ".len()..];
    let Some((l, c)) = tail.split_once(", Column: ") else {
        return (msg, None);
    };
    match (l.trim().parse(), c.trim().parse()) {
        (Ok(l), Ok(c)) => (&msg[..i], Some((l, c))),
        _ => (msg, None),
    }
}

/// sqlparser's expectation in words a student reads.
fn friendly(expected: &str) -> String {
    match expected {
        "end of statement" => "the end of the statement (a ;)".into(),
        "an SQL statement" => "a statement (CREATE STREAM, CREATE PUMP, SELECT STREAM …)".into(),
        "identifier" => "a name".into(),
        "a data type name" => "a column type (INTEGER, DOUBLE, VARCHAR(n), TIMESTAMP …)".into(),
        other => other.to_string(),
    }
}
