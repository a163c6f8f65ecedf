//! Merged forwards (合并转发): `send_group_forward_msg`, `send_private_forward_msg`,
//! `send_forward_msg` (and NapCat's plain sends made of `node` segments), `get_forward_msg`,
//! and the single-message forwards `forward_group_single_msg` / `forward_friend_single_msg`.
//!
//! A forward goes through the simulated network's `forward` control action: its nodes —
//! stored messages by id, or custom content shown as sent by anyone — are kept as a
//! bundle under a `resid`, and the chat receives the multi-message card naming it (what
//! XLZ clients read with `/getforwardedmsg`, and the face shows as a `forward` segment).
//! Each profile answers as its implementation: NapCat `{message_id, res_id, forward_id}`,
//! the others `{message_id, forward_id}`; Lagrange.OneBot's `send_forward_msg` only keeps
//! the nodes and answers the `resid`, and its `get_forward_msg` lists `node` segments
//! under `message`. LLOneBot skips a node naming a message it cannot find; the others fail.

use lizi_core::endpoint as xlz;
use lizi_core::textcode::{self, Segment as Piece};
use lizi_core::{Reply, Request, Uin};
use lizi_onebot::message::{Node, View};
use lizi_onebot::xlz::event_segments;
use lizi_onebot::{Message, Profile};
use lizi_store::Conv;
use serde_json::{json, Value};

use super::stored::{quote, visible};
use super::target::{conversation, private_target, text_request, Target};
use crate::actions::call::{Answer, Call};
use crate::connection::Shared;
use crate::events::put_message_fields;

/// Which peer a forward send reads, as the implementations' context modes do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// `send_group_forward_msg`: `group_id`.
    Group,
    /// `send_private_forward_msg`: `user_id`.
    Private,
    /// `send_forward_msg` and plain sends: `message_type`, else the ids given.
    Normal,
}

/// The parameters every forward send reads.
pub(crate) struct ForwardCall<'a> {
    /// `group_id`.
    pub group_id: Option<Uin>,
    /// `user_id`.
    pub user_id: Option<Uin>,
    /// `messages` (or `message`): the nodes.
    pub messages: Option<&'a Message>,
    /// `message_type`.
    pub message_type: Option<&'a str>,
}

/// Whether `message` is made of `node` segments: NapCat sends such a plain message as a
/// merged forward (and refuses one that mixes nodes with other segments), LLOneBot sends
/// none of it; `None` when the message has no node, or in Lagrange.OneBot, which has no
/// `node` segment among those it sends (the plain send refuses it).
pub(crate) fn node_message(profile: Profile, message: &Message, call: &Call<'_>) -> Option<Answer> {
    let nodes = message.iter().filter(|s| s.kind == "node").count();
    if nodes == 0 || profile == Profile::Lagrange {
        return None;
    }
    Some(match profile {
        Profile::LLOneBot => {
            Err(call
                .failed("请使用 /send_group_forward_msg 或 /send_private_forward_msg 进行合并转发"))
        }
        _ if nodes != message.len() => {
            Err(call
                .bad("转发消息不能和普通消息混在一起发送,转发需要保证message只有type为node的元素"))
        }
        _ => Ok(Value::Null),
    })
}

/// A forward send: the nodes kept and their card sent to the peer the context reads.
pub(crate) async fn send_forward(
    shared: &Shared,
    call: &Call<'_>,
    forward: ForwardCall<'_>,
    context: Context,
) -> Answer {
    if call.profile == Profile::Lagrange && context == Context::Normal {
        // Lagrange.OneBot's send_forward_msg uploads the nodes and sends nothing.
        let messages = forward.messages.ok_or_else(|| missing(call))?;
        let nodes = nodes(shared, call, Target::Private(call.me()), messages).await?;
        let made = call
            .control_json("bundle", json!({ "messages": nodes }))
            .await?;
        return Ok(made["resid"].clone());
    }
    let target = peer(shared, call, &forward, context).await?;
    send_forward_to(shared, call, forward, target).await
}

fn missing(call: &Call<'_>) -> Box<lizi_onebot::ActionResponse> {
    call.bad("parameter `messages`: is required")
}

