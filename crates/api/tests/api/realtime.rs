//! The dashboard's event socket and the visitor socket, over real WebSockets.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::MaybeTlsStream;

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::{closed_with, EventSocket, VisitorSocket};

/// Reads events until one of `kind` arrives; returns every event read, checking that sequence
/// numbers go up by exactly one.
async fn events_until(socket: &mut EventSocket, kind: &str, last: &mut i64) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let event = socket.recv().await;
        if let Some(seq) = event["seq"].as_i64() {
            assert_eq!(seq, *last + 1, "gap or duplicate before {event}");
            *last = seq;
        }
        let done = event["type"] == kind;
        seen.push(event);
        if done {
            return seen;
        }
    }
}

both_dbs!(
    events_arrive_in_order_and_resume_with_no_gap_and_no_duplicate,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let mut dashboard = EventSocket::connect(&app, &owner.access, None).await;
        let mut last = dashboard.hello["seq"].as_i64().unwrap();

        let mut visitor = VisitorSocket::connect(&app, &key, None).await;
        visitor.say("first").await;
        let created = events_until(&mut dashboard, "message.created", &mut last).await;
        assert!(created.iter().any(|e| e["type"] == "conversation.created"));
        let message = created.last().unwrap();
        assert_eq!(message["data"]["message"]["body"], "first");
        assert_eq!(message["data"]["conversation"]["message_count"], 1);
        assert!(message["at"].as_str().unwrap().ends_with('Z'));

        // The dashboard drops; the visitor goes on writing.
        drop(dashboard);
        for i in 0..5 {
            visitor.say(&format!("while away {i}")).await;
        }
        let mut resumed = EventSocket::connect(&app, &owner.access, Some(last)).await;
        let mut bodies = Vec::new();
        while bodies.len() < 5 {
            let event = resumed.recv().await;
            assert_eq!(
                event["seq"].as_i64().unwrap(),
                last + 1,
                "resume must continue exactly after {last}"
            );
            last += 1;
            if event["type"] == "message.created" {
                bodies.push(
                    event["data"]["message"]["body"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                );
            }
        }
        assert_eq!(
            bodies,
            (0..5)
                .map(|i| format!("while away {i}"))
                .collect::<Vec<_>>()
        );
        // Then live events continue from there.
        visitor.say("live again").await;
        let live = events_until(&mut resumed, "message.created", &mut last).await;
        assert_eq!(
            live.last().unwrap()["data"]["message"]["body"],
            "live again"
        );
    }
);

both_dbs!(a_point_no_longer_kept_gets_resync, |backend| async move {
    let app = TestApp::spawn_with(backend, &[("EVENT_RETENTION_SECS", "1")]).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let (mut visitor, _) = app.visitor_says(&key, "old news").await;
    // Wait for pruning (retention 1 s, pruned every second), then make one new event.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    visitor.say("new").await;
    let mut socket = EventSocket::connect(&app, &owner.access, Some(0)).await;
    assert_eq!(socket.recv().await["type"], "resync");
    let ahead = socket.hello["seq"].as_i64().unwrap() + 100;
    let mut future = EventSocket::connect(&app, &owner.access, Some(ahead)).await;
    assert_eq!(future.recv().await["type"], "resync");
});

both_dbs!(
    expired_tokens_and_ended_sessions_close_the_socket_with_clear_codes,
    |backend| async move {
        let app = TestApp::spawn_with(
            backend,
            &[
                ("ACCESS_TOKEN_TTL_SECS", "2"),
                ("SOCKET_HEARTBEAT_SECS", "1"),
            ],
        )
        .await;
        let owner = app.signup("Acme", &email("owner")).await;
        let mut socket = EventSocket::connect(&app, &owner.access, None).await;
        assert_eq!(
            closed_with(&mut socket.ws).await,
            Some(4001),
            "token expiry closes with 4001"
        );

        let login = app.login(&owner.email).await.expect(200);
        let token = login.body["access_token"].as_str().unwrap().to_string();
        let mut socket = EventSocket::connect(&app, &token, None).await;
        app.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await
            .expect(204);
        assert_eq!(
            closed_with(&mut socket.ws).await,
            Some(4003),
            "sign-out closes with 4003"
        );

        let refused = tokio_tungstenite::connect_async(format!(
            "ws://127.0.0.1:{}/api/v1/events?access_token=garbage",
            app.port
        ))
        .await;
        assert!(
            refused.is_err(),
            "a bad token is refused before the upgrade"
        );
    }
);

