//! Times as people read them: "5 min ago" with the exact time on hover, and durations like
//! "1 h 05 min". The browser's clock and locale are used, so times show in the agent's zone.

use chrono::{DateTime, Utc};

/// Now, from the browser's clock.
pub fn now() -> DateTime<Utc> {
    let millis = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// Now, read again every `every` while the calling component is on screen, so relative times,
/// waits and timers it shows stay true.
pub fn ticking_now(every: std::time::Duration) -> leptos::prelude::ReadSignal<DateTime<Utc>> {
    use leptos::prelude::*;
    let (clock, set_clock) = signal(now());
    let ticker = set_interval_with_handle(move || set_clock.set(now()), every);
    on_cleanup(move || {
        if let Ok(ticker) = ticker {
            ticker.clear();
        }
    });
    clock
}

/// "just now", "5 min ago", "3 h ago", "2 d ago", then the date.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds().max(0);
    match seconds {
        0..=44 => "just now".into(),
        45..=3_599 => format!("{} min ago", (seconds + 30) / 60),
        3_600..=86_399 => format!("{} h ago", seconds / 3_600),
        86_400..=604_799 => format!("{} d ago", seconds / 86_400),
        _ => exact_date(at),
    }
}

/// A length of time: "42 s", "12 min", "1 h 05 min", "3 d 4 h".
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3_599 => format!("{} min", seconds / 60),
        3_600..=86_399 => format!("{} h {:02} min", seconds / 3_600, seconds % 3_600 / 60),
        _ => format!("{} d {} h", seconds / 86_400, seconds % 86_400 / 3_600),
    }
}

fn js_date(at: DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
}

/// The date and time in the browser's locale and zone, for tooltips.
pub fn exact(at: DateTime<Utc>) -> String {
    String::from(js_date(at).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The date alone, in the browser's locale.
fn exact_date(at: DateTime<Utc>) -> String {
    String::from(js_date(at).to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The time of day ("14:05" or "2:05 PM" per locale), for message timestamps.
pub fn clock(at: DateTime<Utc>) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(js_date(at).to_locale_time_string_with_options("default", &options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(12 * 60 + 5), "12 min");
        assert_eq!(duration(3_600 + 5 * 60), "1 h 05 min");
        assert_eq!(duration(3 * 86_400 + 4 * 3_600), "3 d 4 h");
        assert_eq!(duration(-5), "0 s");
    }

    #[test]
    fn recent_times_are_relative() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ago = |s| now - chrono::Duration::seconds(s);
        assert_eq!(relative(ago(10), now), "just now");
        assert_eq!(relative(ago(5 * 60), now), "5 min ago");
        assert_eq!(relative(ago(3 * 3_600), now), "3 h ago");
        assert_eq!(relative(ago(2 * 86_400), now), "2 d ago");
    }
}
