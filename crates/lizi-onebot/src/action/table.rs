//! The rows of the action table: OneBot v11 `api/public.md`, then the extensions of
//! NapCat, LLOneBot and Lagrange.OneBot that lizi carries out. A row declares every
//! parameter lizi reads under any implementation's name; which implementations have the
//! action, which of those names each reads and the defaults each applies come from the
//! [`Registry`](crate::registry::Registry), so a row names no profile.

use serde_json::Value;

use super::actions;
use super::data::*;
use super::extended::*;
use super::files::*;
use super::lists::*;
use super::media::*;
use super::param::{Flag, Id, Ids, Int, Json, Msg, Text};

actions! {
    /// Send a private message; to a non-friend, a temporary session as the implementation
    /// opens one (NapCat: through `group_id`; LLOneBot: only where one exists already).
    SendPrivateMsg "send_private_msg" Standard [MessageId]
        (user_id: Option<Id>, group_id: Option<Id>, message: Msg, auto_escape: Option<Flag>);
    /// Send a group message.
    SendGroupMsg "send_group_msg" Standard [MessageId]
        (group_id: Option<Id>, message: Msg, auto_escape: Option<Flag>);
    /// Send a message; `message_type` `private`/`group`, else inferred from the ids.
    SendMsg "send_msg" Standard [MessageId] (
        message_type: Option<Text>, user_id: Option<Id>, group_id: Option<Id>, message: Msg,
        auto_escape: Option<Flag>,
    );
    /// Recall a message.
    DeleteMsg "delete_msg" Standard [()] (message_id: Int);
    /// Fetch a message by id.
    GetMsg "get_msg" Standard [MessageData] (message_id: Int);
    /// The messages of a merged forward, by its id (`resid`) or the id of the message
    /// carrying it (NapCat, LLOneBot).
    GetForwardMsg "get_forward_msg" Standard [Value] (id or "message_id": Option<Text>);
    /// Like a user's profile `times` times (default 1).
    SendLike "send_like" Standard [()] (user_id: Id, times: Option<Int>);
    /// Remove a member from a group.
    SetGroupKick "set_group_kick" Standard [()]
        (group_id: Id, user_id: Id, reject_add_request: Option<Flag>);
    /// Mute a member for `duration` seconds (default 1800; 0 lifts the mute).
    SetGroupBan "set_group_ban" Standard [()]
        (group_id: Id, user_id: Id, duration: Option<Int>);
    /// Mute or unmute a whole group (default: mute).
    SetGroupWholeBan "set_group_whole_ban" Standard [()] (group_id: Id, enable: Option<Flag>);
    /// Grant or remove a group admin (default: grant).
    SetGroupAdmin "set_group_admin" Standard [()]
        (group_id: Id, user_id: Id, enable: Option<Flag>);
    /// Set a member's group card (empty clears it).
    SetGroupCard "set_group_card" Standard [()]
        (group_id: Id, user_id: Id, card: Option<Text>);
    /// Rename a group.
    SetGroupName "set_group_name" Standard [()] (group_id: Id, group_name: Text);
    /// Leave a group; `is_dismiss` is ignored, as the implementations ignore it (an owner cannot leave).
    SetGroupLeave "set_group_leave" Standard [()] (group_id: Id, is_dismiss: Option<Flag>);
    /// Set a member's special title (owner only; `duration` -1 = permanent).
    SetGroupSpecialTitle "set_group_special_title" Standard [()]
        (group_id: Id, user_id: Id, special_title: Option<Text>, duration: Option<Int>);
    /// Answer a friend request (default: approve).
    SetFriendAddRequest "set_friend_add_request" Standard [()]
        (flag: Text, approve: Option<Flag>, remark: Option<Text>);
    /// Answer a join request or invitation, found by its `flag` (no implementation reads
    /// `sub_type`).
    SetGroupAddRequest "set_group_add_request" Standard [()]
        (flag: Text, approve: Option<Flag>, reason: Option<Text>);
    /// The logged-in account.
    GetLoginInfo "get_login_info" Standard [LoginInfo] ();
    /// A user's public profile.
    GetStrangerInfo "get_stranger_info" Standard [StrangerInfo]
        (user_id: Id, no_cache: Option<Flag>);
    /// The account's friends.
    GetFriendList "get_friend_list" Standard [Vec<FriendInfo>] (no_cache: Option<Flag>);
    /// A group's information.
    GetGroupInfo "get_group_info" Standard [GroupInfo] (group_id: Id, no_cache: Option<Flag>);
    /// The account's groups.
    GetGroupList "get_group_list" Standard [Vec<GroupInfo>] (no_cache: Option<Flag>);
    /// A member's information.
    GetGroupMemberInfo "get_group_member_info" Standard [GroupMemberInfo]
        (group_id: Id, user_id: Id, no_cache: Option<Flag>);
    /// A group's members.
    GetGroupMemberList "get_group_member_list" Standard [Vec<GroupMemberInfo>]
        (group_id: Id, no_cache: Option<Flag>);
    /// A group's honours; `type` `talkative`, `performer`, `legend`, `strong_newbie`,
    /// `emotion` or `all` (NapCat's and LLOneBot's default). The talkative one comes from
    /// the group's messages, the others from the world file.
    GetGroupHonorInfo "get_group_honor_info" Standard [Value]
        (group_id: Id, honor_type as "type": Option<Text>);
    /// Cookies for a domain.
    GetCookies "get_cookies" Standard [Cookies] (domain: Option<Text>);
    /// The CSRF token.
    GetCsrfToken "get_csrf_token" Standard [CsrfToken] ();
    /// Cookies and CSRF token together.
    GetCredentials "get_credentials" Standard [Credentials] (domain: Option<Text>);
    /// A voice lizi holds, by `file` (NapCat: or `file_id`), in `out_format`
    /// (NapCat: required; LLOneBot: default `mp3`): its local path, URL, size, name and,
    /// when set, base64.
    GetRecord "get_record" Standard [FileData]
        (file: Option<Text>, file_id: Option<Text>, out_format: Option<Text>);
    /// A picture lizi holds, by `file` (NapCat: or `file_id`): its local path, URL, size,
    /// name and, when set, base64.
    GetImage "get_image" Standard [FileData]
        (file: Option<Text>, file_id: Option<Text>);
    /// Whether pictures can be sent.
    CanSendImage "can_send_image" Standard [CanSend] ();
    /// Whether voices can be sent.
    CanSendRecord "can_send_record" Standard [CanSend] ();
    /// The implementation's running state.
    GetStatus "get_status" Standard [BotStatus] ();
    /// The implementation's name and version.
    GetVersionInfo "get_version_info" Standard [VersionInfo] ();
    /// Clear the implementation's cache.
    CleanCache "clean_cache" Standard [()] ();

    /// A group's recent messages, up to `message_seq` (Lagrange.OneBot: `message_id`; default:
    /// the newest), `count` of them.
    GetGroupMsgHistory "get_group_msg_history" Extension [MessageHistory] (
        group_id: Id, message_seq: Option<Int>, message_id: Option<Int>, count: Option<Int>,
        reverse_order or "reverseOrder": Option<Flag>,
    );
    /// A friend chat's recent messages, as `get_group_msg_history`.
    GetFriendMsgHistory "get_friend_msg_history" Extension [MessageHistory] (
        user_id: Id, message_seq: Option<Int>, message_id: Option<Int>, count: Option<Int>,
        reverse_order or "reverseOrder": Option<Flag>,
    );
    /// Send a merged forward (`node` segments: messages by id, or custom content) to a
    /// group.
    SendGroupForwardMsg "send_group_forward_msg" Extension [ForwardSent] (
        group_id: Option<Id>, user_id: Option<Id>, messages or "message": Option<Msg>,
        message_type: Option<Text>, auto_escape: Option<Flag>, source: Option<Text>,
        news: Option<Json>, summary: Option<Text>, prompt: Option<Text>,
        timeout: Option<Int>,
    );
    /// Send a merged forward (`node` segments: messages by id, or custom content) to a
    /// friend (NapCat: through `group_id` to a non-friend).
    SendPrivateForwardMsg "send_private_forward_msg" Extension [ForwardSent] (
        user_id: Option<Id>, group_id: Option<Id>, messages or "message": Option<Msg>,
        message_type: Option<Text>, auto_escape: Option<Flag>, source: Option<Text>,
        news: Option<Json>, summary: Option<Text>, prompt: Option<Text>,
        timeout: Option<Int>,
    );
    /// Upload a file (path, URL or `base64://`, readable by the implementation) to a group.
    UploadGroupFile "upload_group_file" Extension [UploadedFile]
        (group_id: Id, file: Text, name: Option<Text>, folder or "folder_id": Option<Text>);
    /// The files and folders at a group's file root (NapCat: the first `file_count` files).
    GetGroupRootFiles "get_group_root_files" Extension [GroupFiles]
        (group_id: Id, file_count: Option<Int>);
    /// The files and folders in a group folder (the root when none is given).
    GetGroupFilesByFolder "get_group_files_by_folder" Extension [GroupFiles]
        (group_id: Id, folder or "folder_id": Option<Text>, file_count: Option<Int>);
    /// A download URL for a group file.
    GetGroupFileUrl "get_group_file_url" Extension [FileUrl]
        (group_id: Id, file_id: Text, busid: Option<Int>);
    /// Create a folder at a group's file root.
    CreateGroupFileFolder "create_group_file_folder" Extension [Value]
        (group_id: Id, folder_name or "name": Option<Text>);
    /// Delete a group file.
    DeleteGroupFile "delete_group_file" Extension [()]
        (group_id: Id, file_id: Text, busid: Option<Int>);
    /// Delete a group folder and the files in it.
    DeleteGroupFolder "delete_group_folder" Extension [()]
        (group_id: Id, folder or "folder_id": Option<Text>);
    /// Rename a group folder (Lagrange.OneBot, LLOneBot).
    RenameGroupFileFolder "rename_group_file_folder" Extension [()]
        (group_id: Id, folder_id: Text, new_folder_name: Text);
    /// Move a group file between folders: NapCat names the folders
    /// `current_parent_directory`/`target_parent_directory`, Lagrange.OneBot and LLOneBot
    /// `parent_directory`/`target_directory`.
    MoveGroupFile "move_group_file" Extension [()] (
        group_id: Id, file_id: Text, parent_directory: Option<Text>,
        target_directory: Option<Text>, current_parent_directory: Option<Text>,
        target_parent_directory: Option<Text>,
    );
    /// Delete a group folder and the files in it (Lagrange.OneBot's name).
    DeleteGroupFileFolder "delete_group_file_folder" Extension [()]
        (group_id: Id, folder_id: Text);
    /// Send a file (path, URL or `base64://`, readable by the implementation) to a friend.
    UploadPrivateFile "upload_private_file" Extension [UploadedFile]
        (user_id: Id, file: Text, name: Option<Text>);
    /// A download URL for a file a friend sent.
    GetPrivateFileUrl "get_private_file_url" Extension [FileUrl] (file_id: Text);
    /// Poke a group member (NapCat, Lagrange.OneBot: a friend without `group_id`;
    /// `target_id`, default `user_id`, is who is poked).
    GroupPoke "group_poke" Extension [()]
        (user_id: Id, group_id: Option<Id>, target_id: Option<Id>);
    /// Poke a friend (NapCat, Lagrange.OneBot: a group member with `group_id`).
    FriendPoke "friend_poke" Extension [()]
        (user_id: Id, group_id: Option<Id>, target_id: Option<Id>);
    /// Poke a user, in a group when `group_id` is given.
    SendPoke "send_poke" Extension [()]
        (user_id: Id, group_id: Option<Id>, target_id: Option<Id>);
    /// Mark a group message as essence (owner or admin).
    SetEssenceMsg "set_essence_msg" Extension [Value] (message_id: Int);
    /// Mark a message (go-cqhttp) or a chat (NapCat: `user_id`/`group_id`) as read.
    MarkMsgAsRead "mark_msg_as_read" Extension [()]
        (message_id: Option<Int>, user_id: Option<Id>, group_id: Option<Id>);
    /// Pending group invitations and join requests.
    GetGroupSystemMsg "get_group_system_msg" Extension [GroupSystemMsg]
        (count: Option<Int>);
    /// Update the account's profile (NapCat: `nickname`, `personal_note` and `sex`).
    SetQqProfile "set_qq_profile" Extension [()]
        (nickname: Option<Text>, personal_note: Option<Text>, sex: Option<Int>);
    /// Set the account's avatar (`file`: path, URL or `base64://`).
    SetQqAvatar "set_qq_avatar" Extension [()] (file: Text);
    /// Set a group's avatar (`file`: path, URL or `base64://`).
    SetGroupPortrait "set_group_portrait" Extension [()] (group_id: Id, file: Text);
    /// The account's other logged-in devices.
    GetOnlineClients "get_online_clients" Extension [OnlineClients] ();
    /// Delete a friend (NapCat also reads `friend_id`; `temp_block` and `temp_both_del`
    /// are its blacklist options).
    DeleteFriend "delete_friend" Extension [()] (
        user_id as "friend_id" or "user_id": Option<Id>, temp_block: Option<Flag>,
        temp_both_del: Option<Flag>,
    );
    /// Show an input status to a friend: `event_type` 1 typing, 0 speaking.
    SetInputStatus "set_input_status" Extension [()]
        (user_id: Id, event_type: Int);
    /// Set the account's signature.
    SetSelfLongnick "set_self_longnick" Extension [()]
        (long_nick as "longNick": Text);
    /// Allow or forbid members to start group chats, temporary sessions, album uploads.
    SetGroupMemberPermissions "set_group_member_permissions" Extension [()] (
        group_id: Id, allow_member_create_group: Option<Flag>,
        allow_member_temporary_session: Option<Flag>, allow_member_upload_album: Option<Flag>,
    );
    /// How members may invite: `disabled`, `no_approval`, `require_approval` or
    /// `no_approval_under_100`.
    SetGroupMemberInvitePolicy "set_group_member_invite_policy" Extension [()]
        (group_id: Id, policy: Text);
    /// Whether new members may read the messages from before they joined.
    SetGroupNewMemberHistoryVisibility "set_group_new_member_history_visibility" Extension
        [()] (group_id: Id, visible: Flag);
    /// Set the account's online status (NT codes: 10 online, 30 away, 40 invisible, 50
    /// busy, 60 "Q me", 70 do not disturb), extended status and battery level.
    SetOnlineStatus "set_online_status" Extension [()]
        (status: Int, ext_status: Option<Int>, battery_status: Option<Int>);
    /// A user's online status, as NT codes.
    NcGetUserStatus "nc_get_user_status" Extension [UserStatus] (user_id: Id);
    /// The account's clientkey.
    GetClientkey "get_clientkey" Extension [ClientKey] ();
    /// The likes of a profile (the account's own when `user_id` is absent).
    GetProfileLike "get_profile_like" Extension [ProfileLike]
        (user_id: Option<Id>, start: Option<Int>, count: Option<Int>);
    /// A group's details: `get_group_info` and its memo.
    GetGroupDetailInfo "get_group_detail_info" Extension [GroupDetail]
        (group_id: Id);

    // Registered by one or two of the implementations.
    /// The pending group invitations and join requests as request events
    /// (Lagrange.OneBot's `get_group_system_msg`).
    GetGroupRequests "get_group_requests" Extension [Value] ();
    /// The join requests QQ filtered out, as `get_group_ignore_add_request` lists them.
    GetGroupIgnoredNotifies "get_group_ignored_notifies" Extension [Value] ();
    /// Mark a group chat as read (no effect: the simulated network keeps no read state).
    MarkGroupMsgAsRead "mark_group_msg_as_read" Extension [()]
        (user_id: Option<Id>, group_id: Option<Id>, message_id: Option<Int>);
    /// Mark a private chat as read (no effect: the simulated network keeps no read state).
    MarkPrivateMsgAsRead "mark_private_msg_as_read" Extension [()]
        (user_id: Option<Id>, group_id: Option<Id>, message_id: Option<Int>);
    /// Mark every chat as read (no effect: the simulated network keeps no read state).
    MarkAllAsRead "_mark_all_as_read" Extension [()] ();
    /// The account's guild profile: `null`, as NapCat answers (there are no guilds).
    GetGuildServiceProfile "get_guild_service_profile" Extension [()] ();
    /// The device model shown with the account's status, as NapCat offers it: the one
    /// asked for, free.
    GetModelShow "_get_model_show" Extension [Value] (model: Option<Text>);
    /// Set the device model shown (NapCat does nothing, and answers `null`).
    SetModelShow "_set_model_show" Extension [()] ();
    /// Whether a URL is safe: NapCat answers `{level: 1}` without reading it.
    CheckUrlSafely "check_url_safely" Extension [Value] (url: Text);
    /// People who have the account as a friend without being its friends (none on the
    /// simulated network, where friendship is mutual).
    GetUnidirectionalFriendList "get_unidirectional_friend_list" Extension [Value] ();
    /// Remove several members from a group at once (NapCat): all of them or none.
    SetGroupKickMembers "set_group_kick_members" Extension [()]
        (group_id: Id, user_id: Ids, reject_add_request: Option<Flag>);
    /// Remove several members from a group at once (LLOneBot): all of them or none.
    BatchDeleteGroupMember "batch_delete_group_member" Extension [()]
        (group_id: Id, user_ids: Ids);
    /// The likes the account's profile received, as LLOneBot lists them.
    GetProfileLikeMe "get_profile_like_me" Extension [Value]
        (start: Option<Int>, count: Option<Int>);
    /// The URL of a user's (else a group's) avatar, as LLOneBot writes it.
    GetQqAvatar "get_qq_avatar" Extension [AvatarUrl]
        (user_id: Option<Id>, group_id: Option<Id>);
    /// Carry out the quick operation `operation` on the event `context`, as an HTTP POST
    /// answer would; answered at once, a failure only logged.
    HandleQuickOperation ".handle_quick_operation" Extension [()]
        (context: Json, operation: Json);
    /// Upload a picture (path, URL or `base64://`) and answer its URL (Lagrange.OneBot).
    UploadImage "upload_image" Extension [String] (file: Text);
    /// The account's events since the last call with the same `key` (a queue that starts
    /// at its first call), waiting up to `timeout` ms for one (LLOneBot).
    GetEvent "get_event" Extension [Vec<Value>] (key: Option<Text>, timeout: Option<Int>);
    /// Rename a group file in its folder (NapCat).
    RenameGroupFile "rename_group_file" Extension [Value] (
        group_id: Id, file_id: Text, current_parent_directory: Text, new_name: Text,
    );
    // Forwards, pokes, essence, announcements, reactions, sign-ins: what people do in
    // chats besides sending plain messages (the simulated network's `chat` area).
    /// Send a merged forward to `group_id` or `user_id` (`message_type` says which when
    /// both are given); Lagrange.OneBot only stores the nodes and answers their `resid`.
    SendForwardMsg "send_forward_msg" Extension [ForwardSent] (
        group_id: Option<Id>, user_id: Option<Id>, messages or "message": Option<Msg>,
        message_type: Option<Text>, auto_escape: Option<Flag>, source: Option<Text>,
        news: Option<Json>, summary: Option<Text>, prompt: Option<Text>,
        timeout: Option<Int>,
    );
    /// Forward one message to a group (`group_id`, else `user_id`).
    ForwardGroupSingleMsg "forward_group_single_msg" Extension
        [Value] (message_id: Int, group_id: Option<Id>, user_id: Option<Id>);
    /// Forward one message to a friend (`user_id`, else `group_id`).
    ForwardFriendSingleMsg "forward_friend_single_msg" Extension
        [Value] (message_id: Int, group_id: Option<Id>, user_id: Option<Id>);
    /// Remove a message's essence mark (owner or admin); NapCat also takes `msg_seq`,
    /// `msg_random` and `group_id`.
    DeleteEssenceMsg "delete_essence_msg" Extension [Value] (
        message_id: Option<Int>, msg_seq: Option<Int>, msg_random: Option<Int>,
        group_id: Option<Id>,
    );
    /// A group's essence messages.
    GetEssenceMsgList "get_essence_msg_list" Extension [Value] (group_id: Id);
    /// Post a group announcement (owner or admin), with a picture (`image`: path, URL or
    /// `base64://`, not Lagrange.OneBot).
    SendGroupNotice "_send_group_notice" Extension [Value] (
        group_id: Id, content: Text, image: Option<Text>, pinned: Option<Int>,
        notice_type as "type": Option<Int>, confirm_required: Option<Int>,
        is_show_edit_card: Option<Int>, tip_window_type: Option<Int>,
    );
    /// A group's announcements (NapCat, LLOneBot: the pinned ones left out, as QQ's list
    /// they read has them apart).
    GetGroupNotice "_get_group_notice" Extension [Value] (group_id: Id);
    /// Delete a group announcement (owner or admin).
    DelGroupNotice "_del_group_notice" Extension [Value]
        (group_id: Id, notice_id: Text);
    /// Delete a group announcement (owner or admin), under LLOneBot's name.
    DeleteGroupNotice "_delete_group_notice" Extension [()]
        (group_id: Id, notice_id: Text);
    /// React to a group message with a face (`set` false takes it back, NapCat).
    SetMsgEmojiLike "set_msg_emoji_like" Extension [Value]
        (message_id: Int, emoji_id: Text, set: Option<Json>);
    /// Take back a reaction to a group message.
    UnsetMsgEmojiLike "unset_msg_emoji_like" Extension [()]
        (message_id: Int, emoji_id: Text);
    /// Who reacted to a message with a face, a page at a time.
    FetchEmojiLike "fetch_emoji_like" Extension [Value] (
        message_id: Int, emoji_id or "emojiId": Text, emoji_type as "emojiType": Option<Text>,
        count: Option<Int>, cookie: Option<Text>,
    );
    /// Who reacted to a message with a face.
    GetEmojiLikes "get_emoji_likes" Extension [Value] (
        message_id: Int, emoji_id: Text, group_id: Option<Id>, emoji_type: Option<Text>,
        count: Option<Int>,
    );
    /// React to a group message with a face (`is_add` false takes it back).
    SetGroupReaction "set_group_reaction" Extension [()]
        (group_id: Id, message_id: Int, code: Text, is_add: Option<Flag>);
    /// Sign in (打卡) to a group for the day.
    SendGroupSign "send_group_sign" Extension [()] (group_id: Id);
    /// Sign in (打卡) to a group for the day.
    SetGroupSign "set_group_sign" Extension [()] (group_id: Id);
    /// Who signed in to a group today.
    GetGroupSignedList "get_group_signed_list" Extension [Value] (group_id: Id);

    // Lists, remarks, media by id.

    /// Give a friend a remark (NapCat: `remark` required; LLOneBot: default empty).
    SetFriendRemark "set_friend_remark" Extension [()]
        (user_id: Id, remark: Option<Text>);
    /// Give a group a remark (NapCat: `remark` required; LLOneBot: absent clears it).
    SetGroupRemark "set_group_remark" Extension [()]
        (group_id: Id, remark: Option<Text>);
    /// How the account takes a group's messages (LLOneBot; QQ's mask: 1 take and notify, 2
    /// into the group assistant, 3 block, 4 take without notifying).
    SetGroupMsgMask "set_group_msg_mask" Extension [()] (group_id: Id, mask: Int);
    /// The account's friends by category (分组), QQ's default category (0) first.
    GetFriendsWithCategory "get_friends_with_category" Extension
        [Vec<FriendCategory>] ();
    /// Move a friend into one of the account's categories (0: the default one).
    SetFriendCategory "set_friend_category" Extension [()] (user_id: Id, category_id: Int);
    /// A group's muted members, as NT describes members.
    GetGroupShutList "get_group_shut_list" Extension
        [Vec<NtGroupMember>] (group_id: Id);
    /// What is left of the account's mentions of everyone in a group today.
    GetGroupAtAllRemain "get_group_at_all_remain" Extension
        [AtAllRemain] (group_id: Id);
    /// A group's file count and space.
    GetGroupFileSystemInfo "get_group_file_system_info" Extension
        [FileSystemInfo] (group_id: Id);
    /// Join requests QQ filtered out, for the groups the account manages (LLOneBot: always
    /// fails, pointing at `get_group_system_msg`).
    GetGroupIgnoreAddRequest "get_group_ignore_add_request" Extension
        [Vec<IgnoredRequest>] ();
    /// Friend requests QQ found doubtful, newest first, `count` of them (default 50).
    GetDoubtFriendsAddRequest "get_doubt_friends_add_request" Extension [Vec<DoubtRequest>] (count: Option<Int>);
    /// Accept a doubtful friend request by its `flag` (`approve` is not read: it always
    /// accepts).
    SetDoubtFriendsAddRequest "set_doubt_friends_add_request" Extension [Value] (flag: Text, approve: Option<Flag>);
    /// The QQ number ranges of robot accounts.
    GetRobotUinRange "get_robot_uin_range" Extension [Vec<Value>] ();
    /// The URLs of the account's favourite stickers, newest first, `count` of them
    /// (default 48; Lagrange.OneBot takes no count).
    FetchCustomFace "fetch_custom_face" Extension [Vec<String>] (count: Option<Int>);
    /// The account's favourite stickers as NT describes them, `count` of them (default 48).
    FetchCustomFaceDetail "fetch_custom_face_detail" Extension
        [Vec<StickerDetail>] (count: Option<Int>);
    /// Keep a picture (path, URL or `base64://`) as a favourite sticker.
    AddCustomFace "add_custom_face" Extension [Value] (
        file: Text, emoji_id: Option<Text>, package_id: Option<Text>, file_name: Option<Text>,
        file_size: Option<Text>, md5: Option<Text>, is_mark_face: Option<Flag>,
        is_origin: Option<Flag>,
    );
    /// Drop favourite stickers by `res_id` (one or a list; `ids` and `id` too; `md5` is not
    /// enough).
    DeleteCustomFace "delete_custom_face" Extension [Value] (
        res_id: Option<Json>, id: Option<Json>, ids: Option<Json>, md5: Option<Json>,
    );
    /// Describe a favourite sticker.
    SetCustomFaceDesc "set_custom_face_desc" Extension [Value]
        (emoji_id: Text, res_id: Text, md5: Text, desc: Text);
    /// The account's guilds: none (both implementations answer `null`).
    GetGuildList "get_guild_list" Extension [()] ();
    /// A picture, voice, video or file lizi holds, by `file` or `file_id` (name, hash or
    /// file id): its local path, URL, size, name and, when set, base64.
    GetFile "get_file" Extension [FileData]
        (file: Option<Text>, file_id: Option<Text>);
    /// Download a URL (the media rules apply) or save `base64` into the media folder, as
    /// `name` (default: the content's MD5); answers the local path.
    DownloadFile "download_file" Extension [DownloadedFile] (
        url: Option<Text>, base64: Option<Text>, name: Option<Text>, headers: Option<Json>,
    );
    /// The keys of media URLs, in each implementation's shape (NapCat: a list; LLOneBot:
    /// `private_key`/`group_key`; Lagrange.OneBot: `rkeys`).
    GetRkey "get_rkey" Extension [Value] ();
    /// The keys of media URLs, as NT lists them.
    NcGetRkey "nc_get_rkey" Extension [Vec<Value>] ();
    /// The keys of media URLs, for a key server.
    GetRkeyServer "get_rkey_server" Extension [RkeyServer] ();
}
