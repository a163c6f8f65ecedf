//! What a group holds now and what it still allows: its muted members
//! (`get_group_shut_list`, from the control API's `group` view, as NT describes members),
//! what is left of the account's mentions of everyone today (`get_group_at_all_remain`,
//! the control API's `at_all_remain`), its file count and space
//! (`get_group_file_system_info`, from the control API's `files` view) and the join
//! requests QQ filtered out (`get_group_ignore_add_request`, from the `requests` view).
//!
//! LLOneBot's `get_group_ignore_add_request` always fails, pointing at
//! `get_group_system_msg` (which lists the filtered requests there); NapCat's lists them
//! as `get_group_system_msg` entries, the applicant in `invitor_uin`.

use lizi_core::endpoint as xlz;
use lizi_core::{Gin, Request};
use lizi_onebot::action::{AtAllRemain, FileSystemInfo, IgnoredRequest, NtGroupMember};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{data, Answer, Call};
use crate::flag::RequestFlag;

/// LLOneBot's answer to `get_group_ignore_add_request`, always.
pub(crate) const LLONEBOT_IGNORED: &str = "请使用 get_group_system_msg API, 可获取被过滤的加群通知";

/// The most files a group holds (both implementations write 10000).
const FILE_LIMIT: u64 = 10_000;

/// A group's file space: QQ's 10 GiB (NapCat's fallback, what QQ gives ordinary groups).
const FILE_SPACE: u64 = 10 * 1024 * 1024 * 1024;

/// NT's role number of a role name of the control API's views.
fn nt_role(role: &str) -> i64 {
    match role {
        "owner" => 4,
        "admin" => 3,
        _ => 2,
    }
}

impl Call<'_> {
    /// Fails unless the account is a member of `group` (QQ tells others nothing).
    async fn ensure_member(&self, group: Gin) -> Result<Value, Box<lizi_onebot::ActionResponse>> {
        let view = self.control_json("group", json!({ "gin": group })).await?;
        let member = view["members"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["uin"].as_u64() == Some(self.me()));
        if member {
            Ok(view)
        } else {
            Err(self.failed(format!("{} is not a member of group {group}", self.me())))
        }
    }

    /// `get_group_shut_list`: the members whose mute has not ended, as NT's members.
    pub(crate) async fn shut_list(&self, group: Gin) -> Answer {
        let view = self.ensure_member(group).await?;
        let muted: Vec<NtGroupMember> = view["members"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["mute_left"].as_i64().unwrap_or(0) > 0)
            .map(|m| {
                let text = |key: &str| m[key].as_str().unwrap_or_default().to_owned();
                let number = |key: &str| m[key].as_i64().unwrap_or(0);
                let uin = m["uin"].as_u64().unwrap_or(0).to_string();
                NtGroupMember {
                    uid: uin.clone(),
                    qid: String::new(),
                    uin,
                    nick: text("nickname"),
                    remark: String::new(),
                    card_type: 0,
                    card_name: text("card"),
                    role: nt_role(m["role"].as_str().unwrap_or_default()),
                    avatar_path: String::new(),
                    shut_up_time: number("mute_until"),
                    is_delete: false,
                    is_special_concerned: false,
                    is_special_shield: false,
                    is_robot: false,
                    group_honor: json!({}),
                    member_real_level: 0,
                    member_level: 0,
                    global_group_level: 0,
                    global_group_point: 0,
                    member_title_id: 0,
                    member_special_title: text("spec_title"),
                    special_title_expire_time: "0".into(),
                    user_show_flag: 0,
                    user_show_flag_new: 0,
                    rich_flag: 0,
                    mss_vip_type: 0,
                    big_club_level: 0,
                    big_club_flag: 0,
                    auto_remark: String::new(),
                    credit_level: 0,
                    join_time: number("joined"),
                    last_speak_time: number("last_msg"),
                    member_flag: 0,
                    member_flag_ext: 0,
                    member_mobile_flag: 0,
                    member_flag_ext2: 0,
                    is_special_shielded: false,
                    card_name_id: 0,
                }
            })
            .collect();
        data(muted)
    }

    /// `get_group_at_all_remain`: the control API's `at_all_remain`.
    pub(crate) async fn at_all_remain(&self, group: Gin) -> Answer {
        let body = json!({ "account": self.me(), "group": group });
        let remain = self.control_json("at_all_remain", body).await?;
        let count = |key: &str| remain[key].as_i64().unwrap_or(0);
        data(AtAllRemain {
            can_at_all: remain["can_at_all"] == true,
            remain_at_all_count_for_group: count("for_group"),
            remain_at_all_count_for_uin: count("for_member"),
        })
    }

    /// `get_group_file_system_info`: the group's files (folders aside) and their bytes.
    pub(crate) async fn file_system_info(&self, group: Gin) -> Answer {
        self.ensure_member(group).await?;
        let view = self
            .control_json("files", json!({ "group": group }))
            .await?;
        let files: Vec<&Value> = view["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["is_folder"] != true)
            .collect();
        data(FileSystemInfo {
            file_count: files.len() as u64,
            limit_count: FILE_LIMIT,
            used_space: files.iter().map(|f| f["size"].as_u64().unwrap_or(0)).sum(),
            total_space: FILE_SPACE,
        })
    }

    /// `get_group_ignore_add_request`: NapCat lists the filtered join requests of the
    /// groups the account manages; LLOneBot always fails, as it does.
    pub(crate) async fn ignored_requests(&self) -> Answer {
        if self.profile == Profile::LLOneBot {
            return Err(self.failed(LLONEBOT_IGNORED));
        }
        let view = self.control_json("requests", json!({})).await?;
        let mut out = Vec::new();
        for request in view["requests"].as_array().into_iter().flatten() {
            if request["kind"] != "join" || request["screened"] != true {
                continue;
            }
            let (seq, from, group) = (
                request["seq"].as_i64().unwrap_or(0),
                request["from"].as_u64().unwrap_or(0),
                request["group"].as_u64().unwrap_or(0),
            );
            if !self.manages(group).await {
                continue;
            }
            let nick = self.nickname_of(from).await;
            let group_name = self
                .text(Request::GetGroupNameFromCache(xlz::GetGroupNameFromCache {
                    group,
                }))
                .await
                .ok();
            let entry = IgnoredRequest {
                request_id: seq,
                invitor_uin: from,
                invitor_nick: nick.clone(),
                group_id: group,
                message: request["text"].as_str().map(str::to_owned),
                group_name,
                checked: false,
                actor: 0,
                requester_nick: nick,
            };
            let mut entry = serde_json::to_value(entry).unwrap_or(Value::Null);
            let flag = RequestFlag::Group {
                group,
                user: from,
                seq,
                invite: false,
            };
            entry["flag"] = Value::String(flag.encode());
            out.push(entry);
        }
        Ok(Value::Array(out))
    }
}
