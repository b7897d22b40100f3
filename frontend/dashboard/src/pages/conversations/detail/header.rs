//! The panel's header: the visitor, their rating, and the actions. Join session takes the
//! conversation's lock; another agent holding it shows "Locked by another agent" with their
//! name (admins and the owner may take it over, after confirming in a dialog).

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::conversations::{Channel, ConversationDetail, ConversationStatus};
use switchboard_types::Role;

use super::forms::PanelForm;
use super::OpenConversation;
use crate::api;
use crate::api::conversations::Action;
use crate::components::action_button::ActionButton;
use crate::components::conversation_badges::{ChannelIcon, Stars, StatusChip};
use crate::components::dialog::Dialog;
use crate::components::shell::use_member;
use crate::components::time;

/// What the actions can be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Joining,
    TakingOver,
    Leaving,
    Resolving,
    Reopening,
}

#[component]
pub fn Header(on_close: impl Fn(()) + Clone + 'static) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let detail = move || open.detail.get();
    let visitor_title = move || {
        open.detail.with(|d| {
            d.as_ref().map(|d| {
                d.visitor
                    .name
                    .clone()
                    .unwrap_or_else(|| d.conversation.visitor_label.clone())
            })
        })
    };
    view! {
        <header class="detail-header">
            <div class="detail-title-row">
                <div class="detail-title">
                    {move || {
                        detail().map(|d| view! { <ChannelIcon channel=d.conversation.channel /> })
                    }}
                    <h2 data-testid="detail-visitor">{visitor_title}</h2>
                    {move || detail().map(|d| view! { <StatusChip status=d.conversation.status /> })}
                </div>
                <button
                    type="button"
                    class="icon-button"
                    aria-label="Close the conversation"
                    data-testid="close-panel"
                    on:click=move |_| on_close(())
                >
                    "×"
                </button>
            </div>
            {move || detail().map(|d| view! { <VisitorFacts detail=d /> })}
            {move || detail().and_then(|d| d.rating).map(|rating| {
                view! {
                    <div class="detail-rating" data-testid="detail-rating">
                        <Stars stars=rating.stars />
                        {rating
                            .categories
                            .into_iter()
                            .map(|c| view! { <span class="category-chip">{c}</span> })
                            .collect_view()}
                        {rating.comment.map(|c| view! { <p class="rating-comment">"“" {c} "”"</p> })}
                    </div>
                }
            })}
            <Actions />
        </header>
    }
}

