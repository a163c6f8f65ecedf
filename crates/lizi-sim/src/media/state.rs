//! The backend's media plumbing: the fetcher and public URL the server gives it, storing
//! blobs (once, by content hash) and reading them back for the media route.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock, Weak};

use lizi_core::media::{md5_hex, normal_hash, MediaInfo};
use lizi_core::media::{MediaAccess, MediaBytes, MediaFetcher};
use lizi_core::param::MediaSource;
use lizi_core::{BoxFuture, Event, Failure, FailureKind};
use lizi_store::{Op, Ticket};

use crate::backend::SimBackend;
use crate::error::SimError;
use crate::world::{now, World};

/// What the server gave the backend for media, and blobs kept in memory when the store
/// has no database.
#[derive(Default)]
pub struct MediaState {
    access: MediaAccess,
    this: RwLock<Weak<SimBackend>>,
    memory: RwLock<HashMap<String, Arc<Vec<u8>>>>,
}

/// A blob ready to be stored: its hash, what it is, and the op that stores it.
pub(crate) struct NewBlob {
    /// Upper-case hex MD5.
    pub hash: String,
    /// What it is.
    pub info: MediaInfo,
    /// The bytes, shared with the op.
    bytes: Arc<Vec<u8>>,
}

impl NewBlob {
    /// Hashes and describes `bytes`.
    pub fn new(bytes: Vec<u8>) -> NewBlob {
        NewBlob {
            hash: md5_hex(&bytes),
            info: MediaInfo::of(&bytes, now()),
            bytes: Arc::new(bytes),
        }
    }

    /// Records the blob in the world's media table (first upload wins).
    pub fn record(&self, world: &mut World) {
        if !world.media.contains_key(&self.hash) {
            world.media.insert(self.hash.clone(), self.info.clone());
        }
    }
}

impl SimBackend {
    /// Gives the backend the server's media fetcher and its public base URL
    /// (`http://host:port`, no trailing slash), which the picture and file URLs use.
    pub fn set_media(self: &Arc<Self>, fetcher: Arc<dyn MediaFetcher>, public_base_url: &str) {
        self.media.access.set(fetcher, public_base_url);
        *self
            .media
            .this
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::downgrade(self);
    }

    /// The URL serving the blob `hash`.
    pub(crate) fn media_url(&self, hash: &str) -> String {
        self.media.access.url(hash)
    }

    /// The backend itself, for work that goes on after the answer (`/uploadfile`).
    pub(crate) fn shared(&self) -> Option<Arc<SimBackend>> {
        self.media
            .this
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .upgrade()
    }

    /// The bytes `source` names: inline data as it is, paths and URLs through the
    /// server's fetcher.
    pub(crate) async fn fetch(&self, source: &MediaSource) -> Result<Vec<u8>, Failure> {
        self.media.access.fetch(source).await
    }

    /// Runs `change` and commits it with `blob` in one unit; the blob is recorded in the
    /// world's media table before `change` runs (and dropped with it when it fails).
    pub(crate) fn act_blob<R>(
        &self,
        blob: &NewBlob,
        change: impl FnOnce(&mut World) -> Result<(R, Vec<Event>), SimError>,
    ) -> Result<(R, Ticket), Failure> {
        let op = Op::Blob {
            hash: blob.hash.clone(),
            bytes: blob.bytes.as_ref().clone(),
        };
        let result = self.act_with(vec![op], |world| {
            let value = change(world)?;
            blob.record(world);
            Ok(value)
        })?;
        if self.store().is_memory() {
            self.media
                .memory
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(blob.hash.clone(), blob.bytes.clone());
        }
        Ok(result)
    }

    /// Stores `bytes` (once) and waits until they are durable; gives their hash.
    pub(crate) async fn store_blob(&self, bytes: Vec<u8>) -> Result<NewBlob, Failure> {
        let blob = NewBlob::new(bytes);
        let ((), ticket) = self.act_blob(&blob, |_| Ok(((), Vec::new())))?;
        ticket.wait().await.map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!("saving the upload failed: {e}"),
            )
        })?;
        Ok(blob)
    }

    /// The bytes and Content-Type of a known blob.
    pub(crate) fn media_bytes(&self, hash: &str) -> BoxFuture<'_, Option<MediaBytes>> {
        let hash = normal_hash(hash);
        Box::pin(async move {
            let hash = hash?;
            let content_type = self.lock().media.get(&hash)?.content_type.clone();
            let cached = self
                .media
                .memory
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&hash)
                .cloned();
            let bytes = match cached {
                Some(bytes) => bytes.as_ref().clone(),
                None => {
                    let store = self.store().clone();
                    let read = tokio::task::spawn_blocking(move || store.blob(&hash)).await;
                    match read {
                        Ok(Ok(Some(bytes))) => bytes,
                        Ok(Ok(None)) => return None,
                        Ok(Err(error)) => {
                            tracing::warn!("reading a blob failed: {error}");
                            return None;
                        }
                        Err(error) => {
                            tracing::warn!("reading a blob failed: {error}");
                            return None;
                        }
                    }
                }
            };
            Some(MediaBytes {
                content_type,
                bytes,
            })
        })
    }
}
