//! A typed client for the tests: `app.as_(&agent).join(&conversation)` sends the documented
//! request and returns the documented response type, or the refusal with its typed code, so a
//! test states what it does instead of building paths and picking JSON apart.

#![allow(dead_code)]

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use switchboard_types::conversations::{
    ConversationDetail, ConversationRow, SuggestionsView, TabCounts,
};
use switchboard_types::error::{ErrorBody, ErrorCode};
use switchboard_types::handoffs::HandoffView;
use switchboard_types::leads::LeadView;
use switchboard_types::messages::MessageView;
use switchboard_types::page::Page;
use switchboard_types::quick_replies::QuickReplyView;

use crate::helpers::{Session, TestApp};

/// A refused request: its status and the error body's typed code.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: u16,
    pub code: ErrorCode,
    pub body: Value,
}

/// What a call gives: the documented response, or why it was refused.
pub type Answer<T> = Result<T, Refusal>;

/// A member (or an API key) calling the API.
pub struct Client<'a> {
    app: &'a TestApp,
    token: String,
}

impl TestApp {
    /// The API as `who` calls it.
    pub fn as_(&self, who: &Session) -> Client<'_> {
        self.with_token(&who.access)
    }

    /// The API as a bearer token (an access token or an API key) calls it.
    pub fn with_token(&self, token: &str) -> Client<'_> {
        Client {
            app: self,
            token: token.to_string(),
        }
    }
}

