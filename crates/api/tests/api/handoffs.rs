//! Transfer and delegation paths, and their rules.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

/// A conversation held by `holder`.
async fn held(app: &TestApp, owner: &Session, holder: &Session) -> String {
    let key = app.widget_key(owner).await;
    let (_visitor, id) = app.visitor_says(&key, "hello").await;
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/join"),
        Some(&holder.access),
        None,
    )
    .await
    .expect(200);
    id
}

async fn assignee(app: &TestApp, owner: &Session, id: &str) -> serde_json::Value {
    app.get(&format!("/api/v1/conversations/{id}"), &owner.access)
        .await
        .expect(200)
        .body["conversation"]["assignee"]["id"]
        .clone()
}

both_dbs!(transfer_moves_the_lock_at_once, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let a = app.add_member(&owner, &email("a"), "agent").await;
    let b = app.add_member(&owner, &email("b"), "agent").await;
    let id = held(&app, &owner, &a).await;
    let moved = app
        .post(
            &format!("/api/v1/conversations/{id}/transfer"),
            &a.access,
            json!({ "to_user_id": b.user_id, "reason": "Billing question" }),
        )
        .await
        .expect(200);
    assert_eq!(
        moved.body["conversation"]["assignee"]["id"],
        b.user_id.as_str()
    );
    app.post(
        &format!("/api/v1/conversations/{id}/messages"),
        &b.access,
        json!({ "client_message_id": "b1", "body": "B here" }),
    )
    .await
    .expect(201);
    let refused = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &a.access,
            json!({ "client_message_id": "a1", "body": "A again" }),
        )
        .await
        .expect(409);
    assert_eq!(refused.code(), "conversation_locked");
});

both_dbs!(
    delegation_keeps_the_lock_until_accepted,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let a = app.add_member(&owner, &email("a"), "agent").await;
        let b = app.add_member(&owner, &email("b"), "agent").await;
        let id = held(&app, &owner, &a).await;
        let delegation = app
            .post(
                &format!("/api/v1/conversations/{id}/delegations"),
                &a.access,
                json!({ "to_user_id": b.user_id, "reason": "Spanish speaker" }),
            )
            .await
            .expect(201);
        assert_eq!(delegation.body["status"], "pending");
        let delegation_id = delegation.body["id"].as_str().unwrap().to_string();

        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &b.access)
            .await
            .expect(200);
        assert_eq!(detail.body["conversation"]["status"], "delegated");
        assert_eq!(
            detail.body["pending_delegation"]["id"],
            delegation_id.as_str()
        );
        assert_eq!(
            detail.body["pending_delegation"]["reason"],
            "Spanish speaker"
        );
        assert_eq!(
            assignee(&app, &owner, &id).await,
            a.user_id.as_str(),
            "the holder keeps it while pending"
        );
        let double = app
            .post(
                &format!("/api/v1/conversations/{id}/delegations"),
                &a.access,
                json!({ "to_user_id": b.user_id }),
            )
            .await
            .expect(409);
        assert_eq!(double.code(), "delegation_pending");

        // Only the target answers.
        app.call(
            Method::POST,
            &format!("/api/v1/delegations/{delegation_id}/accept"),
            Some(&a.access),
            None,
        )
        .await
        .expect(403);
        let accepted = app
            .call(
                Method::POST,
                &format!("/api/v1/delegations/{delegation_id}/accept"),
                Some(&b.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(accepted.body["status"], "accepted");
        assert_eq!(assignee(&app, &owner, &id).await, b.user_id.as_str());
        let late = app
            .call(
                Method::POST,
                &format!("/api/v1/delegations/{delegation_id}/reject"),
                Some(&b.access),
                None,
            )
            .await
            .expect(409);
        assert_eq!(late.code(), "delegation_not_pending");
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &b.access)
            .await
            .expect(200);
        assert_eq!(detail.body["conversation"]["status"], "open");
        assert!(detail.body["pending_delegation"].is_null());
    }
);