both_dbs!(another_tenants_events_never_arrive, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let a = app.signup("A", &email("a")).await;
    let b = app.signup("B", &email("b")).await;
    let b_key = app.api_key(&b, "integration").await;
    let mut b_dashboard = EventSocket::connect(&app, &b.access, None).await;
    let mut b_integration = EventSocket::connect(&app, &b_key, None).await;
    let a_key = app.widget_key(&a).await;
    for i in 0..5 {
        app.visitor_says(&a_key, &format!("A secret {i}")).await;
    }
    let b_widget = app.widget_key(&b).await;
    app.visitor_says(&b_widget, "B's own").await;
    for socket in [&mut b_dashboard, &mut b_integration] {
        let first = socket.recv().await;
        assert_eq!(
            first["seq"], 1,
            "B's first event is B's own, numbered in B's sequence: {first}"
        );
        let mut last = 1;
        let events = events_until(socket, "message.created", &mut last).await;
        let text = serde_json::to_string(&events).unwrap() + &first.to_string();
        assert!(!text.contains("A secret"), "{text}");
        assert!(text.contains("B's own"));
    }
});

both_dbs!(every_kind_of_change_is_an_event, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let key = app.widget_key(&owner).await;
    let mut socket = EventSocket::connect(&app, &owner.access, None).await;
    let mut last = socket.hello["seq"].as_i64().unwrap();
    let mut visitor = VisitorSocket::connect(&app, &key, None).await;
    visitor
        .send(json!({ "type": "page", "url": "https://acme.test/pricing", "title": "Pricing" }))
        .await;
    let online = events_until(&mut socket, "visitor.online", &mut last).await;
    assert_eq!(
        online.last().unwrap()["data"]["page_url"],
        "https://acme.test/pricing"
    );
    let id = visitor.say("hi").await["conversation_id"]
        .as_str()
        .unwrap()
        .to_string();
    events_until(&mut socket, "message.created", &mut last).await;
    visitor.send(json!({ "type": "typing" })).await;
    events_until(&mut socket, "typing", &mut last).await;
    visitor.send(json!({ "type": "request_agent" })).await;
    let needs = events_until(&mut socket, "conversation.needs_agent", &mut last).await;
    assert_eq!(needs.last().unwrap()["data"]["status"], "needs_agent");

    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/join"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    let joined = events_until(&mut socket, "agent.joined", &mut last).await;
    assert_eq!(
        joined.last().unwrap()["data"]["agent"]["id"],
        owner.user_id.as_str()
    );
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/typing"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(204);
    events_until(&mut socket, "typing", &mut last).await;
    assert_eq!(visitor.recv_type("typing").await["sender_name"], "Owner");
    let delegation = app
        .post(
            &format!("/api/v1/conversations/{id}/delegations"),
            &owner.access,
            json!({ "to_user_id": agent.user_id }),
        )
        .await
        .expect(201);
    let requested = events_until(&mut socket, "handoff.requested", &mut last).await;
    assert_eq!(
        requested.last().unwrap()["data"]["conversation"]["status"],
        "delegated"
    );
    app.call(
        Method::POST,
        &format!(
            "/api/v1/delegations/{}/reject",
            delegation.body["id"].as_str().unwrap()
        ),
        Some(&agent.access),
        None,
    )
    .await
    .expect(200);
    events_until(&mut socket, "handoff.rejected", &mut last).await;
    let second = app
        .post(
            &format!("/api/v1/conversations/{id}/delegations"),
            &owner.access,
            json!({ "to_user_id": agent.user_id }),
        )
        .await
        .expect(201);
    app.call(
        Method::POST,
        &format!(
            "/api/v1/delegations/{}/cancel",
            second.body["id"].as_str().unwrap()
        ),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    events_until(&mut socket, "handoff.cancelled", &mut last).await;
    let third = app
        .post(
            &format!("/api/v1/conversations/{id}/delegations"),
            &owner.access,
            json!({ "to_user_id": agent.user_id }),
        )
        .await
        .expect(201);
    app.call(
        Method::POST,
        &format!(
            "/api/v1/delegations/{}/accept",
            third.body["id"].as_str().unwrap()
        ),
        Some(&agent.access),
        None,
    )
    .await
    .expect(200);
    events_until(&mut socket, "handoff.accepted", &mut last).await;
    app.post(
        &format!("/api/v1/conversations/{id}/transfer"),
        &agent.access,
        json!({ "to_user_id": owner.user_id }),
    )
    .await
    .expect(200);
    events_until(&mut socket, "handoff.transferred", &mut last).await;
    app.post(
        &format!("/api/v1/conversations/{id}/lead"),
        &owner.access,
        json!({ "email": "lead@example.com" }),
    )
    .await
    .expect(201);
    events_until(&mut socket, "lead.created", &mut last).await;
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/resolve"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    events_until(&mut socket, "conversation.resolved", &mut last).await;
    visitor.send(json!({ "type": "rating", "stars": 5 })).await;
    events_until(&mut socket, "rating.created", &mut last).await;
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/reopen"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    events_until(&mut socket, "conversation.updated", &mut last).await;
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/join"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/leave"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    events_until(&mut socket, "agent.left", &mut last).await;
    app.put(
        "/api/v1/me/availability",
        &agent.access,
        json!({ "availability": "away" }),
    )
    .await
    .expect(200);
    let availability = events_until(&mut socket, "agent.availability", &mut last).await;
    assert_eq!(availability.last().unwrap()["data"]["availability"], "away");
    drop(visitor);
    events_until(&mut socket, "visitor.offline", &mut last).await;
});

