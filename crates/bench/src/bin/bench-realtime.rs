//! `bench-realtime`: the WebSocket load generator.
//!
//! `idle`: opens visitor sockets in steps (default 15,000) and reports the server's resident
//! memory at each step and the slope (memory per idle socket).
//!
//! `throughput --backend sqlite|postgres|redis2`: 200 visitors (one conversation each) send
//! 2,000 messages/s in total for 60 s; one dashboard socket receives the `message.created`
//! events. Each message carries the time it was *scheduled* to be sent, and latency is taken
//! from that schedule to the dashboard's receipt, so a slow server cannot hide its queueing
//! (no coordinated omission). Every sent message is counted as acknowledged, received by the
//! dashboard, and stored in the database, and every acknowledged message id is looked up in the
//! database (an acknowledged message that is not stored is lost). `redis2` runs two server processes on one PostgreSQL
//! database with Redis, visitors spread over both, the dashboard on the second.
//!
//! The server runs pinned to CPU 0 and this client to CPU 1. `--pool N` sets each server's
//! database connections (default 8; see `setup`); `--pg-socket /var/run/postgresql` connects the
//! servers to PostgreSQL over its Unix socket instead of TCP.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use switchboard_api::db::DbConnection;
use switchboard_bench::{
    arg, cpu_ms_of_all, header, histogram, pin_self, print_machine_reference, row, Server,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async_with_config, MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Small buffers: the client holds thousands of sockets.
fn small_buffers() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
}

async fn connect(url: &str) -> anyhow::Result<Ws> {
    let (ws, _) = connect_async_with_config(url, Some(small_buffers()), true).await?;
    Ok(ws)
}

