//! Who is calling: a signed-in team member or an integrator's API key, always within one tenant.

use switchboard_types::{Role, Section, TenantId};

use crate::error::AppError;

/// The authenticated caller. Every service that touches tenant data takes one, so the tenant
/// filter cannot be forgotten.
#[derive(Debug, Clone)]
pub struct Member {
    /// The caller's tenant; every query filters on it.
    pub tenant_id: TenantId,
    /// The caller's role (API keys act with an admin's rights).
    pub role: Role,
    /// Who exactly is calling.
    pub actor: Actor,
}

/// The identity behind a request.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A team member signed in on one session.
    User {
        user_id: String,
        session_id: String,
        email: String,
        name: String,
    },
    /// An integrator's API key.
    ApiKey { key_id: String, name: String },
}

impl Member {
    /// 403 unless the role may open `section`.
    pub fn require_section(&self, section: Section) -> Result<(), AppError> {
        if self.role.may_open(section) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "Your role ({}) cannot open {}.",
                self.role.as_str(),
                section.label()
            )))
        }
    }

    /// 403 unless the role is at least `role`.
    pub fn require_role(&self, role: Role) -> Result<(), AppError> {
        if self.role.at_least(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "Only {}s can do this; your role is {}.",
                role.as_str(),
                self.role.as_str()
            )))
        }
    }

    /// The signed-in member's user id; API keys act for the workspace, not for a person.
    pub fn user_id(&self) -> Result<&str, AppError> {
        match &self.actor {
            Actor::User { user_id, .. } => Ok(user_id),
            Actor::ApiKey { .. } => Err(AppError::Forbidden(
                "This action is done by a signed-in team member; API keys cannot do it.".into(),
            )),
        }
    }

    /// The user id when a person is calling.
    pub fn user_id_opt(&self) -> Option<&str> {
        self.user_id().ok()
    }

    /// `(kind, id, label)` for the audit log.
    pub fn audit_identity(&self) -> (&'static str, String, String) {
        match &self.actor {
            Actor::User { user_id, email, .. } => ("user", user_id.clone(), email.clone()),
            Actor::ApiKey { key_id, name } => ("api_key", key_id.clone(), name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> Member {
        Member {
            tenant_id: "t".into(),
            role,
            actor: Actor::User {
                user_id: "u".into(),
                session_id: "s".into(),
                email: "a@b.c".into(),
                name: "A".into(),
            },
        }
    }

    #[test]
    fn sections_are_enforced_per_role() {
        assert!(member(Role::Agent).require_section(Section::Leads).is_ok());
        assert!(member(Role::Agent).require_section(Section::Team).is_err());
        assert!(member(Role::Admin).require_section(Section::Team).is_ok());
        assert!(member(Role::Admin)
            .require_section(Section::Billing)
            .is_err());
        assert!(member(Role::Owner)
            .require_section(Section::Billing)
            .is_ok());
    }

    #[test]
    fn api_keys_have_no_user() {
        let key = Member {
            tenant_id: "t".into(),
            role: Role::Admin,
            actor: Actor::ApiKey {
                key_id: "k".into(),
                name: "zapier".into(),
            },
        };
        assert!(key.user_id().is_err());
        assert_eq!(key.audit_identity().0, "api_key");
    }
}
