//! Attachments: sniffed, limited, served safely, and sent in messages.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    attachments_are_sniffed_limited_served_safely_and_sent,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let owner = app.signup("Acme", &email("owner")).await;
        let key = app.widget_key(&owner).await;
        let (mut visitor, id) = app.visitor_says(&key, "can you send a picture?").await;

        // The content decides, not the name or the declared type.
        let image = upload(
            &app,
            &owner.access,
            "../../photo.pdf",
            PNG.to_vec(),
            "application/pdf",
        )
        .await
        .expect(201);
        assert_eq!(image.body["kind"], "image");
        assert_eq!(image.body["content_type"], "image/png");
        assert_eq!(image.body["filename"], "photo.pdf");
        let disguised = upload(
            &app,
            &owner.access,
            "cat.png",
            b"<html><script>alert(1)</script>".to_vec(),
            "image/png",
        )
        .await
        .expect(422);
        assert_eq!(disguised.code(), "unsupported_file_type");
        let mut big = PNG.to_vec();
        big.resize(10 * 1024 * 1024 + 1, 0);
        upload(&app, &owner.access, "big.png", big, "image/png")
            .await
            .expect(413);
        let text = upload(
            &app,
            &owner.access,
            "notes.txt",
            b"plain notes".to_vec(),
            "text/plain",
        )
        .await
        .expect(201);
        assert_eq!(text.body["kind"], "file");

        // Served by its signed link without a token, with the sniffed type and safe headers.
        let url = image.body["url"].as_str().unwrap();
        let served = app
            .client
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200);
        assert_eq!(served.headers()["content-type"], "image/png");
        assert_eq!(served.headers()["x-content-type-options"], "nosniff");
        assert!(served.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"));
        assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
        let tampered = url.replace("signature=", "signature=0");
        app.call(Method::GET, &tampered, None, None)
            .await
            .expect(401);
        let attachment_id = image.body["id"].as_str().unwrap();
        app.call(
            Method::GET,
            &format!("/api/v1/attachments/{attachment_id}"),
            None,
            None,
        )
        .await
        .expect(401);
        let doc = app
            .get(
                &format!("/api/v1/attachments/{}", text.body["id"].as_str().unwrap()),
                &owner.access,
            )
            .await
            .expect(200);
        assert!(doc.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));

        // Sent in the conversation, the visitor gets it with a working link.
        app.call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/join"),
            Some(&owner.access),
            None,
        )
        .await
        .expect(200);
        let sent = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &owner.access,
                json!({ "client_message_id": "img", "attachment_id": attachment_id }),
            )
            .await
            .expect(201);
        assert_eq!(sent.body["kind"], "image");
        let frame = visitor.recv_reply().await;
        assert_eq!(frame["message"]["attachment"]["id"], attachment_id);
        let visitor_url = frame["message"]["attachment"]["url"].as_str().unwrap();
        assert_eq!(
            app.client
                .get(format!("{}{visitor_url}", app.base))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );

        // Another tenant cannot read it with its token, nor attach it.
        let other = app.signup("Other", &email("other")).await;
        app.get(
            &format!("/api/v1/attachments/{attachment_id}"),
            &other.access,
        )
        .await
        .expect(404);
    }
);
