//! The chat's live state, what each server frame does to it, and what the visitor can do.

use std::time::Duration;

use leptos::prelude::*;
use switchboard_types::conversations::ConversationStatus;
use switchboard_types::messages::{AttachmentView, Sender};
use switchboard_types::widget::{ServerFrame, VisitorFrame};
use switchboard_types::widget_settings::WidgetConfig;
use switchboard_types::MessageId;

use crate::host::{self, Frame};
use crate::i18n::Strings;
use crate::thread::{self, Item, Pending, Pick};
use crate::{socket, storage};

/// What the panel shows below the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The pre-chat form, before the first message.
    Prechat,
    /// The thread and the input bar.
    Chat,
    /// No agent online: leave an email.
    LeaveEmail,
    /// The email was stored.
    EmailSaved,
    /// The conversation was resolved: stars, categories, comment.
    Rating,
    /// The rating was stored.
    Thanks,
}

/// Every signal the views read; `Copy`, so each view takes it by value.
#[derive(Clone, Copy)]
pub struct Chat {
    pub frame: StoredValue<Frame>,
    pub config: StoredValue<WidgetConfig>,
    pub text: &'static Strings,
    pub items: RwSignal<Vec<Item>>,
    pub outbox: RwSignal<Vec<Pending>>,
    pub step: RwSignal<Step>,
    pub agent: RwSignal<Option<String>>,
    pub typing: RwSignal<Option<String>>,
    pub status: RwSignal<Option<ConversationStatus>>,
    pub connected: RwSignal<bool>,
    pub requested: RwSignal<bool>,
    pub categories: RwSignal<Vec<String>>,
    pub notice: RwSignal<Option<String>>,
    /// The newest of the visitor's messages the team has seen.
    pub seen: RwSignal<Option<MessageId>>,
    token: StoredValue<Option<String>>,
    welcomed: StoredValue<bool>,
    lines: StoredValue<u32>,
    typing_generation: StoredValue<u32>,
}

impl Chat {
    /// A chat with `config`; what this browser kept comes with `connect`.
    pub fn new(frame: Frame, config: WidgetConfig, text: &'static Strings) -> Chat {
        let prechat = config.prechat.enabled;
        Chat {
            categories: RwSignal::new(config.rating_categories.clone()),
            frame: StoredValue::new(frame),
            config: StoredValue::new(config),
            text,
            items: RwSignal::new(Vec::new()),
            outbox: RwSignal::new(Vec::new()),
            step: RwSignal::new(if prechat { Step::Prechat } else { Step::Chat }),
            agent: RwSignal::new(None),
            typing: RwSignal::new(None),
            status: RwSignal::new(None),
            connected: RwSignal::new(false),
            requested: RwSignal::new(false),
            notice: RwSignal::new(None),
            seen: RwSignal::new(None),
            token: StoredValue::new(None),
            welcomed: StoredValue::new(false),
            lines: StoredValue::new(0),
            typing_generation: StoredValue::new(0),
        }
    }

    /// Connects with `token` (the host page's, if it has one).
    /// Once the loader has handed over what the host page keeps: shows the outbox kept from
    /// an earlier page and skips a pre-chat form answered before.
    pub fn connect(self, token: Option<String>) {
        self.frame.with_value(|f| {
            self.outbox.set(storage::outbox(f));
            if storage::prechat_answered(f) && self.step.get_untracked() == Step::Prechat {
                self.step.set(Step::Chat);
            }
        });
        self.token.set_value(token);
        socket::start(socket::Dialer {
            key: self.frame.with_value(|f| f.key.clone()),
            token: Box::new(move || self.token.get_value()),
            on_frame: Box::new(move |frame| self.apply(frame)),
            on_connected: Box::new(move |up| self.connected.set(up)),
        });
    }