both_dbs!(a_silent_peer_is_dropped, |backend| async move {
    let app = TestApp::spawn_with(
        backend,
        &[
            ("SOCKET_HEARTBEAT_SECS", "1"),
            ("SOCKET_SILENCE_LIMIT_SECS", "2"),
        ],
    )
    .await;
    let owner = app.signup("Acme", &email("owner")).await;
    let socket = EventSocket::connect(&app, &owner.access, None).await;
    // Not reading means not answering pings.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut ws = socket.ws;
    // Either the close frame (1001, going away) is read, or the connection is already gone; a
    // socket the server kept open would yield pings until the timeout and fail here.
    let code = closed_with(&mut ws).await;
    assert!(
        matches!(code, Some(1001) | None),
        "a silent peer must be dropped, got {code:?}"
    );
});

// A dashboard tab that goes away without a goodbye resets its connection. That is how
// sockets end, not a server error, and an operator must not find it logged as one (nor find
// terminal colour codes in a log written to a file).
both_dbs!(
    a_reset_dashboard_connection_leaves_clean_logs,
    |backend| async move {
        let app = TestApp::spawn_with(backend, &[("LOG", "info")]).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let socket = EventSocket::connect(&app, &owner.access, None).await;
        let MaybeTlsStream::Plain(tcp) = socket.ws.get_ref() else {
            unreachable!("the tests connect without TLS")
        };
        // Closing with SO_LINGER 0 sends a reset instead of a FIN.
        tcp.set_zero_linger().unwrap();
        drop(socket);
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.get("/api/v1/me", &owner.access).await.expect(200);
        let logs: Vec<String> = app.logs.try_iter().collect();
        let errors: Vec<&String> = logs.iter().filter(|l| l.contains("ERROR")).collect();
        assert!(errors.is_empty(), "logged as errors: {errors:?}");
        // Written to a pipe (a file, a log collector), lines carry no terminal colours.
        assert!(logs.iter().any(|l| l.contains("INFO")), "{logs:?}");
        assert!(!logs.iter().any(|l| l.contains('\u{1b}')), "{logs:?}");
    }
);

