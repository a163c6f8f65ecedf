//! The action table routes every standard action and the bridge's extensions, decodes
//! parameters tolerantly, names the parameter at fault, and writes calls exactly.

use std::collections::HashSet;

use lizi_onebot::action::*;
use lizi_onebot::envelope::{split_action, ActionRequest, Failure, Suffix};
use lizi_onebot::routing::Routed;
use lizi_onebot::{Profile, Segment};
use serde_json::{json, Map, Value};

fn params(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("object")
}

const STANDARD: &[&str] = &[
    "send_private_msg",
    "send_group_msg",
    "send_msg",
    "delete_msg",
    "get_msg",
    "get_forward_msg",
    "send_like",
    "set_group_kick",
    "set_group_ban",
    "set_group_whole_ban",
    "set_group_admin",
    "set_group_card",
    "set_group_name",
    "set_group_leave",
    "set_group_special_title",
    "set_friend_add_request",
    "set_group_add_request",
    "get_login_info",
    "get_stranger_info",
    "get_friend_list",
    "get_group_info",
    "get_group_list",
    "get_group_member_info",
    "get_group_member_list",
    "get_group_honor_info",
    "get_cookies",
    "get_csrf_token",
    "get_credentials",
    "get_record",
    "get_image",
    "can_send_image",
    "can_send_record",
    "get_status",
    "get_version_info",
    "clean_cache",
];

const EXTENSIONS: &[&str] = &[
    "get_group_msg_history",
    "get_friend_msg_history",
    "send_group_forward_msg",
    "send_private_forward_msg",
    "upload_group_file",
    "get_group_root_files",
    "get_group_files_by_folder",
    "get_group_file_url",
    "create_group_file_folder",
    "delete_group_file",
    "delete_group_folder",
    "rename_group_file_folder",
    "move_group_file",
    "delete_group_file_folder",
    "upload_private_file",
    "get_private_file_url",
    "group_poke",
    "friend_poke",
    "send_poke",
    "set_essence_msg",
    "mark_msg_as_read",
    "get_group_system_msg",
    "set_qq_profile",
    "set_qq_avatar",
    "set_group_portrait",
    "get_online_clients",
    "delete_friend",
    "set_input_status",
    "set_self_longnick",
    "set_group_member_permissions",
    "set_group_member_invite_policy",
    "set_group_new_member_history_visibility",
    "set_online_status",
    "nc_get_user_status",
    "get_clientkey",
    "get_profile_like",
    "get_group_detail_info",
    "get_group_requests",
    "get_group_ignored_notifies",
    "mark_group_msg_as_read",
    "mark_private_msg_as_read",
    "_mark_all_as_read",
    "get_guild_service_profile",
    "_get_model_show",
    "_set_model_show",
    "check_url_safely",
    "get_unidirectional_friend_list",
    "set_group_kick_members",
    "batch_delete_group_member",
    "get_profile_like_me",
    "get_qq_avatar",
    ".handle_quick_operation",
    "upload_image",
    "get_event",
    "rename_group_file",
    "send_forward_msg",
    "forward_group_single_msg",
    "forward_friend_single_msg",
    "delete_essence_msg",
    "get_essence_msg_list",
    "_send_group_notice",
    "_get_group_notice",
    "_del_group_notice",
    "_delete_group_notice",
    "set_msg_emoji_like",
    "unset_msg_emoji_like",
    "fetch_emoji_like",
    "get_emoji_likes",
    "set_group_reaction",
    "send_group_sign",
    "set_group_sign",
    "get_group_signed_list",
    // Lists, remarks, media by id.
    "set_friend_remark",
    "set_group_remark",
    "set_group_msg_mask",
    "get_friends_with_category",
    "set_friend_category",
    "get_group_shut_list",
    "get_group_at_all_remain",
    "get_group_file_system_info",
    "get_group_ignore_add_request",
    "get_doubt_friends_add_request",
    "set_doubt_friends_add_request",
    "get_robot_uin_range",
    "fetch_custom_face",
    "fetch_custom_face_detail",
    "add_custom_face",
    "delete_custom_face",
    "set_custom_face_desc",
    "get_guild_list",
    "get_file",
    "download_file",
    "get_rkey",
    "nc_get_rkey",
    "get_rkey_server",
];

