//! Behaviour of [`SimBackend`] through the [`Backend`] trait, with the events it logs.

use std::sync::Arc;

use lizi_core::endpoint::*;
use lizi_core::event::{kind, private_kind, GroupMsg, PrivateMsg};
use lizi_core::{Backend, Event, FailureKind, Receipt, Reply};
use lizi_store::{ReaderId, Store, StoreConfig};

use crate::control::{SimControl, SimMessage};
use crate::{SimBackend, WorldFixture};

struct Sim {
    backend: SimBackend,
    log: Arc<Store>,
    cursor: ReaderId,
}

impl Sim {
    fn new() -> Sim {
        Sim::with(WorldFixture::default_world())
    }

    fn with(world: WorldFixture) -> Sim {
        let log = Store::open(StoreConfig::memory()).unwrap();
        let cursor = log.open_reader(None).unwrap();
        Sim {
            backend: SimBackend::new(world, log.clone()),
            log,
            cursor,
        }
    }

    async fn ok(&self, request: Request) -> Reply {
        let path = request.path();
        match self.backend.call(request).await {
            Ok(reply) => reply,
            Err(e) => panic!("{path} failed: {e}"),
        }
    }

    async fn fail(&self, request: Request) -> (FailureKind, String) {
        let path = request.path();
        match self.backend.call(request).await {
            Ok(reply) => panic!("{path} succeeded: {reply:?}"),
            Err(e) => (e.kind, e.message),
        }
    }

    async fn sent(&self, request: Request) -> Receipt {
        match self.ok(request).await {
            Reply::Sent(receipt) => receipt,
            other => panic!("not a receipt: {other:?}"),
        }
    }

    /// The events logged since the last call.
    fn events(&self) -> Vec<Event> {
        drain(&self.log, self.cursor)
    }

    async fn logout(&self, uin: u64) {
        self.ok(Request::LogoutQq(LogoutQq { logonqq: uin })).await;
    }
}

/// The events `reader` has not read yet, parsed; moves it past them.
pub(crate) fn drain(log: &Store, reader: ReaderId) -> Vec<Event> {
    let batch = log.read(reader, usize::MAX).unwrap().unwrap();
    log.advance(reader, batch.next);
    batch
        .events
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect()
}

fn private(fromqq: u64, toqq: u64, text: &str) -> Request {
    Request::SendPrivateMsg(SendPrivateMsg {
        fromqq,
        toqq,
        text: text.into(),
    })
}

fn group(fromqq: u64, togroup: u64, text: &str) -> Request {
    Request::SendGroupMsg(SendGroupMsg {
        fromqq,
        togroup,
        text: text.into(),
        anonymous: None,
    })
}

fn temp(fromqq: u64, togroup: u64, toqq: u64, text: &str) -> Request {
    Request::SendGroupTempMsg(SendGroupTempMsg {
        fromqq,
        togroup,
        toqq,
        text: text.into(),
    })
}

fn group_msgs(events: Vec<Event>) -> Vec<GroupMsg> {
    events
        .into_iter()
        .map(|e| match e {
            Event::GroupMsg(m) => m,
            other => panic!("not a GroupMsg: {other:?}"),
        })
        .collect()
}

fn private_msgs(events: Vec<Event>) -> Vec<PrivateMsg> {
    events
        .into_iter()
        .map(|e| match e {
            Event::PrivateMsg(m) => m,
            other => panic!("not a PrivateMsg: {other:?}"),
        })
        .collect()
}

fn control_message(from: u64, to: Option<u64>, group: Option<u64>, text: &str) -> SimControl {
    SimControl::Message(SimMessage {
        from,
        to,
        group,
        text: text.into(),
    })
}

#[tokio::test]
async fn name_is_sim() {
    assert_eq!(Sim::new().backend.name(), "sim");
}

