//! What Meta posts to a number's webhook: the signature over the raw body, and the payload
//! (`entry[].changes[].value`) read into customer messages and delivery statuses.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

/// Whether `header` (`X-Hub-Signature-256: sha256=<hex>`) is the HMAC-SHA256 of `body` with
/// the app secret. The comparison takes the same time wherever the first difference is.
pub fn signature_valid(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(given) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given).is_ok()
}

/// The signature header Meta would send for `body` (the tests' fake Meta uses it too).
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Debug, Deserialize)]
pub struct Payload {
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    #[serde(default)]
    pub value: ChangeValue,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangeValue {
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub messages: Vec<Value>,
    #[serde(default)]
    pub statuses: Vec<Status>,
}

#[derive(Debug, Deserialize)]
pub struct Metadata {
    pub phone_number_id: String,
}

#[derive(Debug, Deserialize)]
pub struct Contact {
    pub wa_id: String,
    pub profile: Option<Profile>,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    pub name: Option<String>,
}

/// A delivery status of one of the business's messages.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    /// The message's wamid.
    pub id: String,
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    #[serde(default)]
    pub errors: Vec<StatusError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StatusError {
    pub code: Option<i64>,
    pub title: Option<String>,
    pub message: Option<String>,
    pub error_data: Option<StatusErrorData>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StatusErrorData {
    pub details: Option<String>,
}

impl Status {
    /// Meta's reason for a failure, in plain words.
    pub fn error_text(&self) -> Option<String> {
        let e = self.errors.first()?;
        let head = e
            .message
            .clone()
            .or_else(|| e.title.clone())
            .unwrap_or_else(|| "The message could not be delivered.".into());
        let details = e.error_data.as_ref().and_then(|d| d.details.clone());
        let code = e.code.map(|c| format!(" [{c}]")).unwrap_or_default();
        Some(match details {
            Some(d) if d != head => format!("{head}: {d}{code}"),
            _ => format!("{head}{code}"),
        })
    }
}

/// A customer's message, read from Meta's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// Meta's message id (deduplication key).
    pub wamid: String,
    /// The customer's WhatsApp id (their number, digits).
    pub from: String,
    /// The profile name WhatsApp shows for them, if sent.
    pub profile_name: Option<String>,
    /// When they sent it (Unix seconds).
    pub timestamp: i64,
    pub content: Content,
}

/// What the message carries, as the thread will show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Text (also locations, contacts, button and list replies, reactions, written out).
    Text(String),
    /// Media to fetch from the Graph API: image, audio/voice, video, document, sticker.
    Media {
        media_id: String,
        caption: Option<String>,
        filename: Option<String>,
    },
    /// A type this build cannot show: kept as a system line, never dropped.
    Unsupported(String),
}

/// The messages and statuses of a payload for the number `phone_number_id`; changes for
/// another number are left out (the caller refuses the payload when it finds any).
pub struct Read {
    pub messages: Vec<Inbound>,
    pub statuses: Vec<Status>,
    /// Changes naming a number other than the connector's.
    pub foreign_numbers: usize,
}

pub fn read(payload: Payload, phone_number_id: &str) -> Read {
    let mut read = Read {
        messages: Vec::new(),
        statuses: Vec::new(),
        foreign_numbers: 0,
    };
    for change in payload.entry.into_iter().flat_map(|e| e.changes) {
        let value = change.value;
        let number = value.metadata.as_ref().map(|m| m.phone_number_id.as_str());
        if number != Some(phone_number_id) {
            if !(value.messages.is_empty() && value.statuses.is_empty()) {
                read.foreign_numbers += 1;
            }
            continue;
        }
        for raw in &value.messages {
            if let Some(m) = inbound(raw, &value.contacts) {
                read.messages.push(m);
            }
        }
        read.statuses.extend(value.statuses);
    }
    read
}

