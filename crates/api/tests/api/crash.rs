//! `kill -9` while visitors are sending: after a restart every acknowledged message is stored,
//! and a dashboard that resumes receives every event.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;
use crate::sockets::{EventSocket, VisitorSocket};

both_dbs!(
    acknowledged_messages_survive_a_crash_and_dashboards_resume,
    |backend| async move {
        let mut app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let mut dashboard = EventSocket::connect(&app, &owner.access, None).await;
        let start = dashboard.hello["seq"].as_i64().unwrap();

        // Five visitors send as fast as acknowledgements come back.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut senders = Vec::new();
        for v in 0..5 {
            let mut visitor = VisitorSocket::connect(&app, &key, None).await;
            let stop = stop_rx.clone();
            senders.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0.. {
                if *stop.borrow() {
                    break;
                }
                let client_id = format!("v{v}-{i}");
                if !visitor.try_send(json!({ "type": "message", "client_id": client_id, "text": format!("visitor {v} message {i}") })).await {
                    break;
                }
                match visitor.try_recv_type("ack", Duration::from_secs(2)).await {
                    Some(ack) => acked.push((ack["conversation_id"].as_str().unwrap().to_string(), ack["message_id"].as_str().unwrap().to_string())),
                    None => break,
                }
            }
            acked
        }));
        }
        // Read some events live, then crash mid-stream.
        let mut last = start;
        for _ in 0..10 {
            let event = dashboard.recv().await;
            assert_eq!(event["seq"].as_i64().unwrap(), last + 1);
            last += 1;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.kill_hard();
        let _ = stop_tx.send(true);
        let mut acked = Vec::new();
        for sender in senders {
            acked.extend(sender.await.unwrap());
        }
        assert!(
            acked.len() >= 10,
            "the visitors did send ({} acked)",
            acked.len()
        );

        app.restart();
        // Every acknowledged message is in the database.
        let mut stored = HashSet::new();
        let conversations: HashSet<&String> = acked.iter().map(|(c, _)| c).collect();
        for c in conversations {
            let mut cursor = String::new();
            loop {
                let page = app
                    .get(
                        &format!("/api/v1/conversations/{c}/messages?limit=100{cursor}"),
                        &owner.access,
                    )
                    .await
                    .expect(200);
                stored.extend(
                    page.body["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|m| m["id"].as_str().unwrap().to_string()),
                );
                match page.body["next_cursor"].as_str() {
                    Some(next) => cursor = format!("&before={next}"),
                    None => break,
                }
            }
        }
        let lost: Vec<_> = acked.iter().filter(|(_, m)| !stored.contains(m)).collect();
        assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");

        // The dashboard resumes from where it was and receives every event, in order, with no gap:
        // events committed before the crash but not yet numbered are numbered at start-up.
        let latest = EventSocket::connect(&app, &owner.access, None).await.hello["seq"]
            .as_i64()
            .unwrap();
        let mut resumed = EventSocket::connect(&app, &owner.access, Some(last)).await;
        while last < latest {
            let event = resumed.recv().await;
            assert_eq!(
                event["seq"].as_i64().unwrap(),
                last + 1,
                "gap after the crash"
            );
            last += 1;
        }
        // Every acknowledged message reaches a dashboard that resumes from before the crash, in
        // order with no gap, among the events numbered by the time the restarted process serves
        // (an event the killed process had committed but not yet numbered is numbered then).
        let mut from_start = EventSocket::connect(&app, &owner.access, Some(start)).await;
        let mut with_events = HashSet::new();
        let mut position = start;
        while position < latest {
            let event = from_start.recv().await;
            let seq = event["seq"].as_i64().unwrap();
            assert_eq!(seq, position + 1, "gap in the resumed stream: {event}");
            position = seq;
            if event["type"] == "message.created" {
                with_events.insert(event["data"]["message"]["id"].as_str().unwrap().to_string());
            }
        }
        let missing: Vec<_> = acked
            .iter()
            .filter(|(_, m)| !with_events.contains(m))
            .collect();
        assert!(
            missing.is_empty(),
            "acknowledged messages without an event: {missing:?}"
        );
        let counts = app
            .get("/api/v1/conversations/counts", &owner.access)
            .await
            .expect(200);
        assert_eq!(counts.body["all"], 5);
    }
);

both_dbs!(
    events_a_killed_process_left_unnumbered_are_numbered_before_the_restart_serves,
    |backend| async move {
        let mut app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let me = app.get("/api/v1/me", &owner.access).await.expect(200);
        let tenant_id = me.body["tenant"]["id"].as_str().unwrap().to_string();
        let last = EventSocket::connect(&app, &owner.access, None).await.hello["seq"]
            .as_i64()
            .unwrap();
        app.kill_hard();

        // What the killed process left: an event it committed just now and never numbered
        // (younger than the periodic sweep's threshold).
        stage_unnumbered_event(
            &app.database_url,
            &tenant_id,
            chrono::Utc::now().naive_utc(),
        );

        app.restart();
        let mut resumed = EventSocket::connect(&app, &owner.access, Some(last)).await;
        assert_eq!(
            resumed.hello["seq"].as_i64(),
            Some(last + 1),
            "not numbered at start-up: {}",
            resumed.hello
        );
        let event = resumed.recv().await;
        assert_eq!(event["seq"].as_i64(), Some(last + 1), "{event}");
        assert_eq!(event["data"]["user_id"], "left-behind");
    }
);