    /// What a frame from the server changes.
    pub fn apply(self, frame: ServerFrame) {
        match frame {
            ServerFrame::Welcome {
                token,
                conversation,
                messages,
                rating_categories,
                ..
            } => self.welcome(token, conversation, messages, rating_categories),
            ServerFrame::Ack {
                client_id,
                message_id,
                conversation_id,
            } => {
                self.outbox.update(|outbox| {
                    self.items.update(|items| {
                        thread::acknowledge(
                            items,
                            outbox,
                            &client_id,
                            message_id,
                            conversation_id,
                            now(),
                        )
                    })
                });
                self.save_outbox();
            }
            ServerFrame::Message { message } => {
                if message.sender == Sender::Customer {
                    self.outbox.update(|o| thread::settle(o, &message));
                    self.save_outbox();
                } else {
                    self.typing.set(None);
                }
                if self.step.get_untracked() == Step::Thanks {
                    self.step.set(Step::Chat);
                }
                self.items
                    .update(|items| thread::merge(items, vec![message]));
            }
            ServerFrame::Messages { messages } => {
                self.items.update(|items| thread::merge(items, messages))
            }
            ServerFrame::AgentJoined { agent_name } => {
                let (before, after) = self.text.joined;
                self.line(format!("{before}{agent_name}{after}"));
                self.agent.set(Some(agent_name));
                self.requested.set(false);
            }
            ServerFrame::AgentLeft { agent_name } => {
                let (before, after) = self.text.left;
                self.line(format!("{before}{agent_name}{after}"));
                self.agent.set(None);
            }
            ServerFrame::Typing { sender_name } => self.show_typing(sender_name),
            ServerFrame::Seen { message_id } => self.seen.set(Some(message_id)),
            ServerFrame::AgentRequested => {
                if !self.requested.get_untracked() {
                    self.requested.set(true);
                    self.line(self.text.human_requested.to_string());
                }
            }
            ServerFrame::Resolved => {
                self.status.set(Some(ConversationStatus::Resolved));
                self.agent.set(None);
                self.requested.set(false);
                self.line(self.text.resolved.to_string());
            }
            ServerFrame::RatingRequest { categories } => {
                self.categories.set(categories);
                self.step.set(Step::Rating);
            }
            ServerFrame::RatingSaved => self.step.set(Step::Thanks),
            ServerFrame::EmailSaved => self.step.set(Step::EmailSaved),
            ServerFrame::Error {
                message, client_id, ..
            } => self.refused(message, client_id),
            ServerFrame::Pong => {}
        }
    }

    fn welcome(
        self,
        token: String,
        conversation: Option<switchboard_types::widget::VisitorConversation>,
        messages: Vec<switchboard_types::widget::VisitorMessage>,
        categories: Vec<String>,
    ) {
        if self.token.get_value().as_deref() != Some(token.as_str()) {
            self.token.set_value(Some(token.clone()));
            self.frame.with_value(|f| {
                host::post(f, &serde_json::json!({ "sb": "token", "token": token }))
            });
        }
        let reconnect = self.welcomed.get_value();
        self.welcomed.set_value(true);
        self.status.set(conversation.as_ref().map(|c| c.status));
        self.agent
            .set(conversation.as_ref().and_then(|c| c.agent_name.clone()));
        self.seen
            .set(conversation.as_ref().and_then(|c| c.seen_up_to.clone()));
        self.categories.set(categories);
        let after = self.items.with_untracked(|i| thread::last_message_id(i));
        self.items.update(|items| thread::merge(items, messages));
        // The welcome holds the last 50 messages; `sync` fills a longer absence.
        if reconnect {
            socket::send(&VisitorFrame::Sync { after });
        }
        if conversation.is_some() && self.step.get_untracked() == Step::Prechat {
            self.step.set(Step::Chat);
        }
        self.flush();
    }

    /// Sends a message: it waits in the outbox (and in storage) until the server acknowledges
    /// it, so a closed tab or a lost connection never loses it.
    pub fn send_text(self, text: String) {
        self.send_message(text, None);
    }

    /// Sends a message with an uploaded photo, file or voice note (and a caption, if any).
    pub fn send_message(self, text: String, attachment: Option<AttachmentView>) {
        self.queue(Pending {
            client_id: client_id(),
            text,
            refused: None,
            attachment,
            pick: None,
        });
    }

    /// Picks a time on a booking card: sent like a message (kept until acknowledged), with
    /// `text` saying the time as the visitor reads it.
    pub fn pick_slot(self, pick: Pick, text: String) {
        self.queue(Pending {
            client_id: client_id(),
            text,
            refused: None,
            attachment: None,
            pick: Some(pick),
        });
    }