#[tokio::test]
async fn group_message_reaches_every_online_account_including_the_sender() {
    let sim = Sim::new();
    let receipt = sim.sent(group(10001, 30001, "hello [@20001]")).await;
    assert_eq!(receipt.req, 1);
    assert!((1..=0x7FFF_FFFF).contains(&receipt.random));
    assert!(receipt.time > 1_600_000_000);

    let events = group_msgs(sim.events());
    let logons: Vec<u64> = events.iter().map(|e| e.logon_qq).collect();
    assert_eq!(logons, [10001, 10002]);
    for e in &events {
        assert_eq!(e.from_qq.uin, 10001);
        assert_eq!(e.from_qq.card, "lizi-bot");
        assert_eq!(
            (e.from_group.gin, e.from_group.name.as_str()),
            (30001, "lizi test group")
        );
        assert_eq!((e.msg.req, e.msg.random), (receipt.req, receipt.random));
        assert_eq!(e.msg.sub_type, 134);
        assert_eq!(e.msg.text, "hello [@20001]");
        assert_eq!(
            (e.time_stamp.recv, e.time_stamp.send),
            (receipt.time, receipt.time)
        );
        assert_eq!(e.file, Default::default());
    }

    // Req counts per group.
    assert_eq!(sim.sent(group(10002, 30001, "two")).await.req, 2);
    assert_eq!(sim.sent(group(10001, 30002, "other group")).await.req, 1);
    let events = group_msgs(sim.events());
    assert_eq!(events.len(), 3, "30002 has one framework member");
}

#[tokio::test]
async fn offline_accounts_see_nothing_and_cannot_send() {
    let sim = Sim::new();
    sim.logout(10002).await;
    sim.sent(group(10001, 30001, "hi")).await;
    let logons: Vec<u64> = group_msgs(sim.events())
        .iter()
        .map(|e| e.logon_qq)
        .collect();
    assert_eq!(logons, [10001]);

    let (kind, message) = sim.fail(group(10002, 30001, "hi")).await;
    assert_eq!(kind, FailureKind::Offline);
    assert_eq!(message, "framework account 10002 is offline");
    assert_eq!(
        sim.fail(private(10002, 20001, "hi")).await.0,
        FailureKind::Offline
    );

    // A private message to an offline account: only the sender sees it.
    let events = {
        sim.sent(private(10001, 10002, "are you there?")).await;
        private_msgs(sim.events())
    };
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].logon_qq, 10001);
}

#[tokio::test]
async fn card_is_used_when_set() {
    let world = WorldFixture::from_toml(
        r#"
        [[account]]
        uin = 1
        nickname = "bot"
        [[user]]
        uin = 2
        nickname = "Alice"
        [[group]]
        gin = 9
        name = "g"
        owner = 2
        members = [1]
        cards = { 2 = "boss", 1 = "the bot" }
    "#,
    )
    .unwrap();
    let sim = Sim::with(world);
    sim.backend
        .carry_out(control_message(2, None, Some(9), "hi"))
        .await
        .unwrap();
    let events = group_msgs(sim.events());
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].logon_qq, events[0].from_qq.card.as_str()),
        (1, "boss")
    );
    let card = Request::GetGroupCard(GetGroupCard {
        fromqq: 1,
        group: 9,
        toqq: 2,
    });
    assert_eq!(sim.ok(card).await, Reply::Text("boss".into()));
}

