//! The signed-in session: the token pair lives in localStorage so a reload or a new tab stays
//! signed in. When the session ends for good, one registered listener (the router) takes the
//! person to the sign-in screen, wherever the failing request came from.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::window;
use switchboard_types::auth::AuthTokens;
use web_sys::Storage;

/// localStorage key of the access token.
pub const ACCESS_KEY: &str = "sb.access";
/// localStorage key of the refresh token.
pub const REFRESH_KEY: &str = "sb.refresh";

/// The pair of tokens of a signed-in session.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

thread_local! {
    static ON_END: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

/// The stored tokens, if someone is signed in on this browser.
pub fn tokens() -> Option<Tokens> {
    let storage = storage()?;
    let access = storage.get_item(ACCESS_KEY).ok().flatten()?;
    let refresh = storage.get_item(REFRESH_KEY).ok().flatten()?;
    Some(Tokens { access, refresh })
}

/// Whether someone is signed in on this browser (their tokens may still turn out stale).
pub fn is_signed_in() -> bool {
    tokens().is_some()
}

/// Keeps the tokens of a new sign-in or refresh.
pub fn save(tokens: &AuthTokens) -> Tokens {
    if let Some(storage) = storage() {
        // Storage only fails when full or disabled; the session then lasts until reload.
        let _ = storage.set_item(ACCESS_KEY, &tokens.access_token);
        let _ = storage.set_item(REFRESH_KEY, &tokens.refresh_token);
    }
    Tokens {
        access: tokens.access_token.clone(),
        refresh: tokens.refresh_token.clone(),
    }
}

/// Forgets the tokens on this browser.
pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(ACCESS_KEY);
        let _ = storage.remove_item(REFRESH_KEY);
    }
}

/// The session is over (refresh refused, or signed out): forget it and tell the listener.
pub fn end() {
    clear();
    let listener = ON_END.with(|slot| slot.borrow().clone());
    if let Some(listener) = listener {
        listener();
    }
}

/// Registers what happens when the session ends; replaces any earlier listener.
pub fn on_end(listener: impl Fn() + 'static) {
    ON_END.with(|slot| *slot.borrow_mut() = Some(Rc::new(listener)));
}
