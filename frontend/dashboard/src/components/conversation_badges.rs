//! The small marks a conversation carries wherever it shows: its status chip, its stars, its
//! channel icon.

use leptos::prelude::*;
use switchboard_types::conversations::{Channel, ConversationStatus};

use super::icons::Icon;

/// The speech bubble of the website widget.
pub const WIDGET: &str = "M4 5h16v11H10l-6 4z";
/// A phone handset in a bubble: WhatsApp.
pub const WHATSAPP: &str = "M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z \
    M9 8.5c0 3.5 3 6.5 6.5 6.5l1-1.6-2-1-1 .9a4.5 4.5 0 0 1-2.3-2.3l.9-1-1-2z";

/// How people read a status.
pub fn status_label(status: ConversationStatus) -> &'static str {
    match status {
        ConversationStatus::Open => "Open",
        ConversationStatus::NeedsAgent => "Needs agent",
        ConversationStatus::Delegated => "Delegated",
        ConversationStatus::Resolved => "Resolved",
    }
}

/// Resolved green, Needs agent orange and pulsing, Delegated indigo, Open amber.
#[component]
pub fn StatusChip(status: ConversationStatus) -> impl IntoView {
    view! {
        <span class=format!("chip chip-{}", status.as_str()) data-testid="status">
            {status_label(status)}
        </span>
    }
}

/// 1–5 filled stars, read out as "4 out of 5 stars".
#[component]
pub fn Stars(stars: i16) -> impl IntoView {
    let stars = stars.clamp(0, 5);
    view! {
        <span
            class="stars"
            role="img"
            aria-label=format!("{stars} out of 5 stars")
            data-testid="stars"
            data-stars=stars
        >
            {(1..=5)
                .map(|n| {
                    view! {
                        <span class="star" class:filled=n <= stars aria-hidden="true">
                            "★"
                        </span>
                    }
                })
                .collect_view()}
        </span>
    }
}

/// The channel's icon, labelled for screen readers.
#[component]
pub fn ChannelIcon(channel: Channel) -> impl IntoView {
    let (d, label) = match channel {
        Channel::Widget => (WIDGET, "Widget"),
        Channel::Whatsapp => (WHATSAPP, "WhatsApp"),
    };
    view! {
        <span class=format!("channel-icon channel-{}", channel.as_str()) title=label>
            <Icon d=d />
            <span class="visually-hidden">{label}</span>
        </span>
    }
}
