//! Uploading a file to send in a conversation: `POST /api/v1/attachments` as multipart form
//! data, with its progress (switchboard-media, shared with the widget). What the server
//! would refuse (size, type) is checked first, so the agent learns it before waiting.

use switchboard_media::upload as media;
use switchboard_types::error::ErrorBody;
use switchboard_types::messages::{AttachmentKind, AttachmentView};
use switchboard_types::uploads::{self, UploadRefusal};
use web_sys::{Blob, FormData};

use super::client::{renew, BASE};
use super::error::ApiError;
use super::session;

const MIB: f64 = 1_048_576.0;

/// Why a file cannot be sent, in plain words; `None` when it can.
pub fn refusal(name: &str, content_type: &str, size: f64) -> Option<String> {
    let why = uploads::check(content_type, size as u64).err()?;
    Some(match why {
        UploadRefusal::ImageType => {
            format!("“{name}” can't be sent: images must be JPEG, PNG, GIF or WebP.")
        }
        UploadRefusal::Unsupported => format!(
            "“{name}” can't be sent: send an image, audio, a PDF, an office document or plain text."
        ),
        UploadRefusal::Empty => format!("“{name}” is empty."),
        UploadRefusal::TooLarge { kind, limit_mib } => {
            let what = match kind {
                AttachmentKind::Image => "images",
                AttachmentKind::Voice => "audio files",
                AttachmentKind::File => "documents",
            };
            format!(
                "“{name}” is {:.1} MB; {what} can be at most {limit_mib} MB.",
                size / MIB
            )
        }
    })
}

/// Uploads `blob` as `filename` (with its length for a voice note), calling `progress` with
/// the share sent so far (0 to 1). An expired token is renewed once.
pub async fn upload(
    blob: &Blob,
    filename: &str,
    duration_ms: Option<u32>,
    progress: impl Fn(f64) + Clone + 'static,
) -> Result<AttachmentView, ApiError> {
    let Some(tokens) = session::tokens() else {
        session::end();
        return Err(ApiError::SignedOut);
    };
    let form = media::form(blob, filename, duration_ms).ok_or(ApiError::Network)?;
    let (status, body) = send(&form, &tokens.access, progress.clone()).await?;
    let (status, body) = if status == 401 {
        let renewed = renew(&tokens.access).await?;
        send(&form, &renewed.access, progress).await?
    } else {
        (status, body)
    };
    answer(status, &body)
}

/// One request; the status and the body text once it has been answered.
async fn send(
    form: &FormData,
    access: &str,
    progress: impl Fn(f64) + 'static,
) -> Result<(u16, String), ApiError> {
    media::post(&format!("{BASE}/attachments"), access, form, progress)
        .await
        .ok_or(ApiError::Network)
}

fn answer(status: u16, body: &str) -> Result<AttachmentView, ApiError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|_| ApiError::Unexpected { status });
    }
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(body) => Err(ApiError::Server {
            status,
            error: body.error,
        }),
        Err(_) => Err(ApiError::Unexpected { status }),
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn files_the_server_would_refuse_are_named_with_the_reason() {
        assert_eq!(refusal("cat.png", "image/png", 2.0 * super::MIB), None);
        assert_eq!(
            refusal("notes.pdf", "application/pdf", 24.0 * super::MIB),
            None
        );
        assert_eq!(
            refusal("big.png", "image/png", 14.25 * super::MIB).as_deref(),
            Some("“big.png” is 14.2 MB; images can be at most 10 MB.")
        );
        assert!(refusal("movie.mp4", "video/mp4", 1.0)
            .unwrap()
            .contains("can't be sent"));
        assert!(refusal("icon.bmp", "image/bmp", 1.0)
            .unwrap()
            .contains("JPEG, PNG"));
        assert_eq!(
            refusal("empty.txt", "text/plain", 0.0).as_deref(),
            Some("“empty.txt” is empty.")
        );
    }
}
