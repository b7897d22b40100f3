//! What an outside test suite and a schema fuzzer found at the edge of the API: NUL
//! characters, arrays for objects, credentials checked before the body, methods a path does not
//! have, plain HTTP on socket endpoints, bad multipart, reused idempotency keys, cursors and
//! positions. Each test here failed before its fix.

use futures_util::SinkExt;
use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::{closed_with, VisitorSocket};

both_dbs!(
    nul_is_refused_wherever_text_comes_in,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        for path in [
            "/api/v1/conversations/a%00b",
            "/api/v1/quick-replies?prefix=%00",
            "/api/v1/team/members/x%00/deactivate",
        ] {
            let method = if path.ends_with("deactivate") {
                Method::POST
            } else {
                Method::GET
            };
            let refused = app
                .call(method, path, Some(&owner.access), None)
                .await
                .expect(422);
            assert_eq!(refused.code(), "validation_failed", "{path}");
        }
        // Two that need no sign-in at all.
        let login = app
            .raw(
                Method::POST,
                "/api/v1/auth/login",
                None,
                "application/json",
                br#"{"email":"a\u0000b","password":"x"}"#.to_vec(),
            )
            .await
            .expect(422);
        assert_eq!(
            login.body["error"]["details"]["fields"]["body"]
                .as_str()
                .map(|m| m.contains("NUL")),
            Some(true),
            "{}",
            login.text
        );
        let widget = app
            .call(
                Method::GET,
                &format!("/api/widget/v1/ws?key={key}%00"),
                None,
                None,
            )
            .await
            .expect(422);
        assert!(widget.body["error"]["details"]["fields"]["query"].is_string());
        // An escaped backslash before "u0000" is text, and is stored as it is.
        let reply = app
            .raw(
                Method::POST,
                "/api/v1/quick-replies",
                Some(&owner.access),
                "application/json",
                br#"{"shortcut":"path","title":"Path","body":"C:\\u0000 is a folder"}"#.to_vec(),
            )
            .await
            .expect(201);
        assert_eq!(reply.body["body"], "C:\\u0000 is a folder");
        // A NUL character in a part's header is not HTTP: the multipart parser refuses it.
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("a\u{0}.txt"),
        );
        let upload = app
            .client
            .post(format!("{}/api/v1/attachments", app.base))
            .bearer_auth(&owner.access)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(upload.status().as_u16(), 400);
        let upload: serde_json::Value = upload.json().await.unwrap();
        assert_eq!(upload["error"]["code"], "malformed_multipart");
        // And on the visitor socket, in any frame.
        let mut visitor = VisitorSocket::connect(&app, &key, None).await;
        let page = r#"{"type":"page","url":"https://shop.example/\u0000"}"#;
        visitor.ws.send(Message::text(page)).await.unwrap();
        assert_eq!(
            visitor.recv_type("error").await["code"],
            "validation_failed"
        );
        visitor.say("still here").await;
    }
);

both_dbs!(a_json_array_is_not_an_object, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let reply = app
        .post(
            "/api/v1/quick-replies",
            &owner.access,
            json!(["a", "b", "c"]),
        )
        .await
        .expect(422);
    assert_eq!(
        reply.body["error"]["details"]["fields"]["body"],
        "must be a JSON object"
    );
    let key = app
        .post("/api/v1/api-keys", &owner.access, json!(["x"]))
        .await
        .expect(422);
    assert_eq!(key.code(), "validation_failed");
    let replies = app
        .get("/api/v1/quick-replies", &owner.access)
        .await
        .expect(200);
    assert_eq!(replies.body.as_array().map(Vec::len), Some(0));
    let keys = app.get("/api/v1/api-keys", &owner.access).await.expect(200);
    assert_eq!(keys.body.as_array().map(Vec::len), Some(0), "no live key");
});

