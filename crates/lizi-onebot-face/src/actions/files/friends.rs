//! Files between friends, which XLZ has no endpoint for, through the control API:
//! `upload_private_file` → `send_file`, `get_private_file_url` → `friend_files`.

use lizi_onebot::action::{FileUrl, GetPrivateFileUrl, UploadPrivateFile, UploadedFile};
use serde_json::json;

use super::Source;
use crate::actions::call::{data, Answer, Call};

impl Call<'_> {
    /// `upload_private_file`: from the sources `upload_group_file` takes, `base64://`
    /// content or a local path (read under the media rules), under `name` or else the
    /// path's own file name; answers the file's id.
    pub(crate) async fn upload_private(&self, call: &UploadPrivateFile) -> Answer {
        self.ensure_online()?;
        let source = Source::of(&call.file).map_err(|why| self.failed(why))?;
        let name = call
            .name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .or(source.own_name())
            .ok_or_else(|| self.bad("parameter `name`: must not be empty"))?;
        let mut file = json!({"from": self.me(), "to": call.user_id, "name": name});
        match source {
            Source::Base64(base64) => file["base64"] = json!(base64),
            Source::Path(path) => file["path"] = json!(path),
        }
        let entry = self.control_json("send_file", file).await?;
        let file_id = entry["id"].as_str().map(str::to_owned);
        data(UploadedFile { file_id })
    }

    /// `get_private_file_url`: the URL of a file a friend sent the account.
    pub(crate) async fn private_url(&self, call: &GetPrivateFileUrl) -> Answer {
        let files = self
            .control_json("friend_files", json!({ "account": self.me() }))
            .await?;
        let wanted = call.file_id.trim();
        let url = files["files"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|file| file["id"] == wanted)
            .and_then(|file| file["url"].as_str())
            .ok_or_else(|| self.failed(format!("no friend sent a file {wanted}")))?;
        data(FileUrl {
            url: url.to_owned(),
        })
    }
}
