//! The route list as the server documents it (`GET /api/v1/openapi.json`), for the tests that
//! must cover every operation: the permission matrix and the tenant-isolation sweep. An
//! operation added to the server is in this list the day it is added; the tables here (who
//! may call it, a valid body for it) fail the tests until they say something about it.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Resp, TestApp};

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    /// The path template, e.g. `/api/v1/conversations/{id}/join`.
    pub path: String,
    /// Whether it takes a body, and of which media type.
    pub body: Option<String>,
    /// Whether the document says API keys are refused here (a person must act).
    pub person_only: bool,
}

impl Operation {
    /// `METHOD /path`, as the tables name it.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path with each parameter filled by `fill(name)`.
    pub fn path_with(&self, mut fill: impl FnMut(&str) -> String) -> String {
        self.path
            .split('/')
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => fill(name),
                    None => s.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// Every operation the running server documents.
pub async fn operations(app: &TestApp) -> Vec<Operation> {
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.keys().next().cloned());
            let person_only = op["responses"]["403"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("API keys act for the workspace"));
            ops.push(Operation {
                method,
                path: path.clone(),
                body,
                person_only,
            });
        }
    }
    ops
}

/// Ids of the caller's own workspace that a valid body may name.
pub struct Own<'a> {
    /// A teammate of the caller (an agent).
    pub teammate: &'a str,
}

/// A valid body for each operation that takes one, so that what a test sees is the answer to
/// the caller and the target, not to the body. `None`: the table lacks it (the test says so).
pub fn sample_body(op: &Operation, own: &Own<'_>) -> Option<Value> {
    let body = match op.key().as_str() {
        "POST /api/v1/auth/signup" => json!({
            "workspace_name": "Sweep", "name": "Sweeper",
            "email": format!("sweep-{}@example.com", uuid::Uuid::new_v4().simple()),
            "password": "correct horse battery"
        }),
        "POST /api/v1/auth/login" => {
            json!({ "email": "nobody@example.com", "password": "correct horse battery" })
        }
        "POST /api/v1/auth/refresh" => json!({ "refresh_token": "not-a-token" }),
        "PUT /api/v1/me/availability" => json!({ "availability": "online" }),
        "PUT /api/v1/team/members/{user_id}/role" => json!({ "role": "agent" }),
        "POST /api/v1/team/ownership" => json!({ "to_user_id": "nobody-here" }),
        "POST /api/v1/team/invitations" => json!({
            "email": format!("invited-{}@example.com", uuid::Uuid::new_v4().simple()),
            "role": "agent"
        }),
        "POST /api/v1/invitations/accept" => json!({
            "token": "not-a-token", "name": "New", "password": "correct horse battery"
        }),
        "POST /api/v1/api-keys" => json!({ "name": "sweep" }),
        "PUT /api/v1/settings" => json!({ "name": "Swept" }),
        "PUT /api/v1/settings/widget" => json!({ "title": "Swept" }),
        "PUT /api/v1/connectors/whatsapp" => json!({
            "phone_number_id": format!("{}", rand_digits()), "business_account_id": "900100",
            "access_token": "swept-token", "app_secret": "swept-secret", "verify_token": "swept"
        }),
        "POST /api/v1/connectors/whatsapp/test" => json!({ "to": "+4915112345678" }),
        "POST /api/v1/conversations/{id}/whatsapp-template" => json!({
            "client_message_id": uuid::Uuid::new_v4().to_string(), "name": "order_update",
            "language": "en_US"
        }),
        "POST /api/whatsapp/v1/webhook/{connector_id}" => json!({ "entry": [] }),
        "POST /api/v1/conversations/{id}/messages" => json!({
            "client_message_id": uuid::Uuid::new_v4().to_string(), "body": "sweep"
        }),
        "POST /api/v1/conversations/{id}/bookings" => {
            json!({ "starts_at": "2030-01-01T10:00:00Z" })
        }
        "POST /api/v1/conversations/{id}/transfer"
        | "POST /api/v1/conversations/{id}/delegations" => {
            json!({ "to_user_id": own.teammate })
        }
        "POST /api/v1/conversations/{id}/lead" => json!({ "email": "lead@example.com" }),
        "POST /api/v1/conversations/{id}/seen" => json!({ "message_id": "no-such-message" }),
        "POST /api/v1/quick-replies" | "PUT /api/v1/quick-replies/{id}" => json!({
            "shortcut": format!("s{}", &uuid::Uuid::new_v4().simple().to_string()[..8]),
            "title": "Sweep", "body": "Swept"
        }),
        _ => return None,
    };
    Some(body)
}

/// A phone number id no other workspace of the run has connected.
fn rand_digits() -> u64 {
    u64::from_str_radix(&uuid::Uuid::new_v4().simple().to_string()[..12], 16).unwrap_or(1)
}

/// Calls `op` at `path` with `token` and a valid body. Panics when the body table lacks one.
pub async fn call(
    app: &TestApp,
    op: &Operation,
    path: &str,
    token: Option<&str>,
    own: &Own<'_>,
) -> Resp {
    match op.body.as_deref() {
        None => app.call(op.method.clone(), path, token, None).await,
        Some("multipart/form-data") => {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(crate::helpers::PNG.to_vec())
                    .file_name("pixel.png")
                    .mime_str("image/png")
                    .unwrap(),
            );
            let mut request = app
                .client
                .request(op.method.clone(), format!("{}{path}", app.base))
                .multipart(form);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            crate::helpers::into_resp(request.send().await.expect("request failed")).await
        }
        Some(_) => {
            let body = sample_body(op, own)
                .unwrap_or_else(|| panic!("routes.rs has no sample body for {}", op.key()));
            app.call(op.method.clone(), path, token, Some(body)).await
        }
    }
}
