//! Ratings: the visitor rates, the conversation and the Overview show it.

use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    ratings_from_the_visitor_show_on_the_conversation,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "thanks").await;
        visitor.send(json!({ "type": "rating", "stars": 4, "categories": ["Helpful", "Fast"], "comment": "Quick answer 👍" })).await;
        visitor.recv_type("rating_saved").await;
        let detail = app
            .get(&format!("/api/v1/conversations/{id}"), &owner.access)
            .await
            .expect(200);
        assert_eq!(detail.body["rating"]["stars"], 4);
        assert_eq!(
            detail.body["rating"]["categories"],
            json!(["Helpful", "Fast"])
        );
        assert_eq!(detail.body["rating"]["comment"], "Quick answer 👍");
        let list = app
            .get("/api/v1/conversations", &owner.access)
            .await
            .expect(200);
        assert_eq!(list.body["items"][0]["rating"], 4);

        for (frame, code) in [
            (json!({ "type": "rating", "stars": 6 }), "validation_failed"),
            (
                json!({ "type": "rating", "stars": 3, "categories": ["Rude"] }),
                "validation_failed",
            ),
            (
                json!({ "type": "rating", "stars": 3, "comment": "x".repeat(1001) }),
                "validation_failed",
            ),
        ] {
            visitor.send(frame).await;
            assert_eq!(visitor.recv_type("error").await["code"], code);
        }
        // Rating again replaces the first; the average counts it once.
        visitor.send(json!({ "type": "rating", "stars": 2 })).await;
        visitor.recv_type("rating_saved").await;
        let overview = app
            .get("/api/v1/stats/overview", &owner.access)
            .await
            .expect(200);
        assert_eq!(overview.body["average_rating"], 2.0);
    }
);

both_dbs!(
    reviews_list_filter_and_sum_up_the_ratings,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        for (stars, categories, comment) in [
            (5, json!(["Fast"]), "Lovely"),
            (4, json!(["Helpful", "Fast"]), "Good"),
            (2, json!([]), "Slow reply"),
        ] {
            let (mut visitor, id) = app.visitor_says(&key, &format!("{stars} stars")).await;
            if stars == 4 {
                let join = format!("/api/v1/conversations/{id}/join");
                app.call(reqwest::Method::POST, &join, Some(&owner.access), None)
                    .await
                    .expect(200);
            }
            let frame = json!({ "type": "rating", "stars": stars, "categories": categories, "comment": comment });
            visitor.send(frame).await;
            visitor.recv_type("rating_saved").await;
        }
        let list = |query: &'static str| {
            let (app, token) = (&app, owner.access.clone());
            async move {
                let page = app
                    .get(&format!("/api/v1/ratings{query}"), &token)
                    .await
                    .expect(200);
                page.body["items"].as_array().unwrap().clone()
            }
        };
        let all = list("").await;
        let stars: Vec<i64> = all.iter().map(|r| r["stars"].as_i64().unwrap()).collect();
        assert_eq!(stars, [2, 4, 5], "newest first");
        assert_eq!(
            all[1]["agent"]["id"],
            owner.user_id.as_str(),
            "who handled it"
        );
        assert!(all[0]["agent"].is_null());
        assert!(all[0]["visitor_label"].is_string());
        assert_eq!(list("?stars=5").await.len(), 1);
        let fast: Vec<i64> = list("?category=Fast")
            .await
            .iter()
            .map(|r| r["stars"].as_i64().unwrap())
            .collect();
        assert_eq!(fast, [4, 5]);
        assert!(list("?category=Rude").await.is_empty());
        let paged = app
            .get("/api/v1/ratings?limit=2", &owner.access)
            .await
            .expect(200);
        let cursor = paged.body["next_cursor"].as_str().unwrap().to_string();
        let rest = app
            .get(
                &format!("/api/v1/ratings?limit=2&cursor={cursor}"),
                &owner.access,
            )
            .await
            .expect(200);
        assert_eq!(rest.body["items"][0]["stars"], 5);

        let summary = app
            .get("/api/v1/ratings/summary?days=7", &owner.access)
            .await
            .expect(200);
        assert_eq!(summary.body["count"], 3);
        assert_eq!(summary.body["average"], 3.67);
        assert_eq!(summary.body["distribution"], json!([0, 1, 0, 1, 1]));
        app.get("/api/v1/ratings?stars=6", &owner.access)
            .await
            .expect(422);
        app.get("/api/v1/ratings/summary?days=0", &owner.access)
            .await
            .expect(422);

        // Agents do not see Reviews; another workspace sees none of these.
        let agent = app.add_member(&owner, &email("agent"), "agent").await;
        app.get("/api/v1/ratings", &agent.access).await.expect(403);
        let other = app.signup("Elsewhere", &email("other")).await;
        let theirs = app.get("/api/v1/ratings", &other.access).await.expect(200);
        assert_eq!(theirs.body["items"], json!([]));
        let theirs = app
            .get("/api/v1/ratings/summary", &other.access)
            .await
            .expect(200);
        assert_eq!(theirs.body["count"], 0);
    }
);
