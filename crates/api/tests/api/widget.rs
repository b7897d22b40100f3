//! The chat widget's settings, its public configuration (with whether an agent is online: at
//! the dashboard and available), the allowed origins (on the config, the socket and the frame),
//! the loader and the frame's files, and the email a visitor leaves when no agent is online.

use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use std::time::Duration;

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::{closed_with, EventSocket, FRAME_TIMEOUT};

/// `GET /api/widget/v1/config` as a page on `origin` would call it.
async fn config_from(app: &TestApp, key: &str, origin: Option<&str>) -> Resp {
    let mut request = app
        .client
        .get(format!("{}/api/widget/v1/config?key={key}", app.base));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    into_resp(request.send().await.unwrap()).await
}

fn shop_settings() -> Value {
    json!({
        "accent_color": "#0F766E",
        "title": "  Ask Northwind  ",
        "greeting": "Hello! Questions about coffee?",
        "position": "bottom_left",
        "prechat": {"enabled": true, "name": "optional", "email": "required", "phone": "off"},
        "offline_message": "We are roasting. Leave your email.",
        "allowed_origins": ["https://Shop.example/"],
        "unread_in_title": true
    })
}

both_dbs!(
    admins_edit_the_widget_settings_and_bad_ones_are_refused,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let defaults = app
            .get("/api/v1/settings/widget", &owner.access)
            .await
            .expect(200);
        assert_eq!(defaults.body["title"], "Chat with us");
        assert_eq!(defaults.body["allowed_origins"], json!([]));

        let saved = app
            .put("/api/v1/settings/widget", &owner.access, shop_settings())
            .await
            .expect(200);
        assert_eq!(saved.body["accent_color"], "#0f766e");
        assert_eq!(saved.body["title"], "Ask Northwind");
        assert_eq!(
            saved.body["allowed_origins"],
            json!(["https://shop.example"])
        );
        let read = app
            .get("/api/v1/settings/widget", &owner.access)
            .await
            .expect(200);
        assert_eq!(read.body, saved.body);

        // Agents do not run the widget.
        let refused = app
            .put("/api/v1/settings/widget", &agent.access, shop_settings())
            .await
            .expect(403);
        assert_eq!(refused.code(), "forbidden");
        app.get("/api/v1/settings/widget", &agent.access)
            .await
            .expect(403);

        // Every bad field is named, and nothing stored changes.
        let mut bad = shop_settings();
        bad["accent_color"] = json!("teal");
        bad["allowed_origins"] = json!(["https://shop.example/checkout", "shop.example"]);
        bad["title"] = json!("   ");
        let refused = app
            .put("/api/v1/settings/widget", &owner.access, bad)
            .await
            .expect(422);
        assert_eq!(refused.code(), "validation_failed");
        let fields = &refused.body["error"]["details"]["fields"];
        for field in [
            "accent_color",
            "title",
            "allowed_origins[0]",
            "allowed_origins[1]",
        ] {
            assert!(fields.get(field).is_some(), "{field} in {fields}");
        }
        let still = app
            .get("/api/v1/settings/widget", &owner.access)
            .await
            .expect(200);
        assert_eq!(still.body, saved.body);
    }
);

both_dbs!(
    the_widget_reads_its_public_configuration_only_on_allowed_origins,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;

        // No origins listed: any site may embed the widget.
        let open = config_from(&app, &key, Some("https://anywhere.example"))
            .await
            .expect(200);
        assert_eq!(open.body["business_name"], "Northwind");
        // Nobody has the dashboard open yet.
        assert_eq!(open.body["agents_online"], false);
        assert!(open.body["rating_categories"].as_array().unwrap().len() > 1);
        assert_eq!(open.headers["access-control-allow-origin"], "*");
        assert!(open.body.get("allowed_origins").is_none());

        app.put("/api/v1/settings/widget", &owner.access, shop_settings())
            .await
            .expect(200);
        let listed = config_from(&app, &key, Some("https://shop.example"))
            .await
            .expect(200);
        assert_eq!(listed.body["title"], "Ask Northwind");
        assert_eq!(listed.body["position"], "bottom_left");
        assert_eq!(listed.body["prechat"]["email"], "required");
        let refused = config_from(&app, &key, Some("https://copycat.example"))
            .await
            .expect(403);
        assert_eq!(refused.code(), "origin_not_allowed");
        assert!(refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("https://copycat.example"));
        // The refusal is readable by the page, so the loader can say why.
        assert_eq!(refused.headers["access-control-allow-origin"], "*");

        let unknown = config_from(&app, "wk_nope", None).await.expect(401);
        assert_eq!(unknown.code(), "invalid_widget_key");
    }
);

/// `agents_online` from the widget's config.
async fn agents_online(app: &TestApp, key: &str) -> bool {
    let config = config_from(app, key, None).await.expect(200);
    config.body["agents_online"]
        .as_bool()
        .unwrap_or_else(|| panic!("agents_online in {}", config.body))
}

