//! Group commit for SQLite: one writer thread owns the write connection and runs every write
//! queued meanwhile inside a single transaction, each in its own savepoint. Under load, a
//! thousand messages cost one commit instead of a thousand; alone, a write is a transaction of
//! its own as before. Results are handed back only after the commit, so nothing is acknowledged
//! that could still be rolled back.
//!
//! A savepoint is not free: SQLite copies every page a write touches into a journal first, in
//! case the savepoint is rolled back (a sixth of the writer's time at 2,000 messages a second).
//! A write that can only fail before it changes anything, or through the engine itself, may go
//! without one ([`Guard::None`]); if it does fail, the whole batch rolls back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use super::DbConnection;
use crate::error::AppError;

/// Most writes folded into one transaction.
const MAX_BATCH: usize = 256;
/// How often the log is copied into the database beside the writer.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// Most copying passes of one background checkpoint.
const CHECKPOINT_PASSES: usize = 3;
/// Frames left uncopied after which another pass is not worth it: the writer's finishing step
/// then costs its two fsyncs and little copying.
const SMALL_REST: i32 = 64;
/// Log length (frames, 4 KiB each) past which the writer finishes a checkpoint so the log
/// starts over: about half a second of writes at 2,000 messages/s (8,000 frames a second).
const RESTART_AFTER_FRAMES: i32 = 4096;
/// The write-ahead log size past which the writer restarts it itself.
const LOG_LIMIT: u64 = 256 * 1024 * 1024;
/// How long a busy writer waits to gather more writes into one commit.
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);

/// What a queued write hands back: a callback told whether the batch committed.
type Deliver = Box<dyn FnOnce(bool) + Send>;
type Job = Box<dyn FnOnce(&mut DbConnection) -> Ran + Send>;

/// A write that has run, waiting for its batch's outcome.
struct Ran {
    deliver: Deliver,
    /// It failed outside a savepoint, so what it changed cannot be undone alone: the batch must
    /// roll back.
    spoiled: bool,
}

/// Whether a write runs in a savepoint of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// A failing write rolls back alone; the rest of its batch commits.
    Savepoint,
    /// For a write that returns an error only before it has changed anything or when the
    /// engine itself fails (I/O, a full disk). Such an error rolls back its whole batch: every
    /// write in it is answered with an error and nothing of it is stored, as when a commit fails.
    None,
}

/// The queue in front of the writer thread.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
    /// Set when a background checkpoint has copied a long log, for the writer to finish the copy
    /// so the log starts over; see [`finish_checkpoint`].
    finish_wanted: Arc<AtomicBool>,
    /// The database file and its write-ahead log.
    files: [std::path::PathBuf; 2],
}

