//! The files accounts saw reported (docs/bridge.md#how-onebot-events-become-xlz-events `group_upload`, `offline_file` and
//! `file` segments), kept in lizi's store (kind [`DOC_KIND`]): each file's id, name, size
//! and `busid` for the file actions, and the hash of its bytes once lizi fetched them; and
//! the folder names of each group, as the file actions learnt them. Files are found by key
//! ([`Kept`]), not held in memory. Reading files out of OneBot events is
//! [`crate::inbound::files`]'s part.

use std::collections::HashMap;
use std::sync::Arc;

use lizi_core::{Gin, Uin};
use lizi_store::{Op, Store, StoreError};
use serde::{Deserialize, Serialize};

use super::kept::Kept;

/// The store document kind of the files seen.
pub const DOC_KIND: &str = "bridge_file";

/// The busid of ordinary group files, when lizi has not seen a file's own.
pub const DEFAULT_BUSID: i64 = 102;

/// The file state of the bridge: the files seen and the folder names known.
#[derive(Debug)]
pub struct Files {
    /// The files accounts saw.
    pub records: FileRecords,
    /// Folder name → id, per account and group, as the file actions learnt them (asked
    /// again after a restart).
    pub folders: HashMap<(Uin, Gin), HashMap<String, String>>,
}

impl Files {
    /// The file state kept in `store`.
    pub fn open(store: Arc<Store>) -> Files {
        Files {
            records: FileRecords {
                by_id: Kept::new(store, DOC_KIND),
            },
            folders: HashMap::new(),
        }
    }
}

/// A file an account saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The account.
    pub account: Uin,
    /// The group of a group file, 0 for a file from a friend.
    pub group: Gin,
    /// The implementation's file id.
    pub id: String,
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// File type id.
    pub busid: i64,
    /// The MD5 (upper-case hex) of its bytes once lizi stored them.
    #[serde(default)]
    pub md5: Option<String>,
}

/// The files of every account, kept in lizi's store and found by (account, id).
#[derive(Debug)]
pub struct FileRecords {
    by_id: Kept<FileRecord>,
}

impl FileRecords {
    /// `account`'s file `id`.
    pub fn get(&self, account: Uin, id: &str) -> Result<Option<FileRecord>, StoreError> {
        self.by_id.get(&format!("{account}:{id}"))
    }

    /// Keeps `record`; answers the op that stores it.
    pub fn insert(&mut self, record: FileRecord) -> Op {
        self.by_id
            .put(format!("{}:{}", record.account, record.id), &record)
    }
}
