//! Files and voice notes from the input bar. The paperclip picks an image, PDF or document;
//! the microphone records a voice note (a running timer; Stop sends it with its length, Cancel
//! discards it). Files the server would refuse are explained before uploading; an upload shows
//! its progress, then goes out as a message like any other (same idempotent send, same Retry).

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_media::voice::{self, Recording};
use web_sys::Blob;

use super::composer::{client_message_id, deliver, Outgoing};
use super::thread::ThreadState;
use super::OpenConversation;
use crate::api;
use crate::components::icons::{Icon, MICROPHONE, PAPERCLIP};
use crate::components::time;

/// What the file picker offers (the server sniffs the real type either way).
const ACCEPT: &str = "image/jpeg,image/png,image/gif,image/webp,application/pdf,.doc,.docx,\
    .xls,.xlsx,.ppt,.pptx,.txt,.csv,audio/*";

/// The upload under way and the last refusal, shown above the input.
#[derive(Clone, Copy)]
pub struct Uploads {
    /// The file's name and the share sent (0 to 1).
    pub current: RwSignal<Option<(String, f64)>>,
    pub error: RwSignal<Option<String>>,
    open: OpenConversation,
    thread: ThreadState,
}

impl Uploads {
    pub fn new(open: OpenConversation, thread: ThreadState) -> Self {
        Uploads {
            current: RwSignal::new(None),
            error: RwSignal::new(None),
            open,
            thread,
        }
    }

    /// Checks, uploads and sends `blob`; one upload at a time.
    fn send(self, blob: Blob, name: String, duration_ms: Option<u32>) {
        let (open, state) = (self.open, self.thread);
        if let Some(why) = api::uploads::refusal(&name, &blob.type_(), blob.size()) {
            self.error.set(Some(why));
            return;
        }
        if self.current.get_untracked().is_some() {
            return;
        }
        self.error.set(None);
        self.current.set(Some((name.clone(), 0.0)));
        spawn_local(async move {
            let current = self.current;
            let progress = move |share: f64| {
                _ = current.try_update(|c| {
                    if let Some((_, sent)) = c {
                        *sent = share;
                    }
                });
            };
            let uploaded = api::uploads::upload(&blob, &name, duration_ms, progress).await;
            _ = self.current.try_set(None);
            match uploaded {
                Ok(file) => deliver(open, state, client_message_id(), Outgoing::File(file)),
                Err(error) => {
                    _ = self
                        .error
                        .try_set(Some(format!("“{name}” was not sent: {}", error.message())));
                }
            }
        });
    }
}

/// The paperclip: a button that opens the file picker.
#[component]
pub fn AttachButton(uploads: Uploads, disabled: Signal<bool>) -> impl IntoView {
    let picker = NodeRef::<html::Input>::new();
    let on_change = move |_| {
        let Some(input) = picker.get_untracked() else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            let name = file.name();
            uploads.send(file.into(), name, None);
        }
        // The same file may be picked again after an error.
        input.set_value("");
    };
    view! {
        <input
            type="file"
            class="visually-hidden"
            accept=ACCEPT
            tabindex="-1"
            data-testid="file-input"
            node_ref=picker
            on:change=on_change
        />
        <button
            type="button"
            class="icon-button composer-tool"
            aria-label="Attach a file"
            title="Attach an image, PDF or document"
            data-testid="attach"
            disabled=move || disabled.get() || uploads.current.with(Option::is_some)
            on:click=move |_| {
                if let Some(input) = picker.get_untracked() {
                    input.click();
                }
            }
        >
            <Icon d=PAPERCLIP />
        </button>
    }
}

/// The upload's progress and the last refusal, above the input.
#[component]
pub fn UploadStatus(uploads: Uploads) -> impl IntoView {
    view! {
        {move || uploads.current.get().map(|(name, sent)| view! {
            <div class="upload-progress" role="status" data-testid="upload-progress">
                <span class="upload-name">"Uploading " {name}</span>
                <progress max="1" value=sent.to_string()></progress>
                <span class="upload-share">{format!("{:.0}%", sent * 100.0)}</span>
            </div>
        })}
        {move || uploads.error.get().map(|message| view! {
            <p class="form-error upload-error" role="alert" data-testid="upload-error">
                {message}
                <button type="button" class="link-button" on:click=move |_| uploads.error.set(None)>"Dismiss"</button>
            </p>
        })}
    }
}

/// The microphone, and while recording: the timer, Cancel and Stop.
#[component]
pub fn VoiceRecorder(uploads: Uploads, disabled: Signal<bool>) -> impl IntoView {
    let recording = StoredValue::new_local(None::<Recording>);
    let since = RwSignal::new(None::<f64>);
    on_cleanup(move || {
        // Leaving the panel mid-recording discards it and frees the microphone.
        finish(recording, since, false);
    });
    let start = move |_| {
        uploads.error.set(None);
        spawn_local(async move {
            match begin(uploads).await {
                Ok(started) => {
                    _ = since.try_set(Some(started.started));
                    recording.set_value(Some(started));
                }
                Err(why) => _ = uploads.error.try_set(Some(why)),
            }
        });
    };
    view! {
        {move || match since.get() {
            None => view! {
                <button
                    type="button"
                    class="icon-button composer-tool"
                    aria-label="Record a voice note"
                    data-testid="record"
                    disabled=move || disabled.get() || uploads.current.with(Option::is_some)
                    on:click=start
                >
                    <Icon d=MICROPHONE />
                </button>
            }
            .into_any(),
            Some(started) => view! {
                <div class="recording" role="status" data-testid="recording">
                    <span class="recording-dot" aria-hidden="true"></span>
                    <RecordingTime started />
                    <button type="button" class="button" data-testid="record-cancel" on:click=move |_| finish(recording, since, false)>
                        "Cancel"
                    </button>
                    <button type="button" class="button button-primary" data-testid="record-stop" on:click=move |_| finish(recording, since, true)>
                        "Stop and send"
                    </button>
                </div>
            }
            .into_any(),
        }}
    }
}

/// The recording's running time; its clock ticks only while a recording is on screen.
#[component]
fn RecordingTime(started: f64) -> impl IntoView {
    let now = time::ticking_now(std::time::Duration::from_millis(500));
    let elapsed = move || {
        let millis = now.get().timestamp_millis() as f64 - started;
        time::duration((millis / 1000.0) as i64)
    };
    view! { <span class="recording-time" data-testid="recording-time">{elapsed}</span> }
}

/// Asks for the microphone and starts recording; the note is sent when it stops with Send.
async fn begin(uploads: Uploads) -> Result<Recording, String> {
    voice::record(move |note| {
        uploads.send(note.blob, "voice-note.webm".into(), Some(note.duration_ms))
    })
    .await
    .map_err(|_| "The microphone is not available: allow it for this site and try again.".into())
}

/// Ends the recording, if any: sent when `keep`, discarded otherwise; the microphone is freed.
fn finish(
    recording: StoredValue<Option<Recording>, LocalStorage>,
    since: RwSignal<Option<f64>>,
    keep: bool,
) {
    let Some(Some(current)) = recording.try_update_value(Option::take) else {
        return;
    };
    _ = since.try_set(None);
    if keep {
        current.send();
    } else {
        current.discard();
    }
}
