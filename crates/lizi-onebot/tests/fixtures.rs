//! Every captured payload of docs/onebot-implementations.md#captured-payloads parses, with its key fields as captured.

use std::path::PathBuf;

use lizi_onebot::action::{LoginInfo, MessageData, MessageId};
use lizi_onebot::envelope::{split_action, Status};
use lizi_onebot::event::*;
use lizi_onebot::lenient::{as_i64, as_u64};
use lizi_onebot::message::{parse_cq, View};
use lizi_onebot::{Action, ActionRequest, ActionResponse, Body, Event};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(name)).expect("fixture file");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn event(name: &str) -> Event {
    serde_json::from_value(load(name)).expect("event")
}

fn response(name: &str) -> ActionResponse {
    serde_json::from_value(load(name)).expect("response")
}

fn notice(name: &str) -> Notice {
    match event(name).body {
        Body::Notice(notice) => notice,
        other => panic!("{name}: not a notice: {other:?}"),
    }
}

fn group_increase(name: &str) -> GroupIncrease {
    match notice(name) {
        Notice::GroupIncrease(n) => n,
        other => panic!("{name}: not group_increase: {other:?}"),
    }
}

#[test]
fn every_captured_payload_has_a_fixture() {
    let names: Vec<String> = std::fs::read_dir(dir())
        .expect("fixture dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    for number in 1..=19 {
        let prefix = format!("{number:02}-");
        assert!(
            names.iter().any(|n| n.starts_with(&prefix)),
            "no fixture for #{number}"
        );
    }
}

#[test]
fn lagrange_group_add_request_call_answer_and_event() {
    let request: ActionRequest =
        serde_json::from_value(load("01-lgr-set-group-add-request-action.json")).expect("request");
    let Action::SetGroupAddRequest(call) =
        Action::parse(&request.action, &request.params).expect("action")
    else {
        panic!("wrong action")
    };
    // The captured call's `sub_type` is not read: the flag names the request.
    assert_eq!(request.params["sub_type"], "add");
    assert_eq!(call.approve, Some(true));
    assert_eq!(request.echo.map(|e| e.to_value()), Some(Value::from(37)));
    let answer = response("01-lgr-set-group-add-request-response.json");
    assert!(answer.is_ok() && answer.data.is_null());
    let increase = group_increase("01-lgr-group-increase-wrong-sub-type.json");
    assert_eq!(increase.sub_type, IncreaseKind::Invite);
    assert_eq!(increase.operator_id, 2_000_000_001);
}

#[test]
fn group_increase_variants_keep_operator_and_sub_type() {
    let nc = group_increase("02-nc-group-increase-invite-operator-zero.json");
    assert_eq!(
        (nc.sub_type, nc.operator_id, nc.user_id),
        (IncreaseKind::Invite, 0, 2_911_606_375)
    );
    let approve = group_increase("03-nc-group-increase-approve.json");
    assert_eq!(approve.sub_type, IncreaseKind::Approve);
    let llob = group_increase("04-llob-group-increase-invite.json");
    assert_eq!((llob.group_id, llob.operator_id), (123_456_789, 1_234_567));
    assert_eq!(
        event("04-llob-group-increase-invite.json").self_id,
        3_520_767_439
    );
}

#[test]
fn napcat_group_invite_request_and_its_failed_answer() {
    let Body::Request(RequestEvent::Group(request)) = event("05-nc-group-invite-request.json").body
    else {
        panic!("not a group request")
    };
    assert_eq!(request.sub_type, GroupRequestKind::Invite);
    assert_eq!(request.flag, "1734738688386176");
    let failed = response("05-nc-set-group-add-request-failed.json");
    assert_eq!((failed.status, failed.retcode), (Status::Failed, 1200));
    assert_eq!(failed.error_text(), Some("No such request"));
    assert_eq!(
        failed.echo.map(|e| e.to_value()),
        Some(serde_json::json!({"seq": 55}))
    );
}

#[test]
fn napcat_private_message_keeps_string_real_seq_and_decodes_the_escaped_card() {
    let parsed = event("06-nc-private-message-escaped-json-card.json");
    let Body::Message(MessageEvent::Private(message)) = parsed.body else {
        panic!("not a private message")
    };
    assert_eq!(message.message_id, 987_883_961);
    assert_eq!(message.extras.real_seq.as_deref(), Some("1337"));
    assert_eq!(message.sender.card.as_deref(), Some(""));
    let segments = parse_cq(&message.raw_message);
    let Ok(View::Json(card)) = segments[0].view() else {
        panic!("not a json card")
    };
    let card: Value = serde_json::from_str(&card).expect("card JSON");
    assert_eq!(card["prompt"], "[链接]邀请你加入群聊");
}

#[test]
fn napcat_poke_with_target_zero_keeps_raw_info() {
    let Notice::Notify(Notify::Poke(poke)) = notice("07-nc-group-poke-raw-info.json") else {
        panic!("not a poke")
    };
    assert_eq!(
        (poke.group_id, poke.user_id, poke.target_id),
        (Some(900_000_000), 2_000_000_009, 0)
    );
    assert_eq!(
        poke.raw_info
            .as_ref()
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(3)
    );
}

