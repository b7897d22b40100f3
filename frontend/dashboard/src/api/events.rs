//! The tenant's event socket: one WebSocket per signed-in page that delivers every change in
//! order. It remembers the last `seq` it saw and resumes from it after any drop (network
//! change, laptop sleep, server restart, expired token), so no event is missed; when the
//! server can no longer replay what was missed it says `resync` and the page refetches.
//!
//! This module knows nothing of Leptos: it reports through one callback, and the page tells it
//! about the network and the tab through [`EventSocket`]. `components::live_updates` shares
//! it with the screens.

use std::time::Duration;

use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::{select, FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State, WebSocketError};
use gloo_timers::future::sleep;
use leptos::logging::warn;
use leptos::prelude::window;
use serde::Deserialize;
use switchboard_types::event_socket::{close, ClientFrame, Notice};
use switchboard_types::events::Event;
use wasm_bindgen::prelude::wasm_bindgen;

use super::client::{self, Call, BASE};
use super::{session, ApiError};

/// The client's own heartbeat; the server answers each with `pong`.
const PING_EVERY: Duration = Duration::from_secs(25);
/// A connection that has not delivered a single frame for this long is dead (the server pings
/// every 20 s and answers our pings), even if the browser still thinks it is open: that is
/// how a socket that died while the laptop slept is noticed.
const SILENCE_LIMIT: Duration = Duration::from_secs(60);
/// A socket that delivered a frame this recently is alive: our ping and its `pong` come at
/// least this often.
const HEARD_RECENTLY: Duration = Duration::from_secs(30);
/// How long to wait for the server's `hello` before giving up on an attempt.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Backoff between failed attempts: the first delay, doubled each time up to the last.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// A connection that ends sooner than this is not reopened at once even when its close code
/// says it may be (renewed token, fell behind): a server that keeps refusing must not get a
/// tight loop of reconnects.
const BRIEF_CONNECTION: Duration = Duration::from_secs(2);
/// A tab shown again after being hidden this long checks its socket at once: browsers slow
/// timers down in hidden tabs, so the heartbeat may not have noticed a dead connection.
const HIDDEN_LONG: Duration = Duration::from_secs(60);

/// Where the event socket is, as the top bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// The page's first connection, not confirmed by the server yet.
    Connecting,
    /// Connected: events arrive as they happen.
    Live,
    /// The connection dropped and a new one is on its way; missed events will be replayed.
    Reconnecting,
    /// The browser says there is no network; the socket reconnects when it comes back.
    Offline,
}

/// What the socket reports to the page, in order.
#[derive(Debug)]
pub enum Update {
    /// The connection state changed.
    State(ConnectionState),
    /// The next event of the tenant (each `seq` once, in increasing order).
    Event(Box<Event>),
    /// Events were missed and cannot be replayed: whatever is shown must be refetched. Sent
    /// once the socket is connected again, so nothing after the refetch is missed either.
    Resync,
}

/// What the page tells the running socket.
#[derive(Debug, Clone, Copy)]
enum Control {
    /// The network is back (`online`): reconnect now instead of waiting out the backoff.
    NetworkBack,
    /// The browser went offline: drop the connection and wait for the network.
    NetworkLost,
    /// The tab was hidden at this time.
    PageHidden(Duration),
    /// The tab became visible at this time.
    PageShown(Duration),
    /// The tab is visible again after being hidden long: check the connection now.
    WokeUp,
    /// The page is done with live updates (signed out, left the signed-in screens).
    Stop,
}

/// The handle of the page's event socket. Clones talk to the same socket.
#[derive(Clone)]
pub struct EventSocket {
    control: UnboundedSender<Control>,
}

impl EventSocket {
    /// Connects as the signed-in member and keeps connected until [`EventSocket::stop`] or the
    /// end of the session, reporting everything to `on_update`.
    pub fn open(on_update: impl FnMut(Update) + 'static) -> Self {
        let (control, controls) = mpsc::unbounded();
        let connection = Connection {
            on_update: Box::new(on_update),
            controls,
            state: ConnectionState::Connecting,
            last_seq: None,
            failures: 0,
            resync_pending: false,
            hidden_since: None,
        };
        leptos::task::spawn_local(connection.run());
        EventSocket { control }
    }

