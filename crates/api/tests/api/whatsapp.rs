//! The WhatsApp channel against a local stand-in for Meta's Graph API (`fake-whatsapp`, which
//! speaks the real shapes): connecting a number, webhook verification and signatures, every
//! inbound type, duplicates and out-of-order delivery, media both ways, the 24-hour window, templates,
//! Meta's errors and rate limits, a restart with sends in the outbox, tenant isolation.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_dbs;
use crate::helpers::*;

/// The fake Graph API, as a process of its own.
pub struct FakeGraph {
    pub base: String,
    child: Child,
}

impl FakeGraph {
    pub fn start() -> FakeGraph {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fake-whatsapp"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("fake-whatsapp starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().trim_start_matches("listening on ").to_string();
        FakeGraph {
            base: format!("http://127.0.0.1:{port}"),
            child,
        }
    }

    /// The base URL the product is configured with.
    pub fn graph_url(&self) -> String {
        format!("{}/v21.0", self.base)
    }

    async fn post(&self, path: &str, body: Value) {
        let status = http_client()
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "{path}: {status}");
    }

    /// Every send the product made, oldest first.
    pub async fn sent(&self) -> Vec<Value> {
        self.log("/_fake/sent").await
    }

    /// Every file the product uploaded, oldest first.
    pub async fn uploads(&self) -> Vec<Value> {
        self.log("/_fake/uploads").await
    }

    async fn log(&self, path: &str) -> Vec<Value> {
        let url = format!("{}{path}", self.base);
        http_client()
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The next sends fail with these (HTTP status, Meta code).
    pub async fn fail_next(&self, failures: &[(u16, i64)]) {
        let list: Vec<Value> = failures
            .iter()
            .map(|(status, code)| json!({ "status": status, "code": code }))
            .collect();
        self.post("/_fake/failures", json!(list)).await;
    }
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tenant's connected number as the tests use it.
pub struct Number {
    pub connector_id: String,
    pub phone_number_id: String,
    pub app_secret: String,
}

pub const VERIFY_TOKEN: &str = "my-verify-token";

/// Starts the server pointed at `fake`.
pub async fn app_with(backend: Backend, fake: &FakeGraph) -> TestApp {
    TestApp::spawn_with(backend, &[("WHATSAPP_GRAPH_URL", &fake.graph_url())]).await
}

/// Connects a number for `owner`'s workspace.
pub async fn connect(app: &TestApp, owner: &Session, phone_number_id: &str) -> Number {
    let app_secret = format!("secret-of-{phone_number_id}");
    let body = json!({
        "phone_number_id": phone_number_id, "business_account_id": "900100",
        "access_token": "EAAG-access-token-0042", "app_secret": app_secret,
        "verify_token": VERIFY_TOKEN,
    });
    let saved = app
        .put("/api/v1/connectors/whatsapp", &owner.access, body)
        .await
        .expect(200);
    Number {
        connector_id: saved.body["id"].as_str().unwrap().to_string(),
        phone_number_id: phone_number_id.into(),
        app_secret,
    }
}

fn webhook_path(number: &Number) -> String {
    format!("/api/whatsapp/v1/webhook/{}", number.connector_id)
}

/// Posts `body` to the number's webhook with the signature made with `secret`.
pub async fn post_signed(app: &TestApp, number: &Number, secret: &str, body: &[u8]) -> Resp {
    let signature = switchboard_api::domain::whatsapp::webhook::sign(secret, body);
    let response = app
        .client
        .post(format!("{}{}", app.base, webhook_path(number)))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    into_resp(response).await
}

/// Meta's payload around `messages` and `statuses` for `number`.
pub fn payload(number: &Number, messages: Vec<Value>, statuses: Vec<Value>) -> Vec<u8> {
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": { "display_phone_number": "15550001111", "phone_number_id": number.phone_number_id },
        "contacts": [{ "profile": { "name": "Ada Lovelace" }, "wa_id": "4915112345678" }],
        "messages": messages, "statuses": statuses,
    });
    serde_json::to_vec(&json!({ "object": "whatsapp_business_account",
        "entry": [{ "id": "900100", "changes": [{ "field": "messages", "value": value }] }] }))
    .unwrap()
}

