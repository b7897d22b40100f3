//! Leads: captured from a conversation (pre-chat answers as defaults), listed, exported.

use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    leads_capture_with_prechat_defaults_list_and_csv,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "pricing?").await;
        visitor.send(json!({ "type": "prechat", "name": "Zoë Café", "email": "zoe@example.com", "phone": "+33 6 12 34 56 78", "fields": { "plan": "team" } })).await;
        visitor.send(json!({ "type": "ping" })).await;
        visitor.recv_type("pong").await;
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &agent.access)
            .await
            .expect(200);
        assert_eq!(detail.body["visitor"]["name"], "Zoë Café");
        assert_eq!(
            detail.body["visitor"]["custom_fields"],
            json!({ "plan": "team" })
        );

        let lead = app
            .post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "email": "Zoe@Example.com", "company": "=cmd|' /C calc'!A0" }),
            )
            .await
            .expect(201);
        assert_eq!(lead.body["email"], "zoe@example.com");
        assert_eq!(
            lead.body["name"], "Zoë Café",
            "defaults from the pre-chat form"
        );
        assert_eq!(lead.body["phone"], "+33 6 12 34 56 78");
        let missing = app
            .post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "name": "x" }),
            )
            .await
            .expect(422);
        assert_eq!(
            missing.body["error"]["details"]["fields"]["email"],
            "is required"
        );
        let bad = app
            .post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "email": "nope", "phone": "1".repeat(41) }),
            )
            .await
            .expect(422);
        assert!(bad.body["error"]["details"]["fields"]["phone"].is_string());
        for i in 0..4 {
            app.post(
                &format!("/api/v1/conversations/{id}/lead"),
                &agent.access,
                json!({ "email": format!("l{i}@example.com") }),
            )
            .await
            .expect(201);
        }
        let page = app
            .get("/api/v1/leads?limit=3", &agent.access)
            .await
            .expect(200);
        assert_eq!(page.body["items"].as_array().unwrap().len(), 3);
        let rest = app
            .get(
                &format!(
                    "/api/v1/leads?limit=3&cursor={}",
                    page.body["next_cursor"].as_str().unwrap()
                ),
                &agent.access,
            )
            .await
            .expect(200);
        assert_eq!(rest.body["items"].as_array().unwrap().len(), 2);
        assert!(rest.body["next_cursor"].is_null());

        let csv = app
            .client
            .get(format!("{}/api/v1/leads", app.base))
            .bearer_auth(&agent.access)
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert!(csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[0].starts_with("id,created_at,email"));
        assert!(text.contains("'=cmd"), "formulas are neutralised");
        assert!(text.contains("Zoë Café"));
    }
);

both_dbs!(
    leads_are_searched_by_email_name_company_or_phone,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let people = [
            json!({ "email": "ana@shop.example", "name": "Ana Lima", "company": "Northwind" }),
            json!({ "email": "ben@beans.example", "name": "Ben", "phone": "+43 660 1234" }),
            json!({ "email": "cho@example.com", "company": "50%_Off Ltd" }),
        ];
        for (i, person) in people.into_iter().enumerate() {
            let (_visitor, id) = app.visitor_says(&key, &format!("hello {i}")).await;
            let path = format!("/api/v1/conversations/{id}/lead");
            app.post(&path, &owner.access, person).await.expect(201);
        }
        let found = |q: &str| {
            let path = format!("/api/v1/leads?q={}", urlencoding(q));
            let (app, token) = (&app, owner.access.clone());
            async move {
                let page = app.get(&path, &token).await.expect(200);
                let emails: Vec<String> = page.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["email"].as_str().unwrap().to_string())
                    .collect();
                emails
            }
        };
        assert_eq!(found("NORTHWIND").await, ["ana@shop.example"]);
        assert_eq!(found("lima").await, ["ana@shop.example"]);
        assert_eq!(found("660 12").await, ["ben@beans.example"]);
        assert_eq!(found("example").await.len(), 3, "newest first, all three");
        assert_eq!(found("example").await[0], "cho@example.com");
        // A % or _ typed is looked for as itself.
        assert_eq!(found("50%_").await, ["cho@example.com"]);
        assert!(found("%").await.len() == 1);
        assert!(found("nobody").await.is_empty());
        let long = "x".repeat(101);
        let refused = app
            .get(&format!("/api/v1/leads?q={long}"), &owner.access)
            .await
            .expect(422);
        assert!(refused.body["error"]["details"]["fields"]["q"].is_string());

        // Another workspace's search finds none of them.
        let other = app.signup("Elsewhere", &email("other")).await;
        let theirs = app
            .get("/api/v1/leads?q=example", &other.access)
            .await
            .expect(200);
        assert_eq!(theirs.body["items"], json!([]));
    }
);

/// Percent-encodes a query value (spaces, `%`, `+`).
fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
