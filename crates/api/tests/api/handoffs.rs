//! Transfer and delegation paths, and their rules.

use switchboard_types::conversations::ConversationStatus;
use switchboard_types::error::ErrorCode;
use switchboard_types::handoffs::HandoffStatus;
use switchboard_types::messages::{MessageKind, Sender};
use switchboard_types::UserId;

use crate::both_dbs;
use crate::client::refused;
use crate::helpers::*;
use crate::sockets::VisitorSocket;

/// A conversation held by `holder`.
async fn held(app: &TestApp, owner: &Session, holder: &Session) -> String {
    let key = app.widget_key(owner).await;
    let (_visitor, id) = app.visitor_says(&key, "hello").await;
    app.as_(holder).join(&id).await.unwrap();
    id
}

async fn assignee(app: &TestApp, owner: &Session, id: &str) -> Option<UserId> {
    let detail = app.as_(owner).detail(id).await.unwrap();
    detail.conversation.assignee.map(|a| a.id)
}

fn user(s: &Session) -> Option<UserId> {
    Some(s.user_id.clone().into())
}

both_dbs!(transfer_moves_the_lock_at_once, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let a = app.add_member(&owner, &email("a"), "agent").await;
    let b = app.add_member(&owner, &email("b"), "agent").await;
    let id = held(&app, &owner, &a).await;
    let moved = app
        .as_(&a)
        .transfer(&id, &b, Some("Billing question"))
        .await
        .unwrap();
    assert_eq!(moved.conversation.assignee.map(|x| x.id), user(&b));
    app.as_(&b).say(&id, "b1", "B here").await.unwrap();
    refused(
        app.as_(&a).say(&id, "a1", "A again").await,
        409,
        ErrorCode::ConversationLocked,
    );
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
            .as_(&a)
            .delegate(&id, &b, Some("Spanish speaker"))
            .await
            .unwrap();
        assert_eq!(delegation.status, HandoffStatus::Pending);

        let detail = app.as_(&b).detail(&id).await.unwrap();
        assert_eq!(detail.conversation.status, ConversationStatus::Delegated);
        let pending = detail.pending_delegation.expect("the pending delegation");
        assert_eq!(pending.id, delegation.id);
        assert_eq!(pending.reason.as_deref(), Some("Spanish speaker"));
        assert_eq!(
            assignee(&app, &owner, &id).await,
            user(&a),
            "the holder keeps it while pending"
        );
        refused(
            app.as_(&a).delegate(&id, &b, None).await,
            409,
            ErrorCode::DelegationPending,
        );

        // Only the target answers.
        let d = delegation.id.as_str();
        refused(app.as_(&a).accept(d).await, 403, ErrorCode::Forbidden);
        let accepted = app.as_(&b).accept(d).await.unwrap();
        assert_eq!(accepted.status, HandoffStatus::Accepted);
        assert_eq!(assignee(&app, &owner, &id).await, user(&b));
        refused(
            app.as_(&b).reject(d).await,
            409,
            ErrorCode::DelegationNotPending,
        );
        let detail = app.as_(&b).detail(&id).await.unwrap();
        assert_eq!(detail.conversation.status, ConversationStatus::Open);
        assert!(detail.pending_delegation.is_none());
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
        let (as_a, as_b) = (app.as_(&a), app.as_(&b));

        let first = as_a.delegate(&id, &b, None).await.unwrap();
        let rejected = as_b.reject(first.id.as_str()).await.unwrap();
        assert_eq!(rejected.status, HandoffStatus::Rejected);
        assert_eq!(assignee(&app, &owner, &id).await, user(&a));

        let second = as_a.delegate(&id, &b, None).await.unwrap();
        let second = second.id.as_str();
        refused(as_b.cancel(second).await, 403, ErrorCode::Forbidden);
        let cancelled = as_a.cancel(second).await.unwrap();
        assert_eq!(cancelled.status, HandoffStatus::Cancelled);
        refused(
            as_b.accept(second).await,
            409,
            ErrorCode::DelegationNotPending,
        );
        assert_eq!(assignee(&app, &owner, &id).await, user(&a));

        // Leaving withdraws a pending delegation.
        let third = as_a.delegate(&id, &b, None).await.unwrap();
        as_a.leave(&id).await.unwrap();
        refused(
            as_b.accept(third.id.as_str()).await,
            409,
            ErrorCode::DelegationNotPending,
        );
    }
);

