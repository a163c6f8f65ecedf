//! The rules of group files and folders, and of files sent to friends.
//!
//! Folders are one level deep, as in QQ: they live in the root. Owner and admins manage
//! folders and any file; a member may remove or move the files they uploaded, and upload
//! only while the group lets members upload (`/setgrouppriv_uploadfile`). A new file is
//! announced as a group message whose `File` part names it; a file sent to a friend is a
//! `PrivateMsg` of type 529.

use lizi_core::event::{private_kind, FileRef};
use lizi_core::textcode::{self, Segment};
use lizi_core::{Event, Gin, Receipt, Uin};

use super::model::{new_id, FileEntry, FileKey, FileScope, ROOT};
use crate::error::SimError;
use crate::messages::{random_id, Target};
use crate::world::{Role, World};

/// What a new file is: name, content hash and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// File name.
    pub name: String,
    /// MD5 of the content, upper-case hex.
    pub md5: String,
    /// Size in bytes.
    pub size: u64,
}

impl NewFile {
    /// A new file named `name` with the content of `entry`.
    fn copy_of(entry: &FileEntry) -> NewFile {
        NewFile {
            name: entry.name.clone(),
            md5: entry.md5.clone(),
            size: entry.size,
        }
    }
}

/// Whether `folder` names the root.
fn is_root(folder: &str) -> bool {
    matches!(folder.trim(), "" | ROOT)
}

/// The message text announcing a file: its name, escaped so that it stays text.
fn file_text(name: &str) -> String {
    textcode::print(&[Segment::Text(name.to_owned())])
}

impl World {
    /// Fails unless `uin` is the owner or an admin of `gin`; `what` says what for.
    pub(crate) fn ensure_manager(&self, uin: Uin, gin: Gin, what: &str) -> Result<(), SimError> {
        let group = self.group(gin)?;
        group.member(uin)?;
        match group.role(uin) {
            Role::Owner | Role::Admin => Ok(()),
            Role::Member => Err(SimError::NoPermission(format!(
                "{uin} is only a member of group {gin}; only the owner or an admin may {what}"
            ))),
        }
    }

    /// Fails unless `uin` may upload files to `gin`.
    pub(crate) fn ensure_may_upload(&self, uin: Uin, gin: Gin) -> Result<(), SimError> {
        let group = self.group(gin)?;
        group.member(uin)?;
        if group.role(uin) == Role::Member && !group.settings.upload_file {
            return Err(SimError::NoPermission(format!(
                "members may not upload files in group {gin}; {uin} is only a member"
            )));
        }
        Ok(())
    }

    /// The id of the folder `folder` (an id or a name; empty or `/` is the root) of `gin`.
    pub(crate) fn folder_id(&self, gin: Gin, folder: &str) -> Result<String, SimError> {
        if is_root(folder) {
            return Ok(ROOT.to_owned());
        }
        let folder = folder.trim();
        self.group_entries(gin)
            .filter(|f| f.is_folder)
            .find(|f| f.id == folder)
            .or_else(|| {
                self.group_entries(gin)
                    .filter(|f| f.is_folder)
                    .find(|f| f.name == folder.trim_start_matches('/'))
            })
            .map(|f| f.id.clone())
            .ok_or_else(|| SimError::NotFound(format!("group {gin} has no folder {folder}")))
    }

    /// Every file and folder of `gin`.
    pub(crate) fn group_entries(&self, gin: Gin) -> impl Iterator<Item = &FileEntry> {
        let scope = FileScope::Group(gin);
        self.files
            .range((scope, String::new())..)
            .take_while(move |((s, _), _)| *s == scope)
            .map(|(_, entry)| entry)
    }

    /// The file (not folder) `id` of `gin`.
    pub(crate) fn group_file(&self, gin: Gin, id: &str) -> Result<&FileEntry, SimError> {
        self.files
            .get(&(FileScope::Group(gin), id.trim().to_owned()))
            .filter(|f| !f.is_folder)
            .ok_or_else(|| SimError::NotFound(format!("group {gin} has no file {id}")))
    }

    /// `/getgroupfilelist`: the entries of one folder, folders first, then by time.
    pub(crate) fn file_list(
        &self,
        uin: Uin,
        gin: Gin,
        folder: &str,
    ) -> Result<Vec<FileEntry>, SimError> {
        self.account(uin)?;
        self.group(gin)?.member(uin)?;
        let folder = self.folder_id(gin, folder)?;
        let mut list: Vec<FileEntry> = self
            .group_entries(gin)
            .filter(|f| f.folder == folder)
            .cloned()
            .collect();
        list.sort_by_key(|f| (!f.is_folder, f.time, f.name.clone()));
        Ok(list)
    }

