//! Real-time delivery: the sequencer numbers committed events per tenant and publishes them on
//! the bus; the dispatcher moves them into the hub, which fans them out to the sockets.

pub mod bus;
pub mod dashboard_socket;
pub mod dispatch;
pub mod hub;
pub mod lean_socket;
pub mod presence;
pub mod redis_relay;
pub mod sequencer;
pub mod visitor_socket;
