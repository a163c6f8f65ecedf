//! Files between friends, which XLZ has no endpoint for, through the control API:
//! `upload_private_file` → `send_file`, `get_private_file_url` → `friend_files`.

use lizi_onebot::action::{FileUrl, GetPrivateFileUrl, UploadPrivateFile, UploadedFile};
use serde_json::json;

use crate::actions::call::{data, Answer, Call};

impl Call<'_> {
    /// `upload_private_file`: `base64://` content only (lizi does not download URLs or
    /// read paths for a friend file).
    pub(crate) async fn upload_private(&self, call: &UploadPrivateFile) -> Answer {
        self.ensure_online()?;
        let Some(base64) = call.file.trim().strip_prefix("base64://") else {
            return Err(self.failed(format!(
                "`file` must be base64://…; lizi does not read `{}` for a friend file",
                call.file
            )));
        };
        let name = call.name.trim();
        if name.is_empty() {
            return Err(self.bad("parameter `name`: must not be empty"));
        }
        let file = json!({
            "from": self.me(),
            "to": call.user_id,
            "name": name,
            "base64": base64,
        });
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
