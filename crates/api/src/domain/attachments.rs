//! Uploads: the type is sniffed from the bytes (never trusted from the client), each kind has
//! its size limit, and files are served through links signed for a limited time.

use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_types::messages::{AttachmentKind, AttachmentView};
use switchboard_types::Section;

use super::member::Member;
use super::views::attachment_view;
use crate::clock::{new_id, now};
use switchboard_types::TenantId;

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::store::{self, attachments::Attachment};

/// Largest upload accepted at all (the largest per-kind limit).
pub const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

/// Per-kind limits (shared with the browsers, which check before uploading).
pub fn limit_for(kind: AttachmentKind) -> usize {
    switchboard_types::uploads::limit_for(kind) as usize
}

/// Who uploads: a team member or a visitor.
pub enum Uploader<'a> {
    Member(&'a Member),
    Visitor {
        tenant_id: &'a TenantId,
        visitor_id: &'a str,
    },
}

/// An upload as received.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub filename: Option<String>,
    pub duration_ms: Option<i64>,
}

/// Decides what the bytes are. Anything not recognised as an allowed type is refused; SVG and
/// HTML are never accepted (they could run script when opened).
pub fn classify(bytes: &[u8]) -> Result<(AttachmentKind, String), AppError> {
    if let Some(found) = infer::get(bytes) {
        let mime = found.mime_type();
        let kind = match mime {
            "image/jpeg" | "image/png" | "image/gif" | "image/webp" => Some(AttachmentKind::Image),
            // Browsers record voice notes as WebM (Opus); WebM is only accepted as audio.
            "video/webm" => return Ok((AttachmentKind::Voice, "audio/webm".into())),
            m if m.starts_with("audio/") => Some(AttachmentKind::Voice),
            "application/pdf"
            | "application/msword"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.ms-excel"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-powerpoint"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/vnd.oasis.opendocument.text"
            | "application/vnd.oasis.opendocument.spreadsheet"
            | "application/vnd.oasis.opendocument.presentation"
            | "application/rtf" => Some(AttachmentKind::File),
            _ => None,
        };
        return kind
            .map(|k| (k, mime.to_string()))
            .ok_or_else(|| unsupported(mime));
    }
    let text = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| !t.contains('\0'));
    match text {
        Some(t) if !looks_like_markup(t) => {
            Ok((AttachmentKind::File, "text/plain; charset=utf-8".into()))
        }
        _ => Err(unsupported("this kind of file")),
    }
}

fn looks_like_markup(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    ["<html", "<!doctype", "<svg", "<script", "<?xml"]
        .iter()
        .any(|m| head.trim_start().starts_with(m) || head.contains(m))
}

fn unsupported(what: &str) -> AppError {
    AppError::rejected(
        ErrorCode::UnsupportedFileType,
        format!("Uploads of {what} are not accepted. Send an image (JPEG, PNG, GIF, WebP), audio, a PDF, an office document or plain text."),
    )
}

/// A file name safe to show and to put in a header: no path, no control characters.
pub fn clean_filename(name: Option<&str>, kind: AttachmentKind) -> String {
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        format!("{}-{}", kind.as_str(), Utc::now().format("%Y%m%d-%H%M%S"))
    } else {
        cleaned
    }
}

/// Stores an upload and its metadata.
pub async fn upload(
    state: &AppState,
    uploader: Uploader<'_>,
    upload: Upload,
) -> Result<AttachmentView, AppError> {
    let (kind, content_type) = classify(&upload.bytes)?;
    let limit = limit_for(kind);
    if upload.bytes.len() > limit {
        return Err(AppError::PayloadTooLarge { limit_bytes: limit });
    }
    if upload.bytes.is_empty() {
        return Err(AppError::invalid_field("file", "is empty"));
    }
    if let Some(ms) = upload.duration_ms {
        if !(0..=60 * 60 * 1000).contains(&ms) {
            return Err(AppError::invalid_field(
                "duration_ms",
                "must be between 0 and 3600000",
            ));
        }
    }
    let (tenant_id, by_user, by_visitor) = match uploader {
        Uploader::Member(m) => {
            m.require_section(Section::Conversations)?;
            (
                m.tenant_id.clone(),
                m.user_id_opt().map(str::to_string),
                None,
            )
        }
        Uploader::Visitor {
            tenant_id,
            visitor_id,
        } => (tenant_id.clone(), None, Some(visitor_id.to_string())),
    };
    let files = state.files.clone();
    let bytes = upload.bytes;
    let sha256 = actix_web::web::block(move || files.put(&bytes).map(|sha| (sha, bytes.len())))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("storing upload: {e}")))?;
    let attachment = Attachment {
        id: new_id(),
        tenant_id,
        conversation_id: None,
        kind,
        content_type,
        filename: clean_filename(upload.filename.as_deref(), kind),
        size_bytes: sha256.1 as i64,
        sha256: sha256.0,
        duration_ms: if kind == AttachmentKind::Voice {
            upload.duration_ms
        } else {
            None
        },
        uploaded_by_user: by_user,
        uploaded_by_visitor: by_visitor,
        created_at: now(),
    };
    let row = attachment.clone();
    state
        .db
        .write(move |conn| Ok(store::attachments::insert(conn, &row)?))
        .await?;
    Ok(attachment_view(state, &attachment))
}

