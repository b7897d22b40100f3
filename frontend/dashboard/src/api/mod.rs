//! Everything that talks to the server: the request plumbing (bearer token, one refresh and
//! retry on 401), the session store, the event socket, and one fetcher per endpoint the
//! dashboard uses.

pub mod auth;
mod client;
pub mod conversations;
mod error;
pub mod events;
pub mod handoffs;
pub mod invitations;
pub mod leads;
pub mod me;
pub mod quick_replies;
pub mod reviews;
pub mod session;
pub mod settings;
pub mod stats;
pub mod team;
pub mod uploads;
pub mod visitors;
pub mod whatsapp;
pub mod widget_settings;

pub use error::ApiError;
