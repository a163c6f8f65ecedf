//! OneBot actions carried out as lizi [`Request`]s through the [`Backend`] (`send_group_msg`
//! is `/sendgroupmsg`), their answers turned into OneBot data. An action this face cannot
//! do yet fails with a message saying so: never a fake `ok`.
//!
//! - [`messages`]: fetching, recalling and paging stored messages.

mod messages;

mod avatars;
mod call;
mod cards;
mod extensions;
mod files;
mod groups;
mod media;
mod misc;
mod more;
mod more_files;
mod people;

use lizi_core::endpoint as xlz;
use lizi_core::{Backend, Failure, Reply, Request, Uin};
use lizi_onebot::action::{CanSend, FriendInfo, LoginInfo, MessageId, VersionInfo};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::{Action, ActionRequest, ActionResponse, Message, Profile, ACTIONS};
use serde_json::Value;

use crate::connection::Shared;
use crate::ids::{group_conv, private_conv};
use crate::segments::reply_code;
use call::{data, Account, Answer, Call};
use cards::Prepared;
use lizi_store::Conv;

/// The README's list of supported actions: one Markdown row per action of the table (the
/// face carries out every one), in the table's order, with the table's description and
/// which profiles have it (the others answer it as an unknown action).
pub fn supported_markdown() -> String {
    let mut out = String::from("| Action | What it does |");
    for profile in Profile::ALL {
        out.push_str(&format!(" {} |", profile.name()));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(Profile::ALL.len()));
    out.push('\n');
    for spec in ACTIONS {
        out.push_str(&format!("| `{}` | {} |", spec.name, spec.summary.trim()));
        for profile in Profile::ALL {
            out.push_str(if spec.available_in(profile) {
                " ✓ |"
            } else {
                " – |"
            });
        }
        out.push('\n');
    }
    out
}

fn unsupported(profile: Profile, name: &str) -> ActionResponse {
    profile.failed(
        Why::HandlerFailed,
        format!("lizi's OneBot face does not support `{name}` yet"),
    )
}

/// Carries out one OneBot call for the account `self_id` (the first online account
/// when `None`), answering with the profile's envelope fields and retcodes.
pub(crate) async fn perform(
    shared: &Shared,
    self_id: Option<Uin>,
    request: &ActionRequest,
) -> ActionResponse {
    let backend = shared.backend.as_ref();
    let profile = shared.config.profile;
    let echo = request.echo.clone();
    let (action, _suffix) = match profile.route(request) {
        Ok(routed) => routed,
        Err(refused) => return *refused,
    };
    let answer = match account(backend, self_id).await {
        Ok(account) => match messages::carry_out(shared, profile, account.uin, action).await {
            Ok(answer) => answer,
            Err(action) => carry_out(shared, profile, &account, action).await,
        },
        Err(message) => Err(Box::new(profile.failed(Why::HandlerFailed, message))),
    };
    answer
        .map(ActionResponse::ok)
        .unwrap_or_else(|failed| *failed)
        .with_echo(echo)
}

/// Every framework account, and whether it is online.
pub(crate) async fn framework_accounts(backend: &dyn Backend) -> Vec<(Uin, bool)> {
    match backend.call(Request::GetLogonQq(xlz::GetLogonQq {})).await {
        Ok(Reply::Accounts(accounts)) => accounts.into_iter().map(|a| (a.uin, a.online)).collect(),
        _ => Vec::new(),
    }
}

/// The account a connection acts as: `wanted`, or the first online one.
pub(crate) async fn choose_account(
    backend: &dyn Backend,
    wanted: Option<Uin>,
) -> Result<Uin, String> {
    account(backend, wanted).await.map(|account| account.uin)
}

async fn account(backend: &dyn Backend, wanted: Option<Uin>) -> Result<Account, String> {
    let reply = backend
        .call(Request::GetLogonQq(xlz::GetLogonQq {}))
        .await
        .map_err(|f| f.message)?;
    let Reply::Accounts(accounts) = reply else {
        return Err("the backend did not list its accounts".into());
    };
    let found = match wanted {
        Some(uin) => accounts.into_iter().find(|a| a.uin == uin),
        None => accounts.into_iter().find(|a| a.online),
    };
    match (found, wanted) {
        (Some(a), _) => Ok(Account {
            uin: a.uin,
            nickname: a.nickname,
            online: a.online,
        }),
        (None, Some(uin)) => Err(format!("{uin} is not a framework account")),
        (None, None) => Err("no framework account is online".into()),
    }
}

