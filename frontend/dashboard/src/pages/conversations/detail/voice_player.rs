//! A voice note in the thread: play/pause, a progress bar to seek with (mouse or arrows), and
//! the time played out of the note's length.

use leptos::html;
use leptos::prelude::*;

/// `m:ss`, as players show times.
pub fn player_time(seconds: f64) -> String {
    let whole = seconds.max(0.0).round() as i64;
    format!("{}:{:02}", whole / 60, whole % 60)
}

#[component]
pub fn VoicePlayer(url: String, duration_ms: Option<i64>) -> impl IntoView {
    let audio = NodeRef::<html::Audio>::new();
    let playing = RwSignal::new(false);
    let at = RwSignal::new(0.0_f64);
    // The stored length until the browser knows it (WebM recordings often report none).
    let length = RwSignal::new(duration_ms.map_or(0.0, |ms| ms as f64 / 1000.0));
    let toggle = move |_| {
        let Some(el) = audio.get_untracked() else {
            return;
        };
        if el.paused() {
            _ = el.play();
        } else {
            _ = el.pause();
        }
    };
    let seek = move |event: leptos::ev::Event| {
        if let (Some(el), Ok(to)) = (audio.get_untracked(), event_target_value(&event).parse()) {
            el.set_current_time(to);
            at.set(to);
        }
    };
    let on_metadata = move |_| {
        if let Some(el) = audio.get_untracked() {
            let known = el.duration();
            if known.is_finite() && known > 0.0 {
                length.set(known);
            }
        }
    };
    view! {
        <div class="voice" data-testid="voice">
            <audio
                node_ref=audio
                preload="metadata"
                src=url
                on:loadedmetadata=on_metadata
                on:play=move |_| playing.set(true)
                on:pause=move |_| playing.set(false)
                on:ended=move |_| {
                    playing.set(false);
                    at.set(0.0);
                }
                on:timeupdate=move |_| {
                    if let Some(el) = audio.get_untracked() {
                        at.set(el.current_time());
                    }
                }
            ></audio>
            <button
                type="button"
                class="voice-toggle"
                aria-label=move || if playing.get() { "Pause the voice note" } else { "Play the voice note" }
                data-testid="voice-toggle"
                data-playing=move || playing.get().to_string()
                on:click=toggle
            >
                {move || if playing.get() { "❚❚" } else { "▶" }}
            </button>
            <input
                type="range"
                class="voice-seek"
                min="0"
                step="0.1"
                aria-label="Position in the voice note"
                max=move || length.get().max(0.1).to_string()
                prop:value=move || at.get().to_string()
                on:input=seek
            />
            <span class="voice-length" data-testid="voice-length">
                {move || format!("{} / {}", player_time(at.get()), player_time(length.get()))}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::player_time;

    #[test]
    fn times_read_as_minutes_and_seconds() {
        assert_eq!(player_time(0.0), "0:00");
        assert_eq!(player_time(7.4), "0:07");
        assert_eq!(player_time(65.0), "1:05");
        assert_eq!(player_time(-3.0), "0:00");
    }
}
