//! Stored messages: `get_msg`, `delete_msg` (a recall through `/deletegroupmsg` or
//! `/deleteprivatemsg`), `get_group_msg_history` and `get_friend_msg_history` (pages of
//! the stored history), and which of them an account may see.

use lizi_core::endpoint as xlz;
use std::collections::HashMap;

use lizi_core::{Reply, Request, Uin};
use lizi_onebot::action::{GetFriendMsgHistory, GetGroupMsgHistory};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::xlz::{event_segments, Quoted};
use lizi_onebot::{ActionResponse, Profile};
use lizi_store::{Conv, MessageRow};
use serde_json::{json, Value};

use crate::actions::call::{done, Answer};
use crate::connection::Shared;
use crate::events::put_message_fields;
use crate::events::roles::Roles;
use crate::ids::{group_conv, private_conv};

/// Messages in a history page when `count` is not given (go-cqhttp's and NapCat's).
const HISTORY_COUNT: i64 = 20;
/// The most messages a history page holds.
const HISTORY_MAX: i64 = 200;

fn failed(profile: Profile, why: impl Into<String>) -> Box<ActionResponse> {
    Box::new(profile.failed(Why::HandlerFailed, why))
}

/// `get_msg`: a stored message the account may see, as a message event.
pub(crate) async fn get_msg(shared: &Shared, profile: Profile, account: Uin, id: i64) -> Answer {
    let row = visible(shared, account, id).map_err(|why| failed(profile, why))?;
    let names = senders(shared, account, row.conv)
        .await
        .map_err(|why| failed(profile, why))?;
    let mut event = message_event(&row, account, &names, shared);
    let backend = shared.backend.as_ref();
    Roles::default().fill(backend, account, &mut event).await;
    Ok(event)
}

/// `delete_msg`: a recall of a stored message the account may see.
pub(crate) async fn delete_msg(shared: &Shared, profile: Profile, account: Uin, id: i64) -> Answer {
    let row = visible(shared, account, id).map_err(|why| failed(profile, why))?;
    recall(shared, profile, account, &row).await
}

/// `get_group_msg_history`.
pub(crate) async fn group_history(
    shared: &Shared,
    profile: Profile,
    account: Uin,
    call: &GetGroupMsgHistory,
) -> Answer {
    let page = (
        call.message_seq,
        call.message_id,
        call.count,
        call.reverse_order,
    );
    history(shared, profile, account, group_conv(call.group_id), page).await
}

/// `get_friend_msg_history`.
pub(crate) async fn friend_history(
    shared: &Shared,
    profile: Profile,
    account: Uin,
    call: &GetFriendMsgHistory,
) -> Answer {
    let page = (
        call.message_seq,
        call.message_id,
        call.count,
        call.reverse_order,
    );
    let conv = private_conv(account, call.user_id);
    history(shared, profile, account, conv, page).await
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
pub(crate) fn visible(
    shared: &Shared,
    account: Uin,
    id: i64,
) -> Result<std::sync::Arc<MessageRow>, String> {
    let row = shared.ids.find(id).map_err(|unknown| unknown.0)?;
    let account = account as i64;
    if row.conv.kind == Conv::PRIVATE && row.conv.a != account && row.conv.b != account {
        return Err(format!("there is no message with message_id {id}"));
    }
    Ok(row)
}

/// The group message `id` names, with its group, if the account may see it.
pub(crate) fn group_message(
    shared: &Shared,
    account: Uin,
    id: i64,
) -> Result<(u64, std::sync::Arc<MessageRow>), String> {
    let row = visible(shared, account, id)?;
    if row.conv.kind != Conv::GROUP {
        return Err(format!("message {id} is not a group message"));
    }
    Ok((row.conv.a as u64, row))
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
        event_segments(&row.text, &reply_id),
        shared.config.message_format,
    );
    event
}

/// The reply code of the stored message `id` (with a preview of its text), for a `reply`
/// segment; `None` when there is no such message.
pub(crate) fn quote(shared: &Shared, id: i64) -> Option<lizi_core::textcode::Code> {
    let row = shared.ids.find(id).ok()?;
    let quoted = Quoted {
        sender: row.sender as u64,
        req: row.req,
        random: row.random,
        time: row.time,
        text: &row.text,
    };
    Some(quoted.code_with_preview())
}
