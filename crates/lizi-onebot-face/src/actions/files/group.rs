//! Group files (docs/onebot-implementations.md#group-files-and-folders) through the XLZ file endpoints (`/getgroupfilelist`,
//! `/getgroupfileurl`, `/newgroupfolder`, `/renamegroupfolder`, `/removegroupfolder`,
//! `/removegroupfile`, `/movegroupfile`, `/uploadfile`), and the control API's
//! `upload_file` for `base64://` content (XLZ uploads only local paths) and `rename_file`
//! (XLZ renames no file). Besides go-cqhttp's actions, those the live implementations
//! have: `rename_group_file_folder` (Lagrange.OneBot, LLOneBot), `move_group_file` with
//! each profile's parameter names, `delete_group_file_folder` (Lagrange.OneBot's name for
//! `delete_group_folder`) and `rename_group_file` (NapCat).
//!
//! A folder's `folder_id` is the simulated network's own folder id (`/` and a UUID), which
//! never changes and which the XLZ endpoints take as well as the folder's name; the root is
//! `/`. QQ has folders only at the root.

use lizi_core::endpoint as xlz;
use lizi_core::model::GroupFile as XlzFile;
use lizi_core::{Gin, Reply, Request};
use lizi_onebot::action::{
    CreateGroupFileFolder, DeleteGroupFile, DeleteGroupFileFolder, DeleteGroupFolder, FileUrl,
    GetGroupFileUrl, GroupFile, GroupFiles, GroupFolder, MoveGroupFile, RenameGroupFile,
    RenameGroupFileFolder, UploadGroupFile,
};
use lizi_onebot::Profile;
use serde_json::json;

use crate::actions::call::{data, Answer, Call};

/// The root folder's id.
const ROOT: &str = "/";

fn is_root(folder: Option<&str>) -> bool {
    matches!(folder.map(str::trim), None | Some("") | Some(ROOT))
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

    /// `get_group_root_files` and `get_group_files_by_folder`: a folder's files (the
    /// first `file_count` when given, as NapCat reads no more), and at the root its
    /// folders with the number of files in each.
    pub(crate) async fn group_files(
        &self,
        group: Gin,
        folder: Option<&str>,
        file_count: Option<i64>,
    ) -> Answer {
        let folder = folder.filter(|f| !is_root(Some(f))).unwrap_or(ROOT);
        let limit = file_count.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(0));
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
            } else if out.files.len() < limit {
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

    /// `create_group_file_folder`: a folder at the root (the only place QQ has them; no
    /// implementation reads a parent); answers the new folder's id.
    pub(crate) async fn create_folder(&self, call: &CreateGroupFileFolder) -> Answer {
        let name = call
            .folder_name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        if name.is_empty() {
            return Err(self.failed("a folder needs a name: give `folder_name`"));
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
        Ok(match self.profile {
            // NT's result and group item, as NapCat passes them through.
            Profile::NapCat => json!({
                "result": {"retCode": 0, "retMsg": "", "clientWording": ""},
                "groupItem": {
                    "peerId": call.group_id.to_string(),
                    "type": 2,
                    "folderInfo": folder.as_ref().map(|f| json!({
                        "folderId": f.file_id,
                        "parentFolderId": ROOT,
                        "folderName": f.file_name,
                        "createTime": f.upload_time,
                        "modifyTime": f.upload_time,
                        "createUin": f.uploader_uin.to_string(),
                        "totalFileCount": 0,
                    })),
                    "fileInfo": null,
                },
            }),
            // QQ's message, as Lagrange.OneBot answers.
            Profile::Lagrange => json!({ "msg": "" }),
            Profile::LLOneBot => json!({ "folder_id": folder.map(|f| f.file_id) }),
        })
    }

    /// `delete_group_folder`, by id (or name).
    pub(crate) async fn delete_folder(&self, call: &DeleteGroupFolder) -> Answer {
        if is_root(call.folder.as_deref()) {
            return Err(self.failed("the root folder cannot be deleted: give `folder`"));
        }
        self.done(Request::RemoveGroupFolder(xlz::RemoveGroupFolder {
            fromqq: self.me(),
            group: call.group_id,
            folder: call.folder.clone().unwrap_or_default(),
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

    /// `upload_group_file`: the file (`base64://` content, or a local path or `file://` URL
    /// read under the media rules) is added at once under `name` — a path's own file name
    /// when none is given — into `folder`, and its `file_id` answered, as LLOneBot and NapCat
    /// upload it before they answer. Other URLs are refused: lizi does not download them.
    pub(crate) async fn upload_file(&self, call: &UploadGroupFile) -> Answer {
        let folder = call.folder.clone().filter(|f| !is_root(Some(f)));
        let into = json!({"from": self.me(), "group": call.group_id, "folder": folder});
        self.upload_file_from("upload_file", &call.file, call.name.as_deref(), into)
            .await
    }

    /// `rename_group_file` (NapCat): the control API's `rename_file` (XLZ has no endpoint),
    /// for a file in `current_parent_directory`; answers `{ok: true}`.
    pub(crate) async fn rename_file(&self, call: &RenameGroupFile) -> Answer {
        self.ensure_online()?;
        let rename = json!({
            "operator": self.me(),
            "group": call.group_id,
            "file": call.file_id,
            "folder": call.current_parent_directory,
            "name": call.new_name,
        });
        self.control_json("rename_file", rename).await?;
        Ok(json!({"ok": true}))
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

    /// `move_group_file`, with the folder parameters of this profile only (NapCat
    /// `current_parent_directory`/`target_parent_directory`, the others
    /// `parent_directory`/`target_directory`): the registry leaves the other names out, as
    /// the implementation does not read them.
    pub(crate) async fn move_file(&self, call: &MoveGroupFile) -> Answer {
        let from = call
            .current_parent_directory
            .clone()
            .or_else(|| call.parent_directory.clone());
        let to = call
            .target_parent_directory
            .clone()
            .or_else(|| call.target_directory.clone());
        let (Some(from), Some(to)) = (from, to) else {
            return Err(self.bad("give the file's folder and the folder to move it to"));
        };
        self.done(Request::MoveGroupFile(xlz::MoveGroupFile {
            fromqq: self.me(),
            group: call.group_id,
            fileid: call.file_id.clone(),
            fromfolder: Some(from),
            tofolder: Some(to),
        }))
        .await?;
        // NapCat answers `{ok: true}`; the others' shapes come from their registries.
        Ok(json!({ "ok": true }))
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
