//! Periodic work every server process does: numbering events left unnumbered (a process died
//! between commit and numbering), pruning old events, and on PostgreSQL with autovacuum off, its
//! vacuum and analyze (`db::maintenance`).

use std::time::Duration;

use chrono::Duration as ChronoDuration;

use crate::clock::now;
use crate::db::maintenance;
use crate::state::AppState;
use crate::store;

/// Runs forever on the server's runtime.
pub async fn run(state: AppState) {
    let mut tick = actix_web::rt::time::interval(Duration::from_secs(1));
    let mut seconds: u64 = 0;
    // Prune about twice per retention period, at most hourly.
    let prune_every = (state.config.event_retention.as_secs() / 2).clamp(1, 3600);
    let maintain_every = state.config.db_maintenance_every.as_secs();
    loop {
        tick.tick().await;
        state.sequencer.sweep().await;
        if seconds.is_multiple_of(10) {
            heartbeat(&state).await;
        }
        if seconds.is_multiple_of(prune_every) {
            prune_events(&state).await;
        }
        if seconds.is_multiple_of(maintain_every) {
            maintain_tables(&state).await;
        }
        seconds += 1;
    }
}

/// Says this process is alive (its visitors and members at the dashboard count as live) and
/// forgets dead processes.
pub async fn heartbeat(state: &AppState) {
    let process_id = state.process_id.clone();
    let result = state
        .db
        .write(move |conn| {
            let at = now();
            store::presence::heartbeat(conn, &process_id, at)?;
            let stale =
                at - ChronoDuration::seconds(crate::domain::people::PROCESS_ALIVE_SECONDS * 2);
            Ok(store::presence::sweep_dead_processes(conn, stale)?)
        })
        .await;
    if let Err(error) = result {
        tracing::warn!(%error, "process heartbeat failed");
    }
}

async fn prune_events(state: &AppState) {
    let retention =
        ChronoDuration::from_std(state.config.event_retention).unwrap_or(ChronoDuration::days(7));
    let before = now() - retention;
    match state
        .db
        .write(move |conn| Ok(store::events::prune(conn, before)?))
        .await
    {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "pruned old events"),
        Err(error) => tracing::warn!(%error, "pruning events failed"),
    }
}

/// Vacuums and analyzes what autovacuum would, if it is off (PostgreSQL; nothing on SQLite).
async fn maintain_tables(state: &AppState) {
    let result = state.db.read(|conn| Ok(maintenance::run_due(conn)?)).await;
    match result {
        Ok(ran) if ran.is_empty() => {}
        Ok(ran) => tracing::debug!(?ran, "autovacuum is off: vacuumed and analyzed tables"),
        Err(error) => tracing::warn!(%error, "vacuum or analyze failed"),
    }
}
