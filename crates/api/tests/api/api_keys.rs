//! API keys: created once, used with an admin's rights, attributed in the audit log, revoked.

use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(api_key_lifecycle, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let created = app
        .post(
            "/api/v1/api-keys",
            &owner.access,
            json!({ "name": "CRM sync" }),
        )
        .await
        .expect(201);
    let secret = created.body["secret"].as_str().unwrap().to_string();
    let key_id = created.body["key"]["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sbk_"));
    assert!(secret.starts_with(created.body["key"]["prefix"].as_str().unwrap()));

    let listed = app.get("/api/v1/api-keys", &owner.access).await.expect(200);
    assert_eq!(listed.body[0]["name"], "CRM sync");
    assert!(
        !listed.text.contains(&secret),
        "the secret must never be listed"
    );

    // The key reaches the API with an admin's rights and the tenant's scope.
    let members = app.get("/api/v1/team/members", &secret).await.expect(200);
    assert_eq!(members.body.as_array().unwrap().len(), 1);
    app.get("/api/v1/settings", &secret).await.expect(200);
    app.get("/api/v1/billing", &secret).await.expect(403);
    app.get("/api/v1/me", &secret).await.expect(403);

    // Every call with the key is attributed to it.
    let log = app
        .get("/api/v1/audit-log?limit=100", &owner.access)
        .await
        .expect(200);
    let key_calls: Vec<_> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"]["kind"] == "api_key" && e["actor"]["id"] == key_id.as_str())
        .collect();
    assert!(key_calls.len() >= 2, "{}", log.text);
    assert!(key_calls
        .iter()
        .any(|e| e["details"]["route"] == "GET /api/v1/team/members"
            && e["details"]["status"] == 200));
    assert!(log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "api_key.created"));
    // One action, or its group; a `%` typed finds nothing rather than everything.
    let actions = |query: &'static str| {
        let (app, token) = (&app, owner.access.clone());
        async move {
            let path = format!("/api/v1/audit-log?limit=100&{query}");
            app.item_field(&path, &token, "action").await
        }
    };
    assert_eq!(actions("action=api_key.created").await, ["api_key.created"]);
    let group = actions("action=api_key").await;
    assert!(
        group.len() >= 3 && group.iter().all(|a| a.starts_with("api_key.")),
        "{group:?}"
    );
    assert!(actions("action=auth")
        .await
        .iter()
        .all(|a| a.starts_with("auth.")));
    assert!(actions("action=%25").await.is_empty());

    app.delete(&format!("/api/v1/api-keys/{key_id}"), &owner.access)
        .await
        .expect(204);
    let refused = app.get("/api/v1/team/members", &secret).await.expect(401);
    assert_eq!(refused.code(), "invalid_api_key");
    let again = app
        .delete(&format!("/api/v1/api-keys/{key_id}"), &owner.access)
        .await
        .expect(409);
    assert_eq!(again.code(), "already_revoked");
    let listed = app.get("/api/v1/api-keys", &owner.access).await.expect(200);
    assert!(listed.body[0]["revoked_at"].is_string());
});

both_dbs!(agents_cannot_manage_keys, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    app.post("/api/v1/api-keys", &agent.access, json!({ "name": "mine" }))
        .await
        .expect(403);
    app.get("/api/v1/api-keys", &agent.access).await.expect(403);
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    app.post(
        "/api/v1/api-keys",
        &admin.access,
        json!({ "name": "admin's" }),
    )
    .await
    .expect(201);
});