#[test]
fn napcat_recall_and_the_empty_get_msg_of_the_recalled_message() {
    let Notice::GroupRecall(recall) = notice("08-nc-group-recall.json") else {
        panic!("not a recall")
    };
    assert_eq!(recall.message_id, 1_581_234_567);
    let data: MessageData = serde_json::from_value(load("08-nc-get-msg-of-recalled-message.json"))
        .expect("get_msg data");
    assert!(data.message.is_empty());
    assert_eq!(data.sender.role, Some(Role::Owner));
    assert_eq!(data.group_id, Some(100_000_008));
}

#[test]
fn napcat_send_ok_and_recall_failed_with_retcode_200() {
    let ok = response("09-nc-send-ok.json");
    let data: MessageId = serde_json::from_value(ok.data.clone()).expect("message id");
    assert_eq!(data.message_id, 708_152_094);
    assert_eq!(ok.stream.as_deref(), Some("normal-action"));
    let failed = response("09-nc-recall-failed-retcode-200.json");
    assert!(!failed.is_ok());
    assert_eq!(failed.retcode, 200);
    assert!(failed.error_text().is_some_and(|t| t.contains("recallMsg")));
}

#[test]
fn napcat_risk_control_failure_keeps_its_message() {
    let failed = response("10-nc-send-blocked-risk-control.json");
    assert_eq!(failed.retcode, 1200);
    assert!(failed.wording.is_none());
    assert!(failed
        .error_text()
        .is_some_and(|t| t.starts_with("Timeout: NTEvent")));
}

#[test]
fn heartbeats_of_napcat_and_lagrange() {
    let Body::Meta(MetaEvent::Heartbeat(nc)) = event("11-nc-heartbeat.json").body else {
        panic!("not a heartbeat")
    };
    assert_eq!(
        (nc.status.online, nc.status.good, nc.interval),
        (Some(true), true, 30000)
    );
    let Body::Meta(MetaEvent::Heartbeat(lgr)) = event("15-lgr-heartbeat.json").body else {
        panic!("not a heartbeat")
    };
    assert_eq!(lgr.interval, 5000);
    assert_eq!(lgr.status.extra.get("app_good"), Some(&Value::Bool(true)));
}

#[test]
fn lagrange_group_message_with_null_card_and_string_level() {
    let parsed = event("12-lgr-group-message-card-null.json");
    let Body::Message(MessageEvent::Group(message)) = parsed.body else {
        panic!("not a group message")
    };
    assert_eq!(message.sender.card, None);
    assert_eq!(message.sender.level.as_deref(), Some("2"));
    assert_eq!(message.anonymous, None);
    assert_eq!(
        lizi_onebot::message::plain_text(&message.message),
        "lagrange"
    );
    assert_eq!(parsed.self_id, 2_000_000_012);
}

#[test]
fn lagrange_message_style_is_kept() {
    let Body::Message(MessageEvent::Group(message)) = event("13-lgr-group-message-style.json").body
    else {
        panic!("not a group message")
    };
    assert_eq!(message.sender.role, Some(Role::Owner));
    assert_eq!(
        message
            .message_style
            .as_ref()
            .map(|s| s["bubble_id"].clone()),
        Some(Value::from(0))
    );
    assert_eq!(lizi_onebot::message::plain_text(&message.message), "测试");
}

#[test]
fn lagrange_get_msg_with_a_negative_id() {
    let answer = response("14-lgr-get-msg-negative-id.json");
    assert_eq!(answer.echo, None);
    let data: MessageData = serde_json::from_value(answer.data).expect("get_msg data");
    assert_eq!(
        (data.message_id, data.real_id),
        (-1_814_915_305, -1_814_915_305)
    );
    assert_eq!(data.message_type, MessageType::Private);
    assert_eq!(data.sender.user_id, 0);
}

#[test]
fn lagrange_malformed_group_decrease_parses_to_something_sane() {
    let Notice::GroupDecrease(decrease) = notice("16-lgr-malformed-group-decrease.json") else {
        panic!("not group_decrease")
    };
    assert_eq!(decrease.sub_type, DecreaseKind::Other("3".into()));
    assert_eq!(
        (decrease.group_id, decrease.user_id, decrease.operator_id),
        (347_831_900, 0, 0)
    );
}

#[test]
fn go_cqhttp_send_response_with_fields_reordered() {
    let answer = response("17-gocq-send-response.json");
    assert!(answer.is_ok());
    assert_eq!(answer.data["message_id"], -1_993_251_931);
}

#[test]
fn nt_raw_message_ids_read_leniently() {
    let raw = load("18-nt-raw-message.json");
    assert_eq!(as_i64(&raw["msgSeq"]), Some(10406));
    assert_eq!(as_u64(&raw["msgRandom"]), Some(1_892_400_119));
    assert_eq!(as_i64(&raw["msgTime"]), Some(1_731_810_562));
}

#[test]
fn llonebot_friend_request_flag_with_string_approve() {
    let request: ActionRequest =
        serde_json::from_value(load("19-llob-set-friend-add-request-action.json"))
            .expect("request");
    let (name, _) = split_action(&request.action);
    let Action::SetFriendAddRequest(call) = Action::parse(name, &request.params).expect("action")
    else {
        panic!("wrong action")
    };
    assert_eq!(call.flag, "u_9_uMHx6EDCbKpXpIBVkKEQ|1726890039");
    assert_eq!(call.approve, Some(true));
    let login: Result<LoginInfo, _> =
        serde_json::from_value(serde_json::json!({"user_id": "10001"}));
    assert_eq!(login.map(|l| l.user_id).ok(), Some(10001));
}
