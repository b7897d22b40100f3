//! The Overview's numbers against a seeded, known history, per role.

use chrono::{Duration as ChronoDuration, NaiveTime, Utc};
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;
use crate::seed::{Seeded, Seeder};

both_dbs!(
    overview_matches_hand_computed_values_per_role,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let other = app.add_member(&owner, &email("other"), "agent").await;
        let seeder = Seeder::open(&app, &owner.tenant_id);
        // Noon UTC today and N days back: every event of a conversation lands on its own day.
        let noon = Utc::now()
            .date_naive()
            .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        let day = |back: i64| noon - ChronoDuration::days(back);

        // Today: resolved by the agent, rated 5, booked, 1 customer + 2 AI + 1 agent messages.
        let mut s = Seeded::at(day(0));
        s.status = "resolved";
        s.assignee = Some(agent.user_id.clone());
        s.resolved_by = Some(agent.user_id.clone());
        s.rating = Some(5);
        s.booked = true;
        s.messages = vec!["customer", "ai", "ai", "agent"];
        seeder.conversation(&s);
        // Today: held by the agent, open, asked for a human before.
        let mut s = Seeded::at(day(0));
        s.assignee = Some(agent.user_id.clone());
        s.agent_requested = true;
        s.messages = vec!["customer", "agent"];
        seeder.conversation(&s);
        // Two days ago: waiting for a human, unassigned.
        let mut s = Seeded::at(day(2));
        s.status = "needs_agent";
        s.agent_requested = true;
        s.messages = vec!["customer", "ai"];
        seeder.conversation(&s);
        // Five days ago: resolved by the other agent, rated 2.
        let mut s = Seeded::at(day(5));
        s.status = "resolved";
        s.assignee = Some(other.user_id.clone());
        s.resolved_by = Some(other.user_id.clone());
        s.rating = Some(2);
        s.messages = vec!["customer", "agent", "agent"];
        seeder.conversation(&s);
        // Twenty days ago (outside the charts): open, unassigned, one AI message.
        let mut s = Seeded::at(day(20));
        s.messages = vec!["customer", "ai"];
        seeder.conversation(&s);

        let team = app
            .get("/api/v1/stats/overview", &owner.access)
            .await
            .expect(200)
            .body;
        assert_eq!(team["view"], "team");
        assert_eq!(team["total_sessions"], 5);
        assert_eq!(
            team["messages_sent"],
            json!({ "total": 8, "ai": 4, "agent": 4 })
        );
        assert_eq!(team["bookings_made"], 1);
        assert_eq!(team["resolved"], 2);
        assert_eq!(team["documents_ready"], 0);
        assert_eq!(team["resolution_rate"], 40.0);
        assert_eq!(team["average_rating"], 3.5);
        assert_eq!(team["agent_requests"], 2);
        let series = &team["series"];
        assert_eq!(series["days"].as_array().unwrap().len(), 14);
        assert_eq!(
            series["days"][13],
            Utc::now().date_naive().format("%Y-%m-%d").to_string()
        );
        let zeros_but = |pairs: &[(usize, i64)]| {
            let mut v = vec![0i64; 14];
            for (i, n) in pairs {
                v[*i] = *n;
            }
            json!(v)
        };
        assert_eq!(series["sessions"], zeros_but(&[(13, 2), (11, 1), (8, 1)]));
        assert_eq!(series["resolved"], zeros_but(&[(13, 1), (8, 1)]));
        assert_eq!(series["messages"], zeros_but(&[(13, 4), (11, 1), (8, 2)]));
        assert_eq!(series["bookings"], zeros_but(&[(13, 1)]));
        // The conversation of twenty days ago is in the 14 days before the charts.
        assert_eq!(
            team["previous"],
            json!({ "sessions": 1, "resolved": 0, "messages": 1, "bookings": 0 })
        );

        let mine = app
            .get("/api/v1/stats/overview", &agent.access)
            .await
            .expect(200)
            .body;
        assert_eq!(
            mine,
            json!({ "view": "agent", "my_open_sessions": 1, "resolved_by_me": 1, "open_queue": 2, "needs_agent": 1 })
        );
        let theirs = app
            .get("/api/v1/stats/overview", &other.access)
            .await
            .expect(200)
            .body;
        assert_eq!(
            theirs,
            json!({ "view": "agent", "my_open_sessions": 0, "resolved_by_me": 1, "open_queue": 2, "needs_agent": 1 })
        );
    }
);

both_dbs!(
    daily_series_follow_the_workspace_time_zone,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        app.put(
            "/api/v1/settings",
            &owner.access,
            json!({ "time_zone": "Pacific/Kiritimati" }),
        )
        .await
        .expect(200);
        let seeder = Seeder::open(&app, &owner.tenant_id);
        // Kiritimati is UTC+14: 11:00 UTC today is already tomorrow's 01:00 there.
        let tz: chrono_tz::Tz = "Pacific/Kiritimati".parse().unwrap();
        let at = Utc::now().naive_utc() - ChronoDuration::minutes(1);
        seeder.conversation(&Seeded::at(at));
        let local_day = at
            .and_utc()
            .with_timezone(&tz)
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let team = app
            .get("/api/v1/stats/overview", &owner.access)
            .await
            .expect(200)
            .body;
        let days = team["series"]["days"].as_array().unwrap();
        let index = days
            .iter()
            .position(|d| d == local_day.as_str())
            .expect("the local day is charted");
        assert_eq!(team["series"]["sessions"][index], 1);
    }
);
