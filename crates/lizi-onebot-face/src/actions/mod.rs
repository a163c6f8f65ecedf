//! OneBot actions carried out as lizi [`Request`](lizi_core::Request)s through the
//! [`Backend`](lizi_core::Backend) (`send_group_msg` is `/sendgroupmsg`), their answers
//! turned into OneBot data. [`carry_out`] routes every action of the table to the module of
//! what it acts on:
//!
//! - [`messages`]: sending (plain and cards), fetching, recalling and paging stored
//!   messages, merged forwards, essence marks, emoji reactions;
//! - [`groups`]: what a group is, running it, the requests it receives, its
//!   announcements, honours and sign-ins;
//! - [`people`]: friends, other people's profiles, likes, requests answered by flag;
//! - [`pokes`]: pokes, in a group or between friends;
//! - [`files`]: group files and folders, files between friends;
//! - [`media`]: pictures, voices and videos in sends, media by name (`get_file`,
//!   `get_image`, `get_record`), `download_file`, favourite stickers, the keys of media
//!   URLs;
//! - [`contacts`]: remarks, friends by category, doubtful friend requests, robot ranges;
//! - [`account`]: the account itself, and which account a call acts as;
//! - [`system`]: lizi itself (version, status, cache);
//! - [`refused`]: the registered actions the simulated network cannot do, each with the
//!   sentence saying why.
//!
//! Each action family is a set of [`Call`] methods ([`call`]: the account, the profile and
//! the helpers that ask the backend), or of functions of the shared state where stored
//! messages are involved. An action the simulated network cannot do fails with a message
//! saying why: never a fake `ok`.

mod account;
mod call;
mod contacts;
#[cfg(test)]
mod coverage;
mod files;
mod groups;
mod media;
mod messages;
mod people;
mod pokes;
mod refused;
mod system;

use std::future::Future;
use std::pin::Pin;

use lizi_core::Uin;
use lizi_onebot::envelope::{Failure as Why, Rendered};
use lizi_onebot::registry::Registry;
use lizi_onebot::routing::Routed;
use lizi_onebot::{Action, ActionRequest, ActionResponse, ActionSpec, Profile, ACTIONS};
use serde_json::Value;

use crate::connection::Shared;
use account::account;
use call::{Account, Answer, Call};
use media::by_id::Asked;
use messages::forward::{self, Context, ForwardCall, SingleTo};
use messages::stored;
use messages::{essence, reactions, send};
use pokes::PokeAction;

pub(crate) use account::{choose_account, framework_accounts};

/// What lizi does with one registered action in one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// The implementation does not register it: answered as an unknown action.
    Unregistered,
    /// Carried out (failing, saying why, only when the world says no).
    CarriedOut,
    /// Always refused, for the reason given.
    Refused(&'static str),
}

/// The sentence for a registered action the face has neither a row nor a refusal for.
const NOT_CARRIED_OUT: &str = "lizi does not carry out this action yet";

/// What lizi does with `action` in `profile`.
pub fn handling(profile: Profile, action: &str) -> Handling {
    if Registry::of(profile).action(action).is_none() {
        Handling::Unregistered
    } else if ActionSpec::find(action).is_some() {
        Handling::CarriedOut
    } else {
        Handling::Refused(refused::refusal(action).unwrap_or(NOT_CARRIED_OUT))
    }
}

/// Every action name some profile's implementation registers or the table has: the
/// table's rows in order, then the others by name.
pub fn action_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = ACTIONS.iter().map(|spec| spec.name).collect();
    let mut others: Vec<&'static str> = Profile::ALL
        .into_iter()
        .flat_map(|profile| Registry::of(profile).actions.iter())
        .map(|registered| registered.name.as_str())
        .filter(|name| ActionSpec::find(name).is_none())
        .collect();
    others.sort_unstable();
    others.dedup();
    names.extend(others);
    names
}

