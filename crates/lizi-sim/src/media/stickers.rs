//! Favourite stickers (自定义表情): the pictures a framework account keeps to send again,
//! in [`World::stickers`] by account and number. A sticker is a picture the network holds
//! (by hash); QQ names it by a `resId` made of the account and the picture's MD5, and gives
//! it a description. The control API's `stickers`, `add_sticker`, `remove_sticker` and
//! `describe_sticker` read and change them (XLZ has no endpoint for them).

use lizi_core::{Reply, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::backend::{Handled, SimBackend};
use crate::control::account::{AddSticker, DescribeSticker, RemoveSticker};
use crate::error::SimError;
use crate::world::World;

/// The most favourite stickers QQ keeps for an account.
pub const MOST_STICKERS: usize = 300;

/// One favourite sticker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sticker {
    /// The picture's hash (MD5, upper-case hex).
    pub md5: String,
    /// Its description (empty when none).
    #[serde(default)]
    pub desc: String,
    /// When it was added (unix seconds).
    pub time: i64,
}

/// QQ's `resId` of `account`'s sticker of picture `md5`.
pub fn res_id(account: Uin, md5: &str) -> String {
    format!("{account}_0_0_0_{md5}_0_0")
}

impl World {
    /// The favourite stickers of framework account `account`, newest first, with their
    /// numbers.
    pub fn stickers_of(&self, account: Uin) -> Result<Vec<(u32, &Sticker)>, SimError> {
        self.account(account)?;
        Ok(self
            .stickers
            .range((account, 0)..=(account, u32::MAX))
            .rev()
            .map(|((_, id), sticker)| (*id, sticker))
            .collect())
    }

    /// `account` keeps the picture `md5` (which the network holds) as a favourite sticker
    /// described `desc`, at `time`; answers its number.
    pub fn add_sticker(
        &mut self,
        account: Uin,
        md5: &str,
        desc: &str,
        time: i64,
    ) -> Result<u32, SimError> {
        self.online_account(account)?;
        if !self.media.contains_key(&md5.to_owned()) {
            return Err(SimError::NotFound(format!(
                "the network holds no picture with hash {md5}"
            )));
        }
        let (kept, count, id) = {
            let mine = self.stickers_of(account)?;
            let kept = mine.iter().find(|(_, s)| s.md5 == md5).map(|(id, _)| *id);
            (kept, mine.len(), mine.first().map_or(1, |(id, _)| id + 1))
        };
        if let Some(id) = kept {
            return Err(SimError::Refused(format!(
                "{account} already keeps that picture as sticker {id}"
            )));
        }
        if count >= MOST_STICKERS {
            return Err(SimError::Refused(format!(
                "{account} keeps {MOST_STICKERS} stickers already, QQ's most"
            )));
        }
        let sticker = Sticker {
            md5: md5.to_owned(),
            desc: desc.to_owned(),
            time,
        };
        self.stickers.insert((account, id), sticker);
        Ok(id)
    }

    /// `account` drops the stickers named by `res_ids` (all of them, or none when one is
    /// not its); answers how many.
    pub fn remove_stickers(&mut self, account: Uin, res_ids: &[String]) -> Result<usize, SimError> {
        self.online_account(account)?;
        let mut ids = Vec::new();
        for wanted in res_ids {
            let found = self
                .stickers_of(account)?
                .into_iter()
                .find(|(_, s)| res_id(account, &s.md5) == *wanted);
            match found {
                Some((id, _)) => ids.push(id),
                None => {
                    return Err(SimError::NotFound(format!(
                        "{account} keeps no sticker {wanted}"
                    )))
                }
            }
        }
        for id in &ids {
            self.stickers.remove(&(account, *id));
        }
        Ok(ids.len())
    }

    /// `account` describes its sticker number `id` as `desc`.
    pub fn describe_sticker(&mut self, account: Uin, id: u32, desc: &str) -> Result<(), SimError> {
        self.online_account(account)?;
        let sticker = self
            .stickers
            .get_mut(&(account, id))
            .ok_or_else(|| SimError::NotFound(format!("{account} keeps no sticker {id}")))?;
        sticker.desc = desc.to_owned();
        Ok(())
    }
}

impl SimBackend {
    /// A sticker as the control API shows it, with the URL serving the picture.
    fn sticker_view(&self, account: Uin, id: u32, sticker: &Sticker) -> Value {
        json!({
            "id": id,
            "res_id": res_id(account, &sticker.md5),
            "md5": sticker.md5,
            "desc": sticker.desc,
            "time": sticker.time,
            "url": self.media_url(&sticker.md5),
        })
    }

    /// The control API's `stickers` view.
    pub(crate) fn control_stickers(&self, account: Uin) -> Handled {
        self.read(|w| {
            let stickers: Vec<Value> = w
                .stickers_of(account)?
                .into_iter()
                .map(|(id, sticker)| self.sticker_view(account, id, sticker))
                .collect();
            Ok(Reply::Json(
                json!({ "account": account, "stickers": stickers }),
            ))
        })
    }

    /// The control API's `add_sticker`: answers the new sticker.
    pub(crate) fn control_add_sticker(&self, add: AddSticker) -> Handled {
        let hash = add.md5.to_ascii_uppercase();
        let desc = add.desc.unwrap_or_default();
        self.change(|w| {
            let id = w.add_sticker(add.account, &hash, &desc, self.now())?;
            let sticker = w.stickers.get(&(add.account, id)).cloned();
            let view = sticker.map_or(Value::Null, |s| self.sticker_view(add.account, id, &s));
            Ok((Reply::Json(view), Vec::new()))
        })
    }

    /// The control API's `remove_sticker`.
    pub(crate) fn control_remove_sticker(&self, remove: RemoveSticker) -> Handled {
        self.change(|w| {
            let removed = w.remove_stickers(remove.account, &remove.res_ids)?;
            Ok((
                Reply::Json(json!({ "ret": "ok", "removed": removed })),
                Vec::new(),
            ))
        })
    }

    /// The control API's `describe_sticker`.
    pub(crate) fn control_describe_sticker(&self, describe: DescribeSticker) -> Handled {
        self.change(|w| {
            w.describe_sticker(describe.account, describe.id, &describe.desc)?;
            Ok((Reply::Json(json!({ "ret": "ok" })), Vec::new()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::WorldFixture;
    use lizi_core::media::MediaInfo;

    #[test]
    fn stickers_are_kept_listed_described_and_dropped() {
        let mut world = World::from_fixture(&WorldFixture::default_world(), 100);
        let hash = "0123456789ABCDEF0123456789ABCDEF".to_owned();
        assert!(
            world.add_sticker(10001, &hash, "", 1).is_err(),
            "unknown picture"
        );
        world
            .media
            .insert(hash.clone(), MediaInfo::of(b"GIF89a\x01\0\x01\0", 1));
        assert_eq!(world.add_sticker(10001, &hash, "cat", 2), Ok(1));
        assert!(
            world.add_sticker(10001, &hash, "", 3).is_err(),
            "kept already"
        );
        world.describe_sticker(10001, 1, "dog").expect("describe");
        let list = world.stickers_of(10001).expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].1.desc, "dog");
        world.take_changes();
        let unknown = ["nope".to_owned(), res_id(10001, &hash)];
        assert!(world.remove_stickers(10001, &unknown).is_err());
        assert!(!world.has_changes(), "nothing removed when one is unknown");
        assert_eq!(world.remove_stickers(10001, &[res_id(10001, &hash)]), Ok(1));
        assert!(world.stickers_of(10001).expect("list").is_empty());
    }
}
