//! Integration tests: each test starts the real `api` binary on a free loopback port against a
//! fresh SQLite file or a fresh PostgreSQL database, and talks to it over HTTP like a client.

mod client;
mod helpers;
mod routes;
mod seed;
mod sockets;

mod api_keys;
mod attachments;
mod auth;
mod bad_input;
mod bookings;
mod conversations;
mod crash;
mod edge;
mod handoffs;
mod health;
mod isolation;
mod leads;
mod listing;
mod maintenance;
mod multiprocess;
mod overview;
mod permissions;
mod quick_replies;
mod ratings;
mod realtime;
mod suggestions;
mod team;
mod team_reads;
mod visitor_messages;
mod whatsapp;
mod widget;
