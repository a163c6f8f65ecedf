//! `send_private_msg`, `send_group_msg` and `send_msg`: plain segments written as XLZ text
//! (pictures and voices uploaded first) and sent through `/sendprivatemsg`,
//! `/sendgroupmsg` or `/sendgrouptempmsg`; a card goes through [`super::cards`].

use lizi_core::endpoint as xlz;
use lizi_core::{Request, Uin};
use lizi_onebot::action::{SendGroupMsg, SendMsg, SendPrivateMsg};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::xlz::Quoted;
use lizi_onebot::{Message, Profile};

use super::cards::{self, Prepared};
use super::forward::{node_message, send_forward_to, ForwardCall};
use super::target::{conversation, sent_message_id, Target};
use crate::actions::call::{Account, Answer, Call};
use crate::connection::Shared;

/// `send_private_msg`: to a friend, or through `group_id` (a temporary session).
pub(crate) async fn send_private(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    call: &SendPrivateMsg,
) -> Answer {
    let target = Target::private(call.user_id, call.group_id);
    send(shared, profile, fromqq, target, &call.message).await
}

/// `send_group_msg`.
pub(crate) async fn send_group(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    call: &SendGroupMsg,
) -> Answer {
    let target = Target::Group(call.group_id);
    send(shared, profile, fromqq, target, &call.message).await
}

/// `send_msg`: `message_type` `private` or `group`, else the ids say which.
pub(crate) async fn send_msg(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    call: &SendMsg,
) -> Answer {
    let kind = call.message_type.as_deref();
    let target = match (kind, call.group_id, call.user_id) {
        (Some("private"), group, Some(user)) => Target::private(user, group),
        (Some("group") | None, Some(group), _) => Target::Group(group),
        (None, None, Some(user)) => Target::Private(user),
        _ => {
            return Err(Box::new(profile.failed(
                Why::BadParams,
                "send_msg needs group_id or user_id matching message_type",
            )))
        }
    };
    send(shared, profile, fromqq, target, &call.message).await
}

async fn send(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    target: Target,
    message: &Message,
) -> Answer {
    let message = match cards::prepare(profile, target, message)? {
        Prepared::Card(card) => return cards::send(shared, profile, fromqq, target, card).await,
        Prepared::Plain(message) => message,
    };
    // The uploads of pictures and voices act as `fromqq`; the send itself checks its state.
    let account = Account {
        uin: fromqq,
        nickname: String::new(),
        online: true,
    };
    let call = Call {
        backend: shared.backend.as_ref(),
        profile,
        account: &account,
    };
    if let Some(forward) = node_message(profile, &message, &call) {
        forward?;
        let forward = ForwardCall {
            group_id: None,
            user_id: None,
            messages: Some(&message),
            message_type: None,
        };
        return send_forward_to(shared, &call, forward, target).await;
    }
    let quote = |id| quote(shared, id);
    let text = call.xlz_text(target, &message, &quote).await?;
    let sent = shared
        .backend
        .call(text_request(fromqq, target, text))
        .await;
    sent_message_id(shared, profile, conversation(fromqq, target), sent)
}

/// The XLZ send of `text` from `fromqq` to `target`.
pub(crate) fn text_request(fromqq: Uin, target: Target, text: String) -> Request {
    match target {
        Target::Group(togroup) => Request::SendGroupMsg(xlz::SendGroupMsg {
            fromqq,
            togroup,
            text,
            anonymous: None,
        }),
        Target::Private(toqq) => {
            Request::SendPrivateMsg(xlz::SendPrivateMsg { fromqq, toqq, text })
        }
        Target::Temporary { group, user } => Request::SendGroupTempMsg(xlz::SendGroupTempMsg {
            fromqq,
            togroup: group,
            toqq: user,
            text,
        }),
    }
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
