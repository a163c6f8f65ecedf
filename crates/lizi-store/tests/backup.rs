//! Backups of a store that is being written: the copy holds everything answered before the
//! backup began, passes SQLite's integrity check, and opens as a store.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lizi_store::{check_backup, Op, Store, StoreConfig, StoreError};

fn dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lizi-backup-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn config(dir: &std::path::Path) -> StoreConfig {
    StoreConfig {
        sweep_every: Duration::from_secs(3600),
        ..StoreConfig::new(dir)
    }
}

fn doc(i: u64) -> Op {
    Op::Doc {
        kind: "note".into(),
        key: format!("{i:08}"),
        body: Some(format!("{{\"n\":{i}}}")),
    }
}

#[test]
fn a_backup_during_writes_holds_every_answered_write() {
    let dir = dir("burst");
    let store = Store::open(config(&dir)).unwrap();
    // Four writers, each counting the writes answered so far.
    let stop = Arc::new(AtomicBool::new(false));
    let answered: Arc<Vec<AtomicU64>> = Arc::new((0..4).map(|_| AtomicU64::new(0)).collect());
    let writers: Vec<_> = (0..4u64)
        .map(|writer| {
            let (store, stop, answered) = (store.clone(), stop.clone(), answered.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    store
                        .write(vec![doc(writer * 10_000_000 + n)])
                        .wait_blocking()
                        .unwrap();
                    n += 1;
                    answered[writer as usize].store(n, Ordering::Release);
                }
            })
        })
        .collect();
    while answered.iter().any(|a| a.load(Ordering::Acquire) < 200) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let before: Vec<u64> = answered.iter().map(|a| a.load(Ordering::Acquire)).collect();
    let copy = dir.join("copy.db");
    let info = store.backup_to(&copy).unwrap();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }
    assert!(info.journal_record > 0, "{info:?}");
    assert_eq!(check_backup(&copy).unwrap(), info);
    assert!(
        !dir.join("copy.db-wal").exists(),
        "the copy is one self-contained file"
    );

    let connection = rusqlite::Connection::open(&copy).unwrap();
    for (writer, count) in before.iter().enumerate() {
        let (present, low): (i64, String) = connection
            .query_row(
                "SELECT count(*), min(key) FROM docs WHERE kind = 'note' AND key >= ?1 AND key < ?2",
                [
                    format!("{:08}", writer as u64 * 10_000_000),
                    format!("{:08}", writer as u64 * 10_000_000 + count),
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            present as u64, *count,
            "writer {writer}: answered {count}, copied {present}"
        );
        assert_eq!(low, format!("{:08}", writer as u64 * 10_000_000));
    }
    drop(connection);
    store.close();

    // Restoring is opening a folder that holds the copy as its database.
    let restored = dir.join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&copy, restored.join("lizi.db")).unwrap();
    let store = Store::open(config(&restored)).unwrap();
    let notes = store
        .load_docs()
        .unwrap()
        .into_iter()
        .filter(|(kind, _, _)| kind == "note")
        .count() as u64;
    assert!(notes >= before.iter().sum::<u64>());
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_backup_refuses_an_existing_file_and_a_memory_store() {
    let dir = dir("refusals");
    let store = Store::open(config(&dir)).unwrap();
    let existing = dir.join("existing");
    std::fs::write(&existing, b"keep me").unwrap();
    assert!(matches!(store.backup_to(&existing), Err(StoreError::Io(_))));
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    store.close();

    let memory = Store::open(StoreConfig::memory()).unwrap();
    let nowhere = dir.join("nowhere.db");
    let error = memory.backup_to(&nowhere).unwrap_err();
    assert!(error.to_string().contains("memory"), "{error}");
    assert!(!nowhere.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_handed_out_backup_leaves_nothing_in_the_data_folder() {
    let dir = dir("handout");
    let store = Store::open(config(&dir)).unwrap();
    store.write(vec![doc(1)]).wait_blocking().unwrap();
    let (mut file, info) = store.backup_file().unwrap();
    assert!(
        !dir.join("lizi.backup").exists(),
        "removed before it is read"
    );
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).unwrap();
    assert_eq!(bytes.len() as u64, info.bytes);
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}
