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
