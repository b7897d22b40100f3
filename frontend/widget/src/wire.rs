//! Reading the JSON the chat receives (socket frames, its configuration, the loader's
//! messages, its own outbox) into the shared types, by hand from a `serde_json::Value`.
//!
//! Why not `#[derive(Deserialize)]`: serde's derive for the internally tagged `ServerFrame`
//! (buffered through serde's `Content`), every error code's name and chrono's general parser
//! were a third of the chat's download. One JSON parser into `Value` and these readers do the
//! same job in a fraction of the bytes. The tests below feed every reader what serde writes
//! for the same type, so the server's wire format and this module cannot drift apart.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use switchboard_types::conversations::ConversationStatus;
use switchboard_types::error::ErrorCode;
use switchboard_types::messages::{AttachmentKind, AttachmentView, MessageKind, Sender};
use switchboard_types::widget::{ServerFrame, VisitorConversation, VisitorFrame, VisitorMessage};
use switchboard_types::widget_settings::{FieldRule, LauncherPosition, PrechatForm, WidgetConfig};

use crate::host::{HostMessage, Page};
use crate::thread::{Pending, Pick};

/// A JSON object's fields, read leniently where the server may leave a field out.
#[derive(Clone, Copy)]
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn of(value: &'a Value) -> Option<Self> {
        value.as_object().map(Fields)
    }

    fn str(self, name: &str) -> Option<&'a str> {
        self.0.get(name)?.as_str()
    }

    /// A required string.
    fn text(self, name: &str) -> Option<String> {
        self.str(name).map(str::to_string)
    }

    /// An id, or any other type made from a string.
    fn id<T: From<String>>(self, name: &str) -> Option<T> {
        self.text(name).map(T::from)
    }

    fn int(self, name: &str) -> Option<i64> {
        self.0.get(name)?.as_i64()
    }

    fn flag(self, name: &str) -> bool {
        self.0.get(name).and_then(Value::as_bool).unwrap_or(false)
    }

    fn object(self, name: &str) -> Option<Fields<'a>> {
        Fields::of(self.0.get(name)?)
    }

    /// A list of which every entry must read; absent is empty.
    fn list<T>(self, name: &str, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(value) => value.as_array()?.iter().map(read).collect(),
        }
    }

    fn texts(self, name: &str) -> Option<Vec<String>> {
        self.list(name, |v| v.as_str().map(str::to_string))
    }
}

fn parse(json: &str) -> Option<Value> {
    serde_json::from_str(json).ok()
}

/// A frame from the visitor socket; `None` for anything this build cannot read.
pub fn server_frame(json: &str) -> Option<ServerFrame> {
    let value = parse(json)?;
    let f = Fields::of(&value)?;
    Some(match f.str("type")? {
        "welcome" => ServerFrame::Welcome {
            visitor_id: f.id("visitor_id")?,
            display_id: f.text("display_id")?,
            token: f.text("token")?,
            conversation: match f.object("conversation") {
                Some(c) => Some(conversation(c)?),
                None => None,
            },
            messages: f.list("messages", message)?,
            rating_categories: f.texts("rating_categories")?,
        },
        "ack" => ServerFrame::Ack {
            client_id: f.text("client_id")?,
            message_id: f.id("message_id")?,
            conversation_id: f.id("conversation_id")?,
        },
        "message" => ServerFrame::Message {
            message: message(f.0.get("message")?)?,
        },
        "messages" => ServerFrame::Messages {
            messages: f.list("messages", message)?,
        },
        "agent_joined" => ServerFrame::AgentJoined {
            agent_name: f.text("agent_name")?,
        },
        "agent_left" => ServerFrame::AgentLeft {
            agent_name: f.text("agent_name")?,
        },
        "typing" => ServerFrame::Typing {
            sender_name: f.text("sender_name")?,
        },
        "seen" => ServerFrame::Seen {
            message_id: f.id("message_id")?,
        },
        "agent_requested" => ServerFrame::AgentRequested,
        "resolved" => ServerFrame::Resolved,
        "rating_request" => ServerFrame::RatingRequest {
            categories: f.texts("categories")?,
        },
        "rating_saved" => ServerFrame::RatingSaved,
        "email_saved" => ServerFrame::EmailSaved,
        "pong" => ServerFrame::Pong,
        "error" => ServerFrame::Error {
            code: ErrorCode::parse(f.str("code")?),
            message: f.text("message")?,
            client_id: f.text("client_id"),
        },
        _ => return None,
    })
}

