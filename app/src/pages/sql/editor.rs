//! The SQL editor: a plain textarea (so typing, selection, undo and screen
//! readers behave as in any text field) laid over a `<pre>` that shows the
//! same text highlighted with the compiler worker's tokens, each error
//! underlined at its span. The errors are listed under it with their line
//! and column; choosing one puts the caret there. Ctrl+Enter runs.

use super::Sq;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::analytics::error::{Pos, SqlError};
use leptos::html::Textarea;
use leptos::prelude::*;

/// Byte offset of a 1-based (line, char column) position in `text`,
/// clamped to the text.
pub fn offset(text: &str, pos: Pos) -> usize {
    let mut line = 1u32;
    let mut start = 0usize;
    if pos.line > 1 {
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line += 1;
                if line == pos.line {
                    start = i + 1;
                    break;
                }
            }
        }
        if line < pos.line {
            return text.len();
        }
    }
    let rest = &text[start..];
    let col = pos.column.saturating_sub(1) as usize;
    let end_of_line = rest.find('\n').unwrap_or(rest.len());
    rest.char_indices()
        .nth(col)
        .map(|(i, _)| start + i.min(end_of_line))
        .unwrap_or(start + end_of_line)
}

/// The text cut into runs, each with its token class and whether an error covers it.
pub fn segments(
    text: &str,
    tokens: &[(usize, usize, String)],
    errors: &[(usize, usize)],
) -> Vec<(String, Option<String>, bool)> {
    let len = text.len();
    let mut cuts = vec![0, len];
    for &(s, e, _) in tokens {
        cuts.push(s.min(len));
        cuts.push(e.min(len));
    }
    for &(s, e) in errors {
        cuts.push(s.min(len));
        cuts.push(e.min(len));
    }
    cuts.retain(|&c| text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(String, Option<String>, bool)> = Vec::new();
    let mut ti = 0;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        while ti < tokens.len() && tokens[ti].1 <= a {
            ti += 1;
        }
        let class = tokens
            .get(ti)
            .filter(|t| t.0 <= a && b <= t.1)
            .map(|t| t.2.clone());
        let err = errors.iter().any(|&(s, e)| s <= a && b <= e);
        match out.last_mut() {
            Some(last) if last.1 == class && last.2 == err => last.0.push_str(&text[a..b]),
            _ => out.push((text[a..b].to_owned(), class, err)),
        }
    }
    out
}

/// An error's byte range in `text`; an empty span covers the next
/// character (or the end of the text).
pub fn error_range(text: &str, e: &SqlError) -> (usize, usize) {
    let s = offset(text, e.span.start);
    let mut t = offset(text, e.span.end).max(s);
    if t == s {
        t = text[s..]
            .chars()
            .next()
            .map(|c| s + c.len_utf8())
            .unwrap_or(s);
    }
    (s, t)
}

