//! Building and running the server: database, secrets, demo seed, routes, listener, and a
//! graceful stop on SIGTERM/SIGINT (in-flight requests finish, then the process exits).

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders};
use actix_web::{web, App};

use crate::background;
use crate::config::Config;
use crate::db::Db;
use crate::domain::attachments::UrlSigner;
use crate::domain::demo::{self, DemoLogin};
use crate::domain::secrets::{self, JwtKeys};
use crate::domain::whatsapp::{self, Whatsapp};
use crate::files::LocalFiles;
use crate::http;
use crate::realtime::bus::Bus;
use crate::realtime::hub::Hub;
use crate::realtime::redis_relay;
use crate::realtime::sequencer::Sequencer;
use crate::state::AppState;
use crate::telemetry;

/// A built server, bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    /// Demo sign-in created on this start, if any.
    pub demo_login: Option<DemoLogin>,
    /// Where the demo sign-in is kept for later starts.
    pub demo_login_file: std::path::PathBuf,
}

impl Application {
    /// Connects to the database (migrating it), seeds the demo workspace on an empty one, and
    /// binds the listener. Nothing is served until [`Application::run_until_stopped`].
    pub async fn build(mut config: Config) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&config.data_dir)?;
        let db = {
            let (url, size) = (config.database_url.clone(), config.db_pool_size);
            web::block(move || Db::connect(&url, size)).await??
        };
        let secret = jwt_secret(&config)?;
        let jwt = JwtKeys::new(secret.as_bytes());
        let whatsapp = Whatsapp::new(
            secrets::SecretBox::new(&secrets_key(&config)?),
            &config.whatsapp_graph_url,
        )?;
        let demo_login_file = config.data_dir.join("demo-login.txt");
        let demo_login = if config.demo_seed {
            let db = db.clone();
            let seeded = web::block(move || demo::seed_if_empty(&db)).await??;
            if let Some(login) = &seeded {
                remember_demo_login(&demo_login_file, login)?;
            }
            seeded
        } else {
            None
        };

        let listener = TcpListener::bind(&config.bind)?;
        let port = listener.local_addr()?.port();
        if config.public_url.is_none() {
            let host = config
                .bind
                .rsplit_once(':')
                .map(|(h, _)| h)
                .unwrap_or("127.0.0.1");
            let host = if host == "0.0.0.0" || host == "[::]" {
                "127.0.0.1"
            } else {
                host
            };
            config.public_url = Some(format!("http://{host}:{port}"));
        }
        let bus = Bus::new(4096);
        let process_id = crate::clock::new_id();
        let catch_up = Arc::new(tokio::sync::Notify::new());
        let sequencer = match &config.redis_url {
            Some(url) => Sequencer::new(
                db.clone(),
                redis_relay::start(
                    url,
                    config.redis_channel.clone(),
                    process_id.clone(),
                    bus.clone(),
                    catch_up.clone(),
                )?,
            ),
            None => Sequencer::local(db.clone(), bus.clone()),
        };
        let state = AppState {
            events: sequencer.clone(),
            sequencer,
            catch_up,
            bus,
            files: Arc::new(LocalFiles::new(config.data_dir.join("files"))),
            url_signer: UrlSigner::new(format!("attachments:{secret}").as_bytes()),
            process_id,
            hub: Arc::new(Hub::default()),
            shutdown: Arc::new(tokio::sync::watch::channel(false).0),
            db,
            config: Arc::new(config),
            jwt,
            whatsapp,
        };
        // Before serving, so that a dashboard resuming after a crash misses nothing.
        state.sequencer.number_left_behind().await?;
        // Before serving, so that the first sockets already belong to a live process.
        background::heartbeat(&state).await;
        let server = serve(state.clone(), listener)?;
        Ok(Application {
            port,
            server,
            state,
            demo_login,
            demo_login_file,
        })
    }

    /// The running server's shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The port actually bound (useful with `BIND=...:0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then drains in-flight requests and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        actix_web::rt::spawn(stop_on_signal(handle, self.state.clone()));
        actix_web::rt::spawn(background::run(self.state.clone()));
        actix_web::rt::spawn(whatsapp::run_inbox(self.state.clone()));
        actix_web::rt::spawn(whatsapp::run_outbox(self.state.clone()));
        actix_web::rt::spawn(crate::realtime::dispatch::run(self.state.clone()));
        if let Some(bind) = self.state.config.demo_site_bind.clone() {
            let state = self.state.clone();
            actix_web::rt::spawn(async move {
                if let Err(error) = http::demo_site::serve(state, bind).await {
                    tracing::error!(%error, "the demo shop could not be served");
                }
            });
        }
        self.server.await
    }
}

fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<Server> {
    let shutdown_timeout = state.config.shutdown_timeout.as_secs();
    let dashboard_dir = state.config.dashboard_dir.clone();
    let widget_dir = state.config.widget_dir.clone();
    let json_limit = state.config.json_body_limit;
    let openapi = web::Data::new(http::openapi_json());
    let data = web::Data::new(state.clone());
    let server = http::upgrades::serve(state, listener, shutdown_timeout, move || {
        let app = App::new()
            .app_data(data.clone())
            .app_data(openapi.clone())
            .app_data(web::PayloadConfig::new(json_limit))
            .configure(http::extractor_configs)
            .wrap(Compress::default())
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap(from_fn(http::edge::guard))
            .wrap(from_fn(telemetry::log_request))
            .route("/api/v1/openapi.json", web::get().to(http::serve_openapi));
        let (app, _) = http::routes(app);
        app.configure(http::widget::files(&widget_dir))
            .configure(http::spa::dashboard(&dashboard_dir))
    })?;
    Ok(server)
}

async fn stop_on_signal(handle: ServerHandle, state: AppState) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for signals; stop the server with SIGKILL");
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM: finishing in-flight requests"),
        _ = int.recv() => tracing::info!("SIGINT: finishing in-flight requests"),
    }
    // No new connections from here on (clients told to reconnect go to another process).
    handle.pause().await;
    // Sockets never finish on their own: tell them to close. `send_replace` keeps the value
    // even when no socket is listening yet, so one that opens meanwhile closes at once.
    state.shutdown.send_replace(true);
    // Visitor sockets run on their own tasks, which the HTTP server does not wait for: let
    // them send their close frames before the workers end.
    let _ = tokio::time::timeout(
        state.config.shutdown_timeout,
        state.hub.socket_tasks_finished(),
    )
    .await;
    handle.stop(true).await;
}

/// `JWT_SECRET`, or a secret generated on first start and kept in `DATA_DIR/jwt_secret`.
fn jwt_secret(config: &Config) -> anyhow::Result<String> {
    kept_secret(config.jwt_secret.as_deref(), &config.data_dir, "jwt_secret")
}

/// `SECRETS_KEY` (encrypts tenants' secrets at rest), or one generated on first start and kept
/// in `DATA_DIR/secrets_key`.
fn secrets_key(config: &Config) -> anyhow::Result<String> {
    kept_secret(
        config.secrets_key.as_deref(),
        &config.data_dir,
        "secrets_key",
    )
}

/// The configured secret, or one generated on first start and kept in `DATA_DIR/<file>`.
fn kept_secret(configured: Option<&str>, data_dir: &Path, file: &str) -> anyhow::Result<String> {
    if let Some(secret) = configured {
        return Ok(secret.to_string());
    }
    let path = data_dir.join(file);
    if let Ok(secret) = std::fs::read_to_string(&path) {
        if !secret.trim().is_empty() {
            return Ok(secret.trim().to_string());
        }
    }
    let secret = secrets::random_token() + &secrets::random_token();
    write_private(&path, &secret)?;
    Ok(secret)
}

fn remember_demo_login(path: &Path, login: &DemoLogin) -> anyhow::Result<()> {
    write_private(
        path,
        &format!("email: {}\npassword: {}\n", login.email, login.password),
    )
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}