#[tokio::test]
async fn private_message_events_for_both_framework_accounts() {
    let sim = Sim::new();
    let receipt = sim.sent(private(10001, 10002, "ping")).await;
    assert_eq!(receipt.req, 1);
    let events = private_msgs(sim.events());
    let logons: Vec<u64> = events.iter().map(|e| e.logon_qq).collect();
    assert_eq!(
        logons,
        [10002, 10001],
        "receiver first, then the sender's own copy"
    );
    for e in &events {
        assert_eq!(
            (e.from_qq.uin, e.from_qq.nick_name.as_str()),
            (10001, "lizi-bot")
        );
        assert_eq!(e.msg.kind, private_kind::FRIEND);
        assert_eq!(e.msg.req, receipt.req);
        assert_eq!(e.msg.seq, 1);
        assert_eq!(e.msg.text, "ping");
        assert_eq!(e.from_group.gin, 0);
    }
    // Req counts per unordered pair; Seq counts globally.
    assert_eq!(sim.sent(private(10002, 10001, "pong")).await.req, 2);
    assert_eq!(sim.sent(private(10001, 20001, "hi Alice")).await.req, 1);
    let events = private_msgs(sim.events());
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].msg.seq, 3);
    assert_eq!(
        events[2].logon_qq, 10001,
        "Alice is not a framework account"
    );
}

#[tokio::test]
async fn user_messages_through_the_control_api() {
    let sim = Sim::new();
    let reply = sim
        .backend
        .carry_out(control_message(20001, Some(10001), None, "hi bot"))
        .await
        .unwrap();
    let Reply::Json(receipt) = reply else {
        panic!("not JSON: {reply:?}")
    };
    assert_eq!(receipt["req"], 1);
    assert!(receipt["random"].as_i64().unwrap() > 0);
    let events = private_msgs(sim.events());
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].logon_qq, events[0].from_qq.uin), (10001, 20001));
    assert_eq!(events[0].from_qq.nick_name, "Alice");

    sim.backend
        .carry_out(control_message(20003, None, Some(30001), "hi all"))
        .await
        .unwrap();
    let logons: Vec<u64> = group_msgs(sim.events())
        .iter()
        .map(|e| e.logon_qq)
        .collect();
    assert_eq!(logons, [10001, 10002]);

    sim.backend
        .carry_out(control_message(20003, Some(10002), Some(30001), "psst"))
        .await
        .unwrap();
    let events = private_msgs(sim.events());
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].msg.kind, events[0].from_group.gin), (141, 30001));

    let fail = |m| async { sim.backend.carry_out(m).await.unwrap_err().kind };
    assert_eq!(
        fail(control_message(20003, Some(10001), None, "x")).await,
        FailureKind::NotFriend
    );
    assert_eq!(
        fail(control_message(20003, None, Some(30002), "x")).await,
        FailureKind::NotMember
    );
    assert_eq!(
        fail(control_message(29999, Some(10001), None, "x")).await,
        FailureKind::UnknownUser
    );
    assert_eq!(
        fail(control_message(20001, None, Some(39999), "x")).await,
        FailureKind::UnknownGroup
    );
    assert_eq!(
        fail(control_message(20001, None, None, "x")).await,
        FailureKind::Invalid
    );
    assert!(sim.events().is_empty());
}

#[tokio::test]
async fn temporary_session_messages() {
    let sim = Sim::new();
    let receipt = sim.sent(temp(10001, 30001, 20003, "hi Carol")).await;
    let events = private_msgs(sim.events());
    assert_eq!(
        events.len(),
        1,
        "Carol is a user; only the sender's own copy"
    );
    let e = &events[0];
    assert_eq!((e.logon_qq, e.from_qq.uin), (10001, 10001));
    assert_eq!((e.msg.kind, e.msg.sub_temp_type), (141, 0));
    assert_eq!((e.from_group.gin, e.msg.req), (30001, receipt.req));

    sim.sent(temp(10001, 30001, 10002, "hi helper")).await;
    let logons: Vec<u64> = private_msgs(sim.events())
        .iter()
        .map(|e| e.logon_qq)
        .collect();
    assert_eq!(logons, [10002, 10001]);

    let (kind, message) = sim.fail(temp(10001, 30002, 20001, "x")).await;
    assert_eq!(kind, FailureKind::NotMember);
    assert_eq!(message, "20001 is not a member of group 30002");
    let (kind, message) = sim.fail(temp(10002, 30002, 20002, "x")).await;
    assert_eq!(kind, FailureKind::NotMember);
    assert_eq!(message, "10002 is not a member of group 30002");
    assert_eq!(
        sim.fail(temp(10001, 30001, 29999, "x")).await.0,
        FailureKind::UnknownUser
    );
    assert!(sim.events().is_empty());
}

