//! Types shared by the Switchboard server and the dashboard: ids, enums, request and response
//! bodies, and the real-time event envelope. No server or browser dependencies, so it compiles
//! for wasm32 as well as for the server.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod conversations;
pub mod error;
pub mod event_socket;
pub mod events;
pub mod handoffs;
pub mod ids;
pub mod leads;
pub mod messages;
pub mod page;
pub mod quick_replies;
pub mod reviews;
pub mod roles;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod settings;
pub mod stats;
pub mod team;
pub mod uploads;
pub mod visitors;
pub mod whatsapp;
pub mod widget;
pub mod widget_settings;
pub mod wire;

pub use ids::*;
pub use roles::{Role, Section};
