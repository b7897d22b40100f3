//! One visitor's socket (the chat widget): frames from the visitor are validated, rate-limited
//! and applied; events about the visitor's conversation come back as widget frames.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use actix_web::rt::time::Interval;
use tokio::sync::watch;

use actix_http::ws::{CloseCode, CloseReason};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use switchboard_types::events::{AgentChange, HandoffChange, MessageCreated, MessagesSeen, Typing};
use switchboard_types::messages::Sender;
use switchboard_types::widget::{ServerFrame, VisitorFrame};

use super::hub::{Admission, Outgoing, Registration, SocketTask};
use super::lean_socket::{Incoming, LeanSocket, ReadError};
use super::presence::PresenceGuard;
use crate::domain::visitor_chat::{self, Prechat, VisitorCtx};
use crate::domain::visitor_messages::{self, KnownThread, SlotPick, Stored};
use crate::domain::{leads, validate};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// Largest frame a visitor may send.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;
/// Typing notices are forwarded at most this often.
const TYPING_EVERY: Duration = Duration::from_secs(2);

/// A connected visitor.
pub struct Visitor {
    pub ctx: VisitorCtx,
    /// The visitor's place under the per-address limit, given back when this is dropped.
    pub admission: Admission,
    pub rating_categories: Vec<String>,
}

/// Runs the socket on its own task until it closes. Everything the socket keeps between frames
/// is in one allocation ([`Live`]) and the loop that waits for the next thing to do holds
/// little else: thousands of visitor sockets sit idle, and this is their memory.
pub fn spawn(state: AppState, socket: LeanSocket, visitor: Visitor, welcome: &ServerFrame) {
    let welcome = serde_json::to_string(welcome).unwrap_or_default();
    actix_web::rt::spawn(Box::new(Live::new(state, socket, visitor)).run(welcome));
}

/// A visitor socket's state between frames. Dropping it (at the end, or if its task panics)
/// unregisters the socket and gives back the visitor's place.
struct Live {
    state: AppState,
    socket: LeanSocket,
    registration: Registration,
    /// Counted until the socket has said goodbye (a graceful stop waits for it).
    _task: SocketTask,
    visitor: Visitor,
    presence: PresenceGuard,
    limits: Limits,
    known: KnownThread,
    last_heard: Instant,
    heartbeat: Interval,
    shutdown: watch::Receiver<bool>,
}

/// What woke a socket up.
enum Wake {
    Frame(Result<Incoming, ReadError>),
    Outgoing(Option<Outgoing>),
    Heartbeat,
    Shutdown,
}

impl Live {
    fn new(state: AppState, socket: LeanSocket, visitor: Visitor) -> Live {
        let registration = state
            .hub
            .register_visitor(visitor.ctx.tenant_id.as_str(), &visitor.ctx.visitor_id);
        Live {
            _task: state.hub.socket_task(),
            limits: Limits::new(&state),
            heartbeat: actix_web::rt::time::interval(state.config.socket_heartbeat),
            shutdown: state.shutdown.subscribe(),
            state,
            socket,
            registration,
            visitor,
            presence: PresenceGuard::default(),
            known: KnownThread::default(),
            last_heard: Instant::now(),
        }
    }

    async fn run(mut self: Box<Self>, welcome: String) {
        // Boxed (here and below): one-off steps keep their state on the heap only while they
        // run, so the long-lived future of an idle visitor stays small.
        let started = Box::pin(self.start(welcome)).await;
        let reason = if started { self.pump().await } else { None };
        let Live {
            state,
            socket,
            registration,
            visitor,
            mut presence,
            _task,
            ..
        } = *self;
        // The socket is going: it takes no more events and frees its place for the address.
        let Visitor { ctx, admission, .. } = visitor;
        drop((registration, admission));
        // Goodbye first: on a stop, recording thousands of departures must not hold up 1012.
        Box::pin(socket.close(reason)).await;
        Box::pin(presence.leave(&state, &ctx)).await;
    }

    /// Notes the tenant's event position and sends `welcome`; false when the socket cannot
    /// start.
    async fn start(&mut self, welcome: String) -> bool {
        note_position(&self.state, self.visitor.ctx.tenant_id.as_str())
            .await
            .is_ok()
            && self.socket.text(welcome).await.is_ok()
    }

