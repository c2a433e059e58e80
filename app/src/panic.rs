//! The panic hook. A panic in WebAssembly stops the app, so no panic may
//! reach a student silently: the hook logs it to the console (with
//! `console_error_panic_hook`'s stack) and puts up a plain panel, "Something
//! went wrong", with the error, a Reload button and a Copy details button.
//!
//! The panel is built with plain DOM calls, not Leptos: after a panic the
//! reactive runtime may be half-way through an update and must not be
//! touched. Its buttons' click handlers are the browser's own functions
//! (`location.reload` and `navigator.clipboard.writeText`, bound with
//! `Function.prototype.bind`), so they work even if the wasm instance cannot
//! be called again; only the "Copied" status is set from Rust. Every text is
//! set with `textContent`, never parsed as HTML, so a message cannot inject
//! markup. The language is the one saved in progress (`progress::STORAGE_KEY`),
//! read straight from localStorage; English if none is saved.
//!
//! Both wasm binaries (the full app and the landing page) call [`install`]
//! from their mount functions in `lib.rs`.

use crate::i18n::Lang;
use std::panic::PanicHookInfo;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The panel's element id (the end-to-end harness fails a test that sees it).
pub const PANEL_ID: &str = "panic-panel";
/// Longest panic message shown (characters); the rest is cut.
const MAX_MESSAGE: usize = 2_000;

/// One string in both languages.
#[derive(Clone, Copy)]
struct Tx(&'static str, &'static str);

impl Tx {
    fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.0,
            Lang::Vi => self.1,
        }
    }
}

const TITLE: Tx = Tx("Something went wrong", "Đã có lỗi xảy ra");
const BODY: Tx = Tx(
    "The lab hit an error it could not recover from and has stopped. Reload the page to start again; your saved progress is kept. If it happens again, copy the details below and send them with your report.",
    "Lab gặp một lỗi không tự khắc phục được nên đã dừng. Hãy tải lại trang để chạy lại; tiến độ đã lưu vẫn còn nguyên. Nếu lỗi lặp lại, hãy sao chép phần chi tiết bên dưới và gửi kèm khi báo lỗi.",
);
const RELOAD: Tx = Tx("Reload", "Tải lại trang");
const COPY: Tx = Tx("Copy details", "Sao chép chi tiết");
const COPIED: Tx = Tx("Copied.", "Đã sao chép.");
const COPY_FAILED: Tx = Tx(
    "Could not copy: the details are selected, press Ctrl+C (⌘C on a Mac).",
    "Không sao chép được: phần chi tiết đã được chọn sẵn, hãy bấm Ctrl+C (⌘C trên máy Mac).",
);
const DETAILS: Tx = Tx("Error details", "Chi tiết lỗi");

/// Installs the hook (once; later calls do nothing).
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            show(&message(info));
        }));
    });
}

/// The panic's message and where it happened.
fn message(info: &PanicHookInfo) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned());
    match info.location() {
        Some(l) => format!("{text}\n  at {}:{}:{}", l.file(), l.line(), l.column()),
        None => text,
    }
}

/// The language saved in progress, from the raw localStorage value.
pub fn saved_lang(raw: Option<&str>) -> Lang {
    raw.and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
        .and_then(|v| v.get("lang")?.as_str().and_then(Lang::from_code))
        .unwrap_or(Lang::En)
}