/// Name, email and phone from the pre-chat form; the WhatsApp number; the 24-hour window.
#[component]
fn VisitorFacts(detail: ConversationDetail) -> impl IntoView {
    let visitor = &detail.visitor;
    let mut facts: Vec<(&'static str, String)> = Vec::new();
    if visitor.name.is_some() {
        facts.push(("Visitor", detail.conversation.visitor_label.clone()));
    }
    if let Some(phone) = &visitor.whatsapp_phone {
        facts.push(("WhatsApp", phone.clone()));
    }
    if let Some(email) = &visitor.email {
        facts.push(("Email", email.clone()));
    }
    if let Some(phone) = &visitor.phone {
        facts.push(("Phone", phone.clone()));
    }
    facts.push(("Started", time::exact(detail.conversation.started_at)));
    let window = (detail.conversation.channel == Channel::Whatsapp)
        .then_some(detail.whatsapp_window_ends_at)
        .flatten();
    view! {
        <dl class="visitor-facts" data-testid="visitor-facts">
            {facts
                .into_iter()
                .map(|(label, value)| {
                    view! {
                        <div class="fact">
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
        {window.map(|ends| view! { <WhatsappWindow ends /> })}
    }
}

/// "Window closes in 3 h 12 min", or the warning once it has closed.
#[component]
fn WhatsappWindow(ends: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let now = time::ticking_now(std::time::Duration::from_secs(30));
    move || {
        let left = (ends - now.get()).num_seconds();
        if left > 0 {
            view! {
                <p class="whatsapp-window" data-testid="whatsapp-window">
                    "Window closes in " {time::duration(left)}
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="whatsapp-window closed" data-testid="whatsapp-window" role="status">
                    "The 24-hour window has closed: WhatsApp delivers only an approved template until the customer writes again."
                </p>
            }
            .into_any()
        }
    }
}

#[component]
fn Actions() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let member = use_member();
    let may_override = member.role() != Role::Agent;
    let busy = RwSignal::new(None::<Busy>);
    let error = RwSignal::new(None::<String>);
    let row = move || {
        open.detail
            .with(|d| d.as_ref().map(|d| d.conversation.clone()))
    };
    let resolved = move || row().is_some_and(|r| r.status == ConversationStatus::Resolved);
    let holder = move || {
        row()
            .and_then(|r| r.assignee)
            .filter(|_| !open.joined.get())
    };

    let run = move |what: Busy| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(what));
        error.set(None);
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            let outcome = match what {
                Busy::Joining => api::conversations::join(&id, false).await,
                Busy::TakingOver => api::conversations::join(&id, true).await,
                Busy::Leaving => api::conversations::act(&id, Action::Leave).await,
                Busy::Resolving => api::conversations::act(&id, Action::Resolve).await,
                Busy::Reopening => api::conversations::act(&id, Action::Reopen).await,
            };
            _ = busy.try_set(None);
            match outcome {
                Ok(detail) => _ = open.detail.try_set(Some(detail)),
                Err(failure) => {
                    _ = error.try_set(Some(failure.message()));
                    open.refetch_soon();
                }
            }
        });
    };
    // Taking over from a teammate asks first, in a dialog.
    let confirming = RwSignal::new(false);
    let ask_or_run = move |what: Busy| {
        if what == Busy::TakingOver {
            confirming.set(true);
        } else {
            run(what);
        }
    };

    view! {
        <div class="detail-actions">
            {move || {
                if resolved() {
                    return view! {
                        <ActionButton what=Busy::Reopening class="button" testid="reopen" idle="Reopen" doing="Reopening…" busy run />
                    }
                        .into_any();
                }
                if open.joined.get() {
                    return view! {
                        <span class="live-in-session" data-testid="live-indicator" role="status">
                            <span class="live-status-dot" aria-hidden="true"></span>
                            "Live — you are in this session"
                        </span>
                        <ActionButton what=Busy::Leaving class="button" testid="leave" idle="Leave" doing="Leaving…" busy run />
                    }
                        .into_any();
                }
                match holder() {
                    Some(holder) => {
                        view! {
                            <span class="locked" data-testid="locked" role="status">
                                "Locked by another agent · "
                                <strong>{holder.name}</strong>
                                " is in this session"
                            </span>
                            {may_override
                                .then(|| {
                                    view! {
                                        <ActionButton what=Busy::TakingOver class="button" testid="take-over" idle="Take over" doing="Taking over…" busy run=ask_or_run />
                                    }
                                })}
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <ActionButton what=Busy::Joining class="button button-primary" testid="join" idle="Join session" doing="Joining…" busy run />
                        }
                            .into_any()
                    }
                }
            }}
            <FormButton form=PanelForm::Lead label="Capture Lead" class="button button-info" testid="capture-lead" />
            {move || {
                (open.joined.get() && !resolved())
                    .then(|| {
                        view! {
                            <FormButton form=PanelForm::Transfer label="Transfer" class="button" testid="transfer" />
                            <FormButton form=PanelForm::Delegate label="Delegate" class="button" testid="delegate" />
                            <FormButton form=PanelForm::OfferTimes label="Offer times" class="button" testid="offer-times" />
                        }
                    })
            }}
            {move || {
                // The holder resolves, or admins and the owner; nobody while another holds it.
                let may_resolve = open.joined.get() || may_override || holder().is_none();
                (!resolved() && may_resolve)
                    .then(|| {
                        view! {
                            <ActionButton what=Busy::Resolving class="button button-success" testid="resolve" idle="Resolve" doing="Resolving…" busy run />
                        }
                    })
            }}
        </div>
        {move || error.get().map(|message| view! {
            <p class="form-error" role="alert" data-testid="action-error">{message}</p>
        })}
        {move || confirming.get().then(|| {
            let holder = holder().map(|h| h.name).unwrap_or_else(|| "A teammate".into());
            let close = Callback::new(move |()| confirming.set(false));
            view! {
                <Dialog title="Take over this conversation?".to_string() testid="take-over-dialog" on_close=close>
                    <p class="dialog-body">
                        {holder} " is in this session. Taking over moves it to you at once; they see that you took over."
                    </p>
                    <div class="dialog-buttons">
                        <button type="button" class="button" on:click=move |_| close.run(())>"Cancel"</button>
                        <button
                            type="button"
                            class="button button-primary"
                            data-testid="confirm-take-over"
                            on:click=move |_| {
                                confirming.set(false);
                                run(Busy::TakingOver);
                            }
                        >
                            "Take over"
                        </button>
                    </div>
                </Dialog>
            }
        })}
    }
}

/// Opens one of the panel's forms (or closes it when it is the one open).
#[component]
fn FormButton(
    form: PanelForm,
    label: &'static str,
    class: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let is_open = move || open.form.get() == Some(form);
    view! {
        <button
            type="button"
            class=class
            class:pressed=is_open
            data-testid=testid
            aria-expanded=move || is_open().to_string()
            on:click=move |_| open.form.update(|f| *f = if *f == Some(form) { None } else { Some(form) })
        >
            {label}
        </button>
    }
}