#[tokio::test]
async fn refusals_change_nothing() {
    let sim = Sim::new();
    let (kind, message) = sim.fail(private(10001, 20003, "x")).await;
    assert_eq!(kind, FailureKind::NotFriend);
    assert_eq!(message, "20003 is not a friend of 10001");
    let (kind, message) = sim.fail(group(10002, 30002, "x")).await;
    assert_eq!(kind, FailureKind::NotMember);
    assert_eq!(message, "10002 is not a member of group 30002");
    let (kind, message) = sim.fail(private(20001, 10001, "x")).await;
    assert_eq!(kind, FailureKind::UnknownAccount);
    assert_eq!(message, "20001 is not a framework account");
    assert_eq!(
        sim.fail(private(10001, 20009, "x")).await.0,
        FailureKind::UnknownUser
    );
    assert_eq!(
        sim.fail(group(10001, 39999, "x")).await.0,
        FailureKind::UnknownGroup
    );
    let anonymous = Request::SendGroupMsg(SendGroupMsg {
        fromqq: 10001,
        togroup: 30001,
        text: "boo".into(),
        anonymous: Some(true),
    });
    let (kind, message) = sim.fail(anonymous).await;
    assert_eq!(kind, FailureKind::Refused);
    assert!(message.starts_with("anonymous chat is off"), "{message}");
    assert!(sim.events().is_empty());
    // Nothing was counted or stored: the first real message still gets req 1.
    assert_eq!(sim.sent(group(10001, 30001, "first")).await.req, 1);
}

#[tokio::test]
async fn login_and_logout() {
    let sim = Sim::new();
    let login = |logonqq| Request::LoginQq(LoginQq { logonqq });
    // Already online: succeeds, no event.
    assert_eq!(sim.ok(login(10001)).await, Reply::Done);
    assert!(sim.events().is_empty());

    sim.logout(10001).await;
    sim.logout(10001).await;
    assert!(sim.events().is_empty());
    let Reply::Accounts(accounts) = sim.ok(Request::GetLogonQq(GetLogonQq {})).await else {
        panic!()
    };
    let order: Vec<(u64, bool)> = accounts.iter().map(|a| (a.uin, a.online)).collect();
    assert_eq!(order, [(10002, true), (10001, false)], "online first");
    assert_eq!(accounts[0].nickname, "lizi-helper");

    assert_eq!(sim.ok(login(10001)).await, Reply::Done);
    let events = sim.events();
    assert_eq!(events.len(), 1);
    let Event::EventMsg(e) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(e.msg.kind, kind::LOGIN_OK);
    assert_eq!(
        (e.logon_qq, e.from_qq.uin, e.operate_qq.uin),
        (10001, 10001, 10001)
    );
    assert_eq!(e.from_qq.nick_name, "lizi-bot");

    assert_eq!(sim.fail(login(20001)).await.0, FailureKind::UnknownAccount);
    assert_eq!(
        sim.fail(Request::LogoutQq(LogoutQq { logonqq: 5 })).await.0,
        FailureKind::UnknownAccount
    );
}

#[tokio::test]
async fn logon_counters() {
    let sim = Sim::new();
    sim.sent(private(10001, 10002, "a")).await;
    sim.sent(group(10001, 30001, "b")).await;
    let Reply::Accounts(accounts) = sim.ok(Request::GetLogonQq(GetLogonQq {})).await else {
        panic!()
    };
    assert_eq!(
        (accounts[0].uin, accounts[0].sent, accounts[0].received),
        (10001, 2, 0)
    );
    assert_eq!(
        (accounts[1].uin, accounts[1].sent, accounts[1].received),
        (10002, 0, 2)
    );
}