    /// The browser's `online` event.
    pub fn network_back(&self) {
        self.send(Control::NetworkBack);
    }

    /// The browser's `offline` event.
    pub fn network_lost(&self) {
        self.send(Control::NetworkLost);
    }

    /// The tab was hidden (`visibilitychange`).
    pub fn page_hidden(&self) {
        self.send(Control::PageHidden(now()));
    }

    /// The tab became visible (`visibilitychange`).
    pub fn page_shown(&self) {
        self.send(Control::PageShown(now()));
    }

    /// Closes the socket for good.
    pub fn stop(&self) {
        self.send(Control::Stop);
    }

    fn send(&self, control: Control) {
        // Fails only once the socket has stopped, when there is nothing left to tell.
        let _ = self.control.unbounded_send(control);
    }
}

/// How one connection ended, which decides the next one.
#[derive(Debug)]
enum Outcome {
    Stopped,
    TokenExpired,
    SessionEnded,
    FellBehind,
    ServerRestarting,
    NetworkLost,
    /// Reconnect at once (network back, or a tab shown again found the socket silent).
    ReconnectNow,
    /// Any other drop; `confirmed` says whether the server had said `hello`.
    Dropped {
        confirmed: bool,
    },
}

/// Any frame with a sequence number, for event types newer than this dashboard: their
/// position must still be kept, or the next resume would replay them forever.
#[derive(Deserialize)]
struct Position {
    seq: i64,
}

struct Connection {
    on_update: Box<dyn FnMut(Update)>,
    controls: UnboundedReceiver<Control>,
    state: ConnectionState,
    /// The last event seen (or the `hello` position); resumes start after it.
    last_seq: Option<i64>,
    /// Attempts in a row that did not reach `hello`; drives the backoff.
    failures: u32,
    /// Continuity was lost: tell the page to refetch once the next connection is up.
    resync_pending: bool,
    /// When the tab was hidden, while it is.
    hidden_since: Option<Duration>,
}

impl Connection {
    async fn run(mut self) {
        let mut wait = Duration::ZERO;
        loop {
            if !wait.is_zero() {
                if let Some(Control::Stop) = self.pause(wait).await {
                    return;
                }
            }
            // No tokens: the session ended and the page is on its way to the sign-in screen.
            let Some(tokens) = session::tokens() else {
                return;
            };
            let started = now();
            let outcome = self.connect(&tokens.access).await;
            let brief = now().saturating_sub(started) < BRIEF_CONNECTION;
            wait = match outcome {
                Outcome::Stopped => return,
                Outcome::SessionEnded => {
                    session::end();
                    return;
                }
                Outcome::TokenExpired => match client::renew(&tokens.access).await {
                    // Renewed: resume at once. The state stays Live, so the regular token
                    // renewal does not flash "Reconnecting" in the top bar.
                    Ok(_) if !brief => Duration::ZERO,
                    Ok(_) => self.failed(),
                    Err(ApiError::SignedOut) => return,
                    Err(_) => self.failed(),
                },
                Outcome::FellBehind => {
                    self.last_seq = None;
                    self.resync_pending = true;
                    if brief {
                        self.failed()
                    } else {
                        self.show(self.waiting_state());
                        Duration::ZERO
                    }
                }
                Outcome::NetworkLost => {
                    self.show(ConnectionState::Offline);
                    BACKOFF_MAX
                }
                Outcome::ReconnectNow => {
                    self.failures = 0;
                    self.show(self.waiting_state());
                    Duration::ZERO
                }
                Outcome::ServerRestarting | Outcome::Dropped { confirmed: true } => self.failed(),
                Outcome::Dropped { confirmed: false } => {
                    // Refused before `hello`: perhaps the access token expired while the
                    // laptop slept. A signed-in request renews it (or ends the session).
                    if navigator_online() {
                        if let Err(ApiError::SignedOut) = check_session().await {
                            return;
                        }
                    }
                    self.failed()
                }
            };
        }
    }

    /// Counts a failed attempt, shows it, and says how long to wait before the next one.
    fn failed(&mut self) -> Duration {
        let delay = backoff(self.failures);
        self.failures = self.failures.saturating_add(1);
        self.show(self.waiting_state());
        delay
    }

