//! Integration tests: each test starts the real `api` binary on a free loopback port against a
//! fresh SQLite file or a fresh PostgreSQL database, and talks to it over HTTP like a client.

mod helpers;
mod seed;
mod sockets;

mod api_keys;
mod auth;
mod bad_input;
mod conversation_isolation;
mod conversations;
mod crash;
mod edge;
mod extras;
mod handoffs;
mod health;
mod isolation;
mod listing;
mod maintenance;
mod multiprocess;
mod overview;
mod permissions;
mod realtime;
mod team;
mod visitor_messages;
