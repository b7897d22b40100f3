//! One dashboard's event socket: resume from `since` (or resync), then live events in order
//! with no gap and no duplicate, heartbeats both ways, a bounded queue, and a clean close when
//! the access token expires or the session ends.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use switchboard_types::event_socket::{close, ClientFrame, Notice};

use super::dispatch::envelope;
use super::hub::{Frame, Outgoing, Registration};
use crate::domain::member::Member;
use crate::domain::{auth, member_presence};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::events as event_store;

/// Most events replayed on resume; a client further behind gets `resync`.
const REPLAY_LIMIT: i64 = 10_000;

/// A connected dashboard.
pub struct Dashboard {
    pub member: Member,
    pub bearer: String,
    pub token_expires_at: Option<i64>,
    pub since: Option<i64>,
}

/// Runs the socket until it closes.
pub async fn serve(
    state: AppState,
    mut session: Session,
    mut stream: MessageStream,
    dashboard: Dashboard,
) {
    let tenant = dashboard.member.tenant_id.to_string();
    // Unregistered when dropped, at the end of this function (or if its task panics).
    let mut registration = state.hub.register_dashboard(&tenant);
    // Before `hello`: a client that got it counts as at the dashboard (the widget's "agents
    // online"). Without the row the socket still serves its events.
    let at_dashboard = match member_presence::arrive(&state, &dashboard.member).await {
        Ok(at) => Some(at),
        Err(error) => {
            tracing::warn!(%error, "could not record the member at the dashboard");
            None
        }
    };
    let reason = match start(&state, &mut session, &dashboard).await {
        Ok(position) => {
            state.hub.note_position(&tenant, position);
            pump(
                &state,
                &mut session,
                &mut stream,
                &mut registration,
                &dashboard,
                position,
            )
            .await
        }
        Err(error) => {
            tracing::warn!(%error, "event socket could not start");
            Some(CloseReason {
                code: CloseCode::Error,
                description: Some("could not read events".into()),
            })
        }
    };
    drop(registration);
    if let Some(at) = at_dashboard {
        at.leave().await;
    }
    let _ = session.close(reason).await;
}

/// Sends `hello`, then everything after `since` (or `resync` when that is no longer kept).
/// Returns the sequence number the client is now at.
async fn start(
    state: &AppState,
    session: &mut Session,
    dashboard: &Dashboard,
) -> Result<i64, AppError> {
    let tenant = dashboard.member.tenant_id.to_string();
    let since = dashboard.since;
    let (latest, oldest) = state
        .db
        .read(move |conn| {
            Ok((
                event_store::latest_seq(conn, &tenant)?,
                event_store::oldest_kept(conn, &tenant)?,
            ))
        })
        .await?;
    send_notice(session, &Notice::Hello { seq: latest }).await?;
    let Some(since) = since else {
        return Ok(latest);
    };
    let kept_from = oldest.unwrap_or(latest + 1);
    if since > latest || since + 1 < kept_from || latest - since > REPLAY_LIMIT {
        let resync = Notice::Resync {
            seq: Some(latest),
            reason: None,
        };
        send_notice(session, &resync).await?;
        return Ok(latest);
    }
    replay(
        state,
        session,
        dashboard.member.tenant_id.as_str(),
        since,
        latest,
    )
    .await
}

/// Sends stored events in `(after, up_to]` in order; returns the last sequence number sent.
async fn replay(
    state: &AppState,
    session: &mut Session,
    tenant_id: &str,
    after: i64,
    up_to: i64,
) -> Result<i64, AppError> {
    let mut position = after;
    while position < up_to {
        let tenant = tenant_id.to_string();
        let from = position;
        let events = state
            .db
            .read(move |conn| Ok(event_store::after(conn, &tenant, from, 1000)?))
            .await?;
        if events.is_empty() {
            break;
        }
        for event in events
            .iter()
            .take_while(|e| e.seq.is_some_and(|s| s <= up_to))
        {
            let seq = event.seq.unwrap_or(position);
            send_text(session, &envelope(event, seq)).await?;
            position = seq;
        }
        if events
            .last()
            .and_then(|e| e.seq)
            .is_some_and(|s| s >= up_to)
        {
            break;
        }
    }
    Ok(position)
}

