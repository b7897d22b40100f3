//! Ties a visitor socket's life to its presence row.

use crate::domain::presence::{self, Page};
use crate::domain::visitor_chat::VisitorCtx;
use crate::error::AppError;
use crate::state::AppState;

/// The presence of one visitor socket; created on its first `page` frame (until then there is
/// none: a visitor is live once they report a page).
#[derive(Default)]
pub struct PresenceGuard {
    id: Option<String>,
}

impl PresenceGuard {
    /// Reports the page the visitor is on.
    pub async fn page(
        &mut self,
        state: &AppState,
        ctx: &VisitorCtx,
        url: String,
        title: Option<String>,
        referrer: Option<String>,
    ) -> Result<(), AppError> {
        let id = presence::report_page(
            state,
            ctx,
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
    pub async fn leave(&mut self, state: &AppState, ctx: &VisitorCtx) {
        if let Some(id) = self.id.take() {
            if let Err(error) = presence::depart(state, ctx, id).await {
                tracing::warn!(%error, "could not record a visitor leaving");
            }
        }
    }
}