both_dbs!(
    a_rejected_delegation_leaves_the_lock_and_a_cancelled_one_too,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let a = app.add_member(&owner, &email("a"), "agent").await;
        let b = app.add_member(&owner, &email("b"), "agent").await;
        let id = held(&app, &owner, &a).await;
        let delegations = format!("/api/v1/conversations/{id}/delegations");
        let delegate = || app.post(&delegations, &a.access, json!({ "to_user_id": b.user_id }));
        let first = delegate().await.expect(201);
        let rejected = app
            .call(
                Method::POST,
                &format!(
                    "/api/v1/delegations/{}/reject",
                    first.body["id"].as_str().unwrap()
                ),
                Some(&b.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(rejected.body["status"], "rejected");
        assert_eq!(assignee(&app, &owner, &id).await, a.user_id.as_str());

        let second = delegate().await.expect(201);
        let second_id = second.body["id"].as_str().unwrap();
        app.call(
            Method::POST,
            &format!("/api/v1/delegations/{second_id}/cancel"),
            Some(&b.access),
            None,
        )
        .await
        .expect(403);
        let cancelled = app
            .call(
                Method::POST,
                &format!("/api/v1/delegations/{second_id}/cancel"),
                Some(&a.access),
                None,
            )
            .await
            .expect(200);
        assert_eq!(cancelled.body["status"], "cancelled");
        app.call(
            Method::POST,
            &format!("/api/v1/delegations/{second_id}/accept"),
            Some(&b.access),
            None,
        )
        .await
        .expect(409);
        assert_eq!(assignee(&app, &owner, &id).await, a.user_id.as_str());

        // Leaving withdraws a pending delegation.
        let third = delegate().await.expect(201);
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/leave"),
            Some(&a.access),
            None,
        )
        .await
        .expect(200);
        app.call(
            Method::POST,
            &format!(
                "/api/v1/delegations/{}/accept",
                third.body["id"].as_str().unwrap()
            ),
            Some(&b.access),
            None,
        )
        .await
        .expect(409);
    }
);

both_dbs!(handoff_rules, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let a = app.add_member(&owner, &email("a"), "agent").await;
    let b = app.add_member(&owner, &email("b"), "agent").await;
    let gone = app.add_member(&owner, &email("gone"), "agent").await;
    app.call(
        Method::POST,
        &format!("/api/v1/team/members/{}/deactivate", gone.user_id),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    let id = held(&app, &owner, &a).await;
    let delegations = format!("/api/v1/conversations/{id}/delegations");
    let transfer = format!("/api/v1/conversations/{id}/transfer");

    // A non-holder cannot delegate or transfer.
    assert_eq!(
        app.post(
            &delegations,
            &b.access,
            json!({ "to_user_id": owner.user_id })
        )
        .await
        .expect(409)
        .code(),
        "conversation_locked"
    );
    assert_eq!(
        app.post(&transfer, &b.access, json!({ "to_user_id": b.user_id }))
            .await
            .expect(409)
            .code(),
        "conversation_locked"
    );
    // The 200-character rule.
    let exact = "r".repeat(200);
    let too_long = "r".repeat(201);
    let refused = app
        .post(
            &delegations,
            &a.access,
            json!({ "to_user_id": b.user_id, "reason": too_long }),
        )
        .await
        .expect(422);
    assert_eq!(
        refused.body["error"]["details"]["fields"]["reason"],
        "must be at most 200 characters"
    );
    // Yourself, deactivated members, unknown ids.
    assert_eq!(
        app.post(&delegations, &a.access, json!({ "to_user_id": a.user_id }))
            .await
            .expect(422)
            .code(),
        "cannot_hand_to_self"
    );
    assert_eq!(
        app.post(&transfer, &a.access, json!({ "to_user_id": gone.user_id }))
            .await
            .expect(422)
            .code(),
        "target_inactive"
    );
    let unknown = app
        .post(&transfer, &a.access, json!({ "to_user_id": "nobody" }))
        .await
        .expect(422);
    assert!(unknown.body["error"]["details"]["fields"]["to_user_id"].is_string());
    app.post(
        &delegations,
        &a.access,
        json!({ "to_user_id": b.user_id, "reason": exact }),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/conversations/nope/transfer",
        &a.access,
        json!({ "to_user_id": b.user_id }),
    )
    .await
    .expect(404);
    app.call(
        Method::POST,
        "/api/v1/delegations/nope/accept",
        Some(&b.access),
        None,
    )
    .await
    .expect(404);
});