both_dbs!(
    a_bad_credential_is_a_401_before_any_body_or_query_check,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let signed_out = app.login(&owner.email).await.expect(200);
        let signed_out = signed_out.body["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        app.call(Method::POST, "/api/v1/auth/logout", Some(&signed_out), None)
            .await
            .expect(204);
        // Each of these needs a database lookup to refuse; the body or query beside it is bad
        // too. Repeated: the outcome used to depend on which check finished first.
        for _ in 0..15 {
            let unknown_key = app
                .raw(
                    Method::POST,
                    "/api/v1/quick-replies",
                    Some("sbk_not_a_key_at_all"),
                    "application/json",
                    b"{\"shortcut\": ".to_vec(),
                )
                .await
                .expect(401);
            assert_eq!(unknown_key.code(), "invalid_api_key");
            let wrong_type = app
                .raw(
                    Method::POST,
                    "/api/v1/quick-replies",
                    Some(&signed_out),
                    "text/plain",
                    b"hi".to_vec(),
                )
                .await
                .expect(401);
            assert_eq!(wrong_type.code(), "session_revoked");
            let bad_query = app
                .get("/api/v1/audit-log?limit=ten", &signed_out)
                .await
                .expect(401);
            assert_eq!(bad_query.code(), "session_revoked");
        }
    }
);

both_dbs!(
    methods_a_path_lacks_get_405_with_allow,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let counts = app
            .delete("/api/v1/conversations/counts", &owner.access)
            .await
            .expect(405);
        assert_eq!(counts.code(), "method_not_allowed");
        assert_eq!(counts.headers["allow"], "GET");
        let replies = app
            .call(
                Method::PATCH,
                "/api/v1/quick-replies",
                Some(&owner.access),
                None,
            )
            .await
            .expect(405);
        assert_eq!(replies.headers["allow"], "GET, POST");
        for path in ["/healthz", "/readyz"] {
            let health = app.call(Method::POST, path, None, None).await.expect(405);
            assert_eq!(
                health.code(),
                "method_not_allowed",
                "{path}: {}",
                health.text
            );
            assert_eq!(health.headers["allow"], "GET");
        }
        // OPTIONS says what a path has.
        let options = app
            .call(Method::OPTIONS, "/healthz", None, None)
            .await
            .expect(204);
        assert_eq!(options.headers["allow"], "GET");
        // Unknown paths are still 404s, and dashboard pages still load.
        app.get("/api/v1/no-such-thing", &owner.access)
            .await
            .expect(404);
    }
);

both_dbs!(
    socket_endpoints_and_uploads_say_what_they_expect,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let events = app
            .get(
                &format!("/api/v1/events?access_token={}", owner.access),
                &owner.access,
            )
            .await
            .expect(426);
        assert_eq!(events.code(), "websocket_upgrade_required");
        assert_eq!(events.headers["upgrade"], "websocket");
        let widget = app
            .call(
                Method::GET,
                &format!("/api/widget/v1/ws?key={key}"),
                None,
                None,
            )
            .await
            .expect(426);
        assert_eq!(widget.code(), "websocket_upgrade_required");
        // A position before the first event is refused like one that is not a number.
        let since = app
            .get(
                &format!("/api/v1/events?access_token={}&since=-5", owner.access),
                &owner.access,
            )
            .await
            .expect(422);
        assert!(since.body["error"]["details"]["fields"]["since"].is_string());
        let garbage = app
            .raw(
                Method::POST,
                "/api/v1/attachments",
                Some(&owner.access),
                "multipart/form-data; boundary=xyz",
                // A part that never ends: no closing boundary.
                b"--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".to_vec(),
            )
            .await
            .expect(400);
        assert_eq!(garbage.code(), "malformed_multipart");
        let not_multipart = app
            .raw(
                Method::POST,
                "/api/v1/attachments",
                Some(&owner.access),
                "text/plain",
                b"hello".to_vec(),
            )
            .await
            .expect(415);
        assert_eq!(not_multipart.code(), "unsupported_media_type");
    }
);

