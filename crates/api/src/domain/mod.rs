//! The product's rules, one module per area. Services take plain values, run one transaction and
//! return domain values; they never see HTTP types.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod demo;
pub mod member;
pub mod secrets;
pub mod settings;
pub mod team;
pub mod validate;

/// Facts about the request that the audit log and sign-in throttling need.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The client's address.
    pub ip: Option<String>,
    /// The client's `User-Agent`, truncated.
    pub user_agent: Option<String>,
}
