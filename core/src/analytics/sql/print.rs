//! Prints a parsed application back as KDA SQL: sqlparser's `Display`, with
//! each rewrite of the side table undone on the printed tokens. Comments and
//! layout are not kept; `parse(print(parse(x)))` equals `parse(x)` (AST and
//! side table, positions and `//` comments aside).

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::dialect::KdaDialect;
use super::parse::Parsed;
use super::rewrite::{is_kw, is_tvf, is_word, EditKind};
use super::text::LineIndex;

pub fn print(parsed: &Parsed) -> String {
    let mut out = Vec::new();
    for st in &parsed.stmts {
        let kinds: Vec<&EditKind> = parsed
            .edits
            .iter()
            .filter(|e| e.stmt == st.index && e.kind != EditKind::SlashComment)
            .map(|e| &e.kind)
            .collect();
        out.push(print_statement(&st.ast.to_string(), &kinds));
    }
    let mut s = out.join(";\n");
    if !s.is_empty() {
        s.push(';');
    }
    s
}

/// The matching `)` of the `(` at `open`.
fn close(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// The next significant token after `i`.
fn next(toks: &[Token], i: usize) -> Option<usize> {
    (i + 1..toks.len()).find(|&j| !matches!(toks[j], Token::Whitespace(_)))
}

/// Top-level commas between `open` and its `close`.
fn commas(toks: &[Token], open: usize, end: usize) -> Vec<usize> {
    let mut depth = 0;
    let mut v = Vec::new();
    for (j, t) in toks.iter().enumerate().take(end).skip(open) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 1 => v.push(j),
            _ => {}
        }
    }
    v
}

fn print_statement(text: &str, kinds: &[&EditKind]) -> String {
    let Ok(with_loc) = Tokenizer::new(&KdaDialect, text).tokenize_with_location() else {
        return text.to_string();
    };
    // Each token keeps its own text (a token's Display would lose the
    // doubling of quotes inside strings); edits replace whole tokens.
    let lines = LineIndex::new(text);
    let mut toks = Vec::with_capacity(with_loc.len());
    let mut piece: Vec<String> = Vec::with_capacity(with_loc.len());
    let mut at = 0;
    for t in with_loc {
        if t.token == Token::EOF {
            continue;
        }
        let end = lines
            .offset(text, t.span.end.line, t.span.end.column)
            .max(at);
        piece.push(text.get(at..end).unwrap_or_default().to_string());
        at = end;
        toks.push(t.token);
    }
    if at < text.len() {
        if let Some(last) = piece.last_mut() {
            last.push_str(&text[at..]);
        }
    }
    let mut prefix = String::new();
    let (mut sel, mut step, mut tvf) = (0usize, 0usize, 0usize);
    let mut create_done = false;
    for (i, t) in toks.iter().enumerate() {
        let paren_next = next(&toks, i).filter(|&j| toks[j] == Token::LParen);
        if is_kw(t, Keyword::SELECT) {
            if kinds.contains(&&EditKind::SelectStream { select: sel }) {
                piece[i] = "SELECT STREAM".into();
            }
            sel += 1;
        } else if is_kw(t, Keyword::TABLE)
            && !create_done
            && kinds.contains(&&EditKind::CreateStream)
        {
            piece[i] = "STREAM".into();
            create_done = true;
        } else if let (true, Some(open)) = (is_word(t, "STEP"), paren_next) {
            if kinds.contains(&&EditKind::StepBy { step }) {
                if let Some(end) = close(&toks, open) {
                    if let Some(&c) = commas(&toks, open, end).first() {
                        piece[c] = " BY".into();
                    }
                }
            }
            step += 1;
        } else if let (true, Some(open)) = (is_tvf(t), paren_next) {
            if kinds.contains(&&EditKind::TableArg { call: tvf }) {
                piece[open] = "(TABLE ".into();
            }
            tvf += 1;
        } else if is_kw(t, Keyword::GROUP) {
            let by = next(&toks, i).filter(|&j| is_kw(&toks[j], Keyword::BY));
            let st = by
                .and_then(|j| next(&toks, j))
                .filter(|&j| is_word(&toks[j], "STAGGER"));
            let open = st
                .and_then(|j| next(&toks, j))
                .filter(|&j| toks[j] == Token::LParen);
            let range = kinds.iter().find_map(|k| match k {
                EditKind::Stagger { range } => Some(*range),
                _ => None,
            });
            if let (Some(open), Some(range)) = (open, range) {
                piece[i] = "WINDOWED".into();
                piece[open] = "(PARTITION BY ".into();
                if range {
                    if let Some(end) = close(&toks, open) {
                        if let Some(&c) = commas(&toks, open, end).last() {
                            piece[c] = " RANGE".into();
                        }
                    }
                }
            }
        }
    }
    for k in kinds {
        match k {
            EditKind::Pump {
                name,
                quoted,
                or_replace,
            } => {
                let name = if *quoted {
                    format!("\"{}\"", name.replace('"', "\"\""))
                } else {
                    name.clone()
                };
                let or = if *or_replace { "OR REPLACE " } else { "" };
                prefix = format!("CREATE {or}PUMP {name} AS ");
            }
            EditKind::Watermark { column, expr } => {
                // Before the `)` that closes the column list.
                if let Some(open) = toks.iter().position(|t| *t == Token::LParen) {
                    if let Some(end) = close(&toks, open) {
                        piece[end] = format!(", WATERMARK FOR {column} AS {expr})");
                    }
                }
            }
            _ => {}
        }
    }
    prefix + &piece.concat()
}
