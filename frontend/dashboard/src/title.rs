//! The browser tab's title: the screen's name, and while the tab is hidden the number of
//! visitors waiting for an agent in front ("(3) Conversations · Switchboard"), so an agent
//! working in another tab sees the queue grow.

use std::cell::RefCell;

thread_local! {
    static TITLE: RefCell<Title> = RefCell::new(Title::default());
}

#[derive(Default)]
struct Title {
    page: String,
    waiting: Option<i64>,
}

/// Names the tab after the screen, so several open tabs stay tellable apart.
pub fn set_page(page: &str) {
    TITLE.with(|t| t.borrow_mut().page = page.to_string());
    show();
}

/// The waiting count to show in front of the title; `None` (or 0) shows none.
pub fn set_waiting(waiting: Option<i64>) {
    TITLE.with(|t| t.borrow_mut().waiting = waiting.filter(|n| *n > 0));
    show();
}

fn show() {
    let text = TITLE.with(|t| compose(&t.borrow()));
    leptos::prelude::document().set_title(&text);
}

fn compose(title: &Title) -> String {
    let base = if title.page.is_empty() {
        "Switchboard".to_string()
    } else {
        format!("{} · Switchboard", title.page)
    };
    match title.waiting {
        Some(n) => format!("({n}) {base}"),
        None => base,
    }
}
