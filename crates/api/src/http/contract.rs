//! Responses every operation of a kind can give, added to the OpenAPI document in one place
//! instead of on each handler: a client generated from the document must expect them, and a
//! new endpoint has them the day it is added.
//!
//! - Signed-in operations: 401 (no credential, or an expired, revoked or unknown one).
//! - Operations with a JSON body: 400 (not JSON), 413 (too large), 415 (not `application/json`)
//!   and 422 (a field is invalid); a multipart body: 400, 413, 415 and 422 likewise.
//! - Operations with path or query parameters: 422 (a parameter is not valid).
//!
//! And the rules between fields of a body, which the schema derives cannot state
//! ([`CrossFieldRules`]).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// The `utoipa::Modify` that adds them.
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                add_common(operation);
            }
        }
    }
}

fn add_common(operation: &mut Operation) {
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        add(
            operation,
            "401",
            "Not signed in, or the credential expired (`token_expired`: refresh it), was \
             revoked (`session_revoked`) or is unknown (`unauthorized`, `invalid_api_key`)",
        );
    }
    let body_types: Vec<String> = operation
        .request_body
        .as_ref()
        .and_then(|b| match b {
            RefOr::T(body) => Some(body.content.keys().cloned().collect()),
            RefOr::Ref(_) => None,
        })
        .unwrap_or_default();
    if let Some(kind) = body_types.first() {
        let (malformed, expected) = match kind.as_str() {
            "multipart/form-data" => ("`malformed_multipart`", "multipart/form-data"),
            _ => ("`malformed_json`", "application/json, a JSON object"),
        };
        add(
            operation,
            "400",
            &format!("The body cannot be read ({malformed})"),
        );
        add(
            operation,
            "413",
            "The body is larger than allowed (`payload_too_large`)",
        );
        add(
            operation,
            "415",
            &format!("The body is not {expected} (`unsupported_media_type`)"),
        );
        add(
            operation,
            "422",
            "A field is invalid (`validation_failed`; `details.fields` names each)",
        );
    }
    let has_parameters = operation.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query | ParameterIn::Path)))
    });
    if has_parameters {
        add(
            operation,
            "422",
            "A path or query parameter is invalid (`validation_failed`; `details.fields` \
             names each)",
        );
    }
}

/// Adds `status` with the error body unless the operation documents it already.
fn add(operation: &mut Operation, status: &str, description: &str) {
    let responses = &mut operation.responses.responses;
    if !responses.contains_key(status) {
        responses.insert(status.to_string(), RefOr::T(error_response(description)));
    }
}

fn error_response(description: &str) -> Response {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/json", body)
        .build()
}

/// The `utoipa::Modify` that adds what holds between fields: an agent's message carries text
/// (not blank) or an attachment, or both, as the server checks.
pub struct CrossFieldRules;

impl utoipa::Modify for CrossFieldRules {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let name = "SendMessageRequest";
        let Some(message) = components.schemas.remove(name) else {
            return;
        };
        let has_text = ObjectBuilder::new().required("body").property(
            "body",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("\\S")),
        );
        let has_attachment = ObjectBuilder::new()
            .required("attachment_id")
            .property("attachment_id", Ref::from_schema_name("AttachmentId"));
        let text_or_attachment = AnyOfBuilder::new().item(has_text).item(has_attachment);
        let rule = AllOfBuilder::new()
            .item(message)
            .item(text_or_attachment)
            .build();
        components
            .schemas
            .insert(name.to_string(), RefOr::T(Schema::AllOf(rule)));
    }
}