both_dbs!(an_empty_cursor_is_the_first_page, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    app.visitor_says(&key, "hello").await;
    let page = app
        .get("/api/v1/conversations?cursor=", &owner.access)
        .await
        .expect(200);
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(1));
    app.get("/api/v1/audit-log?cursor=", &owner.access)
        .await
        .expect(200);
    app.get("/api/v1/leads?cursor=", &owner.access)
        .await
        .expect(200);
});

both_dbs!(saving_no_settings_changes_nothing, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let before = app.get("/api/v1/settings", &owner.access).await.expect(200);
    let after = app
        .put("/api/v1/settings", &owner.access, json!({}))
        .await
        .expect(200);
    assert_eq!(after.body, before.body);
});

both_dbs!(
    a_reused_idempotency_key_with_another_message_is_a_409,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "hello").await;
        let path = format!("/api/v1/conversations/{id}/messages");
        let first = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "k1", "body": "Hi!" }),
            )
            .await
            .expect(201);
        let retry = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "k1", "body": "Hi!" }),
            )
            .await
            .expect(200);
        assert_eq!(retry.body["id"], first.body["id"]);
        let other = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "k1", "body": "Bye" }),
            )
            .await
            .expect(409);
        assert_eq!(other.code(), "idempotency_key_reused");
        assert_eq!(
            other.body["error"]["details"]["message_id"],
            first.body["id"]
        );

        // The visitor socket: the same rule, and a refused id is not echoed back whole.
        let hello = json!({ "type": "message", "client_id": "v1", "text": "where is my order" });
        visitor.send(hello.clone()).await;
        let ack = visitor.recv_type("ack").await;
        visitor
            .send(json!({ "type": "message", "client_id": "v1", "text": "never mind" }))
            .await;
        let refused = visitor.recv_type("error").await;
        assert_eq!(refused["code"], "idempotency_key_reused");
        assert_eq!(refused["client_id"], "v1");
        visitor.send(hello).await;
        let again = visitor.recv_type("ack").await;
        assert_eq!(again["message_id"], ack["message_id"]);
        let long_id = "x".repeat(5000);
        visitor
            .send(json!({ "type": "message", "client_id": long_id, "text": "hi" }))
            .await;
        let refused = visitor.recv_type("error").await;
        assert_eq!(refused["code"], "validation_failed");
        assert_eq!(refused["client_id"].as_str().map(str::len), Some(100));
        let messages = app.get(&path, &owner.access).await.expect(200);
        let bodies: Vec<&str> = messages.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["body"].as_str())
            .collect();
        assert_eq!(bodies, ["hello", "Hi!", "where is my order"]);
    }
);

both_dbs!(visitor_socket_limits_are_settings, |backend| async move {
    let app = TestApp::spawn_with(
        backend,
        &[
            ("WIDGET_MESSAGES_PER_SECOND", "1"),
            ("WIDGET_MESSAGE_BURST", "3"),
            ("WIDGET_FRAMES_PER_SECOND", "1"),
            ("WIDGET_FRAME_BURST", "12"),
        ],
    )
    .await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let mut visitor = VisitorSocket::connect(&app, &key, None).await;
    for i in 0..6 {
        let text = json!({ "type": "message", "client_id": format!("m{i}"), "text": "hi" });
        visitor.send(text).await;
    }
    let (acked, _) = visitor.acks_and_rate_limits(6).await;
    // A burst of 3, plus at most one refilled while they were read.
    assert!((3..=4).contains(&acked), "{acked} of 6 acknowledged");
    // 6 frames of the burst of 12 are spent: a flood of pings uses up the rest and closes.
    for _ in 0..10 {
        if !visitor.try_send(json!({ "type": "ping" })).await {
            break;
        }
    }
    assert_eq!(
        visitor
            .try_recv_type("error", std::time::Duration::from_secs(5))
            .await
            .map(|f| f["code"].clone()),
        Some(json!("rate_limited"))
    );
    let mut ws = visitor.ws;
    assert_eq!(closed_with(&mut ws).await, Some(1008));
});