/// The README's action table: one Markdown row per action some implementation registers,
/// with what it does and, per profile, ✓ (carried out), ✗ (always fails, saying why) or –
/// (not registered: an unknown action).
pub fn supported_markdown() -> String {
    let mut out = String::from("| Action | What it does |");
    for profile in Profile::ALL {
        out.push_str(&format!(" {} |", profile.name()));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(Profile::ALL.len()));
    out.push('\n');
    for name in action_names() {
        let states = Profile::ALL.map(|profile| handling(profile, name));
        let summary = match (ActionSpec::find(name), states.iter().find_map(refusal_of)) {
            (Some(spec), _) => spec.summary.trim().to_owned(),
            (None, Some(why)) => format!("Fails, saying why: {why}."),
            (None, None) => String::new(),
        };
        out.push_str(&format!("| `{name}` | {summary} |"));
        for state in states {
            out.push_str(match state {
                Handling::CarriedOut => " ✓ |",
                Handling::Refused(_) => " ✗ |",
                Handling::Unregistered => " – |",
            });
        }
        out.push('\n');
    }
    out
}

fn refusal_of(handling: &Handling) -> Option<&'static str> {
    match handling {
        Handling::Refused(why) => Some(why),
        _ => None,
    }
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
    let action = match profile.route(request) {
        Ok((Routed::Action(action), _suffix)) => *action,
        Ok((Routed::Untyped { registered, .. }, _suffix)) => {
            let why = refused::refusal(&registered.name).unwrap_or(NOT_CARRIED_OUT);
            return profile.failed(Why::HandlerFailed, why).with_echo(echo);
        }
        Err(refused) => return *refused,
    };
    let registry = Registry::of(profile);
    let registered = registry.action(action.name());
    let answer = match account(backend, self_id).await {
        Ok(account) => carry_out(shared, profile, &account, action).await,
        Err(message) => Err(Box::new(profile.failed(Why::HandlerFailed, message))),
    };
    // The data in the shape the profile's implementation answers with.
    let answer = answer.map(|data| match registered {
        Some(registered) => registry.shape(registered, data),
        None => data,
    });
    answer
        .map(ActionResponse::ok)
        .unwrap_or_else(|failed| *failed)
        .with_echo(echo)
}

