//! What can go wrong with a request, and how to say it to a person.

use std::collections::HashMap;

use switchboard_types::error::ErrorDetail;

/// A failed request.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, server down, DNS...).
    Network,
    /// The server answered with its documented error body.
    Server { status: u16, error: ErrorDetail },
    /// The server answered with something that is not our JSON (a proxy page, a crash).
    Unexpected { status: u16 },
    /// There is no usable session any more; the app is on its way to the sign-in screen.
    SignedOut,
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } | ApiError::Unexpected { status } => Some(*status),
            ApiError::Network | ApiError::SignedOut => None,
        }
    }

    /// One sentence a person can act on. The server's messages are written for people, so
    /// they are shown as they are.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => {
                "Cannot reach the server. Check your connection and try again.".into()
            }
            ApiError::Server { error, .. } => error.message.clone(),
            ApiError::Unexpected { status } if *status >= 500 => {
                format!("The server ran into a problem (HTTP {status}). Try again in a moment.")
            }
            ApiError::Unexpected { status } => {
                format!("The server gave an answer we did not understand (HTTP {status}).")
            }
            ApiError::SignedOut => "Your session has ended. Sign in again.".into(),
        }
    }

    /// Per-field messages of a validation failure (`details.fields`), keyed by field name.
    pub fn field_errors(&self) -> HashMap<String, String> {
        let ApiError::Server { error, .. } = self else {
            return HashMap::new();
        };
        let Some(fields) = error.details.get("fields").and_then(|f| f.as_object()) else {
            return HashMap::new();
        };
        fields
            .iter()
            .filter_map(|(name, msg)| Some((name.clone(), sentence(msg.as_str()?))))
            .collect()
    }
}

/// The server words field messages as fragments ("must be at least 10 characters") so they
/// can follow a field name; under an input they read better as a sentence.
fn sentence(fragment: &str) -> String {
    let mut chars = fragment.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
