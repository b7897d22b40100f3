//! Line icons drawn for the dashboard: one SVG path each, stroked in the current text colour,
//! so they follow the theme and the link states without extra CSS.

use leptos::prelude::*;
use switchboard_types::Section;

pub const SUN: &str = "M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z M12 2.5v2 M12 19.5v2 M4.9 4.9l1.4 1.4 \
    M17.7 17.7l1.4 1.4 M2.5 12h2 M19.5 12h2 M4.9 19.1l1.4-1.4 M17.7 6.3l1.4-1.4";
pub const MOON: &str = "M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z";
pub const MENU: &str = "M4 7h16M4 12h16M4 17h16";
pub const SIGN_OUT: &str = "M10 4H5v16h5 M15 8l4 4-4 4 M19 12H10";
pub const LOCK: &str = "M6 11h12v9H6z M8.5 11V8a3.5 3.5 0 0 1 7 0v3";
pub const ALERT: &str = "M12 3.5l9.5 17h-19z M12 10v4.5 M12 17.5h.01";
pub const PAPERCLIP: &str =
    "M20 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8";
pub const MICROPHONE: &str =
    "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z M5.5 11a6.5 6.5 0 0 0 13 0 M12 17.5V21";
pub const COMPASS: &str = "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M15.5 8.5l-2 5-5 2 2-5z";
/// Two lines patched together at a switchboard.
pub const LOGO: &str = "M6.5 4a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z \
    M17.5 15a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z M9 6.5h4.5a4 4 0 0 1 4 4V15";

/// The icon of a sidebar section.
pub fn section_icon(section: Section) -> &'static str {
    match section {
        Section::Overview => {
            "M4 4h6.5v6.5H4z M13.5 4H20v6.5h-6.5z M4 13.5h6.5V20H4z M13.5 13.5H20V20h-6.5z"
        }
        Section::Conversations => "M4 5h16v11H10l-6 4z M8 9.5h8 M8 12.5h5",
        Section::Tickets => "M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z M14 7v10",
        Section::Leads => {
            "M9 4.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z \
            M2.5 20c0-3.5 3-5.5 6.5-5.5s6.5 2 6.5 5.5 M19 8v6 M16 11h6"
        }
        Section::Analytics => "M3 20h18 M6 20v-7 M11 20V5 M16 20v-10 M21 20v-4",
        Section::Reviews => {
            "M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z"
        }
        Section::KnowledgeGaps => {
            "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z \
            M9.6 9.5a2.5 2.5 0 1 1 3.4 2.3c-.7.3-1 .9-1 1.6v.4 M12 16.8v.2"
        }
        Section::HelpCenter => {
            "M3 5h6a3 3 0 0 1 3 3v12a2 2 0 0 0-2-2H3z \
            M21 5h-6a3 3 0 0 0-3 3v12a2 2 0 0 1 2-2h7z"
        }
        Section::Documents => "M6 3h8l5 5v13H6z M14 3v5h5 M9 13h7 M9 17h7",
        Section::Connectors => "M9 3v5 M15 3v5 M6 8h12v3a6 6 0 0 1-12 0z M12 17v4",
        Section::Team => {
            "M9 4.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z \
            M2.5 20c0-3.5 3-5.5 6.5-5.5s6.5 2 6.5 5.5 M16 4.6a3.5 3.5 0 0 1 0 6.8 \
            M18 14.8c2 .6 3.5 2.4 3.5 5.2"
        }
        Section::Settings => {
            "M4 6h9 M17 6h3 M15 4v4 M4 12h3 M11 12h9 M9 10v4 M4 18h11 M19 18h1 M17 16v4"
        }
        Section::Billing => "M3 6h18v12H3z M3 10h18 M7 15h4",
    }
}

/// A 24×24 line icon, hidden from screen readers (the text next to it says the same).
#[component]
pub fn Icon(d: &'static str) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.75"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            <path d=d />
        </svg>
    }
}
