//! WebSocket clients for tests: the widget's visitor socket and the dashboard's event socket.

#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use crate::helpers::TestApp;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for a frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// A visitor connected through the widget socket.
pub struct VisitorSocket {
    pub ws: Ws,
    pub token: String,
    pub visitor_id: String,
    pub welcome: Value,
}

impl VisitorSocket {
    /// Connects as a new visitor (no token) or a returning one.
    pub async fn connect(app: &TestApp, widget_key: &str, token: Option<&str>) -> VisitorSocket {
        let mut url = format!(
            "ws://127.0.0.1:{}/api/widget/v1/ws?key={widget_key}",
            app.port
        );
        if let Some(token) = token {
            url.push_str(&format!("&token={token}"));
        }
        let (ws, _) = connect_async(url)
            .await
            .expect("widget socket did not open");
        let mut socket = VisitorSocket {
            ws,
            token: String::new(),
            visitor_id: String::new(),
            welcome: Value::Null,
        };
        let welcome = socket.recv_type("welcome").await;
        socket.token = welcome["token"].as_str().unwrap().to_string();
        socket.visitor_id = welcome["visitor_id"].as_str().unwrap().to_string();
        socket.welcome = welcome;
        socket
    }

    /// Sends a JSON frame; false if the socket is gone.
    pub async fn try_send(&mut self, frame: Value) -> bool {
        self.ws.send(Message::text(frame.to_string())).await.is_ok()
    }

    /// The next frame of the given type, or `None` if the socket closes or nothing comes in time.
    pub async fn try_recv_type(&mut self, kind: &str, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let message = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??
                .ok()?;
            if let Message::Text(text) = message {
                let frame: Value = serde_json::from_str(&text).ok()?;
                if frame["type"] == kind {
                    return Some(frame);
                }
            }
        }
    }

    /// Sends a JSON frame.
    pub async fn send(&mut self, frame: Value) {
        self.ws
            .send(Message::text(frame.to_string()))
            .await
            .expect("send failed");
    }

    /// The next JSON frame (pings are answered by the library).
    pub async fn recv(&mut self) -> Value {
        next_json(&mut self.ws).await
    }

    /// The next frame of the given type, skipping others.
    pub async fn recv_type(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.recv().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// The next message frame written by someone else (the visitor's own messages are echoed
    /// to all of the visitor's tabs).
    pub async fn recv_reply(&mut self) -> Value {
        loop {
            let frame = self.recv_type("message").await;
            if frame["message"]["sender"] != "customer" {
                return frame;
            }
        }
    }

    /// Reads the answers to `sent` messages sent at once: how many were acknowledged and how
    /// many refused as `rate_limited` (any other refusal fails the test).
    pub async fn acks_and_rate_limits(&mut self, sent: usize) -> (usize, usize) {
        let (mut acked, mut limited) = (0, 0);
        while acked + limited < sent {
            let frame = self.recv().await;
            match frame["type"].as_str() {
                Some("ack") => acked += 1,
                Some("error") => {
                    assert_eq!(frame["code"], "rate_limited", "{frame}");
                    limited += 1;
                }
                _ => {}
            }
        }
        (acked, limited)
    }

    /// Sends a text message and returns its acknowledgement.
    pub async fn say(&mut self, text: &str) -> Value {
        let client_id = uuid::Uuid::new_v4().to_string();
        self.send(json!({ "type": "message", "client_id": client_id, "text": text }))
            .await;
        loop {
            let frame = self.recv().await;
            if frame["type"] == "ack" && frame["client_id"] == client_id.as_str() {
                return frame;
            }
            assert_ne!(frame["type"], "error", "message refused: {frame}");
        }
    }
}

/// A dashboard's event socket.
pub struct EventSocket {
    pub ws: Ws,
    pub hello: Value,
}

impl EventSocket {
    /// Connects with an access token (or API key), optionally resuming after `since`.
    pub async fn connect(app: &TestApp, token: &str, since: Option<i64>) -> EventSocket {
        let mut url = format!(
            "ws://127.0.0.1:{}/api/v1/events?access_token={token}",
            app.port
        );
        if let Some(since) = since {
            url.push_str(&format!("&since={since}"));
        }
        let (mut ws, _) = connect_async(url).await.expect("event socket did not open");
        let hello = next_json(&mut ws).await;
        assert_eq!(hello["type"], "hello", "{hello}");
        EventSocket { ws, hello }
    }

    /// The next frame.
    pub async fn recv(&mut self) -> Value {
        next_json(&mut self.ws).await
    }

    /// The next event of the given type, skipping others.
    pub async fn recv_type(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.recv().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }
}

/// The next text frame as JSON; panics on timeout or close.
pub async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let message = tokio::time::timeout(FRAME_TIMEOUT, ws.next())
            .await
            .expect("no frame within the timeout")
            .expect("socket closed")
            .expect("socket error");
        match message {
            Message::Text(text) => return serde_json::from_str(&text).expect("frame is not JSON"),
            Message::Close(frame) => panic!("socket closed: {frame:?}"),
            _ => continue,
        }
    }
}

/// Waits for the socket to close; returns the close code.
pub async fn closed_with(ws: &mut Ws) -> Option<u16> {
    loop {
        match tokio::time::timeout(FRAME_TIMEOUT, ws.next())
            .await
            .expect("no close within the timeout")
        {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}
