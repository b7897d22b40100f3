//! Invitations, role changes, ownership and deactivation.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    invitation_is_previewed_accepted_once_and_signs_in,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent_email = email("agent");
        let invite = app
            .post(
                "/api/v1/team/invitations",
                &owner.access,
                json!({ "email": agent_email, "role": "agent" }),
            )
            .await
            .expect(201);
        let token = invite.body["token"].as_str().unwrap();
        assert!(invite.body["invite_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/accept-invitation?token={token}")));
        assert_eq!(invite.body["invitation"]["status"], "pending");

        let preview = app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/preview?token={token}"),
                None,
                None,
            )
            .await
            .expect(200);
        assert_eq!(
            preview.body,
            json!({ "workspace_name": "Acme", "email": agent_email, "role": "agent" })
        );

        let accept = json!({ "token": token, "name": "Ada", "password": PASSWORD });
        app.call(
            Method::POST,
            "/api/v1/invitations/accept",
            None,
            Some(accept.clone()),
        )
        .await
        .expect(201);
        let again = app
            .call(
                Method::POST,
                "/api/v1/invitations/accept",
                None,
                Some(accept),
            )
            .await
            .expect(404);
        assert_eq!(again.code(), "not_found");
        app.call(
            Method::GET,
            &format!("/api/v1/invitations/preview?token={token}"),
            None,
            None,
        )
        .await
        .expect(404);

        let login = app.login(&agent_email).await.expect(200);
        let me = app
            .get("/api/v1/me", login.body["access_token"].as_str().unwrap())
            .await
            .expect(200);
        assert_eq!(me.body["user"]["role"], "agent");
        assert_eq!(
            me.body["sections"],
            json!(["overview", "conversations", "tickets", "leads"])
        );

        let invitations = app
            .get("/api/v1/team/invitations", &owner.access)
            .await
            .expect(200);
        assert_eq!(invitations.body[0]["status"], "accepted");
    }
);

both_dbs!(
    a_newer_invitation_replaces_the_older_and_revoked_ones_fail,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let invitee = email("agent");
        let first = app
            .post(
                "/api/v1/team/invitations",
                &owner.access,
                json!({ "email": invitee, "role": "agent" }),
            )
            .await
            .expect(201);
        let second = app
            .post(
                "/api/v1/team/invitations",
                &owner.access,
                json!({ "email": invitee, "role": "agent" }),
            )
            .await
            .expect(201);
        let app = &app;
        let preview = |t: &str| {
            let path = format!("/api/v1/invitations/preview?token={t}");
            async move { app.call(Method::GET, &path, None, None).await }
        };
        preview(first.body["token"].as_str().unwrap())
            .await
            .expect(404);
        preview(second.body["token"].as_str().unwrap())
            .await
            .expect(200);
        let id = second.body["invitation"]["id"].as_str().unwrap();
        app.delete(&format!("/api/v1/team/invitations/{id}"), &owner.access)
            .await
            .expect(204);
        preview(second.body["token"].as_str().unwrap())
            .await
            .expect(404);
        app.delete(&format!("/api/v1/team/invitations/{id}"), &owner.access)
            .await
            .expect(404);
    }
);

both_dbs!(who_may_invite_whom, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    app.post(
        "/api/v1/team/invitations",
        &admin.access,
        json!({ "email": email("a2"), "role": "agent" }),
    )
    .await
    .expect(201);
    let refused = app
        .post(
            "/api/v1/team/invitations",
            &admin.access,
            json!({ "email": email("ad2"), "role": "admin" }),
        )
        .await
        .expect(403);
    assert_eq!(refused.code(), "forbidden");
    app.post(
        "/api/v1/team/invitations",
        &agent.access,
        json!({ "email": email("a3"), "role": "agent" }),
    )
    .await
    .expect(403);
    let owner_role = app
        .post(
            "/api/v1/team/invitations",
            &owner.access,
            json!({ "email": email("o2"), "role": "owner" }),
        )
        .await
        .expect(422);
    assert!(owner_role.body["error"]["details"]["fields"]["role"].is_string());
    let existing = app
        .post(
            "/api/v1/team/invitations",
            &owner.access,
            json!({ "email": agent.email, "role": "agent" }),
        )
        .await
        .expect(409);
    assert_eq!(existing.code(), "already_member");
});

both_dbs!(role_change_rules, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let role_path = |s: &Session| format!("/api/v1/team/members/{}/role", s.user_id);

    let promoted = app
        .put(
            &role_path(&agent),
            &owner.access,
            json!({ "role": "admin" }),
        )
        .await
        .expect(200);
    assert_eq!(promoted.body["role"], "admin");
    // The promotion takes effect on the agent's existing token at once.
    app.get("/api/v1/team/members", &agent.access)
        .await
        .expect(200);
    app.put(
        &role_path(&agent),
        &owner.access,
        json!({ "role": "agent" }),
    )
    .await
    .expect(200);
    app.get("/api/v1/team/members", &agent.access)
        .await
        .expect(403);

    app.put(
        &role_path(&agent),
        &admin.access,
        json!({ "role": "admin" }),
    )
    .await
    .expect(403);
    app.put(
        &role_path(&admin),
        &agent.access,
        json!({ "role": "agent" }),
    )
    .await
    .expect(403);
    let to_owner = app
        .put(
            &role_path(&agent),
            &owner.access,
            json!({ "role": "owner" }),
        )
        .await
        .expect(422);
    assert_eq!(to_owner.code(), "use_ownership_transfer");
    let owner_fixed = app
        .put(
            &role_path(&owner),
            &owner.access,
            json!({ "role": "agent" }),
        )
        .await
        .expect(422);
    assert_eq!(owner_fixed.code(), "owner_role_fixed");
    app.put(
        "/api/v1/team/members/no-such-user/role",
        &owner.access,
        json!({ "role": "admin" }),
    )
    .await
    .expect(404);
});

