//! Short notices in the corner: failures that happen away from any form (a toggle that could
//! not be saved), and alerts that lead somewhere (a visitor waiting for an agent). They go
//! away by themselves; each can also be dismissed. The region is on the page from the start
//! and announces politely, so a notice never takes the focus from what the person is doing.

use std::time::Duration;

use leptos::prelude::*;

/// How many notices show at once; older ones give way.
const MAX_VISIBLE: usize = 5;
const ERROR_SHOWN_FOR: Duration = Duration::from_secs(8);
const ALERT_SHOWN_FOR: Duration = Duration::from_secs(12);

#[derive(Debug, Clone, PartialEq)]
struct Toast {
    id: u64,
    message: String,
    /// Alerts open this page when clicked; errors have none.
    href: Option<String>,
    /// Set when the alert's tone was played (shown as `data-tone` for tests and styling).
    toned: bool,
    /// A confirmation ("Lead saved") rather than a failure.
    notice: bool,
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
        self.show(message.into(), None, false, ERROR_SHOWN_FOR);
    }

    /// Confirms something done away from where the person looks next ("Lead saved").
    pub fn notice(&self, message: impl Into<String>) {
        self.show(message.into(), None, false, ERROR_SHOWN_FOR);
        self.items.update(|items| {
            if let Some(last) = items.last_mut() {
                last.notice = true;
            }
        });
    }

    /// Shows an alert that opens `href` when clicked; `toned` says its tone was played.
    pub fn alert(&self, message: impl Into<String>, href: String, toned: bool) {
        self.show(message.into(), Some(href), toned, ALERT_SHOWN_FOR);
    }

    fn show(&self, message: String, href: Option<String>, toned: bool, shown_for: Duration) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| {
            items.push(Toast {
                id,
                message,
                href,
                toned,
                notice: false,
            });
            let overflow = items.len().saturating_sub(MAX_VISIBLE);
            items.drain(..overflow);
        });
        let toasts = *self;
        set_timeout(move || toasts.dismiss(id), shown_for);
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
                {
                let is_alert = toast.href.is_some();
                let kind = if is_alert { "alert" } else if toast.notice { "notice" } else { "toast" };
                view! {
                <div
                    class="toast"
                    class:toast-error=kind == "toast"
                    class:toast-alert=is_alert
                    class:toast-notice=toast.notice
                    data-testid=kind
                    data-tone=toast.toned.then_some("played")
                >
                    {match toast.href {
                        Some(href) => {
                            view! {
                                <a
                                    class="toast-message toast-link"
                                    href=href
                                    on:click=move |_| toasts.dismiss(toast.id)
                                >
                                    {toast.message}
                                </a>
                            }
                                .into_any()
                        }
                        None => view! { <span class="toast-message">{toast.message}</span> }.into_any(),
                    }}
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
                }
                }
            </For>
        </div>
    }
}