#[test]
fn the_table_holds_every_standard_action_and_each_extension_once() {
    let names: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
    let unique: HashSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "duplicate rows");
    for name in STANDARD {
        assert_eq!(
            ActionSpec::find(name).map(|s| s.kind),
            Some(ActionKind::Standard),
            "{name}"
        );
    }
    for name in EXTENSIONS {
        assert_eq!(
            ActionSpec::find(name).map(|s| s.kind),
            Some(ActionKind::Extension),
            "{name}"
        );
    }
    assert_eq!(names.len(), STANDARD.len() + EXTENSIONS.len());
}

#[test]
fn every_row_documents_itself() {
    for spec in ACTIONS {
        assert!(!spec.summary.trim().is_empty(), "{}", spec.name);
        assert!(!spec.data.is_empty(), "{}", spec.name);
        for param in spec.params {
            assert!(
                !param.name.is_empty() && !param.kind.name().is_empty(),
                "{}",
                spec.name
            );
        }
    }
    let send = ActionSpec::find("send_group_msg").expect("row");
    assert_eq!(send.data, "MessageId");
    let message = send
        .params
        .iter()
        .find(|p| p.name == "message")
        .expect("message param");
    assert_eq!((message.kind, message.required), (ParamKind::Message, true));
}

#[test]
fn a_call_with_only_required_params_decodes_for_every_action() {
    let sample = |kind: ParamKind| match kind {
        ParamKind::Id | ParamKind::Int => json!("10001"),
        ParamKind::Bool => json!("true"),
        ParamKind::Text => json!("x"),
        ParamKind::Message => json!("hi"),
        ParamKind::Json => json!({}),
        ParamKind::Ids => json!([20001, "20002"]),
    };
    for spec in ACTIONS {
        let required = spec.params.iter().filter(|p| p.required);
        let call: Map<String, Value> = required
            .map(|p| (p.name.to_owned(), sample(p.kind)))
            .collect();
        let action =
            Action::parse(spec.name, &call).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        assert_eq!(action.name(), spec.name);
        let again = Action::parse(spec.name, &action.to_params()).expect("written form reads back");
        assert_eq!(again, action, "{}", spec.name);
        for param in spec.params.iter().filter(|p| p.required) {
            let mut missing = call.clone();
            missing.remove(param.name);
            let err = Action::parse(spec.name, &missing).expect_err("missing param");
            assert_eq!(
                err,
                ActionError::Param(ParamError {
                    param: param.name,
                    problem: Problem::Missing
                }),
                "{}",
                spec.name
            );
        }
    }
}

#[test]
fn message_params_accept_string_array_or_one_segment() {
    let forms = [
        json!("[CQ:at,qq=10001] hi"),
        json!([{"type": "at", "data": {"qq": 10001}}, {"type": "text", "data": {"text": " hi"}}]),
    ];
    for form in forms {
        let call = params(json!({"group_id": 20002, "message": form}));
        let Ok(Action::SendGroupMsg(send)) = Action::parse("send_group_msg", &call) else {
            panic!("not decoded")
        };
        assert_eq!(send.message.len(), 2);
        assert_eq!(send.message[0].get_text("qq").as_deref(), Some("10001"));
    }
    let one = params(json!({"user_id": "3", "message": {"type": "face", "data": {"id": "14"}}}));
    let Ok(Action::SendPrivateMsg(send)) = Action::parse("send_private_msg", &one) else {
        panic!("not decoded")
    };
    assert_eq!(send.message, vec![Segment::face(14)]);
}

#[test]
fn calls_are_written_with_number_ids_and_array_messages() {
    let call =
        params(json!({"group_id": "20002", "message": "hi[CQ:at,qq=10001]", "auto_escape": "0"}));
    let action = Action::parse("send_group_msg", &call).expect("decoded");
    let request = action.to_request(lizi_onebot::Echo::of(&json!(7)));
    assert_eq!(
        serde_json::to_value(&request).expect("json"),
        json!({"action": "send_group_msg", "params": {"group_id": 20002, "message": [
            {"type": "text", "data": {"text": "hi"}}, {"type": "at", "data": {"qq": "10001"}}
        ], "auto_escape": false}, "echo": 7})
    );
}

