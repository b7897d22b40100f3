//! A conversation end to end: a visitor writes, an agent joins (the lock), replies, resolves.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    visitor_message_agent_join_reply_resolve,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "Hello, is anyone there?").await;

        let list = app
            .get("/api/v1/conversations", &agent.access)
            .await
            .expect(200);
        let row = &list.body["items"][0];
        assert_eq!(row["id"], id.as_str());
        assert_eq!(row["status"], "open");
        assert_eq!(row["is_new"], true);
        assert_eq!(row["message_count"], 1);
        assert_eq!(row["channel"], "widget");
        assert_eq!(row["visitor_label"], visitor.welcome["display_id"]);
        assert!(row["assignee"].is_null());

        // Sending before joining is refused.
        let early = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &agent.access,
                json!({ "client_message_id": "c0", "body": "hi" }),
            )
            .await
            .expect(409);
        assert_eq!(early.code(), "not_joined");

        let joined = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{id}/join"),
                Some(&agent.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(
            joined.body["conversation"]["assignee"]["id"],
            agent.user_id.as_str()
        );
        assert_eq!(
            visitor.recv_type("agent_joined").await["agent_name"],
            format!("Member {}", agent.email)
        );

        let sent = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &agent.access,
                json!({ "client_message_id": "c1", "body": "Hi! How can I help?" }),
            )
            .await
            .expect(201);
        assert_eq!(sent.body["sender"], "agent");
        let received = visitor.recv_reply().await;
        assert_eq!(received["message"]["body"], "Hi! How can I help?");
        assert_eq!(received["message"]["sender"], "agent");

        let thread = app
            .get(
                &format!("/api/v1/conversations/{id}/messages"),
                &agent.access,
            )
            .await
            .expect(200);
        let bodies: Vec<&str> = thread.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(
            bodies,
            vec!["Hello, is anyone there?", "Hi! How can I help?"]
        );

        let resolved = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{id}/resolve"),
                Some(&agent.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(resolved.body["conversation"]["status"], "resolved");
        assert_eq!(resolved.body["resolved_by"], agent.user_id.as_str());
        visitor.recv_type("resolved").await;
        visitor.recv_type("rating_request").await;
        let again = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{id}/resolve"),
                Some(&agent.access),
                None,
            )
            .await
            .expect(409);
        assert_eq!(again.code(), "already_resolved");

        let reopened = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{id}/reopen"),
                Some(&agent.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(reopened.body["conversation"]["status"], "open");
    }
);

both_dbs!(
    agent_messages_are_idempotent_on_the_client_id,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "hi").await;
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&owner.access),
            None,
        )
        .await
        .expect(200);
        let path = format!("/api/v1/conversations/{id}/messages");
        let first = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "same", "body": "once" }),
            )
            .await
            .expect(201);
        let second = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "same", "body": "once" }),
            )
            .await
            .expect(200);
        assert_eq!(first.body["id"], second.body["id"]);
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &owner.access)
            .await
            .expect(200);
        assert_eq!(detail.body["conversation"]["message_count"], 2);
    }
);

both_dbs!(
    visitor_resends_are_stored_once_and_returning_visitors_resume,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let mut visitor = crate::sockets::VisitorSocket::connect(&app, &key, None).await;
        let frame = json!({ "type": "message", "client_id": "k-1", "text": "only once" });
        visitor.send(frame.clone()).await;
        let first = visitor.recv_type("ack").await;
        visitor.send(frame).await;
        let second = visitor.recv_type("ack").await;
        assert_eq!(first["message_id"], second["message_id"]);
        // Also right after a message in the open conversation (on PostgreSQL the socket then
        // writes without reading first, and the resend meets the stored one in the database).
        let frame = json!({ "type": "message", "client_id": "k-2", "text": "also once" });
        visitor.send(frame.clone()).await;
        let third = visitor.recv_type("ack").await;
        visitor.send(frame).await;
        let fourth = visitor.recv_type("ack").await;
        assert_eq!(third["message_id"], fourth["message_id"]);

        // A reload with the kept token is the same visitor, in the same conversation.
        let token = visitor.token.clone();
        drop(visitor);
        let back = crate::sockets::VisitorSocket::connect(&app, &key, Some(&token)).await;
        assert_eq!(back.welcome["conversation"]["id"], first["conversation_id"]);
        let messages = back.welcome["messages"].as_array().unwrap();
        let bodies: Vec<&str> = messages
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["only once", "also once"]);
    }
);