/// A forward send to `target`: the nodes kept, their card sent.
pub(crate) async fn send_forward_to(
    shared: &Shared,
    call: &Call<'_>,
    forward: ForwardCall<'_>,
    target: Target,
) -> Answer {
    let messages = forward.messages.ok_or_else(|| missing(call))?;
    let nodes = nodes(shared, call, target, messages).await?;
    let mut body = json!({ "from": call.me(), "messages": nodes });
    match target {
        Target::Group(group) => body["group"] = json!(group),
        Target::Private(user) => body["to"] = json!(user),
        Target::Temporary { group, user } => {
            body["group"] = json!(group);
            body["to"] = json!(user);
        }
    }
    let sent = call.control_json("forward", body).await?;
    let req = sent["req"].as_i64().unwrap_or_default();
    let conv = conversation(call.me(), target);
    let Some(message_id) = shared.ids.of_message(conv, req) else {
        return Err(call.failed("the forward was sent but is not in the history"));
    };
    let resid = sent["resid"].clone();
    Ok(match call.profile {
        Profile::NapCat => json!({"message_id": message_id, "res_id": resid, "forward_id": resid}),
        _ => json!({"message_id": message_id, "forward_id": resid}),
    })
}

/// The peer a forward goes to, as the context reads the ids (a non-friend is reached as
/// the profile's private sends reach one, [`private_target`]).
async fn peer(
    shared: &Shared,
    call: &Call<'_>,
    forward: &ForwardCall<'_>,
    context: Context,
) -> Result<Target, Box<lizi_onebot::ActionResponse>> {
    let context = match (context, forward.message_type) {
        (Context::Normal, Some("group")) => Context::Group,
        (Context::Normal, Some("private")) => Context::Private,
        (context, _) => context,
    };
    match (context, forward.group_id, forward.user_id) {
        (Context::Group, Some(group), _) => Ok(Target::Group(group)),
        (Context::Private, group, Some(user)) => {
            Ok(private_target(shared, call.me(), user, group).await)
        }
        (Context::Normal, Some(group), _) => Ok(Target::Group(group)),
        (Context::Normal, None, Some(user)) => Ok(Target::Private(user)),
        (Context::Group, None, _) => Err(call.bad("parameter `group_id`: is required")),
        _ => Err(call.bad("give `group_id` or `user_id`")),
    }
}

/// The nodes as the bundle messages of the `forward` control action; custom content is
/// written as XLZ text, its pictures and voices uploaded for `target`.
async fn nodes(
    shared: &Shared,
    call: &Call<'_>,
    target: Target,
    messages: &Message,
) -> Result<Vec<Value>, Box<lizi_onebot::ActionResponse>> {
    let mut out = Vec::with_capacity(messages.len());
    for segment in messages {
        if segment.kind != "node" {
            return Err(call.bad(format!(
                "a merged forward is made of `node` segments; `{}` is not one",
                segment.kind
            )));
        }
        match segment.view().map_err(|e| call.bad(e.to_string()))? {
            View::Node(Node::Reference(id)) => {
                let found = id
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| format!("`{id}` is not a message id"))
                    .and_then(|id| visible(shared, call.me(), id));
                match found {
                    Ok(row) => {
                        let group = (row.conv.kind == Conv::GROUP).then_some(row.conv.a);
                        out.push(json!({
                            "from": row.sender,
                            "group": group,
                            "text": row.text,
                            "time": row.time,
                        }));
                    }
                    Err(_) if call.profile == Profile::LLOneBot => continue,
                    Err(why) => return Err(call.failed(why)),
                }
            }
            View::Node(Node::Custom {
                user_id,
                nickname,
                content,
            }) => {
                let quote = |id| quote(shared, id);
                let text = call.xlz_text(target, &content, &quote).await?;
                let name = (!nickname.is_empty()).then_some(nickname);
                out.push(json!({"from": user_id, "name": name, "text": text}));
            }
            _ => return Err(call.bad("a `node` segment holds neither `id` nor `content`")),
        }
    }
    if out.is_empty() {
        return Err(call.failed("none of the nodes names a message that could be found"));
    }
    Ok(out)
}

