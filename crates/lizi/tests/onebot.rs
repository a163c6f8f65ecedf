//! The OneBot v11 face over real sockets: the HTTP API (GET query, POST form, POST JSON),
//! the account choice, the access token and the profiles' envelopes.

mod common;

use std::net::SocketAddr;

use common::Server;
use lizi_onebot::Profile;
use serde_json::{json, Value};

/// A free loopback address for the OneBot listener.
fn free_address() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr")
}

/// Starts lizi with the OneBot HTTP API on; returns the server and the API's base URL.
async fn start(token: Option<&str>, profile: Profile) -> (Server, String) {
    let address = free_address();
    let token = token.map(str::to_owned);
    let server = Server::start_with(|settings| {
        settings.onebot.listen = Some(address);
        settings.onebot.token = token;
        settings.onebot.profile = profile;
    })
    .await;
    // The OneBot listener is bound once the store is open: wait for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while tokio::net::TcpStream::connect(address).await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the OneBot listener never came up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (server, format!("http://{address}"))
}

async fn answer(response: reqwest::Response) -> Value {
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

async fn history(server: &Server, query: &str) -> Vec<(u64, String)> {
    let response = server
        .client
        .get(server.url(&format!("/sim/history?{query}")))
        .send()
        .await
        .expect("history");
    let history: Value = response.json().await.expect("json");
    history["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            let from = m["from"].as_u64().expect("from");
            (from, m["text"].as_str().expect("text").to_owned())
        })
        .collect()
}

