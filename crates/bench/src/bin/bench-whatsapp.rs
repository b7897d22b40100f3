//! `bench-whatsapp`: the WhatsApp channel under load, against the local stand-in for Meta's
//! Graph API (`fake-whatsapp`, the same one the tests use) on SQLite.
//!
//! `inbound`: 200 customers post signed webhook bodies (one text message each) at 500 posts/s
//! in total for 30 s, as Meta would; one dashboard socket receives the `message.created`
//! events. Latency is taken from each post's *scheduled* time (no coordinated omission) to the
//! webhook's 200 and to the dashboard's event; every post is then looked for in the database.
//!
//! `outbound`: an agent joins 80 of those conversations and replies at 80 messages/s (Meta's
//! throughput per number) for 30 s while the fake answers each send after 150 ms, roughly
//! what Meta takes. Latency runs from the scheduled reply to the `message.delivery` "sent"
//! event; the fake's log proves each reply was sent exactly once.
//!
//! The server runs pinned to CPU 0; this client and the fake share CPU 1.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use switchboard_api::domain::whatsapp::webhook::sign;
use switchboard_bench::{
    api_binary, arg, header, histogram, pin_self, print_machine_reference, row, Server,
};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;
type Histogram = hdrhistogram::Histogram<u64>;

const PHONE_NUMBER_ID: &str = "106540352242922";
const APP_SECRET: &str = "bench app secret";

/// The fake Graph API as a process of its own, on the client's core.
struct FakeGraph {
    child: Child,
    base: String,
}

