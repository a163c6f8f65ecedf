//! What the account keeps about its contacts, and what QQ says about numbers: remarks for
//! friends and groups, friends by category, the friend requests QQ found doubtful, and the
//! ranges of official robot numbers (none on the simulated network). XLZ has no endpoint
//! for these, so they go through the simulated network's control actions (`set_remark`,
//! `categories`, `set_category`, `requests`), and the doubtful requests are answered
//! through `/setfriendaddrequest`.
//!
//! Each answers in its implementation's shape (NapCat v4.18.19, LLOneBot v7.0.1): a
//! friend in a category is NapCat's or LLOneBot's `OB11User`, LLOneBot writes a friend
//! without a remark with the nickname as remark, NapCat's `set_doubt_friends_add_request`
//! does not wait for the approval and answers `null` whatever happens.

use lizi_core::endpoint as xlz;
use lizi_core::{Gin, Request, Uin};
use lizi_onebot::action::{
    DoubtRequest, FriendCategory, GetDoubtFriendsAddRequest, SetDoubtFriendsAddRequest,
    SetFriendCategory, SetFriendRemark, SetGroupMsgMask, SetGroupRemark,
};
use lizi_onebot::Profile;
use serde_json::{json, Map, Value};

use crate::actions::call::{data, Answer, Call};
use crate::flag::RequestFlag;

/// `sex` as both implementations write it.
pub(crate) fn sex_name(sex: i64) -> &'static str {
    match sex {
        1 => "male",
        2 => "female",
        _ => "unknown",
    }
}