#[test]
fn bad_params_name_the_param_and_aliases_are_read() {
    let call = params(json!({"group_id": "", "message": "x"}));
    let err = Action::parse("send_group_msg", &call).expect_err("empty id");
    assert_eq!(
        err.to_string(),
        "parameter `group_id`: `` is not a QQ or group number"
    );
    let call = params(json!({"group_id": 1, "user_id": 2, "enable": "sure"}));
    let err = Action::parse("set_group_admin", &call).expect_err("bad bool");
    assert_eq!(
        err,
        ActionError::Param(ParamError {
            param: "enable",
            problem: Problem::NotABoolean("sure".into())
        })
    );
    let call = params(json!({"flag": "f", "approve": 0}));
    let Ok(Action::SetGroupAddRequest(answer)) = Action::parse("set_group_add_request", &call)
    else {
        panic!("not decoded")
    };
    assert_eq!(answer.approve, Some(false));
    let call = params(json!({"group_id": 1, "file": "base64://aGk=", "folder_id": "/x"}));
    let Ok(Action::UploadGroupFile(upload)) = Action::parse("upload_group_file", &call) else {
        panic!("not decoded")
    };
    assert_eq!(upload.folder.as_deref(), Some("/x"));
    let call = params(json!({"group_id": 1, "folder_name": "docs"}));
    let Ok(Action::CreateGroupFileFolder(folder)) =
        Action::parse("create_group_file_folder", &call)
    else {
        panic!("not decoded")
    };
    assert_eq!(folder.folder_name.as_deref(), Some("docs"));
    let call = params(json!({"group_id": 1, "message": 5}));
    assert!(matches!(
        Action::parse("send_group_msg", &call),
        Err(ActionError::Param(ParamError {
            param: "message",
            problem: Problem::NotAMessage(_)
        }))
    ));
}

#[test]
fn unknown_actions_and_suffixes_follow_the_profile() {
    assert_eq!(
        Action::parse("no_such_action", &Map::new()),
        Err(ActionError::Unknown("no_such_action".into()))
    );
    let (name, suffix) = split_action("get_status_rate_limited");
    assert_eq!(
        Action::parse(name, &Map::new()).map(|a| a.name()),
        Ok("get_status")
    );
    assert!(Profile::NapCat.accepts(suffix) && Profile::LLOneBot.accepts(suffix));
    assert!(!Profile::Lagrange.accepts(suffix));
    assert_eq!(suffix, Suffix::RateLimited);
    assert_eq!(Profile::Lagrange.retcode(Failure::UnknownAction), 404);
}

#[test]
fn response_data_is_written_with_number_ids() {
    let member: GroupMemberInfo = serde_json::from_value(json!({
        "group_id": "1", "user_id": "2", "nickname": "n", "card": null, "role": "admin",
        "level": 3, "join_time": "100", "unfriendly": "false"
    }))
    .expect("member");
    let written = serde_json::to_value(&member).expect("json");
    assert_eq!(written["group_id"], json!(1));
    assert_eq!(written["user_id"], json!(2));
    assert_eq!(written["card"], json!(""));
    assert_eq!(written["level"], json!("3"));
    assert_eq!(written["role"], json!("admin"));
    assert_eq!(written["join_time"], json!(100));
    let files: GroupFiles = serde_json::from_value(json!({"files": null, "folders": [
        {"group_id": 1, "folder_id": "/abc", "folder_name": "docs", "total_file_count": "2"}
    ]}))
    .expect("files");
    assert!(files.files.is_empty());
    assert_eq!(files.folders[0].total_file_count, 2);
}

