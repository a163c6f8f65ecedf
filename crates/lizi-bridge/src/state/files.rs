//! The files accounts saw reported (onebot.md §3 `group_upload`, `offline_file` and
//! `file` segments), kept in lizi's store (kind [`DOC_KIND`]): each file's id, name, size
//! and `busid` for the file actions, and the hash of its bytes once lizi fetched them; and
//! the folder names of each group, as the file actions learnt them. Reading files out of
//! OneBot events is [`crate::inbound::files`]'s part.

use std::collections::HashMap;

use lizi_core::{Gin, Uin};
use lizi_store::Op;
use serde::{Deserialize, Serialize};

/// The store document kind of the files seen.
pub const DOC_KIND: &str = "bridge_file";

/// The busid of ordinary group files, when lizi has not seen a file's own.
pub const DEFAULT_BUSID: i64 = 102;

/// The file state of the bridge: the files seen and the folder names known.
#[derive(Debug, Default)]
pub struct Files {
    /// The files accounts saw.
    pub records: FileRecords,
    /// Folder name → id, per account and group.
    pub folders: HashMap<(Uin, Gin), HashMap<String, String>>,
}

impl Files {
    /// The file state kept among the store's documents.
    pub fn load(docs: &[(String, String, String)]) -> Files {
        Files {
            records: FileRecords::load(docs),
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

/// The files of every account, by id.
#[derive(Debug, Default)]
pub struct FileRecords {
    by_id: HashMap<(Uin, String), FileRecord>,
}

impl FileRecords {
    /// The records among the store's documents.
    pub fn load(docs: &[(String, String, String)]) -> FileRecords {
        let mut records = FileRecords::default();
        for (_, _, body) in docs.iter().filter(|(kind, ..)| kind == DOC_KIND) {
            if let Ok(record) = serde_json::from_str::<FileRecord>(body) {
                records
                    .by_id
                    .insert((record.account, record.id.clone()), record);
            }
        }
        records
    }

    /// `account`'s file `id`.
    pub fn get(&self, account: Uin, id: &str) -> Option<&FileRecord> {
        self.by_id.get(&(account, id.to_owned()))
    }

    /// Keeps `record`; answers the op that stores it.
    pub fn insert(&mut self, record: FileRecord) -> Op {
        let op = Op::Doc {
            kind: DOC_KIND.into(),
            key: format!("{}:{}", record.account, record.id),
            body: serde_json::to_string(&record).ok(),
        };
        self.by_id
            .insert((record.account, record.id.clone()), record);
        op
    }
}