impl FakeGraph {
    fn start(send_latency_ms: u64) -> anyhow::Result<FakeGraph> {
        let binary = api_binary().with_file_name("fake-whatsapp");
        let mut child = Command::new("taskset")
            .args(["-c", "1"])
            .arg(binary)
            .env("FAKE_WHATSAPP_SEND_LATENCY_MS", send_latency_ms.to_string())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line)?;
        let port = line.trim().trim_start_matches("listening on ").to_string();
        Ok(FakeGraph {
            child,
            base: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running server with a connected number and its signed-in owner.
struct Setup {
    server: Server,
    fake: FakeGraph,
    database_url: String,
    http: reqwest::Client,
    token: String,
    webhook: String,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let response = self
            .http
            .request(method, format!("{}{path}", self.server.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        anyhow::ensure!(status.is_success(), "{path}: {status} {body}");
        Ok(body)
    }

    async fn dashboard(&self) -> anyhow::Result<Ws> {
        let url = format!(
            "ws://127.0.0.1:{}/api/v1/events?access_token={}",
            self.server.port, self.token
        );
        let (mut ws, _) = connect_async(url).await?;
        ws.next().await; // hello
        Ok(ws)
    }
}

async fn setup() -> anyhow::Result<Setup> {
    switchboard_api::domain::whatsapp::graph::install_tls_provider();
    let fake = FakeGraph::start(arg("--graph-latency-ms", 150))?;
    let dir = tempfile::tempdir()?;
    let database_url = dir.path().join("bench.db").to_string_lossy().into_owned();
    let env = [("WHATSAPP_GRAPH_URL", format!("{}/v21.0", fake.base))];
    let server = Server::start(dir.path(), &database_url, &env, Some(0))?;
    let http = reqwest::Client::new();
    let signup: Value = http
        .post(format!("{}/api/v1/auth/signup", server.base))
        .json(&json!({ "workspace_name": "Chat Co", "name": "Chat Owner", "email": "wa@switchboard.local", "password": "load password 123" }))
        .send()
        .await?
        .json()
        .await?;
    let mut setup = Setup {
        webhook: String::new(),
        token: signup["access_token"].as_str().expect("signup").to_string(),
        server,
        fake,
        database_url,
        http,
        _dir: dir,
    };
    let connector = setup
        .call(
            reqwest::Method::PUT,
            "/api/v1/connectors/whatsapp",
            json!({ "phone_number_id": PHONE_NUMBER_ID, "business_account_id": "900100",
                    "access_token": "EAAG-bench-token", "app_secret": APP_SECRET,
                    "verify_token": "bench-verify" }),
        )
        .await?;
    setup.webhook = format!(
        "{}/api/whatsapp/v1/webhook/{}",
        setup.server.base,
        connector["id"].as_str().expect("connector id")
    );
    Ok(setup)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let setup = setup().await?;
    pin_self(1);
    print_machine_reference()?;
    inbound(
        &setup,
        arg("--rate", 500),
        arg("--customers", 200),
        arg("--seconds", 30),
    )
    .await?;
    outbound(&setup, arg("--send-rate", 80), arg("--seconds", 30)).await
}

/// The customer number of customer `i`.
fn wa_id(i: usize) -> String {
    format!("49151{i:07}")
}

/// Meta's webhook body for one text message of customer `i`.
fn webhook_body(i: usize, k: u64, text: &str) -> Vec<u8> {
    let from = wa_id(i);
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": { "display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID },
        "contacts": [{ "profile": { "name": format!("Customer {i}") }, "wa_id": from }],
        "messages": [{ "from": from, "id": format!("wamid.BENCH{i}x{k}"), "type": "text",
                       "text": { "body": text },
                       "timestamp": chrono::Utc::now().timestamp().to_string() }],
    });
    serde_json::to_vec(&json!({ "object": "whatsapp_business_account",
        "entry": [{ "id": "900100", "changes": [{ "field": "messages", "value": value }] }] }))
    .expect("json")
}

/// Signed webhook posts at `rate`/s, latency to the 200 and to the dashboard's event.
async fn inbound(setup: &Setup, rate: u64, customers: usize, seconds: u64) -> anyhow::Result<()> {
    let mut dashboard = setup.dashboard().await?;
    let start = Instant::now() + Duration::from_millis(500);
    let warmup = Duration::from_secs(5.min(seconds / 4));
    let per_customer = rate * seconds / customers as u64;
    let total = per_customer * customers as u64;
    let interval = Duration::from_nanos(1_000_000_000 * customers as u64 / rate);
    let answered = Arc::new(Mutex::new(histogram()));
    let refused = Arc::new(Mutex::new(0u64));
    let mut tasks = Vec::new();
    for i in 0..customers {
        let (http, url) = (setup.http.clone(), setup.webhook.clone());
        let (answered, refused) = (answered.clone(), refused.clone());
        let offset = interval * i as u32 / customers as u32;
        tasks.push(tokio::spawn(async move {
            for k in 0..per_customer {
                let scheduled = offset + interval * k as u32;
                tokio::time::sleep_until((start + scheduled).into()).await;
                let text = format!("lg|{}|customer {i} message {k}", scheduled.as_micros());
                let body = webhook_body(i, k, &text);
                let signature = sign(APP_SECRET, &body);
                let sent = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-hub-signature-256", signature)
                    .body(body)
                    .send()
                    .await;
                if !sent.is_ok_and(|r| r.status().is_success()) {
                    *refused.lock().unwrap() += 1;
                } else if scheduled >= warmup {
                    let late = Instant::now().saturating_duration_since(start + scheduled);
                    let _ = answered.lock().unwrap().record(late.as_micros() as u64);
                }
            }
        }));
    }
    let deadline = start + Duration::from_secs(seconds + 15);
    let (latency, received) =
        dashboard_latencies(&mut dashboard, start, warmup, total, deadline).await;
    for task in tasks {
        let _ = task.await;
    }
    let stored = count_stored(&setup.database_url)?;
    header(&format!(
        "WhatsApp webhook -> agent dashboard, SQLite, {rate} signed posts/s from {customers} customers for {seconds} s (first {} s warm-up not timed)",
        warmup.as_secs()
    ));
    row(
        "scheduled post -> webhook answered 200",
        &answered.lock().unwrap(),
    );
    row(
        "scheduled post -> message.created on the dashboard",
        &latency,
    );
    println!(
        "posted {total}, refused {}, on the dashboard {received}, stored {stored}",
        refused.lock().unwrap()
    );
    Ok(())
}

/// The socket's next text frame (pings and pongs skipped), or `None` once it closes or
/// `deadline` passes.
async fn next_text(dashboard: &mut Ws, deadline: Instant) -> Option<String> {
    loop {
        match tokio::time::timeout_at(deadline.into(), dashboard.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some(text.to_string()),
            Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) | Err(_) => return None,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// Reads `message.created` events of the load until `total` arrived or `deadline`.
async fn dashboard_latencies(
    dashboard: &mut Ws,
    start: Instant,
    warmup: Duration,
    total: u64,
    deadline: Instant,
) -> (Histogram, u64) {
    let mut latency = histogram();
    let mut received = 0;
    while received < total {
        let Some(text) = next_text(dashboard, deadline).await else {
            break;
        };
        let Some(pos) = text.find("\"body\":\"lg|") else {
            continue;
        };
        let rest = &text[pos + 11..];
        let micros: u128 = rest[..rest.find('|').unwrap_or(0)].parse().unwrap_or(0);
        received += 1;
        if micros >= warmup.as_micros() {
            let now = start.elapsed().as_micros();
            let _ = latency.record(now.saturating_sub(micros) as u64);
        }
    }
    (latency, received)
}

fn count_stored(database_url: &str) -> anyhow::Result<i64> {
    use switchboard_api::db::schema::messages;
    let db = switchboard_api::db::Db::connect(database_url, 1)?;
    let mut conn = db.conn()?;
    Ok(messages::table
        .filter(messages::body.like("lg|%"))
        .count()
        .get_result(&mut conn)?)
}

/// Agent replies at `rate`/s into `rate` conversations, latency to the "sent" delivery event.
async fn outbound(setup: &Setup, rate: u64, seconds: u64) -> anyhow::Result<()> {
    let page = setup
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/conversations?channel=whatsapp&limit={rate}"),
            Value::Null,
        )
        .await?;
    let ids: Vec<String> = page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|c| c["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    anyhow::ensure!(
        ids.len() as u64 == rate,
        "{} conversations to reply in",
        ids.len()
    );
    for id in &ids {
        setup
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/conversations/{id}/join"),
                json!({}),
            )
            .await?;
    }
    let mut dashboard = setup.dashboard().await?;
    let start = Instant::now() + Duration::from_millis(500);
    let warmup = Duration::from_secs(5.min(seconds / 4));
    let total = rate * seconds;
    // Each conversation gets one reply a second, the conversations staggered over the second.
    let scheduled_of = Arc::new(Mutex::new(HashMap::<String, Duration>::new()));
    let stored = Arc::new(Mutex::new(histogram()));
    let mut tasks = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let http = setup.http.clone();
        let url = format!("{}/api/v1/conversations/{id}/messages", setup.server.base);
        let token = setup.token.clone();
        let (scheduled_of, stored) = (scheduled_of.clone(), stored.clone());
        let offset = Duration::from_secs(1) * i as u32 / rate as u32;
        tasks.push(tokio::spawn(async move {
            for k in 0..seconds {
                let scheduled = offset + Duration::from_secs(k);
                tokio::time::sleep_until((start + scheduled).into()).await;
                let body = json!({ "client_message_id": format!("out-{i}-{k}"),
                                   "body": format!("out|{i}|{k} reply from the team") });
                let Ok(response) = http.post(&url).bearer_auth(&token).json(&body).send().await
                else {
                    continue;
                };
                let message: Value = response.json().await.unwrap_or_default();
                if let Some(message_id) = message["id"].as_str() {
                    scheduled_of
                        .lock()
                        .unwrap()
                        .insert(message_id.to_string(), scheduled);
                    if scheduled >= warmup {
                        let late = Instant::now().saturating_duration_since(start + scheduled);
                        let _ = stored.lock().unwrap().record(late.as_micros() as u64);
                    }
                }
            }
        }));
    }
    let deadline = start + Duration::from_secs(seconds + 30);
    let sent_at = sent_events(&mut dashboard, start, total, deadline).await;
    for task in tasks {
        let _ = task.await;
    }
    let scheduled_of = std::mem::take(&mut *scheduled_of.lock().unwrap());
    let mut latency = histogram();
    let mut last = Duration::ZERO;
    for (message_id, at) in &sent_at {
        last = last.max(*at);
        if let Some(scheduled) = scheduled_of.get(message_id).filter(|s| **s >= warmup) {
            let _ = latency.record(at.saturating_sub(*scheduled).as_micros() as u64);
        }
    }
    let (fake_sends, distinct) = fake_sends(setup).await?;
    header(&format!(
        "Agent reply -> Graph API, SQLite, {rate} replies/s over {rate} conversations for {seconds} s, each send answered after {} ms (first {} s warm-up not timed)",
        arg("--graph-latency-ms", 150),
        warmup.as_secs()
    ));
    row("scheduled reply -> stored (201)", &stored.lock().unwrap());
    row("scheduled reply -> message.delivery sent", &latency);
    println!(
        "replies stored {}, sent events {}, sends the fake received {fake_sends} ({distinct} distinct); throughput {:.1} sends/s",
        scheduled_of.len(),
        sent_at.len(),
        sent_at.len() as f64 / last.as_secs_f64().max(0.001)
    );
    Ok(())
}

