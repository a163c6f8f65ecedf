//! Pictures and voices kept by the bridge (onebot.md §2.4): XLZ uploads first and sends a
//! text code later, OneBot has no such step, so lizi keeps the bytes itself, as store blobs
//! under their MD5 (upper-case hex, XLZ's `hash`), with a `bridge_media` document saying
//! what each is and, for received ones, the URL they came from. Paths and URLs are read
//! through the server's [`MediaFetcher`] and its limits; lizi's own URL of each
//! (`<public base>/lizi/media/<hash>`) is served from the store by
//! [`Backend::media`](lizi_core::Backend::media), so expiring QQ URLs do not break old
//! events, and a received picture whose fetch failed is fetched again from where it came
//! from.
//!
//! Uploads, `/getphotourl` and avatars are [`crate::outbound::media`]'s part, sending the
//! codes [`crate::outbound::attachments`]'s, receiving pictures [`crate::inbound::media`]'s.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lizi_core::media::{md5_hex, normal_hash, MediaInfo};
use lizi_core::media::{MediaAccess, MediaBytes, MediaFetcher};
use lizi_core::param::MediaSource;
use lizi_core::{Failure, FailureKind};
use lizi_store::{Op, Store};
use serde::{Deserialize, Serialize};

use crate::clock::now;

/// The store document kind of the pictures and voices the bridge keeps.
const MEDIA_KIND: &str = "bridge_media";

/// What the server gives the bridge for media.
#[derive(Clone)]
pub struct MediaSetup {
    /// Reads paths and URLs under the server's rules (folders, size cap, timeout).
    pub fetcher: Arc<dyn MediaFetcher>,
    /// The server's public base URL (`http://host:port`), which lizi's media URLs use.
    pub public_base_url: String,
    /// Send flash pictures as ordinary ones where the implementation cannot send flash
    /// pictures (NapCat, Lagrange.OneBot), instead of failing.
    pub flash_as_picture: bool,
}

impl std::fmt::Debug for MediaSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSetup")
            .field("public_base_url", &self.public_base_url)
            .field("flash_as_picture", &self.flash_as_picture)
            .finish_non_exhaustive()
    }
}

/// What the bridge knows of one picture or voice, kept across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Known {
    /// What the bytes are (unknown bytes: empty, `application/octet-stream`).
    pub info: MediaInfo,
    /// The URL a received one came from.
    #[serde(default)]
    pub source: Option<String>,
    /// Whether the bytes are in the store.
    pub stored: bool,
}

/// The pictures and voices the bridge keeps.
#[derive(Debug)]
pub struct MediaStore {
    store: Arc<Store>,
    /// The server's fetcher and public base URL, as the simulated network uses them.
    pub(crate) access: MediaAccess,
    flash_as_picture: AtomicBool,
    known: Mutex<HashMap<String, Known>>,
    /// Received URLs already fetched (or tried), and the hash they were given: each is
    /// fetched once.
    sources: Mutex<HashMap<String, String>>,
}

impl MediaStore {
    /// The media the bridge kept in `store` (`docs` are its documents).
    pub fn load(store: Arc<Store>, docs: &[(String, String, String)]) -> MediaStore {
        let mut known = HashMap::new();
        let mut sources = HashMap::new();
        for (_, hash, body) in docs.iter().filter(|(kind, ..)| kind == MEDIA_KIND) {
            if let Ok(entry) = serde_json::from_str::<Known>(body) {
                if let Some(url) = &entry.source {
                    sources.insert(url.clone(), hash.clone());
                }
                known.insert(hash.clone(), entry);
            }
        }
        MediaStore {
            store,
            access: MediaAccess::default(),
            flash_as_picture: AtomicBool::new(false),
            known: Mutex::new(known),
            sources: Mutex::new(sources),
        }
    }

    /// Takes what the server gives for media.
    pub fn set(&self, setup: MediaSetup) {
        self.access.set(setup.fetcher, &setup.public_base_url);
        self.flash_as_picture
            .store(setup.flash_as_picture, Ordering::Relaxed);
    }