impl GroupCommit {
    /// Starts the writer thread on `conn`, the connection to the database file `database`.
    pub fn start(mut conn: DbConnection, database: &str) -> std::io::Result<GroupCommit> {
        // The write-ahead log is watched to keep it bounded.
        let wal_path = std::path::PathBuf::from(format!("{database}-wal"));
        let files = [database.into(), wal_path.clone()];
        let (jobs, queue) = mpsc::channel::<Job>();
        let finish_wanted = Arc::new(AtomicBool::new(false));
        let finish_now = finish_wanted.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let mut busy = false;
                while let Ok(first) = queue.recv() {
                    let batch = collect_batch(&queue, first, busy);
                    busy = batch.len() > 1;
                    run_batch(&mut conn, batch);
                    if finish_now.swap(false, Ordering::AcqRel) {
                        finish_checkpoint(&mut conn);
                    }
                    bound_log(&mut conn, &wal_path);
                }
            })?;
        Ok(GroupCommit {
            jobs,
            finish_wanted,
            files,
        })
    }

    /// Starts the thread that checkpoints beside the writer, every [`CHECKPOINT_EVERY`] on a
    /// connection from `connect`, until the writer is gone. Its own thread rather than the
    /// blocking pool: a checkpoint syncs files and can take tens of milliseconds, and the pool's
    /// threads serve requests' reads.
    pub fn start_checkpoints<C>(
        &self,
        connect: impl Fn() -> Option<C> + Send + 'static,
    ) -> std::io::Result<()>
    where
        C: std::ops::DerefMut<Target = DbConnection>,
    {
        let finish_wanted = Arc::downgrade(&self.finish_wanted);
        let files = self.files.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || loop {
                std::thread::sleep(CHECKPOINT_EVERY);
                let Some(finish_wanted) = finish_wanted.upgrade() else {
                    return;
                };
                let Some(mut conn) = connect() else { continue };
                if let DbConnection::Sqlite(conn) = &mut *conn {
                    match checkpoint_beside(conn) {
                        Ok(true) => {
                            sync_beside(&files);
                            finish_wanted.store(true, Ordering::Release)
                        }
                        Ok(false) => {}
                        Err(error) => tracing::warn!(%error, "checkpoint failed"),
                    }
                }
            })?;
        Ok(())
    }

    /// Queues `work` and waits (asynchronously) for the batch holding it to commit. Once it
    /// has, `after_commit` runs on the writer thread, in commit order, before the caller wakes;
    /// it may take what it needs out of the value.
    pub async fn write<T, F, A>(
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
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(guard, work, move |mut result| {
            if let Ok(value) = &mut result {
                after_commit(value);
            }
            let _ = tx.send(result);
        })?;
        rx.await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the SQLite writer stopped")))?
    }

    /// Queues `work` and blocks the current thread until its batch commits.
    pub fn write_blocking<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        self.submit(Guard::Savepoint, work, move |result| {
            let _ = tx.send(result);
        })?;
        rx.recv()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the SQLite writer stopped")))?
    }

    fn submit<T, F>(
        &self,
        guard: Guard,
        work: F,
        reply: impl FnOnce(Result<T, AppError>) + Send + 'static,
    ) -> Result<(), AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let job: Job = Box::new(move |conn| {
            let result = match guard {
                // A savepoint: a failing write rolls back alone, the rest of the batch commits.
                Guard::Savepoint => conn.transaction(work),
                Guard::None => work(conn),
            };
            let spoiled = guard == Guard::None && result.is_err();
            let deliver: Deliver = Box::new(move |committed| {
                reply(if committed {
                    result
                } else {
                    // A write's own error says more than the batch's.
                    result.and_then(|_| {
                        Err(AppError::Internal(anyhow::anyhow!(
                            "the transaction did not commit"
                        )))
                    })
                })
            });
            Ran { deliver, spoiled }
        });
        self.jobs
            .send(job)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the SQLite writer stopped")))
    }
}

/// Takes what is queued; when writes are arriving concurrently (`busy`), also waits up to
/// [`GATHER`] for more, so that a steady stream commits in batches rather than one by one (each
/// commit writes the touched pages to the log again). A lone write never waits.
fn collect_batch(queue: &mpsc::Receiver<Job>, first: Job, busy: bool) -> Vec<Job> {
    let mut batch = vec![first];
    let deadline = std::time::Instant::now() + GATHER;
    while batch.len() < MAX_BATCH {
        let next = if busy {
            queue
                .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
                .ok()
        } else {
            queue.try_recv().ok()
        };
        match next {
            Some(job) => batch.push(job),
            None => break,
        }
    }
    batch
}

