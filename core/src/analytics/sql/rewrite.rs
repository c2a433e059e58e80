//! The length-preserving rewrite that turns KDA SQL into SQL sqlparser reads.
//!
//! Every change swaps a token for text of the same length, or for blanks
//! (newlines are kept), so a line and column of the rewritten text is the same
//! line and column of the student's text: errors need no position mapping.
//! What was changed is recorded in a side table of [`Edit`]s:
//!
//! | KDA / Flink                                   | rewritten to                          |
//! |-----------------------------------------------|---------------------------------------|
//! | `// comment`                                  | `-- comment`                          |
//! | `SELECT STREAM a`                             | `SELECT        a`                     |
//! | `CREATE [OR REPLACE] STREAM s (…)`            | `CREATE [OR REPLACE] TABLE  s (…)`    |
//! | `CREATE [OR REPLACE] PUMP p AS INSERT …`      | blanks, then `INSERT …`               |
//! | `STEP(x BY INTERVAL …)`                       | `STEP(x ,  INTERVAL …)`               |
//! | `WINDOWED BY STAGGER (PARTITION BY a RANGE i)`| `GROUP    BY STAGGER (             a ,     i)` |
//! | `TUMBLE(TABLE t, …)` / `HOP(TABLE t, …)`      | `TUMBLE(      t, …)`                  |
//! | `…, WATERMARK FOR ts AS ts - INTERVAL …)`     | blanks (in CREATE TABLE)              |

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::dialect::KdaDialect;
use super::text::LineIndex;
use crate::analytics::error::{SqlError, SqlErrorKind};

/// One change of the rewrite: `stmt` is the statement's index (statements
/// are split at `;`, empty ones not counted), `start..end` the bytes of the
/// original text it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub stmt: usize,
    pub start: usize,
    pub end: usize,
    pub kind: EditKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditKind {
    /// `//` → `--`.
    SlashComment,
    /// `STREAM` after the `select`-th SELECT keyword of the statement (0-based).
    SelectStream { select: usize },
    /// `CREATE … STREAM` → `CREATE … TABLE`.
    CreateStream,
    /// `CREATE [OR REPLACE] PUMP name AS` blanked; `name` as written (without quotes).
    Pump {
        name: String,
        quoted: bool,
        or_replace: bool,
    },
    /// The `BY` of the `step`-th `STEP(` call of the statement → `,`.
    StepBy { step: usize },
    /// `WINDOWED BY STAGGER (PARTITION BY … [RANGE …])` → `GROUP BY STAGGER(…, …)`;
    /// `range` tells whether RANGE was there (then its interval is the last argument).
    Stagger { range: bool },
    /// The `TABLE` before the first argument of the `call`-th TUMBLE/HOP call.
    TableArg { call: usize },
    /// `, WATERMARK FOR column AS expr` blanked (texts as written).
    Watermark { column: String, expr: String },
}

/// The rewritten text (same length as the original) and what was changed.
#[derive(Clone, Debug)]
pub struct Rewritten {
    pub text: String,
    pub edits: Vec<Edit>,
    /// The byte offset of each statement's first token (index = `Edit::stmt`).
    pub stmt_starts: Vec<usize>,
}

/// Blanks `src[a..b]` in `buf` keeping both the byte length and (except for
/// 4-byte characters) the column count: a multi-byte character becomes a
/// Unicode space of the same length, which sqlparser reads as whitespace.
fn blank(buf: &mut [u8], src: &str, a: usize, b: usize) {
    let Some(part) = src.get(a..b) else { return };
    for (o, c) in part.char_indices() {
        let at = a + o;
        let fill: &[u8] = match c.len_utf8() {
            _ if c == '\n' || c == '\r' => continue,
            1 => b" ",
            2 => "\u{a0}".as_bytes(),
            3 => "\u{2000}".as_bytes(),
            _ => "\u{a0}\u{a0}".as_bytes(),
        };
        buf[at..at + fill.len()].copy_from_slice(fill);
    }
}

/// `//` line comments → `--`, skipping strings, quoted names and comments.
/// Returns the byte offsets of the changed comments.
fn slash_comments(src: &str, out: &mut [u8]) -> Vec<usize> {
    let b = src.as_bytes();
    let mut at = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let q = b[i];
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out[i] = b'-';
                out[i + 1] = b'-';
                at.push(i);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    at
}

