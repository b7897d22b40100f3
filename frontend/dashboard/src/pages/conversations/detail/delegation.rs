//! A delegation waiting for an answer, as an alert in the panel: Accept and Reject for its
//! target, Cancel for the agent who sent it, and who and why for everyone else.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::handoffs::HandoffView;

use super::OpenConversation;
use crate::api;
use crate::api::handoffs::Decision;
use crate::components::action_button::ActionButton;
use crate::components::shell::use_member;

#[component]
pub fn PendingDelegation() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let pending = move || {
        open.detail
            .with(|d| d.as_ref().and_then(|d| d.pending_delegation.clone()))
    };
    move || pending().map(|delegation| view! { <DelegationAlert delegation /> })
}

#[component]
fn DelegationAlert(delegation: HandoffView) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let me = use_member().0.with_untracked(|m| m.user.id.clone());
    let busy = RwSignal::new(None::<Decision>);
    let error = RwSignal::new(None::<String>);
    let id = delegation.id.to_string();
    let id = StoredValue::new(id);
    let decide = move |decision: Decision| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(decision));
        let id = id.get_value();
        spawn_local(async move {
            let outcome = api::handoffs::decide(&id, decision).await;
            _ = busy.try_set(None);
            match outcome {
                Ok(_) => _ = error.try_set(None),
                Err(failure) => _ = error.try_set(Some(failure.message())),
            }
            open.refetch_soon();
        });
    };
    let from = delegation
        .from
        .as_ref()
        .map_or("A teammate".to_string(), |f| f.name.clone());
    let for_me = delegation.to.id == me;
    let from_me = delegation.from.as_ref().is_some_and(|f| f.id == me);
    let text = if for_me {
        format!("{from} asks you to take this conversation.")
    } else {
        format!(
            "{from} asked {} to take this conversation.",
            delegation.to.name
        )
    };
    view! {
        <div class="delegation-alert" role="alert" data-testid="delegation-alert">
            <p>
                <strong>"Delegation pending. "</strong>
                {text}
            </p>
            {delegation.reason.map(|r| view! { <p class="delegation-reason">"“" {r} "”"</p> })}
            <div class="delegation-actions">
                {for_me
                    .then(|| {
                        view! {
                            <ActionButton what=Decision::Accept class="button button-primary" testid="delegation-accept" idle="Accept" doing="Accepting…" busy run=decide />
                            <ActionButton what=Decision::Reject class="button" testid="delegation-reject" idle="Reject" doing="Rejecting…" busy run=decide />
                        }
                    })}
                {from_me.then(|| view! {
                    <ActionButton what=Decision::Cancel class="button" testid="delegation-cancel" idle="Cancel delegation" doing="Cancelling…" busy run=decide />
                })}
            </div>
            {move || error.get().map(|m| view! { <p class="form-error">{m}</p> })}
        </div>
    }
}