/// The live loop. Returns how to close.
async fn pump(
    state: &AppState,
    session: &mut Session,
    stream: &mut MessageStream,
    registration: &mut Registration,
    dashboard: &Dashboard,
    mut position: i64,
) -> Option<CloseReason> {
    let mut heartbeat = actix_web::rt::time::interval(state.config.socket_heartbeat);
    let mut last_heard = Instant::now();
    let mut shutdown = state.shutdown.subscribe();
    let mut early = Early::default();
    let expiry = token_expiry(dashboard.token_expires_at);
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            incoming = stream.recv() => match incoming {
                Some(Ok(message)) => {
                    last_heard = Instant::now();
                    if let Some(reason) = answer_client(session, message).await {
                        return reason;
                    }
                }
                _ => return None,
            },
            outgoing = registration.queue.next() => {
                let Some(outgoing) = outgoing else {
                    return resync_and_close(session, "the connection fell behind").await;
                };
                let Outgoing::Event { seq, frame } = outgoing else { continue };
                if seq <= position {
                    continue;
                }
                // A member's access changed: if it was this socket's member, it ends now
                // rather than at the next heartbeat.
                if is_member_change(&frame) && auth::authenticate(state, &dashboard.bearer).await.is_err() {
                    return Some(close_with(close::SESSION_ENDED, "session_ended"));
                }
                // The usual case, the next event with nothing held: straight out.
                if seq == position + 1 && early.frames.is_empty() {
                    if send_text(session, &frame).await.is_err() {
                        return None;
                    }
                    position = seq;
                    continue;
                }
                early.hold(seq, frame);
                match early.send_ready(session, &mut position).await {
                    Ok(()) if early.frames.len() > EARLY_LIMIT => {
                        if let Some(reason) = fill_gap(state, session, dashboard, &mut early, &mut position).await {
                            return reason;
                        }
                    }
                    Ok(()) => {}
                    Err(_) => return None,
                }
            }
            _ = actix_web::rt::time::sleep_until(early.deadline().into()), if early.waiting() => {
                if let Some(reason) = fill_gap(state, session, dashboard, &mut early, &mut position).await {
                    return reason;
                }
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > state.config.socket_silence_limit {
                    return Some(CloseReason { code: CloseCode::Away, description: Some("no heartbeat".into()) });
                }
                if session.ping(b"").await.is_err() {
                    return None;
                }
                if auth::authenticate(state, &dashboard.bearer).await.is_err() {
                    return Some(close_with(close::SESSION_ENDED, "session_ended"));
                }
            }
            _ = &mut expiry => return Some(close_with(close::TOKEN_EXPIRED, "token_expired")),
            // `wait_for` also sees a stop that began before this socket subscribed.
            _ = shutdown.wait_for(|stop| *stop) => return Some(close_with(close::SERVER_RESTARTING, "server restarting")),
        }
    }
}

/// Whether an event frame (`{"seq":N,"type":"…",…}`) is `member.updated`.
fn is_member_change(frame: &str) -> bool {
    frame
        .split_once(",\"type\":\"")
        .is_some_and(|(_, rest)| rest.starts_with("member.updated\""))
}

/// How long events that arrived ahead of a missing one wait for it before the gap is filled
/// from the database. With several processes, each publishes what it numbered, so another
/// process's events can arrive a moment late through Redis.
const GAP_WAIT: Duration = Duration::from_millis(50);
/// Most events held ahead of a gap; past it the gap is filled from the database at once.
const EARLY_LIMIT: usize = 256;

/// Events received ahead of a missing one, in order.
#[derive(Default)]
struct Early {
    frames: BTreeMap<i64, Frame>,
    /// When the oldest unfilled gap was first seen.
    since: Option<Instant>,
}

impl Early {
    fn hold(&mut self, seq: i64, frame: Frame) {
        self.frames.insert(seq, frame);
    }

    fn waiting(&self) -> bool {
        !self.frames.is_empty()
    }

    fn deadline(&self) -> Instant {
        self.since.unwrap_or_else(Instant::now) + GAP_WAIT
    }

    /// Sends every held event that continues `position`, in order.
    async fn send_ready(
        &mut self,
        session: &mut Session,
        position: &mut i64,
    ) -> Result<(), AppError> {
        for frame in self.take_ready(position) {
            send_text(session, &frame).await?;
        }
        Ok(())
    }

