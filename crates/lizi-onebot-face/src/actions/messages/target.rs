//! Where a message goes ([`Target`]), the stored conversation it lands in, and the
//! `{message_id}` a send answers: what plain sends and cards share.

use lizi_core::endpoint as xlz;
use lizi_core::{Failure, Reply, Request, Uin};
use lizi_onebot::action::MessageId;
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::quirks::TemporaryChat;
use lizi_onebot::Profile;
use lizi_store::Conv;

use crate::actions::call::{data, Answer};
use crate::connection::Shared;
use crate::ids::{group_conv, private_conv};

/// Where a message goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    Group(u64),
    Private(u64),
    Temporary { group: u64, user: u64 },
}

/// How many of a pair's latest messages are searched for a temporary session between them.
const TEMPORARY_CHAT_LOOKBACK: usize = 200;

/// Where a private message from `fromqq` to `user` goes in `profile`: to a non-friend, a
/// temporary session as the profile's implementation opens one ([`TemporaryChat`]) —
/// NapCat through `group`, LLOneBot only through a session the pair already has (the
/// group of the newest temporary-session message between them), Lagrange.OneBot never.
/// Otherwise a friend message, which the network refuses to a non-friend.
pub(crate) async fn private_target(
    shared: &Shared,
    fromqq: Uin,
    user: u64,
    group: Option<u64>,
) -> Target {
    let profile = shared.config.profile;
    let friends = || is_friend(shared, fromqq, user);
    match TemporaryChat::of(profile) {
        TemporaryChat::ThroughGivenGroup => match group {
            Some(group) if !friends().await => Target::Temporary { group, user },
            _ => Target::Private(user),
        },
        TemporaryChat::ExistingOnly if !friends().await => {
            match existing_temporary_chat(shared, fromqq, user) {
                Some(group) => Target::Temporary { group, user },
                None => Target::Private(user),
            }
        }
        TemporaryChat::ExistingOnly | TemporaryChat::Never => Target::Private(user),
    }
}

/// Whether `user` is a friend of `fromqq` (false when the backend cannot say).
async fn is_friend(shared: &Shared, fromqq: Uin, user: u64) -> bool {
    let request = Request::GetFriendList(xlz::GetFriendList { logonqq: fromqq });
    match shared.backend.call(request).await {
        Ok(Reply::Friends(friends)) => friends.iter().any(|friend| friend.uin == user),
        _ => false,
    }
}

/// The group of the newest temporary-session message between `fromqq` and `user`.
fn existing_temporary_chat(shared: &Shared, fromqq: Uin, user: u64) -> Option<u64> {
    let conv = private_conv(fromqq, user);
    let recent = shared
        .store
        .messages_before(conv, None, TEMPORARY_CHAT_LOOKBACK)
        .ok()?;
    recent
        .iter()
        .find_map(|row| row.group.and_then(|group| u64::try_from(group).ok()))
}

/// The stored conversation a message from `fromqq` to `target` lands in.
pub(crate) fn conversation(fromqq: Uin, target: Target) -> Conv {
    match target {
        Target::Group(group) => group_conv(group),
        Target::Private(user) | Target::Temporary { user, .. } => private_conv(fromqq, user),
    }
}

/// `{message_id}` of a send the backend answered with a receipt.
pub(crate) fn sent_message_id(
    shared: &Shared,
    profile: Profile,
    conv: Conv,
    sent: Result<Reply, Failure>,
) -> Answer {
    match sent {
        Ok(Reply::Sent(receipt)) => match shared.ids.of_message(conv, receipt.req) {
            Some(message_id) => data(MessageId { message_id }),
            None => Err(Box::new(profile.failed(
                Why::HandlerFailed,
                "the message was sent but is not in the history",
            ))),
        },
        Ok(_) => Err(Box::new(
            profile.failed(Why::HandlerFailed, "the backend sent no receipt"),
        )),
        Err(Failure { message, .. }) => Err(Box::new(profile.failed(Why::HandlerFailed, message))),
    }
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