/// A customer's text sent `ago` seconds ago.
pub fn text(wamid: &str, body: &str, ago: i64) -> Value {
    json!({ "from": "4915112345678", "id": wamid, "type": "text", "text": { "body": body },
            "timestamp": (chrono::Utc::now().timestamp() - ago).to_string() })
}

fn status(wamid: &str, state: &str) -> Value {
    json!({ "id": wamid, "status": state, "timestamp": chrono::Utc::now().timestamp().to_string(),
            "recipient_id": "4915112345678" })
}

/// Posts a properly signed payload.
pub async fn deliver(app: &TestApp, number: &Number, messages: Vec<Value>, statuses: Vec<Value>) {
    let body = payload(number, messages, statuses);
    post_signed(app, number, &number.app_secret, &body)
        .await
        .expect(200);
}

/// Polls `check` until it gives something (10 s at most).
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(found) = check().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The workspace's WhatsApp conversations.
async fn whatsapp_rows(app: &TestApp, member: &Session) -> Vec<Value> {
    let page = app
        .get("/api/v1/conversations?channel=whatsapp", &member.access)
        .await
        .expect(200);
    page.body["items"].as_array().cloned().unwrap_or_default()
}

/// The only WhatsApp conversation once it has `count` messages in the thread.
async fn thread_with(app: &TestApp, member: &Session, count: usize) -> (String, Vec<Value>) {
    eventually("the WhatsApp thread", || async {
        let rows = whatsapp_rows(app, member).await;
        let id = rows.first()?["id"].as_str()?.to_string();
        let messages = app.messages_of(member, &id).await;
        (messages.len() == count).then_some((id, messages))
    })
    .await
}

/// The delivery state of `message_id`, once it is `want`.
async fn delivery_becomes(
    app: &TestApp,
    member: &Session,
    conversation: &str,
    message_id: &str,
    want: &str,
) -> Value {
    eventually(&format!("delivery {want}"), || async {
        let messages = app.messages_of(member, conversation).await;
        let m = messages.into_iter().find(|m| m["id"] == message_id)?;
        (m["delivery"]["state"] == want).then_some(m["delivery"].clone())
    })
    .await
}

async fn reply(
    app: &TestApp,
    agent: &Session,
    conversation: &str,
    client_id: &str,
    body: &str,
) -> Resp {
    let path = format!("/api/v1/conversations/{conversation}/messages");
    app.post(
        &path,
        &agent.access,
        json!({ "client_message_id": client_id, "body": body }),
    )
    .await
}

