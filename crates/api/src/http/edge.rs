//! What every request meets before routing: a NUL character anywhere in the address is refused,
//! a method the path does not have gets 405 with `Allow` (in our error shape, from the same
//! route list as the OpenAPI document), and a bearer credential is checked before any
//! extractor looks at the body or the query, so a bad credential is always a 401.
//!
//! Why authentication here and not only in the `Member` extractor: actix polls a handler's
//! extractors together and answers with the first error that is ready. A credential that needs
//! a database lookup (an API key, a session) is not ready at once, so a malformed body or query
//! beside it used to win, and the same request got 422 or 401 by chance.

use std::sync::OnceLock;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::HttpMessage;

use super::extract::bearer_token;
use crate::domain::auth;
use crate::domain::member::Member;
use crate::error::AppError;
use crate::state::AppState;

/// The outcome of checking the request's bearer credential, waiting for the `Member`
/// extractor to take it.
pub struct Authenticated(pub Result<Member, AppError>);

/// The middleware (`actix_web::middleware::from_fn`).
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Err(error) = refuse_nul(req.uri()).and_then(|()| check_method(&req)) {
        return Ok(req.error_response(error));
    }
    if let Some(allow) = options_answer(&req) {
        return Ok(req.into_response(allow));
    }
    if needs_member_check(&req) {
        if let Some(state) = req.app_data::<actix_web::web::Data<AppState>>().cloned() {
            let token = bearer_token(req.request()).unwrap_or_default();
            let outcome = auth::authenticate(&state, &token).await;
            req.extensions_mut().insert(Authenticated(outcome));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// REST calls with a bearer credential. The widget's own endpoints carry a visitor token
/// instead, and public endpoints (sign-in) without one are left to their handlers.
fn needs_member_check(req: &ServiceRequest) -> bool {
    req.path().starts_with("/api/v1/") && bearer_token(req.request()).is_some()
}

/// 422 when the path or the query holds a NUL character (`%00`): no text we store or look up
/// may contain one (PostgreSQL cannot store it), so it is refused once, here, for every route.
fn refuse_nul(uri: &actix_web::http::Uri) -> Result<(), AppError> {
    if uri.path().contains("%00") {
        return Err(AppError::invalid_field(
            "path",
            "must not contain the NUL character (%00)",
        ));
    }
    if uri.query().is_some_and(|q| q.contains("%00")) {
        return Err(AppError::invalid_field(
            "query",
            "must not contain the NUL character (%00)",
        ));
    }
    Ok(())
}

/// 405 when the path is one of ours but not with this method.
fn check_method(req: &ServiceRequest) -> Result<(), AppError> {
    let Some(allow) = methods_of(req.path()) else {
        return Ok(());
    };
    let method = req.method();
    if allow.iter().any(|m| *m == method.as_str()) || *method == Method::OPTIONS {
        return Ok(());
    }
    Err(AppError::MethodNotAllowed {
        method: method.to_string(),
        allow: allow.clone(),
    })
}

/// `OPTIONS` on one of our paths: 204 with the methods it has (there is no cross-origin
/// access to negotiate; the widget talks to its own origin).
fn options_answer(req: &ServiceRequest) -> Option<actix_web::HttpResponse> {
    if req.method() != Method::OPTIONS {
        return None;
    }
    let allow = methods_of(req.path())?;
    Some(
        actix_web::HttpResponse::NoContent()
            .insert_header((actix_web::http::header::ALLOW, allow.join(", ")))
            .finish(),
    )
}

/// The methods the route list declares for `path`, or `None` when no route matches it.
pub fn methods_of(path: &str) -> Option<&'static Vec<&'static str>> {
    routes()
        .iter()
        .find(|route| route.matches(path))
        .map(|route| &route.methods)
}

/// One path template of the route list and its methods.
struct Route {
    segments: Vec<Segment>,
    methods: Vec<&'static str>,
}

enum Segment {
    Fixed(String),
    /// `{id}`: any one non-empty segment.
    Param,
}

impl Route {
    fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        parts.len() == self.segments.len()
            && parts
                .iter()
                .zip(&self.segments)
                .all(|(part, segment)| match segment {
                    Segment::Fixed(fixed) => part == fixed,
                    Segment::Param => !part.is_empty(),
                })
    }
}

/// Built once from the OpenAPI document, which is built from the mounted routes.
fn routes() -> &'static Vec<Route> {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let doc = super::openapi();
        let mut routes: Vec<Route> = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| Route {
                segments: template
                    .trim_end_matches('/')
                    .split('/')
                    .map(|s| match s.starts_with('{') {
                        true => Segment::Param,
                        false => Segment::Fixed(s.to_string()),
                    })
                    .collect(),
                methods: methods_of_item(item),
            })
            .collect();
        // Fixed segments first, so `/invitations/accept` is not taken for `/invitations/{id}`.
        routes.sort_by_key(|r| {
            r.segments
                .iter()
                .filter(|s| matches!(s, Segment::Param))
                .count()
        });
        routes
    })
}

fn methods_of_item(item: &utoipa::openapi::PathItem) -> Vec<&'static str> {
    [
        ("GET", item.get.is_some()),
        ("POST", item.post.is_some()),
        ("PUT", item.put.is_some()),
        ("PATCH", item.patch.is_some()),
        ("DELETE", item.delete.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, declared)| declared.then_some(method))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_by_segment_and_fixed_ones_win() {
        assert_eq!(
            methods_of("/api/v1/conversations/c1/join").map(|m| m.as_slice()),
            Some(["POST"].as_slice())
        );
        assert_eq!(
            methods_of("/healthz").map(|m| m.as_slice()),
            Some(["GET"].as_slice())
        );
        assert!(methods_of("/api/v1/nothing-here").is_none());
        assert!(methods_of("/conversations").is_none(), "dashboard pages");
        let quick = methods_of("/api/v1/quick-replies").unwrap();
        assert!(quick.contains(&"GET") && quick.contains(&"POST"));
    }

    #[test]
    fn nul_in_path_or_query_is_refused() {
        let uri: actix_web::http::Uri = "/api/v1/conversations/a%00b".parse().unwrap();
        assert!(refuse_nul(&uri).is_err());
        let uri: actix_web::http::Uri = "/api/widget/v1/ws?key=a%00b".parse().unwrap();
        assert!(refuse_nul(&uri).is_err());
        let uri: actix_web::http::Uri = "/api/v1/leads?q=100%25".parse().unwrap();
        assert!(refuse_nul(&uri).is_ok());
    }
}
