//! The landing build's entry point: mounts the shell with the home page only
//! and lets `static/boot.js` unmount it when the full app takes over.

use std::any::Any;
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    static MOUNTED: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

fn main() {
    kinesis_lab_app::install_panic_hook();
    // `mount_to_body` forgets its handle; `mount_to` returns it, and
    // dropping it is what unmounts. A page without a <body> cannot show the
    // lab; failing here shows the panic panel (as the full app does) rather
    // than a blank page.
    let body = leptos::prelude::document()
        .body()
        .expect("no <body> to mount the lab on");
    let handle = leptos::mount::mount_to(body, kinesis_lab_app::landing::Landing);
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
}

/// Removes the landing view and disposes of its reactive graph (its listeners
/// and the effect that saves progress), so the full app owns the page alone.
#[wasm_bindgen]
pub fn unmount() {
    let handle = MOUNTED.with(|m| m.borrow_mut().take());
    drop(handle);
}
