//! Sign-up, sign-in (with throttling), token refresh with rotation, sign-out, and turning a
//! bearer credential into a [`Member`].

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;
use switchboard_types::auth::Availability;
use switchboard_types::auth::{AuthTokens, LoginRequest, RefreshRequest, SignupRequest};
use switchboard_types::settings::ReopenPolicy;
use switchboard_types::Role;

use super::audit;
use super::member::{Actor, Member};
use super::secrets::{self, TokenProblem};
use super::{validate, RequestMeta};
use crate::clock::{new_id, now};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{
    self, sessions::Session, tenants::Tenant, throttle::ThrottleRow, users::User, Conn,
};

/// API keys start with this, which is how a bearer credential is told apart from a JWT.
pub const API_KEY_PREFIX: &str = "sbk_";

/// Claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// User id.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Session id; revoking the session kills the token at once.
    pub sid: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
}

const INVALID_CREDENTIALS: &str = "The email or password is incorrect.";
/// Failures are counted within this window; a block lasts this long at first, then doubles.
const THROTTLE_WINDOW_MINUTES: i64 = 15;
const FIRST_BLOCK_SECONDS: i64 = 30;
const LONGEST_BLOCK_SECONDS: i64 = 15 * 60;

/// Creates a tenant and its owner, and signs the owner in.
pub async fn signup(
    state: &AppState,
    req: SignupRequest,
    meta: RequestMeta,
) -> Result<AuthTokens, AppError> {
    let mut v = Violations::default();
    let workspace_name = validate::text(&mut v, "workspace_name", &req.workspace_name, 1, 100);
    let name = validate::text(&mut v, "name", &req.name, 1, 100);
    let email = validate::email(&mut v, "email", &req.email);
    validate::password(&mut v, "password", &req.password);
    let time_zone = validate::time_zone(
        &mut v,
        "time_zone",
        req.time_zone.as_deref().unwrap_or("UTC"),
    );
    v.finish()?;

    let password_hash = hash_off_thread(req.password).await?;
    let state2 = state.clone();
    let (user, session_id, refresh) = state
        .db
        .write(move |conn| {
            ensure_email_free(conn, &email)?;
            let (_tenant, user) = create_workspace(
                conn,
                &workspace_name,
                &time_zone,
                &name,
                &email,
                password_hash,
            )?;
            let (session_id, refresh) = open_session(conn, &state2, &user, &meta)?;
            audit::record_as(
                conn,
                &user.tenant_id,
                user_actor(&user),
                &meta,
                "auth.signup",
                None,
                json!({}),
            )?;
            Ok((user, session_id, refresh))
        })
        .await?;
    tokens(state, &user, &session_id, refresh)
}

/// Inserts a tenant and its owner (used by sign-up and the demo seed).
pub fn create_workspace(
    conn: &mut Conn,
    workspace_name: &str,
    time_zone: &str,
    owner_name: &str,
    owner_email: &str,
    password_hash: String,
) -> Result<(Tenant, User), AppError> {
    let at = now();
    let tenant = Tenant {
        id: new_id().into(),
        name: workspace_name.to_string(),
        time_zone: time_zone.to_string(),
        widget_key: format!("wk_{}", &secrets::random_token()[..24]),
        rating_categories: json!(["Helpful", "Fast", "Friendly", "Knowledgeable"]).to_string(),
        reopen_policy: ReopenPolicy::Reopen,
        plan: "trial".into(),
        event_seq: 0,
        created_at: at,
        widget_settings: "{}".into(),
    };
    store::tenants::insert(conn, &tenant)?;
    store::counters::create_for_tenant(conn, &tenant.id)?;
    let user = User {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        email: owner_email.to_string(),
        name: owner_name.to_string(),
        password_hash,
        role: Role::Owner,
        availability: Availability::Online,
        active: true,
        created_at: at,
        deactivated_at: None,
    };
    store::users::insert(conn, &user)?;
    Ok((tenant, user))
}

