//! Meetings booked from a conversation: recorded by an agent
//! (`POST /conversations/{id}/bookings`), or by the visitor picking one of the times an agent
//! offered on a `booking_slots` card (the widget's `pick_slot` frame).

use chrono::{DateTime, Utc};
use switchboard_types::messages::{BookingSlot, BookingSlots, MessageKind, SlotPicked};

use super::conversation_state::{bump_chart, save_counted};
use super::counting::one;
use crate::clock::{new_id, now};
use crate::error::{AppError, ErrorCode, Violations};
use crate::store::counters::CounterDelta;
use crate::store::{self, bookings::Booking, conversations::Conversation, Conn};

/// The most times one card offers.
pub const MAX_SLOTS: usize = 24;

/// The times of an offer, checked and earliest first: 1-24 of them, in the future, each
/// ending after it starts, none twice.
pub fn offer(v: &mut Violations, slots: &[BookingSlot], now: DateTime<Utc>) -> Vec<BookingSlot> {
    if slots.is_empty() || slots.len() > MAX_SLOTS {
        v.add("booking_slots", "must offer between 1 and 24 times");
    }
    for (i, slot) in slots.iter().enumerate() {
        if slot.starts_at <= now {
            v.add(
                format!("booking_slots[{i}].starts_at"),
                "must be in the future",
            );
        }
        if slot.ends_at.is_some_and(|end| end <= slot.starts_at) {
            v.add(
                format!("booking_slots[{i}].ends_at"),
                "must be after starts_at",
            );
        }
    }
    let mut sorted = slots.to_vec();
    sorted.sort();
    if sorted.windows(2).any(|w| w[0].starts_at == w[1].starts_at) {
        v.add("booking_slots", "must not offer the same time twice");
    }
    sorted
}

/// The stored payload of a `booking_slots` message.
pub fn offer_payload(slots: Vec<BookingSlot>) -> serde_json::Value {
    serde_json::to_value(BookingSlots { slots }).unwrap_or_default()
}

/// The stored payload of the visitor's pick.
pub fn pick_payload(picked: &SlotPicked) -> serde_json::Value {
    serde_json::to_value(picked).unwrap_or_default()
}

/// The slot starting at `starts_at` on card `slots_message_id` of conversation `c`, if the
/// card offered it and nobody picked from the card yet.
pub fn picked_slot(
    conn: &mut Conn,
    c: &Conversation,
    slots_message_id: &str,
    starts_at: DateTime<Utc>,
) -> Result<BookingSlot, AppError> {
    let card = store::messages::find(conn, &c.tenant_id, slots_message_id)?
        .filter(|m| m.conversation_id == c.id && m.kind == MessageKind::BookingSlots);
    let offered: Option<BookingSlots> = card
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str(&p).ok());
    let slot = offered
        .and_then(|o| o.slots.into_iter().find(|s| s.starts_at == starts_at))
        .ok_or_else(|| {
            AppError::rejected(
                ErrorCode::SlotNotOffered,
                "That time is not offered in this conversation.",
            )
        })?;
    if store::messages::has_pick(conn, &c.tenant_id, &c.id, slots_message_id)? {
        return Err(AppError::conflict(
            ErrorCode::SlotAlreadyPicked,
            "A time was picked from these already.",
            serde_json::Value::Null,
        ));
    }
    Ok(slot)
}

/// Records the meeting and marks `c` booked (counters and the day's chart follow). `c` is
/// the conversation as saved; the caller emits the events.
pub fn record(
    conn: &mut Conn,
    c: &Conversation,
    slot: BookingSlot,
    note: Option<String>,
    created_by: Option<String>,
) -> Result<(Booking, Conversation), AppError> {
    let booking = Booking {
        id: new_id(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        starts_at: slot.starts_at.naive_utc(),
        ends_at: slot.ends_at.map(|e| e.naive_utc()),
        note,
        created_by,
        created_at: now(),
    };
    store::bookings::insert(conn, &booking)?;
    let mut after = c.clone();
    after.booked = true;
    after.last_activity_at = booking.created_at;
    let delta = CounterDelta {
        bookings: 1,
        ..Default::default()
    };
    save_counted(conn, Some(c), &after, delta)?;
    bump_chart(conn, &after, booking.created_at, one(|d| d.bookings = 1))?;
    Ok((booking, after))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(now: DateTime<Utc>, hours: i64) -> BookingSlot {
        BookingSlot {
            starts_at: now + Duration::hours(hours),
            ends_at: None,
        }
    }

    #[test]
    fn an_offer_is_sorted_and_checked() {
        let now = Utc::now();
        let mut v = Violations::default();
        let sorted = offer(&mut v, &[at(now, 5), at(now, 2)], now);
        assert!(v.finish().is_ok());
        assert_eq!(sorted, [at(now, 2), at(now, 5)]);
    }

    #[test]
    fn past_twice_offered_and_backwards_times_are_refused() {
        let now = Utc::now();
        let backwards = BookingSlot {
            ends_at: Some(now + Duration::hours(1)),
            ..at(now, 3)
        };
        let mut v = Violations::default();
        offer(
            &mut v,
            &[at(now, -1), at(now, 2), at(now, 2), backwards],
            now,
        );
        let Err(AppError::Validation(found)) = v.finish() else {
            panic!("refused")
        };
        let fields: Vec<_> = found.fields().map(|(f, _)| f.to_string()).collect();
        assert!(fields.contains(&"booking_slots[0].starts_at".to_string()));
        assert!(fields.contains(&"booking_slots".to_string()));
        assert!(fields.contains(&"booking_slots[3].ends_at".to_string()));
    }

    #[test]
    fn an_empty_or_too_long_offer_is_refused() {
        let now = Utc::now();
        let many: Vec<_> = (1..=25).map(|h| at(now, h)).collect();
        for slots in [&[][..], &many[..]] {
            let mut v = Violations::default();
            offer(&mut v, slots, now);
            assert!(v.finish().is_err());
        }
    }
}