/// The servers of one run, the database they share and a signed-in owner.
struct Setup {
    servers: Vec<Server>,
    database_url: String,
    _dir: tempfile::TempDir,
    token: String,
    widget_key: String,
    pg_database: Option<String>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.servers.clear();
        if let Some(name) = &self.pg_database {
            if let Ok(mut conn) = PgConnection::establish(PG_ADMIN) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

/// Where the servers reach PostgreSQL: over TCP (default), or with `--pg-socket DIR` over the
/// Unix socket in DIR, as a server on the same machine as its database would.
fn pg_server_url(database: &str) -> String {
    let socket_dir: String = arg("--pg-socket", String::new());
    if socket_dir.is_empty() {
        format!("postgres://postgres@127.0.0.1:5432/{database}")
    } else {
        format!(
            "postgres://postgres@{}/{database}",
            socket_dir.replace('/', "%2F")
        )
    }
}

async fn setup(backend: &str) -> anyhow::Result<Setup> {
    let dir = tempfile::tempdir()?;
    let mut env: Vec<(&str, String)> = vec![
        ("WIDGET_MAX_CONNECTIONS_PER_ADDRESS", "1000000".into()),
        ("WIDGET_MESSAGES_PER_SECOND", "50".into()),
        ("JWT_SECRET", "bench secret shared by every process".into()),
        // PostgreSQL runs on the same two cores: with more connections than it has cores to run
        // them, backends waiting for the last page of `messages` and `events` are descheduled
        // holding its lock, and everyone queues behind them (1,500 msg/s: p50 0.6 s with 32
        // connections, 9 ms with 8). On SQLite this only sizes the read pool (at most 4).
        ("DB_POOL_SIZE", arg("--pool", 8).to_string()),
    ];
    let (database_url, pg_database) = if backend == "sqlite" {
        (
            dir.path().join("bench.db").to_string_lossy().into_owned(),
            None,
        )
    } else {
        let name = format!("sbbench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(PG_ADMIN)?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn)?;
        (pg_server_url(&name), Some(name))
    };
    if backend == "redis2" {
        env.push(("REDIS_URL", "redis://127.0.0.1:6379".into()));
        env.push((
            "REDIS_CHANNEL",
            format!("switchboard:bench:{}", uuid::Uuid::new_v4().simple()),
        ));
    }
    let processes = if backend == "redis2" { 2 } else { 1 };
    let mut servers = Vec::new();
    for i in 0..processes {
        let data = dir.path().join(format!("p{i}"));
        std::fs::create_dir_all(&data)?;
        servers.push(Server::start(&data, &database_url, &env, Some(0))?);
    }
    switchboard_api::domain::whatsapp::graph::install_tls_provider();
    let http = reqwest::Client::new();
    let signup: Value = http
        .post(format!("{}/api/v1/auth/signup", servers[0].base))
        .json(&json!({ "workspace_name": "Load Co", "name": "Load Owner", "email": "load@switchboard.local", "password": "load password 123" }))
        .send()
        .await?
        .json()
        .await?;
    let token = signup["access_token"].as_str().expect("signup").to_string();
    let me: Value = http
        .get(format!("{}/api/v1/me", servers[0].base))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let widget_key = me["tenant"]["widget_key"]
        .as_str()
        .expect("widget key")
        .to_string();
    Ok(Setup {
        servers,
        database_url,
        _dir: dir,
        token,
        widget_key,
        pg_database,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mode = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "throughput".into());
    match mode.as_str() {
        "idle" => idle(arg("--sockets", 15_000)).await,
        _ => {
            throughput(
                &arg("--backend", "sqlite".to_string()),
                arg("--rate", 2000),
                arg("--conversations", 200),
                arg("--seconds", 60),
            )
            .await
        }
    }
}

/// Opens idle visitor sockets in steps and reports memory per socket.
async fn idle(total: usize) -> anyhow::Result<()> {
    let setup = setup("sqlite").await?;
    pin_self(1);
    let server = &setup.servers[0];
    let url = format!(
        "ws://127.0.0.1:{}/api/widget/v1/ws?key={}",
        server.port, setup.widget_key
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut points = vec![(0usize, server.rss_kib())];
    let mut holders = Vec::with_capacity(total);
    let step = (total / 5).max(1);
    while holders.len() < total {
        let batch = step.min(total - holders.len());
        let opened = futures_util::stream::iter(0..batch)
            .map(|_| {
                let url = url.clone();
                async move {
                    let mut ws = connect(&url).await?;
                    ws.next().await; // welcome
                    anyhow::Ok(ws)
                }
            })
            .buffer_unordered(200)
            .collect::<Vec<_>>()
            .await;
        for ws in opened {
            // Keep reading so pings are answered, like an idle browser tab.
            let mut ws = ws?;
            holders.push(tokio::spawn(async move {
                while let Some(Ok(_)) = ws.next().await {}
            }));
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        points.push((holders.len(), server.rss_kib()));
        println!(
            "{:>6} idle sockets: server RSS {:>8} KiB",
            holders.len(),
            points.last().unwrap().1
        );
    }
    let slope = least_squares_slope(&points);
    println!("\nIdle visitor sockets, SQLite, server on CPU 0: {} sockets held; RSS {} KiB -> {} KiB; slope {:.2} KiB per idle socket",
        total, points[0].1, points.last().unwrap().1, slope);
    Ok(())
}

fn least_squares_slope(points: &[(usize, u64)]) -> f64 {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + *x as f64, b + *y as f64));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        let dx = *x as f64 - mx;
        (a + dx * (*y as f64 - my), b + dx * dx)
    });
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// Messages from visitors to a dashboard at a fixed rate, latency from the schedule.
async fn throughput(
    backend: &str,
    rate: u64,
    conversations: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    let setup = setup(backend).await?;
    pin_self(1);
    print_machine_reference()?;
    let dashboard_server = setup.servers.last().expect("a server");
    let url = format!(
        "ws://127.0.0.1:{}/api/v1/events?access_token={}",
        dashboard_server.port, setup.token
    );
    let mut dashboard = connect(&url).await?;
    dashboard.next().await; // hello

    // Visitors, spread over the processes; each says hello first so its conversation exists.
    let mut visitors = Vec::with_capacity(conversations);
    for i in 0..conversations {
        let server = &setup.servers[i % setup.servers.len()];
        let mut ws = connect(&format!(
            "ws://127.0.0.1:{}/api/widget/v1/ws?key={}",
            server.port, setup.widget_key
        ))
        .await?;
        ws.next().await; // welcome
        ws.send(Message::text(
            json!({ "type": "message", "client_id": "hello", "text": "hello" }).to_string(),
        ))
        .await?;
        visitors.push(ws);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    let start = Instant::now() + Duration::from_millis(500);
    let warmup = Duration::from_secs(5.min(seconds / 4));
    // Whole messages per visitor, so what is counted as sent is what is sent.
    let per_visitor = rate * seconds / conversations as u64;
    let total = per_visitor * conversations as u64;
    let interval = Duration::from_nanos(1_000_000_000 * conversations as u64 / rate);
    let acked_ids = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let cpu_before = cpu_now(&setup);
    // Scheduled send -> ack on the visitor's socket: the part of the latency spent storing.
    let ack_latency = Arc::new(std::sync::Mutex::new(histogram()));
    let mut tasks = Vec::new();
    for (i, ws) in visitors.into_iter().enumerate() {
        let (mut sink, mut stream) = ws.split();
        let acked_ids = acked_ids.clone();
        let ack_latency = ack_latency.clone();
        let offset = interval * i as u32 / conversations as u32;
        tasks.push(tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                if !text.starts_with("{\"type\":\"ack\"") {
                    continue;
                }
                let ack: Value = serde_json::from_str(&text).unwrap_or_default();
                let Some((_, k)) = ack["client_id"].as_str().and_then(|c| c.split_once('-')) else {
                    continue; // the hello
                };
                let id = ack["message_id"].as_str().unwrap_or_default().to_string();
                acked_ids.lock().unwrap().push(id);
                let scheduled = offset + interval * k.parse::<u32>().unwrap_or(0);
                if scheduled >= warmup {
                    let late = Instant::now().saturating_duration_since(start + scheduled);
                    let _ = ack_latency.lock().unwrap().record(late.as_micros() as u64);
                }
            }
        }));
        tasks.push(tokio::spawn(async move {
            for k in 0..per_visitor {
                let scheduled = start + offset + interval * k as u32;
                tokio::time::sleep_until(scheduled.into()).await;
                let micros = (scheduled - start).as_micros();
                let frame = json!({ "type": "message", "client_id": format!("{i}-{k}"), "text": format!("lg|{micros}|visitor {i} message {k}") });
                if sink.send(Message::text(frame.to_string())).await.is_err() {
                    break;
                }
            }
        }));
    }

    let mut latency = histogram();
    // The same latencies per 5 s of the schedule, to see whether the tail is steady or comes in
    // bursts (a checkpoint, a vacuum, a table outgrowing the cache).
    let mut windows: Vec<hdrhistogram::Histogram<u64>> = Vec::new();
    // With several processes: latencies of messages sent to the dashboard's own process, and
    // to another one (through Redis).
    let servers = setup.servers.len();
    let mut by_origin = [histogram(), histogram()];
    let mut received = 0u64;
    let deadline = start + Duration::from_secs(seconds) + Duration::from_secs(15);
    while received < total {
        let next = tokio::time::timeout_at(deadline.into(), dashboard.next()).await;
        let text = match next {
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(Message::Close(frame)))) => {
                println!("the dashboard socket was closed: {frame:?}");
                break;
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(error))) => {
                println!("the dashboard socket failed: {error}");
                break;
            }
            Ok(None) | Err(_) => break,
        };
        if text.contains("\"type\":\"resync\"") {
            println!("the dashboard was told to resync: {text}");
        }
        let Some(pos) = text.find("\"body\":\"lg|") else {
            continue;
        };
        let rest = &text[pos + 11..];
        let micros: u128 = rest[..rest.find('|').unwrap_or(0)].parse().unwrap_or(0);
        received += 1;
        let now = start.elapsed().as_micros();
        if micros >= warmup.as_micros() {
            latency.record(now.saturating_sub(micros) as u64)?;
            let visitor: usize = rest
                .split_once("|visitor ")
                .and_then(|(_, r)| r.split_once(' '))
                .and_then(|(v, _)| v.parse().ok())
                .unwrap_or(0);
            let remote = usize::from(visitor % servers != servers - 1);
            by_origin[remote].record(now.saturating_sub(micros) as u64)?;
        }
        let window = (micros / 5_000_000) as usize;
        while windows.len() <= window {
            windows.push(histogram());
        }
        windows[window].record(now.saturating_sub(micros) as u64)?;
    }
    let cpu = cpu_now(&setup) - cpu_before;
    // Acknowledgements still in flight arrive before the counting.
    let acked_count = || acked_ids.lock().unwrap().len();
    let mut last_acked = usize::MAX;
    while acked_count() != last_acked {
        last_acked = acked_count();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let acked_ids = std::mem::take(&mut *acked_ids.lock().unwrap());
    let db = switchboard_api::db::Db::connect(&setup.database_url, 1)?;
    let mut conn = db.conn()?;
    let stored = count_stored(&mut conn)?;
    let missing = count_missing(&mut conn, &acked_ids)?;
    header(&format!(
        "Visitor message -> agent dashboard, {backend}{}, {rate} msg/s over {conversations} conversations for {seconds} s (first {} s warm-up not timed)",
        if backend == "redis2" { " (two processes + Redis)" } else { "" },
        warmup.as_secs()
    ));
    row(
        "scheduled send -> message.created on the dashboard",
        &latency,
    );
    row(
        "scheduled send -> ack on the visitor's socket",
        &ack_latency.lock().unwrap(),
    );
    if servers > 1 {
        row("... visitor on the dashboard's process", &by_origin[0]);
        row(
            "... visitor on the other process (via Redis)",
            &by_origin[1],
        );
    }
    println!(
        "sent {total}, acknowledged {}, stored {stored}, received by the dashboard {received}; \
         acknowledged but not stored (lost): {missing}; not on the dashboard 15 s after the end: {}",
        acked_ids.len(),
        total.saturating_sub(received)
    );
    println!("{}", cpu.per_message(total, setup.pg_database.is_some()));
    let p99s: Vec<String> = windows
        .iter()
        .map(|w| format!("{:.0}", w.value_at_quantile(0.99) as f64 / 1000.0))
        .collect();
    println!("p99 ms per 5 s of the schedule: {}", p99s.join(" "));
    for task in tasks {
        task.abort();
    }
    Ok(())
}