/// Asks the config until `agents_online` is `want` (a socket's close is handled after the
/// client sent it); fails after [`FRAME_TIMEOUT`].
async fn wait_for_agents_online(app: &TestApp, key: &str, want: bool) {
    let deadline = tokio::time::Instant::now() + FRAME_TIMEOUT;
    while agents_online(app, key).await != want {
        assert!(
            tokio::time::Instant::now() < deadline,
            "agents_online did not become {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn set_availability(app: &TestApp, member: &Session, availability: &str) {
    app.put(
        "/api/v1/me/availability",
        &member.access,
        json!({ "availability": availability }),
    )
    .await
    .expect(200);
}

both_dbs!(
    agents_are_online_only_while_an_online_member_has_the_dashboard_open,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        // Signed up (availability online) but nobody at the dashboard: nobody to talk to.
        assert!(!agents_online(&app, &key).await);

        // Another workspace's member at their desk does not make this one online.
        let other = app.signup("Elsewhere", &email("other")).await;
        let other_key = app.widget_key(&other).await;
        let _elsewhere = EventSocket::connect(&app, &other.access, None).await;
        assert!(agents_online(&app, &other_key).await);
        assert!(!agents_online(&app, &key).await);

        // An integration's event socket (API key) is not a person at a desk.
        let api_key = app.api_key(&owner, "Reporting").await;
        let _integration = EventSocket::connect(&app, &api_key, None).await;
        assert!(!agents_online(&app, &key).await);

        let mut dashboard = EventSocket::connect(&app, &owner.access, None).await;
        assert!(agents_online(&app, &key).await);
        set_availability(&app, &owner, "away").await;
        assert!(!agents_online(&app, &key).await);
        set_availability(&app, &owner, "online").await;
        assert!(agents_online(&app, &key).await);

        // Two tabs: closing one leaves the member at the other.
        let mut second_tab = EventSocket::connect(&app, &owner.access, None).await;
        second_tab.ws.close(None).await.unwrap();
        closed_with(&mut second_tab.ws).await;
        assert!(agents_online(&app, &key).await);

        dashboard.ws.close(None).await.unwrap();
        wait_for_agents_online(&app, &key, false).await;
        assert!(agents_online(&app, &other_key).await);
    }
);

/// Several server processes on one database: a member at the dashboard on one process is
/// online for a visitor who asks another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_at_the_dashboard_on_another_process_is_online() {
    let env = [("JWT_SECRET", "one secret for both processes")];
    let a = TestApp::spawn_with(Backend::Postgres, &env).await;
    let b = a.spawn_sibling(&env).await;
    let owner = a.signup("Northwind", &email("owner")).await;
    let key = a.widget_key(&owner).await;
    assert!(!agents_online(&a, &key).await);

    let mut on_b = EventSocket::connect(&b, &owner.access, None).await;
    assert!(agents_online(&a, &key).await);
    on_b.ws.close(None).await.unwrap();
    wait_for_agents_online(&a, &key, false).await;
}

both_dbs!(
    the_visitor_socket_refuses_an_origin_the_workspace_did_not_list,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        app.put("/api/v1/settings/widget", &owner.access, shop_settings())
            .await
            .expect(200);
        let url = format!("ws://127.0.0.1:{}/api/widget/v1/ws?key={key}", app.port);
        let with_origin = |origin: &'static str| {
            let mut request = url.as_str().into_client_request().unwrap();
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_static(origin));
            request
        };
        let refused =
            tokio_tungstenite::connect_async(with_origin("https://copycat.example")).await;
        match refused {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 403)
            }
            other => panic!("expected 403 before the upgrade, got {other:?}"),
        }
        let (_ws, response) = tokio_tungstenite::connect_async(with_origin("https://shop.example"))
            .await
            .expect("a listed origin connects");
        assert_eq!(response.status(), 101);
    }
);

both_dbs!(
    a_visitor_with_no_agent_online_leaves_an_email_that_becomes_a_lead,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, conversation) = app.visitor_says(&key, "Is the shop open?").await;

        visitor
            .send(json!({"type": "leave_email", "email": "not an email"}))
            .await;
        let refused = visitor.recv_type("error").await;
        assert_eq!(refused["code"], "validation_failed");

        visitor
            .send(json!({
                "type": "leave_email",
                "email": " Ana@Example.com ",
                "name": "Ana",
                "message": "Call me back about beans"
            }))
            .await;
        visitor.recv_type("email_saved").await;
        let leads = app.get("/api/v1/leads", &owner.access).await.expect(200);
        let lead = &leads.body["items"][0];
        assert_eq!(lead["email"], "ana@example.com");
        assert_eq!(lead["name"], "Ana");
        assert_eq!(lead["message"], "Call me back about beans");
        assert_eq!(lead["conversation_id"], conversation.as_str());

        // Another workspace does not see it.
        let other = app.signup("Elsewhere", &email("other")).await;
        let theirs = app.get("/api/v1/leads", &other.access).await.expect(200);
        assert_eq!(theirs.body["items"], json!([]));
    }
);

both_dbs!(
    the_loader_and_the_frame_are_served_and_the_frame_only_to_listed_sites,
    |backend| async move {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("loader.js"), "/* loader */").unwrap();
        std::fs::write(
            dist.path().join("frame.html"),
            "<!doctype html><title>Chat</title>",
        )
        .unwrap();
        std::fs::write(dist.path().join("style.css"), "body{}").unwrap();
        let dir = dist.path().to_str().unwrap();
        let app = TestApp::spawn_with(backend, &[("WIDGET_DIR", dir)]).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let key = app.widget_key(&owner).await;

        let loader = app
            .call(Method::GET, "/widget.js", None, None)
            .await
            .expect(200);
        assert_eq!(loader.text, "/* loader */");
        assert!(loader.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"));
        let frame_path = format!("/widget/frame.html?key={key}");
        let frame = app
            .call(Method::GET, &frame_path, None, None)
            .await
            .expect(200);
        assert_eq!(
            frame.headers["content-security-policy"],
            "frame-ancestors *"
        );
        app.call(Method::GET, "/widget/style.css", None, None)
            .await
            .expect(200);

        app.put("/api/v1/settings/widget", &owner.access, shop_settings())
            .await
            .expect(200);
        let frame = app
            .call(Method::GET, &frame_path, None, None)
            .await
            .expect(200);
        assert_eq!(
            frame.headers["content-security-policy"],
            "frame-ancestors 'self' https://shop.example"
        );
    }
);
