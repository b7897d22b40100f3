//! Visitors' messages (`domain::visitor_messages`). On PostgreSQL, the read and the tenant's
//! batch (`store::open_thread`, `store::open_thread_batch`): a batch writes and numbers what is
//! unchanged since it was read and nothing of the rest, waits for a change in flight, and a
//! chat's next message needs no read until its conversation, visitor or agent changes. On both
//! databases, many visitors writing at once reach the dashboard in order, each message once.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::Value;
use switchboard_api::clock::{new_id, now};
use switchboard_api::store::events::NewEventRecord;
use switchboard_api::store::messages::Message;
use switchboard_api::store::open_thread::{self, OpenThread};
use switchboard_api::store::open_thread_batch::{self, Append};
use switchboard_types::messages::{MessageKind, Sender};

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::{EventSocket, VisitorSocket};

/// A workspace on PostgreSQL with one visitor whose conversation has one message.
async fn visitor_with_conversation() -> (TestApp, Session, String) {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let (visitor, _) = app.visitor_says(&key, "first").await;
    (app, owner, visitor.visitor_id)
}

fn read(pg: &mut PgConnection, owner: &Session, visitor_id: &str, client_id: &str) -> OpenThread {
    open_thread::read(pg, &owner.tenant_id.as_str().into(), visitor_id, client_id)
        .unwrap()
        .expect("the visitor's conversation")
}

