//! The rows of the action table: OneBot v11 `api/public.md`, then the go-cqhttp/NapCat
//! extensions a bridge needs (issues 12 and 13). Defaults the implementations apply when an
//! optional parameter is absent are given in the description. `only [...]` names the
//! implementations that have an action (onebot.md §2.5 and their sources); a row without it
//! is in all three.

use serde_json::Value;

use super::actions;
use super::data::*;
use super::extended::*;
use super::files::*;
use super::lists::*;
use super::media::*;
use super::param::{Flag, Id, Int, Json, Msg, Text};

actions! {
    /// Send a private message (a temporary session when `group_id` is given, NapCat).
    SendPrivateMsg "send_private_msg" Standard [MessageId]
        (user_id: Id, group_id: Option<Id>, message: Msg, auto_escape: Option<Flag>);
    /// Send a group message.
    SendGroupMsg "send_group_msg" Standard [MessageId]
        (group_id: Id, message: Msg, auto_escape: Option<Flag>);
    /// Send a message; `message_type` `private`/`group`, else inferred from the ids.
    SendMsg "send_msg" Standard [MessageId] (
        message_type: Option<Text>, user_id: Option<Id>, group_id: Option<Id>, message: Msg,
        auto_escape: Option<Flag>,
    );
    /// Recall a message.
    DeleteMsg "delete_msg" Standard [()] (message_id: Int);
    /// Fetch a message by id.
    GetMsg "get_msg" Standard [MessageData] (message_id: Int);
    /// Fetch the content of a forward message by its id (`resid`).
    GetForwardMsg "get_forward_msg" Standard [Value] (id or "message_id": Text);
    /// Like a user's profile `times` times (default 1).
    SendLike "send_like" Standard [()] (user_id: Id, times: Option<Int>);
    /// Remove a member from a group.
    SetGroupKick "set_group_kick" Standard [()]
        (group_id: Id, user_id: Id, reject_add_request: Option<Flag>);
    /// Mute a member for `duration` seconds (default 1800; 0 lifts the mute).
    SetGroupBan "set_group_ban" Standard [()]
        (group_id: Id, user_id: Id, duration: Option<Int>);
    /// Mute an anonymous member, given its object or flag.
    SetGroupAnonymousBan "set_group_anonymous_ban" Standard [()] (
        group_id: Id, anonymous: Option<Json>, anonymous_flag or "flag": Option<Text>,
        duration: Option<Int>,
    );
    /// Mute or unmute a whole group (default: mute).
    SetGroupWholeBan "set_group_whole_ban" Standard [()] (group_id: Id, enable: Option<Flag>);
    /// Grant or remove a group admin (default: grant).
    SetGroupAdmin "set_group_admin" Standard [()]
        (group_id: Id, user_id: Id, enable: Option<Flag>);
    /// Allow or forbid anonymous chat in a group (default: allow).
    SetGroupAnonymous "set_group_anonymous" Standard [()] (group_id: Id, enable: Option<Flag>);
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
    /// Answer a join request or invitation; `sub_type` (alias `type`) `add` or `invite`.
    SetGroupAddRequest "set_group_add_request" Standard [()]
        (flag: Text, sub_type or "type": Option<Text>, approve: Option<Flag>, reason: Option<Text>);
    /// The logged-in account.
    GetLoginInfo "get_login_info" Standard [LoginInfo] ();
    /// A user's public profile.
    GetStrangerInfo "get_stranger_info" Standard [StrangerInfo]
        (user_id: Id, no_cache: Option<Flag>);
    /// The account's friends.
    GetFriendList "get_friend_list" Standard [Vec<FriendInfo>] ();
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
    /// `emotion` or `all`.
    GetGroupHonorInfo "get_group_honor_info" Standard [Value]
        (group_id: Id, honor_type as "type": Text);
    /// Cookies for a domain.
    GetCookies "get_cookies" Standard [Cookies] (domain: Option<Text>);
    /// The CSRF token.
    GetCsrfToken "get_csrf_token" Standard [CsrfToken] ();
    /// Cookies and CSRF token together.
    GetCredentials "get_credentials" Standard [Credentials] (domain: Option<Text>);
    /// A voice lizi holds, by `file` (NapCat: or `file_id`), in `out_format`
    /// (NapCat: required; LLOneBot: default `mp3`): its local path, URL, size, name and,
    /// when set, base64.
    GetRecord "get_record" Standard only [NapCat, LLOneBot] [FileData]
        (file: Option<Text>, file_id: Option<Text>, out_format: Option<Text>);
    /// A picture lizi holds, by `file` (NapCat: or `file_id`): its local path, URL, size,
    /// name and, when set, base64.
    GetImage "get_image" Standard only [NapCat, LLOneBot] [FileData]
        (file: Option<Text>, file_id: Option<Text>);
    /// Whether pictures can be sent.
    CanSendImage "can_send_image" Standard [CanSend] ();
    /// Whether voices can be sent.
    CanSendRecord "can_send_record" Standard [CanSend] ();
    /// The implementation's running state.
    GetStatus "get_status" Standard [BotStatus] ();
    /// The implementation's name and version.
    GetVersionInfo "get_version_info" Standard [VersionInfo] ();
    /// Restart the implementation after `delay` ms.
    SetRestart "set_restart" Standard [()] (delay: Option<Int>);
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
    /// Send a forward message (`node` segments) to a group.
    SendGroupForwardMsg "send_group_forward_msg" Extension [ForwardSent]
        (group_id: Id, messages: Msg);
    /// Send a forward message (`node` segments) to a friend.
    SendPrivateForwardMsg "send_private_forward_msg" Extension [ForwardSent]
        (user_id: Id, messages: Msg);
    /// Upload a file (path, URL or `base64://`, readable by the implementation) to a group.
    UploadGroupFile "upload_group_file" Extension [UploadedFile]
        (group_id: Id, file: Text, name: Text, folder or "folder_id": Option<Text>);
    /// The files and folders at a group's file root.
    GetGroupRootFiles "get_group_root_files" Extension [GroupFiles] (group_id: Id);
    /// The files and folders in a group folder.
    GetGroupFilesByFolder "get_group_files_by_folder" Extension [GroupFiles]
        (group_id: Id, folder_id or "folder": Text);
    /// A download URL for a group file.
    GetGroupFileUrl "get_group_file_url" Extension [FileUrl]
        (group_id: Id, file_id: Text, busid: Option<Int>);
    /// Create a folder at a group's file root.
    CreateGroupFileFolder "create_group_file_folder" Extension [Value]
        (group_id: Id, name or "folder_name": Text, parent_id: Option<Text>);
    /// Delete a group file.
    DeleteGroupFile "delete_group_file" Extension [()]
        (group_id: Id, file_id: Text, busid: Option<Int>);
    /// Delete a group folder and the files in it.
    DeleteGroupFolder "delete_group_folder" Extension only [NapCat, LLOneBot] [()]
        (group_id: Id, folder_id or "folder": Text);
    /// Rename a group folder (Lagrange.OneBot, LLOneBot).
    RenameGroupFileFolder "rename_group_file_folder" Extension only [Lagrange, LLOneBot] [()]
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
    DeleteGroupFileFolder "delete_group_file_folder" Extension only [Lagrange] [()]
        (group_id: Id, folder_id or "folder": Text);
    /// Send a file (path, URL or `base64://`, readable by the implementation) to a friend.
    UploadPrivateFile "upload_private_file" Extension [UploadedFile]
        (user_id: Id, file: Text, name: Text);
    /// A download URL for a file a friend sent.
    GetPrivateFileUrl "get_private_file_url" Extension [FileUrl] (file_id: Text);
    /// Poke a group member.
    GroupPoke "group_poke" Extension [()] (group_id: Id, user_id: Id);
    /// Poke a friend.
    FriendPoke "friend_poke" Extension [()] (user_id: Id);
    /// Poke a user, in a group when `group_id` is given (NapCat).
    SendPoke "send_poke" Extension [()] (user_id: Id, group_id: Option<Id>);
    /// Mark a group message as essence.
    SetEssenceMsg "set_essence_msg" Extension [()] (message_id: Int);
    /// Mark a message (go-cqhttp) or a chat (NapCat: `user_id`/`group_id`) as read.
    MarkMsgAsRead "mark_msg_as_read" Extension [()]
        (message_id: Option<Int>, user_id: Option<Id>, group_id: Option<Id>);
    /// Pending group invitations and join requests.
    GetGroupSystemMsg "get_group_system_msg" Extension [GroupSystemMsg] ();
    /// Update the account's profile (NapCat: `nickname` and `personal_note`).
    SetQqProfile "set_qq_profile" Extension only [NapCat, LLOneBot] [()] (
        nickname: Option<Text>, company: Option<Text>, email: Option<Text>,
        college: Option<Text>, personal_note: Option<Text>,
    );
    /// Set the account's avatar (`file`: path, URL or `base64://`).
    SetQqAvatar "set_qq_avatar" Extension [()] (file: Text);
    /// Set a group's avatar (`file`: path, URL or `base64://`).
    SetGroupPortrait "set_group_portrait" Extension [()] (group_id: Id, file: Text);
    /// The account's other logged-in devices.
    GetOnlineClients "get_online_clients" Extension only [NapCat, LLOneBot] [OnlineClients]
        (no_cache: Option<Flag>);
    /// Delete a friend (NapCat also reads `friend_id`; `temp_block` and `temp_both_del`
    /// are its blacklist options).
    DeleteFriend "delete_friend" Extension [()] (
        user_id or "friend_id": Id, temp_block: Option<Flag>, temp_both_del: Option<Flag>,
    );
    /// Show an input status to a friend: `event_type` 1 typing, 0 speaking.
    SetInputStatus "set_input_status" Extension only [NapCat] [()]
        (user_id: Id, event_type: Int);
    /// Set the account's signature.
    SetSelfLongnick "set_self_longnick" Extension only [NapCat] [()]
        (long_nick as "longNick": Text);
    /// Allow or forbid members to start group chats, temporary sessions, album uploads.
    SetGroupMemberPermissions "set_group_member_permissions" Extension only [NapCat] [()] (
        group_id: Id, allow_member_create_group: Option<Flag>,
        allow_member_temporary_session: Option<Flag>, allow_member_upload_album: Option<Flag>,
    );
    /// How members may invite: `disabled`, `no_approval`, `require_approval` or
    /// `no_approval_under_100`.
    SetGroupMemberInvitePolicy "set_group_member_invite_policy" Extension only [NapCat] [()]
        (group_id: Id, policy: Text);
    /// Whether new members may read the messages from before they joined.
    SetGroupNewMemberHistoryVisibility "set_group_new_member_history_visibility" Extension
        only [NapCat] [()] (group_id: Id, visible: Flag);
    /// Set the account's online status (NT codes: 10 online, 30 away, 40 invisible, 50
    /// busy, 60 "Q me", 70 do not disturb), extended status and battery level.
    SetOnlineStatus "set_online_status" Extension only [NapCat, LLOneBot] [()]
        (status: Int, ext_status: Option<Int>, battery_status: Option<Int>);
    /// A user's online status, as NT codes.
    NcGetUserStatus "nc_get_user_status" Extension only [NapCat] [UserStatus] (user_id: Id);
    /// The account's clientkey.
    GetClientkey "get_clientkey" Extension only [NapCat] [ClientKey] ();
    /// The likes of a profile (the account's own when `user_id` is absent).
    GetProfileLike "get_profile_like" Extension only [NapCat] [ProfileLike]
        (user_id: Option<Id>, start: Option<Int>, count: Option<Int>);
    /// A group's details: `get_group_info` and its memo.
    GetGroupDetailInfo "get_group_detail_info" Extension only [NapCat] [GroupDetail]
        (group_id: Id);

    // Lists, remarks, media by id, and what cannot be simulated (issue 22).

    /// Give a friend a remark (NapCat: `remark` required; LLOneBot: default empty).
    SetFriendRemark "set_friend_remark" Extension only [NapCat, LLOneBot] [()]
        (user_id: Id, remark: Option<Text>);
    /// Give a group a remark (NapCat: `remark` required; LLOneBot: absent clears it).
    SetGroupRemark "set_group_remark" Extension only [NapCat, LLOneBot] [()]
        (group_id: Id, remark: Option<Text>);
    /// The account's friends by category (分组), QQ's default category (0) first.
    GetFriendsWithCategory "get_friends_with_category" Extension only [NapCat, LLOneBot]
        [Vec<FriendCategory>] ();
    /// A group's muted members, as NT describes members.
    GetGroupShutList "get_group_shut_list" Extension only [NapCat, LLOneBot]
        [Vec<NtGroupMember>] (group_id: Id);
    /// What is left of the account's mentions of everyone in a group today.
    GetGroupAtAllRemain "get_group_at_all_remain" Extension only [NapCat, LLOneBot]
        [AtAllRemain] (group_id: Id);
    /// A group's file count and space.
    GetGroupFileSystemInfo "get_group_file_system_info" Extension only [NapCat, LLOneBot]
        [FileSystemInfo] (group_id: Id);
    /// Join requests QQ filtered out, for the groups the account manages (LLOneBot: always
    /// fails, pointing at `get_group_system_msg`).
    GetGroupIgnoreAddRequest "get_group_ignore_add_request" Extension only [NapCat, LLOneBot]
        [Vec<IgnoredRequest>] ();
    /// Friend requests QQ found doubtful, newest first, `count` of them (default 50).
    GetDoubtFriendsAddRequest "get_doubt_friends_add_request" Extension
        only [NapCat, LLOneBot] [Vec<DoubtRequest>] (count: Option<Int>);
    /// Accept a doubtful friend request by its `flag` (`approve` is not read: it always
    /// accepts).
    SetDoubtFriendsAddRequest "set_doubt_friends_add_request" Extension
        only [NapCat, LLOneBot] [Value] (flag: Text, approve: Option<Flag>);
    /// The QQ number ranges of robot accounts.
    GetRobotUinRange "get_robot_uin_range" Extension only [NapCat, LLOneBot] [Vec<Value>] ();
    /// The URLs of the account's favourite stickers, newest first, `count` of them
    /// (default 48; Lagrange.OneBot takes no count).
    FetchCustomFace "fetch_custom_face" Extension [Vec<String>] (count: Option<Int>);
    /// The account's favourite stickers as NT describes them, `count` of them (default 48).
    FetchCustomFaceDetail "fetch_custom_face_detail" Extension only [NapCat]
        [Vec<StickerDetail>] (count: Option<Int>);
    /// Keep a picture (path, URL or `base64://`) as a favourite sticker.
    AddCustomFace "add_custom_face" Extension only [NapCat] [Value] (
        file: Text, emoji_id: Option<Text>, package_id: Option<Text>, file_name: Option<Text>,
        file_size: Option<Text>, md5: Option<Text>, is_mark_face: Option<Flag>,
        is_origin: Option<Flag>,
    );
    /// Drop favourite stickers by `res_id` (one or a list; `ids` and `id` too; `md5` is not
    /// enough).
    DeleteCustomFace "delete_custom_face" Extension only [NapCat] [Value] (
        res_id: Option<Json>, id: Option<Json>, ids: Option<Json>, md5: Option<Json>,
    );
    /// Describe a favourite sticker.
    SetCustomFaceDesc "set_custom_face_desc" Extension only [NapCat] [Value]
        (emoji_id: Text, res_id: Text, md5: Text, desc: Text);
    /// The account's guilds: none (both implementations answer `null`).
    GetGuildList "get_guild_list" Extension only [NapCat, LLOneBot] [()] ();
    /// The account's guild profile: none (NapCat answers `null`).
    GetGuildServiceProfile "get_guild_service_profile" Extension only [NapCat] [()] ();
    /// A picture, voice, video or file lizi holds, by `file` or `file_id` (name, hash or
    /// file id): its local path, URL, size, name and, when set, base64.
    GetFile "get_file" Extension only [NapCat, LLOneBot] [FileData]
        (file: Option<Text>, file_id: Option<Text>);
    /// Download a URL (the media rules apply) or save `base64` into the media folder, as
    /// `name` (default: the content's MD5); answers the local path.
    DownloadFile "download_file" Extension only [NapCat, LLOneBot] [DownloadedFile] (
        url: Option<Text>, base64: Option<Text>, name: Option<Text>, headers: Option<Json>,
    );
    /// The keys of media URLs, in each implementation's shape (NapCat: a list; LLOneBot:
    /// `private_key`/`group_key`; Lagrange.OneBot: `rkeys`).
    GetRkey "get_rkey" Extension [Value] ();
    /// The keys of media URLs, as NT lists them.
    NcGetRkey "nc_get_rkey" Extension only [NapCat] [Vec<Value>] ();
    /// The keys of media URLs, for a key server.
    GetRkeyServer "get_rkey_server" Extension only [NapCat] [RkeyServer] ();
    /// The text in a picture: fails, saying why (lizi reads no text in pictures).
    OcrImage "ocr_image" Extension [Value] (image: Text);
    /// The text in a picture, under its other name: fails, saying why.
    DotOcrImage ".ocr_image" Extension only [NapCat, Lagrange] [Value] (image: Text);
    /// A voice QQ's AI speaks: fails, saying why (lizi has no AI voices).
    GetAiRecord "get_ai_record" Extension only [NapCat, Lagrange] [String]
        (character: Text, group_id: Id, text: Text, chat_type: Option<Int>);
    /// Send a voice QQ's AI speaks to a group: fails, saying why.
    SendGroupAiRecord "send_group_ai_record" Extension [MessageId]
        (character: Text, group_id: Id, text: Text, chat_type: Option<Int>);
    /// The AI voices QQ offers: fails, saying why (NapCat: `group_id` required).
    GetAiCharacters "get_ai_characters" Extension [Value]
        (group_id: Option<Id>, chat_type: Option<Int>);
}
