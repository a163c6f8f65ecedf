//! The group-file endpoints and the control API's `upload_file` and `files`.

use std::path::Path;
use std::sync::Arc;

use lizi_core::endpoint::UploadFile;
use lizi_core::param::MediaSource;
use lizi_core::{Failure, FailureKind, Gin, Reply, Uin};
use serde_json::json;

use super::files::NewFile;
use super::model::ROOT;
use super::state::NewBlob;
use crate::backend::{Handled, SimBackend};
use crate::control::media::{SimFiles, SimUpload};
use crate::world::World;

impl SimBackend {
    /// Stores `bytes` and adds them to `gin` as `name`, uploaded by `from`.
    fn add_file_bytes(
        &self,
        from: Uin,
        gin: Gin,
        folder: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<(super::FileEntry, lizi_store::Ticket), Failure> {
        let blob = NewBlob::new(bytes);
        let file = NewFile {
            name: name.to_owned(),
            md5: blob.hash.clone(),
            size: blob.info.size,
        };
        self.act_blob(&blob, |w| {
            w.add_group_file(from, gin, folder, file, self.now())
        })
    }

    /// `/uploadfile`: checks the rules, answers `OK`, then reads the file and adds it.
    pub(crate) fn upload_file(&self, request: UploadFile) -> Handled {
        let UploadFile {
            fromqq,
            group,
            path,
        } = request;
        self.read(|w| {
            w.online_account(fromqq)?;
            w.ensure_may_upload(fromqq, group)?;
            Ok(Reply::Done)
        })?;
        let name = Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Failure::new(FailureKind::Invalid, format!("`{path}` names no file")))?;
        let this: Arc<SimBackend> = self.shared().ok_or_else(|| {
            Failure::new(
                FailureKind::Refused,
                "uploading files is not set up in this backend",
            )
        })?;
        tokio::spawn(async move {
            let result = async {
                let bytes = this.fetch(&MediaSource::Path(path.clone())).await?;
                let (entry, ticket) = this.add_file_bytes(fromqq, group, ROOT, &name, bytes)?;
                ticket.wait().await.map_err(|e| {
                    Failure::new(FailureKind::Internal, format!("saving failed: {e}"))
                })?;
                Ok::<_, Failure>(entry)
            }
            .await;
            match result {
                Ok(entry) => tracing::info!(fromqq, group, id = entry.id, "sim: file uploaded"),
                Err(failure) => {
                    tracing::warn!(fromqq, group, path, "sim: /uploadfile failed: {failure}")
                }
            }
        });
        Ok((Reply::Done, None))
    }

    /// `/getgroupfileurl`: the URL serving a group file's bytes.
    pub(crate) fn group_file_url(&self, uin: Uin, gin: Gin, id: &str) -> Handled {
        self.read(|w| {
            w.account(uin)?;
            w.group(gin)?.member(uin)?;
            let file = w.group_file(gin, id)?;
            Ok(Reply::Text(self.media_url(&file.md5)))
        })
    }

    /// The control API's `upload_file`.
    pub(crate) async fn control_upload_file(&self, upload: SimUpload) -> Handled {
        let bytes = self
            .control_file_bytes(upload.base64.as_deref(), upload.path.as_deref())
            .await?;
        let folder = upload.folder.as_deref().unwrap_or(ROOT);
        let (entry, ticket) =
            self.add_file_bytes(upload.from, upload.group, folder, upload.name.trim(), bytes)?;
        Ok((Reply::Json(entry.view()), Some(ticket)))
    }

    /// The control API's `files` view.
    pub(crate) fn control_files(&self, files: SimFiles) -> Handled {
        self.read(|w: &World| {
            w.group(files.group)?;
            let entries: Vec<_> = w.group_entries(files.group).map(|f| f.view()).collect();
            Ok(Reply::Json(
                json!({ "group": files.group, "files": entries }),
            ))
        })
    }
}
