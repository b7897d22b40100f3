//! Recording a voice note: asks for the microphone, records (WebM/Opus where the browser can;
//! the server stores it as is), and on [`Recording::send`] hands the note over as one blob with
//! its length; [`Recording::discard`] drops it. Either way the microphone is freed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobEvent, MediaRecorder, MediaStream};

/// A finished recording.
pub struct VoiceNote {
    pub blob: Blob,
    pub duration_ms: u32,
}

/// A recording under way.
pub struct Recording {
    recorder: MediaRecorder,
    stream: MediaStream,
    keep: Rc<Cell<bool>>,
    /// When it started (`Date.now()`), for a running timer.
    pub started: f64,
}

/// Starts recording; `done` gets the note if it ends with [`Recording::send`]. Fails when the
/// microphone is missing or refused.
pub async fn record(done: impl Fn(VoiceNote) + 'static) -> Result<Recording, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    let asked = window
        .navigator()
        .media_devices()?
        .get_user_media_with_constraints(&constraints)?;
    let stream: MediaStream = JsFuture::from(asked).await?.unchecked_into();
    let recorder = recorder_for(&stream)?;
    let chunks = Rc::new(RefCell::new(Vec::<Blob>::new()));
    let keep = Rc::new(Cell::new(false));
    let started = js_sys::Date::now();
    let on_data = {
        let chunks = chunks.clone();
        Closure::<dyn Fn(BlobEvent)>::new(move |e: BlobEvent| {
            if let Some(data) = e.data() {
                chunks.borrow_mut().push(data);
            }
        })
    };
    let on_stop = {
        let keep = keep.clone();
        Closure::<dyn Fn()>::new(move || {
            if keep.get() {
                if let Some(blob) = joined(&chunks.borrow()) {
                    let duration_ms = (js_sys::Date::now() - started) as u32;
                    done(VoiceNote { blob, duration_ms });
                }
            }
        })
    };
    recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
    recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
    // The recorder calls them until it stops; each recording's pair is small.
    on_data.forget();
    on_stop.forget();
    recorder.start()?;
    Ok(Recording {
        recorder,
        stream,
        keep,
        started,
    })
}

impl Recording {
    /// Stops and hands the note to `done`.
    pub fn send(self) {
        self.keep.set(true);
        self.end();
    }

    /// Stops and drops what was recorded.
    pub fn discard(self) {
        self.end();
    }

    fn end(self) {
        let _ = self.recorder.stop();
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

/// A recorder for `stream`, in WebM/Opus where the browser can.
fn recorder_for(stream: &MediaStream) -> Result<MediaRecorder, JsValue> {
    const OPUS: &str = "audio/webm;codecs=opus";
    if MediaRecorder::is_type_supported(OPUS) {
        let options = web_sys::MediaRecorderOptions::new();
        options.set_mime_type(OPUS);
        return MediaRecorder::new_with_media_stream_and_media_recorder_options(stream, &options);
    }
    MediaRecorder::new_with_media_stream(stream)
}

/// The chunks as one blob, typed as recorded ("audio/webm;codecs=opus" becomes "audio/webm").
fn joined(chunks: &[Blob]) -> Option<Blob> {
    let parts = js_sys::Array::new();
    for chunk in chunks {
        parts.push(chunk);
    }
    let recorded = chunks.first().map(Blob::type_).unwrap_or_default();
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(
        recorded
            .split(';')
            .next()
            .filter(|t| !t.is_empty())
            .unwrap_or("audio/webm"),
    );
    Blob::new_with_blob_sequence_and_options(&parts, &options).ok()
}
