//! OneBot actions carried out as lizi [`Request`]s through the [`Backend`] (`send_group_msg`
//! is `/sendgroupmsg`), their answers turned into OneBot data. An action this face cannot
//! do yet fails with a message saying so: never a fake `ok`.

use lizi_core::endpoint as xlz;
use lizi_core::{Backend, Failure, Reply, Request, Uin};
use lizi_onebot::action::{BotStatus, CanSend, FriendInfo, LoginInfo, MessageId, VersionInfo};
use lizi_onebot::envelope::{split_action, Failure as Why};
use lizi_onebot::{Action, ActionRequest, ActionResponse, ActionSpec, Message, Profile, ACTIONS};
use serde_json::Value;

use crate::segments::to_xlz_text;

/// The actions this face carries out; every other action of the table fails saying so.
pub const SUPPORTED: &[&str] = &[
    "send_private_msg",
    "send_group_msg",
    "send_msg",
    "get_login_info",
    "get_friend_list",
    "set_group_kick",
    "set_group_ban",
    "set_group_whole_ban",
    "set_group_card",
    "set_group_leave",
    "get_version_info",
    "get_status",
    "can_send_image",
    "can_send_record",
];

/// The README's list of supported actions: one Markdown row per [`SUPPORTED`] action, in
/// the action table's order, with the table's description.
pub fn supported_markdown() -> String {
    let mut out = String::from("| Action | What it does |\n|---|---|\n");
    for spec in ACTIONS.iter().filter(|spec| SUPPORTED.contains(&spec.name)) {
        out.push_str(&format!("| `{}` | {} |\n", spec.name, spec.summary.trim()));
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
/// when `None`), answering with `profile`'s envelope fields and retcodes.
pub async fn perform(
    backend: &dyn Backend,
    profile: Profile,
    self_id: Option<Uin>,
    request: &ActionRequest,
) -> ActionResponse {
    let echo = request.echo.clone();
    let (name, _) = split_action(&request.action);
    if ActionSpec::find(name).is_some() && !SUPPORTED.contains(&name) {
        return unsupported(profile, name).with_echo(echo);
    }
    let (action, _suffix) = match profile.route(request) {
        Ok(routed) => routed,
        Err(refused) => return *refused,
    };
    let answer = match account(backend, self_id).await {
        Ok(account) => carry_out(backend, profile, &account, action).await,
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

/// The framework account a call acts as.
struct Account {
    uin: Uin,
    nickname: String,
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
        }),
        (None, Some(uin)) => Err(format!("{uin} is not a framework account")),
        (None, None) => Err("no framework account is online".into()),
    }
}

/// Response data, or the failed response (boxed: it is large).
type Answer = Result<Value, Box<ActionResponse>>;

async fn carry_out(
    backend: &dyn Backend,
    profile: Profile,
    account: &Account,
    action: Action,
) -> Answer {
    let failed = |message: String| Box::new(profile.failed(Why::HandlerFailed, message));
    let fromqq = account.uin;
    match action {
        Action::SendPrivateMsg(call) => {
            let target = Target::private(call.user_id, call.group_id);
            send(backend, profile, fromqq, target, &call.message).await
        }
        Action::SendGroupMsg(call) => {
            send(
                backend,
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
            send(backend, profile, fromqq, target, &call.message).await
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
            let group = call.group_id;
            let request = match call.is_dismiss {
                Some(true) => Request::DispGroup(xlz::DispGroup { fromqq, group }),
                _ => Request::ExitGroup(xlz::ExitGroup { fromqq, group }),
            };
            done(backend, profile, request).await
        }
        Action::GetVersionInfo(_) => data(VersionInfo {
            app_name: "lizi".into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            protocol_version: "v11".into(),
            extra: Default::default(),
        }),
        Action::GetStatus(_) => data(BotStatus {
            online: Some(true),
            good: true,
            extra: Default::default(),
        }),
        Action::CanSendImage(_) | Action::CanSendRecord(_) => data(CanSend { yes: false }),
        other => Err(Box::new(unsupported(profile, other.name()))),
    }
}

/// Carries out a request whose success has no data (`null`).
async fn done(backend: &dyn Backend, profile: Profile, request: Request) -> Answer {
    match backend.call(request).await {
        Ok(_) => Ok(Value::Null),
        Err(failure) => Err(Box::new(
            profile.failed(Why::HandlerFailed, failure.message),
        )),
    }
}

fn data(value: impl serde::Serialize) -> Answer {
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
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
    backend: &dyn Backend,
    profile: Profile,
    fromqq: Uin,
    target: Target,
    message: &Message,
) -> Answer {
    let text = to_xlz_text(message).map_err(|e| Box::new(profile.failed(Why::BadParams, e.0)))?;
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
    match backend.call(request).await {
        Ok(Reply::Sent(receipt)) => data(MessageId {
            message_id: message_id(fromqq, target, receipt.req, receipt.random),
        }),
        Ok(_) => Err(Box::new(
            profile.failed(Why::HandlerFailed, "the backend sent no receipt"),
        )),
        Err(Failure { message, .. }) => Err(Box::new(profile.failed(Why::HandlerFailed, message))),
    }
}

/// A message's OneBot id: an int32 computed (FNV-1a) from the account, the conversation
/// and the message's `req` and `random`, so the same message always gets the same id.
pub(crate) fn message_id(account: Uin, target: Target, req: i64, random: i64) -> i64 {
    let (kind, a, b) = match target {
        Target::Group(group) => (1u64, group, 0),
        Target::Private(user) => (2, user, 0),
        Target::Temporary { group, user } => (3, group, user),
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for word in [account, kind, a, b, req as u64, random as u64] {
        for byte in word.to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    i64::from(hash as u32 as i32)
}

/// The envelope of a request that could not be read at all (bad JSON, wrong shape).
pub fn unreadable(profile: Profile, why: &str) -> Value {
    profile.render(&profile.failed(Why::BadParams, why.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_action_is_in_the_table() {
        for name in SUPPORTED {
            assert!(ActionSpec::find(name).is_some(), "{name}");
        }
        assert_eq!(supported_markdown().lines().count(), SUPPORTED.len() + 2);
    }

    #[test]
    fn the_readme_lists_exactly_the_supported_actions() {
        let readme = include_str!("../../../../README.md");
        assert!(
            readme.contains(&supported_markdown()),
            "README.md must hold this table:\n{}",
            supported_markdown()
        );
    }
}