#[component]
pub fn Editor(sq: Sq) -> impl IntoView {
    let ctx = use_ctx();
    let area = NodeRef::<Textarea>::new();
    let pre = NodeRef::<leptos::html::Pre>::new();

    let highlighted = move || {
        let text = sq.sql.get();
        let reply = sq.reply.get();
        let (tokens, errors) = match &reply {
            Some((_, r)) => (
                r.tokens.clone(),
                r.errors
                    .iter()
                    .map(|e| error_range(&text, e))
                    .collect::<Vec<_>>(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let at_end = errors.iter().any(|&(s, _)| s >= text.len());
        let mut segs = segments(&text, &tokens, &errors);
        // A trailing newline needs a character after it for the <pre> to be as tall as the textarea.
        segs.push((
            if at_end {
                " ".into()
            } else {
                "\u{200b}".into()
            },
            None,
            at_end,
        ));
        segs.into_iter()
            .map(|(t, class, err)| {
                let class = match (class, err) {
                    (Some(c), true) => format!("tok-{c} sql-err"),
                    (Some(c), false) => format!("tok-{c}"),
                    (None, true) => "sql-err".into(),
                    (None, false) => String::new(),
                };
                view! { <span class=class>{t}</span> }
            })
            .collect_view()
    };

    let sync_scroll = move || {
        if let (Some(a), Some(p)) = (area.get_untracked(), pre.get_untracked()) {
            p.set_scroll_top(a.scroll_top());
            p.set_scroll_left(a.scroll_left());
        }
    };

    let go_to = move |e: SqlError| {
        if let Some(a) = area.get_untracked() {
            let text = sq.sql.get_untracked();
            let (s, t) = error_range(&text, &e);
            // The textarea counts UTF-16 units.
            let u = |b: usize| text[..b].encode_utf16().count() as u32;
            let _ = a.focus();
            let _ = a.set_selection_range(u(s), u(t));
        }
    };

    view! {
        <div class="sql-editor-wrap">
            <label for="sql-editor" class="label">{move || ctx.t(T::SqlEditor)}</label>
            <div class="sql-editor">
                <pre class="sql-highlight mono" aria-hidden="true" node_ref=pre>{highlighted}</pre>
                <textarea
                    id="sql-editor"
                    class="mono"
                    node_ref=area
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    maxlength="65536"
                    aria-describedby="sql-editor-help sql-problems"
                    prop:value=move || sq.sql.get()
                    on:input=move |ev| {
                        sq.sql.set(event_target_value(&ev));
                        sync_scroll();
                    }
                    on:scroll=move |_| sync_scroll()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            sq.run_now.run(());
                        }
                    }
                ></textarea>
            </div>
            <p class="help" id="sql-editor-help">{move || ctx.t(T::SqlEditorHelp)}</p>
            <div id="sql-problems" role="status" aria-live="polite">
                {move || {
                    let lang = ctx.lang.get();
                    let errors = sq.reply.with(|r| r.as_ref().map(|(_, r)| r.errors.clone()).unwrap_or_default());
                    let warnings = sq.reply.with(|r| r.as_ref().and_then(|(_, r)| r.plan.as_ref().map(|p| p.warnings.clone())).unwrap_or_default());
                    let list = move |items: Vec<SqlError>, id: &'static str, title: T, class: &'static str| {
                        (!items.is_empty()).then(|| view! {
                            <div class=class>
                                <strong>{title.get(lang)}</strong>
                                <ul id=id>
                                    {items.into_iter().map(|e| {
                                        let at = i18n::sql_at(lang, e.span.start.line, e.span.start.column);
                                        let msg = i18n::sql_error(lang, &e.kind);
                                        let e2 = e.clone();
                                        view! {
                                            <li data-line=e.span.start.line data-column=e.span.start.column>
                                                <button type="button" class="link mono" on:click=move |_| go_to(e2.clone())>{at}</button>
                                                ": " {msg}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </div>
                        })
                    };
                    view! {
                        {list(errors, "sql-error-list", T::SqlProblems, "sql-errors error")}
                        {list(warnings, "sql-warning-list", T::SqlRemarks, "sql-warnings")}
                    }
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinesis_lab_core::analytics::error::{Span, SqlErrorKind};

    #[test]
    fn positions_become_byte_offsets_counting_characters() {
        let text = "SELECT\n  «x» FROM t\n";
        assert_eq!(offset(text, Pos { line: 1, column: 1 }), 0);
        assert_eq!(offset(text, Pos { line: 2, column: 3 }), 9);
        // « is two bytes: column 4 is after it.
        assert_eq!(&text[offset(text, Pos { line: 2, column: 4 })..][..1], "x");
        // Past the line's end: the end of that line; past the text: its end.
        assert_eq!(
            offset(
                text,
                Pos {
                    line: 1,
                    column: 99
                }
            ),
            6
        );
        assert_eq!(offset(text, Pos { line: 9, column: 1 }), text.len());
    }

    #[test]
    fn segments_cover_the_text_once_with_classes_and_errors() {
        let text = "SELECT a FROM t";
        let tokens = vec![
            (0, 6, "keyword".to_string()),
            (7, 8, "ident".into()),
            (9, 13, "keyword".into()),
        ];
        let err = SqlError {
            span: Span {
                start: Pos { line: 1, column: 8 },
                end: Pos { line: 1, column: 8 },
            },
            kind: SqlErrorKind::Other("x".into()),
        };
        let range = error_range(text, &err);
        assert_eq!(range, (7, 8));
        let segs = segments(text, &tokens, &[range]);
        let joined: String = segs.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(joined, text);
        assert!(segs
            .iter()
            .any(|s| s.0 == "a" && s.1.as_deref() == Some("ident") && s.2));
        // Stale tokens past the end and inside a character are ignored, not a panic.
        let segs = segments("é", &[(1, 5, "keyword".into())], &[(0, 9)]);
        assert_eq!(segs.iter().map(|s| s.0.as_str()).collect::<String>(), "é");
    }
}
