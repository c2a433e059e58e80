//! Lesson Markdown cannot inject HTML: the build script's renderer
//! (`build/markdown.rs`) escapes raw HTML and drops links with unsafe schemes.
//! The checker below reads the renderer's output tag by tag and allows only
//! the tags and attributes plain Markdown produces; it is shown to catch what
//! pulldown-cmark alone would let through, then run on hostile input, on
//! random input, and on every rendered text of the lab's own catalog.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../build/markdown.rs"]
mod markdown;

use markdown::{render, safe_url};
use proptest::prelude::*;

#[rustfmt::skip]
const TAGS: &[&str] = &[
    "p", "em", "strong", "del", "code", "pre", "a", "img", "ul", "ol", "li", "h1", "h2", "h3",
    "h4", "h5", "h6", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
];

/// What in `html` is more than plain Markdown's markup: unknown tags,
/// unknown or event-handler attributes, addresses with unsafe schemes.
fn markup_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = match rest.find('>') {
            Some(e) => e,
            None => {
                problems.push(format!("unclosed '<' before {rest:?}"));
                break;
            }
        };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let body = tag.strip_prefix('/').unwrap_or(tag).trim_end_matches('/');
        let name_end = body
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();
        if !TAGS.contains(&name.as_str()) {
            problems.push(format!("tag <{tag}>"));
            continue;
        }
        // Attributes as pulldown-cmark writes them: name="value".
        let mut attrs = body[name_end..].trim();
        while !attrs.is_empty() {
            let Some((attr, after)) = attrs.split_once("=\"") else {
                problems.push(format!("attribute {attrs:?} in <{tag}>"));
                break;
            };
            let Some((value, after)) = after.split_once('"') else {
                problems.push(format!("unquoted value in <{tag}>"));
                break;
            };
            attrs = after.trim_start();
            let value = unescape(value);
            let ok = match attr.trim().to_ascii_lowercase().as_str() {
                "href" | "src" => safe_url(&value),
                "alt" | "title" => true,
                "class" => value.starts_with("language-"),
                "start" => value.parse::<u64>().is_ok(),
                "style" => [
                    "text-align: left",
                    "text-align: center",
                    "text-align: right",
                ]
                .contains(&value.as_str()),
                _ => false,
            };
            if !ok {
                problems.push(format!("{attr}=\"{value}\" in <{name}>"));
            }
        }
    }
    problems
}

/// An attribute value as the browser reads it: character references decoded.
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16).ok())
                .unwrap_or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Markdown that tries to become markup, one way each.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "Text <script>alert(1)</script> inline",
    "<img src=x onerror=alert(1)>",
    "\"><img src=x onerror=alert(1)>",
    "a <b onclick=\"alert(1)\">bold</b> word",
    "<div>\n\n*still a div*\n\n</div>",
    "<iframe src=\"https://example.com\"></iframe>",
    "<a href=\"javascript:alert(1)\">raw link</a>",
    "<!-- comment --><style>body{display:none}</style>",
    "[click](javascript:alert(1))",
    "[click](JavaScript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](<java\tscript:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "![pic](javascript:alert(1))",
    "![pic\"onerror=\"alert(1)](x.png)",
    "[x](https://example.com/\"onmouseover=\"alert(1))",
    "| a | b |\n|:-|-:|\n| <script>x</script> | [c](javascript:1) |",
    "`<script>` in code and ```\n<script>alert(1)</script>\n```",
];

#[test]
fn the_checker_catches_what_pulldown_cmark_alone_lets_through() {
    use pulldown_cmark::{html, Parser};
    let mut missed = Vec::new();
    for md in HOSTILE {
        let mut raw = String::new();
        html::push_html(
            &mut raw,
            Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES),
        );
        if markup_problems(&raw).is_empty() {
            missed.push(*md);
        }
    }
    // Only the attribute-quoting attempts, which pulldown-cmark escapes itself.
    assert_eq!(
        missed,
        [
            "![pic\"onerror=\"alert(1)](x.png)",
            "[x](https://example.com/\"onmouseover=\"alert(1))"
        ]
    );
}

#[test]
fn hostile_markdown_renders_as_text() {
    for md in HOSTILE {
        for inline in [false, true] {
            let out = render(md, inline);
            assert_eq!(
                markup_problems(&out),
                Vec::<String>::new(),
                "{md:?} -> {out}"
            );
        }
    }
    // The words survive, as text.
    let out = render("Text <script>alert(1)</script> inline", false);
    assert!(
        out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{out}"
    );
    let out = render("[click](javascript:alert(1))", true);
    assert_eq!(out, "click");
    let out = render("<img src=x onerror=alert(1)>", false);
    assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
    let out = render("![pic](javascript:alert(1)) after", true);
    assert_eq!(out, "pic after");
}

