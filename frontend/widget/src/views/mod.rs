//! What the visitor sees: the panel and its parts.

pub mod app;
mod attach;
mod booking;
mod conversation;
mod forms;
mod header;
mod rating;

/// Puts the caret in the input bar (the visitor just opened the chat).
pub fn focus_input() {
    use wasm_bindgen::JsCast;
    let input = leptos::prelude::document()
        .query_selector(".composer textarea")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
