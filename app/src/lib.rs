//! Kinesis Lab's browser UI. `main.rs` only calls [`mount`]; pages live in
//! `pages/`, one module per route; browser side effects live in `browser`.

pub mod browser;
pub mod catalog;
pub mod clock;
pub mod i18n;
pub mod landing;
pub mod pages;
pub mod panic;
pub mod parquet;
pub mod progress;
pub mod route;
pub mod share;
pub mod shell;
pub mod sql;
pub mod widgets;

/// Installs the panic hook both builds share.
pub fn install_panic_hook() {
    panic::install();
}

/// Mounts the app on `<body>`.
pub fn mount() {
    install_panic_hook();
    leptos::mount::mount_to_body(shell::App);
}