both_dbs!(
    visitor_socket_survives_bad_frames_and_limits_abuse,
    |backend| async move {
        let app = TestApp::spawn_with(
            backend,
            &[
                ("WIDGET_MESSAGES_PER_SECOND", "2"),
                ("WIDGET_MAX_CONNECTIONS_PER_ADDRESS", "3"),
            ],
        )
        .await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let mut visitor = VisitorSocket::connect(&app, &key, None).await;
        for bad in [
            "not json",
            "{\"type\":\"teleport\"}",
            "{\"type\":\"message\"}",
            "{\"type\":\"rating\",\"stars\":\"five\"}",
        ] {
            visitor.ws.send(Message::text(bad)).await.unwrap();
            let error = visitor.recv_type("error").await;
            assert_eq!(error["code"], "invalid_frame", "{bad}");
        }
        visitor
            .ws
            .send(Message::binary(vec![1, 2, 3]))
            .await
            .unwrap();
        assert_eq!(visitor.recv_type("error").await["code"], "invalid_frame");
        let empty = json!({ "type": "message", "client_id": "e", "text": "   " });
        visitor.send(empty).await;
        assert_eq!(
            visitor.recv_type("error").await["code"],
            "validation_failed"
        );
        // PostgreSQL cannot store a NUL character: refused up front, on both databases.
        let nul = json!({ "type": "message", "client_id": "n", "text": "a\u{0}b" });
        visitor.send(nul).await;
        assert_eq!(
            visitor.recv_type("error").await["code"],
            "validation_failed"
        );
        visitor.say("still alive").await;

        // A burst past the per-visitor rate gets rate_limited errors, never a crash.
        for i in 0..10 {
            visitor
                .send(
                    json!({ "type": "message", "client_id": format!("burst{i}"), "text": "spam" }),
                )
                .await;
        }
        let (_, limited) = visitor.acks_and_rate_limits(10).await;
        assert!(
            limited >= 5,
            "only {limited} of 10 burst messages were limited"
        );

        // An oversize frame gets an error frame and a close with 1009 (the rest of the frame is
        // read and dropped, so the connection is not reset under them); the server keeps
        // serving.
        visitor
            .ws
            .send(Message::text("x".repeat(20 * 1024)))
            .await
            .unwrap();
        assert_eq!(visitor.recv_type("error").await["code"], "frame_too_large");
        let mut ws = visitor.ws;
        assert_eq!(closed_with(&mut ws).await, Some(1009));
        app.call(Method::GET, "/healthz", None, None)
            .await
            .expect(200);

        // Connections per address are limited (3 here): the fourth is refused before the upgrade.
        let _keep: Vec<VisitorSocket> = futures_util::future::join_all(
            (0..3).map(|_| VisitorSocket::connect(&app, &key, None)),
        )
        .await;
        let fourth = tokio_tungstenite::connect_async(format!(
            "ws://127.0.0.1:{}/api/widget/v1/ws?key={key}",
            app.port
        ))
        .await;
        match fourth {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), 429)
            }
            other => panic!("the fourth socket should get 429, got {other:?}"),
        }
    }
);

/// One frame of a message sent in fragments (`first` says text; later ones are continuations).
fn fragment(payload: &[u8], first: bool, last: bool) -> Message {
    let opcode = OpCode::Data(if first { Data::Text } else { Data::Continue });
    Message::Frame(Frame::message(payload.to_vec(), opcode, last))
}

