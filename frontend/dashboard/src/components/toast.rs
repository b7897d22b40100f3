//! Short notices in the corner, for failures that happen away from any form (a toggle that
//! could not be saved). They go away by themselves; each can also be dismissed.

use std::time::Duration;

use leptos::prelude::*;

/// How many notices show at once; older ones give way.
const MAX_VISIBLE: usize = 5;
const SHOWN_FOR: Duration = Duration::from_secs(8);

#[derive(Debug, Clone, PartialEq)]
struct Toast {
    id: u64,
    message: String,
}

/// The app's notices, shared through context.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// Shows an error notice.
    pub fn error(&self, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let message = message.into();
        self.items.update(|items| {
            items.push(Toast { id, message });
            let overflow = items.len().saturating_sub(MAX_VISIBLE);
            items.drain(..overflow);
        });
        let toasts = *self;
        set_timeout(move || toasts.dismiss(id), SHOWN_FOR);
    }

    fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

/// Makes [`Toasts`] available to every screen.
pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

/// The app's notices.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where notices appear; announced to screen readers as they arrive.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|toast| toast.id let:toast>
                <div class="toast toast-error" data-testid="toast">
                    <span class="toast-message">{toast.message}</span>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
