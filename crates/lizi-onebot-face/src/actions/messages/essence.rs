//! Essence messages (精华消息): `set_essence_msg`, `delete_essence_msg`,
//! `get_essence_msg_list`, through the simulated network's `set_essence` and `essence`
//! control actions (XLZ has no endpoint for them).
//!
//! Each profile answers as its implementation: NapCat passes NT's result through
//! (`{errCode, errMsg}`), the others answer `null`; the list's entries carry NapCat's
//! `msg_seq`/`msg_random` and `content`, LLOneBot's `sender_time` without `content`,
//! Lagrange.OneBot's `sender_time` with `content`. NapCat also removes a mark by
//! `msg_seq` and `msg_random` (with `group_id`) of a message it never saw.

use lizi_core::Gin;
use lizi_onebot::action::DeleteEssenceMsg;
use lizi_onebot::xlz::event_segments;
use lizi_onebot::Profile;
use serde_json::{json, Value};

use super::stored::group_message;
use crate::actions::call::{Answer, Call};
use crate::connection::Shared;
use crate::ids::group_conv;

/// NT's result of a change NapCat passes through.
fn nt_result(profile: Profile) -> Value {
    match profile {
        Profile::NapCat => json!({"errCode": 0, "errMsg": "success"}),
        _ => Value::Null,
    }
}

/// `set_essence_msg`: the message `id` names marked as essence.
pub(crate) async fn set_essence(shared: &Shared, call: &Call<'_>, id: i64) -> Answer {
    let (group, row) = group_message(shared, call.me(), id).map_err(|why| call.failed(why))?;
    mark(call, group, row.req, true).await
}

/// `delete_essence_msg`: a message's essence mark removed.
pub(crate) async fn delete_essence(
    shared: &Shared,
    call: &Call<'_>,
    c: &DeleteEssenceMsg,
) -> Answer {
    if call.profile == Profile::NapCat {
        if let (Some(seq), Some(_), Some(group)) = (c.msg_seq, c.msg_random, c.group_id) {
            return mark(call, group, seq, false).await;
        }
    }
    let Some(id) = c.message_id else {
        return Err(call.bad(match call.profile {
            Profile::NapCat => "必须提供 message_id 或者同时提供 msg_seq, msg_random, group_id",
            _ => "parameter `message_id`: is required",
        }));
    };
    let (group, row) = group_message(shared, call.me(), id).map_err(|why| call.failed(why))?;
    mark(call, group, row.req, false).await
}

async fn mark(call: &Call<'_>, group: Gin, req: i64, essence: bool) -> Answer {
    let body = json!({"operator": call.me(), "group": group, "req": req, "essence": essence});
    call.control_json("set_essence", body).await?;
    Ok(nt_result(call.profile))
}

/// `get_essence_msg_list`: a group's essence messages, as the profile lists them.
pub(crate) async fn essence_list(shared: &Shared, call: &Call<'_>, group: Gin) -> Answer {
    let view = call
        .control_json("essence", json!({"group": group, "viewer": call.me()}))
        .await?;
    let no_reply = |_: i64| None;
    let entries = view["essence"].as_array().cloned().unwrap_or_default();
    let list: Vec<Value> = entries
        .iter()
        .filter_map(|entry| {
            let req = entry["req"].as_i64()?;
            let message_id = shared.ids.of_message(group_conv(group), req)?;
            let content = event_segments(entry["text"].as_str().unwrap_or_default(), &no_reply);
            let mut out = json!({
                "sender_id": entry["sender"],
                "sender_nick": entry["sender_nick"],
                "operator_id": entry["operator"],
                "operator_nick": entry["operator_nick"],
                "operator_time": entry["operator_time"],
                "message_id": message_id,
            });
            match call.profile {
                Profile::NapCat => {
                    out["msg_seq"] = json!(req);
                    out["msg_random"] = entry["random"].clone();
                    out["content"] = json!(content);
                }
                Profile::LLOneBot => out["sender_time"] = entry["sender_time"].clone(),
                Profile::Lagrange => {
                    out["sender_time"] = entry["sender_time"].clone();
                    out["content"] = json!(content);
                }
            }
            Some(out)
        })
        .collect();
    Ok(json!(list))
}
