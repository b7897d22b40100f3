//! Types shared by the Switchboard server and the dashboard: ids, enums, request and response
//! bodies, and the real-time event envelope. No server or browser dependencies, so it compiles
//! for wasm32 as well as for the server.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod error;
pub mod ids;
pub mod page;
pub mod roles;
pub mod settings;
pub mod team;

pub use ids::*;
pub use roles::{Role, Section};
