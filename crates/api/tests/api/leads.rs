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