#[tokio::test]
async fn sends_by_get_query_post_form_and_post_json() {
    let (server, onebot) = start(None, Profile::NapCat).await;
    let client = &server.client;

    let by_get = answer(
        client
            .get(format!(
                "{onebot}/send_group_msg?group_id=30001&message=hi%20%5BCQ:at,qq=20001%5D%20a%5Bb%5D"
            ))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(by_get["status"], "ok", "{by_get}");
    assert_eq!(by_get["retcode"], 0);
    assert_eq!(by_get["stream"], "normal-action");
    let id = by_get["data"]["message_id"].as_i64().expect("message_id");
    assert!(i32::try_from(id).is_ok(), "{id}");

    let by_form = answer(
        client
            .post(format!("{onebot}/send_private_msg"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("user_id=20001&message=by%20form")
            .send()
            .await
            .expect("form"),
    )
    .await;
    assert_eq!(by_form["status"], "ok", "{by_form}");

    let by_json = answer(
        client
            .post(format!("{onebot}/send_msg"))
            .header("X-Self-ID", "10002")
            .json(&json!({"group_id": "30001", "message": [{"type": "text", "data": {"text": "by json"}}]}))
            .send()
            .await
            .expect("json"),
    )
    .await;
    assert_eq!(by_json["status"], "ok", "{by_json}");
    assert_ne!(by_json["data"]["message_id"], by_get["data"]["message_id"]);

    assert_eq!(
        history(&server, "group=30001").await,
        [
            (10001, "hi [@20001] a\\u005bb\\u005d".to_owned()),
            (10002, "by json".to_owned()),
        ]
    );
    assert_eq!(
        history(&server, "a=10001&b=20001").await,
        [(10001, "by form".to_owned())]
    );
}

#[tokio::test]
async fn the_account_comes_from_x_self_id_or_self_id_else_the_first_online() {
    let (server, onebot) = start(None, Profile::NapCat).await;
    let client = &server.client;
    let login = |request: reqwest::RequestBuilder| async move {
        answer(request.send().await.expect("login")).await
    };
    let first = login(client.get(format!("{onebot}/get_login_info"))).await;
    assert_eq!(
        first["data"],
        json!({"user_id": 10001, "nickname": "lizi-bot"})
    );
    let by_header = login(
        client
            .get(format!("{onebot}/get_login_info"))
            .header("X-Self-ID", "10002"),
    )
    .await;
    assert_eq!(by_header["data"]["user_id"], 10002);
    let by_query = login(client.get(format!("{onebot}/get_login_info?self_id=10002"))).await;
    assert_eq!(by_query["data"]["user_id"], 10002);
    let unknown = login(client.get(format!("{onebot}/get_login_info?self_id=99"))).await;
    assert_eq!(unknown["status"], "failed", "{unknown}");
    assert!(
        unknown["message"].as_str().unwrap().contains("99"),
        "{unknown}"
    );
}

#[tokio::test]
async fn a_token_is_required_when_set() {
    let (server, onebot) = start(Some("s3cret"), Profile::NapCat).await;
    let client = &server.client;
    let url = format!("{onebot}/get_status");
    let status = |request: reqwest::RequestBuilder| async move {
        request.send().await.expect("request").status().as_u16()
    };
    assert_eq!(status(client.get(&url)).await, 401);
    assert_eq!(status(client.get(&url).bearer_auth("wrong")).await, 403);
    assert_eq!(
        status(client.get(format!("{url}?access_token=wrong"))).await,
        403
    );
    assert_eq!(status(client.get(&url).bearer_auth("s3cret")).await, 200);
    assert_eq!(
        status(client.get(format!("{url}?access_token=s3cret"))).await,
        200
    );
    // A refused call changes nothing.
    let refused = client
        .get(format!("{onebot}/send_group_msg?group_id=30001&message=no"))
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status().as_u16(), 401);
    assert!(history(&server, "group=30001").await.is_empty());
}

#[tokio::test]
async fn the_token_is_taken_in_the_forms_of_the_standard_in_any_case() {
    let (server, onebot) = start(Some("s3 cret+"), Profile::NapCat).await;
    let url = format!("{onebot}/get_status");
    let status = |authorization: Option<&str>, query: &str| {
        let mut request = server.client.get(format!("{url}{query}"));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        async move { request.send().await.expect("request").status().as_u16() }
    };
    // `Bearer` is a scheme, and schemes are case-insensitive (RFC 7235 §2.1).
    for accepted in ["Bearer s3 cret+", "bearer s3 cret+", "BEARER s3 cret+"] {
        assert_eq!(status(Some(accepted), "").await, 200, "{accepted}");
    }
    // `access_token` is percent-decoded, `+` a space, as query strings are.
    assert_eq!(status(None, "?access_token=s3+cret%2B").await, 200);
    assert_eq!(status(None, "?access_token=s3%20cret%2b").await, 200);
    // Other forms are wrong tokens, as in the standard and Lagrange.OneBot.
    for refused in ["Token s3 cret+", "s3 cret+", "Basic czM=", "Bearer s3"] {
        assert_eq!(status(Some(refused), "").await, 403, "{refused}");
    }
    // The header, when there is one, is the token presented.
    assert_eq!(
        status(Some("Bearer wrong"), "?access_token=s3+cret%2B").await,
        403
    );
    // The forward WebSocket takes the same forms, checked before any upgrade.
    let ws = onebot.replacen("http://", "ws://", 1);
    for (authorization, wanted) in [("bearer s3 cret+", 101), ("Token s3 cret+", 403)] {
        let mut request =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                format!("{ws}/"),
            )
            .expect("request");
        request
            .headers_mut()
            .insert("Authorization", authorization.parse().expect("header"));
        let code = match tokio_tungstenite::connect_async(request).await {
            Ok((_, response)) => response.status().as_u16(),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                response.status().as_u16()
            }
            Err(error) => panic!("{authorization}: {error}"),
        };
        assert_eq!(code, wanted, "{authorization}");
    }
}

