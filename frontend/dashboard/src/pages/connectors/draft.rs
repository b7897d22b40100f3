//! The widget's settings as the admin is editing them: one signal per control, so the preview
//! redraws only what changed, turned back into `WidgetSettings` to compare and to save.

use leptos::prelude::*;
use switchboard_types::widget_settings::{LauncherPosition, PrechatForm, WidgetSettings};

#[derive(Clone, Copy)]
pub struct Draft {
    pub accent_color: RwSignal<String>,
    pub title: RwSignal<String>,
    pub greeting: RwSignal<String>,
    pub position: RwSignal<LauncherPosition>,
    pub prechat: RwSignal<PrechatForm>,
    pub offline_message: RwSignal<String>,
    /// One origin per line, as typed.
    pub origins: RwSignal<String>,
    pub unread_in_title: RwSignal<bool>,
    /// The colour the colour well and the preview paint with: the typed one once it is a
    /// valid `#rrggbb`; while it is half typed, the last valid one.
    pub painted_accent: Memo<String>,
}

impl Draft {
    pub fn new(from: &WidgetSettings) -> Self {
        let accent_color = RwSignal::new(from.accent_color.clone());
        let painted_accent = Memo::new(move |previous: Option<&String>| {
            let typed = accent_color.get();
            if is_hex_colour(&typed) {
                typed.trim().to_ascii_lowercase()
            } else {
                previous.cloned().unwrap_or_else(|| "#4f46e5".into())
            }
        });
        Draft {
            painted_accent,
            accent_color,
            title: RwSignal::new(from.title.clone()),
            greeting: RwSignal::new(from.greeting.clone()),
            position: RwSignal::new(from.position),
            prechat: RwSignal::new(from.prechat.clone()),
            offline_message: RwSignal::new(from.offline_message.clone()),
            origins: RwSignal::new(from.allowed_origins.join("\n")),
            unread_in_title: RwSignal::new(from.unread_in_title),
        }
    }

    /// Puts every control back to `to` (after a save, or when the admin discards).
    pub fn reset(&self, to: &WidgetSettings) {
        self.accent_color.set(to.accent_color.clone());
        self.title.set(to.title.clone());
        self.greeting.set(to.greeting.clone());
        self.position.set(to.position);
        self.prechat.set(to.prechat.clone());
        self.offline_message.set(to.offline_message.clone());
        self.origins.set(to.allowed_origins.join("\n"));
        self.unread_in_title.set(to.unread_in_title);
    }

    /// What a save would send (tracked, so a memo of it follows every keystroke).
    pub fn settings(&self) -> WidgetSettings {
        WidgetSettings {
            accent_color: self.accent_color.get(),
            title: self.title.get(),
            greeting: self.greeting.get(),
            position: self.position.get(),
            prechat: self.prechat.get(),
            offline_message: self.offline_message.get(),
            allowed_origins: origin_lines(&self.origins.get()),
            unread_in_title: self.unread_in_title.get(),
        }
    }

    /// The same, read without subscribing (in an event handler).
    pub fn settings_untracked(&self) -> WidgetSettings {
        untrack(|| self.settings())
    }
}

/// The non-empty lines of the origins box, as the server receives them (it trims and checks).
pub fn origin_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `colour` is a `#rrggbb` the preview can paint with (the server has the last word).
fn is_hex_colour(colour: &str) -> bool {
    let colour = colour.trim();
    colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_and_spaces_are_not_origins() {
        let lines = origin_lines("  https://shop.example \n\n\thttp://localhost:8081\n   ");
        assert_eq!(lines, ["https://shop.example", "http://localhost:8081"]);
    }

    #[test]
    fn only_six_digit_hex_colours_paint_the_preview() {
        assert!(is_hex_colour("#4F46e5"));
        assert!(!is_hex_colour("#4f46e"));
        assert!(!is_hex_colour("4f46e5a"));
        assert!(!is_hex_colour("#4f46eg"));
    }
}