#[test]
fn safe_links_and_formatting_are_kept() {
    let out = render(
        "See [the docs](https://docs.aws.amazon.com/streams/latest/dev/introduction.html), \
         [step 2](#/lessons/hot-shards/2), [mail](mailto:a@example.com) and **bold** `code`.",
        true,
    );
    assert!(
        out.contains(r#"<a href="https://docs.aws.amazon.com/streams/latest/dev/introduction.html">the docs</a>"#),
        "{out}"
    );
    assert!(
        out.contains(r##"<a href="#/lessons/hot-shards/2">step 2</a>"##),
        "{out}"
    );
    assert!(out.contains(r#"<a href="mailto:a@example.com">"#), "{out}");
    assert!(
        out.contains("<strong>bold</strong> <code>code</code>"),
        "{out}"
    );
    let table = render("| a | b |\n|:-|-:|\n| 1 | 2 |", false);
    assert_eq!(markup_problems(&table), Vec::<String>::new(), "{table}");
    assert!(table.contains("<table>"), "{table}");
}

#[test]
fn url_schemes() {
    for ok in [
        "https://x",
        "HTTP://x",
        "#/lessons/a",
        "page.html",
        "/abs",
        "?q=a:b",
        "a/b:c",
        "mailto:x@y",
    ] {
        assert!(safe_url(ok), "{ok}");
    }
    for bad in [
        "javascript:x",
        " JAVASCRIPT:x",
        "java\nscript:x",
        "\u{1}javascript:x",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "blob:https://x/y",
    ] {
        assert!(!safe_url(bad), "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256)
    ))]
    #[test]
    fn any_markdown_renders_to_plain_markup(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("<".to_string()), Just(">".to_string()), Just("\"".to_string()),
                Just("'".to_string()), Just("[a](".to_string()), Just(")".to_string()),
                Just("javascript:".to_string()), Just("onerror=".to_string()),
                Just("<script>".to_string()), Just("&#106;".to_string()), Just("\n\n".to_string()),
                Just("![i](".to_string()), Just("`".to_string()), Just("|".to_string()),
                "[a-z :/]{0,6}",
            ],
            0..24,
        ),
        inline in any::<bool>(),
    ) {
        let md = parts.concat();
        let out = render(&md, inline);
        prop_assert_eq!(markup_problems(&out), Vec::<String>::new(), "{:?} -> {}", md, out);
    }
}

#[test]
fn every_rendered_text_in_the_catalog_is_plain_markup() {
    use kinesis_lab_core::lesson::Text;
    use kinesis_lab_core::quiz::ItemKind;
    let catalog = kinesis_lab_app::catalog::catalog();
    let mut texts: Vec<(String, &Text)> = Vec::new();
    for l in &catalog.lessons {
        texts.push((format!("{} summary", l.id), &l.summary));
        for (i, s) in l.steps.iter().enumerate() {
            texts.push((format!("{} step {}", l.id, i + 1), &s.text));
            if let Some(n) = &s.notes {
                texts.push((format!("{} notes {}", l.id, i + 1), n));
            }
            if let Some(p) = &s.predict {
                texts.push((format!("{} predict {}", l.id, i + 1), &p.question));
                texts.extend(p.options.iter().map(|o| (format!("{} option", l.id), o)));
            }
        }
        texts.extend(l.hints.iter().map(|h| (format!("{} hint", l.id), h)));
    }
    for q in &catalog.quiz {
        texts.push((format!("quiz {}", q.id), &q.prompt));
        texts.push((format!("quiz {} explanation", q.id), &q.explanation));
        match &q.kind {
            ItemKind::Single { options, .. } | ItemKind::Multiple { options, .. } => {
                texts.extend(options.iter().map(|o| (format!("quiz {} option", q.id), o)))
            }
            ItemKind::Ordering { items } => {
                texts.extend(items.iter().map(|o| (format!("quiz {} item", q.id), o)))
            }
            ItemKind::Numeric { .. } => {}
        }
    }
    assert!(texts.len() > 500, "only {} texts", texts.len());
    for (what, t) in texts {
        for html in [&t.en, &t.vi] {
            assert_eq!(
                markup_problems(html),
                Vec::<String>::new(),
                "{what}: {html}"
            );
        }
    }
}
