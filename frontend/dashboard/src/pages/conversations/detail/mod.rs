//! The open conversation, on the right: who the visitor is, their rating, the actions (Join
//! session or Leave, Resolve, Reopen), the thread and the input bar. Another agent's join,
//! leave or resolve shows at once: the panel refetches its conversation on every event about
//! it.

mod attachments;
mod composer;
mod copilot;
mod delegation;
mod delivery;
mod emoji;
mod forms;
mod header;
mod offer_times;
mod quick_replies;
mod read_receipts;
mod thread;
mod voice_player;
mod whatsapp_template;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use switchboard_types::conversations::ConversationDetail;

use super::View;
use crate::api::{self, ApiError};
use crate::components::icons::{Icon, ALERT};
use crate::components::live_updates::use_live_updates;
use crate::components::shell::use_member;
use crate::live::conversation_events::row_of;
use crate::live::settle::Settle;

/// Events come in bursts (a join is an update and a system line): one refetch answers them.
const SETTLE: Duration = Duration::from_millis(120);

/// The panel's conversation, shared with its parts.
#[derive(Clone, Copy)]
pub struct OpenConversation {
    pub id: StoredValue<String>,
    pub detail: RwSignal<Option<ConversationDetail>>,
    /// The signed-in member holds the join lock.
    pub joined: Memo<bool>,
    /// The form open in the panel (Capture Lead, Transfer, Delegate), if any.
    pub form: RwSignal<Option<forms::PanelForm>>,
    settle: Settle,
}

impl OpenConversation {
    /// Fetches the conversation and shows it; `None` when the panel closed meanwhile.
    async fn fetch(self) -> Option<Result<(), ApiError>> {
        let id = self.id.try_get_value()?;
        let answer = api::conversations::detail(&id).await;
        Some(answer.map(|detail| _ = self.detail.try_set(Some(detail))))
    }

    /// Fetches the conversation again after the next quiet moment.
    pub fn refetch_soon(self) {
        self.settle.soon(move || {
            spawn_local(async move {
                // A failed refetch keeps what is shown; the next event tries again.
                _ = self.fetch().await;
            })
        });
    }
}

#[component]
pub fn DetailPanel(id: String, view: Memo<View>) -> impl IntoView {
    let member = use_member();
    let detail = RwSignal::new(None::<ConversationDetail>);
    let load_error = RwSignal::new(None::<ApiError>);
    let me = member.0.with_untracked(|m| m.user.id.to_string());
    let joined = Memo::new(move |_| {
        detail.with(|d| {
            d.as_ref()
                .and_then(|d| d.conversation.assignee.as_ref())
                .is_some_and(|a| a.id.as_str() == me)
        })
    });
    let open = OpenConversation {
        id: StoredValue::new(id.clone()),
        detail,
        joined,
        form: RwSignal::new(None),
        settle: Settle::new(SETTLE),
    };
    provide_context(open);
    provide_context(thread::ThreadState::new());

    let load = move || {
        spawn_local(async move {
            if let Some(outcome) = open.fetch().await {
                _ = load_error.try_set(outcome.err());
            }
        })
    };
    load();
    let live = use_live_updates();
    live.on_event(move |event| {
        let about_this = row_of(&event.payload).is_some_and(|row| {
            open.id
                .try_with_value(|id| row.id.as_str() == id)
                .unwrap_or(false)
        });
        if about_this {
            open.refetch_soon();
        }
    });
    live.on_resync(move || open.refetch_soon());

    let loaded = Memo::new(move |_| detail.with(Option::is_some));
    let window_closed = whatsapp_template::window_closed(open);
    let navigate = use_navigate();
    let close = move |_| navigate(&view.get_untracked().href(None), Default::default());
    let on_keydown = {
        let close = close.clone();
        move |event: leptos::ev::KeyboardEvent| {
            // Esc closes the panel, unless a menu or a field inside handled it first.
            if event.key() == "Escape" && !event.default_prevented() {
                close(());
            }
        }
    };

    view! {
        <aside
            class="detail-panel"
            aria-label="Conversation"
            data-testid="detail-panel"
            on:keydown=on_keydown
        >
            // Drawn once the conversation has loaded, and not again when it changes: each
            // part follows the detail itself, so a refetch keeps the thread and a half-typed form.
            {move || match (loaded.get(), load_error.get()) {
                (true, _) => {
                    view! {
                        <header::Header on_close=close.clone() />
                        <delegation::PendingDelegation />
                        <forms::OpenForm />
                        <thread::Thread />
                        // After WhatsApp's window only a template reaches the customer.
                        {move || if window_closed.get() && joined.get() {
                            view! { <whatsapp_template::TemplateSender /> }.into_any()
                        } else {
                            view! { <composer::Composer /> }.into_any()
                        }}
                    }
                        .into_any()
                }
                (false, Some(error)) => view! { <PanelError error retry=load /> }.into_any(),
                (false, None) => view! { <PanelLoading /> }.into_any(),
            }}
        </aside>
    }
}

#[component]
fn PanelLoading() -> impl IntoView {
    view! {
        <div class="panel-loading" aria-busy="true" aria-label="Loading the conversation">
            <div class="skeleton skeleton-title"></div>
            <div class="skeleton skeleton-line"></div>
            <div class="skeleton skeleton-bubble"></div>
            <div class="skeleton skeleton-bubble right"></div>
            <div class="skeleton skeleton-bubble"></div>
        </div>
    }
}

#[component]
fn PanelError(error: ApiError, retry: impl Fn() + Copy + 'static) -> impl IntoView {
    let title = if error.status() == Some(404) {
        "This conversation does not exist in your workspace"
    } else {
        "We couldn't open this conversation"
    };
    view! {
        <div class="panel-message" role="alert">
            <div class="state-icon state-icon-danger">
                <Icon d=ALERT />
            </div>
            <h2>{title}</h2>
            <p>{error.message()}</p>
            <button type="button" class="button" on:click=move |_| retry()>
                "Try again"
            </button>
        </div>
    }
}
