//! Flushing the write-ahead log to disk beside the writer, for `flush = full`.
//!
//! SQLite with `synchronous=FULL` waits for the disk inside every commit, so the writer
//! can do nothing else meanwhile. Instead the writer commits without waiting
//! (`synchronous=NORMAL`) and hands each committed batch to this thread, which flushes the
//! log file and only then publishes the batch's events and answers its requests. While
//! one batch is being flushed the writer already commits the next, and one flush covers
//! every batch committed before it started. A request is still answered only once its
//! writes are on disk.

use std::fs::File;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Weak;
use std::thread::JoinHandle;

use crate::store::{finish, Store};
use crate::writer::Committed;
use crate::StoreError;

/// Starts the syncer for the log at `wal`; it ends when its sender is dropped.
pub(crate) fn spawn(
    store: Weak<Store>,
    wal: PathBuf,
) -> Result<(mpsc::Sender<Committed>, JoinHandle<()>), StoreError> {
    let (sender, batches) = mpsc::channel::<Committed>();
    let thread = std::thread::Builder::new()
        .name("lizi-syncer".into())
        .spawn(move || {
            let mut log: Option<File> = None;
            while let Ok(first) = batches.recv() {
                let mut group = vec![first];
                while let Ok(batch) = batches.try_recv() {
                    group.push(batch);
                }
                let flushed = if group.iter().any(|b| b.result.is_ok()) {
                    flush(&mut log, &wal)
                } else {
                    Ok(())
                };
                if let Err(error) = &flushed {
                    tracing::error!("flushing the write-ahead log failed: {error}");
                }
                for mut batch in group {
                    if let (Err(error), Ok(())) = (&flushed, &batch.result) {
                        batch.result = Err(error.clone());
                    }
                    finish(&store, batch);
                }
            }
        })
        .map_err(|e| StoreError::Io(format!("starting the syncer: {e}")))?;
    Ok((sender, thread))
}

/// Flushes the log file's data to disk, opening it on first use.
fn flush(log: &mut Option<File>, wal: &PathBuf) -> Result<(), StoreError> {
    if log.is_none() {
        let file =
            File::open(wal).map_err(|e| StoreError::Io(format!("{}: {e}", wal.display())))?;
        *log = Some(file);
    }
    match log {
        Some(file) => file
            .sync_data()
            .map_err(|e| StoreError::Io(format!("flushing {}: {e}", wal.display()))),
        None => Ok(()),
    }
}
