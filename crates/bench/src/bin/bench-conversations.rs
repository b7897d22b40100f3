//! `bench-conversations`: the conversations API at scale on SQLite.
//!
//! Seeds one tenant with 100,000 conversations and 1,000,000 messages (bulk inserts through
//! diesel), starts the real release server pinned to CPU 0, and times from CPU 1, one request
//! at a time over keep-alive HTTP: list pages of every tab and channel (first pages and random
//! deep pages), tab counts, opening a conversation (detail + its last 50 messages), and sending
//! agent messages (and until their event reaches a dashboard socket).

use std::time::Instant;
use switchboard_types::messages::MessageKind;
use switchboard_types::TenantId;

use chrono::{Duration as ChronoDuration, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use futures_util::StreamExt;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Value};
use switchboard_api::db::schema::{conversations, messages, visitors};
use switchboard_api::db::Db;
use switchboard_api::domain::{auth, secrets, validate};
use switchboard_api::store::conversations::Conversation;
use switchboard_api::store::messages::Message;
use switchboard_api::store::visitors::Visitor;
use switchboard_bench::{arg, header, histogram, pin_self, print_machine_reference, row, Server};

const EMAIL: &str = "bench@switchboard.local";
const PASSWORD: &str = "bench password 123";

/// What the seed produced, for picking targets.
struct Seeded {
    /// (id, last_activity_at, status)
    conversations: Vec<(String, NaiveDateTime, &'static str)>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let total_conversations: usize = arg("--conversations", 100_000);
    let total_messages: usize = arg("--messages", 1_000_000);
    let samples: usize = arg("--samples", 2000);
    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("bench.db").to_string_lossy().into_owned();

    let started = Instant::now();
    let seeded = seed(&db_path, total_conversations, total_messages)?;
    println!(
        "seeded {total_conversations} conversations and {total_messages} messages in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let server = Server::start(dir.path(), &db_path, &[], Some(0))?;
    pin_self(1);
    print_machine_reference()?;
    switchboard_api::domain::whatsapp::graph::install_tls_provider();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .build()?;
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"].as_str().expect("login").to_string();
    let bench = Bench {
        client,
        base: server.base.clone(),
        token,
    };

    header(&format!("Conversations API, SQLite, {total_conversations} conversations / {total_messages} messages, server on CPU 0, client on CPU 1"));
    bench.lists(&seeded, samples).await?;
    bench.counts(samples).await?;
    bench.open_conversations(&seeded, samples).await?;
    bench.send_messages(&seeded, &server, samples).await?;
    Ok(())
}

struct Bench {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Bench {
    async fn get(&self, path: &str) -> anyhow::Result<(u64, Value)> {
        let t = Instant::now();
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        let micros = t.elapsed().as_micros() as u64;
        anyhow::ensure!(status.is_success(), "{path}: {status} {body}");
        Ok((micros, body))
    }

    async fn lists(&self, seeded: &Seeded, samples: usize) -> anyhow::Result<()> {
        let mut first_pages = histogram();
        let mut deep_pages = histogram();
        let tabs = ["all", "open", "needs_agent", "resolved", "booked"];
        let channels = ["", "&channel=widget", "&channel=whatsapp"];
        let mut rng = rand::rng();
        for _ in 0..50 {
            self.get("/api/v1/conversations?limit=50").await?;
        }
        for i in 0..samples {
            let tab = tabs[i % tabs.len()];
            let channel = channels[(i / tabs.len()) % channels.len()];
            if i % 4 == 0 {
                let (t, _) = self
                    .get(&format!(
                        "/api/v1/conversations?status={tab}{channel}&limit=50"
                    ))
                    .await?;
                first_pages.record(t)?;
            } else {
                let (id, at, _) = seeded.conversations.choose(&mut rng).expect("seeded");
                let cursor = validate::encode_time_cursor(*at, id);
                let (t, body) = self
                    .get(&format!(
                        "/api/v1/conversations?status={tab}{channel}&limit=50&cursor={cursor}"
                    ))
                    .await?;
                anyhow::ensure!(body["items"].is_array());
                deep_pages.record(t)?;
            }
        }
        row(
            "list conversations, first page (5 tabs x 3 channels)",
            &first_pages,
        );
        row("list conversations, random deep page (cursor)", &deep_pages);
        let mut all = first_pages.clone();
        all.add(&deep_pages)?;
        row("list conversations, any tab, any page", &all);
        Ok(())
    }

    async fn counts(&self, samples: usize) -> anyhow::Result<()> {
        let mut h = histogram();
        let channels = ["", "?channel=widget", "?channel=whatsapp"];
        for i in 0..samples {
            let (t, _) = self
                .get(&format!("/api/v1/conversations/counts{}", channels[i % 3]))
                .await?;
            h.record(t)?;
        }
        row("tab counts", &h);
        Ok(())
    }

    async fn open_conversations(&self, seeded: &Seeded, samples: usize) -> anyhow::Result<()> {
        let (mut detail, mut thread, mut both) = (histogram(), histogram(), histogram());
        let mut rng = rand::rng();
        for _ in 0..samples {
            let (id, _, _) = seeded.conversations.choose(&mut rng).expect("seeded");
            let (a, _) = self.get(&format!("/api/v1/conversations/{id}")).await?;
            let (b, body) = self
                .get(&format!("/api/v1/conversations/{id}/messages?limit=50"))
                .await?;
            anyhow::ensure!(!body["items"].as_array().expect("items").is_empty());
            detail.record(a)?;
            thread.record(b)?;
            both.record(a + b)?;
        }
        row("open conversation: detail", &detail);
        row("open conversation: last 50 messages", &thread);
        row("open conversation: detail + last 50 (sequential)", &both);
        Ok(())
    }

    async fn send_messages(
        &self,
        seeded: &Seeded,
        server: &Server,
        samples: usize,
    ) -> anyhow::Result<()> {
        let open: Vec<&String> = seeded
            .conversations
            .iter()
            .filter(|c| c.2 != "resolved")
            .map(|c| &c.0)
            .take(100)
            .collect();
        for id in &open {
            let r = self
                .client
                .post(format!("{}/api/v1/conversations/{id}/join", self.base))
                .bearer_auth(&self.token)
                .send()
                .await?;
            anyhow::ensure!(r.status().is_success(), "join {}", r.status());
        }
        let url = format!(
            "ws://127.0.0.1:{}/api/v1/events?access_token={}",
            server.port, self.token
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
        socket.next().await; // hello
        let (mut stored, mut delivered) = (histogram(), histogram());
        for i in 0..samples {
            let id = open[i % open.len()];
            let client_id = format!("bench-{i}");
            let t = Instant::now();
            let response = self
                .client
                .post(format!("{}/api/v1/conversations/{id}/messages", self.base))
                .bearer_auth(&self.token)
                .json(&json!({ "client_message_id": client_id, "body": format!("Agent reply number {i}, with a few words like a real one.") }))
                .send()
                .await?;
            anyhow::ensure!(
                response.status().as_u16() == 201,
                "send {}",
                response.status()
            );
            let _ = response.bytes().await?;
            stored.record(t.elapsed().as_micros() as u64)?;
            loop {
                let frame = socket.next().await.expect("event socket open")?;
                if let tokio_tungstenite::tungstenite::Message::Text(text) = frame {
                    if text.contains(&format!("\"client_message_id\":\"{client_id}\"")) {
                        delivered.record(t.elapsed().as_micros() as u64)?;
                        break;
                    }
                }
            }
        }
        row("send agent message (stored + event, HTTP 201)", &stored);
        row(
            "send agent message -> message.created on dashboard",
            &delivered,
        );
        Ok(())
    }
}

/// Creates the tenant through the server's own code, then bulk-loads the history.
fn seed(path: &str, total_conversations: usize, total_messages: usize) -> anyhow::Result<Seeded> {
    let db = Db::connect(path, 2)?;
    let hash = secrets::hash_password(PASSWORD)?;
    let (tenant, _owner) = db.write_blocking(|conn| {
        auth::create_workspace(conn, "Bench Co", "UTC", "Bench Owner", EMAIL, hash)
    })?;
    drop(db);
    let mut conn = SqliteConnection::establish(path)?;
    conn.batch_execute(
        "PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;",
    )?;
    let mut rng = rand::rng();
    let now = Utc::now().naive_utc();
    let per_conversation = (total_messages / total_conversations).max(1);
    let mut seeded = Seeded {
        conversations: Vec::with_capacity(total_conversations),
    };
    let mut totals = [[0i64; 7]; 2]; // per channel: total, unresolved, needs_agent, resolved, booked, ai, agent
    for chunk in (0..total_conversations).collect::<Vec<_>>().chunks(1000) {
        let mut vs = Vec::with_capacity(chunk.len());
        let mut cs = Vec::with_capacity(chunk.len());
        let mut ms = Vec::with_capacity(chunk.len() * per_conversation);
        for _ in chunk {
            let whatsapp = rng.random_bool(0.1);
            let channel = if whatsapp { "whatsapp" } else { "widget" };
            let status = match rng.random_range(0..10) {
                0 => "needs_agent",
                1 | 2 => "open",
                _ => "resolved",
            };
            let started = now - ChronoDuration::seconds(rng.random_range(600..90 * 86_400));
            let visitor = bench_visitor(&tenant.id, channel, started);
            let mut at = started;
            let id = uuid::Uuid::now_v7().to_string();
            for m in 0..per_conversation {
                at += ChronoDuration::seconds(rng.random_range(5..120));
                let sender = ["customer", "ai", "customer", "agent"][m % 4];
                ms.push(bench_message(&tenant.id, &id, sender, at, m));
                let c = whatsapp as usize;
                totals[c][5] += (sender == "ai") as i64;
                totals[c][6] += (sender == "agent") as i64;
            }
            let booked = rng.random_bool(0.05);
            let c = whatsapp as usize;
            totals[c][0] += 1;
            totals[c][1] += (status != "resolved") as i64;
            totals[c][2] += (status == "needs_agent") as i64;
            totals[c][3] += (status == "resolved") as i64;
            totals[c][4] += booked as i64;
            seeded.conversations.push((id.clone(), at, status));
            cs.push(bench_conversation(
                &tenant.id,
                &id,
                &visitor.id,
                channel,
                status,
                booked,
                started,
                at,
                per_conversation,
            ));
            vs.push(visitor);
        }
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            // Rows with enums go in by value (their columns are converted to text).
            diesel::insert_into(visitors::table)
                .values(vs.clone())
                .execute(conn)?;
            diesel::insert_into(conversations::table)
                .values(cs.clone())
                .execute(conn)?;
            for batch in ms.chunks(2500) {
                diesel::insert_into(messages::table)
                    .values(batch.to_vec())
                    .execute(conn)?;
            }
            Ok(())
        })?;
    }
    for (i, channel) in ["widget", "whatsapp"].iter().enumerate() {
        let t = totals[i];
        conn.batch_execute(&format!(
            "UPDATE conversation_counts SET total = {}, unresolved = {}, needs_agent = {}, resolved = {}, booked = {}, messages_ai = {}, messages_agent = {} WHERE tenant_id = '{}' AND channel = '{channel}' AND shard = 0",
            t[0], t[1], t[2], t[3], t[4], t[5], t[6], tenant.id
        ))?;
    }
    conn.batch_execute("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(seeded)
}

/// An enum from its stored name.
fn named<T: TryFrom<String>>(name: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(name.to_string()).expect("a known name")
}

fn bench_visitor(tenant: &TenantId, channel: &str, at: NaiveDateTime) -> Visitor {
    let id = uuid::Uuid::now_v7().to_string();
    Visitor {
        display_id: format!("V-{}", &id[24..].to_uppercase()),
        id,
        tenant_id: tenant.clone(),
        channel: named(channel),
        whatsapp_phone: (channel == "whatsapp").then(|| {
            format!(
                "+44{}",
                rand::rng().random_range(7_000_000_000u64..8_000_000_000)
            )
        }),
        name: None,
        email: None,
        phone: None,
        custom_fields: "{}".into(),
        first_seen_at: at,
        last_seen_at: at,
    }
}

#[allow(clippy::too_many_arguments)]
fn bench_conversation(
    tenant: &TenantId,
    id: &str,
    visitor: &str,
    channel: &str,
    status: &str,
    booked: bool,
    started: NaiveDateTime,
    last: NaiveDateTime,
    count: usize,
) -> Conversation {
    Conversation {
        id: id.into(),
        tenant_id: tenant.clone(),
        visitor_id: visitor.into(),
        channel: named(channel),
        status: named(status),
        assignee_id: None,
        needs_agent_since: (status == "needs_agent").then_some(last),
        agent_requested: status == "needs_agent",
        booked,
        rating: None,
        pending_handoff_id: None,
        message_count: count as i64,
        shard: 0,
        started_at: started,
        last_activity_at: last,
        resolved_at: (status == "resolved").then_some(last),
        resolved_by: None,
        last_customer_message_at: Some(last),
    }
}

fn bench_message(
    tenant: &TenantId,
    conversation: &str,
    sender: &str,
    at: NaiveDateTime,
    n: usize,
) -> Message {
    Message {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: tenant.clone(),
        conversation_id: conversation.into(),
        sender: named(sender),
        sender_user_id: None,
        kind: MessageKind::Text,
        body: Some(format!(
            "Message {n} of this conversation: a typical sentence or two of support chat."
        )),
        attachment_id: None,
        payload: None,
        client_message_id: None,
        created_at: at,
    }
}