    /// Whether flash pictures go out as ordinary ones where flash cannot be sent.
    pub(crate) fn flash_as_picture(&self) -> bool {
        self.flash_as_picture.load(Ordering::Relaxed)
    }

    /// lizi's URL of the picture or voice `hash`.
    pub(crate) fn url(&self, hash: &str) -> String {
        self.access.url(hash)
    }

    /// What the bridge knows of `hash`.
    pub(crate) fn known(&self, hash: &str) -> Option<Known> {
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
            .cloned()
    }

    /// The hash a received URL was given, if it was seen before.
    pub(crate) fn hash_of_source(&self, url: &str) -> Option<String> {
        self.sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(url)
            .cloned()
    }

    /// The bytes `source` names: inline data as it is, paths and URLs through the
    /// server's fetcher.
    pub(crate) async fn fetch(&self, source: &MediaSource) -> Result<Vec<u8>, Failure> {
        self.access.fetch(source).await
    }

    /// Records what is known of `hash` (and the bytes, when given) and waits until it is
    /// durable.
    pub(crate) async fn keep(
        &self,
        hash: &str,
        known: Known,
        bytes: Option<Vec<u8>>,
    ) -> Result<(), Failure> {
        let mut ops = Vec::with_capacity(2);
        if let Some(bytes) = bytes {
            ops.push(Op::Blob {
                hash: hash.to_owned(),
                bytes,
            });
        }
        ops.push(Op::Doc {
            kind: MEDIA_KIND.into(),
            key: hash.to_owned(),
            body: serde_json::to_string(&known).ok(),
        });
        if let Some(url) = &known.source {
            self.sources
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(url.clone(), hash.to_owned());
        }
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash.to_owned(), known);
        self.store.write(ops).wait().await.map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!("saving the picture or voice failed: {e}"),
            )
        })
    }

    /// Keeps `bytes` under their MD5 (once) and answers the hash and what they are.
    pub(crate) async fn keep_bytes(
        &self,
        bytes: Vec<u8>,
        source: Option<String>,
    ) -> Result<(String, MediaInfo), Failure> {
        let hash = md5_hex(&bytes);
        if let Some(known) = self.known(&hash).filter(|known| known.stored) {
            return Ok((hash, known.info));
        }
        let info = MediaInfo::of(&bytes, now());
        let known = Known {
            info: info.clone(),
            source,
            stored: true,
        };
        self.keep(&hash, known, Some(bytes)).await?;
        Ok((hash, info))
    }

    /// The stored bytes of `hash` (32 hex digits, any case); a received picture not
    /// fetched yet is fetched now from where it came from.
    pub async fn bytes(&self, hash: &str) -> Option<MediaBytes> {
        let hash = normal_hash(hash)?;
        let known = self.known(&hash)?;
        if known.stored {
            let store = self.store.clone();
            let key = hash.clone();
            match tokio::task::spawn_blocking(move || store.blob(&key)).await {
                Ok(Ok(Some(bytes))) => {
                    return Some(MediaBytes {
                        content_type: known.info.content_type,
                        bytes,
                    })
                }
                Ok(Ok(None)) => {}
                Ok(Err(error)) => tracing::warn!("onebot bridge: reading a picture: {error}"),
                Err(error) => tracing::warn!("onebot bridge: reading a picture: {error}"),
            }
        }
        let url = known.source.clone()?;
        let bytes = match self.fetch(&MediaSource::Url(url.clone())).await {
            Ok(bytes) if !bytes.is_empty() => bytes,
            Ok(_) => return None,
            Err(failure) => {
                tracing::warn!(
                    hash,
                    "onebot bridge: fetching {url} again: {}",
                    failure.message
                );
                return None;
            }
        };
        let info = MediaInfo::of(&bytes, now());
        let content_type = info.content_type.clone();
        let entry = Known {
            info,
            source: Some(url),
            stored: true,
        };
        if let Err(failure) = self.keep(&hash, entry, Some(bytes.clone())).await {
            tracing::warn!(
                hash,
                "onebot bridge: keeping a picture: {}",
                failure.message
            );
        }
        Some(MediaBytes {
            content_type,
            bytes,
        })
    }
}