/// 409 `email_taken` when an account already signs in with this email.
pub fn ensure_email_free(conn: &mut Conn, email: &str) -> Result<(), AppError> {
    if store::users::find_by_email(conn, email)?.is_some() {
        return Err(AppError::conflict(
            ErrorCode::EmailTaken,
            "An account with this email already exists. Sign in instead.",
            json!({ "field": "email" }),
        ));
    }
    Ok(())
}

/// Signs in with email and password. Wrong credentials always get the same 401; repeated
/// failures from one address or for one account get 429 with the seconds to wait.
pub async fn login(
    state: &AppState,
    req: LoginRequest,
    meta: RequestMeta,
) -> Result<AuthTokens, AppError> {
    let email = req.email.trim().to_lowercase();
    let keys = throttle_keys(&email, &meta);
    let (user, keys) = state
        .db
        .read(move |conn| {
            check_not_blocked(conn, &keys, now())?;
            Ok((store::users::find_by_email(conn, &email)?, keys))
        })
        .await?;

    let password = req.password;
    let verified = actix_web::web::block(move || match user {
        Some(user) if user.active && secrets::verify_password(&user.password_hash, &password) => {
            Some(user)
        }
        Some(_) => None,
        None => {
            secrets::verify_password_of_nobody(&password);
            None
        }
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;

    let state2 = state.clone();
    let config = state.config.clone();
    match verified {
        Some(user) => {
            let (user, session_id, refresh) = state
                .db
                .write(move |conn| {
                    store::throttle::clear(conn, &keys.account)?;
                    let (session_id, refresh) = open_session(conn, &state2, &user, &meta)?;
                    audit::record_as(
                        conn,
                        &user.tenant_id,
                        user_actor(&user),
                        &meta,
                        "auth.login",
                        None,
                        json!({}),
                    )?;
                    Ok((user, session_id, refresh))
                })
                .await?;
            tokens(state, &user, &session_id, refresh)
        }
        None => {
            state
                .db
                .write(move |conn| {
                    let at = now();
                    record_failure(
                        conn,
                        &keys.address,
                        config.login_max_failures_per_address,
                        at,
                    )?;
                    record_failure(
                        conn,
                        &keys.account,
                        config.login_max_failures_per_account,
                        at,
                    )
                })
                .await?;
            Err(AppError::unauthorized(
                ErrorCode::InvalidCredentials,
                INVALID_CREDENTIALS,
            ))
        }
    }
}

struct ThrottleKeys {
    address: String,
    account: String,
}

fn throttle_keys(email: &str, meta: &RequestMeta) -> ThrottleKeys {
    ThrottleKeys {
        address: format!("ip:{}", meta.ip.as_deref().unwrap_or("unknown")),
        account: format!("account:{email}"),
    }
}

fn check_not_blocked(
    conn: &mut Conn,
    keys: &ThrottleKeys,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    for key in [&keys.address, &keys.account] {
        if let Some(blocked_until) = store::throttle::find(conn, key)?.and_then(|r| r.blocked_until)
        {
            if blocked_until > at {
                let wait = (blocked_until - at).num_milliseconds().max(1);
                return Err(AppError::RateLimited {
                    retry_after_secs: ((wait + 999) / 1000) as u64,
                });
            }
        }
    }
    Ok(())
}

/// Counts a failure; from the `max`-th failure in the window on, blocks for a time that doubles
/// with each further failure.
fn record_failure(conn: &mut Conn, key: &str, max: i32, at: NaiveDateTime) -> Result<(), AppError> {
    let window = ChronoDuration::minutes(THROTTLE_WINDOW_MINUTES);
    let mut row = match store::throttle::find(conn, key)? {
        Some(row) if row.window_started_at + window > at => row,
        _ => ThrottleRow {
            key: key.to_string(),
            failures: 0,
            window_started_at: at,
            blocked_until: None,
        },
    };
    row.failures += 1;
    if row.failures >= max {
        row.blocked_until = Some(at + ChronoDuration::seconds(block_seconds(row.failures - max)));
    }
    store::throttle::save(conn, &row)?;
    Ok(())
}

fn block_seconds(failures_past_limit: i32) -> i64 {
    let doublings = failures_past_limit.clamp(0, 10) as u32;
    (FIRST_BLOCK_SECONDS << doublings).min(LONGEST_BLOCK_SECONDS)
}

/// What presenting a refresh token found.
enum Refreshed {
    Renewed(Box<(User, String)>),
    /// The token was replaced moments ago (another tab of the same browser refreshed first).
    Superseded,
    Refused,
}

/// Exchanges a refresh token for new tokens. A token works once: presenting an already used one
/// means it leaked, so the whole session is revoked — unless it was replaced within the grace
/// period, which is two tabs refreshing together: that one is told to use the newer pair.
pub async fn refresh(
    state: &AppState,
    req: RefreshRequest,
    meta: RequestMeta,
) -> Result<AuthTokens, AppError> {
    let refused = || {
        AppError::unauthorized(
            ErrorCode::InvalidRefreshToken,
            "Your session has ended. Sign in again.",
        )
    };
    let (session_id, _) = req.refresh_token.split_once('.').ok_or_else(refused)?;
    let session_id = session_id.to_string();
    let presented = secrets::token_hash(&req.refresh_token);
    let new_refresh = format!("{session_id}.{}", secrets::random_token());
    let new_hash = secrets::token_hash(&new_refresh);
    let grace = chrono::Duration::from_std(state.config.refresh_reuse_grace).unwrap_or_default();
    let outcome = state
        .db
        .write(move |conn| {
            let at = now();
            let Some(session) = store::sessions::find(conn, &session_id)? else {
                return Ok(Refreshed::Refused);
            };
            if session.revoked_at.is_some() || session.expires_at <= at {
                return Ok(Refreshed::Refused);
            }
            let reused = session.previous_refresh_hash.as_deref() == Some(presented.as_str());
            if reused && session.last_used_at + grace > at {
                return Ok(Refreshed::Superseded);
            }
            if reused {
                store::sessions::revoke(conn, &session.tenant_id, &session.id, at)?;
                let actor = ("user", Some(session.user_id.clone()), None);
                audit::record_as(
                    conn,
                    &session.tenant_id,
                    actor,
                    &meta,
                    "auth.refresh_reuse_detected",
                    None,
                    json!({}),
                )?;
                return Ok(Refreshed::Refused);
            }
            if !store::sessions::rotate(conn, &session.id, &presented, &new_hash, at)? {
                return Ok(Refreshed::Refused);
            }
            let user = store::sessions::live_member(
                conn,
                &session.tenant_id,
                &session.user_id,
                &session.id,
                at,
            )?;
            Ok(match user {
                Some(user) => Refreshed::Renewed(Box::new((user, session.id))),
                None => Refreshed::Refused,
            })
        })
        .await?;
    match outcome {
        Refreshed::Renewed(renewed) => {
            let (user, session_id) = *renewed;
            tokens(state, &user, &session_id, new_refresh)
        }
        Refreshed::Superseded => Err(AppError::conflict(
            ErrorCode::RefreshTokenSuperseded,
            "This refresh token was just replaced by a newer one; use the newest tokens.",
            json!({}),
        )),
        Refreshed::Refused => Err(refused()),
    }
}

/// Signs out: the session's access and refresh tokens stop working.
pub async fn logout(state: &AppState, member: &Member, meta: RequestMeta) -> Result<(), AppError> {
    let Actor::User { session_id, .. } = &member.actor else {
        return Err(AppError::Forbidden(
            "API keys are revoked, not signed out.".into(),
        ));
    };
    let (member, session_id) = (member.clone(), session_id.clone());
    state
        .db
        .write(move |conn| {
            store::sessions::revoke(conn, &member.tenant_id, &session_id, now())?;
            audit::record(conn, &member, &meta, "auth.logout", None, json!({}))
        })
        .await
}

/// Turns an `Authorization: Bearer` credential into the calling member, or 401.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<Member, AppError> {
    if bearer.starts_with(API_KEY_PREFIX) {
        return authenticate_api_key(state, bearer).await;
    }
    let claims: AccessClaims = state.jwt.verify(bearer).map_err(|problem| match problem {
        TokenProblem::Expired => AppError::unauthorized(
            ErrorCode::TokenExpired,
            "Your access token expired. Refresh it.",
        ),
        TokenProblem::Invalid => {
            AppError::unauthorized(ErrorCode::Unauthorized, "Sign in to continue.")
        }
    })?;
    let user = state
        .db
        .read(move |conn| {
            let user = store::sessions::live_member(
                conn,
                &claims.tid.clone().into(),
                &claims.sub,
                &claims.sid,
                now(),
            )?;
            Ok(user.map(|u| (u, claims.sid)))
        })
        .await?;
    let (user, session_id) = user.ok_or_else(|| {
        AppError::unauthorized(
            ErrorCode::SessionRevoked,
            "Your session has ended. Sign in again.",
        )
    })?;
    let role = Some(user.role).ok_or_else(|| anyhow::anyhow!("unknown role {:?}", user.role))?;
    Ok(Member {
        tenant_id: user.tenant_id,
        role,
        actor: Actor::User {
            user_id: user.id,
            session_id,
            email: user.email,
            name: user.name,
        },
    })
}

async fn authenticate_api_key(state: &AppState, secret: &str) -> Result<Member, AppError> {
    let hash = secrets::token_hash(secret);
    let key = state
        .db
        .read(move |conn| Ok(store::api_keys::find_live_by_hash(conn, &hash)?))
        .await?
        .ok_or_else(|| {
            AppError::unauthorized(
                ErrorCode::InvalidApiKey,
                "This API key is not valid or was revoked.",
            )
        })?;
    Ok(Member {
        tenant_id: key.tenant_id,
        role: Role::Admin,
        actor: Actor::ApiKey {
            key_id: key.id,
            name: key.name,
        },
    })
}

/// Hashes on the blocking pool: argon2 takes tens of milliseconds by design.
pub async fn hash_off_thread(password: String) -> Result<String, AppError> {
    actix_web::web::block(move || secrets::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(AppError::Internal)
}

/// Opens a session for `user` and returns its id and first refresh token.
pub fn open_session(
    conn: &mut Conn,
    state: &AppState,
    user: &User,
    meta: &RequestMeta,
) -> Result<(String, String), AppError> {
    let at = now();
    let session_id = new_id();
    let refresh = format!("{session_id}.{}", secrets::random_token());
    let ttl = ChronoDuration::from_std(state.config.refresh_token_ttl)
        .unwrap_or(ChronoDuration::days(30));
    store::sessions::insert(
        conn,
        &Session {
            id: session_id.clone(),
            tenant_id: user.tenant_id.clone(),
            user_id: user.id.clone(),
            refresh_hash: secrets::token_hash(&refresh),
            previous_refresh_hash: None,
            ip: meta.ip.clone(),
            user_agent: meta.user_agent.clone(),
            created_at: at,
            last_used_at: at,
            expires_at: at + ttl,
            revoked_at: None,
        },
    )?;
    Ok((session_id, refresh))
}

/// Signs a fresh access token for the session and packs it with the refresh token.
pub fn tokens(
    state: &AppState,
    user: &User,
    session_id: &str,
    refresh_token: String,
) -> Result<AuthTokens, AppError> {
    let issued = chrono::Utc::now().timestamp();
    let ttl = state.config.access_token_ttl.as_secs() as i64;
    let claims = AccessClaims {
        sub: user.id.clone(),
        tid: user.tenant_id.to_string(),
        sid: session_id.to_string(),
        exp: issued + ttl,
        iat: issued,
    };
    Ok(AuthTokens {
        access_token: state.jwt.sign(&claims)?,
        token_type: "Bearer".into(),
        expires_in: ttl,
        refresh_token,
    })
}

/// The audit actor for a user acting before a [`Member`] exists (sign-in, sign-up).
pub fn user_actor(user: &User) -> (&'static str, Option<String>, Option<String>) {
    ("user", Some(user.id.clone()), Some(user.email.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_double_and_are_capped() {
        assert_eq!(block_seconds(0), 30);
        assert_eq!(block_seconds(1), 60);
        assert_eq!(block_seconds(3), 240);
        assert_eq!(block_seconds(50), LONGEST_BLOCK_SECONDS);
    }
}