pub(crate) fn is_kw(t: &Token, k: Keyword) -> bool {
    matches!(t, Token::Word(w) if w.keyword == k && w.quote_style.is_none())
}

pub(crate) fn is_word(t: &Token, s: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(s))
}

/// Flink's window table-valued functions, whose first argument is `TABLE t`.
pub(crate) fn is_tvf(t: &Token) -> bool {
    is_word(t, "TUMBLE") || is_word(t, "HOP")
}

/// A tokenizer error as a located SQL error.
pub(crate) fn tokenizer_error(
    src: &str,
    lines: &LineIndex,
    e: &sqlparser::tokenizer::TokenizerError,
) -> SqlError {
    let at = if e.location.line == 0 {
        src.len()
    } else {
        lines.offset(src, e.location.line, e.location.column)
    };
    let m = e.message.to_ascii_lowercase();
    let kind = if m.contains("string") {
        SqlErrorKind::Unterminated {
            what: "string".into(),
        }
    } else if m.contains("delimiter") {
        SqlErrorKind::Unterminated {
            what: "quoted name".into(),
        }
    } else if m.contains("comment") {
        SqlErrorKind::Unterminated {
            what: "comment".into(),
        }
    } else {
        SqlErrorKind::BadToken {
            message: e.message.clone(),
        }
    };
    let end = if matches!(kind, SqlErrorKind::Unterminated { .. }) {
        src.len()
    } else {
        (at + 1).min(src.len())
    };
    SqlError {
        span: lines.span(src, at, end),
        kind,
    }
}

/// Significant tokens of `text` with byte ranges and statement indexes.
pub(crate) struct SigToken {
    pub token: Token,
    pub start: usize,
    pub end: usize,
    pub stmt: usize,
}

#[allow(clippy::result_large_err)] // called once per text, not on a hot path
pub(crate) fn significant(text: &str, lines: &LineIndex) -> Result<Vec<SigToken>, SqlError> {
    let toks = Tokenizer::new(&KdaDialect, text)
        .tokenize_with_location()
        .map_err(|e| tokenizer_error(text, lines, &e))?;
    let mut out = Vec::with_capacity(toks.len());
    let mut stmt = 0;
    let mut nonempty = false;
    for t in toks {
        if matches!(t.token, Token::Whitespace(_) | Token::EOF) {
            continue;
        }
        let start = lines.offset(text, t.span.start.line, t.span.start.column);
        let end = lines
            .offset(text, t.span.end.line, t.span.end.column)
            .max(start);
        if t.token == Token::SemiColon {
            if nonempty {
                stmt += 1;
            }
            nonempty = false;
            out.push(SigToken {
                token: t.token,
                start,
                end,
                stmt: usize::MAX,
            });
            continue;
        }
        nonempty = true;
        out.push(SigToken {
            token: t.token,
            start,
            end,
            stmt,
        });
    }
    Ok(out)
}