fn conversation(f: Fields) -> Option<VisitorConversation> {
    Some(VisitorConversation {
        id: f.id("id")?,
        status: ConversationStatus::parse(f.str("status")?)?,
        agent_name: f.text("agent_name"),
        seen_up_to: f.id("seen_up_to"),
    })
}

fn message(value: &Value) -> Option<VisitorMessage> {
    let f = Fields::of(value)?;
    Some(VisitorMessage {
        id: f.id("id")?,
        conversation_id: f.id("conversation_id")?,
        sender: Sender::parse(f.str("sender")?)?,
        sender_name: f.text("sender_name")?,
        kind: MessageKind::parse(f.str("kind")?)?,
        body: f.text("body"),
        attachment: match f.object("attachment") {
            Some(a) => Some(attachment(a)?),
            None => None,
        },
        payload: f.0.get("payload").filter(|p| !p.is_null()).cloned(),
        client_id: f.text("client_id"),
        created_at: timestamp(f.str("created_at")?)?,
    })
}

/// The body of a successful upload.
pub fn attachment_view(json: &str) -> Option<AttachmentView> {
    attachment(Fields::of(&parse(json)?)?)
}

fn attachment(f: Fields) -> Option<AttachmentView> {
    Some(AttachmentView {
        id: f.id("id")?,
        kind: AttachmentKind::parse(f.str("kind")?)?,
        content_type: f.text("content_type")?,
        filename: f.text("filename")?,
        size_bytes: f.int("size_bytes")?,
        duration_ms: f.int("duration_ms"),
        url: f.text("url")?,
    })
}

/// An RFC 3339 time as the server writes it (`2026-12-03T17:43:19.123456Z`).
fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The body of `GET /api/widget/v1/config`.
pub fn config(json: &str) -> Option<WidgetConfig> {
    let value = parse(json)?;
    let f = Fields::of(&value)?;
    let prechat = f.object("prechat")?;
    let rule = |name| FieldRule::parse(prechat.str(name).unwrap_or("off"));
    Some(WidgetConfig {
        business_name: f.text("business_name")?,
        accent_color: f.text("accent_color")?,
        title: f.text("title")?,
        greeting: f.text("greeting")?,
        position: LauncherPosition::parse(f.str("position")?)?,
        prechat: PrechatForm {
            enabled: prechat.flag("enabled"),
            name: rule("name")?,
            email: rule("email")?,
            phone: rule("phone")?,
        },
        offline_message: f.text("offline_message")?,
        unread_in_title: f.flag("unread_in_title"),
        agents_online: f.flag("agents_online"),
        rating_categories: f.texts("rating_categories")?,
    })
}

/// The sentence of an API error body (`{"error": {"message": …}}`).
pub fn error_message(json: &str) -> Option<String> {
    let value = parse(json)?;
    Fields::of(&value)?.object("error")?.text("message")
}

