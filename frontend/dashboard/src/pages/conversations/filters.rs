//! The five tabs with their counts, and the channel dropdown. Both only change the URL; the
//! list follows it.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use switchboard_types::conversations::{AssigneeFilter, Channel, Tab, TabCounts};

use super::View;
use crate::live::counts::use_live_counts;

fn tab_label(tab: Tab) -> &'static str {
    match tab {
        Tab::All => "All",
        Tab::Open => "Open",
        Tab::NeedsAgent => "Needs agent",
        Tab::Resolved => "Resolved",
        Tab::Booked => "Booked",
    }
}

fn count_of(counts: &TabCounts, tab: Tab) -> i64 {
    match tab {
        Tab::All => counts.all,
        Tab::Open => counts.open,
        Tab::NeedsAgent => counts.needs_agent,
        Tab::Resolved => counts.resolved,
        Tab::Booked => counts.booked,
    }
}

#[component]
pub fn Tabs(view: Memo<View>, open: Memo<Option<String>>) -> impl IntoView {
    let counts = use_live_counts().for_channel;
    view! {
        <nav class="conversation-tabs" aria-label="Filter conversations">
            {Tab::ALL
                .iter()
                .map(|&tab| {
                    let count = move || counts.with(|c| c.as_ref().map(|c| count_of(c, tab)));
                    let current = move || view.get().tab == tab;
                    let href = move || {
                        View { tab, ..view.get() }.href(open.get().as_deref())
                    };
                    view! {
                        <a
                            class="conversation-tab"
                            class:active=current
                            class:priority=tab == Tab::NeedsAgent
                            href=href
                            aria-current=move || current().then_some("page")
                            data-testid=format!("tab-{}", tab.as_str())
                        >
                            {tab_label(tab)}
                            <span
                                class="tab-count"
                                class:badge=move || { tab == Tab::NeedsAgent && count().unwrap_or(0) > 0 }
                                data-testid=format!("count-{}", tab.as_str())
                            >
                                {move || count().map(|n| n.to_string()).unwrap_or_default()}
                            </span>
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
pub fn ChannelFilter(view: Memo<View>, open: Memo<Option<String>>) -> impl IntoView {
    let navigate = use_navigate();
    let on_change = move |event: leptos::ev::Event| {
        let channel = Channel::parse(&event_target_value(&event));
        let href = View {
            channel,
            ..view.get_untracked()
        }
        .href(open.get_untracked().as_deref());
        navigate(&href, Default::default());
    };
    view! {
        <label class="channel-filter">
            <span class="visually-hidden">"Channel"</span>
            <select
                data-testid="channel-filter"
                prop:value=move || view.get().channel.map_or("", Channel::as_str)
                on:change=on_change
            >
                <option value="">
                    "All channels"
                </option>
                <option value="widget">
                    "Widget"
                </option>
                <option value="whatsapp">
                    "WhatsApp"
                </option>
            </select>
        </label>
    }
}

/// The "Assigned to me" / "Unassigned" filter when the URL has one (the Overview's agent cards
/// link to it), with × to show everyone's again.
#[component]
pub fn AssigneeChip(view: Memo<View>, open: Memo<Option<String>>) -> impl IntoView {
    move || {
        let assignee = view.get().assignee?;
        let label = match assignee {
            AssigneeFilter::Me => "Assigned to me",
            AssigneeFilter::None => "Unassigned",
        };
        let everyone = View {
            assignee: None,
            ..view.get()
        }
        .href(open.get().as_deref());
        Some(view! {
            <div class="assignee-filter" data-testid="assignee-filter">
                <span class="chip chip-filter">{label}</span>
                <a href=everyone class="link-button" aria-label="Show everyone's conversations">"× Everyone's"</a>
            </div>
        })
    }
}