    /// Waits for frames, events and timers until the socket should close, and says why.
    async fn pump(&mut self) -> Option<CloseReason> {
        loop {
            let wake = {
                let Live {
                    socket,
                    registration,
                    heartbeat,
                    shutdown,
                    ..
                } = self;
                tokio::select! {
                    frame = socket.recv() => Wake::Frame(frame),
                    outgoing = registration.queue.next() => Wake::Outgoing(outgoing),
                    _ = heartbeat.tick() => Wake::Heartbeat,
                    // `wait_for` also sees a stop that began before this socket subscribed.
                    _ = shutdown.wait_for(|stop| *stop) => Wake::Shutdown,
                }
            };
            if let Some(reason) = Box::pin(self.on_wake(wake)).await {
                return reason;
            }
        }
    }

    /// Acts on one wake-up; `Some` closes the socket (with the reason inside, if any).
    async fn on_wake(&mut self, wake: Wake) -> Option<Option<CloseReason>> {
        let close = |code, description| Some(Some(closing(code, Some(description))));
        match wake {
            Wake::Frame(frame) => {
                self.last_heard = Instant::now();
                self.on_frame(frame).await
            }
            Wake::Outgoing(None) => close(CloseCode::Again, "reconnect and sync"),
            Wake::Outgoing(Some(Outgoing::Visitor { kind, data })) => {
                for frame in visitor_frames(&kind, &data, &self.visitor.rating_categories) {
                    if !send(&mut self.socket, &frame).await {
                        return Some(None);
                    }
                }
                None
            }
            Wake::Outgoing(Some(_)) => None,
            Wake::Heartbeat => {
                if self.last_heard.elapsed() > self.state.config.socket_silence_limit {
                    return close(CloseCode::Away, "no heartbeat");
                }
                self.socket.ping().await.err().map(|_| None)
            }
            Wake::Shutdown => close(CloseCode::Restart, "server restarting"),
        }
    }

    async fn on_frame(
        &mut self,
        frame: Result<Incoming, ReadError>,
    ) -> Option<Option<CloseReason>> {
        match frame {
            Ok(Incoming::Text(text)) => {
                on_text(
                    &self.state,
                    &mut self.socket,
                    &self.visitor,
                    &mut self.presence,
                    &mut self.limits,
                    &mut self.known,
                    &text,
                )
                .await
            }
            Ok(Incoming::Ping(bytes)) => self.socket.pong(bytes).await.err().map(|_| None),
            Ok(Incoming::Binary) => {
                let refused = error_frame(ErrorCode::InvalidFrame, "Send JSON text frames.", None);
                (!send(&mut self.socket, &refused).await).then_some(None)
            }
            Ok(Incoming::Pong) => None,
            Ok(Incoming::Close) | Err(ReadError::Gone) => Some(None),
            Err(ReadError::TooLarge) => {
                let refused = error_frame(
                    ErrorCode::FrameTooLarge,
                    "Frames may be at most 16 KiB.",
                    None,
                );
                send(&mut self.socket, &refused).await;
                Some(Some(closing(CloseCode::Size, Some("frame too large"))))
            }
            Err(ReadError::Protocol) => Some(Some(closing(CloseCode::Protocol, None))),
            Err(ReadError::NotUtf8) => Some(Some(closing(
                CloseCode::Invalid,
                Some("text frames must be UTF-8"),
            ))),
        }
    }
}

/// The close frame's code and reason.
fn closing(code: CloseCode, description: Option<&str>) -> CloseReason {
    CloseReason {
        code,
        description: description.map(str::to_string),
    }
}

async fn note_position(state: &AppState, tenant_id: &str) -> Result<(), AppError> {
    let tenant = tenant_id.to_string();
    let latest = state
        .db
        .read(move |conn| Ok(crate::store::events::latest_seq(conn, &tenant)?))
        .await?;
    state.hub.note_position(tenant_id, latest);
    Ok(())
}

/// Per-socket limits: messages and other frames each have their own budget.
struct Limits {
    messages: DefaultDirectRateLimiter,
    frames: DefaultDirectRateLimiter,
    last_typing: Option<Instant>,
}

