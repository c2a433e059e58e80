//! Lesson and quiz Markdown to HTML, at build time (`build.rs` includes this
//! file; `tests/markdown.rs` tests it). The pages put the result in the DOM as
//! HTML, so nothing in a lesson file may become markup of its own:
//!
//! - raw HTML (a block such as `<script>…` or inline such as `<b onclick=…>`)
//!   is shown as text, escaped;
//! - a link or image whose address has a scheme other than `http`, `https`
//!   or `mailto` (`javascript:`, `data:`, `vbscript:`, …) loses its link and
//!   keeps its text; addresses without a scheme (`#/lessons/…`, `page.html`)
//!   are kept. The scheme is read the way a browser reads it: case ignored,
//!   tabs, newlines and leading spaces or control characters dropped, after
//!   pulldown-cmark has decoded entities.
//!
//! Everything else is pulldown-cmark's own HTML writer, which escapes text and
//! attribute values.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// Whether a link or image address may be kept.
pub fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    match cleaned[..end].find(':') {
        None => true,
        Some(i) => matches!(&cleaned[..i], "http" | "https" | "mailto"),
    }
}

/// Markdown to HTML. `inline`: a single paragraph loses its `<p>` wrapper
/// (for options and hints shown inside other elements).
pub fn render(md: &str, inline: bool) -> String {
    // For each open link or image, whether it was dropped.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES)
        .filter_map(|e| match e {
            Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
            Event::Start(Tag::Link { ref dest_url, .. })
            | Event::Start(Tag::Image { ref dest_url, .. }) => {
                let keep = safe_url(dest_url);
                dropped.push(!keep);
                keep.then_some(e)
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if dropped.pop().unwrap_or(false) {
                    None
                } else {
                    Some(e)
                }
            }
            other => Some(other),
        });
    let mut out = String::new();
    html::push_html(&mut out, events);
    let out = out.trim().to_owned();
    if inline {
        if let Some(inner) = out.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
            if !inner.contains("<p>") {
                return inner.to_owned();
            }
        }
    }
    out
}
