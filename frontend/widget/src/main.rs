//! The Switchboard chat widget's frame: the chat a business's visitors see, inside the iframe
//! the loader (`loader.js`, served as `/widget.js`) puts on the host page.

mod chat;
mod config;
mod host;
mod i18n;
mod socket;
mod storage;
mod thread;
mod upload;
mod views;
mod wire;

use leptos::prelude::*;
use leptos::task::spawn_local;

use chat::Chat;
use host::{Frame, HostMessage};

fn main() {
    let frame = Frame::from_location();
    let text = i18n::strings();
    let state = RwSignal::new(None::<Result<Chat, String>>);
    // Mounting first also sets up the task executor `spawn_local` needs below.
    mount_to_body(move || views::app::App(views::app::AppProps { state }));
    // The loader's init may come before or after the configuration: whichever is second starts.
    let token = StoredValue::new(None::<Option<String>>);
    let start = move || {
        if let (Some(Ok(chat)), Some(token)) = (state.get_untracked(), token.get_value()) {
            chat.connect(token);
        }
    };
    host::listen(&frame, move |message| match message {
        HostMessage::Init {
            token: t,
            page,
            open,
            stored,
        } => {
            storage::seed(stored);
            token.set_value(Some(t));
            if open {
                views::focus_input();
            }
            if let Some(page) = page {
                socket::report_page(page.frame());
            }
            start();
        }
        HostMessage::Page { page } => socket::report_page(page.frame()),
        HostMessage::Open => views::focus_input(),
        HostMessage::Closed => {}
    });
    if frame.host.is_none() {
        // Opened on its own (a preview): a visitor of this browser, no host page.
        token.set_value(Some(None));
    }
    let key = frame.key.clone();
    let hello = frame.clone();
    spawn_local(async move {
        let loaded = config::fetch(&key).await;
        state.set(Some(
            loaded.map(|config| Chat::new(hello.clone(), config, text)),
        ));
        start();
        host::post(&hello, &serde_json::json!({ "sb": "ready" }));
    });
}
