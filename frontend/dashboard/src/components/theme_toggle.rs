//! Light or dark. The choice is remembered in localStorage (`sb.theme`); until someone chooses,
//! the dashboard follows the system setting, live. `index.html` applies the same rule before
//! the app loads so the page never flashes the wrong colours.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::icons::{Icon, MOON, SUN};

const STORAGE_KEY: &str = "sb.theme";
const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    fn other(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The current theme, shared through context.
#[derive(Clone, Copy)]
struct CurrentTheme(RwSignal<Theme>);

fn chosen() -> Option<Theme> {
    let storage = window().local_storage().ok().flatten()?;
    Theme::parse(&storage.get_item(STORAGE_KEY).ok().flatten()?)
}

fn system_prefers_dark() -> bool {
    window()
        .match_media(DARK_QUERY)
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

fn system() -> Theme {
    if system_prefers_dark() {
        Theme::Dark
    } else {
        Theme::Light
    }
}

fn apply(theme: Theme) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
}

/// Applies the theme and keeps following the system until the person picks one.
pub fn provide_theme() {
    let theme = RwSignal::new(chosen().unwrap_or_else(system));
    Effect::new(move || apply(theme.get()));
    follow_system(theme);
    provide_context(CurrentTheme(theme));
}

fn follow_system(theme: RwSignal<Theme>) {
    let Some(query) = window().match_media(DARK_QUERY).ok().flatten() else {
        return;
    };
    let on_change = Closure::<dyn Fn()>::new(move || {
        if chosen().is_none() {
            theme.set(system());
        }
    });
    let _ = query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_change.forget();
}

/// The sun/moon button in the top bar.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let CurrentTheme(theme) = expect_context();
    let toggle = move |_| {
        let next = theme.get_untracked().other();
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(STORAGE_KEY, next.as_str());
        }
        theme.set(next);
    };
    let label = move || match theme.get() {
        Theme::Light => "Switch to dark theme",
        Theme::Dark => "Switch to light theme",
    };
    view! {
        <button
            type="button"
            class="icon-button"
            data-testid="theme-toggle"
            aria-label=label
            title=label
            on:click=toggle
        >
            {move || match theme.get() {
                Theme::Light => view! { <Icon d=MOON /> },
                Theme::Dark => view! { <Icon d=SUN /> },
            }}
        </button>
    }
}