/// Rewrites KDA SQL so that sqlparser reads it; see the module docs.
#[allow(clippy::result_large_err)] // called once per text, not on a hot path
pub fn rewrite(src: &str) -> Result<Rewritten, SqlError> {
    let lines = LineIndex::new(src);
    let mut out = src.as_bytes().to_vec();
    let mut edits = Vec::new();
    let comments = slash_comments(src, &mut out);
    // The comment scan only swaps ASCII bytes for ASCII bytes.
    let text = String::from_utf8(out.clone()).unwrap_or_else(|_| src.to_string());
    let sig = significant(&text, &lines)?;
    let mut stmt_starts = Vec::new();
    for t in &sig {
        if t.stmt != usize::MAX && t.stmt == stmt_starts.len() {
            stmt_starts.push(t.start);
        }
    }
    for at in comments {
        let stmt =
            sig.iter()
                .find(|t| t.start > at)
                .map(|t| if t.stmt == usize::MAX { 0 } else { t.stmt });
        edits.push(Edit {
            stmt: stmt.unwrap_or(0),
            start: at,
            end: at + 2,
            kind: EditKind::SlashComment,
        });
    }
    // Per-statement ordinals of SELECT, STEP( and TUMBLE/HOP( (the printer counts the same way).
    let mut select_ord = vec![usize::MAX; sig.len()];
    let mut step_ord = vec![usize::MAX; sig.len()];
    let mut tvf_ord = vec![usize::MAX; sig.len()];
    {
        let (mut cur, mut s, mut st, mut tv) = (usize::MAX, 0, 0, 0);
        for (i, t) in sig.iter().enumerate() {
            if t.stmt != cur && t.stmt != usize::MAX {
                cur = t.stmt;
                (s, st, tv) = (0, 0, 0);
            }
            let next_paren = sig.get(i + 1).is_some_and(|n| n.token == Token::LParen);
            if is_kw(&t.token, Keyword::SELECT) {
                select_ord[i] = s;
                s += 1;
            } else if is_word(&t.token, "STEP") && next_paren {
                step_ord[i] = st;
                st += 1;
            } else if is_tvf(&t.token) && next_paren {
                tvf_ord[i] = tv;
                tv += 1;
            }
        }
    }
    let word_at = |i: usize, f: &dyn Fn(&Token) -> bool| sig.get(i).is_some_and(|t| f(&t.token));
    let mut i = 0;
    while i < sig.len() {
        let t = &sig[i].token;
        let stmt = sig[i].stmt;
        if is_kw(t, Keyword::SELECT) && word_at(i + 1, &|n| is_word(n, "STREAM")) {
            let s = &sig[i + 1];
            blank(&mut out, src, s.start, s.end);
            edits.push(Edit {
                stmt,
                start: s.start,
                end: s.end,
                kind: EditKind::SelectStream {
                    select: select_ord[i],
                },
            });
            i += 2;
            continue;
        }
        if is_kw(t, Keyword::CREATE) {
            let mut j = i + 1;
            let or_replace = word_at(j, &|n| is_kw(n, Keyword::OR))
                && word_at(j + 1, &|n| is_kw(n, Keyword::REPLACE));
            if or_replace {
                j += 2;
            }
            if word_at(j, &|n| is_word(n, "STREAM")) {
                let s = &sig[j];
                out[s.start..s.end].copy_from_slice(b"TABLE ");
                edits.push(Edit {
                    stmt,
                    start: s.start,
                    end: s.end,
                    kind: EditKind::CreateStream,
                });
                i = j + 1;
                continue;
            }
            if word_at(j, &|n| is_word(n, "PUMP")) {
                let name = match sig.get(j + 1).map(|n| &n.token) {
                    Some(Token::Word(w))
                        if w.quote_style.is_none() || w.quote_style == Some('"') =>
                    {
                        Some(w.clone())
                    }
                    _ => None,
                };
                let has_as = word_at(j + 2, &|n| is_kw(n, Keyword::AS));
                match name {
                    Some(w) if has_as => {
                        let start = sig[i].start;
                        let end = sig[j + 2].end;
                        blank(&mut out, src, start, end);
                        let quoted = w.quote_style.is_some();
                        edits.push(Edit {
                            stmt,
                            start,
                            end,
                            kind: EditKind::Pump {
                                name: w.value,
                                quoted,
                                or_replace,
                            },
                        });
                        i = j + 3;
                        continue;
                    }
                    _ => {
                        let (k, expected) = if has_as
                            || sig.get(j + 1).is_none_or(|n| is_kw(&n.token, Keyword::AS))
                        {
                            (j + 1, "a name")
                        } else {
                            (j + 2, "AS")
                        };
                        let (a, b, found) = match sig.get(k) {
                            Some(n) if n.stmt == stmt => (n.start, n.end, format!("{}", n.token)),
                            _ => {
                                let e = sig[k - 1].end;
                                return Err(SqlError {
                                    span: lines.span(src, e, e),
                                    kind: SqlErrorKind::UnexpectedEnd {
                                        expected: expected.into(),
                                    },
                                });
                            }
                        };
                        return Err(SqlError {
                            span: lines.span(src, a, b),
                            kind: SqlErrorKind::Syntax {
                                expected: expected.into(),
                                found,
                            },
                        });
                    }
                }
            }
        }
        // Flink: TUMBLE(TABLE t, …) / HOP(TABLE t, …)
        if is_kw(t, Keyword::TABLE)
            && i >= 2
            && sig[i - 1].token == Token::LParen
            && tvf_ord[i - 2] != usize::MAX
            && word_at(i + 1, &|n| matches!(n, Token::Word(_)))
        {
            let s = &sig[i];
            blank(&mut out, src, s.start, s.end);
            edits.push(Edit {
                stmt,
                start: s.start,
                end: s.end,
                kind: EditKind::TableArg {
                    call: tvf_ord[i - 2],
                },
            });
            i += 1;
            continue;
        }
        // Flink: `, WATERMARK FOR ts AS expr` inside CREATE TABLE (…)
        if is_word(t, "WATERMARK")
            && i >= 1
            && sig[i - 1].token == Token::Comma
            && word_at(i + 1, &|n| is_kw(n, Keyword::FOR))
            && word_at(i + 2, &|n| matches!(n, Token::Word(_)))
            && word_at(i + 3, &|n| is_kw(n, Keyword::AS))
            && sig.get(i + 4).is_some_and(|n| n.stmt == stmt)
        {
            let mut depth = 0i32;
            let mut j = i + 4;
            while j < sig.len() && sig[j].stmt == stmt {
                match sig[j].token {
                    Token::LParen => depth += 1,
                    Token::RParen if depth == 0 => break,
                    Token::RParen => depth -= 1,
                    Token::Comma if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            if j > i + 4 {
                let start = sig[i - 1].start;
                let end = sig[j - 1].end;
                let column = src[sig[i + 2].start..sig[i + 2].end].to_string();
                let expr = src[sig[i + 4].start..end].to_string();
                blank(&mut out, src, start, end);
                edits.push(Edit {
                    stmt,
                    start,
                    end,
                    kind: EditKind::Watermark { column, expr },
                });
                i = j;
                continue;
            }
        }
        let stagger = is_word(t, "STAGGER")
            && i >= 2
            && is_word(&sig[i - 2].token, "WINDOWED")
            && is_kw(&sig[i - 1].token, Keyword::BY)
            && word_at(i + 1, &|n| *n == Token::LParen);
        if step_ord[i] != usize::MAX || stagger {
            let mut depth = 0i32;
            let mut j = i + 1;
            let mut range = false;
            while j < sig.len() && sig[j].stmt == stmt {
                match &sig[j].token {
                    Token::LParen => depth += 1,
                    Token::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    tok if depth == 1 => {
                        if !stagger && is_kw(tok, Keyword::BY) {
                            let a = sig[j].start;
                            out[a..a + 2].copy_from_slice(b", ");
                            edits.push(Edit {
                                stmt,
                                start: a,
                                end: a + 2,
                                kind: EditKind::StepBy { step: step_ord[i] },
                            });
                        }
                        if stagger
                            && is_kw(tok, Keyword::PARTITION)
                            && word_at(j + 1, &|n| is_kw(n, Keyword::BY))
                        {
                            blank(&mut out, src, sig[j].start, sig[j + 1].end);
                            j += 1;
                        } else if stagger && is_kw(tok, Keyword::RANGE) && !range {
                            let a = sig[j].start;
                            out[a..a + 5].copy_from_slice(b",    ");
                            range = true;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if stagger {
                let w = &sig[i - 2];
                out[w.start..w.start + 8].copy_from_slice(b"GROUP   ");
                let end = sig.get(j).map_or(src.len(), |t| t.end);
                edits.push(Edit {
                    stmt,
                    start: w.start,
                    end,
                    kind: EditKind::Stagger { range },
                });
            }
        }
        i += 1;
    }
    edits.sort_by_key(|e| e.start);
    // Only ASCII bytes were written over ASCII bytes, so this cannot fail.
    let text = String::from_utf8(out).unwrap_or_else(|_| src.to_string());
    Ok(Rewritten {
        text,
        edits,
        stmt_starts,
    })
}

/// The text with `//` comments turned into `--` ones (for the highlighter),
/// or `None` when there are none.
pub(crate) fn rewrite_comments(src: &str) -> Option<String> {
    let mut out = src.as_bytes().to_vec();
    if slash_comments(src, &mut out).is_empty() {
        return None;
    }
    String::from_utf8(out).ok()
}