#[test]
fn profiles_route_calls_and_refuse_with_their_own_retcodes() {
    let request = |action: &str, params: Value| lizi_onebot::ActionRequest {
        action: action.to_owned(),
        params: params.as_object().cloned().unwrap_or_default(),
        echo: lizi_onebot::Echo::of(&json!("e")),
    };
    let async_send = request(
        "send_group_msg_async",
        json!({"group_id": 1, "message": "hi"}),
    );
    let routed = Profile::NapCat.route(&async_send);
    assert!(matches!(
        routed,
        Ok((Routed::Action(action), Suffix::Async)) if matches!(*action, Action::SendGroupMsg(_))
    ));
    let refused = Profile::Lagrange
        .route(&async_send)
        .expect_err("no suffixes");
    assert_eq!(
        (refused.retcode, refused.echo.clone()),
        (404, lizi_onebot::Echo::of(&json!("e")))
    );
    let unknown = Profile::LLOneBot
        .route(&request("fly", json!({})))
        .expect_err("unknown");
    assert_eq!(unknown.retcode, 1404);
    let bad = Profile::NapCat
        .route(&request("delete_msg", json!({"message_id": "x"})))
        .expect_err("bad");
    assert_eq!(bad.retcode, 1400);
    assert_eq!(
        bad.error_text(),
        Some("parameter `message_id`: `x` is not an integer")
    );
    let bad = Profile::Lagrange
        .route(&request("delete_msg", json!({})))
        .expect_err("bad");
    assert_eq!(bad.retcode, 200);
}

#[test]
fn an_action_routes_only_in_the_implementations_that_have_it() {
    let call = |action: &str, params: Value| ActionRequest {
        action: action.into(),
        params: params.as_object().cloned().expect("object"),
        echo: lizi_onebot::Echo::of(&json!(3)),
    };
    let longnick = call("set_self_longnick", json!({"longNick": "hi"}));
    let (action, _) = Profile::NapCat.route(&longnick).expect("NapCat has it");
    assert_eq!(
        action,
        Routed::Action(Box::new(Action::SetSelfLongnick(SetSelfLongnick {
            long_nick: "hi".into()
        })))
    );
    for (profile, retcode) in [(Profile::Lagrange, 404), (Profile::LLOneBot, 1404)] {
        let refused = profile.route(&longnick).expect_err("unknown there");
        assert_eq!(refused.retcode, retcode, "{profile:?}");
        assert_eq!(refused.echo, lizi_onebot::Echo::of(&json!(3)));
        assert_eq!(
            refused.error_text(),
            Some(profile.unknown_action("set_self_longnick").as_str())
        );
    }
    // Lacking the action comes before checking its parameters.
    let bare = call("set_online_status", json!({}));
    assert_eq!(
        Profile::Lagrange.route(&bare).expect_err("unknown").retcode,
        404
    );
    assert_eq!(
        Profile::LLOneBot.route(&bare).expect_err("bad").retcode,
        1400
    );
    // Each reads its own names: NapCat `friend_id ?? user_id`, the others `user_id` only.
    let friend = call("delete_friend", json!({"friend_id": "20001"}));
    let (action, _) = Profile::NapCat
        .route(&friend)
        .expect("NapCat reads friend_id");
    assert!(matches!(
        action,
        Routed::Action(action) if matches!(*action, Action::DeleteFriend(DeleteFriend {
            user_id: Some(20001),
            ..
        }))
    ));
    let refused = Profile::LLOneBot.route(&friend).expect_err("user_id only");
    assert_eq!(refused.retcode, 1400);
    // Lagrange.OneBot refuses nothing for being absent: its handler finds no user.
    let (action, _) = Profile::Lagrange.route(&friend).expect("no validation");
    assert!(matches!(
        action,
        Routed::Action(action)
            if matches!(*action, Action::DeleteFriend(DeleteFriend { user_id: None, .. }))
    ));
    let spec = ActionSpec::find("set_online_status").expect("row");
    let having: Vec<_> = Profile::ALL
        .into_iter()
        .filter(|&p| spec.available_in(p))
        .collect();
    assert_eq!(having, [Profile::NapCat, Profile::LLOneBot]);
    assert!(ActionSpec::find("send_group_msg")
        .expect("row")
        .available_in(Profile::Lagrange));
}
