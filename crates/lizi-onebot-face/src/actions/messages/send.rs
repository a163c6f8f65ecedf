//! `send_private_msg`, `send_group_msg` and `send_msg`: plain segments written as XLZ text
//! (pictures and voices uploaded first) and sent through `/sendprivatemsg`,
//! `/sendgroupmsg` or `/sendgrouptempmsg`; a card goes through [`super::cards`].

use lizi_core::Uin;
use lizi_onebot::action::{SendGroupMsg, SendMsg, SendPrivateMsg};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::{Message, Profile};

use super::cards::{self, Prepared};
use super::forward::{node_message, send_forward_to, ForwardCall};
use super::stored::quote;
use super::target::{conversation, private_target, sent_message_id, text_request, Target};
use crate::actions::call::{Account, Answer, Call};
use crate::connection::Shared;

/// `send_private_msg`: to a friend, or a temporary session as the profile opens one.
/// Without `user_id` the implementations fail in their handler (no peer to send to).
pub(crate) async fn send_private(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    call: &SendPrivateMsg,
) -> Answer {
    let Some(user) = call.user_id else {
        return Err(no_peer(profile, "user_id"));
    };
    let target = private_target(shared, fromqq, user, call.group_id).await;
    send(shared, profile, fromqq, target, &call.message).await
}

/// `send_group_msg`; without `group_id` the implementations fail in their handler.
pub(crate) async fn send_group(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    call: &SendGroupMsg,
) -> Answer {
    let Some(group) = call.group_id else {
        return Err(no_peer(profile, "group_id"));
    };
    send(shared, profile, fromqq, Target::Group(group), &call.message).await
}

/// The failure of a send that names no one to send to.
fn no_peer(profile: Profile, param: &str) -> Box<lizi_onebot::ActionResponse> {
    Box::new(profile.failed(
        Why::HandlerFailed,
        format!("no one to send to: give `{param}`"),
    ))
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
        (Some("private"), group, Some(user)) => private_target(shared, fromqq, user, group).await,
        (Some("group") | None, Some(group), _) => Target::Group(group),
        (None, None, Some(user)) => private_target(shared, fromqq, user, None).await,
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