/// The text the Copy button copies: the message (cut to a readable length),
/// the page's address (a share link reproduces the state) and the browser.
pub fn details(message: &str, href: &str, user_agent: &str) -> String {
    let mut m: String = message.chars().take(MAX_MESSAGE).collect();
    if message.chars().nth(MAX_MESSAGE).is_some() {
        m.push('…');
    }
    format!(
        "Kinesis Lab {}\n{m}\n\nPage: {href}\nBrowser: {user_agent}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Shows the panel, or adds the message to the one already shown. Never
/// panics: every DOM call that fails just ends the attempt.
fn show(message: &str) {
    let _ = try_show(message);
}

fn try_show(message: &str) -> Option<()> {
    let window = web_sys::window()?;
    let document = window.document()?;
    if let Some(text) = document.get_element_by_id("panic-details") {
        let old = text.text_content().unwrap_or_default();
        text.set_text_content(Some(&format!("{old}\n\n{}", message)));
        return Some(());
    }
    let raw = window
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(crate::progress::STORAGE_KEY).ok().flatten());
    let lang = saved_lang(raw.as_deref());
    let href = window.location().href().unwrap_or_default();
    let ua = window.navigator().user_agent().unwrap_or_default();
    let details = details(message, &href, &ua);

    let el = |tag: &str, class: &str, text: Option<&str>| -> Option<web_sys::Element> {
        let e = document.create_element(tag).ok()?;
        e.set_class_name(class);
        if let Some(t) = text {
            e.set_text_content(Some(t));
        }
        Some(e)
    };
    let panel = el("div", "panic-panel", None)?;
    panel.set_id(PANEL_ID);
    panel.set_attribute("role", "alert").ok()?;
    panel.set_attribute("lang", lang.code()).ok()?;
    panel.set_attribute("aria-labelledby", "panic-title").ok()?;
    let card = el("div", "panic-card", None)?;
    let title = el("h2", "panic-title", Some(TITLE.get(lang)))?;
    title.set_id("panic-title");
    let body = el("p", "panic-body", Some(BODY.get(lang)))?;
    let row = el("div", "panic-actions", None)?;
    let reload = el(
        "button",
        "panic-button panic-primary",
        Some(RELOAD.get(lang)),
    )?;
    reload.set_id("panic-reload");
    reload.set_attribute("type", "button").ok()?;
    let copy = el("button", "panic-button", Some(COPY.get(lang)))?;
    copy.set_id("panic-copy");
    copy.set_attribute("type", "button").ok()?;
    let status = el("span", "panic-status", None)?;
    status.set_id("panic-status");
    status.set_attribute("role", "status").ok()?;
    let label = el("label", "panic-label", Some(DETAILS.get(lang)))?;
    label.set_attribute("for", "panic-details").ok()?;
    let text = el("textarea", "panic-details", None)?;
    text.set_id("panic-details");
    text.set_attribute("readonly", "").ok()?;
    text.set_attribute("rows", "6").ok()?;
    text.set_attribute("spellcheck", "false").ok()?;
    text.set_text_content(Some(&details));

    row.append_child(&reload).ok()?;
    row.append_child(&copy).ok()?;
    row.append_child(&status).ok()?;
    for child in [&title, &body, &row, &label, &text] {
        card.append_child(child).ok()?;
    }
    panel.append_child(&card).ok()?;
    // First in the page, so it is also first in reading and Tab order.
    let parent: web_sys::Element = match document.body() {
        Some(b) => b.into(),
        None => document.document_element()?,
    };
    parent
        .insert_before(&panel, parent.first_child().as_ref())
        .ok()?;

    // Reload: the browser's own `location.reload`, bound to `location`.
    let location: JsValue = window.location().into();
    if let Some(f) = method(&location, "reload") {
        let bound = f.bind0(&location);
        let _ = reload.add_event_listener_with_callback("click", &bound);
    }
    // Copy: select the details (Ctrl+C then works anyway) and write them to
    // the clipboard, both with the browser's own functions.
    let text_value: JsValue = text.clone().into();
    if let Some(f) = method(&text_value, "select") {
        let _ = copy.add_event_listener_with_callback("click", &f.bind0(&text_value));
    }
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard
        .as_ref()
        .filter(|c| c.is_object())
        .and_then(|c| Some((c, method(c, "writeText")?)));
    // The status line is the only part that runs Rust after the panic; if the
    // instance cannot be called, the copy still happens.
    let on_copy = Closure::<dyn Fn()>::new({
        let status = status.clone();
        let details = details.clone();
        let write = write.map(|(c, f)| (c.clone(), f));
        move || {
            let done = write
                .as_ref()
                .and_then(|(c, f)| f.call1(c, &JsValue::from_str(&details)).ok())
                .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
            let status = status.clone();
            match done {
                Some(p) => {
                    let ok = status.clone();
                    let on_ok = Closure::<dyn FnMut(JsValue)>::new(move |_| {
                        ok.set_text_content(Some(COPIED.get(lang)))
                    });
                    let on_err = Closure::<dyn FnMut(JsValue)>::new(move |_| {
                        status.set_text_content(Some(COPY_FAILED.get(lang)))
                    });
                    let _ = p.then2(&on_ok, &on_err);
                    on_ok.forget();
                    on_err.forget();
                }
                None => status.set_text_content(Some(COPY_FAILED.get(lang))),
            }
        }
    });
    let _ = copy.add_event_listener_with_callback("click", on_copy.as_ref().unchecked_ref());
    on_copy.forget();

    if let Some(r) = reload.dyn_ref::<web_sys::HtmlElement>() {
        let _ = r.focus();
    }
    Some(())
}

/// `obj[name]` if it is a function.
fn method(obj: &JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(obj, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_saved_progress() {
        assert_eq!(saved_lang(None), Lang::En);
        assert_eq!(saved_lang(Some("not json")), Lang::En);
        assert_eq!(saved_lang(Some(r#"{"version":1}"#)), Lang::En);
        assert_eq!(saved_lang(Some(r#"{"version":1,"lang":"vi"}"#)), Lang::Vi);
        assert_eq!(saved_lang(Some(r#"{"lang":"klingon"}"#)), Lang::En);
        assert_eq!(saved_lang(Some(r#"{"lang":7}"#)), Lang::En);
        assert_eq!(saved_lang(Some("[1,2]")), Lang::En);
    }

    #[test]
    fn details_hold_message_page_and_browser_and_cut_long_messages() {
        let d = details(
            "index out of bounds",
            "http://x/#/streams?s=1.abc",
            "Chromium",
        );
        assert!(d.contains("index out of bounds"), "{d}");
        assert!(d.contains("Page: http://x/#/streams?s=1.abc"), "{d}");
        assert!(d.contains("Browser: Chromium"), "{d}");
        let long = "é".repeat(MAX_MESSAGE + 10);
        let d = details(&long, "", "");
        assert_eq!(d.matches('é').count(), MAX_MESSAGE);
        assert!(d.contains('…'));
        let exact = "a".repeat(MAX_MESSAGE);
        assert!(!details(&exact, "", "").contains('…'));
    }

    #[test]
    fn every_text_has_both_languages() {
        for t in [TITLE, BODY, RELOAD, COPY, COPIED, COPY_FAILED, DETAILS] {
            assert!(!t.get(Lang::En).is_empty() && !t.get(Lang::Vi).is_empty());
            assert_ne!(t.get(Lang::En), t.get(Lang::Vi));
        }
    }
}
