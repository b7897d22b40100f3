//! `/overview`: owners and admins see the eight cards of the product guide and four 14-day
//! charts; agents see their own four cards, each opening the Conversations page filtered to
//! match. The figures follow events live (fetched again a second after the last one).

mod chart;

use std::time::Duration;

use leptos::prelude::*;
use switchboard_types::events::EventPayload;
use switchboard_types::stats::{AgentOverview, Overview, TeamOverview};

use crate::api::{self, ApiError};
use crate::components::live_updates::use_live_updates;
use chart::DailyChart;

/// Events come in bursts (a chat is a message, a row change and a count change): one fetch
/// after the burst is enough.
const REFETCH_AFTER: Duration = Duration::from_millis(1000);

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = LocalResource::new(api::stats::overview);
    let burst = StoredValue::new(0_u32);
    let live = use_live_updates();
    live.on_event(move |event| {
        if changes_figures(&event.payload) {
            let n = burst.get_value() + 1;
            burst.set_value(n);
            set_timeout(
                move || {
                    if burst.try_get_value() == Some(n) {
                        overview.refetch();
                    }
                },
                REFETCH_AFTER,
            );
        }
    });
    live.on_resync(move || overview.refetch());
    view! {
        <div class="overview-page">
            <header class="page-header">
                <h1 data-testid="section-title">"Overview"</h1>
                <p class="page-subtitle">"How your AI agent and your team are doing, at a glance."</p>
            </header>
            {move || match overview.get() {
                None => view! { <CardsSkeleton /> }.into_any(),
                Some(Ok(Overview::Team(team))) => view! { <TeamView team=*team /> }.into_any(),
                Some(Ok(Overview::Agent(mine))) => view! { <AgentView mine /> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || overview.refetch() /> }.into_any(),
            }}
        </div>
    }
}

/// Whether an event can move a figure of the Overview.
fn changes_figures(payload: &EventPayload) -> bool {
    matches!(
        payload,
        EventPayload::ConversationCreated(_)
            | EventPayload::ConversationUpdated(_)
            | EventPayload::ConversationNeedsAgent(_)
            | EventPayload::ConversationResolved(_)
            | EventPayload::MessageCreated(_)
            | EventPayload::AgentJoined(_)
            | EventPayload::AgentLeft(_)
            | EventPayload::HandoffAccepted(_)
            | EventPayload::HandoffTransferred(_)
            | EventPayload::RatingCreated(_)
    )
}

#[component]
fn TeamView(team: TeamOverview) -> impl IntoView {
    let average = team
        .average_rating
        .map_or("–".to_string(), |a| format!("{a:.1}"));
    let rating_note = if team.average_rating.is_some() {
        "out of 5"
    } else {
        "No ratings yet"
    };
    let messages = format!(
        "AI {} · agents {}",
        team.messages_sent.ai, team.messages_sent.agent
    );
    let s = team.series;
    let p = team.previous;
    view! {
        <div class="stat-grid" data-testid="team-cards">
            <StatCard label="Total Sessions" value=team.total_sessions.to_string() note="All chat conversations" testid="card-total-sessions" />
            <StatCard label="Messages Sent" value=team.messages_sent.total.to_string() note=messages testid="card-messages-sent" />
            <StatCard label="Bookings Made" value=team.bookings_made.to_string() note="Meetings booked through the widget" testid="card-bookings" />
            <StatCard label="Resolved" value=team.resolved.to_string() note="Conversations marked as resolved" testid="card-resolved" />
            <StatCard label="Documents Ready" value=team.documents_ready.to_string() note="Knowledge base documents processed" testid="card-documents" />
            <StatCard label="Resolution Rate" value=format!("{}%", trim(team.resolution_rate)) note="Resolved out of all sessions" testid="card-resolution-rate" />
            <StatCard label="Average Rating" value=average note=rating_note testid="card-average-rating" />
            <StatCard label="Agent Requests" value=team.agent_requests.to_string() note="Visitors who asked for a human" testid="card-agent-requests" />
        </div>
        <div class="chart-grid-layout">
            <DailyChart title="Sessions" unit=("session", "sessions") days=s.days.clone() values=s.sessions previous=p.sessions testid="chart-sessions" />
            <DailyChart title="Resolved" unit=("resolved", "resolved") days=s.days.clone() values=s.resolved previous=p.resolved testid="chart-resolved" />
            <DailyChart title="Messages" unit=("message", "messages") days=s.days.clone() values=s.messages previous=p.messages testid="chart-messages" />
            <DailyChart title="Bookings" unit=("booking", "bookings") days=s.days values=s.bookings previous=p.bookings testid="chart-bookings" />
        </div>
    }
}

/// `60.0` → `60`, `62.5` → `62.5`.
fn trim(rate: f64) -> String {
    if rate.fract() == 0.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

#[component]
fn AgentView(mine: AgentOverview) -> impl IntoView {
    view! {
        <div class="stat-grid stat-grid-4" data-testid="agent-cards">
            <ActionCard label="My Open Sessions" value=mine.my_open_sessions note="Conversations you hold" action="Open my sessions" href="/conversations?status=open&assignee=me" testid="card-my-open" />
            <ActionCard label="Resolved By Me" value=mine.resolved_by_me note="Conversations you resolved" action="See them" href="/conversations?status=resolved&assignee=me" testid="card-resolved-by-me" />
            <ActionCard label="Open Queue" value=mine.open_queue note="Open and not yet taken" action="Pick one up" href="/conversations?status=open&assignee=none" testid="card-open-queue" />
            <ActionCard label="Needs Agent" value=mine.needs_agent note="Visitors waiting for a human" action="Help them" href="/conversations?status=needs_agent" testid="card-needs-agent" />
        </div>
    }
}

/// A card: what it counts, the figure, a line on what it means, and what `children` adds.
#[component]
fn StatCard(
    label: &'static str,
    value: String,
    #[prop(into)] note: String,
    testid: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="panel stat-card" data-testid=testid>
            <p class="stat-label">{label}</p>
            <p class="stat-value" data-testid="stat-value">{value}</p>
            <p class="stat-note">{note}</p>
            {children.map(|c| c())}
        </div>
    }
}

#[component]
fn ActionCard(
    label: &'static str,
    value: i64,
    note: &'static str,
    action: &'static str,
    href: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <StatCard label value=value.to_string() note testid>
            <a class="button stat-action" href=href data-testid="card-action">{action}</a>
        </StatCard>
    }
}

#[component]
fn CardsSkeleton() -> impl IntoView {
    view! {
        <div class="stat-grid" aria-busy="true" role="status" aria-label="Loading the figures">
            {(0..8).map(|_| view! { <div class="panel stat-card"><div class="skeleton skeleton-line"></div><div class="skeleton skeleton-title"></div></div> }).collect_view()}
        </div>
    }
}

#[component]
fn LoadError(error: ApiError, retry: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="form-error" role="alert" data-testid="overview-error">
            "We couldn't load the figures: " {error.message()} " "
            <button type="button" class="link-button" on:click=move |_| retry()>"Try again"</button>
        </div>
    }
}
