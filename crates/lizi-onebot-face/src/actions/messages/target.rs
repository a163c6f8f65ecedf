//! Where a message goes ([`Target`]), the stored conversation it lands in, and the
//! `{message_id}` a send answers: what plain sends and cards share.

use lizi_core::{Failure, Reply, Uin};
use lizi_onebot::action::MessageId;
use lizi_onebot::envelope::Failure as Why;
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

impl Target {
    /// A private message to `user`, through `group` (a temporary session) when given.
    pub(crate) fn private(user: u64, group: Option<u64>) -> Target {
        match group {
            Some(group) => Target::Temporary { group, user },
            None => Target::Private(user),
        }
    }
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
