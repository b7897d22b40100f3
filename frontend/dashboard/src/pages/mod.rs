//! One module per screen.

pub mod accept_invitation;
pub mod login;
pub mod section;

/// Names the browser tab after the screen, so several open tabs stay tellable apart.
pub fn set_title(page: &str) {
    leptos::prelude::document().set_title(&format!("{page} · Switchboard"));
}
