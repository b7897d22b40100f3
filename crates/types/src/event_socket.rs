//! The dashboard's event socket (`GET /api/v1/events`): the frames it carries besides events,
//! and the close codes a dashboard acts on. Events themselves are [`crate::events::Event`].

use serde::{Deserialize, Serialize};

/// What the server sends besides events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// The first frame: the tenant's latest event number. Replayed events (after `since`)
    /// follow it, then live ones.
    Hello {
        /// The latest event number.
        seq: i64,
    },
    /// Events were missed that cannot be replayed: refetch whatever is shown.
    Resync {
        /// The latest event number, when the server knows it (on connect).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<i64>,
        /// Why, for logs (the socket fell behind, events were missed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The answer to [`ClientFrame::Ping`].
    Pong,
}

/// What a dashboard sends on its event socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Application-level heartbeat; answered with [`Notice::Pong`].
    Ping,
}

/// Close codes of the event socket and what the dashboard does on each.
pub mod close {
    /// The access token expired: refresh it and reconnect with `since`.
    pub const TOKEN_EXPIRED: u16 = 4001;
    /// The session ended (signed out elsewhere, deactivated): sign in again.
    pub const SESSION_ENDED: u16 = 4003;
    /// The socket fell too far behind (it was sent `resync` first): reconnect without `since`.
    pub const FELL_BEHIND: u16 = 4008;
    /// The server is restarting (RFC 6455's 1012): reconnect with `since` after a moment.
    pub const SERVER_RESTARTING: u16 = 1012;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_have_their_documented_wire_form() {
        let hello = serde_json::to_string(&Notice::Hello { seq: 7 }).unwrap();
        assert_eq!(hello, r#"{"type":"hello","seq":7}"#);
        let resync = Notice::Resync {
            seq: None,
            reason: Some("events were missed".into()),
        };
        assert_eq!(
            serde_json::to_string(&resync).unwrap(),
            r#"{"type":"resync","reason":"events were missed"}"#
        );
        let parsed: Notice = serde_json::from_str(r#"{"type":"resync","seq":3}"#).unwrap();
        assert_eq!(
            parsed,
            Notice::Resync {
                seq: Some(3),
                reason: None
            }
        );
        let ping: ClientFrame = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
        assert_eq!(ping, ClientFrame::Ping);
    }
}
