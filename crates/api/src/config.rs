//! Configuration from environment variables, with defaults that run the product locally.
//! Every variable is documented in the README's configuration table.

use std::path::PathBuf;
use std::time::Duration;

/// The server's settings, read once at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`BIND`, default `127.0.0.1:8080`; port 0 picks a free one).
    pub bind: String,
    /// Where the SQLite file, uploads and the generated JWT secret live (`DATA_DIR`, `./data`).
    pub data_dir: PathBuf,
    /// `postgres://...` or a SQLite path (`DATABASE_URL`, default `<DATA_DIR>/switchboard.db`).
    pub database_url: String,
    /// Connections per process (`DB_POOL_SIZE`, default 16).
    pub db_pool_size: u32,
    /// Secret that signs access and visitor tokens (`JWT_SECRET`; generated under DATA_DIR).
    pub jwt_secret: Option<String>,
    /// Key that encrypts tenants' secrets at rest, e.g. WhatsApp tokens (`SECRETS_KEY`;
    /// generated under DATA_DIR). Every process sharing a database needs the same one.
    pub secrets_key: Option<String>,
    /// The WhatsApp Cloud API's base URL with its version (`WHATSAPP_GRAPH_URL`, default
    /// `https://graph.facebook.com/v21.0`); tests point it at a local fake.
    pub whatsapp_graph_url: String,
    /// Redis for several server processes (`REDIS_URL`; unset = in-process events).
    pub redis_url: Option<String>,
    /// The Redis pub/sub channel (`REDIS_CHANNEL`, default `switchboard:events`).
    pub redis_channel: String,
    /// Base URL people reach the dashboard at, used in invitation links (`PUBLIC_URL`).
    pub public_url: Option<String>,
    /// The built dashboard (`DASHBOARD_DIR`, default `frontend/dashboard/dist`).
    pub dashboard_dir: PathBuf,
    /// The built chat widget: its loader and frame (`WIDGET_DIR`, default `frontend/widget/dist`).
    pub widget_dir: PathBuf,
    /// Where to serve the demo shop with the demo workspace's widget (`DEMO_SITE_BIND`, e.g.
    /// `127.0.0.1:8081`; off when unset).
    pub demo_site_bind: Option<String>,
    /// Access token lifetime (`ACCESS_TOKEN_TTL_SECS`, default 900).
    pub access_token_ttl: Duration,
    /// Refresh token lifetime (`REFRESH_TOKEN_TTL_DAYS`, default 30).
    pub refresh_token_ttl: Duration,
    /// How long after a refresh the replaced refresh token is answered "superseded" rather than
    /// treated as stolen (`REFRESH_REUSE_GRACE_SECS`, default 30): two tabs refreshing the same
    /// pair at once must not sign the person out.
    pub refresh_reuse_grace: Duration,
    /// Failed sign-ins per account before it is throttled (`LOGIN_MAX_FAILURES_PER_ACCOUNT`, 5).
    pub login_max_failures_per_account: i32,
    /// Failed sign-ins per client address before it is throttled (`LOGIN_MAX_FAILURES_PER_ADDRESS`, 20).
    pub login_max_failures_per_address: i32,
    /// Take the client address from `X-Forwarded-For` (`TRUST_PROXY_HEADERS`, off).
    pub trust_proxy_headers: bool,
    /// Create a demo workspace on first start with an empty database (`DEMO_SEED`, on).
    pub demo_seed: bool,
    /// Largest JSON body accepted (`JSON_BODY_LIMIT`, default 65536 bytes).
    pub json_body_limit: usize,
    /// How long SIGTERM waits for in-flight requests (`SHUTDOWN_TIMEOUT_SECS`, default 10).
    pub shutdown_timeout: Duration,
    /// Visitor messages per second per socket (`WIDGET_MESSAGES_PER_SECOND`, 5).
    pub widget_messages_per_second: u32,
    /// Visitor messages a socket may send at once after a pause (`WIDGET_MESSAGE_BURST`,
    /// default twice the per-second rate).
    pub widget_message_burst: u32,
    /// Frames of any kind per second per visitor socket (`WIDGET_FRAMES_PER_SECOND`, 30).
    pub widget_frames_per_second: u32,
    /// Frames a visitor socket may send at once (`WIDGET_FRAME_BURST`, 300): after a pause (a
    /// slow disk, a restart) the server reads a socket's backlog at once, which must not look
    /// like a flood; a real flood still empties the bucket within seconds.
    pub widget_frame_burst: u32,
    /// Visitor sockets per client address (`WIDGET_MAX_CONNECTIONS_PER_ADDRESS`, 50).
    pub widget_max_connections_per_address: usize,
    /// Sockets are pinged this often (`SOCKET_HEARTBEAT_SECS`, 20).
    pub socket_heartbeat: Duration,
    /// A socket peer silent this long is dropped (`SOCKET_SILENCE_LIMIT_SECS`, 60).
    pub socket_silence_limit: Duration,
    /// Events are kept this long for resuming (`EVENT_RETENTION_SECS`, 7 days).
    pub event_retention: Duration,
    /// How often PostgreSQL tables are checked for the vacuum and analyze that autovacuum would
    /// do, when it is off (`DB_MAINTENANCE_SECS`, 30; see `db::maintenance`).
    pub db_maintenance_every: Duration,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> anyhow::Result<Config> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: u64| -> anyhow::Result<u64> {
            match get(name) {
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name} must be a whole number, got {v:?}")),
                None => Ok(default),
            }
        };
        let flag = |name: &str, default: bool| match get(name).as_deref() {
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            _ => default,
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("DATABASE_URL").unwrap_or_else(|| {
            data_dir
                .join("switchboard.db")
                .to_string_lossy()
                .into_owned()
        });
        let widget_messages_per_second = number("WIDGET_MESSAGES_PER_SECOND", 5)?.max(1) as u32;
        Ok(Config {
            bind: get("BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url,
            db_pool_size: number("DB_POOL_SIZE", 16)? as u32,
            jwt_secret: get("JWT_SECRET"),
            secrets_key: get("SECRETS_KEY"),
            whatsapp_graph_url: get("WHATSAPP_GRAPH_URL")
                .unwrap_or_else(|| "https://graph.facebook.com/v21.0".into())
                .trim_end_matches('/')
                .to_string(),
            redis_url: get("REDIS_URL"),
            redis_channel: get("REDIS_CHANNEL").unwrap_or_else(|| "switchboard:events".into()),
            public_url: get("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            dashboard_dir: PathBuf::from(
                get("DASHBOARD_DIR").unwrap_or_else(|| "frontend/dashboard/dist".into()),
            ),
            widget_dir: PathBuf::from(
                get("WIDGET_DIR").unwrap_or_else(|| "frontend/widget/dist".into()),
            ),
            demo_site_bind: get("DEMO_SITE_BIND"),
            access_token_ttl: Duration::from_secs(number("ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(number("REFRESH_TOKEN_TTL_DAYS", 30)? * 86_400),
            refresh_reuse_grace: Duration::from_secs(number("REFRESH_REUSE_GRACE_SECS", 30)?),
            login_max_failures_per_account: number("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)? as i32,
            login_max_failures_per_address: number("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)? as i32,
            trust_proxy_headers: flag("TRUST_PROXY_HEADERS", false),
            demo_seed: flag("DEMO_SEED", true),
            json_body_limit: number("JSON_BODY_LIMIT", 64 * 1024)? as usize,
            shutdown_timeout: Duration::from_secs(number("SHUTDOWN_TIMEOUT_SECS", 10)?),
            widget_messages_per_second,
            widget_message_burst: number(
                "WIDGET_MESSAGE_BURST",
                2 * u64::from(widget_messages_per_second),
            )?
            .max(1) as u32,
            widget_frames_per_second: number("WIDGET_FRAMES_PER_SECOND", 30)?.max(1) as u32,
            widget_frame_burst: number("WIDGET_FRAME_BURST", 300)?.max(1) as u32,
            widget_max_connections_per_address: number("WIDGET_MAX_CONNECTIONS_PER_ADDRESS", 50)?
                as usize,
            socket_heartbeat: Duration::from_secs(number("SOCKET_HEARTBEAT_SECS", 20)?.max(1)),
            socket_silence_limit: Duration::from_secs(
                number("SOCKET_SILENCE_LIMIT_SECS", 60)?.max(1),
            ),
            event_retention: Duration::from_secs(
                number("EVENT_RETENTION_SECS", 7 * 86_400)?.max(1),
            ),
            db_maintenance_every: Duration::from_secs(number("DB_MAINTENANCE_SECS", 30)?.max(1)),
            data_dir,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_locally_on_sqlite() {
        let c = config(&[]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.database_url, "data/switchboard.db");
        assert_eq!(c.access_token_ttl, Duration::from_secs(900));
        assert!(c.demo_seed);
    }

    #[test]
    fn database_follows_data_dir() {
        let c = config(&[("DATA_DIR", "/tmp/x")]).unwrap();
        assert_eq!(c.database_url, "/tmp/x/switchboard.db");
    }

    #[test]
    fn visitor_limits_default_to_the_documented_values() {
        let c = config(&[]).unwrap();
        assert_eq!(
            (c.widget_messages_per_second, c.widget_message_burst),
            (5, 10)
        );
        assert_eq!(
            (c.widget_frames_per_second, c.widget_frame_burst),
            (30, 300)
        );
        let c = config(&[("WIDGET_MESSAGES_PER_SECOND", "2")]).unwrap();
        assert_eq!(c.widget_message_burst, 4, "twice the rate unless set");
        let c = config(&[("WIDGET_MESSAGE_BURST", "1"), ("WIDGET_FRAME_BURST", "50")]).unwrap();
        assert_eq!((c.widget_message_burst, c.widget_frame_burst), (1, 50));
    }

    #[test]
    fn bad_numbers_are_reported_by_name() {
        let err = config(&[("DB_POOL_SIZE", "many")]).unwrap_err();
        assert!(err.to_string().contains("DB_POOL_SIZE"));
    }
}
