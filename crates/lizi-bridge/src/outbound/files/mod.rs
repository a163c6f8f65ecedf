//! Group files and folders, file forwarding and file events through the bridge
//! (docs/onebot-implementations.md#group-files-and-folders, docs/bridge.md#what-works-on-each-implementation rows 63–71 and 75–77).
//!
//! XLZ names folders; the implementations take folder ids: names are resolved through
//! `get_group_root_files` (folders exist only at the root in QQ), cached per account and
//! group and fetched again on a miss. Parameter names per implementation are in
//! [`dialect`](mod@dialect); the files accounts saw are kept in [`crate::state::files`]
//! (and noted from events by [`crate::inbound::files`]). Bytes of a file lizi hands out
//! (`/getgroupfileurl`) or passes on (the forwards) are fetched once from the
//! implementation's URL, kept as a store blob under their MD5 and served by lizi's media
//! route (`transfer`).

pub mod dialect;
mod transfer;

use lizi_core::model::GroupFile as XlzFile;
use lizi_core::{Failure, FailureKind, Gin, Receipt, Reply, Request, Uin};
use lizi_onebot::action::GroupFiles;
use serde_json::{json, Value};

use crate::backend::BridgeBackend;
use crate::clock::now;
use crate::state::files::{Files, DEFAULT_BUSID};
use crate::state::identity::{random_of, Conversation};
use crate::state::implementation::detect;
use crate::state::kept::or_unknown;
use dialect::{dialect, Dialect};

/// The root folder's id.
const ROOT: &str = "/";

/// Whether `folder` names the root.
fn is_root(folder: &str) -> bool {
    matches!(folder.trim(), "" | ROOT)
}

fn not_found(message: String) -> Failure {
    Failure::new(FailureKind::NotFound, message)
}

/// A group listing as XLZ `/getgroupfilelist` items: folders first, then files, each by
/// time, as the simulated network lists them.
fn xlz_items(listing: &GroupFiles) -> Vec<XlzFile> {
    let mut folders: Vec<XlzFile> = listing
        .folders
        .iter()
        .map(|folder| XlzFile {
            file_id: folder.folder_id.clone(),
            file_name: folder.folder_name.clone(),
            file_size: 0,
            upload_time: folder.create_time,
            uploader_uin: folder.creator,
            is_folder: true,
        })
        .collect();
    let mut files: Vec<XlzFile> = listing
        .files
        .iter()
        .map(|file| XlzFile {
            file_id: file.file_id.clone(),
            file_name: file.file_name.clone(),
            file_size: file.file_size,
            upload_time: file.upload_time,
            uploader_uin: file.uploader,
            is_folder: false,
        })
        .collect();
    folders.sort_by_key(|f| (f.upload_time, f.file_name.clone()));
    files.sort_by_key(|f| (f.upload_time, f.file_name.clone()));
    folders.extend(files);
    folders
}

