//! Photos, files and voice notes from the input bar. The paperclip picks a file, shown above
//! the input (a photo as a preview) until it is sent with the caption typed beside it or
//! removed; the microphone records with a running timer, Stop sends it and Cancel discards it.
//! A file the server would refuse is explained before anything is uploaded.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_media::voice::{self, Recording, VoiceNote};
use web_sys::Blob;

use crate::chat::Chat;
use crate::upload;

/// A file picked and not sent yet.
#[derive(Clone)]
pub struct Chosen {
    pub blob: Blob,
    pub name: String,
    /// The photo's preview link, for images.
    pub preview: Option<String>,
}

/// What the input bar holds besides the text: the picked file and the upload under way.
#[derive(Clone, Copy)]
pub struct Attachments {
    pub chosen: RwSignal<Option<Chosen>, LocalStorage>,
    /// The share uploaded so far (0 to 1) while an upload runs.
    pub uploading: RwSignal<Option<f64>>,
    chat: Chat,
}

impl Attachments {
    pub fn new(chat: Chat) -> Self {
        Attachments {
            chosen: RwSignal::new_local(None),
            uploading: RwSignal::new(None),
            chat,
        }
    }

    /// Holds `blob` to send, or says why it cannot go.
    fn choose(self, blob: Blob, name: String) {
        if let Some(why) = upload::refusal(self.chat.text, &blob) {
            self.chat.notice.set(Some(why));
            return;
        }
        self.chat.notice.set(None);
        let preview = blob
            .type_()
            .starts_with("image/")
            .then(|| upload::preview_url(&blob))
            .flatten();
        self.clear();
        self.chosen.set(Some(Chosen {
            blob,
            name,
            preview,
        }));
    }

    /// Drops the picked file.
    pub fn clear(self) {
        if let Some(Some(url)) = self.chosen.get_untracked().map(|c| c.preview) {
            upload::forget_preview(&url);
        }
        self.chosen.set(None);
    }

    /// Sends the picked file with `caption`; false when there is none.
    pub fn send_chosen(self, caption: String) -> bool {
        let Some(chosen) = self.chosen.get_untracked() else {
            return false;
        };
        self.upload_and_send(chosen.blob, chosen.name, None, caption);
        true
    }

    /// Uploads `blob`, then sends it as a message; one upload at a time.
    fn upload_and_send(self, blob: Blob, name: String, duration_ms: Option<u32>, caption: String) {
        let chat = self.chat;
        let Some(token) = chat.token() else {
            chat.notice.set(Some(chat.text.reconnecting.to_string()));
            return;
        };
        if self.uploading.get_untracked().is_some() {
            return;
        }
        self.uploading.set(Some(0.0));
        let uploading = self.uploading;
        spawn_local(async move {
            let progress = move |share: f64| _ = uploading.try_set(Some(share));
            let sent = upload::send(&token, &blob, &name, duration_ms, progress).await;
            _ = self.uploading.try_set(None);
            match sent {
                Ok(view) => {
                    self.clear();
                    chat.send_message(caption, Some(view));
                }
                Err(why) => chat
                    .notice
                    .set(Some(why.unwrap_or_else(|| chat.text.upload_failed.into()))),
            }
        });
    }
}

/// The paperclip and its hidden file input.
#[component]
pub fn AttachButton(attachments: Attachments) -> impl IntoView {
    let text = attachments.chat.text;
    let picker = NodeRef::<html::Input>::new();
    let picked = move |_| {
        let Some(input) = picker.get_untracked() else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            let name = file.name();
            attachments.choose(file.into(), name);
        }
        // The same file may be picked again after an error.
        input.set_value("");
    };
    view! {
        <input type="file" class="hidden" accept=upload::ACCEPT tabindex="-1" aria-hidden="true"
            data-testid="file-input" node_ref=picker on:change=picked/>
        <button type="button" class="tool" aria-label=text.attach title=text.attach
            disabled=move || attachments.uploading.get().is_some()
            on:click=move |_| if let Some(input) = picker.get_untracked() { input.click() }>
            <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
                <path d="M21 12.5l-8.5 8.5a5 5 0 0 1-7-7L14 5.5a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 8.5"/>
            </svg>
        </button>
    }
}