    /// `/newgroupfolder`: owner or admin creates a folder in the root.
    pub(crate) fn new_folder(
        &mut self,
        uin: Uin,
        gin: Gin,
        name: &str,
        time: i64,
    ) -> Result<FileEntry, SimError> {
        self.ensure_manager(uin, gin, "create group folders")?;
        let name = name.trim().trim_start_matches('/');
        if name.is_empty() || name.contains('/') {
            return Err(SimError::Invalid(format!(
                "`{name}` is not a folder name (folders are one level deep; no `/`)"
            )));
        }
        if self
            .group_entries(gin)
            .any(|f| f.is_folder && f.name == name)
        {
            return Err(SimError::Invalid(format!(
                "group {gin} already has a folder named {name}"
            )));
        }
        let entry = FileEntry {
            id: new_id(),
            name: name.to_owned(),
            folder: ROOT.to_owned(),
            is_folder: true,
            size: 0,
            md5: String::new(),
            uploader: uin,
            time,
        };
        self.files
            .insert((FileScope::Group(gin), entry.id.clone()), entry.clone());
        Ok(entry)
    }

    /// `/renamegroupfolder`.
    pub(crate) fn rename_folder(
        &mut self,
        uin: Uin,
        gin: Gin,
        folder: &str,
        name: &str,
    ) -> Result<(), SimError> {
        self.ensure_manager(uin, gin, "rename group folders")?;
        let id = self.folder_id(gin, folder)?;
        let name = name.trim();
        if id == ROOT || name.is_empty() || name.contains('/') {
            return Err(SimError::Invalid(format!(
                "cannot rename {folder} to `{name}` (the root cannot be renamed; no `/`)"
            )));
        }
        if self
            .group_entries(gin)
            .any(|f| f.is_folder && f.name == name && f.id != id)
        {
            return Err(SimError::Invalid(format!(
                "group {gin} already has a folder named {name}"
            )));
        }
        if let Some(entry) = self.files.get_mut(&(FileScope::Group(gin), id)) {
            entry.name = name.to_owned();
        }
        Ok(())
    }

    /// `/removegroupfolder`: the folder and the files in it.
    pub(crate) fn remove_folder(
        &mut self,
        uin: Uin,
        gin: Gin,
        folder: &str,
    ) -> Result<(), SimError> {
        self.ensure_manager(uin, gin, "remove group folders")?;
        let id = self.folder_id(gin, folder)?;
        if id == ROOT {
            return Err(SimError::Invalid(
                "the root folder cannot be removed".into(),
            ));
        }
        let doomed: Vec<FileKey> = self
            .group_entries(gin)
            .filter(|f| f.id == id || f.folder == id)
            .map(|f| (FileScope::Group(gin), f.id.clone()))
            .collect();
        for key in doomed {
            self.files.remove(&key);
        }
        Ok(())
    }

    /// Fails unless `uin` may change file `id` of `gin`: its uploader, or a manager.
    fn ensure_may_change(&self, uin: Uin, gin: Gin, id: &str, what: &str) -> Result<(), SimError> {
        let file = self.group_file(gin, id)?;
        if file.uploader == uin {
            self.group(gin)?.member(uin)?;
            return Ok(());
        }
        self.ensure_manager(uin, gin, &format!("{what} files others uploaded"))
    }

    /// `/removegroupfile`.
    pub(crate) fn remove_file(&mut self, uin: Uin, gin: Gin, id: &str) -> Result<(), SimError> {
        self.ensure_may_change(uin, gin, id, "remove")?;
        self.files
            .remove(&(FileScope::Group(gin), id.trim().to_owned()));
        Ok(())
    }

    /// The control API's `rename_file`: file `id` of `gin`, in folder `folder` (an id or
    /// name), is named `name`; by its uploader or a manager.
    pub(crate) fn rename_file(
        &mut self,
        uin: Uin,
        gin: Gin,
        id: &str,
        folder: &str,
        name: &str,
    ) -> Result<(), SimError> {
        self.ensure_may_change(uin, gin, id, "rename")?;
        let source = self.folder_id(gin, folder)?;
        if self.group_file(gin, id)?.folder != source {
            return Err(SimError::NotFound(format!(
                "file {id} is not in folder {folder} of group {gin}"
            )));
        }
        let name = name.trim();
        if name.is_empty() || name.contains('/') {
            return Err(SimError::Invalid(format!(
                "cannot rename file {id} to `{name}` (a name, without `/`)"
            )));
        }
        if let Some(entry) = self
            .files
            .get_mut(&(FileScope::Group(gin), id.trim().to_owned()))
        {
            entry.name = name.to_owned();
        }
        Ok(())
    }

