//! A stand-in for Meta's WhatsApp Cloud API (Graph API) for tests and benchmarks, which cannot
//! reach Meta from these machines. It speaks the real request and response shapes the product
//! uses — `POST /{version}/{phone-number-id}/messages`, the media upload `POST
//! /{version}/{phone-number-id}/media`, `GET /{version}/{media-id}` and the media download, `GET /{version}/{waba-id}/message_templates`, Meta's error bodies with
//! their real codes — so the product's own Graph client is what gets tested.
//!
//! Tests steer it through `/_fake/...`: queue failures for the next sends, add media (whose
//! link can expire once), add templates, and read every send and upload the product made.
//!
//! Usage: `fake-whatsapp [BIND]` (default `127.0.0.1:0`); prints `listening on PORT`.
//! `FAKE_WHATSAPP_SEND_LATENCY_MS` makes every send take that long, as Meta's do (the
//! benchmark measures the outbox against it).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

/// A failure to answer the next send with.
#[derive(Clone, Deserialize)]
struct Failure {
    /// HTTP status, e.g. 400 or 429.
    status: u16,
    /// Meta's error code, e.g. 131047 or 130429.
    code: i64,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Clone, Deserialize)]
struct Media {
    id: String,
    /// The file, base64.
    data: String,
    mime_type: String,
    /// The first download link handed out has expired by the time it is used.
    #[serde(default)]
    expire_once: bool,
}

#[derive(Default)]
struct Fake {
    failures: VecDeque<Failure>,
    sent: Vec<Value>,
    media: HashMap<String, Media>,
    expired_links: HashMap<String, bool>,
    templates: Vec<Value>,
    uploads: Vec<Value>,
    next_id: u64,
}

type Shared = web::Data<Mutex<Fake>>;

/// How long each send takes to answer.
#[derive(Clone, Copy)]
struct SendLatency(std::time::Duration);

fn meta_error(status: u16, code: i64, message: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status).unwrap_or_default();
    HttpResponse::build(status).json(json!({ "error": {
        "message": message, "type": "OAuthException", "code": code,
        "error_data": { "messaging_product": "whatsapp", "details": message },
        "fbtrace_id": "AbCdEfFake" } }))
}

fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

fn unauthorized() -> HttpResponse {
    meta_error(
        401,
        190,
        "Invalid OAuth access token - Cannot parse access token",
    )
}

/// `POST /{version}/{phone-number-id}/messages`.
async fn send(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Value>,
    fake: Shared,
    latency: web::Data<SendLatency>,
) -> HttpResponse {
    let Some(token) = bearer(&req) else {
        return unauthorized();
    };
    if !latency.0.is_zero() {
        actix_web::rt::time::sleep(latency.0).await;
    }
    let (_, phone_number_id) = path.into_inner();
    let body = body.into_inner();
    let mut fake = fake.lock().unwrap();
    fake.sent
        .push(json!({ "phone_number_id": phone_number_id, "token": token, "body": body }));
    if let Some(f) = fake.failures.pop_front() {
        let message = f.message.unwrap_or_else(|| default_message(f.code).into());
        return meta_error(f.status, f.code, &message);
    }
    if let Some(problem) = invalid(&body).or_else(|| unknown_media(&fake, &body)) {
        return meta_error(400, 100, &format!("(#100) Invalid parameter: {problem}"));
    }
    fake.next_id += 1;
    let to = body["to"].as_str().unwrap_or_default().to_string();
    HttpResponse::Ok().json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{ "input": to, "wa_id": to }],
        "messages": [{ "id": format!("wamid.FAKE{:08}", fake.next_id) }],
    }))
}

fn default_message(code: i64) -> &'static str {
    match code {
        131047 => "Re-engagement message",
        130429 => "Rate limit hit",
        131056 => "(Business Account, Consumer Account) pair rate limit hit",
        131026 => "Message undeliverable",
        _ => "Something went wrong",
    }
}

/// What Meta would refuse in a send body.
fn invalid(body: &Value) -> Option<String> {
    if body["messaging_product"] != "whatsapp" {
        return Some("messaging_product must be whatsapp".into());
    }
    let to = body["to"].as_str().unwrap_or_default();
    if to.is_empty() || !to.chars().all(|c| c.is_ascii_digit()) {
        return Some("to".into());
    }
    let kind = body["type"].as_str().unwrap_or("text");
    let part = &body[kind];
    match kind {
        "text" => {
            let text = part["body"].as_str().unwrap_or_default();
            (text.is_empty() || text.chars().count() > 4096).then(|| "text.body".into())
        }
        "image" | "audio" | "document" | "video" => {
            let fields = ["link", "id", "caption", "filename"];
            if let Some(other) = part
                .as_object()
                .and_then(|p| p.keys().find(|k| !fields.contains(&k.as_str())))
            {
                return Some(format!("{kind}.{other} is not a parameter"));
            }
            (part["link"].as_str().is_none() && part["id"].as_str().is_none())
                .then(|| format!("{kind}.link"))
        }
        "template" => part["name"]
            .as_str()
            .is_none()
            .then(|| "template.name".into()),
        other => Some(format!("type {other}")),
    }
}

/// A media send naming an id that was never uploaded.
fn unknown_media(fake: &Fake, body: &Value) -> Option<String> {
    let kind = body["type"].as_str().unwrap_or("text");
    let id = body[kind]["id"].as_str()?;
    (!fake.media.contains_key(id)).then(|| format!("{kind}.id {id} is not a media id"))
}

