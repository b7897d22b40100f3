//! The permission matrix of the product guide, enforced on the server for every endpoint.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

/// One endpoint of a section and what each caller gets: (agent, admin, owner, api key).
struct Case {
    method: Method,
    path: &'static str,
    body: Option<serde_json::Value>,
    expected: [u16; 4],
}

fn cases() -> Vec<Case> {
    let get = |path, expected| Case {
        method: Method::GET,
        path,
        body: None,
        expected,
    };
    vec![
        // Everyone: their own profile.
        get("/api/v1/me", [200, 200, 200, 403]),
        // Admin and owner: Team, Connectors (API keys), Settings (settings, audit log).
        get("/api/v1/team/members", [403, 200, 200, 200]),
        get("/api/v1/team/invitations", [403, 200, 200, 200]),
        get("/api/v1/api-keys", [403, 200, 200, 200]),
        get("/api/v1/settings", [403, 200, 200, 200]),
        Case {
            method: Method::PUT,
            path: "/api/v1/settings",
            body: Some(json!({ "name": "Renamed" })),
            expected: [403, 200, 200, 200],
        },
        get("/api/v1/audit-log", [403, 200, 200, 200]),
        // Owner only: Billing.
        get("/api/v1/billing", [403, 403, 200, 403]),
    ]
}

both_dbs!(
    each_role_against_each_sections_endpoints,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let admin = app.add_member(&owner, &email("admin"), "admin").await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.api_key(&owner, "integration").await;
        let callers = [
            ("agent", agent.access.as_str()),
            ("admin", &admin.access),
            ("owner", &owner.access),
            ("api key", &key),
        ];
        let mut failures = Vec::new();
        for case in cases() {
            for (i, (who, token)) in callers.iter().enumerate() {
                let resp = app
                    .call(
                        case.method.clone(),
                        case.path,
                        Some(token),
                        case.body.clone(),
                    )
                    .await;
                if resp.status.as_u16() != case.expected[i] {
                    failures.push(format!(
                        "{who} {} {} -> {} (expected {})",
                        case.method, case.path, resp.status, case.expected[i]
                    ));
                }
                if resp.status.as_u16() == 403 {
                    assert_eq!(resp.code(), "forbidden");
                }
            }
        }
        assert!(
            failures.is_empty(),
            "permission matrix violations:\n{}",
            failures.join("\n")
        );
    }
);

both_dbs!(sections_listed_per_role, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let app = &app;
    let sections =
        |token: String| async move { app.get("/api/v1/me", &token).await.body["sections"].clone() };
    assert_eq!(
        sections(agent.access).await,
        json!(["overview", "conversations", "tickets", "leads"])
    );
    assert_eq!(
        sections(admin.access).await,
        json!([
            "overview",
            "conversations",
            "tickets",
            "leads",
            "analytics",
            "reviews",
            "knowledge_gaps",
            "help_center",
            "documents",
            "connectors",
            "team",
            "settings"
        ])
    );
    let all = sections(owner.access).await;
    assert_eq!(all.as_array().unwrap().len(), 13);
    assert_eq!(all.as_array().unwrap().last().unwrap(), "billing");
});
