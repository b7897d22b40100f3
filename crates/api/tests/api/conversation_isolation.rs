//! Tenant isolation for every conversation endpoint, and bad input for every body.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::extras::{upload, PNG};
use crate::helpers::*;

both_dbs!(
    another_tenant_gets_404_on_every_conversation_endpoint,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let a = app.signup("Tenant A", &email("a")).await;
        let a_agent = app.add_member(&a, &email("a-agent"), "agent").await;
        let key = app.widget_key(&a).await;
        let (_visitor, id) = app.visitor_says(&key, "secret question").await;
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&a.access),
            None,
        )
        .await
        .expect(200);
        let delegation = app
            .post(
                &format!("/api/v1/conversations/{id}/delegations"),
                &a.access,
                json!({ "to_user_id": a_agent.user_id }),
            )
            .await
            .expect(201);
        let delegation_id = delegation.body["id"].as_str().unwrap().to_string();
        app.post(
            &format!("/api/v1/conversations/{id}/lead"),
            &a.access,
            json!({ "email": "lead@a.com" }),
        )
        .await
        .expect(201);
        let reply = app
            .post(
                "/api/v1/quick-replies",
                &a.access,
                json!({ "shortcut": "secret", "title": "A", "body": "A only" }),
            )
            .await
            .expect(201);
        let reply_id = reply.body["id"].as_str().unwrap().to_string();
        let file = upload(&app, &a.access, "a.png", PNG.to_vec(), "image/png")
            .await
            .expect(201);
        let file_id = file.body["id"].as_str().unwrap().to_string();

        let b = app.signup("Tenant B", &email("b")).await;
        let b_agent = app.add_member(&b, &email("b-agent"), "agent").await;
        let b_key = app.api_key(&b, "B").await;
        for (round, token) in [b.access.as_str(), b_key.as_str()].into_iter().enumerate() {
            let c = format!("/api/v1/conversations/{id}");
            let not_found = [
                app.get(&c, token).await,
                app.get(&format!("{c}/messages"), token).await,
                app.call(Method::POST, &format!("{c}/resolve"), Some(token), None)
                    .await,
                app.call(Method::POST, &format!("{c}/reopen"), Some(token), None)
                    .await,
                app.post(
                    &format!("{c}/transfer"),
                    token,
                    json!({ "to_user_id": b_agent.user_id }),
                )
                .await,
                app.post(&format!("{c}/lead"), token, json!({ "email": "x@b.com" }))
                    .await,
                app.post(
                    &format!("{c}/bookings"),
                    token,
                    json!({ "starts_at": "2030-01-01T10:00:00Z" }),
                )
                .await,
                app.call(
                    Method::POST,
                    &format!("/api/v1/delegations/{delegation_id}/cancel"),
                    Some(token),
                    None,
                )
                .await,
                app.put(
                    &format!("/api/v1/quick-replies/{reply_id}"),
                    token,
                    json!({ "shortcut": "mine", "title": "B", "body": "B" }),
                )
                .await,
                app.delete(&format!("/api/v1/quick-replies/{reply_id}"), token)
                    .await,
                app.get(&format!("/api/v1/attachments/{file_id}"), token)
                    .await,
            ];
            for resp in not_found {
                assert_eq!(resp.status.as_u16(), 404, "{}", resp.text);
            }
            // Lists never show A's rows.
            for path in [
                "/api/v1/conversations",
                "/api/v1/leads",
                "/api/v1/quick-replies",
                "/api/v1/agents",
                "/api/v1/visitors/live",
            ] {
                let resp = app.get(path, token).await.expect(200);
                assert!(
                    !resp.text.contains(&id)
                        && !resp.text.contains("lead@a.com")
                        && !resp.text.contains("A only")
                        && !resp.text.contains(&a.user_id),
                    "{path} leaks: {}",
                    resp.text
                );
            }
            // B's own conversations (one per round so far) are all B sees.
            let counts = app
                .get("/api/v1/conversations/counts", token)
                .await
                .expect(200);
            assert_eq!(counts.body["all"], round as i64);
            let overview = app.get("/api/v1/stats/overview", token).await.expect(200);
            assert_eq!(overview.body["total_sessions"], round as i64);
            // A's attachment cannot be sent from B.
            let b_conv_key = app.widget_key(&b).await;
            let (_v, b_id) = app.visitor_says(&b_conv_key, "hi").await;
            app.call(
                Method::POST,
                &format!("/api/v1/conversations/{b_id}/join?force=true"),
                Some(&b.access),
                None,
            )
            .await;
            let foreign = app
                .post(
                    &format!("/api/v1/conversations/{b_id}/messages"),
                    &b.access,
                    json!({ "client_message_id": format!("f-{round}"), "attachment_id": file_id }),
                )
                .await
                .expect(422);
            assert!(foreign.body["error"]["details"]["fields"]["attachment_id"].is_string());
        }
        // B's agents can neither join nor answer A's delegation.
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&b_agent.access),
            None,
        )
        .await
        .expect(404);
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/leave"),
            Some(&b_agent.access),
            None,
        )
        .await
        .expect(404);
        app.post(
            &format!("/api/v1/conversations/{id}/messages"),
            &b_agent.access,
            json!({ "client_message_id": "x", "body": "x" }),
        )
        .await
        .expect(404);
        app.post(
            &format!("/api/v1/conversations/{id}/delegations"),
            &b.access,
            json!({ "to_user_id": b_agent.user_id }),
        )
        .await
        .expect(404);
        app.call(
            Method::POST,
            &format!("/api/v1/delegations/{delegation_id}/accept"),
            Some(&b_agent.access),
            None,
        )
        .await
        .expect(404);
        app.call(
            Method::POST,
            &format!("/api/v1/delegations/{delegation_id}/reject"),
            Some(&b_agent.access),
            None,
        )
        .await
        .expect(404);
        // Nothing of A's changed.
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &a.access)
            .await
            .expect(200);
        assert_eq!(
            detail.body["conversation"]["assignee"]["id"],
            a.user_id.as_str()
        );
        assert_eq!(detail.body["conversation"]["status"], "delegated");
        assert_eq!(
            app.get("/api/v1/quick-replies", &a.access)
                .await
                .expect(200)
                .body[0]["shortcut"],
            "secret"
        );
        // A widget key never reaches another tenant's visitors.
        let wrong = app
            .call(Method::GET, "/api/widget/v1/ws?key=wk_nope", None, None)
            .await;
        assert_eq!(wrong.status.as_u16(), 401);
    }
);

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