/// Background checkpoints (see [`GroupCommit::start_checkpoints`]) copy the log into the
/// database beside the writer, but under a steady stream of writes they never reach the log's
/// end, so the log is never restarted: it grows to hundreds of megabytes and every commit
/// appends to a cold file. Between two batches nothing else writes, so a checkpoint here
/// reaches the end and the next commit starts the log over. Run right after a background
/// checkpoint's last pass, it has only a little to copy; what it costs is its two fsyncs, about
/// twice a second at 2,000 messages/s, short because the checkpoint thread has just written
/// both files out ([`sync_beside`]; without that, p99 73 ms instead of 40-52). Restarting less
/// often is worse: a longer log costs every commit more (p99 at 2,000 messages/s: 39-54 ms
/// restarting at 16 MiB, 51 at 64 MiB, 191 when only the 256 MiB bound restarts it).
fn finish_checkpoint(conn: &mut DbConnection) {
    use diesel::connection::SimpleConnection;
    if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
        tracing::warn!(%error, "checkpointing from the writer failed");
    }
}

/// Checkpoints normally run beside the writer (see [`GroupCommit::start_checkpoints`]), so
/// their fsync never stalls writes. Under a sustained burst they cannot catch up, and the log
/// would grow without end; past [`LOG_LIMIT`] the writer itself restarts the log, pausing
/// writes once. It also truncates the file: the size is how the log is watched, and a restarted
/// log keeps its size.
fn bound_log(conn: &mut DbConnection, wal_path: &std::path::Path) {
    use diesel::connection::SimpleConnection;
    let size = std::fs::metadata(wal_path).map(|m| m.len()).unwrap_or(0);
    if size > LOG_LIMIT {
        if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)") {
            tracing::warn!(%error, "restarting the write-ahead log failed");
        }
    }
}

/// Copies the log into the database beside the writer, and says whether the log is now long
/// enough for the writer to finish the copy so that it starts over. The writer keeps appending
/// meanwhile, so one pass leaves behind what was written during it; each further pass copies
/// what the previous one left, a geometrically smaller rest, so the writer's part is short.
/// (Finishing after every single pass, 4 times a second, paused the writer 12-14 ms each time
/// at 2,000 messages/s.)
fn checkpoint_beside(conn: &mut SqliteConnection) -> Result<bool, diesel::result::Error> {
    let mut report = passive_checkpoint(conn)?;
    for _ in 1..CHECKPOINT_PASSES {
        if report.log - report.checkpointed <= SMALL_REST {
            break;
        }
        report = passive_checkpoint(conn)?;
    }
    Ok(report.log >= RESTART_AFTER_FRAMES)
}

/// Writes out what the checkpoint copied into the database and what the log holds, before the
/// writer finishes the checkpoint: SQLite syncs both files in that step, on the writer's
/// thread, and with nothing left to write those syncs are short. (A passive checkpoint that
/// does not reach the log's end syncs the log before copying but never the database, so the
/// writer's sync used to write out half a second of copied pages while every write waited.)
fn sync_beside(files: &[std::path::PathBuf]) {
    for path in files {
        if let Err(error) = std::fs::File::open(path).and_then(|f| f.sync_data()) {
            tracing::warn!(%error, path = %path.display(), "syncing before a checkpoint failed");
        }
    }
}

/// What `PRAGMA wal_checkpoint` reports: frames in the log, and how many of them are copied.
#[derive(diesel::QueryableByName)]
struct CheckpointReport {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    checkpointed: i32,
}

fn passive_checkpoint(
    conn: &mut SqliteConnection,
) -> Result<CheckpointReport, diesel::result::Error> {
    use diesel::RunQueryDsl;
    diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)
}

