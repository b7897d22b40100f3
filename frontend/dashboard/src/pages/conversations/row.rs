//! One row of the list: every column of the product guide, redrawn in place when its
//! conversation changes.

use leptos::prelude::*;
use switchboard_types::conversations::{ConversationRow, ConversationStatus};

use crate::components::conversation_badges::{ChannelIcon, Stars, StatusChip};
use crate::components::icons::Icon;
use crate::components::time;

/// A tick, for "Joined" and "Booked".
const CHECK: &str = "M5 12.5l4.5 4.5L19 7.5";

/// Pixel height of a row; the list places rows by it to draw only those in view.
pub const ROW_HEIGHT: f64 = 56.0;

#[component]
pub fn Row(
    row: RwSignal<ConversationRow>,
    href: Signal<String>,
    active: Signal<bool>,
    selected: Signal<bool>,
    /// Ticks every 30 s, so relative times and waits stay true.
    clock: ReadSignal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let id = row.with_untracked(|r| r.id.to_string());
    let status = move || row.with(|r| r.status);
    let waiting = move || {
        row.with(|r| {
            let since = r.needs_agent_since.filter(|_| r.needs_agent)?;
            Some(format!(
                "waiting {}",
                time::duration((clock.get() - since).num_seconds())
            ))
        })
    };
    view! {
        <a
            class="conversation-row"
            class:active=active
            class:selected=selected
            class:needs-agent=move || row.with(|r| r.needs_agent)
            id=format!("conversation-{id}")
            role="option"
            aria-selected=move || selected.get().to_string()
            href=href
            tabindex="-1"
            data-testid="conversation-row"
            data-id=id
            data-status=move || status().as_str()
        >
            <span class="cell cell-visitor">
                {move || view! { <ChannelIcon channel=row.with(|r| r.channel) /> }}
                <span class="visitor-label" data-testid="visitor-label">
                    {move || row.with(|r| r.visitor_label.clone())}
                </span>
                {move || {
                    row.with(|r| r.is_new)
                        .then(|| view! { <span class="new-badge">"NEW"</span> })
                }}
                {move || {
                    row.with(|r| r.needs_agent)
                        .then(|| {
                            view! {
                                <span class="needs-agent-dot" title="Needs agent">
                                    <span class="visually-hidden">"Needs agent"</span>
                                </span>
                            }
                        })
                }}
            </span>
            <span class="cell cell-count" data-testid="message-count" title="Messages">
                {move || row.with(|r| r.message_count)}
            </span>
            <span class="cell cell-status">
                {move || view! { <StatusChip status=status() /> }}
                {move || waiting().map(|w| view! { <span class="waited">{w}</span> })}
            </span>
            <span class="cell cell-rating">
                {move || row.with(|r| r.rating).map(|stars| view! { <Stars stars /> })}
            </span>
            <span class="cell cell-agent" data-testid="agent">
                {move || {
                    row.with(|r| r.assignee.as_ref().map(|a| a.name.clone()))
                        .map(|name| {
                            view! {
                                <span class="joined" title=format!("{name} joined")>
                                    <Icon d=CHECK />
                                    "Joined"
                                </span>
                            }
                        })
                }}
            </span>
            <span class="cell cell-booked">
                {move || {
                    row.with(|r| r.booked)
                        .then(|| {
                            view! {
                                <span class="booked" title="A meeting was booked" data-testid="booked">
                                    <Icon d=CHECK />
                                    <span class="visually-hidden">"Booked"</span>
                                </span>
                            }
                        })
                }}
            </span>
            <span class="cell cell-duration">
                {move || time::duration(row.with(|r| r.duration_seconds))}
            </span>
            <span
                class="cell cell-started"
                title=move || time::exact(row.with(|r| r.started_at))
            >
                {move || time::relative(row.with(|r| r.started_at), clock.get())}
            </span>
        </a>
    }
}

/// Whether a row belongs on a tab: new and changed conversations join the list only where
/// the server would list them.
pub fn on_tab(row: &ConversationRow, tab: switchboard_types::conversations::Tab) -> bool {
    use switchboard_types::conversations::Tab;
    match tab {
        Tab::All => true,
        Tab::Open => row.status != ConversationStatus::Resolved,
        Tab::NeedsAgent => row.needs_agent,
        Tab::Resolved => row.status == ConversationStatus::Resolved,
        Tab::Booked => row.booked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_types::conversations::{Channel, Tab};

    fn row(status: ConversationStatus, needs_agent: bool, booked: bool) -> ConversationRow {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        ConversationRow {
            id: "c1".into(),
            channel: Channel::Widget,
            visitor_id: "v1".into(),
            visitor_label: "V-1".into(),
            is_new: true,
            needs_agent,
            needs_agent_since: needs_agent.then_some(at),
            message_count: 1,
            status,
            rating: None,
            assignee: None,
            booked,
            duration_seconds: 0,
            started_at: at,
            last_activity_at: at,
        }
    }

    #[test]
    fn rows_join_the_tabs_the_server_lists_them_on() {
        let waiting = row(ConversationStatus::NeedsAgent, true, false);
        let resolved = row(ConversationStatus::Resolved, false, true);
        assert!(on_tab(&waiting, Tab::All) && on_tab(&waiting, Tab::Open));
        assert!(on_tab(&waiting, Tab::NeedsAgent) && !on_tab(&waiting, Tab::Resolved));
        assert!(!on_tab(&waiting, Tab::Booked));
        assert!(on_tab(&resolved, Tab::Resolved) && on_tab(&resolved, Tab::Booked));
        assert!(!on_tab(&resolved, Tab::Open) && !on_tab(&resolved, Tab::NeedsAgent));
    }
}
