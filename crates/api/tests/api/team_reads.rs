//! "Seen by the team": a member marks the visitor's messages seen up to one; the visitor's
//! socket gets `seen` at once and its welcome carries the mark after a reconnect; a mark behind
//! the stored one changes nothing; only a visitor message of the conversation can be marked,
//! and only by the conversation's own workspace.

use reqwest::Method;
use serde_json::json;
use std::time::Duration;

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::VisitorSocket;

both_dbs!(
    the_visitor_sees_that_the_team_read_their_messages,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "First question").await;
        let first = visitor.welcome.clone();
        assert!(
            first["conversation"].is_null(),
            "no conversation before the first message"
        );
        let second = visitor.say("Second question").await;
        let ids: Vec<String> = app
            .messages_of(&owner, &id)
            .await
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect();
        let (m1, m2) = (
            ids[0].clone(),
            second["message_id"].as_str().unwrap().to_string(),
        );
        let seen = |m: &str| json!({ "message_id": m });
        let path = format!("/api/v1/conversations/{id}/seen");

        app.post(&path, &owner.access, seen(&m2)).await.expect(204);
        let frame = visitor.recv_type("seen").await;
        assert_eq!(frame["message_id"], m2.as_str());
        // Behind the mark: accepted, nothing changes, the visitor is not told.
        app.post(&path, &owner.access, seen(&m1)).await.expect(204);
        assert!(visitor
            .try_recv_type("seen", Duration::from_millis(500))
            .await
            .is_none());

        // After a reconnect the welcome says how far the team read.
        let back = VisitorSocket::connect(&app, &key, Some(&visitor.token)).await;
        assert_eq!(back.welcome["conversation"]["seen_up_to"], m2.as_str());

        // Only a message of this conversation (404 otherwise), and one the visitor wrote.
        app.post(&path, &owner.access, seen("no-such-message"))
            .await
            .expect(404);
        let (_other_visitor, other_id) = app.visitor_says(&key, "Someone else").await;
        let elsewhere = format!("/api/v1/conversations/{other_id}/seen");
        app.post(&elsewhere, &owner.access, seen(&m2))
            .await
            .expect(404);
        let join = format!("/api/v1/conversations/{id}/join");
        app.call(Method::POST, &join, Some(&owner.access), None)
            .await
            .expect(200);
        let reply = json!({ "client_message_id": "r1", "body": "On it" });
        let ours = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &owner.access,
                reply,
            )
            .await
            .expect(201);
        let refused = app
            .post(
                &path,
                &owner.access,
                seen(ours.body["id"].as_str().unwrap()),
            )
            .await
            .expect(422);
        assert!(refused.body["error"]["details"]["fields"]["message_id"].is_string());

        // Another workspace cannot mark it.
        let stranger = app.signup("Elsewhere", &email("other")).await;
        app.post(&path, &stranger.access, seen(&m2))
            .await
            .expect(404);
    }
);
