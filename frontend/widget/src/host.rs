//! Talking to the loader on the host page with `postMessage`, both ways pinned to origins: we
//! post only to the host origin the loader named in our address (the browser drops the message
//! if the parent is another site), and accept messages only from our parent window on it.

use switchboard_types::widget::VisitorFrame;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::MessageEvent;

/// Who we are: the widget key and the host page's origin, from our own address.
#[derive(Clone)]
pub struct Frame {
    pub key: String,
    pub host: Option<String>,
}

impl Frame {
    /// Reads `?key=…&host=…`.
    pub fn from_location() -> Frame {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
        let get = |name: &str| params.as_ref().and_then(|p| p.get(name));
        Frame {
            key: get("key").unwrap_or_default(),
            host: get("host").filter(|_| embedded()),
        }
    }
}

/// Whether we run in the loader's iframe (and not opened on our own, as in a preview).
fn embedded() -> bool {
    web_sys::window()
        .and_then(|w| w.parent().ok().flatten().map(|p| p != w))
        .unwrap_or(false)
}

/// What the loader tells us (read by `wire::host_message`).
#[derive(Debug)]
pub enum HostMessage {
    /// Start: the visitor token the host page keeps, whether the chat is shown, and the page
    /// when the loader cannot report it itself.
    Init {
        token: Option<String>,
        open: bool,
        page: Option<Page>,
        /// What the host page keeps for the chat (see `storage`), by name.
        stored: Vec<(String, String)>,
    },
    /// The visitor opened the chat.
    Open,
    /// The visitor closed it.
    Closed,
    /// The visitor moved to another page (only when the loader has no socket of its own).
    Page { page: Page },
}

/// The host page the visitor is on, as the loader reads it.
#[derive(Debug)]
pub struct Page {
    pub url: String,
    pub title: Option<String>,
    pub referrer: Option<String>,
}

impl Page {
    /// The frame that reports it.
    pub fn frame(self) -> VisitorFrame {
        VisitorFrame::Page {
            url: self.url,
            title: self.title,
            referrer: self.referrer,
        }
    }
}

/// Posts `message` to the loader.
pub fn post(frame: &Frame, message: &serde_json::Value) {
    let (Some(host), Some(parent)) = (
        frame.host.as_deref(),
        web_sys::window().and_then(|w| w.parent().ok().flatten()),
    ) else {
        return;
    };
    if let Ok(value) = js_sys::JSON::parse(&message.to_string()) {
        let _ = parent.post_message(&value, host);
    }
}

/// Calls `on` with every message the loader sends.
pub fn listen(frame: &Frame, on: impl Fn(HostMessage) + 'static) {
    let Some(host) = frame.host.clone() else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let parent = window.parent().ok().flatten();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let from_parent = match (e.source(), &parent) {
            (Some(source), Some(parent)) => {
                source.unchecked_ref::<JsValue>() == AsRef::<JsValue>::as_ref(parent)
            }
            _ => false,
        };
        if !from_parent || e.origin() != host {
            return;
        }
        let parsed = js_sys::JSON::stringify(&e.data())
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| crate::wire::host_message(&s));
        if let Some(message) = parsed {
            on(message);
        }
    });
    let _ = window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    // Listens for the frame's whole life.
    handler.forget();
}