both_dbs!(
    asking_for_a_human_puts_the_conversation_in_the_queue,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "I want a human").await;
        visitor.send(json!({ "type": "request_agent" })).await;
        visitor.recv_type("agent_requested").await;

        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &agent.access)
            .await
            .expect(200);
        assert_eq!(detail.body["conversation"]["status"], "needs_agent");
        assert!(detail.body["conversation"]["needs_agent_since"].is_string());
        let counts = app
            .get("/api/v1/conversations/counts", &agent.access)
            .await
            .expect(200);
        assert_eq!(
            counts.body,
            json!({ "all": 1, "open": 1, "needs_agent": 1, "resolved": 0, "booked": 0 })
        );
        let queue = app
            .get("/api/v1/conversations?status=needs_agent", &agent.access)
            .await
            .expect(200);
        assert_eq!(queue.body["items"].as_array().unwrap().len(), 1);

        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&agent.access),
            None,
        )
        .await
        .expect(200);
        let counts = app
            .get("/api/v1/conversations/counts", &agent.access)
            .await
            .expect(200);
        assert_eq!(counts.body["needs_agent"], 0, "joining answers the request");
        let overview = app
            .get("/api/v1/stats/overview", &owner.access)
            .await
            .expect(200);
        assert_eq!(overview.body["agent_requests"], 1);
    }
);

both_dbs!(
    the_join_lock_holds_under_fifty_concurrent_joins,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "help").await;
        let emails: Vec<String> = (0..50).map(|i| email(&format!("agent{i}"))).collect();
        let agents = futures_util::future::join_all(
            emails.iter().map(|e| app.add_member(&owner, e, "agent")),
        )
        .await;

        let path = format!("/api/v1/conversations/{id}/join");
        let results = futures_util::future::join_all(
            agents
                .iter()
                .map(|a| app.call(Method::POST, &path, Some(&a.access), None)),
        )
        .await;
        let winners: Vec<usize> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == 200)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(winners.len(), 1, "exactly one agent gets the conversation");
        let winner = &agents[winners[0]];
        for (i, result) in results.iter().enumerate().filter(|(i, _)| *i != winners[0]) {
            assert_eq!(result.status, 409, "agent {i}: {}", result.text);
            assert_eq!(result.code(), "conversation_locked");
            assert_eq!(
                result.body["error"]["details"]["holder"]["id"],
                winner.user_id.as_str()
            );
        }
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &owner.access)
            .await
            .expect(200);
        assert_eq!(
            detail.body["conversation"]["assignee"]["id"],
            winner.user_id.as_str()
        );

        // The holder leaves; someone else can join.
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/leave"),
            Some(&winner.access),
            None,
        )
        .await
        .expect(200);
        let next = &agents[(winners[0] + 1) % 50];
        app.call(Method::POST, &path, Some(&next.access), None)
            .await
            .expect(200);
        app.call(Method::POST, &path, Some(&winner.access), None)
            .await
            .expect(409);
    }
);

both_dbs!(
    admins_may_force_take_and_act_without_the_lock,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let agent2 = app.add_member(&owner, &email("agent2"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "help").await;
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&agent.access),
            None,
        )
        .await
        .expect(200);
        // Agents cannot force, admins can.
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join?force=true"),
            Some(&agent2.access),
            None,
        )
        .await
        .expect(403);
        let locked = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &agent2.access,
                json!({ "client_message_id": "x", "body": "me too" }),
            )
            .await
            .expect(409);
        assert_eq!(locked.code(), "conversation_locked");
        app.post(
            &format!("/api/v1/conversations/{id}/messages"),
            &owner.access,
            json!({ "client_message_id": "o", "body": "owner here" }),
        )
        .await
        .expect(201);
        let taken = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{id}/join?force=true"),
                Some(&owner.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(
            taken.body["conversation"]["assignee"]["id"],
            owner.user_id.as_str()
        );
        let left = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{id}/leave"),
                Some(&agent.access),
                None,
            )
            .await
            .expect(409);
        assert_eq!(left.code(), "not_joined");
    }
);

both_dbs!(bookings_mark_conversations_booked, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let (_visitor, id) = app.visitor_says(&key, "book me").await;
    let booking = app.post(&format!("/api/v1/conversations/{id}/bookings"), &owner.access, json!({ "starts_at": "2030-01-02T10:00:00Z", "ends_at": "2030-01-02T10:30:00Z", "note": "Demo" })).await.expect(201);
    assert_eq!(booking.body["conversation_id"], id.as_str());
    let booked = app
        .get("/api/v1/conversations?status=booked", &owner.access)
        .await
        .expect(200);
    assert_eq!(booked.body["items"][0]["booked"], true);
    let counts = app
        .get("/api/v1/conversations/counts", &owner.access)
        .await
        .expect(200);
    assert_eq!(counts.body["booked"], 1);
    let bad = app
        .post(
            &format!("/api/v1/conversations/{id}/bookings"),
            &owner.access,
            json!({ "starts_at": "2030-01-02T10:00:00Z", "ends_at": "2030-01-02T09:00:00Z" }),
        )
        .await
        .expect(422);
    assert!(bad.body["error"]["details"]["fields"]["ends_at"].is_string());
});