    fn queue(self, pending: Pending) {
        self.outbox.update(|o| o.push(pending.clone()));
        self.save_outbox();
        self.notice.set(None);
        if self.step.get_untracked() == Step::Thanks {
            self.step.set(Step::Chat);
        }
        socket::send(&message_frame(&pending));
    }

    /// Resends everything not acknowledged (the same `client_id`s: stored at most once).
    fn flush(self) {
        self.outbox.with_untracked(|outbox| {
            for pending in outbox.iter().filter(|p| p.refused.is_none()) {
                socket::send(&message_frame(pending));
            }
        });
    }

    /// "Talk to a human": the team is alerted, or, with nobody online, the visitor is offered
    /// to leave their email.
    pub fn request_human(self) {
        // Asked now, not when the chat loaded: the team may have come or gone since.
        let key = self.frame.with_value(|f| f.key.clone());
        leptos::task::spawn_local(async move {
            let online = match crate::config::fetch(&key).await {
                Ok(fresh) => fresh.agents_online,
                Err(_) => self.config.with_value(|c| c.agents_online),
            };
            self.config.update_value(|c| c.agents_online = online);
            if online {
                socket::send(&VisitorFrame::RequestAgent);
            } else {
                self.step.set(Step::LeaveEmail);
            }
        });
    }

    /// Whether the team has seen message `id`: it is at or before the newest one they saw.
    pub fn seen_by_team(self, id: &MessageId) -> bool {
        let Some(seen) = self.seen.get() else {
            return false;
        };
        self.items
            .with(|items| thread::at_or_before(items, id, &seen))
    }

    /// The visitor's token, once the server has welcomed them (uploads carry it).
    pub fn token(self) -> Option<String> {
        self.token.get_value()
    }

    /// Sends a frame that is not a message; says so when there is no connection.
    pub fn send(self, frame: VisitorFrame) -> bool {
        let sent = socket::send(&frame);
        if !sent {
            self.notice.set(Some(self.text.reconnecting.to_string()));
        }
        sent
    }

    /// The pre-chat form was answered.
    pub fn prechat_done(self) {
        self.frame.with_value(storage::set_prechat_answered);
        self.step.set(Step::Chat);
    }

    fn refused(self, message: String, client_id: Option<String>) {
        let Some(client_id) = client_id else {
            self.notice.set(Some(message));
            return;
        };
        self.outbox.update(|o| {
            if let Some(p) = o.iter_mut().find(|p| p.client_id == client_id) {
                p.refused = Some(message);
            }
        });
        self.save_outbox();
    }

    fn show_typing(self, name: String) {
        self.typing.set(Some(name));
        let generation = self.typing_generation.get_value() + 1;
        self.typing_generation.set_value(generation);
        // Typing frames come every 2 s at most while someone types; silence ends it.
        set_timeout(
            move || {
                if self.typing_generation.get_value() == generation {
                    self.typing.set(None);
                }
            },
            Duration::from_secs(5),
        );
    }

    fn line(self, text: String) {
        let n = self.lines.get_value() + 1;
        self.lines.set_value(n);
        self.items
            .update(|items| thread::add_line(items, format!("line-{n}"), text));
    }

    fn save_outbox(self) {
        self.frame.with_value(|f| {
            self.outbox
                .with_untracked(|outbox| storage::save_outbox(f, outbox))
        });
    }
}

fn message_frame(pending: &Pending) -> VisitorFrame {
    if let Some(pick) = &pending.pick {
        return VisitorFrame::PickSlot {
            client_id: pending.client_id.clone(),
            message_id: pick.card.clone(),
            starts_at: pick.starts_at,
            text: pending.text.clone(),
        };
    }
    VisitorFrame::Message {
        client_id: pending.client_id.clone(),
        text: Some(pending.text.clone()).filter(|t| !t.is_empty()),
        attachment_id: pending.attachment.as_ref().map(|a| a.id.clone()),
    }
}

/// The browser's clock (chrono's own clock is not wired to JavaScript in this build).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// A random idempotency key for a message.
fn client_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| {
            format!(
                "{}-{}",
                now().timestamp_millis(),
                (js_sys::Math::random() * 1e9) as u32
            )
        })
}