/// Carries out `action` as `account`: every action of the table, each where the module of
/// what it acts on does it.
async fn carry_out(shared: &Shared, profile: Profile, account: &Account, action: Action) -> Answer {
    use Action as A;
    let me = account.uin;
    let call = Call {
        backend: shared.backend.as_ref(),
        profile,
        account,
    };
    match action {
        // Messages.
        A::SendPrivateMsg(c) => send::send_private(shared, profile, me, &c).await,
        A::SendGroupMsg(c) => send::send_group(shared, profile, me, &c).await,
        A::SendMsg(c) => send::send_msg(shared, profile, me, &c).await,
        A::GetMsg(c) => stored::get_msg(shared, profile, me, c.message_id).await,
        A::DeleteMsg(c) => stored::delete_msg(shared, profile, me, c.message_id).await,
        A::GetGroupMsgHistory(c) => stored::group_history(shared, profile, me, &c).await,
        A::GetFriendMsgHistory(c) => stored::friend_history(shared, profile, me, &c).await,
        // Without an id the implementations fail in their handler.
        A::GetForwardMsg(c) => match &c.id {
            Some(id) => forward::get_forward(shared, &call, id).await,
            None => Err(call.failed("no merged forward named: give `id` or `message_id`")),
        },
        A::SendGroupForwardMsg(c) => {
            let f = forward_call(c.group_id, c.user_id, c.messages.as_ref(), &c.message_type);
            forward::send_forward(shared, &call, f, Context::Group).await
        }
        A::SendPrivateForwardMsg(c) => {
            let f = forward_call(c.group_id, c.user_id, c.messages.as_ref(), &c.message_type);
            forward::send_forward(shared, &call, f, Context::Private).await
        }
        // The simulated network keeps no read state: there is nothing to mark.
        A::MarkMsgAsRead(_)
        | A::MarkGroupMsgAsRead(_)
        | A::MarkPrivateMsgAsRead(_)
        | A::MarkAllAsRead(_) => Ok(Value::Null),
        A::SetEssenceMsg(c) => essence::set_essence(shared, &call, c.message_id).await,
        // Groups.
        A::GetGroupList(_) => call.group_list().await,
        A::GetGroupInfo(c) => call.group_info(&c).await,
        A::GetGroupDetailInfo(c) => call.group_detail(&c).await,
        A::GetGroupMemberList(c) => call.member_list(c.group_id).await,
        A::GetGroupMemberInfo(c) => call.member(&c).await,
        A::GetGroupHonorInfo(c) => call.honours(c.group_id, c.honor_type.as_deref()).await,
        A::SetGroupKick(c) => call.kick(&c).await,
        A::SetGroupBan(c) => call.ban(&c).await,
        A::SetGroupWholeBan(c) => call.whole_ban(&c).await,
        A::SetGroupCard(c) => call.set_card(&c).await,
        A::SetGroupLeave(c) => call.leave(&c).await,
        A::SetGroupAdmin(c) => call.set_admin(&c).await,
        A::SetGroupName(c) => call.set_name(&c).await,
        A::SetGroupSpecialTitle(c) => call.set_special_title(&c).await,
        A::SetGroupMemberPermissions(c) => call.member_permissions(&c).await,
        A::SetGroupMemberInvitePolicy(c) => call.invite_policy(&c).await,
        A::SetGroupNewMemberHistoryVisibility(c) => call.history_visibility(&c).await,
        A::GetGroupSystemMsg(c) => call.group_system_msg(c.count).await,
        A::GetGroupRequests(_) => call.group_requests().await,
        A::GetGroupIgnoredNotifies(_) => call.ignored_notifies().await,
        A::SetGroupKickMembers(c) => {
            let reject = c.reject_add_request;
            call.kick_members(c.group_id, &c.user_id, reject).await
        }
        A::BatchDeleteGroupMember(c) => call.kick_members(c.group_id, &c.user_ids, None).await,
        // People.
        A::GetFriendList(_) => call.friend_list().await,
        A::DeleteFriend(c) => call.delete_friend(&c).await,
        A::GetStrangerInfo(c) => call.stranger(&c).await,
        A::NcGetUserStatus(c) => call.user_status(c.user_id).await,
        A::GetProfileLike(c) => call.profile_like(&c).await,
        A::GetProfileLikeMe(c) => people::likers(c.start),
        A::GetUnidirectionalFriendList(_) => call.unidirectional_friends(),
        A::GetQqAvatar(c) => call.avatar_url(&c),
        A::SendLike(c) => call.like(&c).await,
        A::SetInputStatus(c) => call.input_status(&c).await,
        A::SetFriendAddRequest(c) => call.answer_friend(&c).await,
        A::SetGroupAddRequest(c) => call.answer_group(&c).await,
        A::GroupPoke(c) => {
            let (user, group, target) = (c.user_id, c.group_id, c.target_id);
            call.poke(PokeAction::Group, user, group, target).await
        }
        A::FriendPoke(c) => {
            let (user, group, target) = (c.user_id, c.group_id, c.target_id);
            call.poke(PokeAction::Friend, user, group, target).await
        }
        A::SendPoke(c) => {
            let (user, group, target) = (c.user_id, c.group_id, c.target_id);
            call.poke(PokeAction::Send, user, group, target).await
        }
        // Files.
        A::UploadGroupFile(c) => call.upload_file(&c).await,
        A::GetGroupRootFiles(c) => call.group_files(c.group_id, None, c.file_count).await,
        A::GetGroupFilesByFolder(c) => {
            let folder = c.folder.as_deref();
            call.group_files(c.group_id, folder, c.file_count).await
        }
        A::GetGroupFileUrl(c) => call.file_url(&c).await,
        A::CreateGroupFileFolder(c) => call.create_folder(&c).await,
        A::RenameGroupFileFolder(c) => call.rename_folder(&c).await,
        A::MoveGroupFile(c) => call.move_file(&c).await,
        A::DeleteGroupFile(c) => call.delete_file(&c).await,
        A::DeleteGroupFolder(c) => call.delete_folder(&c).await,
        A::DeleteGroupFileFolder(c) => call.delete_folder_by_id(&c).await,
        A::RenameGroupFile(c) => call.rename_file(&c).await,
        A::UploadPrivateFile(c) => call.upload_private(&c).await,
        A::GetPrivateFileUrl(c) => call.private_url(&c).await,
        // Media.
        A::GetImage(c) => {
            let (file, id) = (c.file.as_deref(), c.file_id.as_deref());
            call.media_file(&shared.config, Asked::Image, file, id, None)
                .await
        }
        A::GetRecord(c) => {
            let (file, id, format) = (
                c.file.as_deref(),
                c.file_id.as_deref(),
                c.out_format.as_deref(),
            );
            call.media_file(&shared.config, Asked::Record, file, id, format)
                .await
        }
        A::UploadImage(c) => call.upload_image(&c.file).await,
        // The account.
        A::GetLoginInfo(_) => call.login_info(),
        A::SetQqProfile(c) => call.set_profile(&c).await,
        A::SetSelfLongnick(c) => call.set_longnick(&c).await,
        A::SetQqAvatar(c) => call.set_avatar(None, &c.file).await,
        A::SetGroupPortrait(c) => call.set_avatar(Some(c.group_id), &c.file).await,
        A::SetOnlineStatus(c) => call.online_status(&c).await,
        A::GetOnlineClients(_) => call.online_clients(),
        A::GetCookies(c) => call.cookies(c.domain.as_deref()).await,
        A::GetCsrfToken(_) => call.csrf_token().await,
        A::GetCredentials(c) => call.credentials(c.domain.as_deref()).await,
        A::GetClientkey(_) => call.clientkey().await,
        A::GetModelShow(c) => call.model_show(c.model.as_deref()),
        // NapCat does nothing for these and answers `null`: there are no guilds, and the
        // model shown is not stored.
        A::SetModelShow(_) | A::GetGuildServiceProfile(_) => Ok(Value::Null),
        // lizi itself.
        A::GetVersionInfo(_) => call.version_info(),
        A::GetStatus(_) => call.status(),
        A::CanSendImage(_) | A::CanSendRecord(_) => call.can_send(),
        A::CleanCache(_) => call.clean_cache(),
        A::CheckUrlSafely(_) => call.url_safety(),
        A::GetEvent(c) => {
            let key = c.key.as_deref().unwrap_or_default();
            Ok(crate::polling::poll(shared, me, key, c.timeout.unwrap_or(0)).await)
        }
        A::HandleQuickOperation(c) => {
            quick_operation(shared, me, &c.context, &c.operation).await;
            Ok(Value::Null)
        }
        // Forwards, essence, announcements, reactions, sign-ins.
        A::SendForwardMsg(c) => {
            let f = forward_call(c.group_id, c.user_id, c.messages.as_ref(), &c.message_type);
            forward::send_forward(shared, &call, f, Context::Normal).await
        }
        A::ForwardGroupSingleMsg(c) => {
            let to = (c.group_id, c.user_id);
            forward::forward_single(shared, &call, c.message_id, to, SingleTo::Group).await
        }
        A::ForwardFriendSingleMsg(c) => {
            let to = (c.group_id, c.user_id);
            forward::forward_single(shared, &call, c.message_id, to, SingleTo::Friend).await
        }
        A::DeleteEssenceMsg(c) => essence::delete_essence(shared, &call, &c).await,
        A::GetEssenceMsgList(c) => essence::essence_list(shared, &call, c.group_id).await,
        A::SendGroupNotice(c) => call.announce(&c).await,
        A::GetGroupNotice(c) => call.announcements(c.group_id).await,
        A::DelGroupNotice(c) => call.delete_announcement(c.group_id, &c.notice_id).await,
        A::DeleteGroupNotice(c) => call.delete_announcement(c.group_id, &c.notice_id).await,
        A::SetMsgEmojiLike(c) => {
            let add = profile != Profile::NapCat || reactions::napcat_set(c.set.as_ref());
            reactions::react(shared, &call, c.message_id, &c.emoji_id, add).await
        }
        A::UnsetMsgEmojiLike(c) => {
            reactions::react(shared, &call, c.message_id, &c.emoji_id, false).await
        }
        A::SetGroupReaction(c) => {
            let (group, id, add) = (c.group_id, c.message_id, c.is_add.unwrap_or(true));
            reactions::group_reaction(shared, &call, group, id, &c.code, add).await
        }
        A::FetchEmojiLike(c) => reactions::fetch_emoji_like(shared, &call, &c).await,
        A::GetEmojiLikes(c) => reactions::get_emoji_likes(shared, &call, &c).await,
        A::SendGroupSign(c) => call.sign_in(c.group_id).await,
        A::SetGroupSign(c) => call.sign_in(c.group_id).await,
        A::GetGroupSignedList(c) => call.signed_list(c.group_id).await,
        // Lists, remarks, media by id.
        A::SetFriendRemark(c) => call.set_friend_remark(&c).await,
        A::SetGroupRemark(c) => call.set_group_remark(&c).await,
        A::SetGroupMsgMask(c) => call.set_group_msg_mask(&c).await,
        A::GetFriendsWithCategory(_) => call.friends_with_category().await,
        A::SetFriendCategory(c) => call.set_friend_category(&c).await,
        A::GetGroupShutList(c) => call.shut_list(c.group_id).await,
        A::GetGroupAtAllRemain(c) => call.at_all_remain(c.group_id).await,
        A::GetGroupFileSystemInfo(c) => call.file_system_info(c.group_id).await,
        A::GetGroupIgnoreAddRequest(_) => call.ignored_requests().await,
        A::GetDoubtFriendsAddRequest(c) => call.doubt_requests(&c).await,
        A::SetDoubtFriendsAddRequest(c) => call.answer_doubt(&c).await,
        A::GetRobotUinRange(_) => call.robot_ranges(),
        A::FetchCustomFace(c) => call.fetch_stickers(c.count).await,
        A::FetchCustomFaceDetail(c) => call.sticker_details(c.count).await,
        A::AddCustomFace(c) => call.add_sticker(&c).await,
        A::DeleteCustomFace(c) => call.delete_stickers(&c).await,
        A::SetCustomFaceDesc(c) => call.describe_sticker(&c).await,
        // Neither implementation has guilds to list: both answer `null`.
        A::GetGuildList(_) => Ok(Value::Null),
        A::GetFile(c) => {
            let (file, id) = (c.file.as_deref(), c.file_id.as_deref());
            call.media_file(&shared.config, Asked::File, file, id, None)
                .await
        }
        A::DownloadFile(c) => call.download(&shared.config, &c).await,
        A::GetRkey(_) => call.rkey(),
        A::NcGetRkey(_) => call.nt_rkeys(),
        A::GetRkeyServer(_) => call.rkey_server(),
    }
}

/// The parameters a forward send reads.
fn forward_call<'a>(
    group_id: Option<Uin>,
    user_id: Option<Uin>,
    messages: Option<&'a lizi_onebot::Message>,
    message_type: &'a Option<String>,
) -> ForwardCall<'a> {
    ForwardCall {
        group_id,
        user_id,
        messages,
        message_type: message_type.as_deref(),
    }
}

/// `.handle_quick_operation`: the quick operations carried out as actions of their own
/// (failures only logged, as NapCat and LLOneBot do). Boxed: those actions come back here.
fn quick_operation<'a>(
    shared: &'a Shared,
    account: Uin,
    event: &'a Value,
    operation: &'a Value,
) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(crate::quick::carry_out(shared, account, event, operation))
}

/// The envelope of a request that could not be read at all (bad JSON, wrong shape).
pub fn unreadable(profile: Profile, why: &str) -> Rendered {
    profile.render(&profile.failed(Why::BadParams, why.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_lists_every_registered_action() {
        assert_eq!(
            supported_markdown().lines().count(),
            action_names().len() + 2
        );
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