#[tokio::test]
async fn failures_answer_in_the_profiles_envelope() {
    let (server, napcat) = start(None, Profile::NapCat).await;
    let get = |url: String| {
        let client = server.client.clone();
        async move { answer(client.get(url).send().await.expect("get")).await }
    };
    // NapCat's HTTP API: an unknown action is retcode 200 "不支持的Api", bad parameters
    // 400, a failed handler 200 (1404, 1400 and 1200 are its WebSocket codes).
    let unknown = get(format!("{napcat}/no_such_action")).await;
    assert_eq!(unknown["status"], "failed");
    assert_eq!(unknown["retcode"], 200);
    assert_eq!(unknown["message"], "不支持的Api no_such_action");
    assert_eq!(unknown["stream"], "normal-action");
    let bad = get(format!("{napcat}/send_group_msg?group_id=x&message=x")).await;
    assert_eq!(bad["retcode"], 400, "{bad}");
    // No implementation registers anonymous chat any more.
    let unsupported = get(format!("{napcat}/set_group_anonymous?group_id=30001")).await;
    assert_eq!(unsupported["message"], "不支持的Api set_group_anonymous");
    let nowhere = get(format!("{napcat}/send_group_msg?group_id=39999&message=x")).await;
    assert_eq!(nowhere["status"], "failed", "{nowhere}");
    assert_eq!(nowhere["retcode"], 200);
    assert!(!nowhere["message"].as_str().unwrap().is_empty());
    let unsendable = get(format!(
        "{napcat}/send_group_msg?group_id=30001&message=%5BCQ:record,file=a.amr%5D"
    ))
    .await;
    assert_eq!(unsendable["retcode"], 400, "{unsendable}");
    assert!(history(&server, "group=30001").await.is_empty());
    server.stop().await;

    let (server, lagrange) = start(None, Profile::Lagrange).await;
    let get = |url: String| {
        let client = server.client.clone();
        async move { answer(client.get(url).send().await.expect("get")).await }
    };
    let unknown = get(format!("{lagrange}/no_such_action")).await;
    assert_eq!(unknown["retcode"], 404);
    assert!(unknown.get("message").is_none() && unknown.get("stream").is_none());
    assert_eq!(unknown["echo"], Value::Null);
    let bad = get(format!("{lagrange}/send_group_msg?message=x")).await;
    assert_eq!(bad["retcode"], 200, "{bad}");
    let suffixed = get(format!("{lagrange}/get_status_async")).await;
    assert_eq!(suffixed["retcode"], 404, "{suffixed}");
    let ok = get(format!("{lagrange}/get_version_info")).await;
    assert_eq!(ok["status"], "ok");
    assert_eq!(ok["data"]["protocol_version"], "v11");
}

/// Every action of the table outside the supported list answers that it is not supported
/// (even with no parameters); every supported one gets past that check.
#[tokio::test]
async fn unsupported_actions_say_so_and_supported_ones_do_not() {
    let (server, onebot) = start(None, Profile::NapCat).await;
    for spec in lizi_onebot::ACTIONS {
        let answer = answer(
            server
                .client
                .post(format!("{onebot}/{}", spec.name))
                .send()
                .await
                .expect("call"),
        )
        .await;
        let refused = answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not support"));
        // The face carries out every action of the table (a refusal names a reason).
        assert!(!refused, "{}: {answer}", spec.name);
    }
}

/// The binary: `--onebot-listen` with port 0 logs the address in a line naming onebot;
/// the token comes from the config file and the profile from the environment.
#[tokio::test]
async fn the_binary_takes_flag_config_key_and_environment() {
    let scratch = common::Scratch::new("onebot-binary");
    let config = scratch.write("lizi.toml", "onebot_token = \"from-file\"\n");
    let data = scratch.data();
    let mut lizi = common::child::Lizi::spawn(
        &scratch.0,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            &data,
            "--config",
            &config,
            "--onebot-listen",
            "127.0.0.1:0",
        ],
        &[("LIZI_ONEBOT_PROFILE", "lagrange")],
    );
    let line = lizi.line_with("onebot HTTP API listening on");
    let address = line
        .split_whitespace()
        .find_map(|word| word.parse::<SocketAddr>().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert_ne!(address.port(), 0, "{line}");
    let client = reqwest::Client::new();
    let url = format!("http://{address}/get_version_info");
    let refused = client.get(&url).send().await.expect("call");
    assert_eq!(refused.status().as_u16(), 401);
    let answer: Value = client
        .get(&url)
        .bearer_auth("from-file")
        .send()
        .await
        .expect("call")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["status"], "ok");
    assert!(
        answer.get("wording").is_none(),
        "lagrange envelope: {answer}"
    );
    lizi.terminate();
}

