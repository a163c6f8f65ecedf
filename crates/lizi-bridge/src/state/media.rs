//! Pictures and voices kept by the bridge (docs/onebot-implementations.md#pictures-and-voices): XLZ uploads first and sends a
//! text code later, OneBot has no such step, so lizi keeps the bytes itself, as store blobs
//! under their MD5 (upper-case hex, XLZ's `hash`), with a `bridge_media` document saying
//! what each is and, for received ones, the URL they came from (and a `bridge_media_source`
//! document naming the hash by that URL's MD5), found by key ([`Kept`]), not held in
//! memory. Paths and URLs are read
//! through the server's [`MediaFetcher`] and its limits; lizi's own URL of each
//! (`<public base>/lizi/media/<hash>`) is served from the store by
//! [`Backend::media`](lizi_core::Backend::media), so expiring QQ URLs do not break old
//! events, and a received picture whose fetch failed is fetched again from where it came
//! from.
//!
//! Uploads, `/getphotourl` and avatars are [`crate::outbound::media`]'s part, sending the
//! codes [`crate::outbound::attachments`]'s, receiving pictures [`crate::inbound::media`]'s.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use lizi_core::media::{md5_hex, normal_hash, MediaInfo};
use lizi_core::media::{MediaAccess, MediaBytes, MediaFetcher};
use lizi_core::param::MediaSource;
use lizi_core::{Failure, FailureKind};
use lizi_store::{Op, Store};
use serde::{Deserialize, Serialize};

use super::kept::{or_unknown, Kept};
use crate::clock::now;

/// The store document kind of the pictures and voices the bridge keeps (key: the hash).
pub const MEDIA_KIND: &str = "bridge_media";

/// The store document kind naming a received picture's hash by its URL (key: the URL's
/// MD5).
pub const SOURCE_KIND: &str = "bridge_media_source";

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
    known: Kept<Known>,
    /// Received URLs already fetched (or tried), and the hash they were given: each is
    /// fetched once.
    sources: Kept<String>,
}

impl MediaStore {
    /// The media the bridge kept in `store`.
    pub fn open(store: Arc<Store>) -> MediaStore {
        MediaStore {
            known: Kept::new(store.clone(), MEDIA_KIND),
            sources: Kept::new(store.clone(), SOURCE_KIND),
            store,
            access: MediaAccess::default(),
            flash_as_picture: AtomicBool::new(false),
        }
    }

    /// The op naming `hash` by the URL `url` it came from.
    pub(crate) fn source_op(&self, url: &str, hash: &str) -> Op {
        self.sources.put(md5_hex(url.as_bytes()), &hash.to_owned())
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
        or_unknown(self.known.get(hash), "a picture")
    }

    /// The hash a received URL was given, if it was seen before.
    pub(crate) fn hash_of_source(&self, url: &str) -> Option<String> {
        or_unknown(
            self.sources.get(&md5_hex(url.as_bytes())),
            "a picture's source",
        )
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
        if let Some(url) = &known.source {
            ops.push(self.source_op(url, hash));
        }
        ops.push(self.known.put(hash.to_owned(), &known));
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