both_dbs!(
    connecting_a_number_keeps_its_secrets_sealed,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let path = "/api/v1/connectors/whatsapp";
        app.get(path, &owner.access).await.expect(404);

        let missing = app
            .put(
                path,
                &owner.access,
                json!({ "phone_number_id": "12a", "business_account_id": "9" }),
            )
            .await
            .expect(422);
        let fields = &missing.body["error"]["details"]["fields"];
        assert!(fields["phone_number_id"].is_string(), "{fields}");
        app.put(
            path,
            &owner.access,
            json!({ "phone_number_id": "111", "business_account_id": "9" }),
        )
        .await
        .expect(422);
        app.get(path, &owner.access).await.expect(404);

        let number = connect(&app, &owner, "111").await;
        let shown = app.get(path, &owner.access).await.expect(200);
        assert_eq!(shown.body["access_token_last4"], "0042");
        assert_eq!(shown.body["verify_token_last4"], "oken");
        assert!(shown.body["webhook_url"]
            .as_str()
            .unwrap()
            .ends_with(&webhook_path(&number)));
        assert!(
            !shown.text.contains("EAAG-access-token"),
            "no secret is ever returned"
        );
        assert!(!shown.text.contains("secret-of-111"));
        // The secrets at rest are sealed too.
        let stored = std::fs::read(app.data_dir.path().join("switchboard.db")).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&stored).contains("EAAG-access-token"));

        // A change without secrets keeps them: the webhook still verifies with the old app secret.
        app.put(
            path,
            &owner.access,
            json!({ "phone_number_id": "111", "business_account_id": "900100" }),
        )
        .await
        .expect(200);
        deliver(&app, &number, vec![text("wamid.A1", "hello", 5)], vec![]).await;

        app.get(path, &agent.access).await.expect(403);
        let other = app.signup("Contoso", &email("other")).await;
        let taken = app
            .put(
                path,
                &other.access,
                json!({ "phone_number_id": "111", "business_account_id": "1",
            "access_token": "t", "app_secret": "s", "verify_token": "v" }),
            )
            .await
            .expect(422);
        assert!(taken.body["error"]["details"]["fields"]["phone_number_id"].is_string());

        app.delete(path, &owner.access).await.expect(204);
        let gone = payload(&number, vec![text("wamid.A2", "still there?", 1)], vec![]);
        post_signed(&app, &number, &number.app_secret, &gone)
            .await
            .expect(404);
    }
);

both_dbs!(
    meta_verifies_the_webhook_with_the_workspace_token,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "222").await;
        let path = webhook_path(&number);
        let ok = app
        .call(Method::GET, &format!("{path}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"), None, None)
        .await
        .expect(200);
        assert_eq!(ok.text, "1158201444");
        for query in [
            "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
            "hub.mode=unsubscribe&hub.verify_token=my-verify-token&hub.challenge=1",
            "hub.mode=subscribe&hub.challenge=1",
        ] {
            app.call(Method::GET, &format!("{path}?{query}"), None, None)
                .await
                .expect(403);
        }
        app.call(Method::GET, "/api/whatsapp/v1/webhook/nope?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1", None, None)
        .await
        .expect(403);
    }
);

both_dbs!(
    only_signed_payloads_for_the_number_are_stored,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "333").await;
        let body = payload(&number, vec![text("wamid.S1", "hi", 5)], vec![]);

        let wrong = post_signed(&app, &number, "not-the-secret", &body)
            .await
            .expect(401);
        assert_eq!(wrong.code(), "invalid_signature");
        let mut changed = body.clone();
        let at = changed.iter().position(|b| *b == b'h').unwrap();
        changed[at] = b'H';
        let signature = switchboard_api::domain::whatsapp::webhook::sign(&number.app_secret, &body);
        let tampered = app
            .client
            .post(format!("{}{}", app.base, webhook_path(&number)))
            .header("x-hub-signature-256", signature)
            .body(changed)
            .send()
            .await
            .unwrap();
        assert_eq!(tampered.status(), 401, "one byte changed");
        let unsigned = app
            .raw(
                Method::POST,
                &webhook_path(&number),
                None,
                "application/json",
                body.clone(),
            )
            .await
            .expect(401);
        assert_eq!(unsigned.code(), "invalid_signature");
        let foreign = Number {
            phone_number_id: "999".into(),
            connector_id: number.connector_id.clone(),
            app_secret: number.app_secret.clone(),
        };
        let elsewhere = payload(&foreign, vec![text("wamid.S2", "hi", 5)], vec![]);
        post_signed(&app, &number, &number.app_secret, &elsewhere)
            .await
            .expect(403);
        let garbage = post_signed(&app, &number, &number.app_secret, b"{not json")
            .await
            .expect(400);
        assert_eq!(garbage.code(), "malformed_json");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(
            whatsapp_rows(&app, &owner).await.is_empty(),
            "nothing refused was stored"
        );

        post_signed(&app, &number, &number.app_secret, &body)
            .await
            .expect(200);
        let (_, messages) = thread_with(&app, &owner, 1).await;
        assert_eq!(messages[0]["body"], "hi");
        let health = app
            .get("/api/v1/connectors/whatsapp", &owner.access)
            .await
            .expect(200);
        assert!(health.body["last_webhook_at"].is_string());
    }
);

