//! The WhatsApp Cloud API (Meta's Graph API), as the product calls it: send a message, look up
//! and download a customer's media, list the business's templates. The base URL with its
//! version is a setting (`WHATSAPP_GRAPH_URL`), so the tests point this same client at a local
//! server speaking the same protocol.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// Meta's error codes the product acts on.
pub mod codes {
    /// Re-engagement: more than 24 hours since the customer's last message.
    pub const WINDOW_CLOSED: i64 = 131047;
    /// The business number's throughput limit.
    pub const THROUGHPUT: i64 = 130429;
    /// Too many messages to the same customer in a short time.
    pub const PAIR_RATE: i64 = 131056;
    /// Generic rate limit (application level).
    pub const APP_RATE: i64 = 4;
    /// Temporary errors Meta asks to retry.
    pub const TEMPORARY: [i64; 3] = [1, 2, 131000];
}

/// A refusal or failure of a Graph API call.
#[derive(Debug, Clone)]
pub struct GraphError {
    /// Meta's error code, when it answered with one.
    pub code: Option<i64>,
    /// What happened, in Meta's words (with its details), or the transport failure.
    pub message: String,
}

impl GraphError {
    /// Worth trying again later: rate limits, Meta's temporary errors, no answer at all, 5xx.
    pub fn retryable(&self) -> bool {
        match self.code {
            Some(c) => {
                c == codes::THROUGHPUT
                    || c == codes::PAIR_RATE
                    || c == codes::APP_RATE
                    || codes::TEMPORARY.contains(&c)
            }
            None => true,
        }
    }

    fn transport(error: reqwest::Error) -> Self {
        GraphError {
            code: None,
            message: format!("WhatsApp could not be reached: {error}"),
        }
    }
}

/// Meta's error body: `{"error": {"message", "code", "error_data": {"details"}}}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorFields,
}

#[derive(Deserialize)]
struct ErrorFields {
    message: Option<String>,
    code: Option<i64>,
    error_data: Option<ErrorData>,
}

#[derive(Deserialize)]
struct ErrorData {
    details: Option<String>,
}

/// A file to upload for a send.
pub struct UploadFile {
    pub bytes: Vec<u8>,
    pub filename: String,
    pub content_type: String,
}

/// A media object's temporary download link.
#[derive(Debug, Deserialize)]
pub struct MediaInfo {
    pub url: String,
    #[serde(default)]
    pub mime_type: Option<String>,
}

/// Makes ring the process's TLS crypto provider. reqwest is built without one (its default,
/// aws-lc-rs, needs cmake to build), so every process that builds a reqwest client — the
/// server, and the tests and benchmarks that share its reqwest build — calls this first.
/// A second call does nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The HTTP client with its base URL; cheap to clone.
#[derive(Clone)]
pub struct Graph {
    http: reqwest::Client,
    base: String,
}

impl Graph {
    /// A client for `base` (e.g. `https://graph.facebook.com/v21.0`).
    pub fn new(base: &str) -> anyhow::Result<Graph> {
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Graph {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// `POST /{phone-number-id}/messages`; Meta's id of the sent message.
    pub async fn send(
        &self,
        token: &str,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<String, GraphError> {
        let url = format!("{}/{}/messages", self.base, phone_number_id);
        let answer: Value = self
            .call(self.http.post(url).bearer_auth(token).json(body))
            .await?;
        answer["messages"][0]["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| GraphError {
                code: None,
                message: "WhatsApp accepted the message but returned no message id.".into(),
            })
    }

    /// `POST /{phone-number-id}/media`: uploads a file for a send; Meta's media id, which a
    /// message then names instead of a link, so Meta never needs to reach our server.
    pub async fn upload(
        &self,
        token: &str,
        phone_number_id: &str,
        file: UploadFile,
    ) -> Result<String, GraphError> {
        let url = format!("{}/{}/media", self.base, phone_number_id);
        // Meta lists supported types bare ("text/plain", not "text/plain; charset=utf-8").
        let mime = file
            .content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let part = reqwest::multipart::Part::bytes(file.bytes)
            .file_name(file.filename)
            .mime_str(&mime)
            .map_err(|e| GraphError {
                code: Some(0),
                message: format!("The file's type cannot be sent: {e}"),
            })?;
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", mime)
            .part("file", part);
        let answer: Value = self
            .call(self.http.post(url).bearer_auth(token).multipart(form))
            .await?;
        answer["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| GraphError {
                code: None,
                message: "WhatsApp accepted the file but returned no media id.".into(),
            })
    }

    /// `GET /{media-id}`: where to download a customer's media (the link lasts minutes).
    pub async fn media(&self, token: &str, media_id: &str) -> Result<MediaInfo, GraphError> {
        let url = format!("{}/{}", self.base, media_id);
        self.call(self.http.get(url).bearer_auth(token)).await
    }

    /// Downloads media from its link (with the bearer token, as Meta requires), at most
    /// `limit` bytes.
    pub async fn download(
        &self,
        token: &str,
        url: &str,
        limit: usize,
    ) -> Result<Vec<u8>, GraphError> {
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(GraphError::transport)?;
        if !response.status().is_success() {
            return Err(error_of(response).await);
        }
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(too_large(limit));
        }
        let bytes = response.bytes().await.map_err(GraphError::transport)?;
        if bytes.len() > limit {
            return Err(too_large(limit));
        }
        Ok(bytes.to_vec())
    }

    /// `GET /{waba-id}/message_templates`: the business account's templates.
    pub async fn templates(&self, token: &str, waba_id: &str) -> Result<Value, GraphError> {
        let url = format!(
            "{}/{}/message_templates?fields=name,language,status,category,components&limit=200",
            self.base, waba_id
        );
        self.call(self.http.get(url).bearer_auth(token)).await
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, GraphError> {
        let response = request.send().await.map_err(GraphError::transport)?;
        if !response.status().is_success() {
            return Err(error_of(response).await);
        }
        response.json().await.map_err(|e| GraphError {
            code: None,
            message: format!("WhatsApp answered something unexpected: {e}"),
        })
    }
}

fn too_large(limit: usize) -> GraphError {
    GraphError {
        // Not worth retrying: the file will not shrink.
        code: Some(0),
        message: format!(
            "The file is larger than the {} MB allowed.",
            limit / (1024 * 1024)
        ),
    }
}

/// Meta's error from a non-2xx answer, in plain words.
async fn error_of(response: reqwest::Response) -> GraphError {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => {
            let e = body.error;
            let mut message = e.message.unwrap_or_else(|| format!("HTTP {status}"));
            if let Some(details) = e.error_data.and_then(|d| d.details) {
                message = format!("{message} ({details})");
            }
            GraphError {
                code: e.code.or_else(|| status.is_server_error().then_some(2)),
                message,
            }
        }
        Err(_) => GraphError {
            code: (!status.is_server_error()).then_some(i64::from(status.as_u16())),
            message: format!("WhatsApp answered HTTP {status}."),
        },
    }
}