/// CPU time used so far by the servers and by PostgreSQL (all its processes: the machine's
/// PostgreSQL serves only the benchmark while it runs), in milliseconds. Per message it is a
/// steadier figure than latency on a machine whose speed drifts: it says what a message costs,
/// where latency also says how busy the machine was.
#[derive(Clone, Copy)]
struct Cpu {
    servers: u64,
    postgres: u64,
}

fn cpu_now(setup: &Setup) -> Cpu {
    Cpu {
        servers: setup.servers.iter().map(Server::cpu_ms).sum(),
        postgres: cpu_ms_of_all("postgres"),
    }
}

impl std::ops::Sub for Cpu {
    type Output = Cpu;
    fn sub(self, before: Cpu) -> Cpu {
        Cpu {
            servers: self.servers.saturating_sub(before.servers),
            postgres: self.postgres.saturating_sub(before.postgres),
        }
    }
}

impl Cpu {
    /// One line: CPU per message of the servers, and of PostgreSQL when it is used.
    fn per_message(self, messages: u64, postgres: bool) -> String {
        let per = |ms: u64| ms as f64 / messages.max(1) as f64;
        let mut line = format!(
            "CPU per message (from /proc, whole run): server processes {:.3} ms",
            per(self.servers)
        );
        if postgres {
            line.push_str(&format!(", PostgreSQL {:.3} ms", per(self.postgres)));
        }
        line
    }
}

/// Acknowledged message ids that are not in the database.
fn count_missing(conn: &mut DbConnection, ids: &[String]) -> anyhow::Result<usize> {
    use switchboard_api::db::schema::messages;
    let mut found = 0usize;
    for chunk in ids.chunks(500) {
        let n: i64 = messages::table
            .filter(messages::id.eq_any(chunk))
            .count()
            .get_result(conn)?;
        found += n as usize;
    }
    Ok(ids.len() - found)
}

/// Customer messages stored, minus the hello each visitor sent.
fn count_stored(conn: &mut DbConnection) -> anyhow::Result<i64> {
    use switchboard_api::db::schema::messages;
    let count: i64 = messages::table
        .filter(messages::sender.eq("customer"))
        .filter(messages::client_message_id.ne("hello"))
        .count()
        .get_result(conn)?;
    Ok(count)
}
