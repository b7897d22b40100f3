//! The list's tabs, channel filter, counts and keyset pagination.

use std::collections::HashSet;

use chrono::{Duration as ChronoDuration, Utc};
use serde_json::Value;

use crate::both_dbs;
use crate::helpers::*;
use crate::seed::{Seeded, Seeder};

const TABS: [&str; 5] = ["all", "open", "needs_agent", "resolved", "booked"];

/// Every row of a tab and channel, walking the pages.
async fn walk(
    app: &TestApp,
    token: &str,
    tab: &str,
    channel: Option<&str>,
    limit: usize,
) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/conversations?status={tab}&limit={limit}");
        if let Some(channel) = channel {
            path.push_str(&format!("&channel={channel}"));
        }
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&path, token).await.expect(200);
        rows.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return rows,
        }
    }
}

both_dbs!(
    filters_and_counts_agree_with_the_rows_for_every_tab_and_channel,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let seeder = Seeder::open(&app, &owner.tenant_id);
        let now = Utc::now().naive_utc();
        let statuses = ["open", "needs_agent", "resolved"];
        for i in 0..36 {
            let mut spec = Seeded::at(now - ChronoDuration::minutes(5 * i));
            spec.channel = if i % 3 == 0 { "whatsapp" } else { "widget" };
            spec.status = statuses[(i % 4) as usize % 3];
            spec.booked = i % 5 == 0;
            spec.agent_requested = spec.status == "needs_agent";
            seeder.conversation(&spec);
        }
        for channel in [None, Some("widget"), Some("whatsapp")] {
            let mut path = "/api/v1/conversations/counts".to_string();
            if let Some(c) = channel {
                path.push_str(&format!("?channel={c}"));
            }
            let counts = app.get(&path, &owner.access).await.expect(200).body;
            for tab in TABS {
                let rows = walk(&app, &owner.access, tab, channel, 7).await;
                assert_eq!(
                    counts[tab].as_i64().unwrap(),
                    rows.len() as i64,
                    "tab {tab}, channel {channel:?}"
                );
                let ids: HashSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
                assert_eq!(ids.len(), rows.len(), "a row repeated in tab {tab}");
                for row in &rows {
                    if let Some(c) = channel {
                        assert_eq!(row["channel"], c);
                    }
                    let ok = match tab {
                        "open" => row["status"] != "resolved",
                        "needs_agent" => row["status"] == "needs_agent",
                        "resolved" => row["status"] == "resolved",
                        "booked" => row["booked"] == true,
                        _ => true,
                    };
                    assert!(ok, "row {row} does not belong in tab {tab}");
                    if row["channel"] == "whatsapp" {
                        assert!(
                            row["visitor_label"].as_str().unwrap().starts_with("+33"),
                            "WhatsApp rows show the number"
                        );
                    }
                }
                // The longest wait first on Needs agent, newest activity first elsewhere.
                let (column, longest_wait_first) = match tab {
                    "needs_agent" => ("needs_agent_since", true),
                    _ => ("last_activity_at", false),
                };
                let times: Vec<&str> = rows.iter().map(|r| r[column].as_str().unwrap()).collect();
                let mut sorted = times.clone();
                sorted.sort();
                if !longest_wait_first {
                    sorted.reverse();
                }
                assert_eq!(times, sorted, "tab {tab} is not ordered by {column}");
                if tab == "needs_agent" && channel.is_none() {
                    assert!(
                        rows.len() > 7,
                        "several pages of waiting visitors are walked"
                    );
                }
            }
        }
        let all = app
            .get("/api/v1/conversations/counts", &owner.access)
            .await
            .expect(200)
            .body;
        assert_eq!(all["all"], 36);
    }
);

both_dbs!(
    pagination_never_repeats_or_skips_while_conversations_arrive,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let seeder = Seeder::open(&app, &owner.tenant_id);
        let now = Utc::now().naive_utc();
        let mut expected = HashSet::new();
        for i in 0..25 {
            expected.insert(seeder.conversation(&Seeded::at(now - ChronoDuration::minutes(i + 1))));
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut visitors = Vec::new();
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/conversations?limit=4&cursor={c}"),
                None => "/api/v1/conversations?limit=4".to_string(),
            };
            let page = app.get(&path, &owner.access).await.expect(200);
            seen.extend(
                page.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["id"].as_str().unwrap().to_string()),
            );
            // A new conversation arrives between every two pages (at the top of the list).
            visitors.push(app.visitor_says(&key, "new here").await);
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        let unique: HashSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "a row was repeated");
        let first_page_arrivals = unique.difference(&expected).count();
        assert!(
            first_page_arrivals <= 1,
            "only the first page may show an arrival"
        );
        assert!(expected.is_subset(&unique), "a row was skipped");
    }
);

both_dbs!(bad_list_parameters_are_422, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    for query in [
        "status=everything",
        "channel=fax",
        "limit=0",
        "limit=101",
        "cursor=zzz",
    ] {
        let resp = app
            .get(&format!("/api/v1/conversations?{query}"), &owner.access)
            .await;
        assert_eq!(resp.status.as_u16(), 422, "{query}: {}", resp.text);
    }
    app.get("/api/v1/conversations/counts?channel=fax", &owner.access)
        .await
        .expect(422);
});

both_dbs!(
    the_list_filters_on_who_holds_a_conversation,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (_a, mine) = app.visitor_says(&key, "mine").await;
        let (_b, theirs) = app.visitor_says(&key, "theirs").await;
        let (_c, nobodys) = app.visitor_says(&key, "nobody's").await;
        for (who, id) in [(&owner, &mine), (&agent, &theirs)] {
            let join = format!("/api/v1/conversations/{id}/join");
            app.call(reqwest::Method::POST, &join, Some(&who.access), None)
                .await
                .expect(200);
        }
        let ids = |query: &'static str| {
            let (app, token) = (&app, owner.access.clone());
            async move {
                let path = format!("/api/v1/conversations{query}");
                app.item_field(&path, &token, "id").await
            }
        };
        assert_eq!(ids("?assignee=me").await, [mine.as_str()]);
        assert_eq!(ids("?assignee=none").await, [nobodys.as_str()]);
        assert_eq!(
            ids("?assignee=me&status=resolved").await,
            Vec::<String>::new()
        );
        assert_eq!(ids("").await.len(), 3);
        app.get("/api/v1/conversations?assignee=someone", &owner.access)
            .await
            .expect(422);
        // An API key is nobody: it has no conversations of its own.
        let api_key = app.api_key(&owner, "integration").await;
        app.get("/api/v1/conversations?assignee=me", &api_key)
            .await
            .expect(403);
    }
);
