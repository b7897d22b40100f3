//! Group commit for SQLite: one writer thread owns the write connection and runs every write
//! queued meanwhile inside a single transaction, each in its own savepoint. Under load, a
//! thousand messages cost one commit instead of a thousand; alone, a write is a transaction of
//! its own as before. Results are handed back only after the commit, so nothing is acknowledged
//! that could still be rolled back.

use std::sync::mpsc;

use diesel::Connection;

use super::DbConnection;
use crate::error::AppError;

/// Most writes folded into one transaction.
const MAX_BATCH: usize = 256;

/// What a queued write hands back: a callback told whether the batch committed.
type Deliver = Box<dyn FnOnce(bool) + Send>;
type Job = Box<dyn FnOnce(&mut DbConnection) -> Deliver + Send>;

/// The queue in front of the writer thread.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread on `conn`.
    pub fn start(mut conn: DbConnection) -> std::io::Result<GroupCommit> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match queue.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    run_batch(&mut conn, batch);
                }
            })?;
        Ok(GroupCommit { jobs })
    }

    /// Queues `work` and waits (asynchronously) for the batch holding it to commit.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(work, move |result| {
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
        self.submit(work, move |result| {
            let _ = tx.send(result);
        })?;
        rx.recv()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the SQLite writer stopped")))?
    }

    fn submit<T, F>(
        &self,
        work: F,
        reply: impl FnOnce(Result<T, AppError>) + Send + 'static,
    ) -> Result<(), AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let job: Job = Box::new(move |conn| {
            // A savepoint: a failing write rolls back alone, the rest of the batch commits.
            let result = conn.transaction(work);
            Box::new(move |committed| {
                reply(if committed {
                    result
                } else {
                    Err(AppError::Internal(anyhow::anyhow!(
                        "the transaction did not commit"
                    )))
                })
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the SQLite writer stopped")))
    }
}

fn run_batch(conn: &mut DbConnection, batch: Vec<Job>) {
    let mut delivers = Vec::with_capacity(batch.len());
    let outcome = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for job in batch {
            delivers.push(job(conn));
        }
        Ok(())
    });
    if let Err(error) = &outcome {
        tracing::error!(%error, "a batch of writes failed to commit");
    }
    for deliver in delivers {
        deliver(outcome.is_ok());
    }
}
