//! Files between friends, which XLZ has no endpoint for, through the control API:
//! `upload_private_file` → `send_file`, `get_private_file_url` → `friend_files`.

use lizi_onebot::action::{FileUrl, GetPrivateFileUrl, UploadPrivateFile};
use serde_json::json;

use crate::actions::call::{data, Answer, Call};

impl Call<'_> {
    /// `upload_private_file`: from the sources `upload_group_file` takes, `base64://`
    /// content or a local path (read under the media rules), under `name` or else the
    /// path's own file name; answers the file's id.
    pub(crate) async fn upload_private(&self, call: &UploadPrivateFile) -> Answer {
        let to = json!({"from": self.me(), "to": call.user_id});
        self.upload_file_from("send_file", &call.file, call.name.as_deref(), to)
            .await
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