impl BridgeBackend {
    /// Carries out a group-file request; hands any other back.
    pub(crate) async fn files(&self, request: Request) -> Result<Result<Reply, Failure>, Request> {
        use Request as R;
        Ok(match request {
            R::UploadFile(r) => self.upload_file(r.fromqq, r.group, &r.path),
            R::NewGroupFolder(r) => self.new_folder(r.fromqq, r.group, &r.folder).await,
            R::RenameGroupFolder(r) => {
                self.rename_folder(r.fromqq, r.group, &r.folder, &r.name)
                    .await
            }
            R::RemoveGroupFolder(r) => self.remove_folder(r.fromqq, r.group, &r.folder).await,
            R::RemoveGroupFile(r) => {
                let busid = self.busid(r.fromqq, &r.fileid);
                let (action, params) = self.dialect(r.fromqq).on_file(
                    "delete_group_file",
                    r.group,
                    r.fileid.trim(),
                    busid,
                );
                self.file_call(r.fromqq, action, params)
                    .await
                    .map(|_| Reply::Done)
            }
            R::MoveGroupFile(r) => {
                let to = r.tofolder.as_deref().unwrap_or(ROOT);
                self.move_file(r.fromqq, r.group, &r.fileid, r.fromfolder.as_deref(), to)
                    .await
            }
            R::GetGroupFileList(r) => {
                let listing = self.listing(r.fromqq, r.group, &r.folder).await;
                listing.map(|listing| Reply::Files(xlz_items(&listing)))
            }
            R::GetGroupFileUrl(r) => self
                .group_file_bytes(r.fromqq, r.group, &r.fileid)
                .await
                .map(|(hash, _)| Reply::Text(self.media_url(&hash))),
            R::ForwardGroupFileToGroup(r) => {
                self.forward_to_group(r.fromqq, r.fromgroup, r.togroup, &r.fileid)
                    .await
            }
            R::ForwardGroupFileToFriend(r) => {
                self.forward_group_file_to_friend(r.fromqq, r.fromgroup, r.toqq, &r.fileid)
                    .await
            }
            R::ForwardFriendFileToFriend(r) => {
                self.forward_friend_file(r.logonqq, r.toqq, &r.fileid, &r.filename)
                    .await
            }
            other => return Err(other),
        })
    }

