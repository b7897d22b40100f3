//! Bad input always gets a clear error, and odd but valid text is stored verbatim.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    malformed_wrong_type_and_missing_fields,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let malformed = app
            .raw(
                Method::POST,
                "/api/v1/auth/login",
                None,
                "application/json",
                b"{\"email\": ".to_vec(),
            )
            .await
            .expect(400);
        assert_eq!(malformed.code(), "malformed_json");
        let not_json = app
            .raw(
                Method::POST,
                "/api/v1/auth/login",
                None,
                "text/plain",
                b"hello".to_vec(),
            )
            .await
            .expect(415);
        assert_eq!(not_json.code(), "unsupported_media_type");
        let missing = app
            .call(
                Method::POST,
                "/api/v1/auth/signup",
                None,
                Some(json!({ "email": "a@b.co" })),
            )
            .await
            .expect(422);
        assert_eq!(missing.code(), "validation_failed");
        assert_eq!(
            missing.body["error"]["details"]["fields"]["workspace_name"],
            "is required"
        );
        let wrong_type = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": ["x"], "password": 5 })),
            )
            .await
            .expect(422);
        assert!(wrong_type.body["error"]["details"]["fields"]["email"].is_string());
        let not_object = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!([1, 2])),
            )
            .await
            .expect(422);
        assert_eq!(not_object.code(), "validation_failed");
    }
);

both_dbs!(field_rules_list_every_failing_field, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let body = json!({ "workspace_name": "x".repeat(101), "name": "  ", "email": "not-an-email", "password": "short", "time_zone": "Mars/Base" });
    let resp = app
        .call(Method::POST, "/api/v1/auth/signup", None, Some(body))
        .await
        .expect(422);
    let fields = &resp.body["error"]["details"]["fields"];
    assert_eq!(fields["workspace_name"], "must be at most 100 characters");
    assert_eq!(fields["name"], "is required");
    assert_eq!(fields["email"], "must be a valid email address");
    assert_eq!(fields["password"], "must be at least 10 characters");
    assert!(fields["time_zone"].is_string());
    // Nothing was stored: the email is still free.
    let ok = json!({ "workspace_name": "Fine", "name": "Fine", "email": "not-an-email@example.com", "password": PASSWORD });
    app.call(Method::POST, "/api/v1/auth/signup", None, Some(ok))
        .await
        .expect(201);
});

both_dbs!(oversize_bodies_are_413, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let huge = format!(
        "{{\"email\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(200_000)
    );
    let resp = app
        .raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            "application/json",
            huge.into_bytes(),
        )
        .await
        .expect(413);
    assert_eq!(resp.code(), "payload_too_large");
    assert_eq!(resp.body["error"]["details"]["limit_bytes"], 65536);
});

both_dbs!(
    unicode_and_sql_looking_text_is_stored_verbatim,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let workspace = "Zoë's Café 日本 🚀 '; DROP TABLE users; --";
        let name = "Robert'); DELETE FROM tenants; -- \u{202e}";
        let owner_email = email("owner");
        let body = json!({ "workspace_name": workspace, "name": name, "email": owner_email, "password": "pässwörd 🔑 ' OR 1=1 --" });
        let signup = app
            .call(Method::POST, "/api/v1/auth/signup", None, Some(body))
            .await
            .expect(201);
        let me = app
            .get("/api/v1/me", signup.body["access_token"].as_str().unwrap())
            .await
            .expect(200);
        assert_eq!(me.body["tenant"]["name"], workspace);
        assert_eq!(me.body["user"]["name"], name);
        let login = json!({ "email": owner_email, "password": "pässwörd 🔑 ' OR 1=1 --" });
        app.call(Method::POST, "/api/v1/auth/login", None, Some(login))
            .await
            .expect(200);
        let injection = json!({ "email": "' OR '1'='1", "password": "' OR '1'='1" });
        app.call(Method::POST, "/api/v1/auth/login", None, Some(injection))
            .await
            .expect(401);
        // 100 characters of a multi-byte script are allowed: limits count characters, not bytes.
        let settings = app
            .put(
                "/api/v1/settings",
                signup.body["access_token"].as_str().unwrap(),
                json!({ "name": "日".repeat(100) }),
            )
            .await
            .expect(200);
        assert_eq!(settings.body["name"], "日".repeat(100));
    }
);