/// `POST /{version}/{phone}/media`: a multipart upload (`messaging_product`, `type`, `file`),
/// answered with the new media's id.
async fn upload(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    mut form: actix_multipart::Multipart,
    fake: Shared,
) -> HttpResponse {
    if bearer(&req).is_none() {
        return unauthorized();
    }
    let mut fields: HashMap<String, Vec<u8>> = HashMap::new();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(Ok(mut field)) = form.next().await {
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mime = field.content_type().map(|m| m.to_string());
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            bytes.extend_from_slice(&chunk);
        }
        match (name.as_str(), filename) {
            ("file", Some(filename)) => file = Some((filename, mime.unwrap_or_default(), bytes)),
            _ => {
                fields.insert(name, bytes);
            }
        }
    }
    if fields.get("messaging_product").map(Vec::as_slice) != Some(b"whatsapp") {
        return meta_error(400, 100, "(#100) Invalid parameter: messaging_product");
    }
    let Some((filename, mime_type, bytes)) = file else {
        return meta_error(400, 100, "(#100) Invalid parameter: file");
    };
    let mut fake = fake.lock().unwrap();
    fake.next_id += 1;
    let id = format!("{}", 7_000_000 + fake.next_id);
    let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let (_, phone_number_id) = path.into_inner();
    fake.uploads
        .push(json!({ "id": id, "phone_number_id": phone_number_id,
        "filename": filename, "mime_type": mime_type, "data": data }));
    let media = Media {
        id: id.clone(),
        data,
        mime_type,
        expire_once: false,
    };
    fake.media.insert(id.clone(), media);
    HttpResponse::Ok().json(json!({ "id": id }))
}

/// `GET /{version}/{id}`: a media object's download link.
async fn media_info(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    fake: Shared,
) -> HttpResponse {
    if bearer(&req).is_none() {
        return unauthorized();
    }
    let (_, id) = path.into_inner();
    let fake = fake.lock().unwrap();
    let Some(m) = fake.media.get(&id) else {
        return meta_error(400, 100, "(#100) Invalid media id");
    };
    let host = req.connection_info().host().to_string();
    HttpResponse::Ok().json(json!({
        "messaging_product": "whatsapp",
        "url": format!("http://{host}/_media/{id}"),
        "mime_type": m.mime_type, "sha256": "fake", "file_size": m.data.len(), "id": id,
    }))
}

/// The download behind a media link (bearer token required, as at Meta).
async fn media_download(req: HttpRequest, id: web::Path<String>, fake: Shared) -> HttpResponse {
    if bearer(&req).is_none() {
        return unauthorized();
    }
    let id = id.into_inner();
    let mut fake = fake.lock().unwrap();
    let Some(m) = fake.media.get(&id).cloned() else {
        return HttpResponse::NotFound().finish();
    };
    if m.expire_once && !fake.expired_links.contains_key(&id) {
        fake.expired_links.insert(id, true);
        return meta_error(404, 100, "URL signature expired");
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&m.data)
        .unwrap_or_default();
    HttpResponse::Ok().content_type(m.mime_type).body(bytes)
}

/// `GET /{version}/{waba-id}/message_templates`.
async fn templates(req: HttpRequest, fake: Shared) -> HttpResponse {
    if bearer(&req).is_none() {
        return unauthorized();
    }
    let fake = fake.lock().unwrap();
    HttpResponse::Ok().json(json!({ "data": fake.templates, "paging": { "cursors": {} } }))
}

async fn queue_failures(body: web::Json<Vec<Failure>>, fake: Shared) -> HttpResponse {
    fake.lock().unwrap().failures.extend(body.into_inner());
    HttpResponse::NoContent().finish()
}

async fn add_media(body: web::Json<Media>, fake: Shared) -> HttpResponse {
    let m = body.into_inner();
    fake.lock().unwrap().media.insert(m.id.clone(), m);
    HttpResponse::NoContent().finish()
}

async fn add_template(body: web::Json<Value>, fake: Shared) -> HttpResponse {
    fake.lock().unwrap().templates.push(body.into_inner());
    HttpResponse::NoContent().finish()
}

async fn sent(fake: Shared) -> HttpResponse {
    HttpResponse::Ok().json(&fake.lock().unwrap().sent)
}

async fn uploads(fake: Shared) -> HttpResponse {
    HttpResponse::Ok().json(&fake.lock().unwrap().uploads)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let fake: Shared = web::Data::new(Mutex::new(Fake::default()));
    let latency_ms = std::env::var("FAKE_WHATSAPP_SEND_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let latency = web::Data::new(SendLatency(std::time::Duration::from_millis(latency_ms)));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(fake.clone())
            .app_data(latency.clone())
            .app_data(web::JsonConfig::default().limit(16 * 1024 * 1024))
            .route("/_fake/failures", web::post().to(queue_failures))
            .route("/_fake/media", web::post().to(add_media))
            .route("/_fake/templates", web::post().to(add_template))
            .route("/_fake/sent", web::get().to(sent))
            .route("/_fake/uploads", web::get().to(uploads))
            .route("/_media/{id}", web::get().to(media_download))
            .route(
                "/{version}/{waba}/message_templates",
                web::get().to(templates),
            )
            .route("/{version}/{phone}/messages", web::post().to(send))
            .route("/{version}/{phone}/media", web::post().to(upload))
            .route("/{version}/{id}", web::get().to(media_info))
    })
    .workers(2)
    .bind(bind)?;
    let port = server.addrs()[0].port();
    println!("listening on {port}");
    server.run().await
}
