//! The Switchboard dashboard: the single-page app agents, admins and owners work in.
//! It talks only to the same-origin REST API under `/api/v1`.

mod api;
mod app;
mod components;
mod live;
mod pages;
mod title;

fn main() {
    console_error_panic_hook::set_once();
    remove_boot_screen();
    leptos::mount::mount_to_body(app::App);
}

/// `index.html` shows a loading state while the wasm downloads; the app replaces it.
fn remove_boot_screen() {
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
}