    /// What to show while no connection is up.
    fn waiting_state(&self) -> ConnectionState {
        if !navigator_online() {
            ConnectionState::Offline
        } else {
            ConnectionState::Reconnecting
        }
    }

    fn show(&mut self, state: ConnectionState) {
        if self.state != state {
            self.state = state;
            (self.on_update)(Update::State(state));
        }
    }

    /// The next control that calls for action. Tab visibility is noted here and only comes
    /// out as [`Control::WokeUp`] when the tab was hidden long.
    async fn next_control(&mut self) -> Control {
        loop {
            match self.controls.next().await.unwrap_or(Control::Stop) {
                Control::PageHidden(at) => self.hidden_since = Some(at),
                Control::PageShown(at) => {
                    let hidden_since = self.hidden_since.take();
                    if hidden_since.is_some_and(|since| at.saturating_sub(since) >= HIDDEN_LONG) {
                        return Control::WokeUp;
                    }
                }
                control => return control,
            }
        }
    }

    /// Waits out a backoff delay; a stop, the network coming back or the tab waking up cut
    /// it short.
    async fn pause(&mut self, wait: Duration) -> Option<Control> {
        let mut timer = sleep(wait).fuse();
        loop {
            let control = select! {
                _ = timer => return None,
                control = self.next_control().fuse() => control,
            };
            match control {
                Control::NetworkLost => self.show(ConnectionState::Offline),
                Control::NetworkBack => {
                    self.failures = 0;
                    return Some(control);
                }
                control => return Some(control),
            }
        }
    }

    /// One connection, from opening to its end.
    async fn connect(&mut self, access: &str) -> Outcome {
        let url = socket_url(access, self.last_seq);
        let Ok(mut socket) = WebSocket::open(&url) else {
            return Outcome::Dropped { confirmed: false };
        };
        let mut confirmed = false;
        let mut heard_at = now();
        let mut ping_at = now() + PING_EVERY;
        loop {
            let silence_limit = if confirmed {
                SILENCE_LIMIT
            } else {
                CONNECT_TIMEOUT
            };
            let until_ping = ping_at.saturating_sub(now());
            let until_dead = (heard_at + silence_limit).saturating_sub(now());
            let step = select! {
                frame = socket.next().fuse() => Step::Frame(frame),
                _ = sleep(until_ping).fuse() => Step::Ping,
                _ = sleep(until_dead).fuse() => Step::Silent,
                control = self.next_control().fuse() => Step::Control(control),
            };
            let outcome = match step {
                Step::Frame(Some(Ok(Message::Text(text)))) => {
                    heard_at = now();
                    self.receive(&text, &mut confirmed);
                    continue;
                }
                Step::Frame(Some(Ok(Message::Bytes(_)))) => {
                    heard_at = now();
                    continue;
                }
                // The `error` event; the `close` event follows with the code.
                Step::Frame(Some(Err(WebSocketError::ConnectionError))) => continue,
                Step::Frame(Some(Err(WebSocketError::ConnectionClose(event)))) => {
                    return closed_with(event.code, confirmed);
                }
                Step::Frame(Some(Err(_)) | None) => return Outcome::Dropped { confirmed },
                Step::Ping => {
                    ping_at = now() + PING_EVERY;
                    // Sending on a socket still connecting would wait for it to open.
                    if matches!(socket.state(), State::Open) {
                        if let Ok(ping) = serde_json::to_string(&ClientFrame::Ping) {
                            let _ = socket.send(Message::Text(ping)).await;
                        }
                    }
                    continue;
                }
                Step::Silent => Outcome::Dropped { confirmed },
                Step::Control(Control::Stop) => Outcome::Stopped,
                Step::Control(Control::NetworkLost) => Outcome::NetworkLost,
                Step::Control(Control::NetworkBack) => Outcome::ReconnectNow,
                Step::Control(Control::PageHidden(_) | Control::PageShown(_)) => continue,
                Step::Control(Control::WokeUp) => {
                    // A socket that spoke within the last heartbeat is alive; anything older
                    // may have died while the tab (or the laptop) slept.
                    let alive = confirmed && now().saturating_sub(heard_at) < HEARD_RECENTLY;
                    if alive {
                        continue;
                    }
                    Outcome::ReconnectNow
                }
            };
            let _ = socket.close(Some(1000), Some("reconnecting"));
            return outcome;
        }
    }