both_dbs!(
    customers_messages_arrive_once_in_their_order,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "444").await;
        // Meta delivers the later message first, and the first one twice.
        deliver(&app, &number, vec![text("wamid.O2", "second", 10)], vec![]).await;
        deliver(&app, &number, vec![text("wamid.O1", "first", 20)], vec![]).await;
        deliver(&app, &number, vec![text("wamid.O1", "first", 20)], vec![]).await;
        let (id, messages) = thread_with(&app, &owner, 2).await;
        let bodies: Vec<&str> = messages
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["first", "second"]);
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(
            app.messages_of(&owner, &id).await.len(),
            2,
            "the duplicate is not stored"
        );

        let rows = whatsapp_rows(&app, &owner).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["channel"], "whatsapp");
        assert_eq!(rows[0]["visitor_label"], "+4915112345678");
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &owner.access)
            .await
            .expect(200);
        assert_eq!(detail.body["visitor"]["name"], "Ada Lovelace");
        assert_eq!(detail.body["visitor"]["whatsapp_phone"], "+4915112345678");
        assert!(detail.body["whatsapp_window_ends_at"].is_string());

        // Every other type becomes a line of the thread; an unknown one a system line.
        let at = (chrono::Utc::now().timestamp() - 5).to_string();
        let typed = |wamid: &str, kind: &str, part: Value| json!({ "from": "4915112345678", "id": wamid, "timestamp": at, "type": kind, kind: part });
        deliver(&app, &number, vec![
        typed("wamid.T1", "location", json!({ "latitude": 52.52, "longitude": 13.405, "name": "Office" })),
        typed("wamid.T2", "contacts", json!([{ "name": { "formatted_name": "Bo" }, "phones": [{ "phone": "+1 555" }] }])),
        typed("wamid.T3", "interactive", json!({ "type": "list_reply", "list_reply": { "id": "1", "title": "Opening hours" } })),
        typed("wamid.T4", "button", json!({ "text": "Yes please", "payload": "yes" })),
        typed("wamid.T5", "reaction", json!({ "message_id": "wamid.O1", "emoji": "👍" })),
        typed("wamid.T6", "order", json!({ "catalog_id": "1" })),
    ], vec![]).await;
        let (_, messages) = thread_with(&app, &owner, 8).await;
        let shown: Vec<String> = messages[2..]
            .iter()
            .map(|m| m["body"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(shown[0], "📍 Office (52.52000, 13.40500)");
        assert_eq!(shown[1], "👤 Shared contact: Bo +1 555");
        assert_eq!(shown[2], "Opening hours");
        assert_eq!(shown[3], "Yes please");
        assert_eq!(shown[4], "Reacted 👍 to a message");
        assert!(
            shown[5].starts_with("Unsupported message type"),
            "{}",
            shown[5]
        );
        assert_eq!(messages[7]["sender"], "system");
    }
);

both_dbs!(
    media_is_downloaded_even_when_its_link_expired,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "555").await;
        let png: Vec<u8> = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ]
        .into_iter()
        .chain(std::iter::repeat_n(0u8, 64))
        .collect();
        use base64::Engine;
        let data = base64::engine::general_purpose::STANDARD.encode(&png);
        fake.post(
            "/_fake/media",
            json!({ "id": "media-1", "data": data, "mime_type": "image/png", "expire_once": true }),
        )
        .await;
        let at = (chrono::Utc::now().timestamp() - 5).to_string();
        let image = json!({ "from": "4915112345678", "id": "wamid.M1", "timestamp": at, "type": "image",
                        "image": { "id": "media-1", "mime_type": "image/png", "caption": "my receipt" } });
        deliver(&app, &number, vec![image], vec![]).await;
        let (_, messages) = thread_with(&app, &owner, 1).await;
        assert_eq!(messages[0]["kind"], "image");
        assert_eq!(messages[0]["body"], "my receipt");
        let url = messages[0]["attachment"]["url"].as_str().unwrap();
        let file = app
            .client
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), 200);
        assert_eq!(file.bytes().await.unwrap().to_vec(), png);
    }
);

