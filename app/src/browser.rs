//! The edge between the app and the browser. Everything here may fail (no
//! storage in a private window, no clipboard permission): every function
//! returns an `Option`/`bool` and never panics.

use leptos::prelude::window;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn save(key: &str, value: &str) -> bool {
    storage()
        .map(|s| s.set_item(key, value).is_ok())
        .unwrap_or(false)
}

pub fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// Replaces the fragment without adding a history entry or firing
/// `hashchange`: used to keep the address bar a shareable link.
pub fn replace_hash(hash: &str) {
    if current_hash() == hash {
        return;
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

/// The full address of the page, for "copy link".
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

pub fn copy_to_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    let _ = clipboard.write_text(text);
    true
}

pub fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .map(|m| m.matches())
        .unwrap_or(false)
}

pub fn device_pixel_ratio() -> f64 {
    window().device_pixel_ratio().clamp(1.0, 3.0)
}

/// A fresh seed for the engine. The browser's randomness only ever seeds the
/// core's generators; the core never asks for randomness itself.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No crypto source: any value is a valid seed.
        return 42;
    }
    // Keep seeds short enough to read aloud and type into a URL.
    u64::from_le_bytes(bytes) % 1_000_000
}

/// The element's computed font size in CSS pixels (16 if unknown), so canvas
/// text scales with the page's type on a projector.
pub fn font_px(el: &web_sys::Element) -> f64 {
    window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(16.0)
}

/// Offers `text` as a JSON file download.
pub fn download(name: &str, text: &str) -> bool {
    download_as(name, "application/json", text)
}

/// Offers `text` as a file download of the given type.
pub fn download_as(name: &str, mime: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let done = (|| {
        let a = document()
            .create_element("a")
            .ok()?
            .dyn_into::<web_sys::HtmlAnchorElement>()
            .ok()?;
        a.set_href(&url);
        a.set_download(name);
        a.click();
        Some(())
    })();
    let _ = web_sys::Url::revoke_object_url(&url);
    done.is_some()
}

/// The first file chosen in an `<input type=file>` change event.
pub fn first_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0);
    input.set_value("");
    file
}

/// A file's text; None if it cannot be read.
pub async fn file_text(file: web_sys::File) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?
        .as_string()
}

pub fn confirm(message: &str) -> bool {
    window().confirm_with_message(message).unwrap_or(false)
}

fn document() -> web_sys::Document {
    leptos::prelude::document()
}
