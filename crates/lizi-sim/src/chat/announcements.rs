//! Group announcements (群公告): posted and deleted by an owner or admin, read by
//! members. QQ reports no event for them.

use lizi_core::{Gin, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::control::chat::SimAnnounce;
use crate::error::SimError;
use crate::world::World;

/// The most characters an announcement's text may hold (QQ's announcement editor).
pub const MAX_TEXT: usize = 1_000;

/// An announcement (a row of [`World::announcements`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// Its id (QQ's `fid`: 32 hex digits).
    pub id: String,
    /// Who posted it.
    pub sender: Uin,
    /// When (unix seconds).
    pub time: i64,
    /// Its text.
    pub text: String,
    /// A picture, by hash.
    #[serde(default)]
    pub image: Option<String>,
    /// Pinned to the top.
    #[serde(default)]
    pub pinned: bool,
    /// Members must confirm they read it.
    #[serde(default)]
    pub confirm_required: bool,
}

impl World {
    /// `announce.operator` (an owner or admin) posts an announcement in its group at
    /// `time`; answers its id.
    pub fn announce(&mut self, announce: &SimAnnounce, time: i64) -> Result<String, SimError> {
        let (operator, gin) = (announce.operator, announce.group);
        self.active_person(operator)?;
        self.group(gin)?
            .require_manager(operator, "post announcements")?;
        let length = announce.text.chars().count();
        if length > MAX_TEXT {
            return Err(SimError::TooLong {
                what: "announcement",
                length,
                unit: "characters",
                limit: MAX_TEXT,
            });
        }
        if let Some(hash) = &announce.image {
            if !self.media.contains_key(hash) {
                return Err(SimError::NotFound(format!(
                    "the network holds no picture {hash}"
                )));
            }
        }
        let id = loop {
            let id = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            if !self.announcements.contains_key(&(gin, id.clone())) {
                break id;
            }
        };
        let row = Announcement {
            id: id.clone(),
            sender: operator,
            time,
            text: announce.text.clone(),
            image: announce.image.clone(),
            pinned: announce.pinned,
            confirm_required: announce.confirm_required,
        };
        self.announcements.insert((gin, id.clone()), row);
        Ok(id)
    }

    /// `operator` (an owner or admin of `gin`) deletes announcement `id`.
    pub fn delete_announcement(
        &mut self,
        operator: Uin,
        gin: Gin,
        id: &str,
    ) -> Result<(), SimError> {
        self.active_person(operator)?;
        self.group(gin)?
            .require_manager(operator, "delete announcements")?;
        self.announcements
            .remove(&(gin, id.to_owned()))
            .map(drop)
            .ok_or_else(|| SimError::NotFound(format!("group {gin} has no announcement {id}")))
    }

    /// The control API's `announcements` view: the announcements of `gin`, newest
    /// first, as `viewer` (a member, when given) reads them.
    pub fn announcements_view(&self, gin: Gin, viewer: Option<Uin>) -> Result<Value, SimError> {
        self.group_for(gin, viewer)?;
        let mut rows: Vec<&Announcement> = self
            .announcements
            .range((gin, String::new())..)
            .take_while(|((g, _), _)| *g == gin)
            .map(|(_, row)| row)
            .collect();
        rows.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.id.cmp(&b.id)));
        let entries: Vec<Value> = rows
            .into_iter()
            .map(|row| {
                let image = row.image.as_ref().map(|hash| {
                    let info = self.media.get(hash);
                    json!({
                        "hash": hash,
                        "width": info.map_or(0, |i| i.width),
                        "height": info.map_or(0, |i| i.height),
                    })
                });
                json!({
                    "notice_id": row.id,
                    "sender": row.sender,
                    "time": row.time,
                    "text": row.text,
                    "image": image,
                    "pinned": row.pinned,
                    "confirm_required": row.confirm_required,
                })
            })
            .collect();
        Ok(json!({"group": gin, "announcements": entries}))
    }
}
