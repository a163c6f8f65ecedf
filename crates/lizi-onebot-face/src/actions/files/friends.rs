//! The group-file actions beyond go-cqhttp's that the live implementations have
//! (onebot.md §2.3), each mapped onto the simulated network's request that does the same:
//! `rename_group_file_folder` (Lagrange.OneBot, LLOneBot) → `/renamegroupfolder`,
//! `move_group_file` with each profile's parameter names → `/movegroupfile`,
//! `delete_group_file_folder` (Lagrange.OneBot's name) → `/removegroupfolder`, and the
//! friend files, which XLZ has no endpoint for, through the control API:
//! `upload_private_file` → `send_file`, `get_private_file_url` → `friend_files`.

use lizi_core::endpoint as xlz;
use lizi_core::Request;
use lizi_onebot::action::{
    FileUrl, GetPrivateFileUrl, MoveGroupFile, RenameGroupFileFolder, UploadPrivateFile,
    UploadedFile,
};
use lizi_onebot::{Action, Profile};
use serde_json::json;

use super::call::{data, Answer, Call};

/// The names a profile gives `move_group_file`'s source and target folders.
pub(crate) fn move_parameter_names(profile: Profile) -> (&'static str, &'static str) {
    match profile {
        Profile::NapCat => ("current_parent_directory", "target_parent_directory"),
        Profile::Lagrange | Profile::LLOneBot => ("parent_directory", "target_directory"),
    }
}

impl Call<'_> {
    /// Carries out the actions of this module; hands any other back.
    pub(crate) async fn more_files(&self, action: Action) -> Result<Answer, Action> {
        Ok(match action {
            Action::RenameGroupFileFolder(call) => self.rename_folder(&call).await,
            Action::MoveGroupFile(call) => self.move_file(&call).await,
            Action::DeleteGroupFileFolder(call) => {
                self.done(Request::RemoveGroupFolder(xlz::RemoveGroupFolder {
                    fromqq: self.me(),
                    group: call.group_id,
                    folder: call.folder_id.clone(),
                }))
                .await
            }
            Action::UploadPrivateFile(call) => self.upload_private(&call).await,
            Action::GetPrivateFileUrl(call) => self.private_url(&call).await,
            other => return Err(other),
        })
    }

    async fn rename_folder(&self, call: &RenameGroupFileFolder) -> Answer {
        self.done(Request::RenameGroupFolder(xlz::RenameGroupFolder {
            fromqq: self.me(),
            group: call.group_id,
            folder: call.folder_id.clone(),
            name: call.new_folder_name.clone(),
        }))
        .await
    }

    /// `move_group_file`, with the folder parameters of this profile only: the other
    /// profile's names are not read, as the implementation would not read them.
    async fn move_file(&self, call: &MoveGroupFile) -> Answer {
        let (from, to) = match self.profile {
            Profile::NapCat => (
                &call.current_parent_directory,
                &call.target_parent_directory,
            ),
            Profile::Lagrange | Profile::LLOneBot => {
                (&call.parent_directory, &call.target_directory)
            }
        };
        let (from_name, to_name) = move_parameter_names(self.profile);
        let Some(to) = to.clone() else {
            return Err(self.bad(format!("parameter `{to_name}`: is required")));
        };
        let Some(from) = from.clone() else {
            return Err(self.bad(format!("parameter `{from_name}`: is required")));
        };
        self.done(Request::MoveGroupFile(xlz::MoveGroupFile {
            fromqq: self.me(),
            group: call.group_id,
            fileid: call.file_id.clone(),
            fromfolder: Some(from),
            tofolder: Some(to),
        }))
        .await
    }

    /// `upload_private_file`: `base64://` content only (lizi does not download URLs or
    /// read paths for a friend file).
    async fn upload_private(&self, call: &UploadPrivateFile) -> Answer {
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
    async fn private_url(&self, call: &GetPrivateFileUrl) -> Answer {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn napcat_names_the_move_folders_its_own_way() {
        assert_eq!(
            move_parameter_names(Profile::NapCat),
            ("current_parent_directory", "target_parent_directory")
        );
        for profile in [Profile::Lagrange, Profile::LLOneBot] {
            assert_eq!(
                move_parameter_names(profile),
                ("parent_directory", "target_directory")
            );
        }
    }
}