/// The next message of `thread`, as the domain would build it.
fn next(thread: &OpenThread, client_id: &str) -> (Message, NewEventRecord, i64) {
    let c = &thread.conversation;
    let at = now();
    let message = Message {
        id: new_id(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        sender: Sender::Customer,
        sender_user_id: None,
        kind: MessageKind::Text,
        body: Some("second".into()),
        attachment_id: None,
        payload: None,
        client_message_id: Some(client_id.into()),
        created_at: at,
    };
    let event = NewEventRecord {
        tenant_id: c.tenant_id.to_string(),
        seq: None,
        kind: "message.created".into(),
        at,
        conversation_id: Some(c.id.clone()),
        visitor_id: Some(c.visitor_id.clone()),
        data: "{}".into(),
    };
    (message, event, c.message_count + 1)
}

fn run(pg: &mut PgConnection, sql: &str, id: &str) {
    diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(id)
        .execute(pg)
        .unwrap();
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Counts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    messages: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    message_count: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    staged: i64,
}

fn counts(pg: &mut PgConnection, conversation_id: &str) -> Counts {
    diesel::sql_query(
        // System lines ("… joined the conversation") are not messages of the conversation.
        "SELECT (SELECT count(*) FROM messages WHERE conversation_id = $1 AND sender <> 'system') \
          AS messages, \
         (SELECT message_count FROM conversations WHERE id = $1) AS message_count, \
         (SELECT count(*) FROM events e JOIN event_data d ON d.event_id = e.id \
          WHERE e.conversation_id = $1 AND e.kind = 'message.created' AND d.data = '{}') \
          AS staged",
    )
    .bind::<diesel::sql_types::Text, _>(conversation_id)
    .get_result(pg)
    .unwrap()
}

fn connect(app: &TestApp) -> PgConnection {
    PgConnection::establish(&app.database_url).unwrap()
}

/// A message of a batch, as the domain builds it from what the socket knows.
struct Next {
    thread: OpenThread,
    message: Message,
    event: NewEventRecord,
    after: switchboard_api::store::conversations::Conversation,
}

fn next_of(thread: OpenThread, client_id: &str) -> Next {
    let (message, event, count) = next(&thread, client_id);
    let mut after = thread.conversation.clone();
    after.message_count = count;
    after.last_activity_at = message.created_at;
    Next {
        thread,
        message,
        event,
        after,
    }
}

fn batch(pg: &mut PgConnection, tenant_id: &str, items: &[&Next]) -> Vec<(usize, i64)> {
    written(pg, tenant_id, items)
        .into_iter()
        .map(|a| (a.index, a.seq))
        .collect()
}

/// Writes one message; returns the conversation's new version, or `None` when refused.
fn write_one(pg: &mut PgConnection, tenant_id: &str, next: &Next) -> Option<String> {
    let mut written = written(pg, tenant_id, &[next]);
    assert!(written.len() <= 1);
    written.pop().map(|a| a.version)
}

/// What the socket knows after `next` was written: the next message needs no read.
fn known_after(next: Next, version: String) -> OpenThread {
    let mut known = next.thread;
    known.conversation = next.after;
    known.versions.conversation = version;
    known
}

fn written(
    pg: &mut PgConnection,
    tenant_id: &str,
    items: &[&Next],
) -> Vec<open_thread_batch::Appended> {
    let appends: Vec<Append> = items
        .iter()
        .map(|n| Append {
            versions: &n.thread.versions,
            after: &n.after,
            message: &n.message,
            event: &n.event,
        })
        .collect();
    open_thread_batch::append(pg, &tenant_id.into(), &appends).unwrap()
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    event_seq: i64,
}

fn tenant_seq(pg: &mut PgConnection, tenant_id: &str) -> i64 {
    diesel::sql_query("SELECT event_seq FROM tenants WHERE id = $1")
        .bind::<diesel::sql_types::Text, _>(tenant_id)
        .get_result::<Seq>(pg)
        .unwrap()
        .event_seq
}

/// The tenant's counter once the sequencer has numbered every event staged so far (the join's).
fn settled_seq(pg: &mut PgConnection, tenant_id: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Pending {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pending: i64,
    }
    for _ in 0..250 {
        let left: Pending = diesel::sql_query(
            "SELECT count(*) AS pending FROM events WHERE tenant_id = $1 AND seq IS NULL",
        )
        .bind::<diesel::sql_types::Text, _>(tenant_id)
        .get_result(pg)
        .unwrap();
        if left.pending == 0 {
            return tenant_seq(pg, tenant_id);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("events still unnumbered after 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_writes_and_numbers_what_is_unchanged_and_nothing_of_the_rest() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let mut visitors = Vec::new();
    for word in ["a", "b", "c", "d"] {
        visitors.push(app.visitor_says(&key, word).await.0.visitor_id);
    }
    let mut pg = PgConnection::establish(&app.database_url).unwrap();
    let read = |pg: &mut PgConnection, visitor: &str, client_id: &str| {
        open_thread::read(pg, &owner.tenant_id.as_str().into(), visitor, client_id)
            .unwrap()
            .unwrap()
    };
    let fresh = next_of(read(&mut pg, &visitors[0], "x-1"), "x-1");
    let stale = next_of(read(&mut pg, &visitors[1], "x-2"), "x-2");
    // The first message's client id again: a resend.
    let first_id: String = {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Text)]
            client_message_id: String,
        }
        let thread = read(&mut pg, &visitors[2], "");
        diesel::sql_query(
            "SELECT client_message_id FROM messages WHERE conversation_id = $1 \
             AND sender = 'customer' LIMIT 1",
        )
        .bind::<diesel::sql_types::Text, _>(&thread.conversation.id)
        .get_result::<Id>(&mut pg)
        .unwrap()
        .client_message_id
    };
    let resent = next_of(read(&mut pg, &visitors[2], "other"), &first_id);
    let mut also_fresh = next_of(read(&mut pg, &visitors[3], "x-4"), "x-4");
    // A second message built on the same read as the first one's conversation.
    let twice = next_of(read(&mut pg, &visitors[0], "x-5"), "x-5");
    // Each event's data tells which message it belongs to.
    let mut fresh = fresh;
    fresh.event.data = r#"{"m":"fresh"}"#.into();
    also_fresh.event.data = r#"{"m":"also fresh"}"#.into();

    // An agent joins the second conversation after it was read.
    let stale_id = stale.after.id.clone();
    app.post(
        &format!("/api/v1/conversations/{stale_id}/join"),
        &owner.access,
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let items = [&fresh, &stale, &resent, &also_fresh, &twice];
    let before: Vec<Counts> = items.iter().map(|n| counts(&mut pg, &n.after.id)).collect();
    let seq = settled_seq(&mut pg, &owner.tenant_id);

    let written = batch(&mut pg, &owner.tenant_id, &items);
    // The two unchanged ones, numbered next (in the order of their conversations' ids, here
    // their visitors' order); the counter moved by two.
    assert_eq!(written, vec![(0, seq + 1), (3, seq + 2)]);
    assert_eq!(tenant_seq(&mut pg, &owner.tenant_id), seq + 2);
    // `twice` shares the first conversation: counted there once.
    for (i, n) in items.iter().enumerate().take(4) {
        let added = i64::from(i == 0 || i == 3);
        let after = counts(&mut pg, &n.after.id);
        assert_eq!(after.messages, before[i].messages + added, "message {i}");
        assert_eq!(after.message_count, before[i].message_count + added, "{i}");
    }
    let stored = read(&mut pg, &visitors[0], "x-1");
    assert!(stored.duplicate_of.is_some(), "the first message is stored");
    assert_eq!(stored.conversation.message_count, fresh.after.message_count);
    assert_eq!(
        stored.conversation.last_customer_message_at,
        fresh.after.last_customer_message_at
    );
    assert!(read(&mut pg, &visitors[0], "x-5").duplicate_of.is_none());

    // The events are stored numbered, each with its own data and visitor.
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Event {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        conversation_id: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        visitor_id: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        data: String,
    }
    let events: Vec<Event> = diesel::sql_query(
        "SELECT e.seq, e.conversation_id, e.visitor_id, d.data FROM events e \
         JOIN event_data d ON d.event_id = e.id \
         WHERE e.tenant_id = $1 AND e.seq > $2 ORDER BY e.seq",
    )
    .bind::<diesel::sql_types::Text, _>(&owner.tenant_id)
    .bind::<diesel::sql_types::BigInt, _>(seq)
    .load(&mut pg)
    .unwrap();
    assert_eq!(
        events,
        vec![
            Event {
                seq: seq + 1,
                conversation_id: fresh.after.id.clone(),
                visitor_id: visitors[0].clone(),
                data: fresh.event.data.clone(),
            },
            Event {
                seq: seq + 2,
                conversation_id: also_fresh.after.id.clone(),
                visitor_id: visitors[3].clone(),
                data: also_fresh.event.data.clone(),
            },
        ]
    );

    // Nothing written: nothing numbered, the counter untouched.
    let again = batch(&mut pg, &owner.tenant_id, &[&stale]);
    assert!(again.is_empty());
    assert_eq!(tenant_seq(&mut pg, &owner.tenant_id), seq + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_message_needs_no_read_until_the_visitor_or_the_agent_changes() {
    let (app, owner, visitor_id) = visitor_with_conversation().await;
    let mut pg = connect(&app);
    let id = read(&mut pg, &owner, &visitor_id, "x").conversation.id;
    app.post(
        &format!("/api/v1/conversations/{id}/join"),
        &owner.access,
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let tenant = owner.tenant_id.as_str();

    // Two messages in a row from what the first write returned.
    let first = next_of(read(&mut pg, &owner, &visitor_id, "c-2"), "c-2");
    let version = write_one(&mut pg, tenant, &first).expect("first");
    let second = next_of(known_after(first, version), "c-3");
    let version = write_one(&mut pg, tenant, &second).expect("second, without a read");
    let known = known_after(second, version);
    assert_eq!(counts(&mut pg, &id).messages, 3);

    // The visitor's pre-chat name changes: what the socket knows is out of date.
    run(
        &mut pg,
        "UPDATE visitors SET name = 'Vera' WHERE id = $1",
        &visitor_id,
    );
    assert_eq!(write_one(&mut pg, tenant, &next_of(known, "c-4")), None);
    let known = read(&mut pg, &owner, &visitor_id, "c-4");
    assert_eq!(known.visitor_name.as_deref(), Some("Vera"));

    // So does the agent's name.
    run(
        &mut pg,
        "UPDATE users SET name = 'Olga' WHERE id = $1",
        &owner.user_id,
    );
    assert_eq!(write_one(&mut pg, tenant, &next_of(known, "c-4")), None);
    let known = read(&mut pg, &owner, &visitor_id, "c-4");
    assert_eq!(known.assignee_name.as_deref(), Some("Olga"));
    assert!(write_one(&mut pg, tenant, &next_of(known, "c-4")).is_some());
    assert_eq!(counts(&mut pg, &id).messages, 4);
    assert_eq!(counts(&mut pg, &id).message_count, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_waits_for_a_change_in_flight_and_then_respects_it() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let visitor = app.visitor_says(&key, "hello").await.0.visitor_id;
    for (outcome, expect_written) in [("COMMIT", false), ("ROLLBACK", true)] {
        let mut pg = PgConnection::establish(&app.database_url).unwrap();
        let client_id = format!("c-{outcome}");
        let thread = open_thread::read(
            &mut pg,
            &owner.tenant_id.as_str().into(),
            &visitor,
            &client_id,
        )
        .unwrap()
        .unwrap();
        let id = thread.conversation.id.clone();
        let before = counts(&mut pg, &id);

        let mut other = PgConnection::establish(&app.database_url).unwrap();
        diesel::sql_query("BEGIN").execute(&mut other).unwrap();
        diesel::sql_query("UPDATE conversations SET booked = NOT booked WHERE id = $1")
            .bind::<diesel::sql_types::Text, _>(&id)
            .execute(&mut other)
            .unwrap();
        let tenant = owner.tenant_id.clone();
        let writer = std::thread::spawn(move || {
            let n = next_of(thread, &client_id);
            (batch(&mut pg, &tenant, &[&n]), pg)
        });
        wait_for_a_lock_wait(&app);
        assert!(!writer.is_finished(), "the batch waits for the row");
        diesel::sql_query(outcome).execute(&mut other).unwrap();
        let (written, mut pg) = writer.join().unwrap();

        assert_eq!(
            written.len(),
            usize::from(expect_written),
            "after {outcome}"
        );
        let after = counts(&mut pg, &id);
        let added = i64::from(expect_written);
        assert_eq!(after.messages, before.messages + added);
        assert_eq!(after.message_count, before.message_count + added);
        assert_eq!(after.staged, before.staged + added);
    }
}

/// Returns once a session of the app's database waits for a row lock.
fn wait_for_a_lock_wait(app: &TestApp) {
    #[derive(QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        waiting: i64,
    }
    let mut pg = PgConnection::establish(&app.database_url).unwrap();
    for _ in 0..250 {
        let now: Waiting = diesel::sql_query(
            "SELECT count(*) AS waiting FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(&mut pg)
        .unwrap();
        if now.waiting > 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("nothing waited for the row in 5 s");
}

/// Visitors writing at the same time, each waiting for its ack before the next message.
const VISITORS: usize = 12;
const MESSAGES: usize = 15;

both_dbs!(
    many_visitors_writing_at_once_reach_the_dashboard_in_order_each_message_once,
    |backend| async move {
        // Each visitor writes as fast as its acks come back.
        let app = TestApp::spawn_with(backend, &[("WIDGET_MESSAGES_PER_SECOND", "1000")]).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let mut dashboard = EventSocket::connect(&app, &owner.access, None).await;
        let mut last = dashboard.hello["seq"].as_i64().unwrap();

        let mut writers = Vec::new();
        for v in 0..VISITORS {
            let mut visitor = VisitorSocket::connect(&app, &key, None).await;
            writers.push(tokio::spawn(async move {
                for m in 0..MESSAGES {
                    visitor.say(&format!("{v}:{m}")).await;
                }
                visitor.visitor_id
            }));
        }
        for writer in writers {
            writer.await.unwrap();
        }

        // Every message once, in each conversation's order, with its count, no gap in seq.
        let mut per_conversation: HashMap<String, Vec<(String, i64)>> = HashMap::new();
        let mut received = 0;
        while received < VISITORS * MESSAGES {
            let event: Value = dashboard.recv().await;
            let Some(seq) = event["seq"].as_i64() else {
                continue;
            };
            assert_eq!(seq, last + 1, "gap or duplicate at {event}");
            last = seq;
            if event["type"] != "message.created" {
                continue;
            }
            received += 1;
            let conversation = &event["data"]["conversation"];
            per_conversation
                .entry(conversation["id"].as_str().unwrap().to_string())
                .or_default()
                .push((
                    event["data"]["message"]["body"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    conversation["message_count"].as_i64().unwrap(),
                ));
        }
        assert_eq!(per_conversation.len(), VISITORS);
        for messages in per_conversation.values() {
            let v = messages[0].0.split(':').next().unwrap().to_string();
            let expected: Vec<(String, i64)> = (0..MESSAGES)
                .map(|m| (format!("{v}:{m}"), m as i64 + 1))
                .collect();
            assert_eq!(messages, &expected);
        }
        for id in per_conversation.keys() {
            let detail = app
                .get(&format!("/api/v1/conversations/{id}"), &owner.access)
                .await
                .expect(200);
            assert_eq!(
                detail.body["conversation"]["message_count"],
                MESSAGES as i64
            );
        }
        if backend == Backend::Postgres {
            assert_every_next_message_was_batched(&app);
        }
    }
);

/// After each visitor's first message (which opens the conversation in a transaction of its
/// own), every message was written by a batch: its event was stored numbered in the message's
/// own transaction, never numbered afterwards (which writes a new version of the event row, in
/// another transaction).
fn assert_every_next_message_was_batched(app: &TestApp) {
    #[derive(QueryableByName)]
    struct Tally {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        batched: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        total: i64,
    }
    let mut pg = PgConnection::establish(&app.database_url).unwrap();
    let tally: Tally = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE e.xmin = m.xmin) AS batched, count(*) AS total \
         FROM messages m JOIN events e ON e.conversation_id = m.conversation_id \
         AND e.kind = 'message.created' \
         JOIN event_data d ON d.event_id = e.id AND strpos(d.data, m.id) > 0",
    )
    .get_result(&mut pg)
    .unwrap();
    assert_eq!(tally.total, (VISITORS * MESSAGES) as i64);
    assert_eq!(tally.batched, (VISITORS * (MESSAGES - 1)) as i64);
}
