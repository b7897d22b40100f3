//! The live state the screens read, kept current by the page's one event socket
//! (`components::live_updates`): the conversation counts (the sidebar badge, the tabs, the
//! tab title) and the needs-agent alerts. Pages never open a socket of their own.

pub mod alerts;
pub mod conversation_events;
pub mod counts;
pub mod settle;
