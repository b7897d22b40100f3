//! Offer times: the agent picks a few meeting times and a length; the visitor gets a card of
//! them in the widget, and their pick books the meeting (the conversation shows Booked).

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::messages::{BookingSlot, SendMessageRequest};

use super::composer::client_message_id;
use super::thread::ThreadState;
use super::OpenConversation;
use crate::api;
use crate::components::form::{FormError, FormProblem, SubmitButton};
use crate::components::toast::use_toasts;

/// As many times as the server takes on one card.
const MAX_TIMES: usize = 24;
const CAPTION: &str = "Which time suits you? Pick one and it's booked.";

#[component]
pub fn OfferTimesForm() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let state = expect_context::<ThreadState>();
    let toasts = use_toasts();
    let caption = RwSignal::new(CAPTION.to_string());
    let minutes = RwSignal::new("30".to_string());
    // One row per time, each its own signal; keys keep rows stable while others are removed.
    let rows = RwSignal::new(vec![(0_u32, RwSignal::new(String::new()))]);
    let next_key = StoredValue::new(1_u32);
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let add_row = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push((key, RwSignal::new(String::new()))));
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed: Vec<String> =
            rows.with_untracked(|r| r.iter().map(|(_, v)| v.get_untracked()).collect());
        let length = minutes.get_untracked().parse::<i64>().unwrap_or(30);
        let slots = match slots_of(&typed, length) {
            Ok(slots) => slots,
            Err(message) => {
                problem.set(FormProblem {
                    message: Some(message.into()),
                    ..Default::default()
                });
                return;
            }
        };
        let request = SendMessageRequest {
            client_message_id: client_message_id(),
            body: Some(caption.get_untracked().trim().to_string()).filter(|c| !c.is_empty()),
            attachment_id: None,
            booking_slots: Some(slots),
        };
        set_busy.set(true);
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            let sent = api::conversations::send(&id, &request).await;
            _ = set_busy.try_set(false);
            match sent {
                Ok(message) => {
                    state.add(message);
                    toasts.notice("Times sent to the visitor.");
                    _ = open.form.try_set(None);
                }
                Err(error) => _ = problem.try_set(FormProblem::from_error(&error)),
            }
        });
    };
    view! {
        <form class="panel-form" data-testid="offer-times-form" on:submit=submit novalidate>
            <h3>"Offer times"</h3>
            <p class="form-note">"The visitor picks one in the chat; the meeting is booked at once. Times are in your time zone."</p>
            <FormError problem testid="offer-times-error" />
            <div class="field">
                <label for="offer-caption">"Message"</label>
                <textarea id="offer-caption" rows="2" maxlength="4000" data-testid="offer-caption" bind:value=caption></textarea>
            </div>
            <div class="field">
                <span class="field-label">"Times"</span>
                <For each=move || rows.get() key=|(key, _)| *key let:row>
                    <div class="offer-time">
                        <input type="datetime-local" aria-label="Meeting time" data-testid="offer-time" bind:value=row.1 />
                        <button type="button" class="icon-button" aria-label="Remove this time"
                            disabled=move || rows.with(|r| r.len() == 1)
                            on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != row.0))>
                            "×"
                        </button>
                    </div>
                </For>
                <button type="button" class="link-button" data-testid="offer-add-time"
                    disabled=move || rows.with(|r| r.len() >= MAX_TIMES) on:click=add_row>
                    "+ Add a time"
                </button>
            </div>
            <div class="field">
                <label for="offer-length">"Length"</label>
                <select id="offer-length" data-testid="offer-length" bind:value=minutes>
                    <option value="15">"15 minutes"</option>
                    <option value="30">"30 minutes"</option>
                    <option value="45">"45 minutes"</option>
                    <option value="60">"1 hour"</option>
                </select>
            </div>
            <div class="form-buttons">
                <button type="button" class="button" on:click=move |_| open.form.set(None)>"Cancel"</button>
                <SubmitButton label="Send times" busy_label="Sending…" testid="offer-times-submit" busy />
            </div>
        </form>
    }
}

/// The slots of the typed local times (`2026-12-08T10:00`), `minutes` long; blank rows are
/// skipped. The server checks the rest (future, no time twice).
fn slots_of(typed: &[String], minutes: i64) -> Result<Vec<BookingSlot>, &'static str> {
    let slots: Vec<BookingSlot> = typed
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| local_time(t).ok_or("One of the times is not a date and time."))
        .map(|start| {
            start.map(|starts_at| BookingSlot {
                starts_at,
                ends_at: Some(starts_at + Duration::minutes(minutes)),
            })
        })
        .collect::<Result<_, _>>()?;
    if slots.is_empty() {
        return Err("Add at least one time.");
    }
    Ok(slots)
}

/// A `datetime-local` value, read in the agent's time zone (the browser's).
fn local_time(value: &str) -> Option<DateTime<Utc>> {
    let millis = js_sys::Date::new(&value.into()).get_time();
    (!millis.is_nan())
        .then(|| DateTime::from_timestamp_millis(millis as i64))
        .flatten()
}
