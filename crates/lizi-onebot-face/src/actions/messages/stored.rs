//! The message actions: `get_msg`, `delete_msg` (a recall through `/deletegroupmsg` or
//! `/deleteprivatemsg`), `get_group_msg_history` and `get_friend_msg_history` (pages of
//! the stored history), `mark_msg_as_read`, and the actions the simulated network cannot
//! carry out, which fail saying why: merged-forward messages (XLZ sends none) and essence
//! messages (the network has none).

use lizi_core::endpoint as xlz;
use std::collections::HashMap;

use lizi_core::{Reply, Request, Uin};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::{Action, Profile};
use lizi_store::{Conv, MessageRow};
use serde_json::{json, Value};

use super::{done, Answer};
use crate::connection::Shared;
use crate::events::roles::Roles;
use crate::events::{content::segments, put_message_fields};
use crate::ids::{group_conv, private_conv};

/// Messages in a history page when `count` is not given (go-cqhttp's and NapCat's).
const HISTORY_COUNT: i64 = 20;
/// The most messages a history page holds.
const HISTORY_MAX: i64 = 200;

/// Carries out `action` if it is a message action; hands it back otherwise.
pub(super) async fn carry_out(
    shared: &Shared,
    profile: Profile,
    account: Uin,
    action: Action,
) -> Result<Answer, Action> {
    let failed = |message: &str| Err(Box::new(profile.failed(Why::HandlerFailed, message)));
    Ok(match action {
        Action::GetMsg(call) => match visible(shared, account, call.message_id) {
            Ok(row) => match senders(shared, account, row.conv).await {
                Ok(names) => {
                    let mut event = message_event(&row, account, &names, shared);
                    let backend = shared.backend.as_ref();
                    Roles::default().fill(backend, account, &mut event).await;
                    Ok(event)
                }
                Err(why) => failed(&why),
            },
            Err(why) => failed(&why),
        },
        Action::DeleteMsg(call) => match visible(shared, account, call.message_id) {
            Ok(row) => recall(shared, profile, account, &row).await,
            Err(why) => failed(&why),
        },
        Action::GetGroupMsgHistory(call) => {
            let page = (
                call.message_seq,
                call.message_id,
                call.count,
                call.reverse_order,
            );
            history(shared, profile, account, group_conv(call.group_id), page).await
        }
        Action::GetFriendMsgHistory(call) => {
            let page = (
                call.message_seq,
                call.message_id,
                call.count,
                call.reverse_order,
            );
            history(
                shared,
                profile,
                account,
                private_conv(account, call.user_id),
                page,
            )
            .await
        }
        Action::GetForwardMsg(call) => forwarded(shared, profile, account, call.id).await,
        Action::SendGroupForwardMsg(_) | Action::SendPrivateForwardMsg(_) => failed(
            "the XLZ API has no merged-forward send, so the simulated network cannot carry one",
        ),
        // The simulated network keeps no read state: there is nothing to mark.
        Action::MarkMsgAsRead(_) => Ok(Value::Null),
        Action::SetEssenceMsg(_) => failed("the simulated network has no essence messages"),
        other => return Err(other),
    })
}

/// Where a history page ends: `message_seq`, or the sequence of the message `message_id`
/// names (Lagrange.OneBot pages by message id).
fn first_seq(
    shared: &Shared,
    profile: Profile,
    message_seq: Option<i64>,
    message_id: Option<i64>,
) -> Result<Option<i64>, Box<lizi_onebot::ActionResponse>> {
    match (message_seq, message_id) {
        (Some(seq), _) => Ok(Some(seq)),
        (None, Some(id)) if id != 0 => match shared.ids.find(id) {
            Ok(row) => Ok(Some(row.seq)),
            Err(unknown) => Err(Box::new(profile.failed(Why::HandlerFailed, unknown.0))),
        },
        _ => Ok(None),
    }
}

/// The message `id` names, if the account may see it (it is in the private
/// conversation, or the message is a group message).
fn visible(shared: &Shared, account: Uin, id: i64) -> Result<std::sync::Arc<MessageRow>, String> {
    let row = shared.ids.find(id).map_err(|unknown| unknown.0)?;
    let account = account as i64;
    if row.conv.kind == Conv::PRIVATE && row.conv.a != account && row.conv.b != account {
        return Err(format!("there is no message with message_id {id}"));
    }
    Ok(row)
}

/// Recalls a stored message through the XLZ recall request of its kind.
async fn recall(shared: &Shared, profile: Profile, account: Uin, row: &MessageRow) -> Answer {
    let request = match row.conv.kind {
        Conv::GROUP => Request::DeleteGroupMsg(xlz::DeleteGroupMsg {
            fromqq: account,
            group: row.conv.a as u64,
            random: row.random,
            req: row.req,
        }),
        _ => Request::DeletePrivateMsg(xlz::DeletePrivateMsg {
            fromqq: account,
            toqq: peer(row.conv, account),
            random: row.random,
            req: row.req,
            time: row.time,
        }),
    };
    done(shared.backend.as_ref(), profile, request).await
}

/// The other side of a private conversation.
fn peer(conv: Conv, account: Uin) -> Uin {
    if conv.a as u64 == account {
        conv.b as u64
    } else {
        conv.a as u64
    }
}

