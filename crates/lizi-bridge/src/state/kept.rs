//! [`Kept`]: one kind of the bridge's records, kept as documents in lizi's store and looked
//! up one at a time by key (an indexed read, through the store's cache bounded by bytes:
//! `history_cache_bytes`), never all loaded into memory. Messages, their XLZ ids, requests,
//! files, pictures and names are each a `Kept` kind ([`super::identity`],
//! [`super::requests`], [`super::files`], [`super::media`], [`super::names`]), so the
//! bridge's memory does not grow with what it has seen.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use lizi_store::{Op, Store, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The records of one document kind, as `T`.
#[derive(Debug)]
pub struct Kept<T> {
    store: Arc<Store>,
    kind: &'static str,
    records: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> Kept<T> {
    /// The records of `kind` in `store`.
    pub fn new(store: Arc<Store>, kind: &'static str) -> Kept<T> {
        Kept {
            store,
            kind,
            records: PhantomData,
        }
    }

    /// The record `key`, if kept (one that no longer reads as `T` is logged and skipped).
    pub fn get(&self, key: &str) -> Result<Option<T>, StoreError> {
        let Some(body) = self.store.doc(self.kind, key)? else {
            return Ok(None);
        };
        Ok(self.read(key, &body))
    }

    /// Every record of the kind, by key (for the small kinds loaded at start, and for
    /// upgrading an older data folder).
    pub fn all(&self) -> Result<Vec<(String, T)>, StoreError> {
        let docs = self.store.docs_of(self.kind)?;
        Ok(docs
            .into_iter()
            .filter_map(|(key, body)| Some((key.clone(), self.read(&key, &body)?)))
            .collect())
    }

    fn read(&self, key: &str, body: &str) -> Option<T> {
        match serde_json::from_str(body) {
            Ok(record) => Some(record),
            Err(error) => {
                tracing::warn!(
                    kind = self.kind,
                    key,
                    "skipping a bad bridge record: {error}"
                );
                None
            }
        }
    }

    /// The op that keeps `record` under `key`.
    pub fn put(&self, key: String, record: &T) -> Op {
        Op::Doc {
            kind: Cow::Borrowed(self.kind),
            key,
            body: serde_json::to_string(record).ok(),
        }
    }

    /// The op that forgets the record `key`.
    pub fn remove(&self, key: String) -> Op {
        Op::Doc {
            kind: Cow::Borrowed(self.kind),
            key,
            body: None,
        }
    }

    /// The store the records are kept in.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }
}

/// A lookup whose store read failed, as the failure an XLZ request answers.
pub fn read_failed(error: StoreError) -> lizi_core::Failure {
    lizi_core::Failure::new(
        lizi_core::FailureKind::Internal,
        format!("reading lizi's store failed: {error}"),
    )
}

/// A lookup whose store read failed, logged and taken as not found (for events, which
/// are converted all the same).
pub fn or_unknown<T>(found: Result<Option<T>, StoreError>, what: &str) -> Option<T> {
    found.unwrap_or_else(|error| {
        tracing::warn!("onebot bridge: reading {what} from lizi's store: {error}");
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_store::StoreConfig;

    #[tokio::test]
    async fn records_are_kept_and_found_by_key() {
        let store = Store::open(StoreConfig::memory()).expect("a store");
        let kept: Kept<Vec<u32>> = Kept::new(store.clone(), "test_record");
        store
            .write(vec![
                kept.put("a".into(), &vec![1, 2]),
                kept.put("b".into(), &vec![3]),
            ])
            .wait()
            .await
            .expect("written");
        assert_eq!(kept.get("a").expect("read"), Some(vec![1, 2]));
        assert_eq!(kept.get("c").expect("read"), None);
        store
            .write(vec![
                kept.remove("a".into()),
                Op::Doc {
                    kind: "test_record".into(),
                    key: "bad".into(),
                    body: Some("not json".into()),
                },
            ])
            .wait()
            .await
            .expect("written");
        assert_eq!(kept.get("bad").expect("read"), None);
        assert_eq!(kept.all().expect("read"), vec![("b".into(), vec![3])]);
    }
}
