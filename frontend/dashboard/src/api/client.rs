//! Request plumbing shared by every fetcher: same-origin `/api/v1` URLs, JSON bodies, the
//! bearer token, and one transparent token refresh (then one retry) when the server says 401.

use std::cell::RefCell;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_types::auth::{AuthTokens, RefreshRequest};
use switchboard_types::error::{ErrorBody, ErrorCode};

use super::error::ApiError;
use super::session::{self, Tokens};

/// Where the API lives, on the page's own origin.
pub(super) const BASE: &str = "/api/v1";

/// A request kept as data so it can be sent a second time after a refresh.
pub struct Call<'a> {
    method: Method,
    path: &'a str,
    query: &'a [(&'a str, &'a str)],
    body: Option<String>,
    accept: &'a str,
}

impl<'a> Call<'a> {
    pub fn get(path: &'a str) -> Self {
        Call {
            method: Method::GET,
            path,
            query: &[],
            body: None,
            accept: "application/json",
        }
    }

    pub fn post(path: &'a str) -> Self {
        Call {
            method: Method::POST,
            ..Call::get(path)
        }
    }

    pub fn put(path: &'a str) -> Self {
        Call {
            method: Method::PUT,
            ..Call::get(path)
        }
    }

    pub fn delete(path: &'a str) -> Self {
        Call {
            method: Method::DELETE,
            ..Call::get(path)
        }
    }

    pub fn query(self, query: &'a [(&'a str, &'a str)]) -> Self {
        Call { query, ..self }
    }

    /// Asks for another representation than JSON (the leads' `text/csv`).
    pub fn accept(self, accept: &'a str) -> Self {
        Call { accept, ..self }
    }

    pub fn json(self, body: &impl Serialize) -> Self {
        // Our request types are plain structs: serializing them cannot fail.
        let body = serde_json::to_string(body).ok();
        Call { body, ..self }
    }
}

async fn send(call: &Call<'_>, access: Option<&str>) -> Result<Response, ApiError> {
    let mut request = RequestBuilder::new(&format!("{BASE}{}", call.path))
        .method(call.method.clone())
        .query(call.query.iter().copied())
        .header("Accept", call.accept);
    if let Some(token) = access {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let sent = match &call.body {
        Some(json) => {
            let request = request
                .header("Content-Type", "application/json")
                .body(json.as_str())
                .map_err(|_| ApiError::Network)?;
            request.send().await
        }
        None => request.send().await,
    };
    sent.map_err(|_| ApiError::Network)
}

/// Turns a non-2xx answer into an [`ApiError`].
async fn failure(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => ApiError::Server {
            status,
            error: body.error,
        },
        Err(_) => ApiError::Unexpected { status },
    }
}

/// Reads a 2xx JSON body, or the error of any other answer.
pub async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(failure(response).await);
    }
    let status = response.status();
    response
        .json::<T>()
        .await
        .map_err(|_| ApiError::Unexpected { status })
}

/// Reads a 2xx body as text, or the error of any other answer.
pub async fn text(response: Response) -> Result<String, ApiError> {
    if !response.ok() {
        return Err(failure(response).await);
    }
    let status = response.status();
    response
        .text()
        .await
        .map_err(|_| ApiError::Unexpected { status })
}

/// Accepts any 2xx answer and ignores its body (204 and friends).
pub async fn expect_success(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}

/// Sends a request that needs no session (sign-in, invitation pages).
pub async fn public(call: Call<'_>) -> Result<Response, ApiError> {
    send(&call, None).await
}

/// Sends a request as the signed-in member. An expired access token is renewed once and the
/// request retried once; if the session cannot be renewed it ends (and the app goes to /login).
pub async fn signed_in(call: Call<'_>) -> Result<Response, ApiError> {
    let Some(tokens) = session::tokens() else {
        session::end();
        return Err(ApiError::SignedOut);
    };
    let response = send(&call, Some(&tokens.access)).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    let renewed = renew(&tokens.access).await?;
    let retried = send(&call, Some(&renewed.access)).await?;
    if retried.status() == 401 {
        // Fresh tokens refused too: the session was revoked on the server.
        session::end();
        return Err(ApiError::SignedOut);
    }
    Ok(retried)
}

type PendingRefresh = Shared<LocalBoxFuture<'static, Result<Tokens, ApiError>>>;

thread_local! {
    /// The refresh in progress. Refresh tokens work once and reusing one revokes the session, so
    /// requests that hit 401 together must share a single refresh instead of each sending one.
    static REFRESHING: RefCell<Option<PendingRefresh>> = const { RefCell::new(None) };
}

/// Renews the session whose access token `stale_access` was refused: after a 401 here, or when
/// the event socket closes because the token expired. Shares any refresh already in flight.
pub async fn renew(stale_access: &str) -> Result<Tokens, ApiError> {
    match session::tokens() {
        None => Err(ApiError::SignedOut),
        // Another request (or tab) renewed the pair while this one was in flight.
        Some(current) if current.access != stale_access => Ok(current),
        Some(current) => shared_refresh(current.refresh).await,
    }
}

fn shared_refresh(refresh_token: String) -> PendingRefresh {
    REFRESHING.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async move {
                    let outcome = refresh(refresh_token).await;
                    REFRESHING.with(|slot| slot.borrow_mut().take());
                    outcome
                }
                .boxed_local()
                .shared()
            })
            .clone()
    })
}

async fn refresh(refresh_token: String) -> Result<Tokens, ApiError> {
    let call = Call::post("/auth/refresh").json(&RefreshRequest {
        refresh_token: refresh_token.clone(),
    });
    match decode::<AuthTokens>(send(&call, None).await?).await {
        Ok(tokens) => Ok(session::save(&tokens)),
        Err(ApiError::Server { error, .. }) if error.code == ErrorCode::RefreshTokenSuperseded => {
            newer_tokens_from_another_tab(&refresh_token).await
        }
        // A flaky network is no reason to sign someone out; the server refusing the token is.
        Err(ApiError::Server { status, .. } | ApiError::Unexpected { status })
            if (400..500).contains(&status) =>
        {
            session::end();
            Err(ApiError::SignedOut)
        }
        Err(other) => Err(other),
    }
}

/// Another tab refreshed the same pair a moment earlier; its new tokens arrive in localStorage
/// as soon as its answer does.
async fn newer_tokens_from_another_tab(used: &str) -> Result<Tokens, ApiError> {
    for _ in 0..25 {
        if let Some(tokens) = session::tokens().filter(|t| t.refresh != used) {
            return Ok(tokens);
        }
        gloo_timers::future::TimeoutFuture::new(200).await;
    }
    session::end();
    Err(ApiError::SignedOut)
}