/// A message from the loader (`{"sb": "init", …}`).
pub fn host_message(json: &str) -> Option<HostMessage> {
    let value = parse(json)?;
    let f = Fields::of(&value)?;
    Some(match f.str("sb")? {
        "init" => HostMessage::Init {
            token: f.text("token"),
            open: f.flag("open"),
            page: f.object("page").and_then(page),
            stored: f
                .object("stored")
                .map(|s| {
                    s.0.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
        },
        "open" => HostMessage::Open,
        "closed" => HostMessage::Closed,
        "page" => HostMessage::Page {
            page: page(f.object("page")?)?,
        },
        _ => return None,
    })
}

fn page(f: Fields) -> Option<Page> {
    Some(Page {
        url: f.text("url")?,
        title: f.text("title"),
        referrer: f.text("referrer"),
    })
}

/// The outbox as kept in storage; what cannot be read is dropped, never the rest.
pub fn outbox(json: &str) -> Vec<Pending> {
    let Some(Value::Array(entries)) = parse(json) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let f = Fields::of(entry)?;
            Some(Pending {
                client_id: f.text("client_id")?,
                text: f.text("text")?,
                refused: f.text("refused"),
                attachment: match f.object("attachment") {
                    Some(a) => Some(attachment(a)?),
                    None => None,
                },
                pick: match f.object("pick") {
                    Some(p) => Some(Pick {
                        card: p.id("card")?,
                        starts_at: timestamp(p.str("starts_at")?)?,
                    }),
                    None => None,
                },
            })
        })
        .collect()
}

/// A frame for the visitor socket as JSON text, written by hand like the readers above (serde's
/// derive for the internally tagged `VisitorFrame` and chrono's serializer cost more bytes than
/// this); the tests hold it to what serde writes.
pub fn frame_json(frame: &VisitorFrame) -> String {
    let tagged = |kind: &str, mut fields: Value| {
        if let Some(map) = fields.as_object_mut() {
            map.insert("type".into(), kind.into());
        }
        fields
    };
    let value = match frame {
        VisitorFrame::Page {
            url,
            title,
            referrer,
        } => tagged(
            "page",
            json!({ "url": url, "title": title, "referrer": referrer }),
        ),
        VisitorFrame::Message {
            client_id,
            text,
            attachment_id,
        } => tagged(
            "message",
            json!({ "client_id": client_id, "text": text, "attachment_id": attachment_id.as_ref().map(|a| a.as_str()) }),
        ),
        VisitorFrame::PickSlot {
            client_id,
            message_id,
            starts_at,
            text,
        } => tagged(
            "pick_slot",
            json!({ "client_id": client_id, "message_id": message_id.as_str(), "starts_at": time_json(*starts_at), "text": text }),
        ),
        VisitorFrame::Typing => tagged("typing", json!({})),
        VisitorFrame::Prechat {
            name,
            email,
            phone,
            fields,
        } => tagged(
            "prechat",
            json!({ "name": name, "email": email, "phone": phone, "fields": fields }),
        ),
        VisitorFrame::RequestAgent => tagged("request_agent", json!({})),
        VisitorFrame::Rating {
            stars,
            categories,
            comment,
        } => tagged(
            "rating",
            json!({ "stars": stars, "categories": categories, "comment": comment }),
        ),
        VisitorFrame::Seen { message_id } => {
            tagged("seen", json!({ "message_id": message_id.as_str() }))
        }
        VisitorFrame::Sync { after } => tagged(
            "sync",
            json!({ "after": after.as_ref().map(|m| m.as_str()) }),
        ),
        VisitorFrame::LeaveEmail {
            email,
            name,
            message,
        } => tagged(
            "leave_email",
            json!({ "email": email, "name": name, "message": message }),
        ),
        VisitorFrame::Ping => tagged("ping", json!({})),
    };
    value.to_string()
}

