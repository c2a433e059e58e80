//! Token classes for the editor, from sqlparser's tokenizer.

use serde::{Deserialize, Serialize};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token as SqlToken, Tokenizer, Whitespace};

use super::dialect::KdaDialect;
use super::text::LineIndex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenClass {
    Keyword,
    Ident,
    QuotedIdent,
    String,
    Number,
    Comment,
    Operator,
    Punct,
    /// Text the tokenizer cannot read (an unterminated string, say): the rest.
    Error,
}

/// A highlighted range `[start, end)` of the text, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub class: TokenClass,
}

/// Words that are keywords in KDA but not to sqlparser.
const KDA_WORDS: [&str; 7] = [
    "STREAM", "PUMP", "STEP", "WINDOWED", "STAGGER", "ROWTIME", "CURSOR",
];

/// Classifies every token of `src` (whitespace is left out). Never fails: the
/// part the tokenizer cannot read becomes one `Error` token up to the end.
pub fn highlight(src: &str) -> Vec<Token> {
    // `//` comments are comments in KDA: tokenize the text with them as `--`.
    let text = match super::rewrite::rewrite_comments(src) {
        Some(t) => t,
        None => src.to_string(),
    };
    let lines = LineIndex::new(&text);
    let mut out = Vec::new();
    let mut tk = Tokenizer::new(&KdaDialect, &text);
    let mut toks = Vec::new();
    let res = tk.tokenize_with_location_into_buf(&mut toks);
    let mut last_end = 0;
    for t in &toks {
        let start = lines.offset(&text, t.span.start.line, t.span.start.column);
        let end = lines
            .offset(&text, t.span.end.line, t.span.end.column)
            .max(start);
        last_end = last_end.max(end);
        let class = match &t.token {
            SqlToken::EOF => continue,
            SqlToken::Whitespace(
                Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
            ) => TokenClass::Comment,
            SqlToken::Whitespace(_) => continue,
            SqlToken::Word(w) if w.quote_style.is_some() => TokenClass::QuotedIdent,
            SqlToken::Word(w) => {
                if w.keyword != Keyword::NoKeyword
                    || KDA_WORDS.iter().any(|k| w.value.eq_ignore_ascii_case(k))
                {
                    TokenClass::Keyword
                } else {
                    TokenClass::Ident
                }
            }
            SqlToken::Number(..) => TokenClass::Number,
            SqlToken::SingleQuotedString(_)
            | SqlToken::DoubleQuotedString(_)
            | SqlToken::NationalStringLiteral(_)
            | SqlToken::EscapedStringLiteral(_)
            | SqlToken::HexStringLiteral(_) => TokenClass::String,
            SqlToken::Comma
            | SqlToken::SemiColon
            | SqlToken::LParen
            | SqlToken::RParen
            | SqlToken::Period => TokenClass::Punct,
            SqlToken::LBracket | SqlToken::RBracket | SqlToken::LBrace | SqlToken::RBrace => {
                TokenClass::Punct
            }
            SqlToken::Char(_) => TokenClass::Error,
            _ => TokenClass::Operator,
        };
        if end > start {
            out.push(Token { start, end, class });
        }
    }
    if res.is_err() && last_end < src.len() {
        // The tokens before the failure are kept; the rest is one error token.
        let mut start = last_end;
        while start < src.len() && src.as_bytes()[start].is_ascii_whitespace() {
            start += 1;
        }
        if start < src.len() {
            out.push(Token {
                start,
                end: src.len(),
                class: TokenClass::Error,
            });
        }
    }
    out
}