/// The `resid` `id` names: a resid, or (NapCat, LLOneBot) the id of a message the account
/// may see that carries a merged forward's card.
fn resid_of(shared: &Shared, call: &Call<'_>, id: &str) -> String {
    if call.profile == Profile::Lagrange {
        return id.to_owned();
    }
    let carried = id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| visible(shared, call.me(), id).ok())
        .and_then(|row| card_resid(&row.text));
    carried.unwrap_or_else(|| id.to_owned())
}

/// The resid of the forward card a message's text is.
fn card_resid(text: &str) -> Option<String> {
    match textcode::parse(text).as_slice() {
        [Piece::Code(code)] if code.is("Xml") => lizi_core::forward::resid(code.get("Data")?),
        _ => None,
    }
}

/// `get_forward_msg`: the messages of a forward, as the profile lists them.
pub(crate) async fn get_forward(shared: &Shared, call: &Call<'_>, id: &str) -> Answer {
    let request = Request::GetForwardedMsg(xlz::GetForwardedMsg {
        logonqq: call.me(),
        resid: resid_of(shared, call, id),
    });
    let messages = match call.ask(request).await? {
        Reply::Forwarded(messages) => messages,
        other => return Err(call.unexpected(&other)),
    };
    let no_reply = |_: i64| None;
    if call.profile == Profile::Lagrange {
        let nodes: Vec<Value> = messages
            .iter()
            .map(|message| {
                let content = event_segments(&message.msg.text, &no_reply);
                json!({"type": "node", "data": {
                    "user_id": message.from_qq.uin.to_string(),
                    "nickname": message.from_qq.card,
                    "content": content,
                }})
            })
            .collect();
        return Ok(json!({ "message": nodes }));
    }
    let messages: Vec<Value> = messages
        .iter()
        .map(|message| {
            let content = event_segments(&message.msg.text, &no_reply);
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

/// Which chat a single-message forward goes to, by action.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SingleTo {
    /// `forward_group_single_msg`: `group_id`, else `user_id`.
    Group,
    /// `forward_friend_single_msg`: `user_id`, else `group_id`.
    Friend,
}

/// `forward_group_single_msg` / `forward_friend_single_msg`: the stored message `id`
/// sent again, as the account, to a group or a friend. LLOneBot reads `group_id` before
/// `user_id` whatever the action, and answers the new message's id; NapCat answers `null`.
pub(crate) async fn forward_single(
    shared: &Shared,
    call: &Call<'_>,
    id: i64,
    (group_id, user_id): (Option<Uin>, Option<Uin>),
    to: SingleTo,
) -> Answer {
    let row = visible(shared, call.me(), id).map_err(|why| call.failed(why))?;
    let group_first = matches!(to, SingleTo::Group) || call.profile == Profile::LLOneBot;
    let target = match (group_first, group_id, user_id) {
        (true, Some(group), _) | (false, Some(group), None) => Target::Group(group),
        (_, _, Some(user)) => Target::Private(user),
        _ => return Err(call.bad("give `group_id` or `user_id`")),
    };
    let fromqq = call.me();
    let receipt = match call
        .ask(text_request(fromqq, target, row.text.clone()))
        .await?
    {
        Reply::Sent(receipt) => receipt,
        other => return Err(call.unexpected(&other)),
    };
    if call.profile != Profile::LLOneBot {
        return Ok(Value::Null);
    }
    match shared
        .ids
        .of_message(conversation(fromqq, target), receipt.req)
    {
        Some(message_id) => Ok(json!({ "message_id": message_id })),
        None => Err(call.failed("the message was forwarded but is not in the history")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forward_card_names_its_resid() {
        // As the simulated network writes a card: `[`, `]` escaped inside the code.
        let card = lizi_core::forward::card("abc");
        let text = format!(
            "[Xml,Data={}]",
            card.replace('[', "\\u005b").replace(']', "\\u005d")
        );
        assert_eq!(card_resid(&text).as_deref(), Some("abc"));
        assert_eq!(card_resid("[Xml,Data=<msg/>]"), None);
        assert_eq!(card_resid("hi"), None);
        assert_eq!(event_segments(&text, &|_| None)[0].kind, "forward");
    }
}