/// A file ready to serve.
pub struct Served {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
}

/// Proof of access to an attachment.
pub enum Access<'a> {
    Member(&'a Member),
    Signed { expires: i64, signature: &'a str },
}

/// Loads an attachment for a member of its tenant or for a holder of a valid signed link.
pub async fn fetch(state: &AppState, id: String, access: Access<'_>) -> Result<Served, AppError> {
    let not_found = || AppError::NotFound("Attachment");
    let attachment = match access {
        Access::Member(member) => {
            member.require_section(Section::Conversations)?;
            let tenant = member.tenant_id.clone();
            state
                .db
                .read(move |conn| Ok(store::attachments::find(conn, &tenant, &id)?))
                .await?
        }
        Access::Signed { expires, signature } => {
            if !state.url_signer.verify(&id, expires, signature) {
                return Err(AppError::unauthorized(
                    ErrorCode::InvalidSignature,
                    "This link is invalid or has expired.",
                ));
            }
            state
                .db
                .read(move |conn| Ok(store::attachments::find_any(conn, &id)?))
                .await?
        }
    }
    .ok_or_else(not_found)?;
    let bytes = read_file(state, &attachment).await?;
    Ok(Served { attachment, bytes })
}

/// The stored bytes of `attachment`.
pub async fn read_file(state: &AppState, attachment: &Attachment) -> Result<Vec<u8>, AppError> {
    let files = state.files.clone();
    let sha = attachment.sha256.clone();
    actix_web::web::block(move || files.get(&sha))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading upload: {e}")))
}

/// Signs attachment links: `HMAC-SHA256(secret, "<id>.<expires>")`.
#[derive(Clone)]
pub struct UrlSigner {
    key: std::sync::Arc<Vec<u8>>,
}

/// Links stay valid at least this long; the expiry is rounded so a link is stable for a while.
const LINK_HOURS: i64 = 2;

impl UrlSigner {
    /// A signer with the server's secret.
    pub fn new(secret: &[u8]) -> UrlSigner {
        UrlSigner {
            key: std::sync::Arc::new(secret.to_vec()),
        }
    }

    fn signature(&self, id: &str, expires: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{id}.{expires}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// `(expires, signature)` for a link to `id`.
    pub fn sign(&self, id: &str) -> (i64, String) {
        let hour = 3600;
        let expires = (Utc::now().timestamp() / hour + LINK_HOURS) * hour;
        (expires, self.signature(id, expires))
    }

    /// Whether the signature is right and the link has not expired.
    pub fn verify(&self, id: &str, expires: i64, signature: &str) -> bool {
        use subtle_compare::constant_time_eq;
        expires > Utc::now().timestamp()
            && constant_time_eq(self.signature(id, expires).as_bytes(), signature.as_bytes())
    }
}

/// A constant-time comparison, so signatures cannot be guessed byte by byte from timings.
mod subtle_compare {
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// The signed link to an attachment.
pub fn signed_url(state: &AppState, id: &str) -> String {
    let (expires, signature) = state.url_signer.sign(id);
    format!("/api/v1/attachments/{id}?expires={expires}&signature={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_content_not_names() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ];
        assert_eq!(
            classify(&png).unwrap(),
            (AttachmentKind::Image, "image/png".into())
        );
        assert_eq!(classify(b"%PDF-1.7\n...").unwrap().0, AttachmentKind::File);
        assert_eq!(
            classify(b"plain notes").unwrap().1,
            "text/plain; charset=utf-8"
        );
        assert!(classify(b"<svg onload=alert(1)>").is_err());
        assert!(classify(b"<html><script>x</script>").is_err());
        assert!(
            classify(&[0x4d, 0x5a, 0x90, 0x00, 0x03]).is_err(),
            "executables are refused"
        );
    }

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        assert_eq!(
            clean_filename(Some("../../etc/passwd"), AttachmentKind::File),
            "passwd"
        );
        assert_eq!(
            clean_filename(Some("C:\\x\\report\n.pdf"), AttachmentKind::File),
            "report.pdf"
        );
        assert!(clean_filename(None, AttachmentKind::Image).starts_with("image-"));
    }

    #[test]
    fn signed_links_verify_and_expire() {
        let signer = UrlSigner::new(b"k");
        let (expires, sig) = signer.sign("a1");
        assert!(signer.verify("a1", expires, &sig));
        assert!(!signer.verify("a2", expires, &sig));
        assert!(!signer.verify("a1", expires + 3600, &sig));
        let past = Utc::now().timestamp() - 10;
        assert!(!signer.verify("a1", past, &signer.signature("a1", past)));
    }
}
