//! The Overview page's numbers.

use serde::{Deserialize, Serialize};

/// Messages sent by the AI and by agents.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagesSent {
    /// AI plus agent messages.
    pub total: i64,
    /// By the AI.
    pub ai: i64,
    /// By agents.
    pub agent: i64,
}

/// Fourteen daily values, oldest first, with the days they belong to (tenant time zone).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailySeries {
    /// The days, `YYYY-MM-DD`, oldest first, ending today.
    pub days: Vec<String>,
    /// Conversations started each day.
    pub sessions: Vec<i64>,
    /// Conversations resolved each day.
    pub resolved: Vec<i64>,
    /// AI and agent messages sent each day.
    pub messages: Vec<i64>,
    /// Meetings booked each day.
    pub bookings: Vec<i64>,
}

/// What the 14 days before the charts' came to, for the trend beside each chart.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodTotals {
    /// Conversations started.
    pub sessions: i64,
    /// Conversations resolved.
    pub resolved: i64,
    /// AI and agent messages sent.
    pub messages: i64,
    /// Meetings booked.
    pub bookings: i64,
}

/// The eight cards and four charts owners and admins see.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamOverview {
    /// All conversations.
    pub total_sessions: i64,
    /// AI and agent messages.
    pub messages_sent: MessagesSent,
    /// Meetings booked.
    pub bookings_made: i64,
    /// Conversations resolved.
    pub resolved: i64,
    /// Knowledge-base documents processed and ready.
    pub documents_ready: i64,
    /// Resolved as a percentage of all conversations (0-100, one decimal).
    pub resolution_rate: f64,
    /// Mean of the ratings (1-5, two decimals); absent until someone rates.
    pub average_rating: Option<f64>,
    /// Conversations in which the customer asked for a human.
    pub agent_requests: i64,
    /// The 14-day trends.
    pub series: DailySeries,
    /// The 14 days before them, summed.
    pub previous: PeriodTotals,
}

/// The four cards agents see.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentOverview {
    /// Conversations I hold and have not resolved.
    pub my_open_sessions: i64,
    /// Conversations I resolved.
    pub resolved_by_me: i64,
    /// Unassigned, unresolved conversations.
    pub open_queue: i64,
    /// Conversations where a customer waits for a human.
    pub needs_agent: i64,
}

/// The Overview for the caller's role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum Overview {
    /// Owners and admins.
    Team(Box<TeamOverview>),
    /// Agents.
    Agent(AgentOverview),
}