    /// Takes the held events that continue `position`, advancing it, and drops any it already
    /// passed; starts the gap clock when some remain.
    fn take_ready(&mut self, position: &mut i64) -> Vec<Frame> {
        self.frames.retain(|seq, _| *seq > *position);
        let mut ready = Vec::new();
        while let Some(frame) = self.frames.remove(&(*position + 1)) {
            ready.push(frame);
            *position += 1;
        }
        self.since = if self.frames.is_empty() {
            None
        } else {
            self.since.or_else(|| Some(Instant::now()))
        };
        ready
    }
}

/// Sends the missing events from the database, then what was held; `resync` if the database
/// cannot fill the gap.
async fn fill_gap(
    state: &AppState,
    session: &mut Session,
    dashboard: &Dashboard,
    early: &mut Early,
    position: &mut i64,
) -> Option<Option<CloseReason>> {
    let first_held = *early.frames.keys().next()?;
    let tenant = &dashboard.member.tenant_id;
    match replay(state, session, tenant.as_str(), *position, first_held - 1).await {
        Ok(filled) if filled == first_held - 1 => *position = filled,
        Ok(_) => return Some(resync_and_close(session, "events were missed").await),
        Err(_) => return Some(None),
    }
    early.since = None;
    match early.send_ready(session, position).await {
        Ok(()) => None,
        Err(_) => Some(None),
    }
}

/// Answers pings and application-level `{"type":"ping"}`; returns a close reason to stop.
async fn answer_client(session: &mut Session, message: Message) -> Option<Option<CloseReason>> {
    match message {
        Message::Ping(bytes) => session.pong(&bytes).await.err().map(|_| None),
        Message::Text(text) if serde_json::from_str::<ClientFrame>(&text).is_ok() => {
            send_notice(session, &Notice::Pong)
                .await
                .err()
                .map(|_| None)
        }
        Message::Close(_) => Some(None),
        _ => None,
    }
}

async fn resync_and_close(session: &mut Session, why: &str) -> Option<CloseReason> {
    let resync = Notice::Resync {
        seq: None,
        reason: Some(why.into()),
    };
    let _ = send_notice(session, &resync).await;
    Some(close_with(close::FELL_BEHIND, "resync"))
}

fn close_with(code: u16, description: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::Other(code),
        description: Some(description.into()),
    }
}

/// Resolves when the access token expires (never for API keys).
async fn token_expiry(expires_at: Option<i64>) {
    match expires_at {
        Some(at) => {
            let wait = (at - chrono::Utc::now().timestamp()).max(0) as u64;
            actix_web::rt::time::sleep(Duration::from_secs(wait)).await
        }
        None => std::future::pending().await,
    }
}

async fn send_notice(session: &mut Session, notice: &Notice) -> Result<(), AppError> {
    let text = serde_json::to_string(notice).map_err(|e| AppError::Internal(e.into()))?;
    send_text(session, &text).await
}

async fn send_text(session: &mut Session, text: &str) -> Result<(), AppError> {
    session
        .text(text.to_string())
        .await
        .map_err(|_| AppError::Internal(anyhow::anyhow!("socket closed")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_change_is_told_from_its_envelope() {
        assert!(is_member_change(
            r#"{"seq":7,"type":"member.updated","at":"x","data":{}}"#
        ));
        assert!(!is_member_change(
            r#"{"seq":7,"type":"message.created","at":"x","data":{"type":"member.updated"}}"#
        ));
        assert!(!is_member_change(
            r#"{"seq":7,"type":"member.updated_later","at":"x","data":{}}"#
        ));
    }

    fn frames(ready: Vec<Frame>) -> Vec<String> {
        ready.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn events_ahead_of_a_gap_wait_and_then_go_in_order() {
        let mut early = Early::default();
        let mut position = 2;
        early.hold(4, Frame::from("4"));
        early.hold(5, Frame::from("5"));
        assert!(early.take_ready(&mut position).is_empty());
        assert!(early.waiting(), "the gap clock must run");
        early.hold(3, Frame::from("3"));
        assert_eq!(frames(early.take_ready(&mut position)), ["3", "4", "5"]);
        assert_eq!(position, 5);
        assert!(!early.waiting());
    }

    #[test]
    fn events_already_passed_are_dropped() {
        let mut early = Early::default();
        let mut position = 2;
        early.hold(4, Frame::from("4"));
        assert!(early.take_ready(&mut position).is_empty());
        // The gap was filled from the database up to 4.
        position = 4;
        assert!(early.take_ready(&mut position).is_empty());
        assert!(!early.waiting());
    }
}