impl Limits {
    fn new(state: &AppState) -> Limits {
        let c = &state.config;
        Limits {
            messages: bucket(c.widget_messages_per_second, c.widget_message_burst),
            frames: bucket(c.widget_frames_per_second, c.widget_frame_burst),
            last_typing: None,
        }
    }
}

/// A token bucket: `per_second` refill, `burst` at most (settings are at least 1).
fn bucket(per_second: u32, burst: u32) -> DefaultDirectRateLimiter {
    let at_least_one = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(
        Quota::per_second(at_least_one(per_second)).allow_burst(at_least_one(burst)),
    )
}

/// Handles one text frame. Bad frames get an error frame and the socket lives on; abuse (a
/// flood past the limits) gets an error frame and a close.
async fn on_text(
    state: &AppState,
    socket: &mut LeanSocket,
    visitor: &Visitor,
    presence: &mut PresenceGuard,
    limits: &mut Limits,
    known: &mut KnownThread,
    text: &str,
) -> Option<Option<CloseReason>> {
    if limits.frames.check().is_err() {
        send(
            socket,
            &error_frame(ErrorCode::RateLimited, "Too many frames; slow down.", None),
        )
        .await;
        return Some(Some(closing(CloseCode::Policy, Some("rate limited"))));
    }
    // As for REST bodies (`http::extract::parse_json`): no text may hold a NUL character.
    if validate::json_holds_nul(text.as_bytes()) {
        let refused = error_frame(
            ErrorCode::ValidationFailed,
            "Text must not contain the NUL character (\\u0000).",
            None,
        );
        send(socket, &refused).await;
        return None;
    }
    let frame: VisitorFrame = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(error) => {
            send(
                socket,
                &error_frame(
                    ErrorCode::InvalidFrame,
                    &format!("This frame is not understood: {error}"),
                    None,
                ),
            )
            .await;
            return None;
        }
    };
    let reply = handle(state, visitor, presence, limits, known, frame).await;
    for frame in reply {
        if !send(socket, &frame).await {
            return Some(None);
        }
    }
    None
}

/// Applies one frame; returns the frames to send back.
async fn handle(
    state: &AppState,
    visitor: &Visitor,
    presence: &mut PresenceGuard,
    limits: &mut Limits,
    known: &mut KnownThread,
    frame: VisitorFrame,
) -> Vec<ServerFrame> {
    let ctx = &visitor.ctx;
    let result = match frame {
        VisitorFrame::Ping => return vec![ServerFrame::Pong],
        VisitorFrame::Message {
            client_id,
            text,
            attachment_id,
        } => {
            if limits.messages.check().is_err() {
                return too_fast(client_id);
            }
            let attachment_id = attachment_id.map(|a| a.0);
            let stored =
                visitor_messages::post(state, ctx, known, client_id.clone(), text, attachment_id);
            return acked(stored.await, client_id);
        }
        VisitorFrame::PickSlot {
            client_id,
            message_id,
            starts_at,
            text,
        } => {
            if limits.messages.check().is_err() {
                return too_fast(client_id);
            }
            let pick = SlotPick {
                slots_message_id: message_id.0,
                starts_at,
            };
            let stored =
                visitor_messages::pick_slot(state, ctx, known, client_id.clone(), pick, text);
            return acked(stored.await, client_id);
        }
        VisitorFrame::Page {
            url,
            title,
            referrer,
        } => presence
            .page(state, ctx, url, title, referrer)
            .await
            .map(|_| vec![]),
        VisitorFrame::Typing => {
            if limits
                .last_typing
                .is_some_and(|t| t.elapsed() < TYPING_EVERY)
            {
                return vec![];
            }
            limits.last_typing = Some(Instant::now());
            visitor_chat::typing(state, ctx).await.map(|_| vec![])
        }
        VisitorFrame::Prechat {
            name,
            email,
            phone,
            fields,
        } => visitor_chat::prechat(
            state,
            ctx,
            Prechat {
                name,
                email,
                phone,
                fields,
            },
        )
        .await
        .map(|_| vec![]),
        VisitorFrame::RequestAgent => visitor_chat::request_agent(state, ctx)
            .await
            .map(|_| vec![ServerFrame::AgentRequested]),
        VisitorFrame::Rating {
            stars,
            categories,
            comment,
        } => visitor_chat::rate(state, ctx, stars, categories, comment)
            .await
            .map(|_| vec![]),
        VisitorFrame::LeaveEmail {
            email,
            name,
            message,
        } => leads::leave_email(state, ctx, email, name, message)
            .await
            .map(|_| vec![ServerFrame::EmailSaved]),
        VisitorFrame::Seen { .. } => Ok(vec![]),
        VisitorFrame::Sync { after } => visitor_chat::sync(state, ctx, after.map(|m| m.0))
            .await
            .map(|messages| vec![ServerFrame::Messages { messages }]),
    };
    result.unwrap_or_else(|error| vec![refused(error, None)])
}