/// A time as the server writes and reads it.
pub fn time_json(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The times offered on a `booking_slots` card (its payload: `BookingSlots`), earliest first.
pub fn booking_slots(payload: &Value) -> Vec<DateTime<Utc>> {
    let Some(slots) = Fields::of(payload).and_then(|f| f.0.get("slots")?.as_array()) else {
        return Vec::new();
    };
    let mut times: Vec<_> = slots
        .iter()
        .filter_map(|s| timestamp(Fields::of(s)?.str("starts_at")?))
        .collect();
    times.sort();
    times
}

/// The card and time a visitor's pick message names (its payload: `SlotPicked`).
pub fn slot_picked(payload: &Value) -> Option<Pick> {
    let f = Fields::of(payload)?;
    Some(Pick {
        card: f.id("slots_message_id")?,
        starts_at: timestamp(f.object("slot")?.str("starts_at")?)?,
    })
}

fn attachment_json(a: &AttachmentView) -> Value {
    json!({
        "id": a.id.as_str(),
        "kind": a.kind.as_str(),
        "content_type": a.content_type,
        "filename": a.filename,
        "size_bytes": a.size_bytes,
        "duration_ms": a.duration_ms,
        "url": a.url,
    })
}

/// The outbox in its stored form.
pub fn outbox_json(outbox: &[Pending]) -> String {
    let entries: Vec<Value> = outbox
        .iter()
        .map(|p| {
            json!({
                "client_id": p.client_id,
                "text": p.text,
                "refused": p.refused,
                "attachment": p.attachment.as_ref().map(attachment_json),
                "pick": p.pick.as_ref().map(|k| json!({
                    "card": k.card.as_str(),
                    "starts_at": time_json(k.starts_at),
                })),
            })
        })
        .collect();
    Value::Array(entries).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_types::widget_settings::WidgetSettings;

    fn at(second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + second, 123_456_000).unwrap()
    }

    fn visitor_message(id: &str, attachment: Option<AttachmentView>) -> VisitorMessage {
        VisitorMessage {
            id: id.into(),
            conversation_id: "c1".into(),
            sender: Sender::Agent,
            sender_name: "Anna".into(),
            kind: MessageKind::BookingSlots,
            body: Some("Pick a time".into()),
            attachment,
            payload: Some(json!({ "slots": [{ "start": "2026-12-04T10:00:00Z" }] })),
            client_id: None,
            created_at: at(5),
        }
    }

    /// Every frame the server can send, with optional parts both present and absent.
    fn every_frame() -> Vec<ServerFrame> {
        let voice = AttachmentView {
            id: "a1".into(),
            kind: AttachmentKind::Voice,
            content_type: "audio/webm".into(),
            filename: "note.webm".into(),
            size_bytes: 12_345,
            duration_ms: Some(4_200),
            url: "/files/a1?sig=x".into(),
        };
        vec![
            ServerFrame::Welcome {
                visitor_id: "v1".into(),
                display_id: "V-1".into(),
                token: "t".into(),
                conversation: Some(VisitorConversation {
                    id: "c1".into(),
                    status: ConversationStatus::NeedsAgent,
                    agent_name: Some("Anna".into()),
                    seen_up_to: Some("m1".into()),
                }),
                messages: vec![
                    visitor_message("m1", Some(voice)),
                    visitor_message("m2", None),
                ],
                rating_categories: vec!["Fast".into()],
            },
            ServerFrame::Welcome {
                visitor_id: "v1".into(),
                display_id: "V-1".into(),
                token: "t".into(),
                conversation: None,
                messages: vec![],
                rating_categories: vec![],
            },
            ServerFrame::Ack {
                client_id: "k".into(),
                message_id: "m3".into(),
                conversation_id: "c1".into(),
            },
            ServerFrame::Message {
                message: visitor_message("m4", None),
            },
            ServerFrame::Messages {
                messages: vec![visitor_message("m5", None)],
            },
            ServerFrame::AgentJoined {
                agent_name: "Anna".into(),
            },
            ServerFrame::AgentLeft {
                agent_name: "Anna".into(),
            },
            ServerFrame::Seen {
                message_id: "m2".into(),
            },
            ServerFrame::Typing {
                sender_name: "Anna".into(),
            },
            ServerFrame::AgentRequested,
            ServerFrame::Resolved,
            ServerFrame::RatingRequest {
                categories: vec!["Fast".into(), "Friendly".into()],
            },
            ServerFrame::RatingSaved,
            ServerFrame::EmailSaved,
            ServerFrame::Pong,
            ServerFrame::Error {
                code: ErrorCode::RateLimited,
                message: "Slow down.".into(),
                client_id: Some("k".into()),
            },
            ServerFrame::Error {
                code: ErrorCode::InvalidFrame,
                message: "No.".into(),
                client_id: None,
            },
        ]
    }

    #[test]
    fn every_server_frame_reads_as_serde_wrote_it() {
        for frame in every_frame() {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(server_frame(&json), Some(frame), "{json}");
        }
    }

    #[test]
    fn an_unknown_frame_or_a_broken_one_is_skipped() {
        assert_eq!(server_frame(r#"{"type":"from_the_future"}"#), None);
        assert_eq!(server_frame(r#"{"type":"ack","client_id":"k"}"#), None);
        assert_eq!(server_frame("not json"), None);
    }

    #[test]
    fn an_error_code_from_a_newer_server_is_unknown() {
        let frame = server_frame(r#"{"type":"error","code":"brand_new","message":"x"}"#);
        assert!(matches!(
            frame,
            Some(ServerFrame::Error {
                code: ErrorCode::Unknown,
                ..
            })
        ));
    }

    #[test]
    fn the_config_reads_as_serde_wrote_it() {
        let settings = WidgetSettings {
            position: LauncherPosition::BottomLeft,
            prechat: PrechatForm {
                enabled: true,
                name: FieldRule::Required,
                email: FieldRule::Optional,
                phone: FieldRule::Off,
            },
            unread_in_title: true,
            ..WidgetSettings::default()
        };
        let config = WidgetConfig::new(settings, "Northwind".into(), true, vec!["Fast".into()]);
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(super::config(&json), Some(config));
    }

    #[test]
    fn an_upload_answer_reads_as_serde_wrote_it() {
        let view = AttachmentView {
            id: "a1".into(),
            kind: AttachmentKind::Image,
            content_type: "image/png".into(),
            filename: "cat.png".into(),
            size_bytes: 1_234,
            duration_ms: None,
            url: "/api/v1/attachments/a1?sig=x".into(),
        };
        let json = serde_json::to_string(&view).unwrap();
        assert_eq!(attachment_view(&json), Some(view));
    }

    #[test]
    fn an_error_body_gives_its_sentence() {
        let body = r#"{"error":{"code":"origin_not_allowed","message":"Not here."}}"#;
        assert_eq!(error_message(body).as_deref(), Some("Not here."));
        assert_eq!(error_message("<html>"), None);
    }

    #[test]
    fn the_loaders_messages_read() {
        let init = host_message(
            r#"{"sb":"init","token":null,"open":true,"page":{"url":"https://shop.example/","title":"Shop","referrer":""},"stored":{"outbox":"[]","prechat":null}}"#,
        );
        let Some(HostMessage::Init {
            token,
            open,
            page,
            stored,
        }) = init
        else {
            panic!("not an init: {init:?}");
        };
        assert_eq!((token, open), (None, true));
        assert_eq!(stored, vec![("outbox".to_string(), "[]".to_string())]);
        assert_eq!(page.unwrap().url, "https://shop.example/");
        assert!(matches!(
            host_message(r#"{"sb":"open"}"#),
            Some(HostMessage::Open)
        ));
        assert!(host_message(r#"{"sb":"page"}"#).is_none());
        assert!(host_message(r#"{"type":"welcome"}"#).is_none());
    }

    #[test]
    fn every_visitor_frame_is_written_as_serde_writes_it() {
        let fields = serde_json::Map::from_iter([("company".to_string(), json!("Acme"))]);
        let frames = [
            VisitorFrame::Page {
                url: "https://shop.example/".into(),
                title: Some("Shop".into()),
                referrer: None,
            },
            VisitorFrame::Message {
                client_id: "k1".into(),
                text: Some("hi".into()),
                attachment_id: Some("a1".into()),
            },
            VisitorFrame::Message {
                client_id: "k2".into(),
                text: None,
                attachment_id: None,
            },
            VisitorFrame::PickSlot {
                client_id: "k3".into(),
                message_id: "m7".into(),
                starts_at: at(3_600),
                text: "Tue 10:00".into(),
            },
            VisitorFrame::Typing,
            VisitorFrame::Prechat {
                name: Some("Ana".into()),
                email: None,
                phone: Some("+43 1".into()),
                fields: Some(fields),
            },
            VisitorFrame::RequestAgent,
            VisitorFrame::Rating {
                stars: 4,
                categories: vec!["Speed".into()],
                comment: None,
            },
            VisitorFrame::Seen {
                message_id: "m1".into(),
            },
            VisitorFrame::Sync { after: None },
            VisitorFrame::Sync {
                after: Some("m2".into()),
            },
            VisitorFrame::LeaveEmail {
                email: "ana@shop.example".into(),
                name: None,
                message: Some("Call me".into()),
            },
            VisitorFrame::Ping,
        ];
        for frame in frames {
            let ours: Value = serde_json::from_str(&frame_json(&frame)).unwrap();
            assert_eq!(ours, serde_json::to_value(&frame).unwrap(), "{frame:?}");
            // And the server reads it back as the same frame.
            assert_eq!(serde_json::from_value::<VisitorFrame>(ours).unwrap(), frame);
        }
    }

    #[test]
    fn booking_cards_and_picks_read_as_serde_wrote_them() {
        use switchboard_types::messages::{BookingSlot, BookingSlots, SlotPicked};
        let slot = |s| BookingSlot {
            starts_at: at(s),
            ends_at: Some(at(s + 1_800)),
        };
        let card = serde_json::to_value(BookingSlots {
            slots: vec![slot(7_200), slot(3_600)],
        })
        .unwrap();
        assert_eq!(booking_slots(&card), [at(3_600), at(7_200)]);
        assert!(booking_slots(&json!({ "event": "joined" })).is_empty());
        let picked = serde_json::to_value(SlotPicked {
            slots_message_id: "m7".into(),
            slot: slot(3_600),
        })
        .unwrap();
        let pick = slot_picked(&picked).unwrap();
        assert_eq!((pick.card.as_str(), pick.starts_at), ("m7", at(3_600)));
        // What the widget puts in the thread after the ack reads back the same.
        assert_eq!(slot_picked(&pick.payload()), Some(pick));
    }

    #[test]
    fn the_outbox_survives_its_stored_form() {
        let outbox = vec![
            Pending {
                client_id: "k1".into(),
                text: "first \"quoted\"".into(),
                refused: None,
                attachment: None,
                pick: None,
            },
            Pending {
                client_id: "k2".into(),
                text: "Tue 8 Dec, 10:00".into(),
                refused: Some("Too long.".into()),
                attachment: None,
                pick: Some(Pick {
                    card: "m7".into(),
                    starts_at: at(3_600),
                }),
            },
            Pending {
                client_id: "k3".into(),
                text: String::new(),
                refused: None,
                attachment: Some(AttachmentView {
                    id: "a1".into(),
                    kind: AttachmentKind::Voice,
                    content_type: "audio/webm".into(),
                    filename: "voice-note.webm".into(),
                    size_bytes: 2_048,
                    duration_ms: Some(3_100),
                    url: "/api/v1/attachments/a1?sig=x".into(),
                }),
                pick: None,
            },
        ];
        assert_eq!(super::outbox(&outbox_json(&outbox)), outbox);
        assert_eq!(super::outbox("garbage"), vec![]);
    }
}
