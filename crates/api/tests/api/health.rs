//! Probes, the served OpenAPI document, the demo seed, and graceful shutdown.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(probes_answer, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let health = app
        .call(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert_eq!(health.body["status"], "ok");
    let ready = app
        .call(Method::GET, "/readyz", None, None)
        .await
        .expect(200);
    assert_eq!(ready.body["status"], "ready");
});

both_dbs!(unknown_api_routes_are_json_404, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let resp = app
        .call(Method::GET, "/api/v1/no-such-thing", None, None)
        .await
        .expect(404);
    assert_eq!(resp.code(), "not_found");
});

/// The committed contract and the code must not drift apart: regenerate with `just spec`.
#[tokio::test]
async fn served_openapi_matches_the_committed_document() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200);
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../api-spec/openapi.json");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(committed_path).expect("api-spec/openapi.json is missing"),
    )
    .unwrap();
    assert_eq!(served.body["openapi"], "3.1.0");
    assert!(
        served.body == committed,
        "api-spec/openapi.json differs from what the code serves; run `just spec` and commit the result"
    );
}

#[tokio::test]
async fn first_start_creates_a_demo_workspace_and_prints_its_sign_in() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("DEMO_SEED", "1")]).await;
    let printed: Vec<String> =
        std::iter::from_fn(|| app.stdout.recv_timeout(Duration::from_secs(2)).ok())
            .take_while(|line| !line.contains("also saved in"))
            .collect();
    let field = |name: &str| {
        printed
            .iter()
            .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("no {name} line in {printed:?}"))
    };
    let (email, password) = (field("email:"), field("password:"));
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": email, "password": password })),
        )
        .await
        .expect(200);
    let me = app
        .get("/api/v1/me", login.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(me.body["user"]["role"], "owner");
    assert_eq!(me.body["sections"].as_array().unwrap().len(), 13);
}

/// SIGTERM lets a request that is already in flight finish, then the process exits cleanly.
#[tokio::test]
async fn sigterm_drains_in_flight_requests() {
    let mut app = TestApp::spawn(Backend::Sqlite).await;
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    // A body that arrives in two parts: the request is in flight until we release the second.
    let body = futures_util::stream::unfold(Some((0, wait)), |state| async move {
        match state {
            Some((0, wait)) => Some((
                Ok::<_, std::io::Error>(bytes::Bytes::from_static(
                    b"{\"email\":\"nobody@example.com\",",
                )),
                Some((1, wait)),
            )),
            Some((_, wait)) => {
                let _ = wait.await;
                Some((
                    Ok(bytes::Bytes::from_static(
                        b"\"password\":\"wrong password\"}",
                    )),
                    None,
                ))
            }
            None => None,
        }
    });
    let request = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let in_flight = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(300)).await;
    Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    release.send(()).unwrap();
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request was cut off");
    assert_eq!(response.status().as_u16(), 401);
    let exit = tokio::task::spawn_blocking(move || app.terminate(Duration::from_secs(15)))
        .await
        .unwrap();
    assert_eq!(
        exit,
        Some(0),
        "the server did not exit cleanly after SIGTERM"
    );
}

use std::process::Command;

/// On SIGTERM every socket is told the server is restarting (1012), the visitor's too, though
/// it runs on a task of its own that the HTTP server does not wait for: the visitor's socket
/// first records that the visitor left (a database write), then says goodbye, then the server
/// exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_hear_the_restart_before_the_server_exits() {
    let mut app = TestApp::spawn(Backend::Sqlite).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let (mut visitor, _) = app.visitor_says(&key, "still here?").await;
    visitor
        .send(json!({ "type": "page", "url": "https://acme.test/pricing" }))
        .await;
    // Frames are handled in order: the pong means the page is recorded.
    visitor.send(json!({ "type": "ping" })).await;
    visitor.recv_type("pong").await;
    let live = app.get("/api/v1/visitors/live", &owner.access).await;
    assert_eq!(live.expect(200).body.as_array().map(Vec::len), Some(1));

    Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .unwrap();
    assert_eq!(
        crate::sockets::closed_with(&mut visitor.ws).await,
        Some(1012)
    );
    let exit = tokio::task::spawn_blocking(move || app.terminate(Duration::from_secs(15)))
        .await
        .unwrap();
    assert_eq!(
        exit,
        Some(0),
        "the server did not exit cleanly after SIGTERM"
    );
}
