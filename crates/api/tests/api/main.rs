//! Integration tests: each test starts the real `api` binary on a free loopback port against a
//! fresh SQLite file or a fresh PostgreSQL database, and talks to it over HTTP like a client.

mod helpers;

mod api_keys;
mod auth;
mod bad_input;
mod health;
mod isolation;
mod permissions;
mod team;
