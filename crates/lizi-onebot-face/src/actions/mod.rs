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
//! - [`media`]: pictures and voices in sends, `get_image`, `get_record`;
//! - [`account`]: the account itself, and which account a call acts as;
//! - [`system`]: lizi itself (version, status, cache, restart).
//!
//! Each action family is a set of [`Call`] methods ([`call`]: the account, the profile and
//! the helpers that ask the backend), or of functions of the shared state where stored
//! messages are involved. An action the simulated network cannot do fails with a message
//! saying why: never a fake `ok`.

mod account;
mod call;
mod files;
mod groups;
mod media;
mod messages;
mod people;
mod pokes;
mod system;

use lizi_core::Uin;
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::envelope::Rendered;
use lizi_onebot::{Action, ActionRequest, ActionResponse, Profile, ACTIONS};
use serde_json::Value;

use crate::connection::Shared;
use account::account;
use call::{Account, Answer, Call};
use groups::admin::NO_ANONYMOUS;
use messages::forward::{self, Context, ForwardCall, SingleTo};
use messages::stored;
use messages::{essence, reactions, send};
use pokes::PokeAction;

pub(crate) use account::{choose_account, framework_accounts};

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
        Ok(account) => carry_out(shared, profile, &account, action).await,
        Err(message) => Err(Box::new(profile.failed(Why::HandlerFailed, message))),
    };
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
        A::GetForwardMsg(c) => forward::get_forward(shared, &call, &c.id).await,
        A::SendGroupForwardMsg(c) => {
            let f = forward_call(c.group_id, c.user_id, c.messages.as_ref(), &c.message_type);
            forward::send_forward(shared, &call, f, Context::Group).await
        }
        A::SendPrivateForwardMsg(c) => {
            let f = forward_call(c.group_id, c.user_id, c.messages.as_ref(), &c.message_type);
            forward::send_forward(shared, &call, f, Context::Private).await
        }
        // The simulated network keeps no read state: there is nothing to mark.
        A::MarkMsgAsRead(_) => Ok(Value::Null),
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
        A::SetGroupAnonymousBan(_) | A::SetGroupAnonymous(_) => Err(call.failed(NO_ANONYMOUS)),
        A::SetGroupMemberPermissions(c) => call.member_permissions(&c).await,
        A::SetGroupMemberInvitePolicy(c) => call.invite_policy(&c).await,
        A::SetGroupNewMemberHistoryVisibility(c) => call.history_visibility(&c).await,
        A::GetGroupSystemMsg(_) => call.group_system_msg().await,
        // People.
        A::GetFriendList(_) => call.friend_list().await,
        A::DeleteFriend(c) => call.delete_friend(&c).await,
        A::GetStrangerInfo(c) => call.stranger(&c).await,
        A::NcGetUserStatus(c) => call.user_status(c.user_id).await,
        A::GetProfileLike(c) => call.profile_like(&c).await,
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
        A::GetGroupRootFiles(c) => call.group_files(c.group_id, "/").await,
        A::GetGroupFilesByFolder(c) => call.group_files(c.group_id, &c.folder_id).await,
        A::GetGroupFileUrl(c) => call.file_url(&c).await,
        A::CreateGroupFileFolder(c) => call.create_folder(&c).await,
        A::RenameGroupFileFolder(c) => call.rename_folder(&c).await,
        A::MoveGroupFile(c) => call.move_file(&c).await,
        A::DeleteGroupFile(c) => call.delete_file(&c).await,
        A::DeleteGroupFolder(c) => call.delete_folder(&c).await,
        A::DeleteGroupFileFolder(c) => call.delete_folder_by_id(&c).await,
        A::UploadPrivateFile(c) => call.upload_private(&c).await,
        A::GetPrivateFileUrl(c) => call.private_url(&c).await,
        // Media.
        A::GetImage(c) => call.media_file(&c.file, None).await,
        A::GetRecord(c) => call.media_file(&c.file, c.out_format.as_deref()).await,
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
        // lizi itself.
        A::GetVersionInfo(_) => call.version_info(),
        A::GetStatus(_) => call.status(),
        A::CanSendImage(_) | A::CanSendRecord(_) => call.can_send(),
        A::CleanCache(_) => call.clean_cache(),
        A::SetRestart(_) => call.restart(),
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

/// The envelope of a request that could not be read at all (bad JSON, wrong shape).
pub fn unreadable(profile: Profile, why: &str) -> Rendered {
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