/// The members of a group as the control API shows them: (uin, card, muted).
async fn members(server: &Server, gin: u64) -> Vec<(u64, String, bool)> {
    let group: Value = server
        .client
        .get(server.url(&format!("/sim/group?gin={gin}")))
        .send()
        .await
        .expect("group")
        .json()
        .await
        .expect("json");
    group["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["uin"].as_u64().expect("uin"),
                m["card"].as_str().unwrap_or_default().to_owned(),
                m["mute_left"].as_i64().unwrap_or(0) > 0,
            )
        })
        .collect()
}

#[tokio::test]
async fn group_admin_actions_change_the_group_or_fail_saying_why() {
    let (server, onebot) = start(None, Profile::NapCat).await;
    let call = |action: &str, params: Value| {
        let request = server
            .client
            .post(format!("{onebot}/{action}"))
            .header("X-Self-ID", "10001")
            .json(&params);
        async move { answer(request.send().await.expect("call")).await }
    };
    let card = call(
        "set_group_card",
        json!({"group_id": 30001, "user_id": 20002, "card": "Bobby"}),
    )
    .await;
    assert_eq!(card["status"], "ok", "{card}");
    let ban = call(
        "set_group_ban",
        json!({"group_id": 30001, "user_id": 20003, "duration": 600}),
    )
    .await;
    assert_eq!(ban["status"], "ok", "{ban}");
    let after = members(&server, 30001).await;
    assert!(
        after.contains(&(20002, "Bobby".to_owned(), false)),
        "{after:?}"
    );
    assert!(after.iter().any(|m| m.0 == 20003 && m.2), "{after:?}");

    let kick = call(
        "set_group_kick",
        json!({"group_id": 30001, "user_id": 20003}),
    )
    .await;
    assert_eq!(kick["status"], "ok", "{kick}");
    assert!(!members(&server, 30001).await.iter().any(|m| m.0 == 20003));

    // An admin cannot kick the owner: failed, with the reason, and nothing changes.
    let refused = call(
        "set_group_kick",
        json!({"group_id": 30001, "user_id": 20001}),
    )
    .await;
    assert_eq!(refused["status"], "failed", "{refused}");
    assert_eq!(refused["retcode"], 200);
    assert!(!refused["message"].as_str().unwrap().is_empty());
    assert!(members(&server, 30001).await.iter().any(|m| m.0 == 20001));

    let leave = call("set_group_leave", json!({"group_id": 30002})).await;
    assert_eq!(
        leave["status"], "failed",
        "the owner cannot just leave: {leave}"
    );
    let leave = call("set_group_leave", json!({"group_id": 30001})).await;
    assert_eq!(leave["status"], "ok", "{leave}");
    assert!(!members(&server, 30001).await.iter().any(|m| m.0 == 10001));
}

