//! The database: one connection type for SQLite (embedded default) and PostgreSQL, a pool, the
//! embedded migrations, and the two ways handlers' services reach it (`read` and `write`), both on
//! actix's blocking pool so diesel never blocks an async worker.

pub mod group_commit;
pub mod maintenance;
pub mod schema;
mod sqlite_planner;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use group_commit::GroupCommit;
pub use group_commit::Guard;

use crate::error::AppError;

/// One connection type for both backends. PostgreSQL comes first: diesel tries the variants in
/// order, and any URL that is not `postgres://` would otherwise be taken as a SQLite path.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs a diesel query on the engine's own connection inside the [`DbConnection`]: `$c` is the
/// `PgConnection` or the `SqliteConnection`, and `$body` is compiled once for each. Why: through
/// the MultiConnection wrapper every execution builds the statement's SQL text again (to hand
/// it to the inner connection), even when the prepared statement is cached; on the engine's own
/// connection a cached statement is found by its type and only its values are bound. For the
/// statements of every visitor message (a sixth of SQLite's writer went to building SQL text).
#[macro_export]
macro_rules! on_engine {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Which database engine the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

type DbPool = Pool<ConnectionManager<DbConnection>>;

/// The pool plus what the services need to know about the engine behind it.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    backend: Backend,
    /// SQLite allows one writer at a time, so writes go to one dedicated connection on its own
    /// thread, which commits whatever queued up together (group commit). Writers never meet
    /// SQLite's sleeping busy handler, and the writer's page cache stays warm, since a
    /// connection's own commits do not invalidate it. `None` on PostgreSQL.
    sqlite_writer: Option<GroupCommit>,
}

/// Sets what every pooled connection needs: SQLite's pragmas, PostgreSQL's session settings.
#[derive(Debug)]
struct SessionSettings;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            // busy_timeout first: the pool opens several connections at once. WAL mode itself
            // is persistent and was set once when the file was opened (`check_reachable`).
            // Memory-mapped reads share the OS page cache across the pool's connections.
            // No automatic checkpoints: one would run on the writer thread and stall every write
            // queued behind its fsync. `GroupCommit::start_checkpoints` runs them beside the
            // writer instead, and the writer bounds the log only if a long burst outruns them.
            // Temporary data in memory: the writer runs each write of a batch in a savepoint, and
            // SQLite keeps the pages a savepoint may have to restore in a statement journal that
            // otherwise spills to a temporary file past 64 KiB — at 2,000 messages a second that
            // was 100,000 small file writes a second, most of the writer's time.
            conn.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA mmap_size = 268435456; PRAGMA wal_autocheckpoint = 0; \
                 PRAGMA temp_store = MEMORY;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        if let DbConnection::Postgresql(conn) = conn {
            // Ask the kernel to write out the data pages this connection's backend writes
            // (evicting them from PostgreSQL's buffers) every 256 kB, instead of leaving them
            // dirty: otherwise the kernel writes 30 s of a busy database's growth at once, and
            // every commit waits behind that burst (p99 of visitor messages at 2,000/s went
            // from 20-47 ms to 13-15 ms). A per-session setting any role may change; a server
            // that cannot do it keeps its default.
            if let Err(error) = conn.batch_execute("SET backend_flush_after = '256kB'") {
                tracing::debug!(%error, "backend_flush_after not set");
            }
        }
        Ok(())
    }
}

