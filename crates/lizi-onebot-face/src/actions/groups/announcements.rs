//! Group announcements (群公告): `_send_group_notice`, `_get_group_notice`,
//! `_del_group_notice` (LLOneBot: `_delete_group_notice`), through the simulated
//! network's `announce`, `announcements` and `delete_announcement` control actions (XLZ
//! has no endpoint for them).
//!
//! Each profile answers as its implementation: NapCat and LLOneBot upload a picture given
//! as `image` first and answer `null`; Lagrange.OneBot fixes `pinned` 0 and
//! `confirm_required` 1, refuses a picture, and answers the new announcement's id.
//! NapCat and LLOneBot list QQ's feed of announcements, which leaves the pinned ones out;
//! Lagrange.OneBot lists them after the others, 20 at most.

use lizi_core::Gin;
use lizi_onebot::action::SendGroupNotice;
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{Answer, Call};

/// The most announcements Lagrange.OneBot lists.
const LAGRANGE_MOST: usize = 20;

impl Call<'_> {
    /// `_send_group_notice`.
    pub(crate) async fn announce(&self, c: &SendGroupNotice) -> Answer {
        let image = c.image.as_deref().filter(|image| !image.trim().is_empty());
        let lagrange = self.profile == Profile::Lagrange;
        if lagrange && image.is_some() {
            return Err(self.failed(
                "Lagrange.OneBot cannot post an announcement with a picture (its image upload is \
                 not implemented)",
            ));
        }
        let image = match image {
            Some(file) => Some(self.upload_picture(c.group_id, file).await?),
            None => None,
        };
        let (pinned, confirm_required) = match lagrange {
            true => (false, true),
            false => (
                c.pinned.unwrap_or(0) != 0,
                c.confirm_required.unwrap_or(1) != 0,
            ),
        };
        let body = json!({
            "operator": self.me(),
            "group": c.group_id,
            "text": c.content,
            "image": image,
            "pinned": pinned,
            "confirm_required": confirm_required,
        });
        let posted = self.control_json("announce", body).await?;
        Ok(if lagrange {
            posted["notice_id"].clone()
        } else {
            Value::Null
        })
    }

    /// `_get_group_notice`: the group's announcements, as the profile lists them.
    pub(crate) async fn announcements(&self, group: Gin) -> Answer {
        let view = self
            .control_json(
                "announcements",
                json!({"group": group, "viewer": self.me()}),
            )
            .await?;
        let rows = view["announcements"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let pinned = |row: &Value| row["pinned"].as_bool().unwrap_or(false);
        let listed: Vec<&Value> = match self.profile {
            Profile::Lagrange => {
                let feeds = rows.iter().filter(|row| !pinned(row));
                feeds
                    .chain(rows.iter().filter(|row| pinned(row)))
                    .take(LAGRANGE_MOST)
                    .collect()
            }
            _ => rows.iter().filter(|row| !pinned(row)).collect(),
        };
        let list: Vec<Value> = listed
            .into_iter()
            .map(|row| self.announcement(row))
            .collect();
        Ok(json!(list))
    }

    /// One announcement of the `announcements` view, as the profile writes it.
    fn announcement(&self, row: &Value) -> Value {
        let images: Vec<Value> = row["image"]
            .as_object()
            .map(|image| {
                json!({
                    "id": image["hash"],
                    "height": image["height"].to_string(),
                    "width": image["width"].to_string(),
                })
            })
            .into_iter()
            .collect();
        let mut out = json!({
            "notice_id": row["notice_id"],
            "sender_id": row["sender"],
            "publish_time": row["time"],
            "message": {"text": row["text"], "images": images},
        });
        if self.profile == Profile::NapCat {
            out["message"]["image"] = json!(images);
            let confirm = u8::from(row["confirm_required"].as_bool().unwrap_or(false));
            out["settings"] = json!({
                "is_show_edit_card": 0,
                "remind_ts": 0,
                "tip_window_type": 0,
                "confirm_required": confirm,
            });
            out["read_num"] = json!(0);
        }
        out
    }

    /// `_del_group_notice` / `_delete_group_notice`.
    pub(crate) async fn delete_announcement(&self, group: Gin, notice_id: &str) -> Answer {
        let body = json!({"operator": self.me(), "group": group, "notice_id": notice_id});
        self.control_json("delete_announcement", body).await?;
        Ok(match self.profile {
            Profile::NapCat => json!({"result": 0, "errMsg": ""}),
            _ => Value::Null,
        })
    }
}