impl Call<'_> {
    /// `set_friend_remark`: the control API's `set_remark`. NapCat requires `remark`;
    /// LLOneBot takes an absent one as empty (which clears it).
    pub(crate) async fn set_friend_remark(&self, call: &SetFriendRemark) -> Answer {
        let remark = self.remark_param(call.remark.as_deref())?;
        let body = json!({ "account": self.me(), "user": call.user_id, "remark": remark });
        self.control_json("set_remark", body)
            .await
            .map(|_| Value::Null)
    }

    /// `set_group_remark`: as `set_friend_remark`, for a group the account is in.
    pub(crate) async fn set_group_remark(&self, call: &SetGroupRemark) -> Answer {
        let remark = self.remark_param(call.remark.as_deref())?;
        let body = json!({ "account": self.me(), "group": call.group_id, "remark": remark });
        self.control_json("set_remark", body)
            .await
            .map(|_| Value::Null)
    }

    /// `set_group_msg_mask` (LLOneBot): the control API's `set_group_mask`; a mask QQ does
    /// not have (1 to 4) fails, saying so.
    pub(crate) async fn set_group_msg_mask(&self, call: &SetGroupMsgMask) -> Answer {
        let body = json!({ "account": self.me(), "group": call.group_id, "mask": call.mask });
        self.control_json("set_group_mask", body)
            .await
            .map(|_| Value::Null)
    }

    /// `set_friend_category` (LLOneBot): the control API's `set_category`; a category the
    /// account does not have fails, saying so.
    pub(crate) async fn set_friend_category(&self, call: &SetFriendCategory) -> Answer {
        let Ok(category) = u32::try_from(call.category_id) else {
            return Err(self.failed(format!(
                "{} has no friend category {}",
                self.me(),
                call.category_id
            )));
        };
        let body = json!({ "account": self.me(), "user": call.user_id, "category": category });
        self.control_json("set_category", body)
            .await
            .map(|_| Value::Null)
    }

    /// The `remark` parameter as the profile's implementation reads it.
    fn remark_param<'a>(
        &self,
        remark: Option<&'a str>,
    ) -> Result<&'a str, Box<lizi_onebot::ActionResponse>> {
        match (remark, self.profile) {
            (Some(remark), _) => Ok(remark),
            (None, Profile::NapCat) => Err(self.bad("parameter `remark`: is required")),
            (None, _) => Ok(""),
        }
    }

    /// The account's remarks for its groups, by group.
    pub(crate) async fn group_remarks(
        &self,
    ) -> Result<Map<String, Value>, Box<lizi_onebot::ActionResponse>> {
        let view = self
            .control_json("remarks", json!({ "account": self.me() }))
            .await?;
        Ok(view["groups"].as_object().cloned().unwrap_or_default())
    }

    /// The remark the account gave group `gin` (empty when none).
    pub(crate) fn remark_in(remarks: &Map<String, Value>, gin: Gin) -> String {
        remarks
            .get(&gin.to_string())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// `get_friends_with_category`: the control API's `categories`, each friend written as
    /// the profile's implementation writes a user.
    pub(crate) async fn friends_with_category(&self) -> Answer {
        let view = self
            .control_json("categories", json!({ "account": self.me() }))
            .await?;
        let categories = view["categories"].as_array().cloned().unwrap_or_default();
        let out: Vec<FriendCategory> = categories
            .iter()
            .enumerate()
            .map(|(place, category)| {
                let friends = category["friends"].as_array().cloned().unwrap_or_default();
                let online = friends.iter().filter(|f| f["online"] == true).count();
                let id = category["id"].as_i64().unwrap_or(0);
                FriendCategory {
                    category_id: id,
                    category_sort_id: i64::try_from(place).unwrap_or(i64::MAX),
                    category_name: category["name"].as_str().unwrap_or_default().to_owned(),
                    category_mb_count: i64::try_from(friends.len()).unwrap_or(i64::MAX),
                    online_count: i64::try_from(online).unwrap_or(i64::MAX),
                    buddy_list: friends.iter().map(|f| self.user_entry(f, id)).collect(),
                }
            })
            .collect();
        data(out)
    }

    /// A friend of the `categories` view as NapCat's or LLOneBot's `OB11User`.
    fn user_entry(&self, friend: &Value, category: i64) -> Map<String, Value> {
        let text = |key: &str| friend[key].as_str().unwrap_or_default().to_owned();
        let (nickname, remark) = (text("nickname"), text("remark"));
        let sex = sex_name(friend["sex"].as_i64().unwrap_or(0));
        let entry = if self.profile == Profile::LLOneBot {
            // LLOneBot writes `remark || nick`.
            let remark = if remark.is_empty() {
                nickname.clone()
            } else {
                remark
            };
            json!({
                "user_id": friend["uin"], "nickname": nickname, "remark": remark, "sex": sex,
                "birthday_year": 0, "birthday_month": 0, "birthday_day": 0,
                "age": friend["age"], "qid": "", "long_nick": text("signature"),
            })
        } else {
            json!({
                "birthday_year": 0, "birthday_month": 0, "birthday_day": 0,
                "user_id": friend["uin"], "age": friend["age"], "phone_num": "",
                "email": text("email"), "category_id": category, "nickname": nickname,
                "remark": remark, "sex": sex, "level": 0,
            })
        };
        entry.as_object().cloned().unwrap_or_default()
    }

    /// The nickname of `uin`, as the account's cache knows it (`/getnickname`).
    pub(crate) async fn nickname_of(&self, uin: Uin) -> Option<String> {
        let request = Request::GetNickname(xlz::GetNickname {
            fromqq: Some(self.me()),
            toqq: uin,
            fromcache: Some(true),
        });
        self.text(request).await.ok()
    }

    /// The account's pending doubtful friend requests, newest first: (asker, seq, text,
    /// time).
    async fn doubtful_requests(
        &self,
    ) -> Result<Vec<(Uin, i64, String, i64)>, Box<lizi_onebot::ActionResponse>> {
        let view = self.control_json("requests", json!({})).await?;
        let mut out: Vec<(Uin, i64, String, i64)> = view["requests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["kind"] == "friend" && r["screened"] == true)
            .filter(|r| r["to"].as_u64() == Some(self.me()))
            .map(|r| {
                let text = r["text"].as_str().unwrap_or_default().to_owned();
                let number = |key: &str| r[key].as_i64().unwrap_or(0);
                (
                    r["from"].as_u64().unwrap_or(0),
                    number("seq"),
                    text,
                    number("time"),
                )
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// `get_doubt_friends_add_request`: the friend requests QQ found doubtful, newest
    /// first, at most `count` (default 50). `flag` is the flag `set_doubt_friends_add_request`
    /// takes; NapCat writes `uin` as a number, LLOneBot as a string.
    pub(crate) async fn doubt_requests(&self, call: &GetDoubtFriendsAddRequest) -> Answer {
        let count = usize::try_from(call.count.unwrap_or(50).max(0)).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for (asker, seq, text, time) in self.doubtful_requests().await?.into_iter().take(count) {
            let nick = self.nickname_of(asker).await.unwrap_or_default();
            let uin = match self.profile {
                Profile::LLOneBot => Value::String(asker.to_string()),
                _ => json!(asker),
            };
            out.push(DoubtRequest {
                flag: RequestFlag::Friend { user: asker, seq }.encode(),
                uin,
                nick,
                source: json!(""),
                reason: "QQ found the request doubtful".into(),
                msg: text,
                group_code: "0".into(),
                time: time.to_string(),
                kind: "doubt".into(),
            });
        }
        data(out)
    }

    /// `set_doubt_friends_add_request`: accepts the doubtful request `flag` names through
    /// `/setfriendaddrequest` (`approve` is not read). NapCat answers `null` without
    /// waiting for the outcome, as NapCat does; LLOneBot fails when the flag names no such
    /// request.
    pub(crate) async fn answer_doubt(&self, call: &SetDoubtFriendsAddRequest) -> Answer {
        let accepted = self.accept_doubt(&call.flag).await;
        match (accepted, self.profile) {
            (Ok(()), _) | (Err(_), Profile::NapCat) => Ok(Value::Null),
            (Err(failed), _) => Err(failed),
        }
    }

    async fn accept_doubt(&self, flag: &str) -> Result<(), Box<lizi_onebot::ActionResponse>> {
        let Some(RequestFlag::Friend { user, seq }) = RequestFlag::decode(flag.trim()) else {
            return Err(self.failed(format!(
                "`{flag}` is not the flag of a doubtful friend request: take it from \
                 get_doubt_friends_add_request"
            )));
        };
        let pending = self.doubtful_requests().await?;
        if !pending
            .iter()
            .any(|(asker, s, _, _)| *asker == user && *s == seq)
        {
            return Err(self.failed(format!(
                "there is no doubtful friend request {seq} from {user} to {}",
                self.me()
            )));
        }
        self.done(Request::SetFriendAddRequest(xlz::SetFriendAddRequest {
            fromqq: self.me(),
            qq: user,
            seq,
            op: 1,
        }))
        .await
        .map(drop)
    }

    /// `get_robot_uin_range`: NT's list of the number ranges of QQ's official robots
    /// (`{minUin, maxUin}`): empty, as the simulated network has no official robots (its
    /// framework accounts are ordinary accounts).
    pub(crate) fn robot_ranges(&self) -> Answer {
        Ok(Value::Array(Vec::new()))
    }
}