/// The picked file above the input (with Remove), and the upload's progress.
#[component]
pub fn ChosenFile(attachments: Attachments) -> impl IntoView {
    let text = attachments.chat.text;
    view! {
        {move || attachments.chosen.get().map(|c| view! {
            <div class="chosen" data-testid="chosen">
                {c.preview.map(|url| view! { <img src=url alt=""/> })}
                <span class="chosen-name">{c.name}</span>
                <button type="button" class="remove" aria-label=text.remove title=text.remove
                    on:click=move |_| attachments.clear()>"×"</button>
            </div>
        })}
        {move || attachments.uploading.get().map(|share| view! {
            <div class="uploading" role="status" data-testid="uploading">
                <span>{text.uploading}</span>
                // Whole percents: formatting a float would bring float printing into the download.
                <progress max="100" value=((share * 100.0) as u32).to_string()></progress>
            </div>
        })}
    }
}

/// The microphone, and while recording: the timer, Cancel and Stop.
#[component]
pub fn VoiceButton(attachments: Attachments) -> impl IntoView {
    let text = attachments.chat.text;
    let recording = StoredValue::new_local(None::<Recording>);
    // Sent like a picked file, once the server's limits allow it.
    let recorded = move |note: VoiceNote| match upload::refusal(text, &note.blob) {
        Some(why) => attachments.chat.notice.set(Some(why)),
        None => attachments.upload_and_send(
            note.blob,
            "voice-note.webm".into(),
            Some(note.duration_ms),
            String::new(),
        ),
    };
    let seconds = RwSignal::new(None::<u32>);
    let start = move |_| {
        attachments.chat.notice.set(None);
        spawn_local(async move {
            match voice::record(recorded).await {
                Ok(started) => {
                    recording.set_value(Some(started));
                    tick(seconds, 0);
                }
                Err(_) => attachments
                    .chat
                    .notice
                    .set(Some(text.no_microphone.to_string())),
            }
        });
    };
    view! {
        {move || match seconds.get() {
            None => view! {
                <button type="button" class="tool" aria-label=text.record title=text.record data-testid="record"
                    disabled=move || attachments.uploading.get().is_some() on:click=start>
                    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
                        <rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>
                    </svg>
                </button>
            }.into_any(),
            Some(s) => view! {
                <div class="recording" role="status" data-testid="recording">
                    <span class="dot" aria-hidden="true"></span>
                    <span class="timer">{format!("{}:{:02}", s / 60, s % 60)}</span>
                    <button type="button" class="human" on:click=move |_| finish(recording, seconds, false)>{text.cancel}</button>
                    <button type="button" class="primary" data-testid="record-stop" on:click=move |_| finish(recording, seconds, true)>{text.stop_and_send}</button>
                </div>
            }.into_any(),
        }}
    }
}

/// Counts the recording's seconds while it lasts.
fn tick(seconds: RwSignal<Option<u32>>, now: u32) {
    if seconds.try_set(Some(now)).is_some() {
        return;
    }
    set_timeout(
        move || {
            if seconds.get_untracked() == Some(now) {
                tick(seconds, now + 1);
            }
        },
        Duration::from_secs(1),
    );
}

/// Ends the recording: sent when `keep`, discarded otherwise.
fn finish(
    recording: StoredValue<Option<Recording>, LocalStorage>,
    seconds: RwSignal<Option<u32>>,
    keep: bool,
) {
    let Some(Some(current)) = recording.try_update_value(Option::take) else {
        return;
    };
    seconds.set(None);
    if keep {
        current.send();
    } else {
        current.discard();
    }
}
