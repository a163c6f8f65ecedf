//! Quick operations (OneBot v11 `event/README.md`, docs/onebot-implementations.md#transports): what an HTTP POST
//! receiver's answer asks to do about the event it got. Each becomes the equivalent action
//! (`send_msg`, `delete_msg`, `set_group_kick`, `set_group_ban`,
//! `set_friend_add_request`, `set_group_add_request`) carried out as any other action, so
//! it follows the same rules and answers.
//!
//! `at_sender` is NapCat's: the mention is added only when the answer asks for it (the
//! standard's default is to add it).

use lizi_core::Uin;
use lizi_onebot::{ActionRequest, Status};
use serde_json::{json, Map, Value};

use crate::connection::Shared;
use crate::faults::act;

/// The actions that carry out `operations`, the answer to `event`.
pub fn actions(event: &Value, operations: &Value) -> Vec<(&'static str, Map<String, Value>)> {
    let Some(operations) = operations.as_object() else {
        return Vec::new();
    };
    let flag = |name: &str| operations.get(name).is_some_and(truthy);
    let mut out = Vec::new();
    match event["post_type"].as_str() {
        Some("message") => {
            let group = event["message_type"] == "group";
            let user = event["user_id"].clone();
            if let Some(reply) = operations.get("reply").filter(|r| !r.is_null()) {
                let mut message = reply_message(reply, flag("auto_escape"));
                if group && flag("at_sender") {
                    message = with_mention(message, &user);
                }
                let mut params = Map::new();
                params.insert("message_type".into(), event["message_type"].clone());
                params.insert("user_id".into(), user.clone());
                if !event["group_id"].is_null() {
                    params.insert("group_id".into(), event["group_id"].clone());
                }
                params.insert("message".into(), message);
                out.push(("send_msg", params));
            }
            if flag("delete") {
                out.push((
                    "delete_msg",
                    object(json!({"message_id": event["message_id"]})),
                ));
            }
            if group && flag("kick") {
                let params = json!({"group_id": event["group_id"], "user_id": user});
                out.push(("set_group_kick", object(params)));
            }
            if group && flag("ban") {
                let duration = operations.get("ban_duration").cloned();
                let params = json!({
                    "group_id": event["group_id"],
                    "user_id": user,
                    "duration": duration.unwrap_or(json!(30 * 60)),
                });
                out.push(("set_group_ban", object(params)));
            }
        }
        Some("request") => {
            if let Some(approve) = operations.get("approve").filter(|a| !a.is_null()) {
                let approve = truthy(approve);
                let flag = event["flag"].clone();
                let mut params = object(json!({"flag": flag, "approve": approve}));
                if event["request_type"] == "friend" {
                    if let Some(remark) = operations.get("remark") {
                        params.insert("remark".into(), remark.clone());
                    }
                    out.push(("set_friend_add_request", params));
                } else {
                    params.insert("sub_type".into(), event["sub_type"].clone());
                    if let Some(reason) = operations.get("reason") {
                        params.insert("reason".into(), reason.clone());
                    }
                    out.push(("set_group_add_request", params));
                }
            }
        }
        _ => {}
    }
    out
}

/// Carries out the quick operations in `operations` as `account`; failures are logged.
pub(crate) async fn carry_out(shared: &Shared, account: Uin, event: &Value, operations: &Value) {
    for (action, params) in actions(event, operations) {
        let request = ActionRequest {
            action: action.to_owned(),
            params,
            echo: None,
        };
        let answer = act(shared, Some(account), &request).await;
        shared.metrics.quick_operations.inc();
        if answer.status != Status::Ok {
            let why = answer.message.unwrap_or_default();
            tracing::warn!(account, action, "a quick operation failed: {why}");
        }
    }
}

/// The reply as a `message` value: plain text when `auto_escape` is set.
fn reply_message(reply: &Value, auto_escape: bool) -> Value {
    match reply {
        Value::String(text) if auto_escape => json!([{"type": "text", "data": {"text": text}}]),
        other => other.clone(),
    }
}

/// The message with a mention of `user` in front.
fn with_mention(message: Value, user: &Value) -> Value {
    let qq = match user {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match message {
        Value::String(text) => Value::String(format!("[CQ:at,qq={qq}]{text}")),
        Value::Array(mut segments) => {
            segments.insert(0, json!({"type": "at", "data": {"qq": qq}}));
            Value::Array(segments)
        }
        segment => json!([{"type": "at", "data": {"qq": qq}}, segment]),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => matches!(text.as_str(), "true" | "1"),
        _ => false,
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_reply_with_at_sender_mentions_the_sender_first() {
        let event = json!({"post_type": "message", "message_type": "group", "group_id": 30001, "user_id": 20001, "message_id": 7});
        let ops = json!({"reply": "hi", "at_sender": true, "ban": true, "ban_duration": 60});
        let actions = actions(&event, &ops);
        assert_eq!(actions[0].0, "send_msg");
        assert_eq!(actions[0].1["message"], "[CQ:at,qq=20001]hi");
        assert_eq!(actions[1].0, "set_group_ban");
        assert_eq!(actions[1].1["duration"], 60);
    }
}
