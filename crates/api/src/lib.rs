//! The Switchboard server as a library: the `api` binary and the integration tests build it
//! the same way through [`startup::Application`].

pub mod background;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod http;
pub mod realtime;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
