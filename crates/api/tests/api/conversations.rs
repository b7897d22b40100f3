//! A conversation end to end: a visitor writes, an agent joins (the lock), replies, resolves.

use reqwest::Method;
use serde_json::json;
use switchboard_types::conversations::{Channel, ConversationStatus};
use switchboard_types::error::ErrorCode;
use switchboard_types::messages::Sender;

use crate::both_dbs;
use crate::client::refused;
use crate::helpers::*;

both_dbs!(
    visitor_message_agent_join_reply_resolve,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "Hello, is anyone there?").await;

        let as_agent = app.as_(&agent);
        let list = as_agent.conversations("").await.unwrap();
        let row = &list.items[0];
        assert_eq!(row.id.as_str(), id);
        assert_eq!(row.status, ConversationStatus::Open);
        assert!(row.is_new);
        assert_eq!(row.message_count, 1);
        assert_eq!(row.channel, Channel::Widget);
        assert_eq!(
            row.visitor_label,
            visitor.welcome["display_id"].as_str().unwrap()
        );
        assert!(row.assignee.is_none());

        // Sending before joining is refused.
        refused(
            as_agent.say(&id, "c0", "hi").await,
            409,
            ErrorCode::NotJoined,
        );

        let joined = as_agent.join(&id).await.unwrap();
        assert_eq!(
            joined.conversation.assignee.map(|a| a.id.0),
            Some(agent.user_id.clone())
        );
        assert_eq!(
            visitor.recv_type("agent_joined").await["agent_name"],
            format!("Member {}", agent.email)
        );

        let sent = as_agent
            .say(&id, "c1", "Hi! How can I help?")
            .await
            .unwrap();
        assert_eq!(sent.sender, Sender::Agent);
        let received = visitor.recv_reply().await;
        assert_eq!(received["message"]["body"], "Hi! How can I help?");
        assert_eq!(received["message"]["sender"], "agent");

        let thread = as_agent.messages(&id).await.unwrap();
        let bodies: Vec<&str> = thread
            .items
            .iter()
            .filter_map(|m| m.body.as_deref())
            .collect();
        let joined = format!("Member {} joined the conversation", agent.email);
        assert_eq!(
            bodies,
            vec!["Hello, is anyone there?", &joined, "Hi! How can I help?"]
        );

        let resolved = as_agent.resolve(&id).await.unwrap();
        assert_eq!(resolved.conversation.status, ConversationStatus::Resolved);
        assert_eq!(
            resolved.resolved_by.map(|u| u.0),
            Some(agent.user_id.clone())
        );
        visitor.recv_type("resolved").await;
        visitor.recv_type("rating_request").await;
        refused(as_agent.resolve(&id).await, 409, ErrorCode::AlreadyResolved);

        let reopened = as_agent.reopen(&id).await.unwrap();
        assert_eq!(reopened.conversation.status, ConversationStatus::Open);
    }
);

both_dbs!(
    agent_messages_are_idempotent_on_the_client_id,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "hi").await;
        let as_owner = app.as_(&owner);
        as_owner.join(&id).await.unwrap();
        let path = format!("/api/v1/conversations/{id}/messages");
        let once = json!({ "client_message_id": "same", "body": "once" });
        let first = app
            .post(&path, &owner.access, once.clone())
            .await
            .expect(201);
        let second = app.post(&path, &owner.access, once).await.expect(200);
        assert_eq!(first.body["id"], second.body["id"]);
        let detail = as_owner.detail(&id).await.unwrap();
        assert_eq!(detail.conversation.message_count, 2);
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

        let as_agent = app.as_(&agent);
        let detail = as_agent.detail(&id).await.unwrap();
        assert_eq!(detail.conversation.status, ConversationStatus::NeedsAgent);
        assert!(detail.conversation.needs_agent_since.is_some());
        let counts = as_agent.counts().await.unwrap();
        assert_eq!(
            (
                counts.all,
                counts.open,
                counts.needs_agent,
                counts.resolved,
                counts.booked
            ),
            (1, 1, 1, 0, 0)
        );
        let queue = as_agent.conversations("status=needs_agent").await.unwrap();
        assert_eq!(queue.items.len(), 1);

        as_agent.join(&id).await.unwrap();
        let counts = as_agent.counts().await.unwrap();
        assert_eq!(counts.needs_agent, 0, "joining answers the request");
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
        // Members are added a few at a time: each costs a password hash, and fifty at once can
        // keep a loaded machine busy past the server's request timeout. The joins race below.
        let mut agents = Vec::new();
        for batch in emails.chunks(5) {
            agents.extend(
                futures_util::future::join_all(
                    batch.iter().map(|e| app.add_member(&owner, e, "agent")),
                )
                .await,
            );
        }

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
        app.as_(&agent).join(&id).await.unwrap();
        // Agents cannot force, admins can.
        refused(
            app.as_(&agent2).take_over(&id).await,
            403,
            ErrorCode::Forbidden,
        );
        refused(
            app.as_(&agent2).say(&id, "x", "me too").await,
            409,
            ErrorCode::ConversationLocked,
        );
        app.as_(&owner).say(&id, "o", "owner here").await.unwrap();
        let taken = app.as_(&owner).take_over(&id).await.unwrap();
        assert_eq!(
            taken.conversation.assignee.map(|a| a.id.0),
            Some(owner.user_id.clone())
        );
        refused(app.as_(&agent).leave(&id).await, 409, ErrorCode::NotJoined);
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