fn run_batch(conn: &mut DbConnection, batch: Vec<Job>) {
    let mut delivers = Vec::with_capacity(batch.len());
    let outcome = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let mut spoiled = false;
        for job in batch {
            let ran = job(conn);
            spoiled |= ran.spoiled;
            delivers.push(ran.deliver);
        }
        if spoiled {
            return Err(diesel::result::Error::RollbackTransaction);
        }
        Ok(())
    });
    match &outcome {
        Ok(()) => {}
        Err(diesel::result::Error::RollbackTransaction) => {
            tracing::warn!("a write without a savepoint failed: its whole batch was rolled back")
        }
        Err(error) => tracing::error!(%error, "a batch of writes failed to commit"),
    }
    for deliver in delivers {
        deliver(outcome.is_ok());
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::RunQueryDsl;

    use super::*;

    /// A writer on a fresh database file with one table whose values must be unique, whose
    /// thread is busy with a first write until `go` is sent, so the writes submitted meanwhile
    /// are committed together in the next batch.
    fn held_writer() -> (
        GroupCommit,
        tempfile::TempDir,
        tokio::sync::oneshot::Receiver<()>,
        std::sync::mpsc::Sender<()>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let path = path.to_str().unwrap();
        let mut conn = DbConnection::establish(path).unwrap();
        conn.batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER UNIQUE);")
            .unwrap();
        let writer = GroupCommit::start(conn, path).unwrap();
        let (held, released) = tokio::sync::oneshot::channel();
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        writer
            .submit(
                Guard::Savepoint,
                move |_| {
                    let _ = started.send(());
                    let _ = wait.recv_timeout(std::time::Duration::from_secs(10));
                    Ok(())
                },
                move |_: Result<(), AppError>| {
                    let _ = held.send(());
                },
            )
            .unwrap();
        // Until the holding write runs, the writer may still take the next writes into its
        // batch (CI once committed the first test write with it).
        running
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        (writer, dir, released, go)
    }

    fn insert(conn: &mut DbConnection, x: i64) -> Result<(), AppError> {
        diesel::sql_query(format!("INSERT INTO t (x) VALUES ({x})")).execute(conn)?;
        Ok(())
    }

    fn stored(writer: &GroupCommit) -> Vec<i64> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            x: i64,
        }
        writer
            .write_blocking(|conn| {
                let rows: Vec<Row> = diesel::sql_query("SELECT x FROM t ORDER BY x").load(conn)?;
                Ok(rows.into_iter().map(|r| r.x).collect())
            })
            .unwrap()
    }

    /// Both writes fail after inserting a row: as in `insert(1)` then `insert(1)` again.
    fn insert_then_fail(x: i64) -> impl FnOnce(&mut DbConnection) -> Result<(), AppError> {
        move |conn| {
            insert(conn, x)?;
            insert(conn, 1)
        }
    }

    #[tokio::test]
    async fn a_failing_write_in_a_savepoint_rolls_back_alone() {
        let (writer, _dir, released, go) = held_writer();
        // join! polls in order: the three writes are submitted before the writer is let go.
        let (first, failing, last, ()) = tokio::join!(
            writer.write(Guard::Savepoint, |conn| insert(conn, 1), |_| {}),
            writer.write(Guard::Savepoint, insert_then_fail(2), |_| {}),
            writer.write(Guard::Savepoint, |conn| insert(conn, 3), |_| {}),
            async { go.send(()).unwrap() },
        );
        released.await.unwrap();
        assert!(first.is_ok() && last.is_ok());
        assert!(failing.is_err());
        assert_eq!(stored(&writer), vec![1, 3]);
    }

    #[tokio::test]
    async fn a_failing_write_without_a_savepoint_rolls_back_its_batch() {
        let (writer, _dir, released, go) = held_writer();
        let (first, failing, last, ()) = tokio::join!(
            writer.write(Guard::None, |conn| insert(conn, 1), |_| {}),
            writer.write(Guard::None, insert_then_fail(2), |_| {}),
            writer.write(Guard::Savepoint, |conn| insert(conn, 3), |_| {}),
            async { go.send(()).unwrap() },
        );
        released.await.unwrap();
        let failed = format!("{:?}", failing.unwrap_err());
        assert!(failed.contains("UNIQUE"), "its own error: {failed}");
        assert!(first.is_err() && last.is_err(), "{first:?} {last:?}");
        assert_eq!(stored(&writer), Vec::<i64>::new());
        // The writer goes on: the next batch commits.
        writer
            .write(Guard::None, |conn| insert(conn, 4), |_| {})
            .await
            .unwrap();
        assert_eq!(stored(&writer), vec![4]);
    }
}