#[tokio::test]
async fn lists() {
    let sim = Sim::new();
    let Reply::Friends(friends) = sim
        .ok(Request::GetFriendList(GetFriendList { logonqq: 10001 }))
        .await
    else {
        panic!()
    };
    let friends: Vec<(u64, &str)> = friends
        .iter()
        .map(|f| (f.uin, f.nick_name.as_str()))
        .collect();
    assert_eq!(
        friends,
        [(10002, "lizi-helper"), (20001, "Alice"), (20002, "Bob")]
    );

    let Reply::Groups(groups) = sim
        .ok(Request::GetGroupList(GetGroupList { logonqq: 10002 }))
        .await
    else {
        panic!()
    };
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(
        (g.gin, g.group_id, g.str_group_name.as_str()),
        (30001, 30001, "lizi test group")
    );
    assert_eq!((g.dw_group_owner_uin, g.dw_member_num), (20001, 5));
    assert!(g.dw_cmduin_join_time > 0);

    sim.sent(group(10001, 30002, "hi")).await;
    let members = Request::GetGroupMemberList(GetGroupMemberList {
        logonqq: 10001,
        group: 30002,
    });
    let Reply::Members(members) = sim.ok(members).await else {
        panic!()
    };
    let uins: Vec<u64> = members.iter().map(|m| m.uin).collect();
    assert_eq!(uins, [10001, 20002]);
    assert_eq!(members[1].nick_name, "Bob");
    assert!(members[0].last_msg_time > 0 && members[1].last_msg_time == 0);
    assert_eq!(members[0].mute_time, 0);

    let not_in = Request::GetGroupMemberList(GetGroupMemberList {
        logonqq: 10002,
        group: 30002,
    });
    assert_eq!(sim.fail(not_in).await.0, FailureKind::NotMember);

    let mgr = Request::GetGroupMgrList(GetGroupMgrList {
        fromqq: 10002,
        group: 30001,
    });
    assert_eq!(sim.ok(mgr).await, Reply::Text("20001\r\n10001\r\n".into()));

    let name = Request::GetGroupNameFromCache(GetGroupNameFromCache { group: 30002 });
    assert_eq!(sim.ok(name).await, Reply::Text("lizi dev group".into()));
    let name = Request::GetGroupNameFromCache(GetGroupNameFromCache { group: 1 });
    assert_eq!(sim.fail(name).await.0, FailureKind::UnknownGroup);

    let card = Request::GetGroupCard(GetGroupCard {
        fromqq: 10001,
        group: 30001,
        toqq: 20003,
    });
    assert_eq!(sim.ok(card).await, Reply::Text(String::new()));

    // Lists answer offline too.
    sim.logout(10001).await;
    let friends = sim
        .ok(Request::GetFriendList(GetFriendList { logonqq: 10001 }))
        .await;
    assert!(matches!(friends, Reply::Friends(f) if f.len() == 3));
    let unknown = Request::GetFriendList(GetFriendList { logonqq: 20001 });
    assert_eq!(sim.fail(unknown).await.0, FailureKind::UnknownAccount);
}

#[tokio::test]
async fn nicknames() {
    let sim = Sim::new();
    let nick = |fromqq, toqq, fromcache| {
        Request::GetNickname(GetNickname {
            fromqq,
            toqq,
            fromcache,
        })
    };
    assert_eq!(
        sim.ok(nick(None, 20003, Some(true))).await,
        Reply::Text("Carol".into())
    );
    assert_eq!(
        sim.ok(nick(Some(10001), 10002, None)).await,
        Reply::Text("lizi-helper".into())
    );
    assert_eq!(
        sim.fail(nick(Some(10001), 29999, None)).await.0,
        FailureKind::UnknownUser
    );
    assert_eq!(
        sim.fail(nick(Some(20001), 20002, None)).await.0,
        FailureKind::UnknownAccount
    );
    sim.logout(10001).await;
    assert_eq!(
        sim.fail(nick(Some(10001), 20002, None)).await.0,
        FailureKind::Offline
    );
    assert_eq!(
        sim.ok(nick(Some(10001), 20002, Some(true))).await,
        Reply::Text("Bob".into())
    );
}

