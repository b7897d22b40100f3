//! On PostgreSQL with autovacuum off (as on the machine CI runs on), the server vacuums and
//! analyzes its own tables once enough of their rows changed (`db::maintenance`); with
//! autovacuum on, it leaves them to autovacuum.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::helpers::*;

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    by_us: i64,
    #[diesel(sql_type = Text)]
    autovacuum: String,
}

/// How often `messages` was analyzed by a plain ANALYZE or VACUUM (ANALYZE), not autovacuum.
fn messages_analyzed(pg: &mut PgConnection) -> Counts {
    diesel::sql_query(
        "SELECT analyze_count AS by_us, current_setting('autovacuum') AS autovacuum \
         FROM pg_stat_user_tables WHERE relname = 'messages'",
    )
    .get_result(pg)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_are_analyzed_by_the_server_only_when_autovacuum_is_off() {
    let app = TestApp::spawn_with(
        Backend::Postgres,
        &[
            ("DB_MAINTENANCE_SECS", "1"),
            ("WIDGET_MESSAGES_PER_SECOND", "100"),
        ],
    )
    .await;
    let owner = app.signup("Acme", &email("owner")).await;
    let key = app.widget_key(&owner).await;
    let (mut visitor, _) = app.visitor_says(&key, "hello").await;
    // Past autovacuum's default threshold for a new table: 50 changed rows.
    for i in 0..60 {
        visitor.say(&format!("message {i}")).await;
    }
    let mut pg = PgConnection::establish(&app.database_url).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let counts = loop {
        let counts = messages_analyzed(&mut pg);
        if counts.by_us > 0 || Instant::now() > deadline {
            break counts;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    match counts.autovacuum.as_str() {
        "off" => assert!(counts.by_us > 0, "messages was never analyzed"),
        _ => assert_eq!(counts.by_us, 0, "the server analyzed beside autovacuum"),
    }
}
