//! A modal dialog: it takes the focus when it opens, keeps Tab and Shift+Tab inside, closes
//! on Esc or a click on the backdrop, and gives the focus back to what had it before.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// What can take the focus inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

#[component]
pub fn Dialog(
    /// The dialog's heading, also its accessible name.
    title: String,
    testid: &'static str,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let card = NodeRef::<html::Div>::new();
    let previous = document()
        .active_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let previous = StoredValue::new_local(previous);
    on_cleanup(move || {
        if let Some(Some(element)) = previous.try_get_value() {
            _ = element.focus();
        }
    });
    Effect::new(move || {
        if let Some(first) = card.get().and_then(|c| focusables(&c).into_iter().next()) {
            _ = first.focus();
        }
    });
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            // Handled here: the panel under the dialog must not close too.
            event.prevent_default();
            event.stop_propagation();
            on_close.run(());
        }
        "Tab" => {
            let Some(card) = card.get_untracked() else {
                return;
            };
            let items = focusables(&card);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = document().active_element();
            let at = |e: &HtmlElement| active.as_ref() == Some(e.unchecked_ref());
            if event.shift_key() && at(first) {
                event.prevent_default();
                _ = last.focus();
            } else if !event.shift_key() && at(last) {
                event.prevent_default();
                _ = first.focus();
            }
        }
        _ => {}
    };
    let title_id = format!("dialog-{testid}");
    let labelled_by = title_id.clone();
    view! {
        <div class="dialog-backdrop" on:click=move |_| on_close.run(())>
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                data-testid=testid
                node_ref=card
                on:click=|event| event.stop_propagation()
                on:keydown=on_keydown
            >
                <h2 id=title_id class="dialog-title">{title}</h2>
                {children()}
            </div>
        </div>
    }
}

/// A dialog that asks before something destructive: what happens, Cancel, and the action.
#[component]
pub fn ConfirmDialog(
    title: String,
    body: String,
    action: &'static str,
    testid: &'static str,
    confirm_testid: &'static str,
    on_close: Callback<()>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <Dialog title testid on_close>
            <p class="dialog-body">{body}</p>
            <div class="dialog-buttons">
                <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="button button-danger" data-testid=confirm_testid on:click=move |_| on_confirm.run(())>{action}</button>
            </div>
        </Dialog>
    }
}

fn focusables(card: &web_sys::HtmlDivElement) -> Vec<HtmlElement> {
    let Ok(list) = card.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}