// RFC 6455 lets a client send a message in fragments, with pings between them; the visitor
// socket puts it back together, applies the frame limit to the whole message, and closes
// with 1007 on text that is not UTF-8.
both_dbs!(
    visitor_socket_reassembles_fragmented_messages,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let mut visitor = VisitorSocket::connect(&app, &key, None).await;
        let frame = json!({ "type": "message", "client_id": "frag-1", "text": "in three parts" });
        let bytes = frame.to_string().into_bytes();
        let (head, rest) = bytes.split_at(10);
        let (middle, tail) = rest.split_at(12);
        visitor.ws.send(fragment(head, true, false)).await.unwrap();
        visitor
            .ws
            .send(Message::Ping(vec![7].into()))
            .await
            .unwrap();
        visitor
            .ws
            .send(fragment(middle, false, false))
            .await
            .unwrap();
        visitor.ws.send(fragment(tail, false, true)).await.unwrap();
        let ack = visitor.recv_type("ack").await;
        assert_eq!(ack["client_id"], "frag-1");
        let conversation = ack["conversation_id"].as_str().unwrap().to_string();
        let messages = app
            .get(
                &format!("/api/v1/conversations/{conversation}/messages"),
                &owner.access,
            )
            .await
            .expect(200)
            .body;
        assert!(
            messages.to_string().contains("in three parts"),
            "{messages}"
        );

        // Fragments of 8 KiB each are fine one by one; the message they make is not.
        let chunk = vec![b'x'; 8 * 1024];
        visitor
            .ws
            .send(fragment(&chunk, true, false))
            .await
            .unwrap();
        visitor
            .ws
            .send(fragment(&chunk, false, false))
            .await
            .unwrap();
        visitor
            .ws
            .send(fragment(&chunk, false, true))
            .await
            .unwrap();
        assert_eq!(visitor.recv_type("error").await["code"], "frame_too_large");
        let mut ws = visitor.ws;
        assert_eq!(closed_with(&mut ws).await, Some(1009));

        let mut broken = VisitorSocket::connect(&app, &key, None).await;
        let not_utf8 = Frame::message(vec![b'{', 0xff, 0xfe, b'}'], OpCode::Data(Data::Text), true);
        broken.ws.send(Message::Frame(not_utf8)).await.unwrap();
        assert_eq!(closed_with(&mut broken.ws).await, Some(1007));
        app.call(Method::GET, "/healthz", None, None)
            .await
            .expect(200);
    }
);

both_dbs!(live_visitors_follow_presence, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let mut browsing = VisitorSocket::connect(&app, &key, None).await;
    assert_eq!(
        app.get("/api/v1/visitors/live", &owner.access)
            .await
            .expect(200)
            .body,
        json!([]),
        "no page yet, not live"
    );
    browsing.send(json!({ "type": "page", "url": "https://acme.test/", "title": "Home", "referrer": "https://search.test/" })).await;
    browsing.send(json!({ "type": "ping" })).await;
    browsing.recv_type("pong").await;
    let live = app
        .get("/api/v1/visitors/live", &owner.access)
        .await
        .expect(200)
        .body;
    assert_eq!(live.as_array().unwrap().len(), 1);
    assert_eq!(live[0]["page_url"], "https://acme.test/");
    assert_eq!(live[0]["referrer"], "https://search.test/");
    assert_eq!(live[0]["chatting"], false);
    browsing.say("question").await;
    let live = app
        .get("/api/v1/visitors/live", &owner.access)
        .await
        .expect(200)
        .body;
    assert_eq!(live[0]["chatting"], true);
    let mut ws = browsing.ws;
    ws.close(None).await.unwrap();
    while ws.next().await.is_some() {}
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let live = app
            .get("/api/v1/visitors/live", &owner.access)
            .await
            .expect(200)
            .body;
        if live == json!([]) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the visitor never went offline"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
});
