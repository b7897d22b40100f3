//! Posting a file as multipart form data over XMLHttpRequest, because `fetch` cannot report
//! upload progress.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, FormData, ProgressEvent, XmlHttpRequest};

/// The form the server's upload endpoints read: `file`, and `duration_ms` for a voice note.
pub fn form(blob: &Blob, filename: &str, duration_ms: Option<u32>) -> Option<FormData> {
    let form = FormData::new().ok()?;
    if let Some(ms) = duration_ms {
        form.append_with_str("duration_ms", &ms.to_string()).ok()?;
    }
    form.append_with_blob_and_filename("file", blob, filename)
        .ok()?;
    Some(form)
}

/// POSTs `form` to `url` with `Authorization: Bearer <token>`, calling `progress` with the
/// share sent so far (0 to 1). The status and body once answered; `None` when the request
/// never got an answer (network down, aborted).
pub async fn post(
    url: &str,
    token: &str,
    form: &FormData,
    progress: impl Fn(f64) + 'static,
) -> Option<(u16, String)> {
    let xhr = XmlHttpRequest::new().ok()?;
    xhr.open("POST", url).ok()?;
    let _ = xhr.set_request_header("Authorization", &format!("Bearer {token}"));
    let _ = xhr.set_request_header("Accept", "application/json");
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress(e.loaded() / e.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    // The request's end as a promise: load resolves it, error and abort reject it.
    let ended = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_form_data(Some(form)).ok()?;
    let answered = JsFuture::from(ended).await.is_ok();
    // The progress callback lives until the request has ended.
    drop(on_progress);
    answered.then_some(())?;
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    Some((xhr.status().unwrap_or(0), body))
}
