//! Group files (onebot.md §2.3) through the XLZ file endpoints (`/getgroupfilelist`,
//! `/getgroupfileurl`, `/newgroupfolder`, `/renamegroupfolder`, `/removegroupfolder`,
//! `/removegroupfile`, `/movegroupfile`, `/uploadfile`), and the control API's
//! `upload_file` for `base64://` content (XLZ uploads only local paths). Besides
//! go-cqhttp's actions, those the live implementations have: `rename_group_file_folder`
//! (Lagrange.OneBot, LLOneBot), `move_group_file` with each profile's parameter names, and
//! `delete_group_file_folder` (Lagrange.OneBot's name for `delete_group_folder`).
//!
//! A folder's `folder_id` is the simulated network's own folder id (`/` and a UUID), which
//! never changes and which the XLZ endpoints take as well as the folder's name; the root is
//! `/`. QQ has folders only at the root.

use lizi_core::endpoint as xlz;
use lizi_core::model::GroupFile as XlzFile;
use lizi_core::{Gin, Reply, Request};
use lizi_onebot::action::{
    CreateGroupFileFolder, DeleteGroupFile, DeleteGroupFileFolder, DeleteGroupFolder, FileUrl,
    GetGroupFileUrl, GroupFile, GroupFiles, GroupFolder, MoveGroupFile, RenameGroupFileFolder,
    UploadGroupFile, UploadedFile,
};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{data, Answer, Call};

/// The root folder's id.
const ROOT: &str = "/";

fn is_root(folder: Option<&str>) -> bool {
    matches!(folder.map(str::trim), None | Some("") | Some(ROOT))
}

/// The names a profile gives `move_group_file`'s source and target folders.
fn move_parameter_names(profile: Profile) -> (&'static str, &'static str) {
    match profile {
        Profile::NapCat => ("current_parent_directory", "target_parent_directory"),
        Profile::Lagrange | Profile::LLOneBot => ("parent_directory", "target_directory"),
    }
}

