//! Quick replies, attachments, leads and ratings.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

/// A real 1x1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Uploads `bytes` as `name` with a member's token.
pub async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    declared: &str,
) -> Resp {
    let form = Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(declared)
            .unwrap(),
    );
    let response = app
        .client
        .post(format!("{}/api/v1/attachments", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Resp {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or_default(),
        text,
    }
}

both_dbs!(quick_replies_crud_and_prefix, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let hello = app
        .post(
            "/api/v1/quick-replies",
            &agent.access,
            json!({ "shortcut": "hello", "title": "Greeting", "body": "Hi! How can I help?" }),
        )
        .await
        .expect(201);
    app.post(
        "/api/v1/quick-replies",
        &owner.access,
        json!({ "shortcut": "help_center", "title": "Docs", "body": "See our help center." }),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/quick-replies",
        &owner.access,
        json!({ "shortcut": "hours", "title": "Hours", "body": "9-5" }),
    )
    .await
    .expect(201);
    let dup = app
        .post(
            "/api/v1/quick-replies",
            &owner.access,
            json!({ "shortcut": "hello", "title": "x", "body": "y" }),
        )
        .await
        .expect(409);
    assert_eq!(dup.code(), "shortcut_taken");
    let bad = app
        .post(
            "/api/v1/quick-replies",
            &owner.access,
            json!({ "shortcut": "no spaces!", "title": "", "body": "y" }),
        )
        .await
        .expect(422);
    assert!(
        bad.body["error"]["details"]["fields"]["shortcut"].is_string()
            && bad.body["error"]["details"]["fields"]["title"].is_string()
    );

    let h = app
        .get("/api/v1/quick-replies?prefix=h", &agent.access)
        .await
        .expect(200);
    let shortcuts: Vec<&str> = h
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap())
        .collect();
    assert_eq!(shortcuts, vec!["hello", "help_center", "hours"]);
    let help = app
        .get("/api/v1/quick-replies?prefix=/help_", &agent.access)
        .await
        .expect(200);
    assert_eq!(
        help.body.as_array().unwrap().len(),
        1,
        "underscore is not a wildcard"
    );

    let id = hello.body["id"].as_str().unwrap();
    let other_agent = app.add_member(&owner, &email("agent2"), "agent").await;
    app.put(
        &format!("/api/v1/quick-replies/{id}"),
        &other_agent.access,
        json!({ "shortcut": "hello", "title": "Mine", "body": "x" }),
    )
    .await
    .expect(403);
    let updated = app
        .put(
            &format!("/api/v1/quick-replies/{id}"),
            &agent.access,
            json!({ "shortcut": "hi", "title": "Greeting", "body": "Hello!" }),
        )
        .await
        .expect(200);
    assert_eq!(updated.body["shortcut"], "hi");
    app.delete(&format!("/api/v1/quick-replies/{id}"), &owner.access)
        .await
        .expect(204);
    app.delete(&format!("/api/v1/quick-replies/{id}"), &owner.access)
        .await
        .expect(404);
    assert_eq!(
        app.get("/api/v1/quick-replies", &agent.access)
            .await
            .expect(200)
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
});

both_dbs!(
    attachments_are_sniffed_limited_served_safely_and_sent,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "can you send a picture?").await;

        // The content decides, not the name or the declared type.
        let image = upload(
            &app,
            &owner.access,
            "../../photo.pdf",
            PNG.to_vec(),
            "application/pdf",
        )
        .await
        .expect(201);
        assert_eq!(image.body["kind"], "image");
        assert_eq!(image.body["content_type"], "image/png");
        assert_eq!(image.body["filename"], "photo.pdf");
        let disguised = upload(
            &app,
            &owner.access,
            "cat.png",
            b"<html><script>alert(1)</script>".to_vec(),
            "image/png",
        )
        .await
        .expect(422);
        assert_eq!(disguised.code(), "unsupported_file_type");
        let mut big = PNG.to_vec();
        big.resize(10 * 1024 * 1024 + 1, 0);
        upload(&app, &owner.access, "big.png", big, "image/png")
            .await
            .expect(413);
        let text = upload(
            &app,
            &owner.access,
            "notes.txt",
            b"plain notes".to_vec(),
            "text/plain",
        )
        .await
        .expect(201);
        assert_eq!(text.body["kind"], "file");

        // Served by its signed link without a token, with the sniffed type and safe headers.
        let url = image.body["url"].as_str().unwrap();
        let served = app
            .client
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200);
        assert_eq!(served.headers()["content-type"], "image/png");
        assert_eq!(served.headers()["x-content-type-options"], "nosniff");
        assert!(served.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"));
        assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
        let tampered = url.replace("signature=", "signature=0");
        app.call(Method::GET, &tampered, None, None)
            .await
            .expect(401);
        let attachment_id = image.body["id"].as_str().unwrap();
        app.call(
            Method::GET,
            &format!("/api/v1/attachments/{attachment_id}"),
            None,
            None,
        )
        .await
        .expect(401);
        let doc = app
            .get(
                &format!("/api/v1/attachments/{}", text.body["id"].as_str().unwrap()),
                &owner.access,
            )
            .await
            .expect(200);
        assert!(doc.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));

        // Sent in the conversation, the visitor gets it with a working link.
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&owner.access),
            None,
        )
        .await
        .expect(200);
        let sent = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &owner.access,
                json!({ "client_message_id": "img", "attachment_id": attachment_id }),
            )
            .await
            .expect(201);
        assert_eq!(sent.body["kind"], "image");
        let frame = visitor.recv_reply().await;
        assert_eq!(frame["message"]["attachment"]["id"], attachment_id);
        let visitor_url = frame["message"]["attachment"]["url"].as_str().unwrap();
        assert_eq!(
            app.client
                .get(format!("{}{visitor_url}", app.base))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );

        // Another tenant cannot read it with its token, nor attach it.
        let other = app.signup("Other", &email("other")).await;
        app.get(
            &format!("/api/v1/attachments/{attachment_id}"),
            &other.access,
        )
        .await
        .expect(404);
    }
);