both_dbs!(
    replies_inside_the_window_are_sent_and_ticked,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "666").await;
        // 23 h 59 min after the customer's message the window is still open.
        deliver(
            &app,
            &number,
            vec![text("wamid.W1", "are you open?", 23 * 3600 + 59 * 60)],
            vec![],
        )
        .await;
        let (id, _) = thread_with(&app, &owner, 1).await;
        app.as_(&owner).join(&id).await.unwrap();
        let sent = reply(&app, &owner, &id, "r1", "Yes, until 6 pm.")
            .await
            .expect(201);
        assert_eq!(sent.body["delivery"]["state"], "sending");
        let message_id = sent.body["id"].as_str().unwrap().to_string();
        delivery_becomes(&app, &owner, &id, &message_id, "sent").await;
        let sends = fake.sent().await;
        assert_eq!(sends.len(), 1);
        assert_eq!(sends[0]["phone_number_id"], "666");
        assert_eq!(sends[0]["token"], "EAAG-access-token-0042");
        assert_eq!(sends[0]["body"]["to"], "4915112345678");
        assert_eq!(sends[0]["body"]["text"]["body"], "Yes, until 6 pm.");

        // Statuses out of order: read before delivered stays read.
        deliver(
            &app,
            &number,
            vec![],
            vec![status("wamid.FAKE00000001", "read")],
        )
        .await;
        delivery_becomes(&app, &owner, &id, &message_id, "read").await;
        deliver(
            &app,
            &number,
            vec![],
            vec![status("wamid.FAKE00000001", "delivered")],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        delivery_becomes(&app, &owner, &id, &message_id, "read").await;
        // A resend with the same key is not sent twice.
        reply(&app, &owner, &id, "r1", "Yes, until 6 pm.")
            .await
            .expect(200);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(fake.sent().await.len(), 1);
    }
);