impl Call<'_> {
    async fn entries(
        &self,
        group: Gin,
        folder: &str,
    ) -> Result<Vec<XlzFile>, Box<lizi_onebot::ActionResponse>> {
        let request = Request::GetGroupFileList(xlz::GetGroupFileList {
            fromqq: self.me(),
            group,
            folder: folder.to_owned(),
        });
        match self.ask(request).await? {
            Reply::Files(files) => Ok(files),
            other => Err(self.unexpected(&other)),
        }
    }

    /// `get_group_root_files` and `get_group_files_by_folder`: a folder's files, and at the
    /// root its folders with the number of files in each.
    pub(crate) async fn group_files(&self, group: Gin, folder: &str) -> Answer {
        let mut out = GroupFiles {
            files: Vec::new(),
            folders: Vec::new(),
        };
        for entry in self.entries(group, folder).await? {
            if entry.is_folder {
                let inside = self.entries(group, &entry.file_id).await?;
                out.folders.push(GroupFolder {
                    group_id: group,
                    folder_id: entry.file_id,
                    folder_name: entry.file_name,
                    create_time: entry.upload_time,
                    creator: entry.uploader_uin,
                    creator_name: String::new(),
                    total_file_count: i64::try_from(inside.len()).unwrap_or(i64::MAX),
                });
            } else {
                out.files.push(GroupFile {
                    group_id: group,
                    file_id: entry.file_id,
                    file_name: entry.file_name,
                    busid: 102,
                    file_size: entry.file_size,
                    upload_time: entry.upload_time,
                    dead_time: 0,
                    modify_time: entry.upload_time,
                    download_times: 0,
                    uploader: entry.uploader_uin,
                    uploader_name: String::new(),
                });
            }
        }
        data(out)
    }

    /// `get_group_file_url`: the URL that serves the file's bytes.
    pub(crate) async fn file_url(&self, call: &GetGroupFileUrl) -> Answer {
        let url = self
            .text(Request::GetGroupFileUrl(xlz::GetGroupFileUrl {
                fromqq: self.me(),
                group: call.group_id,
                fileid: call.file_id.clone(),
                filename: String::new(),
            }))
            .await?;
        data(FileUrl { url })
    }

    /// `create_group_file_folder`: a folder at the root (the only place QQ has them);
    /// answers the new folder's id.
    pub(crate) async fn create_folder(&self, call: &CreateGroupFileFolder) -> Answer {
        if !is_root(call.parent_id.as_deref()) {
            return Err(self.failed("QQ has folders only at the root: `parent_id` must be `/`"));
        }
        let name = call.name.trim();
        if name.is_empty() {
            return Err(self.bad("parameter `name`: must not be empty"));
        }
        self.done(Request::NewGroupFolder(xlz::NewGroupFolder {
            fromqq: self.me(),
            group: call.group_id,
            folder: name.to_owned(),
        }))
        .await?;
        let folder = self
            .entries(call.group_id, ROOT)
            .await?
            .into_iter()
            .find(|f| f.is_folder && f.file_name == name);
        Ok(json!({ "folder_id": folder.map(|f| f.file_id) }))
    }

    /// `delete_group_folder`, by id (or name).
    pub(crate) async fn delete_folder(&self, call: &DeleteGroupFolder) -> Answer {
        if is_root(Some(&call.folder_id)) {
            return Err(self.failed("the root folder cannot be deleted"));
        }
        self.done(Request::RemoveGroupFolder(xlz::RemoveGroupFolder {
            fromqq: self.me(),
            group: call.group_id,
            folder: call.folder_id.clone(),
        }))
        .await
    }

    /// `delete_group_file`.
    pub(crate) async fn delete_file(&self, call: &DeleteGroupFile) -> Answer {
        self.done(Request::RemoveGroupFile(xlz::RemoveGroupFile {
            fromqq: self.me(),
            group: call.group_id,
            fileid: call.file_id.clone(),
            filename: None,
        }))
        .await
    }

    /// `upload_group_file`: `base64://` content is added at once under `name` (into
    /// `folder`) and its `file_id` answered; a local path (or `file://` URL) goes through
    /// `/uploadfile`, which keeps the file's own name, uploads to the root after answering,
    /// and so reports no `file_id`. Other URLs are refused: lizi does not download them.
    pub(crate) async fn upload_file(&self, call: &UploadGroupFile) -> Answer {
        self.ensure_online()?;
        let file = call.file.trim();
        if let Some(base64) = file.strip_prefix("base64://") {
            let name = call.name.trim();
            if name.is_empty() {
                return Err(self.bad("parameter `name`: must not be empty"));
            }
            let folder = call.folder.clone().filter(|f| !is_root(Some(f)));
            let upload = json!({
                "from": self.me(),
                "group": call.group_id,
                "name": name,
                "base64": base64,
                "folder": folder,
            });
            let entry = self.control_json("upload_file", upload).await?;
            let file_id = entry["id"].as_str().map(str::to_owned);
            return data(UploadedFile { file_id });
        }
        let path = file.strip_prefix("file://").unwrap_or(file);
        if !path.starts_with('/') {
            return Err(self.failed(format!(
                "`file` must be base64://… or an absolute local path; lizi does not download `{file}`"
            )));
        }
        if !is_root(call.folder.as_deref()) {
            return Err(self.failed(
                "a local path is uploaded through /uploadfile, which puts files at the root: \
                 give no `folder`, or send the content as base64://",
            ));
        }
        self.done(Request::UploadFile(xlz::UploadFile {
            fromqq: self.me(),
            group: call.group_id,
            path: path.to_owned(),
        }))
        .await
        .map(|_| Value::Null)
    }

    /// `rename_group_file_folder`: `/renamegroupfolder`.
    pub(crate) async fn rename_folder(&self, call: &RenameGroupFileFolder) -> Answer {
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
    pub(crate) async fn move_file(&self, call: &MoveGroupFile) -> Answer {
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

    /// `delete_group_file_folder`: Lagrange.OneBot's name for `delete_group_folder`.
    pub(crate) async fn delete_folder_by_id(&self, call: &DeleteGroupFileFolder) -> Answer {
        self.done(Request::RemoveGroupFolder(xlz::RemoveGroupFolder {
            fromqq: self.me(),
            group: call.group_id,
            folder: call.folder_id.clone(),
        }))
        .await
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
