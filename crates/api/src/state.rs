//! What every request handler and background task shares.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::domain::attachments::UrlSigner;
use crate::domain::event_line::EventLine;
use crate::domain::secrets::JwtKeys;
use crate::domain::whatsapp::Whatsapp;
use crate::files::FileStore;
use crate::realtime::bus::Bus;
use crate::realtime::hub::Hub;
use crate::realtime::sequencer::Sequencer;

/// Shared server state.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// The configuration read at start-up.
    pub config: Arc<Config>,
    /// Signs and checks access and visitor tokens.
    pub jwt: JwtKeys,
    /// Signs attachment links.
    pub url_signer: UrlSigner,
    /// Uploaded files.
    pub files: Arc<dyn FileStore>,
    /// The tenants' lines of events, as the domain uses them (the sequencer below).
    pub events: Arc<dyn EventLine>,
    /// Numbers committed events and publishes them; start-up and the background sweep use
    /// it directly.
    pub sequencer: Arc<Sequencer>,
    /// Published events, for the sockets of this process.
    pub bus: Bus,
    /// This process's id (presence rows belong to it).
    pub process_id: String,
    /// The sockets connected to this process.
    pub hub: Arc<Hub>,
    /// Wakes the dispatcher to compare positions with the database now (after a Redis outage).
    pub catch_up: Arc<tokio::sync::Notify>,
    /// The WhatsApp channel: the Graph API client, the secrets box, and the background
    /// workers' wake-ups.
    pub whatsapp: Whatsapp,
    /// Flips to true when the server stops, so sockets close cleanly.
    pub shutdown: Arc<tokio::sync::watch::Sender<bool>>,
}
