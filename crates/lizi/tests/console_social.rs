//! The web console's share of what people do in a group besides writing, in a real
//! headless Chromium: a person pokes the bot from the member panel, reacts to the bot's
//! message and marks it as essence from its menu, and posts an announcement; the bot's
//! account receives the system notices, and the world keeps the rest. Screenshots are kept
//! in `target/tmp/console/<test>/`.

// The browser helpers the console tests share; this test uses some of them.
#[allow(dead_code)]
#[path = "console/browser.rs"]
mod browser;
mod common;

use std::time::{Duration, Instant};

use browser::Browser;
use common::Server;
use serde_json::{json, Value};

/// Waits until the bot's session holds a system notice (event 33) with `text`.
async fn bot_is_told(server: &Server, session: u64, text: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let told = server.events(session).await.into_iter().find(|e| {
            e["Type"] == "EventMsg" && e["Msg"]["Type"] == 33 && e["Msg"]["Text"] == text
        });
        if let Some(event) = told {
            return event;
        }
        assert!(Instant::now() < deadline, "the bot was never told {text:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_pokes_reacts_marks_essence_and_announces_from_the_console() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("social", 1280, 800).await else {
        return;
    };
    let session = server.session().await;
    server
        .call(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=hello%20group",
        )
        .await;
    // Alice, the owner of the test group, opens it.
    browser
        .client
        .goto(&server.url("/console?as=user:20001&chat=group:30001"))
        .await
        .expect("open the console");
    browser
        .until(
            10,
            "the bot's message in the group",
            "return [...document.querySelectorAll('.msg[data-from=\"10001\"]')].length > 0",
        )
        .await;
    browser.shot("01-group").await;

    // The message's menu (shown on hover): a thumbs-up and an essence mark.
    let menu = |button: &str| {
        format!("document.querySelector('.msg[data-from=\"10001\"] button.{button}').click(); return true")
    };
    browser.run(&menu("react"), vec![]).await;
    bot_is_told(&server, session, "20001 用表情回应了消息 76").await;
    browser.run(&menu("essence"), vec![]).await;
    bot_is_told(&server, session, "20001 把 10001 的消息设为了精华消息").await;
    let reactions = server.view("/sim/reactions?group=30001&req=1").await;
    assert_eq!(
        reactions["reactions"][0]["users"][0]["uin"], 20001,
        "{reactions}"
    );
    let essence = server.view("/sim/essence?group=30001").await;
    assert_eq!(essence["essence"][0]["operator"], 20001, "{essence}");

    // The member panel: poke the bot, post an announcement.
    browser.click("button[data-tab='members']").await;
    browser
        .until(
            10,
            "the member panel",
            "return !!document.querySelector('.member[data-uin=\"10001\"] .poke')",
        )
        .await;
    browser.click(".member[data-uin='10001'] .poke").await;
    let poke = bot_is_told(&server, session, "20001 戳了戳 10001").await;
    assert_eq!(poke["FromGroup"]["GIN"], 30001);
    // Typed text survives the panel's live updates (the poke's, say).
    browser
        .run(
            "const box = document.querySelector('#tab-members input.announcement'); \
             box.value = arguments[0]; box.dispatchEvent(new Event('input')); return true",
            vec![json!("meeting at 8")],
        )
        .await;
    browser.click("#tab-members .announce").await;
    browser.shot("02-announced").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let posted = server.view("/sim/announcements?group=30001").await;
        if posted["announcements"][0]["text"] == "meeting at 8" {
            break;
        }
        assert!(Instant::now() < deadline, "no announcement: {posted}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(browser.errors().await, json!([]), "script errors");
}