both_dbs!(files_are_uploaded_to_meta_then_sent, |backend| async move {
    let fake = FakeGraph::start();
    let app = app_with(backend, &fake).await;
    let owner = app.signup("Northwind", &email("owner")).await;
    let number = connect(&app, &owner, "888").await;
    deliver(
        &app,
        &number,
        vec![text("wamid.F1", "the receipt?", 60)],
        vec![],
    )
    .await;
    let (id, _) = thread_with(&app, &owner, 1).await;
    app.as_(&owner).join(&id).await.unwrap();
    let files = [
        ("receipt.png", PNG.to_vec(), "image/png"),
        (
            "terms.txt",
            b"Our terms, in plain words.".to_vec(),
            "text/plain",
        ),
    ];
    for (n, (name, bytes, declared)) in files.iter().enumerate() {
        let file = upload(&app, &owner.access, name, bytes.clone(), declared)
            .await
            .expect(201);
        let sent = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &owner.access,
                json!({ "client_message_id": format!("f{n}"), "body": format!("Here is {name}"),
                            "attachment_id": file.body["id"] }),
            )
            .await
            .expect(201);
        let message_id = sent.body["id"].as_str().unwrap().to_string();
        delivery_becomes(&app, &owner, &id, &message_id, "sent").await;
    }

    // Each file went to Meta's media endpoint first, byte for byte, and the message names
    // the media id Meta gave (no link, nothing of ours inside).
    use base64::Engine;
    let uploads = fake.uploads().await;
    let sends = fake.sent().await;
    assert_eq!((uploads.len(), sends.len()), (2, 2));
    for ((upload, send), (name, bytes, _)) in uploads.iter().zip(&sends).zip(&files) {
        assert_eq!(upload["phone_number_id"], "888");
        assert_eq!(upload["filename"], *name);
        let data = base64::engine::general_purpose::STANDARD
            .decode(upload["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(&data, bytes);
        let kind = send["body"]["type"].as_str().unwrap();
        let part = &send["body"][kind];
        assert_eq!(part["id"], upload["id"], "{send}");
        assert_eq!(part["caption"], format!("Here is {name}"));
        assert_eq!(
            part.as_object().unwrap().len(),
            2 + usize::from(kind == "document")
        );
    }
    assert_eq!(uploads[0]["mime_type"], "image/png");
    assert_eq!(sends[0]["body"]["type"], "image");
    assert_eq!(uploads[1]["mime_type"], "text/plain");
    assert_eq!(sends[1]["body"]["type"], "document");
    assert_eq!(sends[1]["body"]["document"]["filename"], "terms.txt");
});

both_dbs!(
    after_the_window_only_a_template_goes_out,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "777").await;
        fake.post("/_fake/templates", json!({ "name": "order_update", "language": "en_US", "status": "APPROVED",
        "category": "UTILITY", "id": "1", "components": [{ "type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready." }] })).await;
        deliver(
            &app,
            &number,
            vec![text("wamid.X1", "where is my order?", 24 * 3600 + 60)],
            vec![],
        )
        .await;
        let (id, _) = thread_with(&app, &owner, 1).await;
        app.as_(&owner).join(&id).await.unwrap();
        let closed = reply(&app, &owner, &id, "late", "Sorry for the wait")
            .await
            .expect(409);
        assert_eq!(closed.code(), "whatsapp_window_closed");
        let thread = app.messages_of(&owner, &id).await;
        assert!(
            thread.iter().all(|m| m["sender"] != "agent"),
            "nothing stored: {thread:?}"
        );

        let listed = app
            .get("/api/v1/connectors/whatsapp/templates", &owner.access)
            .await
            .expect(200);
        assert_eq!(listed.body["templates"][0]["parameter_count"], 2);
        let path = format!("/api/v1/conversations/{id}/whatsapp-template");
        let wrong = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "t0", "name": "order_update",
        "language": "en_US", "parameters": ["Ada"] }),
            )
            .await
            .expect(422);
        assert!(wrong.body["error"]["details"]["fields"]["parameters"].is_string());
        let sent = app
            .post(
                &path,
                &owner.access,
                json!({ "client_message_id": "t1", "name": "order_update",
        "language": "en_US", "parameters": ["Ada", "#1042"] }),
            )
            .await
            .expect(201);
        assert_eq!(sent.body["body"], "Hi Ada, your order #1042 is ready.");
        let message_id = sent.body["id"].as_str().unwrap().to_string();
        delivery_becomes(&app, &owner, &id, &message_id, "sent").await;
        let sends = fake.sent().await;
        assert_eq!(sends[0]["body"]["type"], "template");
        assert_eq!(
            sends[0]["body"]["template"]["components"][0]["parameters"][1]["text"],
            "#1042"
        );

        // Meta's own 131047, if it still happens, fails the message with the reason shown.
        deliver(
            &app,
            &number,
            vec![text("wamid.X2", "hello again", 60)],
            vec![],
        )
        .await;
        fake.fail_next(&[(400, 131047)]).await;
        let open = reply(&app, &owner, &id, "r2", "Welcome back")
            .await
            .expect(201);
        let failed = delivery_becomes(
            &app,
            &owner,
            &id,
            open.body["id"].as_str().unwrap(),
            "failed",
        )
        .await;
        assert!(
            failed["error"].as_str().unwrap().contains("24 hours"),
            "{failed}"
        );
        let health = app
            .get("/api/v1/connectors/whatsapp", &owner.access)
            .await
            .expect(200);
        assert!(health.body["last_send_error"]
            .as_str()
            .unwrap()
            .contains("24 hours"));
    }
);

