//! Sending a photo, a file or a voice note: checked first against the server's limits (the
//! visitor learns a refusal before waiting), then `POST /api/widget/v1/attachments` with the
//! visitor token.

use switchboard_media::upload as media;
use switchboard_types::messages::AttachmentView;
use switchboard_types::uploads::{self, UploadRefusal};
use web_sys::Blob;

use crate::i18n::Strings;

/// What the file picker offers (the server sniffs the real type either way).
pub const ACCEPT: &str = "image/jpeg,image/png,image/gif,image/webp,application/pdf,.doc,.docx,\
    .xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.rtf,.txt,.csv,audio/*";

/// Why `blob` cannot be sent, in the visitor's language; `None` when it can.
pub fn refusal(text: &Strings, blob: &Blob) -> Option<String> {
    let why = uploads::check(&blob.type_(), blob.size() as u64).err()?;
    Some(match why {
        UploadRefusal::ImageType => text.image_type.to_string(),
        UploadRefusal::Unsupported => text.unsupported_file.to_string(),
        UploadRefusal::Empty => text.empty_file.to_string(),
        UploadRefusal::TooLarge { limit_mib, .. } => {
            format!("{}{limit_mib}{}", text.too_large.0, text.too_large.1)
        }
    })
}

/// Uploads `blob` as `filename` (with its length for a voice note), calling `progress` with
/// the share sent so far (0 to 1). The error is the server's sentence when it gave one.
pub async fn send(
    token: &str,
    blob: &Blob,
    filename: &str,
    duration_ms: Option<u32>,
    progress: impl Fn(f64) + 'static,
) -> Result<AttachmentView, Option<String>> {
    let form = media::form(blob, filename, duration_ms).ok_or(None)?;
    let (status, body) = media::post("/api/widget/v1/attachments", token, &form, progress)
        .await
        .ok_or(None)?;
    match status {
        200..=299 => crate::wire::attachment_view(&body).ok_or(None),
        _ => Err(crate::wire::error_message(&body)),
    }
}

/// A link the browser serves `blob` from while the page lives (an image's preview).
pub fn preview_url(blob: &Blob) -> Option<String> {
    web_sys::Url::create_object_url_with_blob(blob).ok()
}

/// Frees a link made by [`preview_url`].
pub fn forget_preview(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
