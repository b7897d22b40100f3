//! Two `api` processes on one PostgreSQL database and the machine's Redis behave as one:
//! cross-process delivery, the join lock, live visitors, and no lost events across a restart
//! of Redis. One test, because it restarts the shared Redis.

use std::process::Command;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::sockets::{EventSocket, VisitorSocket};

const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Restarts Redis if the test stops half-way, so the machine is left as it was found.
struct RedisGuard;

impl Drop for RedisGuard {
    fn drop(&mut self) {
        if !redis_answers() {
            start_redis();
        }
    }
}

fn redis_answers() -> bool {
    Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", "6379", "ping"])
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"PONG"))
}

/// The machine's documented start command.
fn start_redis() {
    let status = Command::new("redis-server")
        .args([
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ])
        .status()
        .expect("cannot run redis-server");
    assert!(status.success());
    for _ in 0..50 {
        if redis_answers() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("Redis did not come back");
}

/// Reads events until `count` of `kind` arrived, checking seq goes up by one; returns them.
async fn collect(socket: &mut EventSocket, kind: &str, count: usize, last: &mut i64) -> Vec<Value> {
    let mut found = Vec::new();
    while found.len() < count {
        let event = socket.recv().await;
        if let Some(seq) = event["seq"].as_i64() {
            assert_eq!(seq, *last + 1, "gap or duplicate: {event}");
            *last = seq;
        }
        if event["type"] == kind {
            found.push(event);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_one_database_and_redis_behave_as_one() {
    assert!(
        redis_answers(),
        "the machine's Redis must run on 127.0.0.1:6379"
    );
    let _guard = RedisGuard;
    let channel = format!("switchboard:test:{}", uuid::Uuid::new_v4().simple());
    let env = [
        ("REDIS_URL", REDIS_URL),
        ("REDIS_CHANNEL", channel.as_str()),
        ("JWT_SECRET", "one secret for both processes"),
    ];
    let a = TestApp::spawn_with(Backend::Postgres, &env).await;
    let b = a.spawn_sibling(&env).await;

    let owner = a.signup("Acme", &email("owner")).await;
    let key = a.widget_key(&owner).await;
    // Tokens from one process work on the other.
    b.get("/api/v1/me", &owner.access).await.expect(200);

    // Cross-process delivery: the visitor is on A, the dashboard on B.
    let mut on_b = EventSocket::connect(&b, &owner.access, None).await;
    let mut on_a = EventSocket::connect(&a, &owner.access, None).await;
    let (mut last_b, mut last_a) = (
        on_b.hello["seq"].as_i64().unwrap(),
        on_a.hello["seq"].as_i64().unwrap(),
    );
    let mut visitor = VisitorSocket::connect(&a, &key, None).await;
    visitor
        .send(json!({ "type": "page", "url": "https://acme.test/a" }))
        .await;
    let id = visitor.say("hello from process A").await["conversation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = collect(&mut on_b, "message.created", 1, &mut last_b).await;
    assert_eq!(seen[0]["data"]["message"]["body"], "hello from process A");
    collect(&mut on_a, "message.created", 1, &mut last_a).await;

    // The agent, on B, joins and answers; the visitor on A hears it.
    b.call(
        Method::POST,
        &format!("/api/v1/conversations/{id}/join"),
        Some(&owner.access),
        None,
    )
    .await
    .expect(200);
    visitor.recv_type("agent_joined").await;
    b.post(
        &format!("/api/v1/conversations/{id}/messages"),
        &owner.access,
        json!({ "client_message_id": "b-1", "body": "hello from process B" }),
    )
    .await
    .expect(201);
    assert_eq!(
        visitor.recv_reply().await["message"]["body"],
        "hello from process B"
    );

    // Live visitors are the union of both processes.
    let mut other = VisitorSocket::connect(&b, &key, None).await;
    other
        .send(json!({ "type": "page", "url": "https://acme.test/b" }))
        .await;
    other.send(json!({ "type": "ping" })).await;
    other.recv_type("pong").await;
    for app in [&a, &b] {
        let live = app
            .get("/api/v1/visitors/live", &owner.access)
            .await
            .expect(200)
            .body;
        let mut pages: Vec<&str> = live
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["page_url"].as_str().unwrap())
            .collect();
        pages.sort();
        assert_eq!(pages, vec!["https://acme.test/a", "https://acme.test/b"]);
    }

    // The join lock across processes: 30 agents, half on each process, at once.
    let emails: Vec<String> = (0..30).map(|i| email(&format!("racer{i}"))).collect();
    let racers =
        futures_util::future::join_all(emails.iter().map(|e| a.add_member(&owner, e, "agent")))
            .await;
    let (_v2, contested) = a.visitor_says(&key, "who takes me?").await;
    let path = format!("/api/v1/conversations/{contested}/join");
    let joins = futures_util::future::join_all(racers.iter().enumerate().map(|(i, r)| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.call(Method::POST, &path, Some(&r.access), None)
    }))
    .await;
    assert_eq!(
        joins.iter().filter(|r| r.status == 200).count(),
        1,
        "exactly one winner across processes"
    );
    assert!(joins
        .iter()
        .filter(|r| r.status != 200)
        .all(|r| r.code() == "conversation_locked"));

    // Drain what the race produced, then restart Redis with events in flight.
    let baseline = b
        .get("/api/v1/conversations/counts", &owner.access)
        .await
        .expect(200);
    assert_eq!(baseline.body["all"], 2);
    let latest = EventSocket::connect(&a, &owner.access, None).await.hello["seq"]
        .as_i64()
        .unwrap();
    while last_b < latest {
        let event = on_b.recv().await;
        assert_eq!(
            event["seq"].as_i64().unwrap(),
            last_b + 1,
            "gap or duplicate: {event}"
        );
        last_b += 1;
    }

    let shutdown = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"])
        .status()
        .unwrap();
    assert!(
        !redis_answers(),
        "Redis should be down (shutdown exit {shutdown:?})"
    );
    for i in 0..5 {
        visitor.say(&format!("during the outage {i}")).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    start_redis();
    for i in 0..3 {
        visitor.say(&format!("after the restart {i}")).await;
    }
    // B got nothing over Redis for the first five; it must still see all eight, in order.
    let bodies: Vec<String> = collect(&mut on_b, "message.created", 8, &mut last_b)
        .await
        .iter()
        .map(|e| e["data"]["message"]["body"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..5)
        .map(|i| format!("during the outage {i}"))
        .chain((0..3).map(|i| format!("after the restart {i}")))
        .collect();
    assert_eq!(bodies, expected);
}

/// A PostgreSQL process commits its change and event, then stops before numbering the event:
/// the surviving process's sweep numbers it next in the sequence and dashboards receive it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_left_unnumbered_by_a_stopped_process_is_numbered_and_delivered() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let me = app.get("/api/v1/me", &owner.access).await.expect(200);
    let tenant_id = me.body["tenant"]["id"].as_str().unwrap().to_string();
    let mut dashboard = EventSocket::connect(&app, &owner.access, None).await;
    let last = dashboard.hello["seq"].as_i64().unwrap();

    // What the stopped process left: a committed event without a number, staged a while ago.
    let staged_at = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(30);
    stage_unnumbered_event(&app.database_url, &tenant_id, staged_at);

    let event = tokio::time::timeout(Duration::from_secs(15), dashboard.recv())
        .await
        .expect("the left-behind event was never delivered");
    assert_eq!(event["seq"].as_i64(), Some(last + 1), "{event}");
    assert_eq!(event["type"], "agent.availability");
    assert_eq!(event["data"]["user_id"], "left-behind");
}
