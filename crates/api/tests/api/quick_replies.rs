//! Quick replies: create, edit, delete, and the `/` menu's prefix search.

use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

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
    let too_long = format!("/api/v1/quick-replies?prefix=/{}", "a".repeat(33));
    let refused = app.get(&too_long, &agent.access).await.expect(422);
    assert!(refused.body["error"]["details"]["fields"]["prefix"].is_string());

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