#[tokio::test]
async fn session_requests_never_reach_the_backend() {
    let sim = Sim::new();
    let session = Request::GetEvent(GetEvent {
        sessid: Some(1),
        peek: None,
        limit: None,
    });
    assert_eq!(sim.fail(session).await.0, FailureKind::Internal);
}

#[tokio::test]
async fn world_view() {
    let sim = Sim::new();
    sim.logout(10002).await;
    let Ok(Reply::Json(view)) = sim.backend.carry_out(SimControl::World).await else {
        panic!()
    };
    assert_eq!(view["accounts"][0]["uin"], 10001);
    assert_eq!(view["accounts"][0]["online"], true);
    assert_eq!(view["accounts"][1]["online"], false);
    assert_eq!(view["users"].as_array().unwrap().len(), 3);
    assert!(view["users"][0].get("online").is_none());
    assert_eq!(view["friendships"].as_array().unwrap().len(), 4);
    assert_eq!(view["friendships"][0], serde_json::json!([10001, 10002]));
    let group = &view["groups"][0];
    assert_eq!(group["gin"], 30001);
    assert_eq!(group["owner"], 20001);
    assert_eq!(group["admins"], serde_json::json!([10001]));
    assert_eq!(group["members"][0]["role"], "admin");
    assert_eq!(group["members"][2]["role"], "owner");
    assert_eq!(group["members"][4]["role"], "member");
    assert_eq!(group["members"][4]["card"], "");
}

#[tokio::test]
async fn changes_and_events_survive_reopening_the_store() {
    let dir = std::env::temp_dir().join(format!("lizi-sim-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let open = || Store::open(StoreConfig::new(&dir)).unwrap();
    let store = open();
    let (first, source) = SimBackend::open(store.clone(), &WorldFixture::default_world())
        .await
        .unwrap();
    assert_eq!(source, crate::WorldSource::Seeded);
    assert_eq!(sent_req(&first).await, 1);
    assert_eq!(sent_req(&first).await, 2);
    first
        .call(Request::LogoutQq(LogoutQq { logonqq: 10002 }))
        .await
        .unwrap();
    let before = first.lock_view();
    drop(first);
    store.close();
    drop(store);

    let store = open();
    let (second, source) = SimBackend::open(store.clone(), &WorldFixture::default_world())
        .await
        .unwrap();
    assert_eq!(source, crate::WorldSource::Loaded);
    assert_eq!(second.lock_view(), before, "the world is as it was");
    assert_eq!(sent_req(&second).await, 3, "Req goes on where it stopped");
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_backend_runs_a_loaded_world() {
    use crate::World;

    let log = Store::open(StoreConfig::memory()).unwrap();
    let first = SimBackend::new(WorldFixture::default_world(), log.clone());
    assert_eq!(sent_req(&first).await, 1);
    let docs = first.all_docs();
    let world = World::from_docs(docs.iter().map(|d| {
        (
            d.kind,
            d.key.as_str(),
            d.body.as_deref().unwrap_or_default(),
        )
    }))
    .unwrap();
    let second = SimBackend::from_world(world, log);
    assert_eq!(sent_req(&second).await, 2, "Req goes on where it stopped");
}

async fn sent_req(backend: &SimBackend) -> i64 {
    match backend.call(group(10001, 30001, "x")).await {
        Ok(Reply::Sent(receipt)) => receipt.req,
        other => panic!("{other:?}"),
    }
}
