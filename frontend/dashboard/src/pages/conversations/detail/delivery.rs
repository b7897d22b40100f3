//! How far the business's WhatsApp messages got, beside their time: a clock while sending,
//! ✓ sent, ✓✓ delivered, blue ✓✓ read, and a warning with Meta's reason when it failed. Live
//! from `message.delivery` events.

use leptos::prelude::*;
use switchboard_types::messages::{Delivery, DeliveryState};

use super::thread::ThreadState;

#[component]
pub fn DeliveryTicks(message_id: String, initial: Delivery) -> impl IntoView {
    let state = expect_context::<ThreadState>();
    let current = move || {
        state
            .deliveries
            .with(|d| d.get(&message_id).cloned())
            .unwrap_or_else(|| initial.clone())
    };
    move || {
        let d = current();
        let (mark, words) = match d.state {
            DeliveryState::Sending => ("🕓", "Sending"),
            DeliveryState::Sent => ("✓", "Sent"),
            DeliveryState::Delivered => ("✓✓", "Delivered"),
            DeliveryState::Read => ("✓✓", "Read"),
            DeliveryState::Failed => ("⚠", "Not delivered"),
        };
        let title = match &d.error {
            Some(reason) => format!("{words}: {reason}"),
            None => words.to_string(),
        };
        view! {
            <span class=format!("delivery delivery-{}", d.state.as_str()) data-testid="delivery" data-state=d.state.as_str() title=title.clone() aria-label=title>
                {mark}
            </span>
            {d.error.map(|reason| view! { <span class="delivery-error" data-testid="delivery-error">{format!("Not delivered: {reason}")}</span> })}
        }
    }
}
