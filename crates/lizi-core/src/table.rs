//! The rows of the endpoint table (docs/xlz-api.md#every-endpoint plus docs/xlz-api.md#endpoint-answers).

use crate::endpoint::{endpoints, Gate, Methods};
use crate::param::{
    AlsoNamed, AnyText, Count, Flag, Int, Media, ParamError, Problem, Qq, Real, Session, Text,
    ToGroup,
};

/// Gift ids `/sendfreepackage` accepts.
const PACKAGES: [i64; 13] = [
    299, 302, 280, 281, 284, 285, 286, 289, 290, 313, 307, 312, 308,
];

endpoints! {
    /// 申请会话(缓冲区): allocate an event session.
    AllocSession "/allocsession" => SessionAlloc ();
    /// 删除会话(缓冲区): remove an event session.
    RemoveSession "/removesession" => SessionStatus (sessid: Session);
    /// 清空事件缓冲区: drop a session's pending events.
    ResetEvent "/resetevent" => SessionStatus (sessid: Session);
    /// 获取并清空事件缓冲区: take a session's pending events, LF-framed (`peek=true` reads
    /// without removing; `limit` caps the count).
    GetEvent "/getevent" => EventsFramed
        (sessid: Session, peek: Option<Flag>, limit: Option<Count>);
    /// 获取并清空事件缓冲区v2: take a session's pending events as a JSON array (`peek=true`
    /// reads without removing; `limit` caps the count).
    GetEventV2 "/geteventv2" => EventsJson
        (sessid: Session, peek: Option<Flag>, limit: Option<Count>);
    /// Acknowledge a session's events up to and including `seq` (their `LiziSeq`), for
    /// clients that read with `peek=true`.
    AckEvent "/ackevent" => SessionStatus (sessid: Session, seq: Int);

    /// 登录指定QQ: log a framework account in.
    LoginQq "/loginqq" => Bool (logonqq: Qq);
    /// 下线指定QQ: log a framework account out.
    LogoutQq "/logoutqq" => Bool (logonqq: Qq);
    /// 取框架QQ: the framework accounts and their state.
    GetLogonQq "/getlogonqq" => Logon { methods: Methods::GetOrPost } ();

    /// 发送好友消息: send a friend message.
    SendPrivateMsg "/sendprivatemsg" => Retcode1 (fromqq: Qq, toqq: Qq, text: Text);
    /// 发送群消息: send a group message.
    SendGroupMsg "/sendgroupmsg" => Retcode0
        (fromqq: Qq, togroup: Qq, text: Text, anonymous: Option<Flag>);
    /// 发送群临时消息: send a temporary-session message to a group member.
    SendGroupTempMsg "/sendgrouptempmsg" => Retcode1
        (fromqq: Qq, togroup: Qq, toqq: Qq, text: Text);
    /// 发送好友JSON消息: send a JSON card to a friend.
    SendPrivateJsonMsg "/sendprivatejsonmsg" => Retcode1 (fromqq: Qq, toqq: Qq, json: Text);
    /// 发送群JSON消息: send a JSON card to a group.
    SendGroupJsonMsg "/sendgroupjsonmsg" => Retcode0 { aliases: &["/sendgroupjsonlmsg"] }
        (fromqq: Qq, togroup: Qq, json: Text, anonymous: Option<Flag>);
    /// 发送好友XML消息: send an XML card to a friend.
    SendPrivateXmlMsg "/sendprivatexmlmsg" => Retcode1 (fromqq: Qq, toqq: Qq, xml: Text);
    /// 发送群XML消息: send an XML card to a group.
    SendGroupXmlMsg "/sendgroupxmlmsg" => Retcode0
        (fromqq: Qq, togroup: Qq, xml: Text, anonymous: Option<Flag>);
    /// 上传好友图片: upload a picture for a friend chat; answers its text code.
    SendPrivatePic "/sendprivatepic" => Text
        (fromqq: Qq, toqq: Qq, pic: Media, flashpic: Option<Flag>);
    /// 上传群图片: upload a picture for a group chat; answers its text code.
    SendGroupPic "/sendgrouppic" => Text
        (fromqq: Qq, togroup: Qq, pic: Media, flashpic: Option<Flag>);
    /// 向好友发送语音: upload a voice for a friend chat; answers its text code.
    SendPrivateAudio "/sendprivateaudio" => Text (
        fromqq: Qq, toqq: Qq, voice_type as "type" [0, 1, 2, 3]: Option<Int>,
        text: Option<AnyText>, audio: Media,
    );
    /// 向群发送语音: upload a voice for a group chat; answers its text code.
    SendGroupAudio "/sendgroupaudio" => Text (
        fromqq: Qq, togroup: Qq, voice_type as "type" [0, 1, 2, 3]: Option<Int>,
        text: Option<AnyText>, audio: Media,
    );
    /// 发送输入状态: show an input status to a friend.
    SendInputStatus "/sendinputstatus" => Bool
        (logonqq: Qq, toqq: Option<Qq>, status [1, 2, 3]: Option<Int>);
    /// 打好友电话: ring a friend.
    CallFriend "/callfriend" => Bool (logonqq: Qq, toqq: Option<Qq>);
    /// 分享音乐: share a music card.
    ShareMusic "/sharemusic" => Bool (
        logonqq: Qq, totype [0, 1]: Option<Int>, to: Qq, musicname: Text,
        singername: Option<AnyText>, jumpurl: Text, wrapperurl: Text, fileurl: Text,
        apptype [0, 1, 2, 3, 4]: Option<Int>,
    );
    /// 发送免费礼物: send a free gift to a group member.
    SendFreePackage "/sendfreepackage" => Retcode0
        (fromqq: Qq, group: Qq, toqq: Qq, pkgid: Int) where check_package;

    /// 撤回群聊消息: recall a group message.
    DeleteGroupMsg "/deletegroupmsg" => Bool (fromqq: Qq, group: Qq, random: Int, req: Int);
    /// 撤回私聊消息: recall a private message.
    DeletePrivateMsg "/deleteprivatemsg" => Bool
        (fromqq: Qq, toqq: Qq, random: Int, req: Int, time: Int);

    /// 添加好友: ask someone to be a friend.
    AddFriend "/addfriend" => Retcode0
        (fromqq: Qq, toqq: Qq, text: Option<AnyText>, remark: Option<AnyText>);
    /// 添加群: ask to join a group.
    AddGroup "/addgroup" => Retcode0 (fromqq: Qq, togroup: Qq, text: Option<AnyText>);
    /// 删除好友: delete a friend.
    DeleteFriend "/deletefriend" => Retcode0 (fromqq: Qq, toqq: Qq);
    /// 置屏蔽好友: ignore or un-ignore a friend's messages.
    SetFriendIgnMsg "/setfriendignmsg" => Bool (fromqq: Qq, toqq: Qq, ignore: Flag);
    /// 置特别关心好友: mark or unmark a friend as specially cared for.
    SetFriendCare "/setfriendcare" => Bool (fromqq: Qq, toqq: Qq, care: Flag);
    /// 处理好友验证事件: answer a friend request.
    SetFriendAddRequest "/setfriendaddrequest" => Ok
        (fromqq: Qq, qq: Qq, seq: Int, op [1, 2]: Int);
    /// 处理群验证事件: answer a join request or an invitation.
    SetGroupAddRequest "/setgroupaddrequest" => Ok (
        fromqq: Qq, group: Qq, qq: Qq, seq: Int, op [11, 12, 14]: Int,
        request_type as "type" [1, 3]: Int, reason: Option<AnyText>,
    );

    /// 上传头像: set an account's avatar.
    UploadFacePic "/uploadfacepic" => Retcode0 (fromqq: Qq, pic: Media);
    /// 上传群头像: set a group's avatar.
    UploadGroupFacePic "/uploadgroupfacepic" => Bool (fromqq: Qq, group: Qq, pic: Media);
    /// 设置群名片: set a member's group card.
    SetGroupCard "/setgroupcard" => Retcode0 (fromqq: Qq, togroup: Qq, toqq: Qq, card: AnyText);
    /// 取昵称: a user's nickname.
    GetNickname "/getnickname" => Text
        (fromqq: Option<Qq>, toqq: Qq, fromcache: Option<Flag>) where check_nickname;
    /// 从缓存取群名称: a group's name.
    GetGroupNameFromCache "/getgroupnamefromcache" => Text (group: Qq);
    /// 取好友列表: an account's friends.
    GetFriendList "/getfriendlist" => List (logonqq: Qq);
    /// 取群列表: an account's groups.
    GetGroupList "/getgrouplist" => List (logonqq: Qq);
    /// 取群成员列表: a group's members.
    GetGroupMemberList "/getgroupmemberlist" => List (logonqq: Qq, group: Qq);
    /// 设置管理员: grant or remove a group admin.
    SetGroupMgr "/setgroupmgr" => Bool (fromqq: Qq, group: Qq, toqq: Qq, bemgr: Flag);
    /// 取管理层列表: the owner and admins of a group, one per line.
    GetGroupMgrList "/getgroupmgrlist" => Text (fromqq: Qq, group: Qq);
    /// 取群名片: a member's group card.
    GetGroupCard "/getgroupcard" => Text (fromqq: Qq, group: Qq, toqq: Qq);
    /// 取个性签名: a user's signature.
    GetSignat "/getsignat" => Text (fromqq: Qq, toqq: Qq);
    /// 设置昵称: set an account's nickname.
    SetNickname "/setnickname" => Bool (fromqq: Qq, nickname: Text);
    /// 设置个性签名: set an account's signature.
    SetSignat "/setsignat" => Bool (fromqq: Qq, signature: AnyText);
    /// 修改资料: update an account's profile.
    UpdateData "/updatedata" => Bool (
        logonqq: Qq, nick: Option<Text>, sex [1, 2]: Option<Int>, birth: Option<Text>,
        profession [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]: Option<Int>,
        company: Option<AnyText>, location: Option<Text>, home: Option<Text>,
        email: Option<AnyText>, desc: Option<AnyText>,
    ) where check_profile;

    /// 移出群成员: kick a member.
    KickGroupMember "/kickgroupmember" => Bool
        (fromqq: Qq, group: Qq, toqq: Qq, ignoreaddgrequest: Option<Flag>);
    /// 禁言群成员: mute a member for `time` seconds (0 unmutes).
    MuteGroupMember "/mutegroupmember" => Bool (fromqq: Qq, group: Qq, toqq: Qq, time: Count);
    /// 退群: leave a group.
    ExitGroup "/exitgroup" => Bool (fromqq: Qq, group: Qq);
    /// 解散群: dissolve a group.
    DispGroup "/dispgroup" => Bool (fromqq: Qq, group: Qq);
    /// 全员禁言: turn whole-group mute on or off.
    SetGroupWholeMute "/setgroupwholemute" => Bool (fromqq: Qq, group: Qq, ismute: Flag);
    /// 置群员权限_发起新的群聊: may members start new group chats.
    SetGroupPrivNewGroup "/setgrouppriv_newgroup" => Bool (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_发起临时会话: may members start temporary sessions.
    SetGroupPrivNewTempSession "/setgrouppriv_newtempsession" => Bool
        (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_上传文件: may members upload files.
    SetGroupPrivUploadFile "/setgrouppriv_uploadfile" => Bool
        (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_上传相册: may members upload to the album.
    SetGroupPrivUploadPhotoAlbum "/setgrouppriv_uploadphotoalbum" => Bool
        (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_邀请他人加群: may members invite others.
    SetGroupPrivInviteIn "/setgrouppriv_invitein" => Bool (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_匿名聊天: is anonymous chat allowed.
    SetGroupPrivAnonymous "/setgrouppriv_anonymous" => Bool
        (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_坦白说: is 坦白说 allowed.
    SetGroupPrivTanBaiShuo "/setgrouppriv_tanbaishuo" => Bool
        (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_新成员查看历史消息: may new members read the history.
    SetGroupPrivNewMemberCanViewHistoryMsg "/setgrouppriv_newmembercanviewhistorymsg" => Bool
        (fromqq: Qq, togroup: Qq, allow: Flag);
    /// 置群员权限_邀请方式: how invitations are approved.
    SetGroupPrivInviteWay "/setgrouppriv_inviteway" => Bool
        (fromqq: Qq, togroup: Qq, way [1, 2, 3]: Int);
    /// 设置位置共享: share a position in a group.
    SetSharePos "/setsharepos" => Bool
        (fromqq: Qq, group: Qq, posx: Real, posy: Real, enable: Flag);
    /// 上报当前位置: report a position to a group.
    UploadPos "/uploadpos" => Bool (fromqq: Qq, group: Qq, posx: Real, posy: Real);
    /// 取禁言时间: seconds of mute left for an account in a group.
    GetMuteTime "/getmutetime" => Text (fromqq: Qq, group: Qq);
    /// 查询群信息: a group's public information.
    QueryGroupInfo "/querygroupinfo" => Info (logonqq: Qq, group: Qq);
    /// 取群未领红包: a group's unclaimed red packets.
    GetGroupHb "/getgrouphb" => List (logonqq: Qq, group: Option<Qq>);

    /// 上传文件: upload a local file to a group (answers first, uploads after).
    UploadFile "/uploadfile" => Ok (fromqq: Qq, group: Qq, path: Text);
    /// 创建群文件夹: create a group folder.
    NewGroupFolder "/newgroupfolder" => Bool (fromqq: Qq, group: Qq, folder: Text);
    /// 重命名群文件夹: rename a group folder.
    RenameGroupFolder "/renamegroupfolder" => Bool
        (fromqq: Qq, group: Qq, folder: Text, name: Text);
    /// 删除群文件夹: remove a group folder.
    RemoveGroupFolder "/removegroupfolder" => Bool (fromqq: Qq, group: Qq, folder: Text);
    /// 删除群文件: remove a group file.
    RemoveGroupFile "/removegroupfile" => Bool
        (fromqq: Qq, group: Qq, fileid: Text, filename: Option<AnyText>);
    /// 保存文件到微云: save a group file to Weiyun.
    SaveFileToWeiyun "/savefiletoweiyun" => Bool (fromqq: Qq, group: Qq, fileid: Text);
    /// 移动群文件: move a group file between folders.
    MoveGroupFile "/movegroupfile" => Bool (
        fromqq: Qq, group: Qq, fileid: Text, fromfolder: Option<AnyText>,
        tofolder: Option<AnyText>,
    );
    /// 取群文件列表: the files of a group folder.
    GetGroupFileList "/getgroupfilelist" => List (fromqq: Qq, group: Qq, folder: AnyText);
    /// 取群文件下载地址: a download URL of a group file.
    GetGroupFileUrl "/getgroupfileurl" => Text
        (fromqq: Qq, group: Qq, fileid: Text, filename: Text);
    /// 群文件转发至群: forward a group file to another group.
    ForwardGroupFileToGroup "/forwardgroupfiletogroup" => Bool
        (fromqq: Qq, fromgroup: Qq, togroup: Qq, fileid: Text);
    /// 群文件转发至好友: forward a group file to a friend.
    /// The receiver is `toqq`, as the original reads it (`togroup`, the name the XLZ plugin's endpoint list gives, is
    /// accepted too); `filesize` is optional, older versions do not send it.
    ForwardGroupFileToFriend "/forwardgroupfiletofriend" => Receipt2 (
        fromqq: Qq, fromgroup: Qq, toqq: AlsoNamed<Qq, ToGroup>, fileid: Text, filename: Text,
        filesize: Option<Count>,
    );
    /// 好友文件转发至好友: forward a friend file to another friend.
    ForwardFriendFileToFriend "/forwardfriendfiletofriend" => Receipt2
        (logonqq: Qq, fromqq: Qq, toqq: Qq, fileid: Text, filename: Text);

    /// 设置在线状态: set an account's online state.
    SetOnlineState "/setonlinestate" => Bool (
        fromqq: Qq, state [11, 31, 41, 50, 60, 70]: Int,
        sun [0, 1000, 1011, 1024, 1025, 1027, 1016, 1017, 1018, 1019, 1021, 1022, 1032]: Option<Int>,
        power: Option<Count>,
    ) where check_power;
    /// 取QQ在线状态: a user's online state.
    GetQqOnlineState "/getqqonlinestate" => Text (logonqq: Qq, qq: Qq);
    /// 发送名片赞: like a user's profile.
    SendLike "/sendlike" => Retcode0 (fromqq: Qq, toqq: Qq);
    /// 查询用户信息: a user's public profile.
    QueryUserInfo "/queryuserinfo" => Info (logonqq: Qq, qq: Qq);
    /// 取图片下载地址: the download URL of a picture code.
    GetPhotoUrl "/getphotourl" => Text (photo: Text, fromqq: Option<Qq>, group: Option<Qq>);
    /// 查看转发聊天记录内容: the messages of a forwarded bundle.
    GetForwardedMsg "/getforwardedmsg" => Forwarded (logonqq: Qq, resid: Text);

    /// 获取skey: the account's skey (only with key access enabled).
    GetSkey "/getskey" => Text { gate: Gate::KeyAccess } (logonqq: Qq);
    /// 获取pskey: the account's pskey for a domain (only with key access enabled).
    GetPskey "/getpskey" => Text { gate: Gate::KeyAccess } (logonqq: Qq, domain: Text);
    /// 获取clientkey: the account's clientkey (only with key access enabled).
    GetClientKey "/getclientkey" => Text { gate: Gate::KeyAccess } (logonqq: Qq);
}

fn check_package(request: &SendFreePackage) -> Result<(), ParamError> {
    if PACKAGES.contains(&request.pkgid) {
        Ok(())
    } else {
        Err(ParamError {
            param: "pkgid",
            problem: Problem::NotAllowed(request.pkgid, &PACKAGES),
        })
    }
}

fn check_nickname(request: &GetNickname) -> Result<(), ParamError> {
    if request.fromcache != Some(true) && request.fromqq.is_none() {
        return Err(ParamError {
            param: "fromqq",
            problem: Problem::Missing,
        });
    }
    Ok(())
}

fn check_power(request: &SetOnlineState) -> Result<(), ParamError> {
    match request.power {
        Some(power) if !(1..=100).contains(&power) => Err(ParamError {
            param: "power",
            problem: Problem::OutOfRange(i64::from(power), 1, 100),
        }),
        _ => Ok(()),
    }
}

fn check_profile(request: &UpdateData) -> Result<(), ParamError> {
    if let Some(birth) = &request.birth {
        let parts: Vec<&str> = birth.split('/').collect();
        let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
        let valid = matches!(numbers.as_deref(), Some([y, m, d])
            if (1900..=2100).contains(y) && (1..=12).contains(m) && (1..=31).contains(d));
        if !valid {
            return Err(ParamError {
                param: "birth",
                problem: Problem::Format(birth.clone(), "year/month/day, e.g. 2020/5/5"),
            });
        }
    }
    for (param, value) in [("location", &request.location), ("home", &request.home)] {
        if let Some(value) = value {
            let parts: Vec<&str> = value.split('|').collect();
            let valid = parts.len() == 5
                && parts.iter().enumerate().all(|(i, p)| {
                    !p.is_empty() && (i == 3 || p.bytes().all(|b| b.is_ascii_digit()))
                });
            if !valid {
                return Err(ParamError {
                    param,
                    problem: Problem::Format(
                        value.clone(),
                        "country|province|city|district letters|district, e.g. 49|13110|56|NK|51",
                    ),
                });
            }
        }
    }
    Ok(())
}
