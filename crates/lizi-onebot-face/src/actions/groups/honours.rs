//! Group honours (`get_group_honor_info`) and sign-ins (`send_group_sign`,
//! `set_group_sign`, NapCat's `get_group_signed_list`), through the simulated network's
//! `honours`, `sign_in` and `sign_ins` control actions (XLZ has no endpoint for them).
//!
//! The honours are answered as each implementation builds them from QQ's honour page:
//! NapCat writes every list (the requested ones filled; `current_talkative` the first
//! talkative entry, `{}` without one; `strong_newbie_list` always empty), LLOneBot writes
//! only the requested keys with `group_id` as a string (`day_count` 0; the legend list
//! comes with the performer one, the strong-newbie list, empty, with the emotion one; only
//! the talkative and performer entries keep their description), Lagrange.OneBot writes
//! the keys of each requested honour but never a performer list, and has no default type.

use lizi_core::Gin;
use lizi_onebot::Profile;
use serde_json::{json, Map, Value};

use crate::actions::call::{Answer, Call};

/// The honour types, as `type` names them (`all` asks for each).
const HONOURS: [&str; 5] = [
    "talkative",
    "performer",
    "legend",
    "strong_newbie",
    "emotion",
];

/// The name QQ's honour page gives each honour.
fn honour_name(honour: &str) -> &'static str {
    match honour {
        "talkative" => "龙王",
        "performer" => "群聊之火",
        "legend" => "群聊炽焰",
        "strong_newbie" => "冒尖小春笋",
        _ => "快乐源泉",
    }
}

/// The elements of an array of a view (none when it is not one).
fn items(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// One member of an honour list as QQ's honour page describes it.
fn entry(member: &Value, description: Option<String>) -> Value {
    let uin = member["uin"].as_u64().unwrap_or_default();
    let mut out = json!({
        "user_id": uin,
        "nickname": member["nickname"],
        "avatar": format!("https://thirdqq.qlogo.cn/g?b=qq&nk={uin}&s=640"),
    });
    if let Some(description) = description {
        out["description"] = json!(description);
    }
    out
}

impl Call<'_> {
    /// `get_group_honor_info`.
    pub(crate) async fn honours(&self, group: Gin, honour_type: Option<&str>) -> Answer {
        let asked = match (self.profile, honour_type) {
            (Profile::Lagrange, None) => {
                return Err(self.failed("Lagrange.OneBot needs `type`: it has no default"))
            }
            (_, None) => "all",
            (_, Some(asked)) => asked,
        };
        if asked != "all" && !HONOURS.contains(&asked) {
            let why = format!(
                "parameter `type`: `{asked}` is not one of all, talkative, performer, legend, \
                 strong_newbie, emotion"
            );
            return Err(match self.profile {
                Profile::Lagrange => self.failed(why),
                _ => self.bad(why),
            });
        }
        let view = self
            .control_json("honours", json!({"group": group, "viewer": self.me()}))
            .await?;
        let wants = |honour: &str| asked == "all" || asked == honour;
        let list = |honour: &str, described: bool| -> Vec<Value> {
            let name = honour_name(honour);
            items(&view[honour])
                .iter()
                .map(|member| entry(member, described.then(|| name.to_owned())))
                .collect()
        };
        let talkative: Vec<Value> = items(&view["talkative"])
            .iter()
            .map(|member| {
                let days = member["days"].as_u64().unwrap_or(1);
                entry(member, Some(format!("{days} 天龙王")))
            })
            .collect();
        let mut out = Map::new();
        match self.profile {
            Profile::NapCat => {
                out.insert("group_id".into(), json!(group));
                let (current, talkative) = match wants("talkative") {
                    true => (talkative.first().cloned().unwrap_or(json!({})), talkative),
                    false => (json!({}), Vec::new()),
                };
                out.insert("current_talkative".into(), current);
                out.insert("talkative_list".into(), json!(talkative));
                for honour in ["performer", "legend", "emotion"] {
                    let filled = if wants(honour) {
                        list(honour, true)
                    } else {
                        Vec::new()
                    };
                    out.insert(format!("{honour}_list"), json!(filled));
                }
                out.insert("strong_newbie_list".into(), json!([]));
            }
            Profile::LLOneBot => {
                out.insert("group_id".into(), json!(group.to_string()));
                if wants("talkative") {
                    let mut current = talkative.first().cloned().unwrap_or(json!({}));
                    current["day_count"] = json!(0);
                    out.insert("current_talkative".into(), current);
                    let listed: Vec<Value> = talkative
                        .iter()
                        .cloned()
                        .map(|mut member| {
                            member["day_count"] = json!(0);
                            member
                        })
                        .collect();
                    out.insert("talkative_list".into(), json!(listed));
                }
                if wants("performer") {
                    out.insert("performer_list".into(), json!(list("performer", true)));
                    out.insert("legend_list".into(), json!(list("legend", false)));
                }
                if wants("emotion") {
                    out.insert("emotion_list".into(), json!(list("emotion", false)));
                    out.insert("strong_newbie_list".into(), json!([]));
                }
            }
            Profile::Lagrange => {
                out.insert("group_id".into(), json!(group));
                if wants("talkative") {
                    if let Some(current) = view["current_talkative"].as_object() {
                        let current = Value::Object(current.clone());
                        let mut current = entry(&current, None);
                        current["day_count"] = view["current_talkative"]["day_count"].clone();
                        out.insert("current_talkative".into(), current);
                    }
                    out.insert("talkative_list".into(), json!(talkative));
                }
                for honour in ["legend", "strong_newbie", "emotion"] {
                    if wants(honour) {
                        out.insert(format!("{honour}_list"), json!(list(honour, true)));
                    }
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// `send_group_sign` / `set_group_sign`: the account signs in to `group` for the day.
    pub(crate) async fn sign_in(&self, group: Gin) -> Answer {
        let body = json!({"user": self.me(), "group": group});
        self.control_json("sign_in", body).await?;
        Ok(Value::Null)
    }

    /// NapCat's `get_group_signed_list`: who signed in to `group` today, in order.
    pub(crate) async fn signed_list(&self, group: Gin) -> Answer {
        let view = self
            .control_json("sign_ins", json!({"group": group, "viewer": self.me()}))
            .await?;
        let list: Vec<Value> = items(&view["sign_ins"])
            .iter()
            .map(|signed| {
                json!({
                    "user_id": signed["uin"],
                    "nick": signed["nickname"],
                    "time": signed["time"],
                    "rank": signed["rank"],
                })
            })
            .collect();
        Ok(json!(list))
    }
}
