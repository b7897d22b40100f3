//! Sign-up, sign-in, refresh rotation, sign-out, throttling and token expiry.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(signup_then_login_then_me, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner_email = email("owner");
    let owner = app.signup("Acme", &owner_email).await;
    let me = app.get("/api/v1/me", &owner.access).await.expect(200);
    assert_eq!(me.body["user"]["email"], owner_email.as_str());
    assert_eq!(me.body["user"]["role"], "owner");
    assert_eq!(me.body["tenant"]["name"], "Acme");
    assert_eq!(me.body["sections"][0], "overview");
    assert_eq!(
        me.body["sections"].as_array().unwrap().last().unwrap(),
        "billing"
    );

    let login = app.login(&owner_email.to_uppercase()).await.expect(200);
    assert_eq!(login.body["token_type"], "Bearer");
    assert!(login.body["expires_in"].as_i64().unwrap() > 0);
    let token = login.body["access_token"].as_str().unwrap();
    app.get("/api/v1/me", token).await.expect(200);
});

both_dbs!(
    wrong_credentials_get_one_generic_401,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner_email = email("owner");
        app.signup("Acme", &owner_email).await;
        let wrong_password = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": owner_email, "password": "nope nope nope" })),
            )
            .await
            .expect(401);
        let unknown_email = app.login("nobody@example.com").await.expect(401);
        assert_eq!(wrong_password.code(), "invalid_credentials");
        assert_eq!(
            wrong_password.body, unknown_email.body,
            "the two failures must be indistinguishable"
        );
    }
);

both_dbs!(signup_with_a_taken_email_is_409, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner_email = email("owner");
    app.signup("Acme", &owner_email).await;
    let body = json!({ "workspace_name": "Other", "name": "X", "email": owner_email, "password": PASSWORD });
    let resp = app
        .call(Method::POST, "/api/v1/auth/signup", None, Some(body))
        .await
        .expect(409);
    assert_eq!(resp.code(), "email_taken");
});

/// Presents a refresh token.
async fn refresh(app: &TestApp, token: &str) -> Resp {
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({ "refresh_token": token })),
    )
    .await
}

both_dbs!(
    refresh_rotates_and_old_tokens_are_refused,
    |backend| async move {
        // No grace period: a replaced token presented again is a leak at once.
        let app = TestApp::spawn_with(backend, &[("REFRESH_REUSE_GRACE_SECS", "0")]).await;
        let owner = app.signup("Acme", &email("owner")).await;

        let first = refresh(&app, &owner.refresh).await.expect(200);
        let second_token = first.body["refresh_token"].as_str().unwrap().to_string();
        assert_ne!(second_token, owner.refresh);
        app.get("/api/v1/me", first.body["access_token"].as_str().unwrap())
            .await
            .expect(200);

        // The used token is refused...
        let reused = refresh(&app, &owner.refresh).await.expect(401);
        assert_eq!(reused.code(), "invalid_refresh_token");
        // ...and presenting it again means it leaked: the whole session ends, newest token too.
        refresh(&app, &second_token).await.expect(401);
        app.get("/api/v1/me", first.body["access_token"].as_str().unwrap())
            .await
            .expect(401);

        refresh(&app, "garbage").await.expect(401);
        refresh(&app, "no-such-session.secret").await.expect(401);
    }
);

both_dbs!(
    two_tabs_refreshing_together_keep_the_session,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        // Both tabs hold the same pair; the first refresh wins.
        let first = refresh(&app, &owner.refresh).await.expect(200);
        let second = refresh(&app, &owner.refresh).await.expect(409);
        assert_eq!(second.code(), "refresh_token_superseded");
        // The session goes on: the winner's tokens work and refresh again.
        let access = first.body["access_token"].as_str().unwrap();
        app.get("/api/v1/me", access).await.expect(200);
        let newest = first.body["refresh_token"].as_str().unwrap();
        let third = refresh(&app, newest).await.expect(200);
        // A token two rotations old is refused, and the session still goes on.
        refresh(&app, &owner.refresh).await.expect(401);
        let access = third.body["access_token"].as_str().unwrap();
        app.get("/api/v1/me", access).await.expect(200);
    }
);

both_dbs!(logout_ends_the_session, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    app.call(
        Method::POST,
        "/api/v1/auth/logout",
        Some(&owner.access),
        None,
    )
    .await
    .expect(204);
    let after = app.get("/api/v1/me", &owner.access).await.expect(401);
    assert_eq!(after.code(), "session_revoked");
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({ "refresh_token": owner.refresh })),
    )
    .await
    .expect(401);
});

both_dbs!(
    repeated_failures_for_an_account_are_throttled,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner_email = email("owner");
        app.signup("Acme", &owner_email).await;
        let bad = json!({ "email": owner_email, "password": "wrong password!" });
        for _ in 0..5 {
            app.call(Method::POST, "/api/v1/auth/login", None, Some(bad.clone()))
                .await
                .expect(401);
        }
        let throttled = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(bad))
            .await
            .expect(429);
        assert_eq!(throttled.code(), "rate_limited");
        let retry_after: u64 = throttled.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&retry_after), "Retry-After {retry_after}");
        // While blocked, even the right password waits: the attacker learns nothing.
        app.login(&owner_email).await.expect(429);
        // Another account from the same address is not blocked by this account's failures.
        let other = email("other");
        app.signup("Other", &other).await;
        app.login(&other).await.expect(200);
    }
);

both_dbs!(
    repeated_failures_from_one_address_are_throttled,
    |backend| async move {
        let app = TestApp::spawn_with(backend, &[("LOGIN_MAX_FAILURES_PER_ADDRESS", "3")]).await;
        for i in 0..3 {
            app.login(&format!("ghost{i}@example.com"))
                .await
                .expect(401);
        }
        let resp = app.login("ghost-next@example.com").await.expect(429);
        assert!(resp.headers.contains_key("retry-after"));
    }
);

both_dbs!(expired_access_tokens_say_so, |backend| async move {
    let app = TestApp::spawn_with(backend, &[("ACCESS_TOKEN_TTL_SECS", "1")]).await;
    let owner = app.signup("Acme", &email("owner")).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let resp = app.get("/api/v1/me", &owner.access).await.expect(401);
    assert_eq!(resp.code(), "token_expired");
    let renewed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": owner.refresh })),
        )
        .await
        .expect(200);
    app.get("/api/v1/me", renewed.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
});

both_dbs!(missing_or_forged_tokens_are_401, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let none = app
        .call(Method::GET, "/api/v1/me", None, None)
        .await
        .expect(401);
    assert_eq!(none.code(), "unauthorized");
    app.get("/api/v1/me", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged")
        .await
        .expect(401);
    app.get("/api/v1/me", "sbk_not-a-key").await.expect(401);
});

both_dbs!(availability_toggles, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let away = app
        .put(
            "/api/v1/me/availability",
            &owner.access,
            json!({ "availability": "away" }),
        )
        .await
        .expect(200);
    assert_eq!(away.body["user"]["availability"], "away");
    let me = app.get("/api/v1/me", &owner.access).await.expect(200);
    assert_eq!(me.body["user"]["availability"], "away");
    let bad = app
        .put(
            "/api/v1/me/availability",
            &owner.access,
            json!({ "availability": "busy" }),
        )
        .await
        .expect(422);
    assert!(bad.body["error"]["details"]["fields"]["availability"].is_string());
});
