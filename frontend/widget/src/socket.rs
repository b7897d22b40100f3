//! The visitor socket (`/api/widget/v1/ws`): one per frame, reconnecting by itself after a
//! network loss or a sleep, with exponential backoff and jitter so a restarted server is not
//! met by every visitor at the same instant.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use switchboard_types::widget::{ServerFrame, VisitorFrame};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What the socket needs from the chat: the key, the token to resume with, and where frames
/// and connection changes go.
pub struct Dialer {
    pub key: String,
    pub token: Box<dyn Fn() -> Option<String>>,
    pub on_frame: Box<dyn Fn(ServerFrame)>,
    pub on_connected: Box<dyn Fn(bool)>,
}

struct Live {
    ws: WebSocket,
    // Dropped with the socket they listen to.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

thread_local! {
    static DIALER: RefCell<Option<Rc<Dialer>>> = const { RefCell::new(None) };
    static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
    static ATTEMPTS: Cell<u32> = const { Cell::new(0) };
    static PAGE: RefCell<Option<VisitorFrame>> = const { RefCell::new(None) };
}

/// The page the visitor is on, reported now and after every reconnect. Only used when the
/// loader cannot report it from the host page itself.
pub fn report_page(page: VisitorFrame) {
    send(&page);
    PAGE.with(|p| *p.borrow_mut() = Some(page));
}

/// Connects now, and again whenever the connection drops or the browser comes back online.
pub fn start(dialer: Dialer) {
    DIALER.with(|d| *d.borrow_mut() = Some(Rc::new(dialer)));
    if let Some(window) = web_sys::window() {
        let online = Closure::<dyn Fn()>::new(|| {
            if !connected() {
                ATTEMPTS.with(|a| a.set(0));
                dial();
            }
        });
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
    }
    dial();
}

/// Sends a frame; false when there is no open socket (the caller keeps what must not be lost).
pub fn send(frame: &VisitorFrame) -> bool {
    let text = crate::wire::frame_json(frame);
    LIVE.with(|live| {
        live.borrow()
            .as_ref()
            .filter(|l| l.ws.ready_state() == WebSocket::OPEN)
            .is_some_and(|l| l.ws.send_with_str(&text).is_ok())
    })
}

fn connected() -> bool {
    LIVE.with(|live| {
        live.borrow()
            .as_ref()
            .is_some_and(|l| l.ws.ready_state() <= WebSocket::OPEN)
    })
}

fn dial() {
    // A retry timer and the browser's `online` event may both fire: one socket is enough.
    if connected() {
        return;
    }
    let Some(dialer) = DIALER.with(|d| d.borrow().clone()) else {
        return;
    };
    let Some(url) = address(&dialer) else { return };
    let Ok(ws) = WebSocket::new(&url) else {
        retry_later();
        return;
    };
    let on_frame = dialer.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        if let Some(frame) = crate::wire::server_frame(&text) {
            if matches!(frame, ServerFrame::Welcome { .. }) {
                ATTEMPTS.with(|a| a.set(0));
                (on_frame.on_connected)(true);
                if let Some(page) = PAGE.with(|p| p.borrow().clone()) {
                    send(&page);
                }
            }
            (on_frame.on_frame)(frame);
        }
    });
    let on_closed = dialer.clone();
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
        (on_closed.on_connected)(false);
        // 1008: this socket broke the frame limits; reconnecting would only repeat it.
        if e.code() != 1008 {
            retry_later();
        }
    });
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    LIVE.with(|live| {
        *live.borrow_mut() = Some(Live {
            ws,
            _on_message: on_message,
            _on_close: on_close,
        })
    });
}

fn address(dialer: &Dialer) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    let mut url = format!(
        "{scheme}://{host}/api/widget/v1/ws?key={}",
        js_sys::encode_uri_component(&dialer.key)
    );
    if let Some(token) = (dialer.token)() {
        url.push_str(&format!("&token={}", js_sys::encode_uri_component(&token)));
    }
    Some(url)
}

/// 0.5 s, 1 s, 2 s… up to 30 s, each between half and one and a half times that.
fn retry_later() {
    let attempt = ATTEMPTS.with(|a| {
        let n = a.get();
        a.set(n + 1);
        n
    });
    let base = (500.0 * 2f64.powi(attempt.min(6) as i32)).min(30_000.0);
    let wait = base * (0.5 + js_sys::Math::random());
    leptos::prelude::set_timeout(dial, Duration::from_millis(wait as u64));
}
