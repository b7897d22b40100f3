//! A booking card: the times an agent offered, a grid per day, in the visitor's time zone and
//! language. Picking one sends it (kept until acknowledged, like a message) and the card then
//! shows the pick; times already past cannot be picked.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use switchboard_types::widget::VisitorMessage;
use wasm_bindgen::JsValue;

use crate::chat::{now, Chat};
use crate::thread::{self, Pick};
use crate::wire;

#[component]
pub fn BookingCard(chat: Chat, message: VisitorMessage) -> impl IntoView {
    let card = message.id.clone();
    let times = message
        .payload
        .as_ref()
        .map(wire::booking_slots)
        .unwrap_or_default();
    let picked = Memo::new({
        let card = card.clone();
        move |_| {
            chat.items
                .with(|i| chat.outbox.with(|o| thread::picked(i, o, &card)))
        }
    });
    let days = by_day(&times);
    view! {
        <div class="slots" role="group" aria-label=chat.text.pick_time data-testid="booking-slots">
            {days.into_iter().map(|(day, times)| {
                let card = card.clone();
                view! {
                    <div class="slot-day">{day.clone()}</div>
                    <div class="slot-grid">
                        {times.into_iter().map(|at| slot_button(chat, card.clone(), &day, at, picked)).collect_view()}
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

fn slot_button(
    chat: Chat,
    card: switchboard_types::MessageId,
    day: &str,
    at: DateTime<Utc>,
    picked: Memo<Option<DateTime<Utc>>>,
) -> impl IntoView {
    let time = super::conversation::clock(at);
    let words = format!("{day}, {time}");
    let is_picked = move || picked.get() == Some(at);
    let past = at <= now();
    let label = {
        let words = words.clone();
        move || {
            if is_picked() {
                format!("{words} · {}", chat.text.booked)
            } else {
                words.clone()
            }
        }
    };
    let pick = move |_| {
        if picked.get_untracked().is_none() {
            chat.pick_slot(
                Pick {
                    card: card.clone(),
                    starts_at: at,
                },
                words.clone(),
            );
        }
    };
    view! {
        <button
            type="button"
            class="slot"
            class:picked=is_picked
            aria-pressed=move || is_picked().to_string()
            aria-label=label
            disabled=move || past || picked.get().is_some()
            on:click=pick
        >
            {time}
        </button>
    }
}

/// The times grouped by the visitor's calendar day, each day named ("Tue, 8 Dec").
fn by_day(times: &[DateTime<Utc>]) -> Vec<(String, Vec<DateTime<Utc>>)> {
    let mut days: Vec<(String, Vec<DateTime<Utc>>)> = Vec::new();
    for &at in times {
        let day = day_name(at);
        match days.last_mut() {
            Some((name, list)) if *name == day => list.push(at),
            _ => days.push((day, vec![at])),
        }
    }
    days
}

fn day_name(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    for (key, value) in [("weekday", "short"), ("day", "numeric"), ("month", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    let language = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".into());
    date.to_locale_date_string(&language, &options).into()
}