    /// `/movegroupfile`: into `to` (a folder id or name; empty is the root).
    pub(crate) fn move_file(
        &mut self,
        uin: Uin,
        gin: Gin,
        id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<(), SimError> {
        self.ensure_may_change(uin, gin, id, "move")?;
        let target = self.folder_id(gin, to)?;
        if let Some(from) = from {
            let source = self.folder_id(gin, from)?;
            if self.group_file(gin, id)?.folder != source {
                return Err(SimError::NotFound(format!(
                    "file {id} is not in folder {from} of group {gin}"
                )));
            }
        }
        if let Some(entry) = self
            .files
            .get_mut(&(FileScope::Group(gin), id.trim().to_owned()))
        {
            entry.folder = target;
        }
        Ok(())
    }

    /// A new file of `gin` in `folder`, uploaded by `from` at `time`: the entry and the
    /// group message that announces it to the group's online framework accounts.
    pub(crate) fn add_group_file(
        &mut self,
        from: Uin,
        gin: Gin,
        folder: &str,
        file: NewFile,
        time: i64,
    ) -> Result<(FileEntry, Vec<Event>), SimError> {
        self.active_person(from)?;
        self.ensure_may_upload(from, gin)?;
        let folder = self.folder_id(gin, folder)?;
        let entry = FileEntry {
            id: new_id(),
            name: file.name,
            folder,
            is_folder: false,
            size: file.size,
            md5: file.md5,
            uploader: from,
            time,
        };
        let (_, mut events) = self.send(
            from,
            Target::Group(gin),
            &file_text(&entry.name),
            time,
            random_id(),
        )?;
        for event in &mut events {
            if let Event::GroupMsg(message) = event {
                message.file = file_ref(&entry);
            }
        }
        self.files
            .insert((FileScope::Group(gin), entry.id.clone()), entry.clone());
        Ok((entry, events))
    }

    /// `from` sends a file to friend `to`: a `PrivateMsg` of type 529, and the file in
    /// `to`'s friend files (answered with the receipt).
    pub(crate) fn send_friend_file(
        &mut self,
        from: Uin,
        to: Uin,
        file: NewFile,
        time: i64,
    ) -> Result<(Receipt, FileEntry, Vec<Event>), SimError> {
        let entry = FileEntry {
            id: new_id(),
            name: file.name,
            folder: ROOT.to_owned(),
            is_folder: false,
            size: file.size,
            md5: file.md5,
            uploader: from,
            time,
        };
        let (receipt, mut events) = self.send(
            from,
            Target::Private(to),
            &file_text(&entry.name),
            time,
            random_id(),
        )?;
        for event in &mut events {
            if let Event::PrivateMsg(message) = event {
                message.msg.kind = private_kind::FILE;
                message.file = file_ref(&entry);
            }
        }
        self.files
            .insert((FileScope::Friend(to), entry.id.clone()), entry.clone());
        Ok((receipt, entry, events))
    }

    /// `/forwardgroupfiletogroup`.
    pub(crate) fn forward_to_group(
        &mut self,
        uin: Uin,
        from_gin: Gin,
        to_gin: Gin,
        id: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.online_account(uin)?;
        self.group(from_gin)?.member(uin)?;
        let file = NewFile::copy_of(self.group_file(from_gin, id)?);
        Ok(self.add_group_file(uin, to_gin, ROOT, file, time)?.1)
    }

    /// `/forwardgroupfiletofriend`.
    pub(crate) fn forward_group_file_to_friend(
        &mut self,
        uin: Uin,
        gin: Gin,
        to: Uin,
        id: &str,
        time: i64,
    ) -> Result<(Receipt, Vec<Event>), SimError> {
        self.online_account(uin)?;
        self.group(gin)?.member(uin)?;
        let file = NewFile::copy_of(self.group_file(gin, id)?);
        let (receipt, _, events) = self.send_friend_file(uin, to, file, time)?;
        Ok((receipt, events))
    }

    /// `/forwardfriendfiletofriend`: `logon` forwards a file it received from `from`.
    pub(crate) fn forward_friend_file(
        &mut self,
        logon: Uin,
        from: Uin,
        to: Uin,
        id: &str,
        time: i64,
    ) -> Result<(Receipt, Vec<Event>), SimError> {
        self.online_account(logon)?;
        let file = self
            .files
            .get(&(FileScope::Friend(logon), id.trim().to_owned()))
            .filter(|f| f.uploader == from)
            .ok_or_else(|| SimError::NotFound(format!("{logon} has no file {id} from {from}")))?;
        let file = NewFile::copy_of(file);
        let (receipt, _, events) = self.send_friend_file(logon, to, file, time)?;
        Ok((receipt, events))
    }
}

/// The `File` part of a message carrying `entry`.
fn file_ref(entry: &FileEntry) -> FileRef {
    FileRef {
        id: entry.id.clone(),
        md5: entry.md5.clone(),
        name: entry.name.clone(),
        size: entry.size,
    }
}
