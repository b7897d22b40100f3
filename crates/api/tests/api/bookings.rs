//! Offering times and booking one: an agent's `booking_slots` message (checked: 1-24 future
//! times, none twice), the visitor's `pick_slot` (only a time the card offered, one pick per
//! card, a resend acknowledged once), the conversation marked booked and counted, and another
//! workspace's visitor unable to pick from it.

use chrono::{Duration, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::VisitorSocket;

fn in_hours(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The owner joins the visitor's conversation and offers `slots`; the stored message.
async fn offer(app: &TestApp, owner: &Session, id: &str, slots: Value) -> Resp {
    app.post(
        &format!("/api/v1/conversations/{id}/messages"),
        &owner.access,
        json!({
            "client_message_id": uuid::Uuid::new_v4().to_string(),
            "body": "Which time suits you?",
            "booking_slots": slots,
        }),
    )
    .await
}

async fn pick(visitor: &mut VisitorSocket, client_id: &str, card: &str, starts_at: &str) -> Value {
    visitor
        .send(json!({
            "type": "pick_slot",
            "client_id": client_id,
            "message_id": card,
            "starts_at": starts_at,
            "text": "Tuesday 10:00",
        }))
        .await;
    answer(visitor).await
}

/// The next `ack` or `error`, past the echo of the visitor's own message.
async fn answer(visitor: &mut VisitorSocket) -> Value {
    loop {
        let frame = visitor.recv().await;
        if frame["type"] == "ack" || frame["type"] == "error" {
            return frame;
        }
    }
}

async fn join(app: &TestApp, owner: &Session, id: &str) {
    let path = format!("/api/v1/conversations/{id}/join");
    app.call(Method::POST, &path, Some(&owner.access), None)
        .await
        .expect(200);
}

both_dbs!(
    a_visitor_books_one_of_the_offered_times,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "Can we talk on the phone?").await;
        join(&app, &owner, &id).await;

        // Bad offers are refused with the field at fault, and store nothing.
        let past = offer(&app, &owner, &id, json!([{ "starts_at": in_hours(-2) }]))
            .await
            .expect(422);
        assert!(past.body["error"]["details"]["fields"]["booking_slots[0].starts_at"].is_string());
        let (late, early) = (in_hours(26), in_hours(25));
        let twice = offer(
            &app,
            &owner,
            &id,
            json!([{ "starts_at": late }, { "starts_at": late }]),
        )
        .await
        .expect(422);
        assert!(twice.body["error"]["details"]["fields"]["booking_slots"].is_string());
        offer(&app, &owner, &id, json!([])).await.expect(422);

        // A good one is stored earliest first and reaches the visitor as a card.
        let card = offer(
            &app,
            &owner,
            &id,
            json!([
                { "starts_at": late, "ends_at": in_hours(27) },
                { "starts_at": early },
            ]),
        )
        .await
        .expect(201);
        assert_eq!(card.body["kind"], "booking_slots");
        let offered = &card.body["payload"]["slots"];
        assert_eq!(offered[0]["starts_at"], early.as_str());
        assert_eq!(offered[1]["starts_at"], late.as_str());
        let card_id = card.body["id"].as_str().unwrap().to_string();
        let shown = visitor.recv_type("message").await;
        assert_eq!(shown["message"]["kind"], "booking_slots");
        assert_eq!(
            shown["message"]["payload"]["slots"][0]["starts_at"],
            early.as_str()
        );

        // A time the card did not offer is refused, naming the message.
        let refused = pick(&mut visitor, "pick-1", &card_id, &in_hours(30)).await;
        assert_eq!(
            (refused["type"].as_str(), refused["code"].as_str()),
            (Some("error"), Some("slot_not_offered"))
        );
        assert_eq!(refused["client_id"], "pick-1");

        // An offered one is stored as the visitor's message and books the meeting.
        let ack = pick(&mut visitor, "pick-2", &card_id, &late).await;
        assert_eq!(ack["type"], "ack");
        let stored = app
            .messages_of(&owner, &id)
            .await
            .into_iter()
            .find(|m| m["id"] == ack["message_id"])
            .expect("the pick is in the thread");
        assert_eq!(stored["sender"], "customer");
        assert_eq!(stored["body"], "Tuesday 10:00");
        assert_eq!(stored["payload"]["slots_message_id"], card_id.as_str());
        assert_eq!(stored["payload"]["slot"]["starts_at"], late.as_str());
        let booked = app
            .get("/api/v1/conversations?status=booked", &owner.access)
            .await
            .expect(200);
        assert_eq!(booked.body["items"][0]["id"], id.as_str());
        let counts = app
            .get("/api/v1/conversations/counts", &owner.access)
            .await
            .expect(200);
        assert_eq!(counts.body["booked"], 1);

        // A resend is acknowledged with the same message; a second pick from the card is refused.
        let again = pick(&mut visitor, "pick-2", &card_id, &late).await;
        assert_eq!(again["message_id"], ack["message_id"]);
        let second = pick(&mut visitor, "pick-3", &card_id, &early).await;
        assert_eq!(second["code"], "slot_already_picked");
        let overview = app
            .get("/api/v1/stats/overview", &owner.access)
            .await
            .expect(200);
        assert_eq!(overview.body["bookings_made"], 1);
    }
);

both_dbs!(
    another_workspaces_visitor_cannot_pick_from_a_card,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "Book me in").await;
        join(&app, &owner, &id).await;
        let when = in_hours(30);
        let card = offer(&app, &owner, &id, json!([{ "starts_at": when }]))
            .await
            .expect(201);
        let card_id = card.body["id"].as_str().unwrap();

        let other = app.signup("Elsewhere", &email("other")).await;
        let other_key = app.widget_key(&other).await;
        let (mut stranger, _) = app.visitor_says(&other_key, "Hello").await;
        let refused = pick(&mut stranger, "steal-1", card_id, &when).await;
        assert_eq!(refused["code"], "slot_not_offered");
        let counts = app
            .get("/api/v1/conversations/counts", &owner.access)
            .await
            .expect(200);
        assert_eq!(counts.body["booked"], 0);
    }
);
