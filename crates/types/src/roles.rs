//! Roles and the dashboard sections each may open. This table is the permission matrix of the
//! product guide; the server enforces it on every endpoint and the dashboard draws its sidebar
//! from the list the server returns in `GET /api/v1/me`.

use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

/// A team member's role. There is always exactly one owner per tenant.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Handles conversations.
    Agent,
    /// Runs the team, the knowledge base and the settings.
    Admin,
    /// Everything an admin does, plus billing and ownership.
    Owner,
}

wire_names!(Role { Agent => "agent", Admin => "admin", Owner => "owner" });

/// A section of the dashboard (one sidebar entry).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Key metrics at a glance.
    Overview,
    /// Live customer conversations.
    Conversations,
    /// Follow-up tickets.
    Tickets,
    /// Captured leads.
    Leads,
    /// Detailed metrics.
    Analytics,
    /// Customer ratings and comments.
    Reviews,
    /// Questions the AI could not answer.
    KnowledgeGaps,
    /// Public help articles.
    HelpCenter,
    /// Knowledge base documents.
    Documents,
    /// Channels and integrations (widget, WhatsApp, API keys).
    Connectors,
    /// Members, invitations and roles.
    Team,
    /// Workspace settings.
    Settings,
    /// Plan and invoices.
    Billing,
}

impl Section {
    /// Every section, in sidebar order.
    pub const ALL: [Section; 13] = [
        Section::Overview,
        Section::Conversations,
        Section::Tickets,
        Section::Leads,
        Section::Analytics,
        Section::Reviews,
        Section::KnowledgeGaps,
        Section::HelpCenter,
        Section::Documents,
        Section::Connectors,
        Section::Team,
        Section::Settings,
        Section::Billing,
    ];

    /// The label the sidebar shows.
    pub fn label(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Conversations => "Conversations",
            Section::Tickets => "Tickets",
            Section::Leads => "Leads",
            Section::Analytics => "Analytics",
            Section::Reviews => "Reviews",
            Section::KnowledgeGaps => "Knowledge Gaps",
            Section::HelpCenter => "Help Center",
            Section::Documents => "Documents",
            Section::Connectors => "Connectors",
            Section::Team => "Team",
            Section::Settings => "Settings",
            Section::Billing => "Billing",
        }
    }

    /// The URL path segment of the section in the dashboard (`/knowledge-gaps`).
    pub fn slug(self) -> &'static str {
        match self {
            Section::Overview => "overview",
            Section::Conversations => "conversations",
            Section::Tickets => "tickets",
            Section::Leads => "leads",
            Section::Analytics => "analytics",
            Section::Reviews => "reviews",
            Section::KnowledgeGaps => "knowledge-gaps",
            Section::HelpCenter => "help-center",
            Section::Documents => "documents",
            Section::Connectors => "connectors",
            Section::Team => "team",
            Section::Settings => "settings",
            Section::Billing => "billing",
        }
    }

    /// The least role that may open this section (roles are ordered agent < admin < owner).
    pub fn minimum_role(self) -> Role {
        match self {
            Section::Overview | Section::Conversations | Section::Tickets | Section::Leads => {
                Role::Agent
            }
            Section::Billing => Role::Owner,
            _ => Role::Admin,
        }
    }
}

impl Role {
    /// Rank used to compare roles: agent < admin < owner.
    pub fn rank(self) -> u8 {
        match self {
            Role::Agent => 0,
            Role::Admin => 1,
            Role::Owner => 2,
        }
    }

    /// Whether this role has at least the rights of `other`.
    pub fn at_least(self, other: Role) -> bool {
        self.rank() >= other.rank()
    }

    /// Whether this role may open `section`.
    pub fn may_open(self, section: Section) -> bool {
        self.at_least(section.minimum_role())
    }

    /// The sections this role may open, in sidebar order.
    pub fn sections(self) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| self.may_open(*s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidebar_per_role_matches_the_product_guide() {
        use Section::*;
        assert_eq!(
            Role::Agent.sections(),
            vec![Overview, Conversations, Tickets, Leads]
        );
        assert_eq!(
            Role::Admin.sections(),
            vec![
                Overview,
                Conversations,
                Tickets,
                Leads,
                Analytics,
                Reviews,
                KnowledgeGaps,
                HelpCenter,
                Documents,
                Connectors,
                Team,
                Settings
            ]
        );
        assert_eq!(Role::Owner.sections(), Section::ALL.to_vec());
    }

    #[test]
    fn role_names_round_trip() {
        for role in [Role::Agent, Role::Admin, Role::Owner] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