/// The answer to a message the visitor sent: its `ack`, or why it was refused.
fn acked(stored: Result<Stored, AppError>, client_id: String) -> Vec<ServerFrame> {
    match stored {
        Ok(stored) => vec![ServerFrame::Ack {
            client_id,
            message_id: stored.message_id.into(),
            conversation_id: stored.conversation_id.into(),
        }],
        Err(error) => vec![refused(error, Some(client_id))],
    }
}

/// The answer to a message over the visitor's rate.
fn too_fast(client_id: String) -> Vec<ServerFrame> {
    vec![error_frame(
        ErrorCode::RateLimited,
        "You are sending messages too fast; wait a moment.",
        Some(client_id),
    )]
}

/// An error frame from a refused action (the same codes as the REST API).
fn refused(error: AppError, client_id: Option<String>) -> ServerFrame {
    if let AppError::Internal(cause) = &error {
        tracing::error!(error = %format!("{cause:#}"), "visitor action failed");
    }
    let body = error.body().error;
    error_frame(body.code, &body.message, client_id)
}

/// Longest `client_id` echoed back in an error frame: a valid one is at most 100 characters,
/// and a refused one of any length must not be sent back whole.
const ECHOED_CLIENT_ID_CHARS: usize = 100;

fn error_frame(code: ErrorCode, message: &str, client_id: Option<String>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.into(),
        client_id: client_id.map(|id| id.chars().take(ECHOED_CLIENT_ID_CHARS).collect()),
    }
}

/// Turns an event about the visitor's conversation into what the widget shows.
pub fn visitor_frames(kind: &str, data: &str, categories: &[String]) -> Vec<ServerFrame> {
    let parse = |f: fn(&str) -> Option<ServerFrame>| f(data).into_iter().collect::<Vec<_>>();
    match kind {
        "message.created" => parse(|d| {
            let created: MessageCreated = serde_json::from_str(d).ok()?;
            Some(ServerFrame::Message {
                message: visitor_chat::visitor_message(&created.message),
            })
        }),
        "agent.joined" => parse(|d| {
            let change: AgentChange = serde_json::from_str(d).ok()?;
            Some(ServerFrame::AgentJoined {
                agent_name: change.agent.name,
            })
        }),
        "agent.left" => parse(|d| {
            let change: AgentChange = serde_json::from_str(d).ok()?;
            Some(ServerFrame::AgentLeft {
                agent_name: change.agent.name,
            })
        }),
        "handoff.transferred" | "handoff.accepted" => parse(|d| {
            let change: HandoffChange = serde_json::from_str(d).ok()?;
            Some(ServerFrame::AgentJoined {
                agent_name: change.handoff.to.name,
            })
        }),
        "messages.seen" => parse(|d| {
            let seen: MessagesSeen = serde_json::from_str(d).ok()?;
            Some(ServerFrame::Seen {
                message_id: seen.message_id,
            })
        }),
        "typing" => parse(|d| {
            let typing: Typing = serde_json::from_str(d).ok()?;
            (typing.sender == Sender::Agent).then(|| ServerFrame::Typing {
                sender_name: typing.name.unwrap_or_else(|| "Agent".into()),
            })
        }),
        "conversation.resolved" => vec![
            ServerFrame::Resolved,
            ServerFrame::RatingRequest {
                categories: categories.to_vec(),
            },
        ],
        "rating.created" => vec![ServerFrame::RatingSaved],
        _ => vec![],
    }
}

/// Sends a frame; false when the socket is gone.
async fn send(socket: &mut LeanSocket, frame: &ServerFrame) -> bool {
    match serde_json::to_string(frame) {
        Ok(text) => socket.text(text).await.is_ok(),
        Err(_) => true,
    }
}