both_dbs!(
    ownership_moves_and_there_is_always_exactly_one_owner,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let admin = app.add_member(&owner, &email("admin"), "admin").await;
        app.post(
            "/api/v1/team/ownership",
            &admin.access,
            json!({ "to_user_id": admin.user_id }),
        )
        .await
        .expect(403);
        let same = app
            .post(
                "/api/v1/team/ownership",
                &owner.access,
                json!({ "to_user_id": owner.user_id }),
            )
            .await
            .expect(422);
        assert_eq!(same.code(), "already_owner");
        let moved = app
            .post(
                "/api/v1/team/ownership",
                &owner.access,
                json!({ "to_user_id": admin.user_id }),
            )
            .await
            .expect(200);
        assert_eq!(moved.body["role"], "owner");
        let members = app
            .get("/api/v1/team/members", &admin.access)
            .await
            .expect(200);
        let owners: Vec<_> = members
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "owner")
            .collect();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0]["id"], admin.user_id.as_str());
        let old = app.get("/api/v1/me", &owner.access).await.expect(200);
        assert_eq!(old.body["user"]["role"], "admin");
        app.get("/api/v1/billing", &owner.access).await.expect(403);
        app.get("/api/v1/billing", &admin.access).await.expect(200);
    }
);

both_dbs!(
    deactivation_stops_sessions_at_once_and_reactivation_restores_sign_in,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let path = format!("/api/v1/team/members/{}/deactivate", agent.user_id);
        let deactivated = app
            .call(Method::POST, &path, Some(&owner.access), None)
            .await
            .expect(200);
        assert_eq!(deactivated.body["active"], false);
        app.get("/api/v1/me", &agent.access).await.expect(401);
        app.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": agent.refresh })),
        )
        .await
        .expect(401);
        let login = app.login(&agent.email).await.expect(401);
        assert_eq!(login.code(), "invalid_credentials");

        let back = format!("/api/v1/team/members/{}/reactivate", agent.user_id);
        app.call(Method::POST, &back, Some(&owner.access), None)
            .await
            .expect(200);
        app.login(&agent.email).await.expect(200);
    }
);

both_dbs!(deactivation_rules, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    let admin2 = app.add_member(&owner, &email("admin2"), "admin").await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let app = &app;
    let deactivate = |who: &Session, by: &Session| {
        let path = format!("/api/v1/team/members/{}/deactivate", who.user_id);
        let token = by.access.clone();
        async move { app.call(Method::POST, &path, Some(&token), None).await }
    };
    assert_eq!(
        deactivate(&owner, &admin).await.expect(422).code(),
        "cannot_deactivate_owner"
    );
    assert_eq!(
        deactivate(&admin, &admin).await.expect(422).code(),
        "cannot_deactivate_self"
    );
    deactivate(&admin2, &admin).await.expect(403);
    // Agents cannot open Team at all.
    deactivate(&agent, &agent).await.expect(403);
    deactivate(&admin, &agent).await.expect(403);
    deactivate(&agent, &admin).await.expect(200);
    deactivate(&admin2, &owner).await.expect(200);
    // Reactivating is refused for the same people, in its own words.
    let reactivate = |who: &Session, by: &Session| {
        let path = format!("/api/v1/team/members/{}/reactivate", who.user_id);
        let token = by.access.clone();
        async move { app.call(Method::POST, &path, Some(&token), None).await }
    };
    let own = reactivate(&owner, &owner).await.expect(422);
    assert_eq!(own.code(), "cannot_reactivate_self");
    assert!(own.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("reactivate"));
    assert_eq!(
        reactivate(&owner, &admin).await.expect(422).code(),
        "cannot_reactivate_owner"
    );
    reactivate(&agent, &admin).await.expect(200);
});

both_dbs!(team_actions_are_in_the_audit_log, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    app.put(
        &format!("/api/v1/team/members/{}/role", agent.user_id),
        &owner.access,
        json!({ "role": "admin" }),
    )
    .await
    .expect(200);
    app.login(&agent.email).await.expect(200);
    let log = app
        .get("/api/v1/audit-log?limit=100", &owner.access)
        .await
        .expect(200);
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "auth.signup",
        "team.invited",
        "team.invitation_accepted",
        "auth.login",
        "team.role_changed",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let change = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "team.role_changed")
        .unwrap();
    assert_eq!(change["actor"]["id"], owner.user_id.as_str());
    assert_eq!(change["target_id"], agent.user_id.as_str());
    assert_eq!(change["details"], json!({ "from": "agent", "to": "admin" }));
    // Newest first, and paging by cursor walks the whole log without repeats.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(&format!("/api/v1/audit-log?limit=2{cursor}"), &owner.access)
            .await
            .expect(200);
        for item in page.body["items"].as_array().unwrap() {
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_string()),
                "repeated row"
            );
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), log.body["items"].as_array().unwrap().len());
});
