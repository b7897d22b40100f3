//! Extractors: the calling member (authentication), request facts for the audit log, and JSON
//! bodies that fail with our error shape (400 malformed, 413 too large, 415, 422 per field).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::edge::Authenticated;
use crate::domain::member::Member;
use crate::domain::{auth, validate, RequestMeta};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

type LocalFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("AppState is not registered")))
}

/// The bearer credential of the request, if any.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

impl FromRequest for Member {
    type Error = AppError;
    type Future = LocalFuture<Member>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        // Checked before routing (`http::edge`), so this is ready at once and no other
        // extractor's error can come first.
        let checked = req.extensions_mut().remove::<Authenticated>();
        Box::pin(async move {
            let member = match checked {
                Some(Authenticated(outcome)) => outcome?,
                None => {
                    let state = app_state(&req)?;
                    let token = bearer_token(&req).ok_or_else(|| {
                        AppError::unauthorized(ErrorCode::Unauthorized, "Sign in to continue.")
                    })?;
                    auth::authenticate(&state, &token).await?
                }
            };
            // The request log and the API-key audit read it back after the response.
            req.extensions_mut().insert(member.clone());
            Ok(member)
        })
    }
}

/// Client address and user agent, for the audit log and sign-in throttling.
pub struct ClientMeta(pub RequestMeta);

/// The client's address: the socket peer, or `X-Forwarded-For`'s first hop when the operator
/// says a trusted proxy sets it (otherwise anyone could pick their own address).
pub fn client_ip(req: &HttpRequest, trust_proxy_headers: bool) -> Option<String> {
    if trust_proxy_headers {
        if let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        {
            if let Some(first) = forwarded
                .split(',')
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                return Some(first.to_string());
            }
        }
    }
    req.peer_addr().map(|addr| addr.ip().to_string())
}

impl FromRequest for ClientMeta {
    type Error = AppError;
    type Future = std::future::Ready<Result<ClientMeta, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = app_state(req)
            .map(|s| s.config.trust_proxy_headers)
            .unwrap_or(false);
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(200).collect());
        std::future::ready(Ok(ClientMeta(RequestMeta {
            ip: client_ip(req, trust),
            user_agent,
        })))
    }
}

/// A JSON body of `T`. Errors name the failing field (`details.fields`), so forms can show them.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = AppError;
    type Future = LocalFuture<ValidJson<T>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = app_state(req)
            .map(|s| s.config.json_body_limit)
            .unwrap_or(64 * 1024);
        let is_json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(AppError::UnsupportedMediaType("application/json"));
            }
            if declared.is_some_and(|len| len > limit) {
                return Err(AppError::PayloadTooLarge { limit_bytes: limit });
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| AppError::MalformedJson(e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge { limit_bytes: limit });
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(ValidJson)
        })
    }
}

/// Parses a JSON object, telling syntax errors (400) from well-formed JSON of the wrong shape
/// (422). Every request body is an object: serde would also take an array for one, filling
/// its fields by position (`["a","b"]` as a quick reply), which no client means to send.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Err(error) => AppError::MalformedJson(error.to_string()),
                Ok(_) => AppError::invalid_field("body", "must be a JSON object"),
            },
        );
    }
    if validate::json_holds_nul(body) {
        return Err(AppError::invalid_field(
            "body",
            "must not contain the NUL character (\\u0000) in any text",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                AppError::MalformedJson(inner.to_string())
            }
            _ => shape_error(&path, &inner),
        }
    })?;
    // Trailing bytes after a complete value are a syntax error too.
    deserializer
        .end()
        .map_err(|e| AppError::MalformedJson(e.to_string()))?;
    Ok(value)
}

fn shape_error(path: &str, error: &serde_json::Error) -> AppError {
    let message = error.to_string();
    // serde says "missing field `email` at line 1 column 20": name the field, not the position.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        let field = if path == "." || path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        return AppError::invalid_field(&field, "is required");
    }
    let field = if path == "." || path.is_empty() {
        "body"
    } else {
        path
    };
    AppError::invalid_field(field, &message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        age: u8,
        inner: Option<Inner>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
    }

    fn fields(error: AppError) -> serde_json::Value {
        error.body().error.details["fields"].clone()
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        let error = parse_json::<Body>(b"{\"email\": ").unwrap_err();
        assert_eq!(error.code(), ErrorCode::MalformedJson);
        let error = parse_json::<Body>(b"{\"email\":\"a\",\"age\":1} trailing").unwrap_err();
        assert_eq!(error.code(), ErrorCode::MalformedJson);
    }

    #[test]
    fn only_objects_are_bodies() {
        let error = parse_json::<Body>(br#"["a@b.co", 3, null]"#).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ValidationFailed);
        assert_eq!(fields(error)["body"], "must be a JSON object");
        let error = parse_json::<Body>(b"[1, 2").unwrap_err();
        assert_eq!(error.code(), ErrorCode::MalformedJson);
    }

    #[test]
    fn nul_in_any_text_is_refused() {
        let error = parse_json::<Body>(br#"{"email":"a\u0000b","age":1}"#).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ValidationFailed);
    }

    #[test]
    fn shape_errors_name_the_field() {
        let error = parse_json::<Body>(br#"{"age": 3}"#).unwrap_err();
        assert_eq!(fields(error)["email"], "is required");
        let error = parse_json::<Body>(br#"{"email": "a", "age": "old"}"#).unwrap_err();
        assert!(fields(error)["age"]
            .as_str()
            .unwrap()
            .contains("invalid type"));
        let error = parse_json::<Body>(br#"{"email": "a", "age": 1, "inner": {}}"#).unwrap_err();
        assert_eq!(fields(error)["inner.name"], "is required");
    }
}
