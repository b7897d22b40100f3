//! What the chat keeps in the browser between page loads (our origin's storage, partitioned
//! by the host site): the outbox and whether the pre-chat form was answered.

use web_sys::Storage;

use crate::thread::Pending;

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn name(key: &str, what: &str) -> String {
    format!("switchboard:{key}:{what}")
}

/// The messages not acknowledged yet, oldest first.
pub fn outbox(key: &str) -> Vec<Pending> {
    local()
        .and_then(|s| s.get_item(&name(key, "outbox")).ok().flatten())
        .map(|json| crate::wire::outbox(&json))
        .unwrap_or_default()
}

/// Saves the outbox (a full storage only costs the reload guarantee, never the message).
pub fn save_outbox(key: &str, outbox: &[Pending]) {
    if let Some(storage) = local() {
        let _ = storage.set_item(&name(key, "outbox"), &crate::wire::outbox_json(outbox));
    }
}

/// Whether a flag was set on this browser.
pub fn flag(key: &str, what: &str) -> bool {
    local()
        .and_then(|s| s.get_item(&name(key, what)).ok().flatten())
        .is_some()
}

/// Sets a flag for later visits.
pub fn set_flag(key: &str, what: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(&name(key, what), "1");
    }
}