both_dbs!(
    leads_capture_with_prechat_defaults_list_and_csv,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "pricing?").await;
        visitor.send(json!({ "type": "prechat", "name": "Zoë Café", "email": "zoe@example.com", "phone": "+33 6 12 34 56 78", "fields": { "plan": "team" } })).await;
        visitor.send(json!({ "type": "ping" })).await;
        visitor.recv_type("pong").await;
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &agent.access)
            .await
            .expect(200);
        assert_eq!(detail.body["visitor"]["name"], "Zoë Café");
        assert_eq!(
            detail.body["visitor"]["custom_fields"],
            json!({ "plan": "team" })
        );

        let lead = app
            .post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "email": "Zoe@Example.com", "company": "=cmd|' /C calc'!A0" }),
            )
            .await
            .expect(201);
        assert_eq!(lead.body["email"], "zoe@example.com");
        assert_eq!(
            lead.body["name"], "Zoë Café",
            "defaults from the pre-chat form"
        );
        assert_eq!(lead.body["phone"], "+33 6 12 34 56 78");
        let missing = app
            .post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "name": "x" }),
            )
            .await
            .expect(422);
        assert_eq!(
            missing.body["error"]["details"]["fields"]["email"],
            "is required"
        );
        let bad = app
            .post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "email": "nope", "phone": "1".repeat(41) }),
            )
            .await
            .expect(422);
        assert!(bad.body["error"]["details"]["fields"]["phone"].is_string());
        for i in 0..4 {
            app.post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "email": format!("l{i}@example.com") }),
            )
            .await
            .expect(201);
        }
        let page = app
            .get("/api/v1/leads?limit=3", &agent.access)
            .await
            .expect(200);
        assert_eq!(page.body["items"].as_array().unwrap().len(), 3);
        let rest = app
            .get(
                &format!(
                    "/api/v1/leads?limit=3&cursor={}",
                    page.body["next_cursor"].as_str().unwrap()
                ),
                &agent.access,
            )
            .await
            .expect(200);
        assert_eq!(rest.body["items"].as_array().unwrap().len(), 2);
        assert!(rest.body["next_cursor"].is_null());

        let csv = app
            .client
            .get(format!("{}/api/v1/leads", app.base))
            .bearer_auth(&agent.access)
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert!(csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[0].starts_with("id,created_at,email"));
        assert!(text.contains("'=cmd"), "formulas are neutralised");
        assert!(text.contains("Zoë Café"));
    }
);

both_dbs!(
    ratings_from_the_visitor_show_on_the_conversation,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "thanks").await;
        visitor.send(json!({ "type": "rating", "stars": 4, "categories": ["Helpful", "Fast"], "comment": "Quick answer 👍" })).await;
        visitor.recv_type("rating_saved").await;
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &owner.access)
            .await
            .expect(200);
        assert_eq!(detail.body["rating"]["stars"], 4);
        assert_eq!(
            detail.body["rating"]["categories"],
            json!(["Helpful", "Fast"])
        );
        assert_eq!(detail.body["rating"]["comment"], "Quick answer 👍");
        let list = app
            .get("/api/v1/conversations", &owner.access)
            .await
            .expect(200);
        assert_eq!(list.body["items"][0]["rating"], 4);

        for (frame, code) in [
            (json!({ "type": "rating", "stars": 6 }), "validation_failed"),
            (
                json!({ "type": "rating", "stars": 3, "categories": ["Rude"] }),
                "validation_failed",
            ),
            (
                json!({ "type": "rating", "stars": 3, "comment": "x".repeat(1001) }),
                "validation_failed",
            ),
        ] {
            visitor.send(frame).await;
            assert_eq!(visitor.recv_type("error").await["code"], code);
        }
        // Rating again replaces the first; the average counts it once.
        visitor.send(json!({ "type": "rating", "stars": 2 })).await;
        visitor.recv_type("rating_saved").await;
        let overview = app
            .get("/api/v1/stats/overview", &owner.access)
            .await
            .expect(200);
        assert_eq!(overview.body["average_rating"], 2.0);
    }
);