/// When each message's "sent" delivery event arrived, by message id.
async fn sent_events(
    dashboard: &mut Ws,
    start: Instant,
    total: u64,
    deadline: Instant,
) -> HashMap<String, Duration> {
    let mut sent_at = HashMap::new();
    while (sent_at.len() as u64) < total {
        let Some(text) = next_text(dashboard, deadline).await else {
            break;
        };
        if !text.contains("message.delivery") || !text.contains("\"state\":\"sent\"") {
            continue;
        }
        let Some(pos) = text.find("\"message_id\":\"") else {
            continue;
        };
        let rest = &text[pos + 14..];
        let id = rest[..rest.find('"').unwrap_or(0)].to_string();
        sent_at.entry(id).or_insert_with(|| start.elapsed());
    }
    sent_at
}

/// How many sends the fake received, and how many distinct replies they carried.
async fn fake_sends(setup: &Setup) -> anyhow::Result<(usize, usize)> {
    let sent: Vec<Value> = setup
        .http
        .get(format!("{}/_fake/sent", setup.fake.base))
        .send()
        .await?
        .json()
        .await?;
    let distinct: std::collections::HashSet<&str> = sent
        .iter()
        .filter_map(|s| s["body"]["text"]["body"].as_str())
        .collect();
    Ok((sent.len(), distinct.len()))
}
