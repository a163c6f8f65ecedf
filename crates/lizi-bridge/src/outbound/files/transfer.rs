//! File bytes in and out of the bridge: `/uploadfile` reads a local path (under the
//! server's rules) and hands the implementation `base64://` content — never a path, which
//! an implementation in a container could not read; a file lizi hands out or passes on is
//! fetched once from the implementation's URL, kept as a store blob under its MD5 and
//! served by lizi's media route, so that an expired QQ URL does not break it later.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use lizi_core::media::md5_hex;
use lizi_core::media::{MediaBytes, MediaFetcher};
use lizi_core::param::MediaSource;
use lizi_core::{Failure, FailureKind, Gin, Reply, Uin};
use lizi_store::Op;
use serde_json::{json, Value};

use crate::backend::BridgeBackend;
use crate::state::files::FileRecord;
use crate::state::kept::or_unknown;

fn refused(message: impl Into<String>) -> Failure {
    Failure::new(FailureKind::Refused, message)
}

impl BridgeBackend {
    /// The URL serving the blob `hash`.
    pub(crate) fn media_url(&self, hash: &str) -> String {
        self.media.url(hash)
    }

    fn fetcher(&self) -> Result<Arc<dyn MediaFetcher>, Failure> {
        let fetcher = self.media.access.fetcher();
        fetcher.ok_or_else(|| refused("reading files and URLs is not set up in this bridge"))
    }

    /// Stores `bytes` as a blob (once) and waits until they are durable; gives their hash.
    async fn store_bytes(&self, bytes: Vec<u8>) -> Result<String, Failure> {
        let hash = md5_hex(&bytes);
        let op = Op::Blob {
            hash: hash.clone(),
            bytes,
        };
        self.store.commit(vec![op], &[]).wait().await.map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!("saving the file failed: {e}"),
            )
        })?;
        Ok(hash)
    }

    /// The stored bytes of blob `hash`.
    async fn stored(&self, hash: &str) -> Option<Vec<u8>> {
        let store = self.store.clone();
        let hash = hash.to_owned();
        match tokio::task::spawn_blocking(move || store.blob(&hash)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(error)) => {
                tracing::warn!("reading a stored file failed: {error}");
                None
            }
            Err(error) => {
                tracing::warn!("reading a stored file failed: {error}");
                None
            }
        }
    }

    /// The stored blob `hash` as `base64://…`, the form every implementation reads.
    pub(super) async fn stored_base64(&self, hash: &str) -> Result<String, Failure> {
        let bytes = self.stored(hash).await.ok_or_else(|| {
            Failure::new(
                FailureKind::Internal,
                format!("the stored file {hash} is gone"),
            )
        })?;
        Ok(format!(
            "base64://{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    }

    /// The bytes of a file lizi stored, for the media route.
    pub(crate) async fn file_bytes(&self, hash: &str) -> Option<MediaBytes> {
        let hash = hash.trim().to_ascii_uppercase();
        if hash.len() != 32 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let bytes = self.stored(&hash).await?;
        Some(MediaBytes {
            content_type: "application/octet-stream".into(),
            bytes,
        })
    }

    /// Fetches the `url` of an implementation's answer and stores the bytes; gives their
    /// hash.
    pub(super) async fn fetch_url(&self, account: Uin, data: &Value) -> Result<String, Failure> {
        let url = data
            .get("url")
            .and_then(Value::as_str)
            .filter(|url| !url.is_empty())
            .ok_or_else(|| {
                Failure::new(
                    FailureKind::Internal,
                    format!("{} answered no file URL", self.implementation(account)),
                )
            })?;
        let bytes = self.media.fetch(&MediaSource::Url(url.to_owned())).await?;
        self.store_bytes(bytes).await
    }

    /// The hash of group file `id`'s stored bytes and its name: fetched once through
    /// `get_group_file_url`, then from lizi's store.
    pub(super) async fn group_file_bytes(
        &self,
        account: Uin,
        group: Gin,
        id: &str,
    ) -> Result<(String, String), Failure> {
        let id = id.trim();
        let known = self.lock_files().records.get(account, id);
        let known = or_unknown(known, "a file");
        if let Some(FileRecord {
            md5: Some(hash),
            name,
            group: of,
            ..
        }) = &known
        {
            if *of == group && self.stored(hash).await.is_some() {
                return Ok((hash.clone(), name.clone()));
            }
        }
        let busid = self.busid(account, id);
        let (action, params) =
            self.dialect(account)
                .on_file("get_group_file_url", group, id, busid);
        let data = self.file_call(account, action, params).await?;
        let hash = self.fetch_url(account, &data).await?;
        let (name, size) = match known {
            Some(record) if record.group == group => (record.name, record.size),
            _ => (self.locate(account, group, id).await?.1, 0),
        };
        let record = FileRecord {
            account,
            group,
            id: id.to_owned(),
            name: name.clone(),
            size,
            busid,
            md5: Some(hash.clone()),
        };
        let op = self.lock_files().records.insert(record);
        drop(self.store.commit(vec![op], &[]));
        Ok((hash, name))
    }

    /// `/uploadfile`: checks what can be checked, answers `OK`, then reads the file and
    /// uploads it as `base64://` content (docs/xlz-api.md#endpoint-answers: the upload runs after the answer).
    pub(super) fn upload_file(
        &self,
        account: Uin,
        group: Gin,
        path: &str,
    ) -> Result<Reply, Failure> {
        let link = self.link(account)?;
        let fetcher = self.fetcher()?;
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Failure::new(FailureKind::Invalid, format!("`{path}` names no file")))?;
        let path = path.to_owned();
        tokio::spawn(async move {
            let result = async {
                let bytes = fetcher.fetch(&MediaSource::Path(path.clone())).await?;
                let file = format!(
                    "base64://{}",
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                );
                let params = json!({"group_id": group, "file": file, "name": name});
                link.call("upload_group_file", params)
                    .await
                    .map_err(|e| refused(e.to_string()))
            }
            .await;
            match result {
                Ok(_) => tracing::info!(account, group, path, "onebot: file uploaded"),
                Err(failure) => {
                    tracing::warn!(
                        account,
                        group,
                        path,
                        "onebot: /uploadfile failed: {failure}"
                    )
                }
            }
        });
        Ok(Reply::Done)
    }
}