/// A page of `conv`'s messages: those up to `message_seq` (the newest when absent),
/// `count` of them, oldest first (newest first with `reverse_order`).
async fn history(
    shared: &Shared,
    profile: Profile,
    account: Uin,
    conv: Conv,
    (message_seq, message_id, count, reverse): (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<bool>,
    ),
) -> Answer {
    let message_seq = first_seq(shared, profile, message_seq, message_id)?;
    let count = count.unwrap_or(HISTORY_COUNT);
    if !(1..=HISTORY_MAX).contains(&count) {
        return Err(Box::new(profile.failed(
            Why::BadParams,
            format!("count must be between 1 and {HISTORY_MAX}"),
        )));
    }
    let names = senders(shared, account, conv)
        .await
        .map_err(|why| Box::new(profile.failed(Why::HandlerFailed, why)))?;
    let before = message_seq.filter(|seq| *seq > 0).map(|seq| seq + 1);
    let mut rows = shared
        .store
        .messages_before(conv, before, count as usize)
        .map_err(|e| Box::new(profile.failed(Why::HandlerFailed, e.to_string())))?;
    if reverse != Some(true) {
        rows.reverse();
    }
    let mut roles = Roles::default();
    let mut messages = Vec::with_capacity(rows.len());
    for row in &rows {
        shared.ids.read_again(row.seq);
        let mut event = message_event(row, account, &names, shared);
        roles
            .fill(shared.backend.as_ref(), account, &mut event)
            .await;
        messages.push(event);
    }
    Ok(json!({ "messages": messages }))
}

/// Nickname and card of each sender of a conversation's messages, by QQ number.
type Names = HashMap<Uin, (String, String)>;

/// The names of the people of `conv` as `account` sees them: a group's members (which
/// fails, saying why, when the account is not in the group), or the private pair's
/// nicknames.
async fn senders(shared: &Shared, account: Uin, conv: Conv) -> Result<Names, String> {
    let backend = shared.backend.as_ref();
    if conv.kind == Conv::GROUP {
        let request = Request::GetGroupMemberList(xlz::GetGroupMemberList {
            logonqq: account,
            group: conv.a as u64,
        });
        return match backend.call(request).await {
            Ok(Reply::Members(members)) => Ok(members
                .into_iter()
                .map(|m| (m.uin, (m.nick_name, m.card)))
                .collect()),
            Ok(_) => Err("the backend did not list the group's members".into()),
            Err(failure) => Err(failure.message),
        };
    }
    let mut names = Names::new();
    for uin in [conv.a as u64, conv.b as u64] {
        let request = Request::GetNickname(xlz::GetNickname {
            fromqq: Some(account),
            toqq: uin,
            fromcache: None,
        });
        if let Ok(Reply::Text(nickname)) = backend.call(request).await {
            names.insert(uin, (nickname, String::new()));
        }
    }
    Ok(names)
}

/// `get_forward_msg`: the messages of a forwarded bundle (its `resid`, as `/getforwardedmsg`
/// takes it), each as NapCat gives them: a message event with `message` and `raw_message`,
/// plus go-cqhttp's `content`.
async fn forwarded(shared: &Shared, profile: Profile, account: Uin, resid: String) -> Answer {
    let request = Request::GetForwardedMsg(xlz::GetForwardedMsg {
        logonqq: account,
        resid,
    });
    let messages = match shared.backend.call(request).await {
        Ok(Reply::Forwarded(messages)) => messages,
        Ok(_) => {
            return Err(Box::new(
                profile.failed(Why::HandlerFailed, "the backend listed no messages"),
            ))
        }
        Err(failure) => {
            return Err(Box::new(
                profile.failed(Why::HandlerFailed, failure.message),
            ))
        }
    };
    let no_reply = |_: i64| None;
    let messages: Vec<Value> = messages
        .iter()
        .map(|message| {
            let content = segments(&message.msg.text, &no_reply);
            let mut event = json!({
                "time": message.time_stamp.send,
                "message_type": "group",
                "user_id": message.from_qq.uin,
                "group_id": message.from_group.gin,
                "sender": {"user_id": message.from_qq.uin, "nickname": message.from_qq.card},
                "content": content,
            });
            put_message_fields(&mut event, content, shared.config.message_format);
            event
        })
        .collect();
    Ok(json!({ "messages": messages }))
}

/// A stored message as a message event seen by `account` (`get_msg`'s data and the
/// entries of a history page), its sender named from `names`.
fn message_event(row: &MessageRow, account: Uin, names: &Names, shared: &Shared) -> Value {
    let ids = &shared.ids;
    let id = ids.of_seq(row.seq);
    let sender = row.sender as u64;
    let (nickname, card) = names.get(&sender).cloned().unwrap_or_default();
    let mut event = json!({
        "time": row.time,
        "self_id": account,
        "post_type": "message",
        "message_id": id,
        "user_id": sender,
        "font": 14,
        "sender": {"user_id": sender, "nickname": nickname},
        "recalled": row.recalled,
    });
    crate::events::put_sequence_fields(&mut event, shared.config.profile, id, row.req);
    let conv = row.conv;
    if conv.kind == Conv::GROUP {
        event["message_type"] = json!("group");
        event["sub_type"] = json!("normal");
        event["group_id"] = json!(conv.a);
        event["sender"]["card"] = json!(card);
    } else {
        event["message_type"] = json!("private");
        event["sub_type"] = json!(if row.group.is_some() {
            "group"
        } else {
            "friend"
        });
        event["target_id"] = json!(peer(conv, account));
        if let Some(group) = row.group {
            event["group_id"] = json!(group);
        }
    }
    let reply_id = |req| ids.of_message(conv, req);
    put_message_fields(
        &mut event,
        segments(&row.text, &reply_id),
        shared.config.message_format,
    );
    event
}
