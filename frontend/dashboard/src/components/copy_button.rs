//! Copy: puts a text on the clipboard and says so; where the browser refuses the clipboard (a
//! page not served over HTTPS), selects the field the text is shown in for Ctrl+C instead.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// Whether the last Copy worked.
#[derive(Clone, Copy, PartialEq)]
pub enum Copied {
    Not,
    Yes,
    /// The browser blocked the clipboard: the text is selected.
    Selected,
}

impl Copied {
    /// What the status line beside the button says.
    pub fn note(self) -> &'static str {
        match self {
            Copied::Not => "",
            Copied::Yes => "Copied to the clipboard.",
            Copied::Selected => "Your browser blocked the clipboard: press Ctrl+C (⌘C on a Mac) to copy the selected text.",
        }
    }
}

/// The button; `shown` is the field that shows `text` (selected when the clipboard is refused).
#[component]
pub fn CopyButton(
    text: String,
    shown: NodeRef<Textarea>,
    copied: RwSignal<Copied>,
    label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let copy = move |_| {
        let text = text.clone();
        spawn_local(async move {
            let promise = window().navigator().clipboard().write_text(&text);
            let outcome = if JsFuture::from(promise).await.is_ok() {
                Copied::Yes
            } else {
                if let Some(field) = shown.get_untracked() {
                    field.select();
                }
                Copied::Selected
            };
            _ = copied.try_set(outcome);
        });
    };
    view! {
        <button type="button" class="button button-primary" data-testid=testid on:click=copy>
            {move || if copied.get() == Copied::Yes { "Copied" } else { label }}
        </button>
    }
}

/// A read-only field showing `text` with Copy and the copy status: a link to send, a secret
/// shown once. `note` says what it is.
#[component]
pub fn CopyField(
    text: String,
    label: &'static str,
    testid: &'static str,
    field_testid: &'static str,
    field_label: &'static str,
    children: Children,
) -> impl IntoView {
    let field = NodeRef::<Textarea>::new();
    let copied = RwSignal::new(Copied::Not);
    view! {
        <div class="invite-link">
            <p class="form-note">{children()}</p>
            <textarea class="snippet" node_ref=field readonly=true rows="3" aria-label=field_label data-testid=field_testid prop:value=text.clone()></textarea>
            <div class="snippet-actions">
                <p class="form-note" role="status">{move || copied.get().note()}</p>
                <CopyButton text shown=field copied label testid />
            </div>
        </div>
    }
}
