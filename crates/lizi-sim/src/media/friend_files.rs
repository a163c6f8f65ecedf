//! The control API's `send_file` (someone sends a file, its bytes or a local path, to a
//! friend) and `friend_files`
//! (the files someone received, with the URLs serving them): the simulated side of
//! OneBot's `upload_private_file` and `get_private_file_url`, which XLZ has no endpoint for.

use lizi_core::param::{decode_base64, MediaSource};
use lizi_core::{Failure, FailureKind, Reply};
use serde_json::{json, Value};

use super::files::NewFile;
use super::model::{FileEntry, FileScope};
use super::state::NewBlob;
use crate::backend::{Handled, SimBackend};
use crate::control::media::{SimFriendFiles, SimSendFile};
use crate::world::World;

impl SimBackend {
    /// A file's bytes as a control body gives them: `base64`, or a local `path` read as
    /// `/uploadfile` reads one (the media rules).
    pub(crate) async fn control_file_bytes(
        &self,
        base64: Option<&str>,
        path: Option<&str>,
    ) -> Result<Vec<u8>, Failure> {
        match (base64, path) {
            (Some(text), _) => decode_base64(text)
                .map_err(|p| Failure::new(FailureKind::Invalid, format!("`base64` {p}"))),
            (None, Some(path)) => self.fetch(&MediaSource::Path(path.to_owned())).await,
            (None, None) => Err(Failure::new(
                FailureKind::Invalid,
                "give `base64` or `path`",
            )),
        }
    }

    /// A file entry as the control API shows it, with the URL serving its bytes.
    fn entry_with_url(&self, entry: &FileEntry) -> Value {
        let mut view = entry.view();
        view["url"] = json!(self.media_url(&entry.md5));
        view
    }

    /// The control API's `send_file`: answers the receiver's new file entry. A `path` is
    /// read as `/uploadfile` reads one (the media rules).
    pub(crate) async fn control_send_file(&self, file: SimSendFile) -> Handled {
        let bytes = self
            .control_file_bytes(file.base64.as_deref(), file.path.as_deref())
            .await?;
        let blob = NewBlob::new(bytes);
        let new = NewFile {
            name: file.name.trim().to_owned(),
            md5: blob.hash.clone(),
            size: blob.info.size,
        };
        let ((_, entry), ticket) = self.act_blob(&blob, |w| {
            w.active_person(file.from)?;
            let (receipt, entry, events) =
                w.send_friend_file(file.from, file.to, new, self.now())?;
            Ok(((receipt, entry), events))
        })?;
        Ok((Reply::Json(self.entry_with_url(&entry)), Some(ticket)))
    }

    /// The control API's `friend_files` view.
    pub(crate) fn control_friend_files(&self, files: SimFriendFiles) -> Handled {
        self.read(|w: &World| {
            w.person(files.account)?;
            let scope = FileScope::Friend(files.account);
            let entries: Vec<Value> = w
                .files
                .range((scope, String::new())..)
                .take_while(|((s, _), _)| *s == scope)
                .map(|(_, entry)| self.entry_with_url(entry))
                .collect();
            Ok(Reply::Json(
                json!({ "account": files.account, "files": entries }),
            ))
        })
    }
}