#[tokio::test]
async fn forward_websockets_carry_events_on_event_and_actions_on_api() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let (server, onebot) = start(Some("tok"), Profile::NapCat).await;
    let ws = onebot.replacen("http://", "ws://", 1);

    let refused = tokio_tungstenite::connect_async(format!("{ws}/event")).await;
    assert!(refused.is_err(), "a WebSocket without the token is refused");

    let (mut events, _) =
        tokio_tungstenite::connect_async(format!("{ws}/event?access_token=tok&self_id=10002"))
            .await
            .expect("event socket");
    let lifecycle = common::ws_frames::next_json(&mut events).await;
    assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
    assert_eq!(lifecycle["self_id"], 10002);
    let (status, _) = server
        .sim(
            "message",
            json!({"from": 20003, "group": 30001, "text": "over the wire"}),
        )
        .await;
    assert_eq!(status, 200);
    let event = common::ws_frames::next_json(&mut events).await;
    assert_eq!(event["message_type"], "group", "{event}");
    assert_eq!(event["self_id"], 10002);
    assert_eq!(event["user_id"], 20003);
    assert_eq!(event["raw_message"], "over the wire");

    let (mut api, _) = tokio_tungstenite::connect_async(format!("{ws}/api?access_token=tok"))
        .await
        .expect("api socket");
    let call = json!({"action": "get_login_info", "echo": "who"});
    api.send(Message::text(call.to_string()))
        .await
        .expect("send");
    let reply = common::ws_frames::next_json(&mut api).await;
    assert_eq!(reply["echo"], "who", "{reply}");
    assert_eq!(reply["data"]["user_id"], 10001);
    let call = json!({"action": "send_private_msg", "params": {"user_id": 20001, "message": "via ws"}, "echo": 2});
    api.send(Message::text(call.to_string()))
        .await
        .expect("send");
    let reply = common::ws_frames::next_json(&mut api).await;
    assert_eq!(reply["echo"], 2, "{reply}");
    assert_eq!(reply["status"], "ok", "{reply}");
    assert_eq!(
        history(&server, "a=10001&b=20001").await,
        [(10001, "via ws".to_owned())]
    );
    api.send(Message::text("not json")).await.expect("send");
    let reply = common::ws_frames::next_json(&mut api).await;
    assert_eq!(reply["status"], "failed", "{reply}");
    assert_eq!(reply["retcode"], 1400);
    server.stop().await;
}

/// The reverse WebSocket client speaks no TLS: a `wss://` URL is refused at start-up with
/// the reason, not retried for ever.
#[test]
fn a_wss_reverse_url_is_refused_at_start_up() {
    let args = |url: &str| lizi::ServeArgs {
        onebot: lizi::settings::OneBotFaceFlags {
            onebot_reverse_urls: vec![url.to_owned()],
            ..Default::default()
        },
        ..Default::default()
    };
    let error = lizi::Settings::resolve(args("wss://bot.example/onebot"))
        .expect_err("wss refused")
        .to_string();
    assert!(error.contains("wss:// is not supported"), "{error}");
    assert!(lizi::Settings::resolve(args("ws://127.0.0.1:8080/onebot")).is_ok());
}

#[tokio::test]
async fn an_echo_comes_back_byte_for_byte_in_every_profile() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let echoes = [
        "12345678901234567890123",
        "-98765432109876543210.5e-3",
        "1.0",
        r#"{"seq":18446744073709551617,"id":"\u00e9"}"#,
        r#"[1,"two",null]"#,
    ];
    for profile in Profile::ALL {
        let (server, onebot) = start(None, profile).await;
        let ws = onebot.replacen("http://", "ws://", 1);
        let (mut api, _) = tokio_tungstenite::connect_async(format!("{ws}/api"))
            .await
            .expect("api socket");
        for echo in echoes {
            // An action that is done, and one that is refused before it is routed.
            for action in ["get_login_info", "no_such_action"] {
                let frame = format!(r#"{{"action":"{action}","params":{{}},"echo":{echo}}}"#);
                api.send(Message::text(frame)).await.expect("send");
                let reply = loop {
                    let next = tokio::time::timeout(std::time::Duration::from_secs(20), api.next())
                        .await
                        .expect("an answer in time")
                        .expect("open")
                        .expect("a frame");
                    if let Message::Text(text) = next {
                        break text.as_str().to_owned();
                    }
                };
                assert!(
                    reply.contains(&format!(r#""echo":{echo}"#)),
                    "{profile:?} {action}: {reply}"
                );
            }
        }
        server.stop().await;
    }
}
