//! What the chat keeps in the browser between page loads: the outbox and whether the pre-chat
//! form was answered.
//!
//! Embedded on a business's site, the chat is a third-party frame, and browsers block or
//! partition third-party storage (Chromium throws "Access is denied"). So the host page keeps
//! it: the loader hands over what it holds in `init`, and every change goes back to it with a
//! `store` message, exactly as the visitor token does. Opened on its own (a preview), the chat
//! uses its own `localStorage`.

use std::cell::RefCell;

use web_sys::Storage;

use crate::host::{self, Frame};
use crate::thread::Pending;

thread_local! {
    /// What the loader handed over, kept up to date with every change (two names: a list).
    static HELD: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

/// The names the chat stores under.
const OUTBOX: &str = "outbox";
const PRECHAT: &str = "prechat";

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn local_name(frame: &Frame, what: &str) -> String {
    format!("switchboard:{}:{what}", frame.key)
}

/// Takes what the host page holds for us (the loader's `init`).
pub fn seed(held: Vec<(String, String)>) {
    HELD.with(|h| h.borrow_mut().extend(held));
}

fn get(frame: &Frame, what: &str) -> Option<String> {
    if frame.host.is_some() {
        return HELD.with(|h| {
            h.borrow()
                .iter()
                .find(|(name, _)| name == what)
                .map(|(_, value)| value.clone())
        });
    }
    local()?.get_item(&local_name(frame, what)).ok().flatten()
}

fn put(frame: &Frame, what: &str, value: String) {
    if frame.host.is_some() {
        host::post(
            frame,
            &serde_json::json!({ "sb": "store", "name": what, "value": value }),
        );
        HELD.with(|h| {
            let mut held = h.borrow_mut();
            held.retain(|(name, _)| name != what);
            held.push((what.to_string(), value));
        });
    } else if let Some(storage) = local() {
        // A full storage only costs the reload guarantee, never the message.
        let _ = storage.set_item(&local_name(frame, what), &value);
    }
}

/// The messages not acknowledged yet, oldest first.
pub fn outbox(frame: &Frame) -> Vec<Pending> {
    get(frame, OUTBOX)
        .map(|json| crate::wire::outbox(&json))
        .unwrap_or_default()
}

/// Saves the outbox.
pub fn save_outbox(frame: &Frame, outbox: &[Pending]) {
    put(frame, OUTBOX, crate::wire::outbox_json(outbox));
}

/// Whether the pre-chat form was answered on this browser.
pub fn prechat_answered(frame: &Frame) -> bool {
    get(frame, PRECHAT).is_some()
}

/// Remembers that the pre-chat form was answered.
pub fn set_prechat_answered(frame: &Frame) {
    put(frame, PRECHAT, "1".into());
}