impl Db {
    /// Connects, runs pending migrations and returns the pool. `url` is `postgres://...` or a
    /// SQLite file path. Fails with the real connection error instead of diesel's generic one.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let backend = backend_of(url);
        check_reachable(url, backend)?;
        // SQLite readers are cheap and every commit invalidates their caches: keep few.
        let pool_size = if backend == Backend::Sqlite {
            pool_size.min(4)
        } else {
            pool_size
        };
        let pool = Pool::builder()
            .max_size(pool_size)
            // No `SELECT 1` before every use: it is one more round trip per transaction (a
            // tenth of PostgreSQL's work per visitor message). A connection that broke is
            // noticed when used and discarded on return instead.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .connection_customizer(Box::new(SessionSettings))
            .build(ConnectionManager::<DbConnection>::new(url))?;
        let sqlite_writer = match backend {
            Backend::Sqlite => {
                let mut writer =
                    sqlite_planner::with_stable_plans(|| DbConnection::establish(url))?;
                SessionSettings.on_acquire(&mut writer)?;
                Some(GroupCommit::start(writer, url)?)
            }
            Backend::Postgres => None,
        };
        let db = Db {
            pool,
            backend,
            sqlite_writer,
        };
        db.migrate()?;
        if let Some(writer) = &db.sqlite_writer {
            let pool = db.pool.clone();
            writer.start_checkpoints(move || pool.get().ok())?;
        }
        Ok(db)
    }

    /// The engine behind this pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get()?;
        match &mut *conn {
            DbConnection::Sqlite(conn) => {
                conn.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map_err(|e| anyhow::anyhow!("migrating SQLite: {e}"))?;
            }
            DbConnection::Postgresql(conn) => {
                // Several processes may start at once against one database: migrate one at a time.
                conn.batch_execute("SELECT pg_advisory_lock(7320113)")?;
                let result = conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
                conn.batch_execute("SELECT pg_advisory_unlock(7320113)")?;
                result.map_err(|e| anyhow::anyhow!("migrating PostgreSQL: {e}"))?;
            }
        }
        Ok(())
    }

    /// A pooled connection for use on the current (blocking) thread.
    pub fn conn(&self) -> Result<PooledConnection<ConnectionManager<DbConnection>>, AppError> {
        self.pool.get().map_err(AppError::from)
    }

    /// Runs read-only work on the blocking pool.
    pub async fn read<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking pool: {e}")))?
    }

    /// Runs `work` in one transaction on the blocking pool; it commits if `work` returns `Ok`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        self.write_then(work, |_| {}).await
    }

    /// [`Db::write`], then `after_commit` once the transaction has committed. On SQLite it runs
    /// on the writer thread in commit order, which is how events leave in sequence order.
    pub async fn write_then<T, F, A>(&self, work: F, after_commit: A) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        A: FnOnce(&mut T) + Send + 'static,
    {
        self.write_with(Guard::Savepoint, work, after_commit).await
    }

    /// [`Db::write_then`] choosing whether the write gets a savepoint of its own on SQLite (see
    /// [`Guard`]); on PostgreSQL every write is a transaction of its own either way.
    pub async fn write_with<T, F, A>(
        &self,
        guard: Guard,
        work: F,
        after_commit: A,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        A: FnOnce(&mut T) + Send + 'static,
    {
        if let Some(writer) = &self.sqlite_writer {
            return writer.write(guard, work, after_commit).await;
        }
        let db = self.clone();
        actix_web::web::block(move || {
            let mut result = db.write_blocking(work);
            if let Ok(value) = &mut result {
                after_commit(value);
            }
            result
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking pool: {e}")))?
    }

    /// Runs `work`, which changes data only through statements that are each atomic on their
    /// own (a single statement or a database function), on the blocking pool. PostgreSQL runs
    /// it without `BEGIN` and `COMMIT`: two round trips fewer, which on a busy database is most
    /// of the cost of a small write. SQLite runs it on the writer like any write.
    pub async fn write_in_one_statement<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        if self.sqlite_writer.is_some() {
            return self.write(work).await;
        }
        self.read(work).await
    }

    /// `write` for code already on a blocking thread.
    pub fn write_blocking<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        match &self.sqlite_writer {
            Some(writer) => writer.write_blocking(work),
            None => {
                let mut conn = self.conn()?;
                let conn: &mut DbConnection = &mut conn;
                conn.transaction(work)
            }
        }
    }

    /// Whether the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        self.read(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await
        .is_ok()
    }
}

/// `postgres://` and `postgresql://` URLs are PostgreSQL; anything else is a SQLite file path.
pub fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Connects once directly, because a failing MultiConnection only says "invalid connection url".
fn check_reachable(url: &str, backend: Backend) -> anyhow::Result<()> {
    match backend {
        Backend::Postgres => {
            PgConnection::establish(url)
                .map_err(|e| anyhow::anyhow!("cannot connect to PostgreSQL: {e}"))?;
        }
        Backend::Sqlite => {
            if let Some(dir) = std::path::Path::new(url).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            let mut conn = SqliteConnection::establish(url)
                .map_err(|e| anyhow::anyhow!("cannot open SQLite database {url}: {e}"))?;
            conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")?;
        }
    }
    Ok(())
}
