//! The HTTP surface: routes, the OpenAPI document built from the same route list, the JSON error
//! handlers for what actix rejects before our handlers run, and the dashboard's static files.

pub mod attachments;
pub mod auth;
pub mod contract;
pub mod conversations;
pub mod demo_site;
pub mod edge;
pub mod extract;
pub mod handoffs;
pub mod health;
pub mod leads;
pub mod me;
pub mod overview;
pub mod quick_replies;
pub mod reviews;
pub mod sockets;
pub mod spa;
pub mod team;
pub mod upgrades;
pub mod whatsapp;
pub mod widget;
pub mod workspace;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{web, App, HttpRequest, HttpResponse};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt};

use crate::error::AppError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        version = "1.0.0",
        description = "REST API of Switchboard, the customer-support platform. The dashboard and \
            integrators use the same endpoints. Authenticate with `Authorization: Bearer <token>`: \
            an access token from `/api/v1/auth/login` or an API key (`sbk_...`). Every error has \
            the shape `{\"error\": {\"code\", \"message\", \"details\"}}`."
    ),
    components(schemas(
        switchboard_types::error::ErrorBody,
        switchboard_types::conversations::Tab,
        switchboard_types::conversations::AssigneeFilter
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Registers every route on `app` and returns the app with the OpenAPI document of its routes.
pub fn routes<T>(app: App<T>) -> (App<T>, utoipa::openapi::OpenApi)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let (app, doc) = app
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(health::healthz)
        .service(health::readyz)
        .service(
            scope("/api/v1")
                .service(auth::signup)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(me::get_me)
                .service(me::put_availability)
                .service(team::list_members)
                .service(team::change_role)
                .service(team::deactivate)
                .service(team::reactivate)
                .service(team::transfer_ownership)
                .service(team::invite)
                .service(team::list_invitations)
                .service(team::revoke_invitation)
                .service(team::preview_invitation)
                .service(team::accept_invitation)
                .service(workspace::create_api_key)
                .service(workspace::list_api_keys)
                .service(workspace::revoke_api_key)
                .service(workspace::get_settings)
                .service(workspace::put_settings)
                .service(widget::get_settings)
                .service(widget::put_settings)
                .service(workspace::get_billing)
                .service(workspace::get_audit_log)
                .service(conversations::list)
                .service(conversations::counts)
                .service(conversations::detail)
                .service(conversations::messages)
                .service(conversations::send)
                .service(conversations::join)
                .service(conversations::leave)
                .service(conversations::resolve)
                .service(conversations::reopen)
                .service(conversations::book)
                .service(conversations::typing)
                .service(conversations::seen)
                .service(conversations::suggestions)
                .service(handoffs::transfer)
                .service(handoffs::delegate)
                .service(handoffs::accept)
                .service(handoffs::reject)
                .service(handoffs::cancel)
                .service(leads::capture)
                .service(leads::list)
                .service(reviews::list)
                .service(reviews::summary)
                .service(quick_replies::list)
                .service(quick_replies::create)
                .service(quick_replies::update)
                .service(quick_replies::remove)
                .service(attachments::upload)
                .service(attachments::download)
                .service(overview::overview)
                .service(overview::agents)
                .service(overview::live_visitors)
                .service(whatsapp::get_connector)
                .service(whatsapp::put_connector)
                .service(whatsapp::delete_connector)
                .service(whatsapp::test_message)
                .service(whatsapp::templates)
                .service(whatsapp::send_template)
                .service(sockets::events)
                .default_service(web::to(api_not_found)),
        )
        .service(
            scope("/api/whatsapp/v1")
                .service(whatsapp::verify_webhook)
                .service(whatsapp::receive_webhook)
                .default_service(web::to(api_not_found)),
        )
        .service(
            scope("/api/widget/v1")
                .service(widget::config)
                .service(sockets::widget)
                .service(sockets::widget_upload)
                .default_service(web::to(api_not_found)),
        )
        .split_for_parts();
    let mut doc = doc;
    utoipa::Modify::modify(&contract::CommonResponses, &mut doc);
    utoipa::Modify::modify(&contract::CrossFieldRules, &mut doc);
    (app, doc)
}

/// The OpenAPI document, built from the same route list the server mounts.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = routes(App::new());
    doc.paths
        .paths
        .insert("/api/v1/openapi.json".into(), openapi_path_item());
    doc
}

fn openapi_path_item() -> utoipa::openapi::PathItem {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder};
    use utoipa::openapi::ResponseBuilder;
    let operation = OperationBuilder::new()
        .tag("meta")
        .summary(Some("This OpenAPI 3.1 document."))
        .response(
            "200",
            ResponseBuilder::new().description("The document").build(),
        )
        .build();
    utoipa::openapi::PathItem::new(HttpMethod::Get, operation)
}

/// The document as served and as committed in `api-spec/openapi.json`.
pub fn openapi_json() -> String {
    openapi().to_pretty_json().unwrap_or_default() + "\n"
}

pub async fn api_not_found(_req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound("API route"))
}

/// Serves the OpenAPI document.
pub async fn serve_openapi(doc: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.get_ref().clone())
}

/// Turns actix's own rejections of query strings and paths into our error shape.
pub fn extractor_configs(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|error, _| AppError::invalid_field("query", &error.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|error, _| AppError::invalid_field("path", &error.to_string()).into()),
    );
}