impl Client<'_> {
    /// Sends a request and decodes a 2xx answer as `T` (no content reads as JSON `null`).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer<T> {
        let resp = self.app.call(method, path, Some(&self.token), body).await;
        let status = resp.status.as_u16();
        if !(200..300).contains(&status) {
            let code = serde_json::from_value::<ErrorBody>(resp.body.clone())
                .map(|b| b.error.code)
                .unwrap_or(ErrorCode::Unknown);
            return Err(Refusal {
                status,
                code,
                body: resp.body,
            });
        }
        Ok(
            serde_json::from_value(resp.body.clone()).unwrap_or_else(|e| {
                panic!(
                    "{path} answered {status} with an undocumented body ({e}): {}",
                    resp.text
                )
            }),
        )
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, body: Value) -> Answer<T> {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Answer<T> {
        self.call(Method::GET, path, None).await
    }

    // Conversations.

    /// A page of the list (`status` is a tab: all, open, needs_agent, resolved, booked).
    pub async fn conversations(&self, query: &str) -> Answer<Page<ConversationRow>> {
        self.get(&format!("/api/v1/conversations?{query}")).await
    }

    /// The tab counts.
    pub async fn counts(&self) -> Answer<TabCounts> {
        self.get("/api/v1/conversations/counts").await
    }

    /// The detail panel.
    pub async fn detail(&self, conversation: &str) -> Answer<ConversationDetail> {
        self.get(&format!("/api/v1/conversations/{conversation}"))
            .await
    }

    /// The newest page of the thread.
    pub async fn messages(&self, conversation: &str) -> Answer<Page<MessageView>> {
        self.get(&format!("/api/v1/conversations/{conversation}/messages"))
            .await
    }

    /// Takes the join lock.
    pub async fn join(&self, conversation: &str) -> Answer<ConversationDetail> {
        let path = format!("/api/v1/conversations/{conversation}/join");
        self.call(Method::POST, &path, None).await
    }

    /// Takes the join lock over from its holder (admins and the owner).
    pub async fn take_over(&self, conversation: &str) -> Answer<ConversationDetail> {
        let path = format!("/api/v1/conversations/{conversation}/join?force=true");
        self.call(Method::POST, &path, None).await
    }

    /// Releases the join lock.
    pub async fn leave(&self, conversation: &str) -> Answer<ConversationDetail> {
        let path = format!("/api/v1/conversations/{conversation}/leave");
        self.call(Method::POST, &path, None).await
    }

    /// Sends an agent message with its idempotency key.
    pub async fn say(
        &self,
        conversation: &str,
        client_id: &str,
        body: &str,
    ) -> Answer<MessageView> {
        let path = format!("/api/v1/conversations/{conversation}/messages");
        self.post(
            &path,
            json!({ "client_message_id": client_id, "body": body }),
        )
        .await
    }

    /// Resolves the conversation.
    pub async fn resolve(&self, conversation: &str) -> Answer<ConversationDetail> {
        let path = format!("/api/v1/conversations/{conversation}/resolve");
        self.call(Method::POST, &path, None).await
    }

    /// Reopens a resolved conversation.
    pub async fn reopen(&self, conversation: &str) -> Answer<ConversationDetail> {
        let path = format!("/api/v1/conversations/{conversation}/reopen");
        self.call(Method::POST, &path, None).await
    }

    /// The copilot's suggested replies.
    pub async fn suggestions(&self, conversation: &str) -> Answer<SuggestionsView> {
        let path = format!("/api/v1/conversations/{conversation}/suggestions");
        self.call(Method::POST, &path, None).await
    }

    // Handoffs.

    /// Moves the conversation to `to` at once.
    pub async fn transfer(
        &self,
        conversation: &str,
        to: &Session,
        reason: Option<&str>,
    ) -> Answer<ConversationDetail> {
        let path = format!("/api/v1/conversations/{conversation}/transfer");
        self.post(&path, json!({ "to_user_id": to.user_id, "reason": reason }))
            .await
    }

    /// Asks `to` to take the conversation.
    pub async fn delegate(
        &self,
        conversation: &str,
        to: &Session,
        reason: Option<&str>,
    ) -> Answer<HandoffView> {
        let path = format!("/api/v1/conversations/{conversation}/delegations");
        self.post(&path, json!({ "to_user_id": to.user_id, "reason": reason }))
            .await
    }

    /// Accepts a delegation made to the caller.
    pub async fn accept(&self, delegation: &str) -> Answer<HandoffView> {
        let path = format!("/api/v1/delegations/{delegation}/accept");
        self.call(Method::POST, &path, None).await
    }

    /// Rejects a delegation made to the caller.
    pub async fn reject(&self, delegation: &str) -> Answer<HandoffView> {
        let path = format!("/api/v1/delegations/{delegation}/reject");
        self.call(Method::POST, &path, None).await
    }

    /// Withdraws a delegation the caller made.
    pub async fn cancel(&self, delegation: &str) -> Answer<HandoffView> {
        let path = format!("/api/v1/delegations/{delegation}/cancel");
        self.call(Method::POST, &path, None).await
    }

    // Leads and quick replies.

    /// Captures a lead from the conversation.
    pub async fn capture_lead(&self, conversation: &str, lead: Value) -> Answer<LeadView> {
        let path = format!("/api/v1/conversations/{conversation}/lead");
        self.post(&path, lead).await
    }

    /// Creates a quick reply.
    pub async fn create_quick_reply(
        &self,
        shortcut: &str,
        title: &str,
        body: &str,
    ) -> Answer<QuickReplyView> {
        let reply = json!({ "shortcut": shortcut, "title": title, "body": body });
        self.post("/api/v1/quick-replies", reply).await
    }

    /// The quick replies whose shortcut starts with `prefix` (all with an empty one).
    pub async fn quick_replies(&self, prefix: &str) -> Answer<Vec<QuickReplyView>> {
        self.get(&format!("/api/v1/quick-replies?prefix={prefix}"))
            .await
    }
}

/// Asserts a refusal's status and code.
#[track_caller]
pub fn refused<T: std::fmt::Debug>(answer: Answer<T>, status: u16, code: ErrorCode) -> Refusal {
    let refusal = answer.expect_err("the call should have been refused");
    assert_eq!(
        (refusal.status, refusal.code),
        (status, code),
        "{}",
        refusal.body
    );
    refusal
}
