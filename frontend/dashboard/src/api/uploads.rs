//! Uploading a file to send in a conversation: `POST /api/v1/attachments` as multipart form
//! data, over XMLHttpRequest because `fetch` cannot report upload progress. What the server
//! would refuse (size, type) is checked first, so the agent learns it before waiting.

use futures::channel::oneshot;
use switchboard_types::error::ErrorBody;
use switchboard_types::messages::{AttachmentKind, AttachmentView};
use switchboard_types::uploads::{self, UploadRefusal};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, FormData, ProgressEvent, XmlHttpRequest};

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
    let form = form(blob, filename, duration_ms)?;
    let (status, body) = send(&form, &tokens.access, progress.clone()).await?;
    let (status, body) = if status == 401 {
        let renewed = renew(&tokens.access).await?;
        send(&form, &renewed.access, progress).await?
    } else {
        (status, body)
    };
    answer(status, &body)
}

fn form(blob: &Blob, filename: &str, duration_ms: Option<u32>) -> Result<FormData, ApiError> {
    let form = FormData::new().map_err(|_| ApiError::Network)?;
    if let Some(ms) = duration_ms {
        form.append_with_str("duration_ms", &ms.to_string())
            .map_err(|_| ApiError::Network)?;
    }
    form.append_with_blob_and_filename("file", blob, filename)
        .map_err(|_| ApiError::Network)?;
    Ok(form)
}

/// One request; resolves with the status and the body text once it has been answered.
async fn send(
    form: &FormData,
    access: &str,
    progress: impl Fn(f64) + 'static,
) -> Result<(u16, String), ApiError> {
    let xhr = XmlHttpRequest::new().map_err(|_| ApiError::Network)?;
    xhr.open("POST", &format!("{BASE}/attachments"))
        .map_err(|_| ApiError::Network)?;
    _ = xhr.set_request_header("Authorization", &format!("Bearer {access}"));
    _ = xhr.set_request_header("Accept", "application/json");
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let (done, answered) = oneshot::channel::<bool>();
    let done = std::cell::Cell::new(Some(done));
    let on_end = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        if let Some(done) = done.take() {
            _ = done.send(event.type_() == "load");
        }
    });
    xhr.set_onload(Some(on_end.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_end.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_end.as_ref().unchecked_ref()));
    xhr.send_with_opt_form_data(Some(form))
        .map_err(|_| ApiError::Network)?;
    let loaded = answered.await.unwrap_or(false);
    // The closures live until the request has ended.
    drop((on_progress, on_end));
    if !loaded {
        return Err(ApiError::Network);
    }
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    Ok((xhr.status().unwrap_or(0), body))
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
