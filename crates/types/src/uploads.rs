//! What a file sent in a conversation may be: the per-kind size limits the server enforces,
//! and the check the dashboard and the widget run before uploading, so people learn why a file
//! cannot go before they wait for it. (The server still sniffs the bytes; the browser's type is
//! only a first guess.)

use crate::messages::AttachmentKind;

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// Document types accepted besides images and audio, as browsers label them.
const DOCUMENTS: [&str; 13] = [
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/rtf",
    "text/plain",
    "text/csv",
];

/// The largest file of `kind` the server stores.
pub fn limit_for(kind: AttachmentKind) -> u64 {
    match kind {
        AttachmentKind::Image => 10 * MIB,
        AttachmentKind::Voice => 16 * MIB,
        AttachmentKind::File => 25 * MIB,
    }
}

/// Why a file cannot be sent; each client words it in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    /// An image, but not JPEG, PNG, GIF or WebP.
    ImageType,
    /// Neither an image, audio, nor a document the server takes.
    Unsupported,
    /// Nothing in it.
    Empty,
    /// Larger than its kind allows.
    TooLarge {
        /// What it was taken for.
        kind: AttachmentKind,
        /// That kind's limit in MiB.
        limit_mib: u64,
    },
}

/// The kind a file of `content_type` (the browser's label) and `size` bytes will be stored as,
/// or why the server would refuse it.
pub fn check(content_type: &str, size: u64) -> Result<AttachmentKind, UploadRefusal> {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let kind = match essence {
        "image/jpeg" | "image/png" | "image/gif" | "image/webp" => AttachmentKind::Image,
        t if t.starts_with("image/") => return Err(UploadRefusal::ImageType),
        // Browsers label recorded voice notes `video/webm` at times; the server takes it as audio.
        t if t.starts_with("audio/") || t == "video/webm" => AttachmentKind::Voice,
        t if DOCUMENTS.contains(&t) => AttachmentKind::File,
        _ => return Err(UploadRefusal::Unsupported),
    };
    let limit = limit_for(kind);
    if size == 0 {
        Err(UploadRefusal::Empty)
    } else if size > limit {
        Err(UploadRefusal::TooLarge {
            kind,
            limit_mib: limit / MIB,
        })
    } else {
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_limit() {
        assert_eq!(check("image/png", 10 * MIB), Ok(AttachmentKind::Image));
        assert_eq!(
            check("image/png", 10 * MIB + 1),
            Err(UploadRefusal::TooLarge {
                kind: AttachmentKind::Image,
                limit_mib: 10
            })
        );
        assert_eq!(
            check("audio/webm;codecs=opus", 16 * MIB),
            Ok(AttachmentKind::Voice)
        );
        assert_eq!(check("video/webm", 1), Ok(AttachmentKind::Voice));
        assert_eq!(check("application/pdf", 25 * MIB), Ok(AttachmentKind::File));
        assert!(check("application/pdf", 25 * MIB + 1).is_err());
    }

    #[test]
    fn types_the_server_refuses_are_refused_first() {
        assert_eq!(check("image/svg+xml", 10), Err(UploadRefusal::ImageType));
        assert_eq!(check("text/html", 10), Err(UploadRefusal::Unsupported));
        assert_eq!(check("video/mp4", 10), Err(UploadRefusal::Unsupported));
        assert_eq!(check("", 10), Err(UploadRefusal::Unsupported));
        assert_eq!(check("text/plain", 0), Err(UploadRefusal::Empty));
    }
}