async fn carry_out(shared: &Shared, profile: Profile, account: &Account, action: Action) -> Answer {
    let backend = shared.backend.as_ref();
    let failed = |message: String| Box::new(profile.failed(Why::HandlerFailed, message));
    let fromqq = account.uin;
    match action {
        Action::SendPrivateMsg(call) => {
            let target = Target::private(call.user_id, call.group_id);
            send(shared, profile, fromqq, target, &call.message).await
        }
        Action::SendGroupMsg(call) => {
            send(
                shared,
                profile,
                fromqq,
                Target::Group(call.group_id),
                &call.message,
            )
            .await
        }
        Action::SendMsg(call) => {
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
        Action::GetLoginInfo(_) => data(LoginInfo {
            user_id: account.uin,
            nickname: account.nickname.clone(),
        }),
        Action::GetFriendList(_) => {
            let request = Request::GetFriendList(xlz::GetFriendList { logonqq: fromqq });
            match backend.call(request).await {
                Ok(Reply::Friends(friends)) => data(
                    friends
                        .into_iter()
                        .map(|f| FriendInfo {
                            user_id: f.uin,
                            nickname: f.nick_name,
                            remark: f.remark,
                        })
                        .collect::<Vec<_>>(),
                ),
                Ok(_) => Err(failed("the backend did not list friends".into())),
                Err(failure) => Err(failed(failure.message)),
            }
        }
        Action::SetGroupKick(call) => {
            let request = Request::KickGroupMember(xlz::KickGroupMember {
                fromqq,
                group: call.group_id,
                toqq: call.user_id,
                ignoreaddgrequest: call.reject_add_request,
            });
            done(backend, profile, request).await
        }
        Action::SetGroupBan(call) => {
            let seconds = call.duration.unwrap_or(1800).clamp(0, i64::from(u32::MAX));
            let request = Request::MuteGroupMember(xlz::MuteGroupMember {
                fromqq,
                group: call.group_id,
                toqq: call.user_id,
                time: u32::try_from(seconds).unwrap_or(u32::MAX),
            });
            done(backend, profile, request).await
        }
        Action::SetGroupWholeBan(call) => {
            let request = Request::SetGroupWholeMute(xlz::SetGroupWholeMute {
                fromqq,
                group: call.group_id,
                ismute: call.enable.unwrap_or(true),
            });
            done(backend, profile, request).await
        }
        Action::SetGroupCard(call) => {
            let request = Request::SetGroupCard(xlz::SetGroupCard {
                fromqq,
                togroup: call.group_id,
                toqq: call.user_id,
                card: call.card.unwrap_or_default(),
            });
            done(backend, profile, request).await
        }
        Action::SetGroupLeave(call) => {
            // NapCat, Lagrange.OneBot and LLOneBot all ignore `is_dismiss`: they just leave.
            let group = call.group_id;
            let request = Request::ExitGroup(xlz::ExitGroup { fromqq, group });
            done(backend, profile, request).await
        }
        Action::GetVersionInfo(_) => data(VersionInfo {
            app_name: profile.app_name().into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            protocol_version: "v11".into(),
            extra: Default::default(),
        }),
        Action::CanSendImage(_) | Action::CanSendRecord(_) => data(CanSend { yes: true }),
        other => {
            let call = Call {
                backend,
                profile,
                account,
            };
            call.carry_out(other).await
        }
    }
}

/// Carries out a request whose success has no data (`null`).
pub(crate) async fn done(backend: &dyn Backend, profile: Profile, request: Request) -> Answer {
    match backend.call(request).await {
        Ok(_) => Ok(Value::Null),
        Err(failure) => Err(Box::new(
            profile.failed(Why::HandlerFailed, failure.message),
        )),
    }
}

/// Where a message goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    Group(u64),
    Private(u64),
    Temporary { group: u64, user: u64 },
}

impl Target {
    fn private(user: u64, group: Option<u64>) -> Target {
        match group {
            Some(group) => Target::Temporary { group, user },
            None => Target::Private(user),
        }
    }
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
    let quote = |id| shared.ids.find(id).ok().map(|row| reply_code(&row));
    let text = call.xlz_text(target, &message, &quote).await?;
    let request = match target {
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
    };
    let sent = shared.backend.call(request).await;
    sent_message_id(shared, profile, conversation(fromqq, target), sent)
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

/// The envelope of a request that could not be read at all (bad JSON, wrong shape).
pub fn unreadable(profile: Profile, why: &str) -> Value {
    profile.render(&profile.failed(Why::BadParams, why.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_lists_every_action_of_the_table() {
        assert_eq!(supported_markdown().lines().count(), ACTIONS.len() + 2);
    }

    #[test]
    fn the_readme_lists_exactly_the_supported_actions() {
        let readme = include_str!("../../../../docs/onebot-face.md");
        assert!(
            readme.contains(&supported_markdown()),
            "docs/onebot-face.md must hold this table:\n{}",
            supported_markdown()
        );
    }
}
