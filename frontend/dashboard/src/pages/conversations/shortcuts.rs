//! `?` (outside a text field) or the keyboard button shows the page's shortcuts in a dialog.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::dialog::Dialog;

/// Keys pressed together, and what they do.
type Shortcut = (&'static [&'static str], &'static str);

/// The shortcuts, by where they work.
const GROUPS: [(&str, &[Shortcut]); 3] = [
    (
        "Conversation list",
        &[
            (&["↑", "↓"], "Move through the list (or j and k)"),
            (&["Home", "End"], "First or last conversation"),
            (&["Enter"], "Open the conversation"),
            (&["Esc"], "Close the conversation"),
        ],
    ),
    (
        "Input bar",
        &[
            (&["Enter"], "Send"),
            (&["Shift", "Enter"], "New line"),
            (&["/"], "Quick replies, filtered as you type"),
        ],
    ),
    ("Anywhere", &[(&["?"], "Show these shortcuts")]),
];

#[component]
pub fn Shortcuts() -> impl IntoView {
    let showing = RwSignal::new(false);
    let listener = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "?" && !typing_in_a_field(&event) && !showing.get_untracked() {
            event.prevent_default();
            showing.set(true);
        }
    });
    on_cleanup(move || listener.remove());
    let close = Callback::new(move |()| showing.set(false));
    view! {
        <button
            type="button"
            class="icon-button shortcuts-button"
            aria-label="Keyboard shortcuts"
            title="Keyboard shortcuts (?)"
            data-testid="shortcuts-button"
            on:click=move |_| showing.set(true)
        >
            "?"
        </button>
        {move || showing.get().then(|| view! {
            <Dialog title="Keyboard shortcuts".to_string() testid="shortcuts" on_close=close>
                <dl class="shortcut-list">
                    {GROUPS
                        .iter()
                        .map(|(group, keys)| view! {
                            <p class="shortcut-group">{*group}</p>
                            {keys.iter().map(|(combo, what)| view! {
                                <dt>{combo.iter().map(|k| view! { <kbd>{*k}</kbd> }).collect_view()}</dt>
                                <dd>{*what}</dd>
                            }).collect_view()}
                        })
                        .collect_view()}
                </dl>
                <div class="dialog-buttons">
                    <button type="button" class="button" on:click=move |_| close.run(())>"Close"</button>
                </div>
            </Dialog>
        })}
    }
}

/// `?` typed into the input bar or a form is text, not a shortcut.
fn typing_in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.get_attribute("contenteditable").is_some()
}
