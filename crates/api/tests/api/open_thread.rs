//! PostgreSQL's one-statement append of a visitor's message (`store::open_thread`, the fast path
//! of every chat message): it writes message, conversation and event only if the conversation
//! is still the version that was read — also when the change is still in flight in another
//! transaction — and then all three together.

use std::time::Duration;

use diesel::prelude::*;
use switchboard_api::clock::{new_id, now};
use switchboard_api::store::events::NewEventRecord;
use switchboard_api::store::messages::Message;
use switchboard_api::store::open_thread::{self, OpenThread};
use switchboard_types::messages::{MessageKind, Sender};

use crate::helpers::*;

/// A workspace on PostgreSQL with one visitor whose conversation has one message.
async fn visitor_with_conversation() -> (TestApp, Session, String) {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let (visitor, _) = app.visitor_says(&key, "first").await;
    (app, owner, visitor.visitor_id)
}

fn read(pg: &mut PgConnection, owner: &Session, visitor_id: &str, client_id: &str) -> OpenThread {
    open_thread::read(pg, &owner.tenant_id, visitor_id, client_id)
        .unwrap()
        .expect("the visitor's conversation")
}

/// The next message of `thread`, as the domain would build it.
pub(crate) fn next(thread: &OpenThread, client_id: &str) -> (Message, NewEventRecord, i64) {
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
        tenant_id: c.tenant_id.clone(),
        seq: None,
        kind: "message.created".into(),
        at,
        conversation_id: Some(c.id.clone()),
        visitor_id: Some(c.visitor_id.clone()),
        data: "{}".into(),
    };
    (message, event, c.message_count + 1)
}

/// Appends the next message; returns the staged event's id and the conversation's new version.
fn append(pg: &mut PgConnection, thread: &OpenThread, client_id: &str) -> Option<(i64, String)> {
    let (message, event, count) = next(thread, client_id);
    let mut after = thread.conversation.clone();
    after.message_count = count;
    after.last_activity_at = message.created_at;
    open_thread::append_if_unchanged(pg, &thread.versions, &after, &message, &event).unwrap()
}

/// `thread` as the writer knows it after a successful append: the next one needs no read.
fn after_append(thread: &OpenThread, version: String) -> OpenThread {
    let mut known = thread.clone();
    known.conversation.message_count += 1;
    known.versions.conversation = version;
    known
}

fn run(pg: &mut PgConnection, sql: &str, id: &str) {
    diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(id)
        .execute(pg)
        .unwrap();
}

#[derive(QueryableByName, Debug, PartialEq)]
pub(crate) struct Counts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub messages: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub message_count: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub staged: i64,
}

pub(crate) fn counts(pg: &mut PgConnection, conversation_id: &str) -> Counts {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM messages WHERE conversation_id = $1) AS messages, \
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_changed_since_it_was_read_is_not_written() {
    let (app, owner, visitor_id) = visitor_with_conversation().await;
    let mut pg = connect(&app);
    let thread = read(&mut pg, &owner, &visitor_id, "c-2");
    let id = thread.conversation.id.clone();
    assert_eq!(thread.conversation.message_count, 1);
    assert_eq!(thread.duplicate_of, None);

    // An agent joins between the read and the write.
    app.post(
        &format!("/api/v1/conversations/{id}/join"),
        &owner.access,
        serde_json::json!({}),
    )
    .await
    .expect(200);
    assert_eq!(append(&mut pg, &thread, "c-2"), None);
    let unchanged = Counts {
        messages: 1,
        message_count: 1,
        staged: 0,
    };
    assert_eq!(counts(&mut pg, &id), unchanged);

    // Read again: the new version is written, all three rows at once.
    let thread = read(&mut pg, &owner, &visitor_id, "c-2");
    assert_eq!(thread.assignee_name.as_deref(), Some("Owner"));
    assert!(append(&mut pg, &thread, "c-2").is_some());
    let written = Counts {
        messages: 2,
        message_count: 2,
        staged: 1,
    };
    assert_eq!(counts(&mut pg, &id), written);

    // The same client id again is found by the read, so it is never written twice.
    let thread = read(&mut pg, &owner, &visitor_id, "c-2");
    assert!(thread.duplicate_of.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_message_needs_no_read_until_the_visitor_or_the_agent_changes() {
    let (app, owner, visitor_id) = visitor_with_conversation().await;
    let mut pg = connect(&app);
    app.post(
        &format!(
            "/api/v1/conversations/{}/join",
            read(&mut pg, &owner, &visitor_id, "x").conversation.id
        ),
        &owner.access,
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let thread = read(&mut pg, &owner, &visitor_id, "c-2");
    let id = thread.conversation.id.clone();

    // Two messages in a row from what the first write returned.
    let (_, version) = append(&mut pg, &thread, "c-2").expect("first");
    let known = after_append(&thread, version);
    let (_, version) = append(&mut pg, &known, "c-3").expect("second, without a read");
    let known = after_append(&known, version);
    assert_eq!(counts(&mut pg, &id).messages, 3);

    // The visitor's pre-chat name changes: what the writer knows is out of date.
    run(
        &mut pg,
        "UPDATE visitors SET name = 'Vera' WHERE id = $1",
        &visitor_id,
    );
    assert_eq!(append(&mut pg, &known, "c-4"), None);
    let known = read(&mut pg, &owner, &visitor_id, "c-4");
    assert_eq!(known.visitor_name.as_deref(), Some("Vera"));

    // So does the agent's name.
    run(
        &mut pg,
        "UPDATE users SET name = 'Olga' WHERE id = $1",
        &owner.user_id,
    );
    assert_eq!(append(&mut pg, &known, "c-4"), None);
    let known = read(&mut pg, &owner, &visitor_id, "c-4");
    assert_eq!(known.assignee_name.as_deref(), Some("Olga"));
    assert!(append(&mut pg, &known, "c-4").is_some());
    assert_eq!(counts(&mut pg, &id).messages, 4);
    assert_eq!(counts(&mut pg, &id).message_count, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_flight_is_waited_for_then_respected() {
    let (app, owner, visitor_id) = visitor_with_conversation().await;
    for (outcome, expect_written) in [("COMMIT", false), ("ROLLBACK", true)] {
        let mut pg = connect(&app);
        let thread = read(&mut pg, &owner, &visitor_id, &format!("c-{outcome}"));
        let id = thread.conversation.id.clone();
        let before = counts(&mut pg, &id);

        // Another transaction changes the row and has not ended yet.
        let mut other = connect(&app);
        diesel::sql_query("BEGIN").execute(&mut other).unwrap();
        diesel::sql_query("UPDATE conversations SET booked = NOT booked WHERE id = $1")
            .bind::<diesel::sql_types::Text, _>(&id)
            .execute(&mut other)
            .unwrap();
        let writer = std::thread::spawn(move || {
            let client_id = format!("c-{outcome}");
            (append(&mut pg, &thread, &client_id), pg)
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!writer.is_finished(), "the append waits for the row");
        diesel::sql_query(outcome).execute(&mut other).unwrap();
        let (appended, mut pg) = writer.join().unwrap();

        assert_eq!(appended.is_some(), expect_written, "after {outcome}");
        let after = counts(&mut pg, &id);
        let added = i64::from(expect_written);
        assert_eq!(after.messages, before.messages + added);
        assert_eq!(after.message_count, before.message_count + added);
        assert_eq!(after.staged, before.staged + added);
    }
}