    /// The parameter names of `account`'s implementation.
    fn dialect(&self, account: Uin) -> &'static Dialect {
        dialect(detect(&self.implementation(account)))
    }

    /// Calls `action` on `account`'s connection.
    async fn file_call(&self, account: Uin, action: &str, params: Value) -> Result<Value, Failure> {
        let link = self.link(account)?;
        link.call(action, params)
            .await
            .map_err(|e| self.failed(account, e))
    }

    /// The busid lizi saw for `account`'s file `id`, else the usual one.
    fn busid(&self, account: Uin, id: &str) -> i64 {
        let found = self.lock_files().records.get(account, id.trim());
        or_unknown(found, "a file").map_or(DEFAULT_BUSID, |record| record.busid)
    }

    /// The implementation's listing of `folder_id` of `group`; a root listing refreshes
    /// the folder names.
    async fn list_folder(
        &self,
        account: Uin,
        group: Gin,
        folder_id: &str,
    ) -> Result<GroupFiles, Failure> {
        let data = if is_root(folder_id) {
            self.file_call(account, "get_group_root_files", json!({"group_id": group}))
                .await?
        } else {
            let params = json!({"group_id": group, "folder_id": folder_id});
            self.file_call(account, "get_group_files_by_folder", params)
                .await?
        };
        let listing: GroupFiles = serde_json::from_value(data).map_err(|e| {
            Failure::new(
                FailureKind::Internal,
                format!(
                    "{} answered a file listing lizi cannot read: {e}",
                    self.implementation(account)
                ),
            )
        })?;
        if is_root(folder_id) {
            let names = listing
                .folders
                .iter()
                .map(|f| (f.folder_name.clone(), f.folder_id.clone()))
                .collect();
            self.lock_files().folders.insert((account, group), names);
        }
        Ok(listing)
    }

    /// The id of the folder XLZ names `folder` (a name, or an id; empty or `/` is the
    /// root): from the cache, else from a fresh root listing.
    async fn folder_id(&self, account: Uin, group: Gin, folder: &str) -> Result<String, Failure> {
        if is_root(folder) {
            return Ok(ROOT.to_owned());
        }
        let wanted = folder.trim();
        let cached = |files: &Files| {
            let names = files.folders.get(&(account, group))?;
            let by_name = names.get(wanted.trim_start_matches('/')).cloned();
            by_name.or_else(|| names.values().find(|id| *id == wanted).cloned())
        };
        if let Some(id) = cached(&self.lock_files()) {
            return Ok(id);
        }
        self.list_folder(account, group, ROOT).await?;
        cached(&self.lock_files())
            .ok_or_else(|| not_found(format!("group {group} has no folder named {wanted}")))
    }

    /// Forgets `group`'s folder names after a change.
    fn folders_changed(&self, account: Uin, group: Gin) {
        self.lock_files().folders.remove(&(account, group));
    }

    async fn listing(&self, account: Uin, group: Gin, folder: &str) -> Result<GroupFiles, Failure> {
        let id = self.folder_id(account, group, folder).await?;
        self.list_folder(account, group, &id).await
    }

    async fn new_folder(&self, account: Uin, group: Gin, name: &str) -> Result<Reply, Failure> {
        let name = name.trim().trim_start_matches('/');
        if name.is_empty() || name.contains('/') {
            return Err(Failure::new(
                FailureKind::Invalid,
                format!("`{name}` is not a folder name (folders are one level deep; no `/`)"),
            ));
        }
        let call = self.dialect(account).create_folder(group, name);
        self.change_folders(account, group, call).await
    }

    async fn rename_folder(
        &self,
        account: Uin,
        group: Gin,
        folder: &str,
        name: &str,
    ) -> Result<Reply, Failure> {
        let dialect = self.dialect(account);
        if !dialect.rename_folder {
            return Err(Failure::new(
                FailureKind::NotImplemented,
                format!(
                    "{} has no action to rename a group folder (rename_group_file_folder): \
                     /renamegroupfolder cannot be carried out on account {account}",
                    dialect.name
                ),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.contains('/') {
            return Err(Failure::new(
                FailureKind::Invalid,
                format!("`{name}` is not a folder name (no `/`)"),
            ));
        }
        let id = self
            .folder_but_root(account, group, folder, "renamed")
            .await?;
        match dialect.rename_folder(group, &id, name) {
            Some(call) => self.change_folders(account, group, call).await,
            None => Ok(Reply::Done),
        }
    }

    async fn remove_folder(
        &self,
        account: Uin,
        group: Gin,
        folder: &str,
    ) -> Result<Reply, Failure> {
        let id = self
            .folder_but_root(account, group, folder, "removed")
            .await?;
        let call = self.dialect(account).delete_folder(group, &id);
        self.change_folders(account, group, call).await
    }

    /// The id of folder `folder`, which must not be the root (which cannot be `what`).
    async fn folder_but_root(
        &self,
        account: Uin,
        group: Gin,
        folder: &str,
        what: &str,
    ) -> Result<String, Failure> {
        let id = self.folder_id(account, group, folder).await?;
        if id == ROOT {
            return Err(Failure::new(
                FailureKind::Invalid,
                format!("the root folder cannot be {what}"),
            ));
        }
        Ok(id)
    }

    /// Makes a folder change through `call`; the folder names known are refreshed next
    /// time.
    async fn change_folders(
        &self,
        account: Uin,
        group: Gin,
        (action, params): dialect::ActionCall,
    ) -> Result<Reply, Failure> {
        self.folders_changed(account, group);
        self.file_call(account, action, params).await?;
        Ok(Reply::Done)
    }

    /// The folder id file `id` of `group` is in, and the file's name: looked up at the root
    /// and then in each folder.
    async fn locate(
        &self,
        account: Uin,
        group: Gin,
        id: &str,
    ) -> Result<(String, String), Failure> {
        let root = self.list_folder(account, group, ROOT).await?;
        if let Some(file) = root.files.iter().find(|f| f.file_id == id) {
            return Ok((ROOT.to_owned(), file.file_name.clone()));
        }
        for folder in &root.folders {
            let inside = self.list_folder(account, group, &folder.folder_id).await?;
            if let Some(file) = inside.files.iter().find(|f| f.file_id == id) {
                return Ok((folder.folder_id.clone(), file.file_name.clone()));
            }
        }
        Err(not_found(format!("group {group} has no file {id}")))
    }

    async fn move_file(
        &self,
        account: Uin,
        group: Gin,
        id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<Reply, Failure> {
        let dialect = self.dialect(account);
        let id = id.trim();
        if dialect.move_folders.is_none() {
            return Err(Failure::new(
                FailureKind::NotImplemented,
                format!(
                    "{} has no action to move a group file (move_group_file)",
                    dialect.name
                ),
            ));
        }
        let target = self.folder_id(account, group, to).await?;
        let (source, _) = self.locate(account, group, id).await?;
        if let Some(from) = from.filter(|from| !from.trim().is_empty()) {
            let named = self.folder_id(account, group, from).await?;
            if named != source {
                return Err(not_found(format!(
                    "file {id} is not in folder {from} of group {group}"
                )));
            }
        }
        if let Some((action, params)) = dialect.move_file(group, id, &source, &target) {
            self.file_call(account, action, params).await?;
        }
        Ok(Reply::Done)
    }

    /// A receipt for a file sent to a friend, when the implementation does not report the
    /// message: made up, as docs/bridge.md#what-works-on-each-implementation row 76 allows.
    fn file_receipt(&self, account: Uin, friend: Uin) -> Receipt {
        let time = now();
        let req = self.next_req(account, Conversation::Friend(friend));
        Receipt {
            req,
            random: random_of(time ^ req),
            time,
        }
    }

    async fn forward_to_group(
        &self,
        account: Uin,
        from: Gin,
        to: Gin,
        id: &str,
    ) -> Result<Reply, Failure> {
        let (hash, name) = self.group_file_bytes(account, from, id).await?;
        let file = self.stored_base64(&hash).await?;
        let params = json!({"group_id": to, "file": file, "name": name});
        self.file_call(account, "upload_group_file", params).await?;
        Ok(Reply::Done)
    }

    async fn forward_group_file_to_friend(
        &self,
        account: Uin,
        group: Gin,
        friend: Uin,
        id: &str,
    ) -> Result<Reply, Failure> {
        let (hash, name) = self.group_file_bytes(account, group, id).await?;
        self.send_friend_file(account, friend, &hash, &name).await
    }

    async fn forward_friend_file(
        &self,
        account: Uin,
        friend: Uin,
        id: &str,
        name: &str,
    ) -> Result<Reply, Failure> {
        let id = id.trim();
        let known = self.lock_files().records.get(account, id);
        let known = or_unknown(known, "a file").map(|r| r.name);
        let name = known.unwrap_or_else(|| name.trim().to_owned());
        let data = self
            .file_call(account, "get_private_file_url", json!({"file_id": id}))
            .await?;
        let hash = self.fetch_url(account, &data).await?;
        self.send_friend_file(account, friend, &hash, &name).await
    }

    async fn send_friend_file(
        &self,
        account: Uin,
        friend: Uin,
        hash: &str,
        name: &str,
    ) -> Result<Reply, Failure> {
        let file = self.stored_base64(hash).await?;
        let params = json!({"user_id": friend, "file": file, "name": name});
        self.file_call(account, "upload_private_file", params)
            .await?;
        Ok(Reply::Sent(self.file_receipt(account, friend)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_onebot::action::{GroupFile, GroupFolder};

    #[test]
    fn listings_put_folders_first_then_files_by_time() {
        let file = |id: &str, time| GroupFile {
            group_id: 1,
            file_id: id.into(),
            file_name: id.into(),
            busid: 102,
            file_size: 3,
            upload_time: time,
            dead_time: 0,
            modify_time: time,
            download_times: 0,
            uploader: 42,
            uploader_name: String::new(),
        };
        let listing = GroupFiles {
            files: vec![file("/b", 2), file("/a", 1)],
            folders: vec![GroupFolder {
                group_id: 1,
                folder_id: "/f".into(),
                folder_name: "docs".into(),
                create_time: 5,
                creator: 7,
                creator_name: String::new(),
                total_file_count: 0,
            }],
        };
        let items = xlz_items(&listing);
        let ids: Vec<&str> = items.iter().map(|i| i.file_id.as_str()).collect();
        assert_eq!(ids, ["/f", "/a", "/b"]);
        assert!(items[0].is_folder && !items[1].is_folder);
        assert_eq!(
            (items[0].file_name.as_str(), items[0].uploader_uin),
            ("docs", 7)
        );
    }
}