both_dbs!(handoff_rules, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let a = app.add_member(&owner, &email("a"), "agent").await;
    let b = app.add_member(&owner, &email("b"), "agent").await;
    let gone = app.add_member(&owner, &email("gone"), "agent").await;
    app.post(
        &format!("/api/v1/team/members/{}/deactivate", gone.user_id),
        &owner.access,
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let id = held(&app, &owner, &a).await;
    let (as_a, as_b) = (app.as_(&a), app.as_(&b));

    // A non-holder cannot delegate or transfer.
    refused(
        as_b.delegate(&id, &owner, None).await,
        409,
        ErrorCode::ConversationLocked,
    );
    refused(
        as_b.transfer(&id, &b, None).await,
        409,
        ErrorCode::ConversationLocked,
    );
    // The 200-character rule.
    let too_long = as_a.delegate(&id, &b, Some(&"r".repeat(201))).await;
    let too_long = refused(too_long, 422, ErrorCode::ValidationFailed);
    assert_eq!(
        too_long.body["error"]["details"]["fields"]["reason"],
        "must be at most 200 characters"
    );
    // Yourself, deactivated members, unknown ids.
    refused(
        as_a.delegate(&id, &a, None).await,
        422,
        ErrorCode::CannotHandToSelf,
    );
    refused(
        as_a.transfer(&id, &gone, None).await,
        422,
        ErrorCode::TargetInactive,
    );
    let mut nobody = gone.clone();
    nobody.user_id = "nobody".into();
    let unknown = refused(
        as_a.transfer(&id, &nobody, None).await,
        422,
        ErrorCode::ValidationFailed,
    );
    assert!(unknown.body["error"]["details"]["fields"]["to_user_id"].is_string());
    as_a.delegate(&id, &b, Some(&"r".repeat(200)))
        .await
        .unwrap();
    refused(
        as_a.transfer("nope", &b, None).await,
        404,
        ErrorCode::NotFound,
    );
    refused(as_b.accept("nope").await, 404, ErrorCode::NotFound);
});

/// A member's display name, as system lines show it.
async fn name_of(app: &TestApp, who: &Session) -> String {
    let me = app.get("/api/v1/me", &who.access).await.expect(200);
    me.body["user"]["name"].as_str().unwrap().to_string()
}

both_dbs!(
    the_thread_records_joins_handoffs_and_resolution_for_the_team_only,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let a = app.add_member(&owner, &email("a"), "agent").await;
        let b = app.add_member(&owner, &email("b"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (visitor, id) = app.visitor_says(&key, "hello").await;
        let (as_owner, as_a, as_b) = (app.as_(&owner), app.as_(&a), app.as_(&b));
        as_a.join(&id).await.unwrap();
        as_a.join(&id).await.unwrap();
        let asked = as_a.delegate(&id, &b, None).await.unwrap();
        as_b.reject(asked.id.as_str()).await.unwrap();
        as_a.transfer(&id, &b, None).await.unwrap();
        as_owner.take_over(&id).await.unwrap();
        as_owner.leave(&id).await.unwrap();
        as_owner.resolve(&id).await.unwrap();
        as_owner.reopen(&id).await.unwrap();

        let (o, na, nb) = (
            name_of(&app, &owner).await,
            name_of(&app, &a).await,
            name_of(&app, &b).await,
        );
        let thread = as_owner.messages(&id).await.unwrap().items;
        let lines: Vec<String> = thread
            .iter()
            .filter(|m| m.sender == Sender::System)
            .inspect(|m| assert_eq!(m.kind, MessageKind::Event))
            .map(|m| m.body.clone().unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                format!("{na} joined the conversation"),
                format!("{na} asked {nb} to take the conversation"),
                format!("{nb} rejected the delegation"),
                format!("{na} transferred the conversation to {nb}"),
                format!("{o} took over the conversation from {nb}"),
                format!("{o} left the conversation"),
                format!("{o} resolved the conversation"),
                format!("{o} reopened the conversation"),
            ],
            "joining again what one holds adds no line"
        );
        let detail = as_owner.detail(&id).await.unwrap();
        assert_eq!(
            detail.conversation.message_count, 1,
            "system lines are not messages"
        );

        // The visitor's history is the conversation without the team's lines.
        let back = VisitorSocket::connect(&app, &key, Some(&visitor.token)).await;
        let history = back.welcome["messages"].as_array().unwrap();
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(history[0]["sender"], "customer");
    }
);
