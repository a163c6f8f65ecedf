//! The bytes behind stored media, as every backend reaches them: the [`MediaFetcher`] the
//! API layer gives a backend to read paths and URLs, the [`MediaAccess`] a backend keeps it
//! in with lizi's public base URL, and the [`MediaBytes`] the media route serves.

use crate::param::MediaSource;
use crate::reply::{Failure, FailureKind};
use crate::BoxFuture;

/// Reads the bytes a [`MediaSource`] names, under the server's rules: local paths only
/// inside the configured folders, URLs with a size cap, a timeout and address checks.
/// The API layer implements it (a backend knows no HTTP and no file system rules).
pub trait MediaFetcher: Send + Sync + 'static {
    /// The bytes of `source`; [`MediaSource::Inline`] data is answered as it is.
    fn fetch<'a>(&'a self, source: &'a MediaSource) -> BoxFuture<'a, Result<Vec<u8>, Failure>>;
}

/// The bytes of a stored picture, voice or file, as the API layer serves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaBytes {
    /// The `Content-Type` to serve them with.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The base URL media URLs use until the server sets its own (lizi's default listen
/// address).
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:10429";

/// What the server gives a backend for media: the [`MediaFetcher`] and lizi's public base
/// URL, which the URLs of stored pictures and files (`/lizi/media/<hash>`) use.
#[derive(Default)]
pub struct MediaAccess {
    fetcher: std::sync::RwLock<Option<std::sync::Arc<dyn MediaFetcher>>>,
    base_url: std::sync::RwLock<Option<String>>,
}

impl std::fmt::Debug for MediaAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaAccess")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl MediaAccess {
    /// Sets the fetcher and the public base URL (`http://host:port`, no trailing slash
    /// needed).
    pub fn set(&self, fetcher: std::sync::Arc<dyn MediaFetcher>, public_base_url: &str) {
        use std::sync::PoisonError;
        *self.fetcher.write().unwrap_or_else(PoisonError::into_inner) = Some(fetcher);
        *self
            .base_url
            .write()
            .unwrap_or_else(PoisonError::into_inner) =
            Some(public_base_url.trim_end_matches('/').to_owned());
    }

    /// The URL serving the stored bytes `hash`.
    pub fn url(&self, hash: &str) -> String {
        let base = self
            .base_url
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        format!("{base}/lizi/media/{hash}")
    }

    /// The bytes `source` names: inline data as it is, paths and URLs through the
    /// fetcher.
    pub async fn fetch(&self, source: &MediaSource) -> Result<Vec<u8>, Failure> {
        if let MediaSource::Inline(bytes) = source {
            return Ok(bytes.clone());
        }
        let fetcher = self
            .fetcher
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match fetcher {
            Some(fetcher) => fetcher.fetch(source).await,
            None => Err(Failure::new(
                FailureKind::Refused,
                "reading local files and URLs is not set up in this backend",
            )),
        }
    }

    /// The fetcher, for work that goes on after an answer.
    pub fn fetcher(&self) -> Option<std::sync::Arc<dyn MediaFetcher>> {
        self.fetcher
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