    /// Handles one text frame.
    fn receive(&mut self, text: &str, confirmed: &mut bool) {
        if let Ok(notice) = serde_json::from_str::<Notice>(text) {
            match notice {
                Notice::Hello { seq } => {
                    *confirmed = true;
                    self.failures = 0;
                    // When resuming, the replay of what was missed follows.
                    self.last_seq.get_or_insert(seq);
                    self.show(ConnectionState::Live);
                    if std::mem::take(&mut self.resync_pending) {
                        (self.on_update)(Update::Resync);
                    }
                }
                Notice::Resync { seq: Some(seq), .. } => {
                    self.last_seq = Some(seq);
                    (self.on_update)(Update::Resync);
                }
                // Sent just before closing with 4008: refetch once reconnected.
                Notice::Resync { seq: None, .. } => {
                    self.last_seq = None;
                    self.resync_pending = true;
                }
                Notice::Pong => {}
            }
            return;
        }
        match serde_json::from_str::<Event>(text) {
            Ok(event) => {
                if self.advance(event.seq) {
                    (self.on_update)(Update::Event(Box::new(event)));
                }
            }
            Err(error) => match serde_json::from_str::<Position>(text) {
                Ok(Position { seq }) => {
                    warn!("event {seq} skipped: {error}");
                    self.advance(seq);
                }
                Err(_) => warn!("unexpected frame on the event socket: {error}"),
            },
        }
    }

    /// Moves the position to `seq`; false for an event already seen.
    fn advance(&mut self, seq: i64) -> bool {
        match self.last_seq {
            Some(last) if seq <= last => return false,
            // The server never skips; if it ever did, the page must not silently miss events.
            Some(last) if seq > last + 1 => (self.on_update)(Update::Resync),
            _ => {}
        }
        self.last_seq = Some(seq);
        true
    }
}

enum Step {
    Frame(Option<Result<Message, WebSocketError>>),
    Ping,
    Silent,
    Control(Control),
}

fn closed_with(code: u16, confirmed: bool) -> Outcome {
    match code {
        close::TOKEN_EXPIRED => Outcome::TokenExpired,
        close::SESSION_ENDED => Outcome::SessionEnded,
        close::FELL_BEHIND => Outcome::FellBehind,
        close::SERVER_RESTARTING => Outcome::ServerRestarting,
        _ => Outcome::Dropped { confirmed },
    }
}

/// The delay before attempt `failures + 1`: 0.5 s doubling up to 10 s, each spread by ±25%
/// so that every tab of every member does not reconnect in the same instant after a restart.
fn backoff(failures: u32) -> Duration {
    let base = BACKOFF_FIRST
        .saturating_mul(1 << failures.min(16))
        .min(BACKOFF_MAX);
    base.mul_f64(0.75 + random() * 0.5)
}

/// A signed-in request: renews an expired access token, or ends a revoked session.
async fn check_session() -> Result<(), ApiError> {
    client::signed_in(Call::get("/me")).await.map(drop)
}

/// `ws(s)://<this host>/api/v1/events?access_token=..[&since=..]`. Browsers cannot set
/// headers on a WebSocket, so the token goes in the query.
fn socket_url(access: &str, since: Option<i64>) -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    let host = location.host().unwrap_or_default();
    let token = encode_uri_component(access);
    let mut url = format!("{scheme}//{host}{BASE}/events?access_token={token}");
    if let Some(since) = since {
        url.push_str(&format!("&since={since}"));
    }
    url
}

fn navigator_online() -> bool {
    window().navigator().on_line()
}

/// Time since the page loaded.
fn now() -> Duration {
    Duration::from_secs_f64(performance_now().max(0.0) / 1000.0)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Math)]
    fn random() -> f64;
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
    #[wasm_bindgen(js_name = encodeURIComponent)]
    fn encode_uri_component(text: &str) -> String;
}
