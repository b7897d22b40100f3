//! The test harness: `TestApp::spawn(Backend)` runs the real binary on a fresh database and
//! gives request helpers; `both_dbs!` runs one test body on SQLite and on PostgreSQL.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use diesel::{Connection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the async test body once per database, as `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! both_dbs {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

/// The PostgreSQL server tests create their databases on. CI points it at the machine's server;
/// there is no silent skip: without PostgreSQL the PostgreSQL half of the suite fails.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A throwaway PostgreSQL database, dropped when the value is.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> PgDatabase {
        let admin_url = postgres_admin_url();
        let name = format!("sbtest_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!("PostgreSQL at {admin_url} is required for these tests: {e}")
        });
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        PgDatabase {
            url: format!("{base}/{name}"),
            admin_url,
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// One running server process and a client for it.
pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub backend: Backend,
    /// Everything the server printed on stdout after the listening line.
    pub stdout: mpsc::Receiver<String>,
    /// Everything the server logged (on stderr; also echoed to the test's own stderr).
    pub logs: mpsc::Receiver<String>,
    child: Child,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    env: Vec<(String, String)>,
    _pg: Option<PgDatabase>,
}

/// A signed-in member as tests use them.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
    pub tenant_id: String,
    pub email: String,
}

/// One response: status, headers and the body parsed as JSON (Null when empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts the status and returns self, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }
}

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// Starts the server on a fresh database with test defaults (no demo seed).
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts the server with extra environment variables.
    pub async fn spawn_with(backend: Backend, env: &[(&str, &str)]) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let pg = (backend == Backend::Postgres).then(PgDatabase::create);
        let database_url = match &pg {
            Some(db) => db.url.clone(),
            None => data_dir
                .path()
                .join("switchboard.db")
                .to_string_lossy()
                .into_owned(),
        };
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (child, port, stdout, logs) = start_process(&database_url, data_dir.path(), &env);
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            port,
            client: http_client(),
            backend,
            stdout,
            logs,
            child,
            data_dir,
            database_url,
            env,
            _pg: pg,
        }
    }

    /// Starts another server process on the same database (its own data directory).
    pub async fn spawn_sibling(&self, env: &[(&str, &str)]) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (child, port, stdout, logs) = start_process(&self.database_url, data_dir.path(), &env);
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            port,
            client: http_client(),
            backend: self.backend,
            stdout,
            logs,
            child,
            data_dir,
            database_url: self.database_url.clone(),
            env,
            _pg: None,
        }
    }

    /// Kills the process without warning (`kill -9`), as a crash would.
    pub fn kill_hard(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Starts the server again on the same database and data directory (same secrets), on a new port.
    pub fn restart(&mut self) {
        let (child, port, stdout, logs) =
            start_process(&self.database_url, self.data_dir.path(), &self.env);
        self.child = child;
        self.port = port;
        self.stdout = stdout;
        self.logs = logs;
        self.base = format!("http://127.0.0.1:{port}");
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits (up to `timeout`) for the process to exit; returns its exit code.
    pub fn terminate(&mut self, timeout: Duration) -> Option<i32> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        into_resp(request.send().await.expect("request failed")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Sends a raw body with the given content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        into_resp(request.send().await.expect("request failed")).await
    }

    /// Signs up a new workspace; returns its owner's session.
    pub async fn signup(&self, workspace: &str, email: &str) -> Session {
        let body = json!({ "workspace_name": workspace, "name": "Owner", "email": email, "password": PASSWORD });
        let resp = self
            .call(Method::POST, "/api/v1/auth/signup", None, Some(body))
            .await
            .expect(201);
        self.session_from(&resp.body, email).await
    }

    /// Signs in with email and the test password.
    pub async fn login(&self, email: &str) -> Resp {
        let body = json!({ "email": email, "password": PASSWORD });
        self.call(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await
    }

    /// Invites `email` with `role` as `inviter` and accepts; returns the new member's session.
    pub async fn add_member(&self, inviter: &Session, email: &str, role: &str) -> Session {
        let invite = self
            .post(
                "/api/v1/team/invitations",
                &inviter.access,
                json!({ "email": email, "role": role }),
            )
            .await
            .expect(201);
        let token = invite.body["token"].as_str().unwrap().to_string();
        let body =
            json!({ "token": token, "name": format!("Member {email}"), "password": PASSWORD });
        let resp = self
            .call(Method::POST, "/api/v1/invitations/accept", None, Some(body))
            .await
            .expect(201);
        self.session_from(&resp.body, email).await
    }

    /// Creates an API key as `admin`; returns its secret.
    pub async fn api_key(&self, admin: &Session, name: &str) -> String {
        let resp = self
            .post("/api/v1/api-keys", &admin.access, json!({ "name": name }))
            .await
            .expect(201);
        resp.body["secret"].as_str().unwrap().to_string()
    }

    /// The newest messages of a conversation as the member's API answers them, oldest first.
    pub async fn messages_of(&self, member: &Session, conversation_id: &str) -> Vec<Value> {
        let path = format!("/api/v1/conversations/{conversation_id}/messages");
        let page = self.get(&path, &member.access).await.expect(200);
        page.body["items"].as_array().cloned().unwrap_or_default()
    }

    /// `field` of every item of the page at `path` (a `{items: [...]}` answer), as strings.
    pub async fn item_field(&self, path: &str, token: &str, field: &str) -> Vec<String> {
        let page = self.get(path, token).await.expect(200);
        page.body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| item[field].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The widget key of the signed-in member's workspace.
    pub async fn widget_key(&self, member: &Session) -> String {
        let me = self.get("/api/v1/me", &member.access).await.expect(200);
        me.body["tenant"]["widget_key"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A visitor says `text` in the widget; returns the socket and the conversation's id.
    pub async fn visitor_says(
        &self,
        widget_key: &str,
        text: &str,
    ) -> (crate::sockets::VisitorSocket, String) {
        let mut visitor = crate::sockets::VisitorSocket::connect(self, widget_key, None).await;
        let ack = visitor.say(text).await;
        let conversation = ack["conversation_id"].as_str().unwrap().to_string();
        (visitor, conversation)
    }

    async fn session_from(&self, tokens: &Value, email: &str) -> Session {
        let access = tokens["access_token"].as_str().unwrap().to_string();
        let me = self.get("/api/v1/me", &access).await.expect(200);
        Session {
            refresh: tokens["refresh_token"].as_str().unwrap().to_string(),
            user_id: me.body["user"]["id"].as_str().unwrap().to_string(),
            tenant_id: me.body["tenant"]["id"].as_str().unwrap().to_string(),
            email: email.to_string(),
            access,
        }
    }
}

/// An HTTP client for the tests (after installing the TLS provider the product's reqwest
/// build requires).
pub fn http_client() -> reqwest::Client {
    switchboard_api::domain::whatsapp::graph::install_tls_provider();
    reqwest::Client::new()
}

/// A unique email for this test run.
pub fn email(tag: &str) -> String {
    format!(
        "{tag}-{}@example.com",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    )
}

pub async fn into_resp(response: reqwest::Response) -> Resp {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
        text,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary, waits for its "listening on" line and returns the process and port.
fn start_process(
    database_url: &str,
    data_dir: &std::path::Path,
    env: &[(String, String)],
) -> (Child, u16, mpsc::Receiver<String>, mpsc::Receiver<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIND", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", data_dir)
        .env("DEMO_SEED", "0")
        .env("DASHBOARD_DIR", data_dir.join("no-dashboard"))
        .env(
            "LOG",
            std::env::var("TEST_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("cannot start the api binary");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = child.stderr.take().unwrap();
    let (log_tx, logs) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            eprintln!("{line}");
            // A test that does not read the logs has dropped nothing: keep echoing.
            let _ = log_tx.send(line);
        }
    });
    let port = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!(
                    "the server did not start; exit status: {:?}",
                    child.try_wait()
                )
            });
        if let Some(rest) = line.strip_prefix("Switchboard listening on http://127.0.0.1:") {
            break rest.trim().parse().unwrap();
        }
    };
    (child, port, rx, logs)
}

/// Writes what a process killed between a commit and the event's numbering leaves behind: a
/// committed `agent.availability` event without a number, dated `at`, straight into the
/// database (the server's own staging function).
pub fn stage_unnumbered_event(database_url: &str, tenant_id: &str, at: chrono::NaiveDateTime) {
    use switchboard_api::db::Db;
    use switchboard_api::store::events::{stage, NewEventRecord};

    let db = Db::connect(database_url, 1).expect("test database");
    let left = NewEventRecord {
        tenant_id: tenant_id.to_string(),
        seq: None,
        kind: "agent.availability".into(),
        at,
        conversation_id: None,
        visitor_id: None,
        data: json!({ "user_id": "left-behind", "availability": "away" }).to_string(),
    };
    db.write_blocking(move |conn| Ok(stage(conn, vec![left])?))
        .expect("stage");
}

/// A real 1x1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Uploads `bytes` as `name` with a member's token.
pub async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    declared: &str,
) -> Resp {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(declared)
            .unwrap(),
    );
    let response = app
        .client
        .post(format!("{}/api/v1/attachments", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Resp {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or_default(),
        text,
    }
}
