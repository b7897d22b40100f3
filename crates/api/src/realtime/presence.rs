//! Ties a visitor socket's life to its presence row.

use crate::domain::presence::{self, Page};
use crate::domain::visitor_chat::VisitorCtx;
use crate::error::AppError;
use crate::state::AppState;

/// The presence of one visitor socket; created on its first `page` frame.
pub struct PresenceGuard {
    state: AppState,
    ctx: VisitorCtx,
    id: Option<String>,
}

impl PresenceGuard {
    /// No presence yet: a visitor is live once they report a page.
    pub fn new(state: &AppState, ctx: &VisitorCtx) -> Self {
        PresenceGuard {
            state: state.clone(),
            ctx: ctx.clone(),
            id: None,
        }
    }

    /// Reports the page the visitor is on.
    pub async fn page(
        &mut self,
        url: String,
        title: Option<String>,
        referrer: Option<String>,
    ) -> Result<(), AppError> {
        let id = presence::report_page(
            &self.state,
            &self.ctx,
            self.id.clone(),
            Page {
                url,
                title,
                referrer,
            },
        )
        .await?;
        self.id = Some(id);
        Ok(())
    }

    /// The socket closed.
    pub async fn leave(&mut self) {
        if let Some(id) = self.id.take() {
            if let Err(error) = presence::depart(&self.state, &self.ctx, id).await {
                tracing::warn!(%error, "could not record a visitor leaving");
            }
        }
    }
}
