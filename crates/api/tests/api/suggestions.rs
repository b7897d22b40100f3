//! The copilot's suggested replies: the workspace's quick replies ranked by the words they share
//! with the customer's latest message.

use serde_json::json;
use switchboard_types::conversations::{SuggestionSource, SuggestionsView};
use switchboard_types::error::ErrorCode;

use crate::both_dbs;
use crate::client::refused;
use crate::helpers::*;
use crate::sockets::VisitorSocket;

/// A visitor of `key`'s workspace says `text`; returns the socket, the conversation and the
/// stored message's id.
async fn customer_says(app: &TestApp, key: &str, text: &str) -> (VisitorSocket, String, String) {
    let mut visitor = VisitorSocket::connect(app, key, None).await;
    let ack = visitor.say(text).await;
    let id = |field: &str| ack[field].as_str().unwrap().to_string();
    (visitor, id("conversation_id"), id("message_id"))
}

/// The ids of the suggested quick replies, best first.
fn reply_ids(view: &SuggestionsView) -> Vec<String> {
    view.suggestions
        .iter()
        .map(|s| s.quick_reply_id.clone().expect("a quick reply's id").0)
        .collect()
}

both_dbs!(
    suggestions_rank_quick_replies_best_first_at_most_three,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let a = app.as_(&owner);
        let card = a
            .create_quick_reply(
                "card_refund",
                "Card refund",
                "Refunds to a card take 5 days once the order is cancelled.",
            )
            .await
            .unwrap();
        let policy = a
            .create_quick_reply(
                "refund",
                "Refund policy",
                "We refund any order within 30 days.",
            )
            .await
            .unwrap();
        let twice = a
            .create_quick_reply(
                "double",
                "Charged twice",
                "Sorry about that! A charge made twice is refunded automatically.",
            )
            .await
            .unwrap();
        a.create_quick_reply(
            "order_status",
            "Order status",
            "Track your order on the account page with its number.",
        )
        .await
        .unwrap();
        a.create_quick_reply("hours", "Opening hours", "We are open 9 to 5.")
            .await
            .unwrap();
        // Another workspace's reply with every word of the message is not a candidate.
        let other = app.signup("Other", &email("other")).await;
        app.as_(&other)
            .create_quick_reply("all", "Refund", "need refund order card charged twice")
            .await
            .unwrap();

        let key = app.widget_key(&owner).await;
        let (_visitor, id, message) = customer_says(
            &app,
            &key,
            "Hi, I need a refund for my order: my card was charged twice!",
        )
        .await;

        let view = app.as_(&agent).suggestions(&id).await.unwrap();
        // Six words (need, refund, order, card, charged, twice): the card reply shares three,
        // the policy and the double charge two each (the policy's body is shorter), the order
        // status one (past the cap of three), the hours none.
        assert_eq!(
            reply_ids(&view),
            [card.id.as_str(), policy.id.as_str(), twice.id.as_str()],
            "{view:?}"
        );
        assert_eq!(view.based_on.as_ref().map(|m| m.as_str()), Some(&*message));
        let best = &view.suggestions[0];
        assert_eq!(best.text, card.body);
        assert_eq!(best.title.as_deref(), Some("Card refund"));
        assert_eq!(best.source, SuggestionSource::QuickReply);
        assert_eq!(best.score, 0.5);
        assert!((view.suggestions[1].score - 2.0 / 6.0).abs() < 1e-6);

        // The wire shape, asked with an empty JSON object as the body and with an API key.
        let api_key = app.api_key(&owner, "copilot").await;
        let raw = app
            .post(
                &format!("/api/v1/conversations/{id}/suggestions"),
                &api_key,
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(raw.body["based_on"], message.as_str());
        assert_eq!(raw.body["suggestions"].as_array().unwrap().len(), 3);
        assert_eq!(
            raw.body["suggestions"][0],
            json!({
                "text": card.body,
                "source": "quick_reply",
                "quick_reply_id": card.id.0,
                "title": "Card refund",
                "score": 0.5,
            })
        );
    }
);

both_dbs!(
    suggestions_are_empty_when_no_reply_shares_a_word,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let a = app.as_(&owner);
        a.create_quick_reply("hours", "Opening hours", "We are open 9 to 5.")
            .await
            .unwrap();
        a.create_quick_reply(
            "refund",
            "Refund policy",
            "We refund any order within 30 days.",
        )
        .await
        .unwrap();
        let key = app.widget_key(&owner).await;
        let (_visitor, id, message) =
            customer_says(&app, &key, "Is the parcel I sent last week lost?").await;

        let view = a.suggestions(&id).await.unwrap();
        assert!(view.suggestions.is_empty(), "{view:?}");
        assert_eq!(view.based_on.map(|m| m.0), Some(message));

        // Only short and common words: nothing to match on.
        let (_visitor, id, _) = customer_says(&app, &key, "Hi, how are you?").await;
        assert!(a.suggestions(&id).await.unwrap().suggestions.is_empty());
    }
);

both_dbs!(
    suggestions_follow_the_latest_customer_message,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let a = app.as_(&owner);
        let hours = a
            .create_quick_reply("hours", "Opening hours", "We are open 9 to 5.")
            .await
            .unwrap();
        let refund = a
            .create_quick_reply(
                "refund",
                "Refund policy",
                "We refund any order within 30 days.",
            )
            .await
            .unwrap();
        let key = app.widget_key(&owner).await;
        let (mut visitor, id, first) = customer_says(&app, &key, "I want a refund").await;
        let view = a.suggestions(&id).await.unwrap();
        assert_eq!(reply_ids(&view), [refund.id.as_str()]);
        assert_eq!(view.based_on.map(|m| m.0), Some(first));

        let second = visitor.say("Actually, when are you open?").await["message_id"]
            .as_str()
            .unwrap()
            .to_string();
        let view = a.suggestions(&id).await.unwrap();
        assert_eq!(reply_ids(&view), [hours.id.as_str()]);
        assert_eq!(view.based_on.as_ref().map(|m| m.as_str()), Some(&*second));

        // An agent's message is not the customer's: the suggestions stay.
        a.join(&id).await.unwrap();
        a.say(&id, "c1", "About your refund and the order...")
            .await
            .unwrap();
        let after = a.suggestions(&id).await.unwrap();
        assert_eq!(after, view);
    }
);

both_dbs!(
    suggestions_of_another_tenants_conversation_are_404,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        app.as_(&owner)
            .create_quick_reply(
                "refund",
                "Refund policy",
                "We refund any order within 30 days.",
            )
            .await
            .unwrap();
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "I want a refund").await;

        let other = app.signup("Other", &email("other")).await;
        let refusal = refused(
            app.as_(&other).suggestions(&id).await,
            404,
            ErrorCode::NotFound,
        );
        assert!(refusal.body["error"]["message"].is_string());
        refused(
            app.as_(&owner).suggestions("no-such-conversation").await,
            404,
            ErrorCode::NotFound,
        );
        // Its owner still gets them.
        let view = app.as_(&owner).suggestions(&id).await.unwrap();
        assert_eq!(view.suggestions.len(), 1);
    }
);