both_dbs!(bad_query_parameters_are_422, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let limit = app
        .get("/api/v1/audit-log?limit=0", &owner.access)
        .await
        .expect(422);
    assert_eq!(
        limit.body["error"]["details"]["fields"]["limit"],
        "must be between 1 and 100"
    );
    let cursor = app.get("/api/v1/audit-log?cursor=%%%", &owner.access).await;
    assert!(
        matches!(cursor.status.as_u16(), 400 | 422),
        "{}",
        cursor.text
    );
    app.get("/api/v1/audit-log?cursor=bm90LWEtY3Vyc29y", &owner.access)
        .await
        .expect(422);
    app.get("/api/v1/audit-log?limit=ten", &owner.access)
        .await
        .expect(422);
    let settings = app
        .put(
            "/api/v1/settings",
            &owner.access,
            json!({ "rating_categories": ["ok", ""], "reopen_policy": "sometimes" }),
        )
        .await
        .expect(422);
    assert!(settings.body["error"]["details"]["fields"]["reopen_policy"].is_string());
});

both_dbs!(
    bad_bodies_on_every_conversation_endpoint,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (_visitor, id) = app.visitor_says(&key, "hello").await;
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&owner.access),
            None,
        )
        .await
        .expect(200);
        let c = format!("/api/v1/conversations/{id}");
        let cases = vec![
            (
                format!("{c}/messages"),
                json!({ "body": "no client id" }),
                "client_message_id",
            ),
            (
                format!("{c}/messages"),
                json!({ "client_message_id": "a", "body": "x".repeat(4001) }),
                "body",
            ),
            (
                format!("{c}/messages"),
                json!({ "client_message_id": "b" }),
                "body",
            ),
            (
                format!("{c}/messages"),
                json!({ "client_message_id": "c", "body": 42 }),
                "body",
            ),
            (
                format!("{c}/messages"),
                json!({ "client_message_id": "d", "attachment_id": "nope" }),
                "attachment_id",
            ),
            (
                format!("{c}/transfer"),
                json!({ "reason": "who?" }),
                "to_user_id",
            ),
            (
                format!("{c}/transfer"),
                json!({ "to_user_id": agent.user_id, "reason": ["not", "text"] }),
                "reason",
            ),
            (
                format!("{c}/delegations"),
                json!({ "to_user_id": 7 }),
                "to_user_id",
            ),
            (
                format!("{c}/lead"),
                json!({ "email": "a@b.co", "name": "n".repeat(101) }),
                "name",
            ),
            (
                format!("{c}/lead"),
                json!({ "email": "not an email" }),
                "email",
            ),
            (
                format!("{c}/bookings"),
                json!({ "starts_at": "tomorrow" }),
                "starts_at",
            ),
            (
                format!("{c}/bookings"),
                json!({ "starts_at": "2030-01-01T10:00:00Z", "note": "n".repeat(501) }),
                "note",
            ),
            (
                "/api/v1/quick-replies".to_string(),
                json!({ "shortcut": "s", "title": "t", "body": "" }),
                "body",
            ),
            (
                "/api/v1/quick-replies".to_string(),
                json!({ "shortcut": "x".repeat(33), "title": "t", "body": "b" }),
                "shortcut",
            ),
        ];
        for (path, body, field) in cases {
            let resp = app.post(&path, &owner.access, body.clone()).await;
            assert_eq!(resp.status.as_u16(), 422, "{path} {body}: {}", resp.text);
            assert!(
                resp.body["error"]["details"]["fields"][field].is_string(),
                "{path} {body}: {}",
                resp.text
            );
        }
        let malformed = app
            .raw(
                Method::POST,
                &format!("{c}/messages"),
                Some(&owner.access),
                "application/json",
                b"{".to_vec(),
            )
            .await
            .expect(400);
        assert_eq!(malformed.code(), "malformed_json");
        app.post(
            "/api/v1/conversations/unknown/messages",
            &owner.access,
            json!({ "client_message_id": "z", "body": "x" }),
        )
        .await
        .expect(404);
        // Unicode and SQL-looking text is stored and returned verbatim.
        let tricky = "Robert'); DROP TABLE messages;-- 日本語 🎉 \u{202e}";
        let sent = app
            .post(
                &format!("{c}/messages"),
                &owner.access,
                json!({ "client_message_id": "u", "body": tricky }),
            )
            .await
            .expect(201);
        assert_eq!(sent.body["body"], tricky);
        let thread = app
            .get(&format!("{c}/messages"), &owner.access)
            .await
            .expect(200);
        assert_eq!(
            thread.body["items"].as_array().unwrap().last().unwrap()["body"],
            tricky
        );
    }
);
