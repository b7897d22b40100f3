//! Uploading and serving attachments.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use switchboard_types::error::ErrorBody;
use switchboard_types::messages::AttachmentKind;
use switchboard_types::messages::AttachmentView;

use crate::domain::attachments::{self, Access, Served, Upload, Uploader, MAX_UPLOAD_BYTES};
use crate::domain::member::Member;
use crate::error::AppError;
use crate::state::AppState;

/// The multipart form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file: an image (≤10 MiB), audio (≤16 MiB), or a PDF, office document or text (≤25 MiB).
    #[schema(format = Binary, content_media_type = "application/octet-stream", min_length = 1)]
    file: String,
    /// Voice notes: length in milliseconds (a form field is absent or a number, never null).
    #[schema(required = false, minimum = 0, maximum = 3_600_000)]
    duration_ms: i64,
}

/// Upload a file to send in a conversation. Its type is sniffed from the content.
#[utoipa::path(tag = "attachments", security(("bearer" = [])), request_body(content = UploadForm, content_type = "multipart/form-data"), responses(
    (status = 201, body = AttachmentView), (status = 413, body = ErrorBody),
    (status = 422, description = "Unsupported type (`unsupported_file_type`) or missing file", body = ErrorBody)))]
#[post("/attachments")]
pub async fn upload(
    state: web::Data<AppState>,
    member: Member,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let upload = read_upload(form).await?;
    let view = attachments::upload(&state, Uploader::Member(&member), upload).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A multipart body that is not one (415), or one that cannot be read (400).
fn multipart_error(error: actix_multipart::MultipartError) -> AppError {
    use actix_multipart::MultipartError as E;
    match error {
        E::ContentTypeMissing | E::ContentTypeParse | E::ContentTypeIncompatible => {
            AppError::UnsupportedMediaType("multipart/form-data with a `file` field")
        }
        other => AppError::MalformedMultipart(other.to_string()),
    }
}

/// Reads the `file` and `duration_ms` fields, refusing more than the largest allowed size.
pub async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let mut received = Upload {
        bytes: Vec::new(),
        filename: None,
        duration_ms: None,
    };
    let mut has_file = false;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(AppError::PayloadTooLarge {
                    limit_bytes: MAX_UPLOAD_BYTES,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => {
                has_file = true;
                received.bytes = bytes;
                received.filename = filename;
            }
            "duration_ms" => {
                let text = String::from_utf8_lossy(&bytes);
                let ms = text.trim().parse().map_err(|_| {
                    AppError::invalid_field("duration_ms", "must be a whole number")
                })?;
                received.duration_ms = Some(ms);
            }
            _ => {}
        }
    }
    if !has_file {
        return Err(AppError::invalid_field("file", "is required"));
    }
    Ok(received)
}

/// Proof for a signed link.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct SignedQuery {
    /// Expiry of a signed link (seconds since the epoch).
    pub expires: Option<i64>,
    /// Signature of a signed link.
    pub signature: Option<String>,
}

/// Download an attachment: with a signed link (`url` of the attachment), or as a member of its workspace.
#[utoipa::path(tag = "attachments", params(("id" = String, Path, description = "The attachment"), SignedQuery), responses(
    (status = 200, description = "The file, with its sniffed type"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    q: web::Query<SignedQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let q = q.into_inner();
    let served = match (q.expires, q.signature.as_deref()) {
        (Some(expires), Some(signature)) => {
            attachments::fetch(&state, id, Access::Signed { expires, signature }).await?
        }
        _ => {
            let member = <Member as actix_web::FromRequest>::extract(&req).await?;
            attachments::fetch(&state, id, Access::Member(&member)).await?
        }
    };
    Ok(file_response(served))
}

/// Serves the bytes with the sniffed type and headers that keep a file from acting as a page.
fn file_response(served: Served) -> HttpResponse {
    let a = &served.attachment;
    let inline = matches!(a.kind, AttachmentKind::Image | AttachmentKind::Voice);
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        a.filename.replace(['"', '\\'], "_")
    );
    HttpResponse::Ok()
        .content_type(a.content_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header(("Cross-Origin-Resource-Policy", "same-site"))
        .body(served.bytes)
}