fn inbound(raw: &Value, contacts: &[Contact]) -> Option<Inbound> {
    let wamid = raw["id"].as_str()?.to_string();
    let from = raw["from"].as_str()?.to_string();
    let timestamp = match &raw["timestamp"] {
        Value::String(s) => s.parse().ok()?,
        Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    let profile_name = contacts
        .iter()
        .find(|c| c.wa_id == from)
        .or(contacts.first())
        .and_then(|c| c.profile.as_ref())
        .and_then(|p| p.name.clone());
    Some(Inbound {
        wamid,
        from,
        profile_name,
        timestamp,
        content: content(raw),
    })
}

fn text_of(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn content(raw: &Value) -> Content {
    let kind = raw["type"].as_str().unwrap_or("unknown");
    let part = &raw[kind];
    let written = match kind {
        "text" => text_of(&part["body"]),
        "location" => Some(location(part)),
        "contacts" => Some(shared_contacts(part)),
        "interactive" => text_of(&part["button_reply"]["title"])
            .or_else(|| text_of(&part["list_reply"]["title"]))
            .or_else(|| text_of(&part["nfm_reply"]["body"])),
        "button" => text_of(&part["text"]),
        "reaction" => Some(match text_of(&part["emoji"]) {
            Some(emoji) => format!("Reacted {emoji} to a message"),
            None => "Removed a reaction".into(),
        }),
        "image" | "audio" | "voice" | "video" | "document" | "sticker" => {
            if let Some(media_id) = text_of(&part["id"]) {
                return Content::Media {
                    media_id,
                    caption: text_of(&part["caption"]),
                    filename: text_of(&part["filename"]),
                };
            }
            None
        }
        _ => None,
    };
    match written {
        Some(text) => Content::Text(text.chars().take(4000).collect()),
        None => Content::Unsupported(kind.to_string()),
    }
}

fn location(part: &Value) -> String {
    let coords = match (part["latitude"].as_f64(), part["longitude"].as_f64()) {
        (Some(lat), Some(long)) => format!("{lat:.5}, {long:.5}"),
        _ => String::new(),
    };
    let words: Vec<String> = [text_of(&part["name"]), text_of(&part["address"])]
        .into_iter()
        .flatten()
        .collect();
    match (words.is_empty(), coords.is_empty()) {
        (false, false) => format!("📍 {} ({coords})", words.join(", ")),
        (false, true) => format!("📍 {}", words.join(", ")),
        _ => format!("📍 {coords}"),
    }
}

fn shared_contacts(part: &Value) -> String {
    let people: Vec<String> = part
        .as_array()
        .map(|cards| {
            cards
                .iter()
                .map(|card| {
                    let name = text_of(&card["name"]["formatted_name"]).unwrap_or_default();
                    let phones: Vec<String> = card["phones"]
                        .as_array()
                        .map(|p| p.iter().filter_map(|p| text_of(&p["phone"])).collect())
                        .unwrap_or_default();
                    [name, phones.join(", ")]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .unwrap_or_default();
    format!("👤 Shared contact: {}", people.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(message: Value) -> Content {
        let payload = json!({"entry": [{"changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": "111"},
            "contacts": [{"wa_id": "4915", "profile": {"name": "Ada"}}],
            "messages": [message]}}]}]});
        let mut read = read(serde_json::from_value(payload).unwrap(), "111");
        assert_eq!(read.messages.len(), 1);
        assert_eq!(read.messages[0].profile_name.as_deref(), Some("Ada"));
        read.messages.remove(0).content
    }

    fn msg(kind: &str, part: Value) -> Value {
        json!({"from": "4915", "id": "wamid.1", "timestamp": "1700000000", "type": kind, kind: part})
    }

    #[test]
    fn every_message_type_becomes_something_to_show() {
        assert_eq!(
            one(msg("text", json!({"body": "Hi"}))),
            Content::Text("Hi".into())
        );
        assert_eq!(
            one(msg(
                "location",
                json!({"latitude": 52.52, "longitude": 13.405, "name": "Office"})
            )),
            Content::Text("📍 Office (52.52000, 13.40500)".into())
        );
        assert_eq!(
            one(msg(
                "contacts",
                json!([{"name": {"formatted_name": "Bo"}, "phones": [{"phone": "+1 555"}]}])
            )),
            Content::Text("👤 Shared contact: Bo +1 555".into())
        );
        assert_eq!(
            one(msg(
                "interactive",
                json!({"type": "button_reply", "button_reply": {"id": "y", "title": "Yes"}})
            )),
            Content::Text("Yes".into())
        );
        assert_eq!(
            one(msg(
                "reaction",
                json!({"message_id": "wamid.0", "emoji": "👍"})
            )),
            Content::Text("Reacted 👍 to a message".into())
        );
        for kind in ["image", "audio", "video", "document", "sticker"] {
            let c = one(msg(
                kind,
                json!({"id": "m1", "caption": "look", "filename": "a.pdf"}),
            ));
            assert!(
                matches!(c, Content::Media { ref media_id, .. } if media_id == "m1"),
                "{kind}"
            );
        }
        assert_eq!(
            one(msg("order", json!({}))),
            Content::Unsupported("order".into())
        );
    }

    #[test]
    fn changes_for_another_number_are_counted_not_read() {
        let payload = json!({"entry": [{"changes": [{"value": {
            "metadata": {"phone_number_id": "999"},
            "messages": [msg("text", json!({"body": "Hi"}))]}}]}]});
        let read = read(serde_json::from_value(payload).unwrap(), "111");
        assert!(read.messages.is_empty());
        assert_eq!(read.foreign_numbers, 1);
    }

    #[test]
    fn signatures_are_checked_over_the_exact_body() {
        let body = br#"{"entry":[]}"#;
        let header = sign("app-secret", body);
        assert!(signature_valid("app-secret", body, Some(&header)));
        assert!(!signature_valid("other", body, Some(&header)));
        assert!(!signature_valid(
            "app-secret",
            br#"{"entry":[ ]}"#,
            Some(&header)
        ));
        assert!(!signature_valid("app-secret", body, None));
        assert!(!signature_valid("app-secret", body, Some("sha256=zz")));
    }

    #[test]
    fn failed_statuses_explain_themselves() {
        let s: Status = serde_json::from_value(json!({"id": "w", "status": "failed",
            "errors": [{"code": 131047, "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": "More than 24 hours have passed"}}]}))
        .unwrap();
        assert_eq!(
            s.error_text().unwrap(),
            "Re-engagement message: More than 24 hours have passed [131047]"
        );
    }
}
