//! The product's rules, one module per area. Services take plain values, run one transaction and
//! return domain values; they never see HTTP types.

pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod bookings;
pub mod conversation_rules;
pub mod conversation_state;
pub mod conversations;
pub mod counting;
pub mod demo;
pub mod event_line;
pub mod handoffs;
pub mod leads;
pub mod member;
pub mod member_presence;
pub mod messages;
pub mod outbox;
pub mod people;
pub mod presence;
pub mod quick_replies;
pub mod reviews;
pub mod secrets;
pub mod settings;
pub mod stats;
pub mod suggestions;
pub mod system_lines;
pub mod team;
pub mod team_reads;
pub mod validate;
pub mod views;
pub mod visitor_chat;
pub mod visitor_messages;
pub mod whatsapp;
pub mod widget_settings;

/// Facts about the request that the audit log and sign-in throttling need.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The client's address.
    pub ip: Option<String>,
    /// The client's `User-Agent`, truncated.
    pub user_agent: Option<String>,
}
