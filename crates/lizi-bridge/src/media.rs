//! Pictures and voices kept by the bridge (onebot.md §2.4): XLZ uploads first and sends a
//! text code later, OneBot has no such step, so lizi keeps the bytes itself, as store blobs
//! under their MD5 (upper-case hex, XLZ's `hash`), with a `bridge_media` document saying
//! what each is and, for received ones, the URL they came from.
//!
//! - `/sendprivatepic`, `/sendgrouppic`, `/send*audio` read the bytes (base64, path or URL,
//!   through the server's [`MediaFetcher`] and its limits), keep them and answer the code
//!   the simulated network answers; the implementation is not called.
//! - `/getphotourl` answers lizi's own URL (`<public base>/lizi/media/<hash>`), served from
//!   the store by [`Backend::media`](lizi_core::Backend::media), so expiring QQ URLs do not
//!   break old events; a received picture whose fetch failed is fetched again from there.
//! - `/uploadfacepic` and `/uploadgroupfacepic` become `set_qq_avatar` and
//!   `set_group_portrait` with the bytes as `base64://`.
//!
//! Sending the codes is [`crate::media_send`]'s part, receiving pictures
//! [`crate::media_in`]'s.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lizi_core::media::{md5_hex, normal_hash, photo_hash, picture_code, voice_code, MediaInfo};
use lizi_core::media::{MediaAccess, MediaBytes, MediaFetcher};
use lizi_core::param::MediaSource;
use lizi_core::textcode::{self, Segment};
use lizi_core::{Failure, FailureKind, Reply, Request, Uin};
use lizi_store::{Op, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::backend::BridgeBackend;

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

/// What is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upload {
    /// A picture (flash or not).
    Picture {
        /// A flash picture.
        flash: bool,
    },
    /// A voice.
    Voice,
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
        let info = MediaInfo::of(&bytes, crate::backend::now());
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
        let info = MediaInfo::of(&bytes, crate::backend::now());
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

/// `bytes` as the `base64://…` file every implementation takes.
pub(crate) fn base64_file(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("base64://{text}")
}

impl BridgeBackend {
    /// Gives the bridge the server's media fetcher, public URL and flash policy.
    pub fn set_media(&self, setup: MediaSetup) {
        self.media.set(setup);
    }

    /// The picture, voice and avatar requests; hands any other back.
    pub(crate) async fn media_call(&self, request: Request) -> Result<Reply, Failure> {
        use Request as R;
        let picture = |flash: Option<bool>| Upload::Picture {
            flash: flash == Some(true),
        };
        match request {
            R::SendPrivatePic(r) => self.upload(r.fromqq, &r.pic, picture(r.flashpic)).await,
            R::SendGroupPic(r) => self.upload(r.fromqq, &r.pic, picture(r.flashpic)).await,
            R::SendPrivateAudio(r) => self.upload(r.fromqq, &r.audio, Upload::Voice).await,
            R::SendGroupAudio(r) => self.upload(r.fromqq, &r.audio, Upload::Voice).await,
            R::GetPhotoUrl(r) => self.photo_url(&r.photo),
            R::UploadFacePic(r) => {
                let file = self.avatar_file(r.fromqq, &r.pic).await?;
                self.act(r.fromqq, "set_qq_avatar", json!({ "file": file }))
                    .await
            }
            R::UploadGroupFacePic(r) => {
                let file = self.avatar_file(r.fromqq, &r.pic).await?;
                let params = json!({"group_id": r.group, "file": file});
                self.act(r.fromqq, "set_group_portrait", params).await
            }
            other => Err(Failure::new(
                FailureKind::NotImplemented,
                format!("{} is not a picture request", other.path()),
            )),
        }
    }

    /// Reads and keeps an upload of `account`, answering its text code.
    async fn upload(
        &self,
        account: Uin,
        source: &MediaSource,
        what: Upload,
    ) -> Result<Reply, Failure> {
        self.link(account)?;
        let bytes = self.media.fetch(source).await?;
        if bytes.is_empty() {
            return Err(Failure::new(FailureKind::Invalid, "the upload is empty"));
        }
        let (hash, info) = self.media.keep_bytes(bytes, None).await?;
        let code = match what {
            Upload::Picture { flash } => picture_code(&hash, &info, flash),
            Upload::Voice => voice_code(&hash, &info),
        };
        Ok(Reply::Text(textcode::print(&[Segment::Code(code)])))
    }

    /// `/getphotourl`: lizi's URL of a picture the bridge keeps.
    fn photo_url(&self, photo: &str) -> Result<Reply, Failure> {
        let hash = photo_hash(photo)?;
        if self.media.known(&hash).is_none() {
            return Err(Failure::new(
                FailureKind::NotFound,
                format!("lizi's OneBot bridge has no picture with hash {hash}"),
            ));
        }
        Ok(Reply::Text(self.media.url(&hash)))
    }

    /// An avatar's bytes as the `base64://` file the implementations take.
    async fn avatar_file(&self, account: Uin, source: &MediaSource) -> Result<String, Failure> {
        self.link(account)?;
        let bytes = self.media.fetch(source).await?;
        if bytes.is_empty() {
            return Err(Failure::new(FailureKind::Invalid, "the picture is empty"));
        }
        Ok(base64_file(&bytes))
    }

    /// Calls `action` on `account`'s implementation; success is [`Reply::Done`].
    async fn act(
        &self,
        account: Uin,
        action: &'static str,
        params: serde_json::Value,
    ) -> Result<Reply, Failure> {
        let link = self.link(account)?;
        link.call(action, params)
            .await
            .map_err(|e| self.failed(account, e))?;
        Ok(Reply::Done)
    }
}