both_dbs!(
    rate_limits_are_retried_and_a_restart_sends_once,
    |backend| async move {
        let fake = FakeGraph::start();
        let mut app = app_with(backend, &fake).await;
        let owner = app.signup("Northwind", &email("owner")).await;
        let number = connect(&app, &owner, "888").await;
        deliver(&app, &number, vec![text("wamid.R1", "hi", 30)], vec![]).await;
        let (id, _) = thread_with(&app, &owner, 1).await;
        app.as_(&owner).join(&id).await.unwrap();

        fake.fail_next(&[(429, 130429), (400, 131056)]).await;
        let first = reply(&app, &owner, &id, "q1", "one").await.expect(201);
        let first_id = first.body["id"].as_str().unwrap().to_string();
        delivery_becomes(&app, &owner, &id, &first_id, "sent").await;
        assert_eq!(fake.sent().await.len(), 3, "two refusals, then the send");

        // A crash while the next send waits out a rate limit: after the restart it goes once.
        fake.fail_next(&[(429, 130429), (429, 130429)]).await;
        let second = reply(&app, &owner, &id, "q2", "two").await.expect(201);
        let second_id = second.body["id"].as_str().unwrap().to_string();
        eventually("the first refusal", || async {
            (fake.sent().await.len() >= 4).then_some(())
        })
        .await;
        app.kill_hard();
        // Same data directory, same secrets: the owner's token still works.
        app.restart();
        delivery_becomes(&app, &owner, &id, &second_id, "sent").await;
        let accepted: Vec<Value> = fake
            .sent()
            .await
            .into_iter()
            .filter(|s| s["body"]["text"]["body"] == "two")
            .collect();
        assert_eq!(accepted.len(), 3, "two refusals and one send: {accepted:?}");
        // A permanent error is not retried, and stays on the message.
        fake.fail_next(&[(400, 131026)]).await;
        let third = reply(&app, &owner, &id, "q3", "three").await.expect(201);
        let failed = delivery_becomes(
            &app,
            &owner,
            &id,
            third.body["id"].as_str().unwrap(),
            "failed",
        )
        .await;
        assert!(
            failed["error"].as_str().unwrap().contains("undeliverable"),
            "{failed}"
        );
    }
);

both_dbs!(
    one_workspace_cannot_reach_anothers_number,
    |backend| async move {
        let fake = FakeGraph::start();
        let app = app_with(backend, &fake).await;
        let a = app.signup("Northwind", &email("a")).await;
        let b = app.signup("Contoso", &email("b")).await;
        let number_a = connect(&app, &a, "1001").await;
        let number_b = connect(&app, &b, "2002").await;
        // B's app secret does not open A's webhook; B's webhook refuses A's number.
        let body = payload(&number_a, vec![text("wamid.I1", "for A", 5)], vec![]);
        post_signed(&app, &number_a, &number_b.app_secret, &body)
            .await
            .expect(401);
        post_signed(&app, &number_b, &number_b.app_secret, &body)
            .await
            .expect(403);
        deliver(&app, &number_a, vec![text("wamid.I2", "for A", 5)], vec![]).await;
        let (id, _) = thread_with(&app, &a, 1).await;
        assert!(whatsapp_rows(&app, &b).await.is_empty());
        app.get(&format!("/api/v1/conversations/{id}"), &b.access)
            .await
            .expect(404);
        let path = format!("/api/v1/conversations/{id}/whatsapp-template");
        app.post(
            &path,
            &b.access,
            json!({ "client_message_id": "x", "name": "n", "language": "en_US" }),
        )
        .await
        .expect(404);
        let shown = app
            .get("/api/v1/connectors/whatsapp", &b.access)
            .await
            .expect(200);
        assert_eq!(shown.body["phone_number_id"], "2002");
    }
);
